/* parsestore.c: see parsestore.h.
 *
 * The file: a header naming the format and the program, the saved trees
 * back to back, an index (per tree: blob id, offset, length, checksum) and
 * a footer (the index's offset, its entries, its checksum, an end mark).
 * Numbers are 64-bit little-endian. The next store is written as the build
 * goes, new trees as they are met, so memory holds the index only; each at
 * its own offset (pwrite), so nothing buffered can land twice or elsewhere
 * when the build forks. Trees kept from the last store are copied into it
 * at the end, and when they are all it holds, as after a rebuild that
 * changed no content file, the last store stays as it is, unwritten.
 *
 * When the last store's live trees outweigh what it would then hold dead,
 * the new trees, a new index and a new footer are added at its end
 * instead (append): a new record no longer copies the whole store, 500 MB
 * at 100x. The old index and footer and the trees no longer wanted stay
 * in it, unread. A build stopped halfway through adding leaves no footer
 * at the end, so the next one does not trust the store and parses
 * everything. */
#define _GNU_SOURCE
#include "parsestore.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pagecache.h"
#include "source.h"
#include "util.h"

#define MAGIC "tiekartta-parsed 1\n"
#define END_MARK "tkp-end\n"
enum { HEAD = sizeof(MAGIC) - 1 + 8 + 40 + 1, ENTRY = 40 + 3 * 8, FOOT = 4 * 8 };

typedef struct {
	char oid[41];
	uint64_t off, len, check;
	int in_old;             /* off is in the last build's store, still to copy */
} entry;

/* One store file's index: read from the last build's, or being written. */
typedef struct {
	entry **e;
	size_t n, cap;
	tk_strmap *by_oid;
} index_t;

struct tk_parsestore {
	tk_pagecache_mode mode;
	char *file, *tmp;
	char program[41];
	FILE *old;              /* the last build's store, or NULL */
	uint64_t old_size;      /* its size */
	index_t was;
	int next;               /* the next store, or -1 once writing failed */
	/* The site's folder does not exist yet (a first build): the trees
	 * wait in memory until the build has made it. */
	int waiting;
	tk_buf wait;
	uint64_t next_off;
	index_t now;
	size_t nkept;           /* entries of now still in the last store */
};

/* A little-endian word: one load where the machine is little-endian. */
static uint64_t
get64(const unsigned char *p)
{
	uint64_t v;

	memcpy(&v, p, 8);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	v = __builtin_bswap64(v);
#endif
	return v;
}

/* A checksum over 64-bit little-endian words: fast enough to check every
 * tree read, and the same on every machine. */
static uint64_t
checksum(const unsigned char *p, size_t n)
{
	uint64_t h = 0x9e3779b97f4a7c15u ^ n;

	for (; n >= 8; p += 8, n -= 8) {
		h = (h ^ get64(p)) * 0xff51afd7ed558ccdu;
		h ^= h >> 29;
	}
	for (; n > 0; p++, n--)
		h = (h ^ *p) * 0x100000001b3u;
	return h ^ (h >> 32);
}

