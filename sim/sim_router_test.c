/*
 * Router servers and SBP proxies in the simulator (sim_router.h): a call
 * answered by a scripted route with its handler records, a proxy that
 * re-originates frames with fresh frameIds (SBP-BEH-009), and the plain
 * server's message-size cap (SBP-BEH-005).
 */
#define _POSIX_C_SOURCE 200809L
#include "sim_router.h"

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

static sim_node *router_server(sim_world *w, const char *name, uint32_t max_message) {
  sim_peer_opts so;
  sim_peer_opts_default(&so);
  so.server = true;
  so.raw = true;
  so.name = name;
  so.max_message = max_message;
  sim_node *n = sim_world_add_peer(w, &so);
  SBT_CHECK(n != NULL, "server: %s", w->err);
  sim_router_opts ro;
  sim_router_opts_default(&ro);
  if (n) SBT_OK(sim_router_attach(n, &ro));
  return n;
}

static sim_node *client_of(sim_world *w, const char *name, sim_node *server) {
  sim_peer_opts co;
  sim_peer_opts_default(&co);
  co.name = name;
  co.target = server;
  sim_node *n = sim_world_add_peer(w, &co);
  SBT_CHECK(n != NULL, "peer: %s", w->err);
  return n;
}

/* The k-th (from 1) record of node `n` of kind `kind`, `what` and direction. */
static const sim_rec *nth(const sim_world *w, const sim_node *n, sim_rec_kind kind, const char *what, int sent,
                          int k) {
  for (size_t i = 0; i < w->trace.n; i++) {
    const sim_rec *r = sim_trace_rec(&w->trace, i);
    if (r->node != n->index || r->kind != kind) continue;
    if (what && !(r->what && !strcmp(r->what, what))) continue;
    if (sent >= 0 && r->sent != (sent == 1)) continue;
    if (--k == 0) return r;
  }
  return NULL;
}

/* The k-th SBP Message record of node `n`, sent or received. */
static const sim_rec *nth_message(const sim_world *w, const sim_node *n, bool sent, int k) {
  for (size_t i = 0; i < w->trace.n; i++) {
    const sim_rec *r = sim_trace_rec(&w->trace, i);
    if (r->node == n->index && r->kind == SIM_REC_SBP && r->sent == sent && r->len > 0 && r->bytes[0] == 1 &&
        --k == 0)
      return r;
  }
  return NULL;
}

static void scripted_route_answers_and_is_traced(void) {
  /* RPC-RTR-004: the handler record carries msg.rpc; the call completes. */
  sim_world *w = new_world();
  sim_node *bob = router_server(w, "bob", 0);
  sim_node *alice = client_of(w, "alice", bob);
  sim_route_spec spec = {.kind = SIM_ROUTE_RESULT, .result = cJSON_CreateNumber(3)};
  snprintf(spec.label, sizeof spec.label, "add");
  uint32_t id = 0;
  SBT_OK(sim_router_route(bob, "rpc", false, SB_ROUTER_MODE_DEFAULT, &spec, &id));
  sim_route_spec bad = {0};
  SBT_ERR_EQ(sim_router_route(bob, "stream", false, SB_ROUTER_MODE_DEFAULT, &bad, &id), SB_ERR_SBP_SUBJECT_RESERVED);
  sim_peer_inst *a = sim_peer_inst_of(alice, 0);
  SBT_OK(sim_peer_connect(a));
  run_for(w, SB_TIME_MS(100));
  SBT_STR_EQ(sim_peer_state_name(a), "active");
  SBT_OK(sim_peer_call(a, "c1", "add", NULL, NULL));
  run_for(w, SB_TIME_MS(100));
  const sim_rec *h = nth(w, bob, SIM_REC_PEER, "handler", -1, 1);
  SBT_CHECK(h && h->tag && !strcmp(h->tag, "add") && h->text && !strcmp(h->text, "add") && h->json &&
                strstr(h->json, "\"rpc\":{\"method\":\"add\""),
            "handler record: %s", h && h->json ? h->json : "(none)");
  const sim_rec *r = nth(w, alice, SIM_REC_PEER, "result", -1, 1);
  SBT_CHECK(r && r->code == 0 && r->json && !strcmp(r->json, "{\"result\":3}"), "result: %s",
            r && r->json ? r->json : "(none)");
  SBT_CHECK(sim_router_is_router(bob) && !sim_router_is_proxy(bob), "a Router server");
  sim_world_free(w);
}

