#!/usr/bin/env bash
# make bench-dissector: tshark on a capture of BENCH_FRAMES (default 100000)
# SBRP frames, one client session over the relay (mostly Data), without the
# plugin, with it (no key log: decryption off) and with the key log set
# (every Data frame decrypted, SBP and RPC dissected). tshark prints its usual
# one summary line per packet to /dev/null; each time is the best of
# BENCH_RUNS (default 3) runs.
#
# Writes a JSON array of {"name","value","unit","baseline","ratio"} to OUT:
# the baseline is tshark without the plugin, the ratio value / baseline
# (target for decryption off: <= 1.3).
# usage: dissector-bench.sh OUT.json
set -u
out=${1:-build/bench-dissector.json}
BUILD=${BUILD:-build}
. tools/dissector-lib.sh
W=$DISSECTOR_WORK
N=${BENCH_FRAMES:-100000}
RUNS=${BENCH_RUNS:-3}

ts_available || exit 1
pcap=$W/bulk.pcap keys=$W/bulk.keys
"$BUILD/sbconf" capture bulk "$N" "$pcap" --keylog "$keys" || exit 1
packets=$(capinfos -c -M "$pcap" | awk '/Number of packets/ {print $NF}')
echo "bench-dissector: $N SBRP frames in $packets packets ($(du -h "$pcap" | cut -f1)), best of $RUNS runs"

# Best wall time in seconds of RUNS runs of the command.
best() {
  local b="" t0 t1 s
  for _ in $(seq "$RUNS"); do
    t0=$(date +%s%N)
    "$@" > /dev/null 2>&1
    t1=$(date +%s%N)
    s=$(( (t1 - t0) / 1000000 ))
    if [ -z "$b" ] || [ "$s" -lt "$b" ]; then b=$s; fi
  done
  echo "$b"
}

# A sanity check first: with the key log every Data frame is decrypted.
dec=$(ts_plugin -r "$pcap" -o "sbrp.keylog_file:$keys" -Y 'sbrp.data.decrypted == 1' 2>/dev/null | wc -l)
sbrp=$(ts_plugin -r "$pcap" -Y 'sbrp' 2>/dev/null | wc -l)
echo "  SBRP frames dissected: $sbrp, Data frames decrypted: $dec"

t_base=$(best ts_bare -r "$pcap")
t_off=$(best ts_plugin -r "$pcap")
t_on=$(best ts_plugin -r "$pcap" -o "sbrp.keylog_file:$keys")

/usr/bin/python3 - "$out" "$N" "$t_base" "$t_off" "$t_on" "$sbrp" "$dec" "$RUNS" <<'EOF'
import json, sys
out, n, base, off, on, sbrp, dec, runs = sys.argv[1], int(sys.argv[2]), *map(int, sys.argv[3:9])
b = base / 1000.0
rows = [
    {"name": "dissector.tshark_seconds.decrypt_off", "value": off / 1000.0, "unit": "s",
     "baseline": b, "ratio": round(off / base, 3), "target": "<= 1.3", "met": off / base <= 1.3,
     "about": "`dissector.tshark_seconds.decrypt_off`: `tshark -r` over a capture of %d SBRP "
              "frames (`sbconf capture bulk`) with the plugin and no key log, against tshark "
              "without the plugin on the same file; best of %s runs (`make bench-dissector`)." % (n, runs)},
    {"name": "dissector.tshark_seconds.decrypt_on", "value": on / 1000.0, "unit": "s",
     "baseline": b, "ratio": round(on / base, 3),
     "about": "`dissector.tshark_seconds.decrypt_on`: the same with the key log, every Data "
              "frame decrypted and its SBP and RPC content dissected."},
    {"name": "dissector.frames_per_second.decrypt_on", "value": round(n / (on / 1000.0)),
     "unit": "frames/s", "baseline": round(n / b), "ratio": round(base / on, 3),
     "about": "`dissector.frames_per_second.decrypt_on`: SBRP frames per second through "
              "tshark with decryption, against frames per second without the plugin."},
]
json.dump(rows, open(out, "w"), indent=2)
print("  without plugin %6.2f s" % b)
for r in rows[:2]:
    print("  %-38s %6.2f s  ratio %.3f%s" % (r["name"], r["value"], r["ratio"],
          "  (target <= 1.3)" if "off" in r["name"] else ""))
print("  wrote " + out)
ok = off / base <= 1.3 and sbrp >= n and dec > 0
sys.exit(0 if ok else 1)
EOF
