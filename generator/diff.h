/* diff.h: what changed between two roadmap versions, for historians.
 *
 * Items (entities, tasks, subtasks) are matched by stable id first. Items
 * left without a partner are matched by the similarity of their Finnish
 * titles, and such matches are marked inferred, never asserted:
 *
 *   similarity = 2 * LCS / (m + n) over the titles' normalised words (runs
 *   of letters and digits, lower-cased; punctuation and spacing ignored),
 *   where LCS is the longest common subsequence of words and m, n the word
 *   counts. For entities and tasks the score is the larger of that and
 *   the share of subtasks they hold in common (2 * shared / (m + n)).
 *
 *   1. Anywhere in the version: pairs scoring >= TK_DIFF_THRESHOLD (0.6)
 *      are taken greedily, best first; ties go to the pair whose parents
 *      are matched to each other, then to roadmap order.
 *   2. Then, for items still alone: the same display number under matched
 *      parents (entities: in the same group) and a score >=
 *      TK_DIFF_THRESHOLD_PLACE (0.4), the way a reader takes "4.2" that
 *      kept its place and half its words as the same item reworded.
 *
 * Levels are matched top-down (entities, tasks, subtasks) and then tasks
 * and entities once more, so that the subtasks they share count.
 *
 * Each matched pair is classified (several kinds may hold at once):
 * renumbered (display number changed, same parent), moved (to another
 * task, entity or group; the number change is part of the move), reworded
 * (title changed; a word-level diff shows deletions and insertions),
 * criticality, due (quarter), phase, start_first_dropped,
 * start_first_added, and for entities carried (the new entity's text was
 * carried from an earlier version, see `carried` in the content format;
 * reported unless the old entity was carried from the same place).
 * Unmatched items are added or removed. Group titles and the versions'
 * intro texts are diffed too. Output is in roadmap order: the new
 * version's order, removed items placed after their old predecessor.
 *
 * The result is a tk_value tree (pages and JSON share it); text, JSON and
 * Markdown writers print it. */
#ifndef TK_DIFF_H
#define TK_DIFF_H

#include <stddef.h>

#include "model.h"
#include "util.h"
#include "value.h"

#define TK_DIFF_THRESHOLD 0.6
#define TK_DIFF_THRESHOLD_PLACE 0.4

typedef enum {
	TK_DIFF_ADDED,
	TK_DIFF_REMOVED,
	TK_DIFF_RENUMBERED,
	TK_DIFF_MOVED,
	TK_DIFF_REWORDED,
	TK_DIFF_CRITICALITY,
	TK_DIFF_DUE,
	TK_DIFF_PHASE,
	TK_DIFF_START_FIRST_DROPPED,
	TK_DIFF_START_FIRST_ADDED,
	TK_DIFF_CARRIED,
	TK_DIFF_KIND_COUNT
} tk_diff_kind;

/* The kind's name as used in the value tree ("renumbered"). */
const char *tk_diff_kind_name(tk_diff_kind k);

typedef struct tk_diff tk_diff;

/* Compares old_version (of old_model) with new_version (of new_model); the
 * models may be the same. Groups are matched by id. The diff borrows both
 * versions: free it before the models. The caller frees *out with
 * tk_diff_free. Returns 0 (running out of memory aborts). */
int tk_diff_new(tk_diff **out, const tk_model *old_model, const tk_version *old_version,
    const tk_model *new_model, const tk_version *new_version);
void tk_diff_free(tk_diff *d);

/* The result, borrowed from d:
 *   {kind: "versions", old: {id, date, title, source}, new: {…}, equal,
 *    method: "…", threshold, threshold_place,
 *    summary: {total: {<kind>: n, …, inferred: n},
 *              groups: [{id, short, counts: {…}}], intro_changed},
 *    intro: <text diff, see tk_diff_text>,
 *    groups: [{id, short, title, changes: [change…], inferred: [match…]}]}
 * A change: {level: "group"|"entity"|"task"|"subtask", kinds: [name…],
 *   id (the new id, or the old one when removed), inferred, similarity
 *   (only when inferred), old: item|null, new: item|null, words (when the
 *   Finnish title was reworded), words_sv, words_en, carried: {from,
 *   reason}}. An item: {id, number, title, group; entity, entity_number,
 *   entity_title for tasks and subtasks; task, task_number, task_title,
 *   critical, due ("2021-Q3"), phase, start_first for subtasks;
 *   carried_from for entities}. A match: {level, old, new, old_number,
 *   new_number, similarity} for every inferred match, changed or not.
 * equal is true when there is no change, no intro change and no inferred
 * match. "inferred" in the counts counts inferred matches. */
