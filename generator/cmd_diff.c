/* cmd_diff.c: `tiekartta diff`, what changed between two roadmap versions,
 * or between the content at two Git revisions. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "diff.h"
#include "model.h"

static const char usage[] =
	"usage: tiekartta diff OLD NEW [--format text|json|markdown] [--repo DIR]\n"
	"                      [--rev REV | --worktree] [--content PATH]\n"
	"\n"
	"OLD and NEW name two roadmap versions (like 2021-06 2022-08) of the content\n"
	"at a revision (default HEAD), or else two Git revisions of the content: then\n"
	"every roadmap version present in both is compared, and the status records\n"
	"too (which organisations, which months, which subtasks' states changed).\n"
	"\n"
	"Items are matched by stable id. Items without a shared id are matched by\n"
	"the similarity of their titles' words, 2*LCS/(m+n) >= 0.6, or >= 0.4 when\n"
	"they keep their number under matched parents; such matches are marked\n"
	"inferred. Changes: added, removed, renumbered, moved, reworded (deletions\n"
	"[-like this-], insertions {+like this+}), criticality, due, phase,\n"
	"start_first_dropped, carried (text carried from an earlier version).\n"
	"\n"
	"  --format F      text (default), json or markdown\n"
	"  --repo DIR      the repository (default: the one around the current folder)\n"
	"  --rev REV       with version names: the revision to read (default HEAD)\n"
	"  --worktree      with version names: read the working tree instead\n"
	"  --content PATH  the content's folder inside the repository (default content)\n"
	"\n"
	"Exit status: 0 no differences, 1 differences, 2 usage, 3 content errors,\n"
	"internal or I/O failure.\n";

enum { FMT_TEXT, FMT_JSON, FMT_MARKDOWN };

typedef struct {
	tk_source_opts src;
	const char *names[2];
	int format;
} opts;

/* Returns 0, TK_EXIT_USAGE after saying why, or -1 after printing help. */
static int
parse(opts *o, int argc, char **argv)
{
	const char *fmt = NULL;
	tk_cli_opt op[6] = { { 0 } };
	size_t npos;
	int r;

	memset(o, 0, sizeof(*o));
	tk_cli_source_opts(op, &o->src);
	op[4] = (tk_cli_opt){ .name = "--format", .value = &fmt };
	if ((r = tk_cli_args(argc, argv, op, o->names, 2, &npos, usage)) != 0)
		return r;
	if (npos < 2) {
		tk_cli_usage_error("give two roadmap versions or two revisions, like "
		    "'tiekartta diff 2021-06 2022-08'");
		return TK_EXIT_USAGE;
	}
	if (fmt == NULL || strcmp(fmt, "text") == 0)
		o->format = FMT_TEXT;
	else if (strcmp(fmt, "json") == 0)
		o->format = FMT_JSON;
	else if (strcmp(fmt, "markdown") == 0 || strcmp(fmt, "md") == 0)
		o->format = FMT_MARKDOWN;
	else {
		tk_cli_usage_error("unknown format '%s'; use text, json or markdown", fmt);
		return TK_EXIT_USAGE;
	}
	return tk_cli_check_source(&o->src);
}

/* Opens and loads the content; returns 0 or an exit code. Content errors
 * only go to d: the caller decides whether they matter. */
static int
load(tk_source **src, tk_model **m, const tk_source_opts *so, tk_parse_cache *cache,
    tk_diag *d)
{
	int r;

	if ((r = tk_source_open(src, so, d)) < 0)
		return r == TK_SOURCE_EARG ? TK_EXIT_USAGE : TK_EXIT_IO;
	tk_model_load(m, *src, cache, d);
	return 0;
}

static void
list_versions(tk_buf *b, const tk_model *m)
{
	size_t i;

	for (i = 0; i < tk_model_nversions(m); i++)
		tk_buf_printf(b, "%s%s", i ? ", " : "", tk_model_version(m, i)->id);
	if (i == 0)
		tk_buf_puts(b, "none");
}

/* Diffs of half-read content would report phantom removals: refuse. */
static int
content_errors(tk_diag *d, const char *rev, int worktree)
{
	fprintf(stderr, "tiekartta: %d error%s in the content%s%s; a diff needs valid "
	    "content: see 'tiekartta check%s%s'\n", tk_diag_errors(d),
	    tk_diag_errors(d) == 1 ? "" : "s", rev ? " at " : worktree ? " of the working tree" : "",
	    rev ? rev : "", rev ? " --rev " : worktree ? " --worktree" : "", rev ? rev : "");
	return TK_EXIT_IO;
}

