#!/usr/bin/env bats
# wx-revoke: webwxrevokemsg (protocol.md §6.9) for a message DIR/sent
# knows, the body as RC sends it (SvrMsgId, ToUserName, the original
# ClientMsgId); MsgIDs as operands or wx-send's output on stdin; an
# unknown MsgID, a revoke past the window and Ret faults exit 1, 5xx and
# malformed answers 111.  The sends are made with curl as the session
# (wx-send may be absent), and recorded in DIR/sent as wx-send does.
load helper
load login
load sync

# One login for the file (logged_in); each test revokes on a copy of it.
setup_file() {
	emu_start -a -n 20
	WX_DIR="$BATS_FILE_TMPDIR/wx" logged_in
}
teardown_file() { emu_stop; }

setup() {
	export WX_DIR="$BATS_TEST_TMPDIR/wx"
	cp -a "$BATS_FILE_TMPDIR/wx" "$WX_DIR"
	rm -f "$WX_DIR/sent"
}

# A test that restarts the emulator stops its own one.
teardown() {
	if [ -n "${OWN_EMU:-}" ]; then
		emu_stop
	fi
}

# sent TO TEXT: send TEXT to TO with curl as the session and add the
# record wx-send would add to DIR/sent; sets MSGID and LOCALID.
sent() {
	local host body
	host=$(session_get host)
	LOCALID=$(printf '%s%04d' "$(date +%s%3N)" $((RANDOM % 10000)))
	body=$(jq -cn --arg u "$(session_get wxuin)" --arg s "$(session_get wxsid)" \
		--arg k "$(session_get skey)" --arg from "$(session_get username)" \
		--arg to "$1" --arg text "$2" --arg id "$LOCALID" \
		'{BaseRequest: {Uin: ($u | tonumber), Sid: $s, Skey: $k,
		  DeviceID: "e123456789012345"},
		  Msg: {Type: 1, Content: $text, FromUserName: $from, ToUserName: $to,
		  LocalID: $id, ClientMsgId: $id}, Scene: 0}')
	MSGID=$(emu_curl --compressed -b "$WX_DIR/cookies" --data-binary "$body" \
		"https://$host/cgi-bin/mmwebwx-bin/webwxsendmsg?lang=zh_CN&pass_ticket=$(session_get pass_ticket)" |
		jq -r .MsgID)
	[[ "$MSGID" =~ ^[0-9]+$ ]] || return 1
	(umask 077; jq -cn --arg m "$MSGID" --arg l "$LOCALID" --arg t "$1" \
		'{MsgID: $m, LocalID: $l, ToUserName: $t, Time: now | floor}' \
		>>"$WX_DIR/sent")
}

# The revokes wx-emu saw of MsgID $1: [ToUserName, ClientMsgId, Ret].
revokes_of() {
	emu_curl "https://wx2.qq.com/_emu/sent" |
		jq -c --arg m "$1" 'select(.endpoint == "webwxrevokemsg" and
			.SvrMsgId == $m) | [.ToUserName, .ClientMsgId, .Ret]'
}

@test "wx-revoke: usage errors exit 100; a bad MsgID is 100; no login is 100" {
	run -100 --separate-stderr wx-revoke -Z
	[ "$stderr" = "$(usage_of "wx-revoke [-d DIR] [MSGID ...]")" ]
	run -100 --separate-stderr wx-revoke </dev/null
	[ "$stderr" = "$(usage_of "wx-revoke [-d DIR] [MSGID ...]")" ]
	run -100 --separate-stderr wx-revoke 12a4
	[ "$stderr" = "wx-revoke: 12a4: not a message id" ]
	run -100 --separate-stderr wx-revoke 123456789012345678901234
	run -100 --separate-stderr wx-revoke -d "$BATS_TEST_TMPDIR/none" 123
	[[ "$stderr" == "wx-revoke: "*"run wx-init first" ]]
}

