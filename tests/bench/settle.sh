# settle.sh: sourced by run.sh and profile.sh. ext4 skips the inodes freed
# in the last minutes when it makes new files (recently_deleted(): 60 s, or
# 360 s while the inode table is not yet written back). Right after a run
# deleted its hundreds of thousands of files, the next run's first rows
# measured that (1 000 pages: 0.30 s instead of 0.10 s; perf: 62 % of the
# build in recently_deleted). The end of a run notes the time beside its
# workloads (settle_mark); the next waits out the rest (settle). Deleting
# takes minutes at 100x, so a run also notes that it is deleting
# (settle_begin), and the next waits for it first: one started meanwhile
# measured the deletion.
#
#   BENCH_WAIT=S   seconds to leave (default 360; 0: do not wait)

# settle DIR: waits while another run deletes its files in DIR, then until
# BENCH_WAIT seconds have passed since the mark in DIR.
settle() {
	_mark=$1/.tiekartta-bench-cleaned
	_wait=${BENCH_WAIT:-360}
	_said=
	while _pid=$(cat "$1/.tiekartta-bench-deleting" 2>/dev/null) &&
	    [ "${_pid:-0}" -gt 1 ] 2>/dev/null && kill -0 "$_pid" 2>/dev/null; do
		[ -n "$_said" ] || echo "$(basename "$0"): the run of process $_pid is deleting its files; waiting for it"
		_said=1
		sleep 5
	done
	[ -f "$_mark" ] || return 0
	_ago=$(( $(date +%s) - $(cat "$_mark" 2>/dev/null || echo 0) ))
	if [ "$_ago" -ge 0 ] && [ "$_ago" -lt "$_wait" ]; then
		echo "$(basename "$0"): the last run deleted its files ${_ago} s ago; waiting $((_wait - _ago)) s, as ext4 makes files slowly meanwhile (BENCH_WAIT=0: not)"
		sleep $((_wait - _ago))
	fi
}

# settle_begin DIR: notes that this run (process $$) is deleting its files in DIR.
settle_begin() {
	echo $$ >"$1/.tiekartta-bench-deleting" 2>/dev/null || true
}

# settle_mark DIR: notes that a run has just deleted its files in DIR.
settle_mark() {
	date +%s >"$1/.tiekartta-bench-cleaned" 2>/dev/null || true
	rm -f "$1/.tiekartta-bench-deleting"
}
