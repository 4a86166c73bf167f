#!/usr/bin/env bash
# Build, seed and run the libFuzzer targets (ref/fuzz/fuzz_<target>.c).
#
#   tools/fuzz.sh smoke [--results FILE] [TARGET...]
#       the `make test` stage: every seed once, whole, then every target for
#       $FUZZ_SMOKE_SECONDS (default 3) seconds from its corpus
#   tools/fuzz.sh run SECONDS [--runs N] [--results FILE] [TARGET...]
#       every target for SECONDS (or N executions, whichever comes first)
#   tools/fuzz.sh build
#       only build the harnesses and refresh the seed corpora
# --no-build runs the harnesses already built (a long run keeps one build
# while the sources change); --keep-going fuzzes on after a crash (fork
# mode), for long runs that should find more than the first bug.
#
# Targets run $FUZZ_JOBS at a time (default: the number of CPUs); seeds come
# from the vector files in $FUZZ_VECTORS (default vectors/). Layout, under
# $FUZZ_DIR (default build/fuzz): bin/ (harnesses, seed maker), corpus/<target>/
# (seed-* from the vector files and the seed maker, plus what the fuzzer
# finds), logs/, crashes/<target>-crash-... (inputs that crashed or broke an
# invariant), summary.tsv (one line per target of the last run). A long run
# can copy bin/ to another FUZZ_DIR and use --no-build, so that rebuilding
# meanwhile does not change the binaries under it.
#
# --results FILE gets "passed failed skipped", one count per target. Without
# clang's libFuzzer runtime every target is reported skipped, not passed.
# Exit: 0 when no target failed, 1 otherwise, 2 on usage errors.
set -u
cd "$(dirname "$0")/.." || exit 2

die_usage() { echo "usage: tools/fuzz.sh smoke|run SECONDS|build [--runs N] [--no-build] [--keep-going] [--results FILE] [TARGET...]" >&2; exit 2; }

mode=${1:-}; [ -n "$mode" ] || die_usage; shift
seconds=${FUZZ_SMOKE_SECONDS:-3}
if [ "$mode" = run ]; then
  [[ "${1:-}" =~ ^[0-9]+$ ]] || die_usage
  seconds=$1; shift
elif [ "$mode" != smoke ] && [ "$mode" != build ]; then
  die_usage
fi
runs='' results='' no_build='' keep_going='' targets=()
while [ $# -gt 0 ]; do
  case $1 in
    --runs) [[ "${2:-}" =~ ^[0-9]+$ ]] || die_usage; runs=$2; shift 2 ;;
    --no-build) no_build=1; shift ;;
    --keep-going) keep_going=1; shift ;;
    --results) [ -n "${2:-}" ] || die_usage; results=$2; shift 2 ;;
    -*) die_usage ;;
    *) targets+=("$1"); shift ;;
  esac
done

