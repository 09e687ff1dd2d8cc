# t/sync.bash — helpers of the receiving tests (t/53–t/56), loaded after
# helper.bash and login.bash.

# A fresh login against wx-emu -a.
logged_in() {
	new_uuid
	wx-wait -t 20 </dev/null >/dev/null 2>&1
	wx-init </dev/null >/dev/null
}

# Logged in and up to date: the chat list of the first sync taken.
current() {
	logged_in
	wx-sync </dev/null >/dev/null
}

# inject JSON: POST /_emu/message; prints the new MsgId.
inject() {
	emu_ctl message '' -d "$1"
}

# The emulator's contacts, one JSON line each.
emu_contacts() {
	emu_curl "$EMU_SCHEME://127.0.0.1:$EMU_PORT/_emu/contacts"
}

# The UserName of the first emulator contact of kind $1 (person, room …).
first_of() {
	emu_contacts | jq -r --arg k "$1" 'select(.Kind==$k) | .UserName' | head -n 1
}

# Wait up to 10 s for file $1 to hold $2 lines.
wait_lines() {
	local i=0
	while [ "$(wc -l <"$1")" -lt "$2" ]; do
		i=$((i + 1)); [ $i -lt 200 ] || return 1; sleep 0.05
	done
}
