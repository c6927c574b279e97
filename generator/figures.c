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

void
tk_fig_count(tk_counts *out, const tk_record *rec, const tk_group *g, const tk_entity *e)
{
	const tk_version *v = rec->version;
	int q = tk_fig_quarter_of(rec->period);
	size_t i, t, s, r = 0;

	*out = (tk_counts){ 0 };
	if (v == NULL)
		return;
	for (i = 0; i < v->nentities; i++) {
		const tk_entity *ent = v->entities[i];

		if ((g && ent->group != g) || (e && ent != e) ||
		    !tk_entity_applies(ent, rec->region))
			continue;
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

tk_measure *
tk_fig_table(const tk_model *m)
{
	size_t ng = tk_model_ngroups(m), n = tk_model_nrecords(m), i, g;
	tk_measure *t = xcalloc(n * (ng + 1) + 1, sizeof(*t));

	for (i = 0; i < n; i++)
		for (g = 0; g <= ng; g++) {
			tk_measure *x = &t[i * (ng + 1) + g];

			tk_fig_count(&x->c, tk_model_record(m, i), g < ng ? tk_model_group(m, g) :
			    NULL, NULL);
			tk_fig_measure(x);
		}
	return t;
}
