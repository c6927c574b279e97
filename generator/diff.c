/* diff.c: see diff.h. Both versions are flattened into arrays of items in
 * roadmap order (entities, tasks, subtasks), matched by id and then by
 * similarity, classified, and walked once more in the new version's order
 * to build the value tree. The writers read only the tree, so a page, the
 * JSON and the terminal show the same thing. */
#include "diff.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static const char *const kind_names[TK_DIFF_KIND_COUNT] = {
	"added", "removed", "renumbered", "moved", "reworded", "criticality", "due",
	"phase", "start_first_dropped", "start_first_added", "carried",
};

const char *
tk_diff_kind_name(tk_diff_kind k)
{
	return k < TK_DIFF_KIND_COUNT ? kind_names[k] : "unknown";
}

#define KIND(k) (1u << (k))
/* counts[] carries one slot past the kinds for inferred matches */
#define N_INFERRED TK_DIFF_KIND_COUNT

static const char method[] =
	"stable ids first; items without a shared id by word similarity "
	"2*LCS/(m+n) >= 0.6 anywhere, or >= 0.4 with the same number under "
	"matched parents (such matches are inferred)";

/* ---- small value helpers ---- */

static tk_value *
set_list(tk_value *m, const char *k)
{
	tk_value *l = tk_value_list();

	tk_value_map_set(m, k, l);
	return l;
}

static tk_value *
set_map(tk_value *m, const char *k)
{
	tk_value *v = tk_value_map();

	tk_value_map_set(m, k, v);
	return v;
}

static tk_value *
push_map(tk_value *l)
{
	tk_value *v = tk_value_map();

	tk_value_list_push(l, v);
	return v;
}

static void
push_str(tk_value *l, const char *s)
{
	tk_value_list_push(l, tk_value_str(s));
}

static const tk_value *
get(const tk_value *m, const char *k)
{
	return m ? tk_value_map_get(m, k) : NULL;
}

static const char *
gstr(const tk_value *m, const char *k)
{
	const tk_value *v = get(m, k);

	return v ? tk_value_get_str(v, NULL) : NULL;
}

/* The same for printing: "" when absent. */
static const char *
gs(const tk_value *m, const char *k)
{
	const char *s = gstr(m, k);

	return s ? s : "";
}

static double
gnum(const tk_value *m, const char *k)
{
	return tk_value_get_num(get(m, k));
}

static int
gbool(const tk_value *m, const char *k)
{
	return tk_value_get_bool(get(m, k));
}

/* A map's value or NULL when it is null. */
static const tk_value *
gmap(const tk_value *m, const char *k)
{
	const tk_value *v = get(m, k);

	return v && tk_value_kind_of(v) == TK_VALUE_MAP ? v : NULL;
}

static double
round2(double x)
{
	return floor(x * 100 + 0.5) / 100;
}

static int
streq(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

static int
text_eq(const tk_text *a, const tk_text *b)
{
	return streq(a->fi, b->fi) && streq(a->sv, b->sv) && streq(a->en, b->en);
}

static void
put_quarter(char *buf, size_t n, int q)
{
	snprintf(buf, n, "%d-Q%d", q / 4, q % 4 + 1);
}

static void
put_date(char *buf, size_t n, tk_date d)
{
	snprintf(buf, n, "%04d-%02d-%02d", d.y, d.m, d.d);
}

static void
put_period(char *buf, size_t n, int p)
{
	snprintf(buf, n, "%04d-%02d", p / 12, p % 12 + 1);
}

/* ---- words ---- */

static uint32_t
utf8_next(const char *str, size_t n, size_t *i)
{
	const unsigned char *s = (const unsigned char *)str;
	unsigned char c = s[*i];
	uint32_t cp;
	size_t len, k;

	if (c < 0x80) {
		(*i)++;
		return c;
	}
	if (c >= 0xc2 && c < 0xe0)
		len = 2, cp = c & 0x1f;
	else if (c >= 0xe0 && c < 0xf0)
		len = 3, cp = c & 0x0f;
	else if (c >= 0xf0 && c < 0xf5)
		len = 4, cp = c & 0x07;
	else {
		(*i)++;
		return 0xfffd;
	}
	if (*i + len > n) {
		(*i)++;
		return 0xfffd;
	}
	for (k = 1; k < len; k++) {
		if ((s[*i + k] & 0xc0) != 0x80) {
			(*i)++;
			return 0xfffd;
		}
		cp = cp << 6 | (s[*i + k] & 0x3f);
	}
	*i += len;
	return cp;
}

static void
put_utf8(tk_buf *b, uint32_t c)
{
	char s[4];

	if (c < 0x80)
		s[0] = (char)c, tk_buf_put(b, s, 1);
	else if (c < 0x800) {
		s[0] = (char)(0xc0 | c >> 6);
		s[1] = (char)(0x80 | (c & 0x3f));
		tk_buf_put(b, s, 2);
	} else if (c < 0x10000) {
		s[0] = (char)(0xe0 | c >> 12);
		s[1] = (char)(0x80 | (c >> 6 & 0x3f));
		s[2] = (char)(0x80 | (c & 0x3f));
		tk_buf_put(b, s, 3);
	} else {
		s[0] = (char)(0xf0 | c >> 18);
		s[1] = (char)(0x80 | (c >> 12 & 0x3f));
		s[2] = (char)(0x80 | (c >> 6 & 0x3f));
		s[3] = (char)(0x80 | (c & 0x3f));
		tk_buf_put(b, s, 4);
	}
}

/* Letters and digits; dashes, quotes, arrows and the private-use symbol
 * font characters of the PDF text are not words. */
static int
is_word(uint32_t c)
{
	if (c < 0x80)
		return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
	if (c < 0xc0 || c == 0xd7 || c == 0xf7)
		return 0;
	if (c < 0x2000)
		return 1;
	if (c < 0x2c00 || (c >= 0x3000 && c < 0x3040) || (c >= 0xe000 && c < 0xf900))
		return 0;
	return c != 0xfeff && c != 0xfffd;
}

static uint32_t
lower(uint32_t c)
{
	if (c >= 'A' && c <= 'Z')
		return c + 32;
	if (c >= 0xc0 && c <= 0xde && c != 0xd7)
		return c + 0x20;
	if (c >= 0x100 && c < 0x17f && c % 2 == 0 && !(c >= 0x138 && c <= 0x148))
		return c + 1;
	return c;
}

/* Normalised words become small integers so that comparing them is cheap. */
typedef struct {
	tk_strmap *map;
	tk_arena *arena;
	int n;
} interner;

static void
intern_init(interner *in)
{
	in->map = tk_strmap_new();
	in->arena = tk_arena_new();
	in->n = 0;
}

static void
intern_free(interner *in)
{
	tk_strmap_free(in->map);
	tk_arena_free(in->arena);
}

static int
intern(interner *in, const char *s)
{
	void *v = tk_strmap_get(in->map, s);

	if (v)
		return (int)((uintptr_t)v - 1);
	tk_strmap_put(in->map, tk_arena_strdup(in->arena, s), (void *)(uintptr_t)(in->n + 1));
	return in->n++;
}

/* The normalised words of s[0..len), in the interner's arena. */
static int *
norm_words(interner *in, const char *s, size_t len, size_t *count)
{
	tk_buf w = TK_BUF_INIT;
	int *tok = NULL, *out;
	size_t n = 0, cap = 0, i = 0;

	while (i <= len) {
		uint32_t c = 0;

		if (i < len)
			c = utf8_next(s, len, &i);
		else
			i++;
		if (c && is_word(c)) {
			put_utf8(&w, lower(c));
			continue;
		}
		if (w.len == 0)
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			tok = xrealloc(tok, cap * sizeof(*tok));
		}
		tok[n++] = intern(in, w.data);
		tk_buf_reset(&w);
	}
	out = tk_arena_alloc(in->arena, (n + 1) * sizeof(*out));
	if (n)
		memcpy(out, tok, n * sizeof(*out));
	free(tok);
	tk_buf_free(&w);
	*count = n;
	return out;
}

static size_t
lcs_len(const int *a, size_t n, const int *b, size_t m)
{
	size_t *row, i, j, prev, tmp, best;

	if (n == 0 || m == 0)
		return 0;
	row = xcalloc(m + 1, sizeof(*row));
	for (i = 0; i < n; i++) {
		prev = 0;
		for (j = 0; j < m; j++) {
			tmp = row[j + 1];
			if (a[i] == b[j])
				row[j + 1] = prev + 1;
			else if (row[j] > row[j + 1])
				row[j + 1] = row[j];
			prev = tmp;
		}
	}
	best = row[m];
	free(row);
	return best;
}

static double
similarity(const int *a, size_t n, const int *b, size_t m)
{
	if (n + m == 0)
		return 1.0;
	return 2.0 * (double)lcs_len(a, n, b, m) / (double)(n + m);
}

double
tk_diff_similarity(const char *a, const char *b)
{
	interner in;
	size_t n, m;
	const int *x, *y;
	double s;

	intern_init(&in);
	x = norm_words(&in, a ? a : "", a ? strlen(a) : 0, &n);
	y = norm_words(&in, b ? b : "", b ? strlen(b) : 0, &m);
	s = similarity(x, n, y, m);
	intern_free(&in);
	return s;
}

/* ---- alignment ---- */

typedef int (*eq_fn)(const void *ctx, size_t i, size_t j);

/* Bounds the table of one alignment (64 MiB of cells). */
enum { ALIGN_MAX_CELLS = 1 << 24 };

/* Sets ma[i] to the index in b aligned with a[i], or -1: a longest common
 * subsequence under eq. The common prefix and suffix are taken first; a
 * middle larger than ALIGN_MAX_CELLS stays unaligned (shown as deleted and
 * inserted) rather than exhaust memory. */
