/* test_tmpl.c: the template engine and its view data, without the spec
 * files: rendering, whitespace, inheritance, every template error with its
 * exact message, the limits, and the values' JSON and number formatting. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "diag.h"
#include "harness.h"
#include "tmpl.h"
#include "util.h"
#include "value.h"
#include "yaml.h"

/* Partials for the tests: a NULL-terminated list of name, source pairs. */
static int
list_loader(char **src, size_t *len, char **path, const char *name, void *arg,
    tk_diag *d)
{
	const char *const *p;

	(void)d;
	for (p = arg; p && p[0]; p += 2)
		if (strcmp(p[0], name) == 0) {
			*src = xstrdup(p[1]);
			*len = strlen(p[1]);
			*path = xasprintf("%s.mustache", name);
			return 0;
		}
	return TK_TMPL_ENOTFOUND;
}

/* View data from YAML text. */
static tk_value *
data(const char *yaml)
{
	tk_diag *d = tk_diag_new(stderr);
	tk_ydoc *doc = NULL;
	tk_value *v = NULL;

	if (tk_yaml_load(&doc, "data.yaml", yaml, strlen(yaml), NULL, d) < 0 ||
	    tk_value_from_yaml(&v, tk_yaml_root(doc), "data.yaml", d) < 0)
		v = NULL;
	tk_yaml_free(doc);
	tk_diag_free(d);
	return v;
}

/* Parses and renders src as t.mustache; returns the output, or NULL on
 * error, with the messages through *msgs. */
static char *
render(char **msgs, const char *src, const tk_value *v, tk_tmpl_env *env)
{
	size_t mlen = 0;
	FILE *f = open_memstream(msgs, &mlen);
	tk_diag *d = tk_diag_new(f);
	tk_buf out = TK_BUF_INIT;
	tk_tmpl *t = NULL;
	char *res = NULL;

	if (tk_tmpl_parse(&t, "t.mustache", src, strlen(src), d) == 0 &&
	    tk_tmpl_render(&out, env, t, v, d) == 0)
		res = tk_buf_detach(&out);
	tk_buf_free(&out);
	tk_tmpl_free(t);
	tk_diag_free(d);
	fclose(f);
	return res;
}

static void
expect(const char *name, const char *src, const char *yaml, const char *const *partials,
    const char *want)
{
	tk_value *v = yaml ? data(yaml) : NULL;
	tk_tmpl_env *env = tk_tmpl_env_new(list_loader, (void *)partials);
	char *msgs = NULL, *got = render(&msgs, src, v, env);

	if (got == NULL)
		printf("  messages: %s", msgs);
	tk_check_str(name, got, want);
	free(got);
	free(msgs);
	tk_tmpl_env_free(env);
	tk_value_free(v);
}

/* Expects an error whose messages are exactly want. */
static void
expect_error(const char *name, const char *src, const char *yaml,
    const char *const *partials, const char *want)
{
	tk_value *v = yaml ? data(yaml) : NULL;
	tk_tmpl_env *env = tk_tmpl_env_new(list_loader, (void *)partials);
	char *msgs = NULL, *got = render(&msgs, src, v, env);

	tk_check(name, got == NULL, "  rendered instead of failing");
	tk_check_str(name, msgs, want);
	free(got);
	free(msgs);
	tk_tmpl_env_free(env);
	tk_value_free(v);
}

static void
test_interpolation(void)
{
	expect("escape: all five characters", "{{x}}", "x: \"& < > \\\" '\"", NULL,
	    "&amp; &lt; &gt; &quot; &#39;");
	expect("escape: at both ends, side by side, beside UTF-8", "{{x}}",
	    "x: \"<<\u00e9&'\"", NULL, "&lt;&lt;\xc3\xa9&amp;&#39;");
	expect("escape: triple mustache is raw", "{{{x}}}", "x: \"& < > \\\" '\"", NULL,
	    "& < > \" '");
	expect("escape: ampersand is raw", "{{& x }}", "x: \"<b>\"", NULL, "<b>");
	expect("escape: implicit iterator", "{{#l}}{{.}}{{/l}}", "l: ['<', '&']", NULL,
	    "&lt;&amp;");
	expect("interpolate: missing is empty", "[{{nope}}]", "a: 1", NULL, "[]");
	expect("interpolate: null data", "[{{a}}{{.}}]", NULL, NULL, "[]");
	expect("interpolate: bools", "{{t}} {{f}}", "{t: true, f: false}", NULL, "true false");
	expect("interpolate: numbers", "{{a}} {{b}} {{c}} {{d}}",
	    "{a: 85, b: 1.210, c: -0.0, d: 1e20}", NULL, "85 1.21 0 1e+20");
	expect("dotted: basic", "{{a.b.c}}", "a: {b: {c: deep}}", NULL, "deep");
	expect("dotted: broken chain is empty", "[{{a.x.c}}]", "a: {b: {c: deep}}", NULL, "[]");
	expect("dotted: first part up the stack, the rest only inside",
	    "{{#a}}[{{b.c}}]{{/a}}", "{a: {b: {}}, b: {c: wrong}}", NULL, "[]");
	expect("dotted: no key with a dot in it", "[{{a.b}}]", "{a.b: c}", NULL, "[]");
	expect("dotted: on a section", "{{#a.b}}{{c}}{{/a.b}}", "a: {b: {c: x}}", NULL, "x");
	expect("dotted: parent contexts", "{{#s}}{{a}},{{b}}{{/s}}", "{a: 1, b: 2, s: {b: 3}}",
	    NULL, "1,3");
}

