/*
 * Vector operations of the SBRP layer: frames, relay validation, the
 * control-code table, the handshake, Data seal/open and the replay window.
 *
 * Errors are the protocol's names: the control code a relay would send
 * (malformed_frame, payload_too_large, ...) or the endpoint-only code
 * (decrypt_failed, handshake_failed, identity_key_changed). One name is
 * ours: `sequence_exhausted`, a sender refusing seq 2^64-1 (SBRP-CRYPTO-032
 * names no code).
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "common/json.h"
#include "ops_internal.h"
#include "sbrp/aead.h"
#include "sbrp/control.h"
#include "sbrp/frame.h"
#include "sbrp/handshake.h"
#include "sbrp/payload.h"
#include "sbrp/replay.h"
#include "sbrp/validate.h"

static void invalid(sbv_answer *out, int rc) {
  const char *name = sb_err_proto_name(rc);
  sbv_invalid_name(out, rc, name ? name : sb_err_name(rc));
}

/* The layout rule of the frame's type, as a receiving endpoint applies it
 * (SBRP-WIRE-020..023). Signals: an unknown reason reads as `none`
 * (SBRP-SIG-004); an unknown signal code is malformed (errata E-SBRP-WIRE-8).
 * Control: unknown codes are kept, and treated as terminal (SBRP-CTRL-005). */
static int typed_check(const sb_sbrp_frame *f) {
  uint8_t key[SB_SBRP_KEY_BYTES];
  sb_sbrp_accept acc;
  sb_sbrp_data_view d;
  sb_sbrp_signal sig;
  sb_sbrp_control ctl;
  const uint8_t *p;
  size_t n;
  switch (f->hdr.type) {
    case SB_SBRP_HANDSHAKE_INIT: return sb_sbrp_handshake_init_decode(f, key);
    case SB_SBRP_HANDSHAKE_ACCEPT: return sb_sbrp_handshake_accept_decode(f, &acc);
    case SB_SBRP_DATA: return sb_sbrp_data_decode(f, &d);
    case SB_SBRP_SIGNAL: {
      int rc = sb_sbrp_signal_decode(f, false, &sig);
      if (rc == SB_OK && !sb_sbrp_signal_code_name(sig.code)) rc = SB_ERR_SBRP_SIGNAL_CODE;
      return rc;
    }
    case SB_SBRP_PING:
    case SB_SBRP_PONG: return sb_sbrp_ping_decode(f, &p, &n);
    default: return sb_sbrp_control_decode(f, false, &ctl);
  }
}

/* What a conformant sender must not emit although a receiver reads it
 * (errata E-SBRP-WIRE-5, as the typed encoders sb_sbrp_signal_encode and
 * sb_sbrp_control_encode): an undefined Signal reason (section 8 table), and
 * a Control code outside the 18 wire codes, the endpoint-only 0xE0xx codes
 * included (SBRP-CTRL-004). Both are malformed_frame, the code a strict
 * receiver (upstream's decoder) gives them. */
static int sender_check(const sb_sbrp_frame *f) {
  sb_sbrp_signal sig;
  sb_sbrp_control ctl;
  int rc;
  switch (f->hdr.type) {
    case SB_SBRP_SIGNAL: return sb_sbrp_signal_decode(f, true, &sig);
    case SB_SBRP_CONTROL:
      rc = sb_sbrp_control_decode(f, true, &ctl);
      /* The relay writes the SessionID the code's SID column says
       * (SBRP-CTRL-003, SBRP-WIRE-015); disallowed_sender carries the
       * offending header's SessionID, whatever it is (errata E-SBRP-WIRE-9). */
      if (rc == SB_OK && ctl.code != SB_SBRP_CTRL_DISALLOWED_SENDER)
        rc = sb_sbrp_control_check_scope(ctl.code, f->hdr.session_id);
      return rc;
    default: return SB_OK;
  }
}

static cJSON *frame_json(const sb_sbrp_frame *f) {
  cJSON *o = cJSON_CreateObject();
  cJSON_AddNumberToObject(o, "type", f->hdr.type);
  sbv_out_u64(o, "sessionId", f->hdr.session_id);
  return sbv_out_hex(o, "payload", f->payload, f->payload_len);
}

