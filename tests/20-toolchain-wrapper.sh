# SPDX-License-Identifier: GPL-2.0-only
# The toolchain wrapper's unit tests (support/toolchain-wrapper/tests).
. "$(dirname "$0")/lib/test.sh"
if make -s -C "$TOP/support/toolchain-wrapper" BUILD_DIR="$TMP/build" >"$TMP/make.log" 2>&1; then
	pass "the toolchain wrapper builds"
	sh "$TOP/support/toolchain-wrapper/tests/run.sh" "$TMP/build/toolchain-wrapper"
else
	fail "the toolchain wrapper builds"
	detail "$TMP/make.log"
fi
