/* figures.h: the official readiness measures of the tilannekuva, computed
 * from status records.
 *
 * Tracked subtasks of a record: the critical subtasks of the record's
 * roadmap version whose entity applies to the organisation and that the
 * record does not mark "ei koske". A tracked subtask the record does not
 * mention counts as not started, and is counted as unreported.
 *
 *   valmis %     = done / tracked
 *   käynnissä %  = (under way + finishing on schedule) / tracked
 *   eteneminen % = (under way + on schedule + done) / tracked due by the end
 *                  of the record's quarter
 *
 * Percentages round half up to whole percent; a measure over nothing is
 * "no figure" (-1), never zero. */
#ifndef TK_FIGURES_H
#define TK_FIGURES_H

#include "model.h"

typedef struct {
	int tracked;            /* the denominator of valmiusaste */
	int done, under_way, on_schedule, late, not_started, unreported;
	int not_applicable;     /* critical subtasks marked "ei koske" */
	int due;                /* tracked and due by the end of the quarter */
	int due_progressing;    /* of those: under way, on schedule or done */
	int overdue;            /* tracked, due quarter ended, not done */
} tk_counts;

typedef struct {
	tk_counts c;
	int valmis, kaynnissa, eteneminen;      /* percent, or -1 */
} tk_measure;

/* Counts rec's tracked subtasks in group g and entity e (either NULL for
 * all). */
void tk_fig_count(tk_counts *out, const tk_record *rec, const tk_group *g,
    const tk_entity *e);
/* All of rec's counts in one pass: overall, per group of m (groups has
 * ngroups entries, by tk_group.index) and, unless ents is NULL, per entity
 * of rec's version (ents has nentities entries; zero for an entity that
 * does not apply to the organisation). The same figures as tk_fig_count
 * for each, at the cost of one. */
void tk_fig_count_all(const tk_model *m, const tk_record *rec, tk_counts *overall,
    tk_counts *groups, tk_counts *ents);
/* Adds b's counts to a (for national sums). */
void tk_fig_add(tk_counts *a, const tk_counts *b);
/* Fills the percentages of m from m->c. */
void tk_fig_measure(tk_measure *m);
/* Every record's figures, counted once per build and shared by every
 * language's pages and the exports (the processes that render share it
 * too): measures per group and overall, counts per entity. */
typedef struct tk_fig_table tk_fig_table;
tk_fig_table *tk_fig_table_new(const tk_model *m);
void tk_fig_table_free(tk_fig_table *t);
/* rec's measure for group g, or overall when g is NULL (rec one of the
 * table's model's records; borrowed). */
const tk_measure *tk_fig_table_measure(const tk_fig_table *t, const tk_record *rec,
    const tk_group *g);
/* rec's counts per entity of its version, by position in
 * rec->version->entities, as tk_fig_count_all gives them (borrowed). */
const tk_counts *tk_fig_table_entities(const tk_fig_table *t, const tk_record *rec);

/* num/den in whole percent rounded half up, or -1 when den is 0. */
int tk_fig_pct(int num, int den);
/* The band of a percentage: 0 under bands[0], 1 under bands[1], 2 up to and
 * including bands[2], 3 above; -1 for no figure. */
int tk_fig_band(const int bands[3], int pct);
/* The median of n percentages (-1 entries skipped), rounded half up; -1
 * when none. vals is reordered. */
int tk_fig_median(int *vals, size_t n);

/* The quarter (TK_QUARTER) a period falls in. */
int tk_fig_quarter_of(int period);

#endif
