// SPDX-License-Identifier: GPL-2.0-only
/*
 * The kernel command line as /init reads it, with the kernel's own rules
 * (init/main.c, lib/cmdline.c next_arg()):
 *
 *   - words are separated by ASCII white space; a double quote toggles
 *     "inside quotes", where white space does not separate;
 *   - a word KEY=VALUE has a value: the first '=' (not as the first
 *     character) splits it; one pair of quotes around VALUE or around the
 *     whole word is removed (init="/bin/sh -x", "init=/bin/sh -x"), other
 *     quotes stay; an unterminated quote runs to the end of the line;
 *   - a word without '=' is a flag; "--" ends the kernel's words (the rest
 *     is for init);
 *   - the last occurrence of a key wins; unknown keys are ignored.
 *
 * Stricter than the kernel, so that a typo stops the boot with a reason
 * instead of mounting the wrong thing: a line longer than CMDLINE_MAX, a
 * value of one of our keys longer than CMDLINE_VALUE_MAX, one of our flags
 * given a value, and a bad winning value of root=, init=, rootdelay= or
 * rb.roottimeout= are errors.  Values are checked after the whole line is
 * read, so only the winning occurrence of a key is checked.
 */
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include "cmdline.h"
#include "uuid.h"

enum key_type {
	KEY_VALUE,	/* copy the value to the char[] at .offset */
	KEY_FLAG,	/* store .flag in the int at .offset; no value */
};

static const struct key {
	const char *name;
	enum key_type type;
	size_t offset;
	int flag;
} keys[] = {
	{ .name = "root", .type = KEY_VALUE,
	  .offset = offsetof(struct boot_opts, root) },
	{ .name = "rootfstype", .type = KEY_VALUE,
	  .offset = offsetof(struct boot_opts, rootfstype) },
	{ .name = "rootflags", .type = KEY_VALUE,
	  .offset = offsetof(struct boot_opts, rootflags) },
	{ .name = "init", .type = KEY_VALUE,
	  .offset = offsetof(struct boot_opts, init) },
	{ .name = "rootdelay", .type = KEY_VALUE,
	  .offset = offsetof(struct boot_opts, rootdelay) },
	{ .name = "rb.roottimeout", .type = KEY_VALUE,
	  .offset = offsetof(struct boot_opts, roottimeout) },
	{ .name = "rootwait", .type = KEY_FLAG, .flag = 1,
	  .offset = offsetof(struct boot_opts, rootwait) },
	{ .name = "ro", .type = KEY_FLAG, .flag = 1,
	  .offset = offsetof(struct boot_opts, readonly) },
	{ .name = "rw", .type = KEY_FLAG, .flag = 0,
	  .offset = offsetof(struct boot_opts, readonly) },
};

/* One word of the command line, pointing into it. */
struct word {
	const char *key, *val;
	size_t key_len, val_len;
	int has_val;
};

void str_vappend(char *dst, size_t size, va_list ap)
{
	size_t n = strlen(dst);
	const char *s;

	while ((s = va_arg(ap, const char *)))
		while (*s && n + 1 < size)
			dst[n++] = *s++;
	dst[n] = '\0';
}

void str_append(char *dst, size_t size, ...)
{
	va_list ap;

	va_start(ap, size);
	str_vappend(dst, size, ap);
	va_end(ap);
}

char *fmt_uint(char *buf, unsigned long v)
{
	char tmp[24];
	int n = 0, i = 0;

	do {
		tmp[n++] = '0' + v % 10;
		v /= 10;
	} while (v);
	while (n)
		buf[i++] = tmp[--n];
	buf[i] = '\0';
	return buf;
}

