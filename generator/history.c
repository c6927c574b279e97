/* history.c: see history.h. libgit2's 0/<0 convention is converted here,
 * with git_error_last() read at once. Trees are compared by id before
 * anything is diffed, so a commit that left status/ alone costs one tree
 * lookup. */
#define _GNU_SOURCE
#include "history.h"

#include <git2.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "source.h"
#include "util.h"
#include "yaml.h"

/* A commit with its place in the walk, so changes sort in walk order. */
typedef struct {
	tk_hist_commit c;       /* first: a tk_hist_commit * is a commit_b * */
	size_t seq;
} commit_b;

typedef struct {
	tk_hist_record r;
	tk_hist_change *changes;
	size_t cap;
	char *rel;              /* "<region>/<YYYY-MM>.yaml", the map's key */
} record_b;

struct tk_history {
	tk_arena *arena;
	char head[41];
	char *content;          /* the content folder, normalised */
	char *status;           /* the status folder's path in the repository */
	int deadline_day;
	size_t seq;
	commit_b **mainline;
	size_t nmain, capmain;
	tk_strmap *recmap;      /* rel -> record_b */
	record_b **recs;
	size_t nrecs, caprecs;
	tk_hist_region *regions;
	size_t nregions;
	/* tk_history_region_key's results, made on first use: every language's
	 * page of an organisation asks. The pointer is const, the keys not. */
	char (*region_keys)[41];
	int shallow_warned;
	git_repository *repo;   /* kept open for tk_history_blob_roadmap */
	tk_strmap *roadmaps;    /* blob id -> the roadmap it names ("" none) */
};

/* One path the mainline commit changed, relative to status/. */
typedef struct {
	char *rel;
	tk_hist_kind kind;
	git_oid blob;           /* after the change; zero when deleted */
	int explained;          /* a branch commit accounts for it */
} delta;

static const char *
git_msg(void)
{
	const git_error *e = git_error_last();

	return e && e->message ? e->message : "unknown libgit2 error";
}

/* ---- dates and pull-request numbers ---- */

void
tk_history_deadline(tk_date *due, long long *end, int period, int deadline_day)
{
	int next = period + 1, d = deadline_day < 1 ? 1 : deadline_day > 28 ? 28 : deadline_day;
	long days = tk_days_from_civil(next / 12, next % 12 + 1, d);
	int wday = (int)((days % 7 + 11) % 7);     /* 1970-01-01 was a Thursday; 0 is Sunday */
	time_t t;
	struct tm tm;

	if (wday == 6)
		days += 2;
	else if (wday == 0)
		days += 1;
	t = (time_t)days * 86400;
	gmtime_r(&t, &tm);
	due->y = tm.tm_year + 1900;
	due->m = tm.tm_mon + 1;
	due->d = tm.tm_mday;
	*end = (long long)(days + 1) * 86400;
}

/* Reads 1..9 digits at s into a positive number; 0 when there are none. */
static int
number_at(const char *s, const char **end)
{
	int n = 0, k = 0;

	while (k < 9 && s[k] >= '0' && s[k] <= '9')
		n = n * 10 + (s[k++] - '0');
	if (end)
		*end = s + k;
	return k > 0 && !(s[k] >= '0' && s[k] <= '9') ? n : 0;
}

int
tk_history_parse_pr(const char *msg)
{
	const char *p, *q, *nl, *end;
	size_t slen;
	int n, best = 0;

	if (msg == NULL)
		return 0;
	/* GitLab puts it in the body: "See merge request group/proj!12". */
	if ((p = strstr(msg, "See merge request ")) != NULL) {
		p += strlen("See merge request ");
		for (q = p; *q && *q != ' ' && *q != '\n' && *q != '\r'; q++)
			;
		while (q > p && q[-1] >= '0' && q[-1] <= '9')
			q--;
		if (q > p && q[-1] == '!' && (n = number_at(q, NULL)) > 0)
			return n;
	}
	nl = strchr(msg, '\n');
	slen = nl ? (size_t)(nl - msg) : strlen(msg);
	/* GitHub's and Bitbucket's merges: "Merge pull request #12 from …". */
	for (p = msg; (p = strstr(p, "pull request #")) != NULL && (size_t)(p - msg) < slen; p++)
		if ((n = number_at(p + strlen("pull request #"), NULL)) > 0)
			return n;
	/* Squash merges and Gitea: the last "(#12)" of the subject. */
	for (p = msg; (p = strstr(p, "(#")) != NULL && (size_t)(p - msg) < slen; p++)
		if ((n = number_at(p + 2, &end)) > 0 && *end == ')')
			best = n;
	return best;
}

/* ---- trees ---- */

/* The id of the entry at path in root (path NULL: root itself). Returns 1,
 * 0 when there is none, negative on failure. */
static int
entry_id(git_oid *out, git_tree *root, const char *path, git_object_t want)
{
	git_tree_entry *te = NULL;
	int r;

	if (root == NULL)
		return 0;
	if (path == NULL) {
		git_oid_cpy(out, git_tree_id(root));
		return 1;
	}
	if ((r = git_tree_entry_bypath(&te, root, path)) == GIT_ENOTFOUND)
		return 0;
	if (r < 0)
		return -1;
	r = git_tree_entry_type(te) == want;
	if (r)
		git_oid_cpy(out, git_tree_entry_id(te));
	git_tree_entry_free(te);
	return r;
}

