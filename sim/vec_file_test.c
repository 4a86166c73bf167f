#define _POSIX_C_SOURCE 200809L
#include "vec_file.h"

#include <string.h>

#include "sbconf.h"
#include "test/sbt.h"

static int load(const char *text, sbv_file *f, char *err, size_t cap) {
  return sbv_file_load_buffer("v.json", (const unsigned char *)text, strlen(text), f, err, cap);
}

#define HEAD "{\"schema\":\"sideband-vectors/1\",\"layer\":\"x\","

static void loader_accepts_a_minimal_file(void) {
  sbv_file f;
  char err[256];
  SBT_OK(load(HEAD "\"numberOfTests\":1,\"notes\":{\"F\":\"why\"},\"profiles\":{\"upstream\":[\"F\"]},"
                   "\"testGroups\":[{\"type\":\"t\",\"tests\":[{\"tcId\":7,\"requirements\":[],"
                   "\"flags\":[\"F\"],\"input\":{},\"result\":\"acceptable\"}]}]}",
              &f, err, sizeof err));
  SBT_EQ_U64(f.ntests, 1);
  SBT_EQ_U64(f.groups[0].tests[0].tcid, 7);
  SBT_CHECK(sbv_file_relaxed(&f, &f.groups[0].tests[0], "upstream"), "F relaxed under upstream");
  SBT_CHECK(!sbv_file_relaxed(&f, &f.groups[0].tests[0], "strict"), "not under strict");
  sbv_file_free(&f);
}

static void loader_names_the_json_path_of_each_problem(void) {
  static const struct {
    const char *text, *needle;
  } bad[] = {
      {"{\"schema\":\"other/1\"}", "v.json: $.schema: \"other/1\" is not"},
      {HEAD "\"numberOfTests\":2,\"testGroups\":[{\"type\":\"t\",\"tests\":[{\"tcId\":1,"
            "\"requirements\":[],\"input\":{},\"result\":\"valid\"}]}]}",
       "$.numberOfTests: says 2, the file has 1 tests"},
      {HEAD "\"numberOfTests\":2,\"testGroups\":[{\"type\":\"t\",\"tests\":[{\"tcId\":1,"
            "\"requirements\":[],\"input\":{},\"result\":\"valid\"},{\"tcId\":1,"
            "\"requirements\":[],\"input\":{},\"result\":\"valid\"}]}]}",
       "$.testGroups[0].tests[1].tcId: duplicate tcId 1 (also at $.testGroups[0].tests[0])"},
      {HEAD "\"numberOfTests\":1,\"testGroups\":[{\"type\":\"t\",\"tests\":[{\"tcId\":1,"
            "\"requirements\":[],\"flags\":[\"Nope\"],\"input\":{},\"result\":\"valid\"}]}]}",
       "$.testGroups[0].tests[0].flags[0]: flag \"Nope\" is not a key of $.notes"},
      {HEAD "\"numberOfTests\":1,\"testGroups\":[{\"type\":\"t\",\"tests\":[{\"tcId\":1,"
            "\"requirements\":[],\"input\":{},\"result\":\"invalid\"}]}]}",
       "$.testGroups[0].tests[0].output: an invalid case needs output.error"},
      {HEAD "\"numberOfTests\":1,\"testGroups\":[{\"type\":\"t\",\"tests\":[{\"tcId\":1,"
            "\"requirements\":[],\"input\":{},\"result\":\"maybe\"}]}]}",
       "$.testGroups[0].tests[0].result: \"maybe\" is not valid, invalid or acceptable"},
      {HEAD "\"numberOfTests\":0}", "$.testGroups: missing or not an array"},
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    sbv_file f;
    char err[512] = "";
    int rc = load(bad[i].text, &f, err, sizeof err);
    SBT_CHECK(rc == SBCONF_EXIT_MALFORMED, "case %zu: exit 4 (got %d)", i, rc);
    SBT_CHECK(strstr(err, bad[i].needle) != NULL, "case %zu: message \"%s\" contains \"%s\"", i, err,
              bad[i].needle);
  }
}

static void loader_gives_line_and_column_of_a_syntax_error(void) {
  sbv_file f;
  char err[256];
  SBT_EQ_U64(load("{\n  \"schema\": \"sideband-vectors/1\",\n  \"layer\": x\n}", &f, err, sizeof err),
             SBCONF_EXIT_MALFORMED);
  SBT_STR_EQ(err, "v.json:3:12: invalid JSON");
}

static void loader_reports_a_missing_file_with_exit_3(void) {
  sbv_file f;
  char err[256];
  SBT_EQ_U64(sbv_file_load("sim/testdata/does-not-exist.json", &f, err, sizeof err), SBCONF_EXIT_NOT_FOUND);
  SBT_CHECK(strstr(err, "does-not-exist.json: cannot read") != NULL, "message: %s", err);
}

SBT_SUITE(sim_vec_file, "sim/vec_file", SBT_CASE(loader_accepts_a_minimal_file),
          SBT_CASE(loader_names_the_json_path_of_each_problem),
          SBT_CASE(loader_gives_line_and_column_of_a_syntax_error),
          SBT_CASE(loader_reports_a_missing_file_with_exit_3))
