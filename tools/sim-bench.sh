#!/usr/bin/env bash
# make bench-sim: the scenario suite's wall time, then the simulator's own
# benchmarks (sim/sim_bench.c), into one JSON file.
# usage: sim-bench.sh SIM_BENCH SBCONF JSON_OUT [--quick]
set -u
bench=$1 sbconf=$2 json=$3
shift 3
cd "$(dirname "$0")/.." || exit 1
t0=$(date +%s.%N)
"$sbconf" run --quiet scenarios > /dev/null 2>&1
rc=$?
t1=$(date +%s.%N)
suite=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')
[ "$rc" -eq 0 ] || echo "sim-bench: the scenario suite did not pass (exit $rc); its time is still reported"
"$bench" --json "$json" --suite-seconds "$suite" "$@" || exit $?
echo "wrote $json"
