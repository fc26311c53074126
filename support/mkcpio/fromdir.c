// SPDX-License-Identifier: GPL-2.0-only
/*
 * --from-dir: print a spec for a directory tree, optionally changed by a
 * Buildroot makedevs device table.
 *
 * Order: depth first, each directory before its contents, siblings in
 * byte order (the whole list is sorted with '/' below every other byte, so
 * readdir order never matters).  Entries the table adds sort the same way.
 * The root itself is not emitted.
 *
 * Hard links: files of one inode (same mode and owner) become one "file"
 * line carrying the other names as gen_init_cpio hard links.  The line is
 * printed where the last of the names sorts, because only there have the
 * parent directories of all the names appeared.
 */
#include <errno.h>
#include <ftw.h>
#include <stdarg.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "mkcpio.h"

struct node {
	char *path;		/* relative, no leading '/' */
	uint32_t mode, uid, gid, rmaj, rmin;
	char *target;		/* symlink */
	dev_t dev;
	ino_t ino;
	int nlink;		/* > 1: look for other names */
	struct node *leader;	/* hard links: the first name */
	struct node *last;	/* leader: the last name, where we print */
	struct node *next_link;	/* leader's list of other names */
	int from_tree;
};

struct table_use {
	struct node *node;
	const char *tfile;
	unsigned int tline;
};

static struct {
	const struct fromdir_opts *opt;
	size_t rootlen;
	struct node **v;
	size_t n, cap;
	struct map by_path;
	struct table_use *uses;
	size_t nuses;
} fd;

static struct node *add_node(const char *path, uint32_t mode)
{
	struct node *n = xcalloc(1, sizeof(*n));

	n->path = xstrdup(path);
	n->mode = mode;
	if (fd.n == fd.cap) {
		fd.cap = fd.cap ? 2 * fd.cap : 1024;
		fd.v = xrealloc(fd.v, fd.cap * sizeof(*fd.v));
	}
	fd.v[fd.n++] = n;
	map_put(&fd.by_path, n->path, n);
	return n;
}

/* The spec format splits on blanks and has no quoting. */
static int speakable(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s <= ' ' || *s == 0x7f)
			return 0;
	return 1;
}

static int walk_one(const char *fpath, const struct stat *st, int flag,
		    struct FTW *ftw)
{
	const char *rel = fpath + fd.rootlen;
	char target[PATH_MAX];
	struct node *n;
	ssize_t len;

	if (ftw->level == 0)
		return 0;
	while (*rel == '/')
		rel++;
	if (flag == FTW_DNR || flag == FTW_NS)
		return fail("%s: cannot read: %m", esc(fpath));
	if (!speakable(rel))
		return fail("%s: name has blanks or control characters, which a spec cannot hold",
			    esc(fpath));
	n = add_node(rel, st->st_mode & (S_IFMT | 07777));
	n->uid = fd.opt->squash ? 0 : st->st_uid;
	n->gid = fd.opt->squash ? 0 : st->st_gid;
	n->from_tree = 1;
	if (S_ISLNK(st->st_mode)) {
		len = readlink(fpath, target, sizeof(target) - 1);
		if (len < 0)
			return fail("%s: cannot read link: %m", esc(fpath));
		target[len] = 0;
		if (!speakable(target))
			return fail("%s: link target has blanks or control characters",
				    esc(fpath));
		n->target = xstrdup(target);
	} else if (S_ISCHR(st->st_mode) || S_ISBLK(st->st_mode)) {
		n->rmaj = major(st->st_rdev);
		n->rmin = minor(st->st_rdev);
	} else if (S_ISREG(st->st_mode)) {
		if (st->st_size > UINT32_MAX)
			return fail("%s: 4 GiB or larger (newc limit)",
				    esc(fpath));
		n->dev = st->st_dev;
		n->ino = st->st_ino;
		n->nlink = st->st_nlink;
	}
	return 0;
}

/* ---- device table ---- */

struct trow {
	const char *tfile;
	unsigned int tline;
	char *name;
	char type;
	uint32_t mode, uid, gid, maj, min, start, inc, count;
};

