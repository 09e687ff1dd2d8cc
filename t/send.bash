# t/send.bash — helpers of the sending tests (t/70–t/74), loaded after
# helper.bash; it loads login.bash and sync.bash.
load login
load sync

# setup() of a file that sends: a fresh login, WX_RATE=0 (the rate
# tests set their own), PEER a person among wx-emu's contacts, MARK the
# request log's length before the test.
send_setup() {
	export WX_DIR="$BATS_TEST_TMPDIR/wx"
	export WX_RATE=0
	logged_in
	PEER=$(first_of person)
	MARK=$(wc -l <"$EMU_LOG")
}

# What clients sent, as wx-emu lists it (NDJSON).
emu_sent() {
	emu_curl "$EMU_SCHEME://127.0.0.1:$EMU_PORT/_emu/sent"
}

# The sends (not uploads or revokes) wx-emu has, one JSON line each.
emu_sends() {
	emu_sent | jq -c 'select(.endpoint | startswith("webwxsend"))'
}

# The entry of MsgID $1 in the sent list.
sent_by_id() {
	emu_sent | jq -c --arg id "$1" 'select(.MsgID == $id)'
}

# Value of key $1 in wx-send's output $output ("msgid", "localid").
out_get() {
	sed -n "s/^$1=//p" <<<"$output" | tail -n 1
}

# mkfile KIND PATH [BYTES]: a file whose first bytes say KIND (jpg, png,
# gif, mp4, bmp, or txt for none), BYTES long in all (default 3000).
mkfile() {
	local n=${3:-3000}
	case $1 in
	jpg) printf '\377\330\377\340\000\020JFIF\000' ;;
	png) printf '\211PNG\r\n\032\n\000\000\000\rIHDR' ;;
	gif) printf 'GIF89a\001\000\001\000' ;;
	mp4) printf '\000\000\000\030ftypisom\000\000\002\000' ;;
	bmp) printf 'BM' ;;
	txt) printf 'plain text\n' ;;
	esac >"$2"
	head -c $((n - $(stat -c %s "$2"))) /dev/urandom >>"$2"
}

# The form field names of upload request line $1 (the request log), in
# their order, comma-separated.
form_fields() {
	jq -r .body <<<"$1" | sed -n 's/^Content-Disposition: form-data; name="\([^"]*\)".*/\1/p' |
		paste -sd,
}

# Value of form field $2 of upload request line $1.
form_field() {
	jq -r .body <<<"$1" | tr -d '\r' |
		awk -v n="$2" 'p == 2 { print; exit } p == 1 && $0 == "" { p = 2 }
			$0 ~ "^Content-Disposition: form-data; name=\"" n "\"" { p = 1 }'
}

# The times (ms) of the webwxsendmsg requests in the request log after
# line $MARK, sorted.
send_times() {
	tail -n +$((MARK + 1)) "$EMU_LOG" |
		jq -r 'select(.path | endswith("/webwxsendmsg")) | .time' | sort -n
}

# within_rate RATE [SLACK_MS]: no window of the send times holds more
# than lib/rate.c's bucket lets through, 5 + RATE·t sends (t in seconds,
# with SLACK_MS, default 100, for the network); else the first window
# that does and status 1.  Used by t/73 and t/soak/run.
within_rate() {
	send_times | awk -v rate="$1" -v slack="${2:-100}" '
		{ t[NR] = $1 }
		END {
			for (i = 1; i <= NR; i++)
				for (j = i; j <= NR; j++)
					if (j - i + 1 > 5 + rate * (t[j] - t[i] + slack) / 1000) {
						printf "sends %d..%d in %d ms\n", i, j, t[j] - t[i]
						exit 1
					}
		}'
}
