// SPDX-License-Identifier: GPL-2.0-only
/*
 * Reading archives the way the kernel's init/initramfs.c does: zero bytes
 * between members are skipped, an uncompressed cpio header must start at a
 * multiple of 4, anything else must be gzip, xz, lzma, zstd or legacy lz4
 * data whose content is again cpio (with zero padding, but no further
 * compression), and a compressed member must end between two entries.
 *
 * Offsets in messages count the bytes of the file for uncompressed data
 * and the decompressed bytes of the member for compressed data (the
 * member's own offset is then named too).
 *
 * Memory does not grow with file sizes: data is passed through a fixed
 * buffer (8 MiB for lz4's legacy blocks, 64 KiB otherwise).  What grows
 * with the number of entries is the set of names seen, which the kernel's
 * rules (parents first, overrides) need.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#include <lz4.h>
#include <lzma.h>
#include <zlib.h>
#include <zstd.h>

#include "mkcpio.h"

#define RAW_SIZE	(64 * 1024)
#define OUT_SIZE	(64 * 1024)
#define LZ4_BLOCK	(8 * 1024 * 1024)
#define LZ4_MAGIC	0x184c2102
#define N_ALIGN(len)	((((len) + 1) & ~3) + 2)	/* as the kernel */

enum kind {
	K_RAW,
	K_GZIP,
	K_XZ,
	K_LZMA,
	K_ZSTD,
	K_LZ4,
};

static const char *const kind_names[] = {
	[K_RAW] = "uncompressed",
	[K_GZIP] = "gzip",
	[K_XZ] = "xz",
	[K_LZMA] = "lzma",
	[K_ZSTD] = "zstd",
	[K_LZ4] = "lz4",
};

struct rd {
	const char *path;
	/* raw input: a file, or a memory buffer for the fuzzer */
	int fd;
	uint8_t *rbuf;
	size_t rpos, rlen, rcap;
	uint64_t roff;		/* file offset of rbuf[rpos] */
	int reof;
	int raw_entries;	/* an uncompressed entry ended last */
	/* the current compressed member */
	enum kind kind;
	uint64_t mstart;	/* its file offset */
	uint8_t *obuf, *own_obuf;
	size_t opos, olen, ocap;
	uint64_t moff;		/* decompressed offset of obuf[opos] */
	int mend;
	int dec_live;
	z_stream z;
	lzma_stream x;
	ZSTD_DStream *zs;
	uint8_t *lz4in;
};

static int rerr(struct rd *r, uint64_t off, const char *fmt, ...)
	__printf(3, 4);

static int rerr(struct rd *r, uint64_t off, const char *fmt, ...)
{
	char what[1536];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	if (r->kind == K_RAW)
		return fail("%s: offset %llu: %s", esc(r->path),
			    (unsigned long long)off, what);
	return fail("%s: offset %llu: %s (in the %s data at offset %llu)",
		    esc(r->path), (unsigned long long)off, what,
		    kind_names[r->kind], (unsigned long long)r->mstart);
}

/* ---- raw input ---- */

static int raw_fill(struct rd *r)
{
	ssize_t n;

	if (r->reof)
		return 0;
	if (r->rpos) {
		memmove(r->rbuf, r->rbuf + r->rpos, r->rlen - r->rpos);
		r->rlen -= r->rpos;
		r->rpos = 0;
	}
	while (r->rlen < r->rcap) {
		n = read(r->fd, r->rbuf + r->rlen, r->rcap - r->rlen);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return fail("%s: read error: %s", esc(r->path),
				    strerror(errno));
		if (n == 0) {
			r->reof = 1;
			break;
		}
		r->rlen += n;
		break;
	}
	return 0;
}

/* Make at least n raw bytes available if the file has them. */
static int raw_need(struct rd *r, size_t n, size_t *have)
{
	while (r->rlen - r->rpos < n && !r->reof)
		if (raw_fill(r))
			return -1;
	*have = r->rlen - r->rpos;
	return 0;
}

static void raw_eat(struct rd *r, size_t n)
{
	r->rpos += n;
	r->roff += n;
}

/* ---- decompressors: each refills obuf; mend is set at the member end */

static int truncated(struct rd *r)
{
	return rerr(r, r->moff, "the %s data is truncated",
		    kind_names[r->kind]);
}

static int corrupt(struct rd *r, const char *why)
{
	return rerr(r, r->moff, "corrupt %s data: %s", kind_names[r->kind],
		    why);
}

static int gzip_more(struct rd *r)
{
	size_t have, used;
	int rc;

	if (raw_need(r, 1, &have))
		return -1;
	if (!have)
		return truncated(r);
	r->z.next_in = r->rbuf + r->rpos;
	r->z.avail_in = have;
	r->z.next_out = r->obuf;
	r->z.avail_out = r->ocap;
	rc = inflate(&r->z, Z_NO_FLUSH);
	used = have - r->z.avail_in;
	raw_eat(r, used);
	r->olen = r->ocap - r->z.avail_out;
	if (rc == Z_STREAM_END)
		r->mend = 1;
	else if (rc != Z_OK && !(rc == Z_BUF_ERROR && (used || r->olen)))
		return corrupt(r, r->z.msg ? r->z.msg : "inflate failed");
	return 0;
}

