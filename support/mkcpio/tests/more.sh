# SPDX-License-Identifier: GPL-2.0-only
# Sourced by run.sh: the checks that are not a spec and its listing.

# expect_err DESC RC MESSAGE CMD...: exit RC with exactly MESSAGE on stderr
expect_err() {
	_d=$1 _rc=$2 _msg=$3
	shift 3
	"$@" >"$T/out" 2>"$T/err"
	_got=$?
	printf '%s\n' "$_msg" >"$T/want"
	if [ $_got != "$_rc" ]; then
		fail "$_d (exit $_got, not $_rc)" "$T/err"
	elif ! diff -u "$T/want" "$T/err" >"$T/diff"; then
		fail "$_d" "$T/diff"
	else
		pass "$_d"
	fi
}

# newc NAME MODE DATA [MAGIC [CHECK]]: one hand-made entry, for bad archives
newc() {
	_n=$1 _m=$2 _d=$3 _magic=${4:-070701} _ck=${5:-0}
	_ns=$((${#_n} + 1)) _ds=${#_d}
	printf '%s%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X' \
		"$_magic" 1 $((0$_m)) 0 0 1 0 "$_ds" 0 0 0 0 "$_ns" "$_ck"
	printf '%s\0' "$_n"
	_p=$(( (4 - (110 + _ns) % 4) % 4 ))
	while [ $_p -gt 0 ]; do printf '\0'; _p=$((_p - 1)); done
	printf '%s' "$_d"
	_p=$(( (4 - _ds % 4) % 4 ))
	while [ $_p -gt 0 ]; do printf '\0'; _p=$((_p - 1)); done
}

trailer() {
	newc 'TRAILER!!!' 0 ''
}

M=$MKCPIO
X=$T/more
mkdir -p "$X/src"
echo hello >"$X/src/hello"
printf 'dir /a 0755 0 0\nfile /a/hello ${SRC}/hello 0644 0 0\n' >"$X/a.spec"
export SRC=$X/src

# ---- usage ----
"$M" >/dev/null 2>"$T/err"
rc=$?
if [ $rc = 2 ] && grep -q '^usage: mkcpio' "$T/err"; then
	pass "no SPEC: exit 2 with usage on stderr"
else
	fail "no SPEC: exit 2 with usage on stderr (exit $rc)" "$T/err"
fi
for bad in "-t x a.spec" "-t 4294967296 a.spec" "-z bzip2 a.spec" \
	   "--bogus a.spec" "--list a --verify b" "--list a extra" \
	   "--squash a.spec" "--from-dir . -z gzip" "--var 1x --from-dir ."; do
	# shellcheck disable=SC2086
	"$M" $bad >/dev/null 2>&1
	rc=$?
	if [ $rc = 2 ]; then
		pass "usage error exits 2: mkcpio $bad"
	else
		fail "usage error exits 2: mkcpio $bad (exit $rc)"
	fi
done
if "$M" --help | grep -q 'nod /dev/console 0600 0 0 c 5 1'; then
	pass "--help documents the spec format with an example"
else
	fail "--help documents the spec format with an example"
fi

# ---- inputs and mtimes ----
printf 'dir /s 0700 0 0\n' | "$M" -t 5 - >"$X/stdin.cpio"
"$M" --list "$X/stdin.cpio" >"$T/out"
if grep -q '^drwx------   2 0        0               0 1970-01-01 00:00:05 s$' "$T/out"; then
	pass "spec from stdin, -t sets the mtime"
else
	fail "spec from stdin, -t sets the mtime" "$T/out"
fi
printf 'file /a/two ${SRC}/hello 0600 0 0\n' >"$X/b.spec"
if "$M" "$X/a.spec" "$X/b.spec" >"$X/ab.cpio" &&
   "$M" --list "$X/ab.cpio" | grep -q ' 1970-01-01 00:00:00 a/two$'; then
	pass "several specs make one archive; default mtime 0"
else
	fail "several specs make one archive; default mtime 0"
fi
SOURCE_DATE_EPOCH=86400 "$M" "$X/a.spec" >"$X/sde.cpio"
SOURCE_DATE_EPOCH=86400 "$M" -t 0 "$X/a.spec" >"$X/sde-t.cpio"
if "$M" --list "$X/sde.cpio" | grep -q '1970-01-02 00:00:00 a/hello' &&
   cmp -s "$X/sde-t.cpio" "$X/ab.cpio" 2>/dev/null ||
   "$M" --list "$X/sde-t.cpio" | grep -q '1970-01-01 00:00:00 a/hello'; then
	pass "SOURCE_DATE_EPOCH sets the mtime of files too; -t wins"
else
	fail "SOURCE_DATE_EPOCH sets the mtime of files too; -t wins"
fi
expect_err "bad SOURCE_DATE_EPOCH" 1 \
	"mkcpio: SOURCE_DATE_EPOCH: 'yesterday' is not a timestamp (0 to 4294967295)" \
	env SOURCE_DATE_EPOCH=yesterday "$M" "$X/a.spec"
printf 'dir /b 0755 0 0\n' >"$X/dup.spec"
cat "$X/dup.spec" >>"$X/b.spec"
expect_err "duplicate across two specs names both" 1 \
	"mkcpio: $X/b.spec:2: duplicate name '/b' (first at $X/dup.spec:1)" \
	"$M" "$X/dup.spec" "$X/b.spec"
expect_err "a missing SPEC file" 1 \
	"mkcpio: $X/none.spec: No such file or directory" "$M" "$X/none.spec"

# Errors the golden files cannot hold.
printf 'dir /a 0755 0 0\ndir /b\0 0755 0 0\n' >"$X/nul.spec"
expect_err "a NUL byte in a spec" 1 "mkcpio: $X/nul.spec:2: line contains a NUL byte" \
	"$M" "$X/nul.spec"
awk 'BEGIN { printf "file /a ${SRC}/hello 0644 0 0"; for (i = 0; i < 4092; i++) printf " /l%d", i; print "" }' \
	>"$X/fields.spec"
expect_err "too many fields" 1 "mkcpio: $X/fields.spec:1: too many fields" \
	"$M" "$X/fields.spec"
truncate -s 4G "$X/src/big"
printf 'file /big ${SRC}/big 0644 0 0\n' >"$X/big.spec"
expect_err "a source of 4 GiB" 1 \
	"mkcpio: $X/big.spec:1: source '$X/src/big' is 4 GiB or larger (newc limit)" \
	"$M" "$X/big.spec"
rm -f "$X/src/big"

# ---- atomic output ----
echo precious >"$X/keep.cpio"
printf 'dir /a 0755 0 0\nbogus\n' >"$X/bad.spec"
"$M" -o "$X/keep.cpio" "$X/bad.spec" 2>/dev/null
if [ "$(cat "$X/keep.cpio")" = precious ] && ! ls -A "$X" | grep -q '^\.keep'; then
	pass "a failed run leaves OUT and its directory as they were"
else
	fail "a failed run leaves OUT and its directory as they were"
fi
umask 027
"$M" -o "$X/mode.cpio" "$X/a.spec"
umask 022
if [ "$(stat -c %a "$X/mode.cpio")" = 640 ]; then
	pass "OUT gets the mode creat() would give under the umask"
else
	fail "OUT gets the mode creat() would give under the umask ($(stat -c %a "$X/mode.cpio"))"
fi

# ---- compression ----
"$M" -t 7 -o "$X/plain.cpio" "$X/a.spec"
for z in gzip xz zstd lz4; do
	"$M" -t 7 -z $z -o "$X/1.$z" "$X/a.spec"
	touch -d @99 "$SRC/hello"
	(umask 077 && "$M" -t 7 -z $z -o "$X/2.$z" "$X/a.spec")
	if cmp -s "$X/1.$z" "$X/2.$z"; then
		pass "$z output is reproducible"
	else
		fail "$z output is reproducible"
	fi
	case $z in
	gzip) gzip -dc "$X/1.$z" ;;
	xz) xz -dc "$X/1.$z" ;;
	zstd) zstd -qdc "$X/1.$z" ;;
	lz4) lz4 -qdc "$X/1.$z" ;;
	esac >"$X/un.$z"
	if cmp -s "$X/un.$z" "$X/plain.cpio" && "$M" --verify "$X/1.$z" &&
	   bsdtar -tf "$X/1.$z" | grep -q '^a/hello$'; then
		pass "$z: the $z tool, bsdtar and --verify read it"
	else
		fail "$z: the $z tool, bsdtar and --verify read it"
	fi