/* The subtree at path in commit c's tree, or NULL when there is none. */
static int
subtree(git_tree **out, git_repository *repo, git_commit *c, const char *path)
{
	git_tree *root = NULL;
	git_oid id;
	int r, rc = -1;

	*out = NULL;
	if (c == NULL)
		return 0;
	if (git_commit_tree(&root, c) < 0)
		return -1;
	if ((r = entry_id(&id, root, path, GIT_OBJECT_TREE)) < 0)
		goto out;
	if (r == 0) {
		rc = 0;
		goto out;
	}
	if (git_tree_lookup(out, repo, &id) < 0)
		goto out;
	rc = 0;
out:
	git_tree_free(root);
	return rc;
}

/* Does anything in the content folder but status/ differ between commit c
 * and its first parent p (NULL: c is the first)? 1 or 0, negative on
 * failure. The folders' entries are compared by id: no diff is needed. */
static int
other_changed(git_repository *repo, git_commit *c, git_commit *p, const char *content,
    tk_diag *d)
{
	const char *path = strcmp(content, ".") ? content : NULL;
	git_tree *a = NULL, *b = NULL;
	size_t i, na = 0, nb = 0;
	int rc = 0;

	if (subtree(&a, repo, c, path) < 0 || subtree(&b, repo, p, path) < 0) {
		tk_diag_error(d, NULL, 0, 0, "cannot read a tree: %s", git_msg());
		rc = -1;
		goto out;
	}
	for (i = 0; a && i < git_tree_entrycount(a); i++) {
		const git_tree_entry *e = git_tree_entry_byindex(a, i), *f;

		if (strcmp(git_tree_entry_name(e), "status") == 0)
			continue;
		na++;
		f = b ? git_tree_entry_byname(b, git_tree_entry_name(e)) : NULL;
		if (f == NULL || !git_oid_equal(git_tree_entry_id(e), git_tree_entry_id(f)) ||
		    git_tree_entry_filemode(e) != git_tree_entry_filemode(f))
			rc = 1;
	}
	for (i = 0; b && i < git_tree_entrycount(b); i++)
		if (strcmp(git_tree_entry_name(git_tree_entry_byindex(b, i)), "status") != 0)
			nb++;
	if (na != nb)
		rc = 1;
out:
	git_tree_free(a);
	git_tree_free(b);
	return rc;
}

static int
same_tree(git_tree *a, git_tree *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return git_oid_equal(git_tree_id(a), git_tree_id(b));
}

/* ---- building ---- */

static commit_b *
new_commit(tk_history *h, git_commit *gc, int mainline, const commit_b *merge)
{
	commit_b *cb = tk_arena_alloc(h->arena, sizeof(*cb));
	const git_signature *a = git_commit_author(gc);
	const char *msg = git_commit_message(gc), *nl;

	git_oid_tostr(cb->c.id, sizeof(cb->c.id), git_commit_id(gc));
	cb->c.time = (long long)git_commit_time(gc);
	cb->c.author_name = tk_arena_strdup(h->arena, a && a->name ? a->name : "");
	cb->c.author_email = tk_arena_strdup(h->arena, a && a->email ? a->email : "");
	if (msg == NULL)
		msg = "";
	while (*msg == '\n')
		msg++;
	nl = strchr(msg, '\n');
	cb->c.subject = tk_arena_strndup(h->arena, msg, nl ? (size_t)(nl - msg) : strlen(msg));
	cb->c.mainline = mainline;
	if (mainline) {
		cb->c.pr = tk_history_parse_pr(msg);
		cb->c.published = cb->c.time;
		cb->c.pos = h->nmain;   /* appended next */
	} else {
		cb->c.merge = &merge->c;
		cb->c.pr = merge->c.pr;
		cb->c.published = merge->c.time;
		cb->c.pos = merge->c.pos;
	}
	cb->seq = h->seq++;
	return cb;
}

/* Splits "<region>/<YYYY-MM>.yaml" into its parts; 0 when it is not a record. */
static int
record_path(const char *rel, char *region, size_t rn, int *period)
{
	const char *slash = strchr(rel, '/'), *f;
	int y, m, i;

	if (slash == NULL || slash == rel || (size_t)(slash - rel) >= rn || strchr(slash + 1, '/'))
		return 0;
	f = slash + 1;
	if (strlen(f) != 12 || f[4] != '-' || strcmp(f + 7, ".yaml") != 0)
		return 0;
	for (i = 0; i < 7; i++)
		if (i != 4 && (f[i] < '0' || f[i] > '9'))
			return 0;
	y = (f[0] - '0') * 1000 + (f[1] - '0') * 100 + (f[2] - '0') * 10 + (f[3] - '0');
	m = (f[5] - '0') * 10 + (f[6] - '0');
	if (y < 2000 || y > 2100 || m < 1 || m > 12)
		return 0;
	memcpy(region, rel, (size_t)(slash - rel));
	region[slash - rel] = '\0';
	*period = TK_PERIOD(y, m);
	return 1;
}

