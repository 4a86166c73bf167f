#define _POSIX_C_SOURCE 200809L
#include "vec_check.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/error.h"
#include "common/hex.h"
#include "common/json.h"
#include "mutants.h"

const char *sbv_outcome_name(sbv_outcome o) {
  static const char *names[] = {"pass", "fail", "non-strict", "informational", "unsupported"};
  return o < SBV_OUTCOMES ? names[o] : "?";
}

/* ---- comparison ------------------------------------------------------------- */

static bool in_list(const char *const *list, const char *s) {
  for (; list && *list; list++)
    if (!strcmp(*list, s)) return true;
  return false;
}

/* Parse hex of a JSON text (rpc.envelope.encode data). */
static cJSON *json_of_hex(const char *hex) {
  if (!hex) return NULL;
  size_t n = strlen(hex), len;
  unsigned char *b = malloc(n / 2 + 1);
  cJSON *j = NULL;
  if (b && sb_hex_decode(hex, n, b, n / 2 + 1, &len) == SB_OK && sb_json_parse(b, len, false, &j) != SB_OK)
    j = NULL;
  free(b);
  return j;
}

static bool member_equal(const sbv_op *op, const char *key, const cJSON *e, const cJSON *g) {
  if (op && in_list(op->hex_fields, key))
    return cJSON_IsString(e) && cJSON_IsString(g) && !strcasecmp(e->valuestring, g->valuestring);
  if (op && op->json_data && !strcmp(key, "data")) {
    cJSON *je = json_of_hex(cJSON_GetStringValue(e)), *jg = json_of_hex(cJSON_GetStringValue(g));
    bool same = je && jg && cJSON_Compare(je, jg, 1);
    cJSON_Delete(je);
    cJSON_Delete(jg);
    return same;
  }
  return cJSON_Compare(e, g, 1);
}

/* Do the outputs agree on what the operation defines? `why` names the first
 * member that differs. */
static bool outputs_match(const sbv_op *op, const cJSON *exp, const cJSON *got, bool invalid,
                          char *why, size_t cap) {
  if (invalid) {
    const cJSON *e = cJSON_GetObjectItemCaseSensitive(exp, "error");
    const cJSON *g = cJSON_GetObjectItemCaseSensitive(got, "error");
    if (!g || !cJSON_Compare(e, g, 1)) {
      snprintf(why, cap, "error differs");
      return false;
    }
  }
  if (!op) {
    /* Unknown type: compare everything the expected output says. */
    const cJSON *m;
    cJSON_ArrayForEach(m, exp) if (!cJSON_Compare(m, cJSON_GetObjectItemCaseSensitive(got, m->string), 1)) {
      snprintf(why, cap, "member %s differs", m->string);
      return false;
    }
    return true;
  }
  for (const char *const *f = op->out_fields; f && *f; f++) {
    const cJSON *e = cJSON_GetObjectItemCaseSensitive(exp, *f);
    const cJSON *g = cJSON_GetObjectItemCaseSensitive(got, *f);
    if (invalid && !e) continue; /* invalid: only what the case states */
    if (!e && !g) continue;
    if (!e || !g) {
      snprintf(why, cap, "member %s %s", *f, e ? "missing" : "not expected");
      return false;
    }
    if (!member_equal(op, *f, e, g)) {
      snprintf(why, cap, "member %s differs", *f);
      return false;
    }
  }
  return true;
}

static void describe(char *out, size_t cap, const char *res, const cJSON *output) {
  char *j = output ? cJSON_PrintUnformatted(output) : NULL;
  if (j && strlen(j) > 300) strcpy(j + 296, "...");
  snprintf(out, cap, "%s%s%s", res, j ? " " : "", j ? j : "");
  free(j);
}

