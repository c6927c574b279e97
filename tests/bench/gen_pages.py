#!/usr/bin/env python3
"""gen_pages.py N DIR: the generic static-site-generator workload, for tiekartta and Hugo.

N Markdown pages with front matter (a title) and a body of a few paragraphs, a list, a
numbered list, a heading and a link; the same bytes in both trees:

  DIR/hugo/       a Hugo site: config.toml (no taxonomies; disableKinds taxonomy, term,
                  RSS, sitemap, robotsTXT), content/posts/pNNNNN.md, one layout
                  layouts/_default/single.html and a minimal list.html
  DIR/tiekartta/  a Git repository (one commit, fixed names and dates) with content/:
                  site.yaml (languages: [fi]), groups.yaml and regions.yaml (empty lists),
                  pages/pNNNNN.md; tiekartta writes them to sivut/pNNNNN/index.html

Deterministic: no clock, no random generator; every choice comes from SHA-256 of the page
number. Python 3 standard library only.
"""

import hashlib
import os
import subprocess
import sys

WORDS = """hyvinvointialue valmistelu toimeenpano tiekartta palvelu sosiaalihuolto terveydenhuolto
pelastustoimi kunta henkilöstö talous rahoitus tietojärjestelmä siirtymä sopimus asiakas
potilas yhteistyö johtaminen osaaminen aikataulu riski seuranta tilannekuva aluevaltuusto
valtuusto hallitus lainsäädäntö järjestäminen tuottaminen yhdyspinta kehittäminen hanke
raportti mittari tavoite vaihe kokous päätös selvitys suunnitelma arviointi toteutus
hankinta kiinteistö tilat viestintä asukas neuvola kotihoito vastaanotto päivystys
sairaala kuntoutus lastensuojelu vammaispalvelu mielenterveys""".split()

LAYOUT_SINGLE = """<!DOCTYPE html>
<html lang="fi">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ .Title }} – {{ .Site.Title }}</title>
<link rel="stylesheet" href="{{ "tyyli.css" | relURL }}">
</head>
<body>
<a class="skip" href="#sisalto">Siirry sisältöön</a>
<header class="site-header">
<div class="wrap">
<p class="site-title"><a href="{{ "" | relURL }}">{{ .Site.Title }}</a></p>
<nav aria-label="Päävalikko"><ul><li><a href="{{ "" | relURL }}">Etusivu</a></li></ul></nav>
</div>
</header>
<main id="sisalto" class="wrap">
<h1>{{ .Title }}</h1>
<div class="prose">
{{ .Content }}
</div>
</main>
<footer class="site-footer"><div class="wrap"><p>{{ .Site.Title }}</p></div></footer>
</body>
</html>
"""

LAYOUT_LIST = """<!DOCTYPE html>
<html lang="fi"><head><meta charset="utf-8"><title>{{ .Title }}</title></head>
<body><h1>{{ .Title }}</h1></body></html>
"""

HUGO_CONFIG = """baseURL = "https://bench.example.fi/"
languageCode = "fi"
title = "Bench"
disableKinds = ["taxonomy", "term", "RSS", "sitemap", "robotsTXT"]
enableRobotsTXT = false
[taxonomies]
"""

SITE_YAML = """title: Bench
languages: [fi]
target_date: 2023-01-01
deadline_day: 5
phases:
  - {number: 1, title: Vaihe}
bands: [25, 50, 75]
"""


def rnd(*parts):
    return int.from_bytes(hashlib.sha256("\x1f".join(map(str, parts)).encode()).digest()[:8], "big")


def words(i, tag, n):
    return [WORDS[rnd(i, tag, k) % len(WORDS)] for k in range(n)]


def sentence(i, tag):
    w = words(i, tag, 6 + rnd(i, tag, "len") % 10)
    return w[0].capitalize() + " " + " ".join(w[1:]) + "."


def paragraph(i, tag):
    return " ".join(sentence(i, "%s.%d" % (tag, k)) for k in range(3 + rnd(i, tag) % 3))


def page(i):
    t = " ".join(words(i, "title", 3))
    out = ["---", 'title: "Sivu %d: %s"' % (i, t), "---", ""]
    out += [paragraph(i, "p1"), "", paragraph(i, "p2"), ""]
    out += ["## " + " ".join(words(i, "h2", 2)).capitalize(), ""]
    for k in range(3 + rnd(i, "ul") % 4):
        w = words(i, "ul%d" % k, 4)
        out.append("- **%s** %s" % (w[0], " ".join(w[1:])))
    out += ["", paragraph(i, "p3") + " Lisätietoa [%s](https://example.fi/%s/%d) ja *%s*." % (
        words(i, "ln", 1)[0], words(i, "lp", 1)[0], i, words(i, "em", 1)[0]), ""]
    for k in range(2 + rnd(i, "ol") % 3):
        out.append("%d. %s" % (k + 1, sentence(i, "ol%d" % k)))
    out += ["", paragraph(i, "p4"), ""]
    return "\n".join(out)


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: gen_pages.py N DIR")
    n, d = int(sys.argv[1]), sys.argv[2]
    if os.path.exists(d) and os.listdir(d):
        sys.exit("gen_pages: %s is not empty" % d)
    hugo, tk = os.path.join(d, "hugo"), os.path.join(d, "tiekartta")
    write(os.path.join(hugo, "config.toml"), HUGO_CONFIG)
    write(os.path.join(hugo, "layouts/_default/single.html"), LAYOUT_SINGLE)
    write(os.path.join(hugo, "layouts/_default/list.html"), LAYOUT_LIST)
    write(os.path.join(tk, "content/site.yaml"), SITE_YAML)
    write(os.path.join(tk, "content/groups.yaml"), "groups: []\n")
    write(os.path.join(tk, "content/regions.yaml"), "regions: []\n")
    size = 0
    for i in range(1, n + 1):
        text = page(i)
        size += len(text.encode())
        write(os.path.join(hugo, "content/posts/p%05d.md" % i), text)
        write(os.path.join(tk, "content/pages/p%05d.md" % i), text)
    env = dict(os.environ, GIT_AUTHOR_NAME="bench", GIT_AUTHOR_EMAIL="bench@example.fi",
               GIT_COMMITTER_NAME="bench", GIT_COMMITTER_EMAIL="bench@example.fi",
               GIT_AUTHOR_DATE="2030-01-01T00:00:00Z", GIT_COMMITTER_DATE="2030-01-01T00:00:00Z")
    g = ["git", "-C", tk, "-c", "core.autocrlf=false", "-c", "gc.auto=0"]
    subprocess.run(g[:3] + ["init", "-q", "-b", "main"], check=True)
    subprocess.run(g + ["add", "-A"], check=True)
    subprocess.run(g + ["commit", "-q", "--no-verify", "--no-gpg-sign", "-m",
                        "generic workload: %d pages" % n], check=True, env=env)
    print("gen_pages: %d pages (%.1f MB of Markdown) in %s and %s" % (n, size / 1e6, hugo, tk))


if __name__ == "__main__":
    main()
