#!/bin/sh
# test_cli.sh: the tiekartta command as a user meets it, over a fixture Git
# repository with dated commits. TK names the command (maybe under valgrind).
top=$(pwd)
: "${TK:=$top/output/bin/tiekartta}"
W=$(mktemp -d /tmp/tk-cli-XXXXXX)
trap 'rm -rf "$W"' EXIT
. "$top/tests/lib.sh"

# A repository with two dated commits of the small fixture.
R=$W/repo
mkdir -p "$R"
cp -r "$top/tests/fixtures/small" "$R/content"
export GIT_AUTHOR_NAME=Test GIT_AUTHOR_EMAIL=test@example.fi
export GIT_COMMITTER_NAME=Test GIT_COMMITTER_EMAIL=test@example.fi
export GIT_CONFIG_NOSYSTEM=1 HOME=$W
git -C "$R" init -q -b main
git -C "$R" add -A
GIT_AUTHOR_DATE="2021-11-04T10:00:00Z" GIT_COMMITTER_DATE="2021-11-04T10:00:00Z" \
	git -C "$R" commit -q -m "Lokakuun tilannekuva"
first=$(git -C "$R" rev-parse HEAD)
sed -i 's/title: {fi: Pieni tilannekuva/title: {fi: Toinen otsikko/' "$R/content/site.yaml"
GIT_AUTHOR_DATE="2021-12-03T10:00:00Z" GIT_COMMITTER_DATE="2021-12-03T10:00:00Z" \
	git -C "$R" commit -q -am "Uusi otsikko"
second=$(git -C "$R" rev-parse HEAD)

# --help, --version, usage errors.
expect_exit "--help exits 0" 0 tk --help
check "--help lists build and check" has "$W/out" "build"
expect_exit "--version exits 0" 0 tk --version
check "--version prints the version" grep -q "^tiekartta [0-9]" "$W/out"
expect_exit "build --help exits 0" 0 tk build --help
check "build --help names --rev" has "$W/out" "--rev REV"
expect_exit "unknown command is a usage error" 2 tk frobnicate
check "unknown command message" has "$W/err" "tiekartta: unknown command 'frobnicate'; see 'tiekartta --help'"
expect_exit "unknown option is a usage error" 2 tk build --bogus
expect_exit "--worktree with --rev is a usage error" 2 tk check --worktree --rev HEAD --repo "$R"
expect_exit "an unknown revision is a usage error" 2 tk check --repo "$R" --rev nosuch
check "unknown revision message" has "$W/err" "cannot resolve revision 'nosuch'"

# Every command reads its command line alike (tk_cli_args): --opt VALUE or
# --opt=VALUE; an unknown option, a missing value or a word too many is a
# usage error that names the command's --help.
printf '{{#has_l}}<ul>{{#l}}<li>{{.}}</li>{{/l}}</ul>{{/has_l}}{{^has_l}}-{{/has_l}} {{x}}\n' \
	>"$W/t.mustache"
printf 'x: "<a>"\nl: [1, 2]\n' >"$W/d.yaml"
expect_exit "render: a template and --data FILE" 0 tk render "$W/t.mustache" --data "$W/d.yaml"
check "render: has_l, the list and an escaped string" \
	[ "$(cat "$W/out")" = "<ul><li>1</li><li>2</li></ul> &lt;a&gt;" ]
expect_exit "render: --data=FILE" 0 tk render --data="$W/d.yaml" "$W/t.mustache"
check "render: the same output" [ "$(cat "$W/out")" = "<ul><li>1</li><li>2</li></ul> &lt;a&gt;" ]
expect_exit "render: no data" 0 tk render "$W/t.mustache"
check "render: no list, so has_l is false" [ "$(cat "$W/out")" = "- " ]
expect_exit "render: --data without a value" 2 tk render "$W/t.mustache" --data
check "render: that message" has "$W/err" "tiekartta: --data needs a value"
expect_exit "render: two templates" 2 tk render "$W/t.mustache" "$W/d.yaml"
check "render: that message" has "$W/err" \
	"tiekartta: unexpected argument '$W/d.yaml'; see 'tiekartta render --help'"
expect_exit "render: no template" 2 tk render --partials "$W"
check "render: that message" has "$W/err" "render needs a template"
expect_exit "codeowners: a word" 2 tk codeowners extra --repo "$R"
check "codeowners: that message" has "$W/err" \
	"tiekartta: unexpected argument 'extra'; see 'tiekartta codeowners --help'"
