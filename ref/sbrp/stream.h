/*
 * Cutting a byte stream into SBRP frames (the sans-I/O counterpart of
 * upstream's FrameDecoder in frame.ts).
 *
 * On the wire one WebSocket message is one frame (SBRP-WIRE-002); the
 * splitter is for transports or captures that deliver a byte stream. It
 * works over a buffer the caller provides (at least SB_SBRP_MAX_FRAME bytes,
 * so the largest frame fits):
 *
 *   sb_sbrp_stream s;
 *   sb_sbrp_stream_init(&s, buf, sizeof buf);
 *   while (bytes arrive) {
 *     size_t used = 0;
 *     while (used < n) {
 *       size_t took;  sb_sbrp_stream_push(&s, data + used, n - used, &took);
 *       used += took;
 *       while (sb_sbrp_stream_pop(&s, &frame, &got) == 0 && got) handle(frame);
 *     }
 *   }
 *
 * A header is checked as soon as its 13 bytes are buffered, with the same
 * checks in the same order as sb_sbrp_header_decode. A header error is
 * sticky: the stream cannot find the next frame boundary, so every later
 * push and pop returns the same error until sb_sbrp_stream_reset.
 */
#ifndef SB_SBRP_STREAM_H
#define SB_SBRP_STREAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/config.h"
#include "sbrp/frame.h"

typedef struct sb_sbrp_stream {
  uint8_t *buf;
  size_t cap;
  size_t start; /* first byte not yet popped */
  size_t end;   /* one past the last byte pushed */
  int err;      /* sticky header error, or 0 */
} sb_sbrp_stream;

/* Use `buf` (`cap` >= SB_SBRP_MAX_FRAME, else SB_ERR_BUF) as the stream's
 * storage; the stream starts empty. */
SB_NODISCARD int sb_sbrp_stream_init(sb_sbrp_stream *s, uint8_t *buf, size_t cap);

/* Discard buffered bytes and any sticky error. */
void sb_sbrp_stream_reset(sb_sbrp_stream *s);

/* Append up to `len` bytes; `*taken` gets how many fit (pop frames, then
 * push the rest). Frames popped earlier stop being valid: the buffer may be
 * compacted here. Returns the sticky header error if there is one (nothing
 * is taken), else 0. */
SB_NODISCARD int sb_sbrp_stream_push(sb_sbrp_stream *s, const uint8_t *data, size_t len,
                                     size_t *taken);

/* Take the next complete frame: `*got` = true and `*out` pointing into the
 * stream's buffer (valid until the next push or reset), or `*got` = false if
 * no complete frame is buffered yet. Returns the sticky header error (see
 * sb_sbrp_header_decode) once 13 bytes of a bad header are buffered. */
SB_NODISCARD int sb_sbrp_stream_pop(sb_sbrp_stream *s, sb_sbrp_frame *out, bool *got);

/* Bytes buffered and not yet popped. */
size_t sb_sbrp_stream_buffered(const sb_sbrp_stream *s);

#endif
