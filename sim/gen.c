#define _POSIX_C_SOURCE 200809L
#include "gen.h"

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <glob.h>
#include <sys/stat.h>

#include "common/hex.h"
#include "common/rng.h"
#include "vec_check.h"
#include "vec_ops.h"

struct sbv_gen {
  const char *outdir;
  bool verbose;
  int errors;
  /* the file being built */
  char name[256];
  cJSON *root, *notes, *profiles, *groups, *tests;
  const char *type;
  long next_tcid;
  /* flags relaxed by some profile, for sbv_gen_case_expect */
  cJSON *relaxed;
};

void sbv_gen_error(sbv_gen *g, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fprintf(stderr, "generate: %s: ", g->name[0] ? g->name : "(no file)");
  vfprintf(stderr, fmt, ap);
  fputc('\n', stderr);
  va_end(ap);
  g->errors++;
}

void sbv_gen_file(sbv_gen *g, const char *name, const char *layer, const char *description) {
  if (g->root) sbv_gen_error(g, "previous file not ended before %s", name);
  snprintf(g->name, sizeof g->name, "%s", name);
  g->root = cJSON_CreateObject();
  cJSON_AddStringToObject(g->root, "schema", SBV_SCHEMA);
  cJSON_AddStringToObject(g->root, "layer", layer);
  cJSON_AddStringToObject(g->root, "description", description);
  cJSON_AddNumberToObject(g->root, "numberOfTests", 0);
  g->notes = cJSON_AddObjectToObject(g->root, "notes");
  g->profiles = cJSON_CreateObject();
  g->groups = cJSON_CreateArray();
  g->relaxed = cJSON_CreateArray();
  g->tests = NULL;
  g->type = NULL;
  g->next_tcid = 1;
}

void sbv_gen_note(sbv_gen *g, const char *flag, const char *text, const char *profile) {
  if (!g->root) {
    sbv_gen_error(g, "note %s outside a file", flag);
    return;
  }
  cJSON_AddStringToObject(g->notes, flag, text);
  if (profile) {
    cJSON *list = cJSON_GetObjectItemCaseSensitive(g->profiles, profile);
    if (!list) list = cJSON_AddArrayToObject(g->profiles, profile);
    cJSON_AddItemToArray(list, cJSON_CreateString(flag));
    cJSON_AddItemToArray(g->relaxed, cJSON_CreateString(flag));
  }
}

void sbv_gen_group(sbv_gen *g, const char *type) {
  if (!g->root) {
    sbv_gen_error(g, "group %s outside a file", type);
    return;
  }
  if (!sbv_op_find(type)) sbv_gen_error(g, "unknown operation type %s", type);
  cJSON *grp = cJSON_CreateObject();
  cJSON_AddStringToObject(grp, "type", type);
  g->tests = cJSON_AddArrayToObject(grp, "tests");
  cJSON_AddItemToArray(g->groups, grp);
  g->type = cJSON_GetObjectItemCaseSensitive(grp, "type")->valuestring;
}

/* Split a space-separated list into a JSON array of strings. */
static cJSON *word_list(const char *s) {
  cJSON *a = cJSON_CreateArray();
  while (s && *s) {
    while (*s == ' ') s++;
    size_t n = strcspn(s, " ");
    if (n) {
      char *w = strndup(s, n);
      cJSON_AddItemToArray(a, cJSON_CreateString(w));
      free(w);
    }
    s += n;
  }
  return a;
}

static bool flag_relaxed(const sbv_gen *g, const cJSON *flags) {
  const cJSON *f, *r;
  cJSON_ArrayForEach(f, flags) cJSON_ArrayForEach(r, g->relaxed) if (!strcmp(f->valuestring, r->valuestring)) return true;
  return false;
}

