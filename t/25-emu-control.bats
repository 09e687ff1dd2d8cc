#!/usr/bin/env bats
# wx-emu's control API (/_emu/…) and its faults.
load helper
load emu

setup_file() { emu_start -H 1; }
teardown_file() { emu_stop; }
teardown() { emu_stop_own; }

# webwxsync for the current session from SyncKey "$1" (JSON), body out.
sync_from() {
	local key=${1:-'{"Count":1,"List":[{"Key":1,"Val":1}]}'}
	emu_cgi "webwxsync?sid=$SID&skey=$SKEY" --compressed \
		--data "{\"BaseRequest\":{\"Uin\":$UIN,\"Sid\":\"$SID\",\"Skey\":\"$SKEY\",\"DeviceID\":\"e123456789012345\"},\"SyncKey\":$key,\"rr\":-1}"
}

# The SyncKey of a webwxinit answer, as JSON.
init_key() {
	emu_cgi "webwxinit?r=-1" --compressed --data "$(emu_base)" | jq -c .SyncKey
}

@test "control: scan/confirm/cancel/expire answer ok, 404 or 409" {
	local u
	u=$(emu_jslogin)
	run emu_ctl scan "uuid=$u"
	assert_output ok
	run emu_ctl scan "uuid=$u"
	assert_output 'uuid is past that step'
	run emu_ctl confirm
	assert_output ok
	run emu_ctl cancel "uuid=$u"
	assert_output 'uuid is past that step'
	run emu_ctl expire "uuid=$u"
	assert_output ok
	run emu_ctl confirm "uuid=NoSuchUuid=="
	assert_output 'no such uuid'
	run emu_ctl scan 'uuid=NoSuchUuid==' -o /dev/null -w '%{http_code}'
	assert_output 404
	run emu_ctl cancel 'uuid=NoSuchUuid==' -o /dev/null -w '%{http_code}'
	assert_output 404
	# Without uuid: the latest login.
	u=$(emu_jslogin)
	run emu_ctl cancel
	assert_output ok
	run emu_poll "$u"
	assert_output 'window.code=202;'
	run emu_ctl nosuchcall '' -o /dev/null -w '%{http_code}'
	assert_output 404
}

@test "control: message injects one message and answers its 19-digit MsgId" {
	emu_login
	local key id
	key=$(init_key)
	run emu_ctl message '' --data '{"From":"filehelper","Content":"a < b & c\nnext 😀"}'
	assert_output --regexp '^[1-9][0-9]{18}$'
	id=$output
	run sync_from "$key"
	run jq -c '.AddMsgList[] | select(.MsgId=="'"$id"'") | [.FromUserName, .MsgType, .Content]' <<<"$output"
	assert_output '["filehelper",1,"a &lt; b &amp; c<br/>next <span class=\"emoji emoji1f600\"></span>"]'
}

@test "control: a room message carries @sender:<br/> and may be given raw" {
	emu_login
	local key room member id
	key=$(init_key)
	room=$(emu_ctl contacts | jq -r 'select(.Kind=="room") | .UserName' | head -1)
	member=$(emu_ctl contacts | jq -r 'select(.Kind=="person") | .UserName' | head -1)
	id=$(emu_ctl message '' --data "{\"From\":\"$room\",\"Sender\":\"$member\",\"Content\":\"hi\"}")
	id2=$(emu_ctl message '' --data "{\"From\":\"$member\",\"MsgType\":49,\"AppMsgType\":5,\"Raw\":1,\"Content\":\"&lt;msg&gt;&lt;/msg&gt;\",\"Url\":\"http://example.com/\"}")
	run sync_from "$key"
	local body=$output
	run jq -r '.AddMsgList[] | select(.MsgId=="'"$id"'") | .Content' <<<"$body"
	assert_output "$member:<br/>hi"
	run jq -c '.AddMsgList[] | select(.MsgId=="'"$id2"'") | [.MsgType, .AppMsgType, .Content, .Url]' <<<"$body"
	assert_output '[49,5,"&lt;msg&gt;&lt;/msg&gt;","http://example.com/"]'
}

