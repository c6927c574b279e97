{ printf 'region: alpha\nperiod: 2021-11\nroadmap: 2021-06\n'; yes "# täytettä täytettä täytettä täytettä" | head -c 4194304; } > content/status/alpha/2021-11.yaml
git add content
