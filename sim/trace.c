/*
 * The simulator's trace (trace.h): records in memory, one JSON line each,
 * a running SHA-256.
 */
#include "trace.h"

#include <openssl/evp.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "common/bytes.h"
#include "common/error.h"
#include "common/utf8.h"
#include "sbrp/control.h"
#include "sbrp/frame.h"
#include "sbrp/payload.h"
#include "sim_peer.h"

/* ---- allocation ------------------------------------------------------------ */

void *sim_xmalloc(size_t n) {
  void *p = malloc(n ? n : 1);
  if (!p) {
    fputs("sbconf: out of memory\n", stderr);
    abort();
  }
  return p;
}

void *sim_xrealloc(void *p, size_t n) {
  void *q = realloc(p, n ? n : 1);
  if (!q) {
    fputs("sbconf: out of memory\n", stderr);
    abort();
  }
  return q;
}

char *sim_xstrdup(const char *s) {
  if (!s) return NULL;
  size_t n = strlen(s) + 1;
  return memcpy(sim_xmalloc(n), s, n);
}

/* ---- arenas ------------------------------------------------------------------ */

struct sim_arena_block {
  struct sim_arena_block *next;
  size_t used, cap;
  char data[];
};

#define ARENA_BLOCK_BYTES ((size_t)64 * 1024)

void *sim_arena_alloc(sim_arena *a, size_t n) {
  if (n == 0) n = 1; /* a distinct non-NULL pointer even for no bytes, as malloc(1) gave */
  struct sim_arena_block *b = a->head;
  if (!b || b->cap - b->used < n) {
    if (n > ARENA_BLOCK_BYTES / 4) { /* its own block, behind the current one */
      struct sim_arena_block *big = sim_xmalloc(sizeof *big + n);
      big->used = big->cap = n;
      big->next = b ? b->next : NULL;
      if (b)
        b->next = big;
      else
        a->head = big;
      return big->data;
    }
    b = sim_xmalloc(sizeof *b + ARENA_BLOCK_BYTES);
    b->used = 0;
    b->cap = ARENA_BLOCK_BYTES;
    b->next = a->head;
    a->head = b;
  }
  void *p = b->data + b->used;
  b->used += n;
  return p;
}

void sim_arena_free(sim_arena *a) {
  for (struct sim_arena_block *b = a->head, *next; b; b = next) {
    next = b->next;
    free(b);
  }
  a->head = NULL;
}

/* ---- sim_buf ------------------------------------------------------------------ */

/* Formatting is on the path of every trace record, so the primitives below
 * write straight into the buffer (no printf, no byte-at-a-time stores through
 * the struct) and keep the buffer NUL-terminated like sim_buf_add always did. */

static void buf_grow(sim_buf *b, size_t need) {
  size_t cap = b->cap ? b->cap : 256;
  while (cap < need) cap *= 2;
  b->s = sim_xrealloc(b->s, cap);
  b->cap = cap;
}

/* Room for `extra` more bytes and the NUL; returns where they go. */
static inline char *buf_space(sim_buf *b, size_t extra) {
  if (b->len + extra + 1 > b->cap) buf_grow(b, b->len + extra + 1);
  return b->s + b->len;
}

static inline void buf_commit(sim_buf *b, size_t n) {
  b->len += n;
  b->s[b->len] = '\0';
}

static inline void buf_put(sim_buf *b, const char *s, size_t n) {
  char *o = buf_space(b, n);
  if (n) memcpy(o, s, n);
  buf_commit(b, n);
}

void sim_buf_add(sim_buf *b, const char *s, size_t n) { buf_put(b, s, n); }

/* A string literal. */
#define BUF_LIT(b, lit) buf_put((b), (lit), sizeof(lit) - 1)

