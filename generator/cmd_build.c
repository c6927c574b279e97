/* cmd_build.c: `tiekartta build`, content -> model -> pages -> output. The
 * output is replaced only when everything before it succeeded. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "model.h"
#include "output.h"
#include "render.h"
#include "value.h"
#include "util.h"

static const char usage[] =
	"usage: tiekartta build [--repo DIR] [--rev REV | --worktree] [--content PATH]\n"
	"                       [--theme DIR] [--out DIR]\n"
	"\n"
	"Builds the site from the content at a Git revision (default HEAD). The\n"
	"previous site is replaced only when the whole build succeeds. Only the pages\n"
	"whose inputs changed are rendered; their keys are kept beside the site, in\n"
	"OUT.tiekartta-pages, the parsed content files in OUT.tiekartta-parsed, and\n"
	"the site before in OUT.tiekartta-spare, which the next build stages in.\n"
	"TK_PAGECACHE=off renders every page and parses every file;\n"
	"TK_CHECKSTAT=minimal keeps the pages of a site restored from a CI cache.\n"
	"The manual: man -l docs/tiekartta.1.\n"
	"\n"
	"  --repo DIR      the repository (default: the one around the current folder)\n"
	"  --rev REV       the revision to build (default HEAD)\n"
	"  --worktree      build the working tree instead, with uncommitted edits\n"
	"  --content PATH  the content's folder inside the repository (default content)\n"
	"  --theme DIR     the theme (default themes/default in the repository, or\n"
	"                  the default theme installed with tiekartta)\n"
	"  --out DIR       where the site goes (default output/site in the repository)\n"
	"  --dump-data DIR also write each page's view data as JSON, DIR/<page>.json\n"
	"  --snapshots all|months|tags|REV\n"
	"                  also build the site as it stood at each commit of the\n"
	"                  history that changed the content (all), at the end of\n"
	"                  each month (months: its last such commit, UTC), at each\n"
	"                  tagged commit (tags), or at REV, under versiot/<id>/,\n"
	"                  with a list at versiot/; repeatable\n"
	"  -q, --quiet     print only problems\n"
	"\n"
	"Exit status: 0 built, 1 content errors, 2 usage, 3 internal or I/O.\n";


typedef struct {
	char id[41];
	long long time;
	const char *subject;
	size_t upto;            /* its place on the mainline + 1; 0 when off it */
} snap;

/* The calendar month (UTC) of a time, as year * 12 + month. */
static long
month_of(long long t)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (gmtime_r(&tt, &tm) == NULL)
		return 0;
	return (long)(tm.tm_year + 1900) * 12 + tm.tm_mon;
}

static int
add_snap(snap **v, size_t *n, const char *id, const tk_history *h)
{
	size_t i;

	for (i = 0; i < *n; i++)
		if (strcmp((*v)[i].id, id) == 0)
			return 0;
	*v = xrealloc(*v, (*n + 1) * sizeof(**v));
	memset(&(*v)[*n], 0, sizeof(**v));
	memcpy((*v)[*n].id, id, 40);
	for (i = 0; h && i < tk_history_ncommits(h); i++)
		if (strcmp(tk_history_commit(h, i)->id, id) == 0) {
			(*v)[*n].time = tk_history_commit(h, i)->time;
			(*v)[*n].subject = tk_history_commit(h, i)->subject;
			(*v)[*n].upto = i + 1;
		}
	(*n)++;
	return 0;
}

static int
cmp_snap(const void *a, const void *b)
{
	const snap *x = a, *y = b;

	if (x->time != y->time)
		return x->time < y->time ? -1 : 1;
	return strcmp(x->id, y->id);
}

/* Builds one snapshot into out under versiot/<id>/, or keeps it whole
 * from the site before when build_id names the key it was made under. A
 * snapshot whose content has errors is left out (its id emptied) with a
 * warning. Returns negative when the build must stop. */
