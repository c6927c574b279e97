/* fuzz_yaml.c: the YAML loader, under its default limits and under small
 * ones, and the conversion of its tree to view data and JSON. The first
 * byte picks the limits; the rest is the file. */
#include "fuzz.h"
#include "value.h"
#include "yaml.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	tk_yaml_limits small = { 512, 6, 200 };
	tk_diag *d = fuzz_diag();
	tk_ydoc *doc = NULL;
	tk_value *v = NULL;
	tk_buf json = TK_BUF_INIT;
	const tk_ynode *root;

	if (size == 0)
		goto out;
	if (tk_yaml_load(&doc, "fuzz.yaml", (const char *)data + 1, size - 1,
	    data[0] & 1 ? &small : NULL, d) < 0)
		goto out;
	root = tk_yaml_root(doc);
	/* The tree's promises: scalars are NUL-terminated at their length,
	 * map children come in pairs with scalar keys, positions are 1-based. */
	if (root) {
		const tk_ynode **stack = xmalloc(sizeof(*stack));
		size_t sp = 0, cap = 1, visits = 0;

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
	if (tk_value_from_yaml(&v, root, "fuzz.yaml", d) == 0)
		tk_value_write_json(&json, v, data[0] & 2);
out:
	tk_buf_free(&json);
	tk_value_free(v);
	tk_yaml_free(doc);
	tk_diag_free(d);
	return 0;
}
