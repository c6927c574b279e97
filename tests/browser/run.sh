#!/bin/sh
# tests/browser/run.sh: the site in a real browser. Builds the bundled
# content (working tree) into a temporary folder, serves it on 127.0.0.1 and
# runs test.mjs in Debian's Chromium: axe-core (WCAG 2.1 A and AA), the Nu
# HTML Checker, internal links, overflow at 320/375/1280 px and at 200 %
# zoom, screenshots, the skip link and visible focus. Ends with
# "N passed, N failed"; exits non-zero on any failure.
#
# Environment: TK (the tiekartta binary, default output/bin/tiekartta),
# CHROMIUM (default /usr/bin/chromium), TK_SHOTS (a folder to keep the
# screenshots in; by default they go to the temporary folder and are removed),
# TK_BROWSER_VNU=sample (the Nu HTML Checker over the checked pages only,
# not every page), TK_BROWSER_ONLY=REGEX (only the pages whose "lang kind"
# matches, and no crawl).
export LC_ALL=C TZ=UTC
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
: "${TK:=$top/output/bin/tiekartta}"
: "${CHROMIUM:=/usr/bin/chromium}"
W=$(mktemp -d /tmp/tk-browser-XXXXXX)
trap 'rm -rf "$W"' EXIT INT TERM

fail() {
	echo "$1... FAIL"
	[ -n "$2" ] && printf '%s\n' "$2"
	echo "0 passed, 1 failed"
	exit 1
}

for tool in node npm java; do
	command -v "$tool" >/dev/null 2>&1 ||
		fail "browser: $tool is installed" "$tool not found; run sh .ci/install-deps"
done
[ -x "$CHROMIUM" ] || fail "browser: Chromium is installed" "$CHROMIUM not found; run sh .ci/install-deps"

# The npm packages, from the lockfile; again when the lockfile changed.
# --ignore-scripts: vnu-jar's postinstall would fetch a Java runtime; we use
# Debian's.
cd "$here" || exit 1
if ! cmp -s package-lock.json node_modules/.tk-lock 2>/dev/null; then
	if ! npm ci --no-audit --no-fund --ignore-scripts >"$W/npm.log" 2>&1; then
		fail "browser: npm ci" "$(tail -n 30 "$W/npm.log")"
	fi
	cp package-lock.json node_modules/.tk-lock
fi

cd "$top" || exit 1
if ! $TK build --worktree --out "$W/site" -q 2>"$W/build.err"; then
	fail "browser: build the bundled content" "$(cat "$W/build.err")"
fi

[ -z "$TK_SHOTS" ] && export TK_SHOTS_TEMP=1
set -- --site "$W/site" --shots "${TK_SHOTS:-$W/shots}" --chromium "$CHROMIUM"
[ -n "$TK_BROWSER_VNU" ] && set -- "$@" --vnu "$TK_BROWSER_VNU"
[ -n "$TK_BROWSER_ONLY" ] && set -- "$@" --only "$TK_BROWSER_ONLY"
node "$here/test.mjs" "$@"
