rm content/status/alpha/2021-11.yaml
ln -s ../beta/2021-10.yaml content/status/alpha/2021-11.yaml
git add -A content
