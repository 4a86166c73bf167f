/*
 * Shared by the libFuzzer harnesses in ref/fuzz/ (one target per
 * fuzz_<target>.c; tools/fuzz.sh builds and runs them).
 *
 * A harness must make its results observable: a decoder whose outcome
 * nobody reads can be deleted by the optimiser, and the fuzzer then runs at
 * `cov: 1` forever. Every result goes either into an invariant check
 * (FUZZ_ASSERT, which aborts: libFuzzer reports a crash and saves the input)
 * or into the volatile sink (fuzz_keep).
 */
#ifndef SB_FUZZ_H
#define SB_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Fixtures shared by the harnesses and the seed maker (seeds.c), so that
 * hand-made seeds pass the checks a fuzzer cannot forge (AEAD tags,
 * signatures). */
#define FUZZ_DATA_KEY "sbconf fuzz: fixed SBRP data key" /* 32 bytes, both directions */
#define FUZZ_TOKEN_SEED "sbconf fuzz: fixed Ed25519 seed!" /* 32 bytes */
#define FUZZ_TOKEN_KID "fuzz-key-1"
#define FUZZ_TOKEN_ISSUER "https://issuer.fuzz.example"
#define FUZZ_TOKEN_REGION "eu-fuzz"
#define FUZZ_TOKEN_NOW 1700000000 /* the verifier's clock, Unix seconds */

/* The entry point libFuzzer calls once per input. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Abort with the failed condition when an invariant does not hold. */
#define FUZZ_ASSERT(cond)                                                            \
  do {                                                                               \
    if (!(cond)) {                                                                   \
      fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__, __LINE__, #cond); \
      abort();                                                                       \
    }                                                                                \
  } while (0)

static volatile uint64_t fuzz_sink_ __attribute__((unused));

/* Feed a value to a volatile sink so its computation cannot be dropped. */
static inline void fuzz_keep(uint64_t v) { fuzz_sink_ += v; }

/* Feed every byte of a buffer to the sink (reads it all: ASan checks the range). */
static inline void fuzz_keep_bytes(const void *p, size_t n) {
  const uint8_t *b = p;
  uint64_t h = 1469598103934665603u;
  for (size_t i = 0; i < n; i++) h = (h ^ b[i]) * 1099511628211u;
  fuzz_keep(h);
}

/* A malloc'd copy of data[0..size) with a NUL after it (the input as C text
 * where an API wants one); never NULL (aborts on allocation failure). */
static inline char *fuzz_strndup(const uint8_t *data, size_t size) {
  char *s = malloc(size + 1);
  FUZZ_ASSERT(s != NULL);
  if (size) memcpy(s, data, size);
  s[size] = '\0';
  return s;
}

#endif
