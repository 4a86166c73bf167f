#include "cloud/listen.h"

#include <string.h>

#include "cloud/server.h"
#include "common/error.h"
#include "peer/backoff.h"
#include "test/sbt.h"

static const uint8_t ID_ABC[32] = {0xAB, 1};

static sb_xoshiro g_sx, g_jx, g_expect;
static sb_cloud_server g_s;
static sb_cloud_listen g_l;
static sb_cloud_http_response g_resp;

static sb_cloud_server *server(void) {
  uint8_t seed[32];
  memset(seed, 0x22, sizeof seed);
  sb_cloud_server_config cfg;
  sb_cloud_server_config_init(&cfg, seed);
  sb_xoshiro_seed(&g_sx, 3);
  sb_rng rng = sb_xoshiro_rng(&g_sx);
  SBT_OK(sb_cloud_server_init(&g_s, &cfg, &rng));
  SBT_OK(sb_cloud_server_add_user(&g_s, "u_alice", "tok-alice"));
  sb_cloud_daemon_spec d = {"d_abc", "sbnd_dak_abc", "u_alice", ID_ABC, false, true};
  SBT_OK(sb_cloud_server_add_daemon(&g_s, &d));
  /* the jitter stream, and a copy to predict it */
  sb_xoshiro_seed(&g_jx, 99);
  sb_xoshiro_seed(&g_expect, 99);
  return &g_s;
}

static sb_rng jitter_rng(void) { return sb_xoshiro_rng(&g_jx); }

/* The next U(0, span) the machine will draw. */
static sb_time_us expected_uniform(sb_time_us span) {
  sb_rng r = sb_xoshiro_rng(&g_expect);
  double u = 0.0;
  SBT_OK(sb_peer_backoff_draw(&r, &u));
  return (sb_time_us)(u * (double)span);
}

static sb_cloud_listen_config listen_cfg(const char *daemon_id) {
  sb_cloud_listen_config cfg;
  memset(&cfg, 0, sizeof cfg);
  cfg.api_key = "sbnd_dak_abc";
  cfg.daemon_id = daemon_id;
  return cfg;
}

/* Answer the pending CALL with the server at `now`. */
static sb_cloud_listen_step answer(sb_cloud_server *s, sb_time_us now, sb_cloud_listen_step st) {
  sb_cloud_listen_step next;
  memset(&next, 0, sizeof next);
  SBT_CHECK(st.kind == SB_CLOUD_LISTEN_CALL, "a CALL is pending (kind %d)", st.kind);
  if (st.kind != SB_CLOUD_LISTEN_CALL) return next;
  SBT_OK(sb_cloud_server_handle(s, now, st.request, &g_resp));
  sb_rng rng = jitter_rng();
  SBT_OK(sb_cloud_listen_response(&g_l, now, &rng, &g_resp, &next));
  return next;
}

/* Start and connect: startup token, OPEN, WebSocket open at `now`. */
static void running(sb_cloud_server *s, sb_time_us now) {
  sb_cloud_listen_config cfg = listen_cfg(NULL);
  SBT_OK(sb_cloud_listen_init(&g_l, &cfg));
  sb_cloud_listen_step st;
  SBT_OK(sb_cloud_listen_start(&g_l, &st));
  st = answer(s, now, st);
  SBT_CHECK(st.kind == SB_CLOUD_LISTEN_OPEN, "open");
  SBT_OK(sb_cloud_listen_ws_open(&g_l, now));
}

static sb_cloud_listen_step end(sb_time_us now, sb_cloud_listen_end how) {
  sb_cloud_listen_step st;
  sb_rng rng = jitter_rng();
  SBT_OK(sb_cloud_listen_ws_end(&g_l, now, &rng, how, &st));
  return st;
}