done
if [ "$(od -An -tx1 -N10 "$X/1.gzip" | tr -d ' ')" = 1f8b0800000000000203 ]; then
	pass "gzip header: no name, mtime 0"
else
	fail "gzip header: no name, mtime 0" 
fi
if xz -lvv "$X/1.xz" | grep -q 'Check: *CRC32'; then
	pass "xz uses crc32 (the kernel's decoder needs it)"
else
	fail "xz uses crc32 (the kernel's decoder needs it)"
fi
if [ "$(od -An -tx1 -N4 "$X/1.lz4" | tr -d ' ')" = 02214c18 ]; then
	pass "lz4 is the legacy format the kernel reads"
else
	fail "lz4 is the legacy format the kernel reads"
fi

# ---- --list on concatenations, overrides ----
printf 'dir /a 0700 0 0\n' >"$X/over.spec"
{
	cat "$X/plain.cpio"
	printf '\0\0\0\0\0\0\0\0'
	cat "$X/1.gzip" "$X/1.xz"
	printf '\0\0\0'
	"$M" -t 7 -z zstd "$X/over.spec"
	"$M" -t 7 -z lz4 "$X/over.spec"
} >"$X/cat.cpio"
cat >"$X/cat.want" <<'EOF'
drwxr-xr-x   2 0        0               0 1970-01-01 00:00:07 a
-rw-r--r--   1 0        0               6 1970-01-01 00:00:07 a/hello
drwxr-xr-x   2 0        0               0 1970-01-01 00:00:07 a  [overrides the entry at offset 0]
-rw-r--r--   1 0        0               6 1970-01-01 00:00:07 a/hello  [overrides the entry at offset 112]
drwxr-xr-x   2 0        0               0 1970-01-01 00:00:07 a  [overrides the entry at offset 0]
-rw-r--r--   1 0        0               6 1970-01-01 00:00:07 a/hello  [overrides the entry at offset 112]
drwx------   2 0        0               0 1970-01-01 00:00:07 a  [overrides the entry at offset 0]
drwx------   2 0        0               0 1970-01-01 00:00:07 a  [overrides the entry at offset 0]
EOF
"$M" --list "$X/cat.cpio" >"$X/cat.list" 2>&1
same "--list reads plain+gzip+xz+zstd+lz4 with zero padding, shows overrides" \
	"$X/cat.want" "$X/cat.list"
