#!/bin/sh
# usage: fdcheck.sh FD: answers "valid" if descriptor FD is closed in the
# adapter (sbconf leaked nothing), "invalid" if it was inherited.
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
while next_request; do
  if (true >&"$1") 2>/dev/null; then
    printf '{"id":%s,"result":"invalid","output":{"error":"fd %s inherited"}}\n' "$id" "$1"
  else
    printf '{"id":%s,"result":"valid"}\n' "$id"
  fi
done
