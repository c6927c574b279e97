/* source.c: see source.h. libgit2's 0/<0 convention is converted here, with
 * git_error_last() read at once; nothing else in the program sees libgit2's
 * content reading. */
#define _GNU_SOURCE
#include "source.h"

#include <dirent.h>
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <git2.h>
#include <link.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util.h"

typedef struct {
	tk_source_file f;
	char *data;
	size_t len;
	int loaded;
} file;

struct tk_source {
	git_repository *repo;
	git_tree *tree;         /* the content folder's tree, NULL when reading disk */
	char *root;             /* directory read in worktree/directory mode */
	char *workdir;
	char *content;
	char commit[41];
	int has_commit, dirty;
	time_t time;
	file *files;
	size_t n, cap;
	size_t shared;          /* blobs the second reading process gave */
};

static int lib_refs;

static const char *
git_msg(void)
{
	const git_error *e = git_error_last();

	return e && e->message ? e->message : "unknown libgit2 error";
}

static void
add_file(tk_source *s, const char *path, const char *shown, const char *oid)
{
	file *f;

	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 64;
		s->files = xrealloc(s->files, s->cap * sizeof(*s->files));
	}
	f = &s->files[s->n++];
	memset(f, 0, sizeof(*f));
	f->f.path = xstrdup(path);
	f->f.shown = xstrdup(shown);
	if (oid)
		memcpy(f->f.oid, oid, 41);
}

static int
cmp_file(const void *a, const void *b)
{
	return strcmp(((const file *)a)->f.path, ((const file *)b)->f.path);
}

typedef struct {
	tk_source *s;
	tk_diag *d;
	int bad;
} walk_ctx;

/* Lists the blobs of the content tree. Git itself writes only names
 * without '/' other than "." and "..", and the modes 100644 and 100755
 * (100664 in old repositories); anything else is refused with its path,
 * and a bad folder is not entered. libgit2 reads odd modes as plain
 * files, so the raw mode is checked. */
static int
walk_cb(const char *root, const git_tree_entry *e, void *payload)
{
	walk_ctx *w = payload;
	git_filemode_t mode = git_tree_entry_filemode(e);
	unsigned raw = (unsigned)git_tree_entry_filemode_raw(e);
	const char *name = git_tree_entry_name(e);
	char *rel, *shown, oid[41];
	int rc = 0;

	rel = xasprintf("%s%s", root, name);
	shown = xasprintf("%s/%s", w->s->content, rel);
	if (*name == '\0' || strchr(name, '/') || strcmp(name, ".") == 0 ||
	    strcmp(name, "..") == 0) {
		tk_diag_error(w->d, shown, 0, 0, "an entry named '%s' in the content tree; "
		    "Git does not make such names, so the commit was crafted or is "
		    "damaged: remove the entry", name);
		w->bad = 1;
		rc = 1;         /* do not enter it */
	} else if (mode == GIT_FILEMODE_TREE) {
		/* walked next */
	} else if (raw == 0100644 || raw == 0100755 || raw == 0100664) {
		git_oid_tostr(oid, sizeof(oid), git_tree_entry_id(e));
		add_file(w->s, rel, shown, oid);
	} else {
		char odd[32];

		snprintf(odd, sizeof(odd), "an entry of odd mode %06o", raw);
		tk_diag_error(w->d, shown, 0, 0, "%s in the content tree; content holds "
		    "only regular files, so replace it with a file or remove it",
		    mode == GIT_FILEMODE_LINK ? "a symbolic link" :
		    mode == GIT_FILEMODE_COMMIT ? "a submodule" : odd);
		w->bad = 1;
	}
	free(rel);
	free(shown);
	return rc;
}

/* Reads a directory tree from disk, refusing symbolic links and special
 * files. Paths are sorted later. */
