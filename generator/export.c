/* export.c: see export.h. */
#define _DEFAULT_SOURCE
#include "export.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "figures.h"
#include "value.h"

static const char *const measures[4] = { "valmis", "kaynnissa", "valmiusaste", "eteneminen" };

/* The numerator and denominator of measure k. */
static void
parts(const tk_counts *c, int k, int *num, int *den)
{
	switch (k) {
	case 0: *num = c->done; *den = c->tracked; break;
	case 1: *num = c->under_way + c->on_schedule; *den = c->tracked; break;
	case 2: *num = c->done + c->under_way + c->on_schedule; *den = c->tracked; break;
	default: *num = c->due_progressing; *den = c->due; break;
	}
}

/* The exports are millions of short fields (690 MB at 100x): written
 * into room reserved once per object or row, with the lengths of the
 * literals known, rather than a call and a strlen per piece. */

/* The literal s at p; the byte after. */
#define LIT(p, s) (memcpy((p), (s), sizeof(s) - 1), (p) + sizeof(s) - 1)

/* A figure (a percentage) at p: null when there is none. */
static char *
pct_at(char *p, int pct)
{
	return pct < 0 ? LIT(p, "null") : tk_ll_at(p, pct);
}

/* One counts object, keys in a fixed order. Written directly, not
 * through a value tree: the tree was most of the export's time. */
static void
json_counts(tk_buf *out, const tk_counts *c)
{
	char *p = tk_buf_reserve(out, 400), *start = p;
	int num, den;

	parts(c, 0, &num, &den);
	p = pct_at(LIT(p, "{\"valmis\":"), tk_fig_pct(num, den));
	parts(c, 1, &num, &den);
	p = pct_at(LIT(p, ",\"kaynnissa\":"), tk_fig_pct(num, den));
	parts(c, 2, &num, &den);
	p = pct_at(LIT(p, ",\"valmiusaste\":"), tk_fig_pct(num, den));
	parts(c, 3, &num, &den);
	p = pct_at(LIT(p, ",\"eteneminen\":"), tk_fig_pct(num, den));
	p = tk_ll_at(LIT(p, ",\"tracked\":"), c->tracked);
	p = tk_ll_at(LIT(p, ",\"done\":"), c->done);
	p = tk_ll_at(LIT(p, ",\"under_way\":"), c->under_way);
	p = tk_ll_at(LIT(p, ",\"on_schedule\":"), c->on_schedule);
	p = tk_ll_at(LIT(p, ",\"late\":"), c->late);
	p = tk_ll_at(LIT(p, ",\"not_started\":"), c->not_started);
	p = tk_ll_at(LIT(p, ",\"unreported\":"), c->unreported);
	p = tk_ll_at(LIT(p, ",\"not_applicable\":"), c->not_applicable);
	p = tk_ll_at(LIT(p, ",\"due\":"), c->due);
	p = tk_ll_at(LIT(p, ",\"due_progressing\":"), c->due_progressing);
	p = tk_ll_at(LIT(p, ",\"overdue\":"), c->overdue);
	*p++ = '}';
	out->len += (size_t)(p - start);
	out->data[out->len] = '\0';
}

/* Room for tk_fig_count_all's counts of any record of m. */
static void
counts_alloc(const tk_model *m, tk_counts **groups, tk_counts **ents)
{
	size_t i, n = 0;

	for (i = 0; i < tk_model_nversions(m); i++)
		if (tk_model_version(m, i)->nentities > n)
			n = tk_model_version(m, i)->nentities;
	*groups = xcalloc(tk_model_ngroups(m) + 1, sizeof(**groups));
	*ents = xcalloc(n + 1, sizeof(**ents));
}

/* rec's counts overall, per group and per entity (the return): from the
 * table when there is one, else counted into ents. */