static int xz_more(struct rd *r)
{
	size_t have, used;
	lzma_ret rc;

	if (raw_need(r, 1, &have))
		return -1;
	if (!have)
		return truncated(r);
	r->x.next_in = r->rbuf + r->rpos;
	r->x.avail_in = have;
	r->x.next_out = r->obuf;
	r->x.avail_out = r->ocap;
	rc = lzma_code(&r->x, LZMA_RUN);
	used = have - r->x.avail_in;
	raw_eat(r, used);
	r->olen = r->ocap - r->x.avail_out;
	if (rc == LZMA_STREAM_END)
		r->mend = 1;
	else if (rc == LZMA_MEMLIMIT_ERROR)
		return corrupt(r, "needs more than 256 MiB to decompress");
	else if (rc != LZMA_OK && !(rc == LZMA_BUF_ERROR && (used || r->olen)))
		return corrupt(r, "liblzma error");
	return 0;
}

static int zstd_more(struct rd *r)
{
	ZSTD_inBuffer in;
	ZSTD_outBuffer out = { r->obuf, r->ocap, 0 };
	size_t have, rc;

	if (raw_need(r, 1, &have))
		return -1;
	if (!have)
		return truncated(r);
	in = (ZSTD_inBuffer){ r->rbuf + r->rpos, have, 0 };
	rc = ZSTD_decompressStream(r->zs, &out, &in);
	raw_eat(r, in.pos);
	r->olen = out.pos;
	if (ZSTD_isError(rc))
		return corrupt(r, ZSTD_getErrorName(rc));
	if (rc == 0)
		r->mend = 1;
	return 0;
}

