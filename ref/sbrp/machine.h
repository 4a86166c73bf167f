/*
 * What the SBRP state machines (client.h, daemon.h, relay.h) share: how they
 * talk to whoever drives them.
 *
 * The machines are sans-I/O (as ngtcp2): they never touch a socket, a clock
 * or a global RNG. The driver (the simulator, or a live WebSocket driver)
 * feeds them events with the current time and asks for their next deadline;
 * they answer through the callbacks below: bytes to send on a connection, a
 * connection to open or close, plaintext to hand to the application, and a
 * report of every state transition and every notable event, so a trace can
 * show the run row by row of the tables in sbrp.md section 13.
 *
 * Connections are small integers the driver assigns (`sb_sbrp_conn`): the
 * client and the daemon have one relay connection at a time, the relay one
 * per accepted WebSocket.
 */
#ifndef SB_SBRP_MACHINE_H
#define SB_SBRP_MACHINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/rng.h"
#include "common/time.h"

typedef int32_t sb_sbrp_conn;
#define SB_SBRP_NO_CONN ((sb_sbrp_conn)-1)

/* A state transition: `machine` names the instance ("client", "daemon",
 * "daemon/session", "relay/session"), `session_id` the session it concerns
 * (0 for connection-level machines), `row` the table row it follows
 * ("SBRP-SM-C-004") or NULL for a transition no row lists (say why in
 * `event`, e.g. "session_resumed while Paused (O-2)"). */
typedef struct sb_sbrp_transition {
  const char *machine;
  uint64_t session_id;
  const char *from, *to, *event, *row;
} sb_sbrp_transition;

/* Something worth a trace line that is not a transition: an endpoint
 * error (decrypt_failed, sequence_error, identity_key_changed), a Control
 * code received or sent, a dropped frame, an admission decision. `code` is
 * the sb_err behind it when there is one (its table row gives the
 * requirement ID), `text` a short static or caller-owned description. */
typedef struct sb_sbrp_note {
  const char *machine;
  uint64_t session_id;
  const char *what; /* "decrypt_failed", "control_received", "frame_dropped", ... */
  int code;
  const char *text;
} sb_sbrp_note;

/* The driver's side. Every callback may be NULL except `send`. Callbacks
 * must not call back into the machine that called them. */
typedef struct sb_sbrp_io {
  void *ctx;
  /* Transmit one whole SBRP frame (one WebSocket binary message). */
  void (*send)(void *ctx, sb_sbrp_conn conn, const uint8_t *frame, size_t len);
  /* Client/daemon: open a WebSocket to the relay carrying `token`
   * (NUL-terminated); the driver answers later with the machine's ws_open or
   * ws_error. Relay: never called. */
  void (*open)(void *ctx, const char *token);
  /* Close connection `conn` (the WebSocket close code, 1000 or 1008...). */
  void (*close)(void *ctx, sb_sbrp_conn conn, uint16_t ws_code);
  /* Hand decrypted application bytes of session `session_id` up. */
  void (*deliver)(void *ctx, uint64_t session_id, const uint8_t *data, size_t len);
  /* Report a transition / a note (for traces and coverage). */
  void (*transition)(void *ctx, const sb_sbrp_transition *t);
  void (*note)(void *ctx, const sb_sbrp_note *n);
  /* Traffic keys of a session once derived (both directions), for a key log:
   * the driver may write them in the key-log format of dissector/README.md. */
  void (*keys)(void *ctx, uint64_t session_id, const uint8_t c2d[32], const uint8_t d2c[32]);
  /* Relay only: bytes queued on `conn` not yet delivered (backpressure). */
  size_t (*queued)(void *ctx, sb_sbrp_conn conn);
} sb_sbrp_io;

/* A deadline that never fires. */
#define SB_SBRP_NO_DEADLINE SB_TIME_NEVER

/* Trust policies of the client (sbrp.md section 12; upstream names). */
typedef enum sb_sbrp_trust {
  SB_SBRP_TRUST_PROMPT = 0,  /* ask: first use and key change answered by the driver's decision */
  SB_SBRP_TRUST_AUTO,        /* pin silently; re-pin silently on change (TOFR, errata I-12) */
  SB_SBRP_TRUST_PINNED_ONLY  /* no pin: handshake_failed; change: identity_key_changed */
} sb_sbrp_trust;

/* Name of a trust policy ("prompt", "auto", "pinned-only"), or NULL. */
const char *sb_sbrp_trust_name(sb_sbrp_trust t);

#endif
