/* view.h: the pages of the site and the view data each one receives. The
 * data is built here, in C, from the model and the figures; templates only
 * display it. */
#ifndef TK_VIEW_H
#define TK_VIEW_H

#include "history.h"
#include "model.h"
#include "value.h"

typedef struct tk_view tk_view;

typedef struct {
	char path[256];         /* output path, like "alueet/kainuu/index.html" */
	const char *template;   /* template name, like "region" */
} tk_view_page;

/* Prepares the pages of m in language lang (one of the site's languages;
 * the first is the default, at the site's root, the others under
 * "<lang>/"), all under base ("" for the current site, "versiot/<id>/"
 * for a snapshot; may be NULL). strings is the theme's interface strings for lang (borrowed,
 * may be NULL); the view borrows m, strings and lang. dirty says the
 * content had uncommitted edits. The caller frees *out. */
int tk_view_new(tk_view **out, const tk_model *m, const tk_value *strings,
    const char *lang, const char *base, int dirty);
void tk_view_free(tk_view *v);
/* Adds the page versiot/index.html listing the snapshots (list
 * borrowed: [{id, short, date, subject, href}…], newest first). */
void tk_view_add_snapshots(tk_view *v, const tk_value *list);
/* Gives organisation pages their submission history (borrowed; NULL for
 * none, as when the content has no commit). */
void tk_view_set_history(tk_view *v, const tk_history *h);

size_t tk_view_count(const tk_view *v);
const tk_view_page *tk_view_page_at(const tk_view *v, size_t i);
/* Builds page i's view data; the caller frees it. */
tk_value *tk_view_data(tk_view *v, size_t i);

/* Appends a sitemap <url> element for every page but the 404 page. */
void tk_view_sitemap(const tk_view *v, tk_buf *out);

#endif
