#!/usr/bin/env bats
# wx-contacts: every page of webwxgetcontact, rooms' members with -m,
# what webwxinit listed, Kind/Name/Remark, -t, NAME, -r, the cache, and
# faults in the middle (the old cache stays as it was).
load helper
load login

# 1200 contacts: three pages of 500; 120 rooms of 7, some saved (more
# than one batch of 50), one in webwxinit's list only.
setup_file() { emu_start -H 1 -a -n 1200 -g 120 -m 7; }
teardown_file() { emu_stop; }

logged_in() {
	new_uuid
	wx-wait -t 20 </dev/null >/dev/null 2>&1
	wx-init </dev/null >/dev/null
}

@test "wx-contacts: usage errors exit 100, -h prints the usage" {
	run -100 --separate-stderr wx-contacts a b
	[ "$stderr" = "$(usage_of "wx-contacts [-d DIR] [-m] [-r] [-t KIND] [NAME]")" ]
	run -100 --separate-stderr wx-contacts -t nobody
	[ "$stderr" = "wx-contacts: -t: nobody: not one of friend, group, public, special, self" ]
	run -100 --separate-stderr wx-contacts -r -m
	run -0 wx-contacts -h
	[[ "$output" == "usage: wx-contacts "* ]]
}

@test "wx-contacts: no session is 100 with a hint" {
	run -100 --separate-stderr wx-contacts
	[[ "$stderr" == "wx-contacts: "*"no host; run wx-init first" ]]
}

@test "wx-contacts: wx-init leaves a first cache: what webwxinit listed" {
	logged_in
	run -0 head -n 1 "$WX_DIR/contacts"
	[ "$(jq -r .Cache <<<"$output")" = wx-contacts ]
	[ "$(jq -r .User <<<"$output")" = "$(session_get username)" ]
	[ "$(jq -r .Uin <<<"$output")" = "$(session_get wxuin)" ]
	[ "$(stat -c %a "$WX_DIR/contacts")" = 600 ]
	[ "$(wc -l <"$WX_DIR/contacts")" -gt 2 ]
}

@test "wx-contacts: every page, each contact once, every Kind, ids as strings" {
	logged_in
	: >"$EMU_LOG"
	run -0 --separate-stderr wx-contacts </dev/null
	[ -z "$stderr" ]
	[ "$(requests_to webwxgetcontact | wc -l)" -eq 3 ]
	# seq=0 first, then each page's Seq, none twice
	[ "$(requests_to webwxgetcontact | jq -r .query.seq | head -n 1)" = 0 ]
	[ "$(requests_to webwxgetcontact | jq -r .query.seq | sort -u | wc -l)" -eq 3 ]
	printf '%s\n' "$output" >"$BATS_TEST_TMPDIR/all"
	# one JSON object a line, each UserName once
	jq -e -s 'length > 1200' "$BATS_TEST_TMPDIR/all" >/dev/null
	[ "$(jq -r .UserName "$BATS_TEST_TMPDIR/all" | sort | uniq -d | wc -l)" -eq 0 ]
	run jq -r .Kind "$BATS_TEST_TMPDIR/all"
	for k in friend group public special; do
		[[ "$output" == *"$k"* ]] || fail "no $k"
	done
	jq -e -s 'all(.[]; (.Uin | type) == "string")' "$BATS_TEST_TMPDIR/all"
	jq -e -s 'all(.[]; has("Name") and has("Remark"))' "$BATS_TEST_TMPDIR/all"
	# the cache holds the same lines after its header
	diff <(tail -n +2 "$WX_DIR/contacts") "$BATS_TEST_TMPDIR/all"
}

@test "wx-contacts: a room only webwxinit listed is kept" {
	logged_in
	local initrooms
	initrooms=$(jq -r 'select(.Kind == "group") | .UserName' "$WX_DIR/contacts" | sort)
	[ -n "$initrooms" ]
	run -0 wx-contacts -t group
	for r in $initrooms; do
		[[ "$output" == *"$r"* ]] || fail "lost $r"
	done
}

@test "wx-contacts: the cache of an earlier login lends nothing; this login's does" {
	logged_in
	local jar="$WX_DIR/contacts" me
	me=$(session_get username)
	{ printf '{"Cache":"wx-contacts","Uin":"1","User":"@earlier","Time":1}\n'
	  printf '{"UserName":"@stale","NickName":"Old","Kind":"friend"}\n'; } >"$jar"
	run -0 wx-contacts
	[[ "$output" != *'"@stale"'* ]]
	{ printf '{"Cache":"wx-contacts","Uin":"1","User":"%s","Time":1}\n' "$me"
	  printf '{"UserName":"@kept","NickName":"Kept","Kind":"friend","Name":"x"}\n'; } >"$jar"
	run -0 wx-contacts
	[ "$(jq -r 'select(.UserName == "@kept") | .Name' <<<"$output")" = Kept ]
}

