#!/usr/bin/env bats
# WX_TRACE=FILE: every exchange of every command appended to FILE, with
# every secret replaced by its placeholder; the whole flow run with it,
# then the trace grepped for each real secret of the session.
load helper
load send

setup_file() { emu_start -a -H 1 -n 5; }
teardown_file() { emu_stop; }

setup() {
	export WX_DIR="$BATS_TEST_TMPDIR/wx"
	export WX_RATE=0
	T=$BATS_TEST_TMPDIR
}

# The secrets of the session and its jar, one a line: the credentials
# (pass_ticket both as kept and decoded), the login ticket, every cookie
# value of six bytes or more but the time stamp.
secrets() {
	local k v
	for k in skey wxsid wxuin pass_ticket; do
		v=$(session_get "$k")
		[ -n "$v" ] && printf '%s\n' "$v"
	done
	printf '%b\n' "$(session_get pass_ticket | sed 's/%/\\x/g')"
	session_get login_uri | sed -n 's/.*[?&]ticket=\([^&]*\).*/\1/p'
	# wxloadtime and wxpluginkey are time stamps (protocol.md §3.6), the
	# scan= of redirect_uri: no secrets
	awk -F '\t' 'NF >= 7 && length($7) >= 6 && $6 != "wxloadtime" &&
		$6 != "wxpluginkey" { print $7 }' "$WX_DIR/cookies"
}

@test "WX_TRACE: the whole flow traced, each exchange once, no secret in it" {
	export WX_TRACE="$T/trace"
	before=$(wc -l <"$EMU_LOG")
	logged_in
	wx-contacts -m >/dev/null
	peer=$(first_of person)
	id=$(inject "{\"From\":\"$peer\",\"Content\":\"hi\"}")
	wx-sync </dev/null >/dev/null
	wx-send "$peer" 'traced text' >/dev/null
	mkfile jpg "$T/a.jpg"
	wx-send -f "$T/a.jpg" "$peer" >/dev/null
	img=$(inject '{"TypeName":"image"}')
	wx-sync </dev/null >/dev/null
	wx-get -o "$T/img" "$img"
	secrets >"$T/secrets"
	[ "$(wc -l <"$T/secrets")" -ge 6 ]
	# every request the commands made is in the trace, once
	made=$(tail -n "+$((before + 1))" "$EMU_LOG" | jq -r 'select(.path | startswith("/_emu") | not) | .method' | wc -l)
	[ "$(grep -c '^# \(GET\|POST\) https://' "$WX_TRACE")" -eq "$made" ]
	# none of the secrets, in any form the session keeps
	while IFS= read -r s; do
		if grep -qF -- "$s" "$WX_TRACE"; then
			echo "secret found in the trace: ${s:0:4}…" >&2
			return 1
		fi
	done <"$T/secrets"
	# placeholders instead, and what a bug report needs
	grep -q 'skey=<skey-1>' "$WX_TRACE"
	grep -q '"Skey":"<skey-1>"' "$WX_TRACE"
	grep -q '^> Cookie: .*wxsid=<wxsid-1>' "$WX_TRACE"
	grep -q '^< HTTP/[0-9.]* 200' "$WX_TRACE"
	grep -q '^> POST /cgi-bin/mmwebwx-bin/webwxsendmsg?lang=zh_CN&pass_ticket=<pass_ticket-1> HTTP' "$WX_TRACE"
	grep -q '^< \[[0-9]* bytes to a file\]$' "$WX_TRACE"
	grep -q '^# wx-init [0-9]* 20[0-9-]*T' "$WX_TRACE"
	[ "$(stat -c %a "$WX_TRACE")" = 600 ]
	rm "$T/secrets"  # t/secrets-scan would find them there, rightly
	# no raw control byte: a terminal can show it
	! LC_ALL=C grep -q "$(printf '[\001-\010\013-\037\177]')" "$WX_TRACE"
}

@test "WX_TRACE: a failure is traced with why, and the command's own message is unchanged" {
	logged_in
	export WX_TRACE="$T/trace"
	emu_ctl fault "endpoint=webwxsync&kind=reset" >/dev/null
	run -111 --separate-stderr wx-sync </dev/null
	[ "${#stderr_lines[@]}" -eq 1 ]
	grep -q '^< \[no answer: ' "$WX_TRACE"
}

@test "WX_TRACE: a file that cannot be written is 100 before any request; unset or empty, off" {
	mark=$(wc -l <"$EMU_LOG")
	WX_TRACE=/nonexistent/dir/trace run -100 --separate-stderr wx-uuid </dev/null
	[ "$stderr" = "wx-uuid: WX_TRACE: /nonexistent/dir/trace: No such file or directory" ]
	mkfifo "$T/fifo"
	WX_TRACE=$T/fifo run -100 --separate-stderr wx-uuid </dev/null
	[[ "$stderr" == "wx-uuid: WX_TRACE: $T/fifo: "* ]]
	[ "$(wc -l <"$EMU_LOG")" -eq "$mark" ]
	# unset or empty: off, and no word of libcurl's on stderr
	WX_TRACE='' run -0 --separate-stderr wx-uuid </dev/null
	[ -z "$stderr" ]
	unset WX_TRACE
	run -0 --separate-stderr wx-uuid </dev/null
	[ -z "$stderr" ]
}
