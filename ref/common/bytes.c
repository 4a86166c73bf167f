#include "common/bytes.h"

#include <string.h>

#include "common/error.h"

void sb_reader_init(sb_reader *r, const uint8_t *buf, size_t len) {
  r->buf = buf;
  r->len = buf ? len : 0;
  r->pos = 0;
}

size_t sb_reader_remaining(const sb_reader *r) { return r->len - r->pos; }

/* Every typed get goes through this: one place where bounds are checked. */
static int take(sb_reader *r, size_t n, const uint8_t **p) {
  if (sb_reader_remaining(r) < n) return SB_ERR_TRUNCATED;
  *p = r->buf + r->pos;
  r->pos += n;
  return SB_OK;
}

static uint64_t load_be(const uint8_t *p, size_t n) {
  uint64_t v = 0;
  for (size_t i = 0; i < n; i++) v = (v << 8) | p[i];
  return v;
}

static uint64_t load_le(const uint8_t *p, size_t n) {
  uint64_t v = 0;
  for (size_t i = n; i > 0; i--) v = (v << 8) | p[i - 1];
  return v;
}

int sb_reader_u8(sb_reader *r, uint8_t *out) {
  const uint8_t *p;
  int rc = take(r, 1, &p);
  if (rc == SB_OK) *out = p[0];
  return rc;
}

#define SB_READER_INT_(fn, type, n, load)   \
  int fn(sb_reader *r, type *out) {         \
    const uint8_t *p;                       \
    int rc = take(r, n, &p);                \
    if (rc == SB_OK) *out = (type)load(p, n); \
    return rc;                              \
  }

SB_READER_INT_(sb_reader_u16be, uint16_t, 2, load_be)
SB_READER_INT_(sb_reader_u16le, uint16_t, 2, load_le)
SB_READER_INT_(sb_reader_u32be, uint32_t, 4, load_be)
SB_READER_INT_(sb_reader_u32le, uint32_t, 4, load_le)
SB_READER_INT_(sb_reader_u64be, uint64_t, 8, load_be)
SB_READER_INT_(sb_reader_u64le, uint64_t, 8, load_le)

int sb_reader_i64le(sb_reader *r, int64_t *out) {
  uint64_t u;
  int rc = sb_reader_u64le(r, &u);
  /* Two's complement reinterpretation without implementation-defined casts. */
  if (rc == SB_OK) memcpy(out, &u, sizeof u);
  return rc;
}

int sb_reader_bytes(sb_reader *r, size_t n, const uint8_t **out) { return take(r, n, out); }

int sb_reader_copy(sb_reader *r, size_t n, uint8_t *out) {
  const uint8_t *p;
  int rc = take(r, n, &p);
  if (rc == SB_OK && n) memcpy(out, p, n);
  return rc;
}

void sb_reader_rest(sb_reader *r, const uint8_t **out, size_t *n) {
  *n = sb_reader_remaining(r);
  *out = r->buf ? r->buf + r->pos : NULL;
  r->pos = r->len;
}

void sb_writer_init(sb_writer *w, uint8_t *buf, size_t cap) {
  w->buf = buf;
  w->cap = buf ? cap : 0;
  w->len = 0;
  w->err = SB_OK;
}

/* Reserve n bytes; NULL once the writer has overflowed (length still counted). */
static uint8_t *reserve(sb_writer *w, size_t n) {
  if (w->err == SB_OK && w->cap - w->len >= n) {
    uint8_t *p = w->buf + w->len;
    w->len += n;
    return p;
  }
  w->err = SB_ERR_BUF;
  w->len += n;
  return NULL;
}

static void store_be(uint8_t *p, uint64_t v, size_t n) {
  for (size_t i = n; i > 0; i--) {
    p[i - 1] = (uint8_t)v;
    v >>= 8;
  }
}

static void store_le(uint8_t *p, uint64_t v, size_t n) {
  for (size_t i = 0; i < n; i++) {
    p[i] = (uint8_t)v;
    v >>= 8;
  }
}

#define SB_WRITER_INT_(fn, type, n, store) \
  void fn(sb_writer *w, type v) {          \
    uint8_t *p = reserve(w, n);            \
    if (p) store(p, (uint64_t)v, n);       \
  }

SB_WRITER_INT_(sb_writer_u8, uint8_t, 1, store_be)
SB_WRITER_INT_(sb_writer_u16be, uint16_t, 2, store_be)
SB_WRITER_INT_(sb_writer_u16le, uint16_t, 2, store_le)
SB_WRITER_INT_(sb_writer_u32be, uint32_t, 4, store_be)
SB_WRITER_INT_(sb_writer_u32le, uint32_t, 4, store_le)
SB_WRITER_INT_(sb_writer_u64be, uint64_t, 8, store_be)
SB_WRITER_INT_(sb_writer_u64le, uint64_t, 8, store_le)

void sb_writer_i64le(sb_writer *w, int64_t v) {
  uint64_t u;
  memcpy(&u, &v, sizeof u);
  sb_writer_u64le(w, u);
}

void sb_writer_bytes(sb_writer *w, const uint8_t *src, size_t n) {
  uint8_t *p = reserve(w, n);
  if (p && n) memcpy(p, src, n);
}

int sb_writer_finish(const sb_writer *w, size_t *out_len) {
  if (out_len) *out_len = w->len;
  return w->err;
}

void sb_store_u32be(uint8_t *p, uint32_t v) { store_be(p, v, 4); }
void sb_store_u64be(uint8_t *p, uint64_t v) { store_be(p, v, 8); }
uint32_t sb_load_u32be(const uint8_t *p) { return (uint32_t)load_be(p, 4); }
uint64_t sb_load_u64be(const uint8_t *p) { return load_be(p, 8); }
