/* cmd_review.c: `tiekartta review BASE HEAD`, what a pull request changes:
 * the files touched, HEAD's content validated, each touched organisation's
 * readiness before and after, and the access policy.
 *
 * The change is the one `git diff BASE...HEAD` shows: from the merge base
 * of the two to HEAD, so work merged into BASE after the branch began is
 * not taken for the branch's. The rules (owners, maintainers) are read
 * from BASE, never from HEAD, so a change cannot grant itself the right to
 * be made. libgit2 is used here directly, its convention converted at each
 * call with git_error_last() read at once. */
#define _DEFAULT_SOURCE
#include <git2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli.h"
#include "figures.h"
#include "model.h"
#include "util.h"

static const char usage[] =
	"usage: tiekartta review BASE HEAD [--actor ID] [--format text|markdown]\n"
	"                        [--repo DIR] [--content PATH]\n"
	"\n"
	"Reviews the change from BASE to HEAD (a pull request: BASE the target\n"
	"branch, HEAD the branch), as `git diff BASE...HEAD` shows it: lists the\n"
	"files touched, validates HEAD's content, shows each touched organisation's\n"
	"readiness before and after, and applies the access policy of BASE:\n"
	"status/<organisation>/ may be changed only by that organisation's owners\n"
	"(regions.yaml), everything else only by the maintainers (site.yaml).\n"
	"\n"
	"  --actor ID      who makes the change: the user the forge authenticated,\n"
	"                  compared with the owners and maintainers (ignoring case\n"
	"                  and a leading @). Without it the commit authors' e-mail\n"
	"                  addresses are used, which anyone can set.\n"
	"  --format FMT    text (default) or markdown, a summary for a comment\n"
	"  --repo DIR      the repository (default: the one around the current folder)\n"
	"  --content PATH  the content's folder inside the repository (default content)\n"
	"\n"
	"Exit status: 0 acceptable, 1 content errors or changes the policy refuses,\n"
	"2 usage, 3 internal or I/O.\n";

typedef struct {
	const char *base, *head, *actor, *repo, *content;
	int markdown;
} opts;

/* A list of strings, sorted and without duplicates when built by add_id. */
typedef struct {
	char **v;
	size_t n;
} strs;

typedef struct {
	char *path;             /* in the repository */
	char status;            /* A, M, D or T */
	strs who;               /* the commit authors that changed it */
} touched;

typedef enum { RULE_OWNERS, RULE_MAINTAINERS } rule_kind;

typedef struct {
	rule_kind kind;
	char region[80];        /* the folder under status/, for owners */
	const tk_region *reg;   /* in BASE's model, NULL when not there */
	const char *what;       /* what the maintainers rule protects */
} rule;

typedef struct {
	git_repository *repo;
	git_commit *base, *head;
	git_oid mb;             /* the merge base */
	char base_id[41], head_id[41], mb_id[41];
	touched *files;
	size_t nfiles;
	strs authors;           /* every author of BASE..HEAD */
	tk_parse_cache *cache;
	tk_source *src_policy, *src_before, *src_after;
	tk_model *policy, *before, *after;
	char *content;          /* the content folder, normalised */
	tk_buf problems;        /* violations and content errors, for markdown */
	tk_buf warnings;
	int violations, content_errors;
} review;

static const char *
git_msg(void)
{
	const git_error *e = git_error_last();

	return e && e->message ? e->message : "unknown libgit2 error";
}

/* ---- small helpers ---- */

static void
add_id(strs *s, const char *id)
{
	size_t i, j;

	for (i = 0; i < s->n; i++) {
		int c = strcmp(s->v[i], id);

		if (c == 0)
			return;
		if (c > 0)
			break;
	}
	s->v = xrealloc(s->v, (s->n + 1) * sizeof(*s->v));
	for (j = s->n; j > i; j--)
		s->v[j] = s->v[j - 1];
	s->v[i] = xstrdup(id);
	s->n++;
}

static void
strs_free(strs *s)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		free(s->v[i]);
	free(s->v);
}

static void
join(tk_buf *b, const char *const *v, size_t n, const char *none)
{
	size_t i;

	if (n == 0)
		tk_buf_puts(b, none);
	for (i = 0; i < n; i++) {
		if (i)
			tk_buf_puts(b, ", ");
		tk_buf_puts(b, v[i]);
	}
}

/* Identities match ignoring ASCII case and a leading '@', so "@Alpha" in
 * regions.yaml is the forge user "alpha". */
