// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests for the pure parts of /init: cmdline.c and uuid.c.
 *
 *   test-cmdline [--image FILE UUID|none]...
 *
 * Prints "ok - DESC" or "not ok - DESC" per check, with details indented
 * below a failure; exits 1 if any failed.  Each --image checks that
 * ext_uuid_read() finds UUID in FILE, or with "none" that it finds no ext
 * superblock (tests/run.sh makes the images with mke2fs).
 *
 * A parse case gives the command line and either the expected error or
 * the expected dump() of everything cmdline_parse() fills in.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmdline.h"
#include "uuid.h"

static int failed;

static void check(int ok, const char *desc, const char *got,
		  const char *want)
{
	if (ok) {
		printf("ok - %s\n", desc);
		return;
	}
	printf("not ok - %s\n", desc);
	if (want)
		printf("    want: %s\n", want);
	if (got)
		printf("    got:  %s\n", got);
	failed = 1;
}

static const char *kind_name(enum root_kind k)
{
	static const char *const names[] = {
		[ROOT_NONE] = "none",
		[ROOT_PATH] = "path",
		[ROOT_UUID] = "uuid",
		[ROOT_PARTUUID] = "partuuid",
		[ROOT_DEVNUM] = "devnum",
	};

	return names[k];
}

/* Everything cmdline_parse() fills in, on one line. */
static void dump(const struct boot_opts *o, char *buf, size_t size)
{
	char kind[64], uuid[UUID_STR_LEN + 1];

	if (o->root_kind == ROOT_UUID) {
		uuid_format(o->root_uuid, uuid);
		snprintf(kind, sizeof(kind), "uuid:%s", uuid);
	} else if (o->root_kind == ROOT_DEVNUM) {
		snprintf(kind, sizeof(kind), "devnum:%u:%u", o->root_major,
			 o->root_minor);
	} else {
		snprintf(kind, sizeof(kind), "%s", kind_name(o->root_kind));
	}
	snprintf(buf, size,
		 "root=[%s] %s fstype=[%s] flags=[%s] init=[%s] %s rootwait=%d delay=%u timeout=%u",
		 o->root, kind, o->rootfstype, o->rootflags, o->init,
		 o->readonly ? "ro" : "rw", o->rootwait, o->delay_s,
		 o->timeout_s);
}

#define DEFAULTS " fstype=[] flags=[] init=[] ro rootwait=0 delay=0 timeout=10"
#define NO_ROOT "root=[] none"
#define VDA "root=[/dev/vda] path"
#define UUID_A "0123abcd-4567-89ef-0123-456789abcdef"

