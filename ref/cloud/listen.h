/*
 * The daemon side of the cloud SDK (cloud.md section 4, listen.ts): the
 * startup that fetches the first presence token, and the relay connection
 * loop with its backoff, as a sans-I/O machine. The driver performs each
 * step and reports what happened; delays are microseconds of virtual time
 * and the random parts come from the `sb_rng` passed in (no jitter at
 * startup).
 *
 *   sb_cloud_listen_start       -> CALL daemon.renewToken (startup)
 *   sb_cloud_listen_response    the answer to a CALL:
 *       startup: token with a readable `did` (equal to the configured
 *       daemon ID, if any) -> OPEN with the relay URL (CLOUD-061); fatal
 *       CloudApiError (400/401/403/404, a did mismatch is 400) -> STOP, and
 *       listen() rejects (CLOUD-062); anything else -> SLEEP
 *       min(1000 * 2^n, 30000) ms, n += 1 (CLOUD-063)
 *       later connections: token -> OPEN; fatal -> STOP; else as an error
 *   sb_cloud_listen_wake        after a SLEEP -> CALL daemon.renewToken:
 *                               every connection after the first uses a
 *                               fresh presence token (CLOUD-070)
 *   sb_cloud_listen_ws_open     the relay WebSocket is open; the first one
 *                               resolves listen() (CLOUD-065)
 *   sb_cloud_listen_ws_end      the connection (or the attempt to open it)
 *                               ended, cleanly or with an error (CLOUD-071/072)
 *   sb_cloud_listen_abort       the AbortSignal fired (CLOUD-064)
 *   sb_cloud_listen_close       server.close() (CLOUD-074)
 *
 * Two attempt counters, as upstream: one for startup, one for the loop
 * (starting at 0 when the loop starts).
 */
#ifndef SB_CLOUD_LISTEN_H
#define SB_CLOUD_LISTEN_H

#include <stdbool.h>
#include <stdint.h>

#include "auth/token.h"
#include "cloud/api.h"
#include "cloud/classify.h"
#include "cloud/pins.h"
#include "cloud/url.h"
#include "common/config.h"
#include "common/rng.h"
#include "common/time.h"

#define SB_CLOUD_STABLE_CONNECTION SB_TIME_MS(5000) /* STABLE_CONNECTION_MS */
#define SB_CLOUD_LISTEN_BASE_MS 1000u
#define SB_CLOUD_LISTEN_CAP_MS 30000u
#define SB_CLOUD_LISTEN_CLEAN_JITTER SB_TIME_MS(2000) /* U(0, 2000) ms after a stable clean close */
#define SB_CLOUD_LISTEN_ERROR_JITTER SB_TIME_MS(500)  /* + U(0, 500) ms after an error */

typedef struct sb_cloud_listen_config {
  const char *api_key;     /* daemon API key (bearer of daemon.renewToken) */
  const char *daemon_id;   /* optional: must equal the token's did (CLOUD-061) */
  const char *relay_url;   /* NULL: SB_CLOUD_DEFAULT_RELAY_URL */
  bool wrap_json_body;     /* send {"json": null} as the stored api.ts does */
  sb_auth_peek_mode peek;  /* how the did is read (AUTH-061/062) */
} sb_cloud_listen_config;

typedef enum sb_cloud_listen_step_kind {
  SB_CLOUD_LISTEN_CALL = 0, /* POST `request`, answer with sb_cloud_listen_response */
  SB_CLOUD_LISTEN_OPEN,     /* open the relay WebSocket at `url` */
  SB_CLOUD_LISTEN_SLEEP,    /* wait `delay`, then sb_cloud_listen_wake */
  SB_CLOUD_LISTEN_STOP,     /* the loop is over (`error` says why) */
  SB_CLOUD_LISTEN_NONE      /* nothing to do (a call that changed nothing) */
} sb_cloud_listen_step_kind;

typedef struct sb_cloud_listen_step {
  sb_cloud_listen_step_kind kind;
  const sb_cloud_request *request; /* CALL; lives in the machine */
  const char *url;                 /* OPEN */
  sb_time_us delay;                /* SLEEP */
  sb_cloud_error error;            /* STOP: the fatal error or the abort; NONE after close */
  bool rejects_listen;             /* STOP: listen() rejects with `error` (not yet resolved) */
  bool report;                     /* the error of this step goes to onUnhandledError */
} sb_cloud_listen_step;

typedef enum sb_cloud_listen_state {
  SB_CLOUD_LISTEN_IDLE = 0,
  SB_CLOUD_LISTEN_STARTING,   /* waiting for the startup token */
  SB_CLOUD_LISTEN_FETCHING,   /* waiting for a later connection's token */
  SB_CLOUD_LISTEN_OPENING,    /* WebSocket being opened */
  SB_CLOUD_LISTEN_CONNECTED,
  SB_CLOUD_LISTEN_WAITING,    /* in a SLEEP */
  SB_CLOUD_LISTEN_STOPPED
} sb_cloud_listen_state;

