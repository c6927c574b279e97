/* model.c: reads the content tree into the model and validates it. Every
 * problem is reported with its position and loading goes on, so one check
 * lists all the mistakes in a pull request. */
#define _DEFAULT_SOURCE
#include "model.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "parseahead.h"
#include "util.h"
#include "yaml.h"

struct tk_parse_cache {
	tk_strmap *docs;        /* blob id -> tk_ydoc, when keep */
	char **keys;
	size_t n, cap;
	int keep;
	tk_parsestore *store;   /* or NULL */
};

typedef struct {
	char *id;               /* key into the strmap below, arena-owned */
	tk_version *v;
	tk_strmap *subtasks;    /* id -> tk_subtask */
	/* The subtasks of the last record read, in its order: records follow
	 * one layout (tiekartta new-status writes it), so the subtask at the
	 * same place is tried before the strmap. */
	const tk_subtask **last;
	size_t nlast;
	tk_strmap *ids;         /* every id of the version -> tk_pos */
	int broken;             /* a group file could not be read: ids may be missing */
} version_index;

struct tk_model {
	tk_arena *arena;
	tk_parse_cache *cache, *own_cache;
	tk_ydoc *scratch;       /* the file being read, when nothing is cached */
	/* Files parsed ahead in a second process, and each file's place in the
	 * order given to it (SIZE_MAX: not given). */
	tk_parseahead *ahead;
	size_t *ahead_at;
	size_t parsed_ahead;
	tk_site site;
	tk_group **groups;
	size_t ngroups;
	tk_strmap *group_ids;
	tk_region **regions;
	size_t nregions;
	tk_strmap *region_ids;
	version_index *versions;
	size_t nversions;
	tk_record **records;
	size_t nrecords, caprecords;
	tk_page **pages;
	size_t npages, cappages;
	const char *commit;
	long long commit_time;
	/* A file that could not be read at all: what refers to it is not
	 * reported as unknown, so one mistake does not bury the others. */
	int groups_broken, regions_broken;
};

/* One file being read: where messages point, and where they go. */
typedef struct {
	tk_model *m;
	tk_diag *d;
	const char *path;
	int errors;
	int failed;             /* the last WITH_FILE could not parse its file */
	/* Where what is read is kept: the model's arena, or a caller's for a
	 * record read outside the model (tk_model_record_from). */
	tk_arena *arena;
	/* Set for such a record: load_record leaves it here, not in m. */
	int detached;
	tk_record *got;
} ctx;

static const char *const state_names[TK_STATE_COUNT] = {
	"ei aloitettu", "käynnissä", "valmistuu aikataulussa", "valmis",
	"viivästynyt", "ei koske",
};
static const size_t state_lens[TK_STATE_COUNT] = {
	sizeof("ei aloitettu") - 1, sizeof("käynnissä") - 1,
	sizeof("valmistuu aikataulussa") - 1, sizeof("valmis") - 1,
	sizeof("viivästynyt") - 1, sizeof("ei koske") - 1,
};

static const char *const themes[] = {
	"talous", "ict", "henkilöstö", "aikataulu", "johtaminen", "yhteistyö",
	"lainsäädäntö", "palvelut", "tilat", "viestintä", "muu", NULL
};

const char *
tk_state_name(tk_state s)
{
	return s >= 0 && s < TK_STATE_COUNT ? state_names[s] : "ei tietoa";
}

/* ---- the parse cache ---- */

tk_parse_cache *
tk_parse_cache_new(int keep, tk_parsestore *store)
{
	tk_parse_cache *c = xcalloc(1, sizeof(*c));

	c->docs = tk_strmap_new();
	c->keep = keep;
	c->store = store;
	return c;
}

int
tk_parse_cache_has(void *cache, const char *oid)
{
	const tk_parse_cache *c = cache;

	return tk_strmap_get(c->docs, oid) != NULL ||
	    (c->store && tk_parsestore_has(c->store, oid));
}

void
tk_parse_cache_free(tk_parse_cache *c)
{
	size_t i;

	if (c == NULL)
		return;
	/* The map borrows the keys: free every document before any key. */
	for (i = 0; i < c->n; i++)
		tk_yaml_free(tk_strmap_get(c->docs, c->keys[i]));
	for (i = 0; i < c->n; i++)
		free(c->keys[i]);
	free(c->keys);
	tk_strmap_free(c->docs);
	free(c);
}

/* Parses a file once per blob id; failures are not cached, so they are
 * reported again by the next load. A tree from the store (kept from the
 * last build) is parsed again only to verify it. */
static const tk_ynode *
parse_cached(tk_model *m, tk_source *src, size_t i, tk_diag *d, int *failed)
{
	const tk_source_file *f = tk_source_file_at(src, i);
	tk_parse_cache *c = m->cache;
	tk_ydoc *doc = NULL, *parsed = NULL;
	const char *buf;
	const void *saved = NULL;
	size_t len, nsaved = 0;

	*failed = 1;
	/* The file before is done with: its tree goes before the next is made,
	 * so the next can take its place in memory. */
	if (!c->keep) {
		tk_yaml_free(m->scratch);
		m->scratch = NULL;
	}
	if (m->ahead && m->ahead_at[i] != SIZE_MAX)
		parsed = tk_parseahead_take(m->ahead, m->ahead_at[i], &saved, &nsaved);
	/* A file on disk has its id once read: the hash of its bytes. */
	if (f->oid[0] == '\0' && tk_source_read(src, i, &buf, &len, d) < 0) {
		tk_yaml_free(parsed);
		return NULL;
	}
	if (c->keep && (doc = tk_strmap_get(c->docs, f->oid)) != NULL) {
		tk_yaml_free(parsed);   /* the same blob at another path, parsed before */
		*failed = 0;
		return tk_yaml_root(doc);
	}
	if (c->store)
		doc = tk_parsestore_get(c->store, f->oid, f->shown);
	if (doc && !tk_parsestore_verifying(c->store)) {
		tk_yaml_free(parsed);
		parsed = NULL;
	}
	if (doc == NULL || (c->store && tk_parsestore_verifying(c->store))) {
		if (parsed == NULL && (tk_source_read(src, i, &buf, &len, d) < 0 ||
		    tk_yaml_load(&parsed, f->shown, buf, len, NULL, d) < 0)) {
			tk_yaml_free(doc);
			return NULL;
		}
		if (doc && !tk_parsestore_agrees(c->store, doc, parsed)) {
			tk_diag_error(d, f->shown, 0, 0, "its tree kept from the last build "
			    "differs from parsing it (TK_PAGECACHE=verify); remove %s and "
			    "report this", tk_parsestore_file(c->store));
			tk_yaml_free(doc);
			tk_yaml_free(parsed);
			return NULL;
		}
		if (doc == NULL && c->store && saved)
			tk_parsestore_put_saved(c->store, f->oid, saved, nsaved);
		else if (doc == NULL && c->store)
			tk_parsestore_put(c->store, f->oid, parsed);
		tk_yaml_free(doc);
		doc = parsed;
	}
	if (!c->keep) {
		/* Nothing shares the trees: keep one file's at a time, since the
		 * model copies what it needs (memory stays that of the model). */
		m->scratch = doc;
	} else {
		if (c->n == c->cap) {
			c->cap = c->cap ? c->cap * 2 : 64;
			c->keys = xrealloc(c->keys, c->cap * sizeof(*c->keys));
		}
		c->keys[c->n] = xstrdup(f->oid);
		tk_strmap_put(c->docs, c->keys[c->n++], doc);
	}
	*failed = 0;
	return tk_yaml_root(doc);
}

/* ---- typed reading with messages ---- */

