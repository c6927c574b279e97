/* fuzz_site.c: content all the way to HTML. One file of
 * tests/fixtures/small is replaced by the input (the first byte picks
 * which, as in fuzz_model); when the content validates, every page of
 * every language is built and rendered through themes/default, and the
 * exports are written. Whatever the content, no page may hold a script,
 * an event handler or a javascript: address: content is text. */
#include "fuzz.h"
#include "export.h"
#include "tmpl.h"
#include "value.h"
#include "view.h"
#include "yaml.h"

#ifndef TK_THEME
#define TK_THEME "themes/default"
#endif

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static tk_value *strings[3];    /* fi, sv, en */
static const char *const langs[3] = { "fi", "sv", "en" };

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	tk_diag *d;
	size_t i;

	(void)argc;
	(void)argv;
	fuzz_tree_init();
	d = fuzz_diag();
	for (i = 0; i < 3; i++) {
		char *path = xasprintf("%s/strings/%s.yaml", TK_THEME, langs[i]), *buf;
		tk_ydoc *doc = NULL;
		size_t len;

		if (tk_read_file(&buf, &len, path) == 0) {
			if (tk_yaml_load(&doc, path, buf, len, NULL, d) == 0)
				tk_value_from_yaml(&strings[i], tk_yaml_root(doc), path, d);
			tk_yaml_free(doc);
			free(buf);
		}
		free(path);
	}
	tk_diag_free(d);
	return 0;
}

static void
render(const tk_model *m, const char *lang, const tk_value *str)
{
	tk_diag *d = fuzz_diag();
	tk_tmpl_env *env = tk_tmpl_env_new(tk_tmpl_dir_loader, (void *)TK_THEME "/templates");
	tk_value *globals = tk_value_map();
	tk_view *v = NULL;
	tk_buf b = TK_BUF_INIT;
	size_t i;

	if (str)
		tk_value_map_set(globals, "t", tk_value_copy(str));
	tk_view_new(&v, m, str, lang, NULL, 0, NULL, NULL);
	for (i = 0; i < tk_view_count(v); i++) {
		const tk_view_page *pg = tk_view_page_at(v, i);
		const tk_tmpl *t;
		tk_value *data;
		const char *bad;

		if (tk_tmpl_env_get(&t, env, pg->template, d) < 0)
			continue;
		data = tk_view_data(v, i);
		tk_buf_reset(&b);
		if (tk_tmpl_render_with(&b, env, t, data, globals, d) == 0 && b.data &&
		    (bad = fuzz_unsafe_html(b.data)) != NULL) {
			fprintf(stderr, "unsafe HTML in %s: %.200s\n", pg->path, bad);
			abort();
		}
		tk_value_free(data);
	}
	tk_buf_reset(&b);
	tk_view_sitemap(v, &b);
	tk_view_free(v);
	tk_value_free(globals);
	tk_tmpl_env_free(env);
	tk_buf_free(&b);
	tk_diag_free(d);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	tk_source *src = NULL;
	tk_model *m;
	tk_buf b = TK_BUF_INIT;
	size_t i, k;
	int ok;

	if (size == 0)
		return 0;
	fuzz_tree_put(data[0], (const char *)data + 1, size - 1);
	m = fuzz_tree_load(&src, &ok);
	if (m && ok) {
		const tk_site *site = tk_model_site(m);

		for (i = 0; i < site->nlanguages; i++)
			for (k = 0; k < 3; k++)
				if (strcmp(site->languages[i], langs[k]) == 0)
					render(m, langs[k], strings[k]);
		tk_export_json(&b, m, NULL, NULL);
		tk_buf_reset(&b);
		tk_export_csv(&b, m, NULL, NULL);
		tk_buf_reset(&b);
		tk_export_atom(&b, m, site->base_url, 200);
	}
	tk_buf_free(&b);
	tk_model_free(m);
	tk_source_free(src);
	fuzz_tree_restore();
	return 0;
}
