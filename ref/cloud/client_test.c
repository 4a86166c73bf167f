#include "cloud/client.h"

#include <string.h>

#include "cloud/server.h"
#include "common/error.h"
#include "test/sbt.h"

static const uint8_t ID_ABC[32] = {0xAB, 1};

static sb_xoshiro g_x;
static sb_cloud_server g_s;
static sb_cloud_client g_c;
static sb_cloud_http_response g_resp;

static sb_cloud_server *server(void) {
  uint8_t seed[32];
  memset(seed, 0x11, sizeof seed);
  sb_cloud_server_config cfg;
  sb_cloud_server_config_init(&cfg, seed);
  cfg.relay_url = "wss://eu.relay.example.com/ws";
  sb_xoshiro_seed(&g_x, 7);
  sb_rng rng = sb_xoshiro_rng(&g_x);
  SBT_OK(sb_cloud_server_init(&g_s, &cfg, &rng));
  SBT_OK(sb_cloud_server_add_user(&g_s, "u_alice", "tok-alice"));
  sb_cloud_daemon_spec d = {"d_abc", "sbnd_dak_abc", "u_alice", ID_ABC, false, true};
  SBT_OK(sb_cloud_server_add_daemon(&g_s, &d));
  SBT_OK(sb_cloud_server_set_online(&g_s, "d_abc", true));
  return &g_s;
}

static sb_cloud_client_config account_cfg(void) {
  sb_cloud_client_config cfg;
  memset(&cfg, 0, sizeof cfg);
  cfg.daemon_id = "d_abc";
  cfg.has_access_token_provider = true;
  cfg.has_identity_key_store = true;
  return cfg;
}

static sb_cloud_client_config qc_cfg(const char *code) {
  sb_cloud_client_config cfg;
  memset(&cfg, 0, sizeof cfg);
  cfg.quick_connect_code = code;
  cfg.has_identity_key_store = true;
  return cfg;
}

static const char *new_code(sb_cloud_server *s) {
  static char code[64];
  static sb_cloud_request req;
  SBT_OK(sb_cloud_request_build(&req, SB_CLOUD_PROC_CREATE_QC, "sbnd_dak_abc", NULL, false));
  SBT_OK(sb_cloud_server_handle(s, 0, &req, &g_resp));
  sb_cloud_api_result r;
  SBT_OK(sb_cloud_api_result_map(&g_resp, &r));
  snprintf(code, sizeof code, "%s", sb_cloud_api_data_string(&r, "code") ? sb_cloud_api_data_string(&r, "code") : "");
  sb_cloud_api_result_free(&r);
  return code;
}

/* The driver: hand the pending CALL to the server and feed the answer back. */
static sb_cloud_client_step serve(sb_cloud_server *s, sb_cloud_client *c, sb_cloud_client_step st) {
  SBT_CHECK(st.kind == SB_CLOUD_CLIENT_CALL, "a CALL is pending (kind %d)", st.kind);
  sb_cloud_client_step next;
  memset(&next, 0, sizeof next);
  if (st.kind != SB_CLOUD_CLIENT_CALL) return next;
  SBT_OK(sb_cloud_server_handle(s, 0, st.request, &g_resp));
  SBT_OK(sb_cloud_client_response(c, &g_resp, &next));
  return next;
}

/* One whole account attempt up to OPEN (or FAIL). */
static sb_cloud_client_step account_attempt(sb_cloud_server *s, sb_cloud_client *c, const char *access) {
  sb_cloud_client_step st;
  SBT_OK(sb_cloud_client_begin(c, &st));
  SBT_CHECK(st.kind == SB_CLOUD_CLIENT_GET_ACCESS_TOKEN, "account attempts ask for the access token");
  SBT_OK(sb_cloud_client_access_token(c, access, &st));
  if (st.kind != SB_CLOUD_CLIENT_CALL) return st;
  return serve(s, c, st);
}

