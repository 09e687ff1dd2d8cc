#!/usr/bin/env bats
# Every command: -h is a request (usage on stdout, exit 0), a bad option
# an error (usage on stderr, exit 100), as design.md §3 and wx(7) say.

load helper

COMMANDS="wx-uuid wx-qr wx-wait wx-init wx-contacts wx-synccheck wx-sync wx-get wx-send wx-revoke wx-remark wx-accept wx-group wx-logout wx-login wx-emu"

@test "usage: -h prints the usage on stdout and exits 0" {
	local c
	for c in $COMMANDS; do
		run --separate-stderr "$c" -h
		[ "$status" -eq 0 ] || fail "$c -h: $status"
		[[ "$output" == "usage: $c "* ]] || fail "$c -h: '$output'"
		[ "${#lines[@]}" -eq 1 ] || fail "$c -h: more than one line"
		[ -z "$stderr" ] || fail "$c -h: stderr '$stderr'"
	done
}

@test "usage: a bad option prints the usage on stderr and exits 100" {
	local c
	for c in $COMMANDS; do
		run --separate-stderr "$c" -Z
		[ "$status" -eq 100 ] || fail "$c -Z: $status"
		[ -z "$output" ] || fail "$c -Z: stdout '$output'"
		[[ "$stderr" == *"usage: $c "* ]] || fail "$c -Z: '$stderr'"
	done
}

@test "usage: an extra operand is a usage error" {
	local c
	for c in wx-uuid wx-wait wx-init wx-logout wx-login wx-emu; do
		run --separate-stderr "$c" extra
		[ "$status" -eq 100 ] || fail "$c extra: $status"
		[[ "$stderr" == *"usage: $c "* ]] || fail "$c extra: '$stderr'"
	done
	run --separate-stderr wx-qr a b
	[ "$status" -eq 100 ]
}
