/* render.c: the theme (templates, interface strings, static files) meets
 * the view data. A theme is a folder:
 *
 *   templates/<name>.mustache   a template per page kind, partials, layouts
 *   strings/<lang>.yaml         interface strings, given to every page as t
 *   static/…                    copied as they are (CSS, images)
 */
#define _DEFAULT_SOURCE
#include "render.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdatomic.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <signal.h>
#include <unistd.h>
#include <time.h>

#include "export.h"
#include "tmpl.h"
#include "util.h"
#include "value.h"
#include "view.h"
#include "yaml.h"

void
tk_render_date_fi(char *buf, size_t n, long long t)
{
	time_t tt = (time_t)t;
	struct tm tm;

	gmtime_r(&tt, &tm);
	snprintf(buf, n, "%d.%d.%d", tm.tm_mday, tm.tm_mon + 1, tm.tm_year + 1900);
}

static int
load_strings(tk_value **out, const char *theme, const char *lang, tk_diag *d)
{
	char *path = xasprintf("%s/strings/%s.yaml", theme, lang), *buf = NULL;
	tk_ydoc *doc = NULL;
	size_t len;
	int rc = -1;

	*out = NULL;
	if (tk_read_file(&buf, &len, path) < 0) {
		tk_diag_error(d, path, 0, 0, "cannot read the theme's interface strings: %s; "
		    "check --theme", strerror(errno));
		goto out;
	}
	if (tk_yaml_load(&doc, path, buf, len, NULL, d) < 0)
		goto out;
	if (tk_value_from_yaml(out, tk_yaml_root(doc), path, d) < 0)
		goto out;
	if (tk_value_kind_of(*out) != TK_VALUE_MAP) {
		tk_diag_error(d, path, 1, 1, "interface strings must be a map of names to texts");
		tk_value_free(*out);
		*out = NULL;
		goto out;
	}
	rc = 0;
out:
	tk_yaml_free(doc);
	free(buf);
	free(path);
	return rc;
}

/* Reports keys of want (path wpath) missing from or shaped differently in
 * got (path gpath). prefix is the dotted path so far. */
static int
compare_keys(const tk_ynode *want, const char *wpath, const tk_ynode *got, const char *gpath,
    const char *prefix, tk_diag *d)
{
	size_t i;
	int rc = 0;

	for (i = 0; i + 1 < want->n; i += 2) {
		const tk_ynode *k = want->kids[i], *wv = want->kids[i + 1];
		const tk_ynode *gv = tk_yaml_get(got, k->str);
		char *path = *prefix ? xasprintf("%s.%s", prefix, k->str) : xstrdup(k->str);

		if (gv == NULL) {
			tk_diag_error(d, gpath, got->line, got->col, "missing '%s' (%s:%d:%d has it); "
			    "add the translation", path, wpath, k->line, k->col);
			rc = -1;
		} else if ((wv->kind == TK_YAML_MAP) != (gv->kind == TK_YAML_MAP)) {
			tk_diag_error(d, gpath, gv->line, gv->col, "'%s' must be %s, as in %s", path,
			    wv->kind == TK_YAML_MAP ? "a map" : "a text", wpath);
			rc = -1;
		} else if (wv->kind == TK_YAML_MAP && compare_keys(wv, wpath, gv, gpath, path, d) < 0)
			rc = -1;
		free(path);
	}
	for (i = 0; i + 1 < got->n; i += 2)
		if (tk_yaml_get(want, got->kids[i]->str) == NULL) {
			tk_diag_error(d, gpath, got->kids[i]->line, got->kids[i]->col,
			    "'%s%s%s' is not in %s; remove it or add it there", prefix,
			    *prefix ? "." : "", got->kids[i]->str, wpath);
			rc = -1;
		}
	return rc;
}