expect_exit "review: a third revision" 2 tk review "$first" "$second" HEAD --repo "$R"
check "review: that message" has "$W/err" \
	"tiekartta: unexpected argument 'HEAD'; see 'tiekartta review --help'"
expect_exit "new-status: no --rev, it writes the working tree" 2 \
	tk new-status alpha 2021-12 --rev HEAD --repo "$R"
check "new-status: that message" has "$W/err" \
	"tiekartta: unknown option '--rev'; see 'tiekartta new-status --help'"
expect_exit "diff: --format=json, two revisions" 0 tk diff --format=json "$first" "$second" --repo="$R"
check "diff: JSON" grep -q '^{' "$W/out"
expect_exit "check: --quiet and -q" 0 tk check -q --quiet --repo "$R"
check "check: quiet" [ ! -s "$W/out" ]
set --
i=0
while [ $i -lt 65 ]; do set -- "$@" --snapshots "$first"; i=$((i + 1)); done
expect_exit "build: --snapshots 65 times" 2 tk build "$@" --repo "$R" --out "$W/many"
check "build: that message" has "$W/err" \
	"tiekartta: --snapshots may be given 64 times at most; see 'tiekartta build --help'"
check "build: nothing written" [ ! -e "$W/many" ]

# check and build at HEAD, from inside the repository.
expect_exit "check passes" 0 sh -c "cd '$R/content/status' && $TK check"
check "check summary" has "$W/out" "content is valid: 2 organisations, 1 roadmap versions, 3 records, 1 pages"
expect_exit "build at HEAD" 0 tk build --repo "$R"
check "build says what it did" has "$W/out" "from commit ${second%${second#????????????}} (3.12.2021)"
check "default output is output/site in the repository" test -f "$R/output/site/index.html"
check "the page shows HEAD's content" has "$R/output/site/index.html" "Toinen otsikko"
check "the build page names the commit" has "$R/output/site/julkaisu/index.html" "$second"
check "the build page names the commit's date" has "$R/output/site/julkaisu/index.html" "<dd>3.12.2021</dd>"
check "every page links to the build page" has "$R/output/site/alueet/alpha/index.html" 'href="../../julkaisu/index.html"'
check "the footer names the commit where the page's content last changed" has "$R/output/site/index.html" "<code title=\"$second\">"
check "and its date" has "$R/output/site/index.html" "(3.12.2021). Versio, jossa"
check "the region page too (the second commit changed the site's title)" has "$R/output/site/alueet/alpha/index.html" "<code title=\"$second\">"
check "the region page lists its submissions from Git" has "$R/output/site/alueet/alpha/index.html" "<td>4.11.2021</td><td>2021-10 2021-11 </td><td>Lokakuun tilannekuva"

# Two builds of one commit are byte-identical.
tk build --repo "$R" --out "$W/a" -q && tk build --repo "$R" --out "$W/b" -q
check "two builds are byte-identical" diff -r "$W/a" "$W/b"

# An older revision builds its own content even though the tree differs.
expect_exit "build --rev older" 0 tk build --repo "$R" --rev "$first" --out "$W/old"
check "the older commit's title" has "$W/old/index.html" "Pieni tilannekuva"
check "the older commit's id" has "$W/old/julkaisu/index.html" "$first"

# Snapshots: the site as it stood at each commit that changed the content.
expect_exit "build --snapshots all" 0 tk build --repo "$R" --snapshots all --out "$W/snap"
short1=$(echo "$first" | cut -c1-12)
short2=$(echo "$second" | cut -c1-12)
check "the first commit's snapshot has its own title" has "$W/snap/versiot/$short1/index.html" "Pieni tilannekuva"
check "the second commit's snapshot has the new title" has "$W/snap/versiot/$short2/index.html" "Toinen otsikko"
check "a snapshot names its commit" has "$W/snap/versiot/$short1/index.html" "title=\"$first\""
check "a snapshot says it is archived and links to the current site" has "$W/snap/versiot/$short1/alueet/alpha/index.html" '<a href="../../../../index.html">'
check "the list of snapshots, newest first" sh -c "grep -o 'versiot/[0-9a-f]*/index.html' '$W/snap/versiot/index.html' | tr '\n' ' ' | grep -qx 'versiot/$short2/index.html versiot/$short1/index.html '"
expect_exit "build --snapshots with an unknown revision" 2 tk build --repo "$R" --snapshots nosuch --out "$W/snap2"
git -C "$R" tag v1 "$first"
expect_exit "build --snapshots tags" 0 tk build --repo "$R" --snapshots tags --out "$W/snap3"
check "the tagged commit's snapshot" test -f "$W/snap3/versiot/$short1/index.html"
check "only the tagged commit" sh -c "! test -e '$W/snap3/versiot/$short2'"

