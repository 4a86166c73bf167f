#!/bin/sh
# Writes each answer in three pieces, with stderr noise in between.
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
while next_request; do
  printf '{"id":%s,' "$id"
  echo "pieces.sh: noise in the middle of answer $id" >&2
  sleep 0.05
  printf '"result":'
  sleep 0.05
  printf '"unsupported"}\n'
done
