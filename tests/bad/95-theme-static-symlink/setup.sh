cp -r "$TOP/themes/default" theme
ln -s /etc/passwd theme/static/salasanat.txt
