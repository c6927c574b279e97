#!/bin/sh
# tests/bench/run.sh: the tiekartta benchmark (issue 9). `make bench` runs it.
#
# Generates the workloads into a temporary folder, builds each several times, prints the
# tables and writes them into docs/benchmarks.md (between the bench:begin/bench:end
# markers; the rest of that file is kept). Installs nothing: Hugo comes from Debian's
# `hugo` package (apt-get install hugo) and its rows are skipped when it is missing;
# /usr/bin/time (Debian's `time`) gives CPU time and peak RSS, which are "-" without it.
#
#   BENCH_QUICK=1          a fast subset: 1 000 pages, 1x, incremental 1x, 5 history builds
#   BENCH_FULL=1           every measurement RUNS times (also 100x), all 200 history builds
#   BENCH_RUNS=N           runs per measurement, the median is reported (default 3)
#   BENCH_RUNS_BIG=N       runs of the 100x builds and of the incremental rebuilds from 10x
#                          on (default 3, as one run of 1.7 GB is easily disturbed;
#                          BENCH_QUICK: 1)
#   BENCH_SIZES="1000 ..." page counts of the generic workload (default 1000 4000 16000)
#   BENCH_SCALES="1 10 .." scales of the bundled content (default 1 10 100)
#   BENCH_INCR_SCALES="1"  scales of the incremental benchmark (default 1 10 100)
#   BENCH_HISTORY_SAMPLE=N separate builds actually run out of the 200 (default 10)
#   BENCH_SECTIONS="1 2 3 4 5" which tables (3 uses the outputs of 1 and 2)
#   BENCH_DOC=FILE         where the tables go (default docs/benchmarks.md; - for none)
#   BENCH_TMP=DIR          where the workloads go (default $TMPDIR or /tmp; 100x needs
#                          about 20 GB of disk and 10 GB of memory)
#   BENCH_MEM=DIR          a tmpfs for table 1's second run, output in memory (default
#                          /dev/shm when writable; - for none)
#   BENCH_DROP_CACHES=0    do not empty the page cache at the start (done when root)
#   BENCH_SYNC=0           no sync (untimed) before each timed command
#   BENCH_EVICT=0          no eviction of earlier runs' files before tables 2 to 4 (fresh())
#   BENCH_KEEP=1           keep the temporary folder
#   BENCH_WAIT=S           seconds to leave between a run's deletions and the next
#                          run's first file (default 360; see settle.sh)
#   TIEKARTTA=PATH         the binary (default output/bin/tiekartta; run make first)
set -eu
cd "$(dirname "$0")/../.."
ROOT=$(pwd)
TK=${TIEKARTTA:-$ROOT/output/bin/tiekartta}
PY=${PYTHON:-python3}
BENCH=$ROOT/tests/bench
export LC_ALL=C TZ=UTC

QUICK=${BENCH_QUICK:-0}
FULL=${BENCH_FULL:-0}
RUNS=${BENCH_RUNS:-3}
if [ "$QUICK" = 1 ]; then
	SIZES=${BENCH_SIZES:-1000}
	SCALES=${BENCH_SCALES:-1}
	INCR_SCALES=${BENCH_INCR_SCALES:-1}
	HSAMPLE=${BENCH_HISTORY_SAMPLE:-5}
else
	SIZES=${BENCH_SIZES:-1000 4000 16000}
	SCALES=${BENCH_SCALES:-1 10 100}
	INCR_SCALES=${BENCH_INCR_SCALES:-1 10 100}
	HSAMPLE=${BENCH_HISTORY_SAMPLE:-10}
fi
if [ "$FULL" = 1 ]; then
	RUNS_BIG=${BENCH_RUNS_BIG:-$RUNS}
	HSAMPLE=200
elif [ "$QUICK" = 1 ]; then
	RUNS_BIG=${BENCH_RUNS_BIG:-1}
else
	RUNS_BIG=${BENCH_RUNS_BIG:-3}
fi
HCOMMITS=200
SYNC=${BENCH_SYNC:-1}
EVICT=${BENCH_EVICT:-1}
SECTIONS=${BENCH_SECTIONS:-1 2 3 4 5}
DOC=${BENCH_DOC:-$ROOT/docs/benchmarks.md}
INCR_ORG=kainuu

if [ ! -x "$TK" ]; then
	echo "run.sh: $TK is missing; run make first" >&2
	exit 2
fi
TIMECMD=
if [ -x /usr/bin/time ] && /usr/bin/time -f %M -o /dev/null true 2>/dev/null; then
	TIMECMD=/usr/bin/time
else
	echo "run.sh: /usr/bin/time (Debian package 'time') is missing: no CPU time or peak RSS" >&2
fi
HUGO=$(command -v hugo || true)
if [ -z "$HUGO" ]; then
	echo "run.sh: hugo is not installed (Debian: apt-get install hugo); the Hugo rows are skipped" >&2
fi

TMPBASE=${BENCH_TMP:-${TMPDIR:-/tmp}}
# See settle.sh: wait until ext4 makes files at full speed again.
. "$BENCH/settle.sh"
settle "$TMPBASE"
W=$(mktemp -d "$TMPBASE/tkbench.XXXXXX")
# Table 1 again with the output in memory, when there is a tmpfs to write to.
MEMBASE=${BENCH_MEM:-/dev/shm}
MEMDIR=
if [ "$MEMBASE" != - ] && [ -d "$MEMBASE" ] && [ -w "$MEMBASE" ]; then
	MEMDIR=$(mktemp -d "$MEMBASE/tkbench.XXXXXX")
fi
if [ "${BENCH_KEEP:-0}" = 1 ]; then
	echo "run.sh: workloads in $W (kept)"
