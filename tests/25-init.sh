# SPDX-License-Identifier: GPL-2.0-only
# support/init's unit tests: the kernel command line parser, the ext
# superblock UUID reader, the uevent and /proc/filesystems parsers.
. "$(dirname "$0")/lib/test.sh"
if make -s -C "$TOP/support/init" check BUILD_DIR="$TMP/build" >"$TMP/check.out" 2>&1; then
	grep -E '^(not )?ok ' "$TMP/check.out"
else
	grep -E '^(not )?ok ' "$TMP/check.out"
	grep -Eq '^not ok ' "$TMP/check.out" || { fail "make -C support/init check"; detail "$TMP/check.out"; }
fi
