/*
 * SBP frame codec (sbp.md sections 2-4). All integers little-endian.
 *
 *   offset 0   u8     kind (Control 0, Message 1, Ack 2, Error 3)
 *   offset 1   u8     flags (bit 0: timestamp present; bits 1-7 reserved, 0)
 *   offset 2   16     frameId (opaque)
 *   offset 18  i64le  timestamp, ms since the Unix epoch, only if flags & 1
 *   then       payload, by kind:
 *     Control  u8 op | data (rest)
 *     Message  u32le subjectLen | subject | data (rest)
 *     Ack      16-byte ackFrameId, nothing after it
 *     Error    u16le code | u32le msgLen | message (UTF-8) | details (rest)
 *
 * There is no frame length field: one transport message is one frame, and
 * the last field of each kind runs to the end of the buffer.
 *
 * The decoder checks in upstream's order (the documents give none): length
 * >= 18, reserved flags, timestamp length, kind, then the payload. Every
 * decode failure is InvalidFrame (1002) in the error table; subject
 * failures too (SBP-SUBJ-005; upstream says 1000, see reports/errata.md E-SBP-1).
 * Decoded strings are checked strictly as UTF-8 (SBP-VAL-003). Timestamps
 * are exact int64 values (upstream rounds above 2^53).
 */
#ifndef SB_SBP_FRAME_H
#define SB_SBP_FRAME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/config.h"
#include "common/rng.h"
#include "sbp/subject.h"

#define SB_SBP_HEADER_BYTES 2u
#define SB_SBP_FRAME_ID_BYTES 16u
#define SB_SBP_TIMESTAMP_BYTES 8u
/* Shortest frames: header + frameId, and the same with a timestamp. */
#define SB_SBP_MIN_FRAME_BYTES (SB_SBP_HEADER_BYTES + SB_SBP_FRAME_ID_BYTES)
#define SB_SBP_MIN_FRAME_TS_BYTES (SB_SBP_MIN_FRAME_BYTES + SB_SBP_TIMESTAMP_BYTES)
#define SB_SBP_FLAG_TIMESTAMP 0x01u
#define SB_SBP_FLAGS_RESERVED 0xFEu
/* Fixed parts of the payloads. */
#define SB_SBP_SUBJECT_LEN_BYTES 4u
#define SB_SBP_ERROR_FIXED_BYTES 6u
/* Recommended cap on a whole frame (wire-format.md); not enforced here. */
#define SB_SBP_RECOMMENDED_MAX_FRAME 1048576u
/* Characters of the text form of a frameId, without the NUL. */
#define SB_SBP_FRAME_ID_HEX_CHARS 32u

typedef enum sb_sbp_kind {
  SB_SBP_KIND_CONTROL = 0,
  SB_SBP_KIND_MESSAGE = 1,
  SB_SBP_KIND_ACK = 2,
  SB_SBP_KIND_ERROR = 3
} sb_sbp_kind;

typedef enum sb_sbp_op {
  SB_SBP_OP_HANDSHAKE = 0,
  SB_SBP_OP_PING = 1,
  SB_SBP_OP_PONG = 2,
  SB_SBP_OP_CLOSE = 3
} sb_sbp_op;

/*
 * One frame. After a decode, every pointer points into the caller's buffer
 * (no copy), so the buffer must outlive the struct. Pointers may be NULL
 * when their length is 0.
 *
 * `flags` is the byte as received (0x00 or 0x01 after a successful decode).
 * The encoder writes bit 0 from `has_timestamp` (SBP-WIRE-013), so callers
 * may leave `flags` 0; it refuses reserved bits and bit 0 without a
 * timestamp. `message.subject_kind` is an output of the decoder; the
 * encoder classifies the subject itself.
 */
