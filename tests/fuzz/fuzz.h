/* fuzz.h: what the libFuzzer harnesses share. Messages go to /dev/null; a
 * content tree is a copy of tests/fixtures/small in a temporary folder
 * where one input replaces files and every file is put back after the
 * run, so each run starts from the same tree and a crash replays. */
#ifndef TK_FUZZ_H
#define TK_FUZZ_H

#define _GNU_SOURCE
#include <ctype.h>
#include <fcntl.h>
#include <ftw.h>
#include <git2.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "diag.h"
#include "model.h"
#include "source.h"
#include "util.h"

#ifndef TK_FIXTURE
#define TK_FIXTURE "tests/fixtures/small"
#endif

static FILE *fuzz_null;

/* A collector that prints nowhere; the caller frees it. */
static tk_diag *
fuzz_diag(void)
{
	if (fuzz_null == NULL && (fuzz_null = fopen("/dev/null", "w")) == NULL)
		abort();
	return tk_diag_new(fuzz_null);
}

/* Splits data at NUL bytes into at most n parts (missing parts are
 * empty); the parts are NUL-terminated copies in *buf, which the caller
 * frees. */
static void
fuzz_split(const uint8_t *data, size_t size, size_t n, char **buf, const char **part,
    size_t *len)
{
	size_t i, k = 0, start = 0;

	*buf = xmalloc(size + n + 1);
	memcpy(*buf, data, size);
	for (i = 0; i < n; i++) {
		part[i] = "";
		len[i] = 0;
	}
	for (i = 0; i <= size && k < n; i++) {
		if (i == size || (data[i] == '\0' && k + 1 < n)) {
			(*buf)[i] = '\0';
			part[k] = *buf + start;
			len[k] = i - start;
			k++;
			start = i + 1;
		}
	}
	(*buf)[size] = '\0';
}

/* ---- HTML that runs nothing ---- */

/* Does html hold an element that runs or loads code (script, iframe,
 * object, embed, base, style), an on… attribute, or a javascript:,
 * vbscript: or data: address? Escaped text cannot trip it: quoted
 * attribute values are skipped, and text has no '<'. Returns a pointer
 * to the bad tag, or NULL. */
static const char *
fuzz_unsafe_html(const char *html)
{
	static const char *const tags[] = { "script", "iframe", "object", "embed", "base",
		"style", NULL };
	static const char *const urls[] = { "href", "src", "action", "formaction",
		"xlink:href", NULL };
	const char *p, *q;
	size_t i, n;

	for (p = html; (p = strchr(p, '<')) != NULL; p++) {
		for (i = 0; tags[i]; i++) {
			n = strlen(tags[i]);
			if (strncasecmp(p + 1, tags[i], n) == 0 && !isalnum((unsigned char)p[1 + n]))
				return p;
		}
		for (q = p + 1; *q && *q != '>';) {
			const char *name;
			size_t nlen;

			if (!isspace((unsigned char)*q) && *q != '/') {
				q++;
				continue;
			}
			while (isspace((unsigned char)*q) || *q == '/')
				q++;
			name = q;
			while (*q && !isspace((unsigned char)*q) && *q != '=' && *q != '>')
				q++;
			nlen = (size_t)(q - name);
			if (nlen > 2 && strncasecmp(name, "on", 2) == 0 && *q == '=')
				return p;
			if (*q != '=')
				continue;
			q++;
			{
				char quote = *q == '"' || *q == '\'' ? *q++ : 0, val[64];
				size_t k = 0;

				for (; *q && (quote ? *q != quote :
				    !isspace((unsigned char)*q) && *q != '>'); q++)
					if ((unsigned char)*q > ' ' && k < sizeof(val) - 1)
						val[k++] = (char)tolower((unsigned char)*q);
				val[k] = '\0';
				if (quote && *q)
					q++;
				for (i = 0; urls[i]; i++)
					if (nlen == strlen(urls[i]) && strncasecmp(name, urls[i], nlen) == 0 &&
					    (strncmp(val, "javascript:", 11) == 0 ||
					    strncmp(val, "vbscript:", 9) == 0 || strncmp(val, "data:", 5) == 0))
						return p;
			}
		}
	}
	return NULL;
}

/* ---- a content tree on disk ---- */

typedef struct {
	char *path;             /* relative to the tree */
	char *data;
	size_t len;
} fuzz_file;

static char fuzz_root[64];
static fuzz_file fuzz_files[64];
static size_t fuzz_nfiles;
static int fuzz_dirty[64];

