#!/usr/bin/env bats
# wx-emu session phase with curl as the client: webwxinit, statusnotify,
# paged webwxgetcontact, webwxbatchgetcontact, webwxlogout, avatars —
# key order, shapes and the byte-exact samples (protocol.md §5, §9, §12).
load helper
load emu
load emu-session

setup_file() { emu_start -n 1200 -g 5 -m 8; }
teardown_file() { emu_stop; }

CONTACT_KEYS='["Uin","UserName","NickName","HeadImgUrl","ContactFlag","MemberCount","MemberList","RemarkName","HideInputBarFlag","Sex","Signature","VerifyFlag","OwnerUin","PYInitial","PYQuanPin","RemarkPYInitial","RemarkPYQuanPin","StarFriend","AppAccountFlag","Statues","AttrStatus","Province","City","Alias","SnsFlag","UniFriend","DisplayName","ChatRoomId","KeyWord","EncryChatRoomId","IsOwner"]'
MEMBER_KEYS='["Uin","UserName","NickName","AttrStatus","PYInitial","PYQuanPin","RemarkPYInitial","RemarkPYQuanPin","MemberStatus","DisplayName","KeyWord"]'

# Header names of a saved head ($1), in order, lower-cased.
header_names() {
	tr -d '\r' <"$1" | sed -n 's/^\([A-Za-z-]*\): .*/\1/p' | tr 'A-Z' 'a-z'
}

# assert_header_order HEAD NAME…: the names appear in HEAD in this order.
assert_header_order() {
	local head=$1 got
	shift
	got=$(header_names "$head" | grep -Fx -f <(printf '%s\n' "$@" | tr 'A-Z' 'a-z') | tr '\n' ' ')
	[ "$got" = "$(printf '%s ' "$@" | tr 'A-Z' 'a-z')" ] || fail "header order: $got"
}

@test "webwxinit: top-level and User keys in the server's order" {
	emu_login
	do_init
	run -0 jq -c 'keys_unsorted' <<<"$INIT"
	assert_output '["BaseResponse","Count","ContactList","SyncKey","User","ChatSet","SKey","ClientVersion","SystemTime","GrayScale","InviteStartCount","MPSubscribeMsgCount","MPSubscribeMsgList","ClickReportInterval"]'
	run -0 jq -c '.User | keys_unsorted' <<<"$INIT"
	assert_output '["Uin","UserName","NickName","HeadImgUrl","RemarkName","PYInitial","PYQuanPin","RemarkPYInitial","RemarkPYQuanPin","HideInputBarFlag","StarFriend","Sex","Signature","AppAccountFlag","VerifyFlag","ContactFlag","WebWxPluginSwitch","HeadImgFlag","SnsFlag"]'
	run -0 jq -c --argjson k "$CONTACT_KEYS" '[.ContactList[] | keys_unsorted == $k] | all' <<<"$INIT"
	assert_output true
	run -0 jq -c '.MPSubscribeMsgList[0] | keys_unsorted, (.MPArticleList[0] | keys_unsorted)' <<<"$INIT"
	assert_line --index 0 '["UserName","MPArticleCount","MPArticleList","Time","NickName"]'
	assert_line --index 1 '["Title","Digest","Cover","Url"]'
}

@test "webwxinit: values, ChatSet, SyncKey 1,2,3,1000, SystemTime = wxloadtime" {
	emu_login
	do_init
	[ "$(jq -r .SKey <<<"$INIT")" = "$SKEY" ]
	[ "$(jq .User.Uin <<<"$INIT")" = "$UIN" ]
	run -0 jq -c '[.SyncKey.Count, [.SyncKey.List[].Key]]' <<<"$INIT"
	assert_output '[4,[1,2,3,1000]]'
	run -0 jq -c '[.Count == (.ContactList | length), .MPSubscribeMsgCount == (.MPSubscribeMsgList | length), .GrayScale, .InviteStartCount, .ClickReportInterval, .User.HeadImgFlag]' <<<"$INIT"
	assert_output '[true,true,1,40,600000,1]'
	# ChatSet: the ContactList UserNames, each followed by a comma.
	[ "$(jq -r '.ChatSet' <<<"$INIT")" = "$(jq -r '[.ContactList[].UserName + ","] | add' <<<"$INIT")" ]
	run -0 jq -c '.ContactList[] | select(.UserName == "filehelper") | [.KeyWord, .ContactFlag]' <<<"$INIT"
	assert_output '["fil",3]'
	# Rooms: ContactFlag 0, every member listed but with NickName "" and
	# AttrStatus 0, avatar seq 0 with the skey.
	run -0 jq -c '[.ContactList[] | select(.UserName | startswith("@@"))
		| .ContactFlag == 0 and .MemberCount == (.MemberList | length) and .MemberCount > 0
		  and all(.MemberList[]; .NickName == "" and .AttrStatus == 0)
		  and (.HeadImgUrl | test("^/cgi-bin/mmwebwx-bin/webwxgetheadimg[?]seq=0&username=@@[0-9a-f]{64}&skey=@crypt_"))] | length > 0 and all' <<<"$INIT"
	assert_output true
	run -0 jq -c --argjson k "$MEMBER_KEYS" '[.ContactList[].MemberList[] | keys_unsorted == $k] | all' <<<"$INIT"
	assert_output true
	local t
	t=$(awk '$6 == "wxloadtime" { print $7 }' "$JAR")
	[ -n "$t" ] && [ "$(jq .SystemTime <<<"$INIT")" = "$t" ]
}