run_ok "--verify accepts the concatenation" "$M" --verify "$X/cat.cpio"
(cd "$X" && find . | cpio -o -H newc --quiet) >"$T/gnu.cpio"
run_ok "--verify accepts a GNU cpio archive" "$M" --verify "$T/gnu.cpio"

# ---- --verify on broken archives ----
v() {
	expect_err "--verify: $1" 1 "mkcpio: $X/v.cpio: $2" "$M" --verify "$X/v.cpio"
}
head -c 235 "$X/plain.cpio" >"$X/v.cpio"
v "truncated" "offset 235: the archive ends inside file data"
head -c 50 "$X/plain.cpio" >"$X/v.cpio"
v "truncated header" "offset 50: the archive ends inside a header"
{ newc a 40755 '' 070703; trailer; } >"$X/v.cpio"
v "bad magic" "offset 0: bad magic (not newc or crc cpio)"
{ echo junk; } >"$X/v.cpio"
v "not an archive" "offset 0: not a cpio archive (no cpio, gzip, xz, lzma, zstd or lz4 magic)"
{ newc a 100644 abc 070702 2457; trailer; } >"$X/v.cpio"
v "bad crc" "offset 0: bad checksum for 'a' (header 00000999, data 00000126)"
{ newc a/b 40755 ''; trailer; } >"$X/v.cpio"
v "missing parent" "offset 0: parent directory 'a' of 'a/b' does not exist yet"
{ newc a 100644 x; newc a/b 40755 ''; trailer; } >"$X/v.cpio"
v "parent not a directory" "offset 116: parent 'a' of 'a/b' is not a directory"
{ newc l 120777 /tmp; newc l/b 40755 ''; trailer; } >"$X/v.cpio"
v "parent is a symlink" "offset 116: parent 'l' of 'l/b' is a symlink"
newc a 40755 '' >"$X/v.cpio"
v "missing trailer" "offset 112: the archive does not end with TRAILER!!!"
{ newc a 40755 ''; printf '\0\0x'; } >"$X/v.cpio"
v "broken padding" "offset 114: broken padding (data at an offset that is not a multiple of 4)"
{ newc a 40755 x; trailer; } >"$X/v.cpio"
v "directory with data" "offset 0: 'a' is not a regular file or symlink but has data (the kernel skips it)"
{ newc ../a 40755 ''; trailer; } >"$X/v.cpio"
v "'..' name" "offset 0: '../a' has a '..' component"
{
	printf '070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X' \
		1 $((040755)) 0 0 1 0 0 0 0 0 0 2 0
	printf 'ab'
	trailer
} >"$X/v.cpio"
v "name without NUL" "offset 110: the name is not NUL-terminated"
{ newc a 40755 '' | head -c 94; printf '00000000'; printf '00000000'; trailer; } >"$X/v.cpio"
v "name size 0" "offset 94: name size 0 is not between 1 and 4096"
{ newc a 40755 '' | head -c 30; printf 'zz'; newc a 40755 '' | tail -c +33; trailer; } >"$X/v.cpio"
v "non-hex header" "offset 30: header field gid is not 8 hex digits"
{ newc ab 40755 '' | head -c 113; printf 'x'; trailer; } >"$X/v.cpio"
v "padding not zero" "offset 113: non-zero padding after the name"
head -c 60 "$X/1.gzip" >"$X/v.cpio"
v "truncated gzip" "offset 174: the gzip data is truncated (in the gzip data at offset 0)"
"$M" -t 7 "$X/a.spec" | head -c 235 | gzip -n >"$X/v.cpio"
v "gzip ending inside an entry" "offset 235: the compressed data ends inside file data (in the gzip data at offset 0)"
printf '\004\042\115\030rest' >"$X/v.cpio"
v "lz4 frame format" "offset 0: lz4 frame format (the kernel reads only legacy lz4 -l)"