@test "wx-contacts -m: rooms with every member, in batches of at most 50" {
	logged_in
	: >"$EMU_LOG"
	run -0 wx-contacts -m -t group
	printf '%s\n' "$output" >"$BATS_TEST_TMPDIR/g"
	jq -e -s 'length > 0 and all(.[]; .MemberCount == 7 and (.MemberList | length) == 7 and (.EncryChatRoomId | startswith("@")))' \
		"$BATS_TEST_TMPDIR/g"
	jq -e -s 'all(.[].MemberList[]; (.Uin | type) == "string")' "$BATS_TEST_TMPDIR/g"
	requests_to webwxbatchgetcontact | jq -e -s 'length > 1 and all(.[]; (.body | fromjson | .Count) <= 50)'
	[ "$(requests_to webwxbatchgetcontact | jq -s '[.[].body | fromjson | .Count] | add')" -eq "$(wc -l <"$BATS_TEST_TMPDIR/g")" ]
}

@test "wx-contacts -t and NAME: filters; names resolve exactly, never a guess" {
	logged_in
	run -0 wx-contacts -t special
	[ "$(jq -r .UserName <<<"$output" | sort | tr '\n' ' ')" = "filehelper weixin " ]
	run -0 wx-contacts filehelper
	[ "$(jq -r .UserName <<<"$output")" = filehelper ]
	local name user
	name=$(jq -r 'select(.Kind == "friend") | .Name' "$WX_DIR/contacts" | head -n 1)
	user=$(jq -r --arg n "$name" 'select(.Name == $n) | .UserName' "$WX_DIR/contacts")
	run -0 wx-contacts "$name"
	[ "$(jq -r .UserName <<<"$output")" = "$user" ]
	run -0 wx-contacts "user:$user"
	[ "$(jq -r .Name <<<"$output")" = "$name" ]
	run -1 --separate-stderr wx-contacts "${name}x"
	[ "$stderr" = "wx-contacts: ${name}x: no contact of that name" ]
	assert_output ''
}

@test "wx-contacts -r: the server's objects, no derived fields, no cache write" {
	logged_in
	wx-contacts >/dev/null
	local before
	before=$(sha256sum <"$WX_DIR/contacts")
	run -0 wx-contacts -r
	jq -e -s 'length > 1200 and all(.[]; has("Kind") | not) and all(.[]; (.Uin | type) == "number")' <<<"$output"
	[ "$(sha256sum <"$WX_DIR/contacts")" = "$before" ]
}

# The cache is as it was, and no temp file is left.
cache_kept() {
	[ "$(sha256sum <"$WX_DIR/contacts")" = "$1" ] || fail "$2 changed the cache"
	[ -z "$(find "$WX_DIR" -name 'contacts.tmp.*')" ] || fail "$2 left a temp file"
}

@test "wx-contacts: a fault on a page or a batch keeps the old cache byte for byte" {
	logged_in
	wx-contacts >/dev/null
	local before kind cgi
	before=$(sha256sum <"$WX_DIR/contacts")
	# webwxbatchgetcontact comes after every page: lines are written by then
	for cgi in webwxgetcontact webwxbatchgetcontact; do
		for kind in http500 truncate malformed ret1205; do
			fault "$cgi" "$kind"
			run --separate-stderr wx-contacts -m
			fault "$cgi" "$kind" 0
			[ "$status" -eq 111 ] || fail "$cgi $kind: $status $stderr"
			[[ "$stderr" == wx-contacts:* ]]
			cache_kept "$before" "$cgi $kind"
		done
	done
	fault webwxgetcontact ret1101
	run -1 --separate-stderr wx-contacts
	[ "$stderr" = "wx-contacts: webwxgetcontact: logged out (1101)" ]
	cache_kept "$before" ret1101
}

@test "wx-contacts: the skey in avatar URLs is never printed nor cached" {
	logged_in
	run -0 wx-contacts -m </dev/null
	local skey
	skey=$(session_get skey)
	[ -n "$skey" ]
	[[ "$output" != *"$skey"* ]]
	! grep -qF "$skey" "$WX_DIR/contacts"
	[[ "$output" == *'webwxgeticon?'*'&skey="'* || "$output" == *'&skey=&'* || "$output" == *'&skey="'* ]]
}
