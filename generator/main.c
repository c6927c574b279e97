/* main.c: the tiekartta command, a table of subcommands. */
#include <stdio.h>
#include <string.h>

#include "cli.h"

#ifndef TK_VERSION
#define TK_VERSION "0.0.0"
#endif

static const struct {
	const char *name;
	int (*run)(int, char **);
	const char *summary;
} commands[] = {
	{ "build", tk_cmd_build, "build the site from the content at a revision" },
	{ "check", tk_cmd_check, "validate the content and list every problem" },
	{ "diff", tk_cmd_diff, "compare two roadmap versions, or the content at two revisions" },
	{ "render", tk_cmd_render, "render one template against YAML or JSON data" },
	{ "review", tk_cmd_review, "review a change: files, policy, readiness before and after" },
	{ "codeowners", tk_cmd_codeowners, "print a CODEOWNERS file from regions.yaml and site.yaml" },
	{ "new-status", tk_cmd_new_status, "start an organisation's next record from its last one" },
};

static void
usage(FILE *f)
{
	size_t i;

	fputs("usage: tiekartta COMMAND [OPTIONS]\n"
	    "       tiekartta --help | --version\n\ncommands:\n", f);
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].summary);
	fputs("\n'tiekartta COMMAND --help' tells more. Exit status: 0 ok, "
	    "1 content errors, 2 usage, 3 internal or I/O.\n", f);
}

int
main(int argc, char **argv)
{
	size_t i;

	if (argc < 2) {
		usage(stderr);
		return TK_EXIT_USAGE;
	}
	if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		usage(stdout);
		return TK_EXIT_OK;
	}
	if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "version") == 0) {
		printf("tiekartta %s\n", TK_VERSION);
		return TK_EXIT_OK;
	}
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(argv[1], commands[i].name) == 0)
			return commands[i].run(argc - 1, argv + 1);
	tk_cli_usage_error("unknown command '%s'; see 'tiekartta --help'", argv[1]);
	return TK_EXIT_USAGE;
}
