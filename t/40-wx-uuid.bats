#!/usr/bin/env bats
# wx-uuid: home page + jslogin, push login, desktop mode, faults.
load helper
load login

setup_file() { emu_start -H 1; }
teardown_file() { emu_stop; }

@test "wx-uuid: usage errors exit 100" {
	run -100 --separate-stderr wx-uuid -x
	assert_output ''
	[[ "$stderr" == *"$(usage_of "wx-uuid [-d DIR] [-D | -F] [-p]")" ]]
	run -100 --separate-stderr wx-uuid extra
	[ "$stderr" = "$(usage_of "wx-uuid [-d DIR] [-D | -F] [-p]")" ]
	[ ! -e "$WX_DIR/session" ]
}

@test "wx-uuid: prints uuid= and stores uuid and mode=web, 0600" {
	run -0 --separate-stderr wx-uuid
	assert_output -e '^uuid=[A-Za-z0-9_=+/-]{12}$'
	[ -z "$stderr" ]
	[ "$(session_get uuid)" = "${output#uuid=}" ]
	[ "$(session_get mode)" = web ]
	[ "$(session_mode)" = 600 ]
}

@test "wx-uuid: home page first, then jslogin in the official order" {
	: >"$EMU_LOG"
	run -0 --separate-stderr wx-uuid -d "$BATS_TEST_TMPDIR/other"
	[ -f "$BATS_TEST_TMPDIR/other/session" ]
	[ ! -e "$WX_DIR/session" ]
	run -0 jq -r '"\(.method) \(.host) \(.path)"' "$EMU_LOG"
	assert_line --index 0 'GET wx.qq.com /'
	assert_line --index 1 'GET login.wx.qq.com /jslogin'
	run -0 jq -r 'select(.path == "/jslogin") | .query | to_entries[] | "\(.key)=\(.value)"' "$EMU_LOG"
	assert_line --index 0 appid=wx782c26e4c19acffb
	assert_line --index 1 redirect_uri=https://wx.qq.com/cgi-bin/mmwebwx-bin/webwxnewloginpage
	assert_line --index 2 fun=new
	assert_line --index 3 lang=zh_CN
	assert_line --index 4 -e '^_=[0-9]{13}$'
	[ "${#lines[@]}" -eq 5 ]
}

@test "wx-uuid -D: desktop redirect_uri, mode=desktop remembered" {
	: >"$EMU_LOG"
	run -0 --separate-stderr wx-uuid -D
	[ "$(session_get mode)" = desktop ]
	run -0 jq -r 'select(.path == "/jslogin") | .query.redirect_uri' "$EMU_LOG"
	assert_output https://wx.qq.com/cgi-bin/mmwebwx-bin/webwxnewloginpage?mod=desktop
}

@test "wx-uuid: keeps unknown keys, clears a stale redirect_uri" {
	mkdir -p "$WX_DIR"
	printf '# mine\nfoo=bar\nredirect_uri=https://wx.qq.com/old\n' >"$WX_DIR/session"
	chmod 600 "$WX_DIR/session"
	run -0 --separate-stderr wx-uuid
	[ "$(session_get foo)" = bar ]
	[ -z "$(session_get redirect_uri)" ]
	grep -q '^# mine$' "$WX_DIR/session"
}

@test "wx-uuid: the session's known host picks the login host" {
	mkdir -p "$WX_DIR"
	printf 'host=wx2.qq.com\n' >"$WX_DIR/session"
	chmod 600 "$WX_DIR/session"
	: >"$EMU_LOG"
	run -0 --separate-stderr wx-uuid
	run -0 jq -r '.host' "$EMU_LOG"
	assert_line --index 0 wx2.qq.com
	assert_line --index 1 login.wx2.qq.com
}

@test "wx-uuid: every jslogin fault is a temporary failure (111), session untouched" {
	local kind before
	run -0 wx-uuid
	before=$(session_sum)
	for kind in http500 reset truncate malformed; do
		fault jslogin "$kind"
		run -111 --separate-stderr wx-uuid
		assert_output ''
		[[ "$stderr" == wx-uuid:* ]] || fail "$kind: $stderr"
		[ "$(session_sum)" = "$before" ] || fail "$kind touched the session"
	done
}

@test "wx-uuid: garbage session or mode 0644 is 100 and left alone" {
	local before
	garbage_session
	before=$(session_sum)
	run -100 --separate-stderr wx-uuid
	[[ "$stderr" == "wx-uuid: "*session* ]]
	[ "$(session_sum)" = "$before" ]
	open_session
	before=$(session_sum)
	run -100 --separate-stderr wx-uuid
	[[ "$stderr" == "wx-uuid: "* ]]
	[ "$(session_sum)" = "$before" ]
	[ "$(stat -c %a "$WX_DIR/session")" = 644 ]
}

@test "wx-uuid -p: no saved uin is 100" {
	run -0 wx-uuid
	run -100 --separate-stderr wx-uuid -p
	assert_output ''
	[[ "$stderr" == "wx-uuid: "*"no wxuin; run wx-init first" ]]
}

@test "wx-uuid -p: push login after a real login, then wx-wait and wx-init" {
	new_uuid
	phone_confirm "$UUID"
	wx-wait -t 10 </dev/null >/dev/null
	wx-init </dev/null >/dev/null
	: >"$EMU_LOG"
	run -0 --separate-stderr wx-uuid -p
	assert_output -e '^uuid=[A-Za-z0-9_=+/-]+$'
	[ "$(session_get uuid)" = "${output#uuid=}" ]
	run -0 jq -r 'select(.path | endswith("webwxpushloginurl")) | "\(.host) \(.query | tojson)"' "$EMU_LOG"
	assert_output "$(session_get host) {\"uin\":\"$(session_get wxuin)\"}"
	phone_confirm "$(session_get uuid)"
	run -0 --separate-stderr wx-wait -t 10 </dev/null
	assert_output -e '^redirect_uri=https://'
	run -0 --separate-stderr wx-init </dev/null
	refute_secrets
}

@test "wx-uuid -p: a refusal is 1 with the server's message" {
	mkdir -p "$WX_DIR"
	printf 'wxuin=12345\nhost=wx.qq.com\n' >"$WX_DIR/session"
	chmod 600 "$WX_DIR/session"
	local before
	before=$(session_sum)
	run -1 --separate-stderr wx-uuid -p
	assert_output ''
	[[ "$stderr" == "wx-uuid: push login refused: ret "* ]]
	[ "$(session_sum)" = "$before" ]
}
