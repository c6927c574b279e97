/* test_diff.c: the roadmap diff over tests/fixtures/diff/basic (one change
 * of every kind, listed in its README.md) and over copies of it made in
 * /tmp: every 2022-08 id replaced by a fresh one, a group renamed, status
 * records edited. */
#define _DEFAULT_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "diag.h"
#include "diff.h"
#include "harness.h"
#include "model.h"
#include "source.h"
#include "util.h"
#include "value.h"

static const char fixture[] = "tests/fixtures/diff/basic";
static char root[] = "/tmp/tk-diff-XXXXXX";

static void
run(const char *cmd)
{
	if (system(cmd) != 0) {
		fprintf(stderr, "test_diff: '%s' failed\n", cmd);
		exit(2);
	}
}

/* Loads a content directory; stops the test run on content errors, since
 * every later check would fail for the same reason. */
static tk_model *
load(const char *dir)
{
	char *msg = NULL;
	size_t mlen = 0;
	FILE *f = open_memstream(&msg, &mlen);
	tk_diag *d = tk_diag_new(f);
	tk_source_opts so = { 0 };
	tk_source *src = NULL;
	tk_model *m = NULL;
	int errors;

	so.repo = dir;
	so.content = ".";
	if (tk_source_open(&src, &so, d) == 0)
		tk_model_load(&m, src, NULL, d);
	errors = tk_diag_errors(d);
	tk_source_free(src);
	tk_diag_free(d);
	fclose(f);
	if (errors || m == NULL) {
		fprintf(stderr, "test_diff: cannot load %s:\n%s", dir, msg);
		exit(2);
	}
	free(msg);
	return m;
}

static char *
json(const tk_value *v)
{
	tk_buf b = TK_BUF_INIT;

	tk_value_write_json(&b, v, 0);
	return tk_buf_detach(&b);
}

static void
check_json(const char *name, tk_value *v, const char *want)
{
	char *got = json(v);

	tk_check_str(name, got, want);
	free(got);
	tk_value_free(v);
}

static const tk_value *
at(const tk_value *v, const char *path)
{
	char buf[256], *p, *save = NULL;

	snprintf(buf, sizeof(buf), "%s", path);
	for (p = strtok_r(buf, ".", &save); p && v; p = strtok_r(NULL, ".", &save)) {
		if (*p >= '0' && *p <= '9')
			v = tk_value_list_at(v, (size_t)atoi(p));
		else
			v = tk_value_map_get(v, p);
	}
	return v;
}

static const char *
str_at(const tk_value *v, const char *path)
{
	const tk_value *x = at(v, path);

	return x ? tk_value_get_str(x, NULL) : NULL;
}

/* Every change as "level old-id new-number kinds[ inferred]", one a line,
 * in output order: what a reader of the diff sees, without the ids that
 * the stripped copy changes. */
static char *
signature(const tk_value *v)
{
	const tk_value *groups = at(v, "groups");
	tk_buf b = TK_BUF_INIT;
	size_t g, i, k;

	for (g = 0; g < tk_value_list_len(groups); g++) {
		const tk_value *ch = at(tk_value_list_at(groups, g), "changes");

		for (i = 0; i < tk_value_list_len(ch); i++) {
			const tk_value *c = tk_value_list_at(ch, i), *kinds = at(c, "kinds");
			const char *oid = str_at(c, "old.id"), *num = str_at(c, "new.number");

			tk_buf_printf(&b, "%s %s %s ", str_at(c, "level"), oid ? oid : "-",
			    num ? num : "-");
			for (k = 0; k < tk_value_list_len(kinds); k++)
				tk_buf_printf(&b, "%s%s", k ? "," : "",
				    tk_value_get_str(tk_value_list_at(kinds, k), NULL));
			if (tk_value_get_bool(at(c, "inferred")))
				tk_buf_puts(&b, " inferred");
			tk_buf_putc(&b, '\n');
		}
	}
	return tk_buf_detach(&b);
}

