#include "events/pattern.h"

#include <string.h>

#include "common/config.h"
#include "common/error.h"
#include "test/sbt.h"

static int pattern(const char *s) { return sb_events_pattern_validate(s, strlen(s)); }
static int name(const char *s) { return sb_events_pattern_validate_name(s, strlen(s)); }
static bool match(const char *p, const char *n) {
  return sb_events_pattern_match(p, strlen(p), n, strlen(n));
}

/* Our error for upstream's validatePattern message (pattern.ts texts). */
static int error_for_message(const char *msg) {
  static const struct {
    const char *prefix;
    int err;
  } map[] = {{"Pattern must be a non-empty", SB_ERR_EVT_EMPTY},
             {"Invalid pattern: \"**\"", SB_ERR_EVT_DOUBLE_STAR},
             {"Pattern exceeds 255", SB_ERR_EVT_TOO_LONG},
             {"Pattern must not have empty segments", SB_ERR_EVT_EMPTY_SEGMENT},
             {"\">\" must be the final segment", SB_ERR_EVT_GT_NOT_LAST},
             {"Invalid segment", SB_ERR_EVT_BAD_SEGMENT},
             {"Wildcards", SB_ERR_EVT_WILDCARD_IN_NAME}};
  for (size_t i = 0; msg && i < SB_ARRAY_LEN(map); i++)
    if (!strncmp(msg, map[i].prefix, strlen(map[i].prefix))) return map[i].err;
  return 1; /* no sb_err: fails every comparison */
}

static void upstream_match_cases(void) {
  /* EVT-PAT-001, EVT-PAT-008: matchPattern, case for case */
  cJSON *root = sbt_load_json("upstream/upstream-events.json");
  const cJSON *list = sbt_get(root, "match");
  SBT_EQ_U64(cJSON_GetArraySize(list), 17);
  for (const cJSON *c = list ? list->child : NULL; c; c = c->next) {
    const char *p = sbt_str(c, "pattern"), *n = sbt_str(c, "name");
    if (!p || !n) {
      SBT_CHECK(false, "match case without pattern or name");
      continue;
    }
    bool want = cJSON_IsTrue(sbt_get(c, "match"));
    bool same = match(p, n) == want;
    SBT_CHECK(same, "match(%s, %s) want %d", p, n, want);
    if (same) sbt_count_upstream_value();
  }
  cJSON_Delete(root);
}

static void upstream_validation_cases(void) {
  /* EVT-PAT-002..008: validatePattern and isValidEventName, with upstream's reason */
  cJSON *root = sbt_load_json("upstream/upstream-events.json");
  const cJSON *list = sbt_get(root, "validation");
  SBT_EQ_U64(cJSON_GetArraySize(list), 30);
  for (const cJSON *c = list ? list->child : NULL; c; c = c->next) {
    const char *in = sbt_str(c, "input_full");
    if (!in) {
      SBT_CHECK(false, "validation case without input_full");
      continue;
    }
    const cJSON *vp = sbt_get(c, "validatePattern");
    int want = cJSON_IsTrue(sbt_get(vp, "ok"))
                   ? SB_OK
                   : error_for_message(sbt_str(sbt_get(vp, "error"), "message"));
    int got = pattern(in);
    SBT_CHECK(got == want, "validatePattern(\"%s\"): %s, want %s", in, sb_err_name(got),
              sb_err_name(want));
    if (got == want) sbt_count_upstream_value();

    /* A literal name fails where the pattern fails, except that a wildcard
     * segment is reported as such first. */
    bool name_ok = cJSON_IsTrue(sbt_get(c, "isValidEventName"));
    int want_name = name_ok ? SB_OK
                    : (want == SB_OK || want == SB_ERR_EVT_GT_NOT_LAST)
                        ? SB_ERR_EVT_WILDCARD_IN_NAME
                        : want;
    int got_name = name(in);
    SBT_CHECK(got_name == want_name, "isValidEventName(\"%s\"): %s, want %s", in,
              sb_err_name(got_name), sb_err_name(want_name));
    if ((got_name == SB_OK) == name_ok) sbt_count_upstream_value();
  }
  cJSON_Delete(root);
}

