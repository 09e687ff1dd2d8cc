#!/usr/bin/env bats
# wx-remark: webwxoplog (protocol.md §10.1) CmdId 2 sets a remark, CmdId 3
# pins or unpins and keeps the remark; the contacts cache and wx-sync's
# modcontact line show the change; names resolve exactly; refusals and
# faults exit as wx(7) says, with the cache untouched.
load helper
load login
load sync

setup_file() { emu_start -a -n 20 -g 2 -m 8; }
teardown_file() { emu_stop; }

# Each test: a fresh login, up to date, with a contacts cache; PEER a
# friend; no fault armed.
setup() {
	export WX_DIR="$BATS_TEST_TMPDIR/wx" WX_RATE=0
	current
	wx-contacts </dev/null >/dev/null
	PEER=$(first_of person)
	fault webwxoplog http500 0
}

# The line of UserName $1 in the cache (without -d: $WX_DIR).
cached() {
	jq -c --arg u "$1" 'select(.UserName == $u)' "$WX_DIR/contacts"
}

# The oplog requests' bodies, one a line.
oplogs() {
	requests_to webwxoplog | jq -c '.body | fromjson | del(.BaseRequest)'
}

@test "wx-remark: usage errors and bad remarks are 100, before any request" {
	: >"$EMU_LOG"
	run -100 --separate-stderr wx-remark -Z x y
	[ "$stderr" = "$(usage_of "wx-remark [-d DIR] [-p | -u] NAME [REMARK]")" ]
	run -100 --separate-stderr wx-remark "$PEER"
	[ "$stderr" = "$(usage_of "wx-remark [-d DIR] [-p | -u] NAME [REMARK]")" ]
	run -100 --separate-stderr wx-remark a b c
	run -0 --separate-stderr wx-remark -h
	[ "$output" = "$(usage_of "wx-remark [-d DIR] [-p | -u] NAME [REMARK]")" ]
	run -100 --separate-stderr wx-remark "$PEER" "0123456789abcdefghi"
	[ "$stderr" = "wx-remark: REMARK: too long: UTF-8 without control characters, at most 18 characters" ]
	run -100 --separate-stderr wx-remark "$PEER" $'two\nlines'
	[[ "$stderr" == "wx-remark: REMARK: a control character: "* ]]
	run -100 --separate-stderr wx-remark "$PEER" $'\xff'
	[[ "$stderr" == "wx-remark: REMARK: invalid UTF-8: "* ]]
	WX_RATE=fast run -100 --separate-stderr wx-remark "$PEER" x
	[[ "$stderr" == "wx-remark: WX_RATE: bad value 'fast'"* ]]
	run -100 --separate-stderr wx-remark -d "$BATS_TEST_TMPDIR/none" "$PEER" x
	[[ "$stderr" == "wx-remark: "*"run wx-init first" ]]
	[ -z "$(requests_to webwxoplog)" ]
	# 18 characters are not 18 bytes
	run -0 --separate-stderr wx-remark "$PEER" "一二三四五六七八九十一二三四五六七八"
}

@test "wx-remark: sets the remark (CmdId 2); cache, wx-contacts and wx-sync show it" {
	: >"$EMU_LOG"
	run -0 --separate-stderr wx-remark "$PEER" "老板 Bob"
	[ -z "$output$stderr" ]
	[ "$(oplogs)" = "{\"UserName\":\"$PEER\",\"CmdId\":2,\"RemarkName\":\"老板 Bob\"}" ]
	[[ "$(requests_to webwxoplog | jq -r .query.pass_ticket)" != null ]]
	[ -f "$WX_DIR/rate" ]
	# the cache, at once
	[ "$(cached "$PEER" | jq -r '[.RemarkName, .Remark, .Kind] | join(",")')" = "老板 Bob,老板 Bob,friend" ]
	# resolvable by the remark now
	run -0 wx-contacts "remark:老板 Bob" </dev/null
	[ "$(jq -r .UserName <<<"$output")" = "$PEER" ]
	# the server's own list, fetched afresh
	rm "$WX_DIR/contacts"
	run -0 wx-contacts -t friend </dev/null
	[ "$(jq -r --arg u "$PEER" 'select(.UserName == $u) | .Remark' <<<"$output")" = "老板 Bob" ]
	# and wx-sync's modcontact line
	run -0 wx-sync </dev/null
	[ "$(jq -r --arg u "$PEER" 'select(.Event == "modcontact" and .UserName == $u) | .Remark' <<<"$output")" = "老板 Bob" ]
	# an empty REMARK clears it
	run -0 wx-remark "$PEER" ""
	[ "$(cached "$PEER" | jq -r '.RemarkName + "|" + .Remark')" = "|" ]
	run -0 wx-sync </dev/null
	[ "$(jq -r --arg u "$PEER" 'select(.Event == "modcontact" and .UserName == $u) | .RemarkName' <<<"$output")" = "" ]
}

