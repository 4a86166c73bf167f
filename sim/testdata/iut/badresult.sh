#!/bin/sh
# Answers request 2 with a result that is not valid, invalid or unsupported.
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
while next_request; do
  if [ "$n" -eq 2 ]; then
    printf '{"id":%s,"result":"maybe","output":{}}\n' "$id"
  else
    answer
  fi
done
