// SPDX-License-Identifier: GPL-2.0-only
/*
 * init - the initramfs /init: find and mount the real root, switch to it
 *
 *   /init [ARG...]
 *
 * Run by the kernel as PID 1 from the initramfs; run as anything else it
 * prints a usage line and exits 2 without touching anything.  rdinit=
 * bypasses it altogether.
 *
 * Input: the kernel command line (/proc/cmdline; see cmdline.c for the
 * quoting rules):
 *   root=/dev/NAME | UUID=<ext2/3/4 uuid> | PARTUUID=<id> | MAJOR:MINOR
 *   rootfstype=TYPE[,TYPE...]  default: every type in /proc/filesystems
 *                              that needs a device, else ext4,ext3,ext2
 *   rootflags=DATA             mount(2) data for the root
 *   ro | rw                    default ro; the last one wins
 *   rootwait                   poll for the root device every 100 ms ...
 *   rb.roottimeout=S           ... for up to S seconds (default 10; 0 is
 *                              for ever, like the kernel's rootwait)
 *   rootdelay=S                sleep S seconds before looking for it
 *   init=PATH                  default: /sbin/init, /etc/init, /bin/init,
 *                              /bin/sh, the first that is executable
 *
 * What it does: mounts devtmpfs on /dev, proc on /proc, sysfs on /sys;
 * waits for the root device and mounts it on /root; checks that / is a
 * ramfs or tmpfs, that /root is another filesystem and that the new init
 * is there (looked up chrooted, so absolute symlinks resolve as they will
 * at exec); moves /dev, /proc and /sys to /root (unmounts the ones /root
 * has no directory for); deletes everything on the initramfs, staying on
 * its filesystem and out of /root; moves /root to /, chroots into it,
 * reopens /dev/console as fds 0-2 and execs the new init as PID 1 with
 * argv[0] = its path, then our own ARGs (the kernel's leftover words),
 * and our environment.
 *
 * Output: one line on the console when it works, just before the exec:
 * "init: switching to DEV (TYPE, ro|rw), N initramfs entries freed, running
 * INIT".  A failure prints one line on fd 2 (the
 * console), "init: <what failed>: <why>", then execs /bin/sh as a rescue
 * shell if there is one, else sleeps for ever: PID 1 must not exit, and a
 * panic would scroll the reason away.
 *
 * Meant for klibc and uClibc-ng as well as glibc: no stdio, no malloc of
 * our own, only system calls all three have.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cmdline.h"
#include "uuid.h"

#ifndef MS_MOVE
#define MS_MOVE		8192
#endif
#ifndef MS_SILENT
#define MS_SILENT	32768
#endif
#ifndef MNT_DETACH
#define MNT_DETACH	2
#endif
#define RAMFS_MAGIC_	0x858458f6u
#define TMPFS_MAGIC_	0x01021994u

#define NEW_ROOT	"/root"
#define CONSOLE		"/dev/console"
#define RESCUE_SHELL	"/bin/sh"
/* "/dev/" and a DEVNAME, or a root= value */
#define DEV_MAX		(CMDLINE_VALUE_MAX + 8)
#define PATH_MAX_	4096
#define UEVENT_MAX	2048
#define FSTYPES_MAX	1024
#define POLL_MS		100
/* The kernel passes at most 32 (MAX_INIT_ARGS). */
#define INIT_ARGS_MAX	64

static const struct api_mount {
	const char *type, *dir, *data;
	unsigned long flags;
} api_mounts[] = {
	{ .type = "devtmpfs", .dir = "/dev", .data = "mode=0755",
	  .flags = MS_NOSUID },
	{ .type = "proc", .dir = "/proc",
	  .flags = MS_NOSUID | MS_NODEV | MS_NOEXEC },
	{ .type = "sysfs", .dir = "/sys",
	  .flags = MS_NOSUID | MS_NODEV | MS_NOEXEC },
};
#define N_API_MOUNTS	(sizeof(api_mounts) / sizeof(api_mounts[0]))

