#!/bin/sh
# publish.sh OUT: what a forge's CI runs on every push to main: build the
# site from the pushed commit, with a snapshot of every commit that changed
# the content, into OUT. A failed build leaves OUT as it was.
set -eu
out=${1:-public}
tk=${TK:-tiekartta}
$tk build --snapshots all --out "$out"
