/* parseahead.c: see parseahead.h. */
#include "parseahead.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "diag.h"
#include "util.h"

/* Below this many files to share a process costs more than it saves. */
enum { MIN_FILES = 8 };

struct tk_parseahead {
	pid_t pid;
	int fd;                 /* the second process's trees, in order */
	size_t n;
	const char **path;      /* [k]: the file at order[k] when the second process
	                         * parses it, else NULL */
	/* The next tree read from the pipe, not yet asked for. */
	size_t rec_k;           /* its place, SIZE_MAX when none is held */
	char *rec;
	size_t rec_len, rec_cap;
	int eof;
	size_t given;
};

/* Each tree goes through the pipe as its place and length, then the bytes
 * of tk_yaml_save; length 0 when it did not parse. */
typedef struct {
	size_t k, len;
} header;

static int
read_full(int fd, void *buf, size_t n)
{
	char *p = buf;

	while (n > 0) {
		ssize_t r = read(fd, p, n);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		p += r;
		n -= (size_t)r;
	}
	return 0;
}

/* The second process: parses its files in order and sends each tree.
 * Its messages are dropped: the load parses a failed file again and
 * reports it in its place. Does not return. */
static void
work(tk_parseahead *a, const tk_source *src, const size_t *order)
{
	size_t k;
	tk_diag *d = tk_diag_new(NULL);
	tk_buf b = TK_BUF_INIT;

	for (k = 0; k < a->n; k++) {
		header h = { k, 0 };
		const char *buf;
		size_t len;
		tk_ydoc *doc;

		if (a->path[k] == NULL || !tk_source_peek(src, order[k], &buf, &len))
			continue;
		tk_buf_reset(&b);
		tk_buf_put(&b, (const char *)&h, sizeof(h));
		if (tk_yaml_load(&doc, a->path[k], buf, len, NULL, d) == 0) {
			tk_yaml_save(&b, doc);
			tk_yaml_free(doc);
			((header *)(void *)b.data)->len = b.len - sizeof(h);
		}
		/* The load stopped reading: it needs no more. */
		if (tk_write_all(a->fd, b.data, b.len) != 0)
			break;
	}
	tk_buf_free(&b);
	tk_diag_free(d);
	_exit(0);
}

tk_parseahead *
tk_parseahead_start(const tk_source *src, const size_t *order, size_t n,
    int (*skip)(void *arg, const char *oid), void *arg)
{
	tk_parseahead *a;
	size_t k, mine = 0;

	if (n < MIN_FILES || tk_jobs() < 2)
		return NULL;
	a = xcalloc(1, sizeof(*a));
	a->path = xcalloc(n, sizeof(*a->path));
	a->n = n;
	a->rec_k = SIZE_MAX;
	/* Two of every three files (the load also builds the model and keeps
	 * the trees, about the cost of parsing a third), and only those whose
	 * bytes are in memory: the second process reads nothing from the
	 * repository. */
	for (k = 0; k < n; k++) {
		const tk_source_file *f = tk_source_file_at(src, order[k]);
		const char *buf;
		size_t len;

		if (k % 3 == 0 || (skip && skip(arg, f->oid)) || !tk_source_peek(src, order[k], &buf, &len))
			continue;
		a->path[k] = f->shown;
		mine++;
	}
	if (mine < MIN_FILES / 2 || (a->pid = tk_helper_start(&a->fd)) < 0) {
		free(a->path);
		free(a);
		return NULL;
	}
	if (a->pid == 0)
		work(a, src, order);
	return a;
}

tk_ydoc *
tk_parseahead_take(tk_parseahead *a, size_t k, const void **saved, size_t *len)
{
	tk_ydoc *doc = NULL;

	if (a == NULL || k >= a->n || a->path[k] == NULL)
		return NULL;
	/* Trees come in order; one the load passed by (it did not ask for
	 * that file) is dropped. */
	while (!a->eof && (a->rec_k == SIZE_MAX || a->rec_k < k)) {
		header h;

		if (read_full(a->fd, &h, sizeof(h)) != 0 || h.k >= a->n ||
		    (h.k <= a->rec_k && a->rec_k != SIZE_MAX)) {
			a->eof = 1;
			break;
		}
		if (h.len > a->rec_cap) {
			a->rec_cap = h.len;
			a->rec = xrealloc(a->rec, a->rec_cap);
		}
		if (h.len && read_full(a->fd, a->rec, h.len) != 0) {
			a->eof = 1;
			break;
		}
		a->rec_len = h.len;
		a->rec_k = h.k;
	}
	if (a->eof || a->rec_k != k)
		return NULL;
	/* Not parsed there (its error is the load's to report), or a tree that
	 * does not restore: the load parses the file itself. */
	if (a->rec_len && tk_yaml_restore(&doc, a->path[k], a->rec, a->rec_len) == 0) {
		a->given++;
		*saved = a->rec;
		*len = a->rec_len;
	} else
		doc = NULL;
	return doc;
}

size_t
tk_parseahead_given(const tk_parseahead *a)
{
	return a ? a->given : 0;
}

void
tk_parseahead_end(tk_parseahead *a)
{
	if (a == NULL)
		return;
	tk_helper_stop(a->pid, a->fd);
	free(a->rec);
	free(a->path);
	free(a);
}
