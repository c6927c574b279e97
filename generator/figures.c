/* figures.c: see figures.h. Integer arithmetic throughout, so every figure
 * is exact and the same on every machine. */
#include "figures.h"

#include <stdlib.h>

#include "util.h"

int
tk_fig_quarter_of(int period)
{
	return period / 3;      /* y*12+m-1 over 3 is y*4+q-1 */
}

/* The first of rec's reports (from r on) at or after ent's first subtask.
 * Reports are sorted in roadmap order, so a search, not a walk: counting
 * one entity of a record costs its own subtasks, not all before it. */
static size_t
first_report(const tk_record *rec, const tk_entity *ent, size_t r)
{
	size_t t, hi = rec->nreports, first;

	for (t = 0; t < ent->ntasks && ent->tasks[t].nsubtasks == 0; t++)
		;
	if (t == ent->ntasks)
		return r;
	first = ent->tasks[t].subtasks[0].index;
	while (r < hi) {
		size_t mid = r + (hi - r) / 2;

		if (rec->reports[mid].subtask->index < first)
			r = mid + 1;
		else
			hi = mid;
	}
	return r;
}

/* Adds the tracked subtasks of one entity of rec's version to out. */
static void
count_entity(tk_counts *out, const tk_record *rec, const tk_entity *ent)
{
	int q = tk_fig_quarter_of(rec->period);
	size_t t, s, r = first_report(rec, ent, 0);

	for (t = 0; t < ent->ntasks; t++) {
		for (s = 0; s < ent->tasks[t].nsubtasks; s++) {
			const tk_subtask *st = &ent->tasks[t].subtasks[s];
			tk_state state = TK_STATE_NONE;

			if (!st->critical)
				continue;
			/* Reports are sorted in roadmap order: walk along. */
			while (r < rec->nreports && rec->reports[r].subtask->index < st->index)
				r++;
			if (r < rec->nreports && rec->reports[r].subtask == st)
				state = rec->reports[r].state;
			if (state == TK_STATE_NA) {
				out->not_applicable++;
				continue;
			}
			out->tracked++;
			switch (state) {
			case TK_STATE_DONE: out->done++; break;
			case TK_STATE_UNDER_WAY: out->under_way++; break;
			case TK_STATE_ON_SCHEDULE: out->on_schedule++; break;
			case TK_STATE_LATE: out->late++; break;
			case TK_STATE_NONE: out->unreported++; out->not_started++; break;
			default: out->not_started++; break;
			}
			if (st->due <= q) {
				out->due++;
				if (state == TK_STATE_DONE || state == TK_STATE_UNDER_WAY ||
				    state == TK_STATE_ON_SCHEDULE)
					out->due_progressing++;
			}
			if (st->due < q && state != TK_STATE_DONE)
				out->overdue++;
		}
	}
}

void
tk_fig_count(tk_counts *out, const tk_record *rec, const tk_group *g, const tk_entity *e)
{
	const tk_version *v = rec->version;
	size_t i;

	*out = (tk_counts){ 0 };
	if (v == NULL)
		return;
	for (i = 0; i < v->nentities; i++) {
		const tk_entity *ent = v->entities[i];

		if ((g && ent->group != g) || (e && ent != e) ||
		    !tk_entity_applies(ent, rec->region))
			continue;
		count_entity(out, rec, ent);
	}
}

void
tk_fig_count_all(const tk_model *m, const tk_record *rec, tk_counts *overall,
    tk_counts *groups, tk_counts *ents)
{
	const tk_version *v = rec->version;
	size_t i, ng = tk_model_ngroups(m);
	tk_counts c;

	*overall = (tk_counts){ 0 };
	for (i = 0; i < ng; i++)
		groups[i] = (tk_counts){ 0 };
	for (i = 0; v && i < v->nentities; i++) {
		const tk_entity *ent = v->entities[i];

		c = (tk_counts){ 0 };
		if (tk_entity_applies(ent, rec->region)) {
			count_entity(&c, rec, ent);
			tk_fig_add(overall, &c);
			if (ent->group)
				tk_fig_add(&groups[ent->group->index], &c);
		}
		if (ents)
			ents[i] = c;
	}
}

