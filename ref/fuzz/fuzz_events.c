/*
 * Fuzz target events: event-name and pattern validation and matching
 * (events/pattern.h). Input: a pattern, a newline, a name (without a
 * newline, the whole input is both).
 *
 * Invariants: validation fails only with the documented errors; a valid
 * name is a valid pattern; a valid name matches itself, `>` and
 * "<its first segment>.>" (when it has two or more segments), and `*`
 * exactly when it has one segment; a valid pattern without wildcards
 * matches a valid name exactly when the bytes are equal; a match of a valid
 * pattern on a valid name without `>` needs equal segment counts.
 */
#include "fuzz.h"

#include "common/error.h"
#include "events/pattern.h"

static bool validate_error_documented(int rc) {
  return rc <= SB_ERR_EVT_EMPTY && rc >= SB_ERR_EVT_WILDCARD_IN_NAME;
}

static size_t segments(const char *s, size_t n) {
  size_t k = 1;
  for (size_t i = 0; i < n; i++) k += s[i] == '.';
  return k;
}

static bool has_gt(const char *s, size_t n) { return memchr(s, '>', n) != NULL; }

static void check_name(const char *name, size_t n) {
  FUZZ_ASSERT(sb_events_pattern_validate(name, n) == SB_OK);
  FUZZ_ASSERT(sb_events_pattern_match(name, n, name, n));
  FUZZ_ASSERT(sb_events_pattern_match(">", 1, name, n));
  FUZZ_ASSERT(sb_events_pattern_match("*", 1, name, n) == (segments(name, n) == 1));
  const char *dot = memchr(name, '.', n);
  if (dot) {
    size_t first = (size_t)(dot - name);
    char pat[SB_EVENTS_PATTERN_MAX_BYTES + 3];
    memcpy(pat, name, first);
    memcpy(pat + first, ".>", 2);
    FUZZ_ASSERT(sb_events_pattern_match(pat, first + 2, name, n));
    FUZZ_ASSERT(!sb_events_pattern_match(pat, first + 2, name, first)); /* > needs a segment */
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  const char *text = (const char *)data;
  const uint8_t *nl = memchr(data, '\n', size);
  const char *pat = text, *name = text;
  size_t plen = size, nlen = size;
  if (nl) {
    plen = (size_t)(nl - data);
    name = text + plen + 1;
    nlen = size - plen - 1;
  }
  int prc = sb_events_pattern_validate(pat, plen);
  int nrc = sb_events_pattern_validate_name(name, nlen);
  int pnrc = sb_events_pattern_validate_name(pat, plen);
  FUZZ_ASSERT(prc == SB_OK || validate_error_documented(prc));
  FUZZ_ASSERT(nrc == SB_OK || validate_error_documented(nrc));
  if (pnrc == SB_OK) FUZZ_ASSERT(prc == SB_OK);
  bool m = sb_events_pattern_match(pat, plen, name, nlen);
  fuzz_keep(m + (uint64_t)-prc + (uint64_t)-nrc);
  if (nrc == SB_OK) check_name(name, nlen);
  if (prc == SB_OK && nrc == SB_OK) {
    if (pnrc == SB_OK) FUZZ_ASSERT(m == (plen == nlen && memcmp(pat, name, plen) == 0));
    if (m && !has_gt(pat, plen)) FUZZ_ASSERT(segments(pat, plen) == segments(name, nlen));
    if (m && has_gt(pat, plen)) FUZZ_ASSERT(segments(pat, plen) <= segments(name, nlen));
  }
  return 0;
}
