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
