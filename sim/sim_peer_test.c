/*
 * The peer runtime in the simulator (sim_peer.h): an RPC round trip between
 * two peers over SBRP (relay, client, daemon), the same over a plain
 * connection, the layer invariant catching a planted mismatch (and a frame
 * nobody sent) while never firing on a correct run, the peer owning
 * reconnection over SBRP, and the "sbp" / "peer" trace lines.
 */
#define _POSIX_C_SOURCE 200809L
#include "sim_peer.h"

#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "sim_internal.h"
#include "test/sbt.h"

static sim_world *new_world(void) {
  sim_world_config cfg;
  sim_world_config_default(&cfg);
  sim_world *w = sim_world_new(&cfg, NULL);
  SBT_CHECK(w != NULL, "world");
  return w;
}

static void run_for(sim_world *w, sb_time_us d) { sim_world_run_to(w, w->now + d); }

/* The first PEER record of node `n` with `what` and `tag`, or NULL. */
static const sim_rec *find_peer_rec(const sim_world *w, const sim_node *n, const char *what, const char *tag) {
  for (size_t k = 0; k < w->trace.n; k++) {
    const sim_rec *r = sim_trace_rec(&w->trace, k);
    if (r->node == n->index && r->kind == SIM_REC_PEER && r->what && !strcmp(r->what, what) &&
        (!tag || (r->tag && !strcmp(r->tag, tag))))
      return r;
  }
  return NULL;
}

static sim_handler_spec result_spec(const char *json) {
  sim_handler_spec s = {.kind = SIM_HANDLER_RESULT, .result = cJSON_Parse(json)};
  return s;
}

/* Plain: two peers on a simulated WebSocket, Handshakes both ways, a call answered. */
static void plain_round_trip(void) {
  sim_world *w = new_world();
  sim_peer_opts so, co;
  sim_peer_opts_default(&so);
  so.server = true;
  so.name = "bob";
  sim_node *srv = sim_world_add_peer(w, &so);
  SBT_CHECK(srv != NULL, "server: %s", w->err);
  sim_peer_opts_default(&co);
  co.name = "alice";
  co.target = srv;
  sim_node *alice = sim_world_add_peer(w, &co);
  SBT_CHECK(alice != NULL, "peer: %s", w->err);
  sim_handler_spec spec = result_spec("{\"sum\":3}");
  uint32_t id = 0;
  SBT_OK(sim_peer_handle(srv, "add", &spec, &id));
  sim_peer_inst *a = sim_peer_inst_of(alice, 0);
  SBT_OK(sim_peer_connect(a));
  run_for(w, SB_TIME_MS(100));
  SBT_STR_EQ(sim_peer_state_name(a), "active");
  SBT_EQ_U64(sim_peer_accepted_count(srv), 1);
  SBT_STR_EQ(sim_peer_state_name(sim_peer_inst_of(srv, 1)), "active");
  cJSON *params = cJSON_Parse("{\"a\":1,\"b\":2}");
  SBT_OK(sim_peer_call(a, "c1", "add", params, NULL));
  cJSON_Delete(params);
  run_for(w, SB_TIME_MS(100));
  const sim_rec *r = find_peer_rec(w, alice, "result", "c1");
  SBT_CHECK(r && r->code == 0 && r->json && !strcmp(r->json, "{\"result\":{\"sum\":3}}"), "result: %s",
            r && r->json ? r->json : "(none)");
  SBT_CHECK(find_peer_rec(w, srv, "request", NULL) != NULL, "the server saw the request");
  SBT_CHECK(w->violation[0] == '\0', "no invariant violation: %s", w->violation);
  SBT_CHECK(sim_invariant_checked(w) >= 4, "frames checked: %llu", (unsigned long long)sim_invariant_checked(w));
  sim_world_free(w);
}

/* SBRP: the same round trip inside Data frames; a drop makes the peer retry
 * with a new sid (the SBRP client's own reconnection stays off). */
