/*
 * Pending calls keyed by cid (rpc.md section 4): the caller's side of RPC
 * correlation. A request's cid is its frame's frameId (RPC-CID-001); every
 * response copies it (RPC-CID-002) and is matched on it alone, never on a
 * frameId (RPC-CID-003), in whatever order responses come (RPC-CID-005).
 *
 * Sans-I/O, after ngtcp2: each entry has a deadline on the caller's clock;
 * the caller asks for the next deadline, and at that time calls expire until
 * it reports nothing more. A response for a cid that expired, was cancelled
 * or was never sent is SB_ERR_RPC_CID_UNKNOWN, which the caller discards
 * quietly (RPC-CID-007/008).
 *
 * Storage is an array the caller provides (fixed capacity, no allocation).
 * Lookups scan it; whenever several entries qualify, the oldest added wins
 * (then the earliest deadline for expiry), so results never depend on
 * pointer values or slot reuse.
 */
#ifndef SB_RPC_CORRELATION_H
#define SB_RPC_CORRELATION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/config.h"
#include "common/time.h"
#include "rpc/envelope.h"

/* One pending call. Fields are the table's; read them, do not change them. */
typedef struct sb_rpc_pending {
  uint8_t cid[SB_RPC_CID_BYTES];
  sb_time_us deadline; /* SB_TIME_NEVER: no timeout */
  uint64_t seq;        /* order of addition, 1-based; 0 marks a free slot */
  void *user;          /* the caller's context for this call */
} sb_rpc_pending;

typedef struct sb_rpc_correlation {
  sb_rpc_pending *slots;
  size_t cap;
  size_t count;
  uint64_t next_seq;
} sb_rpc_correlation;

/* Start an empty table over `slots[0..cap)` (the caller keeps them alive). */
void sb_rpc_correlation_init(sb_rpc_correlation *t, sb_rpc_pending *slots, size_t cap);

/* Number of pending calls. */
size_t sb_rpc_correlation_count(const sb_rpc_correlation *t);

/* Register a call whose request carries `cid`, timing out at `deadline`.
 * Errors: SB_ERR_RPC_CID_DUPLICATE (that cid is already pending),
 * SB_ERR_FULL (no free slot), SB_ERR_ARG. */
SB_NODISCARD int sb_rpc_correlation_add(sb_rpc_correlation *t, const uint8_t cid[SB_RPC_CID_BYTES],
                                        sb_time_us deadline, void *user);

/* A response (R or E) arrived with `cid`: remove its call and copy it to
 * `*out` (may be NULL). SB_ERR_RPC_CID_UNKNOWN if no call is pending for it:
 * never sent, already answered, cancelled or timed out. */
SB_NODISCARD int sb_rpc_correlation_resolve(sb_rpc_correlation *t,
                                            const uint8_t cid[SB_RPC_CID_BYTES],
                                            sb_rpc_pending *out);

/* Abandon the call with `cid` locally (cancellation): same as resolve, but
 * SB_ERR_NOT_FOUND when nothing is pending for it. */
SB_NODISCARD int sb_rpc_correlation_cancel(sb_rpc_correlation *t,
                                           const uint8_t cid[SB_RPC_CID_BYTES],
                                           sb_rpc_pending *out);

/* If some call's deadline is <= `now`, remove the one with the earliest
 * deadline (the oldest on a tie), copy it to `*out` (may be NULL) and return
 * true; else false. Call until false to expire everything due. */
bool sb_rpc_correlation_expire(sb_rpc_correlation *t, sb_time_us now, sb_rpc_pending *out);

/* Remove the oldest pending call into `*out` (may be NULL) and return true,
 * or false when empty: to fail every call when the session drops. */
bool sb_rpc_correlation_take_oldest(sb_rpc_correlation *t, sb_rpc_pending *out);

/* Earliest deadline of any pending call, SB_TIME_NEVER when there is none. */
sb_time_us sb_rpc_correlation_next_deadline(const sb_rpc_correlation *t);

#endif