/* has_k beside a list k (tmpl.h). */
static void
test_has(void)
{
	const char *src = "{{#has_l}}<ul>{{#l}}<li>{{.}}</li>{{/l}}</ul>{{/has_l}}"
	    "{{^has_l}}none{{/has_l}}";

	expect("has_: a list with items", src, "l: [a, b]", NULL, "<ul><li>a</li><li>b</li></ul>");
	expect("has_: an empty list", src, "l: []", NULL, "none");
	expect("has_: no list at all", src, "m: [a]", NULL, "none");
	expect("has_: not for a string", "[{{has_s}}]", "s: abc", NULL, "[]");
	expect("has_: not for a map", "[{{has_m}}]", "m: {a: 1}", NULL, "[]");
	expect("has_: interpolated", "{{has_l}} {{has_e}}", "{l: [1], e: []}", NULL,
	    "true false");
	expect("has_: a key of that name wins", "{{has_l}}", "{l: [1], has_l: own}", NULL, "own");
	expect("has_: dotted", "{{#a.has_l}}y{{/a.has_l}}{{^a.has_m}}n{{/a.has_m}}",
	    "a: {l: [1], m: []}", NULL, "yn");
	expect("has_: up the stack, from the map that has the list",
	    "{{#s}}{{#has_l}}[{{x}}]{{/has_l}}{{/s}}", "{l: [1], s: {x: in}}", NULL, "[in]");
	expect("has_: the nearest map with the list, as for the list itself",
	    "{{#s}}{{has_l}}{{/s}}", "{l: [1], s: {l: []}}", NULL, "false");
	expect("has_: the name has_ alone is just a name", "[{{has_}}]", "{'': [1]}", NULL, "[]");
}

static void
test_sections(void)
{
	expect("section: list", "{{#l}}<{{n}}>{{/l}}", "l: [{n: 1}, {n: 2}, {n: 3}]", NULL,
	    "<1><2><3>");
	expect("section: map pushes once", "{{#m}}{{n}}{{/m}}", "m: {n: x}", NULL, "x");
	expect("section: truthy scalar is the context", "{{#s}}{{.}}!{{/s}}", "s: hi", NULL,
	    "hi!");
	expect("section: falsy null, false, \"\", []",
	    "[{{#a}}A{{/a}}{{#b}}B{{/b}}{{#c}}C{{/c}}{{#d}}D{{/d}}{{#e}}E{{/e}}]",
	    "{a: null, b: false, c: '', d: []}", NULL, "[]");
	expect("section: truthy 0 and {}", "{{#z}}Z{{/z}}{{#m}}M{{/m}}", "{z: 0, m: {}}", NULL,
	    "ZM");
	expect("section: nested lists", "{{#l}}({{#.}}{{.}}{{/.}}){{/l}}", "l: [[1, 2], [a]]",
	    NULL, "(12)(a)");
	expect("inverted: falsy renders", "{{^a}}none{{/a}}{{^b}}no{{/b}}", "{a: [], b: [1]}",
	    NULL, "none");
	expect("comment: removed", "a{{! x }}b", NULL, NULL, "ab");
	expect("delimiters: set and used", "{{=<% %>=}}<% x %>{{x}}<%={{ }}=%>{{x}}",
	    "x: 1", NULL, "1{{x}}1");
	expect("standalone: lines removed", "a\n  {{#s}}\n  b\n  {{/s}}\nc\n", "s: true", NULL,
	    "a\n  b\nc\n");
	expect("standalone: CRLF", "a\r\n{{#s}}\r\nb\r\n{{/s}}\r\n", "s: true", NULL,
	    "a\r\nb\r\n");
	expect("standalone: two tags on a line are not", "{{#s}}{{/s}}\nx", "s: true", NULL,
	    "\nx");
	expect("bom: skipped", "\xef\xbb\xbfhi", NULL, NULL, "hi");
}

static void
test_partials(void)
{
	static const char *const p1[] = {
		"item", "<li>{{name}}</li>\n",
		"list", "<ul>\n  {{#items}}\n  {{>item}}\n  {{/items}}\n</ul>\n",
		"inline", "a\nb",
		NULL
	};

	expect("partial: nested indentation", "<div>\n  {{>list}}\n</div>\n",
	    "items: [{name: x}, {name: y}]", p1,
	    "<div>\n  <ul>\n    <li>x</li>\n    <li>y</li>\n  </ul>\n</div>\n");
	expect("partial: an inline partial is not indented", "  <p>{{>inline}}</p>\n", NULL, p1,
	    "  <p>a\nb</p>\n");
	expect("partial: values are not indented", "  {{>v}}\n", "v: \"a\\nb\"",
	    (const char *const[]){ "v", "[{{v}}]\n", NULL }, "  [a\nb]\n");
	expect("partial: recursion within the limit", "{{>node}}",
	    "{c: 1, kids: [{c: 2, kids: [{c: 3, kids: []}]}]}",
	    (const char *const[]){ "node", "{{c}}({{#kids}}{{>node}}{{/kids}})", NULL },
	    "1(2(3()))");
}

