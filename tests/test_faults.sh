#!/bin/sh
# test_faults.sh: faults while building. A full disk (failing writes
# injected by tests/faults/failwrite.c through LD_PRELOAD, and a real
# tmpfs when mounting is allowed), the process killed mid-build, an
# unwritable output folder, a missing or damaged Git object, and symbolic
# links in the output: each time the previous site stays whole, the error
# says what happened, and the next build after the fault is fixed
# succeeds. TK names the command (maybe under valgrind); CC builds the
# shim.
top=$(pwd)
: "${TK:=$top/output/bin/tiekartta}"
W=$(mktemp -d /tmp/tk-faults-XXXXXX)
trap 'umount "$W/tmpfs" 2>/dev/null; umount "$W/unwritable/output" 2>/dev/null; rm -rf "$W"' EXIT
W=$(cd "$W" && pwd -P)
. "$top/tests/lib.sh"
export LC_ALL=C TZ=UTC
export GIT_AUTHOR_NAME=Test GIT_AUTHOR_EMAIL=test@example.fi
export GIT_COMMITTER_NAME=Test GIT_COMMITTER_EMAIL=test@example.fi
export GIT_CONFIG_NOSYSTEM=1 HOME=$W
# The shim comes before the ASan runtime in the library list; say it is fine.
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0"

