#!/bin/sh
# tests/bench/profile.sh: where tiekartta's build time goes, on the benchmark workloads.
#
# Profiles `tiekartta build` on the generic workload (PROFILE_PAGES pages, default 16000)
# and on the bundled content at PROFILE_SCALE (default 100; that run takes a few minutes
# and about 10 GB of memory), with perf (sampling cpu-clock with DWARF call graphs, user
# and kernel) or, when perf cannot record here, valgrind's callgrind (slow: use a small
# PROFILE_SCALE). Prints the tables and writes them into docs/benchmarks.md between the
# profile:begin/profile:end markers (PROFILE_DOC=FILE elsewhere, - for none).
#
#   PROFILE_WORKLOADS="pages scaled"  which workloads
#   PROFILE_FREQ=N                    perf samples per second (default 499, 100x: 99)
#   PROFILE_TOP=25                    rows per table
#   PROFILE_TOOL=perf|callgrind       force the tool
#   BENCH_TMP, BENCH_KEEP, BENCH_WAIT, TIEKARTTA  as in run.sh
set -eu
cd "$(dirname "$0")/../.."
ROOT=$(pwd)
TK=${TIEKARTTA:-$ROOT/output/bin/tiekartta}
PY=${PYTHON:-python3}
BENCH=$ROOT/tests/bench
PAGES=${PROFILE_PAGES:-16000}
SCALE=${PROFILE_SCALE:-100}
WORKLOADS=${PROFILE_WORKLOADS:-pages scaled}
FREQ=${PROFILE_FREQ:-}
TOP=${PROFILE_TOP:-25}
DOC=${PROFILE_DOC:-$ROOT/docs/benchmarks.md}
export LC_ALL=C TZ=UTC

[ -x "$TK" ] || { echo "profile.sh: $TK is missing; run make first" >&2; exit 2; }
TOOL=${PROFILE_TOOL:-}
if [ -z "$TOOL" ]; then
	if command -v perf >/dev/null && perf record -q -e cpu-clock -o /dev/null true >/dev/null 2>&1; then
		TOOL=perf
	elif command -v valgrind >/dev/null; then
		TOOL=callgrind
	else
		echo "profile.sh: neither perf (linux-perf) nor valgrind works here" >&2
		exit 2
	fi
fi
TMPBASE=${BENCH_TMP:-${TMPDIR:-/tmp}}
# See settle.sh: wait until ext4 makes files at full speed again.
. "$BENCH/settle.sh"
settle "$TMPBASE"
W=$(mktemp -d "$TMPBASE/tkprof.XXXXXX")
if [ "${BENCH_KEEP:-0}" = 1 ]; then echo "profile.sh: files in $W (kept)"; else trap 'settle_begin "$TMPBASE"; rm -rf "$W"; settle_mark "$TMPBASE"' EXIT; trap 'exit 130' INT TERM; fi
# perf symbolises at report time: profile a copy, which nobody rebuilds meanwhile.
cp "$TK" "$W/tiekartta"
TK=$W/tiekartta
R=$W/report.md
: >"$R"
# Deletes wait for the end: see the ext4 note in run.sh.
mkdir "$W/trash"
trash() { for p; do [ ! -e "$p" ] || mv "$p" "$W/trash/$(date +%s%N)"; done; }
out() { printf '%s\n' "$*" >>"$R"; }

REV=$(git -C "$ROOT" describe --always --dirty 2>/dev/null || echo '?')
out "Profiled $(date -u '+%Y-%m-%d %H:%M UTC'), tiekartta at \`$REV\`, with \`sh tests/bench/profile.sh\` ($TOOL)."
if [ "$TOOL" = perf ]; then
	out "\`perf record -e cpu-clock -F FREQ --call-graph dwarf,16384\` of one build (user and kernel"
	out "samples); *inclusive* is the share of samples with the function on the stack"
	out "(\`perf report --no-inline --children\`: an inlined function counts in its caller), *self*"
	out "the share with it on top (\`--no-children\`). Leaving out \`_start\`, \`main\` and the syscall entry."
else
	out "\`valgrind --tool=callgrind\` of one build (user space only, instructions);"
	out "\`callgrind_annotate --inclusive=yes\` and \`--inclusive=no\`."
fi

