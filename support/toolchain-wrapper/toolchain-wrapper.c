// SPDX-License-Identifier: GPL-2.0-only
/*
 * toolchain-wrapper: the x86_64-rb-linux-uclibc cross toolchain, made of
 * the host's gcc and binutils and the uClibc-ng sysroot.
 *
 * Usage: <prefix>-<tool> [argument...]
 *
 * One binary, installed as x86_64-rb-linux-uclibc-gcc with links named
 * -cc -cpp -ld -ar -as -nm -objcopy -objdump -ranlib -readelf -strip
 * -strings -size -addr2line. The <tool> after the last '-' of
 * basename(argv[0]) picks what it does:
 *
 *   ld ar as ...  execvp the host tool of that name, arguments unchanged.
 *   gcc cc        execvp the host gcc with the arguments and, around them,
 *                 the flags that make it a static uClibc-ng compiler:
 *                   gcc -nostdinc --sysroot=S [-ffile-prefix-map=M]
 *                       [-nostdlib -static S/usr/lib/crt1.o
 *                        S/usr/lib/crti.o crtbeginT.o]
 *                       <arguments> [-x none]
 *                       -isystem S/usr/include -isystem <gcc>/include
 *                       [-isystem <gcc>/include-fixed]
 *                       [-L S/usr/lib -L S/lib -L <gcc libdir>
 *                        -Wl,--start-group -lc -lgcc -lgcc_eh -lrbcompat
 *                        -Wl,--end-group crtend.o S/usr/lib/crtn.o]
 *                 The bracketed link part is added only when gcc would link:
 *                 there is an input (an operand, -l, -Wl, or -Xlinker) and
 *                 none of -c -S -E -M -MM -r -fsyntax-only. -nostdlib drops
 *                 the crt files and libraries, -nostartfiles the crt files,
 *                 -nodefaultlibs the libraries; the -L paths stay.
 *   cpp           the same as gcc, with -E; a second operand is the output
 *                 file, as for cpp(1).
 *
 * The compiler refuses (exit 1, nothing run): -shared and -static-pie (the
 * toolchain is static only); --sysroot and -isysroot; -I -isystem
 * -idirafter -iquote -L naming a host directory (/usr/include,
 * /usr/local/include, /usr/lib, /lib, /usr/lib64, /lib64, /usr/local/lib
 * and their like, or below them, unless inside the sysroot or gcc's own
 * directories); and, when linking, a -lNAME whose libNAME.a is in none
 * of the -L paths, since gcc would then take the host's (it passes ld the
 * host's library directories after ours, whatever the flags), and so
 * does a link with the default libraries when the sysroot has no libc.a
 * or librbcompat.a.
 *
 * Environment:
 *   RB_SYSROOT          the sysroot S; default: the directory of the
 *                       resolved executable/../x86_64-rb-linux-uclibc/sysroot
 *   RB_WRAPPER_CC       the host compiler; default: gcc
 *   RB_WRAPPER_CCACHE   path of ccache: run "ccache <cc> ..."
 *   RB_PREFIX_MAP       OLD=NEW: add -ffile-prefix-map=OLD=NEW
 *   RB_WRAPPER_DRYRUN   1: print the command, one argument a line, on
 *                       stdout and exit 0 instead of running it
 *   RB_WRAPPER_DEBUG    1: print the command on stderr before running it
 * Empty variables count as unset; the switches are on unless empty or 0.
 * The compiler runs without CPATH, C_INCLUDE_PATH, CPLUS_INCLUDE_PATH,
 * OBJC_INCLUDE_PATH and LIBRARY_PATH, which would add host directories,
 * and with RB_WRAPPER_ACTIVE=1, so that a compiler that is this wrapper
 * again is an error instead of an endless loop.
 *
 * Exit status: the tool's; 1 refused arguments; 2 usage (unknown tool
 * name, bad environment); 126/127 the tool could not be run / not found.
 * Errors are one line: "<basename(argv[0])>: what is wrong".
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef TARGET
#define TARGET "x86_64-rb-linux-uclibc"
#endif

/* What the host compiler told the Makefile; "" when it has none. */
#if !defined(GCC_INCLUDE) || !defined(GCC_INCLUDE_FIXED) || \
	!defined(GCC_LIBDIR) || !defined(GCC_CRTBEGIN) || !defined(GCC_CRTEND)