# ---- --extract ----
x() {
	rm -rf "$X/dest" && mkdir "$X/dest"
	expect_err "--extract: $1" 1 "mkcpio: $X/v.cpio: $2" \
		"$M" --extract "$X/v.cpio" -C "$X/dest"
}
{ newc ../x 100644 evil; trailer; } >"$X/v.cpio"
x "refuses ../x" "offset 0: '../x' has a '..' component"
{ newc /abs 100644 evil; trailer; } >"$X/v.cpio"
x "refuses /abs" "offset 0: refusing the absolute path '/abs'"
mkdir -p "$X/outside"
{ newc l 120777 "$X/outside"; newc l/f 100644 evil; trailer; } >"$X/v.cpio"
x "refuses a path through an extracted symlink" \
	"offset $((112 + ${#X} + 8 + 3 & ~3)): refusing 'l/f': it goes through the symlink 'l'"
if [ -z "$(ls -A "$X/outside")" ]; then
	pass "--extract: nothing written outside DIR"
else
	fail "--extract: nothing written outside DIR"
fi
{ newc d 40555 ''; newc d/f 100400 data; newc d/f 100644 new; trailer; } >"$X/v.cpio"
rm -rf "$X/dest" && mkdir "$X/dest"
if "$M" --extract "$X/v.cpio" -C "$X/dest" &&
   [ "$(stat -c %a "$X/dest/d")" = 555 ] && [ "$(cat "$X/dest/d/f")" = new ]; then
	pass "--extract: later entries override, read-only dirs get their mode last"
