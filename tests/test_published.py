#!/usr/bin/env python3
"""test_published.py: the 10/2021 tilannekuva computed from the bundled
content equals the published tables of seed 003, cell for cell.

The published tables are read from ../shared/seeds/003_*.txt (the source
document); the computed ones from the view data that `tiekartta build
--dump-data` writes for tilannekuva/2021-10. Usage: test_published.py TK."""
import glob
import json
import os
import re
import subprocess
import sys
import tempfile

tk = sys.argv[1].split()
seeds = glob.glob("../shared/seeds/003_*.txt")
passed = failed = 0


def check(name, ok, why=""):
    global passed, failed
    if ok:
        passed += 1
        print(f"{name}... ok")
    else:
        failed += 1
        print(f"{name}... FAIL\n  {why}")


if not seeds:
    print("published: ../shared/seeds/003_* not found; the published tables cannot be compared")
    print("0 passed, 1 failed")
    sys.exit(1)
text = open(seeds[0], encoding="utf-8").read().splitlines()
row = re.compile(r"^([A-ZÄÖa-zäö-]+) ((?:\d+ % ?)+)$")


def table(after, width):
    """Rows of width percentages following the header line `after`."""
    start = next(i for i, l in enumerate(text) if l.strip() == after)
    out = {}
    for line in text[start + 1:]:
        line = line.strip()
        if line == "HUS":
            out["HUS"] = None
            continue
        m = row.match(line)
        if m:
            vals = [int(v) for v in re.findall(r"(\d+) %", m.group(2))]
            if len(vals) == width:
                out[m.group(1)] = vals
                continue
        if line and out and not m and line != "HUS" and len(out) >= 23:
            break
    return out


readiness = table("Käynnissä Valmis Käynnissä Valmis Käynnissä Valmis Käynnissä Valmis Käynnissä Valmis", 10)
progress = table("Tehtävien lkm yht. 69 30 17 20 55", 5)
yhdyspinnat = table("Tehtävien lkm yht. 20 5 1 7 2 5", 6)
check("seed: 23 rows in each table", len(readiness) == 23 and len(progress) == 23
      and len(yhdyspinnat) == 23, f"{len(readiness)} {len(progress)} {len(yhdyspinnat)}")

with tempfile.TemporaryDirectory() as tmp:
    r = subprocess.run(tk + ["build", "--worktree", "--out", tmp + "/site", "--dump-data",
                             tmp + "/dump", "-q"], capture_output=True, text=True)
    check("build with --dump-data", r.returncode == 0, r.stderr)
    month = json.load(open(tmp + "/dump/tilannekuva/2021-10/index.html.json"))
    diff = json.load(open(tmp + "/dump/tiekartta/muutokset/2021-06--2022-08/index.html.json"))
    sub = json.load(open(tmp + "/dump/tiekartta/2022-08/yhdyspinnat-b-3-2/index.html.json"))
    diff_html = open(tmp + "/site/tiekartta/muutokset/2021-06--2022-08/index.html").read()

# The diff page: what a reader finds laying the two seed documents side by
# side (content/roadmap/NOTES.md lists the changes).
kinds = [h["label"] for h in diff["kind_heads"]]
rows = {r["short"]: [c["n"] for c in r["cells"]] for r in diff["summary_rows"]}
yd = dict(zip(kinds, rows.get("Yhdyspinnat", [])))
check("diff: Yhdyspinnat 5 added, 11 renumbered, 1 reworded",
      (yd.get("lisätty"), yd.get("numeroitu uudelleen"), yd.get("muotoiltu uudelleen")) == (5, 11, 1),
      str(yd))
check("diff: HTT 2 added (H 2.5, 2.6), 1 reworded (H 2.2)",
      dict(zip(kinds, rows["HTT"])).get("lisätty") == 2, str(rows["HTT"]))
check("diff: the HTT H 2.2 typo fix shown word by word",
      "<del>rakentamien</del> <ins>rakentamisen</ins>" in diff_html)
hist = sub.get("versions_history", [])
check("subtask page: its history across both versions, renumbered 3.2 -> 3.3",
      len(hist) == 2 and hist[0]["number"] == "3.2" and hist[1]["number"] == "3.3"
      and "renumbered" in hist[1]["kinds"], str(hist)[:300])

rows = {x["name"]: x for x in month["rows"]}
check("page: the header counts 69 30 17 20 55",
      [d["due"] for d in month["detail"]] == [69, 30, 17, 20, 55],
      str([d["due"] for d in month["detail"]]))
yd = next(d for d in month["detail"] if d["short"] == "Yhdyspinnat")
check("page: Yhdyspinnat entity counts 5 1 7 2 5",
      [e["due"] for e in yd["entities"]] == [5, 1, 7, 2, 5], str([e["due"] for e in yd["entities"]]))
ydrows = {x["name"]: x for x in yd["rows"]}


def pct(c):
    return c["pct"]


for name in sorted(readiness):
    got = rows.get(name)
    if readiness[name] is None:
        check(f"{name}: no data, as published", got is not None and not got["has_data"])
        continue
    if got is None or not got["has_data"]:
        check(f"{name}: has a record", False, "no row or no data")
        continue
    g = got["groups"]
    want_r = readiness[name]
    have_r = sum([[pct(x["kaynnissa"]), pct(x["valmis"])] for x in g], [])
    check(f"{name}: valmiusaste käynnissä/valmis {want_r}", have_r == want_r, f"got {have_r}")
    have_p = [pct(x["eteneminen"]) for x in g]
    check(f"{name}: eteneminen {progress[name]}", have_p == progress[name], f"got {have_p}")
    y = ydrows[name]
    have_y = [pct(y["measure"]["eteneminen"])] + [pct(e["eteneminen"]) for e in y["entities"]]
    check(f"{name}: Yhdyspinnat by entity {yhdyspinnat[name]}", have_y == yhdyspinnat[name],
          f"got {have_y}")

print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