SBV_OP_FN(sbv_op_sbrp_frame_decode) {
  unsigned char *buf;
  size_t len;
  if (!sbv_in_hex(input, "frame", &buf, &len, msg)) return -1;
  sb_sbrp_frame f;
  int rc = sb_sbrp_frame_decode(buf, len, &f);
  if (rc == SB_OK) rc = typed_check(&f);
  if (rc != SB_OK)
    invalid(out, rc);
  else
    sbv_valid(out, frame_json(&f));
  free(buf);
  return 0;
}

SBV_OP_FN(sbv_op_sbrp_frame_encode) {
  double type;
  unsigned long long sid;
  unsigned char *payload;
  size_t plen;
  if (!sbv_in_num(input, "type", &type, msg) || !sbv_in_u64(input, "sessionId", &sid, msg)) return -1;
  if (type < 0 || type > 255 || type != (double)(int)type) {
    snprintf(msg, SBV_MSG_SIZE, "input.type: not a byte value");
    return -1;
  }
  if (!sbv_in_hex(input, "payload", &payload, &plen, msg)) return -1;
  unsigned char *frame = malloc(SB_SBRP_HEADER_BYTES + plen);
  size_t flen = 0;
  int rc = frame ? sb_sbrp_frame_encode((uint8_t)type, sid, payload, plen, frame,
                                        SB_SBRP_HEADER_BYTES + plen, &flen)
                 : SB_ERR_NOMEM;
  sb_sbrp_frame f;
  if (rc == SB_OK) rc = sb_sbrp_frame_decode(frame, flen, &f);
  if (rc == SB_OK) rc = typed_check(&f); /* an encoder refuses what a receiver would */
  if (rc == SB_OK) rc = sender_check(&f);
  if (rc != SB_OK)
    invalid(out, rc);
  else
    sbv_valid(out, sbv_out_hex(cJSON_CreateObject(), "frame", frame, flen));
  free(frame);
  free(payload);
  return 0;
}

static cJSON *control_json(uint16_t code, uint64_t sid) {
  cJSON *c = cJSON_CreateObject();
  const sb_sbrp_ctrl_info *info = sb_sbrp_control_lookup(code);
  cJSON_AddNumberToObject(c, "code", code);
  cJSON_AddStringToObject(c, "name", info ? info->name : "unknown");
  sbv_out_u64(c, "sessionId", sid);
  return c;
}

SBV_OP_FN(sbv_op_sbrp_relay_validate) {
  const char *sender;
  unsigned char *buf;
  size_t len;
  if (!sbv_in_str(input, "sender", &sender, msg)) return -1;
  sb_sbrp_sender from;
  if (!strcmp(sender, "client")) {
    from = SB_SBRP_FROM_CLIENT;
  } else if (!strcmp(sender, "daemon")) {
    from = SB_SBRP_FROM_DAEMON;
  } else {
    snprintf(msg, SBV_MSG_SIZE, "input.sender: not \"client\" or \"daemon\"");
    return -1;
  }
  if (!sbv_in_hex(input, "frame", &buf, &len, msg)) return -1;
  sb_sbrp_verdict v;
  int rc = sb_sbrp_relay_validate(buf, len, from, &v);
  cJSON *o = cJSON_CreateObject();
  if (rc != SB_OK) {
    /* A rejection is the relay's valid answer to an invalid frame: the
     * result is invalid and the output says what the relay sends. */
    cJSON_AddStringToObject(o, "action", "reject");
    cJSON_AddItemToObject(o, "control", control_json(v.control_code, v.control_sid));
    cJSON_AddBoolToObject(o, "terminal", v.terminal);
    cJSON_AddStringToObject(o, "error", sb_err_proto_name(rc) ? sb_err_proto_name(rc) : "unknown");
    out->result = SBV_INVALID;
    out->err = rc;
    out->output = o;
    free(buf);
    return 0;
  }
  switch (v.action) {
    case SB_SBRP_ACTION_FORWARD: cJSON_AddStringToObject(o, "action", "forward"); break;
    case SB_SBRP_ACTION_CONSUME:
      cJSON_AddStringToObject(o, "action", "consume");
      if (v.frame.hdr.type == SB_SBRP_SIGNAL) {
        /* What the relay tells the client of that session (SBRP-RELAY-022). */
        cJSON_AddItemToObject(o, "control", control_json(v.notify_code, v.frame.hdr.session_id));
        cJSON_AddBoolToObject(o, "terminal", sb_sbrp_control_is_terminal(v.notify_code));
      }
      break;
    default: {
      cJSON_AddStringToObject(o, "action", "pong");
      uint8_t pong[SB_SBRP_HEADER_BYTES + SB_SBRP_PING_MAX_BYTES];
      size_t plen;
      if (sb_sbrp_relay_pong(&v, pong, sizeof pong, &plen) == SB_OK) sbv_out_hex(o, "pong", pong, plen);
      break;
    }
  }
  sbv_valid(out, o);
  free(buf);
  return 0;
}

