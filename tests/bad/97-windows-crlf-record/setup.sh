printf 'region: alpha\r\nperiod: 2021-11\r\nroadmap: 2021-06\r\nstates:\r\n  htt-a-1-2:\r\n    state: valmis\r\n    note: |\r\n      Rivit p\303\244\303\244ttyv\303\244t CRLF:\303\244\303\244n.\r\n' > content/status/alpha/2021-11.yaml
git add content
