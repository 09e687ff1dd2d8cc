#!/usr/bin/env bats
# wx-accept: webwxverifyuser (protocol.md §10.2) for verify events of
# wx-sync on stdin: Opcode 3 accepts (the stranger becomes a friend that
# webwxgetcontact lists and wx-sync reports as modcontact), -r (Opcode 4)
# rejects; line by line as they come; a line that is no verify event is
# 100 with nothing sent; refusals and faults exit as wx(7) says.
load helper
load login
load sync

setup_file() { emu_start -a -n 10 -g 2 -m 8; }
teardown_file() { emu_stop; }

# Each test: a fresh login, up to date, with a contacts cache; no fault.
setup() {
	export WX_DIR="$BATS_TEST_TMPDIR/wx" WX_RATE=0
	current
	wx-contacts </dev/null >/dev/null
	fault webwxverifyuser http500 0
}

# request: inject a friend request and print its verify line of wx-sync.
request() {
	inject '{"TypeName":"verify"}' >/dev/null
	wx-sync </dev/null | jq -c 'select(.TypeName == "verify")' | tail -n 1
}

# The verifyuser requests' bodies, one a line, without BaseRequest.
verifies() {
	requests_to webwxverifyuser | jq -c '.body | fromjson | del(.BaseRequest)'
}

@test "wx-accept: usage errors are 100" {
	run -100 --separate-stderr wx-accept -Z
	[ "$stderr" = "$(usage_of "wx-accept [-d DIR] [-g GREETING] [-r] [-]")" ]
	run -0 --separate-stderr wx-accept -h
	[ "$output" = "$(usage_of "wx-accept [-d DIR] [-g GREETING] [-r] [-]")" ]
	run -100 --separate-stderr wx-accept x </dev/null
	run -100 --separate-stderr wx-accept - - </dev/null
	# an empty stdin without '-' is no input; with it, nothing to do
	run -100 --separate-stderr wx-accept </dev/null
	run -0 --separate-stderr wx-accept - </dev/null
	[ -z "$output$stderr" ]
	run -100 --separate-stderr wx-accept -g $'a\tb' - </dev/null
	[[ "$stderr" == "wx-accept: -g: a control character: "* ]]
	run -100 --separate-stderr wx-accept -g "$(printf 'x%.0s' {1..51})" - </dev/null
	run -100 --separate-stderr wx-accept -d "$BATS_TEST_TMPDIR/none" - </dev/null
	[[ "$stderr" == "wx-accept: "*"run wx-init first" ]]
}

@test "wx-accept: accepts (Opcode 3, scene 33); wx-contacts and wx-sync show the new friend" {
	local line user ticket
	line=$(request)
	user=$(jq -r .RecommendInfo.UserName <<<"$line")
	ticket=$(jq -r .RecommendInfo.Ticket <<<"$line")
	[ -z "$(jq -r --arg u "$user" 'select(.UserName == $u)' "$WX_DIR/contacts")" ]
	: >"$EMU_LOG"
	run -0 --separate-stderr wx-accept -g "hi there" <<<"$line"
	[ "$output" = "accepted=$user" ]
	[ -z "$stderr" ]
	[ "$(verifies)" = "$(jq -cn --arg u "$user" --arg t "$ticket" --arg k "$(session_get skey)" \
		'{Opcode: 3, VerifyUserListSize: 1, VerifyUserList: [{Value: $u, VerifyUserTicket: $t}],
		  VerifyContent: "hi there", SceneListCount: 1, SceneList: [33], skey: $k}')" ]
	run -0 requests_to webwxverifyuser
	[ "$(jq -r '.query | [.lang, (.r | test("^[0-9]+$") | tostring), (.pass_ticket != null | tostring)] | join(",")' <<<"$output")" = "zh_CN,true,true" ]
	[ -f "$WX_DIR/rate" ]
	# wx-sync: the new friend as a modcontact line, and into the cache
	run -0 wx-sync </dev/null
	[ "$(jq -r --arg u "$user" 'select(.Event == "modcontact" and .UserName == $u) | [.Kind, .ContactFlag] | join(",")' <<<"$output")" = "friend,3" ]
	[ "$(jq -r --arg u "$user" 'select(.UserName == $u) | .Kind' "$WX_DIR/contacts")" = friend ]
	# a fresh webwxgetcontact lists it
	run -0 wx-contacts -t friend </dev/null
	[ "$(jq -r --arg u "$user" 'select(.UserName == $u) | .Name' <<<"$output")" = "$(jq -r .RecommendInfo.NickName <<<"$line")" ]
	# and it can be given a remark now
	[ -x "$TOP/bin/wx-remark" ] || return 0
	run -0 wx-remark "$user" newfriend
}

