/*
 * Long runs in bounded memory: the trace releases old records (trace.h) yet
 * keeps what the rest of the run needs (counts, rows, each node's last
 * records, a byte-identical digest); expectations read on from their
 * cursors across releases, a failure message is the same as without
 * releases, and a cursor behind released records is a broken script; a
 * wire keeps its first and latest frames and refuses the ones between; the
 * layer invariant's table stays small.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/error.h"
#include "lua_host.h"
#include "sim_internal.h"
#include "sim_peer.h"
#include "test/sbt.h"

/* ---- the trace ---------------------------------------------------------------------------------- */

static void add_rec(sim_trace *tr, size_t i) {
  char text[32], row[32];
  snprintf(text, sizeof text, "r%zu", i);
  snprintf(row, sizeof row, "ROW-%zu", i % 5);
  uint8_t bytes[4] = {(uint8_t)i, (uint8_t)(i >> 8), 0xaa, 0x55};
  int node = i < 40 && i % 2 ? 2 : 1;
  sim_rec r = {.t = (sb_time_us)i, .node = node, .peer = -1, .kind = SIM_REC_NOTE, .what = "n", .text = text};
  if (i % 7 == 0) {
    r = (sim_rec){.t = (sb_time_us)i, .node = node, .peer = -1, .kind = SIM_REC_TRANSITION, .machine = "m",
                  .from = "A", .to = "B", .event = text, .row = i < 100 ? row : NULL};
  } else if (i % 7 == 1) {
    r = (sim_rec){.t = (sb_time_us)i, .node = node, .peer = -1, .kind = SIM_REC_DELIVER, .has_sid = true,
                  .sid = i, .bytes = bytes, .len = sizeof bytes};
  }
  sim_trace_add(tr, &r);
}

static void same_lines(const sim_trace *a, const sim_rec *const *ra, const sim_trace *b, const sim_rec *const *rb,
                       size_t n) {
  sim_buf la = {0}, lb = {0};
  for (size_t k = 0; k < n; k++) {
    sim_buf_reset(&la);
    sim_buf_reset(&lb);
    sim_trace_format_rec(a, ra[k], &la);
    sim_trace_format_rec(b, rb[k], &lb);
    SBT_STR_EQ(la.s, lb.s);
  }
  sim_buf_free(&la);
  sim_buf_free(&lb);
}

static bool has_row(const sim_trace *tr, const char *row) {
  for (size_t k = 0; k < tr->nrows; k++)
    if (!strcmp(tr->rows[k], row)) return true;
  for (size_t i = sim_trace_first(tr); i < tr->n; i++) {
    const sim_rec *r = sim_trace_rec(tr, i);
    if (r->kind == SIM_REC_TRANSITION && r->row && !strcmp(r->row, row)) return true;
  }
  return false;
}

