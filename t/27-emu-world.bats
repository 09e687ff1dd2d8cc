#!/usr/bin/env bats
# wx-emu -W FILE: the account, contacts and rooms loaded from NDJSON in
# the format of wx-contacts -m, answered as given by webwxinit,
# webwxgetcontact (paged) and webwxbatchgetcontact; bad input exits 100
# with FILE:LINE.
load helper
load emu
load emu-session

# The odd world of most tests: a cache header and a blank line (skipped),
# two friends with the same NickName, a RemarkName equal to another's
# NickName, newlines (<br/> and \n), quotes, an RTL mark, emoji spans,
# CJK, a special, an official account, a saved room and an unsaved one.
# Lines are listed self last so that members refer to later lines.
world_file() {
	cat <<'EOF'
{"Cache":1,"Saved":"2026-11-23T00:00:00Z"}

{"UserName":"@f1","NickName":"Twin","RemarkName":"Carol","Kind":"friend","Name":"Twin","Remark":"Carol","Sex":1,"Signature":"sig \"quoted\"","Province":"广东","City":"深圳","Alias":"twin_one","ContactFlag":2051,"StarFriend":1,"SnsFlag":17,"AttrStatus":135461,"KeyWord":"twi","PYInitial":"TWIN","PYQuanPin":"twin","RemarkPYInitial":"CAROL","RemarkPYQuanPin":"carol","HeadImgUrl":"/cgi-bin/mmwebwx-bin/webwxgeticon?seq=654321&username=@f1&skey=@crypt_old","Uin":0}
{"UserName":"@f2","NickName":"Twin","Kind":"friend"}
{"UserName":"@f3","NickName":"Carol","Kind":"friend","Uin":"77"}
{"UserName":"@f4","NickName":"line one<br/>line two","Kind":"friend"}
{"UserName":"@f5","NickName":"raw\nnewline \"and\" quotes \\ back","Kind":"friend"}
{"UserName":"@f6","NickName":"\u200fשרה\u200e מ","Kind":"friend"}
{"UserName":"@f7","NickName":"Joy <span class=\"emoji emoji1f604\"></span> &amp; &lt;b&gt;","Kind":"friend"}
{"UserName":"@f8","NickName":"张伟","RemarkName":"老王","Kind":"friend"}
{"UserName":"filehelper","NickName":"文件传输助手","Kind":"special","ContactFlag":3,"KeyWord":"fil"}
{"UserName":"fmessage","NickName":"朋友推荐消息","Kind":"special","ContactFlag":0}
{"UserName":"@mp1","NickName":"Daily &amp; Weekly","Kind":"public","VerifyFlag":24}
{"UserName":"@@r1","NickName":"Team <span class=\"emoji emoji1f4bc\"></span>","Kind":"group","ContactFlag":3,"MemberCount":4,"EncryChatRoomId":"@0123456789abcdef0123456789abcdef","OwnerUin":"2000000001","MemberList":[{"UserName":"@me","NickName":"Me","DisplayName":"boss","AttrStatus":1},{"UserName":"@f1","NickName":"Twin","DisplayName":"twin in room"},{"UserName":"@f8","DisplayName":""},{"UserName":"@s1","NickName":"Stranger \"S\"","DisplayName":"陌生人 <span class=\"emoji emoji2764\"></span>","Uin":"195765975","AttrStatus":98407,"KeyWord":"str"}]}
{"UserName":"@@r2","NickName":"","Kind":"group","ContactFlag":0,"MemberList":[{"UserName":"@me"},{"UserName":"@s1","NickName":"Stranger \"S\""}]}
{"UserName":"@me","NickName":"Me <span class=\"emoji emoji1f916\"></span>","Uin":2000000001,"Kind":"self","Sex":2,"Signature":"mine","SnsFlag":49,"Name":"ignored","Remark":"ignored"}
EOF
}

setup_file() {
	world_file >"$BATS_FILE_TMPDIR/world"
	emu_start -W "$BATS_FILE_TMPDIR/world"
}
teardown_file() { emu_stop; }
teardown() { emu_stop_own; }

