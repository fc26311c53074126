/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Pure text parsing for the initramfs /init: the kernel command line, the
 * uevent files of sysfs and /proc/filesystems, plus the small string
 * helpers init.c builds its messages with.  Nothing here makes a system
 * call, so all of it is unit-tested on the host (tests/test-cmdline.c).
 *
 * Errors: cmdline_parse() returns NULL on success, else a one-line reason
 * (no "init: " prefix, no newline) that stays valid as long as the
 * struct boot_opts does.
 */
#ifndef INIT_CMDLINE_H
#define INIT_CMDLINE_H

#include <stdarg.h>
#include <stddef.h>

/* Longest command line accepted, without the newline /proc/cmdline adds. */
#define CMDLINE_MAX		4096
/* Longest value accepted for a key we use. */
#define CMDLINE_VALUE_MAX	255
/* Upper bound for rootdelay= and rb.roottimeout=, in seconds (one day). */
#define CMDLINE_SECONDS_MAX	86400
/* rb.roottimeout when not given. */
#define ROOT_TIMEOUT_DEFAULT	10

#define CMDLINE_ERR_MAX		512

enum root_kind {
	ROOT_NONE,		/* no root=, or root= with an empty value */
	ROOT_PATH,		/* root=/dev/NAME: the device node itself */
	ROOT_UUID,		/* root=UUID=...: an ext2/3/4 superblock UUID */
	ROOT_PARTUUID,		/* root=PARTUUID=...: a partition's PARTUUID */
	ROOT_DEVNUM,		/* root=MAJOR:MINOR, decimal */
};

struct boot_opts {
	/*
	 * The values as written (quotes removed), "" when not given.  The
	 * last occurrence of a key wins and an empty value resets the key.
	 */
	char root[CMDLINE_VALUE_MAX + 1];
	char rootfstype[CMDLINE_VALUE_MAX + 1];	/* comma-separated list */
	char rootflags[CMDLINE_VALUE_MAX + 1];	/* mount(2) data */
	char init[CMDLINE_VALUE_MAX + 1];	/* "": the kernel's fallbacks */
	char rootdelay[CMDLINE_VALUE_MAX + 1];
	char roottimeout[CMDLINE_VALUE_MAX + 1];
	int rootwait;
	int readonly;		/* 1 unless the last of ro/rw was rw */

	/* Derived from the values above once the whole line has been read. */
	enum root_kind root_kind;
	unsigned char root_uuid[16];		/* ROOT_UUID */
	unsigned int root_major, root_minor;	/* ROOT_DEVNUM */
	unsigned int delay_s;			/* rootdelay, default 0 */
	unsigned int timeout_s;			/* 0: wait for ever */

	char err[CMDLINE_ERR_MAX];
};

/*
 * Parse LEN bytes of a kernel command line (as read from /proc/cmdline:
 * not NUL-terminated, one trailing newline allowed; a NUL byte ends it).
 * Fills *O completely, also on error.
 */
const char *cmdline_parse(const char *buf, size_t len, struct boot_opts *o);

/*
 * The value of KEY in a sysfs uevent file ("KEY=value" lines).  Only
 * complete lines count.  Returns 0 and the value in OUT, or -1 when KEY
 * is missing or its value does not fit in SIZE bytes.
 */
int uevent_get(const char *buf, size_t len, const char *key,
	       char *out, size_t size);

/*
 * The filesystems of /proc/filesystems that need a block device (lines
 * without "nodev"), in the kernel's order, as a comma-separated list in
 * OUT.  Only complete lines count.  Returns how many there are, or -1 when
 * they do not fit.
 */
int proc_filesystems(const char *buf, size_t len, char *out, size_t size);

/*
 * Append the strings up to a NULL to the NUL-terminated DST of SIZE bytes,
 * silently cutting what does not fit.  For messages, not for paths.
 */
void str_append(char *dst, size_t size, ...) __attribute__((sentinel));
void str_vappend(char *dst, size_t size, va_list ap);

/* V in decimal in BUF (at least 24 bytes); returns BUF. */
char *fmt_uint(char *buf, unsigned long v);

/* ASCII case-insensitive equality. */
int str_case_eq(const char *a, const char *b);

#endif /* INIT_CMDLINE_H */
