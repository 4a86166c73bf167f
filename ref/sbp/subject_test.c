#include "sbp/subject.h"

#include <string.h>

#include "common/error.h"
#include "test/sbt.h"

static int check_str(const char *s, sb_sbp_subject_kind *kind) {
  return sb_sbp_subject_check((const uint8_t *)s, strlen(s), kind);
}

/* "app/" followed by `fill` bytes of `c`: a subject of exactly 4 + fill bytes. */
static size_t app_subject(uint8_t *buf, size_t fill, uint8_t c) {
  memcpy(buf, "app/", 4);
  memset(buf + 4, c, fill);
  return 4 + fill;
}

static void subject_accepts_exact_channels_and_the_app_prefix(void) {
  /* SBP-SUBJ-003, SBP-SUBJ-007 */
  static const struct {
    const char *s;
    sb_sbp_subject_kind kind;
  } ok[] = {
      {"rpc", SB_SBP_SUBJECT_RPC},
      {"event", SB_SBP_SUBJECT_EVENT},
      {"stream", SB_SBP_SUBJECT_STREAM_RESERVED},
      {"app/", SB_SBP_SUBJECT_APP},
      {"app/x", SB_SBP_SUBJECT_APP},
      {"app/rpc", SB_SBP_SUBJECT_APP},
      {"app//", SB_SBP_SUBJECT_APP},
      {"app/chat.\xc3\xbc", SB_SBP_SUBJECT_APP},
      {"app/\xf0\x9f\x98\x80", SB_SBP_SUBJECT_APP},
  };
  for (size_t i = 0; i < SB_ARRAY_LEN(ok); i++) {
    sb_sbp_subject_kind kind = 0;
    SBT_OK(check_str(ok[i].s, &kind));
    SBT_CHECK(kind == ok[i].kind, "%s: kind %d, want %d", ok[i].s, (int)kind, (int)ok[i].kind);
  }
  SBT_OK(check_str("rpc", NULL)); /* the kind output is optional */
}

static void subject_rejects_prefixed_channels_and_near_misses(void) {
  /* SBP-SUBJ-003, SBP-SUBJ-005: the old `rpc/...` model is gone */
  static const char *const bad[] = {
      "rpc/",  "rpc/getUser", "event/x", "stream/x", "app",   "apps/x", "ap",   "RPC",
      "Rpc",   " rpc",        "rpc ",    "APP/x",   "/app/", "foo",    "rpcx", "events",
      "streams", "app\\x",    "app.x",   "rp",      "evt",
  };
  for (size_t i = 0; i < SB_ARRAY_LEN(bad); i++) {
    sb_sbp_subject_kind kind = SB_SBP_SUBJECT_RPC;
    SBT_ERR_EQ(check_str(bad[i], &kind), SB_ERR_SBP_SUBJECT_NAMESPACE);
    SBT_CHECK(kind == SB_SBP_SUBJECT_RPC, "%s: kind untouched on failure", bad[i]);
  }
}

static void subject_rejects_empty_and_nul(void) {
  /* SBP-SUBJ-001 */
  SBT_ERR_EQ(sb_sbp_subject_check((const uint8_t *)"", 0, NULL), SB_ERR_SBP_SUBJECT_EMPTY);
  SBT_ERR_EQ(sb_sbp_subject_check(NULL, 0, NULL), SB_ERR_SBP_SUBJECT_EMPTY);
  SBT_ERR_EQ(sb_sbp_subject_check((const uint8_t *)"app/a\0b", 7, NULL), SB_ERR_SBP_SUBJECT_NUL);
  SBT_ERR_EQ(sb_sbp_subject_check((const uint8_t *)"rpc\0", 4, NULL), SB_ERR_SBP_SUBJECT_NUL);
  SBT_ERR_EQ(sb_sbp_subject_check((const uint8_t *)"\0", 1, NULL), SB_ERR_SBP_SUBJECT_NUL);
  SBT_ERR_EQ(sb_sbp_subject_check(NULL, 3, NULL), SB_ERR_ARG);
}

static void subject_length_counts_bytes_256_accepted_257_rejected(void) {
  /* SBP-SUBJ-002 */
  uint8_t buf[300];
  SBT_OK(sb_sbp_subject_check(buf, app_subject(buf, 252, 'x'), NULL));
  SBT_ERR_EQ(sb_sbp_subject_check(buf, app_subject(buf, 253, 'x'), NULL),
             SB_ERR_SBP_SUBJECT_TOO_LONG);
  /* Two-byte characters: 126 x "é" = 252 bytes fit, 127 do not. */
  memcpy(buf, "app/", 4);
  for (size_t i = 0; i < 127; i++) memcpy(buf + 4 + 2 * i, "\xc3\xa9", 2);
  SBT_OK(sb_sbp_subject_check(buf, 4 + 2 * 126, NULL));
  /* 131 characters, 258 bytes: the limit is bytes, not characters. */
  SBT_ERR_EQ(sb_sbp_subject_check(buf, 4 + 2 * 127, NULL), SB_ERR_SBP_SUBJECT_TOO_LONG);
}

static void subject_rejects_invalid_utf8_without_replacement(void) {
  /* SBP-VAL-003: no U+FFFD substitution, so app/\xff is not "app/" + U+FFFD */
  static const struct {
    const char *s;
    size_t len;
  } bad[] = {
      {"app/\xff", 5},             /* never valid */
      {"app/\xc3", 5},             /* truncated sequence */
      {"app/\xc0\xaf", 6},         /* overlong "/" */
      {"app/\xed\xa0\x80", 7},     /* UTF-16 surrogate */
      {"app/\xf4\x90\x80\x80", 8}, /* above U+10FFFF */
      {"\xff", 1},
  };
  for (size_t i = 0; i < SB_ARRAY_LEN(bad); i++)
    SBT_ERR_EQ(sb_sbp_subject_check((const uint8_t *)bad[i].s, bad[i].len, NULL),
               SB_ERR_SBP_SUBJECT_UTF8);
  /* 255 bytes of 0xff: rejected as UTF-8, not re-measured after expansion. */
  uint8_t buf[260];
  SBT_ERR_EQ(sb_sbp_subject_check(buf, app_subject(buf, 251, 0xff), NULL),
             SB_ERR_SBP_SUBJECT_UTF8);
}

