/* value.c: see value.h. Maps keep their entries in an array in insertion
 * order; past a handful of keys an open-addressing index on top keeps
 * lookups and replacements constant-time, so big maps built key by key
 * stay linear. A string's bytes follow its node in the same allocation.
 *
 * An arena hands out memory by bumping a pointer through blocks it keeps
 * from one reset to the next; a list or map that outgrows its array gets
 * a bigger copy and leaves the old one until the reset. */
#include "value.h"

#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef __SANITIZE_ADDRESS__
#include <sanitizer/asan_interface.h>
#define POISON(p, n) ASAN_POISON_MEMORY_REGION((p), (n))
#define UNPOISON(p, n) ASAN_UNPOISON_MEMORY_REGION((p), (n))
#else
#define POISON(p, n) ((void)(p), (void)(n))
#define UNPOISON(p, n) ((void)(p), (void)(n))
#endif

typedef struct {
	char *key;
	size_t klen;
	size_t h;               /* tk_value_key_hash of the key */
	tk_value *v;
} entry;

struct tk_value {
	tk_value_kind kind;
	tk_value_arena *arena;  /* NULL for a value on the heap */
	union {
		int b;
		double num;
		struct {
			char *s;        /* right after the node */
			size_t len;
		} str;
		struct {
			tk_value **items;
			size_t n, cap;
		} list;
		struct {
			entry *e;
			size_t n, cap;
			size_t *slots;  /* entry index + 1, 0 for empty */
			size_t nslots;  /* 0 until the map outgrows INDEX_MIN */
		} map;
	} u;
};

/* Below this many keys a linear scan beats hashing. */
enum { INDEX_MIN = 8 };

/* ---- arenas ---- */

typedef struct block {
	struct block *next;
	size_t size;            /* bytes after this header */
} block;

struct tk_value_arena {
	block *blocks;          /* BLOCK_SIZE each, kept from reset to reset */
	block *cur;             /* the one being filled, NULL before the first */
	char *p, *end;          /* its free bytes */
	block *big;             /* one request each, freed at reset */
	tk_value **taken;       /* heap values given to the arena's containers */
	size_t ntaken, captaken;
};

/* Requests above BIG get a block of their own, so a block wastes at most
 * a quarter. */
enum { BLOCK_SIZE = 64 * 1024, BIG = BLOCK_SIZE / 4 };

/* The arena in use; NULL for the heap. */
static tk_value_arena *current;

/* Sizes in 8s keep every node, entry and pointer array aligned. */
static size_t
round8(size_t n)
{
	return (n + 7) & ~(size_t)7;
}

tk_value_arena *
tk_value_arena_new(void)
{
	return xcalloc(1, sizeof(tk_value_arena));
}

static void *
arena_alloc(tk_value_arena *a, size_t n)
{
	block *b;

	n = round8(n);
	if (n > BIG) {
		b = xmalloc(sizeof(*b) + n);
		b->size = n;
		b->next = a->big;
		a->big = b;
		return b + 1;
	}
	if (a->cur == NULL || (size_t)(a->end - a->p) < n) {
		b = a->cur ? a->cur->next : a->blocks;
		if (b == NULL) {
			b = xmalloc(sizeof(*b) + BLOCK_SIZE);
			b->size = BLOCK_SIZE;
			b->next = NULL;
			POISON(b + 1, b->size);
			if (a->cur)
				a->cur->next = b;
			else
				a->blocks = b;
		}
		a->cur = b;
		a->p = (char *)(b + 1);
		a->end = a->p + b->size;
	}
	UNPOISON(a->p, n);
	a->p += n;
	return a->p - n;
}

/* Array p of old bytes made new bytes long (new > old), from a or, when
 * a is NULL, the heap. The last allocation of a block grows in place. */
static void *
grow(tk_value_arena *a, void *p, size_t old, size_t new_)
{
	void *q;

	if (a == NULL)
		return xrealloc(p, new_);
	if (p && (char *)p + round8(old) == a->p &&
	    round8(new_) - round8(old) <= (size_t)(a->end - a->p)) {
		UNPOISON(a->p, round8(new_) - round8(old));
		a->p += round8(new_) - round8(old);
		return p;
	}
	q = arena_alloc(a, new_);
	if (old)
		memcpy(q, p, old);
	return q;
}

