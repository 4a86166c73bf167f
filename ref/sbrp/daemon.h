/*
 * The SBRP daemon machine (sbrp.md 13.2, rows SBRP-SM-D-001..012; section
 * 11 resumption): one relay connection carrying many sessions, each keyed by
 * the SessionID of the client's HandshakeInit (SBRP-WIRE-017).
 *
 * Connection states: Idle, Registered, Connected, Reconnecting, Closed.
 * Session states: Handshaking, Active (a session that ends is removed:
 * "Idle (session)" in the table).
 *
 * Resumption (SBRP-RES-*): a resumable daemon (presence token scope
 * `session:resume`) keeps its sessions across a dropped relay connection;
 * on reconnecting within the grace period it checks each session's state
 * (SBRP-RES-007) and sends Signal(ready) or Signal(close, state_lost) before
 * handling any frame of that session. After a process restart only what it
 * persisted survives: the driver owns the "disk" (io `store` below, and
 * sb_sbrp_daemon_restore after a restart), so a scenario can lose or corrupt
 * it. A non-resumable daemon sends no Signals (SBRP-RES-009).
 *
 * The driver (sbrp/machine.h):
 *   sb_sbrp_daemon_register(d, now)            Idle -> Registered (D-001)
 *   sb_sbrp_daemon_connect(d, now, token)      io.open(presence token)
 *   sb_sbrp_daemon_ws_open(d, now, conn)       -> Connected (D-002, D-007, D-008)
 *   sb_sbrp_daemon_ws_close(d, now)            -> Reconnecting (D-006)
 *   sb_sbrp_daemon_reconnect(d, now, token)    Reconnecting: io.open(renewed token)
 *   sb_sbrp_daemon_recv(d, now, frame, len)    HandshakeInit, Data, Control, Ping
 *   sb_sbrp_daemon_send(d, now, sid, data, n)  one Data frame of session sid
 *   sb_sbrp_daemon_end_session(d, now, sid, reason)  Signal(close, reason)
 *   sb_sbrp_daemon_restart(d, now)             the process restarts: volatile state gone
 *   sb_sbrp_daemon_restore(d, record, len)     after a restart: one stored record back
 *   sb_sbrp_daemon_close(d, now)               -> Closed (D-011)
 *   sb_sbrp_daemon_timeout(d, now)             at sb_sbrp_daemon_deadline(d)
 */
#ifndef SB_SBRP_DAEMON_H
#define SB_SBRP_DAEMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/config.h"
#include "sbrp/handshake.h"
#include "sbrp/machine.h"
#include "sbrp/session.h"

#ifndef SB_SBRP_DAEMON_MAX_SESSIONS
#define SB_SBRP_DAEMON_MAX_SESSIONS 32
#endif

typedef enum sb_sbrp_daemon_state {
  SB_SBRP_DAEMON_IDLE,
  SB_SBRP_DAEMON_REGISTERED,
  SB_SBRP_DAEMON_CONNECTED,
  SB_SBRP_DAEMON_RECONNECTING,
  SB_SBRP_DAEMON_CLOSED
} sb_sbrp_daemon_state;

typedef enum sb_sbrp_daemon_session_state {
  SB_SBRP_DSESSION_NONE,        /* free slot / removed ("Idle (session)") */
  SB_SBRP_DSESSION_HANDSHAKING,
  SB_SBRP_DSESSION_ACTIVE,
  SB_SBRP_DSESSION_SUSPENDED    /* kept across a dropped connection, awaiting the check */
} sb_sbrp_daemon_session_state;

typedef struct sb_sbrp_daemon_config {
  const uint8_t *daemon_id; /* own ID (the `did` of its presence token), not NUL-terminated */
  size_t daemon_id_len;
  uint8_t identity_seed[32]; /* Ed25519 identity (SBRP-CRYPTO-001) */
  bool resumable;            /* presence token scope has session:resume (SBRP-RES-002) */
  bool persist_state;        /* session state survives a process restart (stored, then checked) */
  sb_time_us grace;          /* 0 = 30 s (SBRP-RES-003): resume only within it */
  sb_time_us accept_delay;   /* time between HandshakeInit and HandshakeAccept (a slow daemon) */
  sb_time_us handshake_timeout; /* 0 = 30 s (SBRP-CRYPTO-008, D-012) */
  uint32_t replay_window;    /* 0 = 128 */
} sb_sbrp_daemon_config;

/* Per-session state; treat as opaque. */
typedef struct sb_sbrp_daemon_session {
  sb_sbrp_daemon_session_state state;
  uint64_t session_id;
  sb_sbrp_session traffic;
  uint8_t client_eph_pub[32];
  sb_time_us deadline; /* accept due (Handshaking) or handshake timeout */
  bool state_lost;     /* after a restart without persisted state */
} sb_sbrp_daemon_session;

