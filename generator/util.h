/* util.h: allocation that aborts on out-of-memory, a growable byte buffer,
 * and small helpers shared by every module. */
#ifndef TK_UTIL_H
#define TK_UTIL_H

#include <stddef.h>
#include <stdarg.h>
#include <sys/types.h>

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* FNV-1a of n bytes: short keys, no adversary worth a keyed hash. */
size_t tk_hash(const char *s, size_t n);

/* A growable byte buffer; data is always NUL-terminated. Zero-initialise
 * (TK_BUF_INIT) to start; tk_buf_free releases; tk_buf_detach hands the
 * bytes to the caller, who frees them. */
typedef struct {
	char *data;
	size_t len, cap;
} tk_buf;
#define TK_BUF_INIT { NULL, 0, 0 }

void tk_buf_put(tk_buf *b, const char *s, size_t n);
/* Room for n more bytes: the caller writes at most n at b->data + b->len,
 * then adds what it wrote to b->len and NUL-terminates. */
char *tk_buf_reserve(tk_buf *b, size_t n);
void tk_buf_puts(tk_buf *b, const char *s);
void tk_buf_putc(tk_buf *b, char c);
/* Appends n in decimal, as printf's %lld, without printf's cost. */
void tk_buf_put_ll(tk_buf *b, long long n);
/* The same written at p, which has room for TK_LL_MAX bytes; the byte
 * after it (no NUL). For writers that reserve room once. */
enum { TK_LL_MAX = 20 };
char *tk_ll_at(char *p, long long n);
void tk_buf_printf(tk_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void tk_buf_vprintf(tk_buf *b, const char *fmt, va_list ap);
/* Appends s with & < > " ' escaped for HTML text and attribute values. */
void tk_buf_put_html(tk_buf *b, const char *s, size_t n);
void tk_buf_reset(tk_buf *b);
char *tk_buf_detach(tk_buf *b);
void tk_buf_free(tk_buf *b);

/* Reads a whole file; returns 0 and a malloc'd NUL-terminated buffer, or
 * negative with errno set. */
int tk_read_file(char **out, size_t *len, const char *path);
/* Writes all len bytes to fd (through EINTR and short writes); 0 or -1. */
int tk_write_all(int fd, const char *data, size_t len);
/* Appends everything that can be read from fd, to its end, to b; 0 or -1. */
int tk_read_fd(int fd, tk_buf *b);
/* How many processes share a build's work: TK_JOBS (1 or 2),
 * else 2 when the machine has more than one processor. */
int tk_jobs(void);
/* A second process that sends its work to this one through a pipe. In
 * this process: its pid, and the pipe's read end in *fd. In it: 0, and
 * the write end in *fd (it dies with this process and ignores SIGPIPE).
 * -1 when none could start. Streams are flushed first. */
pid_t tk_helper_start(int *fd);
/* Closes fd and stops the helper wherever it is (it writes nothing but
 * the pipe), then waits for it. */
void tk_helper_stop(pid_t pid, int fd);

/* Is s[0..n) valid UTF-8 (no overlongs, no surrogates)? Returns 1, or 0 and
 * sets *bad to the offset of the first bad byte. */
int tk_utf8_valid(const char *s, size_t n, size_t *bad);
/* How many characters s[0..n) of UTF-8 holds (its lead bytes). */
size_t tk_utf8_chars(const char *s, size_t n);
/* The 1-based line and column (in characters) of byte off of buf. */
void tk_text_locate(const char *buf, size_t off, int *line, int *col);
/* Days since 1970-01-01 of a date of the proleptic Gregorian calendar. */
long tk_days_from_civil(int y, int m, int d);



/* An arena: many small allocations freed at once. Model data lives in one
 * per build, so the model needs no per-object frees. */
typedef struct tk_arena tk_arena;
tk_arena *tk_arena_new(void);
void tk_arena_free(tk_arena *a);
void *tk_arena_alloc(tk_arena *a, size_t n);       /* zeroed, aligned */
char *tk_arena_strdup(tk_arena *a, const char *s);
char *tk_arena_strndup(tk_arena *a, const char *s, size_t n);

/* A hash map from NUL-terminated string keys to pointers. Keys are
 * borrowed: they must outlive the map. */
typedef struct tk_strmap tk_strmap;
tk_strmap *tk_strmap_new(void);
void tk_strmap_free(tk_strmap *m);
/* Sets key to val; returns the previous value or NULL. */
void *tk_strmap_put(tk_strmap *m, const char *key, void *val);
void *tk_strmap_get(const tk_strmap *m, const char *key);
size_t tk_strmap_count(const tk_strmap *m);
#endif