static void listen_startup_takes_the_daemon_id_from_the_presence_token(void) {
  /* CLOUD-060, CLOUD-061 (renewToken first, did), CLOUD-065 (resolves on
   * the first open WebSocket), AUTH-022 (token in the query). */
  sb_cloud_server *s = server();
  sb_cloud_listen_config cfg = listen_cfg(NULL);
  SBT_OK(sb_cloud_listen_init(&g_l, &cfg));
  SBT_CHECK(sb_cloud_listen_daemon_id(&g_l) == NULL, "no ID before startup");
  sb_cloud_listen_step st;
  SBT_OK(sb_cloud_listen_start(&g_l, &st));
  SBT_ERR_EQ(sb_cloud_listen_start(&g_l, &st), SB_ERR_STATE);
  SBT_CHECK(st.kind == SB_CLOUD_LISTEN_CALL, "startup calls the API first");
  SBT_STR_EQ(st.request->procedure, "daemon.renewToken");
  SBT_STR_EQ(st.request->bearer, "sbnd_dak_abc");
  SBT_STR_EQ(st.request->body, "null");
  st = answer(s, 0, st);
  SBT_CHECK(st.kind == SB_CLOUD_LISTEN_OPEN, "then the relay");
  SBT_STR_EQ(sb_cloud_listen_daemon_id(&g_l), "d_abc");
  SBT_CHECK(strncmp(st.url, "wss://relay.sideband.cloud/?token=", 34) == 0, "url %s", st.url);
  char token[SB_AUTH_TOKEN_MAX_CHARS + 1];
  size_t n;
  SBT_OK(sb_cloud_url_get_token(st.url, token, sizeof token, &n));
  char did[64];
  SBT_OK(sb_auth_token_peek_did(token, n, SB_AUTH_PEEK_STRICT, "d_abc", did, sizeof did));
  SBT_CHECK(!g_l.resolved, "listen() still pending");
  SBT_OK(sb_cloud_listen_ws_open(&g_l, 0));
  SBT_CHECK(g_l.resolved, "listen() resolved");
  SBT_EQ_U64(sb_cloud_server_calls(s, SB_CLOUD_PROC_RENEW_TOKEN), 1);
}

static void listen_startup_daemon_id_mismatch_is_a_fatal_400(void) {
  /* CLOUD-061, AUTH-061: a supplied daemonId that is not the token's did. */
  sb_cloud_server *s = server();
  sb_cloud_listen_config cfg = listen_cfg("d_wrong");
  SBT_OK(sb_cloud_listen_init(&g_l, &cfg));
  sb_cloud_listen_step st;
  SBT_OK(sb_cloud_listen_start(&g_l, &st));
  st = answer(s, 0, st);
  SBT_CHECK(st.kind == SB_CLOUD_LISTEN_STOP && st.error.kind == SB_CLOUD_ERROR_API &&
                st.error.code == 400 && st.rejects_listen,
            "CloudApiError(400), listen() rejects");
  cfg = listen_cfg("d_abc");
  SBT_OK(sb_cloud_listen_init(&g_l, &cfg));
  SBT_OK(sb_cloud_listen_start(&g_l, &st));
  st = answer(s, 0, st);
  SBT_CHECK(st.kind == SB_CLOUD_LISTEN_OPEN, "the right ID passes");
  /* a token whose did cannot be read is a 400 too */
  SBT_OK(sb_cloud_listen_init(&g_l, &cfg));
  SBT_OK(sb_cloud_listen_start(&g_l, &st));
  const char *body = "{\"result\":{\"data\":{\"presenceToken\":\"x.eyJhIjoxfQ.y\"}}}";
  SBT_OK(sb_cloud_response_raw(&g_resp, 200, body, strlen(body)));
  sb_rng rng = jitter_rng();
  SBT_OK(sb_cloud_listen_response(&g_l, 0, &rng, &g_resp, &st));
  SBT_CHECK(st.kind == SB_CLOUD_LISTEN_STOP && st.error.code == 400, "no did: 400");
}

static void listen_startup_fatal_api_errors_stop_without_retry(void) {
  /* CLOUD-062 (one fetch only), CLOUD-040. */
  const int fatal[] = {400, 401, 403, 404};
  for (size_t i = 0; i < SB_ARRAY_LEN(fatal); i++) {
    sb_cloud_server *s = server();
    SBT_OK(sb_cloud_server_fault_push(s, NULL, (sb_cloud_fault){SB_CLOUD_FAULT_STATUS, fatal[i], false}));
    sb_cloud_listen_config cfg = listen_cfg(NULL);
    SBT_OK(sb_cloud_listen_init(&g_l, &cfg));
    sb_cloud_listen_step st;
    SBT_OK(sb_cloud_listen_start(&g_l, &st));
    st = answer(s, 0, st);
    SBT_CHECK(st.kind == SB_CLOUD_LISTEN_STOP && st.error.code == (unsigned)fatal[i] &&
                  st.rejects_listen && !st.report,
              "%d stops at once", fatal[i]);
    SBT_EQ_U64(sb_cloud_server_calls(s, NULL), 1);
    SBT_ERR_EQ(sb_cloud_listen_wake(&g_l, &st), SB_ERR_STATE);
  }
  /* an API key the model does not know, for real */
  sb_cloud_server *s = server();
  sb_cloud_listen_config cfg = listen_cfg(NULL);
  cfg.api_key = "dak_unknown"; /* CI-6: either prefix is just a key */
  SBT_OK(sb_cloud_listen_init(&g_l, &cfg));
  sb_cloud_listen_step st;
  SBT_OK(sb_cloud_listen_start(&g_l, &st));
  st = answer(s, 0, st);
  SBT_CHECK(st.kind == SB_CLOUD_LISTEN_STOP && st.error.code == 401, "401");
}