static void
put64(unsigned char *p, uint64_t v)
{
	int i;

	for (i = 0; i < 8; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

static void
header(char out[HEAD + 1], const char *program)
{
	snprintf(out, HEAD + 1, "%sprogram %s\n", MAGIC, program);
}

static entry *
index_add(index_t *x, const char *oid, uint64_t off, uint64_t len, uint64_t check)
{
	entry *e = xcalloc(1, sizeof(*e));

	memcpy(e->oid, oid, 40);
	e->off = off;
	e->len = len;
	e->check = check;
	if (x->n == x->cap) {
		x->cap = x->cap ? x->cap * 2 : 256;
		x->e = xrealloc(x->e, x->cap * sizeof(*x->e));
	}
	x->e[x->n++] = e;
	tk_strmap_put(x->by_oid, e->oid, e);
	return e;
}

static void
index_free(index_t *x)
{
	size_t i;

	for (i = 0; i < x->n; i++)
		free(x->e[i]);
	free(x->e);
	tk_strmap_free(x->by_oid);
}

/* Reads the last build's index; on anything unexpected the store is empty. */
static void
read_old(tk_parsestore *s)
{
	char want[HEAD + 1], got[HEAD];
	unsigned char foot[FOOT], *idx = NULL;
	uint64_t ioff, n, size, i;
	long end;

	if ((s->old = fopen(s->file, "rb")) == NULL)
		return;
	header(want, s->program);
	if (fread(got, 1, HEAD, s->old) != HEAD || memcmp(got, want, HEAD) != 0 ||
	    fseek(s->old, 0, SEEK_END) != 0 || (end = ftell(s->old)) < HEAD + FOOT ||
	    fseek(s->old, end - FOOT, SEEK_SET) != 0 || fread(foot, 1, FOOT, s->old) != FOOT ||
	    memcmp(foot + 24, END_MARK, 8) != 0)
		goto none;
	size = s->old_size = (uint64_t)end;
	ioff = get64(foot);
	n = get64(foot + 8);
	if (ioff < HEAD || ioff > size - FOOT || (size - FOOT - ioff) / ENTRY != n ||
	    (size - FOOT - ioff) % ENTRY != 0)
		goto none;
	idx = xmalloc(n * ENTRY + 1);
	if (fseek(s->old, (long)ioff, SEEK_SET) != 0 ||
	    fread(idx, 1, n * ENTRY, s->old) != n * ENTRY ||
	    checksum(idx, n * ENTRY) != get64(foot + 16))
		goto none;
	for (i = 0; i < n; i++) {
		const unsigned char *p = idx + i * ENTRY;
		uint64_t off = get64(p + 40), len = get64(p + 48);

		if (off < HEAD || off > ioff || len > ioff - off)
			goto none;
		index_add(&s->was, (const char *)p, off, len, get64(p + 56));
	}
	free(idx);
	return;
none:
	free(idx);
	index_free(&s->was);
	memset(&s->was, 0, sizeof(s->was));
	s->was.by_oid = tk_strmap_new();
	fclose(s->old);
	s->old = NULL;
}

/* Writes len bytes at off in the next store; on failure there is none. */
static void
put_at(tk_parsestore *s, uint64_t off, const void *data, size_t len)
{
	const char *p = data;

	while (s->next >= 0 && len > 0) {
		ssize_t w = pwrite(s->next, p, len, (off_t)off);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			close(s->next);
			s->next = -1;
			return;
		}
		p += w;
		off += (uint64_t)w;
		len -= (size_t)w;
	}
}

tk_parsestore *
tk_parsestore_open(const char *dir)
{
	tk_parsestore *s = xcalloc(1, sizeof(*s));
	char head[HEAD + 1];

	s->next = -1;
	if (!tk_source_program_id(s->program)) {
		free(s);
		return NULL;
	}
	s->mode = tk_pagecache_mode_env();
	s->file = xasprintf("%s%s", dir, TK_PARSESTORE_SUFFIX);
	s->tmp = xasprintf("%s.tmp-%ld", s->file, (long)getpid());
	s->was.by_oid = tk_strmap_new();
	s->now.by_oid = tk_strmap_new();
	if (s->mode == TK_PAGECACHE_OFF)
		return s;
	read_old(s);
	header(head, s->program);
	/* Without a next store the build goes on: it is only not kept. */
	if ((s->next = open(s->tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644)) < 0)
		s->waiting = errno == ENOENT;
	else
		put_at(s, 0, head, HEAD);
	s->next_off = HEAD;
	return s;
}

int
tk_parsestore_has(void *store, const char *oid)
{
	const tk_parsestore *s = store;

	return s->mode == TK_PAGECACHE_ON && tk_strmap_get(s->was.by_oid, oid) != NULL;
}

const char *
tk_parsestore_file(const tk_parsestore *s)
{
	return s->file;
}

int
tk_parsestore_verifying(const tk_parsestore *s)
{
	return s->mode == TK_PAGECACHE_VERIFY;
}

/* Appends one saved tree to the next store, once per blob. */
static void
carry(tk_parsestore *s, const char *oid, const unsigned char *data, size_t len,
    uint64_t check)
{
	if ((s->next < 0 && !s->waiting) || tk_strmap_get(s->now.by_oid, oid) != NULL)
		return;
	if (s->waiting)
		tk_buf_put(&s->wait, (const char *)data, len);
	else if (put_at(s, s->next_off, data, len), s->next < 0)
		return;
	index_add(&s->now, oid, s->next_off, len, check);
	s->next_off += len;
}

/* Notes a tree of the last store for the next one; copied at the end. */
static void
keep(tk_parsestore *s, const entry *was)
{
	if ((s->next < 0 && !s->waiting) || tk_strmap_get(s->now.by_oid, was->oid) != NULL)
		return;
	index_add(&s->now, was->oid, was->off, was->len, was->check)->in_old = 1;
	s->nkept++;
}

tk_ydoc *
tk_parsestore_get(tk_parsestore *s, const char *oid, const char *path)
{
	const entry *e = s->mode == TK_PAGECACHE_OFF ? NULL : tk_strmap_get(s->was.by_oid, oid);
	unsigned char *data;
	tk_ydoc *doc = NULL;

	if (e == NULL || s->old == NULL)
		return NULL;
	data = xmalloc(e->len + 1);
	if (pread(fileno(s->old), data, e->len, (off_t)e->off) == (ssize_t)e->len &&
	    checksum(data, e->len) == e->check &&
	    tk_yaml_restore(&doc, path, data, e->len) == 0)
		keep(s, e);
	free(data);
	return doc;
}

/* Is oid's tree wanted for the next store? */
static int
wants(const tk_parsestore *s, const char *oid)
{
	return s->mode != TK_PAGECACHE_OFF && (s->next >= 0 || s->waiting) &&
	    tk_strmap_get(s->now.by_oid, oid) == NULL;
}

void
tk_parsestore_put(tk_parsestore *s, const char *oid, tk_ydoc *doc)
{
	tk_buf b = TK_BUF_INIT;

	if (!wants(s, oid))
		return;
	tk_yaml_save(&b, doc);
	carry(s, oid, (const unsigned char *)b.data, b.len,
	    checksum((const unsigned char *)b.data, b.len));
	tk_buf_free(&b);
}

void
tk_parsestore_put_saved(tk_parsestore *s, const char *oid, const void *data, size_t len)
{
	if (wants(s, oid))
		carry(s, oid, data, len, checksum(data, len));
}

int
tk_parsestore_agrees(const tk_parsestore *s, tk_ydoc *restored, tk_ydoc *parsed)
{
	tk_buf a = TK_BUF_INIT, b = TK_BUF_INIT;
	int same;

	if (s->mode != TK_PAGECACHE_VERIFY)
		return 1;
	tk_yaml_save(&a, restored);
	tk_yaml_save(&b, parsed);
	same = a.len == b.len && memcmp(a.data, b.data, a.len) == 0;
	tk_buf_free(&a);
	tk_buf_free(&b);
	return same;
}

/* Copies len bytes at in of file from to out of file to, in the kernel
 * where it can. 0, or -1. */
static int
copy_fd(int from, uint64_t in, int to, uint64_t out, uint64_t len)
{
	loff_t i = (loff_t)in, o = (loff_t)out;
	char buf[1 << 16];

	while (len > 0) {
		ssize_t n = copy_file_range(from, &i, to, &o, len, 0);

		if (n <= 0)
			break;
		len -= (uint64_t)n;
	}
	/* Not possible here (another file system, an old kernel): by hand. */
	while (len > 0) {
		ssize_t n = pread(from, buf, len < sizeof(buf) ? len : sizeof(buf), i), w;

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		for (w = 0; w < n; ) {
			ssize_t k = pwrite(to, buf + w, (size_t)(n - w), o + w);

			if (k < 0 && errno == EINTR)
				continue;
			if (k <= 0)
				return -1;
			w += k;
		}
		i += n;
		o += n;
		len -= (uint64_t)n;
	}
	return 0;
}

/* Copies len bytes at off of the last store to the end of the next one;
 * on failure there is no next store. */
static void
copy_range(tk_parsestore *s, uint64_t off, uint64_t len)
{
	if (copy_fd(fileno(s->old), off, s->next, s->next_off, len) < 0) {
		close(s->next);
		s->next = -1;
	}
}

/* Copies the trees kept from the last store into the next one, a run of
 * trees that lay side by side in one piece. */
static void
copy_kept(tk_parsestore *s)
{
	size_t i, j;

	for (i = 0; i < s->now.n && s->next >= 0; i = j) {
		uint64_t from = s->now.e[i]->off, len = 0, at = s->next_off;

		if (!s->now.e[i]->in_old) {
			j = i + 1;
			continue;
		}
		for (j = i; j < s->now.n && s->now.e[j]->in_old &&
		    s->now.e[j]->off == from + len; j++) {
			s->now.e[j]->off = at + len;
			s->now.e[j]->in_old = 0;
			len += s->now.e[j]->len;
		}
		copy_range(s, from, len);
		s->next_off += len;
	}
	s->nkept = 0;
}

/* The index of the next store and its footer, for an index at ioff. */
static unsigned char *
index_bytes(const tk_parsestore *s, uint64_t ioff, size_t *len)
{
	unsigned char *idx = xcalloc(1, s->now.n * ENTRY + FOOT), *foot = idx + s->now.n * ENTRY;
	size_t i;

	for (i = 0; i < s->now.n; i++) {
		unsigned char *p = idx + i * ENTRY;

		memcpy(p, s->now.e[i]->oid, 40);
		put64(p + 40, s->now.e[i]->off);
		put64(p + 48, s->now.e[i]->len);
		put64(p + 56, s->now.e[i]->check);
	}
	put64(foot, ioff);
	put64(foot + 8, s->now.n);
	put64(foot + 16, checksum(idx, s->now.n * ENTRY));
	memcpy(foot + 24, END_MARK, 8);
	*len = s->now.n * ENTRY + FOOT;
	return idx;
}

/* Adds the new trees (in the next store's file, from HEAD on), the index
 * and the footer at the end of the last store, when what it holds dead
 * afterwards weighs no more than what it holds live. 1 done, 0 not
 * wanted, -1 failed: the last store may have lost its footer. */
static int
append_to_old(tk_parsestore *s)
{
	uint64_t added = s->next_off - HEAD, live = HEAD, at = s->old_size, ioff;
	unsigned char *idx;
	size_t i, ilen;
	int fd, from, ok;

	if (s->old == NULL || s->next < 0)
		return 0;
	for (i = 0; i < s->now.n; i++)
		live += s->now.e[i]->len;
	live += s->now.n * ENTRY + FOOT;
	if (at + added + s->now.n * ENTRY + FOOT > 2 * live)
		return 0;
	if ((fd = open(s->file, O_WRONLY | O_CLOEXEC)) < 0)
		return 0;
	if ((from = open(s->tmp, O_RDONLY | O_CLOEXEC)) < 0) {
		close(fd);
		return 0;
	}
	ok = copy_fd(from, HEAD, fd, at, added) == 0;
	close(from);
	for (i = 0; i < s->now.n; i++)
		if (!s->now.e[i]->in_old)
			s->now.e[i]->off += at - HEAD;
	ioff = at + added;
	idx = index_bytes(s, ioff, &ilen);
	ok = ok && pwrite(fd, idx, ilen, (off_t)ioff) == (ssize_t)ilen;
	free(idx);
	ok = close(fd) == 0 && ok;
	close(s->next);
	s->next = -1;
	if (!ok && errno == 0)
		errno = EIO;
	return ok ? 1 : -1;
}

int
tk_parsestore_save(tk_parsestore *s)
{
	unsigned char *idx;
	size_t ilen;
	int ok;

	if (s->mode == TK_PAGECACHE_OFF)
		return 0;
	/* Every tree of the last store and nothing else: it is the next one.
	 * (The next one's start is removed with its temporary name.) */
	if (s->old && s->nkept == s->now.n && s->now.n == s->was.n) {
		if (s->next >= 0)
			close(s->next);
		s->next = -1;
		s->waiting = 0;
		return 0;
	}
	switch (append_to_old(s)) {
	case 1: return 0;
	case -1: return -1;
	default: break;
	}
	if (s->waiting) {
		char head[HEAD + 1];

		header(head, s->program);
		s->waiting = 0;
		if ((s->next = open(s->tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644)) < 0)
			return -1;
		put_at(s, 0, head, HEAD);
		put_at(s, HEAD, s->wait.data ? s->wait.data : "", s->wait.len);
	}
	if (s->nkept)
		copy_kept(s);
	if (s->next < 0) {
		errno = EIO;
		return -1;
	}
	idx = index_bytes(s, s->next_off, &ilen);
	put_at(s, s->next_off, idx, ilen);
	free(idx);
	ok = s->next >= 0 && close(s->next) == 0;
	s->next = -1;
	if (!ok || rename(s->tmp, s->file) != 0) {
		if (errno == 0)
			errno = EIO;
		return -1;
	}
	return 0;
}

void
tk_parsestore_detach(tk_parsestore *s)
{
	if (s) {
		if (s->next >= 0)
			close(s->next);
		s->next = -1;
		s->waiting = 0;
	}
}

void
tk_parsestore_free(tk_parsestore *s)
{
	if (s == NULL)
		return;
	if (s->next >= 0)
		close(s->next);
	/* Saved, the temporary name is gone; otherwise this removes it. */
	unlink(s->tmp);
	if (s->old)
		fclose(s->old);
	index_free(&s->was);
	index_free(&s->now);
	tk_buf_free(&s->wait);
	free(s->file);
	free(s->tmp);
	free(s);
}
