/*
 * Vector operations: each operation type of the vector contract
 * (../shared/design/vectors.md, vectors/README.md) mapped onto the
 * reference library. The checker, the generator, the adapter server and the
 * mutants all go through here, so an operation means one thing everywhere.
 *
 * An operation takes the `input` object of a test case and answers a result
 * (valid / invalid / unsupported) and an `output` object: the valid outputs
 * of the contract table, or {"error": <protocol code or name>} when invalid.
 * A malformed input (missing member, bad hex, wrong JSON type) is not an
 * answer: the call fails with a message naming the member, so a vector file
 * or an adapter request with such an input is reported as malformed.
 */
#ifndef SBV_OPS_H
#define SBV_OPS_H

#include <cJSON.h>
#include <stdbool.h>
#include <stddef.h>

typedef enum sbv_result {
  SBV_VALID = 0,
  SBV_INVALID = 1,
  SBV_UNSUPPORTED = 2
} sbv_result;

/* Text of a result as written in files and on the adapter protocol. */
const char *sbv_result_name(sbv_result r);

/* Parse "valid" / "invalid" / "unsupported"; false if none. */
bool sbv_result_parse(const char *s, sbv_result *out);

typedef struct sbv_answer {
  sbv_result result;
  cJSON *output; /* owned; NULL when there is nothing to say (valid with no output) */
  int err;       /* the sb_err behind an invalid answer (0 otherwise); for messages */
} sbv_answer;

/* Room for one message about a malformed input ("input.frame: not hex"). */
#define SBV_MSG_SIZE 256

/* Run operation `type` of the reference on `input`. 0 with `*out` filled
 * (release with sbv_answer_clear), or -1 with `msg` saying which input
 * member is malformed. An unknown type answers SBV_UNSUPPORTED. */
int sbv_op_run(const char *type, const cJSON *input, sbv_answer *out, char msg[SBV_MSG_SIZE]);

/* Free what an answer owns and reset it. */
void sbv_answer_clear(sbv_answer *a);

/* One operation type of the contract. */
typedef struct sbv_op {
  const char *type;             /* "sbrp.frame.decode" */
  const char *const *out_fields; /* output members a valid answer is compared on, NULL-ended */
  const char *const *hex_fields; /* of those, the ones holding hex (compared case-insensitively) */
  bool json_data;                /* output.data is hex of a JSON text: compare parsed */
  int (*run)(const cJSON *input, sbv_answer *out, char msg[SBV_MSG_SIZE]);
} sbv_op;

/* The operation of `type`, or NULL. */
const sbv_op *sbv_op_find(const char *type);

/* Number of operation types and type `i` (in the order of vectors/README.md). */
size_t sbv_op_count(void);
const sbv_op *sbv_op_at(size_t i);

/* ---- helpers for operation handlers (sim/ops_*.c) ----------------------- */

/* Each reads member `key` of `input`; on a missing or ill-typed member they
 * write "input.<key>: ..." into msg and return false. Hex is accepted in
 * either case; *buf is malloc'd (free it). */
bool sbv_in_hex(const cJSON *input, const char *key, unsigned char **buf, size_t *len,
                char msg[SBV_MSG_SIZE]);
bool sbv_in_hex_exact(const cJSON *input, const char *key, unsigned char *out, size_t n,
                      char msg[SBV_MSG_SIZE]);
bool sbv_in_str(const cJSON *input, const char *key, const char **out, char msg[SBV_MSG_SIZE]);
bool sbv_in_u64(const cJSON *input, const char *key, unsigned long long *out,
                char msg[SBV_MSG_SIZE]); /* decimal string, or a JSON integer < 2^53 */
bool sbv_in_i64(const cJSON *input, const char *key, long long *out, char msg[SBV_MSG_SIZE]);
bool sbv_in_num(const cJSON *input, const char *key, double *out, char msg[SBV_MSG_SIZE]);

/* Output builders: a new object, and members added to it. */
cJSON *sbv_out_hex(cJSON *obj, const char *key, const unsigned char *buf, size_t len);
cJSON *sbv_out_u64(cJSON *obj, const char *key, unsigned long long v); /* decimal string */
cJSON *sbv_out_i64(cJSON *obj, const char *key, long long v);          /* decimal string */

/* Fill `out` as invalid with {"error": <code>} (number) or {"error": "<name>"}. */
void sbv_invalid_code(sbv_answer *out, int err, unsigned code);
void sbv_invalid_name(sbv_answer *out, int err, const char *name);

/* Fill `out` as valid with `output` (taken over; may be NULL). */
void sbv_valid(sbv_answer *out, cJSON *output);

#endif
