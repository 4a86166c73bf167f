#include "common/utf8.h"

#include "common/bytes.h"
#include "common/error.h"

/*
 * One decoder drives both the strict check and the lossy copy: the WHATWG
 * "UTF-8 decode" state machine. `emit` is called with a code point or with
 * -1 for each replacement; returning false stops early.
 */
typedef bool (*emit_fn)(void *ctx, int32_t cp, const uint8_t *raw, size_t raw_len);

static void walk(const uint8_t *s, size_t len, emit_fn emit, void *ctx) {
  uint32_t cp = 0;
  unsigned needed = 0, seen = 0;
  uint8_t lower = 0x80, upper = 0xBF;
  size_t start = 0; /* first byte of the sequence in progress */
  size_t i = 0;
  while (i < len) {
    uint8_t b = s[i];
    if (needed == 0) {
      start = i;
      i++;
      if (b <= 0x7F) {
        if (!emit(ctx, b, s + start, 1)) return;
      } else if (b >= 0xC2 && b <= 0xDF) {
        needed = 1;
        cp = b & 0x1F;
      } else if (b >= 0xE0 && b <= 0xEF) {
        if (b == 0xE0) lower = 0xA0;
        if (b == 0xED) upper = 0x9F;
        needed = 2;
        cp = b & 0x0F;
      } else if (b >= 0xF0 && b <= 0xF4) {
        if (b == 0xF0) lower = 0x90;
        if (b == 0xF4) upper = 0x8F;
        needed = 3;
        cp = b & 0x07;
      } else if (!emit(ctx, -1, NULL, 0)) {
        return;
      }
      continue;
    }
    if (b < lower || b > upper) {
      /* Ill-formed: replace what we have and reprocess this byte. */
      cp = 0;
      needed = seen = 0;
      lower = 0x80;
      upper = 0xBF;
      if (!emit(ctx, -1, NULL, 0)) return;
      continue;
    }
    lower = 0x80;
    upper = 0xBF;
    cp = cp << 6 | (b & 0x3F);
    seen++;
    i++;
    if (seen == needed) {
      if (!emit(ctx, (int32_t)cp, s + start, i - start)) return;
      cp = 0;
      needed = seen = 0;
    }
  }
  if (needed) emit(ctx, -1, NULL, 0);
}

static bool check_emit(void *ctx, int32_t cp, const uint8_t *raw, size_t raw_len) {
  (void)raw;
  (void)raw_len;
  if (cp < 0) *(bool *)ctx = false;
  return cp >= 0;
}

bool sb_utf8_valid(const uint8_t *s, size_t len) {
  bool ok = true;
  if (len && !s) return false;
  walk(s, len, check_emit, &ok);
  return ok;
}

typedef struct prefix_ctx {
  const uint8_t *base;
  size_t good; /* bytes up to the end of the last well-formed character */
  bool bad;
} prefix_ctx;

static bool prefix_emit(void *ctx, int32_t cp, const uint8_t *raw, size_t raw_len) {
  prefix_ctx *p = ctx;
  if (cp < 0) {
    p->bad = true;
    return false;
  }
  p->good = (size_t)(raw - p->base) + raw_len;
  return true;
}

size_t sb_utf8_valid_prefix(const uint8_t *s, size_t len) {
  if (len && !s) return 0;
  prefix_ctx p = {s, 0, false};
  walk(s, len, prefix_emit, &p);
  return p.bad ? p.good : len;
}

static const uint8_t replacement[3] = {0xEF, 0xBF, 0xBD};

static bool copy_emit(void *ctx, int32_t cp, const uint8_t *raw, size_t raw_len) {
  if (cp < 0)
    sb_writer_bytes(ctx, replacement, sizeof replacement);
  else
    sb_writer_bytes(ctx, raw, raw_len);
  return true;
}

int sb_utf8_lossy(const uint8_t *in, size_t len, uint8_t *out, size_t out_cap, size_t *out_len) {
  if ((len && !in) || !out_len) return SB_ERR_ARG;
  sb_writer w;
  sb_writer_init(&w, out, out_cap);
  walk(in, len, copy_emit, &w);
  return sb_writer_finish(&w, out_len);
}

size_t sb_utf8_lossy_len(const uint8_t *in, size_t len) {
  /* The probe idiom: an empty writer counts what it would have written. */
  sb_writer w;
  sb_writer_init(&w, NULL, 0);
  if (len && !in) return 0;
  walk(in, len, copy_emit, &w);
  return w.len;
}

size_t sb_utf8_bom_len(const uint8_t *s, size_t len) {
  return (len >= 3 && s[0] == 0xEF && s[1] == 0xBB && s[2] == 0xBF) ? 3 : 0;
}
