/* render.c: the pages. For now one index page that lists what the model
 * holds, so the pipeline runs end to end; the theme engine replaces it. */
#define _DEFAULT_SOURCE
#include "render.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "util.h"

void
tk_render_date_fi(char *buf, size_t n, long long t)
{
	time_t tt = (time_t)t;
	struct tm tm;

	gmtime_r(&tt, &tm);
	snprintf(buf, n, "%d.%d.%d", tm.tm_mday, tm.tm_mon + 1, tm.tm_year + 1900);
}

static void
esc(tk_buf *b, const char *s)
{
	if (s)
		tk_buf_put_html(b, s, strlen(s));
}

static void
footer(tk_buf *b, const tk_model *m, const tk_render_opts *opts)
{
	char date[32];

	tk_buf_puts(b, "<footer><p>");
	if (tk_model_commit(m)) {
		tk_render_date_fi(date, sizeof(date), tk_model_commit_time(m));
		tk_buf_puts(b, "Koottu versiosta <code>");
		esc(b, tk_model_commit(m));
		tk_buf_printf(b, "</code> (%s)", date);
		if (opts->dirty)
			tk_buf_puts(b, " ja tallentamattomista muutoksista");
	} else
		tk_buf_puts(b, "Koottu hakemistosta: sivuilla ei ole versiotunnistetta.");
	tk_buf_puts(b, "</p></footer>\n");
}

int
tk_render_site(const tk_model *m, tk_out *o, const tk_render_opts *opts, tk_diag *d)
{
	const tk_site *s = tk_model_site(m);
	tk_buf b = TK_BUF_INIT;
	size_t i;
	int rc;

	(void)d;
	tk_buf_puts(&b, "<!DOCTYPE html>\n<html lang=\"fi\">\n<head>\n<meta charset=\"utf-8\">\n"
	    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>");
	esc(&b, s->title.fi);
	tk_buf_puts(&b, "</title>\n</head>\n<body>\n<main>\n<h1>");
	esc(&b, s->title.fi);
	tk_buf_puts(&b, "</h1>\n<h2>Valmisteluryhmät</h2>\n<ul>\n");
	for (i = 0; i < tk_model_ngroups(m); i++) {
		tk_buf_puts(&b, "<li>");
		esc(&b, tk_model_group(m, i)->title.fi);
		tk_buf_puts(&b, "</li>\n");
	}
	tk_buf_puts(&b, "</ul>\n<h2>Alueet</h2>\n<ul>\n");
	for (i = 0; i < tk_model_nregions(m); i++) {
		tk_buf_puts(&b, "<li>");
		esc(&b, tk_model_region(m, i)->name.fi);
		tk_buf_puts(&b, "</li>\n");
	}
	tk_buf_puts(&b, "</ul>\n</main>\n");
	footer(&b, m, opts);
	tk_buf_puts(&b, "</body>\n</html>\n");
	rc = tk_out_write(o, "index.html", b.data, b.len);
	tk_buf_free(&b);
	return rc;
}
