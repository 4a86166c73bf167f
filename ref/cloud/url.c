#include "cloud/url.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "common/error.h"
#include "common/utf8.h"

/* Output text that keeps counting past the capacity (as sb_writer does), so
 * a too-small buffer reports the size needed. */
typedef struct text_out {
  char *buf;
  size_t cap, len;
} text_out;

static void put_bytes(text_out *o, const char *s, size_t n) {
  if (o->len + n < o->cap) memcpy(o->buf + o->len, s, n);
  o->len += n;
}

static void put_char(text_out *o, char c) { put_bytes(o, &c, 1); }

static int finish(text_out *o, size_t *out_len) {
  if (out_len) *out_len = o->len;
  if (o->len >= o->cap) {
    if (o->cap) o->buf[0] = '\0';
    return SB_ERR_BUF;
  }
  o->buf[o->len] = '\0';
  return SB_OK;
}

static char lower(char c) { return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c; }
static bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
static bool is_digit(char c) { return c >= '0' && c <= '9'; }

static int hex_val(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/* The pieces of scheme://[userinfo@]host[:port][path][?query][#fragment]. */
typedef struct url_parts {
  const char *s;
  size_t scheme_len;
  size_t userinfo_start, userinfo_len; /* including the '@' */
  size_t host_start, host_len;
  bool has_port;
  unsigned port;
  size_t path_start, path_len;
  bool has_query;
  size_t query_start, query_len;
  size_t frag_start, frag_len; /* including the '#'; 0 length if none */
} url_parts;

static bool scheme_is(const url_parts *u, const char *name) {
  size_t n = strlen(name);
  if (u->scheme_len != n) return false;
  for (size_t i = 0; i < n; i++)
    if (lower(u->s[i]) != name[i]) return false;
  return true;
}

static bool special_scheme(const url_parts *u) {
  return scheme_is(u, "ws") || scheme_is(u, "wss") || scheme_is(u, "http") ||
         scheme_is(u, "https");
}

static unsigned default_port(const url_parts *u) {
  if (scheme_is(u, "ws") || scheme_is(u, "http")) return 80;
  if (scheme_is(u, "wss") || scheme_is(u, "https")) return 443;
  return 0;
}

static int url_parse(const char *s, url_parts *u) {
  memset(u, 0, sizeof *u);
  u->s = s;
  size_t n = strlen(s);
  if (n == 0 || n > SB_CLOUD_URL_MAX || !is_alpha(s[0])) return SB_ERR_ARG;
  size_t i = 1;
  while (i < n && (is_alpha(s[i]) || is_digit(s[i]) || s[i] == '+' || s[i] == '-' || s[i] == '.'))
    i++;
  if (n - i < 3 || memcmp(s + i, "://", 3) != 0) return SB_ERR_ARG;
  u->scheme_len = i;
  size_t a = i + 3, e = a;
  while (e < n && s[e] != '/' && s[e] != '?' && s[e] != '#') e++;
  /* userinfo ends at the last '@' of the authority */
  size_t at = a;
  for (size_t k = a; k < e; k++)
    if (s[k] == '@') at = k + 1;
  u->userinfo_start = a;
  u->userinfo_len = at - a;
  size_t h = at, he = e;
  /* a port follows the last ':' outside an IPv6 literal */
  size_t colon = e;
  bool in_brackets = false;
  for (size_t k = h; k < e; k++) {
    if (s[k] == '[') in_brackets = true;
    else if (s[k] == ']') in_brackets = false;
    else if (s[k] == ':' && !in_brackets) colon = k;
  }
  if (colon < e) {
    he = colon;
    unsigned long port = 0;
    for (size_t k = colon + 1; k < e; k++) {
      if (!is_digit(s[k])) return SB_ERR_ARG;
      port = port * 10 + (unsigned long)(s[k] - '0');
      if (port > 65535) return SB_ERR_ARG;
    }
    /* "host:" (empty port) means no port, as in WHATWG */
    if (colon + 1 < e) {
      u->has_port = true;
      u->port = (unsigned)port;
    }
  }
  if (he == h) return SB_ERR_ARG;
  for (size_t k = h; k < he; k++)
    if ((unsigned char)s[k] <= 0x20 || s[k] == '\\') return SB_ERR_ARG;
  u->host_start = h;
  u->host_len = he - h;
  if (u->has_port && u->port == default_port(u)) u->has_port = false;
  size_t p = e;
  while (p < n && s[p] != '?' && s[p] != '#') p++;
  u->path_start = e;
  u->path_len = p - e;
  if (p < n && s[p] == '?') {
    u->has_query = true;
    u->query_start = p + 1;
    size_t q = p + 1;
    while (q < n && s[q] != '#') q++;
    u->query_len = q - (p + 1);
    p = q;
  }
  u->frag_start = p;
  u->frag_len = n - p;
  for (size_t k = 0; k < n; k++)
    if ((unsigned char)s[k] < 0x20 || s[k] == ' ' || s[k] == '\\') return SB_ERR_ARG;
  return SB_OK;
}

/* Everything before the query, normalised. */
static void put_base(text_out *o, const url_parts *u) {
  for (size_t i = 0; i < u->scheme_len; i++) put_char(o, lower(u->s[i]));
  put_bytes(o, "://", 3);
  put_bytes(o, u->s + u->userinfo_start, u->userinfo_len);
  for (size_t i = 0; i < u->host_len; i++) put_char(o, lower(u->s[u->host_start + i]));
  if (u->has_port) {
    char digits[8];
    size_t nd = 0;
    unsigned v = u->port;
    do {
      digits[nd++] = (char)('0' + v % 10);
      v /= 10;
    } while (v);
    put_char(o, ':');
    while (nd) put_char(o, digits[--nd]);
  }
  if (u->path_len == 0 && special_scheme(u)) put_char(o, '/');
  else put_bytes(o, u->s + u->path_start, u->path_len);
}

/* application/x-www-form-urlencoded percent-decoding of s[0..n) into
 * `out` (n bytes at most): '+' is a space, a '%' not followed by two hex
 * digits stays literal. Returns the decoded length. */
static size_t form_decode(const char *s, size_t n, uint8_t *out) {
  size_t m = 0;
  for (size_t i = 0; i < n; i++) {
    if (s[i] == '+') {
      out[m++] = ' ';
    } else if (s[i] == '%' && i + 2 < n && hex_val(s[i + 1]) >= 0 && hex_val(s[i + 2]) >= 0) {
      out[m++] = (uint8_t)(hex_val(s[i + 1]) * 16 + hex_val(s[i + 2]));
      i += 2;
    } else {
      out[m++] = (uint8_t)s[i];
    }
  }
  return m;
}

/* Length of the maximal ill-formed subpart at b[0..n) (b does not start
 * with a well-formed sequence): the lead byte plus the continuation bytes
 * that were still possible, as the WHATWG decoder counts them. */
static size_t ill_formed_len(const uint8_t *b, size_t n) {
  uint8_t c = b[0], lo = 0x80, hi = 0xBF;
  size_t need;
  if (c >= 0xC2 && c <= 0xDF) {
    need = 1;
  } else if (c >= 0xE0 && c <= 0xEF) {
    need = 2;
    if (c == 0xE0) lo = 0xA0;
    if (c == 0xED) hi = 0x9F;
  } else if (c >= 0xF0 && c <= 0xF4) {
    need = 3;
    if (c == 0xF0) lo = 0x90;
    if (c == 0xF4) hi = 0x8F;
  } else {
    return 1;
  }
  size_t i = 1;
  while (i <= need && i < n) {
    uint8_t l = i == 1 ? lo : 0x80, h = i == 1 ? hi : 0xBF;
    if (b[i] < l || b[i] > h) break;
    i++;
  }
  return i;
}

/* Emit b[0..n) as the UTF-8 text the WHATWG decoder makes of it: each
 * maximal ill-formed subpart becomes U+FFFD; `enc` writes the bytes. */
static void put_repaired(text_out *o, const uint8_t *b, size_t n,
                         void (*enc)(text_out *, const uint8_t *, size_t)) {
  static const uint8_t replacement[3] = {0xEF, 0xBF, 0xBD};
  size_t i = 0;
  while (i < n) {
    size_t k = sb_utf8_valid_prefix(b + i, n - i);
    enc(o, b + i, k);
    i += k;
    if (i < n) {
      enc(o, replacement, sizeof replacement);
      i += ill_formed_len(b + i, n - i);
    }
  }
}

static void put_raw(text_out *o, const uint8_t *b, size_t n) { put_bytes(o, (const char *)b, n); }

static void put_form_encoded(text_out *o, const uint8_t *b, size_t n) {
  static const char hex[] = "0123456789ABCDEF";
  for (size_t i = 0; i < n; i++) {
    char c = (char)b[i];
    if (is_alpha(c) || is_digit(c) || c == '*' || c == '-' || c == '.' || c == '_') {
      put_char(o, c);
    } else if (c == ' ') {
      put_char(o, '+');
    } else {
      put_char(o, '%');
      put_char(o, hex[b[i] >> 4]);
      put_char(o, hex[b[i] & 15]);
    }
  }
}

/* One name=value pair of the query, q[0..n) with n > 0. */
typedef struct pair {
  const char *name, *value;
  size_t name_len, value_len;
} pair;

static pair pair_split(const char *q, size_t n) {
  size_t eq = 0;
  while (eq < n && q[eq] != '=') eq++;
  pair p = {q, eq < n ? q + eq + 1 : q + n, eq, eq < n ? n - eq - 1 : 0};
  return p;
}

/* The next non-empty pair of the query q[0..qn) at or after `*pos`. */
static bool next_pair(const char *q, size_t qn, size_t *pos, pair *p) {
  while (*pos < qn) {
    size_t i = *pos, j = i;
    while (j < qn && q[j] != '&') j++;
    *pos = j + 1;
    if (j > i) {
      *p = pair_split(q + i, j - i);
      return true;
    }
  }
  return false;
}

/* The decoded name is exactly "token" (ASCII, so repair cannot matter). */
static bool pair_is_token(const pair *p, uint8_t *scratch) {
  size_t m = form_decode(p->name, p->name_len, scratch);
  return m == 5 && memcmp(scratch, "token", 5) == 0;
}

/* Re-serialise one decoded part. */
static void put_part(text_out *o, const char *s, size_t n, uint8_t *scratch) {
  size_t m = form_decode(s, n, scratch);
  put_repaired(o, scratch, m, put_form_encoded);
}

int sb_cloud_url_with_token(const char *url, const char *token, char *out, size_t out_cap,
                            size_t *out_len) {
  if (out_len) *out_len = 0;
  if (!url || !token || (!out && out_cap)) return SB_ERR_ARG;
  size_t token_len = strlen(token);
  if (token_len > SB_CLOUD_URL_MAX) return SB_ERR_ARG;
  url_parts u;
  int rc = url_parse(url, &u);
  if (rc != SB_OK) return rc;
  uint8_t scratch[SB_CLOUD_URL_MAX];
  text_out o = {out, out_cap, 0};
  put_base(&o, &u);
  put_char(&o, '?');
  bool wrote_pair = false, token_done = false;
  const char *q = url + u.query_start;
  size_t qn = u.has_query ? u.query_len : 0;
  pair p;
  for (size_t pos = 0; next_pair(q, qn, &pos, &p);) {
    bool is_token = pair_is_token(&p, scratch);
    if (is_token && token_done) continue; /* set() drops later token pairs */
    if (wrote_pair) put_char(&o, '&');
    put_part(&o, p.name, p.name_len, scratch);
    put_char(&o, '=');
    if (is_token) {
      put_repaired(&o, (const uint8_t *)token, token_len, put_form_encoded);
      token_done = true;
    } else {
      put_part(&o, p.value, p.value_len, scratch);
    }
    wrote_pair = true;
  }
  if (!token_done) {
    if (wrote_pair) put_char(&o, '&');
    put_bytes(&o, "token=", 6);
    put_repaired(&o, (const uint8_t *)token, token_len, put_form_encoded);
  }
  put_bytes(&o, url + u.frag_start, u.frag_len);
  return finish(&o, out_len);
}

int sb_cloud_url_get_token(const char *url, char *out, size_t out_cap, size_t *out_len) {
  if (out_len) *out_len = 0;
  if (!url || (!out && out_cap)) return SB_ERR_ARG;
  url_parts u;
  int rc = url_parse(url, &u);
  if (rc != SB_OK) return rc;
  uint8_t scratch[SB_CLOUD_URL_MAX];
  const char *q = url + u.query_start;
  size_t qn = u.has_query ? u.query_len : 0;
  pair p;
  for (size_t pos = 0; next_pair(q, qn, &pos, &p);) {
    if (!pair_is_token(&p, scratch)) continue;
    text_out o = {out, out_cap, 0};
    size_t m = form_decode(p.value, p.value_len, scratch);
    put_repaired(&o, scratch, m, put_raw);
    return finish(&o, out_len);
  }
  return SB_ERR_NOT_FOUND;
}