@test "wx-accept -r rejects (Opcode 4): nobody new; the ticket is then spent" {
	local line user
	line=$(request)
	user=$(jq -r .RecommendInfo.UserName <<<"$line")
	: >"$EMU_LOG"
	run -0 --separate-stderr wx-accept -r - <<<"$line"
	[ "$output" = "rejected=$user" ]
	[ "$(verifies | jq -c '[.Opcode, .VerifyContent]')" = '[4,""]' ]
	run -0 wx-sync </dev/null
	[ -z "$(jq -r 'select(.Event == "modcontact")' <<<"$output")" ]
	run -0 wx-contacts -t friend </dev/null
	[ -z "$(jq -r --arg u "$user" 'select(.UserName == $u)' <<<"$output")" ]
	# answered once: accepting it after is Ret 1
	run -1 --separate-stderr wx-accept <<<"$line"
	[ -z "$output" ]
	[[ "$stderr" == "wx-accept: webwxverifyuser: refused (Ret 1)"* ]]
}

@test "wx-accept: an unknown ticket is 1 and the next line still goes" {
	local good bad user
	good=$(request)
	user=$(jq -r .RecommendInfo.UserName <<<"$good")
	bad=$(jq -c '.RecommendInfo.Ticket = "v2_0000@stranger"' <<<"$good")
	: >"$EMU_LOG"
	run -1 --separate-stderr wx-accept <<<"$bad
$good"
	[ "$output" = "accepted=$user" ]
	[[ "$stderr" == "wx-accept: webwxverifyuser: refused (Ret 1)"* ]]
	[ "$(requests_to webwxverifyuser | wc -l)" -eq 2 ]
}

@test "wx-accept: lines that are no verify event are 100, nothing sent for them" {
	local good bad
	good=$(request)
	: >"$EMU_LOG"
	for bad in 'not json' '[1,2]' '{"TypeName":"text","MsgType":1}' \
		"$(jq -c '.TypeName = "text"' <<<"$good")" \
		"$(jq -c '.MsgType = 1' <<<"$good")" \
		"$(jq -c 'del(.RecommendInfo.Ticket)' <<<"$good")" \
		"$(jq -c 'del(.RecommendInfo.UserName)' <<<"$good")" \
		"$(jq -c '.RecommendInfo.UserName = "wxid_abc"' <<<"$good")" \
		"$(jq -c '.RecommendInfo.UserName = "@abc\"},{\"Value\":\"@x"' <<<"$good")" \
		"$(jq -c '.RecommendInfo.UserName = "@" + ("a" * 200)' <<<"$good")" \
		"$(jq -c '.RecommendInfo.Ticket = "v2 x"' <<<"$good")" \
		"$(jq -c '.RecommendInfo.Ticket = ("a" * 600)' <<<"$good")"; do
		run -100 --separate-stderr wx-accept <<<"$bad"
		[ -z "$output" ] || fail "'$bad': printed '$output'"
		[[ "$stderr" == "wx-accept: stdin: line 1: "* ]] || fail "'$bad': '$stderr'"
	done
	[ -z "$(requests_to webwxverifyuser)" ]
	# the lines before a bad one are done; blank lines are skipped
	run -100 --separate-stderr wx-accept <<<"
$good
oops"
	[ "$output" = "accepted=$(jq -r .RecommendInfo.UserName <<<"$good")" ]
	[ "$stderr" = "wx-accept: stdin: line 3: not a JSON object" ]
	[ "$(requests_to webwxverifyuser | wc -l)" -eq 1 ]
}

@test "wx-accept: line by line as they come (a bot), output flushed each" {
	local fifo="$BATS_TEST_TMPDIR/in" out="$BATS_TEST_TMPDIR/out" a b pid
	a=$(request)
	b=$(request)
	mkfifo "$fifo"
	wx-accept - <"$fifo" >"$out" 2>&1 3>&- &
	pid=$!
	exec 4>"$fifo"
	echo "$a" >&4
	wait_lines "$out" 1
	[ "$(cat "$out")" = "accepted=$(jq -r .RecommendInfo.UserName <<<"$a")" ]
	echo "$b" >&4
	wait_lines "$out" 2
	exec 4>&-
	wait "$pid"
	[ "$(sed -n 2p "$out")" = "accepted=$(jq -r .RecommendInfo.UserName <<<"$b")" ]
}

@test "wx-accept: 1101 is 1 and stops; 1205 and every fault kind 111" {
	local line k
	line=$(request)
	fault webwxverifyuser ret1101
	: >"$EMU_LOG"
	run -1 --separate-stderr wx-accept <<<"$line
$line"
	[ "$stderr" = "wx-accept: webwxverifyuser: logged out (1101)" ]
	[ "$(requests_to webwxverifyuser | wc -l)" -eq 1 ]
	fault webwxverifyuser ret1205
	run -111 --separate-stderr wx-accept <<<"$line"
	[[ "$stderr" == *"too frequent (1205)"* ]]
	for k in http500 reset truncate malformed; do
		fault webwxverifyuser "$k"
		run -111 --separate-stderr wx-accept <<<"$line"
		[ -z "$output" ] || fail "$k: printed '$output'"
		[[ "$stderr" == "wx-accept: "* ]] || fail "$k: '$stderr'"
	done
	refute_secrets
	# a request whose answer was lost may have been taken: a new one goes
	line=$(request)
	run -0 wx-accept <<<"$line"
}
