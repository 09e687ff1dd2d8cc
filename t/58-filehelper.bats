#!/usr/bin/env bats
# File-helper mode (filehelper.md, wx(7) Modes) against wx-emu -F: each
# difference from the web mode checked in the request wx sent (wx-emu's
# request log, "uri" as sent), the commands without a use there refused,
# the echoes of sends dropped, and the whole flow end to end.
load helper
load send

ENTRY=filehelper.weixin.qq.com

setup_file() { emu_start -F -a -H 1; }
teardown_file() { emu_stop; }

setup() {
	export WX_DIR="$BATS_TEST_TMPDIR/wx"
	export WX_RATE=0
	T=$BATS_TEST_TMPDIR
}

# fh_login: wx-uuid -F, wx-wait, wx-init (wx-emu -a confirms).
fh_login() {
	wx-uuid -F </dev/null >/dev/null &&
		wx-wait -t 20 </dev/null >/dev/null 2>&1 &&
		wx-init </dev/null >/dev/null
}

# mark: remember the log's length; since: the requests after the mark.
mark() { MARK=$(wc -l <"$EMU_LOG"); }
since() { tail -n "+$((MARK + 1))" "$EMU_LOG"; }

# The requests since the mark to endpoint $1 (a path's end).
sent_to() {
	since | jq -c --arg e "$1" 'select(.path | endswith($e))'
}

# The Msg keys of request line $1, comma-separated, in their order.
msg_keys() {
	jq -r '.body | fromjson | .Msg | keys_unsorted | join(",")' <<<"$1"
}

# inject JSON: POST /_emu/message; the new MsgId.
fh_inject() {
	emu_ctl message '' --data-binary "$1"
}

# inject_file TYPENAME NAME FILE: a message of that type from the phone
# with FILE's bytes as its media; the new MsgId.
inject_file() {
	{
		printf '{"TypeName":"%s","FileName":"%s","Media":"' "$1" "$2"
		base64 -w0 "$3"
		printf '"}'
	} >"$T/inject.json"
	emu_ctl message '' --data-binary "@$T/inject.json"
}

@test "wx-uuid -F: the home page, then jslogin with the file helper's appid and a redirect_uri encoded twice" {
	mark
	run -0 --separate-stderr wx-uuid -F </dev/null
	[[ "$output" =~ ^uuid=[A-Za-z0-9_=+/-]{8,32}$ ]]
	[ "$(session_get mode)" = filehelper ]
	run -0 jq -r '.host + " " + .uri' < <(since)
	[ "${lines[0]}" = "$ENTRY /" ]
	[[ "${lines[1]}" =~ ^login\.wx\.qq\.com\ /jslogin\?appid=wx_webfilehelper\&redirect_uri=https%253A%252F%252Ffilehelper\.weixin\.qq\.com%252Fcgi-bin%252Fmmwebwx-bin%252Fwebwxnewloginpage\&fun=new\&lang=zh_CN\&_=[0-9]{13}$ ]]
	[ "${#lines[@]}" -eq 2 ]
}

@test "wx-uuid -F -p: no push login in file-helper mode (100)" {
	run -100 --separate-stderr wx-uuid -F -p </dev/null
	[ "$stderr" = "wx-uuid: -p: no push login in file-helper mode; scan a QR code" ]
	run -0 wx-uuid -h
	[ "$output" = "$(usage_of "wx-uuid [-d DIR] [-D | -F] [-p]")" ]
}

@test "wx-wait: each poll ends with &appid=wx_webfilehelper; the redirect names the entry host" {
	wx-uuid -F </dev/null >/dev/null
	mark
	run -0 --separate-stderr wx-wait -t 20 </dev/null
	[[ "$output" == "redirect_uri=https://$ENTRY/cgi-bin/mmwebwx-bin/webwxnewloginpage?"* ]]
	run -0 jq -r 'select(.path == "/cgi-bin/mmwebwx-bin/login") | .host + " " + .uri' < <(since)
	[ "${#lines[@]}" -ge 1 ]
	for l in "${lines[@]}"; do
		[[ "$l" =~ ^login\.wx\.qq\.com\ /cgi-bin/mmwebwx-bin/login\?loginicon=true\&uuid=[^\&]+\&tip=[01]\&r=-?[0-9]+\&_=[0-9]+\&appid=wx_webfilehelper$ ]]
	done
}

