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
 * online or offline, resumable or not (its token's scopes). DaemonOnly is
 * the daemon's presence record (SessionID 0 in transitions): created by each
 * daemon_ws_open and taken by the first client that pairs;
 * later clients of an online daemon pair from None.
 *
 * The driver (sbrp/machine.h) accepts WebSocket connections and numbers them:
 *   sb_sbrp_relay_upgrade(r, now, conn, token, &status)   admission: 101, 401, 409, 429, 503
 *   sb_sbrp_relay_recv(r, now, conn, frame, len)          validate, route, answer
 *   sb_sbrp_relay_ws_close(r, now, conn)                  a connection went away
 *   sb_sbrp_relay_timeout(r, now)                         at sb_sbrp_relay_deadline(r)
 * Outputs go through io.send / io.close; io.queued tells the relay how many
 * bytes wait on a connection (backpressure, SBRP-RELAY-041). Every entry
 * point first handles the deadlines due at `now` (grace expiry, idle
 * connections), so a late sb_sbrp_relay_timeout never changes the outcome.
 *
 * Connections the relay closes itself (io.close after a terminal Control,
 * an idle timeout, a replaced daemon connection) are dead for routing at
 * once; the driver still reports their end with sb_sbrp_relay_ws_close
 * ("either side"), and frames still arriving on them are dropped with a
 * note. Notes and transitions carry texts that live only during the
 * callback.
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
#define SB_SBRP_RELAY_MAX_SESSIONS 64 /* live and recently closed sessions */
#endif
#ifndef SB_SBRP_RELAY_MAX_DAEMONS
#define SB_SBRP_RELAY_MAX_DAEMONS 32
#endif
#ifndef SB_SBRP_RELAY_MAX_KEYS
#define SB_SBRP_RELAY_MAX_KEYS 4
#endif
#ifndef SB_SBRP_RELAY_SID_MEMORY
#define SB_SBRP_RELAY_SID_MEMORY 1024 /* sids remembered to refuse reuse (AO-8) */
#endif
/* Longest daemon ID (bytes) and issuer / region strings the relay keeps. */
#define SB_SBRP_RELAY_DID_MAX 255
#define SB_SBRP_RELAY_STR_MAX 255

/* Default grace period (O-3, SBRP-RES-003) and rate-limit window. */
#define SB_SBRP_RELAY_DEFAULT_GRACE SB_TIME_S(30)
#define SB_SBRP_RELAY_DEFAULT_RATE_WINDOW SB_TIME_S(1)

/* HTTP statuses of sb_sbrp_relay_upgrade. */
#define SB_SBRP_RELAY_HTTP_SWITCHING 101 /* accepted */
#define SB_SBRP_RELAY_HTTP_UNAUTHORIZED 401 /* a token validation step failed */
#define SB_SBRP_RELAY_HTTP_CONFLICT 409 /* sid already used */
#define SB_SBRP_RELAY_HTTP_TOO_MANY 429 /* the daemon's concurrent-session cap */
#define SB_SBRP_RELAY_HTTP_UNAVAILABLE 503 /* the relay's own tables are full */

typedef enum sb_sbrp_relay_session_state {
  SB_SBRP_RSESSION_NONE,
  SB_SBRP_RSESSION_DAEMON_ONLY,
  SB_SBRP_RSESSION_PAIRED,
  SB_SBRP_RSESSION_PAUSED,
  SB_SBRP_RSESSION_PENDING,
  SB_SBRP_RSESSION_CLOSED
} sb_sbrp_relay_session_state;

/* The control plane's JWKS endpoint (AUTH-030): write its keys (at most
 * `cap`) into `keys`, `*n` their number; 0, or an error (the relay keeps
 * its cached keys). Synchronous: the driver answers from its own fetch. */
typedef int (*sb_sbrp_relay_jwks_fn)(void *ctx, sb_time_us now, sb_auth_jwk *keys, size_t cap,
                                     size_t *n);

#define SB_SBRP_RELAY_DEFAULT_JWKS_MAX_AGE SB_TIME_S(300)   /* AUTH-031: at most 5 minutes */
#define SB_SBRP_RELAY_DEFAULT_JWKS_REFETCH_MIN SB_TIME_S(10) /* unknown-kid refetches, at most this often */

typedef struct sb_sbrp_relay_config {
  const char *issuer;     /* expected `iss` (AUTH-V06); copied, at most STR_MAX bytes */
  const char *region;     /* the relay's region, or NULL (AUTH-V13); copied */
  sb_auth_jwk keys[SB_SBRP_RELAY_MAX_KEYS]; /* the control plane's JWKS (AUTH-030) */
  size_t nkeys;
  int64_t epoch_s;        /* Unix time of now == 0, for token expiry (AUTH-V08) */
  int skew_s;             /* clock-skew allowance, 0..30 (sb_sbrp_relay_config_init: 30) */
  sb_time_us grace;       /* resume grace period, 0 = 30 s (SBRP-RES-003) */
  uint32_t rate_limit;    /* messages per window per connection, 0 = off (SBRP-RELAY-040) */
  sb_time_us rate_window; /* 0 = 1 s */
  size_t backpressure_bytes; /* queued bytes that make a receiver slow, 0 = off (SBRP-RELAY-041) */
  sb_time_us idle_timeout;   /* close connections silent this long, 0 = off (SBRP-KA-005) */
  uint32_t max_sessions_per_daemon; /* 0 = the token's lim or unlimited (AO-7) */
  /* JWKS cache (AUTH-031/032, errata E-SCEN-ADV-3). NULL jwks_fetch: `keys` never change.
   * Otherwise `keys` is the JWKS as fetched at time 0; an upgrade first refetches it when
   * the cache is jwks_max_age old (0 = 5 min), and a token whose kid the cache lacks
   * refetches it once, unless the last fetch is less than jwks_refetch_min old (0 = 10 s). */
  sb_sbrp_relay_jwks_fn jwks_fetch;
  void *jwks_ctx;
  sb_time_us jwks_max_age, jwks_refetch_min;
} sb_sbrp_relay_config;

/* The machine; its internals are private to relay.c (fields may change). */
typedef struct sb_sbrp_relay sb_sbrp_relay;

/* A config with the defaults: zeroes, skew_s 30, `issuer` (may be NULL). */
void sb_sbrp_relay_config_init(sb_sbrp_relay_config *cfg, const char *issuer);

/* Bytes of storage a relay needs (caller-provided, e.g. static or malloc). */
size_t sb_sbrp_relay_size(void);

/* Set up a relay in `mem` (sb_sbrp_relay_size() bytes, aligned for any type).
 * `cfg` (keys and strings included), `io` and `rng` are copied (`rng` may be
 * NULL: the relay draws nothing yet; kept for relay-initiated Pings). SB_ERR_ARG
 * on NULL, no issuer, no io.send, skew_s outside 0..30 or nkeys over
 * SB_SBRP_RELAY_MAX_KEYS; SB_ERR_RANGE if issuer or region is too long. */
SB_NODISCARD int sb_sbrp_relay_init(void *mem, const sb_sbrp_relay_config *cfg,
                                    const sb_sbrp_io *io, const sb_rng *rng, sb_sbrp_relay **out);

/* A WebSocket upgrade on connection `conn` carrying `token` (query parameter
 * or bearer header, AUTH-020/021; NULL = no token). `*http_status`:
 *   101 accepted, returns 0 (the relay may already have sent Control frames:
 *       daemon_offline then close, R-002, SBRP-RELAY-005);
 *   401 a validation step failed (AUTH-V01..V16): returns that step's error;
 *   409 the token's `sid` was already used (live or remembered): SB_ERR_EXISTS;
 *   429 the daemon has its concurrent-session cap of sessions: SB_ERR_FULL;
 *   503 the relay's connection, session or daemon table is full (SB_ERR_FULL),
 *       or the `did` is longer than SB_SBRP_RELAY_DID_MAX (SB_ERR_RANGE).
 * SB_ERR_ARG on NULL arguments, SB_ERR_STATE if `conn` is already open
 * (`*http_status` 0 for both). */
SB_NODISCARD int sb_sbrp_relay_upgrade(sb_sbrp_relay *r, sb_time_us now, sb_sbrp_conn conn,
                                       const char *token, int *http_status);

/* The same on an endpoint that serves one role only: `endpoint` CLIENT or
 * DAEMON (NONE: the one fixed endpoint of AUTH-023, as sb_sbrp_relay_upgrade).
 * A token that passes the 16 steps but has the other role is refused with
 * 401 SB_ERR_AUTH_ROLE_MISMATCH (AUTH-V10, errata E-AUTH-10). */
SB_NODISCARD int sb_sbrp_relay_upgrade_at(sb_sbrp_relay *r, sb_time_us now, sb_sbrp_conn conn,
                                          sb_auth_role endpoint, const char *token,
                                          int *http_status);

/* One WebSocket message on an accepted connection. Returns 0 once the
 * message is handled, whatever the protocol outcome (forwarded, answered,
 * dropped or refused with a Control frame: see io.note); SB_ERR_ARG on
 * NULL arguments, SB_ERR_NOT_FOUND if `conn` is not an open connection. */
SB_NODISCARD int sb_sbrp_relay_recv(sb_sbrp_relay *r, sb_time_us now, sb_sbrp_conn conn,
                                    const uint8_t *frame, size_t len);

/* Connection `conn` closed (either side). SB_ERR_NOT_FOUND if unknown. */
SB_NODISCARD int sb_sbrp_relay_ws_close(sb_sbrp_relay *r, sb_time_us now, sb_sbrp_conn conn);

/* When the machine wants sb_sbrp_relay_timeout (SB_SBRP_NO_DEADLINE if never). */
sb_time_us sb_sbrp_relay_deadline(const sb_sbrp_relay *r);

/* Handle deadlines due at `now`: grace expiry, idle connections. SB_ERR_ARG on NULL. */
SB_NODISCARD int sb_sbrp_relay_timeout(sb_sbrp_relay *r, sb_time_us now);

/* State of session `session_id` (NONE if unknown), for scenarios. */
sb_sbrp_relay_session_state sb_sbrp_relay_session_state_of(const sb_sbrp_relay *r,
                                                            uint64_t session_id);

/* State of daemon `did`'s presence record: DAEMON_ONLY while it waits for
 * its first client after connecting, else NONE. */
sb_sbrp_relay_session_state sb_sbrp_relay_presence_state(const sb_sbrp_relay *r,
                                                          const char *did);

/* Whether daemon `did` is connected. */
bool sb_sbrp_relay_daemon_online(const sb_sbrp_relay *r, const char *did);

/* Live sessions (Paired, Paused, Pending) of daemon `did`. */
size_t sb_sbrp_relay_session_count(const sb_sbrp_relay *r, const char *did);

/* Name of a session state ("None", "DaemonOnly", "Paired", ...), or NULL. */
const char *sb_sbrp_relay_session_state_name(sb_sbrp_relay_session_state s);

/* WebSocket close code after the terminal Control `code` (sbrp.md O-10):
 * 1008 for 0x01xx, 0x02xx and 0x04xx, 1011 internal_error, 1013 backpressure
 * and daemon_offline, 1000 session_expired and session_not_found; 0 for a
 * non-terminal code (the relay does not close). */
uint16_t sb_sbrp_relay_close_code(uint16_t code);

#endif
