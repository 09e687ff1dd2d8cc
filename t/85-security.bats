#!/usr/bin/env bats
# Security (issue 13): the session directory and the files that hold
# secrets refused when group or others may get in; no secret in argv,
# outputs, files left behind or children's environments; TLS never
# switched off; names and text from the server are only text.
load helper
load login
load sync

# One login for the file with every private file there (session,
# cookies, contacts, media, sent, rate); each test works on a copy.
setup_file() {
	emu_start -H 1 -a
	export WX_DIR="$BATS_FILE_TMPDIR/wx"
	logged_in
	emu_ctl message '' --data-binary '{"TypeName":"image"}' >/dev/null
	wx-sync </dev/null >/dev/null
	WX_RATE=1 wx-send filehelper hello </dev/null >/dev/null
}
teardown_file() { emu_stop; }

setup() {
	export WX_DIR="$BATS_TEST_TMPDIR/wx"
	cp -a "$BATS_FILE_TMPDIR/wx" "$WX_DIR"
	T=$BATS_TEST_TMPDIR
}

# ---- 1. modes, checked at the start of every command ----

# snapshot: names, modes, sizes and sums of everything in WX_DIR.
snapshot() {
	(cd "$WX_DIR" && find . -printf '%p %m %s\n' | sort &&
		find . -type f -exec sha256sum {} + | sort)
}

# refused WHAT MODE CMD [ARG…]: with WX_DIR/WHAT (. for the directory)
# at MODE, CMD exits 100 with the one line naming it, its mode and the
# fix, prefixed with CMD's name (or $WHO's: wx-login's line is its
# wx-uuid's); the directory is as before and wx-emu got no request.
refused() {
	local what=$1 mode=$2 path fix=600 before n who
	shift 2
	who=${WHO:-${1##*/}}
	path=$WX_DIR/$what
	[ "$what" = . ] && { path=$WX_DIR; fix=700; }
	chmod "$mode" "$path"
	before=$(snapshot)
	n=$(wc -l <"$EMU_LOG")
	run --separate-stderr timeout 20 "$@" </dev/null
	[ "$status" -eq 100 ] || fail "$* with $what $mode: exit $status: $stderr"
	assert_equal "$stderr" "$who: $path: mode 0$mode lets group or others in; it holds secrets (chmod $fix it)"
	assert_output ''
	assert_equal "$(snapshot)" "$before"
	assert_equal "$(wc -l <"$EMU_LOG")" "$n"
	chmod "0$fix" "$path"
}

@test "security: the private files are all there to be checked" {
	local f
	for f in session cookies contacts media sent rate; do
		[ -f "$WX_DIR/$f" ] || fail "no $f"
		[ "$(stat -c %a "$WX_DIR/$f")" = 600 ] || fail "$f not 0600"
	done
	[ "$(stat -c %a "$WX_DIR")" = 700 ]
}

@test "security: each private file readable or writable by others is refused by wx-sync (100), nothing written" {
	local f m
	for f in session cookies contacts media sent rate; do
		for m in 644 640 604 620 602 660; do
			refused "$f" "$m" wx-sync
		done
	done
}

@test "security: a session directory group or others can enter is refused (100), nothing written" {
	local m
	for m in 755 750 705 770 711 701 710; do
		refused . "$m" wx-sync
	done
}

@test "security: every command checks the modes at its start" {
	local id f m
	id=$(jq -r .MsgId "$WX_DIR/media" | tail -n 1)
	for f in . session cookies contacts media sent rate; do
		m=644
		[ "$f" = . ] && m=755
		refused "$f" $m wx-uuid
		refused "$f" $m wx-uuid -p
		refused "$f" $m wx-wait -t 1
		refused "$f" $m wx-init
		refused "$f" $m wx-qr
		refused "$f" $m wx-contacts
		refused "$f" $m wx-synccheck
		refused "$f" $m wx-sync -f
		refused "$f" $m wx-send filehelper hi
		refused "$f" $m wx-get -o "$T/out" "$id"
		refused "$f" $m wx-revoke 1234567
		refused "$f" $m wx-remark filehelper x
		refused "$f" $m wx-accept
		refused "$f" $m wx-group @@x quit
		refused "$f" $m wx-logout
		[ ! -e "$T/out" ]
	done
}

@test "security: wx-login stops at the first refusal, with its one line (100)" {
	local f m
	for f in . session cookies; do
		m=644
		[ "$f" = . ] && m=755
		WHO=wx-uuid refused "$f" $m wx-login -t 5
	done
	# without a uin there is no push login: the QR path stops the same way
	sed -i '/^wxuin=/d' "$WX_DIR/session"
	WHO=wx-uuid refused session 640 wx-login -t 5
}

@test "security: under umask 022 wx makes the directory 0700 and every file in it 0600" {
	local id
	export WX_DIR="$T/fresh"
	umask 022
	logged_in
	id=$(emu_ctl message '' --data-binary '{"TypeName":"image"}')
	wx-sync </dev/null >/dev/null
	wx-contacts -m >/dev/null
	WX_RATE=1 wx-send filehelper hello </dev/null >/dev/null
	wx-get -o "$T/img" "$id" </dev/null
	[ "$(stat -c %a "$WX_DIR")" = 700 ]
	run find "$WX_DIR" -mindepth 1 ! -perm 600 -printf '%p %m\n'
	assert_output ''
	run find "$WX_DIR" -mindepth 1 ! -type f
	assert_output ''
}
