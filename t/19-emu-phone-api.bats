#!/usr/bin/env bats
# wx-emu's phone page (GET /_emu/) and the control calls it reads:
# qrcode, members, messages, changes, and the plain-text Name of contacts.
load helper
load emu
load send

setup_file() { emu_start -a -H 1; }
teardown_file() { emu_stop; }

# emu_get PATH [curl options]: GET http(s)://127.0.0.1:PORT/_emu/PATH.
emu_get() {
	local path=$1
	shift
	emu_curl "$EMU_SCHEME://127.0.0.1:$EMU_PORT/_emu/$path" "$@"
}

# The seq of the newest message event, 0 before the first.
last_seq() {
	emu_get messages | jq -s 'map(.seq) | max // 0'
}

# The value of header $2 in the head file $1.
head_get() {
	tr -d '\r' <"$1" | sed -n "s/^$2: //Ip"
}

@test "page: /_emu/ is HTML under a strict Content-Security-Policy" {
	local h="$BATS_TEST_TMPDIR/head" f
	run -0 emu_get '' -D "$h"
	assert_output --partial '<title>wx-emu phone</title>'
	assert_output --partial '<script src="phone.js" defer></script>'
	refute_output --regexp '(src|href)="(https?:)?//'
	refute_output --partial '<script>'
	refute_output --partial '<style'
	assert_equal "$(head_get "$h" content-type)" 'text/html; charset=utf-8'
	assert_equal "$(head_get "$h" content-security-policy)" \
		"default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
	assert_equal "$(head_get "$h" x-content-type-options)" nosniff
	for f in 'phone.js:text/javascript; charset=utf-8' \
		'phone.css:text/css; charset=utf-8' phone.svg:image/svg+xml; do
		emu_get "${f%%:*}" -D "$h" -o "$BATS_TEST_TMPDIR/body"
		assert_equal "$(head_get "$h" content-type)" "${f#*:}"
		assert_equal "$(head_get "$h" content-security-policy)" \
			"$(head_get "$BATS_TEST_TMPDIR/head" content-security-policy)"
		cmp "$BATS_TEST_TMPDIR/body" "$TOP/cmd/wx-emu/${f%%:*}"
	done
}

@test "page: only under /_emu/, and nothing but its own files" {
	local p
	for p in /phone.js /phone.html /_emu/phone.c /_emu/embed.sh /_emu/phone.js/x; do
		run -0 emu_curl -o /dev/null -w '%{http_code}' "$EMU_SCHEME://127.0.0.1:$EMU_PORT$p"
		assert_output 404
	done
	# The web host's home page stays the captured one.
	run -0 emu_curl "$EMU_SCHEME://wx2.qq.com/"
	refute_output --partial 'wx-emu phone'
	# Any host's /_emu/ is the control API, page included.
	run -0 emu_curl "$EMU_SCHEME://wx2.qq.com/_emu/"
	assert_output --partial '<title>wx-emu phone</title>'
}

@test "qrcode: the QR of a login, the bytes /qrcode/UUID serves" {
	local u
	run -0 emu_get 'qrcode?uuid=NoSuchUuid==' -o /dev/null -w '%{http_code}'
	assert_output 404
	u=$(emu_jslogin)
	emu_get "qrcode?uuid=$(uri "$u")" -o "$BATS_TEST_TMPDIR/a.jpg"
	emu_curl "$(emu_url login.wx2.qq.com "/qrcode/$u")" -o "$BATS_TEST_TMPDIR/b.jpg"
	cmp "$BATS_TEST_TMPDIR/a.jpg" "$BATS_TEST_TMPDIR/b.jpg"
	# Without uuid: the latest login's.
	run -0 emu_get qrcode -o /dev/null -w '%{http_code} %{content_type}'
	assert_output '200 image/jpeg'
	run -0 --separate-stderr zbarimg -q --raw "$BATS_TEST_TMPDIR/a.jpg"
	assert_output "https://login.weixin.qq.com/l/$u"
}

@test "contacts: Name is NickName as plain text" {
	run -0 emu_get contacts
	run -0 jq -r 'select(.Kind == "self") | [.NickName, .Name] | @tsv' <<<"$output"
	assert_output "$(printf 'wx-emu <span class="emoji emoji1f916"></span>\twx-emu \360\237\244\226')"
}