static const tk_counts *
record_counts(const tk_model *m, const tk_fig_table *t, const tk_record *rec,
    tk_counts *all, tk_counts *groups, tk_counts *ents)
{
	size_t g;

	if (t == NULL) {
		tk_fig_count_all(m, rec, all, groups, ents);
		return ents;
	}
	*all = tk_fig_table_measure(t, rec, NULL)->c;
	for (g = 0; g < tk_model_ngroups(m); g++)
		groups[g] = tk_fig_table_measure(t, rec, tk_model_group(m, g))->c;
	return tk_fig_table_entities(t, rec);
}

static void
period_str(char *buf, size_t n, int p)
{
	snprintf(buf, n, "%04d-%02d", p / 12, p % 12 + 1);
}

/* Appends s as a JSON string (or null). */
static void
json_str(tk_buf *out, const char *s)
{
	if (s)
		tk_value_put_json_str(out, s, strlen(s));
	else
		tk_buf_puts(out, "null");
}

enum { SPILL_AT = 1 << 20 };

/* Empties out into spill once it holds SPILL_AT bytes: a buffer that stays
 * in the cache, instead of a fresh one the size of the export. */
static int
spill_full(tk_buf *out, const tk_export_spill *spill)
{
	int r;

	if (spill == NULL || out->len < SPILL_AT)
		return 0;
	r = spill->fn(spill->arg, out->data, out->len);
	tk_buf_reset(out);
	return r;
}

/* Written straight into out, compact, keys in a fixed order: the same
 * bytes as the value tree this replaced, at a fifth of the cost. */
int
tk_export_json(tk_buf *out, const tk_model *m, const tk_fig_table *t,
    const tk_export_spill *spill)
{
	const tk_region *cur = NULL;
	tk_counts all, *groups, *ents;
	const tk_counts *ec;
	size_t i, g, e;
	char buf[16];
	int r = 0;

	counts_alloc(m, &groups, &ents);

	tk_buf_puts(out, "{\"commit\":");
	json_str(out, tk_model_commit(m));
	tk_buf_puts(out, ",\"definitions\":");
	json_str(out, "valmis = done / tracked; kaynnissa = (under way + on schedule) / tracked; "
	    "valmiusaste = (done + under way + on schedule) / tracked; eteneminen = "
	    "(under way + on schedule + done) / tracked due by the end of the record's "
	    "quarter. Tracked: critical subtasks that apply to the organisation and are "
	    "not marked 'ei koske'. Whole percent, rounded half up; null = no figure.");
	tk_buf_puts(out, ",\"organisations\":[");
	for (i = 0; i < tk_model_nrecords(m); i++) {
		const tk_record *rec = tk_model_record(m, i);
		char sep = '{';

		if ((r = spill_full(out, spill)) < 0)
			break;

		if (rec->region != cur) {
			if (cur)
				tk_buf_puts(out, "]},");
			cur = rec->region;
			tk_buf_puts(out, "{\"id\":");
			json_str(out, cur->id);
			tk_buf_puts(out, ",\"name\":");
			json_str(out, cur->name.fi);
			tk_buf_puts(out, ",\"records\":[");
		} else
			tk_buf_putc(out, ',');
		period_str(buf, sizeof(buf), rec->period);
		tk_buf_puts(out, "{\"month\":");
		json_str(out, buf);
		tk_buf_puts(out, ",\"roadmap\":");
		json_str(out, rec->version->id);
		tk_buf_puts(out, rec->red_flag ? ",\"red_flag\":true" : ",\"red_flag\":false");
		tk_buf_puts(out, ",\"source\":");
		json_str(out, rec->path);
		ec = record_counts(m, t, rec, &all, groups, ents);
		tk_buf_puts(out, ",\"overall\":");
		json_counts(out, &all);
		tk_buf_puts(out, ",\"groups\":");
		for (g = 0; g < tk_model_ngroups(m); g++, sep = ',') {
			tk_buf_putc(out, sep);
			json_str(out, tk_model_group(m, g)->id);
			tk_buf_putc(out, ':');
			json_counts(out, &groups[g]);
		}
		tk_buf_puts(out, sep == '{' ? "{}" : "}");
		tk_buf_puts(out, ",\"entities\":");
		for (e = 0, sep = '{'; e < rec->version->nentities; e++) {
			const tk_entity *ent = rec->version->entities[e];

			if (!tk_entity_applies(ent, rec->region))
				continue;
			tk_buf_putc(out, sep);
			sep = ',';
			json_str(out, ent->id);
			tk_buf_putc(out, ':');
			json_counts(out, &ec[e]);
		}
		tk_buf_puts(out, sep == '{' ? "{}}" : "}}");
	}
	tk_buf_puts(out, cur ? "]}]}" : "]}");
	free(groups);
	free(ents);
	return r;
}