/* The same records with and without releases: the same digest, counts, rows, last records. */
static void released_records_leave_what_the_run_needs(void) {
  sim_trace small, full;
  sim_trace_init(&small, NULL);
  sim_trace_init(&full, NULL);
  sim_trace_set_keep(&small, SIM_TRACE_CHUNK);
  sim_trace_set_keep(&full, SIZE_MAX);
  size_t n = 5 * SIM_TRACE_CHUNK + 123;
  for (size_t i = 0; i < n; i++) {
    add_rec(&small, i);
    add_rec(&full, i);
    if (i % 100 == 0) {
      sim_trace_release(&small);
      sim_trace_release(&full);
    }
  }
  sim_trace_release(&small);
  sim_trace_release(&full);
  SBT_EQ_U64(full.base, 0);
  SBT_EQ_U64(small.n, n);
  SBT_CHECK(small.base >= 3 * SIM_TRACE_CHUNK && small.base % SIM_TRACE_CHUNK == 0, "released: base %zu",
            small.base);
  SBT_CHECK(small.n - small.base >= SIM_TRACE_CHUNK && small.n - small.base < 2 * SIM_TRACE_CHUNK,
            "kept: at least `keep`, under keep + a chunk (%zu)", small.n - small.base);
  SBT_CHECK(sim_trace_rec(&small, small.base - 1) == NULL && sim_trace_rec(&small, 0) == NULL, "released: NULL");
  SBT_CHECK(sim_trace_rec(&small, n) == NULL, "not added yet: NULL");
  /* Every record still in memory is the one added at that index. */
  for (size_t i = small.base; i < n; i++) {
    const sim_rec *a = sim_trace_rec(&small, i), *b = sim_trace_rec(&full, i);
    if (!a || a->t != b->t || a->node != b->node || a->kind != b->kind) {
      SBT_CHECK(false, "record %zu differs", i);
      break;
    }
  }
  char da[65], db[65];
  sim_trace_digest(&small, da);
  sim_trace_digest(&full, db);
  SBT_STR_EQ(da, db);
  SBT_CHECK(!memcmp(small.kinds, full.kinds, sizeof small.kinds), "counts by kind");
  SBT_EQ_U64(sim_trace_node_total(&small, 1), sim_trace_node_total(&full, 1));
  SBT_EQ_U64(sim_trace_node_total(&small, 2), 20);
  /* Node 2 wrote only at the start: a cursor before its records cannot read on; one after them can. */
  SBT_CHECK(sim_trace_lost(&small, 2, 0) && !sim_trace_lost(&small, 2, 40), "node 2: lost from 0, not from 40");
  SBT_CHECK(!sim_trace_lost(&full, 2, 0), "nothing lost without releases");
  SBT_CHECK(sim_trace_lost(&small, 1, small.base - 1) && !sim_trace_lost(&small, 1, small.base),
            "node 1: lost up to the first record in memory");
  SBT_EQ_U64(sim_trace_count_from(&small, 1, small.base + 10), sim_trace_count_from(&full, 1, small.base + 10));
  SBT_EQ_U64(sim_trace_count_from(&small, 2, 40), 0);
  /* The last records of each node (what a failure message shows), released or not. */
  const sim_rec *a[15], *b[15];
  SBT_EQ_U64(sim_trace_node_last(&small, 2, 15, a), 15);
  SBT_EQ_U64(sim_trace_node_last(&full, 2, 15, b), 15);
  same_lines(&small, a, &full, b, 15);
  SBT_EQ_U64(sim_trace_node_last(&small, 1, 15, a), 15);
  SBT_EQ_U64(sim_trace_node_last(&full, 1, 15, b), 15);
  same_lines(&small, a, &full, b, 15);
  SBT_EQ_U64(sim_trace_node_last(&small, 7, 15, a), 0);
  /* Rows of released transitions are still known. */
  for (int k = 0; k < 5; k++) {
    char row[16];
    snprintf(row, sizeof row, "ROW-%d", k);
    SBT_CHECK(has_row(&small, row) && has_row(&full, row), "%s exercised", row);
  }
  SBT_CHECK(!has_row(&small, "ROW-9"), "no made-up rows");
  sim_trace_free(&small);
  sim_trace_free(&full);
}

/* ---- scenarios ---------------------------------------------------------------------------------- */

static void script(char *path, size_t cap, const char *text) {
  const char *dir = getenv("TMPDIR");
  snprintf(path, cap, "%s/sbconf-mem-XXXXXX", dir && *dir ? dir : "/tmp");
  int fd = mkstemp(path);
  SBT_CHECK(fd >= 0, "temp file");
  if (fd < 0) return;
  size_t n = strlen(text);
  SBT_CHECK(write(fd, text, n) == (ssize_t)n, "write script");
  close(fd);
}

/* Run `text` keeping `keep` records (0: the default). */
static sim_outcome run_keep(const char *path, size_t keep, sim_scenario_result *r) {
  FILE *log = fopen("/dev/null", "w");
  sim_run_opts o = {.log = log ? log : stderr, .keep_records = keep};
  sim_outcome out = sim_scenario_run(path, &o, r);
  if (log) fclose(log);
  return out;
}

#define HEAD                                                                      \
  "scenario { name = 'long', requirements = { 'SBRP-KA-001' } }\n"                \
  "local world = sim.world { seed = 3 }\n"                                        \
  "local relay = world:relay {}\n"                                                \
  "local daemon = world:daemon { id = 'd_abc' }\n"                                \
  "local client = world:client { daemon = daemon }\n"                             \
  "client:connect()\n"                                                            \
  "expect.state(client, 'Active')\n"

/* A cursor that moves along reads every record it must while old ones go. */
static const char moving[] = HEAD
    "for i = 1, 3000 do\n"
    "  client:send('m' .. i)\n"
    "  expect.delivered(daemon, 'm' .. i)\n"
    "end\n";

/* The same, then a cursor that never moved (relay, frames received): line 12. */
static const char lagging[] = HEAD
    "for i = 1, 3000 do\n"
    "  client:send('m' .. i)\n"
    "  expect.delivered(daemon, 'm' .. i)\n"
    "end\n"
    "expect.frame(relay, 'received', { type = 'Data' })\n";

/* A wait over more records than are kept, failing: the message must not change. */
static const char failing[] = HEAD
    "for i = 1, 3000 do client:send('m' .. i) end\n"
    "expect.note(daemon, 'no_such_note', { timeout = '5s' })\n";

