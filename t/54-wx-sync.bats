#!/usr/bin/env bats
# wx-sync once: one webwxsync, each event a line (Event, the server's
# fields, ids as strings, Text/Sender/Chat/TypeName and the names the
# cache knows), -n, -r, contact changes reaching the cache, the keys and
# the MsgId ring committed, faults leaving the session as it was.
load helper
load login
load sync

setup_file() { emu_start -H 1 -a -n 30 -g 3 -m 4; }
teardown_file() { emu_stop; }

@test "wx-sync: usage errors exit 100; no session is 100" {
	run -100 --separate-stderr wx-sync extra
	[ "$stderr" = "$(usage_of "wx-sync [-d DIR] [-f] [-r] [-n] [-c COUNT] [-t SECONDS]")" ]
	run -100 --separate-stderr wx-sync -c 1
	[ "$stderr" = "wx-sync: -c and -t go with -f" ]
	run -100 --separate-stderr wx-sync -f -c 0
	run -100 --separate-stderr wx-sync -f -t x
	run -100 --separate-stderr wx-sync
	[[ "$stderr" == "wx-sync: "*"run wx-init first" ]]
}

@test "wx-sync: the first sync brings the chat list (status); the keys advance" {
	logged_in
	local key0
	key0=$(session_get synckey)
	run -0 --separate-stderr wx-sync </dev/null
	[ -z "$stderr" ]
	[ "${#lines[@]}" -eq 1 ]
	[ "$(jq -r .Event <<<"$output")" = message ]
	[ "$(jq -r .TypeName <<<"$output")" = status ]
	[ "$(jq -r .StatusNotifyCode <<<"$output")" = 4 ]
	[ "$(jq -r '.MsgId | type' <<<"$output")" = string ]
	[ "$(jq -r '.NewMsgId | type' <<<"$output")" = string ]
	[ "$(jq -r .MsgId <<<"$output")" = "$(jq -r .NewMsgId <<<"$output")" ]
	[ "$(session_get synckey)" != "$key0" ]
	[ "$(session_get synckey | tr '|' '\n' | cut -d_ -f1 | paste -sd,)" = 1,2,3,11,201,1000,1001 ]
	[ "$(session_get synccheckkey)" = "$(session_get synckey)" ]
	[ "$(session_get msgids)" = "$(jq -r .MsgId <<<"$output")" ]
	[ "$(session_mode)" = 600 ]
	refute_secrets
	# nothing new: nothing printed, exit 0
	run -0 wx-sync </dev/null
	[ -z "$output" ]
}

@test "wx-sync: a text: Text decoded, Sender and Chat the peer, names from the cache" {
	current
	wx-contacts </dev/null >/dev/null
	local peer id
	peer=$(first_of person)
	id=$(inject "{\"From\":\"$peer\",\"Content\":\"Tom & Jerry <3\\nline 2 😀\"}")
	run -0 wx-sync </dev/null
	[ "${#lines[@]}" -eq 1 ]
	[ "$(jq -r .MsgId <<<"$output")" = "$id" ]
	[ "$(jq -r .Content <<<"$output")" = 'Tom &amp; Jerry &lt;3<br/>line 2 <span class="emoji emoji1f600"></span>' ]
	[ "$(jq -r .Text <<<"$output")" = $'Tom & Jerry <3\nline 2 😀' ]
	[ "$(jq -r .Sender <<<"$output")" = "$peer" ]
	[ "$(jq -r .Chat <<<"$output")" = "$peer" ]
	[ "$(jq -r .TypeName <<<"$output")" = text ]
	[ "$(jq -r .SenderName <<<"$output")" = "$(emu_contacts | jq -r --arg u "$peer" 'select(.UserName==$u) | .NickName')" ]
	[ "$(jq -r .ChatName <<<"$output")" = "$(jq -r .SenderName <<<"$output")" ]
}