static int
same_id(const char *a, const char *b)
{
	if (*a == '@')
		a++;
	if (*b == '@')
		b++;
	return *a && strcasecmp(a, b) == 0;
}

static int
listed(const char *id, const char *const *list, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (list[i] && same_id(list[i], id))
			return 1;
	return 0;
}

/* Appends s escaped for Markdown text, on one line. Only what can start
 * markup in running text or a table cell is escaped. */
static void
md(tk_buf *b, const char *s)
{
	for (; *s; s++) {
		if (*s == '\n' || *s == '\r')
			tk_buf_putc(b, ' ');
		else if (strchr("\\`*_[]<>|~@&", *s)) {
			tk_buf_putc(b, '\\');
			tk_buf_putc(b, *s);
		} else
			tk_buf_putc(b, *s);
	}
}

/* Appends s as a Markdown code span, fit for a table cell: delimited by
 * more backticks than any run inside, '|' escaped (GFM splits cells on it
 * even in code). */
static void
md_code(tk_buf *b, const char *s)
{
	int run = 0, longest = 0, i;
	const char *p;

	for (p = s; *p; p++) {
		run = *p == '`' ? run + 1 : 0;
		if (run > longest)
			longest = run;
	}
	for (i = 0; i <= longest; i++)
		tk_buf_putc(b, '`');
	if (*s == '`' || (*s && s[strlen(s) - 1] == '`'))
		tk_buf_putc(b, ' ');
	for (p = s; *p; p++) {
		if (*p == '|')
			tk_buf_putc(b, '\\');
		tk_buf_putc(b, *p == '\n' || *p == '\r' ? ' ' : *p);
	}
	if (*s == '`' || (*s && s[strlen(s) - 1] == '`'))
		tk_buf_putc(b, ' ');
	for (i = 0; i <= longest; i++)
		tk_buf_putc(b, '`');
}

static int
width_of(const char *s)
{
	return (int)tk_utf8_chars(s, strlen(s));
}

/* Appends text padded with spaces to width characters (UTF-8 aware). */
static void
pad(tk_buf *b, const char *s, int width)
{
	int n = width_of(s);

	tk_buf_puts(b, s);
	for (; n < width; n++)
		tk_buf_putc(b, ' ');
}

/* ---- the command line ---- */

static int
parse(opts *o, int argc, char **argv)
{
	const char *format = NULL, *pos[2] = { NULL, NULL };
	tk_cli_opt op[] = {
		{ .name = "--actor", .value = &o->actor },
		{ .name = "--format", .value = &format },
		{ .name = "--repo", .value = &o->repo },
		{ .name = "--content", .value = &o->content },
		{ 0 }
	};
	size_t npos;
	int r;

	memset(o, 0, sizeof(*o));
	if ((r = tk_cli_args(argc, argv, op, pos, 2, &npos, usage)) != 0)
		return r;
	o->base = pos[0];
	o->head = pos[1];
	if (npos != 2) {
		tk_cli_usage_error("review needs two revisions, BASE and HEAD; see "
		    "'tiekartta review --help'");
		return TK_EXIT_USAGE;
	}
	if (format && strcmp(format, "markdown") == 0)
		o->markdown = 1;
	else if (format && strcmp(format, "text") != 0) {
		tk_cli_usage_error("unknown format '%s'; use text or markdown", format);
		return TK_EXIT_USAGE;
	}
	if (o->actor && *o->actor == '\0') {
		tk_cli_usage_error("--actor needs a non-empty identity");
		return TK_EXIT_USAGE;
	}
	return 0;
}

/* ---- reading the change ---- */

/* A revision's commit; an unknown one is the caller's usage error. */
static int
resolve(git_commit **out, char hex[41], git_repository *repo, const char *rev)
{
	git_object *obj = NULL;
	int rc = -1;

	if (git_revparse_single(&obj, repo, rev) < 0) {
		fprintf(stderr, "tiekartta: error: cannot resolve revision '%s': %s\n", rev,
		    git_msg());
		goto out;
	}
	if (git_object_peel((git_object **)out, obj, GIT_OBJECT_COMMIT) < 0) {
		fprintf(stderr, "tiekartta: error: revision '%s' does not name a commit: %s\n",
		    rev, git_msg());
		goto out;
	}
	git_oid_tostr(hex, 41, git_commit_id(*out));
	rc = 0;
out:
	git_object_free(obj);
	return rc;
}

/* The files that differ between the merge base and HEAD, sorted by path.
 * No rename detection: a move is a deletion and an addition, and both
 * places are judged. */
