#!/bin/sh
# test_install.sh: `make install` puts the command, the default theme and
# the manual under PREFIX (in DESTDIR), the installed command builds content
# that has no theme of its own with the theme installed beside it, and
# `make uninstall` takes them away again.
top=$(pwd)
W=$(mktemp -d /tmp/tk-install-XXXXXX)
trap 'rm -rf "$W"' EXIT
. "$top/tests/lib.sh"

D=$W/root
if make -s -C "$top" install DESTDIR="$D" PREFIX=/usr >"$W/out" 2>&1; then
	ok "make install DESTDIR=... PREFIX=/usr"
else
	bad "make install DESTDIR=... PREFIX=/usr" "$(head -n 5 "$W/out")"
fi
check "the command is in bin, executable" test -x "$D/usr/bin/tiekartta"
check "the theme is in share/tiekartta/themes" test -f "$D/usr/share/tiekartta/themes/default/templates/layout.mustache"
check "the manual is in share/man/man1" test -f "$D/usr/share/man/man1/tiekartta.1"

# Content without themes/ of its own, in a repository of its own. The
# installed theme is marked, so the pages tell which theme made them.
R=$W/repo
mkdir -p "$R"
cp -r "$top/tests/fixtures/small" "$R/content"
git -C "$R" init -q -b main
git -C "$R" add -A
GIT_AUTHOR_NAME=Test GIT_AUTHOR_EMAIL=t@example.fi GIT_COMMITTER_NAME=Test \
	GIT_COMMITTER_EMAIL=t@example.fi GIT_AUTHOR_DATE=2021-12-01T10:00:00Z \
	GIT_COMMITTER_DATE=2021-12-01T10:00:00Z git -C "$R" commit -q -m "Sisältö"
echo '<!-- asennettu teema -->' >>"$D/usr/share/tiekartta/themes/default/templates/layout.mustache"
(cd "$R" && "$D/usr/bin/tiekartta" build -q) 2>"$W/err"
check "the installed command builds the content" test -f "$R/output/site/index.html"
check "with the theme installed beside it" grep -q 'asennettu teema' "$R/output/site/index.html"
check "and says nothing" test ! -s "$W/err"

make -s -C "$top" uninstall DESTDIR="$D" PREFIX=/usr >"$W/out" 2>&1
check "make uninstall takes them away" test -z "$(find "$D" -type f)"

finish
