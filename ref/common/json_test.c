#include "common/json.h"

#include <string.h>

#include "common/error.h"
#include "test/sbt.h"

static int parse(const char *text, bool strict, cJSON **out) {
  return sb_json_parse((const uint8_t *)text, strlen(text), strict, out);
}

static void json_parse_requires_the_whole_text(void) {
  cJSON *j = NULL;
  SBT_OK(parse(" \n {\"a\":1} \t", true, &j));
  SBT_CHECK(cJSON_IsObject(j), "object parsed with surrounding whitespace");
  cJSON_Delete(j);
  SBT_ERR_EQ(parse("{\"a\":1} x", true, &j), SB_ERR_JSON);
  SBT_CHECK(j == NULL, "no tree on failure");
  SBT_ERR_EQ(parse("{\"a\":1}{}", true, &j), SB_ERR_JSON);
  SBT_ERR_EQ(parse("", true, &j), SB_ERR_JSON);
  SBT_ERR_EQ(parse("{bad", true, &j), SB_ERR_JSON);
}

static void json_parse_strict_rejects_ill_formed_utf8(void) {
  cJSON *j = NULL;
  SBT_ERR_EQ(parse("{\"e\":\"\xff\"}", true, &j), SB_ERR_UTF8);
  SBT_OK(parse("{\"e\":\"\xff\"}", false, &j));
  cJSON_Delete(j);
}

static void json_parse_skips_a_leading_bom(void) {
  cJSON *j = NULL;
  SBT_OK(parse("\xef\xbb\xbf{\"t\":\"N\"}", true, &j));
  SBT_STR_EQ(cJSON_GetStringValue(sb_json_get(j, "t")), "N");
  cJSON_Delete(j);
}

static void json_parse_refuses_nul_in_strings(void) {
  cJSON *j = NULL;
  SBT_ERR_EQ(parse("{\"m\":\"a\\u0000b\"}", true, &j), SB_ERR_JSON_NUL);
  /* An escaped backslash followed by the letters u0000 is not a NUL. */
  SBT_OK(parse("{\"m\":\"a\\\\u0000b\"}", true, &j));
  SBT_STR_EQ(cJSON_GetStringValue(sb_json_get(j, "m")), "a\\u0000b");
  cJSON_Delete(j);
}

static void json_parse_rejects_what_json_parse_rejects(void) {
  /* cJSON alone accepts each of these; JSON.parse (RFC 8259) does not. */
  static const char *bad[] = {
      "{\"a\":\"\\uzzzz\"}", "{\"a\":\"\\u0 01\"}", "-0300", "200.", "-.1", "01", "+1",
      "\"a\tb\"", "\"a\nb\"", "[1,]", "{\"a\":1,}", "\"\\x\"", "NaN", "Infinity", "'a'",
      "{a:1}", "[1 2]", "{\"a\" 1}", "1e", "1e+", "-", "tru", "nul", "[", "{\"a\":1", "\"abc",
      "\"\\u12\"", "{\"a\":1}}", "[[]]]", "\"\\ud800\""};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    cJSON *j = NULL;
    int rc = parse(bad[i], true, &j);
    SBT_CHECK(rc == SB_ERR_JSON && j == NULL, "%s rejected (got %s)", bad[i], sb_err_name(rc));
  }
  static const char *good[] = {"0", "-0", "-0.5e-3", "1E+2", "[]", "{}", "\"\\u00e9\\/\\b\"",
                               "[true,false,null]", "{\"a\":{\"b\":[1,{\"c\":\"\"}]}}",
                               "\"\\ud83d\\ude80\""};
  for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
    cJSON *j = NULL;
    int rc = parse(good[i], true, &j);
    SBT_CHECK(rc == SB_OK && j != NULL, "%s accepted (got %s)", good[i], sb_err_name(rc));
    cJSON_Delete(j);
  }
}

static void json_parse_bounds_nesting_depth(void) {
  char deep[2100];
  memset(deep, '[', 1000);
  memset(deep + 1000, ']', 1000);
  deep[2000] = 0;
  cJSON *j = NULL;
  SBT_OK(parse(deep, true, &j));
  cJSON_Delete(j);
  memset(deep, '[', 1001);
  memset(deep + 1001, ']', 1001);
  deep[2002] = 0;
  SBT_ERR_EQ(parse(deep, true, &j), SB_ERR_JSON);
}

static void json_get_takes_the_last_duplicate_key_like_json_parse(void) {
  cJSON *j = NULL;
  SBT_OK(parse("{\"t\":\"N\",\"t\":\"R\"}", true, &j));
  SBT_STR_EQ(cJSON_GetStringValue(sb_json_get(j, "t")), "R");
  SBT_CHECK(sb_json_get(j, "T") == NULL, "keys are case-sensitive");
  SBT_CHECK(sb_json_get(NULL, "t") == NULL, "NULL object");
  cJSON_Delete(j);
}

static void json_print_is_compact_and_keeps_insertion_order(void) {
  cJSON *o = cJSON_CreateObject();
  cJSON_AddStringToObject(o, "t", "r");
  cJSON_AddNumberToObject(o, "n", 1.5);
  cJSON_AddNullToObject(o, "z");
  char *s = sb_json_print(o);
  SBT_STR_EQ(s, "{\"t\":\"r\",\"n\":1.5,\"z\":null}");
  cJSON_free(s);
  cJSON_Delete(o);
}

SBT_SUITE(common_json, "common/json", SBT_CASE(json_parse_requires_the_whole_text),
          SBT_CASE(json_parse_strict_rejects_ill_formed_utf8),
          SBT_CASE(json_parse_skips_a_leading_bom), SBT_CASE(json_parse_refuses_nul_in_strings),
          SBT_CASE(json_parse_rejects_what_json_parse_rejects),
          SBT_CASE(json_parse_bounds_nesting_depth),
          SBT_CASE(json_get_takes_the_last_duplicate_key_like_json_parse),
          SBT_CASE(json_print_is_compact_and_keeps_insertion_order))
