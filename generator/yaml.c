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

enum { DEFAULT_MAX_BYTES = 4 << 20, DEFAULT_MAX_DEPTH = 64, DEFAULT_MAX_NODES = 1000000 };

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
node_new(tk_ydoc *doc, tk_yaml_kind kind, const yaml_mark_t *m)
{
	node *n = memset(doc_alloc(doc, sizeof(node)), 0, sizeof(node));

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
	node *n;
	anchor *a, *an;
	chunk *c, *cn;

	if (doc == NULL)
		return;
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

/* ---- saved documents ----
 *
 * Nodes in post-order, so every child comes before its parent and a node
 * that aliases share is written once: a collection names its children by
 * their index. Numbers are unsigned LEB128 (7 bits a byte, low first).
 * Header: node count, child count, string bytes (each string with its
 * NUL), root index + 1 (0: an empty document). Node: a byte of kind,
 * quoted (4) and tagged (8); line; col; then a scalar's length and bytes,
 * a tag's length and bytes, a collection's child count and indices. */

static void
put_num(tk_buf *b, size_t v)
{
	char x[10];
	size_t n = 0;

	do {
		x[n++] = (char)((v & 0x7f) | (v > 0x7f ? 0x80 : 0));
		v >>= 7;
	} while (v);
	tk_buf_put(b, x, n);
}

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

/* Writes n's subtree unless written already; n->saved is its index + 1. */
static size_t
save_node(saver *sv, node *n)
{
	size_t i, *idx, tlen = n->pub.tag ? strlen(n->pub.tag) : 0;

	if (n->saved)
		return n->saved - 1;
	idx = xcalloc(n->pub.n + 1, sizeof(*idx));
	for (i = 0; i < n->pub.n; i++)
		idx[i] = save_node(sv, (node *)n->pub.kids[i]);
	tk_buf_putc(sv->out, (char)(n->pub.kind | (n->pub.quoted ? 4 : 0) |
	    (n->pub.tag ? 8 : 0)));
	put_num(sv->out, (size_t)n->pub.line);
	put_num(sv->out, (size_t)n->pub.col);
	if (n->pub.kind == TK_YAML_SCALAR) {
		put_num(sv->out, n->pub.len);
		tk_buf_put(sv->out, n->pub.str, n->pub.len);
		sv->bytes += n->pub.len + 1;
	}
	if (n->pub.tag) {
		put_num(sv->out, tlen);
		tk_buf_put(sv->out, n->pub.tag, tlen);
		sv->bytes += tlen + 1;
	}
	if (n->pub.kind != TK_YAML_SCALAR) {
		put_num(sv->out, n->pub.n);
		for (i = 0; i < n->pub.n; i++)
			put_num(sv->out, idx[i]);
		sv->kids += n->pub.n;
	}
	free(idx);
	n->saved = ++sv->n;
	return n->saved - 1;
}

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
	tk_buf body = TK_BUF_INIT;
	saver sv = { &body, 0, 0, 0 };
	size_t root = 0;

	unmark(doc);
	if (doc->root)
		root = save_node(&sv, doc->root) + 1;
	unmark(doc);
	put_num(out, sv.n);
	put_num(out, sv.kids);
	put_num(out, sv.bytes);
	put_num(out, root);
	tk_buf_put(out, body.data ? body.data : "", body.len);
	tk_buf_free(&body);
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
tk_yaml_is_null(const tk_ynode *n)
{
	if (n == NULL)
		return 1;
	if (n->kind != TK_YAML_SCALAR || n->quoted)
		return 0;
	return n->len == 0 || strcmp(n->str, "~") == 0 || strcmp(n->str, "null") == 0 ||
	    strcmp(n->str, "Null") == 0 || strcmp(n->str, "NULL") == 0;
}