static void sbrp_round_trip_and_reconnect(void) {
  sim_world *w = new_world();
  sim_relay_opts ro;
  sim_relay_opts_default(&ro);
  SBT_CHECK(sim_world_add_relay(w, &ro) != NULL, "relay");
  sim_daemon_opts dopt;
  sim_daemon_opts_default(&dopt);
  dopt.id = "d_abc";
  sim_node *daemon = sim_world_add_daemon(w, &dopt);
  sim_client_opts copt;
  sim_client_opts_default(&copt);
  copt.daemon_id = "d_abc";
  sim_node *client = sim_world_add_client(w, &copt);
  run_for(w, SB_TIME_MS(50));
  sim_peer_opts so, co;
  sim_peer_opts_default(&so);
  so.server = true;
  so.via = daemon;
  sim_node *srv = sim_world_add_peer(w, &so);
  SBT_CHECK(srv != NULL, "server: %s", w->err);
  sim_peer_opts_default(&co);
  co.via = client;
  co.cfg.retry.mode = SB_PEER_RETRY_ON_ERROR;
  sim_node *alice = sim_world_add_peer(w, &co);
  SBT_CHECK(alice != NULL, "peer: %s", w->err);
  SBT_CHECK(!client->auto_reconnect, "the peer owns reconnection");
  sim_handler_spec spec = {.kind = SIM_HANDLER_ECHO};
  uint32_t id = 0;
  SBT_OK(sim_peer_handle(srv, "echo", &spec, &id));
  sim_peer_inst *a = sim_peer_inst_of(alice, 0);
  SBT_OK(sim_peer_connect(a));
  run_for(w, SB_TIME_MS(200));
  SBT_STR_EQ(sim_peer_state_name(a), "active");
  uint64_t sid1 = sim_client_session_id(client);
  cJSON *params = cJSON_Parse("[1,\"two\"]");
  SBT_OK(sim_peer_call(a, "c1", "echo", params, NULL));
  run_for(w, SB_TIME_MS(100));
  const sim_rec *r = find_peer_rec(w, alice, "result", "c1");
  SBT_CHECK(r && r->json && !strcmp(r->json, "{\"result\":[1,\"two\"]}"), "echo result: %s",
            r && r->json ? r->json : "(none)");
  SBT_OK(sim_node_drop_connection(client));
  run_for(w, SB_TIME_S(3));
  SBT_STR_EQ(sim_peer_state_name(a), "active");
  SBT_CHECK(sim_client_session_id(client) != sid1, "a new sid for the new attempt");
  SBT_EQ_U64(sim_peer_accepted_count(srv), 2);
  SBT_OK(sim_peer_call(a, "c2", "echo", params, NULL));
  cJSON_Delete(params);
  run_for(w, SB_TIME_MS(100));
  r = find_peer_rec(w, alice, "result", "c2");
  SBT_CHECK(r && r->code == 0, "the call after the reconnect is answered");
  SBT_CHECK(find_peer_rec(w, alice, "retry", NULL) != NULL, "the backoff is traced");
  SBT_CHECK(w->violation[0] == '\0', "no invariant violation: %s", w->violation);
  SBT_CHECK(sim_invariant_checked(w) >= 6, "Data plaintexts checked: %llu",
            (unsigned long long)sim_invariant_checked(w));
  SBT_CHECK(!w->internal[0], "no internal error: %s", w->internal);
  sim_world_free(w);
}

/* The invariant fires on a planted mismatch and on bytes nobody sent, and
 * names the session, direction and sequence. */
