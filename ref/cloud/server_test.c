#include "cloud/server.h"

#include <string.h>

#include "auth/sid.h"
#include "common/error.h"
#include "test/sbt.h"

static const uint8_t ID_ABC[32] = {0xAB, 1};
static const uint8_t ID_RES[32] = {0xEE, 2};

static sb_xoshiro g_x;
static sb_cloud_server g_s;
static sb_cloud_request g_req;
static sb_cloud_http_response g_resp;

/* Alice owns d_abc (Quick Connect on, not resumable); Bob owns d_res
 * (resumable, Quick Connect off). */
static sb_cloud_server *server(bool errors_in_body) {
  uint8_t seed[32];
  memset(seed, 0x5E, sizeof seed);
  sb_cloud_server_config cfg;
  sb_cloud_server_config_init(&cfg, seed);
  cfg.errors_in_body = errors_in_body;
  sb_xoshiro_seed(&g_x, 2026);
  sb_rng rng = sb_xoshiro_rng(&g_x);
  SBT_OK(sb_cloud_server_init(&g_s, &cfg, &rng));
  SBT_OK(sb_cloud_server_add_user(&g_s, "u_alice", "tok-alice"));
  SBT_OK(sb_cloud_server_add_user(&g_s, "u_bob", "tok-bob"));
  sb_cloud_daemon_spec a = {"d_abc", "sbnd_dak_abc", "u_alice", ID_ABC, false, true};
  sb_cloud_daemon_spec b = {"d_res", "sbnd_dak_res", "u_bob", ID_RES, true, false};
  SBT_OK(sb_cloud_server_add_daemon(&g_s, &a));
  SBT_OK(sb_cloud_server_add_daemon(&g_s, &b));
  return &g_s;
}

/* POST `procedure` {key: value} (key NULL: null input) and map the answer. */
static sb_cloud_api_result call(sb_cloud_server *s, sb_time_us now, const char *procedure,
                                const char *bearer, const char *key, const char *value) {
  cJSON *in = NULL;
  if (key) {
    in = cJSON_CreateObject();
    cJSON_AddStringToObject(in, key, value);
  }
  sb_cloud_api_result r;
  memset(&r, 0, sizeof r);
  SBT_OK(sb_cloud_request_build(&g_req, procedure, bearer, in, false));
  cJSON_Delete(in);
  SBT_OK(sb_cloud_server_handle(s, now, &g_req, &g_resp));
  SBT_OK(sb_cloud_api_result_map(&g_resp, &r));
  return r;
}

static void expect_error(sb_cloud_api_result *r, unsigned status) {
  SBT_CHECK(r->error.kind == SB_CLOUD_ERROR_API && r->error.code == status,
            "want CloudApiError(%u), got kind %d code %u (%s)", status, r->error.kind,
            r->error.code, r->message);
  sb_cloud_api_result_free(r);
}

/* Verify `token` as the relay does and return its claims (caller frees). */
static bool verify(const sb_cloud_server *s, sb_time_us now, const char *token, sb_auth_role role,
                   sb_auth_claims *c) {
  sb_auth_jwk jwk;
  sb_cloud_server_jwk(s, &jwk);
  sb_auth_verify_opts o;
  sb_auth_verify_opts_init(&o, SB_CLOUD_DEFAULT_API_URL, sb_cloud_server_unix_s(s, now));
  o.expect_role = role;
  return SBT_OK(sb_auth_token_verify(token, token ? strlen(token) : 0, &jwk, 1, &o, c));
}

