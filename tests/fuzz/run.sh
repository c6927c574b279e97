#!/bin/sh
# run.sh SECONDS [HARNESS...]: builds the libFuzzer harnesses with clang
# (-fsanitize=fuzzer,address,undefined) and runs each for SECONDS (default
# 60) from its seed corpus tests/fuzz/corpus/<harness>/. New inputs go to
# output/fuzz/corpus/<harness>/, crashes to output/fuzz/crashes/<harness>/
# (replay one with `output/fuzz/<harness> FILE`). Prints one line per
# harness and exits non-zero when any harness crashed. FUZZ_CC names the
# compiler (default clang); FUZZ_JOBS runs that many harnesses at once.
#
# run.sh merge [HARNESS...]: adds to tests/fuzz/corpus/ the inputs of
# output/fuzz/corpus/ that reach code the seeds do not (for review and
# commit; inputs over 4 KiB are left out).
cd "$(dirname "$0")/../.." || exit 2
secs=${1:-60}
[ $# -gt 0 ] && shift
merge="" regress=""
[ "$secs" = merge ] && merge=1 secs=0
# run.sh regress: every seed once (crashes found before stay fixed); ends
# with "N passed, N failed" for make test.
[ "$secs" = regress ] && regress=1 secs=0
all="fuzz_yaml fuzz_model fuzz_site fuzz_tmpl fuzz_markdown fuzz_diff"
harnesses=${*:-$all}
top=$(pwd)
O=output/fuzz
CC=${FUZZ_CC:-clang}
PKGS="libgit2 libcmark yaml-0.1"
FLAGS="-std=c11 -D_POSIX_C_SOURCE=200809L -g -O1 -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all"
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
mkdir -p "$O/obj"

if ! command -v "$CC" >/dev/null; then
	echo "fuzz: $CC not found; install clang and libclang-rt-dev (Debian)" >&2
	exit 2
fi

# The generator's objects, instrumented for coverage (rebuilt when a source
# or any header is newer).
objs=""
newest_h=$(ls -t generator/*.h | head -n 1)
for c in $(sed -n 's/^SRC = //p' Makefile); do
	o=$O/obj/${c%.c}.o
	if [ ! -f "$o" ] || [ "generator/$c" -nt "$o" ] || [ "$newest_h" -nt "$o" ]; then
		# shellcheck disable=SC2046
		$CC $FLAGS -fsanitize=fuzzer-no-link $(pkg-config --cflags $PKGS) \
		    -DTK_VERSION='"fuzz"' -DTK_THEME_DIR="\"$top/themes\"" \
		    -c "generator/$c" -o "$o" || exit 2
	fi
	objs="$objs $o"
done

status=0
for h in $harnesses; do
	# shellcheck disable=SC2046,SC2086
	$CC $FLAGS -fsanitize=fuzzer -Igenerator $(pkg-config --cflags $PKGS) \
	    -DTK_FIXTURE="\"$top/tests/fixtures/small\"" -DTK_THEME="\"$top/themes/default\"" \
	    "tests/fuzz/$h.c" $objs \
	    $(pkg-config --libs $PKGS) -lm -o "$O/$h" || exit 2
done

run() {
	h=$1
	case $h in
	fuzz_tmpl|fuzz_diff) max=4096 ;;
	*) max=8192 ;;
	esac
	dict=""
	[ -f "tests/fuzz/$h.dict" ] && dict="-dict=tests/fuzz/$h.dict"
	mkdir -p "$O/corpus/$h" "$O/crashes/$h"
	touch "$O/$h.start"
	# shellcheck disable=SC2086
	if [ -n "$regress" ]; then
		"$O/$h" -runs=0 -timeout=30 -rss_limit_mb=2048 -max_len=$max \
		    -artifact_prefix="$O/crashes/$h/" "tests/fuzz/corpus/$h" > "$O/$h.log" 2>&1
	else
		"$O/$h" -max_total_time="$secs" -timeout=30 -rss_limit_mb=2048 -max_len=$max \
		    -print_final_stats=1 -artifact_prefix="$O/crashes/$h/" $dict \
		    "$O/corpus/$h" "tests/fuzz/corpus/$h" > "$O/$h.log" 2>&1
	fi
	echo $? > "$O/$h.status"
}

if [ -n "$merge" ]; then
	for h in $harnesses; do
		mkdir -p "$O/corpus/$h" "$O/small/$h"
		rm -f "$O/small/$h"/*
		find "$O/corpus/$h" -type f -size -4097c -exec cp {} "$O/small/$h/" \;
		before=$(ls "tests/fuzz/corpus/$h" | wc -l)
		"$O/$h" -merge=1 -max_len=8192 "tests/fuzz/corpus/$h" "$O/small/$h" \
		    > "$O/$h.merge.log" 2>&1 || { echo "$h: merge failed, see $O/$h.merge.log"; exit 1; }
		echo "$h: $before seeds, now $(ls "tests/fuzz/corpus/$h" | wc -l)"
	done
	exit 0
fi

jobs=${FUZZ_JOBS:-1}
n=0
for h in $harnesses; do
	run "$h" &
	n=$((n + 1))
	[ $((n % jobs)) -ne 0 ] || wait
done
wait
pass=0 fail=0
for h in $harnesses; do
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$O/$h.log")
	cov=$(grep -o 'cov: [0-9]*' "$O/$h.log" | tail -n 1)
	crashes=$(find "$O/crashes/$h" -type f -newer "$O/$h.start" | wc -l)
	st=$(cat "$O/$h.status")
	if [ "$st" -eq 0 ] && [ "$crashes" -eq 0 ]; then
		pass=$((pass + 1))
		if [ -n "$regress" ]; then
			echo "$h: every seed of tests/fuzz/corpus/$h... ok"
		else
			echo "$h: ${runs:-?} runs in ${secs}s, $cov, no crash"
		fi
	else
		fail=$((fail + 1))
		status=1
		echo "$h: FAILED (exit $st, $crashes crash files in $O/crashes/$h); see $O/$h.log"
		grep -m 3 -E 'ERROR|SUMMARY|==[0-9]+==' "$O/$h.log" | sed 's/^/  /'
	fi
done
[ -n "$regress" ] && echo "$pass passed, $fail failed"
exit $status