@test "wx-init: mmweb_appid on webwxnewloginpage and webwxinit, a DeviceID of 15 digits, no webwxstatusnotify" {
	wx-uuid -F </dev/null >/dev/null
	wx-wait -t 20 </dev/null >/dev/null 2>&1
	mark
	run -0 --separate-stderr wx-init </dev/null
	[[ "$output" == *$'\n'"host=$ENTRY"$'\n'"mode=filehelper"$'\n'* ]]
	run -0 jq -r '.method + " " + .host + " " + .path + " " + (.headers.mmweb_appid // "-")' < <(since)
	[ "${lines[0]}" = "GET $ENTRY /cgi-bin/mmwebwx-bin/webwxnewloginpage wx_webfilehelper" ]
	[ "${lines[1]}" = "POST $ENTRY /cgi-bin/mmwebwx-bin/webwxinit wx_webfilehelper" ]
	[ "${#lines[@]}" -eq 2 ]
	[[ "$(sent_to /webwxnewloginpage | jq -r .uri)" == *"&fun=new&version=v2" ]]
	[[ "$(sent_to /webwxinit | jq -r '.body | fromjson | .BaseRequest.DeviceID')" =~ ^[0-9]{15}$ ]]
	[ "$(session_get file_host)" = file.wx.qq.com ]
	[ "$(session_get push_host)" = "$ENTRY" ]
	[ "$(session_get username)" != "" ]
}

@test "wx-login -F: the whole login in one command; no push login even with a uin" {
	run -0 --separate-stderr wx-login -F -t 20
	[[ "$output" == *"mode=filehelper"* ]]
	mark
	run -0 --separate-stderr wx-login -F -t 20
	[ -z "$(sent_to /webwxpushloginurl)" ]
	[ -n "$(sent_to /jslogin)" ]
	run -0 wx-login -h
	[ "$output" = "$(usage_of "wx-login [-d DIR] [-D | -F] [-t SECONDS]")" ]
}

@test "wx-send filehelper: the page's text form, mmweb_appid on the POST" {
	fh_login
	mark
	run -0 --separate-stderr wx-send filehelper 'build #7 failed'
	id=$(out_get msgid)
	req=$(sent_to /webwxsendmsg)
	[ "$(jq -r '.host + " " + .headers.mmweb_appid' <<<"$req")" = "$ENTRY wx_webfilehelper" ]
	[[ "$(jq -r .uri <<<"$req")" == "/cgi-bin/mmwebwx-bin/webwxsendmsg?lang=zh_CN&pass_ticket="* ]]
	[ "$(msg_keys "$req")" = "ClientMsgId,FromUserName,LocalID,ToUserName,Content,Type" ]
	[[ "$(jq -r '.body | fromjson | .BaseRequest.DeviceID' <<<"$req")" =~ ^[0-9]{15}$ ]]
	[ "$(sent_by_id "$id" | jq -r '.To + " " + .Content')" = "filehelper build #7 failed" ]
}

@test "wx-send: any recipient but filehelper exits 1 before a request" {
	fh_login
	mark
	run -1 --separate-stderr wx-send someone hello
	[ "$stderr" = "wx-send: someone: file-helper mode sends to filehelper only" ]
	mkfile txt "$T/a.txt"
	run -1 --separate-stderr wx-send -f "$T/a.txt" @abc
	[ -z "$(since)" ]
}

