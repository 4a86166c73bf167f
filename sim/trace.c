/*
 * The simulator's trace (trace.h): records in memory, one JSON line each,
 * a running SHA-256.
 */
#include "trace.h"

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

/* ---- sim_buf ------------------------------------------------------------------ */

static void buf_reserve(sim_buf *b, size_t extra) {
  if (b->len + extra + 1 <= b->cap) return;
  size_t cap = b->cap ? b->cap : 256;
  while (cap < b->len + extra + 1) cap *= 2;
  b->s = sim_xrealloc(b->s, cap);
  b->cap = cap;
}

void sim_buf_add(sim_buf *b, const char *s, size_t n) {
  buf_reserve(b, n);
  memcpy(b->s + b->len, s, n);
  b->len += n;
  b->s[b->len] = '\0';
}

void sim_buf_printf(sim_buf *b, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(NULL, 0, fmt, ap);
  va_end(ap);
  if (n < 0) return;
  buf_reserve(b, (size_t)n);
  va_start(ap, fmt);
  vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
  va_end(ap);
  b->len += (size_t)n;
}

void sim_buf_hex(sim_buf *b, const uint8_t *p, size_t n) {
  static const char digits[] = "0123456789abcdef";
  buf_reserve(b, 2 * n);
  for (size_t i = 0; i < n; i++) {
    b->s[b->len++] = digits[p[i] >> 4];
    b->s[b->len++] = digits[p[i] & 15];
  }
  b->s[b->len] = '\0';
}

static void json_escape(sim_buf *b, const uint8_t *s, size_t n) {
  for (size_t i = 0; i < n; i++) {
    uint8_t c = s[i];
    if (c == '"' || c == '\\') {
      char e[2] = {'\\', (char)c};
      sim_buf_add(b, e, 2);
    } else if (c == '\n') {
      sim_buf_add(b, "\\n", 2);
    } else if (c == '\t') {
      sim_buf_add(b, "\\t", 2);
    } else if (c < 0x20 || c == 0x7f) {
      sim_buf_printf(b, "\\u%04x", c);
    } else {
      sim_buf_add(b, (const char *)&c, 1);
    }
  }
}

