/*
 * Bounds-checked byte reader and writer over caller-provided buffers.
 *
 * The reader never reads past `len`: every get returns SB_ERR_TRUNCATED and
 * leaves the position unchanged when too few bytes remain.
 *
 * The writer is sticky: a put that does not fit records SB_ERR_BUF, writes
 * nothing more, but keeps counting, so after a failed encode `w.len` is the
 * size the caller needs. Encoding with a NULL buffer and capacity 0 is the
 * idiomatic way to ask for a size.
 */
#ifndef SB_COMMON_BYTES_H
#define SB_COMMON_BYTES_H

#include <stddef.h>
#include <stdint.h>

#include "common/config.h"

typedef struct sb_reader {
  const uint8_t *buf;
  size_t len;
  size_t pos;
} sb_reader;

/* Start reading `len` bytes at `buf` (buf may be NULL when len is 0). */
void sb_reader_init(sb_reader *r, const uint8_t *buf, size_t len);

/* Bytes not yet consumed. */
size_t sb_reader_remaining(const sb_reader *r);

/* Read fixed-width integers, big- or little-endian; 0 or SB_ERR_TRUNCATED. */
SB_NODISCARD int sb_reader_u8(sb_reader *r, uint8_t *out);
SB_NODISCARD int sb_reader_u16be(sb_reader *r, uint16_t *out);
SB_NODISCARD int sb_reader_u16le(sb_reader *r, uint16_t *out);
SB_NODISCARD int sb_reader_u32be(sb_reader *r, uint32_t *out);
SB_NODISCARD int sb_reader_u32le(sb_reader *r, uint32_t *out);
SB_NODISCARD int sb_reader_u64be(sb_reader *r, uint64_t *out);
SB_NODISCARD int sb_reader_u64le(sb_reader *r, uint64_t *out);
SB_NODISCARD int sb_reader_i64le(sb_reader *r, int64_t *out);

/* Point `*out` at the next `n` bytes (no copy) and consume them. */
SB_NODISCARD int sb_reader_bytes(sb_reader *r, size_t n, const uint8_t **out);

/* Copy the next `n` bytes into `out` and consume them. */
SB_NODISCARD int sb_reader_copy(sb_reader *r, size_t n, uint8_t *out);

/* Point `*out` at everything left (possibly 0 bytes) and consume it. */
void sb_reader_rest(sb_reader *r, const uint8_t **out, size_t *n);

typedef struct sb_writer {
  uint8_t *buf;
  size_t cap;
  size_t len; /* bytes written, or needed once err is set */
  int err;    /* 0, or SB_ERR_BUF after the first put that did not fit */
} sb_writer;

/* Start writing into `buf` of capacity `cap` (buf may be NULL when cap is 0). */
void sb_writer_init(sb_writer *w, uint8_t *buf, size_t cap);

/* Append integers and byte strings; failures are recorded in w->err. */
void sb_writer_u8(sb_writer *w, uint8_t v);
void sb_writer_u16be(sb_writer *w, uint16_t v);
void sb_writer_u16le(sb_writer *w, uint16_t v);
void sb_writer_u32be(sb_writer *w, uint32_t v);
void sb_writer_u32le(sb_writer *w, uint32_t v);
void sb_writer_u64be(sb_writer *w, uint64_t v);
void sb_writer_u64le(sb_writer *w, uint64_t v);
void sb_writer_i64le(sb_writer *w, int64_t v);
void sb_writer_bytes(sb_writer *w, const uint8_t *src, size_t n);

/* 0 if everything fit (and `*out_len` is set when non-NULL), else SB_ERR_BUF
 * with `*out_len` set to the size needed. */
SB_NODISCARD int sb_writer_finish(const sb_writer *w, size_t *out_len);

/* Store/load big-endian integers at a fixed place the caller has bounds-checked. */
void sb_store_u32be(uint8_t *p, uint32_t v);
void sb_store_u64be(uint8_t *p, uint64_t v);
uint32_t sb_load_u32be(const uint8_t *p);
uint64_t sb_load_u64be(const uint8_t *p);

#endif
