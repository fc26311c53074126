#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Tests of the toolchain wrapper.
#
#   tests/run.sh <path-to-built-toolchain-wrapper>
#
# Prints "ok - <what>" or "not ok - <what>" (and why, indented) for each
# check; exits 1 if any failed, 2 if it could not run at all. Most checks
# run the wrapper, linked under its installed names, with RB_WRAPPER_DRYRUN
# on a fake sysroot and look at the command it would run; the last ones
# compile and link for real with the host gcc.

set -u

if [ $# -ne 1 ] || [ ! -x "$1" ]; then
	echo "usage: $0 <toolchain-wrapper>" >&2
	exit 2
fi
W=$(cd "$(dirname "$1")" && pwd -P)/$(basename "$1")
T=$(mktemp -d "${TMPDIR:-/tmp}/toolchain-wrapper-test.XXXXXX") || exit 2
T=$(cd "$T" && pwd -P)
trap 'rm -rf "$T"' EXIT
trap 'exit 2' HUP INT TERM

unset RB_SYSROOT RB_WRAPPER_CC RB_WRAPPER_CCACHE RB_PREFIX_MAP \
	RB_WRAPPER_DRYRUN RB_WRAPPER_DEBUG RB_WRAPPER_ACTIVE
export LC_ALL=C

P=x86_64-rb-linux-uclibc-
TOOLS="ld ar as nm objcopy objdump ranlib readelf strip strings size addr2line"
S=$T/sysroot
G=$T/bin/${P}gcc
GCC_INC=$(gcc -print-file-name=include)
GCC_LIB=$(dirname "$(gcc -print-libgcc-file-name)")
CRTBEGIN=$(gcc -print-file-name=crtbeginT.o)
CRTEND=$(gcc -print-file-name=crtend.o)
GCC_FIXED=$(gcc -print-file-name=include-fixed)
case $GCC_FIXED in
/*) FIXED_ARGS="-isystem $GCC_FIXED" ;;
*) FIXED_ARGS= ;;
esac
STDLIBS="-Wl,--start-group -lc -lgcc -lgcc_eh -lrbcompat -Wl,--end-group"

# ------------------------------------------------------------ fixtures

mkdir -p "$T/bin" "$T/path" "$T/mylibs" "$S/usr/include" "$S/usr/lib" "$S/lib" ||
	exit 2
for t in gcc cc cpp $TOOLS frobnicate; do
	ln -s "$W" "$T/bin/$P$t" || exit 2
done
ln -s "$W" "$T/bin/gcc" || exit 2

# A libc limits.h as glibc and uClibc-ng write it: gcc's must still follow.
cat >"$S/usr/include/limits.h" <<'EOF'
#ifndef _LIBC_LIMITS_H_
#define _LIBC_LIMITS_H_ 1
#define RB_FAKE_LIBC_LIMITS 1
#endif
#if defined __GNUC__ && !defined _GCC_LIMITS_H_
# include_next <limits.h>
#endif
EOF

# A C library just big enough to link a program that returns from main().
cat >"$T/crt1.s" <<'EOF'
	.text
	.globl _start
_start:
	xor %ebp, %ebp
	and $-16, %rsp
	call main
	mov %eax, %edi
	mov $60, %eax
	syscall
	.section .note.GNU-stack,"",@progbits
EOF
printf '\t.section .note.GNU-stack,"",@progbits\n' >"$T/empty.s"
{
	gcc -c -o "$S/usr/lib/crt1.o" "$T/crt1.s" &&
	gcc -c -o "$S/usr/lib/crti.o" "$T/empty.s" &&
	gcc -c -o "$S/usr/lib/crtn.o" "$T/empty.s" &&
	gcc -c -o "$T/empty.o" "$T/empty.s" &&
	ar rc "$S/usr/lib/libc.a" "$T/empty.o" &&
	ar rc "$S/usr/lib/librbcompat.a" "$T/empty.o" &&
	ar rc "$S/usr/lib/libm.a" "$T/empty.o" &&
	ar rc "$T/mylibs/libmine.a" "$T/empty.o"
} || exit 2

# Stand-ins for the host compiler, ccache and ld: they log how they ran.
cat >"$T/fake" <<'EOF'
#!/bin/sh
printf '%s\n' "$@" >"$FAKE_LOG"
echo "CPATH=${CPATH-unset} LIBRARY_PATH=${LIBRARY_PATH-unset}" \
	"RB_WRAPPER_ACTIVE=${RB_WRAPPER_ACTIVE-unset}" >"$FAKE_LOG.env"
exit 3
EOF
chmod +x "$T/fake" && ln -s ../fake "$T/path/ld" || exit 2
export FAKE_LOG="$T/fake.log"

# ------------------------------------------------------------ helpers

failed=0
: >"$T/why"

# wrap [VAR=value...] PROGRAM [ARG...]: run dry on the fake sysroot.
wrap() {
	env RB_WRAPPER_DRYRUN=1 RB_SYSROOT="$S" "$@" >"$T/out" 2>"$T/err"
	rc=$?
}

# wrap_real [VAR=value...] PROGRAM [ARG...]: run for real.
wrap_real() {
	rm -f "$FAKE_LOG" "$FAKE_LOG.env"
	env RB_SYSROOT="$S" "$@" >"$T/out" 2>"$T/err"
	rc=$?
}

why() {
	echo "$*" >>"$T/why"
}

status() {
	[ "$rc" -eq "$1" ] || why "exit status $rc, expected $1"
}

# has ARG...: each ARG is one argument of the command.
has() {
	for a; do
		grep -qxF -e "$a" "$T/out" || why "no argument '$a'"
	done
}

lacks() {
	for a; do
		! grep -qxF -e "$a" "$T/out" || why "unexpected argument '$a'"
	done
}

# in_order ARG...: each is an argument, each after the one before.
in_order() {
	last=0
	for a; do
		n=$(A=$a awk -v last="$last" \
			'NR > last && $0 == ENVIRON["A"] { print NR; exit }' "$T/out")
		if [ -z "$n" ]; then
			why "no argument '$a' after argument $last"
			return
		fi
		last=$n
	done
}

# once ARG...: each appears exactly once.
once() {
	for a; do
		n=$(grep -cxF -e "$a" "$T/out")
		[ "$n" -eq 1 ] || why "'$a' appears $n times, expected once"
	done
}

# out_is ARG...: the whole command, one argument a line.
out_is() {
	printf '%s\n' "$@" >"$T/expected"
	cmp -s "$T/expected" "$T/out" || why "command differs from expected:" \
		"$(diff "$T/expected" "$T/out" | sed 's/^/  /')"
}

err_is() {
	printf '%s\n' "$1" >"$T/expected"
	cmp -s "$T/expected" "$T/err" || why "stderr is not: $1"
}

out_empty() {
	[ ! -s "$T/out" ] || why "the wrapper printed a command"
}

no_crt() {
	lacks "$S/usr/lib/crt1.o" "$S/usr/lib/crti.o" "$CRTBEGIN" "$CRTEND" \
		"$S/usr/lib/crtn.o"
}

no_libs() {
	lacks -Wl,--start-group -lc -lgcc -lgcc_eh -lrbcompat -Wl,--end-group
}

no_link() {
	no_crt
	no_libs
	lacks -nostdlib -static "-L$S/usr/lib" "-L$S/lib" "-L$GCC_LIB"
}

# check DESCRIPTION: report the assertions made since the last check.
check() {
	if [ -s "$T/why" ]; then
		echo "not ok - $1"
		sed 's/^/    /' "$T/why"
		for f in out err; do
			[ -s "$T/$f" ] || continue
			echo "    std$f:"
			head -n 40 "$T/$f" | sed 's/^/      /'
		done
		failed=1
	else
		echo "ok - $1"
	fi
	: >"$T/why"
}

# ------------------------------------------------------------ compile only

wrap "$G" -O2 -c foo.c -o foo.o
status 0
in_order gcc -nostdinc "--sysroot=$S" -O2 -c foo.c -o foo.o \
	-isystem "$S/usr/include" -isystem "$GCC_INC"
no_link
check "-c: -nostdinc, sysroot headers then gcc's, no crt files or libraries"

for flag in -S -E -M -MM -fsyntax-only; do
	wrap "$G" $flag foo.c
	status 0
	in_order -nostdinc $flag foo.c "$S/usr/include" "$GCC_INC"
	no_link
	check "$flag: include paths, no crt files or libraries"
done

for q in --version -v -dumpmachine -dumpversion -print-file-name=include \
	-print-libgcc-file-name; do
	wrap "$G" $q
	status 0
	has -nostdinc "$q"
	no_link
	check "$q with no inputs is not a link"
done

# ------------------------------------------------------------ link

wrap "$G" -O2 -o prog main.o util.o -lm
status 0
in_order gcc -nostdinc "--sysroot=$S" -nostdlib -static \
	"$S/usr/lib/crt1.o" "$S/usr/lib/crti.o" "$CRTBEGIN" \
	-O2 -o prog main.o util.o -lm \
	-isystem "$S/usr/include" -isystem "$GCC_INC" \
	"-L$S/usr/lib" "-L$S/lib" "-L$GCC_LIB" $STDLIBS \
	"$CRTEND" "$S/usr/lib/crtn.o"
once "$S/usr/lib/crt1.o" "$CRTBEGIN" "$CRTEND" -lc
check "link: crt1 crti crtbeginT, the user's arguments, -L, libraries, crtend crtn"

wrap "$G" -nostdlib -r -o built-in.o a.o b.o
status 0
out_is gcc -nostdinc "--sysroot=$S" -nostdlib -r -o built-in.o a.o b.o \
	-isystem "$S/usr/include" -isystem "$GCC_INC" $FIXED_ARGS
check "-nostdlib -r (busybox's partial link): plain gcc, no crt files or libraries"

wrap "$G" -r -o part.o a.o
status 0
no_link
check "-r alone is not a final link"

wrap "$G" -nostdlib -o prog start.o main.o
status 0
no_crt
no_libs
in_order -nostdlib -static start.o main.o "-L$S/usr/lib" "-L$S/lib" "-L$GCC_LIB"
check "-nostdlib link: the -L paths, no crt files or libraries"

wrap "$G" -nostartfiles -o prog main.o
status 0
no_crt
in_order main.o "-L$S/usr/lib" $STDLIBS
check "-nostartfiles: libraries but no crt files"

wrap "$G" -nodefaultlibs -o prog main.o
status 0
no_libs
in_order "$S/usr/lib/crt1.o" main.o "-L$S/usr/lib" "$CRTEND" "$S/usr/lib/crtn.o"
check "-nodefaultlibs: crt files but no libraries"

wrap "$G" -x c prog.c -o prog
status 0
in_order -x c prog.c -x none "$CRTEND" "$S/usr/lib/crtn.o"
check "link after -x c: -x none before the appended crt files"

wrap "$G" -o prog main.o -lmine -L "$T/mylibs" -l:libm.a
status 0
in_order -lmine -L "$T/mylibs" -l:libm.a
check "libraries in the sysroot or a -L path are accepted"

wrap "$G" -o prog main.o -lz
status 1
out_empty
err_is "${P}gcc: refusing '-lz': no libz.a in the sysroot or the -L paths"
check "a library only the host has is refused"

# ------------------------------------------------------------ refused

for flag in -shared -static-pie; do
	wrap "$G" $flag -o libx.so x.o
	status 1
	out_empty
	err_is "${P}gcc: refusing '$flag': this toolchain links static programs only"
	check "$flag is refused"
done

mkdir -p "$T/empty"
wrap RB_SYSROOT="$T/empty" "$G" -o prog main.o
status 1
out_empty
err_is "${P}gcc: no libc.a in the sysroot $T/empty: is uClibc-ng installed?"
check "a link without the sysroot's libc.a stops before the host's is used"

for form in "-I/usr/include" "-I /usr/include" \
	"-isystem /usr/include/x86_64-linux-gnu" "-isystem/usr/include" \
	"-idirafter /usr/local/include" "-iquote /usr/include" \
	"-L/usr/lib" "-L /lib64" "-L/usr/lib/x86_64-linux-gnu" "-L /lib/" \
	"-I/usr//include/../include" "-I../../../../../../../../usr/include"; do
	wrap "$G" -c foo.c $form
	status 1
	out_empty
	err_is "${P}gcc: refusing host path '$form': use the sysroot's headers and libraries"
	check "host path '$form' is refused"
done

for form in --sysroot=/ "--sysroot /" "-isysroot /"; do
	wrap "$G" $form -c foo.c
	status 1
	out_empty
	err_is "${P}gcc: refusing '$form': the toolchain has its own sysroot (RB_SYSROOT moves it)"
	check "'$form' is refused"
done

wrap_real RB_WRAPPER_CC="$T/fake" "$G" -c foo.c -I/usr/include
status 1
[ ! -e "$FAKE_LOG" ] || why "the compiler ran"
check "a refused command runs nothing"

wrap "$G" -c foo.c -I/tmp/foo -I /usr/includes -isystem "$GCC_INC" \
	-I "$S/usr/include/sub" -L/usr/libexec-not -I=/usr/include
status 0
in_order -I/tmp/foo -I /usr/includes -isystem "$GCC_INC" -I "$S/usr/include/sub" \
	-L/usr/libexec-not -I=/usr/include
check "other paths, the sysroot's and gcc's own are accepted unchanged"

# ------------------------------------------------------------ the other names

wrap "$T/bin/${P}ld" -r -o x.o a.o "b c.o"
status 0
out_is ld -r -o x.o a.o "b c.o"
check "-ld runs the host ld with the arguments unchanged"

wrap "$T/bin/${P}ar" rcs libx.a -I/usr/include x.o
status 0
out_is ar rcs libx.a -I/usr/include x.o
check "-ar runs the host ar with the arguments unchanged"

for t in $TOOLS; do
	wrap "$T/bin/$P$t" --version
	status 0
	out_is "$t" --version
done
check "every binutils name runs the host tool of that name"

env PATH="$T/path:$PATH" "$T/bin/${P}ld" -o "x y" a.o >"$T/out" 2>"$T/err"
rc=$?
status 3
printf '%s\n' -o "x y" a.o | cmp -s - "$FAKE_LOG" || why "ld got other arguments"
check "-ld execs ld from PATH and passes its exit status back"

wrap "$T/bin/${P}cpp" foo.c
status 0
in_order gcc -E -nostdinc foo.c "$S/usr/include"
no_link
check "-cpp is the compiler with -E"

wrap "$T/bin/${P}cpp" in.h out.i
status 0
in_order -E in.h -o out.i
check "-cpp takes a second operand as the output, as cpp(1) does"

wrap "$T/bin/${P}cc" -o prog main.o
status 0
in_order gcc -nostdinc "$S/usr/lib/crt1.o" main.o -lc
check "-cc is the compiler"

for name in "${P}frobnicate" gcc; do
	wrap "$T/bin/$name" -c foo.c
	status 2
	out_empty
	grep -q "^$name: unknown tool name" "$T/err" || why "no 'unknown tool name' error"
	check "name '$name' is a usage error"
done

# ------------------------------------------------------------ environment

wrap RB_WRAPPER_CCACHE=/usr/bin/ccache RB_WRAPPER_CC=/opt/cc/gcc "$G" -c foo.c
status 0
in_order /usr/bin/ccache /opt/cc/gcc -nostdinc foo.c
[ "$(head -n 1 "$T/out")" = /usr/bin/ccache ] || why "ccache is not the program run"
check "RB_WRAPPER_CCACHE runs ccache <RB_WRAPPER_CC>"

wrap RB_WRAPPER_CCACHE= "$G" -c foo.c
status 0
[ "$(head -n 1 "$T/out")" = gcc ] || why "an empty RB_WRAPPER_CCACHE is not off"
check "an empty RB_WRAPPER_CCACHE means no ccache"

wrap RB_PREFIX_MAP=/work/main=. "$G" -c foo.c
status 0
in_order -nostdinc -ffile-prefix-map=/work/main=. foo.c
check "RB_PREFIX_MAP adds -ffile-prefix-map"

wrap "$G" -c foo.c
grep -q prefix-map "$T/out" && why "a prefix map without RB_PREFIX_MAP"
wrap RB_PREFIX_MAP=nonsense "$G" -c foo.c
status 2
grep -q "RB_PREFIX_MAP must be OLD=NEW" "$T/err" || why "no RB_PREFIX_MAP error"
check "no RB_PREFIX_MAP: no map; one without '=': usage error"

mkdir -p "$T/host/bin" "$T/links" && cp "$W" "$T/host/bin/toolchain-wrapper" &&
	ln -s ../host/bin/toolchain-wrapper "$T/links/${P}gcc" || exit 2
env RB_WRAPPER_DRYRUN=1 "$T/links/${P}gcc" -c foo.c >"$T/out" 2>"$T/err"
rc=$?
status 0
has "--sysroot=$T/host/x86_64-rb-linux-uclibc/sysroot" \
	"$T/host/x86_64-rb-linux-uclibc/sysroot/usr/include"
check "without RB_SYSROOT the sysroot is found beside the real executable"

wrap_real RB_WRAPPER_CC="$T/fake" CPATH=/usr/include LIBRARY_PATH=/usr/lib \
	C_INCLUDE_PATH=/usr/include "$G" -o prog main.o
status 3
env RB_WRAPPER_DRYRUN=1 RB_SYSROOT="$S" RB_WRAPPER_CC="$T/fake" "$G" -o prog main.o |
	sed 1d | cmp -s - "$FAKE_LOG" || why "the compiler got other arguments than the dry run shows"
grep -qx "CPATH=unset LIBRARY_PATH=unset RB_WRAPPER_ACTIVE=1" "$FAKE_LOG.env" ||
	why "environment: $(cat "$FAKE_LOG.env" 2>/dev/null)"
check "exec: dry-run arguments, exit status back, host search paths unset"

wrap_real RB_WRAPPER_DEBUG=1 RB_WRAPPER_CC="$T/fake" "$G" -c "a b.c"
status 3
err_is "${P}gcc: exec $T/fake -nostdinc --sysroot=$S -c 'a b.c' -isystem $S/usr/include -isystem $GCC_INC${FIXED_ARGS:+ $FIXED_ARGS}"
check "RB_WRAPPER_DEBUG prints the command, quoted, on stderr"

wrap_real RB_WRAPPER_CC="$T/no-such-cc" "$G" -c foo.c
status 127
err_is "${P}gcc: cannot run '$T/no-such-cc': No such file or directory"
check "a compiler that is not there: exit 127 and why"

wrap_real RB_WRAPPER_CC="$G" timeout 10 "$G" -c foo.c
status 2
grep -q "would be this wrapper again" "$T/err" || why "no loop error"
check "a wrapper that would run itself stops with an error"

# ------------------------------------------------------------ for real

cat >"$T/free.c" <<'EOF'
#include <stddef.h>
#include <stdarg.h>
#include <limits.h>
#if !defined RB_FAKE_LIBC_LIMITS || INT_MAX != 2147483647
#error "limits.h: not the sysroot's, or gcc's did not follow"
#endif
int sum(int n, ...)
{
	va_list ap;
	int s = 0;

	va_start(ap, n);
	while (n--)
		s += va_arg(ap, int);
	va_end(ap);
	return s + (int)offsetof(struct { char c; int i; }, i);
}
int main(void)
{
	return sum(3, 10, 12, 16);
}
EOF

wrap_real "$G" -c -o "$T/free.o" "$T/free.c"
status 0
nm "$T/free.o" 2>/dev/null | grep -q ' T sum$' || why "free.o does not define sum"
check "real -c with gcc's stddef.h and stdarg.h and the sysroot's limits.h"

printf '#include <stdio.h>\n' >"$T/host.c"
wrap_real "$G" -c -o "$T/host.o" "$T/host.c"
[ "$rc" -ne 0 ] || why "the host's <stdio.h> was found"
grep -q 'stdio.h' "$T/err" || why "no error about stdio.h"
check "real -c cannot see the host's headers"

wrap_real "$G" -o "$T/prog" "$T/free.o"
status 0
"$T/prog"
rc=$?
status 42
readelf -l "$T/prog" 2>/dev/null | grep -q INTERP && why "prog is not static"
check "real link with the sysroot's crt files and libraries runs"

exit $failed