/* The machine; treat as opaque (fields may change). */
typedef struct sb_sbrp_daemon {
  sb_sbrp_daemon_config cfg;
  uint8_t daemon_id[256];
  sb_sbrp_identity identity;
  sb_sbrp_io io;
  sb_rng rng;
  sb_sbrp_daemon_state state;
  sb_sbrp_conn conn;
  sb_time_us disconnected_at;
  sb_sbrp_daemon_session sessions[SB_SBRP_DAEMON_MAX_SESSIONS];
} sb_sbrp_daemon;

/* Stored-record callback (the daemon's disk): the driver keeps `len` bytes
 * for `session_id` (len 0: delete). Set with sb_sbrp_daemon_set_store. */
typedef void (*sb_sbrp_daemon_store_fn)(void *ctx, uint64_t session_id, const uint8_t *record,
                                        size_t len);

/* Set up a daemon in Idle (identity derived from the seed). `io` and `rng`
 * are copied; the daemon ID is copied (at most 255 bytes). */
SB_NODISCARD int sb_sbrp_daemon_init(sb_sbrp_daemon *d, const sb_sbrp_daemon_config *cfg,
                                     const sb_sbrp_io *io, const sb_rng *rng);

/* Where the daemon writes its stored records (NULL: it stores nothing). */
void sb_sbrp_daemon_set_store(sb_sbrp_daemon *d, sb_sbrp_daemon_store_fn fn, void *ctx);

/* Idle -> Registered (D-001): the identity exists and its public key is
 * registered with the control plane (the driver's part). */
SB_NODISCARD int sb_sbrp_daemon_register(sb_sbrp_daemon *d, sb_time_us now);

/* Open the relay connection with a presence token (Registered or Reconnecting). */
SB_NODISCARD int sb_sbrp_daemon_connect(sb_sbrp_daemon *d, sb_time_us now, const char *token);

/* Same as connect, for the Reconnecting state (a renewed presence token). */
SB_NODISCARD int sb_sbrp_daemon_reconnect(sb_sbrp_daemon *d, sb_time_us now, const char *token);

/* The relay WebSocket is open: -> Connected; after a reconnect, check and
 * signal every kept session (D-007/D-009/D-010) or drop them (D-008). */
SB_NODISCARD int sb_sbrp_daemon_ws_open(sb_sbrp_daemon *d, sb_time_us now, sb_sbrp_conn conn);

/* The relay WebSocket closed or failed: -> Reconnecting (D-006); sessions of
 * a resumable daemon are kept, others dropped. */
SB_NODISCARD int sb_sbrp_daemon_ws_close(sb_sbrp_daemon *d, sb_time_us now);

/* One WebSocket message from the relay. */
SB_NODISCARD int sb_sbrp_daemon_recv(sb_sbrp_daemon *d, sb_time_us now, const uint8_t *frame,
                                     size_t len);

/* Encrypt and send one Data frame of session `session_id` (Active only). */
SB_NODISCARD int sb_sbrp_daemon_send(sb_sbrp_daemon *d, sb_time_us now, uint64_t session_id,
                                     const uint8_t *data, size_t len);

/* End session `session_id` with Signal(close, reason) (SBRP-SIG-003). */
SB_NODISCARD int sb_sbrp_daemon_end_session(sb_sbrp_daemon *d, sb_time_us now,
                                            uint64_t session_id, uint8_t reason);

/* The process restarts: every volatile byte is gone; the relay connection is
 * closed (the driver closes its link). Stored records come back through
 * sb_sbrp_daemon_restore before the next connect. */
SB_NODISCARD int sb_sbrp_daemon_restart(sb_sbrp_daemon *d, sb_time_us now);

/* After a restart: give back one stored record. A record that fails the
 * state-integrity check marks the session state_lost (Signal(close,
 * state_lost) on reconnect, SBRP-RES-005/007). */
SB_NODISCARD int sb_sbrp_daemon_restore(sb_sbrp_daemon *d, const uint8_t *record, size_t len);

/* Shut down: -> Closed (D-011), all key material wiped. */
SB_NODISCARD int sb_sbrp_daemon_close(sb_sbrp_daemon *d, sb_time_us now);

/* When the machine wants sb_sbrp_daemon_timeout (SB_SBRP_NO_DEADLINE if never). */
sb_time_us sb_sbrp_daemon_deadline(const sb_sbrp_daemon *d);

/* Handle deadlines due at `now` (delayed HandshakeAccept, handshake timeout D-012). */
SB_NODISCARD int sb_sbrp_daemon_timeout(sb_sbrp_daemon *d, sb_time_us now);

/* The session record of `session_id`, or NULL. */
const sb_sbrp_daemon_session *sb_sbrp_daemon_session_get(const sb_sbrp_daemon *d,
                                                         uint64_t session_id);

/* Names ("Connected", "Active"...) as the tables write them. */
const char *sb_sbrp_daemon_state_name(sb_sbrp_daemon_state s);
const char *sb_sbrp_daemon_session_state_name(sb_sbrp_daemon_session_state s);

#endif
