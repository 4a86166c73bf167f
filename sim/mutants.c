/*
 * The mutants (sim/mutants.h): realistic bugs, each as small as the bug it
 * imitates.
 *
 * Three shapes recur: the reference run on an input the bug would have
 * read differently (run_edited), the reference's answer changed the way the
 * bug would change it (an edit of out->output), or a few lines of the
 * function re-implemented wrongly (the replay window, the handshake key
 * schedule, the backoff formula). Every mutant first lets the reference
 * judge the input, so a malformed input is reported exactly as the
 * reference reports it, and it changes only the answers its bug changes.
 */
#define _POSIX_C_SOURCE 200809L
#include "mutants.h"

#include <ctype.h>
#include <math.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/token.h"
#include "common/base64url.h"
#include "common/bytes.h"
#include "common/error.h"
#include "common/hex.h"
#include "common/json.h"
#include "events/pattern.h"
#include "peer/backoff.h"
#include "rpc/envelope.h"
#include "sbp/frame.h"
#include "sbp/handshake.h"
#include "sbrp/aead.h"
#include "sbrp/control.h"
#include "sbrp/frame.h"
#include "sbrp/handshake.h"
#include "sbrp/hkdf.h"
#include "sbrp/payload.h"

#define PASS SBV_MUTANT_PASS
#define MSG char msg[SBV_MSG_SIZE]

/* ==== helpers =============================================================== */

static bool is(const char *type, const char *want) { return strcmp(type, want) == 0; }

/* Member `key` of `obj` as hex bytes (malloc'd, free it); false when absent
 * or not hex: the reference then reports the input as it always does. */
static bool get_hex(const cJSON *obj, const char *key, uint8_t **buf, size_t *len) {
  const char *s = cJSON_GetStringValue(sb_json_get(obj, key));
  *buf = NULL;
  *len = 0;
  if (!s) return false;
  size_t n = strlen(s);
  uint8_t *b = malloc(n / 2 + 1);
  if (!b || sb_hex_decode(s, n, b, n / 2 + 1, len) != SB_OK) {
    free(b);
    return false;
  }
  *buf = b;
  return true;
}

/* Set member `key` of `obj` to `item` (taken over), in the place of the
 * first member of that name; later duplicates are removed. */
static void put(cJSON *obj, const char *key, cJSON *item) {
  cJSON *first = cJSON_GetObjectItemCaseSensitive(obj, key);
  if (!first) {
    cJSON_AddItemToObject(obj, key, item);
    return;
  }
  for (cJSON *c = first->next, *next; c; c = next) {
    next = c->next;
    if (c->string && strcmp(c->string, key) == 0) cJSON_Delete(cJSON_DetachItemViaPointer(obj, c));
  }
  cJSON_ReplaceItemInObjectCaseSensitive(obj, key, item);
}

static void put_hex(cJSON *obj, const char *key, const uint8_t *buf, size_t len) {
  char *hex = malloc(SB_HEX_SIZE(len));
  if (hex && sb_hex_encode(buf, len, hex, SB_HEX_SIZE(len)) == SB_OK)
    put(obj, key, cJSON_CreateString(hex));
  free(hex);
}

static void put_str(cJSON *obj, const char *key, const char *s) {
  put(obj, key, cJSON_CreateString(s));
}

/* The string member `key` of an answer's output, or NULL. */
static const char *out_str(const sbv_answer *a, const char *key) {
  return cJSON_GetStringValue(sb_json_get(a->output, key));
}

/* Replace the answer by a new one. */
static void answer_valid(sbv_answer *out, cJSON *o) {
  sbv_answer_clear(out);
  sbv_valid(out, o);
}

static void answer_invalid(sbv_answer *out, int err, const char *name) {
  sbv_answer_clear(out);
  sbv_invalid_name(out, err, name);
}

/* Run the reference on a copy of `input` changed by `edit` (which returns
 * false when the bug reads this input the way the reference does). */
typedef bool (*edit_fn)(const char *type, cJSON *copy);

static int run_edited(const char *type, const cJSON *input, edit_fn edit, sbv_answer *out, MSG) {
  cJSON *copy = cJSON_IsObject(input) ? cJSON_Duplicate(input, 1) : NULL;
  if (!copy) return sbv_op_run(type, input, out, msg);
  int rc = edit(type, copy) ? sbv_op_run(type, copy, out, msg) : sbv_op_run(type, input, out, msg);
  cJSON_Delete(copy);
  return rc;
}

/* A mutant that is the reference run on what `edit` makes of the input,
 * for operation `only` (every other type passes through). */
#define EDIT_MUTANT(name, only, edit)                                           \
  static int name(const char *type, const cJSON *input, sbv_answer *out, MSG) { \
    return is(type, only) ? run_edited(type, input, edit, out, msg) : PASS;     \
  }

/* A mutant that is the re-implementation `runner` with bug `bug`. */
#define BUG_MUTANT(name, runner, bug)                                           \
  static int name(const char *type, const cJSON *input, sbv_answer *out, MSG) { \
    return runner(type, input, out, msg, bug);                                  \
  }

/* Edit the hex member `key` in place with `fn`; false if absent, not hex or unchanged. */
static bool edit_hex(cJSON *obj, const char *key, bool (*fn)(uint8_t *, size_t *)) {
  uint8_t *b;
  size_t n;
  if (!get_hex(obj, key, &b, &n)) return false;
  bool changed = fn(b, &n);
  if (changed) put_hex(obj, key, b, n);
  free(b);
  return changed;
}

/* Segment `part` (0 header, 1 claims) of a compact JWS as a JSON tree, or NULL. */
static cJSON *token_part_json(const char *token, int part) {
  const char *p = token;
  for (int i = 0; i < part && p; i++) {
    p = strchr(p, '.');
    if (p) p++;
  }
  if (!p) return NULL;
  const char *end = strchr(p, '.');
  size_t n = end ? (size_t)(end - p) : strlen(p);
  uint8_t *buf = malloc(n + 1);
  size_t len = 0;
  cJSON *tree = NULL;
  if (buf && sb_base64url_decode(p, n, buf, n + 1, &len) == SB_OK &&
      sb_json_parse(buf, len, true, &tree) != SB_OK)
    tree = NULL;
  free(buf);
  return tree;
}

/* ==== SBRP frames =========================================================== */

/* Mutant: the header's Length read and written little-endian. Only the byte
 * order changes, so a Length that reads the same both ways is unaffected. */
static bool swap_length(uint8_t *f, size_t *n) {
  if (*n < 5 || (f[1] == f[4] && f[2] == f[3])) return false;
  uint8_t t = f[1];
  f[1] = f[4];
  f[4] = t;
  t = f[2];
  f[2] = f[3];
  f[3] = t;
  return true;
}

static bool edit_swap_length(const char *type, cJSON *c) {
  (void)type;
  return edit_hex(c, "frame", swap_length);
}

static int m_sbrp_length_le(const char *type, const cJSON *input, sbv_answer *out, MSG) {
  bool reads = is(type, "sbrp.frame.decode") || is(type, "sbrp.relay.validate") ||
               is(type, "sbrp.data.open");
  bool writes = is(type, "sbrp.frame.encode") || is(type, "sbrp.data.seal") ||
                is(type, "sbrp.relay.validate");
  if (!reads && !writes) return PASS;
  int rc = reads ? run_edited(type, input, edit_swap_length, out, msg)
                 : sbv_op_run(type, input, out, msg);
  if (rc == 0 && out->result == SBV_VALID && out->output) {
    edit_hex(out->output, "frame", swap_length);
    edit_hex(out->output, "pong", swap_length);
  }
  return rc;
}

/* Mutant: the type checked before the Length limit (upstream's order): a
 * frame wrong in both reads as invalid_frame_type. Setting such a frame's
 * Length to 0 lets the reference reach its type check. */
static bool type_before_size(uint8_t *f, size_t *n) {
  if (*n < SB_SBRP_HEADER_BYTES || sb_sbrp_type_known(f[0]) ||
      sb_load_u32be(f + 1) <= SB_SBRP_MAX_PAYLOAD)
    return false;
  sb_store_u32be(f + 1, 0);
  return true;
}

static bool edit_type_before_size(const char *type, cJSON *c) {
  if (!is(type, "sbrp.frame.encode")) return edit_hex(c, "frame", type_before_size);
  const cJSON *t = sb_json_get(c, "type");
  const char *payload = cJSON_GetStringValue(sb_json_get(c, "payload"));
  if (!cJSON_IsNumber(t) || t->valuedouble < 0 || t->valuedouble > 255 ||
      sb_sbrp_type_known((uint8_t)t->valuedouble) || !payload ||
      strlen(payload) <= 2 * SB_SBRP_MAX_PAYLOAD)
    return false;
  put_str(c, "payload", "");
  return true;
}