static char lower(char c)
{
	return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

int str_case_eq(const char *a, const char *b)
{
	while (*a && lower(*a) == lower(*b)) {
		a++;
		b++;
	}
	return lower(*a) == lower(*b);
}

static int is_space(char c)
{
	return c == ' ' || (c >= '\t' && c <= '\r');
}

/*
 * The next word of S[0..LEN) from *POS, as next_arg() in lib/cmdline.c
 * splits it.  Returns 0 at the end of the line.
 */
static int next_word(const char *s, size_t len, size_t *pos, struct word *w)
{
	size_t i = *pos, start, end, eq = 0;
	int in_quote = 0, quoted = 0, strip = 0;

	while (i < len && is_space(s[i]))
		i++;
	if (i == len)
		return 0;
	if (s[i] == '"') {
		in_quote = quoted = 1;
		i++;
	}
	start = i;
	for (; i < len; i++) {
		if (is_space(s[i]) && !in_quote)
			break;
		if (!eq && s[i] == '=' && i > start)
			eq = i;
		if (s[i] == '"')
			in_quote = !in_quote;
	}
	end = i;
	*pos = i;

	if (quoted && end > start && s[end - 1] == '"')
		strip = 1;
	w->key = s + start;
	w->has_val = eq != 0;
	if (!w->has_val) {
		w->key_len = end - start - strip;
		w->val = NULL;
		w->val_len = 0;
		return 1;
	}
	w->key_len = eq - start;
	w->val = s + eq + 1;
	w->val_len = end - eq - 1;
	if (w->val_len && w->val[0] == '"') {
		w->val++;
		w->val_len--;
		if (s[end - 1] == '"')
			strip = 1;
	}
	if (strip && w->val_len)
		w->val_len--;
	return 1;
}

static const struct key *find_key(const struct word *w)
{
	size_t i;

	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (strlen(keys[i].name) == w->key_len &&
		    !memcmp(keys[i].name, w->key, w->key_len))
			return &keys[i];
	return NULL;
}

/* Record "KEY=VALUE: WHY"; always returns -1. */
static int bad_value(struct boot_opts *o, const char *key, const char *val,
		     const char *why)
{
	o->err[0] = '\0';
	str_append(o->err, sizeof(o->err), key, "=", val, ": ", why, NULL);
	return -1;
}

/* Record a word of ours given a value it must not have. */
static int bad_word(struct boot_opts *o, const struct key *k,
		    const struct word *w, const char *why)
{
	char val[CMDLINE_VALUE_MAX + 1];
	size_t n = w->val_len < CMDLINE_VALUE_MAX ? w->val_len : CMDLINE_VALUE_MAX;

	memcpy(val, w->val, n);
	val[n] = '\0';
	return bad_value(o, k->name, val, why);
}

static int apply_word(struct boot_opts *o, const struct word *w)
{
	const struct key *k = find_key(w);
	char num[24], *field;

	if (!k)
		return 0;
	if (k->type == KEY_FLAG) {
		if (w->has_val)
			return bad_word(o, k, w, "takes no value");
		*(int *)((char *)o + k->offset) = k->flag;
		return 0;
	}
	if (!w->has_val)
		return 0;	/* "root" alone: not this key, as in the kernel */
	if (w->val_len > CMDLINE_VALUE_MAX) {
		o->err[0] = '\0';
		str_append(o->err, sizeof(o->err), k->name,
			   "= value is longer than ",
			   fmt_uint(num, CMDLINE_VALUE_MAX), " bytes", NULL);
		return -1;
	}
	field = (char *)o + k->offset;
	memcpy(field, w->val, w->val_len);
	field[w->val_len] = '\0';
	return 0;
}

/* Decimal digits only, at most MAX.  Returns 0, -1 not a number, -2 too big. */
static int parse_uint(const char *s, unsigned long max, unsigned int *out)
{
	unsigned long v = 0;

	if (!*s)
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		v = v * 10 + (*s - '0');
		if (v > max)
			return -2;
	}
	*out = v;
	return 0;
}

static int check_seconds(struct boot_opts *o, const char *key,
			 const char *val, unsigned int *out)
{
	char why[48] = "more than ", num[24];
	int r;

	if (!*val)
		return 0;	/* keep the default */
	r = parse_uint(val, CMDLINE_SECONDS_MAX, out);
	if (r == -1)
		return bad_value(o, key, val, "not a number of seconds");
	if (r == -2) {
		str_append(why, sizeof(why), fmt_uint(num, CMDLINE_SECONDS_MAX),
			   " seconds", NULL);
		return bad_value(o, key, val, why);
	}
	return 0;
}

static int is_partuuid(const char *s)
{
	size_t n = 0;

	for (; s[n]; n++)
		if (!((s[n] >= '0' && s[n] <= '9') || s[n] == '-' ||
		      (lower(s[n]) >= 'a' && lower(s[n]) <= 'f')))
			return 0;
	return n > 0 && n <= UUID_STR_LEN;
}

/* MAJOR:MINOR in decimal.  Returns 0, -1 not this form, -2 out of range. */
static int parse_devnum(const char *s, unsigned int *major,
			unsigned int *minor)
{
	char num[CMDLINE_VALUE_MAX + 1];
	const char *colon = strchr(s, ':');
	int rmaj, rmin;

	if (!colon)
		return -1;
	memcpy(num, s, colon - s);
	num[colon - s] = '\0';
	rmaj = parse_uint(num, 4095, major);
	rmin = parse_uint(colon + 1, 1048575, minor);
	if (rmaj == -1 || rmin == -1)
		return -1;
	return rmaj || rmin ? -2 : 0;
}

