/* test_model.c: the content model's validation, one case per mistake with
 * the exact message, over copies of tests/fixtures/small. */
#define _DEFAULT_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "diag.h"
#include "figures.h"
#include "harness.h"
#include "model.h"
#include "source.h"
#include "util.h"

static char root[] = "/tmp/tk-model-XXXXXX";

/* Copies the fixture to root/c, applies one change, loads it; returns the
 * messages and the load's result through *rc. */
static char *
load_case(const char *path, const char *content, int *rc, tk_model **mout)
{
	char *dir = xasprintf("%s/c", root), *cmd, *file, *msg = NULL;
	size_t mlen = 0;
	FILE *f, *out = open_memstream(&msg, &mlen);
	tk_diag *d = tk_diag_new(out);
	tk_source_opts so = { 0 };
	tk_source *src = NULL;
	tk_model *m = NULL;

	cmd = xasprintf("rm -rf %s && cp -r tests/fixtures/small %s", dir, dir);
	if (system(cmd) != 0)
		abort();
	if (path) {
		file = xasprintf("%s/%s", dir, path);
		if (content == NULL)
			unlink(file);
		else {
			cmd[0] = '\0';
			free(cmd);
			cmd = xasprintf("mkdir -p $(dirname %s)", file);
			if (system(cmd) != 0 || (f = fopen(file, "w")) == NULL)
				abort();
			fputs(content, f);
			fclose(f);
		}
		free(file);
	}
	so.repo = dir;
	so.content = ".";
	*rc = tk_source_open(&src, &so, d);
	if (*rc == 0)
		*rc = tk_model_load(&m, src, NULL, d);
	if (mout)
		*mout = m;
	else
		tk_model_free(m);
	tk_source_free(src);
	tk_diag_free(d);
	fclose(out);
	free(cmd);
	free(dir);
	return msg;
}

