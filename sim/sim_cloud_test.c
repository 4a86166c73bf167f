/*
 * The cloud control plane in the simulator (sim_cloud.h): API calls take
 * the link's latency both ways and are traced; the tokens the model mints
 * pass the relay's checks (the built-in control plane's key); the client
 * SDK fetches a fresh sid per attempt and follows its classification; the
 * listen loop renews its presence token per connection; the pin file is
 * written in the sbconf-pins text form, survives a crash and, corrupt,
 * stops the client without crashing the simulator.
 */
#define _POSIX_C_SOURCE 200809L
#include "sim_cloud.h"

#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "common/hex.h"
#include "sim_internal.h"
#include "test/sbt.h"

typedef struct fixture {
  sim_world *w;
  sim_cloud *c;
  sim_node *relay, *daemon;
} fixture;

static void setup(fixture *f, uint64_t seed, bool listen) {
  sim_world_config wc;
  sim_world_config_default(&wc);
  wc.seed = seed;
  f->w = sim_world_new(&wc, NULL);
  sim_relay_opts ro;
  sim_relay_opts_default(&ro);
  f->relay = sim_world_add_relay(f->w, &ro);
  sim_cloud_config cc;
  sim_cloud_config_default(&cc);
  f->c = sim_cloud_new(f->w, &cc);
  SBT_CHECK(f->c != NULL, "cloud created: %s", f->w->err);
  sim_daemon_opts dopts;
  sim_daemon_opts_default(&dopts);
  dopts.id = "d_abc";
  dopts.connect = !listen;
  dopts.auto_reconnect = !listen;
  f->daemon = sim_world_add_daemon(f->w, &dopts);
  if (listen) {
    sim_cloud_daemon_opts o = {0};
    SBT_OK(sim_cloud_attach_daemon(f->c, f->daemon, &o));
    SBT_OK(sim_cloud_listen_start(f->c, f->daemon));
  }
  sim_world_run_to(f->w, f->w->now + SB_TIME_S(1));
  SBT_STR_EQ(sim_node_state(f->daemon), "Connected");
}

static void teardown(fixture *f) {
  sim_cloud_free(f->c);
  sim_world_free(f->w);
}

static sim_node *client(fixture *f, const sim_cloud_client_opts *o, sb_sbrp_trust trust) {
  sim_client_opts co;
  sim_client_opts_default(&co);
  co.daemon_id = o->quick_connect ? "(quick connect)" : "d_abc";
  co.trust = trust;
  sim_node *n = sim_world_add_client(f->w, &co);
  SBT_CHECK(n != NULL, "client: %s", f->w->err);
  SBT_OK(sim_cloud_attach_client(f->c, n, o));
  return n;
}

/* The i-th record of `kind` for node `n` (what = `what` if given), or NULL. */
static const sim_rec *find(const sim_world *w, const sim_node *n, sim_rec_kind kind, const char *what, size_t nth) {
  for (size_t i = 0; i < w->trace.n; i++) {
    const sim_rec *r = sim_trace_rec(&w->trace, i);
    if (r->node != n->index || r->kind != kind) continue;
    if (what && (!r->what || strcmp(r->what, what) != 0)) continue;
    if (nth-- == 0) return r;
  }
  return NULL;
}

static void api_call_takes_the_latency_both_ways_and_is_traced(void) {
  /* CLOUD-001/022: relay.createSession per attempt; the answer after 2 x latency */
  fixture f;
  setup(&f, 1, false);
  sim_cloud_client_opts o = {0};
  sim_node *cl = client(&f, &o, SB_SBRP_TRUST_AUTO);
  sb_time_us t0 = f.w->now;
  SBT_OK(sim_node_connect(cl, NULL));
  SBT_STR_EQ(sim_node_state(cl), "Idle"); /* the token is on its way */
  SBT_CHECK(cl->fetching, "fetching the token");
  sim_world_run_to(f.w, t0 + SB_TIME_S(1));
  const sim_rec *call = find(f.w, cl, SIM_REC_API, "call", 0), *ans = find(f.w, cl, SIM_REC_API, "answer", 0);
  SBT_CHECK(call && ans, "a call and its answer in the trace");
  SBT_STR_EQ(call->event, "relay.createSession");
  SBT_STR_EQ(call->text, "{\"daemonId\":\"d_abc\"}");
  SBT_EQ_U64((uint64_t)(ans->t - call->t), (uint64_t)(2 * f.w->cfg.latency));
  SBT_EQ_U64((uint64_t)ans->code, 200);
  SBT_CHECK(ans->has_sid && ans->sid == sim_client_session_id(cl), "the answer's sid is the client's");
  SBT_STR_EQ(sim_node_state(cl), "Active"); /* the relay accepted the model's token */
  teardown(&f);
}