void sim_buf_printf(sim_buf *b, const char *fmt, ...) {
  /* Straight into the free space; measure and retry only when it is too small. */
  size_t room = b->cap > b->len ? b->cap - b->len : 0;
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(room ? b->s + b->len : NULL, room, fmt, ap);
  va_end(ap);
  if (n < 0) {
    if (b->s) b->s[b->len] = '\0';
    return;
  }
  if ((size_t)n >= room) {
    buf_space(b, (size_t)n);
    va_start(ap, fmt);
    vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
  }
  b->len += (size_t)n;
}

static const char hex_digits[] = "0123456789abcdef";

/* "000102...ff": the two digits of every byte value. */
static const char hex_pairs[513] =
    "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
    "202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f"
    "404142434445464748494a4b4c4d4e4f505152535455565758595a5b5c5d5e5f"
    "606162636465666768696a6b6c6d6e6f707172737475767778797a7b7c7d7e7f"
    "808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f"
    "a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebf"
    "c0c1c2c3c4c5c6c7c8c9cacbcccdcecfd0d1d2d3d4d5d6d7d8d9dadbdcdddedf"
    "e0e1e2e3e4e5e6e7e8e9eaebecedeeeff0f1f2f3f4f5f6f7f8f9fafbfcfdfeff";

void sim_buf_hex(sim_buf *b, const uint8_t *p, size_t n) {
  char *o = buf_space(b, 2 * n);
  for (size_t i = 0; i < n; i++) memcpy(o + 2 * i, hex_pairs + 2 * p[i], 2);
  buf_commit(b, 2 * n);
}

void sim_buf_u64(sim_buf *b, uint64_t v) {
  char t[20], *s = t + sizeof t;
  do {
    *--s = (char)('0' + v % 10);
    v /= 10;
  } while (v);
  buf_put(b, s, (size_t)(t + sizeof t - s));
}

void sim_buf_i64(sim_buf *b, int64_t v) {
  if (v < 0) {
    BUF_LIT(b, "-");
    sim_buf_u64(b, (uint64_t)0 - (uint64_t)v);
  } else {
    sim_buf_u64(b, (uint64_t)v);
  }
}

void sim_buf_hex_u64(sim_buf *b, uint64_t v, int width) {
  char t[16], *s = t + sizeof t;
  int k = 0;
  do {
    *--s = hex_digits[v & 15];
    v >>= 4;
    k++;
  } while (v);
  if (width > 16) width = 16;
  while (k < width) {
    *--s = '0';
    k++;
  }
  buf_put(b, s, (size_t)k);
}

/* 1 for the bytes a JSON string carries as they are: not '"', '\\', a C0
 * control or DEL (bytes of 0x80 and above pass: the text is UTF-8 by then). */
static const uint8_t json_plain[256] = {
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    1, 1, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
};

/* Runs of plain bytes are copied whole; '"' '\\' '\n' '\t' get their short
 * escapes, the other controls and DEL \u00xx. */
static void json_escape(sim_buf *b, const uint8_t *s, size_t n) {
  size_t i = 0;
  while (i < n) {
    size_t j = i;
    while (j < n && json_plain[s[j]]) j++;
    if (j > i) buf_put(b, (const char *)s + i, j - i);
    if (j == n) break;
    uint8_t c = s[j];
    if (c == '"' || c == '\\') {
      char e[2] = {'\\', (char)c};
      buf_put(b, e, 2);
    } else if (c == '\n') {
      BUF_LIT(b, "\\n");
    } else if (c == '\t') {
      BUF_LIT(b, "\\t");
    } else {
      char e[6] = {'\\', 'u', '0', '0', hex_pairs[2 * c], hex_pairs[2 * c + 1]};
      buf_put(b, e, 6);
    }
    i = j + 1;
  }
}

static bool all_ascii(const uint8_t *s, size_t n) {
  uint8_t acc = 0;
  for (size_t i = 0; i < n; i++) acc |= s[i];
  return acc < 0x80;
}