else
	trap 'settle_begin "$TMPBASE"; rm -rf "$W" ${MEMDIR:+"$MEMDIR"}; settle_mark "$TMPBASE"' EXIT
	trap 'exit 130' INT TERM
fi
# One run measures one version: others may rebuild output/bin or edit the theme meanwhile.
cp "$TK" "$W/tiekartta"
TKSRC=$TK
TK=$W/tiekartta
THEME=${BENCH_THEME:-$ROOT/themes/default}
CREV=$(git -C "$ROOT" rev-parse HEAD)       # the bundled content: HEAD at the start
cp -R "$THEME" "$W/theme"
R=$W/report.md
: >"$R"
FLOOR=$W/floor          # workload|output folder|build seconds|runs|CPU seconds, for table 3
: >"$FLOOR"
# Nothing is deleted before the end: removed folders are renamed into $W/trash. On an
# ext4 without a journal (this benchmark's first machine) a new inode skips every inode
# freed in the last 60 to 360 s (recently_deleted()), so deleting a tree just before a
# build made that build's file creation up to several times slower.
mkdir "$W/trash"
# shellcheck disable=SC2016
printf 'for p; do [ ! -e "$p" ] || mv "$p" "%s/trash/$(date +%%s%%N)"; done\n' "$W" >"$W/trash.sh"
TRASH="sh $W/trash.sh"
trash() { sh "$W/trash.sh" "$@"; }

# ---- helpers ----

want() { case " $SECTIONS " in *" $1 "*) return 0 ;; esac; return 1; }
say() { printf '%s\n' "$*"; }
out() { printf '%s\n' "$*" >>"$R"; }
fail() {
	say "run.sh: failed: $*" >&2
	sed -n '1,30p' "$W/cmd.err" "$W/cmd.out" >&2 || true
	exit 3
}
# fmt FORMAT NUMBER: "-" stays "-"
fmt() { case $2 in -|'') printf -- '–' ;; *) awk -v f="$1" -v x="$2" 'BEGIN { printf f, x }' ;; esac; }
# div A B [FORMAT]
div() {
	case "$1$2" in *-*|'') printf -- '–'; return ;; esac
	awk -v a="$1" -v b="$2" -v f="${3:-%.2f}" 'BEGIN { if (b + 0 == 0) printf "–"; else printf f, a / b }'
}
median() { # column of $W/runs
	awk -v c="$1" '{ print $c }' "$W/runs" | sort -g | awk '
		$1 == "-" { print "-"; exit }
		{ a[NR] = $1 }
		END { if (NR == 0) print "-"; else if (NR % 2) print a[(NR + 1) / 2]; else print (a[NR / 2] + a[NR / 2 + 1]) / 2 }'
}

# measure RUNS PREP CMD...: runs CMD RUNS times, PREP (a shell command, untimed) before
# each; sets MW (median wall seconds), MC (median user+sys seconds), MR (median peak RSS,
# KB). Wall time from date +%s%N around the command. A failing command ends the run,
# unless SOFT=1: then measure returns 1 with the first line of its errors in MFAIL.
measure() {
	_n=$1 _prep=$2
	shift 2
	: >"$W/runs"
	_i=0
	while [ "$_i" -lt "$_n" ]; do
		[ -z "$_prep" ] || sh -c "$_prep" || fail "$_prep"
		# No run starts while the writes of the one before are being
		# written back.
		[ "$SYNC" = 0 ] || sync
		_t0=$(date +%s%N)
		_rc=0
		if [ -n "$TIMECMD" ]; then
			"$TIMECMD" -f '%U %S %M' -o "$W/time" "$@" >"$W/cmd.out" 2>"$W/cmd.err" || _rc=$?
		else
			"$@" >"$W/cmd.out" 2>"$W/cmd.err" || _rc=$?
			echo "- - -" >"$W/time"
		fi
		if [ "$_rc" != 0 ]; then
			[ "${SOFT:-0}" = 1 ] || fail "$@"
			MFAIL="exit $_rc: $(grep -v '^Command exited' "$W/cmd.err" | head -n 1)"
			return 1
		fi
		_t1=$(date +%s%N)
		tail -n 1 "$W/time" | awk -v ns=$((_t1 - _t0)) '{
			if ($1 == "-") print ns / 1e9, "-", "-"; else print ns / 1e9, $1 + $2, $3 }' >>"$W/runs"
		_i=$((_i + 1))
	done
	MW=$(median 1)
	MC=$(median 2)
	MR=$(median 3)
}