static int
walk_dir(tk_source *s, const char *dir, const char *rel, tk_diag *d)
{
	DIR *dp;
	struct dirent *de;
	int rc = 0;

	if ((dp = opendir(dir)) == NULL) {
		tk_diag_error(d, dir, 0, 0, "cannot read the directory: %s", strerror(errno));
		return -1;
	}
	while ((de = readdir(dp)) != NULL) {
		struct stat st;
		char *full, *r, *shown;

		if (de->d_name[0] == '.')
			continue;       /* .git, editor droppings */
		full = xasprintf("%s/%s", dir, de->d_name);
		r = *rel ? xasprintf("%s/%s", rel, de->d_name) : xstrdup(de->d_name);
		shown = xasprintf("%s/%s", s->content, r);
		if (lstat(full, &st) != 0) {
			tk_diag_error(d, shown, 0, 0, "cannot stat: %s", strerror(errno));
			rc = -1;
		} else if (S_ISDIR(st.st_mode)) {
			if (walk_dir(s, full, r, d) < 0)
				rc = -1;
		} else if (S_ISREG(st.st_mode)) {
			add_file(s, r, shown, NULL);
			s->files[s->n - 1].data = full;  /* the disk path until read */
			full = NULL;
		} else {
			/* A content error, not a failure to read: listed with the rest. */
			tk_diag_error(d, shown, 0, 0, "%s in the content tree; content holds "
			    "only regular files, so replace it with a file or remove it",
			    S_ISLNK(st.st_mode) ? "a symbolic link" : "a special file");
		}
		free(full);
		free(r);
		free(shown);
	}
	closedir(dp);
	return rc;
}

static int
open_commit(tk_source *s, const char *rev, tk_diag *d)
{
	const char *name = rev ? rev : "HEAD";
	git_reference *ref = NULL, *res = NULL;
	char id[41];
	git_object *obj = NULL;
	git_commit *commit = NULL;
	git_tree *root = NULL;
	git_tree_entry *te = NULL;
	int rc = -1;

	/* A reference is looked up by hand: a name that exists but whose
	 * commit cannot be read is a damaged repository (exit 3), not a
	 * mistyped revision (exit 2); and libgit2 1.5's revparse leaks when
	 * the object is missing. */
	if (git_reference_dwim(&ref, s->repo, name) == 0 &&
	    git_reference_resolve(&res, ref) == 0) {
		if (git_object_lookup(&obj, s->repo, git_reference_target(res),
		    GIT_OBJECT_ANY) < 0) {
			git_oid_tostr(id, sizeof(id), git_reference_target(res));
			tk_diag_error(d, NULL, 0, 0, "revision '%s' names commit %s, which cannot "
			    "be read: %s; the repository is damaged, see 'git fsck'", name, id,
			    git_msg());
			goto out;
		}
	} else if (git_revparse_single(&obj, s->repo, name) < 0) {
		tk_diag_error(d, NULL, 0, 0, "cannot resolve revision '%s': %s", name,
		    git_msg());
		rc = TK_SOURCE_EARG;
		goto out;
	}
	if (git_object_peel((git_object **)&commit, obj, GIT_OBJECT_COMMIT) < 0) {
		tk_diag_error(d, NULL, 0, 0, "revision '%s' does not name a commit: %s",
		    rev ? rev : "HEAD", git_msg());
		goto out;
	}
	git_oid_tostr(s->commit, sizeof(s->commit), git_commit_id(commit));
	s->has_commit = 1;
	s->time = (time_t)git_commit_time(commit);
	if (s->root) {          /* worktree mode: the commit is only for reference */
		rc = 0;
		goto out;
	}
	if (git_commit_tree(&root, commit) < 0) {
		tk_diag_error(d, NULL, 0, 0, "cannot read the tree of %s: %s", s->commit, git_msg());
		goto out;
	}
	if (strcmp(s->content, ".") == 0) {
		s->tree = root;
		root = NULL;
	} else {
		if (git_tree_entry_bypath(&te, root, s->content) < 0 ||
		    git_tree_entry_type(te) != GIT_OBJECT_TREE) {
			tk_diag_error(d, NULL, 0, 0, "no folder '%s' in commit %.12s; "
			    "give the content folder with --content", s->content, s->commit);
			rc = TK_SOURCE_EARG;
			goto out;
		}
		if (git_tree_lookup(&s->tree, s->repo, git_tree_entry_id(te)) < 0) {
			tk_diag_error(d, s->content, 0, 0, "cannot read the tree: %s", git_msg());
			goto out;
		}
	}
	rc = 0;
out:
	git_tree_entry_free(te);
	git_tree_free(root);
	git_commit_free(commit);
	git_object_free(obj);
	git_reference_free(res);
	git_reference_free(ref);
	return rc;
}