@test "wx-remark: -p pins (CmdId 3, OP 1) keeping the remark; -u unpins" {
	wx-remark "$PEER" boss
	: >"$EMU_LOG"
	run -0 --separate-stderr wx-remark -p boss
	[ -z "$output$stderr" ]
	[ "$(oplogs)" = "{\"UserName\":\"$PEER\",\"CmdId\":3,\"OP\":1,\"RemarkName\":\"boss\"}" ]
	[ $(( $(cached "$PEER" | jq .ContactFlag) & 2048 )) -eq 2048 ]
	[ "$(cached "$PEER" | jq -r .Remark)" = boss ]
	run -0 wx-sync </dev/null
	[ "$(jq -c --arg u "$PEER" 'select(.Event == "modcontact" and .UserName == $u) | [.ContactFlag, .RemarkName]' <<<"$output" | tail -n 1)" = "[2051,\"boss\"]" ]
	# the server still has the remark (a fresh list)
	rm "$WX_DIR/contacts"
	run -0 wx-contacts "$PEER" </dev/null
	[ "$(jq -c '[.ContactFlag, .Remark]' <<<"$output")" = "[2051,\"boss\"]" ]
	# unpin, and set another remark in the same request
	: >"$EMU_LOG"
	run -0 wx-remark -u boss chief
	[ "$(oplogs)" = "{\"UserName\":\"$PEER\",\"CmdId\":3,\"OP\":0,\"RemarkName\":\"chief\"}" ]
	[ "$(cached "$PEER" | jq -c '[.ContactFlag, .Remark]')" = "[3,\"chief\"]" ]
	run -0 wx-sync </dev/null
	[ "$(jq -c --arg u "$PEER" 'select(.Event == "modcontact" and .UserName == $u) | [.ContactFlag, .Remark]' <<<"$output" | tail -n 1)" = "[3,\"chief\"]" ]
}

@test "wx-remark: an ambiguous or unknown name is 1 with the candidates, nothing sent" {
	local a b
	a=$(emu_contacts | jq -r 'select(.Kind == "person") | .UserName' | sed -n 2p)
	b=$(emu_contacts | jq -r 'select(.Kind == "person") | .UserName' | sed -n 3p)
	emu_ctl modcontact "username=$a&nickname=Twin" >/dev/null
	emu_ctl modcontact "username=$b&nickname=Twin" >/dev/null
	wx-contacts </dev/null >/dev/null
	: >"$EMU_LOG"
	run -1 --separate-stderr wx-remark Twin x
	[ "${stderr_lines[0]}" = "wx-remark: Twin: 2 contacts match; name one of them exactly:" ]
	[[ "$stderr" == *"$a"* && "$stderr" == *"$b"* ]]
	run -1 --separate-stderr wx-remark "Nobody At All" x
	[ "$stderr" = "wx-remark: Nobody At All: no contact of that name" ]
	[ -z "$(requests_to webwxoplog)" ]
	# the UserName itself decides
	run -0 wx-remark "$a" twin-a
	[ "$(cached "$a" | jq -r .Remark)" = twin-a ]
}

