# SPDX-License-Identifier: GPL-2.0-only
# Early userspace: build qemu_x86_64_rootfs_defconfig (an initramfs with
# only the klibc /init, busybox on rootfs.ext4) and boot it under QEMU (no
# KVM): the real root's prompt, /dev/vda as /, busybox init as PID 1, the
# initramfs freed; root=UUID=; an absent root= gives the init's one-line
# reason, no panic. The output is $RB_TEST_OUTPUT/rootfs, kept between runs.

. "$(dirname "$0")/lib/test.sh"
. "$(dirname "$0")/lib/qemu.sh"
. "$(dirname "$0")/lib/config.sh"

O=${RB_TEST_OUTPUT:-$TOP/output-check}/rootfs
m() { make -C "$TOP" O="$O" "$@"; }
PROMPT='@[a-z0-9-]+:/# '

build_defconfig "$O" qemu_x86_64_rootfs_defconfig || exit 0
check "rootfs.ext4 passes e2fsck" e2fsck -fn "$O/images/rootfs.ext4"
check_grep "the initramfs is only the init and its mount points" '^file /init ' "$O/images/rootfs.spec"
check_no_grep "... no busybox in it" 'busybox' "$O/images/rootfs.spec"
RB_INITRAMFS_DIR="$O/initramfs" "$O/host/bin/mkcpio" -t 0 -z gzip -o "$TMP/initramfs.cpio.gz" "$O/images/rootfs.spec"
echo "# klibc initramfs (cpio.gz): $(stat -c %s "$TMP/initramfs.cpio.gz") bytes, /init: $(stat -c %s "$O/initramfs/init") bytes"
# The same init against uClibc-ng, for the sizes side by side.
if make -s -C "$TOP/support/init" BUILD_DIR="$TMP/uclibc-init" CFLAGS=-Os STATIC=-static \
	CC="$O/host/bin/x86_64-rb-linux-uclibc-gcc" >"$TMP/uclibc-init.log" 2>&1; then
	strip "$TMP/uclibc-init/init"
	pass "the init also builds against uClibc-ng ($(stat -c %s "$TMP/uclibc-init/init") bytes stripped)"
else
	fail "the init also builds against uClibc-ng"
	detail "$TMP/uclibc-init.log"
fi
uuid=$(sed -n 's/^RB_TARGET_ROOTFS_EXT4_UUID="\(.*\)"$/\1/p' "$O/.config")

qemu_start realroot env QEMU_ACCEL=tcg "$O/images/run-qemu.sh"
if qemu_wait "$PROMPT" 60; then
	pass "boots to the real root's shell prompt ($(qemu_elapsed) s after QEMU started)"
else
	fail "boots to the real root's shell prompt"
	detail_tail "$QEMU_LOG"
fi
check_console "the init says what it switched to" '^init: switching to /dev/vda \(ext4, ro\), [1-9][0-9]* initramfs entries freed, running /sbin/init'
qemu_cmd 'cat /proc/mounts'
check_console "/dev/vda is mounted on /" '^/dev/vda / ext4 '
check_console "/proc, /sys and /dev moved along" '^devtmpfs /dev devtmpfs '
qemu_cmd 'readlink /proc/1/exe'
check_console "PID 1 is the real root's busybox" '^/bin/busybox$'
qemu_stop

qemu_start uuid env QEMU_ACCEL=tcg RB_APPEND="root=UUID=$uuid" "$O/images/run-qemu.sh"
qemu_wait "$PROMPT" 60
check_console "root=UUID=$uuid boots" "^init: switching to /dev/vda "
check_console "... to the real root's prompt" "$PROMPT"
qemu_stop

qemu_start absent env QEMU_ACCEL=tcg RB_APPEND="root=/dev/vdz rb.roottimeout=2" "$O/images/run-qemu.sh"
qemu_wait '^init: ' 60
sleep 1
check_console "root=/dev/vdz: the init's one-line reason" '^init: root device /dev/vdz did not appear within 2 s \(rootwait\)$'
check_no_grep "... and no kernel panic" 'Kernel panic' "$QEMU_LOG"
qemu_stop