@test "control: message?count=N injects N distinct generated messages" {
	run emu_ctl message 'count=25'
	assert_equal "${#lines[@]}" 25
	run bash -c "printf '%s\n' \"\$1\" | grep -Ec '^[1-9][0-9]{18}\$'" _ "$output"
	assert_output 25
	run bash -c "printf '%s\n' \"\$1\" | sort -u | wc -l" _ "$(emu_ctl message count=5)"
	assert_output 5
}

@test "control: message refuses bad input" {
	run emu_ctl message '' --data '{"From":"@nobody"}'
	assert_output 'unknown From'
	run emu_ctl message '' --data '{"To":"@nobody"}'
	assert_output 'unknown To'
	run emu_ctl message '' --data 'not json'
	assert_output 'body is not JSON'
	run emu_ctl message 'count=0'
	assert_output 'bad count'
	run emu_ctl message 'count=x' -o /dev/null -w '%{http_code}'
	assert_output 400
}

@test "control: sent lists what clients sent, as NDJSON" {
	emu_login
	local self
	self=$(emu_ctl state | jq -r .self)
	emu_cgi "webwxsendmsg?pass_ticket=$PASS_TICKET" --data "{\"BaseRequest\":{\"Uin\":$UIN,\"Sid\":\"$SID\",\"Skey\":\"$SKEY\",\"DeviceID\":\"e1\"},\"Msg\":{\"Type\":1,\"Content\":\"hello from the test\",\"FromUserName\":\"$self\",\"ToUserName\":\"filehelper\",\"LocalID\":\"15462115413380123\",\"ClientMsgId\":\"15462115413380123\"},\"Scene\":0}" >/dev/null
	run emu_ctl sent
	assert_success
	run jq -s -c 'map(select(tostring | contains("hello from the test"))) | length' <<<"$output"
	assert_output 1
}

@test "control: kick ends the newest session with 1101" {
	emu_login
	run emu_ctl kick
	assert_output ok
	run emu_curl -b "$JAR" "https://webpush.wx2.qq.com/cgi-bin/mmwebwx-bin/synccheck?r=1&skey=$SKEY&sid=$SID&uin=$UIN&deviceid=e1&synckey=1_1"
	assert_output 'window.synccheck={retcode:"1101",selector:"0"}'
	run emu_ctl kick
	assert_output 'no live session'
}

@test "control: modcontact and delcontact reach webwxsync" {
	emu_login
	local key u
	key=$(init_key)
	u=$(emu_ctl contacts | jq -r 'select(.Kind=="person") | .UserName' | sed -n 2p)
	run emu_ctl modcontact "username=$u&nickname=New%20%26%20Improved"
	assert_output ok
	run sync_from "$key"
	run jq -r '.ModContactList[] | select(.UserName=="'"$u"'") | .NickName' <<<"$output"
	assert_output 'New &amp; Improved'
	run emu_ctl delcontact "username=$u"
	assert_output ok
	run sync_from "$key"
	run jq -r '.DelContactList[].UserName' <<<"$output"
	assert_line "$u"
	run emu_ctl modcontact 'username=@nobody'
	assert_output 'no such contact'
}

@test "control: state and contacts describe the world" {
	run emu_ctl state
	run jq -r '.self | test("^@[0-9a-f]{32}$")' <<<"$output"
	assert_output true
	run bash -c "curl -sS -X POST --connect-to ::127.0.0.1:$EMU_PORT --cacert $CURL_CA_BUNDLE https://127.0.0.1:$EMU_PORT/_emu/contacts | jq -r .Kind | sort | uniq -c | awk '{print \$2, \$1}'"
	assert_line 'person 20'
	assert_line 'room 3'
	assert_line 'self 1'
}

@test "fault: http500 for the next N requests of one endpoint" {
	run emu_ctl fault 'endpoint=jslogin&kind=http500&count=2'
	assert_output ok
	run emu_curl -o /dev/null -w '%{http_code}' https://login.wx.qq.com/jslogin
	assert_output 500
	run emu_curl -o /dev/null -w '%{http_code}' https://login.wx.qq.com/jslogin
	assert_output 500
	run emu_curl -o /dev/null -w '%{http_code}' https://login.wx.qq.com/jslogin
	assert_output 200
}

