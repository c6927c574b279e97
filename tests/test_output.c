/* test_output.c: the output is replaced whole or not at all, paths stay
 * inside it, unchanged files keep their inode and time, and a build staged
 * in the spare leaves nothing of it that the build did not write. */
#define _DEFAULT_SOURCE
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "diag.h"
#include "harness.h"
#include "output.h"
#include "util.h"

static char root[] = "/tmp/tk-out-XXXXXX";

static void
check_file(const char *name, const char *path, const char *want)
{
	char *data = NULL;
	size_t len;

	tk_read_file(&data, &len, path);
	tk_check_str(name, data, want);
	free(data);
}

/* A build writing data/x.csv in the pieces given (NULL-terminated), with
 * the files it wrote and kept in *written and *kept. */
static int
site_pieces(const char *dir, const char *const *pieces, size_t *written, size_t *kept)
{
	tk_diag *d = tk_diag_new(stderr);
	tk_out *o;
	tk_out_file *f;
	int rc = -1;

	if (tk_out_begin(&o, dir, d) < 0)
		goto out;
	if (tk_out_open(&f, o, "data/x.csv") == 0)
		for (; *pieces; pieces++)
			tk_out_put(f, *pieces, strlen(*pieces));
	if (tk_out_close(f) < 0) {
		tk_out_abort(o);
		goto out;
	}
	*written = tk_out_written(o);
	*kept = tk_out_kept(o);
	rc = tk_out_commit(o);
out:
	tk_diag_free(d);
	return rc;
}

/* A build writing index.html with a, and alue/x/index.html with b unless
 * b is NULL; it fails (aborts) when fail is set. */
/* xasprintf into *out, returning it: for a path used once. */
static char *
xasprintf_tmp(char **out, const char *fmt, const char *arg)
{
	*out = xasprintf(fmt, arg);
	return *out;
}

static int
site(const char *dir, const char *a, const char *b, int fail)
{
	tk_diag *d = tk_diag_new(stderr);
	tk_out *o;
	int rc = -1;

	if (tk_out_begin(&o, dir, d) < 0)
		goto out;
	tk_out_write(o, "index.html", a, strlen(a));
	if (b)
		tk_out_write(o, "alue/x/index.html", b, strlen(b));
	if (fail) {
		tk_out_abort(o);
		goto out;
	}
	rc = tk_out_commit(o);
out:
	tk_diag_free(d);
	return rc;
}

