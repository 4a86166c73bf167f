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
