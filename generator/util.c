/* util.c: see util.h. */
#define _DEFAULT_SOURCE
#include "util.h"

#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

static void
oom(void)
{
	fputs("tiekartta: out of memory\n", stderr);
	abort();
}

void *
xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (p == NULL)
		oom();
	return p;
}

void *
xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);
	if (p == NULL)
		oom();
	return p;
}

void *
xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (p == NULL)
		oom();
	return p;
}

char *
xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

char *
xstrndup(const char *s, size_t n)
{
	char *p = xmalloc(n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *
xasprintf(const char *fmt, ...)
{
	tk_buf b = TK_BUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	tk_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	return tk_buf_detach(&b);
}

static void
grow(tk_buf *b, size_t more)
{
	size_t need = b->len + more + 1;

	if (need <= b->cap)
		return;
	if (b->cap == 0)
		b->cap = 64;
	while (b->cap < need)
		b->cap *= 2;
	b->data = xrealloc(b->data, b->cap);
}

size_t
tk_hash(const char *s, size_t n)
{
	uint64_t h = 14695981039346656037ULL;
	size_t i;

	for (i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= 1099511628211ULL;
	}
	return (size_t)h;
}

char *
tk_buf_reserve(tk_buf *b, size_t n)
{
	grow(b, n);
	return b->data + b->len;
}

void
tk_buf_put(tk_buf *b, const char *s, size_t n)
{
	grow(b, n);
	if (n)
		memcpy(b->data + b->len, s, n);
	b->len += n;
	b->data[b->len] = '\0';
}

void
tk_buf_puts(tk_buf *b, const char *s)
{
	tk_buf_put(b, s, strlen(s));
}

void
tk_buf_putc(tk_buf *b, char c)
{
	tk_buf_put(b, &c, 1);
}

char *
tk_ll_at(char *p, long long n)
{
	char tmp[24];
	size_t i = sizeof(tmp);
	/* Digits of the magnitude, made without overflow at LLONG_MIN. */
	unsigned long long u = n < 0 ? 0ull - (unsigned long long)n : (unsigned long long)n;

	do {
		tmp[--i] = (char)('0' + u % 10);
		u /= 10;
	} while (u > 0);
	if (n < 0)
		tmp[--i] = '-';
	memcpy(p, tmp + i, sizeof(tmp) - i);
	return p + sizeof(tmp) - i;
}

void
tk_buf_put_ll(tk_buf *b, long long n)
{
	char *p = tk_buf_reserve(b, TK_LL_MAX);

	b->len += (size_t)(tk_ll_at(p, n) - p);
	b->data[b->len] = '\0';
}

void
tk_buf_vprintf(tk_buf *b, const char *fmt, va_list ap)
{
	va_list ap2;
	int n;

	va_copy(ap2, ap);
	n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n < 0)
		return;
	grow(b, (size_t)n);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
}

void
tk_buf_printf(tk_buf *b, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	tk_buf_vprintf(b, fmt, ap);
	va_end(ap);
}

void
tk_buf_put_html(tk_buf *b, const char *s, size_t n)
{
	/* Which bytes are replaced, and by what (index into rep): a table
	 * keeps the scan between them a tight loop (a page is mostly text). */
	static const unsigned char which[256] = {
		['&'] = 1, ['<'] = 2, ['>'] = 3, ['"'] = 4, ['\''] = 5,
	};
	static const char *const rep[] = { "", "&amp;", "&lt;", "&gt;", "&quot;", "&#39;" };
	size_t i = 0, start = 0;

	for (;;) {
		while (i < n && which[(unsigned char)s[i]] == 0)
			i++;
		if (i == n)
			break;
		tk_buf_put(b, s + start, i - start);
		tk_buf_puts(b, rep[which[(unsigned char)s[i]]]);
		start = ++i;
	}
	tk_buf_put(b, s + start, n - start);
}

void
tk_buf_reset(tk_buf *b)
{
	b->len = 0;
	if (b->data)
		b->data[0] = '\0';
}

char *
tk_buf_detach(tk_buf *b)
{
	char *p = b->data;

	if (p == NULL)
		p = xstrdup("");
	b->data = NULL;
	b->len = b->cap = 0;
	return p;
}

void
tk_buf_free(tk_buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}

int
tk_write_all(int fd, const char *data, size_t len)
{
	while (len > 0) {
		ssize_t w = write(fd, data, len);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -1;
		data += w;
		len -= (size_t)w;
	}
	return 0;
}

int
tk_read_fd(int fd, tk_buf *b)
{
	char chunk[65536];
	ssize_t r;

	while ((r = read(fd, chunk, sizeof(chunk))) != 0) {
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -1;
		tk_buf_put(b, chunk, (size_t)r);
	}
	return 0;
}

int
tk_read_file(char **out, size_t *len, const char *path)
{
	FILE *f = NULL;
	tk_buf b = TK_BUF_INIT;
	char chunk[65536];
	size_t n;
	int rc = -1;

	*out = NULL;
	*len = 0;
	if ((f = fopen(path, "rb")) == NULL)
		goto out;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		tk_buf_put(&b, chunk, n);
	if (ferror(f)) {
		errno = EIO;
		goto out;
	}
	*len = b.len;
	*out = tk_buf_detach(&b);
	rc = 0;
out:
	if (f)
		fclose(f);
	tk_buf_free(&b);
	return rc;
}

size_t
tk_utf8_chars(const char *s, size_t n)
{
	size_t i, c = 0;

	for (i = 0; i < n; i++)
		c += ((unsigned char)s[i] & 0xc0) != 0x80;
	return c;
}

int
tk_utf8_valid(const char *str, size_t n, size_t *bad)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0;

	while (i < n) {
		unsigned c = s[i];
		size_t k, need;
		unsigned cp, min;

		if (c < 0x80) {
			i++;
			continue;
		} else if (c >= 0xc2 && c <= 0xdf) {
			need = 1; cp = c & 0x1f; min = 0x80;
		} else if (c >= 0xe0 && c <= 0xef) {
			need = 2; cp = c & 0x0f; min = 0x800;
		} else if (c >= 0xf0 && c <= 0xf4) {
			need = 3; cp = c & 0x07; min = 0x10000;
		} else
			goto fail;
		if (i + need >= n)
			goto fail;
		for (k = 1; k <= need; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				goto fail;
			cp = (cp << 6) | (s[i + k] & 0x3f);
		}
		if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			goto fail;
		i += need + 1;
	}
	return 1;
fail:
	if (bad)
		*bad = i;
	return 0;
}

