/* fuzz_model.c: the model's reading and validation of a whole content
 * tree, with one file of tests/fixtures/small replaced by the input (the
 * first byte picks which, in sorted order: groups.yaml, pages/tietoa.md,
 * regions.yaml, roadmap/…, site.yaml, status/…). A tree that validates is
 * also counted by the figures. */
#include "fuzz.h"
#include "figures.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_tree_init();
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	tk_source *src = NULL;
	tk_model *m;
	size_t i, g;
	int ok;

	if (size == 0)
		return 0;
	fuzz_tree_put(data[0], (const char *)data + 1, size - 1);
	m = fuzz_tree_load(&src, &ok);
	if (m && ok) {
		for (i = 0; i < tk_model_nrecords(m); i++) {
			const tk_record *rec = tk_model_record(m, i);
			tk_measure ms;

			memset(&ms, 0, sizeof(ms));
			tk_fig_count(&ms.c, rec, NULL, NULL);
			tk_fig_measure(&ms);
			for (g = 0; g < tk_model_ngroups(m); g++) {
				memset(&ms, 0, sizeof(ms));
				tk_fig_count(&ms.c, rec, tk_model_group(m, g), NULL);
				tk_fig_measure(&ms);
			}
		}
	}
	tk_model_free(m);
	tk_source_free(src);
	fuzz_tree_restore();
	return 0;
}
