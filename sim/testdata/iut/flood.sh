#!/bin/sh
# Writes 256 KiB of stderr (lines of 99 'x') before each answer: more than
# a pipe holds, so it blocks unless sbconf drains stderr while waiting.
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
while next_request; do
  { head -c 262144 /dev/zero | tr '\0' x | fold -w 99; echo; } >&2
  answer
done