/* Both names are revisions: loads the content at each. */
static int
diff_revisions(const opts *o, tk_parse_cache *cache, tk_value **out)
{
	tk_source *src[2] = { NULL, NULL };
	tk_model *m[2] = { NULL, NULL };
	tk_diag *d = tk_diag_new(stderr);
	int rc = 0, k;

	for (k = 0; k < 2; k++) {
		tk_source_opts so = o->src;

		so.rev = o->names[k];
		if ((rc = load(&src[k], &m[k], &so, cache, d)) != 0) {
			if (rc == TK_EXIT_USAGE)
				tk_cli_usage_error("'%s' is neither a roadmap version at %s nor a "
				    "Git revision; see 'tiekartta diff --help'", o->names[k],
				    o->src.rev ? o->src.rev : "HEAD");
			goto out;
		}
		if (tk_diag_errors(d)) {
			rc = content_errors(d, o->names[k], 0);
			goto out;
		}
	}
	tk_diff_revisions(out, m[0], o->names[0], m[1], o->names[1]);
out:
	for (k = 0; k < 2; k++) {
		tk_model_free(m[k]);
		tk_source_free(src[k]);
	}
	tk_diag_free(d);
	return rc;
}

int
tk_cmd_diff(int argc, char **argv)
{
	opts o;
	tk_parse_cache *cache = NULL;
	tk_source *src = NULL;
	tk_model *m = NULL;
	tk_diag *d = NULL;
	tk_diff *df = NULL;
	tk_value *rv = NULL;
	const tk_value *v;
	const tk_version *ver[2];
	tk_buf out = TK_BUF_INIT, names = TK_BUF_INIT;
	char *msgs = NULL;
	size_t mlen = 0;
	FILE *mf = NULL;
	int rc, r;

	if ((r = parse(&o, argc, argv)) != 0) {
		rc = r < 0 ? TK_EXIT_OK : r;
		goto out;
	}
	cache = tk_parse_cache_new(1, NULL);
	/* Held back until we know the names are versions: a diff of two
	 * revisions does not care whether HEAD is valid. */
	if ((mf = open_memstream(&msgs, &mlen)) == NULL) {
		perror("tiekartta: open_memstream");
		rc = TK_EXIT_IO;
		goto out;
	}
	d = tk_diag_new(mf);
	r = load(&src, &m, &o.src, cache, d);
	fclose(mf);
	mf = NULL;
	ver[0] = m ? tk_model_version_by_id(m, o.names[0]) : NULL;
	ver[1] = m ? tk_model_version_by_id(m, o.names[1]) : NULL;
	if (r != 0 || (ver[0] && ver[1]) || o.src.rev || o.src.worktree ||
	    (src && tk_source_commit(src) == NULL)) {
		fputs(msgs ? msgs : "", stderr);
		if (r != 0) {
			rc = r;
			goto out;
		}
		if (tk_diag_errors(d)) {
			rc = content_errors(d, o.src.rev, o.src.worktree);
			goto out;
		}
		if (!ver[0] || !ver[1]) {
			list_versions(&names, m);
			tk_cli_usage_error("'%s' is not a roadmap version %s (versions: %s); "
			    "give two versions%s", o.names[ver[0] ? 1 : 0],
			    o.src.worktree ? "in the working tree" : o.src.rev ? "at that revision" :
			    "in the content folder", names.data, tk_source_commit(src) ?
			    "; to compare two revisions, leave out --rev and --worktree" :
			    ": outside a Git repository there are no revisions to compare");
			rc = TK_EXIT_USAGE;
			goto out;
		}
		tk_diff_new(&df, m, ver[0], m, ver[1]);
		v = tk_diff_value(df);
	} else if (ver[0] || ver[1]) {
		list_versions(&names, m);
		tk_cli_usage_error("'%s' is a roadmap version but '%s' is not (versions: %s); "
		    "give two versions, or two Git revisions", o.names[ver[0] ? 0 : 1],
		    o.names[ver[0] ? 1 : 0], names.data);
		rc = TK_EXIT_USAGE;
		goto out;
	} else {
		if ((rc = diff_revisions(&o, cache, &rv)) != 0)
			goto out;
		v = rv;
	}

	if (o.format == FMT_JSON)
		tk_diff_write_json(&out, v);
	else if (o.format == FMT_MARKDOWN)
		tk_diff_write_markdown(&out, v);
	else
		tk_diff_write_text(&out, v);
	if (fwrite(out.data, 1, out.len, stdout) != out.len || fflush(stdout) != 0) {
		perror("tiekartta: writing the diff");
		rc = TK_EXIT_IO;
		goto out;
	}
	rc = tk_value_get_bool(tk_value_map_get(v, "equal")) ? TK_EXIT_OK : TK_EXIT_CONTENT;
out:
	if (mf)
		fclose(mf);
	free(msgs);
	tk_buf_free(&out);
	tk_buf_free(&names);
	tk_value_free(rv);
	tk_diff_free(df);
	tk_model_free(m);
	tk_source_free(src);
	tk_parse_cache_free(cache);
	tk_diag_free(d);
	return rc;
}