static int m_sbrp_size_after_type(const char *type, const cJSON *input, sbv_answer *out, MSG) {
  if (!is(type, "sbrp.frame.decode") && !is(type, "sbrp.relay.validate") &&
      !is(type, "sbrp.data.open") && !is(type, "sbrp.frame.encode"))
    return PASS;
  return run_edited(type, input, edit_type_before_size, out, msg);
}

/* Mutant: a SessionID scope error reported as malformed_frame. */
static int m_sbrp_scope_malformed(const char *type, const cJSON *input, sbv_answer *out, MSG) {
  if (!is(type, "sbrp.frame.decode") && !is(type, "sbrp.frame.encode") &&
      !is(type, "sbrp.relay.validate") && !is(type, "sbrp.data.seal") &&
      !is(type, "sbrp.data.open"))
    return PASS;
  int rc = sbv_op_run(type, input, out, msg);
  const char *e = rc == 0 && out->result == SBV_INVALID ? out_str(out, "error") : NULL;
  if (!e || strcmp(e, "invalid_session_id") != 0) return rc;
  put_str(out->output, "error", "malformed_frame");
  cJSON *ctl = sb_json_get(out->output, "control");
  if (cJSON_IsObject(ctl)) {
    put(ctl, "code", cJSON_CreateNumber(SB_SBRP_CTRL_MALFORMED_FRAME));
    put_str(ctl, "name", "malformed_frame");
  }
  return rc;
}

/* Mutant: Ping and Pong payloads of any size accepted. */
static int m_sbrp_ping_unlimited(const char *type, const cJSON *input, sbv_answer *out, MSG) {
  bool dec = is(type, "sbrp.frame.decode"), enc = is(type, "sbrp.frame.encode"),
       relay = is(type, "sbrp.relay.validate");
  if (!dec && !enc && !relay) return PASS;
  int rc = sbv_op_run(type, input, out, msg);
  if (rc != 0 || out->result != SBV_INVALID || out->err != SB_ERR_SBRP_PING_TOO_LARGE) return rc;
  uint8_t *buf = NULL;
  size_t len = 0;
  sb_sbrp_frame f;
  if (enc) {
    double t;
    unsigned long long sid;
    uint8_t *payload;
    size_t plen;
    char m2[SBV_MSG_SIZE];
    if (!sbv_in_num(input, "type", &t, m2) || !sbv_in_u64(input, "sessionId", &sid, m2) ||
        !sbv_in_hex(input, "payload", &payload, &plen, m2))
      return rc;
    buf = malloc(SB_SBRP_HEADER_BYTES + plen);
    if (buf && sb_sbrp_frame_encode((uint8_t)t, sid, payload, plen, buf,
                                    SB_SBRP_HEADER_BYTES + plen, &len) == SB_OK)
      answer_valid(out, sbv_out_hex(cJSON_CreateObject(), "frame", buf, len));
    free(payload);
  } else if (get_hex(input, "frame", &buf, &len) && sb_sbrp_frame_decode(buf, len, &f) == SB_OK) {
    cJSON *o = cJSON_CreateObject();
    if (dec) {
      cJSON_AddNumberToObject(o, "type", f.hdr.type);
      sbv_out_u64(o, "sessionId", f.hdr.session_id);
      sbv_out_hex(o, "payload", f.payload, f.payload_len);
    } else if (f.hdr.type == SB_SBRP_PONG) {
      cJSON_AddStringToObject(o, "action", "consume");
    } else {
      uint8_t *pong = malloc(SB_SBRP_HEADER_BYTES + f.payload_len);
      size_t plen;
      cJSON_AddStringToObject(o, "action", "pong");
      if (pong && sb_sbrp_frame_encode(SB_SBRP_PONG, 0, f.payload, f.payload_len, pong,
                                       SB_SBRP_HEADER_BYTES + f.payload_len, &plen) == SB_OK)
        sbv_out_hex(o, "pong", pong, plen);
      free(pong);
    }
    answer_valid(out, o);
  }
  free(buf);
  return rc;
}

/* Mutant: a Control frame with a code outside the wire table refused as
 * malformed instead of kept and read as terminal. */
static int m_sbrp_control_unknown_rejected(const char *type, const cJSON *input, sbv_answer *out,
                                           MSG) {
  if (!is(type, "sbrp.frame.decode")) return PASS;
  int rc = sbv_op_run(type, input, out, msg);
  uint8_t *buf;
  size_t len;
  sb_sbrp_frame f;
  sb_sbrp_control ctl;
  if (rc == 0 && out->result == SBV_VALID && get_hex(input, "frame", &buf, &len)) {
    if (sb_sbrp_frame_decode(buf, len, &f) == SB_OK && f.hdr.type == SB_SBRP_CONTROL &&
        sb_sbrp_control_decode(&f, true, &ctl) == SB_ERR_SBRP_CONTROL_UNKNOWN)
      answer_invalid(out, SB_ERR_SBRP_CONTROL_UNKNOWN, "malformed_frame");
    free(buf);
  }
  return rc;
}

/* Mutant: a Control code the table does not know read as non-terminal. */
static int m_sbrp_control_unknown_nonterminal(const char *type, const cJSON *input, sbv_answer *out,
                                              MSG) {
  if (!is(type, "sbrp.control.info")) return PASS;
  int rc = sbv_op_run(type, input, out, msg);
  if (rc == 0 && out->result == SBV_VALID && cJSON_IsFalse(sb_json_get(out->output, "known")))
    put(out->output, "terminal", cJSON_CreateFalse());
  return rc;
}

/* ==== SBRP relay ============================================================ */

/* Mutant: a Signal from a client forwarded like Data instead of refused. */
static int m_relay_client_signal(const char *type, const cJSON *input, sbv_answer *out, MSG) {
  if (!is(type, "sbrp.relay.validate")) return PASS;
  int rc = sbv_op_run(type, input, out, msg);
  uint8_t *buf;
  size_t len;
  if (rc == 0 && out->err == SB_ERR_SBRP_DISALLOWED_SENDER && get_hex(input, "frame", &buf, &len)) {
    if (buf[0] == SB_SBRP_SIGNAL) {
      cJSON *o = cJSON_CreateObject();
      cJSON_AddStringToObject(o, "action", "forward");
      answer_valid(out, o);
    }
    free(buf);
  }
  return rc;
}

/* Mutant: disallowed_sender sent with SessionID 0 instead of the header's. */
static int m_relay_disallowed_sid_zero(const char *type, const cJSON *input, sbv_answer *out, MSG) {
  if (!is(type, "sbrp.relay.validate")) return PASS;
  int rc = sbv_op_run(type, input, out, msg);
  cJSON *ctl = rc == 0 && out->err == SB_ERR_SBRP_DISALLOWED_SENDER
                   ? sb_json_get(out->output, "control")
                   : NULL;
  if (cJSON_IsObject(ctl)) put_str(ctl, "sessionId", "0");
  return rc;
}

/* ==== SBRP Data ============================================================= */

/* Mutant: the nonce's direction field swapped (client writes 2, daemon 1). */
static bool edit_swap_direction(const char *type, cJSON *c) {
  (void)type;
  const char *d = cJSON_GetStringValue(sb_json_get(c, "direction"));
  if (!d || (strcmp(d, "c2d") != 0 && strcmp(d, "d2c") != 0)) return false;
  put_str(c, "direction", strcmp(d, "c2d") == 0 ? "d2c" : "c2d");
  return true;
}

EDIT_MUTANT(m_sbrp_nonce_swapped, "sbrp.data.seal", edit_swap_direction)