static const struct {
	const char *name, *path, *content, *want;
} cases[] = {
	{ "unknown state", "status/alpha/2021-10.yaml",
	  "region: alpha\nperiod: 2021-10\nroadmap: 2021-06\nstates:\n  htt-a-1-1: valmiis\n",
	  "./status/alpha/2021-10.yaml:5:14: error: unknown state 'valmiis'; use one of: "
	  "ei aloitettu, käynnissä, valmistuu aikataulussa, valmis, viivästynyt, ei koske" },
	{ "unknown subtask", "status/alpha/2021-10.yaml",
	  "region: alpha\nperiod: 2021-10\nroadmap: 2021-06\nstates:\n  htt-z-9-9: valmis\n",
	  "./status/alpha/2021-10.yaml:5:3: error: unknown subtask 'htt-z-9-9' in roadmap "
	  "2021-06; use a subtask id from roadmap/2021-06/" },
	{ "unknown organisation folder", "status/gamma/2021-10.yaml",
	  "region: gamma\nperiod: 2021-10\nroadmap: 2021-06\n",
	  "./status/gamma/2021-10.yaml: error: unknown organisation 'gamma' (the folder "
	  "name); use an id from regions.yaml" },
	{ "period in the wrong file", "status/alpha/2021-11.yaml",
	  "region: alpha\nperiod: 2021-10\nroadmap: 2021-06\n",
	  "./status/alpha/2021-11.yaml:2:9: error: period 2021-10 does not match the file "
	  "name 2021-11.yaml; rename the file or fix the period" },
	{ "record in another region's folder", "status/beta/2021-11.yaml",
	  "region: alpha\nperiod: 2021-11\nroadmap: 2021-06\n",
	  "./status/beta/2021-11.yaml:1:9: error: region 'alpha' does not match the folder "
	  "status/beta/; a record lives in its own organisation's folder" },
	{ "impossible month", "status/alpha/2021-11.yaml",
	  "region: alpha\nperiod: 2021-13\nroadmap: 2021-06\n",
	  "./status/alpha/2021-11.yaml:2:9: error: '2021-13' is not a month; write it as "
	  "YYYY-MM, for example 2021-10" },
	{ "bad record file name", "status/alpha/lokakuu.yaml",
	  "region: alpha\nperiod: 2021-10\nroadmap: 2021-06\n",
	  "./status/alpha/lokakuu.yaml: error: a record's file is named after its month, "
	  "YYYY-MM.yaml, for example 2021-10.yaml" },
	{ "unknown roadmap version", "status/alpha/2021-11.yaml",
	  "region: alpha\nperiod: 2021-11\nroadmap: 2020-01\n",
	  "./status/alpha/2021-11.yaml:3:10: error: unknown roadmap version '2020-01'; use "
	  "a folder name under roadmap/" },
	{ "duplicate id", "roadmap/2021-06/ict.yaml",
	  "group: ict\nentities:\n  - id: ict-a\n    number: A\n    title: X\n    tasks:\n"
	  "      - {id: htt-a-1, number: \"1\", title: Y}\n",
	  "./roadmap/2021-06/ict.yaml:7:14: error: duplicate id 'htt-a-1' (first at "
	  "./roadmap/2021-06/htt.yaml:7:13); ids must be unique within a roadmap version" },
	{ "unknown key", "roadmap/2021-06/ict.yaml",
	  "group: ict\nentities:\n  - id: ict-a\n    number: A\n    titel: X\n    title: X\n",
	  "./roadmap/2021-06/ict.yaml:5:5: error: unknown key 'titel' in an entity; expected "
	  "one of: id, number, title, note, carried, applies_to, tasks" },
	{ "missing title", "roadmap/2021-06/ict.yaml",
	  "group: ict\nentities:\n  - id: ict-a\n    number: A\n",
	  "./roadmap/2021-06/ict.yaml:3:5: error: missing 'title' in an entity; add it" },
	{ "critical not a boolean", "roadmap/2021-06/ict.yaml",
	  "group: ict\nentities:\n  - id: ict-a\n    number: A\n    title: X\n    tasks:\n"
	  "      - id: ict-a-1\n        number: \"1\"\n        title: Y\n        subtasks:\n"
	  "          - {id: ict-a-1-1, number: \"1.1\", title: Z, critical: yes, due: 2022-Q4, phase: 5}\n",
	  "./roadmap/2021-06/ict.yaml:11:64: error: 'critical' must be true or false, not 'yes'" },
	{ "impossible quarter", "roadmap/2021-06/ict.yaml",
	  "group: ict\nentities:\n  - id: ict-a\n    number: A\n    title: X\n    tasks:\n"
	  "      - id: ict-a-1\n        number: \"1\"\n        title: Y\n        subtasks:\n"
	  "          - {id: ict-a-1-1, number: \"1.1\", title: Z, critical: true, due: 2021-Q5, phase: 5}\n",
	  "./roadmap/2021-06/ict.yaml:11:75: error: '2021-Q5' is not a quarter; write it as "
	  "YYYY-QN, for example 2021-Q4" },
	{ "invalid id", "roadmap/2021-06/ict.yaml",
	  "group: ict\nentities:\n  - id: ../etc\n    number: A\n    title: X\n",
	  "./roadmap/2021-06/ict.yaml:3:9: error: '../etc' is not a valid id; use lower-case "
	  "letters a-z, digits and '-' (at most 64)" },
	{ "unknown group file", "roadmap/2021-06/tech.yaml",
	  "group: tech\nentities: []\n",
	  "./roadmap/2021-06/tech.yaml: error: unexpected file in a roadmap version; name "
	  "each file after a group id of groups.yaml (or version.yaml)" },
	{ "wrong type", "roadmap/2021-06/ict.yaml",
	  "group: ict\nentities: kaikki\n",
	  "./roadmap/2021-06/ict.yaml:2:11: error: 'entities' must be a list (lines starting "
	  "with '- '), not a single value" },
	{ "version id not its folder", "roadmap/2021-06/version.yaml",
	  "id: 2021-07\ndate: 2021-06-30\ntitle: T\n",
	  "./roadmap/2021-06/version.yaml:1:5: error: version id '2021-07' does not match its "
	  "folder roadmap/2021-06/; make them the same" },
	{ "impossible date", "roadmap/2021-06/version.yaml",
	  "id: 2021-06\ndate: 2021-02-30\ntitle: T\n",
	  "./roadmap/2021-06/version.yaml:2:7: error: '2021-02-30' is not a date; write it "
	  "as YYYY-MM-DD, for example 2021-06-30" },
	{ "map tile taken", "regions.yaml",
	  "regions:\n  - {id: alpha, name: A, map: {col: 0, row: 0}}\n"
	  "  - {id: beta, name: B, map: {col: 0, row: 0}}\n",
	  "./regions.yaml:3:30: error: map tile col 0, row 0 is already taken by 'alpha'; "
	  "choose a free tile" },
	{ "duplicate organisation", "regions.yaml",
	  "regions:\n  - {id: alpha, name: A}\n  - {id: beta, name: B}\n  - {id: alpha, name: C}\n",
	  "./regions.yaml:4:10: error: duplicate organisation id 'alpha' (first at line 2)" },
	{ "unknown applies_to", "roadmap/2021-06/ict.yaml",
	  "group: ict\nentities:\n  - {id: ict-a, number: A, title: X, applies_to: [omega]}\n",
	  "./roadmap/2021-06/ict.yaml:3:51: error: unknown organisation 'omega' in "
	  "'applies_to'; use an id from regions.yaml" },
	{ "unknown theme", "status/alpha/2021-11.yaml",
	  "region: alpha\nperiod: 2021-11\nroadmap: 2021-06\nrisks:\n"
	  "  - {group: ict, theme: sää, text: Sataa}\n",
	  "./status/alpha/2021-11.yaml:5:25: error: unknown theme 'sää'; use one of: talous, "
	  "ict, henkilöstö, aikataulu, johtaminen, yhteistyö, lainsäädäntö, palvelut, tilat, "
	  "viestintä, muu" },
	{ "red flag since later", "status/alpha/2021-11.yaml",
	  "region: alpha\nperiod: 2021-11\nroadmap: 2021-06\nred_flag: {reason: R, since: 2022-01}\n",
	  "./status/alpha/2021-11.yaml:4:30: error: red flag since 2022-01 is later than the "
	  "record's period" },
	{ "page without front matter", "pages/ohje.md", "# Ohje\n",
	  "./pages/ohje.md:1:1: error: a page starts with front matter between '---' lines, "
	  "with at least a title; add it" },
	{ "translation without its page", "pages/ohje.sv.md", "# Hjälp\n",
	  "./pages/ohje.sv.md: error: a translation of pages/ohje.md, which does not exist; "
	  "add the page (its front matter holds the title in every language) or rename this file" },
	{ "translation in a language the site lacks", "pages/tietoa.en.md", "# About\n",
	  "./pages/tietoa.en.md: error: 'en' is not one of site.yaml's languages, so this text "
	  "would never be shown; add the language or remove the file" },
	{ "Finnish translation", "pages/tietoa.fi.md", "# Tietoa\n",
	  "./pages/tietoa.fi.md: error: the Finnish text is pages/tietoa.md itself; move this "
	  "text there" },
	{ "translation with front matter", "pages/tietoa.sv.md", "---\ntitle: Om\n---\nText\n",
	  "./pages/tietoa.sv.md:1:1: error: a translation has no front matter: its title goes in "
	  "pages/tietoa.md's title (sv: ...); remove the '---' lines" },
	{ "page name with a language of three letters", "pages/tietoa.swe.md", "# Om\n",
	  "./pages/tietoa.swe.md: error: a page's file name is its address: use lower-case "
	  "letters, digits and '-', like pages/tietoa.md (and pages/tietoa.sv.md for its "
	  "Swedish text)" },
	{ "stray YAML file", "status.yaml", "a: 1\n",
	  "./status.yaml: error: unexpected YAML file; content lives in site.yaml, groups.yaml, "
	  "regions.yaml, roadmap/<version>/ and status/<organisation>/ (all .yaml)" },
	{ "missing site.yaml", "site.yaml", NULL,
	  ".: error: no site.yaml in the content; add one (see docs/content-format.md)" },
	{ "bad band edges", "site.yaml",
	  "title: T\nlanguages: [fi, de]\nbands: [50, 25, 75]\n",
	  "./site.yaml:2:17: error: unknown language 'de'; use fi, sv or en" },
	{ "YAML syntax in a record", "status/alpha/2021-11.yaml",
	  "region: alpha\nperiod: 2021-11\n roadmap: 2021-06\n",
	  "./status/alpha/2021-11.yaml:3:9: error: YAML syntax: mapping values are not "
	  "allowed in this context; check the indentation and quoting" },
	{ "entity not for this organisation", "roadmap/2021-06/ict.yaml",
	  "group: ict\nentities:\n  - id: ict-a\n    number: A\n    title: X\n    applies_to: [beta]\n"
	  "    tasks:\n      - id: ict-a-1\n        number: \"1\"\n        title: Y\n        subtasks:\n"
	  "          - {id: ict-a-1-1, number: \"1.1\", title: Z, critical: true, due: 2022-Q4, phase: 5}\n",
	  "./status/alpha/2021-10.yaml:7:3: error: subtask 'ict-a-1-1' belongs to entity "
	  "'ict-a', which does not apply to alpha; remove the line" },
};