/* Arena: a list of blocks; big requests get a block of their own. */
struct tk_arena {
	struct block {
		struct block *next;
		size_t used, cap;
		max_align_t data[];
	} *head;
};

enum { ARENA_BLOCK = 64 * 1024 };

tk_arena *
tk_arena_new(void)
{
	return xcalloc(1, sizeof(tk_arena));
}

void
tk_arena_free(tk_arena *a)
{
	struct block *b, *next;

	if (a == NULL)
		return;
	for (b = a->head; b; b = next) {
		next = b->next;
		munmap(b, sizeof(*b) + b->cap);
	}
	free(a);
}

void *
tk_arena_alloc(tk_arena *a, size_t n)
{
	size_t al = sizeof(max_align_t);
	struct block *b = a->head;
	void *p;

	n = (n + al - 1) / al * al;
	if (b == NULL || b->cap - b->used < n) {
		size_t cap = n > ARENA_BLOCK ? n : ARENA_BLOCK;

		/* Mapped apart from the heap: an arena lives long, and its blocks
		 * would split the holes that short-lived trees leave there. */
		if ((b = mmap(NULL, sizeof(*b) + cap, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)) == MAP_FAILED)
			oom();
		b->cap = cap;
		b->used = 0;
		b->next = a->head;
		a->head = b;
	}
	/* Zeroed already: a fresh mapping is, and no byte is handed out twice. */
	p = (char *)b->data + b->used;
	b->used += n;
	return p;
}

