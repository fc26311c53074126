// SPDX-License-Identifier: GPL-2.0-only
/*
 * The gen_init_cpio spec: parsing (strict), ordering (parents first) and
 * writing the archive.
 *
 * The spec itself (syntax, numbers, names, parents, variables) is checked
 * before the first byte is written.  The sources are checked as they are
 * opened for writing, which saves a stat per file: when that fails the
 * output is a temporary that is deleted, or standard output that is a
 * regular file cut back to its old size, so a bad spec never leaves an
 * archive behind.  Where the output cannot be taken back (a pipe, a
 * device) spec_opts.check_first stats every source before writing.
 *
 * The archive is byte-identical to what the kernel's usr/gen_init_cpio
 * writes for the same spec when its sources carry the same mtime (inodes
 * from 721, devmajor:minor 3:1, nlink 2 for dir/pipe/sock, symlink data
 * with its NUL, trailer padded to 512), except that every entry, regular
 * files included, gets the one given mtime and "dir /" is written as "."
 * so it sets the root's mode.
 *
 * Memory: each spec file is kept as one block of text whose fields are cut
 * in place, and entries point into it.  Nothing else is copied except
 * locations with ${VAR}s, expanded once into an arena.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mkcpio.h"

/* Entries come this many to an allocation, so that they never move. */
#define ENTRY_CHUNK	1024
#define ARENA_BLOCK	(64 * 1024)
#define MAX_FIELDS	4096

struct entry {
	const char *name;	/* without the leading '/'; "." is the root */
	const char *arg;	/* file: location, ${VAR} expanded; slink: target */
	const char *links;	/* file: the hard-link fields, one after another */
	const char *fname;	/* spec file and line, for messages */
	uint32_t line;
	uint32_t mode;		/* S_IFMT type | permission bits */
	uint32_t uid, gid, rmaj, rmin;
	uint16_t nnames;	/* the name and the hard links */
	uint8_t emitted;
	struct entry *waiters;	/* --sort: entries waiting for this dir */
	struct entry *wait_next;
};

struct spec {
	struct entry **chunks;	/* ENTRY_CHUNK entries each, in spec order */
	size_t n;
	struct entry **order;	/* --sort: the archive order */
	size_t norder;
	struct map names;	/* name -> entry */
	char **fnames;
	size_t nfnames;
	char **blocks;		/* spec texts and arena blocks */
	size_t nblocks;
	char *arena;		/* free part of the last arena block */
	size_t arena_left;
};

/* Where we are while parsing, for messages. */
struct ctx {
	struct spec *sp;
	const char *fname;
	unsigned int line;
};

static struct entry *nth(const struct spec *sp, size_t i)
{
	return &sp->chunks[i / ENTRY_CHUNK][i % ENTRY_CHUNK];
}

static struct entry *entry_new(struct spec *sp)
{
	size_t c = sp->n / ENTRY_CHUNK;
	struct entry *e;

	if (sp->n % ENTRY_CHUNK == 0) {
		sp->chunks = xrealloc(sp->chunks,
				      (c + 1) * sizeof(*sp->chunks));
		sp->chunks[c] = xmalloc(ENTRY_CHUNK * sizeof(struct entry));
	}
	e = nth(sp, sp->n++);
	memset(e, 0, sizeof(*e));
	return e;
}

static char *block_new(struct spec *sp, size_t size)
{
	sp->blocks = xrealloc(sp->blocks, (sp->nblocks + 1) * sizeof(char *));
	return sp->blocks[sp->nblocks++] = xmalloc(size);
}

static char *arena_alloc(struct spec *sp, size_t n)
{
	char *p;

	if (n > sp->arena_left) {
		sp->arena_left = n > ARENA_BLOCK ? n : ARENA_BLOCK;
		sp->arena = block_new(sp, sp->arena_left);
	}
	p = sp->arena;
	sp->arena += n;
	sp->arena_left -= n;
	return p;
}

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

/*
 * A name field as it goes into the archive: without its leading '/', and
 * "." for the root.  It stays in the spec text.
 */
static const char *arc_name(const char *raw)
{
	if (!strcmp(raw, "/"))
		return ".";
	return raw + (*raw == '/');
}

/* The next of a file's hard-link fields, as arc_name(); advances *links. */
static const char *next_link(const char **links)
{
	const char *raw = *links;

	*links += strlen(raw) + 1;
	return arc_name(raw);
}

