#!/usr/bin/env bats
# wx-login: the whole flow from an empty directory, push login on the
# second run, desktop mode, usage.
load helper
load login

setup_file() { emu_start -H 1 -a; }
teardown_file() { emu_stop; }

@test "wx-login: usage errors exit 100" {
	run -100 --separate-stderr wx-login -x
	[[ "$stderr" == *"$(usage_of "wx-login [-d DIR] [-D | -F] [-t SECONDS]")" ]]
	run -100 --separate-stderr wx-login operand
	[ "$stderr" = "$(usage_of "wx-login [-d DIR] [-D | -F] [-t SECONDS]")" ]
}

@test "wx-login: logs in from an empty directory (QR to stderr without a tty)" {
	local dir=$BATS_TEST_TMPDIR/fresh
	unset WX_DIR
	: >"$EMU_LOG"
	run -0 --separate-stderr setsid -w wx-login -d "$dir" -t 20
	assert_line --index 0 -e '^username=@'
	assert_line --index 2 'host=wx2.qq.com'
	assert_line --index 3 'mode=web'
	[ "$(stat -c %a "$dir/session")" = 600 ]
	[ -n "$(sed -n 's/^skey=//p' "$dir/session")" ]
	# the QR was drawn: several lines of block characters on stderr
	[ "$(grep -c '█\|▀\|▄' <<<"$stderr")" -ge 10 ]
	refute_output -p "$(sed -n 's/^skey=//p' "$dir/session")"
	run -0 jq -r '.path' "$EMU_LOG"
	assert_output -p /jslogin
	refute_output -p webwxpushloginurl
}

@test "wx-login: a saved uin means push login, no QR" {
	run -0 setsid -w wx-login -t 20
	local uin
	uin=$(session_get wxuin)
	: >"$EMU_LOG"
	run -0 --separate-stderr setsid -w wx-login -t 20
	assert_line --index 2 'host=wx2.qq.com'
	[ "${stderr%%$'\n'*}" = "wx-login: confirm the login on the phone" ]
	[ "$(grep -c '█\|▀\|▄' <<<"$stderr")" -eq 0 ]
	run -0 jq -r 'select(.path | endswith("webwxpushloginurl")) | .query.uin' "$EMU_LOG"
	assert_output "$uin"
	run -0 jq -r 'select(.path == "/jslogin") | .path' "$EMU_LOG"
	assert_output ''
	refute_secrets
}

@test "wx-login: a refused push login falls back to the QR code" {
	mkdir -p "$WX_DIR"
	printf 'wxuin=12345\n' >"$WX_DIR/session"
	chmod 600 "$WX_DIR/session"
	run -0 --separate-stderr setsid -w wx-login -t 20
	assert_line --index 2 'host=wx2.qq.com'
	[[ "$stderr" == *"wx-uuid: push login refused"* ]]
	[[ "$stderr" == *"wx-login: push login failed; scan the QR code instead"* ]]
}

@test "wx-login -D: desktop mode all the way" {
	: >"$EMU_LOG"
	run -0 --separate-stderr setsid -w wx-login -D -t 20
	assert_line --index 3 'mode=desktop'
	[ "$(session_get mode)" = desktop ]
	run -0 jq -r 'select(.path | endswith("webwxnewloginpage")) | "\(.query.mod) \(.headers | has("extspam"))"' "$EMU_LOG"
	assert_output 'desktop true'
}

@test "wx-login: a garbage session is 100 and left alone" {
	garbage_session
	local before
	before=$(session_sum)
	run -100 --separate-stderr setsid -w wx-login -t 5
	[[ "$stderr" == *"wx-uuid: "* ]]
	[ "$(session_sum)" = "$before" ]
}
