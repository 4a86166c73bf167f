/*
 * The trace's hand-written formatting (trace.c) against the printf-based
 * code it replaced, kept here verbatim as the reference: the same bytes for
 * random records of every kind the trace formats itself, random strings
 * (control characters, quotes, invalid UTF-8), numbers and hex; the digest
 * over batches; the arena.
 */
#define _POSIX_C_SOURCE 200809L
#include "trace.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "common/rng.h"
#include "common/utf8.h"
#include "sbrp/control.h"
#include "sbrp/frame.h"
#include "sbrp/payload.h"
#include "test/sbt.h"

/* ---- the reference: the formatter as it was, on a buffer of its own ---------- */

typedef struct rbuf {
  char *s;
  size_t len, cap;
} rbuf;

static void r_reserve(rbuf *b, size_t extra) {
  if (b->len + extra + 1 <= b->cap) return;
  size_t cap = b->cap ? b->cap : 256;
  while (cap < b->len + extra + 1) cap *= 2;
  b->s = sim_xrealloc(b->s, cap);
  b->cap = cap;
}

static void r_add(rbuf *b, const char *s, size_t n) {
  r_reserve(b, n);
  memcpy(b->s + b->len, s, n);
  b->len += n;
  b->s[b->len] = '\0';
}

static void r_printf(rbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void r_printf(rbuf *b, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(NULL, 0, fmt, ap);
  va_end(ap);
  if (n < 0) return;
  r_reserve(b, (size_t)n);
  va_start(ap, fmt);
  vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
  va_end(ap);
  b->len += (size_t)n;
}

static void r_hex(rbuf *b, const uint8_t *p, size_t n) {
  static const char digits[] = "0123456789abcdef";
  r_reserve(b, 2 * n);
  for (size_t i = 0; i < n; i++) {
    b->s[b->len++] = digits[p[i] >> 4];
    b->s[b->len++] = digits[p[i] & 15];
  }
  b->s[b->len] = '\0';
}

static void r_json_escape(rbuf *b, const uint8_t *s, size_t n) {
  for (size_t i = 0; i < n; i++) {
    uint8_t c = s[i];
    if (c == '"' || c == '\\') {
      char e[2] = {'\\', (char)c};
      r_add(b, e, 2);
    } else if (c == '\n') {
      r_add(b, "\\n", 2);
    } else if (c == '\t') {
      r_add(b, "\\t", 2);
    } else if (c < 0x20 || c == 0x7f) {
      r_printf(b, "\\u%04x", c);
    } else {
      r_add(b, (const char *)&c, 1);
    }
  }
}

static void r_json_str(rbuf *b, const char *s) {
  if (!s) {
    r_add(b, "null", 4);
    return;
  }
  size_t n = strlen(s);
  r_add(b, "\"", 1);
  if (sb_utf8_valid((const uint8_t *)s, n)) {
    r_json_escape(b, (const uint8_t *)s, n);
  } else {
    size_t m = sb_utf8_lossy_len((const uint8_t *)s, n), got = 0;
    uint8_t *tmp = sim_xmalloc(m);
    if (sb_utf8_lossy((const uint8_t *)s, n, tmp, m, &got) == 0) r_json_escape(b, tmp, got);
    free(tmp);
  }
  r_add(b, "\"", 1);
}

static void r_add_sid(rbuf *b, const sim_rec *r) {
  if (r->has_sid)
    r_printf(b, ",\"sid\":\"%016llx\"", (unsigned long long)r->sid);
  else
    r_add(b, ",\"sid\":null", 11);
}

static void r_add_str(rbuf *b, const char *key, const char *val) {
  r_printf(b, ",\"%s\":", key);
  r_json_str(b, val);
}

static void r_format_frame(const sim_trace *tr, const sim_rec *r, rbuf *b) {
  r_printf(b, ",\"dir\":\"%s\",\"conn\":%u", r->sent ? "send" : "recv", r->conn);
  r_add_str(b, "peer", sim_trace_name(tr, r->peer));
  sim_frame_info fi;
  sim_frame_describe(r->bytes, r->len, &fi);
  if (fi.type_name)
    r_add_str(b, "type", fi.type_name);
  else
    r_printf(b, ",\"type\":\"0x%02x\"", fi.type);
  if (fi.header_ok)
    r_printf(b, ",\"sid\":\"%016llx\",\"len\":%zu", (unsigned long long)fi.sid, fi.payload_len);
  if (fi.has_seq) r_printf(b, ",\"seq\":%llu", (unsigned long long)fi.seq);
  if (fi.has_control) {
    r_printf(b, ",\"code\":\"0x%04x\"", fi.control_code);
    r_add_str(b, "control", fi.control_name ? fi.control_name : "unknown");
  }
  if (fi.has_signal) {
    const char *s = sb_sbrp_signal_code_name(fi.signal_code);
    const char *rs = sb_sbrp_signal_reason_name(fi.signal_reason);
    r_add_str(b, "signal", s ? s : "unknown");
    r_add_str(b, "reason", rs ? rs : "unknown");
  }
  if (fi.err == 0 && (fi.type == SB_SBRP_PING || fi.type == SB_SBRP_PONG)) {
    r_add(b, ",\"payload\":\"", 12);
    r_hex(b, fi.payload, fi.payload_len);
    r_add(b, "\"", 1);
  }
  if (fi.err) r_add_str(b, "malformed", sb_err_name(fi.err));
  r_add(b, ",\"bytes\":\"", 10);
  r_hex(b, r->bytes, r->len);
  r_add(b, "\"", 1);
}

/* Every kind but SBP/PEER (sim_peer.c formats those). */
static void r_format(const sim_trace *tr, const sim_rec *r, rbuf *b) {
  r_printf(b, "{\"t\":%lld,\"ev\":\"%s\"", (long long)r->t, sim_rec_kind_name(r->kind));
  r_add_str(b, "node", r->node < 0 ? NULL : sim_trace_name(tr, r->node));
  switch (r->kind) {
  case SIM_REC_FRAME:
    r_format_frame(tr, r, b);
    break;
  case SIM_REC_TRANSITION:
    r_add_str(b, "machine", r->machine);
    r_add_sid(b, r);
    r_add_str(b, "from", r->from);
    r_add_str(b, "to", r->to);
    r_add_str(b, "event", r->event);
    r_add_str(b, "row", r->row);
    break;
  case SIM_REC_NOTE:
    r_add_str(b, "machine", r->machine);
    r_add_sid(b, r);
    r_add_str(b, "what", r->what);
    r_add_str(b, "err", r->code ? sb_err_name(r->code) : NULL);
    r_add_str(b, "text", r->text);
    break;
  case SIM_REC_LINK:
    r_printf(b, ",\"conn\":%u", r->conn);
    r_add_str(b, "peer", sim_trace_name(tr, r->peer));
    r_add_str(b, "what", r->what);
    if (r->code) r_printf(b, ",\"code\":%d", r->code);
    if (r->text) r_add_str(b, "err", r->text);
    break;
  case SIM_REC_FAULT:
    r_add_str(b, "what", r->what);
    if (r->conn) r_printf(b, ",\"conn\":%u", r->conn);
    r_add_str(b, "detail", r->text);
    break;
  case SIM_REC_DELIVER:
    r_add_sid(b, r);
    r_printf(b, ",\"len\":%zu,\"bytes\":\"", r->len);
    if (r->bytes) r_hex(b, r->bytes, r->len);
    r_add(b, "\"", 1);
    break;
  case SIM_REC_KEYS:
    r_add_sid(b, r);
    break;
  case SIM_REC_TOKEN:
    r_add_str(b, "what", r->what);
    r_add_sid(b, r);
    r_add_str(b, "fault", r->text);
    break;
  case SIM_REC_EXPECT:
    r_add_str(b, "result", r->pass ? "pass" : "fail");
    r_add_str(b, "what", r->what);
    r_add_str(b, "at", r->text);
    break;
  case SIM_REC_TIMER:
    r_add_str(b, "what", r->what);
    break;
  case SIM_REC_INFO:
    r_add_str(b, "what", r->what);
    r_add_str(b, "text", r->text);
    break;
  case SIM_REC_API:
    r_add_str(b, "what", r->what);
    r_add_str(b, "procedure", r->event);
    if (!strcmp(r->what ? r->what : "", "answer")) {
      if (r->code) r_printf(b, ",\"status\":%d", r->code);
      else r_add(b, ",\"status\":null", 14);
      if (r->http) r_printf(b, ",\"http\":%d", r->http);
      else r_add(b, ",\"http\":null", 12);
      r_add_str(b, "error", r->from);
      r_add_str(b, "verdict", r->to);
      r_add_sid(b, r);
    }
    r_add_str(b, "body", r->text);
    break;
  default:
    break;
  }
  r_add(b, "}", 1);
}

/* ---- random inputs ---------------------------------------------------------------- */

static uint64_t below(sb_xoshiro *x, uint64_t n) { return n ? sb_xoshiro_next(x) % n : 0; }

/* A NUL-terminated string of 0-`max` bytes, heavy in what JSON escapes and in
 * UTF-8 that is valid, truncated, overlong or a surrogate. */
static char *rand_text(sb_xoshiro *x, size_t max) {
  static const char *const pieces[] = {"\"", "\\", "\n", "\t", "\r", "\x01", "\x1f", "\x7f", "\b",
                                       "\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x98\x80", "\xe2\x82",
                                       "\xc0\xaf", "\xed\xa0\x80", "\xf4\x90\x80\x80", "\xff",
                                       "\x80", "\xef\xbb\xbf", "a", "Z", " ", "/", "{", "}"};
  size_t n = (size_t)below(x, max + 1);
  char *s = sim_xmalloc(4 * n + 1);
  size_t len = 0;
  for (size_t i = 0; i < n; i++) {
    uint64_t k = below(x, 4);
    if (k == 0) {
      const char *p = pieces[below(x, SB_ARRAY_LEN(pieces))];
      size_t m = strlen(p);
      memcpy(s + len, p, m);
      len += m;
    } else if (k == 1) {
      s[len++] = (char)(1 + below(x, 255)); /* any byte but NUL */
    } else {
      s[len++] = (char)(0x20 + below(x, 0x5f)); /* printable ASCII */
    }
  }
  s[len] = '\0';
  return s;
}

static char *maybe_text(sb_xoshiro *x, size_t max) { return below(x, 5) ? rand_text(x, max) : NULL; }

static int rand_int(sb_xoshiro *x) {
  static const int some[] = {0, 0, 1, -1, 101, 401, 1000, 1011, 4000, 503, INT32_MIN, INT32_MAX};
  return below(x, 2) ? some[below(x, SB_ARRAY_LEN(some))] : (int)(uint32_t)sb_xoshiro_next(x);
}

static uint64_t rand_u64(sb_xoshiro *x) {
  switch (below(x, 5)) {
  case 0: return 0;
  case 1: return UINT64_MAX;
  case 2: return below(x, 1000);
  case 3: return sb_xoshiro_next(x) >> below(x, 64);
  default: return sb_xoshiro_next(x);
  }
}

/* A frame that decodes, or fails to at some step, as the trace sees them. */
static size_t rand_frame(sb_xoshiro *x, uint8_t *out, size_t cap) {
  static const uint8_t types[] = {0x01, 0x02, 0x03, 0x03, 0x03, 0x04, 0x10, 0x11, 0x20, 0x20, 0x00, 0x7e};
  static const size_t lens[] = {0, 1, 2, 3, 8, 9, 28, 32, 40, 92, 128, 129};
  uint8_t type = below(x, 8) ? types[below(x, SB_ARRAY_LEN(types))] : (uint8_t)below(x, 256);
  size_t plen = below(x, 6) ? lens[below(x, SB_ARRAY_LEN(lens))] : (size_t)below(x, 200);
  uint64_t sid = below(x, 3) ? sb_xoshiro_next(x) : 0;
  uint32_t hlen = below(x, 10) ? (uint32_t)plen : (uint32_t)below(x, 70000);
  if (SB_SBRP_HEADER_BYTES + plen > cap) plen = cap - SB_SBRP_HEADER_BYTES;
  sb_sbrp_header_write(out, type, hlen, sid);
  for (size_t i = 0; i < plen; i++) out[SB_SBRP_HEADER_BYTES + i] = (uint8_t)below(x, 256);
  if (type == 0x20 && plen >= 2 && below(x, 2)) { /* a known control code */
    out[SB_SBRP_HEADER_BYTES] = 0x10;
    out[SB_SBRP_HEADER_BYTES + 1] = (uint8_t)below(x, 4);
  }
  if (type == 0x04 && plen >= 2 && below(x, 2)) { /* a known signal and reason */
    out[SB_SBRP_HEADER_BYTES] = (uint8_t)below(x, 3);
    out[SB_SBRP_HEADER_BYTES + 1] = (uint8_t)below(x, 3);
  }
  size_t len = SB_SBRP_HEADER_BYTES + plen;
  if (!below(x, 12)) len = (size_t)below(x, len + 1); /* cut anywhere, header included */
  return len;
}

static const sim_rec_kind kinds[] = {SIM_REC_INFO,  SIM_REC_FRAME,  SIM_REC_TRANSITION, SIM_REC_NOTE,
                                     SIM_REC_TIMER, SIM_REC_LINK,   SIM_REC_FAULT,      SIM_REC_DELIVER,
                                     SIM_REC_KEYS,  SIM_REC_TOKEN,  SIM_REC_EXPECT,     SIM_REC_API};

/* A random record (its strings on the heap: rec_release). */
static void rand_rec(sb_xoshiro *x, sim_rec *r, uint8_t *frame, size_t cap) {
  memset(r, 0, sizeof *r);
  r->kind = kinds[below(x, SB_ARRAY_LEN(kinds))];
  r->t = below(x, 8) ? (sb_time_us)below(x, UINT64_C(1) << 40) : (sb_time_us)sb_xoshiro_next(x);
  r->node = (int)below(x, 6) - 1; /* -1 .. 4; 4 has no name */
  r->peer = (int)below(x, 6) - 1;
  r->conn = below(x, 3) ? (uint32_t)below(x, 40) : (uint32_t)sb_xoshiro_next(x);
  r->sent = below(x, 2);
  r->has_sid = below(x, 2);
  r->sid = rand_u64(x);
  r->code = rand_int(x);
  r->http = below(x, 2) ? 0 : rand_int(x);
  r->pass = below(x, 2);
  r->machine = maybe_text(x, 12);
  r->from = maybe_text(x, 12);
  r->to = maybe_text(x, 12);
  r->event = maybe_text(x, 20);
  r->row = maybe_text(x, 14);
  r->what = below(x, 4) ? maybe_text(x, 16) : sim_xstrdup("answer");
  r->text = maybe_text(x, 80);
  if (r->kind == SIM_REC_FRAME) {
    r->len = rand_frame(x, frame, cap);
    r->bytes = frame;
  } else if (r->kind == SIM_REC_DELIVER && below(x, 4)) {
    r->len = (size_t)below(x, cap);
    for (size_t i = 0; i < r->len; i++) frame[i] = (uint8_t)below(x, 256);
    r->bytes = frame;
  }
}

static void rec_release(sim_rec *r) {
  free(r->machine);
  free(r->from);
  free(r->to);
  free(r->event);
  free(r->row);
  free(r->what);
  free(r->text);
}

/* ---- tests ---------------------------------------------------------------------------- */

static void json_strings_match_the_printf_formatter_on_random_text(void) {
  sb_xoshiro x;
  sb_xoshiro_seed(&x, 20260101);
  size_t diffs = 0, invalid = 0;
  sim_buf b = {0};
  rbuf r = {0};
  for (int i = 0; i < 20000; i++) {
    char *s = rand_text(&x, i % 100 == 0 ? 3000 : 40);
    if (!sb_utf8_valid((const uint8_t *)s, strlen(s))) invalid++;
    sim_buf_reset(&b);
    r.len = 0;
    if (i % 7 == 0) { /* on top of what is already there */
      sim_buf_add(&b, "x", 1);
      r_add(&r, "x", 1);
    }
    sim_buf_json_str(&b, s);
    r_json_str(&r, s);
    if (b.len != r.len || memcmp(b.s, r.s, r.len) != 0 || b.s[b.len] != '\0') {
      if (diffs++ < 3) SBT_STR_EQ(b.s, r.s);
    }
    free(s);
  }
  sim_buf_reset(&b);
  sim_buf_json_str(&b, NULL);
  SBT_STR_EQ(b.s, "null");
  SBT_EQ_U64(diffs, 0);
  SBT_CHECK(invalid > 1000, "%zu of the strings were not UTF-8", invalid);
  sim_buf_free(&b);
  free(r.s);
}

static void numbers_and_hex_match_printf(void) {
  sb_xoshiro x;
  sb_xoshiro_seed(&x, 7);
  sim_buf b = {0};
  char want[64];
  size_t diffs = 0;
  static const uint64_t edges[] = {0, 1, 9, 10, 15, 16, 99, 100, 255, 256, 65535, 65536,
                                   UINT64_C(9999999999999999999), UINT64_MAX, (uint64_t)INT64_MAX,
                                   (uint64_t)INT64_MIN};
  for (int i = 0; i < 40000; i++) {
    uint64_t v = i < (int)SB_ARRAY_LEN(edges) ? edges[i] : rand_u64(&x);
    int width = (int)below(&x, 17);
    sim_buf_reset(&b);
    sim_buf_u64(&b, v);
    snprintf(want, sizeof want, "%llu", (unsigned long long)v);
    diffs += strcmp(b.s, want) != 0;
    sim_buf_reset(&b);
    sim_buf_i64(&b, (int64_t)v);
    snprintf(want, sizeof want, "%lld", (long long)(int64_t)v);
    diffs += strcmp(b.s, want) != 0;
    sim_buf_reset(&b);
    sim_buf_hex_u64(&b, v, width);
    snprintf(want, sizeof want, "%0*llx", width, (unsigned long long)v);
    if (strcmp(b.s, want) != 0 && diffs++ < 3) SBT_STR_EQ(b.s, want);
  }
  SBT_EQ_U64(diffs, 0);
  /* bytes as hex, lengths 0..300, over a buffer that grows */
  rbuf r = {0};
  uint8_t bytes[300];
  sim_buf_reset(&b);
  for (size_t n = 0; n <= sizeof bytes; n++) {
    for (size_t i = 0; i < n; i++) bytes[i] = (uint8_t)below(&x, 256);
    sim_buf_hex(&b, bytes, n);
    r_hex(&r, bytes, n);
  }
  SBT_EQ_U64(b.len, r.len);
  SBT_CHECK(b.len == r.len && !memcmp(b.s, r.s, r.len), "sim_buf_hex as the byte-at-a-time loop");
  free(r.s);
  sim_buf_free(&b);
}

static void printf_appends_exactly_across_the_buffer_end(void) {
  /* Lengths around the free space left: fits, fits but for the NUL, too long. */
  char fill[600], want[2048];
  memset(fill, 'q', sizeof fill);
  size_t bad = 0;
  for (size_t pre = 0; pre < 300; pre += 7) {
    for (size_t add = 0; add < 600; add += 13) {
      sim_buf b = {0};
      sim_buf_add(&b, fill, pre);
      sim_buf_printf(&b, "%.*s|%d", (int)add, fill, (int)add);
      int n = snprintf(want, sizeof want, "%.*s%.*s|%d", (int)pre, fill, (int)add, fill, (int)add);
      bad += b.len != (size_t)n || strcmp(b.s, want) != 0;
      sim_buf_free(&b);
    }
  }
  SBT_EQ_U64(bad, 0);
  sim_buf e = {0};
  sim_buf_printf(&e, "%s", "");
  SBT_CHECK(e.s && e.s[0] == '\0' && e.len == 0, "an empty printf leaves an empty string");
  sim_buf_free(&e);
}

static void records_format_as_the_printf_formatter_did(void) {
  sb_xoshiro x;
  sb_xoshiro_seed(&x, 42);
  sim_trace tr;
  sim_trace_init(&tr, NULL);
  sim_trace_set_name(&tr, 0, "control");
  sim_trace_set_name(&tr, 1, "relay");
  sim_trace_set_name(&tr, 2, "caf\xc3\xa9 \"d\"");
  sim_trace_set_name(&tr, 3, "bad\xff\x01");
  uint8_t frame[300];
  rbuf r = {0};
  sim_buf b = {0};
  size_t diffs = 0, seen_seq = 0, seen_ctrl = 0, seen_sig = 0, seen_ping = 0, seen_bad = 0;
  for (int i = 0; i < 30000; i++) {
    sim_rec rec;
    rand_rec(&x, &rec, frame, sizeof frame);
    if (rec.kind == SIM_REC_FRAME) {
      sim_frame_info fi;
      sim_frame_describe(rec.bytes, rec.len, &fi);
      seen_seq += fi.has_seq;
      seen_ctrl += fi.has_control;
      seen_sig += fi.has_signal;
      seen_ping += fi.err == 0 && (fi.type == SB_SBRP_PING || fi.type == SB_SBRP_PONG);
      seen_bad += fi.err != 0;
    }
    size_t k = sim_trace_add(&tr, &rec);
    rec_release(&rec);
    sim_buf_reset(&b);
    r.len = 0;
    sim_trace_format(&tr, k, &b);
    r_format(&tr, sim_trace_rec(&tr, k), &r);
    if (b.len != r.len || memcmp(b.s, r.s, r.len) != 0) {
      if (diffs++ < 3) SBT_STR_EQ(b.s, r.s);
    }
  }
  SBT_EQ_U64(diffs, 0);
  SBT_CHECK(seen_seq && seen_ctrl && seen_sig && seen_ping && seen_bad,
            "frames of every shape: %zu Data, %zu Control, %zu Signal, %zu Ping/Pong, %zu malformed",
            seen_seq, seen_ctrl, seen_sig, seen_ping, seen_bad);
  sim_buf_free(&b);
  free(r.s);
  sim_trace_free(&tr);
}

static void digest_covers_every_line_across_hash_batches(void) {
  /* Lines well past the hashing batch (64 KiB), the digest read in between. */
  sb_xoshiro x;
  sb_xoshiro_seed(&x, 99);
  FILE *f = tmpfile();
  SBT_CHECK(f != NULL, "tmpfile");
  if (!f) return;
  sim_trace tr;
  sim_trace_init(&tr, f);
  sim_trace_set_name(&tr, 1, "relay");
  crypto_hash_sha256_state sha;
  crypto_hash_sha256_init(&sha);
  uint8_t frame[300];
  rbuf line = {0};
  size_t mismatches = 0;
  for (int i = 0; i < 3000; i++) {
    sim_rec rec;
    rand_rec(&x, &rec, frame, sizeof frame);
    size_t k = sim_trace_add(&tr, &rec);
    rec_release(&rec);
    line.len = 0;
    r_format(&tr, sim_trace_rec(&tr, k), &line);
    r_add(&line, "\n", 1);
    crypto_hash_sha256_update(&sha, (const unsigned char *)line.s, line.len);
    if (i % 397 == 0 || i == 2999) {
      crypto_hash_sha256_state copy = sha;
      unsigned char h[32];
      crypto_hash_sha256_final(&copy, h);
      char want[65], got[65];
      char *hex = sbt_hex(h, sizeof h);
      snprintf(want, sizeof want, "%s", hex);
      free(hex);
      sim_trace_digest(&tr, got);
      mismatches += strcmp(got, want) != 0;
    }
  }
  SBT_EQ_U64(mismatches, 0);
  SBT_CHECK(tr.bytes_out > 3 * 64 * 1024, "%llu bytes: several batches", (unsigned long long)tr.bytes_out);
  /* and the file holds every line already, whatever is still to be hashed */
  fflush(f);
  SBT_EQ_U64((uint64_t)ftell(f), tr.bytes_out);
  free(line.s);
  fclose(f);
  sim_trace_free(&tr);
  sim_trace empty;
  sim_trace_init(&empty, NULL);
  char d[65];
  sim_trace_digest(&empty, d);
  SBT_STR_EQ(d, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  sim_trace_free(&empty);
}

static void arena_hands_out_distinct_lasting_memory(void) {
  sim_arena a = {0};
  uint8_t *p[2000];
  size_t n[2000];
  for (size_t i = 0; i < SB_ARRAY_LEN(p); i++) {
    n[i] = i % 97 == 0 ? 20000 + i : i % 13; /* some bigger than a quarter block, some 0 */
    p[i] = sim_arena_alloc(&a, n[i]);
    memset(p[i], (int)(i & 0xff), n[i]);
  }
  bool ok = true;
  for (size_t i = 0; i < SB_ARRAY_LEN(p); i++) {
    ok = ok && p[i] != NULL && (i == 0 || p[i] != p[i - 1]);
    for (size_t k = 0; k < n[i]; k++) ok = ok && p[i][k] == (uint8_t)(i & 0xff);
  }
  SBT_CHECK(ok, "every allocation non-NULL, distinct and left as written");
  sim_arena_free(&a);
  SBT_CHECK(a.head == NULL, "freed arena is empty");
  SBT_CHECK(sim_arena_alloc(&a, 5) != NULL, "and usable again");
  sim_arena_free(&a);
}

SBT_SUITE(sim_trace_format, "sim/trace-format",
          SBT_CASE(json_strings_match_the_printf_formatter_on_random_text),
          SBT_CASE(numbers_and_hex_match_printf),
          SBT_CASE(printf_appends_exactly_across_the_buffer_end),
          SBT_CASE(records_format_as_the_printf_formatter_did),
          SBT_CASE(digest_covers_every_line_across_hash_batches),
          SBT_CASE(arena_hands_out_distinct_lasting_memory));