# Every contact of webwxgetcontact, page after page, as one JSON array;
# the answers are kept in $BATS_TEST_TMPDIR/pages.
all_contacts() {
	local seq=0 page n=0
	: >"$BATS_TEST_TMPDIR/pages"
	while :; do
		page=$(web_get webwxgetcontact "lang=zh_CN&pass_ticket=$PASS_TICKET&r=1&seq=$seq&skey=$SKEY") || return 1
		printf '%s\n' "$page" >>"$BATS_TEST_TMPDIR/pages"
		seq=$(jq .Seq <<<"$page")
		n=$((n + 1))
		[ "$seq" = 0 ] || [ "$n" -gt 20 ] && break
	done
	jq -cs '[.[].MemberList[]]' "$BATS_TEST_TMPDIR/pages"
}

# batch USERNAME…: webwxbatchgetcontact for these UserNames.
batch() {
	local list
	list=$(printf '%s\n' "$@" | jq -Rc '{UserName: ., EncryChatRoomId: ""}' | jq -sc .)
	web_post webwxbatchgetcontact "type=ex&r=1" \
		"$(jq -cn --argjson br "$(emu_base)" --argjson l "$list" '$br + {Count: ($l | length), List: $l}')"
}

@test "webwxinit: User is the self line (Uin as a number), header and blank lines skipped" {
	emu_login
	[ "$UIN" = 2000000001 ]
	do_init
	run -0 jq -c '.User | [.Uin, .UserName, .NickName, .Sex, .Signature, .SnsFlag]' <<<"$INIT"
	assert_output '[2000000001,"@me","Me <span class=\"emoji emoji1f916\"></span>",2,"mine",49]'
	# filehelper keeps its bare name; the unsaved room reaches the client here.
	run -0 jq -r '.ChatSet' <<<"$INIT"
	assert_output --partial 'filehelper,'
	assert_output --partial '@@r2,'
}

@test "webwxgetcontact: names and fields as given, in file order, self and unsaved left out" {
	local got
	emu_login
	got=$(all_contacts)
	run -0 jq -r '.[].UserName' <<<"$got"
	assert_output "$(printf '%s\n' @f1 @f2 @f3 @f4 @f5 @f6 @f7 @f8 filehelper @mp1 @@r1)"
	# Decoded by jq, every name equals the file's (itself decoded by jq).
	[ "$(jq -c '[.[].NickName]' <<<"$got")" = "$(world_file | jq -c 'select(.UserName != null and .Kind != "self" and .ContactFlag != 0) | .NickName' | jq -sc .)" ]
	run -0 jq -c '.[0] | [.NickName, .RemarkName, .Sex, .Signature, .Province, .City, .Alias, .ContactFlag, .StarFriend, .SnsFlag, .AttrStatus, .KeyWord, .PYInitial, .PYQuanPin, .RemarkPYInitial, .RemarkPYQuanPin, .HeadImgUrl]' <<<"$got"
	assert_output "[\"Twin\",\"Carol\",1,\"sig \\\"quoted\\\"\",\"广东\",\"深圳\",\"twin_one\",2051,1,17,135461,\"twi\",\"TWIN\",\"twin\",\"CAROL\",\"carol\",\"/cgi-bin/mmwebwx-bin/webwxgeticon?seq=654321&username=@f1&skey=$SKEY\"]"
	run -0 jq -c '[.[] | select(.UserName == "@f3" or .UserName == "@mp1") | [.Uin, .VerifyFlag, .ContactFlag]]' <<<"$got"
	assert_output '[[77,0,3],[0,24,3]]'
	# The bytes: a raw newline goes out as \n, <br/> as it is, quotes escaped.
	run -0 grep -F '"NickName": "raw\nnewline \"and\" quotes \\ back"' "$BATS_TEST_TMPDIR/pages"
	run -0 grep -F '"NickName": "line one<br/>line two"' "$BATS_TEST_TMPDIR/pages"
}

