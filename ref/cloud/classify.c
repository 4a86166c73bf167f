#include "cloud/classify.h"

#include <stdio.h>

#include "common/error.h"
#include "sbrp/control.h"

sb_cloud_verdict sb_cloud_classify_api_status(unsigned status) {
  switch (status) {
    case 400: case 401: case 403: case 404: return SB_CLOUD_FATAL;
    default: return SB_CLOUD_RETRYABLE;
  }
}

sb_cloud_verdict sb_cloud_classify_sbrp(unsigned code) {
  const sb_sbrp_ctrl_info *row = code <= 0xFFFFu ? sb_sbrp_control_lookup((uint16_t)code) : NULL;
  if (!row) return SB_CLOUD_RETRYABLE;
  return row->sdk == SB_SBRP_CTRL_SDK_FATAL ? SB_CLOUD_FATAL : SB_CLOUD_RETRYABLE;
}

sb_cloud_verdict sb_cloud_classify(sb_cloud_mode mode, sb_cloud_error err) {
  switch (err.kind) {
    case SB_CLOUD_ERROR_API:
      /* Quick Connect: the server burns the code before it looks at the
       * daemon, so a 409 can never succeed on retry (CLOUD-041, CLOUD-050). */
      if (mode == SB_CLOUD_MODE_QUICK_CONNECT && err.code == 409) return SB_CLOUD_FATAL;
      return sb_cloud_classify_api_status(err.code);
    case SB_CLOUD_ERROR_INVALID_STATE: return SB_CLOUD_FATAL;
    case SB_CLOUD_ERROR_SBRP: return sb_cloud_classify_sbrp(err.code);
    case SB_CLOUD_ERROR_NONE:
    case SB_CLOUD_ERROR_ABORT:
    case SB_CLOUD_ERROR_OTHER: break;
  }
  return SB_CLOUD_RETRYABLE;
}

bool sb_cloud_terminal_unwraps(sb_cloud_mode mode, sb_cloud_error cause, bool upstream_reading) {
  if (cause.kind != SB_CLOUD_ERROR_API) return false;
  if (upstream_reading) return sb_cloud_classify_api_status(cause.code) == SB_CLOUD_FATAL;
  return sb_cloud_classify(mode, cause) == SB_CLOUD_FATAL;
}

sb_cloud_error sb_cloud_error_from_err(int err) {
  if (err == SB_OK) return SB_CLOUD_NO_ERROR;
  if (err == SB_ERR_STATE) return SB_CLOUD_INVALID_STATE;
  if (err == SB_ERR_AUTH_PEEK_DID || err == SB_ERR_AUTH_DID_MISMATCH) return SB_CLOUD_API_ERROR(400);
  bool sbrp_range = err <= -400 && err > -500;
  if (sbrp_range || err == SB_ERR_AUTH_PEEK_SID) {
    unsigned code = sb_err_proto_code(err);
    if (code && code <= 0xFFFFu && sb_sbrp_control_lookup((uint16_t)code))
      return SB_CLOUD_SBRP_ERROR(code);
  }
  return SB_CLOUD_OTHER_ERROR;
}

const char *sb_cloud_error_describe(sb_cloud_error err, char *out, size_t cap) {
  if (!out || cap == 0) return out;
  const sb_sbrp_ctrl_info *row = NULL;
  switch (err.kind) {
    case SB_CLOUD_ERROR_NONE: snprintf(out, cap, "none"); break;
    case SB_CLOUD_ERROR_API: snprintf(out, cap, "CloudApiError(%u)", err.code); break;
    case SB_CLOUD_ERROR_INVALID_STATE: snprintf(out, cap, "PeerError(InvalidState)"); break;
    case SB_CLOUD_ERROR_SBRP:
      row = err.code <= 0xFFFFu ? sb_sbrp_control_lookup((uint16_t)err.code) : NULL;
      if (row) snprintf(out, cap, "SbrpError(%s)", row->name);
      else snprintf(out, cap, "SbrpError(0x%04x)", err.code);
      break;
    case SB_CLOUD_ERROR_ABORT: snprintf(out, cap, "AbortError"); break;
    case SB_CLOUD_ERROR_OTHER: snprintf(out, cap, "Error"); break;
  }
  return out;
}
