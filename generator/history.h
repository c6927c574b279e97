/* history.h: the Git history of the status records, read through libgit2:
 * every commit that changed each record, grouped by organisation, with the
 * pull-request numbers and the audit trail of changes made after a
 * record's deadline; and the mainline commits, for snapshots.
 *
 * Which history. The mainline is the first-parent chain from the revision
 * back to the root: the states the published branch has been in, one
 * after another. A mainline commit with one parent is listed for what it
 * changed. A mainline merge is a pull request landing: the commits it
 * brought in (reachable from its other parents, not from its first) are
 * listed for the records they changed, each with the merge's pull-request
 * number and the merge's time as the time it was published. Only what the
 * merge changed on the mainline counts (a branch that changed a record and
 * changed it back lists nothing), and a change no branch commit explains
 * (a conflict resolved in the merge) is listed under the merge itself.
 * Inside a branch, a merge is listed only for what it changed itself.
 * This is `git log --first-parent` for the landings and the branch commits
 * for the authors, so the list names the region's people, not whoever
 * pressed the merge button, and each commit appears once.
 *
 * Pull-request numbers come from the messages of mainline commits:
 * "Merge pull request #12 from …" (GitHub, Bitbucket), a subject ending in
 * "(#12)" (GitHub's squash, Gitea), "See merge request group/proj!12"
 * (GitLab).
 *
 * Deadlines. The record of period P is due on site.yaml's deadline_day of
 * the month after P, moved to the Monday when it falls on a weekend
 * (public holidays are not known). A change is late when it was published
 * (reached the mainline) after the end of that day in UTC, which is two
 * or three hours lenient in Finnish time. Times are commit times (the
 * committer's), in seconds since the epoch; commit dates are whatever the
 * committer's clock or the forge said, which is why the publishing merge's
 * time is the one judged.
 *
 * Everything is sorted: regions by id, records by period, changes and
 * submissions in mainline order (branch commits in topological order
 * before their merge), so the same commit gives the same history. */
#ifndef TK_HISTORY_H
#define TK_HISTORY_H

#include <stddef.h>

#include "diag.h"
#include "model.h"
#include "value.h"

typedef struct tk_history tk_history;

typedef struct tk_hist_commit {
	char id[41];            /* hex */
	long long time;         /* commit time, seconds since the epoch, UTC */
	const char *author_name, *author_email;
	const char *subject;    /* the message's first line */
	int pr;                 /* the pull or merge request number, 0 when none */
	int mainline;           /* on the first-parent chain itself */
	/* The mainline merge that published it, NULL for a mainline commit. */
	const struct tk_hist_commit *merge;
	long long published;    /* when it reached the mainline: the merge's time, or its own */
	int content_changed;    /* mainline only: the content folder differs from the first parent's */
	int other_changed;      /* mainline only: and outside status/ (not just records) */
	size_t pos;             /* the mainline commit's place, oldest first (a branch
	                         * commit: its merge's), as in tk_history_commit */
} tk_hist_commit;

typedef enum {
	TK_HIST_ADDED,
	TK_HIST_MODIFIED,
	TK_HIST_DELETED
} tk_hist_kind;

typedef struct {
	const tk_hist_commit *commit;
	tk_hist_kind kind;
	char blob[41];          /* the file's blob id after the change, "" when deleted */
	int late;               /* published after the record's deadline */
} tk_hist_change;

typedef struct {
	const char *region;     /* the folder name under status/ */
	int period;             /* TK_PERIOD */
	const char *path;       /* in the repository: content/status/<region>/<YYYY-MM>.yaml */
	tk_date due;            /* the deadline day */
	long long due_end;      /* the first second after the deadline day, UTC */
	const tk_hist_change *changes;  /* oldest first */
	size_t nchanges;
	int present;            /* the file is there at the revision */
	int submitted_late;     /* the first change was published after the deadline */
	int corrected_late;     /* a later change was published after the deadline */
	long long last_late;    /* when the last late correction was published, or 0 */
} tk_hist_record;