static void
align(size_t n, size_t m, eq_fn eq, const void *ctx, long *ma)
{
	size_t lo = 0, ha = n, hb = m, i, j, h, w;
	unsigned *dp;

	for (i = 0; i < n; i++)
		ma[i] = -1;
	while (lo < n && lo < m && eq(ctx, lo, lo)) {
		ma[lo] = (long)lo;
		lo++;
	}
	while (ha > lo && hb > lo && eq(ctx, ha - 1, hb - 1)) {
		ma[ha - 1] = (long)(hb - 1);
		ha--, hb--;
	}
	h = ha - lo;
	w = hb - lo;
	if (h == 0 || w == 0 || h + 1 > ALIGN_MAX_CELLS / (w + 1))
		return;
	dp = xcalloc((h + 1) * (w + 1), sizeof(*dp));
#define DP(i, j) dp[(i) * (w + 1) + (j)]
	for (i = h; i-- > 0;)
		for (j = w; j-- > 0;) {
			if (eq(ctx, lo + i, lo + j))
				DP(i, j) = DP(i + 1, j + 1) + 1;
			else
				DP(i, j) = DP(i + 1, j) >= DP(i, j + 1) ? DP(i + 1, j) : DP(i, j + 1);
		}
	i = j = 0;
	while (i < h && j < w) {
		if (eq(ctx, lo + i, lo + j) && DP(i, j) == DP(i + 1, j + 1) + 1) {
			ma[lo + i] = (long)(lo + j);
			i++, j++;
		} else if (DP(i + 1, j) >= DP(i, j + 1))
			i++;
		else
			j++;
	}
#undef DP
	free(dp);
}

typedef struct {
	const char *s;
	size_t n;
} span;

static size_t
split_ws(const char *s, span **out)
{
	span *v = NULL;
	size_t n = 0, cap = 0, i = 0, len = s ? strlen(s) : 0;

	while (i < len) {
		size_t st;

		while (i < len && strchr(" \t\r\n\f\v", s[i]))
			i++;
		if (i == len)
			break;
		for (st = i; i < len && !strchr(" \t\r\n\f\v", s[i]); i++)
			;
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			v = xrealloc(v, cap * sizeof(*v));
		}
		v[n].s = s + st;
		v[n++].n = i - st;
	}
	*out = v;
	return n;
}

/* Lines without their ends; a final line end adds no empty line. */
static size_t
split_lines(const char *s, span **out)
{
	span *v = NULL;
	size_t n = 0, cap = 0, i = 0, len = s ? strlen(s) : 0;

	while (i < len) {
		size_t st = i, e;

		while (i < len && s[i] != '\n')
			i++;
		e = i;
		if (e > st && s[e - 1] == '\r')
			e--;
		if (i < len)
			i++;
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			v = xrealloc(v, cap * sizeof(*v));
		}
		v[n].s = s + st;
		v[n++].n = e - st;
	}
	*out = v;
	return n;
}

static int
span_eq(const void *ctx, size_t i, size_t j)
{
	const span *const *p = ctx;
	const span *a = &p[0][i], *b = &p[1][j];

	return a->n == b->n && memcmp(a->s, b->s, a->n) == 0;
}

enum { OP_SAME, OP_DEL, OP_INS };
static const char *const op_names[] = { "same", "del", "ins" };

/* Collects words into segments of one operation each. */
typedef struct {
	tk_value *list;
	int op;
	tk_buf text;
} segs;

static void
segs_flush(segs *sg)
{
	tk_value *m;

	if (sg->text.len == 0)
		return;
	m = push_map(sg->list);
	tk_value_set_str(m, "op", op_names[sg->op]);
	tk_value_map_set(m, "text", tk_value_strn(sg->text.data, sg->text.len));
	tk_buf_reset(&sg->text);
}

static void
segs_add(segs *sg, int op, const span *w)
{
	if (sg->op != op)
		segs_flush(sg);
	sg->op = op;
	if (sg->text.len)
		tk_buf_putc(&sg->text, ' ');
	tk_buf_put(&sg->text, w->s, w->n);
}

tk_value *
tk_diff_words(const char *old_text, const char *new_text)
{
	span *w[2];
	size_t n = split_ws(old_text, &w[0]), m = split_ws(new_text, &w[1]), i = 0, j = 0;
	long *ma = xcalloc(n + 1, sizeof(*ma));
	segs sg = { tk_value_list(), OP_SAME, TK_BUF_INIT };

	align(n, m, span_eq, w, ma);
	while (i < n || j < m) {
		size_t target;

		if (i < n && ma[i] < 0) {
			segs_add(&sg, OP_DEL, &w[0][i++]);
			continue;
		}
		target = i < n ? (size_t)ma[i] : m;
		while (j < target)
			segs_add(&sg, OP_INS, &w[1][j++]);
		if (i < n) {
			segs_add(&sg, OP_SAME, &w[0][i++]);
			j++;
		}
	}
	segs_flush(&sg);
	tk_buf_free(&sg.text);
	free(ma);
	free(w[0]);
	free(w[1]);
	return sg.list;
}

/* Lines of a hunk that are alike enough to show as one changed line. */
typedef struct {
	const int *const *tok[2];
	const size_t *ntok[2];
} line_sim;

static int
line_alike(const void *ctx, size_t i, size_t j)
{
	const line_sim *ls = ctx;
	size_t n = ls->ntok[0][i], m = ls->ntok[1][j];

	return n && m && similarity(ls->tok[0][i], n, ls->tok[1][j], m) >= 0.5;
}

static void
push_line(tk_value *lines, int op, const span *l)
{
	tk_value *m = push_map(lines);

	tk_value_set_str(m, "op", op_names[op]);
	tk_value_map_set(m, "text", tk_value_strn(l->s, l->n));
}

static void
push_changed(tk_value *lines, const span *a, const span *b)
{
	tk_value *m = push_map(lines);
	char *x = xstrndup(a->s, a->n), *y = xstrndup(b->s, b->n);

	tk_value_set_str(m, "op", "changed");
	tk_value_map_set(m, "words", tk_diff_words(x, y));
	free(x);
	free(y);
}

/* One run of unequal lines: pairs alike lines, the rest is del/ins. */
static void
text_hunk(tk_value *lines, const span *a, size_t n, const span *b, size_t m)
{
	interner in;
	int **ta = xcalloc(n + 1, sizeof(*ta)), **tb = xcalloc(m + 1, sizeof(*tb));
	size_t *na = xcalloc(n + 1, sizeof(*na)), *nb = xcalloc(m + 1, sizeof(*nb)), i, j = 0;
	long *ma = xcalloc(n + 1, sizeof(*ma));
	line_sim ls;

	intern_init(&in);
	for (i = 0; i < n; i++)
		ta[i] = norm_words(&in, a[i].s, a[i].n, &na[i]);
	for (i = 0; i < m; i++)
		tb[i] = norm_words(&in, b[i].s, b[i].n, &nb[i]);
	ls.tok[0] = (const int *const *)ta;
	ls.tok[1] = (const int *const *)tb;
	ls.ntok[0] = na;
	ls.ntok[1] = nb;
	align(n, m, line_alike, &ls, ma);
	for (i = 0; i < n; i++) {
		if (ma[i] < 0) {
			push_line(lines, OP_DEL, &a[i]);
			continue;
		}
		while (j < (size_t)ma[i])
			push_line(lines, OP_INS, &b[j++]);
		push_changed(lines, &a[i], &b[j++]);
	}
	while (j < m)
		push_line(lines, OP_INS, &b[j++]);
	intern_free(&in);
	free(ta);
	free(tb);
	free(na);
	free(nb);
	free(ma);
}

tk_value *
tk_diff_text(const char *old_text, const char *new_text)
{
	span *l[2];
	size_t n = split_lines(old_text, &l[0]), m = split_lines(new_text, &l[1]);
	size_t i = 0, j = 0, i0, j0;
	long *ma = xcalloc(n + 1, sizeof(*ma));
	tk_value *v = tk_value_map(), *lines;
	int changed = 0;

	tk_value_set_bool(v, "changed", 0);
	lines = set_list(v, "lines");
	align(n, m, span_eq, l, ma);
	while (i < n || j < m) {
		i0 = i, j0 = j;
		while (i < n && ma[i] < 0)
			i++;
		while (j < (i < n ? (size_t)ma[i] : m))
			j++;
		if (i > i0 || j > j0) {
			/* A text without lines (no intro) has no array to offset. */
			text_hunk(lines, l[0] ? l[0] + i0 : NULL, i - i0, l[1] ? l[1] + j0 : NULL,
			    j - j0);
			changed = 1;
		}
		if (i < n) {
			push_line(lines, OP_SAME, &l[0][i]);
			i++, j++;
		}
	}
	tk_value_set_bool(v, "changed", changed);
	free(ma);
	free(l[0]);
	free(l[1]);
	return v;
}

/* ---- the two versions as items ---- */

enum { ENT, TASK, SUB, NLEVEL };
static const char *const level_names[] = { "entity", "task", "subtask" };

typedef struct item item;
struct item {
	int level;
	const void *p;          /* tk_entity, tk_task or tk_subtask */
	const char *id, *number, *group;
	const tk_text *title;
	item *parent;           /* same side */
	size_t first, nkids;    /* direct children in the next level's array */
	size_t sfirst, nsub;    /* all subtasks under it */
	size_t pos;             /* roadmap order within its level */
	int *tok;
	size_t ntok;
	item *match;
	int inferred;
	double sim;
	tk_value *change;       /* borrowed from the tree, when emitted */
};

typedef struct {
	const tk_model *m;
	const tk_version *v;
	item *it[NLEVEL];
	size_t n[NLEVEL];
	tk_strmap *ids;         /* id -> item */
} side;

struct tk_diff {
	side s[2];              /* old, new */
	interner in;
	tk_value *value;
	int equal;
};

static const char *
nz(const char *s)
{
	return s ? s : "";
}

static void
fill(side *sd, interner *in, item *it, int level, const void *p, const char *id,
    const char *number, const tk_text *title, const char *group, item *parent, size_t pos)
{
	it->level = level;
	it->p = p;
	it->id = nz(id);
	it->number = nz(number);
	it->title = title;
	it->group = group;
	it->parent = parent;
	it->pos = pos;
	it->tok = norm_words(in, nz(title->fi), strlen(nz(title->fi)), &it->ntok);
	if (id && tk_strmap_get(sd->ids, id) == NULL)
		tk_strmap_put(sd->ids, id, it);
}

