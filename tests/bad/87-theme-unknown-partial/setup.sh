cp -r "$TOP/themes/default" theme
printf '{{<layout}}\n{{$content}}\n<h1>{{title}}</h1>\n{{> sivupalkki}}\n{{/content}}\n{{/layout}}\n' > theme/templates/page.mustache
