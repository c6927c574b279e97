/* tmpl.h: Mustache templates. A template is parsed once into a tree of
 * nodes (cmark's shape: containers with children, walked with an
 * ENTER/EXIT iterator) and rendered any number of times against view data.
 *
 * Supported: interpolation ({{x}} HTML-escaped, {{{x}}} and {{&x}} raw),
 * dotted names, the implicit iterator {{.}}, sections, inverted sections,
 * comments, set delimiters, standalone lines, partials with indentation,
 * and inheritance ({{<parent}} with {{$block}} overrides). Not supported:
 * lambdas, dynamic names.
 *
 * Truthiness: null, false, "" and the empty list are falsy; everything else
 * (0 and the empty map too) is truthy. Interpolating a list or a map is an
 * error; a missing name renders as nothing.
 *
 * One addition: where a map has a list k and no key has_k, has_k is true
 * when the list has items, so {{#has_k}}<ul>{{#k}}…{{/k}}</ul>{{/has_k}}
 * writes the list's frame once, and only around items. */
#ifndef TK_TMPL_H
#define TK_TMPL_H

#include <stddef.h>

#include "diag.h"
#include "util.h"
#include "value.h"

typedef struct tk_tmpl tk_tmpl;
typedef struct tk_tmpl_node tk_tmpl_node;
typedef struct tk_tmpl_env tk_tmpl_env;
typedef struct tk_tmpl_iter tk_tmpl_iter;

/* How deep partials and parents may nest while rendering; recursion past
 * it is an error (as is nesting sections, partials and blocks together
 * deeper than 1000, which bounds the C stack). */
#define TK_TMPL_MAX_PARTIAL_DEPTH 100
/* How deep sections, blocks and parents may nest in one template. */
#define TK_TMPL_MAX_NESTING 100

/* A loader's answer for a name it does not know. */
#define TK_TMPL_ENOTFOUND (-2)

/* Parses src[0..len) (copied; the caller keeps src). path names the
 * template in messages. On error reports "path:line:col: error: …" with
 * the offending line and a caret through d, returns negative, *out NULL.
 * On success the caller frees *out with tk_tmpl_free. */
int tk_tmpl_parse(tk_tmpl **out, const char *path, const char *src, size_t len,
    tk_diag *d);
/* Frees t; accepts NULL. */
void tk_tmpl_free(tk_tmpl *t);
/* The path given to tk_tmpl_parse, borrowed from t. */
const char *tk_tmpl_path(const tk_tmpl *t);

/* Finds the source of partial name. On success returns 0 and sets *src
 * (malloc'd, len bytes) and *path (malloc'd, the name for messages, or
 * NULL to use name); the environment frees both. Returns TK_TMPL_ENOTFOUND
 * when there is no such partial (nothing reported), or another negative
 * value after reporting a problem through d. */
typedef int (*tk_tmpl_loader)(char **src, size_t *len, char **path,
    const char *name, void *arg, tk_diag *d);

/* A loader over a directory: partial "a/b" is DIR/a/b.mustache, arg is the
 * directory path (borrowed). Names that are empty, absolute, or contain a
 * ".." component are not found. */
int tk_tmpl_dir_loader(char **src, size_t *len, char **path,
    const char *name, void *arg, tk_diag *d);

/* A rendering environment: the partial loader (load may be NULL for none;
 * arg is borrowed and passed through) and a cache of parsed partials,
 * failures included, so each partial is read and parsed once. The caller
 * frees it with tk_tmpl_env_free, which accepts NULL. */
tk_tmpl_env *tk_tmpl_env_new(tk_tmpl_loader load, void *arg);
void tk_tmpl_env_free(tk_tmpl_env *env);
/* By default a partial the loader cannot find is an error at the tag
 * ("unknown partial 'x'"); with ok set it renders as nothing, as the
 * Mustache spec asks. */
void tk_tmpl_env_set_missing_ok(tk_tmpl_env *env, int ok);
/* Loads (or finds in the cache) the template called name. Returns 0 and
 * *out borrowed from env (it lives until tk_tmpl_env_free);
 * TK_TMPL_ENOTFOUND when the loader does not know it; or another negative
 * value when it failed to load or parse (reported once, through d, the
 * first time). */