/* Mutant: the 13-byte frame header passed as AAD, on seal and on open. */
static int m_sbrp_aad_header(const char *type, const cJSON *input, sbv_answer *out, MSG) {
  bool seal = is(type, "sbrp.data.seal");
  if (!seal && !is(type, "sbrp.data.open")) return PASS;
  int rc = sbv_op_run(type, input, out, msg);
  if (rc != 0 || !(out->result == SBV_VALID || out->err == SB_ERR_SBRP_DECRYPT)) return rc;
  uint8_t key[SB_SBRP_KEY_BYTES], *frame = NULL, *pt = NULL;
  size_t flen = 0, ptlen = 0;
  char m2[SBV_MSG_SIZE];
  sb_sbrp_frame f;
  sb_sbrp_data_view d;
  if (!sbv_in_hex_exact(input, "key", key, sizeof key, m2) ||
      !get_hex(seal ? out->output : input, "frame", &frame, &flen) ||
      sb_sbrp_frame_decode(frame, flen, &f) != SB_OK || sb_sbrp_data_decode(&f, &d) != SB_OK) {
    free(frame);
    return rc;
  }
  if (seal && get_hex(input, "plaintext", &pt, &ptlen) && ptlen == d.ciphertext_len) {
    uint8_t *ct = frame + SB_SBRP_AEAD_CIPHERTEXT_OFFSET;
    crypto_aead_chacha20poly1305_ietf_encrypt_detached(ct, ct + ptlen, NULL, pt, ptlen, frame,
                                                       SB_SBRP_HEADER_BYTES, NULL, d.nonce, key);
    put_hex(out->output, "payload", frame + SB_SBRP_HEADER_BYTES, flen - SB_SBRP_HEADER_BYTES);
    put_hex(out->output, "frame", frame, flen);
  } else if (!seal) {
    pt = malloc(d.ciphertext_len + 1);
    if (pt && crypto_aead_chacha20poly1305_ietf_decrypt_detached(
                  pt, NULL, d.ciphertext, d.ciphertext_len, d.tag, frame, SB_SBRP_HEADER_BYTES,
                  d.nonce, key) == 0) {
      cJSON *o = cJSON_CreateObject();
      sbv_out_u64(o, "seq", d.seq);
      sbv_out_hex(o, "plaintext", pt, d.ciphertext_len);
      answer_valid(out, o);
    } else {
      answer_invalid(out, SB_ERR_SBRP_DECRYPT, "decrypt_failed");
    }
  }
  free(pt);
  free(frame);
  return rc;
}

/* Mutant: a sender that seals sequence number 2^64-1 instead of stopping. */
static int m_sbrp_seal_last_seq(const char *type, const cJSON *input, sbv_answer *out, MSG) {
  if (!is(type, "sbrp.data.seal")) return PASS;
  int rc = sbv_op_run(type, input, out, msg);
  if (rc != 0 || out->err != SB_ERR_SBRP_SEQ_EXHAUSTED) return rc;
  uint8_t key[SB_SBRP_KEY_BYTES], *pt;
  unsigned long long sid;
  size_t ptlen;
  char m2[SBV_MSG_SIZE];
  const char *dir = cJSON_GetStringValue(sb_json_get(input, "direction"));
  if (!dir || !sbv_in_hex_exact(input, "key", key, sizeof key, m2) ||
      !sbv_in_u64(input, "sessionId", &sid, m2) || !sbv_in_hex(input, "plaintext", &pt, &ptlen, m2))
    return rc;
  size_t cap = SB_SBRP_AEAD_FRAME_BYTES(ptlen), flen;
  uint8_t *frame = malloc(cap);
  int src = frame ? sb_sbrp_aead_seal(key, strcmp(dir, "c2d") == 0 ? SB_SBRP_C2D : SB_SBRP_D2C,
                                      UINT64_MAX, sid, pt, ptlen, frame, cap, &flen)
                  : SB_ERR_NOMEM;
  if (src == SB_OK) {
    cJSON *o = cJSON_CreateObject();
    sbv_out_hex(o, "payload", frame + SB_SBRP_HEADER_BYTES, flen - SB_SBRP_HEADER_BYTES);
    sbv_out_hex(o, "frame", frame, flen);
    answer_valid(out, o);
  } else if (sb_err_proto_name(src)) {
    answer_invalid(out, src, sb_err_proto_name(src));
  }
  free(frame);
  free(pt);
  return rc;
}

/* ==== SBRP replay window ====================================================== */

/* A window re-implemented with one of three bugs. seen[i]: max - i seen. */
enum { REPLAY_OFF_BY_ONE = 1, REPLAY_NO_RESET = 2, REPLAY_RECORD_REJECTED = 4 };

typedef struct window {
  uint32_t w;
  bool have_max;
  uint64_t max;
  uint8_t seen[SB_CONFIG_REPLAY_MAX_WINDOW];
} window;

static bool window_accept(window *r, uint64_t seq, unsigned bug) {
  if (!r->have_max) {
    r->have_max = true;
    r->max = seq;
    memset(r->seen, 0, r->w);
    r->seen[0] = 1;
    return true;
  }
  if (seq > r->max) {
    uint64_t shift = seq - r->max;
    if (shift < r->w) {
      memmove(r->seen + shift, r->seen, r->w - shift);
      memset(r->seen, 0, shift);
    } else if (!(bug & REPLAY_NO_RESET)) {
      memset(r->seen, 0, r->w); /* the bug keeps the old bits where they were */
    }
    r->seen[0] = 1;
    r->max = seq;
    return true;
  }
  uint64_t diff = r->max - seq;
  if (diff > r->w || (diff == r->w && !(bug & REPLAY_OFF_BY_ONE))) {
    /* Recorded before being rejected: in a circular bitmap (slot = seq mod
     * W, or a shift by diff taken mod the word size) that marks the number
     * of the window that shares its slot. */
    if (bug & REPLAY_RECORD_REJECTED) r->seen[diff % r->w] = 1;
    return false;
  }
  if (diff == r->w) return true; /* off by one: accepted, no bit to record it in */
  if (r->seen[diff]) return false;
  r->seen[diff] = 1;
  return true;
}

static int run_replay(const char *type, const cJSON *input, sbv_answer *out, MSG, unsigned bug) {
  if (!is(type, "sbrp.replay")) return PASS;
  int rc = sbv_op_run(type, input, out, msg);
  if (rc != 0 || out->result != SBV_VALID) return rc;
  window *r = calloc(1, sizeof *r);
  if (!r) return rc;
  r->w = (uint32_t)sb_json_get(input, "window")->valuedouble;
  cJSON *decisions = cJSON_CreateArray();
  const cJSON *s;
  cJSON_ArrayForEach(s, sb_json_get(input, "seqs")) {
    uint64_t seq = strtoull(cJSON_GetStringValue(s), NULL, 10);
    cJSON_AddItemToArray(decisions,
                         cJSON_CreateString(window_accept(r, seq, bug) ? "accept" : "reject"));
  }
  free(r);
  cJSON *o = cJSON_CreateObject();
  cJSON_AddItemToObject(o, "decisions", decisions);
  answer_valid(out, o);
  return rc;
}

BUG_MUTANT(m_replay_off_by_one, run_replay, REPLAY_OFF_BY_ONE)

BUG_MUTANT(m_replay_no_reset, run_replay, REPLAY_NO_RESET)

BUG_MUTANT(m_replay_record_rejected, run_replay, REPLAY_RECORD_REJECTED)

/* ==== SBRP handshake ========================================================== */

/* The key schedule re-implemented with one of three bugs. */
enum { HS_HKDF_SWAPPED = 1, HS_TRANSCRIPT_NO_SIG = 2, HS_SIGN_PREIMAGE = 4 };

typedef struct hs_parts {
  const uint8_t *did;
  size_t did_len;
  uint8_t c_pub[32], d_pub[32], ss[32];
  uint8_t *preimage; /* CTX_SIG | did | cEph | dEph (malloc'd) */
  size_t preimage_len;
  uint8_t sig_input[32], sig[64], th[32];
  sb_sbrp_session_keys keys;
} hs_parts;

/* What the signature covers, the transcript hash and the keys, from the
 * parts already filled (did, public keys, ss, sig). */
static bool hs_message(hs_parts *h) {
  size_t cap = SB_SBRP_SIG_PREIMAGE_BYTES(h->did_len);
  h->preimage = malloc(cap);
  if (!h->preimage || sb_sbrp_handshake_sig_preimage(h->did, h->did_len, h->c_pub, h->d_pub,
                                                     h->preimage, cap, &h->preimage_len) != SB_OK)
    return false;
  crypto_hash_sha256(h->sig_input, h->preimage, h->preimage_len);
  return true;
}

static void hs_free(hs_parts *h) {
  if (!h) return;
  free(h->preimage);
  sodium_memzero(h, sizeof *h);
  free(h);
}

