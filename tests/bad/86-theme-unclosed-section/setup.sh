cp -r "$TOP/themes/default" theme
printf '{{<layout}}\n{{$content}}\n{{#title}}<h1>{{title}}</h1>\n{{/content}}\n{{/layout}}\n' > theme/templates/page.mustache
