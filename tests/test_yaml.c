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
	tk_yaml_limits small = { 16, 0, 0, 0 }, shallow = { 0, 3, 0, 0 };
	tk_buf deep = TK_BUF_INIT;
	int i;

	expect_error("invalid UTF-8", "a: ok\nb: \xc3\x28\n", 11, NULL,
	    "t.yaml:2:4: error: invalid UTF-8 (byte 0xc3); save the file as UTF-8");
	expect_error("overlong UTF-8", "a: \xc0\xaf\n", 6, NULL,
	    "t.yaml:1:4: error: invalid UTF-8 (byte 0xc0)");
	expect_error("duplicate key", "a: 1\nb: 2\na: 3\n", 12, NULL,
	    "t.yaml:3:1: error: duplicate key 'a' (first at line 1); remove one of them");
	/* Past eight keys a hash set looks first; the first pair in key
	 * order is named, whichever the set met first. */
	for (i = 0; i < 40; i++)
		tk_buf_printf(&deep, "k%d: %d\n", i % 37 == 36 ? 7 : i % 37 == 0 && i ? 3 : i, i);
	expect_error("duplicate keys in a map of forty", deep.data, deep.len, NULL,
	    "t.yaml:38:1: error: duplicate key 'k3' (first at line 4); remove one of them");
	tk_buf_reset(&deep);
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
	tk_check(name, rc == 0 && tk_yaml_same(tk_yaml_root(doc), tk_yaml_root(back)) &&
	    strcmp(tk_yaml_path(back), "u.yaml") == 0 && a.len == b.len &&
	    memcmp(a.data, b.data, a.len) == 0, NULL);
	tk_yaml_free(doc);
	tk_yaml_free(back);
	tk_buf_free(&a);
	tk_buf_free(&b);
	free(msg);
}

/* Calls fn on every .yaml file under dir, in readdir order; the count. */
static size_t
walk_yaml(const char *dir, void (*fn)(const char *path, const char *buf, size_t len))
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
			n += walk_yaml(path, fn);
		else if (strlen(e->d_name) > 5 &&
		    strcmp(e->d_name + strlen(e->d_name) - 5, ".yaml") == 0 &&
		    tk_read_file(&buf, &len, path) == 0) {
			fn(path, buf, len);
			free(buf);
			n++;
		}
		free(path);
	}
	closedir(dp);
	return n;
}