static int terr(const struct trow *r, const char *fmt, ...)
	__printf(2, 3);

static int terr(const struct trow *r, const char *fmt, ...)
{
	char what[1536];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	return fail("%s:%u: %s", esc(r->tfile), r->tline, what);
}

/* A number or "-" (0) in a field the type does not use. */
static int tnum(const struct trow *r, const char *s, const char *what,
		uint32_t max, int optional, uint32_t *v)
{
	*v = 0;
	if (optional && !strcmp(s, "-"))
		return 0;
	if (parse_num(s, 10, max, v))
		return terr(r, "bad %s '%s'", what, esc(s));
	return 0;
}

static int type_is(const struct node *n, uint32_t t)
{
	return (n->mode & S_IFMT) == t;
}

static void use(struct node *n, const struct trow *r)
{
	fd.uses = xrealloc(fd.uses, (fd.nuses + 1) * sizeof(*fd.uses));
	fd.uses[fd.nuses++] = (struct table_use){ n, r->tfile, r->tline };
}

/* Create or change one table entry; parents are checked at the end. */
static int apply_one(const struct trow *r, const char *path, uint32_t type,
		     uint32_t min)
{
	static const char *const what[] = {
		['f'] = "a regular file", ['d'] = "a directory",
		['c'] = "a device", ['b'] = "a device", ['p'] = "a fifo",
	};
	struct node *n = map_get(&fd.by_path, path);
	int ok;

	if (!n && r->type == 'f')
		return terr(r, "'/%s' is not in the tree", esc(path));
	if (!n) {
		n = add_node(path, type);
	} else {
		/* A device may change between c and b; nothing else may. */
		if (r->type == 'c' || r->type == 'b')
			ok = type_is(n, S_IFCHR) || type_is(n, S_IFBLK);
		else
			ok = type_is(n, type);
		if (!ok)
			return terr(r, "'/%s' exists and is not %s",
				    esc(path), what[(int)r->type]);
	}
	n->mode = type | r->mode;
	n->uid = r->uid;
	n->gid = r->gid;
	n->rmaj = r->maj;
	n->rmin = min;
	use(n, r);
	return 0;
}

static int apply_row(struct trow *r)
{
	static const uint32_t types[] = {
		['f'] = S_IFREG, ['d'] = S_IFDIR, ['c'] = S_IFCHR,
		['b'] = S_IFBLK, ['p'] = S_IFIFO,
	};
	uint64_t min;
	uint32_t i;
	char *p;
	int rc;

	if (!r->count)
		return apply_one(r, r->name, types[(int)r->type], r->min);
	for (i = 0; i < r->count; i++) {
		min = r->min + (uint64_t)i * r->inc;
		if (min > 0xfffff)
			return terr(r, "minor %llu of '/%s%u' is out of range",
				    (unsigned long long)min, esc(r->name),
				    r->start + i);
		p = xasprintf("%s%u", r->name, r->start + i);
		rc = apply_one(r, p, types[(int)r->type], min);
		free(p);
		if (rc)
			return -1;
	}
	return 0;
}

/* <name> <type> <mode> <uid> <gid> <major> <minor> <start> <inc> <count> */
static int parse_row(struct trow *r, char **f, int nf)
{
	const char *why, *name;
	int dev;

	if (nf != 10)
		return terr(r, "expected 10 fields (name type mode uid gid major minor start inc count), not %d",
			    nf);
	if (strlen(f[1]) != 1 || !strchr("fdcbp", f[1][0]))
		return terr(r, "bad type '%s' (f, d, c, b or p)", esc(f[1]));
	r->type = f[1][0];
	dev = r->type == 'c' || r->type == 'b';
	name = f[0];
	if (*name == '/')
		name++;
	if (!*name || check_name(name, &why))
		return terr(r, "name '%s' %s", esc(f[0]),
			    *name ? why : "is the root");
	if (!speakable(name))
		return terr(r, "name '%s' has control characters", esc(f[0]));
	if (parse_num(f[2], 8, 07777, &r->mode))
		return terr(r, "bad mode '%s' (octal, at most 07777)",
			    esc(f[2]));
	if (tnum(r, f[3], "uid", UINT32_MAX, 0, &r->uid) ||
	    tnum(r, f[4], "gid", UINT32_MAX, 0, &r->gid) ||
	    tnum(r, f[5], "major", 4095, !dev, &r->maj) ||
	    tnum(r, f[6], "minor", 0xfffff, !dev, &r->min) ||
	    tnum(r, f[7], "start", UINT32_MAX, 1, &r->start) ||
	    tnum(r, f[8], "inc", UINT32_MAX, 1, &r->inc) ||
	    tnum(r, f[9], "count", 0xfffff, 1, &r->count))
		return -1;
	if (r->count && !dev)
		return terr(r, "a count needs type c or b");
	if (!dev) {
		r->maj = 0;
		r->min = 0;
	}
	r->name = xstrdup(name);
	return 0;
}