sbv_outcome sbv_compare(const sbv_op *op, sbv_expect expect, const cJSON *expected_output,
                        const sbv_answer *got, bool relaxed, char *detail, size_t cap) {
  detail[0] = '\0';
  if (got->result == SBV_UNSUPPORTED) {
    snprintf(detail, cap, "the implementation does not support this case");
    return SBV_UNSUP;
  }
  if (expect == SBV_EXPECT_ACCEPTABLE) {
    snprintf(detail, cap, "acceptable either way; answered %s", sbv_result_name(got->result));
    return SBV_INFO;
  }
  char why[96] = "result differs";
  sbv_result want = expect == SBV_EXPECT_VALID ? SBV_VALID : SBV_INVALID;
  if (got->result == want &&
      outputs_match(op, expected_output, got->output, want == SBV_INVALID, why, sizeof why))
    return SBV_PASS;
  char e[400], g[400];
  describe(e, sizeof e, sbv_expect_name(expect), expected_output);
  describe(g, sizeof g, sbv_result_name(got->result), got->output);
  snprintf(detail, cap, "%s: expected %s, got %s", why, e, g);
  return relaxed ? SBV_NONSTRICT : SBV_FAIL;
}

/* ---- the reference engine ------------------------------------------------------ */

static int reference_ask(void *ctx, const char *type, const cJSON *input, sbv_answer *ans,
                         char msg[SBV_MSG_SIZE]) {
  return sbv_mutant_op_run(ctx, type, input, ans, msg) == 0 ? 0 : -1;
}

sbv_engine sbv_engine_reference(const struct sbv_mutant *mutant) {
  return (sbv_engine){mutant ? mutant->name : "reference", reference_ask, (void *)mutant};
}

/* ---- the report ------------------------------------------------------------------ */

typedef struct counts {
  unsigned n[SBV_OUTCOMES];
} counts;

typedef struct case_row {
  unsigned file;
  long tcid;
  const char *type; /* interned in type_names */
  char *comment, *reqs, *detail;
  sbv_outcome outcome;
} case_row;

typedef struct file_row {
  char *path, *layer;
  counts c;
} file_row;

typedef struct type_row {
  char *type;
  counts c;
} type_row;

typedef struct req_row {
  char *id;
  counts c;
} req_row;

struct sbv_report {
  file_row *files;
  size_t nfiles;
  type_row *types;
  size_t ntypes;
  req_row *reqs;
  size_t nreqs;
  case_row *cases;
  size_t ncases, capcases;
  counts total;
};

sbv_report *sbv_report_new(void) { return calloc(1, sizeof(sbv_report)); }

void sbv_report_free(sbv_report *r) {
  if (!r) return;
  for (size_t i = 0; i < r->nfiles; i++) free(r->files[i].path), free(r->files[i].layer);
  for (size_t i = 0; i < r->ntypes; i++) free(r->types[i].type);
  for (size_t i = 0; i < r->nreqs; i++) free(r->reqs[i].id);
  for (size_t i = 0; i < r->ncases; i++)
    free(r->cases[i].comment), free(r->cases[i].reqs), free(r->cases[i].detail);
  free(r->files);
  free(r->types);
  free(r->reqs);
  free(r->cases);
  free(r);
}

/* Find or append the row keyed `key` (rows kept in first-seen order). */
static type_row *type_row_for(sbv_report *r, const char *key) {
  for (size_t i = 0; i < r->ntypes; i++)
    if (!strcmp(r->types[i].type, key)) return &r->types[i];
  r->types = realloc(r->types, (r->ntypes + 1) * sizeof *r->types);
  type_row *row = &r->types[r->ntypes++];
  memset(row, 0, sizeof *row);
  row->type = strdup(key);
  return row;
}

static req_row *req_row_for(sbv_report *r, const char *key) {
  for (size_t i = 0; i < r->nreqs; i++)
    if (!strcmp(r->reqs[i].id, key)) return &r->reqs[i];
  r->reqs = realloc(r->reqs, (r->nreqs + 1) * sizeof *r->reqs);
  req_row *row = &r->reqs[r->nreqs++];
  memset(row, 0, sizeof *row);
  row->id = strdup(key);
  return row;
}

static char *join_reqs(const cJSON *reqs) {
  size_t cap = 1;
  const cJSON *r;
  cJSON_ArrayForEach(r, reqs) cap += strlen(r->valuestring) + 1;
  char *s = calloc(1, cap);
  cJSON_ArrayForEach(r, reqs) {
    if (s[0]) strcat(s, " ");
    strcat(s, r->valuestring);
  }
  return s;
}

