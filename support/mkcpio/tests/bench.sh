#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# tests/bench.sh MKCPIO - throughput and peak RSS of mkcpio against the
# kernel's usr/gen_init_cpio (built from $KERNEL_SRC if set) and
# "find . | cpio -o -H newc", on a tree of 50,000 small files plus three
# 100 MB files, made in a temporary directory that is removed afterwards.
# Each tool runs twice on a warm page cache after a sync and the faster run
# counts; MB/s is archive bytes over wall-clock seconds, peak RSS is the
# larger of the two runs.  BENCH_FILES and BENCH_BIG_MB shrink the tree.

set -u
export LC_ALL=C
MKCPIO=$1
FILES=${BENCH_FILES:-50000}
BIG_MB=${BENCH_BIG_MB:-100}
T=$(mktemp -d "${TMPDIR:-/tmp}/mkcpio-bench.XXXXXX")
trap 'rm -rf "$T"' EXIT
trap 'exit 1' INT TERM

echo "bench: making $FILES small files and 3 x $BIG_MB MB in $T"
start=$(date +%s)
mkdir "$T/tree"
# 100 files a directory, 200 to 2000 bytes each, contents differ.
awk -v n="$FILES" -v root="$T/tree" 'BEGIN {
	line = "the quick brown fox jumps over the lazy dog 0123456789\n"
	for (i = 0; i < n; i++) {
		if (i % 100 == 0) {
			d = sprintf("%s/d%04d", root, i / 100)
			system("mkdir " d)
		}
		f = sprintf("%s/f%05d", d, i)
		for (k = 0; k < 4 + i % 33; k++)
			printf "%d %s", i, line > f
		close(f)
	}
}'
for i in 1 2 3; do
	head -c "${BIG_MB}M" /dev/urandom >"$T/tree/big$i"
done
"$MKCPIO" --from-dir "$T/tree" --squash >"$T/spec"
sync
cat "$T/tree/big1" "$T/tree/big2" "$T/tree/big3" >/dev/null
echo "bench: tree ready after $(($(date +%s) - start)) s"

GIC=
if [ -n "${KERNEL_SRC:-}" ] && [ -f "$KERNEL_SRC/usr/gen_init_cpio.c" ]; then
	cc -O2 -o "$T/gen_init_cpio" "$KERNEL_SRC/usr/gen_init_cpio.c" && GIC=$T/gen_init_cpio
fi

# row LABEL CMD: run CMD twice under /usr/bin/time; seconds, MB/s, RSS
row() {
	_label=$1
	shift
	: >"$T/times"
	for _run in 1 2; do
		rm -f "$T/out.cpio"
		/usr/bin/time -f '%e %M' -o "$T/time" sh -c "$*" || {
			printf '%-30s failed\n' "$_label"
			return
		}
		cat "$T/time" >>"$T/times"
		_size=$(stat -c %s "$T/out.cpio")
		rm -f "$T/out.cpio"
		sync
	done
	awk -v l="$_label" -v s="$_size" '
	NR == 1 || $1 < t { t = $1 }
	$2 > m { m = $2 }
	END {
		mbs = t > 0 ? s / 1048576 / t : 0
		printf "%-30s %8.2f %9.1f %12.1f %10.1f\n", l, t, mbs, m / 1024, s / 1048576
	}' "$T/times"
}

printf '%-30s %8s %9s %12s %10s\n' tool seconds MB/s "peak RSS MB" "archive MB"
row "mkcpio -o (copy_file_range)" "'$MKCPIO' -o '$T/out.cpio' '$T/spec'"
row "mkcpio > pipe (read/write)" "'$MKCPIO' '$T/spec' | cat >'$T/out.cpio'"
if [ -n "$GIC" ]; then
	row "usr/gen_init_cpio" "'$GIC' -t 0 '$T/spec' >'$T/out.cpio'"
else
	printf '%-30s skipped: set KERNEL_SRC to a Linux tree\n' "usr/gen_init_cpio"
fi
row "find . | cpio -o -H newc" "cd '$T/tree' && find . | cpio -o -H newc --quiet >'$T/out.cpio'"