static void
side_build(side *sd, interner *in, const tk_model *m, const tk_version *v)
{
	size_t e, t, s, nt = 0, ns = 0;

	sd->m = m;
	sd->v = v;
	sd->ids = tk_strmap_new();
	for (e = 0; e < v->nentities; e++) {
		nt += v->entities[e]->ntasks;
		for (t = 0; t < v->entities[e]->ntasks; t++)
			ns += v->entities[e]->tasks[t].nsubtasks;
	}
	sd->it[ENT] = xcalloc(v->nentities + 1, sizeof(item));
	sd->it[TASK] = xcalloc(nt + 1, sizeof(item));
	sd->it[SUB] = xcalloc(ns + 1, sizeof(item));
	for (e = 0; e < v->nentities; e++) {
		const tk_entity *en = v->entities[e];
		item *ie = &sd->it[ENT][sd->n[ENT]];

		fill(sd, in, ie, ENT, en, en->id, en->number, &en->title,
		    en->group ? en->group->id : "", NULL, sd->n[ENT]++);
		ie->first = sd->n[TASK];
		ie->nkids = en->ntasks;
		ie->sfirst = sd->n[SUB];
		for (t = 0; t < en->ntasks; t++) {
			const tk_task *ta = &en->tasks[t];
			item *itk = &sd->it[TASK][sd->n[TASK]];

			fill(sd, in, itk, TASK, ta, ta->id, ta->number, &ta->title, ie->group,
			    ie, sd->n[TASK]++);
			itk->first = itk->sfirst = sd->n[SUB];
			itk->nkids = itk->nsub = ta->nsubtasks;
			for (s = 0; s < ta->nsubtasks; s++) {
				const tk_subtask *st = &ta->subtasks[s];

				fill(sd, in, &sd->it[SUB][sd->n[SUB]], SUB, st, st->id, st->number,
				    &st->title, ie->group, itk, sd->n[SUB]);
				sd->n[SUB]++;
			}
		}
		ie->nsub = sd->n[SUB] - ie->sfirst;
	}
}

static void
side_free(side *sd)
{
	int l;

	for (l = 0; l < NLEVEL; l++)
		free(sd->it[l]);
	tk_strmap_free(sd->ids);
}

/* ---- matching ---- */

static void
link_items(item *o, item *n, int inferred, double sim)
{
	o->match = n;
	n->match = o;
	o->inferred = n->inferred = inferred;
	o->sim = n->sim = sim;
}

static void
match_ids(tk_diff *d)
{
	size_t i;
	int l;

	for (l = 0; l < NLEVEL; l++)
		for (i = 0; i < d->s[0].n[l]; i++) {
			item *o = &d->s[0].it[l][i], *n = tk_strmap_get(d->s[1].ids, o->id);

			if (n && n->level == l && n->match == NULL)
				link_items(o, n, 0, 1.0);
		}
}

static const item *
ancestor(const item *it, int level)
{
	while (it && it->level > level)
		it = it->parent;
	return it;
}

/* The share of subtasks o and n hold in common. */
static double
share(const tk_diff *d, const item *o, const item *n)
{
	const item *subs = d->s[0].it[SUB];
	size_t k, c = 0;

	if (o->nsub + n->nsub == 0)
		return 0;
	for (k = o->sfirst; k < o->sfirst + o->nsub; k++)
		if (subs[k].match && ancestor(subs[k].match, n->level) == n)
			c++;
	return 2.0 * (double)c / (double)(o->nsub + n->nsub);
}

static int
context(const item *o, const item *n)
{
	switch (o->level) {
	case ENT:
		return strcmp(o->group, n->group) == 0;
	case TASK:
		return o->parent->match == n->parent;
	default:
		if (o->parent->match == n->parent)
			return 2;
		return o->parent->parent->match == n->parent->parent;
	}
}

static int
same_place(const item *o, const item *n)
{
	if (strcmp(o->number, n->number) != 0)
		return 0;
	if (o->level == ENT)
		return strcmp(o->group, n->group) == 0;
	return o->parent->match == n->parent;
}

typedef struct {
	item *o, *n;
	double s;
	int ctx;
} cand;

static int
cmp_cand(const void *a, const void *b)
{
	const cand *x = a, *y = b;

	if (x->s != y->s)
		return x->s > y->s ? -1 : 1;
	if (x->ctx != y->ctx)
		return x->ctx > y->ctx ? -1 : 1;
	if (x->o->pos != y->o->pos)
		return x->o->pos < y->o->pos ? -1 : 1;
	if (x->n->pos != y->n->pos)
		return x->n->pos < y->n->pos ? -1 : 1;
	return 0;
}

/* Matches the level's leftovers by similarity, best pairs first. */
static void
infer(tk_diff *d, int level, int place)
{
	side *so = &d->s[0], *sn = &d->s[1];
	double t = place ? TK_DIFF_THRESHOLD_PLACE : TK_DIFF_THRESHOLD;
	cand *c = NULL;
	size_t nc = 0, cap = 0, i, j;

	for (i = 0; i < so->n[level]; i++) {
		item *o = &so->it[level][i];

		if (o->match)
			continue;
		for (j = 0; j < sn->n[level]; j++) {
			item *n = &sn->it[level][j];
			size_t lo = o->ntok < n->ntok ? o->ntok : n->ntok;
			double s;

			if (n->match || (place && !same_place(o, n)))
				continue;
			/* Words alone decide subtasks: skip what cannot reach t. */
			if (level == SUB && o->ntok + n->ntok &&
			    2.0 * (double)lo / (double)(o->ntok + n->ntok) < t)
				continue;
			s = similarity(o->tok, o->ntok, n->tok, n->ntok);
			if (level != SUB) {
				double sh = share(d, o, n);

				if (sh > s)
					s = sh;
			}
			if (s < t)
				continue;
			if (nc == cap) {
				cap = cap ? cap * 2 : 64;
				c = xrealloc(c, cap * sizeof(*c));
			}
			c[nc].o = o;
			c[nc].n = n;
			c[nc].s = s;
			c[nc++].ctx = context(o, n);
		}
	}
	if (nc)
		qsort(c, nc, sizeof(*c), cmp_cand);
	for (i = 0; i < nc; i++)
		if (c[i].o->match == NULL && c[i].n->match == NULL)
			link_items(c[i].o, c[i].n, 1, c[i].s);
	free(c);
}

static void
match_all(tk_diff *d)
{
	int l;

	match_ids(d);
	for (l = ENT; l < NLEVEL; l++) {
		infer(d, l, 0);
		infer(d, l, 1);
	}
	/* Again bottom-up, now that the subtasks they share are known. */
	for (l = TASK; l >= ENT; l--) {
		infer(d, l, 0);
		infer(d, l, 1);
	}
	infer(d, SUB, 1);
}

/* ---- classification and the tree ---- */

static unsigned
classify(const item *o, const item *n)
{
	unsigned k = 0;
	int moved;

	if (o->level == ENT)
		moved = strcmp(o->group, n->group) != 0;
	else
		moved = o->parent->match != n->parent;
	if (moved)
		k |= KIND(TK_DIFF_MOVED);
	else if (strcmp(o->number, n->number) != 0)
		k |= KIND(TK_DIFF_RENUMBERED);
	if (!text_eq(o->title, n->title))
		k |= KIND(TK_DIFF_REWORDED);
	if (o->level == SUB) {
		const tk_subtask *a = o->p, *b = n->p;

		if (!a->critical != !b->critical)
			k |= KIND(TK_DIFF_CRITICALITY);
		if (a->due != b->due)
			k |= KIND(TK_DIFF_DUE);
		if (a->phase != b->phase)
			k |= KIND(TK_DIFF_PHASE);
		if (a->start_first && !b->start_first)
			k |= KIND(TK_DIFF_START_FIRST_DROPPED);
		if (!a->start_first && b->start_first)
			k |= KIND(TK_DIFF_START_FIRST_ADDED);
	} else if (o->level == ENT) {
		const tk_entity *a = o->p, *b = n->p;

		if (b->carried_from && !streq(a->carried_from, b->carried_from))
			k |= KIND(TK_DIFF_CARRIED);
	}
	return k;
}

static void
set_text(tk_value *m, const char *key, const tk_text *t)
{
	tk_buf k = TK_BUF_INIT;

	tk_value_set_str(m, key, t->fi);
	if (t->sv) {
		tk_buf_printf(&k, "%s_sv", key);
		tk_value_set_str(m, k.data, t->sv);
	}
	if (t->en) {
		tk_buf_reset(&k);
		tk_buf_printf(&k, "%s_en", key);
		tk_value_set_str(m, k.data, t->en);
	}
	tk_buf_free(&k);
}

static void
subtask_fields(tk_value *v, const tk_subtask *st)
{
	char q[32];

	tk_value_set_str(v, "task", st->task->id);
	tk_value_set_str(v, "task_number", st->task->number);
	tk_value_set_str(v, "task_title", st->task->title.fi);
	tk_value_set_str(v, "entity", st->task->entity->id);
	tk_value_set_str(v, "entity_number", st->task->entity->number);
	tk_value_set_str(v, "entity_title", st->task->entity->title.fi);
	tk_value_set_bool(v, "critical", st->critical);
	put_quarter(q, sizeof(q), st->due);
	tk_value_set_str(v, "due", q);
	tk_value_set_num(v, "phase", st->phase);
	tk_value_set_bool(v, "start_first", st->start_first);
}

static tk_value *
item_value(const item *it)
{
	tk_value *v = tk_value_map();

	tk_value_set_str(v, "id", it->id);
	tk_value_set_str(v, "number", it->number);
	set_text(v, "title", it->title);
	tk_value_set_str(v, "group", it->group);
	if (it->level == ENT) {
		const tk_entity *e = it->p;

		tk_value_set_str(v, "carried_from", e->carried_from);
	} else if (it->level == TASK) {
		const tk_task *t = it->p;

		tk_value_set_str(v, "entity", t->entity->id);
		tk_value_set_str(v, "entity_number", t->entity->number);
		tk_value_set_str(v, "entity_title", t->entity->title.fi);
	} else
		subtask_fields(v, it->p);
	return v;
}