static void
err(ctx *c, const tk_ynode *n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void
err(ctx *c, const tk_ynode *n, const char *fmt, ...)
{
	tk_buf b = TK_BUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	tk_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	tk_diag_error(c->d, c->path, n ? n->line : 0, n ? n->col : 0, "%s", b.data);
	tk_buf_free(&b);
	c->errors++;
}

static tk_pos
pos(ctx *c, const tk_ynode *n)
{
	tk_pos p = { c->path, n ? n->line : 0, n ? n->col : 0 };

	return p;
}

static const char *
kind_name(const tk_ynode *n)
{
	if (n == NULL)
		return "nothing";
	switch (n->kind) {
	case TK_YAML_MAP: return "a map";
	case TK_YAML_SEQ: return "a list";
	default: return tk_yaml_is_null(n) ? "empty" : "a single value";
	}
}

static int
want(ctx *c, const tk_ynode *n, tk_yaml_kind kind, const char *what)
{
	if (n && n->kind == kind)
		return 0;
	if (n == NULL) {        /* only a file's root is ever missing */
		tk_diag_error(c->d, c->path, 1, 1, "the file is empty; %s must be %s", what,
		    kind == TK_YAML_MAP ? "a map (key: value lines)" :
		    kind == TK_YAML_SEQ ? "a list (lines starting with '- ')" : "a single value");
		c->errors++;
		return -1;
	}
	err(c, n, "%s must be %s, not %s", what,
	    kind == TK_YAML_MAP ? "a map (key: value lines)" :
	    kind == TK_YAML_SEQ ? "a list (lines starting with '- ')" : "a single value",
	    kind_name(n));
	return -1;
}

/* Reports keys outside allowed (a NULL-terminated list). */
static void
check_keys(ctx *c, const tk_ynode *map, const char *what, const char *const *allowed)
{
	size_t i, k;
	tk_buf list = TK_BUF_INIT;

	for (i = 0; i + 1 < map->n; i += 2) {
		for (k = 0; allowed[k]; k++)
			if (strcmp(map->kids[i]->str, allowed[k]) == 0)
				break;
		if (allowed[k])
			continue;
		if (list.len == 0)
			for (k = 0; allowed[k]; k++)
				tk_buf_printf(&list, "%s%s", k ? ", " : "", allowed[k]);
		err(c, map->kids[i], "unknown key '%s' in %s; expected one of: %s",
		    map->kids[i]->str, what, list.data);
	}
	tk_buf_free(&list);
}

static const tk_ynode *
req(ctx *c, const tk_ynode *map, const char *key, const char *what)
{
	const tk_ynode *v = tk_yaml_get(map, key);

	if (v == NULL || tk_yaml_is_null(v)) {
		err(c, v ? v : map, "missing '%s' in %s; add it", key, what);
		return NULL;
	}
	return v;
}

/* A text's bytes in the tree (the tree goes when the next file is read:
 * for a text only compared), or NULL with a message when n is no text. */
static const char *
scalar(ctx *c, const tk_ynode *n, const char *key)
{
	if (n == NULL)
		return NULL;
	if (n->kind != TK_YAML_SCALAR) {
		err(c, n, "'%s' must be text, not %s", key, kind_name(n));
		return NULL;
	}
	return n->str;
}

/* A text the model keeps: copied into its arena. */
static const char *
str(ctx *c, const tk_ynode *n, const char *key)
{
	return scalar(c, n, key) ? tk_arena_strndup(c->arena, n->str, n->len) : NULL;
}

static const char *
opt_str(ctx *c, const tk_ynode *map, const char *key)
{
	const tk_ynode *n = tk_yaml_get(map, key);

	return n && !tk_yaml_is_null(n) ? str(c, n, key) : NULL;
}

static int
boolean(ctx *c, const tk_ynode *n, const char *key, int *out)
{
	*out = 0;
	if (n == NULL || tk_yaml_is_null(n))
		return 0;
	if (n->kind == TK_YAML_SCALAR && !n->quoted) {
		if (strcmp(n->str, "true") == 0)
			return *out = 1, 0;
		if (strcmp(n->str, "false") == 0)
			return 0;
	}
	err(c, n, "'%s' must be true or false, not '%s'", key,
	    n->kind == TK_YAML_SCALAR ? n->str : kind_name(n));
	return -1;
}

static int
integer(ctx *c, const tk_ynode *n, const char *key, long lo, long hi, long *out)
{
	char *end;
	long v;

	if (n == NULL)          /* missing: req() has said so */
		return -1;
	if (n->kind == TK_YAML_SCALAR && !n->quoted && n->len > 0 && n->len < 19) {
		v = strtol(n->str, &end, 10);
		if (*end == '\0' && v >= lo && v <= hi) {
			*out = v;
			return 0;
		}
	}
	err(c, n, "'%s' must be a whole number from %ld to %ld, not '%s'", key, lo, hi,
	    n && n->kind == TK_YAML_SCALAR ? n->str : kind_name(n));
	return -1;
}

static int
valid_id(const char *s)
{
	size_t i, n = strlen(s);

	if (n == 0 || n > 64 || s[0] == '-')
		return 0;
	for (i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '-'))
			return 0;
	return 1;
}

/* A page file's name without ".md": "<slug>" (*lang NULL) or
 * "<slug>.<lang>" with lang two lower-case letters, cut off in name. */
static int
page_name(char *name, const char **lang)
{
	char *dot = strchr(name, '.');

	*lang = NULL;
	if (dot) {
		if (strlen(dot + 1) != 2 || dot[1] < 'a' || dot[1] > 'z' || dot[2] < 'a' ||
		    dot[2] > 'z')
			return 0;
		*dot = '\0';
		*lang = dot + 1;
	}
	return valid_id(name);
}

static const char *
id(ctx *c, const tk_ynode *n, const char *key)
{
	const char *s = str(c, n, key);

	if (s && !valid_id(s)) {
		err(c, n, "'%s' is not a valid id; use lower-case letters a-z, digits "
		    "and '-' (at most 64)", s);
		return NULL;
	}
	return s;
}

static int
text(ctx *c, const tk_ynode *n, const char *key, tk_text *out)
{
	static const char *const langs[] = { "fi", "sv", "en", NULL };
	char what[64];

	memset(out, 0, sizeof(*out));
	if (n == NULL)
		return -1;
	if (n->kind == TK_YAML_SCALAR) {
		out->fi = str(c, n, key);
		return out->fi ? 0 : -1;
	}
	if (n->kind != TK_YAML_MAP) {
		err(c, n, "'%s' must be text or a map of languages (fi, sv, en), not %s",
		    key, kind_name(n));
		return -1;
	}
	snprintf(what, sizeof(what), "'%s'", key);
	check_keys(c, n, what, langs);
	out->fi = str(c, req(c, n, "fi", what), "fi");
	out->sv = opt_str(c, n, "sv");
	out->en = opt_str(c, n, "en");
	return out->fi ? 0 : -1;
}

