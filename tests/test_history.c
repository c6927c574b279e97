/* test_history.c: the submission history and audit trail of history.c,
 * over a repository built here through libgit2 with fixed authors and
 * times: pull requests merged with --no-ff, a GitLab merge, a squash, a
 * direct change by the ministry, a merge that resolves a conflict, late
 * corrections and a deletion. */
#define _DEFAULT_SOURCE
#include <git2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "harness.h"
#include "history.h"
#include "source.h"
#include "util.h"

static git_repository *repo;

/* Seconds since the epoch of a UTC time. */
static long long
at(int y, int mo, int d, int h, int mi)
{
	struct tm tm;

	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	return (long long)timegm(&tm);
}

/* A file change: content NULL removes the file. */
typedef struct {
	const char *path, *content;
} edit;

/* Commits the first parent's tree (or an empty one) with edits applied. */
static git_oid
commit(const char *name, long long t, const char *msg, const git_oid *p1,
    const git_oid *p2, const edit *edits, size_t nedits)
{
	git_commit *parents[2] = { NULL, NULL };
	git_tree *base = NULL, *tree = NULL;
	git_tree_update *up = xcalloc(nedits + 1, sizeof(*up));
	git_signature *sig = NULL;
	git_oid tid, id, blob;
	char email[64];
	size_t i, np = 0;

	snprintf(email, sizeof(email), "%s@example.fi", name);
	if (p1) {
		git_commit_lookup(&parents[np++], repo, p1);
		git_commit_tree(&base, parents[0]);
	}
	if (p2)
		git_commit_lookup(&parents[np++], repo, p2);
	for (i = 0; i < nedits; i++) {
		up[i].path = edits[i].path;
		if (edits[i].content) {
			git_blob_create_from_buffer(&blob, repo, edits[i].content,
			    strlen(edits[i].content));
			up[i].action = GIT_TREE_UPDATE_UPSERT;
			up[i].id = blob;
			up[i].filemode = GIT_FILEMODE_BLOB;
		} else
			up[i].action = GIT_TREE_UPDATE_REMOVE;
	}
	if (git_tree_create_updated(&tid, repo, base, nedits, up) < 0 ||
	    git_tree_lookup(&tree, repo, &tid) < 0 ||
	    git_signature_new(&sig, name, email, (git_time_t)t, 0) < 0 ||
	    git_commit_create(&id, repo, NULL, sig, sig, NULL, msg, tree, np,
	    (const git_commit **)parents) < 0) {
		fprintf(stderr, "fixture: %s\n", git_error_last()->message);
		exit(2);
	}
	git_signature_free(sig);
	git_tree_free(tree);
	git_tree_free(base);
	git_commit_free(parents[0]);
	git_commit_free(parents[1]);
	free(up);
	return id;
}

#define E(...) (edit[]){ __VA_ARGS__ }, sizeof((edit[]){ __VA_ARGS__ }) / sizeof(edit)
#define A10 "content/status/alpha/2021-10.yaml"
#define A11 "content/status/alpha/2021-11.yaml"
#define B10 "content/status/beta/2021-10.yaml"
#define B11 "content/status/beta/2021-11.yaml"

static char head_hex[41], a1_hex[41], a2_hex[41], c3_hex[41], c4_hex[41], b1_hex[41],
    b2_hex[41], b3_hex[41], m1_hex[41], m3_hex[41], m4_hex[41], c5_hex[41];

