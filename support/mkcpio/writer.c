// SPDX-License-Identifier: GPL-2.0-only
/*
 * The archive output stream: buffering, optional compression and the one
 * function that writes a cpio header.
 *
 * Compressed output is reproducible and matches what the kernel's own
 * build uses for CONFIG_INITRAMFS_COMPRESSION_*: gzip -n -9 (no name,
 * mtime 0), xz --check=crc32 --lzma2=dict=1MiB (the kernel's xz decoder
 * knows only crc32), zstd level 19 and lz4 -l -9 (the legacy frame format,
 * the only one the kernel's unlz4 reads).
 *
 * Memory is fixed: a staging buffer (8 MiB for lz4's legacy blocks, 1 MiB
 * otherwise) plus the compressor state, whatever the file sizes.  Compressed
 * output gets the stage only when it is full (and at the end), so that, for
 * one, lz4's blocks are all 8 MiB but the last however the bytes came in.
 *
 * Small files are copied into room reserved at the end of the stage
 * (out_reserve()); large ones are streamed (out_copy_fd()).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <lz4.h>
#include <lz4hc.h>
#include <lzma.h>
#include <zlib.h>
#include <zstd.h>

#include "mkcpio.h"

#define STAGE_SIZE	(1024 * 1024)
#define LZ4_BLOCK	(8 * 1024 * 1024)	/* kernel unlz4's chunk size */
#define LZ4_MAGIC	0x184c2102
#define SPLICE_MIN	(64 * 1024)
#define SPLICE_PIPE	(1024 * 1024)
#define PAGE		4096

enum fast_copy {
	COPY_PLAIN,	/* read() into the stage */
	COPY_TO_FILE,	/* splice() through a pipe of ours, page-aligned */
	COPY_TO_PIPE,	/* splice() straight into the output pipe */
};

struct out {
	int fd;
	enum comp comp;
	const char *what;	/* output name for messages */
	uint64_t off;		/* uncompressed bytes so far */
	uint64_t base;		/* the output's file offset when we started */
	unsigned char *buf;	/* uncompressed staging */
	size_t len, cap;
	unsigned char *zbuf;	/* compressed bytes */
	size_t zcap;
	enum fast_copy fast_copy;
	int pipe[2];		/* for COPY_TO_FILE, made on first use */
	size_t pipe_cap;
	int lz4_started;
	z_stream z;
	lzma_stream x;
	ZSTD_CCtx *zs;
};

static const char *const comp_names[] = {
	[COMP_NONE] = "none",
	[COMP_GZIP] = "gzip",
	[COMP_XZ] = "xz",
	[COMP_ZSTD] = "zstd",
	[COMP_LZ4] = "lz4",
};

int comp_parse(const char *s, enum comp *c)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(comp_names); i++) {
		if (!strcmp(s, comp_names[i])) {
			*c = i;
			return 0;
		}
	}
	return -1;
}

static int werr(struct out *o)
{
	return fail("%s: write error: %s", o->what, strerror(errno));
}

static int zput(struct out *o, size_t n)
{
	return write_all(o->fd, o->zbuf, n) ? werr(o) : 0;
}

static int gzip_init(struct out *o)
{
	/* windowBits 16+15: gzip wrapper with no name and mtime 0. */
	if (deflateInit2(&o->z, 9, Z_DEFLATED, 16 + 15, 9,
			 Z_DEFAULT_STRATEGY) != Z_OK)
		return fail("%s: cannot initialise zlib", o->what);
	return 0;
}

static int gzip_feed(struct out *o, const void *p, size_t n, int last)
{
	int rc;

	o->z.next_in = (Bytef *)p;
	o->z.avail_in = n;
	do {
		o->z.next_out = o->zbuf;
		o->z.avail_out = o->zcap;
		rc = deflate(&o->z, last ? Z_FINISH : Z_NO_FLUSH);
		if (rc == Z_STREAM_ERROR)
			return fail("%s: zlib error", o->what);
		if (zput(o, o->zcap - o->z.avail_out))
			return -1;
	} while (o->z.avail_out == 0 || (last && rc != Z_STREAM_END));
	return 0;
}