static int
build_one(snap *sn, const tk_cli_opts *o, const tk_history *h, tk_parse_cache *cache,
    tk_pagecache *pages, const char *build_id, tk_out *out, const tk_render_opts *base_ro,
    int shared, FILE *errs, tk_diag *d)
{
	tk_source_opts so = o->src;
	tk_source *src = NULL;
	tk_model *m = NULL;
	tk_diag *sd = tk_diag_new(errs);
	tk_render_opts ro = *base_ro;
	char base[64], content_id[41], key[41];
	size_t kept;
	int rc = 0;

	snprintf(base, sizeof(base), "versiot/%.12s/", sn->id);
	if (build_id) {
		tk_render_snapshot_key(key, build_id, sn->id, base_ro->dirty);
		/* Its time comes from the history; without, from its model. */
		if (sn->time != 0 &&
		    (kept = tk_pagecache_reuse_under(base_ro->site_pages, out, base, key)) > 0) {
			if (base_ro->stats)
				base_ro->stats->pages += kept;
			tk_diag_free(sd);
			return 0;
		}
		ro.snapshot_key = key;
	}
	so.rev = sn->id;
	so.worktree = 0;
	so.lazy = 0;
	if (cache) {
		so.known = tk_parse_cache_has;
		so.known_arg = cache;
	}
	if (tk_source_open(&src, &so, sd) < 0 || tk_model_load(&m, src, cache, sd) < 0) {
		tk_diag_warning(d, NULL, 0, 0, "snapshot %.12s: its content has errors "
		    "(above); it is left out", sn->id);
		sn->id[0] = '\0';
	} else {
		if (sn->time == 0)
			sn->time = tk_model_commit_time(m);
		ro.base = base;
		ro.history = NULL;
		/* Its pages name where they last changed, up to its commit. */
		ro.commits = sn->upto ? h : NULL;
		ro.commits_upto = sn->upto;
		ro.snapshots = NULL;
		ro.dump_dir = NULL;
		/* Only to note the pages under the snapshot's key. */
		ro.site_pages = build_id ? base_ro->site_pages : NULL;
		tk_render_content_id(src, content_id);
		ro.content_id = content_id;
		ro.snapshot_pages = pages;
		ro.one_process = shared;
		rc = tk_render_site(m, out, &ro, d);
	}
	tk_model_free(m);
	tk_source_free(src);
	tk_diag_free(sd);
	return rc;
}

/* The second process's report on its half: counts, the snapshots' times
 * and which were left out, the pages' keys for the site's list, its
 * messages, the paths it wrote. Does not return. */
static void
send_half(int fd, int r, const snap *v, size_t n, tk_out *out, const size_t before[2],
    const tk_render_opts *base_ro, const tk_render_stats *stats0, size_t noted,
    FILE *errs, char **msg)
{
	tk_buf b = TK_BUF_INIT;
	size_t counts[4] = { tk_out_written(out) - before[0], tk_out_kept(out) - before[1],
		0, 0 }, i;

	if (base_ro->stats) {
		counts[2] = base_ro->stats->pages - stats0->pages;
		counts[3] = base_ro->stats->rendered - stats0->rendered;
	}
	tk_buf_put(&b, (const char *)counts, sizeof(counts));
	for (i = 0; i < n; i++) {
		tk_buf_put(&b, (const char *)&v[i].time, sizeof(v[i].time));
		tk_buf_putc(&b, v[i].id[0] ? 1 : 0);
	}
	if (base_ro->site_pages)
		tk_pagecache_put_notes(base_ro->site_pages, noted, &b);
	tk_buf_putc(&b, '\0');
	if (errs != stderr)
		fclose(errs);
	tk_buf_puts(&b, *msg ? *msg : "");
	tk_buf_putc(&b, '\0');
	tk_out_put_paths(out, &b);
	if (tk_write_all(fd, b.data, b.len) < 0)
		r = -1;
	/* 3 says a write failed, so the parent reports an I/O error. */
	_exit(tk_out_failed(out) ? 3 : r == 0 ? 0 : 1);
}

/* Takes the second process's report (send_half) on the n snapshots at v.
 * Its messages are printed; 0, or negative when it failed. */
