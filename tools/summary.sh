#!/usr/bin/env bash
# Add up the per-stage results of `make test` and print the closing line
#   N passed, N failed[, N skipped]
# Each stage writes "passed failed skipped" to DIR/<stage>. A stage that left
# no file crashed or could not run: it counts as one failure.
# usage: summary.sh DIR STAGE...
set -u
dir=$1; shift
passed=0 failed=0 skipped=0
for s in "$@"; do
  f="$dir/$s"
  if [ -r "$f" ] && read -r p fl sk < "$f" && [[ "$p$fl$sk" =~ ^[0-9]+$ ]]; then
    printf '  %-8s %6d passed %4d failed %4d skipped\n' "$s" "$p" "$fl" "$sk"
    passed=$((passed + p)); failed=$((failed + fl)); skipped=$((skipped + sk))
  else
    printf '  %-8s did not report results (crashed or could not run)\n' "$s"
    failed=$((failed + 1))
  fi
done
if [ "$skipped" -gt 0 ]; then
  echo "$passed passed, $failed failed, $skipped skipped"
else
  echo "$passed passed, $failed failed"
fi
[ "$failed" -eq 0 ]