@test "webwxbatchgetcontact: a room with its members, DisplayName, EncryChatRoomId, OwnerUin" {
	local got
	emu_login
	got=$(batch @@r1)
	run -0 jq -c '.ContactList[0] | [.UserName, .MemberCount, .EncryChatRoomId, .OwnerUin, .IsOwner, .ContactFlag]' <<<"$got"
	assert_output '["@@r1",4,"@0123456789abcdef0123456789abcdef",2000000001,1,2]'
	run -0 jq -c '.ContactList[0].MemberList[] | [.UserName, .NickName, .DisplayName, .Uin, .AttrStatus, .KeyWord]' <<<"$got"
	assert_line --index 0 '["@me","Me","boss",0,0,""]'
	assert_line --index 1 '["@f1","Twin","twin in room",0,135461,"twi"]'
	# No NickName in the member object: the remark self gave that friend.
	assert_line --index 2 '["@f8","老王","",0,0,""]'
	assert_line --index 3 '["@s1","Stranger \"S\"","陌生人 <span class=\"emoji emoji2764\"></span>",195765975,98407,"str"]'
	# init lists the same room with partial members (NickName "").
	do_init
	run -0 jq -c '[.ContactList[] | select(.UserName == "@@r1") | .MemberList[] | [.NickName, .DisplayName]]' <<<"$INIT"
	assert_output '[["",""],["",""],["",""],["",""]]'
}

@test "a member who is a contact is that contact; a stranger is one stranger in every room" {
	local got
	emu_login
	got=$(batch @f1 @s1 @@r2)
	run -0 jq -c '.ContactList | [.[].UserName]' <<<"$got"
	assert_output '["@f1","@s1","@@r2"]'
	run -0 jq -c '.ContactList[0] | [.NickName, .RemarkName, .Alias]' <<<"$got"
	assert_output '["Twin","Carol","twin_one"]'
	run -0 jq -c '.ContactList[1] | [.NickName, .Uin, .KeyWord]' <<<"$got"
	assert_output '["Stranger \"S\"",195765975,"str"]'
	run -0 jq -c '.ContactList[2] | [.MemberCount, [.MemberList[].UserName], .EncryChatRoomId != ""]' <<<"$got"
	assert_output '[2,["@me","@s1"],true]'
	# Strangers are not contacts: sending to one is refused (1204).
	run -0 web_post webwxsendmsg "" "$(jq -cn --argjson br "$(emu_base)" '$br + {Msg: {Type: 1, Content: "hi", FromUserName: "@me", ToUserName: "@s1", LocalID: "1", ClientMsgId: "1"}, Scene: 0}')"
	assert_output --partial '"Ret": 1204'
}

@test "a 30 KB name round-trips; 32 KiB is the cap" {
	local big w="$BATS_TEST_TMPDIR/w"
	big=$(head -c 30000 /dev/zero | tr '\0' 'x')名
	{
		printf '{"UserName":"@me","Kind":"self"}\n'
		jq -cn --arg n "$big" '{UserName: "@big", NickName: $n, RemarkName: $n, Kind: "friend"}'
	} >"$w"
	emu_start_own -W "$w"
	emu_login
	[ "$(all_contacts | jq -r '.[0].NickName')" = "$big" ]
	[ "$(batch @big | jq -r '.ContactList[0].RemarkName')" = "$big" ]
	{
		printf '{"UserName":"@me","Kind":"self"}\n'
		jq -cn --arg n "$(head -c 32769 /dev/zero | tr '\0' 'x')" '{UserName: "@big", Signature: $n}'
	} >"$w"
	run -100 wx-emu -W "$w"
	assert_output "wx-emu: $w:2: Signature: longer than 32768 bytes"
}

@test "webwxgetcontact pages a loaded world of 1200 friends" {
	local w="$BATS_TEST_TMPDIR/w" got
	{
		printf '{"UserName":"@me","Kind":"self","Uin":"1234567"}\n'
		for i in $(seq 1 1200); do
			printf '{"UserName":"@p%d","NickName":"Same","Kind":"friend"}\n' "$i"
		done
	} >"$w"
	emu_start_own -W "$w"
	emu_login
	[ "$UIN" = 1234567 ]
	got=$(all_contacts)
	run -0 jq -c '[.MemberCount, .Seq]' "$BATS_TEST_TMPDIR/pages"
	assert_output "$(printf '%s\n' '[500,501]' '[500,1001]' '[200,0]')"
	run -0 jq -c '[length, (map(.UserName) | unique | length), (map(.NickName) | unique)]' <<<"$got"
	assert_output '[1200,1200,["Same"]]'
}

