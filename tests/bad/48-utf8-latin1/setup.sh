printf 'region: alpha\nperiod: 2021-11\nroadmap: 2021-06\nstates:\n  htt-a-1-2: k\344ynniss\344\n' > content/status/alpha/2021-11.yaml
git add content
