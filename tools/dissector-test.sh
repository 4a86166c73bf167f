#!/usr/bin/env bash
# make test-dissector: the Wireshark plugin (dissector/) through tshark.
#
#   plugin      tshark loads build/dissector/sbrp.so; no Lua linked into it
#   fields      every field the plugin registers is sbrp./sbp./sbrpc. prefixed and unique
#   clang       the plugin sources compile warning-free with clang too
#   demo        key fields of the demo capture (decrypted RPC methods, response
#               links and times, handshakes, control codes) = dissector/tests/demo-fields.tsv
#   demo-json   the RPC calls as tshark -T json = dissector/tests/demo-rpc.json
#   demo-expert the expert infos of the demo = dissector/tests/demo-expert.tsv
#   no-keylog   without the key log nothing is decrypted and nothing breaks
#   two-pass    a single pass shows what two passes show (links computed once)
#   decode-as   with the heuristics off, Decode As (ws.port) finds the same frames
#   keylog-reread  keys appended to the key log while tshark reads are used
#   scenario    a simulator scenario's capture and key log: every Data frame
#               decrypted, RPC requests and their linked responses, no warnings
#   vectors     every frame of the vector files: claimed, no dissector bug, no
#               "Malformed" on a valid frame (via subprotocol and via the heuristic)
#   edge        hand-made frames (dissector/tests/edge_frames.py) through tshark -2 -V
#   random      the heuristic claims none of 20000 random binary messages
#   fuzz        mutated demo and vector captures through tshark -V: no crash
#
# DISSECTOR_UPDATE=1 rewrites the expected files instead of comparing.
# usage: dissector-test.sh RESULTS_FILE      (writes "passed failed skipped")
set -u
out=${1:-build/results/dissector}
BUILD=${BUILD:-build}
. tools/dissector-lib.sh
SBCONF=$BUILD/sbconf
W=$DISSECTOR_WORK
EXP=dissector/tests
PY=/usr/bin/python3
pass=0 fail=0 skip=0
start=$(date +%s)

ok() { pass=$((pass + 1)); echo "  ok    $1"; }
bad() {
  fail=$((fail + 1)); echo "  FAIL  $1"; shift
  for l in "$@"; do echo "        $l"; done
}
finish() {
  echo "dissector: $pass passed, $fail failed, $skip skipped ($(( $(date +%s) - start )) s)"
  mkdir -p "$(dirname "$out")"
  echo "$pass $fail $skip" > "$out"
  [ "$fail" -eq 0 ]
  exit $?
}

# Compare a produced file with the expected one (or update it).
expect() { # name produced expected
  if [ "${DISSECTOR_UPDATE:-0}" = 1 ]; then
    cp "$2" "$3"; ok "$1 (expected file updated: $3)"; return
  fi
  if diff -u "$3" "$2" > "$W/$1.diff"; then ok "$1"; else
    bad "$1" "differs from $3:" "$(head -20 "$W/$1.diff")"
  fi
}

# Lines of a tshark stderr that are not the usual root notice.
real_stderr() { grep -v -e 'Running as user "root"' -e '^$' "$1" || true; }

echo "dissector: tshark $(tshark -v 2>/dev/null | head -1 | awk '{print $3}'), plugin $DISSECTOR_PLUGDIR"
if ! ts_available; then
  skip=15; finish
fi

# ---- the plugin itself ----------------------------------------------------------
# (libwireshark itself needs Lua 5.2; the plugin must not bring Lua 5.4 in.)
needed=$(readelf -d "$BUILD/dissector/sbrp.so" | awk '/NEEDED/ {print $NF}' | tr -d '[]' | tr '\n' ' ')
if ts_plugin -G plugins 2>/dev/null | grep -q 'sbrp\.so.*dissector' && ! grep -qi lua <<< "$needed"; then
  ok "plugin (needs: $needed)"
else
  bad plugin "not listed by tshark -G plugins, or Lua linked in: $needed"
fi