static int add_name(const struct ctx *c, struct entry *e, const char *raw)
{
	const char *n = arc_name(raw), *why;
	struct entry *old;

	if (!strcmp(raw, "/")) {
		if ((e->mode & S_IFMT) != S_IFDIR)
			return perr(c, "'/' can only be a dir");
	} else if (check_name(n, &why)) {
		return perr(c, "name '%s' %s", esc(raw), why);
	}
	old = map_add(&c->sp->names, n, e);
	if (old)
		return perr(c, "duplicate name '%s' (first at %s:%u)",
			    esc(raw), esc(old->fname), old->line);
	if (!e->nnames)
		e->name = n;
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

/* getenv() for a name that is not NUL-terminated. */
static const char *env_get(const char *name, size_t len)
{
	extern char **environ;
	char **v;

	for (v = environ; *v; v++)
		if (!strncmp(*v, name, len) && (*v)[len] == '=')
			return *v + len + 1;
	return NULL;
}

/*
 * Expand ${VAR} in loc from the environment into out, when out is not NULL.
 * Returns the length of the result, or -1 for an unset variable or a
 * missing '}'.
 */
static long expand(const struct ctx *c, const char *loc, char *out)
{
	const char *p = loc, *end, *val;
	size_t len = 0, k;
	char *var;

	while (*p) {
		if (p[0] != '$' || p[1] != '{') {
			if (out)
				out[len] = *p;
			len++;
			p++;
			continue;
		}
		end = strchr(p + 2, '}');
		if (!end)
			return perr(c, "unterminated '${' in location '%s'",
				    esc(loc));
		val = env_get(p + 2, end - p - 2);
		if (!val) {
			var = xasprintf("%.*s", (int)(end - p - 2), p + 2);
			perr(c, "undefined variable '${%s}' in location '%s'",
			     esc(var), esc(loc));
			free(var);
			return -1;
		}
		k = strlen(val);
		if (out)
			memcpy(out + len, val, k);
		len += k;
		p = end + 1;
	}
	if (out)
		out[len] = 0;
	return len;
}

/*
 * file <name> <location> <mode> <uid> <gid> [<hard links>...]
 * The source is checked when it is opened (see the top of this file).
 */
static int parse_file(const struct ctx *c, struct entry *e, char **f, int nf)
{
	long len;
	int i;

	if (add_name(c, e, f[0]) || parse_mode(c, e, f + 2))
		return -1;
	for (i = 5; i < nf; i++)
		if (add_name(c, e, f[i]))
			return -1;
	e->links = nf > 5 ? f[5] : NULL;
	e->arg = f[1];
	if (!strstr(f[1], "${"))
		return 0;
	len = expand(c, f[1], NULL);
	if (len < 0)
		return -1;
	e->arg = arena_alloc(c->sp, len + 1);
	expand(c, f[1], (char *)e->arg);
	return 0;
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
	e->arg = f[1];
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

/*
 * Cut a line into its blank-separated fields in place.  Each field is moved
 * up to follow the one before it with a single NUL in between, so that a
 * file's hard links can be walked as one run of strings.  Returns the
 * number of fields, or -1 if there are more than max.
 */
static int split(char *line, char **f, int max)
{
	char *r = line, *w = line;
	size_t len;
	int n = 0;

	for (;;) {
		while (*r == ' ' || *r == '\t')
			r++;
		if (!*r)
			return n;
		if (n == max)
			return -1;
		f[n++] = w;
		len = strcspn(r, " \t");
		memmove(w, r, len);
		w += len;
		r += len;
		if (*r)
			r++;
		*w++ = 0;
	}
}

static int parse_line(const struct ctx *c, char *line)
{
	static char *f[MAX_FIELDS];
	const struct keyword *kw = NULL;
	struct entry *e;
	size_t i;
	int nf;

	nf = split(line, f, MAX_FIELDS);
	if (nf < 0)
		return perr(c, "too many fields");
	if (!nf || f[0][0] == '#')
		return 0;
	for (i = 0; i < ARRAY_SIZE(keywords) && !kw; i++)
		if (!strcmp(f[0], keywords[i].name))
			kw = &keywords[i];
	if (!kw)
		return perr(c, "unknown keyword '%s'", esc(f[0]));
	if (nf - 1 < kw->nfields || (!kw->more && nf - 1 > kw->nfields))
		return perr(c, "'%s' takes %s%d fields, not %d: %s", kw->name,
			    kw->more ? "at least " : "", kw->nfields, nf - 1,
			    kw->syntax);
	e = entry_new(c->sp);
	e->mode = kw->type;
	e->fname = c->fname;
	e->line = c->line;
	return kw->parse(c, e, f + 1, nf - 1);
}

struct spec *spec_new(void)
{
	return xcalloc(1, sizeof(struct spec));
}

/* Parse the len bytes at text, a block of sp whose text[len] may be written. */
static int parse_text(struct spec *sp, const char *fname, char *text,
		      size_t len)
{
	struct ctx c = { .sp = sp, .line = 0 };
	char *line = text, *nl, *end = text + len;

	sp->fnames = xrealloc(sp->fnames, (sp->nfnames + 1) * sizeof(char *));
	c.fname = sp->fnames[sp->nfnames++] = xstrdup(fname);
	for (; line < end; line = nl + 1) {
		c.line++;
		nl = memchr(line, '\n', end - line);
		if (!nl)
			nl = end;
		*nl = 0;
		if (strlen(line) != (size_t)(nl - line))
			return perr(&c, "line contains a NUL byte");
		if (parse_line(&c, line))
			return -1;
	}
	return 0;
}

int spec_parse(struct spec *sp, const char *fname, FILE *f)
{
	size_t len = 0, cap = 64 * 1024, n;
	struct stat st;
	char *text;

	/* A regular file is read into a block of its size (and two bytes). */
	if (!fstat(fileno(f), &st) && S_ISREG(st.st_mode))
		cap = st.st_size + 2;
	text = xmalloc(cap);
	for (;;) {
		if (cap - len < 2) {
			cap *= 2;
			text = xrealloc(text, cap);
		}
		n = fread(text + len, 1, cap - len - 1, f);
		if (!n)
			break;
		len += n;
	}
	sp->blocks = xrealloc(sp->blocks, (sp->nblocks + 1) * sizeof(char *));
	sp->blocks[sp->nblocks++] = text;
	if (ferror(f))
		return fail("%s: read error: %s", esc(fname), strerror(errno));
	return parse_text(sp, fname, text, len);
}

int spec_parse_buf(struct spec *sp, const char *fname, const char *buf,
		   size_t len)
{
	char *text = block_new(sp, len + 1);

	memcpy(text, buf, len);
	return parse_text(sp, fname, text, len);
}

/*
 * Find the first name of e whose parent is not emitted yet.  Returns 0
 * and sets *wait (NULL when all parents are there), or -1 if a parent is
 * missing or not a directory.
 */
static int parent_of(struct spec *sp, struct entry *e, struct entry **wait,
		     const char **which)
{
	struct ctx c = { .sp = sp, .fname = e->fname, .line = e->line };
	const char *name = e->name, *links = e->links, *slash;
	char p[CPIO_PATH_MAX];
	struct entry *pe;
	int i;

	*wait = NULL;
	for (i = 0; i < e->nnames; i++) {
		if (i)
			name = next_link(&links);
		slash = strrchr(name, '/');
		if (!slash)
			continue;	/* in the root, which always exists */
		memcpy(p, name, slash - name);
		p[slash - name] = 0;
		pe = map_get(&sp->names, p);
		if (!pe)
			return perr(&c, "parent directory '%s' of '%s' is not in the spec",
				    shown(p), shown(name));
		if ((pe->mode & S_IFMT) != S_IFDIR)
			return perr(&c, "parent '%s' of '%s' is not a directory",
				    shown(p), shown(name));
		if (!pe->emitted) {
			*wait = pe;
			*which = name;
			return 0;
		}
	}
	return 0;
}

static void emit(struct spec *sp, struct entry *e)
{
	e->emitted = 1;
	if (sp->order)
		sp->order[sp->norder++] = e;
}

/*
 * Put every entry after its parent directories.  Without sort an entry
 * that comes before its parent is an error and the spec's order is the
 * archive's; with sort it waits for the parent and follows it, otherwise
 * the spec's order is kept.
 */
int spec_order(struct spec *sp, int sort)
{
	struct entry **stack, *e, *pe, *w;
	const char *name;
	size_t i, top;
	struct ctx c;

	free(sp->order);
	sp->order = sort ? xmalloc(sp->n * sizeof(*sp->order)) : NULL;
	sp->norder = 0;
	/* Only --sort ever has more than one entry on the stack. */
	stack = xmalloc((sort ? sp->n : 1) * sizeof(*stack));
	for (i = 0; i < sp->n; i++) {
		top = 0;
		stack[top++] = nth(sp, i);
		while (top) {
			e = stack[--top];
			if (parent_of(sp, e, &pe, &name))
				goto fail;
			if (pe && !sort) {
				c = (struct ctx){ sp, e->fname, e->line };
				perr(&c, "parent directory '%s' of '%s' has not appeared yet (it is at %s:%u; --sort reorders)",
				     shown(pe->name), shown(name),
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

/* ---- writing ---- */

struct writer {
	struct out *o;
	struct src *src;
	const struct spec_opts *opt;
};

/* The i-th entry of the archive. */
static struct entry *at(const struct spec *sp, size_t i)
{
	return sp->order ? sp->order[i] : nth(sp, i);
}

/* Refuse a source that cannot go into the archive, at its spec line. */
static int check_source(const struct entry *e, const struct srcfile *f)
{
	struct ctx c = { .fname = e->fname, .line = e->line };

	if (f->err)
		return perr(&c, "cannot read source '%s': %s", esc(f->path),
			    strerror(f->err));
	if (!f->regular)
		return perr(&c, "source '%s' is not a regular file",
			    esc(f->path));
	if (f->size > UINT32_MAX)
		return perr(&c, "source '%s' is 4 GiB or larger (newc limit)",
			    esc(f->path));
	return 0;
}

/* Stat every source, in spec order, before anything is written. */
static int check_sources(struct spec *sp, struct srcfile *v)
{
	struct entry *batch[SRC_BATCH];
	size_t i = 0;
	int n, k;

	while (i < sp->n) {
		for (n = 0; i < sp->n && n < SRC_BATCH; i++) {
			if (!S_ISREG(nth(sp, i)->mode))
				continue;
			batch[n] = nth(sp, i);
			v[n].path = batch[n]->arg;
			n++;
		}
		if (src_stat(v, n))
			return -1;
		for (k = 0; k < n; k++)
			if (check_source(batch[k], &v[k]))
				return -1;
	}
	return 0;
}

static uint32_t sum(const unsigned char *p, size_t n)
{
	uint32_t s = 0;

	while (n--)
		s += *p++;
	return s;
}

static int sum_bytes(int fd, uint32_t size, const char *src, uint32_t *csum)
{
	static unsigned char buf[65536];
	long n;

	*csum = 0;
	while (size) {
		n = read_source(fd, buf, size < sizeof(buf) ? size : sizeof(buf),
				src);
		if (n < 0)
			return -1;
		*csum += sum(buf, n);
		size -= n;
	}
	if (lseek(fd, 0, SEEK_SET) < 0)
		return fail("%s: cannot seek: %s", esc(src), strerror(errno));
	return 0;
}

/*
 * A large file, or one that does not fit in what is left of the stage:
 * headers through the stage, then the data, from the descriptor if source.c
 * did not read it all.
 */
static int write_file_stream(struct writer *w, struct entry *e,
			     struct cpio_hdr *h, struct srcfile *f)
{
	const char *name = e->name, *links = e->links;
	uint32_t csum = 0;
	int i, rc = -1;

	if (w->opt->crc && f->data)
		csum = sum(f->data, f->size);
	else if (w->opt->crc && f->size &&
		 sum_bytes(f->fd, f->size, f->path, &csum))
		goto out_close;
	for (i = 0; i < e->nnames; i++) {
		if (i)
			name = next_link(&links);
		if (i == e->nnames - 1) {
			h->filesize = f->size;
			h->chksum = f->size ? csum : 0;
		}
		if (out_header(w->o, w->opt->crc, h, name))
			goto out_close;
	}
	if (f->data ? out_write(w->o, f->data, f->size) :
		      out_copy_fd(w->o, f->fd, f->size, f->path))
		goto out_close;
	rc = out_pad(w->o, 4);
out_close:
	src_done(w->src, f);
	return rc;
}

/*
 * A regular file and its hard links, data and checksum on the last one.
 * A small one, which source.c has read already, goes into the stage in one
 * piece: room for its headers and data is reserved, the data copied into
 * place and the headers filled in.
 */
static int write_file(struct writer *w, struct entry *e, uint32_t ino,
		      struct srcfile *f)
{
	struct cpio_hdr h = {
		.ino = ino, .mode = e->mode, .uid = e->uid, .gid = e->gid,
		.nlink = e->nnames, .mtime = w->opt->mtime, .maj = 3, .min = 1,
	};
	const char *name = e->name, *links = e->links;
	size_t hsize = 0, dsize = (f->size + 3) & ~3ULL;
	uint32_t csum = 0;
	char *p = NULL, *data;
	int i;

	if (check_source(e, f))
		return -1;
	for (i = 0; i < e->nnames; i++)
		hsize += cpio_header_size(i ? next_link(&links) : name);
	if (f->data)
		p = out_reserve(w->o, hsize + dsize);
	if (!p)
		return write_file_stream(w, e, &h, f);
	data = p + hsize;
	memcpy(data, f->data, f->size);
	memset(data + f->size, 0, dsize - f->size);
	src_done(w->src, f);
	if (w->opt->crc)
		csum = sum((unsigned char *)data, f->size);
	links = e->links;
	for (i = 0; i < e->nnames; i++) {
		if (i)
			name = next_link(&links);
		if (i == e->nnames - 1) {
			h.filesize = f->size;
			h.chksum = csum;
		}
		p += cpio_header(p, w->opt->crc, &h, name);
	}
	return 0;
}

static int write_entry(struct writer *w, struct entry *e, uint32_t ino,
		       struct srcfile *f)
{
	struct cpio_hdr h = {
		.ino = ino, .mode = e->mode, .uid = e->uid, .gid = e->gid,
		.nlink = 1, .mtime = w->opt->mtime, .maj = 3, .min = 1,
		.rmaj = e->rmaj, .rmin = e->rmin,
	};
	int crc = w->opt->crc;

	switch (e->mode & S_IFMT) {
	case S_IFREG:
		return write_file(w, e, ino, f);
	case S_IFLNK:
		h.filesize = strlen(e->arg) + 1;
		if (out_header(w->o, crc, &h, e->name) ||
		    out_write(w->o, e->arg, h.filesize))
			return -1;
		return out_pad(w->o, 4);
	case S_IFDIR:
	case S_IFIFO:
	case S_IFSOCK:
		h.nlink = 2;	/* as gen_init_cpio */
		/* fall through */
	default:
		return out_header(w->o, crc, &h, e->name);
	}
}

/*
 * How many sources to open at once: SRC_BATCH, or fewer under a low
 * "ulimit -n", keeping a few descriptors for stdio, the output, the ring
 * and the spec, and half of the rest as a margin.
 */
static int batch_size(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) || rl.rlim_cur >= 8 + 2 * SRC_BATCH)
		return SRC_BATCH;
	return rl.rlim_cur >= 10 ? (rl.rlim_cur - 8) / 2 : 1;
}

/*
 * Write the archive.  Entries go in batches that end at the batch_size()-th
 * regular file, whose sources are all opened and read together.
 */
int spec_write(struct spec *sp, int fd, const struct spec_opts *opt,
	       const char *outname)
{
	struct cpio_hdr trailer = { .nlink = 1 };
	struct srcfile files[SRC_BATCH];
	struct writer w = { .opt = opt };
	size_t i = 0, end, n = sp->order ? sp->norder : sp->n;
	int nf = 0, k, rc = -1, batch = batch_size();
	struct entry *e;

	w.src = src_new();
	w.o = out_new(fd, opt->comp, outname);
	if (!w.o)
		goto out;
	if (opt->check_first && check_sources(sp, files))
		goto out;
	while (i < n) {
		for (end = i, nf = 0; end < n && nf < batch; end++)
			if (S_ISREG(at(sp, end)->mode))
				files[nf++].path = at(sp, end)->arg;
		if (src_open(w.src, files, nf))
			goto out;
		for (k = 0; i < end; i++) {
			e = at(sp, i);
			if (write_entry(&w, e, CPIO_FIRST_INO + i,
					S_ISREG(e->mode) ? &files[k++] : NULL))
				goto out;
		}
	}
	if (out_header(w.o, opt->crc, &trailer, CPIO_TRAILER) ||
	    out_pad(w.o, 512) || out_finish(w.o))
		goto out;
	rc = 0;
out:
	src_close(files, nf);
	src_free(w.src);
	out_free(w.o);
	return rc;
}

void spec_free(struct spec *sp)
{
	size_t i;

	for (i = 0; i < (sp->n + ENTRY_CHUNK - 1) / ENTRY_CHUNK; i++)
		free(sp->chunks[i]);
	for (i = 0; i < sp->nblocks; i++)
		free(sp->blocks[i]);
	for (i = 0; i < sp->nfnames; i++)
		free(sp->fnames[i]);
	free(sp->chunks);
	free(sp->blocks);
	free(sp->fnames);
	free(sp->order);
	map_free(&sp->names);
	free(sp);
}
