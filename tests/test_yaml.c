/* test_yaml.c: the YAML loader: positions, and each refusal with its
 * exact message. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "diag.h"
#include "harness.h"
#include "util.h"
#include "yaml.h"

/* Loads src; returns the messages printed, and the doc through *out. */
static char *
load(tk_ydoc **out, const char *src, size_t len, const tk_yaml_limits *lim, int *rc)
{
	char *msg = NULL;
	size_t mlen = 0;
	FILE *f = open_memstream(&msg, &mlen);
	tk_diag *d = tk_diag_new(f);

	*rc = tk_yaml_load(out, "t.yaml", src, len, lim, d);
	tk_diag_free(d);
	fclose(f);
	return msg;
}

static void
expect_error(const char *name, const char *src, size_t len, const tk_yaml_limits *lim,
    const char *want)
{
	tk_ydoc *doc = NULL;
	int rc;
	char *msg = load(&doc, src, len, lim, &rc);

	tk_check(name, rc < 0 && doc == NULL, "expected a refusal");
	tk_check_has(name, msg, want);
	tk_yaml_free(doc);
	free(msg);
}

static void
test_positions(void)
{
	const char *src = "a: 1\nlist:\n  - x\n  - {k: \"v\"}\nöö: ~\n";
	tk_ydoc *doc = NULL;
	const tk_ynode *root, *list, *item;
	int rc;
	char *msg = load(&doc, src, strlen(src), NULL, &rc);

	tk_check("positions: loads", rc == 0 && doc != NULL, msg);
	root = tk_yaml_root(doc);
	tk_check("positions: root is a map at 1:1", root && root->kind == TK_YAML_MAP &&
	    root->line == 1 && root->col == 1, NULL);
	list = tk_yaml_get(root, "list");
	tk_check("positions: list item 2 at 4:5", list && list->n == 2 &&
	    list->kids[1]->line == 4 && list->kids[1]->col == 5, NULL);
	item = tk_yaml_get(list->kids[1], "k");
	tk_check("positions: quoted scalar at 4:9", item && item->line == 4 && item->col == 9 &&
	    item->quoted && strcmp(item->str, "v") == 0, NULL);
	tk_check("positions: key after non-ASCII counts characters",
	    tk_yaml_get(root, "öö") && tk_yaml_get(root, "öö")->col == 5, NULL);
	tk_check("null scalar", tk_yaml_is_null(tk_yaml_get(root, "öö")), NULL);
	tk_yaml_free(doc);
	free(msg);
}

static void
test_windows(void)
{
	const char *src = "\xef\xbb\xbf" "a: 1\r\nb: kaksi\r\n";
	tk_ydoc *doc = NULL;
	const tk_ynode *b;
	int rc;
	char *msg = load(&doc, src, strlen(src), NULL, &rc);

	b = tk_yaml_get(tk_yaml_root(doc), "b");
	tk_check("BOM and CRLF accepted", rc == 0 && b && strcmp(b->str, "kaksi") == 0 &&
	    b->line == 2 && b->col == 4, msg);
	tk_yaml_free(doc);
	free(msg);
}

static void
test_empty(void)
{
	tk_ydoc *doc = NULL;
	int rc;
	char *msg = load(&doc, "", 0, NULL, &rc);

	tk_check("empty file: no root", rc == 0 && doc && tk_yaml_root(doc) == NULL, msg);
	tk_yaml_free(doc);
	free(msg);
}