static void each_attempt_gets_a_new_sid(void) {
  /* AUTH-053, CLOUD-022 */
  fixture f;
  setup(&f, 2, false);
  sim_cloud_client_opts o = {0};
  sim_node *cl = client(&f, &o, SB_SBRP_TRUST_AUTO);
  SBT_OK(sim_node_connect(cl, NULL));
  sim_world_run_to(f.w, f.w->now + SB_TIME_S(1));
  uint64_t first = sim_client_session_id(cl);
  SBT_OK(sim_node_drop_connection(cl));
  sim_world_run_to(f.w, f.w->now + SB_TIME_S(5));
  SBT_STR_EQ(sim_node_state(cl), "Active");
  SBT_CHECK(sim_client_session_id(cl) != first && sim_client_session_id(cl) != 0, "another sid");
  SBT_EQ_U64(sb_cloud_server_sid_count(sim_cloud_server(f.c)), 2);
  SBT_CHECK(sb_cloud_server_sid_issued(sim_cloud_server(f.c), first), "the first sid came from the model");
  teardown(&f);
}

static void fatal_api_error_closes_the_client_retryable_one_backs_off(void) {
  /* CLOUD-040: 401 fatal (no second call), 503 retryable (a second call after the backoff) */
  fixture f;
  setup(&f, 3, false);
  sim_cloud_client_opts bad = {.access_token = "at_nobody"};
  sim_node *c1 = client(&f, &bad, SB_SBRP_TRUST_AUTO);
  SBT_OK(sim_node_connect(c1, NULL));
  sim_world_run_to(f.w, f.w->now + SB_TIME_S(60));
  SBT_STR_EQ(sim_node_state(c1), "Closed");
  const sim_rec *ans = find(f.w, c1, SIM_REC_API, "answer", 0);
  SBT_CHECK(ans && ans->code == 401 && ans->http == 200 && !strcmp(ans->to, "fatal"), "401 in the body, fatal");
  SBT_CHECK(find(f.w, c1, SIM_REC_API, "call", 1) == NULL, "no second call");
  sim_cloud_client_opts ok = {0};
  sim_node *c2 = client(&f, &ok, SB_SBRP_TRUST_AUTO);
  SBT_OK(sim_cloud_fault(f.c, "relay.createSession", (sb_cloud_fault){SB_CLOUD_FAULT_STATUS, 503, false}));
  SBT_OK(sim_node_connect(c2, NULL));
  sim_world_run_to(f.w, f.w->now + SB_TIME_S(10));
  SBT_STR_EQ(sim_node_state(c2), "Active");
  const sim_rec *a0 = find(f.w, c2, SIM_REC_API, "answer", 0), *a1 = find(f.w, c2, SIM_REC_API, "answer", 1);
  SBT_CHECK(a0 && a0->code == 503 && a0->http == 503 && !strcmp(a0->to, "retryable"), "503 retryable");
  SBT_CHECK(a1 && a1->code == 200, "the retry succeeded");
  SBT_CHECK(a1->t - a0->t >= SB_TIME_MS(800), "after the backoff (1 s - 20%%)");
  teardown(&f);
}

