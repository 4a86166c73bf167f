# Shared by tools/dissector-*.sh (sourced, not run): how to start tshark with
# the plugin from the build tree, with or without it.
#
# tshark ignores WIRESHARK_PLUGIN_DIR and the personal plugin folder when run
# as root (../shared/notes/toolchain.md section 4), so as root it runs in a
# user namespace (unshare -U) where the uid is unmapped. Every run gets its
# own empty configuration directory, so a user's preferences never change a
# test result.
#
# Needs: BUILD (default build). Provides: ts_plugin, ts_bare, ts_available.

BUILD=${BUILD:-build}
DISSECTOR_PLUGDIR=${DISSECTOR_PLUGDIR:-$BUILD/dissector/plugins}
DISSECTOR_WORK=${DISSECTOR_WORK:-$BUILD/dissector/work}
mkdir -p "$DISSECTOR_WORK/cfg" "$DISSECTOR_WORK/noplugins"

_ts_wrap=()
if [ "$(id -u)" -eq 0 ]; then
  if unshare -U true 2>/dev/null; then
    _ts_wrap=(unshare -U)
  else
    _ts_wrap=(false) # no user namespaces: plugins cannot be loaded from the build tree
  fi
fi

# tshark with the plugin (extra arguments passed through).
ts_plugin() {
  "${_ts_wrap[@]}" env WIRESHARK_PLUGIN_DIR="$PWD/$DISSECTOR_PLUGDIR" \
    WIRESHARK_CONFIG_DIR="$PWD/$DISSECTOR_WORK/cfg" tshark "$@"
}

# tshark without any plugin (an empty plugin folder), same environment otherwise.
ts_bare() {
  "${_ts_wrap[@]}" env WIRESHARK_PLUGIN_DIR="$PWD/$DISSECTOR_WORK/noplugins" \
    WIRESHARK_CONFIG_DIR="$PWD/$DISSECTOR_WORK/cfg" tshark "$@"
}

# true if tshark exists and loads the plugin; otherwise says why on stderr.
ts_available() {
  if ! command -v tshark >/dev/null 2>&1; then
    echo "dissector: tshark not installed (make deps)" >&2
    return 1
  fi
  if [ ! -f "$DISSECTOR_PLUGDIR/$(ts_version)/epan/sbrp.so" ]; then
    echo "dissector: $DISSECTOR_PLUGDIR/$(ts_version)/epan/sbrp.so missing (make dissector)" >&2
    return 1
  fi
  if ! ts_plugin -G plugins 2>/dev/null | grep -q 'sbrp\.so'; then
    echo "dissector: tshark does not load the plugin (as root it needs 'unshare -U')" >&2
    return 1
  fi
}

# major.minor of the installed Wireshark, e.g. 4.0.
ts_version() {
  pkg-config --modversion wireshark 2>/dev/null | cut -d. -f1,2
}

# tshark with the AddressSanitizer/UBSan build of the plugin
# ($BUILD/dissector/asan/plugins), the sanitizer runtimes preloaded; falls back
# to ts_plugin when that build or the runtimes are missing. A sanitizer report
# aborts tshark (non-zero status, "ERROR: AddressSanitizer" or "runtime error" on stderr).
ts_plugin_asan() {
  local dir="$BUILD/dissector/asan/plugins" asan ubsan
  asan=$(gcc -print-file-name=libasan.so 2>/dev/null)
  ubsan=$(gcc -print-file-name=libubsan.so 2>/dev/null)
  if [ ! -d "$dir" ] || [ ! -f "$asan" ] || [ ! -f "$ubsan" ]; then
    ts_plugin "$@"; return
  fi
  "${_ts_wrap[@]}" env LD_PRELOAD="$asan $ubsan" \
    ASAN_OPTIONS=detect_leaks=0:abort_on_error=1:halt_on_error=1 \
    UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
    WIRESHARK_PLUGIN_DIR="$PWD/$dir" WIRESHARK_CONFIG_DIR="$PWD/$DISSECTOR_WORK/cfg" tshark "$@"
}

# true if ts_plugin_asan really uses the sanitizer build.
ts_asan_available() {
  [ -d "$BUILD/dissector/asan/plugins" ] && [ -f "$(gcc -print-file-name=libasan.so 2>/dev/null)" ]
}

# One fuzz round: N mutants of capture SRC (seed SEED, key log KEYS) through
# ts_plugin_asan -2 -V. Prints nothing and returns 0 when tshark exits 0 with no
# dissector bug and no sanitizer report; otherwise keeps the capture as
# $DISSECTOR_WORK/crash-NAME-SEED.pcap, prints why and returns 1.
fuzz_round() { # SEED N SRC NAME KEYS
  local seed=$1 n=$2 src=$3 name=$4 keys=$5 f="$DISSECTOR_WORK/fuzz-$4" rc
  "$BUILD/sbconf" capture fuzz "$seed" "$n" "$src" "$f.pcap" --keylog "$keys" 2>/dev/null || {
    echo "$name seed $seed: sbconf capture fuzz failed"; return 1; }
  ts_plugin_asan -2 -V -r "$f.pcap" -o "sbrp.keylog_file:$keys" > "$f.txt" 2> "$f.err"
  rc=$?
  local why=""
  [ "$rc" -eq 0 ] || why="tshark exit status $rc"
  grep -q "Dissector bug" "$f.txt" && why="$why dissector bug"
  grep -q -e "ERROR: AddressSanitizer" -e "runtime error:" "$f.err" && why="$why sanitizer report"
  if grep -v -e 'Running as user "root"' -e '^$' "$f.err" | grep -q .; then why="$why stderr output"; fi
  [ -z "$why" ] && return 0
  cp "$f.pcap" "$DISSECTOR_WORK/crash-$name-$seed.pcap"
  echo "$name seed $seed:$why (kept $DISSECTOR_WORK/crash-$name-$seed.pcap; $(grep -m1 -e ERROR -e 'runtime error' -e 'Dissector bug' "$f.err" "$f.txt" | head -1))"
  return 1
}
