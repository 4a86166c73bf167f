#include "sbrp/payload.h"

#include <string.h>

#include "common/bytes.h"
#include "common/error.h"
#include "common/utf8.h"
#include "sbrp/control.h"

/* ---- decoders ------------------------------------------------------------ */

static int expect_type(const sb_sbrp_frame *f, uint8_t type) {
  if (!f || (f->payload_len && !f->payload) || f->hdr.type != type) return SB_ERR_ARG;
  return SB_OK;
}

int sb_sbrp_handshake_init_decode(const sb_sbrp_frame *f,
                                  uint8_t client_eph_pub[SB_SBRP_KEY_BYTES]) {
  int rc = expect_type(f, SB_SBRP_HANDSHAKE_INIT);
  if (rc != SB_OK || !client_eph_pub) return SB_ERR_ARG;
  if (f->payload_len != SB_SBRP_HANDSHAKE_INIT_BYTES) return SB_ERR_SBRP_PAYLOAD_SIZE;
  memcpy(client_eph_pub, f->payload, SB_SBRP_KEY_BYTES);
  return SB_OK;
}

int sb_sbrp_handshake_accept_decode(const sb_sbrp_frame *f, sb_sbrp_accept *out) {
  int rc = expect_type(f, SB_SBRP_HANDSHAKE_ACCEPT);
  if (rc != SB_OK || !out) return SB_ERR_ARG;
  if (f->payload_len != SB_SBRP_HANDSHAKE_ACCEPT_BYTES) return SB_ERR_SBRP_PAYLOAD_SIZE;
  /* idPub | dEphPub | sig, the 128-byte layout since 0.2.3 (sbrp.md 4.2). */
  memcpy(out->identity_pub, f->payload, SB_SBRP_KEY_BYTES);
  memcpy(out->ephemeral_pub, f->payload + SB_SBRP_KEY_BYTES, SB_SBRP_KEY_BYTES);
  memcpy(out->signature, f->payload + 2 * SB_SBRP_KEY_BYTES, SB_SBRP_SIG_BYTES);
  return SB_OK;
}

int sb_sbrp_data_decode(const sb_sbrp_frame *f, sb_sbrp_data_view *out) {
  int rc = expect_type(f, SB_SBRP_DATA);
  if (rc != SB_OK || !out) return SB_ERR_ARG;
  if (f->payload_len < SB_SBRP_DATA_MIN_BYTES) return SB_ERR_SBRP_DATA_SHORT;
  const uint8_t *p = f->payload;
  out->direction = sb_load_u32be(p);
  out->seq = sb_load_u64be(p + 4);
  out->nonce = p;
  out->ciphertext = p + SB_SBRP_NONCE_BYTES;
  out->ciphertext_len = f->payload_len - SB_SBRP_DATA_MIN_BYTES;
  out->tag = p + f->payload_len - SB_SBRP_TAG_BYTES;
  return SB_OK;
}

int sb_sbrp_ping_decode(const sb_sbrp_frame *f, const uint8_t **payload, size_t *len) {
  if (!f || !payload || !len) return SB_ERR_ARG;
  if (f->hdr.type != SB_SBRP_PING && f->hdr.type != SB_SBRP_PONG) return SB_ERR_ARG;
  if (f->payload_len > SB_SBRP_PING_MAX_BYTES) return SB_ERR_SBRP_PING_TOO_LARGE;
  *payload = f->payload;
  *len = f->payload_len;
  return SB_OK;
}

int sb_sbrp_signal_decode(const sb_sbrp_frame *f, bool strict_codes, sb_sbrp_signal *out) {
  int rc = expect_type(f, SB_SBRP_SIGNAL);
  if (rc != SB_OK || !out) return SB_ERR_ARG;
  if (f->payload_len != SB_SBRP_SIGNAL_BYTES) return SB_ERR_SBRP_PAYLOAD_SIZE;
  sb_sbrp_signal s = {.code = f->payload[0], .reason = f->payload[1]};
  if (strict_codes) {
    /* Upstream decodeSignal: the code is checked before the reason. */
    if (!sb_sbrp_signal_code_name(s.code)) return SB_ERR_SBRP_SIGNAL_CODE;
    if (!sb_sbrp_signal_reason_name(s.reason)) return SB_ERR_SBRP_SIGNAL_REASON;
  }
  *out = s;
  return SB_OK;
}

int sb_sbrp_control_decode(const sb_sbrp_frame *f, bool strict_codes, sb_sbrp_control *out) {
  int rc = expect_type(f, SB_SBRP_CONTROL);
  if (rc != SB_OK || !out) return SB_ERR_ARG;
  if (f->payload_len < SB_SBRP_CONTROL_MIN_BYTES) return SB_ERR_SBRP_CONTROL_SHORT;
  uint16_t code = (uint16_t)((f->payload[0] << 8) | f->payload[1]);
  if (strict_codes && !sb_sbrp_control_on_wire(code)) return SB_ERR_SBRP_CONTROL_UNKNOWN;
  out->code = code;
  out->text = f->payload + SB_SBRP_CONTROL_MIN_BYTES;
  out->text_len = f->payload_len - SB_SBRP_CONTROL_MIN_BYTES;
  return SB_OK;
}

/* ---- encoders ------------------------------------------------------------ */