static void client_configuration_needs_exactly_one_auth_mode(void) {
  /* CLOUD-010 (one mode), CLOUD-011 (key store), CLOUD-012 (trust policy). */
  sb_cloud_client_config cfg = account_cfg();
  SBT_OK(sb_cloud_client_init(&g_c, &cfg));
  cfg.quick_connect_code = "abcd-efgh-ijkl";
  SBT_ERR_EQ(sb_cloud_client_init(&g_c, &cfg), SB_ERR_ARG);
  cfg = account_cfg();
  cfg.has_access_token_provider = false;
  SBT_ERR_EQ(sb_cloud_client_init(&g_c, &cfg), SB_ERR_ARG);
  cfg = account_cfg();
  cfg.daemon_id = NULL;
  SBT_ERR_EQ(sb_cloud_client_init(&g_c, &cfg), SB_ERR_ARG);
  cfg = qc_cfg("abcd-efgh-ijkl");
  SBT_OK(sb_cloud_client_init(&g_c, &cfg));
  cfg.daemon_id = "d_abc";
  SBT_ERR_EQ(sb_cloud_client_init(&g_c, &cfg), SB_ERR_ARG);
  cfg = qc_cfg("abcd-efgh-ijkl");
  cfg.has_access_token_provider = true;
  SBT_ERR_EQ(sb_cloud_client_init(&g_c, &cfg), SB_ERR_ARG);
  memset(&cfg, 0, sizeof cfg);
  cfg.has_identity_key_store = true;
  SBT_ERR_EQ(sb_cloud_client_init(&g_c, &cfg), SB_ERR_ARG);
  cfg = account_cfg();
  cfg.has_identity_key_store = false;
  SBT_ERR_EQ(sb_cloud_client_init(&g_c, &cfg), SB_ERR_ARG);
  cfg = account_cfg();
  cfg.trust_policy = "strict"; /* CI-1 */
  SBT_ERR_EQ(sb_cloud_client_init(&g_c, &cfg), SB_ERR_ARG);
  cfg.trust_policy = "prompt"; /* without callbacks */
  SBT_ERR_EQ(sb_cloud_client_init(&g_c, &cfg), SB_ERR_ARG);
  cfg.trust_policy = "pinned-only";
  SBT_OK(sb_cloud_client_init(&g_c, &cfg));
  cfg = qc_cfg("");
  SBT_ERR_EQ(sb_cloud_client_init(&g_c, &cfg), SB_ERR_ARG);
}

static void client_account_attempt_fetches_a_session_and_opens_the_relay(void) {
  /* CLOUD-020, CLOUD-021, CLOUD-022, CLOUD-023, CLOUD-024: clear,
   * getAccessToken, relay.createSession with the
   * bearer, endpoint = relayUrl + token; CLOUD-026 / AUTH-060: the sid. */
  sb_cloud_server *s = server();
  sb_cloud_client_config cfg = account_cfg();
  SBT_OK(sb_cloud_client_init(&g_c, &cfg));
  sb_cloud_client_step st;
  SBT_OK(sb_cloud_client_begin(&g_c, &st));
  SBT_CHECK(st.kind == SB_CLOUD_CLIENT_GET_ACCESS_TOKEN, "step 2 first");
  SBT_OK(sb_cloud_client_access_token(&g_c, "tok-alice", &st));
  SBT_CHECK(st.kind == SB_CLOUD_CLIENT_CALL, "then the API call");
  SBT_STR_EQ(st.request->procedure, "relay.createSession");
  SBT_STR_EQ(st.request->bearer, "tok-alice");
  SBT_STR_EQ(st.request->body, "{\"daemonId\":\"d_abc\"}");
  st = serve(s, &g_c, st);
  SBT_CHECK(st.kind == SB_CLOUD_CLIENT_OPEN, "then the WebSocket (kind %d)", st.kind);
  sb_cloud_negotiation n;
  SBT_OK(sb_cloud_client_negotiate(&g_c, &n));
  SBT_STR_EQ(n.daemon_id, "d_abc");
  SBT_CHECK(n.session_id != 0 && sb_cloud_server_sid_issued(s, n.session_id), "an issued sid");
  SBT_CHECK(n.trust == SB_SBRP_TRUST_AUTO, "auto by default (CLOUD-012)");
  char token[SB_AUTH_TOKEN_MAX_CHARS + 1];
  size_t len;
  SBT_OK(sb_cloud_url_get_token(st.endpoint, token, sizeof token, &len));
  SBT_STR_EQ(token, n.session_token);
  SBT_CHECK(strncmp(st.endpoint, "wss://eu.relay.example.com/ws?token=", 36) == 0,
            "endpoint %s", st.endpoint);
  /* the next attempt: a new session, a new sid (CLOUD-022, AUTH-053) */
  uint64_t first = n.session_id;
  st = account_attempt(s, &g_c, "tok-alice-rotated-is-unknown");
  SBT_CHECK(st.kind == SB_CLOUD_CLIENT_FAIL && st.error.code == 401 && st.verdict == SB_CLOUD_FATAL,
            "a rotated token the API does not know: 401, fatal");
  st = account_attempt(s, &g_c, "tok-alice");
  SBT_OK(sb_cloud_client_negotiate(&g_c, &n));
  SBT_CHECK(n.session_id != first, "fresh sid per attempt");
  SBT_EQ_U64(sb_cloud_server_calls(s, SB_CLOUD_PROC_CREATE_SESSION), 3);
}

