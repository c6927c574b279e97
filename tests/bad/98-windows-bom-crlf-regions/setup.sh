sed -e '1s/^/\xef\xbb\xbf/' -e 's/$/\r/' -e 's/name: Beeta/name: Beeta-Windows/' "$TOP/tests/fixtures/small/regions.yaml" > content/regions.yaml
git add content
