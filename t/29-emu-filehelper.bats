#!/usr/bin/env bats
# wx-emu -F: the web File Helper profile (filehelper.md, wx-emu(1)
# FILE-HELPER PROFILE), driven with curl the way the page sends each
# request.  Every test that needs a session logs in itself: a new login
# ends the older sessions (1101).
load helper
load emu

APPID=wx_webfilehelper
HDR="mmweb_appid: $APPID"
ENTRY=filehelper.weixin.qq.com
CGI=https://$ENTRY/cgi-bin/mmwebwx-bin
FILECGI=https://file.wx.qq.com/cgi-bin/mmwebwx-bin
NEWLOGIN=cgi-bin%2Fmmwebwx-bin%2Fwebwxnewloginpage
ENC1="https%3A%2F%2F$ENTRY%2F$NEWLOGIN"
ENC2="https%253A%252F%252F$ENTRY%252Fcgi-bin%252Fmmwebwx-bin%252Fwebwxnewloginpage"

setup_file() { emu_start -F -s 3; }
teardown_file() { emu_stop; }
teardown() { emu_stop_own; }

# jslogin REDIRECT_URI [APPID] [LOGIN HOST]: the page's jslogin.
jslogin() {
	emu_curl "https://${3:-login.wx.qq.com}/jslogin?appid=${2:-$APPID}&redirect_uri=$1&fun=new&lang=zh_CN&_=$(date +%s%3N)"
}

uuid_of() {
	sed -n 's/^window\.QRLogin\.code = 200; window\.QRLogin\.uuid = "\(.*\)";$/\1/p'
}

# poll UUID [TAIL] [LOGIN HOST]: the login poll, &appid= last unless TAIL
# replaces it.
poll() {
	emu_curl "https://${3:-login.wx.qq.com}/cgi-bin/mmwebwx-bin/login?loginicon=true&uuid=$1&tip=1&r=-12345&_=$(date +%s%3N)${2-&appid=$APPID}"
}

redirect_of() {
	sed -n 's/^window\.redirect_uri="\(.*\)";$/\1/p'
}

base_request() {
	printf '{"Uin":%s,"Sid":"%s","Skey":"%s","DeviceID":"%s"}' \
		"$UIN" "$SID" "$SKEY" 123456789012345
}

# post CGI BODY [curl options]: an XHR with the app's header, unless
# NOAPP is set.
post() {
	local cgi=$1 body=$2 h=(-H "$HDR")
	shift 2
	[ -n "${NOAPP:-}" ] && h=()
	emu_curl --compressed -b "$JAR" "${h[@]}" \
		-H 'Content-Type: application/json;charset=UTF-8' \
		--data-binary "$body" "$@" "$CGI/$cgi?lang=zh_CN&pass_ticket=$PT"
}

# send CGI MSG-MEMBERS: {BaseRequest, Msg: {…}, Scene: 0}.
send() {
	post "$1" "{\"BaseRequest\":$(base_request),\"Msg\":{$2},\"Scene\":0}"
}

# msg ID TO CONTENT TYPE: the page's Msg members, in its order
# (filehelper.md §5).
msg() {
	printf '"ClientMsgId":"%s","FromUserName":"%s","LocalID":"%s","ToUserName":"%s","Content":"%s","Type":%s' \
		"$1" "$SELF" "$1" "$2" "$3" "$4"
}

# webwxsync from init's SyncKey: everything since the login.
sync_all() {
	post webwxsync "{\"BaseRequest\":$(base_request),\"SyncKey\":$(jq -c .SyncKey <<<"$INIT"),\"rr\":-1}"
}

local_id() {
	printf '%s%04d' "$(date +%s%3N)" $((RANDOM % 10000))
}

uri() {
	jq -rn --arg v "$1" '$v | @uri'
}

# confirmed: jslogin (redirect_uri twice encoded), confirm, poll; the
# redirect_uri of webwxnewloginpage.
confirmed() {
	local uuid
	uuid=$(jslogin "$ENC2" | uuid_of)
	[ -n "$uuid" ] || return 1
	emu_ctl confirm "uuid=$uuid" >/dev/null || return 1
	poll "$uuid" | redirect_of
}