static void
set_kinds(tk_value *m, unsigned kinds)
{
	tk_value *l = set_list(m, "kinds");
	int k;

	for (k = 0; k < TK_DIFF_KIND_COUNT; k++)
		if (kinds & KIND(k))
			push_str(l, kind_names[k]);
}

static void
set_words(tk_value *m, const tk_text *a, const tk_text *b)
{
	if (!streq(a->fi, b->fi))
		tk_value_map_set(m, "words", tk_diff_words(a->fi, b->fi));
	if (!streq(a->sv, b->sv))
		tk_value_map_set(m, "words_sv", tk_diff_words(a->sv, b->sv));
	if (!streq(a->en, b->en))
		tk_value_map_set(m, "words_en", tk_diff_words(a->en, b->en));
}

static tk_value *
change_value(unsigned kinds, const item *o, const item *n)
{
	tk_value *v = tk_value_map();
	int inferred = o && n && n->inferred;

	tk_value_set_str(v, "level", level_names[(o ? o : n)->level]);
	set_kinds(v, kinds);
	tk_value_set_str(v, "id", (n ? n : o)->id);
	tk_value_set_bool(v, "inferred", inferred);
	if (inferred)
		tk_value_set_num(v, "similarity", round2(n->sim));
	tk_value_map_set(v, "old", o ? item_value(o) : tk_value_null());
	tk_value_map_set(v, "new", n ? item_value(n) : tk_value_null());
	if (kinds & KIND(TK_DIFF_REWORDED))
		set_words(v, o->title, n->title);
	if (kinds & KIND(TK_DIFF_CARRIED)) {
		const tk_entity *e = n->p;
		tk_value *c = set_map(v, "carried");

		tk_value_set_str(c, "from", e->carried_from);
		tk_value_set_str(c, "reason", e->carried_reason);
	}
	return v;
}

/* Builds one group's part of the tree. */
typedef struct {
	tk_diff *d;
	tk_value *changes, *inferred;
	int counts[TK_DIFF_KIND_COUNT + 1];
} emitter;

static void
count(emitter *e, unsigned kinds)
{
	int k;

	for (k = 0; k < TK_DIFF_KIND_COUNT; k++)
		if (kinds & KIND(k))
			e->counts[k]++;
}

static void emit_children(emitter *e, item **nk, size_t nn, item **ok, size_t no);

static size_t
kids_of(const tk_diff *d, int side_i, const item *p, item ***out)
{
	const side *sd = &d->s[side_i];
	item **k;
	size_t i;

	if (p == NULL || p->level == SUB) {
		*out = NULL;
		return 0;
	}
	k = xcalloc(p->nkids + 1, sizeof(*k));
	for (i = 0; i < p->nkids; i++)
		k[i] = &sd->it[p->level + 1][p->first + i];
	*out = k;
	return p->nkids;
}

static void
emit_removed(emitter *e, item *o)
{
	item **k;
	size_t n, i;

	o->change = change_value(KIND(TK_DIFF_REMOVED), o, NULL);
	tk_value_list_push(e->changes, o->change);
	count(e, KIND(TK_DIFF_REMOVED));
	n = kids_of(e->d, 0, o, &k);
	for (i = 0; i < n; i++)
		if (k[i]->match == NULL)
			emit_removed(e, k[i]);
	free(k);
}

static void
emit_new(emitter *e, item *n)
{
	item *o = n->match, **nk, **ok;
	unsigned kinds = o ? classify(o, n) : KIND(TK_DIFF_ADDED);
	size_t nn, no;

	if (kinds) {
		n->change = change_value(kinds, o, n);
		tk_value_list_push(e->changes, n->change);
		count(e, kinds);
	}
	if (o && n->inferred) {
		tk_value *m = push_map(e->inferred);

		tk_value_set_str(m, "level", level_names[n->level]);
		tk_value_set_str(m, "old", o->id);
		tk_value_set_str(m, "new", n->id);
		tk_value_set_str(m, "old_number", o->number);
		tk_value_set_str(m, "new_number", n->number);
		tk_value_set_num(m, "similarity", round2(n->sim));
		e->counts[N_INFERRED]++;
	}
	nn = kids_of(e->d, 1, n, &nk);
	no = kids_of(e->d, 0, o, &ok);
	emit_children(e, nk, nn, ok, no);
	free(nk);
	free(ok);
}

/* The new children in order; each removed old child follows the new
 * place of its nearest old predecessor that stayed under this parent. */
static void
emit_children(emitter *e, item **nk, size_t nn, item **ok, size_t no)
{
	long *anchor = xcalloc(no + 1, sizeof(*anchor));
	size_t r, q, k;
	long a;

	for (r = 0; r < no; r++) {
		anchor[r] = -1;
		if (ok[r]->match)
			continue;
		for (q = r; q-- > 0 && anchor[r] < 0;)
			for (k = 0; ok[q]->match && k < nn; k++)
				if (nk[k] == ok[q]->match) {
					anchor[r] = (long)k;
					break;
				}
	}
	for (a = -1; a < (long)nn; a++) {
		if (a >= 0)
			emit_new(e, nk[a]);
		for (r = 0; r < no; r++)
			if (ok[r]->match == NULL && anchor[r] == a)
				emit_removed(e, ok[r]);
	}
	free(anchor);
}

static size_t
group_entities(const tk_diff *d, int side_i, const char *gid, item ***out)
{
	const side *sd = &d->s[side_i];
	item **k = xcalloc(sd->n[ENT] + 1, sizeof(*k));
	size_t i, n = 0;

	for (i = 0; i < sd->n[ENT]; i++)
		if (strcmp(sd->it[ENT][i].group, gid) == 0)
			k[n++] = &sd->it[ENT][i];
	*out = k;
	return n;
}

static const tk_group *
group_by_id(const tk_model *m, const char *id)
{
	size_t i;

	for (i = 0; i < tk_model_ngroups(m); i++)
		if (strcmp(tk_model_group(m, i)->id, id) == 0)
			return tk_model_group(m, i);
	return NULL;
}

static tk_value *
group_item(const tk_group *g)
{
	tk_value *v = tk_value_map();

	tk_value_set_str(v, "id", g->id);
	tk_value_set_str(v, "number", g->short_name);
	set_text(v, "title", &g->title);
	return v;
}

static tk_value *
group_change(unsigned kinds, const tk_group *a, const tk_group *b)
{
	tk_value *v = tk_value_map();

	tk_value_set_str(v, "level", "group");
	set_kinds(v, kinds);
	tk_value_set_str(v, "id", (b ? b : a)->id);
	tk_value_set_bool(v, "inferred", 0);
	tk_value_map_set(v, "old", a ? group_item(a) : tk_value_null());
	tk_value_map_set(v, "new", b ? group_item(b) : tk_value_null());
	if (kinds & KIND(TK_DIFF_REWORDED))
		set_words(v, &a->title, &b->title);
	return v;
}

static void
set_counts(tk_value *m, const int *counts)
{
	int k;

	for (k = 0; k < TK_DIFF_KIND_COUNT; k++)
		tk_value_set_num(m, kind_names[k], counts[k]);
	tk_value_set_num(m, "inferred", counts[N_INFERRED]);
}

static tk_value *
version_value(const tk_model *m, const tk_version *v)
{
	tk_value *x = tk_value_map();
	char buf[32];

	tk_value_set_str(x, "id", v->id);
	put_date(buf, sizeof(buf), v->date);
	tk_value_set_str(x, "date", buf);
	set_text(x, "title", &v->title);
	tk_value_set_str(x, "source", v->source);
	tk_value_set_str(x, "commit", m ? tk_model_commit(m) : NULL);
	return x;
}

static void
build_tree(tk_diff *d)
{
	const tk_model *mo = d->s[0].m, *mn = d->s[1].m;
	tk_value *v = tk_value_map(), *summary, *sgroups, *groups, *intro;
	int total[TK_DIFF_KIND_COUNT + 1] = { 0 }, any = 0, k;
	const char **gids = xcalloc(tk_model_ngroups(mo) + tk_model_ngroups(mn) + 1, sizeof(*gids));
	size_t ng = 0, i;

	tk_value_set_str(v, "kind", "versions");
	tk_value_map_set(v, "old", version_value(mo, d->s[0].v));
	tk_value_map_set(v, "new", version_value(mn, d->s[1].v));
	tk_value_set_bool(v, "equal", 0);
	tk_value_set_str(v, "method", method);
	tk_value_set_num(v, "threshold", TK_DIFF_THRESHOLD);
	tk_value_set_num(v, "threshold_place", TK_DIFF_THRESHOLD_PLACE);
	summary = set_map(v, "summary");
	intro = tk_diff_text(d->s[0].v->intro, d->s[1].v->intro);
	tk_value_map_set(v, "intro", intro);
	groups = set_list(v, "groups");

	for (i = 0; i < tk_model_ngroups(mn); i++)
		gids[ng++] = tk_model_group(mn, i)->id;
	for (i = 0; i < tk_model_ngroups(mo); i++)
		if (group_by_id(mn, tk_model_group(mo, i)->id) == NULL)
			gids[ng++] = tk_model_group(mo, i)->id;

	sgroups = tk_value_list();
	for (i = 0; i < ng; i++) {
		const tk_group *ga = group_by_id(mo, gids[i]), *gb = group_by_id(mn, gids[i]);
		const tk_group *g = gb ? gb : ga;
		emitter e;
		item **nk, **ok;
		size_t nn, no;
		tk_value *gv = push_map(groups), *sg;

		memset(&e, 0, sizeof(e));
		e.d = d;
		tk_value_set_str(gv, "id", g->id);
		tk_value_set_str(gv, "short", g->short_name);
		set_text(gv, "title", &g->title);
		e.changes = set_list(gv, "changes");
		e.inferred = set_list(gv, "inferred");
		if (!ga || !gb || !text_eq(&ga->title, &gb->title)) {
			unsigned kinds = !ga ? KIND(TK_DIFF_ADDED) : !gb ? KIND(TK_DIFF_REMOVED) :
			    KIND(TK_DIFF_REWORDED);

			tk_value_list_push(e.changes, group_change(kinds, ga, gb));
			count(&e, kinds);
		}
		nn = group_entities(d, 1, g->id, &nk);
		no = group_entities(d, 0, g->id, &ok);
		emit_children(&e, nk, nn, ok, no);
		free(nk);
		free(ok);
		sg = push_map(sgroups);
		tk_value_set_str(sg, "id", g->id);
		tk_value_set_str(sg, "short", g->short_name);
		set_counts(set_map(sg, "counts"), e.counts);
		for (k = 0; k <= TK_DIFF_KIND_COUNT; k++)
			total[k] += e.counts[k];
		if (tk_value_list_len(e.changes) || tk_value_list_len(e.inferred))
			any = 1;
	}
	set_counts(set_map(summary, "total"), total);
	tk_value_map_set(summary, "groups", sgroups);
	tk_value_set_bool(summary, "intro_changed", gbool(intro, "changed"));
	if (gbool(intro, "changed"))
		any = 1;
	d->equal = !any;
	tk_value_set_bool(v, "equal", d->equal);
	free(gids);
	d->value = v;
}