static int
digits(const char *s, int n)
{
	int i, v = 0;

	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

static int
days_in_month(int y, int m)
{
	static const int dm[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return dm[m - 1];
}

/* Parses YYYY-MM into a period; returns -1 when it is not one. */
static int
parse_period(const char *s)
{
	int y, m;

	if (strlen(s) != 7 || s[4] != '-')
		return -1;
	y = digits(s, 4);
	m = digits(s + 5, 2);
	if (y < 2000 || y > 2100 || m < 1 || m > 12)
		return -1;
	return TK_PERIOD(y, m);
}

static int
period(ctx *c, const tk_ynode *n, const char *key, int *out)
{
	const char *s = str(c, n, key);

	if (s == NULL)
		return -1;
	if ((*out = parse_period(s)) < 0) {
		err(c, n, "'%s' is not a month; write it as YYYY-MM, for example 2021-10", s);
		return -1;
	}
	return 0;
}

static int
date(ctx *c, const tk_ynode *n, const char *key, tk_date *out)
{
	const char *s = str(c, n, key);

	memset(out, 0, sizeof(*out));
	if (s == NULL)
		return -1;
	if (strlen(s) == 10 && s[4] == '-' && s[7] == '-') {
		out->y = digits(s, 4);
		out->m = digits(s + 5, 2);
		out->d = digits(s + 8, 2);
		if (out->y >= 2000 && out->y <= 2100 && out->m >= 1 && out->m <= 12 &&
		    out->d >= 1 && out->d <= days_in_month(out->y, out->m))
			return 0;
	}
	memset(out, 0, sizeof(*out));
	err(c, n, "'%s' is not a date; write it as YYYY-MM-DD, for example 2021-06-30", s);
	return -1;
}

static int
quarter(ctx *c, const tk_ynode *n, const char *key, int *out)
{
	const char *s = str(c, n, key);
	int y, q;

	if (s == NULL)
		return -1;
	if (strlen(s) == 7 && s[4] == '-' && s[5] == 'Q') {
		y = digits(s, 4);
		q = digits(s + 6, 1);
		if (y >= 2000 && y <= 2100 && q >= 1 && q <= 4) {
			*out = TK_QUARTER(y, q);
			return 0;
		}
	}
	err(c, n, "'%s' is not a quarter; write it as YYYY-QN, for example 2021-Q4", s);
	return -1;
}

/* A list of strings, into the arena. */
static const char **
str_list(ctx *c, const tk_ynode *n, const char *key, size_t *count)
{
	const char **v;
	size_t i;

	*count = 0;
	if (n == NULL || tk_yaml_is_null(n))
		return NULL;
	if (want(c, n, TK_YAML_SEQ, key) < 0)
		return NULL;
	v = tk_arena_alloc(c->m->arena, (n->n + 1) * sizeof(*v));
	for (i = 0; i < n->n; i++)
		if ((v[*count] = str(c, n->kids[i], key)) != NULL)
			(*count)++;
	return v;
}

/* ---- site.yaml, groups.yaml, regions.yaml ---- */

/* An optional http(s) address: it becomes a link, so no other scheme
 * (javascript:, data:) may pass. */
static const char *
web_address(ctx *c, const tk_ynode *map, const char *key)
{
	const char *s = opt_str(c, map, key);

	if (s && strncasecmp(s, "https://", 8) != 0 && strncasecmp(s, "http://", 7) != 0) {
		err(c, tk_yaml_get(map, key), "'%s' must be a web address starting with "
		    "https:// or http://, not '%s'", key, s);
		return NULL;
	}
	return s;
}

static void
load_site(ctx *c, const tk_ynode *root)
{
	static const char *const keys[] = { "title", "languages", "target_date",
		"deadline_day", "example_data", "maintainers", "forge", "phases", "bands",
		"base_url", "accessibility", NULL };
	static const char *const akeys[] = { "feedback", "conformance", "prepared",
		"reviewed", "issues", NULL };
	static const char *const fkeys[] = { "commit_url", "file_url", NULL };
	static const char *const pkeys[] = { "number", "title", "start", NULL };
	tk_site *s = &c->m->site;
	const tk_ynode *n;
	long v;
	size_t i;

	s->bands[0] = 25, s->bands[1] = 50, s->bands[2] = 75;
	s->deadline_day = 5;
	if (want(c, root, TK_YAML_MAP, "site.yaml") < 0)
		return;
	check_keys(c, root, "site.yaml", keys);
	text(c, req(c, root, "title", "site.yaml"), "title", &s->title);
	s->languages = str_list(c, req(c, root, "languages", "site.yaml"), "languages",
	    &s->nlanguages);
	for (i = 0; i < s->nlanguages; i++)
		if (strcmp(s->languages[i], "fi") && strcmp(s->languages[i], "sv") &&
		    strcmp(s->languages[i], "en"))
			err(c, tk_yaml_get(root, "languages")->kids[i],
			    "unknown language '%s'; use fi, sv or en", s->languages[i]);
	if ((n = tk_yaml_get(root, "target_date")) != NULL)
		date(c, n, "target_date", &s->target_date);
	if ((n = tk_yaml_get(root, "deadline_day")) != NULL &&
	    integer(c, n, "deadline_day", 1, 28, &v) == 0)
		s->deadline_day = (int)v;
	boolean(c, tk_yaml_get(root, "example_data"), "example_data", &s->example_data);
	if ((s->base_url = opt_str(c, root, "base_url")) != NULL &&
	    ((strncmp(s->base_url, "https://", 8) != 0 && strncmp(s->base_url, "http://", 7) != 0) ||
	    s->base_url[strlen(s->base_url) - 1] != '/' || strpbrk(s->base_url, "\"<> ") != NULL))
		err(c, tk_yaml_get(root, "base_url"), "'base_url' must be an address that starts "
		    "with https:// or http:// and ends with '/', like https://tilannekuva.example.fi/");
	s->maintainers = str_list(c, tk_yaml_get(root, "maintainers"), "maintainers",
	    &s->nmaintainers);
	if ((n = tk_yaml_get(root, "forge")) != NULL && !tk_yaml_is_null(n) &&
	    want(c, n, TK_YAML_MAP, "'forge'") == 0) {
		check_keys(c, n, "'forge'", fkeys);
		s->commit_url = web_address(c, n, "commit_url");
		s->file_url = web_address(c, n, "file_url");
	}
	if ((n = tk_yaml_get(root, "phases")) != NULL && want(c, n, TK_YAML_SEQ, "'phases'") == 0) {
		s->phases = tk_arena_alloc(c->m->arena, (n->n + 1) * sizeof(*s->phases));
		for (i = 0; i < n->n; i++) {
			const tk_ynode *p = n->kids[i];
			tk_phase *ph = &s->phases[s->nphases];

			if (want(c, p, TK_YAML_MAP, "a phase") < 0)
				continue;
			check_keys(c, p, "a phase", pkeys);
			if (integer(c, req(c, p, "number", "a phase"), "number", 1, 9, &v) == 0)
				ph->number = (int)v;
			text(c, req(c, p, "title", "a phase"), "title", &ph->title);
			if (tk_yaml_get(p, "start"))
				date(c, tk_yaml_get(p, "start"), "start", &ph->start);
			s->nphases++;
		}
	}
	if ((n = tk_yaml_get(root, "accessibility")) != NULL && !tk_yaml_is_null(n) &&
	    want(c, n, TK_YAML_MAP, "'accessibility'") == 0) {
		const tk_ynode *a;

		check_keys(c, n, "'accessibility'", akeys);
		s->accessibility.feedback = str(c, req(c, n, "feedback", "'accessibility'"),
		    "feedback");
		if (s->accessibility.feedback && strchr(s->accessibility.feedback, '@') == NULL)
			err(c, tk_yaml_get(n, "feedback"), "'feedback' must be an e-mail address");
		s->accessibility.conformance = opt_str(c, n, "conformance");
		if (s->accessibility.conformance &&
		    strcmp(s->accessibility.conformance, "full") != 0 &&
		    strcmp(s->accessibility.conformance, "partial") != 0 &&
		    strcmp(s->accessibility.conformance, "none") != 0)
			err(c, tk_yaml_get(n, "conformance"), "'conformance' must be full, partial "
			    "or none");
		date(c, req(c, n, "prepared", "'accessibility'"), "prepared",
		    &s->accessibility.prepared);
		if ((a = tk_yaml_get(n, "reviewed")) != NULL)
			date(c, a, "reviewed", &s->accessibility.reviewed);
		if ((a = tk_yaml_get(n, "issues")) != NULL && !tk_yaml_is_null(a) &&
		    want(c, a, TK_YAML_SEQ, "'issues'") == 0) {
			s->accessibility.issues = tk_arena_alloc(c->m->arena,
			    (a->n + 1) * sizeof(*s->accessibility.issues));
			for (i = 0; i < a->n; i++)
				if (text(c, a->kids[i], "issues",
				    &s->accessibility.issues[s->accessibility.nissues]) == 0)
					s->accessibility.nissues++;
		}
	}
	if ((n = tk_yaml_get(root, "bands")) != NULL && want(c, n, TK_YAML_SEQ, "'bands'") == 0) {
		if (n->n != 3)
			err(c, n, "'bands' must list three edges in percent, like [25, 50, 75]");
		else
			for (i = 0; i < 3; i++)
				if (integer(c, n->kids[i], "bands", 1, 99, &v) == 0)
					s->bands[i] = (int)v;
		if (s->bands[0] >= s->bands[1] || s->bands[1] >= s->bands[2])
			err(c, n, "'bands' must rise, like [25, 50, 75]");
	}
}

static void
load_groups(ctx *c, const tk_ynode *root)
{
	static const char *const keys[] = { "id", "short", "title", NULL };
	const tk_ynode *list;
	tk_model *m = c->m;
	size_t i;

	if (want(c, root, TK_YAML_MAP, "groups.yaml") < 0)
		return;
	if ((list = req(c, root, "groups", "groups.yaml")) == NULL ||
	    want(c, list, TK_YAML_SEQ, "'groups'") < 0)
		return;
	m->groups_broken = 0;
	m->groups = tk_arena_alloc(m->arena, (list->n + 1) * sizeof(*m->groups));
	for (i = 0; i < list->n; i++) {
		const tk_ynode *g = list->kids[i];
		tk_group *grp;
		const tk_group *prev;

		if (want(c, g, TK_YAML_MAP, "a group") < 0)
			continue;
		check_keys(c, g, "a group", keys);
		grp = tk_arena_alloc(m->arena, sizeof(*grp));
		grp->pos = pos(c, g);
		if ((grp->id = id(c, req(c, g, "id", "a group"), "id")) == NULL)
			continue;
		grp->short_name = opt_str(c, g, "short");
		if (grp->short_name == NULL)
			grp->short_name = grp->id;
		text(c, req(c, g, "title", "a group"), "title", &grp->title);
		if ((prev = tk_strmap_get(m->group_ids, grp->id)) != NULL) {
			err(c, tk_yaml_get(g, "id"), "duplicate group id '%s' (first at line %d)",
			    grp->id, prev->pos.line);
			continue;
		}
		grp->index = m->ngroups;
		tk_strmap_put(m->group_ids, grp->id, grp);
		m->groups[m->ngroups++] = grp;
	}
}

static void
load_regions(ctx *c, const tk_ynode *root)
{
	static const char *const keys[] = { "id", "kind", "name", "municipalities", "map",
		"owners", "contacts", "population", NULL };
	static const char *const mkeys[] = { "col", "row", NULL };
	static const char *const ckeys[] = { "name", "role", "email", "phone", NULL };
	static const char *const pkeys[] = { "value", "year", "source", NULL };
	const tk_ynode *list, *n;
	tk_model *m = c->m;
	tk_strmap *tiles = tk_strmap_new();
	tk_arena *scratch = tk_arena_new();
	size_t i, k;
	long v;

	if (want(c, root, TK_YAML_MAP, "regions.yaml") < 0)
		goto out;
	if ((list = req(c, root, "regions", "regions.yaml")) == NULL ||
	    want(c, list, TK_YAML_SEQ, "'regions'") < 0)
		goto out;
	m->regions_broken = 0;
	m->regions = tk_arena_alloc(m->arena, (list->n + 1) * sizeof(*m->regions));
	for (i = 0; i < list->n; i++) {
		const tk_ynode *r = list->kids[i];
		const tk_region *prev;
		tk_region *reg;
		const char *kind;

		if (want(c, r, TK_YAML_MAP, "an organisation") < 0)
			continue;
		check_keys(c, r, "an organisation", keys);
		reg = tk_arena_alloc(m->arena, sizeof(*reg));
		reg->pos = pos(c, r);
		reg->map_col = reg->map_row = -1;
		if ((reg->id = id(c, req(c, r, "id", "an organisation"), "id")) == NULL)
			continue;
		if ((kind = opt_str(c, r, "kind")) == NULL || strcmp(kind, "county") == 0)
			reg->kind = TK_KIND_COUNTY;
		else if (strcmp(kind, "city") == 0)
			reg->kind = TK_KIND_CITY;
		else if (strcmp(kind, "hus") == 0)
			reg->kind = TK_KIND_HUS;
		else
			err(c, tk_yaml_get(r, "kind"), "unknown kind '%s'; use county, city or hus",
			    kind);
		text(c, req(c, r, "name", "an organisation"), "name", &reg->name);
		reg->municipalities = str_list(c, tk_yaml_get(r, "municipalities"),
		    "municipalities", &reg->nmunicipalities);
		reg->owners = str_list(c, tk_yaml_get(r, "owners"), "owners", &reg->nowners);
		if ((n = tk_yaml_get(r, "map")) != NULL && want(c, n, TK_YAML_MAP, "'map'") == 0) {
			check_keys(c, n, "'map'", mkeys);
			if (integer(c, req(c, n, "col", "'map'"), "col", 0, 99, &v) == 0)
				reg->map_col = (int)v;
			if (integer(c, req(c, n, "row", "'map'"), "row", 0, 99, &v) == 0)
				reg->map_row = (int)v;
			if (reg->map_col >= 0 && reg->map_row >= 0) {
				char *tile = tk_arena_alloc(scratch, 16);
				const tk_region *other;

				snprintf(tile, 16, "%d,%d", reg->map_col, reg->map_row);
				if ((other = tk_strmap_put(tiles, tile, reg)) != NULL)
					err(c, n, "map tile col %d, row %d is already taken by '%s'; "
					    "choose a free tile", reg->map_col, reg->map_row, other->id);
			}
		}
		if ((n = tk_yaml_get(r, "contacts")) != NULL && !tk_yaml_is_null(n) &&
		    want(c, n, TK_YAML_SEQ, "'contacts'") == 0) {
			reg->contacts = tk_arena_alloc(m->arena, (n->n + 1) * sizeof(tk_contact));
			for (k = 0; k < n->n; k++) {
				const tk_ynode *p = n->kids[k];
				tk_contact *ct = &reg->contacts[reg->ncontacts];

				if (want(c, p, TK_YAML_MAP, "a contact") < 0)
					continue;
				check_keys(c, p, "a contact", ckeys);
				ct->name = opt_str(c, p, "name");
				ct->role = opt_str(c, p, "role");
				ct->email = opt_str(c, p, "email");
				ct->phone = opt_str(c, p, "phone");
				if (ct->name == NULL && ct->role == NULL)
					err(c, p, "a contact needs a 'name' or a 'role'; add one");
				reg->ncontacts++;
			}
		}
		if ((n = tk_yaml_get(r, "population")) != NULL &&
		    want(c, n, TK_YAML_MAP, "'population'") == 0) {
			check_keys(c, n, "'population'", pkeys);
			if (integer(c, req(c, n, "value", "'population'"), "value", 1,
			    100000000, &v) == 0)
				reg->population = v;
			if (integer(c, req(c, n, "year", "'population'"), "year", 1900, 2100, &v) == 0)
				reg->population_year = (int)v;
			reg->population_source = str(c, req(c, n, "source", "'population'"), "source");
		}
		if ((prev = tk_strmap_get(m->region_ids, reg->id)) != NULL) {
			err(c, tk_yaml_get(r, "id"), "duplicate organisation id '%s' (first at line %d)",
			    reg->id, prev->pos.line);
			continue;
		}
		reg->index = m->nregions;
		tk_strmap_put(m->region_ids, reg->id, reg);
		m->regions[m->nregions++] = reg;
	}
out:
	tk_strmap_free(tiles);
	tk_arena_free(scratch);
}

/* ---- roadmap versions ---- */

static int
claim_id(ctx *c, version_index *vi, const char *ident, const tk_ynode *n)
{
	tk_pos *prev = tk_strmap_get(vi->ids, ident), *p;

	if (prev) {
		err(c, n, "duplicate id '%s' (first at %s:%d:%d); ids must be unique "
		    "within a roadmap version", ident, prev->path, prev->line, prev->col);
		return -1;
	}
	p = tk_arena_alloc(c->m->arena, sizeof(*p));
	*p = pos(c, n);
	tk_strmap_put(vi->ids, ident, p);
	return 0;
}

static void
load_version_meta(ctx *c, version_index *vi, const tk_ynode *root)
{
	static const char *const keys[] = { "id", "date", "title", "source", "previous",
		"illustrative", "intro", NULL };
	tk_version *v = vi->v;
	const char *ident;

	if (want(c, root, TK_YAML_MAP, "version.yaml") < 0)
		return;
	check_keys(c, root, "version.yaml", keys);
	v->pos = pos(c, root);
	if ((ident = id(c, req(c, root, "id", "version.yaml"), "id")) != NULL &&
	    strcmp(ident, v->id) != 0)
		err(c, tk_yaml_get(root, "id"), "version id '%s' does not match its folder "
		    "roadmap/%s/; make them the same", ident, v->id);
	date(c, req(c, root, "date", "version.yaml"), "date", &v->date);
	text(c, req(c, root, "title", "version.yaml"), "title", &v->title);
	v->source = opt_str(c, root, "source");
	v->previous = opt_str(c, root, "previous");
	v->illustrative = opt_str(c, root, "illustrative");
	v->intro = opt_str(c, root, "intro");
}

static void
load_subtask(ctx *c, version_index *vi, tk_task *t, const tk_ynode *n)
{
	static const char *const keys[] = { "id", "number", "title", "critical", "due",
		"phase", "start_first", "note", NULL };
	tk_subtask *s = &t->subtasks[t->nsubtasks];
	long v;

	if (want(c, n, TK_YAML_MAP, "a subtask") < 0)
		return;
	check_keys(c, n, "a subtask", keys);
	s->pos = pos(c, n);
	s->task = t;
	s->id = id(c, req(c, n, "id", "a subtask"), "id");
	s->number = str(c, req(c, n, "number", "a subtask"), "number");
	text(c, req(c, n, "title", "a subtask"), "title", &s->title);
	boolean(c, req(c, n, "critical", "a subtask"), "critical", &s->critical);
	quarter(c, req(c, n, "due", "a subtask"), "due", &s->due);
	if (integer(c, req(c, n, "phase", "a subtask"), "phase", 1, 5, &v) == 0)
		s->phase = (int)v;
	boolean(c, tk_yaml_get(n, "start_first"), "start_first", &s->start_first);
	s->note = opt_str(c, n, "note");
	if (s->id == NULL || claim_id(c, vi, s->id, tk_yaml_get(n, "id")) < 0)
		return;
	tk_strmap_put(vi->subtasks, s->id, s);
	t->nsubtasks++;
}

static void
load_task(ctx *c, version_index *vi, tk_entity *e, const tk_ynode *n)
{
	static const char *const keys[] = { "id", "number", "title", "note", "subtasks", NULL };
	tk_task *t = &e->tasks[e->ntasks];
	const tk_ynode *subs;
	size_t i;

	if (want(c, n, TK_YAML_MAP, "a task") < 0)
		return;
	check_keys(c, n, "a task", keys);
	t->pos = pos(c, n);
	t->entity = e;
	t->id = id(c, req(c, n, "id", "a task"), "id");
	t->number = str(c, req(c, n, "number", "a task"), "number");
	text(c, req(c, n, "title", "a task"), "title", &t->title);
	t->note = opt_str(c, n, "note");
	if (t->id == NULL || claim_id(c, vi, t->id, tk_yaml_get(n, "id")) < 0)
		return;
	if ((subs = tk_yaml_get(n, "subtasks")) != NULL && !tk_yaml_is_null(subs) &&
	    want(c, subs, TK_YAML_SEQ, "'subtasks'") == 0) {
		t->subtasks = tk_arena_alloc(c->m->arena, (subs->n + 1) * sizeof(*t->subtasks));
		for (i = 0; i < subs->n; i++)
			load_subtask(c, vi, t, subs->kids[i]);
	}
	e->ntasks++;
}

static tk_entity *
load_entity(ctx *c, version_index *vi, const tk_group *g, const tk_ynode *n)
{
	static const char *const keys[] = { "id", "number", "title", "note", "carried",
		"applies_to", "tasks", NULL };
	static const char *const ckeys[] = { "from", "reason", NULL };
	tk_model *m = c->m;
	tk_entity *e;
	const tk_ynode *tasks, *cn, *an;
	size_t i;

	if (want(c, n, TK_YAML_MAP, "an entity") < 0)
		return NULL;
	check_keys(c, n, "an entity", keys);
	e = tk_arena_alloc(m->arena, sizeof(*e));
	e->pos = pos(c, n);
	e->group = g;
	e->version = vi->v;
	e->id = id(c, req(c, n, "id", "an entity"), "id");
	e->number = str(c, req(c, n, "number", "an entity"), "number");
	text(c, req(c, n, "title", "an entity"), "title", &e->title);
	e->note = opt_str(c, n, "note");
	if ((cn = tk_yaml_get(n, "carried")) != NULL && !tk_yaml_is_null(cn) &&
	    want(c, cn, TK_YAML_MAP, "'carried'") == 0) {
		check_keys(c, cn, "'carried'", ckeys);
		e->carried_from = id(c, req(c, cn, "from", "'carried'"), "from");
		e->carried_reason = str(c, req(c, cn, "reason", "'carried'"), "reason");
	}
	if ((an = tk_yaml_get(n, "applies_to")) != NULL && !tk_yaml_is_null(an) &&
	    want(c, an, TK_YAML_SEQ, "'applies_to'") == 0) {
		e->applies_to = tk_arena_alloc(m->arena, (an->n + 1) * sizeof(*e->applies_to));
		for (i = 0; i < an->n; i++) {
			const char *rid = str(c, an->kids[i], "applies_to");
			const tk_region *r = rid ? tk_strmap_get(m->region_ids, rid) : NULL;

			if (rid && r == NULL && !m->regions_broken)
				err(c, an->kids[i], "unknown organisation '%s' in 'applies_to'; "
				    "use an id from regions.yaml", rid);
			else if (r)
				e->applies_to[e->napplies++] = r;
		}
	}
	if (e->id == NULL || claim_id(c, vi, e->id, tk_yaml_get(n, "id")) < 0)
		return NULL;
	if ((tasks = tk_yaml_get(n, "tasks")) != NULL && !tk_yaml_is_null(tasks) &&
	    want(c, tasks, TK_YAML_SEQ, "'tasks'") == 0) {
		e->tasks = tk_arena_alloc(m->arena, (tasks->n + 1) * sizeof(*e->tasks));
		for (i = 0; i < tasks->n; i++)
			load_task(c, vi, e, tasks->kids[i]);
	}
	return e;
}

/* One group's file of a version; its entities are appended in order. */
static void
load_version_group(ctx *c, version_index *vi, const tk_group *g, const tk_ynode *root,
    tk_entity ***ents, size_t *nents)
{
	static const char *const keys[] = { "group", "entities", NULL };
	const tk_ynode *list;
	const char *gid;
	size_t i;

	if (want(c, root, TK_YAML_MAP, "a roadmap group file") < 0) {
		vi->broken = 1;
		return;
	}
	check_keys(c, root, "a roadmap group file", keys);
	if ((gid = str(c, req(c, root, "group", "a roadmap group file"), "group")) != NULL &&
	    strcmp(gid, g->id) != 0)
		err(c, tk_yaml_get(root, "group"), "group '%s' does not match the file name "
		    "%s.yaml; make them the same", gid, g->id);
	if ((list = tk_yaml_get(root, "entities")) == NULL || tk_yaml_is_null(list))
		return;
	if (want(c, list, TK_YAML_SEQ, "'entities'") < 0) {
		vi->broken = 1;
		return;
	}
	*ents = xrealloc(*ents, (*nents + list->n) * sizeof(**ents));
	for (i = 0; i < list->n; i++) {
		tk_entity *e = load_entity(c, vi, g, list->kids[i]);

		if (e)
			(*ents)[(*nents)++] = e;
	}
}

int
tk_entity_applies(const tk_entity *e, const tk_region *r)
{
	size_t i;

	if (e->applies_to == NULL)
		return 1;
	for (i = 0; i < e->napplies; i++)
		if (e->applies_to[i] == r)
			return 1;
	return 0;
}

/* ---- status records ---- */

static const tk_group *
remark_group(ctx *c, const tk_ynode *n)
{
	const char *gid = n ? str(c, n, "group") : NULL;
	const tk_group *g;

	if (gid == NULL)
		return NULL;
	if ((g = tk_strmap_get(c->m->group_ids, gid)) == NULL && !c->m->groups_broken)
		err(c, n, "unknown group '%s'; use an id from groups.yaml", gid);
	return g;
}

static tk_remark *
load_remarks(ctx *c, const tk_ynode *list, const char *key, size_t *count)
{
	static const char *const keys[] = { "group", "theme", "text", NULL };
	tk_remark *out;
	size_t i, k;

	*count = 0;
	if (list == NULL || tk_yaml_is_null(list) || want(c, list, TK_YAML_SEQ, key) < 0)
		return NULL;
	out = tk_arena_alloc(c->arena, (list->n + 1) * sizeof(*out));
	for (i = 0; i < list->n; i++) {
		const tk_ynode *n = list->kids[i];
		tk_remark *r = &out[*count];
		char what[48];

		snprintf(what, sizeof(what), "an item of '%s'", key);
		if (want(c, n, TK_YAML_MAP, what) < 0)
			continue;
		check_keys(c, n, what, keys);
		r->pos = pos(c, n);
		r->group = remark_group(c, tk_yaml_get(n, "group"));
		if ((r->theme = str(c, req(c, n, "theme", what), "theme")) != NULL) {
			for (k = 0; themes[k]; k++)
				if (strcmp(themes[k], r->theme) == 0)
					break;
			if (themes[k] == NULL)
				err(c, tk_yaml_get(n, "theme"), "unknown theme '%s'; use one of: "
				    "talous, ict, henkilöstö, aikataulu, johtaminen, yhteistyö, "
				    "lainsäädäntö, palvelut, tilat, viestintä, muu", r->theme);
		}
		r->text = str(c, req(c, n, "text", what), "text");
		(*count)++;
	}
	return out;
}

static int
cmp_report(const void *a, const void *b)
{
	const tk_report *x = a, *y = b;

	return x->subtask->index < y->subtask->index ? -1 : x->subtask->index > y->subtask->index;
}

static void
load_record(ctx *c, const tk_region *reg, int file_period, const char *file_name,
    const tk_ynode *root, const tk_source_file *f, int commit_period)
{
	static const char *const keys[] = { "region", "period", "roadmap", "states",
		"red_flag", "observations", "wishes", "risks", NULL };
	static const char *const skeys[] = { "state", "note", NULL };
	static const char *const fkeys[] = { "reason", "since", NULL };
	tk_model *m = c->m;
	tk_record *rec;
	const tk_ynode *n, *states;
	const char *s;
	version_index *vi = NULL;
	int p, sorted = 1;
	size_t i, k;

	if (want(c, root, TK_YAML_MAP, "a status record") < 0)
		return;
	check_keys(c, root, "a status record", keys);
	rec = tk_arena_alloc(c->arena, sizeof(*rec));
	rec->pos = pos(c, root);
	rec->region = reg;
	rec->period = file_period;
	rec->red_flag_since = -1;
	rec->path = tk_arena_strdup(c->arena, f->shown);
	rec->oid = tk_arena_strdup(c->arena, f->oid);
	if ((s = scalar(c, n = req(c, root, "region", "a status record"), "region")) != NULL &&
	    strcmp(s, reg->id) != 0)
		err(c, n, "region '%s' does not match the folder status/%s/; a record "
		    "lives in its own organisation's folder", s, reg->id);
	if ((n = req(c, root, "period", "a status record")) != NULL &&
	    period(c, n, "period", &p) == 0 && p != file_period)
		err(c, n, "period %s does not match the file name %s; rename the file or "
		    "fix the period", n->str, file_name);
	if (file_period > commit_period)
		err(c, n ? n : root, "period %04d-%02d is later than the commit's month "
		    "%04d-%02d; a record can report only a month that has begun",
		    file_period / 12, file_period % 12 + 1, commit_period / 12,
		    commit_period % 12 + 1);
	if ((s = scalar(c, n = req(c, root, "roadmap", "a status record"), "roadmap")) != NULL) {
		for (i = 0; i < m->nversions; i++)
			if (strcmp(m->versions[i].id, s) == 0)
				vi = &m->versions[i];
		if (vi == NULL)
			err(c, n, "unknown roadmap version '%s'; use a folder name under roadmap/", s);
		else
			rec->version = vi->v;
	}
	if ((n = tk_yaml_get(root, "red_flag")) != NULL && !tk_yaml_is_null(n) &&
	    !(n->kind == TK_YAML_SCALAR && strcmp(n->str, "false") == 0 && !n->quoted)) {
		if (want(c, n, TK_YAML_MAP, "'red_flag'") == 0) {
			const tk_ynode *since;

			check_keys(c, n, "'red_flag'", fkeys);
			rec->red_flag = 1;
			rec->red_flag_reason = str(c, req(c, n, "reason", "'red_flag'"), "reason");
			if ((since = tk_yaml_get(n, "since")) != NULL &&
			    period(c, since, "since", &rec->red_flag_since) == 0 &&
			    rec->red_flag_since > file_period)
				err(c, since, "red flag since %s is later than the record's period",
				    since->str);
		}
	}
	rec->observations = load_remarks(c, tk_yaml_get(root, "observations"), "observations",
	    &rec->nobservations);
	rec->wishes = load_remarks(c, tk_yaml_get(root, "wishes"), "wishes", &rec->nwishes);
	rec->risks = load_remarks(c, tk_yaml_get(root, "risks"), "risks", &rec->nrisks);

	if ((states = tk_yaml_get(root, "states")) != NULL && !tk_yaml_is_null(states) &&
	    want(c, states, TK_YAML_MAP, "'states'") == 0 && vi) {
		rec->reports = tk_arena_alloc(c->arena, (states->n / 2 + 1) * sizeof(*rec->reports));
		for (i = 0; i + 1 < states->n; i += 2) {
			const tk_ynode *key = states->kids[i], *val = states->kids[i + 1], *sn;
			tk_report *rp = &rec->reports[rec->nreports];
			const tk_subtask *guess = rec->nreports < vi->nlast ?
			    vi->last[rec->nreports] : NULL;
			const tk_subtask *st = guess && strcmp(guess->id, key->str) == 0 ? guess :
			    tk_strmap_get(vi->subtasks, key->str);

			if (st == NULL) {
				if (!vi->broken)
					err(c, key, "unknown subtask '%s' in roadmap %s; use a "
					    "subtask id from roadmap/%s/", key->str, vi->v->id,
					    vi->v->id);
				continue;
			}
			if (!tk_entity_applies(st->task->entity, reg)) {
				err(c, key, "subtask '%s' belongs to entity '%s', which does not "
				    "apply to %s; remove the line", st->id, st->task->entity->id,
				    reg->id);
				continue;
			}
			rp->subtask = st;
			sn = val;
			if (val->kind == TK_YAML_MAP) {
				check_keys(c, val, "a subtask's state", skeys);
				sn = req(c, val, "state", "a subtask's state");
				rp->note = opt_str(c, val, "note");
			}
			if (sn == NULL || (s = scalar(c, sn, "state")) == NULL)
				continue;
			for (k = 0; k < TK_STATE_COUNT; k++)
				if (state_lens[k] == sn->len && memcmp(state_names[k], s, sn->len) == 0)
					break;
			if (k == TK_STATE_COUNT) {
				err(c, sn, "unknown state '%s'; use one of: ei aloitettu, käynnissä, "
				    "valmistuu aikataulussa, valmis, viivästynyt, ei koske", s);
				continue;
			}
			rp->state = (tk_state)k;
			/* The guesses are the model's: a record read outside it
			 * leaves them (and the model) as they are. */
			if (!c->detached && rec->nreports < vi->v->nsubtasks) {
				vi->last[rec->nreports] = st;
				if (rec->nreports >= vi->nlast)
					vi->nlast = rec->nreports + 1;
			}
			/* Written in roadmap order, as most records are, they need
			 * no sort. */
			sorted &= rec->nreports == 0 ||
			    rec->reports[rec->nreports - 1].subtask->index < st->index;
			rec->nreports++;
		}
		if (!sorted)
			qsort(rec->reports, rec->nreports, sizeof(*rec->reports), cmp_report);
	}
	if (c->detached) {
		c->got = rec;
		return;
	}
	if (m->nrecords == m->caprecords) {
		m->caprecords = m->caprecords ? m->caprecords * 2 : 256;
		m->records = xrealloc(m->records, m->caprecords * sizeof(*m->records));
	}
	m->records[m->nrecords++] = rec;
}

/* ---- pages ---- */

/* Does the text open with a front matter's '---' line? */
static int
front_matter(const char *buf, size_t len)
{
	return (len >= 4 && memcmp(buf, "---\n", 4) == 0) ||
	    (len >= 5 && memcmp(buf, "---\r\n", 5) == 0);
}

/* A text file's bytes without a BOM, checked for UTF-8 and NUL bytes. */
static int
read_text(ctx *c, tk_source *src, size_t fi, const char **buf, size_t *len)
{
	const char *nul;
	size_t bad;
	int bl, bc;

	if (tk_source_read(src, fi, buf, len, c->d) < 0) {
		c->errors++;
		return -1;
	}
	if (*len >= 3 && memcmp(*buf, "\xef\xbb\xbf", 3) == 0)
		*buf += 3, *len -= 3;
	if (!tk_utf8_valid(*buf, *len, &bad)) {
		tk_text_locate(*buf, bad, &bl, &bc);
		tk_diag_error(c->d, c->path, bl, bc, "invalid UTF-8 (byte 0x%02x); save the "
		    "file as UTF-8", (unsigned char)(*buf)[bad]);
		c->errors++;
		return -1;
	}
	if ((nul = memchr(*buf, '\0', *len)) != NULL) {
		tk_text_locate(*buf, (size_t)(nul - *buf), &bl, &bc);
		tk_diag_error(c->d, c->path, bl, bc, "NUL byte in a text file; remove it");
		c->errors++;
		return -1;
	}
	return 0;
}

/* pages/<slug>.<lang>.md: the body of pages/<slug>.md in another of the
 * site's languages. Its title is in the page's front matter. */
static void
load_page_text(ctx *c, tk_source *src, size_t fi, const char *slug, const char *lang)
{
	tk_model *m = c->m;
	const tk_site *s = &m->site;
	tk_page *pg = NULL;
	tk_page_text *t;
	const char *buf;
	size_t len, i;
	int known = 0;

	for (i = 0; i < m->npages && pg == NULL; i++)
		if (strcmp(m->pages[i]->slug, slug) == 0)
			pg = m->pages[i];
	for (i = 0; i < s->nlanguages; i++)
		known |= strcmp(s->languages[i], lang) == 0;
	if (strcmp(lang, "fi") == 0) {
		err(c, NULL, "the Finnish text is pages/%s.md itself; move this text there", slug);
		return;
	}
	if (!known) {
		err(c, NULL, "'%s' is not one of site.yaml's languages, so this text would never "
		    "be shown; add the language or remove the file", lang);
		return;
	}
	if (pg == NULL) {
		err(c, NULL, "a translation of pages/%s.md, which does not exist; add the page "
		    "(its front matter holds the title in every language) or rename this file",
		    slug);
		return;
	}
	if (read_text(c, src, fi, &buf, &len) < 0)
		return;
	if (front_matter(buf, len)) {
		tk_diag_error(c->d, c->path, 1, 1, "a translation has no front matter: its "
		    "title goes in pages/%s.md's title (%s: ...); remove the '---' lines", slug, lang);
		c->errors++;
		return;
	}
	pg->texts = xrealloc(pg->texts, (pg->ntexts + 1) * sizeof(*pg->texts));
	t = &pg->texts[pg->ntexts++];
	t->lang = tk_arena_strdup(m->arena, lang);
	t->body = tk_arena_strndup(m->arena, buf, len);
	t->path = tk_arena_strdup(m->arena, tk_source_file_at(src, fi)->shown);
}

static void
load_page(ctx *c, tk_source *src, size_t fi, const char *slug)
{
	static const char *const keys[] = { "title", "order", "nav", NULL };
	const tk_source_file *f = tk_source_file_at(src, fi);
	tk_model *m = c->m;
	tk_page *pg;
	tk_ydoc *doc = NULL;
	const tk_ynode *root;
	const char *buf, *end = NULL, *body;
	size_t len, off;
	tk_buf fm = TK_BUF_INIT;
	long v;
	int line = 1;

	if (read_text(c, src, fi, &buf, &len) < 0)
		return;
	pg = tk_arena_alloc(m->arena, sizeof(*pg));
	pg->slug = tk_arena_strdup(m->arena, slug);
	pg->path = tk_arena_strdup(m->arena, f->shown);
	if (!front_matter(buf, len)) {
		tk_diag_error(c->d, c->path, 1, 1, "a page starts with front matter between "
		    "'---' lines, with at least a title; add it");
		c->errors++;
		return;
	}
	/* Find the closing '---' line. */
	for (off = 0; off < len; off++) {
		if (buf[off] != '\n')
			continue;
		line++;
		if (len - off - 1 >= 3 && memcmp(buf + off + 1, "---", 3) == 0 &&
		    (off + 4 == len || buf[off + 4] == '\n' || buf[off + 4] == '\r')) {
			end = buf + off + 1;
			break;
		}
	}
	if (end == NULL) {
		tk_diag_error(c->d, c->path, 1, 1, "the front matter has no closing '---' "
		    "line; add one after it");
		c->errors++;
		return;
	}
	/* A leading newline keeps the YAML's line numbers those of the file. */
	tk_buf_putc(&fm, '\n');
	tk_buf_put(&fm, strchr(buf, '\n') + 1, (size_t)(end - strchr(buf, '\n') - 1));
	if (tk_yaml_load(&doc, f->shown, fm.data, fm.len, NULL, c->d) < 0) {
		c->errors++;
		goto out;
	}
	root = tk_yaml_root(doc);
	if (want(c, root, TK_YAML_MAP, "the front matter") < 0)
		goto out;
	check_keys(c, root, "the front matter", keys);
	text(c, req(c, root, "title", "the front matter"), "title", &pg->title);
	if (tk_yaml_get(root, "order") && integer(c, tk_yaml_get(root, "order"), "order",
	    -1000, 1000, &v) == 0)
		pg->order = (int)v;
	boolean(c, tk_yaml_get(root, "nav"), "nav", &pg->nav);
	body = strchr(end, '\n');
	body = body ? body + 1 : buf + len;
	pg->body = tk_arena_strndup(m->arena, body, (size_t)(buf + len - body));
	pg->body_line = line + 1;
	if (m->npages == m->cappages) {
		m->cappages = m->cappages ? m->cappages * 2 : 16;
		m->pages = xrealloc(m->pages, m->cappages * sizeof(*m->pages));
	}
	m->pages[m->npages++] = pg;
out:
	tk_buf_free(&fm);
	tk_yaml_free(doc);
}

/* ---- the whole tree ---- */

static int
ends_with(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);

	return a >= b && strcmp(s + a - b, suffix) == 0;
}

static int
cmp_version(const void *a, const void *b)
{
	const version_index *x = a, *y = b;
	int dx = x->v->date.y * 400 + x->v->date.m * 32 + x->v->date.d;
	int dy = y->v->date.y * 400 + y->v->date.m * 32 + y->v->date.d;

	if (dx != dy)
		return dx < dy ? -1 : 1;
	return strcmp(x->id, y->id);
}

static int
cmp_record(const void *a, const void *b)
{
	const tk_record *x = *(const tk_record *const *)a, *y = *(const tk_record *const *)b;

	if (x->region->index != y->region->index)
		return x->region->index < y->region->index ? -1 : 1;
	return x->period - y->period;
}

static int
cmp_page(const void *a, const void *b)
{
	const tk_page *x = *(const tk_page *const *)a, *y = *(const tk_page *const *)b;

	if (x->order != y->order)
		return x->order - y->order;
	return strcmp(x->slug, y->slug);
}

/* Starts parsing ahead (parseahead.h) the files the load will ask for,
 * in its order: the three lists, the roadmap, the records. */
static void
start_ahead(tk_model *m, const tk_source *src, long site, long groups, long regions,
    const size_t *road, size_t nroad, const size_t *stat, size_t nstat)
{
	size_t n = tk_source_count(src), *order = xcalloc(nroad + nstat + 3, sizeof(*order));
	size_t k = 0, i;

	if (site >= 0)
		order[k++] = (size_t)site;
	if (groups >= 0)
		order[k++] = (size_t)groups;
	if (regions >= 0)
		order[k++] = (size_t)regions;
	for (i = 0; i < nroad; i++)
		order[k++] = road[i];
	for (i = 0; i < nstat; i++)
		order[k++] = stat[i];
	m->ahead = tk_parseahead_start(src, order, k, tk_parse_cache_has, m->cache);
	if (m->ahead) {
		m->ahead_at = xmalloc((n + 1) * sizeof(*m->ahead_at));
		for (i = 0; i < n; i++)
			m->ahead_at[i] = SIZE_MAX;
		for (i = 0; i < k; i++)
			m->ahead_at[order[i]] = i;
	}
	free(order);
}

/* Runs fn over a parsed file with a ctx pointing at it. */
#define WITH_FILE(c, src, i, root, body) do { \
	int failed_; \
	(c)->path = tk_source_file_at((src), (i))->shown; \
	root = parse_cached((c)->m, (src), (i), (c)->d, &failed_); \
	(c)->failed = failed_; \
	if (failed_) \
		(c)->errors++; \
	else { body; } \
} while (0)