# The whole page login: confirmed, webwxnewloginpage with the header,
# webwxinit.  Sets JAR, UIN, SID, SKEY, PT, DT, SELF and INIT (init's
# answer).
fh_login() {
	local redirect xml
	JAR=$BATS_TEST_TMPDIR/jar
	redirect=$(confirmed)
	[ -n "$redirect" ] || return 1
	xml=$(emu_curl --compressed -c "$JAR" -H "$HDR" "$redirect&fun=new&version=v2")
	UIN=$(xml_get wxuin <<<"$xml")
	SID=$(xml_get wxsid <<<"$xml")
	SKEY=$(xml_get skey <<<"$xml")
	PT=$(xml_get pass_ticket <<<"$xml")
	DT=$(awk '$6 == "webwx_data_ticket" { print $7 }' "$JAR")
	[ -n "$UIN" ] && [ -n "$SKEY" ] && [ -n "$DT" ] || return 1
	INIT=$(post webwxinit "{\"BaseRequest\":$(base_request)}")
	SELF=$(jq -r .User.UserName <<<"$INIT")
	[ -n "$SELF" ]
}

# fh_upload FILE [curl options]: webwxuploadmedia in the page's one-part
# form (filehelper.md §6.1): no id field, ClientMediaId a string.
fh_upload() {
	local f=$1 size md5
	shift
	size=$(stat -c %s "$f")
	md5=$(md5sum "$f" | cut -d' ' -f1)
	emu_curl --compressed -b "$JAR" -H "$HDR" -H "Origin: https://$ENTRY" \
		-F "name=$(basename "$f")" \
		-F 'lastModifiedDate=Tue May 17 2022 15:22:56 GMT+0800 (中国标准时间)' \
		-F "size=$size" -F type=application/octet-stream -F mediatype=doc \
		-F "uploadmediarequest={\"UploadType\":2,\"BaseRequest\":$(base_request),\"ClientMediaId\":\"$(date +%s%3N)$RANDOM\",\"TotalLen\":$size,\"StartPos\":0,\"DataLen\":$size,\"MediaType\":4,\"FromUserName\":\"$SELF\",\"ToUserName\":\"filehelper\",\"FileMd5\":\"$md5\"}" \
		-F "webwx_data_ticket=$DT" -F "pass_ticket=$(uri "$PT")" \
		-F "filename=@$f;filename=$(basename "$f");type=application/octet-stream" \
		"$@" "$FILECGI/webwxuploadmedia?f=json&random=Ab12"
}

# The request log's lines for path suffix $1, compact.
logged() {
	jq -c "select(.path | endswith(\"$1\"))" "$EMU_LOG"
}

@test "fh: -h names -F; -F with a -w that is no entry host is a usage error" {
	run -0 wx-emu -h
	assert_output --partial '[-F]'
	run -100 --separate-stderr wx-emu -F -w wx2.qq.com -p 0
	assert_equal "$stderr" "wx-emu: -w: 'wx2.qq.com' is no file-helper entry host"
}

@test "fh: hosts: the entry hosts serve the home page; web and push hosts are not served" {
	run -0 emu_curl "https://$ENTRY/"
	assert_output --partial 'https://login.wx.qq.com/jslogin'
	run -0 emu_curl https://szfilehelper.weixin.qq.com/
	assert_output --partial 'https://login.wx2.qq.com/jslogin'
	run -0 emu_curl -o /dev/null -w '%{http_code}' https://wx2.qq.com/
	assert_output 404
	run -0 emu_curl -o /dev/null -w '%{http_code}' "https://webpush.wx.qq.com/cgi-bin/mmwebwx-bin/synccheck?r=1"
	assert_output 404
}

@test "fh: jslogin takes redirect_uri once or twice encoded" {
	run -0 jslogin "$ENC1"
	assert_output --regexp '^window\.QRLogin\.code = 200; window\.QRLogin\.uuid = "[A-Za-z0-9_-]{10}==";$'
	run -0 jslogin "$ENC2"
	assert_output --regexp '^window\.QRLogin\.code = 200; window\.QRLogin\.uuid = "[A-Za-z0-9_-]{10}==";$'
}