int
tk_diff_new(tk_diff **out, const tk_model *old_model, const tk_version *old_version,
    const tk_model *new_model, const tk_version *new_version)
{
	tk_diff *d = xcalloc(1, sizeof(*d));

	intern_init(&d->in);
	side_build(&d->s[0], &d->in, old_model, old_version);
	side_build(&d->s[1], &d->in, new_model, new_version);
	match_all(d);
	build_tree(d);
	*out = d;
	return 0;
}

void
tk_diff_free(tk_diff *d)
{
	if (d == NULL)
		return;
	side_free(&d->s[0]);
	side_free(&d->s[1]);
	intern_free(&d->in);
	tk_value_free(d->value);
	free(d);
}

const tk_value *
tk_diff_value(const tk_diff *d)
{
	return d->value;
}

int
tk_diff_equal(const tk_diff *d)
{
	return d->equal;
}

static item *
find_sub(const tk_diff *d, int side_i, const tk_subtask *st)
{
	item *it = st && st->id ? tk_strmap_get(d->s[side_i].ids, st->id) : NULL;

	return it && it->level == SUB ? it : NULL;
}

const tk_subtask *
tk_diff_subtask_new(const tk_diff *d, const tk_subtask *old, int *inferred)
{
	item *it = find_sub(d, 0, old);

	if (inferred)
		*inferred = it && it->match ? it->inferred : 0;
	return it && it->match ? it->match->p : NULL;
}

const tk_subtask *
tk_diff_subtask_old(const tk_diff *d, const tk_subtask *new_, int *inferred)
{
	item *it = find_sub(d, 1, new_);

	if (inferred)
		*inferred = it && it->match ? it->inferred : 0;
	return it && it->match ? it->match->p : NULL;
}

const tk_value *
tk_diff_subtask_change(const tk_diff *d, const tk_subtask *new_)
{
	item *it = find_sub(d, 1, new_);

	return it ? it->change : NULL;
}

/* ---- two revisions ---- */

static tk_value *
record_value(const tk_record *r)
{
	tk_value *v = tk_value_map();
	char p[16];

	tk_value_set_str(v, "region", r->region->id);
	put_period(p, sizeof(p), r->period);
	tk_value_set_str(v, "period", p);
	tk_value_set_str(v, "path", r->path);
	tk_value_set_str(v, "roadmap", r->version ? r->version->id : NULL);
	tk_value_set_num(v, "reports", (double)r->nreports);
	return v;
}

static int
remarks_eq(const tk_remark *a, size_t na, const tk_remark *b, size_t nb)
{
	size_t i;

	if (na != nb)
		return 0;
	for (i = 0; i < na; i++)
		if (!streq(a[i].group ? a[i].group->id : NULL, b[i].group ? b[i].group->id : NULL) ||
		    !streq(a[i].theme, b[i].theme) || !streq(a[i].text, b[i].text))
			return 0;
	return 1;
}

static tk_value *
flag_value(const tk_record *r)
{
	tk_value *v;
	char p[16];

	if (!r->red_flag)
		return tk_value_null();
	v = tk_value_map();
	tk_value_set_str(v, "reason", r->red_flag_reason);
	if (r->red_flag_since >= 0) {
		put_period(p, sizeof(p), r->red_flag_since);
		tk_value_set_str(v, "since", p);
	} else
		tk_value_set_str(v, "since", NULL);
	return v;
}

static const char *
report_state(const tk_report *r)
{
	return r ? tk_state_name(r->state) : NULL;
}

/* Adds id to list unless seen holds it already. */
static void
push_once(tk_value *list, tk_strmap *seen, const char *id)
{
	if (tk_strmap_get(seen, id))
		return;
	tk_strmap_put(seen, id, (void *)id);
	push_str(list, id);
}

/* What changed in one organisation's record of one month, or NULL. */
static tk_value *
record_change(const tk_record *a, const tk_record *b, tk_value *subtasks, tk_strmap *seen)
{
	tk_value *v = tk_value_map(), *states, *notes, *rm;
	tk_strmap *ra = tk_strmap_new(), *rb = tk_strmap_new();
	size_t i;
	int changed = 0;
	char p[16];

	tk_value_set_str(v, "region", b->region->id);
	put_period(p, sizeof(p), b->period);
	tk_value_set_str(v, "period", p);
	tk_value_set_str(v, "path", b->path);
	if (!streq(a->version ? a->version->id : NULL, b->version ? b->version->id : NULL)) {
		tk_value *x = set_map(v, "roadmap");

		tk_value_set_str(x, "old", a->version ? a->version->id : NULL);
		tk_value_set_str(x, "new", b->version ? b->version->id : NULL);
		changed = 1;
	}
	for (i = 0; i < a->nreports; i++)
		tk_strmap_put(ra, a->reports[i].subtask->id, &a->reports[i]);
	for (i = 0; i < b->nreports; i++)
		tk_strmap_put(rb, b->reports[i].subtask->id, &b->reports[i]);
	states = set_list(v, "states");
	notes = set_list(v, "notes");
	for (i = 0; i < b->nreports + a->nreports; i++) {
		const tk_report *y = i < b->nreports ? &b->reports[i] : NULL;
		const tk_report *x;
		const char *sid;

		if (y == NULL) {
			/* Old reports the new record no longer has. */
			x = &a->reports[i - b->nreports];
			sid = x->subtask->id;
			if (tk_strmap_get(rb, sid))
				continue;
		} else {
			sid = y->subtask->id;
			x = tk_strmap_get(ra, sid);
		}
		if (x == NULL || y == NULL || x->state != y->state) {
			tk_value *s = push_map(states);

			tk_value_set_str(s, "subtask", sid);
			tk_value_set_str(s, "old", report_state(x));
			tk_value_set_str(s, "new", report_state(y));
			push_once(subtasks, seen, sid);
		}
		if (!streq(x ? x->note : NULL, y ? y->note : NULL))
			push_str(notes, sid);
	}
	if (tk_value_list_len(states) || tk_value_list_len(notes))
		changed = 1;
	if (!a->red_flag != !b->red_flag || (b->red_flag &&
	    (!streq(a->red_flag_reason, b->red_flag_reason) ||
	    a->red_flag_since != b->red_flag_since))) {
		tk_value *x = set_map(v, "red_flag");

		tk_value_map_set(x, "old", flag_value(a));
		tk_value_map_set(x, "new", flag_value(b));
		changed = 1;
	}
	rm = tk_value_list();
	if (!remarks_eq(a->observations, a->nobservations, b->observations, b->nobservations))
		push_str(rm, "observations");
	if (!remarks_eq(a->wishes, a->nwishes, b->wishes, b->nwishes))
		push_str(rm, "wishes");
	if (!remarks_eq(a->risks, a->nrisks, b->risks, b->nrisks))
		push_str(rm, "risks");
	if (tk_value_list_len(rm)) {
		tk_value_map_set(v, "remarks", rm);
		changed = 1;
	} else
		tk_value_free(rm);
	tk_strmap_free(ra);
	tk_strmap_free(rb);
	if (!changed) {
		tk_value_free(v);
		return NULL;
	}
	return v;
}

static int
cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return (x > y) - (x < y);
}

static char *
record_key(const tk_record *r)
{
	return xasprintf("%s/%d", r->region->id, r->period);
}

/* Compares the status records; returns whether anything changed. */
static int
status_diff(tk_value *st, const tk_model *mo, const tk_model *mn)
{
	size_t no = tk_model_nrecords(mo), nn = tk_model_nrecords(mn), i, np = 0;
	char **ko = xcalloc(no + 1, sizeof(*ko)), **kn = xcalloc(nn + 1, sizeof(*kn));
	tk_strmap *mold = tk_strmap_new(), *mnew = tk_strmap_new(), *seen_org = tk_strmap_new();
	tk_strmap *seen_sub = tk_strmap_new();
	int *periods = xcalloc(no + nn + 1, sizeof(*periods)), any;
	tk_value *orgs = set_list(st, "organisations"), *months = set_list(st, "months");
	tk_value *subs = set_list(st, "subtasks"), *added = set_list(st, "added");
	tk_value *removed = set_list(st, "removed"), *changed = set_list(st, "changed");

	for (i = 0; i < no; i++)
		tk_strmap_put(mold, ko[i] = record_key(tk_model_record(mo, i)),
		    (void *)tk_model_record(mo, i));
	for (i = 0; i < nn; i++)
		tk_strmap_put(mnew, kn[i] = record_key(tk_model_record(mn, i)),
		    (void *)tk_model_record(mn, i));
	for (i = 0; i < nn; i++) {
		const tk_record *b = tk_model_record(mn, i), *a = tk_strmap_get(mold, kn[i]);
		tk_value *c = NULL;

		if (a == NULL)
			tk_value_list_push(added, record_value(b));
		else if ((c = record_change(a, b, subs, seen_sub)) != NULL)
			tk_value_list_push(changed, c);
		if (a == NULL || c) {
			push_once(orgs, seen_org, b->region->id);
			periods[np++] = b->period;
		}
	}
	for (i = 0; i < no; i++) {
		const tk_record *a = tk_model_record(mo, i);

		if (tk_strmap_get(mnew, ko[i]))
			continue;
		tk_value_list_push(removed, record_value(a));
		push_once(orgs, seen_org, a->region->id);
		periods[np++] = a->period;
	}
	if (np)
		qsort(periods, np, sizeof(*periods), cmp_int);
	for (i = 0; i < np; i++)
		if (i == 0 || periods[i] != periods[i - 1]) {
			char p[16];

			put_period(p, sizeof(p), periods[i]);
			push_str(months, p);
		}
	any = np > 0;
	tk_strmap_free(mold);
	tk_strmap_free(mnew);
	tk_strmap_free(seen_org);
	tk_strmap_free(seen_sub);
	for (i = 0; i < no; i++)
		free(ko[i]);
	for (i = 0; i < nn; i++)
		free(kn[i]);
	free(ko);
	free(kn);
	free(periods);
	return any;
}