@test "webwxinit: the layout of protocol.md 3.1, ending in } LF" {
	emu_login
	web_post webwxinit "r=-1" "$(emu_base)" -o "$BATS_TEST_TMPDIR/init"
	local start=$'{\n"BaseResponse": {\n"Ret": 0,\n"ErrMsg": ""\n}\n,\n"Count": '
	[ "$(head -c ${#start} "$BATS_TEST_TMPDIR/init")" = "$start" ]
	[ "$(tail -c 2 "$BATS_TEST_TMPDIR/init" | od -An -c | tr -d ' ')" = '}\n' ]
	# No indentation anywhere, one space after every colon of a key.
	! grep -q '^[[:space:]]' "$BATS_TEST_TMPDIR/init"
	grep -q '^"ClickReportInterval": 600000$' "$BATS_TEST_TMPDIR/init"
}

@test "webwxinit: an error answer is the captured 1100 body" {
	emu_login
	emu_ctl fault "endpoint=webwxinit&kind=ret1100&count=1" >/dev/null
	web_post webwxinit "r=-1" "$(emu_base)" -o "$BATS_TEST_TMPDIR/init"
	# The capture lost its final LF; the server ends every JSON with one.
	cmp "$BATS_TEST_TMPDIR/init" <(cat "$SAMPLES/webwxinit-WeChatNET_6-1.json"; echo)
}

@test "webwxinit: two concurrent inits both answer; one chat-list message" {
	emu_login
	web_post webwxinit "r=-1" "$(emu_base)" -o "$BATS_TEST_TMPDIR/a" &
	web_post webwxinit "r=-1" "$(emu_base)" -o "$BATS_TEST_TMPDIR/b" &
	wait
	[ "$(jq .BaseResponse.Ret "$BATS_TEST_TMPDIR/a")" = 0 ]
	[ "$(jq .BaseResponse.Ret "$BATS_TEST_TMPDIR/b")" = 0 ]
	do_sync "$(jq -c .SyncKey "$BATS_TEST_TMPDIR/a")"
	[ "$(jq '[.AddMsgList[] | select(.MsgType == 51)] | length' <<<"$SYNC")" = 1 ]
}

@test "webwxstatusnotify: 80 bytes, 19-digit MsgID, as the capture" {
	emu_login
	do_init
	local me body
	me=$(jq -r .User.UserName <<<"$INIT")
	body=$(jq -cn --argjson br "$(emu_base)" --arg me "$me" \
		'$br + {Code: 3, FromUserName: $me, ToUserName: $me, ClientMsgId: 1546211542123}')
	web_post webwxstatusnotify "" "$body" -D "$BATS_TEST_TMPDIR/h" -o "$BATS_TEST_TMPDIR/b"
	[ "$(wc -c <"$BATS_TEST_TMPDIR/b")" = 80 ]
	cmp <(sed -E 's/"[0-9]{19}"/"ID"/' "$BATS_TEST_TMPDIR/b") \
		<(sed -E 's/"[0-9]{19}"/"ID"/' "$SAMPLES/webwxstatusnotify-weixinHttp-1.recon.json")
	grep -qx 'Content-Type: text/plain' <(tr -d '\r' <"$BATS_TEST_TMPDIR/h")
	grep -qx 'Content-Length: 80' <(tr -d '\r' <"$BATS_TEST_TMPDIR/h")
	! grep -qi '^content-encoding' "$BATS_TEST_TMPDIR/h"
	assert_header_order "$BATS_TEST_TMPDIR/h" Content-Type Strict-Transport-Security
}

@test "webwxstatusnotify: Ret 1101 keeps MsgID \"\" (64 bytes)" {
	emu_login
	emu_ctl fault "endpoint=webwxstatusnotify&kind=ret1101&count=1" >/dev/null
	web_post webwxstatusnotify "" "$(emu_base)" -o "$BATS_TEST_TMPDIR/b"
	cmp "$BATS_TEST_TMPDIR/b" "$SAMPLES/webwxstatusnotify-WeixinBot_58-1.recon.json"
}

