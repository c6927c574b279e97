printf -- '---\r\ntitle: Tietoa\r\norder: 1\r\n---\r\n# Tietoa Windowsista\r\n\r\nRivi yksi\r\nrivi kaksi.\r\n' > content/pages/tietoa.md
git add content