static const char basic_signature[] =
	"subtask htt-a-1-1 1.1 start_first_dropped\n"
	"subtask htt-a-1-2 1.2 criticality\n"
	"subtask htt-a-1-3 1.3 due,phase\n"
	"subtask htt-a-1-4 - removed\n"
	"subtask htt-a-1-5 1.4 renumbered\n"
	"subtask - 1.5 added\n"
	"subtask htt-a-2-2 2.2 reworded\n"
	"task htt-a-3 3 reworded\n"
	"subtask htt-a-2-1 3.2 moved\n"
	"entity htt-b B carried\n"
	"entity ict-a A reworded\n"
	"subtask ict-b-1-1 1.1 reworded\n"
	"task ict-a-2 2 moved\n"
	"entity ict-c - removed\n"
	"task ict-c-1 - removed\n"
	"subtask ict-c-1-1 - removed\n"
	"entity - D added\n"
	"task - 1 added\n"
	"subtask - 1.1 added\n";

/* The same changes, each match now inferred: nothing shares an id. */
static const char stripped_signature[] =
	"subtask htt-a-1-1 1.1 start_first_dropped inferred\n"
	"subtask htt-a-1-2 1.2 criticality inferred\n"
	"subtask htt-a-1-3 1.3 due,phase inferred\n"
	"subtask htt-a-1-4 - removed\n"
	"subtask htt-a-1-5 1.4 renumbered inferred\n"
	"subtask - 1.5 added\n"
	"subtask htt-a-2-2 2.2 reworded inferred\n"
	"task htt-a-3 3 reworded inferred\n"
	"subtask htt-a-2-1 3.2 moved inferred\n"
	"entity htt-b B carried inferred\n"
	"entity ict-a A reworded inferred\n"
	"subtask ict-b-1-1 1.1 reworded inferred\n"
	"task ict-a-2 2 moved inferred\n"
	"entity ict-c - removed\n"
	"task ict-c-1 - removed\n"
	"subtask ict-c-1-1 - removed\n"
	"entity - D added\n"
	"task - 1 added\n"
	"subtask - 1.1 added\n";

static void
test_words(void)
{
	check_json("words: one word replaced",
	    tk_diff_words("Turvallisuusverkkotiimin rakentamien ja toteutuksen valmistelu",
	    "Turvallisuusverkkotiimin rakentamisen ja toteutuksen valmistelu"),
	    "[{\"op\":\"same\",\"text\":\"Turvallisuusverkkotiimin\"},"
	    "{\"op\":\"del\",\"text\":\"rakentamien\"},"
	    "{\"op\":\"ins\",\"text\":\"rakentamisen\"},"
	    "{\"op\":\"same\",\"text\":\"ja toteutuksen valmistelu\"}]");
	check_json("words: a sentence inserted in front",
	    tk_diff_words("Määritellään rakenteet", "Sovitaan vastuista. Määritellään rakenteet"),
	    "[{\"op\":\"ins\",\"text\":\"Sovitaan vastuista.\"},"
	    "{\"op\":\"same\",\"text\":\"Määritellään rakenteet\"}]");
	check_json("words: deletions come before insertions",
	    tk_diff_words("a b c d", "a x y d"),
	    "[{\"op\":\"same\",\"text\":\"a\"},{\"op\":\"del\",\"text\":\"b c\"},"
	    "{\"op\":\"ins\",\"text\":\"x y\"},{\"op\":\"same\",\"text\":\"d\"}]");
	check_json("words: a change of spacing shows",
	    tk_diff_words("siirto/ hankinta tai", "siirto/hankinta tai"),
	    "[{\"op\":\"del\",\"text\":\"siirto/ hankinta\"},"
	    "{\"op\":\"ins\",\"text\":\"siirto/hankinta\"},{\"op\":\"same\",\"text\":\"tai\"}]");
	check_json("words: a deleted tail", tk_diff_words("a b c", "a"),
	    "[{\"op\":\"same\",\"text\":\"a\"},{\"op\":\"del\",\"text\":\"b c\"}]");
	check_json("words: NULL is empty", tk_diff_words(NULL, "uusi"),
	    "[{\"op\":\"ins\",\"text\":\"uusi\"}]");
	check_json("words: equal empty texts", tk_diff_words("", " "), "[]");
}