static void server_create_session_issues_a_fresh_sid_every_call(void) {
  /* CLOUD-022, AUTH-053: a new non-zero sid per call, never reissued;
   * AUTH-010/011; client tokens live <= 120 s and carry session:create. */
  sb_cloud_server *s = server(true);
  uint64_t seen[20];
  for (unsigned i = 0; i < SB_ARRAY_LEN(seen); i++) {
    sb_time_us now = SB_TIME_S(10) * i;
    sb_cloud_api_result r = call(s, now, SB_CLOUD_PROC_CREATE_SESSION, "tok-alice", "daemonId", "d_abc");
    SBT_CHECK(r.error.kind == SB_CLOUD_ERROR_NONE, "createSession %u succeeds", i);
    SBT_STR_EQ(sb_cloud_api_data_string(&r, "relayUrl"), SB_CLOUD_DEFAULT_RELAY_URL);
    sb_auth_claims c;
    if (verify(s, now, sb_cloud_api_data_string(&r, "token"), SB_AUTH_ROLE_CLIENT, &c)) {
      SBT_STR_EQ(c.did, "d_abc");
      SBT_STR_EQ(c.sub, "u_alice");
      SBT_CHECK(c.has_sid && c.sid != 0, "sid present and non-zero");
      SBT_CHECK(c.exp - c.iat == 120.0, "TTL 120 s (%g)", c.exp - c.iat);
      SBT_CHECK(c.iat == (double)(1767225600 + 10 * (int64_t)i), "iat on the Unix clock");
      SBT_CHECK(sb_auth_claims_has_scope(&c, SB_AUTH_SCOPE_SESSION_CREATE), "session:create");
      SBT_CHECK(!c.ttl_warning, "no TTL warning");
      seen[i] = c.sid;
      for (unsigned j = 0; j < i; j++) SBT_CHECK(seen[j] != c.sid, "sid %u differs from %u", i, j);
      SBT_CHECK(sb_cloud_server_sid_issued(s, c.sid), "issued");
      SBT_EQ_U64(sb_cloud_server_sid_at(s, i), c.sid);
      sb_auth_claims_free(&c);
    }
    sb_cloud_api_result_free(&r);
  }
  SBT_EQ_U64(sb_cloud_server_sid_count(s), SB_ARRAY_LEN(seen));
  SBT_EQ_U64(sb_cloud_server_sid_at(s, SB_ARRAY_LEN(seen)), 0);
  SBT_EQ_U64(sb_cloud_server_calls(s, SB_CLOUD_PROC_CREATE_SESSION), SB_ARRAY_LEN(seen));
}

static void server_sids_are_a_bijection_that_skips_zero(void) {
  /* AUTH-011, AUTH-053: distinct by construction; the one counter value
   * that would give sid 0 is skipped and not counted. */
  sb_cloud_server *s = server(true);
  SBT_CHECK(!sb_cloud_server_sid_issued(s, 0), "0 is never issued");
  SBT_CHECK(!sb_cloud_server_sid_issued(s, 12345), "nothing issued yet");
  s->sid_next = s->sid_zero_n - 1; /* jump the counter next to the zero slot */
  uint64_t before = sb_cloud_server_sid_count(s);
  sb_cloud_api_result r = call(s, 0, SB_CLOUD_PROC_CREATE_SESSION, "tok-alice", "daemonId", "d_abc");
  sb_cloud_api_result r2 = call(s, 0, SB_CLOUD_PROC_CREATE_SESSION, "tok-alice", "daemonId", "d_abc");
  uint64_t a = 0, b = 0;
  SBT_OK(sb_auth_token_peek_sid(sb_cloud_api_data_string(&r, "token"),
                                strlen(sb_cloud_api_data_string(&r, "token")), SB_AUTH_PEEK_STRICT, &a));
  SBT_OK(sb_auth_token_peek_sid(sb_cloud_api_data_string(&r2, "token"),
                                strlen(sb_cloud_api_data_string(&r2, "token")), SB_AUTH_PEEK_STRICT, &b));
  SBT_CHECK(a != 0 && b != 0 && a != b, "two non-zero sids around the zero slot");
  SBT_EQ_U64(sb_cloud_server_sid_count(s), before + 2);
  SBT_EQ_U64(sb_cloud_server_sid_at(s, before), a);
  SBT_EQ_U64(sb_cloud_server_sid_at(s, before + 1), b);
  SBT_CHECK(sb_cloud_server_sid_issued(s, a) && sb_cloud_server_sid_issued(s, b), "both issued");
  sb_cloud_api_result_free(&r);
  sb_cloud_api_result_free(&r2);
}

