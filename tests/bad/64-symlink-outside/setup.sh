ln -s /etc/passwd content/pages/salasanat.md
git add content
