cp -r "$TOP/themes/default" theme
printf '{{<layout}}\n{{$content}}\n{{>../../../etc/passwd}}\n{{/content}}\n{{/layout}}\n' > theme/templates/page.mustache
