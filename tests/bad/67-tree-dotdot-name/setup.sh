. "$TOP/tests/bad/lib.sh"
graft content/status/alpha 100644 blob "$(git rev-parse HEAD:content/status/alpha/2021-11.yaml)" ..