/* One commit's changes to one organisation's records. */
typedef struct {
	const tk_hist_commit *commit;
	const int *periods;     /* the records it changed, ascending */
	size_t nperiods;
	int late;               /* one of those changes was late */
} tk_hist_submission;

typedef struct {
	const char *id;         /* the folder name under status/ */
	const tk_hist_record *records;  /* by period, deleted ones too */
	size_t nrecords;
	const tk_hist_submission *submissions;  /* oldest first */
	size_t nsubmissions;
} tk_hist_region;

/* Returned when repo is not a Git repository or rev names no commit: a
 * usage problem, not an I/O one. */
#define TK_HISTORY_EARG (-2)

/* Reads the history of rev (NULL: HEAD) in the repository at repo (that
 * folder itself; NULL: the one around the current folder), for the
 * content folder content_path (NULL: "content"). deadline_day is
 * site.yaml's (1..28; the model's tk_site). A shallow clone gives the
 * history it has, with a warning. Reports problems through d and returns
 * negative on failure. The caller frees *out with tk_history_free; every
 * pointer reached through it is borrowed and lives as long as it. */
int tk_history_load(tk_history **out, const char *repo, const char *rev,
    const char *content_path, int deadline_day, tk_diag *d);
void tk_history_free(tk_history *h);

/* The commit the history was read from (hex). */
const char *tk_history_head(const tk_history *h);

/* Organisations with any record in the history, sorted by id. */
size_t tk_history_nregions(const tk_history *h);
const tk_hist_region *tk_history_region(const tk_history *h, size_t i);
/* NULL when the organisation has no record in the history. */
const tk_hist_region *tk_history_region_by_id(const tk_history *h, const char *id);
const tk_hist_record *tk_history_record(const tk_history *h, const char *region, int period);

/* The roadmap version a record's blob (hex id) names on its top-level
 * "roadmap:" line, read from the repository once per blob; NULL when it
 * cannot be read, is larger than a record may be (TK_YAML_MAX_BYTES), or
 * says it some other way. */
const char *tk_history_blob_roadmap(const tk_history *h, const char *blob);
/* The bytes of blob (hex id) appended to out, read from the repository:
 * an earlier version of a record. 0, or -1 when it cannot be read or has
 * more than max bytes (then nothing is read). */
int tk_history_blob_read(const tk_history *h, const char *blob, size_t max, tk_buf *out);

/* The mainline, oldest first, for snapshots: every commit of the
 * first-parent chain, with content_changed set where the content differs
 * from the commit before. */
size_t tk_history_ncommits(const tk_history *h);
const tk_hist_commit *tk_history_commit(const tk_history *h, size_t i);

/* One organisation's history as view data (the caller frees it):
 *   {region, submissions: [{id, short_id, date, datetime, author, subject,
 *     pr, merge_id, published_date, late, periods: ["2021-10", …]}],
 *    records: [{period, path, present, due_date, submitted_late,
 *     corrected_late, last_late_date, changes: [{id, short_id, date,
 *     datetime, published_date, author, subject, pr, change, late}]}],
 *    late: [the records with late corrections, as above]}
 * Dates are D.M.YYYY, datetime ISO 8601 in UTC; pr and the *_date of
 * nothing are null. Authors' e-mail addresses are left out: they are
 * personal data, and the page needs the name only. An organisation
 * without history gives empty lists. */
tk_value *tk_history_region_value(const tk_history *h, const char *region);
/* A hash of that value (40 hex digits), for the page keys; made once per
 * organisation. */
void tk_history_region_key(const tk_history *h, const char *region, char out[41]);
/* The mainline as view data, newest first: [{id, short_id, date, datetime,
 * subject, pr, content_changed}]. */
tk_value *tk_history_commits_value(const tk_history *h);

/* The deadline of period's record: *due the day, *end the first second
 * after it (UTC). */
void tk_history_deadline(tk_date *due, long long *end, int period, int deadline_day);
/* The pull or merge request number a commit message names, or 0. */
int tk_history_parse_pr(const char *message);

#endif
