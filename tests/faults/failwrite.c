/* failwrite.c: an LD_PRELOAD shim that makes the disk under one folder
 * fail, for tests/test_faults.sh. Only files whose path starts with
 * TK_FAIL_DIR are touched; everything else (the repository, stderr, a
 * valgrind launcher) works as usual.
 *
 *   TK_FAIL_DIR=/abs/dir      the folder that fails (required)
 *   TK_FAIL_AFTER=N           bytes that may be written there first (0)
 *   TK_FAIL_MODE=write        then write() fails with ENOSPC, as does
 *                             creating a file, a folder or a link there
 *   TK_FAIL_MODE=close        then writes seem to succeed but close()
 *                             fails with ENOSPC (as on NFS or with quotas)
 *   TK_FAIL_MODE=kill         then the build is killed with SIGKILL
 *   TK_FAIL_MODE=kill-rename  the build is killed just before the first
 *                             rename under the folder
 *   TK_FAIL_MODE=kill-renamed ... just after it
 *   TK_FAIL_MODE=nocopy       copy_file_range() into the folder fails with
 *                             EXDEV (as between file systems), nothing else
 *
 * "The build" is the process and the one it forked or was forked from
 * (tiekartta renders with two processes). The kill comes from a shell's
 * kill, from outside, as from a user or the OOM killer: under valgrind a process
 * that signals itself is seen dying, with leak reports of half-done work.
 * Budgets are counted per process.
 *
 * Build: cc -shared -fPIC -o failwrite.so failwrite.c -ldl */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <spawn.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

static long long budget = -1;   /* bytes left before failing; -1 unread */
static const char *dir, *mode;
static int tripped;             /* close mode: some write went over */
static pid_t other;             /* the forked child, or the parent we came from */

extern char **environ;

/* Kills this process and the other one of the build, from outside. */
static void
die(void)
{
	char self[32], them[32];
	char *argv[] = { "sh", "-c", "kill -9 \"$0\" \"$1\"", self, them, NULL };
	pid_t pid;

	snprintf(self, sizeof(self), "%ld", (long)getpid());
	snprintf(them, sizeof(them), "%ld", (long)(other > 0 ? other : getpid()));
	unsetenv("LD_PRELOAD");
	if (posix_spawn(&pid, "/bin/sh", NULL, NULL, argv, environ) != 0)
		kill(getpid(), SIGKILL);
	for (;;)
		pause();
}

static void
setup(void)
{
	const char *a;

	if (budget >= 0)
		return;
	dir = getenv("TK_FAIL_DIR");
	mode = getenv("TK_FAIL_MODE");
	if (mode == NULL)
		mode = "write";
	a = getenv("TK_FAIL_AFTER");
	budget = a ? atoll(a) : 0;
}

static int
under(const char *path)
{
	size_t n;

	setup();
	if (dir == NULL || path == NULL)
		return 0;
	n = strlen(dir);
	return strncmp(path, dir, n) == 0 && (path[n] == '/' || path[n] == '\0');
}

static int
fd_under(int fd)
{
	char link[64], path[4096];
	ssize_t n;

	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	if ((n = readlink(link, path, sizeof(path) - 1)) < 0)
		return 0;
	path[n] = '\0';
	return under(path);
}

/* A relative path is taken from the current folder. */
static int
path_under(int dirfd, const char *path)
{
	char buf[8192], cwd[4096];

	if (path == NULL)
		return 0;
	if (path[0] == '/')
		return under(path);
	if (dirfd != AT_FDCWD) {
		char link[64];
		ssize_t n;

		snprintf(link, sizeof(link), "/proc/self/fd/%d", dirfd);
		if ((n = readlink(link, cwd, sizeof(cwd) - 1)) < 0)
			return 0;
		cwd[n] = '\0';
	} else if (getcwd(cwd, sizeof(cwd)) == NULL)
		return 0;
	snprintf(buf, sizeof(buf), "%s/%s", cwd, path);
	return under(buf);
}

/* Spends n bytes; says whether the disk is full now. */
static int
spend(size_t n)
{
	if (strcmp(mode, "kill") == 0 && (long long)n > budget)
		die();
	if ((long long)n > budget) {
		budget = 0;
		return 1;
	}
	budget -= (long long)n;
	return 0;
}

/* Do writes spend the budget? (In write, close and kill modes.) */
static int
counting(void)
{
	setup();
	return strncmp(mode, "kill-", 5) != 0 && strcmp(mode, "nocopy") != 0;
}