static int read_table(const char *tfile)
{
	struct trow r = { .tfile = tfile };
	char *line = NULL, *f[11], *tok, *save;
	size_t cap = 0;
	ssize_t len;
	FILE *t;
	int nf, rc = 0;

	t = fopen(tfile, "r");
	if (!t)
		return fail("%s: %m", esc(tfile));
	while (!rc && (len = getline(&line, &cap, t)) >= 0) {
		r.tline++;
		if (strlen(line) != (size_t)len) {
			rc = terr(&r, "line contains a NUL byte");
			break;
		}
		nf = 0;
		for (tok = strtok_r(line, " \t\r\n", &save); tok;
		     tok = strtok_r(NULL, " \t\r\n", &save))
			if (nf < 11)
				f[nf++] = tok;
			else
				nf++;
		if (!nf || f[0][0] == '#')
			continue;
		rc = parse_row(&r, f, nf > 11 ? 11 : nf);
		if (!rc)
			rc = apply_row(&r);
		free(r.name);
		r.name = NULL;
	}
	free(line);
	fclose(t);
	return rc;
}

/* Every entry a table line touched needs its parent directory by now. */
static int check_table_parents(void)
{
	struct node *p;
	char *slash, *pp;
	size_t i;
	int bad;

	for (i = 0; i < fd.nuses; i++) {
		slash = strrchr(fd.uses[i].node->path, '/');
		if (!slash)
			continue;
		pp = xasprintf("%.*s", (int)(slash - fd.uses[i].node->path),
			       fd.uses[i].node->path);
		p = map_get(&fd.by_path, pp);
		bad = !p || !type_is(p, S_IFDIR);
		if (bad)
			fail("%s:%u: parent directory '/%s' of '/%s' is %s",
			     esc(fd.uses[i].tfile), fd.uses[i].tline, esc(pp),
			     esc(fd.uses[i].node->path),
			     p ? "not a directory" :
				 "in neither the tree nor the table");
		free(pp);
		if (bad)
			return -1;
	}
	return 0;
}

/* Byte order with '/' below everything: depth first, parents first. */
static int cmp_path(const void *a, const void *b)
{
	const unsigned char *x =
		(const unsigned char *)(*(struct node *const *)a)->path;
	const unsigned char *y =
		(const unsigned char *)(*(struct node *const *)b)->path;
	unsigned int cx, cy;

	for (;; x++, y++) {
		cx = *x == '/' ? 1 : *x;
		cy = *y == '/' ? 1 : *y;
		if (cx != cy || !cx)
			return (int)cx - (int)cy;
	}
}

static void group_links(void)
{
	struct map leaders = { 0 };
	struct node *n, *l, **tail;
	char **keys = NULL;
	size_t i, nkeys = 0;
	char *key;

	for (i = 0; i < fd.n; i++) {
		n = fd.v[i];
		if (!type_is(n, S_IFREG) || n->nlink < 2)
			continue;
		key = xasprintf("%llx:%llx", (unsigned long long)n->dev,
				(unsigned long long)n->ino);
		l = map_get(&leaders, key);
		if (!l) {
			map_put(&leaders, key, n);
			keys = xrealloc(keys, (nkeys + 1) * sizeof(*keys));
			keys[nkeys++] = key;
			continue;
		}
		free(key);
		/* A table may have given one name another mode or owner. */
		if (l->mode != n->mode || l->uid != n->uid || l->gid != n->gid)
			continue;
		for (tail = &l->next_link; *tail; tail = &(*tail)->next_link)
			;
		*tail = n;
		n->leader = l;
		l->last = n;
	}
	for (i = 0; i < nkeys; i++)
		free(keys[i]);
	free(keys);
	map_free(&leaders);
}