/* pages/<slug>.<lang>.md is the page's body in that language. */
static void
test_page_text(void)
{
	tk_model *m = NULL;
	const tk_page *pg;
	int rc;
	char *msg = load_case("pages/tietoa.sv.md", "\xef\xbb\xbf# Om tjänsten\n", &rc, &m);

	tk_check("a Swedish text loads", rc == 0, msg);
	pg = m && tk_model_npages(m) == 1 ? tk_model_page(m, 0) : NULL;
	tk_check("it belongs to its page, once", pg && pg->ntexts == 1, NULL);
	if (pg && pg->ntexts == 1) {
		tk_check_str("its language", pg->texts[0].lang, "sv");
		tk_check_str("its body, without the BOM", pg->texts[0].body, "# Om tjänsten\n");
		tk_check_str("its file", pg->texts[0].path, "./pages/tietoa.sv.md");
	}
	tk_model_free(m);
	free(msg);
}

static void
test_fixture_loads(void)
{
	tk_model *m = NULL;
	const tk_record *r;
	const tk_version *v;
	int rc;
	char *msg = load_case(NULL, NULL, &rc, &m);

	tk_check("fixture is valid", rc == 0, msg);
	tk_check("fixture: 2 groups, 2 regions, 1 version, 3 records, 1 page",
	    m && tk_model_ngroups(m) == 2 && tk_model_nregions(m) == 2 &&
	    tk_model_nversions(m) == 1 && tk_model_nrecords(m) == 3 && tk_model_npages(m) == 1,
	    NULL);
	if (m == NULL)
		goto out;
	v = tk_model_version(m, 0);
	tk_check("version: 2 entities in group order, 4 subtasks",
	    v->nentities == 2 && strcmp(v->entities[0]->id, "htt-a") == 0 &&
	    strcmp(v->entities[1]->id, "ict-a") == 0 && v->nsubtasks == 4, NULL);
	tk_check("subtask fields", v->entities[0]->tasks[0].subtasks[0].critical &&
	    v->entities[0]->tasks[0].subtasks[0].start_first &&
	    v->entities[0]->tasks[0].subtasks[0].due == TK_QUARTER(2021, 3) &&
	    v->entities[0]->tasks[0].subtasks[2].phase == 4 &&
	    !v->entities[0]->tasks[0].subtasks[2].critical, NULL);
	r = tk_model_record(m, 0);
	tk_check("record: alpha 2021-10 with 3 reports in roadmap order",
	    strcmp(r->region->id, "alpha") == 0 && r->period == TK_PERIOD(2021, 10) &&
	    r->nreports == 3 && r->reports[0].state == TK_STATE_DONE &&
	    r->reports[1].state == TK_STATE_UNDER_WAY &&
	    strcmp(r->reports[1].note, "Työ **etenee**.") == 0 &&
	    r->reports[2].state == TK_STATE_NOT_STARTED, NULL);
	tk_check("record: red flag with reason and since", r->red_flag &&
	    strcmp(r->red_flag_reason, "ICT-rahoitus puuttuu") == 0 &&
	    r->red_flag_since == TK_PERIOD(2021, 9) && r->nrisks == 1 &&
	    strcmp(r->risks[0].group->id, "ict") == 0, NULL);
	tk_check("record: ei koske", tk_model_record(m, 2)->reports[0].state == TK_STATE_NA,
	    NULL);
	tk_check_str("page body after front matter", tk_model_page(m, 0)->body,
	    "# Tietoa\n\nTämä on testisivu.\n");
	tk_check("page body line", tk_model_page(m, 0)->body_line == 6, NULL);
	tk_check_str("Swedish title", tk_model_site(m)->title.sv, "Liten lägesbild");
out:
	tk_model_free(m);
	free(msg);
}

