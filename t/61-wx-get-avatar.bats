#!/usr/bin/env bats
# wx-get -a NAME: the avatar of a friend (webwxgeticon), a group
# (webwxgetheadimg) and the account (self), byte for byte what wx-emu
# serves for the HeadImgUrl path with the session's skey; names resolved
# by the contacts cache (never a guess); a HeadImgUrl that is not an
# avatar path on the web host is never fetched; faults; -o atomic.
load helper
load send

setup_file() {
	cat >"$BATS_FILE_TMPDIR/world" <<'EOF_WORLD'
{"UserName":"@a1","NickName":"Sam","RemarkName":"Robin","Kind":"friend"}
{"UserName":"@a2","NickName":"Sam","Kind":"friend"}
{"UserName":"@a3","NickName":"Kim","Kind":"friend"}
{"UserName":"@@g1","NickName":"Room one","Kind":"group","ContactFlag":3,"MemberList":[{"UserName":"@self"},{"UserName":"@a1"}]}
{"UserName":"@self","NickName":"Self","Uin":2000000002,"Kind":"self"}
EOF_WORLD
	emu_start -a -W "$BATS_FILE_TMPDIR/world"
}
teardown_file() { emu_stop; }

setup() {
	export WX_DIR="$BATS_TEST_TMPDIR/wx"
	T=$BATS_TEST_TMPDIR
	logged_in
	wx-contacts >/dev/null
	HOST=$(session_get host)
	SKEY=$(session_get skey)
}

# The HeadImgUrl of UserName $1 in the contacts cache.
headimgurl() {
	jq -r --arg u "$1" 'select(.UserName == $u) | .HeadImgUrl // empty' "$WX_DIR/contacts"
}

# ref USER FILE: what wx-emu serves for USER's HeadImgUrl with the skey.
ref() {
	local u
	u=$(headimgurl "$1" | sed "s/skey=[^&]*/skey=$(uri "$SKEY")/")
	emu_curl -b "$WX_DIR/cookies" -o "$2" "https://$HOST$u"
}

# No temp file of -o left in directory $1.
no_temps() {
	! ls "$1" | grep -q '\.tmp\.'
}

@test "wx-get -a: usage" {
	run -100 --separate-stderr wx-get -a
	[ "$stderr" = "$(usage_of "wx-get [-d DIR] [-o FILE] -a NAME|MSGID|-")" ]
	run -100 --separate-stderr wx-get -a Kim 1
	[ "$stderr" = "$(usage_of "wx-get [-d DIR] [-o FILE] -a NAME|MSGID|-")" ]
	run -100 --separate-stderr wx-get -a '' -o "$T/x"
	[ "$stderr" = "wx-get: -a: empty name" ]
}

@test "wx-get -a: a friend's avatar from webwxgeticon, byte for byte" {
	: >"$EMU_LOG"
	run -0 --separate-stderr sh -c 'wx-get -a Kim >"$1"' sh "$T/out"
	[ -z "$stderr" ]
	ref @a3 "$T/ref"
	[ -s "$T/ref" ]
	cmp "$T/out" "$T/ref"
	# a real image: a JPEG, as real avatars are
	[ "$(head -c 3 "$T/out" | od -An -tx1 | tr -d ' ')" = ffd8ff ]
	run -0 requests_to webwxgeticon
	output=$(head -n 1 <<<"$output")
	[ "$(jq -r .host <<<"$output")" = "$HOST" ]
	[ "$(jq -r .query.username <<<"$output")" = @a3 ]
	[ "$(jq -r .query.skey <<<"$output")" = "$SKEY" ]
	[[ "$(jq -r .headers.Cookie <<<"$output")" == *"wxsid=$(session_get wxsid)"* ]]
	# by remark, into a file
	run -0 --separate-stderr wx-get -a Robin -o "$T/a1"
	[ -z "$output" ] && [ -z "$stderr" ]
	ref @a1 "$T/ref1"
	cmp "$T/a1" "$T/ref1"
	! cmp -s "$T/a1" "$T/out"
	no_temps "$T"
}