static void server_create_session_refuses_bad_callers(void) {
  /* CLOUD-040 inputs: 401 bad credentials, 400 bad input, 404 unknown
   * daemon, 403 another user's daemon; in both answer styles. */
  for (int style = 0; style < 2; style++) {
    sb_cloud_server *s = server(style == 0);
    sb_cloud_api_result r = call(s, 0, SB_CLOUD_PROC_CREATE_SESSION, NULL, "daemonId", "d_abc");
    SBT_EQ_U64(g_resp.status, style == 0 ? 200 : 401);
    expect_error(&r, 401);
    r = call(s, 0, SB_CLOUD_PROC_CREATE_SESSION, "tok-mallory", "daemonId", "d_abc");
    expect_error(&r, 401);
    r = call(s, 0, SB_CLOUD_PROC_CREATE_SESSION, "tok-alice", "daemon", "d_abc");
    expect_error(&r, 400);
    r = call(s, 0, SB_CLOUD_PROC_CREATE_SESSION, "tok-alice", "daemonId", "d_nope");
    expect_error(&r, 404);
    r = call(s, 0, SB_CLOUD_PROC_CREATE_SESSION, "tok-alice", "daemonId", "d_res");
    expect_error(&r, 403);
    r = call(s, 0, "relay.destroyEverything", "tok-alice", NULL, NULL);
    expect_error(&r, 404);
    SBT_EQ_U64(sb_cloud_server_calls(s, "relay.destroyEverything"), 1);
    SBT_OK(sb_cloud_request_build(&g_req, SB_CLOUD_PROC_CREATE_SESSION, "tok-alice", NULL, false));
    memcpy(g_req.body, "{oops", 6);
    g_req.body_len = 5;
    SBT_OK(sb_cloud_server_handle(s, 0, &g_req, &g_resp));
    SBT_OK(sb_cloud_api_result_map(&g_resp, &r));
    expect_error(&r, 400);
    SBT_EQ_U64(sb_cloud_server_sid_count(s), 0);
  }
}

static void server_accepts_wrapped_and_raw_bodies(void) {
  /* CLOUD-002 */
  sb_cloud_server *s = server(true);
  cJSON *in = cJSON_CreateObject();
  cJSON_AddStringToObject(in, "daemonId", "d_abc");
  for (int wrap = 0; wrap < 2; wrap++) {
    SBT_OK(sb_cloud_request_build(&g_req, SB_CLOUD_PROC_CREATE_SESSION, "tok-alice", in, wrap));
    SBT_OK(sb_cloud_server_handle(s, 0, &g_req, &g_resp));
    sb_cloud_api_result r;
    SBT_OK(sb_cloud_api_result_map(&g_resp, &r));
    SBT_CHECK(r.error.kind == SB_CLOUD_ERROR_NONE, "wrap %d accepted", wrap);
    sb_cloud_api_result_free(&r);
  }
  cJSON_Delete(in);
}

static void server_renew_token_mints_presence_tokens(void) {
  /* CLOUD-061, CLOUD-070: a 1 h daemon token, did = sub = the daemon;
   * AUTH-044: session:resume only for resumable daemons. */
  sb_cloud_server *s = server(true);
  const struct {
    const char *key, *did;
    bool resumable;
  } cases[] = {{"sbnd_dak_abc", "d_abc", false}, {"sbnd_dak_res", "d_res", true}};
  for (size_t i = 0; i < SB_ARRAY_LEN(cases); i++) {
    sb_cloud_api_result r = call(s, SB_TIME_S(7), SB_CLOUD_PROC_RENEW_TOKEN, cases[i].key, NULL, NULL);
    sb_auth_claims c;
    if (verify(s, SB_TIME_S(7), sb_cloud_api_data_string(&r, "presenceToken"), SB_AUTH_ROLE_DAEMON,
               &c)) {
      SBT_STR_EQ(c.did, cases[i].did);
      SBT_STR_EQ(c.sub, cases[i].did);
      SBT_CHECK(!c.has_sid, "no sid");
      SBT_CHECK(c.exp - c.iat == 3600.0, "1 h");
      SBT_CHECK(c.resumable == cases[i].resumable, "%s resumable %d", cases[i].did, c.resumable);
      sb_auth_claims_free(&c);
    }
    sb_cloud_api_result_free(&r);
  }
  sb_cloud_api_result r = call(s, 0, SB_CLOUD_PROC_RENEW_TOKEN, "sbnd_dak_wrong", NULL, NULL);
  expect_error(&r, 401);
  r = call(s, 0, SB_CLOUD_PROC_RENEW_TOKEN, NULL, NULL, NULL);
  expect_error(&r, 401);
  r = call(s, 0, SB_CLOUD_PROC_RENEW_TOKEN, "tok-alice", NULL, NULL); /* a user token is no API key */
  expect_error(&r, 401);
}