static void
load_versions(ctx *c, tk_source *src, const size_t *files, size_t nfiles)
{
	tk_model *m = c->m;
	const tk_ynode *root;
	size_t i, j, k, start;

	m->versions = xcalloc(nfiles + 1, sizeof(*m->versions));
	for (start = 0; start < nfiles; start = j) {
		const char *p = tk_source_file_at(src, files[start])->path + strlen("roadmap/");
		size_t vlen = (size_t)(strchr(p, '/') - p);
		version_index *vi = &m->versions[m->nversions];
		tk_entity ***per_group = xcalloc(m->ngroups + 1, sizeof(*per_group));
		size_t *nper = xcalloc(m->ngroups + 1, sizeof(*nper));
		int have_meta = 0;

		vi->id = tk_arena_strndup(m->arena, p, vlen);
		vi->v = tk_arena_alloc(m->arena, sizeof(*vi->v));
		vi->v->id = vi->id;
		vi->subtasks = tk_strmap_new();
		vi->ids = tk_strmap_new();
		for (j = start; j < nfiles; j++) {
			const tk_source_file *f = tk_source_file_at(src, files[j]);
			const char *name = f->path + strlen("roadmap/") + vlen + 1;
			char gid[80];
			const tk_group *g;

			if (strncmp(f->path + strlen("roadmap/"), vi->id, vlen) != 0 ||
			    f->path[strlen("roadmap/") + vlen] != '/')
				break;
			if (strcmp(name, "version.yaml") == 0) {
				have_meta = 1;
				WITH_FILE(c, src, files[j], root, load_version_meta(c, vi, root));
				continue;
			}
			snprintf(gid, sizeof(gid), "%.*s", (int)(strlen(name) - 5), name);
			c->path = f->shown;
			if (strchr(name, '/') || (g = tk_strmap_get(m->group_ids, gid)) == NULL) {
				if (!m->groups_broken)
					err(c, NULL, "unexpected file in a roadmap version; name "
					    "each file after a group id of groups.yaml (or version.yaml)");
				vi->broken = 1;
				continue;
			}
			WITH_FILE(c, src, files[j], root,
			    load_version_group(c, vi, g, root, &per_group[g->index], &nper[g->index]));
			if (c->failed)
				vi->broken = 1;
		}
		if (!valid_id(vi->id)) {
			c->path = tk_source_file_at(src, files[start])->shown;
			err(c, NULL, "version folder '%s' is not a valid id; use lower-case "
			    "letters, digits and '-', like 2021-06", vi->id);
		}
		if (!have_meta) {
			c->path = tk_source_file_at(src, files[start])->shown;
			err(c, NULL, "roadmap/%s/ has no version.yaml; add one with id, date "
			    "and title", vi->id);
		}
		/* Entities in groups.yaml order, subtasks numbered in that order. */
		for (i = 0; i < m->ngroups; i++)
			vi->v->nentities += nper[i];
		vi->v->entities = tk_arena_alloc(m->arena,
		    (vi->v->nentities + 1) * sizeof(*vi->v->entities));
		vi->v->nentities = 0;
		for (i = 0; i < m->ngroups; i++) {
			for (k = 0; k < nper[i]; k++) {
				tk_entity *e = per_group[i][k];
				size_t t, s;

				vi->v->entities[vi->v->nentities++] = e;
				for (t = 0; t < e->ntasks; t++)
					for (s = 0; s < e->tasks[t].nsubtasks; s++)
						e->tasks[t].subtasks[s].index = vi->v->nsubtasks++;
			}
			free(per_group[i]);
		}
		vi->last = tk_arena_alloc(m->arena, (vi->v->nsubtasks + 1) * sizeof(*vi->last));
		free(per_group);
		free(nper);
		m->nversions++;
	}
	qsort(m->versions, m->nversions, sizeof(*m->versions), cmp_version);
	for (i = 0; i < m->nversions; i++) {
		const char *prev = m->versions[i].v->previous;

		if (prev && tk_model_version_by_id(m, prev) == NULL) {
			c->path = m->versions[i].v->pos.path;
			tk_diag_error(c->d, c->path, m->versions[i].v->pos.line, 1,
			    "'previous' names an unknown version '%s'; use a folder name under "
			    "roadmap/", prev);
			c->errors++;
		}
	}
}