# --worktree reads uncommitted edits; the committed build does not.
sed -i 's/Toinen otsikko/Kolmas otsikko/' "$R/content/site.yaml"
expect_exit "build --worktree" 0 tk build --repo "$R" --worktree --out "$W/wt"
check "--worktree shows the uncommitted edit" has "$W/wt/index.html" "Kolmas otsikko"
check "--worktree says the edits are uncommitted" has "$W/wt/index.html" "tallentamattomista muutoksista"
tk build --repo "$R" --out "$W/head" -q
check "without --worktree the commit is built" has "$W/head/index.html" "Toinen otsikko"
git -C "$R" checkout -q -- content

# A failed build leaves the previous site as it was.
cp -r "$R/output/site" "$W/before"
printf 'region: alpha\nperiod: 2021-11\nroadmap: 2021-06\nstates:\n  htt-a-1-1: valmiis\n' \
	> "$R/content/status/alpha/2021-11.yaml"
git -C "$R" add -A
GIT_AUTHOR_DATE="2021-12-04T10:00:00Z" GIT_COMMITTER_DATE="2021-12-04T10:00:00Z" \
	git -C "$R" commit -q -m "Virheellinen"
expect_exit "a build with content errors exits 1" 1 tk build --repo "$R"
check "the error names file, line and column" has "$W/err" "content/status/alpha/2021-11.yaml:5:14: error: unknown state 'valmiis'"
check "the build says the site was not changed" has "$W/err" "the site was not changed"
check "the previous site is untouched" diff -r "$W/before" "$R/output/site"

# A record for a month after the commit's month.
printf 'region: alpha\nperiod: 2022-01\nroadmap: 2021-06\n' > "$R/content/status/alpha/2022-01.yaml"
git -C "$R" rm -q content/status/alpha/2021-11.yaml
git -C "$R" add -A
GIT_AUTHOR_DATE="2021-12-05T10:00:00Z" GIT_COMMITTER_DATE="2021-12-05T10:00:00Z" \
	git -C "$R" commit -q -m "Tulevaisuudesta"
expect_exit "a future period is refused" 1 tk check --repo "$R"
check "future period message" has "$W/err" "content/status/alpha/2022-01.yaml:2:9: error: period 2022-01 is later than the commit's month 2021-12; a record can report only a month that has begun"

# Ten different mistakes, all listed with file, line and column.
M=$W/ten
cp -r "$top/tests/fixtures/small" "$M"
cat > "$M/status/alpha/2021-10.yaml" <<'YAML'
region: alpha
period: 2021-10
roadmap: 2021-06
states:
  htt-a-1-1: valmiis
  htt-q-1-1: valmis
  ict-a-1-1: {state: valmis, nite: x}
red_flag: {reason: R, since: 2021-13}
YAML
cat > "$M/status/beta/2021-10.yaml" <<'YAML'
region: alpha
period: 2021-10
roadmap: 2030-01
YAML
cat > "$M/regions.yaml" <<'YAML'
regions:
  - {id: alpha, name: A, kind: kunta}
  - {id: beta, name: B, map: {col: 0, row: -1}}
YAML
cat > "$M/roadmap/2021-06/ict.yaml" <<'YAML'
group: ict
entities:
  - id: ict-a
    number: A
    title: X
    tasks:
      - id: ict-a-1
        number: "1"
        title: Y
        subtasks:
          - {id: ict-a-1-1, number: "1.1", title: Z, critical: kyllä, due: 2022-Q4, phase: 7}
