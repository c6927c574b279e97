/* fuzz_diff.c: the roadmap diff. The first byte chooses: texts (two parts
 * split at a NUL byte: word and line diffs, similarity), or two roadmap
 * files (the HTT group of version 2021-06 and of a later 2022-08, over
 * tests/fixtures/small), read by the model and, when valid, diffed,
 * followed through history and written as text, JSON and Markdown. */
#include "fuzz.h"
#include "diff.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	size_t i;

	(void)argc;
	(void)argv;
	fuzz_tree_init();
	fuzz_tree_add("roadmap/2022-08/version.yaml", "id: 2022-08\ndate: 2022-08-30\n"
	    "title: Tiekartta 30.8.2022\nprevious: 2021-06\n");
	for (i = 0; i < fuzz_nfiles; i++)
		if (strcmp(fuzz_files[i].path, "roadmap/2021-06/htt.yaml") == 0)
			fuzz_tree_add("roadmap/2022-08/htt.yaml", fuzz_files[i].data);
	return 0;
}

static void
write_all(const tk_value *v)
{
	tk_buf b = TK_BUF_INIT;

	tk_diff_write_text(&b, v);
	tk_buf_reset(&b);
	tk_diff_write_json(&b, v);
	tk_buf_reset(&b);
	tk_diff_write_markdown(&b, v);
	tk_buf_free(&b);
}

static void
texts(const char *a, const char *b)
{
	tk_value *w = tk_diff_words(a, b), *t = tk_diff_text(a, b);
	double s = tk_diff_similarity(a, b);
	tk_buf out = TK_BUF_INIT;

	if (!(s >= 0 && s <= 1))
		abort();
	tk_value_write_json(&out, w, 0);
	tk_value_write_json(&out, t, 0);
	tk_buf_free(&out);
	tk_value_free(w);
	tk_value_free(t);
}

static void
versions(const char *a, size_t alen, const char *b, size_t blen)
{
	tk_source *src = NULL;
	tk_model *m;
	const tk_version *old, *new_;
	tk_diff *d = NULL;
	tk_diff_history *h = NULL;
	tk_value *rev = NULL, *sub;
	size_t i;
	int ok;

	fuzz_tree_put_path("roadmap/2021-06/htt.yaml", a, alen);
	fuzz_tree_put_path("roadmap/2022-08/htt.yaml", b, blen);
	m = fuzz_tree_load(&src, &ok);
	if (m && ok && (old = tk_model_version_by_id(m, "2021-06")) != NULL &&
	    (new_ = tk_model_version_by_id(m, "2022-08")) != NULL) {
		tk_diff_new(&d, m, old, m, new_);
		write_all(tk_diff_value(d));
		for (i = 0; i < new_->nentities; i++) {
			const tk_entity *e = new_->entities[i];
			size_t t, s;

			for (t = 0; t < e->ntasks; t++)
				for (s = 0; s < e->tasks[t].nsubtasks; s++) {
					const tk_subtask *st = &e->tasks[t].subtasks[s];

					tk_diff_subtask_old(d, st, NULL);
					tk_diff_subtask_change(d, st);
				}
		}
		tk_diff_history_new(&h, m);
		if ((sub = tk_diff_history_subtask(h, NULL, "htt-a-1-1")) != NULL)
			tk_value_free(sub);
		tk_diff_revisions(&rev, m, "vanha", m, "uusi");
		write_all(rev);
	}
	tk_value_free(rev);
	tk_diff_history_free(h);
	tk_diff_free(d);
	tk_model_free(m);
	tk_source_free(src);
	fuzz_tree_restore();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *part[2];
	size_t len[2];
	char *buf;

	if (size == 0)
		return 0;
	fuzz_split(data + 1, size - 1, 2, &buf, part, len);
	if (data[0] & 1)
		versions(part[0], len[0], part[1], len[1]);
	else
		texts(part[0], part[1]);
	free(buf);
	return 0;
}
