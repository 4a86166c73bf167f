#!/usr/bin/env bash
# make fuzz-dissector: mutation fuzzing of the plugin through tshark for
# SECONDS (default 60). Each round takes a new seed and writes 4000 mutants
# of the demo capture and 4000 of the vector capture (sbconf capture fuzz:
# byte and header mutations, and, with the key log, mutations inside the
# encryption), then runs tshark -2 -V with the AddressSanitizer/UBSan build of
# the plugin. A crash, a sanitizer report, a "Dissector bug" or any stderr
# output fails the run; the capture is kept as build/dissector/fuzz/crash-*.pcap.
# usage: dissector-fuzz.sh [SECONDS]
set -u
secs=${1:-60}
BUILD=${BUILD:-build}
DISSECTOR_WORK=$BUILD/dissector/fuzz # apart from test-dissector's files
. tools/dissector-lib.sh
W=$DISSECTOR_WORK
ts_available || exit 1
ts_asan_available || echo "fuzz-dissector: no sanitizer build, using the plain plugin" >&2
demo=$W/demo.pcap keys=$W/demo.keys
"$BUILD/sbconf" capture demo "$demo" --keylog "$keys" || exit 1
if [ ! -f "$W/vectors.pcap" ]; then
  rm -rf "$W/vectors"
  "$BUILD/sbconf" vectors generate "$W/vectors" >/dev/null 2>&1
  "$BUILD/sbconf" capture vectors "$W/vectors" "$W/vectors.pcap" 2>/dev/null
fi
end=$(( $(date +%s) + secs ))
rounds=0 mutants=0 failures=0
seed=${FUZZ_SEED:-1000}
while [ "$(date +%s)" -lt "$end" ]; do
  for spec in "demo:$demo" "vectors:$W/vectors.pcap"; do
    IFS=: read -r name src <<< "$spec"
    [ -f "$src" ] || continue
    if ! fuzz_round "$seed" 4000 "$src" "$name" "$keys"; then failures=$((failures + 1)); fi
    mutants=$((mutants + 4000))
  done
  rounds=$((rounds + 1)); seed=$((seed + 1))
done
echo "fuzz-dissector: $rounds rounds, $mutants mutants in ${secs} s, $failures failures"
[ "$failures" -eq 0 ]