@test "fh: jslogin with the web appid or a web redirect_uri is a 400" {
	run -0 emu_curl -w ' %{http_code}' "https://login.wx.qq.com/jslogin?appid=wx782c26e4c19acffb&redirect_uri=$ENC2&fun=new&lang=zh_CN&_=1"
	assert_output 'bad appid
 400'
	run -0 emu_curl -w ' %{http_code}' "https://login.wx.qq.com/jslogin?appid=$APPID&redirect_uri=https%253A%252F%252Fwx2.qq.com%252Fcgi-bin&fun=new&lang=zh_CN&_=1"
	assert_output 'bad redirect_uri
 400'
	run -0 emu_curl -w ' %{http_code}' "https://login.wx.qq.com/jslogin?appid=$APPID&fun=new"
	assert_output 'bad redirect_uri
 400'
}

@test "fh: the poll needs &appid=; 200 sends to the entry host redirect_uri named" {
	local u
	u=$(jslogin "https%253A%252F%252Fszfilehelper.weixin.qq.com%252F${NEWLOGIN//%/%25}" "$APPID" login.wx2.qq.com | uuid_of)
	emu_ctl confirm "uuid=$u" >/dev/null
	run -0 poll "$u" ""
	assert_output 'window.code=400;'
	run -0 poll "$u" "" login.wx2.qq.com
	assert_output 'window.code=400;'
	run -0 poll "$u" "&appid=$APPID" login.wx2.qq.com
	assert_line --index 0 'window.code=200;'
	assert_line --index 1 --regexp "^window\.redirect_uri=\"https://szfilehelper\.weixin\.qq\.com/cgi-bin/mmwebwx-bin/webwxnewloginpage\?ticket=[A-Za-z0-9_]{24}@qrticket_0&uuid=$u&lang=zh_CN&scan=[0-9]{10}\";$"
}

@test "fh: the phone's control calls work on a file-helper uuid" {
	local u
	u=$(jslogin "$ENC1" | uuid_of)
	emu_ctl scan "uuid=$u" >/dev/null
	run -0 poll "$u"
	assert_output --regexp "^window\.code=201;window\.userAvatar = 'data:img/jpg;base64,"
	emu_ctl cancel "uuid=$u" >/dev/null
	run -0 poll "$u"
	assert_output 'window.code=202;'
	u=$(jslogin "$ENC1" | uuid_of)
	emu_ctl expire "uuid=$u" >/dev/null
	run -0 poll "$u"
	assert_output 'window.code=400;'
}

@test "fh: -a scans and confirms by itself" {
	local u
	emu_start_own -F -a -w szfilehelper.weixin.qq.com
	u=$(jslogin "$ENC2" | uuid_of)
	run -0 poll "$u"
	assert_output --partial 'window.code=201;'
	run -0 poll "$u"
	assert_output --partial "window.redirect_uri=\"https://$ENTRY/cgi-bin/mmwebwx-bin/webwxnewloginpage?ticket="
}

@test "fh: webwxnewloginpage needs the header; cookies for .qq.com" {
	local redirect
	redirect=$(confirmed)
	run -0 emu_curl "$redirect&fun=new&version=v2"
	assert_output '<error><ret>1</ret><message></message></error>'
	run -0 emu_curl -D "$BATS_TEST_TMPDIR/head" -H "$HDR" "$redirect&fun=new&version=v2"
	assert_output --regexp '^<error><ret>0</ret><message></message><skey>@crypt_[0-9a-f]{8}_[0-9a-f]{32}</skey><wxsid>[^<]{16}</wxsid><wxuin>[0-9]+</wxuin><pass_ticket>[^<]+</pass_ticket><isgrayscale>1</isgrayscale></error>$'
	run -0 grep -c '^Set-Cookie: [a-z_]*=[^;]*; Domain=\.qq\.com; Path=/; ' "$BATS_TEST_TMPDIR/head"
	assert_output 7
	run -0 emu_curl -H "$HDR" "$redirect&fun=new&version=v2"
	assert_output --partial '<ret>1203</ret>'
}

@test "fh: a ret1203 fault on webwxnewloginpage works as on web" {
	local redirect
	redirect=$(confirmed)
	emu_ctl fault "endpoint=webwxnewloginpage&kind=ret1203" >/dev/null
	run -0 emu_curl -H "$HDR" "$redirect&fun=new&version=v2"
	assert_output --partial '<error><ret>1203</ret><message>当前登录环境异常。'
}

