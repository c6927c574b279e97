/* test_source.c: a commit's blobs read in two processes are the bytes one
 * process reads, every other one from the second process; blobs known
 * already are left unread, and a few are not worth a second process.
 * (Damaged objects, reported in order either way: test_faults.sh.) */
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "source.h"
#include "util.h"

/* Knows the blobs of the files at even places of the sorted list, and all
 * but the first `unknown` when that is set. */
typedef struct {
	const tk_source *src;
	size_t unknown;
	int evens;
} knowing;

static int
knows(void *arg, const char *oid)
{
	const knowing *k = arg;
	size_t i;

	for (i = 0; i < tk_source_count(k->src); i++) {
		if (strcmp(tk_source_file_at(k->src, i)->oid, oid) != 0)
			continue;
		if (k->evens)
			return i % 2 == 0;
		return i >= k->unknown;
	}
	return 0;
}

static size_t
to_read(const tk_source *src, int (*known)(void *, const char *), void *arg)
{
	size_t i, n = 0;

	for (i = 0; i < tk_source_count(src); i++)
		n += !known(arg, tk_source_file_at(src, i)->oid);
	return n;
}

/* Opens the content with only its first n files to read; how many blobs
 * the second process gave, or -1 when that is not what was read. */
static long
shared_of_first(const tk_source_opts *so, tk_diag *d, size_t n)
{
	tk_source *src = NULL;
	knowing k;
	long shared = -1;

	if (tk_source_open(&src, so, d) < 0)
		return -1;
	k.src = src;
	k.evens = 0;
	k.unknown = n;
	if (to_read(src, knows, &k) == n && tk_source_read_all(src, knows, &k, d) == 0)
		shared = (long)tk_source_shared(src);
	tk_source_free(src);
	return shared;
}

int
main(void)
{
	tk_source_opts so = { .repo = ".", .content = "content" };
	tk_source *one = NULL, *two = NULL, *lazy = NULL;
	tk_diag *d = tk_diag_new(stderr);
	size_t i, n, same = 0, unread = 0;
	knowing k;
	char why[120];

	setenv("TK_JOBS", "1", 1);
	if (tk_source_open(&one, &so, d) < 0) {
		tk_check("the bundled content opens", 0, NULL);
		return tk_test_end();
	}
	setenv("TK_JOBS", "2", 1);
	if (tk_source_open(&two, &so, d) < 0) {
		tk_check("the bundled content opens with two jobs", 0, NULL);
		tk_source_free(one);
		return tk_test_end();
	}
	n = tk_source_count(one);
	tk_check("the bundled content has more than a hundred files", n > 100, NULL);
	tk_check("one job: no second process reads", tk_source_shared(one) == 0, NULL);
	/* Every other one of the blobs to read: places 1, 3, 5, ... */
	snprintf(why, sizeof(why), "  %zu of %zu", tk_source_shared(two), n);
	tk_check("two jobs: the second process reads every other blob",
	    tk_source_shared(two) == n / 2, why);
	for (i = 0; i < n && tk_source_count(two) == n; i++) {
		const char *a, *b;
		size_t la, lb;

		if (tk_source_peek(one, i, &a, &la) && tk_source_peek(two, i, &b, &lb) &&
		    la == lb && memcmp(a, b, la) == 0 && b[lb] == '\0')
			same++;
	}
	snprintf(why, sizeof(why), "  %zu of %zu the same", same, n);
	tk_check("every file has the same bytes either way", same == n, why);

	/* Known blobs (parsed before) are not read; the rest are shared. */
	so.lazy = 1;
	if (tk_source_open(&lazy, &so, d) == 0) {
		size_t want;

		k.src = lazy;
		k.evens = 1;
		k.unknown = 0;
		want = to_read(lazy, knows, &k);
		tk_check("reading the unknown ones succeeds",
		    tk_source_read_all(lazy, knows, &k, d) == 0, NULL);
		snprintf(why, sizeof(why), "  %zu of %zu", tk_source_shared(lazy), want);
		tk_check("the second process reads every other unknown one",
		    tk_source_shared(lazy) == want / 2, why);
		for (i = 0; i < tk_source_count(lazy); i++) {
			const char *b;
			size_t lb;
			int in_memory = tk_source_peek(lazy, i, &b, &lb);

			unread += in_memory != knows(&k, tk_source_file_at(lazy, i)->oid);
		}
		tk_check("exactly the known ones are left unread", unread == tk_source_count(lazy), NULL);
		tk_source_free(lazy);
	}
	/* 63 to read: not worth a second process; 64: shared. */
	tk_check("63 blobs to read: read here", shared_of_first(&so, d, 63) == 0, NULL);
	tk_check("64: shared, every other one", shared_of_first(&so, d, 64) == 32, NULL);
	tk_source_free(one);
	tk_source_free(two);
	tk_diag_free(d);
	return tk_test_end();
}
