/* chart.c: see chart.h. Coordinates are integers so the SVG text is the
 * same on every machine. Colours are presentation attributes, not style
 * attributes, so the pages' Content-Security-Policy allows them. */
#include "chart.h"

#include <string.h>

#include "figures.h"

static const char *const band_fill[4] = { "#f4b6b6", "#f9d49b", "#f3e48a", "#a9dca9" };
static const char *const band_name[4] = { "b0", "b1", "b2", "b3" };

static void
esc(tk_buf *b, const char *s)
{
	tk_buf_put_html(b, s ? s : "", s ? strlen(s) : 0);
}

/* role is "img" for a picture, "group" for a chart holding links (an
 * image may not contain interactive elements). */
static void
open_svg(tk_buf *b, const char *role, const char *id, int w, int h, const char *title,
    const char *desc)
{
	tk_buf_printf(b, "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" "
	    "width=\"%d\" height=\"%d\" role=\"%s\" class=\"chart\" "
	    "aria-labelledby=\"%s-t %s-d\"><title id=\"%s-t\">", w, h, w, h, role, id, id, id);
	esc(b, title);
	tk_buf_printf(b, "</title><desc id=\"%s-d\">", id);
	esc(b, desc);
	tk_buf_puts(b, "</desc>\n");
}

void
tk_chart_bars(tk_buf *b, const char *id, const char *title, const char *desc,
    const char *const *labels, const int *pct, size_t n, const int bands[3],
    const char *no_data)
{
	const int left = 170, width = 300, row = 28;
	int h = (int)n * row + 30;
	size_t i;

	open_svg(b, "img", id, left + width + 60, h, title, desc);
	/* The scale: 0, 25, 50, 75, 100 %. */
	for (i = 0; i <= 4; i++) {
		int x = left + (int)i * width / 4;

		tk_buf_printf(b, "<line x1=\"%d\" y1=\"0\" x2=\"%d\" y2=\"%d\" stroke=\"#ccc\"/>"
		    "<text x=\"%d\" y=\"%d\" font-size=\"11\" text-anchor=\"middle\" "
		    "fill=\"#444\">%d %%</text>\n", x, x, h - 20, x, h - 6, (int)i * 25);
	}
	for (i = 0; i < n; i++) {
		int y = (int)i * row + 4, band = tk_fig_band(bands, pct[i]);

		tk_buf_printf(b, "<text x=\"%d\" y=\"%d\" font-size=\"13\" text-anchor=\"end\" "
		    "fill=\"#1a1a1a\">", left - 8, y + 15);
		esc(b, labels[i]);
		tk_buf_puts(b, "</text>");
		if (pct[i] < 0) {
			tk_buf_printf(b, "<text x=\"%d\" y=\"%d\" font-size=\"12\" fill=\"#444\">",
			    left + 4, y + 15);
			esc(b, no_data);
			tk_buf_puts(b, "</text>\n");
			continue;
		}
		tk_buf_printf(b, "<rect class=\"%s\" x=\"%d\" y=\"%d\" width=\"%d\" height=\"20\" "
		    "fill=\"%s\" stroke=\"#555\"/><text x=\"%d\" y=\"%d\" font-size=\"12\" "
		    "fill=\"#1a1a1a\">%d %%</text>\n", band_name[band], left, y,
		    pct[i] * width / 100, band_fill[band], left + pct[i] * width / 100 + 4,
		    y + 15, pct[i]);
	}
	tk_buf_puts(b, "</svg>\n");
}

static void
marker(tk_buf *b, int shape, int x, int y)
{
	switch (shape % 3) {
	case 0:
		tk_buf_printf(b, "<circle cx=\"%d\" cy=\"%d\" r=\"3\"/>", x, y);
		break;
	case 1:
		tk_buf_printf(b, "<rect x=\"%d\" y=\"%d\" width=\"6\" height=\"6\"/>", x - 3, y - 3);
		break;
	default:
		tk_buf_printf(b, "<path d=\"M%d %dL%d %dL%d %dZ\"/>", x, y - 4, x + 4, y + 3,
		    x - 4, y + 3);
		break;
	}
}

