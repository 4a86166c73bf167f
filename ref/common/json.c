#include "common/json.h"

#include <string.h>

#include "common/error.h"
#include "common/utf8.h"

static bool is_ws(uint8_t c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

/* true if some string in the text holds the escape \u0000. Tracks string
 * state and backslash escapes so "\\u0000" (a literal backslash) is fine. */
static bool has_nul_escape(const uint8_t *s, size_t len) {
  bool in_string = false;
  for (size_t i = 0; i < len; i++) {
    if (!in_string) {
      if (s[i] == '"') in_string = true;
      continue;
    }
    if (s[i] == '"') {
      in_string = false;
    } else if (s[i] == '\\' && i + 1 < len) {
      if (s[i + 1] == 'u' && i + 5 < len && memcmp(s + i + 2, "0000", 4) == 0) return true;
      i++; /* skip the escaped character */
    } else if (s[i] == 0) {
      return true; /* raw NUL inside a string: invalid JSON anyway */
    }
  }
  return false;
}

int sb_json_parse(const uint8_t *buf, size_t len, bool strict_utf8, cJSON **out) {
  if (!out || (len && !buf)) return SB_ERR_ARG;
  *out = NULL;
  if (strict_utf8 && !sb_utf8_valid(buf, len)) return SB_ERR_UTF8;
  if (has_nul_escape(buf, len)) return SB_ERR_JSON_NUL;
  const char *end = NULL;
  cJSON *root = cJSON_ParseWithLengthOpts((const char *)buf, len, &end, 0);
  if (!root) return SB_ERR_JSON;
  size_t used = (size_t)((const uint8_t *)end - buf);
  while (used < len && is_ws(buf[used])) used++;
  if (used != len) {
    cJSON_Delete(root);
    return SB_ERR_JSON;
  }
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
