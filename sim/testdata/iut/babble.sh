#!/bin/sh
# Never answers and never stops writing to stderr (stdout stays open).
exec 3>&1
exec yes "babble.sh: still thinking" >&2
