#!/bin/sh
# test_bad.sh: bad and hostile input. Each case in tests/bad/<NN-name>/ is a
# change to the valid fixture tests/fixtures/small; it is committed over a
# repository whose site was built once, and `tiekartta build` must answer
# with the exit status and the diagnostics in the case's `expect`, with no
# sanitizer or valgrind report, and leave the previous site byte for byte
# as it was when the build fails. A build that succeeds must contain no
# script, event handler or javascript: address, and every page a strict
# Content-Security-Policy. tests/bad/README.md
# describes a case's files. TK names the command (maybe under valgrind);
# TK_CASES picks cases by a pattern of their names; TK_BAD_JOBS how many run at
# once (default: the number of processors); TK_REGEN=1 rewrites each
# expect from what the command printed, for review with git diff; TK_KEEP=1
# keeps the cases' repositories (the folder is printed at the end).
top=$(pwd)
: "${TK:=$top/output/bin/tiekartta}"
W=$(mktemp -d /tmp/tk-bad-XXXXXX)
[ -n "$TK_KEEP" ] || trap 'rm -rf "$W"' EXIT
. "$top/tests/lib.sh"
export LC_ALL=C TZ=UTC
export GIT_AUTHOR_NAME=Test GIT_AUTHOR_EMAIL=test@example.fi
export GIT_COMMITTER_NAME=Test GIT_COMMITTER_EMAIL=test@example.fi
export GIT_AUTHOR_DATE="2021-12-05T10:00:00Z" GIT_COMMITTER_DATE="2021-12-05T10:00:00Z"
export GIT_CONFIG_NOSYSTEM=1 HOME=$W TOP=$top

# The base: the fixture committed as content/, and its site built once.
B=$W/base
mkdir -p "$B"
cp -r "$top/tests/fixtures/small" "$B/content"
git -C "$B" init -q -b main
git -C "$B" add -A
git -C "$B" commit -q -m "Perustila"
if ! (cd "$B" && $TK build -q) >"$W/base.err" 2>&1; then
	bad "the fixture builds" "$(cat "$W/base.err")"
	finish
	exit 1
fi

# Whatever a successful build wrote, nothing from content may run: no
# script-like element, no on… attribute, no javascript:, vbscript: or data:
# address, and every page carries a Content-Security-Policy that allows
# nothing external and no inline script. Parsed as HTML, since escaped text
# inside an attribute's value (x&quot; onclick=&quot;…) is harmless and a
# pattern would flag it.
unsafe_html() {
	python3 - "$1" <<'PY'
import html.parser, os, re, sys
bad = []
class P(html.parser.HTMLParser):
    csp = None
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "meta" and (a.get("http-equiv") or "").lower() == "content-security-policy":
            self.csp = a.get("content") or ""
        if tag in ("script", "iframe", "frame", "object", "embed", "applet", "base", "style"):
            bad.append("<%s>" % tag)
        for k, v in attrs:
            if k.startswith("on"):
                bad.append("%s= on <%s>" % (k, tag))
            if k in ("href", "src", "action", "formaction", "xlink:href", "poster", "data"):
                u = re.sub(r"[\x00-\x20]", "", v or "").lower()
                if re.match(r"(javascript|vbscript|data):", u):
                    bad.append("%s=%r on <%s>" % (k, v, tag))
    handle_startendtag = handle_starttag
for top, dirs, files in os.walk(sys.argv[1]):
    for f in sorted(files):
        if f.endswith((".html", ".svg", ".xml")):
            path = os.path.join(top, f)
            n = len(bad)
            p = P()
            p.feed(open(path, encoding="utf-8", errors="replace").read())
            if f.endswith(".html"):
                csp = p.csp
                if csp is None:
                    bad.append("no Content-Security-Policy")
                elif ("default-src 'none'" not in csp or "unsafe-" in csp or
                        re.search(r"(^|[\s;])(\*|https?:|data:|'strict-dynamic')", csp)):
                    bad.append("a weak Content-Security-Policy: %s" % csp)
            for b in bad[n:]:
                print("%s: %s" % (os.path.relpath(path, sys.argv[1]), b))
PY
}

