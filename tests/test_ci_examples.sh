#!/bin/sh
# test_ci_examples.sh: the forge CI examples in docs/ci, tried locally on a
# fixture repository: a region's own pull request passes review, one that
# touches another region's record does not, and publishing builds the site
# with snapshots.
top=$(pwd)
: "${TK:=$top/output/bin/tiekartta}"
W=$(mktemp -d /tmp/tk-ci-XXXXXX)
trap 'rm -rf "$W"' EXIT
. "$top/tests/lib.sh"
export GIT_CONFIG_NOSYSTEM=1 HOME=$W GIT_COMMITTER_NAME=CI GIT_COMMITTER_EMAIL=ci@example.fi
R=$W/repo
mkdir -p "$R"
cp -r "$top/tests/fixtures/small" "$R/content"
git -C "$R" init -q -b main
git -C "$R" add -A
GIT_AUTHOR_NAME=STM GIT_AUTHOR_EMAIL=stm@example.fi GIT_AUTHOR_DATE=2021-11-04T10:00:00Z \
	GIT_COMMITTER_DATE=2021-11-04T10:00:00Z git -C "$R" commit -q -m "Alku"
git -C "$R" checkout -q -b alpha-lokakuu
sed -i 's/htt-a-1-2: valmis/htt-a-1-2: käynnissä/' "$R/content/status/alpha/2021-11.yaml"
GIT_AUTHOR_NAME=Alfa GIT_AUTHOR_EMAIL=alpha@example.fi GIT_AUTHOR_DATE=2021-11-05T10:00:00Z \
	GIT_COMMITTER_DATE=2021-11-05T10:00:00Z git -C "$R" commit -q -am "Alfan korjaus"

cd "$R"
if TK="$TK" sh "$top/docs/ci/pull-request.sh" main alpha-lokakuu alpha@example.fi > "$W/out" 2>&1; then
	ok "pull-request.sh: a region's own change passes"
else
	bad "pull-request.sh: a region's own change passes" "$(cat "$W/out")"
fi
if grep -q "alpha" review.md; then ok "review.md is written for the comment"; else bad "review.md is written for the comment"; fi
if TK="$TK" sh "$top/docs/ci/pull-request.sh" main alpha-lokakuu beta@example.fi > "$W/out" 2>&1; then
	bad "pull-request.sh: another region's actor is refused" "$(cat "$W/out")"
else
	ok "pull-request.sh: another region's actor is refused"
fi
git checkout -q main
if TK="$TK" sh "$top/docs/ci/publish.sh" "$W/public" > "$W/out" 2>&1 && [ -f "$W/public/versiot/index.html" ]; then
	ok "publish.sh builds the site with snapshots"
else
	bad "publish.sh builds the site with snapshots" "$(cat "$W/out")"
fi
cd "$top"
finish
