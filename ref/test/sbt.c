#define _POSIX_C_SOURCE 200809L
#include "test/sbt.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "common/hex.h"
#include "common/json.h"

static sbt_suite *registered;

void sbt_register(sbt_suite *suite) {
  suite->next = registered;
  registered = suite;
}

sbt_suite *sbt_suites(void) { return registered; }

void sbt_check(bool ok, int line, const char *file, const char *fmt, ...) {
  char msg[1024];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  /* CUnit copies the condition text into its failure record. */
  CU_assertImplementation(ok ? CU_TRUE : CU_FALSE, (unsigned)line, msg, file, "", CU_FALSE);
}

bool sbt_check_hex(const uint8_t *got, size_t got_len, const char *expect_hex, int line,
                   const char *file, const char *what) {
  size_t exp_len = strlen(expect_hex);
  char *got_hex = sbt_hex(got, got_len);
  bool ok = got_hex && exp_len == 2 * got_len && strcmp(got_hex, expect_hex) == 0;
  if (ok) {
    sbt_check(true, line, file, "%s", what);
  } else {
    size_t diff = 0;
    while (got_hex && got_hex[diff] && expect_hex[diff] && got_hex[diff] == expect_hex[diff])
      diff++;
    /* Long values: show a window around the first difference. */
    size_t from = diff > 40 ? diff - 40 : 0;
    sbt_check(false, line, file, "%s: bytes differ at offset %zu\n      expected ...%.120s\n      got      ...%.120s",
              what, diff / 2, expect_hex + (from <= exp_len ? from : exp_len),
              got_hex ? got_hex + (from <= 2 * got_len ? from : 2 * got_len) : "(null)");
  }
  free(got_hex);
  return ok;
}

bool sbt_check_err(int got, int expect, int line, const char *file, const char *what) {
  bool ok = got == expect;
  sbt_check(ok, line, file, "%s: expected %s, got %s (%s)", what, sb_err_name(expect),
            sb_err_name(got), sb_err_str(got));
  return ok;
}

bool sbt_check_u64(uint64_t got, uint64_t expect, int line, const char *file, const char *what) {
  bool ok = got == expect;
  sbt_check(ok, line, file, "%s: expected %llu, got %llu", what, (unsigned long long)expect,
            (unsigned long long)got);
  return ok;
}

bool sbt_check_str(const char *got, const char *expect, int line, const char *file,
                   const char *what) {
  bool ok = got && expect && strcmp(got, expect) == 0;
  sbt_check(ok, line, file, "%s: expected \"%.200s\", got \"%.200s\"", what,
            expect ? expect : "(null)", got ? got : "(null)");
  return ok;
}

uint8_t *sbt_unhex(const char *hex, size_t *len) {
  size_t n = strlen(hex);
  uint8_t *buf = malloc(n / 2 + 1);
  size_t out = 0;
  if (!buf || sb_hex_decode(hex, n, buf, n / 2 + 1, &out) != SB_OK) {
    sbt_check(false, __LINE__, __FILE__, "bad hex in test data: %.60s", hex);
    free(buf);
    *len = 0;
    return NULL;
  }
  *len = out;
  return buf;
}

char *sbt_hex(const uint8_t *buf, size_t len) {
  char *out = malloc(SB_HEX_SIZE(len));
  if (out && sb_hex_encode(buf, len, out, SB_HEX_SIZE(len)) != SB_OK) {
    free(out);
    return NULL;
  }
  return out;
}

bool sbt_unhex_exact(const char *hex, uint8_t *out, size_t n) {
  size_t len = 0;
  uint8_t *b = hex ? sbt_unhex(hex, &len) : NULL;
  bool ok = b && len == n;
  sbt_check(ok, __LINE__, __FILE__, "expected %zu bytes of hex, got %zu", n, len);
  if (ok) memcpy(out, b, n);
  free(b);
  return ok;
}

bool sbt_all_zero(const uint8_t *p, size_t n) {
  uint8_t acc = 0;
  for (size_t i = 0; i < n; i++) acc |= p[i];
  return acc == 0;
}