int
tk_history_blob_read(const tk_history *h, const char *hex, size_t max, tk_buf *out)
{
	git_blob *blob = NULL;
	git_odb *odb = NULL;
	git_object_t type;
	git_oid id;
	size_t size = 0;
	int r;

	if (h->repo == NULL || git_oid_fromstr(&id, hex) != 0 ||
	    git_repository_odb(&odb, h->repo) != 0)
		return -1;
	/* The size from the object's header, before its bytes are inflated:
	 * a huge file once committed by mistake costs nothing to refuse. */
	r = git_odb_read_header(&size, &type, odb, &id);
	git_odb_free(odb);
	if (r != 0 || type != GIT_OBJECT_BLOB || size > max ||
	    git_blob_lookup(&blob, h->repo, &id) != 0)
		return -1;
	tk_buf_put(out, git_blob_rawcontent(blob), (size_t)git_blob_rawsize(blob));
	git_blob_free(blob);
	return 0;
}

/* The roadmap version a record's blob names on its top-level "roadmap:"
 * line, or NULL (unreadable, or written some other way: then a page that
 * depends on it counts it under every version). Read once per blob. */
const char *
tk_history_blob_roadmap(const tk_history *ch, const char *hex)
{
	tk_history *h = (tk_history *)ch;      /* the cache only */
	const char *val, *text, *end, *hit;
	tk_buf b = TK_BUF_INIT;
	size_t len, n;

	if ((val = tk_strmap_get(h->roadmaps, hex)) != NULL)
		return *val ? val : NULL;
	val = "";
	if (tk_history_blob_read(h, hex, TK_YAML_MAX_BYTES, &b) == 0) {
		text = b.data ? b.data : "";
		len = b.len;
		for (hit = memmem(text, len, "roadmap:", 8); hit; hit = memmem(hit + 1,
		    len - (size_t)(hit + 1 - text), "roadmap:", 8))
			if (hit == text || hit[-1] == '\n')
				break;
		if (hit) {
			const char *p = hit + 8;

			end = memchr(p, '\n', len - (size_t)(p - text));
			if (end == NULL)
				end = text + len;
			while (p < end && (*p == ' ' || *p == '"' || *p == '\''))
				p++;
			for (n = 0; p + n < end && p[n] != ' ' && p[n] != '"' && p[n] != '\'' &&
			    p[n] != '#' && p[n] != '\r'; n++)
				;
			if (n)
				val = tk_arena_strndup(h->arena, p, n);
		}
	}
	tk_buf_free(&b);
	tk_strmap_put(h->roadmaps, tk_arena_strdup(h->arena, hex), (void *)val);
	return *val ? val : NULL;
}

static void
add_change(tk_history *h, const char *rel, const commit_b *cb, tk_hist_kind kind,
    const git_oid *blob)
{
	record_b *rb = tk_strmap_get(h->recmap, rel);
	tk_hist_change *ch;
	char region[80], *path;
	int period;

	if (rb == NULL) {
		if (!record_path(rel, region, sizeof(region), &period))
			return;         /* not a record: the model says why */
		rb = xcalloc(1, sizeof(*rb));
		rb->rel = xstrdup(rel);
		rb->r.region = tk_arena_strdup(h->arena, region);
		rb->r.period = period;
		path = xasprintf("%s/%s", h->status, rel);
		rb->r.path = tk_arena_strdup(h->arena, path);
		free(path);
		tk_history_deadline(&rb->r.due, &rb->r.due_end, period, h->deadline_day);
		tk_strmap_put(h->recmap, rb->rel, rb);
		if (h->nrecs == h->caprecs) {
			h->caprecs = h->caprecs ? h->caprecs * 2 : 64;
			h->recs = xrealloc(h->recs, h->caprecs * sizeof(*h->recs));
		}
		h->recs[h->nrecs++] = rb;
	}
	if (rb->r.nchanges == rb->cap) {
		rb->cap = rb->cap ? rb->cap * 2 : 8;
		rb->changes = xrealloc(rb->changes, rb->cap * sizeof(*rb->changes));
	}
	ch = &rb->changes[rb->r.nchanges++];
	memset(ch, 0, sizeof(*ch));
	ch->commit = &cb->c;
	ch->kind = kind;
	if (kind != TK_HIST_DELETED)
		git_oid_tostr(ch->blob, sizeof(ch->blob), blob);
	ch->late = cb->c.published >= rb->r.due_end;
}

static void
free_deltas(delta *ds, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(ds[i].rel);
	free(ds);
}

/* What changed under status/ from old to new (either may be NULL). */
static int
diff_status(delta **out, size_t *nout, git_repository *repo, git_tree *old, git_tree *new,
    tk_diag *d)
{
	git_diff *diff = NULL;
	size_t i, n;

	*out = NULL;
	*nout = 0;
	if (same_tree(old, new))
		return 0;
	if (git_diff_tree_to_tree(&diff, repo, old, new, NULL) < 0) {
		tk_diag_error(d, NULL, 0, 0, "cannot compare trees: %s", git_msg());
		return -1;
	}
	n = git_diff_num_deltas(diff);
	*out = xcalloc(n + 1, sizeof(**out));
	for (i = 0; i < n; i++) {
		const git_diff_delta *dd = git_diff_get_delta(diff, i);
		delta *x = &(*out)[*nout];

		switch (dd->status) {
		case GIT_DELTA_ADDED: x->kind = TK_HIST_ADDED; break;
		case GIT_DELTA_DELETED: x->kind = TK_HIST_DELETED; break;
		case GIT_DELTA_MODIFIED: case GIT_DELTA_TYPECHANGE: x->kind = TK_HIST_MODIFIED; break;
		default: continue;
		}
		x->rel = xstrdup(x->kind == TK_HIST_DELETED ? dd->old_file.path : dd->new_file.path);
		if (x->kind != TK_HIST_DELETED)
			git_oid_cpy(&x->blob, &dd->new_file.id);
		(*nout)++;
	}
	git_diff_free(diff);
	return 0;
}

