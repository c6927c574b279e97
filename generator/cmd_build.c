/* cmd_build.c: `tiekartta build`, content -> model -> pages -> output. The
 * output is replaced only when everything before it succeeded. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "model.h"
#include "output.h"
#include "render.h"
#include "util.h"

static const char usage[] =
	"usage: tiekartta build [--repo DIR] [--rev REV | --worktree] [--content PATH]\n"
	"                       [--theme DIR] [--out DIR]\n"
	"\n"
	"Builds the site from the content at a Git revision (default HEAD). The\n"
	"previous site is replaced only when the whole build succeeds.\n"
	"\n"
	"  --repo DIR      the repository (default: the one around the current folder)\n"
	"  --rev REV       the revision to build (default HEAD)\n"
	"  --worktree      build the working tree instead, with uncommitted edits\n"
	"  --content PATH  the content's folder inside the repository (default content)\n"
	"  --theme DIR     the theme (default themes/default in the repository, or\n"
	"                  the default theme installed with tiekartta)\n"
	"  --out DIR       where the site goes (default output/site in the repository)\n"
	"  --dump-data DIR also write each page's view data as JSON, DIR/<page>.json\n"
	"  -q, --quiet     print only problems\n"
	"\n"
	"Exit status: 0 built, 1 content errors, 2 usage, 3 internal or I/O.\n";

int
tk_cmd_build(int argc, char **argv)
{
	tk_cli_opts o;
	tk_diag *d = tk_diag_new(stderr);
	tk_source *src = NULL;
	tk_model *m = NULL;
	tk_out *out = NULL;
	tk_history *hist = NULL;
	char *outdir = NULL, *theme = NULL, date[32];
	const char *base;
	tk_render_opts ro;
	int rc, r;
	size_t written, kept;

	if ((r = tk_cli_parse(&o, argc, argv, usage)) != 0) {
		rc = r < 0 ? TK_EXIT_OK : r;
		goto out;
	}
	if ((r = tk_source_open(&src, &o.src, d)) < 0) {
		rc = r == TK_SOURCE_EARG ? TK_EXIT_USAGE : TK_EXIT_IO;
		goto out;
	}
	if (tk_model_load(&m, src, NULL, d) < 0) {
		fprintf(stderr, "tiekartta: %d error%s; the site was not changed\n",
		    tk_diag_errors(d), tk_diag_errors(d) == 1 ? "" : "s");
		rc = TK_EXIT_CONTENT;
		goto out;
	}
	/* Defaults live in the repository, so any folder inside it works. */
	base = tk_source_workdir(src) ? tk_source_workdir(src) : "";
	outdir = o.out ? xstrdup(o.out) : xasprintf("%soutput/site", base);
	theme = tk_cli_theme(&o, src);
	memset(&ro, 0, sizeof(ro));
	ro.theme_dir = theme;
	ro.dirty = tk_source_dirty(src);
	ro.dump_dir = o.dump;
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
	if (tk_render_site(m, out, &ro, d) < 0) {
		tk_out_abort(out);
		fprintf(stderr, "tiekartta: the build failed; the site was not changed\n");
		rc = tk_diag_errors(d) ? TK_EXIT_CONTENT : TK_EXIT_IO;
		goto out;
	}
	written = tk_out_written(out);
	kept = tk_out_kept(out);
	if (tk_out_commit(out) < 0) {
		fprintf(stderr, "tiekartta: the build failed; the site was not changed\n");
		rc = TK_EXIT_IO;
		goto out;
	}
	if (!o.quiet) {
		printf("tiekartta: built %zu files (%zu unchanged) in %s", written + kept, kept,
		    outdir);
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
	tk_history_free(hist);
	tk_model_free(m);
	tk_source_free(src);
	tk_diag_free(d);
	return rc;
}
