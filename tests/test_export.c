/* test_export.c: the JSON, CSV and Atom exports of tests/fixtures/small,
 * against rows worked out by hand (see tests/test_figures.c); the exports
 * of the bundled content made in pieces, against them made whole. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "export.h"
#include "figures.h"
#include "harness.h"
#include "model.h"
#include "source.h"

/* A spill that appends to a buffer, counting its calls; failing from the
 * call numbered fail_at on (0: never). */
typedef struct {
	tk_buf got;
	int calls, fail_at;
} collect;

static int
collect_fn(void *arg, const char *data, size_t len)
{
	collect *c = arg;

	if (++c->calls == c->fail_at || (c->fail_at && c->calls > c->fail_at))
		return -1;
	tk_buf_put(&c->got, data, len);
	return 0;
}

/* The exports of the bundled content (megabytes each) spilt in pieces, as
 * a build writes them, are the exports made whole. */
static void
test_spill(void)
{
	tk_diag *d = tk_diag_new(stderr);
	tk_source_opts so = { .repo = ".", .content = "content" };
	tk_source *src = NULL;
	tk_model *m = NULL;
	tk_buf whole = TK_BUF_INIT, rest = TK_BUF_INIT;
	tk_fig_table *table = NULL;
	int k, r;

	if (tk_source_open(&src, &so, d) < 0 || tk_model_load(&m, src, NULL, d) < 0) {
		tk_check("spill: the bundled content loads", 0, NULL);
		goto out;
	}
	table = tk_fig_table_new(m);
	for (k = 0; k < 2; k++) {
		const char *name = k ? "csv" : "json";
		collect c = { TK_BUF_INIT, 0, 0 }, bad = { TK_BUF_INIT, 0, 2 };
		tk_export_spill spill = { collect_fn, &c }, failing = { collect_fn, &bad };
		char *label;

		tk_buf_reset(&whole);
		tk_buf_reset(&rest);
		r = k ? tk_export_csv(&whole, m, NULL, NULL) : tk_export_json(&whole, m, NULL, NULL);
		r |= k ? tk_export_csv(&rest, m, NULL, &spill) : tk_export_json(&rest, m, NULL, &spill);
		tk_buf_put(&c.got, rest.data, rest.len);
		label = xasprintf("spill: the %s in %d pieces of about a megabyte is the %s "
		    "made whole (%zu bytes)", name, c.calls + 1, name, whole.len);
		tk_check(label, r == 0 && c.calls >= 2 && rest.len < (2 << 20) &&
		    c.got.len == whole.len && memcmp(c.got.data, whole.data, whole.len) == 0, NULL);
		free(label);
		tk_buf_reset(&rest);
		r = k ? tk_export_csv(&rest, m, table, NULL) : tk_export_json(&rest, m, table, NULL);
		label = xasprintf("spill: the %s from the build's table of figures is the %s "
		    "counted record by record", name, name);
		tk_check(label, r == 0 && rest.len == whole.len &&
		    memcmp(rest.data, whole.data, whole.len) == 0, NULL);
		free(label);
		tk_buf_reset(&rest);
		r = k ? tk_export_csv(&rest, m, NULL, &failing) : tk_export_json(&rest, m, NULL, &failing);
		label = xasprintf("spill: the %s stops when a piece cannot be written", name);
		tk_check(label, r < 0 && bad.calls == 2, NULL);
		free(label);
		tk_buf_free(&c.got);
		tk_buf_free(&bad.got);
	}
out:
	tk_fig_table_free(table);
	tk_buf_free(&whole);
	tk_buf_free(&rest);
	tk_model_free(m);
	tk_source_free(src);
	tk_diag_free(d);
}

int
main(void)
{
	tk_diag *d = tk_diag_new(stderr);
	tk_source_opts so = { .repo = "tests/fixtures/small", .content = "." };
	tk_source *src = NULL;
	tk_model *m = NULL;
	tk_buf b = TK_BUF_INIT;

	if (tk_source_open(&src, &so, d) < 0 || tk_model_load(&m, src, NULL, d) < 0) {
		tk_check("fixture loads", 0, NULL);
		goto out;
	}
	tk_export_csv(&b, m, NULL, NULL);
	tk_check("csv: header", strncmp(b.data, "organisation,group,entity,month,roadmap,measure,"
	    "value,numerator,denominator\r\n", 71) == 0, NULL);
	/* alpha 11/2021 HTT: 1.2 done, 1.1 late, both due: valmis 1/2. */
	tk_check_has("csv: alpha 11/2021 HTT valmis 50 = 1/2", b.data,
	    "alpha,htt,,2021-11,2021-06,valmis,50,1,2\r\n");
	tk_check_has("csv: alpha 11/2021 HTT eteneminen 50 = 1/2", b.data,
	    "alpha,htt,,2021-11,2021-06,eteneminen,50,1,2\r\n");
	/* ICT in 10/2021: nothing due yet, so no figure (empty value). */
	tk_check_has("csv: no figure is an empty value", b.data,
	    "alpha,ict,,2021-10,2021-06,eteneminen,,0,0\r\n");
	tk_check_has("csv: entity rows", b.data,
	    "beta,htt,htt-a,2021-10,2021-06,kaynnissa,100,1,1\r\n");
	/* 3 records x (1 total + 2 groups + 2 entities) x 4 measures + header. */
	{
		int rows = 0;
		const char *p;

		for (p = b.data; (p = strstr(p, "\r\n")) != NULL; p += 2)
			rows++;
		tk_check("csv: 61 lines", rows == 61, NULL);
	}
	tk_buf_reset(&b);
	tk_export_json(&b, m, NULL, NULL);
	tk_check_has("json: alpha 10/2021 overall", b.data,
	    "\"month\":\"2021-10\",\"roadmap\":\"2021-06\",\"red_flag\":true");
	tk_check_has("json: no figure is null", b.data, "\"eteneminen\":null");
	/* alpha 11/2021: 1.1 late (due Q3, ended), 1.2 done (due Q4), ICT 1.1
	 * not reported (due 2022-Q4): tracked 3, valmis 1/3, eteneminen 1/2;
	 * the one not reported also counts as not started. */
	tk_check_has("json: alpha 11/2021 overall, every count", b.data,
	    "2021-11.yaml\",\"overall\":{\"valmis\":33,"
	    "\"kaynnissa\":0,\"valmiusaste\":33,\"eteneminen\":50,\"tracked\":3,\"done\":1,"
	    "\"under_way\":0,\"on_schedule\":0,\"late\":1,\"not_started\":1,"
	    "\"unreported\":1,\"not_applicable\":0,\"due\":2,\"due_progressing\":1,"
	    "\"overdue\":1}");
	tk_buf_reset(&b);
	tk_export_atom(&b, m, "https://x.example.fi/", 10);
	tk_check_has("atom: newest first, dated by the deadline", b.data,
	    "<entry>\n<title>Alfa 11/2021: eteneminen 50 %</title>");
	tk_check_has("atom: updated is the 5th of the next month", b.data,
	    "<updated>2021-12-05T00:00:00Z</updated>");
	tk_check_has("atom: red flag named", b.data, "Alfa 10/2021: eteneminen 100 % (punainen lippu)");
	tk_check_has("atom: base address", b.data, "xml:base=\"https://x.example.fi/\"");
out:
	tk_buf_free(&b);
	tk_model_free(m);
	tk_source_free(src);
	tk_diag_free(d);
	test_spill();
	return tk_test_end();
}