void
tk_chart_lines(tk_buf *b, const char *id, const char *title, const char *desc,
    const char *const *xlabels, size_t np, const tk_chart_series *s, size_t ns)
{
	static const char *const stroke[3] = { "#003580", "#8a4b00", "#2e6b2e" };
	static const char *const dash[3] = { "", " stroke-dasharray=\"6 3\"",
		" stroke-dasharray=\"2 3\"" };
	const int left = 40, top = 10, w = 520, h = 200;
	int step = np > 1 ? w / (int)(np - 1) : w;
	size_t i, k;

	open_svg(b, "img", id, left + w + 20, top + h + 40 + 18 * (int)ns, title, desc);
	for (i = 0; i <= 4; i++) {
		int y = top + h - (int)i * h / 4;

		tk_buf_printf(b, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#ddd\"/>"
		    "<text x=\"%d\" y=\"%d\" font-size=\"11\" text-anchor=\"end\" fill=\"#444\">"
		    "%d %%</text>\n", left, y, left + w, y, left - 4, y + 4, (int)i * 25);
	}
	for (i = 0; i < np; i++) {
		/* Every label when few, else every third counted from the newest, so
		 * they never overlap and the newest month is always named. */
		if (np > 8 && (np - 1 - i) % 3 != 0)
			continue;
		tk_buf_printf(b, "<text x=\"%d\" y=\"%d\" font-size=\"11\" text-anchor=\"middle\" "
		    "fill=\"#444\">", left + (int)i * step, top + h + 16);
		esc(b, xlabels[i]);
		tk_buf_puts(b, "</text>\n");
	}
	for (k = 0; k < ns; k++) {
		int pen = 0;

		/* A gap (no data) lifts the pen: a missing month is never drawn. */
		tk_buf_printf(b, "<path fill=\"none\" stroke=\"%s\" stroke-width=\"2\"%s d=\"",
		    stroke[k % 3], dash[k % 3]);
		for (i = 0; i < np; i++) {
			int v = s[k].values[i];

			if (v < 0) {
				pen = 0;
				continue;
			}
			tk_buf_printf(b, "%s%d %d", pen ? "L" : "M", left + (int)i * step,
			    top + h - v * h / 100);
			pen = 1;
		}
		tk_buf_printf(b, "\"/>\n<g fill=\"%s\">", stroke[k % 3]);
		for (i = 0; i < np; i++)
			if (s[k].values[i] >= 0)
				marker(b, (int)k, left + (int)i * step,
				    top + h - s[k].values[i] * h / 100);
		tk_buf_puts(b, "</g>\n");
		/* The legend: the same marker and dash as the line. */
		tk_buf_printf(b, "<g fill=\"%s\">", stroke[k % 3]);
		marker(b, (int)k, left + 8, top + h + 34 + 18 * (int)k);
		tk_buf_printf(b, "</g><line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"%s\" "
		    "stroke-width=\"2\"%s/><text x=\"%d\" y=\"%d\" font-size=\"12\" "
		    "fill=\"#1a1a1a\">", left + 16, top + h + 34 + 18 * (int)k, left + 40,
		    top + h + 34 + 18 * (int)k, stroke[k % 3], dash[k % 3], left + 46,
		    top + h + 38 + 18 * (int)k);
		esc(b, s[k].name);
		tk_buf_puts(b, "</text>\n");
	}
	tk_buf_puts(b, "</svg>\n");
}

/* A tile's label in lines of at most TILE_LINE characters, broken after a
 * hyphen ("Pohjois-" / "Pohjanmaa") or at a space ("Södra" / "Österbotten"):
 * a tile is 76 px, and 10 px type is up to 7 px a character in common sans
 * fonts. A longer line (one long word) is set in smaller type to fit. */
enum { TILE_LINE = 10 };