#error "build with the Makefile: it defines GCC_INCLUDE and friends"
#endif

#define GUARD_ENV "RB_WRAPPER_ACTIVE"
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

enum mode {
	MODE_TOOL,	/* a host binutils program */
	MODE_CC,
	MODE_CPP,
};

static const struct tool {
	const char *name;
	enum mode mode;
} tools[] = {
	{ "gcc", MODE_CC }, { "cc", MODE_CC }, { "cpp", MODE_CPP },
	{ "ld", MODE_TOOL }, { "ar", MODE_TOOL }, { "as", MODE_TOOL },
	{ "nm", MODE_TOOL }, { "objcopy", MODE_TOOL }, { "objdump", MODE_TOOL },
	{ "ranlib", MODE_TOOL }, { "readelf", MODE_TOOL },
	{ "strip", MODE_TOOL }, { "strings", MODE_TOOL },
	{ "size", MODE_TOOL }, { "addr2line", MODE_TOOL },
};

/* Directories of the build machine that no target build may use. */
static const char *const host_dirs[] = {
	"/usr/include", "/usr/local/include",
	"/usr/lib", "/lib", "/usr/lib64", "/lib64", "/usr/local/lib",
	"/usr/lib32", "/lib32", "/usr/libx32", "/libx32", "/usr/local/lib64",
};

/* A NULL-terminated argument vector that owns its strings. */
struct strv {
	char **v;
	size_t n;
	size_t cap;
};

struct wrapper {
	const char *prog;	/* basename(argv[0]), for messages */
	const struct tool *tool;
	char *cwd;		/* NULL if unknown */
	char *sysroot;		/* absolute, normalised */
	char *libdir[3];	/* the -L paths the wrapper adds */
	const char *cc;
	const char *ccache;	/* NULL: none */
	const char *prefix_map;	/* NULL: none */

	/* What the user's arguments say. */
	bool stop;		/* -c -S -E -M -MM -r -fsyntax-only */
	bool inputs;		/* something gcc would link */
	bool nostdlib;
	bool nostartfiles;
	bool nodefaultlibs;
	bool lang;		/* a -x, so files we append need -x none */
	bool output;		/* an -o */
	int operands;
	int out_operand;	/* cpp: argv index of the output operand */
	struct strv libdirs;	/* the user's -L, resolved, in order */
	struct strv libs;	/* the user's -l values */

	int status;		/* exit status for an error */
	char *err;		/* its message; NULL: out of memory */
};

/* ------------------------------------------------------------------ */

static void strv_free(struct strv *sv)
{
	size_t i;

	for (i = 0; i < sv->n; i++)
		free(sv->v[i]);
	free(sv->v);
	sv->v = NULL;
	sv->n = sv->cap = 0;
}

/* Append s, which the vector now owns (freed on failure). */
static int strv_take(struct strv *sv, char *s)
{
	if (!s)
		return -1;
	if (sv->n + 2 > sv->cap) {
		size_t cap = sv->cap ? 2 * sv->cap : 64;
		char **v = realloc(sv->v, cap * sizeof(*v));

		if (!v) {
			free(s);
			return -1;
		}
		sv->v = v;
		sv->cap = cap;
	}
	sv->v[sv->n++] = s;
	sv->v[sv->n] = NULL;
	return 0;
}

static int strv_add(struct strv *sv, const char *s)
{
	return strv_take(sv, strdup(s));
}

static char *xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *s;
	int ret;

	va_start(ap, fmt);
	ret = vasprintf(&s, fmt, ap);
	va_end(ap);
	return ret < 0 ? NULL : s;
}

