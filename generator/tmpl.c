/* tmpl.c: see tmpl.h.
 *
 * Whitespace follows the Mustache spec (and its whitespace.md notes):
 *
 * - A non-interpolation tag alone on its line is standalone: the line's
 *   leading blanks and its line end are dropped. A standalone partial takes
 *   the leading blanks as indentation for every line of its source.
 * - A parent pair {{<p}}…{{/p}} is standalone when only blanks precede the
 *   opening tag and only blanks follow the closing tag; the two need not
 *   be on separate lines.
 * - An argument block (a block directly inside a parent pair) whose
 *   opening tag ends its line drops that line end and strips its intrinsic
 *   indentation, the blanks that start the next line, from each line.
 * - A parameter block (any other block) that stands alone on its line has
 *   as indentation the blanks of the line after it; one that is otherwise
 *   alone on its line(s) has its leading blanks. An overriding argument is
 *   indented by that much on every line; default content renders as is.
 *
 * Indentation is applied while rendering, which reproduces "prefix each
 * source line" exactly: a pending flag is raised by each newline of
 * template text and lowered by writing the current indentation before the
 * next thing on that source line. Interpolated values never raise it. */
#include "tmpl.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* How a parameter block indents an overriding argument. */
enum { BLOCK_PLAIN, BLOCK_INTRINSIC, BLOCK_INLINE };

/* Sections, partials and blocks together may not nest deeper than this
 * while rendering; it bounds the C stack. */
enum { MAX_RENDER_DEPTH = 1000 };

#define NOT_FOUND ((size_t)-1)

/* One part of a dotted name, hashed once for the value maps. A part
 * has_k also keeps the hash of k (see get_part). */
typedef struct {
	const char *s;          /* inside the node's str */
	size_t len, h;
	int has;
	size_t h_list;
} name_part;

struct tk_tmpl_node {
	tk_tmpl_kind kind;
	tk_tmpl_node *parent, *first, *last, *prev, *next;
	char *str;              /* the tag name, or TEXT's text */
	size_t len;
	name_part *parts;       /* VAR, RAW, SECTION, INVERTED: str split at
	                         * '.'; none for "." itself */
	size_t nparts;
	char *indent;           /* PARTIAL, PARENT: standalone indentation;
	                         * BLOCK: indentation for an argument */
	size_t raw_off, raw_len;
	int line, col;
	unsigned standalone : 1;  /* PARTIAL, PARENT: indent applies */
	unsigned flush_open : 1;  /* the opening tag shares its line */
	unsigned flush_close : 1; /* the closing tag shares its line */
	unsigned content_bol : 1; /* the content starts a source line */
	unsigned after_bol : 1;   /* the source after the node starts a line */
	unsigned bmode : 2;
};

struct tk_tmpl {
	char *path;
	char *src;
	size_t len;
	tk_tmpl_node root;
};

/* A tag whose name is looked up in the data: its parts, hashed now
 * rather than at every lookup while rendering. */
static void
set_lookup_name(tk_tmpl_node *n, const char *name, size_t len)
{
	const char *p = name, *end = name + len;
	size_t k = 1;

	n->str = xstrndup(name, len);
	if (len == 1 && name[0] == '.')
		return;
	for (; p < end; p++)
		k += *p == '.';
	n->parts = xcalloc(k, sizeof(*n->parts));
	for (p = n->str; n->nparts < k; p++) {
		const char *dot = memchr(p, '.', (size_t)(n->str + len - p));
		name_part *np = &n->parts[n->nparts++];

		np->s = p;
		np->len = dot ? (size_t)(dot - p) : (size_t)(n->str + len - p);
		np->h = tk_value_key_hash(np->s, np->len);
		if (np->len > 4 && memcmp(np->s, "has_", 4) == 0) {
			np->has = 1;
			np->h_list = tk_value_key_hash(np->s + 4, np->len - 4);
		}
		p += np->len;
	}
}

/* Parsing */

typedef struct {
	tk_tmpl_node *n;
	size_t s_off, s_len;    /* indentation stripped from each line */
	int lc, rc;             /* the opening tag is clear left / right */
	char *lead;             /* blanks held back before the opening tag */
} open_el;

typedef struct {
	tk_tmpl *t;
	const char *src;
	size_t len;
	tk_diag *d;
	const char *otag, *ctag;
	size_t olen, clen;
	size_t text;            /* start of source text not yet emitted */
	size_t at;              /* where line and col were last computed */
	int line, col;
	open_el stack[TK_TMPL_MAX_NESTING + 1];
	int depth;
} parser;

static void
locate(parser *p, size_t off, int *line, int *col)
{
	if (off < p->at) {
		p->at = 0;
		p->line = p->col = 1;
	}
	for (; p->at < off; p->at++) {
		if (p->src[p->at] == '\n') {
			p->line++;
			p->col = 1;
		} else if (((unsigned char)p->src[p->at] & 0xc0) != 0x80)
			p->col++;   /* columns count characters */
	}
	*line = p->line;
	*col = p->col;
}

