/*
 * The simulator's world: scheduler order, random streams, durations, links
 * (order under jitter, stalls, drops), node independence, determinism.
 */
#define _POSIX_C_SOURCE 200809L
#include "world.h"

#include <stdlib.h>
#include <string.h>

#include "sim_internal.h"
#include "test/sbt.h"

/* ---- scheduler ---------------------------------------------------------------- */

static uint64_t order_log[64];
static size_t order_n;

static void record(sim_world *w, void *obj, uint64_t arg) {
  (void)w;
  (void)obj;
  order_log[order_n++] = arg;
}

static void scheduler_pops_by_time_then_insertion(void) {
  sim_sched s;
  sim_sched_init(&s);
  /* times out of order, with ties at 5 and 9 */
  static const sb_time_us t[] = {9, 5, 7, 5, 1, 9, 5, 3};
  for (uint64_t i = 0; i < SB_ARRAY_LEN(t); i++) sim_sched_push(&s, t[i], record, NULL, i);
  SBT_EQ_U64(sim_sched_next_time(&s), 1);
  static const uint64_t want[] = {4, 7, 1, 3, 6, 2, 0, 5}; /* (1),(3),(5:1,3,6),(7),(9:0,5) */
  sim_event e;
  for (size_t i = 0; i < SB_ARRAY_LEN(want); i++) {
    SBT_CHECK(sim_sched_pop(&s, &e), "pop %zu", i);
    SBT_EQ_U64(e.arg, want[i]);
  }
  SBT_CHECK(!sim_sched_pop(&s, &e), "queue empty at the end");
  SBT_EQ_U64(sim_sched_next_time(&s), SB_TIME_NEVER);
  sim_sched_free(&s);
}

static void scheduler_ties_keep_insertion_order_at_scale(void) {
  sim_sched s;
  sim_sched_init(&s);
  sb_xoshiro x;
  sim_stream_init(&x, 5, "test/sched");
  enum { N = 5000 };
  for (uint64_t i = 0; i < N; i++) sim_sched_push(&s, (sb_time_us)sim_stream_below(&x, 50), record, NULL, i);
  sim_event prev = {0}, e;
  bool ok = true;
  for (size_t i = 0; i < N && sim_sched_pop(&s, &e); i++) {
    if (i && (e.t < prev.t || (e.t == prev.t && e.seq <= prev.seq))) ok = false;
    prev = e;
  }
  SBT_CHECK(ok, "5000 events with many ties come out in (time, sequence) order");
  sim_sched_free(&s);
}

static void world_step_runs_events_in_order_and_moves_the_clock(void) {
  sim_world_config c;
  sim_world_config_default(&c);
  sim_world *w = sim_world_new(&c, NULL);
  order_n = 0;
  sim_sched_push(&w->sched, 300, record, NULL, 3);
  sim_sched_push(&w->sched, 100, record, NULL, 1);
  sim_sched_push(&w->sched, 100, record, NULL, 2);
  sim_world_run_to(w, 200);
  SBT_EQ_U64(order_n, 2);
  SBT_EQ_U64(w->now, 200);
  sim_world_run_to(w, 150); /* never backwards */
  SBT_EQ_U64(w->now, 200);
  SBT_CHECK(sim_world_step(w), "one more event");
  SBT_EQ_U64(w->now, 300);
  SBT_EQ_U64(order_log[2], 3);
  SBT_CHECK(!sim_world_step(w), "nothing left");
  sim_world_free(w);
}

/* ---- streams -------------------------------------------------------------------- */

static void streams_are_reproducible_and_independent(void) {
  sb_xoshiro a1, a2, b, a_other_seed;
  sim_stream_init(&a1, 7, "alice/keys");
  sim_stream_init(&b, 7, "bob/keys");
  for (int i = 0; i < 100; i++) (void)sb_xoshiro_next(&b); /* drawing from b ... */
  sim_stream_init(&a2, 7, "alice/keys");                    /* ... changes nothing for a */
  sim_stream_init(&a_other_seed, 8, "alice/keys");
  bool same = true, differs_b = false, differs_seed = false;
  sim_stream_init(&b, 7, "bob/keys");
  for (int i = 0; i < 16; i++) {
    uint64_t x = sb_xoshiro_next(&a1), y = sb_xoshiro_next(&a2);
    same = same && x == y;
    differs_b = differs_b || x != sb_xoshiro_next(&b);
    differs_seed = differs_seed || x != sb_xoshiro_next(&a_other_seed);
  }
  SBT_CHECK(same, "same seed and name: same numbers");
  SBT_CHECK(differs_b, "another name: other numbers");
  SBT_CHECK(differs_seed, "another seed: other numbers");
  SBT_CHECK(sim_stream_seed(1, "a") != sim_stream_seed(1, "b"), "names are mixed into the seed");
}