@test "webwxgetcontact: Seq paging until 0, pages of at most 500, no duplicates" {
	emu_login
	do_init
	local seq=0 pages=0 page n names="$BATS_TEST_TMPDIR/names"
	: >"$names"
	while :; do
		page=$(web_get webwxgetcontact "lang=zh_CN&pass_ticket=$PASS_TICKET&r=1&seq=$seq&skey=$SKEY")
		[ "$(jq -c keys_unsorted <<<"$page")" = '["BaseResponse","MemberCount","MemberList","Seq"]' ]
		[ "$(jq .BaseResponse.Ret <<<"$page")" = 0 ]
		n=$(jq '.MemberList | length' <<<"$page")
		[ "$(jq .MemberCount <<<"$page")" = "$n" ]
		[ "$n" -gt 0 ] && [ "$n" -le 500 ]
		jq -r '.MemberList[].UserName' <<<"$page" >>"$names"
		seq=$(jq .Seq <<<"$page")
		pages=$((pages + 1))
		[ "$pages" -le 10 ] || fail "Seq never reached 0"
		[ "$seq" = 0 ] && break
	done
	[ "$pages" -ge 3 ]
	[ "$(wc -l <"$names")" -gt 1200 ]
	[ "$(sort "$names" | uniq -d | wc -l)" = 0 ]
	grep -qx filehelper "$names"
	! grep -qxF "$(jq -r .User.UserName <<<"$INIT")" "$names"
	run -0 jq -c --argjson k "$CONTACT_KEYS" '[.MemberList[] | keys_unsorted == $k] | all' <<<"$page"
	assert_output true
}

@test "webwxgetcontact: POST {} (WB, WXB) answers like GET" {
	emu_login
	local get post
	get=$(web_get webwxgetcontact "r=1&seq=0&skey=$SKEY" | jq -c '[.MemberCount, .Seq, .MemberList[0].UserName]')
	post=$(web_post webwxgetcontact "r=1&seq=0&skey=$SKEY" '{}' | jq -c '[.MemberCount, .Seq, .MemberList[0].UserName]')
	[ "$get" = "$post" ]
	[ "$(jq '.[0]' <<<"$get")" = 500 ]
}

@test "webwxgetcontact: after logout, the captured error shape with Ret 1100" {
	emu_login
	web_get webwxlogout "redirect=1&type=1&skey=$SKEY" >/dev/null
	web_get webwxgetcontact "r=1&seq=0&skey=$SKEY" -o "$BATS_TEST_TMPDIR/b"
	cmp "$BATS_TEST_TMPDIR/b" <(sed 's/"Ret": 1,/"Ret": 1100,/' "$SAMPLES/webwxgetcontact-wechatdeletedfriends_117-1.json"; echo)
}

@test "webwxbatchgetcontact: rooms with full members, EncryChatRoomId, avatar seq" {
	emu_login
	do_init
	local body out
	body=$(jq -c --argjson br "$(emu_base)" \
		'[.ContactList[] | select(.UserName | startswith("@@")) | {UserName, ChatRoomId: ""}] as $l
		 | $br + {Count: ($l | length), List: $l}' <<<"$INIT")
	out=$(web_post webwxbatchgetcontact "type=ex&r=1" "$body")
	run -0 jq -c 'keys_unsorted' <<<"$out"
	assert_output '["BaseResponse","Count","ContactList"]'
	[ "$(jq '.Count' <<<"$out")" = "$(jq '.List | length' <<<"$body")" ]
	[ "$(jq '.Count' <<<"$out")" -gt 0 ]
	run -0 jq -c --argjson k "$CONTACT_KEYS" --argjson m "$MEMBER_KEYS" '[.ContactList[]
		| keys_unsorted == $k and .ContactFlag == 2 and .MemberCount == 8
		  and (.MemberList | length) == 8
		  and all(.MemberList[]; keys_unsorted == $m and .NickName != "")
		  and (.EncryChatRoomId | test("^@[0-9a-f]{32}$"))
		  and (.HeadImgUrl | test("webwxgetheadimg[?]seq=[1-9][0-9]*&username=@@[0-9a-f]{64}&skey=$"))] | all' <<<"$out"
	assert_output true
}