int
tk_source_open(tk_source **out, const tk_source_opts *o, tk_diag *d)
{
	tk_source *s = xcalloc(1, sizeof(*s));
	git_buf found = GIT_BUF_INIT;
	const char *content = o->content ? o->content : "content";
	int rc = -1, r, found_repo = 0;
	size_t i;

	*out = NULL;
	if (lib_refs++ == 0) {
		git_libgit2_init();
		/* Git itself hashes an object again only in fsck: zlib's checksum
		 * of every object already catches a damaged one, and hashing each
		 * blob again was a fifth of reading the content. */
		git_libgit2_opts(GIT_OPT_ENABLE_STRICT_HASH_VERIFICATION, 0);
	}
	/* Strip "./" and trailing slashes so paths join cleanly. */
	while (strncmp(content, "./", 2) == 0)
		content += 2;
	s->content = xstrdup(*content ? content : ".");
	for (i = strlen(s->content); i > 1 && s->content[i - 1] == '/'; i--)
		s->content[i - 1] = '\0';

	/* An explicit --repo is that folder; otherwise look upwards from here. */
	if (o->repo)
		found_repo = git_repository_open_ext(&s->repo, o->repo,
		    GIT_REPOSITORY_OPEN_NO_SEARCH, NULL) == 0;
	else if (git_repository_discover(&found, ".", 0, NULL) == 0) {
		if (git_repository_open(&s->repo, found.ptr) < 0) {
			tk_diag_error(d, found.ptr, 0, 0, "cannot open the repository: %s", git_msg());
			goto out;
		}
		found_repo = 1;
	}
	if (found_repo) {
		if (git_repository_workdir(s->repo))
			s->workdir = xstrdup(git_repository_workdir(s->repo));
		if (o->worktree) {
			if (s->workdir == NULL) {
				tk_diag_error(d, o->repo ? o->repo : ".", 0, 0,
				    "--worktree needs a repository with a working tree");
				goto out;
			}
			s->root = xasprintf("%s%s", s->workdir, s->content);
			s->dirty = 1;
		}
		if (o->rev == NULL && git_repository_head_unborn(s->repo) == 1 && s->workdir) {
			/* A new repository has no commit yet: read the work tree. */
			free(s->root);
			s->root = xasprintf("%s%s", s->workdir, s->content);
			tk_diag_warning(d, s->root, 0, 0, "the repository has no commit yet; "
			    "reading the working tree, and pages will carry no commit");
		} else if ((r = open_commit(s, o->rev, d)) < 0) {
			rc = r;
			goto out;
		}
	} else {
		if (o->rev) {
			tk_diag_error(d, o->repo ? o->repo : ".", 0, 0,
			    "not in a Git repository, so --rev cannot be used");
			rc = TK_SOURCE_EARG;
			goto out;
		}
		s->root = o->repo ? xasprintf("%s/%s", o->repo, s->content) : xstrdup(s->content);
		tk_diag_warning(d, s->root, 0, 0,
		    "not in a Git repository; reading the directory, and pages will carry no commit");
	}

	if (s->tree) {
		walk_ctx w = { s, d, 0 };

		if (git_tree_walk(s->tree, GIT_TREEWALK_PRE, walk_cb, &w) < 0) {
			tk_diag_error(d, s->content, 0, 0, "cannot read the content's tree: %s; "
			    "the repository is damaged, see 'git fsck'", git_msg());
			goto out;
		}
		/* Entries refused by walk_cb are content errors, already reported:
		 * the model's load fails on them with everything else it finds. */
		if (!o->lazy && tk_source_read_all(s, o->known, o->known_arg, d) < 0)
			goto out;
	} else {
		struct stat st;

		if (stat(s->root, &st) != 0 || !S_ISDIR(st.st_mode)) {
			tk_diag_error(d, s->root, 0, 0, "no content folder here; "
			    "give it with --content (and the repository with --repo)");
			rc = TK_SOURCE_EARG;
			goto out;
		}
		if (walk_dir(s, s->root, "", d) < 0)
			goto out;
	}
	qsort(s->files, s->n, sizeof(*s->files), cmp_file);
	*out = s;
	s = NULL;
	rc = 0;
out:
	git_buf_dispose(&found);
	tk_source_free(s);
	return rc;
}

