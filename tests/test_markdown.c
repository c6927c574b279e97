/* test_markdown.c: safe Markdown: raw HTML as text, only safe link
 * schemes, stable heading ids. */
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "markdown.h"
#include "util.h"

static void
md(const char *name, const char *src, const char *want)
{
	tk_buf b = TK_BUF_INIT;

	tk_md_render(&b, src, strlen(src));
	tk_check_str(name, b.data ? b.data : "", want);
	tk_buf_free(&b);
}

int
main(void)
{
	md("paragraph with emphasis", "Työ **etenee**.\n", "<p>Työ <strong>etenee</strong>.</p>\n");
	md("inline script shows as text", "a <script>alert(1)</script> b\n",
	    "<p>a &lt;script&gt;alert(1)&lt;/script&gt; b</p>\n");
	md("block HTML shows as text", "<div onclick=\"x()\">hei</div>\n",
	    "<p>&lt;div onclick=&quot;x()&quot;&gt;hei&lt;/div&gt;</p>\n");
	md("javascript: link keeps only its text", "[klikkaa](javascript:alert(1))\n",
	    "<p>klikkaa</p>\n");
	md("data: link dropped", "[x](data:text/html;base64,PHNjcmlwdD4=)\n", "<p>x</p>\n");
	md("https link kept", "[STM](https://stm.fi/a?b=1)\n",
	    "<p><a href=\"https://stm.fi/a?b=1\">STM</a></p>\n");
	md("mailto link kept", "<mailto:a@example.fi>\n",
	    "<p><a href=\"mailto:a@example.fi\">mailto:a@example.fi</a></p>\n");
	md("relative link kept", "[menetelmä](../menetelma/)\n",
	    "<p><a href=\"../menetelma/\">menetelmä</a></p>\n");
	md("unsafe image keeps its alt text", "![kuva](javascript:x)\n", "<p>kuva</p>\n");
	md("heading ids, Finnish letters, duplicates",
	    "# Yleistä\n\n## Yleistä\n\n## Ääni & *Öljy*\n",
	    "<h1 id=\"yleista\">Yleistä</h1>\n<h2 id=\"yleista-2\">Yleistä</h2>\n"
	    "<h2 id=\"aani-oljy\">Ääni &amp; <em>Öljy</em></h2>\n");
	md("empty heading gets an id", "#\n", "<h1 id=\"osio\"></h1>\n");
	tk_check("url: http", tk_md_url_safe("http://x"), NULL);
	tk_check("url: JavaScript in capitals", !tk_md_url_safe("JavaScript:alert(1)"), NULL);
	tk_check("url: vbscript", !tk_md_url_safe("vbscript:x"), NULL);
	tk_check("url: tab inside scheme", !tk_md_url_safe("java\tscript:x"), NULL);
	tk_check("url: fragment", tk_md_url_safe("#osio"), NULL);
	tk_check("url: relative with colon after slash", tk_md_url_safe("a/b:c"), NULL);
	return tk_test_end();
}
