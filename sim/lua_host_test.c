/*
 * The Lua scenario host: outcomes (pass, fail, skip, malformed), messages
 * with file:line, declaration-only runs, rows exercised, determinism.
 */
#define _POSIX_C_SOURCE 200809L
#include "lua_host.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "test/sbt.h"

static void script(char *path, size_t cap, const char *text) {
  const char *dir = getenv("TMPDIR");
  snprintf(path, cap, "%s/sbconf-scn-XXXXXX", dir && *dir ? dir : "/tmp");
  int fd = mkstemp(path);
  SBT_CHECK(fd >= 0, "temp file");
  if (fd < 0) return;
  size_t n = strlen(text);
  SBT_CHECK(write(fd, text, n) == (ssize_t)n, "write script");
  close(fd);
}

static sim_outcome run(const char *text, const sim_run_opts *o, sim_scenario_result *r, char *path, size_t cap) {
  script(path, cap, text);
  sim_run_opts d = {.log = stderr};
  return sim_scenario_run(path, o ? o : &d, r);
}

#define SETUP                                                  \
  "local world = sim.world { seed = 3 }\n"                     \
  "local relay = world:relay {}\n"                             \
  "local daemon = world:daemon { id = 'd_abc' }\n"             \
  "local client = world:client { daemon = daemon }\n"

static const char passing[] = "scenario { name = 'ok', requirements = { 'SBRP-KA-001' },\n"
                              "  rows = { 'SBRP-SM-C-004' } }\n" SETUP
                              "client:connect()\n"
                              "expect.state(client, 'Active')\n"
                              "client:send('hi')\n"
                              "expect.delivered(daemon, 'hi')\n";

static void passing_scenario_reports_rows_and_requirements(void) {
  char path[256];
  sim_scenario_result r;
  sim_outcome o = run(passing, NULL, &r, path, sizeof path);
  SBT_CHECK(o == SIM_PASS, "pass: %s", r.message ? r.message : "");
  SBT_STR_EQ(r.name, "ok");
  SBT_EQ_U64(r.nrequirements, 1);
  SBT_EQ_U64(r.expectations, 2);
  SBT_EQ_U64(r.seed, 3);
  bool c004 = false;
  for (size_t i = 0; i < r.nrows; i++) c004 = c004 || !strcmp(r.rows[i], "SBRP-SM-C-004");
  SBT_CHECK(c004, "row C-004 exercised");
  for (size_t i = 1; i < r.nrows; i++) SBT_CHECK(strcmp(r.rows[i - 1], r.rows[i]) < 0, "rows sorted, unique");
  SBT_EQ_U64(strlen(r.digest), 64);
  /* The same script and seed again: the same digest; --seed overrides the script's seed. */
  char first[65];
  memcpy(first, r.digest, sizeof first);
  sim_scenario_result_free(&r);
  sim_run_opts opts = {.log = stderr};
  SBT_CHECK(sim_scenario_run(path, &opts, &r) == SIM_PASS, "second run");
  SBT_STR_EQ(r.digest, first);
  sim_scenario_result_free(&r);
  opts.has_seed = true;
  opts.seed = 4;
  SBT_CHECK(sim_scenario_run(path, &opts, &r) == SIM_PASS, "run with --seed 4");
  SBT_EQ_U64(r.seed, 4);
  SBT_CHECK(strcmp(r.digest, first) != 0, "another seed, another trace");
  sim_scenario_result_free(&r);
  unlink(path);
}

static void failed_expectation_names_the_line_and_the_seed(void) {
  char path[256];
  sim_scenario_result r;
  const char text[] = "scenario { name = 'f' }\n" SETUP
                      "client:connect()\n"
                      "expect.control(client, 'session_paused', { timeout = '1s' })\n";
  SBT_CHECK(run(text, NULL, &r, path, sizeof path) == SIM_FAIL, "fail");
  char want[400];
  snprintf(want, sizeof want, "%s:7: expectation failed at t=1.01s: expect.control(client, \"session_paused\"", path);
  SBT_CHECK(r.message && strstr(r.message, want), "message has file:line: %s", r.message ? r.message : "(none)");
  SBT_CHECK(r.message && strstr(r.message, "--seed 3"), "message has the seed");
  sim_scenario_result_free(&r);
  unlink(path);
}

