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

#include "common/time.h"
#include "keylog.h"
#include "pcap.h"

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

#endif
