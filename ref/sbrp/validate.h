/*
 * What a relay does with one inbound WebSocket message (sbrp.md 10.2-10.3).
 *
 * Checks, stopping at the first failure (SBRP-RELAY-010):
 *   1-4  header, as sb_sbrp_header_decode: fewer than 13 bytes
 *        (malformed_frame), Length > 65536 (payload_too_large), undefined
 *        type (invalid_frame_type), SessionID scope (invalid_session_id);
 *   B    message length differs from 13 + Length (malformed_frame). The
 *        documents do not place this check (sbrp.md O-9); it sits here, as in
 *        upstream decodeFrame, so the header errors win over it;
 *   5    sender rules (disallowed_sender with the header's SessionID,
 *        SBRP-RELAY-011): a client may send HandshakeInit, Data, Ping, Pong;
 *        a daemon HandshakeAccept, Data, Signal, Ping, Pong; Control from
 *        anyone and Signal from a client are refused (SBRP-RELAY-023);
 *   6    the payloads the relay itself consumes: Ping/Pong at most 8 bytes
 *        (payload_too_large, SBRP-KA-002; code unspecified, O-8), Signal
 *        exactly 2 bytes (malformed_frame, SBRP-WIRE-020) with a defined
 *        signal code (malformed_frame, as upstream decodeSignal; O-1). An
 *        unknown reason is read as `none` (SBRP-SIG-004).
 * Forwarded payloads (HandshakeInit, HandshakeAccept, Data) are opaque to the
 * relay and never inspected (SBRP-WIRE-003, SBRP-RELAY-021).
 * Every rejection is terminal; its Control SessionID is 0 except for
 * disallowed_sender.
 */
#ifndef SB_SBRP_VALIDATE_H
#define SB_SBRP_VALIDATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/config.h"
#include "sbrp/frame.h"
#include "sbrp/payload.h"

typedef enum sb_sbrp_sender { SB_SBRP_FROM_CLIENT, SB_SBRP_FROM_DAEMON } sb_sbrp_sender;

typedef enum sb_sbrp_action {
  SB_SBRP_ACTION_FORWARD, /* HandshakeInit/Accept/Data: byte for byte to the peer of the SID */
  SB_SBRP_ACTION_CONSUME, /* Signal (daemon) and Pong: processed, never forwarded */
  SB_SBRP_ACTION_PONG,    /* Ping: answer with sb_sbrp_relay_pong, never forward */
  SB_SBRP_ACTION_REJECT   /* send Control(control_code, control_sid), then close */
} sb_sbrp_action;

typedef struct sb_sbrp_verdict {
  sb_sbrp_action action;
  sb_sbrp_frame frame;    /* the decoded frame (points into the message); zeroed
                             when rejected before the body check passed */
  /* Signal from the daemon (action CONSUME): the signal with its reason
   * normalised, and the Control code the relay sends to the client of that
   * SessionID (session_resumed for ready, session_expired for close,
   * SBRP-RELAY-022); the relay state machine decides when it applies. */
  sb_sbrp_signal signal;
  uint16_t notify_code;
  /* Rejection (action REJECT): */
  int err;                /* the sb_err value; its table row names the requirement */
  uint16_t control_code;  /* Control code to send to the sender */
  uint64_t control_sid;   /* 0, or the header's SessionID for disallowed_sender */
  bool terminal;          /* true for every rejection (relay closes the sender) */
} sb_sbrp_verdict;

/* Validate one message from `sender` and fill `*v`. Returns 0 unless the
 * message is rejected, else the rejection's error (also in v->err):
 * SB_ERR_SBRP_HEADER_SHORT, _PAYLOAD_TOO_LARGE, _FRAME_TYPE, _SID_ZERO,
 * _SID_NONZERO, _BODY_TRUNCATED, _BODY_TRAILING, _DISALLOWED_SENDER,
 * _PING_TOO_LARGE, _PAYLOAD_SIZE, _SIGNAL_CODE. SB_ERR_ARG on bad arguments. */
SB_NODISCARD int sb_sbrp_relay_validate(const uint8_t *msg, size_t len, sb_sbrp_sender sender,
                                        sb_sbrp_verdict *v);

/* true if `sender` may send frames of `type` (step 5; sbrp.md section 3). */
bool sb_sbrp_relay_sender_allowed(uint8_t type, sb_sbrp_sender sender);

/* Write the Pong answering the Ping of verdict `v` (action PONG): same
 * payload, SessionID 0 (SBRP-KA-001). SB_ERR_ARG if `v` is not a Ping
 * verdict, SB_ERR_BUF (with `*out_len` = size needed) if `out` is short. */
SB_NODISCARD int sb_sbrp_relay_pong(const sb_sbrp_verdict *v, uint8_t *out, size_t out_cap,
                                    size_t *out_len);

/* Write the Control frame rejecting a message (action REJECT): the
 * verdict's code and SessionID, no text. */
SB_NODISCARD int sb_sbrp_relay_reject_frame(const sb_sbrp_verdict *v, uint8_t *out,
                                            size_t out_cap, size_t *out_len);

#endif
