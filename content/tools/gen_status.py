#!/usr/bin/env python3
"""Generate the example monthly status records of tiekartta.

Writes content/status/<region>/<YYYY-MM>.yaml for every organisation in
regions.yaml and every month 2021-08 ... 2022-12 (HUS has no 2021-10 record,
as in the published tilannekuva 10/2021).

The 2021-10 records reproduce the published tilannekuva 10/2021 (seed
003_a17c845c27d248c1, "Alueellisen toimeenpanon valmiusaste suhteessa
1.1.2023 (10/21)", "Alueellisen toimeenpanon tiekartan mukainen eteneminen
10/21" and "Lokakuun tilannekuva, Yhdyspinnat - Kokonaiskuva"): for each
organisation and group a small exact search picks how many critical subtasks
are done / under way / not started and, where one denominator cannot give the
published percentage, how many are `ei koske` for that organisation. Every
other month is example data around that anchor: each subtask gets a start and
a finish month, and the month's state follows from them.

Deterministic: no clock, no randomness (all variation comes from SHA-256 of
fixed strings), sorted iteration. Python 3 + PyYAML only.

Usage:
  gen_status.py [--content DIR]          generate (prints the solver report)
  gen_status.py [--content DIR] --check  recompute the figures from the files
                                         on disk and compare with the tables
"""

import argparse
import hashlib
import os
import re
import sys

import yaml

GROUPS = ["htt", "jo", "jarjestaminen", "yhdyspinnat", "ict"]
GROUP_FI = {"htt": "Hallinto, talous ja tukipalvelut", "jo": "Johtaminen ja osaaminen",
            "jarjestaminen": "Palveluiden järjestäminen", "yhdyspinnat": "Yhdyspinnat",
            "ict": "ICT"}
FIRST = (2021, 8)           # first period
LAST = (2022, 12)           # last period
ANCHOR = (2021, 10)         # the published tilannekuva
V1, V2 = "2021-06", "2022-08"
V2_FROM = (2022, 9)         # records from this period report against V2 (if it exists)
NO_RECORD = {("hus", "2021-10")}
STATES = ["ei aloitettu", "käynnissä", "valmistuu aikataulussa", "valmis",
          "viivästynyt", "ei koske"]
MAX_EIKOSKE = 4             # per organisation, group and side (due / later)

# --------------------------------------------------------------------------
# The published tables (copied verbatim from seed 003, lines ~340-400 and
# ~900-1060). Order of columns: HTT, J&O, Järjestäminen, Yhdyspinnat, ICT.

VALMIUSASTE = """
Etelä-Karjala 36 % 7 % 97 % 0 % 72 % 19 % 53 % 47 % 56 % 13 %
Etelä-Pohjanmaa 78 % 16 % 72 % 8 % 78 % 0 % 96 % 2 % 88 % 5 %
Etelä-Savo 35 % 17 % 59 % 0 % 90 % 0 % 35 % 2 % 37 % 5 %
Helsinki 27 % 15 % 46 % 3 % 25 % 0 % 90 % 8 % 70 % 0 %
Itä-Uusimaa 36 % 10 % 49 % 3 % 61 % 8 % 29 % 0 % 17 % 5 %
Kainuu 39 % 8 % 54 % 0 % 50 % 3 % 57 % 16 % 59 % 17 %
Kanta-Häme 23 % 12 % 26 % 0 % 39 % 0 % 8 % 2 % 14 % 5 %
Keski-Pohjanmaa 85 % 15 % 87 % 13 % 47 % 53 % 61 % 39 % 83 % 3 %
Keski-Suomi 55 % 11 % 79 % 5 % 86 % 0 % 88 % 2 % 95 % 2 %
Keski-Uusimaa 91 % 3 % 72 % 0 % 72 % 28 % 41 % 57 % 62 % 22 %
Kymenlaakso 86 % 9 % 74 % 5 % 64 % 0 % 73 % 0 % 71 % 28 %
Lappi 49 % 10 % 74 % 0 % 50 % 6 % 59 % 2 % 66 % 2 %
Länsi-Uusimaa 30 % 10 % 54 % 0 % 31 % 3 % 33 % 0 % 15 % 1 %
Pirkanmaa 63 % 19 % 90 % 3 % 72 % 6 % 73 % 6 % 77 % 3 %
Pohjanmaa 80 % 20 % 79 % 10 % 68 % 13 % 51 % 10 % 62 % 3 %
Pohjois-Karjala 50 % 18 % 79 % 0 % 28 % 0 % 39 % 2 % 41 % 12 %
Pohjois-Pohjanmaa 32 % 13 % 54 % 8 % 56 % 0 % 96 % 4 % 43 % 5 %
Pohjois-Savo 59 % 13 % 46 % 0 % 42 % 0 % 43 % 2 % 77 % 5 %
Päijät-Häme 37 % 14 % 54 % 0 % 67 % 0 % 65 % 0 % 13 % 1 %
Satakunta 46 % 10 % 64 % 0 % 56 % 0 % 35 % 0 % 8 % 1 %
Vantaa-Kerava 34 % 9 % 64 % 0 % 50 % 0 % 51 % 0 % 19 % 1 %
Varsinais-Suomi 28 % 11 % 62 % 0 % 36 % 0 % 22 % 0 % 10 % 0 %
"""

ETENEMINEN_COUNTS = {"htt": 69, "jo": 30, "jarjestaminen": 17, "yhdyspinnat": 20, "ict": 55}
ETENEMINEN = """
Etelä-Karjala 57 % 97 % 88 % 100 % 65 %
Etelä-Pohjanmaa 94 % 90 % 65 % 100 % 95 %
Etelä-Savo 61 % 73 % 88 % 55 % 56 %
Helsinki 43 % 53 % 43 % 100 % 71 %
Itä-Uusimaa 58 % 63 % 59 % 75 % 31 %
Kainuu 51 % 53 % 35 % 75 % 76 %
Kanta-Häme 42 % 30 % 53 % 10 % 25 %
Keski-Pohjanmaa 100 % 100 % 100 % 100 % 91 %
Keski-Suomi 81 % 90 % 82 % 100 % 100 %
Keski-Uusimaa 94 % 83 % 100 % 100 % 78 %
Kymenlaakso 93 % 93 % 71 % 90 % 100 %
Lappi 67 % 83 % 47 % 90 % 73 %
Länsi-Uusimaa 49 % 63 % 41 % 40 % 25 %
Pirkanmaa 87 % 97 % 82 % 65 % 91 %
Pohjanmaa 100 % 97 % 76 % 70 % 69 %
Pohjois-Karjala 83 % 90 % 59 % 65 % 62 %
Pohjois-Pohjanmaa 54 % 70 % 76 % 100 % 53 %
Pohjois-Savo 78 % 60 % 65 % 45 % 84 %
Päijät-Häme 61 % 63 % 71 % 70 % 20 %
Satakunta 68 % 80 % 47 % 60 % 11 %
Vantaa-Kerava 54 % 63 % 53 % 40 % 25 %
Varsinais-Suomi 49 % 73 % 29 % 20 % 15 %
"""

# Yhdyspinnat per entity (columns: total, A, B, C, D, E)
YHD_ENTITY_COUNTS = {"A": 5, "B": 1, "C": 7, "D": 2, "E": 5}
YHDYSPINNAT = """
Etelä-Karjala 100 % 100 % 100 % 100 % 100 % 100 %
Etelä-Pohjanmaa 100 % 100 % 100 % 100 % 100 % 100 %
Etelä-Savo 55 % 60 % 100 % 29 % 100 % 60 %
Helsinki 100 % 100 % 100 % 100 % 100 % 100 %
Itä-Uusimaa 75 % 100 % 100 % 100 % 100 % 0 %
Kainuu 75 % 100 % 100 % 71 % 50 % 60 %
Kanta-Häme 10 % 20 % 0 % 14 % 0 % 0 %
Keski-Pohjanmaa 100 % 100 % 100 % 100 % 100 % 100 %
Keski-Suomi 100 % 100 % 100 % 100 % 100 % 100 %
Keski-Uusimaa 100 % 100 % 100 % 100 % 100 % 100 %
Kymenlaakso 90 % 60 % 100 % 100 % 100 % 100 %
Lappi 90 % 100 % 100 % 86 % 100 % 80 %
Länsi-Uusimaa 40 % 60 % 0 % 29 % 100 % 20 %
Pirkanmaa 65 % 100 % 100 % 43 % 100 % 40 %
Pohjanmaa 70 % 60 % 100 % 57 % 100 % 80 %
Pohjois-Karjala 65 % 100 % 100 % 71 % 100 % 0 %
Pohjois-Pohjanmaa 100 % 100 % 100 % 100 % 100 % 100 %
Pohjois-Savo 45 % 80 % 100 % 14 % 100 % 20 %
Päijät-Häme 70 % 80 % 100 % 71 % 100 % 40 %
Satakunta 60 % 100 % 100 % 57 % 50 % 20 %
Vantaa-Kerava 40 % 80 % 100 % 29 % 0 % 20 %
Varsinais-Suomi 20 % 0 % 0 % 0 % 0 % 80 %
"""