static void
test_similarity(void)
{
	char buf[64];

	tk_check("similarity: case and punctuation are ignored",
	    tk_diff_similarity("Osastojärjestelmien mahdolliset muutokset",
	    "OSASTOJÄRJESTELMIEN, mahdolliset – muutokset!") == 1.0, NULL);
	snprintf(buf, sizeof(buf), "%.4f", tk_diff_similarity(
	    "Taloushallinnon järjestelmän valinta",
	    "Taloushallinnon uuden järjestelmän hankinta ja käyttöönotto"));
	tk_check_str("similarity: 2*LCS/(m+n) over words", buf, "0.4444");
	tk_check("similarity: word order counts (LCS, not a bag of words)",
	    tk_diff_similarity("a b c d", "d c b a") == 0.25, NULL);
	tk_check("similarity: nothing in common", tk_diff_similarity("a b", "c d") == 0, NULL);
}

static void
test_text(void)
{
	check_json("text: lines kept, changed word by word, added",
	    tk_diff_text("otsikko\n\n- yksi kaksi\n- kolme\n", "otsikko\n\n- yksi KAKSI\n- kolme\n- neljä\n"),
	    "{\"changed\":true,\"lines\":[{\"op\":\"same\",\"text\":\"otsikko\"},"
	    "{\"op\":\"same\",\"text\":\"\"},{\"op\":\"changed\",\"words\":["
	    "{\"op\":\"same\",\"text\":\"- yksi\"},{\"op\":\"del\",\"text\":\"kaksi\"},"
	    "{\"op\":\"ins\",\"text\":\"KAKSI\"}]},{\"op\":\"same\",\"text\":\"- kolme\"},"
	    "{\"op\":\"ins\",\"text\":\"- neljä\"}]}");
	check_json("text: unlike lines are deleted and inserted",
	    tk_diff_text("aa bb\r\ncc\n", "xx yy\ncc"),
	    "{\"changed\":true,\"lines\":[{\"op\":\"del\",\"text\":\"aa bb\"},"
	    "{\"op\":\"ins\",\"text\":\"xx yy\"},{\"op\":\"same\",\"text\":\"cc\"}]}");
	check_json("text: equal texts", tk_diff_text("a\n", "a"),
	    "{\"changed\":false,\"lines\":[{\"op\":\"same\",\"text\":\"a\"}]}");
}