SBV_OP_FN(sbv_op_sbrp_control_info) {
  double code;
  if (!sbv_in_num(input, "code", &code, msg)) return -1;
  if (code < 0 || code > 65535 || code != (double)(int)code) {
    snprintf(msg, SBV_MSG_SIZE, "input.code: not a 16-bit integer");
    return -1;
  }
  const sb_sbrp_ctrl_info *info = sb_sbrp_control_lookup((uint16_t)code);
  cJSON *o = cJSON_CreateObject();
  cJSON_AddBoolToObject(o, "known", info != NULL);
  if (info) cJSON_AddStringToObject(o, "name", info->name);
  cJSON_AddBoolToObject(o, "terminal", sb_sbrp_control_is_terminal((uint16_t)code));
  if (info && info->on_wire)
    cJSON_AddStringToObject(o, "scope",
                            info->scope == SB_SBRP_CTRL_SCOPE_SESSION ? "session" : "connection");
  if (info) cJSON_AddBoolToObject(o, "onWire", info->on_wire);
  sbv_valid(out, o);
  return 0;
}

SBV_OP_FN(sbv_op_sbrp_handshake) {
  uint8_t seed[32], c_priv[32], d_priv[32], d_priv_copy[32];
  const char *did;
  if (!sbv_in_hex_exact(input, "identitySeed", seed, 32, msg) ||
      !sbv_in_str(input, "daemonId", &did, msg) ||
      !sbv_in_hex_exact(input, "clientEphemeralPrivate", c_priv, 32, msg) ||
      !sbv_in_hex_exact(input, "daemonEphemeralPrivate", d_priv, 32, msg))
    return -1;
  size_t did_len = strlen(did);
  sb_sbrp_identity id;
  sb_sbrp_ephemeral ce;
  sb_sbrp_accept acc;
  sb_sbrp_session_keys dk, ck;
  uint8_t sig_input[32], th[32], ss[32];
  char fp[SB_SBRP_FINGERPRINT_SIZE];
  memcpy(d_priv_copy, d_priv, 32);
  int rc = sb_sbrp_handshake_identity_from_seed(seed, &id);
  if (rc == SB_OK) rc = sb_sbrp_handshake_ephemeral_from_private(c_priv, &ce);
  if (rc == SB_OK) rc = sb_sbrp_handshake_shared_secret(d_priv, ce.pub, ss);
  if (rc == SB_OK)
    rc = sb_sbrp_handshake_daemon_accept(&id, (const uint8_t *)did, did_len, ce.pub, d_priv_copy,
                                         &acc, &dk);
  if (rc == SB_OK)
    rc = sb_sbrp_handshake_sig_input((const uint8_t *)did, did_len, ce.pub, acc.ephemeral_pub, sig_input);
  if (rc == SB_OK)
    rc = sb_sbrp_handshake_transcript_hash((const uint8_t *)did, did_len, ce.pub, acc.ephemeral_pub,
                                           acc.signature, th);
  if (rc == SB_OK) rc = sb_sbrp_handshake_fingerprint(id.pub, fp, sizeof fp);
  /* The client side must agree; a disagreement would be our bug. */
  if (rc == SB_OK)
    rc = sb_sbrp_handshake_client_finish(id.pub, (const uint8_t *)did, did_len, &ce, &acc, &ck);
  if (rc == SB_OK && memcmp(&ck, &dk, sizeof ck) != 0) rc = SB_ERR_CRYPTO;
  if (rc != SB_OK) {
    invalid(out, rc);
    return 0;
  }
  cJSON *o = cJSON_CreateObject();
  sbv_out_hex(o, "identityPublic", id.pub, 32);
  cJSON_AddStringToObject(o, "fingerprint", fp);
  uint8_t c_pub[32];
  sb_sbrp_ephemeral tmp;
  if (sb_sbrp_handshake_ephemeral_from_private(c_priv, &tmp) == SB_OK) memcpy(c_pub, tmp.pub, 32);
  sbv_out_hex(o, "clientEphemeralPublic", c_pub, 32);
  sbv_out_hex(o, "daemonEphemeralPublic", acc.ephemeral_pub, 32);
  sbv_out_hex(o, "signaturePayload", sig_input, 32);
  sbv_out_hex(o, "signature", acc.signature, 64);
  sbv_out_hex(o, "transcriptHash", th, 32);
  sbv_out_hex(o, "sharedSecret", ss, 32);
  sbv_out_hex(o, "clientToDaemon", dk.c2d, 32);
  sbv_out_hex(o, "daemonToClient", dk.d2c, 32);
  sb_sbrp_handshake_wipe(&id, sizeof id);
  sb_sbrp_handshake_wipe(ss, sizeof ss);
  sbv_valid(out, o);
  return 0;
}

