/*
 * A model of the control plane (`api.sideband.cloud`, cloud.md sections
 * 2-4 and 7) for the simulator: the state it keeps and the four procedures
 * the SDK calls, answering HTTP-shaped requests (cloud/api.h) with the
 * bodies and statuses the SDK maps to CloudApiError.
 *
 *   relay.createSession  Bearer <user access token>, {daemonId}
 *                        -> {relayUrl, token}: a client session token with a
 *                        fresh non-zero `sid` on every call (CLOUD-022, AUTH-053)
 *   quickConnect.redeem  no auth, {code} -> {relayUrl, token, daemonId};
 *                        consume-first: unknown/expired/used 404, daemon
 *                        offline 409 with the code burned (CLOUD-050/051)
 *   daemon.renewToken    Bearer <daemon API key>, null -> {presenceToken}:
 *                        1 h, did = sub = the daemon, scp has session:resume
 *                        iff the daemon is resumable (CLOUD-061/070)
 *   quickConnect.create  Bearer <daemon API key>, {ttlSeconds} ->
 *                        {code, url, expiresAt} (CLOUD-055/056; the name is
 *                        ours, CO-2)
 *
 * Tokens are real relay tokens (auth/token.h) signed with the model's
 * Ed25519 key; the relay model verifies them with sb_cloud_server_jwk.
 * Session IDs are distinct by construction: sid_n = mix(key + n) with a
 * bijective 64-bit mixer (the splitmix64 finaliser) and a key drawn from
 * the caller's rng, skipping the one n that maps to 0. So a sid is never
 * reissued, and sb_cloud_server_sid_issued answers for any sid in O(1): the
 * relay model refuses a reused sid with HTTP 409 (AUTH-053, AO-8).
 *
 * Fault hooks make the next matching call fail (HTTP status, network
 * failure, a non-JSON or data-less 2xx answer), optionally after the call
 * took effect (a lost response); daemons go offline and online.
 *
 * Sans-I/O: time is `now` (virtual microseconds; `epoch_unix_s` places 0 on
 * the Unix clock for token times), randomness the rng given at init.
 */
#ifndef SB_CLOUD_SERVER_H
#define SB_CLOUD_SERVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "auth/token.h"
#include "cloud/api.h"
#include "cloud/pins.h"
#include "common/config.h"
#include "common/rng.h"
#include "common/time.h"

#define SB_CLOUD_SERVER_MAX_USERS 16u
#define SB_CLOUD_SERVER_MAX_DAEMONS 16u
#define SB_CLOUD_SERVER_MAX_CODES 64u
#define SB_CLOUD_SERVER_MAX_FAULTS 16u
#define SB_CLOUD_SERVER_TEXT_MAX 255u /* user IDs, daemon IDs, API keys, access tokens, URLs */

#define SB_CLOUD_SESSION_TTL_MAX_S 120u  /* client session tokens: <= 2 min (auth.md, api.ts) */
#define SB_CLOUD_PRESENCE_TTL_S 3600u    /* presence tokens: 1 h */
#define SB_CLOUD_QC_TTL_MAX_S 300u       /* Quick Connect codes: <= 5 min (CLOUD-055) */
#define SB_CLOUD_QC_RATE_MAX 64u         /* largest per-minute creation limit the model keeps */
#define SB_CLOUD_QC_RATE_DEFAULT 10u     /* 10 codes per minute per daemon (CLOUD-055) */
#define SB_CLOUD_QC_CODE_BYTES 20u       /* 160 random bits, >= 128 (CLOUD-055, errata CI-8) */
#define SB_CLOUD_QC_CODE_CHARS 39u       /* 32 base32 characters in 8 groups of 4, '-' between */

typedef struct sb_cloud_server_config {
  uint8_t signing_seed[32]; /* the control plane's JWT key (Ed25519 seed) */
  const char *kid;          /* JOSE kid */
  const char *issuer;       /* iss */
  const char *region;       /* region claim, NULL for none */
  const char *relay_url;    /* relayUrl handed to clients */
  const char *app_url;      /* Quick Connect links are <app_url>/connect/<code> */
  int64_t epoch_unix_s;     /* Unix time at virtual time 0 */
  uint32_t session_ttl_s;   /* client session token lifetime, 1..120 */
  uint32_t qc_rate_limit;   /* codes per rolling minute per daemon, 1..64; 0 = no limit */
  /* 400/401/403/404/409 answered as HTTP 200 with the tRPC error in the
   * body (the shape of CLOUD-004 and the SDK's test mocks) instead of as
   * that HTTP status; both map to the same CloudApiError. 429 and 5xx are
   * always HTTP statuses (inside a 2xx body they would all read as 500). */
  bool errors_in_body;
} sb_cloud_server_config;