@test "fh: webwxinit: the wx.qq.com shape, self and the filehelper chat alone" {
	fh_login
	run -0 jq -c '[.BaseResponse.Ret, .Count, [.ContactList[].UserName], .ChatSet, .User.UserName == "'"$SELF"'", .MPSubscribeMsgCount]' <<<"$INIT"
	assert_output '[0,1,["filehelper"],"filehelper,",true,0]'
	run -0 jq -r 'keys_unsorted | join(" ")' <<<"$INIT"
	assert_output 'BaseResponse Count ContactList SyncKey User ChatSet SKey ClientVersion SystemTime GrayScale InviteStartCount MPSubscribeMsgCount MPSubscribeMsgList ClickReportInterval'
}

@test "fh: every XHR without mmweb_appid is Ret 1 in its own shape" {
	local cgi
	fh_login
	for cgi in webwxinit webwxsync webwxcheckupload webwxstatusnotify webwxgetcontact; do
		output=$(NOAPP=1 post $cgi "{\"BaseRequest\":$(base_request)}")
		run -0 jq .BaseResponse.Ret <<<"$output"
		assert_output 1
	done
	for cgi in webwxsendmsg webwxsendmsgimg webwxsendappmsg; do
		output=$(NOAPP=1 send $cgi '"Type":1,"Content":"x","ToUserName":"filehelper"')
		run -0 jq -c '[.BaseResponse.Ret, .MsgID]' <<<"$output"
		assert_output '[1,""]'
	done
	# and with it, they work
	run -0 post webwxcheckupload "{\"BaseRequest\":$(base_request),\"FileMd5\":\"0\",\"FileName\":\"a\",\"FileSize\":1,\"FileType\":7,\"FromUserName\":\"$SELF\",\"ToUserName\":\"filehelper\"}"
	run -0 jq .BaseResponse.Ret <<<"$output"
	assert_output 0
}

@test "fh: webwxlogout without the header answers as ever and ends nothing; with it, logs out" {
	fh_login
	run -0 emu_curl -b "$JAR" -o /dev/null -w '%{http_code}' -d "sid=$SID&uin=$UIN" "$CGI/webwxlogout?redirect=1&type=0&skey=$(uri "$SKEY")"
	assert_output 200
	run -0 emu_curl -b "$JAR" "$CGI/synccheck?r=1&skey=$(uri "$SKEY")&sid=$(uri "$SID")&uin=$UIN&deviceid=123456789012345&synckey=1_1&mmweb_appid=$APPID"
	refute_output --partial 'retcode:"1100"'
	run -0 emu_curl -b "$JAR" -H "$HDR" -o /dev/null -w '%{http_code}' -d "sid=$SID&uin=$UIN" "$CGI/webwxlogout?redirect=1&type=0&skey=$(uri "$SKEY")"
	assert_output 200
	run -0 emu_curl -b "$JAR" "$CGI/synccheck?r=1&skey=$(uri "$SKEY")&sid=$(uri "$SID")&uin=$UIN&deviceid=123456789012345&synckey=1_1&mmweb_appid=$APPID"
	assert_output 'window.synccheck={retcode:"1100",selector:"0"}'
}

@test "fh: synccheck on the entry host needs mmweb_appid in the query" {
	local sk
	fh_login
	sk=$(jq -r '[.SyncKey.List[] | "\(.Key)_\(.Val)"] | join("|")' <<<"$INIT")
	run -0 emu_curl -b "$JAR" "$CGI/synccheck?r=1&skey=$(uri "$SKEY")&sid=$(uri "$SID")&uin=$UIN&deviceid=123456789012345&synckey=$(uri "$sk")"
	assert_output 'window.synccheck={retcode:"1102",selector:"0"}'
	emu_ctl message "" -d '{"Content":"x"}' >/dev/null
	run -0 emu_curl -b "$JAR" "$CGI/synccheck?r=1&skey=$(uri "$SKEY")&sid=$(uri "$SID")&uin=$UIN&deviceid=123456789012345&synckey=$(uri "$sk")&mmweb_appid=$APPID"
	assert_output 'window.synccheck={retcode:"0",selector:"2"}'
}