@test "wx-sync: a group message: Sender the member, Chat the group, the member's name from wx-contacts -m" {
	current
	wx-contacts -m </dev/null >/dev/null
	local room member id
	room=$(first_of room)
	member=$(jq -r --arg r "$room" 'select(.UserName==$r) | .MemberList[1].UserName' "$WX_DIR/contacts")
	id=$(inject "{\"From\":\"$room\",\"Sender\":\"$member\",\"Content\":\"hi all\"}")
	run -0 wx-sync </dev/null
	[ "$(jq -r .Content <<<"$output")" = "$member:<br/>hi all" ]
	[ "$(jq -r .Text <<<"$output")" = "hi all" ]
	[ "$(jq -r .Sender <<<"$output")" = "$member" ]
	[ "$(jq -r .Chat <<<"$output")" = "$room" ]
	local want
	want=$(jq -r --arg r "$room" --arg m "$member" 'select(.UserName==$r) | .MemberList[] | select(.UserName==$m) | if (.DisplayName // "") != "" then .DisplayName else .NickName end' "$WX_DIR/contacts")
	[ -n "$want" ]
	[ "$(jq -r .SenderName <<<"$output")" = "$want" ]
	[ "$(jq -r .ChatName <<<"$output")" = "$(jq -r --arg r "$room" 'select(.UserName==$r) | .Name' "$WX_DIR/contacts")" ]
}

@test "wx-sync: a message self sent from another device: Sender self, Chat the peer" {
	current
	local peer self
	peer=$(first_of person)
	self=$(session_get username)
	inject "{\"From\":\"self\",\"To\":\"$peer\",\"Content\":\"sent elsewhere\"}" >/dev/null
	run -0 wx-sync </dev/null
	[ "$(jq -r .Sender <<<"$output")" = "$self" ]
	[ "$(jq -r .Chat <<<"$output")" = "$peer" ]
}

@test "wx-sync: hostile text stays one valid JSON line, no raw control byte" {
	current
	inject '{"Content":"bell \u0007 esc \u001b[31m nul? \u0000 tab\t cr\r end"}' >/dev/null
	run -0 wx-sync </dev/null
	[ "${#lines[@]}" -eq 1 ]
	jq -e . <<<"$output" >/dev/null
	! printf '%s' "$output" | LC_ALL=C grep -q $'[\x01-\x08\x0b-\x1f\x7f]'
	[[ "$(jq -r .Text <<<"$output")" == *$'\e[31m'* ]]
}

@test "wx-sync: -n drops the status chatter; -r prints the server's objects with ids as strings" {
	logged_in
	run -0 wx-sync -n </dev/null
	[ -z "$output" ]
	logged_in
	inject '{"Content":"raw one"}' >/dev/null
	run -0 wx-sync -r </dev/null
	[ "${#lines[@]}" -eq 2 ]
	[ "$(jq -r 'has("Event") or has("TypeName") or has("Text")' <<<"${lines[1]}")" = false ]
	[ "$(jq -r '.NewMsgId | type' <<<"${lines[1]}")" = string ]
	[ "$(jq -r .Content <<<"${lines[1]}")" = "raw one" ]
}

@test "wx-sync: contact changes print modcontact/delcontact and reach the cache" {
	current
	wx-contacts </dev/null >/dev/null
	local u
	u=$(first_of person)
	emu_ctl modcontact "username=$u&nickname=Brand%20New" >/dev/null
	run -0 wx-sync </dev/null
	[ "$(jq -r .Event <<<"$output")" = modcontact ]
	[ "$(jq -r .UserName <<<"$output")" = "$u" ]
	[ "$(jq -r .Name <<<"$output")" = "Brand New" ]
	[ "$(jq -r .Kind <<<"$output")" = friend ]
	run -0 wx-contacts "Brand New" </dev/null
	[ "$(jq -r .UserName <<<"$output")" = "$u" ]
	[ "$(grep -c "$u" "$WX_DIR/contacts")" -eq 1 ]
	emu_ctl delcontact "username=$u" >/dev/null
	run -0 wx-sync </dev/null
	[ "$(jq -r .Event <<<"$output")" = delcontact ]
	[ "$(jq -r .UserName <<<"$output")" = "$u" ]
	! grep -q "$u" "$WX_DIR/contacts"
	[ "$(stat -c %a "$WX_DIR/contacts")" = 600 ]
	# the header stays
	[ "$(head -n 1 "$WX_DIR/contacts" | jq -r .Cache)" = wx-contacts ]
}

