/* pagecache.c: see pagecache.h. */
#include "pagecache.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef struct {
	char *path;
	char key[41];
	tk_out_stamp stamp;
	int stamped;            /* stamp known (kept: the old file's), not to stat */
} entry;

typedef struct {
	char key[41];
	tk_buf bytes;
	char *path;             /* the staged file holding bytes, or NULL */
	size_t slot;            /* its place in its generation's items */
} kept;

/* Pages in memory of one generation: key -> kept. */
typedef struct {
	tk_strmap *map;
	kept **items;
	size_t n;
} generation;

struct tk_pagecache {
	entry *prev;            /* the previous build's list */
	size_t nprev;
	tk_strmap *by_path;     /* path -> entry in prev */
	entry *next;            /* this build's */
	size_t nnext, capnext;
	tk_buf list;            /* this build's, as written */
	generation cur, old;    /* snapshots: this one's pages, the last one's */
};

tk_pagecache_mode
tk_pagecache_mode_env(void)
{
	const char *e = getenv("TK_PAGECACHE");

	if (e && strcmp(e, "off") == 0)
		return TK_PAGECACHE_OFF;
	if (e && strcmp(e, "verify") == 0)
		return TK_PAGECACHE_VERIFY;
	return TK_PAGECACHE_ON;
}

tk_pagecache *
tk_pagecache_new(void)
{
	tk_pagecache *c = xcalloc(1, sizeof(*c));

	c->by_path = tk_strmap_new();
	c->cur.map = tk_strmap_new();
	c->old.map = tk_strmap_new();
	return c;
}

static void
generation_clear(generation *g)
{
	size_t i;

	for (i = 0; i < g->n; i++)
		if (g->items[i]) {
			tk_buf_free(&g->items[i]->bytes);
			free(g->items[i]->path);
			free(g->items[i]);
		}
	free(g->items);
	g->items = NULL;
	g->n = 0;
	tk_strmap_free(g->map);
	g->map = tk_strmap_new();
}

void
tk_pagecache_free(tk_pagecache *c)
{
	size_t i;

	if (c == NULL)
		return;
	for (i = 0; i < c->nprev; i++)
		free(c->prev[i].path);
	for (i = 0; i < c->nnext; i++)
		free(c->next[i].path);
	free(c->prev);
	free(c->next);
	tk_strmap_free(c->by_path);
	tk_buf_free(&c->list);
	generation_clear(&c->cur);
	generation_clear(&c->old);
	tk_strmap_free(c->cur.map);
	tk_strmap_free(c->old.map);
	free(c);
}

static int
cmp_entry(const void *a, const void *b)
{
	return strcmp(((const entry *)a)->path, ((const entry *)b)->path);
}

/* One number and the space after it, from *p on; 0 when there is none. */
static int
read_number(const char **p, long long *out)
{
	char *end;

	errno = 0;
	*out = strtoll(*p, &end, 10);
	if (end == *p || *end != ' ' || errno != 0)
		return 0;
	*p = end + 1;
	return 1;
}

/* One line of the list into e (all but its path); the path, or NULL when
 * the line is not one. */
static const char *
read_line(const char *line, entry *e)
{
	const char *p = line + 41;

	if (strnlen(line, 41) != 41 || line[40] != ' ' || memchr(line, ' ', 40))
		return NULL;
	memcpy(e->key, line, 40);
	e->key[40] = '\0';
	if (!read_number(&p, &e->stamp.size) || !read_number(&p, &e->stamp.inode) ||
	    !read_number(&p, &e->stamp.mtime) || *p == '\0')
		return NULL;
	return p;
}

/* The list: a header line, then "key size inode mtime-ns path" per page.
 * A line that does not read so is skipped: its page is rendered. */