static int
recv_half(int fd, pid_t pid, snap *v, size_t n, tk_out *out, const tk_render_opts *base_ro,
    tk_diag *d)
{
	tk_buf b = TK_BUF_INIT;
	size_t counts[4], at, i, one = sizeof(v[0].time) + 1;
	long used = 0;
	/* Not an exit, should waitpid fail: then the error below is reported. */
	int status = -1, ok;

	ok = tk_read_fd(fd, &b) == 0 && b.len >= sizeof(counts) + n * one;
	close(fd);
	if (ok) {
		memcpy(counts, b.data, sizeof(counts));
		for (i = 0, at = sizeof(counts); i < n; i++, at += one) {
			memcpy(&v[i].time, b.data + at, sizeof(v[i].time));
			if (b.data[at + sizeof(v[i].time)] == 0)
				v[i].id[0] = '\0';
		}
		if (base_ro->site_pages)
			used = tk_pagecache_take_notes(base_ro->site_pages, b.data + at, b.len - at);
		ok = used >= 0 && at + (size_t)used < b.len && b.data[at + (size_t)used] == '\0';
		at += (size_t)used + 1;
	}
	if (ok) {
		const char *end = memchr(b.data + at, '\0', b.len - at);

		ok = end != NULL;
		if (ok) {
			fputs(b.data + at, stderr);
			at = (size_t)(end - b.data) + 1;
			ok = tk_out_take_paths(out, b.data + at, b.len - at) == 0;
		}
	}
	tk_buf_free(&b);
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0 ||
	    !ok) {
		if (WIFEXITED(status) && WEXITSTATUS(status) == 3)
			tk_out_fail(out);
		else if (!WIFEXITED(status) || WEXITSTATUS(status) != 1)
			/* Exit 1 printed its reasons above; this has none. */
			tk_diag_error(d, NULL, 0, 0, "the process building the newer half of the "
			    "snapshots stopped without a reason; build again with TK_JOBS=1 and "
			    "report this");
		return -1;
	}
	tk_out_add_counts(out, counts[0], counts[1]);
	if (base_ro->stats) {
		base_ro->stats->pages += counts[2];
		base_ro->stats->rendered += counts[3];
	}
	return 0;
}

/* Builds the chosen snapshots into out under versiot/<id>/ and returns
 * the list of those built (newest first) for the versiot/ page. A
 * snapshot whose content has errors is skipped with a warning: an old
 * mistake must not stop today's site. */