/* Record an error for main() to print; returns -1 for the caller. */
static int fail(struct wrapper *w, int status, const char *fmt, ...)
{
	va_list ap;

	free(w->err);
	va_start(ap, fmt);
	if (vasprintf(&w->err, fmt, ap) < 0)
		w->err = NULL;
	va_end(ap);
	w->status = status;
	return -1;
}

static int nomem(struct wrapper *w)
{
	free(w->err);
	w->err = NULL;
	w->status = 1;
	return -1;
}

/* An environment variable, NULL when unset or empty. */
static const char *env(const char *name)
{
	const char *s = getenv(name);

	return s && *s ? s : NULL;
}

static bool env_on(const char *name)
{
	const char *s = env(name);

	return s && strcmp(s, "0");
}

/* ------------------------------------------------------------------ */

/*
 * Make path absolute against cwd and drop ".", ".." and repeated '/',
 * without looking at the file system. NULL: out of memory, or a relative
 * path and no cwd.
 */
static char *norm_path(const char *cwd, const char *path)
{
	char *s, *src, *dst, *end;
	size_t len;

	if (path[0] == '/')
		s = strdup(path);
	else
		s = cwd ? xasprintf("%s/%s", cwd, path) : NULL;
	if (!s)
		return NULL;

	src = dst = s;
	while (*src) {
		while (*src == '/')
			src++;
		if (!*src)
			break;
		end = strchrnul(src, '/');
		len = end - src;
		if (len == 2 && src[0] == '.' && src[1] == '.') {
			while (dst > s && *--dst != '/')
				;
		} else if (len != 1 || src[0] != '.') {
			*dst++ = '/';
			memmove(dst, src, len);
			dst += len;
		}
		src = end;
	}
	if (dst == s)
		*dst++ = '/';
	*dst = '\0';
	return s;
}

/* path is dir or below it; both normalised. */
static bool is_under(const char *path, const char *dir)
{
	size_t len = strlen(dir);

	if (!strcmp(dir, "/"))
		return true;
	return !strncmp(path, dir, len) && (!path[len] || path[len] == '/');
}

/* gcc reads "=dir" and "$SYSROOT/dir" as inside the sysroot. */
static const char *sysroot_relative(const char *path)
{
	if (path[0] == '=')
		return path + 1;
	if (!strncmp(path, "$SYSROOT", 8))
		return path + 8;
	return NULL;
}

/* 1: a host directory; 0: not (or cannot tell); -1: out of memory. */
static int is_host_path(const struct wrapper *w, const char *path)
{
	const char *ours[] = {
		w->sysroot, GCC_LIBDIR, GCC_INCLUDE, GCC_INCLUDE_FIXED,
	};
	char *p;
	size_t i;
	int host = 0;

	if (sysroot_relative(path))
		return 0;
	if (path[0] != '/' && !w->cwd)
		return 0;
	p = norm_path(w->cwd, path);
	if (!p)
		return -1;
	for (i = 0; i < ARRAY_SIZE(ours); i++)
		if (ours[i][0] == '/' && is_under(p, ours[i]))
			goto out_free;
	for (i = 0; i < ARRAY_SIZE(host_dirs); i++)
		if (is_under(p, host_dirs[i]))
			host = 1;
out_free:
	free(p);
	return host;
}

/* ------------------------------------------------------------------ */

/* One option as given: "-I/x" (joined) or "-I" "/x" (separate). */
struct optarg {
	const char *arg;
	const char *val;	/* NULL: none (or missing) */
	bool sep;
};

static int refuse(struct wrapper *w, const struct optarg *oa,
		  const char *what, const char *why)
{
	return fail(w, 1, "refusing %s'%s%s%s': %s", what, oa->arg,
		    oa->sep ? " " : "", oa->sep && oa->val ? oa->val : "", why);
}

