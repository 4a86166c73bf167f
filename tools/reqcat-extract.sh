#!/usr/bin/env bash
# Print the requirement IDs of one spec digest as catalog rows
#   ID <TAB> LEVEL <TAB> todo <TAB>
# Used to start or refresh a layer's requirements.tsv from ../shared/spec;
# statuses are then set by hand (see tools/reqcov.sh for their meaning).
# usage: reqcat-extract.sh SPEC.md
set -euo pipefail
awk -F'|' '
  function trim(s) { gsub(/^[ \t]+|[ \t]+$/, "", s); return s }
  /^\| *[A-Z]+(-[A-Z]+)*-[A-Z]?[0-9]+ *\|/ {
    id = trim($2); lvl = trim($3)
    if (id ~ /-SM-/) lvl = "ROW"
    gsub(/\*\([a-z]+\)\*/, "", lvl); lvl = trim(lvl)
    if (lvl == "—" || lvl == "") lvl = "FACT"
    gsub(/ /, "_", lvl)
    print id "\t" lvl "\ttodo\t"
  }
  /^\| *[0-9]+ *\| *AUTH-V[0-9]+ *\|/ { print trim($3) "\tMUST\ttodo\t" }
' "$1"