/* Create a Quick Connect code for d_abc; returns it (static storage). */
static const char *create_code(sb_cloud_server *s, sb_time_us now, const char *ttl_json) {
  static char code[64];
  code[0] = '\0';
  SBT_OK(sb_cloud_request_build(&g_req, SB_CLOUD_PROC_CREATE_QC, "sbnd_dak_abc", NULL, false));
  snprintf(g_req.body, sizeof g_req.body, "%s", ttl_json);
  g_req.body_len = strlen(g_req.body);
  SBT_OK(sb_cloud_server_handle(s, now, &g_req, &g_resp));
  sb_cloud_api_result r;
  SBT_OK(sb_cloud_api_result_map(&g_resp, &r));
  const char *c = sb_cloud_api_data_string(&r, "code");
  if (c) snprintf(code, sizeof code, "%s", c);
  sb_cloud_api_result_free(&r);
  return code;
}

static void server_quick_connect_code_is_single_use(void) {
  /* CLOUD-050, CLOUD-051 (success and used -> 404), CLOUD-054 (an ordinary
   * client session token), CLOUD-056. */
  sb_cloud_server *s = server(true);
  SBT_OK(sb_cloud_server_set_online(s, "d_abc", true));
  const char *code = create_code(s, 0, "{\"ttlSeconds\":300}");
  char saved[64];
  snprintf(saved, sizeof saved, "%s", code);
  sb_cloud_api_result r = call(s, SB_TIME_S(5), SB_CLOUD_PROC_REDEEM, NULL, "code", saved);
  SBT_CHECK(r.error.kind == SB_CLOUD_ERROR_NONE, "redeem succeeds");
  SBT_STR_EQ(sb_cloud_api_data_string(&r, "daemonId"), "d_abc");
  SBT_STR_EQ(sb_cloud_api_data_string(&r, "relayUrl"), SB_CLOUD_DEFAULT_RELAY_URL);
  sb_auth_claims c;
  if (verify(s, SB_TIME_S(5), sb_cloud_api_data_string(&r, "token"), SB_AUTH_ROLE_CLIENT, &c)) {
    SBT_STR_EQ(c.did, "d_abc");
    SBT_STR_EQ(c.sub, "u_alice"); /* E-CLOUD-7: the owner */
    SBT_CHECK(c.has_sid && sb_cloud_server_sid_issued(s, c.sid), "an issued sid");
    SBT_CHECK(sb_auth_claims_has_scope(&c, SB_AUTH_SCOPE_SESSION_CREATE), "session:create");
    sb_auth_claims_free(&c);
  }
  sb_cloud_api_result_free(&r);
  r = call(s, SB_TIME_S(6), SB_CLOUD_PROC_REDEEM, NULL, "code", saved);
  expect_error(&r, 404);
  r = call(s, SB_TIME_S(6), SB_CLOUD_PROC_REDEEM, NULL, "code", "abcd-efgh-ijkl");
  expect_error(&r, 404);
  r = call(s, SB_TIME_S(6), SB_CLOUD_PROC_REDEEM, NULL, "kode", saved);
  expect_error(&r, 400);
}

static void server_quick_connect_consumes_the_code_before_the_online_check(void) {
  /* CLOUD-050, CLOUD-051: offline -> 409 and the code is burned. */
  sb_cloud_server *s = server(false);
  char code[64];
  snprintf(code, sizeof code, "%s", create_code(s, 0, "null"));
  sb_cloud_api_result r = call(s, SB_TIME_S(1), SB_CLOUD_PROC_REDEEM, NULL, "code", code);
  SBT_EQ_U64(g_resp.status, 409);
  expect_error(&r, 409);
  SBT_OK(sb_cloud_server_set_online(s, "d_abc", true));
  r = call(s, SB_TIME_S(2), SB_CLOUD_PROC_REDEEM, NULL, "code", code);
  expect_error(&r, 404);
  SBT_EQ_U64(sb_cloud_server_sid_count(s), 0);
}