static void listen_loop_renews_the_presence_token_per_connection(void) {
  /* CLOUD-061, CLOUD-070 */
  fixture f;
  setup(&f, 4, true);
  SBT_CHECK(find(f.w, f.daemon, SIM_REC_API, "call", 0) != NULL, "startup renewToken");
  SBT_OK(sim_node_drop_connection(f.daemon));
  sim_world_run_to(f.w, f.w->now + SB_TIME_S(5));
  SBT_STR_EQ(sim_node_state(f.daemon), "Connected");
  const sim_rec *c2 = find(f.w, f.daemon, SIM_REC_API, "call", 1);
  SBT_CHECK(c2 && !strcmp(c2->event, "daemon.renewToken"), "a second renewToken for the second connection");
  sim_cloud_status st;
  SBT_OK(sim_cloud_status_of(f.c, f.daemon, &st));
  SBT_EQ_U64(st.connections, 2);
  SBT_STR_EQ(st.listen, "connected");
  /* error backoff: 1 s + U(0, 500 ms) */
  SBT_CHECK(st.last_delay >= SB_TIME_S(1) && st.last_delay < SB_TIME_MS(1500), "delay %lld us",
            (long long)st.last_delay);
  teardown(&f);
}

static void pin_file_is_written_survives_a_crash_and_corruption_stops_the_client(void) {
  /* CLOUD-090, SBRP-TOFU-003 */
  fixture f;
  setup(&f, 5, false);
  sim_cloud_client_opts o = {.file_pins = true};
  sim_node *cl = client(&f, &o, SB_SBRP_TRUST_PINNED_ONLY);
  size_t len = 0;
  SBT_CHECK(sim_cloud_pin_file(f.c, cl, &len) == NULL, "no file yet");
  const uint8_t *pub = sim_control_identity(&f.w->control, "d_abc");
  char hex[65], text[128];
  SBT_OK(sb_hex_encode(pub, 32, hex, sizeof hex));
  snprintf(text, sizeof text, "sbconf-pins 1\nd_abc %s\n", hex);
  SBT_OK(sim_cloud_set_pin_file(f.c, cl, text, strlen(text)));
  SBT_OK(sim_node_connect(cl, NULL));
  sim_world_run_to(f.w, f.w->now + SB_TIME_S(1));
  SBT_STR_EQ(sim_node_state(cl), "Active"); /* pinned-only with the daemon's key on file */
  SBT_OK(sim_node_crash(cl));
  SBT_OK(sim_node_restart(cl));
  SBT_OK(sim_node_connect(cl, NULL));
  sim_world_run_to(f.w, f.w->now + SB_TIME_S(1));
  SBT_STR_EQ(sim_node_state(cl), "Active");
  SBT_STR_EQ(sim_cloud_pin_file(f.c, cl, &len), text);
  SBT_OK(sim_cloud_set_pin_file(f.c, cl, "sbconf-pins 2\n", 14));
  SBT_OK(sim_node_close(cl));
  SBT_OK(sim_node_crash(cl));
  SBT_OK(sim_node_restart(cl));
  SBT_OK(sim_node_connect(cl, NULL));
  sim_world_run_to(f.w, f.w->now + SB_TIME_S(1));
  SBT_STR_EQ(sim_node_state(cl), "Closed");
  const sim_rec *r = find(f.w, cl, SIM_REC_NOTE, "pin_file_corrupt", 0);
  SBT_CHECK(r && r->code == SB_ERR_CLOUD_PIN_TEXT, "the corrupt file is reported");
  SBT_CHECK(f.w->internal[0] == '\0', "no internal error");
  teardown(&f);
}

static void same_seed_same_trace(void) {
  char d[2][65];
  for (int k = 0; k < 2; k++) {
    fixture f;
    setup(&f, 9, true);
    sim_cloud_client_opts o = {0};
    sim_node *cl = client(&f, &o, SB_SBRP_TRUST_AUTO);
    SBT_OK(sim_node_connect(cl, NULL));
    sim_world_run_to(f.w, f.w->now + SB_TIME_S(2));
    sim_trace_digest(&f.w->trace, d[k]);
    teardown(&f);
  }
  SBT_STR_EQ(d[0], d[1]);
}

SBT_SUITE(sim_cloud, "sim/cloud", SBT_CASE(api_call_takes_the_latency_both_ways_and_is_traced),
          SBT_CASE(each_attempt_gets_a_new_sid), SBT_CASE(fatal_api_error_closes_the_client_retryable_one_backs_off),
          SBT_CASE(listen_loop_renews_the_presence_token_per_connection),
          SBT_CASE(pin_file_is_written_survives_a_crash_and_corruption_stops_the_client),
          SBT_CASE(same_seed_same_trace));
