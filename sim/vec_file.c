#define _POSIX_C_SOURCE 200809L
#include "vec_file.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "common/json.h"
#include "common/utf8.h"
#include "sbconf.h"

const char *sbv_expect_name(sbv_expect e) {
  return e == SBV_EXPECT_VALID ? "valid" : e == SBV_EXPECT_INVALID ? "invalid" : "acceptable";
}

/* Whole file into memory; NULL with errno on failure. */
static unsigned char *slurp(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  size_t cap = 1 << 16, n = 0, got;
  unsigned char *buf = malloc(cap);
  while (buf && (got = fread(buf + n, 1, cap - n, f)) > 0) {
    n += got;
    if (n == cap) {
      unsigned char *bigger = realloc(buf, cap *= 2);
      if (!bigger) free(buf);
      buf = bigger;
    }
  }
  int failed = ferror(f);
  fclose(f);
  if (failed) {
    free(buf);
    errno = EIO;
    return NULL;
  }
  *len = n;
  return buf;
}

typedef struct loader {
  const char *path;
  char *err;
  size_t errcap;
} loader;

/* Record the first problem: "<file>: <json path>: <what>". Returns 4. */
static int bad(loader *L, const char *jpath, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int bad(loader *L, const char *jpath, const char *fmt, ...) {
  char what[256];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(what, sizeof what, fmt, ap);
  va_end(ap);
  snprintf(L->err, L->errcap, "%s: %s: %s", L->path, jpath, what);
  return SBCONF_EXIT_MALFORMED;
}

static bool is_string_array(const cJSON *a) {
  if (!cJSON_IsArray(a)) return false;
  const cJSON *e;
  cJSON_ArrayForEach(e, a) if (!cJSON_IsString(e)) return false;
  return true;
}

static int check_test(loader *L, sbv_file *f, const cJSON *t, const char *jp, sbv_test *out) {
  char p[256]; /* jp is at most 160 characters */
  if (!cJSON_IsObject(t)) return bad(L, jp, "not an object");
  const cJSON *tc = cJSON_GetObjectItemCaseSensitive(t, "tcId");
  snprintf(p, sizeof p, "%s.tcId", jp);
  if (!cJSON_IsNumber(tc) || tc->valuedouble < 1 || tc->valuedouble != floor(tc->valuedouble) ||
      tc->valuedouble > 1e15)
    return bad(L, p, "missing or not a positive integer");
  out->tcid = (long)tc->valuedouble;
  const cJSON *c = cJSON_GetObjectItemCaseSensitive(t, "comment");
  snprintf(p, sizeof p, "%s.comment", jp);
  if (c && !cJSON_IsString(c)) return bad(L, p, "not a string");
  out->comment = c ? c->valuestring : "";
  out->requirements = cJSON_GetObjectItemCaseSensitive(t, "requirements");
  snprintf(p, sizeof p, "%s.requirements", jp);
  if (!is_string_array(out->requirements)) return bad(L, p, "missing or not an array of strings");
  out->flags = cJSON_GetObjectItemCaseSensitive(t, "flags");
  snprintf(p, sizeof p, "%s.flags", jp);
  if (out->flags && !is_string_array(out->flags)) return bad(L, p, "not an array of strings");
  const cJSON *fl;
  int k = 0;
  cJSON_ArrayForEach(fl, out->flags) {
    if (!f->notes || !cJSON_GetObjectItemCaseSensitive(f->notes, fl->valuestring)) {
      snprintf(p, sizeof p, "%s.flags[%d]", jp, k);
      return bad(L, p, "flag \"%s\" is not a key of $.notes", fl->valuestring);
    }
    k++;
  }
  out->input = cJSON_GetObjectItemCaseSensitive(t, "input");
  snprintf(p, sizeof p, "%s.input", jp);
  if (!cJSON_IsObject(out->input)) return bad(L, p, "missing or not an object");
  const char *res = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(t, "result"));
  snprintf(p, sizeof p, "%s.result", jp);
  if (!res) return bad(L, p, "missing or not a string");
  if (!strcmp(res, "valid")) out->expect = SBV_EXPECT_VALID;
  else if (!strcmp(res, "invalid")) out->expect = SBV_EXPECT_INVALID;
  else if (!strcmp(res, "acceptable")) out->expect = SBV_EXPECT_ACCEPTABLE;
  else return bad(L, p, "\"%s\" is not valid, invalid or acceptable", res);
  out->output = cJSON_GetObjectItemCaseSensitive(t, "output");
  snprintf(p, sizeof p, "%s.output", jp);
  if (out->output && !cJSON_IsObject(out->output)) return bad(L, p, "not an object");
  if (out->expect == SBV_EXPECT_INVALID &&
      !cJSON_GetObjectItemCaseSensitive(out->output, "error"))
    return bad(L, p, "an invalid case needs output.error");
  return 0;
}