@test "fh: send to filehelper; echo in webwxsync with the same MsgId; another recipient is Ret 1" {
	local id msgid
	fh_login
	id=$(local_id)
	msgid=$(send webwxsendmsg "$(msg "$id" "filehelper" "hi fh" 1)" | jq -r .MsgID)
	[[ $msgid =~ ^[0-9]{19}$ ]]
	run -0 sync_all
	run -0 jq -c "[.AddMsgList[] | select(.Content == \"hi fh\") | [.MsgId, .FromUserName == \"$SELF\", .ToUserName]]" <<<"$output"
	assert_output "[[\"$msgid\",true,\"filehelper\"]]"
	id=$(local_id)
	run -0 send webwxsendmsg "$(msg "$id" "$SELF" "no" 1)"
	run -0 jq -c '[.BaseResponse.Ret, .MsgID, .LocalID]' <<<"$output"
	assert_output '[1,"",""]'
}

@test "fh: an injected image downloads through the page's ??& URL; without mmweb_appid 404" {
	local id
	fh_login
	id=$(emu_ctl message "" -d '{"TypeName":"image"}')
	emu_curl "https://$ENTRY/_emu/media?msgid=$id" -o "$BATS_TEST_TMPDIR/want"
	emu_curl -b "$JAR" -o "$BATS_TEST_TMPDIR/got" "$CGI/webwxgetmsgimg??&MsgID=$id&skey=$(uri "$SKEY")&mmweb_appid=$APPID"
	cmp "$BATS_TEST_TMPDIR/want" "$BATS_TEST_TMPDIR/got"
	run -0 emu_curl -b "$JAR" -o /dev/null -w '%{http_code} %{size_download}' "$CGI/webwxgetmsgimg??&MsgID=$id&skey=$(uri "$SKEY")&type=slave&mmweb_appid=$APPID"
	assert_output --regexp '^200 [1-9][0-9]*$'
	run -0 emu_curl -b "$JAR" -o /dev/null -w '%{http_code} %{size_download}' "$CGI/webwxgetmsgimg??&MsgID=$id&skey=$(uri "$SKEY")"
	assert_output '404 0'
	run -0 logged webwxgetmsgimg
	assert_line --partial "\"uri\":\"/cgi-bin/mmwebwx-bin/webwxgetmsgimg??&MsgID=$id&skey="
}

@test "fh: video (Range) and voice downloads need mmweb_appid too" {
	local v a
	fh_login
	v=$(emu_ctl message "" -d '{"TypeName":"video"}')
	a=$(emu_ctl message "" -d '{"TypeName":"voice"}')
	run -0 emu_curl -b "$JAR" -H 'Range: bytes=0-' -o /dev/null -w '%{http_code}' "$CGI/webwxgetvideo?msgid=$v&skey=$(uri "$SKEY")&mmweb_appid=$APPID"
	assert_output 206
	run -0 emu_curl -b "$JAR" -o /dev/null -w '%{http_code} %{size_download}' "$CGI/webwxgetvideo?msgid=$v&skey=$(uri "$SKEY")"
	assert_output '404 0'
	emu_curl "https://$ENTRY/_emu/media?msgid=$a" -o "$BATS_TEST_TMPDIR/want"
	emu_curl -b "$JAR" -o "$BATS_TEST_TMPDIR/got" "$CGI/webwxgetvoice?msgid=$a&skey=$(uri "$SKEY")&mmweb_appid=$APPID"
	cmp "$BATS_TEST_TMPDIR/want" "$BATS_TEST_TMPDIR/got"
	run -0 emu_curl -b "$JAR" -o /dev/null -w '%{http_code}' "$CGI/webwxgetvoice?msgid=$a&skey=$(uri "$SKEY")"
	assert_output 404
}

