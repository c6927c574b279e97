#!/bin/sh
# test_diff_cli.sh: `tiekartta diff` on the bundled content, in a Git
# repository made from a copy of content/. What it must find is what the
# transcriber lists in content/roadmap/NOTES.md §8. TK names the command
# (maybe under valgrind).
top=$(pwd)
: "${TK:=$top/output/bin/tiekartta}"
W=$(mktemp -d /tmp/tk-diff-cli-XXXXXX)
trap 'rm -rf "$W"' EXIT
. "$top/tests/lib.sh"

count() { c=$(grep -c -- "$2" "$1"); [ "$c" -eq "$3" ] || { echo "  $c lines match '$2', want $3"; return 1; }; }

export GIT_AUTHOR_NAME=Test GIT_AUTHOR_EMAIL=test@example.fi
export GIT_COMMITTER_NAME=Test GIT_COMMITTER_EMAIL=test@example.fi
export GIT_CONFIG_NOSYSTEM=1 HOME=$W
commit() {
	GIT_AUTHOR_DATE="$2" GIT_COMMITTER_DATE="$2" git -C "$1" commit -q -am "$3"
}
newrepo() {
	mkdir -p "$1"
	cp -r "$top/content" "$1/content"
	git -C "$1" init -q -b main
	git -C "$1" add -A
	commit "$1" "2023-01-05T10:00:00Z" "Sisältö"
}

R=$W/repo
newrepo "$R"

# --help and usage errors.
expect_exit "diff --help exits 0" 0 tk diff --help
check "--help names the formats" has "$W/out" "--format F      text (default), json or markdown"
check "--help gives the threshold" has "$W/out" "2*LCS/(m+n) >= 0.6"
expect_exit "no arguments is a usage error" 2 tk diff --repo "$R"
check "… saying what to give" has "$W/err" "tiekartta: give two roadmap versions or two revisions"
expect_exit "an unknown format is a usage error" 2 tk diff 2021-06 2022-08 --format yaml --repo "$R"
check "… naming the formats" has "$W/err" "tiekartta: unknown format 'yaml'; use text, json or markdown"
expect_exit "an unknown option is a usage error" 2 tk diff 2021-06 2022-08 --bogus --repo "$R"
expect_exit "a version and a non-version is a usage error" 2 tk diff 2021-06 2099-01 --repo "$R"
check "… listing the versions" has "$W/err" "'2021-06' is a roadmap version but '2099-01' is not (versions: 2021-06, 2022-08)"
expect_exit "an unknown name is a usage error" 2 tk diff nosuch 2022-08x --repo "$R"
check "… neither version nor revision" has "$W/err" "'nosuch' is neither a roadmap version at HEAD nor a Git revision"

# The two published versions.
expect_exit "2021-06 → 2022-08 differs: exit 1" 1 tk diff 2021-06 2022-08 --repo "$R"
cp "$W/out" "$W/diff.txt"
D=$W/diff.txt
check "summary: HTT" has "$D" "  HTT            2 added, 1 reworded, 7 carried"
check "summary: J&O" has "$D" "  J&O            5 carried"
check "summary: Järjestäminen" has "$D" "  Järjestäminen  1 added, 7 carried"
check "summary: Yhdyspinnat" has "$D" "  Yhdyspinnat    5 added, 11 renumbered, 1 reworded, 2 carried"
check "summary: ICT" has "$D" "  ICT            4 reworded, 4 carried"
check "summary: nothing else changed" has "$D" "  total          8 added, 11 renumbered, 6 reworded, 25 carried"
check "summary: intro" has "$D" "  intro          changed"
# Inserted items (the -n ids) and the new entity.
for id in htt-h-2-5-n htt-h-2-6-n yhdyspinnat-b-3-2-n yhdyspinnat-b-3-5-n \
    yhdyspinnat-c-1-3-n yhdyspinnat-c-2-1-n yhdyspinnat-d-1-1-n; do
	check "added $id" grep -q "^  added  subtask $id  " "$D"
done
check "added entity jarjestaminen-h" has "$D" "  added  entity jarjestaminen-h  H  Uudenmaan erillisratkaisu"
# Renumberings in Yhdyspinnat B, C, D.
while read -r id from to; do
	check "renumbered $id $from → $to" has "$D" "  renumbered  subtask $id  $from → $to  "
