/* parsestore.h: the parsed content files of the last build, kept beside
 * the site, so a rebuild neither reads nor parses a file whose bytes were
 * parsed before (at 10x, reading and parsing were half of a rebuild).
 *
 * <site>.tiekartta-parsed holds each content file of the last build by its
 * blob id, as tk_yaml_save wrote its tree, with a checksum, under this
 * program's identity; new trees are added at its end, and it is written
 * anew when the trees no longer wanted outweigh the others. Another program's store is not read; an entry whose
 * checksum fails, or that does not restore, is read and parsed from Git
 * as if it were not there. A tree is the same whether parsed or restored,
 * so the site is the same bytes either way.
 *
 * TK_PAGECACHE=off uses no store; TK_PAGECACHE=verify parses every file
 * too and fails the build when a restored tree differs (for tests). */
#ifndef TK_PARSESTORE_H
#define TK_PARSESTORE_H

#include "yaml.h"

#define TK_PARSESTORE_SUFFIX ".tiekartta-parsed"

typedef struct tk_parsestore tk_parsestore;

/* Reads the store the last build left beside the site at dir (nothing
 * when there is none, or another program's) and starts the next one.
 * NULL when this program cannot be identified: then nothing is kept. */
tk_parsestore *tk_parsestore_open(const char *dir);
/* Does the store hold oid's tree? (Not in verify mode, which reads every
 * file.) Typed for tk_source_opts.known. */
int tk_parsestore_has(void *store, const char *oid);
/* oid's tree, restored, with path as its file (the caller frees it with
 * tk_yaml_free), or NULL when the store lacks it or its entry is damaged.
 * The entry goes into the next store. */
tk_ydoc *tk_parsestore_get(tk_parsestore *s, const char *oid, const char *path);
/* Notes doc, just parsed from the blob oid, for the next store. */
void tk_parsestore_put(tk_parsestore *s, const char *oid, tk_ydoc *doc);
/* The same with the tree already saved: the len bytes tk_yaml_save wrote. */
void tk_parsestore_put_saved(tk_parsestore *s, const char *oid, const void *data,
    size_t len);
/* In verify mode: is doc, parsed from oid's blob, what the store gave for
 * it (restored)? Always 1 outside verify mode. */
int tk_parsestore_agrees(const tk_parsestore *s, tk_ydoc *restored, tk_ydoc *parsed);
/* The store's file, <site>.tiekartta-parsed. */
const char *tk_parsestore_file(const tk_parsestore *s);
/* Does the store want every file parsed as well (verify mode)? */
int tk_parsestore_verifying(const tk_parsestore *s);
/* Replaces the store beside the site with the next one. 0, or negative
 * with errno set (the site is fine; the next build parses everything). */
int tk_parsestore_save(tk_parsestore *s);
/* In a process forked from the one writing the next store: stop adding to
 * it (the other process saves it; this one must not save or free s). */
void tk_parsestore_detach(tk_parsestore *s);
/* Frees s; a next store not saved is removed. */
void tk_parsestore_free(tk_parsestore *s);

#endif