files_of() { find "$1" -type f | wc -l | tr -d ' '; }
html_of() { find "$1" -type f -name '*.html' | wc -l | tr -d ' '; }
bytes_of() { find "$1" -type f -printf '%s\n' | awk '{ s += $1 } END { print s + 0 }'; }
# Files and bytes counted once per inode: a page the same in two snapshots is one file.
inodes_of() { find "$1" -type f -printf '%i\n' | sort -u | wc -l | tr -d ' '; }
ibytes_of() { find "$1" -type f -printf '%i %s\n' | sort -u | awk '{ s += $2 } END { print s + 0 }'; }
mb() { fmt '%.1f' "$(awk -v b="$1" 'BEGIN { print b / 1e6 }')"; }
rssmb() { case $1 in -) printf -- '–' ;; *) fmt '%.0f' "$(awk -v k="$1" 'BEGIN { print k / 1024 }')" ;; esac; }
load() { cut -d' ' -f1-3 /proc/loadavg; }
listing() { (cd "$1" && find . -type f -printf '%P %i %T@\n') | sort >"$2"; }
# compare BEFORE AFTER: sets KEPT REWRITTEN NEW REMOVED and BYDIR (rewritten+new per folder)
compare() {
	awk '
		NR == FNR { b[$1] = $2 " " $3; next }
		{ if (!($1 in b)) { n++; d[dir($1)]++ } else if (b[$1] != $2 " " $3) { r++; d[dir($1)]++ } else k++; seen[$1] = 1 }
		END {
			for (p in b) if (!(p in seen)) x++
			printf "%d %d %d %d ", k, r, n, x
			s = ""
			for (q in d) s = s sprintf("%s %d,", q, d[q])
			print s
		}
		function dir(p,  i) { i = index(p, "/"); return i ? substr(p, 1, i - 1) "/" : p }
	' "$1" "$2" >"$W/cmp"
	read -r KEPT REWRITTEN NEW REMOVED BYDIR <"$W/cmp"
	BYDIR=$(printf '%s' "$BYDIR" | tr ',' '\n' | sed '/^$/d' | sort -k2,2nr -k1,1 | head -n 6 |
		awk '{ printf "%s%s %s", (NR > 1 ? ", " : ""), $1, $2 }')
}
git_commit() { # DIR MESSAGE DATE
	GIT_AUTHOR_NAME=bench GIT_AUTHOR_EMAIL=bench@example.fi GIT_COMMITTER_NAME=bench \
	GIT_COMMITTER_EMAIL=bench@example.fi GIT_AUTHOR_DATE="$3" GIT_COMMITTER_DATE="$3" \
		git -C "$1" -c gc.auto=0 commit -q --no-verify --no-gpg-sign -m "$2"
}

# ---- the machine ----

START=$(date -u '+%Y-%m-%d %H:%M UTC')
# A page cache full of earlier work makes the kernel reclaim while the builds write
# (in memory above all): it is emptied first, when this runs as root.
DROPPED=no
if [ "${BENCH_DROP_CACHES:-1}" = 1 ] && [ -w /proc/sys/vm/drop_caches ]; then
	sync
	echo 1 >/proc/sys/vm/drop_caches && DROPPED=yes