done <<EOF
yhdyspinnat-b-3-2 3.2 3.3
yhdyspinnat-b-3-3 3.3 3.4
yhdyspinnat-b-3-4 3.4 3.6
yhdyspinnat-c-1-3 1.3 1.4
yhdyspinnat-c-1-4 1.4 1.5
yhdyspinnat-c-1-5 1.5 1.6
yhdyspinnat-c-2-1 2.1 2.2
yhdyspinnat-c-2-2 2.2 2.3
yhdyspinnat-c-2-3 2.3 2.4
yhdyspinnat-d-1-1 1.1 1.2
yhdyspinnat-d-1-2 1.2 1.3
EOF
check "renumbered: eleven in all" count "$D" "^  renumbered  subtask" 11
# Rewordings, word by word.
check "reworded htt-h-2-2" has "$D" "  reworded  subtask htt-h-2-2  2.2  Turvallisuusverkkotiimin [-rakentamien-] {+rakentamisen+} ja toteutuksen valmistelu"
check "reworded ict-c-2-2" has "$D" "  reworded  subtask ict-c-2-2  2.2  Pelastustoimen kansalliset yhteiset palvelut [-/ tulevat kansalliset palvelut-] {+yhteensovittaminen HVA:n palveluiden kanssa+}"
check "reworded ict-c-4-2" has "$D" "  reworded  subtask ict-c-4-2  4.2  [-Osastojärjestelmien-] {+Erikoisalakohostaisten järjestelmien+} mahdolliset muutokset"
check "reworded yhdyspinnat-b-2-1 (a sentence in front)" has "$D" "  reworded  subtask yhdyspinnat-b-2-1  2.1  {+Sovitaan hyvinvointikertomuksen ja -suunnitelman toteuttamisen vastuista, toimeenpanon tiedonkeruun toteuttamisesta, tavoitteiden seurannasta ja dokumentin julkaisusta.+} Määritellään"
check "reworded yhdyspinnat-b-2-1 (a hyphen joined)" has "$D" "ja [--suunnitelma -asiakirjan-] {+-suunnitelma-asiakirjan+} laatimiseen"
check "reworded ict-c-5-2 (spacing)" has "$D" "logistiikka [-jne.. )-] {+jne..)+} järjestelmien"
check "reworded ict-c-5-3 (spacing)" has "$D" "tukipalvelujen [-siirto/ hankinta-] {+siirto/hankinta+} tai"
# Carried sections are carried, not unchanged and not removed.
check "carried: 25 entities" count "$D" "^  carried  entity " 25
check "carried with the reason" has "$D" "  carried  entity htt-a  A  Hallinnon rakenteet, toiminnan järjestäminen ja demokratia
      carried from 2021-06: 8/2022-asiakirjan tekstistä puuttuu tämä osio"
check "nothing removed" lacks "$D" "  removed  "
check "nothing moved" lacks "$D" "  moved  "
check "no inferred match when ids are kept" lacks "$D" "(inferred"
check "the intro diffed" has "$D" "  +   - Syksyllä 2021 tiekarttaa tarkennettiin osatehtävien kriittisyyksien sekä aikataulujen osalta"

# Other formats.
expect_exit "--format json" 1 tk diff 2021-06 2022-08 --format json --repo "$R"
check "json parses" python3 -m json.tool "$W/out" "$W/parsed.json"
check "json has the counts" python3 -c "
import json, sys
d = json.load(open('$W/out'))
t = d['summary']['total']
sys.exit(0 if (t['added'], t['renumbered'], t['reworded'], t['carried'], t['removed']) == (8, 11, 6, 25, 0) else 1)"
expect_exit "--format markdown" 1 tk diff 2021-06 2022-08 --format markdown --repo "$R"
check "markdown heading" has "$W/out" "# Roadmap diff 2021-06 → 2022-08"
check "markdown words" has "$W/out" "Turvallisuusverkkotiimin ~~rakentamien~~ **rakentamisen** ja"
expect_exit "a version against itself: exit 0" 0 tk diff 2022-08 2022-08 --repo "$R"
check "… no changes" has "$W/out" "No changes."
tk diff 2021-06 2022-08 --repo "$R" > "$W/again.txt" 2>/dev/null
check "the same diff twice is byte-identical" cmp -s "$D" "$W/again.txt"

# Stable ids of Yhdyspinnat B, C and D in 2022-08 replaced by fresh ones
# (tuore-1, …), in the roadmap and in the records that report against it.
F=$W/fresh
newrepo "$F"
Y=$F/content/roadmap/2022-08/yhdyspinnat.yaml
grep -o 'id: yhdyspinnat-[bcd][a-z0-9-]*$' "$Y" |
	awk '{ n++; print "s/id: " $2 "$/id: tuore-" n "/; s/^  " $2 ":/  tuore-" n ":/" }' > "$W/map.sed"
