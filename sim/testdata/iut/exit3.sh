#!/bin/sh
# Exits at once with status 3 (a missing dependency, say).
echo "exit3.sh: cannot load my configuration" >&2
exit 3