fi
# fresh DIR: a PREP for each run of tables 2 to 4 that drops the cached data of every
# file this run made so far (tests/bench/evict.py) and reads DIR, the run's input (the
# repository, the output to copy), back in; fresh_rebuild reads a rebuild's. By then the kept outputs of earlier runs (see
# the notes on ext4) fill the page cache, and a build or copy that must reclaim it
# first is slowed, the copy more than the build (at 100x, 4.9 s of CPU against 0.8 s).
# Not drop_caches, which empties the whole cache, the file system's metadata with it.
# tar writes into a pipe: GNU tar does not read the files when its archive is /dev/null.
# BENCH_EVICT=0: nothing.
fresh() {
	if [ "$EVICT" = 1 ]; then
		printf "'%s' '%s' '%s' && tar cf - -C '%s' . -C '%s' . | cat >/dev/null && cat '%s' >/dev/null" \
			"$PY" "$BENCH/evict.py" "$W" "$1" "$W/theme" "$TK"
	else
		printf true
	fi
}
# fresh_rebuild S: fresh for a rebuild of S/out: its repository, and what the last
# build left, which a rebuild reads (the site and its spare, which it compares with
# what it renders; the parsed files, the list of page keys), as on a server that
# builds the site on every merge.
fresh_rebuild() {
	if [ "$EVICT" = 1 ]; then
		printf "%s && tar cf - -C '%s' out out.tiekartta-spare | cat >/dev/null && cat '%s' '%s' >/dev/null" \
			"$(fresh "$1/.git")" "$1" "$1/out.tiekartta-parsed" "$1/out.tiekartta-pages"
	else
		printf true
	fi
}
LOAD0=$(load)
CPU=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
MEM=$(awk '/^MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)
OS="Debian $(cat /etc/debian_version 2>/dev/null || echo '?')"
FS=$(df -T "$W" | awk 'NR == 2 { print $2 }')
TKV=$("$TK" --version 2>&1 | head -n 1)
if grep -q TK_JOBS "$TK"; then
	TKPAR="pages rendered by $( [ "$(nproc)" -gt 1 ] && echo 2 || echo 1) processes, TK_JOBS"
else
	TKPAR="one process"
fi
THEMEREV=$(git -C "$ROOT" log -1 --format=%h -- "$THEME" 2>/dev/null || echo '?')
[ -z "$(git -C "$ROOT" status --porcelain -- "$THEME" 2>/dev/null)" ] || THEMEREV="$THEMEREV-dirty"
REV=$(git -C "$ROOT" describe --always --dirty 2>/dev/null || echo '?')
HUGOV=$([ -n "$HUGO" ] && "$HUGO" version | sed 's/ BuildDate.*//' || echo "not installed")
say "tiekartta benchmark: $TKV ($REV), $(nproc) cores, $CPU, $MEM; load $LOAD0"
[ "$(awk -v l="${LOAD0%% *}" -v n="$(nproc)" 'BEGIN { print (l > n / 2) }')" = 0 ] ||
	say "run.sh: warning: load average $LOAD0 on $(nproc) cores: other work is running, wall times will be noisy"

# The settings given, so the command below repeats the run.
SET=$(env | grep '^BENCH_' | sort | sed "s/=\(.*\)/='\1'/" | tr '\n' ' ')
out "Run $START$([ "$QUICK" = 1 ] && printf ' (BENCH_QUICK=1: a subset)'), \`${SET}sh tests/bench/run.sh\`."
out ""
out "- Machine: $(nproc) cores ($CPU), $MEM memory, $OS, kernel $(uname -r), workloads on $FS"
out "- Programs: $TKV at \`$REV\` (\`${TKSRC#"$ROOT"/}\`, theme \`${THEME#"$ROOT"/}\` at \`$THEMEREV\`, both copied at the start), $HUGOV"
out "- Method: every figure is the median of $RUNS runs unless a row says otherwise (100× and the incremental rebuilds from 10× on: $RUNS_BIG);"
out "  wall time from \`date +%s%N\` around the command, CPU time (user + system) and peak"
out "  resident memory from \`/usr/bin/time -f '%U %S %M'\` (CPU time includes the processes a"
out "  build forks; peak RSS is that of the largest one). Each build writes into a fresh"
out "  folder; the previous one is renamed aside untimed and nothing is deleted before the end"
out "  (see the notes on ext4). $([ "$SYNC" = 0 ] && echo 'No sync: a run may pay for the writeback of the one before.' || echo '`sync`, untimed, before each timed command: no run pays for the writeback of the one before; the files a run writes stay in the page cache.') In table 1 each"
out "  program builds each workload once, untimed, before its timed runs. Page cache emptied"
out "  at the start (\`echo 1 >/proc/sys/vm/drop_caches\`, as root; BENCH_DROP_CACHES=0 not): $DROPPED. $([ "$EVICT" = 1 ] && printf 'Before each run of tables 2 to 4, untimed, the cached data of the files the benchmark made so far is dropped (tests/bench/evict.py) and the input (the repository, the output to copy; for a rebuild also the site before, its spare, the parsed files and the list of page keys, as on a server that builds on every merge) read back in' || printf 'BENCH_EVICT=0: no cached data dropped before the runs of tables 2 to 4')."
out "- Bundled content: \`content/\` of commit \`$(printf %.12s "$CREV")\`"
out "- Load average (1, 5, 15 min) at the start: $LOAD0"

# ---- 1. the generic workload: tiekartta vs Hugo ----

# both TKOUT TKPREP HUGOOUT HUGOPREP: builds $g by tiekartta and by Hugo; sets TW TC
# (tiekartta's wall and CPU seconds) and HW HC (Hugo's, "-" without Hugo).
both() {
	# One untimed build by each first: the first files a fresh workload's
	# folder gets (after the page cache was emptied, with the file system's
	# inode tables read from disk) cost more, and were charged to whichever
	# program ran first (1 000 pages: 0.22-0.30 s in three runs, 0.10-0.13 s
	# by hand).
	"$TK" build -q --theme "$W/theme" --repo "$g/tiekartta" --out "$1" >/dev/null 2>&1 || true
	[ -z "$HUGO" ] || "$HUGO" --quiet --source "$g/hugo" --destination "$3" >/dev/null 2>&1 || true
	measure "$RUNS" "$2" "$TK" build -q --theme "$W/theme" --repo "$g/tiekartta" --out "$1"
	TW=$MW TC=$MC HW=- HC=-
	if [ -n "$HUGO" ]; then
		measure "$RUNS" "$4" "$HUGO" --quiet --source "$g/hugo" --destination "$3"
		HW=$MW HC=$MC
	fi
}
# pair_row N: the table row of the last both.
pair_row() {
	echo "| $1 | $(fmt %.2f "$TW") | $(fmt %.2f "$TC") | $(div "$1" "$TW" %.0f) | $(fmt %.2f "$HW") | $(fmt %.2f "$HC") | $(div "$1" "$HW" %.0f) | $(div "$HW" "$TW" %.2f)× |"
}

if want 1; then
	say ""
	say "== 1. generic workload: N Markdown pages, one layout =="
	out ""
	out "### 1. Generic workload: N Markdown pages with front matter, one layout"
	out ""
	out "\`python3 tests/bench/gen_pages.py N DIR\` writes the same N pages (title in front matter,"
	out "about 2.5 kB of Markdown: paragraphs, a heading, a bullet list, a numbered list, a link)"
	out "as a Hugo site and as a tiekartta content tree (\`languages: [fi]\`, no organisations)."
	out ""
	out "- tiekartta: \`tiekartta build -q --repo DIR/tiekartta --out OUT\` ($TKPAR)"
	out "- Hugo: \`hugo --quiet --source DIR/hugo --destination OUT\` (taxonomies, RSS, sitemap, robots.txt off; all cores)"
	out ""
	out "| pages | tiekartta s | CPU s | pages/s | Hugo s | CPU s | pages/s | tiekartta ÷ Hugo (pages/s) |"
	out "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
	for n in $SIZES; do
		g=$W/gen$n
		"$PY" "$BENCH/gen_pages.py" "$n" "$g" >/dev/null
		"$TK" check --repo "$g/tiekartta" >"$W/cmd.out" 2>"$W/cmd.err" || fail "tiekartta check (generic $n)"
		both "$g/tout" "$TRASH '$g/tout' '$g/tout.tiekartta-pages' '$g/tout.tiekartta-spare' '$g/tout.tiekartta-parsed'" "$g/hout" "$TRASH '$g/hout'"
		say "N=$n: tiekartta ${TW}s, hugo ${HW}s, ratio $(div "$HW" "$TW" %.2f)"
		pair_row "$n" >>"$R"
		echo "generic $n pages|$g/tout|$TW|$RUNS|$TC" >>"$FLOOR"
		if [ -n "$MEMDIR" ]; then
			# The same builds with the output in memory: the generators without
			# the disk's file creation, which is the same work for both.
			m=$MEMDIR/gen$n
			both "$m/tout" "rm -rf '$m'" "$m/hout" "rm -rf '$m'"
			rm -rf "$m"
			say "N=$n in memory: tiekartta ${TW}s, hugo ${HW}s, ratio $(div "$HW" "$TW" %.2f)"
			pair_row "$n" >>"$W/memrows"
		fi
		trash "$g/hout" "$g/hugo"
	done
	if [ -n "$MEMDIR" ] && [ -s "$W/memrows" ]; then
		out ""
		out "The same, with the output in memory (\`--out\` and \`--destination\` on the tmpfs $MEMBASE):"
		out ""
		out "| pages | tiekartta s | CPU s | pages/s | Hugo s | CPU s | pages/s | tiekartta ÷ Hugo (pages/s) |"
		out "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
		cat "$W/memrows" >>"$R"
	fi
	if [ -z "$HUGO" ]; then
		out ""
		out "Hugo is not installed (\`apt-get install hugo\`): its columns are empty."
	fi
fi

# ---- 2. the bundled content at scale ----

if want 2; then
	say ""
	say "== 2. the bundled content at 1x, 10x, 100x =="
	out ""
	out "### 2. Own workload: the bundled content at scale"
	out ""
	out "\`python3 tests/bench/gen_scaled.py FACTOR DIR --pack\`: HEAD's \`content/\` with more organisations"
	out "(copies of the 23 with new ids, names, map tiles and folders) and more months (the"
	out "17 months repeated), committed on 2040-01-01 and repacked like a fresh clone."
	out "\`tiekartta build -q --repo DIR --out OUT\` builds every language of site.yaml."
	out ""
	out "| scale | organisations × months | records | content MB | HTML pages | files | wall s | CPU s | pages/s | peak RSS MB | RSS per record kB | written MB |"
	out "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
	for f in $SCALES; do
		s=$W/scaled$f
		"$PY" "$BENCH/gen_scaled.py" --rev "$CREV" "$f" "$s" --pack >"$W/gen.out" || fail "gen_scaled.py $f"
		line=$(head -n 1 "$W/gen.out")
		orgs=$(printf '%s' "$line" | sed -n 's/.*: \([0-9]*\) organisations x \([0-9]*\) months.*/\1 × \2/p')
		recs=$(printf '%s' "$line" | sed -n 's/.*: \([0-9]*\) records.*/\1/p')
		cmb=$(printf '%s' "$line" | sed -n 's/.* \([0-9.]*\) MB in .*/\1/p')
		runs=$RUNS
		[ "$f" -lt 100 ] || runs=$RUNS_BIG
		measure "$runs" "$TRASH '$s/out' '$s/out.tiekartta-pages' '$s/out.tiekartta-spare' '$s/out.tiekartta-parsed' && $(fresh "$s/.git")" "$TK" build -q --theme "$W/theme" --repo "$s" --out "$s/out"
		pages=$(html_of "$s/out")
		nf=$(files_of "$s/out")
		by=$(bytes_of "$s/out")
		per=$(case $MR in -) echo - ;; *) awk -v k="$MR" -v r="$recs" 'BEGIN { print k / r }' ;; esac)
		say "${f}x ($orgs, $recs records): ${MW}s, $pages pages, $(div "$pages" "$MW" %.0f) pages/s, RSS $(rssmb "$MR") MB, $(mb "$by") MB written"
		out "| ${f}× | $orgs | $recs | $cmb | $pages | $nf | $(fmt %.2f "$MW") | $(fmt %.2f "$MC") | $(div "$pages" "$MW" %.0f) | $(rssmb "$MR") | $(fmt %.0f "$per") | $(mb "$by") |"
		[ "$runs" = "$RUNS" ] || out "| | *$runs run* | | | | | | | | | | |"
		echo "bundled content ${f}×|$s/out|$MW|$runs|$MC" >>"$FLOOR"
		trash "$s/.git" "$s/content"
	done
