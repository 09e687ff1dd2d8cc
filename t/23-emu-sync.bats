#!/usr/bin/env bats
# wx-emu synccheck and webwxsync with curl as the client: the exact
# synccheck bytes, selectors while behind / when current, retcodes
# 1100/1101/1102, the first sync (MsgType 51, SyncKey of 7 keys, cookies),
# injected messages, redelivery with an old key, the byte-exact error
# bodies (protocol.md §5.5, §5.6, §8, §12.8, §12.9).
load helper
load emu
load emu-session

setup_file() { emu_start -n 40 -g 3 -m 5; }
teardown_file() { emu_stop; }
teardown() { emu_stop_own; }   # the plain-HTTP test runs its own

ADDMSG_KEYS='["MsgId","FromUserName","ToUserName","MsgType","Content","Status","ImgStatus","CreateTime","VoiceLength","PlayLength","FileName","FileSize","MediaId","Url","AppMsgType","StatusNotifyCode","StatusNotifyUserName","RecommendInfo","ForwardFlag","AppInfo","HasProductId","Ticket","ImgHeight","ImgWidth","SubMsgType","NewMsgId","OriContent","EncryFileName"]'
SYNC_KEYS='["BaseResponse","AddMsgCount","AddMsgList","ModContactCount","ModContactList","DelContactCount","DelContactList","ModChatRoomMemberCount","ModChatRoomMemberList","Profile","ContinueFlag","SyncKey","SKey","SyncCheckKey"]'

# Log in, init, and drain the first sync; KEY is the SyncKey after it.
logged_in_and_synced() {
	emu_login
	do_init
	do_sync "$(jq -c .SyncKey <<<"$INIT")"
	KEY=$(jq -c .SyncKey <<<"$SYNC")
}

# Wait (up to 10 s) until the request log holds $1 lines for synccheck:
# a poll started in the background has reached the server.
wait_polls() {
	local i
	for i in $(seq 200); do
		[ "$(grep -c '/synccheck' "$EMU_LOG")" -ge "$1" ] && return 0
		sleep 0.05
	done
	return 1
}

@test "synccheck: selector 2 while the chat-list message waits; 43 bytes, captured head" {
	emu_login
	do_init
	synccheck "$(key_pipe "$(jq -c .SyncKey <<<"$INIT")")" \
		-D "$BATS_TEST_TMPDIR/h" -o "$BATS_TEST_TMPDIR/b"
	printf 'window.synccheck={retcode:"0",selector:"2"}' | cmp - "$BATS_TEST_TMPDIR/b"
	tr -d '\r' <"$BATS_TEST_TMPDIR/h" >"$BATS_TEST_TMPDIR/head"
	grep -qx 'Content-Length: 43' "$BATS_TEST_TMPDIR/head"
	[ "$(grep -n -e '^Access-Control-Allow-Origin: \*$' -e '^Content-Type: text/javascript$' "$BATS_TEST_TMPDIR/head" | cut -d: -f2 | tr '\n' ' ')" = 'Access-Control-Allow-Origin Content-Type ' ]
	! grep -qi '^strict-transport-security' "$BATS_TEST_TMPDIR/head"
}