static void
load_records(ctx *c, tk_source *src, const size_t *files, size_t nfiles, int commit_period)
{
	tk_model *m = c->m;
	const tk_ynode *root;
	size_t j;

	for (j = 0; j < nfiles; j++) {
		const tk_source_file *f = tk_source_file_at(src, files[j]);
		const char *p = f->path + strlen("status/"), *slash = strchr(p, '/');
		char rid[80], name[80];
		const tk_region *reg;
		int per;

		c->path = f->shown;
		if (slash == NULL || strchr(slash + 1, '/') || (size_t)(slash - p) >= sizeof(rid)) {
			err(c, NULL, "unexpected file; a record lives at "
			    "status/<organisation>/<YYYY-MM>.yaml");
			continue;
		}
		snprintf(rid, sizeof(rid), "%.*s", (int)(slash - p), p);
		snprintf(name, sizeof(name), "%s", slash + 1);
		if ((reg = tk_strmap_get(m->region_ids, rid)) == NULL) {
			if (!m->regions_broken)
				err(c, NULL, "unknown organisation '%s' (the folder name); use "
				    "an id from regions.yaml", rid);
			continue;
		}
		if (!ends_with(name, ".yaml") || strlen(name) != 12 ||
		    (name[7] = '\0', per = parse_period(name)) < 0) {
			err(c, NULL, "a record's file is named after its month, YYYY-MM.yaml, "
			    "for example 2021-10.yaml");
			continue;
		}
		name[7] = '.';
		WITH_FILE(c, src, files[j], root,
		    load_record(c, reg, per, name, root, f, commit_period));
	}
}

