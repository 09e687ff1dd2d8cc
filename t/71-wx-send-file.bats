#!/usr/bin/env bats
# wx-send -f: each kind of file (image, video, emoticon, file) uploaded
# through webwxuploadmedia as §6.3 says and sent by its CGI; a file of
# several chunks reassembled byte for byte on the emulator's side; files
# refused before any byte is sent; the text after the file; -n.
load helper
load send

setup_file() { emu_start -a -H 1 -n 10; }
teardown_file() { emu_stop; }
setup() { send_setup; }

# The upload of the last wx-send (by its output) and its send, checked:
# sets UP (the upload's sent entry) and SEND (the send's).
sent_file() {
	SEND=$(sent_by_id "$(out_get msgid)")
	[ -n "$SEND" ] || fail "no send with msgid $(out_get msgid)"
	UP=$(emu_sent | jq -c --arg c "$(out_get localid)" \
		'select(.endpoint == "webwxuploadmedia" and .ClientMediaId == $c)')
	[ -n "$UP" ] || fail "no upload with ClientMediaId $(out_get localid)"
}

# sent_as ENDPOINT TYPE MEDIATYPE MIME: the last wx-send's file was sent
# by ENDPOINT as Msg.Type TYPE, uploaded as MEDIATYPE and MIME, and the
# send names the upload's MediaId (an app message: in its XML).
sent_as() {
	sent_file
	[ "$(jq -r .endpoint <<<"$SEND")" = "$1" ] || fail "sent by $(jq -r .endpoint <<<"$SEND")"
	[ "$(jq -r .Type <<<"$SEND")" = "$2" ]
	[ "$(jq -r .mediatype <<<"$UP")" = "$3" ]
	[ "$(jq -r .type <<<"$UP")" = "$4" ]
	[ "$(jq -r .MediaId <<<"$SEND")" = "$(jq -r .MediaId <<<"$UP")" ]
}

@test "wx-send -f: a JPEG goes as an image: uploaded as pic, webwxsendmsgimg with its MediaId" {
	mkfile jpg "$BATS_TEST_TMPDIR/photo.jpg" 5000
	run -0 --separate-stderr wx-send -f "$BATS_TEST_TMPDIR/photo.jpg" "$PEER"
	[ -z "$stderr" ]
	[ "${#lines[@]}" -eq 2 ]
	sent_as webwxsendmsgimg 3 pic image/jpeg
	[ "$(jq -r .To <<<"$SEND")" = "$PEER" ]
	[ "$(jq -r .name <<<"$UP")" = photo.jpg ]
	[ "$(jq -r .size <<<"$UP")" = 5000 ]
	[ "$(jq -r .chunks <<<"$UP")" = 1 ]
	[ "$(jq -r .md5 <<<"$UP")" = "$(md5sum <"$BATS_TEST_TMPDIR/photo.jpg" | cut -c1-32)" ]
	# the form as §6.3: fields in order, no chunk fields for one chunk
	local req umr
	req=$(requests_to webwxuploadmedia | tail -n 1)
	[ "$(jq -r .host <<<"$req")" = file.wx2.qq.com ]
	[ "$(jq -r .query.f <<<"$req")" = json ]
	[ "$(form_fields "$req")" = id,name,type,lastModifiedDate,size,mediatype,uploadmediarequest,webwx_data_ticket,pass_ticket,filename ]
	[ "$(form_field "$req" id)" = WU_FILE_0 ]
	[[ "$(form_field "$req" lastModifiedDate)" =~ ^[A-Z][a-z]{2}\ [A-Z][a-z]{2}\ [0-9]{2}\ [0-9]{4}\ [0-9:]{8}\ GMT[-+][0-9]{4}\ \(.*\)$ ]]
	umr=$(form_field "$req" uploadmediarequest)
	[ "$(jq -r 'keys_unsorted | join(",")' <<<"$umr")" = UploadType,BaseRequest,ClientMediaId,TotalLen,StartPos,DataLen,MediaType,FromUserName,ToUserName,FileMd5 ]
	[ "$(jq -c '[.UploadType, .TotalLen, .StartPos, .DataLen, .MediaType]' <<<"$umr")" = '[2,5000,0,5000,4]' ]
	[ "$(jq -r .ToUserName <<<"$umr")" = "$PEER" ]
	[ "$(jq -r .FileMd5 <<<"$umr")" = "$(jq -r .md5 <<<"$UP")" ]
	jq -r .body <<<"$req" | grep -q '^Content-Disposition: form-data; name="filename"; filename="photo.jpg"'
	jq -r .body <<<"$req" | grep -q '^Content-Type: image/jpeg'
	refute_secrets
	[ "$(wc -l <"$WX_DIR/sent")" -eq 1 ]
}

