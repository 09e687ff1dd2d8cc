#!/usr/bin/env bats
# wx-wait: every login poll state, input by stdin and session, faults.
load helper
load login

setup_file() { emu_start -H 1; }
teardown_file() { emu_stop; }

@test "wx-wait: usage errors exit 100" {
	run -100 --separate-stderr wx-wait operand
	[ "$stderr" = "$(usage_of "wx-wait [-d DIR] [-t SECONDS] [-a FILE]")" ]
	run -100 --separate-stderr wx-wait -t 0
	[[ "$stderr" == "wx-wait: -t: "* ]]
	run -100 --separate-stderr wx-wait -t 1x
	[[ "$stderr" == "wx-wait: -t: bad number '1x'" ]]
}

@test "wx-wait: no uuid anywhere is 100" {
	run -100 --separate-stderr wx-wait </dev/null
	assert_output ''
	[[ "$stderr" == "wx-wait: "*"no uuid; run wx-uuid first" ]]
}

@test "wx-wait: stdin that is not key=value is 100" {
	run -100 --separate-stderr wx-wait <<<"just words"
	[[ "$stderr" == "wx-wait: stdin: "* ]]
	run -100 --separate-stderr wx-wait <<<"other=1"
	[ "$stderr" = "wx-wait: stdin: no uuid= line" ]
}

@test "wx-wait: 408 keeps polling (tip=1 then tip=0, _ +1) until -t: 99" {
	new_uuid
	local before
	before=$(session_sum)
	: >"$EMU_LOG"
	run -99 --separate-stderr wx-wait -t 3 </dev/null
	assert_output ''
	[[ "$stderr" == *"wx-wait: timed out"* ]]
	[ "$(session_sum)" = "$before" ]
	run -0 jq -r 'select(.path | endswith("/login")) | .query | "\(keys_unsorted | join(",")) \(.loginicon) \(.uuid) \(.tip) \(.r) \(._)"' "$EMU_LOG"
	[ "${#lines[@]}" -ge 2 ]
	[[ "${lines[0]}" =~ ^loginicon,uuid,tip,r,_\ true\ $UUID\ 1\ -?[0-9]+\ ([0-9]{13})$ ]]
	local first=${BASH_REMATCH[1]}
	[[ "${lines[1]}" =~ \ 0\ -?[0-9]+\ ([0-9]{13})$ ]]
	[ "${BASH_REMATCH[1]}" -eq $((first + 1)) ]
	run -0 jq -r 'select(.path | endswith("/login")) | .host' "$EMU_LOG"
	assert_line --index 0 login.wx.qq.com
}

@test "wx-wait: 201 is said once on stderr and -a saves the avatar" {
	# the avatar the emulator sends, as a plain poll sees it
	new_uuid
	emu_ctl scan "uuid=$(uri "$UUID")" >/dev/null
	emu_curl "https://login.wx.qq.com/cgi-bin/mmwebwx-bin/login?loginicon=true&uuid=$(uri "$UUID")&tip=1" |
		sed -n "s/.*base64,\([^']*\)'.*/\1/p" | base64 -d >"$BATS_TEST_TMPDIR/want"
	[ -s "$BATS_TEST_TMPDIR/want" ]
	new_uuid
	emu_ctl scan "uuid=$(uri "$UUID")" >/dev/null
	run -99 --separate-stderr wx-wait -t 3 -a "$BATS_TEST_TMPDIR/face.jpg" </dev/null
	assert_output ''
	[ "${stderr%%$'\n'*}" = "wx-wait: scanned; confirm on the phone" ]
	[ "$(grep -c scanned <<<"$stderr")" -eq 1 ]
	cmp "$BATS_TEST_TMPDIR/want" "$BATS_TEST_TMPDIR/face.jpg"
	[ -z "$(session_get redirect_uri)" ]
}

@test "wx-wait: 200 prints and stores redirect_uri (uuid from the session)" {
	new_uuid
	phone_confirm "$UUID"
	run -0 --separate-stderr wx-wait -t 10 </dev/null
	assert_output -e "^redirect_uri=https://wx2\\.qq\\.com/cgi-bin/mmwebwx-bin/webwxnewloginpage\\?ticket=[A-Za-z0-9_]{24}@qrticket_0&uuid=.*&lang=zh_CN&scan=[0-9]+$"
	[ "$(session_get redirect_uri)" = "${output#redirect_uri=}" ]
	[ "$(session_mode)" = 600 ]
}

@test "wx-wait: uuid from stdin wins over the session" {
	new_uuid
	local piped=$UUID
	new_uuid
	phone_confirm "$piped"
	run -0 --separate-stderr wx-wait -t 10 <<<"uuid=$piped"
	assert_output -p "&uuid=$piped&"
}

@test "wx-wait: wx-uuid | wx-wait pipeline" {
	(wx-uuid | tee "$BATS_TEST_TMPDIR/u" | wx-wait -t 20 >"$BATS_TEST_TMPDIR/out") 3>&- &
	local pid=$!
	wait_for_file "$BATS_TEST_TMPDIR/u" 10
	phone_confirm "$(sed -n 's/^uuid=//p' "$BATS_TEST_TMPDIR/u")"
	wait "$pid"
	run -0 cat "$BATS_TEST_TMPDIR/out"
	assert_output -e '^redirect_uri=https://'
}

@test "wx-wait: 400 expired is 1" {
	new_uuid
	local before
	before=$(session_sum)
	emu_ctl expire "uuid=$(uri "$UUID")" >/dev/null
	run -1 --separate-stderr wx-wait -t 10 </dev/null
	assert_output ''
	[ "$stderr" = "wx-wait: QR code expired" ]
	[ "$(session_sum)" = "$before" ]
}

@test "wx-wait: 202 cancelled is 1" {
	new_uuid
	emu_ctl scan "uuid=$(uri "$UUID")" >/dev/null
	emu_ctl cancel "uuid=$(uri "$UUID")" >/dev/null
	run -1 --separate-stderr wx-wait -t 10 </dev/null
	assert_output ''
	[[ "$stderr" == *"wx-wait: login cancelled on the phone" ]]
}

@test "wx-wait: every login poll fault is 111, slow with -t is 99" {
	local kind before
	new_uuid
	before=$(session_sum)
	for kind in http500 reset truncate malformed; do
		fault login "$kind"
		run -111 --separate-stderr wx-wait -t 10 </dev/null
		assert_output ''
		[[ "$stderr" == wx-wait:* ]] || fail "$kind: $stderr"
		[ "$(session_sum)" = "$before" ] || fail "$kind touched the session"
	done
	fault login slow
	run -99 --separate-stderr wx-wait -t 1 </dev/null
	[[ "$stderr" == *"wx-wait: timed out"* ]]
	[ "$(session_sum)" = "$before" ]
}

@test "wx-wait: garbage session or mode 0644 is 100 and left alone" {
	local before
	garbage_session
	before=$(session_sum)
	run -100 --separate-stderr wx-wait </dev/null
	[[ "$stderr" == "wx-wait: "* ]]
	[ "$(session_sum)" = "$before" ]
	open_session
	before=$(session_sum)
	run -100 --separate-stderr wx-wait </dev/null
	[ "$(session_sum)" = "$before" ]
}