int sb_sbrp_handshake_init_encode(uint64_t session_id,
                                  const uint8_t client_eph_pub[SB_SBRP_KEY_BYTES], uint8_t *out,
                                  size_t out_cap, size_t *out_len) {
  if (!client_eph_pub) return SB_ERR_ARG;
  return sb_sbrp_frame_encode(SB_SBRP_HANDSHAKE_INIT, session_id, client_eph_pub,
                              SB_SBRP_HANDSHAKE_INIT_BYTES, out, out_cap, out_len);
}

int sb_sbrp_handshake_accept_encode(uint64_t session_id, const sb_sbrp_accept *a, uint8_t *out,
                                    size_t out_cap, size_t *out_len) {
  if (!a) return SB_ERR_ARG;
  uint8_t payload[SB_SBRP_HANDSHAKE_ACCEPT_BYTES];
  memcpy(payload, a->identity_pub, SB_SBRP_KEY_BYTES);
  memcpy(payload + SB_SBRP_KEY_BYTES, a->ephemeral_pub, SB_SBRP_KEY_BYTES);
  memcpy(payload + 2 * SB_SBRP_KEY_BYTES, a->signature, SB_SBRP_SIG_BYTES);
  return sb_sbrp_frame_encode(SB_SBRP_HANDSHAKE_ACCEPT, session_id, payload, sizeof payload, out,
                              out_cap, out_len);
}

int sb_sbrp_data_encode(uint64_t session_id, const uint8_t *payload, size_t len, uint8_t *out,
                        size_t out_cap, size_t *out_len) {
  if (!payload || !out_len) return SB_ERR_ARG;
  if (len < SB_SBRP_DATA_MIN_BYTES) return SB_ERR_SBRP_DATA_SHORT;
  return sb_sbrp_frame_encode(SB_SBRP_DATA, session_id, payload, len, out, out_cap, out_len);
}

int sb_sbrp_signal_encode(uint64_t session_id, uint8_t code, uint8_t reason, uint8_t *out,
                          size_t out_cap, size_t *out_len) {
  if (!sb_sbrp_signal_code_name(code)) return SB_ERR_SBRP_SIGNAL_CODE;
  if (!sb_sbrp_signal_reason_name(reason)) return SB_ERR_SBRP_SIGNAL_REASON;
  const uint8_t payload[SB_SBRP_SIGNAL_BYTES] = {code, reason};
  return sb_sbrp_frame_encode(SB_SBRP_SIGNAL, session_id, payload, sizeof payload, out, out_cap,
                              out_len);
}

int sb_sbrp_ping_encode(uint8_t type, const uint8_t *payload, size_t len, uint8_t *out,
                        size_t out_cap, size_t *out_len) {
  if (type != SB_SBRP_PING && type != SB_SBRP_PONG) return SB_ERR_ARG;
  if (len > SB_SBRP_PING_MAX_BYTES) return SB_ERR_SBRP_PING_TOO_LARGE;
  return sb_sbrp_frame_encode(type, 0, payload, len, out, out_cap, out_len);
}

int sb_sbrp_control_encode(uint64_t session_id, uint16_t code, const uint8_t *text,
                           size_t text_len, uint8_t *out, size_t out_cap, size_t *out_len) {
  if (!out_len || (text_len && !text)) return SB_ERR_ARG;
  if (!sb_sbrp_control_on_wire(code)) return SB_ERR_SBRP_CONTROL_UNKNOWN;
  if (text_len > SB_SBRP_MAX_PAYLOAD - SB_SBRP_CONTROL_MIN_BYTES)
    return SB_ERR_SBRP_PAYLOAD_TOO_LARGE;
  if (!sb_utf8_valid(text, text_len)) return SB_ERR_UTF8;
  size_t payload_len = SB_SBRP_CONTROL_MIN_BYTES + text_len;
  *out_len = SB_SBRP_HEADER_BYTES + payload_len;
  if (!out || out_cap < *out_len) return SB_ERR_BUF;
  /* Built in place: the text may be up to 64 KiB, no stack copy. */
  uint8_t *p = out + SB_SBRP_HEADER_BYTES;
  if (text_len) memmove(p + SB_SBRP_CONTROL_MIN_BYTES, text, text_len);
  p[0] = (uint8_t)(code >> 8);
  p[1] = (uint8_t)code;
  return sb_sbrp_frame_encode(SB_SBRP_CONTROL, session_id, p, payload_len, out, out_cap, out_len);
}

/* ---- names --------------------------------------------------------------- */

const char *sb_sbrp_signal_code_name(uint8_t code) {
  switch (code) {
    case SB_SBRP_SIGNAL_READY: return "ready";
    case SB_SBRP_SIGNAL_CLOSE: return "close";
    default: return NULL;
  }
}

const char *sb_sbrp_signal_reason_name(uint8_t reason) {
  switch (reason) {
    case SB_SBRP_REASON_NONE: return "none";
    case SB_SBRP_REASON_STATE_LOST: return "state_lost";
    case SB_SBRP_REASON_SHUTDOWN: return "shutdown";
    case SB_SBRP_REASON_POLICY: return "policy";
    case SB_SBRP_REASON_ERROR: return "error";
    default: return NULL;
  }
}

uint8_t sb_sbrp_signal_reason_normalize(uint8_t reason) {
  return sb_sbrp_signal_reason_name(reason) ? reason : (uint8_t)SB_SBRP_REASON_NONE;
}