void
tk_value_arena_reset(tk_value_arena *a)
{
	block *b, *next;
	size_t i;

	if (a == NULL)
		return;
	for (i = 0; i < a->ntaken; i++)
		tk_value_free(a->taken[i]);
	a->ntaken = 0;
	for (b = a->big; b; b = next) {
		next = b->next;
		free(b);
	}
	a->big = NULL;
	if (a->cur)
		for (b = a->blocks; b != a->cur->next; b = b->next)
			POISON(b + 1, b->size);
	a->cur = NULL;
	a->p = a->end = NULL;
}

void
tk_value_arena_free(tk_value_arena *a)
{
	block *b, *next;

	if (a == NULL)
		return;
	tk_value_arena_reset(a);
	for (b = a->blocks; b; b = next) {
		next = b->next;
		UNPOISON(b + 1, b->size);
		free(b);
	}
	free(a->taken);
	if (current == a)
		current = NULL;
	free(a);
}

tk_value_arena *
tk_value_arena_current(void)
{
	return current;
}

tk_value_arena *
tk_value_arena_use(tk_value_arena *a)
{
	tk_value_arena *prev = current;

	current = a;
	return prev;
}

/* Checks that v may become a child of c; a heap value going into an
 * arena's container is the arena's to free from now on. */
static void
take(const tk_value *c, tk_value *v)
{
	tk_value_arena *a = c->arena;

	if (v == NULL || v->arena == a)
		return;
	if (v->arena || a == NULL) {
		fprintf(stderr, "tiekartta: internal error: a value of an arena put in a "
		    "container outside it\n");
		abort();
	}
	if (a->ntaken == a->captaken) {
		a->captaken = a->captaken ? a->captaken * 2 : 16;
		a->taken = xrealloc(a->taken, a->captaken * sizeof(*a->taken));
	}
	a->taken[a->ntaken++] = v;
}

/* ---- values ---- */

/* A zeroed node with extra bytes after it. */
static tk_value *
value_new(tk_value_kind kind, size_t extra)
{
	tk_value *v;

	if (current)
		v = arena_alloc(current, sizeof(*v) + extra);
	else
		v = xmalloc(sizeof(*v) + extra);
	memset(v, 0, sizeof(*v));
	v->kind = kind;
	v->arena = current;
	return v;
}

tk_value *
tk_value_null(void)
{
	return value_new(TK_VALUE_NULL, 0);
}

tk_value *
tk_value_bool(int b)
{
	tk_value *v = value_new(TK_VALUE_BOOL, 0);

	v->u.b = b != 0;
	return v;
}

const tk_value *
tk_value_bool_shared(int b)
{
	static const tk_value no = { TK_VALUE_BOOL, NULL, { .b = 0 } },
	    yes = { TK_VALUE_BOOL, NULL, { .b = 1 } };

	return b ? &yes : &no;
}

tk_value *
tk_value_num(double d)
{
	tk_value *v = value_new(TK_VALUE_NUM, 0);

	v->u.num = d;
	return v;
}

tk_value *
tk_value_str(const char *s)
{
	return tk_value_strn(s, strlen(s));
}

tk_value *
tk_value_strn(const char *s, size_t n)
{
	tk_value *v = value_new(TK_VALUE_STR, n + 1);

	v->u.str.s = (char *)(v + 1);
	if (n)
		memcpy(v->u.str.s, s, n);
	v->u.str.s[n] = '\0';
	v->u.str.len = n;
	return v;
}

tk_value *
tk_value_list(void)
{
	return value_new(TK_VALUE_LIST, 0);
}

tk_value *
tk_value_map(void)
{
	return value_new(TK_VALUE_MAP, 0);
}

void
tk_value_free(tk_value *v)
{
	size_t i;

	if (v == NULL || v->arena)
		return;
	switch (v->kind) {
	case TK_VALUE_LIST:
		for (i = 0; i < v->u.list.n; i++)
			tk_value_free(v->u.list.items[i]);
		free(v->u.list.items);
		break;
	case TK_VALUE_MAP:
		for (i = 0; i < v->u.map.n; i++) {
			free(v->u.map.e[i].key);
			tk_value_free(v->u.map.e[i].v);
		}
		free(v->u.map.e);
		free(v->u.map.slots);
		break;
	default:
		break;
	}
	free(v);
}

