/*
 * SBRP frame: 13-byte big-endian header + payload (sbrp.md sections 2-3).
 *
 *   offset 0  u8    type
 *   offset 1  u32be Length (payload bytes, header excluded, <= 65536)
 *   offset 5  u64be SessionID
 *   offset 13 Length bytes of payload
 *
 * One WebSocket message carries exactly one frame (SBRP-WIRE-002). Decoding
 * checks, in the documents' order (sbrp.md 10.2, SBRP-RELAY-010): header
 * length, Length <= 65536, defined type, SessionID scope; then that the
 * message holds exactly 13 + Length bytes. Payload layouts per type are in
 * sbrp/payload.h; who may send what is in sbrp/validate.h.
 */
#ifndef SB_SBRP_FRAME_H
#define SB_SBRP_FRAME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/config.h"

#define SB_SBRP_HEADER_BYTES 13u
#define SB_SBRP_MAX_PAYLOAD 65536u
#define SB_SBRP_MAX_FRAME (SB_SBRP_HEADER_BYTES + SB_SBRP_MAX_PAYLOAD)

/* Frame types (SBRP-WIRE-012). */
typedef enum sb_sbrp_type {
  SB_SBRP_HANDSHAKE_INIT = 0x01,
  SB_SBRP_HANDSHAKE_ACCEPT = 0x02,
  SB_SBRP_DATA = 0x03,
  SB_SBRP_SIGNAL = 0x04,
  SB_SBRP_PING = 0x10,
  SB_SBRP_PONG = 0x11,
  SB_SBRP_CONTROL = 0x20
} sb_sbrp_type;

typedef struct sb_sbrp_header {
  uint8_t type;
  uint32_t length;
  uint64_t session_id;
} sb_sbrp_header;

/* A decoded frame; `payload` points into the caller's buffer (no copy). */
typedef struct sb_sbrp_frame {
  sb_sbrp_header hdr;
  const uint8_t *payload;
  size_t payload_len;
} sb_sbrp_frame;

/* true if `type` is one of the seven defined types. */
bool sb_sbrp_type_known(uint8_t type);

/* Name of a defined type ("HandshakeInit", ..., "Control"), or NULL. */
const char *sb_sbrp_type_name(uint8_t type);

/* true for the session-bound types 0x01-0x04 (SessionID != 0, SBRP-WIRE-013). */
bool sb_sbrp_type_session_bound(uint8_t type);

/* Check the SessionID scope of a defined type: SB_ERR_SBRP_SID_ZERO for
 * 0x01-0x04 with 0, SB_ERR_SBRP_SID_NONZERO for Ping/Pong with non-zero.
 * Control may carry either (SBRP-WIRE-015). */
SB_NODISCARD int sb_sbrp_check_session_scope(uint8_t type, uint64_t session_id);

/* Decode and check the header of a message of `len` bytes (steps 1-4):
 * SB_ERR_SBRP_HEADER_SHORT, SB_ERR_SBRP_PAYLOAD_TOO_LARGE,
 * SB_ERR_SBRP_FRAME_TYPE, SB_ERR_SBRP_SID_ZERO / _NONZERO. The body length
 * is not checked here. */
SB_NODISCARD int sb_sbrp_header_decode(const uint8_t *buf, size_t len, sb_sbrp_header *out);

/* Decode a whole message: header checks, then exactly 13 + Length bytes
 * (SB_ERR_SBRP_BODY_TRUNCATED / SB_ERR_SBRP_BODY_TRAILING). */
SB_NODISCARD int sb_sbrp_frame_decode(const uint8_t *buf, size_t len, sb_sbrp_frame *out);

/* Write one frame into `out`. Refuses what a conformant sender never emits:
 * payload over 65536 (SB_ERR_SBRP_PAYLOAD_TOO_LARGE), an undefined type
 * (SB_ERR_SBRP_FRAME_TYPE), a wrong SessionID scope. `*out_len` gets the size
 * written (or needed, with SB_ERR_BUF). */
SB_NODISCARD int sb_sbrp_frame_encode(uint8_t type, uint64_t session_id, const uint8_t *payload,
                                      size_t payload_len, uint8_t *out, size_t out_cap,
                                      size_t *out_len);

/* Write the 13-byte header only (no checks): for callers that build the
 * payload in place after it, and for tests that need malformed frames. */
void sb_sbrp_header_write(uint8_t out[SB_SBRP_HEADER_BYTES], uint8_t type, uint32_t length,
                          uint64_t session_id);

#endif
