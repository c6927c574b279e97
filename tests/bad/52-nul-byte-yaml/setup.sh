printf 'region: alpha\nperiod: 2021-11\0\nroadmap: 2021-06\n' > content/status/alpha/2021-11.yaml
git add content