/* What the kernel tries when there is no init= (init/main.c). */
static const char *const init_fallbacks[] = {
	"/sbin/init", "/etc/init", "/bin/init", "/bin/sh",
};
#define N_INIT_FALLBACKS (sizeof(init_fallbacks) / sizeof(init_fallbacks[0]))

/* Why the last step failed; main() prints it. */
static char why[CMDLINE_ERR_MAX];

/* What the switch did, for the one line printed before the exec. */
static unsigned long freed;
static char root_type[FSTYPES_MAX];

/* Record why something failed, from the strings up to NULL; returns -1. */
static __attribute__((sentinel)) int fail(const char *first, ...)
{
	va_list ap;

	why[0] = '\0';
	str_append(why, sizeof(why), first, NULL);
	va_start(ap, first);
	str_vappend(why, sizeof(why), ap);
	va_end(ap);
	return -1;
}

/* Write "init: LINE\n" as one write, so it is not torn by kernel output. */
static void say(const char *text)
{
	char line[CMDLINE_ERR_MAX + 8] = "";
	size_t n, done = 0;
	ssize_t r;

	str_append(line, sizeof(line), "init: ", text, "\n", NULL);
	n = strlen(line);
	while (done < n) {
		r = write(2, line + done, n - done);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return;
		done += r;
	}
}

static void say_why(void)
{
	say(why);
}

/* N in decimal, in BUF (at least 21 bytes). */
static const char *decimal(unsigned long n, char *buf)
{
	char *p = buf + 20;

	*p = '\0';
	do
		*--p = '0' + n % 10;
	while (n /= 10);
	return p;
}

static void sleep_ms(unsigned long ms)
{
	struct timespec ts = { .tv_sec = ms / 1000,
			       .tv_nsec = ms % 1000 * 1000000L }, rem;

	while (nanosleep(&ts, &rem) < 0 && errno == EINTR)
		ts = rem;
}

/* Copy S to DST of SIZE bytes; -1 when it does not fit. */
static int copy_str(char *dst, size_t size, const char *s)
{
	size_t n = strlen(s);

	if (n >= size)
		return -1;
	memcpy(dst, s, n + 1);
	return 0;
}

/* Read up to SIZE bytes of PATH; returns how many, or a negative errno. */
static ssize_t read_file(const char *path, char *buf, size_t size)
{
	size_t got = 0;
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_NOCTTY);
	if (fd < 0)
		return -errno;
	while (got < size) {
		n = read(fd, buf + got, size - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			n = -errno;
			close(fd);
			return n;
		}
		if (n == 0)
			break;
		got += n;
	}
	close(fd);
	return got;
}

/*
 * Make fds 0-2 the console: always with FORCE, else only when one of them
 * is closed (an initramfs without /dev/console starts init without any).
 */
static int console_fds(int force)
{
	int fd, i, closed = 0;

	for (i = 0; i < 3; i++)
		if (fcntl(i, F_GETFD) < 0)
			closed = 1;
	if (!closed && !force)
		return 0;
	fd = open(CONSOLE, O_RDWR);
	if (fd < 0)
		return -1;
	for (i = 0; i < 3; i++)
		if (fd != i)
			dup2(fd, i);
	if (fd > 2)
		close(fd);
	return 0;
}

static int make_dir(const char *dir)
{
	if (mkdir(dir, 0755) < 0 && errno != EEXIST)
		return fail("cannot create ", dir, ": ", strerror(errno), NULL);
	return 0;
}

/* devtmpfs, proc and sysfs; one that is already mounted is fine. */
static int mount_api(void)
{
	const struct api_mount *m;
	size_t i;

	for (i = 0; i < N_API_MOUNTS; i++) {
		m = &api_mounts[i];
		if (make_dir(m->dir))
			return -1;
		if (mount(m->type, m->dir, m->type, m->flags, m->data) < 0 &&
		    errno != EBUSY)
			return fail("cannot mount ", m->type, " on ", m->dir,
				    ": ", strerror(errno), NULL);
		if (i == 0)
			console_fds(0);
	}
	return 0;
}