# bad_world LINE REASON: wx-emu -W on stdin's lines exits 100 naming LINE.
bad_world() {
	local w="$BATS_TEST_TMPDIR/bad"
	cat >"$w"
	run -100 timeout 10 wx-emu -p 0 -W "$w"
	assert_output "wx-emu: $w:$1: $2"
}

@test "bad worlds exit 100 with FILE:LINE: reason" {
	printf '{"UserName":"@me","Kind":"self"}\n{"UserName":\n' |
		bad_world 2 'not JSON: truncated JSON at byte 12'
	printf '{"UserName":"@me","Kind":"self"}\n\n[1,2]\n' | bad_world 3 'not an object'
	printf '{"UserName":"@me","Kind":"self"}\n"@x"\n' | bad_world 2 'not an object'
	printf '{"UserName":"@me","Kind":"self"}\n{"NickName":"x"}\n' | bad_world 2 'no UserName'
	printf '{"UserName":"@me","Kind":"self"}\n{"UserName":""}\n' | bad_world 2 'no UserName'
	printf '{"UserName":"@me","Kind":"self"}\n{"UserName":{}}\n' | bad_world 2 'UserName: not a string'
	printf '{"UserName":"@me","Kind":"self"}\n{"UserName":"@a"}\n{"UserName":"@a"}\n' |
		bad_world 3 'duplicate UserName @a'
	printf '{"UserName":"@me","Kind":"self"}\n{"UserName":"@a","Kind":"enemy"}\n' |
		bad_world 2 'Kind: not friend, group, public, special or self'
	printf '{"UserName":"@a","Kind":"friend"}\n\n' | bad_world 2 'no line with "Kind":"self"'
	printf '{"UserName":"@me","Kind":"self"}\n{"UserName":"@me2","Kind":"self"}\n' |
		bad_world 2 'a second self (the first on line 1)'
	printf '{"UserName":"@me","Kind":"self"}\n{"UserName":"@@r","Kind":"group","MemberList":{}}\n' |
		bad_world 2 'MemberList: not an array'
	printf '{"UserName":"@me","Kind":"self"}\n{"UserName":"@@r","Kind":"group","MemberList":[{"UserName":"@a"},3]}\n' |
		bad_world 2 'MemberList.1: not an object'
	printf '{"UserName":"@me","Kind":"self"}\n{"UserName":"@@r","Kind":"group","MemberList":[{"NickName":"a"}]}\n' |
		bad_world 2 'MemberList.0: no UserName'
	printf '{"UserName":"@me","Kind":"self","Uin":"4294967296"}\n' |
		bad_world 1 'Uin: not a uin (0 to 4294967295)'
	printf '{"UserName":"@me","Kind":"self","Sex":"male"}\n' |
		bad_world 1 'Sex: not a 32-bit integer'
	printf '{"UserName":"@%s","Kind":"self"}\n' "$(head -c 80 /dev/zero | tr '\0' a)" |
		bad_world 1 'UserName longer than 71 bytes'
	printf '{"UserName":"@me","Kind":"self"}\n{"UserName":"@@r","Kind":"group","EncryChatRoomId":"@%s"}\n' \
		"$(head -c 40 /dev/zero | tr '\0' a)" |
		bad_world 2 'EncryChatRoomId: longer than 39 bytes'
}

@test "-W with -n, -g or -m is a usage error; a missing file exits 100" {
	run -100 wx-emu -W "$BATS_FILE_TMPDIR/world" -n 3
	assert_line --index 0 'wx-emu: -W excludes -n, -g and -m'
	run -100 wx-emu -m 3 -W "$BATS_FILE_TMPDIR/world"
	assert_line --index 0 'wx-emu: -W excludes -n, -g and -m'
	run -100 wx-emu -W "$BATS_TEST_TMPDIR/none"
	assert_output "wx-emu: $BATS_TEST_TMPDIR/none: No such file or directory"
}