static const struct parse_case {
	const char *desc;
	const char *line;
	const char *err;	/* the expected reason, or NULL */
	const char *want;	/* else the expected dump() */
} parse_cases[] = {
	/* keys and flags */
	{ "empty command line gives the defaults", "",
	  .want = NO_ROOT DEFAULTS },
	{ "simple keys",
	  "root=/dev/vda rootfstype=ext4 rootflags=data=journal init=/sbin/myinit rootdelay=2 rb.roottimeout=30",
	  .want = VDA " fstype=[ext4] flags=[data=journal] init=[/sbin/myinit] ro rootwait=0 delay=2 timeout=30" },
	{ "rootwait flag", "root=/dev/vda rootwait",
	  .want = VDA " fstype=[] flags=[] init=[] ro rootwait=1 delay=0 timeout=10" },
	{ "rw flag", "root=/dev/vda rw",
	  .want = VDA " fstype=[] flags=[] init=[] rw rootwait=0 delay=0 timeout=10" },
	{ "ro then rw: the last wins", "ro root=/dev/vda rw",
	  .want = VDA " fstype=[] flags=[] init=[] rw rootwait=0 delay=0 timeout=10" },
	{ "rw then ro: the last wins", "rw root=/dev/vda ro",
	  .want = VDA DEFAULTS },
	{ "flag given a value is refused", "root=/dev/vda rootwait=5",
	  .err = "rootwait=5: takes no value" },
	{ "ro given a value is refused", "ro=1",
	  .err = "ro=1: takes no value" },
	{ "value key without '=' is not that key", "root rootfstype",
	  .want = NO_ROOT DEFAULTS },

	/* quoting, as lib/cmdline.c next_arg() */
	{ "quoted value with a space", "init=\"/bin/sh -x\" root=/dev/vda",
	  .want = VDA " fstype=[] flags=[] init=[/bin/sh -x] ro rootwait=0 delay=0 timeout=10" },
	{ "quoted whole word", "\"init=/bin/sh -x\" root=/dev/vda",
	  .want = VDA " fstype=[] flags=[] init=[/bin/sh -x] ro rootwait=0 delay=0 timeout=10" },
	{ "quoted value with '=' and ','",
	  "rootflags=\"data=journal,errors=remount-ro\" root=/dev/vda",
	  .want = VDA " fstype=[] flags=[data=journal,errors=remount-ro] init=[] ro rootwait=0 delay=0 timeout=10" },
	{ "quotes inside a value stay", "rootflags=a\"b c\"d root=/dev/vda",
	  .want = VDA " fstype=[] flags=[a\"b c\"d] init=[] ro rootwait=0 delay=0 timeout=10" },
	{ "empty quoted value", "root=/dev/vda init=\"\"",
	  .want = VDA DEFAULTS },
	{ "unterminated quote runs to the end of the line",
	  "root=/dev/vda init=\"/bin/sh rootwait",
	  .want = VDA " fstype=[] flags=[] init=[/bin/sh rootwait] ro rootwait=0 delay=0 timeout=10" },

	/* repeated, unknown and empty */
	{ "repeated key: the last wins", "root=/dev/vda root=/dev/vdb",
	  .want = "root=[/dev/vdb] path" DEFAULTS },
	{ "only the winning value is checked", "root=08:01x rootdelay=abc root=/dev/vda rootdelay=3",
	  .want = VDA " fstype=[] flags=[] init=[] ro rootwait=0 delay=3 timeout=10" },
	{ "unknown keys and flags are ignored",
	  "console=ttyS0,115200 quiet foo=bar root=/dev/vda rb.other=1 rootwaitx =x",
	  .want = VDA DEFAULTS },
	{ "empty value: root= means no root", "root=",
	  .want = NO_ROOT DEFAULTS },
	{ "empty value resets an earlier one",
	  "root=/dev/vda init=/bin/sh rb.roottimeout=3 root= init= rb.roottimeout=",
	  .want = NO_ROOT DEFAULTS },
	{ "\"--\" ends the kernel's words", "root=/dev/vda -- root=/dev/vdb rw",
	  .want = VDA DEFAULTS },

	/* white space */
	{ "trailing newline from /proc/cmdline", "root=/dev/vda\n",
	  .want = VDA DEFAULTS },
	{ "tabs and runs of spaces separate", "  root=/dev/vda\t\trootwait  \n",
	  .want = VDA " fstype=[] flags=[] init=[] ro rootwait=1 delay=0 timeout=10" },

	/* root= forms */
	{ "root=UUID=", "root=UUID=" UUID_A,
	  .want = "root=[UUID=" UUID_A "] uuid:" UUID_A DEFAULTS },
	{ "root=UUID= in upper case", "root=UUID=0123ABCD-4567-89EF-0123-456789ABCDEF",
	  .want = "root=[UUID=0123ABCD-4567-89EF-0123-456789ABCDEF] uuid:" UUID_A DEFAULTS },
	{ "root=PARTUUID= of an MBR partition", "root=PARTUUID=0a1b2c3d-01",
	  .want = "root=[PARTUUID=0a1b2c3d-01] partuuid" DEFAULTS },
	{ "root=PARTUUID= of a GPT partition", "root=PARTUUID=" UUID_A,
	  .want = "root=[PARTUUID=" UUID_A "] partuuid" DEFAULTS },
	{ "root=MAJOR:MINOR", "root=08:01",
	  .want = "root=[08:01] devnum:8:1" DEFAULTS },
	{ "root=MAJOR:MINOR at the limits", "root=4095:1048575",
	  .want = "root=[4095:1048575] devnum:4095:1048575" DEFAULTS },
	{ "root=MAJOR:MINOR out of range", "root=4096:0",
	  .err = "root=4096:0: device number out of range (major 0-4095, minor 0-1048575)" },
	{ "root= as a hex device number is refused", "root=801",
	  .err = "root=801: unsupported form (use /dev/NAME, UUID=, PARTUUID= or MAJOR:MINOR)" },
	{ "root=LABEL= is refused", "root=LABEL=rootfs",
	  .err = "root=LABEL=rootfs: unsupported form (use /dev/NAME, UUID=, PARTUUID= or MAJOR:MINOR)" },
	{ "root= without /dev/ is refused", "root=vda",
	  .err = "root=vda: unsupported form (use /dev/NAME, UUID=, PARTUUID= or MAJOR:MINOR)" },
	{ "root=/dev/ without a name", "root=/dev/",
	  .err = "root=/dev/: no device name" },
	{ "root=UUID= that is not a UUID", "root=UUID=xyz",
	  .err = "root=UUID=xyz: not a UUID (want 8-4-4-4-12 hex digits)" },
	{ "root=UUID= one digit short", "root=UUID=0123abcd-4567-89ef-0123-456789abcde",
	  .err = "root=UUID=0123abcd-4567-89ef-0123-456789abcde: not a UUID (want 8-4-4-4-12 hex digits)" },
	{ "root=UUID= one digit long", "root=UUID=" UUID_A "0",
	  .err = "root=UUID=" UUID_A "0: not a UUID (want 8-4-4-4-12 hex digits)" },
	{ "root=PARTUUID= with PARTNROFF is refused", "root=PARTUUID=0a1b2c3d-01/PARTNROFF=1",
	  .err = "root=PARTUUID=0a1b2c3d-01/PARTNROFF=1: not a partition UUID (want up to 36 hex digits and dashes)" },
	{ "root=PARTUUID= empty", "root=PARTUUID=",
	  .err = "root=PARTUUID=: not a partition UUID (want up to 36 hex digits and dashes)" },

	/* numbers */
	{ "rb.roottimeout=0 waits for ever", "rb.roottimeout=0",
	  .want = NO_ROOT " fstype=[] flags=[] init=[] ro rootwait=0 delay=0 timeout=0" },
	{ "rootdelay at the limit", "rootdelay=86400",
	  .want = NO_ROOT " fstype=[] flags=[] init=[] ro rootwait=0 delay=86400 timeout=10" },
	{ "rootdelay not a number", "rootdelay=abc",
	  .err = "rootdelay=abc: not a number of seconds" },
	{ "rootdelay with a unit", "rootdelay=5s",
	  .err = "rootdelay=5s: not a number of seconds" },
	{ "rootdelay negative", "rootdelay=-1",
	  .err = "rootdelay=-1: not a number of seconds" },
	{ "rootdelay too big", "rootdelay=86401",
	  .err = "rootdelay=86401: more than 86400 seconds" },
	{ "rootdelay that overflows", "rootdelay=99999999999999999999999",
	  .err = "rootdelay=99999999999999999999999: more than 86400 seconds" },
	{ "rb.roottimeout not a number", "rb.roottimeout=ten",
	  .err = "rb.roottimeout=ten: not a number of seconds" },

	/* init= */
	{ "init= must be an absolute path", "init=sbin/init",
	  .err = "init=sbin/init: not an absolute path" },
};

