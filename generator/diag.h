/* diag.h: user-facing diagnostics, "path:line:col: error: message".
 * Problems are collected so a run can list them all and exit 1 at the end. */
#ifndef TK_DIAG_H
#define TK_DIAG_H

#include <stdio.h>

typedef struct tk_diag tk_diag;

/* A collector writing to stream (stderr usually), or with NULL only
 * counting: work whose messages nobody reads (a file parsed ahead, an old
 * version of a record). The caller frees it. */
tk_diag *tk_diag_new(FILE *stream);
void tk_diag_free(tk_diag *d);

/* Reports an error at path:line:col (line/col 0 leave them out). */
void tk_diag_error(tk_diag *d, const char *path, int line, int col,
    const char *fmt, ...) __attribute__((format(printf, 5, 6)));
void tk_diag_warning(tk_diag *d, const char *path, int line, int col,
    const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* Shows the offending source line and a caret under column col. */
void tk_diag_show_line(tk_diag *d, const char *src, size_t len, int line, int col);

int tk_diag_errors(const tk_diag *d);
int tk_diag_warnings(const tk_diag *d);

#endif
