#!/usr/bin/env bash
# The scenario stage of `make test` (scenarios/README.md):
#   1. every scenario under scenarios/ passes (`sbconf run scenarios`);
#   2. determinism: each scenario run twice with the same seed gives the same
#      trace digest, and a second seed gives another digest;
#   3. every capture of the run opens in tshark without errors, and every
#      WebSocket frame on it is binary, a continuation or a close: SBRP
#      messages are binary messages (SBRP-WIRE-001) (skipped when tshark is
#      missing);
#   4. broken scripts (scenarios/broken/expect.tsv) and bad command lines
#      give the documented exit code and message, never a crash.
# One check per scenario / script / case; writes "passed failed skipped" to
# RESULTS_FILE.
# usage: scenarios-test.sh RESULTS_FILE      (SBCONF=path overrides build/sbconf)
set -u
out=${1:-/dev/null}
cd "$(dirname "$0")/.." || exit 1
SBCONF=${SBCONF:-build/sbconf}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0 skip=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "scenarios: FAIL $*"; }

if [ ! -x "$SBCONF" ]; then
  echo "scenarios: $SBCONF not built (make all)"
  echo "0 1 0" > "$out"
  exit 1
fi

# ---- 1. every scenario passes (and writes its capture) ------------------------
mkdir -p "$tmp/pcap"
timeout 600 "$SBCONF" run --seed 1 --pcap "$tmp/pcap/{}.pcap" --keylog "$tmp/pcap/{}.keylog" \
  scenarios > "$tmp/run1" 2>&1
rc=$?
if ! tail -n 1 "$tmp/run1" | grep -Eq '^[0-9]+ passed, [0-9]+ failed'; then
  bad "sbconf run scenarios: no summary line (exit $rc)"
  tail -n 5 "$tmp/run1" | sed 's/^/    /'
fi
while read -r status file _; do
  case $status in
    PASS) ok ;;
    SKIP) skip=$((skip + 1)) ;;
    *) bad "$file: $status"; grep -A12 -F " $file " "$tmp/run1" | sed -n '2,14p' ;;
  esac
done < <(grep -E '^(PASS|FAIL|SKIP|ERROR|BUG) ' "$tmp/run1")

# ---- 2. determinism ----------------------------------------------------------
timeout 600 "$SBCONF" run --seed 1 scenarios > "$tmp/run2" 2>&1
timeout 600 "$SBCONF" run --seed 2 scenarios > "$tmp/run3" 2>&1
digests() { sed -n 's/^\(PASS\|FAIL\|SKIP\|ERROR\|BUG\)  *\([^ ]*\) .*sha256=\([0-9a-f-]*\).*/\2 \3/p' "$1"; }
digests "$tmp/run1" > "$tmp/d1"
digests "$tmp/run2" > "$tmp/d2"
digests "$tmp/run3" > "$tmp/d3"
while read -r file d1; do
  d2=$(awk -v f="$file" '$1 == f { print $2 }' "$tmp/d2")
  d3=$(awk -v f="$file" '$1 == f { print $2 }' "$tmp/d3")
  if [ "$d1" != "$d2" ]; then
    bad "$file: seed 1 gave two digests ($d1, $d2): the run is not deterministic"
  elif [ "$d1" = "$d3" ]; then
    bad "$file: seeds 1 and 2 gave the same digest: the seed does not reach its randomness"
  else
    ok
  fi
done < "$tmp/d1"

# ---- 3. captures open in tshark ------------------------------------------------
if command -v tshark > /dev/null 2>&1; then
  for p in "$tmp"/pcap/*.pcap; do
    [ -e "$p" ] || continue
    if tshark -r "$p" > /dev/null 2> "$tmp/tshark.err" && ! grep -v 'Running as user' "$tmp/tshark.err" | grep -q .; then
      ok
    else
      bad "tshark -r $(basename "$p"): $(grep -v 'Running as user' "$tmp/tshark.err" | head -2)"
    fi
    # SBRP-WIRE-001: no text (or other) data frame on an SBRP connection.
    if tshark -r "$p" -Y 'websocket && !(websocket.opcode == 0 || websocket.opcode == 2 || websocket.opcode == 8)' \
         > "$tmp/tshark.op" 2> /dev/null && [ ! -s "$tmp/tshark.op" ]; then
      ok
    else
      bad "$(basename "$p"): WebSocket frames that are not binary (SBRP-WIRE-001): $(head -2 "$tmp/tshark.op")"
    fi
  done
else
  echo "scenarios: tshark not found: captures not checked"
  skip=$((skip + 1))
fi

# ---- 4. broken scripts and command lines --------------------------------------
# check WANT_EXIT MESSAGE ARGS...: sbconf ARGS exits WANT_EXIT and prints MESSAGE.
check() {
  local want=$1 msg=$2
  shift 2
  timeout 60 "$SBCONF" "$@" > "$tmp/out" 2>&1
  local got=$?
  if [ "$got" -ne "$want" ]; then
    bad "sbconf $*: exit $got, want $want"
    head -4 "$tmp/out" | sed 's/^/    /'
  elif [ -n "$msg" ] && ! grep -qF -- "$msg" "$tmp/out"; then
    bad "sbconf $*: output lacks: $msg"
    head -4 "$tmp/out" | sed 's/^/    /'
  else
    ok
  fi
}
while IFS=$'\t' read -r file want msg; do
  case $file in ''|'#'*) continue ;; esac
  check "$want" "$msg" run "scenarios/broken/$file"
done < scenarios/broken/expect.tsv
# Every broken script has at least one row.
for f in scenarios/broken/*.lua; do
  grep -q "^$(basename "$f")	" scenarios/broken/expect.tsv || bad "$f has no row in scenarios/broken/expect.tsv"
done
one=scenarios/sbrp/handshake-happy-path.lua
check 3 "no-such-file.lua: No such file or directory" run no-such-file.lua
check 2 "unknown option --sede" run --sede 3 "$one"
check 2 "--seed wants an integer" run --seed minus-one "$one"
check 2 "put {} in the file name" run --trace "$tmp/t.jsonl" scenarios/sbrp
check 2 "run needs at least one" run
check 3 "no scenario matches --filter" run --filter NO-SUCH-ID scenarios/sbrp
check 0 "1 passed, 0 failed" run --filter SBRP-SM-C-003 scenarios/sbrp/token-expired.lua scenarios/sbrp/ping-answered.lua
check 4 "expect.tsv:1:1: invalid JSON" run --config scenarios/broken/expect.tsv "$one"
check 0 "seed=42 " run --seed 42 "$one"
SBCONF_SEED=43 check 0 "seed=43 " run "$one"

echo "$pass $fail $skip" > "$out"
echo "scenarios: $pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