static void client_begin_clears_the_stored_session_token(void) {
  /* CLOUD-020 (cleared first), CLOUD-025 (negotiate needs a token:
   * PeerError(InvalidState) otherwise). */
  sb_cloud_server *s = server();
  sb_cloud_client_config cfg = account_cfg();
  SBT_OK(sb_cloud_client_init(&g_c, &cfg));
  sb_cloud_negotiation n;
  SBT_ERR_EQ(sb_cloud_client_negotiate(&g_c, &n), SB_ERR_STATE);
  sb_cloud_client_step st = account_attempt(s, &g_c, "tok-alice");
  SBT_OK(sb_cloud_client_negotiate(&g_c, &n));
  SBT_OK(sb_cloud_client_begin(&g_c, &st));
  SBT_ERR_EQ(sb_cloud_client_negotiate(&g_c, &n), SB_ERR_STATE);
  SBT_CHECK(sb_cloud_error_from_err(SB_ERR_STATE).kind == SB_CLOUD_ERROR_INVALID_STATE &&
                sb_cloud_client_classify(&g_c, SB_CLOUD_INVALID_STATE) == SB_CLOUD_FATAL,
            "InvalidState, fatal");
  /* a failing attempt leaves no token behind either */
  SBT_OK(sb_cloud_client_access_token(&g_c, NULL, &st));
  SBT_ERR_EQ(sb_cloud_client_negotiate(&g_c, &n), SB_ERR_STATE);
}

static void client_access_token_failure_is_retryable(void) {
  /* CLOUD-021 and section 3.4: an error thrown by getAccessToken retries. */
  server();
  sb_cloud_client_config cfg = account_cfg();
  SBT_OK(sb_cloud_client_init(&g_c, &cfg));
  sb_cloud_client_step st;
  SBT_OK(sb_cloud_client_begin(&g_c, &st));
  SBT_OK(sb_cloud_client_access_token(&g_c, NULL, &st));
  SBT_CHECK(st.kind == SB_CLOUD_CLIENT_FAIL && st.error.kind == SB_CLOUD_ERROR_OTHER &&
                st.verdict == SB_CLOUD_RETRYABLE,
            "other error, retryable");
  SBT_ERR_EQ(sb_cloud_client_access_token(&g_c, "tok-alice", &st), SB_ERR_STATE);
  sb_cloud_http_response r;
  sb_cloud_response_network_error(&r);
  SBT_ERR_EQ(sb_cloud_client_response(&g_c, &r, &st), SB_ERR_STATE);
}