static void
test_basic(const tk_model *m)
{
	const tk_version *a = tk_model_version_by_id(m, "2021-06");
	const tk_version *b = tk_model_version_by_id(m, "2022-08");
	tk_diff *d = NULL, *d2 = NULL;
	tk_buf text = TK_BUF_INIT, md = TK_BUF_INIT, js = TK_BUF_INIT, js2 = TK_BUF_INIT;
	const tk_value *v;
	char *sig, *s;

	tk_diff_new(&d, m, a, m, b);
	v = tk_diff_value(d);
	sig = signature(v);
	tk_check_str("every kind of change, in roadmap order", sig, basic_signature);
	free(sig);
	tk_check("the versions differ", !tk_diff_equal(d) &&
	    !tk_value_get_bool(at(v, "equal")), NULL);

	s = json(at(v, "summary"));
	tk_check_str("summary counts per kind per group", s,
	    "{\"total\":{\"added\":4,\"removed\":4,\"renumbered\":1,\"moved\":2,\"reworded\":4,"
	    "\"criticality\":1,\"due\":1,\"phase\":1,\"start_first_dropped\":1,"
	    "\"start_first_added\":0,\"carried\":1,\"inferred\":0},\"groups\":["
	    "{\"id\":\"htt\",\"short\":\"HTT\",\"counts\":{\"added\":1,\"removed\":1,"
	    "\"renumbered\":1,\"moved\":1,\"reworded\":2,\"criticality\":1,\"due\":1,"
	    "\"phase\":1,\"start_first_dropped\":1,\"start_first_added\":0,\"carried\":1,"
	    "\"inferred\":0}},{\"id\":\"ict\",\"short\":\"ICT\",\"counts\":{\"added\":3,"
	    "\"removed\":3,\"renumbered\":0,\"moved\":1,\"reworded\":2,\"criticality\":0,"
	    "\"due\":0,\"phase\":0,\"start_first_dropped\":0,\"start_first_added\":0,"
	    "\"carried\":0,\"inferred\":0}}],\"intro_changed\":true}");
	free(s);

	s = json(at(v, "groups.1.changes.1.words"));
	tk_check_str("a reworded subtask's words", s,
	    "[{\"op\":\"same\",\"text\":\"Taloushallinnon\"},{\"op\":\"ins\",\"text\":\"uuden\"},"
	    "{\"op\":\"same\",\"text\":\"järjestelmän\"},{\"op\":\"del\",\"text\":\"valinta\"},"
	    "{\"op\":\"ins\",\"text\":\"hankinta ja käyttöönotto\"}]");
	free(s);
	tk_check_str("a moved subtask's old task", str_at(v, "groups.0.changes.8.old.task"),
	    "htt-a-2");
	tk_check_str("a moved subtask's new task", str_at(v, "groups.0.changes.8.new.task"),
	    "htt-a-3");
	tk_check_str("a carried entity's source", str_at(v, "groups.0.changes.9.carried.from"),
	    "2021-06");
	tk_check_str("a due quarter", str_at(v, "groups.0.changes.2.new.due"), "2022-Q2");

	tk_diff_write_text(&text, v);
	tk_check_has("text: renumbered", text.data,
	    "\n  renumbered  subtask htt-a-1-5  1.5 → 1.4  Muutoskustannusten arviointi ja seuranta\n");
	tk_check_has("text: reworded word by word", text.data,
	    "\n  reworded  subtask ict-b-1-1  1.1  Taloushallinnon {+uuden+} järjestelmän "
	    "[-valinta-] {+hankinta ja käyttöönotto+}\n");
	tk_check_has("text: moved to another task", text.data,
	    "\n  moved  subtask htt-a-2-1  2.1 → 3.2  Aluevaalien järjestelyjen tukeminen yhdessä "
	    "kuntien kanssa\n      moved from task htt-a-2 (2) of entity htt-a (A) to task htt-a-3 "
	    "(3) of entity htt-a (A)\n");
	tk_check_has("text: moved to another entity", text.data,
	    "\n  moved  task ict-a-2  2  Tietoturva\n      moved from entity ict-a (A) to entity "
	    "ict-b (B)\n");
	tk_check_has("text: due and phase", text.data,
	    "\n  due, phase  subtask htt-a-1-3  1.3  Hallintosäännön valmistelu aluevaltuustolle\n"
	    "      due: 2022-Q1 → 2022-Q2\n      phase: 3 → 4\n");
	tk_check_has("text: criticality", text.data, "\n      critical: yes → no\n");
	tk_check_has("text: start first dropped", text.data,
	    "\n  start_first_dropped  subtask htt-a-1-1  1.1  Sopiminen väliaikaisen "
	    "valmistelutoimielimen kokoonpanosta\n      start first: dropped\n");
	tk_check_has("text: carried, not unchanged and not removed", text.data,
	    "\n  carried  entity htt-b  B  Konsernitalous\n      carried from 2021-06: "
	    "8/2022-tekstistä puuttuu tämä osio\n");
	tk_check_has("text: removed with its facts", text.data,
	    "\n  removed  subtask htt-a-1-4  1.4  Talousarvion laatiminen vuodelle 2022 "
	    "(not critical, due 2021-Q4, phase 3)\n");
	tk_check_has("text: removed entity after its old neighbour", text.data,
	    "[-valinta-] {+hankinta ja käyttöönotto+}\n  moved  task ict-a-2");
	tk_check_has("text: summary line", text.data,
	    "\n  ICT    3 added, 3 removed, 1 moved, 2 reworded\n");
	tk_check_has("text: intro line changed", text.data,
	    "\nIntro:\n  ~ - Tiekarttaa [-päivitetään-] {+päivitettiin syksyllä 2021+} tarpeen "
	    "mukaan.\n  + - Aloitusjärjestys poistettiin.\n");

	tk_diff_write_markdown(&md, v);
	tk_check_has("markdown: heading", md.data, "# Roadmap diff 2021-06 → 2022-08\n");
	tk_check_has("markdown: words struck and bold", md.data,
	    "- **reworded**  subtask `ict-b-1-1`  1.1: Taloushallinnon **uuden** järjestelmän "
	    "~~valinta~~ **hankinta ja käyttöönotto**\n");
	tk_check_has("markdown: summary table", md.data,
	    "| HTT | 1 | 1 | 1 | 1 | 2 | 1 | 1 | 1 | 1 | 1 |\n");

	tk_diff_write_json(&js, v);
	tk_check("json: pretty, one object", js.len > 2 && strncmp(js.data,
	    "{\n  \"kind\": \"versions\",\n", 22) == 0 && js.data[js.len - 1] == '\n', js.data);

	tk_diff_new(&d2, m, a, m, b);
	tk_diff_write_json(&js2, tk_diff_value(d2));
	tk_check("the same diff twice is byte-identical", strcmp(js.data, js2.data) == 0, NULL);

	{
		const tk_subtask *st = tk_version_subtask(m, a, "htt-a-1-5"), *nt;
		int inf = -1;

		nt = tk_diff_subtask_new(d, st, &inf);
		tk_check("subtask_new follows the id", nt && strcmp(nt->number, "1.4") == 0 &&
		    inf == 0, NULL);
		tk_check("subtask_old goes back", nt && tk_diff_subtask_old(d, nt, NULL) == st, NULL);
		tk_check("a removed subtask has no successor", tk_diff_subtask_new(d,
		    tk_version_subtask(m, a, "htt-a-1-4"), NULL) == NULL, NULL);
		tk_check_str("subtask_change gives the entry",
		    str_at(tk_diff_subtask_change(d, nt), "kinds.0"), "renumbered");
		tk_check("an unchanged subtask has no entry", tk_diff_subtask_change(d,
		    tk_version_subtask(m, b, "htt-a-3-1")) == NULL, NULL);
	}
	tk_buf_free(&text);
	tk_buf_free(&md);
	tk_buf_free(&js);
	tk_buf_free(&js2);
	tk_diff_free(d);
	tk_diff_free(d2);
}

