/* view.h: the pages of the site and the view data each one receives. The
 * data is built here, in C, from the model and the figures; templates only
 * display it. */
#ifndef TK_VIEW_H
#define TK_VIEW_H

#include "diff.h"
#include "figures.h"
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
 * content had uncommitted edits. table is the records' figures (tk_fig_table_new)
 * and diffs the roadmap versions compared (tk_diff_history_new), both
 * borrowed and shared between views, or NULL to make them. The caller frees
 * *out. */
int tk_view_new(tk_view **out, const tk_model *m, const tk_value *strings,
    const char *lang, const char *base, int dirty, const tk_fig_table *table,
    const tk_diff_history *diffs);
void tk_view_free(tk_view *v);
/* Adds the page versiot/index.html listing the snapshots (list
 * borrowed: [{id, short, date, subject, href}…], newest first). */
void tk_view_add_snapshots(tk_view *v, const tk_value *list);
/* Gives organisation pages their submission history, and every page the
 * commit where what it shows last changed (borrowed; NULL for none, as
 * when the content has no commit). */
void tk_view_set_history(tk_view *v, const tk_history *h);
/* For a snapshot: the mainline's first upto commits, the last its own.
 * Each page then names the commit where what it shows last changed, as on
 * the site (without, the snapshot's own commit). */
void tk_view_set_commits(tk_view *v, const tk_history *h, size_t upto);

/* What the page keys and footers are made from (the records' keys, where
 * each kind of input last changed, the national medians), the same in
 * every language. A view has its own; the views of one model, history
 * and commits can share one instead, so it is computed once: the first
 * to need a part computes it. The caller frees in after the views. */
typedef struct tk_view_inputs tk_view_inputs;
tk_view_inputs *tk_view_inputs_new(void);
void tk_view_inputs_free(tk_view_inputs *in);
void tk_view_share_inputs(tk_view *v, tk_view_inputs *in);

size_t tk_view_count(const tk_view *v);
const tk_view_page *tk_view_page_at(const tk_view *v, size_t i);
/* Builds page i's view data; the caller frees it. */
tk_value *tk_view_data(tk_view *v, size_t i);
/* Writes into x the has_k that templates see beside each list k (the
 * Mustache engine answers them, tmpl.h), so --dump-data shows them. */
void tk_view_add_has_flags(tk_value *x);

/* What page i is made from, beyond salt (the identity of the generator,
 * the theme and every content file but the records): its hex key goes to
 * out. Two builds that give a page the same key give it the same bytes,
 * so a page whose key is unchanged need not be rendered again. */
void tk_view_page_key(tk_view *v, size_t i, const char *salt, char out[41]);

/* In a snapshot the build fields are these markers, replaced as each
 * snapshot's page is written: one rendering serves every snapshot in
 * which the page is the same. */
#define TK_VIEW_LATE_COMMIT "\x1etk:commit\x1e"
#define TK_VIEW_LATE_SHORT "\x1etk:short\x1e"
#define TK_VIEW_LATE_DATE "\x1etk:date\x1e"

/* Appends a sitemap <url> element for every page but the 404 page. */
void tk_view_sitemap(const tk_view *v, tk_buf *out);

#endif