/* The blob at rel in a status tree: 1, 0 when absent, negative on failure. */
static int
blob_at(git_oid *out, git_tree *t, const char *rel)
{
	return entry_id(out, t, rel, GIT_OBJECT_BLOB);
}

/* A commit's parent, or NULL when it has none or the clone is shallow
 * (*missing then says so). */
static int
parent(git_commit **out, int *missing, tk_history *h, git_commit *c, unsigned i, tk_diag *d)
{
	int r;

	*out = NULL;
	if (missing)
		*missing = 0;
	if (i >= git_commit_parentcount(c))
		return 0;
	if ((r = git_commit_parent(out, c, i)) == GIT_ENOTFOUND) {
		if (!h->shallow_warned)
			tk_diag_warning(d, NULL, 0, 0, "the repository's history ends at "
			    "commit %.12s (a shallow clone?), so the submission history "
			    "starts there; fetch the whole history to see all of it",
			    git_oid_tostr_s(git_commit_id(c)));
		h->shallow_warned = 1;
		if (missing)
			*missing = 1;
		return 0;
	}
	if (r < 0) {
		tk_diag_error(d, NULL, 0, 0, "cannot read a parent of %s: %s",
		    git_oid_tostr_s(git_commit_id(c)), git_msg());
		return -1;
	}
	return 0;
}

/* A commit's status tree and its parents'. */
typedef struct {
	git_tree *self;
	git_tree **t;
	unsigned n;
	int missing;            /* a parent is not in a shallow clone */
} trees;

static void
trees_free(trees *ts)
{
	unsigned k;

	git_tree_free(ts->self);
	for (k = 0; k < ts->n; k++)
		git_tree_free(ts->t[k]);
	free(ts->t);
	memset(ts, 0, sizeof(*ts));
}

static int
trees_load(trees *ts, tk_history *h, git_repository *repo, git_commit *c, tk_diag *d)
{
	git_commit *p = NULL;
	unsigned k;
	int missing;

	memset(ts, 0, sizeof(*ts));
	ts->n = git_commit_parentcount(c);
	ts->t = xcalloc(ts->n + 1, sizeof(*ts->t));
	if (subtree(&ts->self, repo, c, h->status) < 0)
		goto fail;
	for (k = 0; k < ts->n; k++) {
		if (parent(&p, &missing, h, c, k, d) < 0)
			goto fail_quiet;
		ts->missing |= missing;
		if (subtree(&ts->t[k], repo, p, h->status) < 0) {
			git_commit_free(p);
			goto fail;
		}
		git_commit_free(p);
	}
	return 0;
fail:
	tk_diag_error(d, NULL, 0, 0, "cannot read the status folder of %s: %s",
	    git_oid_tostr_s(git_commit_id(c)), git_msg());
fail_quiet:
	trees_free(ts);
	return -1;
}

/* Did the commit change rel itself, that is, does rel differ from it in
 * every parent (a root commit: is it there at all)? *kind says how. A
 * parent lost to a shallow clone claims nothing. Returns 1, 0, or negative
 * on failure. */
static int
own_change(const trees *ts, const char *rel, tk_hist_kind *kind, git_oid *now)
{
	git_oid before;
	unsigned k;
	int has_now, has, any = 0;

	if (ts->missing)
		return 0;
	if ((has_now = blob_at(now, ts->self, rel)) < 0)
		return -1;
	for (k = 0; k < ts->n; k++) {
		if ((has = blob_at(&before, ts->t[k], rel)) < 0)
			return -1;
		if (has == has_now && (!has || git_oid_equal(&before, now)))
			return 0;
		any |= has;
	}
	if (ts->n == 0 && !has_now)
		return 0;
	*kind = !has_now ? TK_HIST_DELETED : any ? TK_HIST_MODIFIED : TK_HIST_ADDED;
	return 1;
}

/* The branch commits a mainline merge brought in, in topological order,
 * each listed for the merge's paths it changed itself. */
