cp -r "$TOP/themes/default" theme
rm theme/templates/page.mustache