SBV_OP_FN(sbv_op_sbrp_handshake_finish) {
  uint8_t c_priv[32], accept[SB_SBRP_HANDSHAKE_ACCEPT_BYTES], pinned[32];
  const char *did;
  bool have_pin = sb_json_get(input, "pinnedIdentity") != NULL;
  if (!sbv_in_str(input, "daemonId", &did, msg) ||
      !sbv_in_hex_exact(input, "clientEphemeralPrivate", c_priv, 32, msg) ||
      !sbv_in_hex_exact(input, "accept", accept, sizeof accept, msg) ||
      (have_pin && !sbv_in_hex_exact(input, "pinnedIdentity", pinned, 32, msg)))
    return -1;
  sb_sbrp_accept acc;
  memcpy(acc.identity_pub, accept, 32);
  memcpy(acc.ephemeral_pub, accept + 32, 32);
  memcpy(acc.signature, accept + 64, 64);
  sb_sbrp_ephemeral ce;
  sb_sbrp_session_keys keys;
  char fp[SB_SBRP_FINGERPRINT_SIZE];
  int rc = sb_sbrp_handshake_ephemeral_from_private(c_priv, &ce);
  /* No pin: first use, the advertised key is trusted (then verified). */
  if (rc == SB_OK)
    rc = sb_sbrp_handshake_client_finish(have_pin ? pinned : NULL, (const uint8_t *)did,
                                         strlen(did), &ce, &acc, &keys);
  if (rc == SB_OK) rc = sb_sbrp_handshake_fingerprint(acc.identity_pub, fp, sizeof fp);
  if (rc != SB_OK) {
    invalid(out, rc);
    return 0;
  }
  cJSON *o = cJSON_CreateObject();
  sbv_out_hex(o, "identityPublic", acc.identity_pub, 32);
  cJSON_AddStringToObject(o, "fingerprint", fp);
  sbv_out_hex(o, "clientToDaemon", keys.c2d, 32);
  sbv_out_hex(o, "daemonToClient", keys.d2c, 32);
  sb_sbrp_handshake_wipe(&keys, sizeof keys);
  sbv_valid(out, o);
  return 0;
}

static bool direction_in(const cJSON *input, uint32_t *dir, char msg[SBV_MSG_SIZE]) {
  const char *s;
  if (!sbv_in_str(input, "direction", &s, msg)) return false;
  if (!strcmp(s, "c2d")) {
    *dir = SB_SBRP_C2D;
  } else if (!strcmp(s, "d2c")) {
    *dir = SB_SBRP_D2C;
  } else {
    snprintf(msg, SBV_MSG_SIZE, "input.direction: not \"c2d\" or \"d2c\"");
    return false;
  }
  return true;
}

