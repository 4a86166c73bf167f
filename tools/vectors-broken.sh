#!/usr/bin/env bash
# Broken inputs: sbconf must refuse each one with the exit code of cli.md
# (0 pass, 1 fail, 2 usage, 3 not found, 4 malformed, 5 implementation
# failed) and a message naming the file and the JSON path or line:column,
# never crash or hang. Three parts:
#   1. `sbconf vectors check FILE` on every file of sim/testdata/broken/expect.tsv
#   2. the command-level cases in the table below (configs, profiles, missing
#      paths, `vectors run` with the misbehaving adapters of sim/testdata/iut/)
#   3. `sbconf adapter` fed broken request lines: each gets "unsupported" with
#      an "error", and the server keeps serving.
# One check per row / request; writes "passed failed skipped" to RESULTS_FILE.
# usage: vectors-broken.sh RESULTS_FILE      (SBCONF=path overrides build/sbconf)
set -u
out=${1:-/dev/null}
cd "$(dirname "$0")/.." || exit 1
export SBCONF=${SBCONF:-build/sbconf}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0 skip=0

if [ ! -x "$SBCONF" ]; then
  echo "vectors-broken: $SBCONF not built (make all)"
  echo "0 1 0" > "$out"
  exit 1
fi

ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "vectors-broken: FAIL $*"; }

# run WANT_EXIT STREAM MESSAGE ARGS...: sbconf ARGS must exit WANT_EXIT and
# print MESSAGE (a fixed string; "-" for none) on stderr (err) or stdout (out).
run() {
  local want=$1 stream=$2 msg=$3
  shift 3
  timeout 60 "$SBCONF" "$@" > "$tmp/out" 2> "$tmp/err"
  local got=$?
  local where="$tmp/$stream"
  if [ "$got" -ne "$want" ]; then
    bad "sbconf $*: exit $got, want $want"
    sed 's/^/    /' "$tmp/err" | head -5
  elif [ "$msg" != "-" ] && ! grep -qF -- "$msg" "$where"; then
    bad "sbconf $*: std$stream lacks: $msg"
    sed 's/^/    /' "$where" | head -5
  else
    ok
  fi
}

# ---- 1. broken vector files ------------------------------------------------
while IFS=$'\t' read -r file want stream _schema msg; do
  case "$file" in '#'* | '') continue ;; esac
  run "$want" "$stream" "$msg" vectors check --quiet "sim/testdata/$file"
done < sim/testdata/broken/expect.tsv

# ---- 2. command-level cases --------------------------------------------------
# exit | stream | message | sbconf arguments (shell words)
v=sim/testdata/valid.json
b=sim/testdata/broken
i=sim/testdata/iut
while IFS='|' read -r want stream msg args; do
  case "$want" in '#'* | '') continue ;; esac
  eval "set -- $args"
  run "$want" "$stream" "$msg" "$@"