@test "fh: a 2 MB file in one part, webwxsendappmsg, then webwxgetmedia gives it back" {
	local f=$BATS_TEST_TMPDIR/report.pdf mid msgid id size q
	fh_login
	head -c 2000000 /dev/urandom >"$f"
	size=2000000
	run -0 fh_upload "$f"
	run -0 jq -c '[.BaseResponse.Ret, .StartPos, .EncryFileName]' <<<"$output"
	assert_output '[0,2000000,"report%2Epdf"]'
	mid=$(fh_upload "$f" | jq -r .MediaId)
	[[ $mid =~ ^@crypt_ ]]
	id=$(local_id)
	msgid=$(send webwxsendappmsg "$(msg "$id" "filehelper" "<appmsg appid='wxeb7ec651dd0aefa9' sdkver=''><title>report.pdf</title><des></des><action></action><type>6</type><content></content><url></url><lowurl></lowurl><appattach><totallen>$size</totallen><attachid>$mid</attachid><fileext>pdf</fileext></appattach><extinfo></extinfo></appmsg>" 6)" | jq -r .MsgID)
	[[ $msgid =~ ^[0-9]{19}$ ]]
	run -0 sync_all
	run -0 jq -r "[.AddMsgList[] | select(.MsgId == \"$msgid\")][0].MediaId" <<<"$output"
	assert_output "$mid"
	q="sender=$SELF&mediaid=$mid&encryfilename=report%252Epdf&fromuser=$UIN&pass_ticket=$(uri "$PT")&webwx_data_ticket=$(uri "$DT")&sid=$(uri "$SID")"
	emu_curl -b "$JAR" -o "$BATS_TEST_TMPDIR/got" "$FILECGI/webwxgetmedia?$q&mmweb_appid=$APPID"
	cmp "$f" "$BATS_TEST_TMPDIR/got"
	run -0 emu_curl -b "$JAR" -o /dev/null -w '%{http_code} %{size_download}' "$FILECGI/webwxgetmedia?$q"
	assert_output '404 0'
}

@test "fh: the upload needs the header, and takes 25 MB in one part but not more" {
	local f=$BATS_TEST_TMPDIR/big.bin
	fh_login
	head -c 1000 /dev/urandom >"$f"
	run -0 emu_curl --compressed -b "$JAR" -F name=a -F "uploadmediarequest={\"BaseRequest\":$(base_request),\"ClientMediaId\":\"1\",\"TotalLen\":1000}" -F "webwx_data_ticket=$DT" -F "filename=@$f" "$FILECGI/webwxuploadmedia?f=json"
	run -0 jq .BaseResponse.Ret <<<"$output"
	assert_output 1
	head -c $((25 * 1024 * 1024)) /dev/zero >"$f"
	run -0 fh_upload "$f"
	run -0 jq -c '[.BaseResponse.Ret, .StartPos]' <<<"$output"
	assert_output "[0,$((25 * 1024 * 1024))]"
	head -c $((26 * 1024 * 1024)) /dev/zero >"$f"
	run -0 fh_upload "$f" -o /dev/null -w '%{http_code}'
	assert_output 413
}

@test "fh: /_emu/message defaults to self → filehelper; ?count=N too; explicit parties kept" {
	local sk friend
	fh_login
	emu_ctl message "" -d '{"Content":"from the phone"}' >/dev/null
	emu_ctl message "count=3" >/dev/null
	friend=$(post webwxgetcontact "{\"BaseRequest\":$(base_request)}" | jq -r '[.MemberList[] | select(.UserName | test("^@[0-9a-f]+$"))][0].UserName')
	emu_ctl message "" -d "{\"From\":\"$friend\",\"To\":\"self\",\"Content\":\"other chat\"}" >/dev/null
	run -0 sync_all
	run -0 jq -c "[.AddMsgList[] | select(.MsgType == 1) | [(.FromUserName | if . == \"$SELF\" then \"self\" elif . == \"$friend\" then \"friend\" else . end), .ToUserName == \"$SELF\", .ToUserName]]" <<<"$output"
	assert_output "[[\"self\",false,\"filehelper\"],[\"self\",false,\"filehelper\"],[\"self\",false,\"filehelper\"],[\"self\",false,\"filehelper\"],[\"friend\",true,\"$SELF\"]]"
}

@test "fh: the request log keeps the query as sent and the mmweb_appid header" {
	local u
	fh_login
	run -0 logged jslogin
	assert_line --partial "\"uri\":\"/jslogin?appid=$APPID&redirect_uri=$ENC2&fun=new"
	run -0 logged webwxinit
	assert_line --partial '"mmweb_appid":"wx_webfilehelper"'
	run -0 logged /login
	assert_line --regexp '"uri":"/cgi-bin/mmwebwx-bin/login\?loginicon=true&uuid=[^"]*&appid=wx_webfilehelper"'
}