static int
perr(parser *p, size_t off, const char *fmt, ...)
{
	tk_buf msg = TK_BUF_INIT;
	va_list ap;
	int line, col;

	va_start(ap, fmt);
	tk_buf_vprintf(&msg, fmt, ap);
	va_end(ap);
	locate(p, off, &line, &col);
	tk_diag_error(p->d, p->t->path, line, col, "%s", msg.data);
	tk_diag_show_line(p->d, p->src, p->len, line, col);
	tk_buf_free(&msg);
	return -1;
}

static size_t
find(const char *s, size_t len, size_t from, const char *needle, size_t nlen)
{
	const char *hit;

	while (from + nlen <= len) {
		hit = memchr(s + from, needle[0], len - from - nlen + 1);
		if (hit == NULL)
			return NOT_FOUND;
		from = (size_t)(hit - s);
		if (memcmp(hit, needle, nlen) == 0)
			return from;
		from++;
	}
	return NOT_FOUND;
}

static int
blank(char c)
{
	return c == ' ' || c == '\t';
}

static int
space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static int
at_bol(const parser *p, size_t off)
{
	return off == 0 || p->src[off - 1] == '\n';
}

static tk_tmpl_node *
cur(parser *p)
{
	return p->stack[p->depth].n;
}

static tk_tmpl_node *
node_new(parser *p, tk_tmpl_kind kind, size_t off)
{
	tk_tmpl_node *n = xcalloc(1, sizeof(*n));

	n->kind = kind;
	locate(p, off, &n->line, &n->col);
	return n;
}

static void
append(tk_tmpl_node *parent, tk_tmpl_node *n)
{
	n->parent = parent;
	n->prev = parent->last;
	if (parent->last)
		parent->last->next = n;
	else
		parent->first = n;
	parent->last = n;
}

static tk_tmpl_node *
node_add(parser *p, tk_tmpl_kind kind, size_t off)
{
	tk_tmpl_node *n = node_new(p, kind, off);

	append(cur(p), n);
	return n;
}

/* Copies src[a..b), dropping the current strip indentation at each line
 * start. */
static char *
strip_copy(parser *p, size_t a, size_t b, size_t *len)
{
	const open_el *top = &p->stack[p->depth];
	tk_buf buf = TK_BUF_INIT;
	const char *nl;
	size_t e;

	while (a < b) {
		if (top->s_len && at_bol(p, a) && b - a >= top->s_len &&
		    memcmp(p->src + a, p->src + top->s_off, top->s_len) == 0)
			a += top->s_len;
		nl = memchr(p->src + a, '\n', b - a);
		e = nl ? (size_t)(nl - p->src) + 1 : b;
		tk_buf_put(&buf, p->src + a, e - a);
		a = e;
	}
	*len = buf.len;
	return tk_buf_detach(&buf);
}

/* Emits src[a..b) as a TEXT node; text directly inside a parent pair is
 * ignored, as the spec asks. */
static void
emit_text(parser *p, size_t a, size_t b)
{
	tk_tmpl_node *n;
	char *s;
	size_t len;

	if (a >= b || cur(p)->kind == TK_TMPL_PARENT)
		return;
	s = strip_copy(p, a, b, &len);
	if (len == 0) {
		free(s);
		return;
	}
	n = node_add(p, TK_TMPL_TEXT, a);
	n->str = s;
	n->len = len;
}

/* The blanks at off, minus the current strip indentation. */
static char *
blanks_at(parser *p, size_t off)
{
	size_t e = off, len;

	while (e < p->len && blank(p->src[e]))
		e++;
	return strip_copy(p, off, e, &len);
}

static int
check_name(parser *p, size_t ts, size_t a, size_t b, int dotted)
{
	size_t i;

	if (a == b)
		return perr(p, ts, "empty tag name");
	for (i = a; i < b; i++)
		if (space(p->src[i]))
			return perr(p, ts, "bad tag name '%.*s'; a name cannot contain spaces",
			    (int)(b - a), p->src + a);
	if (!dotted || (b - a == 1 && p->src[a] == '.'))
		return 0;
	for (i = a; i < b; i++)
		if (p->src[i] == '.' && (i == a || i + 1 == b || p->src[i + 1] == '.'))
			return perr(p, ts, "bad name '%.*s'; use '.' alone or between names",
			    (int)(b - a), p->src + a);
	return 0;
}

static const char *
kind_word(tk_tmpl_kind k)
{
	return k == TK_TMPL_PARENT ? "parent" : k == TK_TMPL_BLOCK ? "block" : "section";
}

static int
push(parser *p, tk_tmpl_node *n, size_t ts)
{
	open_el *top;

	if (p->depth == TK_TMPL_MAX_NESTING)
		return perr(p, ts, "sections nested deeper than %d levels; flatten the template",
		    TK_TMPL_MAX_NESTING);
	top = &p->stack[p->depth + 1];
	top->n = n;
	top->s_off = p->stack[p->depth].s_off;
	top->s_len = p->stack[p->depth].s_len;
	top->lc = top->rc = 0;
	top->lead = NULL;
	p->depth++;
	return 0;
}