static void server_quick_connect_codes_expire(void) {
  /* CLOUD-051 (expired -> 404), CLOUD-055 (<= 5 min, evicted). */
  sb_cloud_server *s = server(true);
  SBT_OK(sb_cloud_server_set_online(s, "d_abc", true));
  char code[64];
  snprintf(code, sizeof code, "%s", create_code(s, SB_TIME_S(100), "{\"ttlSeconds\":60}"));
  sb_cloud_api_result r = call(s, SB_TIME_S(160), SB_CLOUD_PROC_REDEEM, NULL, "code", code);
  expect_error(&r, 404);
  SBT_EQ_U64(s->code_count, 0);
  snprintf(code, sizeof code, "%s", create_code(s, SB_TIME_S(200), "{}"));
  r = call(s, SB_TIME_S(200) + SB_TIME_S(300) - 1, SB_CLOUD_PROC_REDEEM, NULL, "code", code);
  SBT_CHECK(r.error.kind == SB_CLOUD_ERROR_NONE, "usable until the last microsecond");
  sb_cloud_api_result_free(&r);
}

static void server_quick_connect_codes_carry_160_random_bits(void) {
  /* CLOUD-055 (>= 128 bits, CI-8), CLOUD-056 ({code, url, expiresAt}). */
  sb_cloud_server *s = server(true);
  SBT_OK(sb_cloud_request_build(&g_req, SB_CLOUD_PROC_CREATE_QC, "sbnd_dak_abc", NULL, false));
  snprintf(g_req.body, sizeof g_req.body, "{\"ttlSeconds\":120}");
  g_req.body_len = strlen(g_req.body);
  SBT_OK(sb_cloud_server_handle(s, SB_TIME_MS(1500), &g_req, &g_resp));
  sb_cloud_api_result r;
  SBT_OK(sb_cloud_api_result_map(&g_resp, &r));
  const char *code = sb_cloud_api_data_string(&r, "code");
  SBT_CHECK(code && strlen(code) == SB_CLOUD_QC_CODE_CHARS, "39 characters");
  for (size_t i = 0; code && i < strlen(code); i++) {
    bool dash = i % 5 == 4;
    char ch = code[i];
    SBT_CHECK(dash ? ch == '-' : ((ch >= 'a' && ch <= 'z') || (ch >= '2' && ch <= '7')),
              "char %zu of %s", i, code);
  }
  char url[128];
  snprintf(url, sizeof url, "https://app.sideband.cloud/connect/%s", code ? code : "");
  SBT_STR_EQ(sb_cloud_api_data_string(&r, "url"), url);
  const cJSON *exp = cJSON_GetObjectItemCaseSensitive(r.data, "expiresAt");
  SBT_CHECK(cJSON_IsNumber(exp) && exp->valuedouble == 1767225600000.0 + 1500.0 + 120000.0,
            "expiresAt in Unix ms");
  char first[64];
  snprintf(first, sizeof first, "%s", code ? code : "");
  sb_cloud_api_result_free(&r);
  SBT_CHECK(strcmp(create_code(s, 0, "{}"), first) != 0, "codes differ");
  const char *bad[] = {"{\"ttlSeconds\":0}", "{\"ttlSeconds\":301}", "{\"ttlSeconds\":1.5}",
                       "{\"ttlSeconds\":\"60\"}", "[]", "5"};
  for (size_t i = 0; i < SB_ARRAY_LEN(bad); i++) {
    SBT_OK(sb_cloud_request_build(&g_req, SB_CLOUD_PROC_CREATE_QC, "sbnd_dak_abc", NULL, false));
    snprintf(g_req.body, sizeof g_req.body, "%s", bad[i]);
    g_req.body_len = strlen(g_req.body);
    SBT_OK(sb_cloud_server_handle(s, 0, &g_req, &g_resp));
    SBT_OK(sb_cloud_api_result_map(&g_resp, &r));
    expect_error(&r, 400);
  }
}

