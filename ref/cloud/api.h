/*
 * The control-plane API as the SDK speaks it (cloud.md section 2): tRPC
 * mutations over HTTP, the request and response bodies, and how a response
 * becomes either the procedure's output or a CloudApiError(status)
 * (section 2.2) -- the table the model server and every client decision
 * rely on.
 *
 * Requests and responses are plain values with their own buffers, so a
 * driver can queue, delay, trace or corrupt them. Parsing uses cJSON (which
 * allocates): a mapped result owns its tree until sb_cloud_api_result_free.
 */
#ifndef SB_CLOUD_API_H
#define SB_CLOUD_API_H

#include <cJSON.h>
#include <stdbool.h>
#include <stddef.h>

#include "cloud/classify.h"
#include "common/config.h"

#define SB_CLOUD_DEFAULT_API_URL "https://api.sideband.cloud"
#define SB_CLOUD_DEFAULT_RELAY_URL "wss://relay.sideband.cloud"
#define SB_CLOUD_TRPC_PATH "/api/trpc/" /* POST <api>/api/trpc/<procedure> (CLOUD-001) */

/* Procedures (section 2.3). The daemon-side Quick Connect creation call has
 * no name in the stored code (CO-2); this one is ours (errata E-CLOUD-6). */
#define SB_CLOUD_PROC_CREATE_SESSION "relay.createSession"
#define SB_CLOUD_PROC_REDEEM "quickConnect.redeem"
#define SB_CLOUD_PROC_RENEW_TOKEN "daemon.renewToken"
#define SB_CLOUD_PROC_CREATE_QC "quickConnect.create"

#define SB_CLOUD_PROCEDURE_MAX 64u
#define SB_CLOUD_CREDENTIAL_MAX 4096u     /* bearer credentials: access tokens, API keys */
#define SB_CLOUD_REQUEST_BODY_MAX 2048u
#define SB_CLOUD_RESPONSE_BODY_MAX 8192u
#define SB_CLOUD_MESSAGE_MAX 256u

/* One POST to the control plane. */
typedef struct sb_cloud_request {
  char procedure[SB_CLOUD_PROCEDURE_MAX];
  bool has_bearer; /* send "Authorization: Bearer <bearer>" */
  char bearer[SB_CLOUD_CREDENTIAL_MAX + 1];
  char body[SB_CLOUD_REQUEST_BODY_MAX]; /* JSON text, NUL-terminated */
  size_t body_len;
} sb_cloud_request;

/* Build a request: the body is `input` itself (the newest SDK, changeset
 * cloud-trpc-body-fix) or {"json": input} when `wrap_json` (the stored
 * api.ts) (CLOUD-002). `input` NULL means JSON null. `bearer` NULL: no
 * Authorization header. SB_ERR_ARG for a procedure or bearer that does not
 * fit, SB_ERR_BUF for a body over SB_CLOUD_REQUEST_BODY_MAX, SB_ERR_NOMEM. */
SB_NODISCARD int sb_cloud_request_build(sb_cloud_request *req, const char *procedure,
                                        const char *bearer, const cJSON *input, bool wrap_json);

/* Server side: parse a request body and find the procedure input, taking
 * both shapes (CLOUD-002): an object whose only member is "json" is the
 * wrapped form, anything else is the raw input; an empty body is null.
 * `*tree` gets the parse tree (free with cJSON_Delete) and `*input` points
 * into it. SB_ERR_JSON (or SB_ERR_JSON_NUL, SB_ERR_NOMEM) if the body is
 * not JSON. */
SB_NODISCARD int sb_cloud_request_input(const char *body, size_t len, cJSON **tree,
                                        const cJSON **input);

/* What came back: a network failure (fetch threw, no response), or an HTTP
 * status and body. */
typedef struct sb_cloud_http_response {
  bool network_error;
  int status;
  char body[SB_CLOUD_RESPONSE_BODY_MAX]; /* NUL-terminated */
  size_t body_len;
} sb_cloud_http_response;

/* Fill `resp` with HTTP 200 and {"result":{"data":<data>}} (CLOUD-003);
 * `data` NULL means JSON null. SB_ERR_BUF if the body does not fit,
 * SB_ERR_NOMEM. */
SB_NODISCARD int sb_cloud_response_success(sb_cloud_http_response *resp, const cJSON *data);

/* Fill `resp` with HTTP `http_status` and the tRPC error body
 * {"error":{"message":<message>,"data":{"code":<trpc_code>}}} (CLOUD-004).
 * SB_ERR_ARG for a status outside 100..599 or NULL texts; SB_ERR_BUF. */
SB_NODISCARD int sb_cloud_response_error(sb_cloud_http_response *resp, int http_status,
                                         const char *trpc_code, const char *message);

/* Fill `resp` with a network failure (no status, no body). */
void sb_cloud_response_network_error(sb_cloud_http_response *resp);

/* Fill `resp` with HTTP `http_status` and the raw body bytes (a captive
 * portal page, a truncated answer...). SB_ERR_BUF if they do not fit. */
SB_NODISCARD int sb_cloud_response_raw(sb_cloud_http_response *resp, int http_status,
                                       const char *body, size_t len);

/* The CloudApiError status of a tRPC error code inside a 2xx body
 * (section 2.2): UNAUTHORIZED 401, FORBIDDEN 403, NOT_FOUND 404,
 * BAD_REQUEST 400, CONFLICT 409, anything else (NULL included) 500. */
unsigned sb_cloud_trpc_status(const char *trpc_code);

/* The tRPC code a server names for an HTTP status: 400 BAD_REQUEST, 401
 * UNAUTHORIZED, 403 FORBIDDEN, 404 NOT_FOUND, 409 CONFLICT, 429
 * TOO_MANY_REQUESTS, anything else INTERNAL_SERVER_ERROR. */
const char *sb_cloud_trpc_code(unsigned http_status);

/* A response as the SDK reads it (section 2.2, api.ts trpcMutation). */
typedef struct sb_cloud_api_result {
  sb_cloud_error error;   /* NONE on success, API(status) or OTHER (network) */
  const cJSON *data;      /* success: result.data (points into the owned tree) */
  char message[SB_CLOUD_MESSAGE_MAX]; /* the error text the SDK would build, truncated */
  cJSON *tree_;           /* owned */
} sb_cloud_api_result;

/* Map `resp` (CLOUD-003, CLOUD-004, section 2.2):
 *   network failure               -> OTHER (not a CloudApiError)
 *   HTTP outside 200..299         -> API(that status)
 *   2xx, body not JSON            -> API(500)
 *   2xx, truthy "error" member    -> API(sb_cloud_trpc_status(error.data.code))
 *   2xx, no result.data member    -> API(500) (JSON null body included, E-CLOUD-1)
 *   otherwise                     -> success, `data` = result.data (may be null)
 * Returns 0 (the outcome is in `out`), SB_ERR_ARG or SB_ERR_NOMEM. Free
 * with sb_cloud_api_result_free. */
SB_NODISCARD int sb_cloud_api_result_map(const sb_cloud_http_response *resp,
                                         sb_cloud_api_result *out);

/* Release the tree of a mapped result; safe on a zeroed struct. */
void sb_cloud_api_result_free(sb_cloud_api_result *r);

/* String member `key` of the success data, or NULL if data is not an object
 * or the member is missing or not a string. */
const char *sb_cloud_api_data_string(const sb_cloud_api_result *r, const char *key);

#endif