static int xz_init(struct out *o)
{
	lzma_options_lzma opt;
	lzma_filter filters[2];

	lzma_lzma_preset(&opt, 6);
	opt.dict_size = 1 << 20;
	filters[0].id = LZMA_FILTER_LZMA2;
	filters[0].options = &opt;
	filters[1].id = LZMA_VLI_UNKNOWN;
	if (lzma_stream_encoder(&o->x, filters, LZMA_CHECK_CRC32) != LZMA_OK)
		return fail("%s: cannot initialise liblzma", o->what);
	return 0;
}

static int xz_feed(struct out *o, const void *p, size_t n, int last)
{
	lzma_ret rc;

	o->x.next_in = p;
	o->x.avail_in = n;
	do {
		o->x.next_out = o->zbuf;
		o->x.avail_out = o->zcap;
		rc = lzma_code(&o->x, last ? LZMA_FINISH : LZMA_RUN);
		if (rc != LZMA_OK && rc != LZMA_STREAM_END)
			return fail("%s: liblzma error %d", o->what, rc);
		if (zput(o, o->zcap - o->x.avail_out))
			return -1;
	} while (o->x.avail_out == 0 || (last && rc != LZMA_STREAM_END));
	return 0;
}

static int zstd_init(struct out *o)
{
	o->zs = ZSTD_createCCtx();
	if (!o->zs ||
	    ZSTD_isError(ZSTD_CCtx_setParameter(o->zs,
						ZSTD_c_compressionLevel, 19)) ||
	    ZSTD_isError(ZSTD_CCtx_setParameter(o->zs,
						ZSTD_c_checksumFlag, 1)))
		return fail("%s: cannot initialise libzstd", o->what);
	return 0;
}

static int zstd_feed(struct out *o, const void *p, size_t n, int last)
{
	ZSTD_inBuffer in = { p, n, 0 };
	ZSTD_outBuffer ob;
	size_t left;

	do {
		ob = (ZSTD_outBuffer){ o->zbuf, o->zcap, 0 };
		left = ZSTD_compressStream2(o->zs, &ob, &in,
					    last ? ZSTD_e_end : ZSTD_e_continue);
		if (ZSTD_isError(left))
			return fail("%s: libzstd: %s", o->what,
				    ZSTD_getErrorName(left));
		if (zput(o, ob.pos))
			return -1;
	} while (in.pos < in.size || (last && left));
	return 0;
}

/* One legacy lz4 block: 4-byte little-endian size, then the data. */
static int lz4_feed(struct out *o, const void *p, size_t n, int last)
{
	unsigned char *z = o->zbuf;
	int len;

	(void)last;
	if (!n)
		return 0;
	if (!o->lz4_started) {
		z[0] = LZ4_MAGIC & 0xff;
		z[1] = LZ4_MAGIC >> 8 & 0xff;
		z[2] = LZ4_MAGIC >> 16 & 0xff;
		z[3] = LZ4_MAGIC >> 24;
		if (zput(o, 4))
			return -1;
		o->lz4_started = 1;
	}
	len = LZ4_compress_HC(p, (char *)z + 4, n, o->zcap - 4, 9);
	if (len <= 0)
		return fail("%s: lz4 compression failed", o->what);
	z[0] = len & 0xff;
	z[1] = len >> 8 & 0xff;
	z[2] = len >> 16 & 0xff;
	z[3] = len >> 24;
	return zput(o, len + 4);
}

