#!/usr/bin/env bats
# wx-send TEXT: recipients by UserName and by each kind of name (never a
# guess), the text from operands, stdin and -l, byte for byte as wx-emu
# receives it, the request's shape (§6.2), DIR/sent, -n, bad input.
load helper
load send

setup_file() {
	cat >"$BATS_FILE_TMPDIR/world" <<'EOF_WORLD'
{"UserName":"@a1","NickName":"Sam","RemarkName":"Robin","Alias":"sam_a","Kind":"friend"}
{"UserName":"@a2","NickName":"Sam","Kind":"friend"}
{"UserName":"@a3","NickName":"Robin","Kind":"friend"}
{"UserName":"@a4","NickName":"李雷","RemarkName":"小李","Kind":"friend"}
{"UserName":"@a5","NickName":"Fifth","Kind":"friend"}
{"UserName":"filehelper","NickName":"文件传输助手","Kind":"special","ContactFlag":3}
{"UserName":"@@g1","NickName":"Sam","Kind":"group","ContactFlag":3,"MemberList":[{"UserName":"@self"},{"UserName":"@a1"}]}
{"UserName":"@@g2","NickName":"Room two","Kind":"group","ContactFlag":3,"MemberList":[{"UserName":"@self"},{"UserName":"@a2"}]}
{"UserName":"@self","NickName":"Self","Uin":2000000002,"Kind":"self"}
EOF_WORLD
	emu_start -a -H 1 -W "$BATS_FILE_TMPDIR/world"
}
teardown_file() { emu_stop; }

# to NAME: the ToUserName of the text wx-send NAME sends.
to() {
	local out
	out=$(WX_RATE=0 wx-send "$1" "hello $1") || return 1
	sent_by_id "$(sed -n 's/^msgid=//p' <<<"$out")" | jq -r .To
}

@test "wx-send: usage errors exit 100" {
	run -100 --separate-stderr wx-send
	[ "$stderr" = "$(usage_of "wx-send [-d DIR] [-f FILE] [-l] [-m MSGID|-] [-n] TO [TEXT ...]")" ]
	run -100 --separate-stderr wx-send -l bob text
	[ "$stderr" = "wx-send: -l reads the lines of standard input: no TEXT with it" ]
	run -100 --separate-stderr wx-send -x bob
	run -100 --separate-stderr wx-send bob hi
	[[ "$stderr" == "wx-send: "*"run wx-init first" ]]
}