static const char *location(const struct node *n, const char *root)
{
	static char *buf;

	free(buf);
	if (fd.opt->var)
		buf = xasprintf("${%s}/%s", fd.opt->var, n->path);
	else
		buf = xasprintf("%s/%s", strcmp(root, "/") ? root : "", n->path);
	return buf;
}

static void print_node(FILE *out, const struct node *n, const char *root)
{
	const struct node *l;
	uint32_t perm = n->mode & 07777;

	switch (n->mode & S_IFMT) {
	case S_IFDIR:
		fprintf(out, "dir /%s %04o %u %u\n", n->path, perm, n->uid,
			n->gid);
		break;
	case S_IFREG:
		fprintf(out, "file /%s %s %04o %u %u", n->path,
			location(n, root), perm, n->uid, n->gid);
		for (l = n->next_link; l; l = l->next_link)
			fprintf(out, " /%s", l->path);
		fputc('\n', out);
		break;
	case S_IFLNK:
		fprintf(out, "slink /%s %s %04o %u %u\n", n->path, n->target,
			perm, n->uid, n->gid);
		break;
	case S_IFCHR:
	case S_IFBLK:
		fprintf(out, "nod /%s %04o %u %u %c %u %u\n", n->path, perm,
			n->uid, n->gid, S_ISCHR(n->mode) ? 'c' : 'b', n->rmaj,
			n->rmin);
		break;
	case S_IFIFO:
		fprintf(out, "pipe /%s %04o %u %u\n", n->path, perm, n->uid,
			n->gid);
		break;
	case S_IFSOCK:
		fprintf(out, "sock /%s %04o %u %u\n", n->path, perm, n->uid,
			n->gid);
		break;
	}
}

static void free_all(void)
{
	size_t i;

	for (i = 0; i < fd.n; i++) {
		free(fd.v[i]->path);
		free(fd.v[i]->target);
		free(fd.v[i]);
	}
	free(fd.v);
	free(fd.uses);
	map_free(&fd.by_path);
	memset(&fd, 0, sizeof(fd));
}

int fromdir(const struct fromdir_opts *opt, FILE *out)
{
	char *root = NULL;
	struct stat st;
	struct node *n;
	size_t i;
	int rc = -1;

	memset(&fd, 0, sizeof(fd));
	fd.opt = opt;
	if (stat(opt->dir, &st))
		return fail("%s: %m", esc(opt->dir));
	if (!S_ISDIR(st.st_mode))
		return fail("%s: not a directory", esc(opt->dir));
	root = realpath(opt->dir, NULL);
	if (!root)
		return fail("%s: %m", esc(opt->dir));
	if (!opt->var && (!speakable(root) || strstr(root, "${"))) {
		fail("%s: the path has blanks, control characters or '${'; use --var",
		     esc(root));
		goto out;
	}
	fd.rootlen = strlen(root);
	err_msg[0] = 0;
	if (nftw(root, walk_one, 32, FTW_PHYS)) {
		if (!err_msg[0])
			fail("%s: %m", esc(root));
		goto out;
	}
	for (i = 0; i < (size_t)opt->ntables; i++)
		if (read_table(opt->tables[i]))
			goto out;
	if (check_table_parents())
		goto out;
	qsort(fd.v, fd.n, sizeof(*fd.v), cmp_path);
	group_links();
	for (i = 0; i < fd.n; i++) {
		n = fd.v[i];
		if (n->leader && n == n->leader->last)
			print_node(out, n->leader, root);
		else if (!n->leader && !n->last)
			print_node(out, n, root);
	}
	rc = 0;
out:
	free(root);
	free_all();
	return rc;
}