static int flush_stage(struct out *o, int last)
{
	int rc = 0;

	switch (o->comp) {
	case COMP_NONE:
		if (write_all(o->fd, o->buf, o->len))
			rc = werr(o);
		break;
	case COMP_GZIP:
		rc = gzip_feed(o, o->buf, o->len, last);
		break;
	case COMP_XZ:
		rc = xz_feed(o, o->buf, o->len, last);
		break;
	case COMP_ZSTD:
		rc = zstd_feed(o, o->buf, o->len, last);
		break;
	case COMP_LZ4:
		rc = lz4_feed(o, o->buf, o->len, last);
		break;
	}
	o->len = 0;
	return rc;
}

struct out *out_new(int fd, enum comp comp, const char *what)
{
	struct out *o = xcalloc(1, sizeof(*o));
	struct stat st;
	off_t pos;
	int rc = 0;

	o->fd = fd;
	o->comp = comp;
	o->what = what;
	o->cap = comp == COMP_LZ4 ? LZ4_BLOCK : STAGE_SIZE;
	o->buf = xmalloc(o->cap);
	o->zcap = comp == COMP_LZ4 ? (size_t)LZ4_compressBound(LZ4_BLOCK) + 4 :
				     STAGE_SIZE;
	o->zbuf = comp == COMP_NONE ? NULL : xmalloc(o->zcap);
	o->pipe[0] = o->pipe[1] = -1;
	/* splice() cannot append: O_APPEND output is copied by hand. */
	if (comp == COMP_NONE && !fstat(fd, &st) &&
	    !(fcntl(fd, F_GETFL) & O_APPEND)) {
		if (S_ISREG(st.st_mode)) {
			o->fast_copy = COPY_TO_FILE;
			pos = lseek(fd, 0, SEEK_CUR);
			o->base = pos > 0 ? pos : 0;
		} else if (S_ISFIFO(st.st_mode)) {
			o->fast_copy = COPY_TO_PIPE;
		}
	}
	if (comp == COMP_GZIP)
		rc = gzip_init(o);
	else if (comp == COMP_XZ)
		rc = xz_init(o);
	else if (comp == COMP_ZSTD)
		rc = zstd_init(o);
	if (rc) {
		out_free(o);
		return NULL;
	}
	return o;
}

/*
 * How many of n (> 0) bytes fit in the stage now, flushing it first if it
 * is full; 0 when the flush failed.
 */
static size_t stage_room(struct out *o, uint64_t n)
{
	if (o->len == o->cap && flush_stage(o, 0))
		return 0;
	return o->cap - o->len < n ? o->cap - o->len : n;
}

int out_write(struct out *o, const void *p, size_t n)
{
	const unsigned char *s = p;
	size_t k;

	while (n) {
		k = stage_room(o, n);
		if (!k)
			return -1;
		memcpy(o->buf + o->len, s, k);
		o->len += k;
		o->off += k;
		s += k;
		n -= k;
	}
	return 0;
}

/*
 * n bytes at the end of the stage for the caller to fill, or NULL when
 * they do not fit in what is left of it: then the caller writes through
 * out_write() and friends, which flush the stage exactly when it is full.
 */
void *out_reserve(struct out *o, size_t n)
{
	unsigned char *p = o->buf + o->len;

	if (n > o->cap - o->len)
		return NULL;
	o->len += n;
	o->off += n;
	return p;
}

int out_pad(struct out *o, unsigned int align)
{
	static const unsigned char zeros[512];
	size_t n = (align - o->off % align) % align;

	return out_write(o, zeros, n);
}

/* n bytes of the source through the stage. */
static int copy_plain(struct out *o, int fd, uint64_t n, const char *src)
{
	size_t want;
	long got;

	while (n) {
		want = stage_room(o, n);
		if (!want)
			return -1;
		got = read_source(fd, o->buf + o->len, want, src);
		if (got < 0)
			return -1;
		o->len += got;
		o->off += got;
		n -= got;
	}
	return 0;
}

