#!/usr/bin/env bash
# Every public function declared in a ref/ header has a comment right above
# its declaration (a /* ... */ block ending on the line before, or a group
# comment followed only by other declarations of the same group).
# One check per declaration; writes "passed failed skipped" to RESULTS_FILE.
# usage: doccheck.sh RESULTS_FILE [HEADER...]
set -u
out=${1:-/dev/null}; shift || true
cd "$(dirname "$0")/.."
[ $# -gt 0 ] || set -- ref/*/*.h
awk -v out="$out" '
  FNR == 1 { commented = 0; in_decl = 0; in_comment = 0 }
  # Track comment state line by line.
  {
    line = $0
    if (in_comment) { if (line ~ /\*\//) { in_comment = 0; commented = 1 } ; next }
    if (line ~ /^[ \t]*\/\*/) {
      if (line ~ /\*\//) commented = 1; else in_comment = 1
      next
    }
    if (line ~ /^[ \t]*$/) { commented = 0; next }
  }
  # A declaration starts at column 0 with a type and has "(" (not a macro,
  # typedef of a function pointer, or struct member).
  !in_decl && /^[A-Za-z_][A-Za-z0-9_ \*]*[ \*]sb_[A-Za-z0-9_]+\(/ && $0 !~ /^(typedef|#|static)/ {
    name = $0; sub(/\(.*/, "", name); sub(/.*[ \*]/, "", name)
    if (commented) { pass++ } else { fail++; printf "doccheck: %s:%d: %s has no comment\n", FILENAME, FNR, name }
    if ($0 !~ /;[ \t]*$/) in_decl = 1
    next
  }
  in_decl { if ($0 ~ /;[ \t]*$/) in_decl = 0; next }
  /^SB_NODISCARD[ \t]*$/ { next }
  { commented = 0 }
  END {
    printf "doccheck: %d public functions commented, %d without comment\n", pass, fail
    printf "%d %d 0\n", pass, fail > out
    exit fail > 0
  }
' "$@"
