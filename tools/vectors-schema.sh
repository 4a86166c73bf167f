#!/usr/bin/env bash
# Validate every vector file (vectors/*.json and vectors/upstream-interop/*.json
# that carry the "sideband-vectors/1" schema string) against the JSON Schema
# vectors/schema.json, one result per file; then prove the schema can fail:
# the files of sim/testdata/broken/expect.tsv marked "reject" must be
# rejected, those marked "accept" (mistakes only the loader sees: counts,
# duplicate tcIds, flags) must pass. Uses Debian's python3-jsonschema.
# Writes "passed failed skipped" to RESULTS_FILE.
# usage: vectors-schema.sh RESULTS_FILE [VECTOR_DIR (default vectors)]
set -u
out=${1:-/dev/null}
cd "$(dirname "$0")/.." || exit 1
dir=${2:-vectors}
py=/usr/bin/python3
if ! "$py" -c 'import jsonschema' 2>/dev/null; then
  echo "vectors-schema: $py has no jsonschema module (apt-get install python3-jsonschema)"
  echo "0 0 1" > "$out"
  exit 0
fi
"$py" - "$dir" vectors/schema.json sim/testdata/broken/expect.tsv "$out" <<'EOF'
import glob, json, os, sys
import jsonschema

vector_dir, schema_path, table, results = sys.argv[1:5]
MARK = b"sideband-vectors/1"  # the loader's test: in the first 4 KiB


def where(error):
    return "$" + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in error.absolute_path)


def problems(path):
    """None if the file is a valid vector file, else the first problem."""
    try:
        with open(path, "rb") as f:
            doc = json.loads(f.read().decode("utf-8"))
    except (ValueError, UnicodeDecodeError) as e:
        return f"not JSON: {e}"
    error = jsonschema.exceptions.best_match(validator.iter_errors(doc))
    return f"{where(error)}: {error.message[:200]}" if error else None


passed = failed = skipped = 0
try:
    with open(schema_path, encoding="utf-8") as f:
        schema = json.load(f)
    jsonschema.Draft7Validator.check_schema(schema)
    validator = jsonschema.Draft7Validator(schema)
    passed += 1
except (OSError, ValueError, jsonschema.exceptions.SchemaError) as e:
    print(f"vectors-schema: FAIL {schema_path}: not a usable draft-07 schema: {e}")
    with open(results, "w") as f:
        f.write("0 1 0\n")
    sys.exit(1)

files = []
for path in sorted(glob.glob(os.path.join(vector_dir, "*.json"))) + sorted(
        glob.glob(os.path.join(vector_dir, "upstream-interop", "*.json"))):
    with open(path, "rb") as f:
        if MARK in f.read(4096):
            files.append(path)
if not files:
    print(f"vectors-schema: no vector files in {vector_dir} (make vectors)")
    skipped += 1
for path in files:
    problem = problems(path)
    if problem:
        failed += 1
        print(f"vectors-schema: FAIL {path}: {problem}")
    else:
        passed += 1
        print(f"vectors-schema: ok   {path}")

# The schema must also say no.
with open(table, encoding="utf-8") as f:
    rows = [line.rstrip("\n").split("\t") for line in f if line.strip() and not line.startswith("#")]
for row in rows:
    name, verdict = row[0], row[3]
    if verdict == "-":
        continue  # not JSON text: nothing for a schema to judge
    path = os.path.join("sim/testdata", name)
    problem = problems(path)
    if (problem is not None) == (verdict == "reject"):
        passed += 1
        print(f"vectors-schema: ok   {path}: {verdict}s" + (f" ({problem})" if problem else ""))
    else:
        failed += 1
        print(f"vectors-schema: FAIL {path}: the schema should {verdict} it" +
              (f", but says {problem}" if problem else ", but accepts it"))

print(f"vectors-schema: {passed} passed, {failed} failed" + (f", {skipped} skipped" if skipped else ""))
with open(results, "w") as f:
    f.write(f"{passed} {failed} {skipped}\n")
sys.exit(1 if failed else 0)
EOF