@test "webwxsync: the first sync carries MsgType 51 / StatusNotifyCode 4 with aligned lists" {
	emu_login
	do_init
	do_sync "$(jq -c .SyncKey <<<"$INIT")"
	run -0 jq -c 'keys_unsorted' <<<"$SYNC"
	assert_output "$SYNC_KEYS"
	run -0 jq -c --argjson k "$ADDMSG_KEYS" '[.AddMsgList[] | keys_unsorted == $k] | all' <<<"$SYNC"
	assert_output true
	run -0 jq -c '[.AddMsgCount == (.AddMsgList | length), .ModContactCount == (.ModContactList | length), .DelContactCount == (.DelContactList | length), .ContinueFlag, .SKey]' <<<"$SYNC"
	assert_output '[true,true,true,0,""]'
	local me m ids users
	me=$(jq -r .User.UserName <<<"$INIT")
	m=$(jq -c '[.AddMsgList[] | select(.MsgType == 51)][0]' <<<"$SYNC")
	[ "$(jq -c --arg me "$me" '[.FromUserName == $me, .ToUserName == $me, .StatusNotifyCode, .Status, .ImgStatus]' <<<"$m")" = '[true,true,4,3,1]' ]
	[[ "$(jq -r .Content <<<"$m")" == "&lt;msg&gt;<br/>&lt;op id='4'&gt;<br/>&lt;username&gt;"*"&lt;/op&gt;<br/>&lt;/msg&gt;" ]]
	ids=$(jq -r '.Content | capture("&lt;username&gt;(?<u>[^&]*)&lt;/username&gt;").u' <<<"$m")
	users=$(jq -r .StatusNotifyUserName <<<"$m")
	# Same length, bare names at the same places, rooms opposite rooms.
	paste -d' ' <(tr , '\n' <<<"$ids") <(tr , '\n' <<<"$users") >"$BATS_TEST_TMPDIR/pairs"
	[ "$(wc -l <"$BATS_TEST_TMPDIR/pairs")" -ge 3 ]
	! awk 'NF != 2' "$BATS_TEST_TMPDIR/pairs" | grep -q .
	grep -qx 'filehelper filehelper' "$BATS_TEST_TMPDIR/pairs"
	! grep -E '@chatroom ' "$BATS_TEST_TMPDIR/pairs" | grep -vqE '@chatroom @@'
	[ "$(jq -r '.ChatSet' <<<"$INIT")" = "$users," ]
}

@test "webwxsync: SyncKey grows to 1,2,3,11,201,1000,1001 and equals SyncCheckKey" {
	logged_in_and_synced
	run -0 jq -c '[.SyncKey.Count, [.SyncKey.List[].Key], .SyncKey == .SyncCheckKey]' <<<"$SYNC"
	assert_output '[7,[1,2,3,11,201,1000,1001],true]'
	# Key 1 moved past the init key; 1000 stays (= wxpluginkey).
	[ "$(jq '.List[0].Val' <<<"$KEY")" -gt "$(jq '.SyncKey.List[0].Val' <<<"$INIT")" ]
	[ "$(jq '.List[] | select(.Key == 1000) | .Val' <<<"$KEY")" = "$(jq '.SyncKey.List[3].Val' <<<"$INIT")" ]
}

@test "webwxsync: MsgId a string, NewMsgId the same digits as a number" {
	emu_login
	do_init
	do_sync "$(jq -c .SyncKey <<<"$INIT")"
	local id
	id=$(jq -r '.AddMsgList[0].MsgId' <<<"$SYNC")
	[[ "$id" =~ ^[0-9]{19}$ ]]
	grep -q "^\"NewMsgId\": $id,\$" <<<"$SYNC"
	grep -q '^"FileSize": "",$' <<<"$SYNC"
}