# run_case DIR: runs one case; its report goes to $W/$c.res, its first
# line "ok" or "FAIL". Cases run side by side (TK_BAD_JOBS, default the number
# of processors), each in its own repository.
run_case() {
	dir=$1
	c=$(basename "$dir")
	R=$W/$c
	E=$W/$c.err
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
	if [ -f "$dir/setup.sh" ] && ! (cd "$R" && sh "$dir/setup.sh") >"$E" 2>&1; then
		{ echo FAIL; echo "  setup.sh failed:"; sed 's/^/    /' "$E"; } > "$W/$c.res"
		return
	fi
	# setup.sh may have made the commit itself (a tree the index refuses).
	if [ "$(git -C "$R" rev-parse HEAD)" = "$head" ]; then
		git -C "$R" commit -q --allow-empty -m "$c"
	fi
	args=$(cat "$dir/args" 2>/dev/null)
	# shellcheck disable=SC2086
	(cd "$R" && $TK build -q $args) >/dev/null 2>"$E"
	got=$?

	if [ -n "$TK_REGEN" ]; then
		{
			echo "exit $got"
			grep -E '^(site|absent): ' "$dir/expect" 2>/dev/null
			grep -E ': (error|warning): |^tiekartta: ' "$E"
		} > "$W/$c.expect"
		mv "$W/$c.expect" "$dir/expect"
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
			grep -qxF -- "$line" "$E" || why="$why|stderr lacks: $line" ;;
		esac
	done < "$dir/expect"
	if grep -qE 'Sanitizer|runtime error:|^==[0-9]+==' "$E"; then
		why="$why|a sanitizer or valgrind report"
	fi
	if [ "$got" -ne 0 ] && ! diff -r "$B/output/site" "$R/output/site" >/dev/null 2>&1; then
		why="$why|the previous site changed"
	fi
	# The site and the list of its page keys (pagecache.h), nothing more.
	if [ "$(ls -A "$R/output" | grep -vx -e site.tiekartta-pages -e site.tiekartta-spare -e site.tiekartta-parsed)" != site ]; then
		why="$why|left beside the site: $(ls -A "$R/output" | tr '\n' ' ')"
	fi
	if [ "$got" -eq 0 ]; then
		unsafe_html "$R/output/site" > "$W/$c.unsafe"
		[ -s "$W/$c.unsafe" ] && why="$why|$(head -n 5 "$W/$c.unsafe" | tr '\n' '|')"
	fi
	if [ -z "$why" ]; then
		echo ok > "$W/$c.res"
	else
		{
			echo FAIL
			echo "${why#|}" | tr '|' '\n' | sed 's/^/  /'
			echo "  stderr:"
			sed 's/^/    /' "$E" | head -n 20
		} > "$W/$c.res"
	fi
	[ -n "$TK_KEEP" ] || rm -rf "$R"
}

jobs=${TK_BAD_JOBS:-$(nproc 2>/dev/null || echo 2)}
cases=""
for dir in "$top"/tests/bad/*/; do
	c=$(basename "$dir")
	case $c in ${TK_CASES:-*}) ;; *) continue ;; esac
	cases="$cases $c"
done
n=0
for c in $cases; do
	run_case "$top/tests/bad/$c/" &
	n=$((n + 1))
	[ $((n % jobs)) -ne 0 ] || wait
done
wait
for c in $cases; do
	if [ "$(head -n 1 "$W/$c.res" 2>/dev/null)" = ok ]; then
		ok "$c"
	else
		fail=$((fail + 1))
		echo "$c... FAIL"
		tail -n +2 "$W/$c.res" 2>/dev/null
	fi
done
[ -z "$TK_KEEP" ] || echo "kept in $W"
finish