tk_value *
tk_value_copy(const tk_value *v)
{
	tk_value *c;
	size_t i;

	if (v == NULL)
		return tk_value_null();
	switch (v->kind) {
	case TK_VALUE_BOOL:
		return tk_value_bool(v->u.b);
	case TK_VALUE_NUM:
		return tk_value_num(v->u.num);
	case TK_VALUE_STR:
		return tk_value_strn(v->u.str.s, v->u.str.len);
	case TK_VALUE_LIST:
		c = tk_value_list();
		for (i = 0; i < v->u.list.n; i++)
			tk_value_list_push(c, tk_value_copy(v->u.list.items[i]));
		return c;
	case TK_VALUE_MAP:
		c = tk_value_map();
		for (i = 0; i < v->u.map.n; i++)
			tk_value_map_setn(c, v->u.map.e[i].key, v->u.map.e[i].klen,
			    tk_value_copy(v->u.map.e[i].v));
		return c;
	default:
		return tk_value_null();
	}
}

tk_value_kind
tk_value_kind_of(const tk_value *v)
{
	return v ? v->kind : TK_VALUE_NULL;
}

int
tk_value_get_bool(const tk_value *v)
{
	return v && v->kind == TK_VALUE_BOOL ? v->u.b : 0;
}

double
tk_value_get_num(const tk_value *v)
{
	return v && v->kind == TK_VALUE_NUM ? v->u.num : 0;
}

const char *
tk_value_get_str(const tk_value *v, size_t *len)
{
	if (v == NULL || v->kind != TK_VALUE_STR)
		return NULL;
	if (len)
		*len = v->u.str.len;
	return v->u.str.s;
}

void
tk_value_list_push(tk_value *list, tk_value *v)
{
	if (list->kind != TK_VALUE_LIST) {
		tk_value_free(v);
		return;
	}
	take(list, v);
	if (list->u.list.n == list->u.list.cap) {
		size_t cap = list->u.list.cap ? list->u.list.cap * 2 : 4;

		list->u.list.items = grow(list->arena, list->u.list.items,
		    list->u.list.cap * sizeof(*list->u.list.items),
		    cap * sizeof(*list->u.list.items));
		list->u.list.cap = cap;
	}
	list->u.list.items[list->u.list.n++] = v;
}

void
tk_value_list_swap(tk_value *list, size_t i, size_t j)
{
	tk_value *tmp;

	if (list == NULL || list->kind != TK_VALUE_LIST || i >= list->u.list.n ||
	    j >= list->u.list.n)
		return;
	tmp = list->u.list.items[i];
	list->u.list.items[i] = list->u.list.items[j];
	list->u.list.items[j] = tmp;
}

size_t
tk_value_list_len(const tk_value *list)
{
	return list && list->kind == TK_VALUE_LIST ? list->u.list.n : 0;
}

const tk_value *
tk_value_list_at(const tk_value *list, size_t i)
{
	if (list == NULL || list->kind != TK_VALUE_LIST || i >= list->u.list.n)
		return NULL;
	return list->u.list.items[i];
}

size_t
tk_value_key_hash(const char *s, size_t n)
{
	return tk_hash(s, n);
}

/* Puts entry idx (hash h) into an index of nslots (a power of two). */
static void
slot_put(size_t *slots, size_t nslots, size_t h, size_t idx)
{
	size_t mask = nslots - 1, s = h & mask;

	while (slots[s])
		s = (s + 1) & mask;
	slots[s] = idx + 1;
}

static void
index_put(tk_value *map, size_t idx)
{
	slot_put(map->u.map.slots, map->u.map.nslots, map->u.map.e[idx].h, idx);
}

