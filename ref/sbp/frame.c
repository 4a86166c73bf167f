#include "sbp/frame.h"

#include <string.h>

#include "common/bytes.h"
#include "common/error.h"
#include "common/hex.h"
#include "common/utf8.h"

const char *sb_sbp_kind_name(unsigned kind) {
  switch (kind) {
    case SB_SBP_KIND_CONTROL: return "Control";
    case SB_SBP_KIND_MESSAGE: return "Message";
    case SB_SBP_KIND_ACK: return "Ack";
    case SB_SBP_KIND_ERROR: return "Error";
    default: return NULL;
  }
}

const char *sb_sbp_op_name(unsigned op) {
  switch (op) {
    case SB_SBP_OP_HANDSHAKE: return "Handshake";
    case SB_SBP_OP_PING: return "Ping";
    case SB_SBP_OP_PONG: return "Pong";
    case SB_SBP_OP_CLOSE: return "Close";
    default: return NULL;
  }
}

/* ---- decoding ------------------------------------------------------------ */

/* Control payload: op byte, then op-specific data (SBP-CTL-001..005). */
static int decode_control(sb_reader *r, sb_sbp_frame *f) {
  if (sb_reader_u8(r, &f->control.op) != SB_OK) return SB_ERR_SBP_CONTROL_EMPTY;
  sb_reader_rest(r, &f->control.data, &f->control.data_len);
  switch (f->control.op) {
    case SB_SBP_OP_HANDSHAKE:
      return f->control.data_len ? SB_OK : SB_ERR_SBP_HANDSHAKE_NO_DATA;
    case SB_SBP_OP_PING:
    case SB_SBP_OP_PONG: return f->control.data_len ? SB_ERR_SBP_PINGPONG_DATA : SB_OK;
    case SB_SBP_OP_CLOSE: return SB_OK; /* reason bytes are not interpreted (SBP-CTL-004) */
    default: return SB_ERR_SBP_CONTROL_UNKNOWN_OP;
  }
}

/* Message payload: length-prefixed subject, then data (SBP-MSG-001..004). */
static int decode_message(sb_reader *r, sb_sbp_frame *f) {
  uint32_t subject_len;
  if (sb_reader_u32le(r, &subject_len) != SB_OK) return SB_ERR_SBP_MESSAGE_NO_SUBJECT;
  if (sb_reader_bytes(r, subject_len, &f->message.subject) != SB_OK)
    return SB_ERR_SBP_SUBJECT_TRUNCATED;
  f->message.subject_len = subject_len;
  int rc = sb_sbp_subject_check(f->message.subject, subject_len, &f->message.subject_kind);
  if (rc != SB_OK) return rc;
  sb_reader_rest(r, &f->message.data, &f->message.data_len);
  return SB_OK;
}

/* Ack payload: exactly one frameId (SBP-ACK-001). */
static int decode_ack(sb_reader *r, sb_sbp_frame *f) {
  if (sb_reader_copy(r, SB_SBP_FRAME_ID_BYTES, f->ack.ack_frame_id) != SB_OK)
    return SB_ERR_SBP_ACK_SHORT;
  return sb_reader_remaining(r) ? SB_ERR_SBP_ACK_TRAILING : SB_OK;
}

/* Error payload: code, length-prefixed UTF-8 message, details (SBP-EFR-001/002). */
static int decode_error(sb_reader *r, sb_sbp_frame *f) {
  uint32_t message_len;
  if (sb_reader_remaining(r) < SB_SBP_ERROR_FIXED_BYTES) return SB_ERR_SBP_ERROR_SHORT;
  if (sb_reader_u16le(r, &f->error.code) != SB_OK || sb_reader_u32le(r, &message_len) != SB_OK)
    return SB_ERR_SBP_ERROR_SHORT;
  if (sb_reader_bytes(r, message_len, &f->error.message) != SB_OK)
    return SB_ERR_SBP_ERROR_MESSAGE_TRUNCATED;
  f->error.message_len = message_len;
  if (!sb_utf8_valid(f->error.message, message_len)) return SB_ERR_SBP_ERROR_MESSAGE_UTF8;
  sb_reader_rest(r, &f->error.details, &f->error.details_len);
  return SB_OK;
}

