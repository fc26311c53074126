/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * UUIDs and the ext2/3/4 superblock, for root=UUID=.
 */
#ifndef INIT_UUID_H
#define INIT_UUID_H

#include <stddef.h>

#define UUID_LEN	16
#define UUID_STR_LEN	36	/* xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx */

/* The ext superblock: 1024 bytes at offset 1024 of the device. */
#define EXT_SB_OFFSET	1024
#define EXT_SB_MAGIC_AT	56	/* __le16 s_magic */
#define EXT_SB_MAGIC	0xEF53
#define EXT_SB_UUID_AT	104	/* __u8 s_uuid[16] */
/* How much of the device ext_uuid() needs to see. */
#define EXT_PROBE_LEN	(EXT_SB_OFFSET + EXT_SB_UUID_AT + UUID_LEN)

/* ext_uuid_read() results other than a negative errno. */
#define EXT_FOUND	0
#define EXT_NONE	1	/* readable, but not an ext2/3/4 filesystem */

/*
 * Parse the canonical form (8-4-4-4-12 hex digits, either case) into OUT.
 * Returns 0, or -1 when S is anything else.
 */
int uuid_parse(const char *s, unsigned char out[UUID_LEN]);

/* The canonical lower-case form of U in OUT. */
void uuid_format(const unsigned char u[UUID_LEN], char out[UUID_STR_LEN + 1]);

/*
 * The UUID of the ext2/3/4 filesystem whose first LEN bytes are in BUF.
 * Returns EXT_FOUND with the UUID in OUT, or EXT_NONE.
 */
int ext_uuid(const unsigned char *buf, size_t len, unsigned char out[UUID_LEN]);

/*
 * The same for the device or image file PATH.  Returns EXT_FOUND,
 * EXT_NONE (also for a file too short to hold a superblock), or a
 * negative errno when PATH cannot be opened or read.
 */
int ext_uuid_read(const char *path, unsigned char out[UUID_LEN]);

#endif /* INIT_UUID_H */