@test "wx-send -f: a 2 MB file in one part of the page's form, then webwxsendappmsg" {
	fh_login
	mkfile txt "$T/build.log" 2000000
	mark
	run -0 --separate-stderr wx-send -f "$T/build.log" filehelper
	up=$(sent_to /webwxuploadmedia)
	[ "$(wc -l <<<"$up")" -eq 1 ]
	[ "$(jq -r '.host + " " + .headers.mmweb_appid' <<<"$up")" = "file.wx.qq.com wx_webfilehelper" ]
	[[ "$(jq -r .uri <<<"$up")" =~ ^/cgi-bin/mmwebwx-bin/webwxuploadmedia\?f=json\&random=[0-9]{4}$ ]]
	[ "$(form_fields "$up")" = "name,lastModifiedDate,size,type,mediatype,uploadmediarequest,webwx_data_ticket,pass_ticket,filename" ]
	umr=$(form_field "$up" uploadmediarequest)
	[ "$(jq -r '[.StartPos, .DataLen, .TotalLen, .ToUserName, (.ClientMediaId | type)] | map(tostring) | join(" ")' <<<"$umr")" = "0 2000000 2000000 filehelper string" ]
	[ "$(form_field "$up" pass_ticket)" = "$(session_get pass_ticket)" ]
	app=$(sent_to /webwxsendappmsg)
	[[ "$(jq -r .uri <<<"$app")" == "/cgi-bin/mmwebwx-bin/webwxsendappmsg?fun=async&f=json&lang=zh_CN&pass_ticket="* ]]
	[ "$(msg_keys "$app")" = "ClientMsgId,FromUserName,LocalID,ToUserName,Content,Type" ]
	[ "$(jq -r '.body | fromjson | .Msg.Type' <<<"$app")" = 6 ]
	[ "$(sent_by_id "$(out_get msgid)" | jq -r .To)" = filehelper ]
}

@test "wx-send -f: an image by webwxsendmsgimg without lang; a video and a GIF as files" {
	fh_login
	mkfile jpg "$T/a.jpg"
	mkfile mp4 "$T/b.mp4"
	mkfile gif "$T/c.gif"
	mark
	run -0 --separate-stderr wx-send -f "$T/a.jpg" filehelper
	img=$(sent_to /webwxsendmsgimg)
	[[ "$(jq -r .uri <<<"$img")" == "/cgi-bin/mmwebwx-bin/webwxsendmsgimg?fun=async&f=json&pass_ticket="* ]]
	[ "$(msg_keys "$img")" = "ClientMsgId,FromUserName,LocalID,ToUserName,MediaId,Type,Content" ]
	run -0 --separate-stderr wx-send -f "$T/b.mp4" filehelper
	run -0 --separate-stderr wx-send -f "$T/c.gif" filehelper
	[ -z "$(sent_to /webwxsendvideomsg)$(sent_to /webwxsendemoticon)" ]
	[ "$(sent_to /webwxsendappmsg | wc -l)" -eq 2 ]
	run -0 jq -r 'select(.path | endswith("/webwxuploadmedia")) | .body' < <(since)
	[[ "$output" == *'name="mediatype"'$'\r\n\r\n''doc'* ]]
}

@test "wx-send -f: over 25 MiB is too big for file-helper mode: 100, no request" {
	fh_login
	truncate -s $((25 * 1024 * 1024 + 1)) "$T/big.bin"
	mark
	run -100 --separate-stderr wx-send -f "$T/big.bin" filehelper
	[ "$stderr" = "wx-send: big.bin: 26214401 bytes: too big for file-helper mode (at most 26214400)" ]
	[ -z "$(since)" ]
}

@test "wx-sync: the chat's messages; the echo of a send and other chats' messages dropped" {
	fh_login
	wx-sync </dev/null >/dev/null
	self=$(session_get username)
	run -0 wx-send filehelper ping
	echo_id=$(out_get msgid)
	reply=$(fh_inject '{"Content":"pong"}')
	other=$(first_of person)
	fh_inject "{\"From\":\"$other\",\"To\":\"$self\",\"Content\":\"elsewhere\"}" >/dev/null
	mark
	run -0 --separate-stderr wx-sync </dev/null
	[ "${#lines[@]}" -eq 1 ]
	[ "$(jq -r '[.MsgId, .Text, .Chat, .FromUserName] | join(" ")' <<<"$output")" = "$reply pong filehelper $self" ]
	[[ "$output" != *"$echo_id"* ]]
	req=$(sent_to /webwxsync)
	[ "$(jq -r '.host + " " + .headers.mmweb_appid' <<<"$req")" = "$ENTRY wx_webfilehelper" ]
	[[ "$(jq -r '.body | fromjson | .BaseRequest.DeviceID' <<<"$req")" =~ ^[0-9]{15}$ ]]
}

