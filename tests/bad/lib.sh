# lib.sh: helpers for a case's setup.sh, which runs at the top of the case's
# repository (its changes staged, not yet committed). Source it with
# `. "$TOP/tests/bad/lib.sh"`.

# graft DIR MODE TYPE ID NAME: commits HEAD's tree with the entry NAME (of
# MODE and TYPE, pointing at object ID) added to folder DIR, through
# `git mktree`, which takes modes and names that the index refuses.
graft() {
	g_dir=$1
	g_sub=$({ git ls-tree "HEAD:$g_dir"; printf '%s %s %s\t%s\n' "$2" "$3" "$4" "$5"; } |
	    git mktree --missing) || return 1
	while [ "$g_dir" != . ]; do
		g_name=${g_dir##*/}
		g_parent=$(dirname "$g_dir")
		g_sub=$({ git ls-tree "HEAD:$( [ "$g_parent" = . ] || echo "$g_parent")" |
		    { grep -v "	$g_name\$" || :; }; printf '040000 tree %s\t%s\n' "$g_sub" "$g_name"; } |
		    git mktree) || return 1
		g_dir=$g_parent
	done
	git update-ref HEAD "$(git commit-tree -p HEAD -m graft "$g_sub")"
}

# raw_tree NAME MODE ID: writes a tree of one entry without any check of
# the name (a '/' in it, say) and prints its id.
raw_tree() {
	perl -e 'print "$ARGV[1] $ARGV[0]\0", pack("H*", $ARGV[2])' "$1" "$2" "$3" |
	    git hash-object -t tree --literally -w --stdin
}
