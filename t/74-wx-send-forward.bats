#!/usr/bin/env bats
# wx-send -m: forwarding a received message from its wx-sync line (stdin
# with -m -, or DIR/media by MsgId): text as text, a file or link as its
# app message with attachid the MediaId (§6.7), a sticker by its md5
# (§6.8), an image, video or sticker without either downloaded and
# uploaded again; what cannot be forwarded is 1 with no request; a bad
# line 100.  Each checked in wx-emu's /_emu/sent.
load helper
load send

setup_file() { emu_start -a -H 1; }
teardown_file() { emu_stop; }

setup() {
	send_setup
	wx-sync </dev/null >/dev/null
	T=$BATS_TEST_TMPDIR
}

# line NAME [JSON members]: inject a message of TypeName NAME and print
# its line as wx-sync prints it.
line() {
	inject "{\"TypeName\":\"$1\"${2:+,$2}}" >/dev/null
	wx-sync </dev/null | tail -n 1
}

# fwd LINE [ARGS]: wx-send -m - PEER with LINE on stdin.
fwd() {
	printf '%s\n' "$1" | wx-send -m - "$PEER"
}

# The sent entry of the msgid= in $output.
this_send() {
	sent_by_id "$(out_get msgid)"
}

# forwarded LINE ENDPOINT TYPE: fwd LINE, then $output its entry in
# /_emu/sent, sent to ENDPOINT with Msg.Type TYPE.
forwarded() {
	run -0 --separate-stderr fwd "$1"
	run -0 this_send
	[ "$(jq -r .endpoint <<<"$output")" = "$2" ]
	[ "$(jq -r .Type <<<"$output")" = "$3" ]
	[ "$(jq -r .To <<<"$output")" = "$PEER" ]
}

@test "wx-send -m: usage" {
	run -100 --separate-stderr wx-send -m
	[ "$stderr" = "$(usage_of "wx-send [-d DIR] [-f FILE] [-l] [-m MSGID|-] [-n] TO [TEXT ...]")" ]
	run -100 --separate-stderr wx-send -m 1 "$PEER" text
	[ "$stderr" = "wx-send: -m forwards one message: no -f, -l or TEXT with it" ]
	run -100 --separate-stderr wx-send -m 1 -l "$PEER"
	run -100 --separate-stderr wx-send -m 12x "$PEER"
	[ "$stderr" = "wx-send: -m: 12x: not a message id" ]
}

@test "wx-send -m -: a text goes as its Text through webwxsendmsg" {
	local l
	l=$(line text '"Content":"hi & bye"')
	[ "$(jq -r .Text <<<"$l")" = "hi & bye" ]
	run -0 --separate-stderr fwd "$l"
	[[ "$output" =~ ^msgid=[0-9]+$'\n'localid=[0-9]{17}$ ]]
	run -0 this_send
	[ "$(jq -r .endpoint <<<"$output")" = webwxsendmsg ]
	[ "$(jq -r .Type <<<"$output")" = 1 ]
	[ "$(jq -r .Content <<<"$output")" = "hi & bye" ]
	[ "$(jq -r .To <<<"$output")" = "$PEER" ]
	# recorded in DIR/sent for wx-revoke, as any send
	grep -q "$PEER" "$WX_DIR/sent"
	# a text is not in DIR/media: by MsgId it is 1 with the hint
	run -1 --separate-stderr wx-send -m "$(jq -r .MsgId <<<"$l")" "$PEER"
	[[ "$stderr" == *"not among the media messages wx-sync printed; pipe its line to wx-send -m -" ]]
}

@test "wx-send -m MSGID: an image from DIR/media, downloaded and uploaded again" {
	local l id up
	l=$(line image)
	id=$(jq -r .MsgId <<<"$l")
	wx-get -o "$T/orig" "$id"
	: >"$EMU_LOG"
	run -0 --separate-stderr wx-send -m "$id" "$PEER"
	run -0 this_send
	[ "$(jq -r .endpoint <<<"$output")" = webwxsendmsgimg ]
	[ "$(jq -r .Type <<<"$output")" = 3 ]
	up=$(jq -r .MediaId <<<"$output")
	[[ "$up" == @crypt_* ]]
	# the upload carried the image's bytes, as a picture
	run -0 requests_to webwxuploadmedia
	[ "$(form_field "$output" mediatype)" = pic ]
	[ "$(form_field "$output" name)" = "$id.jpg" ]
	[ "$(form_field "$output" uploadmediarequest | jq -r .FileMd5)" = "$(md5sum <"$T/orig" | cut -c1-32)" ]
	[ "$(requests_to webwxgetmsgimg | jq -r .query.MsgID)" = "$id" ]
}

@test "wx-send -m -: a video, downloaded and uploaded again" {
	local l id
	l=$(line video)
	id=$(jq -r .MsgId <<<"$l")
	wx-get -o "$T/orig" "$id"
	forwarded "$l" webwxsendvideomsg 43
	[[ "$(jq -r .MediaId <<<"$output")" == @crypt_* ]]
	run -0 requests_to webwxuploadmedia
	[ "$(form_field "$(tail -n 1 <<<"$output")" mediatype)" = video ]
	[ "$(form_field "$(tail -n 1 <<<"$output")" size)" = "$(stat -c %s "$T/orig")" ]
}

@test "wx-send -m -: a file goes as its app message, attachid its MediaId" {
	local l mid
	l=$(line file '"FileName":"a.pdf"')
	mid=$(jq -r .MediaId <<<"$l")
	[[ "$mid" == @crypt_* ]]
	: >"$EMU_LOG"
	forwarded "$l" webwxsendappmsg 6
	[ "$(jq -r .MediaId <<<"$output")" = "$mid" ]
	[[ "$(jq -r .Content <<<"$output")" == "<msg><appmsg appid=\"wx6618f1cfc6c132f8\""*"<title>a.pdf</title>"*"<attachid>$mid</attachid>"*"</msg>"* ]]
	# nothing downloaded or uploaded
	! grep -q 'webwxuploadmedia\|webwxgetmedia' "$EMU_LOG"
}