static bool hs_keys(hs_parts *h, unsigned bug) {
  if (bug & HS_TRANSCRIPT_NO_SIG) {
    crypto_hash_sha256_state st;
    crypto_hash_sha256_init(&st);
    crypto_hash_sha256_update(&st, (const uint8_t *)SB_SBRP_CTX_TR, strlen(SB_SBRP_CTX_TR));
    crypto_hash_sha256_update(&st, h->did, h->did_len);
    crypto_hash_sha256_update(&st, h->c_pub, 32);
    crypto_hash_sha256_update(&st, h->d_pub, 32);
    crypto_hash_sha256_final(&st, h->th);
  } else if (sb_sbrp_handshake_transcript_hash(h->did, h->did_len, h->c_pub, h->d_pub, h->sig,
                                               h->th) != SB_OK) {
    return false;
  }
  if (!(bug & HS_HKDF_SWAPPED))
    return sb_sbrp_handshake_derive_keys(h->ss, h->th, &h->keys) == SB_OK;
  uint8_t okm[64];
  if (sb_sbrp_hkdf(h->ss, 32, h->th, 32, (const uint8_t *)SB_SBRP_KEYS_INFO,
                   strlen(SB_SBRP_KEYS_INFO), okm, sizeof okm) != SB_OK)
    return false;
  memcpy(h->keys.c2d, okm, 32);
  memcpy(h->keys.d2c, okm + 32, 32);
  return true;
}

static const uint8_t *hs_signed(const hs_parts *h, unsigned bug, size_t *n) {
  *n = bug & HS_SIGN_PREIMAGE ? h->preimage_len : sizeof h->sig_input;
  return bug & HS_SIGN_PREIMAGE ? h->preimage : h->sig_input;
}

/* sbrp.handshake (both sides from seeds), after the reference accepted it. */
static void hs_both_sides(const cJSON *input, sbv_answer *out, unsigned bug) {
  hs_parts *h = calloc(1, sizeof *h);
  uint8_t seed[32], c_priv[32], d_priv[32];
  char m2[SBV_MSG_SIZE];
  sb_sbrp_identity id;
  const char *did = cJSON_GetStringValue(sb_json_get(input, "daemonId"));
  if (h && did && sbv_in_hex_exact(input, "identitySeed", seed, 32, m2) &&
      sbv_in_hex_exact(input, "clientEphemeralPrivate", c_priv, 32, m2) &&
      sbv_in_hex_exact(input, "daemonEphemeralPrivate", d_priv, 32, m2) &&
      sb_sbrp_handshake_identity_from_seed(seed, &id) == SB_OK &&
      crypto_scalarmult_base(h->c_pub, c_priv) == 0 &&
      crypto_scalarmult_base(h->d_pub, d_priv) == 0 &&
      sb_sbrp_handshake_shared_secret(d_priv, h->c_pub, h->ss) == SB_OK) {
    h->did = (const uint8_t *)did;
    h->did_len = strlen(did);
    size_t n;
    const uint8_t *m = NULL;
    if (hs_message(h)) m = hs_signed(h, bug, &n);
    if (m && crypto_sign_detached(h->sig, NULL, m, n, id.secret) == 0 && hs_keys(h, bug)) {
      put_hex(out->output, "signaturePayload", m, n);
      put_hex(out->output, "signature", h->sig, 64);
      put_hex(out->output, "transcriptHash", h->th, 32);
      put_hex(out->output, "clientToDaemon", h->keys.c2d, 32);
      put_hex(out->output, "daemonToClient", h->keys.d2c, 32);
    }
    sodium_memzero(&id, sizeof id);
  }
  hs_free(h);
}

/* sbrp.handshake.finish (the client's verification), after the reference
 * answered valid or handshake_failed. */
static void hs_client(const cJSON *input, sbv_answer *out, unsigned bug) {
  hs_parts *h = calloc(1, sizeof *h);
  uint8_t c_priv[32], accept[SB_SBRP_HANDSHAKE_ACCEPT_BYTES], pinned[32];
  char m2[SBV_MSG_SIZE];
  const char *did = cJSON_GetStringValue(sb_json_get(input, "daemonId"));
  bool have_pin = sb_json_get(input, "pinnedIdentity") != NULL;
  if (!h || !did || !sbv_in_hex_exact(input, "clientEphemeralPrivate", c_priv, 32, m2) ||
      !sbv_in_hex_exact(input, "accept", accept, sizeof accept, m2) ||
      (have_pin && !sbv_in_hex_exact(input, "pinnedIdentity", pinned, 32, m2)) ||
      crypto_scalarmult_base(h->c_pub, c_priv) != 0) {
    hs_free(h);
    return;
  }
  h->did = (const uint8_t *)did;
  h->did_len = strlen(did);
  memcpy(h->d_pub, accept + 32, 32);
  memcpy(h->sig, accept + 64, 64);
  size_t n;
  const uint8_t *m = hs_message(h) ? hs_signed(h, bug, &n) : NULL;
  if (!m) {
    hs_free(h);
    return;
  }
  char fp[SB_SBRP_FINGERPRINT_SIZE];
  if (crypto_sign_verify_detached(h->sig, m, n, have_pin ? pinned : accept) != 0 ||
      sb_sbrp_handshake_shared_secret(c_priv, h->d_pub, h->ss) != SB_OK || !hs_keys(h, bug) ||
      sb_sbrp_handshake_fingerprint(accept, fp, sizeof fp) != SB_OK) {
    answer_invalid(out, SB_ERR_SBRP_HANDSHAKE_FAILED, "handshake_failed");
  } else {
    cJSON *o = cJSON_CreateObject();
    sbv_out_hex(o, "identityPublic", accept, 32);
    cJSON_AddStringToObject(o, "fingerprint", fp);
    sbv_out_hex(o, "clientToDaemon", h->keys.c2d, 32);
    sbv_out_hex(o, "daemonToClient", h->keys.d2c, 32);
    answer_valid(out, o);
  }
  hs_free(h);
}

static int run_handshake(const char *type, const cJSON *input, sbv_answer *out, MSG, unsigned bug) {
  bool both = is(type, "sbrp.handshake");
  if (!both && !is(type, "sbrp.handshake.finish")) return PASS;
  int rc = sbv_op_run(type, input, out, msg);
  if (rc == 0 && out->result == SBV_VALID && both) hs_both_sides(input, out, bug);
  if (rc == 0 && !both && (out->result == SBV_VALID || out->err == SB_ERR_SBRP_HANDSHAKE_FAILED))
    hs_client(input, out, bug);
  return rc;
}

BUG_MUTANT(m_hkdf_swapped, run_handshake, HS_HKDF_SWAPPED)

BUG_MUTANT(m_transcript_no_sig, run_handshake, HS_TRANSCRIPT_NO_SIG)

BUG_MUTANT(m_sign_preimage, run_handshake, HS_SIGN_PREIMAGE)

/* Fingerprint string mutants: the reference's string, rewritten. */
static int run_fingerprint(const char *type, const cJSON *input, sbv_answer *out, MSG, bool lower) {
  if (!is(type, "sbrp.handshake") && !is(type, "sbrp.handshake.finish")) return PASS;
  int rc = sbv_op_run(type, input, out, msg);
  const char *fp = rc == 0 && out->result == SBV_VALID ? out_str(out, "fingerprint") : NULL;
  if (!fp || strncmp(fp, "SHA256:", 7) != 0) return rc;
  char buf[SB_SBRP_FINGERPRINT_SIZE];
  snprintf(buf, sizeof buf, "%s", lower ? fp : fp + 7);
  for (char *p = buf + 7; lower && *p; p++) *p = (char)tolower((unsigned char)*p);
  put_str(out->output, "fingerprint", buf);
  return rc;
}

BUG_MUTANT(m_fingerprint_lower, run_fingerprint, true)

BUG_MUTANT(m_fingerprint_no_prefix, run_fingerprint, false)

/* ==== RPC ===================================================================== */

/* The decoded `data` of an rpc.envelope.decode input as a tree, or NULL. */
static cJSON *envelope_tree(const cJSON *input) {
  uint8_t *buf;
  size_t len;
  cJSON *tree = NULL;
  if (!get_hex(input, "data", &buf, &len)) return NULL;
  if (sb_json_parse(buf, len, true, &tree) != SB_OK || !cJSON_IsObject(tree)) {
    cJSON_Delete(tree);
    tree = NULL;
  }
  free(buf);
  return tree;
}

static bool is_hex_cid(const char *s, bool upper_ok) {
  if (!s || strlen(s) != SB_RPC_CID_HEX_CHARS) return false;
  for (; *s; s++)
    if (!isdigit((unsigned char)*s) && !(*s >= 'a' && *s <= 'f') &&
        !(upper_ok && *s >= 'A' && *s <= 'F'))
      return false;
  return true;
}