void sbt_expect_upstream_hex(const uint8_t *got, size_t n, const cJSON *obj, const char *key) {
  const char *want = sbt_str(obj, key);
  sbt_check(want != NULL, __LINE__, __FILE__, "field %s present", key);
  if (want && sbt_check_hex(got, n, want, __LINE__, __FILE__, key)) sbt_count_upstream_value();
}

const char *sbt_upstream_error_code(const cJSON *outcome) {
  return sbt_str(sb_json_get(outcome, "error"), "code");
}

const char *sbt_proto_name(int err) {
  const char *name = sb_err_proto_name(err);
  return name ? name : "(none)";
}

static int failing_fill(void *state, uint8_t *out, size_t len) {
  (void)state;
  (void)out;
  (void)len;
  return SB_ERR_RNG;
}

sb_rng sbt_failing_rng(void) { return (sb_rng){failing_fill, NULL}; }

uint64_t sbt_u64(const char *dec) {
  if (!dec || !*dec || *dec == '-') {
    sbt_check(false, __LINE__, __FILE__, "bad u64 in test data: %s", dec ? dec : "(null)");
    return 0;
  }
  char *end = NULL;
  errno = 0;
  unsigned long long v = strtoull(dec, &end, 10);
  if (errno || *end) {
    sbt_check(false, __LINE__, __FILE__, "bad u64 in test data: %s", dec);
    return 0;
  }
  return (uint64_t)v;
}

/* Upstream values are counted per data file: the file a test loaded last. */
#define MAX_FILES 16
static struct {
  char name[64];
  unsigned values;
} files[MAX_FILES];
static unsigned nfiles, current = MAX_FILES, upstream_values;

static void note_loaded(const char *relpath) {
  if (strncmp(relpath, "upstream/", 9) != 0) return;
  const char *name = relpath + 9;
  for (current = 0; current < nfiles; current++)
    if (strcmp(files[current].name, name) == 0) return;
  if (nfiles == MAX_FILES) return;
  snprintf(files[nfiles].name, sizeof files[nfiles].name, "%s", name);
  current = nfiles++;
}

cJSON *sbt_load_json(const char *relpath) {
  note_loaded(relpath);
  const char *dir = getenv("SBCONF_TESTDATA");
  char path[1024];
  snprintf(path, sizeof path, "%s/%s", dir && *dir ? dir : "ref/testdata", relpath);
  FILE *f = fopen(path, "rb");
  if (!f) {
    sbt_check(false, __LINE__, __FILE__, "cannot open %s: %s (run from the repository root)",
              path, strerror(errno));
    return NULL;
  }
  size_t cap = 1 << 16, len = 0;
  uint8_t *buf = malloc(cap);
  size_t got;
  while (buf && (got = fread(buf + len, 1, cap - len, f)) > 0) {
    len += got;
    if (len == cap) {
      uint8_t *bigger = realloc(buf, cap *= 2);
      if (!bigger) free(buf);
      buf = bigger;
    }
  }
  fclose(f);
  /* Test data, not protocol input: parse with plain cJSON so strings with
   * \u0000 load (they are cut at the NUL; tests use the *_hex fields then). */
  cJSON *root = NULL;
  if (buf) {
    const char *end = NULL;
    root = cJSON_ParseWithLengthOpts((const char *)buf, len, &end, 0);
    while (root && end < (const char *)buf + len && (*end == ' ' || *end == '\n' || *end == '\r' || *end == '\t'))
      end++;
    if (root && end != (const char *)buf + len) {
      cJSON_Delete(root);
      root = NULL;
    }
  }
  free(buf);
  if (!root) sbt_check(false, __LINE__, __FILE__, "%s: not a JSON document", path);
  return root;
}

const char *sbt_str(const cJSON *obj, const char *key) {
  const cJSON *v = sb_json_get(obj, key);
  return cJSON_IsString(v) ? v->valuestring : NULL;
}

const cJSON *sbt_get(const cJSON *obj, const char *key) { return sb_json_get(obj, key); }

void sbt_count_upstream_value(void) {
  upstream_values++;
  if (current < nfiles) files[current].values++;
}

unsigned sbt_upstream_values(void) { return upstream_values; }

unsigned sbt_upstream_file_count(void) { return nfiles; }

const char *sbt_upstream_file(unsigned i, unsigned *values) {
  if (i >= nfiles) return NULL;
  *values = files[i].values;
  return files[i].name;
}
