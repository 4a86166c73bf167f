#!/bin/sh
# Ignores SIGTERM and the end of its input: only SIGKILL stops it.
trap '' TERM
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
while next_request; do answer; done
sleep 60