int
tk_render_check_strings(const char *theme_dir, const tk_site *site, tk_diag *d)
{
	tk_ydoc *docs[3] = { NULL, NULL, NULL };
	char *paths[3] = { NULL, NULL, NULL }, *bufs[3] = { NULL, NULL, NULL };
	size_t i, len, n = site->nlanguages < 3 ? site->nlanguages : 3;
	int rc = 0;

	for (i = 0; i < n; i++) {
		paths[i] = xasprintf("%s/strings/%s.yaml", theme_dir, site->languages[i]);
		if (tk_read_file(&bufs[i], &len, paths[i]) < 0) {
			tk_diag_error(d, paths[i], 0, 0, "cannot read: %s; the site's languages "
			    "need the theme's strings in each", strerror(errno));
			rc = -1;
			continue;
		}
		if (tk_yaml_load(&docs[i], paths[i], bufs[i], len, NULL, d) < 0) {
			rc = -1;
			continue;
		}
		if (tk_yaml_root(docs[i]) == NULL || tk_yaml_root(docs[i])->kind != TK_YAML_MAP) {
			tk_diag_error(d, paths[i], 1, 1, "interface strings must be a map of names "
			    "to texts");
			rc = -1;
			tk_yaml_free(docs[i]);
			docs[i] = NULL;
		}
	}
	for (i = 1; i < n && docs[0]; i++)
		if (docs[i] && compare_keys(tk_yaml_root(docs[0]), paths[0],
		    tk_yaml_root(docs[i]), paths[i], "", d) < 0)
			rc = -1;
	for (i = 0; i < 3; i++) {
		tk_yaml_free(docs[i]);
		free(paths[i]);
		free(bufs[i]);
	}
	return rc;
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The names in folder dir but "." and ".." (and hidden ones unless hidden
 * is set), sorted, so nothing depends on readdir's order. Negative when
 * dir cannot be read (errno says why). The caller frees each and *out. */
static int
sorted_names(const char *dir, int hidden, char ***out, size_t *n)
{
	DIR *dp = opendir(dir);
	struct dirent *de;

	*out = NULL;
	*n = 0;
	if (dp == NULL)
		return -1;
	while ((de = readdir(dp)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0 ||
		    (!hidden && de->d_name[0] == '.'))
			continue;
		*out = xrealloc(*out, (*n + 1) * sizeof(**out));
		(*out)[(*n)++] = xstrdup(de->d_name);
	}
	closedir(dp);
	if (*n)
		qsort(*out, *n, sizeof(**out), cmp_str);
	return 0;
}

/* Copies the theme's static files, in sorted order; links and special
 * files are refused like in content. */
static int
copy_static(tk_out *o, const char *dir, const char *rel, tk_diag *d)
{
	char **names;
	size_t n, i;
	int rc = 0;

	if (sorted_names(dir, 0, &names, &n) < 0)
		return errno == ENOENT && *rel == '\0' ? 0 : -1;
	for (i = 0; i < n; i++) {
		char *full = xasprintf("%s/%s", dir, names[i]);
		char *r = *rel ? xasprintf("%s/%s", rel, names[i]) : xstrdup(names[i]);
		struct stat st;

		if (lstat(full, &st) != 0)
			rc = -1;
		else if (S_ISDIR(st.st_mode)) {
			if (copy_static(o, full, r, d) < 0)
				rc = -1;
		} else if (S_ISREG(st.st_mode)) {
			char *buf;
			size_t len;

			if (tk_read_file(&buf, &len, full) < 0) {
				tk_diag_error(d, full, 0, 0, "cannot read: %s", strerror(errno));
				rc = -1;
			} else {
				if (tk_out_write(o, r, buf, len) < 0)
					rc = -1;
				free(buf);
			}
		} else {
			tk_diag_error(d, full, 0, 0, "not a regular file; a theme's static "
			    "folder holds only files and folders");
			rc = -1;
		}
		free(full);
		free(r);
		free(names[i]);
	}
	free(names);
	return rc;
}

static int
dump(const char *dir, const char *path, const tk_value *data, tk_diag *d)
{
	char *file = xasprintf("%s/%s.json", dir, path), *p;
	tk_buf b = TK_BUF_INIT;
	FILE *f;
	int rc = -1;

	for (p = file + strlen(dir) + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		mkdir(file, 0755);
		*p = '/';
	}
	tk_value_write_json(&b, data, 1);
	if ((f = fopen(file, "w")) == NULL || fwrite(b.data, 1, b.len, f) != b.len) {
		tk_diag_error(d, file, 0, 0, "cannot write the view data: %s", strerror(errno));
	} else
		rc = 0;
	if (f && fclose(f) != 0)
		rc = -1;
	tk_buf_free(&b);
	free(file);
	return rc;
}

/* How pages are kept between renderings (pagecache.h). */
typedef struct {
	const char *salt;       /* NULL: render every page */
	tk_pagecache_mode mode;
	tk_pagecache *site;     /* the site's list of keys, or NULL */
	tk_pagecache *snap;     /* a snapshot's pages in memory, or NULL */
	/* A snapshot's pages name where they last changed, not the snapshot
	 * (tk_view_set_commits): a page the snapshot before had is the same
	 * file, linked. Otherwise they carry markers for its commit. */
	int linked;
	const char *commit;     /* a snapshot's commit, for the markers */
	char date[32];
	size_t pages, rendered; /* by this process */
	const tk_fig_table *table;      /* the records' figures, for every view and export */
	const tk_diff_history *diffs;   /* the roadmap versions compared, likewise */
	tk_view_inputs *inputs;         /* what every view's page keys share */
	/* A snapshot's pages go into the site's list under the snapshot's
	 * key, so the next build can keep the snapshot whole. */
	tk_pagecache *snap_list;
	const char *snap_key;
	/* Two processes share the work by claiming items (the pages in
	 * order, then the exports) from a counter in shared memory: whichever
	 * is free takes the next, so neither waits for the other. */
	atomic_size_t *claim;   /* NULL: this process takes every item */
	size_t item;            /* the next item this process comes to */
	size_t mine;            /* the item it has claimed */
} memo;

/* Is the next item this process's? Then it claims another. */
static int
take(memo *mm)
{
	size_t i = mm->item++;

	if (mm->claim == NULL)
		return 1;
	if (i != mm->mine)
		return 0;
	mm->mine = atomic_fetch_add(mm->claim, 1);
	return 1;
}

/* Appends data with the snapshot markers (view.h) filled in. */
static void
put_late(tk_buf *out, const char *data, size_t len, const memo *mm)
{
	static const char *const marks[3] = { TK_VIEW_LATE_COMMIT, TK_VIEW_LATE_SHORT,
		TK_VIEW_LATE_DATE };
	const char *p = data, *end = data + len, *hit;
	size_t k;

	while (p < end && (hit = memchr(p, '\x1e', (size_t)(end - p))) != NULL) {
		tk_buf_put(out, p, (size_t)(hit - p));
		for (k = 0; k < 3; k++)
			if ((size_t)(end - hit) >= strlen(marks[k]) &&
			    memcmp(hit, marks[k], strlen(marks[k])) == 0)
				break;
		if (k == 3) {
			tk_buf_putc(out, *hit);
			p = hit + 1;
			continue;
		}
		if (k == 2)
			tk_buf_puts(out, mm->date);
		else    /* the whole id, or its first 12 digits */
			tk_buf_put(out, mm->commit, k == 0 || strlen(mm->commit) < 12 ?
			    strlen(mm->commit) : 12);
		p = hit + strlen(marks[k]);
	}
	tk_buf_put(out, p, (size_t)(end - p));
}

/* A snapshot's page: from memory when the snapshot before had it. */
static int
write_snapshot_page(tk_out *o, const char *path, const char *data, size_t len,
    const memo *mm)
{
	tk_buf b = TK_BUF_INIT;
	int rc;

	put_late(&b, data, len, mm);
	rc = tk_out_write(o, path, b.data ? b.data : "", b.len);
	tk_buf_free(&b);
	return rc;
}

/* One language's pages: those this process takes (take), each noted with
 * its key for the site's list. */
static int
render_lang(const tk_model *m, tk_out *o, const tk_render_opts *opts, const char *lang,
    const tk_value *strings, tk_tmpl_env *env, const char *tdir, tk_buf *sitemap,
    memo *mm, tk_diag *d)
{
	tk_value *globals = NULL;
	tk_value_arena *arena = tk_value_arena_new();
	tk_view *v = NULL;
	tk_buf b = TK_BUF_INIT;
	size_t i;
	int rc = -1;

	globals = tk_value_map();
	tk_value_map_set(globals, "t", tk_value_copy(strings));
	tk_view_new(&v, m, strings, lang, opts->base, opts->dirty, mm->table, mm->diffs);
	tk_view_set_history(v, opts->history);
	if (opts->base && opts->commits)
		tk_view_set_commits(v, opts->commits, opts->commits_upto);
	if (opts->snapshots)
		tk_view_add_snapshots(v, opts->snapshots);
	tk_view_share_inputs(v, mm->inputs);
	for (i = 0; i < tk_view_count(v); i++) {
		const tk_view_page *pg = tk_view_page_at(v, i);
		const tk_buf *had = NULL;
		const char *from = NULL;
		const tk_tmpl *t;
		tk_value *data;
		char key[41] = "";
		int r, kept;

		if (!take(mm))
			continue;
		if (mm->salt)
			tk_view_page_key(v, i, mm->salt, key);
		if (mm->snap_list)
			tk_pagecache_note(mm->snap_list, pg->path, mm->snap_key);
		mm->pages++;
		/* Kept from before: linked from the previous site (its key noted
		 * either way), or a snapshot's page from memory. verify renders it
		 * all the same, to compare. */
		kept = 0;
		if (mm->site && tk_pagecache_reuse(mm->site, o, pg->path, key))
			kept = 1;
		else if (mm->snap && (had = tk_pagecache_find(mm->snap, key, &from)) != NULL) {
			if ((from ? tk_out_link(o, from, pg->path, had->data ? had->data : "",
			    had->len) : write_snapshot_page(o, pg->path, had->data ? had->data : "",
			    had->len, mm)) < 0)
				goto out;
			kept = 1;
		}
		if (kept && mm->mode != TK_PAGECACHE_VERIFY)
			continue;
		if (!kept)
			mm->rendered++;
		if ((r = tk_tmpl_env_get(&t, env, pg->template, d)) < 0) {
			if (r == TK_TMPL_ENOTFOUND)
				tk_diag_error(d, tdir, 0, 0, "the theme has no template '%s.mustache'; "
				    "add it", pg->template);
			goto out;
		}
		/* A page's data lives as long as its rendering: one arena,
		 * released in one step. */
		tk_value_arena_use(arena);
		data = tk_view_data(v, i);
		tk_value_arena_use(NULL);
		tk_buf_reset(&b);
		r = tk_tmpl_render_with(&b, env, t, data, globals, d);
		if (r == 0 && opts->dump_dir) {
			/* The dump shows all a template sees, the strings too. */
			tk_view_add_has_flags(data);
			tk_value_map_set(data, "t", tk_value_copy(strings));
			r = dump(opts->dump_dir, pg->path, data, d);
		}
		tk_value_arena_reset(arena);
		if (r < 0)
			goto out;
		if (kept) {
			if (had ? had->len == b.len && memcmp(had->data, b.data, b.len) == 0 :
			    tk_out_same(o, pg->path, b.data ? b.data : "", b.len))
				continue;
			tk_diag_error(d, pg->path, 0, 0, "internal error: the page cache kept this "
			    "page as it was, but it renders differently (key %.12s); build with "
			    "TK_PAGECACHE=off and report this", key);
			goto out;
		}
		if (mm->snap)
			tk_pagecache_keep(mm->snap, key, b.data ? b.data : "", b.len,
			    mm->linked ? pg->path : NULL);
		/* Only a snapshot off the mainline has markers to fill in. */
		if (opts->base && !mm->linked)
			r = write_snapshot_page(o, pg->path, b.data ? b.data : "", b.len, mm);
		else
			r = tk_out_write(o, pg->path, b.data ? b.data : "", b.len);
		if (r < 0)
			goto out;
	}
	tk_view_sitemap(v, sitemap);
	rc = 0;
out:
	tk_view_free(v);
	tk_value_free(globals);
	tk_value_arena_free(arena);
	tk_buf_free(&b);
	return rc;
}

/* Parses every template of the theme's folder (sorted), so a syntax error
 * is reported once, before pages are shared between processes. */
static int
preload_templates(tk_tmpl_env *env, const char *tdir, tk_diag *d)
{
	char **names;
	size_t n, i, len;
	int rc = 0;

	if (sorted_names(tdir, 0, &names, &n) < 0) {
		tk_diag_error(d, tdir, 0, 0, "cannot read the theme's templates: %s; check --theme",
		    strerror(errno));
		return -1;
	}
	for (i = 0; i < n; i++) {
		const tk_tmpl *t;

		len = strlen(names[i]);
		if (len > 9 && strcmp(names[i] + len - 9, ".mustache") == 0) {
			names[i][len - 9] = '\0';
			if (tk_tmpl_env_get(&t, env, names[i], d) < 0)
				rc = -1;
		}
		free(names[i]);
	}
	free(names);
	return rc;
}

/* Appends "path blob-id" for every file under dir, sorted. */
static void
list_tree(tk_buf *b, const char *dir, const char *rel)
{
	char **names;
	size_t n, i;

	if (sorted_names(dir, 1, &names, &n) < 0)
		return;
	for (i = 0; i < n; i++) {
		char *full = xasprintf("%s/%s", dir, names[i]), *buf, id[41];
		char *r = xasprintf("%s/%s", rel, names[i]);
		struct stat st;
		size_t len;

		if (stat(full, &st) == 0 && S_ISDIR(st.st_mode))
			list_tree(b, full, r);
		else if (tk_read_file(&buf, &len, full) == 0) {
			tk_source_hash(id, buf, len);
			tk_buf_printf(b, "%s %s\n", r, id);
			free(buf);
		} else
			tk_buf_printf(b, "%s unreadable\n", r);
		free(full);
		free(r);
		free(names[i]);
	}
	free(names);
}

/* The program and the theme: inputs of every page. 0 when the program
 * cannot be read (then every page is rendered). */
int
tk_render_build_id(char out[41], const char *theme_dir)
{
	char program[41];
	tk_buf b = TK_BUF_INIT;

	if (!tk_source_program_id(program))
		return 0;
	tk_buf_printf(&b, "program %s\ntheme\n", program);
	list_tree(&b, theme_dir, "");
	tk_source_hash(out, b.data, b.len);
	tk_buf_free(&b);
	return 1;
}

/* What every page is made from but its own inputs: the content without
 * the records, the theme and this program. */
static int
page_salt(char out[41], const char *content_id, const char *theme_dir)
{
	char build[41], *s;

	if (!tk_render_build_id(build, theme_dir))
		return 0;
	s = xasprintf("build %s\ncontent %s\n", build, content_id);
	tk_source_hash(out, s, strlen(s));
	free(s);
	return 1;
}

void
tk_render_snapshot_key(char out[41], const char *build_id, const char *commit, int dirty)
{
	/* A commit names its content and its history whole. */
	char *s = xasprintf("snapshot 1\nbuild %s\ncommit %s\ndirty %d\n", build_id, commit,
	    dirty);

	tk_source_hash(out, s, strlen(s));
	free(s);
}

void
tk_render_content_id(const tk_source *src, char out[41])
{
	tk_buf b = TK_BUF_INIT;
	size_t i;

	for (i = 0; i < tk_source_count(src); i++) {
		const tk_source_file *f = tk_source_file_at(src, i);

		/* Records are keyed page by page (tk_view_page_key). */
		if (strncmp(f->path, "status/", 7) != 0)
			tk_buf_printf(&b, "%s %s\n", f->path, f->oid);
	}
	tk_source_hash(out, b.data ? b.data : "", b.len);
	tk_buf_free(&b);
}

typedef enum { EXPORT_JSON, EXPORT_CSV, EXPORT_ATOM } export_kind;

static int
spill_to(void *f, const char *data, size_t len)
{
	return tk_out_put(f, data, len);
}

/* One export, an item to take: kept from the previous site, unmade, when
 * its key is the same (as a page), else made and written. Made from the
 * content in the salt and the records; the JSON names the commit too. */
static int
write_export(const tk_model *m, tk_out *o, memo *mm, const char *path, export_kind kind,
    const char *records, tk_diag *d)
{
	tk_buf b = TK_BUF_INIT;
	char key[41] = "";
	int kept = 0, r = 0;

	if (!take(mm))
		return 0;
	if (mm->salt) {
		tk_buf_printf(&b, "tiekartta export 1\nsalt %s\npath %s\nrecords %s\ncommit %s\n",
		    mm->salt, path, records, kind == EXPORT_JSON && tk_model_commit(m) ?
		    tk_model_commit(m) : "-");
		tk_source_hash(key, b.data, b.len);
		tk_buf_reset(&b);
	}
	if (mm->site && tk_pagecache_reuse(mm->site, o, path, key)) {
		if (mm->mode != TK_PAGECACHE_VERIFY)
			goto out;
		kept = 1;
	}
	if (kind != EXPORT_ATOM && !kept) {
		/* Written as made: at 100x each is hundreds of megabytes. */
		tk_out_file *f;
		tk_export_spill spill = { spill_to, NULL };

		if (tk_out_open(&f, o, path) == 0) {
			spill.arg = f;
			if ((kind == EXPORT_JSON ? tk_export_json(&b, m, mm->table, &spill) :
			    tk_export_csv(&b, m, mm->table, &spill)) == 0)
				tk_out_put(f, b.data ? b.data : "", b.len);
		}
		r = tk_out_close(f);
		goto out;
	}
	if (kind == EXPORT_JSON)
		tk_export_json(&b, m, mm->table, NULL);
	else if (kind == EXPORT_CSV)
		tk_export_csv(&b, m, mm->table, NULL);
	else
		tk_export_atom(&b, m, tk_model_site(m)->base_url, 200);
	if (!kept)
		r = tk_out_write(o, path, b.data ? b.data : "", b.len);
	else if (!tk_out_same(o, path, b.data ? b.data : "", b.len)) {
		tk_diag_error(d, path, 0, 0, "internal error: the page cache kept this export "
		    "as it was, but it is made differently (key %.12s); build with "
		    "TK_PAGECACHE=off and report this", key);
		r = -1;
	}
out:
	tk_buf_free(&b);
	return r;
}

/* The exports, each an item to take (they are a fifth of a rebuild at
 * 10x: whichever process is free writes them). */
static int
write_exports(const tk_model *m, tk_out *o, memo *mm, tk_diag *d)
{
	char records[41];
	int r;

	tk_model_records_key(m, records);
	r = write_export(m, o, mm, "data/luvut.json", EXPORT_JSON, records, d);
	if (r == 0)
		r = write_export(m, o, mm, "data/luvut.csv", EXPORT_CSV, records, d);
	if (r == 0)
		r = write_export(m, o, mm, "feed.xml", EXPORT_ATOM, records, d);
	return r;
}

int
tk_render_site(const tk_model *m, tk_out *o, const tk_render_opts *opts, tk_diag *d)
{
	const tk_site *site = tk_model_site(m);
	char *tdir = xasprintf("%s/templates", opts->theme_dir);
	char *sdir = xasprintf("%s/static", opts->theme_dir);
	tk_buf b = TK_BUF_INIT, sitemap = TK_BUF_INIT;
	size_t i;
	pid_t pid = -1;
	tk_value *strings[3] = { NULL, NULL, NULL };
	tk_tmpl_env *env = NULL;
	char salt[41];
	tk_fig_table *table = NULL;
	tk_diff_history *diffs = NULL;
	memo mm;
	size_t before[2] = { 0, 0 }, nlang, noted = 0;
	tk_pagecache *list;
	int rc = -1, r, status, fds[2] = { -1, -1 };

	memset(&mm, 0, sizeof(mm));
	if (opts->dump_dir && mkdir(opts->dump_dir, 0755) != 0 && errno != EEXIST) {
		tk_diag_error(d, opts->dump_dir, 0, 0, "cannot create: %s", strerror(errno));
		goto out;
	}
	tk_buf_puts(&sitemap, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	    "<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
	/* The theme is read before the work is shared, so its mistakes are
	 * reported once. */
	nlang = site->nlanguages ? site->nlanguages : 1;
	if (opts->base)
		nlang = 1;
	for (i = 0; i < nlang; i++)
		if (load_strings(&strings[i], opts->theme_dir,
		    site->nlanguages ? site->languages[i] : "fi", d) < 0)
			goto out;
	env = tk_tmpl_env_new(tk_tmpl_dir_loader, (void *)tdir);
	if (preload_templates(env, tdir, d) < 0)
		goto out;
	/* Counted once, before the work is shared, for every language. */
	mm.table = table = tk_fig_table_new(m);
	tk_diff_history_new(&diffs, m);
	mm.diffs = diffs;
	mm.inputs = tk_view_inputs_new();
	mm.mode = tk_pagecache_mode_env();
	if (opts->content_id && mm.mode != TK_PAGECACHE_OFF && opts->dump_dir == NULL &&
	    page_salt(salt, opts->content_id, opts->theme_dir)) {
		mm.salt = salt;
		if (opts->base == NULL)
			mm.site = opts->site_pages;
		else
			mm.snap = opts->snapshot_pages;
	}
	if (opts->base && opts->snapshot_key && opts->site_pages) {
		mm.snap_list = opts->site_pages;
		mm.snap_key = opts->snapshot_key;
	}
	if (opts->base) {
		mm.linked = opts->commits != NULL && opts->commits_upto > 0;
		mm.commit = tk_model_commit(m) ? tk_model_commit(m) : "";
		tk_render_date_fi(mm.date, sizeof(mm.date), tk_model_commit_time(m));
	}
	/* Pages are independent: a second process takes its share. Each
	 * writes its own files; the output is the same either way. */
	/* Snapshots keep their pages in this process's memory: one process. */
	list = opts->site_pages;
	if (tk_jobs() > 1 && mm.snap == NULL && !opts->one_process &&
	    (mm.claim = mmap(NULL, sizeof(*mm.claim), PROT_READ | PROT_WRITE,
	    MAP_SHARED | MAP_ANONYMOUS, -1, 0)) == MAP_FAILED)
		mm.claim = NULL;
	if (mm.claim && pipe(fds) == 0) {
		atomic_init(mm.claim, 0);
		/* Every stream, the parsed-file store's too: what is left in a
		 * buffer would be written twice if the child flushed its copy
		 * (valgrind's exit does). */
		fflush(NULL);
		before[0] = tk_out_written(o);
		before[1] = tk_out_kept(o);
		noted = list ? tk_pagecache_noted(list) : 0;
		if ((pid = fork()) < 0) {
			close(fds[0]);
			close(fds[1]);
		}
	}
	if (pid < 0 && mm.claim) {
		munmap(mm.claim, sizeof(*mm.claim));
		mm.claim = NULL;
	}
	if (pid == 0)
		/* A child outliving a killed build must not write on. */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (mm.claim)
		mm.mine = atomic_fetch_add(mm.claim, 1);
	/* The exports first: the largest items, claimed last, could leave one
	 * process working alone at the end. */
	r = opts->base == NULL ? write_exports(m, o, &mm, d) : 0;
	/* A snapshot keeps the default language only (nlang is 1): the record
	 * of what the site said, at a third of the cost. */
	for (i = 0; r == 0 && i < nlang; i++)
		r = render_lang(m, o, opts, site->nlanguages ? site->languages[i] : "fi",
		    strings[i], env, tdir, &sitemap, &mm, d);
	if (pid == 0) {
		/* Tell the parent what this process wrote: counts for its
		 * report, the pages' keys for the site's list, and the paths
		 * written, which the parent's commit must keep. */
		size_t counts[4] = { tk_out_written(o) - before[0], tk_out_kept(o) - before[1],
			mm.pages, mm.rendered };

		tk_buf_put(&b, (const char *)counts, sizeof(counts));
		if (list)
			tk_pagecache_put_notes(list, noted, &b);
		tk_buf_putc(&b, '\0');
		tk_out_put_paths(o, &b);
		r = tk_write_all(fds[1], b.data, b.len) == 0 ? r : -1;
		fflush(stderr);
		/* 3 says a write failed, so the parent reports an I/O error. */
		_exit(tk_out_failed(o) ? 3 : r == 0 ? 0 : 1);
	}
	if (pid > 0) {
		size_t counts[4] = { 0, 0, 0, 0 };
		long used = 0;
		int got;

		close(fds[1]);
		/* Read to the end before waiting: the paths may fill the pipe. */
		got = tk_read_fd(fds[0], &b) == 0 && b.len >= sizeof(counts);
		if (got) {
			memcpy(counts, b.data, sizeof(counts));
			used = list ? tk_pagecache_take_notes(list, b.data + sizeof(counts),
			    b.len - sizeof(counts)) : 0;
			got = used >= 0 && sizeof(counts) + (size_t)used < b.len &&
			    b.data[sizeof(counts) + (size_t)used] == '\0' &&
			    tk_out_take_paths(o, b.data + sizeof(counts) + (size_t)used + 1,
			    b.len - sizeof(counts) - (size_t)used - 1) == 0;
		}
		tk_buf_reset(&b);
		if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
		    WEXITSTATUS(status) != 0 || !got) {
			if (WIFEXITED(status) && WEXITSTATUS(status) == 3)
				tk_out_fail(o);
			else
				tk_diag_error(d, NULL, 0, 0, "a page failed to render (above)");
			r = -1;
		} else {
			tk_out_add_counts(o, counts[0], counts[1]);
			mm.pages += counts[2];
			mm.rendered += counts[3];
		}
		close(fds[0]);
	}
	if (r < 0)
		goto out;
	if (opts->stats) {
		opts->stats->pages += mm.pages;
		opts->stats->rendered += mm.rendered;
	}
	tk_buf_puts(&sitemap, "</urlset>\n");
	if (opts->base) {
		if (mm.snap)
			tk_pagecache_next(mm.snap);
		rc = 0;
		goto out;
	}
	if (mm.site)
		tk_pagecache_stamp(mm.site, o);
	if (tk_out_write(o, "sitemap.xml", sitemap.data, sitemap.len) < 0)
		goto out;
	if (copy_static(o, sdir, "", d) < 0) {
		tk_diag_error(d, sdir, 0, 0, "cannot copy the theme's static files");
		goto out;
	}
	rc = 0;
out:
	if (mm.claim)
		munmap(mm.claim, sizeof(*mm.claim));
	for (i = 0; i < 3; i++)
		tk_value_free(strings[i]);
	tk_tmpl_env_free(env);
	tk_fig_table_free(table);
	tk_diff_history_free(diffs);
	tk_view_inputs_free(mm.inputs);
	tk_buf_free(&b);
	tk_buf_free(&sitemap);
	free(tdir);
	free(sdir);
	return rc;
}
