/* output.c: see output.h. */
#define _GNU_SOURCE
#include "output.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util.h"

#define TK_OUT_DEPTH 16

/* A set of paths holding its own copies (a strmap borrows its keys). */
typedef struct {
	tk_strmap *map;
	char **keys;
	size_t n, cap;
} pathset;

struct tk_out {
	char *dir, *stage, *spare;
	pathset made;           /* folders made in the stage by this process */
	/* A recycled stage is the site before the last build (the spare): only
	 * what differs is changed, and what this build did not produce is
	 * removed before the swap. */
	int recycled;
	pathset produced;
	tk_diag *d;
	int has_old;            /* a previous site is there to keep files from */
	/* TK_CHECKSTAT=minimal: a file is as a build left it when its size and
	 * whole seconds of mtime are, whatever its inode (a site restored from a
	 * CI cache, whose archives keep seconds; as Git's core.checkStat). */
	int minimal;
	/* The previous site's folder and the folders of the last path looked
	 * up in it (open_old_dir). */
	int old_root;
	int old_fds[TK_OUT_DEPTH];
	char *old_names[TK_OUT_DEPTH];
	size_t nold;
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

static int
pathset_has(const pathset *s, const char *path)
{
	return s->map && tk_strmap_get(s->map, path) != NULL;
}

static void
pathset_add(pathset *s, const char *path)
{
	if (pathset_has(s, path))
		return;
	if (s->map == NULL)
		s->map = tk_strmap_new();
	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 256;
		s->keys = xrealloc(s->keys, s->cap * sizeof(*s->keys));
	}
	s->keys[s->n] = xstrdup(path);
	tk_strmap_put(s->map, s->keys[s->n], s->keys[s->n]);
	s->n++;
}

static void
pathset_free(pathset *s)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		free(s->keys[i]);
	free(s->keys);
	tk_strmap_free(s->map);
}

/* mkdir -p path. */
static int
mkdirs(char *path)
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
	if (mkdir(path, 0755) != 0 && errno != EEXIST)
		return -1;
	return 0;
}

/* mkdir found path there. A fresh stage's folders are only ever folders
 * (the other process made it); in a recycled stage a file or a symbolic
 * link may stand where a folder must go, and is replaced. Both processes
 * may try at once, hence the retries. */
static int
make_dir_over(const tk_out *o, const char *path)
{
	struct stat st;
	int tries;

	if (!o->recycled)
		return 0;
	for (tries = 0; tries < 8; tries++) {
		if (lstat(path, &st) == 0 && S_ISDIR(st.st_mode))
			return 0;
		if (unlink(path) != 0 && errno != ENOENT)
			return -1;
		if (mkdir(path, 0755) == 0)
			return 0;
		if (errno != EEXIST)
			return -1;
	}
	return -1;
}

/* Removes whatever stands at dst, a folder too. */
static int
clear_dst(const char *dst)
{
	struct stat st;

	if (unlink(dst) == 0 || errno == ENOENT)
		return 0;
	if (lstat(dst, &st) == 0 && S_ISDIR(st.st_mode)) {
		rm_rf(dst);
		return 0;
	}
	return -1;
}

/* Links name (in the folder dfd) as dst, over whatever is there: in a
 * recycled stage most paths are taken; in a fresh one, only a path linked
 * before a snapshot had to be rendered after all. */
static int
link_dst(const tk_out *o, int dfd, const char *name, const char *dst)
{
	if (o->recycled && clear_dst(dst) != 0)
		return -1;
	if (linkat(dfd, name, AT_FDCWD, dst, 0) == 0)
		return 0;
	if (errno != EEXIST || clear_dst(dst) != 0)
		return -1;
	return linkat(dfd, name, AT_FDCWD, dst, 0);
}

/* Creates dst anew, over whatever is there (as link_dst): never the old
 * file truncated, since the spare's files are the site's own (hard links). */
static int
create_dst(const tk_out *o, const char *dst)
{
	int fd;

	if (o->recycled && clear_dst(dst) != 0)
		return -1;
	if ((fd = open(dst, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, 0644)) >= 0 ||
	    errno != EEXIST || clear_dst(dst) != 0)
		return fd;
	return open(dst, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, 0644);
}