static void
index_rebuild(tk_value *map, size_t nslots)
{
	size_t i;

	if (map->arena) {
		map->u.map.slots = arena_alloc(map->arena, nslots * sizeof(*map->u.map.slots));
		memset(map->u.map.slots, 0, nslots * sizeof(*map->u.map.slots));
	} else {
		free(map->u.map.slots);
		map->u.map.slots = xcalloc(nslots, sizeof(*map->u.map.slots));
	}
	map->u.map.nslots = nslots;
	for (i = 0; i < map->u.map.n; i++)
		index_put(map, i);
}

/* The index of key (hash h) in map, or SIZE_MAX. Each entry keeps its
 * key's hash: a scan compares keys only where the hashes agree, and a
 * template's names are hashed once, when it is parsed. */
static size_t
find(const tk_value *map, const char *key, size_t klen, size_t h)
{
	const entry *e = map->u.map.e;
	size_t i, s, mask;

	if (map->u.map.nslots == 0) {
		for (i = 0; i < map->u.map.n; i++)
			if (e[i].h == h && e[i].klen == klen && memcmp(e[i].key, key, klen) == 0)
				return i;
		return SIZE_MAX;
	}
	mask = map->u.map.nslots - 1;
	for (s = h & mask; map->u.map.slots[s]; s = (s + 1) & mask) {
		i = map->u.map.slots[s] - 1;
		if (e[i].h == h && e[i].klen == klen && memcmp(e[i].key, key, klen) == 0)
			return i;
	}
	return SIZE_MAX;
}

void
tk_value_map_set(tk_value *map, const char *key, tk_value *v)
{
	tk_value_map_setn(map, key, strlen(key), v);
}

void
tk_value_set_str(tk_value *map, const char *key, const char *s)
{
	tk_value_map_set(map, key, s ? tk_value_str(s) : tk_value_null());
}

void
tk_value_set_num(tk_value *map, const char *key, double d)
{
	tk_value_map_set(map, key, tk_value_num(d));
}

void
tk_value_set_bool(tk_value *map, const char *key, int b)
{
	tk_value_map_set(map, key, tk_value_bool(b));
}

void
tk_value_map_setn(tk_value *map, const char *key, size_t klen, tk_value *v)
{
	size_t i, h;

	if (map->kind != TK_VALUE_MAP) {
		tk_value_free(v);
		return;
	}
	take(map, v);
	h = tk_value_key_hash(key, klen);
	if ((i = find(map, key, klen, h)) != SIZE_MAX) {
		/* An arena's map leaves the old value to the reset. */
		if (map->arena == NULL)
			tk_value_free(map->u.map.e[i].v);
		map->u.map.e[i].v = v;
		return;
	}
	if (map->u.map.n == map->u.map.cap) {
		size_t cap = map->u.map.cap ? map->u.map.cap * 2 : 8;

		map->u.map.e = grow(map->arena, map->u.map.e,
		    map->u.map.cap * sizeof(*map->u.map.e), cap * sizeof(*map->u.map.e));
		map->u.map.cap = cap;
	}
	i = map->u.map.n++;
	if (map->arena) {
		map->u.map.e[i].key = arena_alloc(map->arena, klen + 1);
		if (klen)
			memcpy(map->u.map.e[i].key, key, klen);
		map->u.map.e[i].key[klen] = '\0';
	} else
		map->u.map.e[i].key = xstrndup(key, klen);
	map->u.map.e[i].klen = klen;
	map->u.map.e[i].h = h;
	map->u.map.e[i].v = v;
	/* Keep the index at most half full. */
	if (map->u.map.nslots == 0) {
		if (map->u.map.n > INDEX_MIN)
			index_rebuild(map, 4 * INDEX_MIN);
	} else if (map->u.map.n * 2 > map->u.map.nslots)
		index_rebuild(map, map->u.map.nslots * 2);
	else
		index_put(map, i);
}

/* ---- shapes ---- */

struct tk_value_shape {
	entry *e;               /* the keys (borrowed), lengths and hashes */
	size_t n;
	size_t *slots;          /* an index as a map of n keys has, or NULL */
	size_t nslots;
};

