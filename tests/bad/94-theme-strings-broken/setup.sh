cp -r "$TOP/themes/default" theme
printf 'lang_name: Suomi\nskip: "Siirry\n' > theme/strings/fi.yaml
