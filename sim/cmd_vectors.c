/*
 * sbconf vectors check | run | generate, and sbconf adapter.
 */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "adapter.h"
#include "commands.h"
#include "common/json.h"
#include "config.h"
#include "gen.h"
#include "iut.h"
#include "mutants.h"
#include "sbconf.h"
#include "vec_check.h"
#include "vec_file.h"

static const char check_usage[] =
    "usage: sbconf vectors check [options] PATH...\n"
    "       sbconf vectors run --iut-cmd CMD [options] PATH...\n"
    "\n"
    "Check vector files (or every vector file in a directory, not recursive)\n"
    "against the reference (check) or another implementation speaking the\n"
    "adapter protocol on its stdin/stdout (run).\n"
    "\n"
    "options:\n"
    "  --profile P      strict (default: the documents) or upstream (cases\n"
    "                   flagged as upstream behaviour become acceptable)\n"
    "  --json FILE      write a JSON report (counts, failures, requirement coverage)\n"
    "  --junit FILE     write a JUnit XML report\n"
    "  --catalog FILE   requirement catalog for coverage (default: requirements.json\n"
    "                   next to the first PATH)\n"
    "  --verbose        print every case;  --quiet  only failures and the summary\n"
    "  --mutant NAME    (check) answer as a deliberately broken reference\n"
    "  --config FILE    JSON file of option values (keys as the option names)\n"
    "run only:\n"
    "  --iut-cmd CMD    command to start (through /bin/sh -c)\n"
    "  --timeout MS     per-request timeout (default 5000)\n"
    "  --iut-log FILE   where the implementation's stderr goes (default: ours)\n"
    "\n"
    "Every option can also come from SBCONF_<NAME> (SBCONF_PROFILE, SBCONF_IUT_CMD...).\n"
    "exit: 0 all passed, 1 a case failed, 2 usage, 3 input not found,\n"
    "      4 input malformed, 5 implementation could not run, 70 internal error\n";

static const char *const check_keys[] = {"profile", "json", "junit", "catalog", "verbose",
                                         "quiet",   "iut-cmd", "timeout", "iut-log", NULL};

static int ends_with_json(const char *name) {
  size_t n = strlen(name);
  return n > 5 && !strcmp(name + n - 5, ".json");
}

