# SPDX-License-Identifier: GPL-2.0-only
# set_config O LINE...: set symbols in O/.config ("SYM=value" or
# "# SYM is not set") and let Kconfig settle the rest (olddefconfig).
set_config() {
	_o=$1
	shift
	printf '%s\n' "$@" >"$_o/.rb-test-fragment"
	"$TOP/support/scripts/kconfig-merge" "$_o/.config" "$_o/.rb-test-fragment" &&
	make -C "$TOP" O="$_o" olddefconfig >/dev/null
}

# build_defconfig O DEFCONFIG: configure O from DEFCONFIG (through ccache
# when RB_CCACHE=y) and build it, one check each; 1 when the build failed
build_defconfig() {
	_o=$1
	check "make $2" make -C "$TOP" O="$_o" "$2"
	[ "${RB_CCACHE:-}" = y ] && set_config "$_o" RB_CCACHE=y
	_t0=$(date +%s)
	if make -C "$TOP" O="$_o" >"$TMP/build.log" 2>&1; then
		pass "make builds $2 ($(( $(date +%s) - _t0 )) s)"
	else
		fail "make builds $2"
		detail_tail "$TMP/build.log"
		return 1
	fi
}
