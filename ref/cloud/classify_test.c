#include "cloud/classify.h"

#include <string.h>

#include "common/error.h"
#include "sbrp/control.h"
#include "test/sbt.h"

static void classify_api_status_fatal_only_for_400_401_403_404(void) {
  /* CLOUD-040: 400/401/403/404 stop, 429, 5xx and every other status retry. */
  for (unsigned s = 100; s < 600; s++) {
    bool fatal = s == 400 || s == 401 || s == 403 || s == 404;
    SBT_CHECK((sb_cloud_classify_api_status(s) == SB_CLOUD_FATAL) == fatal, "status %u", s);
    SBT_CHECK((sb_cloud_classify(SB_CLOUD_MODE_ACCOUNT, SB_CLOUD_API_ERROR(s)) == SB_CLOUD_FATAL) ==
                  fatal,
              "account, status %u", s);
    bool qc_fatal = fatal || s == 409;
    SBT_CHECK((sb_cloud_classify(SB_CLOUD_MODE_QUICK_CONNECT, SB_CLOUD_API_ERROR(s)) ==
               SB_CLOUD_FATAL) == qc_fatal,
              "quick connect, status %u", s);
  }
}

static void classify_409_fatal_for_quick_connect_retryable_for_accounts(void) {
  /* CLOUD-041 */
  SBT_CHECK(sb_cloud_classify(SB_CLOUD_MODE_ACCOUNT, SB_CLOUD_API_ERROR(409)) == SB_CLOUD_RETRYABLE,
            "account 409 retryable (ghost-socket collision)");
  SBT_CHECK(sb_cloud_classify(SB_CLOUD_MODE_QUICK_CONNECT, SB_CLOUD_API_ERROR(409)) ==
                SB_CLOUD_FATAL,
            "quick connect 409 fatal (code burned)");
  /* api.ts classifyApiError alone does not know the mode */
  SBT_CHECK(sb_cloud_classify_api_status(409) == SB_CLOUD_RETRYABLE, "classifyApiError(409)");
}

static void classify_sbrp_errors_as_classify_ts(void) {
  /* CLOUD-042, CLOUD-043: Control codes seen in the handshake or the
   * session are SbrpErrors classified by classifySbrpError (section 3.4). */
  static const char *const fatal[] = {
      "identity_key_changed", "handshake_failed",  "decrypt_failed",   "sequence_error",
      "unauthorized",         "forbidden",         "daemon_not_found", "session_not_found",
      "session_expired",      "malformed_frame",   "payload_too_large", "invalid_frame_type",
      "invalid_session_id",   "disallowed_sender"};
  static const char *const retryable[] = {
      "daemon_offline",  "rate_limited",    "backpressure",    "internal_error", "handshake_timeout",
      "session_paused",  "session_resumed", "session_ended",   "session_pending"};
  for (int mode = 0; mode < 2; mode++) {
    for (size_t i = 0; i < SB_ARRAY_LEN(fatal); i++) {
      const sb_sbrp_ctrl_info *row = sb_sbrp_control_by_name(fatal[i]);
      SBT_CHECK(row != NULL, "%s known", fatal[i]);
      if (!row) continue;
      SBT_CHECK(sb_cloud_classify((sb_cloud_mode)mode, SB_CLOUD_SBRP_ERROR(row->code)) ==
                    SB_CLOUD_FATAL,
                "%s fatal", fatal[i]);
    }
    for (size_t i = 0; i < SB_ARRAY_LEN(retryable); i++) {
      const sb_sbrp_ctrl_info *row = sb_sbrp_control_by_name(retryable[i]);
      SBT_CHECK(row != NULL, "%s known", retryable[i]);
      if (!row) continue;
      SBT_CHECK(sb_cloud_classify((sb_cloud_mode)mode, SB_CLOUD_SBRP_ERROR(row->code)) ==
                    SB_CLOUD_RETRYABLE,
                "%s retryable", retryable[i]);
    }
  }
  /* the two lists cover the whole table */
  SBT_EQ_U64(SB_ARRAY_LEN(fatal) + SB_ARRAY_LEN(retryable), sb_sbrp_control_count());
}

static void classify_unknown_sbrp_code_is_retryable(void) {
  /* E-CLOUD-2: upstream cannot map an unknown wire code to an SbrpError; the
   * plain Error falls to "retryable". */
  SBT_CHECK(sb_cloud_classify_sbrp(0x0999) == SB_CLOUD_RETRYABLE, "0x0999");
  SBT_CHECK(sb_cloud_classify_sbrp(0xE0FF) == SB_CLOUD_RETRYABLE, "0xE0FF");
  SBT_CHECK(sb_cloud_classify_sbrp(0x10000) == SB_CLOUD_RETRYABLE, "out of range");
}

static void classify_invalid_state_fatal_and_everything_else_retryable(void) {
  /* CLOUD-052 (InvalidState is fatal); section 3.4 last row: transport and
   * network errors and a throwing getAccessToken retry. */
  for (int mode = 0; mode < 2; mode++) {
    SBT_CHECK(sb_cloud_classify((sb_cloud_mode)mode, SB_CLOUD_INVALID_STATE) == SB_CLOUD_FATAL,
              "InvalidState fatal");
    SBT_CHECK(sb_cloud_classify((sb_cloud_mode)mode, SB_CLOUD_OTHER_ERROR) == SB_CLOUD_RETRYABLE,
              "other retryable");
  }
}

