printf '\357\273\277region: alpha\nperiod: 2021-11\nroadmap: 2021-06\nstates:\n  htt-a-1-2: {state: valmis, note: "BOM-merkki alussa"}\n' > content/status/alpha/2021-11.yaml
git add content
