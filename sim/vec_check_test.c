#define _POSIX_C_SOURCE 200809L
#include "vec_check.h"

#include <string.h>

#include "common/json.h"
#include "test/sbt.h"

static cJSON *J(const char *text) {
  cJSON *j = NULL;
  if (sb_json_parse((const unsigned char *)text, strlen(text), true, &j) != 0)
    SBT_CHECK(false, "test JSON parses: %s", text);
  return j;
}

static sbv_outcome judge(const char *type, sbv_expect e, const char *exp, sbv_result r,
                         const char *got, bool relaxed) {
  cJSON *eo = exp ? J(exp) : NULL;
  sbv_answer a = {r, got ? J(got) : NULL, 0};
  char detail[512];
  sbv_outcome o = sbv_compare(sbv_op_find(type), e, eo, &a, relaxed, detail, sizeof detail);
  SBT_CHECK(o == SBV_PASS || detail[0], "a non-pass outcome explains itself");
  cJSON_Delete(eo);
  sbv_answer_clear(&a);
  return o;
}

static void compare_requires_the_same_result(void) {
  SBT_EQ_U64(judge("sbrp.frame.decode", SBV_EXPECT_VALID, "{\"type\":16,\"sessionId\":\"0\",\"payload\":\"\"}",
                   SBV_INVALID, "{\"error\":\"malformed_frame\"}", false),
             SBV_FAIL);
  SBT_EQ_U64(judge("sbrp.frame.decode", SBV_EXPECT_INVALID, "{\"error\":\"malformed_frame\"}",
                   SBV_VALID, "{\"type\":16,\"sessionId\":\"0\",\"payload\":\"\"}", false),
             SBV_FAIL);
}

static void compare_valid_outputs_member_by_member(void) {
  const char *exp = "{\"type\":16,\"sessionId\":\"0\",\"payload\":\"a1b2\"}";
  SBT_EQ_U64(judge("sbrp.frame.decode", SBV_EXPECT_VALID, exp, SBV_VALID,
                   "{\"payload\":\"A1B2\",\"sessionId\":\"0\",\"type\":16,\"extra\":true}", false),
             SBV_PASS); /* hex case-insensitive, order free, unknown members ignored */
  SBT_EQ_U64(judge("sbrp.frame.decode", SBV_EXPECT_VALID, exp, SBV_VALID,
                   "{\"type\":16,\"sessionId\":\"1\",\"payload\":\"a1b2\"}", false),
             SBV_FAIL); /* decimal strings compared exactly */
  SBT_EQ_U64(judge("sbrp.frame.decode", SBV_EXPECT_VALID, exp, SBV_VALID,
                   "{\"type\":16,\"payload\":\"a1b2\"}", false),
             SBV_FAIL); /* a member missing */
  SBT_EQ_U64(judge("rpc.envelope.decode", SBV_EXPECT_VALID, "{\"t\":\"R\",\"cid\":\"00\"}",
                   SBV_VALID, "{\"t\":\"R\",\"cid\":\"00\",\"result\":null}", false),
             SBV_FAIL); /* a defined member only the answer has: result null is not absent */
}

static void compare_envelope_encoding_as_parsed_json(void) {
  /* {"t":"N","e":"x"} vs { "e" : "x" , "t" : "N" } */
  SBT_EQ_U64(judge("rpc.envelope.encode", SBV_EXPECT_VALID, "{\"data\":\"7b2274223a224e222c2265223a2278227d\"}",
                   SBV_VALID, "{\"data\":\"7b202265223a202278222c202274223a20224e227d\"}", false),
             SBV_PASS);
  SBT_EQ_U64(judge("rpc.envelope.encode", SBV_EXPECT_VALID, "{\"data\":\"7b2274223a224e222c2265223a2278227d\"}",
                   SBV_VALID, "{\"data\":\"7b2274223a224e222c2265223a2279227d\"}", false),
             SBV_FAIL);
}

