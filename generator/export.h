/* export.h: the figures for people who use spreadsheets and feed readers:
 * JSON of every figure, CSV in long form, and an Atom feed of the monthly
 * records. All computed from the model with figures.h, in model order. */
#ifndef TK_EXPORT_H
#define TK_EXPORT_H

#include "figures.h"
#include "model.h"
#include "util.h"

/* Where the JSON and CSV go besides out: at 100x scale they are hundreds
 * of megabytes each, so out is emptied into fn(arg, bytes, len) whenever
 * it holds a megabyte; what is left at the end is the caller's to write.
 * fn gives negative on failure, and the export then stops. */
typedef struct {
	int (*fn)(void *arg, const char *data, size_t len);
	void *arg;
} tk_export_spill;

/* Every record's figures per group, per entity and overall, as JSON,
 * appended to out (spilt through spill, when not NULL), the counts taken
 * from t (tk_fig_table_new of m), or counted here when t is NULL.
 * Negative when spilling failed. */
int tk_export_json(tk_buf *out, const tk_model *m, const tk_fig_table *t,
    const tk_export_spill *spill);
/* One row per organisation, group, entity, month and measure:
 * organisation,group,entity,month,roadmap,measure,value,numerator,denominator
 * (group "" and entity "" for totals; value empty when there is no figure).
 * As tk_export_json. */
int tk_export_csv(tk_buf *out, const tk_model *m, const tk_fig_table *t,
    const tk_export_spill *spill);
/* An Atom feed of the newest records (at most limit), newest first. base is
 * the site's address (may be NULL: links stay relative). */
void tk_export_atom(tk_buf *out, const tk_model *m, const char *base, size_t limit);

#endif