static int
set_delims(parser *p, size_t ts, size_t a, size_t b)
{
	size_t o = a, oe, c, ce;

	for (oe = o; oe < b && !space(p->src[oe]); oe++)
		;
	for (c = oe; c < b && space(p->src[c]); c++)
		;
	for (ce = c; ce < b && !space(p->src[ce]); ce++)
		;
	if (oe == o || c == oe || ce == c || ce != b)
		return perr(p, ts, "bad set-delimiter tag; write two delimiters "
		    "separated by a space, as in {{=<%% %%>=}}");
	p->otag = p->src + o;
	p->olen = oe - o;
	p->ctag = p->src + c;
	p->clen = ce - c;
	return 0;
}

static int
close_tag(parser *p, size_t ts, size_t te, size_t a, size_t b, int lc, int rc,
    size_t lead_off, size_t eol)
{
	open_el *top = &p->stack[p->depth];
	tk_tmpl_node *n = top->n, *t;
	int sa = lc && rc;

	if (p->depth == 0)
		return perr(p, ts, "closing tag '%.*s' has no opening tag; remove it",
		    (int)(b - a), p->src + a);
	if (strlen(n->str) != b - a || memcmp(n->str, p->src + a, b - a) != 0)
		return perr(p, ts, "closing tag '%.*s' does not match %s '%s' opened at %d:%d",
		    (int)(b - a), p->src + a, kind_word(n->kind), n->str, n->line, n->col);
	n->raw_len = ts - n->raw_off;
	if (n->kind == TK_TMPL_PARENT) {
		/* Standalone as a pair: blanks before the opening tag, blanks
		 * and a line end after the closing one. */
		if (top->lc && (top->rc || rc)) {
			n->standalone = 1;
			n->indent = top->lead;
			top->lead = NULL;
		} else if (top->lead && top->lead[0]) {
			/* Not standalone after all: the held-back blanks are text. */
			t = xcalloc(1, sizeof(*t));
			t->kind = TK_TMPL_TEXT;
			t->line = n->line;
			t->col = 1;
			t->str = top->lead;
			t->len = strlen(top->lead);
			top->lead = NULL;
			t->parent = n->parent;
			t->next = n;
			t->prev = n->prev;
			if (n->prev)
				n->prev->next = t;
			else
				n->parent->first = t;
			n->prev = t;
		}
		n->flush_open = !n->standalone;
		p->text = rc && (top->lc || lc) ? eol : te;
		n->after_bol = at_bol(p, p->text);
	} else if (n->kind == TK_TMPL_BLOCK && n->parent->kind == TK_TMPL_PARENT) {
		/* An argument's closing tag takes its line's leading blanks;
		 * what follows it is inside the parent pair, ignored. */
		emit_text(p, p->text, lc ? lead_off : ts);
		p->text = te;
	} else {
		emit_text(p, p->text, sa ? lead_off : ts);
		n->flush_close = !sa;
		p->text = sa ? eol : te;
		n->after_bol = at_bol(p, p->text);
		if (n->kind == TK_TMPL_BLOCK && top->lead && rc) {
			n->bmode = BLOCK_INLINE;
			n->indent = top->lead;
			top->lead = NULL;
		}
	}
	free(top->lead);
	top->lead = NULL;
	p->depth--;
	return 0;
}

