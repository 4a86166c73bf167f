#include "common/json.h"

#include <string.h>

#include "common/error.h"
#include "common/utf8.h"

static bool is_ws(uint8_t c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

/*
 * Strict RFC 8259 syntax pass, run before cJSON. cJSON is lenient where
 * JSON.parse is not (an invalid \u escape becomes an empty string, "-0300",
 * "200." and "-.1" parse as numbers, raw control characters pass inside
 * strings); without this pass an invalid envelope could decode as a valid
 * one. It also finds \u0000 escapes, which cJSON would silently cut.
 */
typedef struct json_scan {
  const uint8_t *s;
  size_t len, pos;
  unsigned depth;
  bool nul_escape;
} json_scan;

#define JSON_MAX_DEPTH 1000u /* as cJSON's CJSON_NESTING_LIMIT */

static void scan_ws(json_scan *j) {
  while (j->pos < j->len && is_ws(j->s[j->pos])) j->pos++;
}

static bool scan_lit(json_scan *j, const char *lit) {
  size_t n = strlen(lit);
  if (j->len - j->pos < n || memcmp(j->s + j->pos, lit, n) != 0) return false;
  j->pos += n;
  return true;
}

static bool is_digit(uint8_t c) { return c >= '0' && c <= '9'; }

static bool is_hex(uint8_t c) {
  return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static bool scan_digits(json_scan *j) {
  size_t start = j->pos;
  while (j->pos < j->len && is_digit(j->s[j->pos])) j->pos++;
  return j->pos > start;
}

/* number = [ "-" ] ( "0" / digit1-9 *digit ) [ "." 1*digit ] [ e [ - / + ] 1*digit ] */
static bool scan_number(json_scan *j) {
  if (j->pos < j->len && j->s[j->pos] == '-') j->pos++;
  if (j->pos >= j->len) return false;
  if (j->s[j->pos] == '0') {
    j->pos++;
  } else if (!scan_digits(j)) {
    return false;
  }
  if (j->pos < j->len && j->s[j->pos] == '.') {
    j->pos++;
    if (!scan_digits(j)) return false;
  }
  if (j->pos < j->len && (j->s[j->pos] == 'e' || j->s[j->pos] == 'E')) {
    j->pos++;
    if (j->pos < j->len && (j->s[j->pos] == '+' || j->s[j->pos] == '-')) j->pos++;
    if (!scan_digits(j)) return false;
  }
  return true;
}

static bool scan_string(json_scan *j) {
  j->pos++; /* opening quote */
  while (j->pos < j->len) {
    uint8_t c = j->s[j->pos++];
    if (c == '"') return true;
    if (c < 0x20) return false; /* control characters must be escaped */
    if (c != '\\') continue;
    if (j->pos >= j->len) return false;
    c = j->s[j->pos++];
    if (c == 'u') {
      if (j->len - j->pos < 4) return false;
      for (int k = 0; k < 4; k++)
        if (!is_hex(j->s[j->pos + k])) return false;
      if (memcmp(j->s + j->pos, "0000", 4) == 0) j->nul_escape = true;
      j->pos += 4;
    } else if (!strchr("\"\\/bfnrt", c) || c == 0) {
      return false;
    }
  }
  return false;
}

static bool scan_value(json_scan *j);

static bool scan_container(json_scan *j, uint8_t close, bool object) {
  if (++j->depth > JSON_MAX_DEPTH) return false;
  j->pos++; /* opening bracket */
  scan_ws(j);
  if (j->pos < j->len && j->s[j->pos] == close) {
    j->pos++;
    j->depth--;
    return true;
  }
  for (;;) {
    if (object) {
      if (j->pos >= j->len || j->s[j->pos] != '"' || !scan_string(j)) return false;
      scan_ws(j);
      /* Check before advancing, so an error points at the offending byte. */
      if (j->pos >= j->len || j->s[j->pos] != ':') return false;
      j->pos++;
    }
    if (!scan_value(j)) return false;
    scan_ws(j);
    if (j->pos >= j->len) return false;
    uint8_t c = j->s[j->pos];
    if (c != close && c != ',') return false;
    j->pos++;
    if (c == close) break;
    scan_ws(j);
  }
  j->depth--;
  return true;
}

static bool scan_value(json_scan *j) {
  scan_ws(j);
  if (j->pos >= j->len) return false;
  switch (j->s[j->pos]) {
    case '{': return scan_container(j, '}', true);
    case '[': return scan_container(j, ']', false);
    case '"': return scan_string(j);
    case 't': return scan_lit(j, "true");
    case 'f': return scan_lit(j, "false");
    case 'n': return scan_lit(j, "null");
    default: return scan_number(j);
  }
}

int sb_json_syntax_check(const uint8_t *s, size_t len, size_t *offset) {
  json_scan j = {s, len, 0, 0, false};
  /* A leading UTF-8 BOM is skipped, as cJSON and TextDecoder do. */
  if (len >= 3 && s[0] == 0xEF && s[1] == 0xBB && s[2] == 0xBF) j.pos = 3;
  int rc = SB_OK;
  if (!scan_value(&j)) {
    rc = SB_ERR_JSON;
  } else {
    scan_ws(&j);
    if (j.pos != len) rc = SB_ERR_JSON;
    else if (j.nul_escape) rc = SB_ERR_JSON_NUL;
  }
  if (offset) *offset = j.pos;
  return rc;
}

int sb_json_parse(const uint8_t *buf, size_t len, bool strict_utf8, cJSON **out) {
  if (!out || (len && !buf)) return SB_ERR_ARG;
  *out = NULL;
  if (strict_utf8 && !sb_utf8_valid(buf, len)) return SB_ERR_UTF8;
  int rc = sb_json_syntax_check(buf, len, NULL);
  if (rc != SB_OK) return rc;
  /* The text is one well-formed JSON value: cJSON now fails only on what it
   * cannot represent (a lone surrogate escape) or on memory. */
  cJSON *root = cJSON_ParseWithLength((const char *)buf, len);
  if (!root) return SB_ERR_JSON;
  *out = root;
  return SB_OK;
}

cJSON *sb_json_get(const cJSON *obj, const char *key) {
  if (!cJSON_IsObject(obj) || !key) return NULL;
  cJSON *found = NULL;
  for (cJSON *c = obj->child; c; c = c->next)
    if (c->string && strcmp(c->string, key) == 0) found = c;
  return found;
}

char *sb_json_print(const cJSON *item) { return cJSON_PrintUnformatted(item); }