@test "webwxsync: Set-Cookie wxloadtime, wxpluginkey, wxuin (3 days), wxsid, webwx_data_ticket" {
	emu_login
	do_init
	local body t
	t=$(awk '$6 == "wxloadtime" { print $7 }' "$JAR")
	body=$(jq -cn --argjson br "$(emu_base)" --argjson k "$(jq -c .SyncKey <<<"$INIT")" '$br + {SyncKey: $k, rr: -1}')
	web_post webwxsync "sid=$(uri "$SID")&skey=$SKEY" "$body" -D "$BATS_TEST_TMPDIR/h" -o "$BATS_TEST_TMPDIR/b"
	tr -d '\r' <"$BATS_TEST_TMPDIR/h" >"$BATS_TEST_TMPDIR/head"
	run -0 sed -n 's/^Set-Cookie: \([^=]*\)=.*/\1/p' "$BATS_TEST_TMPDIR/head"
	assert_output $'wxloadtime\nwxpluginkey\nwxuin\nwxsid\nwebwx_data_ticket'
	grep -qx "Set-Cookie: wxloadtime=${t}_expired; Domain=$WEB; Path=/; Expires=[A-Z][a-z][a-z], [0-9][0-9]-[A-Z][a-z][a-z]-[0-9]\{4\} [0-9:]\{8\} GMT; Secure" "$BATS_TEST_TMPDIR/head"
	grep -q "^Set-Cookie: wxpluginkey=$(jq '.SyncKey.List[] | select(.Key == 1000) | .Val' "$BATS_TEST_TMPDIR/b"); Domain=$WEB;" "$BATS_TEST_TMPDIR/head"
	grep -q "^Set-Cookie: wxuin=$UIN; Domain=$WEB;" "$BATS_TEST_TMPDIR/head"
	grep -q '^Set-Cookie: webwx_data_ticket=[^;]*; Domain=.qq.com; Path=/;' "$BATS_TEST_TMPDIR/head"
	# wxuin lives 3 days, wxsid 12 hours.
	local uin_exp sid_exp
	uin_exp=$(date -d "$(sed -n 's/^Set-Cookie: wxuin=.*Expires=\([^;]*\);.*/\1/p' "$BATS_TEST_TMPDIR/head" | tr - ' ')" +%s)
	sid_exp=$(date -d "$(sed -n 's/^Set-Cookie: wxsid=.*Expires=\([^;]*\);.*/\1/p' "$BATS_TEST_TMPDIR/head" | tr - ' ')" +%s)
	[ $((uin_exp - sid_exp)) -ge $((3 * 86400 - 43200 - 5)) ] && [ $((uin_exp - sid_exp)) -le $((3 * 86400 - 43200 + 5)) ]
	[ "$(grep -n -e '^Content-Type: text/plain$' -e '^Set-Cookie: wxloadtime' -e '^Strict-Transport-Security' "$BATS_TEST_TMPDIR/head" | cut -d: -f2 | tr '\n' ' ')" = 'Content-Type Set-Cookie Strict-Transport-Security ' ]
}

@test "synccheck: selector 0 once the key is current (after the hold)" {
	logged_in_and_synced
	run -0 synccheck "$(key_pipe "$KEY")"
	assert_output 'window.synccheck={retcode:"0",selector:"0"}'
}

@test "an injected message: selector 2, delivered by webwxsync, then 0" {
	logged_in_and_synced
	emu_ctl message "count=1" >/dev/null
	run -0 synccheck "$(key_pipe "$KEY")"
	assert_output 'window.synccheck={retcode:"0",selector:"2"}'
	do_sync "$KEY"
	local me
	me=$(jq -r .User.UserName <<<"$INIT")
	run -0 jq -c --arg me "$me" '[.AddMsgCount, .AddMsgList[0].MsgType, .AddMsgList[0].ToUserName == $me]' <<<"$SYNC"
	assert_output '[1,1,true]'
	run -0 synccheck "$(key_pipe "$(jq -c .SyncCheckKey <<<"$SYNC")")"
	assert_output 'window.synccheck={retcode:"0",selector:"0"}'
}

@test "synccheck: a held poll answers 2 as soon as a message arrives" {
	logged_in_and_synced
	local n
	n=$(grep -c '/synccheck' "$EMU_LOG")
	synccheck "$(key_pipe "$KEY")" -o "$BATS_TEST_TMPDIR/b" &
	wait_polls $((n + 1))
	emu_ctl message "count=1" >/dev/null
	wait
	printf 'window.synccheck={retcode:"0",selector:"2"}' | cmp - "$BATS_TEST_TMPDIR/b"
}

@test "webwxsync: an old key gets the same messages again (at-least-once)" {
	logged_in_and_synced
	emu_ctl message "count=3" >/dev/null
	do_sync "$KEY"
	local first
	first=$(jq -c '[.AddMsgList[].MsgId]' <<<"$SYNC")
	[ "$(jq length <<<"$first")" = 3 ]
	do_sync "$KEY"
	[ "$(jq -c '[.AddMsgList[].MsgId]' <<<"$SYNC")" = "$first" ]
	do_sync "$(jq -c .SyncKey <<<"$SYNC")"
	[ "$(jq .AddMsgCount <<<"$SYNC")" = 0 ]
}