static int
parse(parser *p)
{
	size_t pos = 0, ts, q, ce, te, a, b, lead_off, eol, j, clen;
	tk_tmpl_node *n;
	char type, pre;
	int lc, rc, sa;

	for (;;) {
		if ((ts = find(p->src, p->len, pos, p->otag, p->olen)) == NOT_FOUND)
			break;
		q = ts + p->olen;
		type = q < p->len ? p->src[q] : '\0';
		pre = '\0';
		if (type != '\0' && strchr("{&#^/><$!=", type))
			q++;
		else
			type = '\0';
		if (type == '{')
			pre = '}';
		else if (type == '=')
			pre = '=';

		/* The closing delimiter, after a '}' or '=' for those tags. */
		for (ce = q; (ce = find(p->src, p->len, ce, p->ctag, p->clen)) != NOT_FOUND; ce++)
			if (pre == '\0' || (ce > q && p->src[ce - 1] == pre))
				break;
		if (ce != NOT_FOUND && pre)
			ce--;
		if (ce == NOT_FOUND || (type != '!' && type != '=' &&
		    memchr(p->src + q, '\n', ce - q) != NULL))
			return perr(p, ts, "unclosed tag; end it with '%s%.*s'",
			    pre == '}' ? "}" : pre == '=' ? "=" : "", (int)p->clen, p->ctag);
		te = ce + (pre ? 1 : 0) + p->clen;
		pos = te;
		for (a = q; a < ce && space(p->src[a]); a++)
			;
		for (b = ce; b > a && space(p->src[b - 1]); b--)
			;

		/* Clear to the left: only blanks since the line start. Clear
		 * to the right: only blanks up to a line end or the end. */
		for (lead_off = ts; lead_off > 0 && blank(p->src[lead_off - 1]); lead_off--)
			;
		lc = at_bol(p, lead_off);
		for (j = te; j < p->len && blank(p->src[j]); j++)
			;
		eol = j;
		rc = 1;
		if (j < p->len && p->src[j] == '\n')
			eol = j + 1;
		else if (j + 1 < p->len && p->src[j] == '\r' && p->src[j + 1] == '\n')
			eol = j + 2;
		else if (j < p->len)
			rc = 0;
		sa = lc && rc && type != '\0' && type != '&' && type != '{';

		switch (type) {
		case '!':
		case '=':
			emit_text(p, p->text, sa ? lead_off : ts);
			p->text = sa ? eol : te;
			if (type == '=' && set_delims(p, ts, a, b) < 0)
				return -1;
			break;
		case '\0':
		case '&':
		case '{':
			if (check_name(p, ts, a, b, 1) < 0)
				return -1;
			emit_text(p, p->text, ts);
			n = node_add(p, type == '\0' ? TK_TMPL_VAR : TK_TMPL_RAW, ts);
			set_lookup_name(n, p->src + a, b - a);
			n->flush_open = 1;
			p->text = te;
			break;
		case '#':
		case '^':
			if (check_name(p, ts, a, b, 1) < 0)
				return -1;
			emit_text(p, p->text, sa ? lead_off : ts);
			n = node_add(p, type == '#' ? TK_TMPL_SECTION : TK_TMPL_INVERTED, ts);
			set_lookup_name(n, p->src + a, b - a);
			n->flush_open = !sa;
			n->raw_off = te;
			p->text = sa ? eol : te;
			n->content_bol = at_bol(p, p->text);
			if (push(p, n, ts) < 0)
				return -1;
			break;
		case '>':
			if (check_name(p, ts, a, b, 0) < 0)
				return -1;
			emit_text(p, p->text, sa ? lead_off : ts);
			n = node_add(p, TK_TMPL_PARTIAL, ts);
			n->str = xstrndup(p->src + a, b - a);
			n->standalone = sa;
			n->flush_open = !sa;
			if (sa)
				n->indent = strip_copy(p, lead_off, ts, &clen);
			p->text = sa ? eol : te;
			n->after_bol = at_bol(p, p->text);
			break;
		case '<':
			if (check_name(p, ts, a, b, 0) < 0)
				return -1;
			/* Whether the pair is standalone shows at its end, so
			 * the leading blanks wait. */
			emit_text(p, p->text, lc ? lead_off : ts);
			n = node_add(p, TK_TMPL_PARENT, ts);
			n->str = xstrndup(p->src + a, b - a);
			n->raw_off = te;
			if (push(p, n, ts) < 0)
				return -1;
			p->stack[p->depth].lc = lc;
			p->stack[p->depth].rc = rc;
			if (lc)
				p->stack[p->depth].lead = strip_copy(p, lead_off, ts, &clen);
			p->text = te;
			break;
		case '$':
			if (check_name(p, ts, a, b, 0) < 0)
				return -1;
			if (cur(p)->kind == TK_TMPL_PARENT) {
				n = node_add(p, TK_TMPL_BLOCK, ts);
				n->str = xstrndup(p->src + a, b - a);
				n->raw_off = te;
				if (push(p, n, ts) < 0)
					return -1;
				p->text = te;
				if (rc) {
					p->text = eol;
					p->stack[p->depth].s_off = eol;
					for (j = eol; j < p->len && blank(p->src[j]); j++)
						;
					p->stack[p->depth].s_len = j - eol;
				}
				break;
			}
			emit_text(p, p->text, sa ? lead_off : ts);
			n = node_add(p, TK_TMPL_BLOCK, ts);
			n->str = xstrndup(p->src + a, b - a);
			n->flush_open = !sa;
			n->raw_off = te;
			if (sa) {
				n->bmode = BLOCK_INTRINSIC;
				n->indent = blanks_at(p, eol);
			}
			p->text = sa ? eol : te;
			n->content_bol = at_bol(p, p->text);
			if (push(p, n, ts) < 0)
				return -1;
			if (!sa && lc)
				p->stack[p->depth].lead = strip_copy(p, lead_off, ts, &clen);
			break;
		case '/':
			if (check_name(p, ts, a, b, 0) < 0)
				return -1;
			if (close_tag(p, ts, te, a, b, lc, rc, lead_off, eol) < 0)
				return -1;
			break;
		}
	}
	emit_text(p, p->text, p->len);
	if (p->depth > 0) {
		n = cur(p);
		tk_diag_error(p->d, p->t->path, n->line, n->col,
		    "unclosed %s '%s'; close it with %.*s/%s%.*s", kind_word(n->kind),
		    n->str, (int)p->olen, p->otag, n->str, (int)p->clen, p->ctag);
		tk_diag_show_line(p->d, p->src, p->len, n->line, n->col);
		return -1;
	}
	return 0;
}

/* Frees what n holds, not n itself: the root lives inside its template. */
static void
node_clear(tk_tmpl_node *n)
{
	tk_tmpl_node *k, *next;

	for (k = n->first; k; k = next) {
		next = k->next;
		node_clear(k);
		free(k);
	}
	free(n->str);
	free(n->parts);
	free(n->indent);
}

void
tk_tmpl_free(tk_tmpl *t)
{
	if (t == NULL)
		return;
	node_clear(&t->root);
	free(t->path);
	free(t->src);
	free(t);
}