static void server_quick_connect_is_opt_in_and_rate_limited(void) {
  /* CLOUD-055: off by default (403), 10 codes per minute per daemon (429). */
  sb_cloud_server *s = server(true);
  sb_cloud_api_result r = call(s, 0, SB_CLOUD_PROC_CREATE_QC, "sbnd_dak_res", NULL, NULL);
  expect_error(&r, 403);
  r = call(s, 0, SB_CLOUD_PROC_CREATE_QC, "sbnd_dak_nope", NULL, NULL);
  expect_error(&r, 401);
  for (int i = 0; i < 10; i++) {
    r = call(s, SB_TIME_S(i), SB_CLOUD_PROC_CREATE_QC, "sbnd_dak_abc", NULL, NULL);
    SBT_CHECK(r.error.kind == SB_CLOUD_ERROR_NONE, "code %d within the limit", i);
    sb_cloud_api_result_free(&r);
  }
  r = call(s, SB_TIME_S(59), SB_CLOUD_PROC_CREATE_QC, "sbnd_dak_abc", NULL, NULL);
  SBT_EQ_U64(g_resp.status, 429); /* a 2xx body could not say 429 */
  expect_error(&r, 429);
  r = call(s, SB_TIME_S(60), SB_CLOUD_PROC_CREATE_QC, "sbnd_dak_abc", NULL, NULL);
  SBT_CHECK(r.error.kind == SB_CLOUD_ERROR_NONE, "the first creation left the window");
  sb_cloud_api_result_free(&r);
}

static void server_faults_replace_the_next_matching_answer(void) {
  /* Fault hooks for scenarios: statuses, network failure, non-JSON and
   * data-less 2xx answers (section 2.2), in queue order, per procedure. */
  sb_cloud_server *s = server(true);
  SBT_OK(sb_cloud_server_fault_push(s, SB_CLOUD_PROC_CREATE_SESSION, (sb_cloud_fault){SB_CLOUD_FAULT_STATUS, 500, false}));
  SBT_OK(sb_cloud_server_fault_push(s, NULL, (sb_cloud_fault){SB_CLOUD_FAULT_NETWORK, 0, false}));
  SBT_OK(sb_cloud_server_fault_push(s, SB_CLOUD_PROC_CREATE_SESSION, (sb_cloud_fault){SB_CLOUD_FAULT_STATUS, 429, false}));
  SBT_EQ_U64(sb_cloud_server_faults_pending(s), 3);
  sb_cloud_api_result r = call(s, 0, SB_CLOUD_PROC_RENEW_TOKEN, "sbnd_dak_abc", NULL, NULL);
  SBT_CHECK(r.error.kind == SB_CLOUD_ERROR_OTHER, "the any-procedure network fault");
  sb_cloud_api_result_free(&r);
  r = call(s, 0, SB_CLOUD_PROC_CREATE_SESSION, "tok-alice", "daemonId", "d_abc");
  expect_error(&r, 500);
  r = call(s, 0, SB_CLOUD_PROC_CREATE_SESSION, "tok-alice", "daemonId", "d_abc");
  SBT_EQ_U64(g_resp.status, 429);
  expect_error(&r, 429);
  SBT_EQ_U64(sb_cloud_server_faults_pending(s), 0);
  r = call(s, 0, SB_CLOUD_PROC_CREATE_SESSION, "tok-alice", "daemonId", "d_abc");
  SBT_CHECK(r.error.kind == SB_CLOUD_ERROR_NONE, "back to normal");
  sb_cloud_api_result_free(&r);
  SBT_EQ_U64(sb_cloud_server_sid_count(s), 1); /* faulted calls issued nothing */

  const int statuses[] = {400, 401, 403, 404, 409};
  for (size_t i = 0; i < SB_ARRAY_LEN(statuses); i++) {
    SBT_OK(sb_cloud_server_fault_push(s, NULL, (sb_cloud_fault){SB_CLOUD_FAULT_STATUS, statuses[i], false}));
    r = call(s, 0, SB_CLOUD_PROC_CREATE_SESSION, "tok-alice", "daemonId", "d_abc");
    SBT_EQ_U64(g_resp.status, 200); /* errors_in_body */
    expect_error(&r, (unsigned)statuses[i]);
  }
  SBT_OK(sb_cloud_server_fault_push(s, NULL, (sb_cloud_fault){SB_CLOUD_FAULT_NOT_JSON, 0, false}));
  r = call(s, 0, SB_CLOUD_PROC_RENEW_TOKEN, "sbnd_dak_abc", NULL, NULL);
  expect_error(&r, 500);
  SBT_OK(sb_cloud_server_fault_push(s, NULL, (sb_cloud_fault){SB_CLOUD_FAULT_NO_DATA, 0, false}));
  r = call(s, 0, SB_CLOUD_PROC_RENEW_TOKEN, "sbnd_dak_abc", NULL, NULL);
  expect_error(&r, 500);
  SBT_ERR_EQ(sb_cloud_server_fault_push(s, NULL, (sb_cloud_fault){SB_CLOUD_FAULT_STATUS, 302, false}), SB_ERR_ARG);
  for (unsigned i = 0; i < SB_CLOUD_SERVER_MAX_FAULTS; i++)
    SBT_OK(sb_cloud_server_fault_push(s, "x", (sb_cloud_fault){SB_CLOUD_FAULT_NETWORK, 0, false}));
  SBT_ERR_EQ(sb_cloud_server_fault_push(s, "x", (sb_cloud_fault){SB_CLOUD_FAULT_NETWORK, 0, false}), SB_ERR_FULL);
}