@test "webwxsync: at most 100 messages an answer; synccheck says 2 until all are out" {
	logged_in_and_synced
	emu_ctl message "count=150" >/dev/null
	do_sync "$KEY"
	[ "$(jq -c '[.AddMsgCount, (.AddMsgList | length), .ContinueFlag]' <<<"$SYNC")" = '[100,100,0]' ]
	run -0 synccheck "$(key_pipe "$(jq -c .SyncCheckKey <<<"$SYNC")")"
	assert_output 'window.synccheck={retcode:"0",selector:"2"}'
	do_sync "$(jq -c .SyncKey <<<"$SYNC")"
	[ "$(jq .AddMsgCount <<<"$SYNC")" = 50 ]
	run -0 synccheck "$(key_pipe "$(jq -c .SyncCheckKey <<<"$SYNC")")"
	assert_output 'window.synccheck={retcode:"0",selector:"0"}'
}

@test "webwxsync: a room message keeps the server form @sender:<br/>text" {
	logged_in_and_synced
	local room member me body
	me=$(jq -r .User.UserName <<<"$INIT")
	room=$(jq -r '[.ContactList[] | select(.UserName | startswith("@@"))][0].UserName' <<<"$INIT")
	member=$(jq -r '[.ContactList[] | select(.UserName | startswith("@@"))][0].MemberList[1].UserName' <<<"$INIT")
	body=$(jq -cn --arg r "$room" --arg me "$me" --arg m "$member" \
		'{From: $r, To: $me, Sender: $m, MsgType: 1, Content: "hi & <bye>\nline 2"}')
	emu_ctl message "" --data-binary "$body" >/dev/null
	do_sync "$KEY"
	run -0 jq -r '.AddMsgList[0] | .FromUserName, .Content' <<<"$SYNC"
	assert_line --index 0 "$room"
	assert_line --index 1 "$member:<br/>hi &amp; &lt;bye&gt;<br/>line 2"
	grep -qF "\"Content\": \"$member:<br/>hi &amp; &lt;bye&gt;<br/>line 2\"," <<<"$SYNC"
}

@test "a contact change: selector 4, ModContactList in the ModContact shape" {
	logged_in_and_synced
	local u
	u=$(jq -r '[.ContactList[] | select(.UserName | startswith("@@"))][0].UserName' <<<"$INIT")
	emu_ctl modcontact "username=$(uri "$u")&nickname=$(uri 'New & <name>')" >/dev/null
	run -0 synccheck "$(key_pipe "$KEY")"
	assert_output 'window.synccheck={retcode:"0",selector:"4"}'
	do_sync "$KEY"
	run -0 jq -c '[.AddMsgCount, .ModContactCount, (.ModContactList[0] | keys_unsorted)]' <<<"$SYNC"
	assert_output '[0,1,["UserName","NickName","Sex","HeadImgUpdateFlag","ContactType","Alias","ChatRoomOwner","HeadImgUrl","ContactFlag","MemberCount","MemberList","HideInputBarFlag","Signature","VerifyFlag","RemarkName","Statues","AttrStatus","Province","City","SnsFlag","KeyWord"]]'
	run -0 jq -c --arg u "$u" '.ModContactList[0] | [.UserName == $u, .NickName, .HeadImgUpdateFlag, .ContactType, .MemberCount == (.MemberList | length), (.ChatRoomOwner | test("^@[0-9a-f]+$"))]' <<<"$SYNC"
	assert_output '[true,"New &amp; &lt;name&gt;",1,0,true,true]'
}

@test "a removed contact: DelContactList [{UserName, ContactFlag}]" {
	logged_in_and_synced
	emu_ctl delcontact "username=filehelper" >/dev/null
	run -0 synccheck "$(key_pipe "$KEY")"
	assert_output 'window.synccheck={retcode:"0",selector:"4"}'
	do_sync "$KEY"
	run -0 jq -c '[.DelContactCount, .DelContactList]' <<<"$SYNC"
	assert_output '[1,[{"UserName":"filehelper","ContactFlag":0}]]'
}