static void
test_inheritance(void)
{
	static const char *const layout[] = {
		"base", "<title>{{$title}}Site{{/title}}</title>\n<main>\n  {{$main}}\n  {{/main}}\n</main>\n",
		"page", "{{<base}}{{$title}}Page{{/title}}{{/base}}",
		"card", "<div>{{$content}}empty{{/content}}</div>",
		"post", "{{<card}}{{$body}}x{{/body}}{{/card}}",
		NULL
	};

	expect("inherit: defaults", "{{<base}}{{/base}}", NULL, layout,
	    "<title>Site</title>\n<main>\n</main>\n");
	expect("inherit: override and reindent",
	    "{{<base}}\n{{$main}}\n    <p>{{x}}</p>\n    <p>2</p>\n{{/main}}\n{{/base}}\n",
	    "x: 1", layout,
	    "<title>Site</title>\n<main>\n  <p>1</p>\n  <p>2</p>\n</main>\n");
	expect("inherit: the child's override beats the parent's",
	    "{{<page}}{{$title}}Child{{/title}}{{/page}}", NULL, layout,
	    "<title>Child</title>\n<main>\n</main>\n");
	expect("inherit: a block of the same name deeper down is not overridden",
	    "{{<card}}{{$content}}[{{>post}}]{{/content}}{{/card}}", NULL, layout,
	    "<div>[<div>empty</div>]</div>");
	expect("inherit: blocks see the parent's context",
	    "{{<p}}{{$b}}{{v}}{{/b}}{{/p}}", "{v: out, in: {v: in}}",
	    (const char *const[]){ "p", "{{#in}}{{$b}}{{/b}}{{/in}}", NULL }, "in");
}

static void
test_errors(void)
{
	static const char *const bad[] = {
		"self", "{{>self}}",
		"broken", "x\n{{#a}}\n",
		"loop", "{{<loop}}{{/loop}}",
		NULL
	};

	expect_error("error: unclosed section", "a\nb\nc   {{#items}}x\n", NULL, NULL,
	    "t.mustache:3:5: error: unclosed section 'items'; close it with {{/items}}\n"
	    "  c   {{#items}}x\n"
	    "      ^\n");
	expect_error("error: unclosed section after set delimiters", "{{=<% %>=}}<%^a%>", NULL,
	    NULL, "t.mustache:1:12: error: unclosed section 'a'; close it with <%/a%>\n"
	    "  {{=<% %>=}}<%^a%>\n"
	    "             ^\n");
	expect_error("error: unclosed block", "{{$b}}", NULL, NULL,
	    "t.mustache:1:1: error: unclosed block 'b'; close it with {{/b}}\n"
	    "  {{$b}}\n"
	    "  ^\n");
	expect_error("error: mismatched closing tag", "{{#a}}\n  {{/b}}", NULL, NULL,
	    "t.mustache:2:3: error: closing tag 'b' does not match section 'a' opened at 1:1\n"
	    "    {{/b}}\n"
	    "    ^\n");
	expect_error("error: closing tag without opening", "x{{/a}}", NULL, NULL,
	    "t.mustache:1:2: error: closing tag 'a' has no opening tag; remove it\n"
	    "  x{{/a}}\n"
	    "   ^\n");
	expect_error("error: unclosed tag", "Hello {{name\n}}", NULL, NULL,
	    "t.mustache:1:7: error: unclosed tag; end it with '}}'\n"
	    "  Hello {{name\n"
	    "        ^\n");
	expect_error("error: unclosed triple mustache", "{{{x}}", NULL, NULL,
	    "t.mustache:1:1: error: unclosed tag; end it with '}}}'\n"
	    "  {{{x}}\n"
	    "  ^\n");
	expect_error("error: unclosed comment", "ok\n{{! never", NULL, NULL,
	    "t.mustache:2:1: error: unclosed tag; end it with '}}'\n"
	    "  {{! never\n"
	    "  ^\n");
	expect_error("error: bad set-delimiter", "{{=<%=}}", NULL, NULL,
	    "t.mustache:1:1: error: bad set-delimiter tag; write two delimiters separated "
	    "by a space, as in {{=<% %>=}}\n"
	    "  {{=<%=}}\n"
	    "  ^\n");
	expect_error("error: empty tag name", "\xc3\xa4 {{ }}", NULL, NULL,
	    "t.mustache:1:3: error: empty tag name\n"
	    "  \xc3\xa4 {{ }}\n"
	    "    ^\n");
	expect_error("error: empty section name", "{{#}}{{/}}", NULL, NULL,
	    "t.mustache:1:1: error: empty tag name\n  {{#}}{{/}}\n  ^\n");
	expect_error("error: space in a name", "{{a b}}", NULL, NULL,
	    "t.mustache:1:1: error: bad tag name 'a b'; a name cannot contain spaces\n"
	    "  {{a b}}\n  ^\n");
	expect_error("error: empty part in a dotted name", "{{#a..b}}{{/a..b}}", NULL, NULL,
	    "t.mustache:1:1: error: bad name 'a..b'; use '.' alone or between names\n"
	    "  {{#a..b}}{{/a..b}}\n  ^\n");
	expect_error("error: unknown partial", "x\n  {{>nope}}\n", NULL, bad,
	    "t.mustache:2:3: error: unknown partial 'nope'\n"
	    "    {{>nope}}\n"
	    "    ^\n");
	expect_error("error: unknown parent", "{{<nope}}{{/nope}}", NULL, NULL,
	    "t.mustache:1:1: error: unknown partial 'nope'\n"
	    "  {{<nope}}{{/nope}}\n"
	    "  ^\n");
	expect_error("error: recursive partial stops", "{{>self}}", NULL, bad,
	    "self.mustache:1:1: error: partial 'self' nested deeper than 100 levels; "
	    "is it including itself?\n"
	    "  {{>self}}\n"
	    "  ^\n");
	expect_error("error: recursive parent stops", "{{>loop}}", NULL, bad,
	    "loop.mustache:1:1: error: partial 'loop' nested deeper than 100 levels; "
	    "is it including itself?\n"
	    "  {{<loop}}{{/loop}}\n"
	    "  ^\n");
	expect_error("error: in a partial, at the partial", "{{>broken}}", NULL, bad,
	    "broken.mustache:2:1: error: unclosed section 'a'; close it with {{/a}}\n"
	    "  {{#a}}\n"
	    "  ^\n");
	expect_error("error: interpolating a list", "{{l}}", "l: [1]", NULL,
	    "t.mustache:1:1: error: cannot interpolate 'l': it is a list; use a section "
	    "{{#l}}…{{/l}}\n"
	    "  {{l}}\n"
	    "  ^\n");
}

