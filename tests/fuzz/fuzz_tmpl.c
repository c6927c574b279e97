/* fuzz_tmpl.c: the template parser and renderer. The input is up to four
 * parts split at NUL bytes: a template, a partial "p", a partial "q" and
 * view data as YAML. Every template is parsed and walked with the
 * iterator; it is rendered when rendering cannot explode by design (a
 * few sections over a little data: nested sections multiply, and themes
 * are written by maintainers, not by pull requests). */
#include "fuzz.h"
#include "tmpl.h"
#include "value.h"
#include "yaml.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef struct {
	const char *src[2];
	size_t len[2];
} partials;

static int
loader(char **src, size_t *len, char **path, const char *name, void *arg, tk_diag *d)
{
	partials *p = arg;
	int i = strcmp(name, "p") == 0 ? 0 : strcmp(name, "q") == 0 ? 1 : -1;

	(void)d;
	if (i < 0)
		return TK_TMPL_ENOTFOUND;
	*src = xstrndup(p->src[i], p->len[i]);
	*len = p->len[i];
	*path = xstrdup(i ? "q.mustache" : "p.mustache");
	return 0;
}

/* Tags that open a section, an inverted section, a block, a parent or a
 * partial; set-delimiter tags count as many (they could hide them). */
static size_t
openers(const char *s, size_t n)
{
	size_t i, k = 0;

	for (i = 0; i + 2 < n; i++)
		if (s[i] == '{' && s[i + 1] == '{')
			k += strchr("#^$<>", s[i + 2]) ? 1 : s[i + 2] == '=' ? 100 : 0;
	return k;
}

/* Walks the tree with the iterator and checks its shape. */
static void
walk(const tk_tmpl *t)
{
	tk_tmpl_iter *it = tk_tmpl_iter_new(tk_tmpl_root(t));
	tk_tmpl_event ev;
	long depth = 0;

	while ((ev = tk_tmpl_iter_next(it)) != TK_TMPL_EVENT_DONE) {
		const tk_tmpl_node *n = tk_tmpl_iter_node(it);
		size_t len;

		if (tk_tmpl_node_line(n) < 1 || tk_tmpl_node_col(n) < 1)
			abort();
		switch (tk_tmpl_node_kind(n)) {
		case TK_TMPL_TEXT:
			if (tk_tmpl_node_text(n, &len) == NULL || ev != TK_TMPL_EVENT_ENTER)
				abort();
			break;
		case TK_TMPL_VAR: case TK_TMPL_RAW: case TK_TMPL_PARTIAL:
			if (tk_tmpl_node_name(n) == NULL || ev != TK_TMPL_EVENT_ENTER)
				abort();
			break;
		default:
			if (tk_tmpl_node_raw(n, &len) == NULL)
				abort();
			depth += ev == TK_TMPL_EVENT_ENTER ? 1 : -1;
			break;
		}
	}
	if (depth != 0)
		abort();
	tk_tmpl_iter_free(it);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	tk_yaml_limits lim = { 4096, 8, 24, 0 };
	const char *part[4];
	size_t len[4];
	char *buf;
	partials p;
	tk_diag *d = fuzz_diag();
	tk_tmpl *t = NULL;
	tk_tmpl_env *env = NULL;
	tk_ydoc *doc = NULL;
	tk_value *v = NULL;
	tk_buf out = TK_BUF_INIT;
	const tk_tmpl *pt;

	fuzz_split(data, size, 4, &buf, part, len);
	if (tk_tmpl_parse(&t, "fuzz.mustache", part[0], len[0], d) < 0)
		goto out;
	walk(t);
	p.src[0] = part[1], p.len[0] = len[1];
	p.src[1] = part[2], p.len[1] = len[2];
	env = tk_tmpl_env_new(loader, &p);
	tk_tmpl_env_set_missing_ok(env, size > 0 && data[size - 1] & 1);
	if (tk_tmpl_env_get(&pt, env, "p", d) == 0)
		walk(pt);
	/* Partials that include partials could recurse through sections. */
	if (openers(part[0], len[0]) + openers(part[1], len[1]) + openers(part[2], len[2]) > 4 ||
	    memmem(part[1], len[1], "{{>", 3) || memmem(part[1], len[1], "{{<", 3) ||
	    memmem(part[2], len[2], "{{>", 3) || memmem(part[2], len[2], "{{<", 3))
		goto out;
	if (tk_yaml_load(&doc, "data.yaml", part[3], len[3], &lim, d) == 0 &&
	    tk_value_from_yaml(&v, tk_yaml_root(doc), "data.yaml", d) == 0)
		tk_tmpl_render(&out, env, t, v, d);
out:
	tk_buf_free(&out);
	tk_value_free(v);
	tk_yaml_free(doc);
	tk_tmpl_env_free(env);
	tk_tmpl_free(t);
	tk_diag_free(d);
	free(buf);
	return 0;
}