static uint32_t le32(const uint8_t *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

/*
 * Legacy lz4: blocks of <4-byte size><data>, each at most 8 MiB when
 * decompressed, and the magic may repeat.  There is no end marker, so the
 * member ends at the end of the file or at a size no block can have
 * (zero padding, or the next cpio header).
 */
static int lz4_more(struct rd *r)
{
	size_t have, got, k;
	uint32_t size;
	int n;

	for (;;) {
		if (raw_need(r, 4, &have))
			return -1;
		if (have < 4) {
			r->mend = 1;
			return 0;
		}
		size = le32(r->rbuf + r->rpos);
		if (size != LZ4_MAGIC)
			break;
		raw_eat(r, 4);
	}
	if (!size || size > (uint32_t)LZ4_compressBound(LZ4_BLOCK)) {
		r->mend = 1;
		return 0;
	}
	raw_eat(r, 4);
	for (got = 0; got < size; got += k) {
		if (raw_need(r, 1, &have))
			return -1;
		if (!have)
			return truncated(r);
		k = have < size - got ? have : size - got;
		memcpy(r->lz4in + got, r->rbuf + r->rpos, k);
		raw_eat(r, k);
	}
	n = LZ4_decompress_safe((char *)r->lz4in, (char *)r->obuf, size,
				r->ocap);
	if (n < 0)
		return corrupt(r, "bad block");
	r->olen = n;
	return 0;
}

static int dec_more(struct rd *r)
{
	r->moff += r->olen - r->opos;
	r->opos = r->olen = 0;
	while (!r->olen && !r->mend) {
		switch (r->kind) {
		case K_GZIP:
			if (gzip_more(r))
				return -1;
			break;
		case K_XZ:
		case K_LZMA:
			if (xz_more(r))
				return -1;
			break;
		case K_ZSTD:
			if (zstd_more(r))
				return -1;
			break;
		case K_LZ4:
			if (lz4_more(r))
				return -1;
			break;
		case K_RAW:
			return 0;
		}
	}
	return 0;
}

static void dec_end(struct rd *r)
{
	if (!r->dec_live)
		return;
	if (r->kind == K_GZIP)
		inflateEnd(&r->z);
	else if (r->kind == K_XZ || r->kind == K_LZMA)
		lzma_end(&r->x);
	else if (r->kind == K_ZSTD)
		ZSTD_freeDStream(r->zs);
	r->dec_live = 0;
	r->kind = K_RAW;
}

/*
 * lz4's two 8 MiB buffers are allocated once per process: a fixed cost,
 * and the fuzzer would otherwise spend its time in malloc().
 */
static void lz4_buffers(struct rd *r)
{
	static uint8_t *out, *in;

	if (!out) {
		out = xmalloc(LZ4_BLOCK);
		in = xmalloc(LZ4_compressBound(LZ4_BLOCK));
	}
	r->obuf = out;
	r->ocap = LZ4_BLOCK;
	r->lz4in = in;
}

static int dec_start(struct rd *r, enum kind k)
{
	static const lzma_stream xinit = LZMA_STREAM_INIT;
	const uint64_t memlimit = 256 << 20;
	int ok = 1;

	r->kind = k;
	r->mstart = r->roff;
	r->moff = 0;
	r->opos = r->olen = 0;
	r->mend = 0;
	if (k == K_LZ4) {
		lz4_buffers(r);
	} else {
		r->ocap = OUT_SIZE;
		r->obuf = r->own_obuf;
	}
	switch (k) {
	case K_GZIP:
		memset(&r->z, 0, sizeof(r->z));
		ok = inflateInit2(&r->z, 16 + 15) == Z_OK;
		break;
	case K_XZ:
		r->x = xinit;
		ok = lzma_stream_decoder(&r->x, memlimit, 0) == LZMA_OK;
		break;
	case K_LZMA:
		r->x = xinit;
		ok = lzma_alone_decoder(&r->x, memlimit) == LZMA_OK;
		break;
	case K_ZSTD:
		r->zs = ZSTD_createDStream();
		ok = r->zs && !ZSTD_isError(ZSTD_DCtx_setParameter(r->zs,
					ZSTD_d_windowLogMax, 27));
		break;
	case K_LZ4:
		raw_eat(r, 4);	/* the magic */
		break;
	case K_RAW:
		break;
	}
	r->dec_live = 1;
	if (!ok)
		return fail("%s: cannot initialise the %s decoder",
			    esc(r->path), kind_names[k]);
	return 0;
}

/* ---- reading inside the current member ---- */

static uint64_t rd_off(const struct rd *r)
{
	return r->kind == K_RAW ? r->roff : r->moff;
}

/* Point *p at up to want bytes of the member; 0 at its end. */
static int rd_peek(struct rd *r, const uint8_t **p, size_t *n)
{
	size_t have;

	if (r->kind == K_RAW) {
		if (r->rpos == r->rlen && raw_need(r, 1, &have))
			return -1;
		*p = r->rbuf + r->rpos;
		*n = r->rlen - r->rpos;
		return 0;
	}
	if (r->opos == r->olen && dec_more(r))
		return -1;
	*p = r->obuf + r->opos;
	*n = r->olen - r->opos;
	return 0;
}

static void rd_eat(struct rd *r, size_t n)
{
	if (r->kind == K_RAW) {
		raw_eat(r, n);
	} else {
		r->opos += n;
		r->moff += n;
	}
}

static int short_read(struct rd *r, const char *what)
{
	if (r->kind == K_RAW)
		return rerr(r, rd_off(r), "the archive ends inside %s", what);
	return rerr(r, rd_off(r), "the compressed data ends inside %s", what);
}

/* Exactly n bytes (buf may be NULL to skip); 'what' names them. */
static int rd_read(struct rd *r, void *buf, uint64_t n, const char *what)
{
	const uint8_t *p;
	size_t k;

	while (n) {
		if (rd_peek(r, &p, &k))
			return -1;
		if (!k)
			return short_read(r, what);
		if (k > n)
			k = n;
		if (buf) {
			memcpy(buf, p, k);
			buf = (uint8_t *)buf + k;
		}
		rd_eat(r, k);
		n -= k;
	}
	return 0;
}

/* Detect what starts at the current raw position. */
static int detect(struct rd *r)
{
	static const struct {
		const char *magic;
		size_t len;
		enum kind kind;
		const char *unsupported;
	} magics[] = {
		{ "\x1f\x8b", 2, K_GZIP, NULL },
		{ "\xfd" "7zXZ\0", 6, K_XZ, NULL },
		{ "\x5d\0\0", 3, K_LZMA, NULL },
		{ "\x28\xb5\x2f\xfd", 4, K_ZSTD, NULL },
		{ "\x02\x21\x4c\x18", 4, K_LZ4, NULL },
		{ "\x04\x22\x4d\x18", 4, K_RAW,
		  "lz4 frame format (the kernel reads only legacy lz4 -l)" },
		{ "BZh", 3, K_RAW, "bzip2 data (not supported)" },
		{ "\x89LZO", 4, K_RAW, "lzo data (not supported)" },
		{ "070707", 6, K_RAW,
		  "old portable cpio format (the kernel reads only newc or crc)" },
		{ "\xc7\x71", 2, K_RAW,
		  "binary cpio format (the kernel reads only newc or crc)" },
		{ "\x71\xc7", 2, K_RAW,
		  "binary cpio format (the kernel reads only newc or crc)" },
	};
	size_t have, i;

	if (raw_need(r, 6, &have))
		return -1;
	for (i = 0; i < ARRAY_SIZE(magics); i++) {
		if (have < magics[i].len ||
		    memcmp(r->rbuf + r->rpos, magics[i].magic, magics[i].len))
			continue;
		if (magics[i].unsupported)
			return rerr(r, r->roff, "%s", magics[i].unsupported);
		return dec_start(r, magics[i].kind);
	}
	if (r->rbuf[r->rpos] == '0')
		return rerr(r, r->roff, "bad magic (not newc or crc cpio)");
	return rerr(r, r->roff,
		    "not a cpio archive (no cpio, gzip, xz, lzma, zstd or lz4 magic)");
}

/*
 * Move to the next header, skipping zero padding and starting or ending
 * compressed members.  Returns 1 at a header, 0 at the end of the file.
 */
static int rd_next(struct rd *r)
{
	const uint8_t *p;
	size_t n, i;

	for (;;) {
		if (rd_peek(r, &p, &n))
			return -1;
		for (i = 0; i < n && !p[i]; i++)
			;
		rd_eat(r, i);
		if (i < n) {
			if (r->kind != K_RAW || r->raw_entries || p[i] == '0') {
				if (rd_off(r) & 3)
					return rerr(r, rd_off(r),
						    "broken padding (data at an offset that is not a multiple of 4)");
			}
			if (p[i] == '0') {
				if (r->kind == K_RAW)
					r->raw_entries = 1;
				return 1;
			}
			if (r->kind != K_RAW)
				return rerr(r, rd_off(r),
					    "junk within the compressed data");
			r->raw_entries = 0;
			if (detect(r))
				return -1;
			continue;
		}
		if (!n && r->kind != K_RAW) {
			dec_end(r);
			continue;
		}
		if (!n)
			return 0;
	}
}

/* ---- cpio entries ---- */

struct centry {
	uint64_t off;
	int crc;
	uint32_t ino, mode, uid, gid, nlink, mtime, size;
	uint32_t maj, min, rmaj, rmin, namesize, chksum;
	char name[CPIO_PATH_MAX + 4];
	char target[CPIO_PATH_MAX + 4];
	int trailer;
};

static const char *const field_names[] = {
	"ino", "mode", "uid", "gid", "nlink", "mtime", "filesize",
	"devmajor", "devminor", "rdevmajor", "rdevminor", "namesize", "check",
};

static int hexval(const char *s, uint32_t *v)
{
	int i;

	*v = 0;
	for (i = 0; i < 8; i++) {
		if (s[i] >= '0' && s[i] <= '9')
			*v = *v << 4 | (s[i] - '0');
		else if (s[i] >= 'a' && s[i] <= 'f')
			*v = *v << 4 | (s[i] - 'a' + 10);
		else if (s[i] >= 'A' && s[i] <= 'F')
			*v = *v << 4 | (s[i] - 'A' + 10);
		else
			return -1;
	}
	return 0;
}

static int zero_pad(struct rd *r, size_t n, const char *after, int strict)
{
	uint8_t pad[4];
	size_t i;

	if (rd_read(r, pad, n, "padding"))
		return -1;
	for (i = 0; strict && i < n; i++)
		if (pad[i])
			return rerr(r, rd_off(r) - n + i,
				    "non-zero padding after the %s", after);
	return 0;
}

/* Read a header, its name and a symlink's target; stop at the data. */
static int read_entry(struct rd *r, struct centry *e, int strict)
{
	char h[CPIO_HDR_LEN];
	uint32_t *f[] = {
		&e->ino, &e->mode, &e->uid, &e->gid, &e->nlink, &e->mtime,
		&e->size, &e->maj, &e->min, &e->rmaj, &e->rmin, &e->namesize,
		&e->chksum,
	};
	size_t i;

	e->off = rd_off(r);
	if (rd_read(r, h, sizeof(h), "a header"))
		return -1;
	if (!memcmp(h, "070701", 6))
		e->crc = 0;
	else if (!memcmp(h, "070702", 6))
		e->crc = 1;
	else if (!memcmp(h, "070707", 6))
		return rerr(r, e->off,
			    "old portable cpio format (the kernel reads only newc or crc)");
	else
		return rerr(r, e->off, "bad magic (not newc or crc cpio)");
	for (i = 0; i < 13; i++)
		if (hexval(h + 6 + 8 * i, f[i]))
			return rerr(r, e->off + 6 + 8 * i,
				    "header field %s is not 8 hex digits",
				    field_names[i]);
	if (e->namesize == 0 || e->namesize > CPIO_PATH_MAX)
		return rerr(r, e->off + 94,
			    "name size %u is not between 1 and %d",
			    e->namesize, CPIO_PATH_MAX);
	if (rd_read(r, e->name, e->namesize, "a name"))
		return -1;
	if (e->name[e->namesize - 1])
		return rerr(r, e->off + CPIO_HDR_LEN,
			    "the name is not NUL-terminated");
	if (strlen(e->name) != e->namesize - 1)
		return rerr(r, e->off + CPIO_HDR_LEN,
			    "the name '%s' contains a NUL byte", esc(e->name));
	if (zero_pad(r, N_ALIGN(e->namesize) - e->namesize, "name", strict))
		return -1;
	e->trailer = !strcmp(e->name, CPIO_TRAILER);
	e->target[0] = 0;
	if (S_ISLNK(e->mode) && !e->trailer) {
		if (e->size > CPIO_PATH_MAX)
			return rerr(r, e->off,
				    "symlink '%s' has a target longer than %d bytes",
				    esc(e->name), CPIO_PATH_MAX);
		if (rd_read(r, e->target, e->size, "a symlink target") ||
		    zero_pad(r, (4 - e->size % 4) % 4, "symlink target",
			     strict))
			return -1;
		e->target[e->size] = 0;
	}
	return 0;
}

/*
 * Pass the data of a regular file to sink (or skip it) and its padding,
 * checking the crc format's checksum.
 */
static int read_data(struct rd *r, struct centry *e, int check,
		     int (*sink)(void *ctx, const uint8_t *p, size_t n),
		     void *ctx)
{
	const uint8_t *p;
	uint32_t sum = 0, left = e->size;
	size_t k, i;

	if (S_ISLNK(e->mode))
		return 0;	/* read with the header */
	while (left) {
		if (rd_peek(r, &p, &k))
			return -1;
		if (!k)
			return short_read(r, "file data");
		if (k > left)
			k = left;
		if (check && e->crc)
			for (i = 0; i < k; i++)
				sum += p[i];
		if (sink && sink(ctx, p, k))
			return -1;
		rd_eat(r, k);
		left -= k;
	}
	if (check && e->crc && S_ISREG(e->mode) && sum != e->chksum)
		return rerr(r, e->off,
			    "bad checksum for '%s' (header %08X, data %08X)",
			    esc(e->name), e->chksum, sum);
	return zero_pad(r, (4 - e->size % 4) % 4, "file data", check);
}

/* ---- names and the kernel's rules ---- */

/*
 * Normalize as path lookup would: drop leading '/', empty and '.'
 * components.  "" becomes ".".  Returns -1 for a '..' component.
 */
static int normalize(const char *in, char *out)
{
	const char *p = in, *e;
	char *o = out;
	size_t n;

	while (*p) {
		e = strchr(p, '/');
		n = e ? (size_t)(e - p) : strlen(p);
		if (n == 2 && p[0] == '.' && p[1] == '.')
			return -1;
		if (n && !(n == 1 && p[0] == '.')) {
			if (o != out)
				*o++ = '/';
			memcpy(o, p, n);
			o += n;
		}
		p += n + (e != NULL);
	}
	if (o == out)
		*o++ = '.';
	*o = 0;
	return 0;
}

struct seen {
	uint32_t mode;
	uint64_t off;
	char name[];
};

struct reader {
	struct rd r;
	enum rd_mode mode;
	FILE *list;
	struct map names;	/* normalized name -> struct seen */
	struct map links;	/* extract: link_key() -> struct link */
	/* extract */
	int dirfd;
	int root;
	struct deferred *dirs;
	size_t ndirs;
	int out_fd;
};

static struct seen *remember(struct map *m, const char *name, uint32_t mode,
			     uint64_t off)
{
	struct seen *s = map_get(m, name);

	if (!s) {
		s = xmalloc(sizeof(*s) + strlen(name) + 1);
		strcpy(s->name, name);
		map_put(m, s->name, s);
	}
	s->mode = mode;
	s->off = off;
	return s;
}

static void forget_all(struct map *m)
{
	size_t i;

	for (i = 0; i < m->cap; i++)
		if (m->keys && m->keys[i])
			free(m->vals[i]);
	map_free(m);
}

/*
 * Extraction matches hard links as the kernel does: by device, inode and
 * mode of entries with nlink >= 2, forgotten at each trailer.
 */
struct link {
	char key[48];
	char name[];
};

static char *link_key(const struct centry *e)
{
	static char key[48];

	snprintf(key, sizeof(key), "%x:%x:%x:%x", e->maj, e->min, e->ino,
		 e->mode);
	return key;
}

static void link_add(struct map *m, const struct centry *e, const char *name)
{
	struct link *l;

	if (map_get(m, link_key(e)))
		return;
	l = xmalloc(sizeof(*l) + strlen(name) + 1);
	strcpy(l->key, link_key(e));
	strcpy(l->name, name);
	map_put(m, l->key, l);
}

static int links_to(const struct centry *e)
{
	uint32_t t = e->mode & S_IFMT;

	return e->nlink >= 2 && (t == S_IFREG || t == S_IFCHR ||
				  t == S_IFBLK || t == S_IFIFO ||
				  t == S_IFSOCK);
}

/* The kernel's rules: parents first; a directory entry carries no data. */
static int check_rules(struct reader *rr, const struct centry *e,
		       const char *norm)
{
	struct seen *p;
	const char *slash = strrchr(norm, '/');
	char parent[CPIO_PATH_MAX + 4];
	uint32_t t = e->mode & S_IFMT;

	if (e->size && t != S_IFREG && t != S_IFLNK)
		return rerr(&rr->r, e->off,
			    "'%s' is not a regular file or symlink but has data (the kernel skips it)",
			    esc(e->name));
	if (!strcmp(norm, ".") && t != S_IFDIR)
		return rerr(&rr->r, e->off,
			    "'%s' names the root, which must be a directory",
			    esc(e->name));
	if (!slash)
		return 0;
	snprintf(parent, sizeof(parent), "%.*s", (int)(slash - norm), norm);
	p = map_get(&rr->names, parent);
	if (!p)
		return rerr(&rr->r, e->off,
			    "parent directory '%s' of '%s' does not exist yet",
			    esc(parent), esc(e->name));
	if (S_ISLNK(p->mode) && rr->mode == RD_EXTRACT)
		return rerr(&rr->r, e->off,
			    "refusing '%s': it goes through the symlink '%s'",
			    esc(e->name), esc(parent));
	if (S_ISLNK(p->mode))
		return rerr(&rr->r, e->off, "parent '%s' of '%s' is a symlink",
			    esc(parent), esc(e->name));
	if (!S_ISDIR(p->mode))
		return rerr(&rr->r, e->off,
			    "parent '%s' of '%s' is not a directory",
			    esc(parent), esc(e->name));
	return 0;
}

static void put_escaped(FILE *f, const char *s)
{
	unsigned char c;

	while ((c = *s++)) {
		if (c == '\\' || c < 0x20 || c >= 0x7f)
			fprintf(f, "\\%03o", c);
		else
			fputc(c, f);
	}
}

static void list_line(FILE *f, const struct centry *e,
		      const struct seen *over)
{
	static const char types[16] = {
		[S_IFREG >> 12] = '-', [S_IFDIR >> 12] = 'd',
		[S_IFLNK >> 12] = 'l', [S_IFCHR >> 12] = 'c',
		[S_IFBLK >> 12] = 'b', [S_IFIFO >> 12] = 'p',
		[S_IFSOCK >> 12] = 's',
	};
	char m[11], date[32];
	time_t t = e->mtime;
	uint32_t mo = e->mode;
	struct tm tm;

	m[0] = types[(mo >> 12) & 15] ? types[(mo >> 12) & 15] : '?';
	m[1] = mo & 0400 ? 'r' : '-';
	m[2] = mo & 0200 ? 'w' : '-';
	m[3] = mo & 04000 ? (mo & 0100 ? 's' : 'S') : (mo & 0100 ? 'x' : '-');
	m[4] = mo & 040 ? 'r' : '-';
	m[5] = mo & 020 ? 'w' : '-';
	m[6] = mo & 02000 ? (mo & 010 ? 's' : 'S') : (mo & 010 ? 'x' : '-');
	m[7] = mo & 04 ? 'r' : '-';
	m[8] = mo & 02 ? 'w' : '-';
	m[9] = mo & 01000 ? (mo & 01 ? 't' : 'T') : (mo & 01 ? 'x' : '-');
	m[10] = 0;
	gmtime_r(&t, &tm);
	strftime(date, sizeof(date), "%Y-%m-%d %H:%M:%S", &tm);
	fprintf(f, "%s %3u %-8u %-8u ", m, e->nlink, e->uid, e->gid);
	if (S_ISCHR(mo) || S_ISBLK(mo))
		fprintf(f, "%3u, %3u ", e->rmaj, e->rmin);
	else
		fprintf(f, "%8u ", e->size);
	fprintf(f, "%s ", date);
	put_escaped(f, e->name);
	if (S_ISLNK(mo)) {
		fputs(" -> ", f);
		put_escaped(f, e->target);
	}
	if (over)
		fprintf(f, "  [overrides the entry at offset %llu]",
			(unsigned long long)over->off);
	fputc('\n', f);
}

/* ---- extraction ---- */

struct deferred {
	char *name;
	uint32_t mode, uid, gid, mtime;
};

/*
 * Open the directory that holds name below rr->dirfd, never following a
 * symlink.  *base points into name.  Returns a descriptor or -1.
 */
static int open_parent(struct reader *rr, const struct centry *e,
		       const char *name, const char **base)
{
	char comp[CPIO_PATH_MAX + 4];
	const char *p = name, *slash;
	struct stat st;
	int fd, nfd;

	fd = dup(rr->dirfd);
	if (fd < 0)
		return rerr(&rr->r, e->off, "dup: %s", strerror(errno));
	while ((slash = strchr(p, '/'))) {
		snprintf(comp, sizeof(comp), "%.*s", (int)(slash - p), p);
		nfd = openat(fd, comp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
				       O_CLOEXEC);
		if (nfd < 0) {
			int err = errno;
			int link = !fstatat(fd, comp, &st,
					    AT_SYMLINK_NOFOLLOW) &&
				   S_ISLNK(st.st_mode);

			close(fd);
			if (link)
				return rerr(&rr->r, e->off,
					    "refusing '%s': it goes through the symlink '%.*s'",
					    esc(e->name), (int)(slash - name),
					    name);
			return rerr(&rr->r, e->off, "cannot extract '%s': '%.*s': %s",
				    esc(e->name), (int)(slash - name), name,
				    strerror(err));
		}
		close(fd);
		fd = nfd;
		p = slash + 1;
	}
	*base = p;
	return fd;
}

/* Remove what is in the way, as the kernel's clean_path() does. */
static int clear_path(struct reader *rr, const struct centry *e, int pfd,
		      const char *base, int keep_dir)
{
	struct stat st;

	if (fstatat(pfd, base, &st, AT_SYMLINK_NOFOLLOW))
		return 0;
	if (S_ISDIR(st.st_mode) && keep_dir)
		return 0;
	if (!unlinkat(pfd, base, S_ISDIR(st.st_mode) ? AT_REMOVEDIR : 0))
		return 0;
	return rerr(&rr->r, e->off, "cannot replace '%s': %s", esc(e->name),
		    strerror(errno));
}

static int sink_fd(void *ctx, const uint8_t *p, size_t n)
{
	struct reader *rr = ctx;

	if (write_all(rr->out_fd, p, n))
		return fail("%s: write error: %s", esc(rr->r.path),
			    strerror(errno));
	return 0;
}

static void set_times(int pfd, const char *base, int fd, uint32_t mtime)
{
	struct timespec ts[2] = {
		{ .tv_sec = mtime }, { .tv_sec = mtime },
	};

	if (fd >= 0)
		futimens(fd, ts);
	else
		utimensat(pfd, base, ts, AT_SYMLINK_NOFOLLOW);
}

static int extract_file(struct reader *rr, struct centry *e, int pfd,
			const char *base, const char *norm)
{
	struct link *first = NULL;
	const char *obase;
	int fd, opfd, linked = 0, rc;

	if (links_to(e))
		first = map_get(&rr->links, link_key(e));
	if (clear_path(rr, e, pfd, base, 0))
		return -1;
	if (first) {
		opfd = open_parent(rr, e, first->name, &obase);
		if (opfd < 0)
			return -1;
		linked = !linkat(opfd, obase, pfd, base, 0);
		close(opfd);
	}
	/* Like the kernel: a new link keeps the data unless this one has some. */
	fd = openat(pfd, base, O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC |
			       (linked ? 0 : O_EXCL), 0600);
	if (fd < 0)
		return rerr(&rr->r, e->off, "cannot create '%s': %s",
			    esc(e->name), strerror(errno));
	if (linked && e->size && ftruncate(fd, 0)) {
		close(fd);
		return rerr(&rr->r, e->off, "cannot truncate '%s': %s",
			    esc(e->name), strerror(errno));
	}
	rr->out_fd = fd;
	rc = read_data(&rr->r, e, 1, sink_fd, rr);
	if (!rc) {
		if (rr->root)
			fchown(fd, e->uid, e->gid);
		fchmod(fd, e->mode & 07777);
		set_times(pfd, base, fd, e->mtime);
	}
	close(fd);
	if (!rc && links_to(e) && !linked)
		link_add(&rr->links, e, norm);
	return rc;
}

static int extract_entry(struct reader *rr, struct centry *e,
			 const char *norm)
{
	const char *base;
	uint32_t t = e->mode & S_IFMT;
	int pfd, rc = 0;

	if (e->name[0] == '/')
		return rerr(&rr->r, e->off, "refusing the absolute path '%s'",
			    esc(e->name));
	if (!strcmp(norm, ".")) {
		rr->dirs = xrealloc(rr->dirs, (rr->ndirs + 1) *
				    sizeof(*rr->dirs));
		rr->dirs[rr->ndirs++] = (struct deferred){
			xstrdup(norm), e->mode, e->uid, e->gid, e->mtime };
		return 0;
	}
	if ((t == S_IFCHR || t == S_IFBLK) && !rr->root) {
		note("%s: offset %llu: skipping the device '%s' (not root)",
		     esc(rr->r.path), (unsigned long long)e->off,
		     esc(e->name));
		return 0;
	}
	pfd = open_parent(rr, e, norm, &base);
	if (pfd < 0)
		return -1;
	switch (t) {
	case S_IFREG:
		rc = extract_file(rr, e, pfd, base, norm);
		break;
	case S_IFDIR:
		if (clear_path(rr, e, pfd, base, 1))
			goto fail;
		if (mkdirat(pfd, base, 0700) && errno != EEXIST) {
			rc = rerr(&rr->r, e->off, "cannot create '%s': %s",
				  esc(e->name), strerror(errno));
			break;
		}
		rr->dirs = xrealloc(rr->dirs, (rr->ndirs + 1) *
				    sizeof(*rr->dirs));
		rr->dirs[rr->ndirs++] = (struct deferred){
			xstrdup(norm), e->mode, e->uid, e->gid, e->mtime };
		break;
	case S_IFLNK:
		if (clear_path(rr, e, pfd, base, 0))
			goto fail;
		if (symlinkat(e->target, pfd, base)) {
			rc = rerr(&rr->r, e->off, "cannot create '%s': %s",
				  esc(e->name), strerror(errno));
			break;
		}
		if (rr->root)
			fchownat(pfd, base, e->uid, e->gid,
				 AT_SYMLINK_NOFOLLOW);
		set_times(pfd, base, -1, e->mtime);
		break;
	case S_IFCHR:
	case S_IFBLK:
	case S_IFIFO:
	case S_IFSOCK:
		if (clear_path(rr, e, pfd, base, 0))
			goto fail;
		if (mknodat(pfd, base, t | 0600,
			    makedev(e->rmaj, e->rmin))) {
			rc = rerr(&rr->r, e->off, "cannot create '%s': %s",
				  esc(e->name), strerror(errno));
			break;
		}
		if (rr->root)
			fchownat(pfd, base, e->uid, e->gid,
				 AT_SYMLINK_NOFOLLOW);
		fchmodat(pfd, base, e->mode & 07777, 0);
		set_times(pfd, base, -1, e->mtime);
		break;
	default:
		rc = rerr(&rr->r, e->off, "'%s' has an unknown file type %06o",
			  esc(e->name), e->mode);
	}
	close(pfd);
	return rc;
fail:
	close(pfd);
	return -1;
}

/* Directory modes and times last, deepest first, so writes could happen. */
static void finish_dirs(struct reader *rr)
{
	struct centry dummy = { 0 };
	const char *base;
	struct deferred *d;
	size_t i;
	int pfd, fd;

	for (i = rr->ndirs; i-- > 0;) {
		d = &rr->dirs[i];
		if (!strcmp(d->name, ".")) {
			fd = dup(rr->dirfd);
		} else {
			pfd = open_parent(rr, &dummy, d->name, &base);
			if (pfd < 0)
				continue;
			fd = openat(pfd, base, O_RDONLY | O_DIRECTORY |
					       O_NOFOLLOW | O_CLOEXEC);
			close(pfd);
		}
		if (fd < 0)
			continue;
		if (rr->root)
			fchown(fd, d->uid, d->gid);
		fchmod(fd, d->mode & 07777);
		set_times(-1, "", fd, d->mtime);
		close(fd);
	}
	for (i = 0; i < rr->ndirs; i++)
		free(rr->dirs[i].name);
	free(rr->dirs);
	rr->dirs = NULL;
	rr->ndirs = 0;
}

/* ---- the loop ---- */

static int one_entry(struct reader *rr, struct centry *e)
{
	char norm[CPIO_PATH_MAX + 4];
	struct seen *over = NULL;
	int verify = rr->mode == RD_VERIFY;

	if (e->trailer) {
		forget_all(&rr->links);
		return read_data(&rr->r, e, verify, NULL, NULL);
	}
	if (normalize(e->name, norm)) {
		if (rr->mode != RD_LIST)
			return rerr(&rr->r, e->off,
				    "'%s' has a '..' component", esc(e->name));
		strcpy(norm, e->name);
	}
	over = map_get(&rr->names, norm);
	if (rr->mode != RD_LIST && check_rules(rr, e, norm))
		return -1;
	if (rr->mode == RD_EXTRACT) {
		if (extract_entry(rr, e, norm))
			return -1;
	} else {
		if (rr->list)
			list_line(rr->list, e, over);
	}
	remember(&rr->names, norm, e->mode, e->off);
	/* extract_file() has consumed the data of a regular file */
	if (rr->mode == RD_EXTRACT && S_ISREG(e->mode))
		return 0;
	return read_data(&rr->r, e, rr->mode != RD_LIST, NULL, NULL);
}

static int read_all(struct reader *rr)
{
	struct centry *e = xmalloc(sizeof(*e));
	int rc, entries = 0, open_run = 0;

	rr->r.own_obuf = xmalloc(OUT_SIZE);

	for (;;) {
		rc = rd_next(&rr->r);
		if (rc <= 0)
			break;
		rc = read_entry(&rr->r, e, rr->mode != RD_LIST);
		if (!rc)
			rc = one_entry(rr, e);
		if (rc)
			break;
		entries++;
		open_run = !e->trailer;
	}
	if (!rc && rr->mode != RD_LIST && (open_run || !entries))
		rc = rerr(&rr->r, rr->r.roff,
			  "the archive does not end with " CPIO_TRAILER);
	free(e);
	return rc < 0 ? -1 : 0;
}

static void reader_free(struct reader *rr)
{
	dec_end(&rr->r);
	free(rr->r.own_obuf);
	forget_all(&rr->names);
	forget_all(&rr->links);
}

int archive_read(const char *path, enum rd_mode mode, const char *dir)
{
	struct reader rr = { .mode = mode, .dirfd = -1 };
	int rc;

	rr.r.path = path;
	rr.r.fd = strcmp(path, "-") ? open(path, O_RDONLY | O_CLOEXEC) : 0;
	if (rr.r.fd < 0)
		return fail("%s: %s", esc(path), strerror(errno));
	rr.r.rcap = RAW_SIZE;
	rr.r.rbuf = xmalloc(rr.r.rcap);
	if (mode == RD_LIST)
		rr.list = stdout;
	if (mode == RD_EXTRACT) {
		rr.root = geteuid() == 0;
		rr.dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (rr.dirfd < 0) {
			rc = fail("%s: %s", esc(dir), strerror(errno));
			goto out;
		}
	}
	rc = read_all(&rr);
	if (mode == RD_EXTRACT)
		finish_dirs(&rr);
	if (!rc && rr.list && fflush(rr.list) == EOF)
		rc = fail("standard output: write error: %s",
			  strerror(errno));
out:
	if (rr.dirfd >= 0)
		close(rr.dirfd);
	if (rr.r.fd > 0)
		close(rr.r.fd);
	free(rr.r.rbuf);
	reader_free(&rr);
	return rc;
}

/* For the fuzzer: the whole archive in memory, no extraction. */
int archive_read_mem(const uint8_t *buf, size_t len, enum rd_mode mode,
		     FILE *listing)
{
	struct reader rr = { .mode = mode, .dirfd = -1, .list = listing };
	int rc;

	rr.r.path = "<memory>";
	rr.r.fd = -1;
	rr.r.rbuf = (uint8_t *)buf;
	rr.r.rlen = rr.r.rcap = len;
	rr.r.reof = 1;
	rc = read_all(&rr);
	reader_free(&rr);
	return rc;
}
