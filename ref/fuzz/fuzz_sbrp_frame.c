/*
 * Fuzz target sbrp_frame: SBRP frame decoding (sbrp/frame.h), the typed
 * payload decoders (sbrp/payload.h) and the relay's validation of one
 * inbound message from either sender (sbrp/validate.h), input = one
 * WebSocket message.
 *
 * Invariants: a frame that decodes re-encodes to the same bytes, raw and
 * through its typed encoder when that encoder accepts the payload; the typed
 * views stay inside the payload; the relay rejects exactly the messages the
 * frame decoder rejects, with the same error, and every rejection is
 * terminal and yields a Control frame that decodes to the verdict's code and
 * SessionID; an accepted message comes from an allowed sender, and a Ping
 * verdict yields a Pong with the same payload.
 */
#include "fuzz.h"

#include "common/error.h"
#include "sbrp/control.h"
#include "sbrp/frame.h"
#include "sbrp/payload.h"
#include "sbrp/validate.h"

/* A frame is at most 13 + 65536 bytes; one static buffer for re-encoding. */
static uint8_t out[SB_SBRP_MAX_FRAME];

static void expect_same(int rc, size_t n, const uint8_t *data, size_t size) {
  FUZZ_ASSERT(rc == SB_OK);
  FUZZ_ASSERT(n == size && memcmp(out, data, size) == 0);
}

/* The typed decoder of the frame's type, then its encoder on what it read. */
static void check_typed(const sb_sbrp_frame *f, const uint8_t *data, size_t size) {
  uint64_t sid = f->hdr.session_id;
  size_t n = 0;
  int rc;
  switch (f->hdr.type) {
    case SB_SBRP_HANDSHAKE_INIT: {
      uint8_t pub[SB_SBRP_KEY_BYTES];
      rc = sb_sbrp_handshake_init_decode(f, pub);
      if (rc == SB_OK) expect_same(sb_sbrp_handshake_init_encode(sid, pub, out, sizeof out, &n), n, data, size);
      else FUZZ_ASSERT(rc == SB_ERR_SBRP_PAYLOAD_SIZE && f->payload_len != SB_SBRP_HANDSHAKE_INIT_BYTES);
      break;
    }
    case SB_SBRP_HANDSHAKE_ACCEPT: {
      sb_sbrp_accept a;
      rc = sb_sbrp_handshake_accept_decode(f, &a);
      if (rc == SB_OK) expect_same(sb_sbrp_handshake_accept_encode(sid, &a, out, sizeof out, &n), n, data, size);
      else FUZZ_ASSERT(rc == SB_ERR_SBRP_PAYLOAD_SIZE && f->payload_len != SB_SBRP_HANDSHAKE_ACCEPT_BYTES);
      break;
    }
    case SB_SBRP_DATA: {
      sb_sbrp_data_view d;
      rc = sb_sbrp_data_decode(f, &d);
      if (rc != SB_OK) {
        FUZZ_ASSERT(rc == SB_ERR_SBRP_DATA_SHORT && f->payload_len < SB_SBRP_DATA_MIN_BYTES);
        break;
      }
      FUZZ_ASSERT(d.nonce == f->payload && d.ciphertext == f->payload + SB_SBRP_NONCE_BYTES);
      FUZZ_ASSERT(d.ciphertext_len + SB_SBRP_DATA_MIN_BYTES == f->payload_len);
      FUZZ_ASSERT(d.tag + SB_SBRP_TAG_BYTES == f->payload + f->payload_len);
      fuzz_keep(d.direction ^ d.seq);
      fuzz_keep_bytes(d.tag, SB_SBRP_TAG_BYTES);
      expect_same(sb_sbrp_data_encode(sid, f->payload, f->payload_len, out, sizeof out, &n), n, data, size);
      break;
    }
    case SB_SBRP_SIGNAL: {
      sb_sbrp_signal lax, strict;
      rc = sb_sbrp_signal_decode(f, false, &lax);
      int src = sb_sbrp_signal_decode(f, true, &strict);
      if (rc != SB_OK) {
        FUZZ_ASSERT(rc == SB_ERR_SBRP_PAYLOAD_SIZE && src == rc);
        break;
      }
      if (src == SB_OK) {
        FUZZ_ASSERT(strict.code == lax.code && strict.reason == lax.reason);
        expect_same(sb_sbrp_signal_encode(sid, strict.code, strict.reason, out, sizeof out, &n), n, data, size);
      } else {
        FUZZ_ASSERT(src == SB_ERR_SBRP_SIGNAL_CODE || src == SB_ERR_SBRP_SIGNAL_REASON);
      }
      FUZZ_ASSERT(sb_sbrp_signal_reason_name(sb_sbrp_signal_reason_normalize(lax.reason)) != NULL);
      break;
    }
    case SB_SBRP_PING:
    case SB_SBRP_PONG: {
      const uint8_t *p;
      size_t len;
      rc = sb_sbrp_ping_decode(f, &p, &len);
      if (rc == SB_OK) expect_same(sb_sbrp_ping_encode(f->hdr.type, p, len, out, sizeof out, &n), n, data, size);
      else FUZZ_ASSERT(rc == SB_ERR_SBRP_PING_TOO_LARGE && f->payload_len > SB_SBRP_PING_MAX_BYTES);
      break;
    }
    default: { /* Control */
      sb_sbrp_control lax, strict;
      rc = sb_sbrp_control_decode(f, false, &lax);
      int src = sb_sbrp_control_decode(f, true, &strict);
      if (rc != SB_OK) {
        FUZZ_ASSERT(rc == SB_ERR_SBRP_CONTROL_SHORT && src == rc);
        break;
      }
      FUZZ_ASSERT(src == SB_OK || src == SB_ERR_SBRP_CONTROL_UNKNOWN);
      FUZZ_ASSERT((src == SB_OK) == sb_sbrp_control_on_wire(lax.code));
      fuzz_keep(sb_sbrp_control_is_terminal(lax.code) + sb_sbrp_control_category(lax.code));
      int scope = sb_sbrp_control_check_scope(lax.code, sid);
      FUZZ_ASSERT(scope == SB_OK || scope == SB_ERR_SBRP_CONTROL_SCOPE ||
                  scope == SB_ERR_SBRP_CONTROL_UNKNOWN);
      rc = sb_sbrp_control_encode(sid, lax.code, lax.text, lax.text_len, out, sizeof out, &n);
      if (rc == SB_OK) expect_same(rc, n, data, size);
      else FUZZ_ASSERT(rc == SB_ERR_SBRP_CONTROL_UNKNOWN || rc == SB_ERR_UTF8);
      break;
    }
  }
}