@test "fault: reset cuts the connection after the head" {
	emu_ctl fault 'endpoint=jslogin&kind=reset' >/dev/null
	run emu_curl https://login.wx.qq.com/jslogin
	assert_failure 18
	run emu_curl https://login.wx.qq.com/jslogin
	assert_success
}

@test "fault: truncate sends half the document with a matching length" {
	emu_ctl fault 'endpoint=jslogin&kind=truncate' >/dev/null
	run emu_curl -w '|%{size_download}' https://login.wx.qq.com/jslogin
	assert_success
	assert_output 'window.QRLogin.code = 200; windo|32'
}

@test "fault: malformed replaces the body by an HTML error page" {
	emu_ctl fault 'endpoint=login&kind=malformed' >/dev/null
	run emu_poll NoSuchUuid==
	assert_output --regexp '^<html><body><h1>502 Bad Gateway</h1>'
	run emu_poll NoSuchUuid==
	assert_output 'window.code=400;'
}

@test "fault: slow holds the answer for the hold time" {
	emu_ctl fault 'endpoint=jslogin&kind=slow' >/dev/null
	local t0 t1
	t0=$(date +%s%N)
	run emu_curl https://login.wx.qq.com/jslogin
	t1=$(date +%s%N)
	assert_output --regexp '^window\.QRLogin\.code = 200;'
	# -H 1: held a full second, measured from the request.
	[ $(( (t1 - t0) / 1000000 )) -ge 1000 ]
}

@test "fault: retNNNN makes an authenticated endpoint answer that code" {
	emu_login
	local code
	for code in 1100 1101 1102 1205; do
		run emu_ctl fault "endpoint=synccheck&kind=ret$code"
		assert_output ok
		run emu_curl -b "$JAR" "https://webpush.wx2.qq.com/cgi-bin/mmwebwx-bin/synccheck?r=1&skey=$SKEY&sid=$SID&uin=$UIN&deviceid=e1&synckey=1_1"
		assert_output "window.synccheck={retcode:\"$code\",selector:\"0\"}"
	done
	run emu_cgi "webwxinit?r=-1" --compressed --data "$(emu_base)"
	run jq .BaseResponse.Ret <<<"$output"
	assert_output 0
}

# Set-Cookie lines of one answer (head on stdout, CR removed).
set_cookies() {
	emu_curl -D - -o /dev/null "$@" | tr -d '\r' | grep -i '^Set-Cookie: ' || true
}

# The Unix time of a cookie's Expires (hyphenated cookie date).
cookie_expires() {
	date -d "$(sed 's/.*Expires=\([^;]*\);.*/\1/; s/-/ /g')" +%s
}