else
	fail "--extract: later entries override, read-only dirs get their mode last"
fi

# ---- --from-dir ----
F=$X/tree
mkdir -p "$F/bin" "$F/etc/init.d" "$F/a.b" "$F/a"
echo bb >"$F/bin/busybox"
chmod 755 "$F/bin/busybox"
ln -s busybox "$F/bin/sh"
echo root >"$F/etc/passwd"
ln "$F/etc/passwd" "$F/a/passwd-link"
echo start >"$F/etc/init.d/rcS"
mkfifo "$F/etc/fifo"
chmod 700 "$F/etc/init.d"
cat >"$X/table" <<'EOF'
# <name>	<type>	<mode>	<uid>	<gid>	<major>	<minor>	<start>	<inc>	<count>
/dev		d	755	0	0	-	-	-	-	-
/dev/console	c	600	0	5	5	1	-	-	-
/dev/ttyS	c	660	0	5	4	64	0	1	2
/bin/busybox	f	4755	0	0	-	-	-	-	-
/dev/pts	d	755	0	0	-	-	-	-	-
/run/initctl	p	600	0	0	-	-	-	-	-
/run		d	755	0	0	-	-	-	-	-
EOF
"$M" --from-dir "$F" --table "$X/table" --squash --var ROOTFS >"$X/fd.spec" 2>"$T/err"
same "--from-dir: the spec for a tree and a device table" "$TESTS/fromdir.expected" "$X/fd.spec"
cp -a "$F" "$X/tree-copy"
"$M" --from-dir "$X/tree-copy" --table "$X/table" --squash --var ROOTFS -o "$X/fd2.spec"
if cmp -s "$X/fd.spec" "$X/fd2.spec"; then
	pass "--from-dir --var: the same spec wherever the tree is"
else
	fail "--from-dir --var: the same spec wherever the tree is"
fi
if ROOTFS=$F "$M" -t 7 -o "$X/fd.cpio" "$X/fd.spec" 2>"$T/err" &&
   "$M" --verify "$X/fd.cpio" 2>>"$T/err"; then
	pass "--from-dir: its spec builds without --sort (parents first)"
else
	fail "--from-dir: its spec builds without --sort (parents first)" "$T/err"
fi
"$M" --from-dir "$F" >"$X/fd-abs.spec"
if grep -q "^file /bin/busybox $F/bin/busybox 0755 $(id -u) $(id -g)\$" "$X/fd-abs.spec"; then
	pass "--from-dir without --var/--squash: absolute locations, the tree's owners"
else
	fail "--from-dir without --var/--squash: absolute locations, the tree's owners" "$X/fd-abs.spec"
fi
t() {
	printf '%s\n' "$2" >"$X/t.table"
	expect_err "--table: $1" 1 "mkcpio: $X/t.table:1: $3" \
		"$M" --from-dir "$F" --table "$X/t.table"
}
t "parent in neither tree nor table" "/x/y c 600 0 0 1 1 - - -" \
	"parent directory '/x' of '/x/y' is in neither the tree nor the table"
t "wrong field count" "/dev d 755 0 0" \
	"expected 10 fields (name type mode uid gid major minor start inc count), not 5"
t "bad type" "/dev x 755 0 0 - - - - -" "bad type 'x' (f, d, c, b or p)"
t "bad mode" "/dev d 955 0 0 - - - - -" "bad mode '955' (octal, at most 07777)"
t "bad number" "/dev/null c 666 0 0 1 - - - -" "bad minor '-'"
t "f for a missing file" "/nope f 755 0 0 - - - - -" "'/nope' is not in the tree"
t "type clash" "/etc c 600 0 0 1 1 - - -" "'/etc' exists and is not a device"
t "count without a device" "/d d 755 0 0 - - 0 1 4" "a count needs type c or b"
t "'..' in a name" "/etc/../x d 755 0 0 - - - - -" "name '/etc/../x' has a '..' component"
t "minor out of range" "/dev/x c 600 0 0 1 1048575 0 1 2" \
	"minor 1048576 of '/dev/x1' is out of range"
