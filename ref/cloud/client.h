/*
 * The cloud client's side of a connection attempt (cloud.md section 3,
 * connect.ts CloudClientNegotiator): what `connect()` does before and at
 * the start of every attempt the peer runtime makes, as a small sans-I/O
 * machine. The driver performs the asynchronous steps and feeds back what
 * happened:
 *
 *   sb_cloud_client_begin          start an attempt (step 1: clear the token)
 *     -> GET_ACCESS_TOKEN          account: call getAccessToken()
 *        sb_cloud_client_access_token(token or NULL if it threw)
 *     -> CALL                      POST `request` to the control plane
 *        sb_cloud_client_response(the HTTP response)
 *     -> OPEN                      open the WebSocket at `endpoint`, then
 *        sb_cloud_client_negotiate  the parameters of the relay handshake
 *     -> FAIL                      the attempt failed: `error`, and `verdict`
 *                                  (fatal: the peer stops; retryable: the
 *                                  runtime backs off and begins again)
 *
 * Account mode calls getAccessToken and relay.createSession on every attempt
 * (a fresh sid each time, CLOUD-021/022); Quick Connect redeems its code
 * once, latches "redeemed" only on success, and fails any later attempt with
 * PeerError(InvalidState), fatal (CLOUD-052/053).
 */
#ifndef SB_CLOUD_CLIENT_H
#define SB_CLOUD_CLIENT_H

#include <stdbool.h>
#include <stdint.h>

#include "auth/token.h"
#include "cloud/api.h"
#include "cloud/classify.h"
#include "cloud/pins.h"
#include "cloud/trust.h"
#include "cloud/url.h"
#include "common/config.h"
#include "peer/backoff.h"

#define SB_CLOUD_QC_CODE_MAX 255u

typedef struct sb_cloud_client_config {
  /* Account mode: both. */
  const char *daemon_id;
  bool has_access_token_provider; /* a getAccessToken callback exists */
  /* Quick Connect mode: the code alone. */
  const char *quick_connect_code;
  bool has_identity_key_store;    /* required in both modes (CLOUD-011) */
  const char *trust_policy;       /* NULL = "auto"; "prompt", "pinned-only" */
  sb_cloud_trust_callbacks callbacks;
  bool wrap_json_body;            /* send {"json": input} as the stored api.ts does */
  sb_auth_peek_mode peek;         /* how the sid is read from the token (AUTH-060/062) */
} sb_cloud_client_config;

typedef enum sb_cloud_client_step_kind {
  SB_CLOUD_CLIENT_GET_ACCESS_TOKEN = 0,
  SB_CLOUD_CLIENT_CALL,
  SB_CLOUD_CLIENT_OPEN,
  SB_CLOUD_CLIENT_FAIL
} sb_cloud_client_step_kind;

typedef struct sb_cloud_client_step {
  sb_cloud_client_step_kind kind;
  const sb_cloud_request *request; /* CALL; lives in the machine until its next call */
  const char *endpoint;            /* OPEN; relayUrl with token=<session token> */
  sb_cloud_error error;            /* FAIL */
  sb_cloud_verdict verdict;        /* FAIL */
} sb_cloud_client_step;

/* What the relay handshake of this attempt runs with (CLOUD-025/026). */
typedef struct sb_cloud_negotiation {
  const char *daemon_id;     /* account: configured; QC: from the redeem answer */
  const char *session_token; /* the token of this attempt */
  uint64_t session_id;       /* its sid (AUTH-060) */
  sb_sbrp_trust trust;       /* the policy as it is now (CLOUD-031) */
  const sb_cloud_trust_callbacks *callbacks;
} sb_cloud_negotiation;

typedef enum sb_cloud_client_state {
  SB_CLOUD_CLIENT_IDLE = 0,
  SB_CLOUD_CLIENT_WAIT_ACCESS_TOKEN,
  SB_CLOUD_CLIENT_WAIT_RESPONSE,
  SB_CLOUD_CLIENT_READY /* endpoint known: open it and negotiate */
} sb_cloud_client_state;