static void subject_keeps_a_leading_bom_as_subject_bytes(void) {
  /* SBP-VAL-003, SBP-SUBJ-003: bytes are compared as received */
  SBT_ERR_EQ(check_str("\xef\xbb\xbfrpc", NULL), SB_ERR_SBP_SUBJECT_NAMESPACE);
  SBT_ERR_EQ(check_str("\xef\xbb\xbf" "app/x", NULL), SB_ERR_SBP_SUBJECT_NAMESPACE);
  sb_sbp_subject_kind kind = 0;
  SBT_OK(check_str("app/\xef\xbb\xbf", &kind));
  SBT_CHECK(kind == SB_SBP_SUBJECT_APP, "BOM after the prefix is an ordinary character");
}

static void subject_checks_in_a_fixed_order(void) {
  /* SBP-SUBJ-001, SBP-SUBJ-002, SBP-VAL-003: UTF-8, then NUL, then length,
   * then namespace */
  uint8_t buf[300];
  size_t n = app_subject(buf, 296, 'x');
  buf[10] = 0;
  buf[20] = 0xff;
  SBT_ERR_EQ(sb_sbp_subject_check(buf, n, NULL), SB_ERR_SBP_SUBJECT_UTF8);
  buf[20] = 'x';
  SBT_ERR_EQ(sb_sbp_subject_check(buf, n, NULL), SB_ERR_SBP_SUBJECT_NUL);
  buf[10] = 'x';
  buf[0] = 'X'; /* not app/ any more, and too long */
  SBT_ERR_EQ(sb_sbp_subject_check(buf, n, NULL), SB_ERR_SBP_SUBJECT_TOO_LONG);
  SBT_ERR_EQ(sb_sbp_subject_check(buf, 10, NULL), SB_ERR_SBP_SUBJECT_NAMESPACE);
}

static void subject_faults_are_invalid_frame_and_stream_is_unsupported_feature(void) {
  /* SBP-SUBJ-005, SBP-SUBJ-006 (the error table's protocol outcome) */
  static const int invalid[] = {SB_ERR_SBP_SUBJECT_EMPTY, SB_ERR_SBP_SUBJECT_NUL,
                                SB_ERR_SBP_SUBJECT_TOO_LONG, SB_ERR_SBP_SUBJECT_UTF8,
                                SB_ERR_SBP_SUBJECT_NAMESPACE};
  for (size_t i = 0; i < SB_ARRAY_LEN(invalid); i++)
    SBT_EQ_U64(sb_err_proto_code(invalid[i]), 1002);
  SBT_EQ_U64(sb_err_proto_code(SB_ERR_SBP_SUBJECT_RESERVED), 1003);
}

static void subject_receiver_policy_refuses_only_stream(void) {
  /* SBP-SUBJ-006, SBP-SUBJ-007 */
  SBT_OK(sb_sbp_subject_accept(SB_SBP_SUBJECT_RPC));
  SBT_OK(sb_sbp_subject_accept(SB_SBP_SUBJECT_EVENT));
  SBT_OK(sb_sbp_subject_accept(SB_SBP_SUBJECT_APP));
  SBT_ERR_EQ(sb_sbp_subject_accept(SB_SBP_SUBJECT_STREAM_RESERVED), SB_ERR_SBP_SUBJECT_RESERVED);
  SBT_ERR_EQ(sb_sbp_subject_accept((sb_sbp_subject_kind)0), SB_ERR_ARG);
  SBT_ERR_EQ(sb_sbp_subject_accept((sb_sbp_subject_kind)99), SB_ERR_ARG);
}

static void subject_kind_names_follow_upstream(void) {
  /* SBP-SUBJ-003 */
  SBT_STR_EQ(sb_sbp_subject_kind_name(SB_SBP_SUBJECT_RPC), "rpc");
  SBT_STR_EQ(sb_sbp_subject_kind_name(SB_SBP_SUBJECT_EVENT), "event");
  SBT_STR_EQ(sb_sbp_subject_kind_name(SB_SBP_SUBJECT_STREAM_RESERVED), "reserved");
  SBT_STR_EQ(sb_sbp_subject_kind_name(SB_SBP_SUBJECT_APP), "custom");
  SBT_CHECK(sb_sbp_subject_kind_name((sb_sbp_subject_kind)0) == NULL, "0 is no kind");
}

SBT_SUITE(sbp_subject, "sbp/subject",
          SBT_CASE(subject_accepts_exact_channels_and_the_app_prefix),
          SBT_CASE(subject_rejects_prefixed_channels_and_near_misses),
          SBT_CASE(subject_rejects_empty_and_nul),
          SBT_CASE(subject_length_counts_bytes_256_accepted_257_rejected),
          SBT_CASE(subject_rejects_invalid_utf8_without_replacement),
          SBT_CASE(subject_keeps_a_leading_bom_as_subject_bytes),
          SBT_CASE(subject_checks_in_a_fixed_order),
          SBT_CASE(subject_faults_are_invalid_frame_and_stream_is_unsupported_feature),
          SBT_CASE(subject_receiver_policy_refuses_only_stream),
          SBT_CASE(subject_kind_names_follow_upstream))
