#include "peer/backoff.h"

#include <math.h>

#include "common/error.h"

/* JavaScript's Math.round: the nearest integer, halves toward +infinity.
 * floor(x + 0.5) is wrong for 0.49999999999999994 (the sum rounds up to 1),
 * so the fraction is compared instead. */
static double js_round(double x) {
  double f = floor(x);
  return (x - f >= 0.5) ? f + 1.0 : f;
}

static bool field_ok(double v) { return isfinite(v) && v >= 0.0; }

int sb_peer_backoff_delay(const sb_peer_retry_policy *policy, uint32_t attempt, double r,
                          uint64_t *delay_ms) {
  if (!policy || !delay_ms) return SB_ERR_ARG;
  *delay_ms = 0;
  if (!field_ok(policy->initial_delay_ms) || !field_ok(policy->max_delay_ms) ||
      !field_ok(policy->jitter))
    return SB_ERR_ARG;
  if (!(r >= 0.0 && r < 1.0)) return SB_ERR_ARG; /* also refuses NaN */

  /* initial * 2^attempt overflows to +inf for large attempts (as in JS) and
   * min() then yields the cap; ldexp of 0 stays 0, so no inf * 0 = NaN. The
   * exponent is clamped only to keep it an int: 2^4096 is already +inf. */
  int exp2 = attempt > 4096u ? 4096 : (int)attempt;
  double base = fmin(ldexp(policy->initial_delay_ms, exp2), policy->max_delay_ms);
  double spread = (r * 2.0 - 1.0) * (base * policy->jitter);
  double d = js_round(base + spread);
  if (!(d > 0.0)) d = 0.0; /* max(0, ...) */
  if (d > (double)SB_PEER_BACKOFF_MAX_RESULT_MS) return SB_ERR_RANGE;
  *delay_ms = (uint64_t)d;
  return SB_OK;
}

bool sb_peer_backoff_may_retry(const sb_peer_retry_policy *policy, uint32_t retries_so_far) {
  if (!policy || policy->mode != SB_PEER_RETRY_ON_ERROR) return false;
  return policy->max_attempts == 0 || retries_so_far < policy->max_attempts;
}

int sb_peer_backoff_draw(const sb_rng *rng, double *r) {
  if (!r) return SB_ERR_ARG;
  *r = 0.0;
  uint8_t b[8];
  int rc = sb_rng_bytes(rng, b, sizeof b);
  if (rc != SB_OK) return rc;
  uint64_t v = 0;
  for (int i = 7; i >= 0; i--) v = (v << 8) | b[i];
  *r = (double)(v >> 11) * 0x1p-53;
  return SB_OK;
}
