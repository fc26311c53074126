// SPDX-License-Identifier: GPL-2.0-only
/*
 * mkcpio - write, list, verify and extract initramfs cpio archives
 *
 *   mkcpio [-o OUT] [-t EPOCH] [-z gzip|xz|zstd|lz4|none] [-c] [--sort] SPEC...
 *   mkcpio --from-dir DIR [--table TABLE]... [--squash] [--var NAME] [-o OUT]
 *   mkcpio --list ARCHIVE
 *   mkcpio --verify ARCHIVE
 *   mkcpio --extract ARCHIVE [-C DIR]
 *
 * Input: the kernel's gen_init_cpio spec format (see usage()), from files
 * or "-" for stdin; or a directory tree; or an archive (newc/crc cpio,
 * optionally gzip/xz/lzma/zstd/lz4-legacy compressed, several concatenated
 * with zero padding, as the kernel accepts).
 *
 * Output: the archive (newc, or crc with -c) on OUT or stdout; the same
 * input always gives the same bytes.  OUT is written as a temporary next to
 * it and renamed on success, so a failed run leaves no OUT.  Standard output
 * that is a regular file is cut back to the size it had.  A pipe, or an OUT
 * that is a device or fifo, gets nothing from a spec that fails: there
 * every source is checked before the first byte.  --from-dir prints a
 * spec; --list prints one line per entry.
 *
 * Exit status: 0 ok, 1 bad input (the reason is one line on stderr,
 * "mkcpio: FILE:LINE: what is wrong" or "mkcpio: ARCHIVE: offset N: ..."),
 * 2 usage error.
 *
 * Choices:
 * - Archives are byte-identical to usr/gen_init_cpio -t for the same spec
 *   (inodes from 721, dev 3:1, its nlink values), except that regular files
 *   get the same mtime as everything else and "dir /" is written as ".".
 * - Compression follows the kernel build: gzip -9 -n, xz crc32 with a 1 MiB
 *   dictionary, zstd 19, legacy lz4 -9.
 * - --from-dir keeps hard links as one "file" line, printed where the last
 *   name sorts so that every name's parent directory precedes it.
 * - --list marks an entry that replaces an earlier one with
 *   "[overrides the entry at offset N]"; dates are UTC, owners numeric.
 * - Offsets count file bytes, or decompressed bytes inside a compressed
 *   member (whose own offset the message then gives).
 * - --extract stops at the first refused entry; what came before it stays.
 * - Sources are opened and read in batches through io_uring where the
 *   kernel allows it, which saves most system calls on many small files;
 *   MKCPIO_NO_IO_URING=1 in the environment makes one call at a time.  A
 *   small file's size is what reading it gave (source.c).  Large files
 *   are spliced, uncompressed, into a file or a pipe (writer.c).  The
 *   archive is the same either way.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mkcpio.h"

static const char synopsis[] =
"usage: mkcpio [-o OUT] [-t EPOCH] [-z gzip|xz|zstd|lz4|none] [-c] [--sort] SPEC...\n"
"       mkcpio --from-dir DIR [--table TABLE]... [--squash] [--var NAME] [-o OUT]\n"
"       mkcpio --list ARCHIVE\n"
"       mkcpio --verify ARCHIVE\n"
"       mkcpio --extract ARCHIVE [-C DIR]\n";

static void usage(FILE *f)
{
	fputs(synopsis, f);
	fputs(
"\n"
"Write an initramfs cpio archive from gen_init_cpio specs (\"-\" is stdin).\n"
"  -o OUT      write OUT (atomically) instead of stdout\n"
"  -t EPOCH    mtime of every entry (default $SOURCE_DATE_EPOCH, else 0)\n"
"  -z METHOD   compress as the kernel build does (default none)\n"
"  -c          write the crc format (070702) with data checksums\n"
"  --sort      move entries after their parent directories instead of failing\n"
"\n"
"Spec lines (fields separated by blanks; '#' starts a comment line):\n"
"  file <name> <location> <mode> <uid> <gid> [<hard links>...]\n"
"  dir <name> <mode> <uid> <gid>\n"
"  nod <name> <mode> <uid> <gid> <b|c> <maj> <min>\n"
"  slink <name> <target> <mode> <uid> <gid>\n"
"  pipe <name> <mode> <uid> <gid>\n"
"  sock <name> <mode> <uid> <gid>\n"
"<name> is the path in the archive, <location> a file on this machine in\n"
"which ${VAR} is taken from the environment (unset is an error), <mode> octal\n"
"permission bits, <uid> <gid> <maj> <min> decimal.  Every name must be new,\n"
"have no '.' or '..' components, and its parent directory must come earlier\n"
"(\"/\" always exists).  Example:\n"
"  # a minimal initramfs\n"
"  dir /dev 0755 0 0\n"
"  nod /dev/console 0600 0 0 c 5 1\n"
"  dir /bin 0755 0 0\n"
"  file /bin/busybox ${TARGET_DIR}/bin/busybox 0755 0 0\n"
"  slink /bin/sh busybox 0777 0 0\n"
"  file /init ${BOARD_DIR}/init 0755 0 0\n"
"\n"
"--from-dir prints a spec for DIR (sorted, directories first).  --table\n"
"applies a makedevs device table (name type mode uid gid major minor start\n"
"inc count, type f/d/c/b/p); --squash makes every owner 0 0; --var NAME\n"
"writes locations as ${NAME}/path.\n"
"--list prints the entries of ARCHIVE like cpio -tv; --verify checks it\n"
"against the kernel's rules; --extract unpacks it safely into DIR (default .).\n"
"\n"
"Exit status: 0 ok, 1 bad input, 2 usage.\n", f);
}

enum mode {
	M_WRITE,
	M_FROMDIR,
	M_LIST,
	M_VERIFY,
	M_EXTRACT,
};

enum {
	OPT_SORT = 256,
	OPT_FROMDIR,
	OPT_TABLE,
	OPT_SQUASH,
	OPT_VAR,
	OPT_LIST,
	OPT_VERIFY,
	OPT_EXTRACT,
};

/* Options each mode accepts, as a mask of option bits. */
#define B(x) (1u << (x))
enum { BO, BT, BZ, BC, BSORT, BTABLE, BSQUASH, BVAR, BDIR };
static const unsigned int allowed[] = {
	[M_WRITE] = B(BO) | B(BT) | B(BZ) | B(BC) | B(BSORT),
	[M_FROMDIR] = B(BO) | B(BTABLE) | B(BSQUASH) | B(BVAR),
	[M_LIST] = 0,
	[M_VERIFY] = 0,
	[M_EXTRACT] = B(BDIR),
};

