/* cmd_codeowners.c: `tiekartta codeowners`, a CODEOWNERS file from
 * regions.yaml and site.yaml, for forges that enforce it: the maintainers
 * own everything, and each organisation its own status folder. The later
 * line wins in CODEOWNERS, so the catch-all comes first. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "model.h"
#include "util.h"

static const char usage[] =
	"usage: tiekartta codeowners [--repo DIR] [--rev REV | --worktree] [--content PATH]\n"
	"\n"
	"Prints a CODEOWNERS file (GitHub, GitLab, Gitea) from the content at a\n"
	"revision (default HEAD): the maintainers of site.yaml own everything, and\n"
	"each organisation's owners in regions.yaml own its status folder. An owner\n"
	"written without '@' is taken for a forge user name and gets one.\n"
	"\n"
	"  --repo DIR      the repository (default: the one around the current folder)\n"
	"  --rev REV       the revision to read (default HEAD)\n"
	"  --worktree      read the working tree instead, with uncommitted edits\n"
	"  --content PATH  the content's folder inside the repository (default content)\n"
	"\n"
	"Exit status: 0 written, 1 content errors, 2 usage, 3 internal or I/O.\n";

static int
parse(tk_source_opts *o, int argc, char **argv)
{
	tk_cli_opt opts[5] = { { 0 } };
	size_t npos;
	int r;

	memset(o, 0, sizeof(*o));
	tk_cli_source_opts(opts, o);
	if ((r = tk_cli_args(argc, argv, opts, NULL, 0, &npos, usage)) != 0)
		return r;
	return tk_cli_check_source(o);
}

/* Can the entry go into CODEOWNERS, where whitespace separates owners and
 * '#' starts a comment? */
static int
writable(const char *s)
{
	if (*s == '\0' || strcmp(s, "@") == 0)
		return 0;
	for (; *s; s++)
		if ((unsigned char)*s <= ' ' || *s == '#' || *s == 0x7f)
			return 0;
	return 1;
}

/* An owner as CODEOWNERS wants it: an e-mail address or @name as written,
 * a bare name with '@' put in front. */
static void
put_owner(tk_buf *b, const char *s)
{
	tk_buf_putc(b, ' ');
	if (strchr(s, '@') == NULL)
		tk_buf_putc(b, '@');
	tk_buf_puts(b, s);
}

/* A path pattern anchored at the repository's top, spaces escaped. */
static void
put_path(tk_buf *b, const char *content, const char *rest)
{
	const char *p;

	tk_buf_putc(b, '/');
	if (strcmp(content, ".") != 0) {
		for (p = content; *p; p++) {
			if (*p == ' ' || *p == '\\' || *p == '#')
				tk_buf_putc(b, '\\');
			tk_buf_putc(b, *p);
		}
		tk_buf_putc(b, '/');
	}
	tk_buf_puts(b, rest);
}

int
tk_cmd_codeowners(int argc, char **argv)
{
	tk_source_opts o;
	tk_diag *d = tk_diag_new(stderr);
	tk_source *src = NULL;
	tk_model *m = NULL;
	tk_buf b = TK_BUF_INIT, line = TK_BUF_INIT;
	const tk_site *site;
	const char *content;
	char *site_path = NULL;
	size_t i, j;
	int rc, r;

	if ((r = parse(&o, argc, argv)) != 0) {
		rc = r < 0 ? TK_EXIT_OK : r;
		goto out;
	}
	if ((r = tk_source_open(&src, &o, d)) < 0) {
		rc = r == TK_SOURCE_EARG ? TK_EXIT_USAGE : TK_EXIT_IO;
		goto out;
	}
	if (tk_model_load(&m, src, NULL, d) < 0) {
		fprintf(stderr, "tiekartta: %d error%s; no CODEOWNERS written\n",
		    tk_diag_errors(d), tk_diag_errors(d) == 1 ? "" : "s");
		rc = TK_EXIT_CONTENT;
		goto out;
	}
	content = tk_source_content_path(src);
	site = tk_model_site(m);
	site_path = strcmp(content, ".") ? xasprintf("%s/site.yaml", content) :
	    xstrdup("site.yaml");

	tk_buf_printf(&b, "# Written by `tiekartta codeowners` from regions.yaml and site.yaml\n"
	    "# in %s/; change those and run it again, not this file.\n"
	    "# The maintainers own everything; each organisation owns its status folder.\n",
	    content);
	for (i = 0; i < site->nmaintainers; i++)
		if (!writable(site->maintainers[i]))
			tk_diag_error(d, site_path, 0, 0, "maintainer '%s' cannot go into "
			    "CODEOWNERS, which separates owners by spaces; write an e-mail "
			    "address or a forge user name", site->maintainers[i]);
	if (site->nmaintainers == 0)
		tk_buf_puts(&b, "# Nobody is listed in maintainers of site.yaml, so nothing "
		    "else has an owner.\n");
	else {
		tk_buf_putc(&b, '*');
		for (i = 0; i < site->nmaintainers; i++)
			put_owner(&b, site->maintainers[i]);
		tk_buf_putc(&b, '\n');
	}
	for (i = 0; i < tk_model_nregions(m); i++) {
		const tk_region *reg = tk_model_region(m, i);
		char *rest = xasprintf("status/%s/", reg->id);

		tk_buf_reset(&line);
		put_path(&line, content, rest);
		free(rest);
		if (reg->nowners == 0) {
			tk_buf_printf(&b, "# %s: no owners in regions.yaml, so the "
			    "maintainers' line covers it\n", line.data);
			continue;
		}
		for (j = 0; j < reg->nowners; j++) {
			if (!writable(reg->owners[j]))
				tk_diag_error(d, reg->pos.path, reg->pos.line, reg->pos.col,
				    "owner '%s' of '%s' cannot go into CODEOWNERS, which "
				    "separates owners by spaces; write an e-mail address or a "
				    "forge user name", reg->owners[j], reg->id);
			put_owner(&line, reg->owners[j]);
		}
		tk_buf_printf(&b, "%s\n", line.data);
	}
	if (tk_diag_errors(d)) {
		fprintf(stderr, "tiekartta: %d error%s; no CODEOWNERS written\n",
		    tk_diag_errors(d), tk_diag_errors(d) == 1 ? "" : "s");
		rc = TK_EXIT_CONTENT;
		goto out;
	}
	fputs(b.data, stdout);
	rc = fflush(stdout) == 0 ? TK_EXIT_OK : TK_EXIT_IO;
out:
	free(site_path);
	tk_buf_free(&b);
	tk_buf_free(&line);
	tk_model_free(m);
	tk_source_free(src);
	tk_diag_free(d);
	return rc;
}