static int
walk_side(tk_history *h, git_repository *repo, git_commit *merge, const commit_b *mb,
    delta *ds, size_t nds, tk_diag *d)
{
	git_revwalk *w = NULL;
	git_oid id;
	unsigned i, np = git_commit_parentcount(merge);
	int r, rc = -1;

	if (git_revwalk_new(&w, repo) < 0 ||
	    git_revwalk_sorting(w, GIT_SORT_TOPOLOGICAL | GIT_SORT_TIME | GIT_SORT_REVERSE) < 0)
		goto fail;
	for (i = 1; i < np; i++)
		if (git_revwalk_push(w, git_commit_parent_id(merge, i)) < 0)
			goto fail;
	if (git_revwalk_hide(w, git_commit_parent_id(merge, 0)) < 0)
		goto fail;
	while ((r = git_revwalk_next(&id, w)) == 0) {
		git_commit *s = NULL;
		trees ts;
		commit_b *sb = NULL;
		tk_hist_kind kind;
		git_oid now;
		size_t j;
		int own = 0;

		if (git_commit_lookup(&s, repo, &id) < 0) {
			tk_diag_error(d, NULL, 0, 0, "cannot read commit %s: %s",
			    git_oid_tostr_s(&id), git_msg());
			goto out;
		}
		if (trees_load(&ts, h, repo, s, d) < 0) {
			git_commit_free(s);
			goto out;
		}
		for (j = 0; j < nds && (own = own_change(&ts, ds[j].rel, &kind, &now)) >= 0; j++) {
			if (!own)
				continue;
			if (sb == NULL)
				sb = new_commit(h, s, 0, mb);
			add_change(h, ds[j].rel, sb, kind, &now);
			ds[j].explained = 1;
		}
		trees_free(&ts);
		git_commit_free(s);
		if (own < 0) {
			tk_diag_error(d, NULL, 0, 0, "cannot read commit %s: %s",
			    git_oid_tostr_s(&id), git_msg());
			goto out;
		}
	}
	if (r != GIT_ITEROVER)
		goto fail;
	rc = 0;
	goto out;
fail:
	/* A shallow clone may lack the branch: the merge answers for it all. */
	if (!h->shallow_warned)
		tk_diag_warning(d, NULL, 0, 0, "cannot walk the branch merged in %.12s (%s); "
		    "its changes are listed under the merge", mb->c.id, git_msg());
	h->shallow_warned = 1;
	rc = 0;
out:
	git_revwalk_free(w);
	return rc;
}

/* One mainline commit: what it changed in the content and under status/. */
static int
walk_mainline(tk_history *h, git_repository *repo, git_commit *c, tk_diag *d)
{
	const char *cpath = strcmp(h->content, ".") ? h->content : NULL;
	git_commit *p1 = NULL;
	git_tree *root = NULL, *proot = NULL;
	git_oid a, b, now;
	commit_b *cb = new_commit(h, c, 1, NULL);
	trees ts = { 0 };
	delta *ds = NULL;
	tk_hist_kind kind;
	size_t nds = 0, j;
	int ra, rb, own, rc = -1;

	if (h->nmain == h->capmain) {
		h->capmain = h->capmain ? h->capmain * 2 : 64;
		h->mainline = xrealloc(h->mainline, h->capmain * sizeof(*h->mainline));
	}
	h->mainline[h->nmain++] = cb;
	if (parent(&p1, NULL, h, c, 0, d) < 0 || trees_load(&ts, h, repo, c, d) < 0)
		goto out;
	if (git_commit_tree(&root, c) < 0 || (p1 && git_commit_tree(&proot, p1) < 0) ||
	    (ra = entry_id(&a, root, cpath, GIT_OBJECT_TREE)) < 0 ||
	    (rb = entry_id(&b, proot, cpath, GIT_OBJECT_TREE)) < 0) {
		tk_diag_error(d, NULL, 0, 0, "cannot read the tree of %s: %s", cb->c.id, git_msg());
		goto out;
	}
	cb->c.content_changed = ra != rb || (ra && !git_oid_equal(&a, &b));
	if (cb->c.content_changed && (cb->c.other_changed = other_changed(repo, c, p1,
	    h->content, d)) < 0)
		goto out;
	/* The first commit a shallow clone has: what it changed is unknown. */
	if (ts.missing && p1 == NULL) {
		rc = 0;
		goto out;
	}
	if (diff_status(&ds, &nds, repo, ts.n ? ts.t[0] : NULL, ts.self, d) < 0)
		goto out;
	if (ts.n >= 2 && nds > 0 && walk_side(h, repo, c, cb, ds, nds, d) < 0)
		goto out;
	for (j = 0; j < nds; j++) {
		/* A merge answers for what no branch commit explains and for
		 * what differs from every parent (a conflict resolved). */
		own = 1;
		kind = ds[j].kind;
		now = ds[j].blob;
		if (ts.n >= 2 && ds[j].explained && (own = own_change(&ts, ds[j].rel, &kind,
		    &now)) < 0) {
			tk_diag_error(d, NULL, 0, 0, "cannot read the tree of %s: %s", cb->c.id,
			    git_msg());
			goto out;
		}
		if (own)
			add_change(h, ds[j].rel, cb, ds[j].kind, &ds[j].blob);
	}
	rc = 0;
out:
	free_deltas(ds, nds);
	trees_free(&ts);
	git_tree_free(root);
	git_tree_free(proot);
	git_commit_free(p1);
	return rc;
}

/* ---- the result ---- */

static int
cmp_record(const void *a, const void *b)
{
	const record_b *x = *(record_b *const *)a, *y = *(record_b *const *)b;
	int c = strcmp(x->r.region, y->r.region);

	return c ? c : x->r.period - y->r.period;
}

typedef struct {
	const commit_b *c;
	int period, late;
} sub_item;

