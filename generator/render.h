/* render.h: turns the model into the site's pages and writes them. */
#ifndef TK_RENDER_H
#define TK_RENDER_H

#include "diag.h"
#include "model.h"
#include "output.h"

typedef struct {
	const char *theme_dir;  /* the theme's folder */
	int dirty;              /* built from an uncommitted working tree */
} tk_render_opts;

/* Renders every page of the site into o. Returns 0, or negative after
 * reporting through d. */
int tk_render_site(const tk_model *m, tk_out *o, const tk_render_opts *opts, tk_diag *d);

/* Formats the model's commit date as D.M.YYYY (UTC) into buf. */
void tk_render_date_fi(char *buf, size_t n, long long t);

#endif