void sim_buf_json_str(sim_buf *b, const char *s) {
  if (!s) {
    BUF_LIT(b, "null");
    return;
  }
  const uint8_t *u = (const uint8_t *)s;
  size_t n = strlen(s);
  BUF_LIT(b, "\"");
  if (all_ascii(u, n) || sb_utf8_valid(u, n)) { /* ASCII is UTF-8: skip the decoder */
    json_escape(b, u, n);
  } else {
    size_t m = sb_utf8_lossy_len(u, n), got = 0;
    uint8_t *tmp = sim_xmalloc(m);
    if (sb_utf8_lossy(u, n, tmp, m, &got) == 0) json_escape(b, tmp, got);
    free(tmp);
  }
  BUF_LIT(b, "\"");
}

void sim_buf_reset(sim_buf *b) {
  b->len = 0;
  if (b->s) b->s[0] = '\0';
}

void sim_buf_free(sim_buf *b) {
  free(b->s);
  memset(b, 0, sizeof *b);
}

/* ---- frame summaries ---------------------------------------------------------- */

void sim_frame_describe(const uint8_t *bytes, size_t len, sim_frame_info *out) {
  memset(out, 0, sizeof *out);
  if (len >= 1) {
    out->type = bytes[0];
    out->type_name = sb_sbrp_type_name(bytes[0]);
  }
  if (len < SB_SBRP_HEADER_BYTES) {
    out->err = SB_ERR_SBRP_HEADER_SHORT;
    return;
  }
  out->header_ok = true;
  out->sid = sb_load_u64be(bytes + 5);
  out->payload_len = len - SB_SBRP_HEADER_BYTES;
  out->payload = bytes + SB_SBRP_HEADER_BYTES;
  sb_sbrp_frame f;
  int rc = sb_sbrp_frame_decode(bytes, len, &f);
  if (rc != 0) {
    out->err = rc;
    return;
  }
  switch (f.hdr.type) {
  case SB_SBRP_DATA: {
    sb_sbrp_data_view v;
    rc = sb_sbrp_data_decode(&f, &v);
    if (rc == 0) {
      out->has_seq = true;
      out->seq = v.seq;
      out->direction = v.direction;
    }
    break;
  }
  case SB_SBRP_CONTROL: {
    sb_sbrp_control c;
    rc = sb_sbrp_control_decode(&f, false, &c);
    if (rc == 0) {
      out->has_control = true;
      out->control_code = c.code;
      const sb_sbrp_ctrl_info *info = sb_sbrp_control_lookup(c.code);
      out->control_name = info ? info->name : NULL;
    }
    break;
  }
  case SB_SBRP_SIGNAL: {
    sb_sbrp_signal s;
    rc = sb_sbrp_signal_decode(&f, false, &s);
    if (rc == 0) {
      out->has_signal = true;
      out->signal_code = s.code;
      out->signal_reason = s.reason;
    }
    break;
  }
  case SB_SBRP_PING:
  case SB_SBRP_PONG: {
    const uint8_t *p = NULL;
    size_t n = 0;
    rc = sb_sbrp_ping_decode(&f, &p, &n);
    break;
  }
  case SB_SBRP_HANDSHAKE_INIT: {
    uint8_t pub[SB_SBRP_KEY_BYTES];
    rc = sb_sbrp_handshake_init_decode(&f, pub);
    break;
  }
  case SB_SBRP_HANDSHAKE_ACCEPT: {
    sb_sbrp_accept a;
    rc = sb_sbrp_handshake_accept_decode(&f, &a);
    break;
  }
  default:
    break;
  }
  out->err = rc;
}

/* ---- records -------------------------------------------------------------------- */

static const char *const kind_names[] = {"info", "frame", "transition", "note", "timer", "link",
                                         "fault", "deliver", "keys", "token", "expect", "api",
                                         "sbp", "peer"};

const char *sim_rec_kind_name(sim_rec_kind k) {
  return (unsigned)k < sizeof kind_names / sizeof kind_names[0] ? kind_names[k] : "?";
}

/* Formatted lines are hashed (and the buffer emptied) once this many are pending. */
#define TRACE_HASH_BATCH ((size_t)64 * 1024)