/* Notes that this build produced rel, so the swap keeps it. */
static void
produce(tk_out *o, const char *rel)
{
	if (o->recycled)
		pathset_add(&o->produced, rel);
}

/* Closes the previous site's folders kept open from depth k on. */
static void
old_close(tk_out *o, size_t k)
{
	while (o->nold > k) {
		o->nold--;
		close(o->old_fds[o->nold]);
		free(o->old_names[o->nold]);
	}
}

/* Makes the folders of dst (the stage, then a relative path) that this
 * process has not made yet: a site has thousands of folders, and asking
 * for each parent of each file again costs a system call each. */
static int
stage_dirs(tk_out *o, char *dst)
{
	char *p;

	for (p = dst + strlen(o->stage) + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (!pathset_has(&o->made, dst)) {
			if (mkdir(dst, 0755) != 0 && (errno != EEXIST || make_dir_over(o, dst) != 0)) {
				*p = '/';
				return -1;
			}
			pathset_add(&o->made, dst);
		}
		*p = '/';
	}
	return 0;
}

static void
out_free(tk_out *o)
{
	pathset_free(&o->made);
	old_close(o, 0);
	if (o->old_root >= 0)
		close(o->old_root);
	pathset_free(&o->produced);
	free(o->spare);
	free(o->stage);
	free(o->dir);
	free(o);
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

/* Removes what builds that were killed left beside dir: staging folders
 * "<dir>.tmp-<pid>" and files being written, "<dir>.tiekartta-*.tmp-<pid>",
 * whose process is gone. A live build's stay. */
static void
rm_stale(const char *dir)
{
	char *parent = xstrdup(dir), *slash = strrchr(parent, '/'), *path;
	const char *base = slash ? slash + 1 : dir;
	size_t blen = strlen(base);
	DIR *dp;
	struct dirent *de;

	if (slash == parent)
		parent[1] = '\0';
	else if (slash)
		*slash = '\0';
	if ((dp = opendir(slash ? parent : ".")) == NULL) {
		free(parent);
		return;
	}
	while ((de = readdir(dp)) != NULL) {
		const char *p = de->d_name + blen;
		char *end;
		long pid;

		if (strncmp(de->d_name, base, blen) != 0)
			continue;
		if (strncmp(p, ".tiekartta-", 11) == 0)
			p += strcspn(p + 11, ".") + 11;
		if (strncmp(p, ".tmp-", 5) != 0)
			continue;
		pid = strtol(p + 5, &end, 10);
		if (*end != '\0' || pid <= 0 || pid == (long)getpid() ||
		    kill((pid_t)pid, 0) == 0 || errno != ESRCH)
			continue;
		path = slash ? xasprintf("%s/%s", parent, de->d_name) : xstrdup(de->d_name);
		rm_rf(path);
		free(path);
	}
	closedir(dp);
	free(parent);
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
	o->old_root = -1;
	o->minimal = getenv("TK_CHECKSTAT") && strcmp(getenv("TK_CHECKSTAT"), "minimal") == 0;
	if (lstat(o->dir, &st) == 0) {
		if (!S_ISDIR(st.st_mode)) {
			tk_diag_error(d, o->dir, 0, 0, "the output path exists and is not a "
			    "folder%s; remove it or choose another --out",
			    S_ISLNK(st.st_mode) ? " (a symbolic link is not followed)" : "");
			goto fail;
		}
		o->has_old = 1;         /* a previous site to keep files from */
		o->old_root = open(o->dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW);
	}
	o->stage = xasprintf("%s.tmp-%ld", o->dir, (long)getpid());
	o->spare = xasprintf("%s%s", o->dir, TK_OUT_SPARE_SUFFIX);
	rm_stale(o->dir);
	rm_rf(o->stage);        /* left over by a killed build with our pid */
	/* Staging in the spare rewrites only what changed since the build
	 * before last, instead of making every folder and link again. The
	 * rename claims it: a second build at the same time starts afresh. */
	if (o->has_old && lstat(o->spare, &st) == 0 && S_ISDIR(st.st_mode) &&
	    rename(o->spare, o->stage) == 0)
		o->recycled = 1;
	else if (!o->has_old)
		rm_rf(o->spare);        /* no site to share files with: of no use */
	if (!o->recycled && mkdirs(o->stage) != 0) {
		tk_diag_error(d, o->dir, 0, 0, "cannot create the staging folder %s beside "
		    "the site: %s; check that the folder holding the site is writable",
		    o->stage, strerror(errno));
		goto fail;
	}
	*out = o;
	return 0;
fail:
	if (o->old_root >= 0)
		close(o->old_root);
	free(o->spare);
	free(o->stage);
	free(o->dir);
	free(o);
	return -1;
}

/* The folder of rel inside the previous site, opened without following a
 * symbolic link at any step (O_NOFOLLOW alone guards only the last part);
 * *name is then rel's last part. Returns a descriptor the tk_out owns, or
 * -1. The folders of the last path stay open: the next path shares most
 * of them (a site is written and listed in order), so a file costs one
 * open instead of one per folder. */
static int
open_old_dir(tk_out *o, const char *rel, const char **name)
{
	const char *seg = rel, *slash;
	size_t k = 0;

	if (o->old_root < 0)
		return -1;
	/* Keep the open folders rel shares with the last path. */
	while ((slash = strchr(seg, '/')) != NULL && k < o->nold &&
	    strlen(o->old_names[k]) == (size_t)(slash - seg) &&
	    memcmp(o->old_names[k], seg, (size_t)(slash - seg)) == 0) {
		seg = slash + 1;
		k++;
	}
	old_close(o, k);
	while ((slash = strchr(seg, '/')) != NULL) {
		int at = k ? o->old_fds[k - 1] : o->old_root, fd;
		char *part;

		if (k == TK_OUT_DEPTH)
			return -1;      /* deeper than any site: written anew */
		part = xstrndup(seg, (size_t)(slash - seg));
		if ((fd = openat(at, part, O_RDONLY | O_DIRECTORY | O_NOFOLLOW)) < 0) {
			free(part);
			return -1;
		}
		o->old_fds[k] = fd;
		o->old_names[k] = part;
		o->nold = ++k;
		seg = slash + 1;
	}
	*name = seg;
	return k ? o->old_fds[k - 1] : o->old_root;
}

/* tk_out_same, also giving the previous file's status when the same. */
static int
same_old(tk_out *o, const char *rel, const char *data, size_t len, struct stat *st)
{
	char buf[65536];
	const char *name;
	size_t off = 0;
	ssize_t r = -1;
	int fd = -1, dfd = o->has_old ? open_old_dir(o, rel, &name) : -1;

	if (dfd >= 0 && (fd = openat(dfd, name, O_RDONLY | O_NOFOLLOW)) >= 0 &&
	    fstat(fd, st) == 0 && S_ISREG(st->st_mode) && (size_t)st->st_size == len)
		while ((r = read(fd, buf, sizeof(buf))) > 0) {
			if (off + (size_t)r > len || memcmp(buf, data + off, (size_t)r) != 0) {
				r = -1;
				break;
			}
			off += (size_t)r;
		}
	if (fd >= 0)
		close(fd);
	return r == 0 && off == len;
}

int
tk_out_same(tk_out *o, const char *rel, const char *data, size_t len)
{
	struct stat st;

	return same_old(o, rel, data, len, &st);
}

/* Is the staged dst already the previous site's file ino (a recycled
 * stage shares unchanged files with the site by hard links)? */
static int
staged_is(const tk_out *o, const char *dst, const struct stat *old)
{
	struct stat st;

	return o->recycled && lstat(dst, &st) == 0 && S_ISREG(st.st_mode) &&
	    st.st_ino == old->st_ino && st.st_dev == old->st_dev;
}

/* Links the previous site's file when its bytes equal data. Nothing in the
 * previous site is followed through a symbolic link. */
static int
keep_old(tk_out *o, const char *rel, const char *dst, const char *data, size_t len)
{
	const char *name;
	struct stat old;
	int dfd;

	if (!same_old(o, rel, data, len, &old))
		return 0;
	if (staged_is(o, dst, &old))
		return 1;
	if ((dfd = open_old_dir(o, rel, &name)) < 0)
		return 0;
	return link_dst(o, dfd, name, dst) == 0;
}

/* Writes data into the staged dst, a new file. */
static int
write_dst(tk_out *o, const char *dst, const char *data, size_t len)
{
	int fd;

	if ((fd = create_dst(o, dst)) < 0) {
		tk_diag_error(o->d, dst, 0, 0, "cannot create: %s", strerror(errno));
		return -1;
	}
	if (tk_write_all(fd, data, len) != 0) {
		tk_diag_error(o->d, dst, 0, 0, "cannot write: %s", strerror(errno));
		close(fd);
		return -1;
	}
	if (close(fd) != 0) {
		tk_diag_error(o->d, dst, 0, 0, "cannot write: %s", strerror(errno));
		return -1;
	}
	o->written++;
	return 0;
}

/* Stages rel with the len bytes at data: kept from the previous site when
 * its file holds them, else linked to the staged from (when not NULL) or
 * written. */
static int
stage_file(tk_out *o, const char *rel, const char *from, const char *data, size_t len)
{
	char *src = NULL, *dst = NULL;
	int rc = -1;

	if (!tk_out_path_ok(rel) || (from && !tk_out_path_ok(from))) {
		tk_diag_error(o->d, rel, 0, 0, "refusing to write outside the output folder");
		goto out;
	}
	dst = xasprintf("%s/%s", o->stage, rel);
	if (stage_dirs(o, dst) != 0) {
		tk_diag_error(o->d, dst, 0, 0, "cannot create folder: %s", strerror(errno));
		goto out;
	}
	produce(o, rel);
	if (keep_old(o, rel, dst, data, len)) {
		o->kept++;
		rc = 0;
		goto out;
	}
	if (from) {
		src = xasprintf("%s/%s", o->stage, from);
		if (link_dst(o, AT_FDCWD, src, dst) == 0) {
			o->written++;
			rc = 0;
			goto out;
		}
		/* Past the file system's most links to one file: a copy. */
		if (errno != EMLINK) {
			tk_diag_error(o->d, dst, 0, 0, "cannot link to %s: %s", src,
			    strerror(errno));
			goto out;
		}
	}
	rc = write_dst(o, dst, data, len);
out:
	if (rc < 0)
		o->failed = 1;
	free(src);
	free(dst);
	return rc;
}

int
tk_out_write(tk_out *o, const char *rel, const char *data, size_t len)
{
	return stage_file(o, rel, NULL, data, len);
}

int
tk_out_link(tk_out *o, const char *from, const char *rel, const char *data, size_t len)
{
	return stage_file(o, rel, from, data, len);
}

/* ---- a file written in pieces ---- */

struct tk_out_file {
	tk_out *o;
	char *rel, *dst;
	int fd;                 /* -1 once anything failed */
};

int
tk_out_open(tk_out_file **out, tk_out *o, const char *rel)
{
	tk_out_file *f;

	*out = NULL;
	if (!tk_out_path_ok(rel)) {
		tk_diag_error(o->d, rel, 0, 0, "refusing to write outside the output folder");
		o->failed = 1;
		return -1;
	}
	f = xcalloc(1, sizeof(*f));
	f->o = o;
	f->rel = xstrdup(rel);
	f->dst = xasprintf("%s/%s", o->stage, rel);
	f->fd = -1;
	*out = f;
	if (stage_dirs(o, f->dst) != 0) {
		tk_diag_error(o->d, f->dst, 0, 0, "cannot create folder: %s", strerror(errno));
		o->failed = 1;
		return -1;
	}
	produce(o, rel);
	if ((f->fd = create_dst(o, f->dst)) < 0) {
		tk_diag_error(o->d, f->dst, 0, 0, "cannot create: %s", strerror(errno));
		o->failed = 1;
		return -1;
	}
	return 0;
}

int
tk_out_put(tk_out_file *f, const char *data, size_t len)
{
	if (f == NULL || f->fd < 0)
		return -1;
	if (tk_write_all(f->fd, data, len) != 0) {
		tk_diag_error(f->o->d, f->dst, 0, 0, "cannot write: %s", strerror(errno));
		close(f->fd);
		f->fd = -1;
		f->o->failed = 1;
		return -1;
	}
	return 0;
}

/* Do the staged file dst and the previous site's rel hold the same bytes
 * (same_old over the staged file's map)? *old is then the previous
 * file's status. */
static int
same_files(tk_out *o, const char *rel, const char *dst, struct stat *old)
{
	struct stat st;
	void *data;
	int fd, same = 0;

	if (!o->has_old || (fd = open(dst, O_RDONLY | O_NOFOLLOW)) < 0)
		return 0;
	if (fstat(fd, &st) == 0) {
		if (st.st_size == 0)
			same = same_old(o, rel, "", 0, old);
		else if ((data = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd,
		    0)) != MAP_FAILED) {
			same = same_old(o, rel, data, (size_t)st.st_size, old);
			munmap(data, (size_t)st.st_size);
		}
	}
	close(fd);
	return same;
}

