/*
 * Vector operations of the SBP layer: sbp.frame.decode, sbp.frame.encode,
 * sbp.handshake.decode (vectors/README.md for the member names).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "ops_internal.h"
#include "sbp/errors.h"
#include "sbp/frame.h"
#include "sbp/handshake.h"

/* A string member from bytes already checked as UTF-8. cJSON strings are C
 * strings, so text holding U+0000 cannot be written: the caller answers
 * unsupported for it. */
static bool add_text(cJSON *o, const char *key, const uint8_t *p, size_t n) {
  if (memchr(p, 0, n)) return false;
  char *s = malloc(n + 1);
  if (!s) return false;
  memcpy(s, p, n);
  s[n] = '\0';
  cJSON_AddStringToObject(o, key, s);
  free(s);
  return true;
}

SBV_OP_FN(sbv_op_sbp_frame_decode) {
  unsigned char *buf;
  size_t len;
  if (!sbv_in_hex(input, "frame", &buf, &len, msg)) return -1;
  sb_sbp_frame f;
  int rc = sb_sbp_frame_decode(buf, len, &f);
  if (rc != SB_OK) {
    sbv_invalid_code(out, rc, sb_err_proto_code(rc));
    free(buf);
    return 0;
  }
  cJSON *o = cJSON_CreateObject();
  bool ok = true;
  cJSON_AddNumberToObject(o, "kind", f.kind);
  sbv_out_hex(o, "frameId", f.frame_id, sizeof f.frame_id);
  if (f.has_timestamp) sbv_out_i64(o, "timestamp", f.timestamp_ms);
  switch (f.kind) {
    case SB_SBP_KIND_CONTROL:
      cJSON_AddNumberToObject(o, "op", f.control.op);
      sbv_out_hex(o, "data", f.control.data, f.control.data_len);
      break;
    case SB_SBP_KIND_MESSAGE:
      ok = add_text(o, "subject", f.message.subject, f.message.subject_len);
      sbv_out_hex(o, "data", f.message.data, f.message.data_len);
      break;
    case SB_SBP_KIND_ACK:
      sbv_out_hex(o, "ackFrameId", f.ack.ack_frame_id, sizeof f.ack.ack_frame_id);
      break;
    default:
      cJSON_AddNumberToObject(o, "code", f.error.code);
      ok = add_text(o, "message", f.error.message, f.error.message_len);
      sbv_out_hex(o, "details", f.error.details, f.error.details_len);
      break;
  }
  free(buf);
  if (!ok) {
    cJSON_Delete(o);
    out->result = SBV_UNSUPPORTED;
    return 0;
  }
  sbv_valid(out, o);
  return 0;
}

/* Optional hex member: absent means empty. */
static bool opt_hex(const cJSON *input, const char *key, unsigned char **buf, size_t *len,
                    char msg[SBV_MSG_SIZE]) {
  *buf = NULL;
  *len = 0;
  return !cJSON_GetObjectItemCaseSensitive(input, key) || sbv_in_hex(input, key, buf, len, msg);
}

static bool small_int(const cJSON *input, const char *key, double max, unsigned *out,
                      char msg[SBV_MSG_SIZE]) {
  double d;
  if (!sbv_in_num(input, key, &d, msg)) return false;
  if (d < 0 || d > max || d != floor(d)) {
    snprintf(msg, SBV_MSG_SIZE, "input.%s: not an integer from 0 to %.0f", key, max);
    return false;
  }
  *out = (unsigned)d;
  return true;
}