static void listen_startup_retries_other_failures_forever_without_jitter(void) {
  /* CLOUD-063: min(1000 * 2^n, 30000) ms, n = 0, 1, ...; 409 and 429 are
   * not fatal for the daemon either. */
  sb_cloud_server *s = server();
  const sb_cloud_fault faults[] = {
      {SB_CLOUD_FAULT_STATUS, 500, false}, {SB_CLOUD_FAULT_NETWORK, 0, false},
      {SB_CLOUD_FAULT_STATUS, 429, false}, {SB_CLOUD_FAULT_STATUS, 409, false},
      {SB_CLOUD_FAULT_NOT_JSON, 0, false}, {SB_CLOUD_FAULT_STATUS, 503, false},
      {SB_CLOUD_FAULT_NO_DATA, 0, false},  {SB_CLOUD_FAULT_STATUS, 502, false}};
  const int64_t want_ms[] = {1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000};
  for (size_t i = 0; i < SB_ARRAY_LEN(faults); i++) SBT_OK(sb_cloud_server_fault_push(s, NULL, faults[i]));
  sb_cloud_listen_config cfg = listen_cfg(NULL);
  SBT_OK(sb_cloud_listen_init(&g_l, &cfg));
  sb_cloud_listen_step st;
  SBT_OK(sb_cloud_listen_start(&g_l, &st));
  sb_time_us now = 0;
  for (size_t i = 0; i < SB_ARRAY_LEN(faults); i++) {
    st = answer(s, now, st);
    SBT_CHECK(st.kind == SB_CLOUD_LISTEN_SLEEP && st.delay == SB_TIME_MS(want_ms[i]),
              "retry %zu: kind %d delay %lld us", i, st.kind, (long long)st.delay);
    now += st.delay;
    SBT_OK(sb_cloud_listen_wake(&g_l, &st));
    SBT_CHECK(st.kind == SB_CLOUD_LISTEN_CALL, "fetch again");
  }
  st = answer(s, now, st);
  SBT_CHECK(st.kind == SB_CLOUD_LISTEN_OPEN, "succeeds once the API answers");
  SBT_EQ_U64(sb_cloud_listen_backoff(0), SB_TIME_MS(1000));
  SBT_EQ_U64(sb_cloud_listen_backoff(4), SB_TIME_MS(16000));
  SBT_EQ_U64(sb_cloud_listen_backoff(5), SB_TIME_MS(30000));
  SBT_EQ_U64(sb_cloud_listen_backoff(UINT32_MAX), SB_TIME_MS(30000));
}

static void listen_abort_counts_only_before_the_first_connection(void) {
  /* CLOUD-064 */
  server();
  sb_cloud_listen_config cfg = listen_cfg(NULL);
  SBT_OK(sb_cloud_listen_init(&g_l, &cfg));
  sb_cloud_listen_step st;
  SBT_OK(sb_cloud_listen_abort(&g_l, &st)); /* already aborted when listen() is called */
  SBT_CHECK(st.kind == SB_CLOUD_LISTEN_STOP && st.error.kind == SB_CLOUD_ERROR_ABORT &&
                st.rejects_listen,
            "AbortError");
  SBT_ERR_EQ(sb_cloud_listen_start(&g_l, &st), SB_ERR_STATE);
  sb_cloud_server *s = server();
  SBT_OK(sb_cloud_server_fault_push(s, NULL, (sb_cloud_fault){SB_CLOUD_FAULT_STATUS, 500, false}));
  SBT_OK(sb_cloud_listen_init(&g_l, &cfg));
  SBT_OK(sb_cloud_listen_start(&g_l, &st));
  st = answer(s, 0, st);
  SBT_OK(sb_cloud_listen_abort(&g_l, &st)); /* during a startup sleep */
  SBT_CHECK(st.kind == SB_CLOUD_LISTEN_STOP && st.rejects_listen, "aborted while retrying");
  running(server(), 0);
  SBT_OK(sb_cloud_listen_abort(&g_l, &st));
  SBT_CHECK(st.kind == SB_CLOUD_LISTEN_NONE && g_l.state == SB_CLOUD_LISTEN_CONNECTED,
            "no effect once connected");
}