@test "wx-revoke: inside the window, the body as protocol.md §6.9 has it; prints nothing" {
	sent filehelper "oops"
	: >"$EMU_LOG"
	run -0 --separate-stderr wx-revoke "$MSGID" </dev/null
	[ -z "$output" ]
	[ -z "$stderr" ]
	run -0 revokes_of "$MSGID"
	[ "$output" = "[\"filehelper\",\"$LOCALID\",0]" ]
	run -0 requests_to webwxrevokemsg
	local req=$output
	[ "$(jq -r .method <<<"$req")" = POST ]
	[ "$(jq -r .host <<<"$req")" = wx2.qq.com ]
	run -0 jq -r '.body | fromjson | keys_unsorted | join(",")' <<<"$req"
	[ "$output" = "BaseRequest,SvrMsgId,ToUserName,ClientMsgId" ]
	run -0 jq -r '.body | fromjson | [.SvrMsgId, .ClientMsgId, (.BaseRequest.Uin | tostring), .BaseRequest.Sid] | join(" ")' <<<"$req"
	[ "$output" = "$MSGID $LOCALID $(session_get wxuin) $(session_get wxsid)" ]
	[[ "$(jq -r '.headers.Cookie // .headers.cookie' <<<"$req")" == *wxsid=* ]]
	# a friend, and two at once
	local friend a b
	friend=$(emu_curl "https://wx2.qq.com/_emu/contacts" | jq -r 'select(.Kind == "person") | .UserName' | head -n 1)
	sent "$friend" "one"; a=$MSGID
	sent "$friend" "two"; b=$MSGID
	run -0 wx-revoke "$a" "$b" </dev/null
	[ "$(revokes_of "$a")" = "[\"$friend\",\"$(jq -r --arg m "$a" 'select(.MsgID == $m) | .LocalID' "$WX_DIR/sent")\",0]" ]
	[ "$(revokes_of "$b" | jq -r '.[2]')" = 0 ]
}

@test "wx-revoke: wx-send's output on stdin (msgid= and localid= lines)" {
	local a la b lb
	sent filehelper "first"; a=$MSGID; la=$LOCALID
	sent filehelper "second"; b=$MSGID; lb=$LOCALID
	run -0 --separate-stderr wx-revoke <<<"msgid=$a
localid=$la
msgid=$b
localid=$lb"
	[ -z "$stderr" ]
	[ "$(revokes_of "$a")" = "[\"filehelper\",\"$la\",0]" ]
	[ "$(revokes_of "$b")" = "[\"filehelper\",\"$lb\",0]" ]
	# a localid that is not the one DIR/sent has: refused, not sent
	sent filehelper "third"
	run -1 --separate-stderr wx-revoke <<<"msgid=$MSGID
localid=1"
	[[ "$stderr" == "wx-revoke: $MSGID: "*"localid $LOCALID, not 1" ]]
	[ -z "$(revokes_of "$MSGID")" ]
	# not wx-send's output
	run -100 --separate-stderr wx-revoke <<<"hello"
	[ "$stderr" = "wx-revoke: stdin: line 1: not key=value" ]
	run -100 --separate-stderr wx-revoke <<<"uuid=x"
	[ "$stderr" = "wx-revoke: stdin: no msgid= line" ]
	run -100 --separate-stderr wx-revoke <<<"msgid=12x"
	[ "$stderr" = "wx-revoke: stdin: line 1: 12x: not a message id" ]
}

@test "wx-revoke: wx-send | wx-revoke, one message and several (-l)" {
	[ -x "$TOP/bin/wx-send" ] || skip "bin/wx-send is not built"
	local out id
	out=$(wx-send filehelper "take me back" </dev/null)
	run -0 --separate-stderr wx-revoke <<<"$out"
	[ -z "$output$stderr" ]
	id=$(sed -n 's/^msgid=//p' <<<"$out")
	[ "$(revokes_of "$id")" = "[\"filehelper\",\"$(sed -n 's/^localid=//p' <<<"$out")\",0]" ]
	out=$(printf 'one\ntwo\nthree\n' | wx-send -l filehelper)
	[ "$(grep -c '^msgid=' <<<"$out")" = 3 ]
	run -0 wx-revoke <<<"$out"
	for id in $(sed -n 's/^msgid=//p' <<<"$out"); do
		[ "$(revokes_of "$id" | jq -r '.[2]')" = 0 ] || fail "$id not revoked"
	done
}