/* States in any order are kept in roadmap order, which the figures walk
 * along: alpha's October written backwards reads as written forwards. */
static void
test_state_order(void)
{
	tk_model *m = NULL;
	const tk_record *r;
	int rc;
	char *msg = load_case("status/alpha/2021-10.yaml", "region: alpha\nperiod: 2021-10\n"
	    "roadmap: 2021-06\nstates:\n  ict-a-1-1: ei aloitettu\n"
	    "  htt-a-1-2: {state: käynnissä, note: \"x\"}\n  htt-a-1-1: valmis\n", &rc, &m);

	r = m ? tk_model_record(m, 0) : NULL;
	tk_check("states written backwards: in roadmap order", rc == 0 && r &&
	    r->nreports == 3 && strcmp(r->reports[0].subtask->id, "htt-a-1-1") == 0 &&
	    r->reports[0].state == TK_STATE_DONE &&
	    strcmp(r->reports[1].subtask->id, "htt-a-1-2") == 0 &&
	    strcmp(r->reports[2].subtask->id, "ict-a-1-1") == 0, msg);
	tk_model_free(m);
	free(msg);
}

/* Records read one after another in another layout: beta's first state
 * is not the subtask alpha's records have first (the loader tries the
 * last record's layout first, and must not take it on trust). */