static int check_root(loader *L, sbv_file *f) {
  const cJSON *r = f->root;
  if (!cJSON_IsObject(r)) return bad(L, "$", "not a JSON object");
  const char *schema = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(r, "schema"));
  if (!schema) return bad(L, "$.schema", "missing or not a string");
  if (strcmp(schema, SBV_SCHEMA)) return bad(L, "$.schema", "\"%s\" is not \"%s\"", schema, SBV_SCHEMA);
  f->layer = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(r, "layer"));
  if (!f->layer) return bad(L, "$.layer", "missing or not a string");
  const cJSON *d = cJSON_GetObjectItemCaseSensitive(r, "description");
  if (d && !cJSON_IsString(d)) return bad(L, "$.description", "not a string");
  f->description = d ? d->valuestring : "";
  f->notes = cJSON_GetObjectItemCaseSensitive(r, "notes");
  if (f->notes && !cJSON_IsObject(f->notes)) return bad(L, "$.notes", "not an object");
  const cJSON *n;
  cJSON_ArrayForEach(n, f->notes) if (!cJSON_IsString(n)) {
    char p[160];
    snprintf(p, sizeof p, "$.notes.%s", n->string);
    return bad(L, p, "not a string");
  }
  f->profiles = cJSON_GetObjectItemCaseSensitive(r, "profiles");
  if (f->profiles && !cJSON_IsObject(f->profiles)) return bad(L, "$.profiles", "not an object");
  const cJSON *prof;
  cJSON_ArrayForEach(prof, f->profiles) {
    char p[160];
    snprintf(p, sizeof p, "$.profiles.%s", prof->string);
    if (!is_string_array(prof)) return bad(L, p, "not an array of flag names");
    const cJSON *fl;
    cJSON_ArrayForEach(fl, prof) if (!cJSON_GetObjectItemCaseSensitive(f->notes, fl->valuestring))
        return bad(L, p, "flag \"%s\" is not a key of $.notes", fl->valuestring);
  }
  const cJSON *groups = cJSON_GetObjectItemCaseSensitive(r, "testGroups");
  if (!cJSON_IsArray(groups)) return bad(L, "$.testGroups", "missing or not an array");
  f->ngroups = (size_t)cJSON_GetArraySize(groups);
  f->groups = calloc(f->ngroups ? f->ngroups : 1, sizeof *f->groups);
  if (!f->groups) return bad(L, "$", "out of memory");
  size_t gi = 0;
  const cJSON *grp;
  cJSON_ArrayForEach(grp, groups) {
    char p[160];
    snprintf(p, sizeof p, "$.testGroups[%zu]", gi);
    if (!cJSON_IsObject(grp)) return bad(L, p, "not an object");
    sbv_group *G = &f->groups[gi];
    G->type = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(grp, "type"));
    snprintf(p, sizeof p, "$.testGroups[%zu].type", gi);
    if (!G->type) return bad(L, p, "missing or not a string");
    const cJSON *tests = cJSON_GetObjectItemCaseSensitive(grp, "tests");
    snprintf(p, sizeof p, "$.testGroups[%zu].tests", gi);
    if (!cJSON_IsArray(tests)) return bad(L, p, "missing or not an array");
    G->ntests = (size_t)cJSON_GetArraySize(tests);
    G->tests = calloc(G->ntests ? G->ntests : 1, sizeof *G->tests);
    if (!G->tests) return bad(L, p, "out of memory");
    size_t ti = 0;
    const cJSON *t;
    cJSON_ArrayForEach(t, tests) {
      snprintf(p, sizeof p, "$.testGroups[%zu].tests[%zu]", gi, ti);
      int rc = check_test(L, f, t, p, &G->tests[ti]);
      if (rc) return rc;
      /* tcIds are unique within the file. */
      for (size_t a = 0; a <= gi; a++)
        for (size_t b = 0; b < (a == gi ? ti : f->groups[a].ntests); b++)
          if (f->groups[a].tests[b].tcid == G->tests[ti].tcid) {
            snprintf(p, sizeof p, "$.testGroups[%zu].tests[%zu].tcId", gi, ti);
            return bad(L, p, "duplicate tcId %ld (also at $.testGroups[%zu].tests[%zu])",
                       G->tests[ti].tcid, a, b);
          }
      ti++;
    }
    f->ntests += G->ntests;
    gi++;
  }
  const cJSON *count = cJSON_GetObjectItemCaseSensitive(r, "numberOfTests");
  if (!cJSON_IsNumber(count)) return bad(L, "$.numberOfTests", "missing or not a number");
  if (count->valuedouble != (double)f->ntests)
    return bad(L, "$.numberOfTests", "says %.0f, the file has %zu tests", count->valuedouble, f->ntests);
  return 0;
}

