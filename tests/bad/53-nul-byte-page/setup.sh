printf -- '---\ntitle: Tietoa\n---\n# Tietoa\n\nNul\0tavu.\n' > content/pages/tietoa.md
git add content
