// SPDX-License-Identifier: GPL-2.0-only
/*
 * mkcpio helpers: error recording, allocation, escaping, strict number
 * parsing, a string hash map and the atomically replaced output file.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mkcpio.h"

char err_msg[2048];

/* Record why something failed; main() prints it.  Always returns -1. */
int fail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err_msg, sizeof(err_msg), fmt, ap);
	va_end(ap);
	return -1;
}

/* A warning that does not change the exit status. */
void note(const char *fmt, ...)
{
	va_list ap;

	fputs("mkcpio: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static void oom(void)
{
	fputs("mkcpio: out of memory\n", stderr);
	exit(1);
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p)
		oom();
	return p;
}

void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (!p)
		oom();
	return p;
}

void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		oom();
	return p;
}

char *xstrdup(const char *s)
{
	return strcpy(xmalloc(strlen(s) + 1), s);
}

char *xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *s;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	s = xmalloc(n + 1);
	va_start(ap, fmt);
	vsnprintf(s, n + 1, fmt, ap);
	va_end(ap);
	return s;
}

/*
 * Read up to WANT (> 0) bytes of the source SRC, retrying EINTR: the count
 * read, or -1 after fail() on an error or an early end of the file (the
 * spec promised a size the file no longer has).
 */
long read_source(int fd, void *buf, size_t want, const char *src)
{
	ssize_t n;

	do
		n = read(fd, buf, want);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return fail("%s: read error: %s", esc(src), strerror(errno));
	if (n == 0)
		return fail("%s: file shrank while being archived", esc(src));
	return n;
}

/*
 * Make a string safe to print on one line: backslash and non-printable
 * bytes become \ooo.  Returns one of a few rotating static buffers, so a
 * message may use several esc() results; long strings are cut short.
 */
const char *esc(const char *s)
{
	static char bufs[4][512];
	static int next;
	char *b = bufs[next++ & 3], *p = b;
	unsigned char c;

	while ((c = *s++) && p < b + sizeof(bufs[0]) - 8) {
		if (c == '\\' || c < 0x20 || c >= 0x7f)
			p += sprintf(p, "\\%03o", c);
		else
			*p++ = c;
	}
	if (c)
		strcpy(p, "...");
	else
		*p = 0;
	return b;
}

/*
 * Strict unsigned number: digits of the base only, no sign, no spaces,
 * no "0x"; at most max.  Returns 0 or -1 (no message: callers know the
 * field name).
 */
int parse_num(const char *s, int base, uint32_t max, uint32_t *out)
{
	uint64_t v = 0;
	int d;

	if (!*s)
		return -1;
	for (; *s; s++) {
		if (*s >= '0' && *s <= '9')
			d = *s - '0';
		else
			return -1;
		if (d >= base)
			return -1;
		v = v * base + d;
		if (v > max)
			return -1;
	}
	*out = v;
	return 0;
}

/*
 * Check an archive name without its leading '/': no empty, "." or ".."
 * components and no more than the kernel accepts.  Returns 0 or -1 with
 * *why set.
 */
int check_name(const char *name, const char **why)
{
	const char *p = name, *e;
	size_t n;

	if (strlen(name) + 1 > CPIO_PATH_MAX) {
		*why = "is longer than the kernel's PATH_MAX";
		return -1;
	}
	for (;;) {
		e = strchr(p, '/');
		n = e ? (size_t)(e - p) : strlen(p);
		if (n == 2 && p[0] == '.' && p[1] == '.') {
			*why = "has a '..' component";
			return -1;
		}
		if (n == 0 || (n == 1 && p[0] == '.')) {
			*why = "has an empty or '.' component";
			return -1;
		}
		if (!e)
			return 0;
		p = e + 1;
	}
}

int write_all(int fd, const void *buf, size_t n)
{
	const char *p = buf;
	ssize_t w;

	while (n) {
		w = write(fd, p, n);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += w;
		n -= w;
	}
	return 0;
}

/* FNV-1a; good enough for path names. */
static size_t hash(const char *s)
{
	size_t h = 14695981039346656037ULL;

	while (*s)
		h = (h ^ (unsigned char)*s++) * 1099511628211ULL;
	return h;
}

static size_t map_slot(const struct map *m, const char *key)
{
	size_t i = hash(key) & (m->cap - 1);

	while (m->keys[i] && strcmp(m->keys[i], key))
		i = (i + 1) & (m->cap - 1);
	return i;
}

void *map_get(const struct map *m, const char *key)
{
	size_t i;

	if (!m->cap)
		return NULL;
	i = map_slot(m, key);
	return m->keys[i] ? m->vals[i] : NULL;
}

static void map_grow(struct map *m)
{
	struct map n = { .cap = m->cap ? m->cap * 2 : 64 };
	size_t i, j;

	n.keys = xcalloc(n.cap, sizeof(*n.keys));
	n.vals = xcalloc(n.cap, sizeof(*n.vals));
	for (i = 0; i < m->cap; i++) {
		if (!m->keys[i])
			continue;
		j = map_slot(&n, m->keys[i]);
		n.keys[j] = m->keys[i];
		n.vals[j] = m->vals[i];
	}
	n.used = m->used;
	map_free(m);
	*m = n;
}