static void
test_layouts(void)
{
	tk_model *m = NULL;
	const tk_record *r = NULL;
	size_t i;
	int rc;
	char *msg = load_case("status/beta/2021-10.yaml", "region: beta\nperiod: 2021-10\n"
	    "roadmap: 2021-06\nstates:\n  htt-a-1-2: valmis\n  ict-a-1-1: viivästynyt\n",
	    &rc, &m);

	for (i = 0; m && i < tk_model_nrecords(m); i++)
		if (strcmp(tk_model_record(m, i)->region->id, "beta") == 0)
			r = tk_model_record(m, i);
	tk_check("another layout after alpha's: each state its own subtask's", rc == 0 && r &&
	    tk_model_nrecords(m) == 3 && r == tk_model_record(m, 2) && r->nreports == 2 &&
	    strcmp(r->reports[0].subtask->id, "htt-a-1-2") == 0 &&
	    r->reports[0].state == TK_STATE_DONE &&
	    strcmp(r->reports[1].subtask->id, "ict-a-1-1") == 0 &&
	    r->reports[1].state == TK_STATE_LATE, msg);
	tk_model_free(m);
	free(msg);
}

/* A record read outside the model (an earlier version of a file): judged
 * against the model's roadmap like one of its own, but not added to it. */
static void
test_record_from(void)
{
	tk_model *m = NULL;
	tk_arena *a = tk_arena_new();
	const tk_record *r, *mine;
	tk_counts all, groups[3];
	int rc;
	char *msg = load_case(NULL, NULL, &rc, &m);
	static const char ok[] = "region: alpha\nperiod: 2021-11\nroadmap: 2021-06\n"
	    "states:\n  htt-a-1-2: valmis\n  htt-a-1-1: {state: käynnissä, note: Kohta.}\n";
	static const char bad_state[] = "region: alpha\nperiod: 2021-11\nroadmap: 2021-06\n"
	    "states:\n  htt-a-1-2: kesken\n";
	static const char bad_yaml[] = "region: [alpha\n";

	if (m == NULL) {
		tk_check("record_from: the fixture loads", 0, msg);
		goto out;
	}
	mine = tk_model_record(m, 0);
	r = tk_model_record_from(m, a, mine->region, TK_PERIOD(2021, 11), "vanha.yaml",
	    "0123456789012345678901234567890123456789", ok, sizeof(ok) - 1);
	tk_check("record_from: loads", r != NULL, NULL);
	tk_check("record_from: the model keeps its 3 records", tk_model_nrecords(m) == 3, NULL);
	if (r) {
		tk_check("record_from: 2 reports, sorted in roadmap order", r->nreports == 2 &&
		    strcmp(r->reports[0].subtask->id, "htt-a-1-1") == 0 &&
		    r->reports[0].state == TK_STATE_UNDER_WAY, NULL);
		tk_check_str("record_from: the note", r->reports[0].note, "Kohta.");
		tk_check_str("record_from: its blob id", r->oid,
		    "0123456789012345678901234567890123456789");
		/* Worked out by hand: HTT 1.1 under way and 1.2 done, both due by
		 * Q4/2021, both progressing. */
		tk_fig_count_all(m, r, &all, groups, NULL);
		tk_check("record_from: counted, 2 of 2 due progressing",
		    all.due == 2 && all.due_progressing == 2, NULL);
	}
	tk_check("record_from: an unknown state is no record", tk_model_record_from(m, a,
	    mine->region, TK_PERIOD(2021, 11), "x.yaml", "", bad_state, sizeof(bad_state) - 1) ==
	    NULL, NULL);
	tk_check("record_from: nor another month's", tk_model_record_from(m, a, mine->region,
	    TK_PERIOD(2021, 10), "x.yaml", "", ok, sizeof(ok) - 1) == NULL, NULL);
	tk_check("record_from: nor a file that does not parse", tk_model_record_from(m, a,
	    mine->region, TK_PERIOD(2021, 11), "x.yaml", "", bad_yaml, sizeof(bad_yaml) - 1) ==
	    NULL, NULL);
	tk_check("record_from: still 3 records", tk_model_nrecords(m) == 3, NULL);
out:
	tk_arena_free(a);
	tk_model_free(m);
	free(msg);
}

int
main(void)
{
	size_t i;
	int rc;
	char *cmd;

	if (mkdtemp(root) == NULL)
		return 3;
	test_fixture_loads();
	test_state_order();
	test_layouts();
	test_page_text();
	test_record_from();
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *msg = load_case(cases[i].path, cases[i].content, &rc, NULL);

		tk_check(cases[i].name, rc < 0, "expected the load to fail");
		tk_check_has(cases[i].name, msg, cases[i].want);
		free(msg);
	}
	cmd = xasprintf("rm -rf %s", root);
	if (system(cmd) != 0)
		tk_check("cleanup", 0, NULL);
	free(cmd);
	return tk_test_end();
}
