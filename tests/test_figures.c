/* test_figures.c: the readiness measures against values worked out by
 * hand on tests/fixtures/small (see the comments beside each check). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "figures.h"
#include "harness.h"
#include "model.h"
#include "source.h"

static const tk_record *
record(const tk_model *m, const char *region, int period)
{
	size_t i;

	for (i = 0; i < tk_model_nrecords(m); i++) {
		const tk_record *r = tk_model_record(m, i);

		if (strcmp(r->region->id, region) == 0 && r->period == period)
			return r;
	}
	return NULL;
}

static tk_measure
measure(const tk_model *m, const char *region, int period, int group)
{
	tk_measure x;

	tk_fig_count(&x.c, record(m, region, period),
	    group < 0 ? NULL : tk_model_group(m, (size_t)group), NULL);
	tk_fig_measure(&x);
	return x;
}

static int
same_counts(const tk_counts *a, const tk_counts *b)
{
	return memcmp(a, b, sizeof(*a)) == 0;
}

/* tk_fig_count_all, one pass per record, against tk_fig_count for each
 * group and entity, over every record of the bundled content (five groups,
 * thirty entities, some that apply to some organisations only). */
static void
test_count_all(tk_diag *d)
{
	tk_source_opts so = { .repo = ".", .content = "content" };
	tk_source *src = NULL;
	tk_model *m = NULL;
	tk_counts all, one, groups[16], ents[64];
	size_t i, g, e, n = 0, bad = 0;
	tk_fig_table *table;

	if (tk_source_open(&src, &so, d) < 0 || tk_model_load(&m, src, NULL, d) < 0 ||
	    tk_model_ngroups(m) > 16) {
		tk_check("bundled content loads", 0, NULL);
		goto out;
	}
	for (i = 0; i < tk_model_nrecords(m); i++) {
		const tk_record *r = tk_model_record(m, i);

		if (r->version->nentities > 64)
			break;
		tk_fig_count_all(m, r, &all, groups, ents);
		tk_fig_count(&one, r, NULL, NULL);
		bad += !same_counts(&all, &one);
		for (g = 0; g < tk_model_ngroups(m); g++) {
			tk_fig_count(&one, r, tk_model_group(m, g), NULL);
			bad += !same_counts(&groups[g], &one);
		}
		for (e = 0; e < r->version->nentities; e++) {
			tk_fig_count(&one, r, NULL, r->version->entities[e]);
			bad += !same_counts(&ents[e], &one);
			n++;
		}
	}
	tk_check("counted in one pass: the same as one by one, for every record",
	    i == tk_model_nrecords(m) && n > 10000 && bad == 0, NULL);

	/* The build's table: the same measures and entity counts. */
	table = tk_fig_table_new(m);
	for (i = 0, bad = 0, n = 0; i < tk_model_nrecords(m); i++) {
		const tk_record *r = tk_model_record(m, i);
		tk_measure want;

		for (g = 0; g <= tk_model_ngroups(m); g++) {
			const tk_group *grp = g < tk_model_ngroups(m) ? tk_model_group(m, g) : NULL;

			tk_fig_count(&want.c, r, grp, NULL);
			tk_fig_measure(&want);
			bad += memcmp(&want, tk_fig_table_measure(table, r, grp), sizeof(want)) != 0;
		}
		for (e = 0; e < r->version->nentities; e++, n++) {
			tk_fig_count(&one, r, NULL, r->version->entities[e]);
			bad += !same_counts(&tk_fig_table_entities(table, r)[e], &one);
		}
	}
	tk_check("the table: every record's measures and entity counts as counted one by one",
	    n > 10000 && bad == 0, NULL);
	tk_fig_table_free(table);
out:
	tk_model_free(m);
	tk_source_free(src);
}

