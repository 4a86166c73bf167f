#include "events/pattern.h"

#include <string.h>

#include "common/error.h"

/* Segments of s[0..len) split on '.', as String.prototype.split does: n
 * dots give n + 1 segments, empty ones included ("" is one empty segment). */
typedef struct segments {
  const char *s;
  size_t len;
  size_t pos; /* start of the next segment */
  bool done;
} segments;

static void segments_init(segments *it, const char *s, size_t len) {
  it->s = s;
  it->len = len;
  it->pos = 0;
  it->done = false;
}

/* Next segment into (*seg, *seg_len); false when there is none. */
static bool segments_next(segments *it, const char **seg, size_t *seg_len) {
  if (it->done) return false;
  const char *dot = it->len > it->pos ? memchr(it->s + it->pos, '.', it->len - it->pos) : NULL;
  size_t end = dot ? (size_t)(dot - it->s) : it->len;
  *seg = it->s + it->pos;
  *seg_len = end - it->pos;
  if (dot) {
    it->pos = end + 1;
  } else {
    it->done = true;
  }
  return true;
}

static bool is(const char *seg, size_t len, char c) { return len == 1 && seg[0] == c; }

static bool token_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_';
}

static bool has_double_star(const char *s, size_t len) {
  for (size_t i = 0; i + 1 < len; i++)
    if (s[i] == '*' && s[i + 1] == '*') return true;
  return false;
}

static int validate(const char *s, size_t len, bool wildcards) {
  if (len && !s) return SB_ERR_ARG;
  if (len == 0) return SB_ERR_EVT_EMPTY;
  if (has_double_star(s, len)) return SB_ERR_EVT_DOUBLE_STAR;
  if (len > SB_EVENTS_PATTERN_MAX_BYTES) return SB_ERR_EVT_TOO_LONG;
  segments it;
  const char *seg;
  size_t n;
  /* Every empty segment is reported before any segment's content. */
  segments_init(&it, s, len);
  while (segments_next(&it, &seg, &n))
    if (n == 0) return SB_ERR_EVT_EMPTY_SEGMENT;
  segments_init(&it, s, len);
  while (segments_next(&it, &seg, &n)) {
    bool last = it.done;
    if (is(seg, n, '*') || is(seg, n, '>')) {
      if (!wildcards) return SB_ERR_EVT_WILDCARD_IN_NAME;
      if (seg[0] == '>' && !last) return SB_ERR_EVT_GT_NOT_LAST;
      continue;
    }
    for (size_t i = 0; i < n; i++)
      if (!token_char(seg[i])) return SB_ERR_EVT_BAD_SEGMENT;
  }
  return SB_OK;
}

int sb_events_pattern_validate(const char *pattern, size_t len) {
  return validate(pattern, len, true);
}

int sb_events_pattern_validate_name(const char *name, size_t len) {
  return validate(name, len, false);
}

bool sb_events_pattern_match(const char *pattern, size_t pattern_len, const char *name,
                             size_t name_len) {
  if ((pattern_len && !pattern) || (name_len && !name)) return false;
  if (!pattern) pattern = "";
  if (!name) name = "";
  segments p, nm;
  segments_init(&p, pattern, pattern_len);
  segments_init(&nm, name, name_len);
  const char *ps, *ns;
  size_t pn, nn;
  while (segments_next(&p, &ps, &pn)) {
    bool have_name = segments_next(&nm, &ns, &nn);
    if (is(ps, pn, '>')) return have_name; /* one or more remaining name segments */
    if (!have_name) return false;
    if (!is(ps, pn, '*') && (pn != nn || memcmp(ps, ns, pn) != 0)) return false;
  }
  return !segments_next(&nm, &ns, &nn); /* same number of segments */
}