/* Common checks and the test object skeleton; NULL if the case is unusable. */
static cJSON *begin_case(sbv_gen *g, const char *comment, const char *reqs, const char *flags,
                         cJSON *input, cJSON **flag_list) {
  if (!g->tests) {
    sbv_gen_error(g, "case \"%s\" outside a group", comment);
    return NULL;
  }
  cJSON *req_list = word_list(reqs);
  *flag_list = word_list(flags);
  if (cJSON_GetArraySize(req_list) == 0) sbv_gen_error(g, "%s: case \"%s\" cites no requirement", g->type, comment);
  const cJSON *f;
  cJSON_ArrayForEach(f, *flag_list) if (!cJSON_GetObjectItemCaseSensitive(g->notes, f->valuestring))
      sbv_gen_error(g, "%s: case \"%s\": flag %s has no note", g->type, comment, f->valuestring);
  cJSON *t = cJSON_CreateObject();
  cJSON_AddNumberToObject(t, "tcId", (double)g->next_tcid++);
  cJSON_AddStringToObject(t, "comment", comment);
  cJSON_AddItemToObject(t, "requirements", req_list);
  cJSON_AddItemToObject(t, "flags", *flag_list);
  cJSON_AddItemToObject(t, "input", input);
  return t;
}

static char *short_json(const cJSON *v) {
  char *s = v ? cJSON_PrintUnformatted(v) : NULL;
  if (s && strlen(s) > 200) strcpy(s + 196, "...");
  return s;
}

void sbv_gen_case(sbv_gen *g, const char *comment, const char *reqs, const char *flags,
                  cJSON *input, const char *expect) {
  cJSON *flag_list;
  cJSON *t = begin_case(g, comment, reqs, flags, input, &flag_list);
  if (!t) {
    cJSON_Delete(input);
    return;
  }
  sbv_answer a;
  char msg[SBV_MSG_SIZE];
  if (sbv_op_run(g->type, input, &a, msg) != 0) {
    sbv_gen_error(g, "%s: case \"%s\": malformed input: %s", g->type, comment, msg);
    cJSON_Delete(t);
    return;
  }
  const char *cls = expect;
  bool ok;
  if (!strcmp(expect, "valid")) {
    ok = a.result == SBV_VALID;
  } else if (!strcmp(expect, "acceptable")) {
    ok = a.result != SBV_UNSUPPORTED;
  } else if (!strncmp(expect, "invalid:", 8)) {
    cls = "invalid";
    const cJSON *e = a.output ? cJSON_GetObjectItemCaseSensitive(a.output, "error") : NULL;
    char got[64] = "";
    if (cJSON_IsNumber(e)) snprintf(got, sizeof got, "%.0f", e->valuedouble);
    if (cJSON_IsString(e)) snprintf(got, sizeof got, "%s", e->valuestring);
    ok = a.result == SBV_INVALID && !strcmp(got, expect + 8);
  } else {
    sbv_gen_error(g, "%s: case \"%s\": bad expectation \"%s\"", g->type, comment, expect);
    ok = false;
  }
  if (!ok) {
    char *o = short_json(a.output);
    sbv_gen_error(g, "%s: case \"%s\": the author expects %s, the reference says %s %s", g->type,
                  comment, expect, sbv_result_name(a.result), o ? o : "");
    free(o);
  }
  cJSON_AddStringToObject(t, "result", cls);
  if (a.output) {
    cJSON_AddItemToObject(t, "output", a.output);
    a.output = NULL;
  }
  sbv_answer_clear(&a);
  cJSON_AddItemToArray(g->tests, t);
  if (g->verbose) fprintf(stderr, "  %s #%ld %s\n", g->type, g->next_tcid - 1, comment);
}