static void
test_equal(const tk_model *m)
{
	const tk_version *a = tk_model_version_by_id(m, "2021-06");
	const tk_version *b = tk_model_version_by_id(m, "2022-08");
	tk_diff *d = NULL;
	tk_buf text = TK_BUF_INIT;

	tk_diff_new(&d, m, a, m, a);
	tk_check("a version equals itself", tk_diff_equal(d) &&
	    tk_value_get_bool(at(tk_diff_value(d), "equal")), NULL);
	tk_diff_write_text(&text, tk_diff_value(d));
	tk_check_has("text: no changes", text.data, "\nNo changes.\n");
	tk_diff_free(d);
	tk_diff_new(&d, m, b, m, b);
	tk_check("carried from the same place on both sides is no change", tk_diff_equal(d), NULL);
	tk_diff_free(d);
	tk_buf_free(&text);
}

static void
test_stripped(const tk_model *orig)
{
	char *dir = xasprintf("%s/stripped", root), *cmd, *sig;
	tk_model *m;
	tk_diff *d = NULL;
	tk_diff_history *h = NULL;
	tk_buf text = TK_BUF_INIT;
	const tk_version *a, *b;
	const tk_subtask *nt;
	const tk_value *v;
	tk_value *hist;
	int inf = 0;

	/* Every id of 2022-08 becomes htt-tuore-1, htt-tuore-2, …: none is shared. */
	cmd = xasprintf("cp -r %s %s && for f in %s/roadmap/2022-08/htt.yaml "
	    "%s/roadmap/2022-08/ict.yaml; do awk -v p=\"$(basename \"$f\" .yaml)\" "
	    "'{ if (match($0, /id: [a-z0-9][a-z0-9-]*/)) $0 = substr($0, 1, RSTART - 1) "
	    "\"id: \" p \"-tuore-\" (++n) substr($0, RSTART + RLENGTH); print }' \"$f\" > "
	    "\"$f.new\" && mv \"$f.new\" \"$f\"; done", fixture, dir, dir, dir);
	run(cmd);
	m = load(dir);
	a = tk_model_version_by_id(m, "2021-06");
	b = tk_model_version_by_id(m, "2022-08");
	tk_check("the copy shares no id", tk_version_subtask(m, b, "htt-a-1-5") == NULL &&
	    tk_version_subtask(m, b, "htt-tuore-4") != NULL && b->nsubtasks == 13, NULL);
	tk_diff_new(&d, m, a, m, b);
	v = tk_diff_value(d);
	sig = signature(v);
	tk_check_str("without ids the same changes are found, inferred", sig, stripped_signature);
	free(sig);
	tk_check("every match counted as inferred (4 entities, 7 tasks, 11 subtasks)",
	    tk_value_get_num(at(v, "summary.total.inferred")) == 22, NULL);
	tk_check_str("the inferred list names old and new ids",
	    str_at(v, "groups.0.inferred.0.old"), "htt-a");
	tk_check("the reworded subtask kept its place (similarity below 0.6)",
	    tk_value_get_num(at(v, "groups.1.changes.1.similarity")) == 0.44, NULL);
	tk_diff_write_text(&text, v);
	tk_check_has("text: an inferred renumbering", text.data,
	    "\n  renumbered (inferred, similarity 1.00)  subtask htt-a-1-5 → ");
	tk_check_has("text: inferred matches listed", text.data,
	    "items matched by similarity, not by id (inferred):\n    htt-a → ");

	nt = tk_diff_subtask_new(d, tk_version_subtask(m, a, "htt-a-1-5"), &inf);
	tk_check("subtask_new says inferred", nt && inf == 1, NULL);
	tk_diff_history_new(&h, m);
	hist = nt ? tk_diff_history_subtask(h, NULL, nt->id) : NULL;
	tk_check_str("history follows an inferred match back",
	    str_at(hist, "0.id"), "htt-a-1-5");
	tk_check("history marks the step inferred",
	    tk_value_get_bool(at(hist, "1.inferred")) && !tk_value_get_bool(at(hist, "0.inferred")),
	    NULL);
	tk_check_str("history gives the step's kinds", str_at(hist, "1.kinds.0"), "renumbered");
	tk_value_free(hist);
	tk_diff_history_free(h);
	(void)orig;
	tk_buf_free(&text);
	tk_diff_free(d);
	tk_model_free(m);
	free(cmd);
	free(dir);
}