static int on_stop(struct wrapper *w, const struct optarg *oa)
{
	(void)oa;
	w->stop = true;
	return 0;
}

static int on_nostdlib(struct wrapper *w, const struct optarg *oa)
{
	(void)oa;
	w->nostdlib = true;
	return 0;
}

static int on_nostartfiles(struct wrapper *w, const struct optarg *oa)
{
	(void)oa;
	w->nostartfiles = true;
	return 0;
}

static int on_nodefaultlibs(struct wrapper *w, const struct optarg *oa)
{
	(void)oa;
	w->nodefaultlibs = true;
	return 0;
}

static int on_dynamic(struct wrapper *w, const struct optarg *oa)
{
	return refuse(w, oa, "", "this toolchain links static programs only");
}

static int on_sysroot(struct wrapper *w, const struct optarg *oa)
{
	return refuse(w, oa, "",
		      "the toolchain has its own sysroot (RB_SYSROOT moves it)");
}

static int on_incdir(struct wrapper *w, const struct optarg *oa)
{
	int host;

	if (!oa->val)
		return 0;
	host = is_host_path(w, oa->val);
	if (host < 0)
		return nomem(w);
	if (host)
		return refuse(w, oa, "host path ",
			      "use the sysroot's headers and libraries");
	return 0;
}

static int on_libdir(struct wrapper *w, const struct optarg *oa)
{
	const char *rel;

	if (on_incdir(w, oa))
		return -1;
	if (!oa->val)
		return 0;
	rel = sysroot_relative(oa->val);
	if (rel)
		return strv_take(&w->libdirs, xasprintf("%s%s", w->sysroot, rel))
			? nomem(w) : 0;
	return strv_add(&w->libdirs, oa->val) ? nomem(w) : 0;
}

static int on_lib(struct wrapper *w, const struct optarg *oa)
{
	w->inputs = true;
	if (!oa->val)
		return 0;
	return strv_add(&w->libs, oa->val) ? nomem(w) : 0;
}

static int on_linker(struct wrapper *w, const struct optarg *oa)
{
	(void)oa;
	w->inputs = true;
	return 0;
}

static int on_lang(struct wrapper *w, const struct optarg *oa)
{
	(void)oa;
	w->lang = true;
	return 0;
}

static int on_output(struct wrapper *w, const struct optarg *oa)
{
	(void)oa;
	w->output = true;
	return 0;
}

#define OPT_SEP		0x1	/* "-x val": the value is the next argument */
#define OPT_JOINED	0x2	/* "-xval": the name is a prefix */

/*
 * The options the wrapper cares about, and those that take a separate
 * value, so that the value is not mistaken for an input file.
 */