static void client_account_api_errors_are_classified(void) {
  /* CLOUD-040 (400/401/403/404 fatal; 429, 5xx, network retry), CLOUD-041
   * (409 retryable for accounts). */
  sb_cloud_server *s = server();
  sb_cloud_client_config cfg = account_cfg();
  SBT_OK(sb_cloud_client_init(&g_c, &cfg));
  const struct {
    sb_cloud_fault fault;
    sb_cloud_error_kind kind;
    unsigned code;
    sb_cloud_verdict verdict;
  } cases[] = {
      {{SB_CLOUD_FAULT_STATUS, 400, false}, SB_CLOUD_ERROR_API, 400, SB_CLOUD_FATAL},
      {{SB_CLOUD_FAULT_STATUS, 401, false}, SB_CLOUD_ERROR_API, 401, SB_CLOUD_FATAL},
      {{SB_CLOUD_FAULT_STATUS, 403, false}, SB_CLOUD_ERROR_API, 403, SB_CLOUD_FATAL},
      {{SB_CLOUD_FAULT_STATUS, 404, false}, SB_CLOUD_ERROR_API, 404, SB_CLOUD_FATAL},
      {{SB_CLOUD_FAULT_STATUS, 409, false}, SB_CLOUD_ERROR_API, 409, SB_CLOUD_RETRYABLE},
      {{SB_CLOUD_FAULT_STATUS, 429, false}, SB_CLOUD_ERROR_API, 429, SB_CLOUD_RETRYABLE},
      {{SB_CLOUD_FAULT_STATUS, 500, false}, SB_CLOUD_ERROR_API, 500, SB_CLOUD_RETRYABLE},
      {{SB_CLOUD_FAULT_STATUS, 503, false}, SB_CLOUD_ERROR_API, 503, SB_CLOUD_RETRYABLE},
      {{SB_CLOUD_FAULT_NETWORK, 0, false}, SB_CLOUD_ERROR_OTHER, 0, SB_CLOUD_RETRYABLE},
      {{SB_CLOUD_FAULT_NOT_JSON, 0, false}, SB_CLOUD_ERROR_API, 500, SB_CLOUD_RETRYABLE},
  };
  for (size_t i = 0; i < SB_ARRAY_LEN(cases); i++) {
    SBT_OK(sb_cloud_server_fault_push(s, SB_CLOUD_PROC_CREATE_SESSION, cases[i].fault));
    sb_cloud_client_step st = account_attempt(s, &g_c, "tok-alice");
    SBT_CHECK(st.kind == SB_CLOUD_CLIENT_FAIL && st.error.kind == cases[i].kind &&
                  st.error.code == cases[i].code && st.verdict == cases[i].verdict,
              "case %zu: kind %d code %u verdict %d", i, st.error.kind, st.error.code, st.verdict);
  }
  /* an unknown daemon, for real: 404 fatal */
  cfg.daemon_id = "d_gone";
  SBT_OK(sb_cloud_client_init(&g_c, &cfg));
  sb_cloud_client_step st = account_attempt(s, &g_c, "tok-alice");
  SBT_CHECK(st.kind == SB_CLOUD_CLIENT_FAIL && st.error.code == 404 && st.verdict == SB_CLOUD_FATAL,
            "404 fatal");
}