const tk_value *tk_diff_value(const tk_diff *d);
int tk_diff_equal(const tk_diff *d);

/* The subtask that old became in the new version (or NULL when removed),
 * and the reverse; *inferred (when not NULL) says whether the match is
 * by similarity. Subtasks are looked up by id, so the argument must be
 * from the corresponding version. */
const tk_subtask *tk_diff_subtask_new(const tk_diff *d, const tk_subtask *old, int *inferred);
const tk_subtask *tk_diff_subtask_old(const tk_diff *d, const tk_subtask *new_, int *inferred);
/* The change entry of a subtask of the new version (borrowed from the
 * value tree), or NULL when it did not change. */
const tk_value *tk_diff_subtask_change(const tk_diff *d, const tk_subtask *new_);

/* The similarity described above of two texts, 0..1 (1 when both are
 * empty of words). */
double tk_diff_similarity(const char *a, const char *b);

/* A word-level diff of two texts split at white space: a list of
 * segments {op: "same"|"del"|"ins", text}, words of one segment joined by
 * single spaces, deletions before insertions. The caller frees it. NULL
 * texts count as empty. */
tk_value *tk_diff_words(const char *old_text, const char *new_text);

/* A line diff of two multi-line texts (the intros), with changed lines
 * paired by similarity >= 0.5 and diffed by word:
 *   {changed, lines: [{op: "same"|"del"|"ins", text} |
 *                     {op: "changed", words: [segment…]}]}.
 * The caller frees it. */
tk_value *tk_diff_text(const char *old_text, const char *new_text);

/* Compares two models, the content at two Git revisions: every version
 * present in both is diffed (as above), versions only in one are listed,
 * and status records are compared:
 *   {kind: "revisions", old: {name, commit}, new: {…}, equal,
 *    versions: [<version diff>…], versions_added: [{id, date, title}…],
 *    versions_removed: […],
 *    status: {organisations: [id…], months: ["2021-10"…],
 *             subtasks: [id…], added: [record…], removed: [record…],
 *             changed: [{region, period, path, roadmap: {old, new},
 *                        states: [{subtask, old, new}], notes: [id…],
 *                        red_flag: {old, new}, remarks: [name…]}]}}
 * A record: {region, period, path, roadmap, reports}. roadmap,
 * red_flag and remarks appear only when they changed; a state absent from
 * one side is null. names are shown as given (the revisions). The caller
 * frees *out. Returns 0. */
int tk_diff_revisions(tk_value **out, const tk_model *old_model, const char *old_name,
    const tk_model *new_model, const char *new_name);

/* Appends a diff value (from tk_diff_value or tk_diff_revisions) as
 * plain text (deletions [-like this-], insertions {+like this+}), as
 * pretty-printed JSON, or as Markdown (deletions ~~struck~~, insertions
 * **bold**, content escaped). */
void tk_diff_write_text(tk_buf *b, const tk_value *v);
void tk_diff_write_json(tk_buf *b, const tk_value *v);
void tk_diff_write_markdown(tk_buf *b, const tk_value *v);

/* The diffs between consecutive versions of one model, and of its first
 * version with its last when it has more than two, for history pages. It
 * borrows m: free it first. The caller frees *out with
 * tk_diff_history_free. Returns 0. */
typedef struct tk_diff_history tk_diff_history;
int tk_diff_history_new(tk_diff_history **out, const tk_model *m);
void tk_diff_history_free(tk_diff_history *h);
/* The diff of version i to version i + 1 (borrowed); i < nversions - 1. */
const tk_diff *tk_diff_history_step(const tk_diff_history *h, size_t i);
/* The first version with the last (borrowed), or NULL with two or fewer. */
const tk_diff *tk_diff_history_first_last(const tk_diff_history *h);

/* A subtask's appearance in every version, oldest first, following
 * matches (by id or inferred) from the version named version_id (NULL:
 * the newest version that has subtask_id):
 *   [{version, date, present, id, number, title, group, entity,
 *     entity_number, entity_title, task, task_number, task_title,
 *     critical, due, phase, start_first, carried_from, inferred,
 *     similarity, kinds: [name…], words}…]
 * where kinds/words compare with the previous version (empty in the first
 * version it appears in; "added" where it first appears after an earlier
 * version lacked it) and absent versions are {version, date, present:
 * false}. A subtask that disappears is looked up by its last id in later
 * versions. NULL when no version has it. The caller frees the list. */
tk_value *tk_diff_history_subtask(const tk_diff_history *h, const char *version_id,
    const char *subtask_id);

#endif