/* The relay's verdict on the message from `sender`, given the decoder's result. */
static void check_relay(const uint8_t *data, size_t size, sb_sbrp_sender sender, int decode_rc) {
  sb_sbrp_verdict v;
  int rc = sb_sbrp_relay_validate(data, size, sender, &v);
  size_t n = 0;
  if (decode_rc != SB_OK) FUZZ_ASSERT(rc == decode_rc);
  if (rc != SB_OK) {
    FUZZ_ASSERT(rc == v.err && v.action == SB_SBRP_ACTION_REJECT && v.terminal);
    FUZZ_ASSERT(sb_sbrp_control_on_wire(v.control_code));
    FUZZ_ASSERT(sb_sbrp_relay_reject_frame(&v, out, sizeof out, &n) == SB_OK);
    sb_sbrp_frame cf;
    sb_sbrp_control c;
    FUZZ_ASSERT(sb_sbrp_frame_decode(out, n, &cf) == SB_OK);
    FUZZ_ASSERT(sb_sbrp_control_decode(&cf, true, &c) == SB_OK);
    FUZZ_ASSERT(c.code == v.control_code && cf.hdr.session_id == v.control_sid && c.text_len == 0);
    return;
  }
  FUZZ_ASSERT(decode_rc == SB_OK);
  FUZZ_ASSERT(sb_sbrp_relay_sender_allowed(v.frame.hdr.type, sender));
  switch (v.action) {
    case SB_SBRP_ACTION_FORWARD:
      FUZZ_ASSERT(v.frame.hdr.type == SB_SBRP_HANDSHAKE_INIT ||
                  v.frame.hdr.type == SB_SBRP_HANDSHAKE_ACCEPT || v.frame.hdr.type == SB_SBRP_DATA);
      break;
    case SB_SBRP_ACTION_CONSUME:
      FUZZ_ASSERT(v.frame.hdr.type == SB_SBRP_PONG || v.frame.hdr.type == SB_SBRP_SIGNAL);
      if (v.frame.hdr.type == SB_SBRP_SIGNAL)
        FUZZ_ASSERT(sb_sbrp_control_on_wire(v.notify_code) &&
                    sb_sbrp_signal_reason_name(v.signal.reason) != NULL);
      break;
    case SB_SBRP_ACTION_PONG: {
      FUZZ_ASSERT(v.frame.hdr.type == SB_SBRP_PING);
      FUZZ_ASSERT(sb_sbrp_relay_pong(&v, out, sizeof out, &n) == SB_OK);
      sb_sbrp_frame pf;
      FUZZ_ASSERT(sb_sbrp_frame_decode(out, n, &pf) == SB_OK);
      FUZZ_ASSERT(pf.hdr.type == SB_SBRP_PONG && pf.hdr.session_id == 0);
      FUZZ_ASSERT(pf.payload_len == v.frame.payload_len &&
                  memcmp(pf.payload, v.frame.payload, pf.payload_len) == 0);
      break;
    }
    default: FUZZ_ASSERT(!"accepted message with a reject action");
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  sb_sbrp_header h;
  int hrc = sb_sbrp_header_decode(data, size, &h);
  sb_sbrp_frame f;
  int rc = sb_sbrp_frame_decode(data, size, &f);
  if (hrc != SB_OK) FUZZ_ASSERT(rc == hrc);
  if (rc == SB_OK) {
    FUZZ_ASSERT(hrc == SB_OK && h.type == f.hdr.type && h.length == f.hdr.length &&
                h.session_id == f.hdr.session_id);
    FUZZ_ASSERT(f.payload_len + SB_SBRP_HEADER_BYTES == size && f.payload_len == h.length);
    FUZZ_ASSERT(sb_sbrp_type_name(f.hdr.type) != NULL);
    size_t n = 0;
    expect_same(sb_sbrp_frame_encode(f.hdr.type, f.hdr.session_id, f.payload, f.payload_len, out,
                                     sizeof out, &n),
                n, data, size);
    check_typed(&f, data, size);
  } else {
    FUZZ_ASSERT(sb_err_proto_name(rc) != NULL);
    fuzz_keep((uint64_t)-rc);
  }
  check_relay(data, size, SB_SBRP_FROM_CLIENT, rc);
  check_relay(data, size, SB_SBRP_FROM_DAEMON, rc);
  return 0;
}
