#include "cloud/pins.h"

#include <string.h>

#include "common/error.h"

int sb_cloud_pins_init(sb_cloud_pins *s, sb_cloud_pin *entries, size_t cap) {
  if (!s || (!entries && cap)) return SB_ERR_ARG;
  s->entries = entries;
  s->cap = cap;
  s->count = 0;
  return SB_OK;
}

/* memcmp order, a shorter ID first when it is a prefix of the other. */
static int id_cmp(const char *a, size_t alen, const char *b, size_t blen) {
  size_t n = alen < blen ? alen : blen;
  int c = memcmp(a, b, n);
  if (c) return c;
  return alen < blen ? -1 : (alen > blen ? 1 : 0);
}

/* Index of `id` if present (true), else where it would be inserted. */
static bool find(const sb_cloud_pins *s, const char *id, size_t len, size_t *at) {
  size_t lo = 0, hi = s->count;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    int c = id_cmp(s->entries[mid].daemon_id, s->entries[mid].daemon_id_len, id, len);
    if (c == 0) {
      *at = mid;
      return true;
    }
    if (c < 0) lo = mid + 1;
    else hi = mid;
  }
  *at = lo;
  return false;
}

int sb_cloud_pins_get(const sb_cloud_pins *s, const char *daemon_id,
                      uint8_t key[SB_CLOUD_PIN_KEY_BYTES]) {
  if (!s || !daemon_id || !key) return SB_ERR_ARG;
  size_t at;
  if (!find(s, daemon_id, strlen(daemon_id), &at)) return SB_ERR_NOT_FOUND;
  memcpy(key, s->entries[at].key, SB_CLOUD_PIN_KEY_BYTES);
  return SB_OK;
}

static int pins_put(sb_cloud_pins *s, const char *id, size_t len,
                    const uint8_t key[SB_CLOUD_PIN_KEY_BYTES]) {
  if (len == 0 || len > SB_CLOUD_DAEMON_ID_MAX) return SB_ERR_ARG;
  size_t at;
  if (!find(s, id, len, &at)) {
    if (s->count >= s->cap) return SB_ERR_FULL;
    memmove(&s->entries[at + 1], &s->entries[at], (s->count - at) * sizeof s->entries[0]);
    s->count++;
    sb_cloud_pin *p = &s->entries[at];
    memset(p, 0, sizeof *p);
    memcpy(p->daemon_id, id, len);
    p->daemon_id_len = len;
  }
  memcpy(s->entries[at].key, key, SB_CLOUD_PIN_KEY_BYTES);
  return SB_OK;
}

int sb_cloud_pins_set(sb_cloud_pins *s, const char *daemon_id,
                      const uint8_t key[SB_CLOUD_PIN_KEY_BYTES]) {
  if (!s || !daemon_id || !key) return SB_ERR_ARG;
  return pins_put(s, daemon_id, strlen(daemon_id), key);
}

int sb_cloud_pins_delete(sb_cloud_pins *s, const char *daemon_id, bool *removed) {
  if (removed) *removed = false;
  if (!s || !daemon_id) return SB_ERR_ARG;
  size_t at;
  if (!find(s, daemon_id, strlen(daemon_id), &at)) return SB_OK;
  memmove(&s->entries[at], &s->entries[at + 1], (s->count - at - 1) * sizeof s->entries[0]);
  s->count--;
  if (removed) *removed = true;
  return SB_OK;
}

size_t sb_cloud_pins_count(const sb_cloud_pins *s) { return s ? s->count : 0; }

const char *sb_cloud_pins_at(const sb_cloud_pins *s, size_t i) {
  return (s && i < s->count) ? s->entries[i].daemon_id : NULL;
}

/* ---- text form ---------------------------------------------------------- */

static const char HEX_UPPER[] = "0123456789ABCDEF";
static const char HEX_LOWER[] = "0123456789abcdef";

static bool id_byte_plain(uint8_t c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
         c == '-' || c == '.' || c == '_' || c == '~';
}

typedef struct text_out {
  char *buf;
  size_t cap, len;
} text_out;

static void put(text_out *o, char c) {
  if (o->len + 1 < o->cap) o->buf[o->len] = c;
  o->len++;
}

static void puts_n(text_out *o, const char *s, size_t n) {
  for (size_t i = 0; i < n; i++) put(o, s[i]);
}

int sb_cloud_pins_format(const sb_cloud_pins *s, char *out, size_t out_cap, size_t *out_len) {
  if (out_len) *out_len = 0;
  if (!s || (!out && out_cap)) return SB_ERR_ARG;
  text_out o = {out, out_cap, 0};
  puts_n(&o, SB_CLOUD_PINS_HEADER "\n", sizeof SB_CLOUD_PINS_HEADER);
  for (size_t i = 0; i < s->count; i++) {
    const sb_cloud_pin *p = &s->entries[i];
    for (size_t k = 0; k < p->daemon_id_len; k++) {
      uint8_t c = (uint8_t)p->daemon_id[k];
      if (id_byte_plain(c)) {
        put(&o, (char)c);
      } else {
        put(&o, '%');
        put(&o, HEX_UPPER[c >> 4]);
        put(&o, HEX_UPPER[c & 15]);
      }
    }
    put(&o, ' ');
    for (size_t k = 0; k < SB_CLOUD_PIN_KEY_BYTES; k++) {
      put(&o, HEX_LOWER[p->key[k] >> 4]);
      put(&o, HEX_LOWER[p->key[k] & 15]);
    }
    put(&o, '\n');
  }
  if (out_len) *out_len = o.len;
  if (o.len >= out_cap) {
    if (out_cap) out[0] = '\0';
    return SB_ERR_BUF;
  }
  out[o.len] = '\0';
  return SB_OK;
}

