#!/usr/bin/env bats
# wx-contacts on an odd world loaded with wx-emu -W: names with emoji,
# entities, CJK, newlines, quotes and duplicates; each lookup prefix, an
# ambiguous and an unknown name; and the output of wx-contacts -m loaded
# back into wx-emu -W gives the same address book again.
load helper
load emu
load login

world() {
	cat <<'EOF_WORLD'
{"UserName":"@f1","NickName":"Twin","RemarkName":"Carol","Alias":"twin_one","Kind":"friend"}
{"UserName":"@f2","NickName":"Twin","Kind":"friend"}
{"UserName":"@f3","NickName":"Carol","Kind":"friend"}
{"UserName":"@f4","NickName":"line one<br/>line two","Kind":"friend"}
{"UserName":"@f5","NickName":"say \"hi\" &amp; <span class=\"emoji emoji1f604\"></span>","Kind":"friend"}
{"UserName":"@f6","NickName":"张伟","RemarkName":"老王","Kind":"friend"}
{"UserName":"filehelper","NickName":"文件传输助手","Kind":"special","ContactFlag":3}
{"UserName":"@mp1","NickName":"Daily","Kind":"public","VerifyFlag":24}
{"UserName":"@@r1","NickName":"Twin","Kind":"group","ContactFlag":3,"MemberList":[{"UserName":"@me"},{"UserName":"@f1","DisplayName":"t1"},{"UserName":"@s1","NickName":"Stranger"}]}
{"UserName":"@me","NickName":"Me","Uin":2000000001,"Kind":"self"}
EOF_WORLD
}

setup_file() {
	world >"$BATS_FILE_TMPDIR/world"
	emu_start -a -H 1 -W "$BATS_FILE_TMPDIR/world"
}
teardown_file() { emu_stop; }
teardown() { emu_stop_own; }

logged_in() {
	new_uuid
	wx-wait -t 20 </dev/null >/dev/null 2>&1
	wx-init </dev/null >/dev/null
}

# names NAME: the UserNames NAME resolves to, sorted, on one line.
names() {
	wx-contacts "$1" | jq -r .UserName | sort | tr '\n' ' '
}

@test "wx-contacts: decoded names: newlines, quotes, entities, emoji, CJK" {
	logged_in
	run -0 wx-contacts
	[ "$(jq -r 'select(.UserName == "@f4") | .Name' <<<"$output")" = $'line one\nline two' ]
	[ "$(jq -r 'select(.UserName == "@f5") | .Name' <<<"$output")" = 'say "hi" & 😄' ]
	[ "$(jq -r 'select(.UserName == "@f6") | .Remark' <<<"$output")" = 老王 ]
	[ "$(jq -r 'select(.UserName == "@me") | .Kind' <<<"$output")" = self ]
}

@test "wx-contacts NAME: remark first, then nick, alias, group; prefixes; never a guess" {
	logged_in
	wx-contacts >/dev/null
	[ "$(names Carol)" = "@f1 " ]             # a Remark wins over a NickName
	[ "$(names nick:Carol)" = "@f3 " ]
	[ "$(names remark:Carol)" = "@f1 " ]
	[ "$(names alias:twin_one)" = "@f1 " ]
	[ "$(names Twin)" = "@f1 @f2 " ]          # two friends: both listed
	[ "$(names group:Twin)" = "@@r1 " ]
	[ "$(names user:@f2)" = "@f2 " ]
	[ "$(names filehelper)" = "filehelper " ]
	[ "$(names 老王)" = "@f6 " ]
	[ "$(names $'line one\nline two')" = "@f4 " ]
	run -1 --separate-stderr wx-contacts carol   # byte-exact: no case folding
	[ "$stderr" = "wx-contacts: carol: no contact of that name" ]
	run -1 wx-contacts remark:
}

@test "wx-contacts -m: the room's members, strangers among them" {
	logged_in
	run -0 wx-contacts -m -t group
	[ "$(jq -r '.MemberList | map(.UserName) | join(" ")' <<<"$output")" = "@me @f1 @s1" ]
	[ "$(jq -r '.MemberList[] | select(.UserName == "@f1") | .DisplayName' <<<"$output")" = t1 ]
}

@test "wx-contacts -m output loaded back with wx-emu -W gives the same address book" {
	logged_in
	wx-contacts -m >"$BATS_TEST_TMPDIR/once"
	emu_start_own -a -H 1 -W "$BATS_TEST_TMPDIR/once"
	export WX_DIR="$BATS_TEST_TMPDIR/again"
	logged_in
	wx-contacts -m >"$BATS_TEST_TMPDIR/twice"
	# the same contacts, fields and names; HeadImgUrl carries the skey
	local q='[.[] | del(.HeadImgUrl)] | sort_by(.UserName)'
	diff <(jq -S -s "$q" "$BATS_TEST_TMPDIR/once") <(jq -S -s "$q" "$BATS_TEST_TMPDIR/twice")
}