@test "fault: cookie adds one Set-Cookie of a new name to each of the next N answers" {
	local a b now
	run emu_ctl fault 'endpoint=jslogin&kind=cookie&count=2'
	assert_output ok
	a=$(set_cookies https://login.wx.qq.com/jslogin)
	b=$(set_cookies https://login.wx.qq.com/jslogin)
	[[ $a =~ ^Set-Cookie:\ emu_c([0-9]+)=([0-9]+)\;\ Domain=\.qq\.com\;\ Path=/\;\ Expires=[^\;]+\;\ Secure$ ]]
	[ "${BASH_REMATCH[1]}" = "${BASH_REMATCH[2]}" ]
	[[ $b =~ ^Set-Cookie:\ emu_c[0-9]+= ]]
	[ "${a%%=*}" != "${b%%=*}" ]
	now=$(date +%s)
	[ "$(cookie_expires <<<"$a")" -gt "$now" ]
	# The answer itself is the normal one, and the third has no extra.
	emu_ctl fault 'endpoint=jslogin&kind=cookie&count=1' >/dev/null
	run emu_curl https://login.wx.qq.com/jslogin
	assert_output --regexp '^window\.QRLogin\.code = 200; window\.QRLogin\.uuid = '
	run set_cookies https://login.wx.qq.com/jslogin
	assert_output ''
}

@test "fault: cookie works for the web home page (endpoint=/) and a cgi, beside their own cookies" {
	emu_ctl fault 'endpoint=/&kind=cookie' >/dev/null
	run set_cookies https://wx.qq.com/
	assert_line --index 0 --regexp '^Set-Cookie: mm_lang=zh_CN; Domain=wx\.qq\.com; '
	assert_line --index 1 --regexp '^Set-Cookie: emu_c[0-9]+=[0-9]+; Domain=\.qq\.com; Path=/; '
	emu_ctl fault 'endpoint=webwxinit&kind=cookie' >/dev/null
	emu_ctl fault 'endpoint=webwxinit&kind=ret1101' >/dev/null
	run emu_curl -D - --data '{}' 'https://web.wechat.com/cgi-bin/mmwebwx-bin/webwxinit?r=-1'
	assert_output --regexp $'Set-Cookie: emu_c[0-9]+=[0-9]+; Domain=\.wechat\.com; Path=/; '
	assert_output --partial '"Ret": 1101'
}

@test "fault: bad requests are refused" {
	run emu_ctl fault 'endpoint=jslogin&kind=explode'
	assert_output --regexp '^bad fault'
	run emu_ctl fault 'kind=http500' -o /dev/null -w '%{http_code}'
	assert_output 400
	run emu_ctl fault 'endpoint=jslogin&kind=http500&count=-1' -o /dev/null -w '%{http_code}'
	assert_output 400
	# selectorN: synccheck only, N 0..9999.
	local k
	for k in 'webwxsync&kind=selector2' 'synccheck&kind=selector10000' \
	         'synccheck&kind=selector' 'synccheck&kind=selectorx' \
	         'synccheck&kind=selector-1' 'synccheck&kind=selector000000000002'; do
		run emu_ctl fault "endpoint=$k" -o /dev/null -w '%{http_code}'
		assert_output 400
	done
	run emu_ctl fault 'endpoint=synccheck&kind=selector9999&count=0'
	assert_output ok
	run emu_ctl fault 'endpoint=synccheck&kind=selector0&count=0'
	assert_output ok
}

@test "auth: wrong host family, missing credentials and logout" {
	emu_login
	# Same session, push host of another family: 1100.
	run emu_curl -b "$JAR" "https://webpush.wx.qq.com/cgi-bin/mmwebwx-bin/synccheck?r=1&skey=$SKEY&sid=$SID&uin=$UIN&deviceid=e1&synckey=1_1"
	assert_output 'window.synccheck={retcode:"1100",selector:"0"}'
	run emu_curl "https://wx2.qq.com/cgi-bin/mmwebwx-bin/webwxinit?r=-1" --compressed --data '{}'
	run jq .BaseResponse.Ret <<<"$output"
	assert_output 1102
	# Uin as a string and a %40-encoded skey are accepted.
	run emu_cgi "webwxinit?r=-1" --compressed --data "{\"BaseRequest\":{\"Uin\":\"$UIN\",\"Sid\":\"$SID\",\"Skey\":\"${SKEY/@/%40}\",\"DeviceID\":\"e1\"}}"
	run jq .BaseResponse.Ret <<<"$output"
	assert_output 0
	# A wrong sid: 1100.
	run emu_cgi "webwxinit?r=-1" --compressed --data "{\"BaseRequest\":{\"Uin\":$UIN,\"Sid\":\"nosuchsid\",\"Skey\":\"$SKEY\",\"DeviceID\":\"e1\"}}"
	run jq .BaseResponse.Ret <<<"$output"
	assert_output 1100
	# A newer login replaces this one: 1101.
	local old_sid=$SID old_skey=$SKEY old_uin=$UIN old_jar=$JAR
	JAR="$BATS_TEST_TMPDIR/jar2" emu_login
	run emu_curl "https://webpush.wx2.qq.com/cgi-bin/mmwebwx-bin/synccheck?r=1&skey=$old_skey&sid=$old_sid&uin=$old_uin&deviceid=e1&synckey=1_1" -b "$old_jar"
	assert_output 'window.synccheck={retcode:"1101",selector:"0"}'
}
