/* cmd_new_status.c: `tiekartta new-status REGION PERIOD`, next month's
 * record started from the organisation's last one, so a region edits only
 * what changed. States, their notes and the red flag are carried over;
 * observations, wishes and risks start empty, since they are the month's
 * own. The record moves to the newest roadmap version published by the end
 * of the period; a state whose subtask that version lacks is left out and
 * named in a comment, never silently carried. */
#define _DEFAULT_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "model.h"
#include "util.h"
#include "yaml.h"

static const char usage[] =
	"usage: tiekartta new-status REGION PERIOD [--repo DIR] [--content PATH] [--worktree]\n"
	"\n"
	"Writes status/REGION/PERIOD.yaml (PERIOD as YYYY-MM) into the working tree,\n"
	"started from the organisation's last record before PERIOD at HEAD: states,\n"
	"notes and red flag carried over, observations, wishes and risks empty, the\n"
	"roadmap the newest version published by the end of PERIOD. Edit what\n"
	"changed, check it, and commit it. An existing record is never overwritten.\n"
	"\n"
	"  --repo DIR      the repository (default: the one around the current folder)\n"
	"  --content PATH  the content's folder inside the repository (default content)\n"
	"  --worktree      start from the working tree's records, uncommitted ones too\n"
	"\n"
	"Exit status: 0 written, 1 content errors or the record exists, 2 usage,\n"
	"3 internal or I/O.\n";

typedef struct {
	const char *region, *period, *repo, *content;
	int worktree;
} opts;

/* A state carried into the new record. */
typedef struct {
	const tk_subtask *st;   /* in the new record's version */
	const tk_report *rp;    /* in the old record */
} carried;

static int
parse(opts *o, int argc, char **argv)
{
	/* No --rev: the record is written into the working tree. */
	tk_cli_opt op[] = {
		{ .name = "--repo", .value = &o->repo },
		{ .name = "--content", .value = &o->content },
		{ .name = "--worktree", .flag = &o->worktree },
		{ 0 }
	};
	const char *pos[2] = { NULL, NULL };
	size_t npos;
	int r;

	memset(o, 0, sizeof(*o));
	if ((r = tk_cli_args(argc, argv, op, pos, 2, &npos, usage)) != 0)
		return r;
	if (npos != 2) {
		tk_cli_usage_error("new-status needs an organisation and a month, like "
		    "'tiekartta new-status kainuu 2021-11'");
		return TK_EXIT_USAGE;
	}
	o->region = pos[0];
	o->period = pos[1];
	return 0;
}

/* YYYY-MM into a period, or -1. */
static int
parse_period(const char *s)
{
	int y, m, i;

	if (strlen(s) != 7 || s[4] != '-')
		return -1;
	for (i = 0; i < 7; i++)
		if (i != 4 && (s[i] < '0' || s[i] > '9'))
			return -1;
	y = atoi(s);
	m = atoi(s + 5);
	if (y < 2000 || y > 2100 || m < 1 || m > 12)
		return -1;
	return TK_PERIOD(y, m);
}

/* ---- writing YAML ---- */

/* Characters YAML 1.1 (libyaml) takes for line breaks or would drop. */
static int
odd_char(const char *s)
{
	return strncmp(s, "\xc2\x85", 2) == 0 || strncmp(s, "\xe2\x80\xa8", 3) == 0 ||
	    strncmp(s, "\xe2\x80\xa9", 3) == 0 || strncmp(s, "\xef\xbb\xbf", 3) == 0;
}

/* Can s be a literal block scalar ("|" or "|-") that reads back as s? */
static int
literal_ok(const char *s)
{
	size_t n = strlen(s);
	const char *p;

	if (strchr(s, '\n') == NULL || (n >= 2 && strcmp(s + n - 2, "\n\n") == 0))
		return 0;
	for (p = s; *p; p++) {
		if (((unsigned char)*p < ' ' && *p != '\n') || *p == 0x7f || odd_char(p))
			return 0;
		/* A line may not start with blanks: they would be indentation. */
		if ((p == s || p[-1] == '\n') && (*p == ' ' || *p == '\t'))
			return 0;
	}
	return 1;
}