ts_plugin -G fields 2>/dev/null > "$W/fields.txt"
if $PY - "$W/fields.txt" <<'EOF'
import sys, collections
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1])]
ours = {"sbrp", "sbp", "sbrpc"}
names = collections.Counter(r[2] for r in rows if r[0] in ("F", "P") and len(r) > 2)
bad = []
n = 0
for r in rows:
    if r[0] == "F" and len(r) > 4 and r[4] in ours:
        n += 1
        if not r[2].startswith(r[4] + "."): bad.append("not prefixed by its protocol: " + r[2])
        if names[r[2]] != 1: bad.append("registered %d times: %s" % (names[r[2]], r[2]))
if n < 100: bad.append("only %d fields" % n)
print("        %d fields of sbrp, sbp, sbrpc" % n)
for b in bad: print("        " + b)
sys.exit(1 if bad else 0)
EOF
then ok fields; else bad fields "see above"; fi

if command -v clang >/dev/null 2>&1; then
  # shellcheck disable=SC2046
  if clang -std=c11 -Wall -Wextra -Werror -Wshadow -Wformat=2 -Wstrict-prototypes \
       -Wmissing-prototypes -Wundef -Wpointer-arith -fsyntax-only \
       $(pkg-config --cflags wireshark libsodium) dissector/*.c 2> "$W/clang.err"; then
    ok clang
  else bad clang "$(head -5 "$W/clang.err")"; fi
else
  skip=$((skip + 1)); echo "  skip  clang (not installed)"
fi

# ---- the demo capture ------------------------------------------------------------
demo=$W/demo.pcap keys=$W/demo.keys
if ! "$SBCONF" capture demo "$demo" --keylog "$keys" --seed 1; then
  bad demo "sbconf capture demo failed"; finish
fi
F=(-e frame.number -e sbrp.sender -e sbrp.type -e sbrp.session_id -e sbrp.data.seq
   -e sbrp.data.decrypted -e sbp.kind -e sbp.control.op -e sbp.subject -e sbp.handshake.peer_id
   -e sbrpc.t -e sbrpc.method -e sbrpc.request_method -e sbrpc.response_in -e sbrpc.response_to
   -e sbrpc.time -e sbrpc.error.code -e sbrpc.event -e sbrp.signal.code -e sbrp.control.code
   -e sbrp.handshake.accept_in -e sbrp.handshake.init_in -e sbrp.pong.ping_in -e sbp.error.code
   -e sbp.ack.frame_in)
ts_plugin -2 -r "$demo" -o "sbrp.keylog_file:$keys" -Y 'sbrp || sbp' -T fields -E header=y \
  "${F[@]}" > "$W/demo-fields.tsv" 2> "$W/demo.err"
expect demo "$W/demo-fields.tsv" "$EXP/demo-fields.tsv"

ts_plugin -2 -r "$demo" -o "sbrp.keylog_file:$keys" -Y sbrpc -T json -e frame.number \
  -e sbrpc.t -e sbrpc.method -e sbrpc.cid -e sbrpc.params -e sbrpc.result -e sbrpc.error.code \
  -e sbrpc.error.message -e sbrpc.event -e sbrpc.response_in -e sbrpc.response_to -e sbrpc.time \
  2>/dev/null | grep -v '"_index"\|"_type"\|"_score"' > "$W/demo-rpc.json"
expect demo-json "$W/demo-rpc.json" "$EXP/demo-rpc.json"

ts_plugin -2 -r "$demo" -o "sbrp.keylog_file:$keys" -Y 'sbrp || sbp || sbrpc' -T fields \
  -e frame.number -e _ws.expert.group -e _ws.expert.message -E occurrence=a -E aggregator='|' \
  2>/dev/null | awk -F'\t' '$3 != ""' > "$W/demo-expert.tsv"
expect demo-expert "$W/demo-expert.tsv" "$EXP/demo-expert.tsv"

# Without the key log: the same frames, no decryption, no RPC, no malformed.
n_with=$(awk 'NR > 1' "$W/demo-fields.tsv" | wc -l)
ts_plugin -r "$demo" -Y 'sbrp || sbp' -T fields -e frame.number -e sbrpc.t -e _ws.malformed \
  -e sbrp.data.decrypted > "$W/nokeys.tsv" 2>/dev/null
n_without=$(wc -l < "$W/nokeys.tsv")
rpc_without=$(awk -F'\t' '$2 != ""' "$W/nokeys.tsv" | grep -c . || true)
rpc_plain=$(awk -F'\t' 'NR > 1 && $2 == "" && $11 != ""' "$W/demo-fields.tsv" | grep -c . || true)
mal_without=$(awk -F'\t' '$3 != ""' "$W/nokeys.tsv" | grep -c . || true)
if [ "$n_with" -eq "$n_without" ] && [ "$rpc_without" -eq "$rpc_plain" ] && [ "$mal_without" -eq 0 ]; then
  ok "no-keylog ($n_without frames, RPC only on the plain SBP connection: $rpc_without)"
else
  bad no-keylog "frames $n_without (with keys $n_with), RPC frames $rpc_without (plain SBP $rpc_plain), malformed $mal_without"
fi

# One pass computes the links; a second pass must show the same for everything that
# does not look ahead (response_in, accept_in, pong_in need the later frame).
ts_plugin -r "$demo" -o "sbrp.keylog_file:$keys" -Y 'sbrp || sbp' -T fields -E header=y "${F[@]}" \
  2>/dev/null > "$W/demo-1pass.tsv"
cut_ahead() { awk -F'\t' 'BEGIN{OFS="\t"} {$14=""; $21=""; print}' "$1"; }
if diff <(cut_ahead "$W/demo-1pass.tsv") <(cut_ahead "$W/demo-fields.tsv") > "$W/twopass.diff"; then
  ok two-pass
else bad two-pass "$(head -6 "$W/twopass.diff")"; fi

# Decode As on the WebSocket port instead of the heuristics.
n_da=$(ts_plugin -r "$demo" --disable-heuristic sbrp_ws --disable-heuristic sbp_ws \
  -d ws.port==8080,sbrp -d ws.port==8787,sbp -Y 'sbrp || sbp' 2>/dev/null | wc -l)
n_off=$(ts_plugin -r "$demo" --disable-heuristic sbrp_ws --disable-heuristic sbp_ws \
  -Y 'sbrp || sbp' 2>/dev/null | wc -l)
if [ "$n_da" -eq "$n_with" ] && [ "$n_off" -lt "$n_with" ]; then
  ok "decode-as ($n_da frames; $n_off through the sbrp.v1 subprotocol alone)"
else bad decode-as "Decode As found $n_da of $n_with frames (heuristics off: $n_off)"; fi

# Key log reread: stream the capture through a pipe, append the keys halfway.
half=$(( $(capinfos -c -M "$demo" | awk '/Number of packets/ {print $NF}') / 2 ))
editcap -F pcap -r "$demo" "$W/first.pcap" "1-$half" >/dev/null 2>&1
editcap -F pcap -r "$demo" "$W/second.pcap" "$((half + 1))-1000000" >/dev/null 2>&1
grep '^#' "$keys" > "$W/growing.keys"
{ cat "$W/first.pcap"; sleep 1; grep -v '^#' "$keys" >> "$W/growing.keys"; sleep 0.2
  tail -c +25 "$W/second.pcap"; } |
  ts_plugin -r - -o "sbrp.keylog_file:$W/growing.keys" -Y 'sbrp.type == 3' -T fields \
    -e frame.number -e sbrp.data.decrypted 2>/dev/null > "$W/reread.tsv"
early=$(awk -F'\t' -v h="$half" '$1 <= h && ($2 == "True" || $2 == "1")' "$W/reread.tsv" | wc -l)
late=$(awk -F'\t' -v h="$half" '$1 > h && ($2 == "True" || $2 == "1")' "$W/reread.tsv" | wc -l)
if [ "$early" -eq 0 ] && [ "$late" -gt 0 ]; then
  ok "keylog-reread (0 decrypted before the keys appeared, $late after)"
else bad keylog-reread "decrypted before: $early, after: $late (half = packet $half)"; fi

# ---- a capture of the simulator ----------------------------------------------------
# A scenario's own capture and key log (RPC calls between two peers through the
# relay): every Data frame decrypts, every request is dissected with its method
# on both hops (client->relay, relay->daemon), every response points back at its
# request with a response time, and the plugin raises no warning or error.
sc=scenarios/peer/invariant/sbp-bytes-cross-sbrp-unchanged.lua
if "$SBCONF" run --quiet --pcap "$W/scenario.pcap" --keylog "$W/scenario.keylog" "$sc" > "$W/scenario.log" 2>&1; then
  data=$(ts_plugin -r "$W/scenario.pcap" -o "sbrp.keylog_file:$W/scenario.keylog" -Y 'sbrp.type == 3' 2>/dev/null | wc -l)
  undec=$(ts_plugin -r "$W/scenario.pcap" -o "sbrp.keylog_file:$W/scenario.keylog" \
    -Y 'sbrp.type == 3 && sbrp.data.decrypted == 0' 2>/dev/null | wc -l)
  ts_plugin -r "$W/scenario.pcap" -o "sbrp.keylog_file:$W/scenario.keylog" -Y sbrpc -T fields \
    -e sbrpc.t -e sbrpc.method -e sbrpc.response_to -e sbrpc.time 2>/dev/null > "$W/scenario.rpc"
  reqs=$(awk -F'\t' '$1 == "\x27r\x27" && $2 == "echo"' "$W/scenario.rpc" | wc -l)
  resps=$(awk -F'\t' '$1 == "\x27R\x27" && $3 != "" && $4 != ""' "$W/scenario.rpc" | wc -l)
  warn=$(ts_plugin -r "$W/scenario.pcap" -o "sbrp.keylog_file:$W/scenario.keylog" -q -z expert,warn 2>/dev/null |
    grep -c -E '^ +[0-9]+ +[A-Za-z]' || true)
  if [ "$data" -ge 20 ] && [ "$undec" -eq 0 ] && [ "$reqs" -eq 10 ] && [ "$resps" -eq 10 ] && [ "$warn" -eq 0 ]; then
    ok "scenario ($data Data frames decrypted; 10 echo requests, 10 linked responses; no warnings)"
  else
    bad scenario "$sc: $data Data frames, $undec not decrypted, $reqs echo requests (want 10)," \
      "$resps responses with response_to and time (want 10), $warn expert warnings/errors (want 0)"
  fi
else
  bad scenario "$sc did not pass: $(tail -3 "$W/scenario.log")"
fi

# ---- every vector frame ------------------------------------------------------------
vdir=$W/vectors
rm -rf "$vdir"
if "$SBCONF" vectors generate "$vdir" >/dev/null 2>"$W/vgen.err" || [ -n "$(ls "$vdir"/*.json 2>/dev/null)" ]; then
  "$SBCONF" capture vectors "$vdir" "$W/vectors.pcap" --index "$W/vectors.idx" 2>"$W/vcap.err"
  ts_plugin -2 -r "$W/vectors.pcap" -T fields -e frame.number -e frame.protocols \
    -e _ws.malformed -e _ws.expert.message -E occurrence=a -E aggregator='|' \
    > "$W/vectors.out" 2> "$W/vectors.err"
  rc=$?
  if $PY - "$W/vectors.idx" "$W/vectors.out" "$rc" "$W/vectors.err" <<'EOF'
import sys, csv, collections
idx = list(csv.DictReader(open(sys.argv[1]), delimiter="\t"))
rows = {}
for line in open(sys.argv[2]):
    f = line.rstrip("\n").split("\t")
    rows[int(f[0])] = f
err = [l for l in open(sys.argv[4]) if "Running as user" not in l and l.strip()]
problems, count = [], collections.Counter()
for r in idx:
    f = rows.get(int(r["packet"]))
    if f is None:
        problems.append("packet %s missing from tshark output" % r["packet"]); continue
    proto = "sbrp" if r["conn"].startswith("sbrp") else "sbp"
    claimed = f[1].split(":")[-1] in (proto, "sbrpc") or (":" + proto + ":") in f[1]
    malformed = f[2] != ""
    bug = "Dissector bug" in f[3]
    what = "%s tcId %s (%s, %s, %s)" % (r["file"], r["tcId"], r["type"], r["result"], r["mode"])
    count[(r["mode"], claimed)] += 1
    if bug: problems.append("dissector bug: " + what)
    if not claimed: problems.append("not dissected as %s: %s" % (proto, what))
    if r["result"] == "valid" and malformed: problems.append("Malformed on a valid frame: " + what + ": " + f[3][:160])
if sys.argv[3] != "0": problems.append("tshark exit status " + sys.argv[3])
# Each rule violation the issue names is reported somewhere (expert info cites the ID).
text = "\n".join(f[3] for f in rows.values())
for rule in ["SBP-WIRE-005", "SBRP-WIRE-013", "SBRP-WIRE-014", "SBRP-WIRE-015", "SBRP-WIRE-002",
             "SBRP-WIRE-012", "SBRP-WIRE-022", "SBRP-CTRL-001", "SBRP-SIG-005", "went backwards",
             "repeated in session", "SBRP-WIRE-020", "SBRP-WIRE-021", "SBRP-WIRE-023"]:
    if rule not in text: problems.append("no expert info citing " + rule)
problems += ["tshark: " + l.strip() for l in err[:5]]
print("        %d messages (%d files): %d via subprotocol, %d via the heuristic; 14 rules reported"
      % (len(idx), len({r["file"] for r in idx}), count[("subprotocol", True)], count[("heuristic", True)]))
for p in problems[:15]: print("        " + p)
sys.exit(1 if problems or not idx else 0)
EOF
  then ok vectors; else bad vectors "see above"; fi
else
  bad vectors "sbconf vectors generate failed: $(head -3 "$W/vgen.err")"
fi

# ---- hand-made edge cases (dissector/tests/edge_frames.py) ----------------------------------
rm -rf "$W/edge" && mkdir -p "$W/edge"
$PY dissector/tests/edge_frames.py "$W/edge"
"$SBCONF" capture vectors "$W/edge" "$W/edge.pcap" --index "$W/edge.idx" 2>/dev/null
ts_plugin_asan -2 -V -r "$W/edge.pcap" > "$W/edge.txt" 2> "$W/edge.err"
rc=$?
n_edge=$(awk 'NR > 1' "$W/edge.idx" | wc -l)
n_claimed=$(ts_plugin -r "$W/edge.pcap" -Y 'sbp' 2>/dev/null | wc -l)
if [ "$rc" -eq 0 ] && ! grep -q "Dissector bug" "$W/edge.txt" && [ -z "$(real_stderr "$W/edge.err")" ] &&
   [ "$n_claimed" -eq "$n_edge" ]; then
  ok "edge ($n_edge hand-made frames, $(ts_asan_available && echo ASan+UBSan || echo plain) plugin)"
else
  bad edge "tshark status $rc, $n_claimed of $n_edge frames dissected as SBP" "$(real_stderr "$W/edge.err" | head -3)"
fi

# ---- the heuristic on random binary messages ------------------------------------------
"$SBCONF" capture random 7 20000 "$W/random.pcap" --max-len 300
claims=$(ts_plugin -r "$W/random.pcap" -Y 'sbrp || sbp || sbrpc' 2>/dev/null | wc -l)
msgs=$(ts_plugin -r "$W/random.pcap" -Y 'websocket.opcode == 2' 2>/dev/null | wc -l)
if [ "$claims" -eq 0 ] && [ "$msgs" -ge 20000 ]; then
  ok "random (0 of $msgs random binary messages claimed)"
else bad random "$claims of $msgs random messages claimed as SBRP/SBP"; fi

# ---- bounded mutation fuzz (the sanitizer build of the plugin when available) -----------
fz_fail=()
for spec in "demo:$demo" "vectors:$W/vectors.pcap"; do
  IFS=: read -r name src <<< "$spec"
  [ -f "$src" ] || continue
  msg=$(fuzz_round 11 3000 "$src" "$name" "$keys") || fz_fail+=("$msg")
done
san=$(ts_asan_available && echo "ASan+UBSan plugin" || echo "plain plugin")
if [ ${#fz_fail[@]} -eq 0 ]; then ok "fuzz (2 x 3000 mutants, tshark -2 -V, $san)"; else bad fuzz "${fz_fail[@]}"; fi

finish
