/* model.h: the content model (site, groups, regions, roadmap versions,
 * monthly status records, pages) and its validation. The structures are
 * read-only views: everything in them is borrowed from the model's arena
 * and lives as long as the model. */
#ifndef TK_MODEL_H
#define TK_MODEL_H

#include <stddef.h>

#include "diag.h"
#include "parsestore.h"
#include "source.h"

/* A text in the site's languages; fi is always set, sv/en may be NULL. */
typedef struct {
	const char *fi, *sv, *en;
} tk_text;

typedef struct {
	const char *path;       /* as shown in messages */
	int line, col;
} tk_pos;

typedef struct {
	int y, m, d;
} tk_date;

/* Periods are months counted as y*12 + (m-1); quarters as y*4 + (q-1). */
#define TK_PERIOD(y, m) ((y) * 12 + (m) - 1)
#define TK_QUARTER(y, q) ((y) * 4 + (q) - 1)
#define TK_PERIOD_QUARTER(p) ((p) / 3)

typedef enum {
	TK_STATE_NONE = -1,     /* not reported */
	TK_STATE_NOT_STARTED,   /* ei aloitettu */
	TK_STATE_UNDER_WAY,     /* käynnissä */
	TK_STATE_ON_SCHEDULE,   /* valmistuu aikataulussa */
	TK_STATE_DONE,          /* valmis */
	TK_STATE_LATE,          /* viivästynyt */
	TK_STATE_NA,            /* ei koske */
	TK_STATE_COUNT
} tk_state;

typedef enum {
	TK_KIND_COUNTY, TK_KIND_CITY, TK_KIND_HUS
} tk_region_kind;

typedef struct tk_group {
	const char *id, *short_name;
	tk_text title;
	size_t index;           /* position in groups.yaml */
	tk_pos pos;
} tk_group;

typedef struct {
	const char *name, *role, *email, *phone;
} tk_contact;

typedef struct tk_region {
	const char *id;
	tk_region_kind kind;
	tk_text name;
	const char **municipalities;
	size_t nmunicipalities;
	int map_col, map_row;
	const char **owners;
	size_t nowners;
	tk_contact *contacts;
	size_t ncontacts;
	long population;        /* 0 when not given */
	int population_year;
	const char *population_source;
	size_t index;
	tk_pos pos;
} tk_region;

struct tk_task;
struct tk_entity;
struct tk_version;

typedef struct tk_subtask {
	const char *id, *number;
	tk_text title;
	int critical;
	int due;                /* a quarter, TK_QUARTER */
	int phase;              /* 1..5 */
	int start_first;
	const char *note;
	size_t index;           /* position in the version, in roadmap order */
	struct tk_task *task;
	tk_pos pos;
} tk_subtask;

typedef struct tk_task {
	const char *id, *number;
	tk_text title;
	const char *note;
	tk_subtask *subtasks;
	size_t nsubtasks;
	struct tk_entity *entity;
	tk_pos pos;
} tk_task;

typedef struct tk_entity {
	const char *id, *number;
	tk_text title;
	const char *note;
	const char *carried_from, *carried_reason;  /* NULL unless carried */
	const tk_region **applies_to;               /* NULL: every organisation */
	size_t napplies;
	tk_task *tasks;
	size_t ntasks;
	const tk_group *group;
	struct tk_version *version;
	tk_pos pos;
} tk_entity;

typedef struct tk_version {
	const char *id;
	tk_date date;
	tk_text title;
	const char *source, *previous, *illustrative, *intro;
	tk_entity **entities;   /* all entities, groups in groups.yaml order */
	size_t nentities;
	size_t nsubtasks;
	tk_pos pos;
} tk_version;

/* One subtask's state in a record. No position: messages about a state
 * are given while the record is read, and 39 000 records at 100x scale
 * hold 6 million of these. */
typedef struct {
	const tk_subtask *subtask;
	const char *note;       /* Markdown or NULL */
	tk_state state;
} tk_report;

typedef struct {
	const tk_group *group;  /* NULL when not tied to a group */
	const char *theme;
	const char *text;
	tk_pos pos;
} tk_remark;

typedef struct tk_record {
	const tk_region *region;
	int period;             /* TK_PERIOD */
	const tk_version *version;
	tk_report *reports;     /* sorted in roadmap order */
	size_t nreports;
	int red_flag;
	const char *red_flag_reason;
	int red_flag_since;     /* a period, or -1 */
	tk_remark *observations, *wishes, *risks;
	size_t nobservations, nwishes, nrisks;
	const char *path;       /* repository path of the file */
	const char *oid;        /* blob id of the file */
	size_t index;           /* position among the model's records */
	tk_pos pos;
} tk_record;