/* A partial that fails to parse is reported once, however often used. */
static void
test_error_once(void)
{
	static const char *const bad[] = { "broken", "{{#a}}", NULL };
	tk_tmpl_env *env = tk_tmpl_env_new(list_loader, (void *)bad);
	char *m1 = NULL, *m2 = NULL, *o1 = render(&m1, "{{>broken}}", NULL, env);
	char *o2 = render(&m2, "{{>broken}}", NULL, env);

	tk_check("error: a broken partial fails each use", o1 == NULL && o2 == NULL, NULL);
	tk_check_has("error: reported the first time", m1, "broken.mustache:1:1: error:");
	tk_check_str("error: not reported again", m2, "");
	free(m1);
	free(m2);
	free(o1);
	free(o2);
	tk_tmpl_env_free(env);
}

static void
test_limits(void)
{
	tk_buf src = TK_BUF_INIT;
	char *msgs = NULL, *out;
	int i;

	for (i = 0; i < 101; i++)
		tk_buf_puts(&src, "{{#a}}");
	out = render(&msgs, src.data, NULL, NULL);
	tk_check("limit: 101 nested sections refused", out == NULL, NULL);
	tk_check_has("limit: nesting message", msgs,
	    "t.mustache:1:601: error: sections nested deeper than 100 levels; "
	    "flatten the template\n");
	free(out);
	free(msgs);
	tk_buf_reset(&src);
	for (i = 0; i < 100; i++)
		tk_buf_puts(&src, "{{#a}}");
	tk_buf_puts(&src, "x");
	for (i = 0; i < 100; i++)
		tk_buf_puts(&src, "{{/a}}");
	expect("limit: 100 nested sections are fine", src.data, "a: true", NULL, "x");

	/* Deep sections in a recursive partial hit the overall limit first. */
	tk_buf_reset(&src);
	for (i = 0; i < 20; i++)
		tk_buf_puts(&src, "{{#a}}");
	tk_buf_puts(&src, "{{>deep}}");
	for (i = 0; i < 20; i++)
		tk_buf_puts(&src, "{{/a}}");
	{
		const char *deep[] = { "deep", src.data, NULL };
		tk_tmpl_env *env = tk_tmpl_env_new(list_loader, deep);
		tk_value *v = data("a: true");

		out = render(&msgs, "{{>deep}}", v, env);
		tk_check("limit: overall nesting refused", out == NULL, NULL);
		/* 47 levels of 21, then the 13th section of the 48th. */
		tk_check_has("limit: overall nesting message", msgs,
		    "deep.mustache:1:73: error: sections, partials and blocks nested deeper "
		    "than 1000 levels\n");
		free(out);
		free(msgs);
		tk_value_free(v);
		tk_tmpl_env_free(env);
	}
	tk_buf_free(&src);
}

static void
test_missing_ok(void)
{
	tk_tmpl_env *env = tk_tmpl_env_new(list_loader, NULL);
	char *msgs = NULL, *out;

	tk_tmpl_env_set_missing_ok(env, 1);
	out = render(&msgs, "[{{>nope}}][{{<nope}}{{/nope}}]", NULL, env);
	tk_check_str("missing ok: renders as nothing", out, "[][]");
	free(out);
	free(msgs);
	tk_tmpl_env_free(env);
}

