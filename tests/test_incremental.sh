#!/bin/sh
# test_incremental.sh: a build renders only the pages whose inputs changed
# (generator/pagecache.h), and what it keeps is exactly what it would have
# rendered. Every rebuild below runs with TK_PAGECACHE=verify, which
# renders the kept pages too and fails on any difference, and its site is
# compared with a build from nothing (TK_PAGECACHE=off).
top=$(pwd)
: "${TK:=$top/output/bin/tiekartta}"
W=$(mktemp -d /tmp/tk-incr-XXXXXX)
trap '[ -n "${KEEP:-}" ] || rm -rf "$W"' EXIT
. "$top/tests/lib.sh"

export GIT_AUTHOR_NAME=Test GIT_AUTHOR_EMAIL=test@example.fi
export GIT_COMMITTER_NAME=Test GIT_COMMITTER_EMAIL=test@example.fi
export GIT_CONFIG_NOSYSTEM=1 HOME=$W
R=$W/repo
mkdir -p "$R"
cp -r "$top/tests/fixtures/small" "$R/content"
cp -r "$top/themes/default" "$W/theme"
git -C "$R" init -q -b main
git -C "$R" add -A
days=0
commit() {
	days=$((days + 1))
	git -C "$R" add -A
	when=$(printf '2021-12-%02dT10:00:00Z' "$days")
	GIT_AUTHOR_DATE="$when" GIT_COMMITTER_DATE="$when" \
		git -C "$R" commit -q --allow-empty -m "$1"
}
commit "Lokakuu ja marraskuu"

# inodes DIR: "path inode" of every file; a file rewritten gets a new inode,
# one kept is linked from the site before.
inodes() { (cd "$1" && find . -type f -printf '%P %i\n' | sort); }
# rebuild NAME: builds HEAD into $W/site with verify, then from nothing into
# $W/fresh; the two must be byte-identical. Leaves the rewritten files in
# $W/changed and the build's report in $W/out.
rebuild() {
	inodes "$W/site" >"$W/before" 2>/dev/null || : >"$W/before"
	if TK_PAGECACHE=verify $TK build --repo "$R" --theme "$W/theme" --out "$W/site" >"$W/out" 2>"$W/err"; then
		ok "$1: builds, every kept page verified"
	else
		bad "$1: builds, every kept page verified" "$(head -n 5 "$W/err")"
	fi
	rm -rf "$W/fresh" "$W/fresh.tiekartta-pages"
	TK_PAGECACHE=off $TK build -q --repo "$R" --theme "$W/theme" --out "$W/fresh" 2>>"$W/err"
	check "$1: the same bytes as a build from nothing" diff -r "$W/site" "$W/fresh"
	inodes "$W/site" >"$W/after"
	comm -13 "$W/before" "$W/after" | cut -d' ' -f1 >"$W/changed"
}
rendered() { sed -n 's/.*; \([0-9]*\) of \([0-9]*\) pages rendered.*/\1/p' "$W/out"; }
pages() { sed -n 's/.*; \([0-9]*\) of \([0-9]*\) pages rendered.*/\2/p' "$W/out"; }
changed() { grep -qx "$1" "$W/changed"; }
kept() { ! grep -qx "$1" "$W/changed"; }

rebuild "first build"
total=$(pages)
check "first build: every page rendered" [ "$(rendered)" = "$total" ]
check "the list of page keys is beside the site, not in it" \
	sh -c "test -f '$W/site.tiekartta-pages' && ! ls -A '$W/site' | grep -q tiekartta-pages"

rebuild "the same commit again"
check "no-op: no page rendered" [ "$(rendered)" = 0 ]
check "no-op: no file rewritten" [ ! -s "$W/changed" ]

# The exports are keyed as pages are: kept unmade while the content and
# (for the JSON) the commit are the same. Shown by a file changed by hand
# under the same size, inode and time: a build that made the CSV again
# would put its bytes back; it is kept, and verify finds it.
cp "$W/site/data/luvut.csv" "$W/csv"
python3 - "$W/site/data/luvut.csv" <<'PY'
import os, sys
p = sys.argv[1]
st = os.stat(p)
b = bytearray(open(p, "rb").read())
b[-2:-1] = b"#" if b[-2:-1] != b"#" else b"%"
with open(p, "r+b") as f:
    f.write(bytes(b))
os.utime(p, ns=(st.st_atime_ns, st.st_mtime_ns))
PY
$TK build -q --repo "$R" --theme "$W/theme" --out "$W/site" 2>"$W/err"
check "no-op: the CSV export is kept by its key, not made again" \
	sh -c "! cmp -s '$W/csv' '$W/site/data/luvut.csv'"
TK_PAGECACHE=verify $TK build -q --repo "$R" --theme "$W/theme" --out "$W/site" 2>"$W/err"
check "verify makes it again and finds the difference" \
	grep -q "^data/luvut.csv: error: internal error: the page cache kept this export as it was, but it is made differently" "$W/err"
cp "$W/csv" "$W/site/data/luvut.csv"
rebuild "the export put back"

# The parsed files kept between builds (generator/parsestore.h): every
# rebuild here verifies them against parsing. A damaged store is not
# trusted; a store that verify finds wrong fails the build.
P=$W/site.tiekartta-parsed
check "the parsed files are kept beside the site, not in it" \
	sh -c "test -s '$P' && ! ls -A '$W/site' | grep -q tiekartta-parsed"
# They name the program that made them (a new program parses again): the
# blob id of its GNU build id, read from its own headers, not its file.
bid=$(readelf -n "${TK##* }" 2>/dev/null | sed -n 's/^ *Build ID: //p')
check "the parsed files name the program by its build id ($bid)" \
	[ -n "$bid" ] && [ "$(head -c 100 "$P" | sed -n '2s/^program //p')" = \
	  "$(printf 'tiekartta build-id %s\n' "$bid" | git hash-object --stdin)" ]
# A rebuild that meets no new content file leaves them as they were.
was=$(stat -c '%i %Y %s' "$P")
$TK build -q --repo "$R" --theme "$W/theme" --out "$W/site"
check "a no-op rebuild leaves the parsed files unwritten (inode, time, size)" \
	[ "$(stat -c '%i %Y %s' "$P")" = "$was" ]
# Damage in the trees, not the index (whose own checksum would drop the
# store whole): each tree hit must be parsed again.
python3 - "$P" <<'PY'
import sys
p = sys.argv[1]
b = bytearray(open(p, "rb").read())
for i in range(100, int.from_bytes(b[-32:-24], "little"), 97):
    b[i] ^= 0x55
open(p, "wb").write(bytes(b))
PY
$TK build -q --repo "$R" --theme "$W/theme" --out "$W/site" 2>"$W/err"
check "a damaged store: the build succeeds" [ $? -eq 0 ]
check "a damaged store: the site is as from nothing" diff -r "$W/site" "$W/fresh"
rebuild "after a damaged store"
# Checksums that hold over a changed tree: the store is then trusted,
# unless verified. (The checksum of generator/parsestore.c, in Python.)
python3 - "$P" <<'PY'
import sys
M = (1 << 64) - 1
def check(b):
    n = len(b)
    h = 0x9e3779b97f4a7c15 ^ n
    i = 0
    while n - i >= 8:
        h = ((h ^ int.from_bytes(b[i:i + 8], "little")) * 0xff51afd7ed558ccd) & M
        h ^= h >> 29
        i += 8
    for c in b[i:]:
        h = ((h ^ c) * 0x100000001b3) & M
    return h ^ (h >> 32)