static int
full(void)
{
	setup();
	return strcmp(mode, "write") == 0 && budget == 0;
}

#define REAL(ret, name, args) \
	static ret (*real_##name) args; \
	if (real_##name == NULL) \
		*(void **)&real_##name = dlsym(RTLD_NEXT, #name)

/* Should writing n bytes to fd fail now (errno set)? In close mode the
 * write goes through and the close fails. */
static int
refused(int fd, size_t n)
{
	if (!counting() || n == 0 || fd <= 2 || !fd_under(fd) || !spend(n))
		return 0;
	if (strcmp(mode, "close") == 0) {
		tripped = 1;
		return 0;
	}
	errno = ENOSPC;
	return 1;
}

ssize_t
write(int fd, const void *buf, size_t n)
{
	REAL(ssize_t, write, (int, const void *, size_t));
	return refused(fd, n) ? -1 : real_write(fd, buf, n);
}

/* The parsed-file store writes at offsets (pwrite): the same budget. */
ssize_t
pwrite(int fd, const void *buf, size_t n, off_t off)
{
	REAL(ssize_t, pwrite, (int, const void *, size_t, off_t));
	return refused(fd, n) ? -1 : real_pwrite(fd, buf, n, off);
}

ssize_t
copy_file_range(int in, off64_t *inoff, int out, off64_t *outoff, size_t n, unsigned flags)
{
	REAL(ssize_t, copy_file_range, (int, off64_t *, int, off64_t *, size_t, unsigned));
	setup();
	if (strcmp(mode, "nocopy") == 0 && fd_under(out)) {
		errno = EXDEV;
		return -1;
	}
	return refused(out, n) ? -1 : real_copy_file_range(in, inoff, out, outoff, n, flags);
}

int
close(int fd)
{
	REAL(int, close, (int));
	if (tripped && fd > 2 && fd_under(fd)) {
		real_close(fd);
		errno = ENOSPC;
		return -1;
	}
	return real_close(fd);
}

int
open(const char *path, int flags, ...)
{
	va_list ap;
	mode_t m = 0;

	REAL(int, open, (const char *, int, ...));
	if (flags & O_CREAT) {
		va_start(ap, flags);
		m = (mode_t)va_arg(ap, int);
		va_end(ap);
		if (full() && path_under(AT_FDCWD, path)) {
			errno = ENOSPC;
			return -1;
		}
	}
	return real_open(path, flags, m);
}

int
mkdir(const char *path, mode_t m)
{
	REAL(int, mkdir, (const char *, mode_t));
	if (full() && path_under(AT_FDCWD, path)) {
		errno = ENOSPC;
		return -1;
	}
	return real_mkdir(path, m);
}

int
linkat(int olddirfd, const char *oldpath, int newdirfd, const char *newpath, int flags)
{
	REAL(int, linkat, (int, const char *, int, const char *, int));
	if (full() && path_under(newdirfd, newpath)) {
		errno = ENOSPC;
		return -1;
	}
	return real_linkat(olddirfd, oldpath, newdirfd, newpath, flags);
}

int
link(const char *oldpath, const char *newpath)
{
	return linkat(AT_FDCWD, oldpath, AT_FDCWD, newpath, 0);
}

static void
before_rename(const char *path)
{
	setup();
	if (strcmp(mode, "kill-rename") == 0 && path_under(AT_FDCWD, path))
		die();
}

static void
after_rename(const char *path)
{
	if (strcmp(mode, "kill-renamed") == 0 && path_under(AT_FDCWD, path))
		die();
}

int
rename(const char *from, const char *to)
{
	int r;

	REAL(int, rename, (const char *, const char *));
	before_rename(to);
	r = real_rename(from, to);
	after_rename(to);
	return r;
}

int
renameat2(int fromfd, const char *from, int tofd, const char *to, unsigned flags)
{
	int r;

	REAL(int, renameat2, (int, const char *, int, const char *, unsigned));
	before_rename(to);
	r = real_renameat2(fromfd, from, tofd, to, flags);
	after_rename(to);
	return r;
}

pid_t
fork(void)
{
	pid_t parent = getpid(), pid;

	REAL(pid_t, fork, (void));
	if ((pid = real_fork()) > 0)
		other = pid;
	else if (pid == 0)
		other = parent;
	return pid;
}