static int read_cmdline(struct boot_opts *o)
{
	/* Room for one byte too many, so that a longer line is seen. */
	char buf[CMDLINE_MAX + 2];
	const char *err;
	ssize_t n;

	n = read_file("/proc/cmdline", buf, sizeof(buf));
	if (n < 0)
		return fail("cannot read /proc/cmdline: ", strerror(-n), NULL);
	err = cmdline_parse(buf, n, o);
	if (err)
		return fail("bad kernel command line: ", err, NULL);
	if (o->root_kind == ROOT_NONE)
		return fail("no root= on the kernel command line", NULL);
	return 0;
}

/* Is PATH a block device node: 0 yes, 1 not there (yet), -1 error. */
static int check_node(const char *path)
{
	struct stat st;

	if (stat(path, &st) < 0) {
		if (errno == ENOENT || errno == ENOTDIR)
			return 1;
		return fail("cannot look at root device ", path, ": ",
			    strerror(errno), NULL);
	}
	if (!S_ISBLK(st.st_mode))
		return fail("root device ", path, " is not a block device",
			    NULL);
	return 0;
}

/*
 * The device node of a sysfs block directory DIR, from DEVNAME in its
 * uevent, and its PARTUUID ("" when it has none).  -1 when unreadable.
 */
static int block_info(const char *dir, char *dev, size_t size,
		      char *partuuid, size_t psize)
{
	char path[PATH_MAX_] = "", buf[UEVENT_MAX], name[CMDLINE_VALUE_MAX + 1];
	ssize_t n;

	str_append(path, sizeof(path), dir, "/uevent", NULL);
	n = read_file(path, buf, sizeof(buf));
	if (n < 0 || uevent_get(buf, n, "DEVNAME", name, sizeof(name)))
		return -1;
	if (uevent_get(buf, n, "PARTUUID", partuuid, psize))
		partuuid[0] = '\0';
	dev[0] = '\0';
	str_append(dev, size, "/dev/", name, NULL);
	return 0;
}

/* root=MAJOR:MINOR: the node named by /sys/dev/block/MAJOR:MINOR. */
static int find_devnum(const struct boot_opts *o, char *dev, size_t size)
{
	char dir[64] = "/sys/dev/block/", num[24], partuuid[64];

	str_append(dir, sizeof(dir), fmt_uint(num, o->root_major), ":", NULL);
	str_append(dir, sizeof(dir), fmt_uint(num, o->root_minor), NULL);
	if (block_info(dir, dev, size, partuuid, sizeof(partuuid)))
		return 1;
	return check_node(dev);
}

static int block_matches(const struct boot_opts *o, const char *dev,
			 const char *partuuid)
{
	unsigned char uuid[UUID_LEN];

	if (o->root_kind == ROOT_PARTUUID)
		return partuuid[0] && str_case_eq(partuuid, o->root + 9);
	return ext_uuid_read(dev, uuid) == EXT_FOUND &&
	       !memcmp(uuid, o->root_uuid, UUID_LEN);
}

/*
 * root=UUID= and root=PARTUUID=: look at every block device.  Two
 * matches are an error rather than a guess that depends on probe order.
 */
static int scan_block(const struct boot_opts *o, char *dev, size_t size)
{
	char dir[PATH_MAX_], node[DEV_MAX], partuuid[64];
	struct dirent *e;
	int found = 0, ret;
	DIR *d;

	d = opendir("/sys/class/block");
	if (!d)
		return fail("cannot read /sys/class/block: ", strerror(errno),
			    NULL);
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		dir[0] = '\0';
		str_append(dir, sizeof(dir), "/sys/class/block/", e->d_name,
			   NULL);
		if (block_info(dir, node, sizeof(node), partuuid,
			       sizeof(partuuid)))
			continue;
		if (!block_matches(o, node, partuuid))
			continue;
		if (found) {
			ret = fail("root=", o->root, " is ambiguous: ", dev,
				   " and ", node, " both match", NULL);
			goto out_close;
		}
		copy_str(dev, size, node);
		found = 1;
	}
	ret = found ? check_node(dev) : 1;