static void
test_dir_loader(void)
{
	char dir[] = "/tmp/tk-tmpl-XXXXXX";
	char *path, *src = NULL, *p = NULL, *msgs = NULL, *out = NULL;
	size_t len;
	tk_tmpl_env *env;
	FILE *f;

	if (mkdtemp(dir) == NULL) {
		tk_check("dir loader: temporary directory", 0, strerror(errno));
		return;
	}
	path = xasprintf("%s/sub", dir);
	mkdir(path, 0700);
	free(path);
	path = xasprintf("%s/sub/a.mustache", dir);
	if ((f = fopen(path, "w")) != NULL) {
		fputs("A{{x}}", f);
		fclose(f);
	}
	env = tk_tmpl_env_new(tk_tmpl_dir_loader, dir);
	out = render(&msgs, "{{>sub/a}}", NULL, env);
	tk_check_str("dir loader: finds DIR/sub/a.mustache", out, "A");
	free(out);
	free(msgs);
	tk_check("dir loader: .. is not found",
	    tk_tmpl_dir_loader(&src, &len, &p, "../etc/passwd", dir, NULL) == TK_TMPL_ENOTFOUND &&
	    tk_tmpl_dir_loader(&src, &len, &p, "sub/../sub/a", dir, NULL) == TK_TMPL_ENOTFOUND &&
	    tk_tmpl_dir_loader(&src, &len, &p, "/etc/passwd", dir, NULL) == TK_TMPL_ENOTFOUND &&
	    tk_tmpl_dir_loader(&src, &len, &p, "none", dir, NULL) == TK_TMPL_ENOTFOUND, NULL);
	tk_check("dir loader: a name with dots is fine",
	    tk_tmpl_dir_loader(&src, &len, &p, "..a", dir, NULL) == TK_TMPL_ENOTFOUND, NULL);
	tk_tmpl_env_free(env);
	unlink(path);
	free(path);
	path = xasprintf("%s/sub", dir);
	rmdir(path);
	free(path);
	rmdir(dir);
}

static void
test_tree(void)
{
	static const char *const want[] = {
		"enter ROOT", "enter TEXT", "enter SECTION s", "enter VAR x", "exit SECTION s",
		"enter PARTIAL p", "enter PARENT q", "enter BLOCK b", "exit BLOCK b",
		"exit PARENT q", "exit ROOT", NULL
	};
	static const char *const kinds[] = {
		"ROOT", "TEXT", "VAR", "RAW", "SECTION", "INVERTED", "PARTIAL", "PARENT", "BLOCK"
	};
	const char *src = "a\n{{#s}}{{x}}{{/s}}{{>p}}{{<q}}{{$b}}{{/b}}{{/q}}";
	tk_diag *d = tk_diag_new(stderr);
	tk_tmpl *t = NULL;
	tk_tmpl_iter *it;
	tk_tmpl_event ev;
	tk_buf got = TK_BUF_INIT, exp = TK_BUF_INIT;
	const tk_tmpl_node *n, *sec = NULL;
	const char *raw;
	size_t i, len = 0;

	if (tk_tmpl_parse(&t, "t.mustache", src, strlen(src), d) < 0) {
		tk_check("tree: parses", 0, NULL);
		tk_diag_free(d);
		return;
	}
	it = tk_tmpl_iter_new(tk_tmpl_root(t));
	while ((ev = tk_tmpl_iter_next(it)) != TK_TMPL_EVENT_DONE) {
		n = tk_tmpl_iter_node(it);
		tk_buf_printf(&got, "%s %s%s%s\n", ev == TK_TMPL_EVENT_ENTER ? "enter" : "exit",
		    kinds[tk_tmpl_node_kind(n)], tk_tmpl_node_name(n) ? " " : "",
		    tk_tmpl_node_name(n) ? tk_tmpl_node_name(n) : "");
		if (tk_tmpl_node_kind(n) == TK_TMPL_SECTION)
			sec = n;
	}
	tk_tmpl_iter_free(it);
	for (i = 0; want[i]; i++)
		tk_buf_printf(&exp, "%s\n", want[i]);
	tk_check_str("tree: enter and exit events", got.data, exp.data);
	raw = sec ? tk_tmpl_node_raw(sec, &len) : NULL;
	tk_check("tree: a section's raw source", raw && len == 5 && memcmp(raw, "{{x}}", 5) == 0,
	    NULL);
	tk_check("tree: a section's position", sec && tk_tmpl_node_line(sec) == 2 &&
	    tk_tmpl_node_col(sec) == 1, NULL);
	tk_buf_free(&got);
	tk_buf_free(&exp);
	tk_tmpl_free(t);
	tk_diag_free(d);
}

static void
check_num(const char *name, double d, const char *want)
{
	tk_buf b = TK_BUF_INIT;

	tk_value_put_num(&b, d);
	tk_check_str(name, b.data, want);
	tk_buf_free(&b);
}

static void
test_numbers(void)
{
	check_num("number: integer", 85, "85");
	check_num("number: negative integer", -42, "-42");
	check_num("number: shortest decimal", 1.210, "1.21");
	check_num("number: 0.1", 0.1, "0.1");
	check_num("number: a third", 1.0 / 3, "0.3333333333333333");
	check_num("number: negative zero", -0.0, "0");
	check_num("number: 2^53", 9007199254740992.0, "9007199254740992");
	check_num("number: past 2^53", 1e20, "1e+20");
	check_num("number: small", 1.5e-7, "1.5e-07");
	check_num("number: infinity", INFINITY, "inf");
	check_num("number: nan", NAN, "nan");
}