static const struct opt {
	const char *name;
	unsigned int flags;
	int (*handle)(struct wrapper *w, const struct optarg *oa);
} opts[] = {
	{ "-c", 0, on_stop },
	{ "-S", 0, on_stop },
	{ "-E", 0, on_stop },
	{ "-M", 0, on_stop },
	{ "-MM", 0, on_stop },
	{ "-r", 0, on_stop },
	{ "-fsyntax-only", 0, on_stop },
	{ "-nostdlib", 0, on_nostdlib },
	{ "-nostartfiles", 0, on_nostartfiles },
	{ "-nodefaultlibs", 0, on_nodefaultlibs },
	{ "-shared", 0, on_dynamic },
	{ "-static-pie", 0, on_dynamic },
	{ "--sysroot", OPT_SEP, on_sysroot },
	{ "--sysroot=", OPT_JOINED, on_sysroot },
	{ "-isysroot", OPT_SEP | OPT_JOINED, on_sysroot },
	{ "-I", OPT_SEP | OPT_JOINED, on_incdir },
	{ "-isystem", OPT_SEP | OPT_JOINED, on_incdir },
	{ "-idirafter", OPT_SEP | OPT_JOINED, on_incdir },
	{ "-iquote", OPT_SEP | OPT_JOINED, on_incdir },
	{ "-L", OPT_SEP | OPT_JOINED, on_libdir },
	{ "-l", OPT_SEP | OPT_JOINED, on_lib },
	{ "-Wl,", OPT_JOINED, on_linker },
	{ "-Xlinker", OPT_SEP, on_linker },
	{ "-x", OPT_SEP | OPT_JOINED, on_lang },
	{ "-o", OPT_SEP | OPT_JOINED, on_output },
	{ "-D", OPT_SEP, NULL },
	{ "-U", OPT_SEP, NULL },
	{ "-A", OPT_SEP, NULL },
	{ "-B", OPT_SEP, NULL },
	{ "-T", OPT_SEP, NULL },
	{ "-u", OPT_SEP, NULL },
	{ "-e", OPT_SEP, NULL },
	{ "-z", OPT_SEP, NULL },
	{ "-MF", OPT_SEP, NULL },
	{ "-MT", OPT_SEP, NULL },
	{ "-MQ", OPT_SEP, NULL },
	{ "-include", OPT_SEP, NULL },
	{ "-imacros", OPT_SEP, NULL },
	{ "-iprefix", OPT_SEP, NULL },
	{ "-iwithprefix", OPT_SEP, NULL },
	{ "-iwithprefixbefore", OPT_SEP, NULL },
	{ "-imultilib", OPT_SEP, NULL },
	{ "-imultiarch", OPT_SEP, NULL },
	{ "-Xassembler", OPT_SEP, NULL },
	{ "-Xpreprocessor", OPT_SEP, NULL },
	{ "-aux-info", OPT_SEP, NULL },
	{ "-dumpbase", OPT_SEP, NULL },
	{ "-dumpbase-ext", OPT_SEP, NULL },
	{ "-dumpdir", OPT_SEP, NULL },
	{ "--param", OPT_SEP, NULL },
	{ "-wrapper", OPT_SEP, NULL },
	{ "-specs", OPT_SEP, NULL },
	{ "-Tbss", OPT_SEP, NULL },
	{ "-Tdata", OPT_SEP, NULL },
	{ "-Ttext", OPT_SEP, NULL },
};

static const struct opt *find_opt(const char *arg, struct optarg *oa)
{
	const struct opt *o;
	size_t len;

	for (o = opts; o < opts + ARRAY_SIZE(opts); o++) {
		len = strlen(o->name);
		if (!strncmp(arg, o->name, len) &&
		    (!arg[len] || (o->flags & OPT_JOINED))) {
			oa->arg = arg;
			oa->sep = !arg[len] && (o->flags & OPT_SEP);
			oa->val = arg[len] ? arg + len : NULL;
			return o;
		}
	}
	return NULL;
}

static void on_operand(struct wrapper *w, int i)
{
	w->inputs = true;
	if (++w->operands == 2 && w->tool->mode == MODE_CPP)
		w->out_operand = i;
}

static int scan_args(struct wrapper *w, int argc, char **argv)
{
	const struct opt *o;
	struct optarg oa;
	int i;

	for (i = 1; i < argc; i++) {
		if (argv[i][0] == '@') {
			w->inputs = true;	/* a response file: can't tell */
			continue;
		}
		if (argv[i][0] != '-' || !argv[i][1]) {
			on_operand(w, i);
			continue;
		}
		o = find_opt(argv[i], &oa);
		if (!o)
			continue;
		if (oa.sep && i + 1 < argc)
			oa.val = argv[++i];
		if (o->handle && o->handle(w, &oa))
			return -1;
	}
	if (w->out_operand && w->output)
		w->out_operand = 0;
	return 0;
}

/* ------------------------------------------------------------------ */

static bool linking(const struct wrapper *w)
{
	return w->inputs && !w->stop;
}

static bool startfiles(const struct wrapper *w)
{
	return !w->nostdlib && !w->nostartfiles;
}

