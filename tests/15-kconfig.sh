# SPDX-License-Identifier: GPL-2.0-only
# kconfig-merge and kconfig-check: fragments set symbols, and a symbol
# that does not survive the merge is reported by name.
. "$(dirname "$0")/lib/test.sh"
S=$TOP/support/scripts

printf 'A=y\n# B is not set\nC="x"\nD=y\n' >"$TMP/config"
printf 'B=y\n# D is not set\nE=m\n' >"$TMP/frag"
check "kconfig-merge runs" "$S/kconfig-merge" "$TMP/config" "$TMP/frag"
printf 'A=y\nC="x"\nB=y\n# D is not set\nE=m\n' >"$TMP/want"
check "it replaces the fragment's symbols and keeps the rest" cmp "$TMP/want" "$TMP/config"
check "kconfig-check accepts a config holding the fragment" "$S/kconfig-check" "$TMP/config" "$TMP/frag"
printf 'A=y\nD=y\n' >"$TMP/lost"
check_fails "a symbol that did not survive is named, with its line" \
	"frag:1: B=y did not survive (the config has: not set)" "$S/kconfig-check" "$TMP/lost" "$TMP/frag"
check_fails "a symbol that should be unset but is set is named" \
	"frag:2: D should be unset but the config has: D=y" "$S/kconfig-check" "$TMP/lost" "$TMP/frag"
check_fails "a missing fragment is an error" "no such fragment" "$S/kconfig-merge" "$TMP/config" "$TMP/nope"