int sb_sbp_frame_decode(const uint8_t *buf, size_t len, sb_sbp_frame *out) {
  if (!out || (len && !buf)) return SB_ERR_ARG;
  /* Upstream's order: length, reserved flags, timestamp, then kind
   * (decoder_malformed flags_reserved_on_too_short_frame,
   * flags_reserved_with_bad_kind). */
  if (len < SB_SBP_MIN_FRAME_BYTES) return SB_ERR_SBP_TOO_SHORT;
  sb_sbp_frame f;
  memset(&f, 0, sizeof f);
  sb_reader r;
  sb_reader_init(&r, buf, len);
  int rc = sb_reader_u8(&r, &f.kind);
  if (rc == SB_OK) rc = sb_reader_u8(&r, &f.flags);
  if (rc == SB_OK) rc = sb_reader_copy(&r, SB_SBP_FRAME_ID_BYTES, f.frame_id);
  if (rc != SB_OK) return SB_ERR_SBP_TOO_SHORT; /* unreachable: length checked */
  if (f.flags & SB_SBP_FLAGS_RESERVED) return SB_ERR_SBP_RESERVED_FLAGS;
  f.has_timestamp = (f.flags & SB_SBP_FLAG_TIMESTAMP) != 0;
  if (f.has_timestamp && sb_reader_i64le(&r, &f.timestamp_ms) != SB_OK)
    return SB_ERR_SBP_TIMESTAMP_TRUNCATED;
  switch (f.kind) {
    case SB_SBP_KIND_CONTROL: rc = decode_control(&r, &f); break;
    case SB_SBP_KIND_MESSAGE: rc = decode_message(&r, &f); break;
    case SB_SBP_KIND_ACK: rc = decode_ack(&r, &f); break;
    case SB_SBP_KIND_ERROR: rc = decode_error(&r, &f); break;
    default: rc = SB_ERR_SBP_UNKNOWN_KIND; break;
  }
  if (rc != SB_OK) return rc;
  *out = f;
  return SB_OK;
}

/* ---- encoding ------------------------------------------------------------ */

/* The sender-side invariants: what the decoder would refuse, plus API misuse. */
static int check_for_encode(const sb_sbp_frame *f) {
  if (f->kind > SB_SBP_KIND_ERROR) return SB_ERR_SBP_UNKNOWN_KIND;
  if (f->flags & SB_SBP_FLAGS_RESERVED) return SB_ERR_SBP_RESERVED_FLAGS;
  if ((f->flags & SB_SBP_FLAG_TIMESTAMP) && !f->has_timestamp) return SB_ERR_ARG;
  switch (f->kind) {
    case SB_SBP_KIND_CONTROL:
      if (f->control.data_len && !f->control.data) return SB_ERR_ARG;
      switch (f->control.op) {
        case SB_SBP_OP_HANDSHAKE:
          return f->control.data_len ? SB_OK : SB_ERR_SBP_HANDSHAKE_NO_DATA;
        case SB_SBP_OP_PING:
        case SB_SBP_OP_PONG: return f->control.data_len ? SB_ERR_SBP_PINGPONG_DATA : SB_OK;
        case SB_SBP_OP_CLOSE: return SB_OK;
        default: return SB_ERR_SBP_CONTROL_UNKNOWN_OP;
      }
    case SB_SBP_KIND_MESSAGE:
      if (f->message.data_len && !f->message.data) return SB_ERR_ARG;
      return sb_sbp_subject_check(f->message.subject, f->message.subject_len, NULL);
    case SB_SBP_KIND_ACK: return SB_OK;
    default: /* SB_SBP_KIND_ERROR */
      if ((f->error.message_len && !f->error.message) ||
          (f->error.details_len && !f->error.details))
        return SB_ERR_ARG;
      if (f->error.message_len > UINT32_MAX) return SB_ERR_RANGE;
      if (!sb_utf8_valid(f->error.message, f->error.message_len))
        return SB_ERR_SBP_ERROR_MESSAGE_UTF8;
      return SB_OK;
  }
}

