// SPDX-License-Identifier: GPL-2.0-only
/*
 * The gen_init_cpio spec: parsing (strict), ordering (parents first) and
 * writing the archive.
 *
 * Everything is parsed and checked before the first byte is written, so a
 * bad spec never produces output.  The archive is byte-identical to what
 * the kernel's usr/gen_init_cpio writes for the same spec when its sources
 * carry the same mtime (inodes from 721, devmajor:minor 3:1, nlink 2 for
 * dir/pipe/sock, symlink data with its NUL, trailer padded to 512), except
 * that every entry, regular files included, gets the one given mtime and
 * "dir /" is written as "." so it sets the root's mode.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mkcpio.h"

struct entry {
	char **names;		/* without leading '/'; "." is the root */
	int nnames;
	char *target;		/* slink */
	char *location;		/* file, ${VAR}s expanded */
	uint32_t mode;		/* S_IFMT type | permission bits */
	uint32_t uid, gid, rmaj, rmin;
	const char *fname;
	unsigned int line;
	int emitted;
	struct entry *waiters;	/* --sort: entries waiting for this dir */
	struct entry *wait_next;
};

struct spec {
	struct entry **v;
	size_t n, cap;
	struct entry **order;
	size_t norder;
	struct map names;	/* name -> entry */
	char **fnames;
	size_t nfnames;
};

/* Where we are while parsing, for messages. */
struct ctx {
	struct spec *sp;
	const char *fname;
	unsigned int line;
};

static int perr(const struct ctx *c, const char *fmt, ...)
	__printf(2, 3);

static int perr(const struct ctx *c, const char *fmt, ...)
{
	char what[1536];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	return fail("%s:%u: %s", esc(c->fname), c->line, what);
}

/* A name as the spec writes it, for messages. */
static const char *shown(const char *name)
{
	static char b[2][CPIO_PATH_MAX + 2];
	static int next;
	char *s = b[next++ & 1];

	if (!strcmp(name, "."))
		return "/";
	snprintf(s, sizeof(b[0]), "/%s", name);
	return esc(s);
}

static int add_name(const struct ctx *c, struct entry *e, const char *raw)
{
	const char *n = raw, *why;
	struct entry *old;

	if (!strcmp(raw, "/")) {
		if ((e->mode & S_IFMT) != S_IFDIR)
			return perr(c, "'/' can only be a dir");
		n = ".";
	} else {
		if (*n == '/')
			n++;
		if (check_name(n, &why))
			return perr(c, "name '%s' %s", esc(raw), why);
	}
	old = map_get(&c->sp->names, n);
	if (old)
		return perr(c, "duplicate name '%s' (first at %s:%u)",
			    esc(raw), esc(old->fname), old->line);
	e->names = xrealloc(e->names, (e->nnames + 1) * sizeof(*e->names));
	e->names[e->nnames] = xstrdup(n);
	map_put(&c->sp->names, e->names[e->nnames], e);
	e->nnames++;
	return 0;
}

static int parse_mode(const struct ctx *c, struct entry *e, char **f)
{
	uint32_t perm;

	if (parse_num(f[0], 8, 07777, &perm))
		return perr(c, "bad mode '%s' (octal permission bits, at most 07777)",
			    esc(f[0]));
	if (parse_num(f[1], 10, UINT32_MAX, &e->uid))
		return perr(c, "bad uid '%s' (a decimal number)", esc(f[1]));
	if (parse_num(f[2], 10, UINT32_MAX, &e->gid))
		return perr(c, "bad gid '%s' (a decimal number)", esc(f[2]));
	e->mode |= perm;
	return 0;
}

/* Expand ${VAR} from the environment; an unset variable is an error. */
static int expand(const struct ctx *c, const char *loc, char **res)
{
	size_t len = 0, cap = strlen(loc) + 1, k;
	const char *p = loc, *end, *val;
	char *out = xmalloc(cap), *var;

	while (*p) {
		if (p[0] == '$' && p[1] == '{') {
			end = strchr(p + 2, '}');
			if (!end) {
				free(out);
				return perr(c, "unterminated '${' in location '%s'",
					    esc(loc));
			}
			var = xasprintf("%.*s", (int)(end - p - 2), p + 2);
			val = getenv(var);
			if (!val) {
				perr(c, "undefined variable '${%s}' in location '%s'",
				     esc(var), esc(loc));
				free(var);
				free(out);
				return -1;
			}
			free(var);
			p = end + 1;
		} else {
			val = p++;
			k = 1;
			goto append;
		}
		k = strlen(val);
append:
		if (len + k + 1 > cap) {
			cap = 2 * (len + k + 1);
			out = xrealloc(out, cap);
		}
		memcpy(out + len, val, k);
		len += k;
	}
	out[len] = 0;
	*res = out;
	return 0;
}