@test "wx-get -a: a group's avatar from webwxgetheadimg, and self's" {
	: >"$EMU_LOG"
	run -0 --separate-stderr wx-get -a 'Room one' -o "$T/g"
	ref @@g1 "$T/refg"
	[ -s "$T/refg" ]
	cmp "$T/g" "$T/refg"
	run -0 requests_to webwxgetheadimg
	output=$(head -n 1 <<<"$output")
	[ "$(jq -r .query.username <<<"$output")" = @@g1 ]
	[ "$(jq -r .query.skey <<<"$output")" = "$SKEY" ]
	: >"$EMU_LOG"
	run -0 --separate-stderr wx-get -a self -o "$T/s"
	ref @self "$T/refs"
	[ -s "$T/refs" ]
	cmp "$T/s" "$T/refs"
	[ "$(requests_to webwxgeticon | head -n 1 | jq -r .query.username)" = @self ]
}

@test "wx-get -a: an ambiguous or unknown name is 1, nothing fetched" {
	: >"$EMU_LOG"
	run -1 --separate-stderr wx-get -a Sam -o "$T/x"
	[[ "$stderr" == *"wx-get: Sam: 2 contacts match; name one of them exactly:"* ]]
	[[ "$stderr" == *"wx-get:   @a1 friend"* ]]
	[[ "$stderr" == *"wx-get:   @a2 friend"* ]]
	run -1 --separate-stderr wx-get -a Nobody -o "$T/x"
	[ "$stderr" = "wx-get: Nobody: no contact of that name" ]
	[ ! -e "$T/x" ]
	! grep -q webwxget "$EMU_LOG"
}

@test "wx-get -a: a HeadImgUrl that is no avatar path on the web host is not fetched" {
	local bad
	for bad in 'https://evil.example/cgi-bin/mmwebwx-bin/webwxgeticon?username=@a3' \
		'/cgi-bin/mmwebwx-bin/webwxgetmsgimg?&MsgID=1&skey=' \
		'//evil.example/cgi-bin/mmwebwx-bin/webwxgeticon?a' \
		'/cgi-bin/mmwebwx-bin/webwxgeticon?seq=1#x' \
		'/cgi-bin/mmwebwx-bin/webwxgeticon/../webwxlogout?a'; do
		jq -c --arg b "$bad" 'if .UserName == "@a3" then .HeadImgUrl = $b else . end' \
			"$WX_DIR/contacts" >"$T/c" && cat "$T/c" >"$WX_DIR/contacts"
		: >"$EMU_LOG"
		run -1 --separate-stderr wx-get -a Kim -o "$T/x"
		[ "$stderr" = "wx-get: Kim: HeadImgUrl is not a webwxgeticon or webwxgetheadimg path on the web host: not fetched" ]
		[ ! -e "$T/x" ]
		! grep -q mmwebwx-bin "$EMU_LOG"
	done
	# the web host's own absolute URL is fine
	jq -c --arg b "https://$HOST/cgi-bin/mmwebwx-bin/webwxgeticon?seq=1&username=@a3&skey=" \
		'if .UserName == "@a3" then .HeadImgUrl = $b else . end' \
		"$WX_DIR/contacts" >"$T/c" && cat "$T/c" >"$WX_DIR/contacts"
	run -0 wx-get -a Kim -o "$T/x"
	[ -s "$T/x" ]
}

@test "wx-get -a: faults on webwxgeticon are 111 and leave FILE as it was" {
	echo old >"$T/keep"
	fault webwxgeticon http500
	run -111 --separate-stderr wx-get -a Kim -o "$T/keep"
	[[ "$stderr" == "wx-get: GET https://$HOST/cgi-bin/mmwebwx-bin/webwxgeticon?"*"skey=***: HTTP 500" ]]
	refute_secrets
	[ "$(cat "$T/keep")" = old ]
	no_temps "$T"
	fault webwxgeticon reset
	run -111 --separate-stderr wx-get -a Kim -o "$T/keep"
	[ "$(cat "$T/keep")" = old ]
	no_temps "$T"
	run -0 wx-get -a Kim -o "$T/keep"
	ref @a3 "$T/ref"
	cmp "$T/keep" "$T/ref"
}

@test "wx-get -a: a terminal on stdout is refused" {
	run -100 script -qec "wx-get -d '$WX_DIR' -a Kim" /dev/null
	[[ "$output" == *"wx-get: stdout is a terminal; use -o FILE or a redirection"* ]]
}
