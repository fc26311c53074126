#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# tests/bench.sh: the figures of a build, printed, never asserted.
#
# usage: tests/bench.sh [DEFCONFIG]      (make bench)
#
# In $RB_BENCH_OUTPUT (default output-check/bench): a clean build with the
# sources already in DL_DIR (wall time, time per step kind, the time spent
# outside configure/build/install), the median of 5 no-op makes, a make
# after editing one overlay file, the sizes of the images and busybox, and
# the time from QEMU start to the shell prompt under TCG. Set RB_CCACHE=y
# to build through ccache (a warm cache makes the clean build a rebuild).

cd "$(dirname "$0")/.." || exit 2
TOP=$(pwd)
defconfig=${1:-qemu_x86_64_defconfig}
O=${RB_BENCH_OUTPUT:-$TOP/output-check}/bench
m() { make -C "$TOP" O="$O" "$@"; }
now() { date +%s.%N; }
secs() { echo "$2 - $1" | bc | sed 's/^\./0./; s/\(\.[0-9][0-9]\).*/\1/'; }

rm -rf "$O"
m "$defconfig" >/dev/null || exit 1
if [ "${RB_CCACHE:-}" = y ]; then
	echo RB_CCACHE=y >"$O/.rb-bench-fragment"
	support/scripts/kconfig-merge "$O/.config" "$O/.rb-bench-fragment"
	m olddefconfig >/dev/null
fi
m source >/dev/null || exit 1
rm -f "$O/build/build-time.log"

t0=$(now)
m >"$O/bench-build.log" 2>&1 || { tail -n 30 "$O/bench-build.log"; exit 1; }
t1=$(now)
wall=$(secs "$t0" "$t1")
echo "clean build ($defconfig, sources in DL_DIR): $wall s wall"
awk '{ t[$2] += $3 } END { for (s in t) printf "  %-10s %7.1f s\n", s, t[s] }' \
	"$O/build/build-time.log" | sort
compile=$(awk '$2 ~ /^(configure|build|install|image)$/ { t += $3 } END { print t }' "$O/build/build-time.log")
other=$(echo "$wall - $compile" | bc)
echo "  outside configure/build/install/image: $other s ($(echo "scale=1; 100 * $other / $wall" | bc) %)"
echo "  extract+patch+download: $(awk '$2 ~ /^(extract|patch|source)$/ { t += $3 } END { print t }' "$O/build/build-time.log") s"

runs=
for i in 1 2 3 4 5; do
	a=$(now)
	m >/dev/null 2>&1
	b=$(now)
	runs="$runs $(secs "$a" "$b")"
done
median=$(printf '%s\n' $runs | sort -n | sed -n 3p)
echo "no-op make: median $median s of 5 ($runs )"

mkdir -p "$TOP/rootfs-overlay/etc"
cp "$TOP/rootfs-overlay/etc/issue" "$O/issue.orig"
echo "bench $(date +%s)" >>"$TOP/rootfs-overlay/etc/issue"
a=$(now)
m >"$O/bench-overlay.log" 2>&1
b=$(now)
cp "$O/issue.orig" "$TOP/rootfs-overlay/etc/issue"
echo "make after editing rootfs-overlay/etc/issue: $(secs "$a" "$b") s; steps run:" \
	"$(grep '^>>>' "$O/bench-overlay.log" | sed 's/^>>> //' | tr '\n' ',' | sed 's/,$//')"
m >/dev/null 2>&1

echo "bzImage: $(stat -c %s "$O/images/bzImage") bytes"
[ -f "$O/images/rootfs.cpio.gz" ] && echo "rootfs.cpio.gz: $(stat -c %s "$O/images/rootfs.cpio.gz") bytes"
"$O/host/bin/mkcpio" -z gzip -t 0 -o "$O/bench-rootfs.cpio.gz" "$O/images/rootfs.spec" 2>/dev/null &&
	echo "the initramfs as cpio.gz: $(stat -c %s "$O/bench-rootfs.cpio.gz") bytes"
echo "busybox: $(stat -c %s "$O/target/bin/busybox") bytes"

fifo=$O/bench-qemu.in
rm -f "$fifo"
mkfifo "$fifo"
a=$(date +%s%N)
QEMU_ACCEL=tcg "$O/images/run-qemu.sh" <"$fifo" >"$O/bench-console.log" 2>&1 &
pid=$!
exec 3>"$fifo"
n=600
while [ $n -gt 0 ] && ! grep -Eq '@[a-z0-9-]+:/# ' "$O/bench-console.log"; do
	sleep 0.05
	n=$((n - 1))
done
b=$(date +%s%N)
printf 'reboot -f\n' >&3
sleep 2
kill $pid 2>/dev/null
exec 3>&-
if [ $n -gt 0 ]; then
	echo "boot to the shell prompt under TCG: $(( (b - a) / 1000000 )) ms"
else
	echo "boot to the shell prompt under TCG: no prompt in 30 s"
fi
