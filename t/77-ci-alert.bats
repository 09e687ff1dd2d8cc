#!/usr/bin/env bats
# share/ci-alert: a failing command becomes a message to the file helper
# (what failed, the exit status, the tail of the output) and its output
# as a file.  First with a stand-in wx-send that records its calls, then
# (when bin/wx-send is built) for real against wx-emu.
load helper
load login
load sync

ALERT="$TOP/share/ci-alert"

# A wx-send that records each call in $CALLS: its arguments, one a
# line, the bytes of a -f FILE after them, then "--"; exits $STUB_RC.
stub_send() {
	mkdir -p "$BATS_TEST_TMPDIR/stub"
	export CALLS="$BATS_TEST_TMPDIR/calls"
	: >"$CALLS"
	cat >"$BATS_TEST_TMPDIR/stub/wx-send" <<'EOF'
#!/bin/sh
printf '%s\n' "$@" >>"$CALLS"
[ "$1" = -f ] && cat "$2" >>"$CALLS"
echo -- >>"$CALLS"
echo msgid=1; echo localid=2
exit "${STUB_RC:-0}"
EOF
	chmod +x "$BATS_TEST_TMPDIR/stub/wx-send"
	export PATH="$BATS_TEST_TMPDIR/stub:$PATH"
}

@test "ci-alert: usage" {
	run -0 "$ALERT" -h
	[ "$output" = "$(usage_of "ci-alert [-d DIR] [-j JOB] [-n LINES] [-t TO] CMD [ARG ...]")" ]
	run -100 --separate-stderr "$ALERT"
	[[ "$stderr" == "usage: ci-alert "* ]]
	run -100 --separate-stderr "$ALERT" -n x true
	[ "$stderr" = "ci-alert: -n: bad number 'x'" ]
}

@test "ci-alert: a command that succeeds passes its output through and sends nothing" {
	stub_send
	run -0 "$ALERT" -j ok sh -c 'echo hello; echo warn >&2'
	[ "$output" = $'hello\nwarn' ]
	[ ! -s "$CALLS" ]
}

@test "ci-alert: a failure: its status, the message with the tail, then the log as JOB.log" {
	stub_send
	run -3 "$ALERT" -j 'nightly build' sh -c 'seq 1 30; echo oops >&2; exit 3'
	[ "${lines[30]}" = oops ]
	# (bats drops empty lines from $lines: the blank line is not counted)
	run -0 sed -n '1,/^--$/p' "$CALLS"
	[ "${lines[0]}" = filehelper ]
	[[ "${lines[1]}" =~ ^"nightly build failed (exit 3) on ".+" after "[0-9]+s$ ]]
	[ "$(sed -n 3p "$CALLS")" = "" ]
	[ "${lines[2]}" = 12 ]          # the last 20 lines: 12 … 30, oops
	[ "${lines[21]}" = oops ]
	[ "${lines[22]}" = -- ]
	run -0 sed -n '/^--$/,$p' "$CALLS"
	[ "${lines[1]}" = -f ]
	[[ "${lines[2]}" == */nightly_build.log ]]
	[ "${lines[3]}" = filehelper ]
	[ "${lines[4]}" = 1 ]
	[ "${lines[34]}" = oops ]
	[ "${lines[35]}" = -- ]
}

@test "ci-alert: -n LINES, -t TO, -d DIR; colour codes and bad UTF-8 dropped from the message" {
	stub_send
	WX_DIR=/nowhere run -1 "$ALERT" -n 2 -t ops -d "$BATS_TEST_TMPDIR/s" sh -c \
		'echo a; printf "\033[31mred\033[0m \377x é\n"; echo "WX_DIR=$WX_DIR"; exit 1'
	run -0 sed -n '1,/^--$/p' "$CALLS"
	[ "${lines[0]}" = ops ]
	[ "${lines[2]}" = "red x é" ]
	[ "${lines[3]}" = "WX_DIR=$BATS_TEST_TMPDIR/s" ]
	[ "${lines[4]}" = -- ]
}

@test "ci-alert: when wx-send fails the status is still the command's, and it says so" {
	stub_send
	STUB_RC=111 run -7 --separate-stderr "$ALERT" sh -c 'exit 7'
	[ "$stderr" = "ci-alert: could not send the alert to filehelper" ]
	# a command that is not there: 127, alerted
	run -127 "$ALERT" -j missing /nonexistent/cmd
	grep -q '^missing failed (exit 127)' "$CALLS"
}

@test "ci-alert: for real, against wx-emu: the text and the log arrive at the file helper" {
	[ -x "$TOP/bin/wx-send" ] || skip "bin/wx-send is not built"
	emu_start -a -n 5
	logged_in
	run -2 "$ALERT" -j nightly sh -c 'echo boom; exit 2'
	run -0 emu_curl "https://wx2.qq.com/_emu/sent"
	emu_stop
	local sent=$output
	run -0 jq -r 'select(.endpoint == "webwxsendmsg" and .To == "filehelper") | .Content' <<<"$sent"
	[[ "$output" == "nightly failed (exit 2) on "*$'\n\nboom' ]]
	run -0 jq -r 'select(.endpoint == "webwxsendappmsg" and .To == "filehelper") | .Content' <<<"$sent"
	[[ "$output" == *nightly.log* ]]
}