p = sys.argv[1]
b = bytearray(open(p, "rb").read())
ioff, n = int.from_bytes(b[-32:-24], "little"), int.from_bytes(b[-24:-16], "little")
changed = 0
for k in range(n):
    e = ioff + 64 * k
    off, ln = int.from_bytes(b[e + 40:e + 48], "little"), int.from_bytes(b[e + 48:e + 56], "little")
    tree = bytes(b[off:off + ln])
    if b"ei aloitettu" in tree:
        tree = tree.replace(b"ei aloitettu", b"valmistuu xx")
        b[off:off + ln] = tree
        b[e + 56:e + 64] = check(tree).to_bytes(8, "little")
        changed += 1
b[-16:-8] = check(bytes(b[ioff:ioff + 64 * n])).to_bytes(8, "little")
open(p, "wb").write(bytes(b))
sys.exit(0 if changed else 1)
PY
check "a store with a changed tree and good checksums was made" [ $? -eq 0 ]
TK_PAGECACHE=verify $TK build -q --repo "$R" --theme "$W/theme" --out "$W/site" 2>"$W/err"
check "verify finds the changed tree: exit 1" [ $? -eq 1 ]
check "and names the file and the store" grep -q "^content/status/.*\.yaml: error: its tree kept from the last build differs from parsing it (TK_PAGECACHE=verify); remove $P and report this\$" "$W/err"
check "the site is untouched" diff -r "$W/site" "$W/fresh"
rm "$P"
rebuild "without the store"
check "without the store: no page rendered" [ "$(rendered)" = 0 ]
# A first build into folders not made yet: the trees wait in memory until
# the build has made them.
$TK build -q --repo "$R" --theme "$W/theme" --out "$W/deep/er/site" 2>"$W/err"
check "a site in folders not made yet: no warning" [ ! -s "$W/err" ]
check "a site in folders not made yet: its parsed files are kept" test -s "$W/deep/er/site.tiekartta-parsed"
TK_PAGECACHE=verify $TK build -q --repo "$R" --theme "$W/theme" --out "$W/deep/er/site" 2>"$W/err"
check "and they verify" [ $? -eq 0 ]

commit "Tyhjä"
rebuild "a commit that changes no content"
check "only the build page is rendered, in each language" [ "$(rendered)" = 2 ]
check "the build page names the new commit" grep -q "$(git -C "$R" rev-parse HEAD)" "$W/site/julkaisu/index.html"
check "nothing else is rewritten but the JSON export, which names the commit" \
	sh -c "! grep -v -e julkaisu/ -e '^data/luvut.json$' '$W/changed'"

# A new record: beta's November.
# trees FILE: how many trees the parsed files hold (the footer's count).
trees() { od -An -t u8 -j $(($(stat -c %s "$1") - 24)) -N 8 "$1" | tr -d ' '; }
ntrees=$(trees "$P") pino=$(stat -c %i "$P")
sed -e 's/^region: alpha/region: beta/' "$R/content/status/alpha/2021-11.yaml" >"$R/content/status/beta/2021-11.yaml"
commit "Beta: marraskuu"
rebuild "a new record"
check "the parsed files hold one tree more ($ntrees before), added at their end" \
	[ "$(stat -c %i "$P")" = "$pino" ] && [ "$(trees "$P")" = $((ntrees + 1)) ]
# Every tree read back from where it was added: a build again adds none.
was=$(stat -c '%i %s' "$P")
$TK build -q --repo "$R" --theme "$W/theme" --out "$W/site"
check "and a build again finds every tree in them: they stay as they are" \
	[ "$(stat -c '%i %s' "$P")" = "$was" ]
check "its organisation's page is rewritten" changed alueet/beta/index.html
check "its month's page is rewritten" changed tilannekuva/2021-11/index.html
check "the overview is rewritten" changed index.html
check "a group's page is rewritten: it shows the latest month" changed ryhmat/htt/index.html
check "the other month's page is kept" kept tilannekuva/2021-10/index.html
check "its organisation's page names the new commit" grep -q "<code title=\"$(git -C "$R" rev-parse HEAD)\">" "$W/site/alueet/beta/index.html"
# A copy of alpha's November: November's national medians stay as they were.
check "the other organisation's page is kept: the medians of its month did not move" kept alueet/alpha/index.html
check "the other month's page still names the commit before" grep -q "<code title=\"$(git -C "$R" rev-parse HEAD~2)\">" "$W/site/tilannekuva/2021-10/index.html"
check "the free page is kept" kept sivut/tietoa/index.html
check "the roadmap's page is kept" kept tiekartta/2021-06/index.html
check "the accessibility statement is kept" kept saavutettavuus/index.html
check "fewer pages rendered than there are" [ "$(rendered)" -lt "$total" ]

# A record changed in place: alpha's October note.
sed -i 's/^  htt-a-1-2: .*/  htt-a-1-2: {state: valmis, note: "Valmistui."}/' "$R/content/status/alpha/2021-10.yaml"
commit "Alpha: lokakuun korjaus"
rebuild "a corrected record"
check "the October page shows the correction" changed tilannekuva/2021-10/index.html
check "the November page is kept" kept tilannekuva/2021-11/index.html
check "a group's page is kept: October is not the latest month" kept ryhmat/htt/index.html
check "and it names the commit before" grep -q "<code title=\"$(git -C "$R" rev-parse HEAD~1)\">" "$W/site/ryhmat/htt/index.html"
check "a subtask's page is kept: it shows alpha's November" kept tiekartta/2021-06/htt-a-1-2/index.html
check "and it names the commit before" grep -q "<code title=\"$(git -C "$R" rev-parse HEAD~1)\">" "$W/site/tiekartta/2021-06/htt-a-1-2/index.html"

# A roadmap edit reaches every page that shows the roadmap.
sed -i 's/title: "Ensimmäinen"/title: "Ensimmäinen, muutettu"/' "$R/content/roadmap/2021-06/htt.yaml"
commit "Tiekartta: otsikko"
rebuild "a roadmap edit"
check "the roadmap's page is rewritten" changed tiekartta/2021-06/index.html
check "the subtask's page is rewritten" changed tiekartta/2021-06/htt-a-1-1/index.html

# A free page: content outside the records, which every page's footer
# counts (the commit where its content last changed).
printf '\nLisätty kappale.\n' >>"$R/content/pages/tietoa.md"
commit "Tietoa: kappale"
rebuild "a free page's body"
check "its page is rewritten" changed sivut/tietoa/index.html
check "a region's page names the new commit" grep -q "<code title=\"$(git -C "$R" rev-parse HEAD)\">" "$W/site/alueet/alpha/index.html"