static void invariant_detects_a_planted_mismatch(void) {
  sim_world *w = new_world();
  sim_client_opts copt;
  sim_client_opts_default(&copt);
  copt.daemon_id = "d_x";
  sim_relay_opts ro;
  sim_relay_opts_default(&ro);
  SBT_CHECK(sim_world_add_relay(w, &ro) != NULL, "relay");
  sim_node *client = sim_world_add_client(w, &copt);
  sim_daemon_opts dopt;
  sim_daemon_opts_default(&dopt);
  dopt.id = "d_x";
  dopt.connect = false;
  sim_node *daemon = sim_world_add_daemon(w, &dopt);
  const uint8_t sent[] = "hello", other[] = "hellp";
  sim_invariant_sent(client, 0x1234, 7, sent, 5);
  sim_invariant_delivered(daemon, 0x1234, 7, sent, 5);
  SBT_CHECK(w->violation[0] == '\0', "the same bytes pass: %s", w->violation);
  sim_invariant_delivered(daemon, 0x1234, 7, other, 5);
  SBT_CHECK(strstr(w->violation, "differ") && strstr(w->violation, "0000000000001234 c2d seq 7"),
            "mismatch reported: %s", w->violation);
  w->violation[0] = '\0';
  sim_invariant_delivered(daemon, 0x1234, 8, sent, 5);
  SBT_CHECK(strstr(w->violation, "no sender emitted"), "unsent bytes reported: %s", w->violation);
  w->violation[0] = '\0';
  sim_invariant_delivered(client, 0x1234, 7, sent, 5); /* d2c has no such frame */
  SBT_CHECK(w->violation[0] != '\0', "directions are kept apart");
  bool traced = false;
  for (size_t k = 0; k < w->trace.n; k++)
    traced = traced || (sim_trace_rec(&w->trace, k)->what && !strcmp(sim_trace_rec(&w->trace, k)->what, "invariant_violation"));
  SBT_CHECK(traced, "the violation is an info record in the trace");
  sim_world_free(w);
}

/* "sbp" lines decode the frame; "peer" lines keep a fixed member order. */
static void trace_lines_of_peer_records(void) {
  sim_world *w = new_world();
  sim_trace_set_name(&w->trace, 1, "alice");
  sim_trace_set_name(&w->trace, 2, "bob");
  /* Message on subject rpc, frameId 00..0f, the upstream vector of sbp.md section 4 */
  static const char env[] = "{\"t\":\"r\",\"m\":\"add\",\"cid\":\"000102030405060708090a0b0c0d0e0f\",\"p\":{\"a\":1,\"b\":2}}";
  uint8_t f[128] = {1, 0};
  for (int k = 0; k < 16; k++) f[2 + k] = (uint8_t)k;
  f[18] = 3;
  memcpy(f + 22, "rpc", 3);
  memcpy(f + 25, env, strlen(env));
  size_t len = 25 + strlen(env);
  sim_rec r = {.kind = SIM_REC_SBP, .node = 1, .peer = 2, .conn = 4, .sent = true, .bytes = f, .len = len,
               .has_num = true, .num = 1};
  size_t i = sim_trace_add(&w->trace, &r);
  sim_buf b = {0};
  sim_trace_format(&w->trace, i, &b);
  SBT_CHECK(strstr(b.s, "\"ev\":\"sbp\",\"node\":\"alice\",\"dir\":\"send\",\"session\":1,\"sid\":null,"
                        "\"conn\":4,\"peer\":\"bob\",\"kind\":\"Message\",\"id\":\"000102030405060708090a0b0c0d0e0f\","
                        "\"subject\":\"rpc\",\"env\":{\"t\":\"r\",\"m\":\"add\",\"cid\":\"000102030405060708090a0b0c0d0e0f\"},"
                        "\"len\":103,"),
            "sbp line: %s", b.s);
  sim_buf_reset(&b);
  sim_rec p = {.kind = SIM_REC_PEER, .node = 1, .peer = -1, .what = "result", .tag = "c1", .name = "add",
               .code = SB_ERR_PEER_RPC_TIMEOUT, .text = "timeout", .json = "{\"x\":1}"};
  i = sim_trace_add(&w->trace, &p);
  sim_trace_format(&w->trace, i, &b);
  SBT_CHECK(strstr(b.s, "\"ev\":\"peer\",\"node\":\"alice\",\"what\":\"result\",\"session\":null,\"tag\":\"c1\","
                        "\"name\":\"add\",\"err\":\"rpc_timeout\",\"text\":\"timeout\",\"value\":{\"x\":1}}"),
            "peer line: %s", b.s);
  sim_buf_free(&b);
  sim_world_free(w);
}

SBT_SUITE(sim_peer, "sim/peer", SBT_CASE(plain_round_trip), SBT_CASE(sbrp_round_trip_and_reconnect),
          SBT_CASE(invariant_detects_a_planted_mismatch), SBT_CASE(trace_lines_of_peer_records));
