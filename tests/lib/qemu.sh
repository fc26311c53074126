# SPDX-License-Identifier: GPL-2.0-only
# Drive a QEMU guest over its serial console (sourced after lib/test.sh).
#
#   qemu_start NAME CMD...   run CMD (a QEMU command line) with the console
#                            on a FIFO; the output goes to $TMP/NAME.console
#   qemu_wait PATTERN SECS   wait for PATTERN (grep -E) on the console
#   qemu_cmd CMDLINE         type a line; a marker echoed after it lets
#                            qemu_wait find the end of its output
#   qemu_stop                reboot -f (QEMU runs with -no-reboot), then kill

QEMU_LOG=
QEMU_PID=
QEMU_SEQ=0

qemu_start() {
	QEMU_LOG=$TMP/$1.console
	shift
	rm -f "$TMP/qemu.in"
	mkfifo "$TMP/qemu.in"
	: >"$QEMU_LOG"
	QEMU_T0=$(date +%s%N)
	"$@" <"$TMP/qemu.in" >"$QEMU_LOG" 2>&1 &
	QEMU_PID=$!
	exec 3>"$TMP/qemu.in"
}

# console_grep PATTERN: grep -E on the console so far, without the serial
# line's carriage returns (so that $ anchors work)
console_grep() {
	tr -d '\r' <"$QEMU_LOG" | grep -Eq -- "$1"
}

# qemu_wait PATTERN SECONDS: 0 when it appeared, 1 on timeout or exit
qemu_wait() {
	n=$(($2 * 10))
	while [ "$n" -gt 0 ]; do
		console_grep "$1" && return 0
		kill -0 "$QEMU_PID" 2>/dev/null || { console_grep "$1"; return; }
		sleep 0.1
		n=$((n - 1))
	done
	return 1
}

# seconds since qemu_start, with two decimals
qemu_elapsed() {
	echo "$(( ($(date +%s%N) - QEMU_T0) / 10000000 ))" | sed 's/..$/.&/'
}

# qemu_cmd CMDLINE [SECS]: run it, wait for its end marker
qemu_cmd() {
	QEMU_SEQ=$((QEMU_SEQ + 1))
	# The marker is computed by the guest, so the typed line does not match.
	printf '%s; echo "@@@$((%d + 1000))@@@"\n' "$1" "$QEMU_SEQ" >&3
	qemu_wait "@@@$((QEMU_SEQ + 1000))@@@" "${2:-20}"
}

qemu_stop() {
	printf 'reboot -f\n' >&3 2>/dev/null
	n=100
	while [ "$n" -gt 0 ] && kill -0 "$QEMU_PID" 2>/dev/null; do
		sleep 0.1
		n=$((n - 1))
	done
	kill "$QEMU_PID" 2>/dev/null
	wait "$QEMU_PID" 2>/dev/null
	exec 3>&-
	[ "$n" -gt 0 ]
}

# check_console WHAT PATTERN: the console log has PATTERN (grep -E)
check_console() {
	if console_grep "$2"; then
		pass "$1"
	else
		fail "$1 (no '$2' on the console)"
		detail_tail "$QEMU_LOG"
	fi
}
