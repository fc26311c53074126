# SPDX-License-Identifier: GPL-2.0-only
# The root tree to spec step, as images.mk runs it (mkcpio --from-dir with
# the device table, --squash, --var RB_TARGET_DIR): the expected spec for a
# small tree, directories before their contents, and the same spec and
# archive bytes from two trees made with different mtimes, owners and umask.
. "$(dirname "$0")/lib/test.sh"

if make -s -C "$TOP/support/mkcpio" BUILD_DIR="$TMP/build" >"$TMP/make.log" 2>&1; then
	pass "mkcpio builds"
else
	fail "mkcpio builds"
	detail "$TMP/make.log"
	exit 0
fi
MKCPIO=$TMP/build/mkcpio

# tree DIR UMASK STAMP UID: the same content, made differently
tree() {
	(
	umask "$2"
	mkdir -p "$1/bin" "$1/etc/init.d" "$1/usr/share/deep"
	printf '#!/bin/sh\necho hi\n' >"$1/bin/hello"
	chmod 755 "$1/bin/hello"
	echo ramboot >"$1/etc/hostname"
	echo 'deep' >"$1/usr/share/deep/file"
	ln -s hello "$1/bin/hi"
	find "$1" -exec touch -h -d "$3" {} +
	chown -R "$4" "$1" 2>/dev/null
	)
}
cat >"$TMP/table" <<'EOF2'
# name type mode uid gid major minor start inc count
/dev	d	755	0	0	-	-	-	-	-
/dev/console	c	600	0	0	5	1	-	-	-
/etc/hostname	f	600	0	0	-	-	-	-	-
/tmp	d	1777	0	0	-	-	-	-	-
EOF2
tree "$TMP/a" 022 "2001-01-01 00:00:00" 0:0
tree "$TMP/b" 077 "2024-06-30 12:34:56" 1234:5678
chmod 755 "$TMP/b/bin" "$TMP/b/etc" "$TMP/b/etc/init.d" "$TMP/b/usr" "$TMP/b/usr/share" "$TMP/b/usr/share/deep"
chmod 644 "$TMP/b/usr/share/deep/file"

spec() { "$MKCPIO" --from-dir "$1" --table "$TMP/table" --squash --var RB_TARGET_DIR -o "$2"; }
check "a spec from tree A" spec "$TMP/a" "$TMP/a.spec"
cat >"$TMP/want.spec" <<'EOF2'
dir /bin 0755 0 0
file /bin/hello ${RB_TARGET_DIR}/bin/hello 0755 0 0
slink /bin/hi hello 0777 0 0
dir /dev 0755 0 0
nod /dev/console 0600 0 0 c 5 1
dir /etc 0755 0 0
file /etc/hostname ${RB_TARGET_DIR}/etc/hostname 0600 0 0
dir /etc/init.d 0755 0 0
dir /tmp 1777 0 0
dir /usr 0755 0 0
dir /usr/share 0755 0 0
dir /usr/share/deep 0755 0 0
file /usr/share/deep/file ${RB_TARGET_DIR}/usr/share/deep/file 0644 0 0
EOF2
grep -v '^#' "$TMP/a.spec" | grep . >"$TMP/a.body"
if cmp -s "$TMP/want.spec" "$TMP/a.body"; then
	pass "it is the expected spec: dirs, files, a link, a node, table modes"
else
	fail "it is the expected spec"
	diff -u "$TMP/want.spec" "$TMP/a.body" | sed 's/^/    /'
fi
# every entry's parent appears before it
awk '{ n = $2; p = n; sub(/\/[^\/]*$/, "", p); if (p != "" && !(p in seen)) { print "parent after child: " n; bad = 1 } ; if ($1 == "dir") seen[n] = 1 }
     END { exit bad }' "$TMP/a.body" >"$TMP/order" 2>&1 &&
	pass "every directory precedes its contents" || { fail "every directory precedes its contents"; detail "$TMP/order"; }

check "a spec from tree B (other mtimes, owners, umask)" spec "$TMP/b" "$TMP/b.spec"
check "the two specs are the same text" cmp "$TMP/a.spec" "$TMP/b.spec"
check "an archive from A" env RB_TARGET_DIR="$TMP/a" "$MKCPIO" -t 1700000000 -z gzip -o "$TMP/a.cpio.gz" "$TMP/a.spec"
check "an archive from B" env RB_TARGET_DIR="$TMP/b" "$MKCPIO" -t 1700000000 -z gzip -o "$TMP/b.cpio.gz" "$TMP/b.spec"
check "the two archives are the same bytes" cmp "$TMP/a.cpio.gz" "$TMP/b.cpio.gz"
zcat "$TMP/a.cpio.gz" >"$TMP/a.cpio"
(mkdir -p "$TMP/x" && cd "$TMP/x" && cpio -i -d -H newc --no-absolute-filenames --quiet <"$TMP/a.cpio") 2>"$TMP/cpio.err"
check "GNU cpio extracts it, content intact" cmp "$TMP/x/usr/share/deep/file" "$TMP/a/usr/share/deep/file"
bsdtar -tvf "$TMP/a.cpio" >"$TMP/bsdtar.list" 2>&1
check_grep "bsdtar reads it: /dev/console is a char device" '^crw------- .* dev/console' "$TMP/bsdtar.list"
check_grep "... /tmp is 1777" '^drwxrwxrwt .* tmp$' "$TMP/bsdtar.list"
check_fails "a table entry under a missing directory is an error with its line" "bad:2: parent directory .*/nope" \
	sh -c "printf '# x\n/nope/node c 600 0 0 1 3 - - -\n' >'$TMP/bad' && '$MKCPIO' --from-dir '$TMP/a' --table '$TMP/bad' --squash -o '$TMP/bad.spec' 2>&1; r=\$?; test ! -e '$TMP/bad.spec' || echo 'output left behind'; exit \$r"