void
tk_pagecache_read(tk_pagecache *c, const char *dir)
{
	char *file = xasprintf("%s%s", dir, TK_PAGECACHE_SUFFIX), *buf = NULL, *line, *nl;
	size_t len, cap = 0;

	if (tk_read_file(&buf, &len, file) < 0 || strncmp(buf, "tiekartta-pages 1\n", 18) != 0)
		goto out;
	for (line = buf + 18; *line; line = nl + 1) {
		entry e;
		const char *path;

		if ((nl = strchr(line, '\n')) == NULL)
			break;
		*nl = '\0';
		memset(&e, 0, sizeof(e));
		if ((path = read_line(line, &e)) == NULL)
			continue;
		if (c->nprev == cap) {
			cap = cap ? 2 * cap : 256;
			c->prev = xrealloc(c->prev, cap * sizeof(*c->prev));
		}
		e.path = xstrdup(path);
		c->prev[c->nprev++] = e;
	}
	/* Sorted by path, so a snapshot's files are one run (reuse_under). */
	if (c->nprev)
		qsort(c->prev, c->nprev, sizeof(*c->prev), cmp_entry);
	for (len = 0; len < c->nprev; len++)
		tk_strmap_put(c->by_path, c->prev[len].path, &c->prev[len]);
out:
	free(buf);
	free(file);
}

int
tk_pagecache_reuse(tk_pagecache *c, tk_out *o, const char *path, const char *key)
{
	const entry *e = tk_strmap_get(c->by_path, path);
	entry *noted;
	tk_out_stamp now;
	int linked = e && strcmp(e->key, key) == 0 && tk_out_reuse(o, path, &e->stamp, &now);

	tk_pagecache_note(c, path, key);
	noted = &c->next[c->nnext - 1];
	/* Linked, the file is the old one: its stamp is known without a stat. */
	if (linked) {
		noted->stamp = now;
		noted->stamped = 1;
	}
	return linked;
}

