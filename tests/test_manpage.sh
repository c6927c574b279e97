#!/bin/sh
# test_manpage.sh: docs/tiekartta.1 renders without a warning and names
# every command, every option of every command's --help and every TK_
# variable the program reads, so it cannot fall behind the program.
top=$(pwd)
: "${TK:=$top/output/bin/tiekartta}"
MAN=$top/docs/tiekartta.1
W=$(mktemp -d /tmp/tk-man-XXXXXX)
trap 'rm -rf "$W"' EXIT
. "$top/tests/lib.sh"

if command -v groff >/dev/null 2>&1; then
	groff -man -ww -z -Tutf8 "$MAN" 2>"$W/warn"
	if [ ! -s "$W/warn" ]; then ok "the manual renders without a warning"; else bad "the manual renders without a warning" "$(head -n 5 "$W/warn")"; fi
else
	bad "groff is installed (Debian: groff-base)"
fi
# In roff a '-' is written '\-'.
roff() { printf '%s' "$1" | sed 's/-/\\-/g'; }
cmds=$($TK --help 2>&1 | sed -n '/^commands:/,/^$/p' | awk 'NF && $1 != "commands:" { print $1 }')
[ -n "$cmds" ] || bad "tiekartta --help lists the commands"
for c in $cmds; do
	if grep -qF ".SS $(roff "$c")" "$MAN"; then ok "command $c has its section"; else bad "command $c has its section" "no '.SS $(roff "$c")'"; fi
	missing=
	for opt in $($TK "$c" --help 2>&1 | grep -o -- '--[a-z][a-z-]*\|^  -q' | sed 's/^  //' | sort -u); do
		[ "$opt" = --help ] && continue
		grep -qF -- "$(roff "$opt")" "$MAN" || missing="$missing $opt"
	done
	if [ -z "$missing" ]; then ok "$c: every option of its --help is in the manual"; else bad "$c: every option of its --help is in the manual" "missing:$missing"; fi
done
vars=$(grep -ho 'getenv("TK_[A-Z_]*")' "$top"/generator/*.c | sed 's/getenv("\(.*\)")/\1/' | sort -u)
[ -n "$vars" ] || bad "the program reads TK_ variables"
for v in $vars; do
	if grep -qF ".B $v" "$MAN"; then ok "$v is under ENVIRONMENT"; else bad "$v is under ENVIRONMENT"; fi
done
finish
