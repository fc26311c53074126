// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target: the spec parser, the ordering (with and without
 * --sort) and, when a spec is accepted, writing its archive to /dev/null.
 */
#include <fcntl.h>
#include <stdint.h>
#include <unistd.h>

#include "../mkcpio.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct spec_opts opt = { .mtime = 1, .crc = 1 };
	static int null = -1;
	struct spec *sp = spec_new();

	if (null < 0)
		null = open("/dev/null", O_WRONLY | O_CLOEXEC);
	if (!spec_parse_buf(sp, "fuzz", (const char *)data, size) &&
	    !spec_order(sp, size & 1))
		spec_write(sp, null, &opt, "/dev/null");
	spec_free(sp);
	return 0;
}
