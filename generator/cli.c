/* cli.c: option parsing shared by the subcommands. */
#include "cli.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util.h"

#ifndef TK_THEME_DIR
#define TK_THEME_DIR "themes"
#endif

void
tk_cli_usage_error(const char *fmt, ...)
{
	va_list ap;

	fputs("tiekartta: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs("\n", stderr);
}

/* Takes option name at argv[*i] as "--opt VALUE" or "--opt=VALUE": returns
 * 1 and sets *out (advancing *i past a separate value), 0 when argv[*i] is
 * another option, or -1 after reporting a missing value. */
static int
opt_value(int argc, char **argv, int *i, const char *name, const char **out)
{
	size_t n = strlen(name);

	if (strncmp(argv[*i], name, n) != 0)
		return 0;
	if (argv[*i][n] == '=') {
		*out = argv[*i] + n + 1;
		return 1;
	}
	if (argv[*i][n] != '\0')
		return 0;
	if (*i + 1 >= argc) {
		tk_cli_usage_error("%s needs a value", name);
		return -1;
	}
	*out = argv[++*i];
	return 1;
}

/* One option at argv[*i] (advancing *i past a separate value): 1 taken,
 * 0 not this option, -1 after reporting. */
static int
take_opt(int argc, char **argv, int *i, const tk_cli_opt *op)
{
	const char *a = argv[*i], *v;
	int r;

	if (op->value == NULL && op->list == NULL) {
		if (strcmp(a, op->name) != 0 && (op->alias == NULL || strcmp(a, op->alias) != 0))
			return 0;
		*op->flag = 1;
		return 1;
	}
	if ((r = opt_value(argc, argv, i, op->name, &v)) <= 0)
		return r;
	if (op->value) {
		*op->value = v;
		return 1;
	}
	if (*op->n == op->max) {
		tk_cli_usage_error("%s may be given %zu times at most; see 'tiekartta %s --help' "
		    "for the values that stand for many", op->name, op->max, argv[0]);
		return -1;
	}
	op->list[(*op->n)++] = v;
	return 1;
}

int
tk_cli_args(int argc, char **argv, const tk_cli_opt *opts, const char **pos,
    size_t maxpos, size_t *npos, const char *usage)
{
	const tk_cli_opt *op;
	int i, r = 0;

	*npos = 0;
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			fputs(usage, stdout);
			return -1;
		}
		for (op = opts; op->name; op++)
			if ((r = take_opt(argc, argv, &i, op)) != 0)
				break;
		if (r < 0)
			return TK_EXIT_USAGE;
		if (op->name)
			continue;
		/* "-" alone is a word, not an option. */
		if (a[0] == '-' && a[1] != '\0') {
			tk_cli_usage_error("unknown option '%s'; see 'tiekartta %s --help'", a,
			    argv[0]);
			return TK_EXIT_USAGE;
		}
		if (*npos == maxpos) {
			tk_cli_usage_error("unexpected argument '%s'; see 'tiekartta %s --help'", a,
			    argv[0]);
			return TK_EXIT_USAGE;
		}
		pos[(*npos)++] = a;
	}
	return 0;
}

void
tk_cli_source_opts(tk_cli_opt opts[4], tk_source_opts *src)
{
	opts[0] = (tk_cli_opt){ .name = "--repo", .value = &src->repo };
	opts[1] = (tk_cli_opt){ .name = "--rev", .value = &src->rev };
	opts[2] = (tk_cli_opt){ .name = "--content", .value = &src->content };
	opts[3] = (tk_cli_opt){ .name = "--worktree", .flag = &src->worktree };
}

int
tk_cli_check_source(const tk_source_opts *src)
{
	if (src->worktree && src->rev) {
		tk_cli_usage_error("--worktree and --rev exclude each other: the working "
		    "tree is not a revision");
		return TK_EXIT_USAGE;
	}
	return 0;
}

int
tk_cli_parse(tk_cli_opts *o, int argc, char **argv, const char *usage)
{
	tk_cli_opt opts[10] = { { 0 } };
	size_t npos;
	int r;

	memset(o, 0, sizeof(*o));
	tk_cli_source_opts(opts, &o->src);
	opts[4] = (tk_cli_opt){ .name = "--quiet", .alias = "-q", .flag = &o->quiet };
	opts[5] = (tk_cli_opt){ .name = "--theme", .value = &o->theme };
	opts[6] = (tk_cli_opt){ .name = "--out", .value = &o->out };
	opts[7] = (tk_cli_opt){ .name = "--dump-data", .value = &o->dump };
	opts[8] = (tk_cli_opt){ .name = "--snapshots", .list = o->snapshots,
	    .n = &o->nsnapshots, .max = sizeof(o->snapshots) / sizeof(o->snapshots[0]) };
	if ((r = tk_cli_args(argc, argv, opts, NULL, 0, &npos, usage)) != 0)
		return r;
	return tk_cli_check_source(&o->src);
}

/* <prefix>/share/tiekartta/themes/default for a command at
 * <prefix>/bin/tiekartta, when it is there; else NULL. */
static char *
installed_theme(void)
{
	char exe[4096], *slash, *theme;
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	struct stat st;

	if (n <= 0)
		return NULL;
	exe[n] = '\0';
	if ((slash = strrchr(exe, '/')) == NULL)
		return NULL;
	*slash = '\0';
	theme = xasprintf("%s/../share/tiekartta/themes/default", exe);
	if (stat(theme, &st) == 0 && S_ISDIR(st.st_mode))
		return theme;
	free(theme);
	return NULL;
}

char *
tk_cli_theme(const tk_cli_opts *o, const tk_source *src)
{
	const char *base = tk_source_workdir(src) ? tk_source_workdir(src) : "";
	struct stat st;
	char *theme;

	if (o->theme)
		return xstrdup(o->theme);
	theme = xasprintf("%sthemes/default", base);
	if (stat(theme, &st) == 0)
		return theme;
	/* A content repository without a theme of its own gets ours: the one
	 * installed beside the command (make install), else the source tree's
	 * it was built in. */
	free(theme);
	if ((theme = installed_theme()) != NULL)
		return theme;
	return xstrdup(TK_THEME_DIR "/default");
}
