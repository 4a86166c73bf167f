/*
 * Fuzz target vec_file: the vector-file loader (sim/vec_file.h,
 * sbv_file_load_buffer), input = a whole file; a file that loads is then
 * checked against the reference (sim/vec_check.h) under both profiles, so
 * the checker's comparison and report code see arbitrary expected outputs.
 *
 * Invariants: the loader answers 0 or 4 (malformed), and on 4 a message
 * naming the file; a loaded file's counts add up, each case has an input
 * object and an output object or none; checking a loaded file never stops
 * the run (the reference always runs) and gives every case one outcome.
 */
#include "fuzz.h"

#include "vec_check.h"
#include "vec_file.h"

#define NAME "fuzz.json"
/* Checking runs every case through the reference (crypto included): only
 * files of modest size are checked, to keep the fuzzer fast. */
#define CHECK_MAX_TESTS 64

static FILE *sink(void) {
  static FILE *devnull;
  if (!devnull) devnull = fopen("/dev/null", "w");
  FUZZ_ASSERT(devnull != NULL);
  return devnull;
}

static void check_loaded(const sbv_file *f) {
  FUZZ_ASSERT(f->path && strcmp(f->path, NAME) == 0 && f->layer && f->description);
  size_t total = 0;
  for (size_t g = 0; g < f->ngroups; g++) {
    FUZZ_ASSERT(f->groups[g].type != NULL);
    for (size_t t = 0; t < f->groups[g].ntests; t++) {
      const sbv_test *c = &f->groups[g].tests[t];
      FUZZ_ASSERT(c->tcid >= 1 && cJSON_IsObject(c->input) && c->comment);
      FUZZ_ASSERT(c->output == NULL || cJSON_IsObject(c->output));
      FUZZ_ASSERT(c->expect != SBV_EXPECT_INVALID || c->output != NULL);
      fuzz_keep(sbv_file_relaxed(f, c, "upstream") + strlen(sbv_expect_name(c->expect)));
    }
    total += f->groups[g].ntests;
  }
  FUZZ_ASSERT(total == f->ntests);
  if (f->ntests > CHECK_MAX_TESTS) return;
  static const char *const profiles[] = {"strict", "upstream"};
  for (size_t p = 0; p < 2; p++) {
    sbv_report *r = sbv_report_new();
    FUZZ_ASSERT(r != NULL);
    sbv_engine engine = sbv_engine_reference(NULL);
    sbv_check_opts opts = {profiles[p], true, false};
    FUZZ_ASSERT(sbv_check_file(f, &engine, &opts, r, sink()) == 0);
    unsigned n = 0;
    for (int o = 0; o < SBV_OUTCOMES; o++) n += sbv_report_count(r, (sbv_outcome)o);
    FUZZ_ASSERT(n == f->ntests);
    sbv_report_print(r, sink());
    sbv_report_summary_line(r, sink());
    sbv_report_free(r);
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  sbv_file f;
  char err[512];
  err[0] = '\0';
  int rc = sbv_file_load_buffer(NAME, data, size, &f, err, sizeof err);
  if (rc == 0) {
    check_loaded(&f);
    sbv_file_free(&f);
  } else {
    FUZZ_ASSERT(rc == 4);
    FUZZ_ASSERT(strncmp(err, NAME ":", strlen(NAME) + 1) == 0 && strlen(err) > strlen(NAME) + 2);
    FUZZ_ASSERT(f.root == NULL && f.groups == NULL);
    fuzz_keep(strlen(err));
  }
  return 0;
}
