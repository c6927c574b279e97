#!/bin/sh
# test_history.sh: the pull-request workflow as a region and the ministry
# meet it: `review` over a fixture repository with commits by several
# regions' authors, --no-ff merges with pull-request numbers and a late
# correction; `codeowners`; `new-status`. TK names the command (maybe under
# valgrind). The history's own checks are in test_history.c. KEEP=1 keeps
# the work folder for a look afterwards.
top=$(pwd)
: "${TK:=$top/output/bin/tiekartta}"
W=$(mktemp -d /tmp/tk-history-XXXXXX)
trap '[ -n "$KEEP" ] || rm -rf "$W"' EXIT
. "$top/tests/lib.sh"

# same NAME FILE: FILE equals the text on stdin.
same() {
	cat > "$W/want"
	if cmp -s "$W/want" "$2"; then ok "$1"; else bad "$1" "$(diff "$W/want" "$2")"; fi
}

export GIT_CONFIG_NOSYSTEM=1 HOME=$W LC_ALL=C TZ=UTC
# as NAME DATE git ARGS...: a git command by NAME <NAME@example.fi> at DATE.
as() {
	who=$1 when=$2; shift 2
	GIT_AUTHOR_NAME=$who GIT_AUTHOR_EMAIL=$who@example.fi GIT_AUTHOR_DATE=$when \
	GIT_COMMITTER_NAME=$who GIT_COMMITTER_EMAIL=$who@example.fi GIT_COMMITTER_DATE=$when \
	"$@"
}
S=$top/tests/fixtures/small/status

# The fixture: the ministry (stm) sets up the roadmap and regions; each
# region's record arrives through a pull request merged with --no-ff.
R=$W/repo
mkdir -p "$R"
cp -r "$top/tests/fixtures/small" "$R/content"
rm -r "$R/content/status"
g() { git -C "$R" "$@"; }
g init -q -b main
g add -A
as stm 2021-10-01T10:00:00Z g commit -q -m "Tiekartta ja alueet"
base0=$(g rev-parse HEAD)

g checkout -q -b alpha/lokakuu
mkdir -p "$R/content/status/alpha"
cp "$S/alpha/2021-10.yaml" "$R/content/status/alpha/"
g add -A
as alpha 2021-11-03T09:00:00Z g commit -q -m "Alfan lokakuu"
g checkout -q main
as stm 2021-11-04T10:00:00Z g merge -q --no-ff -m "Merge pull request #7 from alpha/lokakuu" alpha/lokakuu

g checkout -q -b beta/lokakuu
mkdir -p "$R/content/status/beta"
cp "$S/beta/2021-10.yaml" "$R/content/status/beta/"
g add -A
as beta 2021-11-04T12:00:00Z g commit -q -m "Beetan lokakuu"
g checkout -q main
as stm 2021-11-05T15:00:00Z g merge -q --no-ff -m "Merge pull request #8 from beta/lokakuu" beta/lokakuu

# A late correction: October's record changed after 5.11.2021.
g checkout -q -b alpha/korjaus
sed -i 's/reason: "ICT-rahoitus puuttuu"/reason: "ICT-rahoitus puuttuu yhä"/' \
	"$R/content/status/alpha/2021-10.yaml"
as alpha 2021-11-12T09:00:00Z g commit -q -am "Korjaus lokakuuhun"
g checkout -q main
as stm 2021-11-16T09:00:00Z g merge -q --no-ff -m "Merge pull request #9 from alpha/korjaus" alpha/korjaus

g checkout -q -b alpha/marraskuu
cp "$S/alpha/2021-11.yaml" "$R/content/status/alpha/"
g add -A
as alpha 2021-12-02T09:00:00Z g commit -q -m "Alfan marraskuu"
g checkout -q main
as stm 2021-12-03T09:00:00Z g merge -q --no-ff -m "Merge pull request #10 from alpha/marraskuu" alpha/marraskuu
check "the fixture has four merges" test "$(g rev-list --merges --count main)" -eq 4

# Pull requests to review, each a branch off main.
pr() { g checkout -q -b "$1" main; }
pr pr-own
sed -i 's/htt-a-1-1: {state: viivästynyt, note: "Odottaa päätöstä."}/htt-a-1-1: valmis/' \
	"$R/content/status/alpha/2021-11.yaml"