@test "wx-remark: a group member who is no friend is 1, nothing sent" {
	local room m
	wx-contacts -m </dev/null >/dev/null
	room=$(jq -r 'select(.Kind == "group") | .UserName' "$WX_DIR/contacts" | head -n 1)
	m=$(jq -r --arg r "$room" 'select(.UserName == $r) | .MemberList[].UserName' "$WX_DIR/contacts" |
		while read -r u; do
			[ -n "$(cached "$u")" ] || { echo "$u"; break; }
		done)
	[ -n "$m" ]
	: >"$EMU_LOG"
	run -1 --separate-stderr wx-remark "$m" x
	[ "$stderr" = "wx-remark: $m: not in $WX_DIR/contacts: only a contact has a remark" ]
	[ -z "$(requests_to webwxoplog)" ]
}

@test "wx-remark: Ret refusals exit 1, 1205 and every fault kind 111; the cache stays" {
	local before k
	before=$(cat "$WX_DIR/contacts")
	fault webwxoplog ret1101
	run -1 --separate-stderr wx-remark "$PEER" x
	[ "$stderr" = "wx-remark: webwxoplog: logged out (1101)" ]
	fault webwxoplog ret-1
	run -1 --separate-stderr wx-remark "$PEER" x
	[[ "$stderr" == "wx-remark: webwxoplog: refused (Ret -1)"* ]]
	fault webwxoplog ret1205
	run -111 --separate-stderr wx-remark "$PEER" x
	[[ "$stderr" == *"too frequent (1205)"* ]]
	for k in http500 reset truncate malformed; do
		fault webwxoplog "$k"
		run -111 --separate-stderr wx-remark -p "$PEER" x
		[ -z "$output" ] || fail "$k: printed '$output'"
		[[ "$stderr" == "wx-remark: "* ]] || fail "$k: '$stderr'"
	done
	refute_secrets
	[ "$(cat "$WX_DIR/contacts")" = "$before" ]
	# and then it goes
	run -0 wx-remark "$PEER" x
	[ "$(cached "$PEER" | jq -r .Remark)" = x ]
}

@test "wx-emu: webwxoplog of an unknown UserName or CmdId is Ret 1" {
	local q body
	q="lang=zh_CN&pass_ticket=$(session_get pass_ticket)"
	body=$(jq -cn --arg u "$(session_get wxuin)" --arg s "$(session_get wxsid)" \
		--arg k "$(session_get skey)" \
		'{BaseRequest: {Uin: ($u | tonumber), Sid: $s, Skey: $k, DeviceID: "e123456789012345"}}')
	run -0 emu_curl -b "$WX_DIR/cookies" --data-binary "$(jq -c '. + {UserName: "@nobody", CmdId: 2, RemarkName: "x"}' <<<"$body")" \
		"https://wx2.qq.com/cgi-bin/mmwebwx-bin/webwxoplog?$q"
	[ "$(jq .BaseResponse.Ret <<<"$output")" = 1 ]
	run -0 emu_curl -b "$WX_DIR/cookies" --data-binary "$(jq -c --arg u "$PEER" '. + {UserName: $u, CmdId: 9}' <<<"$body")" \
		"https://wx2.qq.com/cgi-bin/mmwebwx-bin/webwxoplog?$q"
	[ "$(jq .BaseResponse.Ret <<<"$output")" = 1 ]
	# CmdId 3 without RemarkName clears the remark, as W4U warns
	wx-remark "$PEER" kept
	run -0 emu_curl -b "$WX_DIR/cookies" --data-binary "$(jq -c --arg u "$PEER" '. + {UserName: $u, CmdId: 3, OP: 1}' <<<"$body")" \
		"https://wx2.qq.com/cgi-bin/mmwebwx-bin/webwxoplog?$q"
	[ "$(jq .BaseResponse.Ret <<<"$output")" = 0 ]
	run -0 wx-sync </dev/null
	[ "$(jq -c --arg u "$PEER" 'select(.Event == "modcontact" and .UserName == $u) | [.ContactFlag, .RemarkName]' <<<"$output" | tail -n 1)" = "[2051,\"\"]" ]
}