static void
csv_rows(tk_buf *out, const tk_record *rec, const char *group, const char *entity,
    const tk_counts *c)
{
	char month[16];
	const char *fields[5];
	size_t f, len[5], lead = 0, ml;
	char *p, *start;
	int k, num, den, pct;

	period_str(month, sizeof(month), rec->period);
	fields[0] = rec->region->id;
	fields[1] = group;
	fields[2] = entity;
	fields[3] = month;
	fields[4] = rec->version->id;
	for (f = 0; f < 5; f++)
		lead += (len[f] = strlen(fields[f])) + 1;
	/* Ids are [a-z0-9-], so no field needs quoting. Written without printf,
	 * which was a sixth of a no-op rebuild at 10x. Each row: the five
	 * fields, the measure (at most 11 bytes) and three numbers. */
	p = start = tk_buf_reserve(out, 4 * (lead + 12 + 3 * 12 + 2));
	for (k = 0; k < 4; k++) {
		parts(c, k, &num, &den);
		pct = tk_fig_pct(num, den);
		for (f = 0; f < 5; f++) {
			memcpy(p, fields[f], len[f]);
			p += len[f];
			*p++ = ',';
		}
		ml = strlen(measures[k]);
		memcpy(p, measures[k], ml);
		p += ml;
		*p++ = ',';
		if (pct >= 0)
			p = tk_ll_at(p, pct);
		*p++ = ',';
		p = tk_ll_at(p, num);
		*p++ = ',';
		p = tk_ll_at(p, den);
		p = LIT(p, "\r\n");
	}
	out->len += (size_t)(p - start);
	out->data[out->len] = '\0';
}

int
tk_export_csv(tk_buf *out, const tk_model *m, const tk_fig_table *t,
    const tk_export_spill *spill)
{
	size_t i, g, e;
	tk_counts all, *groups, *ents;
	const tk_counts *ec;
	int r = 0;

	counts_alloc(m, &groups, &ents);
	tk_buf_puts(out, "organisation,group,entity,month,roadmap,measure,value,numerator,"
	    "denominator\r\n");
	for (i = 0; i < tk_model_nrecords(m) && (r = spill_full(out, spill)) == 0; i++) {
		const tk_record *rec = tk_model_record(m, i);

		ec = record_counts(m, t, rec, &all, groups, ents);
		csv_rows(out, rec, "", "", &all);
		for (g = 0; g < tk_model_ngroups(m); g++) {
			const tk_group *grp = tk_model_group(m, g);

			csv_rows(out, rec, grp->id, "", &groups[g]);
			for (e = 0; e < rec->version->nentities; e++) {
				const tk_entity *ent = rec->version->entities[e];

				if (ent->group != grp || !tk_entity_applies(ent, rec->region))
					continue;
				csv_rows(out, rec, grp->id, ent->id, &ec[e]);
			}
		}
	}
	free(groups);
	free(ents);
	return r;
}

static void
xml(tk_buf *out, const char *s)
{
	tk_buf_put_html(out, s, strlen(s));
}