static int
copy_cb(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	const char *rel = path + strlen(TK_FIXTURE);
	char *dst;

	(void)st;
	(void)ftw;
	if (*rel == '/')
		rel++;
	dst = xasprintf("%s/%s", fuzz_root, rel);
	if (flag == FTW_D)
		mkdir(dst, 0755);
	else if (flag == FTW_F && fuzz_nfiles < 64) {
		fuzz_file *f = &fuzz_files[fuzz_nfiles++];
		FILE *out;

		if (tk_read_file(&f->data, &f->len, path) < 0 || (out = fopen(dst, "w")) == NULL)
			abort();
		fwrite(f->data, 1, f->len, out);
		fclose(out);
		f->path = xstrdup(rel);
	}
	free(dst);
	return 0;
}

static int
cmp_file(const void *a, const void *b)
{
	return strcmp(((const fuzz_file *)a)->path, ((const fuzz_file *)b)->path);
}

static int
rm_cb(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	return flag == FTW_DP ? rmdir(path) : unlink(path);
}

static void
fuzz_tree_remove(void)
{
	nftw(fuzz_root, rm_cb, 16, FTW_DEPTH | FTW_PHYS);
}

/* Copies the fixture into a new temporary folder (once per process, removed
 * at exit); its files are numbered in sorted order, so an input means the
 * same file on every machine. */
static void
fuzz_tree_init(void)
{
	if (fuzz_root[0])
		return;
	snprintf(fuzz_root, sizeof(fuzz_root), "/tmp/tk-fuzz-XXXXXX");
	if (mkdtemp(fuzz_root) == NULL || nftw(TK_FIXTURE, copy_cb, 16, FTW_PHYS) != 0 ||
	    fuzz_nfiles == 0) {
		fprintf(stderr, "fuzz: cannot copy %s\n", TK_FIXTURE);
		abort();
	}
	qsort(fuzz_files, fuzz_nfiles, sizeof(*fuzz_files), cmp_file);
	atexit(fuzz_tree_remove);
	git_libgit2_init();     /* once, so sources need not start libgit2 each run */
}

static void
write_file(const char *rel, const char *data, size_t len)
{
	char *p = xasprintf("%s/%s", fuzz_root, rel);
	int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	if (fd < 0 || (len && write(fd, data, len) != (ssize_t)len))
		abort();
	close(fd);
	free(p);
}

/* Replaces the fixture's file number i (modulo their count) with data;
 * returns its path. */
static const char *
fuzz_tree_put(size_t i, const char *data, size_t len)
{
	i %= fuzz_nfiles;
	write_file(fuzz_files[i].path, data, len);
	fuzz_dirty[i] = 1;
	return fuzz_files[i].path;
}

/* Adds a file to the tree (it is put back like the fixture's). */
static void
fuzz_tree_add(const char *rel, const char *data)
{
	char *dir = xasprintf("%s/%s", fuzz_root, rel), *slash = strrchr(dir, '/');
	fuzz_file *f;

	if (fuzz_nfiles == 64)
		abort();
	*slash = '\0';
	mkdir(dir, 0755);
	free(dir);
	f = &fuzz_files[fuzz_nfiles++];
	f->path = xstrdup(rel);
	f->data = xstrdup(data);
	f->len = strlen(data);
	write_file(rel, f->data, f->len);
}

/* Replaces the file at rel (one of the tree's) with data. */
static void
fuzz_tree_put_path(const char *rel, const char *data, size_t len)
{
	size_t i;

	for (i = 0; i < fuzz_nfiles; i++)
		if (strcmp(fuzz_files[i].path, rel) == 0) {
			fuzz_tree_put(i, data, len);
			return;
		}
	abort();
}

/* Puts every replaced file back. */
static void
fuzz_tree_restore(void)
{
	size_t i;

	for (i = 0; i < fuzz_nfiles; i++)
		if (fuzz_dirty[i]) {
			write_file(fuzz_files[i].path, fuzz_files[i].data, fuzz_files[i].len);
			fuzz_dirty[i] = 0;
		}
}

/* Reads and validates the tree as a plain directory. Returns the model
 * (even with errors: check lists them all from it) or NULL; *ok says
 * whether it was valid. The caller frees the model and *src. */
static tk_model *
fuzz_tree_load(tk_source **src, int *ok)
{
	tk_source_opts so = { 0 };
	tk_diag *d = fuzz_diag();
	tk_model *m = NULL;

	so.repo = fuzz_root;
	so.content = ".";
	*ok = 0;
	*src = NULL;
	if (tk_source_open(src, &so, d) == 0)
		*ok = tk_model_load(&m, *src, NULL, d) == 0;
	tk_diag_free(d);
	return m;
}

#endif