void sbv_gen_case_expect(sbv_gen *g, const char *comment, const char *reqs, const char *flags,
                         cJSON *input, const char *result, cJSON *output) {
  cJSON *flag_list;
  cJSON *t = begin_case(g, comment, reqs, flags, input, &flag_list);
  if (!t) {
    cJSON_Delete(input);
    cJSON_Delete(output);
    return;
  }
  sbv_expect e = !strcmp(result, "valid")     ? SBV_EXPECT_VALID
                 : !strcmp(result, "invalid") ? SBV_EXPECT_INVALID
                                              : SBV_EXPECT_ACCEPTABLE;
  sbv_answer a;
  char msg[SBV_MSG_SIZE], detail[512];
  if (sbv_op_run(g->type, input, &a, msg) != 0) {
    sbv_gen_error(g, "%s: case \"%s\": malformed input: %s", g->type, comment, msg);
  } else {
    bool relaxed = flag_relaxed(g, flag_list);
    sbv_outcome o = sbv_compare(sbv_op_find(g->type), e, output, &a, relaxed, detail, sizeof detail);
    if (o == SBV_FAIL || o == SBV_UNSUP)
      sbv_gen_error(g, "%s: case \"%s\": the reference disagrees and no relaxed flag says why: %s",
                    g->type, comment, detail);
    if (o == SBV_PASS && relaxed)
      sbv_gen_error(g, "%s: case \"%s\" is flagged but the reference agrees: drop the flag",
                    g->type, comment);
    sbv_answer_clear(&a);
  }
  cJSON_AddStringToObject(t, "result", result);
  if (output) cJSON_AddItemToObject(t, "output", output);
  cJSON_AddItemToArray(g->tests, t);
}

static int mkdir_p(const char *dir) {
  char tmp[512];
  snprintf(tmp, sizeof tmp, "%s", dir);
  for (char *p = tmp + 1; *p; p++) {
    if (*p != '/') continue;
    *p = '\0';
    if (mkdir(tmp, 0755) != 0 && errno != EEXIST) return -1;
    *p = '/';
  }
  return mkdir(tmp, 0755) != 0 && errno != EEXIST ? -1 : 0;
}

void sbv_gen_end(sbv_gen *g) {
  if (!g->root) {
    sbv_gen_error(g, "end without a file");
    return;
  }
  int n = 0;
  const cJSON *grp;
  cJSON_ArrayForEach(grp, g->groups) n += cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(grp, "tests"));
  cJSON_SetNumberValue(cJSON_GetObjectItemCaseSensitive(g->root, "numberOfTests"), n);
  if (cJSON_GetArraySize(g->profiles))
    cJSON_AddItemToObject(g->root, "profiles", g->profiles);
  else
    cJSON_Delete(g->profiles);
  cJSON_AddItemToObject(g->root, "testGroups", g->groups);
  char path[512], dir[512];
  snprintf(path, sizeof path, "%s/%s", g->outdir, g->name);
  snprintf(dir, sizeof dir, "%s", path);
  char *slash = strrchr(dir, '/');
  if (slash) *slash = '\0';
  char *text = cJSON_Print(g->root);
  FILE *f = NULL;
  if (!text || mkdir_p(dir) != 0 || !(f = fopen(path, "w")) || fputs(text, f) < 0 ||
      fputc('\n', f) == EOF) {
    sbv_gen_error(g, "cannot write %s: %s", path, strerror(errno));
  }
  if (f && fclose(f) != 0) sbv_gen_error(g, "cannot write %s: %s", path, strerror(errno));
  if (g->verbose) fprintf(stderr, "wrote %s (%d cases)\n", path, n);
  cJSON_free(text);
  cJSON_Delete(g->root);
  cJSON_Delete(g->relaxed);
  g->root = NULL;
  g->name[0] = '\0';
}

cJSON *sbv_gen_input(const char *key, ...) {
  cJSON *o = cJSON_CreateObject();
  va_list ap;
  va_start(ap, key);
  for (const char *k = key; k; k = va_arg(ap, const char *)) {
    const char *v = va_arg(ap, const char *);
    cJSON_AddStringToObject(o, k, v ? v : "");
  }
  va_end(ap);
  return o;
}

char *sbv_gen_hex(const unsigned char *buf, size_t len) {
  char *s = malloc(SB_HEX_SIZE(len));
  if (s && sb_hex_encode(buf, len, s, SB_HEX_SIZE(len)) != 0) {
    free(s);
    return NULL;
  }
  return s;
}

void sbv_gen_bytes(const char *label, unsigned char *out, size_t len) {
  /* FNV-1a of the label seeds the stream: stable across runs and machines. */
  uint64_t h = UINT64_C(0xcbf29ce484222325);
  for (const char *p = label; *p; p++) h = (h ^ (uint8_t)*p) * UINT64_C(0x100000001b3);
  sb_xoshiro x;
  sb_xoshiro_seed(&x, h);
  sb_rng r = sb_xoshiro_rng(&x);
  if (sb_rng_bytes(&r, out, len) != 0) memset(out, 0, len);
}

