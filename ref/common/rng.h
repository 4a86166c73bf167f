/*
 * Randomness as a capability the caller passes in (wslay asks a callback for
 * masking keys; we do the same for keys, nonces and frameIds). ref/ never
 * calls a global RNG; the simulator passes seeded streams, a live driver
 * passes the operating system's generator.
 */
#ifndef SB_COMMON_RNG_H
#define SB_COMMON_RNG_H

#include <stddef.h>
#include <stdint.h>

#include "common/config.h"

/* Fill `out` with `len` random bytes; return 0 or a negative sb_err. */
typedef int (*sb_rng_fill_fn)(void *state, uint8_t *out, size_t len);

typedef struct sb_rng {
  sb_rng_fill_fn fill;
  void *state;
} sb_rng;

/* Draw `len` bytes from `rng`; SB_ERR_RNG if the source fails or is unset. */
SB_NODISCARD int sb_rng_bytes(const sb_rng *rng, uint8_t *out, size_t len);

/* xoshiro256** seeded through splitmix64: small, fast, reproducible on every
 * platform. Deterministic, NOT for production keys. */
typedef struct sb_xoshiro {
  uint64_t s[4];
} sb_xoshiro;

/* Seed the generator from one 64-bit value. */
void sb_xoshiro_seed(sb_xoshiro *x, uint64_t seed);

/* Next 64-bit output. */
uint64_t sb_xoshiro_next(sb_xoshiro *x);

/* An sb_rng drawing from `x` (little-endian bytes of successive outputs). */
sb_rng sb_xoshiro_rng(sb_xoshiro *x);

#endif