static bool defaultlibs(const struct wrapper *w)
{
	return !w->nostdlib && !w->nodefaultlibs;
}

static bool lib_in(const char *dir, const char *file)
{
	char *path = xasprintf("%s/%s", dir, file);
	bool found = path && !access(path, F_OK);

	free(path);
	return found;
}

/* Is file in a -L path, the user's or ours, as ld will search them? */
static bool find_lib(const struct wrapper *w, const char *file)
{
	size_t i;

	for (i = 0; i < w->libdirs.n; i++)
		if (lib_in(w->libdirs.v[i], file))
			return true;
	for (i = 0; i < ARRAY_SIZE(w->libdir); i++)
		if (lib_in(w->libdir[i], file))
			return true;
	return false;
}

/*
 * A library that is in none of the -L paths would be found in the host's
 * directories, which gcc passes to ld after ours: refuse instead.
 */
static int check_libs(struct wrapper *w)
{
	static const char *const ours[] = { "libc.a", "librbcompat.a" };
	const char *lib;
	char *file;
	size_t i;

	if (defaultlibs(w))
		for (i = 0; i < ARRAY_SIZE(ours); i++)
			if (!find_lib(w, ours[i]))
				return fail(w, 1, "no %s in the sysroot %s: is uClibc-ng installed?",
					    ours[i], w->sysroot);
	for (i = 0; i < w->libs.n; i++) {
		lib = w->libs.v[i];
		if (lib[0] == ':')
			file = strdup(lib + 1);
		else
			file = xasprintf("lib%s.a", lib);
		if (!file)
			return nomem(w);
		if (!find_lib(w, file)) {
			fail(w, 1, "refusing '-l%s': no %s in the sysroot or the -L paths",
			     lib, file);
			free(file);
			return -1;
		}
		free(file);
	}
	return 0;
}

static int add_link_head(struct wrapper *w, struct strv *av)
{
	int ret = 0;

	ret |= strv_add(av, "-nostdlib");
	ret |= strv_add(av, "-static");
	if (startfiles(w)) {
		ret |= strv_take(av, xasprintf("%s/usr/lib/crt1.o", w->sysroot));
		ret |= strv_take(av, xasprintf("%s/usr/lib/crti.o", w->sysroot));
		ret |= strv_add(av, GCC_CRTBEGIN);
	}
	return ret;
}

static int add_user_args(struct wrapper *w, int argc, char **argv,
			 struct strv *av)
{
	int ret = 0;
	int i;

	for (i = 1; i < argc; i++) {
		if (i == w->out_operand)
			ret |= strv_add(av, "-o");
		ret |= strv_add(av, argv[i]);
	}
	return ret;
}

/* After the user's, so that their -isystem directories come first. */
static int add_include_dirs(struct wrapper *w, struct strv *av)
{
	int ret = 0;

	ret |= strv_add(av, "-isystem");
	ret |= strv_take(av, xasprintf("%s/usr/include", w->sysroot));
	ret |= strv_add(av, "-isystem");
	ret |= strv_add(av, GCC_INCLUDE);
	if (GCC_INCLUDE_FIXED[0]) {
		ret |= strv_add(av, "-isystem");
		ret |= strv_add(av, GCC_INCLUDE_FIXED);
	}
	return ret;
}

static int add_link_tail(struct wrapper *w, struct strv *av)
{
	static const char *const libs[] = {
		"-Wl,--start-group", "-lc", "-lgcc", "-lgcc_eh", "-lrbcompat",
		"-Wl,--end-group",
	};
	int ret = 0;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(w->libdir); i++)
		ret |= strv_take(av, xasprintf("-L%s", w->libdir[i]));
	if (defaultlibs(w))
		for (i = 0; i < ARRAY_SIZE(libs); i++)
			ret |= strv_add(av, libs[i]);
	if (startfiles(w)) {
		ret |= strv_add(av, GCC_CRTEND);
		ret |= strv_take(av, xasprintf("%s/usr/lib/crtn.o", w->sysroot));
	}
	return ret;
}

