// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target: the archive reader (decompression, cpio parsing, the
 * kernel's rules) in --list and --verify modes.
 */
#include <stdint.h>
#include <stdio.h>

#include "../mkcpio.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static FILE *null;

	if (!null)
		null = fopen("/dev/null", "w");
	archive_read_mem(data, size, RD_LIST, null);
	archive_read_mem(data, size, RD_VERIFY, NULL);
	return 0;
}