static void record(sbv_report *r, unsigned file, const sbv_group *g, const sbv_test *t,
                   sbv_outcome o, const char *detail) {
  r->total.n[o]++;
  r->files[file].c.n[o]++;
  type_row *tr = type_row_for(r, g->type);
  tr->c.n[o]++;
  const cJSON *id;
  cJSON_ArrayForEach(id, t->requirements) {
    req_row *rr = req_row_for(r, id->valuestring);
    rr->c.n[o]++;
  }
  if (r->ncases == r->capcases) {
    r->capcases = r->capcases ? 2 * r->capcases : 256;
    r->cases = realloc(r->cases, r->capcases * sizeof *r->cases);
  }
  case_row *c = &r->cases[r->ncases++];
  c->file = file;
  c->tcid = t->tcid;
  c->type = tr->type;
  c->comment = strdup(t->comment);
  c->reqs = join_reqs(t->requirements);
  c->detail = strdup(detail ? detail : "");
  c->outcome = o;
}

int sbv_check_file(const sbv_file *f, const sbv_engine *engine, const sbv_check_opts *opts,
                   sbv_report *r, FILE *out) {
  r->files = realloc(r->files, (r->nfiles + 1) * sizeof *r->files);
  unsigned fi = (unsigned)r->nfiles++;
  memset(&r->files[fi], 0, sizeof r->files[fi]);
  r->files[fi].path = strdup(f->path);
  r->files[fi].layer = strdup(f->layer);
  const char *profile = opts && opts->profile ? opts->profile : "strict";
  for (size_t gi = 0; gi < f->ngroups; gi++) {
    const sbv_group *g = &f->groups[gi];
    const sbv_op *op = sbv_op_find(g->type);
    for (size_t ti = 0; ti < g->ntests; ti++) {
      const sbv_test *t = &g->tests[ti];
      sbv_answer a;
      char msg[SBV_MSG_SIZE], detail[1024];
      memset(&a, 0, sizeof a);
      int rc = engine->ask(engine->ctx, g->type, t->input, &a, msg);
      sbv_outcome o;
      if (rc == -3) {
        fprintf(stderr, "sbconf: %s\n", msg);
        return -3;
      } else if (rc == -1) {
        /* The reference refuses the input: the file is wrong, not the IUT. */
        snprintf(detail, sizeof detail, "malformed input: %s", msg);
        o = SBV_FAIL;
      } else if (rc != 0) {
        snprintf(detail, sizeof detail, "%s", msg);
        o = SBV_FAIL;
      } else {
        o = sbv_compare(op, t->expect, t->output, &a, sbv_file_relaxed(f, t, profile), detail,
                        sizeof detail);
      }
      sbv_answer_clear(&a);
      record(r, fi, g, t, o, detail);
      if (o == SBV_FAIL || (opts && opts->verbose))
        fprintf(out, "%s %s#%ld %s [%s] %s%s%s\n", o == SBV_FAIL ? "FAIL" : sbv_outcome_name(o),
                f->path, t->tcid, g->type, r->cases[r->ncases - 1].reqs, t->comment,
                detail[0] ? ": " : "", detail);
    }
  }
  return 0;
}

unsigned sbv_report_count(const sbv_report *r, sbv_outcome o) { return r->total.n[o]; }

unsigned sbv_report_fail_cites(const sbv_report *r, const char *id) {
  unsigned n = 0;
  size_t len = strlen(id);
  for (size_t i = 0; i < r->ncases; i++) {
    if (r->cases[i].outcome != SBV_FAIL) continue;
    /* reqs is a space-separated list: match whole words only. */
    for (const char *p = strstr(r->cases[i].reqs, id); p; p = strstr(p + 1, id))
      if ((p == r->cases[i].reqs || p[-1] == ' ') && (p[len] == ' ' || p[len] == '\0')) {
        n++;
        break;
      }
  }
  return n;
}

static unsigned total_of(const counts *c) {
  unsigned n = 0;
  for (int i = 0; i < SBV_OUTCOMES; i++) n += c->n[i];
  return n;
}