/* Defaults: kid "sbconf-cloud-1", issuer SB_CLOUD_DEFAULT_API_URL, no
 * region, relay_url SB_CLOUD_DEFAULT_RELAY_URL, app_url
 * "https://app.sideband.cloud", epoch 1767225600 (2026-01-01T00:00:00Z),
 * session TTL 120 s, 10 codes per minute, errors in the body; the signing
 * seed is `seed` (32 bytes). */
void sb_cloud_server_config_init(sb_cloud_server_config *cfg, const uint8_t seed[32]);

/* A registered daemon. */
typedef struct sb_cloud_daemon_spec {
  const char *daemon_id;     /* "d_..." */
  const char *api_key;       /* "sbnd_dak_..." (CI-6: the prefix is not checked) */
  const char *owner;         /* user ID of the owner (must be registered first) */
  const uint8_t *identity_pub; /* 32 bytes: the one active identity key (SBRP-TOFU-005) */
  bool resumable;            /* presence tokens carry session:resume */
  bool quick_connect;        /* Quick Connect enabled (off by default, CLOUD-055) */
} sb_cloud_daemon_spec;

typedef enum sb_cloud_fault_kind {
  SB_CLOUD_FAULT_STATUS = 0, /* answer an error with `status` (and its tRPC code) */
  SB_CLOUD_FAULT_NETWORK,    /* no answer: the SDK's fetch throws */
  SB_CLOUD_FAULT_NOT_JSON,   /* HTTP 200 with an HTML page (captive portal) */
  SB_CLOUD_FAULT_NO_DATA     /* HTTP 200 with {"result":{}} */
} sb_cloud_fault_kind;

typedef struct sb_cloud_fault {
  sb_cloud_fault_kind kind;
  int status;     /* SB_CLOUD_FAULT_STATUS: 400..599 */
  bool processed; /* the call takes effect first and only its answer is replaced (a lost
                     response: a code consumed, a sid issued) */
} sb_cloud_fault;

typedef struct sb_cloud_server_user {
  char id[SB_CLOUD_SERVER_TEXT_MAX + 1];
  char access_token[SB_CLOUD_SERVER_TEXT_MAX + 1];
} sb_cloud_server_user;

typedef struct sb_cloud_server_daemon {
  char id[SB_CLOUD_SERVER_TEXT_MAX + 1];
  char api_key[SB_CLOUD_SERVER_TEXT_MAX + 1];
  size_t owner; /* index into users */
  uint8_t identity_pub[32];
  bool resumable, quick_connect, online;
  sb_time_us qc_created[SB_CLOUD_QC_RATE_MAX]; /* ring of recent creation times */
  size_t qc_created_count, qc_created_next;
} sb_cloud_server_daemon;

typedef struct sb_cloud_server_code {
  char code[SB_CLOUD_QC_CODE_CHARS + 1];
  size_t daemon; /* index into daemons */
  sb_time_us expires; /* usable while now < expires */
} sb_cloud_server_code;

typedef struct sb_cloud_server_fault_entry {
  char procedure[SB_CLOUD_PROCEDURE_MAX]; /* "" = any procedure */
  sb_cloud_fault fault;
} sb_cloud_server_fault_entry;

/* The model; treat as opaque (fields may change). */
typedef struct sb_cloud_server {
  char kid[SB_AUTH_KID_MAX + 1];
  char issuer[SB_CLOUD_SERVER_TEXT_MAX + 1];
  char region[SB_CLOUD_SERVER_TEXT_MAX + 1];
  bool has_region;
  char relay_url[SB_CLOUD_SERVER_TEXT_MAX + 1];
  char app_url[SB_CLOUD_SERVER_TEXT_MAX + 1];
  int64_t epoch_unix_s;
  uint32_t session_ttl_s, qc_rate_limit;
  bool errors_in_body;
  sb_auth_signing_key key;
  sb_rng rng;
  sb_cloud_server_user users[SB_CLOUD_SERVER_MAX_USERS];
  size_t user_count;
  sb_cloud_server_daemon daemons[SB_CLOUD_SERVER_MAX_DAEMONS];
  size_t daemon_count;
  sb_cloud_server_code codes[SB_CLOUD_SERVER_MAX_CODES];
  size_t code_count;
  sb_cloud_server_fault_entry faults[SB_CLOUD_SERVER_MAX_FAULTS];
  size_t fault_count;
  uint64_t sid_key, sid_next, sid_zero_n; /* sid_n = mix(sid_key + n) */
  uint64_t tokens_minted;
  uint64_t calls[5]; /* createSession, redeem, renewToken, create QC, other */
} sb_cloud_server;