static void client_quick_connect_redeems_once(void) {
  /* CLOUD-022 (QC column), CLOUD-052: one successful redeem, then every
   * attempt fails with PeerError(InvalidState), fatal, without a call. */
  sb_cloud_server *s = server();
  sb_cloud_client_config cfg = qc_cfg(new_code(s));
  SBT_OK(sb_cloud_client_init(&g_c, &cfg));
  sb_cloud_client_step st;
  SBT_OK(sb_cloud_client_begin(&g_c, &st));
  SBT_CHECK(st.kind == SB_CLOUD_CLIENT_CALL, "redeem call");
  SBT_STR_EQ(st.request->procedure, "quickConnect.redeem");
  SBT_CHECK(!st.request->has_bearer, "the code is the credential");
  st = serve(s, &g_c, st);
  SBT_CHECK(st.kind == SB_CLOUD_CLIENT_OPEN && sb_cloud_client_qc_redeemed(&g_c), "redeemed");
  sb_cloud_negotiation n;
  SBT_OK(sb_cloud_client_negotiate(&g_c, &n));
  SBT_STR_EQ(n.daemon_id, "d_abc"); /* from the redeem answer (CLOUD-025) */
  SBT_OK(sb_cloud_client_begin(&g_c, &st));
  SBT_CHECK(st.kind == SB_CLOUD_CLIENT_FAIL && st.error.kind == SB_CLOUD_ERROR_INVALID_STATE &&
                st.verdict == SB_CLOUD_FATAL,
            "a QC session does not survive a disconnect");
  SBT_EQ_U64(sb_cloud_server_calls(s, SB_CLOUD_PROC_REDEEM), 1);
  SBT_ERR_EQ(sb_cloud_client_negotiate(&g_c, &n), SB_ERR_STATE);
}

static void client_quick_connect_failed_redeem_does_not_latch(void) {
  /* CLOUD-053: a 404 does not set "redeemed"; the next call reaches the API. */
  sb_cloud_server *s = server();
  sb_cloud_client_config cfg = qc_cfg("zzzz-zzzz-zzzz");
  SBT_OK(sb_cloud_client_init(&g_c, &cfg));
  for (int i = 0; i < 2; i++) {
    sb_cloud_client_step st;
    SBT_OK(sb_cloud_client_begin(&g_c, &st));
    st = serve(s, &g_c, st);
    SBT_CHECK(st.kind == SB_CLOUD_CLIENT_FAIL && st.error.code == 404 && st.verdict == SB_CLOUD_FATAL,
              "404 fatal");
    SBT_CHECK(!sb_cloud_client_qc_redeemed(&g_c), "not latched");
  }
  SBT_EQ_U64(sb_cloud_server_calls(s, SB_CLOUD_PROC_REDEEM), 2);
  /* a network failure neither */
  SBT_OK(sb_cloud_server_fault_push(s, NULL, (sb_cloud_fault){SB_CLOUD_FAULT_NETWORK, 0, false}));
  sb_cloud_client_step st;
  SBT_OK(sb_cloud_client_begin(&g_c, &st));
  st = serve(s, &g_c, st);
  SBT_CHECK(st.verdict == SB_CLOUD_RETRYABLE && !sb_cloud_client_qc_redeemed(&g_c), "network retries");
}

static void client_quick_connect_offline_daemon_is_fatal(void) {
  /* CLOUD-041, CLOUD-051: 409 with the code burned, fatal in QC mode;
   * CLOUD-050: a retry would meet 404. */
  sb_cloud_server *s = server();
  SBT_OK(sb_cloud_server_set_online(s, "d_abc", false));
  sb_cloud_client_config cfg = qc_cfg(new_code(s));
  SBT_OK(sb_cloud_client_init(&g_c, &cfg));
  sb_cloud_client_step st;
  SBT_OK(sb_cloud_client_begin(&g_c, &st));
  st = serve(s, &g_c, st);
  SBT_CHECK(st.kind == SB_CLOUD_CLIENT_FAIL && st.error.code == 409 && st.verdict == SB_CLOUD_FATAL,
            "409 fatal in QC mode");
  SBT_OK(sb_cloud_server_set_online(s, "d_abc", true));
  SBT_OK(sb_cloud_client_begin(&g_c, &st));
  st = serve(s, &g_c, st);
  SBT_CHECK(st.error.code == 404, "the code was burned");
}