static void
tile_line(tk_buf *b, const char *s, size_t n, int first, int cx)
{
	size_t len = tk_utf8_chars(s, n);
	int shrink = len > TILE_LINE;

	if (!first || shrink) {
		tk_buf_puts(b, "<tspan");
		if (!first)
			tk_buf_printf(b, " x=\"%d\" dy=\"12\"", cx);
		/* In tenths of a pixel: 10 px times TILE_LINE / len. */
		if (shrink)
			tk_buf_printf(b, " font-size=\"%d.%d\"", (int)(100 * TILE_LINE / len) / 10,
			    (int)(100 * TILE_LINE / len) % 10);
		tk_buf_putc(b, '>');
	}
	tk_buf_put_html(b, s, n);
	if (!first || shrink)
		tk_buf_puts(b, "</tspan>");
}

static void
tile_label(tk_buf *b, const char *label, int cx)
{
	const char *line = label, *p;
	int first = 1;

	while (*line) {
		const char *end = NULL;         /* the longest fitting break */

		for (p = line; *p; p++) {
			const char *cut = *p == '-' ? p + 1 : *p == ' ' ? p : NULL;
			int fits;

			if (cut == NULL)
				continue;
			fits = tk_utf8_chars(line, (size_t)(cut - line)) <= TILE_LINE;
			if (fits || end == NULL)        /* a first word too long: alone */
				end = cut;
			if (!fits)
				break;
		}
		/* The rest fits, or is one long word. */
		if (end == NULL || (*p == '\0' && tk_utf8_chars(line, strlen(line)) <= TILE_LINE))
			end = line + strlen(line);
		tile_line(b, line, (size_t)(end - line), first, cx);
		first = 0;
		line = end;
		while (*line == ' ')
			line++;
	}
}

void
tk_chart_tilemap(tk_buf *b, const char *id, const char *title, const char *desc,
    const tk_chart_tile *t, size_t n, const int bands[3], const char *no_data)
{
	const int size = 76, gap = 4;
	int cols = 0, rows = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		if (t[i].col + 1 > cols)
			cols = t[i].col + 1;
		if (t[i].row + 1 > rows)
			rows = t[i].row + 1;
	}
	open_svg(b, "group", id, cols * (size + gap), rows * (size + gap), title, desc);
	for (i = 0; i < n; i++) {
		int x = t[i].col * (size + gap), y = t[i].row * (size + gap);
		int band = tk_fig_band(bands, t[i].pct);
		if (t[i].col < 0 || t[i].row < 0)
			continue;
		tk_buf_puts(b, "<a href=\"");
		esc(b, t[i].href);
		tk_buf_puts(b, "\"><title>");
		esc(b, t[i].name);
		if (t[i].pct >= 0)
			tk_buf_printf(b, ": %d %%", t[i].pct);
		else {
			tk_buf_puts(b, ": ");
			esc(b, no_data);
		}
		tk_buf_printf(b, "</title><rect class=\"%s\" x=\"%d\" y=\"%d\" width=\"%d\" "
		    "height=\"%d\" fill=\"%s\" stroke=\"#555\"/><text x=\"%d\" y=\"%d\" "
		    "font-size=\"10\" text-anchor=\"middle\" fill=\"#1a1a1a\">",
		    band < 0 ? "none" : band_name[band], x, y, size, size,
		    band < 0 ? "#eeeeee" : band_fill[band], x + size / 2, y + 16);
		tile_label(b, t[i].label ? t[i].label : "", x + size / 2);
		tk_buf_printf(b, "</text><text x=\"%d\" y=\"%d\" font-size=\"14\" "
		    "font-weight=\"bold\" text-anchor=\"middle\" fill=\"#1a1a1a\">", x + size / 2,
		    y + 56);
		if (t[i].pct >= 0)
			tk_buf_printf(b, "%d %%", t[i].pct);
		else
			tk_buf_puts(b, "–");
		tk_buf_puts(b, "</text></a>\n");
	}
	tk_buf_puts(b, "</svg>\n");
}