as alpha 2021-12-04T09:00:00Z g commit -q -am "Alfa: 1.1 valmis"
pr pr-beta
sed -i 's/ict-a-1-1: käynnissä/ict-a-1-1: valmis/' "$R/content/status/beta/2021-10.yaml"
as alpha 2021-12-04T10:00:00Z g commit -q -am "Alfa korjaa Beetan"
pr pr-roadmap
sed -i 's/title: "Toinen"/title: "Toinen, tarkennettu"/' "$R/content/roadmap/2021-06/htt.yaml"
as alpha 2021-12-04T11:00:00Z g commit -q -am "Alfa muuttaa tiekarttaa"
pr pr-grant
sed -i 's/maintainers: \[stm@example.fi\]/maintainers: [stm@example.fi, alpha@example.fi]/' \
	"$R/content/site.yaml"
sed -i 's/title: "Toinen"/title: "Toinen, tarkennettu"/' "$R/content/roadmap/2021-06/htt.yaml"
as alpha 2021-12-04T12:00:00Z g commit -q -am "Alfa ylläpitäjäksi"
pr pr-bad
sed -i 's/htt-a-1-2: valmis/htt-a-1-2: valmiis/' "$R/content/status/alpha/2021-11.yaml"
as alpha 2021-12-04T13:00:00Z g commit -q -am "Kirjoitusvirhe"
pr pr-forged
sed -i 's/htt-a-1-2: valmistuu aikataulussa/htt-a-1-2: valmis/' "$R/content/status/beta/2021-10.yaml"
as beta 2021-12-04T14:00:00Z g commit -q -am "Beeta: 1.2 valmis"
g checkout -q main

# review: a region's own change is accepted, with its figures.
expect_exit "review: alpha's own change is accepted" 0 tk review main pr-own --repo "$R"
check "review: lists the file and who may change it" has "$W/out" \
	"  M content/status/alpha/2021-11.yaml  (owners of alpha: alpha@example.fi)"
check "review: names the organisation and its records" has "$W/out" \
	"Alfa (alpha), latest record: 2021-11 → 2021-11"
check "review: HTT before and after" has "$W/out" \
	"  HTT    50 % → 100 %  0 % → 0 %  50 % → 100 %"
check "review: all groups" has "$W/out" "  all    33 % → 67 %   0 % → 0 %  50 % → 100 %"
check "review: says it is acceptable" has "$W/out" "tiekartta: the change is acceptable"
check "review: warns that e-mails can be forged" has "$W/err" \
	"tiekartta: warning: no --actor given, so the change is judged by its commit authors' e-mail addresses, which anyone can set"

# Another region's file, and the roadmap, are refused with the rule.
expect_exit "review: a change to beta's file is refused" 1 tk review main pr-beta --repo "$R"
check "review: the message names the file and the rule" has "$W/err" \
	"content/status/beta/2021-10.yaml: error: only the owners of 'beta' (beta@example.fi) may change this file; the change comes from alpha@example.fi"
check "review: the count" has "$W/err" "tiekartta: 1 problem: 0 content errors, 1 change the policy refuses"
check "review: nothing said to be acceptable" lacks "$W/out" "acceptable"
check "review: the refused region's figures are still shown" has "$W/out" \
	"Beeta (beta), latest record: 2021-10 → 2021-10"
expect_exit "review: a region's change to the roadmap is refused" 1 tk review main pr-roadmap --repo "$R"
check "review: the roadmap message" has "$W/err" \
	"content/roadmap/2021-06/htt.yaml: error: only the maintainers (stm@example.fi) may change the roadmap; the change comes from alpha@example.fi"

# --actor is the identity, over the commits' e-mails.
expect_exit "review: --actor of a maintainer may change the roadmap" 0 \
	tk review main pr-roadmap --repo "$R" --actor stm@example.fi
check "review: no warning with --actor" lacks "$W/err" "warning"
expect_exit "review: --actor overrides the authors' e-mails" 1 \
	tk review main pr-own --repo "$R" --actor beta@example.fi
check "review: --actor is named as the source" has "$W/err" \
	"content/status/alpha/2021-11.yaml: error: only the owners of 'alpha' (alpha@example.fi) may change this file; the change comes from beta@example.fi"
expect_exit "review: an e-mail written as beta's but pushed by alpha's CI user is refused" 1 \
	tk review main pr-forged --repo "$R" --actor alpha@example.fi
expect_exit "review: --actor ignores case" 0 tk review main pr-own --repo "$R" --actor ALPHA@Example.FI

# The rules come from BASE: a change cannot make its author a maintainer.
expect_exit "review: granting oneself rights is refused" 1 tk review main pr-grant --repo "$R"
check "review: site.yaml is the maintainers'" has "$W/err" \
	"content/site.yaml: error: only the maintainers (stm@example.fi) may change site.yaml; the change comes from alpha@example.fi"
check "review: and so is the roadmap, by BASE's list" has "$W/err" \
	"content/roadmap/2021-06/htt.yaml: error: only the maintainers (stm@example.fi) may change the roadmap"