static char *
json(const tk_value *v, int pretty)
{
	tk_buf b = TK_BUF_INIT;

	tk_value_write_json(&b, v, pretty);
	return tk_buf_detach(&b);
}

/* Do a and b give the same digest bytes? */
static int
same_digest(const tk_value *a, const tk_value *b)
{
	tk_buf x = TK_BUF_INIT, y = TK_BUF_INIT;
	int same;

	tk_value_digest(&x, a);
	tk_value_digest(&y, b);
	same = x.len == y.len && memcmp(x.data, y.data, x.len) == 0;
	tk_buf_free(&x);
	tk_buf_free(&y);
	return same;
}

/* Page keys hash values through tk_value_digest: equal values, equal
 * bytes; any difference, other bytes (where JSON would blur some). */
static tk_value *
list_of(tk_value *x, tk_value *y)
{
	tk_value *l = tk_value_list();

	if (x)
		tk_value_list_push(l, x);
	if (y)
		tk_value_list_push(l, y);
	return l;
}

static tk_value *
map_of(const char *k1, tk_value *v1, const char *k2, tk_value *v2)
{
	tk_value *m = tk_value_map();

	if (k1)
		tk_value_map_set(m, k1, v1);
	if (k2)
		tk_value_map_set(m, k2, v2);
	return m;
}

static void
differs(const char *what, tk_value *a, tk_value *b)
{
	char name[96];
	tk_value *c = tk_value_copy(a);

	snprintf(name, sizeof(name), "digest: %s differs", what);
	tk_check(name, !same_digest(a, b), NULL);
	snprintf(name, sizeof(name), "digest: %s, a copy is the same", what);
	tk_check(name, same_digest(a, c), NULL);
	tk_value_free(a);
	tk_value_free(b);
	tk_value_free(c);
}

static void
test_digest(void)
{
	differs("a string's bytes", map_of("k", tk_value_str("ab"), NULL, NULL),
	    map_of("k", tk_value_str("ac"), NULL, NULL));
	differs("a key", map_of("k", tk_value_num(1), NULL, NULL),
	    map_of("j", tk_value_num(1), NULL, NULL));
	differs("the order of keys", map_of("a", tk_value_num(1), "b", tk_value_num(2)),
	    map_of("b", tk_value_num(2), "a", tk_value_num(1)));
	differs("a number", list_of(tk_value_num(1), NULL), list_of(tk_value_num(1.0000001), NULL));
	differs("a list and a map", tk_value_list(), tk_value_map());
	differs("a string and a number", list_of(tk_value_str("1"), NULL),
	    list_of(tk_value_num(1), NULL));
	differs("null and false", list_of(tk_value_null(), NULL), list_of(tk_value_bool(0), NULL));
	differs("where a list ends", list_of(list_of(tk_value_str("a"), NULL), tk_value_str("b")),
	    list_of(list_of(tk_value_str("a"), tk_value_str("b")), NULL));
	differs("where a string ends", list_of(tk_value_str("ab"), tk_value_str("c")),
	    list_of(tk_value_str("a"), tk_value_str("bc")));
	/* Invalid UTF-8 that JSON writes as the same U+FFFD. */
	differs("invalid bytes JSON would write alike", tk_value_strn("x\xff", 2),
	    tk_value_strn("x\xfe", 2));
}

static void
test_json(void)
{
	tk_value *m = tk_value_map(), *l = tk_value_list(), *v;
	char *s, key[16];
	size_t i;
	int ok;

	tk_value_map_set(m, "b", tk_value_str("q\" b\\ nl\n tab\t cr\r \x01 \x1f ä"));
	tk_value_map_set(m, "a", l);
	tk_value_list_push(l, tk_value_num(1.5));
	tk_value_list_push(l, tk_value_null());
	tk_value_list_push(l, tk_value_bool(1));
	tk_value_list_push(l, tk_value_num(NAN));
	tk_value_map_set(m, "e", tk_value_map());
	tk_value_map_set(m, "f", tk_value_list());
	tk_value_map_set(m, "bad", tk_value_strn("x\xff\xc3y", 4));
	tk_value_map_set(m, "b", tk_value_str("replaced"));
	s = json(m, 0);
	tk_check_str("json: compact, insertion order, replacement keeps its place", s,
	    "{\"b\":\"replaced\",\"a\":[1.5,null,true,null],\"e\":{},\"f\":[],"
	    "\"bad\":\"x\\ufffd\\ufffdy\"}");
	free(s);
	tk_value_map_set(m, "b", tk_value_str("q\" b\\ nl\n tab\t cr\r \x01 \x1f ä"));
	s = json(m, 1);
	tk_check_str("json: pretty, escaping", s,
	    "{\n"
	    "  \"b\": \"q\\\" b\\\\ nl\\n tab\\t cr\\r \\u0001 \\u001f ä\",\n"
	    "  \"a\": [\n"
	    "    1.5,\n"
	    "    null,\n"
	    "    true,\n"
	    "    null\n"
	    "  ],\n"
	    "  \"e\": {},\n"
	    "  \"f\": [],\n"
	    "  \"bad\": \"x\\ufffd\\ufffdy\"\n"
	    "}\n");
	free(s);
	v = tk_value_copy(m);
	s = json(v, 0);
	{
		char *s2 = json(m, 0);

		tk_check_str("value: a copy is equal", s, s2);
		free(s2);
	}
	free(s);
	tk_value_free(v);
	tk_value_free(m);

	/* Enough keys for the index, each replaced once. */
	m = tk_value_map();
	for (i = 0; i < 2000; i++) {
		snprintf(key, sizeof(key), "k%zu", i);
		tk_value_map_set(m, key, tk_value_num((double)i));
	}
	for (i = 0; i < 2000; i += 2) {
		snprintf(key, sizeof(key), "k%zu", i);
		tk_value_map_set(m, key, tk_value_num(-(double)i));
	}
	ok = tk_value_map_len(m) == 2000;
	for (i = 0; i < 2000 && ok; i++) {
		snprintf(key, sizeof(key), "k%zu", i);
		v = (tk_value *)tk_value_map_get(m, key);
		ok = v && tk_value_get_num(v) == (i % 2 ? (double)i : -(double)i) &&
		    strcmp(tk_value_map_key(m, i, NULL), key) == 0;
	}
	tk_check("value: a map of 2000 keys", ok && tk_value_map_get(m, "k2000") == NULL, NULL);
	tk_value_free(m);
}

