# SPDX-License-Identifier: GPL-2.0-only
# Helpers for tests/*.sh (sourced). Every check prints one line,
# "ok - what" or "not ok - what", and details under a failure.

TOP=${RB_TOP:-$(cd "$(dirname "$0")/.." && pwd)}

pass() { echo "ok - $*"; }
fail() { echo "not ok - $*"; }

# detail FILE: show FILE indented under a failure
detail() { sed -n '1,40p' "$1" | sed 's/^/    /'; }

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