static void
put_quoted(tk_buf *b, const char *s)
{
	tk_buf_putc(b, '"');
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\') {
			tk_buf_putc(b, '\\');
			tk_buf_putc(b, *s);
		} else if (c == '\n')
			tk_buf_puts(b, "\\n");
		else if (c == '\t')
			tk_buf_puts(b, "\\t");
		else if (c < ' ' || c == 0x7f)
			tk_buf_printf(b, "\\x%02x", c);
		else if (strncmp(s, "\xc2\x85", 2) == 0) {
			tk_buf_puts(b, "\\N");
			s += 1;
		} else if (strncmp(s, "\xe2\x80\xa8", 3) == 0) {
			tk_buf_puts(b, "\\L");
			s += 2;
		} else if (strncmp(s, "\xe2\x80\xa9", 3) == 0) {
			tk_buf_puts(b, "\\P");
			s += 2;
		} else if (strncmp(s, "\xef\xbb\xbf", 3) == 0) {
			tk_buf_puts(b, "\\uFEFF");
			s += 2;
		} else
			tk_buf_putc(b, *s);
	}
	tk_buf_putc(b, '"');
}

/* A text value after "key:", as a literal block when it has several lines
 * (so Markdown stays readable), else quoted; then a newline. */
static void
put_text(tk_buf *b, const char *s, int indent)
{
	const char *p;

	if (!literal_ok(s)) {
		tk_buf_putc(b, ' ');
		put_quoted(b, s);
		tk_buf_putc(b, '\n');
		return;
	}
	tk_buf_puts(b, s[strlen(s) - 1] == '\n' ? " |\n" : " |-\n");
	for (p = s; *p;) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);

		if (n)
			tk_buf_printf(b, "%*s%.*s", indent, "", (int)n, p);
		tk_buf_putc(b, '\n');
		p += n + (nl != NULL);
	}
}

/* ---- the new record ---- */

static int
cmp_carried(const void *a, const void *b)
{
	const carried *x = a, *y = b;

	return x->st->index < y->st->index ? -1 : x->st->index > y->st->index;
}

/* The newest version published by the end of period (NULL: none). */
static const tk_version *
newest_by(const tk_model *m, int period)
{
	const tk_version *best = NULL;
	size_t i;

	for (i = 0; i < tk_model_nversions(m); i++) {
		const tk_version *v = tk_model_version(m, i);

		if (TK_PERIOD(v->date.y, v->date.m) <= period)
			best = v;       /* sorted by date, oldest first */
	}
	return best;
}

/* Reads the written text back and compares what it must keep, so a note
 * the writer got wrong is an internal error and not a changed note. */
static int
reads_back(const char *text, const char *shown, const carried *cs, size_t n,
    const char *reason, tk_diag *d)
{
	tk_ydoc *doc = NULL;
	const tk_ynode *root, *states, *x, *note;
	size_t i;
	int ok = 1;

	if (tk_yaml_load(&doc, shown, text, strlen(text), NULL, d) < 0)
		return -1;
	root = tk_yaml_root(doc);
	states = tk_yaml_get(root, "states");
	for (i = 0; i < n && ok; i++) {
		if (cs[i].rp->note == NULL)
			continue;
		x = tk_yaml_get(states, cs[i].st->id);
		note = x && x->kind == TK_YAML_MAP ? tk_yaml_get(x, "note") : NULL;
		ok = note && note->kind == TK_YAML_SCALAR && strcmp(note->str, cs[i].rp->note) == 0;
	}
	if (ok && reason) {
		x = tk_yaml_get(root, "red_flag");
		note = x ? tk_yaml_get(x, "reason") : NULL;
		ok = note && note->kind == TK_YAML_SCALAR && strcmp(note->str, reason) == 0;
	}
	tk_yaml_free(doc);
	if (!ok)
		tk_diag_error(d, shown, 0, 0, "a note would not read back as it was; "
		    "nothing written (this is a bug in tiekartta)");
	return ok ? 0 : -1;
}

/* Creates a folder unless it is there. */
static int
make_dir(const char *path)
{
	return mkdir(path, 0777) == 0 || errno == EEXIST ? 0 : -1;
}

static int
write_new(const char *path, const char *text)
{
	size_t len = strlen(text), off = 0;
	int fd, saved;

	if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0666)) < 0)
		return -1;
	while (off < len) {
		ssize_t w = write(fd, text + off, len - off);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			saved = errno;
			close(fd);
			unlink(path);
			errno = saved;
			return -1;
		}
		off += (size_t)w;
	}
	if (close(fd) != 0) {
		saved = errno;
		unlink(path);
		errno = saved;
		return -1;
	}
	return 0;
}