static int hex_digit(char c, const char *alphabet) {
  const char *p = c ? strchr(alphabet, c) : NULL;
  return p ? (int)(p - alphabet) : -1;
}

/* Decode one percent-encoded ID (canonical form only) into `out`. */
static const char *id_decode(const char *s, size_t n, char *out, size_t *out_len) {
  size_t m = 0;
  if (n == 0) return "empty daemon ID";
  for (size_t i = 0; i < n; i++) {
    uint8_t c = (uint8_t)s[i];
    uint8_t b;
    if (c == '%') {
      if (n - i < 3) return "truncated %XX escape in the daemon ID";
      int hi = hex_digit(s[i + 1], HEX_UPPER), lo = hex_digit(s[i + 2], HEX_UPPER);
      if (hi < 0 || lo < 0) return "escape in the daemon ID is not %XX with upper-case hex";
      b = (uint8_t)(hi * 16 + lo);
      if (b == 0) return "daemon ID contains a NUL byte";
      if (id_byte_plain(b)) return "escape in the daemon ID encodes a byte written as itself";
      i += 2;
    } else if (id_byte_plain(c)) {
      b = c;
    } else {
      return "daemon ID byte must be A-Z a-z 0-9 - . _ ~ or %XX";
    }
    if (m >= SB_CLOUD_DAEMON_ID_MAX) return "daemon ID longer than 255 bytes";
    out[m++] = (char)b;
  }
  out[m] = '\0';
  *out_len = m;
  return NULL;
}

static const char *key_decode(const char *s, size_t n, uint8_t key[SB_CLOUD_PIN_KEY_BYTES]) {
  if (n != 2 * SB_CLOUD_PIN_KEY_BYTES) return "key is not 64 hex digits";
  for (size_t k = 0; k < SB_CLOUD_PIN_KEY_BYTES; k++) {
    int hi = hex_digit(s[2 * k], HEX_LOWER), lo = hex_digit(s[2 * k + 1], HEX_LOWER);
    if (hi < 0 || lo < 0) return "key is not lower-case hex";
    key[k] = (uint8_t)(hi * 16 + lo);
  }
  return NULL;
}

static int refuse(sb_cloud_pins *s, sb_cloud_pins_error *err, int rc, unsigned line,
                  const char *reason) {
  s->count = 0;
  if (err) {
    err->line = line;
    err->reason = reason;
  }
  return rc;
}

int sb_cloud_pins_parse(sb_cloud_pins *s, const char *text, size_t len,
                        sb_cloud_pins_error *err) {
  if (err) {
    err->line = 0;
    err->reason = NULL;
  }
  if (!s || (!text && len)) return SB_ERR_ARG;
  s->count = 0;
  size_t pos = 0;
  unsigned line = 0;
  while (pos < len) {
    line++;
    const char *nl = memchr(text + pos, '\n', len - pos);
    if (!nl) return refuse(s, err, SB_ERR_CLOUD_PIN_TEXT, line, "last line does not end in LF");
    const char *l = text + pos;
    size_t n = (size_t)(nl - l);
    pos += n + 1;
    if (memchr(l, '\0', n)) return refuse(s, err, SB_ERR_CLOUD_PIN_TEXT, line, "NUL byte");
    if (line == 1) {
      if (n != sizeof SB_CLOUD_PINS_HEADER - 1 || memcmp(l, SB_CLOUD_PINS_HEADER, n) != 0)
        return refuse(s, err, SB_ERR_CLOUD_PIN_TEXT, line,
                      "first line is not the header \"" SB_CLOUD_PINS_HEADER "\"");
      continue;
    }
    const char *sp = memchr(l, ' ', n);
    if (!sp) return refuse(s, err, SB_ERR_CLOUD_PIN_TEXT, line, "no space between ID and key");
    char id[SB_CLOUD_DAEMON_ID_MAX + 1];
    size_t id_len = 0;
    uint8_t key[SB_CLOUD_PIN_KEY_BYTES];
    const char *why = id_decode(l, (size_t)(sp - l), id, &id_len);
    if (!why) why = key_decode(sp + 1, n - (size_t)(sp - l) - 1, key);
    if (why) return refuse(s, err, SB_ERR_CLOUD_PIN_TEXT, line, why);
    if (s->count > 0) {
      const sb_cloud_pin *last = &s->entries[s->count - 1];
      int c = id_cmp(last->daemon_id, last->daemon_id_len, id, id_len);
      if (c == 0) return refuse(s, err, SB_ERR_CLOUD_PIN_TEXT, line, "duplicate daemon ID");
      if (c > 0)
        return refuse(s, err, SB_ERR_CLOUD_PIN_TEXT, line, "daemon IDs not in ascending order");
    }
    if (s->count >= s->cap) return refuse(s, err, SB_ERR_FULL, line, "more pins than the table holds");
    /* appending keeps the table sorted: the order was checked above */
    sb_cloud_pin *p = &s->entries[s->count++];
    memset(p, 0, sizeof *p);
    memcpy(p->daemon_id, id, id_len);
    p->daemon_id_len = id_len;
    memcpy(p->key, key, sizeof key);
  }
  if (line == 0) return refuse(s, err, SB_ERR_CLOUD_PIN_TEXT, 1, "empty text (no header)");
  return SB_OK;
}
