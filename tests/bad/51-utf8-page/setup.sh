printf -- '---\ntitle: Tietoa\n---\n# Tietoa\n\nP\344\344sivu.\n' > content/pages/tietoa.md
git add content