static int
cmp_sub(const void *a, const void *b)
{
	const sub_item *x = a, *y = b;

	if (x->c->seq != y->c->seq)
		return x->c->seq < y->c->seq ? -1 : 1;
	return x->period - y->period;
}

/* Is there a file at rel (a path in head_status)? The records come by
 * region, so the last folder looked up is kept: a path looked up from the
 * top each time read the region's tree again for every record, a second
 * at 100x scale. */
static int
present_at(git_tree *head_status, const char *rel, char **dir, git_tree **dtree)
{
	const char *slash = strrchr(rel, '/');
	const git_tree_entry *te;
	git_oid id;

	if (head_status == NULL)
		return 0;
	if (slash == NULL) {
		te = git_tree_entry_byname(head_status, rel);
		return te && git_tree_entry_type(te) == GIT_OBJECT_BLOB;
	}
	if (*dir == NULL || strlen(*dir) != (size_t)(slash - rel) ||
	    memcmp(*dir, rel, (size_t)(slash - rel)) != 0) {
		free(*dir);
		*dir = xstrndup(rel, (size_t)(slash - rel));
		git_tree_free(*dtree);
		*dtree = NULL;
		if (entry_id(&id, head_status, *dir, GIT_OBJECT_TREE) == 1 &&
		    git_tree_lookup(dtree, git_tree_owner(head_status), &id) < 0)
			*dtree = NULL;
	}
	te = *dtree ? git_tree_entry_byname(*dtree, slash + 1) : NULL;
	return te && git_tree_entry_type(te) == GIT_OBJECT_BLOB;
}

/* Fills each record's flags and groups the records into regions. */
static void
finish(tk_history *h, git_tree *head_status)
{
	size_t i, j, k, start, nitems;
	char *dir = NULL;
	git_tree *dtree = NULL;

	if (h->nrecs)
		qsort(h->recs, h->nrecs, sizeof(*h->recs), cmp_record);
	h->regions = xcalloc(h->nrecs + 1, sizeof(*h->regions));
	h->region_keys = xcalloc(h->nrecs + 1, sizeof(*h->region_keys));
	for (i = 0; i < h->nrecs; i++) {
		record_b *rb = h->recs[i];

		rb->r.changes = rb->changes;
		rb->r.present = present_at(head_status, rb->rel, &dir, &dtree);
		for (j = 0; j < rb->r.nchanges; j++) {
			if (!rb->changes[j].late)
				continue;
			if (j == 0) {
				rb->r.submitted_late = 1;
				continue;
			}
			rb->r.corrected_late = 1;
			if (rb->changes[j].commit->published > rb->r.last_late)
				rb->r.last_late = rb->changes[j].commit->published;
		}
	}
	free(dir);
	git_tree_free(dtree);
	for (start = 0; start < h->nrecs; start = i) {
		tk_hist_region *reg = &h->regions[h->nregions++];
		tk_hist_record *recs;
		tk_hist_submission *subs;
		sub_item *items;
		int *periods;

		for (i = start, nitems = 0; i < h->nrecs &&
		    strcmp(h->recs[i]->r.region, h->recs[start]->r.region) == 0; i++)
			nitems += h->recs[i]->r.nchanges;
		reg->id = h->recs[start]->r.region;
		recs = tk_arena_alloc(h->arena, (i - start) * sizeof(*recs));
		items = xcalloc(nitems + 1, sizeof(*items));
		for (j = start, nitems = 0; j < i; j++) {
			recs[j - start] = h->recs[j]->r;
			for (k = 0; k < h->recs[j]->r.nchanges; k++) {
				items[nitems].c = (const commit_b *)h->recs[j]->changes[k].commit;
				items[nitems].period = h->recs[j]->r.period;
				items[nitems++].late = h->recs[j]->changes[k].late;
			}
		}
		reg->records = recs;
		reg->nrecords = i - start;
		qsort(items, nitems, sizeof(*items), cmp_sub);
		subs = tk_arena_alloc(h->arena, (nitems + 1) * sizeof(*subs));
		periods = tk_arena_alloc(h->arena, (nitems + 1) * sizeof(*periods));
		for (j = 0; j < nitems; j++) {
			tk_hist_submission *s;

			if (j == 0 || items[j].c != items[j - 1].c) {
				s = &subs[reg->nsubmissions++];
				s->commit = &items[j].c->c;
				s->periods = &periods[j];
			}
			s = &subs[reg->nsubmissions - 1];
			periods[j] = items[j].period;
			s->nperiods++;
			s->late |= items[j].late;
		}
		reg->submissions = subs;
		free(items);
	}
}