static int
list_files(review *rv)
{
	git_commit *mbc = NULL;
	git_tree *a = NULL, *b = NULL;
	git_diff *diff = NULL;
	size_t i, n;
	int rc = -1;

	if (git_commit_lookup(&mbc, rv->repo, &rv->mb) < 0 || git_commit_tree(&a, mbc) < 0 ||
	    git_commit_tree(&b, rv->head) < 0 ||
	    git_diff_tree_to_tree(&diff, rv->repo, a, b, NULL) < 0) {
		fprintf(stderr, "tiekartta: error: cannot compare %.12s with %.12s: %s\n",
		    rv->mb_id, rv->head_id, git_msg());
		goto out;
	}
	n = git_diff_num_deltas(diff);
	rv->files = xcalloc(n + 1, sizeof(*rv->files));
	for (i = 0; i < n; i++) {
		const git_diff_delta *dd = git_diff_get_delta(diff, i);
		touched *t = &rv->files[rv->nfiles];

		switch (dd->status) {
		case GIT_DELTA_ADDED: t->status = 'A'; break;
		case GIT_DELTA_DELETED: t->status = 'D'; break;
		case GIT_DELTA_MODIFIED: t->status = 'M'; break;
		case GIT_DELTA_TYPECHANGE: t->status = 'T'; break;
		default: continue;
		}
		t->path = xstrdup(t->status == 'D' ? dd->old_file.path : dd->new_file.path);
		rv->nfiles++;
	}
	rc = 0;
out:
	git_diff_free(diff);
	git_tree_free(a);
	git_tree_free(b);
	git_commit_free(mbc);
	return rc;
}

/* The entry at path in a commit's tree: 1 with its id and mode, 0 absent. */
static int
entry_at(git_oid *id, unsigned *mode, git_tree *t, const char *path)
{
	git_tree_entry *te = NULL;
	int r;

	if ((r = git_tree_entry_bypath(&te, t, path)) == GIT_ENOTFOUND)
		return 0;
	if (r < 0)
		return -1;
	git_oid_cpy(id, git_tree_entry_id(te));
	*mode = (unsigned)git_tree_entry_filemode(te);
	git_tree_entry_free(te);
	return 1;
}

/* Did commit c change path itself: does it differ there from every parent? */
static int
changed_by(git_commit *c, git_tree *t, const char *path)
{
	git_commit *p = NULL;
	git_tree *pt = NULL;
	git_oid a, b;
	unsigned ma = 0, mb = 0, k, np = git_commit_parentcount(c);
	int ha, hb;

	if ((ha = entry_at(&a, &ma, t, path)) < 0)
		return -1;
	if (np == 0)
		return ha;
	for (k = 0; k < np; k++) {
		if (git_commit_parent(&p, c, k) < 0)
			return 0;       /* not in a shallow clone: claim nothing */
		if (git_commit_tree(&pt, p) < 0) {
			git_commit_free(p);
			return -1;
		}
		hb = entry_at(&b, &mb, pt, path);
		git_tree_free(pt);
		git_commit_free(p);
		if (hb < 0)
			return -1;
		if (ha == hb && (!ha || (git_oid_equal(&a, &b) && ma == mb)))
			return 0;
	}
	return 1;
}

/* The authors of BASE..HEAD, and for each file the ones that changed it. */
static int
attribute(review *rv)
{
	git_revwalk *w = NULL;
	git_oid id;
	size_t i;
	int r, rc = -1;

	if (git_revwalk_new(&w, rv->repo) < 0 ||
	    git_revwalk_sorting(w, GIT_SORT_TOPOLOGICAL | GIT_SORT_TIME) < 0 ||
	    git_revwalk_push(w, git_commit_id(rv->head)) < 0 ||
	    git_revwalk_hide(w, git_commit_id(rv->base)) < 0) {
		fprintf(stderr, "tiekartta: error: cannot list the commits %.12s..%.12s: %s\n",
		    rv->base_id, rv->head_id, git_msg());
		goto out;
	}
	while ((r = git_revwalk_next(&id, w)) == 0) {
		git_commit *c = NULL;
		git_tree *t = NULL;
		const git_signature *a;
		const char *email;

		if (git_commit_lookup(&c, rv->repo, &id) < 0 || git_commit_tree(&t, c) < 0) {
			fprintf(stderr, "tiekartta: error: cannot read commit %s: %s\n",
			    git_oid_tostr_s(&id), git_msg());
			git_commit_free(c);
			goto out;
		}
		a = git_commit_author(c);
		email = a && a->email && *a->email ? a->email : "(no e-mail)";
		add_id(&rv->authors, email);
		for (i = 0; i < rv->nfiles; i++) {
			if ((r = changed_by(c, t, rv->files[i].path)) < 0) {
				fprintf(stderr, "tiekartta: error: cannot read commit %s: %s\n",
				    git_oid_tostr_s(&id), git_msg());
				git_tree_free(t);
				git_commit_free(c);
				goto out;
			}
			if (r)
				add_id(&rv->files[i].who, email);
		}
		git_tree_free(t);
		git_commit_free(c);
	}
	if (r != GIT_ITEROVER) {
		fprintf(stderr, "tiekartta: error: cannot list the commits %.12s..%.12s: %s\n",
		    rv->base_id, rv->head_id, git_msg());
		goto out;
	}
	/* A file no single commit explains (a mode change, a criss-cross
	 * merge) is answered for by every author of the range. */
	for (i = 0; i < rv->nfiles; i++) {
		size_t j;

		if (rv->files[i].who.n == 0)
			for (j = 0; j < rv->authors.n; j++)
				add_id(&rv->files[i].who, rv->authors.v[j]);
	}
	rc = 0;
out:
	git_revwalk_free(w);
	return rc;
}