# The theme is an input of every page: a template and a string.
sed -i 's|<main id="sisalto"|<main data-x="1" id="sisalto"|' "$W/theme/templates/layout.mustache"
rebuild "a template edit"
check "every page rendered" [ "$(rendered)" = "$(pages)" ]
sed -i 's/^  link: Julkaisun tiedot/  link: Julkaisusta/' "$W/theme/strings/fi.yaml"
rebuild "an interface string"
check "the Finnish pages are rewritten" changed alueet/alpha/index.html
check "the Swedish pages are kept" kept sv/alueet/alpha/index.html

# The site as the previous build left it, or not.
echo "käsin muokattu" >>"$W/site/alueet/alpha/index.html"
rm "$W/site/tilannekuva/2021-10/index.html"
rebuild "a page edited and one deleted by hand"
check "both are rendered again" [ "$(rendered)" = 2 ]
cp "$W/site.tiekartta-pages" "$W/list.now"
printf 'tiekartta-pages 1\nnonsense\n0123 x y z\n' >"$W/site.tiekartta-pages"
rebuild "a broken list of keys"
check "every page rendered" [ "$(rendered)" = "$(pages)" ]
# Three lines damaged: a key one short, no path, a letter in the inode.
# Only their pages are rendered.
awk 'NR > 1 && /index\.html$/ && n < 3 { n++
	if (n == 1) $1 = substr($1, 2); else if (n == 2) $0 = $1 " " $2 " " $3 " " $4; else $3 = "x" $3 }
	{ print }' "$W/site.tiekartta-pages" >"$W/list.damaged"
check "the damaged list differs in three lines" \
	[ "$(diff "$W/site.tiekartta-pages" "$W/list.damaged" | grep -c '^>')" = 3 ]
cp "$W/list.damaged" "$W/site.tiekartta-pages"
rebuild "three damaged lines in the list of keys"
check "their three pages rendered" [ "$(rendered)" = 3 ]

# A list left by an older build (as after a crash between the swap and the
# list): the pages it describes no longer carry its stamps.
cp "$W/site.tiekartta-pages" "$W/list.old"
sed -i '0,/fi: /s/fi: /fi: Uusi /' "$R/content/site.yaml"
commit "Sivuston nimi"
cp "$W/site.tiekartta-pages" "$W/list.before"
TK_PAGECACHE=off $TK build -q --repo "$R" --theme "$W/theme" --out "$W/site"
cp "$W/list.before" "$W/site.tiekartta-pages"
git -C "$R" reset -q --hard HEAD~1
rebuild "a stale list of keys"

# Two roadmap versions. A record moved to the new one changes the pages of
# both (it left the old one); a later edit of it, only the new one's.
cp -r "$R/content/roadmap/2021-06" "$R/content/roadmap/2022-08"
sed -i -e 's/^id: 2021-06/id: 2022-08/' -e 's/^date: 2021-06-30/date: 2022-08-30/' \
	-e 's/30\.6\.2021/30.8.2022/' "$R/content/roadmap/2022-08/version.yaml"
commit "Tiekartta 30.8.2022"
rebuild "a second roadmap version"
sed -i 's/^roadmap: 2021-06/roadmap: 2022-08/' "$R/content/status/alpha/2021-11.yaml"
commit "Alfa: marraskuu uuteen tiekarttaan"
moved=$(git -C "$R" rev-parse HEAD)
rebuild "a record moved to the new version"
check "the old version's subtask page changes: the record left it" changed tiekartta/2021-06/htt-a-1-1/index.html
check "and names the commit that moved it" grep -q "<code title=\"$moved\">" "$W/site/tiekartta/2021-06/htt-a-1-1/index.html"
check "the new version's subtask page changes" changed tiekartta/2022-08/htt-a-1-1/index.html
sed -i 's/Odottaa päätöstä\./Odottaa yhä päätöstä./' "$R/content/status/alpha/2021-11.yaml"
commit "Alfa: huomio"
rebuild "a record of the new version edited"
check "the new version's subtask page shows the edit" changed tiekartta/2022-08/htt-a-1-1/index.html
check "and names its commit" grep -q "<code title=\"$(git -C "$R" rev-parse HEAD)\">" "$W/site/tiekartta/2022-08/htt-a-1-1/index.html"
check "the old version's subtask page is kept" kept tiekartta/2021-06/htt-a-1-1/index.html
check "and still names the commit that moved the record" grep -q "<code title=\"$moved\">" "$W/site/tiekartta/2021-06/htt-a-1-1/index.html"
# A correction reaches the pages of the subtasks it changed, no others: the
# edit was htt-a-1-1's note, so htt-a-1-2's page, whose rows are as they
# were, is neither rendered nor rewritten and names the move.
check "another subtask's page of the new version is kept" kept tiekartta/2022-08/htt-a-1-2/index.html
check "and names the commit that moved the record" grep -q "<code title=\"$moved\">" "$W/site/tiekartta/2022-08/htt-a-1-2/index.html"
check "in Swedish too" grep -q "<code title=\"$moved\">" "$W/site/sv/tiekartta/2022-08/htt-a-1-2/index.html"
# The next correction, a state alone, renders no more pages than this one.
sub_rendered=$(rendered)
check "only htt-a-1-1's subtask pages among the version's are rewritten" \
	[ "$(grep -c '^\(sv/\)\?tiekartta/2022-08/htt-' "$W/changed")" = 2 ]
# A state corrected, its note left: again only that subtask's pages.
sed -i 's/^  htt-a-1-2: valmis$/  htt-a-1-2: käynnissä/' "$R/content/status/alpha/2021-11.yaml"
commit "Alfa: tila korjattu"
rebuild "a state corrected in the new version"
check "its subtask's pages are rewritten" changed tiekartta/2022-08/htt-a-1-2/index.html
check "and name the correction" grep -q "<code title=\"$(git -C "$R" rev-parse HEAD)\">" "$W/site/sv/tiekartta/2022-08/htt-a-1-2/index.html"
check "the corrected note's subtask page is kept" kept tiekartta/2022-08/htt-a-1-1/index.html
check "and names the note's commit" grep -q "<code title=\"$(git -C "$R" rev-parse HEAD~1)\">" "$W/site/tiekartta/2022-08/htt-a-1-1/index.html"
check "a subtask alpha does not report on is kept, naming the move" \
	grep -q "<code title=\"$moved\">" "$W/site/tiekartta/2022-08/htt-a-1-3/index.html"
check "no more pages rendered than for the note" [ "$(rendered)" -le "$sub_rendered" ]
check "only htt-a-1-2's subtask pages among the version's are rewritten" \
	[ "$(grep -c '^\(sv/\)\?tiekartta/2022-08/htt-' "$W/changed")" = 2 ]

# The spare: after a swap the old site stays beside the new one, and the
# next build stages in it, changing only what differs (generator/output.h).
# Whatever the spare holds, the site must come out as from nothing.
S=$W/site.tiekartta-spare
check "the spare is beside the site, not in it" \
	sh -c "test -d '$S' && ! ls -A '$W/site' | grep -q tiekartta-spare"
