# SPDX-License-Identifier: GPL-2.0-only
# The package infrastructure, on tiny local packages in a copy of the tree:
# downloads and hashes, patches, stamps, configuration hashes, -rebuild,
# -dirclean, `make source` then an offline build, a pin Debian lacks.

. "$(dirname "$0")/lib/test.sh"

W=$TMP/tree
SITE=$TMP/site
export DL_DIR=$TMP/dl RBTEST_SITE=$SITE
mkdir -p "$W" "$SITE"
(cd "$TOP" && git ls-files -co --exclude-standard | grep -v '^output' | tar -cf - -T -) | tar -xf - -C "$W"

# tarball NAME CONTENT: a source archive on the file:// site
tarball() {
	mkdir -p "$TMP/src/$1"
	echo "$2" >"$TMP/src/$1/src.txt"
	tar -C "$TMP/src" -czf "$SITE/$1.tar.gz" "$1"
}

# recipe NAME [DEPS] [EXTRA]: package/NAME with one string option
recipe() {
	up=$(echo "$1" | tr a-z- A-Z_)
	mkdir -p "$W/package/$1"
	cat >"$W/package/$1/Config.in" <<-EOF
	config RB_PACKAGE_$up
		bool "$1"
	config RB_PACKAGE_${up}_OPT
		string "option"
		default "one"
	EOF
	cat >"$W/package/$1/$1.mk" <<-EOF
	${up}_VERSION = 1.0
	${up}_SOURCE = $1-1.0.tar.gz
	${up}_SITE = file://\$(RBTEST_SITE)
	${up}_DEPENDENCIES = $2
	$3
	define ${up}_CONFIGURE_CMDS
		echo configure >>\$(O)/steps-$1
		echo \$(RB_PACKAGE_${up}_OPT) >\$(@D)/opt
	endef
	define ${up}_BUILD_CMDS
		echo build >>\$(O)/steps-$1
		cat \$(@D)/opt \$(@D)/src.txt >\$(@D)/out
	endef
	define ${up}_INSTALL_CMDS
		echo install >>\$(O)/steps-$1
		mkdir -p \$(TARGET_DIR)/$1
		cp \$(@D)/out \$(TARGET_DIR)/$1/out
	endef
	PACKAGES-\$(RB_PACKAGE_$up) += $1
	\$(eval \$(package))
	EOF
	echo "source \"package/$1/Config.in\"" >>"$W/package/Config.in"
	echo "RB_PACKAGE_$up=y" >>"$W/configs/rbtest_defconfig"
}

hash_of() { sha256sum "$SITE/$1" | cut -d' ' -f1; }

cat >"$W/configs/rbtest_defconfig" <<EOF
# RB_LINUX_KERNEL is not set
# RB_PACKAGE_SKELETON is not set
EOF
for p in rbtest-a rbtest-b rbtest-badhash rbtest-nohash rbtest-badpatch; do
	tarball "$p-1.0" original
done
recipe rbtest-a
recipe rbtest-b rbtest-a
recipe rbtest-badhash
recipe rbtest-nohash
recipe rbtest-badpatch
recipe rbtest-debian "" "RBTEST_DEBIAN_SITE =
RBTEST_DEBIAN_DEBIAN = busybox
RBTEST_DEBIAN_DEBIAN_SOURCE = busybox_0.0.1.orig.tar.bz2"
sed -i 's/^RBTEST_DEBIAN_VERSION = 1.0/RBTEST_DEBIAN_VERSION = 0.0.1/; /^RBTEST_DEBIAN_SITE = file/d' \
	"$W/package/rbtest-debian/rbtest-debian.mk"

for p in rbtest-a rbtest-b rbtest-badpatch; do
	echo "sha256  $(hash_of $p-1.0.tar.gz)  $p-1.0.tar.gz" >"$W/package/$p/$p.hash"
done
echo "sha256  0000000000000000000000000000000000000000000000000000000000000000  rbtest-badhash-1.0.tar.gz" \
	>"$W/package/rbtest-badhash/rbtest-badhash.hash"
