#!/usr/bin/env bash
# Requirement coverage of the unit tests.
#
# Each layer keeps a catalog ref/<layer>/requirements.tsv with one row per
# requirement ID of its digest:  ID <TAB> LEVEL <TAB> STATUS <TAB> NOTE
#   test   a unit test next to the code cites the ID (checked here)
#   scenario  no unit test, but a scenario under scenarios/ declares the ID in
#          its `requirements` (checked here; whether it passes is make
#          test-scenarios' job, and reports/coverage.md lists both)
#   later  covered by vectors or scenarios of a later issue (NOTE says which)
#   info   nothing a test can observe (descriptive fact, guidance) (NOTE says why)
# A NOTE starting "behaviour:" marks a rule shown over time or across
# connections (state machines, scenarios) rather than by one input; the
# vectors' coverage check (tools/vectors-test.sh) does not ask a vector for it.
# Checks: every `test` ID is cited by some ref/*/*_test.c; every `scenario`
# ID is declared by a scenario; every ID a test cites or a scenario declares
# exists in a catalog; no row has another status. Writes
# "passed failed skipped" to RESULTS_FILE (one check per catalog row plus one
# per cited ID).
# usage: reqcov.sh RESULTS_FILE
set -u
out=${1:-/dev/null}
cd "$(dirname "$0")/.."
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
# IDs end in one to three digits (PEER-SM-T1 .. SBP-HS-010); an errata label
# such as E-PEER-1 or a longer number is not an ID (hence the lookarounds).
id_re='(?<![A-Za-z0-9-])(SBP|RPC|EVT|SBRP|AUTH|PEER|CLOUD|TRN)(-[A-Z]+)*-[A-Z]?[0-9]{1,3}(?![0-9])'

cat ref/*/requirements*.tsv | awk -F'\t' '!/^#/ && NF >= 3 {print $1 "\t" $3}' | sort -u > "$tmp/cat"
grep -ohP "$id_re" ref/*/*_test.c 2>/dev/null | sort -u > "$tmp/cited"
# IDs scenarios declare: the quoted strings of their `requirements` lists.
find scenarios -name '*.lua' -not -path '*/broken/*' -print0 2>/dev/null |
  xargs -0 -r awk '/requirements *= *\{/ {on = 1} on {print} on && /\}/ {on = 0}' |
  grep -oP "\"\K$id_re(?=\")" | sort -u > "$tmp/declared"

pass=0 fail=0
while IFS=$'\t' read -r id status; do
  case "$status" in
    test)
      if grep -qxF "$id" "$tmp/cited"; then pass=$((pass + 1)); else
        echo "reqcov: $id is marked test but no unit test cites it"; fail=$((fail + 1)); fi ;;
    scenario)
      if grep -qxF "$id" "$tmp/declared"; then pass=$((pass + 1)); else
        echo "reqcov: $id is marked scenario but no scenario declares it"; fail=$((fail + 1)); fi ;;
    later|info) pass=$((pass + 1)) ;;
    *) echo "reqcov: $id has status '$status' (want test, scenario, later or info)"; fail=$((fail + 1)) ;;
  esac
done < "$tmp/cat"
cut -f1 "$tmp/cat" > "$tmp/ids"
while read -r id; do
  if grep -qxF "$id" "$tmp/ids"; then pass=$((pass + 1)); else
    echo "reqcov: a test cites $id, which no catalog lists"; fail=$((fail + 1)); fi
done < "$tmp/cited"

while read -r id; do
  if grep -qxF "$id" "$tmp/ids"; then pass=$((pass + 1)); else
    echo "reqcov: a scenario declares $id, which no catalog lists"; fail=$((fail + 1)); fi
done < "$tmp/declared"

for f in ref/*/requirements*.tsv; do
  awk -F'\t' -v f="$f" '!/^#/ && NF >= 3 {n[$3]++; t++}
    END {printf "  %-32s %3d ids: %3d test, %3d scenario, %3d later, %3d info\n", f, t, n["test"], n["scenario"], n["later"], n["info"]}' "$f"
done
echo "reqcov: $pass checks passed, $fail failed"
echo "$pass $fail 0" > "$out"
[ "$fail" -eq 0 ]
