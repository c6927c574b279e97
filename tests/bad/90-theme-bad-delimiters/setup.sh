cp -r "$TOP/themes/default" theme
printf '{{=<%% %%>=}}\n<%%= x y z =%%>\n' > theme/templates/page.mustache