check "the spare shares the unchanged files with the site" \
	[ "$(stat -c %i "$S/sivut/tietoa/index.html")" = "$(stat -c %i "$W/site/sivut/tietoa/index.html")" ]
mkdir -p "$W/elsewhere" "$S/vanha/kansio"
echo stray >"$S/vanha/kansio/index.html"
echo stray >"$S/stray.html"
ln -s /etc/passwd "$S/link.html"
# A folder the site needs, replaced by a link out of the spare and by a
# file; a kept file replaced by other bytes.
rm -rf "$S/ryhmat" "$S/saavutettavuus"
ln -s "$W/elsewhere" "$S/ryhmat"
echo file >"$S/saavutettavuus"
rm "$S/index.html"
echo other >"$S/index.html"
rebuild "a spare with stray files, links and a file where a folder goes"
check "spare: no page rendered" [ "$(rendered)" = 0 ]
check "spare: no file of the site rewritten" [ ! -s "$W/changed" ]
check "spare: nothing written through the link" [ -z "$(ls -A "$W/elsewhere")" ]
check "spare: /etc/passwd is untouched" grep -q '^root:' /etc/passwd
# A page gone from the content: the spare (the site before) still has it.
git -C "$R" rm -q content/pages/tietoa.md
commit "Tietoa-sivu pois"
rebuild "a free page removed"
check "the removed page is gone from the site" [ ! -e "$W/site/sivut/tietoa/index.html" ]
rebuild "and again, staged in the spare that had it"
check "the removed page stays gone" [ ! -e "$W/site/sivut/tietoa/index.html" ]
check "and its folder too" [ ! -e "$W/site/sivut/tietoa" ]
# A link in place of the spare is not followed, and not written through.
rm -rf "$S"
ln -s "$W/elsewhere" "$S"
rebuild "a symbolic link as the spare"
check "the link's target stays empty" [ -z "$(ls -A "$W/elsewhere")" ]
rm -f "$S"

# A site restored from a CI cache: new inodes, and mtimes to the second (GNU
# tar's format, as actions/cache keeps them). Only TK_CHECKSTAT=minimal
# keeps its pages; a page of another size is rendered all the same.
tar -C "$W" -cf "$W/cache.tar" --format=gnu site site.tiekartta-pages
restore() { rm -rf "$W/site" "$S" && tar -C "$W" -xf "$W/cache.tar"; }
restore
rebuild "a site restored from a cache"
check "restored: every page is rendered (new inodes)" [ "$(rendered)" = "$(pages)" ]
restore
echo "<!-- toinen koko -->" >>"$W/site/alueet/alpha/index.html"
export TK_CHECKSTAT=minimal
rebuild "restored, with TK_CHECKSTAT=minimal"
unset TK_CHECKSTAT
check "minimal: only the page of another size is rendered" [ "$(rendered)" = 1 ]
check "minimal: and it is as built" diff "$W/site/alueet/alpha/index.html" "$W/fresh/alueet/alpha/index.html"
# The new list describes the files as they are (a kept file's stamp is
# taken from the file linked, not from the list before, whose inodes were
# the cache's).
check "minimal: the new list gives every file's size, inode and time" python3 -c '
import os, sys
for line in open(sys.argv[1] + ".tiekartta-pages").read().splitlines()[1:]:
    key, size, ino, mtime, path = line.split(" ", 4)
    st = os.lstat(sys.argv[1] + "/" + path)
    if (int(size), int(ino), int(mtime)) != (st.st_size, st.st_ino, st.st_mtime_ns):
        sys.exit("stale: " + path)
' "$W/site"

# Snapshots: each commit's site, rendered page by page only where it
# changed from the snapshot before; the same bytes as with every page
# rendered. A history of records only, as regions send them.
R=$W/snaprepo
mkdir -p "$R"
cp -r "$top/tests/fixtures/small" "$R/content"
rm "$R/content/status/alpha/2021-11.yaml"
git -C "$R" init -q -b main
days=0
commit "Lokakuu"
cp "$top/tests/fixtures/small/status/alpha/2021-11.yaml" "$R/content/status/alpha/"
commit "Alpha: marraskuu"
sed -e 's/^region: alpha/region: beta/' "$R/content/status/alpha/2021-11.yaml" >"$R/content/status/beta/2021-11.yaml"
commit "Beta: marraskuu"
sed -i 's/^  htt-a-1-2: .*/  htt-a-1-2: käynnissä/' "$R/content/status/beta/2021-11.yaml"
commit "Beta: korjaus"
if TK_PAGECACHE=verify $TK build -q --repo "$R" --theme "$W/theme" --out "$W/snap" --snapshots all >"$W/out" 2>"$W/err"; then
	ok "snapshots: every page kept in memory verified"
else
	bad "snapshots: every page kept in memory verified" "$(head -n 5 "$W/err")"
fi
TK_PAGECACHE=off $TK build -q --repo "$R" --theme "$W/theme" --out "$W/snapoff" --snapshots all 2>>"$W/err"
check "snapshots: the same bytes as with every page rendered" diff -r "$W/snap" "$W/snapoff"
TK_JOBS=1 $TK build --repo "$R" --theme "$W/theme" --out "$W/snap2" --snapshots all >"$W/out" 2>>"$W/err"
snaps=$(ls "$W/snap2/versiot" | grep -c '^[0-9a-f]')
check "snapshots: 4 of them" [ "$snaps" = 4 ]
# Worked out by hand: the site, the first snapshot and the second (a new
# month: every page's navigation changes) render every page; the third and
# the fourth (a record of an existing month) keep the four pages that show
# no November record: the free page, the roadmap list, the roadmap and the
# October page. Both keep alpha's page too: beta's November is a copy of
# alpha's, so November's national medians (50 %) stay as they were; the
# fourth edits it to 1.1 late and 1.2 under way, still 50 % (median_commit
# reads the version before the edit and counts it). The fourth, a
# correction of htt-a-1-2 alone, also keeps the pages of the other 3
# subtasks, whose rows are as they were: 5 + 8.
check "snapshots: $(rendered) of $(pages) pages rendered: all but 5 + 8" [ "$(rendered)" = "$(( $(pages) - 13 ))" ]
# Two processes build a half each (2 + 2): the third snapshot begins the
# second half, so it is rendered whole; only the fourth keeps its 8 pages.
TK_JOBS=2 $TK build --repo "$R" --theme "$W/theme" --out "$W/snap3" --snapshots all >"$W/out" 2>>"$W/err"
check "snapshots in two processes: the same bytes" diff -r "$W/snap2" "$W/snap3"
check "snapshots in two processes: the same keys" \
	[ "$(cut -d' ' -f1,5 "$W/snap2.tiekartta-pages")" = "$(cut -d' ' -f1,5 "$W/snap3.tiekartta-pages")" ]