int sb_sbp_frame_encode(const sb_sbp_frame *f, uint8_t *out, size_t cap, size_t *out_len) {
  if (!f || !out_len) return SB_ERR_ARG;
  int rc = check_for_encode(f);
  if (rc != SB_OK) return rc;
  sb_writer w;
  sb_writer_init(&w, out, cap);
  sb_writer_u8(&w, f->kind);
  sb_writer_u8(&w, f->has_timestamp ? SB_SBP_FLAG_TIMESTAMP : 0);
  sb_writer_bytes(&w, f->frame_id, SB_SBP_FRAME_ID_BYTES);
  if (f->has_timestamp) sb_writer_i64le(&w, f->timestamp_ms);
  switch (f->kind) {
    case SB_SBP_KIND_CONTROL:
      sb_writer_u8(&w, f->control.op);
      sb_writer_bytes(&w, f->control.data, f->control.data_len);
      break;
    case SB_SBP_KIND_MESSAGE:
      /* subject_len <= 256 after the check, so the cast is exact */
      sb_writer_u32le(&w, (uint32_t)f->message.subject_len);
      sb_writer_bytes(&w, f->message.subject, f->message.subject_len);
      sb_writer_bytes(&w, f->message.data, f->message.data_len);
      break;
    case SB_SBP_KIND_ACK: sb_writer_bytes(&w, f->ack.ack_frame_id, SB_SBP_FRAME_ID_BYTES); break;
    default: /* SB_SBP_KIND_ERROR */
      sb_writer_u16le(&w, f->error.code);
      sb_writer_u32le(&w, (uint32_t)f->error.message_len);
      sb_writer_bytes(&w, f->error.message, f->error.message_len);
      sb_writer_bytes(&w, f->error.details, f->error.details_len);
      break;
  }
  return sb_writer_finish(&w, out_len);
}

/* ---- frameIds -------------------------------------------------------------- */

int sb_sbp_frame_id_generate(const sb_rng *rng, uint8_t id[SB_SBP_FRAME_ID_BYTES]) {
  if (!id) return SB_ERR_ARG;
  return sb_rng_bytes(rng, id, SB_SBP_FRAME_ID_BYTES);
}

bool sb_sbp_frame_id_equal(const uint8_t a[SB_SBP_FRAME_ID_BYTES],
                           const uint8_t b[SB_SBP_FRAME_ID_BYTES]) {
  return memcmp(a, b, SB_SBP_FRAME_ID_BYTES) == 0;
}

void sb_sbp_frame_id_to_hex(const uint8_t id[SB_SBP_FRAME_ID_BYTES],
                            char out[SB_SBP_FRAME_ID_HEX_CHARS + 1]) {
  /* Cannot fail: the capacity is exactly SB_HEX_SIZE(16). */
  if (sb_hex_encode(id, SB_SBP_FRAME_ID_BYTES, out, SB_SBP_FRAME_ID_HEX_CHARS + 1) != SB_OK)
    out[0] = '\0';
}

int sb_sbp_frame_id_from_hex(const char *hex, size_t len, uint8_t id[SB_SBP_FRAME_ID_BYTES]) {
  if (!hex || !id) return SB_ERR_ARG;
  if (len != SB_SBP_FRAME_ID_HEX_CHARS) return SB_ERR_SBP_FRAME_ID;
  return sb_hex_decode_lower_exact(hex, len, id, SB_SBP_FRAME_ID_BYTES) == SB_OK
             ? SB_OK
             : SB_ERR_SBP_FRAME_ID;
}
