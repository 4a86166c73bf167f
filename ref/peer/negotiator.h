/*
 * The SBP negotiator (peer-runtime.md section 2, sbp.md sections 3.1 and 5):
 * the Handshake exchange that opens every SBP session, plain or inside SBRP
 * Data frames. It sees whole SBP frames only, so it works the same over a
 * raw connection and over a secure channel.
 *
 *   start      our Handshake goes out at once (SBP-HS-009): {protocol,
 *              version, peerId, caps, metadata} in that key order, caps []
 *              and metadata {} when none are given (PEER-NEG-008)
 *   receive    the first inbound frame must be the peer's Handshake:
 *                undecodable frame         its SBP error (InvalidFrame 1002)
 *                decoded, not a Handshake  SB_ERR_SBP_HS_UNEXPECTED (1000)
 *                bad payload fields        SB_ERR_SBP_HS_*_FIELD etc. (1002)
 *                protocol/version mismatch SB_ERR_SBP_HS_*_MISMATCH (1001)
 *   expire     no Handshake by the deadline (default 30 s): SB_ERR_SBP_HS_TIMEOUT (1000)
 *   closed     the connection ended first: SB_ERR_SBP_HS_CLOSED (1000)
 *
 * Classification (PEER-NEG-005, SBP-ERR-011/014): ProtocolViolation (1000)
 * and UnsupportedVersion (1001) are fatal, never retried; everything else,
 * InvalidFrame included, is retryable.
 *
 * Failure signalling follows the documents (SBP-HS-003, SBP-ERR-007): an
 * ErrorFrame with the failure's code, then Control/Close, unless the
 * connection is already gone. The upstream negotiator sends neither
 * (sbp.md inconsistency 5); `upstream_silent_failure` selects that reading
 * (reports/errata.md E-PEER-1). Every frame we emit carries a fresh
 * frameId from the caller's rng; a received frameId is never copied
 * (SBP-WIRE-008), the ErrorFrame included (E-PEER-2).
 *
 * After negotiation, Control frames (sbp.md 3.1): a Ping is answered with a
 * Pong (SBP-CTL-006), a Close ends the session (SBP-CTL-007), a second
 * Handshake and a Pong are ignored. The Peer SDK ignores every Control frame
 * after negotiation (SBP-CTL-009): `upstream_ignore_control` (E-PEER-3).
 *
 * Ownership: the negotiator borrows the strings and cJSON items of its
 * config; after a successful receive it owns the peer's decoded Handshake
 * until sb_peer_negotiator_reset.
 */
#ifndef SB_PEER_NEGOTIATOR_H
#define SB_PEER_NEGOTIATOR_H

#include <cJSON.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/config.h"
#include "common/rng.h"
#include "common/time.h"
#include "sbp/frame.h"
#include "sbp/handshake.h"

/* Default handshake timeout of the upstream negotiator (SBP-HS-009). */
#define SB_PEER_NEGOTIATOR_DEFAULT_TIMEOUT SB_TIME_MS(30000)

typedef struct sb_peer_negotiator_config {
  const char *peer_id;          /* our label, NUL-terminated; borrowed */
  const cJSON *caps;            /* array of strings, NULL for []; borrowed */
  const cJSON *metadata;        /* object, NULL for {}; borrowed */
  sb_time_us handshake_timeout; /* 0: SB_PEER_NEGOTIATOR_DEFAULT_TIMEOUT */
  bool upstream_silent_failure; /* send no ErrorFrame and no Close on failure (E-PEER-1) */
  bool upstream_ignore_control; /* ignore Control frames after negotiation (E-PEER-3) */
} sb_peer_negotiator_config;

typedef enum sb_peer_negotiator_state {
  SB_PEER_NEGOTIATOR_IDLE = 0, /* not started, or reset */
  SB_PEER_NEGOTIATOR_WAITING,  /* our Handshake sent, waiting for the peer's */
  SB_PEER_NEGOTIATOR_DONE,     /* the peer's Handshake accepted */
  SB_PEER_NEGOTIATOR_FAILED    /* `failure` says why */
} sb_peer_negotiator_state;

/* What to do with a Control frame after negotiation. */
typedef enum sb_peer_control_action {
  SB_PEER_CONTROL_IGNORE = 0, /* Pong, a second Handshake, or upstream_ignore_control */
  SB_PEER_CONTROL_PONG,       /* answer with sb_peer_negotiator_pong_frame */
  SB_PEER_CONTROL_CLOSE       /* the remote closed: end the session (not fatal) */
} sb_peer_control_action;

/* One negotiation; treat as opaque. */
typedef struct sb_peer_negotiator {
  sb_peer_negotiator_config cfg;
  sb_peer_negotiator_state state;
  sb_time_us deadline; /* SB_TIME_NEVER unless WAITING */
  int failure;         /* FAILED: the sb_err */
  uint8_t frames_due;  /* FAILED: frames still to send (2: ErrorFrame, 1: Close) */
  sb_sbp_handshake remote; /* DONE: the peer's Handshake (owns its tree) */
} sb_peer_negotiator;