@test "wx-revoke: an unknown MsgID is 1 and asks nothing; the others still go" {
	: >"$EMU_LOG"
	run -1 --separate-stderr wx-revoke 1234567890123456789 </dev/null
	[[ "$stderr" == "wx-revoke: 1234567890123456789: unknown MsgID: not among the last 256 messages wx-send sent from $WX_DIR" ]]
	[ -z "$(requests_to webwxrevokemsg)" ]
	sent filehelper "kept"
	run -1 --separate-stderr wx-revoke 1234567890123456789 "$MSGID" </dev/null
	[ "$(revokes_of "$MSGID" | jq -r '.[2]')" = 0 ]
	# a message the server never had (DIR/sent says so, wx-emu does not)
	echo '{"MsgID":"1111111111111111111","LocalID":"1","ToUserName":"filehelper","Time":1}' >>"$WX_DIR/sent"
	run -1 --separate-stderr wx-revoke 1111111111111111111 </dev/null
	[[ "${stderr_lines[0]}" == "wx-revoke: webwxrevokemsg: refused (Ret 1)" ]]
}

@test "wx-revoke: faults: 5xx, reset, truncated, malformed 111; 1101 and 1102 1; 1205 111" {
	sent filehelper "faults"
	local k
	for k in http500 reset truncate malformed; do
		fault webwxrevokemsg "$k"
		run -111 --separate-stderr wx-revoke "$MSGID" </dev/null
		[ -z "$output" ] || fail "$k: printed '$output'"
		[[ "$stderr" == "wx-revoke: "* ]] || fail "$k: '$stderr'"
	done
	for k in 1100 1101 1102; do
		fault webwxrevokemsg "ret$k"
		run -1 --separate-stderr wx-revoke "$MSGID" </dev/null
		[ "$stderr" = "wx-revoke: webwxrevokemsg: logged out ($k)" ]
	done
	fault webwxrevokemsg ret1205
	run -111 --separate-stderr wx-revoke "$MSGID" </dev/null
	[[ "$stderr" == *"too frequent (1205)"* ]]
	refute_secrets
	# and then it goes
	run -0 wx-revoke "$MSGID" </dev/null
}

@test "wx-revoke: a malformed DIR/sent line is 100; a FIFO is refused" {
	echo '{"MsgID":"42","LocalID":"1"}' >"$WX_DIR/sent"
	run -100 --separate-stderr wx-revoke 42 </dev/null
	[ "$stderr" = "wx-revoke: $WX_DIR/sent: the line of 42 is malformed" ]
	rm "$WX_DIR/sent"
	mkfifo "$WX_DIR/sent"
	run --separate-stderr timeout 10 wx-revoke 42 </dev/null
	[ "$status" -eq 100 ]
	[[ "$stderr" == "wx-revoke: $WX_DIR/sent: "* ]]
}

@test "wx-revoke: -d DIR names the session" {
	sent filehelper "elsewhere"
	mv "$WX_DIR" "$BATS_TEST_TMPDIR/other"
	run -0 wx-revoke -d "$BATS_TEST_TMPDIR/other" "$MSGID" </dev/null
}

@test "the last test: past the window (WX_EMU_REVOKE_WINDOW=0) is 1 with the server's reason" {
	emu_stop || true         # started by setup_file: not our child
	WX_EMU_REVOKE_WINDOW=0 emu_start -a -n 5
	OWN_EMU=1
	export WX_DIR="$BATS_TEST_TMPDIR/late"
	logged_in
	sent filehelper "late"
	run -1 --separate-stderr wx-revoke "$MSGID" </dev/null
	[ -z "$output" ]
	[ "${stderr_lines[0]}" = "wx-revoke: webwxrevokemsg: refused (Ret -2)" ]
	[[ "${stderr_lines[1]}" =~ ^"wx-revoke: $MSGID: sent "[0-9]+" s ago; a message can be revoked for 2 minutes after it was sent"$ ]]
	[ "$(revokes_of "$MSGID")" = "[\"filehelper\",\"$LOCALID\",-2]" ]
}