@test "wx-send -f: a PNG and a BMP go as images; a PNG named .jpg too" {
	local f
	for f in pic.png:png pic.bmp:bmp odd.jpg:png; do
		mkfile "${f#*:}" "$BATS_TEST_TMPDIR/${f%:*}"
		run -0 wx-send -f "$BATS_TEST_TMPDIR/${f%:*}" "$PEER"
		sent_file
		[ "$(jq -r .endpoint <<<"$SEND")" = webwxsendmsgimg ] || fail "$f"
		[ "$(jq -r .mediatype <<<"$UP")" = pic ]
	done
	[ "$(jq -r .type <<<"$UP")" = image/png ]
}

@test "wx-send -f: an MP4 goes as a video (webwxsendvideomsg, Type 43)" {
	mkfile mp4 "$BATS_TEST_TMPDIR/clip.mp4" 40000
	run -0 wx-send -f "$BATS_TEST_TMPDIR/clip.mp4" "$PEER"
	sent_as webwxsendvideomsg 43 video video/mp4
}

@test "wx-send -f: a GIF is uploaded as doc and sent with webwxsendemoticon, as RC does" {
	mkfile gif "$BATS_TEST_TMPDIR/fun.gif"
	run -0 wx-send -f "$BATS_TEST_TMPDIR/fun.gif" "$PEER"
	sent_as webwxsendemoticon 47 doc image/gif
	local req
	req=$(requests_to webwxsendemoticon | tail -n 1)
	[ "$(jq -r .query.fun <<<"$req")" = sys ]
	[ "$(jq -r '.body | fromjson | .Msg.EmojiFlag' <<<"$req")" = 2 ]
}

@test "wx-send -f: any other file goes as an app message (Type 6) with the appmsg XML of §6.7" {
	mkfile txt "$BATS_TEST_TMPDIR/report <Q4> & co.tar.gz" 7000
	run -0 wx-send -f "$BATS_TEST_TMPDIR/report <Q4> & co.tar.gz" "$PEER"
	sent_as webwxsendappmsg 6 doc application/octet-stream
	[ "$(jq -r .name <<<"$UP")" = "report <Q4> & co.tar.gz" ]
	[ "$(jq -r .Content <<<"$SEND")" = "<appmsg appid='wxeb7ec651dd0aefa9' sdkver=''><title>report &lt;Q4&gt; &amp; co.tar.gz</title><des></des><action></action><type>6</type><content></content><url></url><lowurl></lowurl><appattach><totallen>7000</totallen><attachid>$(jq -r .MediaId <<<"$UP")</attachid><fileext>gz</fileext></appattach><extinfo></extinfo></appmsg>" ]
	local req
	req=$(requests_to webwxsendappmsg | tail -n 1)
	[ "$(jq -r '.query | keys | join(",")' <<<"$req")" = f,fun,lang,pass_ticket ]
}

@test "wx-send -f: a name and first bytes that disagree make a file" {
	mkfile txt "$BATS_TEST_TMPDIR/fake.jpg"
	mkfile jpg "$BATS_TEST_TMPDIR/photo.dat"
	mkfile gif "$BATS_TEST_TMPDIR/anim.png"
	local f
	for f in fake.jpg photo.dat anim.png; do
		run -0 wx-send -f "$BATS_TEST_TMPDIR/$f" "$PEER"
		sent_file
		[ "$(jq -r .endpoint <<<"$SEND")" = webwxsendappmsg ] || fail "$f"
	done
}

