#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# tests/run.sh MKCPIO - test mkcpio; prints "ok - ..." or "not ok - ..." per
# check (diagnostics indented below a failure), exits 1 if any failed.
#
# Golden tests: NNN-name.spec with NNN-name.expected, which is either the
# expected --list output or, when it starts with "mkcpio: ", the expected
# error.  A first line "# mkcpio: ARGS" adds arguments.  The runner creates
# every ${SRC}/path a spec names (content "path"; a path ending in '/' is a
# directory; a name starting with "empty" is empty; paths under missing/ are
# left out) and runs with -t $EPOCH.
# Every archive is read back by GNU cpio and bsdtar and both their listings
# and the trees they extract are compared with ours and with the spec.
#
# KERNEL_SRC=<linux tree>: also compare with its usr/gen_init_cpio.

set -u
export LC_ALL=C
MKCPIO=$1
TESTS=$(cd "$(dirname "$0")" && pwd)
EPOCH=1700000000
T=$(mktemp -d "${TMPDIR:-/tmp}/mkcpio-test.XXXXXX")
trap 'chmod -R u+rwx "$T" 2>/dev/null; rm -rf "$T"' EXIT
trap 'exit 1' INT TERM
umask 022
failed=0
ROOT=0
[ "$(id -u)" = 0 ] && ROOT=1
unset SOURCE_DATE_EPOCH

pass() {
	echo "ok - $1"
}

# fail DESC [FILE...]: report, with the files' contents as diagnostics
fail() {
	echo "not ok - $1"
	shift
	for f in "$@"; do
		sed 's/^/    /' "$f" | head -n 40
	done
	failed=1
}

# same DESC EXPECTED ACTUAL: compare two files
same() {
	if diff -u "$2" "$3" >"$T/diff" 2>&1; then
		pass "$1"
	else
		fail "$1" "$T/diff"
	fi
}

# run_ok DESC CMD...: the command must succeed
run_ok() {
	_d=$1
	shift
	if "$@" >"$T/out" 2>&1; then
		pass "$_d"
	else
		fail "$_d (exit $?)" "$T/out"
	fi
}

# ---- helpers ----

# Create the sources a spec names below $2.
make_sources() {
	sed -n 's/^[ 	]*file[ 	]\{1,\}[^ 	]\{1,\}[ 	]\{1,\}\${SRC}\/\([^ 	]*\).*/\1/p' "$1" |
	while read -r p; do
		case $p in
		missing/*) ;;
		*/) mkdir -p "$2/$p" ;;
		empty* | */empty*)
			mkdir -p "$2/$(dirname "$p")"
			: >"$2/$p"
			;;
		*)
			mkdir -p "$2/$(dirname "$p")"
			printf '%s\n' "$p" >"$2/$p"
			;;
		esac
	done
}

# The tree a spec describes: one line per entry, as manifest() prints.
spec_manifest() {
	awk -v src="$2" -v root="$ROOT" '
	function perm(m,   i, v) {
		v = 0
		for (i = 1; i <= length(m); i++)
			v = v * 8 + substr(m, i, 1)
		return sprintf("%o", v)
	}
	function name(n) { sub(/^\//, "", n); return n }
	/^[ \t]*(#|$)/ { next }
	$1 == "dir" && $2 != "/" { print "d " perm($3) " " name($2) }
	$1 == "file" {
		loc = $3
		sub(/\$\{SRC\}/, src, loc)
		cmd = "cksum < \"" loc "\""
		cmd | getline sum
		close(cmd)
		for (i = 7; i <= NF + 1; i++) {
			n = (i == NF + 1) ? $2 : $i
			print "f " perm($4) " " name(n) " " (NF - 5) " " epoch " " sum
		}
	}
	$1 == "slink" { print "l - " name($2) " -> " $3 }
	$1 == "nod" && root { print $6 " " perm($3) " " name($2) }
	$1 == "pipe" { print "p " perm($3) " " name($2) }
	$1 == "sock" { print "s " perm($3) " " name($2) }
	' epoch=$EPOCH "$1" | sort -k3
}

# The tree below $1, in the same form.
manifest() {
	(cd "$1" && find . -mindepth 1 | sed 's|^\./||' | sort | while read -r n; do
		if [ -L "$n" ]; then
			echo "l - $n -> $(readlink "$n")"
		elif [ -f "$n" ]; then
			stat -c '%a %h %Y' "$n" |
				awk -v n="$n" -v s="$(cksum <"$n")" \
					'{ print "f " $1 " " n " " $2 " " $3 " " s }' 
		else
			echo "$(stat -c '%F' "$n" | sed 's/^directory$/d/; s/^character special file$/c/; s/^block special file$/b/; s/^fifo$/p/; s/^socket$/s/') $(stat -c %a "$n") $n"
		fi
	done) | sort -k3
}

# Listings without dates: mode nlink uid gid size-or-dev name [-> target].
# $2 is the number of date fields (ours 2, cpio and bsdtar 3).
nodate() {
	sed 's/\([0-9]\{1,\}\), *\([0-9]\{1,\}\) /\1,\2 /; s/ link to .*//; s/  \[overrides.*//' "$1" |
	awk -v d="$2" '{ o = $1 " " $2 " " $3 " " $4 " " $5
		for (i = 6 + d; i <= NF; i++) o = o " " $i; print o }'
}

decompress() {
	case $2 in
	*-z\ gzip*) gzip -dc "$1" ;;
	*-z\ xz*) xz -dc "$1" ;;
	*-z\ zstd*) zstd -qdc "$1" ;;
	*-z\ lz4*) lz4 -qdc "$1" ;;
	*) cat "$1" ;;
	esac
}

