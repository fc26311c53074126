#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# tests/bench.sh MKCPIO - throughput and peak RSS of mkcpio against the
# kernel's usr/gen_init_cpio (built from $KERNEL_SRC if set), GNU cpio
# ("find | cpio -o -H newc") and, for large files, cat.  Two trees are made
# in a temporary directory that is removed afterwards: 50,000 small files
# (200 to 2000 bytes, 100 a directory) and three 100 MB files.
#
# The trees are read once before timing, so every run finds them in the
# page cache.  Each tool runs BENCH_RUNS times (5), the tools taking turns
# (every other round in reverse order) so that a change in the machine's
# load hits them alike, and the median run counts: "wall" (from the clock,
# to the millisecond) and "cpu" (user + system, as time(1) reports it)
# seconds, MB/s (archive bytes over wall seconds), and the largest peak RSS
# of the runs.  The last column compares wall time with gen_init_cpio
# (small files) or cat (large files).  On a busy machine trust cpu more
# than wall.
#
# BENCH_FILES, BENCH_BIG_MB and BENCH_RUNS make it smaller or longer.

set -u
export LC_ALL=C
MKCPIO=$1
# The tools run inside the trees.
case $MKCPIO in
*/*) MKCPIO=$(cd "$(dirname "$MKCPIO")" && pwd)/$(basename "$MKCPIO") ;;
esac
FILES=${BENCH_FILES:-50000}
BIG_MB=${BENCH_BIG_MB:-100}
RUNS=${BENCH_RUNS:-5}
T=$(mktemp -d "${TMPDIR:-/tmp}/mkcpio-bench.XXXXXX")
trap 'rm -rf "$T"' EXIT
trap 'exit 1' INT TERM

echo "bench: making $FILES small files and 3 x $BIG_MB MB in $T"
start=$(date +%s)
mkdir "$T/small" "$T/large"
# 100 files a directory, 200 to 2000 bytes each, contents differ.
awk -v n="$FILES" -v root="$T/small" 'BEGIN {
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
	head -c "${BIG_MB}M" /dev/urandom >"$T/large/big$i"
done
for set in small large; do
	"$MKCPIO" --from-dir "$T/$set" --squash >"$T/$set.spec" || exit 1
done
sync
# Warm the page cache: every run should find the sources there.
find "$T/small" "$T/large" -type f -exec cat {} + >/dev/null
echo "bench: trees ready after $(($(date +%s) - start)) s"

GIC=
if [ -n "${KERNEL_SRC:-}" ] && [ -f "$KERNEL_SRC/usr/gen_init_cpio.c" ]; then
	cc -O2 -o "$T/gen_init_cpio" "$KERNEL_SRC/usr/gen_init_cpio.c" && GIC=$T/gen_init_cpio
fi

# tools SET: one line per tool, "label<TAB>command"; the command writes
# $T/out.cpio and runs in $T/SET.
tools() {
	printf '%s\t%s\n' "mkcpio -o" "'$MKCPIO' -o '$T/out.cpio' '$T/$1.spec'"
	printf '%s\t%s\n' "mkcpio > file" "'$MKCPIO' '$T/$1.spec' >'$T/out.cpio'"
	printf '%s\t%s\n' "mkcpio | cat > file" "'$MKCPIO' '$T/$1.spec' | cat >'$T/out.cpio'"
	printf '%s\t%s\n' "mkcpio -o, no io_uring" \
		"MKCPIO_NO_IO_URING=1 '$MKCPIO' -o '$T/out.cpio' '$T/$1.spec'"
	if [ -n "$GIC" ]; then
		printf '%s\t%s\n' "usr/gen_init_cpio" "'$GIC' -t 0 '$T/$1.spec' >'$T/out.cpio'"
	fi
	printf '%s\t%s\n' "find | cpio -o -H newc" \
		"find . | cpio -o -H newc --quiet >'$T/out.cpio'"
	if [ "$1" = large ]; then
		printf '%s\t%s\n' "cat (reference)" "cat big1 big2 big3 >'$T/out.cpio'"
	fi
}

# bench SET REF: time every tool RUNS times, round robin, and print the
# table; REF is the label the last column compares with.
bench() {
	tools "$1" >"$T/tools"
	# Every other round goes backwards, so no tool always runs first.
	sed -n '1!G;h;$p' "$T/tools" >"$T/tools.rev"
	: >"$T/times"
	run=1
	while [ $run -le "$RUNS" ]; do
		order=$T/tools
		[ $((run % 2)) = 0 ] && order=$T/tools.rev
		while IFS='	' read -r label cmd; do
			rm -f "$T/out.cpio"
			sync
			t0=$(date +%s%N)
			if (cd "$T/$1" && /usr/bin/time -f '%U %S %M' -o "$T/time" \
				sh -c "$cmd") && [ -s "$T/out.cpio" ]; then
				t1=$(date +%s%N)
				printf '%s\t%s %s %s\n' "$label" \
					"$(((t1 - t0) / 1000000))" "$(cat "$T/time")" \
					"$(stat -c %s "$T/out.cpio")" >>"$T/times"
			else
				printf '%s\tfailed\n' "$label" >>"$T/times"
			fi
			rm -f "$T/out.cpio"
		done <"$order"
		run=$((run + 1))
	done
	[ -n "$GIC" ] || [ "$2" != usr/gen_init_cpio ] ||
		echo "(usr/gen_init_cpio skipped: set KERNEL_SRC to a Linux tree)"
	printf '%-24s %7s %7s %8s %12s %10s %8s\n' "$1 files" wall cpu MB/s \
		"peak RSS MB" "archive MB" "vs ref"
	awk -F '\t' -v ref="$2" '
	function median(s,   a, n, i, j, t) {
		n = split(s, a, " ")
		for (i = 2; i <= n; i++)
			for (j = i; j > 1 && a[j - 1] > a[j]; j--) {
				t = a[j]; a[j] = a[j - 1]; a[j - 1] = t
			}
		return a[int((n + 1) / 2)]
	}
	!($1 in seen) { seen[$1] = 1; order[++n] = $1 }
	$2 == "failed" { failed[$1] = 1; next }
	{
		split($2, f, " ")
		wall[$1] = wall[$1] " " f[1] / 1000
		cpu[$1] = cpu[$1] " " (f[2] + f[3])
		if (f[4] > rss[$1])
			rss[$1] = f[4]
		size[$1] = f[5]
	}
	END {
		if (ref in wall)
			r = median(wall[ref])
		for (i = 1; i <= n; i++) {
			l = order[i]
			if (l in failed) {
				printf "%-24s failed\n", l
				continue
			}
			w = median(wall[l])
			printf "%-24s %7.3f %7.2f %8.1f %12.1f %10.1f", l, w,
				median(cpu[l]), (w > 0 ? size[l] / 1048576 / w : 0),
				rss[l] / 1024, size[l] / 1048576
			if (r > 0 && w > 0)
				printf " %7.2fx", r / w
			printf "\n"
		}
	}' "$T/times"
}

echo "bench: median of $RUNS runs; vs ref = reference wall / tool wall (higher is faster)"
bench small usr/gen_init_cpio
echo
bench large "cat (reference)"