static void server_lost_response_still_takes_effect(void) {
  /* A processed fault: the redeem consumed the code (CLOUD-050) but the
   * answer was lost, so the retry finds nothing (404). */
  sb_cloud_server *s = server(true);
  SBT_OK(sb_cloud_server_set_online(s, "d_abc", true));
  char code[64];
  snprintf(code, sizeof code, "%s", create_code(s, 0, "{}"));
  SBT_OK(sb_cloud_server_fault_push(s, SB_CLOUD_PROC_REDEEM, (sb_cloud_fault){SB_CLOUD_FAULT_NETWORK, 0, true}));
  sb_cloud_api_result r = call(s, 0, SB_CLOUD_PROC_REDEEM, NULL, "code", code);
  SBT_CHECK(r.error.kind == SB_CLOUD_ERROR_OTHER, "network failure");
  sb_cloud_api_result_free(&r);
  SBT_EQ_U64(sb_cloud_server_sid_count(s), 1);
  r = call(s, 0, SB_CLOUD_PROC_REDEEM, NULL, "code", code);
  expect_error(&r, 404);
}

static void server_setup_refuses_bad_configurations(void) {
  uint8_t seed[32] = {0};
  sb_cloud_server_config cfg;
  sb_cloud_server_config_init(&cfg, seed);
  sb_xoshiro_seed(&g_x, 1);
  sb_rng rng = sb_xoshiro_rng(&g_x);
  cfg.session_ttl_s = 0;
  SBT_ERR_EQ(sb_cloud_server_init(&g_s, &cfg, &rng), SB_ERR_ARG);
  cfg.session_ttl_s = 121;
  SBT_ERR_EQ(sb_cloud_server_init(&g_s, &cfg, &rng), SB_ERR_ARG);
  cfg.session_ttl_s = 60;
  cfg.qc_rate_limit = SB_CLOUD_QC_RATE_MAX + 1;
  SBT_ERR_EQ(sb_cloud_server_init(&g_s, &cfg, &rng), SB_ERR_ARG);
  cfg.qc_rate_limit = 0;
  cfg.issuer = "";
  SBT_ERR_EQ(sb_cloud_server_init(&g_s, &cfg, &rng), SB_ERR_ARG);
  cfg.issuer = SB_CLOUD_DEFAULT_API_URL;
  sb_rng bad = sbt_failing_rng();
  SBT_ERR_EQ(sb_cloud_server_init(&g_s, &cfg, &bad), SB_ERR_RNG);
  SBT_OK(sb_cloud_server_init(&g_s, &cfg, &rng));
  SBT_OK(sb_cloud_server_add_user(&g_s, "u", "t"));
  SBT_ERR_EQ(sb_cloud_server_add_user(&g_s, "u", "t2"), SB_ERR_EXISTS);
  SBT_ERR_EQ(sb_cloud_server_add_user(&g_s, "v", "t"), SB_ERR_EXISTS);
  SBT_ERR_EQ(sb_cloud_server_add_user(&g_s, "", "x"), SB_ERR_ARG);
  sb_cloud_daemon_spec d = {"d", "k", "nobody", ID_ABC, false, false};
  SBT_ERR_EQ(sb_cloud_server_add_daemon(&g_s, &d), SB_ERR_NOT_FOUND);
  d.owner = "u";
  SBT_OK(sb_cloud_server_add_daemon(&g_s, &d));
  SBT_ERR_EQ(sb_cloud_server_add_daemon(&g_s, &d), SB_ERR_EXISTS);
  SBT_ERR_EQ(sb_cloud_server_set_online(&g_s, "zz", true), SB_ERR_NOT_FOUND);
  uint8_t k[32];
  SBT_OK(sb_cloud_server_set_identity(&g_s, "d", ID_RES));
  SBT_OK(sb_cloud_server_identity(&g_s, "d", k));
  SBT_CHECK(memcmp(k, ID_RES, 32) == 0, "rotated identity (SBRP-TOFU-005)");
  /* with no rate limit, creations are not counted against anything */
  d = (sb_cloud_daemon_spec){"d2", "k2", "u", ID_ABC, false, true};
  SBT_OK(sb_cloud_server_add_daemon(&g_s, &d));
  for (int i = 0; i < 20; i++) {
    sb_cloud_api_result r = call(&g_s, 0, SB_CLOUD_PROC_CREATE_QC, "k2", NULL, NULL);
    SBT_CHECK(r.error.kind == SB_CLOUD_ERROR_NONE, "unlimited %d", i);
    sb_cloud_api_result_free(&r);
  }
}