/* Mutant: a cid in upper-case hex accepted (the decoder lower-cases it). */
static int m_rpc_cid_upper(const char *type, const cJSON *input, sbv_answer *out, MSG) {
  if (!is(type, "rpc.envelope.decode")) return PASS;
  int rc = sbv_op_run(type, input, out, msg);
  if (rc != 0 || out->err != SB_ERR_RPC_CID) return rc;
  cJSON *tree = envelope_tree(input);
  cJSON *cid = sb_json_get(tree, "cid");
  if (is_hex_cid(cJSON_GetStringValue(cid), true) && !is_hex_cid(cid->valuestring, false)) {
    for (char *p = cid->valuestring; *p; p++) *p = (char)tolower((unsigned char)*p);
    char *text = sb_json_print(tree);
    cJSON *copy = cJSON_Duplicate(input, 1);
    if (text && copy) {
      put_hex(copy, "data", (const uint8_t *)text, strlen(text));
      sbv_answer again;
      char m2[SBV_MSG_SIZE];
      if (sbv_op_run(type, copy, &again, m2) == 0) {
        sbv_answer_clear(out);
        *out = again;
      }
    }
    cJSON_Delete(copy);
    cJSON_free(text);
  }
  cJSON_Delete(tree);
  return rc;
}

/* Mutant: a cid on a notification checked as a FrameId (upstream's reading):
 * one that is not 32 lower-case hex characters makes the envelope invalid. */
static int m_rpc_notification_cid(const char *type, const cJSON *input, sbv_answer *out, MSG) {
  if (!is(type, "rpc.envelope.decode")) return PASS;
  int rc = sbv_op_run(type, input, out, msg);
  const char *t = rc == 0 && out->result == SBV_VALID ? out_str(out, "t") : NULL;
  if (!t || strcmp(t, "N") != 0) return rc;
  cJSON *tree = envelope_tree(input);
  const char *cid = cJSON_GetStringValue(sb_json_get(tree, "cid"));
  if (cid && !is_hex_cid(cid, false)) {
    sbv_answer_clear(out);
    sbv_invalid_code(out, SB_ERR_RPC_CID, sb_err_proto_code(SB_ERR_RPC_CID));
  }
  cJSON_Delete(tree);
  return rc;
}

/* Mutant: a notification accepted on subject `rpc` (the channel rule skipped). */
static int m_rpc_notification_on_rpc(const char *type, const cJSON *input, sbv_answer *out, MSG) {
  if (!is(type, "rpc.envelope.decode")) return PASS;
  int rc = sbv_op_run(type, input, out, msg);
  const char *subject = cJSON_GetStringValue(sb_json_get(input, "subject"));
  if (rc != 0 || out->err != SB_ERR_RPC_CHANNEL || !subject || strcmp(subject, "rpc") != 0)
    return rc;
  cJSON *copy = cJSON_Duplicate(input, 1);
  sbv_answer again;
  char m2[SBV_MSG_SIZE];
  put_str(copy, "subject", "event");
  if (sbv_op_run(type, copy, &again, m2) == 0) {
    if (again.result == SBV_VALID) {
      sbv_answer_clear(out);
      *out = again;
    } else {
      sbv_answer_clear(&again);
    }
  }
  cJSON_Delete(copy);
  return rc;
}

/* ==== events ================================================================== */

/* Segments of a dot-separated string (at most 256: names are <= 255 bytes). */
typedef struct segs {
  const char *p[256];
  size_t n[256];
  size_t count;
} segs;

static bool split(const char *s, segs *out) {
  out->count = 0;
  for (;;) {
    const char *dot = strchr(s, '.');
    if (out->count == 256) return false;
    out->p[out->count] = s;
    out->n[out->count++] = dot ? (size_t)(dot - s) : strlen(s);
    if (!dot) return true;
    s = dot + 1;
  }
}

static bool seg_is(const segs *s, size_t i, char c) { return s->n[i] == 1 && s->p[i][0] == c; }

/* `*` matching one or more segments: dynamic programming over suffixes. */
static bool match_star_greedy(const segs *pat, const segs *name) {
  static bool dp[257][257]; /* dp[i][j]: pattern from i matches name from j */
  for (size_t i = pat->count + 1; i-- > 0;)
    for (size_t j = name->count + 1; j-- > 0;) {
      bool v;
      size_t rest = name->count - j;
      if (i == pat->count) {
        v = rest == 0;
      } else if (seg_is(pat, i, '>')) {
        v = rest >= 1;
      } else if (rest == 0) {
        v = false;
      } else if (seg_is(pat, i, '*')) {
        v = dp[i + 1][j + 1] || dp[i][j + 1]; /* this name segment ends it, or it takes more */
      } else {
        v = pat->n[i] == name->n[j] && memcmp(pat->p[i], name->p[j], pat->n[i]) == 0 &&
            dp[i + 1][j + 1];
      }
      dp[i][j] = v;
    }
  return dp[0][0];
}

static int m_events_star_many(const char *type, const cJSON *input, sbv_answer *out, MSG) {
  if (!is(type, "events.match")) return PASS;
  int rc = sbv_op_run(type, input, out, msg);
  if (rc != 0 || out->result != SBV_VALID) return rc;
  segs *pat = malloc(sizeof *pat), *name = malloc(sizeof *name);
  if (pat && name && split(cJSON_GetStringValue(sb_json_get(input, "pattern")), pat) &&
      split(cJSON_GetStringValue(sb_json_get(input, "name")), name))
    put(out->output, "match", cJSON_CreateBool(match_star_greedy(pat, name)));
  free(pat);
  free(name);
  return rc;
}

/* Mutant: a trailing `>` that also matches zero segments ("a.>" matches "a"). */
static int m_events_gt_zero(const char *type, const cJSON *input, sbv_answer *out, MSG) {
  if (!is(type, "events.match")) return PASS;
  int rc = sbv_op_run(type, input, out, msg);
  if (rc != 0 || out->result != SBV_VALID || cJSON_IsTrue(sb_json_get(out->output, "match")))
    return rc;
  const char *pattern = cJSON_GetStringValue(sb_json_get(input, "pattern"));
  const char *name = cJSON_GetStringValue(sb_json_get(input, "name"));
  size_t n = strlen(pattern);
  if (n > 2 && strcmp(pattern + n - 2, ".>") == 0 &&
      sb_events_pattern_match(pattern, n - 2, name, strlen(name)))
    put(out->output, "match", cJSON_CreateTrue());
  return rc;
}

/* Mutant: a wildcard accepted in a literal event name. */
static int m_events_wildcard_name(const char *type, const cJSON *input, sbv_answer *out, MSG) {
  if (!is(type, "events.validate") || sb_json_get(input, "pattern")) return PASS;
  int rc = sbv_op_run(type, input, out, msg);
  if (rc != 0 || out->err != SB_ERR_EVT_WILDCARD_IN_NAME) return rc;
  const char *name = cJSON_GetStringValue(sb_json_get(input, "name"));
  int vrc = sb_events_pattern_validate(name, strlen(name));
  if (vrc == SB_OK) answer_valid(out, NULL);
  return rc;
}

/* ==== auth: sid =============================================================== */

static int m_sid_padded(const char *type, const cJSON *input, sbv_answer *out, MSG) {
  if (!is(type, "auth.sid.encode")) return PASS;
  int rc = sbv_op_run(type, input, out, msg);
  const char *sid = rc == 0 && out->result == SBV_VALID ? out_str(out, "sid") : NULL;
  if (sid) {
    char buf[16];
    snprintf(buf, sizeof buf, "%s=", sid);
    put_str(out->output, "sid", buf);
  }
  return rc;
}

/* Decode mutants: the reference on the sid the lenient decoder would read. */
static bool edit_sid_unpad(const char *type, cJSON *c) {
  (void)type;
  const char *s = cJSON_GetStringValue(sb_json_get(c, "sid"));
  if (!s || strlen(s) != 12 || s[11] != '=') return false;
  char buf[12];
  memcpy(buf, s, 11);
  buf[11] = '\0';
  put_str(c, "sid", buf);
  return true;
}

EDIT_MUTANT(m_sid_padding_accepted, "auth.sid.decode", edit_sid_unpad)