/* Set up an empty control plane. `cfg` strings are copied; `rng` is copied
 * and used for the sid key now and for Quick Connect codes later.
 * SB_ERR_ARG for a bad configuration (TTL 0 or over 120, rate over 64,
 * strings too long), SB_ERR_RNG, SB_ERR_CRYPTO. */
SB_NODISCARD int sb_cloud_server_init(sb_cloud_server *s, const sb_cloud_server_config *cfg,
                                      const sb_rng *rng);

/* Register a user and the access token that authenticates them.
 * SB_ERR_ARG (empty or too long), SB_ERR_EXISTS (ID or token taken), SB_ERR_FULL. */
SB_NODISCARD int sb_cloud_server_add_user(sb_cloud_server *s, const char *user_id,
                                          const char *access_token);

/* Register a daemon (offline until sb_cloud_server_set_online).
 * SB_ERR_ARG, SB_ERR_NOT_FOUND (owner unknown), SB_ERR_EXISTS (ID or API
 * key taken), SB_ERR_FULL. */
SB_NODISCARD int sb_cloud_server_add_daemon(sb_cloud_server *s, const sb_cloud_daemon_spec *d);

/* The daemon is connected to the relay or not (what Quick Connect redeem
 * checks, CLOUD-051). SB_ERR_NOT_FOUND for an unknown daemon. */
SB_NODISCARD int sb_cloud_server_set_online(sb_cloud_server *s, const char *daemon_id,
                                            bool online);

/* Replace / read a daemon's registered identity key (a manual rotation,
 * SBRP-TOFU-005). SB_ERR_NOT_FOUND for an unknown daemon. */
SB_NODISCARD int sb_cloud_server_set_identity(sb_cloud_server *s, const char *daemon_id,
                                              const uint8_t identity_pub[32]);
SB_NODISCARD int sb_cloud_server_identity(const sb_cloud_server *s, const char *daemon_id,
                                          uint8_t identity_pub[32]);

/* Queue a fault for the next call of `procedure` (NULL: the next call of
 * any procedure). Faults are consumed in queue order, one per call.
 * SB_ERR_ARG for a status outside 400..599, SB_ERR_FULL. */
SB_NODISCARD int sb_cloud_server_fault_push(sb_cloud_server *s, const char *procedure,
                                            sb_cloud_fault fault);

/* Number of faults still queued. */
size_t sb_cloud_server_faults_pending(const sb_cloud_server *s);

/* Handle one POST (procedure, bearer, body) at time `now` and fill `resp`.
 * Every protocol outcome is in `resp`: 401 for a missing or unknown bearer,
 * 400 for a malformed input, 404 for an unknown daemon, code or procedure,
 * 403 for a daemon of another user or Quick Connect disabled, 409 for a
 * redeem while the daemon is offline, 429 over the creation rate. Returns 0,
 * or SB_ERR_ARG / SB_ERR_NOMEM / SB_ERR_RNG / SB_ERR_CRYPTO for failures of
 * the model itself. */
SB_NODISCARD int sb_cloud_server_handle(sb_cloud_server *s, sb_time_us now,
                                        const sb_cloud_request *req, sb_cloud_http_response *resp);

/* Requests received for `procedure` (faulted ones included); NULL counts
 * every request, an unknown name the requests for unknown procedures. */
uint64_t sb_cloud_server_calls(const sb_cloud_server *s, const char *procedure);

/* true if `sid` was issued in a session token (never true for 0). */
bool sb_cloud_server_sid_issued(const sb_cloud_server *s, uint64_t sid);

/* Number of sids issued, and the i-th (0-based, in issue order); 0 past the end. */
uint64_t sb_cloud_server_sid_count(const sb_cloud_server *s);
uint64_t sb_cloud_server_sid_at(const sb_cloud_server *s, uint64_t i);

/* Sign every token from now on with `key`, named `kid` in the JOSE header
 * (a key rotation of the control plane, AUTH-030/033; the old key is
 * forgotten). SB_ERR_ARG for NULL or a kid that is empty or over
 * SB_AUTH_KID_MAX bytes. */
SB_NODISCARD int sb_cloud_server_set_signing_key(sb_cloud_server *s, const sb_auth_signing_key *key,
                                                 const char *kid);

/* The JWKS entry a relay verifies the model's tokens with. */
void sb_cloud_server_jwk(const sb_cloud_server *s, sb_auth_jwk *out);

/* Unix time (seconds) the model writes as `iat` at virtual time `now`. */
int64_t sb_cloud_server_unix_s(const sb_cloud_server *s, sb_time_us now);

#endif
