#include "sbp/errors.h"

#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "test/sbt.h"

static const uint8_t ID_00_0F[16] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15};

static void errors_table_has_the_five_codes_with_documented_fatality(void) {
  /* SBP-ERR-001, SBP-ERR-002, SBP-ERR-003, SBP-ERR-004 */
  static const struct {
    uint16_t code;
    const char *name;
    sb_sbp_fatality fatality;
  } want[] = {
      {1000, "ProtocolViolation", SB_SBP_FATAL},
      {1001, "UnsupportedVersion", SB_SBP_FATAL},
      {1002, "InvalidFrame", SB_SBP_CONTEXTUAL},
      {1003, "UnsupportedFeature", SB_SBP_NON_FATAL},
      {2000, "ApplicationError", SB_SBP_NON_FATAL},
  };
  SBT_EQ_U64(sb_sbp_errors_count(), SB_ARRAY_LEN(want));
  for (size_t i = 0; i < SB_ARRAY_LEN(want); i++) {
    const sb_sbp_errors_info *info = sb_sbp_errors_lookup(want[i].code);
    SBT_CHECK(info && info == sb_sbp_errors_at((unsigned)i), "%u in table order", want[i].code);
    if (!info) continue;
    SBT_STR_EQ(info->name, want[i].name);
    SBT_CHECK(info->fatality == want[i].fatality, "%u fatality", want[i].code);
    SBT_CHECK(sb_sbp_errors_fatality(want[i].code) == want[i].fatality, "%u by code",
              want[i].code);
  }
  SBT_CHECK(sb_sbp_errors_at(5) == NULL, "past the end");
  SBT_CHECK(sb_sbp_errors_lookup(1004) == NULL && sb_sbp_errors_lookup(0) == NULL &&
                sb_sbp_errors_lookup(1101) == NULL,
            "only five codes");
  /* Application range beyond 2000 is non-fatal; nothing says for the rest. */
  SBT_CHECK(sb_sbp_errors_fatality(2001) == SB_SBP_NON_FATAL, "2001 non-fatal");
  SBT_CHECK(sb_sbp_errors_fatality(65535) == SB_SBP_NON_FATAL, "65535 non-fatal");
  SBT_CHECK(sb_sbp_errors_fatality(1004) == SB_SBP_FATALITY_UNKNOWN, "1004 unknown");
  SBT_CHECK(sb_sbp_errors_fatality(1101) == SB_SBP_FATALITY_UNKNOWN, "1101 not an SBP code");
  SBT_CHECK(sb_sbp_errors_fatality(999) == SB_SBP_FATALITY_UNKNOWN, "999 unknown");
  SBT_STR_EQ(sb_sbp_errors_fatality_name(SB_SBP_FATAL), "Fatal");
  SBT_STR_EQ(sb_sbp_errors_fatality_name(SB_SBP_CONTEXTUAL), "Contextual");
  SBT_STR_EQ(sb_sbp_errors_fatality_name(SB_SBP_NON_FATAL), "Non-fatal");
  SBT_STR_EQ(sb_sbp_errors_fatality_name(SB_SBP_FATALITY_UNKNOWN), "Unknown");
}

static void errors_negotiator_treats_only_1000_and_1001_as_fatal(void) {
  /* SBP-ERR-011, SBP-ERR-014: InvalidFrame (a malformed handshake) retries */
  SBT_CHECK(sb_sbp_errors_negotiator_fatal(1000), "1000 fatal");
  SBT_CHECK(sb_sbp_errors_negotiator_fatal(1001), "1001 fatal");
  static const uint32_t retryable[] = {0, 999, 1002, 1003, 1004, 1099, 1100, 1103, 2000, 70000};
  for (size_t i = 0; i < SB_ARRAY_LEN(retryable); i++)
    SBT_CHECK(!sb_sbp_errors_negotiator_fatal(retryable[i]), "%u retryable", retryable[i]);
  /* Documented fatality differs for 1002: contextual, not plainly retryable. */
  SBT_CHECK(sb_sbp_errors_fatality(1002) == SB_SBP_CONTEXTUAL, "1002 contextual in docs");
}