static void server_signing_key_can_be_rotated(void) {
  /* AUTH-030/033: after a rotation tokens carry the new kid and verify with
   * the new key only. */
  sb_cloud_server *s = server(true);
  sb_auth_jwk old;
  sb_cloud_server_jwk(s, &old);
  uint8_t seed[32];
  memset(seed, 0x77, sizeof seed);
  sb_auth_signing_key k2;
  SBT_OK(sb_auth_signing_key_from_seed(&k2, seed));
  SBT_OK(sb_cloud_server_set_signing_key(s, &k2, "kid-2"));
  sb_auth_jwk now;
  sb_cloud_server_jwk(s, &now);
  SBT_STR_EQ(now.kid, "kid-2");
  SBT_CHECK(!memcmp(now.x, k2.pk, 32), "the JWK is the new key");
  sb_cloud_api_result r = call(s, 0, SB_CLOUD_PROC_CREATE_SESSION, "tok-alice", "daemonId", "d_abc");
  const char *tok = sb_cloud_api_data_string(&r, "token");
  sb_auth_claims c;
  if (verify(s, 0, tok, SB_AUTH_ROLE_CLIENT, &c)) sb_auth_claims_free(&c);
  sb_auth_verify_opts o;
  sb_auth_verify_opts_init(&o, SB_CLOUD_DEFAULT_API_URL, sb_cloud_server_unix_s(s, 0));
  SBT_CHECK(sb_auth_token_verify(tok, strlen(tok), &old, 1, &o, &c) != SB_OK, "the old key no longer verifies");
  sb_cloud_api_result_free(&r);
  SBT_ERR_EQ(sb_cloud_server_set_signing_key(s, &k2, ""), SB_ERR_ARG);
  SBT_ERR_EQ(sb_cloud_server_set_signing_key(s, NULL, "kid-3"), SB_ERR_ARG);
}

SBT_SUITE(cloud_server, "cloud/server", SBT_CASE(server_create_session_issues_a_fresh_sid_every_call),
          SBT_CASE(server_sids_are_a_bijection_that_skips_zero),
          SBT_CASE(server_create_session_refuses_bad_callers),
          SBT_CASE(server_accepts_wrapped_and_raw_bodies),
          SBT_CASE(server_renew_token_mints_presence_tokens),
          SBT_CASE(server_quick_connect_code_is_single_use),
          SBT_CASE(server_quick_connect_consumes_the_code_before_the_online_check),
          SBT_CASE(server_quick_connect_codes_expire),
          SBT_CASE(server_quick_connect_codes_carry_160_random_bits),
          SBT_CASE(server_quick_connect_is_opt_in_and_rate_limited),
          SBT_CASE(server_faults_replace_the_next_matching_answer),
          SBT_CASE(server_lost_response_still_takes_effect),
          SBT_CASE(server_setup_refuses_bad_configurations),
          SBT_CASE(server_signing_key_can_be_rotated))