/* Loads the content at a commit. Messages go to d. */
static int
load(tk_model **m, tk_source **src, review *rv, const opts *o, const char *hex, tk_diag *d)
{
	tk_source_opts so;
	int r;

	memset(&so, 0, sizeof(so));
	so.repo = o->repo;
	so.rev = hex;
	so.content = rv->content;
	if ((r = tk_source_open(src, &so, d)) < 0)
		return r;
	tk_model_load(m, *src, rv->cache, d);
	return 0;
}

/* ---- the policy ---- */

static const tk_region *
region_by_id(const tk_model *m, const char *id)
{
	size_t i;

	for (i = 0; m && i < tk_model_nregions(m); i++)
		if (strcmp(tk_model_region(m, i)->id, id) == 0)
			return tk_model_region(m, i);
	return NULL;
}

/* The path inside the content folder, or NULL when it is outside. */
static const char *
in_content(const review *rv, const char *path)
{
	size_t n = strlen(rv->content);

	if (strcmp(rv->content, ".") == 0)
		return path;
	if (strncmp(path, rv->content, n) == 0 && path[n] == '/')
		return path + n + 1;
	return NULL;
}

static void
rule_for(rule *ru, const review *rv, const char *path)
{
	const char *p = in_content(rv, path), *slash;

	memset(ru, 0, sizeof(*ru));
	ru->kind = RULE_MAINTAINERS;
	ru->what = "this file";
	if (p == NULL) {
		ru->what = "files outside the content folder";
		return;
	}
	if (strncmp(p, "status/", 7) == 0 && (slash = strchr(p + 7, '/')) != NULL &&
	    (size_t)(slash - p - 7) < sizeof(ru->region) && slash > p + 7) {
		snprintf(ru->region, sizeof(ru->region), "%.*s", (int)(slash - p - 7), p + 7);
		ru->reg = region_by_id(rv->policy, ru->region);
		ru->kind = RULE_OWNERS;
	} else if (strncmp(p, "roadmap/", 8) == 0)
		ru->what = "the roadmap";
	else if (strcmp(p, "groups.yaml") == 0)
		ru->what = "groups.yaml";
	else if (strcmp(p, "regions.yaml") == 0)
		ru->what = "regions.yaml";
	else if (strcmp(p, "site.yaml") == 0)
		ru->what = "site.yaml";
	else if (strncmp(p, "pages/", 6) == 0)
		ru->what = "the pages";
}

static const char *const *
maintainers(const review *rv, size_t *n)
{
	const tk_site *s = rv->policy ? tk_model_site(rv->policy) : NULL;

	*n = s ? s->nmaintainers : 0;
	return s ? s->maintainers : NULL;
}

/* Who may change the file, as the file list shows it. */
static void
describe(tk_buf *b, const review *rv, const rule *ru)
{
	const char *const *mt;
	size_t n;

	if (ru->kind == RULE_OWNERS && ru->reg) {
		tk_buf_printf(b, "owners of %s: ", ru->region);
		join(b, ru->reg->owners, ru->reg->nowners, "nobody listed");
		return;
	}
	mt = maintainers(rv, &n);
	tk_buf_puts(b, "maintainers: ");
	join(b, mt, n, "nobody listed");
}

static void
problem(review *rv, const char *path, const char *msg)
{
	fprintf(stderr, "%s: error: %s\n", path, msg);
	tk_buf_puts(&rv->problems, "- ");
	md_code(&rv->problems, path);
	tk_buf_puts(&rv->problems, ": ");
	md(&rv->problems, msg);
	tk_buf_putc(&rv->problems, '\n');
}

