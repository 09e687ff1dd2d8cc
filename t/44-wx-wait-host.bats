#!/usr/bin/env bats
# wx-wait refuses a redirect_uri on a host that is not a Web WeChat host.
load helper
load login

setup_file() { emu_start -H 1 -a -w wx9.qq.com; }
teardown_file() { emu_stop; }

@test "wx-wait: redirect to an unknown host is 111, session untouched" {
	new_uuid
	local before
	before=$(session_sum)
	run -111 --separate-stderr wx-wait -t 10 </dev/null
	assert_output ''
	[[ "$stderr" == *"wx-wait: redirect to unknown host wx9.qq.com" ]]
	[ "$(session_sum)" = "$before" ]
}