static void print_counts(FILE *out, const char *label, const counts *c) {
  fprintf(out, "  %-44s %5u cases %5u pass %4u fail %4u non-strict %4u info %4u unsup\n", label,
          total_of(c), c->n[SBV_PASS], c->n[SBV_FAIL], c->n[SBV_NONSTRICT], c->n[SBV_INFO],
          c->n[SBV_UNSUP]);
}

void sbv_report_print(const sbv_report *r, FILE *out) {
  fprintf(out, "per file:\n");
  for (size_t i = 0; i < r->nfiles; i++) print_counts(out, r->files[i].path, &r->files[i].c);
  fprintf(out, "per operation type:\n");
  for (size_t i = 0; i < r->ntypes; i++) print_counts(out, r->types[i].type, &r->types[i].c);
  if (r->total.n[SBV_FAIL]) {
    fprintf(out, "failing cases:\n");
    for (size_t i = 0; i < r->ncases; i++) {
      const case_row *c = &r->cases[i];
      if (c->outcome == SBV_FAIL)
        fprintf(out, "  %s#%ld %s [%s] %s: %s\n", r->files[c->file].path, c->tcid, c->type,
                c->reqs, c->comment, c->detail);
    }
  }
}

void sbv_report_summary_line(const sbv_report *r, FILE *out) {
  unsigned passed = r->total.n[SBV_PASS] + r->total.n[SBV_NONSTRICT] + r->total.n[SBV_INFO];
  if (r->total.n[SBV_UNSUP])
    fprintf(out, "%u passed, %u failed, %u skipped\n", passed, r->total.n[SBV_FAIL], r->total.n[SBV_UNSUP]);
  else
    fprintf(out, "%u passed, %u failed\n", passed, r->total.n[SBV_FAIL]);
}

static cJSON *counts_json(const counts *c) {
  cJSON *o = cJSON_CreateObject();
  cJSON_AddNumberToObject(o, "cases", total_of(c));
  for (int i = 0; i < SBV_OUTCOMES; i++) cJSON_AddNumberToObject(o, sbv_outcome_name(i), c->n[i]);
  return o;
}

static int write_text(const char *path, char *text) {
  FILE *f = text ? fopen(path, "w") : NULL;
  int rc = f && fputs(text, f) >= 0 && fputc('\n', f) != EOF ? 0 : -1;
  if (f && fclose(f) != 0) rc = -1;
  free(text);
  return rc;
}

int sbv_report_write_json(const sbv_report *r, const char *path, const cJSON *catalog) {
  cJSON *root = cJSON_CreateObject();
  cJSON_AddItemToObject(root, "summary", counts_json(&r->total));
  cJSON *files = cJSON_AddArrayToObject(root, "files");
  for (size_t i = 0; i < r->nfiles; i++) {
    cJSON *f = counts_json(&r->files[i].c);
    cJSON_AddStringToObject(f, "path", r->files[i].path);
    cJSON_AddStringToObject(f, "layer", r->files[i].layer);
    cJSON_AddItemToArray(files, f);
  }
  cJSON *types = cJSON_AddObjectToObject(root, "types");
  for (size_t i = 0; i < r->ntypes; i++) cJSON_AddItemToObject(types, r->types[i].type, counts_json(&r->types[i].c));
  cJSON *fails = cJSON_AddArrayToObject(root, "failures");
  for (size_t i = 0; i < r->ncases; i++) {
    const case_row *c = &r->cases[i];
    if (c->outcome != SBV_FAIL && c->outcome != SBV_NONSTRICT) continue;
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "file", r->files[c->file].path);
    cJSON_AddNumberToObject(o, "tcId", (double)c->tcid);
    cJSON_AddStringToObject(o, "type", c->type);
    cJSON_AddStringToObject(o, "outcome", sbv_outcome_name(c->outcome));
    cJSON_AddStringToObject(o, "comment", c->comment);
    cJSON_AddItemToObject(o, "requirements", cJSON_CreateStringArray(NULL, 0));
    char *save = NULL, *tmp = strdup(c->reqs);
    for (char *id = strtok_r(tmp, " ", &save); id; id = strtok_r(NULL, " ", &save))
      cJSON_AddItemToArray(cJSON_GetObjectItemCaseSensitive(o, "requirements"), cJSON_CreateString(id));
    free(tmp);
    cJSON_AddStringToObject(o, "detail", c->detail);
    cJSON_AddItemToArray(fails, o);
  }
  cJSON *reqs = cJSON_AddObjectToObject(root, "requirements");
  for (size_t i = 0; i < r->nreqs; i++) cJSON_AddItemToObject(reqs, r->reqs[i].id, counts_json(&r->reqs[i].c));
  if (catalog) {
    /* Coverage against the catalog: which IDs no checked case cites. */
    cJSON *cov = cJSON_AddObjectToObject(root, "coverage");
    cJSON *missing = cJSON_CreateArray();
    unsigned total = 0, covered = 0;
    const cJSON *row;
    cJSON_ArrayForEach(row, cJSON_GetObjectItemCaseSensitive(catalog, "requirements")) {
      const char *id = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(row, "id"));
      if (!id) continue;
      total++;
      if (cJSON_GetObjectItemCaseSensitive(reqs, id)) {
        covered++;
      } else {
        cJSON *m = cJSON_CreateObject();
        cJSON_AddStringToObject(m, "id", id);
        cJSON_AddItemToObject(m, "level", cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(row, "level"), 1));
        cJSON_AddItemToObject(m, "unit", cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(row, "unit"), 1));
        cJSON_AddItemToArray(missing, m);
      }
    }
    cJSON_AddNumberToObject(cov, "catalog", total);
    cJSON_AddNumberToObject(cov, "covered", covered);
    cJSON_AddItemToObject(cov, "notCovered", missing);
  }
  int rc = write_text(path, cJSON_Print(root));
  cJSON_Delete(root);
  return rc;
}

