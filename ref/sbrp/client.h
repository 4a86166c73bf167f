/*
 * The SBRP client machine (sbrp.md 13.1, rows SBRP-SM-C-001..018): one
 * session with one daemon through the relay, from Idle to Closed, with the
 * handshake (SBRP-CRYPTO-*), TOFU under a trust policy (section 12), the
 * paused / pending / resumed states the relay signals, and reconnection
 * with a new token, new ephemerals and new counters (SBRP-RES-001).
 *
 * States: Idle, Connecting, Handshaking, Active, Paused, Pending,
 * Reconnecting, Closed.
 *
 * The driver (sbrp/machine.h):
 *   sb_sbrp_client_connect(c, now, token)      Idle -> Connecting; io.open(token)
 *   sb_sbrp_client_ws_open(c, now, conn)       -> Handshaking; sends HandshakeInit
 *   sb_sbrp_client_ws_error(c, now)            Connecting/Reconnecting -> Closed
 *   sb_sbrp_client_ws_close(c, now)            Active/Paused/Pending -> Reconnecting
 *   sb_sbrp_client_recv(c, now, frame, len)    HandshakeAccept, Data, Control, Ping/Pong
 *   sb_sbrp_client_reconnect(c, now, token)    Reconnecting: io.open(new token)
 *   sb_sbrp_client_send(c, now, data, len)     one Data frame (Active only)
 *   sb_sbrp_client_close(c, now)               Active -> Closed (the user closes)
 *   sb_sbrp_client_timeout(c, now)             at sb_sbrp_client_deadline(c)
 * Reconnecting is left by the driver: it fetches a new session token (new
 * `sid`, AUTH-053) and calls sb_sbrp_client_reconnect, or gives up with
 * sb_sbrp_client_close. The machine never waits on its own for anything but
 * the 30 s handshake deadline (SBRP-CRYPTO-008, row SBRP-SM-C-018).
 *
 * Choices where the tables are silent (reports/errata.md): a
 * terminal Control without a row ends the connection as the upstream SDK
 * classifies it (retryable -> Reconnecting, fatal -> Closed), except
 * session_expired, which always reconnects (I-9); an unknown code is
 * terminal (SBRP-CTRL-005) -> Closed. When the client itself closes it uses
 * WebSocket code 1000 (user close, handshake timeout, counter used up), 1002
 * (bad HandshakeAccept, decrypt_failed, unknown Control code) or 1008 (the
 * trust policy refuses the identity).
 */
#ifndef SB_SBRP_CLIENT_H
#define SB_SBRP_CLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/config.h"
#include "sbrp/machine.h"
#include "sbrp/session.h"

typedef enum sb_sbrp_client_state {
  SB_SBRP_CLIENT_IDLE,
  SB_SBRP_CLIENT_CONNECTING,
  SB_SBRP_CLIENT_HANDSHAKING,
  SB_SBRP_CLIENT_ACTIVE,
  SB_SBRP_CLIENT_PAUSED,
  SB_SBRP_CLIENT_PENDING,
  SB_SBRP_CLIENT_RECONNECTING,
  SB_SBRP_CLIENT_CLOSED
} sb_sbrp_client_state;

typedef struct sb_sbrp_client_config {
  const uint8_t *daemon_id; /* the daemon ID asked for (bytes of `did`, not NUL-terminated) */
  size_t daemon_id_len;
  sb_sbrp_trust trust;
  /* PROMPT: the user's answers, fixed in advance (the simulator's script
   * decides them). First use: accept or refuse (handshake_failed); key
   * change: re-pin or refuse (identity_key_changed). */
  bool prompt_accept_first, prompt_accept_change;
  sb_time_us handshake_timeout; /* 0 = 30 s */
  uint32_t replay_window;       /* 0 = 128 */
  bool strict_direction;        /* check the nonce direction field (sbrp.md O-5) */
  bool sdk_token_peek;          /* read `sid` as the upstream SDK does (AUTH-062), not strictly */
} sb_sbrp_client_config;

/* The machine; treat as opaque (fields may change). */
typedef struct sb_sbrp_client {
  sb_sbrp_client_config cfg;
  uint8_t daemon_id[256];
  sb_sbrp_io io;
  sb_rng rng;
  sb_sbrp_client_state state;
  sb_sbrp_conn conn;
  uint64_t session_id; /* from the current token's sid */
  sb_sbrp_ephemeral eph;
  bool have_pin;
  uint8_t pin[32]; /* the TOFU pin (the pin store of this client) */
  sb_sbrp_session session;
  sb_time_us deadline;
  bool opening;             /* io.open called, ws_open / ws_error not yet seen */
  bool have_session;        /* `session` holds live traffic keys */
  char text[320];           /* note text (fingerprints), valid during the callback */
  uint8_t buf[SB_SBRP_MAX_FRAME]; /* sealed frame out / plaintext in */
} sb_sbrp_client;

/* Set up a client in Idle. `io` and `rng` are copied; `cfg->daemon_id` is
 * copied (1..255 bytes, SB_ERR_ARG otherwise; also for no io.send or an
 * unknown trust policy); a window under 64 is SB_ERR_SBRP_WINDOW_SIZE, over
 * SB_CONFIG_REPLAY_MAX_WINDOW SB_ERR_RANGE. The struct holds a 64 KiB
 * buffer: keep it off small stacks. */
