# SPDX-License-Identifier: GPL-2.0-only
# Helpers for tests/*.sh (sourced). Every check prints one line,
# "ok - what" or "not ok - what", and details under a failure.

TOP=${RB_TOP:-$(cd "$(dirname "$0")/.." && pwd)}

pass() { echo "ok - $*"; }
fail() { echo "not ok - $*"; }

# detail FILE: show FILE indented under a failure (without CRs, and ending
# in a newline even when FILE does not, so the next line starts afresh)
detail() { { sed -n '1,40p' "$1"; echo; } | tr -d '\r' | sed 's/^/    /'; }

# detail_tail FILE: the same for the last 40 lines of FILE
detail_tail() { { tail -n 40 "$1"; echo; } | tr -d '\r' | sed 's/^/    /'; }

# check WHAT CMD...: ok when CMD succeeds
check() {
	what=$1
	shift
	if "$@" >"$TMP/.check.out" 2>&1; then
		pass "$what"
	else
		fail "$what"
		detail "$TMP/.check.out"
	fi
}

# check_fails WHAT PATTERN CMD...: ok when CMD fails and says PATTERN
check_fails() {
	what=$1 pattern=$2
	shift 2
	if "$@" >"$TMP/.check.out" 2>&1; then
		fail "$what (it succeeded)"
		detail "$TMP/.check.out"
	elif grep -q -- "$pattern" "$TMP/.check.out"; then
		pass "$what"
	else
		fail "$what (no '$pattern' in the output)"
		detail "$TMP/.check.out"
	fi
}

# check_grep WHAT PATTERN FILE: ok when FILE has PATTERN
check_grep() {
	if grep -q -- "$2" "$3" 2>/dev/null; then
		pass "$1"
	else
		fail "$1 (no '$2' in $3)"
		[ -f "$3" ] && detail "$3"
	fi
}

# check_no_grep WHAT PATTERN FILE: ok when FILE lacks PATTERN
check_no_grep() {
	if grep -q -- "$2" "$3" 2>/dev/null; then
		fail "$1 ('$2' in $3)"
		detail "$3"
	else
		pass "$1"
	fi
}

TMP=$(mktemp -d "${TMPDIR:-/tmp}/ramboot-test.XXXXXX") || exit 2
trap 'rm -rf "$TMP"' EXIT

# tool_tests WHAT DIR BIN [MAKE-ARGS]: build support/DIR into $TMP/build,
# then run its tests/run.sh on $TMP/build/BIN
tool_tests() {
	_what=$1 _dir=$2 _bin=$3
	shift 3
	if make -s -C "$TOP/support/$_dir" BUILD_DIR="$TMP/build" "$@" >"$TMP/make.log" 2>&1; then
		pass "$_what builds"
		sh "$TOP/support/$_dir/tests/run.sh" "$TMP/build/$_bin"
	else
		fail "$_what builds"
		detail "$TMP/make.log"
	fi
}