int sbv_file_load_buffer(const char *name, const unsigned char *buf, size_t len, sbv_file *out,
                         char *err, size_t errcap) {
  memset(out, 0, sizeof *out);
  loader L = {name, err, errcap};
  size_t off = 0;
  int rc = sb_json_syntax_check(buf, len, &off);
  if (rc == SB_OK && !(rc = sb_json_parse(buf, len, true, &out->root))) {
    out->path = strdup(name);
    rc = check_root(&L, out);
    if (rc) sbv_file_free(out);
    return rc;
  }
  /* Report the place: line and column of the first byte the parser refused
   * (for bad UTF-8, the first ill-formed byte). */
  if (rc == SB_ERR_UTF8) off = sb_utf8_valid_prefix(buf, len);
  unsigned line = 1, col = 1;
  for (size_t i = 0; i < off && i < len; i++) {
    if (buf[i] == '\n') {
      line++;
      col = 1;
    } else {
      col++;
    }
  }
  snprintf(err, errcap, "%s:%u:%u: %s", name, line, col,
           rc == SB_ERR_UTF8 ? "not valid UTF-8"
           : rc == SB_ERR_JSON_NUL ? "a string holds \\u0000 (not supported)"
                                   : "invalid JSON");
  return SBCONF_EXIT_MALFORMED;
}

int sbv_file_load(const char *path, sbv_file *out, char *err, size_t errcap) {
  memset(out, 0, sizeof *out);
  size_t len = 0;
  unsigned char *buf = slurp(path, &len);
  if (!buf) {
    snprintf(err, errcap, "%s: cannot read: %s", path, strerror(errno));
    return SBCONF_EXIT_NOT_FOUND;
  }
  int rc = sbv_file_load_buffer(path, buf, len, out, err, errcap);
  free(buf);
  return rc;
}

bool sbv_file_is_vector_file(const char *path) {
  size_t len;
  unsigned char *buf = slurp(path, &len);
  if (!buf) return false;
  /* A cheap look before parsing the whole file. */
  size_t n = len < 4096 ? len : 4096;
  bool yes = false;
  for (size_t i = 0; i + strlen(SBV_SCHEMA) <= n && !yes; i++)
    yes = memcmp(buf + i, SBV_SCHEMA, strlen(SBV_SCHEMA)) == 0;
  free(buf);
  return yes;
}

void sbv_file_free(sbv_file *f) {
  for (size_t i = 0; f->groups && i < f->ngroups; i++) free(f->groups[i].tests);
  free(f->groups);
  cJSON_Delete(f->root);
  free(f->path);
  memset(f, 0, sizeof *f);
}

bool sbv_file_relaxed(const sbv_file *f, const sbv_test *t, const char *profile) {
  if (!profile || !f->profiles) return false;
  const cJSON *list = cJSON_GetObjectItemCaseSensitive(f->profiles, profile), *a, *b;
  cJSON_ArrayForEach(a, t->flags) cJSON_ArrayForEach(b, list) if (!strcmp(a->valuestring, b->valuestring)) return true;
  return false;
}