typedef struct sb_sbp_frame {
  uint8_t kind; /* sb_sbp_kind */
  uint8_t flags;
  uint8_t frame_id[SB_SBP_FRAME_ID_BYTES];
  bool has_timestamp;
  int64_t timestamp_ms; /* meaningful only when has_timestamp */
  union {
    struct {
      uint8_t op; /* sb_sbp_op */
      const uint8_t *data; /* Handshake JSON, Close reason; empty for Ping/Pong */
      size_t data_len;
    } control;
    struct {
      const uint8_t *subject; /* checked UTF-8, not NUL-terminated */
      size_t subject_len;
      sb_sbp_subject_kind subject_kind;
      const uint8_t *data; /* opaque, possibly empty */
      size_t data_len;
    } message;
    struct {
      uint8_t ack_frame_id[SB_SBP_FRAME_ID_BYTES];
    } ack;
    struct {
      uint16_t code;
      const uint8_t *message; /* checked UTF-8, not NUL-terminated */
      size_t message_len;
      const uint8_t *details; /* opaque; length 0 when absent */
      size_t details_len;
    } error;
  };
} sb_sbp_frame;

/* Decode one whole transport message into `*out` (written only on success).
 * Errors: SB_ERR_SBP_TOO_SHORT, _RESERVED_FLAGS, _TIMESTAMP_TRUNCATED,
 * _UNKNOWN_KIND, _CONTROL_EMPTY, _CONTROL_UNKNOWN_OP, _HANDSHAKE_NO_DATA,
 * _PINGPONG_DATA, _MESSAGE_NO_SUBJECT, _SUBJECT_TRUNCATED, the subject
 * errors of sbp/subject.h, _ACK_SHORT, _ACK_TRAILING, _ERROR_SHORT,
 * _ERROR_MESSAGE_TRUNCATED, _ERROR_MESSAGE_UTF8 (all SB_ERR_SBP_*); SB_ERR_ARG.
 * The Handshake JSON and the Close reason are not interpreted here. */
SB_NODISCARD int sb_sbp_frame_decode(const uint8_t *buf, size_t len, sb_sbp_frame *out);

/* Encode `f` into `out` (capacity `cap`); `*out_len` gets the size written,
 * or needed with SB_ERR_BUF (out may be NULL with cap 0 to ask). Refuses what
 * a conformant sender never emits: SB_ERR_SBP_UNKNOWN_KIND,
 * _RESERVED_FLAGS, _CONTROL_UNKNOWN_OP, _HANDSHAKE_NO_DATA, _PINGPONG_DATA,
 * the subject errors (stream is allowed), _ERROR_MESSAGE_UTF8; SB_ERR_ARG
 * for flag bit 0 without a timestamp or a NULL pointer with a length. */
SB_NODISCARD int sb_sbp_frame_encode(const sb_sbp_frame *f, uint8_t *out, size_t cap,
                                     size_t *out_len);

/* Upstream's FrameKind name ("Control", "Message", "Ack", "Error"), or NULL. */
const char *sb_sbp_kind_name(unsigned kind);

/* Upstream's ControlOp name ("Handshake", "Ping", "Pong", "Close"), or NULL. */
const char *sb_sbp_op_name(unsigned op);

/* Fill `id` with 16 bytes from `rng` (SBP-WIRE-007); SB_ERR_RNG on failure. */
SB_NODISCARD int sb_sbp_frame_id_generate(const sb_rng *rng, uint8_t id[SB_SBP_FRAME_ID_BYTES]);

/* true if the two frameIds are the same 16 bytes (SBP-VAL-005). */
bool sb_sbp_frame_id_equal(const uint8_t a[SB_SBP_FRAME_ID_BYTES],
                           const uint8_t b[SB_SBP_FRAME_ID_BYTES]);

/* Text form: 32 lower-case hex characters and a NUL into `out`. */
void sb_sbp_frame_id_to_hex(const uint8_t id[SB_SBP_FRAME_ID_BYTES],
                            char out[SB_SBP_FRAME_ID_HEX_CHARS + 1]);

/* Parse the text form: exactly 32 characters of [0-9a-f] (`len` excludes any
 * NUL); SB_ERR_SBP_FRAME_ID otherwise, SB_ERR_ARG for NULL pointers. */
SB_NODISCARD int sb_sbp_frame_id_from_hex(const char *hex, size_t len,
                                          uint8_t id[SB_SBP_FRAME_ID_BYTES]);

#endif
