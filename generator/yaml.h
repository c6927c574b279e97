/* yaml.h: a YAML loader over libyaml events that yields a small tree with
 * 1-based line and column for every node, and refuses hostile input. */
#ifndef TK_YAML_H
#define TK_YAML_H

#include <stddef.h>

#include "diag.h"
#include "util.h"

typedef enum {
	TK_YAML_SCALAR,
	TK_YAML_SEQ,
	TK_YAML_MAP
} tk_yaml_kind;

typedef struct tk_ynode tk_ynode;

/* A node of the tree. Map children alternate key, value (keys are scalars);
 * sequence children are the items. Nodes are owned by their document. */
struct tk_ynode {
	tk_yaml_kind kind;
	int line, col;          /* 1-based position of the node's first character */
	const char *str;        /* scalar text, NUL-terminated (scalars only) */
	size_t len;             /* scalar length in bytes */
	int quoted;             /* scalar was written in quotes or as a block */
	const char *tag;        /* explicit tag ("!!str") or NULL */
	size_t n;               /* number of children */
	tk_ynode **kids;
};

typedef struct tk_ydoc tk_ydoc;

/* Which reader: the quick one where it can, libyaml elsewhere (the
 * default); for tests, one of the two alone. */
enum { TK_YAML_EITHER, TK_YAML_LIBYAML_ONLY, TK_YAML_QUICK_ONLY };

/* The largest file the loader takes by default. */
#define TK_YAML_MAX_BYTES ((size_t)4 << 20)

/* Limits that protect the loader; zero fields take the defaults below. */
typedef struct {
	size_t max_bytes;       /* default TK_YAML_MAX_BYTES */
	int max_depth;          /* default 64 */
	size_t max_nodes;       /* default 1 000 000, counting alias expansions */
	int reader;             /* TK_YAML_EITHER (0), or one reader alone */
} tk_yaml_limits;

/* Parses buf[0..len) (a BOM and CRLF are accepted) as one YAML document.
 * An empty document yields a NULL root. On error reports
 * "path:line:col: error: …" through d and returns negative; *out is NULL.
 * On success the caller frees *out with tk_yaml_free. Plain status-like
 * files are read without libyaml (the same tree, faster); with
 * TK_YAML_QUICK_ONLY, a file outside that reader's part of YAML gives 1,
 * nothing reported. */
int tk_yaml_load(tk_ydoc **out, const char *path, const char *buf, size_t len,
    const tk_yaml_limits *lim, tk_diag *d);
void tk_yaml_free(tk_ydoc *doc);

/* Appends doc to out in a compact binary form that tk_yaml_restore reads
 * back as the same tree (shared nodes stay shared). doc is not changed. */
void tk_yaml_save(tk_buf *out, tk_ydoc *doc);
/* Rebuilds a document saved by tk_yaml_save from len bytes at data, with
 * path as its file. Data that does not hold together (cut short, counts
 * that do not add up, a child that is not an earlier node) gives negative
 * and no document; whatever the bytes, the tree keeps the loader's
 * promises: scalars NUL-terminated at their length, maps in pairs with
 * scalar keys, positions from 1, no cycle, the default depth and alias
 * limits. Checking that the bytes are the ones saved is the caller's.
 * The caller frees *out with tk_yaml_free. */
int tk_yaml_restore(tk_ydoc **out, const char *path, const void *data, size_t len);

/* The root node, borrowed, or NULL for an empty document. */
const tk_ynode *tk_yaml_root(const tk_ydoc *doc);
/* The file path given to tk_yaml_load, borrowed. */
const char *tk_yaml_path(const tk_ydoc *doc);

/* The value under key in a map, or NULL (borrowed). */
const tk_ynode *tk_yaml_get(const tk_ynode *map, const char *key);
/* Are a and b the same tree: kinds, positions, quoting, tags, text and
 * children (NULL only as NULL)? How the tests hold the two readers to
 * each other and a restored tree to the one saved. */
int tk_yaml_same(const tk_ynode *a, const tk_ynode *b);
/* Is this a plain scalar that YAML 1.2 core schema reads as null? */
int tk_yaml_is_null(const tk_ynode *n);

#endif