/* Builds the fixture; returns its folder. */
static char *
fixture(void)
{
	char *dir = xstrdup("/tmp/tk-history-XXXXXX");
	git_oid c1, a1, m1, b1, b2, m2, c2, a2, m3, c3, c4, b3, m4, c5, c6;
	git_reference *ref = NULL;

	if (mkdtemp(dir) == NULL || git_repository_init(&repo, dir, 0) < 0) {
		perror("fixture");
		exit(2);
	}
	c1 = commit("stm", at(2021, 10, 1, 10, 0), "Tiekartta ja alueet\n", NULL, NULL,
	    E({ "content/site.yaml", "deadline_day: 5\n" }, { "README.md", "x\n" }));
	/* Alfa's October, through pull request #7. */
	a1 = commit("alpha", at(2021, 11, 3, 9, 0), "Alfan lokakuu\n", &c1, NULL,
	    E({ A10, "v1\n" }));
	m1 = commit("stm", at(2021, 11, 4, 10, 0),
	    "Merge pull request #7 from alpha/lokakuu\n\nAlfan lokakuu\n", &c1, &a1,
	    E({ A10, "v1\n" }));
	/* Beeta's October in two commits, merged on the deadline day. */
	b1 = commit("beta", at(2021, 11, 4, 12, 0), "Beetan lokakuu\n", &m1, NULL,
	    E({ B10, "v1\n" }));
	b2 = commit("beta", at(2021, 11, 4, 13, 0), "Korjaus\n", &b1, NULL,
	    E({ B10, "v2\n" }));
	m2 = commit("stm", at(2021, 11, 5, 15, 0),
	    "Merge pull request #8 from beta/lokakuu\n", &m1, &b2, E({ B10, "v2\n" }));
	/* The ministry changes the site: content, no record. */
	c2 = commit("stm", at(2021, 11, 10, 8, 0), "Otsikko\n", &m2, NULL,
	    E({ "content/site.yaml", "deadline_day: 5\ntitle: x\n" }));
	/* Alfa corrects October after its deadline (GitLab merge !11); a
	 * file beside the records is not a record. */
	a2 = commit("alpha", at(2021, 11, 12, 9, 0), "Korjaus lokakuuhun\n", &m1, NULL,
	    E({ A10, "v2\n" }, { "content/status/alpha/LUEMINUT.txt", "x\n" }));
	m3 = commit("stm", at(2021, 11, 16, 9, 0),
	    "Merge branch 'korjaus' into 'main'\n\nKorjaus lokakuuhun\n\n"
	    "See merge request sote/tiekartta!11\n", &c2, &a2,
	    E({ A10, "v2\n" }, { "content/status/alpha/LUEMINUT.txt", "x\n" }));
	/* Alfa's November, squashed on main. */
	c3 = commit("alpha", at(2021, 12, 2, 9, 0), "Marraskuun tilannekuva (#12)\n", &m3, NULL,
	    E({ A11, "v1\n" }));
	/* The ministry edits Beeta's record directly (and adds Beeta's
	 * November, a name whose file Alfa will not have), Beeta too on a
	 * branch, and the merge resolves the conflict with a third text. */
	c4 = commit("stm", at(2021, 12, 4, 9, 0), "Beetan kirjoitusvirhe\n", &c3, NULL,
	    E({ B10, "v3-stm\n" }, { B11, "v1\n" }));
	b3 = commit("beta", at(2021, 12, 3, 9, 0), "Beetan korjaus\n", &m2, NULL,
	    E({ B10, "v3\n" }));
	m4 = commit("stm", at(2021, 12, 6, 12, 0),
	    "Merge pull request #13 from beta/korjaus\n", &c4, &b3,
	    E({ B10, "region: beta\nroadmap: \"2022-08\" # uusi\nv4\n" }));
	/* Alfa's November removed after its deadline (Monday 6.12). */
	c5 = commit("alpha", at(2021, 12, 7, 9, 0), "Poistetaan marraskuu\n", &m4, NULL,
	    E({ A11, NULL }));
	c6 = commit("stm", at(2021, 12, 8, 9, 0), "Ohje\n", &c5, NULL,
	    E({ "README.md", "y\n" }));
	git_reference_create(&ref, repo, "refs/heads/main", &c6, 1, NULL);
	git_reference_free(ref);
	git_repository_set_head(repo, "refs/heads/main");
	git_oid_tostr(head_hex, 41, &c6);
	git_oid_tostr(a1_hex, 41, &a1);
	git_oid_tostr(a2_hex, 41, &a2);
	git_oid_tostr(b1_hex, 41, &b1);
	git_oid_tostr(b2_hex, 41, &b2);
	git_oid_tostr(b3_hex, 41, &b3);
	git_oid_tostr(c3_hex, 41, &c3);
	git_oid_tostr(c4_hex, 41, &c4);
	git_oid_tostr(c5_hex, 41, &c5);
	git_oid_tostr(m1_hex, 41, &m1);
	git_oid_tostr(m3_hex, 41, &m3);
	git_oid_tostr(m4_hex, 41, &m4);
	git_repository_free(repo);
	repo = NULL;
	return dir;
}