done <<EOF
4|err|$b/config-unknown-option.json: \$.profil: unknown option|vectors check --config $b/config-unknown-option.json $v
4|err|$b/config-malformed.json:4:1: invalid JSON|vectors check --config $b/config-malformed.json $v
3|err|$b/no-such-config.json: cannot read config|vectors check --config $b/no-such-config.json $v
2|err|--profile relaxed: want strict or upstream|vectors check --profile relaxed $v
2|err|unknown option --frobnicate|vectors check --frobnicate $v
2|err|no PATH given|vectors check
3|err|$b/does-not-exist.json: No such file or directory|vectors check $b/does-not-exist.json
3|err|$b/no-vectors: no vector files in this directory|vectors check $b/no-vectors
4|err|$b/syntax.json:|vectors check $v $b/syntax.json $v
2|err|vectors run needs --iut-cmd|vectors run $v
2|err|--timeout 0: want milliseconds|vectors run --iut-cmd true --timeout 0 $v
3|err|$b/no-such-dir/iut.log|vectors run --iut-cmd true --iut-log $b/no-such-dir/iut.log $v
4|err|$b/count-wrong.json: \$.numberOfTests|vectors run --iut-cmd 'sh $i/exit3.sh' $b/count-wrong.json
0|out|6 passed, 0 failed|vectors run --iut-cmd 'sh $i/correct.sh' $v
0|out|6 passed, 0 failed|vectors run --iut-cmd '/usr/bin/python3 vectors/examples/adapter.py' $v
5|err|failed right after each of 3 starts in a row (exited with status 3|vectors run --iut-cmd 'sh $i/exit3.sh' $v
5|err|exited with status 127 (command not found?)|vectors run --iut-cmd no-such-adapter-command $v
1|out|$v#3 sbrp.frame.decode [SBRP-RELAY-012] header cut short: killed by signal 11|vectors run --iut-cmd 'exec sh $i/crash3.sh' $v
1|out|no answer within 300 ms|vectors run --timeout 300 --iut-cmd 'sh $i/hang.sh' $v
1|out|$v#2 sbrp.frame.decode [SBRP-WIRE-022] Ping with a 9-byte payload: answer is not JSON: DEBUG: got request 2|vectors run --iut-cmd 'sh $i/garbage.sh' $v
1|out|answer has id 102, expected 2|vectors run --iut-cmd 'sh $i/wrongid.sh' $v
1|out|answer.result "maybe" is not valid, invalid or unsupported|vectors run --iut-cmd 'sh $i/badresult.sh' $v
0|out|0 passed, 0 failed, 6 skipped|vectors run --iut-cmd 'sh $i/flood.sh' --iut-log /dev/null $v
EOF

# ---- 3. the adapter server and broken requests -------------------------------
# Each line: the id the answer must carry, a tab, the request line.
printf '%s\t%s\n' \
  null 'this is not JSON' \
  null '[1,2,3]' \
  null '{"type":"events.validate","input":{"name":"a"}}' \
  '{"n":1}' '{"id":{"n":1},"type":"events.validate","input":{"name":"a"}}' \
  2 '{"id":2,"input":{"name":"a"}}' \
  3 '{"id":3,"type":"events.validate","input":"a"}' \
  4 '{"id":4,"type":"sbrp.frame.decode","input":{"frame":"zz"}}' \
  5 '{"id":5,"type":"sbrp.frame.decode","input":{"frame":"100"}}' \
  6 '{"id":6,"type":"sbrp.frame.decode","input":{}}' \
  null '{"id":7,"type":"events.validate","input":{"name":"a"}} trailing' \
  null '{"id":8,"type":"events.validate","input":{"name":"a\u0000b"}}' \
  9 '{"id":9,"type":"peer.backoff","input":{"policy":{"initialMs":1,"maxMs":1,"jitter":0},"attempt":-1,"random":0.5}}' \
  10 '{"id":10,"type":"auth.token.verify","input":{"token":"x","jwks":[],"now":0,"expect":{}}}' \
  11 '{"id":11,"type":"sbrp.frame.encode","input":{"type":16,"sessionId":"-1","payload":""}}' \
  > "$tmp/requests"
{ # not UTF-8; nested 100000 deep; a 1 MiB line with trailing garbage
  printf 'null\t{"id":12,"type":"events.validate","input":{"name":"caf\xe9"}}\n'
  printf 'null\t%s\n' "$(head -c 100000 /dev/zero | tr '\0' '[')"
  printf 'null\t{"id":13,"type":"x","input":{},"pad":"%s"}x\n' "$(head -c 1048576 /dev/zero | tr '\0' a)"
} >> "$tmp/requests"
cut -f2- "$tmp/requests" > "$tmp/in"
echo '{"id":99,"type":"auth.sid.encode","input":{"sessionId":"1"}}' >> "$tmp/in"
timeout 60 "$SBCONF" adapter < "$tmp/in" > "$tmp/answers" 2> "$tmp/err"
rc=$?
if [ "$rc" -eq 0 ]; then ok; else bad "sbconf adapter: exit $rc on broken requests"; fi
n=0
while IFS=$'\t' read -r id _; do
  n=$((n + 1))
  a=$(sed -n "${n}p" "$tmp/answers")
  if [[ "$a" == "{\"id\":$id,\"result\":\"unsupported\",\"error\":\""* ]]; then
    ok
  else
    bad "adapter request $n (id $id): answered ${a:0:160}"
  fi
done < "$tmp/requests"
last=$(sed -n "$((n + 1))p" "$tmp/answers")
if [ "$last" = '{"id":99,"result":"valid","output":{"sid":"AAAAAAAAAAE"}}' ]; then ok; else
  bad "adapter stopped serving: last answer ${last:0:160}"
fi

echo "vectors-broken: $pass passed, $fail failed"
echo "$pass $fail $skip" > "$out"
[ "$fail" -eq 0 ]