/* A record is due on the deadline day of the month after its period; the
 * feed dates it so, which needs no clock and no Git history. */
static void
due_time(char *buf, size_t n, const tk_model *m, int period)
{
	int p = period + 1;

	snprintf(buf, n, "%04d-%02d-%02dT00:00:00Z", p / 12, p % 12 + 1,
	    tk_model_site(m)->deadline_day);
}

/* Newest period first, then regions.yaml order, then the model's order
 * (a total order: the same feed from the same content). */
static int
cmp_newest(const void *a, const void *b)
{
	const tk_record *x = *(const tk_record *const *)a, *y = *(const tk_record *const *)b;

	if (x->period != y->period)
		return x->period > y->period ? -1 : 1;
	if (x->region->index != y->region->index)
		return x->region->index < y->region->index ? -1 : 1;
	return x->index < y->index ? -1 : x->index > y->index;
}

void
tk_export_atom(tk_buf *out, const tk_model *m, const char *base, size_t limit)
{
	const tk_record **recs;
	size_t i, n = tk_model_nrecords(m);
	char when[32], month[16];

	recs = xcalloc(n + 1, sizeof(*recs));
	for (i = 0; i < n; i++)
		recs[i] = tk_model_record(m, i);
	/* Newest period first; within a period, regions.yaml order. A sort,
	 * not insertion: records come by region, so nearly every one moves. */
	if (n)
		qsort(recs, n, sizeof(*recs), cmp_newest);
	tk_buf_puts(out, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
	    "<feed xmlns=\"http://www.w3.org/2005/Atom\"");
	if (base) {
		tk_buf_puts(out, " xml:base=\"");
		xml(out, base);
		tk_buf_puts(out, "\"");
	}
	tk_buf_puts(out, ">\n<title>");
	xml(out, tk_model_site(m)->title.fi);
	tk_buf_puts(out, "</title>\n<id>urn:tiekartta:feed</id>\n<link rel=\"alternate\" "
	    "href=\"index.html\"/>\n");
	due_time(when, sizeof(when), m, n ? recs[0]->period : 0);
	tk_buf_printf(out, "<updated>%s</updated>\n", n ? when : "2000-01-01T00:00:00Z");
	for (i = 0; i < n && i < limit; i++) {
		const tk_record *r = recs[i];
		tk_counts c;
		int pct;

		tk_fig_count(&c, r, NULL, NULL);
		pct = tk_fig_pct(c.due_progressing, c.due);
		period_str(month, sizeof(month), r->period);
		due_time(when, sizeof(when), m, r->period);
		tk_buf_puts(out, "<entry>\n<title>");
		xml(out, r->region->name.fi);
		tk_buf_printf(out, " %d/%d", r->period % 12 + 1, r->period / 12);
		if (pct >= 0)
			tk_buf_printf(out, ": eteneminen %d %%", pct);
		if (r->red_flag)
			tk_buf_puts(out, " (punainen lippu)");
		tk_buf_printf(out, "</title>\n<id>urn:tiekartta:%s:%s:%s</id>\n", r->region->id,
		    month, r->oid);
		tk_buf_printf(out, "<updated>%s</updated>\n<author><name>", when);
		xml(out, r->region->name.fi);
		tk_buf_printf(out, "</name></author>\n<link rel=\"alternate\" "
		    "href=\"alueet/%s/index.html\"/>\n<summary>", r->region->id);
		tk_buf_printf(out, "valmis %d/%d, käynnissä %d, myöhässä %d", c.done, c.tracked,
		    c.under_way + c.on_schedule, c.overdue);
		if (r->red_flag && r->red_flag_reason) {
			tk_buf_puts(out, "; ");
			xml(out, r->red_flag_reason);
		}
		tk_buf_puts(out, "</summary>\n</entry>\n");
	}
	tk_buf_puts(out, "</feed>\n");
	free(recs);
}
