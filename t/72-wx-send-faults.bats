#!/usr/bin/env bats
# wx-send against a failing server: every fault kind on webwxsendmsg
# (a lost answer sent again with the same LocalID, which the server takes
# as the same message; 1205 backed off; logouts and refusals at once),
# and an upload failing midway: the chunk tried again, or exit 111 with
# no send request at all.
load helper
load send

setup_file() { emu_start -a -H 1 -n 10; }
teardown_file() { emu_stop; }

# Each test starts with no fault armed.
setup() {
	send_setup
	fault webwxsendmsg http500 0
	fault webwxuploadmedia http500 0
}

# How many sends of text $1 wx-emu has.
sends_of() {
	emu_sends | jq -r --arg t "$1" 'select(.Content == $t) | .MsgID' | wc -l
}

@test "wx-send: a lost answer (http500, reset, truncate, malformed) is sent again: one message" {
	local k
	for k in http500 reset truncate malformed; do
		fault webwxsendmsg "$k" 1
		run -0 --separate-stderr wx-send "$PEER" "fault $k"
		[[ "$stderr" == *"wx-send: webwxsendmsg: trying again in 1 s"* ]] || fail "$k: $stderr"
		[ "$(sends_of "fault $k")" -eq 1 ] || fail "$k: not one send"
		[ "$(sent_by_id "$(out_get msgid)" | jq -r .LocalID)" = "$(out_get localid)" ]
	done
	# the emulator saw the same LocalID twice for truncate and malformed
	[ "$(requests_to webwxsendmsg | jq -r '.body | fromjson | select(.Msg.Content == "fault truncate") | .Msg.ClientMsgId' | sort -u | wc -l)" -eq 1 ]
	[ "$(requests_to webwxsendmsg | jq -r '.body | fromjson | select(.Msg.Content == "fault truncate") | .Msg.ClientMsgId' | wc -l)" -eq 2 ]
	refute_secrets
}

@test "wx-send: answers lost three times: 111, nothing recorded" {
	local k
	for k in http500 reset; do
		fault webwxsendmsg "$k" 3
		run -111 --separate-stderr wx-send "$PEER" "lost $k"
		[ -z "$output" ] || fail "$k: $output"
		[ "$(sends_of "lost $k")" -eq 0 ]
	done
	fault webwxsendmsg malformed 3
	run -111 --separate-stderr wx-send "$PEER" "lost malformed"
	[[ "$stderr" == *"webwxsendmsg: malformed answer"* ]]
	[ "$(sends_of "lost malformed")" -eq 1 ]   # it got there; its answer did not
	[ ! -e "$WX_DIR/sent" ]
	refute_secrets
}

@test "wx-send: a slow answer is waited for" {
	fault webwxsendmsg slow 1
	run -0 wx-send "$PEER" "slow one"
	[ "$(sends_of "slow one")" -eq 1 ]
}

@test "wx-send: logged out (1100, 1101, 1102) and other refusals exit 1 at once" {
	local k n
	for k in ret1100 ret1101 ret1102 ret1203 ret-1; do
		n=$(requests_to webwxsendmsg | wc -l)
		fault webwxsendmsg "$k" 1
		run -1 --separate-stderr wx-send "$PEER" "refused $k"
		[ -z "$output" ]
		[[ "$stderr" == "wx-send: webwxsendmsg: "* ]] || fail "$k: $stderr"
		[ "$(requests_to webwxsendmsg | wc -l)" -eq $((n + 1)) ] || fail "$k: tried again"
	done
	[[ "$stderr" == *"refused (Ret -1)"* ]]
	fault webwxsendmsg ret1101 1
	run -1 --separate-stderr wx-send "$PEER" "refused"
	[ "$stderr" = "wx-send: webwxsendmsg: logged out (1101)" ]
	[ ! -e "$WX_DIR/sent" ]
}

@test "wx-send: 1205 backs off 2 s and sends" {
	fault webwxsendmsg ret1205 1
	local t0=$SECONDS
	run -0 --separate-stderr wx-send "$PEER" "busy once"
	[ $((SECONDS - t0)) -ge 2 ]
	[[ "$stderr" == *"webwxsendmsg: too frequent (1205); try later"* ]]
	[[ "$stderr" == *"webwxsendmsg: trying again in 2 s"* ]]
	[ "$(sends_of "busy once")" -eq 1 ]
}