YAML
expect_exit "ten mistakes: check exits 1" 1 tk check --repo "$M" --content .
for want in \
	"./status/alpha/2021-10.yaml:5:14: error: unknown state 'valmiis'" \
	"./status/alpha/2021-10.yaml:6:3: error: unknown subtask 'htt-q-1-1'" \
	"./status/alpha/2021-10.yaml:7:30: error: unknown key 'nite' in a subtask's state" \
	"./status/alpha/2021-10.yaml:8:30: error: '2021-13' is not a month" \
	"./status/beta/2021-10.yaml:1:9: error: region 'alpha' does not match the folder status/beta/" \
	"./status/beta/2021-10.yaml:3:10: error: unknown roadmap version '2030-01'" \
	"./regions.yaml:2:32: error: unknown kind 'kunta'; use county, city or hus" \
	"./regions.yaml:3:44: error: 'row' must be a whole number from 0 to 99, not '-1'" \
	"./roadmap/2021-06/ict.yaml:11:64: error: 'critical' must be true or false, not 'kyllä'" \
	"./roadmap/2021-06/ict.yaml:11:92: error: 'phase' must be a whole number from 1 to 5, not '7'"; do
	check "ten mistakes: $want" has "$W/err" "$want"
done
check "ten mistakes: the count" has "$W/err" "tiekartta: 10 errors in ."

# Outside a Git repository the directory is read, with a warning.
cp -r "$top/tests/fixtures/small" "$W/loose"
expect_exit "a plain directory builds" 0 tk build --repo "$W/loose" --content . --out "$W/loose-out"
check "it warns that pages carry no commit" has "$W/err" "pages will carry no commit"
check "and the footer says so" has "$W/loose-out/index.html" "sivuilla ei ole versiotunnistetta"

# bands: in site.yaml moves the band edges, and the legend's labels with them.
cp -r "$top/tests/fixtures/small" "$W/bands"
sed -i 's/^bands: .*/bands: [20, 40, 60]/' "$W/bands/site.yaml"
expect_exit "other band edges build" 0 tk build --repo "$W/bands" --content . --out "$W/bands-out"
check "the legend names the site's edges" has "$W/bands-out/index.html" \
	'<span class="pct b0">alle 20 %</span> <span class="pct b1">20–39 %</span> <span class="pct b2">40–60 %</span> <span class="pct b3">yli 60 %</span>'
check "in Swedish too" has "$W/bands-out/sv/index.html" '<span class="pct b3">över 60 %</span>'

# Escaping: a title with markup shows as text.
sed -i 's/name: Beeta/name: "<script>alert(1)<\/script>"/' "$W/loose/regions.yaml"
tk build --repo "$W/loose" --content . --out "$W/loose-out" -q 2>/dev/null
check "markup in content is escaped" has "$W/loose-out/index.html" "&lt;script&gt;alert(1)&lt;/script&gt;"
check "and never raw" sh -c "! grep -q '<script>' '$W/loose-out/index.html'"

# Languages: every page in each language under its own path, with a switcher.
check "Swedish pages under sv/" test -f "$W/loose-out/sv/alueet/alpha/index.html"
check "the Swedish page says lang=sv" has "$W/loose-out/sv/index.html" '<html lang="sv">'
check "hreflang points to the same page in Finnish" has "$W/loose-out/sv/alueet/alpha/index.html" '<link rel="alternate" hreflang="fi" href="../../../alueet/alpha/index.html">'
check "a Finnish-only text is marked lang=fi on a Swedish page" has "$W/loose-out/sv/tiekartta/2021-06/index.html" '<h3 id="htt-a" lang="fi">'
# Interface strings missing in a language are errors of check.
cp -r "$top/themes/default" "$W/theme"
sed -i '/^skip:/d' "$W/theme/strings/sv.yaml"
expect_exit "a missing interface string fails check" 1 tk check --repo "$W/loose" --content . --theme "$W/theme"
first=$(awk '!/^#/ && NF {print NR; exit}' "$W/theme/strings/sv.yaml")
skipline=$(grep -n '^skip:' "$W/theme/strings/fi.yaml" | cut -d: -f1)
check "the missing string is named with its place" has "$W/err" "$W/theme/strings/sv.yaml:$first:1: error: missing 'skip' ($W/theme/strings/fi.yaml:$skipline:1 has it); add the translation"

# Roadmap diff pages (the fixture has one version: no diff page, and the
# versions list links none).
check "no diff page with one version" sh -c "! ls '$W/loose-out/tiekartta/muutokset' 2>/dev/null"