static void stream_below_stays_in_range(void) {
  sb_xoshiro x;
  sim_stream_init(&x, 1, "test/below");
  bool ok = true, seen[7] = {false};
  for (int i = 0; i < 2000; i++) {
    uint64_t v = sim_stream_below(&x, 7);
    ok = ok && v < 7;
    if (v < 7) seen[v] = true;
  }
  SBT_CHECK(ok, "values below the bound");
  for (int i = 0; i < 7; i++) SBT_CHECK(seen[i], "value %d drawn", i);
  SBT_EQ_U64(sim_stream_below(&x, 0), 0);
}

/* ---- durations ---------------------------------------------------------------- */

static void durations_parse_units_and_refuse_the_rest(void) {
  static const struct {
    const char *s;
    sb_time_us us;
  } good[] = {{"0", 0},          {"250us", 250},          {"5ms", 5000},      {"1.5s", 1500000},
              {"2m", 120000000}, {"1h", INT64_C(3600000000)}, {"0.25ms", 250}, {"30s", 30000000}};
  for (size_t i = 0; i < SB_ARRAY_LEN(good); i++) {
    sb_time_us d = -1;
    SBT_CHECK(sim_duration_parse(good[i].s, &d) == 0 && d == good[i].us, "'%s' is %lld us", good[i].s,
              (long long)good[i].us);
  }
  static const char *const bad[] = {"", "5", "ms", "5 ms", "5parsecs", "1.5us", "-1s", "1e3ms", "s5",
                                    "99999999999999999999h"};
  for (size_t i = 0; i < SB_ARRAY_LEN(bad); i++) {
    sb_time_us d;
    SBT_CHECK(sim_duration_parse(bad[i], &d) == -1, "'%s' refused", bad[i]);
  }
}

static void durations_format_readably(void) {
  static const struct {
    sb_time_us us;
    const char *s;
  } cases[] = {{0, "0s"},          {250, "250us"},      {5000, "5ms"},        {1500000, "1.5s"},
               {10090000, "10.09s"}, {60000000, "1m"},    {1234567, "1.234567s"}, {1234, "1.234ms"},
               {15035938, "15.035938s"}, {SB_TIME_S(90), "90s"}, {INT64_C(7200000000), "2h"}};
  char out[32];
  for (size_t i = 0; i < SB_ARRAY_LEN(cases); i++) {
    sim_duration_format(cases[i].us, out, sizeof out);
    SBT_STR_EQ(out, cases[i].s);
    sb_time_us back = -1; /* what is printed parses back to the same value */
    SBT_CHECK(sim_duration_parse(out, &back) == 0 && back == cases[i].us, "'%s' parses back", out);
  }
}

/* ---- links and nodes -------------------------------------------------------------- */

/* A world with a relay, daemon "d" and client "c", the client Active. */
static sim_world *active_world(uint64_t seed, sb_time_us jitter, FILE *trace) {
  sim_world_config c;
  sim_world_config_default(&c);
  c.seed = seed;
  c.jitter = jitter;
  sim_world *w = sim_world_new(&c, trace);
  sim_node *cl = sim_world_add_pair(w);
  SBT_CHECK(cl != NULL, "relay, daemon, client: %s", w->err);
  if (cl) SBT_STR_EQ(sim_node_state(cl), "Active");
  return w;
}

static void link_keeps_order_under_jitter(void) {
  sim_world *w = active_world(3, SB_TIME_MS(20), NULL);
  sim_node *c = sim_world_node(w, "c");
  size_t first = w->trace.n;
  for (int i = 0; i < 200; i++) SBT_OK(sim_node_send(c, 0, (const uint8_t *)"x", 1));
  sim_world_run_to(w, SB_TIME_S(5));
  /* The relay receives the 200 Data frames in sequence order, at non-decreasing times,
   * and the jitter really varied the delays. */
  uint64_t next_seq = 0;
  sb_time_us last_t = 0;
  bool ordered = true, varied = false;
  for (size_t i = first; i < w->trace.n; i++) {
    const sim_rec *r = sim_trace_rec(&w->trace, i);
    if (r->kind != SIM_REC_FRAME || r->sent || r->node != w->relay->index) continue;
    sim_frame_info fi;
    sim_frame_describe(r->bytes, r->len, &fi);
    if (!fi.has_seq) continue;
    ordered = ordered && fi.seq == next_seq && r->t >= last_t;
    if (next_seq && r->t != last_t) varied = true;
    next_seq++;
    last_t = r->t;
  }
  SBT_EQ_U64(next_seq, 200);
  SBT_CHECK(ordered, "Data frames reach the relay in order, times never decrease");
  SBT_CHECK(varied, "jitter spreads the arrival times");
  sim_world_free(w);
}