static void client_malformed_answers_are_retryable(void) {
  /* E-CLOUD-5: an answer without the output fields or with a relayUrl that
   * is not a URL is a plain error (upstream: a TypeError), retryable. */
  server();
  const char *bodies[] = {
      "{\"result\":{\"data\":{\"relayUrl\":\"not a url\",\"token\":\"a.b.c\"}}}",
      "{\"result\":{\"data\":{\"relayUrl\":\"wss://r\"}}}",
      "{\"result\":{\"data\":{\"relayUrl\":\"wss://r\",\"token\":5}}}",
      "{\"result\":{\"data\":{\"relayUrl\":\"wss://r\",\"token\":\"\"}}}",
      "{\"result\":{\"data\":null}}",
  };
  for (int mode = 0; mode < 2; mode++) {
    for (size_t i = 0; i < SB_ARRAY_LEN(bodies); i++) {
      sb_cloud_client_config cfg = mode ? qc_cfg("code") : account_cfg();
      SBT_OK(sb_cloud_client_init(&g_c, &cfg));
      sb_cloud_client_step st;
      SBT_OK(sb_cloud_client_begin(&g_c, &st));
      if (!mode) SBT_OK(sb_cloud_client_access_token(&g_c, "tok", &st));
      SBT_OK(sb_cloud_response_raw(&g_resp, 200, bodies[i], strlen(bodies[i])));
      SBT_OK(sb_cloud_client_response(&g_c, &g_resp, &st));
      SBT_CHECK(st.kind == SB_CLOUD_CLIENT_FAIL && st.error.kind == SB_CLOUD_ERROR_OTHER &&
                    st.verdict == SB_CLOUD_RETRYABLE,
                "mode %d body %zu", mode, i);
      SBT_CHECK(!sb_cloud_client_qc_redeemed(&g_c), "no latch on a malformed answer");
    }
  }
  /* QC needs the daemonId of the answer */
  sb_cloud_client_config cfg = qc_cfg("code");
  SBT_OK(sb_cloud_client_init(&g_c, &cfg));
  sb_cloud_client_step st;
  SBT_OK(sb_cloud_client_begin(&g_c, &st));
  const char *no_did = "{\"result\":{\"data\":{\"relayUrl\":\"wss://r\",\"token\":\"a.b.c\"}}}";
  SBT_OK(sb_cloud_response_raw(&g_resp, 200, no_did, strlen(no_did)));
  SBT_OK(sb_cloud_client_response(&g_c, &g_resp, &st));
  SBT_CHECK(st.kind == SB_CLOUD_CLIENT_FAIL && st.verdict == SB_CLOUD_RETRYABLE, "no daemonId");
}

static void client_token_without_a_sid_fails_the_handshake(void) {
  /* AUTH-060, CLOUD-026: the sid is read unverified; none -> handshake_failed, fatal. */
  server();
  sb_cloud_client_config cfg = account_cfg();
  SBT_OK(sb_cloud_client_init(&g_c, &cfg));
  sb_cloud_client_step st;
  SBT_OK(sb_cloud_client_begin(&g_c, &st));
  SBT_OK(sb_cloud_client_access_token(&g_c, "tok", &st));
  const char *body = "{\"result\":{\"data\":{\"relayUrl\":\"wss://r/ws\",\"token\":\"not.a.jwt\"}}}";
  SBT_OK(sb_cloud_response_raw(&g_resp, 200, body, strlen(body)));
  SBT_OK(sb_cloud_client_response(&g_c, &g_resp, &st));
  SBT_CHECK(st.kind == SB_CLOUD_CLIENT_OPEN, "the WebSocket opens first");
  SBT_STR_EQ(st.endpoint, "wss://r/ws?token=not.a.jwt");
  sb_cloud_negotiation n;
  int rc = sb_cloud_client_negotiate(&g_c, &n);
  SBT_ERR_EQ(rc, SB_ERR_AUTH_PEEK_SID);
  SBT_CHECK(sb_cloud_client_classify(&g_c, sb_cloud_error_from_err(rc)) == SB_CLOUD_FATAL,
            "handshake_failed is fatal");
}