@test "members: a room's members as NDJSON, 404 for anything else" {
	local room n
	room=$(first_of room)
	n=$(emu_get contacts | jq --arg r "$room" 'select(.UserName == $r) | .MemberCount')
	run -0 emu_get "members?username=$(uri "$room")"
	assert_equal "${#lines[@]}" "$n"
	local members=$output
	run -0 jq -r 'keys | join(",")' <<<"${lines[0]}"
	assert_output 'Name,NickName,UserName'
	run -0 jq -r .UserName <<<"$members"
	assert_line "$(emu_get state | jq -r .self)"
	for u in "$(first_of person)" '@nobody' ''; do
		run -0 emu_get "members?username=$(uri "$u")" -w ' %{http_code}'
		assert_output 'no such room
 404'
	done
}

@test "messages: the messages of every session, after ?since=, plain text" {
	local before id peer
	before=$(last_seq)
	peer=$(first_of person)
	id=$(inject "{\"From\":\"$peer\",\"Content\":\"a < b & c\\nnext 😀\"}")
	run -0 emu_get "messages?since=$before"
	assert_equal "${#lines[@]}" 1
	run -0 jq -c '[.MsgId, .From, .MsgType, .AppMsgType, .Text, .FileName]' <<<"$output"
	assert_output "[\"$id\",\"$peer\",1,0,\"a < b & c\\nnext 😀\",\"\"]"
	run -0 emu_get "messages?since=$((before + 1))"
	assert_output ''
	# A file keeps its FileName; its bytes are /_emu/media's.
	id=$(inject "{\"From\":\"$peer\",\"TypeName\":\"file\",\"FileName\":\"r <1>.txt\",\"Media\":\"aGVsbG8K\"}")
	run -0 emu_get "messages?since=$((before + 1))"
	run -0 jq -c '[.MsgId, .MsgType, .AppMsgType, .FileName]' <<<"$output"
	assert_output "[\"$id\",49,6,\"r <1>.txt\"]"
	run -0 emu_get "media?msgid=$id"
	assert_output hello
	run -0 emu_get 'messages?since=x' -w ' %{http_code}'
	assert_output 'bad since
 400'
}

@test "messages: what a client sent is there, From the account, media too" {
	export WX_DIR="$BATS_TEST_TMPDIR/wx" WX_RATE=0
	logged_in
	local before peer self id
	before=$(last_seq)
	peer=$(first_of person)
	self=$(emu_get state | jq -r .self)
	wx-send "$peer" 'hi there' </dev/null >/dev/null
	mkfile jpg "$BATS_TEST_TMPDIR/photo.jpg"
	wx-send -f "$BATS_TEST_TMPDIR/photo.jpg" "$peer" </dev/null >/dev/null
	run -0 emu_get "messages?since=$before"
	run -0 jq -c --arg s "$self" --arg p "$peer" \
		'select(.From == $s and .To == $p) | [.MsgType, .Text]' <<<"$output"
	assert_line '[1,"hi there"]'
	id=$(emu_get "messages?since=$before" | jq -r 'select(.MsgType == 3) | .MsgId')
	emu_get "media?msgid=$id" -o "$BATS_TEST_TMPDIR/got.jpg"
	cmp "$BATS_TEST_TMPDIR/photo.jpg" "$BATS_TEST_TMPDIR/got.jpg"
}

@test "changes: at once without since, held until a change past it" {
	local n t0 t1
	n=$(emu_get changes)
	[[ $n =~ ^[0-9]+$ ]]
	# Nothing changes: the -H hold (1 s), then the same count.
	t0=$(date +%s%N)
	run -0 emu_get "changes?since=$n"
	t1=$(date +%s%N)
	assert_output "$n"
	[ $(( (t1 - t0) / 1000000 )) -ge 900 ]
	# A change answers the held poll at once with a higher count.
	emu_get "changes?since=$n" >"$BATS_TEST_TMPDIR/changes" 3>&- &
	sleep 0.2
	emu_jslogin >/dev/null
	wait $!
	run -0 cat "$BATS_TEST_TMPDIR/changes"
	[ "$output" -gt "$n" ]
	run -0 emu_get 'changes?since=-1' -w ' %{http_code}'
	assert_output 'bad since
 400'
}

@test "state: the newest login last, also once the ring of 256 went round" {
	local i u
	for i in $(seq 260); do
		u=$(emu_jslogin)
	done
	run -0 emu_get state
	run -0 jq -r '[(.logins | length), .logins[-1].uuid] | @tsv' <<<"$output"
	assert_output "$(printf '256\t%s' "$u")"
}