# --dump-data: each page's view data as JSON, and the page shows it.
tk build --repo "$W/loose" --content . --out "$W/dump-site" --dump-data "$W/dump" -q 2>/dev/null
check "--dump-data writes the view data of every page" test -f "$W/dump/alueet/alpha/index.html.json"
check "the dump is valid JSON" python3 -m json.tool "$W/dump/alueet/alpha/index.html.json" >/dev/null
ete=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["overall"]["eteneminen"]["text"])' "$W/dump/alueet/alpha/index.html.json")
check "alpha 11/2021 eteneminen in the dump is 50 % (worked out by hand)" test "$ete" = "50 %"
check "and the page shows that figure" has "$W/dump-site/alueet/alpha/index.html" "<span class=\"pct b2\">$ete<span class=\"band-label\"> (50–75 %)</span></span>"
check "the dump holds the interface strings the template sees" grep -q '"skip"' "$W/dump/index.html.json"

# With base_url, the 404 page links absolutely (it is served at any depth),
# and the sitemap and feed use the address.
printf 'base_url: https://tk.example.fi/\n' >> "$W/loose/site.yaml"
tk build --repo "$W/loose" --content . --out "$W/base-site" -q 2>/dev/null
check "404 links from the site's address" has "$W/base-site/404.html" 'href="https://tk.example.fi/tyyli.css"'
check "sitemap addresses are absolute" has "$W/base-site/sitemap.xml" "<loc>https://tk.example.fi/alueet/alpha/</loc>"
printf 'base_url: tk.example.fi\n' > "$W/bad-base.yaml"
sed -i 's|^base_url: .*|base_url: tk.example.fi|' "$W/loose/site.yaml"
expect_exit "a base_url without a scheme is refused" 1 tk check --repo "$W/loose" --content .
check "the base_url message" has "$W/err" "'base_url' must be an address that starts with https:// or http:// and ends with '/'"
sed -i '/^base_url:/d' "$W/loose/site.yaml"

# The accessibility statement from site.yaml, with its feedback channel.
printf 'accessibility:\n  feedback: palaute@example.fi\n  conformance: partial\n  prepared: 2021-12-01\n  issues: [Kartta on kaavamainen.]\n' >> "$W/loose/site.yaml"
tk build --repo "$W/loose" --content . --out "$W/a11y-site" -q 2>/dev/null
check "the statement page names the feedback channel" has "$W/a11y-site/saavutettavuus/index.html" '<a href="mailto:palaute@example.fi">palaute@example.fi</a>'
check "and its known shortcomings" has "$W/a11y-site/saavutettavuus/index.html" "<li>Kartta on kaavamainen.</li>"
check "every page links to it" has "$W/a11y-site/alueet/alpha/index.html" '<a href="../../saavutettavuus/index.html">Saavutettavuusseloste</a>'

# A free page's body in Swedish (pages/<slug>.sv.md): the Swedish page shows
# it and no longer says part of it is in Finnish only.
tk build --repo "$W/loose" --content . --out "$W/fi-only" -q 2>/dev/null
check "without a Swedish text, the Swedish page shows the Finnish body, marked" \
	has "$W/fi-only/sv/sivut/tietoa/index.html" '<div class="prose" lang="fi">'
check "and says part of the page is in Finnish only" \
	has "$W/fi-only/sv/sivut/tietoa/index.html" "finns bara på finska"
printf '# Om tjänsten\n\nEn <mening> på svenska.\n' >"$W/loose/pages/tietoa.sv.md"
tk build --repo "$W/loose" --content . --out "$W/sv-text" -q 2>/dev/null
check "with one, the Swedish page shows it, not marked Finnish" \
	sh -c "grep -A1 '<div class=\"prose\">' '$W/sv-text/sv/sivut/tietoa/index.html' | grep -q '>Om tjänsten</h1>'"
check "escaped as any Markdown" has "$W/sv-text/sv/sivut/tietoa/index.html" "En &lt;mening&gt; på svenska."
check "and no Finnish-only notice" sh -c "! grep -q 'finns bara på finska' '$W/sv-text/sv/sivut/tietoa/index.html'"
check "the Finnish page keeps the Finnish body" sh -c "! grep -q 'Om tjänsten</h1>' '$W/sv-text/sivut/tietoa/index.html'"
rm "$W/loose/pages/tietoa.sv.md"

finish