static const struct option longopts[] = {
	{ "help", no_argument, NULL, 'h' },
	{ "sort", no_argument, NULL, OPT_SORT },
	{ "from-dir", required_argument, NULL, OPT_FROMDIR },
	{ "table", required_argument, NULL, OPT_TABLE },
	{ "squash", no_argument, NULL, OPT_SQUASH },
	{ "var", required_argument, NULL, OPT_VAR },
	{ "list", required_argument, NULL, OPT_LIST },
	{ "verify", required_argument, NULL, OPT_VERIFY },
	{ "extract", required_argument, NULL, OPT_EXTRACT },
	{ NULL, 0, NULL, 0 },
};

static int bad_usage(const char *why, const char *arg)
{
	if (why)
		fprintf(stderr, "mkcpio: %s%s%s\n", why, arg ? ": " : "",
			arg ? arg : "");
	fputs(synopsis, stderr);
	fputs("Try 'mkcpio --help' for the spec format.\n", stderr);
	return 2;
}

static int valid_var(const char *s)
{
	if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') ||
	      *s == '_'))
		return 0;
	for (s++; *s; s++)
		if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') ||
		      (*s >= '0' && *s <= '9') || *s == '_'))
			return 0;
	return 1;
}

static int die(void)
{
	fprintf(stderr, "mkcpio: %s\n", err_msg);
	return 1;
}

static int run_write(char **specs, int nspecs, const char *out,
		     struct spec_opts *opt)
{
	struct spec *sp = spec_new();
	struct outfile of;
	FILE *f;
	int i, rc;

	for (i = 0; i < nspecs; i++) {
		if (!strcmp(specs[i], "-")) {
			rc = spec_parse(sp, "<stdin>", stdin);
		} else {
			f = fopen(specs[i], "r");
			if (!f) {
				fail("%s: %m", esc(specs[i]));
				goto out_err;
			}
			rc = spec_parse(sp, specs[i], f);
			fclose(f);
		}
		if (rc)
			goto out_err;
	}
	if (spec_order(sp, opt->sort))
		goto out_err;
	if (outfile_open(&of, out))
		goto out_err;
	/*
	 * A temporary is thrown away and a regular file cut back if a source
	 * fails mid-way; into anything else nothing is written until every
	 * source has been found.
	 */
	opt->check_first = !of.tmp && of.undo < 0;
	if (spec_write(sp, of.fd, opt, out ? esc(out) : "standard output")) {
		outfile_abort(&of);
		goto out_err;
	}
	if (outfile_commit(&of))
		goto out_err;
	spec_free(sp);
	return 0;
out_err:
	spec_free(sp);
	return die();
}