/* The machine; treat as opaque (fields may change). */
typedef struct sb_cloud_listen {
  char api_key[SB_CLOUD_CREDENTIAL_MAX + 1];
  bool has_daemon_id;
  char daemon_id[SB_CLOUD_DAEMON_ID_MAX + 1]; /* configured, then the token's did */
  char relay_url[SB_CLOUD_URL_MAX + 1];
  bool wrap_json_body;
  sb_auth_peek_mode peek;
  sb_cloud_listen_state state;
  bool started;   /* startup token obtained: the loop runs */
  bool resolved;  /* the first WebSocket opened: listen() resolved */
  uint32_t startup_attempt, loop_attempt;
  sb_time_us connected_at;
  bool connected; /* the current attempt reached an open WebSocket */
  uint64_t connections;
  sb_cloud_request request;
  char url[SB_CLOUD_URL_MAX + 1];
} sb_cloud_listen;

/* Take the options (CLOUD-060). SB_ERR_ARG for a missing API key, texts
 * that do not fit, or a relay URL that is not scheme://host. */
SB_NODISCARD int sb_cloud_listen_init(sb_cloud_listen *l, const sb_cloud_listen_config *cfg);

/* listen() called: the first step, CALL daemon.renewToken. SB_ERR_STATE if
 * already started. */
SB_NODISCARD int sb_cloud_listen_start(sb_cloud_listen *l, sb_cloud_listen_step *step);

/* The answer to the pending CALL (see the table above). SB_ERR_STATE if no
 * CALL is pending; SB_ERR_RNG, SB_ERR_NOMEM. */
SB_NODISCARD int sb_cloud_listen_response(sb_cloud_listen *l, sb_time_us now, const sb_rng *rng,
                                          const sb_cloud_http_response *resp,
                                          sb_cloud_listen_step *step);

/* A SLEEP is over: CALL daemon.renewToken. SB_ERR_STATE unless waiting. */
SB_NODISCARD int sb_cloud_listen_wake(sb_cloud_listen *l, sb_cloud_listen_step *step);

/* The relay WebSocket opened at `now`. SB_ERR_STATE unless opening. */
SB_NODISCARD int sb_cloud_listen_ws_open(sb_cloud_listen *l, sb_time_us now);

/* How a relay connection ended. */
typedef enum sb_cloud_listen_end {
  SB_CLOUD_LISTEN_END_CLEAN = 0, /* the relay closed the WebSocket normally */
  SB_CLOUD_LISTEN_END_KICK,      /* a terminal SID-0 Control or the decode circuit
                                    breaker (RelayControlKick: not reported, CLOUD-073) */
  SB_CLOUD_LISTEN_END_ERROR      /* the WebSocket failed, or could not be opened */
} sb_cloud_listen_end;

/* The connection ended at `now` (or opening it failed: END_ERROR while
 * opening). Clean close after >= 5 s up: n = 0, SLEEP U(0, 2000) ms; a
 * clean close sooner: SLEEP min(1000 * 2^n, 30000) ms, n += 1 (CLOUD-071).
 * Kick or error: n = 0 if the connection had lived >= 5 s; SLEEP
 * min(1000 * 2^n, 30000) ms + U(0, 500) ms; n += 1 (CLOUD-072); `report`
 * for errors, not for kicks (CLOUD-073). SB_ERR_STATE unless opening or
 * connected; SB_ERR_RNG. */
SB_NODISCARD int sb_cloud_listen_ws_end(sb_cloud_listen *l, sb_time_us now, const sb_rng *rng,
                                        sb_cloud_listen_end how, sb_cloud_listen_step *step);

/* The AbortSignal fired: before the first relay connection -> STOP with
 * AbortError, listen() rejects; after it -> NONE, no effect (CLOUD-064). */
SB_NODISCARD int sb_cloud_listen_abort(sb_cloud_listen *l, sb_cloud_listen_step *step);

/* server.close(): STOP (pending fetches, connects and sleeps are
 * abandoned), idempotent (CLOUD-074). */
void sb_cloud_listen_close(sb_cloud_listen *l, sb_cloud_listen_step *step);

/* The daemon ID in use (the presence token's did), or NULL before startup. */
const char *sb_cloud_listen_daemon_id(const sb_cloud_listen *l);

/* The backoff without jitter, min(1000 * 2^n, 30000) ms, in microseconds. */
sb_time_us sb_cloud_listen_backoff(uint32_t n);

#endif
