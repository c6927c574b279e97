/* test_mustache_spec.c: runs the Mustache spec files (the core modules and
 * the inheritance module) against the template engine. Usage:
 * test_mustache_spec [SPEC_DIR], by default ../shared/mustache-spec. Exits
 * 0 when every case passes, 1 when one fails, 77 (skip) when the directory
 * is missing. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "diag.h"
#include "harness.h"
#include "tmpl.h"
#include "util.h"
#include "value.h"
#include "yaml.h"

static const char *const files[] = {
	"comments.yml", "delimiters.yml", "interpolation.yml", "inverted.yml",
	"partials.yml", "sections.yml", "~inheritance.yml"
};

/* Partials come from the case's "partials" map. */
static int
spec_loader(char **src, size_t *len, char **path, const char *name, void *arg,
    tk_diag *d)
{
	const char *s;
	size_t n;

	(void)d;
	*path = NULL;
	if ((s = tk_value_get_str(tk_value_map_get(arg, name), &n)) == NULL)
		return TK_TMPL_ENOTFOUND;
	*src = xstrndup(s, n);
	*len = n;
	return 0;
}

/* Shows s with its whitespace visible. */
static void
show(const char *label, const char *s, size_t n)
{
	size_t i;

	printf("  %s \"", label);
	for (i = 0; i < n; i++) {
		switch (s[i]) {
		case '\n': fputs("\\n", stdout); break;
		case '\r': fputs("\\r", stdout); break;
		case '\t': fputs("\\t", stdout); break;
		case '"': fputs("\\\"", stdout); break;
		case '\\': fputs("\\\\", stdout); break;
		default: putchar(s[i]);
		}
	}
	fputs("\"\n", stdout);
}

static const char *
scalar(const tk_ynode *tc, const char *key)
{
	const tk_ynode *n = tk_yaml_get(tc, key);

	return n && n->kind == TK_YAML_SCALAR ? n->str : NULL;
}

static void
run_case(const char *file, const tk_ynode *tc, tk_diag *d)
{
	const tk_ynode *tmpl_n = tk_yaml_get(tc, "template");
	const tk_ynode *want_n = tk_yaml_get(tc, "expected");
	tk_value *data = NULL, *partials = NULL;
	tk_tmpl_env *env = NULL;
	tk_tmpl *t = NULL;
	tk_buf out = TK_BUF_INIT;
	char *name;
	int ok = 0;

	name = xasprintf("%.*s: %s", (int)(strlen(file) - 4), file,
	    scalar(tc, "name") ? scalar(tc, "name") : "(unnamed)");
	if (tmpl_n == NULL || tmpl_n->kind != TK_YAML_SCALAR || want_n == NULL ||
	    want_n->kind != TK_YAML_SCALAR) {
		tk_check(name, 0, "  the case lacks a template or expected output");
		goto out;
	}
	if (tk_value_from_yaml(&data, tk_yaml_get(tc, "data"), file, d) < 0 ||
	    tk_value_from_yaml(&partials, tk_yaml_get(tc, "partials"), file, d) < 0) {
		tk_check(name, 0, "  the case's data does not convert");
		goto out;
	}
	env = tk_tmpl_env_new(spec_loader, partials);
	tk_tmpl_env_set_missing_ok(env, 1);
	if (tk_tmpl_parse(&t, "template", tmpl_n->str, tmpl_n->len, d) == 0 &&
	    tk_tmpl_render(&out, env, t, data, d) == 0)
		ok = out.len == want_n->len && memcmp(out.data, want_n->str, out.len) == 0;
	if (!ok) {
		show("template:", tmpl_n->str, tmpl_n->len);
		show("expected:", want_n->str, want_n->len);
		show("got:     ", out.data ? out.data : "", out.len);
	}
	tk_check(name, ok, NULL);
out:
	free(name);
	tk_buf_free(&out);
	tk_tmpl_free(t);
	tk_tmpl_env_free(env);
	tk_value_free(data);
	tk_value_free(partials);
}

static void
run_file(const char *dir, const char *file, tk_diag *d)
{
	char *path = xasprintf("%s/%s", dir, file), *buf = NULL;
	const tk_ynode *tests;
	tk_ydoc *doc = NULL;
	size_t len, i;

	if (tk_read_file(&buf, &len, path) < 0) {
		tk_check(path, 0, "  cannot read the spec file");
		goto out;
	}
	if (tk_yaml_load(&doc, path, buf, len, NULL, d) < 0) {
		tk_check(path, 0, "  cannot load the spec file");
		goto out;
	}
	tests = tk_yaml_get(tk_yaml_root(doc), "tests");
	if (tests == NULL || tests->kind != TK_YAML_SEQ) {
		tk_check(path, 0, "  the spec file has no list of tests");
		goto out;
	}
	for (i = 0; i < tests->n; i++)
		run_case(file, tests->kids[i], d);
out:
	tk_yaml_free(doc);
	free(buf);
	free(path);
}

int
main(int argc, char **argv)
{
	const char *dir = argc > 1 ? argv[1] : "../shared/mustache-spec";
	struct stat st;
	tk_diag *d;
	size_t i;

	if (stat(dir, &st) < 0 || !S_ISDIR(st.st_mode)) {
		printf("mustache-spec: %s not found; conformance not run\n", dir);
		return 77;
	}
	d = tk_diag_new(stdout);
	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++)
		run_file(dir, files[i], d);
	tk_diag_free(d);
	return tk_test_end();
}