@test "synccheck: | or %7C, any key set (19, 206 included)" {
	logged_in_and_synced
	local k
	k="$(key_pipe "$KEY")|19_14974|206_103"
	run -0 emu_curl -b "$JAR" "$(synccheck_url "$k")"
	assert_output 'window.synccheck={retcode:"0",selector:"0"}'
	run -0 emu_curl -b "$JAR" -g "$(synccheck_url "" | sed "s/synckey=/synckey=$k/")"
	assert_output 'window.synccheck={retcode:"0",selector:"0"}'
}

@test "synccheck: 1102 without the session cookies" {
	logged_in_and_synced
	run -0 emu_curl "$(synccheck_url "$(key_pipe "$KEY")")"
	assert_output 'window.synccheck={retcode:"1102",selector:"0"}'
}

@test "synccheck over plain HTTP: the query credentials suffice (Secure cookies stay away)" {
	OWN_EMU=1
	BATS_FILE_TMPDIR=$BATS_TEST_TMPDIR emu_start_plain -n 10
	emu_login
	do_init
	[ "$(grep -c wxsid "$JAR")" = 0 ]
	run -0 synccheck "$(key_pipe "$(jq -c .SyncKey <<<"$INIT")")"
	assert_output 'window.synccheck={retcode:"0",selector:"2"}'
}

@test "synccheck: 1100 on a push host of another family" {
	logged_in_and_synced
	[ "$WEB" = wx2.qq.com ]
	run -0 emu_curl -b "wxuin=$UIN; wxsid=$SID" "$(synccheck_url "$(key_pipe "$KEY")" webpush.wx.qq.com)"
	assert_output 'window.synccheck={retcode:"1100",selector:"0"}'
}

@test "synccheck: 1101 after /_emu/kick, a held poll included" {
	logged_in_and_synced
	local n
	n=$(grep -c '/synccheck' "$EMU_LOG")
	synccheck "$(key_pipe "$KEY")" -o "$BATS_TEST_TMPDIR/b" &
	wait_polls $((n + 1))
	emu_ctl kick >/dev/null
	wait
	printf 'window.synccheck={retcode:"1101",selector:"0"}' | cmp - "$BATS_TEST_TMPDIR/b"
	run -0 synccheck "$(key_pipe "$KEY")"
	assert_output 'window.synccheck={retcode:"1101",selector:"0"}'
}

@test "synccheck: webwxlogout wakes a held poll with 1100" {
	logged_in_and_synced
	local n
	n=$(grep -c '/synccheck' "$EMU_LOG")
	synccheck "$(key_pipe "$KEY")" -o "$BATS_TEST_TMPDIR/b" &
	wait_polls $((n + 1))
	web_post webwxlogout "redirect=1&type=0&skey=$(uri "$SKEY")" "" >/dev/null
	wait
	printf 'window.synccheck={retcode:"1100",selector:"0"}' | cmp - "$BATS_TEST_TMPDIR/b"
}

@test "webwxsync: empty SyncKey without Skey is the captured Ret 1100 body, byte for byte" {
	emu_login
	do_init
	local body
	body=$(jq -cn --argjson uin "$UIN" --arg sid "$SID" \
		'{BaseRequest: {Uin: $uin, Sid: $sid}, SyncKey: {Count: 0, List: []}, rr: 1420688851}')
	web_post webwxsync "sid=$(uri "$SID")&skey=$SKEY" "$body" -o "$BATS_TEST_TMPDIR/b"
	cmp "$BATS_TEST_TMPDIR/b" "$SAMPLES/webwxsync-qwx_23-1.json"
}