int tk_tmpl_env_get(const tk_tmpl **out, tk_tmpl_env *env, const char *name,
    tk_diag *d);

/* Renders t against data (borrowed; NULL is an empty context) and appends
 * the output to out. env resolves partials and parents; NULL means none.
 * On error reports "path:line:col: error: …" through d and returns
 * negative; out then holds partial output that the caller discards. */
int tk_tmpl_render(tk_buf *out, tk_tmpl_env *env, const tk_tmpl *t,
    const tk_value *data, tk_diag *d);
/* The same with globals (borrowed, may be NULL) below data on the context
 * stack: names data lacks resolve there. A site passes its interface
 * strings so, instead of copying them into every page's data. */
int tk_tmpl_render_with(tk_buf *out, tk_tmpl_env *env, const tk_tmpl *t,
    const tk_value *data, const tk_value *globals, tk_diag *d);

/* The tree. Nodes are borrowed from their template. */
typedef enum {
	TK_TMPL_ROOT,           /* container: the whole template */
	TK_TMPL_TEXT,           /* leaf: literal text */
	TK_TMPL_VAR,            /* leaf: {{name}}, HTML-escaped */
	TK_TMPL_RAW,            /* leaf: {{{name}}} or {{&name}} */
	TK_TMPL_SECTION,        /* container: {{#name}}…{{/name}} */
	TK_TMPL_INVERTED,       /* container: {{^name}}…{{/name}} */
	TK_TMPL_PARTIAL,        /* leaf: {{>name}} */
	TK_TMPL_PARENT,         /* container: {{<name}}…{{/name}}; its BLOCK
	                         * children are the overrides, the rest is
	                         * ignored */
	TK_TMPL_BLOCK           /* container: {{$name}}…{{/name}} */
} tk_tmpl_kind;

const tk_tmpl_node *tk_tmpl_root(const tk_tmpl *t);
tk_tmpl_kind tk_tmpl_node_kind(const tk_tmpl_node *n);
/* The tag's name (a dotted name, ".", a partial or block name); NULL for
 * ROOT and TEXT. */
const char *tk_tmpl_node_name(const tk_tmpl_node *n);
/* A TEXT node's literal text (after standalone-line removal), with its
 * length through *len; NULL for other kinds. */
const char *tk_tmpl_node_text(const tk_tmpl_node *n, size_t *len);
/* A container's unprocessed source between its opening and closing tags
 * (for ROOT, the whole source), with its length through *len; NULL for
 * leaves. */
const char *tk_tmpl_node_raw(const tk_tmpl_node *n, size_t *len);
/* 1-based position of the node's opening tag (or text) in the source. */
int tk_tmpl_node_line(const tk_tmpl_node *n);
int tk_tmpl_node_col(const tk_tmpl_node *n);
const tk_tmpl_node *tk_tmpl_node_parent(const tk_tmpl_node *n);
const tk_tmpl_node *tk_tmpl_node_first_child(const tk_tmpl_node *n);
const tk_tmpl_node *tk_tmpl_node_next(const tk_tmpl_node *n);

typedef enum {
	TK_TMPL_EVENT_DONE,
	TK_TMPL_EVENT_ENTER,    /* every node; leaves get only this */
	TK_TMPL_EVENT_EXIT      /* containers, after their children */
} tk_tmpl_event;

/* An iterator over the subtree at root, which it borrows. The caller
 * frees it with tk_tmpl_iter_free, which accepts NULL. */
tk_tmpl_iter *tk_tmpl_iter_new(const tk_tmpl_node *root);
void tk_tmpl_iter_free(tk_tmpl_iter *it);
/* Steps to the next event; the node is then tk_tmpl_iter_node. */
tk_tmpl_event tk_tmpl_iter_next(tk_tmpl_iter *it);
const tk_tmpl_node *tk_tmpl_iter_node(const tk_tmpl_iter *it);

#endif