echo "sha256  1111111111111111111111111111111111111111111111111111111111111111  busybox_0.0.1.orig.tar.bz2" \
	>"$W/package/rbtest-debian/rbtest-debian.hash"
cat >"$W/package/rbtest-a/0001-patch-the-source.patch" <<'EOF'
--- a/src.txt
+++ b/src.txt
@@ -1 +1 @@
-original
+patched
EOF
cat >"$W/package/rbtest-badpatch/0001-does-not-apply.patch" <<'EOF'
--- a/src.txt
+++ b/src.txt
@@ -1 +1 @@
-something else
+patched
EOF

O=$TMP/out
m() { make -C "$W" O="$O" "$@"; }
count() { grep -c "^$2\$" "$O/steps-$1" 2>/dev/null || echo 0; }

check "defconfig of the test tree" m rbtest_defconfig
check "a package and its dependency build from a file:// site" m rbtest-b
check "the hash matched and the file is cached in DL_DIR" test -f "$DL_DIR/rbtest-a-1.0.tar.gz"
check "the patch was applied" grep -qx patched "$O/target/rbtest-a/out"
check "the option reached the build" grep -qx one "$O/target/rbtest-b/out"

m rbtest-b >"$TMP/second" 2>&1
check_no_grep "a second make runs no step again" '>>>' "$TMP/second"

sed -i 's/^RB_PACKAGE_RBTEST_B_OPT=.*/RB_PACKAGE_RBTEST_B_OPT="two"/' "$O/.config"
m rbtest-b >"$TMP/opt-b" 2>&1
check "changing B's option reconfigures B" test "$(count rbtest-b configure)" = 2
check "... and leaves A alone" test "$(count rbtest-a configure)" = 1
check "... and B's output has the new value" grep -qx two "$O/target/rbtest-b/out"

sed -i 's/^RB_PACKAGE_RBTEST_A_OPT=.*/RB_PACKAGE_RBTEST_A_OPT="three"/' "$O/.config"
m rbtest-b >"$TMP/opt-a" 2>&1
check "changing A's option rebuilds A" test "$(count rbtest-a build)" = 2
check "... and B, which depends on it" test "$(count rbtest-b build)" = 3

m rbtest-a-rebuild >"$TMP/rebuild" 2>&1
check "-rebuild runs build and install again" test "$(count rbtest-a build)" = 3 -a "$(count rbtest-a install)" = 3
check "... but not configure" test "$(count rbtest-a configure)" = 2

check "-dirclean runs" m rbtest-a-dirclean
check "-dirclean removed the build directory" test ! -e "$O/build/rbtest-a"

check_fails "a hash mismatch fails, naming both sums" \
	"expected sha256 0000000000000000000000000000000000000000000000000000000000000000, got $(hash_of rbtest-badhash-1.0.tar.gz)" \
	m rbtest-badhash
check "... and removes the file" test ! -e "$DL_DIR/rbtest-badhash-1.0.tar.gz"
check_fails "a missing hash fails" "no sha256 for rbtest-nohash-1.0.tar.gz" m rbtest-nohash
check_fails "a patch that does not apply fails, by name" "0001-does-not-apply.patch: does not apply" m rbtest-badpatch
check_grep "... showing the step and the log" "rbtest-badpatch: Patching failed; full log: $O/build/rbtest-badpatch/build.log" "$TMP/.check.out"

if [ -n "${RB_TEST_OFFLINE:-}" ]; then
	pass "# SKIP a pin the Debian archive lacks (RB_TEST_OFFLINE)"
else
	check_fails "a Debian pin the archive no longer carries fails, saying what it carries" \
		"no longer carries busybox 0.0.1; it carries: .*1.35.0" m rbtest-debian
fi

export DL_DIR=$TMP/dl2
O=$TMP/out2
check "defconfig for the offline build" m rbtest_defconfig
sed -i '/RBTEST_BADHASH\|RBTEST_NOHASH\|RBTEST_BADPATCH\|RBTEST_DEBIAN/d' "$O/.config"
check "make source fetches every source" m source
mv "$SITE" "$SITE.gone"
check "then the build runs with the site gone" m rbtest-b
mv "$SITE.gone" "$SITE"