int
tk_tmpl_parse(tk_tmpl **out, const char *path, const char *src, size_t len, tk_diag *d)
{
	tk_tmpl *t = NULL;
	parser p;
	int i, rc = -1;

	*out = NULL;
	if (len >= 3 && memcmp(src, "\xef\xbb\xbf", 3) == 0) {
		src += 3;       /* a BOM from a Windows editor */
		len -= 3;
	}
	t = xcalloc(1, sizeof(*t));
	t->path = xstrdup(path);
	t->src = xstrndup(src, len);
	t->len = len;
	t->root.kind = TK_TMPL_ROOT;
	t->root.raw_len = len;
	t->root.line = t->root.col = 1;
	t->root.content_bol = 1;

	memset(&p, 0, sizeof(p));
	p.t = t;
	p.src = t->src;
	p.len = len;
	p.d = d;
	p.otag = "{{";
	p.ctag = "}}";
	p.olen = p.clen = 2;
	p.line = p.col = 1;
	p.stack[0].n = &t->root;
	rc = parse(&p);
	for (i = 0; i <= p.depth; i++)
		free(p.stack[i].lead);
	if (rc < 0)
		goto out;
	*out = t;
	t = NULL;
out:
	tk_tmpl_free(t);
	return rc;
}

const char *
tk_tmpl_path(const tk_tmpl *t)
{
	return t->path;
}

/* The environment */

typedef struct {
	char *name;
	tk_tmpl *t;
	int rc;                 /* 0, TK_TMPL_ENOTFOUND, or -1 */
} cached;

struct tk_tmpl_env {
	tk_tmpl_loader load;
	void *arg;
	int missing_ok;
	tk_strmap *map;         /* name -> cached */
	cached **all;
	size_t n, cap;
};

tk_tmpl_env *
tk_tmpl_env_new(tk_tmpl_loader load, void *arg)
{
	tk_tmpl_env *env = xcalloc(1, sizeof(*env));

	env->load = load;
	env->arg = arg;
	env->map = tk_strmap_new();
	return env;
}

void
tk_tmpl_env_free(tk_tmpl_env *env)
{
	size_t i;

	if (env == NULL)
		return;
	for (i = 0; i < env->n; i++) {
		free(env->all[i]->name);
		tk_tmpl_free(env->all[i]->t);
		free(env->all[i]);
	}
	free(env->all);
	tk_strmap_free(env->map);
	free(env);
}

void
tk_tmpl_env_set_missing_ok(tk_tmpl_env *env, int ok)
{
	env->missing_ok = ok;
}

int
tk_tmpl_env_get(const tk_tmpl **out, tk_tmpl_env *env, const char *name, tk_diag *d)
{
	cached *c;
	char *src = NULL, *path = NULL;
	size_t len = 0;
	int rc;

	*out = NULL;
	if (env == NULL || env->load == NULL)
		return TK_TMPL_ENOTFOUND;
	if ((c = tk_strmap_get(env->map, name)) == NULL) {
		c = xcalloc(1, sizeof(*c));
		c->name = xstrdup(name);
		rc = env->load(&src, &len, &path, name, env->arg, d);
		if (rc == 0)
			rc = tk_tmpl_parse(&c->t, path ? path : name, src, len, d) < 0 ? -1 : 0;
		else if (rc != TK_TMPL_ENOTFOUND)
			rc = -1;
		c->rc = rc;
		free(src);
		free(path);
		if (env->n == env->cap) {
			env->cap = env->cap ? env->cap * 2 : 16;
			env->all = xrealloc(env->all, env->cap * sizeof(*env->all));
		}
		env->all[env->n++] = c;
		tk_strmap_put(env->map, c->name, c);
	}
	*out = c->t;
	return c->rc;
}

int
tk_tmpl_dir_loader(char **src, size_t *len, char **path, const char *name,
    void *arg, tk_diag *d)
{
	const char *dir = arg, *s;
	char *file;

	*src = NULL;
	*len = 0;
	*path = NULL;
	/* Keep partial names inside the directory. */
	if (name[0] == '\0' || name[0] == '/')
		return TK_TMPL_ENOTFOUND;
	for (s = name; *s; s = *s ? s + 1 : s) {
		if (s[0] == '.' && s[1] == '.' && (s[2] == '/' || s[2] == '\0'))
			return TK_TMPL_ENOTFOUND;
		s += strcspn(s, "/");
	}
	file = xasprintf("%s/%s.mustache", dir, name);
	if (tk_read_file(src, len, file) < 0) {
		if (errno == ENOENT || errno == ENOTDIR) {
			free(file);
			return TK_TMPL_ENOTFOUND;
		}
		tk_diag_error(d, file, 0, 0, "cannot read the partial: %s", strerror(errno));
		free(file);
		return -1;
	}
	*path = file;
	return 0;
}

/* Rendering */

/* The context stack and the stack of parents being expanded live on the C
 * stack, one link per level. */
typedef struct ctx {
	const tk_value *v;
	const struct ctx *up;
} ctx;

typedef struct frame {
	const tk_tmpl_node *el;         /* a PARENT; its BLOCK children */
	const tk_tmpl *t;               /* the template el belongs to */
	const struct frame *up;
} frame;

