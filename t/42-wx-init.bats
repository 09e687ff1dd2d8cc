#!/usr/bin/env bats
# wx-init: newloginpage + webwxinit + statusnotify, desktop mode, refusals,
# faults; the session is written once, at the end, or not at all.
load helper
load login

setup_file() { emu_start -H 1 -a; }
teardown_file() { emu_stop; }

# uuid + wait (the emulator confirms by itself): redirect_uri in session.
confirmed() {
	new_uuid "$@"
	wx-wait -t 20 </dev/null >/dev/null
}

@test "wx-init: usage errors exit 100" {
	run -100 --separate-stderr wx-init operand
	[ "$stderr" = "$(usage_of "wx-init [-d DIR]")" ]
}

@test "wx-init: no redirect_uri anywhere is 100" {
	run -100 --separate-stderr wx-init </dev/null
	[[ "$stderr" == "wx-init: "*"no redirect_uri; run wx-wait first" ]]
}

@test "wx-init: logs in from the session; summary without secrets" {
	confirmed
	: >"$EMU_LOG"
	run -0 --separate-stderr wx-init </dev/null
	[ -z "$stderr" ]
	assert_line --index 0 -e '^username=@[0-9a-f]{32,64}$'
	assert_line --index 1 -e '^nickname=.'
	assert_line --index 2 'host=wx2.qq.com'
	assert_line --index 3 'mode=web'
	assert_line --index 4 -e '^contacts=[0-9]+$'
	assert_line --index 5 -e '^chats=[0-9]+$'
	[ "${#lines[@]}" -eq 6 ]
	local k
	for k in skey wxsid wxuin pass_ticket synckey synccheckkey; do
		[ -n "$(session_get $k)" ] || fail "no $k"
	done
	[ "$(session_get host)" = wx2.qq.com ]
	[ "$(session_get file_host)" = file.wx2.qq.com ]
	[ "$(session_get push_host)" = webpush.wx2.qq.com ]
	[ "$(session_get username)" = "${lines[0]#username=}" ]
	[ "$(session_get nickname)" = "${lines[1]#nickname=}" ]
	[ "$(session_get synckey)" = "$(session_get synccheckkey)" ]
	[[ "$(session_get synckey)" =~ ^1_[0-9]+\|2_[0-9]+\|3_[0-9]+\|1000_[0-9]+$ ]]
	[ "$(session_mode)" = 600 ]
	[ "$(stat -c %a "$WX_DIR/cookies")" = 600 ]
	grep -q webwx_data_ticket "$WX_DIR/cookies"
	refute_secrets
	run -0 jq -r '.path' "$EMU_LOG"
	assert_line --index 0 /cgi-bin/mmwebwx-bin/webwxnewloginpage
	assert_line --index 1 /cgi-bin/mmwebwx-bin/webwxinit
	assert_line --index 2 /cgi-bin/mmwebwx-bin/webwxstatusnotify
}

@test "wx-init: the requests carry what the official client sends" {
	confirmed
	: >"$EMU_LOG"
	wx-init </dev/null >/dev/null
	run -0 jq -r 'select(.path | endswith("webwxnewloginpage")) | .query | keys_unsorted | join(",")' "$EMU_LOG"
	assert_output ticket,uuid,lang,scan,fun,version
	run -0 jq -r 'select(.path | endswith("webwxinit")) | .body | fromjson | .BaseRequest.Uin | type' "$EMU_LOG"
	assert_output string
	run -0 jq -r 'select(.path | endswith("webwxinit")) | .query | keys_unsorted | join(",")' "$EMU_LOG"
	assert_output r,lang,pass_ticket
	run -0 jq -c 'select(.path | endswith("webwxstatusnotify")) | .body | fromjson | [.Code, (.FromUserName == .ToUserName), (.ClientMsgId | tostring | length), (.BaseRequest.Uin | type)]' "$EMU_LOG"
	assert_output '[3,true,13,"number"]'
	run -0 jq -r 'select(.path | endswith("webwxstatusnotify")) | .body | fromjson | .FromUserName' "$EMU_LOG"
	assert_output "$(session_get username)"
	run grep -c -i extspam "$EMU_LOG"
	assert_output 0
}

@test "wx-init: desktop mode sends the UOS headers on newloginpage only" {
	confirmed -D
	: >"$EMU_LOG"
	run -0 --separate-stderr wx-init </dev/null
	assert_line --index 3 'mode=desktop'
	[ "$(session_get mode)" = desktop ]
	run -0 jq -r 'select(.path | endswith("webwxnewloginpage")) | .query.mod' "$EMU_LOG"
	assert_output desktop
	run -0 jq -r 'select(.path | endswith("webwxnewloginpage")) | .headers | tostring | ascii_downcase' "$EMU_LOG"
	assert_output -p '"client-version":"2.0.0"'
	assert_output -p '"extspam":"go8fcikf'
	run -0 requests_to webwxinit
	refute_output -p 'Go8FCIkF'
}