@test "wx-sync -f beside wx-send: no echo printed, every reply printed" {
	fh_login
	wx-sync </dev/null >/dev/null
	wx-sync -f </dev/null >"$T/out" 2>"$T/err" &
	pid=$!
	for i in 1 2 3 4 5 6; do
		wx-send filehelper "alert $i" >/dev/null
		fh_inject "{\"Content\":\"ack $i\"}" >/dev/null
	done
	wait_lines "$T/out" 6
	# a last send and its echo before the end: nothing more may come
	wx-send filehelper "alert 7" >/dev/null
	fh_inject '{"Content":"ack 7"}' >/dev/null
	wait_lines "$T/out" 7
	kill "$pid"
	wait "$pid" || true
	run -0 jq -r .Text "$T/out"
	[ "$output" = "$(printf 'ack %s\n' 1 2 3 4 5 6 7)" ]
}

@test "wx-synccheck: on the entry host, mmweb_appid in the query and no _" {
	fh_login
	mark
	run -0 --separate-stderr wx-synccheck </dev/null
	[ "${lines[0]}" = "retcode=0" ]
	req=$(sent_to /synccheck)
	[ "$(jq -r .host <<<"$req")" = "$ENTRY" ]
	[[ "$(jq -r .uri <<<"$req")" =~ ^/cgi-bin/mmwebwx-bin/synccheck\?r=[0-9]+\&skey=[^\&]+\&sid=[^\&]+\&uin=[0-9]+\&deviceid=[0-9]{15}\&synckey=[^\&]+\&mmweb_appid=wx_webfilehelper$ ]]
	[ "$(jq -r '.headers.mmweb_appid // "none"' <<<"$req")" = none ]
}

@test "wx-get: an image by the page's ??& URL, a file by webwxgetmedia with sid and mmweb_appid" {
	fh_login
	wx-sync </dev/null >/dev/null
	head -c 5000 /dev/urandom >"$T/img"
	head -c 300000 /dev/urandom >"$T/doc"
	img=$(inject_file image a.jpg "$T/img")
	doc=$(inject_file file report.pdf "$T/doc")
	wx-sync </dev/null >/dev/null
	mark
	run -0 --separate-stderr wx-get -o "$T/got.img" "$img"
	cmp "$T/img" "$T/got.img"
	[[ "$(sent_to /webwxgetmsgimg | jq -r .uri)" =~ ^/cgi-bin/mmwebwx-bin/webwxgetmsgimg\?\?\&MsgID=$img\&skey=[^\&]+\&mmweb_appid=wx_webfilehelper$ ]]
	run -0 --separate-stderr wx-get -o "$T/got.doc" "$doc"
	cmp "$T/doc" "$T/got.doc"
	req=$(sent_to /webwxgetmedia)
	[ "$(jq -r .host <<<"$req")" = file.wx.qq.com ]
	[[ "$(jq -r .uri <<<"$req")" =~ \&webwx_data_ticket=[^\&]+\&sid=[^\&]+\&mmweb_appid=wx_webfilehelper$ ]]
	[ -z "$(since | jq -r '.headers.mmweb_appid // empty')" ]
}

@test "file-helper mode has no address book: the commands that need one exit 1 before a request" {
	fh_login
	mark
	run -1 --separate-stderr wx-contacts
	[ "$stderr" = "wx-contacts: file-helper mode has no address book; log in without -F (wx-login) for it" ]
	run -1 --separate-stderr wx-remark filehelper x
	[[ "$stderr" == "wx-remark: file-helper mode has no address book; "* ]]
	run -1 --separate-stderr wx-group somegroup quit
	[[ "$stderr" == "wx-group: file-helper mode has no groups; "* ]]
	run -1 --separate-stderr wx-accept </dev/null
	[[ "$stderr" == "wx-accept: file-helper mode has no address book to add to; "* ]]
	run -1 --separate-stderr wx-revoke 1234567890123456789
	[[ "$stderr" == "wx-revoke: file-helper mode has no revoke "* ]]
	run -1 --separate-stderr wx-get -o "$T/a" -a filehelper
	[[ "$stderr" == "wx-get: file-helper mode has no address book, and so no avatars; "* ]]
	[ -z "$(since)" ]
}

