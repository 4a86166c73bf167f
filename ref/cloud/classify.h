/*
 * What can go wrong around a cloud connection attempt, and whether the SDK
 * tries again (cloud.md section 3.4; api.ts classifyApiError, connect.ts
 * CloudClientNegotiator.classifyError, classify.ts classifySbrpError).
 *
 * Errors are a small tagged value, not an sb_err: they are protocol outcomes
 * the model reports (a CloudApiError with an HTTP status, an SbrpError with
 * a Control or endpoint code, the runtime's PeerError(InvalidState), or any
 * other failure such as a network error), and the verdict is what the peer
 * runtime does with them: stop for good (fatal) or back off and retry.
 */
#ifndef SB_CLOUD_CLASSIFY_H
#define SB_CLOUD_CLASSIFY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum sb_cloud_error_kind {
  SB_CLOUD_ERROR_NONE = 0,
  SB_CLOUD_ERROR_API,           /* CloudApiError; `code` is its HTTP status */
  SB_CLOUD_ERROR_INVALID_STATE, /* PeerError(InvalidState) */
  SB_CLOUD_ERROR_SBRP,          /* SbrpError; `code` is the Control / 0xE0xx code */
  SB_CLOUD_ERROR_ABORT,         /* AbortError (listen() aborted by its signal) */
  SB_CLOUD_ERROR_OTHER          /* network or transport failure, getAccessToken threw,
                                   a malformed control-plane answer (a TypeError upstream) */
} sb_cloud_error_kind;

typedef struct sb_cloud_error {
  sb_cloud_error_kind kind;
  unsigned code;
} sb_cloud_error;

/* Constructors, for readable call sites. */
#define SB_CLOUD_NO_ERROR ((sb_cloud_error){SB_CLOUD_ERROR_NONE, 0})
#define SB_CLOUD_API_ERROR(status) ((sb_cloud_error){SB_CLOUD_ERROR_API, (unsigned)(status)})
#define SB_CLOUD_SBRP_ERROR(code) ((sb_cloud_error){SB_CLOUD_ERROR_SBRP, (unsigned)(code)})
#define SB_CLOUD_INVALID_STATE ((sb_cloud_error){SB_CLOUD_ERROR_INVALID_STATE, 0})
#define SB_CLOUD_OTHER_ERROR ((sb_cloud_error){SB_CLOUD_ERROR_OTHER, 0})

typedef enum sb_cloud_verdict { SB_CLOUD_RETRYABLE = 0, SB_CLOUD_FATAL } sb_cloud_verdict;

/* The two auth modes of connect() (CLOUD-010). */
typedef enum sb_cloud_mode { SB_CLOUD_MODE_ACCOUNT = 0, SB_CLOUD_MODE_QUICK_CONNECT } sb_cloud_mode;

/* classifyApiError: 400, 401, 403 and 404 are fatal, every other status
 * (409, 429, 5xx, anything) retryable (CLOUD-040). */
sb_cloud_verdict sb_cloud_classify_api_status(unsigned status);

/* classifySbrpError for an SbrpError code (sbrp/control.h table, column
 * SDK). A code the table does not know is retryable: upstream cannot build
 * an SbrpError from it and the plain Error it throws falls to "retryable". */
sb_cloud_verdict sb_cloud_classify_sbrp(unsigned code);

/* CloudClientNegotiator.classifyError (CLOUD-040/041, section 3.4):
 * CloudApiError by status, except 409 which is fatal in Quick Connect mode;
 * InvalidState fatal; SbrpError per sb_cloud_classify_sbrp; everything else
 * (OTHER, and NONE/ABORT which never reach it) retryable. */
sb_cloud_verdict sb_cloud_classify(sb_cloud_mode mode, sb_cloud_error err);

/* How connect() reports a terminal failure through onUnhandledError
 * (CLOUD-015): true if the CloudApiError itself is passed (unwrapped), false
 * if the wrapping PeerError is. Documented reading: unwrapped whenever the
 * cause is a CloudApiError that is fatal in this mode (so a Quick Connect
 * 409 too). `upstream_reading`: connect.ts, which asks classifyApiError and
 * so wraps a Quick Connect 409 (errata E-CLOUD-3). */
bool sb_cloud_terminal_unwraps(sb_cloud_mode mode, sb_cloud_error cause, bool upstream_reading);

/* The cloud error an sb_err from another layer stands for: SB_ERR_STATE ->
 * InvalidState; SBRP errors and the client's sid peek -> SbrpError with
 * their Control / endpoint code; the daemon's did peek and a daemonId
 * mismatch -> CloudApiError(400); anything else -> OTHER. */
sb_cloud_error sb_cloud_error_from_err(int err);

/* "CloudApiError(401)", "SbrpError(daemon_offline)", "PeerError(InvalidState)",
 * "AbortError", "Error" or "none" into `out` (NUL-terminated, truncated to
 * `cap`); returns `out`. */
const char *sb_cloud_error_describe(sb_cloud_error err, char *out, size_t cap);

#endif