# HEAD's content is validated as check does.
expect_exit "review: content errors at HEAD fail the review" 1 tk review main pr-bad --repo "$R"
check "review: the content error with its position" has "$W/err" \
	"content/status/alpha/2021-11.yaml:6:14: error: unknown state 'valmiis'"
check "review: counted" has "$W/err" "tiekartta: 1 problem: 1 content error, 0 changes the policy refuses"

# The change is BASE...HEAD: work merged into main since the branch began
# is not the branch's.
g checkout -q main
sed -i 's/htt-a-1-2: valmistuu aikataulussa/htt-a-1-2: käynnissä/' "$R/content/status/beta/2021-10.yaml"
as beta 2021-12-05T09:00:00Z g commit -q -am "Beeta suoraan"
expect_exit "review: later work on main is not the branch's" 0 tk review main pr-own --repo "$R"
check "review: only the branch's file is listed" has "$W/out" "1 file changed"
g reset -q --hard HEAD~1

# Markdown for a pull-request comment.
expect_exit "review --format markdown" 1 tk review main pr-beta --repo "$R" --format markdown
check "markdown: the verdict" has "$W/out" "❌ 1 problem:"
check "markdown: the problem" has "$W/out" \
	"- \`content/status/beta/2021-10.yaml\`: only the owners of 'beta' (beta\\@example.fi) may change this file; the change comes from alpha\\@example.fi"
check "markdown: the files table" has "$W/out" \
	"| M | \`content/status/beta/2021-10.yaml\` | owners of beta: beta\\@example.fi |"
check "markdown: the figures table" has "$W/out" "| group | valmis | käynnissä | eteneminen |"
check "markdown: the warning" has "$W/out" "> ⚠️ Judged by the commit authors' e\\-mail addresses"
expect_exit "markdown: an accepted change" 0 tk review main pr-own --repo "$R" --format markdown --actor alpha@example.fi
check "markdown: the good verdict" has "$W/out" "✅ The content at HEAD is valid"
check "markdown: HTT row" has "$W/out" "| HTT | 50 % → 100 % | 0 % → 0 % | 50 % → 100 % |"

# Usage.
expect_exit "review without revisions is a usage error" 2 tk review --repo "$R"
expect_exit "review with an unknown revision" 2 tk review main nosuch --repo "$R"
check "review: unknown revision message" has "$W/err" "cannot resolve revision 'nosuch'"
expect_exit "review with a bad format" 2 tk review main pr-own --repo "$R" --format html
expect_exit "review --help" 0 tk review --help
check "review --help names --actor" has "$W/out" "--actor ID"

# codeowners.
expect_exit "codeowners" 0 tk codeowners --repo "$R"
same "codeowners: the file" "$W/out" <<'EOF'
# Written by `tiekartta codeowners` from regions.yaml and site.yaml
# in content/; change those and run it again, not this file.
# The maintainers own everything; each organisation owns its status folder.
* stm@example.fi
/content/status/alpha/ alpha@example.fi
/content/status/beta/ beta@example.fi
EOF
sed -i 's/owners: \[beta@example.fi\]/owners: [beta-user, "@sote\/beta"]/' "$R/content/regions.yaml"
sed -i '/owners: \[alpha@example.fi\]/d' "$R/content/regions.yaml"
expect_exit "codeowners --worktree" 0 tk codeowners --repo "$R" --worktree
check "codeowners: a user name gets its @" has "$W/out" "/content/status/beta/ @beta-user @sote/beta"
check "codeowners: no owners leaves the maintainers'" has "$W/out" \
	"# /content/status/alpha/: no owners in regions.yaml, so the maintainers' line covers it"
sed -i 's/owners: \[beta-user, "@sote\/beta"\]/owners: ["beta user"]/' "$R/content/regions.yaml"
expect_exit "codeowners: an owner with a space is an error" 1 tk codeowners --repo "$R" --worktree
check "codeowners: its message" has "$W/err" \
	"content/regions.yaml:9:5: error: owner 'beta user' of 'beta' cannot go into CODEOWNERS"
g checkout -q -- content

# new-status starts next month's record from the last one.
expect_exit "new-status" 0 tk new-status alpha 2021-12 --repo "$R"
check "new-status says what it did" has "$W/out" \
	"tiekartta: wrote content/status/alpha/2021-12.yaml from 2021-11: 2 states carried, no red flag, roadmap 2021-06"
same "new-status: the record" "$R/content/status/alpha/2021-12.yaml" <<'EOF'
region: alpha
period: 2021-12
roadmap: 2021-06
states:
  htt-a-1-1:
    state: viivästynyt
    note: "Odottaa päätöstä."
  htt-a-1-2: valmis