static void test_parse_cases(void)
{
	static struct boot_opts o;
	char got[2048], desc[256];
	const char *err;
	size_t i;

	for (i = 0; i < sizeof(parse_cases) / sizeof(parse_cases[0]); i++) {
		const struct parse_case *c = &parse_cases[i];

		snprintf(desc, sizeof(desc), "cmdline: %s", c->desc);
		err = cmdline_parse(c->line, strlen(c->line), &o);
		if (c->err) {
			check(err && !strcmp(err, c->err), desc,
			      err ? err : "(no error)", c->err);
			continue;
		}
		if (err) {
			check(0, desc, err, c->want);
			continue;
		}
		dump(&o, got, sizeof(got));
		check(!strcmp(got, c->want), desc, got, c->want);
	}
}

/* Command lines too long to write out in the table. */
static void test_lengths(void)
{
	static char line[CMDLINE_MAX + 64];
	static struct boot_opts o;
	char got[2048];
	const char *err;
	size_t n;

	/* "root=/dev/vda " then x... up to exactly LEN bytes */
	memset(line, 'x', sizeof(line));
	memcpy(line, "root=/dev/vda ", 14);

	err = cmdline_parse(line, CMDLINE_MAX, &o);
	check(!err && !strcmp(o.root, "/dev/vda"),
	      "cmdline: 4096 bytes are accepted", err, NULL);

	line[CMDLINE_MAX] = '\n';
	err = cmdline_parse(line, CMDLINE_MAX + 1, &o);
	check(!err, "cmdline: 4096 bytes and a newline are accepted", err,
	      NULL);

	line[CMDLINE_MAX] = 'x';
	line[CMDLINE_MAX + 1] = '\n';
	err = cmdline_parse(line, CMDLINE_MAX + 2, &o);
	check(err && !strcmp(err, "longer than 4096 bytes"),
	      "cmdline: 4097 bytes and a newline are refused", err,
	      "longer than 4096 bytes");

	memset(line, 'x', sizeof(line));
	err = cmdline_parse(line, CMDLINE_MAX + 1, &o);
	check(err && !strcmp(err, "longer than 4096 bytes"),
	      "cmdline: 4097 bytes are refused", err,
	      "longer than 4096 bytes");

	/* root=/dev/ and a name: a value of exactly 255, then 256 bytes */
	n = 5 + CMDLINE_VALUE_MAX;
	memset(line, 'a', sizeof(line));
	memcpy(line, "root=/dev/", 10);
	err = cmdline_parse(line, n, &o);
	check(!err && strlen(o.root) == CMDLINE_VALUE_MAX,
	      "cmdline: a 255-byte value is accepted", err, NULL);
	err = cmdline_parse(line, n + 1, &o);
	check(err && !strcmp(err, "root= value is longer than 255 bytes"),
	      "cmdline: a 256-byte value is refused", err,
	      "root= value is longer than 255 bytes");

	/* the same for a key we do not know: ignored */
	memcpy(line, "dyndbg=", 7);
	memcpy(line + 300, " root=/dev/vda", 14);
	err = cmdline_parse(line, 314, &o);
	if (!err)
		dump(&o, got, sizeof(got));
	check(!err && !strcmp(got, VDA DEFAULTS),
	      "cmdline: a long value of an unknown key is ignored",
	      err ? err : got, VDA DEFAULTS);

	/* a NUL byte ends the line */
	err = cmdline_parse("root=/dev/vda\0root=/dev/vdb", 27, &o);
	check(!err && !strcmp(o.root, "/dev/vda"),
	      "cmdline: a NUL byte ends the line", err ? err : o.root, NULL);
}