void
tk_source_free(tk_source *s)
{
	size_t i;

	if (s == NULL)
		return;
	for (i = 0; i < s->n; i++) {
		free((char *)s->files[i].f.path);
		free((char *)s->files[i].f.shown);
		free(s->files[i].data);
	}
	free(s->files);
	git_tree_free(s->tree);
	git_repository_free(s->repo);
	free(s->root);
	free(s->workdir);
	free(s->content);
	free(s);
	if (--lib_refs == 0)
		git_libgit2_shutdown();
}

size_t
tk_source_count(const tk_source *s)
{
	return s->n;
}

const tk_source_file *
tk_source_file_at(const tk_source *s, size_t i)
{
	return &s->files[i].f;
}

/* Reads file i's blob into the source; <0, reporting nothing, when it
 * cannot. */
static int
load_blob(tk_source *s, size_t i)
{
	file *f = &s->files[i];
	git_oid oid;
	git_blob *blob = NULL;

	if (git_oid_fromstr(&oid, f->f.oid) < 0 || git_blob_lookup(&blob, s->repo, &oid) < 0)
		return -1;
	f->len = (size_t)git_blob_rawsize(blob);
	f->data = xstrndup(git_blob_rawcontent(blob), f->len);
	f->loaded = 1;
	git_blob_free(blob);
	return 0;
}

/* Reading a commit's blobs in two processes. At a system call or more per
 * loose object (the generic benchmark's 4 000 pages: 75 ms, a quarter of
 * its build), reading is worth sharing; the second process reads every
 * other blob through the same repository handle (libgit2 reads packs by
 * mmap and loose objects by path: nothing is shared but read-only maps)
 * and sends each through a pipe as its place in need[] and its length,
 * then the bytes. What it could not read is read again, and reported in
 * its place, by the final pass: messages are those of one process. */
enum { SHARE_MIN = 64 };

typedef struct {
	uint64_t k, len;
} blob_header;

static void
read_half(tk_source *s, const size_t *need, size_t n, int fd)
{
	size_t k;

	for (k = 1; k < n; k += 2) {
		file *f = &s->files[need[k]];
		blob_header h;

		if (load_blob(s, need[k]) < 0)
			continue;
		h.k = k;
		h.len = f->len;
		if (tk_write_all(fd, (const char *)&h, sizeof(h)) != 0 ||
		    tk_write_all(fd, f->data, f->len) != 0)
			break;
		/* This process's copy is not needed once sent. */
		free(f->data);
		f->data = NULL;
	}
	/* Its copy of need[] too is its own (valgrind checks each process's
	 * memory at its exit). */
	free((void *)need);
	_exit(0);
}

