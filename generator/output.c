/* output.c: see output.h. */
#define _GNU_SOURCE
#include "output.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util.h"

struct tk_out {
	char *dir, *stage;
	tk_diag *d;
	size_t written, kept;
	int failed;
};

static int
rm_cb(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	return flag == FTW_DP ? rmdir(path) : unlink(path);
}

static void
rm_rf(const char *path)
{
	nftw(path, rm_cb, 16, FTW_DEPTH | FTW_PHYS);
}

/* mkdir -p for the parents of path (and path itself when last is set). */
static int
mkdirs(char *path, int last)
{
	char *p;

	for (p = path + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(path, 0755) != 0 && errno != EEXIST) {
			*p = '/';
			return -1;
		}
		*p = '/';
	}
	if (last && mkdir(path, 0755) != 0 && errno != EEXIST)
		return -1;
	return 0;
}

int
tk_out_path_ok(const char *p)
{
	const char *seg = p;

	if (p == NULL || *p == '\0' || *p == '/')
		return 0;
	for (;;) {
		const char *end = strchr(seg, '/');
		size_t n = end ? (size_t)(end - seg) : strlen(seg);

		if (n == 0 || seg[0] == '.' || memchr(seg, '\\', n))
			return 0;
		if (!end)
			return 1;
		seg = end + 1;
	}
}

int
tk_out_begin(tk_out **out, const char *dir, tk_diag *d)
{
	tk_out *o = xcalloc(1, sizeof(*o));
	struct stat st;
	size_t n;

	*out = NULL;
	o->d = d;
	o->dir = xstrdup(dir);
	for (n = strlen(o->dir); n > 1 && o->dir[n - 1] == '/'; n--)
		o->dir[n - 1] = '\0';
	if (lstat(o->dir, &st) == 0 && !S_ISDIR(st.st_mode)) {
		tk_diag_error(d, o->dir, 0, 0, "the output path exists and is not a folder%s; "
		    "remove it or choose another --out",
		    S_ISLNK(st.st_mode) ? " (a symbolic link is not followed)" : "");
		goto fail;
	}
	o->stage = xasprintf("%s.tmp-%ld", o->dir, (long)getpid());
	rm_rf(o->stage);        /* left over by a killed build with our pid */
	if (mkdirs(o->stage, 1) != 0) {
		tk_diag_error(d, o->stage, 0, 0, "cannot create the staging folder: %s; "
		    "check that the output's parent folder is writable", strerror(errno));
		goto fail;
	}
	*out = o;
	return 0;
fail:
	free(o->stage);
	free(o->dir);
	free(o);
	return -1;
}

/* Links the previous site's file when its bytes equal data. */
static int
keep_old(tk_out *o, const char *rel, const char *dst, const char *data, size_t len)
{
	char *old = xasprintf("%s/%s", o->dir, rel), buf[65536];
	struct stat st;
	size_t off = 0;
	ssize_t r;
	int fd, same = 0;

	if ((fd = open(old, O_RDONLY | O_NOFOLLOW)) < 0)
		goto out;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || (size_t)st.st_size != len)
		goto out;
	while ((r = read(fd, buf, sizeof(buf))) > 0) {
		if (off + (size_t)r > len || memcmp(buf, data + off, (size_t)r) != 0)
			goto out;
		off += (size_t)r;
	}
	same = r == 0 && off == len && link(old, dst) == 0;
out:
	if (fd >= 0)
		close(fd);
	free(old);
	return same;
}

int
tk_out_write(tk_out *o, const char *rel, const char *data, size_t len)
{
	char *dst = NULL;
	int fd = -1, rc = -1;
	size_t off = 0;

	if (!tk_out_path_ok(rel)) {
		tk_diag_error(o->d, rel, 0, 0, "refusing to write outside the output folder");
		goto out;
	}
	dst = xasprintf("%s/%s", o->stage, rel);
	if (mkdirs(dst, 0) != 0) {
		tk_diag_error(o->d, dst, 0, 0, "cannot create folder: %s", strerror(errno));
		goto out;
	}
	if (keep_old(o, rel, dst, data, len)) {
		o->kept++;
		rc = 0;
		goto out;
	}
	if ((fd = open(dst, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, 0644)) < 0) {
		tk_diag_error(o->d, dst, 0, 0, "cannot create: %s", strerror(errno));
		goto out;
	}
	while (off < len) {
		ssize_t w = write(fd, data + off, len - off);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			tk_diag_error(o->d, dst, 0, 0, "cannot write: %s", strerror(errno));
			goto out;
		}
		off += (size_t)w;
	}
	if (close(fd) != 0) {
		fd = -1;
		tk_diag_error(o->d, dst, 0, 0, "cannot write: %s", strerror(errno));
		goto out;
	}
	fd = -1;
	o->written++;
	rc = 0;
out:
	if (fd >= 0)
		close(fd);
	if (rc < 0)
		o->failed = 1;
	free(dst);
	return rc;
}

int
tk_out_commit(tk_out *o)
{
	struct stat st;
	int rc = -1;

	if (o->failed)
		goto out;
	if (lstat(o->dir, &st) == 0) {
		/* Swap in one step: readers see the old site or the new one. */
		if (renameat2(AT_FDCWD, o->stage, AT_FDCWD, o->dir, RENAME_EXCHANGE) != 0) {
			tk_diag_error(o->d, o->dir, 0, 0, "cannot replace the site: %s",
			    strerror(errno));
			goto out;
		}
	} else if (rename(o->stage, o->dir) != 0) {
		tk_diag_error(o->d, o->dir, 0, 0, "cannot create the site: %s", strerror(errno));
		goto out;
	}
	rc = 0;
out:
	rm_rf(o->stage);        /* the old site after a swap, or the failed one */
	free(o->stage);
	free(o->dir);
	free(o);
	return rc;
}

void
tk_out_abort(tk_out *o)
{
	if (o == NULL)
		return;
	rm_rf(o->stage);
	free(o->stage);
	free(o->dir);
	free(o);
}

size_t
tk_out_written(const tk_out *o)
{
	return o->written;
}

size_t
tk_out_kept(const tk_out *o)
{
	return o->kept;
}