int
tk_out_close(tk_out_file *f)
{
	tk_out *o;
	struct stat old;
	const char *name;
	int rc = -1, dfd;

	if (f == NULL)
		return -1;
	o = f->o;
	if (f->fd < 0)
		goto out;
	if (close(f->fd) != 0) {
		tk_diag_error(o->d, f->dst, 0, 0, "cannot write: %s", strerror(errno));
		o->failed = 1;
		goto out;
	}
	/* Unchanged: the previous site's file instead, with its time. */
	if (same_files(o, f->rel, f->dst, &old)) {
		if ((dfd = open_old_dir(o, f->rel, &name)) < 0 ||
		    link_dst(o, dfd, name, f->dst) != 0) {
			tk_diag_error(o->d, f->dst, 0, 0, "cannot link the unchanged file "
			    "from the site: %s", strerror(errno));
			o->failed = 1;
			goto out;
		}
		o->kept++;
	} else
		o->written++;
	rc = 0;
out:
	free(f->rel);
	free(f->dst);
	free(f);
	return rc;
}

/* The folder of the previous site's rel (open_old_dir) when rel is a
 * regular file there still as was says (not edited since, not a link to
 * somewhere else), or -1. */
static int
old_intact(tk_out *o, const char *rel, const tk_out_stamp *was, const char **name,
    struct stat *st)
{
	int dfd;