static void
judge(review *rv, const opts *o, const touched *t)
{
	const char *const *allow, *const *who;
	const char *actor[1];
	size_t nallow, nwho, i, bad = 0;
	tk_buf msg = TK_BUF_INIT, from = TK_BUF_INIT;
	rule ru;

	rule_for(&ru, rv, t->path);
	if (ru.kind == RULE_OWNERS && ru.reg) {
		allow = ru.reg->owners;
		nallow = ru.reg->nowners;
	} else
		allow = maintainers(rv, &nallow);
	if (o->actor) {
		actor[0] = o->actor;
		who = actor;
		nwho = 1;
	} else {
		who = (const char *const *)t->who.v;
		nwho = t->who.n;
	}
	for (i = 0; i < nwho; i++) {
		if (listed(who[i], allow, nallow))
			continue;
		if (bad++)
			tk_buf_puts(&from, ", ");
		tk_buf_puts(&from, who[i]);
	}
	if (nwho == 0)
		tk_buf_puts(&from, "no commit author in the range");
	else if (bad == 0)
		goto out;
	if (ru.kind == RULE_OWNERS && ru.reg) {
		tk_buf_printf(&msg, "only the owners of '%s' (", ru.region);
		join(&msg, allow, nallow, "nobody is listed in regions.yaml");
		tk_buf_printf(&msg, ") may change this file; the change comes from %s", from.data);
	} else {
		if (ru.kind == RULE_OWNERS)
			tk_buf_printf(&msg, "'%s' is not an organisation in the base's "
			    "regions.yaml, so ", ru.region);
		tk_buf_puts(&msg, "only the maintainers (");
		join(&msg, allow, nallow, "nobody is listed in site.yaml");
		tk_buf_printf(&msg, ") may change %s; the change comes from %s",
		    ru.kind == RULE_OWNERS ? "this file" : ru.what, from.data);
	}
	problem(rv, t->path, msg.data);
	rv->violations++;
out:
	tk_buf_free(&msg);
	tk_buf_free(&from);
}

/* ---- figures ---- */

static const tk_record *
latest(const tk_model *m, const char *region)
{
	const tk_record *best = NULL;
	size_t i;

	for (i = 0; m && i < tk_model_nrecords(m); i++) {
		const tk_record *r = tk_model_record(m, i);

		if (strcmp(r->region->id, region) == 0 && (best == NULL || r->period > best->period))
			best = r;
	}
	return best;
}

static const tk_group *
group_by_id(const tk_model *m, const char *id)
{
	size_t i;

	for (i = 0; m && i < tk_model_ngroups(m); i++)
		if (strcmp(tk_model_group(m, i)->id, id) == 0)
			return tk_model_group(m, i);
	return NULL;
}

static void
measure(tk_measure *out, const tk_record *rec, const tk_group *g, int want_group)
{
	memset(out, 0, sizeof(*out));
	if (rec && (g || !want_group))
		tk_fig_count(&out->c, rec, g, NULL);
	tk_fig_measure(out);
	if (rec == NULL || (want_group && g == NULL))
		out->valmis = out->kaynnissa = out->eteneminen = -1;
}

static void
pct(tk_buf *b, int p)
{
	if (p < 0)
		tk_buf_puts(b, "–");
	else
		tk_buf_printf(b, "%d %%", p);
}

static void
arrow(tk_buf *b, int before, int after)
{
	pct(b, before);
	tk_buf_puts(b, " → ");
	pct(b, after);
}

static void
period_str(char *buf, size_t n, const tk_record *r)
{
	if (r)
		snprintf(buf, n, "%04d-%02d", r->period / 12, r->period % 12 + 1);
	else
		snprintf(buf, n, "none");
}

/* One row of figures: label, then valmis, käynnissä, eteneminen. */
typedef struct {
	char *cell[4];
} row;

