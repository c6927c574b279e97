/* export.h: the figures for people who use spreadsheets and feed readers:
 * JSON of every figure, CSV in long form, and an Atom feed of the monthly
 * records. All computed from the model with figures.h, in model order. */
#ifndef TK_EXPORT_H
#define TK_EXPORT_H

#include "model.h"
#include "util.h"

/* Every record's figures per group, per entity and overall, as JSON. */
void tk_export_json(tk_buf *out, const tk_model *m);
/* One row per organisation, group, entity, month and measure:
 * organisation,group,entity,month,roadmap,measure,value,numerator,denominator
 * (group "" and entity "" for totals; value empty when there is no figure). */
void tk_export_csv(tk_buf *out, const tk_model *m);
/* An Atom feed of the newest records (at most limit), newest first. base is
 * the site's address (may be NULL: links stay relative). */
void tk_export_atom(tk_buf *out, const tk_model *m, const char *base, size_t limit);

#endif
