/*
 * JSON input the way every layer needs it, on top of cJSON:
 * length-bounded, strict RFC 8259 syntax checked first (cJSON alone accepts
 * "-0300", "200.", invalid \u escapes and raw control characters in strings,
 * which JSON.parse rejects), whole text consumed (trailing whitespace allowed),
 * optional strict UTF-8, duplicate keys resolved last-wins as JSON.parse
 * does, and strings with U+0000 refused (cJSON strings are C strings, so
 * such a string would be silently cut; refusing avoids a parser
 * differential). Lone surrogate escapes ("\ud800"), which JSON.parse takes,
 * are refused because cJSON cannot represent them. cJSON itself skips a leading UTF-8 BOM, which RFC 8259
 * section 8.1 allows and upstream's TextDecoder also does.
 */
#ifndef SB_COMMON_JSON_H
#define SB_COMMON_JSON_H

#include <cJSON.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/config.h"

/* Parse `len` bytes into a new tree (free with cJSON_Delete).
 * `strict_utf8`: reject ill-formed UTF-8 (SB_ERR_UTF8) instead of passing it
 * through. Errors: SB_ERR_UTF8, SB_ERR_JSON, SB_ERR_JSON_NUL, SB_ERR_NOMEM. */
SB_NODISCARD int sb_json_parse(const uint8_t *buf, size_t len, bool strict_utf8, cJSON **out);

/* The strict syntax pass alone: SB_OK, SB_ERR_JSON or SB_ERR_JSON_NUL, with
 * `*offset` (if non-NULL) the byte where scanning stopped (the error's place,
 * for "file:line:col" messages). */
SB_NODISCARD int sb_json_syntax_check(const uint8_t *buf, size_t len, size_t *offset);

/* The LAST member of object `obj` named exactly `key`, or NULL. */
cJSON *sb_json_get(const cJSON *obj, const char *key);

/* Compact serialisation of `item` into a new NUL-terminated string (free
 * with cJSON_free); NULL on allocation failure. */
char *sb_json_print(const cJSON *item);

#endif
