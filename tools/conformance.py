#!/usr/bin/python3
"""The conformance report of `make run`: one page over every stage.

Reads the stage outputs tools/run.sh wrote and writes
reports/conformance.md, reports/conformance.json and reports/conformance.xml
(JUnit: the vectors' and the scenarios' test suites in one <testsuites>).

usage: conformance.py STAGES.tsv VECTORS.json INTEROP.json VECTORS.xml SCENARIOS.json SCENARIOS.xml
                      COVERAGE.json OUT_DIR
STAGES.tsv: one line per stage, "name<TAB>passed<TAB>failed<TAB>command".
"""
import json
import os
import sys
import xml.etree.ElementTree as ET


def load_json(path):
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except (OSError, ValueError) as e:
        sys.stderr.write("conformance: %s: %s\n" % (path, e))
        sys.exit(65)


def load_xml(path):
    try:
        return ET.parse(path).getroot()
    except (OSError, ET.ParseError) as e:
        sys.stderr.write("conformance: %s: %s\n" % (path, e))
        sys.exit(65)


def main():
    if len(sys.argv) != 9:
        sys.stderr.write(__doc__.split("\n\n")[2] + "\n")
        sys.exit(2)
    stages_tsv, vec_p, ui_p, vec_x, sc_p, sc_x, cov_p, out = sys.argv[1:]
    stages = []
    with open(stages_tsv, encoding="utf-8") as f:
        for line in f:
            name, p, fl, cmd = line.rstrip("\n").split("\t")
            stages.append({"stage": name, "passed": int(p), "failed": int(fl), "command": cmd})
    vec, ui, sc, cov = load_json(vec_p), load_json(ui_p), load_json(sc_p), load_json(cov_p)
    total_p = sum(s["passed"] for s in stages)
    total_f = sum(s["failed"] for s in stages)
    verdict = "PASS" if total_f == 0 else "FAIL"

    md = []
    w = md.append
    w("# Conformance run of the reference")
    w("")
    w("Written by `make run` (`tools/run.sh`): the built-in reference (`ref/`) checked")
    w("against everything sbconf ships. **%s**: %d passed, %d failed." % (verdict, total_p, total_f))
    w("The same checks run against your implementation through the adapter")
    w("(`sbconf vectors run`, see the README); the scenarios drive the reference's")
    w("own state machines.")
    w("")
    w("| stage | passed | failed | command |")
    w("| --- | ---: | ---: | --- |")
    for s in stages:
        w("| %s | %d | %d | `%s` |" % (s["stage"], s["passed"], s["failed"], s["command"]))
    w("")

    vs = vec.get("summary", {})
    w("## Conformance vectors (profile strict)")
    w("")
    w("%d cases: %d pass, %d fail, %d informational (no expected outcome under this profile)." % (
        vs.get("cases", 0), vs.get("pass", 0), vs.get("fail", 0), vs.get("informational", 0)))
    w("Per file: `reports/vectors.json`; JUnit: `reports/vectors.xml`.")
    w("")
    w("| file | layer | cases | pass | fail |")
    w("| --- | --- | ---: | ---: | ---: |")
    for f in vec.get("files", []):
        w("| `%s` | %s | %d | %d | %d |" % (f["path"], f.get("layer", ""), f["cases"], f["pass"], f["fail"]))
    w("")
    us = ui.get("summary", {})
    w("## Upstream interop (profile upstream)")
    w("")
    w("%d cases taken from the upstream TypeScript implementation's own outputs: %d pass, %d fail."
      % (us.get("cases", 0), us.get("pass", 0), us.get("fail", 0)))
    w("Cases where upstream departs from the documents are flagged with their")
    w("`reports/errata.md` entry; under profile strict they fail exactly there.")
    w("")

    runs = sc.get("scenarios", [])
    ss = sc.get("summary", {})
    w("## Scenarios")
    w("")
    w("%d scenarios: %d passed, %d failed, %d skipped. Each line: the scenario, its seed and" % (
        len(runs), ss.get("passed", 0), ss.get("failed", 0), ss.get("skipped", 0)))
    w("the SHA-256 of its trace (rerun with `sbconf run --seed N --trace t.jsonl FILE`: the")
    w("same digest, byte for byte). Full table: `reports/scenarios.md`.")
    w("")
    by_dir = {}
    for r in runs:
        d = os.path.dirname(r["file"])
        by_dir.setdefault(d, []).append(r)
    w("| folder | scenarios | passed | failed |")
    w("| --- | ---: | ---: | ---: |")
    for d in sorted(by_dir):
        rs = by_dir[d]
        w("| `%s` | %d | %d | %d |" % (d, len(rs), sum(1 for r in rs if r["outcome"] == "pass"),
                                     sum(1 for r in rs if r["outcome"] not in ("pass", "skip"))))
    w("")
    bad = [r for r in runs if r["outcome"] not in ("pass", "skip")]
    if bad:
        w("Failed:")
        w("")
        for r in bad:
            w("- `%s` (seed %s): %s" % (r["file"], r.get("seed"), (r.get("message") or "").split("\n")[0]))
        w("")

    w("## Coverage")
    w("")
    w("| layer | IDs | unit tests | vectors | scenarios | not covered |")
    w("| --- | ---: | ---: | ---: | ---: | ---: |")
    for l in cov.get("layers", []):
        w("| %s | %d | %d | %d | %d | %d |" % (l["layer"], l["ids"], l["unit"], l["vectors"], l["scenarios"],
                                              l["uncovered"]))
    w("")
    for r in cov.get("rows", []):
        w("- %s: %d of %d table rows exercised%s" % (r["table"], r["exercised"], r["rows"],
                                                  (" (missing: %s)" % ", ".join(r["missing"])) if r["missing"] else ""))
    w("")
    w("%d requirements are not yet exercised where behaviour could show them; the list" % len(cov.get("gaps", [])))
    w("and every requirement's evidence: `reports/coverage.md`.")
    w("")

    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "conformance.md"), "w", encoding="utf-8") as f:
        f.write("\n".join(md))
    with open(os.path.join(out, "conformance.json"), "w", encoding="utf-8") as f:
        json.dump({"verdict": verdict, "passed": total_p, "failed": total_f, "stages": stages,
                   "vectors": vs, "upstream_interop": us, "scenarios": ss,
                   "coverage": {"layers": cov.get("layers", []), "rows": cov.get("rows", []),
                                "gaps": cov.get("gaps", [])}}, f, indent=1)
        f.write("\n")
    # One JUnit file: the vectors' suites, then the scenarios' suites.
    root = ET.Element("testsuites")
    tests = fails = 0
    for part in (load_xml(vec_x), load_xml(sc_x)):
        for suite in part.iter("testsuite"):
            root.append(suite)
            tests += int(suite.get("tests", "0"))
            fails += int(suite.get("failures", "0")) + int(suite.get("errors", "0"))
    root.set("name", "sbconf conformance run")
    root.set("tests", str(tests))
    root.set("failures", str(fails))
    ET.indent(root)
    ET.ElementTree(root).write(os.path.join(out, "conformance.xml"), encoding="UTF-8", xml_declaration=True)
    print("conformance: %s, %d passed, %d failed -> %s/conformance.{md,json,xml}" % (verdict, total_p, total_f, out))


if __name__ == "__main__":
    main()
