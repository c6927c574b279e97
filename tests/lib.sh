# tests/lib.sh: what the shell suites share, sourced after they set top, W
# and TK. Each check prints "NAME... ok" or "NAME... FAIL" with the reason;
# a suite ends with `finish`, the summary line run.sh reads.
pass=0 fail=0

ok() { pass=$((pass + 1)); echo "$1... ok"; }
bad() { fail=$((fail + 1)); echo "$1... FAIL"; shift; for l in "$@"; do echo "  $l"; done; }
# check NAME COMMAND...: passes when the command succeeds.
check() { _check=$1; shift; if "$@"; then ok "$_check"; else bad "$_check" "failed: $*"; fi; }
# has FILE TEXT: FILE holds TEXT (fixed, not a pattern).
has() { grep -qF -- "$2" "$1"; }
lacks() { ! grep -qF -- "$2" "$1"; }
tk() { $TK "$@"; }
# expect_exit NAME CODE COMMAND...: runs the command into $W/out and $W/err.
expect_exit() {
	_check=$1 _code=$2; shift 2
	"$@" >"$W/out" 2>"$W/err"
	_got=$?
	if [ "$_got" -eq "$_code" ]; then
		ok "$_check"
	else
		bad "$_check" "exit $_got, want $_code" "$(head -n 20 "$W/err")"
	fi
}
# The summary line; the suite's status.
finish() { echo "$pass passed, $fail failed"; [ "$fail" -eq 0 ]; }