void sim_buf_json_str(sim_buf *b, const char *s) {
  if (!s) {
    sim_buf_add(b, "null", 4);
    return;
  }
  size_t n = strlen(s);
  sim_buf_add(b, "\"", 1);
  if (sb_utf8_valid((const uint8_t *)s, n)) {
    json_escape(b, (const uint8_t *)s, n);
  } else {
    size_t m = sb_utf8_lossy_len((const uint8_t *)s, n), got = 0;
    uint8_t *tmp = sim_xmalloc(m);
    if (sb_utf8_lossy((const uint8_t *)s, n, tmp, m, &got) == 0) json_escape(b, tmp, got);
    free(tmp);
  }
  sim_buf_add(b, "\"", 1);
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

void sim_trace_init(sim_trace *tr, FILE *file) {
  memset(tr, 0, sizeof *tr);
  tr->file = file;
  crypto_hash_sha256_init(&tr->sha);
}

static void rec_free(sim_rec *r) {
  free(r->bytes);
  free(r->machine);
  free(r->from);
  free(r->to);
  free(r->event);
  free(r->row);
  free(r->what);
  free(r->text);
  free(r->name);
  free(r->tag);
  free(r->json);
}

void sim_trace_free(sim_trace *tr) {
  for (size_t i = 0; i < tr->n; i++) rec_free(&tr->recs[i]);
  free(tr->recs);
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

static void add_sid(sim_buf *b, const sim_rec *r) {
  if (r->has_sid)
    sim_buf_printf(b, ",\"sid\":\"%016llx\"", (unsigned long long)r->sid);
  else
    sim_buf_add(b, ",\"sid\":null", 11);
}

static void add_str(sim_buf *b, const char *key, const char *val) {
  sim_buf_printf(b, ",\"%s\":", key);
  sim_buf_json_str(b, val);
}

static void format_frame(const sim_trace *tr, const sim_rec *r, sim_buf *b) {
  sim_buf_printf(b, ",\"dir\":\"%s\",\"conn\":%u", r->sent ? "send" : "recv", r->conn);
  add_str(b, "peer", sim_trace_name(tr, r->peer));
  sim_frame_info fi;
  sim_frame_describe(r->bytes, r->len, &fi);
  if (fi.type_name)
    add_str(b, "type", fi.type_name);
  else
    sim_buf_printf(b, ",\"type\":\"0x%02x\"", fi.type);
  if (fi.header_ok)
    sim_buf_printf(b, ",\"sid\":\"%016llx\",\"len\":%zu", (unsigned long long)fi.sid,
                   fi.payload_len);
  if (fi.has_seq) sim_buf_printf(b, ",\"seq\":%llu", (unsigned long long)fi.seq);
  if (fi.has_control) {
    sim_buf_printf(b, ",\"code\":\"0x%04x\"", fi.control_code);
    add_str(b, "control", fi.control_name ? fi.control_name : "unknown");
  }
  if (fi.has_signal) {
    const char *s = sb_sbrp_signal_code_name(fi.signal_code);
    const char *rs = sb_sbrp_signal_reason_name(fi.signal_reason);
    add_str(b, "signal", s ? s : "unknown");
    add_str(b, "reason", rs ? rs : "unknown");
  }
  if (fi.err == 0 && (fi.type == SB_SBRP_PING || fi.type == SB_SBRP_PONG)) {
    sim_buf_add(b, ",\"payload\":\"", 12);
    sim_buf_hex(b, fi.payload, fi.payload_len);
    sim_buf_add(b, "\"", 1);
  }
  if (fi.err) add_str(b, "malformed", sb_err_name(fi.err));
  sim_buf_add(b, ",\"bytes\":\"", 10);
  sim_buf_hex(b, r->bytes, r->len);
  sim_buf_add(b, "\"", 1);
}

void sim_trace_format(const sim_trace *tr, size_t i, sim_buf *b) {
  const sim_rec *r = &tr->recs[i];
  sim_buf_printf(b, "{\"t\":%lld,\"ev\":\"%s\"", (long long)r->t, sim_rec_kind_name(r->kind));
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
    sim_buf_printf(b, ",\"conn\":%u", r->conn);
    add_str(b, "peer", sim_trace_name(tr, r->peer));
    add_str(b, "what", r->what);
    if (r->code) sim_buf_printf(b, ",\"code\":%d", r->code);
    if (r->text) add_str(b, "err", r->text);
    break;
  case SIM_REC_FAULT:
    add_str(b, "what", r->what);
    if (r->conn) sim_buf_printf(b, ",\"conn\":%u", r->conn);
    add_str(b, "detail", r->text);
    break;
  case SIM_REC_DELIVER:
    add_sid(b, r);
    sim_buf_printf(b, ",\"len\":%zu,\"bytes\":\"", r->len);
    if (r->bytes) sim_buf_hex(b, r->bytes, r->len);
    sim_buf_add(b, "\"", 1);
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
      if (r->code) sim_buf_printf(b, ",\"status\":%d", r->code);
      else sim_buf_add(b, ",\"status\":null", 14);
      if (r->http) sim_buf_printf(b, ",\"http\":%d", r->http);
      else sim_buf_add(b, ",\"http\":null", 12);
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
  sim_buf_add(b, "}", 1);
}

size_t sim_trace_add(sim_trace *tr, const sim_rec *r) {
  if (tr->n == tr->cap) {
    tr->cap = tr->cap ? 2 * tr->cap : 1024;
    tr->recs = sim_xrealloc(tr->recs, tr->cap * sizeof *tr->recs);
  }
  sim_rec *c = &tr->recs[tr->n];
  *c = *r;
  if (r->bytes) c->bytes = memcpy(sim_xmalloc(r->len), r->bytes, r->len);
  c->machine = sim_xstrdup(r->machine);
  c->from = sim_xstrdup(r->from);
  c->to = sim_xstrdup(r->to);
  c->event = sim_xstrdup(r->event);
  c->row = sim_xstrdup(r->row);
  c->what = sim_xstrdup(r->what);
  c->text = sim_xstrdup(r->text);
  c->name = sim_xstrdup(r->name);
  c->tag = sim_xstrdup(r->tag);
  c->json = sim_xstrdup(r->json);
  size_t i = tr->n++;
  sim_buf_reset(&tr->line);
  sim_trace_format(tr, i, &tr->line);
  sim_buf_add(&tr->line, "\n", 1);
  crypto_hash_sha256_update(&tr->sha, (const unsigned char *)tr->line.s, tr->line.len);
  tr->bytes_out += tr->line.len;
  if (tr->file) fwrite(tr->line.s, 1, tr->line.len, tr->file);
  return i;
}

void sim_trace_digest(const sim_trace *tr, char out[65]) {
  crypto_hash_sha256_state copy = tr->sha;
  unsigned char h[crypto_hash_sha256_BYTES];
  crypto_hash_sha256_final(&copy, h);
  static const char digits[] = "0123456789abcdef";
  for (size_t i = 0; i < sizeof h; i++) {
    out[2 * i] = digits[h[i] >> 4];
    out[2 * i + 1] = digits[h[i] & 15];
  }
  out[64] = '\0';
}