@test "webwxsync: Ret -1 for a 2015 client is the captured 579-byte body" {
	emu_login
	do_init
	local body
	body=$(jq -cn --argjson uin "$UIN" --arg sid "$SID" --argjson k "$(jq -c .SyncKey <<<"$INIT")" \
		'{BaseRequest: {Uin: $uin, Sid: $sid}, SyncKey: $k, rr: 1420688851}')
	# Ret -1 is an optional fault kind (protocol.md §12.8).
	[ "$(emu_ctl fault "endpoint=webwxsync&kind=ret-1&count=1" -o /dev/null -w '%{http_code}')" = 200 ] ||
		skip "this wx-emu has no ret-1 fault"
	web_post webwxsync "sid=$(uri "$SID")&skey=$SKEY" "$body" -o "$BATS_TEST_TMPDIR/b"
	cmp "$BATS_TEST_TMPDIR/b" "$SAMPLES/webwxsync-wxagent_11-1.recon.json"
}

@test "webwxsync: today's error answer adds an empty SyncCheckKey" {
	emu_login
	do_init
	emu_ctl fault "endpoint=webwxsync&kind=ret1101&count=1" >/dev/null
	do_sync "$(jq -c .SyncKey <<<"$INIT")"
	run -0 jq -c '[.BaseResponse.Ret, .SyncKey, .SyncCheckKey, .AddMsgCount]' <<<"$SYNC"
	assert_output '[1101,{"Count":0,"List":[]},{"Count":0,"List":[]},0]'
	# The sample's bytes up to SKey, then the uncaptured end: a nested
	# object as last member closes "}" LF "}" LF.
	web_post webwxsync "sid=$(uri "$SID")&skey=$SKEY" \
		"$(jq -cn --argjson br "$(emu_base)" '$br + {SyncKey: {Count: 0, List: []}}')" \
		-o "$BATS_TEST_TMPDIR/b"
	cmp "$BATS_TEST_TMPDIR/b" <(head -n -2 "$SAMPLES/webwxsync-qwx_23-1.json"
		printf '"SKey": "",\n"SyncCheckKey": {\n"Count": 0,\n"List": []\n}\n}\n')
}

# ms since the epoch.
now_ms() {
	date +%s%3N
}

@test "selectorN fault: the next N synccheck answers are retcode 0 and selector N at once" {
	logged_in_and_synced
	local t0
	emu_ctl fault "endpoint=synccheck&kind=selector3&count=2" >/dev/null
	t0=$(now_ms)
	run -0 synccheck "$(key_pipe "$KEY")"
	assert_output 'window.synccheck={retcode:"0",selector:"3"}'
	run -0 synccheck "$(key_pipe "$KEY")"
	assert_output 'window.synccheck={retcode:"0",selector:"3"}'
	# At once, though nothing is pending and the hold is 2 s.
	[ $(( $(now_ms) - t0 )) -lt 1500 ]
	# webwxsync brings nothing for it; then the poll holds and says 0.
	do_sync "$KEY"
	[ "$(jq -c '[.AddMsgCount, .ModContactCount, .DelContactCount]' <<<"$SYNC")" = '[0,0,0]' ]
	t0=$(now_ms)
	run -0 synccheck "$(key_pipe "$KEY")"
	assert_output 'window.synccheck={retcode:"0",selector:"0"}'
	[ $(( $(now_ms) - t0 )) -ge 2000 ]
}

@test "selectorN fault: over a pending message, after a retcode fault, an unknown N in 46 bytes" {
	logged_in_and_synced
	emu_ctl message "count=1" >/dev/null
	emu_ctl fault "endpoint=synccheck&kind=selector7" >/dev/null
	run -0 synccheck "$(key_pipe "$KEY")"
	assert_output 'window.synccheck={retcode:"0",selector:"7"}'
	run -0 synccheck "$(key_pipe "$KEY")"
	assert_output 'window.synccheck={retcode:"0",selector:"2"}'
	# A retcode wins; the selector waits for the next live answer.
	emu_ctl fault "endpoint=synccheck&kind=ret1101" >/dev/null
	emu_ctl fault "endpoint=synccheck&kind=selector9999" >/dev/null
	run -0 synccheck "$(key_pipe "$KEY")"
	assert_output 'window.synccheck={retcode:"1101",selector:"0"}'
	synccheck "$(key_pipe "$KEY")" -o "$BATS_TEST_TMPDIR/b"
	printf 'window.synccheck={retcode:"0",selector:"9999"}' | cmp - "$BATS_TEST_TMPDIR/b"
	[ "$(stat -c %s "$BATS_TEST_TMPDIR/b")" = 46 ]
}