@test "wx-send -m -: a link goes as its app message of its AppMsgType" {
	local l
	l=$(line link '"Url":"http://example.com/a"')
	forwarded "$l" webwxsendappmsg 5
	[[ "$(jq -r .Content <<<"$output")" == *"<url>http://example.com/a</url>"* ]]
}

@test "wx-send -m -: a sticker goes by the md5 of its XML" {
	local l md5
	l=$(line emoji)
	md5=$(jq -r .Text <<<"$l" | sed -n 's/.*<emoji [^>]* md5="\([0-9a-f]\{32\}\)".*/\1/p')
	[ ${#md5} -eq 32 ]
	: >"$EMU_LOG"
	forwarded "$l" webwxsendemoticon 47
	[ "$(jq -r .EMoticonMd5 <<<"$output")" = "$md5" ]
	[ -z "$(jq -r '.MediaId // empty' <<<"$output")" ]
	run -0 requests_to webwxsendemoticon
	[ "$(jq -r .body <<<"$output" | jq -c .Msg.EmojiFlag)" = 2 ]
	! grep -q webwxuploadmedia "$EMU_LOG"
}

@test "wx-send -m -: a sticker without an md5 is downloaded and uploaded again" {
	local l
	l=$(line emoji | jq -c '.Text |= gsub(" md5=\"[0-9a-f]*\""; "")')
	run -0 --separate-stderr fwd "$l"
	run -0 this_send
	[ "$(jq -r .endpoint <<<"$output")" = webwxsendemoticon ]
	[[ "$(jq -r .MediaId <<<"$output")" == @crypt_* ]]
	[ "$(form_field "$(requests_to webwxuploadmedia | tail -n 1)" mediatype)" = doc ]
}

@test "wx-send -m: what cannot be forwarded is 1, nothing sent" {
	local t l before
	before=$(emu_sends | wc -l)
	for t in voice card location system status verify; do
		l=$(line "$t")
		: >"$EMU_LOG"
		run -1 --separate-stderr fwd "$l"
		[[ "$stderr" == "wx-send: "*": a $t message cannot be forwarded (text, image, video, emoji, file and link can)" ]]
		! grep -q mmwebwx-bin "$EMU_LOG"
	done
	l=$(line emoji '"HasProductId":1')
	: >"$EMU_LOG"
	run -1 --separate-stderr fwd "$l"
	[[ "$stderr" == *": a store sticker (HasProductId) cannot be sent again" ]]
	! grep -q mmwebwx-bin "$EMU_LOG"
	run -1 --separate-stderr fwd '{"MsgId":"5","TypeName":"revoke"}'
	[ "$(emu_sends | wc -l)" -eq "$before" ]
}

@test "wx-send -m -: a bad line is 100, nothing sent" {
	local before
	before=$(emu_sends | wc -l)
	run -100 --separate-stderr fwd 'not json'
	[[ "$stderr" == "wx-send: stdin: not a message line: "* ]]
	run -100 --separate-stderr fwd '{"TypeName":"text","Text":"x"}'
	[ "$stderr" = "wx-send: stdin: MsgId: not a message id" ]
	run -100 --separate-stderr fwd '{"MsgId":"1","TypeName":"text"}'
	[ "$stderr" = "wx-send: 1: a text message without a Text to send" ]
	run -100 --separate-stderr fwd '{"MsgId":"1","TypeName":"text","Text":""}'
	[ "$stderr" = "wx-send: Text: empty message: nothing to send" ]
	run -100 --separate-stderr fwd '{"MsgId":"1","TypeName":"file","Text":"<msg/>","AppMsgType":6}'
	[ "$stderr" = "wx-send: 1: an app message without its Text, AppMsgType or MediaId" ]
	run -100 --separate-stderr fwd '{"MsgId":"1","TypeName":"text","Text":{}}'
	[ "$(emu_sends | wc -l)" -eq "$before" ]
}

@test "wx-send -m -n: the requests with secrets masked, nothing sent" {
	local l before
	before=$(emu_sends | wc -l)
	l=$(line text '"Content":"dry"')
	run -0 --separate-stderr sh -c 'printf "%s\n" "$1" | wx-send -n -m - "$2"' sh "$l" "$PEER"
	[[ "${lines[0]}" == "POST https://"*"/webwxsendmsg?lang=zh_CN&pass_ticket=***" ]]
	[[ "$output" == *'"Content":"dry"'* ]]
	l=$(line image)
	run -0 --separate-stderr sh -c 'printf "%s\n" "$1" | wx-send -n -m - "$2"' sh "$l" "$PEER"
	[[ "${lines[0]}" == "GET https://"*"/webwxgetmsgimg?&MsgID="*"&skey=***" ]]
	[[ "$output" == *"/webwxsendmsgimg?"* ]]
	refute_secrets
	[ "$(emu_sends | wc -l)" -eq "$before" ]
}

@test "wx-send -m: faults: a failed download is 111, nothing sent" {
	local l before
	l=$(line image)
	before=$(emu_sends | wc -l)
	fault webwxgetmsgimg http500
	run -111 --separate-stderr fwd "$l"
	[[ "$stderr" == *"webwxgetmsgimg?&MsgID="*"&skey=***: HTTP 500" ]]
	[ "$(emu_sends | wc -l)" -eq "$before" ]
	run -0 fwd "$l"
}
