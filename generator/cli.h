/* cli.h: what the subcommands share: exit codes, common options, and the
 * table of subcommands (one file each: cmd_<name>.c). */
#ifndef TK_CLI_H
#define TK_CLI_H

#include "source.h"

enum {
	TK_EXIT_OK = 0,
	TK_EXIT_CONTENT = 1,    /* the content has errors (or, for diff, differs) */
	TK_EXIT_USAGE = 2,      /* the command line is wrong */
	TK_EXIT_IO = 3          /* internal or input/output failure */
};

typedef struct {
	tk_source_opts src;
	const char *theme;      /* --theme DIR */
	const char *out;        /* --out DIR */
	const char *dump;       /* --dump-data DIR */
	const char *snapshots[64];      /* --snapshots all|tags|REV, repeatable */
	size_t nsnapshots;
	int quiet;
} tk_cli_opts;

/* Parses the common options of build and check from argv[1..]; unknown
 * options are usage errors. Returns 0, TK_EXIT_USAGE after printing the
 * reason, or -1 when --help was given (usage printed to stdout). */
int tk_cli_parse(tk_cli_opts *o, int argc, char **argv, const char *usage);
/* The theme folder: --theme, else themes/default in the repository, else
 * the default theme installed with tiekartta. The caller frees it. */
char *tk_cli_theme(const tk_cli_opts *o, const tk_source *src);
/* Takes option name at argv[*i] as "--opt VALUE" or "--opt=VALUE": returns
 * 1 and sets *out (advancing *i past a separate value), 0 when argv[*i] is
 * another option, or -1 after reporting a missing value. */
int tk_cli_value(int argc, char **argv, int *i, const char *name, const char **out);
/* Prints "tiekartta: " and the message to stderr. */
void tk_cli_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

int tk_cmd_build(int argc, char **argv);
int tk_cmd_check(int argc, char **argv);
int tk_cmd_render(int argc, char **argv);
int tk_cmd_diff(int argc, char **argv);
int tk_cmd_review(int argc, char **argv);
int tk_cmd_codeowners(int argc, char **argv);
int tk_cmd_new_status(int argc, char **argv);

#endif