static int cmp_str(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Expand PATH arguments into vector file paths (directories: their *.json
 * vector files, sorted, not recursive). 0, or 3 with a message. */
static int collect(char **args, int nargs, char ***files, size_t *nfiles) {
  *files = NULL;
  *nfiles = 0;
  for (int i = 0; i < nargs; i++) {
    struct stat st;
    if (stat(args[i], &st) != 0) {
      fprintf(stderr, "sbconf: %s: %s\n", args[i], strerror(errno));
      return SBCONF_EXIT_NOT_FOUND;
    }
    if (!S_ISDIR(st.st_mode)) {
      *files = realloc(*files, (*nfiles + 1) * sizeof **files);
      (*files)[(*nfiles)++] = strdup(args[i]);
      continue;
    }
    DIR *d = opendir(args[i]);
    if (!d) {
      fprintf(stderr, "sbconf: %s: %s\n", args[i], strerror(errno));
      return SBCONF_EXIT_NOT_FOUND;
    }
    size_t first = *nfiles;
    struct dirent *e;
    while ((e = readdir(d))) {
      if (!ends_with_json(e->d_name)) continue;
      char path[4096];
      snprintf(path, sizeof path, "%s%s%s", args[i],
               args[i][strlen(args[i]) - 1] == '/' ? "" : "/", e->d_name);
      if (!sbv_file_is_vector_file(path)) continue;
      *files = realloc(*files, (*nfiles + 1) * sizeof **files);
      (*files)[(*nfiles)++] = strdup(path);
    }
    closedir(d);
    if (*nfiles == first) {
      fprintf(stderr, "sbconf: %s: no vector files in this directory\n", args[i]);
      return SBCONF_EXIT_NOT_FOUND;
    }
    qsort(*files + first, *nfiles - first, sizeof **files, cmp_str);
  }
  return 0;
}

/* requirements.json next to the first path, or the --catalog file. */
static cJSON *load_catalog(const char *explicit_path, const char *first) {
  char path[4096];
  if (explicit_path) {
    snprintf(path, sizeof path, "%s", explicit_path);
  } else {
    struct stat st;
    if (stat(first, &st) == 0 && S_ISDIR(st.st_mode)) {
      snprintf(path, sizeof path, "%s/requirements.json", first);
    } else {
      snprintf(path, sizeof path, "%s", first);
      char *slash = strrchr(path, '/');
      snprintf(slash ? slash + 1 : path, sizeof path - (size_t)(slash ? slash + 1 - path : 0),
               "requirements.json");
    }
  }
  FILE *f = fopen(path, "rb");
  if (!f) {
    if (explicit_path) fprintf(stderr, "sbconf: %s: %s (coverage not reported)\n", path, strerror(errno));
    return NULL;
  }
  static char buf[1 << 20];
  size_t n = fread(buf, 1, sizeof buf, f);
  fclose(f);
  cJSON *cat = NULL;
  if (sb_json_parse((const unsigned char *)buf, n, true, &cat) != 0) {
    fprintf(stderr, "sbconf: %s: not a JSON catalog (coverage not reported)\n", path);
    return NULL;
  }
  return cat;
}

static int check_or_run(int argc, char **argv, bool run) {
  const char *o_profile = NULL, *o_json = NULL, *o_junit = NULL, *o_catalog = NULL,
             *o_config = NULL, *o_cmd = NULL, *o_timeout = NULL, *o_log = NULL, *o_mutant = NULL;
  bool verbose = false, quiet = false;
  char **paths = calloc((size_t)argc + 1, sizeof *paths);
  int npaths = 0;
  sbc_opt args[10] = {{"--profile", &o_profile}, {"--json", &o_json},     {"--junit", &o_junit},
                      {"--catalog", &o_catalog}, {"--config", &o_config}};
  size_t nopts = 5;
  if (run) { /* the implementation under test */
    args[nopts++] = (sbc_opt){"--iut-cmd", &o_cmd};
    args[nopts++] = (sbc_opt){"--timeout", &o_timeout};
    args[nopts++] = (sbc_opt){"--iut-log", &o_log};
  } else {
    args[nopts++] = (sbc_opt){"--mutant", &o_mutant};
  }
  args[nopts] = (sbc_opt){NULL, NULL};
  int early = paths ? sbc_args_parse(argc, argv, args, check_usage, &verbose, &quiet, paths, &npaths)
                    : SBCONF_EXIT_INTERNAL;
  if (early >= 0) {
    free(paths);
    return early;
  }
  sbc_config cfg;
  char err[1024], b1[64], b2[64], b3[64], b4[64], b5[64], b6[64], b7[64], b8[16], b9[16];
  int rc = sbc_config_load(&cfg, o_config, check_keys, err, sizeof err);
  if (rc) {
    fprintf(stderr, "sbconf: %s\n", err);
    free(paths);
    return rc;
  }
  const char *profile = sbc_config_get(&cfg, "profile", o_profile, "strict", b1, sizeof b1);
  const char *json = sbc_config_get(&cfg, "json", o_json, NULL, b2, sizeof b2);
  const char *junit = sbc_config_get(&cfg, "junit", o_junit, NULL, b3, sizeof b3);
  const char *catalog = sbc_config_get(&cfg, "catalog", o_catalog, NULL, b4, sizeof b4);
  const char *cmd = run ? sbc_config_get(&cfg, "iut-cmd", o_cmd, NULL, b5, sizeof b5) : NULL;
  const char *timeout = sbc_config_get(&cfg, "timeout", o_timeout, "5000", b6, sizeof b6);
  const char *log_path = sbc_config_get(&cfg, "iut-log", o_log, NULL, b7, sizeof b7);
  if (!verbose) verbose = !strcmp(sbc_config_get(&cfg, "verbose", NULL, "false", b8, sizeof b8), "true");
  if (!quiet) quiet = !strcmp(sbc_config_get(&cfg, "quiet", NULL, "false", b9, sizeof b9), "true");
  int status = SBCONF_EXIT_USAGE;
  char **files = NULL;
  size_t nfiles = 0;
  sbv_file *loaded = NULL;
  sbv_report *rep = NULL;
  sbv_iut *iut = NULL;
  FILE *log = NULL;
  cJSON *cat = NULL;
  char *end = NULL;
  long tmo = strtol(timeout, &end, 10);
  if (strcmp(profile, "strict") && strcmp(profile, "upstream")) {
    fprintf(stderr, "sbconf: --profile %s: want strict or upstream\n", profile);
    goto done;
  }
  if (npaths == 0) {
    fprintf(stderr, "sbconf: no PATH given\n%s", check_usage);
    goto done;
  }
  if (run && (!cmd || !*cmd)) {
    fprintf(stderr, "sbconf: vectors run needs --iut-cmd CMD\n");
    goto done;
  }
  if (!*end && (tmo < 1 || tmo > 3600000)) end = "x";
  if (*end) {
    fprintf(stderr, "sbconf: --timeout %s: want milliseconds from 1 to 3600000\n", timeout);
    goto done;
  }
  if ((status = collect(paths, npaths, &files, &nfiles)) != 0) goto done;
  /* Load everything first: a malformed input stops the run before any case. */
  loaded = calloc(nfiles, sizeof *loaded);
  int bad = 0;
  for (size_t i = 0; i < nfiles; i++) {
    int lrc = sbv_file_load(files[i], &loaded[i], err, sizeof err);
    if (lrc) {
      fprintf(stderr, "sbconf: %s\n", err);
      if (!bad || lrc == SBCONF_EXIT_MALFORMED) bad = lrc;
    }
  }
  if (bad) {
    status = bad;
    goto done;
  }
  const sbv_mutant *mutant = NULL;
  if (o_mutant && !(mutant = sbv_mutant_find(o_mutant))) {
    fprintf(stderr, "sbconf: no mutant named '%s' (sbconf adapter --list-mutants)\n", o_mutant);
    status = SBCONF_EXIT_USAGE;
    goto done;
  }
  sbv_engine engine = sbv_engine_reference(mutant);
  if (run) {
    if (log_path && !(log = fopen(log_path, "w"))) {
      fprintf(stderr, "sbconf: --iut-log %s: %s\n", log_path, strerror(errno));
      status = SBCONF_EXIT_NOT_FOUND;
      goto done;
    }
    iut = sbv_iut_start(cmd, (int)tmo, log ? log : stderr, err, sizeof err);
    if (!iut) {
      fprintf(stderr, "sbconf: cannot run the implementation: %s\n", err);
      status = SBCONF_EXIT_IUT;
      goto done;
    }
    engine = sbv_iut_engine(iut);
  }
  rep = sbv_report_new();
  sbv_check_opts opts = {profile, verbose, quiet};
  for (size_t i = 0; i < nfiles; i++) {
    if (sbv_check_file(&loaded[i], &engine, &opts, rep, stdout) == -3) {
      /* Still close with the counts so far: CI reads the last line. */
      printf("stopped: the implementation could not be run (exit 5)\n");
      sbv_report_summary_line(rep, stdout);
      status = SBCONF_EXIT_IUT;
      goto done;
    }
  }
  if (!quiet) sbv_report_print(rep, stdout);
  cat = load_catalog(catalog, paths[0]);
  if (json && sbv_report_write_json(rep, json, cat) != 0) {
    fprintf(stderr, "sbconf: cannot write %s: %s\n", json, strerror(errno));
    status = SBCONF_EXIT_INTERNAL;
    goto done;
  }
  if (junit && sbv_report_write_junit(rep, junit) != 0) {
    fprintf(stderr, "sbconf: cannot write %s: %s\n", junit, strerror(errno));
    status = SBCONF_EXIT_INTERNAL;
    goto done;
  }
  printf("profile %s, engine %s: %zu files\n", profile, engine.name, nfiles);
  sbv_report_summary_line(rep, stdout);
  status = sbv_report_count(rep, SBV_FAIL) ? SBCONF_EXIT_FAIL : SBCONF_EXIT_PASS;
done:
  if (iut) sbv_iut_stop(iut);
  if (log) fclose(log);
  for (size_t i = 0; loaded && i < nfiles; i++) sbv_file_free(&loaded[i]);
  for (size_t i = 0; i < nfiles; i++) free(files[i]);
  free(files);
  free(loaded);
  sbv_report_free(rep);
  cJSON_Delete(cat);
  sbc_config_free(&cfg);
  free(paths);
  return status;
}

/* sbconf vectors mutants PATH...: every mutant against the vectors, in
 * process. A mutant is caught when a case fails, and exposed when a failing
 * case cites one of the requirement IDs the mutant is meant to violate. */
static int mutants_score(int argc, char **argv) {
  if (argc < 1 || argv[0][0] == '-') {
    printf("usage: sbconf vectors mutants PATH...\n"
           "Run every mutant (sbconf adapter --list-mutants) against the vectors and print\n"
           "the mutation score. Exit 1 if a mutant is not caught, or caught only by cases\n"
           "that cite none of the requirements it violates.\n");
    return argc < 1 ? SBCONF_EXIT_USAGE : SBCONF_EXIT_PASS;
  }
  char **files = NULL, err[1024];
  size_t nfiles = 0;
  int status = collect(argv, argc, &files, &nfiles);
  sbv_file *loaded = calloc(nfiles ? nfiles : 1, sizeof *loaded);
  for (size_t i = 0; status == 0 && i < nfiles; i++) {
    int lrc = sbv_file_load(files[i], &loaded[i], err, sizeof err);
    if (lrc) {
      fprintf(stderr, "sbconf: %s\n", err);
      status = lrc;
    }
  }
  unsigned caught = 0, exposed = 0, n = (unsigned)sbv_mutant_count();
  FILE *devnull = status == 0 ? fopen("/dev/null", "w") : NULL;
  if (status == 0 && !devnull) status = SBCONF_EXIT_INTERNAL;
  if (status == 0) printf("%-34s %6s %6s  %s\n", "mutant", "fails", "caught", "requirements it violates, failing cases citing each");
  for (unsigned k = 0; status == 0 && k < n; k++) {
    const sbv_mutant *m = sbv_mutant_at(k);
    sbv_engine engine = sbv_engine_reference(m);
    sbv_report *rep = sbv_report_new();
    sbv_check_opts opts = {"strict", false, true};
    for (size_t i = 0; i < nfiles; i++) sbv_check_file(&loaded[i], &engine, &opts, rep, devnull);
    unsigned fails = sbv_report_count(rep, SBV_FAIL);
    char ids[512] = "";
    bool hit = false;
    char *tmp = strdup(m->reqs), *save = NULL;
    for (char *id = strtok_r(tmp, " ", &save); id; id = strtok_r(NULL, " ", &save)) {
      unsigned c = sbv_report_fail_cites(rep, id);
      hit |= c > 0;
      size_t used = strlen(ids);
      snprintf(ids + used, sizeof ids - used, "%s%s=%u", used ? " " : "", id, c);
    }
    free(tmp);
    caught += fails > 0;
    exposed += hit;
    printf("%-34s %6u %6s  %s%s\n", m->name, fails, fails ? (hit ? "yes" : "NOT BY ITS IDS") : "NO",
           ids, "");
    sbv_report_free(rep);
  }
  if (devnull) fclose(devnull);
  if (status == 0) {
    printf("mutation score: %u/%u mutants caught (%.0f%%), %u/%u exposed by a requirement they violate\n",
           caught, n, n ? 100.0 * caught / n : 0.0, exposed, n);
    printf("%u passed, %u failed\n", exposed, n - exposed);
    status = n && caught == n && exposed == n ? SBCONF_EXIT_PASS : SBCONF_EXIT_FAIL;
  }
  for (size_t i = 0; i < nfiles; i++) {
    sbv_file_free(&loaded[i]);
    free(files[i]);
  }
  free(loaded);
  free(files);
  return status;
}

static int generate(int argc, char **argv) {
  bool verbose = false;
  const char *outdir = NULL;
  for (int i = 0; i < argc; i++) {
    if (!strcmp(argv[i], "--verbose")) {
      verbose = true;
    } else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
      printf("usage: sbconf vectors generate [--verbose] OUTDIR\n"
             "Regenerate the project's vector files from the reference and the curated\n"
             "inputs (run from the repository root; `make vectors` does this).\n");
      return SBCONF_EXIT_PASS;
    } else if (argv[i][0] == '-' || outdir) {
      fprintf(stderr, "usage: sbconf vectors generate [--verbose] OUTDIR\n");
      return SBCONF_EXIT_USAGE;
    } else {
      outdir = argv[i];
    }
  }
  if (!outdir) {
    fprintf(stderr, "usage: sbconf vectors generate [--verbose] OUTDIR\n");
    return SBCONF_EXIT_USAGE;
  }
  int errors = sbv_gen_all(outdir, verbose);
  if (errors) {
    fprintf(stderr, "sbconf: %d generation error(s); the files written are not usable\n", errors);
    return SBCONF_EXIT_FAIL;
  }
  return SBCONF_EXIT_PASS;
}

