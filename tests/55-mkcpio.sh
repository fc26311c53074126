# SPDX-License-Identifier: GPL-2.0-only
# mkcpio's tests (support/mkcpio/tests): golden listings, real readers,
# every error message, reproducibility. Runs after the boot test so the
# kernel tree it built is there to compare with usr/gen_init_cpio.
. "$(dirname "$0")/lib/test.sh"
ksrc=${RB_TEST_OUTPUT:-$TOP/output-check}/boot/build/linux
[ -f "$ksrc/usr/gen_init_cpio.c" ] && export KERNEL_SRC="${KERNEL_SRC:-$ksrc}"
tool_tests mkcpio mkcpio mkcpio
