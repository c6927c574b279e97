/* view.c: see view.h. Each page kind has a builder that turns the model
 * and its figures into a tk_value; the page list fixes the site's
 * permalinks:
 *
 *   index.html                          national overview
 *   alueet/<region>/index.html          an organisation
 *   ryhmat/<group>/index.html           a preparation group
 *   tiekartta/index.html                the roadmap versions
 *   tiekartta/<version>/index.html      a roadmap version
 *   tiekartta/<version>/<subtask>/      a subtask, every organisation on it
 *   tilannekuva/<YYYY-MM>/index.html    a monthly tilannekuva
 *   sivut/<slug>/index.html             a free page
 *   404.html
 */
#define _DEFAULT_SOURCE
#include "view.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "chart.h"
#include "diff.h"
#include "figures.h"
#include "markdown.h"
#include "render.h"
#include "source.h"
#include "util.h"
#include "yaml.h"

enum kind { K_INDEX, K_REGION, K_GROUP, K_VERSIONS, K_VERSION, K_SUBTASK, K_DIFF,
	K_MONTH, K_THEMES, K_SNAPSHOTS, K_A11Y, K_PAGE, K_BUILD, K_404 };

typedef struct {
	tk_view_page pub;
	enum kind kind;
	const void *obj;        /* the region, group, version, subtask or page */
	const void *obj2;       /* the subtask's version */
	int period;
} page;

struct tk_view {
	const tk_model *m;
	const tk_value *strings;
	const char *lang;       /* this view's language */
	char base[64];          /* "" for the current site, "versiot/<id>/" for a snapshot */
	char prefix[80];        /* base, then "sv/" for a language but the default */
	const tk_value *snapshots;      /* the snapshot list for versiot/, or NULL */
	char band_label[4][64];         /* the bands' labels, from the strings and the edges */
	const tk_page **nav;    /* the pages in the main navigation */
	size_t nnav;
	int fallbacks;          /* texts shown in Finnish for want of lang */
	int dirty;
	page *pages;
	size_t npages, cap;
	size_t ngroups, nrecords, nregions;
	const tk_fig_table *table;      /* the records' figures */
	tk_value_shape *measure_shape;  /* the keys of measure_value's maps */
	tk_fig_table *own_table;        /* table when the view made it */
	int *periods;           /* periods with any record, ascending */
	size_t nperiods;
	size_t *rstart, *rend;  /* each region's records [start, end) */
	int latest;             /* the latest period, or -1 */
	const tk_history *history;
	/* The mainline's first upto commits, for where each page last changed:
	 * the history's whole mainline, or for a snapshot up to its commit. */
	const tk_history *commits;
	size_t upto;
	const tk_version *current;      /* the newest roadmap version */
	tk_view_inputs *in;     /* own_in, or shared (tk_view_share_inputs) */
	tk_view_inputs *own_in;
	char key_common[41], key_salt[41];      /* common_key's, and its salt */
	const tk_diff_history *diffs;   /* the versions compared, or own_diffs */
	tk_diff_history *own_diffs;
	/* The page's percentage cells, banded [0] and plain [1], by pct + 1:
	 * a month page at 10x has a thousand, of a hundred kinds. A cell is
	 * never changed once made, so one node serves every place on the
	 * page; only in an arena, which frees a page's values all at once. */
	tk_value *cells[2][102];
};

/* What the page keys and footers are made from, the same in every
 * language: the views of one rendering share it (tk_view_share_inputs),
 * and the first to need a part computes it. */
struct tk_view_inputs {
	size_t nperiods;        /* medians' length */
	size_t nversions;       /* key_subtask's and c_subtask's length */
	/* Page keys (tk_view_page_key): the records all together, by period
	 * (as periods) and by region (as the model's); by version, by subtask
	 * (its index), the rows its page shows. */
	char (*key_period)[41], (*key_region)[41], key_all[41], (**key_subtask)[41];
	char *key_periods;      /* " 24252 24253 ...": every page key names them */
	/* Where pages' content last changed, as mainline positions (-1: never),
	 * from the history: outside the records or in the set of months (every
	 * page), any record, by period, by version, by region; and by period,
	 * the national medians (median_commit; -2 until asked). */
	long c_base, c_all, *c_period, *c_version, *c_region, *c_median;
	/* By version, by subtask (its index): where a correction last changed
	 * that subtask's row of a region's latest record; c_version holds
	 * the changes to every row. */
	long **c_subtask;
	/* By period, the national medians of eteneminen (period_medians): by
	 * group, then overall; NULL until asked. */
	int **medians;
	tk_strmap *region_ids;  /* region_by_id's, made on first use */
};

tk_view_inputs *
tk_view_inputs_new(void)
{
	return xcalloc(1, sizeof(tk_view_inputs));
}

void
tk_view_inputs_free(tk_view_inputs *in)
{
	size_t i;

	if (in == NULL)
		return;
	free(in->key_period);
	free(in->key_periods);
	free(in->key_region);
	for (i = 0; in->key_subtask && i < in->nversions; i++)
		free(in->key_subtask[i]);
	free(in->key_subtask);
	free(in->c_period);
	free(in->c_version);
	free(in->c_region);
	free(in->c_median);
	for (i = 0; in->c_subtask && i < in->nversions; i++)
		free(in->c_subtask[i]);
	free(in->c_subtask);
	if (in->medians)
		for (i = 0; i < in->nperiods; i++)
			free(in->medians[i]);
	free(in->medians);
	tk_strmap_free(in->region_ids);
	free(in);
}

void
tk_view_share_inputs(tk_view *v, tk_view_inputs *in)
{
	tk_view_inputs_free(v->own_in);
	v->own_in = NULL;
	v->in = in;
}

/* ---- small builders ---- */

static tk_value *
set_new(tk_value *m, const char *k, tk_value *v)
{
	tk_value_map_set(m, k, v);
	return v;
}

static tk_value *
push_map(tk_value *list)
{
	tk_value *v = tk_value_map();

	tk_value_list_push(list, v);
	return v;
}

