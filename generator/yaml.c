/* yaml.c: the YAML loader. libyaml's event parser drives a small tree of
 * nodes allocated from the document, so aliases can share nodes and one
 * free releases everything. Limits are checked as events arrive, so a
 * hostile file is refused before it costs memory. */
#include "yaml.h"

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
	size_t cap;
	struct node *next_alloc;
} node;

typedef struct anchor {
	char *name;
	node *n;
	struct anchor *next;
} anchor;

struct tk_ydoc {
	char *path;
	node *root;
	node *allocs;
	anchor *anchors;
};

enum { DEFAULT_MAX_BYTES = 4 << 20, DEFAULT_MAX_DEPTH = 64, DEFAULT_MAX_NODES = 1000000 };

static node *
node_new(tk_ydoc *doc, tk_yaml_kind kind, const yaml_mark_t *m)
{
	node *n = xcalloc(1, sizeof(*n));

	n->pub.kind = kind;
	n->pub.line = (int)m->line + 1;
	n->pub.col = (int)m->column + 1;
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

void
tk_yaml_free(tk_ydoc *doc)
{
	node *n, *next;
	anchor *a, *an;

	if (doc == NULL)
		return;
	for (n = doc->allocs; n; n = next) {
		next = n->next_alloc;
		free(n->pub.kids);
		free((char *)n->pub.str);
		free((char *)n->pub.tag);
		free(n);
	}
	for (a = doc->anchors; a; a = an) {
		an = a->next;
		free(a->name);
		free(a);
	}
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

/* Sorting keys finds duplicates in n log n even in a huge map. */
static int
check_dup_keys(const tk_ynode *map, const char *path, tk_diag *d)
{
	const tk_ynode **keys;
	size_t i, nk = map->n / 2;
	int rc = 0;

	if (nk < 2)
		return 0;
	keys = xmalloc(nk * sizeof(*keys));
	for (i = 0; i < nk; i++)
		keys[i] = map->kids[2 * i];
	qsort(keys, nk, sizeof(*keys), cmp_key);
	for (i = 1; i < nk; i++) {
		if (keys[i]->len == keys[i - 1]->len &&
		    memcmp(keys[i]->str, keys[i - 1]->str, keys[i]->len) == 0) {
			tk_diag_error(d, path, keys[i]->line, keys[i]->col,
			    "duplicate key '%s' (first at line %d); remove one of them",
			    keys[i]->str, keys[i - 1]->line);
			rc = -1;
			break;
		}
	}
	free(keys);
	return rc;
}

/* The 1-based line and column (in characters) of byte off. */
static void
locate(const char *buf, size_t off, int *line, int *col)
{
	size_t i;

	*line = 1;
	*col = 1;
	for (i = 0; i < off; i++) {
		if (buf[i] == '\n') {
			(*line)++;
			*col = 1;
		} else if (((unsigned char)buf[i] & 0xc0) != 0x80)
			(*col)++;
	}
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

int
tk_yaml_load(tk_ydoc **out, const char *path, const char *buf, size_t len,
    const tk_yaml_limits *lim, tk_diag *d)
{
	yaml_parser_t parser;
	yaml_event_t ev;
	tk_ydoc *doc = NULL;
	node **stack = NULL;
	size_t depth = 0, cap = 0, max_bytes = DEFAULT_MAX_BYTES;
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
		locate(buf, max_bytes, &line, &col);
		tk_diag_error(d, path, line, col, "file is %zu bytes, more than the limit "
		    "of %zu, which it passes here; split it", len, max_bytes);
		goto out;
	}
	if (len >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0) {
		buf += 3;       /* a BOM from a Windows editor */
		len -= 3;
	}
	if (!tk_utf8_valid(buf, len, &bad)) {
		locate(buf, bad, &line, &col);
		tk_diag_error(d, path, line, col,
		    "invalid UTF-8 (byte 0x%02x); save the file as UTF-8",
		    (unsigned char)buf[bad]);
		goto out;
	}
	if (memchr(buf, '\0', len)) {
		locate(buf, (size_t)((const char *)memchr(buf, '\0', len) - buf), &line, &col);
		tk_diag_error(d, path, line, col, "NUL byte in a text file; remove it");
		goto out;
	}

	doc = xcalloc(1, sizeof(*doc));
	doc->path = xstrdup(path);
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
			n = node_new(doc, TK_YAML_SCALAR, &ev.start_mark);
			n->pub.str = xstrndup((const char *)ev.data.scalar.value, ev.data.scalar.length);
			n->pub.len = ev.data.scalar.length;
			n->pub.quoted = ev.data.scalar.style != YAML_PLAIN_SCALAR_STYLE;
			if (ev.data.scalar.tag)
				n->pub.tag = xstrdup((const char *)ev.data.scalar.tag);
			anch = (const char *)ev.data.scalar.anchor;
			break;
		case YAML_SEQUENCE_START_EVENT:
		case YAML_MAPPING_START_EVENT:
			n = node_new(doc, ev.type == YAML_SEQUENCE_START_EVENT ?
			    TK_YAML_SEQ : TK_YAML_MAP, &ev.start_mark);
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
tk_yaml_is_null(const tk_ynode *n)
{
	if (n == NULL)
		return 1;
	if (n->kind != TK_YAML_SCALAR || n->quoted)
		return 0;
	return n->len == 0 || strcmp(n->str, "~") == 0 || strcmp(n->str, "null") == 0 ||
	    strcmp(n->str, "Null") == 0 || strcmp(n->str, "NULL") == 0;
}
