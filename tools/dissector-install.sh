#!/usr/bin/env bash
# make install-dissector: copy the plugin where Wireshark looks for it:
#   the personal folder ~/.local/lib/wireshark/plugins/<major.minor>/epan/, or,
#   when run as root (Wireshark ignores personal plugins for root), the global
#   folder $(pkg-config --variable=plugindir wireshark)/epan/.
# DISSECTOR_INSTALL_DIR overrides the destination folder.
# usage: dissector-install.sh PATH/TO/sbrp.so
set -eu
so=$1
ver=$(pkg-config --modversion wireshark | cut -d. -f1,2)
if [ -n "${DISSECTOR_INSTALL_DIR:-}" ]; then
  dest=$DISSECTOR_INSTALL_DIR
elif [ "$(id -u)" -eq 0 ]; then
  dest=$(pkg-config --variable=plugindir wireshark)/epan
else
  dest=$HOME/.local/lib/wireshark/plugins/$ver/epan
fi
mkdir -p "$dest"
install -m 0644 "$so" "$dest/sbrp.so"
echo "installed $dest/sbrp.so (Wireshark $ver)"
if [ -z "${DISSECTOR_INSTALL_DIR:-}" ] && command -v tshark >/dev/null 2>&1; then
  if tshark -G plugins 2>/dev/null | grep -q "$dest/sbrp.so"; then
    echo "tshark loads it: tshark -G plugins | grep sbrp"
  else
    echo "note: tshark does not list it yet (tshark -G plugins); see dissector/README.md" >&2
  fi
fi
