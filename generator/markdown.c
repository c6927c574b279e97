/* markdown.c: see markdown.h. The tree is edited with cmark's iterator
 * before rendering, never the HTML after it. */
#include "markdown.h"

#include <cmark.h>
#include <stdlib.h>
#include <string.h>

int
tk_md_url_safe(const char *url)
{
	size_t i;

	if (url == NULL)
		return 0;
	for (i = 0; url[i]; i++) {
		char c = url[i];

		if (c == ':') {
			return (i == 4 && strncmp(url, "http", 4) == 0) ||
			    (i == 5 && strncmp(url, "https", 5) == 0) ||
			    (i == 6 && strncmp(url, "mailto", 6) == 0);
		}
		/* A '/', '?' or '#' before any ':' means a relative address. */
		if (c == '/' || c == '?' || c == '#')
			return 1;
		/* Control characters and spaces can hide a scheme from browsers. */
		if ((unsigned char)c <= 0x20 || c == '\\')
			return 0;
	}
	return 1;
}

void
tk_md_slug(tk_buf *out, const char *s)
{
	size_t start = out->len;
	int dash = 0;

	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		char ch = 0;

		if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
			ch = (char)c;
		else if (c >= 'A' && c <= 'Z')
			ch = (char)(c - 'A' + 'a');
		else if (c == 0xc3 && s[1]) {
			unsigned char n = (unsigned char)s[1];

			/* ä Ä å Å -> a, ö Ö -> o */
			if (n == 0xa4 || n == 0x84 || n == 0xa5 || n == 0x85)
				ch = 'a';
			else if (n == 0xb6 || n == 0x96)
				ch = 'o';
			s++;
		}
		if (ch) {
			if (dash && out->len > start)
				tk_buf_putc(out, '-');
			dash = 0;
			tk_buf_putc(out, ch);
		} else if (c == ' ' || c == '-' || c == '_' || c == '.')
			dash = 1;
	}
	if (out->len == start)
		tk_buf_puts(out, "osio");
}

/* Replaces node by its children (an unsafe link keeps its text). */
static void
unwrap(cmark_node *node)
{
	cmark_node *kid;

	while ((kid = cmark_node_first_child(node)) != NULL)
		cmark_node_insert_before(node, kid);
	cmark_node_free(node);
}

/* Raw HTML becomes text, so a coordinator sees what was typed. */
static void
html_to_text(cmark_node *node)
{
	const char *lit = cmark_node_get_literal(node);
	cmark_node *text = cmark_node_new(CMARK_NODE_TEXT);
	size_t n = lit ? strlen(lit) : 0;
	char *s;

	while (n > 0 && (lit[n - 1] == '\n' || lit[n - 1] == '\r'))
		n--;
	s = xstrndup(lit ? lit : "", n);
	cmark_node_set_literal(text, s);
	free(s);
	if (cmark_node_get_type(node) == CMARK_NODE_HTML_BLOCK) {
		cmark_node *para = cmark_node_new(CMARK_NODE_PARAGRAPH);

		cmark_node_append_child(para, text);
		text = para;
	}
	cmark_node_replace(node, text);
	cmark_node_free(node);
}

static void
text_of(tk_buf *b, cmark_node *node)
{
	cmark_iter *it = cmark_iter_new(node);
	cmark_event_type ev;

	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node *n = cmark_iter_get_node(it);
		cmark_node_type t = cmark_node_get_type(n);

		if (ev == CMARK_EVENT_ENTER && (t == CMARK_NODE_TEXT || t == CMARK_NODE_CODE))
			tk_buf_puts(b, cmark_node_get_literal(n));
	}
	cmark_iter_free(it);
}

void
tk_md_render(tk_buf *out, const char *md, size_t len)
{
	cmark_node *doc = cmark_parse_document(md, len, CMARK_OPT_DEFAULT);
	cmark_iter *it = cmark_iter_new(doc);
	cmark_event_type ev;
	cmark_node **edits = NULL, *block;
	size_t nedits = 0, cap = 0, i;
	tk_buf slug = TK_BUF_INIT, text = TK_BUF_INIT;
	tk_strmap *seen = tk_strmap_new();
	char **keys = NULL;
	size_t nkeys = 0;

	/* Collect first, edit after: the iterator must not see a changed tree. */
	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node *n = cmark_iter_get_node(it);
		cmark_node_type t = cmark_node_get_type(n);
		int bad = 0;

		if (ev != CMARK_EVENT_ENTER)
			continue;
		if (t == CMARK_NODE_HTML_BLOCK || t == CMARK_NODE_HTML_INLINE)
			bad = 1;
		else if ((t == CMARK_NODE_LINK || t == CMARK_NODE_IMAGE) &&
		    !tk_md_url_safe(cmark_node_get_url(n)))
			bad = 1;
		if (!bad)
			continue;
		if (nedits == cap) {
			cap = cap ? cap * 2 : 8;
			edits = xrealloc(edits, cap * sizeof(*edits));
		}
		edits[nedits++] = n;
	}
	cmark_iter_free(it);
	/* Innermost last in document order; edit from the end so a parent
	 * is never freed before its child is handled. */
	for (i = nedits; i-- > 0;) {
		cmark_node_type t = cmark_node_get_type(edits[i]);

		if (t == CMARK_NODE_HTML_BLOCK || t == CMARK_NODE_HTML_INLINE)
			html_to_text(edits[i]);
		else
			unwrap(edits[i]);
	}
	free(edits);

	for (block = cmark_node_first_child(doc); block; block = cmark_node_next(block)) {
		char *html;

		if (cmark_node_get_type(block) == CMARK_NODE_HEADING) {
			cmark_node *kid;
			int level = cmark_node_get_heading_level(block), n = 2;

			tk_buf_reset(&text);
			text_of(&text, block);
			tk_buf_reset(&slug);
			tk_md_slug(&slug, text.data ? text.data : "");
			while (tk_strmap_get(seen, slug.data)) {
				tk_buf_reset(&slug);
				tk_md_slug(&slug, text.data ? text.data : "");
				tk_buf_printf(&slug, "-%d", n++);
			}
			keys = xrealloc(keys, (nkeys + 1) * sizeof(*keys));
			keys[nkeys] = xstrdup(slug.data);
			tk_strmap_put(seen, keys[nkeys], keys[nkeys]);
			nkeys++;
			tk_buf_printf(out, "<h%d id=\"%s\">", level, slug.data);
			for (kid = cmark_node_first_child(block); kid; kid = cmark_node_next(kid)) {
				html = cmark_render_html(kid, CMARK_OPT_DEFAULT);
				tk_buf_puts(out, html);
				free(html);
			}
			tk_buf_printf(out, "</h%d>\n", level);
			continue;
		}
		html = cmark_render_html(block, CMARK_OPT_DEFAULT);
		tk_buf_puts(out, html);
		free(html);
	}
	for (i = 0; i < nkeys; i++)
		free(keys[i]);
	free(keys);
	tk_strmap_free(seen);
	tk_buf_free(&slug);
	tk_buf_free(&text);
	cmark_node_free(doc);
}
