#!/usr/bin/env bats
# wx-emu: every TypeName of POST /_emu/message read back through
# webwxsync with curl — MsgType, AppMsgType, the Content held against the
# samples' form (protocol.md §8.1, §8.5, §8.6), field types — and Media
# through each download endpoint against GET /_emu/media, byte for byte.
load helper
load emu
load emu-session

setup_file() { emu_start -n 20 -g 2 -m 5 -s 11; }
teardown_file() { emu_stop; }

ADDMSG_KEYS='["MsgId","FromUserName","ToUserName","MsgType","Content","Status","ImgStatus","CreateTime","VoiceLength","PlayLength","FileName","FileSize","MediaId","Url","AppMsgType","StatusNotifyCode","StatusNotifyUserName","RecommendInfo","ForwardFlag","AppInfo","HasProductId","Ticket","ImgHeight","ImgWidth","SubMsgType","NewMsgId","OriContent","EncryFileName"]'
RECOMMEND_KEYS='["UserName","NickName","QQNum","Province","City","Content","Signature","Alias","Scene","VerifyFlag","AttrStatus","Sex","Ticket","OpCode"]'

# Log in, init and drain the first sync: KEY (the SyncKey after it), ME.
fresh() {
	emu_login
	do_init
	do_sync "$(jq -c .SyncKey <<<"$INIT")"
	KEY=$(jq -c .SyncKey <<<"$SYNC")
	ME=$(jq -r .User.UserName <<<"$INIT")
}

# inject JSON: POST /_emu/message; the MsgId in ID, the test fails on
# anything but 200.
inject() {
	local out=$BATS_TEST_TMPDIR/inject code
	code=$(emu_ctl message '' --data-binary "$1" -o "$out" -w '%{http_code}')
	ID=$(cat "$out")
	[ "$code" = 200 ] || { echo "inject $1: $code $ID" >&2; return 1; }
}

# got ID: webwxsync from KEY; MSG is the entry of MsgId ID (compact JSON),
# CONTENT its Content.
got() {
	do_sync "$KEY"
	MSG=$(jq -c --arg id "$1" '.AddMsgList[] | select(.MsgId == $id)' <<<"$SYNC")
	[ -n "$MSG" ] || { echo "no message $1 in: $SYNC" >&2; return 1; }
	CONTENT=$(jq -r .Content <<<"$MSG")
}

# The shape of escaped XML on stdin: attribute values, element text and
# CDATA emptied, so a Content can be held against a sample's.
shape() {
	perl -pe 's/CDATA\[.*?\]\]/CDATA[]]/g; s/="[^"]*"/=""/g; s/&gt;(?:(?!&lt;|&gt;).)*?&lt;/&gt;&lt;/g'
}

# The Content of a sampled AddMsgList entry without its room prefix.
sample_content() {
	jq -r "${2:-.Content}" "$SAMPLES/$1" | sed 's/^@[^:]*:<br\/>//'
}

# Unescaped XML on stdin in the escaped form of Content.
escape() {
	sed 's/&/\&amp;/g; s/</\&lt;/g; s/>/\&gt;/g'
}

# emu_media ID [slave]: GET /_emu/media into $BATS_TEST_TMPDIR/media.
emu_media() {
	emu_curl -o "$BATS_TEST_TMPDIR/media" -w '%{http_code}' \
		"$EMU_SCHEME://127.0.0.1:$EMU_PORT/_emu/media?msgid=$1${2:+&type=$2}"
}

# dl CGI QUERY [curl options]: a download from the web host with the
# session's cookies into $BATS_TEST_TMPDIR/dl.
dl() {
	local cgi=$1 q=$2
	shift 2
	web_get "$cgi" "$q" -o "$BATS_TEST_TMPDIR/dl" "$@"
}