static void
test_parse_pr(void)
{
	tk_check("GitHub merge", tk_history_parse_pr("Merge pull request #12 from a/b\n\nx") == 12, NULL);
	tk_check("GitHub squash", tk_history_parse_pr("Lokakuu (#34)\n\n* x") == 34, NULL);
	tk_check("GitLab merge", tk_history_parse_pr("Merge branch 'a' into 'main'\n\n"
	    "See merge request group/sub/proj!56\n") == 56, NULL);
	tk_check("Gitea merge: the last (#N) of the subject",
	    tk_history_parse_pr("Merge pull request 'Korjaus (#3)' (#78) from a into main") == 78, NULL);
	tk_check("Bitbucket merge", tk_history_parse_pr("Merged in a (pull request #9)") == 9, NULL);
	tk_check("a number in the body's text is not a pull request",
	    tk_history_parse_pr("Lokakuu\n\nKorjaa (#5)") == 0, NULL);
	tk_check("no number", tk_history_parse_pr("Merge branch 'x'") == 0, NULL);
	tk_check("(#) without digits", tk_history_parse_pr("x (#) y (#a)") == 0, NULL);
	tk_check("too many digits", tk_history_parse_pr("x (#12345678901)") == 0, NULL);
	tk_check("NULL", tk_history_parse_pr(NULL) == 0, NULL);
}

static void
test_deadline(void)
{
	tk_date due;
	long long end;

	tk_history_deadline(&due, &end, TK_PERIOD(2021, 10), 5);
	tk_check("10/2021 is due on Friday 5.11.2021", due.y == 2021 && due.m == 11 &&
	    due.d == 5, NULL);
	tk_check("the deadline ends at midnight UTC", end == at(2021, 11, 6, 0, 0), NULL);
	tk_history_deadline(&due, &end, TK_PERIOD(2021, 11), 5);
	tk_check("a Sunday moves to Monday 6.12.2021", due.m == 12 && due.d == 6 &&
	    end == at(2021, 12, 7, 0, 0), NULL);
	tk_history_deadline(&due, &end, TK_PERIOD(2022, 1), 5);
	tk_check("a Saturday moves to Monday 7.2.2022", due.y == 2022 && due.m == 2 &&
	    due.d == 7, NULL);
	tk_history_deadline(&due, &end, TK_PERIOD(2021, 12), 5);
	tk_check("December's record is due in January", due.y == 2022 && due.m == 1 &&
	    due.d == 5, NULL);
	tk_history_deadline(&due, &end, TK_PERIOD(2021, 10), 10);
	tk_check("deadline_day 10", due.m == 11 && due.d == 10, NULL);
}

static int
is(const tk_hist_change *c, const char *hex, tk_hist_kind kind, int pr, int late)
{
	return strcmp(c->commit->id, hex) == 0 && c->kind == kind && c->commit->pr == pr &&
	    c->late == late;
}

