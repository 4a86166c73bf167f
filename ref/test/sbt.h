/*
 * sbt: the thin layer over CUnit that every *_test.c uses.
 *
 * A test file declares its suite once at the bottom:
 *
 *   SBT_SUITE(sbp_frame, "sbp/frame",
 *             SBT_CASE(decode_rejects_reserved_flag_bits),
 *             SBT_CASE(upstream_frames_reencode_byte_for_byte));
 *
 * and the suite registers itself before main() runs (a constructor), so no
 * central list needs editing. Suites run sorted by name. Case names say the
 * behaviour and test bodies cite requirement IDs in a comment.
 */
#ifndef SB_TEST_SBT_H
#define SB_TEST_SBT_H

#include <CUnit/CUnit.h>
#include <cJSON.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/rng.h"

typedef struct sbt_case {
  const char *name;
  void (*fn)(void);
} sbt_case;

typedef struct sbt_suite {
  const char *name;
  const sbt_case *cases;
  struct sbt_suite *next;
} sbt_suite;

/* Called by SBT_SUITE's constructor. */
void sbt_register(sbt_suite *suite);

/* First registered suite (linked list, unsorted). */
sbt_suite *sbt_suites(void);

#define SBT_CASE(fn) {#fn, fn}

#define SBT_SUITE(ident, name, ...)                                              \
  static const sbt_case ident##_sbt_cases[] = {__VA_ARGS__, {NULL, NULL}};       \
  static sbt_suite ident##_sbt_suite = {name, ident##_sbt_cases, NULL};          \
  __attribute__((constructor)) static void ident##_sbt_register(void) {          \
    sbt_register(&ident##_sbt_suite);                                            \
  }

/* ---- assertions that say what they saw -------------------------------- */

/* Record a pass/fail with a formatted message (printf-style). */
void sbt_check(bool ok, int line, const char *file, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Bytes equal the lower-case hex string `expect_hex`; on failure the message
 * shows both as hex and the first differing offset. */
bool sbt_check_hex(const uint8_t *got, size_t got_len, const char *expect_hex, int line,
                   const char *file, const char *what);

/* Unsigned 64-bit values equal (each argument evaluated once). */
bool sbt_check_u64(uint64_t got, uint64_t expect, int line, const char *file, const char *what);

/* NUL-terminated strings equal (NULL never equals anything). */
bool sbt_check_str(const char *got, const char *expect, int line, const char *file,
                   const char *what);

/* Return code equals the expected sb_err (names both on failure). */
bool sbt_check_err(int got, int expect, int line, const char *file, const char *what);

#define SBT_CHECK(cond, ...) sbt_check((cond), __LINE__, __FILE__, __VA_ARGS__)
#define SBT_HEX_EQ(got, len, hex) sbt_check_hex((got), (len), (hex), __LINE__, __FILE__, #got)
#define SBT_ERR_EQ(got, expect) sbt_check_err((got), (expect), __LINE__, __FILE__, #got)
#define SBT_OK(got) sbt_check_err((got), 0, __LINE__, __FILE__, #got)
#define SBT_EQ_U64(got, expect) \
  sbt_check_u64((uint64_t)(got), (uint64_t)(expect), __LINE__, __FILE__, #got)
#define SBT_STR_EQ(got, expect) sbt_check_str((got), (expect), __LINE__, __FILE__, #got)

/* ---- data helpers --------------------------------------------------- */

/* Decode lower- or upper-case hex into a heap buffer (free with free()).
 * Records a test failure and returns NULL on bad hex. `*len` gets the size. */
uint8_t *sbt_unhex(const char *hex, size_t *len);

/* Hex of `len` bytes in a heap string (free with free()). */
char *sbt_hex(const uint8_t *buf, size_t len);

/* Decode `hex` (may be NULL) into exactly `n` bytes at `out`; records a
 * failure and returns false if it is missing, not hex or another length. */
bool sbt_unhex_exact(const char *hex, uint8_t *out, size_t n);

/* true if all `n` bytes are zero. */
bool sbt_all_zero(const uint8_t *p, size_t n);

/* The hex string member `key` of `obj` equals `got`; counts one upstream
 * value when it does (records a failure when missing or different). */
void sbt_expect_upstream_hex(const uint8_t *got, size_t n, const cJSON *obj, const char *key);

/* `outcome.error.code` of an upstream outcome object as a string, or NULL. */
const char *sbt_upstream_error_code(const cJSON *outcome);

/* Protocol outcome name of an sb_err for messages ("(none)" if none). */
const char *sbt_proto_name(int err);

/* An sb_rng whose every draw fails (to test SB_ERR_RNG paths). */
sb_rng sbt_failing_rng(void);

/* Parse a decimal u64 string ("18446744073709551615"); records a failure
 * and returns 0 on bad input. */
uint64_t sbt_u64(const char *dec);

/* Load ref/testdata/<relpath> as JSON (the directory can be moved with the
 * environment variable SBCONF_TESTDATA). Records a failure and returns NULL
 * if the file is missing or invalid. Strings holding \u0000 are cut at the
 * NUL (cJSON strings are C strings): use the data's *_hex fields for those.
 * Free with cJSON_Delete. */
cJSON *sbt_load_json(const char *relpath);

/* String member `key` of `obj`, or NULL (no failure recorded). */
const char *sbt_str(const cJSON *obj, const char *key);

/* Member `key` of `obj` (last wins), or NULL. */
const cJSON *sbt_get(const cJSON *obj, const char *key);

/* Count one more "upstream value reproduced" for the run summary. */
void sbt_count_upstream_value(void);
unsigned sbt_upstream_values(void);

/* Upstream data files seen, and values counted against file `i` (the file
 * the counting test loaded last); NULL past the end. */
unsigned sbt_upstream_file_count(void);
const char *sbt_upstream_file(unsigned i, unsigned *values);

#endif