static int splice_pipe(struct out *o)
{
	int sz;

	if (o->pipe[0] >= 0)
		return 0;
	if (pipe2(o->pipe, O_CLOEXEC))
		return -1;
	/* A bigger pipe means fewer, larger writes; the default will do. */
	sz = fcntl(o->pipe[1], F_SETPIPE_SZ, SPLICE_PIPE);
	if (sz < 0)
		sz = fcntl(o->pipe[1], F_GETPIPE_SZ);
	o->pipe_cap = sz > 2 * PAGE ? sz : 2 * PAGE;
	return 0;
}

/*
 * Move *size bytes, a whole number of pages, from the source to the output
 * file through our pipe: the source's page-cache pages go into the pipe by
 * reference and are copied once, into the output.  The output offset stays
 * page-aligned (out_copy_fd() saw to the start): the data of an entry
 * follows a 110-byte header and is never aligned in the archive the way it
 * is in its file, and copy_file_range() or sendfile() at such an offset
 * split every page in two and cost a third more than cat; this costs what
 * cat does.  If splice() refuses to start, on either side, what is in the
 * pipe goes to the stage and the function returns 1 with *size the bytes
 * left for the caller to copy by hand.
 */
static int copy_to_file(struct out *o, int fd, uint64_t *size,
			const char *src)
{
	uint64_t left = *size;
	size_t inpipe = 0, k;
	int wrote = 0;
	ssize_t n;

	if (splice_pipe(o))
		return 1;
	while (left || inpipe) {
		/* Fill the pipe, leaving a slot for a page split in two. */
		while (left && inpipe + PAGE < o->pipe_cap) {
			k = o->pipe_cap - PAGE - inpipe;
			n = splice(fd, NULL, o->pipe[1], NULL,
				   k < left ? k : left, SPLICE_F_MOVE |
				   SPLICE_F_NONBLOCK);
			if (n < 0 && errno == EINTR)
				continue;
			if (n < 0 && errno == EAGAIN && inpipe)
				break;	/* full: its slots hold part pages */
			if (n < 0 && left == *size)
				return 1;
			if (n < 0)
				return fail("%s: read error: %s", esc(src),
					    strerror(errno));
			if (n == 0)
				return fail("%s: file shrank while being archived",
					    esc(src));
			inpipe += n;
			left -= n;
		}
		/* Whole pages while there is more to come. */
		k = left && inpipe >= PAGE ? inpipe & ~(size_t)(PAGE - 1) :
					     inpipe;
		while (k) {
			n = splice(o->pipe[0], NULL, o->fd, NULL, k,
				   SPLICE_F_MOVE);
			if (n < 0 && errno == EINTR)
				continue;
			if (n < 0 && !wrote) {
				*size = left;
				/* What is in the pipe goes to the stage. */
				return copy_plain(o, o->pipe[0], inpipe, src) ?
				       -1 : 1;
			}
			if (n <= 0)
				return n < 0 ? werr(o) :
				       fail("%s: write error", o->what);
			wrote = 1;
			k -= n;
			inpipe -= n;
			o->off += n;
		}
	}
	*size = 0;
	return 0;
}

/* Move *size bytes straight from the source into the output pipe. */
static int copy_to_pipe(struct out *o, int fd, uint64_t *size,
			const char *src)
{
	uint64_t done = 0;
	ssize_t n;

	while (done < *size) {
		n = splice(fd, NULL, o->fd, NULL, *size - done, SPLICE_F_MOVE);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && !done)
			return 1;
		if (n < 0)
			return werr(o);
		if (n == 0)
			return fail("%s: file shrank while being archived",
				    esc(src));
		done += n;
		o->off += n;
	}
	*size = 0;
	return 0;
}

/*
 * Copy size bytes of the open source.  Large files going uncompressed to a
 * file or a pipe are spliced, so their data never passes through user
 * space; anything else, and what splice() refuses, goes through the stage.
 */