static void errors_code_ranges_have_fixed_owners(void) {
  /* SBP-ERR-008, RPC-ERR-001 */
  static const struct {
    uint32_t code;
    sb_sbp_code_range range;
  } cases[] = {
      {0, SB_SBP_RANGE_UNASSIGNED},        {999, SB_SBP_RANGE_UNASSIGNED},
      {1000, SB_SBP_RANGE_SBP},            {1099, SB_SBP_RANGE_SBP},
      {1100, SB_SBP_RANGE_RPC},            {1199, SB_SBP_RANGE_RPC},
      {1200, SB_SBP_RANGE_RESERVED},       {1999, SB_SBP_RANGE_RESERVED},
      {2000, SB_SBP_RANGE_APPLICATION},    {65535, SB_SBP_RANGE_APPLICATION},
      {UINT32_MAX, SB_SBP_RANGE_APPLICATION},
  };
  for (size_t i = 0; i < SB_ARRAY_LEN(cases); i++)
    SBT_CHECK(sb_sbp_errors_range(cases[i].code) == cases[i].range, "%u: range %s",
              cases[i].code, sb_sbp_errors_range_name(sb_sbp_errors_range(cases[i].code)));
  SBT_STR_EQ(sb_sbp_errors_range_name(SB_SBP_RANGE_UNASSIGNED), "unassigned");
  SBT_STR_EQ(sb_sbp_errors_range_name(SB_SBP_RANGE_SBP), "sbp");
  SBT_STR_EQ(sb_sbp_errors_range_name(SB_SBP_RANGE_RPC), "rpc");
  SBT_STR_EQ(sb_sbp_errors_range_name(SB_SBP_RANGE_RESERVED), "reserved");
  SBT_STR_EQ(sb_sbp_errors_range_name(SB_SBP_RANGE_APPLICATION), "application");
  SBT_CHECK(sb_sbp_errors_range_name((sb_sbp_code_range)9) == NULL, "not a range");
}

static void errors_sbp_rows_of_the_error_table_stay_in_the_sbp_range(void) {
  /* SBP-ERR-008: every SB_ERR_SBP_* outcome is a defined SBP code, named as
   * the registry names it */
  unsigned rows = 0;
  for (unsigned i = 0; i < sb_err_count(); i++) {
    const sb_err_info *e = sb_err_at(i);
    if (e->value > -100 || e->value <= -200) continue;
    rows++;
    const sb_sbp_errors_info *info = sb_sbp_errors_lookup(e->proto_code);
    SBT_CHECK(sb_sbp_errors_range(e->proto_code) == SB_SBP_RANGE_SBP && info && e->proto_name &&
                  !strcmp(info->name, e->proto_name) && e->req &&
                  !strncmp(e->req, "SBP-", 4),
              "%s: SBP outcome %u %s", e->name, e->proto_code,
              e->proto_name ? e->proto_name : "(none)");
  }
  SBT_CHECK(rows >= 30, "SBP rows found (%u)", rows);
}

static void errors_websocket_close_code_guidance(void) {
  /* SBP-ERR-012 */
  SBT_EQ_U64(sb_sbp_errors_lookup(1000)->ws_close_code, 1002);
  SBT_EQ_U64(sb_sbp_errors_lookup(1001)->ws_close_code, 1003);
  SBT_EQ_U64(sb_sbp_errors_lookup(1002)->ws_close_code, 1002);
  SBT_EQ_U64(sb_sbp_errors_lookup(1003)->ws_close_code, 0);
  SBT_EQ_U64(sb_sbp_errors_lookup(2000)->ws_close_code, 0);
}

static int encode_hex(const sb_sbp_frame *f, char **hex) {
  uint8_t buf[128];
  size_t len = 0;
  int rc = sb_sbp_frame_encode(f, buf, sizeof buf, &len);
  *hex = rc == SB_OK ? sbt_hex(buf, len) : NULL;
  return rc;
}