	if (!o->has_old || !tk_out_path_ok(rel) || (dfd = open_old_dir(o, rel, name)) < 0)
		return -1;
	if (fstatat(dfd, *name, st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISREG(st->st_mode) ||
	    (long long)st->st_size != was->size)
		return -1;
	if (o->minimal ? (long long)st->st_mtim.tv_sec != was->mtime / 1000000000LL :
	    (long long)st->st_ino != was->inode ||
	    (long long)st->st_mtim.tv_sec * 1000000000LL + st->st_mtim.tv_nsec != was->mtime)
		return -1;
	return dfd;
}

static void
stamp_of(const struct stat *st, tk_out_stamp *out)
{
	out->size = (long long)st->st_size;
	out->inode = (long long)st->st_ino;
	out->mtime = (long long)st->st_mtim.tv_sec * 1000000000LL + st->st_mtim.tv_nsec;
}

int
tk_out_reuse(tk_out *o, const char *rel, const tk_out_stamp *was, tk_out_stamp *now)
{
	char *dst = NULL;
	const char *name;
	struct stat st;
	int dfd, rc = 0;

	if ((dfd = old_intact(o, rel, was, &name, &st)) < 0)
		return 0;
	dst = xasprintf("%s/%s", o->stage, rel);
	if (!staged_is(o, dst, &st) && (stage_dirs(o, dst) != 0 ||
	    link_dst(o, dfd, name, dst) != 0))
		goto out;
	produce(o, rel);
	o->kept++;
	rc = 1;
	/* The staged file is the old one (the same inode): its stamp. */
	if (now)
		stamp_of(&st, now);
out:
	free(dst);
	return rc;
}

int
tk_out_stat(const tk_out *o, const char *rel, tk_out_stamp *now)
{
	char *p = xasprintf("%s/%s", o->stage, rel);
	struct stat st;
	int rc = lstat(p, &st);

	free(p);
	if (rc != 0 || !S_ISREG(st.st_mode))
		return -1;
	stamp_of(&st, now);
	return 0;
}

/* Removes from the folder dfd (rel inside the stage) whatever this build
 * did not produce, and the folders left empty. Symbolic links are removed,
 * never followed. Returns how many entries stay, or -1. */
static long
prune(tk_out *o, int dfd, tk_buf *rel)
{
	DIR *dp = fdopendir(dfd);
	struct dirent *de;
	size_t at = rel->len;
	long stay = 0;
	int rc = 0;

	if (dp == NULL) {
		close(dfd);
		return -1;
	}
	while ((de = readdir(dp)) != NULL) {
		int isdir = de->d_type == DT_DIR, sub;
		struct stat st;
		long n = -1;

		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (de->d_type == DT_UNKNOWN)
			isdir = fstatat(dirfd(dp), de->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
			    S_ISDIR(st.st_mode);
		rel->len = at;
		if (at)
			tk_buf_putc(rel, '/');
		tk_buf_puts(rel, de->d_name);
		if (isdir) {
			sub = openat(dirfd(dp), de->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW);
			if (sub < 0 || (n = prune(o, sub, rel)) < 0)
				rc = -1;
			else if (n > 0)
				stay++;
			else if (unlinkat(dirfd(dp), de->d_name, AT_REMOVEDIR) != 0)
				rc = -1;
		} else if (pathset_has(&o->produced, rel->data)) {
			stay++;
		} else if (unlinkat(dirfd(dp), de->d_name, 0) != 0) {
			rc = -1;
		}
	}
	rel->len = at;
	closedir(dp);
	return rc < 0 ? -1 : stay;
}

int
tk_out_commit(tk_out *o)
{
	struct stat st;
	int rc = -1, swapped = 0;

	if (o->failed)
		goto out;
	if (o->recycled) {
		tk_buf rel = TK_BUF_INIT;
		int dfd = open(o->stage, O_RDONLY | O_DIRECTORY | O_NOFOLLOW);

		if (dfd < 0 || prune(o, dfd, &rel) < 0) {
			tk_diag_error(o->d, o->stage, 0, 0, "cannot remove what the previous site "
			    "had and this one does not: %s; check the permissions of the staging folder",
			    strerror(errno));
			tk_buf_free(&rel);
			goto out;
		}
		tk_buf_free(&rel);
	}
	if (lstat(o->dir, &st) == 0) {
		/* Swap in one step: readers see the old site or the new one. */
		if (renameat2(AT_FDCWD, o->stage, AT_FDCWD, o->dir, RENAME_EXCHANGE) != 0) {
			tk_diag_error(o->d, o->dir, 0, 0, "cannot replace the site: %s",
			    strerror(errno));
			goto out;
		}
		swapped = 1;
	} else if (rename(o->stage, o->dir) != 0) {
		tk_diag_error(o->d, o->dir, 0, 0, "cannot create the site: %s", strerror(errno));
		goto out;
	}
	rc = 0;
out:
	/* The old site after a swap is the next build's stage. A failed stage
	 * is removed; it may hold anything. */
	if (!swapped || rename(o->stage, o->spare) != 0)
		rm_rf(o->stage);
	out_free(o);
	return rc;
}

void
tk_out_abort(tk_out *o)
{
	if (o == NULL)
		return;
	rm_rf(o->stage);
	out_free(o);
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

int
tk_out_failed(const tk_out *o)
{
	return o->failed;
}

void
tk_out_fail(tk_out *o)
{
	o->failed = 1;
}

void
tk_out_add_counts(tk_out *o, size_t written, size_t kept)
{
	o->written += written;
	o->kept += kept;
}

void
tk_out_put_paths(const tk_out *o, tk_buf *b)
{
	size_t i;

	for (i = 0; i < o->produced.n; i++)
		tk_buf_put(b, o->produced.keys[i], strlen(o->produced.keys[i]) + 1);
}

int
tk_out_take_paths(tk_out *o, const char *data, size_t len)
{
	size_t at = 0, i;

	for (i = 0; i < len; i++)
		if (data[i] == '\0') {
			produce(o, data + at);
			at = i + 1;
		}
	return at == len ? 0 : -1;      /* a path cut short: the sender failed */
}