static bool edit_sid_canonical(const char *type, cJSON *c) {
  (void)type;
  static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  const char *s = cJSON_GetStringValue(sb_json_get(c, "sid"));
  if (!s || strlen(s) != 11 || strspn(s, alphabet) != 11) return false;
  size_t v = (size_t)(strchr(alphabet, s[10]) - alphabet);
  if (!(v & 3)) return false;
  char buf[12];
  memcpy(buf, s, 12);
  buf[10] = alphabet[v & ~(size_t)3]; /* the two unused bits dropped, as a lenient decoder does */
  put_str(c, "sid", buf);
  return true;
}

EDIT_MUTANT(m_sid_non_canonical, "auth.sid.decode", edit_sid_canonical)

/* ==== auth: tokens ============================================================ */

/* Mutant: `exp` never compared with the clock. */
static bool edit_clock_far_past(const char *type, cJSON *c) {
  (void)type;
  if (!cJSON_IsNumber(sb_json_get(c, "now"))) return false;
  put(c, "now", cJSON_CreateNumber(-9007199254740991.0));
  return true;
}

EDIT_MUTANT(m_token_no_expiry, "auth.token.verify", edit_clock_far_past)

/* Mutant: no clock-skew allowance (exp compared with now itself). */
static bool edit_no_skew(const char *type, cJSON *c) {
  (void)type;
  cJSON *expect = sb_json_get(c, "expect");
  if (!cJSON_IsObject(expect)) return false;
  put(expect, "skew", cJSON_CreateNumber(0));
  return true;
}

EDIT_MUTANT(m_token_no_skew, "auth.token.verify", edit_no_skew)

/* Mutant: the token's role never compared with the endpoint's. */
static bool edit_any_role(const char *type, cJSON *c) {
  (void)type;
  cJSON *expect = sb_json_get(c, "expect");
  const char *role = cJSON_GetStringValue(sb_json_get(expect, "role"));
  if (!role || (strcmp(role, "client") != 0 && strcmp(role, "daemon") != 0)) return false;
  while (cJSON_GetObjectItemCaseSensitive(expect, "role"))
    cJSON_DeleteItemFromObjectCaseSensitive(expect, "role");
  return true;
}

EDIT_MUTANT(m_token_role_unchecked, "auth.token.verify", edit_any_role)

/* Mutant: step 6 (iss) run before step 5 (aud). */
static int m_token_iss_first(const char *type, const cJSON *input, sbv_answer *out, MSG) {
  if (!is(type, "auth.token.verify")) return PASS;
  int rc = sbv_op_run(type, input, out, msg);
  if (rc != 0 || out->err != SB_ERR_AUTH_AUD) return rc;
  cJSON *claims = token_part_json(cJSON_GetStringValue(sb_json_get(input, "token")), 1);
  const char *iss = cJSON_GetStringValue(sb_json_get(claims, "iss"));
  const char *want = cJSON_GetStringValue(sb_json_get(sb_json_get(input, "expect"), "issuer"));
  if (want && (!iss || strcmp(iss, want) != 0)) answer_invalid(out, SB_ERR_AUTH_ISS, "AUTH-V06");
  cJSON_Delete(claims);
  return rc;
}

/* Mutant: `ver` accepted as the string "1". The claims cannot be edited
 * under the issuer's signature, so the rest of the steps run on the same
 * claims with "ver":1, re-signed with a key of our own under the same kid. */
static int m_token_ver_string(const char *type, const cJSON *input, sbv_answer *out, MSG) {
  if (!is(type, "auth.token.verify")) return PASS;
  int rc = sbv_op_run(type, input, out, msg);
  if (rc != 0 || out->err != SB_ERR_AUTH_VER) return rc;
  const char *token = cJSON_GetStringValue(sb_json_get(input, "token"));
  cJSON *hdr = token_part_json(token, 0), *claims = token_part_json(token, 1);
  const char *ver = cJSON_GetStringValue(sb_json_get(claims, "ver"));
  const char *kid = cJSON_GetStringValue(sb_json_get(hdr, "kid"));
  char *htext = NULL, *ctext = NULL, *tok = NULL;
  cJSON *copy = NULL;
  if (ver && kid && strcmp(ver, "1") == 0) {
    cJSON *edited = cJSON_Duplicate(claims, 1);
    put(edited, "ver", cJSON_CreateNumber(1));
    htext = sb_json_print(hdr);
    ctext = sb_json_print(edited);
    cJSON_Delete(edited);
    sb_auth_signing_key key;
    uint8_t seed[32];
    memset(seed, 0x5a, sizeof seed);
    size_t need = 0;
    if (htext && ctext && sb_auth_signing_key_from_seed(&key, seed) == SB_OK &&
        sb_auth_token_mint_raw((const uint8_t *)htext, strlen(htext), (const uint8_t *)ctext,
                               strlen(ctext), &key, NULL, 0, &need) == SB_ERR_BUF &&
        (tok = malloc(need + 1)) != NULL &&
        sb_auth_token_mint_raw((const uint8_t *)htext, strlen(htext), (const uint8_t *)ctext,
                               strlen(ctext), &key, tok, need + 1, &need) == SB_OK) {
      char x[SB_BASE64URL_SIZE(32)];
      copy = cJSON_Duplicate(input, 1);
      cJSON *jwk = cJSON_CreateObject(), *keys = cJSON_CreateArray(), *jwks = cJSON_CreateObject();
      cJSON_AddStringToObject(jwk, "kty", "OKP");
      cJSON_AddStringToObject(jwk, "crv", "Ed25519");
      cJSON_AddStringToObject(jwk, "kid", kid);
      if (sb_base64url_encode(key.pk, 32, x, sizeof x) == SB_OK)
        cJSON_AddStringToObject(jwk, "x", x);
      cJSON_AddStringToObject(jwk, "alg", "EdDSA");
      cJSON_AddItemToArray(keys, jwk);
      cJSON_AddItemToObject(jwks, "keys", keys);
      put(copy, "jwks", jwks);
      put_str(copy, "token", tok);
      sbv_answer again;
      char m2[SBV_MSG_SIZE];
      if (sbv_op_run(type, copy, &again, m2) == 0) {
        sbv_answer_clear(out);
        *out = again;
        if (out->result == SBV_VALID) put(out->output, "claims", cJSON_Duplicate(claims, 1));
      }
    }
    sodium_memzero(&key, sizeof key);
  }
  cJSON_Delete(copy);
  free(tok);
  cJSON_free(htext);
  cJSON_free(ctext);
  cJSON_Delete(hdr);
  cJSON_Delete(claims);
  return rc;
}

/* ==== SBP ===================================================================== */

/* Frame fields up to the payload; false if the frame is shorter. */
typedef struct sbp_head {
  uint8_t kind, flags;
  const uint8_t *frame_id;
  bool has_ts;
  int64_t ts;
  const uint8_t *payload;
  size_t payload_len;
} sbp_head;

static bool sbp_head_read(const uint8_t *buf, size_t len, sbp_head *h) {
  size_t at = SB_SBP_MIN_FRAME_BYTES;
  if (len < at) return false;
  h->kind = buf[0];
  h->flags = buf[1];
  h->frame_id = buf + 2;
  h->has_ts = buf[1] & SB_SBP_FLAG_TIMESTAMP;
  h->ts = 0;
  if (h->has_ts) {
    if (len < at + 8) return false;
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--) v = v << 8 | buf[at + (size_t)i];
    h->ts = (int64_t)v;
    at += 8;
  }
  h->payload = buf + at;
  h->payload_len = len - at;
  return true;
}

static cJSON *sbp_head_json(const sbp_head *h) {
  cJSON *o = cJSON_CreateObject();
  cJSON_AddNumberToObject(o, "kind", h->kind);
  sbv_out_hex(o, "frameId", h->frame_id, SB_SBP_FRAME_ID_BYTES);
  if (h->has_ts) sbv_out_i64(o, "timestamp", h->ts);
  return o;
}

/* Mutant: the timestamp read as a big-endian integer. */
static int m_sbp_timestamp_be(const char *type, const cJSON *input, sbv_answer *out, MSG) {
  if (!is(type, "sbp.frame.decode")) return PASS;
  int rc = sbv_op_run(type, input, out, msg);
  const char *ts = rc == 0 && out->result == SBV_VALID ? out_str(out, "timestamp") : NULL;
  if (ts) {
    uint64_t v = (uint64_t)strtoll(ts, NULL, 10), r = 0;
    for (int i = 0; i < 8; i++, v >>= 8) r = r << 8 | (v & 0xff);
    char text[24];
    snprintf(text, sizeof text, "%lld", (long long)r);
    put_str(out->output, "timestamp", text);
  }
  return rc;
}