static char *arena_strdup(sim_arena *a, const char *s) {
  if (!s) return NULL;
  size_t n = strlen(s) + 1;
  return memcpy(sim_arena_alloc(a, n), s, n);
}

static _Noreturn void sha_failed(void) {
  fputs("sbconf: SHA-256 (libcrypto) failed\n", stderr);
  abort();
}

static EVP_MD_CTX *sha_new(void) {
  EVP_MD_CTX *c = EVP_MD_CTX_new();
  if (!c || EVP_DigestInit_ex(c, EVP_sha256(), NULL) != 1) sha_failed();
  return c;
}

/* Hash the pending lines and empty the buffer. */
static void trace_hash_pending(sim_trace *tr) {
  if (!tr->line.len) return;
  if (!tr->sha) tr->sha = sha_new();
  if (EVP_DigestUpdate(tr->sha, tr->line.s, tr->line.len) != 1) sha_failed();
  sim_buf_reset(&tr->line);
}

void sim_trace_init(sim_trace *tr, FILE *file) {
  memset(tr, 0, sizeof *tr);
  tr->file = file;
  tr->keep = SIM_TRACE_KEEP;
}

void sim_trace_set_keep(sim_trace *tr, size_t keep) { tr->keep = keep; }

static void chunk_free(sim_trace_chunk *c) {
  if (!c) return;
  sim_arena_free(&c->mem);
  free(c);
}

void sim_trace_free(sim_trace *tr) {
  for (size_t k = 0; k < tr->nchunks; k++) chunk_free(tr->chunks[k]);
  free(tr->chunks);
  chunk_free(tr->spare);
  for (size_t k = 0; k < tr->nnodes; k++)
    for (size_t j = 0; j < SIM_TRACE_TAIL; j++) free(tr->nodes[k].tail_mem[j]);
  free(tr->nodes);
  for (size_t k = 0; k < tr->nrows; k++) free(tr->rows[k]);
  free(tr->rows);
  EVP_MD_CTX_free(tr->sha);
  for (size_t i = 0; i < tr->nnames; i++) free(tr->names[i]);
  free(tr->names);
  sim_buf_free(&tr->line);
  memset(tr, 0, sizeof *tr);
}

void sim_trace_set_name(sim_trace *tr, int index, const char *name) {
  if (index < 0) return;
  if ((size_t)index >= tr->nnames) {
    tr->names = sim_xrealloc(tr->names, ((size_t)index + 1) * sizeof *tr->names);
    for (size_t i = tr->nnames; i <= (size_t)index; i++) tr->names[i] = NULL;
    tr->nnames = (size_t)index + 1;
  }
  free(tr->names[index]);
  tr->names[index] = sim_xstrdup(name);
}

const char *sim_trace_name(const sim_trace *tr, int index) {
  if (index < 0 || (size_t)index >= tr->nnames || !tr->names[index]) return "-";
  return tr->names[index];
}

/* ,"key": */
static inline void add_key(sim_buf *b, const char *key) {
  size_t k = strlen(key);
  char *o = buf_space(b, k + 4);
  o[0] = ',';
  o[1] = '"';
  memcpy(o + 2, key, k);
  o[k + 2] = '"';
  o[k + 3] = ':';
  buf_commit(b, k + 4);
}

/* ,"sid":"<16 hex digits>" */
static void add_sid_value(sim_buf *b, uint64_t sid) {
  BUF_LIT(b, ",\"sid\":\"");
  sim_buf_hex_u64(b, sid, 16);
  BUF_LIT(b, "\"");
}

static void add_sid(sim_buf *b, const sim_rec *r) {
  if (r->has_sid)
    add_sid_value(b, r->sid);
  else
    BUF_LIT(b, ",\"sid\":null");
}

static void add_str(sim_buf *b, const char *key, const char *val) {
  add_key(b, key);
  sim_buf_json_str(b, val);
}

static void add_int(sim_buf *b, const char *key, int64_t v) {
  add_key(b, key);
  sim_buf_i64(b, v);
}