static int check_source(const struct ctx *c, const char *loc)
{
	struct stat st;

	if (stat(loc, &st))
		return perr(c, "cannot read source '%s': %s", esc(loc),
			    strerror(errno));
	if (!S_ISREG(st.st_mode))
		return perr(c, "source '%s' is not a regular file", esc(loc));
	if (st.st_size > UINT32_MAX)
		return perr(c, "source '%s' is 4 GiB or larger (newc limit)",
			    esc(loc));
	return 0;
}

/* file <name> <location> <mode> <uid> <gid> [<hard links>...] */
static int parse_file(const struct ctx *c, struct entry *e, char **f, int nf)
{
	int i;

	if (add_name(c, e, f[0]) || parse_mode(c, e, f + 2))
		return -1;
	for (i = 5; i < nf; i++)
		if (add_name(c, e, f[i]))
			return -1;
	if (expand(c, f[1], &e->location))
		return -1;
	return check_source(c, e->location);
}

/* dir|pipe|sock <name> <mode> <uid> <gid> */
static int parse_generic(const struct ctx *c, struct entry *e, char **f,
			 int nf)
{
	(void)nf;
	return add_name(c, e, f[0]) || parse_mode(c, e, f + 1) ? -1 : 0;
}

/* nod <name> <mode> <uid> <gid> <b|c> <maj> <min> */
static int parse_nod(const struct ctx *c, struct entry *e, char **f, int nf)
{
	(void)nf;
	if (!strcmp(f[4], "b"))
		e->mode = S_IFBLK;
	else if (!strcmp(f[4], "c"))
		e->mode = S_IFCHR;
	else
		return perr(c, "bad device type '%s' (b or c)", esc(f[4]));
	if (add_name(c, e, f[0]) || parse_mode(c, e, f + 1))
		return -1;
	/* The kernel's dev_t has 12 major and 20 minor bits. */
	if (parse_num(f[5], 10, 4095, &e->rmaj))
		return perr(c, "bad major '%s' (0 to 4095)", esc(f[5]));
	if (parse_num(f[6], 10, 0xfffff, &e->rmin))
		return perr(c, "bad minor '%s' (0 to 1048575)", esc(f[6]));
	return 0;
}

/* slink <name> <target> <mode> <uid> <gid> */
static int parse_slink(const struct ctx *c, struct entry *e, char **f, int nf)
{
	(void)nf;
	if (add_name(c, e, f[0]) || parse_mode(c, e, f + 2))
		return -1;
	if (strlen(f[1]) + 1 > CPIO_PATH_MAX)
		return perr(c, "symlink target is longer than the kernel's PATH_MAX");
	e->target = xstrdup(f[1]);
	return 0;
}

struct keyword {
	const char *name;
	int nfields;		/* after the keyword */
	int more;		/* further fields allowed (hard links) */
	uint32_t type;		/* 0: the handler decides */
	int (*parse)(const struct ctx *c, struct entry *e, char **f, int nf);
	const char *syntax;
};

static const struct keyword keywords[] = {
	{
		.name = "file", .nfields = 5, .more = 1, .type = S_IFREG,
		.parse = parse_file,
		.syntax = "file <name> <location> <mode> <uid> <gid> [<hard links>...]",
	}, {
		.name = "dir", .nfields = 4, .type = S_IFDIR,
		.parse = parse_generic,
		.syntax = "dir <name> <mode> <uid> <gid>",
	}, {
		.name = "nod", .nfields = 7,
		.parse = parse_nod,
		.syntax = "nod <name> <mode> <uid> <gid> <b|c> <maj> <min>",
	}, {
		.name = "slink", .nfields = 5, .type = S_IFLNK,
		.parse = parse_slink,
		.syntax = "slink <name> <target> <mode> <uid> <gid>",
	}, {
		.name = "pipe", .nfields = 4, .type = S_IFIFO,
		.parse = parse_generic,
		.syntax = "pipe <name> <mode> <uid> <gid>",
	}, {
		.name = "sock", .nfields = 4, .type = S_IFSOCK,
		.parse = parse_generic,
		.syntax = "sock <name> <mode> <uid> <gid>",
	},
};

#define MAX_FIELDS 4096

