/* source.h: where content comes from. A Git revision read through libgit2,
 * the working tree of a repository, or a plain directory. Files are listed
 * sorted by path, each with its blob id, so parsed results can be cached by
 * content and output never depends on readdir or tree order. */
#ifndef TK_SOURCE_H
#define TK_SOURCE_H

#include <stddef.h>
#include <time.h>

#include "diag.h"

typedef struct tk_source tk_source;

typedef struct {
	const char *path;       /* relative to the content root, '/'-separated */
	const char *shown;      /* the path as errors show it */
	char oid[41];           /* Git blob id, hex (hashed from disk in directory mode) */
} tk_source_file;

typedef struct {
	const char *repo;       /* --repo, or NULL: discover from the current directory */
	const char *rev;        /* --rev, or NULL for HEAD */
	const char *content;    /* --content, or NULL for "content" */
	int worktree;           /* read the working tree instead of a commit */
	/* Blobs this process has read before (snapshots: the parse cache) need
	 * not be read again on opening; NULL reads every one. */
	int (*known)(void *arg, const char *oid);
	void *known_arg;
	/* Leave the reading to tk_source_read_all (the caller's known then). */
	int lazy;
} tk_source_opts;

/* Returned by tk_source_open when the options name something that is not
 * there (a revision, a content folder): a usage problem, not an I/O one. */
#define TK_SOURCE_EARG (-2)

/* Opens the content named by opts. Outside a Git repository the content
 * directory is read as it is (a warning says pages carry no commit).
 * Reports problems through d and returns negative on failure. The caller
 * frees *out with tk_source_free. */
int tk_source_open(tk_source **out, const tk_source_opts *opts, tk_diag *d);
void tk_source_free(tk_source *s);

size_t tk_source_count(const tk_source *s);
/* The i-th file, sorted by path; borrowed, lives as long as the source. */
const tk_source_file *tk_source_file_at(const tk_source *s, size_t i);
/* Reads every file of a commit that known (may be NULL) does not know, so
 * that a damaged object fails before anything is judged (tk_source_open
 * does this unless opts.lazy). Returns negative after reporting. */
int tk_source_read_all(tk_source *s, int (*known)(void *arg, const char *oid), void *arg,
    tk_diag *d);
/* How many blobs tk_source_read_all had a second process read (for tests;
 * it shares the reading of 64 or more when TK_JOBS allows two). */
size_t tk_source_shared(const tk_source *s);
/* Reads the i-th file's bytes (borrowed, cached in the source). */
int tk_source_read(tk_source *s, size_t i, const char **buf, size_t *len, tk_diag *d);
/* File i's bytes when they are in memory already (read, never a system
 * call): 1, or 0 when tk_source_read would have to read them. */
int tk_source_peek(const tk_source *s, size_t i, const char **buf, size_t *len);

/* The Git blob id (hex) of data: a name for bytes, used to key cached
 * pages by what they were made from. */
void tk_source_hash(char out[41], const void *data, size_t len);

/* What parsed and rendered results kept between builds were made by
 * (cached): the blob id of "tiekartta build-id <hex>\n" with the
 * executable's GNU build id, or without one, of the executable's bytes. 0
 * when it cannot be read. */
int tk_source_program_id(char out[41]);

/* The commit's id (hex) or NULL when there is none (directory mode). In
 * worktree mode this is HEAD's id and tk_source_dirty says so. */
const char *tk_source_commit(const tk_source *s);
int tk_source_dirty(const tk_source *s);
/* The commit's time (seconds since the epoch, UTC), or 0 without a commit. */
time_t tk_source_commit_time(const tk_source *s);
/* The repository's working directory (with a trailing '/'), or NULL. */
const char *tk_source_workdir(const tk_source *s);
/* The content folder's path inside the repository ("content"). */
const char *tk_source_content_path(const tk_source *s);

/* Resolves rev in the repository at repo (NULL: around the current
 * folder) to a commit id, hex, into out. Returns 0, TK_SOURCE_EARG for a
 * name that is not there, or negative. */
int tk_source_resolve(char out[41], const char *repo, const char *rev, tk_diag *d);
/* The commits that the repository's tags name, as malloc'd hex ids in
 * *ids (the caller frees each and the array), sorted by id. */
int tk_source_tags(char ***ids, size_t *n, const char *repo, tk_diag *d);

#endif
