/*
 * Reconnection backoff (peer-runtime.md section 4, ADR-009 section 6):
 *
 *   B     = min(initial_delay_ms * 2^attempt, max_delay_ms)
 *   delay = max(0, round(B + (2r - 1) * B * jitter))
 *
 * with `attempt` 0 for the first retry, `r` uniform in [0, 1) supplied by the
 * caller (the simulator draws it from its seed; nothing here reads a global
 * RNG) and `round` JavaScript's Math.round (halves toward +infinity), so the
 * upstream runtime's delays are reproduced exactly. Policy delays are doubles
 * because upstream accepts fractional values (initialDelayMs 1.5).
 */
#ifndef SB_PEER_BACKOFF_H
#define SB_PEER_BACKOFF_H

#include <stdbool.h>
#include <stdint.h>

#include "common/config.h"
#include "common/rng.h"

/* Whether a session error may lead to a retry at all (PEER-RETRY-001). */
typedef enum sb_peer_retry_mode {
  SB_PEER_RETRY_NEVER = 0, /* upstream "never" (the default) */
  SB_PEER_RETRY_ON_ERROR,  /* upstream "on-error" */
} sb_peer_retry_mode;

typedef struct sb_peer_retry_policy {
  sb_peer_retry_mode mode;
  double initial_delay_ms; /* finite, >= 0 */
  double max_delay_ms;     /* finite, >= 0 */
  uint32_t max_attempts;   /* retries after the first attempt; 0 = unlimited */
  double jitter;           /* finite, >= 0; 0.2 = +-20 % */
} sb_peer_retry_policy;

/* Upstream runtime defaults (session/types.ts, PEER-RETRY-006). */
#define SB_PEER_RETRY_DEFAULT_INITIAL_MS 1000.0
#define SB_PEER_RETRY_DEFAULT_MAX_MS 30000.0
#define SB_PEER_RETRY_DEFAULT_MAX_ATTEMPTS 5u
#define SB_PEER_RETRY_DEFAULT_JITTER 0.2
#define SB_PEER_RETRY_POLICY_DEFAULT                                                    \
  ((sb_peer_retry_policy){SB_PEER_RETRY_NEVER, SB_PEER_RETRY_DEFAULT_INITIAL_MS,        \
                          SB_PEER_RETRY_DEFAULT_MAX_MS, SB_PEER_RETRY_DEFAULT_MAX_ATTEMPTS, \
                          SB_PEER_RETRY_DEFAULT_JITTER})

/* Sidecar-style preset for long-running daemons: retry on error, 1 s doubling
 * to a 60 s cap, +-10 % jitter, never give up (cloud.md CLOUD-072: the relay
 * connection loop has no retry limit). A project choice, not an upstream value. */
#define SB_PEER_RETRY_SIDECAR_INITIAL_MS 1000.0
#define SB_PEER_RETRY_SIDECAR_MAX_MS 60000.0
#define SB_PEER_RETRY_SIDECAR_MAX_ATTEMPTS 0u
#define SB_PEER_RETRY_SIDECAR_JITTER 0.1
#define SB_PEER_RETRY_POLICY_SIDECAR                                                         \
  ((sb_peer_retry_policy){SB_PEER_RETRY_ON_ERROR, SB_PEER_RETRY_SIDECAR_INITIAL_MS,          \
                          SB_PEER_RETRY_SIDECAR_MAX_MS, SB_PEER_RETRY_SIDECAR_MAX_ATTEMPTS,  \
                          SB_PEER_RETRY_SIDECAR_JITTER})

/* Largest delay reported, in ms (2^53, JavaScript's exact-integer limit). */
#define SB_PEER_BACKOFF_MAX_RESULT_MS UINT64_C(9007199254740992)

/* Delay before retry number `attempt` (0-based) for random draw `r`.
 * Huge attempts saturate at max_delay_ms. SB_ERR_ARG for a policy field that
 * is negative or not finite, or `r` outside [0, 1); SB_ERR_RANGE if the
 * delay exceeds SB_PEER_BACKOFF_MAX_RESULT_MS. */
SB_NODISCARD int sb_peer_backoff_delay(const sb_peer_retry_policy *policy, uint32_t attempt,
                                       double r, uint64_t *delay_ms);

/* True if a retryable error after `retries_so_far` retries may be retried:
 * mode is on-error and max_attempts is 0 or greater than retries_so_far
 * (PEER-RETRY-003: max_attempts 5 means 6 connection attempts in a row). */
bool sb_peer_backoff_may_retry(const sb_peer_retry_policy *policy, uint32_t retries_so_far);

/* Draw `r` in [0, 1) from `rng`: the top 53 bits of one little-endian u64,
 * times 2^-53 (every value exactly representable). SB_ERR_RNG on failure. */
SB_NODISCARD int sb_peer_backoff_draw(const sb_rng *rng, double *r);

#endif