make=${MAKE:-make}
clang=${CLANG:-clang}
dir=${FUZZ_DIR:-build/fuzz}
all_targets=()
for f in ref/fuzz/fuzz_*.c; do t=${f#ref/fuzz/fuzz_}; all_targets+=("${t%.c}"); done
[ ${#targets[@]} -gt 0 ] || targets=("${all_targets[@]}")
for t in "${targets[@]}"; do
  [ -f "ref/fuzz/fuzz_$t.c" ] || { echo "fuzz: no target '$t' (have: ${all_targets[*]})" >&2; exit 2; }
done

report() { # passed failed skipped
  [ -z "$results" ] || { mkdir -p "$(dirname "$results")" && echo "$1 $2 $3" > "$results"; }
}

# ---- can this machine build a fuzzer at all? --------------------------------
mkdir -p "$dir"
probe=$(mktemp "$dir/probe.XXXXXX")
printf 'int LLVMFuzzerTestOneInput(const unsigned char *d, unsigned long n);\nint LLVMFuzzerTestOneInput(const unsigned char *d, unsigned long n) { return d && n; }\n' > "$probe.c"
if ! command -v "$clang" >/dev/null 2>&1 ||
   ! "$clang" -x c -fsanitize=fuzzer,address,undefined "$probe.c" -o "$probe" 2>"$probe.err"; then
  echo "fuzz: SKIPPED: $clang cannot link -fsanitize=fuzzer,address,undefined (clang's libFuzzer runtime," >&2
  echo "      Debian package libclang-rt-14-dev, is missing?): ${#targets[@]} targets not run" >&2
  head -n 3 "$probe.err" 2>/dev/null | sed 's/^/      /' >&2
  rm -f "$probe" "$probe.c" "$probe.err"
  report 0 0 ${#targets[@]}
  exit 0
fi
rm -f "$probe" "$probe.c" "$probe.err"

# ---- build and seed ----------------------------------------------------------
if [ -n "$no_build" ]; then
  for t in "${targets[@]}"; do
    [ -x "$dir/bin/fuzz-$t" ] || { echo "fuzz: --no-build: $dir/bin/fuzz-$t is missing" >&2; exit 2; }
  done
elif ! "$make" --no-print-directory -j"$(nproc 2>/dev/null || echo 2)" fuzz-build >"$dir/build.log" 2>&1; then
  tail -n 30 "$dir/build.log" >&2
  echo "fuzz: FAILED: the harnesses do not build (log: $dir/build.log)" >&2
  report 0 ${#targets[@]} 0
  exit 1
fi
shopt -s nullglob
vdir=${FUZZ_VECTORS:-vectors}
vector_files=("$vdir"/*.json "$vdir"/upstream-interop/*.json)
shopt -u nullglob
if ! "$dir/bin/seed-maker" "$dir/corpus" "${vector_files[@]}" >"$dir/seeds.log" 2>&1; then
  cat "$dir/seeds.log" >&2
  echo "fuzz: FAILED: the seed maker failed" >&2
  report 0 ${#targets[@]} 0
  exit 1
fi
[ "$mode" = build ] && { cat "$dir/seeds.log"; exit 0; }

# ---- run ---------------------------------------------------------------------
mkdir -p "$dir/logs" "$dir/crashes"
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:allocator_may_return_null=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

# Longest input per target: room for what the target can accept (a token
# is at most 4096 characters, an SBRP frame 13 + 65536 bytes) without letting
# the fuzzer spend its time in huge inputs. Longer seeds are cut to it.
max_len() {
  case $1 in
    sid) echo 64 ;;
    events) echo 1024 ;;
    token) echo 4200 ;;
    sbp_frame | sbp_handshake | sbrp_data | iut_answer) echo 8192 ;;
    sbrp_frame) echo 65600 ;;
    *) echo 32768 ;;
  esac
}

# The closing numbers of a libFuzzer log: "execs cov corpus". A plain run
# ends with "#N DONE cov: C ft: F corp: K/Sb ..." (or INITED / the last NEW
# line if it stopped early) and "stat::number_of_executed_units: N"; a fork
# run prints "#N: cov: C ft: F corp: K exec/s ..." lines.
log_numbers() {
  local log=$1 last execs
  last=$(grep -E '^#[0-9]+:?[[:space:]]+(cov:|DONE|INITED|NEW|REDUCE|pulse|RELOAD)' "$log" | tail -1)
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  # A fork run's parent counts nothing itself: its last "#N:" line has the total.
  [ -n "$execs" ] && [ "$execs" != 0 ] || execs=$(sed -n 's/^#\([0-9]*\).*/\1/p' <<<"$last")
  echo "${execs:-?} $(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<<"$last" | grep . || echo '?')" \
       "$(sed -n 's/.* corp: \([0-9]*\).*/\1/p' <<<"$last" | grep . || echo '?')"
}

# Smoke mode: every seed of a target once, whole (the corpus pass of the
# fuzzer cuts inputs to max_len), and every checked-in regression input
# (ref/fuzz/regress/<target>-*: inputs that once crashed a target). A
# crashing input is copied to crashes/.
run_seeds() {
  local t=$1 log=$dir/logs/$1.seeds.log bad seeds=()
  local f
  for f in "$dir/corpus/$t"/seed-* ref/fuzz/regress/"$t"-*; do
    [ -e "$f" ] && seeds+=("$f")
  done
  [ ${#seeds[@]} -gt 0 ] || return 0
  "$dir/bin/fuzz-$t" -timeout=10 -rss_limit_mb=2048 "${seeds[@]}" >"$log" 2>&1 && return 0
  bad=$(sed -n 's/^Running: //p' "$log" | tail -1)
  [ -n "$bad" ] && cp "$bad" "$dir/crashes/$t-crash-$(basename "$bad")"
  return 1
}

# One target: every seed and corpus input once, then fuzz. The result goes to
# logs/<target>.status: "ok|FAIL SECONDS EXECS COV CORPUS [why]". With
# --keep-going the fuzzer runs in fork mode and goes on after a crash (each
# one is still kept and fails the target); coverage and corpus size then come
# from one more pass over the final corpus.
run_target() {
  local t=$1 log=$dir/logs/$1.log
  mkdir -p "$dir/corpus/$t"
  local args=(-timeout=10 -rss_limit_mb=2048 -max_len="$(max_len "$t")"
              -artifact_prefix="$dir/crashes/$t-")
  local fuzz_args=(-max_total_time="$seconds" -print_final_stats=1)
  [ -n "$runs" ] && fuzz_args+=(-runs="$runs")
  [ -n "$keep_going" ] && fuzz_args+=(-fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1)
  local before start=$SECONDS
  before=$(find "$dir/crashes" -name "$t-*" | wc -l)
  if [ "$mode" = smoke ] && ! run_seeds "$t"; then
    echo "FAIL $((SECONDS - start)) ? ? ? a seed crashed: $(grep -m1 -E 'ERROR: |runtime error:|invariant failed' \
      "$dir/logs/$t.seeds.log" | sed 's/^==[0-9]*==//' | cut -c1-160) (log: $dir/logs/$t.seeds.log)" \
      > "$dir/logs/$t.status"
    return
  fi
  "$dir/bin/fuzz-$t" "${args[@]}" "${fuzz_args[@]}" "$dir/corpus/$t" >"$log" 2>&1
  local rc=$? took=$((SECONDS - start)) crashes numbers what
  crashes=$(( $(find "$dir/crashes" -name "$t-*" | wc -l) - before ))
  numbers=$(log_numbers "$log")
  if [ -n "$keep_going" ] && [ $rc -eq 0 ]; then
    "$dir/bin/fuzz-$t" "${args[@]}" -runs=0 "$dir/corpus/$t" >"$dir/logs/$t.final.log" 2>&1 &&
      numbers="${numbers%% *} $(log_numbers "$dir/logs/$t.final.log" | cut -d' ' -f2-)"
  fi
  if [ $rc -eq 0 ] && [ "$crashes" -eq 0 ] && grep -qE '^#[0-9]+[[:space:]]+INITED|^#[0-9]+: cov:' "$log"; then
    echo "ok $took $numbers" > "$dir/logs/$t.status"
    return
  fi
  if [ $rc -eq 0 ] && [ "$crashes" -eq 0 ]; then
    what="the corpus was not run (no INITED line)"
  else
    what=$(grep -m1 -E 'ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer)|runtime error:|invariant failed' "$log" |
           sed 's/^==[0-9]*==//' | cut -c1-160)
    what="exit $rc, $crashes new crash inputs: ${what:-see the log}"
  fi
  echo "FAIL $took $numbers $what" > "$dir/logs/$t.status"
}

jobs=${FUZZ_JOBS:-$(nproc 2>/dev/null || echo 2)}
echo "fuzz: ${#targets[@]} targets, ${seconds}s each${runs:+ or $runs runs}${keep_going:+ (fork mode, going on after crashes)}, $jobs at a time; $(grep -o "[0-9]* new seeds" "$dir/seeds.log" || echo "no new seeds")"
running=0
for t in "${targets[@]}"; do
  rm -f "$dir/logs/$t.status"
  run_target "$t" &
  running=$((running + 1))
  if [ $running -ge "$jobs" ]; then wait -n; running=$((running - 1)); fi
done
wait

# ---- report ------------------------------------------------------------------
passed=0 failed=0
printf '%-14s %-6s %12s %7s %8s %7s %8s\n' target result execs secs exec/s cov corpus
: > "$dir/summary.tsv"
for t in "${targets[@]}"; do
  status=$(cat "$dir/logs/$t.status" 2>/dev/null || echo "FAIL 0 ? ? ? no status (the runner died)")
  read -r res took execs cov corp why <<<"$status"
  rate='?'
  [[ "$execs" =~ ^[0-9]+$ ]] && rate=$(( execs / (took > 0 ? took : 1) ))
  if [ "$res" = ok ]; then passed=$((passed + 1)); else failed=$((failed + 1)); fi
  printf '%-14s %-6s %12s %7s %8s %7s %8s\n' "$t" "$res" "$execs" "$took" "$rate" "$cov" "$corp"
  printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$t" "$res" "$execs" "$took" "$cov" "$corp" >> "$dir/summary.tsv"
  if [ "$res" = FAIL ]; then
    echo "  $t: $why" >&2
    echo "  log: $dir/logs/$t.log" >&2
    grep -h -o "Test unit written to .*" "$dir/logs/$t.log" | sort -u | sed 's/^/  /' >&2
  fi
done
echo "fuzz: $passed targets passed, $failed failed"
report "$passed" "$failed" 0
[ "$failed" -eq 0 ]
