#!/bin/sh
# pull-request.sh BASE HEAD ACTOR: what a forge's CI runs on every pull
# request: validate the content at HEAD and review the change against the
# access policy, as the user the forge authenticated (ACTOR). Writes the
# review as Markdown to review.md for a pull-request comment.
# Exit status: 0 when the change may be merged.
set -u
base=$1 head=$2 actor=${3:-}
tk=${TK:-tiekartta}
$tk check --rev "$head" || exit 1
if [ -n "$actor" ]; then
	$tk review "$base" "$head" --actor "$actor" --format markdown > review.md
else
	$tk review "$base" "$head" --format markdown > review.md
fi
status=$?
cat review.md
exit $status