@test "wx-send -f: a file of 3 chunks: 524288 bytes each under one ClientMediaId, reassembled byte for byte" {
	mkfile txt "$BATS_TEST_TMPDIR/big.bin" 1300000
	local n
	n=$(requests_to webwxuploadmedia | wc -l)
	run -0 wx-send -f "$BATS_TEST_TMPDIR/big.bin" "$PEER"
	sent_file
	[ "$(jq -r .chunks <<<"$UP")" = 3 ]
	[ "$(jq -r .size <<<"$UP")" = 1300000 ]
	[ "$(jq -r .md5 <<<"$UP")" = "$(md5sum <"$BATS_TEST_TMPDIR/big.bin" | cut -c1-32)" ]
	local reqs k r
	reqs=$(requests_to webwxuploadmedia | tail -n +$((n + 1)))
	[ "$(wc -l <<<"$reqs")" -eq 3 ]
	k=0
	while read -r r; do
		[ "$(form_fields "$r")" = id,name,type,lastModifiedDate,size,chunks,chunk,mediatype,uploadmediarequest,webwx_data_ticket,pass_ticket,filename ]
		[ "$(form_field "$r" chunks)" = 3 ]
		[ "$(form_field "$r" chunk)" = $k ]
		[ "$(form_field "$r" size)" = 1300000 ]
		# a 17-digit number, past what jq keeps exact
		form_field "$r" uploadmediarequest | grep -q "\"ClientMediaId\":$(out_get localid),"
		[ "$(form_field "$r" uploadmediarequest | jq -c '[.StartPos, .DataLen]')" = '[0,1300000]' ]
		jq -r .body <<<"$r" | grep -q '^Content-Type: application/octet-stream'
		k=$((k + 1))
	done <<<"$reqs"
	# the parts: 524288, 524288 and the rest
	[ "$(jq -r .body_length <<<"$(sed -n 1p <<<"$reqs")")" -gt 524288 ]
	[ "$(jq -r .body_length <<<"$(sed -n 3p <<<"$reqs")")" -lt 524288 ]
}

@test "wx-send -f: empty, too big, a big video, a directory: 100 before any request" {
	local n
	n=$(wc -l <"$EMU_LOG")
	: >"$BATS_TEST_TMPDIR/empty.jpg"
	run -100 --separate-stderr wx-send -f "$BATS_TEST_TMPDIR/empty.jpg" "$PEER"
	[ "$stderr" = "wx-send: $BATS_TEST_TMPDIR/empty.jpg: empty file: nothing to send" ]
	truncate -s 104857601 "$BATS_TEST_TMPDIR/huge.bin"
	run -100 --separate-stderr wx-send -f "$BATS_TEST_TMPDIR/huge.bin" "$PEER"
	[ "$stderr" = "wx-send: $BATS_TEST_TMPDIR/huge.bin: over the 100 MiB wx-send sends" ]
	mkfile mp4 "$BATS_TEST_TMPDIR/long.mp4"
	truncate -s 20971520 "$BATS_TEST_TMPDIR/long.mp4"
	run -100 --separate-stderr wx-send -f "$BATS_TEST_TMPDIR/long.mp4" "$PEER"
	[[ "$stderr" == "wx-send: $BATS_TEST_TMPDIR/long.mp4: a video of 20 MiB or more"* ]]
	run -100 --separate-stderr wx-send -f "$BATS_TEST_TMPDIR" "$PEER"
	run -100 --separate-stderr wx-send -f "$BATS_TEST_TMPDIR/missing" "$PEER"
	[[ "$stderr" == "wx-send: $BATS_TEST_TMPDIR/missing: "* ]]
	[ "$(wc -l <"$EMU_LOG")" -eq "$n" ]
}