static int
build_snapshots(tk_value **list, const tk_cli_opts *o, const tk_history *h,
    tk_parse_cache *cache, tk_parsestore *store, tk_out *out, const tk_render_opts *base_ro,
    tk_diag *d)
{
	snap *v = NULL;
	size_t n = 0, i, k, lo, hi, noted = 0, before[2] = { 0, 0 }, msglen = 0;
	int rc = -1, r, fds[2] = { -1, -1 };
	pid_t pid = -1;
	FILE *errs = stderr;
	char *msg = NULL;
	tk_render_stats stats0 = { 0, 0 };
	/* Consecutive snapshots share most pages: each is rendered once. */
	tk_pagecache *pages = tk_pagecache_new();
	char build_id[41];
	/* A snapshot the last build made with this program and theme is kept
	 * whole, unread (its key names its commit). */
	int keep = base_ro->site_pages && tk_pagecache_mode_env() == TK_PAGECACHE_ON &&
	    tk_render_build_id(build_id, base_ro->theme_dir);

	*list = tk_value_list();
	for (k = 0; k < o->nsnapshots; k++) {
		const char *spec = o->snapshots[k];

		if (strcmp(spec, "all") == 0) {
			for (i = 0; h && i < tk_history_ncommits(h); i++)
				if (i == 0 || tk_history_commit(h, i)->content_changed)
					add_snap(&v, &n, tk_history_commit(h, i)->id, h);
		} else if (strcmp(spec, "months") == 0) {
			/* The last content commit of each month (UTC): the site as it
			 * stood at the month's end, a dozen snapshots a year. */
			const tk_hist_commit *last = NULL;

			for (i = 0; h && i < tk_history_ncommits(h); i++) {
				const tk_hist_commit *c = tk_history_commit(h, i);

				if (!c->mainline || !(i == 0 || c->content_changed))
					continue;
				if (last && month_of(last->time) != month_of(c->time))
					add_snap(&v, &n, last->id, h);
				last = c;
			}
			if (last)
				add_snap(&v, &n, last->id, h);
		} else if (strcmp(spec, "tags") == 0) {
			char **ids;
			size_t nids;

			if (tk_source_tags(&ids, &nids, o->src.repo, d) < 0)
				goto out;
			for (i = 0; i < nids; i++) {
				add_snap(&v, &n, ids[i], h);
				free(ids[i]);
			}
			free(ids);
		} else {
			char id[41];

			if ((rc = tk_source_resolve(id, o->src.repo, spec, d)) < 0)
				goto out;
			rc = -1;
			add_snap(&v, &n, id, h);
		}
	}
	/* Two processes build a half each, so consecutive snapshots still
	 * share pages within each half. */
	lo = 0;
	hi = n;
	if (tk_jobs() > 1 && n >= 2 && pipe(fds) == 0) {
		before[0] = tk_out_written(out);
		before[1] = tk_out_kept(out);
		noted = base_ro->site_pages ? tk_pagecache_noted(base_ro->site_pages) : 0;
		if (base_ro->stats)
			stats0 = *base_ro->stats;
		/* Every stream, as in tk_render_site. */
		fflush(NULL);
		if ((pid = fork()) < 0) {
			close(fds[0]);
			close(fds[1]);
		} else if (pid == 0) {
			/* A child outliving a killed build must not write on. */
			prctl(PR_SET_PDEATHSIG, SIGKILL);
			close(fds[0]);
			lo = n / 2;
			/* Its messages go after the first half's, in order. */
			if ((errs = open_memstream(&msg, &msglen)) == NULL)
				errs = stderr;
			d = tk_diag_new(errs);
			tk_parsestore_detach(store);
		} else {
			close(fds[1]);
			hi = n / 2;
		}
	}
	r = 0;
	for (i = lo; r == 0 && i < hi; i++)
		r = build_one(&v[i], o, h, cache, pages, keep ? build_id : NULL, out, base_ro,
		    pid >= 0, errs, d);
	if (pid == 0)
		send_half(fds[1], r, v + lo, hi - lo, out, before, base_ro, &stats0, noted,
		    errs, &msg);
	if (pid > 0 && recv_half(fds[0], pid, v + hi, n - hi, out, base_ro, d) < 0)
		r = -1;
	if (r < 0)
		goto out;
	if (n)
		qsort(v, n, sizeof(*v), cmp_snap);
	for (i = n; i-- > 0;) {
		tk_value *x;
		char date[32];

		if (v[i].id[0] == '\0')
			continue;
		x = tk_value_map();
		tk_value_list_push(*list, x);
		tk_value_map_set(x, "id", tk_value_str(v[i].id));
		tk_value_map_setn(x, "short", 5, tk_value_strn(v[i].id, 12));
		tk_render_date_fi(date, sizeof(date), v[i].time);
		tk_value_map_set(x, "date", tk_value_str(date));
		tk_value_map_set(x, "subject", v[i].subject ? tk_value_str(v[i].subject) :
		    tk_value_null());
		tk_value_map_set(x, "href", tk_value_str(""));
		{
			char href[64];

			snprintf(href, sizeof(href), "versiot/%.12s/index.html", v[i].id);
			tk_value_map_set(x, "href", tk_value_str(href));
		}
	}
	rc = 0;
out:
	tk_pagecache_free(pages);
	free(v);
	return rc;
}

