/* chart.h: charts drawn as SVG by the generator: no JavaScript, no
 * external files. Every chart has a title and a description (read by
 * screen readers through aria-labelledby), shows its numbers as text, and
 * never uses colour as the only signal. Pages put the same numbers in a
 * table next to it. */
#ifndef TK_CHART_H
#define TK_CHART_H

#include <stddef.h>

#include "util.h"

/* Horizontal bars of percentages (-1: no figure, drawn as a note). band
 * classes come from bands (the site's three edges). id makes the SVG's
 * element ids unique on the page. */
void tk_chart_bars(tk_buf *out, const char *id, const char *title, const char *desc,
    const char *const *labels, const int *pct, size_t n, const int bands[3],
    const char *no_data);

/* Lines over time: nseries series of npoints percentages each (-1 leaves
 * a gap), x labels below. Each series gets its own marker shape and dash. */
typedef struct {
	const char *name;
	const int *values;
} tk_chart_series;
void tk_chart_lines(tk_buf *out, const char *id, const char *title, const char *desc,
    const char *const *xlabels, size_t npoints, const tk_chart_series *series,
    size_t nseries);

/* A tile-grid map: one square per organisation at (col, row), coloured by
 * band, with a short label and the percentage written on it, linking to
 * href (relative). */
typedef struct {
	int col, row;
	const char *label, *name, *href;
	int pct;
} tk_chart_tile;
void tk_chart_tilemap(tk_buf *out, const char *id, const char *title, const char *desc,
    const tk_chart_tile *tiles, size_t n, const int bands[3], const char *no_data);

#endif