static void listen_each_later_connection_uses_a_fresh_presence_token(void) {
  /* CLOUD-070: the startup token for the first, renewToken for each later one. */
  sb_cloud_server *s = server();
  running(s, 0);
  char first[SB_AUTH_TOKEN_MAX_CHARS + 1];
  size_t n;
  SBT_OK(sb_cloud_url_get_token(g_l.url, first, sizeof first, &n));
  SBT_EQ_U64(sb_cloud_server_calls(s, SB_CLOUD_PROC_RENEW_TOKEN), 1);
  sb_cloud_listen_step st = end(SB_TIME_S(60), SB_CLOUD_LISTEN_END_CLEAN);
  SBT_CHECK(st.kind == SB_CLOUD_LISTEN_SLEEP, "sleep");
  SBT_OK(sb_cloud_listen_wake(&g_l, &st));
  SBT_CHECK(st.kind == SB_CLOUD_LISTEN_CALL, "a new token first");
  st = answer(s, SB_TIME_S(62), st);
  SBT_CHECK(st.kind == SB_CLOUD_LISTEN_OPEN, "open");
  char second[SB_AUTH_TOKEN_MAX_CHARS + 1];
  SBT_OK(sb_cloud_url_get_token(st.url, second, sizeof second, &n));
  SBT_CHECK(strcmp(first, second) != 0, "a different token");
  SBT_EQ_U64(sb_cloud_server_calls(s, SB_CLOUD_PROC_RENEW_TOKEN), 2);
}

static void listen_clean_close_backoff(void) {
  /* CLOUD-071: >= 5 s up: reset, U(0, 2000) ms; sooner: min(1000*2^n, 30000), n += 1. */
  sb_cloud_server *s = server();
  running(s, 0);
  sb_time_us now = 0;
  const int64_t want_ms[] = {1000, 2000, 4000, 8000, 16000, 30000, 30000};
  for (size_t i = 0; i < SB_ARRAY_LEN(want_ms); i++) {
    now += SB_TIME_MS(4999);
    sb_cloud_listen_step st = end(now, SB_CLOUD_LISTEN_END_CLEAN);
    SBT_CHECK(st.kind == SB_CLOUD_LISTEN_SLEEP && st.delay == SB_TIME_MS(want_ms[i]) && !st.report,
              "short clean close %zu: %lld us", i, (long long)st.delay);
    now += st.delay;
    SBT_OK(sb_cloud_listen_wake(&g_l, &st));
    st = answer(s, now, st);
    SBT_OK(sb_cloud_listen_ws_open(&g_l, now));
  }
  now += SB_TIME_MS(5000); /* exactly the threshold counts as stable */
  sb_cloud_listen_step st = end(now, SB_CLOUD_LISTEN_END_CLEAN);
  sb_time_us want = expected_uniform(SB_CLOUD_LISTEN_CLEAN_JITTER);
  SBT_CHECK(st.kind == SB_CLOUD_LISTEN_SLEEP && st.delay == want, "jitter %lld, want %lld",
            (long long)st.delay, (long long)want);
  SBT_CHECK(st.delay >= 0 && st.delay < SB_TIME_MS(2000), "U(0, 2000) ms");
  SBT_EQ_U64(g_l.loop_attempt, 0);
  now += st.delay;
  SBT_OK(sb_cloud_listen_wake(&g_l, &st));
  st = answer(s, now, st);
  SBT_OK(sb_cloud_listen_ws_open(&g_l, now));
  st = end(now + SB_TIME_MS(100), SB_CLOUD_LISTEN_END_CLEAN);
  SBT_CHECK(st.delay == SB_TIME_MS(1000), "the ladder starts again at 1 s");
}

