#include "sbrp/frame.h"

#include <string.h>

#include "common/bytes.h"
#include "common/error.h"

bool sb_sbrp_type_known(uint8_t type) { return sb_sbrp_type_name(type) != NULL; }

const char *sb_sbrp_type_name(uint8_t type) {
  switch (type) {
    case SB_SBRP_HANDSHAKE_INIT: return "HandshakeInit";
    case SB_SBRP_HANDSHAKE_ACCEPT: return "HandshakeAccept";
    case SB_SBRP_DATA: return "Data";
    case SB_SBRP_SIGNAL: return "Signal";
    case SB_SBRP_PING: return "Ping";
    case SB_SBRP_PONG: return "Pong";
    case SB_SBRP_CONTROL: return "Control";
    default: return NULL;
  }
}

bool sb_sbrp_type_session_bound(uint8_t type) {
  return type >= SB_SBRP_HANDSHAKE_INIT && type <= SB_SBRP_SIGNAL;
}

int sb_sbrp_check_session_scope(uint8_t type, uint64_t session_id) {
  if (sb_sbrp_type_session_bound(type) && session_id == 0) return SB_ERR_SBRP_SID_ZERO;
  if ((type == SB_SBRP_PING || type == SB_SBRP_PONG) && session_id != 0)
    return SB_ERR_SBRP_SID_NONZERO;
  return SB_OK;
}

int sb_sbrp_header_decode(const uint8_t *buf, size_t len, sb_sbrp_header *out) {
  if (!out || (len && !buf)) return SB_ERR_ARG;
  /* Step 1: the header itself. */
  if (len < SB_SBRP_HEADER_BYTES) return SB_ERR_SBRP_HEADER_SHORT;
  sb_sbrp_header h = {
      .type = buf[0], .length = sb_load_u32be(buf + 1), .session_id = sb_load_u64be(buf + 5)};
  /* Steps 2-4 in the documents' order: size before type (sbrp.md I-4
   * records that upstream's readFrameHeader checks type first). */
  if (h.length > SB_SBRP_MAX_PAYLOAD) return SB_ERR_SBRP_PAYLOAD_TOO_LARGE;
  if (!sb_sbrp_type_known(h.type)) return SB_ERR_SBRP_FRAME_TYPE;
  int rc = sb_sbrp_check_session_scope(h.type, h.session_id);
  if (rc != SB_OK) return rc;
  *out = h;
  return SB_OK;
}

int sb_sbrp_frame_decode(const uint8_t *buf, size_t len, sb_sbrp_frame *out) {
  if (!out) return SB_ERR_ARG;
  sb_sbrp_header h;
  int rc = sb_sbrp_header_decode(buf, len, &h);
  if (rc != SB_OK) return rc;
  size_t want = SB_SBRP_HEADER_BYTES + (size_t)h.length;
  if (len < want) return SB_ERR_SBRP_BODY_TRUNCATED;
  if (len > want) return SB_ERR_SBRP_BODY_TRAILING;
  out->hdr = h;
  out->payload = buf + SB_SBRP_HEADER_BYTES;
  out->payload_len = h.length;
  return SB_OK;
}

void sb_sbrp_header_write(uint8_t out[SB_SBRP_HEADER_BYTES], uint8_t type, uint32_t length,
                          uint64_t session_id) {
  out[0] = type;
  sb_store_u32be(out + 1, length);
  sb_store_u64be(out + 5, session_id);
}

int sb_sbrp_frame_encode(uint8_t type, uint64_t session_id, const uint8_t *payload,
                         size_t payload_len, uint8_t *out, size_t out_cap, size_t *out_len) {
  if (!out_len || (payload_len && !payload)) return SB_ERR_ARG;
  if (payload_len > SB_SBRP_MAX_PAYLOAD) return SB_ERR_SBRP_PAYLOAD_TOO_LARGE;
  if (!sb_sbrp_type_known(type)) return SB_ERR_SBRP_FRAME_TYPE;
  int rc = sb_sbrp_check_session_scope(type, session_id);
  if (rc != SB_OK) return rc;
  *out_len = SB_SBRP_HEADER_BYTES + payload_len;
  if (!out || out_cap < *out_len) return SB_ERR_BUF;
  sb_sbrp_header_write(out, type, (uint32_t)payload_len, session_id);
  /* memmove: callers may build the payload in place right after the header. */
  if (payload_len && payload != out + SB_SBRP_HEADER_BYTES)
    memmove(out + SB_SBRP_HEADER_BYTES, payload, payload_len);
  return SB_OK;
}