static void
test_history(const char *dir)
{
	tk_diag *d = tk_diag_new(stderr);
	tk_history *h = NULL;
	const tk_hist_region *ra, *rb;
	const tk_hist_record *r;
	tk_value *v;
	tk_buf json = TK_BUF_INIT;
	size_t i;
	int ok;

	tk_check("loads", tk_history_load(&h, dir, NULL, NULL, 5, d) == 0 && h, NULL);
	if (h == NULL)
		goto out;
	tk_check_str("the head", tk_history_head(h), head_hex);
	tk_check("two organisations", tk_history_nregions(h) == 2, NULL);
	ra = tk_history_region_by_id(h, "alpha");
	rb = tk_history_region_by_id(h, "beta");
	tk_check("by id", ra && rb && ra == tk_history_region(h, 0) &&
	    rb == tk_history_region(h, 1) && !tk_history_region_by_id(h, "gamma"), NULL);
	if (!ra || !rb)
		goto out;
	tk_check("the file beside the records is not a record", ra->nrecords == 2, NULL);

	r = tk_history_record(h, "alpha", TK_PERIOD(2021, 10));
	tk_check("alpha 10/2021: the branch commits, not the merges", r && r->nchanges == 2 &&
	    is(&r->changes[0], a1_hex, TK_HIST_ADDED, 7, 0) &&
	    is(&r->changes[1], a2_hex, TK_HIST_MODIFIED, 11, 1), NULL);
	if (r && r->nchanges == 2) {
		tk_check_str("the author is the region's", r->changes[0].commit->author_email,
		    "alpha@example.fi");
		tk_check_str("the subject", r->changes[0].commit->subject, "Alfan lokakuu");
		tk_check("the commit's own time", r->changes[0].commit->time ==
		    at(2021, 11, 3, 9, 0), NULL);
		tk_check("published when merged", r->changes[0].commit->published ==
		    at(2021, 11, 4, 10, 0) && strcmp(r->changes[0].commit->merge->id, m1_hex) == 0,
		    NULL);
		tk_check("the blob after the change", strlen(r->changes[0].blob) == 40, NULL);
	}
	tk_check("alpha 10/2021: submitted on time, corrected late on 16.11.", r &&
	    !r->submitted_late && r->corrected_late && r->last_late == at(2021, 11, 16, 9, 0) &&
	    r->present, NULL);
	tk_check_str("the record's path", r ? r->path : NULL, A10);
	tk_check("its deadline", r && r->due.d == 5 && r->due.m == 11, NULL);

	r = tk_history_record(h, "alpha", TK_PERIOD(2021, 11));
	tk_check("alpha 11/2021: the squash on main, then the deletion", r && r->nchanges == 2 &&
	    is(&r->changes[0], c3_hex, TK_HIST_ADDED, 12, 0) &&
	    is(&r->changes[1], c5_hex, TK_HIST_DELETED, 0, 1) && r->changes[1].blob[0] == '\0' &&
	    r->changes[0].commit->mainline && r->changes[0].commit->merge == NULL, NULL);
	tk_check("a deleted record is not present, its deletion a late correction", r &&
	    !r->present && r->corrected_late && r->last_late == at(2021, 12, 7, 9, 0), NULL);

	r = tk_history_record(h, "beta", TK_PERIOD(2021, 11));
	tk_check("beta 11/2021 is present (in its own folder, not alpha's)", r && r->present,
	    NULL);

	r = tk_history_record(h, "beta", TK_PERIOD(2021, 10));
	ok = r && r->nchanges == 5 &&
	    is(&r->changes[0], b1_hex, TK_HIST_ADDED, 8, 0) &&
	    is(&r->changes[1], b2_hex, TK_HIST_MODIFIED, 8, 0) &&
	    is(&r->changes[2], c4_hex, TK_HIST_MODIFIED, 0, 1) &&
	    is(&r->changes[3], b3_hex, TK_HIST_MODIFIED, 13, 1) &&
	    is(&r->changes[4], m4_hex, TK_HIST_MODIFIED, 13, 1);
	tk_check("beta 10/2021: both branch commits, the direct edit, the branch fix, "
	    "and the merge that resolved the conflict", ok, NULL);
	if (!ok && r)
		for (i = 0; i < r->nchanges; i++)
			printf("  %zu: %.12s %s pr %d late %d\n", i, r->changes[i].commit->id,
			    r->changes[i].commit->subject, r->changes[i].commit->pr,
			    r->changes[i].late);
	tk_check("beta merged on its deadline day is on time", r && !r->submitted_late, NULL);

	tk_check("alpha's submissions in order", ra->nsubmissions == 4 &&
	    strcmp(ra->submissions[0].commit->id, a1_hex) == 0 &&
	    strcmp(ra->submissions[1].commit->id, a2_hex) == 0 &&
	    strcmp(ra->submissions[2].commit->id, c3_hex) == 0 &&
	    strcmp(ra->submissions[3].commit->id, c5_hex) == 0 &&
	    ra->submissions[1].nperiods == 1 &&
	    ra->submissions[1].periods[0] == TK_PERIOD(2021, 10) &&
	    ra->submissions[1].late && !ra->submissions[0].late, NULL);
	tk_check("beta's submissions", rb->nsubmissions == 5, NULL);

	tk_check("the mainline: ten commits, oldest first", tk_history_ncommits(h) == 10 &&
	    strcmp(tk_history_commit(h, 1)->id, m1_hex) == 0 &&
	    strcmp(tk_history_commit(h, 9)->id, head_hex) == 0 &&
	    tk_history_commit(h, 1)->pr == 7 && tk_history_commit(h, 4)->pr == 11, NULL);
	tk_check("content_changed says which commits changed the content",
	    tk_history_commit(h, 0)->content_changed && tk_history_commit(h, 3)->content_changed &&
	    !tk_history_commit(h, 9)->content_changed, NULL);
	tk_check("other_changed: content outside status/ (site.yaml), not records or README",
	    tk_history_commit(h, 0)->other_changed && tk_history_commit(h, 3)->other_changed &&
	    !tk_history_commit(h, 1)->other_changed && !tk_history_commit(h, 5)->other_changed &&
	    !tk_history_commit(h, 9)->other_changed, NULL);
	r = tk_history_record(h, "alpha", TK_PERIOD(2021, 10));
	tk_check("pos: a mainline commit's place, a branch commit its merge's",
	    tk_history_commit(h, 7)->pos == 7 && r && r->changes[0].commit->pos == 1 &&
	    !r->changes[0].commit->mainline, NULL);
	r = tk_history_record(h, "beta", TK_PERIOD(2021, 10));
	tk_check_str("a blob's roadmap line, quotes and comment left out",
	    r ? tk_history_blob_roadmap(h, r->changes[4].blob) : NULL, "2022-08");
	tk_check("a blob without a roadmap line: NULL (unknown)",
	    r && tk_history_blob_roadmap(h, r->changes[0].blob) == NULL &&
	    tk_history_blob_roadmap(h, "0123456789012345678901234567890123456789") == NULL, NULL);
	{
		/* A record once committed far larger than the loader takes: read
		 * only up to a limit, told by the object's header. */
		size_t big = TK_YAML_MAX_BYTES + 1;
		char *bytes = xmalloc(big), hex[41];
		tk_buf bb = TK_BUF_INIT;
		git_oid id;

		git_repository *rp = NULL;

		memset(bytes, '#', big);
		memcpy(bytes, "roadmap: 2022-08\n", 17);
		if (git_repository_open(&rp, dir) != 0 ||
		    git_blob_create_from_buffer(&id, rp, bytes, big) != 0) {
			fprintf(stderr, "fixture: %s\n", git_error_last()->message);
			exit(2);
		}
		git_repository_free(rp);
		git_oid_tostr(hex, sizeof(hex), &id);
		tk_check("a blob larger than the limit: -1, nothing read",
		    tk_history_blob_read(h, hex, TK_YAML_MAX_BYTES, &bb) == -1 && bb.len == 0, NULL);
		tk_check("the same blob within a larger limit: read whole",
		    tk_history_blob_read(h, hex, big, &bb) == 0 && bb.len == big &&
		    bb.data[big - 1] == '#', NULL);
		tk_check("its roadmap line is not read: NULL, as it cannot be a record",
		    tk_history_blob_roadmap(h, hex) == NULL, NULL);
		bb.len = 0;
		if (r && tk_history_blob_read(h, r->changes[4].blob, TK_YAML_MAX_BYTES, &bb) == 0) {
			size_t len = bb.len;

			bb.len = 0;
			tk_check("a record's blob: read with a limit of its size, not one less",
			    len > 0 && tk_history_blob_read(h, r->changes[4].blob, len, &bb) == 0 &&
			    bb.len == len &&
			    tk_history_blob_read(h, r->changes[4].blob, len - 1, &bb) == -1 &&
			    bb.len == len, NULL);
		} else
			tk_check("a record's blob: read", 0, NULL);
		tk_check("a commit's id is not a blob: -1",
		    tk_history_blob_read(h, head_hex, TK_YAML_MAX_BYTES, &bb) == -1, NULL);
		tk_buf_free(&bb);
		free(bytes);
	}
	tk_check("out of range", tk_history_commit(h, 10) == NULL &&
	    tk_history_region(h, 2) == NULL &&
	    tk_history_record(h, "alpha", TK_PERIOD(2021, 9)) == NULL, NULL);

	v = tk_history_region_value(h, "alpha");
	tk_value_write_json(&json, v, 0);
	tk_check_has("view data: a submission", json.data, "\"subject\":\"Korjaus lokakuuhun\"");
	tk_check_has("view data: the pull request", json.data, "\"pr\":11");
	tk_check_has("view data: the date", json.data, "\"date\":\"12.11.2021\",\"datetime\":"
	    "\"2021-11-12T09:00:00Z\"");
	tk_check_has("view data: published", json.data, "\"published_date\":\"16.11.2021\"");
	tk_check_has("view data: the audit trail", json.data, "\"due_date\":\"5.11.2021\","
	    "\"submitted_late\":false,\"corrected_late\":true,\"last_late_date\":\"16.11.2021\"");
	tk_check("view data: no e-mail addresses", strstr(json.data, "example.fi") == NULL, NULL);
	tk_check("view data: two late records listed", tk_value_list_len(
	    tk_value_map_get(v, "late")) == 2, NULL);
	{
		/* The page key's hash of it (its digest): the same made or
		 * remembered, and each organisation's own. */
		char want[41], a1[41], a2[41], b1[41], g1[41];
		tk_buf dg = TK_BUF_INIT;

		tk_value_digest(&dg, v);
		tk_source_hash(want, dg.data, dg.len);
		tk_buf_free(&dg);
		tk_value_free(v);
		tk_history_region_key(h, "alpha", a1);
		tk_history_region_key(h, "beta", b1);
		tk_history_region_key(h, "alpha", a2);
		tk_history_region_key(h, "gamma", g1);
		tk_check_str("the key of alpha's history: its view data, hashed", a1, want);
		tk_check_str("asked again, the same", a2, want);
		tk_check("beta's key is its own", strcmp(b1, a1) != 0 && strcmp(b1, g1) != 0, NULL);
	}
	v = tk_history_region_value(h, "gamma");
	tk_check("view data of an organisation without history: empty lists",
	    tk_value_list_len(tk_value_map_get(v, "submissions")) == 0 &&
	    tk_value_map_get(v, "records") != NULL, NULL);
	tk_value_free(v);
	v = tk_history_commits_value(h);
	tk_buf_reset(&json);
	tk_value_write_json(&json, v, 0);
	tk_check("the mainline as view data, newest first", tk_value_list_len(v) == 10 &&
	    strncmp(json.data, "[{\"id\":\"", 8) == 0 && strncmp(json.data + 8, head_hex, 40) == 0,
	    NULL);
	tk_value_free(v);
out:
	tk_buf_free(&json);
	tk_history_free(h);
	tk_diag_free(d);
}