int
tk_history_load(tk_history **out, const char *repo_path, const char *rev,
    const char *content_path, int deadline_day, tk_diag *d)
{
	tk_history *h = xcalloc(1, sizeof(*h));
	git_repository *repo = NULL;
	git_object *obj = NULL;
	git_commit *head = NULL, *c = NULL, **chain = NULL;
	git_tree *head_status = NULL;
	git_buf found = GIT_BUF_INIT;
	const char *content = content_path ? content_path : "content";
	size_t i, n = 0, cap = 0;
	int rc = -1;

	*out = NULL;
	git_libgit2_init();
	h->arena = tk_arena_new();
	h->recmap = tk_strmap_new();
	h->roadmaps = tk_strmap_new();
	h->deadline_day = deadline_day;
	while (strncmp(content, "./", 2) == 0)
		content += 2;
	h->content = xstrdup(*content ? content : ".");
	for (i = strlen(h->content); i > 1 && h->content[i - 1] == '/'; i--)
		h->content[i - 1] = '\0';
	h->status = strcmp(h->content, ".") == 0 ? xstrdup("status") :
	    xasprintf("%s/status", h->content);

	if (repo_path) {
		if (git_repository_open_ext(&repo, repo_path, GIT_REPOSITORY_OPEN_NO_SEARCH,
		    NULL) < 0) {
			tk_diag_error(d, repo_path, 0, 0, "not a Git repository, so it has no "
			    "history: %s", git_msg());
			rc = TK_HISTORY_EARG;
			goto out;
		}
	} else if (git_repository_discover(&found, ".", 0, NULL) < 0 ||
	    git_repository_open(&repo, found.ptr) < 0) {
		tk_diag_error(d, NULL, 0, 0, "not in a Git repository, so there is no "
		    "history: %s", git_msg());
		rc = TK_HISTORY_EARG;
		goto out;
	}
	if (git_revparse_single(&obj, repo, rev ? rev : "HEAD") < 0) {
		tk_diag_error(d, NULL, 0, 0, "cannot resolve revision '%s': %s",
		    rev ? rev : "HEAD", git_msg());
		rc = TK_HISTORY_EARG;
		goto out;
	}
	if (git_object_peel((git_object **)&head, obj, GIT_OBJECT_COMMIT) < 0) {
		tk_diag_error(d, NULL, 0, 0, "revision '%s' does not name a commit: %s",
		    rev ? rev : "HEAD", git_msg());
		rc = TK_HISTORY_EARG;
		goto out;
	}
	git_oid_tostr(h->head, sizeof(h->head), git_commit_id(head));

	/* The first-parent chain, newest first, then walked oldest first so
	 * commits come in the order they were published. */
	if (git_commit_dup(&c, head) < 0) {
		tk_diag_error(d, NULL, 0, 0, "cannot read commit %s: %s", h->head, git_msg());
		goto out;
	}
	while (c) {
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			chain = xrealloc(chain, cap * sizeof(*chain));
		}
		chain[n++] = c;
		if (parent(&c, NULL, h, c, 0, d) < 0)
			goto out;
	}
	for (i = n; i-- > 0;)
		if (walk_mainline(h, repo, chain[i], d) < 0)
			goto out;
	if (subtree(&head_status, repo, head, h->status) < 0) {
		tk_diag_error(d, NULL, 0, 0, "cannot read the tree of %s: %s", h->head, git_msg());
		goto out;
	}
	finish(h, head_status);
	/* Kept, with the library, for the roadmaps of old blobs. */
	h->repo = repo;
	repo = NULL;
	git_libgit2_init();
	*out = h;
	h = NULL;
	rc = 0;
out:
	for (i = 0; i < n; i++)
		git_commit_free(chain[i]);
	free(chain);
	git_tree_free(head_status);
	git_commit_free(head);
	git_object_free(obj);
	git_repository_free(repo);
	git_buf_dispose(&found);
	tk_history_free(h);
	git_libgit2_shutdown();
	return rc;
}

void
tk_history_free(tk_history *h)
{
	size_t i;

	if (h == NULL)
		return;
	for (i = 0; i < h->nrecs; i++) {
		free(h->recs[i]->changes);
		free(h->recs[i]->rel);
		free(h->recs[i]);
	}
	free(h->recs);
	free(h->regions);
	free(h->region_keys);
	free(h->mainline);
	tk_strmap_free(h->recmap);
	tk_strmap_free(h->roadmaps);
	if (h->repo) {
		git_repository_free(h->repo);
		git_libgit2_shutdown();
	}
	free(h->content);
	free(h->status);
	tk_arena_free(h->arena);
	free(h);
}

const char *
tk_history_head(const tk_history *h)
{
	return h->head;
}

size_t
tk_history_nregions(const tk_history *h)
{
	return h->nregions;
}

const tk_hist_region *
tk_history_region(const tk_history *h, size_t i)
{
	return i < h->nregions ? &h->regions[i] : NULL;
}