static tk_value *
version_brief(const tk_version *v)
{
	tk_value *x = tk_value_map();
	char buf[32];

	tk_value_set_str(x, "id", v->id);
	put_date(buf, sizeof(buf), v->date);
	tk_value_set_str(x, "date", buf);
	tk_value_set_str(x, "title", v->title.fi);
	return x;
}

int
tk_diff_revisions(tk_value **out, const tk_model *old_model, const char *old_name,
    const tk_model *new_model, const char *new_name)
{
	tk_value *v = tk_value_map(), *o, *n, *vers, *va, *vr;
	size_t i;
	int equal = 1;

	tk_value_set_str(v, "kind", "revisions");
	o = set_map(v, "old");
	tk_value_set_str(o, "name", old_name);
	tk_value_set_str(o, "commit", tk_model_commit(old_model));
	n = set_map(v, "new");
	tk_value_set_str(n, "name", new_name);
	tk_value_set_str(n, "commit", tk_model_commit(new_model));
	tk_value_set_bool(v, "equal", 0);
	vers = set_list(v, "versions");
	va = set_list(v, "versions_added");
	vr = set_list(v, "versions_removed");
	for (i = 0; i < tk_model_nversions(new_model); i++) {
		const tk_version *b = tk_model_version(new_model, i);
		const tk_version *a = tk_model_version_by_id(old_model, b->id);
		tk_diff *d;

		if (a == NULL) {
			tk_value_list_push(va, version_brief(b));
			equal = 0;
			continue;
		}
		tk_diff_new(&d, old_model, a, new_model, b);
		tk_value_list_push(vers, tk_value_copy(tk_diff_value(d)));
		if (!tk_diff_equal(d))
			equal = 0;
		tk_diff_free(d);
	}
	for (i = 0; i < tk_model_nversions(old_model); i++) {
		const tk_version *a = tk_model_version(old_model, i);

		if (tk_model_version_by_id(new_model, a->id) == NULL) {
			tk_value_list_push(vr, version_brief(a));
			equal = 0;
		}
	}
	if (status_diff(set_map(v, "status"), old_model, new_model))
		equal = 0;
	tk_value_set_bool(v, "equal", equal);
	*out = v;
	return 0;
}

/* ---- writers ---- */

/* How wide s shows, counting characters, not bytes. */
static size_t
width(const char *s)
{
	return s ? tk_utf8_chars(s, strlen(s)) : 0;
}

static void
pad(tk_buf *b, const char *s, size_t w)
{
	size_t n = width(s);

	tk_buf_puts(b, s);
	while (n++ < w)
		tk_buf_putc(b, ' ');
}

typedef struct {
	int md;                 /* Markdown rather than plain text */
	const char *reason;     /* the last carried reason shown */
} style;

/* Markdown escapes every ASCII punctuation that could start markup. */
static void
put_esc(tk_buf *b, const style *st, const char *s)
{
	if (!st->md) {
		tk_buf_puts(b, s ? s : "");
		return;
	}
	for (; s && *s; s++) {
		if (strchr("\\`*_[]<>|~#!", *s))
			tk_buf_putc(b, '\\');
		tk_buf_putc(b, *s);
	}
}

static void
put_words(tk_buf *b, const style *st, const tk_value *words)
{
	size_t i;

	for (i = 0; i < tk_value_list_len(words); i++) {
		const tk_value *s = tk_value_list_at(words, i);
		const char *op = gs(s, "op"), *t = gs(s, "text");

		if (i)
			tk_buf_putc(b, ' ');
		if (strcmp(op, "del") == 0) {
			tk_buf_puts(b, st->md ? "~~" : "[-");
			put_esc(b, st, t);
			tk_buf_puts(b, st->md ? "~~" : "-]");
		} else if (strcmp(op, "ins") == 0) {
			tk_buf_puts(b, st->md ? "**" : "{+");
			put_esc(b, st, t);
			tk_buf_puts(b, st->md ? "**" : "+}");
		} else
			put_esc(b, st, t);
	}
}

static void
put_code(tk_buf *b, const style *st, const char *s)
{
	if (s == NULL)
		s = "";
	if (st->md)
		tk_buf_printf(b, "`%s`", s);
	else
		tk_buf_puts(b, s);
}

static void
put_counts(tk_buf *b, const tk_value *counts)
{
	size_t i;
	int first = 1;

	for (i = 0; i < tk_value_map_len(counts); i++) {
		double n = tk_value_get_num(tk_value_map_at(counts, i));

		if (n == 0)
			continue;
		tk_buf_printf(b, "%s%.0f %s", first ? "" : ", ", n,
		    tk_value_map_key(counts, i, NULL));
		first = 0;
	}
	if (first)
		tk_buf_puts(b, "no changes");
}

/* Where an item sat, for moves. */
static void
put_place(tk_buf *b, const style *st, const char *level, const tk_value *it)
{
	if (strcmp(level, "subtask") == 0) {
		tk_buf_puts(b, "task ");
		put_code(b, st, gstr(it, "task"));
		tk_buf_printf(b, " (%s) of entity ", gs(it, "task_number"));
		put_code(b, st, gstr(it, "entity"));
		tk_buf_printf(b, " (%s)", gs(it, "entity_number"));
	} else if (strcmp(level, "task") == 0) {
		tk_buf_puts(b, "entity ");
		put_code(b, st, gstr(it, "entity"));
		tk_buf_printf(b, " (%s)", gs(it, "entity_number"));
	} else {
		tk_buf_puts(b, "group ");
		put_code(b, st, gstr(it, "group"));
	}
}

static int
has_kind(const tk_value *c, const char *kind)
{
	const tk_value *k = get(c, "kinds");
	size_t i;

	for (i = 0; i < tk_value_list_len(k); i++)
		if (strcmp(tk_value_get_str(tk_value_list_at(k, i), NULL), kind) == 0)
			return 1;
	return 0;
}

static void
put_subtask_facts(tk_buf *b, const tk_value *it)
{
	tk_buf_printf(b, " (%s, due %s, phase %.0f%s)",
	    gbool(it, "critical") ? "critical" : "not critical", gs(it, "due"),
	    gnum(it, "phase"), gbool(it, "start_first") ? ", start first" : "");
}

static void
detail(tk_buf *b, const style *st)
{
	tk_buf_puts(b, st->md ? "  - " : "      ");
}

static void
put_change(tk_buf *b, style *st, const tk_value *c)
{
	const tk_value *o = gmap(c, "old"), *n = gmap(c, "new"), *k = get(c, "kinds");
	const tk_value *w;
	const char *level = gs(c, "level");
	size_t i;

	tk_buf_puts(b, st->md ? "- **" : "  ");
	for (i = 0; i < tk_value_list_len(k); i++)
		tk_buf_printf(b, "%s%s", i ? ", " : "", tk_value_get_str(tk_value_list_at(k, i), NULL));
	if (gbool(c, "inferred"))
		tk_buf_printf(b, " (inferred, similarity %.2f)", gnum(c, "similarity"));
	tk_buf_printf(b, "%s  %s ", st->md ? "**" : "", level);
	if (o && n && !streq(gstr(o, "id"), gstr(n, "id"))) {
		put_code(b, st, gstr(o, "id"));
		tk_buf_puts(b, " → ");
		put_code(b, st, gstr(n, "id"));
	} else
		put_code(b, st, gstr(n ? n : o, "id"));
	tk_buf_puts(b, "  ");
	if (o && n && !streq(gstr(o, "number"), gstr(n, "number")))
		tk_buf_printf(b, "%s → %s", gs(o, "number"), gs(n, "number"));
	else
		tk_buf_puts(b, gs(n ? n : o, "number"));
	tk_buf_puts(b, st->md ? ": " : "  ");
	if ((w = get(c, "words")) != NULL)
		put_words(b, st, w);
	else
		put_esc(b, st, gstr(n ? n : o, "title"));
	if (strcmp(level, "subtask") == 0 && (!o || !n))
		put_subtask_facts(b, n ? n : o);
	tk_buf_putc(b, '\n');
	if ((w = get(c, "words_sv")) != NULL) {
		detail(b, st);
		tk_buf_puts(b, "sv: ");
		put_words(b, st, w);
		tk_buf_putc(b, '\n');
	}
	if ((w = get(c, "words_en")) != NULL) {
		detail(b, st);
		tk_buf_puts(b, "en: ");
		put_words(b, st, w);
		tk_buf_putc(b, '\n');
	}
	if (has_kind(c, "moved")) {
		detail(b, st);
		tk_buf_puts(b, "moved from ");
		put_place(b, st, level, o);
		tk_buf_puts(b, " to ");
		put_place(b, st, level, n);
		tk_buf_putc(b, '\n');
	}
	if (has_kind(c, "criticality")) {
		detail(b, st);
		tk_buf_printf(b, "critical: %s → %s\n", gbool(o, "critical") ? "yes" : "no",
		    gbool(n, "critical") ? "yes" : "no");
	}
	if (has_kind(c, "due")) {
		detail(b, st);
		tk_buf_printf(b, "due: %s → %s\n", gs(o, "due"), gs(n, "due"));
	}
	if (has_kind(c, "phase")) {
		detail(b, st);
		tk_buf_printf(b, "phase: %.0f → %.0f\n", gnum(o, "phase"), gnum(n, "phase"));
	}
	if (has_kind(c, "start_first_dropped")) {
		detail(b, st);
		tk_buf_puts(b, "start first: dropped\n");
	}
	if (has_kind(c, "start_first_added")) {
		detail(b, st);
		tk_buf_puts(b, "start first: added\n");
	}
	if ((w = gmap(c, "carried")) != NULL) {
		detail(b, st);
		tk_buf_printf(b, "carried from %s", gs(w, "from"));
		/* Carried sections usually share one reason: say it once. */
		if (streq(st->reason, gstr(w, "reason")))
			tk_buf_puts(b, " (reason as above)");
		else if (gstr(w, "reason")) {
			tk_buf_puts(b, ": ");
			put_esc(b, st, gstr(w, "reason"));
		}
		st->reason = gstr(w, "reason");
		tk_buf_putc(b, '\n');
	}
}