static void
set_fmt(tk_value *m, const char *k, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void
set_fmt(tk_value *m, const char *k, const char *fmt, ...)
{
	tk_buf b = TK_BUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	tk_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	tk_value_map_set(m, k, tk_value_strn(b.data ? b.data : "", b.len));
	tk_buf_free(&b);
}

/* Sets k to the strings up to NULL joined. The links and keys of every
 * page are made this way: printf was a seventh of a build's instructions
 * (callgrind, 1x). */
static void
set_join(tk_value *m, const char *k, ...) __attribute__((sentinel));

static void
set_join(tk_value *m, const char *k, ...)
{
	char buf[256];
	tk_buf b = TK_BUF_INIT;
	const char *part;
	size_t n = 0;
	va_list ap;

	va_start(ap, k);
	while ((part = va_arg(ap, const char *)) != NULL) {
		size_t l = strlen(part);

		if (b.data == NULL && n + l < sizeof(buf)) {
			memcpy(buf + n, part, l);
		} else {
			if (b.data == NULL)
				tk_buf_put(&b, buf, n);
			tk_buf_put(&b, part, l);
		}
		n += l;
	}
	va_end(ap);
	tk_value_map_set(m, k, tk_value_strn(b.data ? b.data : buf, n));
	tk_buf_free(&b);
}

/* n (>= 0) in decimal at p, at least width digits; returns the length. */
static size_t
put_uint(char *p, int n, int width)
{
	char tmp[12];
	size_t l = 0, i;

	do {
		tmp[l++] = (char)('0' + n % 10);
		n /= 10;
	} while (n > 0 && l < sizeof(tmp));
	while ((int)l < width && l < sizeof(tmp))
		tmp[l++] = '0';
	for (i = 0; i < l; i++)
		p[i] = tmp[l - 1 - i];
	return l;
}

static void
set_md(tk_value *m, const char *k, const char *md)
{
	tk_buf b = TK_BUF_INIT;

	if (md == NULL) {
		tk_value_map_set(m, k, tk_value_null());
		return;
	}
	tk_md_render(&b, md, strlen(md));
	tk_value_map_set(m, k, tk_value_strn(b.data ? b.data : "", b.len));
	tk_buf_free(&b);
}

/* An interface string from the theme, "a.b" looked up by parts; the key
 * itself when missing, so a gap shows instead of vanishing. */
static const char *
ui(tk_view *v, const char *key)
{
	const tk_value *cur = v->strings;
	const char *p = key, *dot;

	while (cur && (dot = strchr(p, '.')) != NULL) {
		cur = tk_value_map_getn(cur, p, (size_t)(dot - p));
		p = dot + 1;
	}
	cur = cur ? tk_value_map_get(cur, p) : NULL;
	return cur && tk_value_get_str(cur, NULL) ? tk_value_get_str(cur, NULL) : key;
}

/* A text in the page's language, falling back to Finnish (counted, so the
 * page can say that some of its content is in Finnish only). */
static const char *
tx(tk_view *v, const tk_text *t)
{
	const char *s = strcmp(v->lang, "sv") == 0 ? t->sv :
	    strcmp(v->lang, "en") == 0 ? t->en : t->fi;

	if (s)
		return s;
	if (strcmp(v->lang, "fi") != 0)
		v->fallbacks++;
	return t->fi;
}

/* Sets key to the text; a Finnish fallback on another language's page
 * also gets key_lang, so templates can mark it with lang="fi". */
/* Band k's label: the theme's words with {lo} and {hi} replaced by the
 * band's edges in percent, so bands: in site.yaml changes the legend too
 * (with [25, 50, 75]: under 25, 25–49, 50–75, over 75). */
static const char *
band_label(tk_view *v, int k)
{
	const int *e = tk_model_site(v->m)->bands;
	int lo = k == 0 ? 0 : k == 1 ? e[0] : k == 2 ? e[1] : e[2];
	int hi = k == 0 ? e[0] : k == 1 ? e[1] - 1 : k == 2 ? e[2] : 100;
	char key[16];
	const char *p, *hit;
	tk_buf b = TK_BUF_INIT;

	if (v->band_label[k][0])
		return v->band_label[k];
	snprintf(key, sizeof(key), "band.b%d", k);
	for (p = ui(v, key); (hit = strchr(p, '{')) != NULL;) {
		tk_buf_put(&b, p, (size_t)(hit - p));
		if (strncmp(hit, "{lo}", 4) == 0 || strncmp(hit, "{hi}", 4) == 0) {
			tk_buf_printf(&b, "%d", hit[1] == 'l' ? lo : hi);
			p = hit + 4;
		} else {
			tk_buf_putc(&b, '{');
			p = hit + 1;
		}
	}
	tk_buf_puts(&b, p);
	snprintf(v->band_label[k], sizeof(v->band_label[k]), "%s", b.data ? b.data : "");
	tk_buf_free(&b);
	return v->band_label[k];
}

static void
set_text(tk_view *v, tk_value *m, const char *key, const tk_text *t)
{
	int before = v->fallbacks;
	char k[64];

	tk_value_set_str(m, key, tx(v, t));
	if (v->fallbacks != before) {
		snprintf(k, sizeof(k), "%s_lang", key);
		tk_value_set_str(m, k, "fi");
	}
}

/* "YYYY-MM" into buf; by hand, as printf is slow (set_join). */
static void
period_id(char *buf, size_t n, int p)
{
	size_t l;

	if (n < 16 || p < 0 || p > 12 * 99999) {
		snprintf(buf, n, "%04d-%02d", p / 12, p % 12 + 1);
		return;
	}
	l = put_uint(buf, p / 12, 4);
	buf[l++] = '-';
	l += put_uint(buf + l, p % 12 + 1, 2);
	buf[l] = '\0';
}

static void
set_period(tk_value *m, const char *k, int p)
{
	tk_value *pv;
	char id[16], label[32];
	size_t n;

	if (p < 0) {
		tk_value_map_set(m, k, tk_value_null());
		return;
	}
	pv = set_new(m, k, tk_value_map());
	period_id(id, sizeof(id), p);
	tk_value_set_str(pv, "id", id);
	n = put_uint(label, p % 12 + 1, 1);
	label[n++] = '/';
	n += put_uint(label + n, p / 12, 1);
	tk_value_map_set(pv, "label", tk_value_strn(label, n));
}

static const char *const state_keys[TK_STATE_COUNT] = {
	"not_started", "under_way", "on_schedule", "done", "late", "na"
};

static void
set_state(tk_view *v, tk_value *m, tk_state s)
{
	const char *name = s >= 0 ? state_keys[s] : "none";
	char key[48] = "state.";

	memcpy(key + 6, name, strlen(name) + 1);
	tk_value_set_str(m, "state", name);
	tk_value_set_str(m, "state_label", ui(v, key));
}

static void
date_fi(char *buf, size_t n, tk_date d)
{
	snprintf(buf, n, "%d.%d.%d", d.d, d.m, d.y);
}

/* A percentage cell: the number, its text, its band (a class and a label,
 * so colour is never the only signal); plain, a share shown without a
 * band (the bands grade readiness and progress, not each state's share on
 * its own). */
static tk_value *
make_cell(tk_view *v, int pct, int plain)
{
	static const char band_class[4][3] = { "b0", "b1", "b2", "b3" };
	const tk_site *s = tk_model_site(v->m);
	tk_value *c = tk_value_map();
	int band = tk_fig_band(s->bands, pct), n;
	char text[8];

	if (pct < 0) {
		tk_value_map_set(c, "pct", tk_value_null());
		tk_value_set_str(c, "text", ui(v, "no_figure"));
		tk_value_set_str(c, "band", "none");
		if (plain)
			tk_value_map_set(c, "band_label", tk_value_null());
		else
			tk_value_set_str(c, "band_label", ui(v, "no_data"));
		tk_value_set_bool(c, "has", 0);
		return c;
	}
	/* Thousands of cells per build: no printf, labels looked up once. */
	tk_value_set_num(c, "pct", pct);
	n = 0;
	if (pct >= 100)
		text[n++] = (char)('0' + pct / 100);
	if (pct >= 10)
		text[n++] = (char)('0' + pct / 10 % 10);
	text[n++] = (char)('0' + pct % 10);
	memcpy(text + n, " %", 3);
	tk_value_map_set(c, "text", tk_value_strn(text, (size_t)n + 2));
	if (plain) {
		tk_value_set_str(c, "band", "plain");
		tk_value_map_set(c, "band_label", tk_value_null());
	} else {
		tk_value_map_set(c, "band", tk_value_strn(band_class[band], 2));
		tk_value_set_str(c, "band_label", band_label(v, band));
	}
	tk_value_set_bool(c, "has", 1);
	return c;
}

static tk_value *
cell_of(tk_view *v, int pct, int plain)
{
	tk_value **slot;

	if (pct < -1 || pct > 100 || tk_value_arena_current() == NULL)
		return make_cell(v, pct < 0 ? -1 : pct, plain);
	slot = &v->cells[plain][pct + 1];
	if (*slot == NULL)
		*slot = make_cell(v, pct, plain);
	return *slot;
}

static tk_value *
cell(tk_view *v, int pct)
{
	return cell_of(v, pct, 0);
}

static tk_value *
plain_cell(tk_view *v, int pct)
{
	return cell_of(v, pct, 1);
}

/* rec's counts for the entity at position e of version ver, from the
 * table when ver is rec's own. */
static void
entity_counts(tk_view *v, tk_counts *out, const tk_record *rec, const tk_version *ver,
    size_t e)
{
	if (ver == rec->version)
		*out = tk_fig_table_entities(v->table, rec)[e];
	else
		tk_fig_count(out, rec, NULL, ver->entities[e]);
}

static const char *const measure_keys[] = { "valmis", "kaynnissa", "valmiusaste",
	"eteneminen", "tracked", "done", "due", "overdue", "unreported", "not_applicable" };

static tk_value *
measure_value(tk_view *v, const tk_measure *x)
{
	tk_value *vals[] = {
		plain_cell(v, x->valmis),
		plain_cell(v, x->kaynnissa),
		cell(v, tk_fig_pct(x->c.done + x->c.under_way + x->c.on_schedule, x->c.tracked)),
		cell(v, x->eteneminen),
		tk_value_num(x->c.tracked),
		tk_value_num(x->c.done),
		tk_value_num(x->c.due),
		tk_value_num(x->c.overdue),
		tk_value_num(x->c.unreported),
		tk_value_num(x->c.not_applicable),
	};

	return tk_value_map_shaped(v->measure_shape, vals);
}

/* The relative way from a page back to the site's root, so the site works
 * from any folder and from file://. */
static void
set_root(tk_view *v, tk_value *m, const char *path)
{
	tk_buf b = TK_BUF_INIT;
	const char *p;

	for (p = path; *p; p++)
		if (*p == '/')
			tk_buf_puts(&b, "../");
	tk_value_map_set(m, "asset_root", tk_value_strn(b.data ? b.data : "", b.len));
	if (v->base[0]) {
		/* A snapshot's links stay inside it without naming it, so a page
		 * that did not change between snapshots has the same bytes. */
		tk_buf_reset(&b);
		for (p = path + strlen(v->prefix); *p; p++)
			if (*p == '/')
				tk_buf_puts(&b, "../");
	} else
		tk_buf_puts(&b, v->prefix);
	tk_value_map_set(m, "root", tk_value_strn(b.data ? b.data : "", b.len));
	tk_buf_free(&b);
}
/* ---- the page list ---- */

static page *
add(tk_view *v, enum kind k, const char *tmpl, const void *obj, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

static page *
add(tk_view *v, enum kind k, const char *tmpl, const void *obj, const char *fmt, ...)
{
	page *p;
	va_list ap;
	int n;

	if (v->npages == v->cap) {
		v->cap = v->cap ? v->cap * 2 : 64;
		v->pages = xrealloc(v->pages, v->cap * sizeof(*v->pages));
	}
	p = &v->pages[v->npages++];
	memset(p, 0, sizeof(*p));
	p->kind = k;
	p->obj = obj;
	p->pub.template = tmpl;
	n = snprintf(p->pub.path, sizeof(p->pub.path), "%s", v->prefix);
	va_start(ap, fmt);
	vsnprintf(p->pub.path + n, sizeof(p->pub.path) - (size_t)n, fmt, ap);
	va_end(ap);
	return p;
}

/* An organisation's record for period, or NULL: its records are sorted by
 * period, so a binary search. */
static const tk_record *
record_at(tk_view *v, const tk_region *r, int period)
{
	size_t lo = v->rstart[r->index], hi = v->rend[r->index];

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const tk_record *rec = tk_model_record(v->m, mid);

		if (rec->period == period)
			return rec;
		if (rec->period < period)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* Region ri's latest record against roadmap version ver, or NULL: what
 * the version's subtask pages show of it. */
static const tk_record *
latest_in(const tk_view *v, size_t ri, const tk_version *ver)
{
	size_t k;

	for (k = v->rend[ri]; k-- > v->rstart[ri];)
		if (tk_model_record(v->m, k)->version == ver)
			return tk_model_record(v->m, k);
	return NULL;
}

/* Region r's latest record, or NULL: its page shows that month. */
static const tk_record *
latest_of(const tk_view *v, const tk_region *r)
{
	return v->rstart[r->index] < v->rend[r->index] ?
	    tk_model_record(v->m, v->rend[r->index] - 1) : NULL;
}

/* rec's report of subtask st, or NULL: reports are in roadmap order, so a
 * search (a version's subtask pages ask each record for each subtask). */
static const tk_report *
report_of(const tk_record *rec, const tk_subtask *st)
{
	size_t lo = 0, hi = rec->nreports;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (rec->reports[mid].subtask->index < st->index)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < rec->nreports && rec->reports[lo].subtask == st ? &rec->reports[lo] : NULL;
}

static const tk_measure *
meas(tk_view *v, const tk_record *rec, const tk_group *g)
{
	return tk_fig_table_measure(v->table, rec, g);
}

int
tk_view_new(tk_view **out, const tk_model *m, const tk_value *strings, const char *lang,
    const char *base, int dirty, const tk_fig_table *table, const tk_diff_history *diffs)
{
	tk_view *v = xcalloc(1, sizeof(*v));
	const tk_site *site = tk_model_site(m);
	size_t i, e, t, s;
	int first = 0;

	v->m = m;
	v->strings = strings;
	v->lang = lang;
	snprintf(v->base, sizeof(v->base), "%s", base ? base : "");
	if (site->nlanguages && strcmp(site->languages[0], lang) != 0)
		snprintf(v->prefix, sizeof(v->prefix), "%s%s/", v->base, lang);
	else
		snprintf(v->prefix, sizeof(v->prefix), "%s", v->base);
	v->dirty = dirty;
	v->in = v->own_in = tk_view_inputs_new();
	v->ngroups = tk_model_ngroups(m);
	v->nrecords = tk_model_nrecords(m);
	v->nregions = tk_model_nregions(m);
	v->latest = -1;
	v->table = table ? table : (v->own_table = tk_fig_table_new(m));
	v->measure_shape = tk_value_shape_new(measure_keys,
	    sizeof(measure_keys) / sizeof(measure_keys[0]));
	v->periods = xcalloc(v->nrecords + 1, sizeof(*v->periods));
	v->rstart = xcalloc(v->nregions + 1, sizeof(*v->rstart));
	v->rend = xcalloc(v->nregions + 1, sizeof(*v->rend));
	for (i = 0; i < v->nrecords; i++) {
		const tk_record *rec = tk_model_record(m, i);

		if (i == 0 || tk_model_record(m, i - 1)->region != rec->region)
			v->rstart[rec->region->index] = i;
		v->rend[rec->region->index] = i + 1;
		if (i == 0 || rec->period < first)
			first = rec->period;
		if (rec->period > v->latest)
			v->latest = rec->period;
	}
	/* The periods that have records, ascending: marked over their span (a
	 * few hundred months), not looked up record by record. */
	if (v->nrecords) {
		char *has = xcalloc((size_t)(v->latest - first) + 1, 1);

		for (i = 0; i < v->nrecords; i++)
			has[tk_model_record(m, i)->period - first] = 1;
		for (s = 0; s <= (size_t)(v->latest - first); s++)
			if (has[s])
				v->periods[v->nperiods++] = first + (int)s;
		free(has);
	}
	if (tk_model_nversions(m))
		v->current = tk_model_version(m, tk_model_nversions(m) - 1);
	/* Listed once: every page has the navigation, and a site may have
	 * thousands of pages. */
	v->nav = xcalloc(tk_model_npages(m) + 1, sizeof(*v->nav));
	for (i = 0; i < tk_model_npages(m); i++)
		if (tk_model_page(m, i)->nav)
			v->nav[v->nnav++] = tk_model_page(m, i);
	if (diffs == NULL) {
		tk_diff_history_new(&v->own_diffs, m);
		diffs = v->own_diffs;
	}
	v->diffs = diffs;

	add(v, K_INDEX, "index", NULL, "index.html");
	for (i = 0; i < v->nregions; i++)
		add(v, K_REGION, "region", tk_model_region(m, i), "alueet/%s/index.html",
		    tk_model_region(m, i)->id);
	for (i = 0; i < v->ngroups; i++)
		add(v, K_GROUP, "group", tk_model_group(m, i), "ryhmat/%s/index.html",
		    tk_model_group(m, i)->id);
	add(v, K_VERSIONS, "versions", NULL, "tiekartta/index.html");
	for (i = 0; i < tk_model_nversions(m); i++) {
		const tk_version *ver = tk_model_version(m, i);

		add(v, K_VERSION, "version", ver, "tiekartta/%s/index.html", ver->id);
		for (e = 0; e < ver->nentities; e++)
			for (t = 0; t < ver->entities[e]->ntasks; t++)
				for (s = 0; s < ver->entities[e]->tasks[t].nsubtasks; s++) {
					const tk_subtask *st = &ver->entities[e]->tasks[t].subtasks[s];
					page *p = add(v, K_SUBTASK, "subtask", st,
					    "tiekartta/%s/%s/index.html", ver->id, st->id);

					p->obj2 = ver;
				}
	}
	for (i = 0; i + 1 < tk_model_nversions(m); i++) {
		page *p = add(v, K_DIFF, "diff", tk_diff_history_step(v->diffs, i),
		    "tiekartta/muutokset/%s--%s/index.html", tk_model_version(m, i)->id,
		    tk_model_version(m, i + 1)->id);

		(void)p;
	}
	if (tk_diff_history_first_last(diffs))
		add(v, K_DIFF, "diff", tk_diff_history_first_last(diffs),
		    "tiekartta/muutokset/%s--%s/index.html", tk_model_version(m, 0)->id,
		    v->current->id);
	for (i = 0; i < v->nperiods; i++) {
		char id[16];
		page *p;

		period_id(id, sizeof(id), v->periods[i]);
		p = add(v, K_MONTH, "month", NULL, "tilannekuva/%s/index.html", id);
		p->period = v->periods[i];
	}
	if (v->latest >= 0)
		add(v, K_THEMES, "themes", NULL, "teemat/index.html");
	if (site->accessibility.feedback)
		add(v, K_A11Y, "accessibility", NULL, "saavutettavuus/index.html");
	/* The build's commit has a page of its own, so the other pages do not
	 * change with every commit. A snapshot's banner names its commit. */
	if (v->base[0] == '\0')
		add(v, K_BUILD, "build", NULL, "julkaisu/index.html");
	for (i = 0; i < tk_model_npages(m); i++)
		add(v, K_PAGE, "page", tk_model_page(m, i), "sivut/%s/index.html",
		    tk_model_page(m, i)->slug);
	add(v, K_404, "404", NULL, "404.html");
	*out = v;
	return 0;
}

void
tk_view_free(tk_view *v)
{
	if (v == NULL)
		return;
	tk_diff_history_free(v->own_diffs);
	tk_value_shape_free(v->measure_shape);
	tk_view_inputs_free(v->own_in);
	free(v->nav);
	free(v->pages);
	tk_fig_table_free(v->own_table);
	free(v->periods);
	free(v->rstart);
	free(v->rend);
	free(v);
}

void
tk_view_set_history(tk_view *v, const tk_history *h)
{
	v->history = h;
	v->commits = h;
	v->upto = h ? tk_history_ncommits(h) : 0;
}

void
tk_view_set_commits(tk_view *v, const tk_history *h, size_t upto)
{
	v->commits = h;
	v->upto = h && upto <= tk_history_ncommits(h) ? upto : 0;
}

void
tk_view_add_snapshots(tk_view *v, const tk_value *list)
{
	v->snapshots = list;
	add(v, K_SNAPSHOTS, "snapshots", NULL, "versiot/index.html");
}

/* A forge link to a file at commit, from site.yaml's file_url template
 * ({commit}, {path}); NULL without one. */
static void
set_file_url(tk_view *v, tk_value *m, const char *key, const char *path, const char *commit)
{
	const tk_site *s = tk_model_site(v->m);
	const char *q = s->file_url, *hit;
	tk_buf u = TK_BUF_INIT;

	if (q == NULL || commit == NULL || path == NULL)
		return;
	while ((hit = strchr(q, '{')) != NULL) {
		tk_buf_put(&u, q, (size_t)(hit - q));
		if (strncmp(hit, "{commit}", 8) == 0) {
			tk_buf_puts(&u, commit);
			q = hit + 8;
		} else if (strncmp(hit, "{path}", 6) == 0) {
			tk_buf_puts(&u, path);
			q = hit + 6;
		} else {
			tk_buf_putc(&u, '{');
			q = hit + 1;
		}
	}
	tk_buf_puts(&u, q);
	tk_value_set_str(m, key, u.data);
	tk_buf_free(&u);
}

size_t
tk_view_count(const tk_view *v)
{
	return v->npages;
}

const tk_view_page *
tk_view_page_at(const tk_view *v, size_t i)
{
	return &v->pages[i].pub;
}

void
tk_view_sitemap(const tk_view *v, tk_buf *out)
{
	const char *base = tk_model_site(v->m)->base_url;
	size_t i;

	for (i = 0; i < v->npages; i++) {
		const char *p = v->pages[i].pub.path;
		size_t n = strlen(p);

		if (v->pages[i].kind == K_404)
			continue;
		/* Folder addresses, without index.html. */
		if (n >= 10 && strcmp(p + n - 10, "index.html") == 0)
			n -= 10;
		tk_buf_puts(out, "<url><loc>");
		if (base)
			tk_buf_put_html(out, base, strlen(base));
		tk_buf_put_html(out, p, n);
		tk_buf_puts(out, "</loc></url>\n");
	}
}

/* A commit as view data: {commit, short, date, url}, url from site.yaml's
 * commit_url when there is one. */
static void
set_commit(tk_view *v, tk_value *x, const char *id, long long time)
{
	const tk_site *s = tk_model_site(v->m);
	char buf[32];

	tk_value_set_str(x, "commit", id);
	snprintf(buf, sizeof(buf), "%.12s", id);
	tk_value_set_str(x, "short", buf);
	tk_render_date_fi(buf, sizeof(buf), time);
	tk_value_set_str(x, "date", buf);
	if (s->commit_url) {
		tk_buf u = TK_BUF_INIT;
		const char *q = s->commit_url, *hit;

		while ((hit = strstr(q, "{commit}")) != NULL) {
			tk_buf_put(&u, q, (size_t)(hit - q));
			tk_buf_puts(&u, id);
			q = hit + 8;
		}
		tk_buf_puts(&u, q);
		tk_value_set_str(x, "url", u.data);
		tk_buf_free(&u);
	}
}

static const tk_hist_commit *page_commit(tk_view *v, const page *p);

/* ---- what every page has ---- */

static tk_value *
common(tk_view *v, const page *p, const char *title)
{
	const tk_model *m = v->m;
	const tk_site *s = tk_model_site(m);
	tk_value *d = tk_value_map(), *x, *nav, *it;
	char buf[64];
	size_t i;

	set_root(v, d, p->pub.path);
	/* A server shows 404.html at any depth: there relative links would
	 * break, so it links from the site's address when that is known. */
	if (p->kind == K_404 && s->base_url) {
		tk_value_set_str(d, "asset_root", s->base_url);
		set_join(d, "root", s->base_url, v->prefix, NULL);
	}
	/* Inside a snapshot, as the site had it: the same in every snapshot. */
	tk_value_set_str(d, "path", p->pub.path + strlen(v->base));
	tk_value_set_str(d, "title", title);
	tk_value_set_str(d, "lang", v->lang);
	/* The same page in every language of the site. */
	x = set_new(d, "languages", tk_value_list());
	for (i = 0; i < s->nlanguages && (i == 0 || v->base[0] == '\0'); i++) {
		static const char *const names[][2] = { { "fi", "Suomi" }, { "sv", "Svenska" },
			{ "en", "English" } };
		const char *code = s->languages[i], *name = code;
		tk_value *l = push_map(x);
		size_t k;

		for (k = 0; k < 3; k++)
			if (strcmp(names[k][0], code) == 0)
				name = names[k][1];
		tk_value_set_str(l, "code", code);
		tk_value_set_str(l, "name", name);
		tk_value_set_bool(l, "current", strcmp(code, v->lang) == 0);
		if (v->base[0])
			set_join(l, "href", tk_value_get_str(tk_value_map_get(d, "root"), NULL),
			    p->pub.path + strlen(v->prefix), NULL);
		else
			set_join(l, "href",
			    tk_value_get_str(tk_value_map_get(d, "asset_root"), NULL),
			    i ? code : "", i ? "/" : "", p->pub.path + strlen(v->prefix), NULL);
	}
	x = set_new(d, "site", tk_value_map());
	set_text(v, x, "title", &s->title);
	tk_value_set_bool(x, "example_data", s->example_data);
	x = set_new(d, "build", tk_value_map());
	tk_value_set_bool(x, "has_commit", tk_model_commit(m) != NULL);
	tk_value_set_bool(x, "dirty", v->dirty);
	if (v->base[0] && tk_model_commit(m) && page_commit(v, p) == NULL) {
		/* A snapshot off the mainline names its own commit, filled in as
		 * each snapshot's page is written (render.c), so one rendering
		 * serves every snapshot where the page is the same. */
		tk_value_set_str(x, "commit", TK_VIEW_LATE_COMMIT);
		tk_value_set_str(x, "short", TK_VIEW_LATE_SHORT);
		tk_value_set_str(x, "date", TK_VIEW_LATE_DATE);
	} else if (p->kind == K_BUILD && tk_model_commit(m))
		set_commit(v, x, tk_model_commit(m), tk_model_commit_time(m));
	/* The commit where what this page shows last changed: a page names
	 * it, and stays the same bytes while it does not change; a snapshot's
	 * page too, so consecutive snapshots share its file. */
	if (page_commit(v, p))
		set_commit(v, set_new(d, "page_commit", tk_value_map()), page_commit(v, p)->id,
		    page_commit(v, p)->time);
	if (v->base[0] == '\0')
		tk_value_set_str(d, "build_href", "julkaisu/index.html");
	set_period(d, "latest", v->latest);
	x = set_new(d, "band_labels", tk_value_map());
	for (i = 0; i < 4; i++) {
		char key[4] = { 'b', (char)('0' + i), '\0', '\0' };

		tk_value_set_str(x, key, band_label(v, (int)i));
	}
	x = set_new(d, "exports", tk_value_map());
	tk_value_set_str(x, "json", "data/luvut.json");
	tk_value_set_str(x, "csv", "data/luvut.csv");
	tk_value_set_str(x, "feed", "feed.xml");
	tk_value_set_bool(d, "is_snapshot", v->base[0] != '\0');
	if (v->snapshots || v->base[0])
		tk_value_set_str(d, "snapshots_href", "versiot/index.html");
	if (s->accessibility.feedback)
		tk_value_set_str(d, "a11y_href", "saavutettavuus/index.html");

	/* The main navigation, with the current section marked. */
	nav = set_new(d, "nav", tk_value_list());
	it = push_map(nav);
	tk_value_set_str(it, "href", "index.html");
	tk_value_set_str(it, "label", ui(v, "nav.overview"));
	tk_value_set_bool(it, "current", p->kind == K_INDEX);
	if (v->latest >= 0) {
		period_id(buf, sizeof(buf), v->latest);
		it = push_map(nav);
		set_join(it, "href", "tilannekuva/", buf, "/index.html", NULL);
		tk_value_set_str(it, "label", ui(v, "nav.months"));
		tk_value_set_bool(it, "current", p->kind == K_MONTH);
	}
	it = push_map(nav);
	tk_value_set_str(it, "href", "tiekartta/index.html");
	tk_value_set_str(it, "label", ui(v, "nav.roadmap"));
	tk_value_set_bool(it, "current", p->kind == K_VERSIONS || p->kind == K_VERSION ||
	    p->kind == K_SUBTASK);
	for (i = 0; i < v->nnav; i++) {
		const tk_page *pg = v->nav[i];

		it = push_map(nav);
		set_join(it, "href", "sivut/", pg->slug, "/index.html", NULL);
		set_text(v, it, "label", &pg->title);
		tk_value_set_bool(it, "current", p->kind == K_PAGE && p->obj == pg);
	}
	return d;
}

static tk_value *
region_link(tk_view *v, tk_value *into, const tk_region *r)
{
	tk_value *x = into ? into : tk_value_map();

	tk_value_set_str(x, "id", r->id);
	set_text(v, x, "name", &r->name);
	set_join(x, "href", "alueet/", r->id, "/index.html", NULL);
	return x;
}

static tk_value *
groups_list(tk_view *v)
{
	tk_value *l = tk_value_list();
	size_t i;

	for (i = 0; i < v->ngroups; i++) {
		const tk_group *g = tk_model_group(v->m, i);
		tk_value *x = push_map(l);

		tk_value_set_str(x, "id", g->id);
		tk_value_set_str(x, "short", g->short_name);
		set_text(v, x, "title", &g->title);
		set_join(x, "href", "ryhmat/", g->id, "/index.html", NULL);
	}
	return l;
}

static void
set_subtask(tk_view *v, tk_value *x, const tk_subtask *st, const tk_version *ver)
{
	char q[32];
	size_t n;

	tk_value_set_str(x, "id", st->id);
	tk_value_set_str(x, "number", st->number);
	set_text(v, x, "title", &st->title);
	tk_value_set_bool(x, "critical", st->critical);
	tk_value_set_bool(x, "start_first", st->start_first);
	if (st->due >= 0) {
		n = put_uint(q, st->due / 4, 1);
		memcpy(q + n, "/Q", 2);
		n += 2;
		n += put_uint(q + n, st->due % 4 + 1, 1);
		tk_value_map_set(x, "due", tk_value_strn(q, n));
	} else {
		snprintf(q, sizeof(q), "%d/Q%d", st->due / 4, st->due % 4 + 1);
		tk_value_set_str(x, "due", q);
	}
	tk_value_set_num(x, "phase", st->phase);
	tk_value_set_str(x, "note", st->note);
	set_join(x, "href", "tiekartta/", ver->id, "/", st->id, "/index.html", NULL);
	(void)v;
}

/* A roadmap version as a tree; with rec, each subtask carries its state. */
static tk_value *
roadmap_tree(tk_view *v, const tk_version *ver, const tk_group *only,
    const tk_record *rec)
{
	tk_value *groups = tk_value_list(), *gx = NULL, *ents = NULL;
	const tk_group *cur = NULL;
	size_t e, t, s, r = 0;

	for (e = 0; e < ver->nentities; e++) {
		const tk_entity *ent = ver->entities[e];
		tk_value *ex, *tasks;

		if (only && ent->group != only)
			continue;
		if (rec && !tk_entity_applies(ent, rec->region))
			continue;
		if (ent->group != cur) {
			cur = ent->group;
			gx = push_map(groups);
			tk_value_set_str(gx, "id", cur->id);
			tk_value_set_str(gx, "short", cur->short_name);
			set_text(v, gx, "title", &cur->title);
			set_join(gx, "href", "ryhmat/", cur->id, "/index.html", NULL);
			if (rec)
				tk_value_map_set(gx, "measure", measure_value(v, meas(v, rec, cur)));
			ents = set_new(gx, "entities", tk_value_list());
		}
		ex = push_map(ents);
		tk_value_set_str(ex, "id", ent->id);
		tk_value_set_str(ex, "number", ent->number);
		set_text(v, ex, "title", &ent->title);
		tk_value_set_str(ex, "note", ent->note);
		tk_value_set_bool(ex, "carried", ent->carried_from != NULL);
		tk_value_set_str(ex, "carried_from", ent->carried_from);
		tk_value_set_str(ex, "carried_reason", ent->carried_reason);
		if (ent->applies_to) {
			tk_value *al = set_new(ex, "applies_to", tk_value_list());
			size_t k;

			for (k = 0; k < ent->napplies; k++)
				region_link(v, push_map(al), ent->applies_to[k]);
		}
		if (rec) {
			tk_measure x;

			entity_counts(v, &x.c, rec, ver, e);
			tk_fig_measure(&x);
			tk_value_map_set(ex, "measure", measure_value(v, &x));
		}
		tasks = set_new(ex, "tasks", tk_value_list());
		for (t = 0; t < ent->ntasks; t++) {
			const tk_task *task = &ent->tasks[t];
			tk_value *tx_ = push_map(tasks), *subs;

			tk_value_set_str(tx_, "id", task->id);
			tk_value_set_str(tx_, "number", task->number);
			set_text(v, tx_, "title", &task->title);
			tk_value_set_str(tx_, "note", task->note);
			subs = set_new(tx_, "subtasks", tk_value_list());
			for (s = 0; s < task->nsubtasks; s++) {
				const tk_subtask *st = &task->subtasks[s];
				tk_value *sx = push_map(subs);

				set_subtask(v, sx, st, ver);
				if (rec) {
					const tk_report *rp = NULL;

					while (r < rec->nreports &&
					    rec->reports[r].subtask->index < st->index)
						r++;
					if (r < rec->nreports && rec->reports[r].subtask == st)
						rp = &rec->reports[r];
					set_state(v, sx, rp ? rp->state : TK_STATE_NONE);
					set_md(sx, "note_html", rp ? rp->note : NULL);
				}
			}
		}
	}
	return groups;
}

static tk_value *
remarks(tk_view *v, const tk_remark *r, size_t n)
{
	tk_value *l = tk_value_list();
	size_t i;
	char key[48];

	for (i = 0; i < n; i++) {
		tk_value *x = push_map(l);

		tk_value_set_str(x, "group", r[i].group ? r[i].group->short_name : NULL);
		tk_value_set_str(x, "theme", r[i].theme);
		snprintf(key, sizeof(key), "theme.%s", r[i].theme);
		tk_value_set_str(x, "theme_label", ui(v, key));
		set_md(x, "html", r[i].text);
	}
	return l;
}

static void
set_red_flag(tk_value *d, const tk_record *rec)
{
	tk_value *f;

	if (rec == NULL || !rec->red_flag) {
		tk_value_map_set(d, "red_flag", tk_value_null());
		return;
	}
	f = set_new(d, "red_flag", tk_value_map());
	tk_value_set_str(f, "reason", rec->red_flag_reason);
	set_period(f, "since", rec->red_flag_since);
}

/* ---- charts ---- */

static void
set_svg(tk_value *d, const char *k, tk_buf *b)
{
	tk_value_map_set(d, k, tk_value_strn(b->data ? b->data : "", b->len));
	tk_buf_reset(b);
}

/* The tile map of the organisations' overall eteneminen in period. */
static void
set_tilemap(tk_view *v, tk_value *d, int period, const char *id)
{
	tk_chart_tile *tiles = xcalloc(v->nregions + 1, sizeof(*tiles));
	tk_buf b = TK_BUF_INIT, href = TK_BUF_INIT, title = TK_BUF_INIT;
	char **hrefs = xcalloc(v->nregions + 1, sizeof(*hrefs));
	const tk_value *root = tk_value_map_get(d, "root");
	size_t i;

	for (i = 0; i < v->nregions; i++) {
		const tk_region *r = tk_model_region(v->m, i);
		const tk_record *rec = record_at(v, r, period);

		hrefs[i] = xasprintf("%salueet/%s/index.html",
		    root ? tk_value_get_str(root, NULL) : "", r->id);
		tiles[i].col = r->map_col;
		tiles[i].row = r->map_row;
		tiles[i].label = tx(v, &r->name);
		tiles[i].name = tx(v, &r->name);
		tiles[i].href = hrefs[i];
		tiles[i].pct = rec ? meas(v, rec, NULL)->eteneminen : -1;
	}
	tk_buf_printf(&title, "%s %d/%d", ui(v, "chart.map_title"), period % 12 + 1, period / 12);
	tk_chart_tilemap(&b, id, title.data, ui(v, "chart.map_desc"), tiles, v->nregions,
	    tk_model_site(v->m)->bands, ui(v, "no_data"));
	set_svg(d, "map_svg", &b);
	for (i = 0; i < v->nregions; i++)
		free(hrefs[i]);
	free(hrefs);
	free(tiles);
	tk_buf_free(&b);
	tk_buf_free(&href);
	tk_buf_free(&title);
}

/* A trend over every reporting month: valmiusaste (started share) and
 * eteneminen, for one organisation (r) or the nation (r NULL). */
static void
set_trend(tk_view *v, tk_value *d, const tk_region *r, const char *id)
{
	const char **labels = xcalloc(v->nperiods + 1, sizeof(*labels));
	char (*lab)[16] = xcalloc(v->nperiods + 1, sizeof(*lab));
	int *ready = xcalloc(v->nperiods + 1, sizeof(int));
	int *prog = xcalloc(v->nperiods + 1, sizeof(int));
	tk_chart_series s[2];
	tk_buf b = TK_BUF_INIT;
	size_t i, k;

	for (i = 0; i < v->nperiods; i++) {
		tk_counts sum = { 0 };
		int any = 0;

		snprintf(lab[i], sizeof(lab[i]), "%d/%02d", v->periods[i] % 12 + 1,
		    v->periods[i] / 12 % 100);
		labels[i] = lab[i];
		for (k = 0; k < v->nregions; k++) {
			const tk_region *reg = tk_model_region(v->m, k);
			const tk_record *rec;

			if (r && reg != r)
				continue;
			if ((rec = record_at(v, reg, v->periods[i])) == NULL)
				continue;
			tk_fig_add(&sum, &meas(v, rec, NULL)->c);
			any = 1;
		}
		ready[i] = any ? tk_fig_pct(sum.done + sum.under_way + sum.on_schedule,
		    sum.tracked) : -1;
		prog[i] = any ? tk_fig_pct(sum.due_progressing, sum.due) : -1;
	}
	s[0].name = ui(v, "measure.valmiusaste");
	s[0].values = ready;
	s[1].name = ui(v, "measure.eteneminen");
	s[1].values = prog;
	tk_chart_lines(&b, id, r ? tx(v, &r->name) : ui(v, "index.national"),
	    ui(v, "chart.trend_desc"), labels, v->nperiods, s, 2);
	set_svg(d, "trend_svg", &b);
	tk_buf_free(&b);
	free(labels);
	free(lab);
	free(ready);
	free(prog);
}

/* Bars of eteneminen per group for one record, or nationally. */
static void
set_group_bars(tk_view *v, tk_value *d, const tk_record *rec, int period,
    const char *title, const char *id)
{
	const char **labels = xcalloc(v->ngroups + 1, sizeof(*labels));
	int *pct = xcalloc(v->ngroups + 1, sizeof(int));
	tk_buf b = TK_BUF_INIT;
	size_t g, k;

	for (g = 0; g < v->ngroups; g++) {
		const tk_group *grp = tk_model_group(v->m, g);
		tk_counts sum = { 0 };

		labels[g] = grp->short_name;
		if (rec) {
			pct[g] = meas(v, rec, grp)->eteneminen;
			continue;
		}
		for (k = 0; k < v->nregions; k++) {
			const tk_record *r = record_at(v, tk_model_region(v->m, k), period);

			if (r)
				tk_fig_add(&sum, &meas(v, r, grp)->c);
		}
		pct[g] = tk_fig_pct(sum.due_progressing, sum.due);
	}
	tk_chart_bars(&b, id, title, ui(v, "chart.bars_desc"), labels, pct, v->ngroups,
	    tk_model_site(v->m)->bands, ui(v, "no_data"));
	set_svg(d, "bars_svg", &b);
	tk_buf_free(&b);
	free(labels);
	free(pct);
}

/* The index of period among the view's (ascending), or -1. */
static long
period_index(const tk_view *v, int period)
{
	size_t lo = 0, hi = v->nperiods;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (v->periods[mid] < period)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < v->nperiods && v->periods[lo] == period ? (long)lo : -1;
}

/* A region's eteneminen in a month by group, then overall, into row
 * (ngroups + 1 entries; -1, which a median skips, without a record). A
 * record of the model's has them in the table; one read outside it
 * (tk_model_record_from) is counted here. */
static void
fill_row(tk_view *v, const tk_record *rec, int *row)
{
	tk_counts *groups, overall;
	tk_measure ms;
	size_t g;

	if (rec && rec->index < v->nrecords && tk_model_record(v->m, rec->index) == rec) {
		for (g = 0; g <= v->ngroups; g++)
			row[g] = meas(v, rec, g < v->ngroups ? tk_model_group(v->m, g) : NULL)->eteneminen;
		return;
	}
	for (g = 0; g <= v->ngroups; g++)
		row[g] = -1;
	if (rec == NULL)
		return;
	groups = xcalloc(v->ngroups + 1, sizeof(*groups));
	tk_fig_count_all(v->m, rec, &overall, groups, NULL);
	for (g = 0; g <= v->ngroups; g++) {
		memset(&ms, 0, sizeof(ms));
		ms.c = g < v->ngroups ? groups[g] : overall;
		tk_fig_measure(&ms);
		row[g] = ms.eteneminen;
	}
	free(groups);
}

/* The national medians of the regions' rows (nregions rows of fill_row)
 * into out[0..ngroups]: by group, then overall. */
static void
medians_of_rows(tk_view *v, const int *rows, int *out)
{
	int *vals = xcalloc(v->nregions + 1, sizeof(int));
	size_t g, i;

	for (g = 0; g <= v->ngroups; g++) {
		for (i = 0; i < v->nregions; i++)
			vals[i] = rows[i * (v->ngroups + 1) + g];
		out[g] = tk_fig_median(vals, v->nregions);
	}
	free(vals);
}

/* Every region's row for period, from the model's records. */
static int *
rows_of(tk_view *v, int period)
{
	int *rows = xcalloc(v->nregions * (v->ngroups + 1) + 1, sizeof(int));
	size_t i;

	for (i = 0; i < v->nregions; i++)
		fill_row(v, record_at(v, tk_model_region(v->m, i), period), &rows[i * (v->ngroups + 1)]);
	return rows;
}

/* The national medians of a period with records, kept:
 * every region page of the month shows them and its key names them. */
static const int *
period_medians(tk_view *v, int period)
{
	long x = period_index(v, period);

	if (v->in->medians == NULL) {
		v->in->medians = xcalloc(v->nperiods + 1, sizeof(*v->in->medians));
		v->in->nperiods = v->nperiods;
	}
	if (v->in->medians[x] == NULL) {
		int *rows = rows_of(v, period);

		v->in->medians[x] = xcalloc(v->ngroups + 1, sizeof(int));
		medians_of_rows(v, rows, v->in->medians[x]);
		free(rows);
	}
	return v->in->medians[x];
}

/* Tracked subtasks past their quarter and not done, with how long. */
static tk_value *
overdue_list(tk_view *v, const tk_record *rec)
{
	tk_value *l = tk_value_list();
	int q = tk_fig_quarter_of(rec->period);
	size_t e, t, s, r = 0;

	for (e = 0; e < rec->version->nentities; e++) {
		const tk_entity *ent = rec->version->entities[e];

		if (!tk_entity_applies(ent, rec->region))
			continue;
		for (t = 0; t < ent->ntasks; t++)
			for (s = 0; s < ent->tasks[t].nsubtasks; s++) {
				const tk_subtask *st = &ent->tasks[t].subtasks[s];
				tk_state state = TK_STATE_NONE;
				tk_value *x;

				while (r < rec->nreports && rec->reports[r].subtask->index < st->index)
					r++;
				if (r < rec->nreports && rec->reports[r].subtask == st)
					state = rec->reports[r].state;
				if (!st->critical || st->due >= q || state == TK_STATE_DONE ||
				    state == TK_STATE_NA)
					continue;
				x = push_map(l);
				set_subtask(v, x, st, rec->version);
				tk_value_set_str(x, "group", ent->group->short_name);
				tk_value_set_str(x, "entity", ent->number);
				set_state(v, x, state);
				tk_value_set_num(x, "quarters", q - st->due);
			}
	}
	return l;
}

/* Observations, wishes and risks of period grouped by theme, with how many
 * organisations raise each; with items set, every remark is listed. */
static tk_value *
theme_summary(tk_view *v, int period, int items)
{
	static const char *const kinds[3] = { "observations", "wishes", "risks" };
	tk_value *l = tk_value_list();
	tk_strmap *seen = tk_strmap_new();
	const char **order = NULL;
	size_t norder = 0, i, k, j, a;

	/* Themes in first-seen order, then sorted by how many raise them. */
	for (i = 0; i < v->nregions; i++) {
		const tk_record *rec = record_at(v, tk_model_region(v->m, i), period);

		for (k = 0; rec && k < 3; k++) {
			const tk_remark *rm = k == 0 ? rec->observations : k == 1 ? rec->wishes : rec->risks;
			size_t n = k == 0 ? rec->nobservations : k == 1 ? rec->nwishes : rec->nrisks;

			for (j = 0; j < n; j++)
				if (rm[j].theme && !tk_strmap_get(seen, rm[j].theme)) {
					tk_strmap_put(seen, rm[j].theme, (void *)rm[j].theme);
					order = xrealloc(order, (norder + 1) * sizeof(*order));
					order[norder++] = rm[j].theme;
				}
		}
	}
	for (a = 0; a < norder; a++) {
		tk_value *x = push_map(l), *lst = NULL;
		int count = 0, kc[3] = { 0 };
		char key[48];

		tk_value_set_str(x, "theme", order[a]);
		snprintf(key, sizeof(key), "theme.%s", order[a]);
		tk_value_set_str(x, "label", ui(v, key));
		if (items)
			lst = set_new(x, "items", tk_value_list());
		for (i = 0; i < v->nregions; i++) {
			const tk_record *rec = record_at(v, tk_model_region(v->m, i), period);
			int raised = 0;

			for (k = 0; rec && k < 3; k++) {
				const tk_remark *rm = k == 0 ? rec->observations : k == 1 ? rec->wishes : rec->risks;
				size_t n = k == 0 ? rec->nobservations : k == 1 ? rec->nwishes : rec->nrisks;

				for (j = 0; j < n; j++) {
					tk_value *it;
					char kk[32];

					if (rm[j].theme == NULL || strcmp(rm[j].theme, order[a]) != 0)
						continue;
					raised = 1;
					kc[k]++;
					if (!lst)
						continue;
					it = region_link(v, push_map(lst), rec->region);
					snprintf(kk, sizeof(kk), "region.%s", kinds[k]);
					tk_value_set_str(it, "kind", kinds[k]);
					tk_value_set_str(it, "kind_label", ui(v, kk));
					tk_value_set_str(it, "group",
					    rm[j].group ? rm[j].group->short_name : NULL);
					set_md(it, "html", rm[j].text);
				}
			}
			count += raised;
		}
		tk_value_set_num(x, "organisations", count);
		tk_value_set_num(x, "observations", kc[0]);
		tk_value_set_num(x, "wishes", kc[1]);
		tk_value_set_num(x, "risks", kc[2]);
	}
	/* Most raised first; ties keep first-seen order (stable insertion). */
	for (a = 1; a < tk_value_list_len(l); a++)
		for (k = a; k > 0; k--) {
			const tk_value *p0 = tk_value_list_at(l, k - 1), *p1 = tk_value_list_at(l, k);

			if (tk_value_get_num(tk_value_map_get(p0, "organisations")) >=
			    tk_value_get_num(tk_value_map_get(p1, "organisations")))
				break;
			tk_value_list_swap(l, k - 1, k);
		}
	free(order);
	tk_strmap_free(seen);
	return l;
}

static void decorate_diff(tk_view *v, tk_value *x);

/* ---- the pages ---- */

static void
set_month_links(tk_view *v, tk_value *d)
{
	tk_value *l = set_new(d, "months", tk_value_list());
	size_t i;

	for (i = v->nperiods; i-- > 0;) {
		tk_value *x = push_map(l);
		char id[16];

		period_id(id, sizeof(id), v->periods[i]);
		set_period(x, "period", v->periods[i]);
		set_join(x, "href", "tilannekuva/", id, "/index.html", NULL);
	}
}

/* One row per organisation for period: its measures per group and over
 * all, or no data. Also the national sums, medians and band counts. */
static void
set_standings(tk_view *v, tk_value *d, int period)
{
	const tk_site *s = tk_model_site(v->m);
	tk_value *rows = set_new(d, "rows", tk_value_list());
	tk_value *nat = set_new(d, "national", tk_value_list());
	int *vals = xcalloc(v->nregions + 1, sizeof(*vals));
	size_t i, g, reporting = 0;

	for (i = 0; i < v->nregions; i++) {
		const tk_region *r = tk_model_region(v->m, i);
		const tk_record *rec = record_at(v, r, period);
		tk_value *row = region_link(v, push_map(rows), r), *cells;

		tk_value_set_bool(row, "has_data", rec != NULL);
		tk_value_set_bool(row, "red_flag", rec && rec->red_flag);
		if (rec == NULL)
			continue;
		reporting++;
		cells = set_new(row, "groups", tk_value_list());
		for (g = 0; g < v->ngroups; g++) {
			tk_value *c = measure_value(v, meas(v, rec, tk_model_group(v->m, g)));

			tk_value_set_str(c, "short", tk_model_group(v->m, g)->short_name);
			tk_value_list_push(cells, c);
		}
		tk_value_map_set(row, "overall", measure_value(v, meas(v, rec, NULL)));
	}
	tk_value_set_num(d, "reporting", (double)reporting);
	tk_value_set_num(d, "organisations", (double)v->nregions);
	tk_value_set_num(d, "ncols", (double)v->ngroups + 1);
	for (g = 0; g <= v->ngroups; g++) {
		const tk_group *grp = g < v->ngroups ? tk_model_group(v->m, g) : NULL;
		tk_measure sum = { 0 };
		tk_value *x = push_map(nat), *bands;
		int lo = -1, hi = -1, nb[4] = { 0 }, k;
		size_t n = 0;

		for (i = 0; i < v->nregions; i++) {
			const tk_record *rec = record_at(v, tk_model_region(v->m, i), period);
			const tk_measure *mx;

			if (rec == NULL)
				continue;
			mx = meas(v, rec, grp);
			tk_fig_add(&sum.c, &mx->c);
			vals[n++] = mx->eteneminen;
			if (mx->eteneminen >= 0) {
				if (lo < 0 || mx->eteneminen < lo)
					lo = mx->eteneminen;
				if (mx->eteneminen > hi)
					hi = mx->eteneminen;
				nb[tk_fig_band(s->bands, mx->eteneminen)]++;
			}
		}
		tk_fig_measure(&sum);
		tk_value_set_str(x, "short", grp ? grp->short_name : ui(v, "all_groups"));
		tk_value_set_str(x, "title", grp ? tx(v, &grp->title) : ui(v, "all_groups"));
		tk_value_map_set(x, "measure", measure_value(v, &sum));
		tk_value_map_set(x, "median", cell(v, tk_fig_median(vals, n)));
		tk_value_map_set(x, "lowest", cell(v, lo));
		tk_value_map_set(x, "highest", cell(v, hi));
		bands = set_new(x, "bands", tk_value_list());
		for (k = 3; k >= 0; k--) {
			tk_value *b = push_map(bands);

			set_fmt(b, "band", "b%d", k);
			tk_value_set_str(b, "label", band_label(v, k));
			tk_value_set_num(b, "count", nb[k]);
		}
	}
	free(vals);
}

static tk_value *
build_index(tk_view *v, const page *p)
{
	const tk_site *s = tk_model_site(v->m);
	tk_value *d = common(v, p, tx(v, &s->title)), *l, *x;
	size_t i;

	tk_value_map_set(d, "groups", groups_list(v));
	set_month_links(v, d);
	if (v->latest >= 0) {
		int y = v->latest / 12, mo = v->latest % 12 + 1;
		tk_date end = { y, mo, 1 };
		long left;
		char buf[32];

		/* The reporting date is the month's last day, never the clock. */
		end.d = (int)(tk_days_from_civil(mo == 12 ? y + 1 : y, mo == 12 ? 1 : mo + 1, 1) -
		    tk_days_from_civil(y, mo, 1));
		date_fi(buf, sizeof(buf), end);
		tk_value_set_str(d, "reporting_date", buf);
		if (s->target_date.y) {
			left = tk_days_from_civil(s->target_date.y, s->target_date.m,
			    s->target_date.d) - tk_days_from_civil(end.y, end.m, end.d);
			tk_value_set_num(d, "days_left", left > 0 ? (double)left : 0);
			date_fi(buf, sizeof(buf), s->target_date);
			tk_value_set_str(d, "target_date", buf);
		}
		l = set_new(d, "phases", tk_value_list());
		for (i = 0; i < s->nphases; i++) {
			const tk_phase *ph = &s->phases[i];
			const tk_phase *next = i + 1 < s->nphases ? &s->phases[i + 1] : NULL;
			long at = tk_days_from_civil(end.y, end.m, end.d);
			int started = ph->start.y == 0 ||
			    tk_days_from_civil(ph->start.y, ph->start.m, ph->start.d) <= at;
			int ended = next && next->start.y &&
			    tk_days_from_civil(next->start.y, next->start.m, next->start.d) <= at;

			x = push_map(l);
			tk_value_set_num(x, "number", ph->number);
			set_text(v, x, "title", &ph->title);
			if (ph->start.y) {
				date_fi(buf, sizeof(buf), ph->start);
				tk_value_set_str(x, "start", buf);
			} else
				tk_value_set_str(x, "start", NULL);
			tk_value_set_str(x, "state",
			    !started ? "future" : ended ? "past" : "current");
			tk_value_set_str(x, "state_label", ui(v, !started ? "phase.future" :
			    ended ? "phase.past" : "phase.current"));
		}
		set_standings(v, d, v->latest);
		set_tilemap(v, d, v->latest, "kartta");
		set_group_bars(v, d, NULL, v->latest, ui(v, "chart.bars_title"), "palkit");
		set_trend(v, d, NULL, "trendi");
		tk_value_map_set(d, "themes", theme_summary(v, v->latest, 0));
		l = set_new(d, "red_flags", tk_value_list());
		for (i = 0; i < v->nregions; i++) {
			const tk_record *rec = record_at(v, tk_model_region(v->m, i), v->latest);

			if (rec && rec->red_flag) {
				x = region_link(v, push_map(l), rec->region);
				set_red_flag(x, rec);
			}
		}
		l = set_new(d, "overdue", tk_value_list());
		for (i = 0; i < v->nregions; i++) {
			const tk_record *rec = record_at(v, tk_model_region(v->m, i), v->latest);
			const tk_measure *mx = rec ? meas(v, rec, NULL) : NULL;

			if (mx && mx->c.overdue > 0) {
				x = region_link(v, push_map(l), rec->region);
				tk_value_set_num(x, "count", mx->c.overdue);
			}
		}
	}
	return d;
}

static tk_value *
build_region(tk_view *v, const page *p)
{
	const tk_region *r = p->obj;
	tk_value *d = common(v, p, tx(v, &r->name)), *x, *l;
	const tk_record *last = NULL;
	const tk_hist_commit *pc;
	const int *med;
	char key[32];
	size_t i;

	x = region_link(v, set_new(d, "region", tk_value_map()), r);
	tk_value_set_str(x, "name_sv", r->name.sv);
	snprintf(key, sizeof(key), "kind.%s", r->kind == TK_KIND_CITY ? "city" :
	    r->kind == TK_KIND_HUS ? "hus" : "county");
	tk_value_set_str(x, "kind_label", ui(v, key));
	l = set_new(x, "municipalities", tk_value_list());
	for (i = 0; i < r->nmunicipalities; i++)
		tk_value_list_push(l, tk_value_str(r->municipalities[i]));
	tk_value_set_num(x, "nmunicipalities", (double)r->nmunicipalities);
	l = set_new(x, "contacts", tk_value_list());
	for (i = 0; i < r->ncontacts; i++) {
		tk_value *c = push_map(l);

		tk_value_set_str(c, "name", r->contacts[i].name);
		tk_value_set_str(c, "role", r->contacts[i].role);
		tk_value_set_str(c, "email", r->contacts[i].email);
		tk_value_set_str(c, "phone", r->contacts[i].phone);
	}
	if (r->population) {
		tk_value *pop = set_new(x, "population", tk_value_map());

		tk_value_set_num(pop, "value", (double)r->population);
		tk_value_set_num(pop, "year", r->population_year);
		tk_value_set_str(pop, "source", r->population_source);
	}

	/* Every reporting month, with a gap where there is no record. */
	l = set_new(d, "history", tk_value_list());
	for (i = 0; i < v->nperiods; i++) {
		const tk_record *rec = record_at(v, r, v->periods[i]);
		char id[16];

		x = push_map(l);
		period_id(id, sizeof(id), v->periods[i]);
		set_period(x, "period", v->periods[i]);
		set_join(x, "href", "tilannekuva/", id, "/index.html", NULL);
		tk_value_set_bool(x, "has_data", rec != NULL);
		if (rec) {
			tk_value_map_set(x, "overall", measure_value(v, meas(v, rec, NULL)));
			tk_value_set_bool(x, "red_flag", rec->red_flag);
			last = rec;
		}
	}
	tk_value_set_bool(d, "has_data", last != NULL);
	if (last) {
		set_period(d, "period", last->period);
		tk_value_set_bool(d, "stale", last->period != v->latest);
		x = set_new(d, "version", tk_value_map());
		tk_value_set_str(x, "id", last->version->id);
		set_text(v, x, "title", &last->version->title);
		set_join(x, "href", "tiekartta/", last->version->id, "/index.html", NULL);
		tk_value_map_set(d, "overall", measure_value(v, meas(v, last, NULL)));
		tk_value_map_set(d, "groups", roadmap_tree(v, last->version, NULL, last));
		set_red_flag(d, last);
		set_group_bars(v, d, last, last->period, ui(v, "chart.bars_title"), "palkit");
		set_trend(v, d, r, "trendi");
		tk_value_map_set(d, "overdue", overdue_list(v, last));
		l = set_new(d, "comparison", tk_value_list());
		med = period_medians(v, last->period);
		for (i = 0; i <= v->ngroups; i++) {
			const tk_group *g = i < v->ngroups ? tk_model_group(v->m, i) : NULL;

			x = push_map(l);
			tk_value_set_str(x, "title", g ? tx(v, &g->title) : ui(v, "all_groups"));
			tk_value_map_set(x, "own", cell(v, meas(v, last, g)->eteneminen));
			tk_value_map_set(x, "median", cell(v, med[i]));
		}
		tk_value_map_set(d, "observations", remarks(v, last->observations,
		    last->nobservations));
		tk_value_map_set(d, "wishes", remarks(v, last->wishes, last->nwishes));
		tk_value_map_set(d, "risks", remarks(v, last->risks, last->nrisks));
		tk_value_set_str(d, "source", last->path);
		/* At the commit the page names (its own records are the same
		 * there), not the build's: the page stays the same bytes. */
		pc = page_commit(v, p);
		set_file_url(v, d, "source_url", last->path, pc ? pc->id : tk_model_commit(v->m));
	}
	if (v->history)
		tk_value_map_set(d, "git", tk_history_region_value(v->history, r->id));
	return d;
}

static tk_value *
build_group(tk_view *v, const page *p)
{
	const tk_group *g = p->obj;
	tk_value *d = common(v, p, tx(v, &g->title)), *x, *l, *rows;
	size_t i, e;

	x = set_new(d, "group", tk_value_map());
	tk_value_set_str(x, "id", g->id);
	tk_value_set_str(x, "short", g->short_name);
	set_text(v, x, "title", &g->title);
	if (v->current == NULL)
		return d;
	x = set_new(d, "version", tk_value_map());
	tk_value_set_str(x, "id", v->current->id);
	set_text(v, x, "title", &v->current->title);
	set_join(x, "href", "tiekartta/", v->current->id, "/index.html", NULL);
	l = roadmap_tree(v, v->current, g, NULL);
	if (tk_value_list_len(l))
		tk_value_map_set(d, "entities",
		    tk_value_copy(tk_value_map_get(tk_value_list_at(l, 0), "entities")));
	tk_value_free(l);

	/* How every organisation stands on each entity, in the latest month. */
	set_period(d, "period", v->latest);
	l = set_new(d, "entity_heads", tk_value_list());
	for (e = 0; e < v->current->nentities; e++)
		if (v->current->entities[e]->group == g) {
			x = push_map(l);
			tk_value_set_str(x, "number", v->current->entities[e]->number);
			set_text(v, x, "title", &v->current->entities[e]->title);
		}
	rows = set_new(d, "rows", tk_value_list());
	for (i = 0; i < v->nregions; i++) {
		const tk_region *r = tk_model_region(v->m, i);
		const tk_record *rec = record_at(v, r, v->latest);
		tk_value *row = region_link(v, push_map(rows), r), *cells;

		tk_value_set_bool(row, "has_data", rec != NULL);
		if (rec == NULL)
			continue;
		tk_value_map_set(row, "measure", measure_value(v, meas(v, rec, g)));
		cells = set_new(row, "entities", tk_value_list());
		for (e = 0; e < rec->version->nentities; e++) {
			const tk_entity *ent = rec->version->entities[e];
			tk_measure mx;
			tk_value *c;

			if (ent->group != g)
				continue;
			entity_counts(v, &mx.c, rec, rec->version, e);
			tk_fig_measure(&mx);
			c = measure_value(v, &mx);
			tk_value_set_bool(c, "applies", tk_entity_applies(ent, r));
			tk_value_list_push(cells, c);
		}
	}
	return d;
}

static void
set_version_head(tk_view *v, tk_value *x, const tk_version *ver)
{
	char buf[32];

	tk_value_set_str(x, "id", ver->id);
	set_text(v, x, "title", &ver->title);
	date_fi(buf, sizeof(buf), ver->date);
	tk_value_set_str(x, "date", buf);
	tk_value_set_str(x, "source", ver->source);
	tk_value_set_str(x, "previous", ver->previous);
	tk_value_set_str(x, "illustrative", ver->illustrative);
	set_join(x, "href", "tiekartta/", ver->id, "/index.html", NULL);
	tk_value_set_num(x, "nsubtasks", (double)ver->nsubtasks);
}

static tk_value *
build_versions(tk_view *v, const page *p)
{
	tk_value *d = common(v, p, ui(v, "nav.roadmap")), *l;
	size_t i;

	l = set_new(d, "versions", tk_value_list());
	for (i = tk_model_nversions(v->m); i-- > 0;)
		set_version_head(v, push_map(l), tk_model_version(v->m, i));
	l = set_new(d, "diffs", tk_value_list());
	for (i = 0; i < v->npages; i++)
		if (v->pages[i].kind == K_DIFF) {
			const tk_value *dv = tk_diff_value(v->pages[i].obj);
			tk_value *x = push_map(l);

			tk_value_set_str(x, "href", v->pages[i].pub.path + strlen(v->prefix));
			tk_value_set_str(x, "old", tk_value_get_str(
			    tk_value_map_get(tk_value_map_get(dv, "old"), "id"), NULL));
			tk_value_set_str(x, "new", tk_value_get_str(
			    tk_value_map_get(tk_value_map_get(dv, "new"), "id"), NULL));
		}
	return d;
}

static tk_value *
build_version(tk_view *v, const page *p)
{
	const tk_version *ver = p->obj;
	tk_value *d = common(v, p, tx(v, &ver->title));

	set_version_head(v, set_new(d, "version", tk_value_map()), ver);
	set_md(d, "intro_html", ver->intro);
	tk_value_map_set(d, "groups", roadmap_tree(v, ver, NULL, NULL));
	return d;
}

static tk_value *
build_subtask(tk_view *v, const page *p)
{
	const tk_subtask *st = p->obj;
	const tk_version *ver = p->obj2;
	const tk_entity *ent = st->task->entity;
	tk_value *d = common(v, p, tx(v, &st->title)), *x, *l;
	size_t i;

	set_subtask(v, set_new(d, "subtask", tk_value_map()), st, ver);
	set_version_head(v, set_new(d, "version", tk_value_map()), ver);
	x = set_new(d, "entity", tk_value_map());
	tk_value_set_str(x, "number", ent->number);
	set_text(v, x, "title", &ent->title);
	x = set_new(d, "task", tk_value_map());
	tk_value_set_str(x, "number", st->task->number);
	set_text(v, x, "title", &st->task->title);
	x = set_new(d, "group", tk_value_map());
	tk_value_set_str(x, "short", ent->group->short_name);
	set_text(v, x, "title", &ent->group->title);
	set_join(x, "href", "ryhmat/", ent->group->id, "/index.html", NULL);

	/* The subtask in every roadmap version, with what changed. */
	if (v->diffs) {
		tk_value *h = tk_diff_history_subtask(v->diffs, ver->id, st->id);

		if (h) {
			decorate_diff(v, h);
			tk_value_map_set(d, "versions_history", h);
		}
	}

	/* Each organisation's latest record against this version. */
	l = set_new(d, "regions", tk_value_list());
	for (i = 0; i < v->nregions; i++) {
		const tk_region *r = tk_model_region(v->m, i);
		const tk_record *rec = latest_in(v, i, ver);
		const tk_report *rp = NULL;

		x = region_link(v, push_map(l), r);
		tk_value_set_bool(x, "applies", tk_entity_applies(ent, r));
		tk_value_set_bool(x, "has_data", rec != NULL);
		if (rec == NULL)
			continue;
		set_period(x, "period", rec->period);
		rp = report_of(rec, st);
		set_state(v, x, rp ? rp->state : TK_STATE_NONE);
		set_md(x, "note_html", rp ? rp->note : NULL);
	}
	return d;
}

/* Diff values say what changed with names ("reworded", "del"); templates
 * need flags and labels, so each {op: x} gets op_x: true and each kinds
 * list gets kind_labels beside it. */
static void
decorate_diff(tk_view *v, tk_value *x)
{
	size_t i, n;

	if (tk_value_kind_of(x) == TK_VALUE_LIST) {
		for (i = 0; i < tk_value_list_len(x); i++)
			decorate_diff(v, (tk_value *)tk_value_list_at(x, i));
		return;
	}
	if (tk_value_kind_of(x) != TK_VALUE_MAP)
		return;
	n = tk_value_map_len(x);
	for (i = 0; i < n; i++) {
		const char *k = tk_value_map_key(x, i, NULL);
		tk_value *val = (tk_value *)tk_value_map_at(x, i);
		char key[64];

		if (strcmp(k, "op") == 0 && tk_value_get_str(val, NULL)) {
			snprintf(key, sizeof(key), "op_%s", tk_value_get_str(val, NULL));
			tk_value_set_bool(x, key, 1);
		} else if (strcmp(k, "kinds") == 0 && tk_value_kind_of(val) == TK_VALUE_LIST) {
			tk_value *labels = tk_value_list();
			size_t j;

			for (j = 0; j < tk_value_list_len(val); j++) {
				const char *kind = tk_value_get_str(tk_value_list_at(val, j), NULL);
				tk_value *l = push_map(labels);

				snprintf(key, sizeof(key), "diff.kind.%s", kind ? kind : "");
				tk_value_set_str(l, "kind", kind);
				tk_value_set_str(l, "label", ui(v, key));
			}
			tk_value_map_set(x, "kind_labels", labels);
			for (j = 0; j < tk_value_list_len(val); j++) {
				snprintf(key, sizeof(key), "is_%s",
				    tk_value_get_str(tk_value_list_at(val, j), NULL));
				tk_value_set_bool(x, key, 1);
			}
		} else if (strcmp(k, "level") == 0 && tk_value_get_str(val, NULL)) {
			snprintf(key, sizeof(key), "diff.level.%s", tk_value_get_str(val, NULL));
			tk_value_set_str(x, "level_label", ui(v, key));
		} else
			decorate_diff(v, val);
	}
}

static tk_value *
build_diff(tk_view *v, const page *p)
{
	const tk_diff *df = p->obj;
	const tk_value *dv = tk_diff_value(df);
	const tk_value *o = tk_value_map_get(dv, "old"), *n = tk_value_map_get(dv, "new");
	tk_value *d, *x, *counts;
	char title[160];
	size_t i, k;

	snprintf(title, sizeof(title), "%s %s → %s", ui(v, "diff.title"),
	    tk_value_get_str(tk_value_map_get(o, "id"), NULL),
	    tk_value_get_str(tk_value_map_get(n, "id"), NULL));
	d = common(v, p, title);
	x = tk_value_copy(dv);
	decorate_diff(v, x);
	tk_value_map_set(d, "diff", x);
	/* The summary as rows of (kind label, count) per group. */
	counts = set_new(d, "summary_rows", tk_value_list());
	x = (tk_value *)tk_value_map_get(tk_value_map_get(d, "diff"), "summary");
	for (i = 0; x && i < tk_value_list_len(tk_value_map_get(x, "groups")); i++) {
		const tk_value *g = tk_value_list_at(tk_value_map_get(x, "groups"), i);
		const tk_value *c = tk_value_map_get(g, "counts");
		tk_value *row = push_map(counts), *cells = set_new(row, "cells", tk_value_list());

		tk_value_set_str(row, "short",
		    tk_value_get_str(tk_value_map_get(g, "short"), NULL));
		for (k = 0; k < TK_DIFF_KIND_COUNT; k++) {
			const tk_value *cnt = tk_value_map_get(c, tk_diff_kind_name((tk_diff_kind)k));

			tk_value_set_num(push_map(cells), "n", cnt ? tk_value_get_num(cnt) : 0);
		}
	}
	x = set_new(d, "kind_heads", tk_value_list());
	for (k = 0; k < TK_DIFF_KIND_COUNT; k++) {
		char key[64];

		snprintf(key, sizeof(key), "diff.kind.%s", tk_diff_kind_name((tk_diff_kind)k));
		tk_value_set_str(push_map(x), "label", ui(v, key));
	}
	return d;
}

static tk_value *
build_month(tk_view *v, const page *p)
{
	tk_value *d, *l, *x;
	char title[64];
	size_t g, e, i;
	int q = tk_fig_quarter_of(p->period);

	snprintf(title, sizeof(title), "%s %d/%d", ui(v, "month.title"), p->period % 12 + 1,
	    p->period / 12);
	d = common(v, p, title);
	set_period(d, "period", p->period);
	set_fmt(d, "quarter", "Q%d/%d", q % 4 + 1, q / 4);
	set_month_links(v, d);
	tk_value_map_set(d, "groups", groups_list(v));
	set_standings(v, d, p->period);
	set_tilemap(v, d, p->period, "kartta");

	/* Per-group detail: the organisations by entity (eteneminen), with the
	 * number of tracked subtasks due by the quarter in the header. */
	l = set_new(d, "detail", tk_value_list());
	for (g = 0; g < v->ngroups && v->current; g++) {
		const tk_group *grp = tk_model_group(v->m, g);
		const tk_version *ver = NULL;
		tk_value *heads, *rows;
		int total = 0;

		/* The version most records of the month report against. */
		for (i = 0; i < v->nregions && ver == NULL; i++) {
			const tk_record *rec = record_at(v, tk_model_region(v->m, i), p->period);

			if (rec)
				ver = rec->version;
		}
		if (ver == NULL)
			break;
		x = push_map(l);
		tk_value_set_str(x, "short", grp->short_name);
		set_text(v, x, "title", &grp->title);
		heads = set_new(x, "entities", tk_value_list());
		for (e = 0; e < ver->nentities; e++) {
			const tk_entity *ent = ver->entities[e];
			size_t t, s;
			int due = 0;
			tk_value *h;

			if (ent->group != grp)
				continue;
			for (t = 0; t < ent->ntasks; t++)
				for (s = 0; s < ent->tasks[t].nsubtasks; s++)
					if (ent->tasks[t].subtasks[s].critical &&
					    ent->tasks[t].subtasks[s].due <= q)
						due++;
			total += due;
			h = push_map(heads);
			tk_value_set_str(h, "number", ent->number);
			set_text(v, h, "title", &ent->title);
			tk_value_set_num(h, "due", due);
		}
		tk_value_set_num(x, "due", total);
		rows = set_new(x, "rows", tk_value_list());
		for (i = 0; i < v->nregions; i++) {
			const tk_region *r = tk_model_region(v->m, i);
			const tk_record *rec = record_at(v, r, p->period);
			tk_value *row = region_link(v, push_map(rows), r), *cells;

			tk_value_set_bool(row, "has_data", rec != NULL);
			if (rec == NULL)
				continue;
			tk_value_map_set(row, "measure", measure_value(v, meas(v, rec, grp)));
			cells = set_new(row, "entities", tk_value_list());
			for (e = 0; e < rec->version->nentities; e++) {
				const tk_entity *ent = rec->version->entities[e];
				tk_measure mx;

				if (ent->group != grp)
					continue;
				entity_counts(v, &mx.c, rec, rec->version, e);
				tk_fig_measure(&mx);
				tk_value_list_push(cells, measure_value(v, &mx));
			}
		}
	}
	return d;
}

static tk_value *
build_themes(tk_view *v, const page *p)
{
	tk_value *d = common(v, p, ui(v, "themes.title"));

	set_period(d, "period", v->latest);
	tk_value_set_num(d, "organisations", (double)v->nregions);
	tk_value_map_set(d, "themes", theme_summary(v, v->latest, 1));
	return d;
}

static tk_value *
build_snapshots(tk_view *v, const page *p)
{
	tk_value *d = common(v, p, ui(v, "snapshots.title"));

	tk_value_map_set(d, "snapshots", tk_value_copy(v->snapshots));
	return d;
}

/* The accessibility statement, from site.yaml's accessibility settings. */
static tk_value *
build_accessibility(tk_view *v, const page *p)
{
	const tk_site *s = tk_model_site(v->m);
	tk_value *d = common(v, p, ui(v, "a11y.title")), *x, *l;
	char buf[32], key[48];
	size_t i;

	x = set_new(d, "a11y", tk_value_map());
	tk_value_set_str(x, "feedback", s->accessibility.feedback);
	snprintf(key, sizeof(key), "a11y.conformance_%s",
	    s->accessibility.conformance ? s->accessibility.conformance : "partial");
	tk_value_set_str(x, "conformance", ui(v, key));
	date_fi(buf, sizeof(buf), s->accessibility.prepared);
	tk_value_set_str(x, "prepared", buf);
	if (s->accessibility.reviewed.y) {
		date_fi(buf, sizeof(buf), s->accessibility.reviewed);
		tk_value_set_str(x, "reviewed", buf);
	}
	l = set_new(x, "issues", tk_value_list());
	for (i = 0; i < s->accessibility.nissues; i++)
		set_text(v, push_map(l), "text", &s->accessibility.issues[i]);
	return d;
}

static tk_value *
build_page(tk_view *v, const page *p)
{
	const tk_page *pg = p->obj;
	tk_value *d = common(v, p, tx(v, &pg->title));
	const tk_page_text *t = NULL;
	size_t i;

	for (i = 0; i < pg->ntexts && t == NULL; i++)
		if (strcmp(pg->texts[i].lang, v->lang) == 0)
			t = &pg->texts[i];
	set_md(d, "body_html", t ? t->body : pg->body);
	/* Without pages/<slug>.<lang>.md the body is the Finnish one, marked so. */
	if (t == NULL && strcmp(v->lang, "fi") != 0) {
		tk_value_set_str(d, "body_lang", "fi");
		v->fallbacks++;
	}
	tk_value_set_str(d, "source", t ? t->path : pg->path);
	return d;
}

/* This build's commit: the one page that changes with every commit. */
static tk_value *
build_build(tk_view *v, const page *p)
{
	tk_value *d = common(v, p, ui(v, "build.title"));

	tk_value_set_str(d, "generator", "tiekartta " TK_VERSION);
	set_period(d, "latest_period", v->latest);
	tk_value_set_num(d, "records", (double)v->nrecords);
	return d;
}

/* ---- what a page is made from ---- */

/* The index of rec's period among the view's (ascending). */
static long
period_of(const tk_record *rec, const void *arg)
{
	return period_index(arg, rec->period);
}

/* The index of rec's region among the model's. */
static long
region_of(const tk_record *rec, const void *arg)
{
	(void)arg;
	return (long)rec->region->index;
}

/* A version's subtasks by their index (the caller frees the list). */
static const tk_subtask **
subtasks_of(const tk_version *ver)
{
	const tk_subtask **out = xcalloc(ver->nsubtasks + 1, sizeof(*out));
	size_t e, t, s;

	for (e = 0; e < ver->nentities; e++)
		for (t = 0; t < ver->entities[e]->ntasks; t++)
			for (s = 0; s < ver->entities[e]->tasks[t].nsubtasks; s++)
				out[ver->entities[e]->tasks[t].subtasks[s].index] =
				    &ver->entities[e]->tasks[t].subtasks[s];
	return out;
}

/* One region's row on a subtask's page, for its key: the month, the state
 * and the note, with lengths, so that no two rows read alike. */
static void
put_row(tk_buf *b, const tk_record *rec, const tk_report *rp)
{
	size_t len = rp && rp->note ? strlen(rp->note) : 0;
	/* A note is at most a file's 4 MiB: its length fits an int. */
	int row[3] = { rec ? rec->period : -1, rp ? (int)rp->state : -1,
		rp && rp->note ? (int)len : -1 };

	tk_buf_put(b, (const char *)row, sizeof(row));
	if (len)
		tk_buf_put(b, rp->note, len);
}

static void
prepare_keys(tk_view *v)
{
	size_t i, x;

	if (v->in->key_period)
		return;
	tk_model_records_key(v->m, v->in->key_all);
	/* In one pass each: at 100x, 170 periods by 39 000 records. */
	v->in->key_period = xcalloc(v->nperiods + 1, sizeof(*v->in->key_period));
	tk_model_records_keys(v->m, period_of, v, v->nperiods, v->in->key_period);
	/* A subtask's page shows one row per region: its latest record of the
	 * version (the month), and the subtask's state and note there. Keyed
	 * by these, not by the whole records, a correction renders again only
	 * the pages of the subtasks it changed. */
	v->in->nversions = tk_model_nversions(v->m);
	v->in->key_subtask = xcalloc(v->in->nversions + 1, sizeof(*v->in->key_subtask));
	for (x = 0; x < v->in->nversions; x++) {
		const tk_version *ver = tk_model_version(v->m, x);
		const tk_record **latest = xcalloc(v->nregions + 1, sizeof(*latest));
		const tk_subtask **sts = subtasks_of(ver);
		tk_buf b = TK_BUF_INIT;
		size_t s;

		v->in->key_subtask[x] = xcalloc(ver->nsubtasks + 1, sizeof(**v->in->key_subtask));
		for (i = 0; i < v->nregions; i++)
			latest[i] = latest_in(v, i, ver);
		for (s = 0; s < ver->nsubtasks; s++) {
			b.len = 0;
			for (i = 0; i < v->nregions; i++)
				put_row(&b, latest[i], latest[i] ? report_of(latest[i], sts[s]) : NULL);
			tk_source_hash(v->in->key_subtask[x][s], b.data ? b.data : "", b.len);
		}
		tk_buf_free(&b);
		free(sts);
		free(latest);
	}
	v->in->key_region = xcalloc(v->nregions + 1, sizeof(*v->in->key_region));
	tk_model_records_keys(v->m, region_of, NULL, v->nregions, v->in->key_region);
	{
		tk_buf b = TK_BUF_INIT;

		for (i = 0; i < v->nperiods; i++)
			tk_buf_printf(&b, " %d", v->periods[i]);
		v->in->key_periods = tk_buf_detach(&b);
	}
}

typedef struct {
	long pos;
	int period, delta;
} month_event;

static int
cmp_event(const void *a, const void *b)
{
	const month_event *x = a, *y = b;

	return x->pos < y->pos ? -1 : x->pos > y->pos;
}

static void
raise(long *at, long pos)
{
	if (pos > *at)
		*at = pos;
}

/* Does the record blob of change ch count for ver: does it name ver, or
 * is that unknown? A blob the model holds says it without a read. */
static int
names_version(tk_view *v, tk_strmap *known, const tk_hist_change *ch, const tk_version *ver)
{
	const tk_record *rec;
	const char *rm;

	if (ch->kind == TK_HIST_DELETED)
		return 0;
	if ((rec = tk_strmap_get(known, ch->blob)) != NULL)
		return rec->version == ver;
	rm = tk_history_blob_roadmap(v->commits, ch->blob);
	return rm == NULL || strcmp(rm, ver->id) == 0;
}

/* The region whose folder under status/ is id, or NULL. */
static const tk_region *
region_by_id(tk_view *v, const char *id)
{
	size_t i;

	if (v->in->region_ids == NULL) {
		v->in->region_ids = tk_strmap_new();
		for (i = 0; i < v->nregions; i++)
			tk_strmap_put(v->in->region_ids, tk_model_region(v->m, i)->id,
			    (void *)tk_model_region(v->m, i));
	}
	return tk_strmap_get(v->in->region_ids, id);
}

/* Does change ch, or the one before it (was, or NULL), name ver? */
static int
names_either(tk_view *v, tk_strmap *known, const tk_hist_change *ch,
    const tk_hist_change *was, const tk_version *ver)
{
	return names_version(v, known, ch, ver) || (was && names_version(v, known, was, ver));
}

/* The record a blob holds, read outside the model into arena; the
 * model's own when known (blob ids to records, or NULL) has it. NULL when
 * it cannot be read or would not load today. */
static const tk_record *
record_of_blob(tk_view *v, tk_strmap *known, tk_arena *arena, const tk_region *reg,
    const tk_hist_record *hr, const char *blob)
{
	const tk_record *rec = known ? tk_strmap_get(known, blob) : NULL;
	tk_buf b = TK_BUF_INIT;

	if (rec == NULL && tk_history_blob_read(v->commits, blob, TK_YAML_MAX_BYTES, &b) == 0)
		rec = tk_model_record_from(v->m, arena, reg, hr->period, hr->path, blob,
		    b.data ? b.data : "", b.len);
	tk_buf_free(&b);
	return rec;
}

static int
same_text(const char *a, const char *b)
{
	return a == b || (a && b && strcmp(a, b) == 0);
}

/* A correction to region reg's latest record of version ver (change ch of
 * hr, was before it): raises the subtasks whose rows on their pages it
 * changed (state or note) to pos, in c. 0 when it cannot tell (a version
 * that cannot be read, or either names another roadmap version): then it
 * counts for every row. */
static int
raise_rows(tk_view *v, tk_strmap *known, const tk_region *reg, const tk_hist_record *hr,
    const tk_hist_change *ch, const tk_hist_change *was, const tk_version *ver, long *c,
    long pos)
{
	tk_arena *arena = tk_arena_new();
	const tk_record *before = record_of_blob(v, known, arena, reg, hr, was->blob);
	const tk_record *after = before ? record_of_blob(v, known, arena, reg, hr, ch->blob) : NULL;
	const tk_subtask **sts = subtasks_of(ver);
	size_t s;
	int ok = after && before->version == ver && after->version == ver;

	for (s = 0; ok && s < ver->nsubtasks; s++) {
		const tk_report *x = report_of(before, sts[s]), *y = report_of(after, sts[s]);

		if ((x ? x->state : TK_STATE_NONE) != (y ? y->state : TK_STATE_NONE) ||
		    !same_text(x ? x->note : NULL, y ? y->note : NULL))
			raise(&c[s], pos);
	}
	free(sts);
	tk_arena_free(arena);
	return ok;
}

/* Where each kind of input last changed on the mainline, from the history
 * (see tk_view's c_*). A deleted record counts where it was deleted; a
 * record that moved to another roadmap version counts for both. */
static void
prepare_commits(tk_view *v)
{
	const tk_history *h = v->commits;
	size_t nv = tk_model_nversions(v->m), i, r, k, x, nev = 0, nper = 0;
	month_event *ev = NULL;
	int *pers = NULL, *counts = NULL;
	long c_months = -1;
	tk_strmap *known;
	const tk_record **latest;

	if (v->in->c_period || h == NULL)
		return;
	known = tk_strmap_new();
	for (i = 0; i < v->nrecords; i++)
		tk_strmap_put(known, tk_model_record(v->m, i)->oid, (void *)tk_model_record(v->m, i));
	v->in->c_base = v->in->c_all = -1;
	v->in->c_period = xcalloc(v->nperiods + 1, sizeof(*v->in->c_period));
	v->in->c_median = xcalloc(v->nperiods + 1, sizeof(*v->in->c_median));
	v->in->c_version = xcalloc(nv + 1, sizeof(*v->in->c_version));
	v->in->c_region = xcalloc(v->nregions + 1, sizeof(*v->in->c_region));
	for (i = 0; i < v->nperiods; i++)
		v->in->c_period[i] = -1, v->in->c_median[i] = -2;
	v->in->c_subtask = xcalloc(nv + 1, sizeof(*v->in->c_subtask));
	v->in->nversions = nv;  /* as prepare_keys sets it: the model's */
	for (i = 0; i < nv; i++) {
		size_t n = tk_model_version(v->m, i)->nsubtasks;

		v->in->c_version[i] = -1;
		v->in->c_subtask[i] = xmalloc((n + 1) * sizeof(**v->in->c_subtask));
		for (k = 0; k < n; k++)
			v->in->c_subtask[i][k] = -1;
	}
	for (i = 0; i < v->nregions; i++)
		v->in->c_region[i] = -1;
	/* A snapshot sees the mainline up to its own commit only. */
	for (i = 0; i < v->upto; i++)
		if (tk_history_commit(h, i)->other_changed)
			raise(&v->in->c_base, (long)i);
	latest = xcalloc(nv + 1, sizeof(*latest));
	for (r = 0; r < tk_history_nregions(h); r++) {
		const tk_hist_region *hr = tk_history_region(h, r);
		const tk_region *reg = region_by_id(v, hr->id);

		for (x = 0; reg && x < nv; x++)
			latest[x] = latest_in(v, reg->index, tk_model_version(v->m, x));
		for (i = 0; i < hr->nrecords; i++) {
			const tk_hist_record *rec = &hr->records[i];

			for (k = 0; k < rec->nchanges; k++) {
				const tk_hist_change *ch = &rec->changes[k];
				const tk_hist_change *was = k ? &rec->changes[k - 1] : NULL;
				long pos = (long)ch->commit->pos;

				if (ch->commit->pos >= v->upto)
					continue;
				raise(&v->in->c_all, pos);
				if (reg)
					raise(&v->in->c_region[reg->index], pos);
				for (x = 0; x < v->nperiods; x++)
					if (v->periods[x] == rec->period)
						raise(&v->in->c_period[x], pos);
				/* A version's subtask pages show the region's latest
				 * record of it: a change there counts, and one to a
				 * later month (or any, without one) that names the
				 * version, or did: it came or went. An earlier month
				 * is hidden behind it. A folder no region owns is on
				 * no page. A correction of the record itself counts
				 * for the rows it changed. */
				for (x = 0; reg && x < nv; x++) {
					const tk_version *ver = tk_model_version(v->m, x);

					if (v->in->c_version[x] >= pos ||
					    (latest[x] && rec->period < latest[x]->period))
						continue;
					if (latest[x] && rec->period == latest[x]->period) {
						if (ch->kind != TK_HIST_MODIFIED || was == NULL ||
						    !raise_rows(v, known, reg, rec, ch, was, ver,
						    v->in->c_subtask[x], pos))
							raise(&v->in->c_version[x], pos);
					} else if (names_either(v, known, ch, was, ver))
						raise(&v->in->c_version[x], pos);
				}
				if (ch->kind != TK_HIST_MODIFIED) {
					ev = xrealloc(ev, (nev + 1) * sizeof(*ev));
					ev[nev].pos = pos;
					ev[nev].period = rec->period;
					ev[nev++].delta = ch->kind == TK_HIST_ADDED ? 1 : -1;
				}
			}
		}
	}
	/* The months with records, replayed: where a month came or went, every
	 * page's navigation changed. */
	if (nev)
		qsort(ev, nev, sizeof(*ev), cmp_event);
	for (i = 0; i < nev; i++) {
		for (x = 0; x < nper && pers[x] != ev[i].period; x++)
			;
		if (x == nper) {
			pers = xrealloc(pers, (nper + 1) * sizeof(*pers));
			counts = xrealloc(counts, (nper + 1) * sizeof(*counts));
			pers[nper] = ev[i].period;
			counts[nper++] = 0;
		}
		if ((counts[x] == 0) != (counts[x] + ev[i].delta == 0))
			raise(&c_months, ev[i].pos);
		counts[x] += ev[i].delta;
	}
	raise(&v->in->c_base, c_months);
	tk_strmap_free(known);
	free(latest);
	free(ev);
	free(pers);
	free(counts);
}

typedef struct {
	long pos;
	size_t k;       /* the change's place among its record's */
	const tk_hist_record *rec;
	const tk_region *region;
} median_event;

/* Newest first; a record's own changes in one commit (a merged branch's)
 * newest first too. */
static int
cmp_median_event(const void *a, const void *b)
{
	const median_event *x = a, *y = b;

	if (x->pos != y->pos)
		return x->pos > y->pos ? -1 : 1;
	return x->k > y->k ? -1 : x->k < y->k;
}

/* Steps region reg's month back over change k of hr: what it had before
 * the change into *blob ("" none) and row. 0 when that is unknown: an
 * earlier version that cannot be read or would not load today, or a
 * change to a file the history does not see come. */
static int
step_back(tk_view *v, const tk_hist_record *hr, size_t k, const tk_region *reg,
    const char **blob, int *row)
{
	const tk_hist_change *ch = &hr->changes[k], *was = k ? &hr->changes[k - 1] : NULL;
	tk_arena *arena;
	const tk_record *old;

	if (ch->kind == TK_HIST_ADDED) {
		*blob = "";
		fill_row(v, NULL, row);
		return 1;
	}
	if (was == NULL || was->kind == TK_HIST_DELETED)
		return 0;
	arena = tk_arena_new();
	old = record_of_blob(v, NULL, arena, reg, hr, was->blob);
	fill_row(v, old, row);
	tk_arena_free(arena);
	*blob = was->blob;
	return old != NULL;
}

/* Where the national medians of period last changed on the mainline, as
 * a position (-1: not in the history seen). They count only the regions'
 * figures, so a record that leaves them as they were changes no other
 * region's page. Walks the month's record changes back from the newest,
 * keeping what each region had before each: nothing before an addition,
 * the earlier version (read and counted against today's roadmap) before
 * an edit or a deletion. The first commit after which the medians differ
 * from today's is the answer; one whose earlier state is unknown counts
 * as such a commit. */
static long
median_commit(tk_view *v, int period)
{
	long x = period_index(v, period), at = -1;
	const tk_history *h = v->commits;
	median_event *ev = NULL;
	size_t nev = 0, cap = 0, ng = v->ngroups + 1, r, i, k;
	const char **blob;
	const int *today;
	int *rows, *before;

	if (x < 0 || h == NULL)
		return -1;
	prepare_commits(v);
	if (v->in->c_median[x] != -2)
		return v->in->c_median[x];
	for (r = 0; r < tk_history_nregions(h); r++) {
		const tk_hist_region *hr = tk_history_region(h, r);
		const tk_region *reg = region_by_id(v, hr->id);

		/* A folder no region owns shows on no page. */
		for (i = 0; reg && i < hr->nrecords; i++) {
			if (hr->records[i].period != period)
				continue;
			for (k = 0; k < hr->records[i].nchanges; k++) {
				if (hr->records[i].changes[k].commit->pos >= v->upto)
					continue;
				if (nev == cap)
					ev = xrealloc(ev, (cap = cap ? 2 * cap : 64) * sizeof(*ev));
				ev[nev].pos = (long)hr->records[i].changes[k].commit->pos;
				ev[nev].k = k;
				ev[nev].rec = &hr->records[i];
				ev[nev++].region = reg;
			}
		}
	}
	if (nev)
		qsort(ev, nev, sizeof(*ev), cmp_median_event);
	today = period_medians(v, period);
	/* blob[r]: the file region r has for the month at this point of the
	 * walk ("" none); rows: its figures then. */
	blob = xcalloc(v->nregions + 1, sizeof(*blob));
	rows = rows_of(v, period);
	before = xcalloc(ng, sizeof(int));
	for (r = 0; r < v->nregions; r++) {
		const tk_record *rec = record_at(v, tk_model_region(v->m, r), period);

		blob[r] = rec ? rec->oid : "";
	}
	for (i = 0; i < nev && at < 0; ) {
		long pos = ev[i].pos;

		for (; i < nev && ev[i].pos == pos && at < 0; i++) {
			const tk_hist_change *ch = &ev[i].rec->changes[ev[i].k];
			size_t ri = ev[i].region->index;

			/* What the change left must be what the walk has (an
			 * uncommitted edit is not); then what it found is known. */
			if (strcmp(ch->blob, blob[ri]) != 0 ||
			    !step_back(v, ev[i].rec, ev[i].k, ev[i].region, &blob[ri], &rows[ri * ng]))
				at = pos;
		}
		if (at < 0) {
			medians_of_rows(v, rows, before);
			if (memcmp(before, today, ng * sizeof(int)) != 0)
				at = pos;
		}
	}
	free(before);
	free(rows);
	free(blob);
	free(ev);
	return v->in->c_median[x] = at;
}

/* The commit where what page p shows last changed, or NULL without a
 * history (a folder, a snapshot of a commit off the mainline). */
static const tk_hist_commit *
page_commit(tk_view *v, const page *p)
{
	long at;
	size_t x;

	if (v->commits == NULL || v->upto == 0)
		return NULL;
	prepare_commits(v);
	at = v->in->c_base;
	switch (p->kind) {
	case K_BUILD:
		at = (long)v->upto - 1;
		break;
	case K_INDEX:
		raise(&at, v->in->c_all);
		break;
	case K_REGION: {
		const tk_region *r = p->obj;
		const tk_record *last = latest_of(v, r);

		raise(&at, v->in->c_region[r->index]);
		/* Its latest month's national medians, beside its own figures. */
		if (last)
			raise(&at, median_commit(v, last->period));
		break;
	}
	case K_SUBTASK:
		for (x = 0; x < tk_model_nversions(v->m); x++)
			if (tk_model_version(v->m, x) == p->obj2) {
				raise(&at, v->in->c_version[x]);
				raise(&at, v->in->c_subtask[x][((const tk_subtask *)p->obj)->index]);
			}
		break;
	case K_MONTH:
	case K_THEMES:
	case K_GROUP:   /* every organisation in the latest month */
		for (x = 0; x < v->nperiods; x++)
			if (v->periods[x] == (p->kind == K_MONTH ? p->period : v->latest))
				raise(&at, v->in->c_period[x]);
		break;
	default:
		break;
	}
	/* Content older than the history a shallow clone has: its first commit. */
	return tk_history_commit(v->commits, at < 0 ? 0 : (size_t)at);
}

static const char *
period_key(tk_view *v, int period)
{
	size_t i;

	for (i = 0; i < v->nperiods; i++)
		if (v->periods[i] == period)
			return v->in->key_period[i];
	return "-";
}

/* One "name value" line of a page key. */
static void
key_line(tk_buf *b, const char *name, const char *value)
{
	tk_buf_puts(b, name);
	tk_buf_putc(b, ' ');
	tk_buf_puts(b, value);
	tk_buf_putc(b, '\n');
}

/* What every page of the view shows alike: its language, the navigation
 * (the set of months, whether there are snapshots) and the content in salt. Hashed once
 * per view, so each page hashes a few lines of its own. */
static const char *
common_key(tk_view *v, const char *salt)
{
	tk_buf b = TK_BUF_INIT;

	if (strcmp(v->key_salt, salt) == 0)
		return v->key_common;
	tk_buf_printf(&b, "tiekartta pages 1\nsalt %s\nlang %s\nsnapshot %d\nlatest %d\n"
	    "dirty %d\ncommit %d\nsnapshots %d\nperiods", salt, v->lang, v->base[0] != '\0',
	    v->latest, v->dirty, tk_model_commit(v->m) != NULL, v->snapshots != NULL);
	tk_buf_puts(&b, v->in->key_periods);
	tk_buf_putc(&b, '\n');
	tk_source_hash(v->key_common, b.data, b.len);
	tk_buf_free(&b);
	snprintf(v->key_salt, sizeof(v->key_salt), "%s", salt);
	return v->key_common;
}

void
tk_view_page_key(tk_view *v, size_t i, const char *salt, char out[41])
{
	const page *p = &v->pages[i];
	const tk_hist_commit *c;
	tk_buf b = TK_BUF_INIT;
	char h[41];
	size_t k;

	prepare_keys(v);
	/* Inside a snapshot the place is relative to the snapshot. */
	tk_buf_puts(&b, "tiekartta page 2\n");
	key_line(&b, "common", common_key(v, salt));
	key_line(&b, "path", p->pub.path + strlen(v->base));
	key_line(&b, "template", p->pub.template);
	c = page_commit(v, p);
	key_line(&b, "page commit", c ? c->id : "-");
	/* What the page itself shows, beyond the content in salt. */
	switch (p->kind) {
	case K_INDEX:
		key_line(&b, "records", v->in->key_all);
		break;
	case K_REGION: {
		const tk_region *r = p->obj;
		const tk_record *last = latest_of(v, r);

		key_line(&b, "records of the region", v->in->key_region[r->index]);
		if (last) {
			const int *med = period_medians(v, last->period);

			tk_buf_printf(&b, "medians of %d", last->period);
			for (k = 0; k <= v->ngroups; k++)
				tk_buf_printf(&b, " %d", med[k]);
			tk_buf_putc(&b, '\n');
		}
		/* Its source link names the page commit, or else the build's. */
		if (tk_model_site(v->m)->file_url && c == NULL && tk_model_commit(v->m))
			key_line(&b, "file_url at", tk_model_commit(v->m));
		if (v->history) {
			tk_history_region_key(v->history, r->id, h);
			key_line(&b, "history", h);
		}
		break;
	}
	case K_SUBTASK:
		for (k = 0; k < tk_model_nversions(v->m); k++)
			if (tk_model_version(v->m, k) == p->obj2)
				key_line(&b, "rows", v->in->key_subtask[k][((const tk_subtask *)p->obj)->index]);
		break;
	case K_MONTH:
		key_line(&b, "records of the month", period_key(v, p->period));
		break;
	case K_THEMES:
	case K_GROUP:
		key_line(&b, "records of the month", period_key(v, v->latest));
		break;
	case K_BUILD:
		tk_buf_printf(&b, "commit %s %lld\n", tk_model_commit(v->m) ?
		    tk_model_commit(v->m) : "-", tk_model_commit_time(v->m));
		break;
	case K_SNAPSHOTS:
		tk_value_write_json(&b, v->snapshots, 0);
		break;
	case K_404:     /* links from the site's address, a snapshot's too */
		key_line(&b, "base", v->base);
		break;
	default:        /* the roadmap, free pages, the statement: all in salt */
		break;
	}
	tk_source_hash(out, b.data, b.len);
	tk_buf_free(&b);
}

void
tk_view_add_has_flags(tk_value *x)
{
	size_t i, n;

	if (tk_value_kind_of(x) == TK_VALUE_LIST) {
		for (i = 0; i < tk_value_list_len(x); i++)
			tk_view_add_has_flags((tk_value *)tk_value_list_at(x, i));
		return;
	}
	if (tk_value_kind_of(x) != TK_VALUE_MAP)
		return;
	n = tk_value_map_len(x);
	for (i = 0; i < n; i++) {
		size_t kl;
		const char *k = tk_value_map_key(x, i, &kl);
		tk_value *val = (tk_value *)tk_value_map_at(x, i);
		tk_value_kind kind = tk_value_kind_of(val);
		char key[80] = "has_";

		/* Scalars, most of the tree, have nothing to walk. */
		if ((kind != TK_VALUE_LIST && kind != TK_VALUE_MAP) || strcmp(k, "t") == 0)
			continue;
		tk_view_add_has_flags(val);
		if (kind == TK_VALUE_LIST && kl + 4 < sizeof(key)) {
			memcpy(key + 4, k, kl);
			tk_value_map_setn(x, key, kl + 4, tk_value_bool(tk_value_list_len(val) > 0));
		}
	}
}

tk_value *
tk_view_data(tk_view *v, size_t i)
{
	const page *p = &v->pages[i];
	tk_value *d;

	v->fallbacks = 0;
	memset(v->cells, 0, sizeof(v->cells));
	switch (p->kind) {
	case K_INDEX: d = build_index(v, p); break;
	case K_REGION: d = build_region(v, p); break;
	case K_GROUP: d = build_group(v, p); break;
	case K_VERSIONS: d = build_versions(v, p); break;
	case K_VERSION: d = build_version(v, p); break;
	case K_SUBTASK: d = build_subtask(v, p); break;
	case K_MONTH: d = build_month(v, p); break;
	case K_DIFF: d = build_diff(v, p); break;
	case K_SNAPSHOTS: d = build_snapshots(v, p); break;
	case K_A11Y: d = build_accessibility(v, p); break;
	case K_THEMES: d = build_themes(v, p); break;
	case K_PAGE: d = build_page(v, p); break;
	case K_BUILD: d = build_build(v, p); break;
	default: d = common(v, p, ui(v, "notfound.title")); break;
	}
	tk_value_set_str(d, "kind", p->pub.template);
	tk_value_set_bool(d, "is_home", p->kind == K_INDEX);
	tk_value_set_bool(d, "finnish_only", v->fallbacks > 0);
	return d;
}
