#!/bin/sh
# Runs every test: the C unit tests and the command-line tests, plain and
# under ASan+UBSan and under valgrind (TK_ONLY=plain|asan|valgrind picks one). Prints each
# suite's result and one closing line "N passed, N failed".
export LC_ALL=C TZ=UTC
cd "$(dirname "$0")/.."
B=output/bin
UNIT="test_yaml test_model test_parseahead test_source test_output test_markdown test_figures test_tmpl test_chart test_export test_history test_diff"
passed=0 failed=0
# A log of its own, so two runs at once do not read each other's lines.
log=$(mktemp /tmp/tk-run-XXXXXX)
trap 'rm -f "$log"' EXIT

# Runs one suite: its last line must be "N passed, N failed".
suite() {
	label=$1; shift
	"$@" > "$log" 2>&1
	status=$?
	last=$(tail -n 1 "$log")
	p=$(echo "$last" | sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed.*/\1/p')
	f=$(echo "$last" | sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed.*/\2/p')
	if [ -z "$p" ]; then
		p=0 f=1
		echo "$label: no summary line (exit $status)"
	elif [ "$status" -ne 0 ] && [ "$f" -eq 0 ]; then
		f=1
		echo "$label: exit $status"
	fi
	if [ "$f" -ne 0 ]; then
		grep -v '\.\.\. ok$' "$log" | head -n 60
	fi
	echo "$label: $p passed, $f failed"
	passed=$((passed + p))
	failed=$((failed + f))
}

ways=${TK_ONLY:-"plain asan valgrind"}
for way in $ways; do
	case $way in
	plain) dir=$B; wrap="" ;;
	asan) dir=$B/asan; wrap="" ;;
	valgrind) dir=$B; wrap="valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect" ;;
	esac
	export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:exitcode=98
	export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
	for t in $UNIT; do
		suite "$way $t" $wrap $dir/$t
	done
	# The Mustache spec's files live beside the project, in ../shared.
	if [ -d ../shared/mustache-spec ]; then
		suite "$way mustache-spec" $wrap $dir/test_mustache_spec ../shared/mustache-spec
	else
		echo "$way mustache-spec: ../shared/mustache-spec not found; conformance not run"
	fi
	suite "$way cli" env TK="$wrap $(pwd)/$dir/tiekartta" sh tests/test_cli.sh
	suite "$way history" env TK="$wrap $(pwd)/$dir/tiekartta" sh tests/test_history.sh
	suite "$way ci-examples" env TK="$wrap $(pwd)/$dir/tiekartta" sh tests/test_ci_examples.sh
	suite "$way golden" env TK="$wrap $(pwd)/$dir/tiekartta" sh tests/test_golden.sh
	suite "$way incremental" env TK="$wrap $(pwd)/$dir/tiekartta" sh tests/test_incremental.sh
	# The bundled content against the published 10/2021 tables (a full
	# build: not under valgrind, where it would take minutes).
	suite "$way bad-input" env TK="$wrap $(pwd)/$dir/tiekartta" sh tests/test_bad.sh
	suite "$way faults" env TK="$wrap $(pwd)/$dir/tiekartta" sh tests/test_faults.sh
	if [ "$way" != valgrind ]; then
		suite "$way published" python3 tests/test_published.py "$(pwd)/$dir/tiekartta"
		suite "$way diff-cli" env TK="$wrap $(pwd)/$dir/tiekartta" sh tests/test_diff_cli.sh
	fi
done
# Every seed of the fuzzing corpus once (libFuzzer, ASan+UBSan), so a crash
# once found stays fixed.
case " $ways " in *" plain "*)
	suite "fuzz-corpus" sh tests/fuzz/run.sh regress ;;
esac
# The manual page against the program's commands, options and variables, once.
case " $ways " in *" plain "*)
	suite "manpage" env TK="$(pwd)/$B/tiekartta" sh tests/test_manpage.sh ;;
esac
# make install and the installed command's theme, once.
case " $ways " in *" plain "*)
	suite "install" sh tests/test_install.sh ;;
esac
# The site in a real browser (Chromium, axe-core, the Nu HTML Checker), once.
case " $ways " in *" plain "*)
	suite "browser" env TK="$(pwd)/$B/tiekartta" sh tests/browser/run.sh ;;
esac
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
