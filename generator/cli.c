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

int
tk_cli_value(int argc, char **argv, int *i, const char *name, const char **out)
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

int
tk_cli_parse(tk_cli_opts *o, int argc, char **argv, const char *usage)
{
	const char *snap;
	int i, r;

	memset(o, 0, sizeof(*o));
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			fputs(usage, stdout);
			return -1;
		}
		if (strcmp(a, "--worktree") == 0) {
			o->src.worktree = 1;
			continue;
		}
		if (strcmp(a, "-q") == 0 || strcmp(a, "--quiet") == 0) {
			o->quiet = 1;
			continue;
		}
		if ((r = tk_cli_value(argc, argv, &i, "--repo", &o->src.repo)) ||
		    (r = tk_cli_value(argc, argv, &i, "--rev", &o->src.rev)) ||
		    (r = tk_cli_value(argc, argv, &i, "--content", &o->src.content)) ||
		    (r = tk_cli_value(argc, argv, &i, "--theme", &o->theme)) ||
		    (r = tk_cli_value(argc, argv, &i, "--out", &o->out)) ||
		    (r = tk_cli_value(argc, argv, &i, "--dump-data", &o->dump))) {
			if (r < 0)
				return TK_EXIT_USAGE;
			continue;
		}
		if ((r = tk_cli_value(argc, argv, &i, "--snapshots", &snap))) {
			if (r < 0)
				return TK_EXIT_USAGE;
			if (o->nsnapshots == sizeof(o->snapshots) / sizeof(o->snapshots[0])) {
				tk_cli_usage_error("too many --snapshots; give all, months or tags instead");
				return TK_EXIT_USAGE;
			}
			o->snapshots[o->nsnapshots++] = snap;
			continue;
		}
		tk_cli_usage_error("unknown option '%s'; see 'tiekartta %s --help'", a, argv[0]);
		return TK_EXIT_USAGE;
	}
	if (o->src.worktree && o->src.rev) {
		tk_cli_usage_error("--worktree and --rev exclude each other: the working "
		    "tree is not a revision");
		return TK_EXIT_USAGE;
	}
	return 0;
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
