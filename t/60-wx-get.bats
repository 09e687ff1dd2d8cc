#!/usr/bin/env bats
# wx-get: each kind of media from its endpoint (protocol.md §7), the
# message from stdin or from DIR/media, byte for byte what wx-emu
# serves, the requests as sent (query, Range, cookies), and the failures:
# unknown or expired ids, other messages, bad lines, faults, -o that
# leaves nothing behind, hostile field values.
load helper
load login

# One login for the file; each test works on a copy of its session.
setup_file() {
	emu_start -H 2 -a -n 20     # -H: the slow fault holds 2 s
	export WX_DIR="$BATS_FILE_TMPDIR/wx"
	new_uuid
	wx-wait -t 20 </dev/null >/dev/null 2>&1
	wx-init </dev/null >/dev/null
}
teardown_file() { emu_stop; }

setup() {
	export WX_DIR="$BATS_TEST_TMPDIR/wx"
	cp -a "$BATS_FILE_TMPDIR/wx" "$WX_DIR"
	rm -f "$WX_DIR/media"
	T=$BATS_TEST_TMPDIR
	HOST=$(session_get host)
	CGI=https://$HOST/cgi-bin/mmwebwx-bin
	SKEY=$(session_get skey)
}

# inject JSON: POST /_emu/message; the new MsgId on stdout.
inject() {
	emu_ctl message '' --data-binary "$1"
}

# sync_line MSGID [TYPENAME]: the message as wx-sync prints it (the
# fields wx-get reads, TypeName when given), from a webwxsync of the
# session; a SyncKey the session never had gets what came since the last.
sync_line() {
	local body
	body=$(jq -cn --arg u "$(session_get wxuin)" --arg s "$(session_get wxsid)" \
		--arg k "$SKEY" '{BaseRequest: {Uin: ($u | tonumber), Sid: $s,
		Skey: $k, DeviceID: "e123456789012345"},
		SyncKey: {Count: 1, List: [{Key: 1, Val: 1}]}, rr: -1}')
	emu_curl --compressed -b "$WX_DIR/cookies" --data-binary "$body" \
		"$CGI/webwxsync?sid=$(session_get wxsid)&skey=$(uri "$SKEY")" |
	jq -c --arg id "$1" --arg t "${2:-}" '.AddMsgList[] | select(.MsgId == $id) |
		{MsgId, FromUserName, ToUserName, MsgType, AppMsgType, SubMsgType,
		 Content, MediaId, FileName, FileSize, EncryFileName,
		 NewMsgId: .MsgId} + (if $t == "" then {} else {TypeName: $t} end) +
		{Event: "message"}'
}

# ref FILE URL [curl options]: what wx-emu serves for URL, with the
# session's cookies.
ref() {
	local f=$1 u=$2
	shift 2
	emu_curl -b "$WX_DIR/cookies" -o "$f" "$@" "$u"
}

# get ARGS: wx-get with stdout in $T/out.
get() {
	wx-get "$@" >"$T/out"
}

# The last request to endpoint $1, as the log has it.
last_request() {
	requests_to "$1" | tail -n 1
}

# No temp file of -o left in directory $1.
no_temps() {
	! ls "$1" | grep -q '\.tmp\.'
}

@test "wx-get: usage errors exit 100, -h prints the usage" {
	run -100 --separate-stderr wx-get
	[ "$stderr" = "$(usage_of "wx-get [-d DIR] [-o FILE] -a NAME|MSGID|-")" ]
	run -100 --separate-stderr wx-get 1 2
	[ "$stderr" = "$(usage_of "wx-get [-d DIR] [-o FILE] -a NAME|MSGID|-")" ]
	run -100 --separate-stderr wx-get -x 1
	run -0 wx-get -h
	[ "$output" = "$(usage_of "wx-get [-d DIR] [-o FILE] -a NAME|MSGID|-")" ]
	run -100 --separate-stderr wx-get -o out 12ab
	[ "$stderr" = "wx-get: 12ab: not a message id" ]
	run -100 --separate-stderr wx-get -o out 123456789012345678901
	[ "$stderr" = "wx-get: 123456789012345678901: not a message id" ]
	run -100 --separate-stderr wx-get -o '' 1
	[ "$stderr" = "wx-get: -o: empty file name" ]
}

