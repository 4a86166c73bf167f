/*
 * Mutants: deliberately wrong variants of the reference, each a realistic
 * bug an implementer could write (little-endian SBRP length, nonce
 * directions swapped, `>` matching zero segments...). `sbconf adapter
 * --mutant NAME` answers with one; `make test` checks that the vectors catch
 * every mutant and that a requirement ID the mutant is meant to violate is
 * among the failing cases (the mutation score).
 *
 * A mutant intercepts operations: for the types it changes it answers
 * itself (usually by running the reference on a altered input or altering
 * the reference's answer, or by a small wrong re-implementation); for every
 * other type it returns SBV_MUTANT_PASS and the reference answers.
 */
#ifndef SBV_MUTANTS_H
#define SBV_MUTANTS_H

#include <cJSON.h>
#include <stddef.h>

#include "vec_ops.h"

#define SBV_MUTANT_PASS 1 /* "not mine": let the reference answer */

typedef struct sbv_mutant {
  const char *name;        /* "sbrp-length-little-endian" */
  const char *description; /* one line: the bug */
  const char *reqs;        /* space-separated requirement IDs the bug violates */
  /* 0 answered (as sbv_op_run), -1 malformed input (msg), SBV_MUTANT_PASS. */
  int (*run)(const char *type, const cJSON *input, sbv_answer *out, char msg[SBV_MSG_SIZE]);
} sbv_mutant;

/* The mutant named `name`, or NULL. */
const sbv_mutant *sbv_mutant_find(const char *name);

/* Number of mutants and mutant `i` (stable order). */
size_t sbv_mutant_count(void);
const sbv_mutant *sbv_mutant_at(size_t i);

/* Run `type` as mutant `m` would (m NULL: the reference). */
int sbv_mutant_op_run(const sbv_mutant *m, const char *type, const cJSON *input, sbv_answer *out,
                      char msg[SBV_MSG_SIZE]);

#endif