/* The touched organisations' figures, before and after, into out. */
static void
figures(tk_buf *out, review *rv, int markdown)
{
	strs regions = { NULL, 0 };
	size_t i, j, k;

	for (i = 0; i < rv->nfiles; i++) {
		rule ru;

		rule_for(&ru, rv, rv->files[i].path);
		if (ru.kind == RULE_OWNERS)
			add_id(&regions, ru.region);
	}
	if (regions.n && markdown)
		tk_buf_puts(out, "\n### Readiness before → after\n");
	for (i = 0; i < regions.n; i++) {
		const char *rid = regions.v[i];
		const tk_region *reg = region_by_id(rv->after, rid);
		const tk_record *rb, *ra;
		const tk_model *gm = rv->after;
		char pb[16], pa[16];
		row *rows;
		size_t nrows = 0, ng;
		int w[4] = { 0, 0, 0, 0 };

		if (reg == NULL)
			reg = region_by_id(rv->before, rid);
		rb = latest(rv->before, rid);
		ra = latest(rv->after, rid);
		period_str(pb, sizeof(pb), rb);
		period_str(pa, sizeof(pa), ra);
		if (markdown) {
			tk_buf_puts(out, "\n#### ");
			md(out, reg ? reg->name.fi : rid);
			tk_buf_puts(out, " (");
			md(out, rid);
			tk_buf_printf(out, "), latest record: %s → %s\n\n", pb, pa);
		} else {
			tk_buf_printf(out, "\n%s (%s), latest record: %s → %s\n", reg ? reg->name.fi : rid,
			    rid, pb, pa);
		}
		if (rb == NULL && ra == NULL) {
			tk_buf_puts(out, markdown ? "No record before or after.\n" :
			    "  no record before or after\n");
			continue;
		}
		if (gm == NULL || tk_model_ngroups(gm) == 0)
			gm = rv->before;
		ng = gm ? tk_model_ngroups(gm) : 0;
		rows = xcalloc(ng + 2, sizeof(*rows));
		rows[nrows].cell[0] = xstrdup("group");
		rows[nrows].cell[1] = xstrdup("valmis");
		rows[nrows].cell[2] = xstrdup("käynnissä");
		rows[nrows++].cell[3] = xstrdup("eteneminen");
		for (j = 0; j <= ng; j++) {
			const tk_group *g = j < ng ? tk_model_group(gm, j) : NULL;
			tk_measure before, after;
			tk_buf c = TK_BUF_INIT;

			measure(&before, rb, g ? group_by_id(rv->before, g->id) : NULL, g != NULL);
			measure(&after, ra, g ? group_by_id(rv->after, g->id) : NULL, g != NULL);
			rows[nrows].cell[0] = xstrdup(g == NULL ? "all" :
			    g->short_name ? g->short_name : g->id);
			arrow(&c, before.valmis, after.valmis);
			rows[nrows].cell[1] = tk_buf_detach(&c);
			arrow(&c, before.kaynnissa, after.kaynnissa);
			rows[nrows].cell[2] = tk_buf_detach(&c);
			arrow(&c, before.eteneminen, after.eteneminen);
			rows[nrows++].cell[3] = tk_buf_detach(&c);
		}
		for (j = 0; j < nrows; j++)
			for (k = 0; k < 4; k++)
				if (width_of(rows[j].cell[k]) > w[k])
					w[k] = width_of(rows[j].cell[k]);
		for (j = 0; j < nrows; j++) {
			if (markdown) {
				tk_buf_puts(out, "|");
				for (k = 0; k < 4; k++) {
					tk_buf_putc(out, ' ');
					if (k == 0 && j > 0)
						md(out, rows[j].cell[k]);
					else
						tk_buf_puts(out, rows[j].cell[k]);
					tk_buf_puts(out, " |");
				}
				tk_buf_putc(out, '\n');
				if (j == 0)
					tk_buf_puts(out, "|---|---:|---:|---:|\n");
			} else {
				tk_buf_puts(out, "  ");
				for (k = 0; k < 4; k++) {
					if (k == 3)
						tk_buf_puts(out, rows[j].cell[k]);
					else
						pad(out, rows[j].cell[k], w[k] + 2);
				}
				tk_buf_putc(out, '\n');
			}
			for (k = 0; k < 4; k++)
				free(rows[j].cell[k]);
		}
		free(rows);
	}
	strs_free(&regions);
}

/* ---- the report ---- */

static void
fence(tk_buf *b, const char *text)
{
	int run = 0, longest = 0, n;
	const char *p;

	for (p = text; *p; p++) {
		run = *p == '`' ? run + 1 : 0;
		if (run > longest)
			longest = run;
	}
	for (n = 0; n < (longest < 3 ? 3 : longest + 1); n++)
		tk_buf_putc(b, '`');
	tk_buf_putc(b, '\n');
	tk_buf_puts(b, text);
	if (*text && text[strlen(text) - 1] != '\n')
		tk_buf_putc(b, '\n');
	for (n = 0; n < (longest < 3 ? 3 : longest + 1); n++)
		tk_buf_putc(b, '`');
	tk_buf_putc(b, '\n');
}