# Named in seed 003 ("Muutamalla alueella (Länsi-Uusimaa, Varsinais-Suomi,
# Itä-Uusimaa) on havaittu muita enemmän toimeenpanoon liittyviä riskejä").
HIGH_RISK = ["lansi-uusimaa", "varsinais-suomi", "ita-uusimaa"]


def parse_table(text, ncols):
    rows = {}
    for line in text.strip().splitlines():
        m = re.match(r"^(\D+?) ((?:\d+ % ?)+)$", line.strip())
        if not m:
            raise SystemExit("bad table line: " + line)
        nums = [int(x) for x in re.findall(r"(\d+) %", m.group(2))]
        if len(nums) != ncols:
            raise SystemExit("bad column count: " + line)
        rows[m.group(1)] = nums
    return rows


# --------------------------------------------------------------------------
# small helpers

def pct(a, n):
    """Percent rounded half up, as the C code computes it."""
    return (200 * a + n) // (2 * n)


def h(*parts):
    """A stable pseudo-random integer from the given parts."""
    s = "\x1f".join(str(p) for p in parts).encode("utf-8")
    return int.from_bytes(hashlib.sha256(s).digest()[:8], "big")


def hf(*parts):
    """A stable pseudo-random float in [0, 1)."""
    return h(*parts) / 2.0 ** 64


def midx(y, m):
    """Month index: 2021-08 is 0."""
    return (y - FIRST[0]) * 12 + (m - FIRST[1])


def mname(i):
    y, m = divmod(FIRST[1] - 1 + i, 12)
    return "%04d-%02d" % (FIRST[0] + y, m + 1)


A = midx(*ANCHOR)
LASTI = midx(*LAST)


def parse_due(s, where):
    m = re.match(r"^(\d{4})-Q([1-4])$", str(s))
    if not m:
        raise SystemExit("%s: due %r is not YYYY-Qn" % (where, s))
    return int(m.group(1)), int(m.group(2))


def due_end(due):
    """Month index of the last month of the due quarter."""
    return midx(due[0], due[1] * 3)


