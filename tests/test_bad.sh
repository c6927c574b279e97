#!/bin/sh
# test_bad.sh: bad and hostile input. Each case in tests/bad/<NN-name>/ is a
# change to the valid fixture tests/fixtures/small; it is committed over a
# repository whose site was built once, and `tiekartta build` must answer
# with the exit status and the diagnostics in the case's `expect`, with no
# sanitizer or valgrind report, and leave the previous site byte for byte
# as it was when the build fails. A build that succeeds must contain no
# script, event handler or javascript: address. tests/bad/README.md
# describes a case's files. TK names the command (maybe under valgrind);
# TK_CASES picks cases by a pattern of their names; TK_REGEN=1 rewrites each
# expect from what the command printed, for review with git diff.
top=$(pwd)
: "${TK:=$top/output/bin/tiekartta}"
W=$(mktemp -d /tmp/tk-bad-XXXXXX)
trap 'rm -rf "$W"' EXIT
pass=0 fail=0
export LC_ALL=C TZ=UTC
export GIT_AUTHOR_NAME=Test GIT_AUTHOR_EMAIL=test@example.fi
export GIT_COMMITTER_NAME=Test GIT_COMMITTER_EMAIL=test@example.fi
export GIT_AUTHOR_DATE="2021-12-05T10:00:00Z" GIT_COMMITTER_DATE="2021-12-05T10:00:00Z"
export GIT_CONFIG_NOSYSTEM=1 HOME=$W TOP=$top

ok() { pass=$((pass + 1)); echo "$1... ok"; }
bad() { fail=$((fail + 1)); echo "$1... FAIL"; shift; for l in "$@"; do echo "  $l"; done; }

# The base: the fixture committed as content/, and its site built once.
B=$W/base
mkdir -p "$B"
cp -r "$top/tests/fixtures/small" "$B/content"
git -C "$B" init -q -b main
git -C "$B" add -A
git -C "$B" commit -q -m "Perustila"
if ! (cd "$B" && $TK build -q) >"$W/base.err" 2>&1; then
	bad "the fixture builds" "$(cat "$W/base.err")"
	echo "$pass passed, $fail failed"
	exit 1
fi

# Whatever a successful build wrote, nothing from content may run.
unsafe_html() {
	grep -rliE -e '<script' -e '<[a-z][^>]*[[:space:]/"'"'"']on[a-z]+[[:space:]]*=' \
	    -e '(href|src|action|formaction)[[:space:]]*=[[:space:]]*["'"'"']?[[:space:]]*javascript:' \
	    "$1"
}

for dir in "$top"/tests/bad/*/; do
	c=$(basename "$dir")
	case $c in ${TK_CASES:-*}) ;; *) continue ;; esac
	R=$W/$c
	cp -a "$B" "$R"
	# Files of the case land over content/; `remove` lists paths to delete.
	(cd "$dir" && find . -type f ! -name expect ! -name remove ! -name setup.sh \
	    ! -name args ! -name README.md) | while read -r f; do
		mkdir -p "$(dirname "$R/content/$f")"
		cp "$dir/$f" "$R/content/$f"
	done
	if [ -f "$dir/remove" ]; then
		while read -r f; do rm -rf "${R:?}/content/$f"; done < "$dir/remove"
	fi
	git -C "$R" add -A
	head=$(git -C "$R" rev-parse HEAD)
	if [ -f "$dir/setup.sh" ] && ! (cd "$R" && sh "$dir/setup.sh") >"$W/setup.err" 2>&1; then
		bad "$c" "setup.sh failed:" "$(cat "$W/setup.err")"
		rm -rf "$R"
		continue
	fi
	# setup.sh may have made the commit itself (a tree the index refuses).
	if [ "$(git -C "$R" rev-parse HEAD)" = "$head" ]; then
		git -C "$R" commit -q --allow-empty -m "$c"
	fi
	args=$(cat "$dir/args" 2>/dev/null)
	(cd "$R" && $TK build -q $args) >"$W/out" 2>"$W/err"
	got=$?

	if [ -n "$TK_REGEN" ]; then
		{
			echo "exit $got"
			grep -E '^(site|absent): ' "$dir/expect" 2>/dev/null
			grep -E ': (error|warning): |^tiekartta: ' "$W/err"
		} > "$W/expect.new"
		mv "$W/expect.new" "$dir/expect"
	fi
	why=""
	want=$(sed -n '1s/^exit //p' "$dir/expect" 2>/dev/null)
	if [ -z "$want" ]; then
		why="$why|expect has no 'exit N' first line"
	elif [ "$got" -ne "$want" ]; then
		why="$why|exit $got, want $want"
	fi
	while IFS= read -r line; do
		case $line in
		"exit "*) ;;
		"site: "*)
			grep -rqF -- "${line#site: }" "$R/output/site" ||
			    why="$why|the site lacks: ${line#site: }" ;;
		"absent: "*)
			! grep -rqF -- "${line#absent: }" "$R/output/site" ||
			    why="$why|the site has: ${line#absent: }" ;;
		*)
			grep -qxF -- "$line" "$W/err" || why="$why|stderr lacks: $line" ;;
		esac
	done < "$dir/expect"
	if grep -qE 'Sanitizer|runtime error:|^==[0-9]+==' "$W/err"; then
		why="$why|a sanitizer or valgrind report"
	fi
	if [ "$got" -ne 0 ] && ! diff -r "$B/output/site" "$R/output/site" >/dev/null 2>&1; then
		why="$why|the previous site changed"
	fi
	if [ "$(ls -A "$R/output")" != site ]; then
		why="$why|left beside the site: $(ls -A "$R/output" | tr '\n' ' ')"
	fi
	if [ "$got" -eq 0 ] && [ -n "$(unsafe_html "$R/output/site")" ]; then
		why="$why|script, handler or javascript: in $(unsafe_html "$R/output/site" | tr '\n' ' ')"
	fi
	if [ -z "$why" ]; then
		ok "$c"
	else
		fail=$((fail + 1))
		echo "$c... FAIL"
		echo "${why#|}" | tr '|' '\n' | sed 's/^/  /'
		echo "  stderr:"
		sed 's/^/    /' "$W/err" | head -n 20
	fi
	rm -rf "$R"
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