static int build_cc(struct wrapper *w, int argc, char **argv, struct strv *av)
{
	bool link = linking(w);
	int ret = 0;

	if (w->ccache)
		ret |= strv_add(av, w->ccache);
	ret |= strv_add(av, w->cc);
	if (w->tool->mode == MODE_CPP)
		ret |= strv_add(av, "-E");
	ret |= strv_add(av, "-nostdinc");
	ret |= strv_take(av, xasprintf("--sysroot=%s", w->sysroot));
	if (w->prefix_map)
		ret |= strv_take(av, xasprintf("-ffile-prefix-map=%s",
					       w->prefix_map));
	if (link)
		ret |= add_link_head(w, av);
	ret |= add_user_args(w, argc, argv, av);
	if (link && w->lang && startfiles(w))
		ret |= strv_add(av, "-x") | strv_add(av, "none");
	ret |= add_include_dirs(w, av);
	if (link)
		ret |= add_link_tail(w, av);
	return ret ? nomem(w) : 0;
}

/* ------------------------------------------------------------------ */

/* The resolved path of this program, however long. */
static char *self_exe(void)
{
	size_t size = 256;
	ssize_t len;
	char *buf;

	for (;;) {
		buf = malloc(size);
		if (!buf)
			return NULL;
		len = readlink("/proc/self/exe", buf, size);
		if (len < 0) {
			free(buf);
			return NULL;
		}
		if ((size_t)len < size) {
			buf[len] = '\0';
			return buf;
		}
		free(buf);
		size *= 2;
	}
}

/* Cut the last path component: "/a/b" -> "/a", "/a" -> "". */
static void strip_last(char *path)
{
	char *slash = strrchr(path, '/');

	if (slash)
		*slash = '\0';
}

static int find_sysroot(struct wrapper *w)
{
	const char *s = env("RB_SYSROOT");
	char *exe;

	if (s) {
		w->sysroot = norm_path(w->cwd, s);
		if (!w->sysroot)
			return s[0] == '/' ? nomem(w) :
				fail(w, 2, "RB_SYSROOT: cannot make '%s' absolute", s);
		return 0;
	}
	exe = self_exe();
	if (!exe)
		return fail(w, 2, "cannot find the sysroot: /proc/self/exe: %s (set RB_SYSROOT)",
			    strerror(errno));
	/* The kernel resolved it: absolute, no symlinks, no "." or "..". */
	strip_last(exe);	/* <host>/bin/<prog> -> <host>/bin */
	strip_last(exe);	/* -> <host> */
	w->sysroot = xasprintf("%s/" TARGET "/sysroot", exe);
	free(exe);
	return w->sysroot ? 0 : nomem(w);
}

static int setup_cc(struct wrapper *w)
{
	if (env(GUARD_ENV))
		return fail(w, 2, "the compiler would be this wrapper again: set RB_WRAPPER_CC to the host's gcc");
	w->stop = w->tool->mode == MODE_CPP;	/* it adds -E */
	w->cwd = getcwd(NULL, 0);
	if (find_sysroot(w))
		return -1;
	w->libdir[0] = xasprintf("%s/usr/lib", w->sysroot);
	w->libdir[1] = xasprintf("%s/lib", w->sysroot);
	w->libdir[2] = strdup(GCC_LIBDIR);
	if (!w->libdir[0] || !w->libdir[1] || !w->libdir[2])
		return nomem(w);
	w->cc = env("RB_WRAPPER_CC");
	if (!w->cc)
		w->cc = "gcc";
	w->ccache = env("RB_WRAPPER_CCACHE");
	w->prefix_map = env("RB_PREFIX_MAP");
	if (w->prefix_map && !strchr(w->prefix_map, '='))
		return fail(w, 2, "RB_PREFIX_MAP must be OLD=NEW, not '%s'",
			    w->prefix_map);
	return 0;
}