const tk_hist_region *
tk_history_region_by_id(const tk_history *h, const char *id)
{
	size_t lo = 0, hi = h->nregions;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(h->regions[mid].id, id);

		if (c == 0)
			return &h->regions[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

const tk_hist_record *
tk_history_record(const tk_history *h, const char *region, int period)
{
	const tk_hist_region *r = tk_history_region_by_id(h, region);
	size_t i;

	for (i = 0; r && i < r->nrecords; i++)
		if (r->records[i].period == period)
			return &r->records[i];
	return NULL;
}

size_t
tk_history_ncommits(const tk_history *h)
{
	return h->nmain;
}

const tk_hist_commit *
tk_history_commit(const tk_history *h, size_t i)
{
	return i < h->nmain ? &h->mainline[i]->c : NULL;
}

/* ---- view data ---- */

static void
set_date(tk_value *m, const char *k, long long t)
{
	char buf[32];
	time_t tt = (time_t)t;
	struct tm tm;

	if (t == 0) {
		tk_value_map_set(m, k, tk_value_null());
		return;
	}
	gmtime_r(&tt, &tm);
	snprintf(buf, sizeof(buf), "%d.%d.%d", tm.tm_mday, tm.tm_mon + 1, tm.tm_year + 1900);
	tk_value_set_str(m, k, buf);
}

static void
put_commit(tk_value *m, const tk_hist_commit *c)
{
	char buf[32], sid[13];
	time_t tt = (time_t)c->time;
	struct tm tm;

	tk_value_set_str(m, "id", c->id);
	snprintf(sid, sizeof(sid), "%.12s", c->id);
	tk_value_set_str(m, "short_id", sid);
	set_date(m, "date", c->time);
	gmtime_r(&tt, &tm);
	strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
	tk_value_set_str(m, "datetime", buf);
	tk_value_set_str(m, "subject", c->subject);
	tk_value_map_set(m, "pr", c->pr ? tk_value_num(c->pr) : tk_value_null());
}

static tk_value *
period_value(int p)
{
	char buf[16];

	snprintf(buf, sizeof(buf), "%04d-%02d", p / 12, p % 12 + 1);
	return tk_value_str(buf);
}

static tk_value *
record_value(const tk_hist_record *r)
{
	static const char *const kinds[] = { "added", "modified", "deleted" };
	tk_value *m = tk_value_map(), *changes = tk_value_list();
	char buf[32];
	size_t i;

	tk_value_map_set(m, "period", period_value(r->period));
	tk_value_set_str(m, "path", r->path);
	tk_value_map_set(m, "present", tk_value_bool(r->present));
	snprintf(buf, sizeof(buf), "%d.%d.%d", r->due.d, r->due.m, r->due.y);
	tk_value_set_str(m, "due_date", buf);
	tk_value_map_set(m, "submitted_late", tk_value_bool(r->submitted_late));
	tk_value_map_set(m, "corrected_late", tk_value_bool(r->corrected_late));
	set_date(m, "last_late_date", r->last_late);
	for (i = 0; i < r->nchanges; i++) {
		tk_value *c = tk_value_map();

		put_commit(c, r->changes[i].commit);
		set_date(c, "published_date", r->changes[i].commit->published);
		tk_value_set_str(c, "author", r->changes[i].commit->author_name);
		tk_value_set_str(c, "change", kinds[r->changes[i].kind]);
		tk_value_map_set(c, "late", tk_value_bool(r->changes[i].late));
		tk_value_list_push(changes, c);
	}
	tk_value_map_set(m, "changes", changes);
	return m;
}

tk_value *
tk_history_region_value(const tk_history *h, const char *region)
{
	const tk_hist_region *r = tk_history_region_by_id(h, region);
	tk_value *m = tk_value_map(), *subs = tk_value_list(), *recs = tk_value_list(),
	    *late = tk_value_list();
	size_t i, j;

	tk_value_set_str(m, "region", region);
	for (i = 0; r && i < r->nsubmissions; i++) {
		const tk_hist_submission *s = &r->submissions[i];
		tk_value *x = tk_value_map(), *ps = tk_value_list();

		put_commit(x, s->commit);
		tk_value_set_str(x, "author", s->commit->author_name);
		tk_value_set_str(x, "merge_id", s->commit->merge ? s->commit->merge->id : NULL);
		set_date(x, "published_date", s->commit->published);
		tk_value_map_set(x, "late", tk_value_bool(s->late));
		for (j = 0; j < s->nperiods; j++)
			tk_value_list_push(ps, period_value(s->periods[j]));
		tk_value_map_set(x, "periods", ps);
		tk_value_list_push(subs, x);
	}
	for (i = 0; r && i < r->nrecords; i++) {
		tk_value_list_push(recs, record_value(&r->records[i]));
		if (r->records[i].corrected_late)
			tk_value_list_push(late, record_value(&r->records[i]));
	}
	tk_value_map_set(m, "submissions", subs);
	tk_value_map_set(m, "records", recs);
	tk_value_map_set(m, "late", late);
	return m;
}

void
tk_history_region_key(const tk_history *h, const char *region, char out[41])
{
	const tk_hist_region *r = tk_history_region_by_id(h, region);
	char *memo = r ? h->region_keys[r - h->regions] : NULL;
	tk_buf b = TK_BUF_INIT;
	tk_value *x;

	if (memo && memo[0]) {
		memcpy(out, memo, 41);
		return;
	}
	x = tk_history_region_value(h, region);
	tk_value_digest(&b, x);
	tk_value_free(x);
	tk_source_hash(out, b.data, b.len);
	tk_buf_free(&b);
	if (memo)
		memcpy(memo, out, 41);
}

tk_value *
tk_history_commits_value(const tk_history *h)
{
	tk_value *l = tk_value_list();
	size_t i;

	for (i = h->nmain; i-- > 0;) {
		tk_value *x = tk_value_map();

		put_commit(x, &h->mainline[i]->c);
		tk_value_map_set(x, "content_changed",
		    tk_value_bool(h->mainline[i]->c.content_changed));
		tk_value_list_push(l, x);
	}
	return l;
}
