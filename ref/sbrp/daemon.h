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
 *   sb_sbrp_daemon_drop_session(d, now, sid, event)  forget it, send nothing
 *   sb_sbrp_daemon_restart(d, now)             the process restarts: volatile state gone
 *   sb_sbrp_daemon_restore(d, record, len)     after a restart: one stored record back
 *   sb_sbrp_daemon_close(d, now)               -> Closed (D-011)
 *   sb_sbrp_daemon_timeout(d, now)             at sb_sbrp_daemon_deadline(d)
 *
 * Transitions are reported on two machines: "daemon" (the relay connection:
 * Idle, Registered, Connected, Reconnecting, Closed) and "daemon/session"
 * (per SessionID, with the table's names: Connected -> Handshaking (D-003)
 * -> Active (D-004) -> Reconnecting (kept, D-006) -> Connected (D-007) ->
 * Active (D-009) or Connected (D-010, then removed); a removed session is
 * "Idle (session)" (D-005, D-008, D-012).
 *
 * Choices where the tables are silent (reports/errata.md): a
 * session whose HandshakeAccept was not yet sent when the connection
 * dropped is answered state_lost; decrypt_failed ends that session only,
 * with Signal(close, error); a used-up send counter likewise; close (D-011)
 * first sends Signal(close, shutdown) for each session; an unknown Control
 * code makes the daemon close (1002) and reconnect. Records are the
 * session export of sbrp/session.h (persist_state, rewritten after every
 * change so a restart never reuses a nonce) or the 8-byte big-endian
 * SessionID; only a resumable daemon writes them.
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
  bool strict_direction;     /* check the nonce direction field (sbrp.md O-5) */
  bool sdk_token_peek;       /* read `did` as the upstream SDK does (AUTH-062), not strictly */
} sb_sbrp_daemon_config;

/* Per-session state; treat as opaque. */
typedef struct sb_sbrp_daemon_session {
  sb_sbrp_daemon_session_state state;
  uint64_t session_id;
  sb_sbrp_session traffic;
  uint8_t client_eph_pub[32];
  sb_time_us deadline; /* accept due (Handshaking) or handshake timeout */
  bool state_lost;     /* after a restart without persisted state */
  sb_time_us accept_at, expire_at; /* Handshaking: HandshakeAccept due; 30 s limit (D-012) */
  uint8_t accept_frame[SB_SBRP_HEADER_BYTES + SB_SBRP_HANDSHAKE_ACCEPT_BYTES];
  sb_sbrp_session_keys pending_keys; /* derived, used once the accept is sent */
} sb_sbrp_daemon_session;

/* Stored-record callback (the daemon's disk): the driver keeps `len` bytes
 * for `session_id` (len 0: delete). Set with sb_sbrp_daemon_set_store. */
typedef void (*sb_sbrp_daemon_store_fn)(void *ctx, uint64_t session_id, const uint8_t *record,
                                        size_t len);

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
  bool opening; /* io.open called, ws_open / ws_close not yet seen */
  sb_sbrp_daemon_store_fn store;
  void *store_ctx;
  char text[160], event[96];      /* note / event texts, valid during the callback */
  uint8_t buf[SB_SBRP_MAX_FRAME]; /* sealed frame out / plaintext in */
} sb_sbrp_daemon;

/* Set up a daemon in Idle (identity derived from the seed). `io` and `rng`
 * are copied; the daemon ID is copied (1..255 bytes, SB_ERR_ARG otherwise;
 * also for no io.send or negative times); a window under 64 is
 * SB_ERR_SBRP_WINDOW_SIZE. The struct holds a 64 KiB buffer. */
SB_NODISCARD int sb_sbrp_daemon_init(sb_sbrp_daemon *d, const sb_sbrp_daemon_config *cfg,
                                     const sb_sbrp_io *io, const sb_rng *rng);

/* Where the daemon writes its stored records (NULL: it stores nothing). */
void sb_sbrp_daemon_set_store(sb_sbrp_daemon *d, sb_sbrp_daemon_store_fn fn, void *ctx);

/* Idle -> Registered (D-001): the identity exists and its public key is
 * registered with the control plane (the driver's part). */
SB_NODISCARD int sb_sbrp_daemon_register(sb_sbrp_daemon *d, sb_time_us now);

/* Open the relay connection with a presence token (Registered or
 * Reconnecting; SB_ERR_STATE otherwise or while an open is outstanding).
 * The token's `did` must be this daemon's ID (AUTH-061): otherwise
 * SB_ERR_AUTH_PEEK_DID / SB_ERR_AUTH_DID_MISMATCH and -> Closed. */
SB_NODISCARD int sb_sbrp_daemon_connect(sb_sbrp_daemon *d, sb_time_us now, const char *token);

/* Same as connect, for the Reconnecting state (a renewed presence token). */
SB_NODISCARD int sb_sbrp_daemon_reconnect(sb_sbrp_daemon *d, sb_time_us now, const char *token);

/* The relay WebSocket is open: -> Connected; after a reconnect, check and
 * signal every kept session (D-007/D-009/D-010) or drop them (D-008).
 * SB_ERR_STATE unless an open was asked for. */
SB_NODISCARD int sb_sbrp_daemon_ws_open(sb_sbrp_daemon *d, sb_time_us now, sb_sbrp_conn conn);

