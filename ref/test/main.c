/*
 * sbconf-tests: runs every registered CUnit suite (or those matching the
 * given patterns) and ends with the line `N passed, N failed`.
 *
 *   sbconf-tests [-v] [--list] [--results FILE] [PATTERN...]
 *
 * PATTERN is a shell glob matched against "suite/case" and against the suite
 * name (for example: sbrp/... or *upstream*). --results writes "passed failed skipped" for
 * the aggregate summary of `make test`. Exit: 0 all passed, 1 a test failed,
 * 2 usage, 70 CUnit itself failed.
 */
#define _POSIX_C_SOURCE 200809L
#include <CUnit/Basic.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "test/sbt.h"

static int suite_cmp(const void *a, const void *b) {
  return strcmp((*(sbt_suite *const *)a)->name, (*(sbt_suite *const *)b)->name);
}

static bool wanted(const char *suite, const char *test, char **pats, int npats) {
  if (npats == 0) return true;
  char full[512];
  snprintf(full, sizeof full, "%s/%s", suite, test);
  for (int i = 0; i < npats; i++)
    if (fnmatch(pats[i], full, 0) == 0 || fnmatch(pats[i], suite, 0) == 0) return true;
  return false;
}

static void usage(FILE *to) {
  fprintf(to,
          "usage: sbconf-tests [-v] [--list] [--results FILE] [PATTERN...]\n"
          "  PATTERN   glob on \"suite/case\" or \"suite\" (e.g. 'sbrp/*', '*upstream*')\n"
          "  -v        print every test as it runs\n"
          "  --list    list matching tests and exit\n"
          "  --results FILE  write \"passed failed skipped\" to FILE\n"
          "exit: 0 all passed, 1 failures, 2 usage, 70 internal error\n");
}

int main(int argc, char **argv) {
  bool verbose = false, list = false;
  const char *results = NULL;
  char **pats = calloc((size_t)argc, sizeof *pats);
  int npats = 0;
  for (int i = 1; i < argc; i++) {
    if (!strcmp(argv[i], "-v")) {
      verbose = true;
    } else if (!strcmp(argv[i], "--list")) {
      list = true;
    } else if (!strcmp(argv[i], "--results") && i + 1 < argc) {
      results = argv[++i];
    } else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
      usage(stdout);
      return 0;
    } else if (argv[i][0] == '-') {
      fprintf(stderr, "sbconf-tests: unknown option %s\n", argv[i]);
      usage(stderr);
      return 2;
    } else {
      pats[npats++] = argv[i];
    }
  }

  size_t nsuites = 0;
  for (sbt_suite *s = sbt_suites(); s; s = s->next) nsuites++;
  sbt_suite **sorted = calloc(nsuites ? nsuites : 1, sizeof *sorted);
  size_t k = 0;
  for (sbt_suite *s = sbt_suites(); s; s = s->next) sorted[k++] = s;
  qsort(sorted, nsuites, sizeof *sorted, suite_cmp);

  if (CU_initialize_registry() != CUE_SUCCESS) return 70;
  unsigned selected = 0;
  for (size_t i = 0; i < nsuites; i++) {
    CU_pSuite cs = NULL;
    for (const sbt_case *c = sorted[i]->cases; c->name; c++) {
      if (!wanted(sorted[i]->name, c->name, pats, npats)) continue;
      if (list) {
        printf("%s/%s\n", sorted[i]->name, c->name);
        continue;
      }
      if (!cs && !(cs = CU_add_suite(sorted[i]->name, NULL, NULL))) return 70;
      if (!CU_add_test(cs, c->name, c->fn)) return 70;
      selected++;
    }
  }
  if (list) {
    CU_cleanup_registry();
    return 0;
  }
  if (selected == 0) {
    fprintf(stderr, "sbconf-tests: no test matches\n");
    CU_cleanup_registry();
    return 2;
  }

  CU_basic_set_mode(verbose ? CU_BRM_VERBOSE : CU_BRM_SILENT);
  /* Even in silent mode CUnit prints its summary table; our own summary
   * follows, so keep stdout for it unless -v asked for CUnit's view. */
  int saved = -1;
  if (!verbose) {
    fflush(stdout);
    saved = dup(STDOUT_FILENO);
    int devnull = open("/dev/null", O_WRONLY);
    if (saved >= 0 && devnull >= 0) dup2(devnull, STDOUT_FILENO);
    if (devnull >= 0) close(devnull);
  }
  CU_ErrorCode ran = CU_basic_run_tests();
  if (saved >= 0) {
    fflush(stdout);
    dup2(saved, STDOUT_FILENO);
    close(saved);
  }
  if (ran != CUE_SUCCESS) return 70;

  /* Read the counts before cleanup resets them (CUnit returns 0 on failures). */
  unsigned run = CU_get_number_of_tests_run();
  unsigned failed = CU_get_number_of_tests_failed();
  unsigned asserts = CU_get_number_of_asserts();
  for (CU_pFailureRecord f = CU_get_failure_list(); f; f = f->pNext)
    printf("FAIL %s/%s %s:%u: %s\n", f->pSuite ? f->pSuite->pName : "?",
           f->pTest ? f->pTest->pName : "?", f->strFileName ? f->strFileName : "?",
           f->uiLineNumber, f->strCondition ? f->strCondition : "");
  CU_cleanup_registry();

  if (sbt_upstream_values()) {
    printf("upstream reference data reproduced (ref/testdata/upstream):\n");
    for (unsigned i = 0; i < sbt_upstream_file_count(); i++) {
      unsigned v;
      const char *name = sbt_upstream_file(i, &v);
      printf("  %-26s %5u values\n", name, v);
    }
    printf("  %-26s %5u values\n", "total", sbt_upstream_values());
    printf("where the reference follows the documents instead of upstream: reports/errata.md\n");
  }
  printf("unit tests: %u checks in %u tests\n", asserts, run);
  printf("%u passed, %u failed\n", run - failed, failed);
  if (results) {
    FILE *f = fopen(results, "w");
    if (!f || fprintf(f, "%u %u 0\n", run - failed, failed) < 0 || fclose(f) != 0) {
      fprintf(stderr, "sbconf-tests: cannot write %s\n", results);
      return 70;
    }
  }
  free(sorted);
  free(pats);
  return failed ? 1 : 0;
}
