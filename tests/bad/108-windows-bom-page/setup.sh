printf -- '\357\273\277---\ntitle: Tietoa\n---\n# Tietoa BOMista\n' > content/pages/tietoa.md
git add content
