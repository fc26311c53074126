# SPDX-License-Identifier: GPL-2.0-only
# Build qemu_x86_64_defconfig and boot it under QEMU (no KVM): the busybox
# shell on the serial console, uname, mounts, devices; rdinit=/bin/sh; the
# external initrd, and an external archive overriding a built-in file.
#
# The output directory is $RB_TEST_OUTPUT (default output-check/boot in the
# tree), kept between runs so a second `make check` builds nothing.

. "$(dirname "$0")/lib/test.sh"
. "$(dirname "$0")/lib/qemu.sh"
. "$(dirname "$0")/lib/config.sh"

O=${RB_TEST_OUTPUT:-$TOP/output-check}/boot
m() { make -C "$TOP" O="$O" "$@"; }

build_defconfig "$O" qemu_x86_64_defconfig || exit 0
for f in bzImage run-qemu.sh rootfs.spec; do
	check "output/images/$f exists" test -s "$O/images/$f"
done
size=$(stat -c %s "$O/images/bzImage")
echo "# bzImage: $size bytes"

# boot NAME APPEND: boot the images with RB_APPEND, wait for the marker
boot() {
	qemu_start "$1" env QEMU_ACCEL=tcg RB_APPEND="$2" "$O/images/run-qemu.sh"
}

boot shell ""
if qemu_wait '@[a-z0-9-]+:/# ' 60; then
	pass "boots to the busybox shell prompt ($(qemu_elapsed) s after QEMU started)"
else
	fail "boots to the busybox shell prompt"
	detail_tail "$QEMU_LOG"
fi
qemu_cmd 'uname -r' && check_console "uname -r says 6.1" '^6\.1\.[0-9]+'
qemu_cmd 'cat /proc/mounts'
check_console "/proc is mounted" '^proc /proc proc '
check_console "/sys is mounted" '^sysfs /sys sysfs '
check_console "devtmpfs is on /dev" '^devtmpfs /dev devtmpfs '
check_console "the root is the initramfs" '^rootfs / rootfs '
qemu_cmd 'ls /dev'
check_console "/dev has console" 'console'
check_console "... null" 'null'
check_console "... and ttyS0" 'ttyS0'
qemu_cmd "cat /etc/hostname; stat -c '%A %n' /tmp"
check_console "the hostname is set" '^ramboot$'
check_console "/tmp is 1777 from the device table" '^drwxrwxrwt /tmp$'
if qemu_stop; then pass "reboot -f ends QEMU"; else fail "reboot -f ends QEMU"; fi

boot rdinit "rdinit=/bin/sh"
qemu_wait 'job control|# ' 60
qemu_cmd 'echo pid=$$' && check_console "rdinit=/bin/sh gives a shell as PID 1" '^pid=1$'
qemu_stop

# An external archive supplements the built-in one, and its files win:
# the kernel unpacks the built-in initramfs first, then the initrd over it.
printf 'dir /etc 0755 0 0\nfile /etc/hostname %s 0644 0 0\n' "$TMP/hostname" >"$TMP/extra.spec"
echo supplemented >"$TMP/hostname"
check "mkcpio makes a small external archive" \
	"$O/host/bin/mkcpio" -t 0 -z gzip -o "$TMP/extra.cpio.gz" "$TMP/extra.spec"
qemu_start supplement qemu-system-x86_64 -machine pc,accel=tcg -m 256M -nographic -no-reboot \
	-kernel "$O/images/bzImage" -initrd "$TMP/extra.cpio.gz" -append console=ttyS0
qemu_wait '@[a-z0-9-]+:/# ' 60
check_console "the external archive's /etc/hostname overrides the built-in one" '@supplemented:/# '
qemu_stop

# The external initrd: the same spec as a gzip'd cpio beside the built-in one.
set_config "$O" RB_TARGET_INITRAMFS_EXTERNAL=y
check "make with the external initrd on" m
check "rootfs.cpio.gz exists" test -s "$O/images/rootfs.cpio.gz"
check_grep "run-qemu.sh passes it with -initrd" '-initrd' "$O/images/run-qemu.sh"
boot external ""
qemu_wait '@[a-z0-9-]+:/# ' 60
check_console "the kernel unpacks the external initrd" '^Unpacking initramfs\.\.\.$'
check_console "and boots to the shell" '@[a-z0-9-]+:/# '
qemu_stop
set_config "$O" '# RB_TARGET_INITRAMFS_EXTERNAL is not set'