const tk_record *
tk_model_record_from(const tk_model *m, tk_arena *arena, const tk_region *reg, int period,
    const char *path, const char *oid, const char *buf, size_t len)
{
	tk_diag *d = tk_diag_new(NULL);
	tk_ydoc *doc = NULL;
	tk_source_file f;
	/* Read only: a detached load writes to the caller's arena alone. */
	ctx c = { (tk_model *)m, NULL, NULL, 0, 0, arena, 1, NULL };

	c.d = d;
	c.path = tk_arena_strdup(arena, path);
	memset(&f, 0, sizeof(f));
	f.path = f.shown = c.path;
	snprintf(f.oid, sizeof(f.oid), "%s", oid);
	if (tk_yaml_load(&doc, c.path, buf, len, NULL, d) == 0) {
		load_record(&c, reg, period, "", tk_yaml_root(doc), &f, TK_PERIOD(2100, 12));
		tk_yaml_free(doc);
	}
	if (c.errors || tk_diag_errors(d))
		c.got = NULL;
	tk_diag_free(d);
	return c.got;
}

int
tk_model_load(tk_model **out, tk_source *src, tk_parse_cache *cache, tk_diag *d)
{
	tk_model *m = xcalloc(1, sizeof(*m));
	ctx c = { m, d, NULL, 0, 0, NULL, 0, NULL };
	size_t i, k, n = tk_source_count(src), nroad = 0, nstat = 0;
	size_t *road = xcalloc(n + 1, sizeof(*road)), *stat = xcalloc(n + 1, sizeof(*stat));
	long site = -1, groups = -1, regions = -1;
	int commit_period = TK_PERIOD(2100, 12);
	const tk_ynode *root;

	m->arena = c.arena = tk_arena_new();
	m->cache = cache ? cache : (m->own_cache = tk_parse_cache_new(0, NULL));
	m->group_ids = tk_strmap_new();
	m->region_ids = tk_strmap_new();
	m->groups_broken = m->regions_broken = 1;       /* until their lists are read */
	if (tk_source_commit(src)) {
		time_t t = tk_source_commit_time(src);
		struct tm tm;

		m->commit = tk_arena_strdup(m->arena, tk_source_commit(src));
		m->commit_time = (long long)t;
		gmtime_r(&t, &tm);
		commit_period = TK_PERIOD(tm.tm_year + 1900, tm.tm_mon + 1);
	}

	for (i = 0; i < n; i++) {
		const tk_source_file *f = tk_source_file_at(src, i);
		const char *p = f->path;

		if (strcmp(p, "site.yaml") == 0)
			site = (long)i;
		else if (strcmp(p, "groups.yaml") == 0)
			groups = (long)i;
		else if (strcmp(p, "regions.yaml") == 0)
			regions = (long)i;
		else if (strncmp(p, "roadmap/", 8) == 0 && strchr(p + 8, '/') &&
		    ends_with(p, ".yaml"))
			road[nroad++] = i;
		else if (strncmp(p, "status/", 7) == 0)
			stat[nstat++] = i;
		else if (strncmp(p, "pages/", 6) == 0 && ends_with(p, ".md")) {
			char slug[80];

			const char *lang;

			c.path = f->shown;
			snprintf(slug, sizeof(slug), "%.*s", (int)(strlen(p) - 9), p + 6);
			if (strchr(slug, '/') || strlen(p) - 9 >= sizeof(slug) ||
			    !page_name(slug, &lang))
				err(&c, NULL, "a page's file name is its address: use lower-case "
				    "letters, digits and '-', like pages/tietoa.md (and "
				    "pages/tietoa.sv.md for its Swedish text)");
		} else if (ends_with(p, ".yaml") || ends_with(p, ".yml")) {
			c.path = f->shown;
			err(&c, NULL, "unexpected YAML file; content lives in site.yaml, "
			    "groups.yaml, regions.yaml, roadmap/<version>/ and "
			    "status/<organisation>/ (all .yaml)");
		}
	}
	c.path = tk_source_content_path(src);
	if (site < 0)
		err(&c, NULL, "no site.yaml in the content; add one (see docs/content-format.md)");
	if (groups < 0)
		err(&c, NULL, "no groups.yaml in the content; add one (see docs/content-format.md)");
	if (regions < 0)
		err(&c, NULL, "no regions.yaml in the content; add one (see docs/content-format.md)");
	start_ahead(m, src, site, groups, regions, road, nroad, stat, nstat);
	if (site >= 0)
		WITH_FILE(&c, src, (size_t)site, root, load_site(&c, root));
	if (groups >= 0)
		WITH_FILE(&c, src, (size_t)groups, root, load_groups(&c, root));
	if (regions >= 0)
		WITH_FILE(&c, src, (size_t)regions, root, load_regions(&c, root));
	load_versions(&c, src, road, nroad);
	load_records(&c, src, stat, nstat, commit_period);
	/* The pages, then their translations, once every page they may belong
	 * to is known. */
	for (k = 0; k < 2; k++)
		for (i = 0; i < n; i++) {
			const char *p = tk_source_file_at(src, i)->path;
			char slug[80];
			const char *lang;

			if (strncmp(p, "pages/", 6) != 0 || !ends_with(p, ".md") ||
			    strlen(p) - 9 >= sizeof(slug))
				continue;
			snprintf(slug, sizeof(slug), "%.*s", (int)(strlen(p) - 9), p + 6);
			if (strchr(slug, '/') || !page_name(slug, &lang) || (lang != NULL) != k)
				continue;
			c.path = tk_source_file_at(src, i)->shown;
			if (lang)
				load_page_text(&c, src, i, slug, lang);
			else
				load_page(&c, src, i, slug);
		}
	if (m->records)
		qsort(m->records, m->nrecords, sizeof(*m->records), cmp_record);
	for (i = 0; i < m->nrecords; i++)
		m->records[i]->index = i;
	if (m->pages)
		qsort(m->pages, m->npages, sizeof(*m->pages), cmp_page);
	free(road);
	free(stat);
	m->parsed_ahead = tk_parseahead_given(m->ahead);
	tk_parseahead_end(m->ahead);
	m->ahead = NULL;
	free(m->ahead_at);
	m->ahead_at = NULL;
	/* The model holds copies in its arena: parsed trees that no other
	 * build will share can go now, so memory stays that of the model. */
	tk_parse_cache_free(m->own_cache);
	m->own_cache = NULL;
	m->cache = NULL;
	tk_yaml_free(m->scratch);
	m->scratch = NULL;
	*out = m;
	return c.errors || tk_diag_errors(d) ? -1 : 0;
}