/* The slot for key, claimed for it if it is not there yet. */
static size_t map_claim(struct map *m, const char *key)
{
	size_t i;

	if (2 * (m->used + 1) > m->cap)
		map_grow(m);
	i = map_slot(m, key);
	if (!m->keys[i]) {
		m->keys[i] = key;
		m->vals[i] = NULL;
		m->used++;
	}
	return i;
}

/* Insert or replace. */
void map_put(struct map *m, const char *key, void *val)
{
	size_t i = map_claim(m, key);	/* may move m->vals */

	m->vals[i] = val;
}

/*
 * Insert unless key is there already; returns its value then, else NULL.
 * One lookup where map_get() and map_put() would take two.
 */
void *map_add(struct map *m, const char *key, void *val)
{
	size_t i = map_claim(m, key);

	if (m->vals[i])
		return m->vals[i];
	m->vals[i] = val;
	return NULL;
}

void map_free(struct map *m)
{
	free(m->keys);
	free(m->vals);
	m->keys = NULL;
	m->vals = NULL;
	m->cap = m->used = 0;
}

/*
 * The output file.  A regular (or absent) OUT is written as a temporary
 * in the same directory and renamed over OUT only by outfile_commit(), so
 * a failed run leaves no output file.  Standard output that is a regular
 * file is cut back to where it was (of->undo) by outfile_abort().  A signal
 * does either.
 */
static volatile sig_atomic_t have_tmp, have_undo;
static char tmp_for_signal[4096];
static off_t undo_for_signal;

static void on_signal(int sig)
{
	if (have_tmp)
		unlink(tmp_for_signal);
	if (have_undo && ftruncate(1, undo_for_signal)) {
		/* nothing more can be done in a handler */
	}
	signal(sig, SIG_DFL);
	raise(sig);
}

static void catch_signals(void)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGPIPE };
	size_t i;

	for (i = 0; i < ARRAY_SIZE(sigs); i++)
		signal(sigs[i], on_signal);
}

int outfile_open(struct outfile *of, const char *path)
{
	struct stat st;
	const char *slash;
	mode_t mask;

	of->fd = 1;
	of->path = NULL;
	of->tmp = NULL;
	of->undo = -1;
	if (!path) {
		/*
		 * Only output that would go at the end of the file can be
		 * taken back ("1<>file" overwrites what it cannot restore);
		 * with ">>" the offset says 0 until the first write.
		 */
		if (!fstat(1, &st) && S_ISREG(st.st_mode) &&
		    ((fcntl(1, F_GETFL) & O_APPEND) ||
		     lseek(1, 0, SEEK_CUR) == st.st_size)) {
			of->undo = undo_for_signal = st.st_size;
			have_undo = 1;
			catch_signals();
		}
		return 0;
	}
	of->path = xstrdup(path);
	if (!stat(path, &st) && !S_ISREG(st.st_mode)) {
		/* A device or fifo: there is nothing to replace atomically. */
		of->fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
		if (of->fd < 0)
			return fail("%s: %s", esc(path), strerror(errno));
		return 0;
	}
	slash = strrchr(path, '/');
	if (slash)
		of->tmp = xasprintf("%.*s.%s.XXXXXX", (int)(slash - path + 1),
				    path, slash + 1);
	else
		of->tmp = xasprintf(".%s.XXXXXX", path);
	if (strlen(of->tmp) >= sizeof(tmp_for_signal))
		return fail("%s: name too long", esc(path));
	of->fd = mkstemp(of->tmp);
	if (of->fd < 0)
		return fail("%s: %s", esc(of->tmp), strerror(errno));
	strcpy(tmp_for_signal, of->tmp);
	have_tmp = 1;
	catch_signals();
	/* mkstemp() makes 0600; give OUT the mode a plain creat() would. */
	mask = umask(0);
	umask(mask);
	fchmod(of->fd, 0666 & ~mask);
	return 0;
}

int outfile_commit(struct outfile *of)
{
	int rc = 0;

	if (!of->path) {
		if (fflush(stdout) == EOF)
			rc = fail("standard output: %s", strerror(errno));
		if (rc && of->undo >= 0 && ftruncate(1, of->undo)) {
			/* the write error is the message */
		}
		have_undo = 0;
		return rc;
	}
	if (close(of->fd) < 0)
		rc = fail("%s: %s", esc(of->path), strerror(errno));
	of->fd = -1;
	if (!rc && of->tmp && rename(of->tmp, of->path) < 0)
		rc = fail("%s: %s", esc(of->path), strerror(errno));
	if (rc && of->tmp)
		unlink(of->tmp);
	have_tmp = 0;
	free(of->tmp);
	free(of->path);
	of->tmp = of->path = NULL;
	return rc;
}

void outfile_abort(struct outfile *of)
{
	if (!of->path && of->undo >= 0) {
		fflush(stdout);
		if (ftruncate(1, of->undo))
			note("standard output: cannot cut back the partial "
			     "output: %s", strerror(errno));
	}
	have_undo = 0;
	if (of->path && of->fd >= 0)
		close(of->fd);
	if (of->tmp)
		unlink(of->tmp);
	have_tmp = 0;
	free(of->tmp);
	free(of->path);
	of->tmp = of->path = NULL;
	of->fd = -1;
}