static void terminal_failures_report_fatal_api_errors_unwrapped(void) {
  /* CLOUD-015: a fatal CloudApiError is passed to onUnhandledError itself,
   * other terminal failures as the wrapping PeerError. E-CLOUD-3: upstream
   * asks classifyApiError, so a Quick Connect 409 stays wrapped there. */
  SBT_CHECK(sb_cloud_terminal_unwraps(SB_CLOUD_MODE_ACCOUNT, SB_CLOUD_API_ERROR(401), false),
            "401 unwrapped");
  SBT_CHECK(!sb_cloud_terminal_unwraps(SB_CLOUD_MODE_ACCOUNT, SB_CLOUD_API_ERROR(503), false),
            "503 (retries exhausted) wrapped");
  SBT_CHECK(!sb_cloud_terminal_unwraps(SB_CLOUD_MODE_ACCOUNT, SB_CLOUD_SBRP_ERROR(0xE002), false),
            "SbrpError wrapped");
  SBT_CHECK(!sb_cloud_terminal_unwraps(SB_CLOUD_MODE_QUICK_CONNECT, SB_CLOUD_INVALID_STATE, false),
            "InvalidState wrapped");
  SBT_CHECK(sb_cloud_terminal_unwraps(SB_CLOUD_MODE_QUICK_CONNECT, SB_CLOUD_API_ERROR(409), false),
            "documents: QC 409 is a fatal CloudApiError, unwrapped");
  SBT_CHECK(!sb_cloud_terminal_unwraps(SB_CLOUD_MODE_QUICK_CONNECT, SB_CLOUD_API_ERROR(409), true),
            "upstream: QC 409 wrapped");
  SBT_CHECK(sb_cloud_terminal_unwraps(SB_CLOUD_MODE_QUICK_CONNECT, SB_CLOUD_API_ERROR(404), true),
            "upstream: 404 unwrapped");
}

static void errors_of_other_layers_map_to_cloud_errors(void) {
  /* AUTH-060 (sid peek -> handshake_failed), AUTH-061 (did peek and
   * mismatch -> CloudApiError(400)). */
  sb_cloud_error e = sb_cloud_error_from_err(SB_ERR_AUTH_PEEK_SID);
  SBT_CHECK(e.kind == SB_CLOUD_ERROR_SBRP && e.code == 0xE002, "peek sid -> handshake_failed");
  SBT_CHECK(sb_cloud_classify(SB_CLOUD_MODE_ACCOUNT, e) == SB_CLOUD_FATAL, "fatal");
  e = sb_cloud_error_from_err(SB_ERR_AUTH_PEEK_DID);
  SBT_CHECK(e.kind == SB_CLOUD_ERROR_API && e.code == 400, "peek did -> 400");
  e = sb_cloud_error_from_err(SB_ERR_AUTH_DID_MISMATCH);
  SBT_CHECK(e.kind == SB_CLOUD_ERROR_API && e.code == 400, "did mismatch -> 400");
  e = sb_cloud_error_from_err(SB_ERR_SBRP_IDENTITY_CHANGED);
  SBT_CHECK(e.kind == SB_CLOUD_ERROR_SBRP && e.code == 0xE001, "identity_key_changed");
  e = sb_cloud_error_from_err(SB_ERR_SBRP_HANDSHAKE_TIMEOUT);
  SBT_CHECK(e.kind == SB_CLOUD_ERROR_SBRP && e.code == 0xE003, "handshake_timeout");
  SBT_CHECK(sb_cloud_classify(SB_CLOUD_MODE_ACCOUNT, e) == SB_CLOUD_RETRYABLE, "timeout retries");
  e = sb_cloud_error_from_err(SB_ERR_STATE);
  SBT_CHECK(e.kind == SB_CLOUD_ERROR_INVALID_STATE, "InvalidState");
  SBT_CHECK(sb_cloud_error_from_err(SB_ERR_SBRP_STATE_LOST).kind == SB_CLOUD_ERROR_OTHER,
            "a Signal reason is no SbrpError code");
  SBT_CHECK(sb_cloud_error_from_err(SB_ERR_NOMEM).kind == SB_CLOUD_ERROR_OTHER, "other");
  SBT_CHECK(sb_cloud_error_from_err(SB_OK).kind == SB_CLOUD_ERROR_NONE, "none");
}

static void errors_describe_themselves(void) {
  char b[48];
  SBT_STR_EQ(sb_cloud_error_describe(SB_CLOUD_API_ERROR(409), b, sizeof b), "CloudApiError(409)");
  SBT_STR_EQ(sb_cloud_error_describe(SB_CLOUD_SBRP_ERROR(0x0202), b, sizeof b),
             "SbrpError(daemon_offline)");
  SBT_STR_EQ(sb_cloud_error_describe(SB_CLOUD_SBRP_ERROR(0x0999), b, sizeof b), "SbrpError(0x0999)");
  SBT_STR_EQ(sb_cloud_error_describe(SB_CLOUD_INVALID_STATE, b, sizeof b), "PeerError(InvalidState)");
  SBT_STR_EQ(sb_cloud_error_describe(SB_CLOUD_OTHER_ERROR, b, sizeof b), "Error");
  SBT_STR_EQ(sb_cloud_error_describe(SB_CLOUD_NO_ERROR, b, sizeof b), "none");
  SBT_STR_EQ(sb_cloud_error_describe(SB_CLOUD_API_ERROR(409), b, 6), "Cloud");
}

SBT_SUITE(cloud_classify, "cloud/classify",
          SBT_CASE(classify_api_status_fatal_only_for_400_401_403_404),
          SBT_CASE(classify_409_fatal_for_quick_connect_retryable_for_accounts),
          SBT_CASE(classify_sbrp_errors_as_classify_ts), SBT_CASE(classify_unknown_sbrp_code_is_retryable),
          SBT_CASE(classify_invalid_state_fatal_and_everything_else_retryable),
          SBT_CASE(terminal_failures_report_fatal_api_errors_unwrapped),
          SBT_CASE(errors_of_other_layers_map_to_cloud_errors), SBT_CASE(errors_describe_themselves))
