/* render.h: renders every page of the site through the theme's templates
 * and writes it, with the theme's static files and the sitemap. */
#ifndef TK_RENDER_H
#define TK_RENDER_H

#include "diag.h"
#include "history.h"
#include "model.h"
#include "output.h"
#include "pagecache.h"
#include "source.h"

/* Pages of a rendering, and how many of them were rendered rather than
 * kept from before (pagecache.h). */
typedef struct {
	size_t pages, rendered;
} tk_render_stats;

typedef struct {
	const char *theme_dir;  /* the theme's folder */
	int dirty;              /* built from an uncommitted working tree */
	const char *dump_dir;   /* write each page's view data as JSON here, or NULL */
	const tk_history *history;      /* the Git history of the records, or NULL */
	const char *base;       /* "versiot/<id>/" for a snapshot, NULL for the site */
	const tk_value *snapshots;      /* the snapshot list for versiot/, or NULL */
	/* The identity of every content file but the records (tk_render_content_id);
	 * NULL renders every page. */
	const char *content_id;
	/* The previous site's page keys, and this build's (pagecache.h), or NULL. */
	tk_pagecache *site_pages;
	/* Snapshots: the pages of the snapshot before, in memory, or NULL. */
	tk_pagecache *snapshot_pages;
	/* A snapshot's key (tk_render_snapshot_key): its pages are noted under it
	 * in site_pages, or NULL. */
	const char *snapshot_key;
	/* A snapshot's place on the mainline of history: the first commits_upto
	 * commits, the last its own. Its pages then name where they last
	 * changed (tk_view_set_commits), and a page the snapshot before had is
	 * linked to its file. NULL: each page names the snapshot's commit. */
	const tk_history *commits;
	size_t commits_upto;
	/* Render in this process only: the caller shares the work already. */
	int one_process;
	tk_render_stats *stats;         /* added to, or NULL */
} tk_render_opts;

/* Renders every page of the site into o (a snapshot, under opts->base,
 * gets its pages only: no exports, sitemap or static files). Returns 0, or negative after
 * reporting through d (theme problems are content errors: path:line:col). */
int tk_render_site(const tk_model *m, tk_out *o, const tk_render_opts *opts, tk_diag *d);

/* The program and the theme's files, hashed: 0 when the program cannot be
 * read (then nothing is kept from an earlier build). */
int tk_render_build_id(char out[41], const char *theme_dir);
/* A snapshot's key: the build's identity, the commit and whether dirty.
 * Two snapshots with one key are the same bytes. */
void tk_render_snapshot_key(char out[41], const char *build_id, const char *commit, int dirty);

/* Checks that the theme's interface strings exist for every language of
 * the site with the same keys as the first language's; each gap is an
 * error at its file and line. Returns 0, or negative. */
int tk_render_check_strings(const char *theme_dir, const tk_site *site, tk_diag *d);

/* The identity of src's files but the records (status/): with the theme
 * and the program, what every page may show. out is hex. */
void tk_render_content_id(const tk_source *src, char out[41]);

/* Formats a time (seconds since the epoch) as D.M.YYYY in UTC. */
void tk_render_date_fi(char *buf, size_t n, long long t);

#endif
