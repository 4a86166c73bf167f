#!/usr/bin/env bash
# Install the Debian 12 packages sbconf needs. Idempotent: when everything is
# present it only runs dpkg-query and exits. Non-interactive; works as root or
# through sudo. Package list and pitfalls: ../shared/notes/toolchain.md.
set -euo pipefail

PKGS=(
  # build
  make gcc clang pkg-config
  # ref/: crypto, JSON; tests
  libsodium-dev libcjson-dev libcunit1-dev
  # sim/: Lua 5.4 scenarios
  liblua5.4-dev lua5.4
  # dissector/: Wireshark 4.0 plugin and tshark tests
  wireshark-dev tshark libglib2.0-dev
  # live WebSocket driver
  libwslay-dev libssl-dev
  # sanitizers (LeakSanitizer runtime for clang), valgrind
  libclang-rt-14-dev valgrind
  # vectors: the example adapter (stdlib only) and JSON Schema validation
  python3 python3-jsonschema
)

missing=()
for p in "${PKGS[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q '^install ok installed$'; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "deps: all ${#PKGS[@]} packages present"
  exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
  SUDO=()
elif command -v sudo >/dev/null 2>&1; then
  SUDO=(sudo -n)
else
  echo "deps: missing packages (${missing[*]}) and not root, no sudo: install them as root" >&2
  exit 1
fi

echo "deps: installing ${missing[*]}"
# tshark asks whether non-root users may capture; answer once, never block.
echo "wireshark-common wireshark-common/install-setuid boolean false" | "${SUDO[@]}" debconf-set-selections
export DEBIAN_FRONTEND=noninteractive
"${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
"${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
echo "deps: done"