out_close:
	closedir(d);
	return ret;
}

/* Look for the root device once: 0 found, 1 not (yet) there, -1 error. */
static int find_root(const struct boot_opts *o, char *dev, size_t size)
{
	switch (o->root_kind) {
	case ROOT_PATH:
		if (copy_str(dev, size, o->root))
			return fail("root device name too long", NULL);
		return check_node(dev);
	case ROOT_DEVNUM:
		return find_devnum(o, dev, size);
	default:
		return scan_block(o, dev, size);
	}
}

/* As the kernel: rootdelay first, then with rootwait poll for it. */
static int wait_root(const struct boot_opts *o, char *dev, size_t size)
{
	unsigned long polls = 0, limit = o->timeout_s * (1000UL / POLL_MS);
	char num[24];
	int r;

	if (o->delay_s)
		sleep_ms(o->delay_s * 1000UL);
	for (;;) {
		r = find_root(o, dev, size);
		if (r <= 0)
			return r;
		if (!o->rootwait)
			return fail("root device ", o->root,
				    " not found (add rootwait to wait for it)",
				    NULL);
		if (o->timeout_s && polls >= limit)
			return fail("root device ", o->root,
				    " did not appear within ",
				    fmt_uint(num, o->timeout_s), " s (rootwait)",
				    NULL);
		sleep_ms(POLL_MS);
		polls++;
	}
}

/* rootfstype=, else what the kernel would try, else the ext family. */
static void fs_types(const struct boot_opts *o, char *types, size_t size)
{
	char buf[4096];
	ssize_t n;

	if (o->rootfstype[0] && !copy_str(types, size, o->rootfstype))
		return;
	n = read_file("/proc/filesystems", buf, sizeof(buf));
	if (n > 0 && proc_filesystems(buf, n, types, size) > 0)
		return;
	copy_str(types, size, "ext4,ext3,ext2");
}

static int mount_root(const struct boot_opts *o, const char *dev)
{
	unsigned long flags = MS_SILENT | (o->readonly ? MS_RDONLY : 0);
	const char *data = o->rootflags[0] ? o->rootflags : NULL;
	char types[FSTYPES_MAX], tried[FSTYPES_MAX] = "", *t, *next;

	if (make_dir(NEW_ROOT))
		return -1;
	fs_types(o, types, sizeof(types));
	for (t = types; t; t = next) {
		next = strchr(t, ',');
		if (next)
			*next++ = '\0';
		if (!*t)
			continue;
		if (!mount(dev, NEW_ROOT, t, flags, data)) {
			copy_str(root_type, sizeof(root_type), t);
			return 0;
		}
		/* The kernel's answers for "not this type" (and bad data). */
		if (errno != EINVAL && errno != ENODEV)
			return fail("cannot mount ", dev, " on " NEW_ROOT " as ",
				    t, ": ", strerror(errno), NULL);
		str_append(tried, sizeof(tried), tried[0] ? " " : "", t, NULL);
	}
	if (!tried[0])
		return fail("cannot mount ", dev, " on " NEW_ROOT
			    ": rootfstype= names no type", NULL);
	return fail("cannot mount ", dev, " on " NEW_ROOT
		    ": unknown filesystem type (tried ", tried, ")",
		    data ? " with rootflags=" : "", data ? data : "", NULL);
}

/*
 * Is PATH an executable file on the new root?  Looked up by a child
 * chrooted there, so that symlinks resolve as they will for execv()
 * (/sbin/init -> /lib/systemd/systemd).  Returns 0 yes, an errno for no
 * (ENOEXEC: not a regular file with an x bit), -1 when it cannot tell.
 */