@test "wx-init: redirect_uri from stdin, and the wx-wait | wx-init pipeline" {
	new_uuid
	run -0 --separate-stderr sh -c 'wx-wait -t 20 </dev/null | wx-init'
	assert_line --index 2 'host=wx2.qq.com'
	refute_secrets
	new_uuid
	local uri
	uri=$(wx-wait -t 20 </dev/null)
	run -0 --separate-stderr wx-init <<<"$uri"
	assert_line --index 2 'host=wx2.qq.com'
}

@test "wx-init: wx-uuid -D | wx-wait | wx-init reads the mode committed upstream" {
	: >"$EMU_LOG"
	run -0 --separate-stderr sh -c 'wx-uuid -D | wx-wait -t 20 | wx-init'
	assert_line --index 3 'mode=desktop'
	run -0 jq -r 'select(.path | endswith("webwxnewloginpage")) | .query.mod' "$EMU_LOG"
	assert_output desktop
}

@test "wx-init: redirect_uri on an unknown host is 100, session untouched" {
	confirmed
	local before
	before=$(session_sum)
	run -100 --separate-stderr wx-init <<<"redirect_uri=https://evil.example.com/cgi-bin/mmwebwx-bin/webwxnewloginpage?ticket=x"
	assert_output ''
	[ "$stderr" = "wx-init: redirect_uri: unknown web host evil.example.com for mode web" ]
	[ "$(session_sum)" = "$before" ]
}

@test "wx-init: 1203 refusal is 1 with the server's message, session untouched" {
	confirmed
	local before
	before=$(session_sum)
	fault webwxnewloginpage ret1203
	run -1 --separate-stderr wx-init </dev/null
	assert_output ''
	[[ "$stderr" == "wx-init: login refused (ret 1203): "?* ]]
	[[ "$stderr" != *"&#"* && "$stderr" != *"&amp;"* ]]
	[ "$(session_sum)" = "$before" ]
}

# After webwxnewloginpage succeeded, its credentials are stored and the
# account's keys are not: a retry goes on from there.
earned_only() {
	[ -n "$(session_get skey)" ] && [ -n "$(session_get login_uri)" ] &&
		[ -z "$(session_get username)" ] && [ -z "$(session_get synckey)" ]
}

@test "wx-init: webwxinit and statusnotify Ret codes map to 1 and 111" {
	local cgi kind code want
	for cgi in webwxinit webwxstatusnotify; do
		for kind in ret1100:1 ret1101:1 ret1102:1 ret1205:111 ret1203:1; do
			code=${kind#*:}
			kind=${kind%:*}
			case $kind in
			ret1205) want="too frequent (1205); try later" ;;
			ret1203) want="refused (Ret 1203)" ;;
			*) want="logged out (${kind#ret})" ;;
			esac
			confirmed
			fault "$cgi" "$kind"
			run --separate-stderr wx-init </dev/null
			[ "$status" -eq "$code" ] || fail "$cgi $kind: $status $stderr"
			assert_output ''
			[[ "$stderr" == "wx-init: $cgi: $want"* ]] || fail "$stderr"
			earned_only || fail "$cgi $kind: not just the credentials"
		done
	done
}

@test "wx-init: transport faults on each step are 111; a retry finishes" {
	local cgi kind before
	for cgi in webwxnewloginpage webwxinit webwxstatusnotify; do
		for kind in http500 reset truncate malformed; do
			confirmed
			before=$(session_sum)
			# libcurl sends a request again, once, when a reused
			# connection is reset: the second reset must fail it
			fault "$cgi" "$kind" 2
			run --separate-stderr wx-init </dev/null
			fault "$cgi" "$kind" 0
			[ "$status" -eq 111 ] || fail "$cgi $kind: $status $stderr"
			assert_output ''
			[[ "$stderr" == wx-init:* ]]
			if [ "$cgi" = webwxnewloginpage ]; then
				[ "$(session_sum)" = "$before" ] ||
					fail "$cgi $kind touched the session"
				continue
			fi
			earned_only || fail "$cgi $kind: not just the credentials"
			# the ticket is spent: the retry must not exchange it again
			run --separate-stderr wx-init </dev/null
			[ "$status" -eq 0 ] || fail "retry after $cgi $kind: $status $stderr"
			[ -n "$(session_get username)" ]
		done
	done
}

@test "wx-init: garbage session or mode 0644 is 100 and left alone" {
	local before
	garbage_session
	before=$(session_sum)
	run -100 --separate-stderr wx-init </dev/null
	[[ "$stderr" == "wx-init: "* ]]
	[ "$(session_sum)" = "$before" ]
	open_session
	before=$(session_sum)
	run -100 --separate-stderr wx-init </dev/null
	[ "$(session_sum)" = "$before" ]
}