int sbc_cmd_vectors(int argc, char **argv) {
  if (argc < 1 || !strcmp(argv[0], "--help") || !strcmp(argv[0], "-h")) {
    fputs(check_usage, argc < 1 ? stderr : stdout);
    printf("       sbconf vectors generate OUTDIR\n"
           "       sbconf vectors mutants PATH...   (the mutation score of the vectors)\n");
    return argc < 1 ? SBCONF_EXIT_USAGE : SBCONF_EXIT_PASS;
  }
  if (!strcmp(argv[0], "check")) return check_or_run(argc - 1, argv + 1, false);
  if (!strcmp(argv[0], "run")) return check_or_run(argc - 1, argv + 1, true);
  if (!strcmp(argv[0], "generate")) return generate(argc - 1, argv + 1);
  if (!strcmp(argv[0], "mutants")) return mutants_score(argc - 1, argv + 1);
  fprintf(stderr, "sbconf: unknown vectors command '%s' (check, run, generate)\n", argv[0]);
  return SBCONF_EXIT_USAGE;
}

int sbc_cmd_adapter(int argc, char **argv) {
  const sbv_mutant *m = NULL;
  for (int i = 0; i < argc; i++) {
    if (!strcmp(argv[i], "--list-mutants")) {
      for (size_t k = 0; k < sbv_mutant_count(); k++)
        printf("%-36s %s [%s]\n", sbv_mutant_at(k)->name, sbv_mutant_at(k)->description,
               sbv_mutant_at(k)->reqs);
      return SBCONF_EXIT_PASS;
    } else if (!strcmp(argv[i], "--mutant") && i + 1 < argc) {
      m = sbv_mutant_find(argv[++i]);
      if (!m) {
        fprintf(stderr, "sbconf: no mutant named '%s' (see --list-mutants)\n", argv[i]);
        return SBCONF_EXIT_USAGE;
      }
    } else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
      printf("usage: sbconf adapter [--mutant NAME] [--list-mutants]\n"
             "Serve the reference (or a deliberately broken variant) over the adapter\n"
             "protocol: one JSON request per line on stdin, one answer per line on stdout.\n");
      return SBCONF_EXIT_PASS;
    } else {
      fprintf(stderr, "usage: sbconf adapter [--mutant NAME] [--list-mutants]\n");
      return SBCONF_EXIT_USAGE;
    }
  }
  return sbv_adapter_serve(m, stdin, stdout);
}
