/*
 * sbconf run: scenarios in the simulator, one result line each, reports.
 */
#define _POSIX_C_SOURCE 200809L
#include <cJSON.h>
#include <dirent.h>
#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "commands.h"
#include "config.h"
#include "lua_host.h"
#include "sbconf.h"
#include "trace.h"
#include "world.h"

static const char run_usage[] =
    "usage: sbconf run [options] SCENARIO.lua|DIR...\n"
    "\n"
    "Run Lua scenarios in the deterministic simulator: every role is played by\n"
    "the reference. A DIR is searched for *.lua files recursively, skipping\n"
    "folders named lib (helpers) and broken (scripts that must fail).\n"
    "\n"
    "options:\n"
    "  --seed N          seed of every world (default: the scenario's sim.world{ seed },\n"
    "                    else 1); each result line prints the seed it used\n"
    "  --trace FILE      the trace as JSON Lines\n"
    "  --pcap FILE       a capture (WebSocket over TCP/IPv4) for Wireshark or tshark\n"
    "  --keylog FILE     the SBRP key log for the dissector (sbrp.keylog_file)\n"
    "                    with several scenarios, FILE must contain {}, replaced by\n"
    "                    each scenario's file name without .lua\n"
    "  --json FILE       JSON report (outcomes, digests, requirements and rows)\n"
    "  --junit FILE      JUnit XML report\n"
    "  --report FILE.md  Markdown report with row coverage\n"
    "  --filter PATTERN  only scenarios whose name, file, requirement ID or row ID\n"
    "                    matches (a glob with * ? [ ], else a substring)\n"
    "  --verbose         print every expectation as it passes, and tracebacks\n"
    "  --quiet           print only failures and the summary\n"
    "  --config FILE     JSON file of option values (keys as the option names)\n"
    "\n"
    "Every option can also come from SBCONF_<NAME> (SBCONF_SEED, SBCONF_FILTER...).\n"
    "The last line is \"N passed, N failed\" (\", N skipped\" when some were skipped).\n"
    "exit: 0 all passed, 1 a scenario failed, 2 usage, 3 input not found,\n"
    "      4 a scenario is malformed (Lua error, file:line given), 70 internal error\n";

static const char *const run_keys[] = {"seed",   "trace",  "pcap",    "keylog", "json",  "junit",
                                       "report", "filter", "verbose", "quiet",  NULL};

typedef struct entry {
  char *path;
  char *stem; /* file name without .lua */
  sim_scenario_result res;
  bool selected;
} entry;

typedef struct list {
  entry *v;
  size_t n, cap;
} list;

static void list_add(list *l, const char *path) {
  if (l->n == l->cap) {
    l->cap = l->cap ? 2 * l->cap : 32;
    l->v = sim_xrealloc(l->v, l->cap * sizeof *l->v);
  }
  entry *e = &l->v[l->n++];
  memset(e, 0, sizeof *e);
  e->path = sim_xstrdup(path);
  const char *slash = strrchr(path, '/');
  e->stem = sim_xstrdup(slash ? slash + 1 : path);
  size_t k = strlen(e->stem);
  if (k > 4 && !strcmp(e->stem + k - 4, ".lua")) e->stem[k - 4] = '\0';
}

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static bool is_lua(const char *name) {
  size_t n = strlen(name);
  return n > 4 && !strcmp(name + n - 4, ".lua");
}

/* Every *.lua under `dir`, sorted, recursing except into lib/ and broken/. */
static int collect_dir(list *l, const char *dir) {
  DIR *d = opendir(dir);
  if (!d) {
    fprintf(stderr, "sbconf: %s: %s\n", dir, strerror(errno));
    return SBCONF_EXIT_NOT_FOUND;
  }
  char **names = NULL;
  size_t n = 0;
  struct dirent *e;
  while ((e = readdir(d))) {
    if (e->d_name[0] == '.') continue;
    names = sim_xrealloc(names, (n + 1) * sizeof *names);
    names[n++] = sim_xstrdup(e->d_name);
  }
  closedir(d);
  if (n) qsort(names, n, sizeof *names, cmp_str);
  int rc = 0;
  for (size_t i = 0; i < n; i++) {
    sim_buf p = {0};
    sim_buf_printf(&p, "%s%s%s", dir, dir[strlen(dir) - 1] == '/' ? "" : "/", names[i]);
    struct stat st;
    if (stat(p.s, &st) == 0 && S_ISDIR(st.st_mode)) {
      if (strcmp(names[i], "lib") && strcmp(names[i], "broken") && rc == 0) rc = collect_dir(l, p.s);
    } else if (is_lua(names[i])) {
      list_add(l, p.s);
    }
    sim_buf_free(&p);
    free(names[i]);
  }
  free(names);
  return rc;
}

