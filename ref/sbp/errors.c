#include "sbp/errors.h"

#include <string.h>

#include "common/error.h"

/* error-codes.md for names and fatality; errors.md for the WebSocket close
 * codes; packages/runtime/src/negotiators/sbp.ts for negotiator_fatal. */
static const sb_sbp_errors_info sbp_codes[] = {
    {SB_SBP_CODE_PROTOCOL_VIOLATION, "ProtocolViolation", SB_SBP_FATAL, true, 1002},
    {SB_SBP_CODE_UNSUPPORTED_VERSION, "UnsupportedVersion", SB_SBP_FATAL, true, 1003},
    {SB_SBP_CODE_INVALID_FRAME, "InvalidFrame", SB_SBP_CONTEXTUAL, false, 1002},
    {SB_SBP_CODE_UNSUPPORTED_FEATURE, "UnsupportedFeature", SB_SBP_NON_FATAL, false, 0},
    {SB_SBP_CODE_APPLICATION_ERROR, "ApplicationError", SB_SBP_NON_FATAL, false, 0},
};

const sb_sbp_errors_info *sb_sbp_errors_lookup(uint32_t code) {
  for (size_t i = 0; i < SB_ARRAY_LEN(sbp_codes); i++)
    if (sbp_codes[i].code == code) return &sbp_codes[i];
  return NULL;
}

unsigned sb_sbp_errors_count(void) { return (unsigned)SB_ARRAY_LEN(sbp_codes); }

const sb_sbp_errors_info *sb_sbp_errors_at(unsigned i) {
  return i < SB_ARRAY_LEN(sbp_codes) ? &sbp_codes[i] : NULL;
}

sb_sbp_fatality sb_sbp_errors_fatality(uint32_t code) {
  const sb_sbp_errors_info *info = sb_sbp_errors_lookup(code);
  if (info) return info->fatality;
  return sb_sbp_errors_range(code) == SB_SBP_RANGE_APPLICATION ? SB_SBP_NON_FATAL
                                                               : SB_SBP_FATALITY_UNKNOWN;
}

const char *sb_sbp_errors_fatality_name(sb_sbp_fatality fatality) {
  switch (fatality) {
    case SB_SBP_FATAL: return "Fatal";
    case SB_SBP_CONTEXTUAL: return "Contextual";
    case SB_SBP_NON_FATAL: return "Non-fatal";
    default: return "Unknown";
  }
}

bool sb_sbp_errors_negotiator_fatal(uint32_t code) {
  const sb_sbp_errors_info *info = sb_sbp_errors_lookup(code);
  return info && info->negotiator_fatal;
}

sb_sbp_code_range sb_sbp_errors_range(uint32_t code) {
  if (code < 1000) return SB_SBP_RANGE_UNASSIGNED;
  if (code < 1100) return SB_SBP_RANGE_SBP;
  if (code < 1200) return SB_SBP_RANGE_RPC;
  if (code < 2000) return SB_SBP_RANGE_RESERVED;
  return SB_SBP_RANGE_APPLICATION;
}

const char *sb_sbp_errors_range_name(sb_sbp_code_range range) {
  switch (range) {
    case SB_SBP_RANGE_UNASSIGNED: return "unassigned";
    case SB_SBP_RANGE_SBP: return "sbp";
    case SB_SBP_RANGE_RPC: return "rpc";
    case SB_SBP_RANGE_RESERVED: return "reserved";
    case SB_SBP_RANGE_APPLICATION: return "application";
    default: return NULL;
  }
}

/* The message text the documents fix for an outcome, or NULL. */
static const char *documented_message(int err) {
  switch (err) {
    case SB_ERR_SBP_SUBJECT_EMPTY:
    case SB_ERR_SBP_SUBJECT_NUL:
    case SB_ERR_SBP_SUBJECT_TOO_LONG:
    case SB_ERR_SBP_SUBJECT_UTF8:
    case SB_ERR_SBP_SUBJECT_NAMESPACE: return "Invalid subject namespace";
    /* behavior.md still says "stream/" (the old prefix model); the exact
     * `stream` channel is what the router names (errata E-SBP-8). */
    case SB_ERR_SBP_SUBJECT_RESERVED: return "Unsupported feature: stream";
    default: return NULL;
  }
}

int sb_sbp_errors_frame(int err, const uint8_t id[SB_SBP_FRAME_ID_BYTES], sb_sbp_frame *out) {
  if (!id || !out) return SB_ERR_ARG;
  const sb_err_info *info = sb_err_lookup(err);
  /* Only rows of the SBP section whose outcome is an SBP ErrorFrame code. */
  if (!info || err > -100 || err <= -200 ||
      sb_sbp_errors_range(info->proto_code) != SB_SBP_RANGE_SBP)
    return SB_ERR_ARG;
  const char *text = documented_message(err);
  if (!text) text = info->text;
  memset(out, 0, sizeof *out);
  out->kind = SB_SBP_KIND_ERROR;
  memcpy(out->frame_id, id, SB_SBP_FRAME_ID_BYTES);
  out->error.code = (uint16_t)info->proto_code;
  out->error.message = (const uint8_t *)text;
  out->error.message_len = strlen(text);
  return SB_OK;
}
