# t/bench/session.sh — sourced by the bench's curl and wrk scripts
# (contacts-baseline, sync-baseline, send-baseline, emu-load) with s set
# to a logged-in session directory: its values as a shell user reads
# them, and the JSON objects their requests carry.

# sess KEY: the value of KEY in $s/session.
sess() { sed -n "s/^$1=//p" "$s/session" | tail -n 1; }

# base_request: $s's BaseRequest, with a fixed DeviceID.
base_request() {
	printf '{"Uin":%s,"Sid":"%s","Skey":"%s","DeviceID":"e123456789012345"}' \
		"$(sess wxuin)" "$(sess wxsid)" "$(sess skey)"
}

# synckey_json: $s's synckey (K_V|K_V…) as webwxsync's SyncKey object.
synckey_json() {
	sess synckey | tr '|' '\n' | awk -F_ '
		{ l = l (NR > 1 ? "," : "") "{\"Key\":" $1 ",\"Val\":" $2 "}" }
		END { printf "{\"Count\":%d,\"List\":[%s]}", NR, l }'
}