static void compare_invalid_on_error_and_stated_members(void) {
  const char *exp = "{\"action\":\"reject\",\"control\":{\"code\":1029,\"name\":\"disallowed_sender\","
                    "\"sessionId\":\"5\"},\"terminal\":true,\"error\":\"disallowed_sender\"}";
  SBT_EQ_U64(judge("sbrp.relay.validate", SBV_EXPECT_INVALID, exp, SBV_INVALID, exp, false), SBV_PASS);
  SBT_EQ_U64(judge("sbrp.relay.validate", SBV_EXPECT_INVALID, exp, SBV_INVALID,
                   "{\"action\":\"reject\",\"control\":{\"code\":1029,\"name\":\"disallowed_sender\","
                   "\"sessionId\":\"0\"},\"terminal\":true,\"error\":\"disallowed_sender\"}",
                   false),
             SBV_FAIL); /* the Control SessionID is part of the verdict */
  SBT_EQ_U64(judge("sbp.frame.decode", SBV_EXPECT_INVALID, "{\"error\":1002}", SBV_INVALID,
                   "{\"error\":1000}", false),
             SBV_FAIL);
  SBT_EQ_U64(judge("sbp.frame.decode", SBV_EXPECT_INVALID, "{\"error\":1002}", SBV_INVALID,
                   "{\"error\":1002,\"why\":\"extra\"}", false),
             SBV_PASS);
}

static void compare_profiles_acceptable_and_unsupported(void) {
  /* A flag relaxed by the profile turns a difference into non-strict. */
  SBT_EQ_U64(judge("sbp.frame.decode", SBV_EXPECT_INVALID, "{\"error\":1002}", SBV_INVALID,
                   "{\"error\":1000}", true),
             SBV_NONSTRICT);
  SBT_EQ_U64(judge("sbp.frame.decode", SBV_EXPECT_ACCEPTABLE, NULL, SBV_VALID, "{}", false), SBV_INFO);
  SBT_EQ_U64(judge("sbp.frame.decode", SBV_EXPECT_ACCEPTABLE, NULL, SBV_INVALID, "{\"error\":1}", false),
             SBV_INFO);
  SBT_EQ_U64(judge("sbp.frame.decode", SBV_EXPECT_VALID, "{}", SBV_UNSUPPORTED, NULL, false), SBV_UNSUP);
}

static void report_counts_and_cites(void) {
  /* Two cases, one failing: counts, the summary line and fail_cites. */
  const char *text =
      "{\"schema\":\"sideband-vectors/1\",\"layer\":\"events\",\"numberOfTests\":2,\"testGroups\":["
      "{\"type\":\"events.match\",\"tests\":["
      "{\"tcId\":1,\"requirements\":[\"EVT-PAT-001\"],\"input\":{\"pattern\":\"a.*\",\"name\":\"a.b\"},"
      "\"result\":\"valid\",\"output\":{\"match\":true}},"
      "{\"tcId\":2,\"requirements\":[\"EVT-PAT-001\",\"EVT-PAT-004\"],\"input\":{\"pattern\":\"a.>\",\"name\":\"a\"},"
      "\"result\":\"valid\",\"output\":{\"match\":true}}]}]}";
  sbv_file f;
  char err[256];
  SBT_OK(sbv_file_load_buffer("t.json", (const unsigned char *)text, strlen(text), &f, err, sizeof err));
  sbv_engine e = sbv_engine_reference(NULL);
  sbv_report *r = sbv_report_new();
  sbv_check_opts opts = {"strict", false, true};
  FILE *null = fopen("/dev/null", "w");
  SBT_OK(sbv_check_file(&f, &e, &opts, r, null));
  fclose(null);
  SBT_EQ_U64(sbv_report_count(r, SBV_PASS), 1);
  SBT_EQ_U64(sbv_report_count(r, SBV_FAIL), 1); /* the file is wrong: > never matches zero segments */
  SBT_EQ_U64(sbv_report_fail_cites(r, "EVT-PAT-004"), 1);
  SBT_EQ_U64(sbv_report_fail_cites(r, "EVT-PAT-00"), 0); /* whole IDs only */
  char line[64];
  FILE *mem = fmemopen(line, sizeof line, "w");
  sbv_report_summary_line(r, mem);
  fclose(mem);
  SBT_STR_EQ(line, "1 passed, 1 failed\n");
  sbv_report_free(r);
  sbv_file_free(&f);
}

SBT_SUITE(sim_vec_check, "sim/vec_check", SBT_CASE(compare_requires_the_same_result),
          SBT_CASE(compare_valid_outputs_member_by_member),
          SBT_CASE(compare_envelope_encoding_as_parsed_json),
          SBT_CASE(compare_invalid_on_error_and_stated_members),
          SBT_CASE(compare_profiles_acceptable_and_unsupported), SBT_CASE(report_counts_and_cites))