@test "wx-get: no session, or no data ticket for a file, is 100 with a hint" {
	run -100 --separate-stderr wx-get -d "$T/none" -o "$T/f" 1
	[[ "$stderr" == "wx-get: "*"no host; run wx-init first" ]]
	[ ! -e "$T/f" ]
	run -100 --separate-stderr wx-get -d "$T/none" - <<<'{"MsgId":"1","TypeName":"image"}'
	[[ "$stderr" == *"run wx-init first" ]]
	# a file needs the data ticket cookie
	grep -v webwx_data_ticket "$WX_DIR/cookies" >"$T/jar"
	cat "$T/jar" >"$WX_DIR/cookies"
	run -100 --separate-stderr get -o "$T/f" - <<<'{"MsgId":"1","TypeName":"file","FromUserName":"@a","MediaId":"x"}'
	[ "$stderr" = "wx-get: $WX_DIR/cookies: no webwx_data_ticket; run wx-init first" ]
	[ ! -e "$T/f" ]
}

@test "wx-get: a terminal on stdout is refused" {
	run -100 script -qec "wx-get -d '$WX_DIR' 1" /dev/null
	[[ "$output" == *"wx-get: stdout is a terminal; use -o FILE or a redirection"* ]]
}

@test "wx-get -: an image from webwxgetmsgimg, byte for byte, with the cookies" {
	local id line
	id=$(inject '{"MsgType":3,"Content":"&lt;msg&gt;&lt;img length=\"9\" /&gt;&lt;/msg&gt;"}')
	line=$(sync_line "$id" image)
	[ "$(jq -r .MsgId <<<"$line")" = "$id" ]
	: >"$EMU_LOG"
	run -0 --separate-stderr get - <<<"$line"
	[ -z "$stderr" ]
	ref "$T/ref" "$CGI/webwxgetmsgimg?&MsgID=$id&skey=$(uri "$SKEY")"
	[ -s "$T/ref" ]
	cmp "$T/out" "$T/ref"
	[ "$(head -c 3 "$T/out" | od -An -tx1 | tr -d ' ')" = ffd8ff ]
	run -0 last_request webwxgetmsgimg
	[ "$(jq -r .method <<<"$output")" = GET ]
	[ "$(jq -r .host <<<"$output")" = "$HOST" ]
	[ "$(jq -r .query.MsgID <<<"$output")" = "$id" ]
	[ "$(jq -r .query.skey <<<"$output")" = "$SKEY" ]
	[ "$(jq -r '.query.type // "none"' <<<"$output")" = none ]
	[ "$(jq -r '.headers.Range // "none"' <<<"$output")" = none ]
	[[ "$(jq -r .headers.Cookie <<<"$output")" == *"wxsid=$(session_get wxsid)"* ]]
	[[ "$(jq -r .headers.Cookie <<<"$output")" == *"webwx_data_ticket="* ]]
	# the same into a file, 0644 under umask 022
	run -0 --separate-stderr sh -c 'umask 022; printf "%s\n" "$1" | wx-get -o "$2" -' sh "$line" "$T/pic.jpg"
	[ -z "$output" ] && [ -z "$stderr" ]
	cmp "$T/pic.jpg" "$T/ref"
	[ "$(stat -c %a "$T/pic.jpg")" = 644 ]
	no_temps "$T"
}

@test "wx-get -: a sticker (emoji) is asked for with type=big" {
	local id line
	id=$(inject '{"MsgType":47,"Content":"x"}')
	line=$(sync_line "$id" emoji)
	: >"$EMU_LOG"
	run -0 --separate-stderr get - <<<"$line"
	run -0 last_request webwxgetmsgimg
	[ "$(jq -r .query.type <<<"$output")" = big ]
	[ "$(jq -r .query.MsgID <<<"$output")" = "$id" ]
	ref "$T/ref" "$CGI/webwxgetmsgimg?&MsgID=$id&skey=$(uri "$SKEY")&type=big"
	cmp "$T/out" "$T/ref"
	# AppMsgType 8 without TypeName is a sticker too
	line=$(jq -c 'del(.TypeName) | .MsgType = 49 | .AppMsgType = 8' <<<"$line")
	run -0 --separate-stderr get - <<<"$line"
	cmp "$T/out" "$T/ref"
}