static void listen_error_backoff_adds_jitter_and_credits_stable_connections(void) {
  /* CLOUD-072: error -> reset if the connection lived >= 5 s; wait
   * min(1000*2^n, 30000) + U(0, 500) ms; n += 1; no limit. CLOUD-073:
   * errors are reported, kicks are not. */
  sb_cloud_server *s = server();
  running(s, 0);
  sb_time_us now = SB_TIME_S(1);
  sb_cloud_listen_step st = end(now, SB_CLOUD_LISTEN_END_ERROR);
  sb_time_us j = expected_uniform(SB_CLOUD_LISTEN_ERROR_JITTER);
  SBT_CHECK(st.kind == SB_CLOUD_LISTEN_SLEEP && st.delay == SB_TIME_MS(1000) + j && st.report,
            "1 s + jitter, reported");
  SBT_CHECK(j >= 0 && j < SB_TIME_MS(500), "U(0, 500) ms");
  /* the next connection fails to open: no uptime to credit */
  now += st.delay;
  SBT_OK(sb_cloud_listen_wake(&g_l, &st));
  st = answer(s, now, st);
  st = end(now + SB_TIME_S(9), SB_CLOUD_LISTEN_END_ERROR);
  j = expected_uniform(SB_CLOUD_LISTEN_ERROR_JITTER);
  SBT_CHECK(st.delay == SB_TIME_MS(2000) + j, "open failure: 2 s + jitter (%lld)", (long long)st.delay);
  /* a kick after 3 s up: not reported, not credited */
  now += SB_TIME_S(9) + st.delay;
  SBT_OK(sb_cloud_listen_wake(&g_l, &st));
  st = answer(s, now, st);
  SBT_OK(sb_cloud_listen_ws_open(&g_l, now));
  st = end(now + SB_TIME_S(3), SB_CLOUD_LISTEN_END_KICK);
  j = expected_uniform(SB_CLOUD_LISTEN_ERROR_JITTER);
  SBT_CHECK(st.delay == SB_TIME_MS(4000) + j && !st.report, "kick: 4 s + jitter, silent");
  /* an error after 5 s up resets the ladder */
  now += SB_TIME_S(3) + st.delay;
  SBT_OK(sb_cloud_listen_wake(&g_l, &st));
  st = answer(s, now, st);
  SBT_OK(sb_cloud_listen_ws_open(&g_l, now));
  st = end(now + SB_TIME_S(5), SB_CLOUD_LISTEN_END_ERROR);
  j = expected_uniform(SB_CLOUD_LISTEN_ERROR_JITTER);
  SBT_CHECK(st.delay == SB_TIME_MS(1000) + j, "stable: back to 1 s + jitter");
  /* the renewal fails (not fatal): reported, backoff continues */
  now += SB_TIME_S(5) + st.delay;
  SBT_OK(sb_cloud_server_fault_push(s, NULL, (sb_cloud_fault){SB_CLOUD_FAULT_STATUS, 503, false}));
  SBT_OK(sb_cloud_listen_wake(&g_l, &st));
  st = answer(s, now, st);
  j = expected_uniform(SB_CLOUD_LISTEN_ERROR_JITTER);
  SBT_CHECK(st.kind == SB_CLOUD_LISTEN_SLEEP && st.delay == SB_TIME_MS(2000) + j && st.report &&
                st.error.code == 503,
            "renewal 503: 2 s + jitter");
  /* a fatal renewal ends the loop; listen() had resolved, so it is logged */
  SBT_OK(sb_cloud_server_fault_push(s, NULL, (sb_cloud_fault){SB_CLOUD_FAULT_STATUS, 403, false}));
  SBT_OK(sb_cloud_listen_wake(&g_l, &st));
  st = answer(s, now + st.delay, st);
  SBT_CHECK(st.kind == SB_CLOUD_LISTEN_STOP && st.error.code == 403 && !st.rejects_listen && st.report,
            "fatal 403 stops the loop, logged");
  SBT_ERR_EQ(sb_cloud_listen_wake(&g_l, &st), SB_ERR_STATE);
}

