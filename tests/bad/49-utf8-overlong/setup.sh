printf 'region: alpha\nperiod: 2021-11\nroadmap: 2021-06\nrisks:\n  - {theme: muu, text: "\300\257etc"}\n' > content/status/alpha/2021-11.yaml
git add content
