/* fuzz_markdown.c: the Markdown wrapper. Whatever the input, the HTML
 * holds no tag cmark did not make from Markdown syntax: no raw HTML
 * passes, and no link or image keeps an unsafe address. */
#include "fuzz.h"
#include "markdown.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	tk_buf out = TK_BUF_INIT, slug = TK_BUF_INIT;
	char *s = xstrndup((const char *)data, size);

	tk_md_render(&out, (const char *)data, size);
	if (out.data && fuzz_unsafe_html(out.data)) {
		fprintf(stderr, "unsafe HTML from Markdown:\n%s\n", out.data);
		abort();
	}
	/* Slugs are ids: [a-z0-9-] only, never empty. */
	tk_md_slug(&slug, s);
	if (slug.len == 0 || strspn(slug.data, "abcdefghijklmnopqrstuvwxyz0123456789-") != slug.len)
		abort();
	tk_md_url_safe(s);
	tk_buf_free(&slug);
	tk_buf_free(&out);
	free(s);
	return 0;
}
