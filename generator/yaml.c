/* yaml.c: the YAML loader. libyaml's event parser drives a small tree of
 * nodes allocated from the document, so aliases can share nodes and one
 * free releases everything. Limits are checked as events arrive, so a
 * hostile file is refused before it costs memory. */
#include "yaml.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "util.h"

/* The public node first, so a tk_ynode * is a node *. */
typedef struct node {
	tk_ynode pub;
	size_t weight;          /* nodes in this subtree, counting alias expansions */
	int height;             /* levels in this subtree, 1 for a scalar */
	int open;               /* a collection whose end has not come yet */
	size_t saved;           /* while saving: its index + 1 */
	size_t cap;
	struct node *next_alloc;
} node;

typedef struct anchor {
	char *name;
	node *n;
	struct anchor *next;
} anchor;

/* A parsed document's nodes and strings, carved from chunks freed
 * together: a record has a thousand nodes, and 100x has 39 000 records,
 * where malloc and free were a quarter of the build. */
typedef struct chunk {
	struct chunk *next;
	size_t used, cap;
	max_align_t data[];
} chunk;

enum { CHUNK = 32 * 1024 };

struct tk_ydoc {
	char *path;
	node *root;
	node *allocs;
	chunk *chunks;
	anchor *anchors;
	void *block;            /* a restored document's nodes, kids and strings */
	size_t nblock;          /* its nodes */
};

enum { DEFAULT_MAX_DEPTH = 64, DEFAULT_MAX_NODES = 1000000 };

static void *
doc_alloc(tk_ydoc *doc, size_t n)
{
	chunk *c = doc->chunks;
	void *p;

	n = (n + sizeof(max_align_t) - 1) / sizeof(max_align_t) * sizeof(max_align_t);
	if (c == NULL || c->cap - c->used < n) {
		size_t cap = n > CHUNK ? n : CHUNK;

		c = xmalloc(sizeof(*c) + cap);
		c->used = 0;
		c->cap = cap;
		c->next = doc->chunks;
		doc->chunks = c;
	}
	p = (char *)c->data + c->used;
	c->used += n;
	return p;
}

