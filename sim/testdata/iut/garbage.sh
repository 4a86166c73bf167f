#!/bin/sh
# Answers request 2 with a line that is not JSON (a stray debug print).
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
while next_request; do
  if [ "$n" -eq 2 ]; then
    printf 'DEBUG: got request %s, thinking very hard about it before answering, really hard, for a long time\n' "$id"
  else
    answer
  fi
done