/* vectors/requirements.json: the requirement catalogs of ref/ (one row per
 * ID of the digests, with its level and unit-test status), so `vectors check
 * --json` can report which IDs the vectors cover and which they do not. */
void sbv_gen_requirements(sbv_gen *g, const char *outdir) {
  snprintf(g->name, sizeof g->name, "requirements.json");
  glob_t gl;
  if (glob("ref/*/requirements*.tsv", 0, NULL, &gl) != 0) {
    sbv_gen_error(g, "no catalogs ref/*/requirements*.tsv (run from the repository root)");
    return;
  }
  cJSON *root = cJSON_CreateObject();
  cJSON_AddStringToObject(root, "schema", "sideband-requirements/1");
  cJSON_AddStringToObject(root, "description",
                          "Requirement IDs of the specification digest with level and the "
                          "status of their unit tests in ref/ (test; scenario: covered by a scenario only; later; info).");
  cJSON *list = cJSON_AddArrayToObject(root, "requirements");
  for (size_t i = 0; i < gl.gl_pathc; i++) {
    FILE *f = fopen(gl.gl_pathv[i], "r");
    if (!f) {
      sbv_gen_error(g, "cannot read %s", gl.gl_pathv[i]);
      continue;
    }
    char layer[32];
    sscanf(gl.gl_pathv[i], "ref/%31[^/]", layer);
    char line[1024];
    while (fgets(line, sizeof line, f)) {
      if (line[0] == '#' || line[0] == '\n') continue;
      line[strcspn(line, "\n")] = '\0';
      char *fields[4] = {0};
      char *p = line;
      for (int k = 0; k < 4 && p; k++) {
        fields[k] = p;
        p = strchr(p, '\t');
        if (p) *p++ = '\0';
      }
      if (!fields[2]) continue;
      cJSON *r = cJSON_CreateObject();
      cJSON_AddStringToObject(r, "id", fields[0]);
      cJSON_AddStringToObject(r, "level", fields[1]);
      cJSON_AddStringToObject(r, "layer", layer);
      cJSON_AddStringToObject(r, "unit", fields[2]);
      /* A note starting "behaviour:" marks a rule shown over time or across
       * connections (machine unit tests, scenarios), not by one vector input. */
      cJSON_AddBoolToObject(r, "vector", !(fields[3] && !strncmp(fields[3], "behaviour:", 10)));
      cJSON_AddItemToArray(list, r);
    }
    fclose(f);
  }
  globfree(&gl);
  char path[512];
  snprintf(path, sizeof path, "%s/requirements.json", outdir);
  char *text = cJSON_Print(root);
  FILE *f = fopen(path, "w");
  if (!text || !f || fputs(text, f) < 0 || fputc('\n', f) == EOF)
    sbv_gen_error(g, "cannot write %s", path);
  if (f) fclose(f);
  cJSON_free(text);
  cJSON_Delete(root);
  g->name[0] = '\0';
}

int sbv_gen_all(const char *outdir, bool verbose) {
  sbv_gen g;
  memset(&g, 0, sizeof g);
  g.outdir = outdir;
  g.verbose = verbose;
  if (mkdir_p(outdir) != 0) {
    fprintf(stderr, "generate: cannot create %s: %s\n", outdir, strerror(errno));
    return 1;
  }
  void (*modules[])(sbv_gen *) = {sbv_gen_sbp, sbv_gen_sbp_errors, sbv_gen_rpc, sbv_gen_rpc_receiver, sbv_gen_events,
                                  sbv_gen_sbrp_frames, sbv_gen_sbrp_crypto, sbv_gen_auth,
                                  sbv_gen_peer,        sbv_gen_upstream_interop};
  for (size_t i = 0; i < sizeof modules / sizeof modules[0]; i++) {
    modules[i](&g);
    if (g.root) sbv_gen_error(&g, "module left a file open");
  }
  sbv_gen_requirements(&g, outdir);
  return g.errors;
}
