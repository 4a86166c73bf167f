/*
 * The Lua 5.4 scenario host: runs one scenario file in a fresh Lua state
 * with the scenario API (scenario{}, sim.world{}, nodes, wires, faults,
 * expect.*) over a simulated world (world.h). The API is documented in
 * scenarios/README.md.
 *
 * Outcomes: PASS, FAIL (an expectation failed, or a declared table row was
 * not exercised), SKIP (scenario{ skip = "why" }), MALFORMED (the script is
 * broken: syntax error, wrong argument, unknown node or option, bad
 * duration; the message has file:line), INTERNAL (the simulator or the
 * reference failed where it cannot: a bug).
 */
#ifndef SIM_LUA_HOST_H
#define SIM_LUA_HOST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cJSON.h>
#include <lua.h>

#include "common/time.h"
#include "keylog.h"
#include "pcap.h"
#include "world.h"

/* The seed a run uses when neither --seed nor the scenario names one. */
#define SIM_DEFAULT_SEED UINT64_C(1)
/* How long an expectation waits (virtual time) unless told otherwise. */
#define SIM_DEFAULT_EXPECT_TIMEOUT_US INT64_C(10000000)

typedef enum sim_outcome {
  SIM_PASS,
  SIM_FAIL,
  SIM_SKIP,
  SIM_MALFORMED,
  SIM_INTERNAL
} sim_outcome;

typedef struct sim_run_opts {
  bool has_seed;      /* --seed given: it overrides sim.world{ seed = ... } */
  uint64_t seed;
  FILE *trace;        /* JSON Lines go here (may be NULL) */
  sim_pcap *pcap;     /* may be NULL */
  sim_keylog *keylog; /* may be NULL */
  bool declare_only;  /* stop at scenario{} (name and requirements only) */
  bool verbose;       /* print each expectation as it passes (to `log`) */
  FILE *log;          /* where failure reports go; NULL: stderr */
  size_t keep_records; /* records a run keeps behind the end (trace.h); 0: SIM_TRACE_KEEP */
} sim_run_opts;

typedef struct sim_scenario_result {
  sim_outcome outcome;
  char *name;                 /* scenario{ name } (NULL if the script never said) */
  char *description;
  char **requirements;        /* declared requirement IDs */
  size_t nrequirements;
  char **rows_declared;       /* declared table rows */
  size_t nrows_declared;
  char **rows;                /* rows exercised (from the trace's transitions), sorted */
  size_t nrows;
  uint64_t seed;
  char digest[65];            /* SHA-256 of the trace ("" if no world was made) */
  char *message;              /* failure, skip reason or script error */
  sb_time_us virtual_time;
  uint64_t events;
  size_t records;
  size_t expectations;        /* expect.* calls that passed */
} sim_scenario_result;

/* Run the scenario in `path`. Always fills `res` (free with
 * sim_scenario_result_free); returns its outcome. */
sim_outcome sim_scenario_run(const char *path, const sim_run_opts *o, sim_scenario_result *res);

/* Release what a result holds. */
void sim_scenario_result_free(sim_scenario_result *res);

/* "pass", "fail", "skip", "malformed", "internal". */
const char *sim_outcome_name(sim_outcome o);

/* ---- for the binding files of the layers above (lua_cloud.c, ...) ----------
 * They install their functions from sim_lua_*_install (called at the end of
 * the host's own install) and use these so that options, nodes, broken
 * scripts and expectations behave exactly as the host's own. */

/* The world (a broken script if sim.world{} was not called yet). */
sim_world *sim_lua_world(lua_State *L);
/* The node at `idx` (a node value or a name) / push a node value. */
sim_node *sim_lua_node(lua_State *L, int idx);
void sim_lua_push_node(lua_State *L, sim_node *n);
/* Refuse unknown keys of option table `idx` (NULL-ended `known`). */
void sim_lua_check_options(lua_State *L, int idx, const char *fname, const char *const *known);
/* Options of table `idx` for function `fname`. An absent (nil) option gives
 * `def` (the _or forms) or false with *out untouched; a wrong type or a value
 * out of [min, max] is a broken script naming the option. A flag is 1, 0 or
 * `def`; a string stays valid while the option table lives. */
