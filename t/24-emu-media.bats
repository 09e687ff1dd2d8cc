#!/usr/bin/env bats
# wx-emu: sends, uploads, revoke and downloads (protocol.md §6, §7,
# checklist §12.10–12.13), with curl as the client over TLS.

load helper

WEB=https://wx2.qq.com
CGI=$WEB/cgi-bin/mmwebwx-bin
FILECGI=https://file.wx2.qq.com/cgi-bin/mmwebwx-bin

setup_file() {
	emu_start -n 30 -g 2 -m 6 -s 7
	browser_login
}

teardown_file() { emu_stop; }

# A test that restarts the emulator stops its own one: teardown_file runs
# in another process and only knows the one setup_file started.
teardown() {
	if [ -n "${OWN_EMU:-}" ]; then
		emu_stop
	fi
}

# The value of <tag> in the XML on stdin.
xml_tag() {
	sed -n "s|.*<$1>\([^<]*\)</$1>.*|\1|p"
}

# Log in the way the web page does: jslogin, scan and confirm on the
# "phone", the login poll, webwxnewloginpage with a cookie jar, webwxinit.
# Exports JAR, UIN, SID, SKEY, PT, DT (webwx_data_ticket) and SELF.
browser_login() {
	local js uuid poll redirect xml
	JAR="$BATS_FILE_TMPDIR/jar.$RANDOM"
	js=$(emu_curl "https://login.wx.qq.com/jslogin?appid=wx782c26e4c19acffb&redirect_uri=https%3A%2F%2Fwx2.qq.com%2Fcgi-bin%2Fmmwebwx-bin%2Fwebwxnewloginpage&fun=new&lang=zh_CN") || return 1
	uuid=${js#*uuid = \"}
	uuid=${uuid%\";}
	emu_ctl scan "uuid=$uuid" >/dev/null || return 1
	emu_ctl confirm "uuid=$uuid" >/dev/null || return 1
	poll=$(emu_curl "https://login.wx.qq.com/cgi-bin/mmwebwx-bin/login?loginicon=true&uuid=$uuid&tip=0") || return 1
	redirect=${poll#*redirect_uri=\"}
	redirect=${redirect%\";}
	xml=$(emu_curl --compressed -c "$JAR" "$redirect&fun=new&version=v2") || return 1
	UIN=$(xml_tag wxuin <<<"$xml")
	SID=$(xml_tag wxsid <<<"$xml")
	SKEY=$(xml_tag skey <<<"$xml")
	PT=$(xml_tag pass_ticket <<<"$xml")
	DT=$(awk '$6 == "webwx_data_ticket" { print $7 }' "$JAR")
	[ -n "$UIN" ] && [ -n "$SKEY" ] && [ -n "$DT" ] || return 1
	SELF=$(emu_curl --compressed -b "$JAR" -d "{\"BaseRequest\":$(base_request)}" \
		"$CGI/webwxinit?r=-1&pass_ticket=$PT" | jq -r .User.UserName)
	[ -n "$SELF" ] || return 1
	export JAR UIN SID SKEY PT DT SELF
}

base_request() {
	printf '{"Uin":%s,"Sid":"%s","Skey":"%s","DeviceID":"e123456789012345"}' \
		"$UIN" "$SID" "$SKEY"
}

# post CGI JSON: POST a JSON body to a web-host cgi, answer on stdout.
post() {
	emu_curl --compressed -b "$JAR" -H 'Content-Type: application/json;charset=UTF-8' \
		--data-binary "$2" "$CGI/$1?lang=zh_CN&pass_ticket=$PT"
}

# send CGI MSG-MEMBERS: {BaseRequest, Msg: {MSG-MEMBERS}, Scene: 0}.
send() {
	post "$1" "{\"BaseRequest\":$(base_request),\"Msg\":{$2},\"Scene\":0}"
}

# A fresh 17-digit LocalID/ClientMsgId like the page's.
local_id() {
	printf '%s%04d' "$(date +%s%3N)" $((RANDOM % 10000))
}

# A friend's UserName (person contact) from webwxgetcontact.
friend() {
	emu_curl --compressed -b "$JAR" "$CGI/webwxgetcontact?r=1&seq=0&skey=$SKEY" |
		jq -r '[.MemberList[] | select(.UserName | test("^@[0-9a-f]+$"))][0].UserName'
}

# upload FILE [chunks chunk] [extra curl options]: one multipart request in
# the page's field order, 524288-byte chunks cut from FILE.
upload() {
	local f=$1 chunks=${2:-} chunk=${3:-} size md5 part=$BATS_TEST_TMPDIR/part
	shift $(($# < 3 ? $# : 3))
	size=$(stat -c %s "$f")
	md5=$(md5sum "$f" | cut -d' ' -f1)
	if [ -n "$chunks" ]; then
		dd if="$f" of="$part" bs=524288 skip="$chunk" count=1 2>/dev/null
	else
		cp "$f" "$part"
	fi
	emu_curl --compressed -b "$JAR" -H "Origin: $WEB" \
		-F id=WU_FILE_0 -F "name=$(basename "$f")" -F type=image/jpeg \
		-F 'lastModifiedDate=Sat Jun 23 2018 16:45:07 GMT+0800' -F "size=$size" \
		${chunks:+-F chunks=$chunks -F chunk=$chunk} -F mediatype=pic \
		-F "uploadmediarequest={\"UploadType\":2,\"BaseRequest\":$(base_request),\"ClientMediaId\":${CMID:-1546218776042},\"TotalLen\":$size,\"StartPos\":0,\"DataLen\":$size,\"MediaType\":4,\"FromUserName\":\"$SELF\",\"ToUserName\":\"filehelper\",\"FileMd5\":\"${MD5:-$md5}\"}" \
		-F "webwx_data_ticket=${TICKET:-$DT}" -F pass_ticket=undefined \
		-F "filename=@$part;filename=$(basename "$f");type=application/octet-stream" \
		"$@" "$FILECGI/webwxuploadmedia?f=json"
}

# Random test file of N bytes.
mkfile() {
	head -c "$2" /dev/urandom >"$1"
}

# MediaId of FILE uploaded in one request.
media_id() {
	CMID=$RANDOM$RANDOM upload "$1" | jq -r .MediaId
}

@test "webwxsendmsg answers the captured 112-byte layout" {
	local id
	id=$(local_id)
	run -0 emu_curl -D "$BATS_TEST_TMPDIR/head" -b "$JAR" \
		--data-binary "{\"BaseRequest\":$(base_request),\"Msg\":{\"Type\":1,\"Content\":\"hi\",\"FromUserName\":\"$SELF\",\"ToUserName\":\"filehelper\",\"LocalID\":\"15462147414160521\",\"ClientMsgId\":\"15462147414160521\"},\"Scene\":0}" \
		"$CGI/webwxsendmsg?lang=zh_CN&pass_ticket=$PT"
	[[ $output =~ \"MsgID\":\ \"([0-9]{19})\" ]]
	sed "s/3053194738703673101/${BASH_REMATCH[1]}/" \
		"$SAMPLES/webwxsendmsg-weixinHttp-1.recon.json" >"$BATS_TEST_TMPDIR/want"
	printf '%s\n' "$output" | cmp - "$BATS_TEST_TMPDIR/want"
	run -0 tr -d '\r' <"$BATS_TEST_TMPDIR/head"
	assert_line 'Content-Type: text/plain'
	assert_line 'Strict-Transport-Security: max-age=31536000 ; includeSubDomains'
	assert_line 'Content-Length: 112'
	refute_line --partial 'Content-Encoding'
}

@test "a send is logged in /_emu/sent and echoed by webwxsync from self" {
	local id msgid sk
	id=$(local_id)
	msgid=$(send webwxsendmsg "\"Type\":1,\"Content\":\"a<b & \\\"c\\\"\\nd 😀\",\"FromUserName\":\"$SELF\",\"ToUserName\":\"filehelper\",\"LocalID\":\"$id\",\"ClientMsgId\":\"$id\"" | jq -r .MsgID)
	run -0 emu_curl "$WEB/_emu/sent"
	run -0 jq -c "select(.ClientMsgId == \"$id\") | [.endpoint, .MsgID, .LocalID, .From, .To, .Type, .Content]" <<<"$output"
	assert_output "[\"webwxsendmsg\",\"$msgid\",\"$id\",\"$SELF\",\"filehelper\",1,\"a<b & \\\"c\\\"\\nd 😀\"]"
	sk=$(post webwxsync "{\"BaseRequest\":$(base_request),\"SyncKey\":{\"Count\":1,\"List\":[{\"Key\":1,\"Val\":1}]},\"rr\":-1}")
	run -0 jq -c ".AddMsgList[] | select(.MsgId == \"$msgid\") | [.FromUserName, .ToUserName, .MsgType, .Content, .Status]" <<<"$sk"
	assert_output "[\"$SELF\",\"filehelper\",1,\"a&lt;b &amp; \\\"c\\\"<br/>d <span class=\\\"emoji emoji1f600\\\"></span>\",3]"
}

@test "a resend with the same ClientMsgId gets the same MsgID and is logged once" {
	local id a b
	id=$(local_id)
	a=$(send webwxsendmsg "\"Type\":1,\"Content\":\"once\",\"FromUserName\":\"$SELF\",\"ToUserName\":\"filehelper\",\"LocalID\":\"$id\",\"ClientMsgId\":\"$id\"")
	b=$(send webwxsendmsg "\"Type\":1,\"Content\":\"once\",\"FromUserName\":\"$SELF\",\"ToUserName\":\"filehelper\",\"LocalID\":\"$id\",\"ClientMsgId\":\"$id\"")
	[ "$(jq -r .BaseResponse.Ret <<<"$a")" = 0 ]
	[ "$a" = "$b" ]
	run -0 emu_curl "$WEB/_emu/sent"
	run -0 jq -r "select(.ClientMsgId == \"$id\") | .MsgID" <<<"$output"
	assert_output "$(jq -r .MsgID <<<"$a")"
}

@test "Msg is read leniently: key order, no Scene, Type and ids as strings, numbers, floats" {
	run -0 post webwxsendmsg "{\"Msg\":{\"ClientMsgId\":17123456789012345,\"LocalID\":17123456789012345,\"ToUserName\":\"filehelper\",\"FromUserName\":\"$SELF\",\"Content\":\"x\",\"Type\":\"1\"},\"BaseRequest\":$(base_request)}"
	run -0 jq -c '[.BaseResponse.Ret, (.MsgID | test("^[0-9]{19}$")), .LocalID]' <<<"$output"
	assert_output '[0,true,"17123456789012345"]'
	# LYK's bogus Type and WXB's exponent-form id.
	run -0 send webwxsendmsg "\"Type\":\"Test Message\",\"Content\":\"y\",\"FromUserName\":\"$SELF\",\"ToUserName\":\"filehelper\",\"LocalID\":1.7123456789e+16,\"ClientMsgId\":1.7123456789e+16"
	run -0 jq -c '[.BaseResponse.Ret, .LocalID]' <<<"$output"
	assert_output '[0,"1.7123456789e+16"]'
}

@test "sending to an unknown UserName answers Ret 1201 with the full shape" {
	run -0 send webwxsendmsg "\"Type\":1,\"Content\":\"x\",\"FromUserName\":\"$SELF\",\"ToUserName\":\"@0000000000000000000000000000dead\",\"LocalID\":\"1\",\"ClientMsgId\":\"1\""
	assert_output "$(printf '{\n"BaseResponse": {\n"Ret": 1201,\n"ErrMsg": ""\n}\n,\n"MsgID": "",\n"LocalID": ""\n}')"
}

@test "a send without a session answers 1102, with a stale Skey 1100" {
	run -0 emu_curl --data-binary '{"Msg":{"Type":1,"Content":"x","ToUserName":"filehelper","LocalID":"1","ClientMsgId":"1"}}' \
		"$CGI/webwxsendmsg"
	run -0 jq -c '[.BaseResponse.Ret, .MsgID, .LocalID]' <<<"$output"
	assert_output '[1102,"",""]'
	run -0 emu_curl --data-binary "{\"BaseRequest\":{\"Uin\":$UIN,\"Sid\":\"$SID\",\"Skey\":\"@crypt_00000000_0\"},\"Msg\":{\"Type\":1,\"ToUserName\":\"filehelper\"}}" \
		"$CGI/webwxsendmsg"
	run -0 jq -c '.BaseResponse.Ret' <<<"$output"
	assert_output 1100
}

@test "webwxuploadmedia: one chunk, the captured head and key order" {
	local f=$BATS_TEST_TMPDIR/IMG_1854.JPG
	mkfile "$f" 63048
	run -0 upload "$f" "" "" -D "$BATS_TEST_TMPDIR/head"
	run -0 jq -r 'keys_unsorted | join(" ")' <<<"$output"
	assert_output 'BaseResponse MediaId StartPos CDNThumbImgHeight CDNThumbImgWidth EncryFileName'
	run -0 upload "$f"
	run -0 jq -c '[.BaseResponse.Ret, (.MediaId | test("^@crypt_[0-9a-f]{8}_[0-9a-f]{640}$")), .StartPos, .CDNThumbImgHeight, .CDNThumbImgWidth, .EncryFileName]' <<<"$output"
	assert_output '[0,true,63048,100,100,"IMG%5F1854%2EJPG"]'
	run -0 tr -d '\r' <"$BATS_TEST_TMPDIR/head"
	assert_line --index 2 'Content-Type: text/plain'
	assert_line --index 3 --regexp '^Date: (Mon|Tue|Wed|Thu|Fri|Sat|Sun), [0-9]{2}-[A-Z][a-z]{2}-[0-9]{4} [0-9]{2}:[0-9]{2}:[0-9]{2} GMT$'
	assert_line --index 4 'Access-Control-Allow-Origin: https://wx2.qq.com'
	assert_line --index 5 'Access-Control-Allow-Credentials: true'
	assert_line --index 6 'Strict-Transport-Security: max-age=31536000 ; includeSubDomains'
}

@test "webwxuploadmedia: three chunks out of order reassemble byte for byte; 162-byte intermediate answers" {
	local f=$BATS_TEST_TMPDIR/IMG_1002.JPG size=$((524288 * 2 + 1000)) last mid
	mkfile "$f" "$size"
	export CMID=1546217858497
	run -0 upload "$f" 3 2
	[ "$(printf '%s\n' "$output" | wc -c)" = 162 ]    # the captured length (§14)
	assert_output "$(printf '{\n"BaseResponse": {\n"Ret": 0,\n"ErrMsg": ""\n}\n,\n"MediaId": "",\n"StartPos": 0,\n"CDNThumbImgHeight": 0,\n"CDNThumbImgWidth": 0,\n"EncryFileName": "IMG%%5F1002%%2EJPG"\n}')"
	run -0 upload "$f" 3 0
	run -0 jq -c '[.BaseResponse.Ret, .MediaId]' <<<"$output"
	assert_output '[0,""]'
	last=$(upload "$f" 3 1)
	run -0 jq -c '[.BaseResponse.Ret, .StartPos, .EncryFileName]' <<<"$last"
	assert_output "[0,$size,\"IMG%5F1002%2EJPG\"]"
	mid=$(jq -r .MediaId <<<"$last")
	emu_curl -b "$JAR" -o "$BATS_TEST_TMPDIR/back" -D "$BATS_TEST_TMPDIR/head" \
		"$FILECGI/webwxgetmedia?sender=$SELF&mediaid=$mid&encryfilename=IMG%255F1002%252EJPG&fromuser=$UIN&pass_ticket=$PT&webwx_data_ticket=$DT"
	cmp "$f" "$BATS_TEST_TMPDIR/back"
	run -0 tr -d '\r' <"$BATS_TEST_TMPDIR/head"
	assert_line 'Content-Disposition: attachment; filename="IMG_1002.JPG"'
	run -0 emu_curl "$WEB/_emu/sent"
	run -0 jq -c "select(.MediaId == \"$mid\") | [.endpoint, .name, .size, .chunks, .md5]" <<<"$output"
	assert_output "[\"webwxuploadmedia\",\"IMG_1002.JPG\",$size,3,\"$(md5sum "$f" | cut -d' ' -f1)\"]"
}

@test "webwxuploadmedia: a wrong data ticket or FileMd5 answers Ret 1" {
	local f=$BATS_TEST_TMPDIR/a.jpg
	mkfile "$f" 1000
	TICKET=AAAAAAAAAAAAAAAAAAAAAAAA run -0 upload "$f"
	run -0 jq -c '[.BaseResponse.Ret, .MediaId, .StartPos]' <<<"$output"
	assert_output '[1,"",0]'
	MD5=00000000000000000000000000000000 run -0 upload "$f"
	run -0 jq -c '[.BaseResponse.Ret, .MediaId]' <<<"$output"
	assert_output '[1,""]'
}

# raw_upload BODY-FILE [CONTENT-TYPE]: POST bytes as they are.
raw_upload() {
	emu_curl -b "$JAR" -H "Content-Type: ${2:-multipart/form-data; boundary=XyZ}" \
		--data-binary "@$1" "$FILECGI/webwxuploadmedia?f=json"
}

@test "webwxuploadmedia: broken multipart answers Ret 1200 and the server lives on" {
	local b=$BATS_TEST_TMPDIR/body ret
	printf -- '--XyZ\r\nContent-Disposition: form-data; name="uploadmediarequest"\r\n\r\n{}\r\n--XyZ\r\nContent-Disposition: form-data; name="filename"; filename="x"\r\n\r\nabc' >"$b"
	run -0 raw_upload "$b"                              # truncated part
	run -0 jq .BaseResponse.Ret <<<"$output"
	assert_output 1200
	run -0 raw_upload "$b" 'multipart/form-data'        # no boundary
	run -0 jq .BaseResponse.Ret <<<"$output"
	assert_output 1200
	run -0 raw_upload "$b" 'application/json'
	run -0 jq .BaseResponse.Ret <<<"$output"
	assert_output 1200
	{ printf -- '--XyZ\r\nContent-Disposition: form-data; name="a"\r\nX-Pad: '; head -c 100000 /dev/zero | tr '\0' a; printf '\r\n\r\nv\r\n--XyZ--\r\n'; } >"$b"
	run -0 raw_upload "$b"                              # huge part headers
	run -0 jq .BaseResponse.Ret <<<"$output"
	assert_output 1200
	printf -- '--XyZ\r\nContent-Disposition: form-data; name="uploadmediarequest"\r\n\r\n{}\r\n--XyZ--\r\n' >"$b"
	run -0 raw_upload "$b"                              # no file part
	run -0 jq .BaseResponse.Ret <<<"$output"
	assert_output 1200
	head -c 200000 /dev/urandom >"$b"
	run -0 raw_upload "$b"
	run -0 jq .BaseResponse.Ret <<<"$output"
	assert_output 1200
	run -0 upload "$BATS_TEST_TMPDIR/body"              # still answering
	run -0 jq .BaseResponse.Ret <<<"$output"
	assert_output 0
}

@test "webwxsendmsgimg, webwxsendvideomsg, webwxsendappmsg, webwxsendemoticon" {
	local f=$BATS_TEST_TMPDIR/p.jpg mid id
	mkfile "$f" 5000
	mid=$(media_id "$f")
	for ep in webwxsendmsgimg:3 webwxsendvideomsg:43 webwxsendemoticon:47; do
		id=$(local_id)
		run -0 send "${ep%:*}" "\"Type\":${ep#*:},\"MediaId\":\"$mid\",\"Content\":\"\",\"FromUserName\":\"$SELF\",\"ToUserName\":\"filehelper\",\"LocalID\":\"$id\",\"ClientMsgId\":\"$id\",\"EmojiFlag\":2"
		run -0 jq -c '[.BaseResponse.Ret, (.MsgID | test("^[0-9]{19}$")), .LocalID]' <<<"$output"
		assert_output "[0,true,\"$id\"]"
	done
	id=$(local_id)
	run -0 send webwxsendappmsg "\"Type\":6,\"Content\":\"<appmsg appid='wxeb7ec651dd0aefa9' sdkver=''><title>p.jpg</title><des></des><action></action><type>6</type><content></content><url></url><lowurl></lowurl><appattach><totallen>5000</totallen><attachid>$mid</attachid><fileext>jpg</fileext></appattach><extinfo></extinfo></appmsg>\",\"FromUserName\":\"$SELF\",\"ToUserName\":\"filehelper\",\"LocalID\":\"$id\",\"ClientMsgId\":\"$id\""
	run -0 jq -c '[.BaseResponse.Ret, .LocalID]' <<<"$output"
	assert_output "[0,\"$id\"]"
	run -0 emu_curl "$WEB/_emu/sent"
	run -0 jq -r "select(.ClientMsgId == \"$id\") | [.endpoint, .Type, .MediaId == \"$mid\"] | @tsv" <<<"$output"
	assert_output "$(printf 'webwxsendappmsg\t6\ttrue')"
	# A sticker by md5 needs no upload; an image with an unknown MediaId fails.
	run -0 send webwxsendemoticon "\"Type\":47,\"EmojiFlag\":2,\"EMoticonMd5\":\"0123456789abcdef0123456789abcdef\",\"FromUserName\":\"$SELF\",\"ToUserName\":\"filehelper\",\"LocalID\":\"$(local_id)\""
	run -0 jq .BaseResponse.Ret <<<"$output"
	assert_output 0
	run -0 send webwxsendmsgimg "\"Type\":3,\"MediaId\":\"@crypt_00000000_00\",\"FromUserName\":\"$SELF\",\"ToUserName\":\"filehelper\",\"LocalID\":\"$(local_id)\""
	run -0 jq -c '[.BaseResponse.Ret, .MsgID]' <<<"$output"
	assert_output '[1,""]'
}

# sent_media CGI FILE: send FILE by CGI (Type 43 for a video, else 3);
# its MsgID on stdout.
sent_media() {
	local id mid type=3
	[ "$1" = webwxsendvideomsg ] && type=43
	id=$(local_id)
	mid=$(media_id "$2")
	send "$1" "\"Type\":$type,\"MediaId\":\"$mid\",\"Content\":\"\",\"FromUserName\":\"$SELF\",\"ToUserName\":\"filehelper\",\"LocalID\":\"$id\",\"ClientMsgId\":\"$id\"" |
		jq -r .MsgID
}

@test "webwxgetmsgimg serves a sent image as image/jpeg with the captured head" {
	local f=$BATS_TEST_TMPDIR/i.jpg msgid
	mkfile "$f" 7000
	msgid=$(sent_media webwxsendmsgimg "$f")
	emu_curl -b "$JAR" -o "$BATS_TEST_TMPDIR/back" -D "$BATS_TEST_TMPDIR/head" \
		"$CGI/webwxgetmsgimg?&MsgID=$msgid&skey=${SKEY/@/%40}&type=slave"
	cmp "$f" "$BATS_TEST_TMPDIR/back"
	run -0 tr -d '\r' <"$BATS_TEST_TMPDIR/head"
	assert_line --index 0 'HTTP/1.1 200 OK'
	assert_line --index 2 'Content-Type: image/jpeg'
	assert_line --index 3 --regexp '^Last-Modified: [A-Z][a-z]{2}, [0-9]{2} [A-Z][a-z]{2} [0-9]{4} [0-9:]{8} GMT$'
	assert_line --index 4 'Cache-control: max-age=604800'
	assert_line --index 5 'Strict-Transport-Security: max-age=31536000 ; includeSubDomains'
	# IT asks by msgid (= NewMsgId).
	emu_curl -b "$JAR" -o "$BATS_TEST_TMPDIR/back2" "$CGI/webwxgetmsgimg?msgid=$msgid&skey=$SKEY"
	cmp "$f" "$BATS_TEST_TMPDIR/back2"
}

@test "webwxgetvideo honours Range with 206 and the captured head" {
	local f=$BATS_TEST_TMPDIR/v.mp4 msgid size=300000
	mkfile "$f" "$size"
	msgid=$(sent_media webwxsendvideomsg "$f")
	emu_curl -b "$JAR" -H 'Range: bytes=0-' -o "$BATS_TEST_TMPDIR/back" -D "$BATS_TEST_TMPDIR/head" \
		"$CGI/webwxgetvideo?msgid=$msgid&skey=${SKEY/@/%40}"
	cmp "$f" "$BATS_TEST_TMPDIR/back"
	run -0 tr -d '\r' <"$BATS_TEST_TMPDIR/head"
	assert_line --index 0 'HTTP/1.1 206 Partial Content'
	assert_line --index 2 'Content-Type: video/mp4'
	assert_line --index 3 'Accept-Ranges: bytes'
	assert_line --index 4 'Last-Modified: Thu, 01 Jan 1970 00:00:00 GMT'
	assert_line --index 5 --regexp '^ETag: [0-9a-f]+-[0-9a-f]+-[0-9a-f]+$'
	assert_line --index 6 'Strict-Transport-Security: max-age=31536000 ; includeSubDomains'
	assert_line --index 7 "Content-Range: bytes 0-$((size - 1))/$size"
	assert_line --index 8 "Content-Length: $size"
	emu_curl -b "$JAR" -H 'Range: bytes=1000-1999' -o "$BATS_TEST_TMPDIR/part" -D "$BATS_TEST_TMPDIR/head" \
		"$CGI/webwxgetvideo?msgid=$msgid&skey=$SKEY"
	dd if="$f" bs=1000 skip=1 count=1 2>/dev/null | cmp - "$BATS_TEST_TMPDIR/part"
	run -0 tr -d '\r' <"$BATS_TEST_TMPDIR/head"
	assert_line "Content-Range: bytes 1000-1999/$size"
	run -0 emu_curl -b "$JAR" -H 'Range: bytes=-10' "$CGI/webwxgetvideo?msgid=$msgid&skey=$SKEY" -o "$BATS_TEST_TMPDIR/tail" -w '%{http_code}'
	assert_output 206
	tail -c 10 "$f" | cmp - "$BATS_TEST_TMPDIR/tail"
	run -0 emu_curl -b "$JAR" -H "Range: bytes=$size-" -o /dev/null -w '%{http_code}' "$CGI/webwxgetvideo?msgid=$msgid&skey=$SKEY"
	assert_output 416
	run -0 emu_curl -b "$JAR" -o "$BATS_TEST_TMPDIR/all" -w '%{http_code}' "$CGI/webwxgetvideo?msgid=$msgid&skey=$SKEY"
	assert_output 200
	cmp "$f" "$BATS_TEST_TMPDIR/all"
}

@test "downloads need the session: without cookies or data ticket no bytes" {
	local f=$BATS_TEST_TMPDIR/n.jpg msgid mid
	mkfile "$f" 3000
	msgid=$(sent_media webwxsendmsgimg "$f")
	run -0 emu_curl -o "$BATS_TEST_TMPDIR/x" -w '%{http_code} %{size_download}' "$CGI/webwxgetmsgimg?MsgID=$msgid&skey=$SKEY"
	assert_output '200 0'
	run -0 emu_curl -b "$JAR" -w '%{http_code} %{size_download}' -o /dev/null "$CGI/webwxgetmsgimg?MsgID=1234567890123456789&skey=$SKEY"
	assert_output '200 0'
	mid=$(media_id "$f")
	run -0 emu_curl -o /dev/null -w '%{http_code} %{size_download}' \
		"$FILECGI/webwxgetmedia?sender=$SELF&mediaid=$mid&filename=n.jpg&fromuser=$UIN&webwx_data_ticket=$DT"
	assert_output '200 0'
	run -0 emu_curl -b "$JAR" -o /dev/null -w '%{http_code} %{size_download}' \
		"$FILECGI/webwxgetmedia?sender=$SELF&mediaid=$mid&filename=n.jpg&fromuser=$UIN&webwx_data_ticket=wrong"
	assert_output '200 0'
	run -0 emu_curl -b "$JAR" -o /dev/null -w '%{http_code} %{size_download}' \
		"$FILECGI/webwxgetmedia?sender=$SELF&mediaid=$mid&filename=n.jpg&fromuser=$UIN&webwx_data_ticket=$DT"
	assert_output '200 3000'
}

@test "webwxrevokemsg inside the window answers the captured Introduction" {
	local id msgid want
	id=$(local_id)
	msgid=$(send webwxsendmsg "\"Type\":1,\"Content\":\"oops\",\"FromUserName\":\"$SELF\",\"ToUserName\":\"filehelper\",\"LocalID\":\"$id\",\"ClientMsgId\":\"$id\"" | jq -r .MsgID)
	run -0 post webwxrevokemsg "{\"BaseRequest\":$(base_request),\"SvrMsgId\":\"$msgid\",\"ToUserName\":\"filehelper\",\"ClientMsgId\":\"$id\"}"
	want=$(jq -r .Introduction "$SAMPLES/webwxrevokemsg-wwdk-1.json")
	assert_output "$(printf '{\n"BaseResponse": {\n"Ret": 0,\n"ErrMsg": ""\n}\n,\n"Introduction": "%s",\n"SysWording": ""\n}' "$want")"
	run -0 emu_curl "$WEB/_emu/sent"
	run -0 jq -c "select(.endpoint == \"webwxrevokemsg\" and .SvrMsgId == \"$msgid\") | [.ToUserName, .ClientMsgId, .Ret]" <<<"$output"
	assert_output "[\"filehelper\",\"$id\",0]"
	run -0 post webwxsync "{\"BaseRequest\":$(base_request),\"SyncKey\":{\"Count\":1,\"List\":[{\"Key\":1,\"Val\":1}]},\"rr\":-1}"
	run -0 jq -r ".AddMsgList[] | select(.MsgType == 10002 and (.Content | contains(\"&lt;msgid&gt;$msgid&lt;/msgid&gt;\"))) | .Status" <<<"$output"
	assert_output 4
	run -0 post webwxrevokemsg "{\"BaseRequest\":$(base_request),\"SvrMsgId\":\"1111111111111111111\",\"ToUserName\":\"filehelper\",\"ClientMsgId\":\"1\"}"
	run -0 jq -c '[.BaseResponse.Ret, .Introduction, .SysWording]' <<<"$output"
	assert_output '[1,"",""]'
}

@test "a stranger (room member, not a contact) answers 1204; ret1205 fault answers 1205" {
	local rooms members stranger id
	rooms=$(emu_curl "$WEB/_emu/contacts" | jq -sc 'map(select(.Kind == "room") | {UserName, EncryChatRoomId: ""})')
	members=$(post webwxbatchgetcontact "{\"BaseRequest\":$(base_request),\"Count\":$(jq length <<<"$rooms"),\"List\":$rooms}")
	stranger=$(jq -r --slurpfile c <(emu_curl "$WEB/_emu/contacts") \
		'[.ContactList[].MemberList[].UserName] - [$c[].UserName] | .[0] // empty' <<<"$members")
	[ -n "$stranger" ]
	run -0 send webwxsendmsg "\"Type\":1,\"Content\":\"x\",\"FromUserName\":\"$SELF\",\"ToUserName\":\"$stranger\",\"LocalID\":\"2\",\"ClientMsgId\":\"2\""
	run -0 jq .BaseResponse.Ret <<<"$output"
	assert_output 1204
	run -0 emu_ctl fault 'endpoint=webwxsendmsg&kind=ret1205&count=1'
	id=$(local_id)
	run -0 send webwxsendmsg "\"Type\":1,\"Content\":\"x\",\"FromUserName\":\"$SELF\",\"ToUserName\":\"filehelper\",\"LocalID\":\"$id\",\"ClientMsgId\":\"$id\""
	run -0 jq -c '[.BaseResponse.Ret, .MsgID]' <<<"$output"
	assert_output '[1205,""]'
	run -0 send webwxsendmsg "\"Type\":1,\"Content\":\"x\",\"FromUserName\":\"$SELF\",\"ToUserName\":\"filehelper\",\"LocalID\":\"$id\",\"ClientMsgId\":\"$id\""
	run -0 jq .BaseResponse.Ret <<<"$output"
	assert_output 0
}

# inject JSON: POST /_emu/message; the new MsgId on stdout.
inject() {
	emu_ctl message '' --data-binary "$1"
}

@test "received media without bytes get deterministic stand-ins of the right kind" {
	local img voice file
	img=$(inject '{"MsgType":3,"Content":"&lt;msg&gt;&lt;img length=\"9\" /&gt;&lt;/msg&gt;","Raw":1}')
	emu_curl -b "$JAR" -o "$BATS_TEST_TMPDIR/big" "$CGI/webwxgetmsgimg?&MsgID=$img&skey=$SKEY"
	emu_curl -b "$JAR" -o "$BATS_TEST_TMPDIR/big2" "$CGI/webwxgetmsgimg?&MsgID=$img&skey=$SKEY"
	emu_curl -b "$JAR" -o "$BATS_TEST_TMPDIR/slave" "$CGI/webwxgetmsgimg?&MsgID=$img&skey=$SKEY&type=slave"
	cmp "$BATS_TEST_TMPDIR/big" "$BATS_TEST_TMPDIR/big2"
	[ "$(head -c 3 "$BATS_TEST_TMPDIR/big" | od -An -tx1 | tr -d ' ')" = ffd8ff ]
	[ "$(stat -c %s "$BATS_TEST_TMPDIR/slave")" -lt "$(stat -c %s "$BATS_TEST_TMPDIR/big")" ]
	voice=$(inject '{"MsgType":34,"VoiceLength":2000}')
	run -0 emu_curl -b "$JAR" -D - -o "$BATS_TEST_TMPDIR/voice" "$CGI/webwxgetvoice?msgid=$voice&skey=$SKEY"
	assert_line --partial 'Content-Type: audio/mp3'
	[ "$(head -c 3 "$BATS_TEST_TMPDIR/voice")" = ID3 ]
	file=$(inject '{"MsgType":49,"AppMsgType":6,"FileName":"report.pdf","FileSize":"1234","MediaId":"@crypt_1234abcd_ff00","Content":"x"}')
	[ -n "$file" ]
	run -0 emu_curl -b "$JAR" -D - -o "$BATS_TEST_TMPDIR/file" \
		"$FILECGI/webwxgetmedia?sender=x&mediaid=%40crypt_1234abcd_ff00&filename=report.pdf&fromuser=$UIN&webwx_data_ticket=$DT"
	assert_line --partial 'Content-Disposition: attachment; filename="report.pdf"'
	[ "$(stat -c %s "$BATS_TEST_TMPDIR/file")" = 1234 ]
}

@test "the last test: a revoke past WX_EMU_REVOKE_WINDOW answers Ret -2" {
	local id msgid
	emu_stop || true         # started by setup_file: not our child
	export WX_EMU_REVOKE_WINDOW=0
	emu_start -n 5
	OWN_EMU=1
	unset WX_EMU_REVOKE_WINDOW
	browser_login
	id=$(local_id)
	msgid=$(send webwxsendmsg "\"Type\":1,\"Content\":\"late\",\"FromUserName\":\"$SELF\",\"ToUserName\":\"filehelper\",\"LocalID\":\"$id\",\"ClientMsgId\":\"$id\"" | jq -r .MsgID)
	run -0 post webwxrevokemsg "{\"BaseRequest\":$(base_request),\"SvrMsgId\":\"$msgid\",\"ToUserName\":\"filehelper\",\"ClientMsgId\":\"$id\"}"
	run -0 jq -c '[.BaseResponse.Ret, .Introduction]' <<<"$output"
	assert_output '[-2,""]'
}