SBV_OP_FN(sbv_op_sbp_frame_encode) {
  sb_sbp_frame f;
  memset(&f, 0, sizeof f);
  unsigned kind, v;
  unsigned char *a = NULL, *b = NULL;
  size_t alen = 0, blen = 0;
  const char *text;
  int status = -1;
  if (!small_int(input, "kind", 255, &kind, msg) ||
      !sbv_in_hex_exact(input, "frameId", f.frame_id, sizeof f.frame_id, msg))
    goto done;
  f.kind = (uint8_t)kind;
  if (cJSON_GetObjectItemCaseSensitive(input, "timestamp")) {
    long long ts;
    if (!sbv_in_i64(input, "timestamp", &ts, msg)) goto done;
    f.has_timestamp = true;
    f.flags = SB_SBP_FLAG_TIMESTAMP;
    f.timestamp_ms = ts;
  }
  switch (f.kind) {
    case SB_SBP_KIND_CONTROL:
      if (!small_int(input, "op", 255, &v, msg) || !opt_hex(input, "data", &a, &alen, msg)) goto done;
      f.control.op = (uint8_t)v;
      f.control.data = a;
      f.control.data_len = alen;
      break;
    case SB_SBP_KIND_MESSAGE:
      if (!sbv_in_str(input, "subject", &text, msg) || !opt_hex(input, "data", &a, &alen, msg))
        goto done;
      f.message.subject = (const uint8_t *)text;
      f.message.subject_len = strlen(text);
      f.message.data = a;
      f.message.data_len = alen;
      break;
    case SB_SBP_KIND_ACK:
      if (!sbv_in_hex_exact(input, "ackFrameId", f.ack.ack_frame_id, 16, msg)) goto done;
      break;
    case SB_SBP_KIND_ERROR:
      if (!small_int(input, "code", 65535, &v, msg) || !sbv_in_str(input, "message", &text, msg) ||
          !opt_hex(input, "details", &b, &blen, msg))
        goto done;
      f.error.code = (uint16_t)v;
      f.error.message = (const uint8_t *)text;
      f.error.message_len = strlen(text);
      f.error.details = b;
      f.error.details_len = blen;
      break;
    default: break; /* the encoder refuses the kind */
  }
  size_t need = 0;
  int rc = sb_sbp_frame_encode(&f, NULL, 0, &need);
  unsigned char *frame = rc == SB_ERR_BUF ? malloc(need ? need : 1) : NULL;
  if (frame) rc = sb_sbp_frame_encode(&f, frame, need, &need);
  if (rc != SB_OK) {
    sbv_invalid_code(out, rc, sb_err_proto_code(rc));
  } else {
    sbv_valid(out, sbv_out_hex(cJSON_CreateObject(), "frame", frame, need));
  }
  free(frame);
  status = 0;
done:
  free(a);
  free(b);
  return status;
}

SBV_OP_FN(sbv_op_sbp_handshake_decode) {
  unsigned char *buf;
  size_t len;
  if (!sbv_in_hex(input, "payload", &buf, &len, msg)) return -1;
  sb_sbp_handshake hs;
  int rc = sb_sbp_handshake_decode(buf, len, &hs);
  free(buf);
  if (rc != SB_OK && !sb_err_proto_code(rc)) {
    /* SB_ERR_JSON_NUL: a string holding U+0000, which the decoded struct
     * cannot hold; legal JSON, so unsupported rather than invalid (E-SBP-9). */
    out->result = SBV_UNSUPPORTED;
    out->err = rc;
    return 0;
  }
  if (rc != SB_OK) {
    sbv_invalid_code(out, rc, sb_err_proto_code(rc));
    return 0;
  }
  cJSON *o = cJSON_CreateObject();
  cJSON_AddStringToObject(o, "protocol", hs.protocol);
  cJSON_AddStringToObject(o, "version", hs.version);
  cJSON_AddStringToObject(o, "peerId", hs.peer_id);
  /* Absent (or ill-typed, which upstream ignores) caps and metadata read as
   * empty, as the reference negotiator always sends both. */
  cJSON_AddItemToObject(o, "caps", hs.caps ? cJSON_Duplicate(hs.caps, 1) : cJSON_CreateArray());
  cJSON_AddItemToObject(o, "metadata",
                        hs.metadata ? cJSON_Duplicate(hs.metadata, 1) : cJSON_CreateObject());
  sb_sbp_handshake_free(&hs);
  sbv_valid(out, o);
  return 0;
}

SBV_OP_FN(sbv_op_sbp_error_info) {
  double code;
  if (!sbv_in_num(input, "code", &code, msg)) return -1;
  if (code < 0 || code > 65535 || code != floor(code)) {
    snprintf(msg, SBV_MSG_SIZE, "input.code: not an integer from 0 to 65535");
    return -1;
  }
  const sb_sbp_errors_info *info = sb_sbp_errors_lookup((uint32_t)code);
  cJSON *o = cJSON_CreateObject();
  cJSON_AddBoolToObject(o, "known", info != NULL);
  if (info) cJSON_AddStringToObject(o, "name", info->name);
  /* Documented fatality (sbp.md 7), lower-case: fatal, contextual, non-fatal. */
  const char *f = "unknown";
  switch (sb_sbp_errors_fatality((uint32_t)code)) {
    case SB_SBP_FATAL: f = "fatal"; break;
    case SB_SBP_CONTEXTUAL: f = "contextual"; break;
    case SB_SBP_NON_FATAL: f = "non-fatal"; break;
    default: break;
  }
  if (info) cJSON_AddStringToObject(o, "fatality", f);
  cJSON_AddStringToObject(o, "owner", sb_sbp_errors_range_name(sb_sbp_errors_range((uint32_t)code)));
  sbv_valid(out, o);
  return 0;
}