const char *sim_lua_opt_str(lua_State *L, int idx, const char *fname, const char *key, const char *def);
int sim_lua_opt_flag(lua_State *L, int idx, const char *fname, const char *key, int def);
bool sim_lua_opt_int(lua_State *L, int idx, const char *fname, const char *key, lua_Integer min,
                     lua_Integer max, lua_Integer *out);
lua_Integer sim_lua_opt_int_or(lua_State *L, int idx, const char *fname, const char *key, lua_Integer def,
                               lua_Integer min, lua_Integer max);
bool sim_lua_opt_dur(lua_State *L, int idx, const char *fname, const char *key, sb_time_us *out);
sb_time_us sim_lua_opt_dur_or(lua_State *L, int idx, const char *fname, const char *key, sb_time_us def);
/* A duration string at `idx` ("250ms"); `what` names it in messages. */
sb_time_us sim_lua_duration(lua_State *L, int idx, const char *what);
/* An action's result: true, or false, the error's name and text; stops on an internal error. */
int sim_lua_result(lua_State *L, int rc);
/* Option `key` (a duration) of table `idx`, else the world's expectation timeout. */
sb_time_us sim_lua_timeout(lua_State *L, int idx, const char *fname, const char *key);
/* "expect.<fname>(args...)" of the current call, kept on the Lua stack. */
const char *sim_lua_describe(lua_State *L, const char *fname, int nargs);
/* Run the world until pred(ctx) holds or `timeout` of virtual time passed; true if it held. */
bool sim_lua_run_until(lua_State *L, bool (*pred)(void *ctx), void *ctx, sb_time_us timeout);
/* An expectation on node `n`'s records of kind `cursor` (SIM_CUR_*) after
 * its cursor: wait up to `timeout` for one `match` accepts, pass and move
 * the cursor past it (its index is returned), or fail the scenario with
 * `what`; `accept` sees every record of the node, whatever its kind; `negative`: pass if none appears during `timeout` (SIZE_MAX
 * returned, the cursor stays). */
typedef bool (*sim_lua_match_fn)(const sim_rec *r, void *ctx);
size_t sim_lua_expect(lua_State *L, sim_node *n, int cursor, sim_lua_match_fn accept, void *ctx,
                      sb_time_us timeout, bool negative, const char *what);
/* A broken-script error (file:line) if a record of node `n` at trace index
 * `from` or later is no longer in memory (trace.h: a long run releases old
 * records): a reader from `from` on could not see every record it should. */
void sim_lua_check_reach(lua_State *L, const sim_node *n, size_t from);
/* Record a passed expectation `what` (the trace and the count), for
 * expectations that wait on something other than one record. */
void sim_lua_pass(lua_State *L, const char *what);
/* Fail the scenario like an expectation (`detail` lines may be NULL). */
_Noreturn void sim_lua_fail(lua_State *L, const char *what, const char *detail);

/* JSON values of the peer bindings (lua_peer.c), for the other binding
 * files: the value at `idx` as a new cJSON tree the caller owns (NULL for
 * nil; a broken script for what is not JSON), and a tree pushed as Lua. */
cJSON *sim_lua_to_json(lua_State *L, int idx, const char *what);
void sim_lua_push_json(lua_State *L, const cJSON *v);

/* The installers of those binding files. */
void sim_lua_cloud_install(lua_State *L); /* lua_cloud.c */
void sim_lua_peer_install(lua_State *L);  /* lua_peer.c */
/* Node `n` (kind SIM_PEER) indexed with `k`: push its field or method and
 * return true, or false for the host's own (lua_peer.c). */
bool sim_lua_peer_index(lua_State *L, sim_node *n, const char *k);

#endif