mkdir "$X/sp" && touch "$X/sp/a b"
expect_err "--from-dir: a name the spec cannot hold" 1 \
	"mkcpio: $X/sp/a b: name has blanks or control characters, which a spec cannot hold" \
	"$M" --from-dir "$X/sp"

# ---- many sources: batches, io_uring and the one-call-at-a-time fallback ----
B=$SRC/batch
mkdir -p "$B/src"
# 300 files, sizes around the read-ahead slot (16 KiB), the page and the
# splice threshold (64 KiB), every 50th a
# hard-link group, symlinks in between; more than one batch of opens.
awk -v src="$B/src" -v spec="$B/ok.spec" 'BEGIN {
	nsizes = split("0 1 3 4 5 1000 4096 16383 16384 16385 65535 65536 65537 200000", size, " ")
	print "dir /m 0755 0 0" > spec
	for (i = 0; i < 300; i++) {
		f = sprintf("%s/f%03d", src, i)
		n = size[i % nsizes + 1]
		s = sprintf("%d:", i)
		while (length(s) < n)
			s = s s
		printf "%s", substr(s, 1, n) > f
		close(f)
		links = i % 50 == 7 ? sprintf(" /m/l%03da /m/l%03db", i, i) : ""
		printf "file /m/f%03d ${SRC}/batch/src/f%03d 0644 0 0%s\n", i, i, links > spec
		if (i % 40 == 0)
			printf "slink /m/s%03d f%03d 0777 0 0\n", i, i > spec
	}
}'
for c in "" "-c"; do
	# shellcheck disable=SC2086
	"$M" -t 7 $c -o "$B/ring.cpio" "$B/ok.spec" 2>"$T/err" &&
	MKCPIO_NO_IO_URING=1 "$M" -t 7 $c -o "$B/plain.cpio" "$B/ok.spec" 2>>"$T/err" &&
	"$M" -t 7 $c "$B/ok.spec" 2>>"$T/err" | cat >"$B/pipe.cpio"
	if cmp -s "$B/ring.cpio" "$B/plain.cpio" && cmp -s "$B/ring.cpio" "$B/pipe.cpio"; then
		pass "300 sources${c:+ ($c)}: the same bytes with io_uring, without, and to a pipe"
	else
		fail "300 sources${c:+ ($c)}: the same bytes with io_uring, without, and to a pipe" "$T/err"
	fi
done
rm -rf "$B/x" && mkdir "$B/x"
(cd "$B/x" && cpio -i -d --quiet <"$B/ring.cpio" 2>"$T/err")
if "$M" --verify "$B/ring.cpio" 2>>"$T/err" &&
   [ "$(ls "$B/x/m" | grep -c '^f')" = 300 ] &&
   (for f in "$B"/src/*; do cmp -s "$f" "$B/x/m/${f##*/}" || exit 1; done); then
	pass "300 sources: --verify accepts it, GNU cpio extracts every file intact"
else
	fail "300 sources: --verify accepts it, GNU cpio extracts every file intact" "$T/err"
fi
if [ -n "${KERNEL_SRC:-}" ] && [ -x "$T/gen_init_cpio" ]; then
	find "$B/src" -exec touch -d @7 {} +
	"$T/gen_init_cpio" -t 7 "$B/ok.spec" >"$B/kernel.cpio" 2>"$T/err"
	"$M" -t 7 -o "$B/ring.cpio" "$B/ok.spec"
	if cmp -s "$B/ring.cpio" "$B/kernel.cpio"; then
		pass "300 sources: byte-identical to usr/gen_init_cpio -t"
	else
		fail "300 sources: byte-identical to usr/gen_init_cpio -t" "$T/err"
	fi
fi

