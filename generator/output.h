/* output.h: writing a site so that a failed build leaves the previous one
 * untouched. Files go to a staging folder beside the output folder; the
 * finished site replaces the old one in one atomic exchange. A file whose
 * bytes are unchanged is linked from the previous site, so it keeps its
 * modification time and uploads move only what changed. The old site then
 * stays beside as the spare, and the next build stages in it: what already
 * is the site's file (the same inode) stays, the rest is replaced, and what
 * the build did not write is removed before the exchange. */
#ifndef TK_OUTPUT_H
#define TK_OUTPUT_H

#include <stddef.h>

#include "diag.h"
#include "util.h"

typedef struct tk_out tk_out;

/* Beside the site: the site as it was before the last build. The next
 * build stages in it, so that only what changed is written again. */
#define TK_OUT_SPARE_SUFFIX ".tiekartta-spare"

/* Starts writing a site for dir (created with its parents when missing).
 * The caller ends with tk_out_commit or tk_out_abort, which free *out. */
int tk_out_begin(tk_out **out, const char *dir, tk_diag *d);
/* Writes relpath (a '/'-separated path that stays inside the site: no "..",
 * no leading '/', no empty or hidden parts). */
int tk_out_write(tk_out *o, const char *relpath, const char *data, size_t len);
/* A file written in pieces, for an export too large to hold whole: the
 * same as tk_out_write of the pieces together (kept from the previous
 * site when its bytes are the same). tk_out_open gives *f even when it
 * fails; tk_out_close frees it, and gives negative when anything failed
 * (reported). */
typedef struct tk_out_file tk_out_file;
int tk_out_open(tk_out_file **f, tk_out *o, const char *relpath);
int tk_out_put(tk_out_file *f, const char *data, size_t len);
int tk_out_close(tk_out_file *f);
/* Writes relpath as a hard link to from, a file this build wrote with
 * exactly the len bytes at data (a page two snapshots share); kept from
 * the previous site instead when its file holds them. */
int tk_out_link(tk_out *o, const char *from, const char *relpath, const char *data,
    size_t len);
/* What a file was like when a build left it: a file rewritten since has
 * another inode or time (as with Git's index). */
typedef struct {
	long long size, inode, mtime;   /* mtime in ns since the epoch */
} tk_out_stamp;

/* Links relpath from the previous site when it is a regular file still
 * as was says (TK_CHECKSTAT=minimal: its size and whole seconds of mtime
 * only). Returns 1 when linked (counted as kept), 0 when not. When linked
 * and now is not NULL, *now is the staged file's stamp (as tk_out_stat
 * would give it). */
int tk_out_reuse(tk_out *o, const char *relpath, const tk_out_stamp *was, tk_out_stamp *now);
/* Does the previous site's relpath hold exactly data? */
int tk_out_same(tk_out *o, const char *relpath, const char *data, size_t len);
/* The staged relpath's stamp; negative when it is not a regular file. */
int tk_out_stat(const tk_out *o, const char *relpath, tk_out_stamp *now);

/* Makes the staged site the site. */
int tk_out_commit(tk_out *o);
void tk_out_abort(tk_out *o);

/* Files written and files kept (linked unchanged) so far. */
size_t tk_out_written(const tk_out *o);
size_t tk_out_kept(const tk_out *o);

/* Did a write fail (disk full, permissions)? tk_out_fail marks a failure
 * seen by another process writing into the same stage. */
int tk_out_failed(const tk_out *o);
void tk_out_fail(tk_out *o);

/* Adds files written and kept by another process into the same stage. */
void tk_out_add_counts(tk_out *o, size_t written, size_t kept);
/* Another process writing into the same stage hands the paths it wrote to
 * the one that commits, which must keep them: appended to b, each ended by
 * a NUL, and taken from the len bytes at data (negative when they end in
 * the middle of a path). */
void tk_out_put_paths(const tk_out *o, tk_buf *b);
int tk_out_take_paths(tk_out *o, const char *data, size_t len);

/* Is relpath a safe relative path for the output? */
int tk_out_path_ok(const char *relpath);

#endif