static void broken_scripts_are_malformed_with_file_line(void) {
  static const struct {
    const char *text, *msg;
  } cases[] = {
      {"scenario { name = 'x' \n", ":2: '}' expected"},
      {"scenario { name = 'x' }\nlocal w = sim.world { latency = '3 lightyears' }\n",
       ":2: bad duration '3 lightyears' for option 'latency' of sim.world"},
      {"scenario { name = 'x', colour = 'red' }\n", ":1: unknown option 'colour' for scenario"},
      {"scenario { name = 'x' }\n" SETUP "expect.state('bob', 'Active')\n", ":6: unknown node 'bob'"},
      {"scenario { name = 'x' }\n" SETUP "world:advance()\n",
       ":6: advance's argument must be a duration string such as \"250ms\" or \"2s\" (got no value)"},
      {"local w = sim.world {}\n", ":1: call scenario{"},
      {"scenario { name = 'x' }\n" SETUP "client:connect { token = 42 }\n",
       ":6: option 'token' of connect must be a string (got number)"},
  };
  for (size_t i = 0; i < SB_ARRAY_LEN(cases); i++) {
    char path[256];
    sim_scenario_result r;
    sim_outcome o = run(cases[i].text, NULL, &r, path, sizeof path);
    SBT_CHECK(o == SIM_MALFORMED, "case %zu malformed (got %s)", i, sim_outcome_name(o));
    SBT_CHECK(r.message && strstr(r.message, cases[i].msg) && !strncmp(r.message, path, strlen(path)),
              "case %zu: '%s' in: %s", i, cases[i].msg, r.message ? r.message : "(none)");
    sim_scenario_result_free(&r);
    unlink(path);
  }
}

static void skip_and_declaration_only_stop_early(void) {
  char path[256];
  sim_scenario_result r;
  SBT_CHECK(run("scenario { name = 's', skip = 'needs issue 5' }\nerror('not reached')\n", NULL, &r, path,
                sizeof path) == SIM_SKIP,
            "skipped");
  SBT_STR_EQ(r.message, "needs issue 5");
  sim_scenario_result_free(&r);
  unlink(path);
  sim_run_opts o = {.declare_only = true, .log = stderr};
  SBT_CHECK(run(passing, &o, &r, path, sizeof path) == SIM_PASS, "declaration pass");
  SBT_STR_EQ(r.requirements[0], "SBRP-KA-001");
  SBT_EQ_U64(r.events, 0);
  SBT_STR_EQ(r.digest, "");
  sim_scenario_result_free(&r);
  unlink(path);
}

/* expect.keys / expect.no_keys read the `keys` records (one per handshake and end). */
static void keys_expectations_see_each_handshake(void) {
  char path[256];
  sim_scenario_result r;
  const char ok[] = "scenario { name = 'k' }\n" SETUP
                    "client:connect()\n"
                    "expect.keys(daemon, { session = client })\n"
                    "expect.keys(client, { session = client })\n"
                    "expect.no_keys(client, { during = '1s' })\n";
  sim_outcome o = run(ok, NULL, &r, path, sizeof path);
  SBT_CHECK(o == SIM_PASS, "pass: %s", r.message ? r.message : "");
  sim_scenario_result_free(&r);
  unlink(path);
  const char bad[] = "scenario { name = 'k' }\n" SETUP
                     "client:connect()\n"
                     "expect.no_keys(client, { during = '1s' })\n";
  o = run(bad, NULL, &r, path, sizeof path);
  SBT_CHECK(o == SIM_FAIL, "a handshake makes no_keys fail");
  SBT_CHECK(r.message && strstr(r.message, "\"ev\":\"keys\""), "shows the keys record: %s",
            r.message ? r.message : "(none)");
  sim_scenario_result_free(&r);
  unlink(path);
}

/* A failing expect.truthy (no detail lines) is a failure with file:line, not a crash. */
static void failed_truthy_is_reported(void) {
  char path[256];
  sim_scenario_result r;
  const char text[] = "scenario { name = 't' }\n" SETUP "expect.truthy(1 > 2, 'one above two')\n";
  sim_outcome o = run(text, NULL, &r, path, sizeof path);
  SBT_CHECK(o == SIM_FAIL, "fail (got %s)", sim_outcome_name(o));
  SBT_CHECK(r.message && strstr(r.message, ":6: expectation failed at t=10ms: expect.truthy(one above two)"),
            "message: %s", r.message ? r.message : "(none)");
  sim_scenario_result_free(&r);
  unlink(path);
}

static void a_scenario_that_checks_nothing_fails(void) {
  char path[256];
  sim_scenario_result r;
  SBT_CHECK(run("scenario { name = 'empty' }\n" SETUP, NULL, &r, path, sizeof path) == SIM_FAIL, "fail");
  SBT_CHECK(r.message && strstr(r.message, "checked nothing"), "says why");
  sim_scenario_result_free(&r);
  unlink(path);
}

SBT_SUITE(sim_lua_host, "sim/lua_host", SBT_CASE(passing_scenario_reports_rows_and_requirements),
          SBT_CASE(failed_expectation_names_the_line_and_the_seed),
          SBT_CASE(broken_scripts_are_malformed_with_file_line), SBT_CASE(skip_and_declaration_only_stop_early),
          SBT_CASE(a_scenario_that_checks_nothing_fails), SBT_CASE(keys_expectations_see_each_handshake),
          SBT_CASE(failed_truthy_is_reported));