/* XML text with the five special characters escaped; control bytes dropped. */
static void xml_text(FILE *f, const char *s) {
  for (; *s; s++) {
    switch (*s) {
      case '&': fputs("&amp;", f); break;
      case '<': fputs("&lt;", f); break;
      case '>': fputs("&gt;", f); break;
      case '"': fputs("&quot;", f); break;
      case '\'': fputs("&apos;", f); break;
      default:
        if ((unsigned char)*s >= 0x20 || *s == '\n' || *s == '\t') fputc(*s, f);
    }
  }
}

int sbv_report_write_junit(const sbv_report *r, const char *path) {
  FILE *f = fopen(path, "w");
  if (!f) return -1;
  fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites tests=\"%u\" failures=\"%u\" skipped=\"%u\">\n",
          total_of(&r->total), r->total.n[SBV_FAIL], r->total.n[SBV_UNSUP]);
  for (size_t fi = 0; fi < r->nfiles; fi++) {
    const file_row *fr = &r->files[fi];
    fprintf(f, "  <testsuite name=\"");
    xml_text(f, fr->path);
    fprintf(f, "\" tests=\"%u\" failures=\"%u\" skipped=\"%u\">\n", total_of(&fr->c),
            fr->c.n[SBV_FAIL], fr->c.n[SBV_UNSUP]);
    for (size_t i = 0; i < r->ncases; i++) {
      const case_row *c = &r->cases[i];
      if (c->file != fi) continue;
      fprintf(f, "    <testcase classname=\"");
      xml_text(f, c->type);
      fprintf(f, "\" name=\"%ld ", c->tcid);
      xml_text(f, c->comment);
      fprintf(f, "\">");
      if (c->outcome == SBV_FAIL) {
        fprintf(f, "<failure message=\"");
        xml_text(f, c->reqs);
        fprintf(f, "\">");
        xml_text(f, c->detail);
        fprintf(f, "</failure>");
      } else if (c->outcome == SBV_UNSUP) {
        fprintf(f, "<skipped/>");
      } else if (c->outcome != SBV_PASS) {
        fprintf(f, "<system-out>%s: ", sbv_outcome_name(c->outcome));
        xml_text(f, c->detail);
        fprintf(f, "</system-out>");
      }
      fprintf(f, "</testcase>\n");
    }
    fprintf(f, "  </testsuite>\n");
  }
  fprintf(f, "</testsuites>\n");
  return fclose(f) == 0 ? 0 : -1;
}