static int collect(list *l, char **args, int nargs) {
  for (int i = 0; i < nargs; i++) {
    struct stat st;
    if (stat(args[i], &st) != 0) {
      fprintf(stderr, "sbconf: %s: %s\n", args[i], strerror(errno));
      return SBCONF_EXIT_NOT_FOUND;
    }
    if (S_ISDIR(st.st_mode)) {
      size_t before = l->n;
      int rc = collect_dir(l, args[i]);
      if (rc) return rc;
      if (l->n == before) {
        fprintf(stderr, "sbconf: %s: no scenario (*.lua) in this directory\n", args[i]);
        return SBCONF_EXIT_NOT_FOUND;
      }
    } else {
      list_add(l, args[i]);
    }
  }
  return 0;
}

/* ---- selection ------------------------------------------------------------------------ */

static bool pattern_hit(const char *pat, const char *s) {
  if (!s) return false;
  if (strpbrk(pat, "*?[")) return fnmatch(pat, s, 0) == 0;
  return strstr(s, pat) != NULL;
}

static bool selected_by(const char *pat, const entry *e) {
  const sim_scenario_result *r = &e->res;
  if (pattern_hit(pat, r->name) || pattern_hit(pat, e->path)) return true;
  for (size_t i = 0; i < r->nrequirements; i++)
    if (pattern_hit(pat, r->requirements[i])) return true;
  for (size_t i = 0; i < r->nrows_declared; i++)
    if (pattern_hit(pat, r->rows_declared[i])) return true;
  return false;
}

/* ---- per-scenario output files ----------------------------------------------------------- */

/* FILE with {} replaced by the scenario's stem. */
static char *expand(const char *tmpl, const char *stem) {
  if (!tmpl) return NULL;
  sim_buf b = {0};
  const char *p = tmpl, *q;
  while ((q = strstr(p, "{}"))) {
    sim_buf_add(&b, p, (size_t)(q - p));
    sim_buf_printf(&b, "%s", stem);
    p = q + 2;
  }
  sim_buf_printf(&b, "%s", p);
  return b.s;
}

typedef struct outputs {
  FILE *trace;
  sim_pcap pcap;
  bool pcap_open;
  sim_keylog keylog;
  bool keylog_open;
} outputs;

static int open_outputs(outputs *o, const char *trace, const char *pcap, const char *keylog) {
  memset(o, 0, sizeof *o);
  if (trace && !(o->trace = fopen(trace, "w"))) {
    fprintf(stderr, "sbconf: %s: %s\n", trace, strerror(errno));
    return SBCONF_EXIT_NOT_FOUND;
  }
  if (pcap) {
    if (sim_pcap_open(&o->pcap, pcap) != 0) {
      fprintf(stderr, "sbconf: %s: %s\n", pcap, strerror(errno));
      return SBCONF_EXIT_NOT_FOUND;
    }
    o->pcap_open = true;
  }
  if (keylog) {
    if (sim_keylog_open(&o->keylog, keylog) != 0) {
      fprintf(stderr, "sbconf: %s: %s\n", keylog, strerror(errno));
      return SBCONF_EXIT_NOT_FOUND;
    }
    o->keylog_open = true;
  }
  return 0;
}

/* Close the files; 0, or an internal-error exit code if a write failed. */
static int close_outputs(outputs *o) {
  int bad = 0;
  if (o->trace && fclose(o->trace) != 0) bad = 1;
  if (o->pcap_open && sim_pcap_close(&o->pcap) != 0) bad = 1;
  if (o->keylog_open && sim_keylog_close(&o->keylog) != 0) bad = 1;
  if (bad) fprintf(stderr, "sbconf: writing a trace, capture or key log failed\n");
  return bad ? SBCONF_EXIT_INTERNAL : 0;
}

