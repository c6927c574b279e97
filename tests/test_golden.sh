#!/bin/sh
# test_golden.sh: the site built from tests/fixtures/small (read as a plain
# directory, so no commit varies) must equal tests/golden/small byte for
# byte: one page of each kind. `make regen` rewrites the expectations for
# review (TK_REGEN=1).
top=$(pwd)
: "${TK:=$top/output/bin/tiekartta}"
W=$(mktemp -d /tmp/tk-golden-XXXXXX)
trap 'rm -rf "$W"' EXIT
. "$top/tests/lib.sh"
cp -r tests/fixtures/small "$W/content"
if ! $TK build --repo "$W" --theme "$top/themes/default" --out "$W/site" -q 2>"$W/err"; then
	bad "golden: the fixture builds" "$(cat "$W/err")"
	finish
	exit 1
fi
if [ -n "$TK_REGEN" ]; then
	rm -rf tests/golden/small
	mkdir -p tests/golden
	cp -r "$W/site" tests/golden/small
	echo "regenerated tests/golden/small"
fi
for f in $(cd tests/golden/small && find . -type f | sort); do
	if cmp -s "tests/golden/small/$f" "$W/site/$f"; then
		ok "golden $f"
	else
		bad "golden $f" "$(diff -u "tests/golden/small/$f" "$W/site/$f" | head -n 20)"
	fi
done
extra=$(cd "$W/site" && find . -type f | sort | while read -r f; do [ -f "$top/tests/golden/small/$f" ] || echo "$f"; done)
if [ -z "$extra" ]; then
	ok "golden: no unexpected files"
else
	bad "golden: unexpected files" "$extra"
fi
finish