static void client_trust_policy_is_read_at_each_negotiation(void) {
  /* CLOUD-031: nothing is cached across attempts. */
  sb_cloud_server *s = server();
  sb_cloud_client_config cfg = account_cfg();
  SBT_OK(sb_cloud_client_init(&g_c, &cfg));
  account_attempt(s, &g_c, "tok-alice");
  sb_cloud_negotiation n;
  SBT_OK(sb_cloud_client_negotiate(&g_c, &n));
  SBT_CHECK(n.trust == SB_SBRP_TRUST_AUTO, "auto");
  SBT_OK(sb_cloud_client_set_trust(&g_c, "pinned-only", NULL));
  SBT_OK(sb_cloud_client_negotiate(&g_c, &n));
  SBT_CHECK(n.trust == SB_SBRP_TRUST_PINNED_ONLY, "pinned-only from now on");
  SBT_ERR_EQ(sb_cloud_client_set_trust(&g_c, "strict", NULL), SB_ERR_ARG);
  SBT_OK(sb_cloud_client_negotiate(&g_c, &n));
  SBT_CHECK(n.trust == SB_SBRP_TRUST_PINNED_ONLY, "a refused change changes nothing");
}

static void client_wrapped_bodies_reach_the_same_answer(void) {
  /* CLOUD-002: the stored api.ts body shape works against the model too. */
  sb_cloud_server *s = server();
  sb_cloud_client_config cfg = account_cfg();
  cfg.wrap_json_body = true;
  SBT_OK(sb_cloud_client_init(&g_c, &cfg));
  sb_cloud_client_step st;
  SBT_OK(sb_cloud_client_begin(&g_c, &st));
  SBT_OK(sb_cloud_client_access_token(&g_c, "tok-alice", &st));
  SBT_STR_EQ(st.request->body, "{\"json\":{\"daemonId\":\"d_abc\"}}");
  st = serve(s, &g_c, st);
  SBT_CHECK(st.kind == SB_CLOUD_CLIENT_OPEN, "open");
}

static void client_peer_defaults_pause_and_retry_on_error(void) {
  /* CLOUD-013 (pause, on-error), CLOUD-014 (1 s, 30 s, 5 retries, 0.2). */
  sb_cloud_peer_defaults d;
  sb_cloud_client_peer_defaults(&d);
  SBT_CHECK(d.on_disconnect_pause, "onDisconnect pause");
  SBT_CHECK(d.retry.mode == SB_PEER_RETRY_ON_ERROR, "on-error");
  SBT_CHECK(d.retry.initial_delay_ms == 1000.0 && d.retry.max_delay_ms == 30000.0 &&
                d.retry.max_attempts == 5 && d.retry.jitter == 0.2,
            "runtime defaults");
  uint64_t ms = 0;
  SBT_OK(sb_peer_backoff_delay(&d.retry, 0, 0.5, &ms));
  SBT_EQ_U64(ms, 1000); /* r = 0.5: no jitter */
  SBT_OK(sb_peer_backoff_delay(&d.retry, 10, 0.0, &ms));
  SBT_EQ_U64(ms, 24000); /* capped at 30 s, scaled by 1 - 0.2 */
}

SBT_SUITE(cloud_client, "cloud/client", SBT_CASE(client_configuration_needs_exactly_one_auth_mode),
          SBT_CASE(client_account_attempt_fetches_a_session_and_opens_the_relay),
          SBT_CASE(client_begin_clears_the_stored_session_token),
          SBT_CASE(client_access_token_failure_is_retryable),
          SBT_CASE(client_account_api_errors_are_classified),
          SBT_CASE(client_quick_connect_redeems_once),
          SBT_CASE(client_quick_connect_failed_redeem_does_not_latch),
          SBT_CASE(client_quick_connect_offline_daemon_is_fatal),
          SBT_CASE(client_malformed_answers_are_retryable),
          SBT_CASE(client_token_without_a_sid_fails_the_handshake),
          SBT_CASE(client_trust_policy_is_read_at_each_negotiation),
          SBT_CASE(client_wrapped_bodies_reach_the_same_answer),
          SBT_CASE(client_peer_defaults_pause_and_retry_on_error))