tk_value_shape *
tk_value_shape_new(const char *const *keys, size_t n)
{
	tk_value_shape *sh = xcalloc(1, sizeof(*sh));
	size_t i;

	sh->e = xcalloc(n + 1, sizeof(*sh->e));
	sh->n = n;
	for (i = 0; i < n; i++) {
		sh->e[i].key = (char *)keys[i];
		sh->e[i].klen = strlen(keys[i]);
		sh->e[i].h = tk_value_key_hash(keys[i], sh->e[i].klen);
	}
	/* The index tk_value_map_setn would have built by the n-th key. */
	if (n > INDEX_MIN) {
		for (sh->nslots = 4 * INDEX_MIN; n * 2 > sh->nslots; sh->nslots *= 2)
			;
		sh->slots = xcalloc(sh->nslots, sizeof(*sh->slots));
		for (i = 0; i < n; i++)
			slot_put(sh->slots, sh->nslots, sh->e[i].h, i);
	}
	return sh;
}

void
tk_value_shape_free(tk_value_shape *sh)
{
	if (sh == NULL)
		return;
	free(sh->e);
	free(sh->slots);
	free(sh);
}

tk_value *
tk_value_map_shaped(const tk_value_shape *sh, tk_value *const *vals)
{
	tk_value *m = tk_value_map();
	size_t i;

	/* On the heap a map owns its keys: set one by one. */
	if (m->arena == NULL) {
		for (i = 0; i < sh->n; i++)
			tk_value_map_setn(m, sh->e[i].key, sh->e[i].klen, vals[i]);
		return m;
	}
	/* In an arena nothing is freed one by one: the keys are borrowed,
	 * and entries and index are copied whole. Room for two more keys. */
	m->u.map.cap = sh->n + 2;
	m->u.map.e = arena_alloc(m->arena, m->u.map.cap * sizeof(*m->u.map.e));
	memcpy(m->u.map.e, sh->e, sh->n * sizeof(*sh->e));
	for (i = 0; i < sh->n; i++) {
		take(m, vals[i]);
		m->u.map.e[i].v = vals[i];
	}
	m->u.map.n = sh->n;
	if (sh->nslots) {
		m->u.map.slots = arena_alloc(m->arena, sh->nslots * sizeof(*sh->slots));
		memcpy(m->u.map.slots, sh->slots, sh->nslots * sizeof(*sh->slots));
		m->u.map.nslots = sh->nslots;
	}
	return m;
}

const tk_value *
tk_value_map_get(const tk_value *map, const char *key)
{
	return tk_value_map_getn(map, key, strlen(key));
}

const tk_value *
tk_value_map_getn(const tk_value *map, const char *key, size_t klen)
{
	return tk_value_map_geth(map, key, klen, tk_value_key_hash(key, klen));
}

const tk_value *
tk_value_map_geth(const tk_value *map, const char *key, size_t klen, size_t h)
{
	size_t i;

	if (map == NULL || map->kind != TK_VALUE_MAP)
		return NULL;
	if ((i = find(map, key, klen, h)) == SIZE_MAX)
		return NULL;
	return map->u.map.e[i].v;
}

size_t
tk_value_map_len(const tk_value *map)
{
	return map && map->kind == TK_VALUE_MAP ? map->u.map.n : 0;
}

const char *
tk_value_map_key(const tk_value *map, size_t i, size_t *klen)
{
	if (map == NULL || map->kind != TK_VALUE_MAP || i >= map->u.map.n)
		return NULL;
	if (klen)
		*klen = map->u.map.e[i].klen;
	return map->u.map.e[i].key;
}

const tk_value *
tk_value_map_at(const tk_value *map, size_t i)
{
	if (map == NULL || map->kind != TK_VALUE_MAP || i >= map->u.map.n)
		return NULL;
	return map->u.map.e[i].v;
}

/* The program never calls setlocale, so printf and strtod use '.'. */
void
tk_value_put_num(tk_buf *b, double d)
{
	char tmp[40];
	int prec;

	if (d != d) {
		tk_buf_puts(b, "nan");
		return;
	}
	if (d > DBL_MAX || d < -DBL_MAX) {
		tk_buf_puts(b, d > 0 ? "inf" : "-inf");
		return;
	}
	/* Every integer up to 2^53 is exact; -0 prints as 0. */
	if (d >= -9007199254740992.0 && d <= 9007199254740992.0 &&
	    d == (double)(long long)d) {
		/* The common case (counts, percentages) without printf. */
		tk_buf_put_ll(b, (long long)d);
		return;
	}
	for (prec = 1; prec < 17; prec++) {
		snprintf(tmp, sizeof(tmp), "%.*g", prec, d);
		if (strtod(tmp, NULL) == d)
			break;
	}
	if (prec == 17)
		snprintf(tmp, sizeof(tmp), "%.17g", d);
	tk_buf_puts(b, tmp);
}