/* A page's body in another language: pages/<slug>.<lang>.md. */
typedef struct {
	const char *lang;
	const char *body;       /* Markdown, the whole file */
	const char *path;
} tk_page_text;

typedef struct {
	const char *slug;
	tk_text title;
	int order;
	int nav;                /* listed in the main navigation */
	const char *body;       /* Markdown, after the front matter (Finnish) */
	int body_line;          /* line of the body's first line in the file */
	const char *path;
	tk_page_text *texts;    /* the body in the site's other languages */
	size_t ntexts;
} tk_page;

typedef struct {
	int number;
	tk_text title;
	tk_date start;          /* y == 0 when not given */
} tk_phase;

typedef struct {
	tk_text title;
	const char **languages;
	size_t nlanguages;
	tk_date target_date;
	int deadline_day;
	int example_data;
	const char **maintainers;
	size_t nmaintainers;
	const char *commit_url, *file_url;
	const char *base_url;   /* the site's public address, or NULL */
	tk_phase *phases;
	size_t nphases;
	int bands[3];
	/* The accessibility statement (law 306/2019); feedback NULL: none. */
	struct {
		const char *feedback;   /* an e-mail address for feedback */
		const char *conformance;        /* "full", "partial" or "none" */
		tk_date prepared, reviewed;
		tk_text *issues;        /* known shortcomings */
		size_t nissues;
	} accessibility;
} tk_site;

typedef struct tk_model tk_model;

/* A cache of parsed YAML keyed by blob id, so a file that is the same in
 * many commits is parsed once. It may outlive many models. */
typedef struct tk_parse_cache tk_parse_cache;
/* keep: hold every tree for the models to come (snapshots, diffs), not
 * only the file being read. store (may be NULL): trees kept between builds,
 * used and filled (parsestore.h). */
tk_parse_cache *tk_parse_cache_new(int keep, tk_parsestore *store);
void tk_parse_cache_free(tk_parse_cache *c);
/* Does the cache hold the file with blob id oid (read and parsed)? Typed
 * for tk_source_opts.known. */
int tk_parse_cache_has(void *cache, const char *oid);

/* Reads and validates all content from src. Every problem is reported
 * through d; the model is returned even when there were errors (so a check
 * lists them all), and the return is negative when any error was found.
 * cache may be NULL. The caller frees *out with tk_model_free. */
int tk_model_load(tk_model **out, tk_source *src, tk_parse_cache *cache, tk_diag *d);
void tk_model_free(tk_model *m);
/* A hash of every record, by path and blob id: what pages and exports made
 * from them are keyed by (pagecache.h). out is hex. */
void tk_model_records_key(const tk_model *m, char out[41]);
/* The same for n groups of records, in one pass: group(rec, arg) is the
 * index of rec's group, or negative for none; out[g] is group g's key. */
void tk_model_records_keys(const tk_model *m, long (*group)(const tk_record *, const void *),
    const void *arg, size_t n, char (*out)[41]);
/* How many files the load took parsed from a second process (parseahead.h). */
size_t tk_model_parsed_ahead(const tk_model *m);

const tk_site *tk_model_site(const tk_model *m);
size_t tk_model_ngroups(const tk_model *m);
const tk_group *tk_model_group(const tk_model *m, size_t i);
size_t tk_model_nregions(const tk_model *m);
const tk_region *tk_model_region(const tk_model *m, size_t i);
/* Versions sorted by date, oldest first. */
size_t tk_model_nversions(const tk_model *m);
const tk_version *tk_model_version(const tk_model *m, size_t i);
const tk_version *tk_model_version_by_id(const tk_model *m, const char *id);
const tk_subtask *tk_version_subtask(const tk_model *m, const tk_version *v, const char *id);
/* Records sorted by region (regions.yaml order), then period. */
size_t tk_model_nrecords(const tk_model *m);
const tk_record *tk_model_record(const tk_model *m, size_t i);
/* Region reg's record for period read from buf (an earlier version of
 * its file, blob id oid, shown as path) against m's roadmap and regions,
 * outside m: allocated in arena, which the caller frees. NULL when it does
 * not parse or would not load without an error (nothing is printed). */
const tk_record *tk_model_record_from(const tk_model *m, tk_arena *arena, const tk_region *reg,
    int period, const char *path, const char *oid, const char *buf, size_t len);
/* Pages sorted by order, then slug. */
size_t tk_model_npages(const tk_model *m);
const tk_page *tk_model_page(const tk_model *m, size_t i);

/* The commit the model was read from, or NULL; and its time. */
const char *tk_model_commit(const tk_model *m);
long long tk_model_commit_time(const tk_model *m);

const char *tk_state_name(tk_state s);  /* the Finnish name used in content */
/* Does the entity apply to this organisation? */
int tk_entity_applies(const tk_entity *e, const tk_region *r);

#endif