static void
put_intro(tk_buf *b, const style *st, const tk_value *intro)
{
	const tk_value *lines = get(intro, "lines");
	size_t i;

	for (i = 0; i < tk_value_list_len(lines); i++) {
		const tk_value *l = tk_value_list_at(lines, i);
		const char *op = gs(l, "op"), *text;

		if (strcmp(op, "same") == 0)
			continue;
		if (st->md) {
			/* A quoted line keeps list markers of the intro from nesting. */
			tk_buf_puts(b, strcmp(op, "del") == 0 ? "- removed: " :
			    strcmp(op, "ins") == 0 ? "- added: " : "- changed: ");
		} else
			tk_buf_puts(b, strcmp(op, "del") == 0 ? "  - " :
			    strcmp(op, "ins") == 0 ? "  + " : "  ~ ");
		text = gstr(l, "text");
		/* Markdown would read the intro's own indentation as code. */
		while (st->md && text && (*text == ' ' || *text == '\t'))
			text++;
		if (strcmp(op, "changed") == 0)
			put_words(b, st, get(l, "words"));
		else if (st->md && strcmp(op, "del") == 0) {
			tk_buf_puts(b, "~~");
			put_esc(b, st, text);
			tk_buf_puts(b, "~~");
		} else
			put_esc(b, st, text);
		tk_buf_putc(b, '\n');
	}
}

static void
put_version_line(tk_buf *b, const style *st, const char *label, const tk_value *v)
{
	tk_buf_printf(b, "%s%s: %s, %s, ", st->md ? "- " : "  ", label, gs(v, "id"),
	    gs(v, "date"));
	put_esc(b, st, gstr(v, "title"));
	if (gstr(v, "commit"))
		tk_buf_printf(b, " (commit %.12s)", gs(v, "commit"));
	tk_buf_putc(b, '\n');
}

static void
write_version(tk_buf *b, style *st, const tk_value *v, int depth)
{
	const tk_value *sum = get(v, "summary"), *sg = get(sum, "groups");
	const tk_value *groups = get(v, "groups");
	const char *h = depth ? "## " : "# ", *h2 = depth ? "### " : "## ";
	size_t i, j, w = strlen("total");

	if (st->md)
		tk_buf_puts(b, h);
	tk_buf_printf(b, "Roadmap diff %s → %s\n", gs(get(v, "old"), "id"),
	    gs(get(v, "new"), "id"));
	if (st->md)
		tk_buf_putc(b, '\n');
	put_version_line(b, st, "old", get(v, "old"));
	put_version_line(b, st, "new", get(v, "new"));
	tk_buf_printf(b, "%smatching: %s\n", st->md ? "- " : "  ", gs(v, "method"));
	if (gbool(v, "equal")) {
		tk_buf_puts(b, st->md ? "\nNo changes.\n" : "No changes.\n");
		return;
	}

	tk_buf_putc(b, '\n');
	if (st->md) {
		const tk_value *tot = get(sum, "total");
		size_t k;

		tk_buf_printf(b, "%sSummary\n\n| group |", h2);
		for (k = 0; k < tk_value_map_len(tot); k++)
			if (tk_value_get_num(tk_value_map_at(tot, k)) != 0)
				tk_buf_printf(b, " %s |", tk_value_map_key(tot, k, NULL));
		tk_buf_puts(b, "\n| --- |");
		for (k = 0; k < tk_value_map_len(tot); k++)
			if (tk_value_get_num(tk_value_map_at(tot, k)) != 0)
				tk_buf_puts(b, " ---: |");
		tk_buf_putc(b, '\n');
		for (i = 0; i <= tk_value_list_len(sg); i++) {
			const tk_value *g = i < tk_value_list_len(sg) ? tk_value_list_at(sg, i) : NULL;
			const tk_value *cn = g ? get(g, "counts") : tot;

			tk_buf_puts(b, "| ");
			put_esc(b, st, g ? gstr(g, "short") : "total");
			tk_buf_puts(b, " |");
			for (k = 0; k < tk_value_map_len(tot); k++)
				if (tk_value_get_num(tk_value_map_at(tot, k)) != 0)
					tk_buf_printf(b, " %.0f |",
					    tk_value_get_num(tk_value_map_at(cn, k)));
			tk_buf_putc(b, '\n');
		}
		tk_buf_printf(b, "\nIntro: %s.\n", gbool(sum, "intro_changed") ? "changed" : "unchanged");
	} else {
		for (i = 0; i < tk_value_list_len(sg); i++)
			if (width(gstr(tk_value_list_at(sg, i), "short")) > w)
				w = width(gstr(tk_value_list_at(sg, i), "short"));
		tk_buf_puts(b, "Summary:\n");
		for (i = 0; i < tk_value_list_len(sg); i++) {
			const tk_value *g = tk_value_list_at(sg, i);

			tk_buf_puts(b, "  ");
			pad(b, gs(g, "short"), w + 2);
			put_counts(b, get(g, "counts"));
			tk_buf_putc(b, '\n');
		}
		tk_buf_puts(b, "  ");
		pad(b, "total", w + 2);
		put_counts(b, get(sum, "total"));
		tk_buf_puts(b, "\n  ");
		pad(b, "intro", w + 2);
		tk_buf_puts(b, gbool(sum, "intro_changed") ? "changed\n" : "unchanged\n");
	}

	if (gbool(get(v, "intro"), "changed")) {
		tk_buf_printf(b, "\n%sIntro%s\n", st->md ? h2 : "", st->md ? "\n" : ":");
		put_intro(b, st, get(v, "intro"));
	}
	for (i = 0; i < tk_value_list_len(groups); i++) {
		const tk_value *g = tk_value_list_at(groups, i), *ch = get(g, "changes");
		const tk_value *inf = get(g, "inferred");

		if (tk_value_list_len(ch) == 0 && tk_value_list_len(inf) == 0)
			continue;
		tk_buf_printf(b, "\n%s", st->md ? h2 : "");
		put_esc(b, st, gstr(g, "short"));
		tk_buf_puts(b, ": ");
		put_esc(b, st, gstr(g, "title"));
		tk_buf_puts(b, st->md ? "\n\n" : "\n");
		for (j = 0; j < tk_value_list_len(ch); j++)
			put_change(b, st, tk_value_list_at(ch, j));
		if (tk_value_list_len(inf)) {
			size_t ni = tk_value_list_len(inf);

			/* All of them, changed or not: the ids differ either way. */
			tk_buf_printf(b, "%s%zu item%s matched by similarity, not by id (inferred):",
			    st->md ? "\n" : "  ", ni, ni == 1 ? "" : "s");
			for (j = 0; j < tk_value_list_len(inf); j++) {
				const tk_value *m = tk_value_list_at(inf, j);

				tk_buf_printf(b, "%s", st->md ? "\n- " : "\n    ");
				put_code(b, st, gstr(m, "old"));
				tk_buf_puts(b, " → ");
				put_code(b, st, gstr(m, "new"));
				tk_buf_printf(b, " (%s, %.2f)", gs(m, "level"), gnum(m, "similarity"));
			}
			tk_buf_putc(b, '\n');
		}
	}
}

static void
put_list(tk_buf *b, const style *st, const tk_value *l)
{
	size_t i;

	for (i = 0; i < tk_value_list_len(l); i++) {
		tk_buf_puts(b, i ? ", " : "");
		put_code(b, st, tk_value_get_str(tk_value_list_at(l, i), NULL));
	}
	if (i == 0)
		tk_buf_puts(b, "none");
}

static void
put_record(tk_buf *b, const style *st, const char *what, const tk_value *r)
{
	tk_buf_printf(b, "%s%s %s %s (", st->md ? "- " : "  ", what, gs(r, "region"),
	    gs(r, "period"));
	put_code(b, st, gstr(r, "path"));
	tk_buf_putc(b, ')');
}