static void
test_history(const tk_model *m)
{
	tk_diff_history *h = NULL;
	tk_value *v;

	tk_diff_history_new(&h, m);
	tk_check("one step between two versions", tk_diff_history_step(h, 0) != NULL &&
	    tk_diff_history_step(h, 1) == NULL, NULL);
	check_json("history of a renumbered subtask",
	    tk_diff_history_subtask(h, NULL, "htt-a-1-5"),
	    "[{\"version\":\"2021-06\",\"date\":\"2021-06-30\",\"present\":true,"
	    "\"id\":\"htt-a-1-5\",\"number\":\"1.5\","
	    "\"title\":\"Muutoskustannusten arviointi ja seuranta\",\"group\":\"htt\","
	    "\"task\":\"htt-a-1\",\"task_number\":\"1\",\"task_title\":\"VATE:n organisointi\","
	    "\"entity\":\"htt-a\",\"entity_number\":\"A\",\"entity_title\":\"Hallinnon rakenteet\","
	    "\"critical\":false,\"due\":\"2022-Q2\",\"phase\":4,\"start_first\":false,"
	    "\"carried_from\":null,\"inferred\":false,\"similarity\":null,\"kinds\":[],"
	    "\"words\":null},"
	    "{\"version\":\"2022-08\",\"date\":\"2022-08-30\",\"present\":true,"
	    "\"id\":\"htt-a-1-5\",\"number\":\"1.4\","
	    "\"title\":\"Muutoskustannusten arviointi ja seuranta\",\"group\":\"htt\","
	    "\"task\":\"htt-a-1\",\"task_number\":\"1\",\"task_title\":\"VATE:n organisointi\","
	    "\"entity\":\"htt-a\",\"entity_number\":\"A\",\"entity_title\":\"Hallinnon rakenteet\","
	    "\"critical\":false,\"due\":\"2022-Q2\",\"phase\":4,\"start_first\":false,"
	    "\"carried_from\":null,\"inferred\":false,\"similarity\":null,"
	    "\"kinds\":[\"renumbered\"],\"words\":null}]");
	v = tk_diff_history_subtask(h, NULL, "htt-a-1-4");
	tk_check("a removed subtask is absent from the later version",
	    tk_value_list_len(v) == 2 && tk_value_get_bool(at(v, "0.present")) &&
	    !tk_value_get_bool(at(v, "1.present")), NULL);
	tk_value_free(v);
	v = tk_diff_history_subtask(h, NULL, "htt-a-1-6-n");
	tk_check("an added subtask is absent from the earlier version and marked added",
	    !tk_value_get_bool(at(v, "0.present")) && str_at(v, "1.kinds.0") &&
	    strcmp(str_at(v, "1.kinds.0"), "added") == 0, NULL);
	tk_value_free(v);
	v = tk_diff_history_subtask(h, NULL, "htt-a-2-2");
	tk_check_str("history carries the words of a rewording", str_at(v, "1.words.1.text"),
	    "ja suunnittelu");
	tk_value_free(v);
	v = tk_diff_history_subtask(h, "2021-06", "htt-a-1-6-n");
	tk_check("a subtask not in the named version has no history", v == NULL, NULL);
	tk_value_free(v);
	tk_check("an unknown subtask has no history",
	    tk_diff_history_subtask(h, NULL, "ei-ole") == NULL, NULL);
	tk_diff_history_free(h);
}