static void
check_saved_file(const char *path, const char *buf, size_t len)
{
	char *name = xasprintf("saved and restored: %s", path);

	check_saved(name, buf, len);
	free(name);
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
	n = walk_yaml("content", check_saved_file);
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

/* ---- the quick reader against libyaml ---- */

static size_t agreed, taken, disagreed;

/* Reads src with each reader alone. When the quick one takes it, libyaml
 * must give the same tree; when it leaves it, it must say nothing; a
 * refusal before either reader must be the same message. Gives 1 when
 * the quick reader took src, 0 when not, -1 when they disagree. */
static int
readers(const char *src, size_t len, size_t max_nodes, int max_depth, char **why)
{
	tk_yaml_limits lq = { 0, max_depth, max_nodes, TK_YAML_QUICK_ONLY };
	tk_yaml_limits ll = { 0, max_depth, max_nodes, TK_YAML_LIBYAML_ONLY };
	tk_ydoc *a = NULL, *b = NULL;
	int rq, rl, res;
	char *mq = load(&a, src, len, &lq, &rq), *ml = load(&b, src, len, &ll, &rl);

	if (rq == 0)
		res = rl == 0 && *mq == '\0' && tk_yaml_same(tk_yaml_root(a), tk_yaml_root(b)) ? 1 : -1;
	else if (rq == 1)
		res = a == NULL && *mq == '\0' ? 0 : -1;
	else
		res = rl < 0 && strcmp(mq, ml) == 0 ? 0 : -1;
	if (res < 0 && why)
		*why = xasprintf("quick reader: %d %s\nlibyaml: %d %s\ninput:\n%.*s", rq, mq,
		    rl, ml, (int)len, src);
	if (res < 0)
		disagreed++;
	else {
		agreed++;
		taken += (size_t)res;
	}
	tk_yaml_free(a);
	tk_yaml_free(b);
	free(mq);
	free(ml);
	return res;
}

static void
expect_quick(const char *name, const char *src, int want)
{
	char *why = NULL;
	int got = readers(src, strlen(src), 0, 0, &why);

	tk_check(name, got == want, why ? why : want ? "left to libyaml" :
	    "taken by the quick reader");
	free(why);
}

static size_t files_taken, status_files, status_taken;
static char *first_left;

static void
quick_file(const char *path, const char *buf, size_t len)
{
	char *why = NULL;
	int got = readers(buf, len, 0, 0, &why);

	if (got < 0) {
		char *name = xasprintf("readers agree: %s", path);

		tk_check(name, 0, why);
		free(name);
	}
	files_taken += got == 1;
	if (strncmp(path, "content/status/", 15) == 0) {
		status_files++;
		status_taken += got == 1;
		if (got != 1 && first_left == NULL)
			first_left = xstrdup(path);
	}
	free(why);
}

/* Each byte of src deleted, and each of a set of troublesome characters
 * put before it, under the default limits and tight ones. */
static void
mutate(const char *name, const char *src)
{
	static const char *ins[] = { " ", "\n", ":", "#", "-", "{", "}", ",", "\"", "'",
	    "x", "\\", "&", "*", "!", "|", "[", "]", "?", "\t", "\r", "  ", ": ", "- ",
	    " #", "\xc2\x85", "\xc3\xa4", "---\n", "%", "@", "~", ">" };
	const size_t nins = sizeof(ins) / sizeof(ins[0]);
	size_t i, k, rest, len = strlen(src), before = disagreed, tries = 0, took = taken;
	tk_buf b = TK_BUF_INIT;
	char *why = NULL, *label;

	for (i = 0; i <= len; i++) {
		/* k < nins: ins[k] before byte i; k == nins: byte i deleted. */
		for (k = 0; k <= nins; k++) {
			if ((rest = k < nins ? i : i + 1) > len)
				continue;
			tk_buf_reset(&b);
			tk_buf_put(&b, src, i);
			if (k < nins)
				tk_buf_puts(&b, ins[k]);
			tk_buf_put(&b, src + rest, len - rest);
			tries++;
			if (readers(b.data, b.len, 0, 0, why ? NULL : &why) < 0)
				continue;
			readers(b.data, b.len, 12, 3, why ? NULL : &why);
		}
	}
	label = xasprintf("%s: %zu variants, the readers agree on all (%zu taken quickly)",
	    name, tries, taken - took);
	tk_check(label, disagreed == before && taken > took, why);
	free(label);
	free(why);
	tk_buf_free(&b);
}

static void
test_quick(void)
{
	const char *status =
	    "# a comment\n"
	    "region: kainuu\n"
	    "period: 2022-12   # after a value\n"
	    "states:\n"
	    "  htt-a-1-1: valmis\n"
	    "  htt-a-1-2: ei aloitettu\n"
	    "\n"
	    "  htt-b-2-12: {state: valmis, note: \"Tehty: kaikki, #1.\"}\n"
	    "  ict-e-1-3: {state: viivästynyt, note: \"Toimittajan resurssit eivät riitä.\"}\n"
	    "observations:\n"
	    "  - {group: htt, theme: aikataulu, text: \"Ajosuunnitelma on laadittu.\"}\n"
	    "risks:\n"
	    "- {group: jo, theme: henkilöstö, text: \"Uupuminen uhkaa.\"}\n"
	    "- plain item\n"
	    "red_flag: false\n";
	const char *nested = "a:  # why\n  b:\n    - x\n    - {c: {d: e}, f: \"\"}\n  g: h#i\nj: {}\n";
	tk_buf deep = TK_BUF_INIT;
	size_t i, levels;

	expect_quick("quick: a status record", status, 1);
	expect_quick("quick: nested maps, comments, {}, a # inside a value", nested, 1);
	expect_quick("quick: a list at the root", "- a\n- b  \n", 1);
	expect_quick("quick: a map indented at the root", "  a: 1\n  b: 2\n", 1);
	expect_quick("quick: comments only", "# nothing\n\n   # here\n", 1);
	expect_quick("quick: an empty file", "", 1);
	expect_quick("quick: no line feed at the end", "a: b", 1);
	expect_quick("quick: columns count characters", "ää: {öö: å, b: \"c\"}\n", 1);
	expect_quick("quick: a value with colons and quotes", "a: x:y \"z\" 'w'\n", 1);

	/* Left to libyaml, which reads them or words the error. */
	expect_quick("libyaml: a tab", "a:\tb\n", 0);
	expect_quick("libyaml: CRLF", "a: b\r\n", 0);
	expect_quick("libyaml: a document marker", "---\na: b\n", 0);
	expect_quick("libyaml: an anchor and an alias", "a: &x b\nc: *x\n", 0);
	expect_quick("libyaml: a tag", "a: !!str 1\n", 0);
	expect_quick("libyaml: a block scalar", "a: |\n  text\n", 0);
	expect_quick("libyaml: a value that goes on", "a: one\n  two\n", 0);
	expect_quick("libyaml: an empty value", "a:\nb: c\n", 0);
	expect_quick("libyaml: an escape", "a: \"x\\ty\"\n", 0);
	expect_quick("libyaml: single quotes", "a: 'x'\n", 0);
	expect_quick("libyaml: a flow list", "a: [x, y]\n", 0);
	expect_quick("libyaml: a flow map over two lines", "a: {b: c,\n  d: e}\n", 0);
	expect_quick("libyaml: a duplicate key (its message)", "a: b\na: c\n", 0);
	expect_quick("libyaml: a duplicate key in a flow map", "a: {b: c, b: d}\n", 0);
	expect_quick("libyaml: a map in a value", "a: b: c\n", 0);
	expect_quick("libyaml: a bad indent", "a:\n    b: c\n  d: e\n", 0);
	expect_quick("libyaml: a scalar document", "just text\n", 0);
	expect_quick("libyaml: U+0085", "a: b\xc2\x85" "c\n", 0);
	expect_quick("libyaml: a BOM inside", "a: b\n\xef\xbb\xbf" "c: d\n", 0);
	expect_quick("libyaml: a comment without a space", "a: \"b\"#c\n", 0);
	expect_quick("libyaml: invalid UTF-8 (the same message)", "a: \xff\n", 0);

	/* The limits: the quick reader leaves what passes them to libyaml. */
	tk_check("quick: depth 3 taken", readers("a: {b: {c: d}}\n", 15, 0, 3, NULL) == 1, NULL);
	tk_check("libyaml: depth 4 over 3", readers("a: {b: {c: {d: e}}}\n", 20, 0, 3,
	    NULL) == 0, NULL);
	tk_check("quick: 5 nodes taken", readers("a: {b: c}\n", 10, 5, 0, NULL) == 1, NULL);
	tk_check("libyaml: 5 nodes over 4", readers("a: {b: c}\n", 10, 4, 0, NULL) == 0, NULL);

	for (levels = 64; levels <= 65; levels++) {
		tk_buf_reset(&deep);
		for (i = 0; i < levels; i++)
			tk_buf_printf(&deep, "%*sk%zu:%s\n", (int)(2 * i), "", i,
			    i == levels - 1 ? " x" : "");
		tk_check(levels == 64 ? "quick: 64 levels of maps taken" :
		    "libyaml: 65 levels of maps (its message)",
		    readers(deep.data, deep.len, 0, 0, NULL) == (levels == 64), NULL);
	}
	tk_buf_free(&deep);

	tk_check("readers agree on every .yaml file of content/ and tests/",
	    walk_yaml("content", quick_file) > 400 && walk_yaml("tests", quick_file) > 50 &&
	    disagreed == 0, NULL);
	tk_check("the quick reader takes every status record of content/",
	    status_files > 300 && status_taken == status_files, first_left);
	free(first_left);

	mutate("mutations of a status record", status);
	mutate("mutations of nested values", nested);
	tk_check("readers agree overall", disagreed == 0 && agreed > 30000, NULL);
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
	test_quick();
	return tk_test_end();
}
