#!/usr/bin/env python3
"""gen_scaled.py FACTOR DIR: the bundled content at FACTOR x scale, as a Git repository.

Benchmark workload of tiekartta (tests/bench/run.sh). Writes DIR/content/ (a valid
content tree, see docs/content-format.md) and commits it in DIR with fixed names and
dates, so two runs give the same files and the same commit id.

Scale = more organisations x more months:
  - organisations: every one of the 23 in regions.yaml gets ORGS-1 copies with a new id
    (<id>-2, <id>-3, ...), name ("Kainuu 2"), owner and contact addresses, map tile
    (the 8x10 grid shifted right, then down) and status folder; applies_to lists in the
    roadmap name the copies too, so every copy tracks what its original tracks;
  - months: the records of the P bundled months (2021-08 .. 2022-12, P = 17) are repeated
    cyclically after the last one, MONTHS times in all (month j reuses month j mod P,
    with period and red_flag.since moved by the same number of months).
FACTOR = ORGS x MONTHS; by default ORGS is the largest divisor of FACTOR not above its
square root (1 -> 1x1, 10 -> 2x5, 100 -> 10x10); --orgs/--months override it.

Records therefore reach 2021-08 + 17*MONTHS months (2035-09 at 100x); the commit is
dated 2040-01-01 (--date), since a record may not be later than its commit's month.

Source: the content/ folder of HEAD of the tiekartta repository around this script
(git archive), or --src DIR (a content folder on disk). Python 3 standard library only.

Options:
  --orgs A --months B   the two multipliers (A*B need not equal FACTOR then)
  --src DIR             read this content folder instead of HEAD:content
  --rev REV             read REV:content of the tiekartta repository (default HEAD)
  --date ISO            the commit date (default 2040-01-01T00:00:00Z)
  --hold REGION         leave REGION's record of the last month out of the commit and
                        write it to HELD/status/REGION/PERIOD.yaml (--held-to HELD, default
                        DIR.held): the incremental benchmark adds it back in a new commit
  --history N           a history of N commits: the first holds back the N-1 latest
                        records (by period, then organisation), each later commit adds
                        one of them back, one minute after the previous commit
  --no-git              only write DIR/content, no repository
  --pack                repack the repository after the commit (like a fresh clone)
"""

import argparse
import io
import os
import re
import shutil
import subprocess
import sys
import tarfile

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))

GRID_W, GRID_H = 8, 10          # the bundled map fits in cols 0..7, rows 0..9
PER_ROW = 12                    # copies side by side before the next band (col <= 99)


def split_factor(f):
    a = 1
    d = 1
    while d * d <= f:
        if f % d == 0:
            a = d
        d += 1
    return a, f // a


def read_source(args):
    """{relative path: bytes} of the content folder."""
    files = {}
    if args.src:
        for root, dirs, names in os.walk(args.src):
            dirs.sort()
            for n in sorted(names):
                p = os.path.join(root, n)
                with open(p, "rb") as fh:
                    files[os.path.relpath(p, args.src).replace(os.sep, "/")] = fh.read()
        return files
    tar = subprocess.run(["git", "-C", REPO, "archive", "--format=tar", args.rev, "content"],
                         check=True, stdout=subprocess.PIPE).stdout
    with tarfile.open(fileobj=io.BytesIO(tar)) as t:
        for m in t.getmembers():
            if m.isfile():
                files[m.name[len("content/"):]] = t.extractfile(m).read()
    return files


def pnum(s):
    y, m = s.split("-")
    return int(y) * 12 + int(m) - 1