/* Set up an idle negotiator; `cfg` is copied (its pointers are borrowed).
 * SB_ERR_ARG for a NULL argument, no peer_id or a negative timeout. */
SB_NODISCARD int sb_peer_negotiator_init(sb_peer_negotiator *n,
                                         const sb_peer_negotiator_config *cfg);

/* Release the peer's Handshake and go back to IDLE (the config stays). */
void sb_peer_negotiator_reset(sb_peer_negotiator *n);

/* Begin a negotiation at `now`: the deadline is now + handshake timeout, or
 * `deadline` if that is not SB_TIME_NEVER (a secure channel that spent part
 * of the budget, PEER-NEG-008), and our Handshake frame (fresh frameId from
 * `rng`) is written to `out`; `*out_len` gets its size (or the size needed
 * with SB_ERR_BUF). Errors: SB_ERR_STATE unless IDLE, SB_ERR_RANGE for a
 * payload over 8 KiB (never sent, SBP-HS-007), SB_ERR_RNG, SB_ERR_BUF, the
 * errors of sb_sbp_handshake_encode. */
SB_NODISCARD int sb_peer_negotiator_start(sb_peer_negotiator *n, sb_time_us now,
                                          sb_time_us deadline, const sb_rng *rng, uint8_t *out,
                                          size_t cap, size_t *out_len);

/* The first inbound frame: 0 and DONE if it is an acceptable Handshake,
 * else FAILED with the error returned (table in the header comment);
 * SB_ERR_NOMEM leaves the state WAITING. SB_ERR_STATE unless WAITING. */
SB_NODISCARD int sb_peer_negotiator_receive(sb_peer_negotiator *n, const uint8_t *frame,
                                            size_t len);

/* At or after the deadline while WAITING: FAILED with SB_ERR_SBP_HS_TIMEOUT,
 * which is returned; 0 (nothing happens) before it or in any other state. */
SB_NODISCARD int sb_peer_negotiator_expire(sb_peer_negotiator *n, sb_time_us now);

/* The connection ended while WAITING: FAILED with SB_ERR_SBP_HS_CLOSED
 * (returned) and no frames to send; 0 in any other state. */
SB_NODISCARD int sb_peer_negotiator_closed(sb_peer_negotiator *n);

/* The deadline to pass to expire (SB_TIME_NEVER unless WAITING). */
sb_time_us sb_peer_negotiator_deadline(const sb_peer_negotiator *n);

/* State and, once FAILED, the error (0 otherwise). */
sb_peer_negotiator_state sb_peer_negotiator_state_of(const sb_peer_negotiator *n);
int sb_peer_negotiator_failure(const sb_peer_negotiator *n);

/* true if a negotiation error ends the session for good: its protocol
 * outcome is ProtocolViolation (1000) or UnsupportedVersion (1001). */
bool sb_peer_negotiator_fatal(int err);

/* After a failure, the next frame to send before closing: first the
 * ErrorFrame {code and text of the failure}, then Close with `reason`
 * (NULL: no reason). Each call writes one frame; SB_ERR_NOT_FOUND when none
 * is left (at once with upstream_silent_failure or after `closed`).
 * Errors: SB_ERR_STATE unless FAILED, SB_ERR_RNG, SB_ERR_BUF. */
SB_NODISCARD int sb_peer_negotiator_failure_frame(sb_peer_negotiator *n, const char *reason,
                                                  const sb_rng *rng, uint8_t *out, size_t cap,
                                                  size_t *out_len);

/* The peer's Handshake after DONE (NULL before). */
const sb_sbp_handshake *sb_peer_negotiator_remote(const sb_peer_negotiator *n);

/* A Control/Close frame with `reason` as its data (NULL or "" for none) and
 * a fresh frameId (SBP-CTL-008). Errors: SB_ERR_RNG, SB_ERR_BUF, SB_ERR_ARG. */
SB_NODISCARD int sb_peer_negotiator_close_frame(const char *reason, const sb_rng *rng,
                                                uint8_t *out, size_t cap, size_t *out_len);

/* What the session does with a decoded Control frame after negotiation. */
sb_peer_control_action sb_peer_negotiator_control(const sb_peer_negotiator *n,
                                                  const sb_sbp_frame *control);

/* The Pong answering `ping`: fresh frameId, the Ping's timestamp echoed when
 * it has one (latency measurement, SBP-CTL-006). Errors: SB_ERR_ARG if
 * `ping` is not a Ping, SB_ERR_RNG, SB_ERR_BUF. */
SB_NODISCARD int sb_peer_negotiator_pong_frame(const sb_sbp_frame *ping, const sb_rng *rng,
                                               uint8_t *out, size_t cap, size_t *out_len);

/* Name of a state ("idle", "waiting", "done", "failed"). */
const char *sb_peer_negotiator_state_name(sb_peer_negotiator_state s);

#endif