static int check_root(struct boot_opts *o)
{
	const char *r = o->root;
	int n;

	if (!*r) {
		o->root_kind = ROOT_NONE;
		return 0;
	}
	if (!strncmp(r, "/dev/", 5)) {
		if (!r[5])
			return bad_value(o, "root", r, "no device name");
		o->root_kind = ROOT_PATH;
		return 0;
	}
	if (!strncmp(r, "UUID=", 5)) {
		if (uuid_parse(r + 5, o->root_uuid))
			return bad_value(o, "root", r,
				"not a UUID (want 8-4-4-4-12 hex digits)");
		o->root_kind = ROOT_UUID;
		return 0;
	}
	if (!strncmp(r, "PARTUUID=", 9)) {
		if (!is_partuuid(r + 9))
			return bad_value(o, "root", r,
				"not a partition UUID (want up to 36 hex digits and dashes)");
		o->root_kind = ROOT_PARTUUID;
		return 0;
	}
	n = parse_devnum(r, &o->root_major, &o->root_minor);
	if (n == -2)
		return bad_value(o, "root", r,
			"device number out of range (major 0-4095, minor 0-1048575)");
	if (n == 0) {
		o->root_kind = ROOT_DEVNUM;
		return 0;
	}
	return bad_value(o, "root", r,
		"unsupported form (use /dev/NAME, UUID=, PARTUUID= or MAJOR:MINOR)");
}

static int check_values(struct boot_opts *o)
{
	if (check_root(o))
		return -1;
	if (o->init[0] && o->init[0] != '/')
		return bad_value(o, "init", o->init, "not an absolute path");
	if (check_seconds(o, "rootdelay", o->rootdelay, &o->delay_s))
		return -1;
	return check_seconds(o, "rb.roottimeout", o->roottimeout,
			     &o->timeout_s);
}

const char *cmdline_parse(const char *buf, size_t len, struct boot_opts *o)
{
	const char *nul = memchr(buf, '\0', len);
	char num[24];
	struct word w;
	size_t pos = 0;

	memset(o, 0, sizeof(*o));
	o->readonly = 1;
	o->timeout_s = ROOT_TIMEOUT_DEFAULT;

	if (nul)
		len = nul - buf;
	if (len && buf[len - 1] == '\n')
		len--;
	if (len > CMDLINE_MAX) {
		str_append(o->err, sizeof(o->err), "longer than ",
			   fmt_uint(num, CMDLINE_MAX), " bytes", NULL);
		return o->err;
	}
	while (next_word(buf, len, &pos, &w)) {
		if (!w.has_val && w.key_len == 2 && !memcmp(w.key, "--", 2))
			break;
		if (apply_word(o, &w))
			return o->err;
	}
	if (check_values(o))
		return o->err;
	return NULL;
}

int uevent_get(const char *buf, size_t len, const char *key,
	       char *out, size_t size)
{
	size_t klen = strlen(key), i = 0, end, n;

	while (i < len) {
		const char *nl = memchr(buf + i, '\n', len - i);

		if (!nl)
			return -1;	/* an incomplete last line */
		end = nl - buf;
		if (end - i > klen && !memcmp(buf + i, key, klen) &&
		    buf[i + klen] == '=') {
			n = end - i - klen - 1;
			if (n >= size)
				return -1;
			memcpy(out, buf + i + klen + 1, n);
			out[n] = '\0';
			return 0;
		}
		i = end + 1;
	}
	return -1;
}

int proc_filesystems(const char *buf, size_t len, char *out, size_t size)
{
	size_t i = 0, end, n, used = 0;
	int count = 0;

	if (!size)
		return -1;
	out[0] = '\0';
	while (i < len) {
		const char *nl = memchr(buf + i, '\n', len - i);

		if (!nl)
			break;	/* an incomplete last line */
		end = nl - buf;
		/* "nodev\tsysfs" or "\text4" */
		if (end > i && buf[i] == '\t') {
			n = end - i - 1;
			if (n && used + !!count + n + 1 > size)
				return -1;
			if (n) {
				if (count)
					out[used++] = ',';
				memcpy(out + used, buf + i + 1, n);
				used += n;
				out[used] = '\0';
				count++;
			}
		}
		i = end + 1;
	}
	return count;
}
