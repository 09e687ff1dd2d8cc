#!/usr/bin/env bats
# wx-sync and wx-synccheck against answers wx-emu would never give
# (t/hostile.c): keys that cannot be stored, a malformed SKey, ids that
# are not numbers, a synccheck of the wrong shape.  Nothing is stored
# that a later command could not read back.
load helper
load login

KEY='1_100|2_100|3_100|1000_100'

setup() {
	export WX_DIR="$BATS_TEST_TMPDIR/wx"
	mkdir -m 700 "$WX_DIR"
	printf '%s\n' host=wx2.qq.com push_host=webpush.wx2.qq.com wxuin=123 \
		wxsid=S skey=@crypt_1 pass_ticket=P username=@self \
		"synckey=$KEY" "synccheckkey=$KEY" >"$WX_DIR/session"
	chmod 600 "$WX_DIR/session"
	hostile_start "$BATS_TEST_TMPDIR/answers"
}
teardown() { hostile_stop; }

# sync MSGS [SYNCKEY] [SKEY]: a webwxsync answer.
sync() {
	local key=${2:-}
	[ -n "$key" ] || key='{"Count":1,"List":[{"Key":1,"Val":200}]}'
	printf '{"BaseResponse":{"Ret":0,"ErrMsg":""},"AddMsgCount":0,"AddMsgList":[%s],"ModContactCount":0,"ModContactList":[],"DelContactCount":0,"DelContactList":[],"SyncKey":%s,"SKey":"%s"}' \
		"$1" "$key" "${3:-}"
}

@test "wx-sync: a SyncKey of 65 keys or a Count that lies is not stored; the messages still print" {
	local list k
	list=$(for k in $(seq 65); do printf '{"Key":%d,"Val":1},' "$k"; done)
	hostile_answer webwxsync "$(sync '{"MsgId":"1","MsgType":1,"Content":"a"}' "{\"Count\":65,\"List\":[${list%,}]}")"
	run -0 --separate-stderr wx-sync
	[ "$(jq -r .Text <<<"$output")" = a ]
	[ "$(session_get synckey)" = "$KEY" ]
	hostile_answer webwxsync "$(sync '{"MsgId":"2","MsgType":1,"Content":"b"}' '{"Count":3,"List":[{"Key":1,"Val":5}]}')"
	run -0 wx-sync
	[ "$(session_get synckey)" = "$KEY" ]
	[ "$(session_get msgids)" = "1 2" ]
}

@test "wx-sync: a malformed SKey is ignored with a warning, the good key kept" {
	hostile_answer webwxsync "$(sync '' '' $'bad\\nskey')"
	run -0 --separate-stderr wx-sync
	[[ "$stderr" == "wx-sync: webwxsync: a malformed SKey ignored" ]]
	[ "$(session_get skey)" = @crypt_1 ]
	[ "$(session_get synckey)" = 1_200 ]
	# the session still reads back
	run -0 wx-sync
}

@test "wx-sync: ids that are not numbers, a huge one, objects of the wrong type: valid lines, no crash" {
	hostile_answer webwxsync "$(sync '{"MsgId":"x\u001b]0;t\u0007","MsgType":"1","Content":"c"},{"MsgId":99999999999999999999999,"MsgType":1},7,"s",{"MsgType":49,"AppMsgType":6,"Content":"&lt;title&gt;&lt;![CDATA[]]&gt;&lt;/title&gt;"}')"
	run -0 --separate-stderr wx-sync
	[ "${#lines[@]}" -eq 3 ]
	printf '%s\n' "$output" | jq -e . >/dev/null
	[[ "$output" != *$'\e'* && "$output" != *$'\a'* ]]
	[ "$(jq -r '.NewMsgId // "none"' <<<"${lines[1]}")" = none ]
	[ -z "$(session_get msgids)" ]
}

@test "wx-synccheck: answers of the wrong shape are 111, printed nothing" {
	local b
	for b in 'window.synccheck={retcode:"0"}' 'window.synccheck={retcode:"0",selector:"1234567890"}' \
		'synccheck={retcode:"0",selector:"2"}' "$(head -c 300 /dev/zero | tr '\0' x)" ''; do
		hostile_answer synccheck "$b"
		run -111 --separate-stderr wx-synccheck
		[ -z "$output" ] || fail "'$b' printed '$output'"
		[ "$stderr" = "wx-synccheck: synccheck: malformed answer" ] || fail "'$b': $stderr"
	done
	hostile_answer synccheck 'window.synccheck={retcode:"-1",selector:"0"};'
	run -111 --separate-stderr wx-synccheck
	[ "${lines[0]}" = retcode=-1 ]
}