void
tk_model_free(tk_model *m)
{
	size_t i;

	if (m == NULL)
		return;
	for (i = 0; i < m->nversions; i++) {
		tk_strmap_free(m->versions[i].subtasks);
		tk_strmap_free(m->versions[i].ids);
	}
	free(m->versions);
	free(m->records);
	for (i = 0; i < m->npages; i++)
		free(m->pages[i]->texts);
	free(m->pages);
	tk_strmap_free(m->group_ids);
	tk_strmap_free(m->region_ids);
	tk_parse_cache_free(m->own_cache);
	tk_arena_free(m->arena);
	free(m);
}

const tk_site *tk_model_site(const tk_model *m) { return &m->site; }
size_t tk_model_parsed_ahead(const tk_model *m) { return m->parsed_ahead; }

/* A record's line in the text its key hashes. */
static void
key_line(tk_buf *b, const tk_record *rec)
{
	tk_buf_puts(b, rec->path);
	tk_buf_putc(b, ' ');
	tk_buf_puts(b, rec->oid);
	tk_buf_putc(b, '\n');
}

static long
all_one(const tk_record *rec, const void *arg)
{
	(void)rec;
	(void)arg;
	return 0;
}

void
tk_model_records_key(const tk_model *m, char out[41])
{
	tk_model_records_keys(m, all_one, NULL, 1, (char (*)[41])out);
}

