/* diag.c: see diag.h. */
#include "diag.h"

#include <stdarg.h>
#include <stdlib.h>

#include "util.h"

struct tk_diag {
	FILE *stream;
	int errors, warnings;
};

tk_diag *
tk_diag_new(FILE *stream)
{
	tk_diag *d = xcalloc(1, sizeof(*d));

	d->stream = stream;
	return d;
}

void
tk_diag_free(tk_diag *d)
{
	free(d);
}

static void
vreport(tk_diag *d, const char *kind, const char *path, int line, int col,
    const char *fmt, va_list ap)
{
	if (d->stream == NULL)
		return;
	if (path && line > 0 && col > 0)
		fprintf(d->stream, "%s:%d:%d: %s: ", path, line, col, kind);
	else if (path && line > 0)
		fprintf(d->stream, "%s:%d: %s: ", path, line, kind);
	else if (path)
		fprintf(d->stream, "%s: %s: ", path, kind);
	else
		fprintf(d->stream, "tiekartta: %s: ", kind);
	vfprintf(d->stream, fmt, ap);
	fputc('\n', d->stream);
}

void
tk_diag_error(tk_diag *d, const char *path, int line, int col, const char *fmt, ...)
{
	va_list ap;

	d->errors++;
	va_start(ap, fmt);
	vreport(d, "error", path, line, col, fmt, ap);
	va_end(ap);
}

void
tk_diag_warning(tk_diag *d, const char *path, int line, int col, const char *fmt, ...)
{
	va_list ap;

	d->warnings++;
	va_start(ap, fmt);
	vreport(d, "warning", path, line, col, fmt, ap);
	va_end(ap);
}

void
tk_diag_show_line(tk_diag *d, const char *src, size_t len, int line, int col)
{
	size_t i = 0, start, end;
	int l = 1, c;

	if (src == NULL || line < 1 || d->stream == NULL)
		return;
	while (i < len && l < line) {
		if (src[i++] == '\n')
			l++;
	}
	if (l != line)
		return;
	start = i;
	for (end = start; end < len && src[end] != '\n' && src[end] != '\r'; end++)
		;
	fprintf(d->stream, "  %.*s\n  ", (int)(end - start), src + start);
	/* Columns count characters; tabs stay tabs so the caret lines up. */
	for (c = 1, i = start; c < col && i < end; c++) {
		fputc(src[i] == '\t' ? '\t' : ' ', d->stream);
		for (i++; i < end && ((unsigned char)src[i] & 0xc0) == 0x80; i++)
			;
	}
	fputs("^\n", d->stream);
}

int
tk_diag_errors(const tk_diag *d)
{
	return d->errors;
}

int
tk_diag_warnings(const tk_diag *d)
{
	return d->warnings;
}