/* Mutant: flag bits 1-7 ignored on receipt. */
static bool clear_reserved_flags(uint8_t *f, size_t *n) {
  if (*n < 2 || !(f[1] & SB_SBP_FLAGS_RESERVED)) return false;
  f[1] &= SB_SBP_FLAG_TIMESTAMP;
  return true;
}

static bool edit_reserved_flags(const char *type, cJSON *c) {
  (void)type;
  return edit_hex(c, "frame", clear_reserved_flags);
}

EDIT_MUTANT(m_sbp_reserved_flags, "sbp.frame.decode", edit_reserved_flags)

/* Mutant: subjects longer than 256 bytes accepted (decoding and encoding).
 * Such a subject is still checked for its namespace: rpc, event and stream
 * are short, so only app/... passes. */
static bool long_app_subject(const uint8_t *s, size_t n) {
  return n > SB_SBP_MAX_SUBJECT_BYTES && memcmp(s, "app/", 4) == 0;
}

static void subject_decode(const cJSON *input, sbv_answer *out) {
  uint8_t *buf;
  size_t len;
  sbp_head h;
  if (!get_hex(input, "frame", &buf, &len)) return;
  if (sbp_head_read(buf, len, &h) && h.payload_len >= 4) {
    size_t n = (size_t)h.payload[0] | (size_t)h.payload[1] << 8 | (size_t)h.payload[2] << 16 |
               (size_t)h.payload[3] << 24;
    if (n <= h.payload_len - 4 && long_app_subject(h.payload + 4, n)) {
      cJSON *o = sbp_head_json(&h);
      char *s = malloc(n + 1);
      if (s) {
        memcpy(s, h.payload + 4, n);
        s[n] = '\0';
        cJSON_AddStringToObject(o, "subject", s);
      }
      free(s);
      sbv_out_hex(o, "data", h.payload + 4 + n, h.payload_len - 4 - n);
      answer_valid(out, o);
    }
  }
  free(buf);
}

static void subject_encode(const cJSON *input, sbv_answer *out) {
  const char *subject = cJSON_GetStringValue(sb_json_get(input, "subject"));
  uint8_t id[SB_SBP_FRAME_ID_BYTES], *data = NULL;
  size_t dlen = 0, n = subject ? strlen(subject) : 0;
  long long ts = 0;
  char m2[SBV_MSG_SIZE];
  bool has_ts = sb_json_get(input, "timestamp") != NULL;
  if (!subject || !long_app_subject((const uint8_t *)subject, n) ||
      !sbv_in_hex_exact(input, "frameId", id, sizeof id, m2) ||
      (has_ts && !sbv_in_i64(input, "timestamp", &ts, m2)) ||
      (sb_json_get(input, "data") && !sbv_in_hex(input, "data", &data, &dlen, m2)))
    return;
  size_t cap = SB_SBP_MIN_FRAME_TS_BYTES + 4 + n + dlen, flen;
  uint8_t *frame = malloc(cap);
  sb_writer w;
  sb_writer_init(&w, frame, frame ? cap : 0);
  sb_writer_u8(&w, SB_SBP_KIND_MESSAGE);
  sb_writer_u8(&w, has_ts ? SB_SBP_FLAG_TIMESTAMP : 0);
  sb_writer_bytes(&w, id, sizeof id);
  if (has_ts) sb_writer_i64le(&w, ts);
  sb_writer_u32le(&w, (uint32_t)n);
  sb_writer_bytes(&w, (const uint8_t *)subject, n);
  sb_writer_bytes(&w, data, dlen);
  if (frame && sb_writer_finish(&w, &flen) == SB_OK)
    answer_valid(out, sbv_out_hex(cJSON_CreateObject(), "frame", frame, flen));
  free(frame);
  free(data);
}

static int m_sbp_long_subject(const char *type, const cJSON *input, sbv_answer *out, MSG) {
  bool dec = is(type, "sbp.frame.decode");
  if (!dec && !is(type, "sbp.frame.encode")) return PASS;
  int rc = sbv_op_run(type, input, out, msg);
  if (rc != 0 || out->err != SB_ERR_SBP_SUBJECT_TOO_LONG) return rc;
  if (dec)
    subject_decode(input, out);
  else
    subject_encode(input, out);
  return rc;
}

/* Mutant: Control Ping/Pong with data bytes accepted (the data is kept). */
static int m_sbp_ping_data(const char *type, const cJSON *input, sbv_answer *out, MSG) {
  if (!is(type, "sbp.frame.decode")) return PASS;
  int rc = sbv_op_run(type, input, out, msg);
  uint8_t *buf;
  size_t len;
  sbp_head h;
  if (rc != 0 || out->err != SB_ERR_SBP_PINGPONG_DATA || !get_hex(input, "frame", &buf, &len))
    return rc;
  if (sbp_head_read(buf, len, &h) && h.payload_len >= 1) {
    cJSON *o = sbp_head_json(&h);
    cJSON_AddNumberToObject(o, "op", h.payload[0]);
    sbv_out_hex(o, "data", h.payload + 1, h.payload_len - 1);
    answer_valid(out, o);
  }
  free(buf);
  return rc;
}

/* Mutant: the handshake's protocol/version compared before the members'
 * types are checked: {"protocol":"x","version":1} reads as a mismatch. */
static int m_sbp_handshake_mismatch_first(const char *type, const cJSON *input, sbv_answer *out,
                                          MSG) {
  if (!is(type, "sbp.handshake.decode")) return PASS;
  int rc = sbv_op_run(type, input, out, msg);
  if (rc != 0 ||
      (out->err != SB_ERR_SBP_HS_PROTOCOL_FIELD && out->err != SB_ERR_SBP_HS_VERSION_FIELD &&
       out->err != SB_ERR_SBP_HS_PEERID_FIELD))
    return rc;
  uint8_t *buf;
  size_t len;
  cJSON *tree = NULL;
  if (!get_hex(input, "payload", &buf, &len)) return rc;
  if (sb_json_parse(buf, len, true, &tree) == SB_OK) {
    const char *p = cJSON_GetStringValue(sb_json_get(tree, "protocol"));
    const char *v = cJSON_GetStringValue(sb_json_get(tree, "version"));
    int err = p && strcmp(p, SB_SBP_PROTOCOL_NAME) != 0      ? SB_ERR_SBP_HS_PROTOCOL_MISMATCH
              : v && strcmp(v, SB_SBP_PROTOCOL_VERSION) != 0 ? SB_ERR_SBP_HS_VERSION_MISMATCH
                                                             : SB_OK;
    if (err != SB_OK) {
      sbv_answer_clear(out);
      sbv_invalid_code(out, err, sb_err_proto_code(err));
    }
  }
  cJSON_Delete(tree);
  free(buf);
  return rc;
}

/* ==== peer backoff ============================================================ */

/* The delay formula re-implemented: without the cap, or with the jitter
 * only ever added (B + r * B * jitter instead of B + (2r - 1) * B * jitter). */
enum { BACKOFF_NO_CAP = 1, BACKOFF_PLUS_ONLY = 2 };

static double js_round(double x) {
  double f = floor(x);
  return (x - f >= 0.5) ? f + 1.0 : f;
}

static int run_backoff(const char *type, const cJSON *input, sbv_answer *out, MSG, unsigned bug) {
  if (!is(type, "peer.backoff")) return PASS;
  int rc = sbv_op_run(type, input, out, msg);
  if (rc != 0) return rc;
  const cJSON *p = sb_json_get(input, "policy");
  double initial = sb_json_get(p, "initialMs")->valuedouble;
  double max = sb_json_get(p, "maxMs")->valuedouble;
  double jitter = sb_json_get(p, "jitter")->valuedouble;
  double attempt = sb_json_get(input, "attempt")->valuedouble;
  double r = sb_json_get(input, "random")->valuedouble;
  bool ok = isfinite(initial) && isfinite(max) && isfinite(jitter) && initial >= 0 && max >= 0 &&
            jitter >= 0 && r >= 0 && r < 1;
  if (!ok) return rc; /* the reference's answer for a policy it refuses */
  double base = ldexp(initial, attempt > 4096 ? 4096 : (int)attempt);
  if (!(bug & BACKOFF_NO_CAP)) base = fmin(base, max);
  double spread = (bug & BACKOFF_PLUS_ONLY ? r : r * 2.0 - 1.0) * (base * jitter);
  double d = js_round(base + spread);
  if (!(d > 0.0)) d = 0.0;
  sbv_answer_clear(out);
  if (d > (double)SB_PEER_BACKOFF_MAX_RESULT_MS) { /* as the reference: beyond 2^53 */
    out->result = SBV_UNSUPPORTED;
  } else {
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "delayMs", d);
    sbv_valid(out, o);
  }
  return rc;
}

