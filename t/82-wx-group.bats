#!/usr/bin/env bats
# wx-group: webwxupdatechatroom (protocol.md §10.4) renames a group, adds
# (invitemember from 40 members on), removes members (owner only) or
# leaves; webwxcreatechatroom (§10.3) is refused as since 2018.  The
# contacts cache, wx-contacts -m and wx-sync (modcontact line and the
# 10000 tip) show each change; refusals and faults exit as wx(7) says.
load helper
load login
load sync

setup_file() { emu_start -a -n 20 -g 6 -m 8; }
teardown_file() { emu_stop; }

# Each test: a fresh login, up to date, with a contacts cache with
# members; OWNED a group the account owns, OTHER one it does not; FRIEND
# a friend in neither.
setup() {
	export WX_DIR="$BATS_TEST_TMPDIR/wx" WX_RATE=0
	current
	wx-contacts -m </dev/null >/dev/null
	OWNED=$(jq -r 'select(.Kind == "group" and .IsOwner == 1 and .MemberCount > 0) | .UserName' "$WX_DIR/contacts" | head -n 1)
	OTHER=$(jq -r 'select(.Kind == "group" and .IsOwner == 0 and .MemberCount > 0) | .UserName' "$WX_DIR/contacts" | head -n 1)
	[ -n "$OWNED" ]
	[ -n "$OTHER" ]
	FRIEND=$(jq -r --arg r "$OWNED" --arg o "$OTHER" '
		[inputs] as $all
		| ([$all[] | select(.UserName == $r or .UserName == $o) | .MemberList[].UserName]) as $in
		| $all[] | select(.Kind == "friend") | .UserName | select(. as $u | $in | index($u) | not)' \
		"$WX_DIR/contacts" | head -n 1)
	[ -n "$FRIEND" ]
	fault webwxupdatechatroom http500 0
	fault webwxcreatechatroom http500 0
}

# The line of UserName $1 in the cache.
cached() {
	jq -c --arg u "$1" 'select(.UserName == $u)' "$WX_DIR/contacts"
}

# The update requests: "fun body" a line, body without BaseRequest.
updates() {
	requests_to webwxupdatechatroom |
		jq -c '[.query.fun, (.body | fromjson | del(.BaseRequest))]'
}

# wx-sync's lines about group $1 (modcontact and messages in it).
synced() {
	wx-sync </dev/null | jq -c --arg r "$1" 'select(.UserName == $r or .FromUserName == $r)'
}

@test "wx-group: usage errors are 100, before any request" {
	local u
	u=$(usage_of "wx-group [-d DIR] GROUP topic TEXT
       wx-group [-d DIR] GROUP add NAME ...
       wx-group [-d DIR] GROUP del NAME ...
       wx-group [-d DIR] GROUP quit
       wx-group [-d DIR] -c TOPIC NAME ...")
	: >"$EMU_LOG"
	run -100 --separate-stderr wx-group -Z
	[ "$stderr" = "$u" ]
	run -0 --separate-stderr wx-group -h
	[ "$output" = "$u" ]
	run -100 --separate-stderr wx-group "$OWNED"
	run -100 --separate-stderr wx-group "$OWNED" topic
	run -100 --separate-stderr wx-group "$OWNED" topic a b
	run -100 --separate-stderr wx-group "$OWNED" add
	run -100 --separate-stderr wx-group "$OWNED" del
	run -100 --separate-stderr wx-group "$OWNED" quit now
	run -100 --separate-stderr wx-group "$OWNED" rename x
	run -100 --separate-stderr wx-group -c x
	run -100 --separate-stderr wx-group "$OWNED" topic $'two\nlines'
	[[ "$stderr" == "wx-group: TOPIC: a control character: "* ]]
	run -100 --separate-stderr wx-group -c $'\xff' "$FRIEND"
	[[ "$stderr" == "wx-group: TOPIC: invalid UTF-8: "* ]]
	[ -z "$(requests_to webwxupdatechatroom)$(requests_to webwxcreatechatroom)" ]
}

@test "wx-group topic: modtopic renames; cache, wx-contacts -m and wx-sync (modcontact, tip) show it" {
	: >"$EMU_LOG"
	run -0 --separate-stderr wx-group "$OTHER" topic "周末 & Friends"
	[ -z "$output$stderr" ]
	[ "$(updates)" = "[\"modtopic\",{\"ChatRoomName\":\"$OTHER\",\"NewTopic\":\"周末 & Friends\"}]" ]
	[[ "$(requests_to webwxupdatechatroom | jq -r .query.pass_ticket)" != null ]]
	[ "$(requests_to webwxupdatechatroom | jq -r .query.lang)" = zh_CN ]
	[ -f "$WX_DIR/rate" ]
	[ "$(cached "$OTHER" | jq -r '[.NickName, .Name, .Kind] | join("|")')" = "周末 &amp; Friends|周末 & Friends|group" ]
	# resolvable by the new name
	run -0 wx-contacts "group:周末 & Friends" </dev/null
	[ "$(jq -r .UserName <<<"$output")" = "$OTHER" ]
	# the server's own list, fetched afresh
	rm "$WX_DIR/contacts"
	run -0 wx-contacts -m -t group </dev/null
	[ "$(jq -r --arg u "$OTHER" 'select(.UserName == $u) | .Name' <<<"$output")" = "周末 & Friends" ]
	run -0 synced "$OTHER"
	[ "$(jq -r 'select(.Event == "modcontact") | .Name' <<<"$output")" = "周末 & Friends" ]
	[ "$(jq -r 'select(.Event == "message") | [.MsgType, .TypeName, .Text] | join("|")' <<<"$output")" = "10000|system|你修改群名为“周末 & Friends”" ]
}

@test "wx-group add: addmember; the member is in the cache, wx-contacts -m, wx-sync" {
	local n
	n=$(cached "$OWNED" | jq .MemberCount)
	: >"$EMU_LOG"
	run -0 --separate-stderr wx-group "$OWNED" add "$FRIEND"
	[ -z "$output$stderr" ]
	[ "$(updates)" = "[\"addmember\",{\"ChatRoomName\":\"$OWNED\",\"AddMemberList\":\"$FRIEND\"}]" ]
	[ "$(cached "$OWNED" | jq -c --arg f "$FRIEND" '[.MemberCount, ([.MemberList[].UserName] | index($f) != null)]')" = "[$((n + 1)),true]" ]
	rm "$WX_DIR/contacts"
	run -0 wx-contacts -m "$OWNED" </dev/null
	[ "$(jq -c --arg f "$FRIEND" '[.MemberCount, ([.MemberList[].UserName] | index($f) != null)]' <<<"$output")" = "[$((n + 1)),true]" ]
	run -0 synced "$OWNED"
	[ "$(jq -c --arg f "$FRIEND" 'select(.Event == "modcontact") | [.MemberCount, ([.MemberList[].UserName] | index($f) != null)]' <<<"$output")" = "[$((n + 1)),true]" ]
	local nick
	nick=$(emu_contacts | jq -r --arg f "$FRIEND" 'select(.UserName == $f) | .NickName')
	[ "$(jq -r 'select(.Event == "message") | .Text' <<<"$output")" = "你邀请\"$(wx-contacts "$FRIEND" </dev/null | jq -r .Name)\"加入了群聊" ]
	[ -n "$nick" ]
}

@test "wx-group add: from 40 members on it is invitemember; several names comma-joined" {
	local f a b
	f=$(jq -r 'select(.Kind == "friend") | .UserName' "$WX_DIR/contacts")
	a=$(sed -n 1p <<<"$f"); b=$(sed -n 2p <<<"$f")
	# a group the cache says has 39 members: 39 + 2 >= 40
	jq -c --arg r "$OTHER" 'if .UserName == $r then .MemberCount = 39 | .MemberList = [] else . end' \
		"$WX_DIR/contacts" >"$BATS_TEST_TMPDIR/c" && mv "$BATS_TEST_TMPDIR/c" "$WX_DIR/contacts"
	: >"$EMU_LOG"
	run -0 --separate-stderr wx-group "$OTHER" add "$a" "$b"
	[ "$(updates)" = "[\"invitemember\",{\"ChatRoomName\":\"$OTHER\",\"InviteMemberList\":\"$a,$b\"}]" ]
	# an incomplete MemberList is left for wx-sync
	[ "$(cached "$OTHER" | jq -c '[.MemberCount, (.MemberList | length)]')" = "[39,0]" ]
	run -0 synced "$OTHER"
	[ "$(jq -c --arg a "$a" --arg b "$b" 'select(.Event == "modcontact") | [.MemberList[].UserName] | (index($a) != null and index($b) != null)' <<<"$output")" = true ]
	[[ "$(jq -r 'select(.Event == "message") | .Text' <<<"$output")" == "你邀请\""*"\"、\""*"\"加入了群聊" ]]
}

@test "wx-group del: delmember in an owned group; cache, wx-contacts -m, wx-sync" {
	local m n
	n=$(cached "$OWNED" | jq .MemberCount)
	m=$(cached "$OWNED" | jq -r --arg me "$(session_get username)" '[.MemberList[].UserName | select(. != $me)] | .[0]')
	: >"$EMU_LOG"
	run -0 --separate-stderr wx-group "$OWNED" del "$m"
	[ -z "$output$stderr" ]
	[ "$(updates)" = "[\"delmember\",{\"ChatRoomName\":\"$OWNED\",\"DelMemberList\":\"$m\"}]" ]
	[ "$(cached "$OWNED" | jq -c --arg m "$m" '[.MemberCount, ([.MemberList[].UserName] | index($m) != null)]')" = "[$((n - 1)),false]" ]
	rm "$WX_DIR/contacts"
	run -0 wx-contacts -m "$OWNED" </dev/null
	[ "$(jq -c --arg m "$m" '[.MemberCount, ([.MemberList[].UserName] | index($m) != null)]' <<<"$output")" = "[$((n - 1)),false]" ]
	run -0 synced "$OWNED"
	[ "$(jq -c 'select(.Event == "modcontact") | .MemberCount' <<<"$output")" = $((n - 1)) ]
	[[ "$(jq -r 'select(.Event == "message") | .Text' <<<"$output")" == "你将\""*"\"移出了群聊" ]]
}

@test "wx-group del: not the owner is 1 with the server's answer; nothing changes" {
	local m before
	m=$(cached "$OTHER" | jq -r --arg me "$(session_get username)" '[.MemberList[].UserName | select(. != $me)] | .[0]')
	before=$(cat "$WX_DIR/contacts")
	run -1 --separate-stderr wx-group "$OTHER" del "$m"
	[ "${stderr_lines[0]}" = "wx-group: webwxupdatechatroom: refused (Ret 1)" ]
	[ "${stderr_lines[1]}" = "wx-group: $OTHER: only the group's owner can remove members" ]
	[ "$(cat "$WX_DIR/contacts")" = "$before" ]
	run -0 synced "$OTHER"
	[ -z "$output" ]
}

@test "wx-group quit: quitchatroom; the group leaves the cache, wx-sync says delcontact" {
	: >"$EMU_LOG"
	run -0 --separate-stderr wx-group "$OTHER" quit
	[ -z "$output$stderr" ]
	[ "$(updates)" = "[\"quitchatroom\",{\"ChatRoomName\":\"$OTHER\"}]" ]
	[ -z "$(cached "$OTHER")" ]
	run -0 synced "$OTHER"
	[ "$(jq -r .Event <<<"$output")" = delcontact ]
	# the server no longer lists it
	rm "$WX_DIR/contacts"
	run -0 wx-contacts -t group </dev/null
	[[ "$output" != *"$OTHER"* ]]
}

@test "wx-group -c: webwxcreatechatroom is refused (Ret 1) as since 2018: exit 1" {
	: >"$EMU_LOG"
	run -1 --separate-stderr wx-group -c "New Room" "$FRIEND"
	[ -z "$output" ]
	[ "$stderr" = "wx-group: webwxcreatechatroom: refused (Ret 1)" ]
	[ "$(requests_to webwxcreatechatroom | jq -c '.body | fromjson | del(.BaseRequest)')" = "{\"MemberCount\":1,\"MemberList\":[{\"UserName\":\"$FRIEND\"}],\"Topic\":\"New Room\"}" ]
	[[ "$(requests_to webwxcreatechatroom | jq -r .query.r)" =~ ^[0-9]{13}$ ]]
	# a group is no member to add
	run -1 --separate-stderr wx-group -c x "$OWNED"
	[ "$stderr" = "wx-group: $OWNED: not a friend but a group" ]
}

@test "wx-group: ambiguous or unknown names are 1 with the candidates, nothing sent" {
	local a b
	a=$(jq -r 'select(.Kind == "friend") | .UserName' "$WX_DIR/contacts" | sed -n 1p)
	b=$(jq -r 'select(.Kind == "friend") | .UserName' "$WX_DIR/contacts" | sed -n 2p)
	emu_ctl modcontact "username=$a&nickname=Twin" >/dev/null
	emu_ctl modcontact "username=$b&nickname=Twin" >/dev/null
	wx-contacts -m </dev/null >/dev/null
	: >"$EMU_LOG"
	run -1 --separate-stderr wx-group "$OWNED" add Twin
	[ "${stderr_lines[0]}" = "wx-group: Twin: 2 contacts match; name one of them exactly:" ]
	[[ "$stderr" == *"$a"* && "$stderr" == *"$b"* ]]
	run -1 --separate-stderr wx-group "Nobody At All" quit
	[ "$stderr" = "wx-group: Nobody At All: no contact of that name" ]
	# GROUP must be a group, an added NAME a friend
	run -1 --separate-stderr wx-group "$a" topic x
	[ "$stderr" = "wx-group: $a: not a group but a friend" ]
	run -1 --separate-stderr wx-group "$OWNED" add "$OTHER"
	[ "$stderr" = "wx-group: $OTHER: not a friend but a group" ]
	[ -z "$(requests_to webwxupdatechatroom)" ]
}

@test "wx-group: 1101 is 1, 1205 and every fault kind 111; the cache stays" {
	local before k
	before=$(cat "$WX_DIR/contacts")
	fault webwxupdatechatroom ret1101
	run -1 --separate-stderr wx-group "$OWNED" topic x
	[ "$stderr" = "wx-group: webwxupdatechatroom: logged out (1101)" ]
	fault webwxupdatechatroom ret-1
	run -1 --separate-stderr wx-group "$OWNED" add "$FRIEND"
	[[ "$stderr" == "wx-group: webwxupdatechatroom: refused (Ret -1)"* ]]
	fault webwxupdatechatroom ret1205
	run -111 --separate-stderr wx-group "$OWNED" topic x
	[[ "$stderr" == *"too frequent (1205)"* ]]
	fault webwxcreatechatroom ret1205
	run -111 --separate-stderr wx-group -c x "$FRIEND"
	for k in http500 reset truncate malformed; do
		fault webwxupdatechatroom "$k"
		run -111 --separate-stderr wx-group "$OWNED" topic x
		[ -z "$output" ] || fail "$k: printed '$output'"
		[[ "$stderr" == "wx-group: "* ]] || fail "$k: '$stderr'"
		fault webwxcreatechatroom "$k"
		run -111 --separate-stderr wx-group -c x "$FRIEND"
		[[ "$stderr" == "wx-group: "* ]] || fail "create $k: '$stderr'"
	done
	refute_secrets
	[ "$(cat "$WX_DIR/contacts")" = "$before" ]
	# and then it goes
	run -0 wx-group "$OWNED" topic x
	[ "$(cached "$OWNED" | jq -r .Name)" = x ]
}
