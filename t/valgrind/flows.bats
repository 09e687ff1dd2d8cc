#!/usr/bin/env bats
# The main flows once each, for t/valgrind/run (`make check-valgrind`):
# it puts wrappers running every wx command and wx-emu under valgrind
# first in PATH ($VG_BIN).  One session for the whole file, in order:
# login, contacts, receive, send, media, revoke, remark, group, accept,
# logout.  What the flows print is checked only enough to know each step
# did its work; t/NN-*.bats test the behaviour itself.

# The t/*.bash helpers find each other, and TOP, from the test file's
# directory: point it at t/ for them.
BATS_TEST_DIRNAME=$(cd "$BATS_TEST_DIRNAME/.." && pwd)
load helper
load send
export PATH="${VG_BIN:?run by t/valgrind/run}:$PATH"

# wx-emu under valgrind answers slowly: short holds, roomy timeouts.
setup_file() { emu_start -a -H 1 -n 20 -g 4 -m 8; }
teardown_file() { emu_stop; }
setup() {
	export WX_DIR="$BATS_FILE_TMPDIR/wx" WX_RATE=0
	T=$BATS_TEST_TMPDIR
}

@test "valgrind: login: wx-uuid, wx-qr, wx-wait, wx-init" {
	run -0 wx-uuid </dev/null
	[[ "$output" == uuid=* ]]
	run -0 wx-qr -o "$T/qr.png" </dev/null
	[ -s "$T/qr.png" ]
	run -0 wx-wait -t 120 </dev/null
	[[ "$output" == *redirect_uri=* ]] || fail "wx-wait: $output"
	run -0 wx-init </dev/null
	[ -n "$(session_get skey)" ]
}

@test "valgrind: wx-contacts -m" {
	run -0 wx-contacts -m </dev/null
	[ "$(jq -s 'map(select(.Kind == "group")) | length' "$WX_DIR/contacts")" -eq 4 ]
}

@test "valgrind: wx-synccheck, wx-sync" {
	run -0 wx-sync </dev/null                 # the chat list
	emu_ctl message count=3 >"$T/ids"
	run -0 wx-synccheck </dev/null
	[[ "$output" == *"retcode=0"* ]]
	run -0 wx-sync -n </dev/null
	[ "$(printf '%s\n' "$output" | jq -r .MsgId)" = "$(cat "$T/ids")" ]
}

@test "valgrind: wx-sync -f -c N" {
	emu_ctl message count=5 >"$T/ids"
	run -0 wx-sync -f -n -c 5 -t 120 </dev/null
	[ "$(printf '%s\n' "$output" | jq -r .MsgId)" = "$(cat "$T/ids")" ]
}

@test "valgrind: wx-send text, -f FILE, -l" {
	local peer
	peer=$(first_of person)
	run -0 wx-send "$peer" "hello valgrind" </dev/null
	[[ "$output" == *msgid=* ]]
	mkfile jpg "$T/photo.jpg" 5000
	run -0 wx-send -f "$T/photo.jpg" "$peer" </dev/null
	[[ "$output" == *msgid=* ]]
	mkfile txt "$T/notes.txt" 3000
	run -0 wx-send -f "$T/notes.txt" "$peer" </dev/null
	run -0 wx-send -l "$peer" <<<$'line one\nline two\nline three'
	[ "$(grep -c '^msgid=' <<<"$output")" -eq 3 ]
}

@test "valgrind: wx-get: an image a message carries, and an avatar" {
	local id
	id=$(inject '{"MsgType":3,"Content":"x"}')
	wx-sync </dev/null | jq -c --arg id "$id" 'select(.MsgId == $id)' >"$T/line"
	[ -s "$T/line" ]
	run -0 wx-get -o "$T/pic.jpg" - <"$T/line"
	[ -s "$T/pic.jpg" ]
	run -0 wx-get -o "$T/avatar" -a "$(first_of person)" </dev/null
	[ -s "$T/avatar" ]
}

@test "valgrind: wx-send | wx-revoke" {
	run -0 wx-send filehelper "take me back" </dev/null
	run -0 wx-revoke <<<"$output"
}

@test "valgrind: wx-remark" {
	run -0 wx-remark "$(first_of person)" "remarked" </dev/null
	run -0 wx-remark -p "$(first_of person)" </dev/null
}

@test "valgrind: wx-group topic, add; -c (refused by the server since 2018)" {
	local owned friend
	owned=$(jq -r 'select(.Kind == "group" and .IsOwner == 1) | .UserName' "$WX_DIR/contacts" | head -n 1)
	[ -n "$owned" ]
	run -0 wx-group "$owned" topic "valgrind room" </dev/null
	# a friend not yet in that group
	friend=$(jq -r --arg r "$owned" '[inputs] as $all
		| ([$all[] | select(.UserName == $r) | .MemberList[].UserName]) as $in
		| $all[] | select(.Kind == "friend") | .UserName
		| select(. as $u | $in | index($u) | not)' "$WX_DIR/contacts" | head -n 1)
	[ -n "$friend" ]
	run -0 wx-group "$owned" add "$friend" </dev/null
	run -1 wx-group -c "new room" "$friend" </dev/null
}

@test "valgrind: wx-accept a friend request from wx-sync" {
	inject '{"TypeName":"verify"}' >/dev/null
	wx-sync </dev/null | jq -c 'select(.TypeName == "verify")' | tail -n 1 >"$T/line"
	[ -s "$T/line" ]
	run -0 wx-accept -g "hi" <"$T/line"
	[[ "$output" == accepted=* ]]
}

@test "valgrind: wx-logout" {
	run -0 wx-logout </dev/null
	[ -z "$(session_get skey)" ]
}