# ---- rootfs.ext4 (support/scripts/mkext4) from the same spec ----
# Tree B again, copied to another file system when there is one (tmpfs
# lists a directory in the opposite order to ext4): mke2fs -d would give
# other bytes, the spec's order must not.
MKEXT4=$TOP/support/scripts/mkext4
UUID=2e0a5d3c-1111-4222-8333-444455556666
other=$TMP
[ -d /dev/shm ] && [ -w /dev/shm ] && other=$(mktemp -d /dev/shm/ramboot-test.XXXXXX)
rm -rf "$other/b2" && cp -a "$TMP/b" "$other/b2"
check "rootfs.ext4 from tree A" "$MKEXT4" "$TMP/a.ext4" 8M $UUID 1700000000 "$TMP/a" "$TMP/a.spec" "$TMP/ext4-a"
check "rootfs.ext4 from tree B on $(stat -f -c %T "$other")" \
	"$MKEXT4" "$TMP/b.ext4" 8M $UUID 1700000000 "$other/b2" "$TMP/b.spec" "$TMP/ext4-b"
[ "$other" != "$TMP" ] && rm -rf "$other"
check "the two ext4 images are the same bytes" cmp "$TMP/a.ext4" "$TMP/b.ext4"
debugfs -R "cat /usr/share/deep/file" "$TMP/a.ext4" >"$TMP/ext4.cat" 2>/dev/null
check "its file holds the tree's bytes" cmp "$TMP/ext4.cat" "$TMP/a/usr/share/deep/file"
debugfs -R "stat /dev/console" "$TMP/a.ext4" >"$TMP/ext4.console" 2>/dev/null
check_grep "its /dev/console is a char device 5:1" "Device major/minor number: 05:01" "$TMP/ext4.console"
debugfs -R "stat /tmp" "$TMP/a.ext4" >"$TMP/ext4.tmp" 2>/dev/null
check_grep "its /tmp is 1777" \
	"Mode:  01777" "$TMP/ext4.tmp"
check_grep "... mtime 1700000000" "mtime: 0x6553f100" "$TMP/ext4.tmp"
debugfs -R "stat /bin/hi" "$TMP/a.ext4" >"$TMP/ext4.link" 2>/dev/null
check_grep "its /bin/hi is a symlink to hello" 'Fast link dest: "hello"' "$TMP/ext4.link"
# Hard links: one inode, two names, links_count 2.
printf 'dir /etc 0755 0 0\nfile /etc/hostname ${RB_TARGET_DIR}/etc/hostname 0644 0 0 /etc/alias\n' >"$TMP/hl.spec"
check "an ext4 image with a hard link" "$MKEXT4" "$TMP/hl.ext4" 8M $UUID 1 "$TMP/a" "$TMP/hl.spec" "$TMP/ext4-hl"
debugfs -R "ls -l /etc" "$TMP/hl.ext4" 2>/dev/null | awk '$NF == "hostname" || $NF == "alias" { print $1 }' >"$TMP/hl.ls"
check "both names are one inode" sh -c "[ \$(wc -l <'$TMP/hl.ls') = 2 ] && [ \$(sort -u '$TMP/hl.ls' | wc -l) = 1 ] || { cat '$TMP/hl.ls'; exit 1; }"
debugfs -R "stat /etc/alias" "$TMP/hl.ext4" >"$TMP/hl.stat" 2>/dev/null
check_grep "... which has 2 links" "Links: 2 " "$TMP/hl.stat"
check_fails "a spec line mkext4 cannot use is an error with its line" "bad.spec:2: cannot put this" \
	sh -c "printf 'dir /a 0755 0 0\nfile /a/x\n' >'$TMP/bad.spec' && '$MKEXT4' '$TMP/bad.ext4' 8M $UUID 1 '$TMP/a' '$TMP/bad.spec' '$TMP/ext4-bad'; r=\$?; test ! -e '$TMP/bad.ext4' -a ! -e '$TMP/bad.ext4.tmp' || echo 'output left behind'; exit \$r"
head -c 3000000 /dev/urandom >"$TMP/a/big"
printf 'file /big ${RB_TARGET_DIR}/big 0644 0 0\n' >"$TMP/big.spec"
check_fails "an image too small for the tree fails, naming debugfs's error" "debugfs: .*is SIZE large enough" \
	sh -c "'$MKEXT4' '$TMP/big.ext4' 2M $UUID 1 '$TMP/a' '$TMP/big.spec' '$TMP/ext4-big'; r=\$?; test ! -e '$TMP/big.ext4' -a ! -e '$TMP/big.ext4.tmp' || echo 'output left behind'; exit \$r"