static void format_frame(const sim_trace *tr, const sim_rec *r, sim_buf *b) {
  if (r->sent)
    BUF_LIT(b, ",\"dir\":\"send\",\"conn\":");
  else
    BUF_LIT(b, ",\"dir\":\"recv\",\"conn\":");
  sim_buf_u64(b, r->conn);
  add_str(b, "peer", sim_trace_name(tr, r->peer));
  sim_frame_info fi;
  sim_frame_describe(r->bytes, r->len, &fi);
  if (fi.type_name)
    add_str(b, "type", fi.type_name);
  else {
    BUF_LIT(b, ",\"type\":\"0x");
    sim_buf_hex_u64(b, fi.type, 2);
    BUF_LIT(b, "\"");
  }
  if (fi.header_ok) {
    add_sid_value(b, fi.sid);
    BUF_LIT(b, ",\"len\":");
    sim_buf_u64(b, fi.payload_len);
  }
  if (fi.has_seq) {
    BUF_LIT(b, ",\"seq\":");
    sim_buf_u64(b, fi.seq);
  }
  if (fi.has_control) {
    BUF_LIT(b, ",\"code\":\"0x");
    sim_buf_hex_u64(b, fi.control_code, 4);
    BUF_LIT(b, "\"");
    add_str(b, "control", fi.control_name ? fi.control_name : "unknown");
  }
  if (fi.has_signal) {
    const char *s = sb_sbrp_signal_code_name(fi.signal_code);
    const char *rs = sb_sbrp_signal_reason_name(fi.signal_reason);
    add_str(b, "signal", s ? s : "unknown");
    add_str(b, "reason", rs ? rs : "unknown");
  }
  if (fi.err == 0 && (fi.type == SB_SBRP_PING || fi.type == SB_SBRP_PONG)) {
    BUF_LIT(b, ",\"payload\":\"");
    sim_buf_hex(b, fi.payload, fi.payload_len);
    BUF_LIT(b, "\"");
  }
  if (fi.err) add_str(b, "malformed", sb_err_name(fi.err));
  BUF_LIT(b, ",\"bytes\":\"");
  sim_buf_hex(b, r->bytes, r->len);
  BUF_LIT(b, "\"");
}

void sim_trace_format(const sim_trace *tr, size_t i, sim_buf *b) {
  const sim_rec *r = sim_trace_rec(tr, i);
  if (r) sim_trace_format_rec(tr, r, b);
}