typedef struct {
	tk_buf *out;
	tk_tmpl_env *env;
	tk_diag *d;
	tk_buf indent;          /* the indentation is indent.data[ind0..len) */
	size_t ind0;
	int pending;            /* a source line started; indent before more */
	int pdepth, depth;
} rstate;

static int render_nodes(rstate *rs, const tk_tmpl *t, const tk_tmpl_node *n,
    const ctx *c, const frame *f);

static int
rerr(rstate *rs, const tk_tmpl *t, const tk_tmpl_node *n, const char *fmt, ...)
{
	tk_buf msg = TK_BUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	tk_buf_vprintf(&msg, fmt, ap);
	va_end(ap);
	tk_diag_error(rs->d, t->path, n->line, n->col, "%s", msg.data);
	tk_diag_show_line(rs->d, t->src, t->len, n->line, n->col);
	tk_buf_free(&msg);
	return -1;
}

static void
flush(rstate *rs)
{
	if (rs->pending && rs->indent.len > rs->ind0)
		tk_buf_put(rs->out, rs->indent.data + rs->ind0, rs->indent.len - rs->ind0);
	rs->pending = 0;
}

static void
put_text(rstate *rs, const char *s, size_t n)
{
	const char *nl;
	size_t i = 0, e;

	/* No indentation to put after a newline (outside indented partials,
	 * nearly always): the text in one piece. */
	if (rs->indent.len <= rs->ind0) {
		if (n) {
			tk_buf_put(rs->out, s, n);
			rs->pending = s[n - 1] == '\n';
		}
		return;
	}
	while (i < n) {
		flush(rs);
		nl = memchr(s + i, '\n', n - i);
		e = nl ? (size_t)(nl - s) + 1 : n;
		tk_buf_put(rs->out, s + i, e - i);
		rs->pending = nl != NULL;
		i = e;
	}
}

/* Saves the indentation and adds more (or starts afresh when more is
 * NULL); restore_indent puts it back. */
static void
push_indent(rstate *rs, const char *more, size_t saved[2])
{
	saved[0] = rs->ind0;
	saved[1] = rs->indent.len;
	if (more)
		tk_buf_puts(&rs->indent, more);
	else
		rs->ind0 = rs->indent.len;
}

static void
restore_indent(rstate *rs, const size_t saved[2])
{
	rs->ind0 = saved[0];
	rs->indent.len = saved[1];
	if (rs->indent.data)
		rs->indent.data[rs->indent.len] = '\0';
}

/* One part of a name in a map. Beside a list k a map answers has_k, true
 * when the list has items, unless it holds has_k itself: Mustache has no
 * other way to ask whether a list is empty without looping over it (to
 * write a heading above the list, say). */
static const tk_value *
get_part(const tk_value *map, const name_part *p)
{
	const tk_value *v = tk_value_map_geth(map, p->s, p->len, p->h), *l;

	if (v == NULL && p->has &&
	    (l = tk_value_map_geth(map, p->s + 4, p->len - 4, p->h_list)) != NULL &&
	    tk_value_kind_of(l) == TK_VALUE_LIST)
		v = tk_value_bool_shared(tk_value_list_len(l) > 0);
	return v;
}

static const tk_value *
lookup(const ctx *c, const tk_tmpl_node *n)
{
	const name_part *p = n->parts;
	const tk_value *v = NULL;
	size_t i;

	if (n->nparts == 0)     /* "." */
		return c ? c->v : NULL;
	/* The first part resolves up the stack, the rest only inside it. */
	for (; c; c = c->up)
		if ((v = get_part(c->v, &p[0])) != NULL)
			break;
	for (i = 1; v && i < n->nparts; i++)
		v = get_part(v, &p[i]);
	return v;
}

static int
truthy(const tk_value *v)
{
	size_t len;

	switch (tk_value_kind_of(v)) {
	case TK_VALUE_NULL:
		return 0;
	case TK_VALUE_BOOL:
		return tk_value_get_bool(v);
	case TK_VALUE_STR:
		tk_value_get_str(v, &len);
		return len > 0;
	case TK_VALUE_LIST:
		return tk_value_list_len(v) > 0;
	default:
		return 1;
	}
}

static int
interpolate(rstate *rs, const tk_tmpl *t, const tk_tmpl_node *n, const tk_value *v)
{
	const char *s;
	size_t len;

	flush(rs);
	switch (tk_value_kind_of(v)) {
	case TK_VALUE_NULL:
		break;
	case TK_VALUE_BOOL:
		tk_buf_puts(rs->out, tk_value_get_bool(v) ? "true" : "false");
		break;
	case TK_VALUE_NUM:
		tk_value_put_num(rs->out, tk_value_get_num(v));
		break;
	case TK_VALUE_STR:
		s = tk_value_get_str(v, &len);
		if (n->kind == TK_TMPL_VAR)
			tk_buf_put_html(rs->out, s, len);
		else
			tk_buf_put(rs->out, s, len);
		break;
	case TK_VALUE_LIST:
	case TK_VALUE_MAP:
		return rerr(rs, t, n, "cannot interpolate '%s': it is a %s; use a section "
		    "{{#%s}}…{{/%s}}", n->str,
		    tk_value_kind_of(v) == TK_VALUE_LIST ? "list" : "map", n->str, n->str);
	}
	return 0;
}