/* ---- reports ------------------------------------------------------------------------------ */

static cJSON *string_array(char **v, size_t n) {
  cJSON *a = cJSON_CreateArray();
  for (size_t i = 0; i < n; i++) cJSON_AddItemToArray(a, cJSON_CreateString(v[i]));
  return a;
}

/* Sorted union of a string field over the passing scenarios. */
static char **union_of(const list *l, bool rows, size_t *count) {
  char **u = NULL;
  size_t n = 0;
  for (size_t i = 0; i < l->n; i++) {
    const sim_scenario_result *r = &l->v[i].res;
    if (!l->v[i].selected || r->outcome != SIM_PASS) continue;
    char **v = rows ? r->rows : r->requirements;
    size_t m = rows ? r->nrows : r->nrequirements;
    for (size_t k = 0; k < m; k++) {
      bool dup = false;
      for (size_t j = 0; j < n && !dup; j++) dup = !strcmp(u[j], v[k]);
      if (dup) continue;
      u = sim_xrealloc(u, (n + 1) * sizeof *u);
      u[n++] = v[k];
    }
  }
  if (n) qsort(u, n, sizeof *u, cmp_str);
  *count = n;
  return u;
}

/* Every row of the three SBRP tables (sbrp.md 13.1-13.3). */
static size_t all_rows(char out[][16], size_t cap) {
  static const struct {
    char t;
    int n;
  } tables[] = {{'C', 18}, {'D', 12}, {'R', 15}};
  size_t k = 0;
  for (size_t t = 0; t < 3; t++)
    for (int i = 1; i <= tables[t].n && k < cap; i++) snprintf(out[k++], 16, "SBRP-SM-%c-%03d", tables[t].t, i);
  return k;
}

static int write_json(const char *path, const list *l, const int counts[3]) {
  cJSON *root = cJSON_CreateObject();
  cJSON_AddStringToObject(root, "tool", "sbconf run");
  cJSON_AddStringToObject(root, "version", SBCONF_VERSION);
  cJSON *sum = cJSON_AddObjectToObject(root, "summary");
  cJSON_AddNumberToObject(sum, "passed", counts[0]);
  cJSON_AddNumberToObject(sum, "failed", counts[1]);
  cJSON_AddNumberToObject(sum, "skipped", counts[2]);
  cJSON *arr = cJSON_AddArrayToObject(root, "scenarios");
  for (size_t i = 0; i < l->n; i++) {
    const entry *e = &l->v[i];
    if (!e->selected) continue;
    const sim_scenario_result *r = &e->res;
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "file", e->path);
    if (r->name)
      cJSON_AddStringToObject(o, "name", r->name);
    else
      cJSON_AddNullToObject(o, "name");
    if (r->description) cJSON_AddStringToObject(o, "description", r->description);
    cJSON_AddStringToObject(o, "outcome", sim_outcome_name(r->outcome));
    char seed[32];
    snprintf(seed, sizeof seed, "%llu", (unsigned long long)r->seed);
    cJSON_AddRawToObject(o, "seed", seed);
    cJSON_AddStringToObject(o, "sha256", r->digest);
    cJSON_AddItemToObject(o, "requirements", string_array(r->requirements, r->nrequirements));
    cJSON_AddItemToObject(o, "rows_declared", string_array(r->rows_declared, r->nrows_declared));
    cJSON_AddItemToObject(o, "rows_exercised", string_array(r->rows, r->nrows));
    cJSON_AddNumberToObject(o, "virtual_time_us", (double)r->virtual_time);
    cJSON_AddNumberToObject(o, "events", (double)r->events);
    cJSON_AddNumberToObject(o, "records", (double)r->records);
    cJSON_AddNumberToObject(o, "expectations", (double)r->expectations);
    if (r->message)
      cJSON_AddStringToObject(o, "message", r->message);
    else
      cJSON_AddNullToObject(o, "message");
    cJSON_AddItemToArray(arr, o);
  }
  size_t nreq = 0, nrows = 0;
  char **reqs = union_of(l, false, &nreq), **rows = union_of(l, true, &nrows);
  cJSON *cov = cJSON_AddObjectToObject(root, "coverage");
  cJSON_AddItemToObject(cov, "requirements", string_array(reqs, nreq));
  cJSON_AddItemToObject(cov, "rows_exercised", string_array(rows, nrows));
  char all[64][16];
  size_t nall = all_rows(all, 64);
  cJSON *missing = cJSON_AddArrayToObject(cov, "rows_not_exercised");
  for (size_t i = 0; i < nall; i++) {
    bool hit = false;
    for (size_t k = 0; k < nrows && !hit; k++) hit = !strcmp(rows[k], all[i]);
    if (!hit) cJSON_AddItemToArray(missing, cJSON_CreateString(all[i]));
  }
  free(reqs);
  free(rows);
  char *text = cJSON_Print(root);
  cJSON_Delete(root);
  FILE *f = fopen(path, "w");
  if (!f) {
    fprintf(stderr, "sbconf: %s: %s\n", path, strerror(errno));
    free(text);
    return SBCONF_EXIT_NOT_FOUND;
  }
  fprintf(f, "%s\n", text);
  free(text);
  return fclose(f) == 0 ? 0 : SBCONF_EXIT_INTERNAL;
}