void
tk_model_records_keys(const tk_model *m, long (*group)(const tk_record *, const void *),
    const void *arg, size_t n, char (*out)[41])
{
	tk_buf *b = xcalloc(n + 1, sizeof(*b));
	size_t i;

	for (i = 0; i < m->nrecords; i++) {
		long g = group(m->records[i], arg);

		if (g >= 0 && (size_t)g < n)
			key_line(&b[g], m->records[i]);
	}
	for (i = 0; i < n; i++) {
		tk_source_hash(out[i], b[i].data ? b[i].data : "", b[i].len);
		tk_buf_free(&b[i]);
	}
	free(b);
}
size_t tk_model_ngroups(const tk_model *m) { return m->ngroups; }
const tk_group *tk_model_group(const tk_model *m, size_t i) { return m->groups[i]; }
size_t tk_model_nregions(const tk_model *m) { return m->nregions; }
const tk_region *tk_model_region(const tk_model *m, size_t i) { return m->regions[i]; }
size_t tk_model_nversions(const tk_model *m) { return m->nversions; }
const tk_version *tk_model_version(const tk_model *m, size_t i) { return m->versions[i].v; }
size_t tk_model_nrecords(const tk_model *m) { return m->nrecords; }
const tk_record *tk_model_record(const tk_model *m, size_t i) { return m->records[i]; }
size_t tk_model_npages(const tk_model *m) { return m->npages; }
const tk_page *tk_model_page(const tk_model *m, size_t i) { return m->pages[i]; }
const char *tk_model_commit(const tk_model *m) { return m->commit; }
long long tk_model_commit_time(const tk_model *m) { return m->commit_time; }

const tk_version *
tk_model_version_by_id(const tk_model *m, const char *ident)
{
	size_t i;

	for (i = 0; i < m->nversions; i++)
		if (strcmp(m->versions[i].id, ident) == 0)
			return m->versions[i].v;
	return NULL;
}

const tk_subtask *
tk_version_subtask(const tk_model *m, const tk_version *v, const char *ident)
{
	size_t i;

	for (i = 0; i < m->nversions; i++)
		if (m->versions[i].v == v)
			return tk_strmap_get(m->versions[i].subtasks, ident);
	return NULL;
}