static void
test_models(const tk_model *m)
{
	char *dir = xasprintf("%s/renamed", root), *cmd;
	tk_model *m2;
	tk_diff *d = NULL;
	tk_buf md = TK_BUF_INIT;
	const tk_value *c;
	char *s;

	cmd = xasprintf("cp -r %s %s && sed -i 's/^    title: ICT$/    title: \"ICT_ja *digi*\"/' "
	    "%s/groups.yaml", fixture, dir, dir);
	run(cmd);
	m2 = load(dir);
	tk_diff_new(&d, m, tk_model_version_by_id(m, "2022-08"), m2,
	    tk_model_version_by_id(m2, "2022-08"));
	c = at(tk_diff_value(d), "groups.1.changes.0");
	tk_check_str("a renamed group is a group-level change", str_at(c, "level"), "group");
	tk_check_str("… reworded", str_at(c, "kinds.0"), "reworded");
	s = json(at(c, "words"));
	tk_check_str("… with its words", s,
	    "[{\"op\":\"del\",\"text\":\"ICT\"},{\"op\":\"ins\",\"text\":\"ICT_ja *digi*\"}]");
	free(s);
	tk_check("… and nothing else", tk_value_list_len(at(tk_diff_value(d),
	    "groups.1.changes")) == 1 && tk_value_list_len(at(tk_diff_value(d),
	    "groups.0.changes")) == 0, NULL);
	tk_diff_write_markdown(&md, tk_diff_value(d));
	tk_check_has("markdown escapes content", md.data, "**ICT\\_ja \\*digi\\***");
	tk_buf_free(&md);
	tk_diff_free(d);
	tk_model_free(m2);
	free(cmd);
	free(dir);
}