static void stalled_link_queues_then_delivers_in_order(void) {
  sim_world *w = active_world(4, 0, NULL);
  sim_node *c = sim_world_node(w, "c");
  SBT_OK(sim_node_stall(c, SIM_UP, true));
  for (int i = 0; i < 3; i++) SBT_OK(sim_node_send(c, 0, (const uint8_t *)"abc", 3));
  sim_world_run_to(w, w->now + SB_TIME_S(1));
  SBT_EQ_U64(sim_link_queued(c->link, SIM_UP), 3 * (13 + 12 + 3 + 16));
  size_t before = w->trace.n;
  SBT_OK(sim_node_stall(c, SIM_UP, false));
  sim_world_run_to(w, w->now + SB_TIME_S(1));
  SBT_EQ_U64(sim_link_queued(c->link, SIM_UP), 0);
  int delivered = 0;
  for (size_t i = before; i < w->trace.n; i++)
    if (sim_trace_rec(&w->trace, i)->kind == SIM_REC_DELIVER) delivered++;
  SBT_EQ_U64(delivered, 3);
  sim_world_free(w);
}

static void dropped_link_loses_messages_and_both_ends_learn(void) {
  sim_world *w = active_world(5, 0, NULL);
  sim_node *c = sim_world_node(w, "c"), *d = sim_world_node(w, "d");
  c->auto_reconnect = false;
  SBT_OK(sim_node_send(c, 0, (const uint8_t *)"lost", 4)); /* in flight when the link dies */
  SBT_OK(sim_node_drop_connection(c));
  SBT_STR_EQ(sim_node_state(c), "Reconnecting"); /* the node learns at once (C-010) */
  sim_world_run_to(w, w->now + SB_TIME_S(1));
  bool delivered = false, ended = false;
  for (size_t i = 0; i < w->trace.n; i++) {
    const sim_rec *r = sim_trace_rec(&w->trace, i);
    if (r->kind == SIM_REC_DELIVER && r->node == d->index) delivered = true;
    if (r->kind == SIM_REC_TRANSITION && r->row && !strcmp(r->row, "SBRP-SM-R-015")) ended = true;
  }
  SBT_CHECK(!delivered, "the frame in flight is lost with the connection");
  SBT_CHECK(ended, "the relay learns of the drop (session_ended, R-015)");
  sim_world_free(w);
}

/* The client's first SessionID with and without another client created before it. */
static uint64_t first_sid_of_alice(bool with_bob) {
  sim_world_config c;
  sim_world_config_default(&c);
  c.seed = 11;
  sim_world *w = sim_world_new(&c, NULL);
  sim_relay_opts ro;
  sim_relay_opts_default(&ro);
  sim_daemon_opts dopt;
  sim_daemon_opts_default(&dopt);
  dopt.name = "d";
  sim_client_opts copt;
  sim_client_opts_default(&copt);
  copt.daemon_id = "d";
  (void)sim_world_add_relay(w, &ro);
  (void)sim_world_add_daemon(w, &dopt);
  if (with_bob) {
    copt.name = "bob";
    sim_node *b = sim_world_add_client(w, &copt);
    if (b) SBT_OK(sim_node_connect(b, NULL));
    sim_world_run_to(w, SB_TIME_MS(50));
  }
  copt.name = "alice";
  sim_node *a = sim_world_add_client(w, &copt);
  uint64_t sid = 0;
  if (a && sim_node_connect(a, NULL) == 0) sid = sim_client_session_id(a);
  sim_world_free(w);
  return sid;
}

static void adding_a_node_never_shifts_another_nodes_numbers(void) {
  uint64_t alone = first_sid_of_alice(false), with_bob = first_sid_of_alice(true);
  SBT_CHECK(alone != 0, "alice got a session");
  SBT_EQ_U64(with_bob, alone);
}

static void same_seed_gives_the_same_trace_digest(void) {
  char d[3][65];
  for (int k = 0; k < 3; k++) {
    sim_world *w = active_world(k == 2 ? 99 : 42, SB_TIME_MS(3), NULL);
    sim_node *c = sim_world_node(w, "c");
    for (int i = 0; i < 5; i++) SBT_OK(sim_node_send(c, 0, (const uint8_t *)"payload", 7));
    sim_world_run_to(w, w->now + SB_TIME_S(1));
    sim_trace_digest(&w->trace, d[k]);
    sim_world_free(w);
  }
  SBT_STR_EQ(d[1], d[0]);
  SBT_CHECK(strcmp(d[0], d[2]) != 0, "another seed gives another digest");
}

SBT_SUITE(sim_world, "sim/world", SBT_CASE(scheduler_pops_by_time_then_insertion),
          SBT_CASE(scheduler_ties_keep_insertion_order_at_scale),
          SBT_CASE(world_step_runs_events_in_order_and_moves_the_clock),
          SBT_CASE(streams_are_reproducible_and_independent), SBT_CASE(stream_below_stays_in_range),
          SBT_CASE(durations_parse_units_and_refuse_the_rest), SBT_CASE(durations_format_readably),
          SBT_CASE(link_keeps_order_under_jitter), SBT_CASE(stalled_link_queues_then_delivers_in_order),
          SBT_CASE(dropped_link_loses_messages_and_both_ends_learn),
          SBT_CASE(adding_a_node_never_shifts_another_nodes_numbers),
          SBT_CASE(same_seed_gives_the_same_trace_digest));
