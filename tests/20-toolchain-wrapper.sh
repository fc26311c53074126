# SPDX-License-Identifier: GPL-2.0-only
# The toolchain wrapper's unit tests (support/toolchain-wrapper/tests).
. "$(dirname "$0")/lib/test.sh"
tool_tests "the toolchain wrapper" toolchain-wrapper toolchain-wrapper