observations: []
wishes: []
risks: []
EOF
expect_exit "new-status: the record is valid" 0 tk check --repo "$R" --worktree
expect_exit "new-status refuses to overwrite" 1 tk new-status alpha 2021-12 --repo "$R"
check "new-status: why" has "$W/err" \
	"content/status/alpha/2021-12.yaml: error: the file exists already; edit it, or remove it to start again"
expect_exit "new-status refuses a month that has a record" 1 tk new-status alpha 2021-11 --repo "$R"
check "new-status: the record exists" has "$W/err" \
	"content/status/alpha/2021-11.yaml: error: the record of 2021-11 exists already; edit it instead"
expect_exit "new-status: an unknown organisation" 2 tk new-status gamma 2021-12 --repo "$R"
check "new-status: lists the organisations" has "$W/err" \
	"tiekartta: unknown organisation 'gamma'; regions.yaml has: alpha, beta"
expect_exit "new-status: a bad month" 2 tk new-status alpha 2021-13 --repo "$R"
expect_exit "new-status without a previous record" 0 tk new-status beta 2021-09 --repo "$R"
same "new-status: the subtasks to fill in" "$R/content/status/beta/2021-09.yaml" <<'EOF'
region: beta
period: 2021-09
roadmap: 2021-06
states:
  # The critical subtasks of roadmap 2021-06 for beta; uncomment each one you
  # report on and set its state.
  # htt-a-1-1: ei aloitettu
  # htt-a-1-2: ei aloitettu
  # ict-a-1-1: ei aloitettu
observations: []
wishes: []
risks: []
EOF
rm "$R/content/status/beta/2021-09.yaml" "$R/content/status/alpha/2021-12.yaml"

# A newer roadmap version, a red flag and notes that need care.
L=$W/loose
cp -r "$top/tests/fixtures/small" "$L"
mkdir -p "$L/roadmap/2021-11"
cat > "$L/roadmap/2021-11/version.yaml" <<'YAML'
id: 2021-11
date: 2021-11-30
title: {fi: "Tiekartta 30.11.2021"}
source: "fixture"
previous: 2021-06
intro: |
  Uusi.
YAML
cat > "$L/roadmap/2021-11/htt.yaml" <<'YAML'
group: htt
entities:
  - id: htt-a
    number: A
    title: "Hallinnon rakenteet"
    tasks:
      - id: htt-a-1
        number: "1"
        title: "VATE:n organisointi"
        subtasks:
          - {id: htt-a-1-2, number: "1.1", title: "Toinen", critical: true, due: 2021-Q4, phase: 3}
          - {id: htt-a-1-1, number: "1.2", title: "Ensimmäinen", critical: true, due: 2021-Q3, phase: 3}
YAML
cat > "$L/status/alpha/2021-11.yaml" <<'YAML'
region: alpha
period: 2021-11
roadmap: 2021-06
states:
  htt-a-1-1:
    state: käynnissä
    note: |
      Kaksi riviä:
      - "lainaus" ja \ kenoviiva
  htt-a-1-2: {state: valmis, note: "  alkaa välilyönnillä # ei kommentti"}
  ict-a-1-1: valmis
red_flag: {reason: "Rahoitus: \"puuttuu\"", since: 2021-09}
risks:
  - {group: ict, theme: talous, text: "Rahoitus"}
YAML
expect_exit "new-status in a plain folder" 0 tk new-status alpha 2021-12 --repo "$L" --content .
check "new-status: a state the new version lacks is named" has "$W/err" \
	"./status/alpha/2021-12.yaml: warning: 1 state left out: its subtask is not in roadmap 2021-11 (listed in a comment in the file)"
same "new-status: the newest version, notes, red flag" "$L/status/alpha/2021-12.yaml" <<'EOF'
region: alpha
period: 2021-12
roadmap: 2021-11
states:
  htt-a-1-2:
    state: valmis
    note: "  alkaa välilyönnillä # ei kommentti"
  htt-a-1-1:
    state: käynnissä
    note: |
      Kaksi riviä:
      - "lainaus" ja \ kenoviiva
  # Not in roadmap 2021-11, so left out of this record:
  # ict-a-1-1: valmis
red_flag:
  reason: "Rahoitus: \"puuttuu\""
  since: 2021-09
observations: []
wishes: []
risks: []
EOF
expect_exit "new-status: that record is valid too" 0 tk check --repo "$L" --content .
expect_exit "new-status: an older month keeps the version of its time" 0 \
	tk new-status alpha 2021-08 --repo "$L" --content .
check "new-status: 2021-08 reports against 2021-06" has "$L/status/alpha/2021-08.yaml" "roadmap: 2021-06"

finish
