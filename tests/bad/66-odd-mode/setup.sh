. "$TOP/tests/bad/lib.sh"
blob=$(printf 'region: alpha\nperiod: 2021-12\nroadmap: 2021-06\n' | git hash-object -w --stdin)
graft content/status/alpha 100600 blob "$blob" 2021-12.yaml
