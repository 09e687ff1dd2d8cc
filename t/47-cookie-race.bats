#!/usr/bin/env bats
# Two commands on one session directory at the same time each receive a
# cookie the other does not: both must be in the jar afterwards (the jar
# is merged under the session lock, not overwritten by the last writer).

load helper
load login

setup_file() { emu_start; }
teardown_file() { emu_stop; }

# Names of the cookies the emulator's cookie fault handed out, in the jar.
fault_cookies() {
	awk -F '\t' 'NF == 7 && $6 ~ /^emu_c[0-9]+$/ { print $6 }' \
		"$WX_DIR/cookies" | sort -u
}

@test "cookies: two wx-uuid at once keep both new cookies, 200 times in a row" {
	local i lost=0 a b
	fault jslogin cookie 400
	for i in $(seq 200); do
		export WX_DIR="$BATS_TEST_TMPDIR/wx$i"
		wx-uuid </dev/null >/dev/null 2>"$BATS_TEST_TMPDIR/a.err" & a=$!
		wx-uuid </dev/null >/dev/null 2>"$BATS_TEST_TMPDIR/b.err" & b=$!
		wait "$a" || fail "round $i: $(cat "$BATS_TEST_TMPDIR/a.err")"
		wait "$b" || fail "round $i: $(cat "$BATS_TEST_TMPDIR/b.err")"
		[ "$(fault_cookies | wc -l)" -eq 2 ] || lost=$((lost + 1))
		[ "$(stat -c %a "$WX_DIR/cookies")" = 600 ] || fail "round $i: mode"
		rm -rf "$WX_DIR"
	done
	[ "$lost" -eq 0 ] || fail "a cookie was lost in $lost of 200 rounds"
}

@test "cookies: a cookie the other process changed is not undone" {
	local jar="$WX_DIR/cookies" a
	mkdir -p -m 700 "$WX_DIR"
	printf '.qq.com\tTRUE\t/\tFALSE\t0\tkeep\told\n' >"$jar"
	chmod 600 "$jar"
	# wx-uuid loads keep=old; while its jslogin is held, another writer
	# sets keep=new
	fault jslogin slow
	: >"$EMU_LOG"
	wx-uuid </dev/null >/dev/null & a=$!
	local i=0
	until [ -n "$(requests_to jslogin)" ]; do
		i=$((i + 1))
		[ "$i" -lt 200 ] || fail "jslogin never came"
		sleep 0.05
	done
	printf '.qq.com\tTRUE\t/\tFALSE\t0\tkeep\tnew\n' >"$jar.new"
	chmod 600 "$jar.new"
	mv "$jar.new" "$jar"
	wait "$a"
	run awk -F '\t' '$6 == "keep" { print $7 }' "$jar"
	assert_output new
}