/* The machine; treat as opaque (fields may change). */
typedef struct sb_cloud_client {
  sb_cloud_mode mode;
  char daemon_id[SB_CLOUD_DAEMON_ID_MAX + 1];          /* configured (account) */
  char resolved_daemon_id[SB_CLOUD_DAEMON_ID_MAX + 1]; /* from redeem (QC) */
  char code[SB_CLOUD_QC_CODE_MAX + 1];
  sb_sbrp_trust trust;
  sb_cloud_trust_callbacks callbacks;
  bool wrap_json_body;
  sb_auth_peek_mode peek;
  sb_cloud_client_state state;
  bool have_token;
  char session_token[SB_AUTH_TOKEN_MAX_CHARS + 1];
  bool qc_redeemed;
  uint32_t attempts;
  sb_cloud_request request;
  char endpoint[SB_CLOUD_URL_MAX + 1];
} sb_cloud_client;

/* Check and take a configuration: exactly one auth mode (account: daemon ID
 * and a getAccessToken; QC: a code, without either) (CLOUD-010); a key
 * store (CLOUD-011); a known trust policy, `prompt` with both callbacks
 * (CLOUD-012). SB_ERR_ARG otherwise (also for IDs over 255 bytes). */
SB_NODISCARD int sb_cloud_client_init(sb_cloud_client *c, const sb_cloud_client_config *cfg);

/* Start an attempt (CLOUD-020): clear the stored session token; account:
 * GET_ACCESS_TOKEN; QC: CALL quickConnect.redeem, or FAIL with
 * PeerError(InvalidState), fatal, once the code was redeemed (CLOUD-052). */
SB_NODISCARD int sb_cloud_client_begin(sb_cloud_client *c, sb_cloud_client_step *step);

/* getAccessToken's answer (CLOUD-021): the token -> CALL
 * relay.createSession with it as bearer; NULL (it threw) -> FAIL, other
 * error, retryable. SB_ERR_STATE unless the machine asked for it; SB_ERR_ARG
 * for a token over SB_CLOUD_CREDENTIAL_MAX. */
SB_NODISCARD int sb_cloud_client_access_token(sb_cloud_client *c, const char *token,
                                              sb_cloud_client_step *step);

/* The control plane's answer to the CALL: mapped as in cloud/api.h; an
 * error -> FAIL classified per mode (CLOUD-040/041); an answer without
 * string relayUrl and token (and daemonId for QC), or a relayUrl that is
 * not a URL -> FAIL, other error, retryable (E-CLOUD-5); else store the
 * token (QC: the daemon ID, and latch "redeemed", CLOUD-022/053) -> OPEN
 * with the endpoint (CLOUD-023). SB_ERR_STATE unless a CALL is pending;
 * SB_ERR_NOMEM. */
SB_NODISCARD int sb_cloud_client_response(sb_cloud_client *c, const sb_cloud_http_response *resp,
                                          sb_cloud_client_step *step);

/* The parameters of the relay handshake (CLOUD-025/026): SB_ERR_STATE
 * (PeerError InvalidState) if no session token is stored;
 * SB_ERR_AUTH_PEEK_SID (handshake_failed) if the token has no usable sid.
 * Strings in `out` point into the machine. */
SB_NODISCARD int sb_cloud_client_negotiate(const sb_cloud_client *c, sb_cloud_negotiation *out);

/* Change the trust policy used from the next negotiation on (the default is
 * computed anew each time, never cached: CLOUD-031). Same checks as init. */
SB_NODISCARD int sb_cloud_client_set_trust(sb_cloud_client *c, const char *trust_policy,
                                           const sb_cloud_trust_callbacks *cb);

/* classifyError of this client's mode (section 3.4). */
sb_cloud_verdict sb_cloud_client_classify(const sb_cloud_client *c, sb_cloud_error err);

/* true once a Quick Connect redeem succeeded. */
bool sb_cloud_client_qc_redeemed(const sb_cloud_client *c);

/* Peer defaults of connect() (CLOUD-013/014): onDisconnect "pause", and the
 * runtime retry policy (1 s doubling to 30 s, 5 retries, jitter 0.2) with
 * mode "on-error". Fields the user sets override these. */
typedef struct sb_cloud_peer_defaults {
  bool on_disconnect_pause; /* true: "pause"; bare createPeer uses "fail" */
  sb_peer_retry_policy retry;
} sb_cloud_peer_defaults;

/* Fill `out` with the connect() defaults above. */
void sb_cloud_client_peer_defaults(sb_cloud_peer_defaults *out);

#endif