/* One pass over a container's children, as one iteration of a section. */
static int
render_content(rstate *rs, const tk_tmpl *t, const tk_tmpl_node *n, const ctx *c,
    const frame *f)
{
	rs->pending = n->content_bol;
	if (render_nodes(rs, t, n->first, c, f) < 0)
		return -1;
	if (n->flush_close)
		flush(rs);
	return 0;
}

static int
render_section(rstate *rs, const tk_tmpl *t, const tk_tmpl_node *n, const ctx *c,
    const frame *f)
{
	const tk_value *v = lookup(c, n);
	ctx sub;
	size_t i;

	if (n->flush_open)
		flush(rs);
	sub.up = c;
	if (n->kind == TK_TMPL_INVERTED) {
		if (!truthy(v) && render_content(rs, t, n, c, f) < 0)
			return -1;
	} else if (tk_value_kind_of(v) == TK_VALUE_LIST) {
		for (i = 0; i < tk_value_list_len(v); i++) {
			sub.v = tk_value_list_at(v, i);
			if (render_content(rs, t, n, &sub, f) < 0)
				return -1;
		}
	} else if (truthy(v)) {
		sub.v = v;
		if (render_content(rs, t, n, &sub, f) < 0)
			return -1;
	}
	rs->pending = n->after_bol;
	return 0;
}

/* A partial, or a parent with n's blocks as arguments. */
static int
render_partial(rstate *rs, const tk_tmpl *t, const tk_tmpl_node *n, const ctx *c,
    const frame *f)
{
	const tk_tmpl *pt = NULL;
	frame fr;
	size_t saved[2];
	int rc;

	if (n->flush_open)
		flush(rs);
	rc = tk_tmpl_env_get(&pt, rs->env, n->str, rs->d);
	if (rc == TK_TMPL_ENOTFOUND) {
		if (rs->env == NULL || !rs->env->missing_ok)
			return rerr(rs, t, n, "unknown partial '%s'", n->str);
		rs->pending = n->after_bol;
		return 0;
	}
	if (rc < 0)
		return -1;      /* reported when it was loaded */
	if (rs->pdepth >= TK_TMPL_MAX_PARTIAL_DEPTH)
		return rerr(rs, t, n, "partial '%s' nested deeper than %d levels; "
		    "is it including itself?", n->str, TK_TMPL_MAX_PARTIAL_DEPTH);
	fr.el = n;
	fr.t = t;
	fr.up = f;
	push_indent(rs, n->standalone ? (n->indent ? n->indent : "") : NULL, saved);
	rs->pdepth++;
	rc = render_nodes(rs, pt, pt->root.first, c, n->kind == TK_TMPL_PARENT ? &fr : f);
	rs->pdepth--;
	restore_indent(rs, saved);
	rs->pending = n->after_bol;
	return rc;
}

static int
render_block(rstate *rs, const tk_tmpl *t, const tk_tmpl_node *n, const ctx *c,
    const frame *f)
{
	const tk_tmpl_node *arg = NULL, *b;
	const frame *from = NULL, *x;
	size_t saved[2];
	int rc;

	if (n->flush_open)
		flush(rs);
	/* The outermost override wins, so a child beats its grandparent. */
	for (x = f; x; x = x->up)
		for (b = x->el->first; b; b = b->next)
			if (b->kind == TK_TMPL_BLOCK && strcmp(b->str, n->str) == 0) {
				arg = b;
				from = x;
				break;
			}
	if (arg) {
		/* The argument sees only the parents around its own
		 * template, not the ones it is being expanded into. */
		push_indent(rs, n->indent ? n->indent : "", saved);
		rc = render_nodes(rs, from->t, arg->first, c, from->up);
		restore_indent(rs, saved);
	} else
		rc = render_content(rs, t, n, c, f);
	rs->pending = n->after_bol;
	return rc;
}

static int
render_node(rstate *rs, const tk_tmpl *t, const tk_tmpl_node *n, const ctx *c,
    const frame *f)
{
	int rc = 0;

	if (rs->depth >= MAX_RENDER_DEPTH)
		return rerr(rs, t, n, "sections, partials and blocks nested deeper than "
		    "%d levels", MAX_RENDER_DEPTH);
	rs->depth++;
	switch (n->kind) {
	case TK_TMPL_TEXT:
		put_text(rs, n->str, n->len);
		break;
	case TK_TMPL_VAR:
	case TK_TMPL_RAW:
		rc = interpolate(rs, t, n, lookup(c, n));
		break;
	case TK_TMPL_SECTION:
	case TK_TMPL_INVERTED:
		rc = render_section(rs, t, n, c, f);
		break;
	case TK_TMPL_PARTIAL:
	case TK_TMPL_PARENT:
		rc = render_partial(rs, t, n, c, f);
		break;
	case TK_TMPL_BLOCK:
		rc = render_block(rs, t, n, c, f);
		break;
	case TK_TMPL_ROOT:
		break;
	}
	rs->depth--;
	return rc;
}

