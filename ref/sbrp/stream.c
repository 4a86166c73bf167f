#include "sbrp/stream.h"

#include <string.h>

#include "common/error.h"

int sb_sbrp_stream_init(sb_sbrp_stream *s, uint8_t *buf, size_t cap) {
  if (!s || !buf) return SB_ERR_ARG;
  if (cap < SB_SBRP_MAX_FRAME) return SB_ERR_BUF;
  *s = (sb_sbrp_stream){.buf = buf, .cap = cap};
  return SB_OK;
}

void sb_sbrp_stream_reset(sb_sbrp_stream *s) {
  s->start = s->end = 0;
  s->err = SB_OK;
}

size_t sb_sbrp_stream_buffered(const sb_sbrp_stream *s) { return s->end - s->start; }

int sb_sbrp_stream_push(sb_sbrp_stream *s, const uint8_t *data, size_t len, size_t *taken) {
  if (!s || !taken || (len && !data)) return SB_ERR_ARG;
  *taken = 0;
  if (s->err != SB_OK) return s->err;
  /* Move the unpopped tail to the front so a whole frame always fits. */
  if (s->start > 0) {
    memmove(s->buf, s->buf + s->start, s->end - s->start);
    s->end -= s->start;
    s->start = 0;
  }
  size_t n = s->cap - s->end;
  if (n > len) n = len;
  if (n) memcpy(s->buf + s->end, data, n);
  s->end += n;
  *taken = n;
  return SB_OK;
}

int sb_sbrp_stream_pop(sb_sbrp_stream *s, sb_sbrp_frame *out, bool *got) {
  if (!s || !out || !got) return SB_ERR_ARG;
  *got = false;
  if (s->err != SB_OK) return s->err;
  size_t avail = s->end - s->start;
  if (avail < SB_SBRP_HEADER_BYTES) return SB_OK;
  sb_sbrp_header h;
  int rc = sb_sbrp_header_decode(s->buf + s->start, avail, &h);
  if (rc != SB_OK) {
    s->err = rc;
    return rc;
  }
  size_t size = SB_SBRP_HEADER_BYTES + (size_t)h.length;
  if (avail < size) return SB_OK;
  out->hdr = h;
  out->payload = s->buf + s->start + SB_SBRP_HEADER_BYTES;
  out->payload_len = h.length;
  s->start += size;
  *got = true;
  return SB_OK;
}