static void
test_older_rev_and_errors(const char *dir)
{
	tk_diag *d = tk_diag_new(stderr);
	FILE *null = fopen("/dev/null", "w");
	tk_diag *q = tk_diag_new(null ? null : stderr);
	tk_history *h = NULL;
	const tk_hist_record *r;

	tk_check("an older revision", tk_history_load(&h, dir, m3_hex, "content/", 5, d) == 0, NULL);
	r = h ? tk_history_record(h, "alpha", TK_PERIOD(2021, 10)) : NULL;
	tk_check("sees only its own past", h && tk_history_ncommits(h) == 5 && r &&
	    r->nchanges == 2 && !tk_history_record(h, "alpha", TK_PERIOD(2021, 11)), NULL);
	tk_history_free(h);
	h = NULL;
	tk_check("another content folder has no records", tk_history_load(&h, dir, NULL,
	    "elsewhere", 5, d) == 0 && h && tk_history_nregions(h) == 0 &&
	    tk_history_ncommits(h) == 10 && !tk_history_commit(h, 0)->content_changed, NULL);
	tk_history_free(h);
	h = NULL;
	tk_check("an unknown revision", tk_history_load(&h, dir, "nosuch", NULL, 5, q) ==
	    TK_HISTORY_EARG && h == NULL, NULL);
	tk_check("not a repository", tk_history_load(&h, "/", NULL, NULL, 5, q) ==
	    TK_HISTORY_EARG && h == NULL, NULL);
	tk_history_free(NULL);
	tk_diag_free(d);
	tk_diag_free(q);
	if (null)
		fclose(null);
}

int
main(void)
{
	char *dir, *cmd;
	int rc;

	git_libgit2_init();
	dir = fixture();
	test_parse_pr();
	test_deadline();
	test_history(dir);
	test_older_rev_and_errors(dir);
	cmd = xasprintf("rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", dir);
	free(cmd);
	free(dir);
	git_libgit2_shutdown();
	rc = tk_test_end();
	return rc;
}