static void xml_escaped(FILE *f, const char *s) {
  for (; s && *s; s++) {
    unsigned char c = (unsigned char)*s;
    if (c == '&')
      fputs("&amp;", f);
    else if (c == '<')
      fputs("&lt;", f);
    else if (c == '>')
      fputs("&gt;", f);
    else if (c == '"')
      fputs("&quot;", f);
    else if (c < 0x20 && c != '\n' && c != '\t')
      fprintf(f, "&#x%x;", c == '\r' ? c : 0xfffd);
    else
      fputc(c, f);
  }
}

static int write_junit(const char *path, const list *l, const int counts[3]) {
  FILE *f = fopen(path, "w");
  if (!f) {
    fprintf(stderr, "sbconf: %s: %s\n", path, strerror(errno));
    return SBCONF_EXIT_NOT_FOUND;
  }
  int errors = 0, failures = 0;
  for (size_t i = 0; i < l->n; i++) {
    if (!l->v[i].selected) continue;
    sim_outcome o = l->v[i].res.outcome;
    if (o == SIM_FAIL) failures++;
    if (o == SIM_MALFORMED || o == SIM_INTERNAL) errors++;
  }
  fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n");
  fprintf(f, "  <testsuite name=\"sbconf run\" tests=\"%d\" failures=\"%d\" errors=\"%d\" skipped=\"%d\">\n",
          counts[0] + counts[1] + counts[2], failures, errors, counts[2]);
  for (size_t i = 0; i < l->n; i++) {
    const entry *e = &l->v[i];
    if (!e->selected) continue;
    const sim_scenario_result *r = &e->res;
    fputs("    <testcase classname=\"", f);
    xml_escaped(f, e->path);
    fputs("\" name=\"", f);
    xml_escaped(f, r->name ? r->name : e->stem);
    fprintf(f, "\" time=\"%.6f\">\n      <properties>\n", (double)r->virtual_time / 1e6);
    fprintf(f, "        <property name=\"seed\" value=\"%llu\"/>\n", (unsigned long long)r->seed);
    fprintf(f, "        <property name=\"sha256\" value=\"%s\"/>\n", r->digest);
    for (size_t k = 0; k < r->nrequirements; k++) {
      fputs("        <property name=\"requirement\" value=\"", f);
      xml_escaped(f, r->requirements[k]);
      fputs("\"/>\n", f);
    }
    for (size_t k = 0; k < r->nrows; k++) fprintf(f, "        <property name=\"row\" value=\"%s\"/>\n", r->rows[k]);
    fputs("      </properties>\n", f);
    const char *tag = r->outcome == SIM_FAIL ? "failure"
                      : (r->outcome == SIM_MALFORMED || r->outcome == SIM_INTERNAL) ? "error"
                      : r->outcome == SIM_SKIP ? "skipped"
                                               : NULL;
    if (tag) {
      const char *msg = r->message ? r->message : "";
      const char *nl = strchr(msg, '\n');
      fprintf(f, "      <%s message=\"", tag);
      char *first = sim_xstrdup(msg);
      if (nl) first[nl - msg] = '\0';
      xml_escaped(f, first);
      free(first);
      fputs("\">", f);
      xml_escaped(f, msg);
      fprintf(f, "</%s>\n", tag);
    }
    fputs("    </testcase>\n", f);
  }
  fputs("  </testsuite>\n</testsuites>\n", f);
  return fclose(f) == 0 ? 0 : SBCONF_EXIT_INTERNAL;
}

