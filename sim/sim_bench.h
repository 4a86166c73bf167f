/*
 * Simulator benchmarks (make bench-sim): the scheduler alone, and encrypted
 * Data frames delivered end to end in a simulated world against the bare
 * AEAD cost of the same frames. Wall time is read here, and only here: it
 * measures the simulator, it never enters a simulation.
 */
#ifndef SIM_BENCH_H
#define SIM_BENCH_H

#include <stdbool.h>

/* Run the benchmarks (`quick`: smaller counts), print a table and write
 * `json_path` as a list of {name, value, unit, baseline, ratio}; a
 * `suite_seconds` >= 0 (the scenario suite's wall time, measured by the
 * caller) is added as "scenario_suite". 0 or 70. */
int sim_bench_run(const char *json_path, bool quick, double suite_seconds);

#endif
