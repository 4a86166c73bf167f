#!/bin/sh
# Answers request 2 with another request's id.
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
while next_request; do
  [ "$n" -eq 2 ] && id=$((id + 100))
  answer
done