static void md_cell(FILE *f, const char *s) {
  for (; s && *s; s++) {
    if (*s == '|')
      fputs("\\|", f);
    else if (*s == '\n')
      fputc(' ', f);
    else
      fputc(*s, f);
  }
}

static int write_report(const char *path, const list *l, const int counts[3]) {
  FILE *f = fopen(path, "w");
  if (!f) {
    fprintf(stderr, "sbconf: %s: %s\n", path, strerror(errno));
    return SBCONF_EXIT_NOT_FOUND;
  }
  fprintf(f, "# Scenario run\n\n%d passed, %d failed", counts[0], counts[1]);
  if (counts[2]) fprintf(f, ", %d skipped", counts[2]);
  fprintf(f, " (`sbconf run`, sbconf %s).\n\n", SBCONF_VERSION);
  fprintf(f, "| Scenario | File | Result | Seed | Requirements | Rows exercised | Trace SHA-256 |\n");
  fprintf(f, "| --- | --- | --- | --- | --- | --- | --- |\n");
  for (size_t i = 0; i < l->n; i++) {
    const entry *e = &l->v[i];
    if (!e->selected) continue;
    const sim_scenario_result *r = &e->res;
    fputs("| ", f);
    md_cell(f, r->name ? r->name : e->stem);
    fputs(" | `", f);
    md_cell(f, e->path);
    fprintf(f, "` | %s | %llu | ", sim_outcome_name(r->outcome), (unsigned long long)r->seed);
    for (size_t k = 0; k < r->nrequirements; k++) {
      if (k) fputs(", ", f);
      md_cell(f, r->requirements[k]);
    }
    fputs(" | ", f);
    for (size_t k = 0; k < r->nrows; k++) fprintf(f, "%s%s", k ? ", " : "", r->rows[k]);
    fprintf(f, " | %s%.16s%s |\n", r->digest[0] ? "`" : "", r->digest[0] ? r->digest : "-", r->digest[0] ? "`" : "");
  }
  bool any = false;
  for (size_t i = 0; i < l->n; i++) {
    const entry *e = &l->v[i];
    if (!e->selected || e->res.outcome == SIM_PASS || !e->res.message) continue;
    if (!any) fputs("\n## Not passed\n", f);
    any = true;
    fprintf(f, "\n### %s (%s)\n\n```\n%s\n```\n", e->res.name ? e->res.name : e->stem,
            sim_outcome_name(e->res.outcome), e->res.message);
  }
  size_t nrows = 0;
  char **rows = union_of(l, true, &nrows);
  char all[64][16];
  size_t nall = all_rows(all, 64), hit_count = 0;
  fputs("\n## State-machine rows (sbrp.md 13.1-13.3)\n\n", f);
  sim_buf missing = {0};
  for (size_t i = 0; i < nall; i++) {
    bool hit = false;
    for (size_t k = 0; k < nrows && !hit; k++) hit = !strcmp(rows[k], all[i]);
    if (hit)
      hit_count++;
    else
      sim_buf_printf(&missing, "%s%s", missing.len ? ", " : "", all[i]);
  }
  fprintf(f, "%zu of %zu rows exercised by a passing scenario.\n", hit_count, nall);
  if (missing.len) fprintf(f, "\nNot yet exercised: %s.\n", missing.s);
  sim_buf_free(&missing);
  free(rows);
  return fclose(f) == 0 ? 0 : SBCONF_EXIT_INTERNAL;
}

/* ---- the command ------------------------------------------------------------------------------ */

static bool truthy(const char *v) { return v && (!strcmp(v, "true") || !strcmp(v, "1") || !strcmp(v, "yes")); }

static const char *status_word(sim_outcome o) {
  switch (o) {
    case SIM_PASS:
      return "PASS ";
    case SIM_FAIL:
      return "FAIL ";
    case SIM_SKIP:
      return "SKIP ";
    case SIM_MALFORMED:
      return "ERROR";
    case SIM_INTERNAL:
      return "BUG  ";
  }
  return "?";
}

