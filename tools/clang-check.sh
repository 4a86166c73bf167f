#!/usr/bin/env bash
# Compile every source with clang (syntax and warnings only, -Werror) so the
# code stays warning-free under both gcc and clang. One result per file.
# usage: clang-check.sh RESULTS_FILE CLANG "FLAGS" SOURCE...
set -u
out=$1 clang=$2 flags=$3; shift 3
if ! command -v "$clang" >/dev/null 2>&1; then
  echo "clang-check: $clang not found" >&2
  echo "0 1 0" > "$out"; exit 1
fi
pass=0 fail=0
for src in "$@"; do
  # shellcheck disable=SC2086
  if "$clang" $flags -fsyntax-only "$src"; then pass=$((pass + 1)); else
    echo "clang-check: $src has clang warnings or errors" >&2; fail=$((fail + 1)); fi
done
echo "clang: $pass files clean, $fail with warnings"
echo "$pass $fail 0" > "$out"
[ "$fail" -eq 0 ]
