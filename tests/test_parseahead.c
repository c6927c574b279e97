/* test_parseahead.c: files parsed ahead in a second process are the trees
 * the load would have parsed, and the saved bytes the store would have
 * written; a file the load passed by is left to it. */
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "model.h"
#include "parseahead.h"
#include "source.h"
#include "util.h"
#include "yaml.h"

static int
skip_all(void *arg, const char *oid)
{
	(void)arg;
	(void)oid;
	return 1;
}

/* The tree as tk_yaml_save writes it. */
static char *
saved_of(tk_ydoc *doc, size_t *len)
{
	tk_buf b = TK_BUF_INIT;

	tk_yaml_save(&b, doc);
	*len = b.len;
	return tk_buf_detach(&b);
}

int
main(void)
{
	tk_source_opts so = { .repo = ".", .content = "content" };
	tk_source *src = NULL;
	tk_diag *d = tk_diag_new(stderr);
	tk_parseahead *a;
	tk_model *m = NULL;
	size_t *order, n = 0, i, k, given = 0, same = 0, bytes_same = 0;

	/* The bundled content, from Git: every blob is in memory. */
	if (tk_source_open(&src, &so, d) < 0) {
		tk_check("the bundled content opens", 0, NULL);
		return tk_test_end();
	}
	order = xcalloc(tk_source_count(src) + 1, sizeof(*order));
	for (i = 0; i < tk_source_count(src); i++) {
		const char *p = tk_source_file_at(src, i)->path;

		if (strlen(p) > 5 && strcmp(p + strlen(p) - 5, ".yaml") == 0)
			order[n++] = i;
	}
	tk_check("the bundled content has more than a hundred YAML files", n > 100, NULL);

	setenv("TK_JOBS", "1", 1);
	tk_check("one job: nothing is parsed ahead",
	    tk_parseahead_start(src, order, n, NULL, NULL) == NULL, NULL);
	setenv("TK_JOBS", "2", 1);
	tk_check("every file known already: nothing is parsed ahead",
	    tk_parseahead_start(src, order, n, skip_all, NULL) == NULL, NULL);

	a = tk_parseahead_start(src, order, n, NULL, NULL);
	tk_check("two jobs: the files are parsed ahead", a != NULL, NULL);
	for (k = 0; a && k < n; k++) {
		const void *saved = NULL;
		size_t nsaved = 0, len, nwant;
		const char *buf;
		tk_ydoc *got = tk_parseahead_take(a, k, &saved, &nsaved), *want = NULL;
		char *g, *w;

		if (got == NULL)
			continue;
		given++;
		if (tk_source_read(src, order[k], &buf, &len, d) < 0 ||
		    tk_yaml_load(&want, tk_source_file_at(src, order[k])->shown, buf, len,
		    NULL, d) < 0) {
			tk_yaml_free(got);
			continue;
		}
		g = saved_of(got, &len);
		w = saved_of(want, &nwant);
		same += len == nwant && memcmp(g, w, len) == 0 &&
		    strcmp(tk_yaml_path(got), tk_yaml_path(want)) == 0;
		bytes_same += nsaved == nwant && memcmp(saved, w, nwant) == 0;
		free(g);
		free(w);
		tk_yaml_free(got);
		tk_yaml_free(want);
	}
	/* Two of every three: all but places 0, 3, 6, ... */
	tk_check("two of every three files come from the second process",
	    given == n - (n + 2) / 3, NULL);
	tk_check("each is the tree that parsing gives", same == given, NULL);
	tk_check("and its saved bytes are the tree's", bytes_same == given, NULL);
	tk_check("nothing was given twice", tk_parseahead_given(a) == given, NULL);
	tk_parseahead_end(a);

	/* The load passing by files: place 4 first, then 1 and 2, which the
	 * second process sent before 4: the load parses those itself. */
	a = tk_parseahead_start(src, order, n, NULL, NULL);
	if (a) {
		const void *saved;
		size_t nsaved;
		tk_ydoc *four = tk_parseahead_take(a, 4, &saved, &nsaved);
		tk_ydoc *one = tk_parseahead_take(a, 1, &saved, &nsaved);
		tk_ydoc *five = tk_parseahead_take(a, 5, &saved, &nsaved);

		tk_check("a file further on is given", four != NULL, NULL);
		tk_check("one passed by is not", one == NULL, NULL);
		tk_check("the next after is given", five != NULL, NULL);
		tk_yaml_free(four);
		tk_yaml_free(one);
		tk_yaml_free(five);
		/* Ended with most of it untaken: the second process is stopped. */
		tk_parseahead_end(a);
	}
	tk_check("ended early", a != NULL, NULL);

	/* The model load uses it: with two jobs, most YAML files come from the
	 * second process (two of every three it asks for in order); with one,
	 * none. The model is the same either way (the site tests compare). */
	setenv("TK_JOBS", "2", 1);
	if (tk_model_load(&m, src, NULL, d) == 0) {
		char why[80];

		snprintf(why, sizeof(why), "  %zu of %zu", tk_model_parsed_ahead(m), n);
		tk_check("the model load takes most files parsed ahead",
		    tk_model_parsed_ahead(m) > n / 2 && tk_model_parsed_ahead(m) < n, why);
		tk_model_free(m);
		m = NULL;
	} else
		tk_check("the bundled content loads", 0, NULL);
	setenv("TK_JOBS", "1", 1);
	if (tk_model_load(&m, src, NULL, d) == 0)
		tk_check("with one job, none", tk_model_parsed_ahead(m) == 0, NULL);
	tk_model_free(m);

	free(order);
	tk_source_free(src);
	tk_diag_free(d);
	return tk_test_end();
}