static void
test_aliases(void)
{
	const char *ok = "a: &x [1, 2]\nb: *x\n";
	tk_buf bomb = TK_BUF_INIT;
	tk_ydoc *doc = NULL;
	int rc, i, j;
	char *msg = load(&doc, ok, strlen(ok), NULL, &rc);

	tk_check("a small alias is fine", rc == 0 &&
	    tk_yaml_get(tk_yaml_root(doc), "b")->n == 2, msg);
	tk_yaml_free(doc);
	free(msg);

	/* Nine levels of ten aliases each: 10^9 nodes if expanded. */
	tk_buf_puts(&bomb, "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
	for (i = 1; i < 10; i++) {
		tk_buf_printf(&bomb, "a%d: &a%d [", i, i);
		for (j = 0; j < 10; j++)
			tk_buf_printf(&bomb, "%s*a%d", j ? ", " : "", i - 1);
		tk_buf_puts(&bomb, "]\n");
	}
	expect_error("alias bomb refused", bomb.data, bomb.len, NULL,
	    "error: aliases expand to more than 1000000 nodes; write the data out "
	    "without nested aliases");
	tk_buf_free(&bomb);
	expect_error("unknown alias", "a: *nope\n", 9, NULL,
	    "t.yaml:1:4: error: unknown alias '*nope'; define the anchor first");
	/* Found by fuzzing: a cycle sent tk_value_from_yaml into endless recursion. */
	expect_error("alias inside its own node", "a: &x [1, {b: *x}]\n", 19, NULL,
	    "t.yaml:1:15: error: alias '*x' is inside the node it names; data cannot "
	    "contain itself");
}

static void
test_refusals(void)
{
	tk_yaml_limits small = { 16, 0, 0 }, shallow = { 0, 3, 0 };
	tk_buf deep = TK_BUF_INIT;
	int i;

	expect_error("invalid UTF-8", "a: ok\nb: \xc3\x28\n", 11, NULL,
	    "t.yaml:2:4: error: invalid UTF-8 (byte 0xc3); save the file as UTF-8");
	expect_error("overlong UTF-8", "a: \xc0\xaf\n", 6, NULL,
	    "t.yaml:1:4: error: invalid UTF-8 (byte 0xc0)");
	expect_error("duplicate key", "a: 1\nb: 2\na: 3\n", 12, NULL,
	    "t.yaml:3:1: error: duplicate key 'a' (first at line 1); remove one of them");
	expect_error("size limit", "a: 1234567890123456\n", 20, &small,
	    "t.yaml:1:17: error: file is 20 bytes, more than the limit of 16, which it "
	    "passes here; split it");
	for (i = 0; i < 70; i++)
		tk_buf_putc(&deep, '[');
	for (i = 0; i < 70; i++)
		tk_buf_putc(&deep, ']');
	expect_error("depth limit", deep.data, deep.len, NULL,
	    "t.yaml:1:65: error: nesting deeper than 64 levels; flatten the structure");
	tk_buf_free(&deep);
	expect_error("depth through an alias", "a: &x [[1]]\nb: [[*x]]\n", 21, &shallow,
	    "t.yaml:2:6: error: alias '*x' nests deeper than 3 levels; flatten the structure");
	expect_error("syntax error", "a: [1, 2\nb: 3\n", 14, NULL,
	    "t.yaml:2:2: error: YAML syntax: did not find expected ',' or ']' while "
	    "parsing a flow sequence begun at line 1, column 4; check the indentation "
	    "and quoting");
	expect_error("unclosed quote names where it began", "a: 1\nb: \"auki\nc: 2\n", 19,
	    NULL, "t.yaml:4:1: error: YAML syntax: found unexpected end of stream while "
	    "scanning a quoted scalar begun at line 2, column 4; check the indentation "
	    "and quoting");
	expect_error("a tab in the indentation", "a:\n\tb: 1\n", 9, NULL,
	    "t.yaml:2:1: error: YAML syntax: a tab character; YAML indents with spaces, "
	    "so replace the tab with spaces");
	expect_error("two documents", "a: 1\n---\nb: 2\n", 14, NULL,
	    "t.yaml:2:1: error: a second YAML document in one file; keep one document per file");
	expect_error("map as key", "? [a]\n: 1\n", 10, NULL,
	    "t.yaml:1:3: error: a map key must be a plain value, not a list or map");
	expect_error("NUL byte", "a: b\0c\n", 7, NULL,
	    "t.yaml:1:5: error: NUL byte in a text file; remove it");
	/* An escaped NUL would cut the value short: "alpha\0../x" read as "alpha". */
	expect_error("NUL escape in a value", "a: 1\nid: \"alpha\\0../x\"\n", 23, NULL,
	    "t.yaml:2:5: error: a NUL character (an escape like \\0) in a value; remove it");
	expect_error("NUL escape in a key", "\"k\\u0000\": 1\n", 13, NULL,
	    "t.yaml:1:1: error: a NUL character (an escape like \\0) in a value; remove it");
}

/* Are a and b the same tree, node by node? */
static int
same_tree(const tk_ynode *a, const tk_ynode *b)
{
	size_t i;

	if (a == NULL || b == NULL)
		return a == b;
	if (a->kind != b->kind || a->line != b->line || a->col != b->col ||
	    a->quoted != b->quoted || a->n != b->n || (a->tag == NULL) != (b->tag == NULL) ||
	    (a->tag && strcmp(a->tag, b->tag) != 0))
		return 0;
	if (a->kind == TK_YAML_SCALAR && (a->len != b->len || b->str[b->len] != '\0' ||
	    memcmp(a->str, b->str, a->len) != 0))
		return 0;
	for (i = 0; i < a->n; i++)
		if (!same_tree(a->kids[i], b->kids[i]))
			return 0;
	return 1;
}

/* Saves src's tree, restores it, and checks the two trees and a second
 * save (the same bytes: shared nodes stay shared). */
static void
check_saved(const char *name, const char *src, size_t len)
{
	tk_ydoc *doc = NULL, *back = NULL;
	tk_buf a = TK_BUF_INIT, b = TK_BUF_INIT;
	int rc;
	char *msg = load(&doc, src, len, NULL, &rc);

	if (rc < 0) {
		tk_check(name, 0, msg);
		free(msg);
		return;
	}
	tk_yaml_save(&a, doc);
	rc = tk_yaml_restore(&back, "u.yaml", a.data, a.len);
	if (rc == 0)
		tk_yaml_save(&b, back);
	tk_check(name, rc == 0 && same_tree(tk_yaml_root(doc), tk_yaml_root(back)) &&
	    strcmp(tk_yaml_path(back), "u.yaml") == 0 && a.len == b.len &&
	    memcmp(a.data, b.data, a.len) == 0, NULL);
	tk_yaml_free(doc);
	tk_yaml_free(back);
	tk_buf_free(&a);
	tk_buf_free(&b);
	free(msg);
}

/* Every .yaml file under dir, saved and restored. */
static size_t
check_saved_dir(const char *dir)
{
	DIR *dp = opendir(dir);
	struct dirent *e;
	size_t n = 0;

	if (dp == NULL)
		return 0;
	while ((e = readdir(dp)) != NULL) {
		char *path, *buf;
		size_t len;
		struct stat st;

		if (e->d_name[0] == '.')
			continue;
		path = xasprintf("%s/%s", dir, e->d_name);
		if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
			n += check_saved_dir(path);
		else if (strlen(e->d_name) > 5 &&
		    strcmp(e->d_name + strlen(e->d_name) - 5, ".yaml") == 0 &&
		    tk_read_file(&buf, &len, path) == 0) {
			char *name = xasprintf("saved and restored: %s", path);

			check_saved(name, buf, len);
			free(name);
			free(buf);
			n++;
		}
		free(path);
	}
	closedir(dp);
	return n;
}

static void
test_saved(void)
{
	const char *shared = "base: &b {k: 1, l: [x, \"y\"]}\nuse: *b\nagain: [*b, *b]\n";
	const char *odd = "? plain\n: !!str 12\nblock: |\n  two\n  lines\nöö: ~\nempty: []\n";
	tk_ydoc *doc = NULL, *back;
	tk_buf a = TK_BUF_INIT, b = TK_BUF_INIT;
	size_t i, n, refused = 0;
	int rc;
	char *msg;

	check_saved("saved: aliases", shared, strlen(shared));
	check_saved("saved: tags, blocks, non-ASCII", odd, strlen(odd));
	check_saved("saved: an empty document", "", 0);
	check_saved("saved: a scalar document", "just text\n", 10);
	n = check_saved_dir("content");
	/* Found by fuzzing: the loader allows 64 levels of collections, and
	 * restoring refused the 65th level of height that their scalars make. */
	for (i = 0; i < 64; i++)
		tk_buf_printf(&a, "%*sk%zu:%s\n", (int)(2 * i), "", i, i == 63 ? " x" : "");
	check_saved("saved: 64 levels of maps, a scalar at the bottom", a.data, a.len);
	tk_buf_reset(&a);
	tk_check("saved: every bundled content file was tried", n > 400, NULL);

	msg = load(&doc, shared, strlen(shared), NULL, &rc);
	tk_yaml_save(&a, doc);
	back = NULL;
	tk_yaml_restore(&back, "u.yaml", a.data, a.len);
	tk_check("saved: a shared node is one node again",
	    back && tk_yaml_get(tk_yaml_root(back), "use") == tk_yaml_get(tk_yaml_root(back),
	    "base"), NULL);
	tk_yaml_free(back);
	/* Every cut is refused; every changed byte is refused or gives a
	 * tree that keeps the promises (ASan and valgrind watch the rest). */
	for (i = 0; i < a.len; i++) {
		back = NULL;
		if (tk_yaml_restore(&back, "u.yaml", a.data, i) == 0)
			break;
	}
	tk_check("saved: every cut is refused", i == a.len, NULL);
	for (i = 0; i < a.len; i++) {
		int k;

		for (k = 0; k < 2; k++) {
			tk_buf_reset(&b);
			tk_buf_put(&b, a.data, a.len);
			b.data[i] = (char)(k ? b.data[i] + 1 : b.data[i] ^ 0x80);
			back = NULL;
			if (tk_yaml_restore(&back, "u.yaml", b.data, b.len) < 0)
				refused++;
			else if (back == NULL)
				break;
			tk_yaml_free(back);
		}
	}
	tk_check("saved: changed bytes are refused, mostly", refused > a.len, NULL);
	tk_yaml_free(doc);
	tk_buf_free(&a);
	tk_buf_free(&b);
	free(msg);
}

int
main(void)
{
	test_positions();
	test_windows();
	test_empty();
	test_aliases();
	test_refusals();
	test_saved();
	return tk_test_end();
}
