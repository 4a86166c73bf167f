/*
 * Checking an implementation against vector files: comparison rules,
 * outcome classes, profiles, and the reports (text, JSON, JUnit).
 *
 * Outcomes (architecture.md): pass; fail; non-strict (differs from the
 * expected result but a flag of the case is relaxed by the chosen profile);
 * informational (an `acceptable` case, either way); unsupported (the
 * implementation says so). Only fail fails a run. An engine that breaks
 * (a crashed or silent IUT, a garbage answer) gives a fail with its message.
 *
 * Comparison, per operation (sim/vec_ops.h): the result must match; for a
 * valid result each output member the operation lists is compared (hex
 * members case-insensitively, `rpc.envelope.encode` data as parsed JSON,
 * others as JSON values); a member only one side has is a mismatch; members
 * the operation does not list are ignored (forward compatibility). For an
 * invalid result `error` is compared, plus any listed member the expected
 * output has (sbrp.relay.validate: action, control, terminal).
 */
#ifndef SBV_CHECK_H
#define SBV_CHECK_H

#include <stdbool.h>
#include <stdio.h>

#include "vec_file.h"
#include "vec_ops.h"

typedef enum sbv_outcome {
  SBV_PASS = 0,
  SBV_FAIL,
  SBV_NONSTRICT,
  SBV_INFO,
  SBV_UNSUP,
  SBV_OUTCOMES
} sbv_outcome;

/* "pass", "fail", "non-strict", "informational", "unsupported". */
const char *sbv_outcome_name(sbv_outcome o);

/* Judge one answer. `relaxed`: a flag of the case is relaxed by the active
 * profile. On anything but pass, `detail` explains (expected vs got). */
sbv_outcome sbv_compare(const sbv_op *op, sbv_expect expect, const cJSON *expected_output,
                        const sbv_answer *got, bool relaxed, char *detail, size_t cap);

/* Who answers the cases: the reference (optionally mutated) or an IUT. */
typedef struct sbv_engine {
  const char *name;
  /* 0 with `*ans` filled; -1 when the input itself is malformed (`msg`);
   * -2 when the engine failed on this request (`msg`: crash, timeout,
   * garbage); -3 when the engine cannot run at all (exit code 5). */
  int (*ask)(void *ctx, const char *type, const cJSON *input, sbv_answer *ans,
             char msg[SBV_MSG_SIZE]);
  void *ctx;
} sbv_engine;

/* The reference as an engine; `mutant` may be NULL (sim/mutants.h). */
struct sbv_mutant;
sbv_engine sbv_engine_reference(const struct sbv_mutant *mutant);

typedef struct sbv_check_opts {
  const char *profile; /* "strict" (default) or "upstream" */
  bool verbose;        /* print every case */
  bool quiet;          /* print only failures and the summary */
} sbv_check_opts;

typedef struct sbv_report sbv_report;

/* A new, empty report. */
sbv_report *sbv_report_new(void);
void sbv_report_free(sbv_report *r);

/* Check every case of `f` with `engine`, adding to `r` and printing to `out`
 * per `opts`. Returns 0, or -3 if the engine cannot run (stop the run). */
int sbv_check_file(const sbv_file *f, const sbv_engine *engine, const sbv_check_opts *opts,
                   sbv_report *r, FILE *out);

/* Counts over everything checked so far. */
unsigned sbv_report_count(const sbv_report *r, sbv_outcome o);

/* Number of failing cases that cite requirement `id`. */
unsigned sbv_report_fail_cites(const sbv_report *r, const char *id);

/* Print per-file and per-type tables and the failing cases to `out`. */
void sbv_report_print(const sbv_report *r, FILE *out);

/* Write the JSON report (summary, files, types, failures, requirement
 * coverage; `catalog` = vectors/requirements.json when known, else NULL) and
 * the JUnit XML report. 0 or -1 (with errno). */
int sbv_report_write_json(const sbv_report *r, const char *path, const cJSON *catalog);
int sbv_report_write_junit(const sbv_report *r, const char *path);

/* The closing line: "N passed, N failed" (", N skipped" when unsupported
 * cases were seen; non-strict and informational count as passed). */
void sbv_report_summary_line(const sbv_report *r, FILE *out);

#endif