# table TITLE FILE: FILE holds "inclusive self name" or "pct name" lines
perf_tables() { # DATA LABEL
	perf report -i "$1" --no-children --stdio -g none --sort dso 2>/dev/null |
		awk '/^ *[0-9.]+%/ { sub(/^ +/, ""); p = $1; $1 = ""; sub(/^ +/, ""); printf "%s%s %s", (n++ ? ", " : ""), $0, p } END { print "" }' >"$W/dso"
	perf report -i "$1" --no-inline --children --stdio -g none --sort symbol --percent-limit 0.5 2>/dev/null |
		awk '/^ *[0-9.]+%/ {
			inc = $1; self = $2; $1 = ""; $2 = ""; sub(/^ +/, "")
			sub(/ +- +- *$/, ""); sym = $0
			if (sym ~ /_start$|__libc_start|^\[k\] (entry_SYSCALL|do_syscall_64)|^\[\.\] main$/) next
			print inc "|" self "|" sym }' | head -n "$TOP" >"$W/inc"
	perf report -i "$1" --no-children --stdio -g none --sort symbol --percent-limit 0.5 2>/dev/null |
		awk '/^ *[0-9.]+%/ { self = $1; $1 = ""; sub(/^ +/, ""); sub(/ +- +- *$/, ""); print self "|" $0 }' |
		head -n 15 >"$W/self"
	samples=$(perf report -i "$1" --stdio -g none --sort dso 2>/dev/null | sed -n 's/^# Samples: \([^ ]*\)  *of.*/\1/p' | head -n 1)
	out ""
	out "$samples samples. By library (self): $(cat "$W/dso")."
	# The build's phases: inclusive shares of the pipeline's entry points, and malloc/free.
	perf report -i "$1" --no-inline --children --stdio -g none --sort symbol --percent-limit 0 2>/dev/null |
		awk '/^ *[0-9.]+%/ { inc = $1; self = $2; $1 = ""; $2 = ""; sub(/^ +/, ""); sub(/ +- +- *$/, ""); print inc "|" self "|" $0 }' >"$W/all"
	out ""
	out "The pipeline (inclusive; a function called from several phases counts in each):"
	out ""
	out "| phase | function | inclusive |"
	out "| --- | --- | ---: |"
	for f in "read the content (libgit2)|tk_source_open tk_source_read_all" \
		"load the model (YAML, validation)|tk_model_load" \
		"… parsed files kept between builds|tk_parsestore_get tk_parsestore_put tk_parsestore_put_saved tk_parsestore_save" \
		"… parsed ahead in the second process, restored in the first|tk_parseahead_start tk_parseahead_take" \
		"submission history (Git log)|tk_history_load" "render the site: pages, exports|tk_render_site" \
		"… view data of a page|tk_view_data" "… Mustache|tk_tmpl_render_with" "… Markdown|tk_md_render" \
		"… SVG charts|tk_chart_bars tk_chart_lines tk_chart_tilemap" "JSON export|tk_export_json" \
		"CSV export|tk_export_csv" "Atom feed|tk_export_atom" "write files (staging)|stage_file" \
		"swap the site in|tk_out_commit" "free view data|tk_value_free"; do
		what=${f%%|*} names=${f#*|}
		# A function and GCC's clones of it (name.part.0, .isra.0, ...) are
		# on the same stacks: the largest of them counts, once per name.
		pct=$(awk -F '|' -v names=" $names " '{ n = $3; sub(/^\[.\] /, "", n); sub(/\.(part|isra|constprop|cold)\.[0-9]+$/, "", n) }
			index(names, " " n " ") && $1 + 0 > m[n] { m[n] = $1 + 0 }
			END { for (n in m) s += m[n]; printf "%.1f%%", s }' "$W/all")
		out "| $what | \`$(printf '%s' "$names" | sed 's/ /`, `/g')\` | $pct |"
	done
	out "| malloc and free (self) | \`malloc\`, \`free\`, \`realloc\`, \`calloc\` and their \`_int_*\`, \`malloc_consolidate\`, \`unlink_chunk\` | $(awk -F '|' '{ n = $3; sub(/^\[.\] /, "", n) }
		n ~ /^(_int_malloc|_int_free|_int_realloc|malloc_consolidate|unlink_chunk.*|malloc|cfree.*|free|realloc|__libc_calloc|calloc|__libc_malloc|__libc_free|__libc_realloc|tcache_.*|_int_memalign)$/ { s += $2 }
		END { printf "%.1f%%", s }' "$W/all") |"
	out "| the kernel (self) | file system, page faults, ... | $(awk -F '|' '$3 ~ /^\[k\]/ { s += $2 } END { printf "%.1f%%", s }' "$W/all") |"
	out ""
	out "| inclusive | self | function |"
	out "| ---: | ---: | --- |"
	sed 's/^\([^|]*\)|\([^|]*\)|\(.*\)$/| \1 | \2 | `\3` |/' "$W/inc" >>"$R"
	out ""
	out "| self | function (top by self time) |"
	out "| ---: | --- |"
	sed 's/^\([^|]*\)|\(.*\)$/| \1 | `\2` |/' "$W/self" >>"$R"
}

callgrind_tables() { # OUTFILE LABEL
	callgrind_annotate --inclusive=yes "$1" 2>/dev/null | awk '/^ *[0-9,]+ \(/ && NR > 20' |
		head -n "$TOP" | sed 's/^ *\([0-9,]*\) (\([^)]*\)) *\(.*\)$/| \2 | `\3` |/' >"$W/inc"
	callgrind_annotate --inclusive=no "$1" 2>/dev/null | awk '/^ *[0-9,]+ \(/ && NR > 20' |
		head -n 15 | sed 's/^ *\([0-9,]*\) (\([^)]*\)) *\(.*\)$/| \2 | `\3` |/' >"$W/self"
	out ""
	out "| inclusive | function |"
	out "| ---: | --- |"
	cat "$W/inc" >>"$R"
	out ""
	out "| self | function |"
	out "| ---: | --- |"
	cat "$W/self" >>"$R"
}

profile() { # LABEL REPO FREQ
	label=$1 repo=$2 freq=${FREQ:-$3}
	trash "$W/out"
	echo "profile.sh: $label ($TOOL)..."
	t0=$(date +%s%N)
	if [ "$TOOL" = perf ]; then
		perf record -q -e cpu-clock -F "$freq" --call-graph dwarf,16384 -o "$W/perf.data" -- \
			"$TK" build -q --repo "$repo" --out "$W/out" >/dev/null 2>"$W/err" || { cat "$W/err" >&2; exit 3; }
	else
		valgrind --tool=callgrind --callgrind-out-file="$W/cg.out" \
			"$TK" build -q --repo "$repo" --out "$W/out" >/dev/null 2>"$W/err" || { cat "$W/err" >&2; exit 3; }
	fi
	t1=$(date +%s%N)
	out ""
	out "#### $label"
	out ""
	if [ "$TOOL" = perf ]; then out "Sampled at $freq Hz."; fi
	out "Recorded build: $(awk -v n=$((t1 - t0)) 'BEGIN { printf "%.1f", n / 1e9 }') s under the profiler, $(find "$W/out" -type f | wc -l | tr -d ' ') files written."
	out "Written by folder: $( (cd "$W/out" && find . -type f -printf '%s %P\n') | awk '
		{ i = index($2, "/"); d = i ? substr($2, 1, i) : "(top)"; b[d] += $1; n[d]++; t += $1 }
		END { for (d in b) printf "%s\t%.1f MB in %d files\n", d, b[d] / 1e6, n[d]; printf "all\t%.1f MB\n", t / 1e6 }' |
		sort -t "$(printf '\t')" -k2,2gr | awk -F '\t' '{ printf "%s%s %s", (NR > 1 ? "; " : ""), $1, $2 }')."
	if [ "$TOOL" = perf ]; then perf_tables "$W/perf.data" "$label"; else callgrind_tables "$W/cg.out" "$label"; fi
	trash "$W/out" "$W/perf.data" "$W/cg.out"
}

for wl in $WORKLOADS; do
	case $wl in
	pages)
		"$PY" "$BENCH/gen_pages.py" "$PAGES" "$W/gen" >/dev/null
		profile "generic workload, $PAGES pages" "$W/gen/tiekartta" 499
		trash "$W/gen" ;;
	scaled)
		"$PY" "$BENCH/gen_scaled.py" "$SCALE" "$W/scaled" --pack >"$W/gen.out"
		profile "bundled content ${SCALE}× ($(sed -n 's/.*: \([0-9]* organisations x [0-9]* months\).*/\1/p' "$W/gen.out" | head -n 1))" "$W/scaled" "$([ "$SCALE" -ge 100 ] && echo 99 || echo 499)"
		trash "$W/scaled" ;;
	*) echo "profile.sh: unknown workload $wl (pages, scaled)" >&2; exit 2 ;;
	esac
done

cat "$R"
if [ "$DOC" != - ]; then
	sh "$BENCH/splice.sh" "$DOC" profile Profile "$R" tests/bench/profile.sh
	echo "profile.sh: wrote $DOC"
fi