static void listen_fatal_error_before_the_first_open_rejects(void) {
  /* CLOUD-072: "rejects listen() if still starting" -- the first relay
   * WebSocket never opened, so a fatal renewal rejects. */
  sb_cloud_server *s = server();
  sb_cloud_listen_config cfg = listen_cfg(NULL);
  SBT_OK(sb_cloud_listen_init(&g_l, &cfg));
  sb_cloud_listen_step st;
  SBT_OK(sb_cloud_listen_start(&g_l, &st));
  st = answer(s, 0, st);
  st = end(SB_TIME_S(1), SB_CLOUD_LISTEN_END_ERROR); /* the first connect fails */
  SBT_CHECK(st.kind == SB_CLOUD_LISTEN_SLEEP, "retry");
  SBT_OK(sb_cloud_server_fault_push(s, NULL, (sb_cloud_fault){SB_CLOUD_FAULT_STATUS, 401, false}));
  SBT_OK(sb_cloud_listen_wake(&g_l, &st));
  st = answer(s, SB_TIME_S(3), st);
  SBT_CHECK(st.kind == SB_CLOUD_LISTEN_STOP && st.rejects_listen && !st.report, "listen() rejects");
}

static void listen_close_stops_the_loop(void) {
  /* CLOUD-074 */
  sb_cloud_server *s = server();
  running(s, 0);
  sb_cloud_listen_step st;
  sb_cloud_listen_close(&g_l, &st);
  SBT_CHECK(st.kind == SB_CLOUD_LISTEN_STOP && st.error.kind == SB_CLOUD_ERROR_NONE &&
                !st.rejects_listen && !st.report,
            "stopped quietly");
  SBT_ERR_EQ(sb_cloud_listen_ws_open(&g_l, 0), SB_ERR_STATE);
  sb_rng rng = jitter_rng();
  SBT_ERR_EQ(sb_cloud_listen_ws_end(&g_l, 0, &rng, SB_CLOUD_LISTEN_END_CLEAN, &st), SB_ERR_STATE);
  SBT_ERR_EQ(sb_cloud_listen_response(&g_l, 0, &rng, &g_resp, &st), SB_ERR_STATE);
  sb_cloud_listen_close(&g_l, &st);
  SBT_CHECK(st.kind == SB_CLOUD_LISTEN_STOP, "idempotent");
}

static void listen_options_are_checked(void) {
  /* CLOUD-060: apiKey required; a relay URL must be a URL. */
  sb_cloud_listen_config cfg = listen_cfg(NULL);
  cfg.api_key = NULL;
  SBT_ERR_EQ(sb_cloud_listen_init(&g_l, &cfg), SB_ERR_ARG);
  cfg = listen_cfg(NULL);
  cfg.relay_url = "relay.example.com";
  SBT_ERR_EQ(sb_cloud_listen_init(&g_l, &cfg), SB_ERR_ARG);
  cfg.relay_url = "wss://relay.example.com/daemon";
  SBT_OK(sb_cloud_listen_init(&g_l, &cfg));
  sb_cloud_server *s = server();
  sb_cloud_listen_step st;
  SBT_OK(sb_cloud_listen_start(&g_l, &st));
  st = answer(s, 0, st);
  SBT_CHECK(strncmp(st.url, "wss://relay.example.com/daemon?token=", 37) == 0, "relayUrl option");
  sb_rng rng = jitter_rng();
  SBT_ERR_EQ(sb_cloud_listen_ws_end(&g_l, 0, &rng, SB_CLOUD_LISTEN_END_CLEAN, &st), SB_ERR_STATE);
  sb_rng bad = sbt_failing_rng();
  SBT_ERR_EQ(sb_cloud_listen_ws_end(&g_l, 0, &bad, SB_CLOUD_LISTEN_END_ERROR, &st), SB_ERR_RNG);
}

SBT_SUITE(cloud_listen, "cloud/listen",
          SBT_CASE(listen_startup_takes_the_daemon_id_from_the_presence_token),
          SBT_CASE(listen_startup_daemon_id_mismatch_is_a_fatal_400),
          SBT_CASE(listen_startup_fatal_api_errors_stop_without_retry),
          SBT_CASE(listen_startup_retries_other_failures_forever_without_jitter),
          SBT_CASE(listen_abort_counts_only_before_the_first_connection),
          SBT_CASE(listen_each_later_connection_uses_a_fresh_presence_token),
          SBT_CASE(listen_clean_close_backoff),
          SBT_CASE(listen_error_backoff_adds_jitter_and_credits_stable_connections),
          SBT_CASE(listen_fatal_error_before_the_first_open_rejects),
          SBT_CASE(listen_close_stops_the_loop), SBT_CASE(listen_options_are_checked))
