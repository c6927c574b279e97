. "$TOP/tests/bad/lib.sh"
graft content/status/alpha 100664 blob "$(git rev-parse HEAD:content/status/alpha/2021-11.yaml)" 2021-12.yaml