static void test_uevent(void)
{
	static const char ev[] =
		"MAJOR=8\nMINOR=1\nDEVNAMEX=no\nDEVNAME=sda1\n"
		"DEVTYPE=partition\nPARTN=1\nPARTUUID=0A1B2C3D-01\nLAST=cut";
	char out[64];
	int r;

	r = uevent_get(ev, sizeof(ev) - 1, "DEVNAME", out, sizeof(out));
	check(!r && !strcmp(out, "sda1"),
	      "uevent: DEVNAME, not a longer key", r ? "(none)" : out, "sda1");
	r = uevent_get(ev, sizeof(ev) - 1, "PARTUUID", out, sizeof(out));
	check(!r && !strcmp(out, "0A1B2C3D-01"), "uevent: PARTUUID",
	      r ? "(none)" : out, "0A1B2C3D-01");
	r = uevent_get(ev, sizeof(ev) - 1, "DISKSEQ", out, sizeof(out));
	check(r == -1, "uevent: a missing key", r ? NULL : out, NULL);
	r = uevent_get(ev, sizeof(ev) - 1, "LAST", out, sizeof(out));
	check(r == -1, "uevent: an incomplete last line does not count",
	      r ? NULL : out, NULL);
	r = uevent_get(ev, sizeof(ev) - 1, "DEVNAME", out, 4);
	check(r == -1, "uevent: a value too long for the buffer",
	      r ? NULL : out, NULL);
	check(str_case_eq("0A1B2C3D-01", "0a1b2c3d-01") &&
	      !str_case_eq("0a1b2c3d-01", "0a1b2c3d-0") &&
	      !str_case_eq("0a1b2c3d", "0a1b2c3d-01"),
	      "partuuid comparison ignores case, not length", NULL, NULL);
}