int
tk_cmd_build(int argc, char **argv)
{
	tk_cli_opts o;
	tk_diag *d = tk_diag_new(stderr);
	tk_source *src = NULL;
	tk_model *m = NULL;
	tk_out *out = NULL;
	tk_history *hist = NULL;
	tk_parse_cache *cache = NULL;
	tk_parsestore *store = NULL;
	tk_value *snaps = NULL;
	tk_pagecache *pages = NULL;
	tk_render_stats stats = { 0, 0 };
	char *outdir = NULL, *theme = NULL, date[32], content_id[41];
	const char *base;
	tk_render_opts ro;
	int rc, r;
	size_t written, kept;

	if ((r = tk_cli_parse(&o, argc, argv, usage)) != 0) {
		rc = r < 0 ? TK_EXIT_OK : r;
		goto out;
	}
	/* The files are read once the store says which need reading. */
	o.src.lazy = 1;
	if ((r = tk_source_open(&src, &o.src, d)) < 0) {
		rc = r == TK_SOURCE_EARG ? TK_EXIT_USAGE : TK_EXIT_IO;
		goto out;
	}
	/* Defaults live in the repository, so any folder inside it works. */
	base = tk_source_workdir(src) ? tk_source_workdir(src) : "";
	outdir = o.out ? xstrdup(o.out) : xasprintf("%soutput/site", base);
	/* "site/" and "site" are one folder; its key list goes beside it. */
	for (r = (int)strlen(outdir); r > 1 && outdir[r - 1] == '/'; r--)
		outdir[r - 1] = '\0';
	/* Snapshots parse many commits: they share the parsed files by blob
	 * id. Every build keeps its trees for the next one. */
	store = tk_parsestore_open(outdir);
	cache = tk_parse_cache_new(o.nsnapshots > 0, store);
	if (tk_source_read_all(src, tk_parse_cache_has, cache, d) < 0) {
		rc = TK_EXIT_IO;
		goto out;
	}
	if (tk_model_load(&m, src, cache, d) < 0) {
		fprintf(stderr, "tiekartta: %d error%s; the site was not changed\n",
		    tk_diag_errors(d), tk_diag_errors(d) == 1 ? "" : "s");
		rc = TK_EXIT_CONTENT;
		goto out;
	}
	theme = tk_cli_theme(&o, src);
	memset(&ro, 0, sizeof(ro));
	ro.theme_dir = theme;
	ro.dirty = tk_source_dirty(src);
	ro.dump_dir = o.dump;
	tk_render_content_id(src, content_id);
	ro.content_id = content_id;
	/* The pages the previous build left, by what they were made from. */
	pages = tk_pagecache_new();
	tk_pagecache_read(pages, outdir);
	ro.site_pages = pages;
	ro.stats = &stats;
	/* The records' submission history, when there are commits to read. */
	if (tk_source_commit(src) &&
	    tk_history_load(&hist, o.src.repo, tk_source_commit(src), tk_source_content_path(src),
	    tk_model_site(m)->deadline_day, d) < 0) {
		rc = TK_EXIT_IO;
		goto out;
	}
	ro.history = hist;
	if (tk_out_begin(&out, outdir, d) < 0) {
		rc = TK_EXIT_IO;
		goto out;
	}
	if (o.nsnapshots) {
		if (hist == NULL) {
			tk_cli_usage_error("--snapshots needs content in a Git repository with commits");
			tk_out_abort(out);
			rc = TK_EXIT_USAGE;
			goto out;
		}
		if ((r = build_snapshots(&snaps, &o, hist, cache, store, out, &ro, d)) < 0) {
			tk_out_abort(out);
			fprintf(stderr, "tiekartta: the build failed; the site was not changed\n");
			rc = r == TK_SOURCE_EARG ? TK_EXIT_USAGE : TK_EXIT_IO;
			goto out;
		}
		ro.snapshots = snaps;
	}
	if (tk_render_site(m, out, &ro, d) < 0) {
		/* A failed write is I/O; a theme's mistake is a content error. */
		rc = tk_out_failed(out) || !tk_diag_errors(d) ? TK_EXIT_IO : TK_EXIT_CONTENT;
		tk_out_abort(out);
		fprintf(stderr, "tiekartta: the build failed; the site was not changed\n");
		goto out;
	}
	written = tk_out_written(out);
	kept = tk_out_kept(out);
	if (tk_out_commit(out) < 0) {
		fprintf(stderr, "tiekartta: the build failed; the site was not changed\n");
		rc = TK_EXIT_IO;
		goto out;
	}
	/* Without the list the next build renders every page: a warning. */
	if (tk_pagecache_save(pages, outdir) < 0)
		tk_diag_warning(d, outdir, 0, 0, "cannot write the list of page keys beside the "
		    "site (%s); the next build renders every page", strerror(errno));
	if (store && tk_parsestore_save(store) < 0)
		tk_diag_warning(d, outdir, 0, 0, "cannot write the parsed files beside the site "
		    "(%s); the next build parses every file", strerror(errno));
	if (!o.quiet) {
		printf("tiekartta: built %zu files (%zu unchanged; %zu of %zu pages rendered) in %s",
		    written + kept, kept, stats.rendered, stats.pages, outdir);
		if (tk_model_commit(m)) {
			tk_render_date_fi(date, sizeof(date), tk_model_commit_time(m));
			printf(" from commit %.12s (%s)%s", tk_model_commit(m), date,
			    ro.dirty ? " with uncommitted edits" : "");
		}
		printf("\n");
	}
	rc = TK_EXIT_OK;
out:
	free(outdir);
	free(theme);
	tk_value_free(snaps);
	tk_pagecache_free(pages);
	tk_history_free(hist);
	tk_model_free(m);
	tk_parse_cache_free(cache);
	tk_parsestore_free(store);
	tk_source_free(src);
	tk_diag_free(d);
	return rc;
}