/* A tree with a bit of everything: long strings, a list and a map past
 * an arena's block for one request, replaced keys. */
static tk_value *
sample(void)
{
	tk_value *m = tk_value_map(), *l = tk_value_list(), *big = tk_value_map();
	char key[16], *text = calloc(1, 70001);
	size_t i;

	memset(text, 'x', 70000);
	tk_value_map_set(m, "text", tk_value_str(text));
	tk_value_map_set(m, "list", l);
	for (i = 0; i < 5000; i++) {
		tk_value *x = tk_value_map();

		tk_value_list_push(l, x);
		tk_value_map_set(x, "n", tk_value_num((double)i));
		tk_value_map_set(x, "s", tk_value_str(i % 2 ? "odd" : "even"));
	}
	tk_value_map_set(m, "big", big);
	for (i = 0; i < 3000; i++) {
		snprintf(key, sizeof(key), "k%zu", i);
		tk_value_map_set(big, key, tk_value_bool(i % 3 == 0));
	}
	tk_value_map_set(m, "text", tk_value_str("short"));
	tk_value_map_setn(m, "", 0, tk_value_null());
	free(text);
	return m;
}

static void
test_arena(void)
{
	tk_value_arena *a = tk_value_arena_new();
	tk_value *heap = sample(), *v, *kept;
	char *want = json(heap, 0), *got;
	int round, ok = 1;

	for (round = 0; round < 3; round++) {
		tk_value_arena_use(a);
		v = sample();
		/* Freeing one of an arena's values waits for the reset. */
		tk_value_free(tk_value_copy(v));
		tk_value_arena_use(NULL);
		/* A heap value put into the arena's map is the arena's. */
		tk_value_map_set(v, "copy", tk_value_copy(heap));
		tk_value_map_set(v, "copy", tk_value_copy(heap));
		tk_value_list_push((tk_value *)tk_value_map_get(v, "list"), tk_value_str("tail"));
		got = json(tk_value_map_get(v, "copy"), 0);
		ok = ok && strcmp(got, want) == 0;
		free(got);
		tk_value_free(v);
		tk_value_arena_reset(a);
	}
	tk_check("arena: values equal to the heap's, three rounds", ok, NULL);

	tk_value_arena_use(a);
	v = sample();
	tk_value_arena_use(NULL);
	kept = tk_value_copy(v);
	tk_value_arena_reset(a);
	got = json(kept, 0);
	tk_check_str("arena: a copy to the heap outlives the reset", got, want);
	free(got);
	tk_value_free(kept);

	tk_value_arena_use(a);
	v = sample();
	tk_check("arena: use gives the arena before", tk_value_arena_use(NULL) == a, NULL);
	tk_value_arena_free(a);
	tk_value_arena_free(NULL);
	free(want);
	tk_value_free(heap);
}

/* A shape's maps, in an arena and on the heap, are the maps set key by
 * key: the same JSON, every key found, none extra; keys added after (past
 * the room kept) and values replaced. */