BUG_MUTANT(m_backoff_no_cap, run_backoff, BACKOFF_NO_CAP)

BUG_MUTANT(m_backoff_plus_only, run_backoff, BACKOFF_PLUS_ONLY)

/* ==== the registry ============================================================ */

/* The table ends with an empty row, so it compiles while growing. */
static const sbv_mutant mutants[] = {
    /* SBP */
    {"sbp-timestamp-big-endian", "the SBP timestamp is read as a big-endian integer",
     "SBP-WIRE-001 SBP-WIRE-004", m_sbp_timestamp_be},
    {"sbp-reserved-flags-ignored", "SBP flag bits 1-7 are ignored instead of rejected (1002)",
     "SBP-WIRE-005", m_sbp_reserved_flags},
    {"sbp-subject-over-256-accepted",
     "SBP subjects longer than 256 bytes are accepted, decoding and encoding", "SBP-SUBJ-002",
     m_sbp_long_subject},
    {"sbp-ping-data-accepted", "SBP Control Ping/Pong carrying data bytes are accepted",
     "SBP-CTL-003", m_sbp_ping_data},
    {"sbp-handshake-mismatch-first",
     "the handshake's protocol/version mismatch (1001) is checked before the member types (1002)",
     "SBP-HS-004 SBP-HS-003", m_sbp_handshake_mismatch_first},
    /* RPC and events */
    {"rpc-cid-upper-case-accepted", "an RPC cid written in upper-case hex is accepted",
     "RPC-ENV-007", m_rpc_cid_upper},
    {"rpc-notification-cid-validated",
     "a cid on a notification is checked as a FrameId: a malformed one fails the envelope "
     "(upstream's reading)",
     "RPC-ENV-006", m_rpc_notification_cid},
    {"rpc-notification-on-rpc-accepted",
     "a notification (t:N) is accepted on subject rpc instead of 1104", "RPC-CH-001",
     m_rpc_notification_on_rpc},
    {"events-gt-matches-zero", "a trailing `>` also matches zero segments (a.> matches a)",
     "EVT-PAT-001", m_events_gt_zero},
    {"events-star-matches-many", "`*` matches one or more segments instead of exactly one",
     "EVT-PAT-001", m_events_star_many},
    {"events-wildcard-name-accepted", "a literal event name containing `*` or `>` is accepted",
     "EVT-PAT-006", m_events_wildcard_name},
    /* SBRP wire */
    {"sbrp-length-little-endian", "the SBRP header Length is read and written little-endian",
     "SBRP-WIRE-010", m_sbrp_length_le},
    {"sbrp-size-after-type", "the frame type is checked before the Length limit (upstream's order)",
     "SBRP-RELAY-010 SBRP-WIRE-011", m_sbrp_size_after_type},
    {"sbrp-scope-as-malformed", "a SessionID scope error is reported as malformed_frame",
     "SBRP-WIRE-013 SBRP-WIRE-014", m_sbrp_scope_malformed},
    {"sbrp-ping-limit-ignored", "Ping/Pong payloads longer than 8 bytes are accepted",
     "SBRP-WIRE-022 SBRP-KA-002", m_sbrp_ping_unlimited},
    {"sbrp-control-unknown-rejected",
     "a Control code that is not a wire code is rejected as malformed_frame instead of kept and "
     "read as terminal",
     "SBRP-CTRL-005", m_sbrp_control_unknown_rejected},
    {"sbrp-control-unknown-non-terminal",
     "a Control code the endpoint does not know is non-terminal", "SBRP-CTRL-005",
     m_sbrp_control_unknown_nonterminal},
    {"sbrp-client-signal-forwarded", "the relay forwards a Signal sent by a client",
     "SBRP-SIG-005 SBRP-RELAY-023", m_relay_client_signal},
    {"sbrp-disallowed-sender-sid-zero",
     "the relay's disallowed_sender Control carries SessionID 0 instead of the frame's",
     "SBRP-RELAY-011", m_relay_disallowed_sid_zero},
    /* SBRP crypto */
    {"sbrp-nonce-directions-swapped", "Data nonces carry the other direction (client 2, daemon 1)",
     "SBRP-CRYPTO-020 SBRP-CRYPTO-021", m_sbrp_nonce_swapped},
    {"sbrp-aad-header", "Data is sealed and opened with the 13-byte header as AAD",
     "SBRP-CRYPTO-022 SBRP-CRYPTO-023", m_sbrp_aad_header},
    {"sbrp-seal-last-sequence", "a sender seals sequence number 2^64-1 instead of stopping",
     "SBRP-CRYPTO-032", m_sbrp_seal_last_seq},
    {"replay-off-by-one", "the replay window accepts max-W (too old by one)", "SBRP-REPLAY-001",
     m_replay_off_by_one},
    {"replay-no-reset-on-jump", "the replay bitmap is not reset on a jump of W or more",
     "SBRP-REPLAY-004", m_replay_no_reset},
    {"replay-records-rejected",
     "a too-old number is recorded in its circular slot before being rejected, so the newer "
     "number sharing the slot is refused later",
     "SBRP-REPLAY-001 SBRP-REPLAY-005", m_replay_record_rejected},
    {"hkdf-salt-ikm-swapped",
     "session keys derived with salt = shared secret and IKM = transcript hash", "SBRP-CRYPTO-005",
     m_hkdf_swapped},
    {"transcript-without-signature", "the transcript hash leaves out the signature",
     "SBRP-CRYPTO-005", m_transcript_no_sig},
    {"signature-over-preimage",
     "the handshake signature covers the raw preimage instead of its SHA-256", "SBRP-CRYPTO-002",
     m_sign_preimage},
    {"fingerprint-lower-case", "the identity fingerprint uses lower-case hex", "SBRP-TOFU-007",
     m_fingerprint_lower},
    {"fingerprint-no-prefix", "the identity fingerprint lacks the SHA256: prefix", "SBRP-TOFU-007",
     m_fingerprint_no_prefix},
    /* auth */
    {"sid-encoded-with-padding", "sid is encoded with base64url padding (12 characters)",
     "AUTH-010", m_sid_padded},
    {"sid-padding-accepted", "a padded sid (11 characters and '=') is accepted", "AUTH-010",
     m_sid_padding_accepted},
    {"sid-non-canonical-accepted",
     "a sid whose last character has non-zero unused bits is accepted", "AUTH-010",
     m_sid_non_canonical},
    {"token-expiry-unchecked", "token exp is never compared with the clock", "AUTH-V08",
     m_token_no_expiry},
    {"token-skew-ignored", "token exp is compared with now without the skew allowance", "AUTH-V08",
     m_token_no_skew},
    {"token-iss-before-aud", "token steps 5 and 6 swapped: iss is checked before aud",
     "AUTH-V05 AUTH-V06", m_token_iss_first},
    {"token-ver-string-accepted", "token ver \"1\" (a string) is accepted as version 1", "AUTH-V09",
     m_token_ver_string},
    {"token-role-unchecked", "a token of the other role is accepted by the endpoint", "AUTH-V10",
     m_token_role_unchecked},
    /* peer */
    {"backoff-no-cap", "the reconnection delay is not capped at maxMs", "PEER-RETRY-002",
     m_backoff_no_cap},
    {"backoff-jitter-plus-only", "the backoff jitter is only ever added (B + r*B*jitter)",
     "PEER-RETRY-002", m_backoff_plus_only},
    {NULL, NULL, NULL, NULL},
};

static size_t nmutants(void) {
  size_t n = 0;
  while (mutants[n].name) n++;
  return n;
}

const sbv_mutant *sbv_mutant_find(const char *name) {
  for (size_t i = 0; name && i < nmutants(); i++)
    if (!strcmp(mutants[i].name, name)) return &mutants[i];
  return NULL;
}

size_t sbv_mutant_count(void) { return nmutants(); }

const sbv_mutant *sbv_mutant_at(size_t i) { return i < nmutants() ? &mutants[i] : NULL; }

int sbv_mutant_op_run(const sbv_mutant *m, const char *type, const cJSON *input, sbv_answer *out,
                      char msg[SBV_MSG_SIZE]) {
  if (m && m->run) {
    int rc = m->run(type, input, out, msg);
    if (rc != SBV_MUTANT_PASS) return rc;
  }
  return sbv_op_run(type, input, out, msg);
}