static char *
doc_strndup(tk_ydoc *doc, const char *s, size_t n)
{
	char *p = doc_alloc(doc, n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

static node *
node_new(tk_ydoc *doc, tk_yaml_kind kind, int line, int col)
{
	node *n = memset(doc_alloc(doc, sizeof(node)), 0, sizeof(node));

	n->pub.kind = kind;
	n->pub.line = line;
	n->pub.col = col;
	n->weight = 1;
	n->height = 1;
	n->next_alloc = doc->allocs;
	doc->allocs = n;
	return n;
}

static void
node_add(node *parent, node *kid)
{
	if (parent->pub.n == parent->cap) {
		parent->cap = parent->cap ? parent->cap * 2 : 4;
		parent->pub.kids = xrealloc(parent->pub.kids,
		    parent->cap * sizeof(*parent->pub.kids));
	}
	parent->pub.kids[parent->pub.n++] = &kid->pub;
	parent->weight += kid->weight;
	if (kid->height + 1 > parent->height)
		parent->height = kid->height + 1;
}

/* Frees doc's tree and leaves it empty, with its path. */
static void
doc_clear(tk_ydoc *doc)
{
	node *n;
	anchor *a, *an;
	chunk *c, *cn;

	for (n = doc->allocs; n; n = n->next_alloc)
		free(n->pub.kids);
	for (c = doc->chunks; c; c = cn) {
		cn = c->next;
		free(c);
	}
	for (a = doc->anchors; a; a = an) {
		an = a->next;
		free(a->name);
		free(a);
	}
	free(doc->block);
	doc->root = NULL;
	doc->allocs = NULL;
	doc->chunks = NULL;
	doc->anchors = NULL;
	doc->block = NULL;
	doc->nblock = 0;
}

void
tk_yaml_free(tk_ydoc *doc)
{
	if (doc == NULL)
		return;
	doc_clear(doc);
	free(doc->path);
	free(doc);
}

static int
cmp_key(const void *a, const void *b)
{
	const tk_ynode *x = *(const tk_ynode *const *)a;
	const tk_ynode *y = *(const tk_ynode *const *)b;
	size_t n = x->len < y->len ? x->len : y->len;
	int c = memcmp(x->str, y->str, n);

	if (c)
		return c;
	if (x->len != y->len)
		return x->len < y->len ? -1 : 1;
	/* Equal keys: order by position so the later one is reported. */
	if (x->line != y->line)
		return x->line - y->line;
	return x->col - y->col;
}

static int
same_key(const tk_ynode *a, const tk_ynode *b)
{
	return a->len == b->len && memcmp(a->str, b->str, a->len) == 0;
}

/* Does the map have two equal keys? Pair by pair in a small map (most
 * flow maps); through a hash set in a larger one, since sorting a
 * record's few hundred states to learn that none repeats was a tenth of
 * reading it. */
static int
has_dup_keys(const tk_ynode *map)
{
	size_t nk = map->n / 2, nslots = 16, mask, i, j, *slots;
	int dup = 0;

	if (nk <= 8) {
		for (i = 0; i < nk; i++)
			for (j = i + 1; j < nk; j++)
				if (same_key(map->kids[2 * i], map->kids[2 * j]))
					return 1;
		return 0;
	}
	while (nslots < 2 * nk)
		nslots *= 2;
	slots = xcalloc(nslots, sizeof(*slots));
	mask = nslots - 1;
	for (i = 0; i < nk && !dup; i++) {
		const tk_ynode *k = map->kids[2 * i];
		size_t s;

		for (s = tk_hash(k->str, k->len) & mask; slots[s]; s = (s + 1) & mask)
			if (same_key(map->kids[2 * (slots[s] - 1)], k)) {
				dup = 1;
				break;
			}
		slots[s] = i + 1;
	}
	free(slots);
	return dup;
}

/* Reports a duplicate key, the later key of the first equal pair in key
 * order (sorted only when there is one); negative when there is. */
static int
check_dup_keys(const tk_ynode *map, const char *path, tk_diag *d)
{
	const tk_ynode **keys;
	size_t i, nk = map->n / 2;

	if (!has_dup_keys(map))
		return 0;
	keys = xmalloc(nk * sizeof(*keys));
	for (i = 0; i < nk; i++)
		keys[i] = map->kids[2 * i];
	qsort(keys, nk, sizeof(*keys), cmp_key);
	for (i = 1; i < nk && !same_key(keys[i], keys[i - 1]); i++)
		;
	tk_diag_error(d, path, keys[i]->line, keys[i]->col,
	    "duplicate key '%s' (first at line %d); remove one of them",
	    keys[i]->str, keys[i - 1]->line);
	free(keys);
	return -1;
}

/* The byte at a libyaml mark (0-based line, column in characters), or
 * NUL when the mark is past the end. */
static char
byte_at(const char *buf, size_t len, const yaml_mark_t *m)
{
	size_t i = 0, line = 0, col = 0;

	while (i < len && line < m->line)
		if (buf[i++] == '\n')
			line++;
	while (i < len && col < m->column && buf[i] != '\n') {
		for (i++; i < len && ((unsigned char)buf[i] & 0xc0) == 0x80; i++)
			;
		col++;
	}
	return i < len ? buf[i] : '\0';
}

/* Reports libyaml's syntax error in words a content editor can act on. */
static void
syntax_error(yaml_parser_t *p, const char *path, const char *buf, size_t len, tk_diag *d)
{
	const yaml_mark_t *m = &p->problem_mark, *cm = &p->context_mark;
	int line = (int)m->line + 1, col = (int)m->column + 1;

	if (byte_at(buf, len, m) == '\t' && p->problem &&
	    strstr(p->problem, "cannot start any token")) {
		tk_diag_error(d, path, line, col, "YAML syntax: a tab character; YAML "
		    "indents with spaces, so replace the tab with spaces");
		return;
	}
	if (p->context && (cm->line != m->line || cm->column != m->column))
		tk_diag_error(d, path, line, col, "YAML syntax: %s %s begun at line %d, "
		    "column %d; check the indentation and quoting",
		    p->problem ? p->problem : "unknown problem", p->context,
		    (int)cm->line + 1, (int)cm->column + 1);
	else
		tk_diag_error(d, path, line, col, "YAML syntax: %s%s%s; check the "
		    "indentation and quoting", p->problem ? p->problem : "unknown problem",
		    p->context ? " " : "", p->context ? p->context : "");
}

/* ---- the quick reader ----
 *
 * Status records are most of a site's YAML (39 000 files at 100x scale),
 * and they use a small part of the language: block maps and lists,
 * one-line flow maps, plain scalars, double-quoted ones without escapes,
 * comments. libyaml was a quarter of such a build. This reader builds the
 * same tree as the libyaml path for that part, positions included, at a
 * fraction of the cost. At anything else (a tab, an anchor, a tag, a block
 * scalar, a value that goes on to the next line, an empty value, an
 * error) it gives up and the file is read again by libyaml, which also
 * words every message: the quick reader never reports anything. The tests
 * and the fuzz harness hold the two readers to the same tree. */

typedef struct {
	tk_ydoc *doc;
	const char *p, *end;
	const char *bol;        /* start of p's line */
	int line;               /* p's line, 1-based */
	int indent;             /* after quick_skip: the line's indent; -1 at the end */
	size_t total, max_nodes;
	int max_depth;
} quick;

/* Characters that start something other than a plain scalar. */
static const char indicators[] = "-?:,[]{}#&*!|>'\"%@`";

/* Bytes the reader stays away from: control characters but the line
 * feed (tabs and carriage returns too), DEL, C1 controls (U+0085 is a
 * line break to YAML), U+2028 and U+2029 (breaks to libyaml), U+FEFF
 * (skipped at a line's start) and U+FFFE/F. The text is valid UTF-8. */
static int
quick_bytes_ok(const unsigned char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned c = s[i];

		if ((c >= 0x20 && c < 0x7f) || c == '\n')
			continue;
		if (c < 0x80 ||
		    (c == 0xc2 && s[i + 1] < 0xa0) ||
		    (c == 0xe2 && s[i + 1] == 0x80 && (s[i + 2] == 0xa8 || s[i + 2] == 0xa9)) ||
		    (c == 0xef && ((s[i + 1] == 0xbb && s[i + 2] == 0xbf) ||
		    (s[i + 1] == 0xbf && s[i + 2] >= 0xbe))))
			return 0;
	}
	return 1;
}

/* Is s the end of the text, a space or a line feed? */
static int
blankz(const quick *q, const char *s)
{
	return s == q->end || *s == ' ' || *s == '\n';
}

static void
skip_spaces(quick *q)
{
	while (q->p < q->end && *q->p == ' ')
		q->p++;
}

/* Columns count characters, as libyaml's do. */
static int
quick_col(const quick *q, const char *at)
{
	const char *s;
	int col = 1;

	for (s = q->bol; s < at; s++)
		col += ((unsigned char)*s & 0xc0) != 0x80;
	return col;
}

/* From the start of a line to the first character of the next line that
 * holds more than spaces and a comment; sets indent (-1 at the end).
 * Negative at a document marker or a directive. */
static int
quick_skip(quick *q)
{
	for (;;) {
		const char *t = q->p;

		q->bol = q->p;
		while (t < q->end && *t == ' ')
			t++;
		if (t < q->end && (*t == '\n' || *t == '#'))
			t = memchr(t, '\n', (size_t)(q->end - t));
		if (t == NULL || t == q->end) {
			q->p = q->end;
			q->indent = -1;
			return 0;
		}
		if (*t == '\n') {
			q->p = t + 1;
			q->line++;
			continue;
		}
		if (t == q->bol && (*t == '%' || (q->end - t >= 3 &&
		    (memcmp(t, "---", 3) == 0 || memcmp(t, "...", 3) == 0))))
			return -1;
		q->indent = (int)(t - q->bol);
		q->p = t;
		return 0;
	}
}

/* After a value: spaces, perhaps a comment, the end of the line; then on
 * to the next content line. Negative at anything else. */
static int
quick_eol(quick *q)
{
	const char *s = q->p;

	skip_spaces(q);
	if (q->p < q->end && *q->p == '#') {
		if (q->p == s)
			return -1;      /* "x"#: no space before the comment */
		q->p = memchr(q->p, '\n', (size_t)(q->end - q->p));
		if (q->p == NULL)
			q->p = q->end;
	}
	if (q->p < q->end) {
		if (*q->p != '\n')
			return -1;
		q->p++;
		q->line++;
	}
	return quick_skip(q);
}

static node *
quick_scalar(quick *q, const char *at, const char *s, const char *e, int quoted)
{
	node *n;

	if (++q->total > q->max_nodes)
		return NULL;
	n = node_new(q->doc, TK_YAML_SCALAR, q->line, quick_col(q, at));
	n->pub.str = doc_strndup(q->doc, s, (size_t)(e - s));
	n->pub.len = (size_t)(e - s);
	n->pub.quoted = quoted;
	return n;
}

static node *
quick_collection(quick *q, tk_yaml_kind kind, int depth)
{
	if (depth + 1 > q->max_depth || ++q->total > q->max_nodes)
		return NULL;
	return node_new(q->doc, kind, q->line, quick_col(q, q->p));
}

/* "text" on one line, without escapes. */
static node *
quick_dquoted(quick *q)
{
	const char *s = q->p + 1, *e;
	node *n;

	for (e = s; e < q->end && *e != '"'; e++)
		if (*e == '\\' || *e == '\n')
			return NULL;
	if (e == q->end || (n = quick_scalar(q, q->p, s, e, 1)) == NULL)
		return NULL;
	q->p = e + 1;
	return n;
}

/* A plain scalar in a block: to the end of the line or a comment. */
static node *
quick_plain(quick *q)
{
	const char *s = q->p, *e, *t;

	for (e = s; e < q->end && *e != '\n'; e++) {
		if (*e == ':' && blankz(q, e + 1))
			return NULL;    /* a map inside a value, or an error */
		if (*e == '#' && e[-1] == ' ')
			break;
	}
	for (t = e; t[-1] == ' '; t--)
		;
	q->p = t;
	return quick_scalar(q, s, s, t, 0);
}

/* {key: value, …} on one line; keys plain, values plain, quoted or maps. */
static node *
quick_flow_map(quick *q, int depth)
{
	node *m = quick_collection(q, TK_YAML_MAP, depth), *k, *v;
	const char *s, *e, *t;

	if (m == NULL)
		return NULL;
	q->p++;
	skip_spaces(q);
	if (q->p < q->end && *q->p == '}') {
		q->p++;
		return m;
	}
	for (;;) {
		s = q->p;
		if (s == q->end || strchr(indicators, *s))
			return NULL;
		for (e = s; e < q->end && *e != ':'; e++)
			if (strchr(",[]{}#\"' \n", *e))
				return NULL;
		if (q->end - e < 2 || e[1] != ' ' || (k = quick_scalar(q, s, s, e, 0)) == NULL)
			return NULL;
		q->p = e + 2;
		skip_spaces(q);
		if (q->p == q->end)
			return NULL;
		if (*q->p == '{')
			v = quick_flow_map(q, depth + 1);
		else if (*q->p == '"')
			v = quick_dquoted(q);
		else if (strchr(indicators, *q->p))
			return NULL;
		else {
			s = q->p;
			for (e = s; e < q->end && *e != ',' && *e != '}'; e++)
				if (strchr("[]{#:\"'\n", *e))
					return NULL;
			for (t = e; t[-1] == ' '; t--)
				;
			v = quick_scalar(q, s, s, t, 0);
			q->p = e;
		}
		if (v == NULL)
			return NULL;
		node_add(m, k);
		node_add(m, v);
		skip_spaces(q);
		if (q->p == q->end)
			return NULL;
		if (*q->p == '}')
			break;
		if (*q->p != ',')
			return NULL;
		q->p++;
		skip_spaces(q);
	}
	q->p++;
	return has_dup_keys(&m->pub) ? NULL : m;
}

/* A value that starts on the key's or the dash's line. */
static node *
quick_inline(quick *q, int depth)
{
	if (*q->p == '{')
		return quick_flow_map(q, depth);
	if (*q->p == '"')
		return quick_dquoted(q);
	if (strchr(indicators, *q->p))
		return NULL;
	return quick_plain(q);
}

static node *quick_block(quick *q, int depth);

/* "- item" lines at one indent; each item on its dash's line. */
static node *
quick_seq(quick *q, int depth)
{
	int indent = q->indent;
	node *seq = quick_collection(q, TK_YAML_SEQ, depth), *v;

	if (seq == NULL)
		return NULL;
	do {
		q->p++;
		skip_spaces(q);
		if (q->p == q->end || *q->p == '\n' || *q->p == '#')
			return NULL;
		if ((v = quick_inline(q, depth + 1)) == NULL || quick_eol(q) < 0)
			return NULL;
		node_add(seq, v);
	} while (q->indent == indent && *q->p == '-' && blankz(q, q->p + 1));
	return q->indent > indent ? NULL : seq;
}

/* "key: value" lines at one indent; a value on the key's line, or a map
 * or a list on the lines below (a list may stand at the key's indent). */
static node *
quick_map(quick *q, int depth)
{
	int indent = q->indent;
	node *m = quick_collection(q, TK_YAML_MAP, depth), *k, *v;
	const char *s, *e;

	if (m == NULL)
		return NULL;
	do {
		s = q->p;
		if (strchr(indicators, *s))
			return NULL;
		for (e = s; e < q->end && *e != '\n' && !(*e == ':' && blankz(q, e + 1)); e++)
			if (*e == '#' && e[-1] == ' ')
				return NULL;
		/* libyaml takes a key of at most 1024 characters. */
		if (e == q->end || *e != ':' || e[-1] == ' ' || e - s > 1000 ||
		    (k = quick_scalar(q, s, s, e, 0)) == NULL)
			return NULL;
		q->p = e + 1;
		skip_spaces(q);
		if (q->p == q->end || *q->p == '\n' || *q->p == '#') {
			q->p = e + 1;   /* so a comment is seen after its space */
			if (quick_eol(q) < 0)
				return NULL;
			if (q->indent > indent)
				v = quick_block(q, depth + 1);
			else if (q->indent == indent && *q->p == '-' && blankz(q, q->p + 1))
				v = quick_seq(q, depth + 1);
			else
				return NULL;    /* an empty value */
		} else if ((v = quick_inline(q, depth + 1)) == NULL || quick_eol(q) < 0)
			return NULL;
		if (v == NULL)
			return NULL;
		node_add(m, k);
		node_add(m, v);
	} while (q->indent == indent);
	if (q->indent > indent || has_dup_keys(&m->pub))
		return NULL;
	return m;
}

static node *
quick_block(quick *q, int depth)
{
	if (*q->p == '-' && blankz(q, q->p + 1))
		return quick_seq(q, depth);
	return quick_map(q, depth);
}

/* 0 with doc's tree when buf[0..len) is in the reader's part of YAML;
 * 1 when it is not (doc may hold a part of a tree: clear it). */
static int
quick_load(tk_ydoc *doc, const char *buf, size_t len, size_t max_nodes, int max_depth)
{
	quick q = { doc, buf, buf + len, buf, 1, 0, 0, max_nodes, max_depth };

	if (!quick_bytes_ok((const unsigned char *)buf, len) || quick_skip(&q) < 0)
		return 1;
	if (q.indent < 0)
		return 0;       /* comments only: no document, as libyaml has it */
	doc->root = quick_block(&q, 0);
	return doc->root && q.indent < 0 ? 0 : 1;
}

int
tk_yaml_load(tk_ydoc **out, const char *path, const char *buf, size_t len,
    const tk_yaml_limits *lim, tk_diag *d)
{
	yaml_parser_t parser;
	yaml_event_t ev;
	tk_ydoc *doc = NULL;
	node **stack = NULL;
	size_t depth = 0, cap = 0, max_bytes = TK_YAML_MAX_BYTES;
	size_t max_nodes = DEFAULT_MAX_NODES, total = 0, bad;
	int max_depth = DEFAULT_MAX_DEPTH, docs = 0, done = 0, rc = -1;
	int have_parser = 0, have_event = 0, line, col;

	*out = NULL;
	if (lim) {
		if (lim->max_bytes)
			max_bytes = lim->max_bytes;
		if (lim->max_depth)
			max_depth = lim->max_depth;
		if (lim->max_nodes)
			max_nodes = lim->max_nodes;
	}
	if (len > max_bytes) {
		tk_text_locate(buf, max_bytes, &line, &col);
		tk_diag_error(d, path, line, col, "file is %zu bytes, more than the limit "
		    "of %zu, which it passes here; split it", len, max_bytes);
		goto out;
	}
	if (len >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0) {
		buf += 3;       /* a BOM from a Windows editor */
		len -= 3;
	}
	if (!tk_utf8_valid(buf, len, &bad)) {
		tk_text_locate(buf, bad, &line, &col);
		tk_diag_error(d, path, line, col,
		    "invalid UTF-8 (byte 0x%02x); save the file as UTF-8",
		    (unsigned char)buf[bad]);
		goto out;
	}
	if (memchr(buf, '\0', len)) {
		tk_text_locate(buf, (size_t)((const char *)memchr(buf, '\0', len) - buf), &line,
		    &col);
		tk_diag_error(d, path, line, col, "NUL byte in a text file; remove it");
		goto out;
	}

	doc = xcalloc(1, sizeof(*doc));
	doc->path = xstrdup(path);
	if (lim == NULL || lim->reader != TK_YAML_LIBYAML_ONLY) {
		if (quick_load(doc, buf, len, max_nodes, max_depth) == 0) {
			*out = doc;
			return 0;
		}
		doc_clear(doc);
		if (lim && lim->reader == TK_YAML_QUICK_ONLY) {
			rc = 1;
			goto out;
		}
	}
	if (!yaml_parser_initialize(&parser)) {
		tk_diag_error(d, path, 0, 0, "cannot initialise the YAML parser");
		goto out;
	}
	have_parser = 1;
	yaml_parser_set_input_string(&parser, (const unsigned char *)buf, len);

	while (!done) {
		node *n = NULL, *top;
		const char *anch = NULL;

		if (!yaml_parser_parse(&parser, &ev)) {
			syntax_error(&parser, path, buf, len, d);
			goto out;
		}
		have_event = 1;
		switch (ev.type) {
		case YAML_STREAM_END_EVENT:
			done = 1;
			break;
		case YAML_DOCUMENT_START_EVENT:
			if (++docs > 1) {
				tk_diag_error(d, path, (int)ev.start_mark.line + 1,
				    (int)ev.start_mark.column + 1,
				    "a second YAML document in one file; keep one document per file");
				goto out;
			}
			break;
		case YAML_ALIAS_EVENT: {
			anchor *a;

			for (a = doc->anchors; a; a = a->next)
				if (strcmp(a->name, (const char *)ev.data.alias.anchor) == 0)
					break;
			if (a == NULL) {
				tk_diag_error(d, path, (int)ev.start_mark.line + 1,
				    (int)ev.start_mark.column + 1,
				    "unknown alias '*%s'; define the anchor first",
				    (const char *)ev.data.alias.anchor);
				goto out;
			}
			/* An alias inside the node it names would make the tree a
			 * cycle that every walk of it follows for ever. */
			if (a->n->open) {
				tk_diag_error(d, path, (int)ev.start_mark.line + 1,
				    (int)ev.start_mark.column + 1, "alias '*%s' is inside the "
				    "node it names; data cannot contain itself",
				    (const char *)ev.data.alias.anchor);
				goto out;
			}
			n = a->n;
			break;
		}
		case YAML_SCALAR_EVENT:
			/* "\0" and "\u0000" escapes would cut the C string short. */
			if (memchr(ev.data.scalar.value, '\0', ev.data.scalar.length)) {
				tk_diag_error(d, path, (int)ev.start_mark.line + 1,
				    (int)ev.start_mark.column + 1, "a NUL character (an escape "
				    "like \\0) in a value; remove it");
				goto out;
			}
			n = node_new(doc, TK_YAML_SCALAR, (int)ev.start_mark.line + 1,
			    (int)ev.start_mark.column + 1);
			n->pub.str = doc_strndup(doc, (const char *)ev.data.scalar.value,
			    ev.data.scalar.length);
			n->pub.len = ev.data.scalar.length;
			n->pub.quoted = ev.data.scalar.style != YAML_PLAIN_SCALAR_STYLE;
			if (ev.data.scalar.tag)
				n->pub.tag = doc_strndup(doc, (const char *)ev.data.scalar.tag,
				    strlen((const char *)ev.data.scalar.tag));
			anch = (const char *)ev.data.scalar.anchor;
			break;
		case YAML_SEQUENCE_START_EVENT:
		case YAML_MAPPING_START_EVENT:
			n = node_new(doc, ev.type == YAML_SEQUENCE_START_EVENT ?
			    TK_YAML_SEQ : TK_YAML_MAP, (int)ev.start_mark.line + 1,
			    (int)ev.start_mark.column + 1);
			anch = (const char *)(ev.type == YAML_SEQUENCE_START_EVENT ?
			    ev.data.sequence_start.anchor : ev.data.mapping_start.anchor);
			if ((int)depth + 1 > max_depth) {
				tk_diag_error(d, path, n->pub.line, n->pub.col,
				    "nesting deeper than %d levels; flatten the structure", max_depth);
				goto out;
			}
			if (depth == cap) {
				cap = cap ? cap * 2 : 16;
				stack = xrealloc(stack, cap * sizeof(*stack));
			}
			break;
		case YAML_SEQUENCE_END_EVENT:
		case YAML_MAPPING_END_EVENT:
			n = stack[--depth];
			n->open = 0;
			if (n->pub.kind == TK_YAML_MAP && check_dup_keys(&n->pub, path, d) < 0)
				goto out;
			break;
		default:
			break;
		}

		if (n && anch) {
			anchor *a = xcalloc(1, sizeof(*a));

			a->name = xstrdup(anch);
			a->n = n;
			a->next = doc->anchors;
			doc->anchors = a;
		}
		/* Attach a finished node (a scalar, an alias, or a closed
		 * collection) to its parent; open a new collection. */
		if (n && (ev.type == YAML_SCALAR_EVENT || ev.type == YAML_ALIAS_EVENT ||
		    ev.type == YAML_SEQUENCE_END_EVENT || ev.type == YAML_MAPPING_END_EVENT)) {
			if (ev.type == YAML_ALIAS_EVENT) {
				total += n->weight;
				if ((int)depth + n->height > max_depth) {
					tk_diag_error(d, path, (int)ev.start_mark.line + 1,
					    (int)ev.start_mark.column + 1,
					    "alias '*%s' nests deeper than %d levels; flatten the structure",
					    (const char *)ev.data.alias.anchor, max_depth);
					goto out;
				}
			} else if (ev.type == YAML_SCALAR_EVENT)
				total++;
			if (total > max_nodes) {
				tk_diag_error(d, path, (int)ev.start_mark.line + 1,
				    (int)ev.start_mark.column + 1,
				    "aliases expand to more than %zu nodes; write the data out "
				    "without nested aliases", max_nodes);
				goto out;
			}
			if (depth == 0)
				doc->root = n;
			else {
				top = stack[depth - 1];
				if (top->pub.kind == TK_YAML_MAP && top->pub.n % 2 == 0 &&
				    n->pub.kind != TK_YAML_SCALAR) {
					tk_diag_error(d, path, n->pub.line, n->pub.col,
					    "a map key must be a plain value, not a list or map");
					goto out;
				}
				node_add(top, n);
			}
		} else if (n) {
			total++;
			n->open = 1;
			stack[depth++] = n;
		}
		yaml_event_delete(&ev);
		have_event = 0;
	}
	*out = doc;
	doc = NULL;
	rc = 0;
out:
	if (have_event)
		yaml_event_delete(&ev);
	if (have_parser)
		yaml_parser_delete(&parser);
	free(stack);
	tk_yaml_free(doc);
	return rc;
}

/* ---- saved documents ----
 *
 * Nodes in post-order, so every child comes before its parent and a node
 * that aliases share is written once: a collection names its children by
 * their index. Numbers are unsigned LEB128 (7 bits a byte, low first).
 * Header: node count, child count, string bytes (each string with its
 * NUL), root index + 1 (0: an empty document). Node: a byte of kind,
 * quoted (4) and tagged (8); line; col; then a scalar's length and bytes,
 * a tag's length and bytes, a collection's child count and indices. */

/* Reads a number below 2^31; -1 when it is cut short or larger. */
static int
get_num(const unsigned char **p, const unsigned char *end, size_t *v)
{
	size_t x = 0;
	int shift;

	for (shift = 0; shift < 35 && *p < end; shift += 7) {
		unsigned char c = *(*p)++;

		x |= (size_t)(c & 0x7f) << shift;
		if (!(c & 0x80)) {
			if (x > 0x7fffffff)
				return -1;
			*v = x;
			return 0;
		}
	}
	return -1;
}

typedef struct {
	tk_buf *out;
	size_t n, kids, bytes;
} saver;

/* A number at p (room for 10 bytes); the byte after it. */
static char *
num_at(char *p, size_t v)
{
	do {
		*p++ = (char)((v & 0x7f) | (v > 0x7f ? 0x80 : 0));
		v >>= 7;
	} while (v);
	return p;
}

/* Writes n's subtree unless written already; n->saved is its index + 1.
 * A node is written in one piece, its room made once: a full build saves
 * every record's thousand nodes. */
static size_t
save_node(saver *sv, node *n)
{
	size_t i, tlen = n->pub.tag ? strlen(n->pub.tag) : 0;
	char *p, *start;

	if (n->saved)
		return n->saved - 1;
	for (i = 0; i < n->pub.n; i++)
		save_node(sv, (node *)n->pub.kids[i]);
	start = p = tk_buf_reserve(sv->out, 1 + 4 * 10 + (tlen ? tlen + 10 : 0) +
	    (n->pub.kind == TK_YAML_SCALAR ? n->pub.len : 10 * n->pub.n));
	*p++ = (char)(n->pub.kind | (n->pub.quoted ? 4 : 0) | (n->pub.tag ? 8 : 0));
	p = num_at(p, (size_t)n->pub.line);
	p = num_at(p, (size_t)n->pub.col);
	if (n->pub.kind == TK_YAML_SCALAR) {
		p = num_at(p, n->pub.len);
		memcpy(p, n->pub.str, n->pub.len);
		p += n->pub.len;
		sv->bytes += n->pub.len + 1;
	}
	if (n->pub.tag) {
		p = num_at(p, tlen);
		memcpy(p, n->pub.tag, tlen);
		p += tlen;
		sv->bytes += tlen + 1;
	}
	if (n->pub.kind != TK_YAML_SCALAR) {
		p = num_at(p, n->pub.n);
		for (i = 0; i < n->pub.n; i++)
			p = num_at(p, ((node *)n->pub.kids[i])->saved - 1);
		sv->kids += n->pub.n;
	}
	sv->out->len += (size_t)(p - start);
	sv->out->data[sv->out->len] = '\0';
	n->saved = ++sv->n;
	return n->saved - 1;
}

/* Marks are 0 outside tk_yaml_save: nodes are made so, and it clears them. */
static void
unmark(tk_ydoc *doc)
{
	node *n;
	size_t i;

	for (n = doc->allocs; n; n = n->next_alloc)
		n->saved = 0;
	for (i = 0; i < doc->nblock; i++)
		((node *)doc->block)[i].saved = 0;
}

void
tk_yaml_save(tk_buf *out, tk_ydoc *doc)
{
	saver sv = { out, 0, 0, 0 };
	size_t root = 0, at = out->len, hlen;
	char head[4 * 10], *h = head;

	/* The body first, after room for the header, which is then put in
	 * its place: no second buffer. */
	tk_buf_reserve(out, sizeof(head));
	out->len += sizeof(head);
	if (doc->root)
		root = save_node(&sv, doc->root) + 1;
	unmark(doc);
	h = num_at(h, sv.n);
	h = num_at(h, sv.kids);
	h = num_at(h, sv.bytes);
	h = num_at(h, root);
	hlen = (size_t)(h - head);
	memmove(out->data + at + hlen, out->data + at + sizeof(head),
	    out->len - at - sizeof(head));
	memcpy(out->data + at, head, hlen);
	out->len -= sizeof(head) - hlen;
	out->data[out->len] = '\0';
}

/* A saved string (a scalar's text or a tag): its length, its bytes, and
 * room for them and a NUL among the nb string bytes from *b on. */
static const char *
restore_str(const unsigned char **p, const unsigned char *end, char *bytes, size_t nb,
    size_t *b, size_t *len)
{
	size_t l;

	if (get_num(p, end, &l) < 0 || l >= nb - *b || (size_t)(end - *p) < l ||
	    memchr(*p, 0, l))
		return NULL;
	memcpy(bytes + *b, *p, l);
	bytes[*b + l] = '\0';
	*p += l;
	*b += l + 1;
	*len = l;
	return bytes + *b - l - 1;
}

int
tk_yaml_restore(tk_ydoc **out, const char *path, const void *data, size_t len)
{
	const unsigned char *p = data, *end = p + len;
	size_t nn, nk, nb, root, i, j, l, k = 0, b = 0;
	tk_ydoc *doc;
	node *nodes;
	tk_ynode **kids;
	char *bytes;

	*out = NULL;
	if (get_num(&p, end, &nn) < 0 || get_num(&p, end, &nk) < 0 ||
	    get_num(&p, end, &nb) < 0 || get_num(&p, end, &root) < 0)
		return -1;
	/* A node takes 3 bytes or more, a child 1, a string's byte 1: counts
	 * the data cannot hold are refused before anything is allocated. */
	if (nn > len / 3 || nk > len || nb > len + nn || root > nn || (root == 0) != (nn == 0))
		return -1;
	doc = xcalloc(1, sizeof(*doc));
	doc->path = xstrdup(path);
	doc->block = xcalloc(1, nn * sizeof(node) + nk * sizeof(tk_ynode *) + nb + 1);
	doc->nblock = nn;
	nodes = doc->block;
	kids = (tk_ynode **)(void *)(nodes + nn);
	bytes = (char *)(kids + nk);
	for (i = 0; i < nn; i++) {
		node *n = &nodes[i];
		size_t line, col, c;
		unsigned char flags;

		if (p == end || (flags = *p++) > 15 || (flags & 3) > TK_YAML_MAP ||
		    get_num(&p, end, &line) < 0 || get_num(&p, end, &col) < 0 ||
		    line < 1 || col < 1)
			goto bad;
		n->pub.kind = (tk_yaml_kind)(flags & 3);
		n->pub.quoted = (flags & 4) != 0;
		n->pub.line = (int)line;
		n->pub.col = (int)col;
		n->weight = 1;
		n->height = 1;
		if (n->pub.kind == TK_YAML_SCALAR &&
		    (n->pub.str = restore_str(&p, end, bytes, nb, &b, &n->pub.len)) == NULL)
			goto bad;
		if ((flags & 8) && (n->pub.tag = restore_str(&p, end, bytes, nb, &b, &l)) == NULL)
			goto bad;
		if (n->pub.kind == TK_YAML_SCALAR)
			continue;
		if (get_num(&p, end, &n->pub.n) < 0 || n->pub.n > nk - k ||
		    (n->pub.kind == TK_YAML_MAP && n->pub.n % 2))
			goto bad;
		n->pub.kids = kids + k;
		k += n->pub.n;
		for (j = 0; j < n->pub.n; j++) {
			/* Only earlier nodes: the tree cannot loop. Keys are
			 * scalars, and the loader's limits hold as they did. */
			if (get_num(&p, end, &c) < 0 || c >= i || (n->pub.kind == TK_YAML_MAP &&
			    j % 2 == 0 && nodes[c].pub.kind != TK_YAML_SCALAR))
				goto bad;
			n->pub.kids[j] = &nodes[c].pub;
			n->weight += nodes[c].weight;
			if (nodes[c].height + 1 > n->height)
				n->height = nodes[c].height + 1;
		}
		/* The loader allows 64 levels of collections; their scalars
		 * make a 65th level of height. */
		if (n->height > DEFAULT_MAX_DEPTH + 1 || n->weight > DEFAULT_MAX_NODES)
			goto bad;
	}
	if (p != end || k != nk || b != nb)
		goto bad;
	doc->root = root ? &nodes[root - 1] : NULL;
	*out = doc;
	return 0;
bad:
	tk_yaml_free(doc);
	return -1;
}

const tk_ynode *
tk_yaml_root(const tk_ydoc *doc)
{
	return doc && doc->root ? &doc->root->pub : NULL;
}

const char *
tk_yaml_path(const tk_ydoc *doc)
{
	return doc->path;
}

const tk_ynode *
tk_yaml_get(const tk_ynode *map, const char *key)
{
	size_t i;

	if (map == NULL || map->kind != TK_YAML_MAP)
		return NULL;
	for (i = 0; i + 1 < map->n; i += 2)
		if (strcmp(map->kids[i]->str, key) == 0)
			return map->kids[i + 1];
	return NULL;
}

int
tk_yaml_same(const tk_ynode *a, const tk_ynode *b)
{
	size_t i;

	if (a == NULL || b == NULL)
		return a == b;
	if (a->kind != b->kind || a->line != b->line || a->col != b->col ||
	    a->quoted != b->quoted || a->n != b->n || (a->tag == NULL) != (b->tag == NULL) ||
	    (a->tag && strcmp(a->tag, b->tag) != 0))
		return 0;
	if (a->kind == TK_YAML_SCALAR && (a->len != b->len || a->str[a->len] != '\0' ||
	    b->str[b->len] != '\0' || memcmp(a->str, b->str, a->len) != 0))
		return 0;
	for (i = 0; i < a->n; i++)
		if (!tk_yaml_same(a->kids[i], b->kids[i]))
			return 0;
	return 1;
}

int
tk_yaml_is_null(const tk_ynode *n)
{
	if (n == NULL)
		return 1;
	if (n->kind != TK_YAML_SCALAR || n->quoted)
		return 0;
	return n->len == 0 || strcmp(n->str, "~") == 0 || strcmp(n->str, "null") == 0 ||
	    strcmp(n->str, "Null") == 0 || strcmp(n->str, "NULL") == 0;
}