@test "wx-send: a text by UserName: msgid= and localid=, the request as §6.2" {
	logged_in
	run -0 --separate-stderr wx-send @a3 'hello there'
	[ -z "$stderr" ]
	[ "${#lines[@]}" -eq 2 ]
	[[ "${lines[0]}" =~ ^msgid=[0-9]+$ ]]
	[[ "${lines[1]}" =~ ^localid=[0-9]{17}$ ]]
	local id lid e req
	id=$(out_get msgid)
	lid=$(out_get localid)
	e=$(sent_by_id "$id")
	[ "$(jq -r .endpoint <<<"$e")" = webwxsendmsg ]
	[ "$(jq -r .To <<<"$e")" = @a3 ]
	[ "$(jq -r .From <<<"$e")" = @self ]
	[ "$(jq -r .Content <<<"$e")" = 'hello there' ]
	[ "$(jq -r .LocalID <<<"$e")" = "$lid" ]
	[ "$(jq -r .ClientMsgId <<<"$e")" = "$lid" ]
	# LocalID: the ms of the send and 4 more digits
	local ms=$(( $(date +%s) * 1000 ))
	[ $(( ${lid:0:13} - ms )) -lt 5000 ] && [ $(( ms - ${lid:0:13} )) -lt 5000 ]
	req=$(requests_to webwxsendmsg | tail -n 1)
	[ "$(jq -r '.query | keys | join(",")' <<<"$req")" = lang,pass_ticket ]
	[ "$(jq -r .query.lang <<<"$req")" = zh_CN ]
	local pt
	pt=$(session_get pass_ticket)
	[ "$(jq -r .query.pass_ticket <<<"$req")" = "$(printf '%b' "${pt//%/\\x}")" ]
	[ "$(jq -r '.body | fromjson | keys_unsorted | join(",")' <<<"$req")" = BaseRequest,Msg,Scene ]
	[ "$(jq -r '.body | fromjson | .Msg | keys_unsorted | join(",")' <<<"$req")" = Type,Content,FromUserName,ToUserName,LocalID,ClientMsgId ]
	[ "$(jq -r '.body | fromjson | .Msg.Type' <<<"$req")" = 1 ]
	[ "$(jq -r '.body | fromjson | .Scene' <<<"$req")" = 0 ]
	[ "$(jq -r '.body | fromjson | .Msg.LocalID | type' <<<"$req")" = string ]
	[ "$(jq -r '.body | fromjson | .BaseRequest | keys_unsorted | join(",")' <<<"$req")" = Uin,Sid,Skey,DeviceID ]
	[ "$(jq -r '.headers["Content-Type"]' <<<"$req")" = "application/json;charset=UTF-8" ]
	refute_secrets
}

@test "wx-send: the send is recorded in DIR/sent for wx-revoke" {
	logged_in
	run -0 wx-send @a3 one
	local id lid
	id=$(out_get msgid)
	lid=$(out_get localid)
	[ "$(stat -c %a "$WX_DIR/sent")" = 600 ]
	[ "$(jq -r --arg i "$id" 'select(.MsgID == $i) | .LocalID' "$WX_DIR/sent")" = "$lid" ]
	[ "$(jq -r --arg i "$id" 'select(.MsgID == $i) | .ToUserName' "$WX_DIR/sent")" = @a3 ]
	[ "$(jq -r --arg i "$id" 'select(.MsgID == $i) | .Time' "$WX_DIR/sent")" -ge $(( $(date +%s) - 60 )) ]
	run -0 wx-send @a1 two
	[ "$(wc -l <"$WX_DIR/sent")" -eq 2 ]
}

@test "wx-send: names: remark, nick, alias, group, user, bare; the special filehelper" {
	logged_in
	[ "$(to Robin)" = @a1 ]          # a remark wins over a nickname
	[ "$(to remark:Robin)" = @a1 ]
	[ "$(to nick:Robin)" = @a3 ]
	[ "$(to alias:sam_a)" = @a1 ]
	[ "$(to group:Sam)" = @@g1 ]
	[ "$(to 'Room two')" = @@g2 ]    # a bare group name
	[ "$(to 小李)" = @a4 ]
	[ "$(to user:@a2)" = @a2 ]
	[ "$(to filehelper)" = filehelper ]
}

@test "wx-send: an ambiguous name exits 1 with the candidates; nothing sent" {
	logged_in
	local before
	before=$(emu_sends | wc -l)
	run -1 --separate-stderr wx-send Sam hi
	[ -z "$output" ]
	[[ "$stderr" == *"wx-send: Sam: 2 contacts match; name one of them exactly:"* ]]
	[[ "$stderr" == *"wx-send:   @a1 friend"* ]]
	[[ "$stderr" == *"wx-send:   @a2 friend"* ]]
	run -1 --separate-stderr wx-send nick:Sam hi
	[ "$(emu_sends | wc -l)" -eq "$before" ]
}

@test "wx-send: an unknown name exits 1; nothing sent" {
	logged_in
	local before
	before=$(emu_sends | wc -l)
	run -1 --separate-stderr wx-send Nobody hi
	[ "$stderr" = "wx-send: Nobody: no contact of that name" ]
	[ -z "$output" ]
	run -1 --separate-stderr wx-send remark:Sam hi
	[ "$(emu_sends | wc -l)" -eq "$before" ]
}

@test "wx-send: an unknown UserName is the server's no (1201): exit 1" {
	logged_in
	run -1 --separate-stderr wx-send @nobody hi
	[[ "$stderr" == "wx-send: webwxsendmsg: refused (Ret 1201)"* ]]
	[ -z "$output" ]
	[ ! -s "$WX_DIR/sent" ]
}

@test "wx-send: operands joined by one space; all of stdin one message" {
	logged_in
	run -0 wx-send @a3 a '' b '  c'
	[ "$(sent_by_id "$(out_get msgid)" | jq -r .Content)" = 'a  b   c' ]
	run -0 wx-send @a3 < <(printf 'line 1\nline 2\n\n')
	[ "${#lines[@]}" -eq 2 ]
	# one final LF is dropped, the rest kept
	[ "$(sent_by_id "$(out_get msgid)" | jq .Content)" = '"line 1\nline 2\n"' ]
}

@test "wx-send -l: each line its own message, empty lines skipped" {
	logged_in
	printf 'one\n\ntwo\nthree' >"$BATS_TEST_TMPDIR/in"
	run -0 --separate-stderr env WX_RATE=0 wx-send -l @a3 <"$BATS_TEST_TMPDIR/in"
	[ "${#lines[@]}" -eq 6 ]
	local i want=(one two three)
	for i in 0 1 2; do
		[ "$(sent_by_id "${lines[$((2 * i))]#msgid=}" | jq -r .Content)" = "${want[$i]}" ]
	done
	# LocalIDs: distinct, increasing
	[ "$(printf '%s\n' "${lines[@]}" | grep -c '^localid=')" -eq 3 ]
	[ "$(printf '%s\n' "${lines[@]}" | sed -n 's/^localid=//p' | sort -u | wc -l)" -eq 3 ]
	[ "$(wc -l <"$WX_DIR/sent")" -eq 3 ]
}

@test "wx-send -l: a bad line stops there with 100, after the lines before it" {
	logged_in
	printf 'ok\nbad \377 byte\nnever\n' >"$BATS_TEST_TMPDIR/in"
	run -100 --separate-stderr wx-send -l @a3 <"$BATS_TEST_TMPDIR/in"
	[ "$stderr" = "wx-send: line 2: invalid UTF-8 at byte 4" ]
	[ "${#lines[@]}" -eq 2 ]
	[ "$(sent_by_id "$(out_get msgid)" | jq -r .Content)" = ok ]
}

@test "wx-send: text arrives byte for byte: emoji, CJK, quotes, backslashes, newlines, controls" {
	logged_in
	local t
	t=$(printf 'emoji 😀👍🏽 flags 🇨🇳, CJK 你好，世界 「」, quotes "double" '"'"'single'"'"' `back`,\nback\\slash \\n \\u0041 \\\\, tab\there, <b>&amp;</b> [微笑] /slash\n\nend')
	printf '%s' "$t" >"$BATS_TEST_TMPDIR/want"
	run -0 wx-send @a4 <"$BATS_TEST_TMPDIR/want"
	sent_by_id "$(out_get msgid)" | jq -j .Content >"$BATS_TEST_TMPDIR/got"
	cmp "$BATS_TEST_TMPDIR/want" "$BATS_TEST_TMPDIR/got"
	# as an operand too
	run -0 wx-send @a4 "$t"
	sent_by_id "$(out_get msgid)" | jq -j .Content >"$BATS_TEST_TMPDIR/got"
	cmp "$BATS_TEST_TMPDIR/want" "$BATS_TEST_TMPDIR/got"
}

@test "wx-send: a 10 KiB message and a 64 KiB one arrive whole; more is refused" {
	logged_in
	head -c 9000 /dev/urandom | base64 -w 75 | head -c 10240 >"$BATS_TEST_TMPDIR/want"
	run -0 wx-send @a3 <"$BATS_TEST_TMPDIR/want"
	sent_by_id "$(out_get msgid)" | jq -j .Content >"$BATS_TEST_TMPDIR/got"
	cmp "$BATS_TEST_TMPDIR/want" "$BATS_TEST_TMPDIR/got"
	# 64 KiB of 3-byte CJK
	python3 -c 'import sys; sys.stdout.write("中" * 21845)' >"$BATS_TEST_TMPDIR/want"
	run -0 wx-send @a3 <"$BATS_TEST_TMPDIR/want"
	sent_by_id "$(out_get msgid)" | jq -j .Content >"$BATS_TEST_TMPDIR/got"
	cmp "$BATS_TEST_TMPDIR/want" "$BATS_TEST_TMPDIR/got"
	local before
	before=$(emu_sends | wc -l)
	head -c 65537 /dev/zero | tr '\0' x >"$BATS_TEST_TMPDIR/big"
	run -100 --separate-stderr wx-send @a3 <"$BATS_TEST_TMPDIR/big"
	[ "$stderr" = "wx-send: stdin: over the 65536 bytes of a message" ]
	run -100 --separate-stderr wx-send @a3 "$(cat "$BATS_TEST_TMPDIR/big")"
	[ "$stderr" = "wx-send: 65537 bytes: over the 65536 bytes of a message" ]
	[ "$(emu_sends | wc -l)" -eq "$before" ]
}

@test "wx-send: invalid UTF-8, NUL and empty text are refused with 100 before any request" {
	logged_in
	local n
	n=$(wc -l <"$EMU_LOG")
	run -100 --separate-stderr wx-send @a3 "$(printf 'abc\300\257')"
	[ "$stderr" = "wx-send: invalid UTF-8 at byte 3" ]     # overlong /
	run -100 --separate-stderr wx-send @a3 "$(printf 'ok \355\240\200')"
	[ "$stderr" = "wx-send: invalid UTF-8 at byte 3" ]     # a surrogate
	run -100 --separate-stderr wx-send @a3 "$(printf '\346\227')"
	[ "$stderr" = "wx-send: invalid UTF-8 at byte 0" ]     # truncated
	run -100 --separate-stderr wx-send @a3 < <(printf 'a\0b')
	[ "$stderr" = "wx-send: NUL at byte 1" ]
	run -100 --separate-stderr wx-send @a3 ''
	[ "$stderr" = "wx-send: empty message: nothing to send" ]
	run -100 --separate-stderr wx-send @a3 </dev/null
	[ "$stderr" = "wx-send: empty message: nothing to send" ]
	run -100 --separate-stderr wx-send @a3 < <(printf '\n')
	[ -z "$output" ]
	[ "$(wc -l <"$EMU_LOG")" -eq "$n" ]
}

@test "wx-send -n: prints the request, secrets masked; sends nothing, takes no token" {
	logged_in
	local n
	n=$(wc -l <"$EMU_LOG")
	run -0 --separate-stderr wx-send -n @a3 'dry "run"'
	[ -z "$stderr" ]
	[[ "${lines[0]}" =~ ^POST\ https://wx2?\.qq\.com/cgi-bin/mmwebwx-bin/webwxsendmsg\?lang=zh_CN\&pass_ticket=\*\*\*$ ]]
	[ "$(jq -r .Msg.Content <<<"${lines[1]}")" = 'dry "run"' ]
	[ "$(jq -r .Msg.ToUserName <<<"${lines[1]}")" = @a3 ]
	[ "$(jq -c '.BaseRequest | [.Uin, .Sid, .Skey]' <<<"${lines[1]}")" = '["***","***","***"]' ]
	[ "${#lines[@]}" -eq 2 ]
	[ "$(wc -l <"$EMU_LOG")" -eq "$n" ]
	[ ! -e "$WX_DIR/rate" ]
	[ ! -e "$WX_DIR/sent" ]
	refute_secrets
	[[ "$output" != *"$(session_get wxuin)"* ]]
}

@test "wx-send: a name webwxinit did not list is found: wx-init's cache is partial, so the whole list is fetched first" {
	logged_in
	head -n 1 "$WX_DIR/contacts" | grep -q '"Partial":true'
	# webwxinit lists 4 people at most (wx-emu, as the server)
	run ! grep -q '"@a5"' "$WX_DIR/contacts"
	run -0 wx-send Fifth 'by the name'
	[ "$(emu_sends | tail -n 1 | jq -r .To)" = @a5 ]
	run ! grep -q Partial "$WX_DIR/contacts"
	grep -q '"@a5"' "$WX_DIR/contacts"
	# a UserName needs no cache at all
	rm "$WX_DIR/contacts"
	local n
	n=$(wc -l <"$EMU_LOG")
	run -0 wx-send @a3 'by the UserName'
	[ "$(wc -l <"$EMU_LOG")" -eq $((n + 1)) ]
	[ ! -e "$WX_DIR/contacts" ]
}