check "snapshots in two processes: all but 8 pages rendered" [ "$(rendered)" = "$(( $(pages) - 8 ))" ]
# A snapshot's page names the commit where what it shows last changed, as
# the site's pages do, worked out by hand from the 4 commits (1.-4.12.): an
# organisation's page changes with its own records and its month's national
# medians: beta's with its correction (the fourth commit), alpha's with its
# November (the second: beta's copy and its correction leave the medians at
# 50 %); the free page with the months only (the second commit brought
# November).
short=$(git -C "$R" rev-parse --short=12 HEAD)
sec=$(git -C "$R" rev-parse --short=12 HEAD~2)
first=$(git -C "$R" rev-parse --short=12 HEAD~3)
check "snapshots: a banner names the commit where the page last changed" \
	grep -q "Sivun tiedot ovat versiosta 4.12.2021 (<code title=\"$(git -C "$R" rev-parse HEAD)\">$short</code>)" "$W/snap2/versiot/$short/alueet/beta/index.html"
check "snapshots: alpha's, the second commit: the edit left the medians" \
	grep -q "Sivun tiedot ovat versiosta 2.12.2021 (<code title=\"$(git -C "$R" rev-parse HEAD~2)\">$sec</code>)" "$W/snap2/versiot/$short/alueet/alpha/index.html"
check "snapshots: the free page, in the last snapshot, names the second commit" \
	grep -q "versiosta 2.12.2021 (<code title=\"$(git -C "$R" rev-parse HEAD~2)\">$sec</code>)" "$W/snap2/versiot/$short/sivut/tietoa/index.html"
check "snapshots: in the first, the first" \
	grep -q "versiosta 1.12.2021 (<code title=\"$(git -C "$R" rev-parse HEAD~3)\">$first</code>)" "$W/snap2/versiot/$first/sivut/tietoa/index.html"
check "snapshots: no page names its snapshot's commit otherwise" \
	sh -c "! grep -l 'title=\"$(git -C "$R" rev-parse HEAD)\"' '$W/snap2/versiot/$short/sivut/tietoa/index.html'"
check "snapshots: the footer does not say it again" \
	sh -c "! grep -q 'Koottu versiosta' '$W/snap2/versiot/$short/sivut/tietoa/index.html'"
# The same page in consecutive snapshots is one file, linked: the free
# page of the last 3 snapshots, and not the first's.
ino() { stat -c %i "$W/$1/versiot/$2/sivut/tietoa/index.html"; }
third=$(git -C "$R" rev-parse --short=12 HEAD~1)
check "snapshots: a page the same in consecutive snapshots is one file" \
	[ "$(ino snap2 "$sec")" = "$(ino snap2 "$short")" ]
check "snapshots: and another where it changed" [ "$(ino snap2 "$first")" != "$(ino snap2 "$sec")" ]
# In two processes each half links within itself: the third snapshot
# begins the second half, so its page is a file of its own.
check "snapshots in two processes: linked within the second half" \
	[ "$(ino snap3 "$third")" = "$(ino snap3 "$short")" ]
check "snapshots in two processes: not across the halves" \
	[ "$(ino snap3 "$sec")" != "$(ino snap3 "$third")" ]
check "snapshots in two processes: the same number of files" \
	[ "$(find "$W/snap2" -type f | wc -l)" = "$(find "$W/snap3" -type f | wc -l)" ]
check "snapshots: links stay inside the snapshot without naming it" \
	sh -c "! grep -l 'versiot/$short' '$W/snap2/versiot/$short/alueet/alpha/index.html'"

# Between builds, a snapshot is kept whole while its key (the program, the
# theme and its commit) is the same: neither read nor rendered.
inodes "$W/snap2" >"$W/before"
$TK build --repo "$R" --theme "$W/theme" --out "$W/snap2" --snapshots all >"$W/out" 2>>"$W/err"
check "snapshots again: no page rendered" [ "$(rendered)" = 0 ]
inodes "$W/snap2" >"$W/after"
check "snapshots again: no file rewritten" cmp -s "$W/before" "$W/after"
sed -i 's/^  htt-a-1-1: .*/  htt-a-1-1: valmis/' "$R/content/status/beta/2021-11.yaml"
commit "Beta: toinen korjaus"
new=$(git -C "$R" rev-parse --short=12 HEAD)
$TK build --repo "$R" --theme "$W/theme" --out "$W/snap2" --snapshots all >"$W/out" 2>>"$W/err"
inodes "$W/snap2" >"$W/after"
check "a new commit: the 4 earlier snapshots keep every file" \
	sh -c "! comm -13 '$W/before' '$W/after' | grep '^versiot/[0-9a-f]*/' | grep -v '^versiot/$new/'"
check "a new commit: its snapshot is made" [ -f "$W/snap2/versiot/$new/index.html" ]
rm -rf "$W/snapoff" "$W/snapoff.tiekartta-pages"
TK_PAGECACHE=off $TK build -q --repo "$R" --theme "$W/theme" --out "$W/snapoff" --snapshots all 2>>"$W/err"
check "a new commit: the same bytes as from nothing" diff -r "$W/snap2" "$W/snapoff"
# Worked out by hand: the site has 18 pages per language, and a snapshot
# (Finnish only, no build page) 16, or 15 for the first (no November).
# The correction of an existing record changes, per language, the
# overview, the 2 groups, the 2 regions, November, the themes, the one
# subtask it corrected (htt-a-1-1), the build page and the list of
# versions: 2 x 10. The new snapshot renders its 16 in full: the one
# before it was kept from disk, so none is in memory.
check "a new commit: $(rendered) pages rendered, 2 x 10 + 16" [ "$(rendered)" = 36 ]
check "a new commit: of 2 x 18 + 15 + 4 x 16" [ "$(pages)" = 115 ]
echo "käsin" >>"$W/snap2/versiot/$first/sivut/tietoa/index.html"
$TK build --repo "$R" --theme "$W/theme" --out "$W/snap2" --snapshots all >"$W/out" 2>>"$W/err"
check "a snapshot's page edited by hand: that snapshot's 15 pages are rendered again" [ "$(rendered)" = 15 ]
check "and the page is as built" diff -r "$W/snap2" "$W/snapoff"
# The free page of the 2nd, 3rd and 4th snapshots is one file: edited by
# hand in one, it is edited in all three, and all three are rendered again
# (the 2nd whole, since the one before it was kept from disk; the other two
# keep 5 and 8 pages from the one before, as above; in one process).
echo "käsin" >>"$W/snap2/versiot/$short/sivut/tietoa/index.html"
TK_JOBS=1 $TK build --repo "$R" --theme "$W/theme" --out "$W/snap2" --snapshots all >"$W/out" 2>>"$W/err"
check "a page 3 snapshots share edited by hand: the 3 are rendered again, 16 + 11 + 8" \
	[ "$(rendered)" = 35 ]