static int probe_init(const char *path)
{
	struct stat st;
	int status;
	pid_t pid;

	pid = fork();
	if (pid < 0)
		return fail("cannot fork to look for ", path, ": ",
			    strerror(errno), NULL);
	if (pid == 0) {
		if (chroot(NEW_ROOT) < 0 || chdir("/") < 0)
			_exit(errno);
		if (stat(path, &st) < 0)
			_exit(errno);
		if (!S_ISREG(st.st_mode) || !(st.st_mode & 0111))
			_exit(ENOEXEC);
		_exit(0);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return fail("cannot wait for the look for ", path, ": ",
				    strerror(errno), NULL);
	if (!WIFEXITED(status))
		return fail("the look for ", path, " on the new root crashed",
			    NULL);
	return WEXITSTATUS(status);
}

static int pick_init(const struct boot_opts *o, char *init, size_t size)
{
	char tried[128] = "";
	size_t i;
	int r;

	if (o->init[0]) {
		r = probe_init(o->init);
		if (r <= 0)
			return r ? r : copy_str(init, size, o->init);
		if (r == ENOENT || r == ENOTDIR)
			return fail("no ", o->init, " on the new root", NULL);
		if (r == ENOEXEC)
			return fail(o->init, " on the new root is not an",
				    " executable file", NULL);
		return fail("cannot look for ", o->init, " on the new root: ",
			    strerror(r), NULL);
	}
	for (i = 0; i < N_INIT_FALLBACKS; i++) {
		r = probe_init(init_fallbacks[i]);
		if (r <= 0)
			return r ? r : copy_str(init, size, init_fallbacks[i]);
		str_append(tried, sizeof(tried), i ? " " : "",
			   init_fallbacks[i], NULL);
	}
	return fail("no init on the new root (tried ", tried, ")", NULL);
}

/* run-init's checks, before anything is deleted; picks the init. */
static int check_switch(const struct boot_opts *o, char *init, size_t size)
{
	struct statfs sfs;
	struct stat old, new;
	unsigned int type;

	if (statfs("/", &sfs) < 0)
		return fail("cannot statfs /: ", strerror(errno), NULL);
	type = sfs.f_type;
	if (type != RAMFS_MAGIC_ && type != TMPFS_MAGIC_)
		return fail("/ is not a ramfs or tmpfs: refusing to delete it",
			    NULL);
	if (stat("/", &old) < 0 || stat(NEW_ROOT, &new) < 0)
		return fail("cannot stat / and " NEW_ROOT ": ",
			    strerror(errno), NULL);
	if (old.st_dev == new.st_dev)
		return fail(NEW_ROOT " is on the same filesystem as /: ",
			    "refusing to switch to it", NULL);
	return pick_init(o, init, size);
}

/* /dev, /proc and /sys go to the new root, or away if it has no place. */
static int move_api(void)
{
	char target[64];
	struct stat st;
	size_t i;

	for (i = 0; i < N_API_MOUNTS; i++) {
		const char *dir = api_mounts[i].dir;

		target[0] = '\0';
		str_append(target, sizeof(target), NEW_ROOT, dir, NULL);
		if (!lstat(target, &st) && S_ISDIR(st.st_mode)) {
			if (mount(dir, target, NULL, MS_MOVE, NULL) < 0)
				return fail("cannot move ", dir, " to ", target,
					    ": ", strerror(errno), NULL);
		} else if (umount2(dir, MNT_DETACH) < 0) {
			return fail("cannot unmount ", dir, ": ",
				    strerror(errno), NULL);
		}
	}
	return 0;
}

/*
 * Delete what is below PATH (LEN bytes, "" for /) on the filesystem DEV:
 * never into another filesystem, never into /root.
 */
static int wipe_dir(char *path, size_t len, dev_t dev)
{
	struct dirent *e;
	struct stat st;
	size_t n;
	int ret = -1;
	DIR *d;

	d = opendir(len ? path : "/");
	if (!d)
		return fail("cannot read ", len ? path : "/", ": ",
			    strerror(errno), NULL);
	while ((e = readdir(d))) {
		const char *name = e->d_name;

		path[len] = '\0';
		if (name[0] == '.' && (!name[1] ||
				       (name[1] == '.' && !name[2])))
			continue;
		n = strlen(name);
		if (len + n + 2 > PATH_MAX_) {
			fail("cannot delete ", path, "/", name,
			     ": path too long", NULL);
			goto out_close;
		}
		path[len] = '/';
		memcpy(path + len + 1, name, n + 1);
		if (!strcmp(path, NEW_ROOT))
			continue;
		if (lstat(path, &st) < 0) {
			fail("cannot delete ", path, ": ", strerror(errno), NULL);
			goto out_close;
		}
		if (st.st_dev != dev)
			continue;
		if (S_ISDIR(st.st_mode)) {
			if (wipe_dir(path, len + 1 + n, dev))
				goto out_close;
			if (rmdir(path) < 0) {
				fail("cannot delete ", path, ": ",
				     strerror(errno), NULL);
				goto out_close;
			}
		} else if (unlink(path) < 0) {
			fail("cannot delete ", path, ": ", strerror(errno), NULL);
			goto out_close;
		}
		freed++;
	}
	ret = 0;
out_close:
	path[len] = '\0';
	closedir(d);
	return ret;
}

/* Free the initramfs' memory; check_switch() said it is safe. */
static int wipe_initramfs(void)
{
	static char path[PATH_MAX_];
	struct stat st;

	if (lstat("/", &st) < 0)
		return fail("cannot stat /: ", strerror(errno), NULL);
	path[0] = '\0';
	return wipe_dir(path, 0, st.st_dev);
}

/* Returns only on failure. */
static int switch_root(const struct boot_opts *o, const char *dev,
		       const char *init, int argc, char **argv)
{
	char *args[INIT_ARGS_MAX + 1], line[CMDLINE_ERR_MAX] = "", num[21];
	int i;

	if (argc > INIT_ARGS_MAX)
		return fail("too many arguments for ", init, NULL);
	args[0] = (char *)init;
	for (i = 1; i < argc; i++)
		args[i] = argv[i];
	args[i] = NULL;

	if (chdir(NEW_ROOT) < 0)
		return fail("cannot enter " NEW_ROOT ": ", strerror(errno),
			    NULL);
	if (mount(".", "/", NULL, MS_MOVE, NULL) < 0)
		return fail("cannot move " NEW_ROOT " to /: ", strerror(errno),
			    NULL);
	if (chroot(".") < 0 || chdir("/") < 0)
		return fail("cannot chroot into the new root: ",
			    strerror(errno), NULL);
	console_fds(1);	/* else keep the fds we have */
	str_append(line, sizeof(line), "switching to ", dev, " (", root_type,
		   o->readonly ? ", ro), " : ", rw), ", decimal(freed, num),
		   " initramfs entries freed, running ", init, NULL);
	say(line);
	execv(init, args);
	return fail("cannot run ", init, " on the new root: ",
		    strerror(errno), NULL);
}

/* Tell the console why, then a shell if there is one, else wait. */
static void __attribute__((noreturn)) rescue(void)
{
	char sh[] = RESCUE_SHELL, *args[] = { sh, NULL };

	say_why();
	execv(RESCUE_SHELL, args);
	if (errno != ENOENT) {
		fail("cannot run the rescue shell " RESCUE_SHELL ": ",
		     strerror(errno), NULL);
		say_why();
	}
	for (;;)
		sleep_ms(24 * 3600 * 1000UL);
}

int main(int argc, char **argv)
{
	static const char usage[] =
		"usage: init (the initramfs /init, run by the kernel as PID 1)\n";
	static struct boot_opts o;
	char dev[DEV_MAX], init[CMDLINE_VALUE_MAX + 1];

	if (getpid() != 1) {
		(void)!write(2, usage, sizeof(usage) - 1);
		return 2;
	}
	if (mount_api())
		goto out_rescue;
	if (read_cmdline(&o))
		goto out_rescue;
	if (wait_root(&o, dev, sizeof(dev)))
		goto out_rescue;
	if (mount_root(&o, dev))
		goto out_rescue;
	if (check_switch(&o, init, sizeof(init)))
		goto out_rescue;
	if (move_api())
		goto out_rescue;
	if (wipe_initramfs())
		goto out_rescue;
	switch_root(&o, dev, init, argc, argv);
out_rescue:
	rescue();
}
