#!/usr/bin/env bats
# wx-emu with a large generated world: init and the whole paged contact
# list of 10,000 contacts, quickly.
load helper
load emu
load emu-session

setup_file() { emu_start -n 10000; }
teardown_file() { emu_stop; }

@test "a 10,000-contact world: init and the whole contact list" {
	emu_login
	do_init
	local seq=0 total=0 pages=0 page
	while :; do
		page=$(web_get webwxgetcontact "r=1&seq=$seq&skey=$SKEY")
		total=$((total + $(jq .MemberCount <<<"$page")))
		seq=$(jq .Seq <<<"$page")
		pages=$((pages + 1))
		[ "$pages" -le 30 ] || fail "Seq never reached 0"
		[ "$seq" = 0 ] && break
	done
	[ "$total" -ge 10000 ]
	[ "$pages" -ge 20 ]
}
