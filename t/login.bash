# t/login.bash — helpers shared by the login tests (t/4*.bats), loaded
# after helper.bash.

# Checksum of the session file, or "absent": compared before and after a
# failing command to prove it left the session untouched.
session_sum() {
	if [ -f "$WX_DIR/session" ]; then
		sha256sum <"$WX_DIR/session"
	else
		echo absent
	fi
}

# Value of key $1 in the session ("" when absent).
session_get() {
	[ -f "$WX_DIR/session" ] || return 0
	sed -n "s/^$1=//p" "$WX_DIR/session" | tail -n 1
}

# Octal mode of the session file.
session_mode() {
	stat -c %a "$WX_DIR/session"
}

# A fresh uuid from wx-uuid; sets UUID.
new_uuid() {
	local out
	out=$(wx-uuid "$@" </dev/null) || return 1
	UUID=${out#uuid=}
}

# $1 percent-encoded for a query string (a uuid may hold + / =).
uri() {
	jq -rn --arg s "$1" '$s | @uri'
}

# Scan and confirm UUID on the emulator's phone.
phone_confirm() {
	emu_ctl scan "uuid=$(uri "$1")" >/dev/null &&
		emu_ctl confirm "uuid=$(uri "$1")" >/dev/null
}

# Arm fault kind $2 for the next $3 (default 1) requests to endpoint $1;
# count 0 disarms.
fault() {
	emu_ctl fault "endpoint=$1&kind=$2&count=${3:-1}" >/dev/null
}

# The request-log lines of one endpoint (the last path part).
requests_to() {
	grep -F "$1" "$EMU_LOG" | jq -c --arg e "$1" 'select(.path | endswith($e))'
}

# No secret of the session (or the data ticket cookie) in $output/$stderr.
refute_secrets() {
	local k v
	for k in skey wxsid pass_ticket; do
		v=$(session_get "$k")
		[ -n "$v" ] || continue
		[[ "$output${stderr:-}" != *"$v"* ]] || fail "$k shown in the output"
	done
	v=$(awk '$6 == "webwx_data_ticket" { print $7 }' "$WX_DIR/cookies" 2>/dev/null | tail -n 1)
	[ -z "$v" ] || [[ "$output${stderr:-}" != *"$v"* ]] || fail "webwx_data_ticket shown"
}

# A session file with garbage, and one readable by others.
garbage_session() {
	mkdir -p "$WX_DIR"
	printf 'uuid=abc\nthis is not key=value\n' >"$WX_DIR/session"
	chmod 600 "$WX_DIR/session"
}

open_session() {
	mkdir -p "$WX_DIR"
	printf 'uuid=abcdefghijkl\n' >"$WX_DIR/session"
	chmod 644 "$WX_DIR/session"
}