char *
tk_arena_strndup(tk_arena *a, const char *s, size_t n)
{
	char *p = tk_arena_alloc(a, n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *
tk_arena_strdup(tk_arena *a, const char *s)
{
	return tk_arena_strndup(a, s, strlen(s));
}

/* Open addressing with linear probing; the table stays at most half full. */
struct tk_strmap {
	struct slot {
		const char *key;
		void *val;
	} *slots;
	size_t cap, count;
};

static size_t
hash(const char *s)
{
	size_t h = 1469598103934665603u;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211u;
	return h;
}

tk_strmap *
tk_strmap_new(void)
{
	tk_strmap *m = xcalloc(1, sizeof(*m));

	m->cap = 16;
	m->slots = xcalloc(m->cap, sizeof(*m->slots));
	return m;
}

void
tk_strmap_free(tk_strmap *m)
{
	if (m == NULL)
		return;
	free(m->slots);
	free(m);
}

static struct slot *
find(const tk_strmap *m, const char *key)
{
	size_t i = hash(key) & (m->cap - 1);

	while (m->slots[i].key && strcmp(m->slots[i].key, key) != 0)
		i = (i + 1) & (m->cap - 1);
	return &m->slots[i];
}

void *
tk_strmap_put(tk_strmap *m, const char *key, void *val)
{
	struct slot *s;
	void *old;

	if (2 * (m->count + 1) > m->cap) {
		struct slot *olds = m->slots;
		size_t i, oldcap = m->cap;

		m->cap *= 2;
		m->slots = xcalloc(m->cap, sizeof(*m->slots));
		for (i = 0; i < oldcap; i++)
			if (olds[i].key)
				*find(m, olds[i].key) = olds[i];
		free(olds);
	}
	s = find(m, key);
	old = s->key ? s->val : NULL;
	if (s->key == NULL)
		m->count++;
	s->key = key;
	s->val = val;
	return old;
}

void *
tk_strmap_get(const tk_strmap *m, const char *key)
{
	struct slot *s = find(m, key);

	return s->key ? s->val : NULL;
}

size_t
tk_strmap_count(const tk_strmap *m)
{
	return m->count;
}

int
tk_jobs(void)
{
	const char *e = getenv("TK_JOBS");

	if (e && *e)
		return atoi(e) > 1 ? 2 : 1;
	return sysconf(_SC_NPROCESSORS_ONLN) > 1 ? 2 : 1;
}

pid_t
tk_helper_start(int *fd)
{
	int fds[2];
	pid_t pid;

	if (pipe(fds) != 0)
		return -1;
	/* What is left in a stream's buffer would be written twice. */
	fflush(NULL);
	if ((pid = fork()) < 0) {
		close(fds[0]);
		close(fds[1]);
		return -1;
	}
	if (pid == 0) {
		/* A child outliving a killed build must not run on. */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		signal(SIGPIPE, SIG_IGN);
		close(fds[0]);
		*fd = fds[1];
		return 0;
	}
	close(fds[1]);
	*fd = fds[0];
	return pid;
}

void
tk_helper_stop(pid_t pid, int fd)
{
	close(fd);
	kill(pid, SIGKILL);
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
}

void
tk_text_locate(const char *buf, size_t off, int *line, int *col)
{
	size_t i;

	*line = 1;
	*col = 1;
	for (i = 0; i < off; i++) {
		if (buf[i] == '\n') {
			(*line)++;
			*col = 1;
		} else if (((unsigned char)buf[i] & 0xc0) != 0x80)
			(*col)++;       /* columns count characters */
	}
}

long
tk_days_from_civil(int y, int m, int d)
{
	long era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}
