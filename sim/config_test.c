#define _POSIX_C_SOURCE 200809L
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sbconf.h"
#include "test/sbt.h"

static const char *const keys[] = {"profile", "timeout", NULL};

static void write_file(const char *path, const char *text) {
  FILE *f = fopen(path, "w");
  SBT_CHECK(f && fputs(text, f) >= 0 && fclose(f) == 0, "wrote %s", path);
}

static void config_precedence_is_option_env_file_default(void) {
  /* cli.md: command line, then SBCONF_*, then --config, then the default. */
  char path[] = "/tmp/sbconf-config-XXXXXX";
  int fd = mkstemp(path);
  SBT_CHECK(fd >= 0, "temp file");
  write_file(path, "{\"profile\":\"upstream\",\"timeout\":250}");
  sbc_config c;
  char err[256], buf[32];
  SBT_OK(sbc_config_load(&c, path, keys, err, sizeof err));
  unsetenv("SBCONF_PROFILE");
  SBT_STR_EQ(sbc_config_get(&c, "profile", NULL, "strict", buf, sizeof buf), "upstream");
  SBT_STR_EQ(sbc_config_get(&c, "timeout", NULL, "5000", buf, sizeof buf), "250");
  setenv("SBCONF_PROFILE", "strict", 1);
  SBT_STR_EQ(sbc_config_get(&c, "profile", NULL, "x", buf, sizeof buf), "strict");
  SBT_STR_EQ(sbc_config_get(&c, "profile", "upstream", "x", buf, sizeof buf), "upstream");
  unsetenv("SBCONF_PROFILE");
  SBT_STR_EQ(sbc_config_get(NULL, "profile", NULL, "strict", buf, sizeof buf), "strict");
  sbc_config_free(&c);
  remove(path);
}

static void config_refuses_unknown_keys_and_bad_json(void) {
  char path[] = "/tmp/sbconf-config-XXXXXX";
  int fd = mkstemp(path);
  SBT_CHECK(fd >= 0, "temp file");
  sbc_config c;
  char err[512];
  write_file(path, "{\"profil\":\"strict\"}");
  SBT_EQ_U64(sbc_config_load(&c, path, keys, err, sizeof err), SBCONF_EXIT_MALFORMED);
  SBT_CHECK(strstr(err, "$.profil: unknown option") != NULL, "message: %s", err);
  write_file(path, "{\n\"profile\": strict}");
  SBT_EQ_U64(sbc_config_load(&c, path, keys, err, sizeof err), SBCONF_EXIT_MALFORMED);
  SBT_CHECK(strstr(err, ":2:12: invalid JSON") != NULL, "message: %s", err);
  remove(path);
  SBT_EQ_U64(sbc_config_load(&c, path, keys, err, sizeof err), SBCONF_EXIT_NOT_FOUND);
}

SBT_SUITE(sim_config, "sim/config", SBT_CASE(config_precedence_is_option_env_file_default),
          SBT_CASE(config_refuses_unknown_keys_and_bad_json))