static int parse_line(const struct ctx *c, char *line)
{
	static char *f[MAX_FIELDS];
	const struct keyword *kw = NULL;
	struct entry *e;
	struct spec *sp = c->sp;
	char *tok, *save;
	int nf = 0;
	size_t i;

	for (tok = strtok_r(line, " \t", &save); tok;
	     tok = strtok_r(NULL, " \t", &save)) {
		if (nf == MAX_FIELDS)
			return perr(c, "too many fields");
		f[nf++] = tok;
	}
	if (!nf || f[0][0] == '#')
		return 0;
	for (i = 0; i < ARRAY_SIZE(keywords); i++)
		if (!strcmp(f[0], keywords[i].name))
			kw = &keywords[i];
	if (!kw)
		return perr(c, "unknown keyword '%s'", esc(f[0]));
	if (nf - 1 < kw->nfields || (!kw->more && nf - 1 > kw->nfields))
		return perr(c, "'%s' takes %s%d fields, not %d: %s", kw->name,
			    kw->more ? "at least " : "", kw->nfields, nf - 1,
			    kw->syntax);
	e = xcalloc(1, sizeof(*e));
	e->mode = kw->type;
	e->fname = c->fname;
	e->line = c->line;
	if (sp->n == sp->cap) {
		sp->cap = sp->cap ? 2 * sp->cap : 256;
		sp->v = xrealloc(sp->v, sp->cap * sizeof(*sp->v));
	}
	/* Owned by the spec even if the handler fails half way. */
	sp->v[sp->n++] = e;
	return kw->parse(c, e, f + 1, nf - 1);
}

struct spec *spec_new(void)
{
	return xcalloc(1, sizeof(struct spec));
}

int spec_parse(struct spec *sp, const char *fname, FILE *f)
{
	struct ctx c = { .sp = sp, .line = 0 };
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	int rc = 0;

	sp->fnames = xrealloc(sp->fnames, (sp->nfnames + 1) * sizeof(char *));
	c.fname = sp->fnames[sp->nfnames++] = xstrdup(fname);
	while (!rc && (len = getline(&line, &cap, f)) >= 0) {
		c.line++;
		if (len && line[len - 1] == '\n')
			line[--len] = 0;
		if (strlen(line) != (size_t)len)
			rc = perr(&c, "line contains a NUL byte");
		else
			rc = parse_line(&c, line);
	}
	if (!rc && ferror(f))
		rc = fail("%s: read error: %s", esc(fname), strerror(errno));
	free(line);
	return rc;
}

int spec_parse_buf(struct spec *sp, const char *fname, const char *buf,
		   size_t len)
{
	FILE *f;
	int rc;

	if (!len)
		return 0;
	f = fmemopen((void *)buf, len, "r");
	if (!f)
		return fail("fmemopen: %s", strerror(errno));
	rc = spec_parse(sp, fname, f);
	fclose(f);
	return rc;
}

/*
 * Find the first name of e whose parent is not emitted yet.  Returns 0
 * and sets *wait (NULL when all parents are there), or -1 if a parent is
 * missing or not a directory.
 */
static int parent_of(struct spec *sp, struct entry *e, struct entry **wait,
		     int *which)
{
	struct ctx c = { .sp = sp, .fname = e->fname, .line = e->line };
	struct entry *pe;
	char *slash, *p;
	int i;

	*wait = NULL;
	for (i = 0; i < e->nnames; i++) {
		slash = strrchr(e->names[i], '/');
		if (!slash)
			continue;	/* in the root, which always exists */
		p = xasprintf("%.*s", (int)(slash - e->names[i]), e->names[i]);
		pe = map_get(&sp->names, p);
		if (!pe)
			perr(&c, "parent directory '%s' of '%s' is not in the spec",
			     shown(p), shown(e->names[i]));
		else if ((pe->mode & S_IFMT) != S_IFDIR)
			perr(&c, "parent '%s' of '%s' is not a directory",
			     shown(p), shown(e->names[i]));
		free(p);
		if (!pe || (pe->mode & S_IFMT) != S_IFDIR)
			return -1;
		if (!pe->emitted) {
			*wait = pe;
			*which = i;
			return 0;
		}
	}
	return 0;
}

static void emit(struct spec *sp, struct entry *e)
{
	e->emitted = 1;
	sp->order[sp->norder++] = e;
}

/*
 * Put every entry after its parent directories.  Without sort an entry
 * that comes before its parent is an error; with sort it waits for the
 * parent and follows it, otherwise the spec's order is kept.
 */
int spec_order(struct spec *sp, int sort)
{
	struct entry **stack, *e, *pe, *w;
	size_t i, top;
	struct ctx c;
	int k;

	sp->order = xcalloc(sp->n, sizeof(*sp->order));
	stack = xcalloc(sp->n, sizeof(*stack));
	sp->norder = 0;
	for (i = 0; i < sp->n; i++) {
		top = 0;
		stack[top++] = sp->v[i];
		while (top) {
			e = stack[--top];
			if (parent_of(sp, e, &pe, &k))
				goto fail;
			if (pe && !sort) {
				c = (struct ctx){ sp, e->fname, e->line };
				perr(&c, "parent directory '%s' of '%s' has not appeared yet (it is at %s:%u; --sort reorders)",
				     shown(pe->names[0]), shown(e->names[k]),
				     esc(pe->fname), pe->line);
				goto fail;
			}
			if (pe) {
				e->wait_next = pe->waiters;
				pe->waiters = e;
				continue;
			}
			emit(sp, e);
			/* Release waiters so they come out in spec order. */
			for (w = e->waiters; w; w = w->wait_next)
				stack[top++] = w;
			e->waiters = NULL;
		}
	}
	free(stack);
	return 0;
fail:
	free(stack);
	return -1;
}

