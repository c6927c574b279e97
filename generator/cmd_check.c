/* cmd_check.c: `tiekartta check`, validate the content and list every
 * problem. */
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "model.h"
#include "render.h"

static const char usage[] =
	"usage: tiekartta check [--repo DIR] [--rev REV | --worktree] [--content PATH]\n"
	"\n"
	"Reads the content at a Git revision (default HEAD) and reports every\n"
	"problem as path:line:col: error: message.\n"
	"\n"
	"  --repo DIR      the repository (default: the one around the current folder)\n"
	"  --rev REV       the revision to read (default HEAD)\n"
	"  --worktree      read the working tree instead, with uncommitted edits\n"
	"  --content PATH  the content's folder inside the repository (default content)\n"
	"  --theme DIR     also check that the theme's interface strings exist in\n"
	"                  every language of the site (default: as for build)\n"
	"  -q, --quiet     print only the problems\n"
	"\n"
	"Exit status: 0 no errors, 1 content errors, 2 usage, 3 internal or I/O.\n";

int
tk_cmd_check(int argc, char **argv)
{
	tk_cli_opts o;
	tk_diag *d = tk_diag_new(stderr);
	tk_source *src = NULL;
	tk_model *m = NULL;
	char *theme = NULL;
	int rc, r;

	if ((r = tk_cli_parse(&o, argc, argv, usage)) != 0) {
		rc = r < 0 ? TK_EXIT_OK : r;
		goto out;
	}
	if ((r = tk_source_open(&src, &o.src, d)) < 0) {
		rc = r == TK_SOURCE_EARG ? TK_EXIT_USAGE : TK_EXIT_IO;
		goto out;
	}
	tk_model_load(&m, src, NULL, d);
	theme = tk_cli_theme(&o, src);
	tk_render_check_strings(theme, tk_model_site(m), d);
	if (tk_diag_errors(d)) {
		fprintf(stderr, "tiekartta: %d error%s in %s\n", tk_diag_errors(d),
		    tk_diag_errors(d) == 1 ? "" : "s", tk_source_content_path(src));
		rc = TK_EXIT_CONTENT;
		goto out;
	}
	if (!o.quiet)
		printf("tiekartta: %s is valid: %zu organisations, %zu roadmap versions, "
		    "%zu records, %zu pages\n", tk_source_content_path(src),
		    tk_model_nregions(m), tk_model_nversions(m), tk_model_nrecords(m),
		    tk_model_npages(m));
	rc = TK_EXIT_OK;
out:
	free(theme);
	tk_model_free(m);
	tk_source_free(src);
	tk_diag_free(d);
	return rc;
}