static int run_fromdir(struct fromdir_opts *fo, const char *out)
{
	const char *name = out ? esc(out) : "standard output";
	struct outfile of;
	FILE *f;
	int rc;

	if (outfile_open(&of, out))
		return die();
	/* A FILE on a copy of the descriptor, so commit still owns of.fd. */
	f = out ? fdopen(dup(of.fd), "w") : stdout;
	if (!f) {
		fail("%s: %m", name);
		outfile_abort(&of);
		return die();
	}
	rc = fromdir(fo, f);
	if (fflush(f) == EOF && !rc)
		rc = fail("%s: write error: %m", name);
	if (out && fclose(f) == EOF && !rc)
		rc = fail("%s: write error: %m", name);
	if (rc) {
		outfile_abort(&of);
		return die();
	}
	return outfile_commit(&of) ? die() : 0;
}

int main(int argc, char **argv)
{
	struct spec_opts opt = { 0 };
	struct fromdir_opts fo = { 0 };
	enum mode mode = M_WRITE;
	const char *out = NULL, *archive = NULL, *dir = ".", *env;
	unsigned int seen = 0;
	int c, have_t = 0, nmodes = 0;
	uint32_t t;

	while ((c = getopt_long(argc, argv, "ho:t:z:cC:", longopts,
				NULL)) != -1) {
		switch (c) {
		case 'h':
			usage(stdout);
			return 0;
		case 'o':
			out = optarg;
			seen |= B(BO);
			break;
		case 't':
			if (parse_num(optarg, 10, UINT32_MAX, &t))
				return bad_usage("-t wants seconds since 1970 (0 to 4294967295)",
						 optarg);
			opt.mtime = t;
			have_t = 1;
			seen |= B(BT);
			break;
		case 'z':
			if (comp_parse(optarg, &opt.comp))
				return bad_usage("unknown compression", optarg);
			seen |= B(BZ);
			break;
		case 'c':
			opt.crc = 1;
			seen |= B(BC);
			break;
		case 'C':
			dir = optarg;
			seen |= B(BDIR);
			break;
		case OPT_SORT:
			opt.sort = 1;
			seen |= B(BSORT);
			break;
		case OPT_TABLE:
			fo.tables = xrealloc(fo.tables, (fo.ntables + 1) *
					     sizeof(*fo.tables));
			fo.tables[fo.ntables++] = optarg;
			seen |= B(BTABLE);
			break;
		case OPT_SQUASH:
			fo.squash = 1;
			seen |= B(BSQUASH);
			break;
		case OPT_VAR:
			if (!valid_var(optarg))
				return bad_usage("--var wants a variable name",
						 optarg);
			fo.var = optarg;
			seen |= B(BVAR);
			break;
		case OPT_FROMDIR:
			mode = M_FROMDIR;
			fo.dir = optarg;
			nmodes++;
			break;
		case OPT_LIST:
		case OPT_VERIFY:
		case OPT_EXTRACT:
			mode = c == OPT_LIST ? M_LIST :
			       c == OPT_VERIFY ? M_VERIFY : M_EXTRACT;
			archive = optarg;
			nmodes++;
			break;
		default:
			return bad_usage(NULL, NULL);
		}
	}
	if (nmodes > 1)
		return bad_usage("more than one of --from-dir, --list, --verify, --extract",
				 NULL);
	if (seen & ~allowed[mode])
		return bad_usage("option not valid in this mode", NULL);
	if (mode == M_WRITE && optind == argc)
		return bad_usage("no SPEC given", NULL);
	if (mode != M_WRITE && optind != argc)
		return bad_usage("unexpected argument", argv[optind]);

	switch (mode) {
	case M_WRITE:
		env = getenv("SOURCE_DATE_EPOCH");
		if (!have_t && env) {
			if (parse_num(env, 10, UINT32_MAX, &t)) {
				fail("SOURCE_DATE_EPOCH: '%s' is not a timestamp (0 to 4294967295)",
				     esc(env));
				return die();
			}
			opt.mtime = t;
		}
		return run_write(argv + optind, argc - optind, out, &opt);
	case M_FROMDIR:
		c = run_fromdir(&fo, out);
		free(fo.tables);
		return c;
	case M_LIST:
		return archive_read(archive, RD_LIST, NULL) ? die() : 0;
	case M_VERIFY:
		return archive_read(archive, RD_VERIFY, NULL) ? die() : 0;
	case M_EXTRACT:
		return archive_read(archive, RD_EXTRACT, dir) ? die() : 0;
	}
	return 0;
}