static void worked_examples_of_the_digest(void) {
  /* EVT-PAT-001, EVT-PAT-002 (case-sensitive): events.md section 3 */
  static const struct {
    const char *p, *n;
    bool want;
  } cases[] = {
      {"task.created", "task.created", true},
      {"task.*", "task.created", true},
      {"task.*", "task", false},
      {"task.*", "task.step.done", false},
      {"task.>", "task.created", true},
      {"task.>", "task.step.done", true},
      {"task.>", "task", false},
      {"sensor.>", "sensor.a.b", true},
      {"*.created", "job.created", true},
      {"*.created", "a.b.created", false},
      {"a.*.c", "a.b.c", true},
      {"a.*.c", "a.c", false},
      {"*", "ping", true},
      {"*", "a.b", false},
      {">", "a", true},
      {">", "a.b.c", true},
      {"*.>", "a", false},
      {"*.>", "a.b", true},
      {"User.*", "user.created", false},
  };
  for (size_t i = 0; i < SB_ARRAY_LEN(cases); i++) {
    SBT_OK(pattern(cases[i].p));
    SBT_OK(name(cases[i].n));
    SBT_CHECK(match(cases[i].p, cases[i].n) == cases[i].want, "%s vs %s", cases[i].p, cases[i].n);
  }
}

static void invalid_patterns_of_the_digest(void) {
  /* EVT-PAT-002, EVT-PAT-003, EVT-PAT-004, EVT-PAT-005, EVT-PAT-007 */
  static const struct {
    const char *s;
    int want;
  } cases[] = {
      {"", SB_ERR_EVT_EMPTY},
      {"task..event", SB_ERR_EVT_EMPTY_SEGMENT},
      {".task", SB_ERR_EVT_EMPTY_SEGMENT},
      {"task.", SB_ERR_EVT_EMPTY_SEGMENT},
      {"task.**", SB_ERR_EVT_DOUBLE_STAR},
      {"**", SB_ERR_EVT_DOUBLE_STAR},
      {"task.>.x", SB_ERR_EVT_GT_NOT_LAST},
      {"ta*sk", SB_ERR_EVT_BAD_SEGMENT},
      {"task.*x", SB_ERR_EVT_BAD_SEGMENT},
      {"t\xc3\xa2"
       "che.x",
       SB_ERR_EVT_BAD_SEGMENT},
      {"task event", SB_ERR_EVT_BAD_SEGMENT},
      {"a>", SB_ERR_EVT_BAD_SEGMENT},
      {"a.b+", SB_ERR_EVT_BAD_SEGMENT},
  };
  for (size_t i = 0; i < SB_ARRAY_LEN(cases); i++) {
    int got = pattern(cases[i].s);
    SBT_CHECK(got == cases[i].want, "pattern \"%s\": %s", cases[i].s, sb_err_name(got));
    SBT_CHECK(name(cases[i].s) != SB_OK, "name \"%s\" invalid too", cases[i].s);
  }
  char big[300];
  memset(big, 'a', sizeof big);
  SBT_ERR_EQ(sb_events_pattern_validate(big, 256), SB_ERR_EVT_TOO_LONG);
  SBT_OK(sb_events_pattern_validate(big, 255));
  SBT_ERR_EQ(sb_events_pattern_validate_name(big, 256), SB_ERR_EVT_TOO_LONG);
}

static void names_never_hold_wildcards(void) {
  /* EVT-PAT-006 */
  static const char *names[] = {"*.created", "task.*", "task.>", ">", "*", "a.>.b"};
  for (size_t i = 0; i < SB_ARRAY_LEN(names); i++) {
    SBT_ERR_EQ(name(names[i]), SB_ERR_EVT_WILDCARD_IN_NAME);
  }
  SBT_OK(pattern("*.created"));
  SBT_OK(name("task-1.step_2.DONE"));
}

static void validation_reports_the_first_problem_in_upstream_order(void) {
  /* EVT-PAT-002, EVT-PAT-003: empty, "**", length, empty segment, then segments in order */
  char s[300];
  memset(s, 'a', sizeof s);
  s[10] = '*';
  s[11] = '*';
  SBT_ERR_EQ(sb_events_pattern_validate(s, 300), SB_ERR_EVT_DOUBLE_STAR); /* before length */
  memset(s, 'a', sizeof s);
  s[10] = '.';
  s[11] = '.';
  SBT_ERR_EQ(sb_events_pattern_validate(s, 300), SB_ERR_EVT_TOO_LONG); /* before segments */
  SBT_ERR_EQ(pattern("a b..c"), SB_ERR_EVT_EMPTY_SEGMENT); /* every empty segment first */
  SBT_ERR_EQ(pattern(">.a b"), SB_ERR_EVT_GT_NOT_LAST);    /* then left to right */
  SBT_ERR_EQ(pattern("a b.>.c"), SB_ERR_EVT_BAD_SEGMENT);
  SBT_ERR_EQ(name("a b.*"), SB_ERR_EVT_BAD_SEGMENT);
  SBT_ERR_EQ(name("*.a b"), SB_ERR_EVT_WILDCARD_IN_NAME);
}