static void proxy_re_originates_with_fresh_frame_ids(void) {
  /* SBP-BEH-009: the request bob receives has the data alice sent under
   * another frameId; the reply comes back the same way. */
  sim_world *w = new_world();
  sim_node *bob = router_server(w, "bob", 0);
  sim_route_spec spec = {.kind = SIM_ROUTE_ECHO};
  uint32_t id = 0;
  SBT_OK(sim_router_route(bob, "rpc", false, SB_ROUTER_MODE_DEFAULT, &spec, &id));
  sim_node *proxy = sim_world_add_proxy(w, "proxy", NULL, bob);
  SBT_CHECK(proxy && sim_router_is_proxy(proxy), "proxy: %s", w->err);
  sim_node *alice = client_of(w, "alice", proxy);
  sim_peer_inst *a = sim_peer_inst_of(alice, 0);
  SBT_OK(sim_peer_connect(a));
  run_for(w, SB_TIME_MS(100));
  SBT_STR_EQ(sim_peer_state_name(a), "active");
  cJSON *p = cJSON_CreateString("hello");
  SBT_OK(sim_peer_call(a, "c1", "echo", p, NULL));
  cJSON_Delete(p);
  run_for(w, SB_TIME_MS(100));
  const sim_rec *out = nth_message(w, alice, true, 1), *in = nth_message(w, bob, false, 1);
  SBT_CHECK(out && in && out->len == in->len, "the request crossed the proxy");
  if (out && in && out->len == in->len) {
    SBT_CHECK(memcmp(out->bytes + 2, in->bytes + 2, 16) != 0, "a fresh frameId");
    SBT_CHECK(memcmp(out->bytes + 18, in->bytes + 18, out->len - 18) == 0, "the same subject and data");
  }
  const sim_rec *r = nth(w, alice, SIM_REC_PEER, "result", -1, 1);
  SBT_CHECK(r && r->code == 0 && r->json && !strcmp(r->json, "{\"result\":\"hello\"}"), "result: %s",
            r && r->json ? r->json : "(none)");
  sim_world_free(w);
}

static void message_over_the_cap_closes_with_1009(void) {
  /* SBP-BEH-005: a message longer than max_message is refused unread and
   * the server closes the connection with 1009. */
  sim_world *w = new_world();
  sim_node *bob = router_server(w, "bob", 100);
  sim_peer_opts co;
  sim_peer_opts_default(&co);
  co.name = "mallory";
  co.raw = true;
  co.target = bob;
  sim_node *m = sim_world_add_peer(w, &co);
  SBT_CHECK(m != NULL, "raw peer: %s", w->err);
  sim_peer_inst *i = sim_peer_inst_of(m, 0);
  SBT_OK(sim_peer_connect(i));
  run_for(w, SB_TIME_MS(50));
  const char *hs = "{\"protocol\":\"sideband\",\"version\":\"1\",\"peerId\":\"m\"}";
  uint8_t frame[128] = {0};
  frame[18] = 0; /* Control, no flags, a zero frameId, op Handshake */
  memcpy(frame + 19, hs, strlen(hs));
  SBT_OK(sim_peer_send_raw(i, frame, 19 + strlen(hs)));
  uint8_t big[101];
  memset(big, 0, sizeof big);
  SBT_OK(sim_peer_send_raw(i, big, 100));
  run_for(w, SB_TIME_MS(50));
  SBT_CHECK(nth(w, bob, SIM_REC_LINK, "close", -1, 1) == NULL, "100 bytes pass");
  SBT_OK(sim_peer_send_raw(i, big, 101));
  run_for(w, SB_TIME_MS(50));
  const sim_rec *c = nth(w, bob, SIM_REC_LINK, "close", -1, 1);
  SBT_CHECK(c && c->code == 1009, "closed with 1009");
  const sim_rec *n = nth(w, bob, SIM_REC_NOTE, "message_too_big", -1, 1);
  SBT_CHECK(n && n->code == SB_ERR_ROUTER_MESSAGE_TOO_BIG, "noted");
  SBT_CHECK(nth(w, bob, SIM_REC_SBP, NULL, 0, 2) != NULL && nth(w, bob, SIM_REC_SBP, NULL, 0, 3) == NULL,
            "the Handshake and the 100 bytes were read, the 101 never");
  sim_world_free(w);
}

SBT_SUITE(sim_router, "sim/router", SBT_CASE(scripted_route_answers_and_is_traced),
          SBT_CASE(proxy_re_originates_with_fresh_frame_ids), SBT_CASE(message_over_the_cap_closes_with_1009));
