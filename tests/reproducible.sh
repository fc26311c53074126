#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# tests/reproducible.sh: build a defconfig twice, from scratch, under two
# different environments, and compare output/images byte for byte.
#
# usage: tests/reproducible.sh [DEFCONFIG]       (make check-reproducible)
#
# Build A: a short output path, umask 022, TZ=UTC, USER=alice, -j3, through
# ccache when RB_CCACHE is set. Build B, started later: a much longer path,
# umask 077, TZ=Asia/Tokyo, LANG=fr_FR.UTF-8, USER=bob, HOSTNAME=elsewhere,
# -j2, ccache off, so every object is compiled anew in B's paths. Both use
# the shared DL_DIR, and have the external initrd on. A file that differs is
# named, and diffoscope (when installed) writes its report to
# $BASE/repro/<file>.txt. Prints "ok"/"not ok" lines and the figures.

cd "$(dirname "$0")/.." || exit 2
TOP=$(pwd)
defconfig=${1:-qemu_x86_64_defconfig}
BASE=${RB_REPRO_OUTPUT:-$TOP/output-check}/repro
A=$BASE/a
B=$BASE/b/a-much-longer-output-directory/to-move-every-path/in-the-build/and-change-its-length
rm -rf "$BASE"
mkdir -p "$BASE/repro"

# build DIR [SYMBOL...]: defconfig + external initrd + SYMBOLs, then make,
# with the caller's environment; says ok or not ok, 1 on failure
build() {
	d=$1
	shift
	if make -C "$TOP" O="$d" "$defconfig" >/dev/null &&
	   printf '%s\n' RB_TARGET_INITRAMFS_EXTERNAL=y "$@" >"$d/.rb-repro-fragment" &&
	   support/scripts/kconfig-merge "$d/.config" "$d/.rb-repro-fragment" &&
	   make -C "$TOP" O="$d" olddefconfig >/dev/null &&
	   make -C "$TOP" O="$d" >"$d.log" 2>&1; then
		echo "ok - build in $d"
	else
		echo "not ok - build in $d"
		tail -n 30 "$d.log" 2>/dev/null | sed 's/^/    /'
		return 1
	fi
}

t0=$(date +%s)
(umask 022; export TZ=UTC USER=alice LOGNAME=alice HOSTNAME=builder-a RB_JLEVEL=3
 build "$A" ${RB_CCACHE:+RB_CCACHE=y}) || exit 1
t1=$(date +%s)
(umask 077; export TZ=Asia/Tokyo LANG=fr_FR.UTF-8 USER=bob LOGNAME=bob \
	HOSTNAME=elsewhere RB_JLEVEL=2 CCACHE_DISABLE=1
 build "$B") || exit 1
t2=$(date +%s)

for f in $(cd "$A/images" && ls); do
	if cmp -s "$A/images/$f" "$B/images/$f"; then
		echo "ok - images/$f is the same in both builds"
	else
		echo "not ok - images/$f differs between the builds"
		if command -v diffoscope >/dev/null; then
			diffoscope --text "$BASE/repro/$f.txt" "$A/images/$f" "$B/images/$f" >/dev/null 2>&1
			echo "    diffoscope: $BASE/repro/$f.txt"
			head -n 30 "$BASE/repro/$f.txt" | sed 's/^/    /'
		else
			cmp "$A/images/$f" "$B/images/$f" | sed 's/^/    /'
		fi
	fi
done
for f in bzImage rootfs.cpio.gz; do
	echo "# sha256 $f: A $(sha256sum <"$A/images/$f" | cut -c1-64)"
	echo "# sha256 $f: B $(sha256sum <"$B/images/$f" | cut -c1-64)"
done
echo "# build A: $((t1 - t0)) s, build B: $((t2 - t1)) s"