static void length_is_counted_in_utf8_bytes(void) {
  /* EVT-PAT-002: 255 bytes, not characters */
  char s[260];
  for (int i = 0; i < 128; i++) memcpy(s + 2 * i, "\xc3\xa9", 2); /* 128 x U+00E9 = 256 bytes */
  SBT_ERR_EQ(sb_events_pattern_validate(s, 256), SB_ERR_EVT_TOO_LONG);
  SBT_ERR_EQ(sb_events_pattern_validate(s, 254), SB_ERR_EVT_BAD_SEGMENT);
}

static void strings_are_length_bounded(void) {
  /* EVT-PAT-007: only A-Z a-z 0-9 - _; a NUL byte is just another bad character */
  SBT_ERR_EQ(sb_events_pattern_validate("ab\0c", 4), SB_ERR_EVT_BAD_SEGMENT);
  SBT_OK(sb_events_pattern_validate("ab.cd", 2));
  SBT_ERR_EQ(sb_events_pattern_validate(NULL, 0), SB_ERR_EVT_EMPTY);
  SBT_ERR_EQ(sb_events_pattern_validate(NULL, 3), SB_ERR_ARG);
  SBT_CHECK(sb_events_pattern_match("a.b", 1, "a.c", 1), "prefixes of the buffers");
  SBT_CHECK(!sb_events_pattern_match(NULL, 2, "a", 1), "NULL pattern");
}

static void match_applies_to_raw_names_as_upstream_splits_them(void) {
  /* EVT-DSP-004: inbound names are not validated; the split is upstream's */
  SBT_CHECK(match("*", "bad name"), "* takes any one segment");
  SBT_CHECK(match(">", ""), "\"\" is one empty segment");
  SBT_CHECK(match("a.*", "a."), "a. is a and an empty segment");
  SBT_CHECK(!match("a", ""), "literal vs empty");
  SBT_CHECK(match("a..b", "a..b"), "literal empty segments compare");
  SBT_CHECK(!match("a.b", "a.b."), "extra empty segment");
}

static void every_failure_is_the_sdks_invalid_pattern(void) {
  /* EVT-PAT-005, EVT-PAT-006: PeerError{code: "invalid_pattern"} */
  static const int errs[] = {SB_ERR_EVT_EMPTY,           SB_ERR_EVT_DOUBLE_STAR,
                             SB_ERR_EVT_TOO_LONG,        SB_ERR_EVT_EMPTY_SEGMENT,
                             SB_ERR_EVT_GT_NOT_LAST,     SB_ERR_EVT_BAD_SEGMENT,
                             SB_ERR_EVT_WILDCARD_IN_NAME};
  for (size_t i = 0; i < SB_ARRAY_LEN(errs); i++) {
    const sb_err_info *info = sb_err_lookup(errs[i]);
    SBT_CHECK(info && info->proto_name && !strcmp(info->proto_name, "invalid_pattern"),
              "%s is invalid_pattern", sb_err_name(errs[i]));
  }
  /* EVT-PAT-003: the "**" error points to ">" */
  SBT_CHECK(strstr(sb_err_str(SB_ERR_EVT_DOUBLE_STAR), "\">\"") != NULL, "mentions >");
}

SBT_SUITE(events_pattern, "events/pattern", SBT_CASE(upstream_match_cases),
          SBT_CASE(upstream_validation_cases), SBT_CASE(worked_examples_of_the_digest),
          SBT_CASE(invalid_patterns_of_the_digest), SBT_CASE(names_never_hold_wildcards),
          SBT_CASE(validation_reports_the_first_problem_in_upstream_order),
          SBT_CASE(length_is_counted_in_utf8_bytes), SBT_CASE(strings_are_length_bounded),
          SBT_CASE(match_applies_to_raw_names_as_upstream_splits_them),
          SBT_CASE(every_failure_is_the_sdks_invalid_pattern))
