#!/usr/bin/env bats
# wx-contacts against answers wx-emu would never give (t/hostile.c): a Seq
# that comes back, hostile strings; the old cache stays as it was.
load helper
load login

setup() {
	export WX_DIR="$BATS_TEST_TMPDIR/wx"
	mkdir -m 700 "$WX_DIR"
	printf '%s\n' host=wx2.qq.com wxuin=123 wxsid=S skey=@crypt_1 \
		pass_ticket=P username=@self >"$WX_DIR/session"
	chmod 600 "$WX_DIR/session"
	printf '{"Cache":"wx-contacts","Uin":"123","User":"@self","Time":1}\n' \
		>"$WX_DIR/contacts"
	chmod 600 "$WX_DIR/contacts"
	hostile_start "$BATS_TEST_TMPDIR/answers"
}
teardown() { hostile_stop; }

# page SEQ CONTACTS…: a webwxgetcontact answer.
page() {
	local seq=$1 list
	shift
	list=$(IFS=,; echo "$*")
	printf '{"BaseResponse":{"Ret":0,"ErrMsg":""},"MemberCount":%d,"MemberList":[%s],"Seq":%s}' \
		"$#" "$list" "$seq"
}

@test "wx-contacts: a Seq that comes back is 111; the cache stays" {
	local before
	before=$(sha256sum <"$WX_DIR/contacts")
	hostile_answer webwxgetcontact "$(page 7 '{"UserName":"@a","NickName":"A"}')"
	run -111 --separate-stderr wx-contacts
	[ "$stderr" = "wx-contacts: webwxgetcontact: Seq 7 again; the pages never end" ]
	[ "$(hostile_count webwxgetcontact)" -eq 2 ]
	[ "$(sha256sum <"$WX_DIR/contacts")" = "$before" ]
}

@test "wx-contacts: hostile strings come out as valid, escaped JSON lines" {
	hostile_answer webwxgetcontact "$(page 0 \
		'{"Uin":12345678901234567890,"UserName":"@b","NickName":"a\u001b[2J&lt;b&gt;<span class=\"emoji emoji1f604\"></span>\n\"q\"","RemarkName":"R\u0007"}' \
		'{"UserName":"@b","NickName":"dup"}')"
	run -0 --separate-stderr wx-contacts
	[ -z "$stderr" ]
	[ "${#lines[@]}" -eq 1 ]
	[ "$(jq -r .Uin <<<"$output")" = 12345678901234567890 ]
	[ "$(jq -r .Name <<<"$output")" = $'a\e[2J<b>😄\n"q"' ]
	[ "$(jq -r .Remark <<<"$output")" = $'R\a' ]
	[[ "$output" != *$'\e'* && "$output" != *$'\a'* ]]
}

@test "wx-contacts: an answer that is not JSON is 111 and writes nothing" {
	local before
	before=$(sha256sum <"$WX_DIR/contacts")
	hostile_answer webwxgetcontact '{"BaseResponse":{"Ret":0},"MemberList":[{"UserName":"@a"'
	run -111 --separate-stderr wx-contacts
	[[ "$stderr" == "wx-contacts: webwxgetcontact: malformed answer"* ]]
	[ "$(sha256sum <"$WX_DIR/contacts")" = "$before" ]
	[ -z "$(find "$WX_DIR" -name 'contacts.tmp.*')" ]
}
