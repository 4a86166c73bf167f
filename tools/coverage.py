#!/usr/bin/python3
"""Requirement and state-machine-row coverage of the whole suite.

Reads what the repository holds and one scenario run, writes
reports/coverage.md and reports/coverage.json:

  catalogs    ref/*/requirements*.tsv (ID, level, status, note)
  unit tests  IDs cited in ref/*/*_test.c and sim/*_test.c
  vectors     IDs in the `requirements` of every case of vectors/*.json
  scenarios   the JSON report of `sbconf run --json` (declared IDs of passing
              scenarios; rows their traces followed)

A requirement counts as exercised by a scenario only when a *passing*
scenario declares it; a table row only when a passing scenario's trace
followed it (not merely declared it).

usage: coverage.py SCENARIOS.json OUT.md OUT.json
"""
import glob
import json
import os
import re
import sys

ID_RE = re.compile(r"(?<![A-Za-z0-9-])(?:SBP|RPC|EVT|SBRP|AUTH|PEER|CLOUD|TRN)(?:-[A-Z]+)*-[A-Z]?[0-9]{1,3}(?![0-9])")

# Layers in the order the specification digest presents them, with the
# digest file each catalog comes from.
LAYERS = [
    ("sbp", "sbp.md", ["ref/sbp/requirements.tsv"]),
    ("rpc", "rpc.md", ["ref/rpc/requirements.tsv"]),
    ("events", "events.md", ["ref/events/requirements.tsv"]),
    ("sbrp", "sbrp.md", ["ref/sbrp/requirements-wire.tsv", "ref/sbrp/requirements-crypto.tsv",
                         "ref/sbrp/requirements-sm.tsv"]),
    ("auth", "auth.md", ["ref/auth/requirements.tsv"]),
    ("peer", "peer-runtime.md", ["ref/peer/requirements.tsv"]),
    ("cloud", "cloud.md", ["ref/cloud/requirements.tsv"]),
]
# Table rows: a row is exercised when a transition of a passing scenario
# names it.
ROW_TABLES = [
    ("SBRP client (sbrp.md 13.1)", re.compile(r"^SBRP-SM-C-\d+$")),
    ("SBRP daemon (sbrp.md 13.2)", re.compile(r"^SBRP-SM-D-\d+$")),
    ("SBRP relay (sbrp.md 13.3)", re.compile(r"^SBRP-SM-R-\d+$")),
    ("Peer (peer-runtime.md 5)", re.compile(r"^PEER-SM-T\d+$")),
]


def fail(msg):
    sys.stderr.write("coverage: %s\n" % msg)
    sys.exit(65)


def read_catalogs():
    rows = []
    for layer, digest, files in LAYERS:
        for path in files:
            if not os.path.exists(path):
                continue
            with open(path, encoding="utf-8") as f:
                for n, line in enumerate(f, 1):
                    if line.startswith("#") or not line.strip():
                        continue
                    c = line.rstrip("\n").split("\t")
                    if len(c) < 3:
                        fail("%s:%d: want ID<TAB>LEVEL<TAB>STATUS[<TAB>NOTE]" % (path, n))
                    rows.append({"id": c[0], "level": c[1], "status": c[2],
                                 "note": c[3] if len(c) > 3 else "", "layer": layer,
                                 "digest": digest, "catalog": path})
    return rows


def unit_citations():
    cited = {}
    for path in sorted(glob.glob("ref/*/*_test.c") + glob.glob("sim/*_test.c")):
        with open(path, encoding="utf-8", errors="replace") as f:
            for rid in set(ID_RE.findall(f.read())):
                cited.setdefault(rid, []).append(path)
    return cited


def vector_citations():
    cited = {}
    for path in sorted(glob.glob("vectors/*.json")):
        if path.endswith(("requirements.json", "schema.json")):
            continue
        try:
            with open(path, encoding="utf-8") as f:
                doc = json.load(f)
        except (OSError, ValueError) as e:
            fail("%s: %s" % (path, e))
        for g in doc.get("testGroups", []):
            for t in g.get("tests", []):
                for rid in t.get("requirements", []):
                    cited.setdefault(rid, {}).setdefault(path, 0)
                    cited[rid][path] += 1
    return cited


def scenario_citations(report_path):
    try:
        with open(report_path, encoding="utf-8") as f:
            doc = json.load(f)
    except (OSError, ValueError) as e:
        fail("%s: %s" % (report_path, e))
    declared, rows, runs = {}, {}, doc.get("scenarios", [])
    for i, s in enumerate(runs):
        for key in ("file", "outcome"):
            if key not in s:
                fail("%s: $.scenarios[%d] has no '%s'" % (report_path, i, key))
        if s["outcome"] != "pass":
            continue
        for rid in s.get("requirements") or []:
            declared.setdefault(rid, []).append(s["file"])
        for row in s.get("rows_exercised") or []:
            rows.setdefault(row, []).append(s["file"])
    return declared, rows, runs


def short(paths, n=3):
    paths = sorted(set(paths))
    names = ["`%s`" % p for p in paths[:n]]
    return ", ".join(names) + (" +%d" % (len(paths) - n) if len(paths) > n else "")


