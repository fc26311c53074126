#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# tests/run.sh BUILD_DIR - unit tests of the initramfs /init; prints
# "ok - ..." or "not ok - ..." per check (details indented below a
# failure), exits 1 if any failed.
#
# Runs BUILD_DIR/test-cmdline (tests/test-cmdline.c: the command line
# parser, uevent and /proc/filesystems parsing, UUIDs) with ext2 and ext4
# images made by mke2fs for the superblock reader, and checks that
# BUILD_DIR/init-host refuses to run when it is not PID 1.  `make check`
# builds both; a missing one is built here with ${HOSTCC:-cc}.

set -u
export LC_ALL=C
B=${1:?usage: tests/run.sh BUILD_DIR}
SRC=$(cd "$(dirname "$0")/.." && pwd)
HOSTCC=${HOSTCC:-cc}
T=$(mktemp -d "${TMPDIR:-/tmp}/init-test.XXXXXX")
trap 'rm -rf "$T"' EXIT
trap 'exit 1' INT TERM
failed=0

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

# build OUTPUT SOURCE...: with the host compiler, unless it is there
build() {
	_out=$1
	shift
	[ -x "$_out" ] && return 0
	mkdir -p "$B" &&
	"$HOSTCC" -Wall -Wextra -O2 -I"$SRC" -o "$_out" "$@" >"$T/cc" 2>&1 && return 0
	fail "build $_out with $HOSTCC" "$T/cc"
	return 1
}

build "$B/test-cmdline" \
	"$SRC/tests/test-cmdline.c" "$SRC/cmdline.c" "$SRC/uuid.c"
build "$B/init-host" "$SRC/init.c" "$SRC/cmdline.c" "$SRC/uuid.c"

# ---- images for the ext superblock reader ----
UUID4=0123abcd-4567-89ef-0123-456789abcdef
UUID2=fedcba98-7654-3210-fedc-ba9876543210
set --
if command -v mke2fs >/dev/null 2>&1 ||
   [ -x /sbin/mke2fs ] || [ -x /usr/sbin/mke2fs ]; then
	PATH=$PATH:/sbin:/usr/sbin
	if mke2fs -q -F -t ext4 -U "$UUID4" "$T/ext4.img" 1M >"$T/mkfs" 2>&1 &&
	   mke2fs -q -F -t ext2 -U "$UUID2" "$T/ext2.img" 1M >>"$T/mkfs" 2>&1; then
		set -- --image "$T/ext4.img" "$UUID4" --image "$T/ext2.img" "$UUID2"
	else
		fail "mke2fs makes the test images" "$T/mkfs"
	fi
else
	echo "ok - ext superblock reader on mke2fs images # SKIP no mke2fs"
fi
dd if=/dev/zero of="$T/zero.img" bs=1024 count=1024 2>/dev/null
printf 'short' >"$T/short.img"
set -- "$@" --image "$T/zero.img" none --image "$T/short.img" none \
	--image "$T/missing.img" "error No such file or directory"

# ---- unit tests ----
if [ -x "$B/test-cmdline" ]; then
	"$B/test-cmdline" "$@" >"$T/out" 2>"$T/err"
	rc=$?
	cat "$T/out"
	if [ $rc -ne 0 ] && ! grep -q '^not ok' "$T/out"; then
		fail "test-cmdline exits $rc" "$T/err"
	fi
	[ $rc -eq 0 ] || failed=1
fi

# ---- init refuses to run when it is not PID 1 ----
if [ -x "$B/init-host" ]; then
	"$B/init-host" >"$T/init.out" 2>&1
	rc=$?
	if [ $rc -eq 2 ] && grep -q '^usage: init ' "$T/init.out"; then
		pass "init is not PID 1: usage, exit 2, nothing touched"
	else
		echo "exit $rc" >>"$T/init.out"
		fail "init is not PID 1: usage, exit 2, nothing touched" "$T/init.out"
	fi
fi

exit $failed