@test "wx-send: 1205 four times: backs off 2, 4, 8 s, then exits 111" {
	fault webwxsendmsg ret1205 4
	local t0=$SECONDS n
	n=$(requests_to webwxsendmsg | wc -l)
	run -111 --separate-stderr wx-send "$PEER" "busy always"
	[ $((SECONDS - t0)) -ge 14 ]
	[ "$(requests_to webwxsendmsg | wc -l)" -eq $((n + 4)) ]
	[ "$(grep -c 'trying again' <<<"$stderr")" -eq 3 ]
	[ -z "$output" ]
	[ "$(sends_of "busy always")" -eq 0 ]
}

@test "wx-send: a cookie the send's answer sets is kept in the jar" {
	fault webwxsendmsg cookie 1
	run -0 wx-send "$PEER" "with a cookie"
	grep -q 'emu_c[0-9]' "$WX_DIR/cookies"
	[ "$(stat -c %a "$WX_DIR/cookies")" = 600 ]
}

@test "wx-send -f: a chunk without an answer is sent again; the file arrives whole" {
	mkfile txt "$BATS_TEST_TMPDIR/f.bin" 1100000
	fault webwxuploadmedia http500 1
	run -0 --separate-stderr wx-send -f "$BATS_TEST_TMPDIR/f.bin" "$PEER"
	[[ "$stderr" == *"webwxuploadmedia: chunk 1 of 3 again in 1 s"* ]]
	local up
	up=$(emu_sent | jq -c --arg c "$(out_get localid)" 'select(.ClientMediaId == $c)')
	[ "$(jq -r .md5 <<<"$up")" = "$(md5sum <"$BATS_TEST_TMPDIR/f.bin" | cut -c1-32)" ]
	[ "$(sent_by_id "$(out_get msgid)" | jq -r .MediaId)" = "$(jq -r .MediaId <<<"$up")" ]
}

@test "wx-send -f: an upload failing midway exits 111 with no send request" {
	mkfile txt "$BATS_TEST_TMPDIR/f.bin" 1100000
	local n s
	n=$(requests_to webwxuploadmedia | wc -l)
	s=$(grep -c '/webwxsend' "$EMU_LOG" || true)
	# chunks 1 and 2 held a second each; while chunk 1 is held, chunk 3
	# is set to fail three times (by path: a slot of its own after the
	# slow one, which stays armed for chunk 2 meanwhile; wx-emu keeps
	# the kind a request took in its slot, and a re-armed free slot would
	# change it under the held request)
	fault webwxuploadmedia slow 2
	wx-send -f "$BATS_TEST_TMPDIR/f.bin" "$PEER" >"$BATS_TEST_TMPDIR/out" \
		2>"$BATS_TEST_TMPDIR/err" 3>&- &
	local pid=$! i=0
	while [ "$(requests_to webwxuploadmedia | wc -l)" -le "$n" ]; do
		i=$((i + 1)); [ $i -lt 200 ] || fail "no upload"; sleep 0.05
	done
	fault /cgi-bin/mmwebwx-bin/webwxuploadmedia reset 3
	local rc=0
	wait $pid || rc=$?
	[ $rc -eq 111 ]
	[ ! -s "$BATS_TEST_TMPDIR/out" ]
	[ "$(grep -c 'again' "$BATS_TEST_TMPDIR/err")" -eq 2 ]
	grep -q 'chunk 3 of 3 again in 2 s' "$BATS_TEST_TMPDIR/err"
	[ "$(requests_to webwxuploadmedia | wc -l)" -eq $((n + 5)) ]
	[ "$(grep -c '/webwxsend' "$EMU_LOG")" -eq "$s" ]
	[ ! -e "$WX_DIR/sent" ]
	# the next try starts afresh
	run -0 wx-send -f "$BATS_TEST_TMPDIR/f.bin" "$PEER"
	[ "$(sent_by_id "$(out_get msgid)" | jq -r .endpoint)" = webwxsendappmsg ]
}

@test "wx-send -f: an upload the server refuses (logged out) exits 1 at once, nothing sent" {
	mkfile jpg "$BATS_TEST_TMPDIR/p.jpg"
	local n s
	n=$(requests_to webwxuploadmedia | wc -l)
	s=$(grep -c '/webwxsend' "$EMU_LOG" || true)
	fault webwxuploadmedia ret1101 1
	run -1 --separate-stderr wx-send -f "$BATS_TEST_TMPDIR/p.jpg" "$PEER"
	[ "$stderr" = "wx-send: webwxuploadmedia: logged out (1101)" ]
	[ "$(requests_to webwxuploadmedia | wc -l)" -eq $((n + 1)) ]
	[ "$(grep -c '/webwxsend' "$EMU_LOG")" -eq "$s" ]
}