void sim_trace_format_rec(const sim_trace *tr, const sim_rec *r, sim_buf *b) {
  BUF_LIT(b, "{\"t\":");
  sim_buf_i64(b, r->t);
  BUF_LIT(b, ",\"ev\":\"");
  const char *kind = sim_rec_kind_name(r->kind);
  buf_put(b, kind, strlen(kind));
  BUF_LIT(b, "\"");
  add_str(b, "node", r->node < 0 ? NULL : sim_trace_name(tr, r->node));
  switch (r->kind) {
  case SIM_REC_FRAME:
    format_frame(tr, r, b);
    break;
  case SIM_REC_TRANSITION:
    add_str(b, "machine", r->machine);
    add_sid(b, r);
    add_str(b, "from", r->from);
    add_str(b, "to", r->to);
    add_str(b, "event", r->event);
    add_str(b, "row", r->row);
    break;
  case SIM_REC_NOTE:
    add_str(b, "machine", r->machine);
    add_sid(b, r);
    add_str(b, "what", r->what);
    add_str(b, "err", r->code ? sb_err_name(r->code) : NULL);
    add_str(b, "text", r->text);
    break;
  case SIM_REC_LINK:
    add_int(b, "conn", r->conn);
    add_str(b, "peer", sim_trace_name(tr, r->peer));
    add_str(b, "what", r->what);
    if (r->code) add_int(b, "code", r->code);
    if (r->text) add_str(b, "err", r->text);
    break;
  case SIM_REC_FAULT:
    add_str(b, "what", r->what);
    if (r->conn) add_int(b, "conn", r->conn);
    add_str(b, "detail", r->text);
    break;
  case SIM_REC_DELIVER:
    add_sid(b, r);
    add_int(b, "len", (int64_t)r->len);
    BUF_LIT(b, ",\"bytes\":\"");
    if (r->bytes) sim_buf_hex(b, r->bytes, r->len);
    BUF_LIT(b, "\"");
    break;
  case SIM_REC_KEYS:
    add_sid(b, r);
    break;
  case SIM_REC_TOKEN:
    add_str(b, "what", r->what);
    add_sid(b, r);
    add_str(b, "fault", r->text);
    break;
  case SIM_REC_EXPECT:
    add_str(b, "result", r->pass ? "pass" : "fail");
    add_str(b, "what", r->what);
    add_str(b, "at", r->text);
    break;
  case SIM_REC_TIMER:
    add_str(b, "what", r->what);
    break;
  case SIM_REC_INFO:
    add_str(b, "what", r->what);
    add_str(b, "text", r->text);
    break;
  case SIM_REC_API:
    add_str(b, "what", r->what);
    add_str(b, "procedure", r->event);
    if (!strcmp(r->what ? r->what : "", "answer")) {
      if (r->code) add_int(b, "status", r->code);
      else BUF_LIT(b, ",\"status\":null");
      if (r->http) add_int(b, "http", r->http);
      else BUF_LIT(b, ",\"http\":null");
      add_str(b, "error", r->from);
      add_str(b, "verdict", r->to);
      add_sid(b, r);
    }
    add_str(b, "body", r->text);
    break;
  case SIM_REC_SBP:
  case SIM_REC_PEER:
    sim_peer_format_record(tr, r, b);
    break;
  }
  BUF_LIT(b, "}");
}

/* The bookkeeping of node `node` (grown on demand). */
static sim_trace_node *node_info(sim_trace *tr, int node) {
  size_t k = node < 0 ? 0 : (size_t)node + 1;
  if (k >= tr->nnodes) {
    size_t cap = tr->nnodes ? tr->nnodes : 8;
    while (cap <= k) cap *= 2;
    tr->nodes = sim_xrealloc(tr->nodes, cap * sizeof *tr->nodes);
    memset(tr->nodes + tr->nnodes, 0, (cap - tr->nnodes) * sizeof *tr->nodes);
    tr->nnodes = cap;
  }
  return &tr->nodes[k];
}

static const sim_trace_node *node_info_const(const sim_trace *tr, int node) {
  size_t k = node < 0 ? 0 : (size_t)node + 1;
  return k < tr->nnodes ? &tr->nodes[k] : NULL;
}

/* Copy `r` into `c` with its strings and bytes in `a`. */
static void rec_copy(sim_arena *a, sim_rec *c, const sim_rec *r) {
  *c = *r;
  if (r->bytes) c->bytes = memcpy(sim_arena_alloc(a, r->len), r->bytes, r->len);
  c->machine = arena_strdup(a, r->machine);
  c->from = arena_strdup(a, r->from);
  c->to = arena_strdup(a, r->to);
  c->event = arena_strdup(a, r->event);
  c->row = arena_strdup(a, r->row);
  c->what = arena_strdup(a, r->what);
  c->text = arena_strdup(a, r->text);
  c->name = arena_strdup(a, r->name);
  c->tag = arena_strdup(a, r->tag);
  c->json = arena_strdup(a, r->json);
}