def main():
    if len(sys.argv) != 4:
        sys.stderr.write("usage: coverage.py SCENARIOS.json OUT.md OUT.json\n")
        sys.exit(2)
    report, out_md, out_json = sys.argv[1:]
    cat = read_catalogs()
    unit = unit_citations()
    vec = vector_citations()
    scen, rows_ex, runs = scenario_citations(report)
    passing = sum(1 for s in runs if s["outcome"] == "pass")

    items = []
    for r in cat:
        rid = r["id"]
        ev = {
            "unit": sorted(unit.get(rid, [])),
            "vectors": sum(vec.get(rid, {}).values()),
            "scenarios": sorted(set(scen.get(rid, []))),
            "rows_exercised_by": sorted(set(rows_ex.get(rid, []))),
        }
        behaviour = r["note"].startswith("behaviour:") or r["level"] == "ROW"
        if r["level"] == "ROW":
            exercised = bool(ev["rows_exercised_by"])
        else:
            exercised = bool(ev["scenarios"])
        covered = bool(ev["unit"] or ev["vectors"] or exercised)
        items.append(dict(r, evidence=ev, behaviour=behaviour, exercised=exercised,
                          covered=covered))

    md = []
    w = md.append
    w("# Coverage")
    w("")
    w("Written by `make run` (`tools/coverage.py`) from the requirement catalogs")
    w("(`ref/*/requirements*.tsv`, one row per requirement ID of `../shared/spec/`),")
    w("the unit tests that cite each ID, the conformance vectors whose cases list it,")
    w("and this run of the scenarios (%d of %d passed). A requirement is *exercised*"
      % (passing, len(runs)))
    w("when a passing scenario declares it; a state-machine row when a passing")
    w("scenario's trace followed it. `info` rows state facts or guidance nothing can")
    w("observe (the catalog's note says why).")
    w("")
    w("## Summary")
    w("")
    w("| layer | digest | IDs | unit tests | vectors | scenarios | not covered | info |")
    w("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    summary = []
    for layer, digest, _ in LAYERS:
        li = [i for i in items if i["layer"] == layer]
        if not li:
            continue
        s = {
            "layer": layer, "digest": digest, "ids": len(li),
            "unit": sum(1 for i in li if i["evidence"]["unit"]),
            "vectors": sum(1 for i in li if i["evidence"]["vectors"]),
            "scenarios": sum(1 for i in li if i["exercised"]),
            "uncovered": sum(1 for i in li if not i["covered"] and i["status"] != "info"),
            "info": sum(1 for i in li if i["status"] == "info"),
        }
        summary.append(s)
        w("| %s | `%s` | %d | %d | %d | %d | %d | %d |" % (
            layer, digest, s["ids"], s["unit"], s["vectors"], s["scenarios"], s["uncovered"], s["info"]))
    w("")

    w("## State-machine rows")
    w("")
    w("| table | rows | exercised by a passing scenario | not exercised |")
    w("| --- | ---: | ---: | --- |")
    row_summary = []
    for title, rx in ROW_TABLES:
        ids = [i["id"] for i in items if rx.match(i["id"])]
        if not ids:
            continue
        done = [x for x in ids if rows_ex.get(x)]
        missing = [x for x in ids if not rows_ex.get(x)]
        row_summary.append({"table": title, "rows": len(ids), "exercised": len(done), "missing": missing})
        w("| %s | %d | %d | %s |" % (title, len(ids), len(done), ", ".join(missing) or "none"))
    w("")

    w("## Not yet exercised")
    w("")
    w("Behavioural requirements (shown over time or across connections: the catalog")
    w("note starts `behaviour:`) that no passing scenario declares, and requirements")
    w("with no evidence at all. The goal is an empty list.")
    w("")
    gaps = [i for i in items if i["status"] != "info" and
            ((i["behaviour"] and not i["exercised"]) or not i["covered"])]
    if not gaps:
        w("None.")
    else:
        w("| ID | level | layer | evidence so far | catalog note |")
        w("| --- | --- | --- | --- | --- |")
        for i in gaps:
            ev = i["evidence"]
            have = []
            if ev["unit"]:
                have.append("unit: " + short(ev["unit"], 2))
            if ev["vectors"]:
                have.append("%d vector cases" % ev["vectors"])
            w("| %s | %s | %s | %s | %s |" % (i["id"], i["level"], i["layer"], "; ".join(have) or "none",
                                               i["note"].replace("|", "\\|")))
    w("")

    w("## Every requirement")
    w("")
    for layer, digest, _ in LAYERS:
        li = [i for i in items if i["layer"] == layer]
        if not li:
            continue
        w("### %s (`%s`)" % (layer, digest))
        w("")
        w("| ID | level | status | unit tests | vectors | scenarios |")
        w("| --- | --- | --- | --- | ---: | --- |")
        for i in li:
            ev = i["evidence"]
            sc = ev["rows_exercised_by"] if i["level"] == "ROW" else ev["scenarios"]
            w("| %s | %s | %s | %s | %s | %s |" % (
                i["id"], i["level"], i["status"], short(ev["unit"], 2) or "-",
                ev["vectors"] or "-", short(sc, 2) or "-"))
        w("")

    os.makedirs(os.path.dirname(out_md) or ".", exist_ok=True)
    with open(out_md, "w", encoding="utf-8") as f:
        f.write("\n".join(md))
    with open(out_json, "w", encoding="utf-8") as f:
        json.dump({"scenarios_passed": passing, "scenarios_run": len(runs), "layers": summary,
                   "rows": row_summary, "gaps": [i["id"] for i in gaps],
                   "requirements": [{k: i[k] for k in ("id", "level", "layer", "status", "exercised",
                                                        "covered", "evidence")} for i in items]},
                  f, indent=1)
        f.write("\n")
    print("coverage: %d requirement IDs; %d not yet exercised or covered; rows: %s -> %s" % (
        len(items), len(gaps),
        ", ".join("%s %d/%d" % (r["table"].split(" (")[0], r["exercised"], r["rows"]) for r in row_summary),
        out_md))


if __name__ == "__main__":
    main()
