#!/usr/bin/env bats
# wx-sync -f: the follow loop.  -c and -t, a logout ends it with exit 1,
# temporary failures are retried, SIGTERM/SIGINT/closed pipe end it
# cleanly, and a wx-sync -f killed with SIGKILL again and again loses no
# message and repeats only the batch in flight.
load helper
load login
load sync

setup_file() { emu_start -H 1 -a -n 30 -g 3 -m 4; }
teardown_file() { emu_stop; }

@test "wx-sync -f -c 1: waits for the next message, prints it, exits 0" {
	current
	( sleep 1; inject '{"Content":"the reply"}' >/dev/null ) &
	run -0 --separate-stderr wx-sync -f -n -c 1 -t 20 </dev/null
	wait
	[ "${#lines[@]}" -eq 1 ]
	[ "$(jq -r .Text <<<"$output")" = "the reply" ]
	[ -z "$stderr" ]
}

@test "wx-sync -f -t: exits 99 when the time passes first" {
	current
	local t0=$SECONDS
	run -99 --separate-stderr wx-sync -f -n -c 1 -t 2 </dev/null
	[ -z "$output" ]
	[[ "$stderr" == "wx-sync: -t: time is up" ]]
	[ $((SECONDS - t0)) -le 4 ]
}

@test "wx-sync -f -c: a batch cut by -c comes back without its printed part" {
	current
	emu_ctl message count=5 >"$BATS_TEST_TMPDIR/ids"
	run -0 wx-sync -f -c 2 -t 20 </dev/null
	[ "${#lines[@]}" -eq 2 ]
	printf '%s\n' "$output" | jq -r .MsgId >"$BATS_TEST_TMPDIR/got"
	run -0 wx-sync -f -c 3 -t 20 </dev/null
	[ "${#lines[@]}" -eq 3 ]
	printf '%s\n' "$output" | jq -r .MsgId >>"$BATS_TEST_TMPDIR/got"
	diff "$BATS_TEST_TMPDIR/ids" "$BATS_TEST_TMPDIR/got"
	run -0 wx-sync </dev/null
	[ -z "$output" ]
}

@test "wx-sync -f: a logout ends it with exit 1 naming the retcode" {
	current
	( sleep 1; emu_ctl kick >/dev/null ) &
	run -1 --separate-stderr wx-sync -f -t 20 </dev/null
	wait
	[[ "$stderr" == *"logged out (1101)"* ]]
	current
	fault webwxsync ret1100
	inject '{"Content":"x"}' >/dev/null
	run -1 --separate-stderr wx-sync -f -t 20 </dev/null
	[[ "$stderr" == *"webwxsync: logged out (1100)"* ]]
}

@test "wx-sync -f: temporary failures back off and the loop goes on" {
	current
	inject '{"Content":"after the storm"}' >/dev/null
	fault synccheck http500 2
	fault webwxsync malformed 1
	run -0 --separate-stderr wx-sync -f -c 1 -t 30 </dev/null
	[ "$(jq -r .Text <<<"$output")" = "after the storm" ]
	[[ "$stderr" == *"HTTP 500"* ]]
	[[ "$stderr" == *"webwxsync: malformed answer"* ]]
	# one armed fault an endpoint at a time
	local k
	for k in ret-1 ret1205; do
		fault synccheck "$k" 1
		inject '{"Content":"again"}' >/dev/null
		run -0 --separate-stderr wx-sync -f -c 1 -t 30 </dev/null
		[ "$(jq -r .Text <<<"$output")" = "again" ]
		[[ "$stderr" == *"synccheck: "*"try later"* ]] || fail "$k: $stderr"
	done
}

@test "wx-sync -f: SIGTERM and SIGINT end a long poll at once, exit 0, state committed" {
	current
	local sig pid
	for sig in TERM INT; do
		inject '{"Content":"before"}' >/dev/null
		wx-sync -f </dev/null >"$BATS_TEST_TMPDIR/out" 2>"$BATS_TEST_TMPDIR/err" &
		pid=$!
		wait_lines "$BATS_TEST_TMPDIR/out" 1
		sleep 0.3  # now in the next long poll
		kill -s "$sig" "$pid"
		local t0=$SECONDS rc=0
		wait "$pid" || rc=$?
		[ "$rc" -eq 0 ] || fail "SIG$sig: exit $rc: $(cat "$BATS_TEST_TMPDIR/err")"
		[ $((SECONDS - t0)) -le 2 ]
		[ "$(jq -r .Text "$BATS_TEST_TMPDIR/out")" = before ]
		run -0 wx-sync </dev/null
		[ -z "$output" ]
	done
}

@test "wx-sync -f | head -n 3: ends when the reader goes, even idle" {
	current
	emu_ctl message count=3 >/dev/null
	run -0 bash -c 'wx-sync -f -n </dev/null | head -n 3; echo "status ${PIPESTATUS[0]}"'
	[ "${#lines[@]}" -eq 4 ]
	[ "${lines[3]}" = "status 0" ]
}

@test "wx-sync -f: SIGKILL at any moment loses no message; repeats only the batch in flight" {
	current
	local n=3000 kills=0 pid
	: >"$BATS_TEST_TMPDIR/out"
	( for i in $(seq 30); do emu_ctl message count=100; sleep 0.02; done ) \
		>"$BATS_TEST_TMPDIR/ids" &
	local injector=$!
	while kill -0 "$injector" 2>/dev/null || [ $kills -lt 20 ]; do
		wx-sync -f -n </dev/null >>"$BATS_TEST_TMPDIR/out" 2>/dev/null &
		pid=$!
		sleep "0.0$((RANDOM % 10))$((RANDOM % 10))"
		kill -9 "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
		kills=$((kills + 1))
		[ $kills -lt 200 ] || break
	done
	wait "$injector"
	# drain what is left, one webwxsync at a time until one brings nothing
	# (a timed follow could end before a loaded machine has drained it)
	local drains=0
	until [ $drains -ge 100 ]; do
		wx-sync -n </dev/null >"$BATS_TEST_TMPDIR/last"
		cat "$BATS_TEST_TMPDIR/last" >>"$BATS_TEST_TMPDIR/out"
		[ -s "$BATS_TEST_TMPDIR/last" ] || break
		drains=$((drains + 1))
	done
	[ "$(wc -l <"$BATS_TEST_TMPDIR/ids")" -eq $n ]
	# a line cut by the kill is not a message; its message came again
	jq -R -r 'fromjson? | .MsgId' "$BATS_TEST_TMPDIR/out" | sort >"$BATS_TEST_TMPDIR/got"
	sort -u "$BATS_TEST_TMPDIR/got" >"$BATS_TEST_TMPDIR/uniq"
	sort "$BATS_TEST_TMPDIR/ids" | comm -23 - "$BATS_TEST_TMPDIR/uniq" >"$BATS_TEST_TMPDIR/lost"
	[ ! -s "$BATS_TEST_TMPDIR/lost" ] || fail "lost $(wc -l <"$BATS_TEST_TMPDIR/lost") of $n after $kills kills"
	local dups=$(( $(wc -l <"$BATS_TEST_TMPDIR/got") - $(wc -l <"$BATS_TEST_TMPDIR/uniq") ))
	echo "# $kills kills, $n messages, $dups repeated" >&3
	# at most one batch (100 messages an answer) per kill
	[ "$dups" -le $((kills * 100)) ]
}
