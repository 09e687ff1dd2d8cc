#!/usr/bin/env bats
# wx-login fetches a new QR code when one expires, at most 3 in all.
load helper
load login

setup_file() { emu_start -H 1; }
teardown_file() { emu_stop; }

# Expire every uuid the emulator hands out, until told to stop; confirm
# the one numbered $1 (0 = none).
expire_uuids() {
	local n=0 want=$1 seen='' u
	while [ ! -e "$BATS_TEST_TMPDIR/stop" ]; do
		u=$(session_get uuid) || u=
		if [ -n "$u" ] && [ "$u" != "$seen" ]; then
			seen=$u n=$((n + 1))
			if [ "$n" -eq "$want" ]; then
				phone_confirm "$u"
			else
				emu_ctl expire "uuid=$(uri "$u")" >/dev/null
			fi
		fi
		sleep 0.05
	done
}

@test "wx-login: an expired code is replaced; the third one is confirmed" {
	expire_uuids 3 3>&- &
	local pid=$!
	run -0 --separate-stderr setsid -w wx-login -t 20
	touch "$BATS_TEST_TMPDIR/stop"
	wait "$pid"
	assert_line --index 2 'host=wx2.qq.com'
	[[ "$stderr" == *"wx-login: new QR code (2 of 3)"* ]]
	[[ "$stderr" == *"wx-login: new QR code (3 of 3)"* ]]
}

@test "wx-login: gives up with 1 after three expired codes" {
	expire_uuids 0 3>&- &
	local pid=$!
	run -1 --separate-stderr setsid -w wx-login -t 20
	touch "$BATS_TEST_TMPDIR/stop"
	wait "$pid"
	assert_output ''
	[ "$(grep -c 'wx-wait: QR code expired' <<<"$stderr")" -eq 3 ]
	[ -z "$(session_get skey)" ]
}
