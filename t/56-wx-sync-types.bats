#!/usr/bin/env bats
# wx-sync and every message type wx-emu serves (protocol.md §8.6): the
# TypeName, the fields each type derives, media messages kept in
# DIR/media and fetched by wx-get byte for byte; selectors other than 2
# and a selector stuck non-zero, without a busy loop.
load helper
load login
load sync

setup_file() { emu_start -H 1 -a -n 30 -g 3 -m 4; }
teardown_file() { emu_stop; }

# typed NAME [JSON members]: inject a message of TypeName NAME; its MsgId.
typed() {
	inject "{\"TypeName\":\"$1\"${2:+,$2}}"
}

@test "wx-sync: every TypeName of design.md §3 from wx-emu's payloads" {
	current
	local t
	for t in text image voice video emoji card link file location system status verify; do
		typed "$t" >/dev/null || fail "inject $t"
	done
	run -0 wx-sync </dev/null
	[ "${#lines[@]}" -eq 12 ]
	run -0 jq -r .TypeName <<<"$output"
	[ "$(paste -sd' ' <<<"$output")" = "text image voice video emoji card link file location system status verify" ]
}

@test "wx-sync: a revoke names the recalled MsgId" {
	current
	local id
	id=$(inject '{"Content":"oops"}')
	typed revoke "\"Revoke\":\"$id\"" >/dev/null
	run -0 wx-sync </dev/null
	[ "$(jq -r .TypeName <<<"${lines[1]}")" = revoke ]
	[ "$(jq -r .RevokedMsgId <<<"${lines[1]}")" = "$id" ]
	[ "$(jq -r .MsgType <<<"${lines[1]}")" = 10002 ]
}

@test "wx-sync: link and file expose title, url, file name and size; location its label" {
	current
	typed link '"FileName":"A & B","Url":"https://example.com/?a=1&b=2"' >/dev/null
	typed file '"FileName":"report.pdf","FileSize":"12345"' >/dev/null
	typed location >/dev/null
	run -0 wx-sync </dev/null
	[ "$(jq -r .Title <<<"${lines[0]}")" != null ]
	[ "$(jq -r .Link <<<"${lines[0]}")" = "https://example.com/?a=1&b=2" ]
	[ "$(jq -r .FileName <<<"${lines[1]}")" = report.pdf ]
	[ "$(jq -r .FileSize <<<"${lines[1]}")" = 12345 ]
	[ "$(jq -r .Title <<<"${lines[1]}")" = report.pdf ]
	[ "$(jq -r '.MediaId | startswith("@crypt_")' <<<"${lines[1]}")" = true ]
	[ -n "$(jq -r '.Label // empty' <<<"${lines[2]}")" ]
	[ "$(jq -r .SubMsgType <<<"${lines[2]}")" = 48 ]
}

@test "wx-sync: in a group, a location and an image still name the member" {
	current
	local room member
	room=$(first_of room)
	typed location "\"From\":\"$room\"" >/dev/null
	typed image "\"From\":\"$room\"" >/dev/null
	run -0 wx-sync </dev/null
	local l
	for l in "${lines[@]}"; do
		[ "$(jq -r .Chat <<<"$l")" = "$room" ]
		member=$(jq -r .Sender <<<"$l")
		[[ "$member" == @* && "$member" != "$room" ]] || fail "sender $member"
		[[ "$(jq -r .Text <<<"$l")" != "$member"* ]]
	done
	[ -n "$(jq -r '.Label // empty' <<<"${lines[0]}")" ]
}

@test "wx-sync: verify and card carry the RecommendInfo a later step needs" {
	current
	typed verify >/dev/null
	typed card >/dev/null
	run -0 wx-sync </dev/null
	[ "$(jq -r .FromUserName <<<"${lines[0]}")" = fmessage ]
	[[ "$(jq -r .RecommendInfo.Ticket <<<"${lines[0]}")" == v2_* ]]
	[ "$(jq -r .RecommendInfo.OpCode <<<"${lines[0]}")" = 2 ]
	[[ "$(jq -r .RecommendInfo.UserName <<<"${lines[1]}")" == @* ]]
}

@test "wx-sync: media messages are kept in DIR/media, others not" {
	current
	local t
	for t in text image voice video emoji file link; do
		typed "$t" >/dev/null
	done
	run -0 wx-sync </dev/null
	[ "$(jq -r .TypeName "$WX_DIR/media" | paste -sd' ')" = "image voice video emoji file" ]
	[ "$(stat -c %a "$WX_DIR/media")" = 600 ]
}

@test "wx-get: each media kind that wx-sync printed, byte for byte what wx-emu serves" {
	command -v wx-get >/dev/null || skip "no wx-get"
	current
	local t id
	for t in image voice video emoji file; do
		typed "$t" >/dev/null
	done
	wx-sync </dev/null >"$BATS_TEST_TMPDIR/lines"
	while read -r line; do
		id=$(jq -r .MsgId <<<"$line")
		t=$(jq -r .TypeName <<<"$line")
		emu_curl -f "$EMU_SCHEME://127.0.0.1:$EMU_PORT/_emu/media?msgid=$id" \
			-o "$BATS_TEST_TMPDIR/want"
		[ -s "$BATS_TEST_TMPDIR/want" ] || fail "$t: wx-emu serves nothing"
		wx-get -o "$BATS_TEST_TMPDIR/got.$t" "$id" </dev/null || fail "wx-get $t"
		cmp "$BATS_TEST_TMPDIR/want" "$BATS_TEST_TMPDIR/got.$t" || fail "$t differs"
		printf '%s\n' "$line" | wx-get - >"$BATS_TEST_TMPDIR/piped" || fail "wx-get - $t"
		cmp "$BATS_TEST_TMPDIR/want" "$BATS_TEST_TMPDIR/piped" || fail "$t - differs"
	done <"$BATS_TEST_TMPDIR/lines"
}

@test "wx-sync -f: selectors 3, 4, 6, 7 and unknown ones are followed by webwxsync" {
	current
	local s n0
	for s in 3 6 7 9; do
		: >"$EMU_LOG"
		fault synccheck "selector$s" 1
		run -99 wx-sync -f -t 2 </dev/null
		[ "$(requests_to webwxsync | wc -l)" -ge 1 ] || fail "selector $s: no webwxsync"
	done
}

@test "wx-sync -f: a selector stuck non-zero with nothing to fetch does not spin" {
	current
	: >"$EMU_LOG"
	fault synccheck selector2 100000
	run -99 wx-sync -f -t 4 </dev/null
	fault synccheck selector2 0
	local n
	n=$(requests_to synccheck | wc -l)
	echo "# $n polls in 4 s" >&3
	[ "$n" -ge 3 ]
	[ "$n" -le 20 ]
}