static void cursors_read_on_across_releases(void) {
  char path[256];
  sim_scenario_result a, b;
  script(path, sizeof path, moving);
  sim_outcome oa = run_keep(path, SIM_TRACE_CHUNK, &a);
  sim_outcome ob = run_keep(path, 0, &b);
  SBT_CHECK(oa == SIM_PASS, "passes keeping %zu records: %s", SIM_TRACE_CHUNK, a.message ? a.message : "");
  SBT_CHECK(ob == SIM_PASS, "passes keeping all: %s", b.message ? b.message : "");
  SBT_CHECK(a.records > 3 * SIM_TRACE_CHUNK, "long enough to release (%llu records)",
            (unsigned long long)a.records);
  SBT_STR_EQ(a.digest, b.digest);
  SBT_EQ_U64(a.nrows, b.nrows);
  for (size_t k = 0; k < a.nrows && k < b.nrows; k++) SBT_STR_EQ(a.rows[k], b.rows[k]);
  SBT_EQ_U64(a.expectations, b.expectations);
  sim_scenario_result_free(&a);
  sim_scenario_result_free(&b);
  unlink(path);

  script(path, sizeof path, lagging);
  oa = run_keep(path, SIM_TRACE_CHUNK, &a);
  ob = run_keep(path, 0, &b);
  SBT_CHECK(ob == SIM_PASS, "all kept: the relay's cursor finds the first Data frame");
  SBT_CHECK(oa == SIM_MALFORMED, "released: a broken script, not a wrong answer (%s)", sim_outcome_name(oa));
  char where[300];
  snprintf(where, sizeof where, "%s:12: records of 'relay' after this expectation's cursor are no longer in memory",
           strrchr(path, '/') + 1);
  SBT_CHECK(a.message && strstr(a.message, where), "names file:line: %s", a.message ? a.message : "");
  sim_scenario_result_free(&a);
  sim_scenario_result_free(&b);
  unlink(path);
}

static void failure_message_is_the_same_after_releases(void) {
  char path[256];
  sim_scenario_result a, b;
  script(path, sizeof path, failing);
  sim_outcome oa = run_keep(path, SIM_TRACE_CHUNK, &a);
  sim_outcome ob = run_keep(path, 0, &b);
  SBT_CHECK(oa == SIM_FAIL && ob == SIM_FAIL, "both fail");
  SBT_CHECK(a.records > 3 * SIM_TRACE_CHUNK, "records were released during the wait (%llu)",
            (unsigned long long)a.records);
  SBT_STR_EQ(a.message, b.message);
  SBT_CHECK(a.message && strstr(a.message, "the trace of 'daemon' after the expectation's cursor (") &&
                strstr(a.message, "records, the last shown):"),
            "the excerpt: %s", a.message ? a.message : "");
  SBT_STR_EQ(a.digest, b.digest);
  sim_scenario_result_free(&a);
  sim_scenario_result_free(&b);
  unlink(path);
}

/* ---- wires -------------------------------------------------------------------------------------- */

static const char wire_gap[] = HEAD
    "for i = 1, 2100 do client:send('m' .. i) end\n"
    "world:advance('5s')\n"
    "local w = world:wire(client, relay)\n"
    "assert(w:seen { type = 'Data', nth = 1 })\n"
    "assert(w:seen { type = 'Data', nth = -1000 })\n"
    "expect.truthy(w:replay { type = 'Data', nth = -1 }, 'latest replayed')\n"
    "w:seen { type = 'Data', nth = 1500 }\n";

static void a_frame_beyond_the_wire_bound_is_a_broken_script(void) {
  char path[256];
  sim_scenario_result r;
  script(path, sizeof path, wire_gap);
  sim_outcome o = run_keep(path, 0, &r);
  SBT_CHECK(o == SIM_MALFORMED, "outcome %s: %s", sim_outcome_name(o), r.message ? r.message : "");
  char where[300];
  snprintf(where, sizeof where, "%s:14: wire:seen: frame #1500 of that kind on client's wire may be one it no longer keeps",
           strrchr(path, '/') + 1);
  SBT_CHECK(r.message && strstr(r.message, where), "names file:line: %s", r.message ? r.message : "");
  sim_scenario_result_free(&r);
  unlink(path);
}