# polls N URL: N synccheck polls of URL on one connection; their bodies.
polls() {
	local i urls=()
	for i in $(seq "$1"); do
		urls+=("$2")
	done
	emu_curl -b "$JAR" "${urls[@]}"
}

@test "-H takes decimal seconds: -H 0.01 holds an idle poll 10 ms, -H 0 not at all" {
	local t0 ms want
	want=$(printf 'window.synccheck={retcode:"0",selector:"0"}%.0s' $(seq 50))
	emu_start_own -H 0.01
	logged_in_and_synced
	t0=$(now_ms)
	run -0 polls 50 "$(synccheck_url "$(key_pipe "$KEY")")"
	ms=$(( $(now_ms) - t0 ))
	echo "# 50 idle polls with -H 0.01: $ms ms" >&3
	assert_output "$want"
	[ "$ms" -ge 500 ]
	[ "$ms" -lt 10000 ]
	emu_stop_own
	emu_start_own -H 0
	logged_in_and_synced
	run -0 polls 50 "$(synccheck_url "$(key_pipe "$KEY")")"
	assert_output "$want"
}

@test "-H: a negative, non-decimal or too long hold is a usage error" {
	local h
	for h in -1 1. .5 1e3 0x10 3600.5 3601 0.0000000001 ''; do
		run -100 timeout 5 wx-emu -p 0 -H "$h"
		assert_output --regexp '^wx-emu: -H: '
	done
}

@test "a burst of 100000 injected messages: one quick request, all kept for webwxsync" {
	logged_in_and_synced
	local t0 ms first last far
	t0=$(now_ms)
	emu_ctl message "count=100000" >"$BATS_TEST_TMPDIR/ids"
	ms=$(( $(now_ms) - t0 ))
	echo "# 100000 messages injected in $ms ms" >&3
	[ "$(wc -l <"$BATS_TEST_TMPDIR/ids")" = 100000 ]
	[ "$ms" -lt 10000 ]
	first=$(head -n 1 "$BATS_TEST_TMPDIR/ids")
	last=$(tail -n 1 "$BATS_TEST_TMPDIR/ids")
	# The oldest is still there for the key from before the burst ...
	do_sync "$KEY"
	[ "$(jq -r '[.AddMsgCount, .AddMsgList[0].MsgId] | join(" ")' <<<"$SYNC")" = "100 $first" ]
	# ... and a key 99900 events on gets the last 100.
	far=$(jq -c '.List |= map(if .Key == 1 then .Val += 99900 else . end)' <<<"$KEY")
	do_sync "$far"
	[ "$(jq -r '[.AddMsgCount, .AddMsgList[99].MsgId] | join(" ")' <<<"$SYNC")" = "100 $last" ]
	run -0 synccheck "$(key_pipe "$(jq -c .SyncCheckKey <<<"$SYNC")")"
	assert_output 'window.synccheck={retcode:"0",selector:"0"}'
}

@test "SIGTERM ends wx-emu within a second while a synccheck is held (-H 25)" {
	emu_start_own -H 25
	logged_in_and_synced
	synccheck "$(key_pipe "$KEY")" >/dev/null 2>&1 &
	local poll=$! t0 i
	wait_polls 1
	t0=$(date +%s%3N)
	kill -TERM "$EMU_PID"
	for i in $(seq 200); do
		kill -0 "$EMU_PID" 2>/dev/null && [ "$(awk '/^State/ { print $2 }' "/proc/$EMU_PID/status" 2>/dev/null)" != Z ] || break
		sleep 0.01
	done
	echo "# ended after $(( $(date +%s%3N) - t0 )) ms" >&3
	[ $(( $(date +%s%3N) - t0 )) -lt 1000 ]
	wait "$EMU_PID" || true
	EMU_PID=
	OWN_EMU=
	wait "$poll" || true
}