check "and every page is as built" diff -r "$W/snap2" "$W/snapoff"
echo '{{! muutettu }}' >>"$W/theme/templates/layout.mustache"
TK_JOBS=1 $TK build --repo "$R" --theme "$W/theme" --out "$W/snap2" --snapshots all >"$W/out" 2>>"$W/err"
# Every page but those the last 3 snapshots keep in memory from the one
# before (each a record of an existing month: 5, 8 and 7; the fifth commit
# makes beta's HTT 100 %, moving the medians to 75 %, so alpha's page
# changes there, and it corrects htt-a-1-1 alone, so the other 3 subtask
# pages are kept).
check "a template edit: every snapshot is rendered again" [ "$(rendered)" = $((115 - 5 - 8 - 7)) ]

# A commit whose content has errors, in the second process's half: it is
# left out with the same warning, in the same place among the messages.
cp "$R/content/status/beta/2021-11.yaml" "$W/beta-good"
echo "  htt-a-1-1: [" >>"$R/content/status/beta/2021-11.yaml"
commit "Rikki"
cp "$W/beta-good" "$R/content/status/beta/2021-11.yaml"
commit "Korjattu"
TK_JOBS=1 $TK build -q --repo "$R" --theme "$W/theme" --out "$W/snap4" --snapshots all 2>"$W/err1"
TK_JOBS=2 $TK build -q --repo "$R" --theme "$W/theme" --out "$W/snap5" --snapshots all 2>"$W/err2"
check "a broken snapshot in the second half: left out, with a warning" \
	grep -q "snapshot $(git -C "$R" rev-parse --short=12 HEAD~1): its content has errors (above); it is left out" "$W/err2"
check "a broken snapshot in the second half: the same messages as in one process" diff "$W/err1" "$W/err2"
check "a broken snapshot in the second half: the same bytes as in one process" diff -r "$W/snap4" "$W/snap5"

# --snapshots months: the last content commit of each month (UTC). The 5
# commits above are all of December 2021; one more in January.
sed -i 's/^  htt-a-1-2: .*/  htt-a-1-2: valmis/' "$R/content/status/beta/2021-11.yaml"
git -C "$R" add -A
GIT_AUTHOR_DATE=2022-01-10T10:00:00Z GIT_COMMITTER_DATE=2022-01-10T10:00:00Z \
	git -C "$R" commit -q -m "Beta: tammikuun korjaus"
dec=$(git -C "$R" rev-parse --short=12 HEAD~1)
jan=$(git -C "$R" rev-parse --short=12 HEAD)
$TK build -q --repo "$R" --theme "$W/theme" --out "$W/snapm" --snapshots months 2>>"$W/err"
check "snapshots months: December's last commit and January's, nothing else" \
	[ "$(ls "$W/snapm/versiot" | grep -v index.html | tr '\n' ' ')" = "$(printf '%s\n' "$dec" "$jan" | sort | tr '\n' ' ')" ]

# A commit off the mainline has no place in its history: its snapshot's
# pages name the snapshot's own commit and date.
git -C "$R" checkout -q -b sivuhaara HEAD~1
sed -i 's/^  htt-a-1-2: .*/  htt-a-1-2: ei aloitettu/' "$R/content/status/beta/2021-11.yaml"
git -C "$R" add -A
GIT_AUTHOR_DATE=2021-12-20T10:00:00Z GIT_COMMITTER_DATE=2021-12-20T10:00:00Z \
	git -C "$R" commit -q -m "Sivuhaara"
side=$(git -C "$R" rev-parse HEAD)
git -C "$R" checkout -q main
$TK build -q --repo "$R" --theme "$W/theme" --out "$W/snaps" --snapshots "$side" 2>>"$W/err"
check "a snapshot off the mainline names its own commit and date" \
	grep -q "ajalta 20.12.2021 (<code title=\"$side\">$(echo "$side" | cut -c1-12)</code>)" "$W/snaps/versiot/$(echo "$side" | cut -c1-12)/sivut/tietoa/index.html"

# Content from Git is parsed in two processes (generator/parseahead.h):
# the same site, the same parsed-file store, and for broken files the same
# messages in the same order as in one process. Twelve records more, of
# which three in a row do not parse (so the second process has at least
# two of them) and one names a subtask the roadmap lacks.
R=$W/aheadrepo
mkdir -p "$R"
cp -r "$top/tests/fixtures/small" "$R/content"
for m in 01 02 03 04 05 06 07 08 09; do
	sed -e "s/^period: .*/period: 2021-$m/" -e '/^red_flag:/,/^  since:/d' \
		"$R/content/status/alpha/2021-10.yaml" >"$R/content/status/alpha/2021-$m.yaml"
done
for m in 07 08 09; do
	sed -e "s/^period: .*/period: 2021-$m/" -e '/^red_flag:/,/^  since:/d' \
		"$R/content/status/beta/2021-10.yaml" >"$R/content/status/beta/2021-$m.yaml"
done
git -C "$R" init -q -b main
commit "Vuoden raportit"
TK_JOBS=1 $TK build -q --repo "$R" --theme "$W/theme" --out "$W/ahead1" 2>"$W/err1"
TK_JOBS=2 $TK build -q --repo "$R" --theme "$W/theme" --out "$W/ahead2" 2>"$W/err2"
check "parsed in two processes: the same site" diff -r "$W/ahead1" "$W/ahead2"
check "parsed in two processes: the same parsed-file store" \
	cmp "$W/ahead1.tiekartta-parsed" "$W/ahead2.tiekartta-parsed"
for m in 03 04 05; do
	echo "states: [rikki" >>"$R/content/status/alpha/2021-$m.yaml"
done
sed -i 's/^  htt-a-1-1: .*/  htt-x-9-9: valmis/' "$R/content/status/beta/2021-08.yaml"
commit "Rikki"
TK_JOBS=1 $TK build -q --repo "$R" --theme "$W/theme" --out "$W/ahead3" 2>"$W/err1"
r1=$?
TK_JOBS=2 $TK build -q --repo "$R" --theme "$W/theme" --out "$W/ahead4" 2>"$W/err2"
r2=$?
check "broken files parsed in two processes: both builds fail as content errors" \
	[ "$r1" = 1 ] && [ "$r2" = 1 ]
check "broken files: three syntax errors and an unknown subtask" \
	[ "$(grep -c 'YAML syntax' "$W/err2")" = 3 ] && grep -q 'htt-x-9-9' "$W/err2"
check "broken files: the same messages in the same order as in one process" \
	diff "$W/err1" "$W/err2"

