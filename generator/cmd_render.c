/* cmd_render.c: `tiekartta render TEMPLATE --data FILE.yaml [--partials DIR]`,
 * one template against data, for theme authors and the conformance run. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "tmpl.h"
#include "util.h"
#include "value.h"
#include "yaml.h"

static const char usage[] =
	"usage: tiekartta render TEMPLATE [--data FILE.yaml] [--partials DIR]\n"
	"\n"
	"Renders one Mustache template against data (YAML or JSON) and prints the\n"
	"result. Partials and parent layouts are read from DIR/<name>.mustache\n"
	"(default: the template's own folder).\n"
	"\n"
	"Exit status: 0 rendered, 1 template or data errors, 2 usage, 3 I/O.\n";

int
tk_cmd_render(int argc, char **argv)
{
	const char *tpath = NULL, *dpath = NULL, *pdir = NULL;
	char *src = NULL, *dsrc = NULL, *dir = NULL, *slash;
	size_t len, dlen;
	tk_diag *d = tk_diag_new(stderr);
	tk_tmpl *t = NULL;
	tk_tmpl_env *env = NULL;
	tk_ydoc *doc = NULL;
	tk_value *data = NULL;
	tk_buf out = TK_BUF_INIT;
	tk_cli_opt op[] = {
		{ .name = "--data", .value = &dpath },
		{ .name = "--partials", .value = &pdir },
		{ 0 }
	};
	size_t npos;
	int r, rc = TK_EXIT_CONTENT;

	if ((r = tk_cli_args(argc, argv, op, &tpath, 1, &npos, usage)) != 0) {
		rc = r < 0 ? TK_EXIT_OK : r;
		goto out;
	}
	if (tpath == NULL) {
		tk_cli_usage_error("render needs a template; see 'tiekartta render --help'");
		rc = TK_EXIT_USAGE;
		goto out;
	}
	if (tk_read_file(&src, &len, tpath) < 0) {
		tk_diag_error(d, tpath, 0, 0, "cannot read: %s", strerror(errno));
		rc = TK_EXIT_IO;
		goto out;
	}
	if (dpath) {
		if (tk_read_file(&dsrc, &dlen, dpath) < 0) {
			tk_diag_error(d, dpath, 0, 0, "cannot read: %s", strerror(errno));
			rc = TK_EXIT_IO;
			goto out;
		}
		/* JSON is YAML too, so one loader reads both. */
		if (tk_yaml_load(&doc, dpath, dsrc, dlen, NULL, d) < 0 ||
		    tk_value_from_yaml(&data, tk_yaml_root(doc), dpath, d) < 0)
			goto out;
	}
	if (pdir == NULL) {
		dir = xstrdup(tpath);
		if ((slash = strrchr(dir, '/')) != NULL)
			*slash = '\0';
		else
			strcpy(dir, ".");
	}
	if (tk_tmpl_parse(&t, tpath, src, len, d) < 0)
		goto out;
	env = tk_tmpl_env_new(tk_tmpl_dir_loader, (void *)(pdir ? pdir : dir));
	if (tk_tmpl_render(&out, env, t, data, d) < 0)
		goto out;
	fwrite(out.data ? out.data : "", 1, out.len, stdout);
	rc = TK_EXIT_OK;
out:
	tk_buf_free(&out);
	tk_tmpl_env_free(env);
	tk_tmpl_free(t);
	tk_value_free(data);
	tk_yaml_free(doc);
	free(src);
	free(dsrc);
	free(dir);
	tk_diag_free(d);
	return rc;
}