def quarter_of(i):
    y, m = divmod(FIRST[1] - 1 + i, 12)
    return (FIRST[0] + y, m // 3 + 1)


def yq(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


# --------------------------------------------------------------------------
# content

class Sub:
    __slots__ = ("id", "group", "entity", "number", "title", "critical", "due",
                 "start_first", "applies_to", "order")


def load_roadmap(content, version):
    """Subtasks of one version in document order, or None if incomplete."""
    base = os.path.join(content, "roadmap", version)
    subs = []
    for g in GROUPS:
        p = os.path.join(base, g + ".yaml")
        if not os.path.exists(p):
            return None
        with open(p, encoding="utf-8-sig") as f:
            doc = yaml.safe_load(f)
        for ent in doc.get("entities") or []:
            for task in ent.get("tasks") or []:
                for st in task.get("subtasks") or []:
                    where = "%s: %s" % (p, st.get("id"))
                    if "critical" not in st or "due" not in st:
                        raise SystemExit(where + ": critical/due missing")
                    s = Sub()
                    s.id = st["id"]
                    s.group = g
                    s.entity = str(ent.get("number"))
                    s.number = str(st.get("number"))
                    s.title = str(st.get("title") or "")
                    s.critical = bool(st["critical"])
                    s.due = parse_due(st["due"], where)
                    s.start_first = bool(st.get("start_first"))
                    s.applies_to = ent.get("applies_to")
                    s.order = len(subs)
                    subs.append(s)
    ids = [s.id for s in subs]
    if len(set(ids)) != len(ids):
        raise SystemExit("%s: duplicate subtask ids" % base)
    return subs


def load_regions(content):
    with open(os.path.join(content, "regions.yaml"), encoding="utf-8-sig") as f:
        doc = yaml.safe_load(f)
    return doc["regions"]


# --------------------------------------------------------------------------
# plausibility of `ei koske` (higher = more plausible); the solver takes the
# most plausible first, ties broken by a stable hash.

EI_KOSKE_WORDS = {
    # Helsinki is a city, not a county: no interim body, no regional election,
    # no regional council of its own; HUS organises specialised care only.
    "city": [("vate", 5), ("väliaikai", 5), ("aluevaal", 5), ("vaali", 4),
             ("aluevaltuust", 4), ("valtuutet", 4), ("kuntien", 2),
             ("kuntayhtym", 2), ("yta-", 1), ("kunnilta", 2), ("erikoissairaanh", 1),
             ("saman järjestäjän", 3), ("järjestämistehtävän", 2), ("erityishuoltopiir", 2)],
    "hus": [("vate", 5), ("väliaikai", 5), ("aluevaal", 5), ("vaali", 5),
            ("aluevaltuust", 4), ("valtuutet", 4), ("pelastus", 5),
            ("ympäristöterv", 3), ("perusterveyd", 3), ("sosiaalihuol", 3),
            ("kuntien", 2), ("kotoutu", 3), ("työllisyy", 3)],
    "county": [("kaksikiel", 3), ("ruotsinkiel", 3), ("saame", 3),
               ("yliopisto", 2), ("erityisvastuu", 2), ("kuntayhtym", 1),
               ("erikoissairaanh", 1)],
}
BILINGUAL = {"ita-uusimaa", "lansi-uusimaa", "vantaa-kerava", "varsinais-suomi",
             "pohjanmaa", "keski-pohjanmaa", "kymenlaakso", "helsinki", "hus"}
UNIVERSITY = {"pirkanmaa", "pohjois-savo", "pohjois-pohjanmaa", "varsinais-suomi", "hus"}
UUSIMAA = {"ita-uusimaa", "keski-uusimaa", "lansi-uusimaa", "vantaa-kerava", "helsinki"}


def eikoske_score(org, kind, sub):
    t = sub.title.lower()
    score = 0
    for w, v in EI_KOSKE_WORDS.get(kind, []):
        if w in t:
            if w in ("kaksikiel", "ruotsinkiel") and org in BILINGUAL:
                continue
            if w in ("yliopisto", "erityisvastuu") and org in UNIVERSITY:
                continue
            if w == "erikoissairaanh" and org not in UUSIMAA:
                continue
            if w == "saame" and org == "lappi":
                continue
            if w == "pelastus" and ("sairaanhoit" in t or "kuntien" in t):
                continue   # HUS takes part where hospital districts are named
            score = max(score, v)
    return score


def structural_eikoske(org, kind, sub):
    """Subtasks that are ei koske whatever the figures say: for HUS the
    interim-body, election and rescue-service ones, for Helsinki the regional
    election (the city has no regional council)."""
    if kind == "hus":
        return eikoske_score(org, kind, sub) >= 5
    if kind == "city":
        t = sub.title.lower()
        return any(w in t for w in ("aluevaal", "vaalien", "vaalitulo", "valtuutet"))
    return False


# --------------------------------------------------------------------------
# the solver

def cands(p, n):
    """Counts c in 0..n whose percent is p, or the nearest ones."""
    if p is None:
        return list(range(0, n + 1))
    c0 = p * n // 100
    out = [c for c in range(max(0, c0 - 1), min(n, c0 + 2) + 1)]
    exact = [c for c in out if pct(c, n) == p]
    if exact:
        return exact
    best = min(abs(pct(c, n) - p) for c in out)
    return [c for c in out if abs(pct(c, n) - p) == best]


def split_ok(Kc, Vc, a, d, l):
    return a <= d and a <= Kc + Vc and Kc + Vc - a <= l and Kc + Vc <= d + l


def solve(org, kind, g, D0, L0, pub, ent_pub, may=lambda s: True):
    """Choose ei koske and counts for one organisation and group.

    D0: tracked-able critical subtasks due by the anchor quarter, L0: the rest,
    both ordered by ei koske plausibility (most plausible first); only a
    prefix of subtasks for which may() holds can become ei koske.
    pub: (K, V, E) published percentages; ent_pub: {letter: E} or None.
    Returns dict with eiD, eiL (lists), Kc, Vc, a, per-entity a, and a list
    of cells that could not be met."""
    best = None
    # per-entity options for the due side (yhdyspinnat), else one "entity"
    if ent_pub:
        letters = sorted(ent_pub)
        groups_d = {e: [s for s in D0 if s.entity == e] for e in letters}
        others = [s for s in D0 if s.entity not in ent_pub]
        if others:
            letters.append("?")
            groups_d["?"] = others
    else:
        letters = ["*"]
        groups_d = {"*": D0}
    opts = {}
    for e in letters:
        lst = groups_d[e]
        o = []
        cap = 0
        while cap < len(lst) and may(lst[cap]):
            cap += 1
        for ed in range(0, min(cap, MAX_EIKOSKE) + 1):
            de = len(lst) - ed
            if de == 0:
                continue
            target = ent_pub.get(e) if ent_pub else None
            for ae in cands(target, de) if target is not None else [None]:
                err = 0 if target is None or pct(ae, de) == target else abs(pct(ae, de) - target)
                o.append((ed, de, ae, err))
        opts[e] = o

    def combos(i):
        if i == len(letters):
            yield []
            return
        for o in opts[letters[i]]:
            for rest in combos(i + 1):
                yield [o] + rest

    K, V, E = pub

    def kv_options(a, d, l):
        """(Kc, Vc) pairs with a <= Kc + Vc <= a + l, near the targets."""
        n = d + l
        out = []
        for S in range(a, min(a + l, n) + 1):
            ks = set()
            for c in (K * n // 100, -(-K * n // 100)):
                ks.update((c - 1, c, c + 1))
            for c in (V * n // 100, -(-V * n // 100)):
                ks.update((S - c - 1, S - c, S - c + 1))
            for Kc in sorted(ks):
                if 0 <= Kc <= S:
                    out.append((Kc, S - Kc))
        return out

    for wide in (False, True):
        for combo in combos(0):
            eD = sum(o[0] for o in combo)
            d = sum(o[1] for o in combo)
            if ent_pub:
                if any(o[2] is None for o in combo):
                    # "?" entity (not in the published table): any a
                    fixed = sum(o[2] for o in combo if o[2] is not None)
                    free = sum(o[1] for o in combo if o[2] is None)
                    a_list = [fixed + x for x in range(free + 1)]
                else:
                    a_list = [sum(o[2] for o in combo)]
                ent_err = sum(o[3] for o in combo)
                ent_wrong = sum(1 for o in combo if o[3])
            else:
                a_list = list(range(d + 1)) if wide else cands(E, d)
                ent_err = ent_wrong = 0
            capL = 0
            while capL < len(L0) and may(L0[capL]):
                capL += 1
            for eL in range(0, min(capL, MAX_EIKOSKE) + 1):
                l = len(L0) - eL
                n = d + l
                for a in a_list:
                    for Kc, Vc in kv_options(a, d, l):
                        errs = [abs(pct(Kc, n) - K), abs(pct(Vc, n) - V),
                                abs(pct(a, d) - E) if E is not None else 0]
                        wrong = sum(1 for x in errs if x) + ent_wrong
                        key = (wrong, eD + eL, sum(errs) + ent_err, eD, eL, Kc, Vc, a)
                        if best is None or key < best[0]:
                            best = (key, combo, eL, Kc, Vc, a, d, l)
        if best is not None and best[0][0] == 0:
            break
    if best is None:
        raise SystemExit("%s/%s: no feasible split" % (org, g))
    key, combo, eL, Kc, Vc, a, d, l = best
    eiD = []
    ent_a = {}
    for e, o in zip(letters, combo):
        eiD += groups_d[e][:o[0]]
        ent_a[e] = o[2]
    if ent_pub and "?" in ent_a and ent_a["?"] is None:
        ent_a["?"] = a - sum(v for k, v in ent_a.items() if k != "?")
    n = d + l
    misses = []
    if pct(Kc, n) != K:
        misses.append("valmiusaste käynnissä %d %% (gets %d %% = %d/%d)" % (K, pct(Kc, n), Kc, n))
    if pct(Vc, n) != V:
        misses.append("valmiusaste valmis %d %% (gets %d %% = %d/%d)" % (V, pct(Vc, n), Vc, n))
    if E is not None and pct(a, d) != E:
        misses.append("eteneminen %d %% (gets %d %% = %d/%d)" % (E, pct(a, d), a, d))
    if ent_pub:
        for e, o in zip(letters, combo):
            if e in ent_pub and o[3]:
                misses.append("eteneminen %s %d %% (gets %d %% = %d/%d)"
                              % (e, ent_pub[e], pct(o[2], o[1]), o[2], o[1]))
    return {"eiD": eiD, "eiL": L0[:eL], "Kc": Kc, "Vc": Vc, "a": a, "d": d, "l": l,
            "ent_a": ent_a if ent_pub else None, "misses": misses}


def exact_possible(K, V, E, d, l):
    """Can counts over d due + l later subtasks give exactly K, V and E?"""
    n = d + l
    for Kc in cands(K, n):
        for Vc in cands(V, n):
            for a in cands(E, d):
                if (pct(Kc, n), pct(Vc, n), pct(a, d)) == (K, V, E) and split_ok(Kc, Vc, a, d, l):
                    return True
    return False


def diagnose(pub, r1, aq):
    """Per group: how many critical subtasks in total the published table
    needs (every organisation exact; Helsinki may mark up to 4 of the due
    ones ei koske), compared with the roadmap."""
    out = []
    for g in GROUPS:
        crit = [s for s in r1 if s.group == g and s.critical]
        d = sum(1 for s in crit if s.due <= aq)
        have = len(crit)
        fits = None
        for n in range(d, d + 300):
            ok = True
            for org, row in pub.items():
                K, V, E = row[g]
                if org == "helsinki":
                    if not any(exact_possible(K, V, E, d - e, n - d) for e in range(5)):
                        ok = False
                elif not exact_possible(K, V, E, d, n - d):
                    ok = False
                if not ok:
                    break
            if ok:
                fits = n
                break
        bad = [org for org, row in sorted(pub.items()) if org != "helsinki"
               and not exact_possible(*row[g], d, have - d)]
        out.append((g, d, have, fits, bad))
    return out


def assign_anchor(org, g, D, L, sol, ent_groups):
    """States at the anchor month for the tracked subtasks D (due) and L."""
    Kc, Vc, a, l = sol["Kc"], sol["Vc"], sol["a"], sol["l"]
    vD = None
    for v in range(min(Vc, a), -1, -1):
        kD = a - v
        kL, vL = Kc - kD, Vc - v
        if 0 <= kD <= Kc and kL >= 0 and vL >= 0 and kL + vL <= l:
            vD = v
            break
    if vD is None:
        raise SystemExit("%s/%s: no split of the due subtasks" % (org, g))
    kD = a - vD
    kL, vL = Kc - kD, Vc - vD
    st = {}

    def early(s):  # earlier = more likely under way or done
        return (s.due[0] * 4 + s.due[1] - (0.8 if s.start_first else 0) + 1.6 * hf("early", org, s.id)
                - (3 if fixed_by(s) is not None else 0))

    # due side: which subtasks progress, per entity when the entity figure is fixed
    if sol["ent_a"]:
        prog = []
        for e, lst in ent_groups.items():
            prog += sorted(lst, key=early)[:sol["ent_a"][e]]
        progset = {s.id for s in prog}
    else:
        progset = {s.id for s in sorted(D, key=early)[:a]}
    prog = sorted([s for s in D if s.id in progset], key=early)
    done = {s.id for s in prog[:vD]}
    for s in D:
        if s.id in done:
            st[s.id] = "valmis"
        elif s.id in progset:
            st[s.id] = "käynnissä"
        else:
            st[s.id] = "viivästynyt" if due_end(s.due) < A else "ei aloitettu"
    Ls = sorted(L, key=early)
    for i, s in enumerate(Ls):
        st[s.id] = "valmis" if i < vL else "käynnissä" if i < vL + kL else "ei aloitettu"
    for s in D + L:
        if st[s.id] == "käynnissä" and A <= due_end(s.due) <= A + 5 and hf("ontrack", org, s.id) < 0.45:
            st[s.id] = "valmistuu aikataulussa"
    return st


# --------------------------------------------------------------------------
# the monthly progression

def region_lag(pub_e):
    """How many months behind the roadmap an organisation tends to be."""
    vals = [v for v in pub_e if v is not None]
    avg = sum(vals) / len(vals)
    if avg >= 85:
        return -1
    if avg >= 72:
        return 0
    if avg >= 60:
        return 1
    if avg >= 48:
        return 2
    return 3


# Subtasks tied to a fixed national date (the regional elections 23.1.2022 and
# the councils from 1.3.2022): finished by then everywhere, never late after it.
FIXED = [("aluevaalilautakun", "2021-11"), ("vaalien järjestäminen", "2022-01"),
         ("ehdokkaiden perehdyt", "2022-01"), ("vaalitulok", "2022-03"),
         ("valtuuston jäsenten perehdyt", "2022-04")]


def fixed_by(s):
    t = s.title.lower()
    for w, p in FIXED:
        if w in t:
            return midx(int(p[:4]), int(p[5:]))
    return None


def timeline(org, s, anchor_state, lag):
    """(start, finish) month indices of one subtask for one organisation."""
    de = due_end(s.due)
    r = lambda tag, n: h(tag, org, s.id) % n
    if anchor_state == "valmis":
        f = A - [0, 0, 1, 1, 2, 3, 4, 6][r("f", 8)]
        return f - 1 - r("s", 5), f
    if anchor_state in ("käynnissä", "valmistuu aikataulussa"):
        s0 = A - [0, 0, 1, 1, 2, 3, 5][r("s", 7)]
        if anchor_state == "valmistuu aikataulussa":
            f = max(A + 1, de - r("f", 2))
        else:
            f = max(A + 1, s0 + 2 + r("dur", 8), de + lag + r("f", 4) - 1)
    else:
        s0 = max(A + 1, de - 2 - r("lead", 4) + max(0, lag) + r("s", 3))
        f = max(s0 + 1 + r("dur", 4), de + lag + r("f", 4) - 1)
    fx = fixed_by(s)
    if fx is not None and f > fx and anchor_state != "valmis":
        f = max(fx, A + 1)
        s0 = min(s0, f - 1)
    # towards the end most regions catch up with the deadline
    if de <= LASTI and f > LASTI:
        catch = 0.95 if lag <= 0 else 0.85 if lag == 1 else 0.7
        if hf("catch", org, s.id) < catch:
            f = max(s0 + 1, LASTI - r("c", 2))
            s0 = min(s0, f - 1)
    return s0, f


def state_at(org, s, i, s0, f, lag):
    if i >= f:
        return "valmis"
    de = due_end(s.due)
    if i >= s0:
        if i > A and i > de + 1 and lag >= 1 and hf("slip", org, s.id) < 0.25 and fixed_by(s) is None:
            return "viivästynyt"
        if f <= de and i >= de - 3:
            return "valmistuu aikataulussa"
        return "käynnissä"
    return "viivästynyt" if i > de else "ei aloitettu"


# --------------------------------------------------------------------------
# texts (Finnish, illustrative)

NOTE_TOPICS = [
    # (title keywords, {state: [texts]}); the first topic whose keyword occurs
    # in the subtask title is used, the last one is the fallback.
    # {d} a date in the record month, {q} a later quarter, {n} a small number,
    # {p} a percentage, {k} the number of member municipalities.
    (["hallintosää", "toimivalt"], {
        "valmis": ["Hallintosääntö hyväksytty {d}.",
                   "Hyväksytty {d}; **päivitys** tehdään aluevaltuuston aloitettua.",
                   "Valmis. Toimielinrakenne ja delegoinnit kuvattu liitteessä."],
        "käynnissä": ["Luonnos valmistelussa, kuntien kommentit pyydetty.",
                      "Toimivaltajaot auki: lautakuntarakenne vielä linjaamatta.",
                      "Toinen luonnoskierros menossa, juristit mukana."],
        "viivästynyt": ["Odottaa johtamismallin ratkaisua; uusi tavoite {q}.",
                        "Lautakuntarakenteesta ei ole vielä poliittista yksimielisyyttä."],
    }),
    (["vaali", "valtuutet", "valtuuston jäsen", "valtuustoehdok"], {
        "valmis": ["Valmis {d}.", "Tehty; perehdytysmateriaali jaettu valtuutetuille."],
        "käynnissä": ["Valmistelu käynnissä oikeusministeriön ohjeiden mukaisesti.",
                      "Perehdytysohjelma suunniteltu, ensimmäinen tilaisuus {d}."],
        "viivästynyt": ["Viivästyy; odottaa keskusvaalilautakunnan aikataulua."],
    }),
    (["pelastus"], {
        "valmis": ["Valmis, pelastuslaitoksen kanssa sovittu {d}.", "Tehty."],
        "käynnissä": ["Pelastuslaitoksen kanssa yhteinen työryhmä käynnissä.",
                      "Valmistelussa pelastuslaitoksen kanssa."],
        "viivästynyt": ["Pelastustoimen rahoitusmalli vielä auki."],
    }),
    (["ict", "tietojärjest", "järjestelm", "tietohallin", "infra", "sähköpost", "sovellu",
      "lisenssi", "tallennus", "palvelin", "kirjautu", "migraat", "käyttövaltuu", "tunnistau",
      "tietoturv", "tietosuoj", "verkko", "päätelait"], {
        "valmis": ["Valmis {d}.",
                   "Tehty; dokumentoitu ICT-arkkitehtuurikuvaukseen.",
                   "Valmis; hyväksytty ICT-ohjausryhmässä {d}."],
        "käynnissä": ["Toimittajan kanssa työpajat käynnissä.",
                      "Kartoitus etenee, **n. {n} järjestelmää** käyty läpi.",
                      "Hankinta valmistelussa; tarjouspyyntö {q}.",
                      "Testiympäristö pystytetty, integraatiotestaus alkaa {q}."],
        "viivästynyt": ["Toimittajan resurssit eivät riitä; asia viety ohjausryhmään.",
                        "ICT-rahoituspäätös puuttuu, joten hankintaa ei voi käynnistää.",
                        "Riippuu kuntien ICT-ympäristöjen eriyttämisestä, joka on kesken."],
    }),
    (["talousarvi", "talouden", "talous", "tilikart", "tilinpäät", "rahoitus", "budjet",
      "maksu", "kustannus", "laskenta", "kirjanpi"], {
        "valmis": ["Käsitelty {d}.",
                   "Valmis. Kuntien toimittamat tiedot tarkistettu ristiin VM:n laskelmien kanssa.",
                   "Hyväksytty {d}, tarkennetaan kevään rahoituslaskelmien jälkeen.",
                   "Valmis; tiedot saatu kaikilta {k} kunnalta."],
        "käynnissä": ["Tiedonkeruu kunnista käynnissä, {p} % tiedoista saatu.",
                      "Valmistelussa talousryhmässä; **riippuvuus** VM:n rahoituslaskelmiin.",
                      "Ensimmäinen versio valmis, käsittely VATE:ssa {q}.",
                      "Talousjohtajien verkosto käy luonnoksen läpi."],
        "viivästynyt": ["Kuntien taloustiedot saapuneet myöhässä; uusi tavoite {q}.",
                        "Resurssipula talousvalmistelussa, rekrytointi kesken.",
                        "Odottaa VM:n erilliskyselyn tuloksia."],
    }),
    (["henkilöst", "siirtosuunnitel", "palkk", "yhteistoiminta", "työterveys", "virko",
      "rekrytoi", "työsuhte", "palvelussuhte", "työsuojel"], {
        "valmis": ["Valmis, käsitelty yhteistoimintaelimessä {d}.",
                   "Tehty. Henkilöstön edustajat mukana valmistelussa.",
                   "Valmis; henkilöstötiedot saatu kaikilta {k} kunnalta ja kuntayhtymiltä."],
        "käynnissä": ["Henkilöstötietojen keruu luovuttavilta organisaatioilta käynnissä.",
                      "Yhteistoimintaneuvottelut aikataulutettu; seuraava kokous {d}.",
                      "Ehtovertailu tehty {n} nimikkeestä, työ jatkuu."],
        "viivästynyt": ["Osa luovuttavista organisaatioista ei ole vielä toimittanut henkilöstötietoja.",
                        "Viivästyy: palkkatietojen yhtenäistäminen vaatii lisäselvityksiä.",
                        "HR-asiantuntijoiden rekrytointi kesken; uusi tavoite {q}."],
    }),
    (["sopimu", "hankin"], {
        "valmis": ["Sopimusrekisteri koottu, n. {n}0 sopimusta käyty läpi.",
                   "Valmis {d}.",
                   "Valmis; siirtyvät sopimukset luokiteltu kolmeen ryhmään."],
        "käynnissä": ["Sopimusten kartoitus käynnissä; siirrettävyys arvioidaan sopimus kerrallaan.",
                      "Kuntien sopimustiedot kerätään yhteiseen pohjaan.",
                      "Due diligence -selvitys tilattu, raportti {q}."],
        "viivästynyt": ["Sopimustiedot puutteellisia osasta kunnista, selvitys jatkuu.",
                        "Odottaa juridista arviota siirtoehdoista."],
    }),
    (["toimitil", "tilojen", "tilat", "omaisuu", "kiinteist", "vuokra", "irtaim"], {
        "valmis": ["Tila- ja omaisuusselvitys valmis {d}.",
                   "Valmis; vuokrasopimusmallit sovittu kuntien kanssa.",
                   "Valmis. Kohteita n. {n}0, kuntoarviot liitteenä."],
        "käynnissä": ["Kiinteistöjen kuntoarviot tilattu.",
                      "Kuntien kanssa neuvottelut vuokratasosta käynnissä.",
                      "Irtaimistoluettelot saatu {p} % yksiköistä."],
        "viivästynyt": ["Vuokra-asetuksen tulkinta auki; neuvottelut kuntien kanssa jatkuvat.",
                        "Irtaimiston siirrosta ei ole päästy sopuun kaikkien kuntien kanssa."],
    }),
    (["viestin", "osallisuu", "asukas", "järjestö", "vaikuttamis"], {
        "valmis": ["Valmis ja julkaistu verkkosivuilla.", "Hyväksytty {d}.",
                   "Valmis; kieliversiot julkaistu."],
        "käynnissä": ["Kumppanuuspöytä kokoontunut kahdesti.",
                      "Viestintäsuunnitelma luonnoksena; kieliversiot tekeillä.",
                      "Asukaskysely auki {q} asti."],
        "viivästynyt": ["Viestintäresurssit sidottu aluevaaliviestintään."],
    }),
    (["strategi", "johtamis", "organisaatio", "johtaja", "johdon", "esihenkil"], {
        "valmis": ["Päätetty {d}.",
                   "Valmis; johtamisjärjestelmä kuvattu ja viestitty henkilöstölle.",
                   "Valmis. Johtoryhmä aloitti {d}."],
        "käynnissä": ["Luonnos esitelty VATE:lle; työpajat jatkuvat.",
                      "Johtoryhmän kokoonpano valmisteilla.",
                      "Työpajoja pidetty {n}, mukana kuntien edustajat."],
        "viivästynyt": ["Odottaa aluevaltuuston linjauksia.",
                        "Johtajavalinnat viivästyneet, tehtävä etenee niiden jälkeen."],
    }),
    (["palvelu", "hoito", "hoidon", "kuntoutu", "päivystys", "sosiaali", "asiakas"], {
        "valmis": ["Valmis; palvelukuvaukset julkaistu.", "Tehty {d}.",
                   "Valmis. Palveluverkon nykytila kuvattu {k} kunnan osalta."],
        "käynnissä": ["Nykytilan kuvaus valmis, tavoitetila työn alla.",
                      "Palveluverkkoselvitys käynnissä yhdessä kuntien kanssa.",
                      "Ostopalvelujen kartoitus {p} % valmis."],
        "viivästynyt": ["Nykyisten tuottajien tiedot tulleet myöhässä.",
                        "Viivästyy henkilöstövajeen vuoksi."],
    }),
    (["tiedolla", "tietopohj", "mittari", "raportoin", "seuran"], {
        "valmis": ["Valmis; mittaristo käytössä johtoryhmässä.", "Tehty {d}."],
        "käynnissä": ["Tietolähteet tunnistettu, raportointimalli suunnitteilla.",
                      "Mittariston ensimmäinen versio testissä."],
        "viivästynyt": ["Kuntien tiedot eivät ole vertailukelpoisia; uusi tavoite {q}."],
    }),
    (["kunt", "yhdyspin", "yhteistyö"], {
        "valmis": ["Sovittu kaikkien {k} kunnan kanssa {d}.", "Valmis; yhteistyöryhmä aloitti."],
        "käynnissä": ["Neuvottelut kuntien kanssa käynnissä.",
                      "Yhteistyöryhmä koottu, kokoontuu kuukausittain."],
        "viivästynyt": ["Kuntien resurssit sidottu omaan talousarviovalmisteluun; uusi tavoite {q}."],
    }),
    ([], {
        "valmis": ["Valmis {d}.", "Tehty.", "Valmis; dokumentaatio yhteisellä työtilalla."],
        "käynnissä": ["Työ käynnissä, vastuuhenkilö nimetty.",
                      "Työryhmä koottu ja työsuunnitelma hyväksytty.", "Etenee suunnitellusti."],
        "viivästynyt": ["Viivästyy resurssipulan vuoksi; uusi tavoite {q}.",
                        "Myöhässä, riippuvuus toiseen osatehtävään."],
    }),
]
NOTE_TOPICS_EIKOSKE = {
    # kind: [(title keywords, text)]; the last entry is the fallback
    "city": [(["vaali", "valtuust", "valtuutet"],
              "Ei koske Helsinkiä: kaupungissa ei järjestetä aluevaaleja eikä sillä ole aluevaltuustoa."),
             (["vate", "väliaikai"],
              "Ei koske Helsinkiä: kaupungilla ei ole väliaikaista valmistelutoimielintä."),
             ([], "Ei koske Helsinkiä: kaupunki on itse sekä kunta että sote-palvelujen ja pelastustoimen järjestäjä.")],
    "hus": [(["pelastus"], "Ei koske HUSia: HUS ei järjestä pelastustointa."),
            ([], "Ei koske HUSia: tehtävä kuuluu Uudenmaan hyvinvointialueille ja Helsingille.")],
    "county": [([], "Ei koske aluettamme; tehtävä on hoidettu jo aiemman organisoitumisen yhteydessä.")],
}

# (group, theme, text, first month, last month) -- months as YYYY-MM
OBSERVATIONS = [
    ("htt", "yhteistyö", "Yhteistyö kuntien kanssa on pääosin sujuvaa; kuntajohtajien kokous kahden viikon välein.", "2021-08", "2022-12"),
    ("htt", "talous", "Kuntien taloustietojen keruu on työlästä, koska tiedot ovat eri muodoissa.", "2021-08", "2022-04"),
    ("htt", "henkilöstö", "Liikkeenluovutuksen valmistelu eteni: henkilöstötiedot on saatu lähes kaikilta luovuttajilta.", "2022-02", "2022-10"),
    ("htt", "tilat", "Toimitilojen vuokrasopimusmallista on sovittu kuntien kanssa.", "2022-03", "2022-11"),
    ("htt", "talous", "Vuoden 2023 talousarvion valmistelu on käynnistynyt; talousarviokysely kunnille lähetetty.", "2022-03", "2022-10"),
    ("htt", "johtaminen", "Hallintosäännön ja johtamisjärjestelmän valmistelu etenee rinnakkain.", "2021-09", "2022-04"),
    ("jo", "johtaminen", "Hyvinvointialuejohtajan valinta on tehty, johtoryhmä kokoontuu viikoittain.", "2021-11", "2022-12"),
    ("jo", "henkilöstö", "Valmisteluhenkilöstön jaksaminen on koetuksella, ja lomat on porrastettu.", "2021-08", "2022-12"),
    ("jo", "viestintä", "Henkilöstölle on pidetty kolme avointa infoa, ja kysymyksiä on tullut paljon.", "2021-09", "2022-09"),
    ("jo", "johtaminen", "Aluevaltuusto on järjestäytynyt, ja valiokuntarakenne on päätetty.", "2022-03", "2022-12"),
    ("jarjestaminen", "palvelut", "Palveluverkon nykytilan kuvaus on valmistunut; tavoitetila työstetään keväällä.", "2021-11", "2022-06"),
    ("jarjestaminen", "palvelut", "Ostopalvelusopimusten kartoitus on paljastanut päällekkäisiä sopimuksia.", "2021-10", "2022-08"),
    ("jarjestaminen", "yhteistyö", "YTA-alueen yhteistyösopimuksen valmistelu on alkanut naapurialueiden kanssa.", "2022-01", "2022-12"),
    ("jarjestaminen", "palvelut", "Palvelujen yhdenmukaistaminen aloitetaan asiakasmaksuista.", "2022-02", "2022-12"),
    ("yhdyspinnat", "yhteistyö", "Kuntien kanssa on sovittu hyvinvoinnin ja terveyden edistämisen yhteistyöryhmästä.", "2021-08", "2022-12"),
    ("yhdyspinnat", "palvelut", "Opiskeluhuollon palveluiden järjestämisestä on käyty neuvottelut sivistystoimen kanssa.", "2021-10", "2022-10"),
    ("yhdyspinnat", "yhteistyö", "Järjestöfoorumi on aloittanut, ja mukana on noin 40 järjestöä.", "2021-09", "2022-12"),
    ("yhdyspinnat", "palvelut", "Työllisyyspalveluiden ja sosiaalihuollon yhteistyön jatko selvitetään TE2024-uudistuksen kanssa.", "2021-10", "2022-12"),
    ("ict", "ict", "ICT-muutossuunnitelma on hyväksytty, ja järjestelmäkartoitus kattaa nyt kaikki kunnat.", "2021-10", "2022-06"),
    ("ict", "ict", "Talous- ja henkilöstöhallinnon järjestelmän hankinta on ratkaistu.", "2022-02", "2022-12"),
    ("ict", "talous", "Valtionavustuspäätös ICT-muutokseen saatiin, ja hankinnat voidaan käynnistää.", "2021-12", "2022-08"),
    ("ict", "ict", "Käyttövaltuushallinnan ja tunnistautumisen ratkaisut ovat testauksessa.", "2022-06", "2022-12"),
    ("ict", "ict", "Tuotantoon siirron harjoitukset on aikataulutettu loka- ja marraskuulle.", "2022-08", "2022-11"),
    ("htt", "lainsäädäntö", "Vuokra-asetuksen valmistuminen selkeytti tilaratkaisuja.", "2022-02", "2022-08"),
    ("htt", "henkilöstö", "Henkilöstötiedot on saatu {kk} kunnalta; kuntayhtymien tiedot puuttuvat vielä osin.", "2021-11", "2022-05"),
    ("yhdyspinnat", "yhteistyö", "Kuntajohtajien ja hyvinvointialueen yhteinen foorumi on kokoontunut; mukana {kk} kuntaa.", "2021-09", "2022-12"),
    ("htt", "viestintä", "Aluevaalien ehdokkaille järjestettiin infotilaisuus hyvinvointialueen valmistelusta.", "2021-11", "2022-01"),
    ("jo", "johtaminen", "Valtuutettujen perehdytys alkoi heti vaalien jälkeen.", "2022-02", "2022-04"),
    ("jarjestaminen", "palvelut", "Asiakas- ja potilastietojärjestelmän yhtenäistäminen vaikuttaa palveluprosesseihin enemmän kuin arvioitiin.", "2021-12", "2022-10"),
    ("ict", "ict", "Järjestelmäkartoituksessa on tunnistettu yli sata siirtyvää tietojärjestelmää.", "2021-09", "2022-03"),
    ("jo", "henkilöstö", "Esihenkilövalinnat on tehty, ja perehdytys alkaa syyskuussa.", "2022-07", "2022-09"),
    ("htt", "aikataulu", "Vuodenvaihteen siirtymän ajosuunnitelma on laadittu tunnin tarkkuudella.", "2022-10", "2022-12"),
]
WISHES = [
    ("htt", "talous", "Toivomme kansallista ohjetta siirtyvien vuokrasopimusten hinnoitteluun.", "2021-08", "2022-06"),
    ("htt", "lainsäädäntö", "Toivomme pikaista selvyyttä sote-korjaussarjan aikataulusta.", "2021-09", "2022-05"),
    ("htt", "henkilöstö", "Yhteinen malli liikkeenluovutuksen tiedonkeruuseen säästäisi jokaisen alueen työtä.", "2021-08", "2022-04"),
    ("jo", "johtaminen", "Toivomme vertaistapaamisia muutosjohtajille kuukausittain.", "2021-08", "2022-12"),
    ("jo", "henkilöstö", "Kansallista tukea esihenkilöiden muutosvalmennukseen.", "2021-10", "2022-10"),
    ("jarjestaminen", "palvelut", "Toivomme yhteistä määrittelyä palvelustrategian vähimmäissisällöstä.", "2021-09", "2022-06"),
    ("jarjestaminen", "yhteistyö", "Toivomme STM:ltä kannanottoa YTA-alueen työnjaon periaatteisiin.", "2021-10", "2022-09"),
    ("yhdyspinnat", "yhteistyö", "Toivomme esimerkkisopimuksia kuntien ja hyvinvointialueen yhteistyöstä.", "2021-09", "2022-10"),
    ("ict", "talous", "ICT-rahoituspäätökset tarvitaan pikaisesti, jotta hankinnat voidaan käynnistää.", "2021-08", "2022-02"),
    ("ict", "ict", "Toivomme kansallista koordinaatiota ICT-toimittajien resursseista.", "2021-09", "2022-10"),
    ("ict", "ict", "Kansallinen malli tuotantoon siirron tarkistuslistaksi olisi avuksi.", "2022-05", "2022-11"),
    ("htt", "viestintä", "Toivomme valmista viestintämateriaalia asukkaille vuodenvaihteen muutoksista.", "2022-06", "2022-12"),
]
RISKS = [
    ("ict", "ict", "ICT-toimittajien resurssit eivät välttämättä riitä kaikkien alueiden yhtäaikaisiin käyttöönottoihin.", "2021-08", "2022-12"),
    ("ict", "talous", "Puuttuvat ICT-rahoituspäätökset siirtävät hankintoja.", "2021-08", "2022-02"),
    ("jo", "henkilöstö", "Osaavan henkilöstön saatavuus on heikko erityisesti talous- ja ICT-tehtävissä.", "2021-08", "2022-12"),
    ("jo", "henkilöstö", "Valmisteluhenkilöstön uupuminen uhkaa aikataulua.", "2021-08", "2022-12"),
    ("htt", "talous", "Kuntien talousarvioiden ja hyvinvointialueen laskelmien erot voivat viivästyttää TAE 2023 -valmistelua.", "2021-10", "2022-10"),
    ("htt", "yhteistyö", "Ristiveto kuntien kanssa tukipalveluista ja irtaimiston siirrosta.", "2021-09", "2022-08"),
    ("htt", "tilat", "Toimitilojen kuntoa ei tunneta riittävästi siirtoa varten.", "2021-10", "2022-09"),
    ("htt", "aikataulu", "Liikkeenluovutuksen aikataulu on tiukka suhteessa yt-menettelyihin.", "2022-01", "2022-10"),
    ("jarjestaminen", "palvelut", "Palvelujen häiriötön siirto vaatii ostopalvelusopimusten jatkamista vuoden 2023 yli.", "2021-10", "2022-12"),
    ("jarjestaminen", "aikataulu", "Palvelustrategian valmistelu voi jäädä aluevaltuuston alkuvaiheessa liian kapeaksi.", "2022-02", "2022-09"),
    ("yhdyspinnat", "lainsäädäntö", "Ilman mahdollistavaa lainsäädäntöä nykyisiä yhteistyömalleja voidaan joutua purkamaan.", "2021-09", "2022-12"),
    ("ict", "aikataulu", "Tietojärjestelmien eriyttäminen kuntien ympäristöistä ei valmistu ajoissa.", "2022-03", "2022-12"),
    ("ict", "ict", "Käyttövaltuuksien siirto vuodenvaihteessa on suuri kertaluonteinen riski.", "2022-08", "2022-12"),
    ("htt", "aikataulu", "Vuodenvaihteen kriittiset toiminnot (palkanmaksu, maksuliikenne) on testattava ajoissa.", "2022-08", "2022-12"),
    ("jo", "johtaminen", "Johtamisjärjestelmän keskeneräisyys hidastaa esihenkilövalintoja.", "2022-01", "2022-08"),
]

RED_FLAGS = {
    # org: [(first month, last month, reason)]
    "lansi-uusimaa": [("2021-10", "2022-03",
                       "ICT-ympäristön eriyttäminen ja talouden valmistelu ovat selvästi jäljessä; "
                       "pyydämme tukea ICT-rahoituksen ja tiedonkeruun aikatauluun.")],
    "varsinais-suomi": [("2021-09", "2022-04",
                         "Valmisteluresurssit eivät riitä: kriittisiä osatehtäviä on aloittamatta "
                         "kaikissa valmisteluryhmissä. Tarvitsemme muutostukea erityisesti yhdyspintoihin ja ICT:hen."),
                        ("2022-09", "2022-11",
                         "Talous- ja henkilöstöhallinnon järjestelmän käyttöönotto on myöhässä; "
                         "vuodenvaihteen palkanmaksun varmistaminen vaatii tukea.")],
    "ita-uusimaa": [("2021-11", "2022-05",
                     "Tukipalveluiden ja ICT:n järjestämisestä ei ole sopua kuntien kanssa, "
                     "ja ICT-valmistelu on jäljessä. Pyydämme ohjausta ja muutostukea.")],
}


def in_window(p, a, b):
    return a <= p <= b


def pick(pool, org, period, kind, count, nmun):
    """count distinct items of pool valid for period, chosen by hash."""
    valid = [x for x in pool if in_window(period, x[3], x[4]) and ("{kk}" not in x[2] or nmun > 1)]
    valid.sort(key=lambda x: h(kind, org, period, x[2]))
    return [(g, th, txt.replace("{kk}", str(nmun))) for g, th, txt, _, _ in valid[:count]]


def note_text(org, kind, s, state, i, nmun):
    if state == "ei koske":
        t = s.title.lower()
        for words, txt in NOTE_TOPICS_EIKOSKE[kind]:
            if not words or any(w in t for w in words):
                return txt
    st = "käynnissä" if state == "valmistuu aikataulussa" else state
    t = s.title.lower()
    if kind == "city" and ("vate" in t or "väliaikai" in t):
        return "Helsingissä tehtävää vastaa kaupungin oma sote-uudistuksen valmisteluorganisaatio."
    # the topic whose keyword comes first in the title (Finnish titles lead
    # with their subject); ICT subtasks without a keyword use the ICT texts,
    # anything else the general texts
    best = None
    for rank, (words, texts) in enumerate(NOTE_TOPICS):
        if st not in texts:
            continue
        hits = [t.find(w) for w in words if w in t]
        if hits:
            pos = min(hits)
        elif not words:
            pos = 10 ** 7
        elif s.group == "ict" and "ict" in words:
            pos = 10 ** 6
        else:
            continue
        if best is None or (pos, rank) < best[0]:
            best = ((pos, rank), texts[st])
    if best is None:
        return None
    opts = best[1]
    if nmun < 2:
        opts = [x for x in opts if "{k}" not in x] or opts
    txt = opts[h("note", org, s.id, state, i // 3) % len(opts)]
    y, m = divmod(FIRST[1] - 1 + i, 12)
    day = 1 + h("day", org, s.id) % 27
    dm = "%d.%d.%d" % (day, m + 1, FIRST[0] + y)
    q = max(due_end(s.due), i) + 2 + h("q", org, s.id) % 3
    qy, qq = quarter_of(q)
    return txt.format(d=dm, q="Q%d/%d" % (qq, qy), n=3 + h("n", org, s.id, i) % 60,
                      p=30 + h("p", org, s.id, i) % 66, k=nmun)


# --------------------------------------------------------------------------
# writing

def write_record(path, org, period, version, order, states, notes, red, obs, wishes, risks):
    L = ["# Example data generated by tools/gen_status.py -- not a real report.",
         "region: " + org,
         "period: " + period,
         "roadmap: " + version,
         "states:"]
    for sid in order:
        if sid not in states:
            continue
        if sid in notes:
            L.append("  %s: {state: %s, note: %s}" % (sid, states[sid], yq(notes[sid])))
        else:
            L.append("  %s: %s" % (sid, states[sid]))
    if red:
        L.append("red_flag:")
        L.append("  reason: " + yq(red[0]))
        L.append("  since: " + red[1])
    for key, lst in (("observations", obs), ("wishes", wishes), ("risks", risks)):
        if lst:
            L.append(key + ":")
            for g, th, txt in lst:
                L.append("  - {group: %s, theme: %s, text: %s}" % (g, th, yq(txt)))
    data = "\n".join(L) + "\n"
    os.makedirs(os.path.dirname(path), exist_ok=True)
    old = None
    if os.path.exists(path):
        with open(path, encoding="utf-8") as f:
            old = f.read()
    if old != data:
        with open(path, "w", encoding="utf-8", newline="\n") as f:
            f.write(data)


# --------------------------------------------------------------------------

def published(regions):
    by_name = {r["name"]["fi"]: r["id"] for r in regions}
    va = parse_table(VALMIUSASTE, 10)
    et = parse_table(ETENEMINEN, 5)
    yh = parse_table(YHDYSPINNAT, 6)
    pub, ent = {}, {}
    for name, row in va.items():
        org = by_name[name]
        pub[org] = {g: (row[2 * i], row[2 * i + 1], et[name][i]) for i, g in enumerate(GROUPS)}
        if yh[name][0] != et[name][3]:
            raise SystemExit("tables disagree for " + name)
        ent[org] = dict(zip("ABCDE", yh[name][1:]))
    return pub, ent


def hus_targets():
    # HUS has no published figures; a plausible middle-of-the-field anchor.
    return {"htt": (45, 10, 62), "jo": (60, 3, 70), "jarjestaminen": (55, 6, 65),
            "yhdyspinnat": (60, 5, 75), "ict": (55, 8, 66)}


def tracked(subs, org, kind, eik):
    return [s for s in subs if s.critical and (not s.applies_to or org in s.applies_to)
            and s.id not in eik]


def generate(content, quiet=False):
    regions = load_regions(content)
    r1 = load_roadmap(content, V1)
    if r1 is None:
        raise SystemExit("roadmap %s is incomplete under %s" % (V1, content))
    r2 = load_roadmap(content, V2)
    pub, ent_pub = published(regions)
    aq = quarter_of(A)
    report = []
    header_msgs = []
    # header counts of the published tables vs the roadmap
    for g in GROUPS:
        crit_due = [s for s in r1 if s.group == g and s.critical and not s.applies_to and s.due <= aq]
        if len(crit_due) != ETENEMINEN_COUNTS[g]:
            header_msgs.append("%s: roadmap %s has %d critical subtasks due by Q%d/%d, the table header says %d"
                               % (g, V1, len(crit_due), aq[1], aq[0], ETENEMINEN_COUNTS[g]))
        if g == "yhdyspinnat":
            for e, n in YHD_ENTITY_COUNTS.items():
                k = sum(1 for s in crit_due if s.entity == e)
                if k != n:
                    header_msgs.append("yhdyspinnat %s: roadmap has %d due by Q%d/%d, the table header says %d"
                                       % (e, k, aq[1], aq[0], n))
    all_subs = {s.id: s for s in r1}
    for s in r2 or []:
        if s.id not in all_subs:
            all_subs[s.id] = s
    order1 = [s.id for s in r1]
    order2 = [s.id for s in r2] if r2 else None
    eik_counts = {}
    written = 0
    for reg in sorted(regions, key=lambda r: r["id"]):
        org, kind = reg["id"], reg["kind"]
        targets = pub.get(org) or hus_targets()
        eik = set()          # ei koske for this organisation, all versions
        anchor = {}
        # structural ei koske (HUS)
        for s in all_subs.values():
            if s.critical and structural_eikoske(org, kind, s):
                eik.add(s.id)
        for g in GROUPS:
            cand = [s for s in tracked(r1, org, kind, eik) if s.group == g]
            rank = lambda s: (-eikoske_score(org, kind, s), h("rank", org, s.id))
            D0 = sorted([s for s in cand if s.due <= aq], key=rank)
            L0 = sorted([s for s in cand if s.due > aq], key=rank)
            K, V, E = targets[g]
            ep = ent_pub.get(org) if g == "yhdyspinnat" and org in ent_pub else None
            # a county marks ei koske only where the title makes it plausible
            may = (lambda s: eikoske_score(org, kind, s) > 0) if kind == "county" else (lambda s: True)
            sol = solve(org, kind, g, D0, L0, (K, V, E), ep, may)
            for s in sol["eiD"] + sol["eiL"]:
                eik.add(s.id)
            D = [s for s in D0 if s.id not in eik]
            Ls = [s for s in L0 if s.id not in eik]
            ent_groups = None
            if sol["ent_a"]:
                ent_groups = {e: [s for s in D if (s.entity == e if e != "?" else s.entity not in ep)]
                              for e in sol["ent_a"]}
            anchor.update(assign_anchor(org, g, D, Ls, sol, ent_groups))
            if org in pub:
                report.append((org, g, sol, len(D0), len(L0)))
        # subtasks new in the later version: Helsinki marks the ones about the
        # interim body and the regional election as ei koske, like before
        r1_ids = set(order1)
        for s in r2 or []:
            if s.critical and s.id not in r1_ids and kind == "city" and eikoske_score(org, kind, s) >= 4:
                eik.add(s.id)
        eik_counts[org] = sorted(eik)
        lag = region_lag([t[2] for t in targets.values()])
        # ICT lags more where it was low in 10/2021
        tl = {}
        for sid in sorted(all_subs):
            s = all_subs[sid]
            glag = lag + (1 if s.group == "ict" and targets["ict"][2] < 40 else 0)
            a_state = anchor.get(sid)
            if a_state is None:
                # not tracked at the anchor (non-critical, or new in 2022-08)
                a_state = "valmis" if s.due < aq and hf("nc", org, sid) < 0.5 else \
                    "käynnissä" if s.due <= (aq[0] + 1, aq[1]) and hf("nc2", org, sid) < 0.5 else "ei aloitettu"
            tl[sid] = timeline(org, s, a_state, glag) + (glag,)
        # a few non-critical subtasks this organisation reports on
        noncrit = sorted([s.id for s in r1 if not s.critical],
                         key=lambda x: h("noncrit", org, x))[:5]
        prev = {}
        for i in range(0, LASTI + 1):
            period = mname(i)
            if (org, period) in NO_RECORD:
                continue
            y, m = int(period[:4]), int(period[5:])
            use2 = r2 is not None and (y, m) >= V2_FROM
            subs = r2 if use2 else r1
            version = V2 if use2 else V1
            order = order2 if use2 else order1
            states = {}
            for s in subs:
                if s.critical and s.applies_to and org not in s.applies_to:
                    continue
                if s.critical:
                    if s.id in eik:
                        states[s.id] = "ei koske"
                    elif i == A:
                        states[s.id] = anchor[s.id]
                    else:
                        s0, f, gl = tl[s.id]
                        states[s.id] = state_at(org, s, i, s0, f, gl)
                elif s.id in noncrit:
                    s0, f, gl = tl[s.id]
                    if i >= s0:
                        states[s.id] = state_at(org, s, i, s0, f, gl)
            # notes: explain delays, mark completions, now and then a comment
            notes = {}
            cand_notes = []
            for sid in order:
                if sid not in states:
                    continue
                stt = states[sid]
                changed = prev.get(sid) != stt
                w = hf("w", org, period, sid)
                if stt == "viivästynyt" and (changed or w < 0.3):
                    cand_notes.append((0, w, sid))
                elif stt == "valmis" and changed and prev:
                    cand_notes.append((1, w, sid))
                elif stt in ("käynnissä", "valmistuu aikataulussa") and w < 0.02:
                    cand_notes.append((2, w, sid))
                elif i in (0, A) and (stt == "ei koske" or kind == "city" and
                                      re.search("vate|väliaikai", all_subs[sid].title.lower())):
                    cand_notes.append((3, w, sid))
            cand_notes.sort()
            caps = {0: 3, 1: 2, 2: 1, 3: 20}
            chosen = []
            for c, _, sid in cand_notes:
                if caps[c] > 0:
                    caps[c] -= 1
                    chosen.append(sid)
            for sid in chosen:
                txt = note_text(org, kind, all_subs[sid], states[sid], i, len(reg["municipalities"]))
                if txt:
                    notes[sid] = txt
            red = None
            for a_, b_, reason in RED_FLAGS.get(org, []):
                if in_window(period, a_, b_):
                    red = (reason, a_)
            risky = org in HIGH_RISK
            nobs = h("nobs", org, period) % 3
            nw = 1 if h("nw", org, period) % 3 == 0 else 0
            nr = (1 + h("nr", org, period) % 2) if risky else (1 if h("nr", org, period) % 3 == 0 else 0)
            nmun = len(reg["municipalities"])
            obs = pick(OBSERVATIONS, org, period, "obs", nobs, nmun)
            wishes = pick(WISHES, org, period, "wish", nw, nmun)
            risks = pick(RISKS, org, period, "risk", nr, nmun)
            path = os.path.join(content, "status", org, period + ".yaml")
            write_record(path, org, period, version, order, states, notes, red, obs, wishes, risks)
            written += 1
            prev = states
    if not quiet:
        print("wrote %d records (roadmap %s%s)" % (written, V1, ", " + V2 + " from 2022-09" if r2 else
                                                   "; %s not found, all records use %s" % (V2, V1)))
        for msg in header_msgs:
            print("note: " + msg)
        exact = sum(1 for r in report if not r[2]["misses"])
        print("10/2021 anchor: %d of %d organisation/group solutions meet every cell exactly"
              % (exact, len(report)))
        for org, g, sol, nd, nl in report:
            for miss in sol["misses"]:
                print("not met: %s %s: %s" % (org, g, miss))
        for g, d, have, fits, bad in diagnose(pub, r1, aq):
            if bad:
                print("why: %s: roadmap %s has %d critical subtasks (%d due by Q%d/%d + %d later); "
                      "the published cells cannot all be met over %d for %d "
                      "counties (%s); the smallest total that fits every row is %s (%d later)"
                      % (g, V1, have, d, aq[1], aq[0], have - d, have, len(bad), ", ".join(bad),
                         fits, (fits or d) - d))
        print("ei koske per organisation (all versions):")
        for org in sorted(eik_counts):
            by_g = {}
            for sid in eik_counts[org]:
                by_g[all_subs[sid].group] = by_g.get(all_subs[sid].group, 0) + 1
            print("  %-18s %3d  %s" % (org, len(eik_counts[org]),
                                      " ".join("%s=%d" % (g, by_g[g]) for g in GROUPS if g in by_g)))
    return 0


# --------------------------------------------------------------------------
# check: recompute from the files on disk

def figures(subs, rec, org, period):
    y, m = int(period[:4]), int(period[5:])
    q = (y, (m - 1) // 3 + 1)
    states = rec.get("states") or {}
    out = {}
    for g in GROUPS:
        tr = [s for s in subs if s.group == g and s.critical and
              (not s.applies_to or org in s.applies_to)]
        missing = [s.id for s in tr if s.id not in states]
        if missing:
            raise SystemExit("%s %s: tracked subtasks missing: %s" % (org, period, ", ".join(missing[:5])))
        st = lambda s: states[s.id]["state"] if isinstance(states[s.id], dict) else states[s.id]
        tr = [s for s in tr if st(s) != "ei koske"]
        due = [s for s in tr if s.due <= q]
        k = sum(1 for s in tr if st(s) in ("käynnissä", "valmistuu aikataulussa"))
        v = sum(1 for s in tr if st(s) == "valmis")
        a = sum(1 for s in due if st(s) in ("käynnissä", "valmistuu aikataulussa", "valmis"))
        ent = {}
        for e in "ABCDE":
            de = [s for s in due if s.entity == e]
            if de:
                ent[e] = pct(sum(1 for s in de if st(s) in ("käynnissä", "valmistuu aikataulussa", "valmis")), len(de))
        out[g] = (pct(k, len(tr)) if tr else None, pct(v, len(tr)) if tr else None,
                  pct(a, len(due)) if due else None, ent, len(due))
    return out


def check(content):
    regions = load_regions(content)
    r1 = load_roadmap(content, V1)
    r2 = load_roadmap(content, V2)
    pub, ent_pub = published(regions)
    bad = 0
    cells = 0
    nfiles = 0
    size = 0
    for reg in sorted(regions, key=lambda r: r["id"]):
        org = reg["id"]
        for i in range(0, LASTI + 1):
            period = mname(i)
            path = os.path.join(content, "status", org, period + ".yaml")
            if (org, period) in NO_RECORD:
                if os.path.exists(path):
                    print("unexpected record: " + path)
                    bad += 1
                continue
            if not os.path.exists(path):
                print("missing record: " + path)
                bad += 1
                continue
            nfiles += 1
            size += os.path.getsize(path)
            with open(path, encoding="utf-8") as f:
                rec = yaml.safe_load(f)
            if rec.get("region") != org or rec.get("period") != period:
                print("%s: region/period mismatch" % path)
                bad += 1
            subs = r2 if rec.get("roadmap") == V2 else r1
            for sid, v in (rec.get("states") or {}).items():
                stv = v["state"] if isinstance(v, dict) else v
                if stv not in STATES:
                    print("%s: %s: bad state %r" % (path, sid, stv))
                    bad += 1
            fig = figures(subs, rec, org, period)
            if period != "%04d-%02d" % ANCHOR or org not in pub:
                continue
            for g in GROUPS:
                K, V, E = pub[org][g]
                k, v, a, ent, nd = fig[g]
                for name, want, got in (("käynnissä", K, k), ("valmis", V, v), ("eteneminen", E, a)):
                    cells += 1
                    if want != got:
                        print("%s %s %s: published %s %%, records give %s %%" % (org, g, name, want, got))
                        bad += 1
                if g == "yhdyspinnat":
                    for e, want in ent_pub[org].items():
                        cells += 1
                        if ent.get(e) != want:
                            print("%s yhdyspinnat %s: published %s %%, records give %s %%" % (org, e, want, ent.get(e)))
                            bad += 1
    print("checked %d records (%.1f kB), %d published cells of 10/2021, %d problems"
          % (nfiles, size / 1000.0, cells, bad))
    return 1 if bad else 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--content", default=os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    ap.add_argument("--check", action="store_true")
    args = ap.parse_args()
    if args.check:
        return check(args.content)
    return generate(args.content)


if __name__ == "__main__":
    sys.exit(main())
