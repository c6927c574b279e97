. "$TOP/tests/bad/lib.sh"
graft content/status 040000 tree "$(raw_tree ../../alpha 100644 "$(git rev-parse HEAD:content/status/alpha/2021-11.yaml)")" delta
