#!/usr/bin/env bats
# wx-synccheck: one long poll on the push host with the SyncCheckKey and
# the cookies; retcode and selector printed; exit 0, 1 (the session has
# ended: 1100, 1101, 1102) or 111 (anything else, the network, a bad
# answer).
load helper
load login
load sync

setup_file() { emu_start -H 1 -a -n 30 -g 3 -m 4; }
teardown_file() { emu_stop; }

@test "wx-synccheck: usage errors exit 100; no session is 100 with a hint" {
	run -100 --separate-stderr wx-synccheck extra
	[ "$stderr" = "$(usage_of "wx-synccheck [-d DIR]")" ]
	run -100 --separate-stderr wx-synccheck
	[[ "$stderr" == "wx-synccheck: "*"run wx-init first" ]]
}

@test "wx-synccheck: selector 2 while a message waits; the request as protocol.md §5.5 has it" {
	logged_in
	: >"$EMU_LOG"
	run -0 --separate-stderr wx-synccheck </dev/null
	[ "$output" = $'retcode=0\nselector=2' ]
	[ -z "$stderr" ]
	refute_secrets
	run -0 requests_to synccheck
	local req=$output
	[ "$(jq -r .host <<<"$req")" = webpush.wx2.qq.com ]
	[ "$(jq -r '.query | keys_unsorted | join(",")' <<<"$req")" = "r,skey,sid,uin,deviceid,synckey,_" ]
	[ "$(jq -r .query.synckey <<<"$req")" = "$(session_get synccheckkey)" ]
	[ "$(jq -r .query.uin <<<"$req")" = "$(session_get wxuin)" ]
	[ "$(jq -r .query.skey <<<"$req")" = "$(session_get skey)" ]
	[[ "$(jq -r .query.deviceid <<<"$req")" =~ ^e[0-9]{15}$ ]]
	# the session cookies go with it
	[[ "$(jq -r '.headers.Cookie // .headers.cookie' <<<"$req")" == *wxsid=* ]]
}

@test "wx-synccheck: selector 0 once current (after the hold), 4 for a contact change" {
	current
	run -0 wx-synccheck </dev/null
	[ "$output" = $'retcode=0\nselector=0' ]
	emu_ctl modcontact "username=$(emu_curl "$EMU_SCHEME://127.0.0.1:$EMU_PORT/_emu/contacts" | jq -r 'select(.Kind=="person") | .UserName' | head -n 1)&nickname=Renamed" >/dev/null
	run -0 wx-synccheck </dev/null
	[ "$output" = $'retcode=0\nselector=4' ]
}

@test "wx-synccheck: a kicked session is 1101 and exit 1, named" {
	current
	emu_ctl kick >/dev/null
	run -1 --separate-stderr wx-synccheck </dev/null
	[ "$output" = $'retcode=1101\nselector=0' ]
	[[ "$stderr" == "wx-synccheck: synccheck: logged out (1101)"* ]]
}

@test "wx-synccheck: retcodes 1100 and 1102 exit 1; 1205 and -1 exit 111" {
	current
	local r
	for r in 1100 1102; do
		fault synccheck "ret$r"
		run -1 --separate-stderr wx-synccheck </dev/null
		[ "$output" = $'retcode='"$r"$'\nselector=0' ]
		[[ "$stderr" == *"logged out ($r)"* ]]
	done
	fault synccheck ret1205
	run -111 --separate-stderr wx-synccheck </dev/null
	[[ "$stderr" == *"too frequent (1205)"* ]]
	fault synccheck ret-1
	run -111 --separate-stderr wx-synccheck </dev/null
	[ "$output" = $'retcode=-1\nselector=0' ]
}

@test "wx-synccheck: 5xx, a reset, a truncated or malformed answer exit 111 and print nothing" {
	current
	local k
	for k in http500 reset truncate malformed; do
		fault synccheck "$k"
		run -111 --separate-stderr wx-synccheck </dev/null
		[ -z "$output" ] || fail "$k: printed '$output'"
		[[ "$stderr" == "wx-synccheck: "* ]] || fail "$k: '$stderr'"
	done
	refute_secrets
}

@test "wx-synccheck: -d DIR names the session" {
	current
	mv "$WX_DIR" "$BATS_TEST_TMPDIR/other"
	run -0 wx-synccheck -d "$BATS_TEST_TMPDIR/other" </dev/null
	[ "${lines[0]}" = retcode=0 ]
}
