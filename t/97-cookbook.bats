#!/usr/bin/env bats
# share/examples: the README's cookbook scripts, run against wx-emu —
# emu-run and the CI test of echo-bot in it (which must fail for a bot
# that does not answer), archive, forward-group and health-check.
load helper
load send

EX="$TOP/share/examples"

setup_file() { emu_start -a; }
teardown_file() { emu_stop; }

setup() {
	export WX_DIR="$BATS_TEST_TMPDIR/wx"
	export PATH="$EX:$PATH"
	cd "$BATS_TEST_TMPDIR" || return 1
}

# Start follower $@ in the background; sets BG.  stop_bg ends the session
# (so its wx-sync exits 1, as it does when the phone logs the web out)
# and waits for it; a new login follows for the next test.
start_bg() {
	"$@" 2>"$BATS_TEST_TMPDIR/bg.err" &
	BG=$!
	sleep 1
}
stop_bg() {
	emu_ctl kick >/dev/null
	wait "$BG"
}

# Wait up to 10 s for the emulator to have recorded $1 sends in all.
wait_sent() {
	local i=0
	until [ "$(emu_sent | wc -l)" -ge "$1" ]; do
		i=$((i + 1)); [ $i -lt 100 ] || return 1; sleep 0.1
	done
}

@test "emu-run: usage" {
	run -0 emu-run -h
	[ "$output" = "usage: emu-run [-F] [-n] [-o 'WX-EMU OPTIONS'] CMD [ARG ...]" ]
	run -100 --separate-stderr emu-run
	[[ "$stderr" == "usage: emu-run "* ]]
	run -100 --separate-stderr emu-run -x true
}

