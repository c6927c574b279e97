chmod +x content/status/alpha/2021-11.yaml
git add content