fi

# ---- 3. the floor: cp -r of the same output ----

if want 3; then
	say ""
	say "== 3. the floor: cp -r of the output =="
	out ""
	out "### 3. The floor: copying the output"
	out ""
	out "\`cp -r OUT COPY\` of the output tree each build above wrote (into a fresh folder each run)."
	out ""
	out "| workload | files | MB | build s | cp -r s | build ÷ copy | build CPU s | cp -r CPU s | ÷ (CPU) |"
	out "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
	while IFS='|' read -r name dir bw runs bc; do
		runs=${runs:-$RUNS}
		measure "$runs" "$TRASH '$dir.copy' && $(fresh "$dir")" cp -r "$dir" "$dir.copy"
		say "$name: build ${bw}s, cp -r ${MW}s, ratio $(div "$bw" "$MW" %.1f)"
		out "| $name | $(files_of "$dir") | $(mb "$(bytes_of "$dir")") | $(fmt %.2f "$bw") | $(fmt %.2f "$MW") | $(div "$bw" "$MW" %.1f)× | $(fmt %.2f "$bc") | $(fmt %.2f "$MC") | $(div "$bc" "$MC" %.1f)× |"
		trash "$dir.copy" "$dir"
	done <"$FLOOR"
fi

# ---- 4. incremental: one new monthly record ----