# dl_media MEDIAID NAME: webwxgetmedia from the file host as RC asks.
dl_media() {
	local dt
	dt=$(awk '$6 == "webwx_data_ticket" { print $7 }' "$JAR")
	emu_curl -b "$JAR" -o "$BATS_TEST_TMPDIR/dl" \
		"$(emu_url "file.$WEB" /cgi-bin/mmwebwx-bin/webwxgetmedia)?sender=x&mediaid=$(uri "$1")&encryfilename=$(uri "$2")&fromuser=$UIN&pass_ticket=$PASS_TICKET&webwx_data_ticket=$(uri "$dt")"
}

md5() {
	md5sum "$1" | cut -d' ' -f1
}

size() {
	stat -c %s "$1"
}

# Attribute ATTR of the escaped XML in CONTENT.
attr() {
	sed -n "s/.* $1=\"\\([^\"]*\\)\".*/\\1/p" <<<"$CONTENT"
}

@test "every TypeName: MsgType, AppMsgType, SubMsgType, the 28 keys in order, field types" {
	fresh
	local t want
	for t in text:1:0:0 image:3:0:0 voice:34:0:0 video:43:0:0 emoji:47:0:0 \
	         card:42:0:0 link:49:5:0 file:49:6:0 location:1:0:48 \
	         system:10000:0:0 revoke:10002:0:0 status:51:0:0 verify:37:0:0; do
		inject "{\"TypeName\":\"${t%%:*}\",\"Revoke\":\"1234567890123456789\"}"
		got "$ID"
		want=${t#*:}
		run -0 jq -r '"\(.MsgType):\(.AppMsgType):\(.SubMsgType)"' <<<"$MSG"
		assert_output "$want"
		run -0 jq -c --argjson k "$ADDMSG_KEYS" --argjson r "$RECOMMEND_KEYS" \
			'[keys_unsorted == $k, (.RecommendInfo | keys_unsorted) == $r, (.AppInfo | keys_unsorted), (.MsgId | type), (.NewMsgId | type), (.FileSize | type), (.RecommendInfo.QQNum | type), (.CreateTime | type)]' <<<"$MSG"
		assert_output '[true,true,["AppID","Type"],"string","number","string","number","number"]'
		[[ $ID =~ ^[1-9][0-9]{18}$ ]]
		grep -q "^\"MsgId\": \"$ID\",\$" <<<"$SYNC"
		grep -q "^\"NewMsgId\": $ID,\$" <<<"$SYNC"
		KEY=$(jq -c .SyncKey <<<"$SYNC")
	done
}

@test "text and system: plain Content gets the server's escaping; the default tip" {
	fresh
	inject '{"TypeName":"text","From":"filehelper","Content":"a < b & c\nd 😀"}'
	got "$ID"
	assert_equal "$CONTENT" 'a &lt; b &amp; c<br/>d <span class="emoji emoji1f600"></span>'
	inject '{"TypeName":"text"}'
	got "$ID"
	assert_equal "$CONTENT" hello
	inject '{"TypeName":"system","From":"filehelper"}'
	got "$ID"
	assert_equal "$CONTENT" '你已添加了 文件传输助手 ，现在可以开始聊天了。'
	inject '{"TypeName":"system","Content":"Tom & Jerry <joined>"}'
	got "$ID"
	assert_equal "$CONTENT" 'Tom &amp; Jerry &lt;joined&gt;'
	[ "$(jq -c '[.MsgType, .Status, .ImgStatus]' <<<"$MSG")" = '[10000,3,1]' ]
}

@test "image: the 2014/2016 Content with the length webwxgetmsgimg serves; ImgStatus 2" {
	fresh
	inject '{"TypeName":"image"}'
	got "$ID"
	assert_equal "$(shape <<<"$CONTENT")" \
		"$(sed -n 's/^"Content": "\(.*\)",$/\1/p' "$SAMPLES/webwxsync_AddMsg-qwx-1.txt" | sed 's/\\"/"/g' | shape)"
	[ "$(jq -c '[.ImgStatus, .ImgWidth, .ImgHeight]' <<<"$MSG")" = '[2,120,90]' ]
	[ "$(attr hdlength)" = 0 ]
	run -0 emu_media "$ID"
	assert_output 200
	[ "$(attr length)" = "$(size "$BATS_TEST_TMPDIR/media")" ]
	dl webwxgetmsgimg "MsgID=$ID&skey=$(uri "$SKEY")"
	cmp "$BATS_TEST_TMPDIR/media" "$BATS_TEST_TMPDIR/dl"
	[ "$(head -c 3 "$BATS_TEST_TMPDIR/dl" | od -An -tx1 | tr -d ' ')" = ffd8ff ]
}

@test "voice: the sampled voicemsg element; VoiceLength, and the length webwxgetvoice serves" {
	fresh
	inject '{"TypeName":"voice","VoiceLength":3215}'
	got "$ID"
	assert_equal "$(shape <<<"$CONTENT")" \
		"$(tr -d '\n\t' <"$SAMPLES/webwxsync_Content-WeixinBot-4.xml" | escape | shape)"
	[ "$(jq .VoiceLength <<<"$MSG")" = 3215 ]
	[ "$(attr voicelength)" = 3215 ]
	[[ $(attr bufid) =~ ^[0-9]{18}$ ]]
	[[ $(attr clientmsgid) =~ ^[0-9a-f]{32}.+174_[0-9]+$ ]]
	emu_media "$ID"
	[ "$(attr length)" = "$(size "$BATS_TEST_TMPDIR/media")" ]
	dl webwxgetvoice "msgid=$ID&skey=$(uri "$SKEY")" -H 'Range: bytes=0-'
	cmp "$BATS_TEST_TMPDIR/media" "$BATS_TEST_TMPDIR/dl"
	[ "$(head -c 3 "$BATS_TEST_TMPDIR/dl")" = ID3 ]
}

@test "video: an opaque @hex Content, PlayLength, the thumbnail size; the thumbnail is a JPEG" {
	fresh
	inject '{"TypeName":"video","PlayLength":7}'
	got "$ID"
	[[ $CONTENT =~ ^@[0-9a-f]{1696}$ ]]
	[ "$(jq -c '[.PlayLength, .ImgWidth, .ImgHeight, .ImgStatus]' <<<"$MSG")" = '[7,290,512,1]' ]
	emu_media "$ID"
	dl webwxgetvideo "msgid=$ID&skey=$(uri "$SKEY")" -H 'Range: bytes=0-'
	cmp "$BATS_TEST_TMPDIR/media" "$BATS_TEST_TMPDIR/dl"
	[ "$(head -c 12 "$BATS_TEST_TMPDIR/dl" | tail -c 8)" = ftypmp42 ]
	emu_media "$ID" slave
	dl webwxgetmsgimg "MsgID=$ID&skey=$(uri "$SKEY")&type=slave"
	cmp "$BATS_TEST_TMPDIR/media" "$BATS_TEST_TMPDIR/dl"
	[ "$(head -c 3 "$BATS_TEST_TMPDIR/dl" | od -An -tx1 | tr -d ' ')" = ffd8ff ]
}

@test "emoji: CAP's emoji element, md5 and len of the GIF webwxgetmsgimg serves; a store sticker" {
	fresh
	inject '{"TypeName":"emoji"}'
	got "$ID"
	assert_equal "$(shape <<<"$CONTENT")" \
		"$(sample_content webwxsync-weixinHttp-1.json '.AddMsgList[0].Content' | shape)"
	[ "$(jq -c '[.ImgStatus, .ImgWidth, .ImgHeight, .HasProductId]' <<<"$MSG")" = '[2,240,210,0]' ]
	[ "$(attr width)x$(attr height)" = 240x210 ]
	dl webwxgetmsgimg "MsgID=$ID&skey=$(uri "$SKEY")&type=big"
	[ "$(head -c 6 "$BATS_TEST_TMPDIR/dl")" = GIF89a ]
	[ "$(attr len)" = "$(size "$BATS_TEST_TMPDIR/dl")" ]
	[ "$(attr md5)" = "$(md5 "$BATS_TEST_TMPDIR/dl")" ]
	[ "$(attr androidmd5)" = "$(attr md5)" ]
	[[ $(attr cdnurl) =~ ^http://emoji\.qpic\.cn/wx_emoji/[A-Za-z0-9]+/$ ]]
	emu_media "$ID"
	cmp "$BATS_TEST_TMPDIR/media" "$BATS_TEST_TMPDIR/dl"
	inject '{"TypeName":"emoji","HasProductId":1,"ImgWidth":80,"ImgHeight":60}'
	got "$ID"
	[ "$(jq -c '[.HasProductId, .ImgWidth, .ImgHeight]' <<<"$MSG")" = '[1,80,60]' ]
	[ "$(attr productid)" = com.tencent.xin.emoticon.bilibili ]
	[ "$(attr width)x$(attr height)" = 80x60 ]
	[ -n "$(attr thumburl)" ]
}

@test "card: the 2019 sampled form; RecommendInfo of the carded user, Scene 17" {
	fresh
	local friend nick
	friend=$(emu_ctl contacts | jq -r 'select(.Kind == "person") | .UserName' | head -1)
	nick=$(emu_ctl contacts | jq -r --arg u "$friend" 'select(.UserName == $u) | .NickName')
	inject "{\"TypeName\":\"card\",\"Card\":\"$friend\"}"
	got "$ID"
	assert_equal "$(shape <<<"$CONTENT")" "$(sample_content webwxsync_AddMsg-wwdk-6.json | shape)"
	[[ $CONTENT == '&lt;?xml version="1.0"?&gt;<br/>&lt;msg bigheadimgurl="http://wx.qlogo.cn/mmhead/ver_1/'*'" /&gt;<br/>' ]]
	[[ $(attr username) =~ ^v1_[0-9a-f]+@stranger$ ]]
	[[ $(attr antispamticket) =~ ^v2_[0-9a-f]+@stranger$ ]]
	run -0 jq -c '.RecommendInfo | [.UserName, .NickName, .Scene, .AttrStatus, .Ticket, .OpCode]' <<<"$MSG"
	assert_output "$(jq -cn --arg u "$friend" --arg n "$nick" '[$u, $n, 17, 32, "", 0]')"
	# Without Card: someone who is not a friend.
	inject '{"TypeName":"card"}'
	got "$ID"
	[ -z "$(emu_ctl contacts | jq -r --arg u "$(jq -r .RecommendInfo.UserName <<<"$MSG")" 'select(.UserName == $u)')" ]
}

@test "link: AppMsgType 5, FileName = the title, Url in the field and (escaped) in the XML" {
	fresh
	inject '{"TypeName":"link","FileName":"Tom & Jerry","Url":"https://example.com/a?b=1&c=2"}'
	got "$ID"
	[ "$(jq -c '[.MsgType, .AppMsgType, .FileName, .Url, .FileSize, .MediaId]' <<<"$MSG")" = \
		'[49,5,"Tom & Jerry","https://example.com/a?b=1&c=2","",""]' ]
	[[ $CONTENT == *'&lt;title&gt;Tom &amp;amp; Jerry&lt;/title&gt;'* ]]
	[[ $CONTENT == *'&lt;type&gt;5&lt;/type&gt;'* ]]
	[[ $CONTENT == *'&lt;url&gt;https://example.com/a?b=1&amp;amp;c=2&lt;/url&gt;'* ]]
	# The element list of the file sample, without its closing <br/>s.
	assert_equal "$(shape <<<"$CONTENT")" \
		"$(sample_content webwxsync_AddMsg-wwdk-5.json | sed 's/&lt;br\/&gt;<br\/>$//' | shape)"
}

@test "file: the 2019 sampled form; FileSize, MediaId, EncryFileName, AppID; webwxgetmedia serves totallen bytes of that md5" {
	fresh
	inject '{"TypeName":"file","FileName":"a b_c.tar.gz"}'
	got "$ID"
	assert_equal "$(shape <<<"$CONTENT")" "$(sample_content webwxsync_AddMsg-wwdk-5.json | shape)"
	run -0 jq -c '[.FileName, (.FileSize | test("^[0-9]+$")), (.MediaId | test("^@crypt_[0-9a-f]{8}_[0-9a-f]+$")), .EncryFileName, .AppInfo.AppID, .AppInfo.Type]' <<<"$MSG"
	assert_output '["a b_c.tar.gz",true,true,"a%20b%5Fc%2Etar%2Egz","wx6618f1cfc6c132f8",0]'
	[[ $CONTENT == '&lt;msg&gt;&lt;appmsg appid="wx6618f1cfc6c132f8" sdkver="0"&gt;&lt;title&gt;a b_c.tar.gz&lt;/title&gt;'* ]]
	[[ $CONTENT == *'&lt;fileext&gt;gz&lt;/fileext&gt;'* ]]
	[[ $CONTENT == *'&lt;appname&gt;微信电脑版&lt;/appname&gt;'* ]]
	[[ $CONTENT == *'&lt;/msg&gt;&lt;br/&gt;<br/>' ]]
	dl_media "$(jq -r .MediaId <<<"$MSG")" "$(jq -r .EncryFileName <<<"$MSG")"
	[ "$(size "$BATS_TEST_TMPDIR/dl")" = "$(jq -r .FileSize <<<"$MSG")" ]
	[[ $CONTENT == *"&lt;totallen&gt;$(jq -r .FileSize <<<"$MSG")&lt;/totallen&gt;"* ]]
	[[ $CONTENT == *"&lt;md5&gt;$(md5 "$BATS_TEST_TMPDIR/dl")&lt;/md5&gt;"* ]]
	emu_media "$ID"
	cmp "$BATS_TEST_TMPDIR/media" "$BATS_TEST_TMPDIR/dl"
}

@test "location: label:<br/>map path, the geocoder Url, raw OriContent; two separators in a room" {
	fresh
	inject '{"TypeName":"location","Label":"A & B <C>"}'
	got "$ID"
	[[ $CONTENT =~ ^A\ \&amp\;\ B\ \&lt\;C\&gt\;:\<br/\>/cgi-bin/mmwebwx-bin/webwxgetpubliclinkimg\?url=[0-9a-f]+\&msgid=$ID\&pictype=location$ ]]
	[[ $(jq -r .Url <<<"$MSG") =~ ^http://apis\.map\.qq\.com/uri/v1/geocoder\?coord=[0-9.]+,[0-9.]+$ ]]
	[ "$(jq -c '[.MsgType, .SubMsgType]' <<<"$MSG")" = '[1,48]' ]
	assert_equal "$(jq -r .OriContent <<<"$MSG" | sed 's/="[^"]*"/=""/g')" \
		"$(jq -r .OriContent "$SAMPLES/webwxsync_AddMsg-wwdk-7.json" | sed 's/="[^"]*"/=""/g')"
	grep -qF 'label=\"A &amp; B &lt;C&gt;\"' <<<"$SYNC"
	local room
	room=$(jq -r '[.ContactList[] | select(.UserName | startswith("@@"))][0].UserName' <<<"$INIT")
	inject "{\"TypeName\":\"location\",\"From\":\"$room\"}"
	got "$ID"
	[[ $CONTENT =~ ^@[0-9a-f]+:\<br/\>[^:]+:\<br/\>/cgi-bin/mmwebwx-bin/webwxgetpubliclinkimg\? ]]
}

@test "revoke: the sampled sysmsg naming Revoke, Status 4, no room prefix; Revoke is required" {
	fresh
	inject '{"TypeName":"revoke","From":"filehelper","Revoke":"4100000000000000001"}'
	got "$ID"
	assert_equal "$(shape <<<"$CONTENT")" "$(sample_content webwxsync_AddMsg-wwdk-8.json | shape)"
	[[ $CONTENT == *'&lt;session&gt;filehelper&lt;/session&gt;'* ]]
	[[ $CONTENT == *'&lt;msgid&gt;4100000000000000001&lt;/msgid&gt;'* ]]
	[[ $CONTENT == *'&lt;replacemsg&gt;&lt;![CDATA["文件传输助手" 撤回了一条消息]]&gt;&lt;/replacemsg&gt;'* ]]
	[ "$(jq -c '[.MsgType, .Status]' <<<"$MSG")" = '[10002,4]' ]
	local room
	room=$(jq -r '[.ContactList[] | select(.UserName | startswith("@@"))][0].UserName' <<<"$INIT")
	inject "{\"TypeName\":\"revoke\",\"From\":\"$room\",\"Revoke\":42}"
	got "$ID"
	[[ $CONTENT == '&lt;sysmsg type="revokemsg"&gt;<br/>'* ]]
	[[ $CONTENT =~ \&lt\;session\&gt\;[0-9]+@chatroom\&lt\; ]]
	run -0 emu_ctl message '' --data '{"TypeName":"revoke"}' -w ' %{http_code}'
	assert_output 'revoke needs Revoke, the MsgId recalled
 400'
}

@test "status: Code 4 lists the chats aligned in Content and StatusNotifyUserName; Code 2 names To" {
	fresh
	inject '{"TypeName":"status"}'
	got "$ID"
	[ "$(jq -c --arg me "$ME" '[.FromUserName == $me, .ToUserName == $me, .StatusNotifyCode]' <<<"$MSG")" = '[true,true,4]' ]
	[[ $CONTENT == "&lt;msg&gt;<br/>&lt;op id='4'&gt;<br/>&lt;username&gt;"*"&lt;/op&gt;<br/>&lt;/msg&gt;" ]]
	local ids users
	ids=$(sed 's/.*&lt;username&gt;\([^&]*\)&lt;\/username&gt;<br\/>&lt;unreadchatlist.*/\1/' <<<"$CONTENT")
	users=$(jq -r .StatusNotifyUserName <<<"$MSG")
	[ "$(tr , '\n' <<<"$ids" | wc -l)" = "$(tr , '\n' <<<"$users" | wc -l)" ]
	[ "$(tr , '\n' <<<"$users" | wc -l)" -ge 3 ]
	inject '{"TypeName":"status","StatusNotifyCode":2,"To":"filehelper"}'
	got "$ID"
	[ "$(jq -c --arg me "$ME" '[.FromUserName == $me, .ToUserName, .StatusNotifyCode, .StatusNotifyUserName, .Content]' <<<"$MSG")" = \
		'[true,"filehelper",2,"filehelper",""]' ]
}

@test "verify: from fmessage, the 2021 attribute list, RecommendInfo with greeting, Scene 14, ticket, OpCode 2" {
	fresh
	inject '{"TypeName":"verify"}'
	got "$ID"
	assert_equal "$(shape <<<"$CONTENT")" \
		"$(escape <"$SAMPLES/webwxsync_Content-openwechat-1.xml" | shape)"
	run -0 jq -c --arg me "$ME" '[.FromUserName, .ToUserName == $me, .MsgType, (.RecommendInfo | .Scene, .AttrStatus, .OpCode, (.Ticket | test("^v2_[0-9a-f]+@stranger$")), (.UserName | test("^@[0-9a-f]+$")))]' <<<"$MSG"
	assert_output '["fmessage",true,37,14,233765,2,true,true]'
	[ "$(attr ticket)" = "$(jq -r .RecommendInfo.Ticket <<<"$MSG")" ]
	[ "$(attr fromnickname)" = "$(jq -r .RecommendInfo.NickName <<<"$MSG")" ]
	[ "$(attr content)" = "$(jq -r .RecommendInfo.Content <<<"$MSG")" ]
	[[ $(attr content) == 我是* ]]
	[ "$(attr scene)" = 14 ]
	[ "$(attr opcode)" = 2 ]
	inject '{"TypeName":"verify","RecommendInfo":{"Content":"hi &amp; hello"}}'
	got "$ID"
	[ "$(jq -r .RecommendInfo.Content <<<"$MSG")" = 'hi &amp; hello' ]
	[ "$(attr content)" = 'hi &amp;amp; hello' ]
}

@test "room messages: media and cards keep @sender:<br/>; tips and recalls have none" {
	fresh
	local room member t
	room=$(jq -r '[.ContactList[] | select(.UserName | startswith("@@"))][0].UserName' <<<"$INIT")
	member=$(jq -r '[.ContactList[] | select(.UserName | startswith("@@"))][0].MemberList[1].UserName' <<<"$INIT")
	for t in image voice emoji card link file; do
		inject "{\"TypeName\":\"$t\",\"From\":\"$room\",\"Sender\":\"$member\"}"
		got "$ID"
		[[ $CONTENT == "$member:<br/>&lt;"* ]] || { echo "$t: $CONTENT" >&2; false; }
	done
	inject "{\"TypeName\":\"video\",\"From\":\"$room\",\"Sender\":\"$member\"}"
	got "$ID"
	[[ $CONTENT =~ ^$member:\<br/\>@[0-9a-f]{1696}$ ]]
	inject "{\"TypeName\":\"system\",\"From\":\"$room\",\"Sender\":\"$member\"}"
	got "$ID"
	[[ $CONTENT == '"'*'"修改群名为“'*'”' ]]
}

@test "members the body gives override the template" {
	fresh
	inject '{"TypeName":"image","ImgWidth":640,"ImgHeight":480,"Content":"<msg><img length=\"9\" /></msg>","Status":4}'
	got "$ID"
	[ "$(jq -c '[.MsgType, .ImgStatus, .ImgWidth, .ImgHeight, .Status]' <<<"$MSG")" = '[3,2,640,480,4]' ]
	assert_equal "$CONTENT" '&lt;msg&gt;&lt;img length="9" /&gt;&lt;/msg&gt;'
	inject '{"TypeName":"file","FileName":"x.bin","FileSize":"12","MediaId":"@crypt_00000000_abc","ForwardFlag":1,"Ticket":"t"}'
	got "$ID"
	[ "$(jq -c '[.FileName, .FileSize, .MediaId, .ForwardFlag, .Ticket]' <<<"$MSG")" = '["x.bin","12","@crypt_00000000_abc",1,"t"]' ]
	[[ $CONTENT == *'&lt;totallen&gt;12&lt;/totallen&gt;'* ]]
	dl_media @crypt_00000000_abc x%2Ebin
	[ "$(size "$BATS_TEST_TMPDIR/dl")" = 12 ]
	inject '{"TypeName":"link","AppMsgType":3,"MsgType":49,"AppInfo":{"AppID":"wx485a97c844086dc9"},"Raw":1,"Content":"&lt;msg/&gt;"}'
	got "$ID"
	[ "$(jq -c '[.MsgType, .AppMsgType, .AppInfo.AppID, .Content]' <<<"$MSG")" = '[49,3,"wx485a97c844086dc9","&lt;msg/&gt;"]' ]
}

@test "bad TypeName, Media, Revoke or Card: 400 with the reason" {
	run -0 emu_ctl message '' --data '{"TypeName":"sticker"}' -w ' %{http_code}'
	assert_output 'unknown TypeName: want text, image, voice, video, emoji, card, link, file, location, system, revoke, status or verify
 400'
	run -0 emu_ctl message '' --data '{"TypeName":"image","Media":"not*base64"}' -w ' %{http_code}'
	assert_output 'Media is not base64
 400'
	run -0 emu_ctl message '' --data '{"TypeName":"revoke","Revoke":"x1"}' -w ' %{http_code}'
	assert_output 'revoke needs Revoke, the MsgId recalled
 400'
	run -0 emu_ctl message '' --data '{"TypeName":"card","Card":"@nobody"}' -w ' %{http_code}'
	assert_output 'unknown Card
 400'
}

@test "Media round trip: each download endpoint serves the given bytes, as /_emu/media does" {
	fresh
	local f=$BATS_TEST_TMPDIR/bytes b64 t
	head -c 70000 /dev/urandom >"$f"
	b64=$(base64 -w0 "$f")
	for t in image:webwxgetmsgimg:MsgID emoji:webwxgetmsgimg:MsgID voice:webwxgetvoice:msgid video:webwxgetvideo:msgid; do
		inject "{\"TypeName\":\"${t%%:*}\",\"Media\":\"$b64\"}"
		emu_media "$ID"
		cmp "$f" "$BATS_TEST_TMPDIR/media"
		t=${t#*:}
		dl "${t%:*}" "${t#*:}=$ID&skey=$(uri "$SKEY")" -H 'Range: bytes=0-'
		cmp "$f" "$BATS_TEST_TMPDIR/dl"
	done
	# An image's thumbnail is the image itself; a video's is a JPEG.
	inject "{\"TypeName\":\"image\",\"Media\":\"$b64\"}"
	dl webwxgetmsgimg "MsgID=$ID&skey=$(uri "$SKEY")&type=slave"
	cmp "$f" "$BATS_TEST_TMPDIR/dl"
	got "$ID"
	[ "$(attr length)" = 70000 ]
	inject "{\"TypeName\":\"file\",\"FileName\":\"r.bin\",\"Media\":\"$b64\"}"
	got "$ID"
	[ "$(jq -r .FileSize <<<"$MSG")" = 70000 ]
	[[ $CONTENT == *"&lt;md5&gt;$(md5 "$f")&lt;/md5&gt;"* ]]
	dl_media "$(jq -r .MediaId <<<"$MSG")" r%2Ebin
	cmp "$f" "$BATS_TEST_TMPDIR/dl"
	emu_media "$ID"
	cmp "$f" "$BATS_TEST_TMPDIR/media"
	# 6 MiB of Media fit the body cap of /_emu/message.
	head -c $((6 << 20)) /dev/urandom >"$f"
	printf '{"TypeName":"video","Media":"%s"}' "$(base64 -w0 "$f")" >"$BATS_TEST_TMPDIR/body"
	ID=$(emu_ctl message '' --data-binary @"$BATS_TEST_TMPDIR/body")
	dl webwxgetvideo "msgid=$ID&skey=$(uri "$SKEY")" -H 'Range: bytes=0-'
	cmp "$f" "$BATS_TEST_TMPDIR/dl"
}

@test "/_emu/media: made-up bytes are the same every time and what the endpoint serves; 404 for an unknown id" {
	fresh
	local t
	for t in image:webwxgetmsgimg:MsgID voice:webwxgetvoice:msgid video:webwxgetvideo:msgid; do
		inject "{\"TypeName\":\"${t%%:*}\"}"
		emu_media "$ID"
		mv "$BATS_TEST_TMPDIR/media" "$BATS_TEST_TMPDIR/first"
		emu_media "$ID"
		cmp "$BATS_TEST_TMPDIR/first" "$BATS_TEST_TMPDIR/media"
		t=${t#*:}
		dl "${t%:*}" "${t#*:}=$ID&skey=$(uri "$SKEY")"
		cmp "$BATS_TEST_TMPDIR/media" "$BATS_TEST_TMPDIR/dl"
	done
	inject '{"TypeName":"image"}'
	emu_media "$ID" slave
	dl webwxgetmsgimg "MsgID=$ID&skey=$(uri "$SKEY")&type=slave"
	cmp "$BATS_TEST_TMPDIR/media" "$BATS_TEST_TMPDIR/dl"
	run -0 emu_media 1234567890123456789
	assert_output 404
	run -0 emu_media x
	assert_output 404
}