void
tk_value_put_json_str(tk_buf *b, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	size_t i = 0, start = 0, bad;
	int valid = tk_utf8_valid(s, n, NULL);

	tk_buf_putc(b, '"');
	while (i < n) {
		unsigned char c = (unsigned char)s[i];
		const char *rep = NULL;
		char u[7];

		if (c >= 0x80) {
			/* Valid sequences pass through whole; a bad byte
			 * becomes U+FFFD so the output stays valid JSON. */
			if (valid) {
				i++;
				continue;
			}
			if (!tk_utf8_valid(s + i, n - i < 4 ? n - i : 4, &bad) && bad == 0)
				rep = "\\ufffd";
			else {
				i += c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : 2;
				continue;
			}
		} else if (c == '"')
			rep = "\\\"";
		else if (c == '\\')
			rep = "\\\\";
		else if (c == '\n')
			rep = "\\n";
		else if (c == '\r')
			rep = "\\r";
		else if (c == '\t')
			rep = "\\t";
		else if (c == '\b')
			rep = "\\b";
		else if (c == '\f')
			rep = "\\f";
		else if (c < 0x20) {
			memcpy(u, "\\u00", 4);
			u[4] = hex[c >> 4];
			u[5] = hex[c & 15];
			u[6] = '\0';
			rep = u;
		} else {
			i++;
			continue;
		}
		tk_buf_put(b, s + start, i - start);
		tk_buf_puts(b, rep);
		start = ++i;
	}
	tk_buf_put(b, s + start, n - start);
	tk_buf_putc(b, '"');
}

static void
newline(tk_buf *b, int pretty, int depth)
{
	int i;

	if (!pretty)
		return;
	tk_buf_putc(b, '\n');
	for (i = 0; i < depth; i++)
		tk_buf_puts(b, "  ");
}

static void
write_json(tk_buf *b, const tk_value *v, int pretty, int depth)
{
	size_t i;

	switch (tk_value_kind_of(v)) {
	case TK_VALUE_NULL:
		tk_buf_puts(b, "null");
		break;
	case TK_VALUE_BOOL:
		tk_buf_puts(b, v->u.b ? "true" : "false");
		break;
	case TK_VALUE_NUM:
		if (v->u.num != v->u.num || v->u.num > DBL_MAX || v->u.num < -DBL_MAX)
			tk_buf_puts(b, "null");
		else
			tk_value_put_num(b, v->u.num);
		break;
	case TK_VALUE_STR:
		tk_value_put_json_str(b, v->u.str.s, v->u.str.len);
		break;
	case TK_VALUE_LIST:
		tk_buf_putc(b, '[');
		for (i = 0; i < v->u.list.n; i++) {
			if (i)
				tk_buf_putc(b, ',');
			newline(b, pretty, depth + 1);
			write_json(b, v->u.list.items[i], pretty, depth + 1);
		}
		if (v->u.list.n)
			newline(b, pretty, depth);
		tk_buf_putc(b, ']');
		break;
	case TK_VALUE_MAP:
		tk_buf_putc(b, '{');
		for (i = 0; i < v->u.map.n; i++) {
			if (i)
				tk_buf_putc(b, ',');
			newline(b, pretty, depth + 1);
			tk_value_put_json_str(b, v->u.map.e[i].key, v->u.map.e[i].klen);
			tk_buf_puts(b, pretty ? ": " : ":");
			write_json(b, v->u.map.e[i].v, pretty, depth + 1);
		}
		if (v->u.map.n)
			newline(b, pretty, depth);
		tk_buf_putc(b, '}');
		break;
	}
}

