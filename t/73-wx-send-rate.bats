#!/usr/bin/env bats
# One rate limit for every wx-send on a session dir (DIR/rate): a burst
# of 5, then WX_RATE a second, across parallel processes, as the
# timestamps of wx-emu's request log show; WX_RATE=0 turns it off; a bad
# WX_RATE is a usage error; LocalIDs stay unique across processes.
load helper
load send

setup_file() { emu_start -a -H 1 -n 10; }
teardown_file() { emu_stop; }

setup() { send_setup; unset WX_RATE; }

@test "wx-send: WX_RATE must be 0 or a decimal from 0.001 to 1000: else 100 before any request" {
	local v
	for v in abc -1 1e3 0x10 1..2 .5 5. ' 1' '1 ' 0.0001 1001 99999999; do
		run -100 --separate-stderr env WX_RATE="$v" wx-send "$PEER" hi
		[[ "$stderr" == "wx-send: WX_RATE: bad value '$v': 0 (no limit) or messages a second from 0.001 to 1000" ]] || fail "'$v': $stderr"
	done
	[ "$(wc -l <"$EMU_LOG")" -eq "$MARK" ]
	for v in 0 0.5 2.25 1000 ''; do
		run -0 env WX_RATE="$v" wx-send "$PEER" "rate '$v'"
	done
}

@test "wx-send: by default a burst of 5, then one a second" {
	printf 'm%s\n' 1 2 3 4 5 6 7 >"$BATS_TEST_TMPDIR/in"
	run -0 wx-send -l "$PEER" <"$BATS_TEST_TMPDIR/in"
	[ "$(send_times | wc -l)" -eq 7 ]
	within_rate 1
	local t
	t=($(send_times))
	[ $((t[6] - t[0])) -ge 1900 ]
	[ -f "$WX_DIR/rate" ] && [ "$(stat -c %a "$WX_DIR/rate")" = 600 ]
}

@test "wx-send: parallel processes share the limit (4 a second), each message once, LocalIDs distinct" {
	printf 'line %s\n' 1 2 3 4 5 >"$BATS_TEST_TMPDIR/in"
	local p pids=()
	for p in 1 2 3; do
		WX_RATE=4 wx-send -l "$PEER" <"$BATS_TEST_TMPDIR/in" \
			>"$BATS_TEST_TMPDIR/out$p" 2>&1 3>&- &
		pids+=($!)
	done
	for p in "${pids[@]}"; do
		wait "$p"
	done
	[ "$(send_times | wc -l)" -eq 15 ]
	within_rate 4
	local t
	t=($(send_times))
	[ $((t[14] - t[0])) -ge 2400 ]          # (15 - 5) / 4 s
	[ "$(cat "$BATS_TEST_TMPDIR"/out? | grep -c '^msgid=')" -eq 15 ]
	[ "$(cat "$BATS_TEST_TMPDIR"/out? | sed -n 's/^localid=//p' | sort -u | wc -l)" -eq 15 ]
	[ "$(wc -l <"$WX_DIR/sent")" -eq 15 ]
}

@test "wx-send: WX_RATE=0: no limit" {
	printf 'fast %s\n' 1 2 3 4 5 6 7 8 9 >"$BATS_TEST_TMPDIR/in"
	run -0 env WX_RATE=0 wx-send -l "$PEER" <"$BATS_TEST_TMPDIR/in"
	local t
	t=($(send_times))
	[ "${#t[@]}" -eq 9 ]
	[ $((t[8] - t[0])) -lt 3500 ]           # the default would take 4 s
}

@test "wx-send: a rate file that is garbage starts a full bucket again" {
	mkdir -p "$WX_DIR"
	printf 'tat=zzz\nnot key value\n' >"$WX_DIR/rate"
	run -0 wx-send "$PEER" "after garbage"
	grep -q '^tat=[0-9]*$' "$WX_DIR/rate"
	grep -q "^localid=$(out_get localid)\$" "$WX_DIR/rate"
}