size_t
tk_pagecache_reuse_under(tk_pagecache *c, tk_out *o, const char *prefix, const char *key)
{
	size_t lo = 0, hi = c->nprev, n = strlen(prefix), i, end;
	tk_out_stamp *stamps;

	while (lo < hi) {               /* the first path not below prefix */
		size_t mid = lo + (hi - lo) / 2;

		if (strcmp(c->prev[mid].path, prefix) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (end = lo; end < c->nprev && strncmp(c->prev[end].path, prefix, n) == 0; end++)
		if (strcmp(c->prev[end].key, key) != 0)
			return 0;
	/* All or nothing: when a file was changed since, the caller renders
	 * the lot over what was linked. */
	stamps = xcalloc(end - lo + 1, sizeof(*stamps));
	for (i = lo; i < end; i++)
		if (!tk_out_reuse(o, c->prev[i].path, &c->prev[i].stamp, &stamps[i - lo])) {
			free(stamps);
			return 0;
		}
	for (i = lo; i < end; i++) {
		tk_pagecache_note(c, c->prev[i].path, key);
		c->next[c->nnext - 1].stamp = stamps[i - lo];
		c->next[c->nnext - 1].stamped = 1;
	}
	free(stamps);
	return end - lo;
}

void
tk_pagecache_note(tk_pagecache *c, const char *path, const char *key)
{
	entry *e;

	if (c->nnext == c->capnext) {
		c->capnext = c->capnext ? c->capnext * 2 : 256;
		c->next = xrealloc(c->next, c->capnext * sizeof(*c->next));
	}
	e = &c->next[c->nnext++];
	memset(e, 0, sizeof(*e));
	e->path = xstrdup(path);
	snprintf(e->key, sizeof(e->key), "%s", key);
}

size_t
tk_pagecache_noted(const tk_pagecache *c)
{
	return c->nnext;
}

void
tk_pagecache_put_notes(const tk_pagecache *c, size_t from, tk_buf *b)
{
	size_t i;

	for (i = from; i < c->nnext; i++)
		if (c->next[i].key[0]) {
			tk_buf_put(b, c->next[i].key, strlen(c->next[i].key) + 1);
			tk_buf_put(b, c->next[i].path, strlen(c->next[i].path) + 1);
		}
}

long
tk_pagecache_take_notes(tk_pagecache *c, const char *data, size_t len)
{
	size_t at = 0, k, p;

	/* key NUL path NUL, until the empty key that ends them. */
	while (at < len && data[at] != '\0') {
		k = at + strnlen(data + at, len - at);
		if (k >= len)
			return -1;
		p = k + 1 + strnlen(data + k + 1, len - k - 1);
		if (p >= len)
			return -1;
		tk_pagecache_note(c, data + k + 1, data + at);
		at = p + 1;
	}
	return at < len ? (long)at : -1;
}

void
tk_pagecache_stamp(tk_pagecache *c, const tk_out *o)
{
	size_t i;

	if (c->nnext)
		qsort(c->next, c->nnext, sizeof(*c->next), cmp_entry);
	tk_buf_reset(&c->list);
	tk_buf_puts(&c->list, "tiekartta-pages 1\n");
	for (i = 0; i < c->nnext; i++) {
		entry *e = &c->next[i];

		if (e->stamped || tk_out_stat(o, e->path, &e->stamp) == 0) {
			tk_buf_put(&c->list, e->key, 40);
			tk_buf_putc(&c->list, ' ');
			tk_buf_put_ll(&c->list, e->stamp.size);
			tk_buf_putc(&c->list, ' ');
			tk_buf_put_ll(&c->list, e->stamp.inode);
			tk_buf_putc(&c->list, ' ');
			tk_buf_put_ll(&c->list, e->stamp.mtime);
			tk_buf_putc(&c->list, ' ');
			tk_buf_puts(&c->list, e->path);
			tk_buf_putc(&c->list, '\n');
		}
	}
}

int
tk_pagecache_save(const tk_pagecache *c, const char *dir)
{
	char *file = xasprintf("%s%s", dir, TK_PAGECACHE_SUFFIX);
	char *tmp = xasprintf("%s.tmp-%ld", file, (long)getpid());
	FILE *f = fopen(tmp, "w");
	int rc = -1;

	if (f && fwrite(c->list.data ? c->list.data : "", 1, c->list.len, f) == c->list.len &&
	    fclose(f) == 0) {
		f = NULL;
		rc = rename(tmp, file);
	}
	if (f)
		fclose(f);
	if (rc != 0)
		unlink(tmp);
	free(tmp);
	free(file);
	return rc;
}

static void
generation_put(generation *g, kept *k)
{
	/* Doubled: a snapshot keeps thousands. */
	if ((g->n & (g->n - 1)) == 0)
		g->items = xrealloc(g->items, (g->n ? 2 * g->n : 1) * sizeof(*g->items));
	k->slot = g->n;
	g->items[g->n++] = k;
	tk_strmap_put(g->map, k->key, k);
}

const tk_buf *
tk_pagecache_find(tk_pagecache *c, const char *key, const char **path)
{
	kept *k = tk_strmap_get(c->cur.map, key);

	if (path)
		*path = k ? k->path : NULL;
	if (k)
		return &k->bytes;
	if ((k = tk_strmap_get(c->old.map, key)) == NULL)
		return NULL;
	if (path)
		*path = k->path;
	/* Moved to this generation: the old one lets it go. */
	tk_strmap_put(c->old.map, k->key, NULL);
	c->old.items[k->slot] = NULL;
	generation_put(&c->cur, k);
	return &k->bytes;
}

void
tk_pagecache_keep(tk_pagecache *c, const char *key, const char *data, size_t len,
    const char *path)
{
	kept *k;

	if (tk_strmap_get(c->cur.map, key))
		return;
	k = xcalloc(1, sizeof(*k));
	snprintf(k->key, sizeof(k->key), "%s", key);
	tk_buf_put(&k->bytes, data, len);
	k->path = path ? xstrdup(path) : NULL;
	generation_put(&c->cur, k);
}

void
tk_pagecache_next(tk_pagecache *c)
{
	generation t;

	generation_clear(&c->old);
	t = c->old;
	c->old = c->cur;
	c->cur = t;
}