void
tk_value_write_json(tk_buf *b, const tk_value *v, int pretty)
{
	write_json(b, v, pretty, 0);
	if (pretty)
		tk_buf_putc(b, '\n');
}

/* A length in 7-bit groups, low first, the high bit saying more follow:
 * one byte for the short strings and lists of a history. */
static void
digest_len(tk_buf *b, size_t n)
{
	char v[10];
	size_t k = 0;

	do {
		v[k++] = (char)((n & 0x7f) | (n > 0x7f ? 0x80 : 0));
		n >>= 7;
	} while (n);
	tk_buf_put(b, v, k);
}

void
tk_value_digest(tk_buf *b, const tk_value *v)
{
	tk_value_kind k = tk_value_kind_of(v);
	size_t i;

	tk_buf_putc(b, (char)('0' + k));
	switch (k) {
	case TK_VALUE_NULL:
		break;
	case TK_VALUE_BOOL:
		tk_buf_putc(b, v->u.b ? '1' : '0');
		break;
	case TK_VALUE_NUM:
		tk_buf_put(b, (const char *)&v->u.num, sizeof(v->u.num));
		break;
	case TK_VALUE_STR:
		digest_len(b, v->u.str.len);
		tk_buf_put(b, v->u.str.s, v->u.str.len);
		break;
	case TK_VALUE_LIST:
		digest_len(b, v->u.list.n);
		for (i = 0; i < v->u.list.n; i++)
			tk_value_digest(b, v->u.list.items[i]);
		break;
	case TK_VALUE_MAP:
		digest_len(b, v->u.map.n);
		for (i = 0; i < v->u.map.n; i++) {
			digest_len(b, v->u.map.e[i].klen);
			tk_buf_put(b, v->u.map.e[i].key, v->u.map.e[i].klen);
			tk_value_digest(b, v->u.map.e[i].v);
		}
		break;
	}
}

/* YAML 1.2 core schema scalars. */

static int
is_digits(const char *s, const char *digits)
{
	if (*s == '\0')
		return 0;
	for (; *s; s++)
		if (strchr(digits, *s) == NULL)
			return 0;
	return 1;
}

static int
parse_bool(int *out, const char *s)
{
	if (!strcmp(s, "true") || !strcmp(s, "True") || !strcmp(s, "TRUE"))
		*out = 1;
	else if (!strcmp(s, "false") || !strcmp(s, "False") || !strcmp(s, "FALSE"))
		*out = 0;
	else
		return -1;
	return 0;
}

/* Digits in base 8 or 16, accumulated as a double so huge ones round
 * instead of overflowing. */
static double
radix(const char *s, int base)
{
	double d = 0;

	for (; *s; s++)
		d = d * base + (*s <= '9' ? *s - '0' : (*s | 0x20) - 'a' + 10);
	return d;
}

static int
parse_int(double *out, const char *s)
{
	const char *p = s;

	if (s[0] == '0' && s[1] == 'o' && is_digits(s + 2, "01234567")) {
		*out = radix(s + 2, 8);
		return 0;
	}
	if (s[0] == '0' && s[1] == 'x' && is_digits(s + 2, "0123456789abcdefABCDEF")) {
		*out = radix(s + 2, 16);
		return 0;
	}
	if (*p == '-' || *p == '+')
		p++;
	if (!is_digits(p, "0123456789"))
		return -1;
	*out = strtod(s, NULL);
	return 0;
}

static int
parse_float(double *out, const char *s)
{
	const char *p = s;
	int digits = 0;

	if (*p == '-' || *p == '+')
		p++;
	if (!strcmp(p, ".inf") || !strcmp(p, ".Inf") || !strcmp(p, ".INF")) {
		*out = *s == '-' ? -INFINITY : INFINITY;
		return 0;
	}
	if (!strcmp(s, ".nan") || !strcmp(s, ".NaN") || !strcmp(s, ".NAN")) {
		*out = NAN;
		return 0;
	}
	/* [0-9]+ ( . [0-9]* )? or . [0-9]+, then an optional exponent */
	for (; *p >= '0' && *p <= '9'; p++)
		digits++;
	if (*p == '.')
		for (p++; *p >= '0' && *p <= '9'; p++)
			digits++;
	if (digits == 0)
		return -1;
	if (*p == 'e' || *p == 'E') {
		p++;
		if (*p == '-' || *p == '+')
			p++;
		if (!is_digits(p, "0123456789"))
			return -1;
		p += strlen(p);
	}
	if (*p != '\0')
		return -1;
	*out = strtod(s, NULL);
	return 0;
}