def pstr(n):
    return "%04d-%02d" % (n // 12, n % 12 + 1)


def copy_id(rid, k):
    return rid if k == 0 else "%s-%d" % (rid, k + 1)


def region_blocks(text):
    """(head, [block text]) of regions.yaml: blocks start at '  - id: '."""
    lines = text.splitlines(keepends=True)
    head, blocks = [], []
    for ln in lines:
        if ln.startswith("  - id: "):
            blocks.append([ln])
        elif blocks:
            blocks[-1].append(ln)
        else:
            head.append(ln)
    return "".join(head), ["".join(b) for b in blocks]


def suffix(name, n):
    """'Kainuu' -> 'Kainuu 2'; a quoted scalar keeps its quotes."""
    if name[:1] in "\"'" and name[-1:] == name[:1]:
        return "%s %d%s" % (name[:-1], n, name[-1])
    return "%s %d" % (name, n)


def copy_block(block, k):
    rid = re.match(r"  - id: ([a-z0-9-]+)", block).group(1)
    if k == 0:
        return rid, block
    nid = copy_id(rid, k)
    out = []
    for ln in block.splitlines(keepends=True):
        if ln.startswith("  - id: "):
            ln = "  - id: %s\n" % nid
        elif ln.startswith("    name: {"):
            ln = re.sub(r"\b(fi|sv|en): ([^,}]+?)(\s*[,}])",
                        lambda m: "%s: %s%s" % (m.group(1), suffix(m.group(2), k + 1), m.group(3)), ln)
        elif ln.startswith("    map: {"):
            m = re.match(r"    map: \{col: (\d+), row: (\d+)\}", ln)
            col = int(m.group(1)) + GRID_W * (k % PER_ROW)
            row = int(m.group(2)) + GRID_H * (k // PER_ROW)
            if col > 99 or row > 99:
                sys.exit("gen_scaled: too many organisation copies for the tile map (col/row <= 99)")
            ln = "    map: {col: %d, row: %d}\n" % (col, row)
        ln = ln.replace("@%s.example.fi" % rid, "@%s.example.fi" % nid)
        out.append(ln)
    return rid, "".join(out)


def expand_applies(text, orgs):
    def repl(m):
        ids = [s.strip() for s in m.group(2).split(",") if s.strip()]
        return m.group(1) + "[" + ", ".join(copy_id(i, k) for i in ids for k in range(orgs)) + "]"
    if re.search(r"applies_to:\s*$", text, re.M):
        sys.exit("gen_scaled: applies_to as a block list is not handled; use [a, b]")
    return re.sub(r"(applies_to: )\[([^\]]*)\]", repl, text)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("factor", type=int)
    ap.add_argument("dir")
    ap.add_argument("--orgs", type=int)
    ap.add_argument("--months", type=int)
    ap.add_argument("--src")
    ap.add_argument("--rev", default="HEAD")
    ap.add_argument("--date", default="2040-01-01T00:00:00Z")
    ap.add_argument("--hold")
    ap.add_argument("--held-to")
    ap.add_argument("--history", type=int, default=1)
    ap.add_argument("--no-git", action="store_true")
    ap.add_argument("--pack", action="store_true")
    args = ap.parse_args()
    orgs, months = split_factor(args.factor)
    orgs = args.orgs or orgs
    months = args.months or months
    if os.path.exists(args.dir) and os.listdir(args.dir):
        sys.exit("gen_scaled: %s is not empty" % args.dir)

    src = read_source(args)
    out = {}
    status = {}                                  # region -> {period: text}
    for path, data in src.items():
        m = re.match(r"status/([^/]+)/(\d{4}-\d\d)\.yaml$", path)
        if m:
            status.setdefault(m.group(1), {})[pnum(m.group(2))] = data.decode("utf-8")
        elif path == "regions.yaml":
            pass
        elif path.startswith("roadmap/") and path.endswith(".yaml") and b"applies_to" in data:
            out[path] = expand_applies(data.decode("utf-8"), orgs).encode("utf-8")
        else:
            out[path] = data

    head, blocks = region_blocks(src["regions.yaml"].decode("utf-8"))
    text = [head]
    ids = []
    for b in blocks:
        for k in range(orgs):
            rid, nb = copy_block(b, k)
            text.append(nb)
            ids.append((rid, copy_id(rid, k)))
    out["regions.yaml"] = "".join(text).encode("utf-8")

    allp = [p for r in status.values() for p in r]
    first, last = min(allp), max(allp)
    span = last - first + 1
    nrec = 0
    order = []                                   # (period, region index, path)
    for ri, (rid, nid) in enumerate(ids):
        recs = status.get(rid, {})
        for j in range(span * months):
            sp = first + j % span
            if sp not in recs:
                continue
            shift = j - j % span
            period = pstr(first + j)
            t = recs[sp]
            t = re.sub(r"(?m)^region: .*$", "region: " + nid, t, count=1)
            t = re.sub(r"(?m)^period: .*$", "period: " + period, t, count=1)
            if shift:
                t = re.sub(r"(?m)^([ \t]+since: )(\d{4}-\d\d)[ \t]*$",
                           lambda m: m.group(1) + pstr(pnum(m.group(2)) + shift), t)
            out["status/%s/%s.yaml" % (nid, period)] = t.encode("utf-8")
            order.append((first + j, ri, "status/%s/%s.yaml" % (nid, period)))
            nrec += 1

    held = []                                    # paths left out of the first commit
    if args.hold:
        path = "status/%s/%s.yaml" % (args.hold, pstr(first + span * months - 1))
        if path not in out:
            sys.exit("gen_scaled: no record %s to hold back" % path)
        held.append(path)
    if args.history > 1:
        order.sort()
        held += [p for _, _, p in order[len(order) - (args.history - 1):] if p not in held]
    held_data = {p: out.pop(p) for p in held}

    croot = os.path.join(args.dir, "content")
    for path in sorted(out):
        p = os.path.join(croot, path)
        os.makedirs(os.path.dirname(p), exist_ok=True)
        with open(p, "wb") as fh:
            fh.write(out[path])
    print("gen_scaled: %d organisations x %d months (%s..%s): %d records, %d files, %.1f MB in %s"
          % (len(ids), span * months, pstr(first), pstr(first + span * months - 1), nrec,
             len(out), sum(len(v) for v in out.values()) / 1e6, croot))
    if args.hold:
        path = held[0]
        p = os.path.join(args.held_to or args.dir.rstrip("/") + ".held", path)
        os.makedirs(os.path.dirname(p), exist_ok=True)
        with open(p, "wb") as fh:
            fh.write(held_data.pop(path))
        print("gen_scaled: held back %s (in %s)" % (path, p))
    if args.no_git:
        return
    commit(args.dir, "scaled content %dx (%d organisations x %d months)"
           % (args.factor, len(ids), span * months), args.date)
    if held_data:
        t0 = git(args.dir, "log", "-1", "--format=%ct")
        for i, path in enumerate(p for p in held if p in held_data):
            p = os.path.join(croot, path)
            os.makedirs(os.path.dirname(p), exist_ok=True)
            with open(p, "wb") as fh:
                fh.write(held_data[path])
            commit(args.dir, "add " + path, "%d +0000" % (int(t0) + 60 * (i + 1)))
        print("gen_scaled: history of %d commits" % (len(held_data) + 1))
    if args.pack:
        git(args.dir, "repack", "-a", "-d", "-q")
        git(args.dir, "prune")


def git(d, *a, env=None):
    return subprocess.run(["git", "-C", d, "-c", "core.autocrlf=false", "-c", "gc.auto=0"] + list(a),
                          check=True, stdout=subprocess.PIPE, env=env).stdout.decode().strip()


def git_env(date):
    env = dict(os.environ)
    env.update(GIT_AUTHOR_NAME="bench", GIT_AUTHOR_EMAIL="bench@example.fi",
               GIT_COMMITTER_NAME="bench", GIT_COMMITTER_EMAIL="bench@example.fi",
               GIT_AUTHOR_DATE=date, GIT_COMMITTER_DATE=date, TZ="UTC")
    return env


def commit(d, msg, date):
    if not os.path.isdir(os.path.join(d, ".git")):
        git(d, "init", "-q", "-b", "main")
    git(d, "add", "-A")
    git(d, "commit", "-q", "--no-verify", "--no-gpg-sign", "-m", msg, env=git_env(date))
    return git(d, "rev-parse", "HEAD")


if __name__ == "__main__":
    main()