size_t sim_trace_add(sim_trace *tr, const sim_rec *r) {
  size_t held = tr->n - tr->base;
  if (held == tr->nchunks * SIM_TRACE_CHUNK) { /* a new chunk */
    if (tr->nchunks == tr->chunks_cap) {
      tr->chunks_cap = tr->chunks_cap ? 2 * tr->chunks_cap : 16;
      tr->chunks = sim_xrealloc(tr->chunks, tr->chunks_cap * sizeof *tr->chunks);
    }
    sim_trace_chunk *c = tr->spare;
    tr->spare = NULL;
    if (!c) {
      c = sim_xmalloc(sizeof *c);
      c->mem.head = NULL;
    }
    tr->chunks[tr->nchunks++] = c;
  }
  sim_trace_chunk *ch = tr->chunks[held / SIM_TRACE_CHUNK];
  sim_rec *c = &ch->recs[held % SIM_TRACE_CHUNK];
  rec_copy(&ch->mem, c, r);
  node_info(tr, r->node)->total++;
  if ((unsigned)r->kind < SIM_REC_KINDS) tr->kinds[r->kind]++;
  size_t i = tr->n++;
  /* The line goes after the ones not hashed yet; the file gets it at once. */
  size_t start = tr->line.len;
  sim_trace_format_rec(tr, c, &tr->line);
  BUF_LIT(&tr->line, "\n");
  size_t n = tr->line.len - start;
  tr->bytes_out += n;
  if (tr->file) fwrite(tr->line.s + start, 1, n, tr->file);
  if (tr->line.len >= TRACE_HASH_BATCH) trace_hash_pending(tr);
  return i;
}

/* ---- releasing --------------------------------------------------------------------- */

/* Add `row` to the sorted set of rows of released transitions. */
static void rows_add(sim_trace *tr, const char *row) {
  size_t lo = 0, hi = tr->nrows;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    int c = strcmp(tr->rows[mid], row);
    if (c == 0) return;
    if (c < 0)
      lo = mid + 1;
    else
      hi = mid;
  }
  if (tr->nrows == tr->rows_cap) {
    tr->rows_cap = tr->rows_cap ? 2 * tr->rows_cap : 64;
    tr->rows = sim_xrealloc(tr->rows, tr->rows_cap * sizeof *tr->rows);
  }
  memmove(tr->rows + lo + 1, tr->rows + lo, (tr->nrows - lo) * sizeof *tr->rows);
  tr->rows[lo] = sim_xstrdup(row);
  tr->nrows++;
}

/* Copy string `s` to `*at` and move it on. */
static char *flat_str(char **at, const char *s) {
  if (!s) return NULL;
  size_t n = strlen(s) + 1;
  char *d = memcpy(*at, s, n);
  *at += n;
  return d;
}

/* Keep a copy of `r` (its strings and bytes in one heap block) as the newest of its node's tail. */
static void tail_push(sim_trace_node *ni, const sim_rec *r) {
  const char *const strs[] = {r->machine, r->from, r->to, r->event, r->row,
                              r->what,    r->text, r->name, r->tag, r->json};
  size_t size = r->bytes ? r->len : 0;
  for (size_t j = 0; j < sizeof strs / sizeof strs[0]; j++)
    if (strs[j]) size += strlen(strs[j]) + 1;
  size_t k = ni->tail_next;
  free(ni->tail_mem[k]);
  char *mem = sim_xmalloc(size), *at = mem;
  sim_rec *c = &ni->tail[k];
  *c = *r;
  if (r->bytes) {
    c->bytes = (uint8_t *)at;
    if (r->len) memcpy(at, r->bytes, r->len);
    at += r->len;
  }
  c->machine = flat_str(&at, r->machine);
  c->from = flat_str(&at, r->from);
  c->to = flat_str(&at, r->to);
  c->event = flat_str(&at, r->event);
  c->row = flat_str(&at, r->row);
  c->what = flat_str(&at, r->what);
  c->text = flat_str(&at, r->text);
  c->name = flat_str(&at, r->name);
  c->tag = flat_str(&at, r->tag);
  c->json = flat_str(&at, r->json);
  ni->tail_mem[k] = mem;
  ni->tail_next = (k + 1) % SIM_TRACE_TAIL;
  if (ni->ntail < SIM_TRACE_TAIL) ni->ntail++;
}