sed -i -f "$W/map.sed" "$Y"
for f in $(grep -l '^roadmap: "*2022-08' "$F"/content/status/*/*.yaml); do
	sed -i -f "$W/map.sed" "$f"
done
commit "$F" "2023-01-06T10:00:00Z" "Uudet tunnisteet"
check "the copy has no Yhdyspinnat B-D id left" lacks "$Y" "yhdyspinnat-b"
expect_exit "fresh ids: still differs" 1 tk diff 2021-06 2022-08 --repo "$F"
cp "$W/out" "$W/fresh.txt"
check "fresh ids: same counts, matches inferred" has "$W/fresh.txt" "  Yhdyspinnat    5 added, 11 renumbered, 1 reworded, 2 carried, 44 inferred"
while read -r id from to; do
	check "fresh ids: $id renumbered, inferred" grep -q "^  renumbered (inferred, similarity 1.00)  subtask $id → tuore-[0-9]*  $from → $to  " "$W/fresh.txt"
done <<EOF
yhdyspinnat-b-3-2 3.2 3.3
yhdyspinnat-b-3-3 3.3 3.4
yhdyspinnat-b-3-4 3.4 3.6
yhdyspinnat-c-1-3 1.3 1.4
yhdyspinnat-c-1-4 1.4 1.5
yhdyspinnat-c-1-5 1.5 1.6
yhdyspinnat-c-2-1 2.1 2.2
yhdyspinnat-c-2-2 2.2 2.3
yhdyspinnat-c-2-3 2.3 2.4
yhdyspinnat-d-1-1 1.1 1.2
yhdyspinnat-d-1-2 1.2 1.3
EOF
check "fresh ids: the rewording found, inferred" grep -q "^  reworded (inferred, similarity 0.63)  subtask yhdyspinnat-b-2-1 → tuore-" "$W/fresh.txt"
check "fresh ids: inserted items still added" count "$W/fresh.txt" "^  added  subtask tuore-" 5
check "fresh ids: nothing removed" lacks "$W/fresh.txt" "  removed  "

# Every id of 2022-08 replaced (status records left out, they would need
# the same renaming): still the same changes, nothing removed.
A=$W/allfresh
mkdir -p "$A"
cp -r "$top/content" "$A/content"
rm -rf "$A/content/status"
for f in "$A"/content/roadmap/2022-08/*.yaml; do
	g=$(basename "$f" .yaml)
	[ "$g" = version ] && continue
	awk -v p="$g" '{ if (match($0, /id: [a-z0-9][a-z0-9-]*/)) $0 = substr($0, 1, RSTART - 1) "id: " p "-x" (++n) substr($0, RSTART + RLENGTH); print }' "$f" > "$f.new" && mv "$f.new" "$f"
done
git -C "$A" init -q -b main && git -C "$A" add -A && commit "$A" "2023-01-05T10:00:00Z" "Ei tunnisteita"
expect_exit "all ids fresh: still differs" 1 tk diff 2021-06 2022-08 --repo "$A"
check "all ids fresh: the same totals" has "$W/out" "  total          8 added, 11 renumbered, 6 reworded, 25 carried, 714 inferred"
check "all ids fresh: ict-c-2-2 kept its place" grep -q "^  reworded (inferred, similarity 0.50)  subtask ict-c-2-2 → ict-x[0-9]*  2.2  " "$W/out"

# Two revisions: versions compared and status records too.
sed -i 's/^  htt-a-2-3: käynnissä$/  htt-a-2-3: valmis/' "$R/content/status/helsinki/2022-05.yaml"
commit "$R" "2023-01-07T10:00:00Z" "Helsinki 5/2022"
expect_exit "two revisions differ" 1 tk diff HEAD~1 HEAD --repo "$R"
check "revisions: versions unchanged" has "$W/out" "Roadmap diff 2022-08 → 2022-08"
check "revisions: which records" has "$W/out" "Status records: 1 changed, 0 added, 0 removed"
check "revisions: which organisation" has "$W/out" "  organisations: helsinki"
check "revisions: which month" has "$W/out" "  months: 2022-05"
check "revisions: which subtask's state" has "$W/out" "      htt-a-2-3: käynnissä → valmis"
expect_exit "revisions: json parses" 1 tk diff HEAD~1 HEAD --format json --repo "$R"
check "revisions json" python3 -m json.tool "$W/out" "$W/parsed.json"
expect_exit "the same revision twice: exit 0" 0 tk diff HEAD HEAD --repo "$R"
expect_exit "--rev picks where versions are read" 1 tk diff 2021-06 2022-08 --rev HEAD~1 --repo "$R"
expect_exit "--rev with revision names is a usage error" 2 tk diff HEAD~1 HEAD --rev HEAD --repo "$R"

# Content errors: the diff refuses half-read content (exit 3), but two
# revisions before the error still compare.
echo "bogus: 1" >> "$R/content/roadmap/2022-08/version.yaml"
commit "$R" "2023-01-08T10:00:00Z" "Rikki"
expect_exit "content errors: exit 3" 3 tk diff 2021-06 2022-08 --repo "$R"
check "… the error has its position" grep -q "roadmap/2022-08/version.yaml:[0-9]*:[0-9]*: error: unknown key 'bogus'" "$W/err"
check "… and what to do" has "$W/err" "a diff needs valid content: see 'tiekartta check'"
expect_exit "earlier revisions still compare" 1 tk diff HEAD~2 HEAD~1 --repo "$R"
expect_exit "a broken revision: exit 3" 3 tk diff HEAD~1 HEAD --repo "$R"
check "… naming it" has "$W/err" "in the content at HEAD; a diff needs valid content: see 'tiekartta check --rev HEAD'"

finish