/* The relay WebSocket closed or failed: -> Reconnecting (D-006); sessions of
 * a resumable daemon are kept, others dropped. A failed open changes no
 * state (note); a close of a connection already left is a no-op. */
SB_NODISCARD int sb_sbrp_daemon_ws_close(sb_sbrp_daemon *d, sb_time_us now);

/* One WebSocket message from the relay. Protocol outcomes are transitions
 * and notes: 0 once handled (late frames after a drop are noted);
 * SB_ERR_ARG; SB_ERR_STATE before the first connection; SB_ERR_RNG if no
 * ephemeral can be drawn for a HandshakeInit. */
SB_NODISCARD int sb_sbrp_daemon_recv(sb_sbrp_daemon *d, sb_time_us now, const uint8_t *frame,
                                     size_t len);

/* Encrypt and send one Data frame of session `session_id`. SB_ERR_STATE
 * unless Connected and the session Active (SBRP-CRYPTO-009); SB_ERR_NOT_FOUND;
 * SB_ERR_SBRP_SEQ_EXHAUSTED (the session ends: Signal(close, error)). */
SB_NODISCARD int sb_sbrp_daemon_send(sb_sbrp_daemon *d, sb_time_us now, uint64_t session_id,
                                     const uint8_t *data, size_t len);

/* End session `session_id` with Signal(close, reason) (SBRP-SIG-003) and
 * forget it. SB_ERR_SBRP_SIGNAL_REASON for an undefined reason,
 * SB_ERR_STATE unless Connected, SB_ERR_NOT_FOUND. */
SB_NODISCARD int sb_sbrp_daemon_end_session(sb_sbrp_daemon *d, sb_time_us now,
                                            uint64_t session_id, uint8_t reason);

/* Forget session `session_id` without sending anything (no Signal: the
 * layer above terminated it, e.g. a slow consumer, CLOUD-085/086): keys
 * wiped, stored record deleted, "daemon/session" -> "Idle (session)" with
 * `event` (NULL: "drop_session") in the transition. Its later frames are an
 * unknown SessionID. SB_ERR_STATE unless Connected, SB_ERR_NOT_FOUND. */
SB_NODISCARD int sb_sbrp_daemon_drop_session(sb_sbrp_daemon *d, sb_time_us now,
                                             uint64_t session_id, const char *event);

/* The process restarts: every volatile byte is gone; the relay connection is
 * closed (the driver closes its link) -> Reconnecting; the grace period is
 * counted from `now`. Stored records come back through
 * sb_sbrp_daemon_restore before the next connect. SB_ERR_STATE in Idle or Closed. */
SB_NODISCARD int sb_sbrp_daemon_restart(sb_sbrp_daemon *d, sb_time_us now);

/* After a restart: give back one stored record. A record that fails the
 * state-integrity check, or holds only the SessionID, marks the session
 * state_lost (Signal(close, state_lost) on reconnect, SBRP-RES-005/007);
 * 0 either way. SB_ERR_SBRP_STATE_LOST if no SessionID can be read,
 * SB_ERR_EXISTS, SB_ERR_FULL; SB_ERR_STATE unless Reconnecting and not
 * connecting, or for a non-resumable daemon. */
SB_NODISCARD int sb_sbrp_daemon_restore(sb_sbrp_daemon *d, const uint8_t *record, size_t len);

/* Shut down: Signal(close, shutdown) for each session, -> Closed (D-011),
 * io.close(1000), all key material wiped (identity too). SB_ERR_STATE once Closed. */
SB_NODISCARD int sb_sbrp_daemon_close(sb_sbrp_daemon *d, sb_time_us now);

/* When the machine wants sb_sbrp_daemon_timeout (SB_SBRP_NO_DEADLINE if never). */
sb_time_us sb_sbrp_daemon_deadline(const sb_sbrp_daemon *d);

/* Handle deadlines due at `now` (delayed HandshakeAccept, handshake timeout D-012). */
SB_NODISCARD int sb_sbrp_daemon_timeout(sb_sbrp_daemon *d, sb_time_us now);

/* The session record of `session_id`, or NULL. */
const sb_sbrp_daemon_session *sb_sbrp_daemon_session_get(const sb_sbrp_daemon *d,
                                                         uint64_t session_id);

/* Names ("Connected", "Active"...) as the tables write them. A session
 * kept across a dropped connection is "Reconnecting" (rows D-006, D-007),
 * a removed one "Idle (session)" (D-005; D-008, D-010, D-012 end there too). */
const char *sb_sbrp_daemon_state_name(sb_sbrp_daemon_state s);
const char *sb_sbrp_daemon_session_state_name(sb_sbrp_daemon_session_state s);

/* Connection state (for drivers and scenarios). */
sb_sbrp_daemon_state sb_sbrp_daemon_state_of(const sb_sbrp_daemon *d);

/* The relay connection in use, or SB_SBRP_NO_CONN (ws_close and recv refer to it). */
sb_sbrp_conn sb_sbrp_daemon_connection(const sb_sbrp_daemon *d);

/* Number of sessions the daemon holds (Handshaking, Active or kept). */
size_t sb_sbrp_daemon_session_count(const sb_sbrp_daemon *d);

/* Test hook (scenarios/README.md "Test hooks"): the traffic state of Active
 * session `session_id` for sb_sbrp_session_debug_*, or NULL. */
sb_sbrp_session *sb_sbrp_daemon_debug_session(sb_sbrp_daemon *d, uint64_t session_id);

#endif