/* The compiler must not see variables that add host directories. */
static int clean_env(void)
{
	static const char *const vars[] = {
		"CPATH", "C_INCLUDE_PATH", "CPLUS_INCLUDE_PATH",
		"OBJC_INCLUDE_PATH", "LIBRARY_PATH",
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(vars); i++)
		if (unsetenv(vars[i]))
			return -1;
	return setenv(GUARD_ENV, "1", 1);
}

/* ------------------------------------------------------------------ */

static bool shell_safe(const char *s)
{
	return *s && !s[strspn(s, "abcdefghijklmnopqrstuvwxyz"
			       "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
			       "+,-./:=@_%")];
}

/* The command on one line, quoted so that a shell would run the same. */
static void print_command(FILE *f, const char *prog, char **argv)
{
	const char *p;

	fprintf(f, "%s: exec", prog);
	for (; *argv; argv++) {
		if (shell_safe(*argv)) {
			fprintf(f, " %s", *argv);
			continue;
		}
		fputs(" '", f);
		for (p = *argv; *p; p++)
			if (*p == '\'')
				fputs("'\\''", f);
			else
				fputc(*p, f);
		fputc('\'', f);
	}
	fputc('\n', f);
}

static int dry_run(char **argv)
{
	for (; *argv; argv++)
		if (puts(*argv) < 0)
			return 1;
	return fflush(stdout) ? 1 : 0;
}

/* Exec the command; returns only on failure, with an exit status. */
static int run(const char *prog, char **argv)
{
	int err;

	if (env_on("RB_WRAPPER_DRYRUN"))
		return dry_run(argv);
	if (env_on("RB_WRAPPER_DEBUG"))
		print_command(stderr, prog, argv);
	execvp(argv[0], argv);
	err = errno;
	fprintf(stderr, "%s: cannot run '%s': %s\n", prog, argv[0],
		strerror(err));
	return err == ENOENT ? 127 : 126;
}

static const struct tool *find_tool(const char *prog)
{
	const char *dash = strrchr(prog, '-');
	size_t i;

	if (!dash)
		return NULL;
	for (i = 0; i < ARRAY_SIZE(tools); i++)
		if (!strcmp(dash + 1, tools[i].name))
			return &tools[i];
	return NULL;
}

static void free_wrapper(struct wrapper *w)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(w->libdir); i++)
		free(w->libdir[i]);
	strv_free(&w->libdirs);
	strv_free(&w->libs);
	free(w->sysroot);
	free(w->cwd);
	free(w->err);
}

int main(int argc, char **argv)
{
	struct wrapper w = { 0 };
	struct strv av = { 0 };
	int i, status;

	w.prog = "toolchain-wrapper";
	if (argc > 0 && argv[0][0]) {
		w.prog = strrchr(argv[0], '/');
		w.prog = w.prog ? w.prog + 1 : argv[0];
		w.tool = find_tool(w.prog);
	}
	if (!w.tool) {
		fail(&w, 2, "unknown tool name: call me as <prefix>-gcc, -cc, -cpp, -ld, -ar, ...");
		goto out_err;
	}

	if (w.tool->mode == MODE_TOOL) {
		if (strv_add(&av, w.tool->name))
			goto out_nomem;
		for (i = 1; i < argc; i++)
			if (strv_add(&av, argv[i]))
				goto out_nomem;
	} else {
		if (setup_cc(&w) || scan_args(&w, argc, argv))
			goto out_err;
		if (linking(&w) && check_libs(&w))
			goto out_err;
		if (build_cc(&w, argc, argv, &av))
			goto out_err;
		if (clean_env())
			goto out_nomem;
	}
	status = run(w.prog, av.v);
	goto out_free;

out_nomem:
	nomem(&w);
out_err:
	fprintf(stderr, "%s: %s\n", w.prog, w.err ? w.err : "out of memory");
	status = w.status;
out_free:
	strv_free(&av);
	free_wrapper(&w);
	return status;
}
