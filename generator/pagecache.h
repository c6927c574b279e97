/* pagecache.h: pages kept from an earlier rendering, so a build renders
 * only the pages whose inputs changed.
 *
 * Each page has a key (tk_view_page_key): a hash of what it is made from.
 * A build writes the keys of its pages beside the site, in
 * <site>.tiekartta-pages (not inside it: the site stays the same bytes for
 * the same content), with the size, inode and modification time each file
 * had; the next build links a page from the previous site, unrendered,
 * when its key is the same and its file is still as that build left it.
 * A list left stale by a crash is harmless: a file it does not describe
 * has another inode or time. A snapshot's pages are listed under the
 * snapshot's key (tk_render_snapshot_key), and the next build keeps the
 * snapshot whole, unrendered and unread, while its key is the same. Within
 * a build, the rendered bytes of the previous snapshot's pages are kept in
 * memory: a page the next snapshot has under the same key is linked to
 * the file written for it (or, for a snapshot that names its own commit,
 * written again with the markers of view.h filled in).
 *
 * TK_PAGECACHE=off renders every page; TK_PAGECACHE=verify renders every
 * page too and fails the build when a page it would have kept differs
 * (for tests: a key that misses an input). */
#ifndef TK_PAGECACHE_H
#define TK_PAGECACHE_H

#include <stddef.h>

#include "output.h"
#include "util.h"

typedef enum {
	TK_PAGECACHE_ON,
	TK_PAGECACHE_OFF,
	TK_PAGECACHE_VERIFY
} tk_pagecache_mode;

/* From the environment's TK_PAGECACHE. */
tk_pagecache_mode tk_pagecache_mode_env(void);

typedef struct tk_pagecache tk_pagecache;

tk_pagecache *tk_pagecache_new(void);
void tk_pagecache_free(tk_pagecache *c);

/* ---- between builds: the site's list of keys ---- */

#define TK_PAGECACHE_SUFFIX ".tiekartta-pages"

/* Reads the keys of the site at dir (none when it has no list). */
void tk_pagecache_read(tk_pagecache *c, const char *dir);
/* Notes path's key for the new list, and links path from the previous site
 * when the list gives it key and the file is as that build left it; 1 when
 * linked, 0 when it must be rendered. */
int tk_pagecache_reuse(tk_pagecache *c, tk_out *o, const char *path, const char *key);
/* Links every file the list gives under prefix (a snapshot's folder),
 * when each has key and is as that build left it, and notes them for the
 * new list. Returns how many were linked; 0 when any could not be (then
 * the snapshot is rendered, over whatever was linked). */
size_t tk_pagecache_reuse_under(tk_pagecache *c, tk_out *o, const char *prefix,
    const char *key);
/* Notes path's key for the new list. */
void tk_pagecache_note(tk_pagecache *c, const char *path, const char *key);
/* How many keys have been noted. */
size_t tk_pagecache_noted(const tk_pagecache *c);
/* A second process's keys for the new list: those noted from the from-th
 * on, appended to b as key NUL path NUL each; the first process takes them
 * from the len bytes at data, up to the NUL that ends them (the sender
 * appends it), and returns the bytes before that NUL, or negative when
 * they are cut short. */
void tk_pagecache_put_notes(const tk_pagecache *c, size_t from, tk_buf *b);
long tk_pagecache_take_notes(tk_pagecache *c, const char *data, size_t len);
/* Stamps the new list with each staged file's size, inode and time, once
 * every page is written... */
void tk_pagecache_stamp(tk_pagecache *c, const tk_out *o);
/* ...and writes it beside the site at dir, after the site is swapped in. */
int tk_pagecache_save(const tk_pagecache *c, const char *dir);

/* ---- within a build: the snapshots' pages in memory ---- */

/* The bytes rendered under key, borrowed (NULL when not kept), and in
 * *path the staged file that holds them (NULL when none does). A find
 * keeps them for the next generation. */
const tk_buf *tk_pagecache_find(tk_pagecache *c, const char *key, const char **path);
/* Keeps a copy of data under key; path (or NULL) is the staged file
 * written with exactly these bytes. */
void tk_pagecache_keep(tk_pagecache *c, const char *key, const char *data, size_t len,
    const char *path);
/* Ends a snapshot: what it neither kept nor found is dropped. */
void tk_pagecache_next(tk_pagecache *c);

#endif
