# t/send.bash — helpers of the sending tests (t/70–t/74), loaded after
# helper.bash, login.bash and sync.bash.

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