@test "a session whose mode and host disagree, or whose mode is unknown, is refused (100)" {
	fh_login
	sed -i 's/^mode=filehelper$/mode=web/' "$WX_DIR/session"
	run -100 --separate-stderr wx-sync </dev/null
	[ "$stderr" = "wx-sync: $WX_DIR/session: unknown web host $ENTRY for mode web" ]
	sed -i 's/^mode=web$/mode=phone/' "$WX_DIR/session"
	run -100 --separate-stderr wx-send filehelper hi
	[ "$stderr" = "wx-send: $WX_DIR/session: unknown mode 'phone'" ]
}

@test "wx-logout: webwxlogout on the entry host with mmweb_appid" {
	fh_login
	mark
	run -0 --separate-stderr wx-logout
	req=$(sent_to /webwxlogout)
	[ "$(jq -r '.method + " " + .host + " " + .headers.mmweb_appid' <<<"$req")" = "POST $ENTRY wx_webfilehelper" ]
	[ "$(session_get mode)" = filehelper ]
}

@test "the whole flow: log in, send a text and a 2 MB file, receive a reply with a file, download it, log out" {
	run -0 --separate-stderr wx-login -F -t 20
	wx-sync </dev/null >/dev/null
	run -0 wx-send filehelper 'nightly build failed; log attached'
	mkfile txt "$T/build.log" 2000000
	run -0 wx-send -f "$T/build.log" filehelper
	head -c 1500000 /dev/urandom >"$T/fix.patch"
	fh_inject '{"Content":"looking"}' >/dev/null
	id=$(inject_file file fix.patch "$T/fix.patch")
	run -0 --separate-stderr wx-sync -f -c 2 </dev/null
	[ "$(jq -r '.TypeName + " " + .Text' <<<"${lines[0]}")" = "text looking" ]
	[ "$(jq -r '.TypeName + " " + .FileName + " " + .MsgId' <<<"${lines[1]}")" = "file fix.patch $id" ]
	run -0 wx-get -o "$T/got.patch" "$id"
	cmp "$T/fix.patch" "$T/got.patch"
	run -0 wx-logout
	run -1 --separate-stderr wx-send filehelper again
	[[ "$stderr" == *"logged out; log in again (wx-login)" ]]
}

@test "README's recipe: wx-login -F, then share/ci-alert sends the failure and its log to the file helper" {
	run -0 --separate-stderr wx-login -F -t 20 -d "$T/wx-ci"
	export WX_DIR="$T/wx-ci"
	run -2 "$TOP/share/ci-alert" -j "nightly build" sh -c 'seq 1 3; echo "make: *** [check] Error 2" >&2; exit 2'
	[ "${lines[3]}" = "make: *** [check] Error 2" ]
	run -0 jq -r '.endpoint + " " + .To' < <(emu_sends | tail -n 2)
	[ "${lines[0]}" = "webwxsendmsg filehelper" ]
	[ "${lines[1]}" = "webwxsendappmsg filehelper" ]
	run -0 jq -r 'select(.endpoint == "webwxsendmsg") | .Content' < <(emu_sends | tail -n 2)
	[[ "$output" == "nightly build failed (exit 2) on "*$'\n\n1\n2\n3\nmake: *** [check] Error 2' ]]
	run -0 jq -r 'select(.endpoint == "webwxsendappmsg") | .Content' < <(emu_sends | tail -n 2)
	[[ "$output" == *"<title>nightly_build.log</title>"* ]]
	# replies typed on the phone, without the two echoes
	fh_inject '{"Content":"on it"}' >/dev/null
	run -0 --separate-stderr wx-sync -f -n -c 1 -t 20 </dev/null
	[ "$(jq -r 'select(.TypeName == "text") | .Text' <<<"$output")" = "on it" ]
	run -0 wx-synccheck </dev/null
}