# Real readers and our own extraction against the spec.
readers() {
	_n=$1 _w=$2 _args=$3 _spec=$4
	spec_manifest "$_spec" "$_w/src" >"$_w/spec.mf"
	"$MKCPIO" --list "$_w/out.cpio" >"$_w/list" 2>&1
	nodate "$_w/list" 2 >"$_w/list.nd"

	decompress "$_w/out.cpio" "$_args" >"$_w/plain.cpio"
	cpio -tv --numeric-uid-gid <"$_w/plain.cpio" >"$_w/cpio.list" 2>/dev/null
	nodate "$_w/cpio.list" 3 >"$_w/cpio.nd"
	same "$_n: GNU cpio lists what mkcpio --list does" "$_w/list.nd" "$_w/cpio.nd"
	bsdtar -tvf "$_w/out.cpio" --numeric-owner >"$_w/bsdtar.list" 2>&1
	nodate "$_w/bsdtar.list" 3 >"$_w/bsdtar.nd"
	same "$_n: bsdtar lists what mkcpio --list does" "$_w/list.nd" "$_w/bsdtar.nd"

	mkdir "$_w/x-cpio" "$_w/x-bsdtar" "$_w/x-mkcpio"
	_fmt=newc
	case " $_args " in *" -c "*) _fmt=crc ;; esac
	(cd "$_w/x-cpio" && cpio -i -d -m -H $_fmt --no-absolute-filenames \
		<"$_w/plain.cpio" 2>/dev/null)
	manifest "$_w/x-cpio" >"$_w/cpio.mf"
	same "$_n: GNU cpio extracts what the spec says" "$_w/spec.mf" "$_w/cpio.mf"
	(cd "$_w/x-bsdtar" && bsdtar -xpf "$_w/out.cpio" 2>/dev/null)
	manifest "$_w/x-bsdtar" >"$_w/bsdtar.mf"
	# libarchive extracts a socket as an empty regular file, and drops
	# setuid/setgid from files whose owner it cannot restore (non-root).
	awk -v e="$(cksum </dev/null)" -v t=$EPOCH -v root=$ROOT '
	$1 == "s" { print "f " $2 " " $3 " 1 " t " " e; next }
	$1 == "f" && !root && length($2) == 4 {
		d = substr($2, 1, 1) % 2
		$2 = (d ? d : "") substr($2, 2)
	}
	1' "$_w/spec.mf" | sort -k3 >"$_w/spec-bsdtar.mf"
	same "$_n: bsdtar extracts what the spec says" "$_w/spec-bsdtar.mf" "$_w/bsdtar.mf"
	"$MKCPIO" --extract "$_w/out.cpio" -C "$_w/x-mkcpio" 2>"$_w/x.err"
	manifest "$_w/x-mkcpio" >"$_w/mkcpio.mf"
	same "$_n: mkcpio --extract extracts what the spec says" "$_w/spec.mf" "$_w/mkcpio.mf"
}