# A region's page shows its latest month's national medians of eteneminen
# beside its own, and changes with them, not with every record of another
# region. November, worked out by hand: due by Q4/2021 are HTT 1.1 and 1.2
# (ICT 1.1 is due in 2022); alpha has 1.1 late and 1.2 done, 1 of 2
# progressing: 50 %, in HTT and over all groups. Four regions.
# four_regions: a repository R of the small fixture with two regions more,
# gamma and delta, not yet committed.
four_regions() {
	mkdir -p "$R"
	cp -r "$top/tests/fixtures/small" "$R/content"
	for id in gamma delta; do
		printf '  - id: %s\n    kind: county\n    name: %s\n    municipalities: [%s]\n    owners: [%s@example.fi]\n' \
			"$id" "$id" "$id" "$id" >>"$R/content/regions.yaml"
	done
}
R=$W/medrepo
rm -rf "$W/site" "$W/site".tiekartta-*
four_regions
# With forge links: a page's link to its source file names the page's
# commit, not the build's, or every region page would change every commit.
printf 'forge:\n  file_url: "https://git.example.fi/sisalto/blob/{commit}/{path}"\n' >>"$R/content/site.yaml"
git -C "$R" init -q -b main
days=0
commit "Alku"
c1=$(git -C "$R" rev-parse HEAD)
rebuild "medians: first build"
# links PAGE COMMIT: PAGE's source link is to its record at COMMIT.
links() { grep -q "href=\"https://git.example.fi/sisalto/blob/$2/content/status/" "$W/site/$1"; }
# median ROW VALUE: alpha's comparison row ROW shows VALUE as the median.
median() { grep -q "<tr><th scope=\"row\">$1</th><td>.*</td><td><span class=\"pct [a-z0-9]*\">$2 %<span class=\"band-label\">[^<]*</span></span></td></tr>" "$W/site/alueet/alpha/index.html"; }
names() { grep -q "<code title=\"$2\">" "$W/site/$1"; }
check "medians: alpha alone, 50 % in HTT" median "Hallinto, talous ja tukipalvelut" 50
check "medians: and over all groups" median "Kaikki ryhmät" 50
# Gamma's November: both done, 100 %. The medians of 50 and 100: 75.
mkdir -p "$R/content/status/gamma" "$R/content/status/delta"
printf 'region: gamma\nperiod: 2021-11\nroadmap: 2021-06\nstates:\n  htt-a-1-1: valmis\n  htt-a-1-2: valmis\n' \
	>"$R/content/status/gamma/2021-11.yaml"
commit "Gamma: marraskuu"
c2=$(git -C "$R" rev-parse HEAD)
rebuild "medians: a new record that moves them"
check "medians: alpha's page is rewritten" changed alueet/alpha/index.html
check "medians: and shows 75 %" median "Hallinto, talous ja tukipalvelut" 75
check "medians: over all groups too" median "Kaikki ryhmät" 75
check "medians: and names the new commit" names alueet/alpha/index.html "$c2"
check "medians: beta's page is kept: its month is October" kept alueet/beta/index.html
check "medians: and names the first commit" names alueet/beta/index.html "$c1"
check "medians: and links its source at the first commit" links alueet/beta/index.html "$c1"
check "medians: alpha's links its source at the new commit" links alueet/alpha/index.html "$c2"
# Gamma's 1.2 late after all: 1 of 2, 50 %; the medians of 50 and 50: 50.
sed -i 's/^  htt-a-1-2: .*/  htt-a-1-2: viivästynyt/' "$R/content/status/gamma/2021-11.yaml"
commit "Gamma: korjaus"
c3=$(git -C "$R" rev-parse HEAD)
rebuild "medians: an edit that moves them"
check "medians: alpha's page is rewritten again" changed alueet/alpha/index.html
check "medians: and shows 50 %" median "Hallinto, talous ja tukipalvelut" 50
check "medians: and names the edit" names alueet/alpha/index.html "$c3"
# Delta's November as alpha's: the medians of 50, 50 and 50 stay 50. The
# edit before is where they last moved, which the page keeps naming.
sed -e 's/^region: alpha/region: delta/' "$R/content/status/alpha/2021-11.yaml" >"$R/content/status/delta/2021-11.yaml"
commit "Delta: marraskuu"
c4=$(git -C "$R" rev-parse HEAD)
rebuild "medians: a new record that leaves them"
check "medians: alpha's page is kept" kept alueet/alpha/index.html
check "medians: and still names the edit" names alueet/alpha/index.html "$c3"
check "medians: and links its source there" links alueet/alpha/index.html "$c3"
check "medians: delta's own page is made, naming its commit" names alueet/delta/index.html "$c4"
check "medians: November's page is rewritten" changed tilannekuva/2021-11/index.html
# Delta's 1.2 under way after all: 1 of 2 still, 50 %; the medians stay
# 50. The walk reads the version before the edit and counts it: alpha's
# page is kept and names the same commit (c3).
sed -i 's/^  htt-a-1-2: .*/  htt-a-1-2: käynnissä/' "$R/content/status/delta/2021-11.yaml"
commit "Delta: korjaus"
c5=$(git -C "$R" rev-parse HEAD)
rebuild "medians: an edit that leaves them"
check "medians: alpha's page is kept after the edit" kept alueet/alpha/index.html
check "medians: and names gamma's edit still" names alueet/alpha/index.html "$c3"
check "medians: delta's page is rewritten, naming its edit" names alueet/delta/index.html "$c5"
# Delta's November deleted, then added again: 50 and 50, then 50, 50 and
# 50. Neither moves the medians.
git -C "$R" show HEAD:content/status/delta/2021-11.yaml >"$W/delta-nov"
git -C "$R" rm -q content/status/delta/2021-11.yaml
commit "Delta: poisto"
rebuild "medians: a deletion that leaves them"
check "medians: alpha's page is kept after the deletion" kept alueet/alpha/index.html
check "medians: and names gamma's edit" names alueet/alpha/index.html "$c3"
mkdir -p "$R/content/status/delta"
cp "$W/delta-nov" "$R/content/status/delta/2021-11.yaml"
commit "Delta: marraskuu uudelleen"
rebuild "medians: the record back"
check "medians: alpha's page is kept when it comes back" kept alueet/alpha/index.html
check "medians: delta's November is back in the commit" git -C "$R" cat-file -e HEAD:content/status/delta/2021-11.yaml
# A version that would not load today (an unknown state) cannot be
# counted: the edit that replaced it counts as moving the medians, so
# alpha's page names it (a build at the broken commit fails; none is run).
sed -i 's/^  htt-a-1-2: .*/  htt-a-1-2: kesken/' "$R/content/status/delta/2021-11.yaml"
commit "Delta: rikki"
sed -i 's/^  htt-a-1-2: .*/  htt-a-1-2: käynnissä/' "$R/content/status/delta/2021-11.yaml"
commit "Delta: korjattu"
c6=$(git -C "$R" rev-parse HEAD)
rebuild "medians: after a version that would not load"
check "medians: alpha's page names the edit after it" names alueet/alpha/index.html "$c6"
# Another month of another region: no region's medians.
sed -i 's/^  ict-a-1-1: .*/  ict-a-1-1: valmis/' "$R/content/status/beta/2021-10.yaml"
commit "Beeta: lokakuun korjaus"
rebuild "medians: another region's older month edited"
check "medians: alpha's page is kept" kept alueet/alpha/index.html
check "medians: beta's page is rewritten" changed alueet/beta/index.html
check "medians: gamma's page is kept" kept alueet/gamma/index.html
# Uncommitted edits (--worktree) are in no commit, so only the page's key
# can tell the medians moved. Gamma done, 100 %: the medians of 50, 50 and
# 100 stay 50 (a first build with edits renders every page). Then delta
# done too: the medians of 50, 100 and 100: 100.
sed -i 's/^  htt-a-1-2: .*/  htt-a-1-2: valmis/' "$R/content/status/gamma/2021-11.yaml"
$TK build -q --worktree --repo "$R" --theme "$W/theme" --out "$W/site" 2>"$W/err"
check "medians, uncommitted: still 50 %" median "Hallinto, talous ja tukipalvelut" 50
sed -i -e 's/^  htt-a-1-1: .*/  htt-a-1-1: valmis/' "$R/content/status/delta/2021-11.yaml"
inodes "$W/site" >"$W/before"
TK_PAGECACHE=verify $TK build -q --worktree --repo "$R" --theme "$W/theme" --out "$W/site" 2>"$W/err"
check "medians, uncommitted: builds, every kept page verified" [ $? -eq 0 ]
inodes "$W/site" >"$W/after"
comm -13 "$W/before" "$W/after" | cut -d' ' -f1 >"$W/changed"
check "medians, uncommitted: alpha's page is rewritten" changed alueet/alpha/index.html
check "medians, uncommitted: and shows 100 %" median "Hallinto, talous ja tukipalvelut" 100

