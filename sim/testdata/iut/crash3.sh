#!/bin/sh
# Answers two requests, then dies of SIGSEGV on the third (no core file).
# shellcheck disable=SC3045 # dash and bash have ulimit -c
ulimit -c 0 2>/dev/null
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
while next_request; do
  [ "$n" -eq 3 ] && kill -SEGV $$
  answer
done
