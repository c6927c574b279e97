#!/bin/sh
# tests/bench/splice.sh DOC NAME HEADING REPORT WRITER: puts REPORT into DOC between the
# lines "<!-- NAME:begin…" and "<!-- NAME:end…", keeping the rest of DOC; when DOC has
# no such markers, appends them under "## HEADING". WRITER names the script in the
# begin marker. Used by run.sh (bench) and profile.sh (profile).
set -eu
doc=$1 name=$2 heading=$3 report=$4 writer=$5
tmp=$(mktemp "${TMPDIR:-/tmp}/tksplice.XXXXXX")
trap 'rm -f "$tmp"' EXIT
if [ -f "$doc" ] && grep -q "^<!-- $name:begin" "$doc" && grep -q "^<!-- $name:end" "$doc"; then
	awk -v r="$report" -v b="^<!-- $name:begin" -v e="^<!-- $name:end" '
		$0 ~ b { print; while ((getline l < r) > 0) print l; skip = 1; next }
		$0 ~ e { skip = 0 }
		!skip' "$doc" >"$tmp"
else
	{
		[ ! -f "$doc" ] || cat "$doc"
		printf '\n## %s\n\n<!-- %s:begin: written by %s -->\n' "$heading" "$name" "$writer"
		cat "$report"
		printf '<!-- %s:end -->\n' "$name"
	} >"$tmp"
fi
cat "$tmp" >"$doc"