/* C level: the first and latest frames are found; one between is SB_ERR_RANGE; none is NOT_FOUND. */
static void wire_keeps_first_and_latest_frames(void) {
  sim_world_config cfg;
  sim_world_config_default(&cfg);
  sim_world *w = sim_world_new(&cfg, NULL);
  sim_node *c = sim_world_add_pair(w);
  SBT_CHECK(c != NULL, "relay, daemon, client: %s", w->err);
  if (!c) {
    sim_world_free(w);
    return;
  }
  size_t before = c->seen[SIM_UP].total;
  uint8_t pt[8] = {0};
  size_t frames = SIM_WIRE_KEEP_FIRST + SIM_WIRE_KEEP_LAST + 500;
  for (size_t i = 0; i < frames; i++) {
    pt[0] = (uint8_t)i;
    pt[1] = (uint8_t)(i >> 8);
    SBT_OK(sim_node_send(c, 0, pt, sizeof pt));
    if (i % 100 == 99) sim_world_run_to(w, w->now + SB_TIME_MS(1));
  }
  sim_world_run_to(w, w->now + SB_TIME_S(1));
  const sim_wire_seen *s = &c->seen[SIM_UP];
  SBT_EQ_U64(s->total, before + frames);
  SBT_EQ_U64(s->n, SIM_WIRE_KEEP_FIRST);
  SBT_EQ_U64(s->ring_n, SIM_WIRE_KEEP_LAST);
  sim_wire_match data = {.type = SB_SBRP_DATA};
  const uint8_t *b = NULL;
  size_t len = 0;
  SBT_OK(sim_wire_find(c, SIM_UP, &data, 1, &b, &len));
  SBT_OK(sim_wire_find(c, SIM_UP, &data, -1, &b, &len));
  SBT_OK(sim_wire_find(c, SIM_UP, &data, -(int64_t)SIM_WIRE_KEEP_LAST, &b, &len));
  SBT_ERR_EQ(sim_wire_find(c, SIM_UP, &data, -(int64_t)SIM_WIRE_KEEP_LAST - 1, &b, &len), SB_ERR_RANGE);
  SBT_ERR_EQ(sim_wire_find(c, SIM_UP, &data, SIM_WIRE_KEEP_FIRST + 10, &b, &len), SB_ERR_RANGE);
  SBT_CHECK(strstr(w->err, "no longer keeps") != NULL, "why: %s", w->err);
  sim_wire_match none = {.type = 0x7f};
  SBT_ERR_EQ(sim_wire_find(c, SIM_UP, &none, 1, &b, &len), SB_ERR_RANGE); /* could be among the gone ones */
  /* The layer invariant kept about what is in flight, and every frame passed it. */
  SBT_CHECK(sim_invariant_entries(w) <= 4096 + 64, "invariant entries: %zu", sim_invariant_entries(w));
  SBT_CHECK(sim_invariant_checked(w) >= frames, "checked: %llu", (unsigned long long)sim_invariant_checked(w));
  SBT_CHECK(w->violation[0] == '\0', "no violation: %s", w->violation);
  sim_world_free(w);
}

/* A frame that is never delivered is retired once its stream is far past it. */
static void invariant_retires_what_can_no_longer_arrive(void) {
  sim_world_config cfg;
  sim_world_config_default(&cfg);
  sim_world *w = sim_world_new(&cfg, NULL);
  sim_relay_opts ro;
  sim_relay_opts_default(&ro);
  SBT_CHECK(sim_world_add_relay(w, &ro) != NULL, "relay");
  sim_client_opts copt;
  sim_client_opts_default(&copt);
  copt.daemon_id = "d_x";
  sim_node *client = sim_world_add_client(w, &copt);
  sim_daemon_opts dopt;
  sim_daemon_opts_default(&dopt);
  dopt.id = "d_x";
  dopt.connect = false;
  sim_node *daemon = sim_world_add_daemon(w, &dopt);
  uint8_t data[100];
  memset(data, 7, sizeof data);
  for (uint64_t seq = 0; seq < 20000; seq++) {
    data[0] = (uint8_t)seq;
    sim_invariant_sent(client, 0x77, seq, data, sizeof data);
    if (seq % 1000 != 5) sim_invariant_delivered(daemon, 0x77, seq, data, sizeof data); /* 20 lost */
  }
  SBT_CHECK(w->violation[0] == '\0', "no violation: %s", w->violation);
  SBT_CHECK(sim_invariant_entries(w) <= 4096 + 20, "entries: %zu", sim_invariant_entries(w));
  /* A recent delivery is still checked again; a differing copy is still caught. */
  data[0] = (uint8_t)19999;
  sim_invariant_delivered(daemon, 0x77, 19999, data, sizeof data);
  SBT_CHECK(w->violation[0] == '\0', "the same bytes again pass: %s", w->violation);
  data[1] ^= 1;
  sim_invariant_delivered(daemon, 0x77, 19999, data, sizeof data);
  SBT_CHECK(strstr(w->violation, "differ") && strstr(w->violation, "0000000000000077 c2d seq 19999"),
            "mismatch: %s", w->violation);
  sim_world_free(w);
}

SBT_SUITE(sim_memory, "sim/memory", SBT_CASE(released_records_leave_what_the_run_needs),
          SBT_CASE(cursors_read_on_across_releases), SBT_CASE(failure_message_is_the_same_after_releases),
          SBT_CASE(a_frame_beyond_the_wire_bound_is_a_broken_script),
          SBT_CASE(wire_keeps_first_and_latest_frames), SBT_CASE(invariant_retires_what_can_no_longer_arrive));