static void
write_status(tk_buf *b, const style *st, const tk_value *s)
{
	const tk_value *ch = get(s, "changed"), *ad = get(s, "added"), *rm = get(s, "removed");
	size_t i, j;

	tk_buf_printf(b, "\n%sStatus records: %zu changed, %zu added, %zu removed\n",
	    st->md ? "# " : "", tk_value_list_len(ch), tk_value_list_len(ad),
	    tk_value_list_len(rm));
	if (tk_value_list_len(ch) + tk_value_list_len(ad) + tk_value_list_len(rm) == 0)
		return;
	if (st->md)
		tk_buf_putc(b, '\n');
	tk_buf_puts(b, st->md ? "- organisations: " : "  organisations: ");
	put_list(b, st, get(s, "organisations"));
	tk_buf_puts(b, st->md ? "\n- months: " : "\n  months: ");
	put_list(b, st, get(s, "months"));
	tk_buf_puts(b, st->md ? "\n- subtasks whose state changed: " :
	    "\n  subtasks whose state changed: ");
	put_list(b, st, get(s, "subtasks"));
	tk_buf_puts(b, st->md ? "\n\n" : "\n");
	for (i = 0; i < tk_value_list_len(ch); i++) {
		const tk_value *c = tk_value_list_at(ch, i), *x;
		const tk_value *states = get(c, "states"), *notes = get(c, "notes");

		put_record(b, st, "changed", c);
		tk_buf_putc(b, '\n');
		if ((x = gmap(c, "roadmap")) != NULL) {
			detail(b, st);
			tk_buf_printf(b, "roadmap: %s → %s\n", gs(x, "old"), gs(x, "new"));
		}
		for (j = 0; j < tk_value_list_len(states); j++) {
			const tk_value *y = tk_value_list_at(states, j);

			detail(b, st);
			put_code(b, st, gstr(y, "subtask"));
			tk_buf_printf(b, ": %s → %s\n", gs(y, "old") ? gs(y, "old") : "(none)",
			    gs(y, "new") ? gs(y, "new") : "(none)");
		}
		if (tk_value_list_len(notes)) {
			detail(b, st);
			tk_buf_puts(b, "notes changed: ");
			put_list(b, st, notes);
			tk_buf_putc(b, '\n');
		}
		if ((x = gmap(c, "red_flag")) != NULL) {
			const tk_value *f[2] = { gmap(x, "old"), gmap(x, "new") };
			int k;

			detail(b, st);
			tk_buf_puts(b, "red flag: ");
			for (k = 0; k < 2; k++) {
				tk_buf_puts(b, k ? " → " : "");
				if (f[k] == NULL)
					tk_buf_puts(b, "none");
				else {
					tk_buf_putc(b, '"');
					put_esc(b, st, gstr(f[k], "reason"));
					tk_buf_putc(b, '"');
				}
			}
			tk_buf_putc(b, '\n');
		}
		if ((x = get(c, "remarks")) != NULL) {
			detail(b, st);
			tk_buf_puts(b, "changed: ");
			put_list(b, st, x);
			tk_buf_putc(b, '\n');
		}
	}
	for (i = 0; i < tk_value_list_len(ad); i++) {
		put_record(b, st, "added", tk_value_list_at(ad, i));
		tk_buf_printf(b, ": %.0f reports\n", gnum(tk_value_list_at(ad, i), "reports"));
	}
	for (i = 0; i < tk_value_list_len(rm); i++) {
		put_record(b, st, "removed", tk_value_list_at(rm, i));
		tk_buf_putc(b, '\n');
	}
}

static void
write_revisions(tk_buf *b, style *st, const tk_value *v)
{
	const tk_value *o = get(v, "old"), *n = get(v, "new"), *vers = get(v, "versions");
	const tk_value *va = get(v, "versions_added"), *vr = get(v, "versions_removed");
	size_t i;

	tk_buf_printf(b, "%sContent diff %s → %s\n", st->md ? "# " : "", gs(o, "name"),
	    gs(n, "name"));
	if (st->md)
		tk_buf_putc(b, '\n');
	tk_buf_printf(b, "%sold: %s (commit %s)\n%snew: %s (commit %s)\n",
	    st->md ? "- " : "  ", gs(o, "name"), gs(o, "commit") ? gs(o, "commit") : "none",
	    st->md ? "- " : "  ", gs(n, "name"), gs(n, "commit") ? gs(n, "commit") : "none");
	tk_buf_printf(b, "%sroadmap versions in both: %zu; added: ", st->md ? "- " : "  ",
	    tk_value_list_len(vers));
	for (i = 0; i < tk_value_list_len(va); i++)
		tk_buf_printf(b, "%s%s", i ? ", " : "", gs(tk_value_list_at(va, i), "id"));
	tk_buf_puts(b, i ? "; removed: " : "none; removed: ");
	for (i = 0; i < tk_value_list_len(vr); i++)
		tk_buf_printf(b, "%s%s", i ? ", " : "", gs(tk_value_list_at(vr, i), "id"));
	tk_buf_puts(b, i ? "\n" : "none\n");
	if (gbool(v, "equal")) {
		tk_buf_puts(b, st->md ? "\nNo changes.\n" : "No changes.\n");
		return;
	}
	for (i = 0; i < tk_value_list_len(vers); i++) {
		tk_buf_putc(b, '\n');
		write_version(b, st, tk_value_list_at(vers, i), 1);
	}
	write_status(b, st, get(v, "status"));
}

static void
write_any(tk_buf *b, const tk_value *v, int md)
{
	style st = { md, NULL };

	if (streq(gs(v, "kind"), "revisions"))
		write_revisions(b, &st, v);
	else
		write_version(b, &st, v, 0);
}

void
tk_diff_write_text(tk_buf *b, const tk_value *v)
{
	write_any(b, v, 0);
}

void
tk_diff_write_markdown(tk_buf *b, const tk_value *v)
{
	write_any(b, v, 1);
}

void
tk_diff_write_json(tk_buf *b, const tk_value *v)
{
	tk_value_write_json(b, v, 1);
}

/* ---- history ---- */

struct tk_diff_history {
	const tk_model *m;
	tk_diff **steps;
	size_t n;
	tk_diff *first_last;    /* the first version with the last, when > 2 */
};

int
tk_diff_history_new(tk_diff_history **out, const tk_model *m)
{
	tk_diff_history *h = xcalloc(1, sizeof(*h));
	size_t nv = tk_model_nversions(m), i;

	h->m = m;
	h->n = nv > 1 ? nv - 1 : 0;
	h->steps = xcalloc(h->n + 1, sizeof(*h->steps));
	for (i = 0; i < h->n; i++)
		tk_diff_new(&h->steps[i], m, tk_model_version(m, i), m, tk_model_version(m, i + 1));
	if (nv > 2)
		tk_diff_new(&h->first_last, m, tk_model_version(m, 0), m,
		    tk_model_version(m, nv - 1));
	*out = h;
	return 0;
}

void
tk_diff_history_free(tk_diff_history *h)
{
	size_t i;

	if (h == NULL)
		return;
	for (i = 0; i < h->n; i++)
		tk_diff_free(h->steps[i]);
	tk_diff_free(h->first_last);
	free(h->steps);
	free(h);
}

const tk_diff *
tk_diff_history_step(const tk_diff_history *h, size_t i)
{
	return i < h->n ? h->steps[i] : NULL;
}

const tk_diff *
tk_diff_history_first_last(const tk_diff_history *h)
{
	return h->first_last;
}

tk_value *
tk_diff_history_subtask(const tk_diff_history *h, const char *version_id,
    const char *subtask_id)
{
	const tk_model *m = h->m;
	size_t nv = tk_model_nversions(m), i, a = nv;
	const tk_subtask **at;
	int *inf;
	const char *lid = subtask_id;
	tk_value *list;

	for (i = nv; i-- > 0;) {
		const tk_version *v = tk_model_version(m, i);

		if (version_id ? strcmp(v->id, version_id) == 0 :
		    tk_version_subtask(m, v, subtask_id) != NULL) {
			a = i;
			break;
		}
	}
	if (a == nv || tk_version_subtask(m, tk_model_version(m, a), subtask_id) == NULL)
		return NULL;
	at = xcalloc(nv + 1, sizeof(*at));
	inf = xcalloc(nv + 1, sizeof(*inf));
	at[a] = tk_version_subtask(m, tk_model_version(m, a), subtask_id);
	for (i = a; i-- > 0;) {
		if (at[i + 1])
			at[i] = tk_diff_subtask_old(h->steps[i], at[i + 1], &inf[i + 1]);
		else
			at[i] = tk_version_subtask(m, tk_model_version(m, i), lid);
		if (at[i])
			lid = at[i]->id;
	}
	lid = subtask_id;
	for (i = a + 1; i < nv; i++) {
		if (at[i - 1])
			at[i] = tk_diff_subtask_new(h->steps[i - 1], at[i - 1], &inf[i]);
		else
			at[i] = tk_version_subtask(m, tk_model_version(m, i), lid);
		if (at[i])
			lid = at[i]->id;
	}

	list = tk_value_list();
	for (i = 0; i < nv; i++) {
		const tk_version *v = tk_model_version(m, i);
		const tk_subtask *st = at[i];
		const tk_value *ch = NULL;
		tk_value *e = push_map(list), *kinds;
		char buf[32];
		item *it;

		tk_value_set_str(e, "version", v->id);
		put_date(buf, sizeof(buf), v->date);
		tk_value_set_str(e, "date", buf);
		tk_value_set_bool(e, "present", st != NULL);
		if (st == NULL)
			continue;
		tk_value_set_str(e, "id", st->id);
		tk_value_set_str(e, "number", st->number);
		set_text(e, "title", &st->title);
		tk_value_set_str(e, "group",
		    st->task->entity->group ? st->task->entity->group->id : NULL);
		subtask_fields(e, st);
		tk_value_set_str(e, "carried_from", st->task->entity->carried_from);
		it = i > 0 ? find_sub(h->steps[i - 1], 1, st) : NULL;
		tk_value_set_bool(e, "inferred", it && it->match && it->inferred);
		if (it && it->match && it->inferred)
			tk_value_set_num(e, "similarity", round2(it->sim));
		else
			tk_value_set_str(e, "similarity", NULL);
		kinds = set_list(e, "kinds");
		if (i > 0)
			ch = tk_diff_subtask_change(h->steps[i - 1], st);
		if (ch) {
			const tk_value *k = get(ch, "kinds");
			size_t j;

			for (j = 0; j < tk_value_list_len(k); j++)
				tk_value_list_push(kinds, tk_value_copy(tk_value_list_at(k, j)));
		}
		tk_value_map_set(e, "words", ch && get(ch, "words") ?
		    tk_value_copy(get(ch, "words")) : tk_value_null());
	}
	free(at);
	free(inf);
	return list;
}
