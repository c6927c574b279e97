/* markdown.h: Markdown to HTML through cmark, made safe for content that
 * arrives in pull requests: raw HTML shows as text, links and images keep
 * only http, https, mailto and relative addresses, and top-level headings
 * get stable ids. */
#ifndef TK_MARKDOWN_H
#define TK_MARKDOWN_H

#include <stddef.h>

#include "util.h"

/* Appends the HTML for md[0..len) to out. */
void tk_md_render(tk_buf *out, const char *md, size_t len);

/* Is url safe to link to (http, https, mailto, or relative)? */
int tk_md_url_safe(const char *url);

/* Appends a stable id made of s: lower-case ASCII letters, digits and '-'
 * (ä, å -> a, ö -> o). Empty results become "osio". */
void tk_md_slug(tk_buf *out, const char *s);

#endif
