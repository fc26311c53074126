// SPDX-License-Identifier: GPL-2.0-only
/*
 * UUIDs and the ext2/3/4 superblock.  Only open/read/close: this builds
 * against glibc, klibc and uClibc-ng alike.
 */
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "uuid.h"

static int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int uuid_parse(const char *s, unsigned char out[UUID_LEN])
{
	int i, n = 0, hi, lo;

	for (i = 0; i < UUID_STR_LEN; i += 2) {
		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (s[i] != '-')
				return -1;
			i++;
		}
		hi = hex_value(s[i]);
		lo = hi < 0 ? -1 : hex_value(s[i + 1]);
		if (lo < 0)
			return -1;
		out[n++] = hi << 4 | lo;
	}
	return s[UUID_STR_LEN] ? -1 : 0;
}

void uuid_format(const unsigned char u[UUID_LEN], char out[UUID_STR_LEN + 1])
{
	static const char digits[] = "0123456789abcdef";
	int i, n = 0;

	for (i = 0; i < UUID_LEN; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			out[n++] = '-';
		out[n++] = digits[u[i] >> 4];
		out[n++] = digits[u[i] & 15];
	}
	out[n] = '\0';
}

int ext_uuid(const unsigned char *buf, size_t len, unsigned char out[UUID_LEN])
{
	const unsigned char *sb = buf + EXT_SB_OFFSET;
	int i;

	if (len < EXT_PROBE_LEN)
		return EXT_NONE;
	if ((sb[EXT_SB_MAGIC_AT] | sb[EXT_SB_MAGIC_AT + 1] << 8) != EXT_SB_MAGIC)
		return EXT_NONE;
	for (i = 0; i < UUID_LEN; i++)
		out[i] = sb[EXT_SB_UUID_AT + i];
	return EXT_FOUND;
}

int ext_uuid_read(const char *path, unsigned char out[UUID_LEN])
{
	unsigned char buf[EXT_PROBE_LEN];
	size_t got = 0;
	ssize_t n;
	int fd, ret;

	fd = open(path, O_RDONLY | O_NOCTTY);
	if (fd < 0)
		return -errno;
	while (got < sizeof(buf)) {
		n = read(fd, buf + got, sizeof(buf) - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			ret = -errno;
			goto out_close;
		}
		if (n == 0)
			break;
		got += n;
	}
	ret = ext_uuid(buf, got, out);
out_close:
	close(fd);
	return ret;
}
