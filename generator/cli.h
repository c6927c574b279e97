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

/* One option of a command: "--name VALUE" or "--name=VALUE" sets *value,
 * or, with list, adds the value to list (*n of at most max); without
 * value or list it is a flag, "--name" (or alias) setting *flag to 1. */
typedef struct {
	const char *name, *alias;
	int *flag;
	const char **value;
	const char **list;
	size_t *n, max;
} tk_cli_opt;

/* Parses argv[1..] of the command argv[0]: the options of opts (ended by
 * an entry without a name), -h and --help, and up to maxpos other words,
 * into pos[0..*npos). An unknown option, a missing value or a word too
 * many is a usage error. Returns 0, TK_EXIT_USAGE after printing the
 * reason, or -1 when --help was given (usage printed to stdout). */
int tk_cli_args(int argc, char **argv, const tk_cli_opt *opts, const char **pos,
    size_t maxpos, size_t *npos, const char *usage);
/* The options of a command that reads the content (--repo, --rev,
 * --worktree, --content) as entries of opts[0..4). */
void tk_cli_source_opts(tk_cli_opt opts[4], tk_source_opts *src);
/* --worktree with --rev is a usage error: TK_EXIT_USAGE after saying so,
 * else 0. */
int tk_cli_check_source(const tk_source_opts *src);
/* Parses the common options of build and check from argv[1..], as
 * tk_cli_args does; they take no other words. */
int tk_cli_parse(tk_cli_opts *o, int argc, char **argv, const char *usage);
/* The theme folder: --theme, else themes/default in the repository, else
 * the default theme installed with tiekartta. The caller frees it. */
char *tk_cli_theme(const tk_cli_opts *o, const tk_source *src);
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
