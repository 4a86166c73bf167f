#include "common/rng.h"

#include "common/error.h"

int sb_rng_bytes(const sb_rng *rng, uint8_t *out, size_t len) {
  if (!rng || !rng->fill || (len && !out)) return SB_ERR_RNG;
  if (len == 0) return SB_OK;
  return rng->fill(rng->state, out, len) == SB_OK ? SB_OK : SB_ERR_RNG;
}

static uint64_t splitmix64(uint64_t *z) {
  uint64_t r = (*z += UINT64_C(0x9E3779B97F4A7C15));
  r = (r ^ (r >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
  r = (r ^ (r >> 27)) * UINT64_C(0x94D049BB133111EB);
  return r ^ (r >> 31);
}

void sb_xoshiro_seed(sb_xoshiro *x, uint64_t seed) {
  for (int i = 0; i < 4; i++) x->s[i] = splitmix64(&seed);
}

static uint64_t rotl(uint64_t v, int k) { return (v << k) | (v >> (64 - k)); }

uint64_t sb_xoshiro_next(sb_xoshiro *x) {
  uint64_t *s = x->s;
  uint64_t result = rotl(s[1] * 5, 7) * 9;
  uint64_t t = s[1] << 17;
  s[2] ^= s[0];
  s[3] ^= s[1];
  s[1] ^= s[2];
  s[0] ^= s[3];
  s[2] ^= t;
  s[3] = rotl(s[3], 45);
  return result;
}

static int xoshiro_fill(void *state, uint8_t *out, size_t len) {
  while (len) {
    uint64_t v = sb_xoshiro_next(state);
    for (int i = 0; i < 8 && len; i++, len--) {
      *out++ = (uint8_t)v;
      v >>= 8;
    }
  }
  return SB_OK;
}

sb_rng sb_xoshiro_rng(sb_xoshiro *x) { return (sb_rng){xoshiro_fill, x}; }
