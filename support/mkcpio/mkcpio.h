/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * mkcpio internal interfaces.  See main.c for the user contract.
 *
 * Error convention: helpers return -1 (or NULL) after recording a one-line
 * reason with fail(); main() prints it as "mkcpio: <reason>" and exits.
 * Only main() and the x-wrappers (out of memory) exit.
 */
#ifndef MKCPIO_H
#define MKCPIO_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/types.h>

/* The kernel unpacker's limit for names and symlink targets (PATH_MAX). */
#define CPIO_PATH_MAX		4096
/* usr/gen_init_cpio numbers inodes from here; we match it byte for byte. */
#define CPIO_FIRST_INO		721
#define CPIO_TRAILER		"TRAILER!!!"
#define CPIO_HDR_LEN		110

#define ARRAY_SIZE(a)		(sizeof(a) / sizeof((a)[0]))
#define __printf(a, b)		__attribute__((format(printf, a, b)))

enum comp {
	COMP_NONE,
	COMP_GZIP,
	COMP_XZ,
	COMP_ZSTD,
	COMP_LZ4,
};

/* ---- util.c ---- */
extern char err_msg[];
int fail(const char *fmt, ...) __printf(1, 2);
long read_source(int fd, void *buf, size_t want, const char *src);
void note(const char *fmt, ...) __printf(1, 2);
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xasprintf(const char *fmt, ...) __printf(1, 2);
const char *esc(const char *s);
int parse_num(const char *s, int base, uint32_t max, uint32_t *out);
int check_name(const char *name, const char **why);
int write_all(int fd, const void *buf, size_t n);

/* String-keyed hash map; keys are borrowed, values are opaque pointers. */
struct map {
	const char **keys;
	void **vals;
	size_t cap, used;
};
void *map_get(const struct map *m, const char *key);
void map_put(struct map *m, const char *key, void *val);
void *map_add(struct map *m, const char *key, void *val);
void map_free(struct map *m);

/* Output file written to a temporary and renamed into place on success. */
struct outfile {
	int fd;
	char *path;	/* final name, NULL for stdout */
	char *tmp;	/* temporary name, NULL when writing in place */
	off_t undo;	/* stdout, a regular file: its size to go back to, or -1 */
};
int outfile_open(struct outfile *of, const char *path);
int outfile_commit(struct outfile *of);
void outfile_abort(struct outfile *of);

/* ---- source.c: opening and reading source files in batches ---- */
#define SRC_BATCH		64
#define SRC_SLOT		(16 * 1024)	/* read whole at open time */

struct srcfile {
	const char *path;	/* set by the caller */
	int fd;			/* the open source, or -1 */
	int err;		/* errno of the failed open, stat or read, or 0 */
	int regular;		/* S_ISREG */
	uint64_t size;
	const void *data;	/* the whole file, if it was small, or NULL */
	int got, res;		/* private to source.c */
};

struct src;
struct src *src_new(void);
void src_free(struct src *s);
int src_stat(struct srcfile *v, int n);
int src_open(struct src *s, struct srcfile *v, int n);
void src_done(struct src *s, struct srcfile *f);
void src_close(struct srcfile *v, int n);

/* ---- writer.c: the cpio/compression output stream ---- */
struct cpio_hdr {
	uint32_t ino, mode, uid, gid, nlink, mtime, filesize;
	uint32_t maj, min, rmaj, rmin, chksum;
};

size_t cpio_header_size(const char *name);
size_t cpio_header(char *p, int crc, const struct cpio_hdr *h,
		   const char *name);

struct out;
struct out *out_new(int fd, enum comp comp, const char *what);
void *out_reserve(struct out *o, size_t n);
int out_write(struct out *o, const void *p, size_t n);
int out_pad(struct out *o, unsigned int align);
int out_copy_fd(struct out *o, int fd, uint64_t size, const char *src);
int out_header(struct out *o, int crc, const struct cpio_hdr *h,
	       const char *name);
int out_finish(struct out *o);
void out_free(struct out *o);
int comp_parse(const char *s, enum comp *c);

/* ---- spec.c: spec parsing, ordering and archive writing ---- */
struct spec_opts {
	uint32_t mtime;
	int crc;
	int sort;
	int check_first;	/* stat every source before writing a byte */
	enum comp comp;
};
struct spec;
struct spec *spec_new(void);
int spec_parse(struct spec *sp, const char *fname, FILE *f);
int spec_parse_buf(struct spec *sp, const char *fname, const char *buf,
		   size_t len);
int spec_order(struct spec *sp, int sort);
int spec_write(struct spec *sp, int fd, const struct spec_opts *opt,
	       const char *outname);
void spec_free(struct spec *sp);

/* ---- fromdir.c: directory tree (+ device table) to spec ---- */
struct fromdir_opts {
	const char *dir;
	const char **tables;
	int ntables;
	int squash;
	const char *var;
};
int fromdir(const struct fromdir_opts *opt, FILE *out);

/* ---- reader.c: archive reading, list, verify, extract ---- */
enum rd_mode {
	RD_LIST,
	RD_VERIFY,
	RD_EXTRACT,
};
int archive_read(const char *path, enum rd_mode mode, const char *dir);
int archive_read_mem(const uint8_t *buf, size_t len, enum rd_mode mode,
		     FILE *listing);

#endif /* MKCPIO_H */