static void errors_frame_for_a_subject_fault_is_the_worked_vector(void) {
  /* SBP-SUBJ-005, SBP-EFR-003, SBP-ERR-006: sbp.md section 4, "Error 1002
   * Invalid subject namespace", 49 bytes, with the offending frame's id */
  static const int faults[] = {SB_ERR_SBP_SUBJECT_NAMESPACE, SB_ERR_SBP_SUBJECT_EMPTY,
                               SB_ERR_SBP_SUBJECT_NUL, SB_ERR_SBP_SUBJECT_TOO_LONG,
                               SB_ERR_SBP_SUBJECT_UTF8};
  for (size_t i = 0; i < SB_ARRAY_LEN(faults); i++) {
    sb_sbp_frame f;
    char *hex = NULL;
    SBT_OK(sb_sbp_errors_frame(faults[i], ID_00_0F, &f));
    SBT_OK(encode_hex(&f, &hex));
    SBT_STR_EQ(hex, "0300000102030405060708090a0b0c0d0e0fea0319000000"
                    "496e76616c6964207375626a656374206e616d657370616365");
    free(hex);
  }
}

static void errors_frame_for_other_outcomes(void) {
  /* SBP-HS-003 (1001 on mismatch), SBP-WIRE-005, SBP-EFR-002 */
  sb_sbp_frame f;
  SBT_OK(sb_sbp_errors_frame(SB_ERR_SBP_HS_VERSION_MISMATCH, ID_00_0F, &f));
  SBT_CHECK(f.kind == SB_SBP_KIND_ERROR && f.error.code == 1001 && !f.has_timestamp &&
                f.error.details_len == 0 && memcmp(f.frame_id, ID_00_0F, 16) == 0,
            "UnsupportedVersion frame");
  SBT_CHECK(f.error.message_len == strlen(sb_err_str(SB_ERR_SBP_HS_VERSION_MISMATCH)) &&
                !memcmp(f.error.message, sb_err_str(SB_ERR_SBP_HS_VERSION_MISMATCH),
                        f.error.message_len),
            "message is the table text");
  SBT_OK(sb_sbp_errors_frame(SB_ERR_SBP_RESERVED_FLAGS, ID_00_0F, &f));
  SBT_EQ_U64(f.error.code, 1002);
  /* Not SBP outcomes: refused. */
  SBT_ERR_EQ(sb_sbp_errors_frame(SB_ERR_RPC_JSON, ID_00_0F, &f), SB_ERR_ARG);
  SBT_ERR_EQ(sb_sbp_errors_frame(SB_ERR_BUF, ID_00_0F, &f), SB_ERR_ARG);
  SBT_ERR_EQ(sb_sbp_errors_frame(SB_OK, ID_00_0F, &f), SB_ERR_ARG);
  SBT_ERR_EQ(sb_sbp_errors_frame(-199, ID_00_0F, &f), SB_ERR_ARG);
  SBT_ERR_EQ(sb_sbp_errors_frame(SB_ERR_SBP_RESERVED_FLAGS, NULL, &f), SB_ERR_ARG);
  SBT_ERR_EQ(sb_sbp_errors_frame(SB_ERR_SBP_RESERVED_FLAGS, ID_00_0F, NULL), SB_ERR_ARG);
}

static void upstream_error_code_constants_match(void) {
  /* SBP-ERR-001, SBP-ERR-008 */
  cJSON *root = sbt_load_json("upstream/upstream-sbp.json");
  const cJSON *codes = sbt_get(sbt_get(root, "constants"), "ErrorCode");
  SBT_CHECK(cJSON_GetArraySize(codes) >= 4, "ErrorCode present");
  const cJSON *c;
  cJSON_ArrayForEach(c, codes) {
    const sb_sbp_errors_info *info = sb_sbp_errors_lookup((uint32_t)cJSON_GetNumberValue(c));
    if (SBT_STR_EQ(info ? info->name : NULL, c->string)) sbt_count_upstream_value();
  }
  cJSON_Delete(root);
}

SBT_SUITE(sbp_errors, "sbp/errors",
          SBT_CASE(errors_table_has_the_five_codes_with_documented_fatality),
          SBT_CASE(errors_negotiator_treats_only_1000_and_1001_as_fatal),
          SBT_CASE(errors_code_ranges_have_fixed_owners),
          SBT_CASE(errors_sbp_rows_of_the_error_table_stay_in_the_sbp_range),
          SBT_CASE(errors_websocket_close_code_guidance),
          SBT_CASE(errors_frame_for_a_subject_fault_is_the_worked_vector),
          SBT_CASE(errors_frame_for_other_outcomes),
          SBT_CASE(upstream_error_code_constants_match))
