/*
 * SBRP receive-side replay window (sbrp.md section 6, wire-crypto.md 2.4-2.5).
 *
 * A bitmap of W bits slides with the highest accepted sequence number:
 * bit i is set <=> sequence number max_seen - i was accepted. Unseen numbers
 * in [max_seen - (W-1), max_seen] and every number above max_seen are
 * acceptable; the first number ever is accepted whatever it is. Arithmetic is
 * exact u64 (SBRP-REPLAY-006): nothing wraps, so a sender that wrapped to 0
 * after 2^64-1 falls below the window.
 *
 * W is 1..SB_CONFIG_REPLAY_MAX_WINDOW here (upstream data has W = 1); the
 * protocol minimum of 64 is enforced by sbrp/session.h. Storage is inline,
 * no allocation. A jump of W or more resets the bitmap: the cost depends on
 * W only, never on the size of the jump (SBRP-REPLAY-004).
 */
#ifndef SB_SBRP_REPLAY_H
#define SB_SBRP_REPLAY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/config.h"

#define SB_SBRP_REPLAY_WORDS ((SB_CONFIG_REPLAY_MAX_WINDOW + 63u) / 64u)

/* Characters sb_sbrp_replay_bitmap_hex needs for window `w`, NUL included. */
#define SB_SBRP_REPLAY_HEX_SIZE(w) (((w) + 3u) / 4u + 1u)

typedef struct sb_sbrp_replay {
  uint32_t window;                     /* W */
  bool have_max;                       /* false until the first accepted number */
  uint64_t max_seen;                   /* highest accepted number (0 while !have_max) */
  uint64_t bits[SB_SBRP_REPLAY_WORDS]; /* bit i of the bitmap: bits[i / 64] >> (i % 64) */
} sb_sbrp_replay;

/* Empty window of `window` bits; SB_ERR_RANGE unless 1 <= window <= SB_CONFIG_REPLAY_MAX_WINDOW. */
SB_NODISCARD int sb_sbrp_replay_init(sb_sbrp_replay *r, uint32_t window);

/* Forget everything seen (W kept): the next number is accepted as the first. */
void sb_sbrp_replay_reset(sb_sbrp_replay *r);

/* Would `seq` be accepted? Never changes the window. 0, SB_ERR_SBRP_REPLAY (seen),
 * SB_ERR_SBRP_TOO_OLD (max_seen - seq >= W). */
SB_NODISCARD int sb_sbrp_replay_check(const sb_sbrp_replay *r, uint64_t seq);

/* Record `seq` as seen (after the check and, for Data, the AEAD open).
 * Same errors as the check, and then nothing changes. */
SB_NODISCARD int sb_sbrp_replay_update(sb_sbrp_replay *r, uint64_t seq);

/* Check, and on success update: the one-step form. */
SB_NODISCARD int sb_sbrp_replay_accept(sb_sbrp_replay *r, uint64_t seq);

/* Highest accepted number into `*max_seen`; false (and 0) before the first. */
bool sb_sbrp_replay_max_seen(const sb_sbrp_replay *r, uint64_t *max_seen);

/* Word `i` of the bitmap (bits 64i .. 64i+63); 0 beyond the window. */
uint64_t sb_sbrp_replay_bitmap_word(const sb_sbrp_replay *r, unsigned i);

/* The bitmap as a minimal lower-case hex number ("0", "3ff": upstream's bitmap_after_masked_hex).
 * SB_ERR_BUF if `cap` < SB_SBRP_REPLAY_HEX_SIZE(window). */
SB_NODISCARD int sb_sbrp_replay_bitmap_hex(const sb_sbrp_replay *r, char *out, size_t cap);

/* Rebuild a window from stored parts (resumption); `r` untouched on error. SB_ERR_RANGE (W),
 * SB_ERR_ARG (nwords != ceil(W/64)), SB_ERR_STATE (not sb_sbrp_replay_consistent). */
SB_NODISCARD int sb_sbrp_replay_restore(sb_sbrp_replay *r, uint32_t window, bool have_max,
                                        uint64_t max_seen, const uint64_t *words, size_t nwords);

/* true if the algorithm can reach this state: W in range, empty before the first number;
 * after it bit 0 set, no bit at or above W, no bit for a number below 0. */
bool sb_sbrp_replay_consistent(const sb_sbrp_replay *r);

#endif
