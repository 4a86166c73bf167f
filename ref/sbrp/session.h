/*
 * SBRP per-session traffic state of one endpoint (sbrp.md 5.3-5.4, 6, 11).
 *
 * Send side: the outbound key and direction of the role (client: K_c2d and
 * 1, daemon: K_d2c and 2, SBRP-CRYPTO-021) and the next sequence number,
 * from 0 (SBRP-CRYPTO-030). The last number sent is 2^64-2: once the counter
 * reaches 2^64-1 the session refuses to send (SBRP-CRYPTO-032, sbrp.md O-4;
 * upstream sends 2^64-1 and then wraps to 0, reusing a nonce).
 *
 * Receive side: the inbound key and a replay window of W >= 64 (default 128,
 * SBRP-REPLAY-001/002). A Data frame is handled as: decode, window check
 * (cheap reject of replays), AEAD open, and only then window update, so a
 * forged frame cannot burn the sequence number of the genuine one (upstream
 * updates the window before opening).
 *
 * Resumption (SBRP-RES-006/007): the whole state exports to bytes and
 * imports back only if it passes the integrity check: SessionID != 0, both
 * keys present and exactly 32 bytes, send counter below 2^64-1, W >= 64,
 * bitmap consistent with max_seen, nothing missing or trailing. Layout (our
 * own, not on the wire; integers big-endian):
 *
 *   0   u8   format version (1)
 *   1   u8   role (1 client, 2 daemon)
 *   2   u64  SessionID (!= 0)
 *   10  u8   send key length (32), then the key
 *   43  u8   receive key length (32), then the key
 *   76  u64  next send sequence number (< 2^64-1)
 *   84  u8   strict direction check (0 or 1)
 *   85  u16  replay window W (64 .. SB_CONFIG_REPLAY_MAX_WINDOW)
 *   87  u8   a number was accepted (0 or 1)
 *   88  u64  max_seen
 *   96  ceil(W/64) x u64: bitmap words, word 0 (bits 0-63) first
 */
#ifndef SB_SBRP_SESSION_H
#define SB_SBRP_SESSION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/config.h"
#include "sbrp/frame.h"
#include "sbrp/handshake.h"
#include "sbrp/replay.h"

#define SB_SBRP_SESSION_MIN_WINDOW 64u
#define SB_SBRP_SESSION_DEFAULT_WINDOW 128u
/* Last sequence number a sender may use (2^64-2). */
#define SB_SBRP_SEQ_LAST (UINT64_MAX - 1)

#define SB_SBRP_SESSION_STATE_VERSION 1u
#define SB_SBRP_SESSION_STATE_BYTES(w) (96u + 8u * (((w) + 63u) / 64u))
#define SB_SBRP_SESSION_STATE_MAX_BYTES SB_SBRP_SESSION_STATE_BYTES(SB_CONFIG_REPLAY_MAX_WINDOW)

typedef enum sb_sbrp_role { SB_SBRP_ROLE_CLIENT = 1, SB_SBRP_ROLE_DAEMON = 2 } sb_sbrp_role;

typedef struct sb_sbrp_session_options {
  uint32_t window;       /* W; 0 = SB_SBRP_SESSION_DEFAULT_WINDOW */
  bool strict_direction; /* require the peer's direction in nonce bytes 0-3 (sbrp.md O-5) */
} sb_sbrp_session_options;

typedef struct sb_sbrp_session {
  uint64_t session_id;
  uint8_t role; /* sb_sbrp_role */
  bool strict_direction;
  uint8_t send_key[SB_SBRP_KEY_BYTES];
  uint8_t recv_key[SB_SBRP_KEY_BYTES];
  uint64_t send_next; /* next sequence number to send */
  sb_sbrp_replay recv;
} sb_sbrp_session;

/* Start a session from the handshake keys (copied; `opts` may be NULL). SB_ERR_ARG (role),
 * SB_ERR_SBRP_SID_ZERO, SB_ERR_SBRP_WINDOW_SIZE (W < 64), SB_ERR_RANGE (W > max). */
SB_NODISCARD int sb_sbrp_session_init(sb_sbrp_session *s, sb_sbrp_role role, uint64_t session_id,
                                      const sb_sbrp_session_keys *keys,
                                      const sb_sbrp_session_options *opts);

/* Seal `pt` as this side's next Data frame; the counter advances on success only.
 * SB_ERR_SBRP_SEQ_EXHAUSTED at 2^64-1 (a new handshake is needed), else as sb_sbrp_aead_seal. */
SB_NODISCARD int sb_sbrp_session_seal(sb_sbrp_session *s, const uint8_t *pt, size_t pt_len,
                                      uint8_t *frame, size_t frame_cap, size_t *frame_len);

/* Open the peer's decoded Data frame into `pt` (`*seq` may be NULL); the window moves on success
 * only. In order: SB_ERR_ARG, _DATA_SHORT, SB_ERR_BUF, _REPLAY/_TOO_OLD, _DIRECTION, _DECRYPT. */
SB_NODISCARD int sb_sbrp_session_open(sb_sbrp_session *s, const sb_sbrp_frame *f, uint8_t *pt,
                                      size_t pt_cap, size_t *pt_len, uint64_t *seq);

/* Wipe all key material and state (session close, SBRP-CRYPTO-007). */
void sb_sbrp_session_wipe(sb_sbrp_session *s);

/* Write the state in the layout above; `*out_len` = size written (or needed, with
 * SB_ERR_BUF). SB_ERR_STATE for a wiped session. */
SB_NODISCARD int sb_sbrp_session_export(const sb_sbrp_session *s, uint8_t *out, size_t out_cap,
                                        size_t *out_len);

/* Parse stored state into `s` through the SBRP-RES-007 integrity check (see the top of the file).
 * Any failure: SB_ERR_SBRP_STATE_LOST (answer Signal(close, state_lost)), `s` untouched. */
SB_NODISCARD int sb_sbrp_session_import(const uint8_t *in, size_t len, sb_sbrp_session *s);

/* The integrity check alone, as a pure function: 0 or SB_ERR_SBRP_STATE_LOST. */
SB_NODISCARD int sb_sbrp_session_check_state(const uint8_t *in, size_t len);

/* ---- test hooks (scenarios/README.md "Test hooks"); no endpoint calls them ---- */

/* Move the next send sequence number forward to `next`, so a scenario can
 * reach sequence exhaustion (SBRP-CRYPTO-032) without sending 2^64 frames.
 * `next` may be 2^64-1 (the counter is then used up). SB_ERR_RANGE if `next`
 * is below the counter (that would reuse a nonce); SB_ERR_ARG on NULL or a
 * wiped session. A persisting daemon's stored record catches up at its next send. */
SB_NODISCARD int sb_sbrp_session_debug_set_send_seq(sb_sbrp_session *s, uint64_t next);

/* Seal `pt` with this side's send key as a Data frame carrying any `direction`
 * and `seq`, without touching the counter: what a buggy or hostile holder of
 * the key sends (a wrong direction field, a number at or past the limit).
 * Errors as sb_sbrp_aead_seal; SB_ERR_ARG on NULL or a wiped session. */
SB_NODISCARD int sb_sbrp_session_debug_seal(const sb_sbrp_session *s, uint32_t direction,
                                            uint64_t seq, const uint8_t *pt, size_t pt_len,
                                            uint8_t *frame, size_t frame_cap, size_t *frame_len);

#endif