/* Takes every whole blob in in[*at..len) into the source. */
static void
take_blobs(tk_source *s, const size_t *need, size_t n, tk_buf *in, size_t *at, int *bad)
{
	while (!*bad && in->len - *at >= sizeof(blob_header)) {
		blob_header h;
		file *f;

		memcpy(&h, in->data + *at, sizeof(h));
		if (h.k >= n || s->files[need[h.k]].loaded || h.len > SIZE_MAX - sizeof(h)) {
			*bad = 1;
			break;
		}
		if (in->len - *at - sizeof(h) < h.len)
			break;
		f = &s->files[need[h.k]];
		f->data = xstrndup(in->data + *at + sizeof(h), (size_t)h.len);
		f->len = (size_t)h.len;
		f->loaded = 1;
		s->shared++;
		*at += sizeof(h) + (size_t)h.len;
	}
	/* Keep only the part of a blob still coming. */
	if (*at > 0 && (*at == in->len || *at >= 1 << 20)) {
		memmove(in->data, in->data + *at, in->len - *at);
		in->len -= *at;
		*at = 0;
	}
}

/* Drains what the pipe holds (all of it, to its end, when wait). Returns
 * 1 at the pipe's end or on a fault. */
static int
pump(tk_source *s, const size_t *need, size_t n, int fd, tk_buf *in, size_t *at, int wait)
{
	char chunk[65536];
	int bad = 0;

	for (;;) {
		ssize_t r = read(fd, chunk, sizeof(chunk));

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0 && errno == EAGAIN && wait) {
			fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
			continue;
		}
		if (r < 0 && errno == EAGAIN)
			return 0;
		if (r <= 0)
			return 1;
		tk_buf_put(in, chunk, (size_t)r);
		take_blobs(s, need, n, in, at, &bad);
		if (bad)
			return 1;
	}
}

/* Reads need[0..n), with a second process reading every other one when
 * there are enough; those left unread are the caller's. */
static void
read_shared(tk_source *s, const size_t *need, size_t n)
{
	tk_buf in = TK_BUF_INIT;
	size_t k, at = 0;
	int fd, end = 0;
	pid_t pid;

	if (n < SHARE_MIN || tk_jobs() < 2 || (pid = tk_helper_start(&fd)) < 0)
		return;
	if (pid == 0) {
		/* Fewer waits on a full pipe (refused above the system's limit:
		 * then the default buffer serves). */
		(void)fcntl(fd, F_SETPIPE_SZ, 1 << 20);
		read_half(s, need, n, fd);
	}
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	for (k = 0; k < n; k += 2) {
		(void)load_blob(s, need[k]);
		if (!end)
			end = pump(s, need, n, fd, &in, &at, 0);
	}
	if (!end)
		(void)pump(s, need, n, fd, &in, &at, 1);
	/* On a fault it may still be writing: it sends nothing else. */
	tk_helper_stop(pid, fd);
	tk_buf_free(&in);
}

int
tk_source_read_all(tk_source *s, int (*known)(void *arg, const char *oid), void *arg,
    tk_diag *d)
{
	size_t i, n = 0, *need;
	int r = 0;

	/* Every blob is read now (content is small, and a build reads it all),
	 * so a missing or damaged object fails here as an input/output error,
	 * before any content is judged. One already read in this process, or
	 * parsed before (known), is whole: it is read when asked for. Files
	 * on disk are read when asked for: their errors name the file. */
	if (s->tree == NULL)
		return 0;
	need = xcalloc(s->n ? s->n : 1, sizeof(*need));
	for (i = 0; i < s->n; i++)
		if (!s->files[i].loaded && !(known && known(arg, s->files[i].f.oid)))
			need[n++] = i;
	read_shared(s, need, n);
	/* In order, so that errors come as they would from one process. */
	for (i = 0; i < n; i++) {
		const char *b;
		size_t l;

		if (tk_source_read(s, need[i], &b, &l, d) < 0)
			r = -1;
	}
	free(need);
	return r;
}

size_t
tk_source_shared(const tk_source *s)
{
	return s->shared;
}