SB_NODISCARD int sb_sbrp_client_init(sb_sbrp_client *c, const sb_sbrp_client_config *cfg,
                                     const sb_sbrp_io *io, const sb_rng *rng);

/* Set or clear the pinned identity key (the pin store the driver persists). */
void sb_sbrp_client_set_pin(sb_sbrp_client *c, const uint8_t *identity_pub /* 32 or NULL */);

/* The pinned key, if any (true and 32 bytes copied to out). */
bool sb_sbrp_client_get_pin(const sb_sbrp_client *c, uint8_t out[32]);

/* Idle -> Connecting (SBRP-SM-C-001): io.open(token). The token's `sid` is
 * read without verification (AUTH-060); a token without a usable sid is
 * handshake_failed (-> Closed, SB_ERR_AUTH_PEEK_SID). SB_ERR_STATE outside Idle. */
SB_NODISCARD int sb_sbrp_client_connect(sb_sbrp_client *c, sb_time_us now, const char *token);

/* Reconnecting: open a new WebSocket with a new session token (AUTH-053);
 * SB_ERR_STATE in any other state or while an open is outstanding; a token
 * without a usable sid -> Closed (SB_ERR_AUTH_PEEK_SID). */
SB_NODISCARD int sb_sbrp_client_reconnect(sb_sbrp_client *c, sb_time_us now, const char *token);

/* The WebSocket `conn` is open (C-002, C-015): fresh ephemerals, send
 * HandshakeInit, start the handshake deadline. SB_ERR_STATE unless an open
 * was asked for; SB_ERR_RNG (-> Closed) if no ephemeral can be drawn. */
SB_NODISCARD int sb_sbrp_client_ws_open(sb_sbrp_client *c, sb_time_us now, sb_sbrp_conn conn);

/* Opening the WebSocket failed (C-003, C-016); SB_ERR_STATE if none was asked for. */
SB_NODISCARD int sb_sbrp_client_ws_error(sb_sbrp_client *c, sb_time_us now);

/* The current WebSocket closed: Active (C-010), Paused or Pending ->
 * Reconnecting; Handshaking -> Closed (handshake_failed, C-007). After the
 * machine left the connection it is a no-op (note); SB_ERR_STATE before one. */
SB_NODISCARD int sb_sbrp_client_ws_close(sb_sbrp_client *c, sb_time_us now);

/* One WebSocket message from the relay. Frames a client must not get are
 * reported as notes and ignored; decrypt failures close the connection
 * (SBRP-CRYPTO-024); replays are dropped (SBRP-REPLAY-005). Protocol
 * outcomes are transitions and notes, not return values: 0 once the frame
 * is handled; SB_ERR_ARG; SB_ERR_STATE before any connection was opened. */
SB_NODISCARD int sb_sbrp_client_recv(sb_sbrp_client *c, sb_time_us now, const uint8_t *frame,
                                     size_t len);

/* Encrypt and send one Data frame; SB_ERR_STATE unless Active (SBRP-CRYPTO-009),
 * SB_ERR_SBRP_SEQ_EXHAUSTED once the counter is used up (the session ends). */
SB_NODISCARD int sb_sbrp_client_send(sb_sbrp_client *c, sb_time_us now, const uint8_t *data,
                                     size_t len);

/* The user closes (C-017) or gives up reconnecting: -> Closed, keys wiped,
 * io.close(1000) if a connection is open. SB_ERR_STATE once Closed. */
SB_NODISCARD int sb_sbrp_client_close(sb_sbrp_client *c, sb_time_us now);

/* When the machine wants sb_sbrp_client_timeout (SB_SBRP_NO_DEADLINE if never). */
sb_time_us sb_sbrp_client_deadline(const sb_sbrp_client *c);

/* Handle deadlines due at `now` (the 30 s handshake deadline, C-018: ->
 * Closed, handshake_timeout, io.close(1000)). Early calls do nothing. */
SB_NODISCARD int sb_sbrp_client_timeout(sb_sbrp_client *c, sb_time_us now);

/* Name of a state ("Idle", "Connecting", ...); the same names the tables use. */
const char *sb_sbrp_client_state_name(sb_sbrp_client_state s);

/* Current state (for drivers and scenarios). */
sb_sbrp_client_state sb_sbrp_client_state_of(const sb_sbrp_client *c);

/* The connection the machine uses now, or SB_SBRP_NO_CONN. ws_close and
 * recv always refer to this connection: a driver that learns of the close
 * of an older one (the machine already left it, e.g. after a terminal
 * Control) drops that event. */
sb_sbrp_conn sb_sbrp_client_connection(const sb_sbrp_client *c);

/* SessionID of the current token (0 before connect). */
uint64_t sb_sbrp_client_session_id(const sb_sbrp_client *c);

/* Test hook (scenarios/README.md "Test hooks"): the traffic state of the
 * current session for sb_sbrp_session_debug_*, or NULL while the client
 * holds no traffic keys (before Active, after the session ended). */
sb_sbrp_session *sb_sbrp_client_debug_session(sb_sbrp_client *c);

#endif
