/* test_chart.c: the SVG charts: gaps stay gaps, numbers are written as
 * text, labels are escaped, and each chart is titled for screen readers. */
#include <stdlib.h>
#include <string.h>

#include "chart.h"
#include "harness.h"
#include "util.h"

static int
count(const char *s, const char *needle)
{
	int n = 0;

	while ((s = strstr(s, needle)) != NULL) {
		n++;
		s += strlen(needle);
	}
	return n;
}

int
main(void)
{
	const int bands[3] = { 25, 50, 75 };
	tk_buf b = TK_BUF_INIT;
	const char *labels[] = { "HTT", "<J&O>" }, *x[] = { "8/21", "9/21", "10/21", "11/21" };
	int pct[] = { 57, -1 }, a[] = { 10, -1, 30, 40 }, c[] = { 50, 60, 70, 80 };
	tk_chart_series s[2] = { { "Valmiusaste", a }, { "Eteneminen", c } };
	tk_chart_tile t[2] = { { 0, 0, "Pohjois-Karjala", "Pohjois-Karjala", "alueet/pk/", 76 },
		{ 1, 0, "HUS", "HUS", "a\"b", -1 } };

	tk_chart_bars(&b, "p", "Eteneminen", "Kuvaus", labels, pct, 2, bands, "ei tietoa");
	tk_check_has("bars: titled for screen readers", b.data,
	    "role=\"img\" class=\"chart\" aria-labelledby=\"p-t p-d\"><title id=\"p-t\">Eteneminen</title>");
	tk_check_has("bars: the number as text", b.data, ">57 %</text>");
	tk_check_has("bars: band class 50-75", b.data, "<rect class=\"b2\"");
	tk_check_has("bars: 57 % of 300 px is 171 px", b.data, "width=\"171\"");
	tk_check_has("bars: labels escaped", b.data, "&lt;J&amp;O&gt;");
	tk_check_has("bars: no figure is said, not drawn as 0", b.data, ">ei tietoa</text>");
	tk_check("bars: one rect (no bar for no figure)", count(b.data, "<rect") == 1, NULL);
	tk_buf_reset(&b);

	tk_chart_lines(&b, "l", "Trendi", "Kuvaus", x, 4, s, 2);
	/* Series a has a gap at 9/21: its path restarts with a second M. */
	/* 10 % of 200 px above the axis at y 210 is y 190; x steps by 520/3. */
	tk_check_has("lines: a gap lifts the pen", b.data, "d=\"M40 190M386 150L559 130\"");
	tk_check_has("lines: the full series is one stroke", b.data,
	    "d=\"M40 110L213 90L386 70L559 50\"");
	tk_check("lines: no marker for the missing month",
	    count(b.data, "<circle") == 3 + 1, NULL);
	tk_check_has("lines: legend names the series", b.data, ">Eteneminen</text>");
	tk_buf_reset(&b);

	tk_chart_tilemap(&b, "m", "Kartta", "Kuvaus", t, 2, bands, "ei tietoa");
	tk_check_has("map: a group, not an image, since it holds links", b.data,
	    "role=\"group\" class=\"chart\" aria-labelledby=\"m-t m-d\"");
	tk_check_has("map: names break after the hyphen", b.data,
	    "Pohjois-<tspan x=\"38\" dy=\"12\">Karjala</tspan>");
	tk_check_has("map: 76 % is over 75", b.data, "<rect class=\"b3\"");
	tk_check_has("map: href escaped", b.data, "<a href=\"a&quot;b\">");
	tk_check_has("map: no data tile says so", b.data, "<title>HUS: ei tietoa</title>");
	tk_buf_reset(&b);
	/* Swedish names are longer: lines of up to 10 characters, broken at
	 * spaces and hyphens; a longer word in smaller type (10 px x 10 / n). */
	{
		tk_chart_tile sv[4] = { { 0, 0, "Södra Österbotten", "Södra Österbotten", "a/", 1 },
			{ 1, 0, "Vanda och Kervo", "Vanda och Kervo", "b/", 1 },
			{ 2, 0, "Kymmenedalen", "Kymmenedalen", "c/", 1 },
			{ 3, 0, "Kanta-Häme", "Kanta-Häme", "d/", 1 } };

		tk_chart_tilemap(&b, "m", "Karta", "Beskrivning", sv, 4, bands, "–");
		tk_check_has("map: a long name breaks at its space, the longer word smaller",
		    b.data, ">Södra<tspan x=\"38\" dy=\"12\" font-size=\"9.0\">Österbotten</tspan>");
		tk_check_has("map: words that fit share a line", b.data,
		    ">Vanda och<tspan x=\"118\" dy=\"12\">Kervo</tspan>");
		tk_check_has("map: one long word, one line in smaller type", b.data,
		    "><tspan font-size=\"8.3\">Kymmenedalen</tspan></text>");
		tk_check_has("map: a hyphenated name that fits stays whole", b.data,
		    ">Kanta-Häme</text>");
	}
	tk_buf_free(&b);
	return tk_test_end();
}