static int
render_nodes(rstate *rs, const tk_tmpl *t, const tk_tmpl_node *n, const ctx *c,
    const frame *f)
{
	for (; n; n = n->next)
		if (render_node(rs, t, n, c, f) < 0)
			return -1;
	return 0;
}

int
tk_tmpl_render(tk_buf *out, tk_tmpl_env *env, const tk_tmpl *t, const tk_value *data,
    tk_diag *d)
{
	return tk_tmpl_render_with(out, env, t, data, NULL, d);
}

int
tk_tmpl_render_with(tk_buf *out, tk_tmpl_env *env, const tk_tmpl *t, const tk_value *data,
    const tk_value *globals, tk_diag *d)
{
	rstate rs;
	ctx base, root;
	int rc;

	memset(&rs, 0, sizeof(rs));
	rs.out = out;
	rs.env = env;
	rs.d = d;
	rs.pending = 1;
	/* Globals sit below the data, so names the data lacks resolve there. */
	base.v = globals;
	base.up = NULL;
	root.v = data;
	root.up = globals ? &base : NULL;
	/* Make sure out is a string even when nothing is written. */
	tk_buf_put(out, "", 0);
	rc = render_nodes(&rs, t, t->root.first, data ? &root : globals ? &base : NULL, NULL);
	tk_buf_free(&rs.indent);
	return rc;
}

/* The tree */

const tk_tmpl_node *
tk_tmpl_root(const tk_tmpl *t)
{
	return &t->root;
}

tk_tmpl_kind
tk_tmpl_node_kind(const tk_tmpl_node *n)
{
	return n->kind;
}

const char *
tk_tmpl_node_name(const tk_tmpl_node *n)
{
	return n->kind == TK_TMPL_ROOT || n->kind == TK_TMPL_TEXT ? NULL : n->str;
}

const char *
tk_tmpl_node_text(const tk_tmpl_node *n, size_t *len)
{
	if (n->kind != TK_TMPL_TEXT)
		return NULL;
	if (len)
		*len = n->len;
	return n->str;
}

static int
is_container(tk_tmpl_kind k)
{
	return k == TK_TMPL_ROOT || k == TK_TMPL_SECTION || k == TK_TMPL_INVERTED ||
	    k == TK_TMPL_PARENT || k == TK_TMPL_BLOCK;
}

const char *
tk_tmpl_node_raw(const tk_tmpl_node *n, size_t *len)
{
	const tk_tmpl_node *r = n;

	if (!is_container(n->kind))
		return NULL;
	while (r->parent)
		r = r->parent;
	if (len)
		*len = n->raw_len;
	/* The root lives inside its template, which holds the source. */
	return ((const tk_tmpl *)((const char *)r - offsetof(tk_tmpl, root)))->src + n->raw_off;
}

int
tk_tmpl_node_line(const tk_tmpl_node *n)
{
	return n->line;
}

int
tk_tmpl_node_col(const tk_tmpl_node *n)
{
	return n->col;
}

const tk_tmpl_node *
tk_tmpl_node_parent(const tk_tmpl_node *n)
{
	return n->parent;
}

const tk_tmpl_node *
tk_tmpl_node_first_child(const tk_tmpl_node *n)
{
	return n->first;
}

const tk_tmpl_node *
tk_tmpl_node_next(const tk_tmpl_node *n)
{
	return n->next;
}

struct tk_tmpl_iter {
	const tk_tmpl_node *root, *cur;
	tk_tmpl_event ev;
	int started;
};

tk_tmpl_iter *
tk_tmpl_iter_new(const tk_tmpl_node *root)
{
	tk_tmpl_iter *it = xcalloc(1, sizeof(*it));

	it->root = root;
	return it;
}

void
tk_tmpl_iter_free(tk_tmpl_iter *it)
{
	free(it);
}

tk_tmpl_event
tk_tmpl_iter_next(tk_tmpl_iter *it)
{
	if (!it->started) {
		it->started = 1;
		it->cur = it->root;
		it->ev = it->root ? TK_TMPL_EVENT_ENTER : TK_TMPL_EVENT_DONE;
		return it->ev;
	}
	if (it->ev == TK_TMPL_EVENT_DONE)
		return it->ev;
	if (it->ev == TK_TMPL_EVENT_ENTER && is_container(it->cur->kind)) {
		if (it->cur->first) {
			it->cur = it->cur->first;
			it->ev = TK_TMPL_EVENT_ENTER;
		} else
			it->ev = TK_TMPL_EVENT_EXIT;
		return it->ev;
	}
	if (it->cur == it->root) {
		it->ev = TK_TMPL_EVENT_DONE;
		it->cur = NULL;
	} else if (it->cur->next) {
		it->cur = it->cur->next;
		it->ev = TK_TMPL_EVENT_ENTER;
	} else {
		it->cur = it->cur->parent;
		it->ev = TK_TMPL_EVENT_EXIT;
	}
	return it->ev;
}

const tk_tmpl_node *
tk_tmpl_iter_node(const tk_tmpl_iter *it)
{
	return it->cur;
}
