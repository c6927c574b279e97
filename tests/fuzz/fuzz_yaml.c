/* fuzz_yaml.c: the YAML loader, under its default limits and under small
 * ones, with its quick reader held to libyaml's tree; the conversion of
 * its tree to view data and JSON, and its saved form (tk_yaml_save,
 * tk_yaml_restore). The first byte picks the limits or, with bit 4,
 * restoring the rest as saved bytes; the rest is the file. */
#include "fuzz.h"
#include "value.h"
#include "yaml.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The tree's promises: scalars are NUL-terminated at their length, map
 * children come in pairs with scalar keys, positions are 1-based. */
static void
check_tree(const tk_ynode *root)
{
	const tk_ynode **stack;
	size_t sp = 0, cap = 1, visits = 0;

	if (root == NULL)
		return;
	stack = xmalloc(sizeof(*stack));
	stack[sp++] = root;
	/* Aliases share nodes, so a node may be seen many times; the
	 * loader bounds that at a million expansions. */
	while (sp > 0 && visits++ < 2000000) {
		const tk_ynode *n = stack[--sp];
		size_t i;

		if (n->line < 1 || n->col < 1)
			abort();
		if (n->kind == TK_YAML_SCALAR) {
			if (n->str == NULL || n->str[n->len] != '\0' || strlen(n->str) != n->len)
				abort();
			continue;
		}
		if (n->kind == TK_YAML_MAP && n->n % 2 != 0)
			abort();
		for (i = 0; i < n->n; i++) {
			if (n->kind == TK_YAML_MAP && i % 2 == 0 &&
			    n->kids[i]->kind != TK_YAML_SCALAR)
				abort();
			if (sp == cap)
				stack = xrealloc(stack, (cap *= 2) * sizeof(*stack));
			stack[sp++] = n->kids[i];
		}
	}
	free(stack);
}

/* The quick reader takes a file only when libyaml reads it to the same
 * tree, under the same limits. */
static void
check_readers(const uint8_t *data, size_t size, const tk_yaml_limits *lim, tk_diag *d)
{
	tk_yaml_limits q = { 0, 0, 0, TK_YAML_QUICK_ONLY }, l;
	tk_ydoc *a = NULL, *b = NULL;

	if (lim)
		q = *lim;
	l = q;
	q.reader = TK_YAML_QUICK_ONLY;
	l.reader = TK_YAML_LIBYAML_ONLY;
	if (tk_yaml_load(&a, "fuzz.yaml", (const char *)data, size, &q, d) == 0) {
		if (tk_yaml_load(&b, "fuzz.yaml", (const char *)data, size, &l, d) != 0 ||
		    !tk_yaml_same(tk_yaml_root(a), tk_yaml_root(b)))
			abort();
	}
	tk_yaml_free(a);
	tk_yaml_free(b);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	tk_yaml_limits small = { 512, 6, 200, 0 };
	tk_diag *d = fuzz_diag();
	tk_ydoc *doc = NULL, *back = NULL;
	tk_value *v = NULL;
	tk_buf json = TK_BUF_INIT, a = TK_BUF_INIT, b = TK_BUF_INIT;
	const tk_ynode *root;

	if (size == 0)
		goto out;
	/* Bit 4 of the first byte: the rest is a saved tree, not YAML. */
	if (data[0] & 4) {
		if (tk_yaml_restore(&back, "fuzz.yaml", data + 1, size - 1) == 0)
			check_tree(tk_yaml_root(back));
		goto out;
	}
	check_readers(data + 1, size - 1, data[0] & 1 ? &small : NULL, d);
	if (tk_yaml_load(&doc, "fuzz.yaml", (const char *)data + 1, size - 1,
	    data[0] & 1 ? &small : NULL, d) < 0)
		goto out;
	root = tk_yaml_root(doc);
	check_tree(root);
	/* Saved and restored, the tree saves to the same bytes again. */
	tk_yaml_save(&a, doc);
	if (tk_yaml_restore(&back, "fuzz.yaml", a.data, a.len) < 0)
		abort();
	check_tree(tk_yaml_root(back));
	tk_yaml_save(&b, back);
	if (a.len != b.len || memcmp(a.data, b.data, a.len) != 0)
		abort();
	if (tk_value_from_yaml(&v, root, "fuzz.yaml", d) == 0)
		tk_value_write_json(&json, v, data[0] & 2);
out:
	tk_buf_free(&json);
	tk_buf_free(&a);
	tk_buf_free(&b);
	tk_value_free(v);
	tk_yaml_free(doc);
	tk_yaml_free(back);
	tk_diag_free(d);
	return 0;
}