int
main(void)
{
	char *dir, *p, *q, *cmd, *spare;
	struct stat st1, st2;
	tk_diag *d;
	tk_out *o;

	if (mkdtemp(root) == NULL)
		return 3;
	dir = xasprintf("%s/out/site", root);
	p = xasprintf("%s/index.html", dir);
	q = xasprintf("%s/alue/x/index.html", dir);

	{
		/* The list of page keys writes its stamps so. */
		static const long long n[] = { 0, 7, -1, 1764152345123456789LL, LLONG_MAX,
		    LLONG_MIN };
		tk_buf got = TK_BUF_INIT, want = TK_BUF_INIT;
		size_t i;

		for (i = 0; i < sizeof(n) / sizeof(n[0]); i++) {
			tk_buf_put_ll(&got, n[i]);
			tk_buf_putc(&got, ' ');
			tk_buf_printf(&want, "%lld ", n[i]);
		}
		tk_check_str("numbers: tk_buf_put_ll writes what %lld does", got.data, want.data);
		tk_buf_free(&got);
		tk_buf_free(&want);
	}
	tk_check("paths: plain ok", tk_out_path_ok("alue/x/index.html"), NULL);
	tk_check("paths: '..' refused", !tk_out_path_ok("alue/../../etc"), NULL);
	tk_check("paths: absolute refused", !tk_out_path_ok("/etc/passwd"), NULL);
	tk_check("paths: empty part refused", !tk_out_path_ok("a//b"), NULL);
	tk_check("paths: hidden part refused", !tk_out_path_ok(".git/config"), NULL);

	tk_check("first build creates parents", site(dir, "A1", "B1", 0) == 0, NULL);
	check_file("first build: index", p, "A1");
	stat(q, &st1);
	tk_check("second build", site(dir, "A2", "B1", 0) == 0, NULL);
	check_file("second build: changed file rewritten", p, "A2");
	stat(q, &st2);
	tk_check("unchanged file keeps its inode and time", st1.st_ino == st2.st_ino &&
	    st1.st_mtime == st2.st_mtime, NULL);
	tk_check("failed build", site(dir, "A3", "B3", 1) < 0, NULL);
	check_file("failed build leaves the site", p, "A2");
	cmd = xasprintf("ls %s/out | wc -l | grep -qx 1", root);
	tk_check("no staging folder left behind", system(cmd) == 0, NULL);
	free(cmd);

	/* The spare: the site before the last build, staged in by the next. */
	spare = xasprintf("%s%s", dir, TK_OUT_SPARE_SUFFIX);
	tk_check("build 4", site(dir, "A4", "B1", 0) == 0, NULL);
	tk_check("build 5", site(dir, "A5", "B1", 0) == 0, NULL);
	tk_check("the site before is kept beside as the spare", stat(spare, &st1) == 0 &&
	    S_ISDIR(st1.st_mode), NULL);
	tk_check("build 6, staged in the spare, without alue/x", site(dir, "A6", NULL, 0) == 0, NULL);
	check_file("build 6: index", p, "A6");
	tk_check("build 6: a file it did not write is gone", stat(q, &st1) != 0, NULL);
	cmd = xasprintf("%s/alue", dir);
	tk_check("build 6: and its empty folders", stat(cmd, &st1) != 0, NULL);
	free(cmd);
	tk_check("build 7, staged in the spare, with alue/x", site(dir, "A7", "B7", 0) == 0, NULL);
	check_file("build 7: alue/x back", q, "B7");
	check_file("build 7: the spare is build 6", xasprintf_tmp(&cmd, "%s/index.html", spare), "A6");
	free(cmd);
	tk_check("build 8 fails", site(dir, "A8", "B8", 1) < 0, NULL);
	check_file("build 8: the site stays", p, "A7");
	tk_check("build 8: its stage, the spare, is removed", stat(spare, &st1) != 0, NULL);
	free(spare);

	d = tk_diag_new(stderr);
	tk_out_begin(&o, dir, d);
	tk_check("write outside refused", tk_out_write(o, "../x", "x", 1) < 0, NULL);
	tk_check("a failed write fails the commit", tk_out_commit(o) < 0, NULL);
	check_file("and the site stays", p, "A7");
	tk_diag_free(d);

	cmd = xasprintf("ln -s /tmp %s/link", root);
	if (system(cmd) != 0)
		abort();
	free(cmd);
	cmd = xasprintf("%s/link", root);
	d = tk_diag_new(stderr);
	tk_check("a symbolic link as output is refused", tk_out_begin(&o, cmd, d) < 0, NULL);
	tk_diag_free(d);
	free(cmd);

	{
		/* A file written in pieces, as the exports are. */
		static const char *const p1[] = { "abc", "", "def\n", NULL };
		static const char *const p2[] = { "ab", "cdef\n", NULL };
		static const char *const p3[] = { "abcdeF\n", NULL };
		static const char *const p4[] = { "abc", NULL };
		char *pdir = xasprintf("%s/pieces/site", root), *x = xasprintf("%s/data/x.csv", pdir);
		size_t w = 0, k = 0;

		tk_check("pieces: the first build writes the file", site_pieces(pdir, p1, &w, &k) == 0 &&
		    w == 1 && k == 0, NULL);
		check_file("pieces: the pieces in order", x, "abcdef\n");
		stat(x, &st1);
		tk_check("pieces: the same bytes in other pieces are kept", site_pieces(pdir, p2, &w,
		    &k) == 0 && w == 0 && k == 1, NULL);
		stat(x, &st2);
		tk_check("pieces: the kept file keeps its inode and time", st1.st_ino == st2.st_ino &&
		    st1.st_mtim.tv_nsec == st2.st_mtim.tv_nsec && st1.st_mtime == st2.st_mtime, NULL);
		tk_check("pieces: the same size, other bytes: written", site_pieces(pdir, p3, &w,
		    &k) == 0 && w == 1 && k == 0, NULL);
		check_file("pieces: the new bytes", x, "abcdeF\n");
		tk_check("pieces: shorter: written", site_pieces(pdir, p4, &w, &k) == 0 && w == 1,
		    NULL);
		check_file("pieces: the shorter bytes", x, "abc");
		stat(x, &st1);
		tk_check("pieces: kept again, staged in the spare", site_pieces(pdir, p4, &w,
		    &k) == 0 && w == 0 && k == 1 && stat(x, &st2) == 0 && st1.st_ino == st2.st_ino,
		    NULL);
		d = tk_diag_new(stderr);
		tk_out_begin(&o, pdir, d);
		{
			tk_out_file *f;

			tk_check("pieces: a path outside is refused", tk_out_open(&f, o, "../x") < 0 &&
			    tk_out_put(f, "x", 1) < 0 && tk_out_close(f) < 0, NULL);
		}
		tk_check("pieces: and fails the commit", tk_out_commit(o) < 0, NULL);
		check_file("pieces: the site stays", x, "abc");
		tk_diag_free(d);
		free(pdir);
		free(x);
	}

	cmd = xasprintf("rm -rf %s", root);
	if (system(cmd) != 0)
		tk_check("cleanup", 0, NULL);
	free(cmd);
	free(dir);
	free(p);
	free(q);
	return tk_test_end();
}