int
main(void)
{
	tk_diag *d = tk_diag_new(stderr);
	tk_source_opts so = { .repo = "tests/fixtures/small", .content = "." };
	tk_source *src = NULL;
	tk_model *m = NULL;
	tk_measure x;
	const int bands[3] = { 25, 50, 75 };
	int v1[] = { 40, -1, 10, 30, 20 }, v2[] = { 1, 2 }, v3[] = { -1 };

	/* Rounding half up, and no figure over nothing. */
	tk_check("pct 1/8 = 12.5 -> 13", tk_fig_pct(1, 8) == 13, NULL);
	tk_check("pct 1/3 -> 33, 2/3 -> 67", tk_fig_pct(1, 3) == 33 && tk_fig_pct(2, 3) == 67, NULL);
	tk_check("pct 39/69 = 56.52 -> 57", tk_fig_pct(39, 69) == 57, NULL);
	tk_check("pct 1/200 = 0.5 -> 1", tk_fig_pct(1, 200) == 1, NULL);
	tk_check("pct over nothing is no figure", tk_fig_pct(0, 0) == -1, NULL);
	tk_check("bands at the edges: 24 25 49 50 75 76",
	    tk_fig_band(bands, 24) == 0 && tk_fig_band(bands, 25) == 1 &&
	    tk_fig_band(bands, 49) == 1 && tk_fig_band(bands, 50) == 2 &&
	    tk_fig_band(bands, 75) == 2 && tk_fig_band(bands, 76) == 3 &&
	    tk_fig_band(bands, -1) == -1, NULL);
	tk_check("median skips no-figure: {40,10,30,20} -> 25", tk_fig_median(v1, 5) == 25, NULL);
	tk_check("median of {1,2} = 1.5 -> 2", tk_fig_median(v2, 2) == 2, NULL);
	tk_check("median of nothing", tk_fig_median(v3, 1) == -1, NULL);
	tk_check("quarter of 2021-10 is 2021-Q4",
	    tk_fig_quarter_of(TK_PERIOD(2021, 10)) == TK_QUARTER(2021, 4) &&
	    tk_fig_quarter_of(TK_PERIOD(2022, 3)) == TK_QUARTER(2022, 1), NULL);

	if (tk_source_open(&src, &so, d) < 0 || tk_model_load(&m, src, NULL, d) < 0) {
		tk_check("fixture loads", 0, NULL);
		goto out;
	}
	/* alpha 2021-10, HTT: 1.1 done, 1.2 under way (1.3 not critical).
	 * valmis 1/2 = 50, käynnissä 1/2 = 50, both due by 2021-Q4: 2/2 = 100. */
	x = measure(m, "alpha", TK_PERIOD(2021, 10), 0);
	tk_check("alpha 10/2021 HTT: valmis 50, käynnissä 50, eteneminen 100",
	    x.c.tracked == 2 && x.valmis == 50 && x.kaynnissa == 50 && x.eteneminen == 100, NULL);
	/* ICT: 1.1 not started, due 2022-Q4: nothing due yet, so no eteneminen. */
	x = measure(m, "alpha", TK_PERIOD(2021, 10), 1);
	tk_check("alpha 10/2021 ICT: 0, 0, no eteneminen",
	    x.c.tracked == 1 && x.valmis == 0 && x.kaynnissa == 0 && x.eteneminen == -1, NULL);
	/* Overall: 1 done of 3 = 33, 1 under way of 3 = 33, 2 of 2 due = 100. */
	x = measure(m, "alpha", TK_PERIOD(2021, 10), -1);
	tk_check("alpha 10/2021 overall: 33, 33, 100",
	    x.valmis == 33 && x.kaynnissa == 33 && x.eteneminen == 100, NULL);
	/* beta: 1.1 is "ei koske", leaving the denominator: 1.2 on schedule
	 * of 1 tracked = käynnissä 100. */
	x = measure(m, "beta", TK_PERIOD(2021, 10), 0);
	tk_check("beta 10/2021 HTT: ei koske leaves the denominator",
	    x.c.tracked == 1 && x.c.not_applicable == 1 && x.valmis == 0 &&
	    x.kaynnissa == 100 && x.eteneminen == 100, NULL);
	/* alpha 2021-11: 1.1 late (due Q3, so overdue in Q4), 1.2 done; ICT
	 * unreported: counted as not started and as unreported. */
	x = measure(m, "alpha", TK_PERIOD(2021, 11), 0);
	tk_check("alpha 11/2021 HTT: valmis 50, käynnissä 0, eteneminen 50, 1 overdue",
	    x.valmis == 50 && x.kaynnissa == 0 && x.eteneminen == 50 && x.c.late == 1 &&
	    x.c.overdue == 1, NULL);
	x = measure(m, "alpha", TK_PERIOD(2021, 11), 1);
	tk_check("alpha 11/2021 ICT: unreported counts as not started",
	    x.c.tracked == 1 && x.c.unreported == 1 && x.c.not_started == 1 && x.valmis == 0,
	    NULL);
	test_count_all(d);
out:
	tk_model_free(m);
	tk_source_free(src);
	tk_diag_free(d);
	return tk_test_end();
}