int out_copy_fd(struct out *o, int fd, uint64_t size, const char *src)
{
	uint64_t head, body, tail;
	int rc;

	if (o->fast_copy == COPY_PLAIN || size < SPLICE_MIN)
		return copy_plain(o, fd, size, src);
	head = 0;
	if (o->fast_copy == COPY_TO_FILE)
		head = (PAGE - (o->base + o->off) % PAGE) % PAGE;
	if (copy_plain(o, fd, head, src) || flush_stage(o, 0))
		return -1;
	body = size - head;
	tail = 0;
	if (o->fast_copy == COPY_TO_FILE) {
		tail = body % PAGE;
		body -= tail;
		rc = copy_to_file(o, fd, &body, src);
	} else {
		rc = copy_to_pipe(o, fd, &body, src);
	}
	if (rc < 0)
		return -1;
	if (rc > 0)
		o->fast_copy = COPY_PLAIN;	/* and body is what is left */
	return copy_plain(o, fd, body + tail, src);
}

/* What cpio_header() writes for name: header, name, NUL and padding. */
size_t cpio_header_size(const char *name)
{
	return (CPIO_HDR_LEN + strlen(name) + 1 + 3) & ~(size_t)3;
}

/*
 * Eight upper-case hex digits, as printf's %08X, two at a time from a table:
 * with 13 fields a header, this is most of the time spent writing one.
 */
static char *hex8(char *p, uint32_t v)
{
	static const char digits[] = "0123456789ABCDEF";
	static char pairs[256][2];	/* "00" to "FF", made on first use */
	int i;

	if (!pairs[1][1]) {
		for (i = 0; i < 256; i++) {
			pairs[i][0] = digits[i >> 4];
			pairs[i][1] = digits[i & 15];
		}
	}
	for (i = 6; i >= 0; i -= 2, v >>= 8)
		memcpy(p + i, pairs[v & 255], 2);
	return p + 8;
}

/*
 * The only function that writes a cpio header: the 110 header bytes, the
 * name with its NUL and the padding that aligns what follows to 4 bytes,
 * cpio_header_size(name) bytes at p.  The caller writes the data and its
 * padding.
 */
size_t cpio_header(char *p, int crc, const struct cpio_hdr *h,
		   const char *name)
{
	size_t namesize = strlen(name) + 1, size = cpio_header_size(name);
	char *s = p;

	memcpy(s, crc ? "070702" : "070701", 6);
	s = hex8(s + 6, h->ino);
	s = hex8(s, h->mode);
	s = hex8(s, h->uid);
	s = hex8(s, h->gid);
	s = hex8(s, h->nlink);
	s = hex8(s, h->mtime);
	s = hex8(s, h->filesize);
	s = hex8(s, h->maj);
	s = hex8(s, h->min);
	s = hex8(s, h->rmaj);
	s = hex8(s, h->rmin);
	s = hex8(s, namesize);
	s = hex8(s, h->chksum);
	memcpy(s, name, namesize);
	memset(s + namesize, 0, size - CPIO_HDR_LEN - namesize);
	return size;
}

/* A header through the stage, for entries written piece by piece. */
int out_header(struct out *o, int crc, const struct cpio_hdr *h,
	       const char *name)
{
	char s[CPIO_HDR_LEN + CPIO_PATH_MAX + 4];

	return out_write(o, s, cpio_header(s, crc, h, name));
}

int out_finish(struct out *o)
{
	if (flush_stage(o, 1))
		return -1;
	return 0;
}

void out_free(struct out *o)
{
	if (!o)
		return;
	if (o->comp == COMP_GZIP)
		deflateEnd(&o->z);
	else if (o->comp == COMP_XZ)
		lzma_end(&o->x);
	else if (o->comp == COMP_ZSTD)
		ZSTD_freeCCtx(o->zs);
	if (o->pipe[0] >= 0) {
		close(o->pipe[0]);
		close(o->pipe[1]);
	}
	free(o->buf);
	free(o->zbuf);
	free(o);
}