int
tk_source_read(tk_source *s, size_t i, const char **buf, size_t *len, tk_diag *d)
{
	file *f = &s->files[i];
	git_oid oid;

	if (!f->loaded) {
		if (s->tree) {
			if (load_blob(s, i) < 0) {
				tk_diag_error(d, f->f.shown, 0, 0, "cannot read its Git object %s: "
				    "%s; the repository is damaged, see 'git fsck'", f->f.oid,
				    git_msg());
				return -1;
			}
		} else {
			char *disk = f->data, *data;

			if (tk_read_file(&data, &f->len, disk) < 0) {
				tk_diag_error(d, f->f.shown, 0, 0, "cannot read: %s", strerror(errno));
				return -1;
			}
			free(disk);
			f->data = data;
			if (git_odb_hash(&oid, f->data, f->len, GIT_OBJECT_BLOB) == 0)
				git_oid_tostr(f->f.oid, sizeof(f->f.oid), &oid);
			f->loaded = 1;
		}
	}
	*buf = f->data;
	*len = f->len;
	return 0;
}

int
tk_source_peek(const tk_source *s, size_t i, const char **buf, size_t *len)
{
	if (i >= s->n || !s->files[i].loaded)
		return 0;
	*buf = s->files[i].data;
	*len = s->files[i].len;
	return 1;
}

/* The executable's GNU build id (hex), from its own program headers: a
 * hash of the linked file that the linker wrote, so reading the file (1.3
 * MB, SHA-1 again: 3 ms of a 1 000-page build) is not needed. */
typedef struct {
	char hex[2 * 64 + 1];
} build_id;

static int
find_build_id(struct dl_phdr_info *info, size_t size, void *arg)
{
	build_id *id = arg;
	int i;

	(void)size;
	/* The first object is the program itself. */
	for (i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
		const unsigned char *p, *end;

		if (ph->p_type != PT_NOTE)
			continue;
		p = (const unsigned char *)(info->dlpi_addr + ph->p_vaddr);
		end = p + ph->p_memsz;
		while ((size_t)(end - p) >= sizeof(ElfW(Nhdr))) {
			const ElfW(Nhdr) *nh = (const void *)p;
			size_t name = (nh->n_namesz + 3) & ~(size_t)3;
			size_t desc = (nh->n_descsz + 3) & ~(size_t)3;
			const unsigned char *d = p + sizeof(*nh) + name;

			if ((size_t)(end - p) < sizeof(*nh) + name + desc)
				break;
			if (nh->n_type == NT_GNU_BUILD_ID && nh->n_namesz == 4 &&
			    memcmp(p + sizeof(*nh), "GNU", 4) == 0 && nh->n_descsz >= 8 &&
			    nh->n_descsz <= 64) {
				size_t k;

				for (k = 0; k < nh->n_descsz; k++)
					snprintf(id->hex + 2 * k, 3, "%02x", d[k]);
				return 1;
			}
			p += sizeof(*nh) + name + desc;
		}
	}
	return 1;
}

int
tk_source_program_id(char out[41])
{
	static char program[41];

	if (program[0] == '\0') {
		build_id id = { "" };
		char *buf;
		size_t len;

		dl_iterate_phdr(find_build_id, &id);
		if (id.hex[0]) {
			char *text = xasprintf("tiekartta build-id %s\n", id.hex);

			tk_source_hash(program, text, strlen(text));
			free(text);
		} else {
			/* Linked without a build id: the file's bytes name it. */
			if (tk_read_file(&buf, &len, "/proc/self/exe") < 0)
				return 0;
			tk_source_hash(program, buf, len);
			free(buf);
		}
	}
	memcpy(out, program, sizeof(program));
	return 1;
}

void
tk_source_hash(char out[41], const void *data, size_t len)
{
	git_oid oid;

	/* Counted: cheap while a source holds the library open. */
	git_libgit2_init();
	if (git_odb_hash(&oid, data, len, GIT_OBJECT_BLOB) == 0)
		git_oid_tostr(out, 41, &oid);
	else
		out[0] = '\0';
	git_libgit2_shutdown();
}

const char *
tk_source_commit(const tk_source *s)
{
	return s->has_commit ? s->commit : NULL;
}

int
tk_source_dirty(const tk_source *s)
{
	return s->dirty;
}