# ranged FILE MSGTYPE CGI [TYPENAME]: a message of MsgType injected and
# downloaded into $T/FILE; the request must name its msgid and skey and
# carry "Range: bytes=0-", the bytes be those wx-emu serves for the same
# request, whose status is printed.
ranged() {
	local id line
	id=$(inject "{\"MsgType\":$2}")
	line=$(sync_line "$id" "${4:-}")
	: >"$EMU_LOG"
	wx-get -o "$T/$1" - <<<"$line" || return 1
	last_request "$3" | jq -e --arg id "$id" --arg k "$SKEY" \
		'.query.msgid == $id and .query.skey == $k and
		 .headers.Range == "bytes=0-"' >/dev/null || return 1
	ref "$T/ref" "$CGI/$3?msgid=$id&skey=$(uri "$SKEY")" \
		-H 'Range: bytes=0-' -w '%{http_code}' && cmp "$T/$1" "$T/ref" >&2
}

@test "wx-get -: voice and video with Range: bytes=0-, answered 206" {
	run -0 --separate-stderr ranged v.mp3 34 webwxgetvoice voice
	assert_output 206
	[ -z "$stderr" ]
	[ "$(head -c 3 "$T/v.mp3")" = ID3 ]
	run -0 --separate-stderr ranged v.mp4 43 webwxgetvideo  # TypeName from MsgType
	assert_output 206
	[ -z "$stderr" ]
	[ "$(stat -c %s "$T/v.mp4")" -gt 65536 ]
}