SBV_OP_FN(sbv_op_sbrp_data_seal) {
  uint8_t key[32];
  uint32_t dir;
  unsigned long long seq, sid;
  unsigned char *pt;
  size_t ptlen;
  if (!sbv_in_hex_exact(input, "key", key, 32, msg) || !direction_in(input, &dir, msg) ||
      !sbv_in_u64(input, "seq", &seq, msg) || !sbv_in_u64(input, "sessionId", &sid, msg) ||
      !sbv_in_hex(input, "plaintext", &pt, &ptlen, msg))
    return -1;
  if (seq == UINT64_MAX) {
    /* The counter reached 2^64-1: a conformant sender stops (SBRP-CRYPTO-032,
     * sbrp.md O-4); upstream sends it (errata E-SBRP-CRYPTO-1). */
    sbv_invalid_name(out, SB_ERR_SBRP_SEQ_EXHAUSTED, "sequence_exhausted");
    free(pt);
    return 0;
  }
  size_t cap = SB_SBRP_AEAD_FRAME_BYTES(ptlen), flen;
  unsigned char *frame = malloc(cap);
  int rc = frame ? sb_sbrp_aead_seal(key, dir, seq, sid, pt, ptlen, frame, cap, &flen) : SB_ERR_NOMEM;
  if (rc != SB_OK) {
    invalid(out, rc);
  } else {
    cJSON *o = cJSON_CreateObject();
    sbv_out_hex(o, "payload", frame + SB_SBRP_HEADER_BYTES, flen - SB_SBRP_HEADER_BYTES);
    sbv_out_hex(o, "frame", frame, flen);
    sbv_valid(out, o);
  }
  free(frame);
  free(pt);
  return 0;
}

SBV_OP_FN(sbv_op_sbrp_data_open) {
  uint8_t key[32];
  uint32_t dir;
  unsigned char *buf;
  size_t len;
  if (!sbv_in_hex_exact(input, "key", key, 32, msg) || !direction_in(input, &dir, msg) ||
      !sbv_in_hex(input, "frame", &buf, &len, msg))
    return -1;
  sb_sbrp_frame f;
  sb_sbrp_data_view d;
  int rc = sb_sbrp_frame_decode(buf, len, &f);
  if (rc == SB_OK && f.hdr.type != SB_SBRP_DATA) {
    free(buf);
    snprintf(msg, SBV_MSG_SIZE, "input.frame: not a Data frame (type 0x%02x)", f.hdr.type);
    return -1;
  }
  if (rc == SB_OK) rc = sb_sbrp_data_decode(&f, &d);
  unsigned char *pt = NULL;
  size_t ptlen = 0;
  if (rc == SB_OK) {
    pt = malloc(d.ciphertext_len + 1);
    /* Direction field not checked, as upstream (sbrp.md O-5, errata E-SBRP-CRYPTO-3). */
    rc = pt ? sb_sbrp_aead_open(key, &d, 0, pt, d.ciphertext_len + 1, &ptlen) : SB_ERR_NOMEM;
  }
  if (rc != SB_OK) {
    invalid(out, rc);
  } else {
    cJSON *o = cJSON_CreateObject();
    sbv_out_u64(o, "seq", d.seq);
    sbv_out_hex(o, "plaintext", pt, ptlen);
    sbv_valid(out, o);
  }
  free(pt);
  free(buf);
  (void)dir;
  return 0;
}

SBV_OP_FN(sbv_op_sbrp_replay) {
  double w;
  if (!sbv_in_num(input, "window", &w, msg)) return -1;
  const cJSON *seqs = sb_json_get(input, "seqs");
  if (!cJSON_IsArray(seqs)) {
    snprintf(msg, SBV_MSG_SIZE, "input.seqs: not an array");
    return -1;
  }
  sb_sbrp_replay r;
  if (!(w >= 1 && w <= SB_CONFIG_REPLAY_MAX_WINDOW) || w != floor(w) ||
      sb_sbrp_replay_init(&r, (uint32_t)w) != SB_OK) {
    out->result = SBV_UNSUPPORTED; /* beyond the window sizes the reference stores */
    return 0;
  }
  cJSON *decisions = cJSON_CreateArray();
  const cJSON *s;
  int i = 0;
  cJSON_ArrayForEach(s, seqs) {
    const char *text = cJSON_GetStringValue(s);
    char *end = NULL;
    errno = 0;
    unsigned long long seq = text ? strtoull(text, &end, 10) : 0;
    if (!text || !*text || *end || errno || text[0] == '-' || (text[0] == '0' && text[1])) {
      snprintf(msg, SBV_MSG_SIZE, "input.seqs[%d]: not an unsigned 64-bit decimal string", i);
      cJSON_Delete(decisions);
      return -1;
    }
    int rc = sb_sbrp_replay_accept(&r, seq);
    cJSON_AddItemToArray(decisions, cJSON_CreateString(rc == SB_OK ? "accept" : "reject"));
    i++;
  }
  cJSON *o = cJSON_CreateObject();
  cJSON_AddItemToObject(o, "decisions", decisions);
  sbv_valid(out, o);
  return 0;
}