time_t
tk_source_commit_time(const tk_source *s)
{
	return s->has_commit ? s->time : 0;
}

const char *
tk_source_workdir(const tk_source *s)
{
	return s->workdir;
}

const char *
tk_source_content_path(const tk_source *s)
{
	return s->content;
}

static int
open_repo(git_repository **repo, const char *path, tk_diag *d)
{
	git_buf found = GIT_BUF_INIT;
	int rc;

	if (path)
		rc = git_repository_open_ext(repo, path, GIT_REPOSITORY_OPEN_NO_SEARCH, NULL);
	else if ((rc = git_repository_discover(&found, ".", 0, NULL)) == 0)
		rc = git_repository_open(repo, found.ptr);
	git_buf_dispose(&found);
	if (rc < 0) {
		tk_diag_error(d, path ? path : ".", 0, 0, "not a Git repository: %s", git_msg());
		return TK_SOURCE_EARG;
	}
	return 0;
}

int
tk_source_resolve(char out[41], const char *repo_path, const char *rev, tk_diag *d)
{
	git_repository *repo = NULL;
	git_object *obj = NULL, *commit = NULL;
	int rc;

	if (lib_refs++ == 0)
		git_libgit2_init();
	if ((rc = open_repo(&repo, repo_path, d)) < 0)
		goto out;
	if (git_revparse_single(&obj, repo, rev) < 0 ||
	    git_object_peel(&commit, obj, GIT_OBJECT_COMMIT) < 0) {
		tk_diag_error(d, NULL, 0, 0, "cannot resolve revision '%s' to a commit: %s", rev,
		    git_msg());
		rc = TK_SOURCE_EARG;
		goto out;
	}
	git_oid_tostr(out, 41, git_object_id(commit));
	rc = 0;
out:
	git_object_free(commit);
	git_object_free(obj);
	git_repository_free(repo);
	if (--lib_refs == 0)
		git_libgit2_shutdown();
	return rc;
}

typedef struct {
	git_repository *repo;
	char **ids;
	size_t n, cap;
} tags_ctx;

static int
tag_cb(const char *name, git_oid *oid, void *payload)
{
	tags_ctx *t = payload;
	git_object *obj = NULL, *commit = NULL;
	char hex[41];

	(void)name;
	/* Tags of trees or blobs name no site: skip them. */
	if (git_object_lookup(&obj, t->repo, oid, GIT_OBJECT_ANY) == 0 &&
	    git_object_peel(&commit, obj, GIT_OBJECT_COMMIT) == 0) {
		git_oid_tostr(hex, sizeof(hex), git_object_id(commit));
		if (t->n == t->cap) {
			t->cap = t->cap ? t->cap * 2 : 16;
			t->ids = xrealloc(t->ids, t->cap * sizeof(*t->ids));
		}
		t->ids[t->n++] = xstrdup(hex);
	}
	git_object_free(commit);
	git_object_free(obj);
	return 0;
}

static int
cmp_id(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int
tk_source_tags(char ***ids, size_t *n, const char *repo_path, tk_diag *d)
{
	tags_ctx t = { NULL, NULL, 0, 0 };
	int rc;

	*ids = NULL;
	*n = 0;
	if (lib_refs++ == 0)
		git_libgit2_init();
	if ((rc = open_repo(&t.repo, repo_path, d)) < 0)
		goto out;
	if (git_tag_foreach(t.repo, tag_cb, &t) < 0) {
		tk_diag_error(d, repo_path ? repo_path : ".", 0, 0, "cannot list tags: %s",
		    git_msg());
		rc = -1;
		goto out;
	}
	if (t.n)
		qsort(t.ids, t.n, sizeof(*t.ids), cmp_id);
	*ids = t.ids;
	*n = t.n;
	t.ids = NULL;
	rc = 0;
out:
	free(t.ids);
	git_repository_free(t.repo);
	if (--lib_refs == 0)
		git_libgit2_shutdown();
	return rc;
}