@test "wx-get -: a file from webwxgetmedia on the file host, with the data ticket" {
	local id line ticket host
	id=$(inject '{"MsgType":49,"AppMsgType":6,"FileName":"report 1.pdf","FileSize":"3000","MediaId":"@crypt_1234abcd_ff00","EncryFileName":"report%201%2Epdf","Content":"x"}')
	line=$(sync_line "$id" file)
	[ "$(jq -r .MediaId <<<"$line")" = @crypt_1234abcd_ff00 ]
	: >"$EMU_LOG"
	run -0 --separate-stderr get -o "$T/r.pdf" - <<<"$line"
	[ -z "$stderr" ]
	[ "$(stat -c %s "$T/r.pdf")" = 3000 ]
	host=$(session_get file_host)
	ticket=$(awk '$6 == "webwx_data_ticket" { print $7 }' "$WX_DIR/cookies" | tail -n 1)
	run -0 last_request webwxgetmedia
	[ "$(jq -r .host <<<"$output")" = "$host" ]
	run -0 jq -r '.query | [.sender, .mediaid, .encryfilename, .fromuser, .webwx_data_ticket] | @tsv' <<<"$output"
	[ "$output" = "$(jq -r .FromUserName <<<"$line")	@crypt_1234abcd_ff00	report%201%2Epdf	$(session_get wxuin)	$ticket" ]
	local pt
	pt=$(session_get pass_ticket)
	run -0 last_request webwxgetmedia
	[ "$(jq -r .query.pass_ticket <<<"$output")" = "$(printf '%b' "${pt//%/\\x}")" ]
	[ "$(jq -r '.query | keys_unsorted | join(" ")' <<<"$output")" = "sender mediaid encryfilename fromuser pass_ticket webwx_data_ticket" ]
	ref "$T/ref" "https://$host/cgi-bin/mmwebwx-bin/webwxgetmedia?sender=x&mediaid=%40crypt_1234abcd_ff00&fromuser=1&webwx_data_ticket=$(uri "$ticket")"
	cmp "$T/r.pdf" "$T/ref"
}

# emu_media ID [type]: GET /_emu/media, the bytes wx-emu serves for a
# message, into $T/media.
emu_media() {
	emu_curl -o "$T/media" \
		"$EMU_SCHEME://127.0.0.1:$EMU_PORT/_emu/media?msgid=$1${2:+&type=$2}"
}

@test "wx-get: every kind of media with its own bytes (Media), as /_emu/media has them" {
	local t id line
	for t in image emoji voice video file; do
		head -c $((5000 + RANDOM)) /dev/urandom >"$T/$t.src"
		jq -cn --arg t "$t" --rawfile m <(base64 -w0 "$T/$t.src") \
			'{TypeName: $t, Media: $m, FileName: "a.bin"}' >"$T/inject"
		id=$(emu_ctl message '' --data-binary "@$T/inject")
		[[ "$id" =~ ^[0-9]+$ ]] || fail "inject: $id"
		line=$(sync_line "$id" "$t")
		[ "$(jq -r .TypeName <<<"$line")" = "$t" ] || fail "$t: $line"
		run -0 --separate-stderr get -o "$T/$t.got" - <<<"$line"
		[ -z "$stderr" ] || fail "$t: $stderr"
		cmp "$T/$t.src" "$T/$t.got"
		emu_media "$id"
		cmp "$T/media" "$T/$t.got"
	done
}

@test "wx-get: an 11 MiB video streams to the file whole, through DIR/media" {
	local id
	head -c $((11 << 20)) /dev/urandom >"$T/big.src"
	{ printf '{"TypeName":"video","Media":"'; base64 -w0 "$T/big.src"; printf '"}'; } >"$T/inject"
	id=$(emu_ctl message '' --data-binary "@$T/inject")
	[[ "$id" =~ ^[0-9]+$ ]] || fail "inject: $id"
	sync_line "$id" video >"$WX_DIR/media"
	: >"$EMU_LOG"
	run -0 --separate-stderr get -o "$T/big.mp4" "$id"
	[ -z "$stderr" ]
	cmp "$T/big.src" "$T/big.mp4"
	[ "$(last_request webwxgetvideo | jq -r .headers.Range)" = "bytes=0-" ]
}

@test "wx-get MSGID: the line from DIR/media" {
	local img vid
	img=$(inject '{"MsgType":3,"Content":"x"}')
	sync_line "$img" image >"$WX_DIR/media"
	vid=$(inject '{"MsgType":43,"Content":"x"}')
	sync_line "$vid" video >>"$WX_DIR/media"
	[ "$(wc -l <"$WX_DIR/media")" -eq 2 ]
	run -0 --separate-stderr get -o "$T/i.jpg" "$img" </dev/null
	[ -z "$stderr" ]
	ref "$T/ref" "$CGI/webwxgetmsgimg?&MsgID=$img&skey=$(uri "$SKEY")"
	cmp "$T/i.jpg" "$T/ref"
	run -0 --separate-stderr get "$vid" </dev/null
	ref "$T/ref" "$CGI/webwxgetvideo?msgid=$vid&skey=$(uri "$SKEY")"
	cmp "$T/out" "$T/ref"
	run -1 --separate-stderr get 1234567890123456789
	[ "$stderr" = "wx-get: 1234567890123456789: not among the media messages wx-sync printed; pipe its line to wx-get -" ]
	[ ! -s "$T/out" ]
	rm "$WX_DIR/media"
	run -1 --separate-stderr get "$img"
	[[ "$stderr" == *"not among the media messages"* ]]
	mkfifo "$WX_DIR/media"
	run -100 --separate-stderr get "$img"
	[ "$stderr" = "wx-get: $WX_DIR/media: not a regular file" ]
}

@test "wx-get: an unknown or expired id (empty answer) is 1 and leaves no file" {
	local line='{"MsgId":"1234567890123456789","MsgType":3,"TypeName":"image"}'
	run -1 --separate-stderr get - <<<"$line"
	[ "$stderr" = "wx-get: 1234567890123456789: no such media (expired?)" ]
	[ ! -s "$T/out" ]
	run -1 --separate-stderr get -o "$T/x.jpg" - <<<"$line"
	[ ! -e "$T/x.jpg" ]
	no_temps "$T"
	echo old >"$T/keep.jpg"
	run -1 --separate-stderr get -o "$T/keep.jpg" - <<<"$line"
	[ "$(cat "$T/keep.jpg")" = old ]
	no_temps "$T"
	# a file whose MediaId the server does not know
	line='{"MsgId":"1","MsgType":49,"AppMsgType":6,"FromUserName":"@a","MediaId":"@crypt_00_00","FileSize":"10"}'
	run -1 --separate-stderr get -o "$T/f" - <<<"$line"
	[ "$stderr" = "wx-get: 1: no such media (expired?)" ]
	[ ! -e "$T/f" ]
}

@test "wx-get: a message that is not media is 1" {
	local id line
	id=$(inject '{"MsgType":1,"Content":"hello"}')
	line=$(sync_line "$id")
	run -1 --separate-stderr get -o "$T/x" - <<<"$line"
	[ "$stderr" = "wx-get: $id: a text message, not image, emoji, voice, video or file: nothing to download" ]
	[ ! -e "$T/x" ]
	run -1 --separate-stderr get - <<<'{"MsgId":"5","MsgType":49,"AppMsgType":5}'
	[[ "$stderr" == "wx-get: 5: a link message, "* ]]
	run -1 --separate-stderr get - <<<'{"MsgId":"5","MsgType":1,"TypeName":"image2"}'
	[[ "$stderr" == "wx-get: 5: a image2 message, "* ]]
	printf '%s\n' '{"MsgId":"7","TypeName":"text"}' >"$WX_DIR/media"
	run -1 --separate-stderr get 7
	[[ "$stderr" == "wx-get: 7: a text message, "* ]]
}

@test "wx-get -: a line that is not a message is 100, nothing fetched" {
	: >"$EMU_LOG"
	local bad
	while IFS= read -r bad; do
		run -100 --separate-stderr get - <<<"$bad"
		[[ "$stderr" == "wx-get: stdin: "* ]] || fail "'$bad': $stderr"
		[ ! -s "$T/out" ]
	done <<'EOF'
not json
[1,2]
"MsgId"
{"MsgId":"1","TypeName":"image"} {"MsgId":"2"}
{"TypeName":"image"}
{"MsgId":"","TypeName":"image"}
{"MsgId":"12ab","TypeName":"image"}
{"MsgId":"-1","TypeName":"image"}
{"MsgId":"123456789012345678901","TypeName":"image"}
{"MsgId":1.5,"TypeName":"image"}
{"MsgId":{"a":1},"TypeName":"image"}
{"MsgId":"1"}
{"MsgId":"1","TypeName":["image"]}
{"MsgId":"1","MsgType":"x"}
EOF
	run -100 --separate-stderr get - </dev/null
	[[ "$stderr" == "wx-get: stdin: not a message line"* ]]
	run -100 --separate-stderr get - < <(printf '{"MsgId":"1","TypeName":"image"}\n{"MsgId":"2","TypeName":"image"}\n')
	[[ "$stderr" == "wx-get: stdin: not a message line"* ]]
	run -100 --separate-stderr get - < <(head -c 2000000 /dev/zero | tr '\0' ' ')
	[ "$stderr" = "wx-get: stdin: over 1 MiB, not a message line" ]
	[ ! -s "$EMU_LOG" ] || ! grep -q webwxget "$EMU_LOG"
	# a number MsgId and a pretty-printed line are fine
	local id
	id=$(inject '{"MsgType":3}')
	run -0 --separate-stderr get - <<<"{\"MsgId\": $id, \"MsgType\": 3}"
	[ -s "$T/out" ]
	sync_line "$id" image | jq . >"$T/pretty"
	run -0 --separate-stderr get - <"$T/pretty"
}

@test "wx-get: faults: 5xx, reset, a cut video or file are 111; FILE stays" {
	local img vid file line
	img=$(sync_line "$(inject '{"MsgType":3}')" image)
	echo old >"$T/keep"
	fault webwxgetmsgimg http500
	run -111 --separate-stderr get -o "$T/keep" - <<<"$img"
	[[ "$stderr" == "wx-get: GET https://$HOST/cgi-bin/mmwebwx-bin/webwxgetmsgimg?&MsgID="*"&skey=***: HTTP 500" ]]
	refute_secrets
	[ "$(cat "$T/keep")" = old ]
	no_temps "$T"
	fault webwxgetmsgimg reset
	run -111 --separate-stderr get -o "$T/keep" - <<<"$img"
	[ "$(cat "$T/keep")" = old ]
	no_temps "$T"
	vid=$(sync_line "$(inject '{"MsgType":43}')" video)
	fault webwxgetvideo truncate
	run -111 --separate-stderr get -o "$T/keep" - <<<"$vid"
	[[ "$stderr" == *"webwxgetvideo?msgid="*"&skey=***: partial answer: Content-Range bytes 0-"* ]]
	[ "$(cat "$T/keep")" = old ]
	file=$(inject '{"MsgType":49,"AppMsgType":6,"FileName":"a.bin","FileSize":"5000","MediaId":"@crypt_aa_bb","Content":"x"}')
	line=$(sync_line "$file" file)
	fault webwxgetmedia truncate
	run -111 --separate-stderr get -o "$T/keep" - <<<"$line"
	[ "$stderr" = "wx-get: $file: 2500 of 5000 bytes: truncated" ]
	[ "$(cat "$T/keep")" = old ]
	no_temps "$T"
	fault webwxgetmedia http500
	run -111 --separate-stderr get - <<<"$line"
	[[ "$stderr" == *"webwxgetmedia?sender="*"&fromuser=***&pass_ticket=***&webwx_data_ticket=***: HTTP 500" ]]
	refute_secrets
	# after the faults, the same lines download
	run -0 get -o "$T/keep" - <<<"$line"
	[ "$(stat -c %s "$T/keep")" = 5000 ]
}

@test "wx-get -o: a missing directory is 100 and leaves nothing" {
	local line
	line=$(sync_line "$(inject '{"MsgType":3}')" image)
	: >"$EMU_LOG"
	run -100 --separate-stderr get -o "$T/no/such/x.jpg" - <<<"$line"
	[[ "$stderr" == "wx-get: $T/no/such/x.jpg: "* ]]
	[ ! -e "$T/no" ]
	! grep -q webwxgetmsgimg "$EMU_LOG"
	mkdir "$T/d"
	run -100 --separate-stderr get -o "$T/d" - <<<"$line"
	[ -d "$T/d" ]
	no_temps "$T"
}

@test "wx-get: a signal during the download removes the temp file" {
	local line pid i=0 st=0
	line=$(sync_line "$(inject '{"MsgType":3}')" image)
	fault webwxgetmsgimg slow
	printf '%s\n' "$line" >"$T/line"
	wx-get -o "$T/slow.jpg" - <"$T/line" 2>"$T/err" 3>&- &
	pid=$!
	until ls "$T" | grep -q 'slow\.jpg\.tmp\.'; do
		i=$((i + 1)); [ "$i" -lt 200 ] || fail "no temp file"; sleep 0.05
	done
	kill -TERM "$pid"
	wait "$pid" || st=$?
	[ "$st" -eq 143 ] || fail "status $st: $(cat "$T/err")"
	[ ! -e "$T/slow.jpg" ]
	no_temps "$T"
}

@test "wx-get: hostile field values are checked and never reach stderr raw" {
	local huge
	huge=$(head -c 5000 /dev/zero | tr '\0' a)
	run -1 --separate-stderr get - <<<'{"MsgId":"9","TypeName":"\u001b[31mred\u0007"}'
	[ "$stderr" = 'wx-get: 9: a \x1b[31mred\x07 message, not image, emoji, voice, video or file: nothing to download' ]
	# each field over its cap, in a file message that is otherwise fine
	local f cap
	for f in MsgId:20 TypeName:32 FromUserName:256 MediaId:4096 \
	    EncryFileName:1024 FileSize:20; do
		cap=${f#*:} f=${f%:*}
		run -100 --separate-stderr get - < <(jq -cn --arg f "$f" --arg v "$huge" \
			'{MsgId: "9", TypeName: "file", FromUserName: "@a", MediaId: "x"} +
			 {($f): $v}')
		[ "$stderr" = "wx-get: stdin: $f: longer than $cap bytes" ] || fail "$f: $stderr"
	done
	run -100 --separate-stderr get - <<<'{"MsgId":"9","TypeName":"file","MediaId":"x"}'
	[ "$stderr" = "wx-get: 9: a file message without FromUserName or MediaId" ]
	# odd characters go into the query encoded, and arrive as they were
	: >"$EMU_LOG"
	run -1 --separate-stderr get - <<<'{"MsgId":"9","TypeName":"file","FromUserName":"@a&b=c\u001b","MediaId":"@x?y#z&mediaid=1 2","EncryFileName":"a%2Eb&c"}'
	[ "$stderr" = "wx-get: 9: no such media (expired?)" ]
	run -0 last_request webwxgetmedia
	[ "$(jq -r '.query.mediaid' <<<"$output")" = '@x?y#z&mediaid=1 2' ]
	[ "$(jq -r '.query.encryfilename' <<<"$output")" = 'a%2Eb&c' ]
	[ "$(jq -c '.query.sender' <<<"$output")" = '"@a&b=c\u001b"' ]
	[ "$(jq -r '.query | keys | length' <<<"$output")" = 6 ]
	# a bad line in DIR/media is skipped, not shown
	printf '\033]0;pwned\007{"MsgId":"11"\n{"MsgId":"12","TypeName":"\\u001b"}\n' >"$WX_DIR/media"
	run -1 --separate-stderr get 11
	[[ "$stderr" == *"11: not among the media messages"* ]]
	run -1 --separate-stderr get 12
	[ "$stderr" = 'wx-get: 12: a \x1b message, not image, emoji, voice, video or file: nothing to download' ]
}

@test "wx-get: cookies kept; no secret in any message" {
	local line
	line=$(sync_line "$(inject '{"MsgType":34}')" voice)
	run -0 get - <<<"$line"
	[ "$(stat -c %a "$WX_DIR/cookies")" = 600 ]
	grep -q webwx_data_ticket "$WX_DIR/cookies"
	fault webwxgetvoice http500
	run -111 --separate-stderr get - <<<"$line"
	[[ "$stderr" == *"skey=***: HTTP 500" ]]
	refute_secrets
}