@test "emu-run: CMD runs logged in against its own emulator, and its status is passed on" {
	run -0 emu-run sh -c 'wx-synccheck && test -s "$WX_DIR/session" &&
		curl -fsS --cacert "$CURL_CA_BUNDLE" "$WX_EMU/_emu/state" >/dev/null &&
		test -s "$WX_EMU_LOG" && echo "$WX_DIR"'
	[[ "$output" == *"retcode=0"* ]]
	dir=${lines[${#lines[@]} - 1]}
	[ ! -e "$dir" ]        # removed afterwards
	run -3 emu-run sh -c 'exit 3'
	run -0 emu-run -n sh -c 'test ! -e "$WX_DIR/session"'
	run -0 emu-run -F -o '-n 3' sh -c 'grep -qx mode=filehelper "$WX_DIR/session" &&
		wx-send filehelper hello'
}

@test "emu-run: the emulator is stopped afterwards" {
	run -0 emu-run sh -c 'echo $PPID; curl -fsS --cacert "$CURL_CA_BUNDLE" "$WX_EMU/_emu/state" >/dev/null'
	pid=$(pgrep -P "$output" wx-emu || true)
	[ -z "$pid" ]
	run -0 --separate-stderr emu-run sh -c 'printf "%s\n" "${WX_EMU#https://127.0.0.1:}"'
	run ! curl -sS --max-time 2 "https://127.0.0.1:$output/_emu/state"
}

@test "test-echo-bot: passes with echo-bot" {
	run -0 emu-run "$EX/test-echo-bot"
	[ "$output" = "ok: echo-bot answered" ]
}

@test "test-echo-bot: fails with a bot that does not answer right" {
	mkdir bots
	cp "$EX/test-echo-bot" bots/
	printf '#!/bin/sh\nwx-sync -f -n | while read -r m; do wx-send filehelper pong >/dev/null; done\n' >bots/echo-bot
	chmod +x bots/echo-bot
	run -1 --separate-stderr emu-run bots/test-echo-bot
	[ "$stderr" = "not ok: no answer from echo-bot in 10 s" ]
}

@test "echo-bot: answers a friend and a room, never itself" {
	logged_in
	friend=$(first_of person) room=$(first_of room)
	start_bg echo-bot
	inject "{\"From\":\"$friend\",\"Content\":\"a & b\\nline 2\"}" >/dev/null
	inject "{\"From\":\"$room\",\"Content\":\"hi all\"}" >/dev/null
	inject "{\"From\":\"self\",\"To\":\"$friend\",\"Content\":\"from my phone\"}" >/dev/null
	inject "{\"From\":\"self\",\"To\":\"filehelper\",\"Content\":\"note\"}" >/dev/null
	wait_sent 3
	sleep 1    # time for an answer too many
	stop_bg
	run -0 emu_sent
	sent=$(printf '%s\n' "$output" | jq -c '[.To, .Content]')
	[ "$sent" = "$(printf '%s\n' "[\"$friend\",\"echo: a & b\\\\nline 2\"]" \
		"[\"$room\",\"echo: hi all\"]" '["filehelper","echo: note"]')" ]
}

@test "archive: one file per chat, named by the chat's name, / and control characters made _" {
	logged_in
	wx-contacts >/dev/null
	friend=$(first_of person) room=$(first_of room)
	fname=$(wx-contacts "user:$friend" | jq -r .Name)
	rname=$(wx-contacts "user:$room" | jq -r .Name)
	start_bg archive arch
	inject "{\"From\":\"$friend\",\"Content\":\"one\"}" >/dev/null
	inject "{\"From\":\"$room\",\"Content\":\"two\"}" >/dev/null
	inject "{\"From\":\"$room\",\"TypeName\":\"file\",\"FileName\":\"a.txt\",\"Media\":\"aGk=\"}" >/dev/null
	emu_ctl modcontact "username=$(uri "$friend")&nickname=$(uri '../x/y')" >/dev/null
	wait_lines "arch/$fname.jsonl" 1
	wait_lines "arch/$rname.jsonl" 2 || { echo "$rname"; wc -l arch/*; cat bg.err; stop_bg; false; }
	inject "{\"From\":\"$friend\",\"Content\":\"three\"}" >/dev/null
	wait_lines "arch/_._x_y.jsonl" 1
	stop_bg
	run -0 jq -r .Text "arch/$fname.jsonl" "arch/_._x_y.jsonl"
	[ "$output" = "$(printf 'one\nthree')" ]
	run -0 jq -r .TypeName "arch/$rname.jsonl"
	[ "$output" = "$(printf 'text\nfile')" ]
	[ "$(ls arch | wc -l)" -eq 3 ]
	[ ! -e x ] && [ ! -e ../x ]
}

@test "forward-group: texts with their sender, a file as a file, a voice message skipped" {
	logged_in
	wx-contacts -m >/dev/null
	read -r g1 g2 <<<"$(emu_contacts | jq -r 'select(.Kind=="room") | .UserName' | head -n 2 | tr '\n' ' ')"
	n1=$(wx-contacts "user:$g1" | jq -r .Name) n2=$(wx-contacts "user:$g2" | jq -r .Name)
	before=$(emu_sent | wc -l)
	start_bg forward-group "$n1" "$n2"
	inject "{\"From\":\"$g1\",\"Content\":\"hello room\"}" >/dev/null
	inject "{\"From\":\"$g2\",\"Content\":\"not this one\"}" >/dev/null
	inject "{\"From\":\"$g1\",\"TypeName\":\"file\",\"FileName\":\"a.txt\",\"Media\":\"aGk=\"}" >/dev/null
	voice=$(inject "{\"From\":\"$g1\",\"TypeName\":\"voice\"}")
	inject "{\"From\":\"$g1\",\"Content\":\"last\"}" >/dev/null
	wait_sent $((before + 3))
	sleep 1
	stop_bg
	run -0 emu_sent
	sent=$(printf '%s\n' "$output" | tail -n +$((before + 1)))
	[ "$(printf '%s\n' "$sent" | jq -r .To | sort -u)" = "$g2" ]
	run -0 jq -r '"\(.endpoint) \(.Content | sub("<appattach>.*"; ""))"' <<<"$sent"
	[[ "${lines[0]}" == "webwxsendmsg "*": hello room" ]]
	[[ "${lines[1]}" == "webwxsendappmsg <msg><appmsg"* ]]
	[[ "${lines[2]}" == "webwxsendmsg "*": last" ]]
	[ "${#lines[@]}" -eq 3 ]
	grep -qx "forward-group: $voice not forwarded" bg.err
}

@test "forward-group: usage" {
	run -100 --separate-stderr forward-group a
	[ "$stderr" = "usage: forward-group FROM TO (two different groups)" ]
	run -100 forward-group a a
}

@test "health-check: 0 while the session lives; 1 and the alert once it has ended; 111 passed on" {
	logged_in
	run -0 health-check echo ALERT
	[ -z "$output" ]
	fault synccheck http500
	run -111 --separate-stderr health-check echo ALERT
	[ -z "$output" ]
	emu_ctl kick >/dev/null
	run -1 --separate-stderr health-check echo ALERT
	[ "$output" = "ALERT wx: the session in $WX_DIR has ended: log in again (wx-login)" ]
	[[ "$stderr" == *"wx: the session in $WX_DIR has ended: log in again (wx-login)" ]]
	run -1 health-check
	run -100 env WX_DIR="$BATS_TEST_TMPDIR/none" health-check echo ALERT
}