static void print_message(const char *msg) {
  const char *p = msg;
  while (p && *p) {
    const char *nl = strchr(p, '\n');
    size_t n = nl ? (size_t)(nl - p) : strlen(p);
    printf("      %.*s\n", (int)n, p);
    p = nl ? nl + 1 : NULL;
  }
}

int sbc_cmd_run(int argc, char **argv) {
  const char *o_seed = NULL, *o_trace = NULL, *o_pcap = NULL, *o_keylog = NULL, *o_json = NULL,
             *o_junit = NULL, *o_report = NULL, *o_filter = NULL, *o_config = NULL;
  bool verbose = false, quiet = false;
  char **paths = calloc((size_t)argc + 1, sizeof *paths);
  int npaths = 0;
  const sbc_opt opts[] = {{"--seed", &o_seed},     {"--trace", &o_trace},   {"--pcap", &o_pcap},
                          {"--keylog", &o_keylog}, {"--json", &o_json},     {"--junit", &o_junit},
                          {"--report", &o_report}, {"--filter", &o_filter}, {"--config", &o_config},
                          {NULL, NULL}};
  int early = paths ? sbc_args_parse(argc, argv, opts, run_usage, &verbose, &quiet, paths, &npaths)
                    : SBCONF_EXIT_INTERNAL;
  if (early >= 0) {
    free(paths);
    return early;
  }
  sbc_config cfg;
  char err[1024], b[10][64];
  int rc = sbc_config_load(&cfg, o_config, run_keys, err, sizeof err);
  if (rc) {
    fprintf(stderr, "sbconf: %s\n", err);
    free(paths);
    return rc;
  }
  const char *seed_s = sbc_config_get(&cfg, "seed", o_seed, NULL, b[0], sizeof b[0]);
  const char *trace = sbc_config_get(&cfg, "trace", o_trace, NULL, b[1], sizeof b[1]);
  const char *pcap = sbc_config_get(&cfg, "pcap", o_pcap, NULL, b[2], sizeof b[2]);
  const char *keylog = sbc_config_get(&cfg, "keylog", o_keylog, NULL, b[3], sizeof b[3]);
  const char *json = sbc_config_get(&cfg, "json", o_json, NULL, b[4], sizeof b[4]);
  const char *junit = sbc_config_get(&cfg, "junit", o_junit, NULL, b[5], sizeof b[5]);
  const char *report = sbc_config_get(&cfg, "report", o_report, NULL, b[6], sizeof b[6]);
  const char *filter = sbc_config_get(&cfg, "filter", o_filter, NULL, b[7], sizeof b[7]);
  if (!verbose) verbose = truthy(sbc_config_get(&cfg, "verbose", NULL, NULL, b[8], sizeof b[8]));
  if (!quiet) quiet = truthy(sbc_config_get(&cfg, "quiet", NULL, NULL, b[9], sizeof b[9]));
  int status = SBCONF_EXIT_USAGE;
  list l = {0};
  sim_run_opts ro = {.verbose = verbose, .log = stdout};
  if (seed_s) {
    char *end = NULL;
    errno = 0;
    unsigned long long v = strtoull(seed_s, &end, 10);
    if (!*seed_s || *end || errno || seed_s[0] == '-' || v > (unsigned long long)INT64_MAX) {
      fprintf(stderr, "sbconf: --seed wants an integer from 0 to %lld, not '%s'\n", (long long)INT64_MAX, seed_s);
      goto done;
    }
    ro.has_seed = true;
    ro.seed = v;
  }
  if (npaths == 0) {
    fprintf(stderr, "sbconf: run needs at least one SCENARIO.lua or DIR\n%s", run_usage);
    goto done;
  }
  if (verbose && quiet) {
    fprintf(stderr, "sbconf: --verbose and --quiet exclude each other\n");
    goto done;
  }
  status = collect(&l, paths, npaths);
  if (status) goto done;
  const char *per_file[3] = {trace, pcap, keylog};
  const char *opt_name[3] = {"--trace", "--pcap", "--keylog"};
  for (int k = 0; k < 3; k++)
    if (per_file[k] && l.n > 1 && !strstr(per_file[k], "{}")) {
      fprintf(stderr,
              "sbconf: %s %s with %zu scenarios: put {} in the file name (replaced by each "
              "scenario's name), e.g. %s 'out/{}.%s'\n",
              opt_name[k], per_file[k], l.n, opt_name[k], k == 0 ? "jsonl" : k == 1 ? "pcap" : "keylog");
      status = SBCONF_EXIT_USAGE;
      goto done;
    }
  for (size_t i = 0; i < l.n; i++)
    for (size_t j = i + 1; j < l.n && (trace || pcap || keylog); j++)
      if (!strcmp(l.v[i].stem, l.v[j].stem)) {
        fprintf(stderr, "sbconf: %s and %s have the same name: their {} output files would collide\n",
                l.v[i].path, l.v[j].path);
        status = SBCONF_EXIT_USAGE;
        goto done;
      }
  int counts[3] = {0, 0, 0}, worst = 0;
  size_t nsel = 0;
  for (size_t i = 0; i < l.n; i++) {
    entry *e = &l.v[i];
    e->selected = true;
    if (filter) {
      sim_run_opts decl = ro;
      decl.declare_only = true;
      decl.verbose = false;
      sim_outcome d = sim_scenario_run(e->path, &decl, &e->res);
      e->selected = d != SIM_PASS || selected_by(filter, e); /* broken scripts stay visible */
      sim_scenario_result_free(&e->res);
      if (!e->selected) continue;
    }
    nsel++;
    char *t = expand(trace, e->stem), *p = expand(pcap, e->stem), *k = expand(keylog, e->stem);
    outputs out;
    int orc = open_outputs(&out, t, p, k);
    free(t);
    free(p);
    free(k);
    if (orc) {
      close_outputs(&out);
      status = orc;
      goto done;
    }
    ro.trace = out.trace;
    ro.pcap = out.pcap_open ? &out.pcap : NULL;
    ro.keylog = out.keylog_open ? &out.keylog : NULL;
    if (verbose) printf("%s\n", e->path);
    sim_outcome res = sim_scenario_run(e->path, &ro, &e->res);
    int crc = close_outputs(&out);
    if (crc && res != SIM_INTERNAL) worst = SBCONF_EXIT_INTERNAL;
    const sim_scenario_result *r = &e->res;
    if (res == SIM_PASS)
      counts[0]++;
    else if (res == SIM_SKIP)
      counts[2]++;
    else
      counts[1]++;
    int code = res == SIM_FAIL ? SBCONF_EXIT_FAIL
               : res == SIM_MALFORMED ? SBCONF_EXIT_MALFORMED
               : res == SIM_INTERNAL ? SBCONF_EXIT_INTERNAL
                                     : 0;
    if (code == SBCONF_EXIT_INTERNAL || (code == SBCONF_EXIT_MALFORMED && worst != SBCONF_EXIT_INTERNAL) ||
        (code == SBCONF_EXIT_FAIL && worst == 0))
      worst = code;
    if (quiet && (res == SIM_PASS || res == SIM_SKIP)) continue;
    char vt[32];
    sim_duration_format(r->virtual_time, vt, sizeof vt);
    printf("%s %s seed=%llu sha256=%s rows=%zu t=%s \"%s\"\n", status_word(res), e->path,
           (unsigned long long)r->seed, r->digest[0] ? r->digest : "-", r->nrows, vt,
           r->name ? r->name : "?");
    if (res != SIM_PASS && r->message) print_message(r->message);
  }
  if (filter && nsel == 0) {
    fprintf(stderr, "sbconf: no scenario matches --filter %s\n", filter);
    worst = SBCONF_EXIT_NOT_FOUND;
  }
  int wrc = 0;
  if (json) wrc = write_json(json, &l, counts);
  if (!wrc && junit) wrc = write_junit(junit, &l, counts);
  if (!wrc && report) wrc = write_report(report, &l, counts);
  if (counts[2])
    printf("%d passed, %d failed, %d skipped\n", counts[0], counts[1], counts[2]);
  else
    printf("%d passed, %d failed\n", counts[0], counts[1]);
  status = worst ? worst : wrc;
done:
  for (size_t i = 0; i < l.n; i++) {
    free(l.v[i].path);
    free(l.v[i].stem);
    sim_scenario_result_free(&l.v[i].res);
  }
  free(l.v);
  sbc_config_free(&cfg);
  free(paths);
  return status;
}