static void
test_revisions(const tk_model *m)
{
	char *dir = xasprintf("%s/status", root), *cmd, *s;
	tk_model *m2;
	tk_value *v = NULL;
	tk_buf text = TK_BUF_INIT;

	cmd = xasprintf("cp -r %s %s && cd %s/status/alpha && "
	    "sed -i 's/htt-a-1-1: valmis/htt-a-1-1: käynnissä/; s/etenee/etenee hyvin/' 2021-10.yaml && "
	    "printf 'red_flag:\\n  reason: \"Rahoitus puuttuu\"\\n  since: 2021-10\\n' >> 2021-10.yaml && "
	    "sed 's/2021-10/2021-11/' 2021-10.yaml > 2021-11.yaml", fixture, dir, dir);
	run(cmd);
	m2 = load(dir);
	tk_diff_revisions(&v, m, "vanha", m2, "uusi");
	tk_check("revisions: different", !tk_value_get_bool(at(v, "equal")), NULL);
	tk_check("revisions: both versions compared, equal",
	    tk_value_list_len(at(v, "versions")) == 2 &&
	    tk_value_get_bool(at(v, "versions.0.equal")) &&
	    tk_value_get_bool(at(v, "versions.1.equal")), NULL);
	s = json(at(v, "status"));
	tk_check_str("revisions: which organisations, months and subtasks", s,
	    "{\"organisations\":[\"alpha\"],\"months\":[\"2021-10\",\"2021-11\"],"
	    "\"subtasks\":[\"htt-a-1-1\"],\"added\":[{\"region\":\"alpha\",\"period\":\"2021-11\","
	    "\"path\":\"./status/alpha/2021-11.yaml\",\"roadmap\":\"2021-06\",\"reports\":3}],"
	    "\"removed\":[],\"changed\":[{\"region\":\"alpha\",\"period\":\"2021-10\","
	    "\"path\":\"./status/alpha/2021-10.yaml\",\"states\":[{\"subtask\":\"htt-a-1-1\","
	    "\"old\":\"valmis\",\"new\":\"käynnissä\"}],\"notes\":[\"htt-a-1-2\"],"
	    "\"red_flag\":{\"old\":null,\"new\":{\"reason\":\"Rahoitus puuttuu\","
	    "\"since\":\"2021-10\"}}}]}");
	free(s);
	tk_diff_write_text(&text, v);
	tk_check_has("revisions text: a state change", text.data,
	    "\n  changed alpha 2021-10 (./status/alpha/2021-10.yaml)\n      htt-a-1-1: valmis → käynnissä\n");
	tk_check_has("revisions text: counts", text.data,
	    "Status records: 1 changed, 1 added, 0 removed\n");
	tk_value_free(v);
	tk_diff_revisions(&v, m, "a", m, "b");
	tk_check("revisions: the same content is equal", tk_value_get_bool(at(v, "equal")), NULL);
	tk_value_free(v);
	tk_buf_free(&text);
	tk_model_free(m2);
	free(cmd);
	free(dir);
}

int
main(void)
{
	tk_model *m;
	char *cmd;
	int rc;

	if (mkdtemp(root) == NULL) {
		perror("test_diff: mkdtemp");
		return 2;
	}
	test_words();
	test_similarity();
	test_text();
	m = load(fixture);
	test_basic(m);
	test_equal(m);
	test_history(m);
	test_stripped(m);
	test_models(m);
	test_revisions(m);
	tk_model_free(m);
	cmd = xasprintf("rm -rf %s", root);
	run(cmd);
	free(cmd);
	rc = tk_test_end();
	return rc;
}