@test "wx-send -f FILE TO TEXT: the file first, then the text" {
	mkfile jpg "$BATS_TEST_TMPDIR/a.jpg"
	run -0 wx-send -f "$BATS_TEST_TMPDIR/a.jpg" "$PEER" see this
	[ "${#lines[@]}" -eq 4 ]
	[ "$(sent_by_id "${lines[0]#msgid=}" | jq -r .endpoint)" = webwxsendmsgimg ]
	[ "$(sent_by_id "${lines[2]#msgid=}" | jq -r .Content)" = "see this" ]
	[ "$(wc -l <"$WX_DIR/sent")" -eq 2 ]
}

@test "wx-send -n -f: the upload and send requests printed, masked; nothing sent" {
	mkfile txt "$BATS_TEST_TMPDIR/doc.pdf" 600000
	local n
	n=$(wc -l <"$EMU_LOG")
	run -0 --separate-stderr wx-send -n -f "$BATS_TEST_TMPDIR/doc.pdf" "$PEER"
	[ -z "$stderr" ]
	[ "$(wc -l <"$EMU_LOG")" -eq "$n" ]
	[ "$(grep -c '^POST https://file.wx2.qq.com/cgi-bin/mmwebwx-bin/webwxuploadmedia?f=json$' <<<"$output")" -eq 2 ]
	[ "$(grep -c '^POST https://wx2.qq.com/cgi-bin/mmwebwx-bin/webwxsendappmsg?fun=async&f=json&lang=zh_CN&pass_ticket=\*\*\*$' <<<"$output")" -eq 1 ]
	grep -qx 'webwx_data_ticket=\*\*\*' <<<"$output"
	grep -qx 'pass_ticket=\*\*\*' <<<"$output"
	grep -qx 'chunk=1' <<<"$output"
	grep -qx 'filename=doc.pdf (application/octet-stream, 75712 bytes)' <<<"$output"
	[ "$(sed -n 's/^uploadmediarequest=//p' <<<"$output" | head -n 1 | jq -c '.BaseRequest | [.Uin, .Sid, .Skey]')" = '["***","***","***"]' ]
	refute_secrets
	[[ "$output" != *"$(session_get wxuin)"* ]]
	[ ! -e "$WX_DIR/sent" ]
}

@test "wx-send -n -f: a file over 25 MiB asks webwxcheckupload first" {
	truncate -s 26214401 "$BATS_TEST_TMPDIR/big.iso"
	run -0 --separate-stderr wx-send -n -f "$BATS_TEST_TMPDIR/big.iso" "$PEER"
	[ "${lines[0]}" = 'POST https://wx2.qq.com/cgi-bin/mmwebwx-bin/webwxcheckupload?lang=zh_CN&pass_ticket=***' ]
	[ "$(jq -c '[.FileSize, .FileType, .FileName, .ToUserName == "'"$PEER"'"]' <<<"${lines[1]}")" = '[26214401,7,"big.iso",true]' ]
	[ "$(jq -r .FileMd5 <<<"${lines[1]}")" = "$(md5sum <"$BATS_TEST_TMPDIR/big.iso" | cut -c1-32)" ]
	[ "$(grep -c '^POST .*webwxuploadmedia' <<<"$output")" -eq 51 ]
}

@test "wx-send -f: over 25 MiB: webwxcheckupload, 51 chunks, the Signature in the appmsg; the same file again skips the upload" {
	truncate -s 26214401 "$BATS_TEST_TMPDIR/big.iso"
	local n
	n=$(wc -l <"$EMU_LOG")
	run -0 wx-send -f "$BATS_TEST_TMPDIR/big.iso" "$PEER"
	local log
	log=$(tail -n +$((n + 1)) "$EMU_LOG")
	[ "$(grep -c '/webwxcheckupload' <<<"$log")" -eq 1 ]
	[ "$(grep -c '/webwxuploadmedia' <<<"$log")" -eq 51 ]
	[[ "$(grep '/webwxsendappmsg' <<<"$log" | jq -r .body | jq -r .Msg.Signature)" =~ ^[0-9a-f]{64}$ ]]
	n=$(wc -l <"$EMU_LOG")
	run -0 wx-send -f "$BATS_TEST_TMPDIR/big.iso" "$PEER"
	log=$(tail -n +$((n + 1)) "$EMU_LOG")
	[ "$(grep -c '/webwxuploadmedia' <<<"$log")" -eq 0 ]
	[ "$(grep -c '/webwxsendappmsg' <<<"$log")" -eq 1 ]
}