void
tk_fig_add(tk_counts *a, const tk_counts *b)
{
	a->tracked += b->tracked;
	a->done += b->done;
	a->under_way += b->under_way;
	a->on_schedule += b->on_schedule;
	a->late += b->late;
	a->not_started += b->not_started;
	a->unreported += b->unreported;
	a->not_applicable += b->not_applicable;
	a->due += b->due;
	a->due_progressing += b->due_progressing;
	a->overdue += b->overdue;
}

int
tk_fig_pct(int num, int den)
{
	if (den <= 0)
		return -1;
	/* floor(100 * num / den + 1/2) in integers */
	return (200 * num + den) / (2 * den);
}

void
tk_fig_measure(tk_measure *m)
{
	m->valmis = tk_fig_pct(m->c.done, m->c.tracked);
	m->kaynnissa = tk_fig_pct(m->c.under_way + m->c.on_schedule, m->c.tracked);
	m->eteneminen = tk_fig_pct(m->c.due_progressing, m->c.due);
}

int
tk_fig_band(const int bands[3], int pct)
{
	if (pct < 0)
		return -1;
	if (pct < bands[0])
		return 0;
	if (pct < bands[1])
		return 1;
	if (pct <= bands[2])
		return 2;
	return 3;
}

static int
cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return (x > y) - (x < y);
}

int
tk_fig_median(int *vals, size_t n)
{
	size_t i, k = 0;

	for (i = 0; i < n; i++)
		if (vals[i] >= 0)
			vals[k++] = vals[i];
	if (k == 0)
		return -1;
	qsort(vals, k, sizeof(*vals), cmp_int);
	if (k % 2)
		return vals[k / 2];
	return (vals[k / 2 - 1] + vals[k / 2] + 1) / 2;
}

struct tk_fig_table {
	size_t ngroups;
	tk_measure *meas;       /* [record index * (ngroups + 1) + group], overall last */
	tk_counts *ents;        /* a record's entities from at[record index] on */
	size_t *at;
};

tk_fig_table *
tk_fig_table_new(const tk_model *m)
{
	size_t ng = tk_model_ngroups(m), n = tk_model_nrecords(m), i, g, nents = 0;
	tk_fig_table *t = xcalloc(1, sizeof(*t));
	tk_counts *groups = xcalloc(ng + 1, sizeof(*groups));

	t->ngroups = ng;
	t->meas = xcalloc(n * (ng + 1) + 1, sizeof(*t->meas));
	t->at = xcalloc(n + 1, sizeof(*t->at));
	for (i = 0; i < n; i++) {
		const tk_record *rec = tk_model_record(m, i);

		t->at[i] = nents;
		nents += rec->version ? rec->version->nentities : 0;
	}
	t->ents = xcalloc(nents + 1, sizeof(*t->ents));
	for (i = 0; i < n; i++) {
		tk_measure *row = &t->meas[i * (ng + 1)];

		tk_fig_count_all(m, tk_model_record(m, i), &row[ng].c, groups, &t->ents[t->at[i]]);
		for (g = 0; g <= ng; g++) {
			if (g < ng)
				row[g].c = groups[g];
			tk_fig_measure(&row[g]);
		}
	}
	free(groups);
	return t;
}

void
tk_fig_table_free(tk_fig_table *t)
{
	if (t == NULL)
		return;
	free(t->meas);
	free(t->ents);
	free(t->at);
	free(t);
}

const tk_measure *
tk_fig_table_measure(const tk_fig_table *t, const tk_record *rec, const tk_group *g)
{
	return &t->meas[rec->index * (t->ngroups + 1) + (g ? g->index : t->ngroups)];
}

const tk_counts *
tk_fig_table_entities(const tk_fig_table *t, const tk_record *rec)
{
	return &t->ents[t->at[rec->index]];
}
