/* parseahead.h: the content files a model load is about to ask for,
 * parsed ahead in a second process, so that reading a large content takes
 * two cores (at 10x, parsing the YAML was a quarter of a full build, all
 * of it before the pages are shared between processes).
 *
 * The load gives the files in the order it will ask for them; the second
 * process parses two of every three of those whose bytes are in memory
 * and sends each tree, saved (tk_yaml_save), through a pipe, whose buffer
 * keeps it only a few files ahead of the load: memory stays that of a
 * few trees. A file it could not parse is parsed again by the load, which
 * then reports the error where it always has: messages and trees are the
 * same as in one process. TK_JOBS=1 starts no second process. (A thread
 * was tried first: once one has existed, the whole build ran slower.) */
#ifndef TK_PARSEAHEAD_H
#define TK_PARSEAHEAD_H

#include <stddef.h>

#include "source.h"
#include "yaml.h"

typedef struct tk_parseahead tk_parseahead;

/* Starts parsing two of every three of order[0..n) (file indexes of src)
 * in a second process, skipping those that skip(arg, oid) says need no
 * parse; NULL when there is too little to share or one process only. */
tk_parseahead *tk_parseahead_start(const tk_source *src, const size_t *order, size_t n,
    int (*skip)(void *arg, const char *oid), void *arg);
/* The load has come to order[k]: its tree when the second process parsed
 * it (the caller frees it; waits until it arrives), with in
 * *saved and *len the bytes of tk_yaml_save it came from (valid until the
 * next call); else NULL, and the caller parses the file. */
tk_ydoc *tk_parseahead_take(tk_parseahead *a, size_t k, const void **saved, size_t *len);
/* How many trees the second process gave (for tests). */
size_t tk_parseahead_given(const tk_parseahead *a);
/* Stops the second process and frees a. */
void tk_parseahead_end(tk_parseahead *a);

#endif
