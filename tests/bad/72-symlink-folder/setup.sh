ln -s alpha content/status/gamma
git add content