static void
report(review *rv, const opts *o, const char *errors)
{
	tk_buf b = TK_BUF_INIT, who = TK_BUF_INIT;
	int nproblems = rv->violations + rv->content_errors;
	size_t i;

	if (o->markdown) {
		tk_buf_printf(&b, "## tiekartta review of %.12s…%.12s\n\n", rv->base_id,
		    rv->head_id);
		if (nproblems == 0)
			tk_buf_puts(&b, "✅ The content at HEAD is valid, and every file comes "
			    "from someone who may change it.\n");
		else
			tk_buf_printf(&b, "❌ %d problem%s:\n\n%s", nproblems,
			    nproblems == 1 ? "" : "s", rv->problems.data ? rv->problems.data : "");
		if (errors && *errors) {
			tk_buf_puts(&b, "\nThe content at HEAD:\n\n");
			fence(&b, errors);
		}
		if (rv->warnings.len) {
			tk_buf_putc(&b, '\n');
			tk_buf_puts(&b, rv->warnings.data);
		}
		tk_buf_printf(&b, "\n### Files (%zu)\n\n", rv->nfiles);
		if (rv->nfiles)
			tk_buf_puts(&b, "| | file | who may change it |\n|---|---|---|\n");
		for (i = 0; i < rv->nfiles; i++) {
			rule ru;

			rule_for(&ru, rv, rv->files[i].path);
			describe(&who, rv, &ru);
			tk_buf_printf(&b, "| %c | ", rv->files[i].status);
			md_code(&b, rv->files[i].path);
			tk_buf_puts(&b, " | ");
			md(&b, who.data);
			tk_buf_puts(&b, " |\n");
			tk_buf_reset(&who);
		}
		figures(&b, rv, 1);
	} else {
		tk_buf_printf(&b, "tiekartta: review of %.12s...%.12s: %zu file%s changed\n",
		    rv->base_id, rv->head_id, rv->nfiles, rv->nfiles == 1 ? "" : "s");
		for (i = 0; i < rv->nfiles; i++) {
			rule ru;

			rule_for(&ru, rv, rv->files[i].path);
			describe(&who, rv, &ru);
			tk_buf_printf(&b, "  %c %s  (%s)\n", rv->files[i].status,
			    rv->files[i].path, who.data);
			tk_buf_reset(&who);
		}
		figures(&b, rv, 0);
		if (nproblems == 0)
			tk_buf_puts(&b, "\ntiekartta: the change is acceptable: the content at "
			    "HEAD is valid, and every file comes from someone who may change it\n");
	}
	fputs(b.data ? b.data : "", stdout);
	if (nproblems)
		fprintf(stderr, "tiekartta: %d problem%s: %d content error%s, %d change%s "
		    "the policy refuses\n", nproblems, nproblems == 1 ? "" : "s",
		    rv->content_errors, rv->content_errors == 1 ? "" : "s", rv->violations,
		    rv->violations == 1 ? "" : "s");
	tk_buf_free(&b);
	tk_buf_free(&who);
}