if want 4; then
	say ""
	say "== 4. incremental: one new record =="
	out ""
	out "### 4. Incremental: one new monthly record"
	out ""
	out "The scaled content without $INCR_ORG's record of the last month is built into"
	out "OUT, twice, so that the spare (the site before, which the next build stages in) is beside it."
	out "The record is added in a new commit and \`tiekartta build --repo DIR --out OUT\` runs again into"
	out "the same OUT (restored before each run with \`cp -al\`, as hard links, with the spare, the"
	out "list of page keys and the parsed files beside it). *Rewritten* files have a new inode or"
	out "modification time;"
	out "unchanged files are linked from the previous site. *Pages rendered* are those whose inputs"
	out "changed; the others are linked unrendered (generator/pagecache.h). *No-op* rebuilds the same"
	out "commit."
	out ""
	out "Times are wall seconds with CPU seconds in brackets. *Changed files alone* is a floor"
	out "under any rebuild that leaves a correct site: copying only the files this rebuild"
	out "rewrote or added, from the new site (read back into the page cache) into a tree whose"
	out "folders were made beforehand (untimed), \`xargs cp --parents\`."
	out ""
	out "| scale | full build s | no-op rebuild s | no-op rewrote | +1 record rebuild s | rebuild ÷ full (CPU) | changed files alone s | changed files alone ÷ full | pages rendered | files | rewritten | new | kept | rewritten or new, by folder |"
	out "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |"
	: >"$W/corrected"
	for f in $INCR_SCALES; do
		s=$W/incr$f
		"$PY" "$BENCH/gen_scaled.py" --rev "$CREV" "$f" "$s" --pack --hold "$INCR_ORG" --held-to "$s.held" >"$W/gen.out" ||
			fail "gen_scaled.py $f --hold"
		runs=$RUNS
		[ "$f" -lt 10 ] || runs=$RUNS_BIG
		measure "$runs" "$TRASH '$s/out' '$s/out.tiekartta-pages' '$s/out.tiekartta-spare' '$s/out.tiekartta-parsed' && $(fresh "$s/.git")" "$TK" build -q --theme "$W/theme" --repo "$s" --out "$s/out"
		full=$MW fullc=$MC
		# Restored as hard links: the same files (inodes), as the build
		# left them, so the list of page keys beside still describes them.
		# Once more, untimed: a site built before has its spare beside it.
		"$TK" build -q --theme "$W/theme" --repo "$s" --out "$s/out" >"$W/cmd.out" 2>"$W/cmd.err" ||
			fail "the second build at ${f}x"
		cp -al "$s/out" "$s/out.a"
		cp -al "$s/out.tiekartta-spare" "$s/spare.a"
		cp "$s/out.tiekartta-pages" "$s/list.a"
		cp "$s/out.tiekartta-parsed" "$s/parsed.a"
		listing "$s/out" "$W/l0"
		measure "$runs" "$(fresh_rebuild "$s")" "$TK" build -q --theme "$W/theme" --repo "$s" --out "$s/out"
		noop=$MW noopc=$MC
		listing "$s/out" "$W/l1"
		compare "$W/l0" "$W/l1"
		noop_rw=$((REWRITTEN + NEW))
		cp -R "$s.held/status" "$s/content/"
		git -C "$s" add -A content
		git_commit "$s" "one new record" "2040-01-02T00:00:00Z"
		measure "$runs" "$TRASH '$s/out' '$s/out.tiekartta-spare' && cp -al '$s/out.a' '$s/out' && cp -al '$s/spare.a' '$s/out.tiekartta-spare' && cp '$s/list.a' '$s/out.tiekartta-pages' && cp '$s/parsed.a' '$s/out.tiekartta-parsed' && (cd '$s/out' && find . -type f -printf '%P %i %T@\n' | sort >'$W/l2') && $(fresh_rebuild "$s")" \
			"$TK" build --theme "$W/theme" --repo "$s" --out "$s/out"
		inc=$MW incc=$MC
		built=$(sed -n 's/^tiekartta: built \([0-9]*\) files (\([0-9]*\) unchanged; \([0-9]*\) of \([0-9]*\) pages rendered).*/\1 \2/p' "$W/cmd.out")
		rend=$(sed -n 's/^tiekartta: built .*; \([0-9]*\) of \([0-9]*\) pages rendered).*/\1 of \2/p' "$W/cmd.out")
		listing "$s/out" "$W/l3"
		compare "$W/l2" "$W/l3"
		total=$((KEPT + REWRITTEN + NEW))
		# The floor: the same rewritten and new files, copied and nothing else.
		awk 'NR == FNR { b[$1] = $2 " " $3; next } !($1 in b) || b[$1] != $2 " " $3 { print $1 }' \
			"$W/l2" "$W/l3" >"$W/changed"
		(cd "$s/out" && find . -type d) | sed "s|^\.|$s/fl|" >"$W/fldirs"
		measure "$runs" "$TRASH '$s/fl' && xargs mkdir -p <'$W/fldirs' && $(fresh "$s/out")" \
			sh -c "cd '$s/out' && xargs -d '\n' cp --parents -t '$s/fl' <'$W/changed'"
		flo=$MW
		[ "$(files_of "$s/fl")" = "$((REWRITTEN + NEW))" ] || fail "the changed files' copy at ${f}x"
		say "${f}x: full ${full}s, no-op ${noop}s ($noop_rw rewritten), +1 record ${inc}s: $REWRITTEN rewritten, $NEW new, $REMOVED removed, $KEPT kept of $total (tiekartta says: built/unchanged $built, pages rendered $rend); $BYDIR; the changed files alone ${flo}s"
		out "| ${f}× | $(fmt %.2f "$full") ($(fmt %.2f "$fullc")) | $(fmt %.2f "$noop") ($(fmt %.2f "$noopc")) | $noop_rw | $(fmt %.2f "$inc") ($(fmt %.2f "$incc")) | $(div "$inc" "$full" %.2f) ($(div "$incc" "$fullc" %.2f)) | $(fmt %.2f "$flo") | $(div "$flo" "$full" %.2f) | $rend | $total | $REWRITTEN | $NEW | $KEPT | $BYDIR |"
		# Then the new record corrected, as a region's next pull request
		# often does: one state, from the site with the record.
		rec=$(cd "$s.held" && ls status/$INCR_ORG/*.yaml | head -n 1)
		cp -al "$s/out" "$s/out.b"
		cp -al "$s/out.tiekartta-spare" "$s/spare.b"
		cp "$s/out.tiekartta-pages" "$s/list.b"
		cp "$s/out.tiekartta-parsed" "$s/parsed.b"
		sed -i '0,/: valmis$/s//: käynnissä/' "$s/content/$rec"
		! git -C "$s" diff --quiet -- content || fail "the correction at ${f}x changed nothing in $rec"
		git -C "$s" add -A content
		git_commit "$s" "one state corrected" "2040-01-03T00:00:00Z"
		measure "$runs" "$TRASH '$s/out' '$s/out.tiekartta-spare' && cp -al '$s/out.b' '$s/out' && cp -al '$s/spare.b' '$s/out.tiekartta-spare' && cp '$s/list.b' '$s/out.tiekartta-pages' && cp '$s/parsed.b' '$s/out.tiekartta-parsed' && (cd '$s/out' && find . -type f -printf '%P %i %T@\n' | sort >'$W/l4') && $(fresh_rebuild "$s")" \
			"$TK" build --theme "$W/theme" --repo "$s" --out "$s/out"
		crend=$(sed -n 's/^tiekartta: built .*; \([0-9]*\) of \([0-9]*\) pages rendered).*/\1 of \2/p' "$W/cmd.out")
		listing "$s/out" "$W/l5"
		compare "$W/l4" "$W/l5"
		say "${f}x: one state corrected ${MW}s: $REWRITTEN rewritten, $NEW new, $KEPT kept (pages rendered $crend); $BYDIR"
		printf '| %s× | %s (%s) | %s | %s | %s | %s | %s |\n' "$f" "$(fmt %.2f "$MW")" "$(fmt %.2f "$MC")" \
			"$(div "$MW" "$full" %.2f)" "$crend" "$REWRITTEN" "$NEW" "$BYDIR" >>"$W/corrected"
		trash "$s" "$s.held"
	done
	out ""
	out "The same site after the new record is corrected in one more commit (its first state"
	out "\`valmis\` becomes \`käynnissä\`), rebuilt into the same OUT restored as above:"
	out ""
	out "| scale | rebuild s | ÷ full | pages rendered | rewritten | new | rewritten or new, by folder |"
	out "| ---: | ---: | ---: | ---: | ---: | ---: | --- |"
	cat "$W/corrected" >>"$R"
fi

# ---- 5. history: 200 commits ----

if want 5; then
	say ""
	say "== 5. history: $HCOMMITS commits =="
	out ""
	out "### 5. History: $HCOMMITS commits"
	out ""
	"$PY" "$BENCH/gen_scaled.py" --rev "$CREV" 1 "$W/hist" --pack --history "$HCOMMITS" >"$W/gen.out" || fail "gen_scaled.py --history"
	git -C "$W/hist" rev-list --reverse HEAD >"$W/revs"
	nrev=$(wc -l <"$W/revs" | tr -d ' ')
	step=$((nrev / HSAMPLE))
	[ "$step" -ge 1 ] || step=1
	awk -v s="$step" '(NR - 1) % s == 0' "$W/revs" >"$W/sample"
	nsample=$(wc -l <"$W/sample" | tr -d ' ')
	: >"$W/hruns"
	while read -r rev; do
		measure 1 "$TRASH '$W/hout' '$W/hout.tiekartta-pages' '$W/hout.tiekartta-spare' '$W/hout.tiekartta-parsed'" "$TK" build -q --theme "$W/theme" --repo "$W/hist" --rev "$rev" --out "$W/hout"
		echo "$MW $MC" >>"$W/hruns"
	done <"$W/sample"
	trash "$W/hout"
	hmean=$(awk '{ s += $1 } END { print s / NR }' "$W/hruns")
	hcpu=$(awk '$2 != "-" { s += $2; n++ } END { print n ? s / n : "-" }' "$W/hruns")
	htotal=$(awk -v m="$hmean" -v n="$nrev" 'BEGIN { print m * n }')
	out "\`gen_scaled.py 1 DIR --history $HCOMMITS --pack\`: the 1× content, its first commit without the"
	out "$((HCOMMITS - 1)) latest records, then one commit per record."
	out ""
	out "| method | builds run | mean s per revision | mean CPU s per revision | all $nrev revisions s |"
	out "| --- | ---: | ---: | ---: | ---: |"
	if [ "$nsample" -lt "$nrev" ]; then
		how="every ${step}th revision, total = mean × $nrev"
	else
		how="every revision"
	fi
	out "| $nrev separate \`tiekartta build --rev REV --out OUT\` | $nsample ($how) | $(fmt %.2f "$hmean") | $(fmt %.2f "$hcpu") | $(fmt %.0f "$htotal") |"
	say "separate builds: $nsample run, mean ${hmean}s, $nrev revisions: ${htotal}s"
	if "$TK" build --help 2>&1 | grep -q -- '--snapshots'; then
		if SOFT=1 measure "$RUNS_BIG" "$TRASH '$W/snap' '$W/snap.tiekartta-pages' '$W/snap.tiekartta-spare' '$W/snap.tiekartta-parsed'" "$TK" build -q --theme "$W/theme" --repo "$W/hist" --snapshots all --out "$W/snap"; then
			out "| \`tiekartta build --snapshots all --out OUT\` | 1 | $(div "$MW" "$nrev" %.3f) | $(div "$MC" "$nrev" %.3f) | $(fmt %.1f "$MW") |"
			sw=$MW sc=$MC sr=$MR
			# Floors under any program that writes these snapshots: their folders
			# alone, and the whole output copied once with its hard links kept.
			ndirs=$(find "$W/snap" -type d | wc -l | tr -d ' ')
			(cd "$W/snap" && find . -type d) | sed "s|^\.|$W/sdirs|" >"$W/sdirs.list"
			measure 1 "$TRASH '$W/sdirs'" sh -c "xargs mkdir -p <'$W/sdirs.list'"
			dw=$MW dc=$MC
			measure 1 "$TRASH '$W/scopy' && $(fresh "$W/snap")" cp -r --preserve=links "$W/snap" "$W/scopy"
			cw=$MW cc=$MC
			trash "$W/sdirs" "$W/scopy"
			out "| floor: the snapshots' $ndirs folders alone, \`xargs mkdir -p\` | 1 | $(div "$dw" "$nrev" %.3f) | $(div "$dc" "$nrev" %.3f) | $(fmt %.1f "$dw") |"
			out "| floor: the snapshots' output copied, hard links kept, \`cp -r --preserve=links\` | 1 | $(div "$cw" "$nrev" %.3f) | $(div "$cc" "$nrev" %.3f) | $(fmt %.1f "$cw") |"
			out ""
			out "The goal, a tenth of the separate builds, is $(awk -v t="$htotal" 'BEGIN { printf "%.1f", t / 10 }') s; making the snapshots' folders"
			out "alone takes $(fmt %.1f "$dw") s, and copying their output $(fmt %.1f "$cw") s."
			out ""
			MW=$sw MC=$sc MR=$sr
			out "Snapshots: $(files_of "$W/snap") files, $(mb "$(bytes_of "$W/snap")") MB; written once each (the rest hard links):"
			out "$(inodes_of "$W/snap") files, $(mb "$(ibytes_of "$W/snap")") MB; peak RSS $(rssmb "$MR") MB,"
			out "$(fmt %.1f "$MC") CPU s; separate builds ÷ snapshots: $(div "$htotal" "$MW" %.1f)× (CPU: $(awk -v c="$hcpu" -v n="$nrev" -v m="$MC" 'BEGIN { if (c == "-" || m == "-" || m == 0) printf "–"; else printf "%.1f", c * n / m }')×)."
			say "snapshots: ${MW}s, ratio $(div "$htotal" "$MW" %.1f); floors: $ndirs folders ${dw}s, copy ${cw}s"
			# As a forge's CI runs it on every push (docs/ci/publish.sh): the same
			# OUT again, then after one more commit. The snapshots the last build
			# made are kept whole (generator/pagecache.h).
			# Once untimed: from the second build on, the spare is beside OUT.
			"$TK" build -q --theme "$W/theme" --repo "$W/hist" --snapshots all --out "$W/snap" \
				>"$W/cmd.out" 2>"$W/cmd.err" || fail "the second --snapshots all"
			measure 1 "" "$TK" build --theme "$W/theme" --repo "$W/hist" --snapshots all --out "$W/snap"
			nw=$MW nc=$MC
			nrend=$(sed -n 's/^tiekartta: built .*; \([0-9]*\) of \([0-9]*\) pages rendered).*/\1 of \2/p' "$W/cmd.out")
			last=$(git -C "$W/hist" ls-files content/status | tail -n 1)
			printf '# korjaus\n' >>"$W/hist/$last"
			git -C "$W/hist" add -A content
			git_commit "$W/hist" "one more commit" "2040-01-03T00:00:00Z"
			measure 1 "" "$TK" build --theme "$W/theme" --repo "$W/hist" --snapshots all --out "$W/snap"
			pw=$MW pc=$MC
			prend=$(sed -n 's/^tiekartta: built .*; \([0-9]*\) of \([0-9]*\) pages rendered).*/\1 of \2/p' "$W/cmd.out")
			out ""
			out "Rebuilding into the same OUT, as a forge's CI does on every push (docs/ci/publish.sh), once"
			out "untimed and then timed: a snapshot the last build made is kept whole, unread and unrendered,"
			out "while the program, the theme and its commit are the same."
			out ""
			out "| \`--snapshots all\` into the same OUT | s | CPU s | pages rendered | snapshots from nothing ÷ this | one separate build ÷ this |"
			out "| --- | ---: | ---: | ---: | ---: | ---: |"
			out "| the same commit again | $(fmt %.2f "$nw") | $(fmt %.2f "$nc") | $nrend | $(div "$sw" "$nw" %.0f)× | $(div "$hmean" "$nw" %.2f)× |"
			out "| after one more commit (a record corrected: \`$last\`) | $(fmt %.2f "$pw") | $(fmt %.2f "$pc") | $prend | $(div "$sw" "$pw" %.0f)× | $(div "$hmean" "$pw" %.2f)× |"
			say "snapshots again: ${nw}s ($nrend); after one more commit: ${pw}s ($prend)"
		else
			fsecs=$(awk -v ns=$(($(date +%s%N) - _t0)) 'BEGIN { printf "%.0f", ns / 1e9 }')
			out "| \`tiekartta build --snapshots all --out OUT\` | 1 | – | – | **failed** after ${fsecs} s |"
			out ""
			out "\`--snapshots all\` failed: \`$MFAIL\`"
			say "snapshots: failed after ${fsecs}s: $MFAIL"
		fi
		trash "$W/snap" "$W/snap".tmp-*
	else
		out "| \`tiekartta build --snapshots all\` | – | – | – | not available yet |"
		say "snapshots: not available yet (tiekartta build --help does not mention --snapshots)"
	fi
	trash "$W/hist"
fi

LOAD1=$(load)
out ""
out "Load average at the end: $LOAD1. Finished $(date -u '+%Y-%m-%d %H:%M UTC')."

# ---- the report ----

say ""
cat "$R"
if [ "$DOC" != - ]; then
	sh "$BENCH/splice.sh" "$DOC" bench Results "$R" tests/bench/run.sh
	say ""
	say "run.sh: wrote $DOC"
fi
