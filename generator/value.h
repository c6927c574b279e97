/* value.h: the view data that templates render: null, bool, number,
 * string, list, and map (ordered by insertion, looked up by key). */
#ifndef TK_VALUE_H
#define TK_VALUE_H

#include <stddef.h>

#include "diag.h"
#include "util.h"
#include "yaml.h"

typedef enum {
	TK_VALUE_NULL,
	TK_VALUE_BOOL,
	TK_VALUE_NUM,
	TK_VALUE_STR,
	TK_VALUE_LIST,
	TK_VALUE_MAP
} tk_value_kind;

typedef struct tk_value tk_value;

/* An arena for values that die together, like one page's view data.
 * While an arena is in use (tk_value_arena_use), the constructors, copies
 * and tk_value_from_yaml take every node, string and array from it, and
 * tk_value_free does nothing to its values: tk_value_arena_reset releases
 * them all at once. A heap value handed to a list or map in an arena is
 * the arena's from then on; a value from an arena may go only into
 * containers of the same arena (anything else aborts). */
typedef struct tk_value_arena tk_value_arena;

tk_value_arena *tk_value_arena_new(void);
/* Releases the arena and all its values; accepts NULL. */
void tk_value_arena_free(tk_value_arena *a);
/* Makes values come from a (NULL: from the heap) until the next call;
 * returns the arena in use before. */
tk_value_arena *tk_value_arena_use(tk_value_arena *a);
/* The arena in use, or NULL for the heap. */
tk_value_arena *tk_value_arena_current(void);
/* Releases every value made in a, and every heap value it took; keeps its
 * memory for the values made next. */
void tk_value_arena_reset(tk_value_arena *a);

/* Constructors. Each returns a new value that the caller frees with
 * tk_value_free, unless it hands the value to a list or map. */
tk_value *tk_value_null(void);
tk_value *tk_value_bool(int b);
/* A boolean that lives as long as the program, for lookups that answer
 * with a value no map holds; never freed nor put in a map. */
const tk_value *tk_value_bool_shared(int b);
tk_value *tk_value_num(double d);
tk_value *tk_value_str(const char *s);                   /* copies s */
tk_value *tk_value_strn(const char *s, size_t n);        /* copies s[0..n) */
tk_value *tk_value_list(void);
tk_value *tk_value_map(void);
/* A deep copy, owned by the caller (or by the arena in use). */
tk_value *tk_value_copy(const tk_value *v);
/* Frees v and everything it holds; accepts NULL and values of an arena
 * (which wait for the arena's reset). */
void tk_value_free(tk_value *v);

tk_value_kind tk_value_kind_of(const tk_value *v);
/* The bool (0 or 1); 0 when v is not a bool. */
int tk_value_get_bool(const tk_value *v);
/* The number; 0 when v is not a number. */
double tk_value_get_num(const tk_value *v);
/* The string's bytes, borrowed from v and NUL-terminated, with the length
 * through *len when len is not NULL; NULL when v is not a string. */
const char *tk_value_get_str(const tk_value *v, size_t *len);

/* Appends v to list, which takes ownership of v. The pointer stays valid
 * until the list is freed, so the caller may keep filling v. */
void tk_value_list_push(tk_value *list, tk_value *v);
size_t tk_value_list_len(const tk_value *list);
/* Swaps items i and j (for sorting in place); out of range does nothing. */
void tk_value_list_swap(tk_value *list, size_t i, size_t j);
/* Item i, borrowed from the list; NULL when out of range or not a list. */
const tk_value *tk_value_list_at(const tk_value *list, size_t i);

/* Sets key to v; map takes ownership of v and copies the key. A key that
 * is already there keeps its place and its old value is freed. */
void tk_value_map_set(tk_value *map, const char *key, tk_value *v);
/* map[key] = a new string (null when s is NULL), number or boolean. */
void tk_value_set_str(tk_value *map, const char *key, const char *s);
void tk_value_set_num(tk_value *map, const char *key, double d);
void tk_value_set_bool(tk_value *map, const char *key, int b);
void tk_value_map_setn(tk_value *map, const char *key, size_t klen, tk_value *v);

/* The keys of maps made many times over (a month page has ten thousand
 * measure cells of ten keys): hashed and indexed once, so that in an
 * arena each map is two copies instead of an insertion per key. keys are
 * borrowed: they must outlive the shape and every map made from it
 * (string literals). */
typedef struct tk_value_shape tk_value_shape;
tk_value_shape *tk_value_shape_new(const char *const *keys, size_t n);
void tk_value_shape_free(tk_value_shape *s);
/* A map of the shape's keys, in order, to vals (taken, as by
 * tk_value_map_set): the same map as setting them one by one. */
tk_value *tk_value_map_shaped(const tk_value_shape *s, tk_value *const *vals);
/* The value under key, borrowed from the map; NULL when absent or when
 * map is not a map. */
const tk_value *tk_value_map_get(const tk_value *map, const char *key);
const tk_value *tk_value_map_getn(const tk_value *map, const char *key, size_t klen);
/* The same, with h = tk_value_key_hash(key, klen) worked out before (a
 * template hashes its names once). */
const tk_value *tk_value_map_geth(const tk_value *map, const char *key, size_t klen, size_t h);
size_t tk_value_key_hash(const char *key, size_t klen);
size_t tk_value_map_len(const tk_value *map);
/* Entry i in insertion order: its key (borrowed, NUL-terminated, length
 * through *klen when not NULL) and its value (borrowed). */
const char *tk_value_map_key(const tk_value *map, size_t i, size_t *klen);
const tk_value *tk_value_map_at(const tk_value *map, size_t i);

/* Appends d as text: integers without a fraction ("85"), others in the
 * fewest digits that read back as the same double ("1.21"); NaN and the
 * infinities as "nan", "inf", "-inf". */
void tk_value_put_num(tk_buf *b, double d);

/* Appends the n bytes at s as a JSON string, escaped as below. */
void tk_value_put_json_str(tk_buf *b, const char *s, size_t n);

/* Appends v as JSON: keys in insertion order, numbers as tk_value_put_num
 * (NaN and the infinities as null), strings escaped (control characters
 * as \uXXXX or their short forms, invalid UTF-8 as U+FFFD). pretty indents
 * by two spaces and ends with a newline. */
void tk_value_write_json(tk_buf *b, const tk_value *v, int pretty);
/* Appends v in a compact form made to be hashed, not read: each value's
 * kind, then its bytes (a string's length and bytes, a number's double, a
 * collection's count and members, keys in insertion order). Two values
 * give the same bytes only when they are the same; a tenth of the cost of
 * JSON, which formats numbers and escapes strings. */
void tk_value_digest(tk_buf *b, const tk_value *v);

/* Converts a YAML tree by the YAML 1.2 core schema: plain null, ~ and
 * empty are null, true/false are bools, plain integers (also 0x, 0o) and
 * floats (also .inf, .nan) are numbers, everything quoted or tagged !!str
 * is a string; a NULL node gives null. On success *out is the caller's to
 * free. A scalar that contradicts its explicit tag (!!int abc) is reported
 * through d as "path:line:col: error: …" and gives negative, *out NULL. */
int tk_value_from_yaml(tk_value **out, const tk_ynode *n, const char *path, tk_diag *d);

#endif