# A bad source in the fourth batch is found while writing: nothing may be
# left behind.
sed 's|src/f193 |src/missing-f193 |' "$B/ok.spec" >"$B/bad.spec"
line=$(grep -n missing-f193 "$B/bad.spec" | cut -d: -f1)
loc=$SRC/batch/src/missing-f193
for env in "" MKCPIO_NO_IO_URING=1; do
	how=${env:+, no io_uring}
	rm -f "$B/out.cpio"
	expect_err "a missing source mid-way: SPEC:LINE$how" 1 \
		"mkcpio: $B/bad.spec:$line: cannot read source '$loc': No such file or directory" \
		env $env "$M" -o "$B/out.cpio" "$B/bad.spec"
	if [ ! -e "$B/out.cpio" ] && ! ls -A "$B" | grep -q '^\.out\.cpio'; then
		pass "a missing source mid-way: no output file, no temporary$how"
	else
		fail "a missing source mid-way: no output file, no temporary$how"
	fi
	env $env "$M" "$B/bad.spec" 2>/dev/null | cat >"$B/stdout.cpio"
	if [ ! -s "$B/stdout.cpio" ]; then
		pass "a missing source: not a byte into a pipe$how"
	else
		fail "a missing source: not a byte into a pipe$how"
	fi
	# Standard output that is a file is written at once and cut back.
	printf 'kept\n' >"$B/stdout.cpio"
	env $env "$M" "$B/bad.spec" 2>"$T/err" >>"$B/stdout.cpio"
	rc=$?
	if [ $rc = 1 ] && [ "$(cat "$B/stdout.cpio")" = kept ] &&
	   grep -q "cannot read source '$loc'" "$T/err"; then
		pass "a missing source: standard output (a file) cut back to what it held$how"
	else
		fail "a missing source: standard output (a file) cut back to what it held$how (exit $rc, $(stat -c %s "$B/stdout.cpio") bytes)" "$T/err"
	fi
done
mkfifo "$B/src/fifo"
printf 'file /fifo ${SRC}/batch/src/fifo 0644 0 0\n' >"$B/fifo.spec"
for out in "-o $B/out.cpio" ""; do
	# shellcheck disable=SC2086
	expect_err "a fifo as a source is refused, not waited for${out:+ (-o)}" 1 \
		"mkcpio: $B/fifo.spec:1: source '$B/src/fifo' is not a regular file" \
		timeout 20 "$M" $out "$B/fifo.spec"
done
# Sources are read before they are statted: a fifo with a silent writer
# or with data, devices and a directory must still be refused, at once.
# Opened read-write, the fifo has a writer without blocking us.
exec 3<>"$B/src/fifo"
for env in "" MKCPIO_NO_IO_URING=1; do
	how=${env:+, no io_uring}
	expect_err "a fifo whose writer says nothing is refused, not waited for$how" 1 \
		"mkcpio: $B/fifo.spec:1: source '$B/src/fifo' is not a regular file" \
		env $env timeout 20 "$M" -o "$B/out.cpio" "$B/fifo.spec"
	printf 'data' >&3
	expect_err "a fifo with data in it is refused$how" 1 \
		"mkcpio: $B/fifo.spec:1: source '$B/src/fifo' is not a regular file" \
		env $env timeout 20 "$M" -o "$B/out.cpio" "$B/fifo.spec"
	for dev in /dev/null /dev/zero /dev/urandom "$B/src"; do
		printf 'file /x %s 0644 0 0\n' "$dev" >"$B/dev.spec"
		what=$dev
		[ "$dev" = "$B/src" ] && what="a directory"
		expect_err "$what as a file's source is refused$how" 1 \
			"mkcpio: $B/dev.spec:1: source '$dev' is not a regular file" \
			env $env timeout 20 "$M" -o "$B/out.cpio" "$B/dev.spec"
	done
done
exec 3<&-
rm -rf "$B"

