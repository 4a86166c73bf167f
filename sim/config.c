#define _POSIX_C_SOURCE 200809L
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "common/json.h"
#include "sbconf.h"

int sbc_config_load(sbc_config *c, const char *path, const char *const *known, char *err,
                    size_t errcap) {
  memset(c, 0, sizeof *c);
  if (!path) return 0;
  FILE *f = fopen(path, "rb");
  if (!f) {
    snprintf(err, errcap, "%s: cannot read config: %s", path, strerror(errno));
    return SBCONF_EXIT_NOT_FOUND;
  }
  char buf[65536];
  size_t n = fread(buf, 1, sizeof buf, f);
  bool too_big = !feof(f);
  fclose(f);
  size_t off = 0;
  int rc = too_big ? SB_ERR_JSON : sb_json_syntax_check((const uint8_t *)buf, n, &off);
  if (rc == SB_OK) rc = sb_json_parse((const uint8_t *)buf, n, true, &c->file);
  if (rc != SB_OK || !cJSON_IsObject(c->file)) {
    unsigned line = 1, col = 1;
    for (size_t i = 0; i < off && i < n; i++) buf[i] == '\n' ? (line++, col = 1) : col++;
    snprintf(err, errcap, "%s:%u:%u: %s", path, line, col,
             too_big ? "config file larger than 64 KiB" : rc != SB_OK ? "invalid JSON" : "not a JSON object");
    cJSON_Delete(c->file);
    c->file = NULL;
    return SBCONF_EXIT_MALFORMED;
  }
  const cJSON *m;
  cJSON_ArrayForEach(m, c->file) {
    bool ok = false;
    for (const char *const *k = known; k && *k && !ok; k++) ok = !strcmp(*k, m->string);
    if (!ok) {
      snprintf(err, errcap, "%s: $.%s: unknown option", path, m->string);
      sbc_config_free(c);
      return SBCONF_EXIT_MALFORMED;
    }
    if (!cJSON_IsString(m) && !cJSON_IsNumber(m) && !cJSON_IsBool(m)) {
      snprintf(err, errcap, "%s: $.%s: not a string, number or boolean", path, m->string);
      sbc_config_free(c);
      return SBCONF_EXIT_MALFORMED;
    }
  }
  c->path = strdup(path);
  return 0;
}

void sbc_config_free(sbc_config *c) {
  cJSON_Delete(c->file);
  free(c->path);
  memset(c, 0, sizeof *c);
}

const char *sbc_config_get(const sbc_config *c, const char *name, const char *cli,
                           const char *fallback, char *buf, size_t cap) {
  if (cli) return cli;
  char env[64] = "SBCONF_";
  size_t k = strlen(env);
  for (const char *p = name; *p && k + 1 < sizeof env; p++)
    env[k++] = *p == '-' ? '_' : (char)toupper((unsigned char)*p);
  env[k] = '\0';
  const char *e = getenv(env);
  if (e) return e;
  const cJSON *v = c && c->file ? cJSON_GetObjectItemCaseSensitive(c->file, name) : NULL;
  if (cJSON_IsString(v)) return v->valuestring;
  if (cJSON_IsNumber(v)) {
    snprintf(buf, cap, "%.17g", v->valuedouble);
    return buf;
  }
  if (cJSON_IsBool(v)) {
    snprintf(buf, cap, "%s", cJSON_IsTrue(v) ? "true" : "false");
    return buf;
  }
  return fallback;
}