static void test_filesystems(void)
{
	static const char fs[] =
		"nodev\tsysfs\nnodev\ttmpfs\n\text3\n\text2\n\text4\n"
		"nodev\tproc\n\tvfat\n\tcut";
	char out[64];
	int r;

	r = proc_filesystems(fs, sizeof(fs) - 1, out, sizeof(out));
	check(r == 4 && !strcmp(out, "ext3,ext2,ext4,vfat"),
	      "/proc/filesystems: the types with a device, in order",
	      out, "ext3,ext2,ext4,vfat");
	r = proc_filesystems("nodev\tproc\n", 11, out, sizeof(out));
	check(r == 0 && !out[0], "/proc/filesystems: none with a device",
	      out, "");
	r = proc_filesystems(fs, sizeof(fs) - 1, out, 19);
	check(r == -1, "/proc/filesystems: a list too long for the buffer",
	      out, NULL);
	r = proc_filesystems(fs, sizeof(fs) - 1, out, 20);
	check(r == 4, "/proc/filesystems: a list that just fits", out,
	      "ext3,ext2,ext4,vfat");
}

static void test_uuid(void)
{
	unsigned char u[UUID_LEN];
	char s[UUID_STR_LEN + 1];
	int r;

	r = uuid_parse(UUID_A, u);
	if (!r)
		uuid_format(u, s);
	check(!r && !strcmp(s, UUID_A) && u[0] == 0x01 && u[15] == 0xef,
	      "uuid: parse and format round trip", r ? "(parse failed)" : s,
	      UUID_A);
	check(uuid_parse("0123abcd-4567-89ef-0123-456789abcdeg", u) &&
	      uuid_parse("0123abcd04567-89ef-0123-456789abcdef", u) &&
	      uuid_parse("0123abcd-4567-89ef-0123-456789abcde", u) &&
	      uuid_parse("", u),
	      "uuid: bad digits, dashes and lengths are refused", NULL, NULL);
}

static void test_image(const char *file, const char *want)
{
	unsigned char u[UUID_LEN];
	char s[UUID_STR_LEN + 1], desc[512], got[64];
	int r;

	r = ext_uuid_read(file, u);
	if (r == EXT_FOUND) {
		uuid_format(u, s);
		snprintf(got, sizeof(got), "%s", s);
	} else if (r == EXT_NONE) {
		snprintf(got, sizeof(got), "none");
	} else {
		snprintf(got, sizeof(got), "error %s", strerror(-r));
	}
	snprintf(desc, sizeof(desc), "ext superblock reader: %s gives %s",
		 strrchr(file, '/') ? strrchr(file, '/') + 1 : file, want);
	check(!strcmp(got, want), desc, got, want);
}

int main(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc; i += 3) {
		if (strcmp(argv[i], "--image") || i + 2 >= argc) {
			fprintf(stderr, "usage: test-cmdline [--image FILE UUID|none]...\n");
			return 2;
		}
	}
	test_parse_cases();
	test_lengths();
	test_uevent();
	test_filesystems();
	test_uuid();
	for (i = 1; i < argc; i += 3)
		test_image(argv[i + 1], argv[i + 2]);
	return failed;
}