@test "webwxbatchgetcontact: a member by room UserName or by EncryChatRoomId" {
	emu_login
	do_init
	local room out member encry body
	room=$(jq -r '[.ContactList[] | select(.UserName | startswith("@@"))][0].UserName' <<<"$INIT")
	body=$(jq -cn --argjson br "$(emu_base)" --arg r "$room" \
		'$br + {Count: 1, List: [{UserName: $r, EncryChatRoomId: ""}]}')
	out=$(web_post webwxbatchgetcontact "type=ex&r=1" "$body")
	member=$(jq -r '.ContactList[0].MemberList[2].UserName' <<<"$out")
	encry=$(jq -r '.ContactList[0].EncryChatRoomId' <<<"$out")
	[[ "$member" == @* ]]
	for key in "$room" "$encry"; do
		body=$(jq -cn --argjson br "$(emu_base)" --arg u "$member" --arg r "$key" \
			'$br + {Count: 1, List: [{UserName: $u, EncryChatRoomId: $r}]}')
		out=$(web_post webwxbatchgetcontact "type=ex&r=1" "$body")
		[ "$(jq -c '[.BaseResponse.Ret, .Count, .ContactList[0].UserName]' <<<"$out")" = "[0,1,\"$member\"]" ]
	done
}

@test "webwxbatchgetcontact: more than 50 entries is Ret 1 with an empty list" {
	emu_login
	local body out
	body=$(jq -cn --argjson br "$(emu_base)" \
		'[range(51) | {UserName: "filehelper", EncryChatRoomId: ""}] as $l | $br + {Count: 51, List: $l}')
	out=$(web_post webwxbatchgetcontact "type=ex&r=1" "$body")
	[ "$(jq -c '[.BaseResponse.Ret, .Count, .ContactList]' <<<"$out")" = '[1,0,[]]' ]
	body=$(jq -cn --argjson br "$(emu_base)" \
		'[range(50) | {UserName: "filehelper", EncryChatRoomId: ""}] as $l | $br + {Count: 50, List: $l}')
	out=$(web_post webwxbatchgetcontact "type=ex&r=1" "$body")
	[ "$(jq -c '[.BaseResponse.Ret, .Count]' <<<"$out")" = '[0,50]' ]
}

@test "webwxlogout: RC's form POST answers an empty 200 and ends the session" {
	emu_login
	do_init
	local code
	code=$(emu_curl -b "$JAR" -o "$BATS_TEST_TMPDIR/b" -w '%{http_code}' \
		--data "sid=$(uri "$SID")&uin=$UIN" \
		"https://$WEB/cgi-bin/mmwebwx-bin/webwxlogout?redirect=1&type=0&skey=$(uri "$SKEY")")
	[ "$code" = 200 ]
	[ ! -s "$BATS_TEST_TMPDIR/b" ]
	run -0 web_post webwxinit "r=-1" "$(emu_base)"
	[ "$(jq .BaseResponse.Ret <<<"$output")" = 1100 ]
	run -0 synccheck "$(key_pipe "$(jq -c .SyncKey <<<"$INIT")")"
	assert_output 'window.synccheck={retcode:"1100",selector:"0"}'
}

@test "webwxgeticon: image/jpeg, Last-Modified, Cache-control, an image body" {
	emu_login
	do_init
	local url
	url=$(jq -r .User.HeadImgUrl <<<"$INIT")
	emu_curl -b "$JAR" -D "$BATS_TEST_TMPDIR/h" -o "$BATS_TEST_TMPDIR/b" "https://$WEB$url"
	tr -d '\r' <"$BATS_TEST_TMPDIR/h" | grep -qx 'Content-Type: image/jpeg'
	tr -d '\r' <"$BATS_TEST_TMPDIR/h" | grep -qx 'Cache-control: max-age=604800'
	tr -d '\r' <"$BATS_TEST_TMPDIR/h" | grep -qE '^Last-Modified: [A-Z][a-z]{2}, [0-9]{2} [A-Z][a-z]{2} [0-9]{4} [0-9:]{8} GMT$'
	assert_header_order "$BATS_TEST_TMPDIR/h" Content-Type Last-Modified Cache-control Strict-Transport-Security
	! grep -qi '^accept-ranges' "$BATS_TEST_TMPDIR/h"
	# a JPEG, as real avatars are
	[ "$(head -c 3 "$BATS_TEST_TMPDIR/b" | od -An -tx1 | tr -d ' ')" = ffd8ff ]
}

@test "webwxgetheadimg: Accept-Ranges before Content-Type" {
	emu_login
	do_init
	local url
	url=$(jq -r '[.ContactList[] | select(.UserName | startswith("@@"))][0].HeadImgUrl' <<<"$INIT")
	emu_curl -b "$JAR" -D "$BATS_TEST_TMPDIR/h" -o "$BATS_TEST_TMPDIR/b" "https://$WEB$url"
	assert_header_order "$BATS_TEST_TMPDIR/h" Accept-Ranges Content-Type Last-Modified Cache-control Strict-Transport-Security
	[ -s "$BATS_TEST_TMPDIR/b" ]
}
