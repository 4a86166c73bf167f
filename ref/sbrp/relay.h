/*
 * The SBRP relay machine (sbrp.md sections 10 and 13.3, rows
 * SBRP-SM-R-001..015; auth.md): admission by token, pairing a client's
 * session with its daemon, routing by SessionID, the validation order of
 * sbrp/validate.h, Control codes with their terminality and SID scope,
 * keepalive, presence, the grace timer of paused sessions, rate limiting,
 * backpressure, `session_ended`, and refusal of a reused `sid`.
 *
 * Per session (client `sid` paired with a daemon `did`) the states of the
 * table: None, DaemonOnly, Paired, Paused, Pending, Closed. Per daemon:
 * online or offline, resumable or not (its token's scopes).
 *
 * The driver (sbrp/machine.h) accepts WebSocket connections and numbers them:
 *   sb_sbrp_relay_upgrade(r, now, conn, token, &status)   admission: 101, 401, 409
 *   sb_sbrp_relay_recv(r, now, conn, frame, len)          validate, route, answer
 *   sb_sbrp_relay_ws_close(r, now, conn)                  a connection went away
 *   sb_sbrp_relay_timeout(r, now)                         at sb_sbrp_relay_deadline(r)
 * Outputs go through io.send / io.close; io.queued tells the relay how many
 * bytes wait on a connection (backpressure, SBRP-RELAY-041).
 */
#ifndef SB_SBRP_RELAY_H
#define SB_SBRP_RELAY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "auth/token.h"
#include "common/config.h"
#include "sbrp/machine.h"

#ifndef SB_SBRP_RELAY_MAX_CONNS
#define SB_SBRP_RELAY_MAX_CONNS 64
#endif
#ifndef SB_SBRP_RELAY_MAX_SESSIONS
#define SB_SBRP_RELAY_MAX_SESSIONS 64
#endif
#ifndef SB_SBRP_RELAY_MAX_KEYS
#define SB_SBRP_RELAY_MAX_KEYS 4
#endif
#ifndef SB_SBRP_RELAY_SID_MEMORY
#define SB_SBRP_RELAY_SID_MEMORY 1024 /* sids remembered to refuse reuse (AO-8) */
#endif

typedef enum sb_sbrp_relay_session_state {
  SB_SBRP_RSESSION_NONE,
  SB_SBRP_RSESSION_DAEMON_ONLY,
  SB_SBRP_RSESSION_PAIRED,
  SB_SBRP_RSESSION_PAUSED,
  SB_SBRP_RSESSION_PENDING,
  SB_SBRP_RSESSION_CLOSED
} sb_sbrp_relay_session_state;

typedef struct sb_sbrp_relay_config {
  const char *issuer;     /* expected `iss` (AUTH-V06) */
  const char *region;     /* the relay's region, or NULL (AUTH-V13) */
  sb_auth_jwk keys[SB_SBRP_RELAY_MAX_KEYS]; /* the control plane's JWKS (AUTH-030) */
  size_t nkeys;
  int64_t epoch_s;        /* Unix time of now == 0, for token expiry (AUTH-V08) */
  int skew_s;             /* clock-skew allowance, 0..30 (default 30) */
  sb_time_us grace;       /* resume grace period, 0 = 30 s (SBRP-RES-003) */
  uint32_t rate_limit;    /* messages per window per connection, 0 = off (SBRP-RELAY-040) */
  sb_time_us rate_window; /* 0 = 1 s */
  size_t backpressure_bytes; /* queued bytes that make a receiver slow, 0 = off (SBRP-RELAY-041) */
  sb_time_us idle_timeout;   /* close connections silent this long, 0 = off (SBRP-KA-005) */
  uint32_t max_sessions_per_daemon; /* 0 = the token's lim or unlimited (AO-7) */
} sb_sbrp_relay_config;

/* The machine; its internals are private to relay.c (fields may change). */
typedef struct sb_sbrp_relay sb_sbrp_relay;

/* Bytes of storage a relay needs (caller-provided, e.g. static or malloc). */
size_t sb_sbrp_relay_size(void);

/* Set up a relay in `mem` (sb_sbrp_relay_size() bytes, aligned for any type).
 * `cfg` (keys included), `io` and `rng` are copied. */
SB_NODISCARD int sb_sbrp_relay_init(void *mem, const sb_sbrp_relay_config *cfg,
                                    const sb_sbrp_io *io, const sb_rng *rng, sb_sbrp_relay **out);

/* A WebSocket upgrade on connection `conn` carrying `token` (query parameter
 * or bearer header, AUTH-020/021). `*http_status`: 101 accepted (then the
 * relay may already have sent Control frames, e.g. daemon_offline), 401 for
 * any validation failure (AUTH-V01..V16: the error value is returned), 409
 * for a `sid` already used (auth.md section 6). */
SB_NODISCARD int sb_sbrp_relay_upgrade(sb_sbrp_relay *r, sb_time_us now, sb_sbrp_conn conn,
                                       const char *token, int *http_status);

/* One WebSocket message on an accepted connection. */
SB_NODISCARD int sb_sbrp_relay_recv(sb_sbrp_relay *r, sb_time_us now, sb_sbrp_conn conn,
                                    const uint8_t *frame, size_t len);

/* Connection `conn` closed (either side). */
SB_NODISCARD int sb_sbrp_relay_ws_close(sb_sbrp_relay *r, sb_time_us now, sb_sbrp_conn conn);

/* When the machine wants sb_sbrp_relay_timeout (SB_SBRP_NO_DEADLINE if never). */
sb_time_us sb_sbrp_relay_deadline(const sb_sbrp_relay *r);

/* Handle deadlines due at `now`: grace expiry, rate windows, idle connections. */
SB_NODISCARD int sb_sbrp_relay_timeout(sb_sbrp_relay *r, sb_time_us now);

/* State of session `session_id` (NONE if unknown), for scenarios. */
sb_sbrp_relay_session_state sb_sbrp_relay_session_state_of(const sb_sbrp_relay *r,
                                                            uint64_t session_id);

/* Whether daemon `did` is connected. */
bool sb_sbrp_relay_daemon_online(const sb_sbrp_relay *r, const char *did);

/* Name of a session state ("None", "DaemonOnly", "Paired", ...). */
const char *sb_sbrp_relay_session_state_name(sb_sbrp_relay_session_state s);

#endif