int
tk_cmd_new_status(int argc, char **argv)
{
	opts o;
	tk_source_opts so;
	tk_diag *d = tk_diag_new(stderr);
	tk_source *src = NULL;
	tk_model *m = NULL;
	tk_buf b = TK_BUF_INIT, dropped = TK_BUF_INIT;
	const tk_region *reg = NULL;
	const tk_record *prev = NULL;
	const tk_version *v;
	carried *cs = NULL;
	char *shown = NULL, *root = NULL, *disk = NULL, *dir = NULL;
	const char *content;
	size_t i, ncs = 0, ndropped = 0;
	int rc, r, period;

	if ((r = parse(&o, argc, argv)) != 0) {
		rc = r < 0 ? TK_EXIT_OK : r;
		goto out;
	}
	if ((period = parse_period(o.period)) < 0) {
		tk_cli_usage_error("'%s' is not a month; write it as YYYY-MM, for example "
		    "2021-11", o.period);
		rc = TK_EXIT_USAGE;
		goto out;
	}
	memset(&so, 0, sizeof(so));
	so.repo = o.repo;
	so.content = o.content;
	so.worktree = o.worktree;
	if ((r = tk_source_open(&src, &so, d)) < 0) {
		rc = r == TK_SOURCE_EARG ? TK_EXIT_USAGE : TK_EXIT_IO;
		goto out;
	}
	if (tk_model_load(&m, src, NULL, d) < 0) {
		fprintf(stderr, "tiekartta: %d error%s in the content; fix them first, "
		    "nothing written\n", tk_diag_errors(d), tk_diag_errors(d) == 1 ? "" : "s");
		rc = TK_EXIT_CONTENT;
		goto out;
	}
	for (i = 0; i < tk_model_nregions(m); i++)
		if (strcmp(tk_model_region(m, i)->id, o.region) == 0)
			reg = tk_model_region(m, i);
	if (reg == NULL) {
		tk_buf_puts(&b, "");
		for (i = 0; i < tk_model_nregions(m); i++)
			tk_buf_printf(&b, "%s%s", i ? ", " : "", tk_model_region(m, i)->id);
		tk_cli_usage_error("unknown organisation '%s'; regions.yaml has: %s", o.region,
		    b.data);
		rc = TK_EXIT_USAGE;
		goto out;
	}
	content = tk_source_content_path(src);
	/* Shown as the model shows paths: from the content folder's name. */
	shown = xasprintf("%s/status/%s/%s.yaml", content, reg->id, o.period);
	for (i = 0; i < tk_model_nrecords(m); i++) {
		const tk_record *rec = tk_model_record(m, i);

		if (rec->region != reg || rec->period > period)
			continue;
		if (rec->period == period) {
			tk_diag_error(d, rec->path, 0, 0, "the record of %s exists already; "
			    "edit it instead", o.period);
			rc = TK_EXIT_CONTENT;
			goto out;
		}
		prev = rec;     /* sorted by period: the last one before wins */
	}

	/* The version: the newest published by the end of the period, unless
	 * the last record already reports against a newer one. */
	v = newest_by(m, period);
	if (prev && prev->version && (v == NULL || TK_PERIOD(prev->version->date.y, prev->version->date.m) >
	    TK_PERIOD(v->date.y, v->date.m)))
		v = prev->version;
	if (v == NULL && tk_model_nversions(m))
		v = tk_model_version(m, tk_model_nversions(m) - 1);
	if (v == NULL) {
		tk_diag_error(d, content, 0, 0, "no roadmap version to report against; add "
		    "one under roadmap/ first");
		rc = TK_EXIT_CONTENT;
		goto out;
	}
	if (prev) {
		cs = xcalloc(prev->nreports + 1, sizeof(*cs));
		for (i = 0; i < prev->nreports; i++) {
			const tk_report *rp = &prev->reports[i];
			const tk_subtask *st = tk_version_subtask(m, v, rp->subtask->id);

			if (st && tk_entity_applies(st->task->entity, reg)) {
				cs[ncs].st = st;
				cs[ncs++].rp = rp;
				continue;
			}
			tk_buf_printf(&dropped, "  # %s: %s\n", rp->subtask->id,
			    tk_state_name(rp->state));
			ndropped++;
		}
		qsort(cs, ncs, sizeof(*cs), cmp_carried);
	}

	tk_buf_reset(&b);
	tk_buf_printf(&b, "region: %s\nperiod: %s\nroadmap: %s\nstates:\n", reg->id, o.period,
	    v->id);
	for (i = 0; i < ncs; i++) {
		if (cs[i].rp->note == NULL) {
			tk_buf_printf(&b, "  %s: %s\n", cs[i].st->id, tk_state_name(cs[i].rp->state));
			continue;
		}
		tk_buf_printf(&b, "  %s:\n    state: %s\n    note:", cs[i].st->id,
		    tk_state_name(cs[i].rp->state));
		put_text(&b, cs[i].rp->note, 6);
	}
	if (ndropped) {
		tk_buf_printf(&b, "  # Not in roadmap %s, so left out of this record:\n%s",
		    v->id, dropped.data);
	}
	if (prev == NULL) {
		/* Nothing to start from: the tracked subtasks, to uncomment. */
		size_t e, t, s;

		tk_buf_printf(&b, "  # The critical subtasks of roadmap %s for %s; uncomment "
		    "each one you\n  # report on and set its state.\n", v->id, reg->id);
		for (e = 0; e < v->nentities; e++) {
			const tk_entity *ent = v->entities[e];

			if (!tk_entity_applies(ent, reg))
				continue;
			for (t = 0; t < ent->ntasks; t++)
				for (s = 0; s < ent->tasks[t].nsubtasks; s++)
					if (ent->tasks[t].subtasks[s].critical)
						tk_buf_printf(&b, "  # %s: ei aloitettu\n",
						    ent->tasks[t].subtasks[s].id);
		}
	}
	if (prev && prev->red_flag) {
		tk_buf_puts(&b, "red_flag:\n  reason:");
		put_text(&b, prev->red_flag_reason ? prev->red_flag_reason : "", 4);
		if (prev->red_flag_since >= 0)
			tk_buf_printf(&b, "  since: %04d-%02d\n", prev->red_flag_since / 12,
			    prev->red_flag_since % 12 + 1);
	}
	tk_buf_puts(&b, "observations: []\nwishes: []\nrisks: []\n");
	if (reads_back(b.data, shown, cs, ncs, prev && prev->red_flag ?
	    (prev->red_flag_reason ? prev->red_flag_reason : "") : NULL, d) < 0) {
		rc = TK_EXIT_IO;
		goto out;
	}

	/* Into the working tree (or the plain folder outside Git). */
	if (tk_source_workdir(src))
		root = xasprintf("%s%s", tk_source_workdir(src), content);
	else
		root = o.repo ? xasprintf("%s/%s", o.repo, content) : xstrdup(content);
	dir = xasprintf("%s/status", root);
	disk = xasprintf("%s/%s", dir, reg->id);
	if (make_dir(dir) < 0 || make_dir(disk) < 0) {
		tk_diag_error(d, shown, 0, 0, "cannot create the folder: %s", strerror(errno));
		rc = TK_EXIT_IO;
		goto out;
	}
	free(disk);
	disk = xasprintf("%s/status/%s/%s.yaml", root, reg->id, o.period);
	if (write_new(disk, b.data) < 0) {
		if (errno == EEXIST) {
			tk_diag_error(d, shown, 0, 0, "the file exists already; edit it, or "
			    "remove it to start again");
			rc = TK_EXIT_CONTENT;
		} else {
			tk_diag_error(d, shown, 0, 0, "cannot write: %s", strerror(errno));
			rc = TK_EXIT_IO;
		}
		goto out;
	}
	if (prev)
		printf("tiekartta: wrote %s from %04d-%02d: %zu state%s carried, %s, roadmap %s\n",
		    shown, prev->period / 12, prev->period % 12 + 1, ncs, ncs == 1 ? "" : "s",
		    prev->red_flag ? "red flag kept" : "no red flag", v->id);
	else
		printf("tiekartta: wrote %s: no earlier record, so the states are listed "
		    "as comments to fill in, roadmap %s\n", shown, v->id);
	if (ndropped)
		tk_diag_warning(d, shown, 0, 0, "%zu state%s left out: %s not in roadmap %s "
		    "(listed in a comment in the file)", ndropped, ndropped == 1 ? "" : "s",
		    ndropped == 1 ? "its subtask is" : "their subtasks are", v->id);
	rc = TK_EXIT_OK;
out:
	free(cs);
	free(shown);
	free(root);
	free(dir);
	free(disk);
	tk_buf_free(&b);
	tk_buf_free(&dropped);
	tk_model_free(m);
	tk_source_free(src);
	tk_diag_free(d);
	return rc;
}
