#!/bin/sh
# test_golden.sh: the site built from tests/fixtures/small (read as a plain
# directory, so no commit varies) must equal tests/golden/small byte for
# byte: one page of each kind. `make regen` rewrites the expectations for
# review (TK_REGEN=1).
top=$(pwd)
: "${TK:=$top/output/bin/tiekartta}"
W=$(mktemp -d /tmp/tk-golden-XXXXXX)
trap 'rm -rf "$W"' EXIT
pass=0 fail=0
cp -r tests/fixtures/small "$W/content"
if ! $TK build --repo "$W" --theme "$top/themes/default" --out "$W/site" -q 2>"$W/err"; then
	cat "$W/err"
	echo "0 passed, 1 failed"
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
		pass=$((pass + 1)); echo "golden $f... ok"
	else
		fail=$((fail + 1)); echo "golden $f... FAIL"
		diff -u "tests/golden/small/$f" "$W/site/$f" | head -n 20
	fi
done
extra=$(cd "$W/site" && find . -type f | sort | while read -r f; do [ -f "$top/tests/golden/small/$f" ] || echo "$f"; done)
if [ -z "$extra" ]; then
	pass=$((pass + 1)); echo "golden: no unexpected files... ok"
else
	fail=$((fail + 1)); echo "golden: unexpected files... FAIL"; echo "$extra"
fi
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