# The parsed files grow at their end while what they hold dead (trees no
# longer wanted, old indexes) weighs no more than what they hold live; then
# they are written anew, smaller.
git -C "$R" checkout -q -- content
# From a store written anew: the medians' history above left it part dead.
rm -f "$P"
rebuild "parsed files: the commit again"
pino=$(stat -c %i "$P") appended=0 rewritten=0 i=0
while [ $i -lt 40 ] && [ $rewritten = 0 ]; do
	i=$((i + 1))
	size=$(stat -c %s "$P")
	sed -i "s/^  ict-a-1-1: .*/  ict-a-1-1: {state: valmis, note: \"Muokkaus $i.\"}/" "$R/content/status/beta/2021-10.yaml"
	commit "Beeta: muokkaus $i"
	$TK build -q --repo "$R" --theme "$W/theme" --out "$W/site" 2>>"$W/err"
	if [ "$(stat -c %i "$P")" != "$pino" ]; then
		rewritten=$i small=$(stat -c %s "$P")
	elif [ "$(stat -c %s "$P")" -gt "$size" ]; then
		appended=$((appended + 1))
	fi
done
check "parsed files: added to at their end, each edit ($appended times)" \
	[ "$appended" -ge 2 ] && [ "$appended" = $((i - 1)) ]
check "parsed files: then written anew, smaller ($size bytes before, $small after)" \
	[ "$rewritten" -gt 0 ] && [ "$small" -lt "$size" ]
sed -i "s/Muokkaus [0-9]*\./Muokkaus./" "$R/content/status/beta/2021-10.yaml"
commit "Beeta: muokkaus"
rebuild "parsed files: one more edit, every tree verified"
# A build stopped halfway through adding leaves no footer at the end: the
# next build does not trust the store, parses every file and writes it anew.
ntrees=$(trees "$P") pino=$(stat -c %i "$P")
truncate -s -5 "$P"
rebuild "parsed files: after losing their footer"
check "parsed files: written anew, with every tree ($ntrees)" \
	[ "$(stat -c %i "$P")" != "$pino" ] && [ "$(trees "$P")" = "$ntrees" ]

# Random record changes (fixed seeds; awk's generator): records written,
# rewritten, moved between the two roadmap versions and deleted, for four
# regions over three months. Each rebuild must verify every page and tree
# it keeps and give the bytes of a build from nothing; so must the
# snapshots of the whole history at the end.
R=$W/randrepo
rm -rf "$R" "$W/site" "$W/site".tiekartta-* "$W/rsnap" "$W/rsnap".tiekartta-*
four_regions
cp -r "$R/content/roadmap/2021-06" "$R/content/roadmap/2022-08"
sed -i -e 's/^id: 2021-06/id: 2022-08/' -e 's/^date: 2021-06-30/date: 2022-08-30/' \
	-e 's/30\.6\.2021/30.8.2022/' "$R/content/roadmap/2022-08/version.yaml"
printf 'forge:\n  file_url: "https://git.example.fi/sisalto/blob/{commit}/{path}"\n' >>"$R/content/site.yaml"
git -C "$R" init -q -b main
days=0
commit "Alku"
for seed in 1 2; do
	steps=0 wrong=
	awk -v s="$seed" 'BEGIN { srand(s); for (i = 0; i < 12; i++)
		print int(rand() * 4), int(rand() * 3), int(rand() * 5), int(rand() * 5), int(rand() * 2), int(rand() * 10) }' >"$W/ops"
	while read -r r m s1 s2 ver op; do
		reg=$(echo alpha beta gamma delta | cut -d' ' -f$((r + 1)))
		f=$R/content/status/$reg/2021-$(echo 09 10 11 | cut -d' ' -f$((m + 1))).yaml
		if [ "$op" -lt 2 ] && [ -f "$f" ]; then
			git -C "$R" rm -q "$f"
		else
			mkdir -p "${f%/*}"
			printf 'region: %s\nperiod: %s\nroadmap: %s\nstates:\n  htt-a-1-1: %s\n  htt-a-1-2: {state: %s, note: "Askel %s."}\n' \
				"$reg" "$(basename "$f" .yaml)" "$(echo 2021-06 2022-08 | cut -d' ' -f$((ver + 1)))" \
				"$(echo valmis käynnissä viivästynyt ei_aloitettu valmistuu_aikataulussa | cut -d' ' -f$((s1 + 1)) | tr _ ' ')" \
				"$(echo valmis käynnissä viivästynyt ei_aloitettu valmistuu_aikataulussa | cut -d' ' -f$((s2 + 1)) | tr _ ' ')" \
				"$steps" >"$f"
		fi
		commit "Satunnainen $seed.$steps"
		steps=$((steps + 1))
		# The first problem is enough.
		TK_PAGECACHE=verify $TK build -q --repo "$R" --theme "$W/theme" --out "$W/site" 2>"$W/err" ||
			wrong=${wrong:-"step $steps: $(head -n 1 "$W/err")"}
		rm -rf "$W/fresh" "$W/fresh".tiekartta-*
		TK_PAGECACHE=off $TK build -q --repo "$R" --theme "$W/theme" --out "$W/fresh" 2>>"$W/err"
		diff -rq "$W/site" "$W/fresh" >/dev/null || wrong=${wrong:-"step $steps: not as from nothing"}
	done <"$W/ops"
	check "random records, seed $seed: $steps commits, each rebuild verified and as from nothing" [ -z "$wrong" ]
done
TK_PAGECACHE=verify $TK build -q --repo "$R" --theme "$W/theme" --out "$W/rsnap" --snapshots all 2>"$W/err"
check "random records: the snapshots of all $(git -C "$R" rev-list --count HEAD) commits verified" [ $? -eq 0 ]
rm -rf "$W/fresh" "$W/fresh".tiekartta-*
TK_PAGECACHE=off $TK build -q --repo "$R" --theme "$W/theme" --out "$W/fresh" --snapshots all 2>>"$W/err"
check "random records: the snapshots as from nothing" diff -r "$W/rsnap" "$W/fresh"

finish
