#!/bin/sh
# Never answers request 2 (stuck in a long computation).
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
while next_request; do
  [ "$n" -eq 2 ] && sleep 60
  answer
done