static void release_chunk(sim_trace *tr) {
  sim_trace_chunk *c = tr->chunks[0];
  size_t first = tr->base;
  /* The last SIM_TRACE_TAIL records of each node in the chunk go to its tail, oldest first. */
  size_t pick[SIM_TRACE_CHUNK], npick = 0;
  uint16_t *taken = calloc(tr->nnodes ? tr->nnodes : 1, sizeof *taken);
  if (!taken) {
    fputs("sbconf: out of memory\n", stderr);
    abort();
  }
  for (size_t k = SIM_TRACE_CHUNK; k-- > 0;) {
    const sim_rec *r = &c->recs[k];
    size_t ni = r->node < 0 ? 0 : (size_t)r->node + 1;
    if (taken[ni] < SIM_TRACE_TAIL) {
      taken[ni]++;
      pick[npick++] = k;
    }
  }
  free(taken);
  while (npick) {
    const sim_rec *r = &c->recs[pick[--npick]];
    tail_push(node_info(tr, r->node), r);
  }
  for (size_t k = 0; k < SIM_TRACE_CHUNK; k++) {
    const sim_rec *r = &c->recs[k];
    sim_trace_node *ni = node_info(tr, r->node);
    ni->released++;
    ni->released_end = first + k + 1;
    if (r->kind == SIM_REC_TRANSITION && r->row) rows_add(tr, r->row);
  }
  sim_arena_free(&c->mem);
  chunk_free(tr->spare);
  tr->spare = c;
  memmove(tr->chunks, tr->chunks + 1, (tr->nchunks - 1) * sizeof *tr->chunks);
  tr->nchunks--;
  tr->base += SIM_TRACE_CHUNK;
}

void sim_trace_release(sim_trace *tr) {
  while (sim_trace_release_due(tr)) release_chunk(tr);
}

bool sim_trace_lost(const sim_trace *tr, int node, size_t from) {
  const sim_trace_node *ni = node_info_const(tr, node);
  return ni && ni->released_end > from;
}

uint64_t sim_trace_node_total(const sim_trace *tr, int node) {
  const sim_trace_node *ni = node_info_const(tr, node);
  return ni ? ni->total : 0;
}

size_t sim_trace_count_from(const sim_trace *tr, int node, size_t from) {
  size_t count = 0;
  for (size_t i = from > tr->base ? from : tr->base; i < tr->n; i++)
    if (sim_trace_rec(tr, i)->node == node) count++;
  return count;
}

size_t sim_trace_node_last(const sim_trace *tr, int node, size_t max, const sim_rec **out) {
  size_t got = 0;
  /* newest first into the end of out[], then moved to its start */
  for (size_t i = tr->n; i-- > tr->base && got < max;) {
    const sim_rec *r = sim_trace_rec(tr, i);
    if (r->node == node) out[max - ++got] = r;
  }
  const sim_trace_node *ni = node_info_const(tr, node);
  for (size_t k = 0; ni && k < ni->ntail && got < max; k++)
    out[max - ++got] = &ni->tail[(ni->tail_next + SIM_TRACE_TAIL - 1 - k) % SIM_TRACE_TAIL];
  if (got < max) memmove(out, out + (max - got), got * sizeof *out);
  return got;
}

void sim_trace_digest(const sim_trace *tr, char out[65]) {
  /* The running hash, copied, plus the lines still pending. */
  EVP_MD_CTX *copy = sha_new();
  if (tr->sha && EVP_MD_CTX_copy_ex(copy, tr->sha) != 1) sha_failed();
  if (tr->line.len && EVP_DigestUpdate(copy, tr->line.s, tr->line.len) != 1) sha_failed();
  unsigned char h[32];
  unsigned int hlen = 0;
  if (EVP_DigestFinal_ex(copy, h, &hlen) != 1 || hlen != sizeof h) sha_failed();
  EVP_MD_CTX_free(copy);
  static const char digits[] = "0123456789abcdef";
  for (size_t i = 0; i < sizeof h; i++) {
    out[2 * i] = digits[h[i] >> 4];
    out[2 * i + 1] = digits[h[i] & 15];
  }
  out[64] = '\0';
}