# ---- golden tests ----

golden() {
	spec=$1
	n=$(basename "$spec" .spec)
	w=$T/$n
	mkdir -p "$w/src"
	make_sources "$spec" "$w/src"
	args=$(sed -n '1s/^# mkcpio: //p' "$spec")
	# shellcheck disable=SC2086
	(cd "$TESTS" && SRC=$w/src "$MKCPIO" -t $EPOCH $args -o "$w/out.cpio" \
		"$n.spec") >"$w/stdout" 2>"$w/stderr"
	rc=$?
	if [ "$(head -c 8 "$TESTS/$n.expected")" = "mkcpio: " ]; then
		sed "s|$w/src|\${SRC}|g" "$w/stderr" >"$w/stderr.s"
		if [ $rc != 1 ]; then
			fail "$n: exits 1 (got $rc)" "$w/stderr"
		elif [ -e "$w/out.cpio" ] || ls -A "$w" | grep -q '^\.out\.cpio\.'; then
			fail "$n: leaves no output file" "$w/stderr"
		else
			same "$n: fails with the expected message, no output" \
				"$TESTS/$n.expected" "$w/stderr.s"
		fi
		return
	fi
	if [ $rc != 0 ]; then
		fail "$n: mkcpio succeeds (exit $rc)" "$w/stderr"
		return
	fi
	"$MKCPIO" --list "$w/out.cpio" >"$w/list" 2>&1
	same "$n: --list gives the expected listing" "$TESTS/$n.expected" "$w/list"
	run_ok "$n: --verify accepts it" "$MKCPIO" --verify "$w/out.cpio"
	readers "$n" "$w" "$args" "$spec"

	# Same input, other sources' mtimes and another umask: same bytes.
	find "$w/src" -exec touch -d @12345 {} +
	# shellcheck disable=SC2086
	(umask 077 && cd "$TESTS" && SRC=$w/src "$MKCPIO" -t $EPOCH $args \
		-o "$w/again.cpio" "$n.spec")
	if cmp -s "$w/out.cpio" "$w/again.cpio"; then
		pass "$n: reproducible (touched sources, umask 077)"
	else
		fail "$n: reproducible (touched sources, umask 077)"
	fi
}

for spec in "$TESTS"/[0-9][0-9][0-9]-*.spec; do
	golden "$spec"
done

# ---- the kernel's gen_init_cpio ----

kernel_compare() {
	gic=$T/gen_init_cpio
	if ! cc -O2 -o "$gic" "$KERNEL_SRC/usr/gen_init_cpio.c" 2>"$T/gic.err"; then
		fail "usr/gen_init_cpio builds from KERNEL_SRC" "$T/gic.err"
		return
	fi
	for spec in "$TESTS"/00[0-9]-*.spec; do
		n=$(basename "$spec" .spec)
		args=$(sed -n '1s/^# mkcpio: //p' "$spec")
		case $args in *-z*|*--sort*) continue ;; esac
		grep -q '^dir / ' "$spec" && continue	# "." by design
		w=$T/$n
		find "$w/src" -exec touch -d @$EPOCH {} +
		# shellcheck disable=SC2086
		(cd "$TESTS" && SRC=$w/src "$gic" -t $EPOCH $args "$n.spec") \
			>"$w/kernel.cpio" 2>"$w/kernel.err"
		if cmp -s "$w/out.cpio" "$w/kernel.cpio"; then
			pass "$n: byte-identical to usr/gen_init_cpio -t"
		else
			"$MKCPIO" --list "$w/kernel.cpio" >"$w/kernel.list" 2>&1
			diff -u "$w/kernel.list" "$w/list" >"$w/kdiff"
			fail "$n: byte-identical to usr/gen_init_cpio -t" "$w/kdiff" "$w/kernel.err"
		fi
	done
}

if [ -n "${KERNEL_SRC:-}" ] && [ -f "$KERNEL_SRC/usr/gen_init_cpio.c" ]; then
	kernel_compare
else
	echo "ok - # SKIP usr/gen_init_cpio comparison (set KERNEL_SRC to a Linux tree)"
fi

. "$TESTS/more.sh"

exit $failed
