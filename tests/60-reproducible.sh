# SPDX-License-Identifier: GPL-2.0-only
# Two builds of qemu_x86_64_defconfig from scratch in different paths,
# umasks, time zones, users and -j give the same images (tests/reproducible.sh).
sh "$(dirname "$0")/reproducible.sh" qemu_x86_64_defconfig