/* The short name of a standard tag ("int" for !!int), or NULL. */
static const char *
std_tag(const char *tag)
{
	static const char long_prefix[] = "tag:yaml.org,2002:";

	if (tag == NULL)
		return NULL;
	if (strncmp(tag, "!!", 2) == 0)
		return tag + 2;
	if (strncmp(tag, long_prefix, sizeof(long_prefix) - 1) == 0)
		return tag + sizeof(long_prefix) - 1;
	if (strcmp(tag, "!") == 0)
		return "str";   /* the non-specific tag: not a plain scalar */
	return NULL;
}

static int
scalar(tk_value **out, const tk_ynode *n, const char *path, tk_diag *d)
{
	const char *tag = std_tag(n->tag), *want = NULL;
	double num;
	int b;

	*out = NULL;
	if (tag == NULL || (strcmp(tag, "null") && strcmp(tag, "bool") &&
	    strcmp(tag, "int") && strcmp(tag, "float"))) {
		/* Untagged, !!str, or a tag of some application: resolve
		 * plain scalars, keep the rest as strings. */
		if (n->quoted || (tag && strcmp(tag, "str") == 0))
			*out = tk_value_strn(n->str, n->len);
		else if (tk_yaml_is_null(n))
			*out = tk_value_null();
		else if (parse_bool(&b, n->str) == 0)
			*out = tk_value_bool(b);
		else if (parse_int(&num, n->str) == 0 || parse_float(&num, n->str) == 0)
			*out = tk_value_num(num);
		else
			*out = tk_value_strn(n->str, n->len);
		return 0;
	}
	if (strcmp(tag, "null") == 0) {
		if (n->len == 0 || !strcmp(n->str, "~") || !strcmp(n->str, "null") ||
		    !strcmp(n->str, "Null") || !strcmp(n->str, "NULL"))
			*out = tk_value_null();
		else
			want = "null";
	} else if (strcmp(tag, "bool") == 0) {
		if (parse_bool(&b, n->str) == 0)
			*out = tk_value_bool(b);
		else
			want = "true or false";
	} else if (strcmp(tag, "int") == 0) {
		if (parse_int(&num, n->str) == 0)
			*out = tk_value_num(num);
		else
			want = "an integer";
	} else {
		if (parse_float(&num, n->str) == 0 || parse_int(&num, n->str) == 0)
			*out = tk_value_num(num);
		else
			want = "a number";
	}
	if (want) {
		tk_diag_error(d, path, n->line, n->col,
		    "'%s' is tagged !!%s but is not %s; fix the value or drop the tag",
		    n->str, tag, want);
		return -1;
	}
	return 0;
}

int
tk_value_from_yaml(tk_value **out, const tk_ynode *n, const char *path, tk_diag *d)
{
	tk_value *v = NULL, *kid = NULL;
	size_t i;
	int rc = -1;

	*out = NULL;
	if (n == NULL) {
		*out = tk_value_null();
		return 0;
	}
	switch (n->kind) {
	case TK_YAML_SCALAR:
		return scalar(out, n, path, d);
	case TK_YAML_SEQ:
		v = tk_value_list();
		for (i = 0; i < n->n; i++) {
			if (tk_value_from_yaml(&kid, n->kids[i], path, d) < 0)
				goto out;
			tk_value_list_push(v, kid);
		}
		break;
	case TK_YAML_MAP:
		v = tk_value_map();
		for (i = 0; i + 1 < n->n; i += 2) {
			if (tk_value_from_yaml(&kid, n->kids[i + 1], path, d) < 0)
				goto out;
			/* The loader guarantees scalar keys. */
			tk_value_map_setn(v, n->kids[i]->str, n->kids[i]->len, kid);
		}
		break;
	}
	*out = v;
	v = NULL;
	rc = 0;
out:
	tk_value_free(v);
	return rc;
}