@test "wx-sync: a message sent again by the server is dropped (the MsgId ring)" {
	current
	local key check
	key=$(session_get synckey)
	check=$(session_get synccheckkey)
	inject '{"Content":"only once"}' >/dev/null
	run -0 wx-sync </dev/null
	[ "${#lines[@]}" -eq 1 ]
	# back to the older key: the server sends the message again
	sed -i "s/^synckey=.*/synckey=$key/; s/^synccheckkey=.*/synccheckkey=$check/" "$WX_DIR/session"
	run -0 wx-sync </dev/null
	[ -z "$output" ]
	# the ring is bounded
	inject '{"Content":"x"}' >/dev/null
	emu_ctl message count=250 >/dev/null
	wx-sync </dev/null >/dev/null
	wx-sync </dev/null >/dev/null
	wx-sync </dev/null >/dev/null
	[ "$(session_get msgids | wc -w)" -eq 192 ]
}

@test "wx-sync: webwxsync faults exit 111 (or 1 for a logout) and leave the session as it was" {
	current
	inject '{"Content":"kept for later"}' >/dev/null
	local k sum
	sum=$(session_sum)
	for k in http500 reset truncate malformed ret1205; do
		fault webwxsync "$k"
		run -111 --separate-stderr wx-sync </dev/null
		[ -z "$output" ] || fail "$k printed"
		[[ "$stderr" == "wx-sync: "* ]] || fail "$k: '$stderr'"
		[ "$(session_sum)" = "$sum" ] || fail "$k changed the session"
	done
	fault webwxsync ret1101
	run -1 --separate-stderr wx-sync </dev/null
	[[ "$stderr" == *"logged out (1101)"* ]]
	[ "$(session_sum)" = "$sum" ]
	run -0 wx-sync </dev/null
	[ "$(jq -r .Text <<<"$output")" = "kept for later" ]
	refute_secrets
}

@test "wx-sync: a full disk for stdout is 111 and commits nothing" {
	[ -w /dev/full ] || skip "no /dev/full"
	current
	inject '{"Content":"not lost"}' >/dev/null
	local sum
	sum=$(session_sum)
	run -111 --separate-stderr sh -c 'wx-sync >/dev/full </dev/null'
	[[ "$stderr" == "wx-sync: stdout:"* ]]
	[ "$(session_sum)" = "$sum" ]
	run -0 wx-sync </dev/null
	[ "$(jq -r .Text <<<"$output")" = "not lost" ]
}

@test "wx-sync: a second wx-sync on the session exits 100 at once" {
	current
	flock "$WX_DIR/sync.lock" sleep 2 &
	local pid=$!
	local i=0
	until ! flock -n "$WX_DIR/sync.lock" true; do
		i=$((i + 1)); [ $i -lt 100 ] || fail "no lock"; sleep 0.05
	done
	run -100 --separate-stderr timeout 5 wx-sync </dev/null
	[[ "$stderr" == "wx-sync: "*"another wx-sync is running"* ]]
	wait "$pid"
	run -0 wx-sync </dev/null
}

@test "wx-sync -f: a contacts cache made while it runs names the next senders" {
	current
	local peer
	# a friend webwxinit did not list: the first cache does not know it
	peer=$(emu_contacts | jq -r 'select(.Kind=="person") | .UserName' |
		grep -vxFf <(jq -r .UserName "$WX_DIR/contacts" | tail -n +2) | head -n 1)
	[ -n "$peer" ]
	wx-sync -f -n -c 2 -t 20 </dev/null >"$BATS_TEST_TMPDIR/out" &
	local pid=$!
	inject "{\"From\":\"$peer\",\"Content\":\"one\"}" >/dev/null
	wait_lines "$BATS_TEST_TMPDIR/out" 1
	[ "$(jq -r '.SenderName // "none"' "$BATS_TEST_TMPDIR/out")" = none ]
	wx-contacts </dev/null >/dev/null
	inject "{\"From\":\"$peer\",\"Content\":\"two\"}" >/dev/null
	wait "$pid"
	[ "$(tail -n 1 "$BATS_TEST_TMPDIR/out" | jq -r .SenderName)" = "$(jq -r --arg u "$peer" 'select(.UserName==$u) | .Name' "$WX_DIR/contacts")" ]
}
