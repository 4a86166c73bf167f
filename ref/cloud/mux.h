/*
 * The daemon's relay multiplexer policy (cloud.md section 4.3, listen.ts
 * runMux and RelayVirtualConn): what the SDK daemon does with each message
 * of its one relay WebSocket. Pure decisions; the driver keeps the
 * sessions and does what the action says.
 *
 *   message does not decode as a frame       DECODE_ERROR (log); the 10th in
 *                                            a row: BREAKER (leave the connection
 *                                            and reconnect) (CLOUD-080)
 *   Ping                                     PONG with the same payload (CLOUD-081)
 *   Pong                                     IGNORE
 *   Control, SessionID 0, rate_limited       RATE_LIMITED (log, continue) (CLOUD-082)
 *   Control, SessionID 0, any other code     KICK: end every session, reconnect
 *     (or a payload that does not decode)
 *   unknown SessionID, HandshakeInit         NEW_SESSION (start a negotiator, deliver)
 *   unknown SessionID, anything else         DROP silently (CLOUD-083)
 *   known SessionID (Control included)       DELIVER in arrival order (CLOUD-084)
 *
 * Any decoded frame resets the decode-error count.
 */
#ifndef SB_CLOUD_MUX_H
#define SB_CLOUD_MUX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/config.h"
#include "sbrp/frame.h"

#define SB_CLOUD_MUX_MAX_DECODE_ERRORS 10u /* MAX_CONSECUTIVE_DECODE_ERRORS */
#define SB_CLOUD_MUX_MAX_BACKLOG 1024u     /* MAX_BUFFER_FRAMES per session */

typedef enum sb_cloud_mux_action {
  SB_CLOUD_MUX_DECODE_ERROR = 0,
  SB_CLOUD_MUX_KICK,
  SB_CLOUD_MUX_PONG,
  SB_CLOUD_MUX_IGNORE,
  SB_CLOUD_MUX_RATE_LIMITED,
  SB_CLOUD_MUX_NEW_SESSION,
  SB_CLOUD_MUX_DELIVER,
  SB_CLOUD_MUX_DROP,
  /* Like KICK, but the relay will not close the connection: the daemon
   * leaves it itself (the circuit breaker). */
  SB_CLOUD_MUX_BREAKER
} sb_cloud_mux_action;

typedef struct sb_cloud_mux {
  unsigned decode_errors; /* consecutive */
} sb_cloud_mux;

/* A fresh multiplexer (one per relay connection). */
void sb_cloud_mux_init(sb_cloud_mux *m);

/* Route one WebSocket message `msg[0..len)`. `known(ctx, sid)` says whether
 * the daemon has a session `sid`. `*frame` gets the decoded frame (its
 * payload points into `msg`) for every action but DECODE_ERROR and BREAKER. */
sb_cloud_mux_action sb_cloud_mux_route(sb_cloud_mux *m, const uint8_t *msg, size_t len,
                                       bool (*known)(void *ctx, uint64_t session_id), void *ctx,
                                       sb_sbrp_frame *frame);

/* Whether a session whose reader has `backlog` frames waiting may take one
 * more; false means the session is terminated as a slow consumer (CLOUD-085). */
bool sb_cloud_mux_backlog_admits(size_t backlog);

/* Name of an action ("deliver"...). */
const char *sb_cloud_mux_action_name(sb_cloud_mux_action a);

#endif