static void
test_shape(void)
{
	static const char *const keys[] = { "a", "bb", "ccc", "d", "e", "f", "g", "h", "i",
		"j", "k", "l" };
	tk_value_arena *a = tk_value_arena_new();
	size_t n, i, round;
	char extra[8];

	for (n = 3; n <= 12; n += 9) {
		tk_value_shape *sh = tk_value_shape_new(keys, n);

		for (round = 0; round < 2; round++) {
			tk_value *vals[12], *want = tk_value_map(), *got;
			char *jw, *jg, *label;
			int ok = 1;

			tk_value_arena_use(round ? a : NULL);
			for (i = 0; i < n; i++)
				vals[i] = tk_value_num((double)i);
			got = tk_value_map_shaped(sh, vals);
			tk_value_arena_use(NULL);
			for (i = 0; i < n && ok; i++)
				ok = tk_value_map_get(got, keys[i]) == vals[i];
			ok = ok && tk_value_map_get(got, "m") == NULL;
			for (i = 0; i < n; i++)
				tk_value_map_set(want, keys[i], tk_value_num((double)i));
			for (i = 0; i < 6; i++) {
				snprintf(extra, sizeof(extra), "x%zu", i);
				tk_value_map_set(got, extra, tk_value_str(extra));
				tk_value_map_set(want, extra, tk_value_str(extra));
			}
			tk_value_map_set(got, "bb", tk_value_str("replaced"));
			tk_value_map_set(want, "bb", tk_value_str("replaced"));
			for (i = 0; i < n && ok; i++)
				ok = tk_value_map_get(got, keys[i]) != NULL;
			jw = json(want, 0);
			jg = json(got, 0);
			label = xasprintf("shape: %zu keys %s, six added, one replaced: the map "
			    "set key by key", n, round ? "in an arena" : "on the heap");
			tk_check(label, ok && strcmp(jw, jg) == 0 && tk_value_map_len(got) == n + 6 &&
			    tk_value_map_get(got, "x5") && !tk_value_map_get(got, "m") &&
			    !tk_value_map_get(got, "x6"), jg);
			free(label);
			free(jw);
			free(jg);
			tk_value_free(got);
			tk_value_free(want);
			tk_value_arena_reset(a);
		}
		tk_value_shape_free(sh);
	}
	tk_value_shape_free(NULL);
	tk_value_arena_free(a);
}

static void
test_yaml_values(void)
{
	tk_value *v = data("{a: null, b: ~, c: , d: True, e: FALSE, f: 0x1F, g: 0o17, h: +12,"
	    " i: .5, j: 1e3, k: -.inf, l: '12', m: !!str 12, n: !!int '12', o: 1_000, p: 007,"
	    " q: 1.0, r: yes, s: \"\"}");
	char *s = v ? json(v, 0) : NULL;
	tk_diag *d;
	tk_ydoc *doc = NULL;
	tk_value *bad = NULL;
	char *msgs = NULL;
	size_t mlen = 0;
	FILE *f;
	const char *src = "x: !!int abc\n";

	tk_check_str("yaml: core schema", s,
	    "{\"a\":null,\"b\":null,\"c\":null,\"d\":true,\"e\":false,\"f\":31,\"g\":15,"
	    "\"h\":12,\"i\":0.5,\"j\":1000,\"k\":null,\"l\":\"12\",\"m\":\"12\",\"n\":12,"
	    "\"o\":\"1_000\",\"p\":7,\"q\":1,\"r\":\"yes\",\"s\":\"\"}");
	free(s);
	tk_value_free(v);

	f = open_memstream(&msgs, &mlen);
	d = tk_diag_new(f);
	if (tk_yaml_load(&doc, "d.yaml", src, strlen(src), NULL, d) == 0)
		tk_check("yaml: a bad !!int is refused",
		    tk_value_from_yaml(&bad, tk_yaml_root(doc), "d.yaml", d) < 0 && bad == NULL,
		    NULL);
	tk_diag_free(d);
	fclose(f);
	tk_check_str("yaml: the bad !!int message", msgs,
	    "d.yaml:1:4: error: 'abc' is tagged !!int but is not an integer; "
	    "fix the value or drop the tag\n");
	free(msgs);
	tk_yaml_free(doc);
}

/* Many pages against one parsed template stay fast and leak-free. */
static void
test_volume(void)
{
	tk_value *v = tk_value_map(), *l = tk_value_list(), *item;
	tk_diag *d = tk_diag_new(stderr);
	const char *src = "{{#items}}<li>{{name}} {{n}}</li>\n{{/items}}";
	tk_tmpl *t = NULL;
	tk_buf out = TK_BUF_INIT;
	int i, ok = 1;

	tk_value_map_set(v, "items", l);
	for (i = 0; i < 20000; i++) {
		item = tk_value_map();
		tk_value_map_set(item, "name", tk_value_str("<x>"));
		tk_value_map_set(item, "n", tk_value_num(i));
		tk_value_list_push(l, item);
	}
	ok = tk_tmpl_parse(&t, "t.mustache", src, strlen(src), d) == 0;
	for (i = 0; ok && i < 5; i++) {
		tk_buf_reset(&out);
		ok = tk_tmpl_render(&out, NULL, t, v, d) == 0;
	}
	tk_check("volume: 20000 items rendered five times", ok && out.len > 20000 * 15 &&
	    strstr(out.data, "<li>&lt;x&gt; 19999</li>\n") != NULL, NULL);
	tk_buf_free(&out);
	tk_tmpl_free(t);
	tk_value_free(v);
	tk_diag_free(d);
}

int
main(void)
{
	test_interpolation();
	test_has();
	test_sections();
	test_partials();
	test_inheritance();
	test_errors();
	test_error_once();
	test_limits();
	test_missing_ok();
	test_dir_loader();
	test_tree();
	test_numbers();
	test_json();
	test_digest();
	test_arena();
	test_shape();
	test_yaml_values();
	test_volume();
	return tk_test_end();
}
