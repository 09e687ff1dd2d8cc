#!/usr/bin/env bats
# wx-logout: webwxlogout as RC sends it (protocol.md §10.5), the secrets
# gone from DIR/session and the cookie jar removed whatever the server
# answers, wxuin kept for push login; a second logout harmless; every
# command after it "logged out; log in again", exit 1.
load helper
load login
load sync

setup_file() { emu_start -H 1 -a -n 20; }
teardown_file() { emu_stop; }

# The keys a logout forgets.
FORGOTTEN="skey wxsid pass_ticket synckey synccheckkey msgids uuid redirect_uri login_uri username"

# Nothing of the login's secrets left in DIR (values saved in $secrets).
assert_forgotten() {
	local k v
	for k in $FORGOTTEN; do
		! grep -q "^$k=" "$WX_DIR/session" || fail "$k= still in the session"
	done
	[ ! -e "$WX_DIR/cookies" ] || fail "the cookie jar is still there"
	[ ! -e "$WX_DIR/contacts" ] || fail "the contacts cache is still there"
	for v in $secrets; do
		! grep -rqF -- "$v" "$WX_DIR" || fail "a secret is still in $WX_DIR"
	done
	ls "$WX_DIR" | grep -q 'tmp' && fail "temp files left" || true
}

# The login's secrets, to look for after the logout.
save_secrets() {
	secrets="$(session_get skey) $(session_get wxsid) $(session_get pass_ticket)
$(awk '$6 == "webwx_data_ticket" || $6 == "webwx_auth_ticket" { print $7 }' "$WX_DIR/cookies")"
	[ -n "$(session_get skey)" ] || fail "no login"
}

@test "wx-logout: usage errors exit 100" {
	run -100 --separate-stderr wx-logout extra
	[ "$stderr" = "$(usage_of "wx-logout [-d DIR]")" ]
	run -100 --separate-stderr wx-logout -Z
	[ "$stderr" = "$(usage_of "wx-logout [-d DIR]")" ]
}

@test "wx-logout: the request as protocol.md §10.5 has it; secrets and cookies gone, wxuin and host kept" {
	current
	save_secrets
	local uin host nick skey sid
	uin=$(session_get wxuin); host=$(session_get host); nick=$(session_get nickname)
	skey=$(session_get skey); sid=$(session_get wxsid)
	: >"$EMU_LOG"
	run -0 --separate-stderr wx-logout
	[ -z "$output" ]
	[ -z "$stderr" ]
	run -0 requests_to webwxlogout
	local req=$output
	[ "$(jq -r .method <<<"$req")" = POST ]
	[ "$(jq -r .host <<<"$req")" = "$host" ]
	[ "$(jq -r '.query | keys_unsorted | join(",")' <<<"$req")" = "redirect,type,skey" ]
	[ "$(jq -r '.query.redirect + .query.type' <<<"$req")" = 10 ]
	[ "$(jq -r .query.skey <<<"$req")" = "$skey" ]
	[ "$(jq -r .body <<<"$req")" = "sid=$(uri "$sid")&uin=$uin" ]
	[[ "$(jq -r '.headers["Content-Type"] // .headers["content-type"]' <<<"$req")" == application/x-www-form-urlencoded* ]]
	[[ "$(jq -r '.headers.Cookie // .headers.cookie' <<<"$req")" == *wxsid=* ]]
	assert_forgotten
	[ "$(session_get wxuin)" = "$uin" ]
	[ "$(session_get host)" = "$host" ]
	[ "$(session_get nickname)" = "$nick" ]
	[ "$(session_mode)" = 600 ]
	# the server ended the session too
	run -0 emu_curl "https://webpush.$host/cgi-bin/mmwebwx-bin/synccheck?r=1&skey=$(uri "$skey")&sid=$(uri "$sid")&uin=$uin&deviceid=e123456789012345&synckey=1_1&_=1"
	[[ "$output" == *'retcode:"1100"'* ]]
}

@test "wx-logout: a second logout, and one with no login at all, exit 0 and say nothing" {
	current
	wx-logout
	local sum
	sum=$(session_sum)
	: >"$EMU_LOG"
	run -0 --separate-stderr wx-logout
	[ -z "$output$stderr" ]
	[ "$(session_sum)" = "$sum" ]
	[ -z "$(requests_to webwxlogout)" ]
	run -0 --separate-stderr wx-logout -d "$BATS_TEST_TMPDIR/never"
	[ -z "$output$stderr" ]
	[ ! -e "$BATS_TEST_TMPDIR/never/session" ]
}

@test "wx-logout: then wx-sync, wx-synccheck, wx-contacts, wx-get, wx-revoke (wx-send) exit 1: log in again" {
	current
	wx-logout
	local c more=
	[ -x "$TOP/bin/wx-send" ] && more="wx-send filehelper hello"
	for c in wx-sync wx-synccheck wx-contacts "wx-get -o /dev/null 123" "wx-revoke 123" ${more:+"$more"}; do
		run -1 --separate-stderr $c </dev/null
		[ -z "$output" ] || fail "$c: printed '$output'"
		[ "$stderr" = "${c%% *}: $WX_DIR/session: logged out; log in again (wx-login)" ] ||
			fail "$c: '$stderr'"
	done
	# before any login it is 100, "run wx-init first", as it was
	run -100 --separate-stderr wx-sync -d "$BATS_TEST_TMPDIR/never" </dev/null
	[[ "$stderr" == *"run wx-init first" ]]
}

@test "wx-logout: push login with the kept wxuin, then the commands work again" {
	current
	wx-logout
	new_uuid -p
	wx-wait -t 20 </dev/null >/dev/null 2>&1
	wx-init </dev/null >/dev/null
	run -0 wx-synccheck </dev/null
	[ "${lines[0]}" = retcode=0 ]
}

@test "wx-logout: faults on webwxlogout still forget locally; the exit says the server may not know" {
	local k code
	for k in http500:111 reset:111 slow:0 malformed:0 truncate:0 ret1101:0; do
		code=${k#*:}; k=${k%:*}
		current
		save_secrets
		fault webwxlogout "$k"
		run --separate-stderr wx-logout
		[ "$status" -eq "$code" ] || fail "$k: exit $status, not $code"
		assert_forgotten
		if [ "$code" != 0 ]; then
			[[ "${stderr_lines[0]}" == "wx-logout: POST https://wx2.qq.com/cgi-bin/mmwebwx-bin/webwxlogout?"* ]] || fail "$k: '$stderr'"
			[ "${stderr_lines[1]}" = "wx-logout: the server may not know of the logout; the session's secrets are gone from $WX_DIR all the same" ]
		fi
		refute_secrets
		fault webwxlogout "$k" 0
	done
}

@test "wx-logout: no network at all still forgets, exit 111" {
	current
	save_secrets
	WX_CONNECT_TO=::127.0.0.1:1 run -111 --separate-stderr wx-logout
	assert_forgotten
	[ -n "$(session_get wxuin)" ]
}

@test "wx-logout: -d DIR names the session" {
	current
	mv "$WX_DIR" "$BATS_TEST_TMPDIR/other"
	run -0 wx-logout -d "$BATS_TEST_TMPDIR/other"
	! grep -q '^skey=' "$BATS_TEST_TMPDIR/other/session"
}