# ---- streaming: memory does not grow with file size ----
truncate -s 300M "$X/src/large"
printf 'file /large ${SRC}/large 0644 0 0\n' >"$X/large.spec"
for how in file pipe; do
	if [ $how = file ]; then
		/usr/bin/time -f %M -o "$T/rss" "$M" -o "$X/large.cpio" "$X/large.spec"
	else
		/usr/bin/time -f %M -o "$T/rss" sh -c '"$1" "$2" | cat >/dev/null' sh "$M" "$X/large.spec"
	fi
	rss=$(tail -n 1 "$T/rss")
	if [ "$rss" -lt 20000 ]; then
		pass "300 MB file to a $how: peak RSS $rss KiB stays small"
	else
		fail "300 MB file to a $how: peak RSS $rss KiB stays small"
	fi
done
if [ "$(stat -c %s "$X/large.cpio")" = $((300 * 1024 * 1024 + 512)) ]; then
	pass "300 MB file: the archive has the right size"
else
	fail "300 MB file: the archive has the right size"
fi
/usr/bin/time -f %M -o "$T/rss" "$M" --verify "$X/large.cpio"
rss=$(tail -n 1 "$T/rss")
if [ "$rss" -lt 20000 ]; then
	pass "--verify of a 300 MB archive: peak RSS $rss KiB stays small"
else
	fail "--verify of a 300 MB archive: peak RSS $rss KiB stays small"
fi
rm -f "$X/src/large" "$X/large.cpio"

# ---- large files are spliced: every alignment, every kind of output ----
# Sizes around the splice threshold, the page and the 1 MiB pipe; names of
# different lengths put the data at different offsets in the archive.  The
# gzip output goes through the stage by hand: the reference.
L=$SRC/splice
mkdir -p "$L"
: >"$L/l.spec"
i=0
for size in 65535 65536 65537 69632 1048575 1048576 1048577 3149821; do
	head -c $size /dev/urandom >"$L/f$i"
	name=$(printf '%*s' $((i * 3 + 1)) '' | tr ' ' n)
	printf 'file /%s ${SRC}/splice/f%s 0644 0 0\n' "$name" $i >>"$L/l.spec"
	i=$((i + 1))
done
"$M" -t 7 -z gzip -o "$L/ref.cpio.gz" "$L/l.spec" && gzip -dc "$L/ref.cpio.gz" >"$L/ref.cpio"
"$M" -t 7 -o "$L/o.cpio" "$L/l.spec" 2>"$T/err"
{ printf 'abc' && "$M" -t 7 "$L/l.spec"; } >"$L/stdout.cpio" 2>>"$T/err"
printf 'abc' >"$L/append.cpio"
"$M" -t 7 "$L/l.spec" >>"$L/append.cpio" 2>>"$T/err"
"$M" -t 7 "$L/l.spec" 2>>"$T/err" | cat >"$L/pipe.cpio"
printf 'abc' | cat - "$L/ref.cpio" >"$L/ref-abc.cpio"
if [ -s "$L/ref.cpio" ] && cmp -s "$L/ref.cpio" "$L/o.cpio" &&
   cmp -s "$L/ref.cpio" "$L/pipe.cpio" && cmp -s "$L/ref-abc.cpio" "$L/stdout.cpio" &&
   cmp -s "$L/ref-abc.cpio" "$L/append.cpio"; then
	pass "spliced large files: -o, a pipe, standard output at offset 3 and >> hold the bytes the stage writes"
else
	ls -l "$L" >>"$T/err"
	fail "spliced large files: -o, a pipe, standard output at offset 3 and >> hold the bytes the stage writes" "$T/err"
fi
rm -rf "$L/x" && mkdir "$L/x"
(cd "$L/x" && cpio -i -d --quiet <"$L/o.cpio" 2>"$T/err")
i=0 ok=1
for f in "$L"/x/n*; do
	cmp -s "$f" "$L/f$i" || ok=0
	i=$((i + 1))
done
if [ $ok = 1 ] && [ $i = 8 ]; then
	pass "spliced large files: GNU cpio extracts all 8 intact"
else
	fail "spliced large files: GNU cpio extracts all 8 intact ($i found)" "$T/err"
fi
rm -rf "$L"
