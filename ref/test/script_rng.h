/*
 * A scripted randomness source for state-machine tests: fixed 32-byte
 * blocks first (so a test reproduces an upstream transcript's ephemeral
 * keys), then a seeded stream. Header only; used as
 * `sb_rng rng = {script_fill, &state}`.
 */
#ifndef SBT_SCRIPT_RNG_H
#define SBT_SCRIPT_RNG_H

#include <stdint.h>
#include <string.h>

#include "common/error.h"
#include "common/rng.h"

typedef struct script_rng {
  uint8_t blocks[4][32];
  size_t n, next;
  sb_xoshiro x;
} script_rng;

static inline int script_fill(void *state, uint8_t *out, size_t len) {
  script_rng *r = state;
  if (len == 32 && r->next < r->n) {
    memcpy(out, r->blocks[r->next++], 32);
    return SB_OK;
  }
  sb_rng x = sb_xoshiro_rng(&r->x);
  return sb_rng_bytes(&x, out, len);
}

#endif