int
tk_cmd_review(int argc, char **argv)
{
	opts o;
	review rv;
	git_buf found = GIT_BUF_INIT;
	tk_diag *quiet = NULL, *dh = NULL;
	FILE *qf = NULL, *hf = NULL;
	char *qbuf = NULL, *hbuf = NULL;
	size_t qlen = 0, hlen = 0, i;
	const char *content;
	int rc = TK_EXIT_IO, r;

	memset(&rv, 0, sizeof(rv));
	git_libgit2_init();
	if ((r = parse(&o, argc, argv)) != 0) {
		rc = r < 0 ? TK_EXIT_OK : r;
		goto out;
	}
	content = o.content ? o.content : "content";
	while (strncmp(content, "./", 2) == 0)
		content += 2;
	rv.content = xstrdup(*content ? content : ".");
	for (i = strlen(rv.content); i > 1 && rv.content[i - 1] == '/'; i--)
		rv.content[i - 1] = '\0';

	if (o.repo ? git_repository_open_ext(&rv.repo, o.repo, GIT_REPOSITORY_OPEN_NO_SEARCH,
	    NULL) < 0 : (git_repository_discover(&found, ".", 0, NULL) < 0 ||
	    git_repository_open(&rv.repo, found.ptr) < 0)) {
		fprintf(stderr, "tiekartta: error: %s is not in a Git repository; review "
		    "compares two revisions: %s\n", o.repo ? o.repo : "this folder", git_msg());
		rc = TK_EXIT_USAGE;
		goto out;
	}
	if (resolve(&rv.base, rv.base_id, rv.repo, o.base) < 0 ||
	    resolve(&rv.head, rv.head_id, rv.repo, o.head) < 0) {
		rc = TK_EXIT_USAGE;
		goto out;
	}
	if ((r = git_merge_base(&rv.mb, rv.repo, git_commit_id(rv.base),
	    git_commit_id(rv.head))) == GIT_ENOTFOUND) {
		tk_buf_puts(&rv.warnings, "> ⚠️ BASE and HEAD share no history, so the change "
		    "is taken as everything from BASE to HEAD.\n");
		fprintf(stderr, "tiekartta: warning: %.12s and %.12s share no history; "
		    "comparing them as they are\n", rv.base_id, rv.head_id);
		git_oid_cpy(&rv.mb, git_commit_id(rv.base));
	} else if (r < 0) {
		fprintf(stderr, "tiekartta: error: cannot find where %.12s and %.12s part: %s; "
		    "in CI, fetch the whole history (for example fetch-depth: 0)\n",
		    rv.base_id, rv.head_id, git_msg());
		goto out;
	}
	git_oid_tostr(rv.mb_id, sizeof(rv.mb_id), &rv.mb);
	if (list_files(&rv) < 0 || attribute(&rv) < 0)
		goto out;

	/* The policy from BASE, the "before" figures from the merge base, and
	 * HEAD validated with its messages kept for the summary. */
	rv.cache = tk_parse_cache_new(1, NULL);
	if ((qf = open_memstream(&qbuf, &qlen)) == NULL ||
	    (hf = open_memstream(&hbuf, &hlen)) == NULL) {
		perror("tiekartta: error: open_memstream");
		goto out;
	}
	quiet = tk_diag_new(qf);
	dh = tk_diag_new(hf);
	if ((r = load(&rv.policy, &rv.src_policy, &rv, &o, rv.base_id, quiet)) < 0) {
		if (r != TK_SOURCE_EARG)
			goto out;
		fprintf(stderr, "tiekartta: warning: BASE %.12s has no content folder '%s'; "
		    "nobody is listed as owner or maintainer\n", rv.base_id, rv.content);
	}
	if (strcmp(rv.mb_id, rv.base_id) == 0)
		rv.before = rv.policy;
	else if ((r = load(&rv.before, &rv.src_before, &rv, &o, rv.mb_id, quiet)) < 0 &&
	    r != TK_SOURCE_EARG)
		goto out;
	if ((r = load(&rv.after, &rv.src_after, &rv, &o, rv.head_id, dh)) < 0 &&
	    r != TK_SOURCE_EARG)
		goto out;
	rv.content_errors = tk_diag_errors(dh);
	fflush(hf);
	if (hlen)
		fputs(hbuf, stderr);

	if (o.actor == NULL) {
		fprintf(stderr, "tiekartta: warning: no --actor given, so the change is "
		    "judged by its commit authors' e-mail addresses, which anyone can set; "
		    "in CI pass the user the forge authenticated with --actor\n");
		tk_buf_puts(&rv.warnings, "> ⚠️ Judged by the commit authors' e\\-mail "
		    "addresses, which anyone can set: the CI did not pass \\-\\-actor.\n");
	}
	for (i = 0; i < rv.nfiles; i++)
		judge(&rv, &o, &rv.files[i]);
	fflush(hf);
	report(&rv, &o, hbuf);
	rc = rv.violations || rv.content_errors ? TK_EXIT_CONTENT : TK_EXIT_OK;
out:
	for (i = 0; i < rv.nfiles; i++) {
		free(rv.files[i].path);
		strs_free(&rv.files[i].who);
	}
	free(rv.files);
	strs_free(&rv.authors);
	if (rv.before != rv.policy)
		tk_model_free(rv.before);
	tk_model_free(rv.policy);
	tk_model_free(rv.after);
	tk_source_free(rv.src_policy);
	tk_source_free(rv.src_before);
	tk_source_free(rv.src_after);
	tk_parse_cache_free(rv.cache);
	tk_diag_free(quiet);
	tk_diag_free(dh);
	if (qf)
		fclose(qf);
	if (hf)
		fclose(hf);
	free(qbuf);
	free(hbuf);
	free(rv.content);
	tk_buf_free(&rv.problems);
	tk_buf_free(&rv.warnings);
	git_commit_free(rv.base);
	git_commit_free(rv.head);
	git_repository_free(rv.repo);
	git_buf_dispose(&found);
	git_libgit2_shutdown();
	return rc;
}