static int sum_bytes(int fd, uint32_t size, const char *src,
			  uint32_t *csum)
{
	static unsigned char buf[65536];
	ssize_t n, i;

	*csum = 0;
	while (size) {
		n = read(fd, buf, size < sizeof(buf) ? size : sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return fail("%s: read error: %s", esc(src),
				    strerror(errno));
		if (n == 0)
			return fail("%s: file shrank while being archived",
				    esc(src));
		for (i = 0; i < n; i++)
			*csum += buf[i];
		size -= n;
	}
	if (lseek(fd, 0, SEEK_SET) < 0)
		return fail("%s: cannot seek: %s", esc(src), strerror(errno));
	return 0;
}

/* A regular file and its hard links: data and checksum on the last one. */
static int write_file(struct out *o, const struct spec_opts *opt,
		      struct entry *e, uint32_t ino)
{
	struct ctx c = { .fname = e->fname, .line = e->line };
	struct cpio_hdr h = {
		.ino = ino, .mode = e->mode, .uid = e->uid, .gid = e->gid,
		.nlink = e->nnames, .mtime = opt->mtime, .maj = 3, .min = 1,
	};
	uint32_t csum = 0;
	struct stat st;
	int fd, i, rc = -1;

	fd = open(e->location, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return perr(&c, "cannot read source '%s': %s",
			    esc(e->location), strerror(errno));
	if (fstat(fd, &st) || !S_ISREG(st.st_mode) || st.st_size > UINT32_MAX) {
		perr(&c, "source '%s' changed since it was checked",
		     esc(e->location));
		goto out_close;
	}
	if (opt->crc && st.st_size &&
	    sum_bytes(fd, st.st_size, e->location, &csum))
		goto out_close;
	for (i = 0; i < e->nnames; i++) {
		if (i == e->nnames - 1) {
			h.filesize = st.st_size;
			h.chksum = st.st_size ? csum : 0;
		}
		if (out_header(o, opt->crc, &h, e->names[i]))
			goto out_close;
	}
	if (out_copy_fd(o, fd, st.st_size, e->location) || out_pad(o, 4))
		goto out_close;
	rc = 0;
out_close:
	close(fd);
	return rc;
}

static int write_entry(struct out *o, const struct spec_opts *opt,
		       struct entry *e, uint32_t ino)
{
	struct cpio_hdr h = {
		.ino = ino, .mode = e->mode, .uid = e->uid, .gid = e->gid,
		.nlink = 1, .mtime = opt->mtime, .maj = 3, .min = 1,
		.rmaj = e->rmaj, .rmin = e->rmin,
	};

	switch (e->mode & S_IFMT) {
	case S_IFREG:
		return write_file(o, opt, e, ino);
	case S_IFLNK:
		h.filesize = strlen(e->target) + 1;
		if (out_header(o, opt->crc, &h, e->names[0]) ||
		    out_write(o, e->target, h.filesize))
			return -1;
		return out_pad(o, 4);
	case S_IFDIR:
	case S_IFIFO:
	case S_IFSOCK:
		h.nlink = 2;	/* as gen_init_cpio */
		/* fall through */
	default:
		return out_header(o, opt->crc, &h, e->names[0]);
	}
}

int spec_write(struct spec *sp, int fd, const struct spec_opts *opt,
	       const char *outname)
{
	struct cpio_hdr trailer = { .nlink = 1 };
	struct out *o;
	size_t i;
	int rc = -1;

	o = out_new(fd, opt->comp, outname);
	if (!o)
		return -1;
	for (i = 0; i < sp->norder; i++)
		if (write_entry(o, opt, sp->order[i], CPIO_FIRST_INO + i))
			goto out;
	if (out_header(o, opt->crc, &trailer, CPIO_TRAILER) ||
	    out_pad(o, 512) || out_finish(o))
		goto out;
	rc = 0;
out:
	out_free(o);
	return rc;
}

void spec_free(struct spec *sp)
{
	size_t i;
	int j;

	for (i = 0; i < sp->n; i++) {
		for (j = 0; j < sp->v[i]->nnames; j++)
			free(sp->v[i]->names[j]);
		free(sp->v[i]->names);
		free(sp->v[i]->target);
		free(sp->v[i]->location);
		free(sp->v[i]);
	}
	for (i = 0; i < sp->nfnames; i++)
		free(sp->fnames[i]);
	free(sp->fnames);
	free(sp->v);
	free(sp->order);
	map_free(&sp->names);
	free(sp);
}
