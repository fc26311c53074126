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