same() { diff -r "$1" "$2" >/dev/null 2>&1; }
# Nothing but the site and its list of page keys beside it: no staging
# folder left behind.
alone() { [ "$(ls -A "$1" | grep -vx -e site.tiekartta-pages -e site.tiekartta-spare -e site.tiekartta-parsed)" = site ]; }
clean() { ! grep -qE 'Sanitizer|runtime error:|^==[0-9]+==' "$1"; }
# build NAME CODE REPO [ENV=… …] -- [OPTIONS…]: builds REPO's HEAD (or
# --rev …) into REPO/output/site and checks the exit status.
# A shell in between takes the "Killed" notice of a killed build.
build() {
	bn=$1 code=$2 repo=$3; shift 3
	envs=""
	while [ $# -gt 0 ] && [ "$1" != -- ]; do envs="$envs $1"; shift; done
	[ $# -gt 0 ] && shift
	# shellcheck disable=SC2086
	sh -c 'cd "$1" || exit 99; o=$2 e=$3; shift 3; "$@" >"$o" 2>"$e"' sh \
	    "$repo" "$W/out" "$W/err" env $envs $TK build -q "$@" 2>/dev/null
	got=$?
	if [ "$got" -eq "$code" ] && clean "$W/err"; then
		ok "$bn"
	else
		bad "$bn" "exit $got, want $code" "$(head -n 20 "$W/err")"
	fi
}
# repo DIR CONTENT YEAR-MONTH: a repository with CONTENT committed twice,
# on the 5th and the 6th of the month (A, then B with the site's title
# changed: every page shows it, so every page changes and is written).
repo() {
	mkdir -p "$1"
	cp -r "$2" "$1/content"
	git -C "$1" init -q -b main
	git -C "$1" add -A
	GIT_AUTHOR_DATE="$3-05T10:00:00Z" GIT_COMMITTER_DATE="$3-05T10:00:00Z" \
	    git -C "$1" commit -q -m A
	git -C "$1" tag A
	sed -i -e '0,/fi: /s/fi: /fi: B /' -e '0,/sv: /s/sv: /sv: B /' "$1/content/site.yaml"
	GIT_AUTHOR_DATE="$3-06T10:00:00Z" GIT_COMMITTER_DATE="$3-06T10:00:00Z" \
	    git -C "$1" commit -q -am B
	git -C "$1" tag B
}

SO=$W/failwrite.so
if ! ${CC:-cc} -shared -fPIC -O1 -o "$SO" "$top/tests/faults/failwrite.c" -ldl 2>"$W/err"; then
	bad "the fault shim builds" "$(cat "$W/err")"
	finish
	exit 1
fi

# ---- A full disk -------------------------------------------------------
R=$W/small
repo "$R" "$top/tests/fixtures/small" 2021-12
build "reference build of B" 0 "$R" -- --rev B --out "$W/refB/site"
build "reference build of A" 0 "$R" -- --rev A
cp -a "$R/output/site" "$W/refA"
size=$(find "$W/refB/site" -type f -exec cat {} + | wc -c)
# The shim counts per process, and the two processes take pages as they
# are free: one of them writes at least half the site, so more than a
# third, whatever the split (at a half, an even split never failed).
for after in 0 3000 $((size / 3)); do
	n="disk full after $after bytes"
	build "$n: exit 3" 3 "$R" LD_PRELOAD="$SO" TK_FAIL_DIR="$R/output" TK_FAIL_AFTER=$after -- --rev B
	check "$n: says so" has "$W/err" "No space left on device"
	check "$n: the previous site is whole" same "$W/refA" "$R/output/site"
	check "$n: nothing left beside it" alone "$R/output"
done
n="close fails after 3000 bytes"
build "$n: exit 3" 3 "$R" LD_PRELOAD="$SO" TK_FAIL_DIR="$R/output" TK_FAIL_AFTER=3000 TK_FAIL_MODE=close -- --rev B
check "$n: says which file" grep -qE "^$R/output/site\.tmp-[0-9]+/.*: error: cannot write: No space left on device\$" "$W/err"
check "$n: the previous site is whole" same "$W/refA" "$R/output/site"
check "$n: nothing left beside it" alone "$R/output"
build "after the disk is freed, the build succeeds" 0 "$R" -- --rev B
check "and the site is B's" same "$W/refB/site" "$R/output/site"

# The parsed-file store copies trees in the kernel (copy_file_range); where
# that is refused, as between file systems, by hand, into the same bytes.
# (B changes site.yaml: one tree new, added at the end of A's store.)
for c in cp1 cp2; do build "the store: A into $c" 0 "$R" -- --rev A --out "$W/$c/site"; done
cp "$W/cp2/site.tiekartta-parsed" "$W/storeA"
build "the store: B over A" 0 "$R" -- --rev B --out "$W/cp1/site"
build "the store: B over A, the kernel's copy refused" 0 "$R" LD_PRELOAD="$SO" \
	TK_FAIL_DIR="$W/cp2" TK_FAIL_MODE=nocopy -- --rev B --out "$W/cp2/site"
check "the store: the same bytes either way" \
	cmp "$W/cp1/site.tiekartta-parsed" "$W/cp2/site.tiekartta-parsed"
check "the store: not A's any more" sh -c "! cmp -s '$W/cp2/site.tiekartta-parsed' '$W/storeA'"
build "the store: copied by hand, its trees verify" 0 "$R" TK_PAGECACHE=verify -- \
	--rev B --out "$W/cp2/site"
# Adding to the store fails (the shim fails that one file, refusing whole
# writes): at once, which leaves A's store whole, so the next build adds
# B's tree to it; or after B's tree, before the index, which leaves no
# footer at its end, so the next build trusts nothing and writes the store
# anew. The failing build succeeds and warns; the next one verifies what
# it trusts. B's tree: what B added to A's store less the index (64 bytes
# a tree, the footer's count) and the footer (32).
ntrees=$(od -An -t u8 -j $(($(stat -c %s "$W/cp1/site.tiekartta-parsed") - 24)) -N 8 "$W/cp1/site.tiekartta-parsed" | tr -d ' ')
tree=$(($(stat -c %s "$W/cp1/site.tiekartta-parsed") - $(stat -c %s "$W/storeA") - 64 * ntrees - 32))
P3=$W/cp3/site.tiekartta-parsed
for after in 0 "$tree"; do
	n="the store: adding fails after $after bytes"
	rm -rf "$W/cp3"
	build "$n: A first" 0 "$R" -- --rev A --out "$W/cp3/site"
	build "$n: B succeeds" 0 "$R" LD_PRELOAD="$SO" TK_FAIL_DIR="$P3" TK_FAIL_AFTER=$after -- \
		--rev B --out "$W/cp3/site"
	check "$n: says so" grep -q "warning: cannot write the parsed files beside the site (No space left on device); the next build parses every file" "$W/err"
	check "$n: the site is B's" same "$W/refB/site" "$W/cp3/site"
	ino=$(stat -c %i "$P3")
	build "$n: the next build verifies" 0 "$R" TK_PAGECACHE=verify -- --rev B --out "$W/cp3/site"
	if [ "$after" = 0 ]; then
		check "$n: A's store was whole: added to" [ "$(stat -c %i "$P3")" = "$ino" ]
	else
		check "$n: the store had no footer: written anew" [ "$(stat -c %i "$P3")" != "$ino" ]
	fi
	was=$(stat -c '%i %s' "$P3")
	build "$n: once more" 0 "$R" -- --rev B --out "$W/cp3/site"
	check "$n: then every tree is found: the store stays as it is" [ "$(stat -c '%i %s' "$P3")" = "$was" ]
done

# A real full file system, when this machine lets us mount one: a tmpfs
# with room for one site and a little more, as --out.
T=$W/tmpfs
mkdir -p "$T"
kb=$(du -sk "$W/refA" | cut -f1)
if mount -t tmpfs -o size=$((kb + 24))k tmpfs "$T" 2>"$W/err"; then
	build "tmpfs: the first build fits" 0 "$R" -- --rev A --out "$T/site"
	build "tmpfs: a second site does not fit: exit 3" 3 "$R" -- --rev B --out "$T/site"
	check "tmpfs: says so" has "$W/err" "No space left on device"
	check "tmpfs: the previous site is whole" same "$W/refA" "$T/site"
	check "tmpfs: nothing left beside it" alone "$T"
	mount -o remount,size=$((kb * 3 + 64))k "$T"
	build "tmpfs: once it grows, the build succeeds" 0 "$R" -- --rev B --out "$T/site"
	check "tmpfs: the site is B's" same "$W/refB/site" "$T/site"
	umount "$T"
else
	echo "tmpfs full: not run, mount refused: $(head -n 1 "$W/err") (the shim above covers it)"
fi

# ---- Killed mid-build -------------------------------------------------
# The bundled content; under valgrind or ASan (where a build of it takes
# minutes or many seconds) the small fixture.
case $TK in
*valgrind*|*/asan/*) K=$R; what="small fixture, instrumented" ;;
*)
	K=$W/bundled; what="bundled content"
	# Dated well after the last month the bundled records report.
	repo "$K" "$top/content" 2030-01
	build "$what: reference build of B" 0 "$K" -- --rev B --out "$W/refKB/site"
	build "$what: build of A" 0 "$K" -- --rev A
	;;
esac
rm -rf "$W/refKA"
(cd "$K" && $TK build -q --rev A) 2>/dev/null
cp -a "$K/output/site" "$W/refKA"
refKB=$W/refKB/site
[ "$K" = "$R" ] && refKB=$W/refB/site
ksize=$(find "$refKB" -type f -exec cat {} + | wc -c)
for mode in kill kill-rename; do
	n="$what: killed ($mode)"
	build "$n: by SIGKILL" 137 "$K" LD_PRELOAD="$SO" TK_FAIL_DIR="$K/output" TK_FAIL_AFTER=$((ksize / 3)) TK_FAIL_MODE=$mode -- --rev B
	check "$n: the previous site is whole" same "$W/refKA" "$K/output/site"
done
n="$what: killed just after the swap"
build "$n: by SIGKILL" 137 "$K" LD_PRELOAD="$SO" TK_FAIL_DIR="$K/output" TK_FAIL_MODE=kill-renamed -- --rev B
check "$n: the new site is whole" same "$refKB" "$K/output/site"
check "killed builds left staging folders" sh -c "ls -d '$K/output/site.tmp-'* >/dev/null 2>&1"
build "$what: the next build succeeds" 0 "$K" -- --rev A
check "$what: and it is A's site" same "$W/refKA" "$K/output/site"
check "$what: and the killed builds' folders are gone" alone "$K/output"

# And a kill from outside, at a moment nobody chose: the site is A's or B's,
# never a mixture. Tried at half, a quarter and an eighth of a build's time.
start=$(date +%s%N)
(cd "$K" && $TK build -q --rev B) 2>/dev/null
took=$(( ($(date +%s%N) - start) / 1000000 ))
killed=0
for part in 2 4 8; do
	rm -f "$W/pid"
	# shellcheck disable=SC2086
	sh -c 'cd "$1" || exit 99; shift; "$@" 2>/dev/null & echo $! > "$0"; wait $!' \
	    "$W/pid" "$K" $TK build -q --rev A 2>/dev/null &
	wrapper=$!
	while [ ! -s "$W/pid" ]; do sleep 0.01; done
	sleep "$(awk "BEGIN { print $took / $part / 1000 }")"
	kill -9 "$(cat "$W/pid")" 2>/dev/null
	wait "$wrapper"
	st=$?
	if same "$refKB" "$K/output/site"; then
		[ "$st" -eq 137 ] && killed=$((killed + 1))
	elif ! same "$W/refKA" "$K/output/site"; then
		bad "$what: kill -9 after 1/$part of a build: the site is whole" "exit $st; the site is neither A's nor B's"
		continue
	fi
	ok "$what: kill -9 after 1/$part of a build (exit $st): the site is whole"
	(cd "$K" && $TK build -q --rev B) 2>/dev/null
done
check "$what: at least one build was killed mid-way" [ "$killed" -gt 0 ]

# ---- An unwritable output folder --------------------------------------
# Not root: take away write permission. Root writes anywhere, so build as
# nobody (who does not own output/) or, when nobody cannot run the command
# (a checkout under /root, say), on a read-only bind mount.
U=$W/unwritable
cp -r "$R" "$U"
rm -rf "$U/output"
mkdir -p "$U/output"
(cd "$U" && $TK build -q --rev A) 2>/dev/null
as="" how=""
if [ "$(id -u)" -ne 0 ]; then
	chmod a-w "$U/output"
	how="write permission taken away"
	fix() { chmod u+w "$U/output"; }
elif chmod 755 "$W" && chown -R 65534:65534 "$U" && chown root:root "$U/output" &&
    setpriv --reuid=65534 --regid=65534 --clear-groups $TK --version >/dev/null 2>&1; then
	as="setpriv --reuid=65534 --regid=65534 --clear-groups"
	how="built as nobody"
	fix() { chown -R 65534:65534 "$U/output"; }
elif chown -R root:root "$U" && mount --bind "$U/output" "$U/output" 2>/dev/null &&
    mount -o remount,bind,ro "$U/output" 2>/dev/null; then
	how="read-only bind mount"
	fix() { umount "$U/output"; }
fi
if [ -n "$how" ]; then
	# shellcheck disable=SC2086
	(cd "$U" && $as $TK build -q --rev B) >"$W/out" 2>"$W/err"
	st=$?
	check "unwritable output folder ($how): exit 3" [ "$st" -eq 3 ]
	check "unwritable output folder: says so" grep -qE "^$U/output/site: error: cannot create the staging folder .*: (Permission denied|Read-only file system); check that the folder holding the site is writable\$" "$W/err"
	check "unwritable output folder: the site is whole" same "$W/refA" "$U/output/site"
	fix
	# shellcheck disable=SC2086
	(cd "$U" && $as $TK build -q --rev B) >"$W/out" 2>"$W/err"
	check "once writable, the build succeeds" [ $? -eq 0 ]
	check "and the site is B's" same "$W/refB/site" "$U/output/site"
else
	bad "unwritable output folder" "root, but neither setpriv to nobody nor a bind mount worked"
fi
chmod -R u+w "$U" 2>/dev/null

# ---- A missing or damaged Git object -----------------------------------
G=$W/objects
cp -r "$R" "$G"
(cd "$G" && $TK build -q --rev A) 2>/dev/null
objfile() { id=$(git -C "$G" rev-parse "$1"); echo "$G/.git/objects/$(echo "$id" | cut -c1-2)/$(echo "$id" | cut -c3-)"; }
# A flipped byte inside the compressed data: objects are not hashed again
# on reading (source.c), so zlib's own checksum must catch it.
flip() { python3 -c 'import sys; p = sys.argv[1]; b = bytearray(open(p, "rb").read()); b[len(b) // 2] ^= 0x10; open(p, "wb").write(bytes(b))' "$1"; }
spoil() {
	case $kind in
	missing*) rm -f "$f" ;;
	damaged*) chmod u+w "$f"; head -c 64 /dev/zero | tr '\0' 'x' > "$f" ;;
	flipped*) chmod u+w "$f"; flip "$f" ;;
	esac
}
for fault in "missing blob:B:content/status/alpha/2021-11.yaml" \
    "damaged blob:B:content/status/alpha/2021-11.yaml" \
    "flipped blob:B:content/status/alpha/2021-11.yaml" \
    "missing tree:B:content/status" "missing commit:B"; do
	kind=${fault%%:*}
	obj=${fault#*:}
	f=$(objfile "$obj")
	cp -p "$f" "$W/saved"
	spoil
	# A blob whose tree the last build kept is not read again (as Git
	# reads no object it does not need): the site is still B's.
	case $kind in
	*blob)
		build "$kind, its tree kept from the last build: the build succeeds" 0 "$G" -- --rev B
		check "$kind, its tree kept: the site is B's" same "$W/refB/site" "$G/output/site"
		cp -p "$W/saved" "$f"
		build "$kind: A again" 0 "$G" -- --rev A
		rm "$G/output/site.tiekartta-parsed"
		spoil
		;;
	esac
	build "$kind: exit 3" 3 "$G" -- --rev B
	check "$kind: the site is whole" same "$W/refA" "$G/output/site"
	check "$kind: says the repository is damaged" has "$W/err" "the repository is damaged, see 'git fsck'"
	case $kind in
	*blob) check "$kind: names the file and object" has "$W/err" "content/status/alpha/2021-11.yaml: error: cannot read its Git object $(git -C "$G" rev-parse "$obj")" ;;
	*commit) check "$kind: names the revision" has "$W/err" "revision 'B' names commit" ;;
	*tree) check "$kind: names the tree" has "$W/err" "content: error: cannot read the content's tree" ;;
	esac
	cp -p "$W/saved" "$f"
	build "$kind restored: the build succeeds" 0 "$G" -- --rev A
done

# Three damaged blobs side by side in a content of hundreds, where two
# processes share the reading (every other blob each, source.c): the
# same errors in the same order as one process gives.
M=$W/many
mkdir -p "$M"
cp -r "$top/content" "$M/content"
git -C "$M" init -q -b main
git -C "$M" add -A
GIT_AUTHOR_DATE="2022-09-05T10:00:00Z" GIT_COMMITTER_DATE="2022-09-05T10:00:00Z" git -C "$M" commit -q -m many
G=$M
for p in $(git -C "$M" ls-tree -r --name-only HEAD content/status | sed -n '40,42p'); do
	f=$(objfile "HEAD:$p")
	chmod u+w "$f"
	head -c 64 /dev/zero | tr '\0' 'x' > "$f"
done
build "three damaged blobs, one process: exit 3" 3 "$M" TK_JOBS=1
cp "$W/err" "$W/err1"
build "three damaged blobs, two processes: exit 3" 3 "$M" TK_JOBS=2
check "three damaged blobs: three errors, in the order of their paths" \
    [ "$(grep -c 'cannot read its Git object' "$W/err1")" -eq 3 ] && \
    [ "$(grep 'cannot read its Git object' "$W/err1" | cut -d: -f1)" = \
      "$(git -C "$M" ls-tree -r --name-only HEAD content/status | sed -n '40,42p')" ]
check "three damaged blobs: two processes say the same as one" cmp -s "$W/err1" "$W/err"

# ---- Output paths and symbolic links -----------------------------------
L=$W/links
cp -r "$R" "$L"
mkdir -p "$W/victim"
cp -r "$W/refA/alueet/." "$W/victim/"
echo "victim" > "$W/victim-file"
rm -rf "$L/output/site/alueet"
ln -s "$W/victim" "$L/output/site/alueet"
rm -f "$L/output/site/index.html"
ln -s "$W/victim-file" "$L/output/site/index.html"
build "symbolic links in the previous site: the build succeeds" 0 "$L" -- --rev A
check "a linked folder is replaced, not followed" [ -d "$L/output/site/alueet" ] && [ ! -L "$L/output/site/alueet" ]
check "a file behind a linked folder is neither linked nor changed" \
    [ "$(stat -c %h "$W/victim/alpha/index.html")" -eq 1 ]
check "a linked file is replaced, its target untouched" \
    sh -c "[ ! -L '$L/output/site/index.html' ] && [ \"\$(cat '$W/victim-file')\" = victim ]"
check "the site is whole" same "$W/refA" "$L/output/site"
check "the site has no symbolic link" [ -z "$(find "$L/output/site" -type l)" ]
# The old site, links and all, is now the spare the next build stages in.
build "staged in a spare with those links: the build succeeds" 0 "$L" -- --rev A
check "staged in the spare: the linked folder's files are not linked" \
    [ "$(stat -c %h "$W/victim/alpha/index.html")" -eq 1 ]
check "staged in the spare: nor changed" same "$W/refA/alueet" "$W/victim"
check "staged in the spare: the linked file is untouched" [ "$(cat "$W/victim-file")" = victim ]
check "staged in the spare: the site is whole" same "$W/refA" "$L/output/site"
check "staged in the spare: no symbolic link is left" [ -z "$(find "$L/output" -type l)" ]
ln -s "$W/victim" "$W/linked-out"
build "--out as a symbolic link is refused: exit 3" 3 "$L" -- --rev A --out "$W/linked-out"
check "--out as a symbolic link: says so" has "$W/err" "(a symbolic link is not followed)"
check "--out as a symbolic link: its target is untouched" same "$W/refA/alueet" "$W/victim"
build "--out in a new folder: the build succeeds" 0 "$L" -- --rev A --out "$W/new/deeper/site"
check "--out in a new folder: nothing is written beside it" alone "$W/new/deeper"

finish
