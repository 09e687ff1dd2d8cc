#!/usr/bin/env bats
# Hostile answers: huge values, control bytes, FIFOs in the session
# directory, a server that answers at once, HTTP statuses and Rets of every
# kind.  t/hostile (t/hostile.c) serves canned answers, one server a test,
# from files this test writes; every command runs under `timeout 20` (a
# hang is status 124, a failure), says one line on stderr prefixed with its
# name, and lets no control byte but LF through to stdout or stderr.
load helper
load login

REDIRECT='https://wx2.qq.com/cgi-bin/mmwebwx-bin/webwxnewloginpage?ticket=T&uuid=U&lang=zh_CN&scan=1'
UUID=abcdefABCDEF12
SKEY=@crypt_1a2b3c4d_0123456789abcdef0123456789abcdef
PASS=kbmy5Jt9nj%2BJzBaJZYNpUBQyBwRTejeXq1sM%2FYH7iOI%3D
ME=@0123456789abcdef0123456789abcdef

setup() {
	export WX_DIR="$BATS_TEST_TMPDIR/wx"
	mkdir -m 700 -p "$WX_DIR"
	hostile_start "$BATS_TEST_TMPDIR/answers"
}

teardown() {
	hostile_stop
}

# ---- checks ----

# hrun STATUS [env …] CMD [ARG…]: run under `timeout 20`, stdout and
# stderr apart; the status must be STATUS; stderr empty when STATUS is 0,
# else one line "CMD: …" (CMD is the first wx-* word); no control byte but
# LF in stdout or stderr.
hrun() {
	local want=$1 name= a
	shift
	for a in "$@"; do
		[[ "$a" == wx-* ]] && { name=$a; break; }
	done
	run --separate-stderr timeout 20 "$@"
	[ "$status" -ne 124 ] || fail "$name hung (killed after 20 s)"
	[ "$status" -eq "$want" ] ||
		fail "$name exited $status, not $want; stderr: ${stderr:0:300}"
	if [ "$want" -eq 0 ]; then
		[ -z "$stderr" ] || fail "stderr not empty: ${stderr:0:300}"
	else
		[ "${#stderr_lines[@]}" -eq 1 ] ||
			fail "stderr has ${#stderr_lines[@]} lines: ${stderr:0:300}"
		[[ "$stderr" == "$name: "* ]] ||
			fail "stderr does not start with '$name: ': ${stderr:0:300}"
	fi
	no_control
}

# No C0 control byte but LF, and no DEL, in $output and $stderr.
no_control() {
	local bad=$'[\001-\011\013-\037\177]'
	if [[ "$output" =~ $bad ]]; then
		fail "control byte in stdout: $(printf %q "${output:0:200}")"
	fi
	if [[ "${stderr:-}" =~ $bad ]]; then
		fail "control byte in stderr: $(printf %q "${stderr:0:200}")"
	fi
}

# seed LINE…: the session file (0600) holds these lines; a copy is kept
# for session_unchanged.
seed() {
	printf '%s\n' "$@" >"$WX_DIR/session"
	chmod 600 "$WX_DIR/session"
	cp "$WX_DIR/session" "$BATS_TEST_TMPDIR/session.before"
}

session_unchanged() {
	cmp "$BATS_TEST_TMPDIR/session.before" "$WX_DIR/session" ||
		fail "the session file changed"
}

# Nothing of a failed webwxinit was committed (the session may hold the
# credentials of webwxnewloginpage, but no account and no SyncKey).
no_init_committed() {
	[ -z "$(session_get username)" ] || fail "username committed"
	[ -z "$(session_get synckey)" ] || fail "synckey committed"
}

# A cookie-jar line: domain .qq.com, every path, secure, a day to live.
jar_line() {
	printf '.qq.com\tTRUE\t/\tTRUE\t%s\t%s\t%s\n' \
		"$(( $(date +%s) + 86400 ))" "$1" "$2"
}

# Value of cookie $1 in the jar (last one).
jar_get() {
	awk -v n="$1" '$6 == n { v = $7 } END { print v }' "$WX_DIR/cookies"
}

# N bytes of the letter L.
fill() {
	head -c "$1" /dev/zero | tr '\0' "$2"
}

# ---- valid answers ----

uuid_ok() {
	hostile_answer index '<!DOCTYPE html><html><head><title>Web WeChat</title></head></html>'
	hostile_answer jslogin "window.QRLogin.code = 200; window.QRLogin.uuid = \"gbyKnbsmqQ==\";"
}

# webwxnewloginpage ret 0 with wxsid $1 (default NEWSID), and its cookies.
newlogin_ok() {
	local sid=${1:-NEWSID}
	local exp
	exp=$(date -u -d '+1 day' '+%a, %d-%b-%Y %H:%M:%S GMT')
	hostile_answer webwxnewloginpage "<error><ret>0</ret><message></message><skey>$SKEY</skey><wxsid>$sid</wxsid><wxuin>176666155</wxuin><pass_ticket>$PASS</pass_ticket><isgrayscale>1</isgrayscale></error>"
	cat >"$HOSTILE_DIR/webwxnewloginpage.headers" <<-EOF
	Content-Type: text/plain;charset=utf-8
	Set-Cookie: wxuin=176666155; Domain=.qq.com; Path=/; Expires=$exp; Secure
	Set-Cookie: wxsid=$sid; Domain=.qq.com; Path=/; Expires=$exp; Secure
	Set-Cookie: webwx_data_ticket=gSehWtnDWTMh38gmz0IjaFv0; Domain=.qq.com; Path=/; Expires=$exp; Secure
	EOF
}

# A webwxinit answer: Ret $1, User.UserName $2 and User.NickName $3, both
# JSON string contents (escapes allowed).
init_json() {
	printf '{"BaseResponse":{"Ret":%s,"ErrMsg":""},"Count":1,"ContactList":[{"Uin":0,"UserName":"filehelper","NickName":"File Transfer"}],"SyncKey":{"Count":2,"List":[{"Key":1,"Val":650000001},{"Key":2,"Val":650000002}]},"User":{"Uin":176666155,"UserName":"%s","NickName":"%s","HeadImgUrl":"","RemarkName":"","Sex":0,"Signature":""},"ChatSet":"filehelper,","SKey":"%s","ClientVersion":654311220,"SystemTime":1546211541,"GrayScale":1,"InviteStartCount":40,"MPSubscribeMsgCount":0,"MPSubscribeMsgList":[],"ClickReportInterval":600000}' \
		"$1" "$2" "$3" "$SKEY"
}

init_ok() {
	hostile_answer webwxinit "$(init_json 0 "$ME" Me)"
	notify_ok
}

notify_ok() {
	hostile_answer webwxstatusnotify '{"BaseResponse":{"Ret":0,"ErrMsg":""},"MsgID":"8032721323945545465"}'
}

# ---- 1. a 1 MiB redirect_uri ----

@test "hostile 1: a 1 MiB redirect_uri is 111 'too large', session unchanged and still readable" {
	seed "uuid=$UUID"
	hostile_answer login "window.code=200;
window.redirect_uri=\"https://wx2.qq.com/cgi-bin/mmwebwx-bin/webwxnewloginpage?ticket=$(fill 1048576 A)&uuid=$UUID&lang=zh_CN&scan=1\";"
	hrun 111 wx-wait -t 10 </dev/null
	[[ "$stderr" == *"too large"* ]] || fail "no 'too large': ${stderr:0:300}"
	assert_output ''
	session_unchanged
	uuid_ok
	hrun 0 wx-uuid </dev/null
	assert_output 'uuid=gbyKnbsmqQ=='
}

# ---- 2. a 1 MB User.NickName / User.UserName ----

# huge_init USERNAME NICKNAME LETTER: webwxinit answers them; wx-init is
# 111 "too large", stores no LETTER-run, and the session stays readable.
huge_init() {
	seed "redirect_uri=$REDIRECT"
	newlogin_ok
	hostile_answer webwxinit "$(init_json 0 "$1" "$2")"
	notify_ok
	hrun 111 wx-init </dev/null
	[[ "$stderr" == *"too large"* ]] || fail "no 'too large': ${stderr:0:300}"
	[ "$(stat -c %s "$WX_DIR/session")" -lt 65536 ]
	run grep -c -E "^(nickname|username)=.*$3$3$3$3$3$3$3$3" "$WX_DIR/session"
	assert_output 0
	uuid_ok
	hrun 0 wx-uuid </dev/null
}

@test "hostile 2: webwxinit with a 1 MB User.NickName is 111 'too large'; the session stays small and readable" {
	huge_init "$ME" "$(fill 1000000 N)" N
}

@test "hostile 2: webwxinit with a 1 MB User.UserName is 111 'too large'; the session stays small and readable" {
	huge_init "@$(fill 1000000 U)" Me U
}

# ---- 3. FIFOs in the session directory ----

@test "hostile 3: a FIFO as the session: wx-uuid is 100 'not a regular file'" {
	mkfifo -m 600 "$WX_DIR/session"
	uuid_ok
	hrun 100 wx-uuid </dev/null
	[[ "$stderr" == *"not a regular file"* ]]
	[ -p "$WX_DIR/session" ]
}

@test "hostile 3: a FIFO as the session: wx-wait is 100 'not a regular file'" {
	mkfifo -m 600 "$WX_DIR/session"
	hostile_answer login 'window.code=408;'
	hrun 100 wx-wait -t 5 </dev/null
	[[ "$stderr" == *"not a regular file"* ]]
	[ -p "$WX_DIR/session" ]
}

@test "hostile 3: a FIFO as the session: wx-init is 100 'not a regular file'" {
	mkfifo -m 600 "$WX_DIR/session"
	newlogin_ok
	init_ok
	hrun 100 wx-init </dev/null
	[[ "$stderr" == *"not a regular file"* ]]
	[ -p "$WX_DIR/session" ]
}

@test "hostile 3: a FIFO as the session: wx-qr is 100 'not a regular file'" {
	mkfifo -m 600 "$WX_DIR/session"
	hrun 100 wx-qr </dev/null
	[[ "$stderr" == *"not a regular file"* ]]
	[ -p "$WX_DIR/session" ]
}

@test "hostile 3: a FIFO as the cookie jar: wx-uuid is 100 'not a regular file'" {
	seed "uuid=$UUID"
	mkfifo -m 600 "$WX_DIR/cookies"
	uuid_ok
	hrun 100 wx-uuid </dev/null
	[[ "$stderr" == *"not a regular file"* ]]
	session_unchanged
	[ -p "$WX_DIR/cookies" ]
}

# ---- 4. the one-time ticket is spent once ----

@test "hostile 4: wx-init after a failed webwxinit does not spend the ticket again; session and jar agree" {
	seed "redirect_uri=$REDIRECT"
	newlogin_ok NEWSID
	hostile_answer webwxinit '<html><body><h1>500 Internal Server Error</h1></body></html>' 500
	notify_ok
	hrun 111 wx-init </dev/null
	assert_output ''
	assert_equal "$(session_get wxsid)" NEWSID
	assert_equal "$(jar_get wxsid)" NEWSID
	init_ok
	hrun 0 wx-init </dev/null
	assert_line --index 0 "username=$ME"
	assert_equal "$(hostile_count webwxnewloginpage)" 1
	assert_equal "$(hostile_count webwxinit)" 2
	assert_equal "$(session_get wxsid)" NEWSID
	assert_equal "$(jar_get wxsid)" NEWSID
	refute_secrets
}

# ---- 5. cookies only after the session ----

@test "hostile 5: a refused newloginpage leaves its cookies out of the jar" {
	seed "redirect_uri=$REDIRECT" "skey=$SKEY" wxsid=OLDSID wxuin=176666155 "pass_ticket=$PASS"
	{
		echo '# Netscape HTTP Cookie File'
		jar_line wxsid OLDSID
		jar_line wxuin 176666155
	} >"$WX_DIR/cookies"
	chmod 600 "$WX_DIR/cookies"
	newlogin_ok NEWSID
	hostile_answer webwxnewloginpage '<error><ret>1203</ret><message>refused</message></error>'
	init_ok
	hrun 1 wx-init </dev/null
	assert_equal "$stderr" "wx-init: login refused (ret 1203): refused"
	run grep -c NEWSID "$WX_DIR/cookies"
	assert_output 0
	session_unchanged
	assert_equal "$(hostile_count webwxinit)" 0
}

# ---- 6. pacing ----

@test "hostile 6: wx-wait against a 201 that comes at once polls at most 5 times in 3 s" {
	seed "uuid=$UUID"
	hostile_answer login 'window.code=201;'
	run --separate-stderr timeout 20 wx-wait -t 3 </dev/null
	[ "$status" -ne 124 ] || fail "wx-wait hung"
	[ "$status" -eq 99 ] || fail "wx-wait exited $status, not 99: ${stderr:0:300}"
	no_control
	# 201 is reported once ("scanned"), then the timeout: every line is
	# wx-wait's, at most two of them.
	[ "${#stderr_lines[@]}" -le 2 ] || fail "${#stderr_lines[@]} lines on stderr"
	for l in "${stderr_lines[@]}"; do
		[[ "$l" == "wx-wait: "* ]] || fail "line without prefix: $l"
	done
	local n
	n=$(hostile_count login)
	[ "$n" -le 5 ] || fail "$n polls in 3 s"
	session_unchanged
}

@test "hostile 6: wx-wait against a 408 that comes at once polls at most 5 times in 3 s" {
	seed "uuid=$UUID"
	hostile_answer login 'window.code=408;'
	hrun 99 wx-wait -t 3 </dev/null
	local n
	n=$(hostile_count login)
	[ "$n" -le 5 ] || fail "$n polls in 3 s"
	session_unchanged
}

# ---- 7. server text never reaches the terminal raw ----

@test "hostile 7a: jslogin garbage with ESC and BEL is 111, no control byte shown" {
	seed "uuid=$UUID"
	uuid_ok
	hostile_answer jslogin $'window.QRLogin.code = 4\033[31m00\a; window.QRLogin.uuid = "\033]0;x\a";'
	hrun 111 wx-uuid </dev/null
	assert_output ''
	session_unchanged
}

@test "hostile 7b: a redirect_uri with an ESC is refused as malformed (111), nothing committed" {
	seed "uuid=$UUID"
	hostile_answer login $'window.code=200;\nwindow.redirect_uri="https://wx2.qq.com/cgi-bin/mmwebwx-bin/webwxnewloginpage?ticket=T\033[2J&uuid=abcdefABCDEF12&lang=zh_CN&scan=1";'
	hrun 111 wx-wait -t 10 </dev/null
	assert_output ''
	session_unchanged
}

@test "hostile 7c: a User.UserName with an ESC is 111" {
	seed "redirect_uri=$REDIRECT"
	newlogin_ok
	hostile_answer webwxinit "$(init_json 0 '@abc\u001b[31mdef' Me)"
	notify_ok
	hrun 111 wx-init </dev/null
	assert_output ''
	run grep -c $'\033' "$WX_DIR/session"
	assert_output 0
	no_init_committed
}

@test "hostile 7c: a User.NickName with ESC and BEL logs in; the nickname line has no control byte" {
	seed "redirect_uri=$REDIRECT"
	newlogin_ok
	hostile_answer webwxinit "$(init_json 0 "$ME" '\u001b[2Jnick\u0007name')"
	notify_ok
	hrun 0 wx-init </dev/null
	assert_line --index 0 "username=$ME"
	assert_line --index 1 --regexp '^nickname=.*nick.*name$'
}

@test "hostile 7d: a push-login refusal with ESC and BEL in msg is 1, no control byte in stderr" {
	seed wxuin=123
	hostile_answer webwxpushloginurl '{"ret":"1","msg":"\u001b]0;pwned\u0007bad"}'
	hrun 1 wx-uuid -p </dev/null
	assert_output ''
	session_unchanged
}

@test "hostile 7e: a 1203 refusal with a raw ESC in its message is 1, no control byte in stderr" {
	seed "redirect_uri=$REDIRECT"
	hostile_answer webwxnewloginpage $'<error><ret>1203</ret><message>\033[2Jno</message></error>'
	init_ok
	hrun 1 wx-init </dev/null
	assert_output ''
	session_unchanged
}

# ---- 8. stale temp files ----

@test "hostile 8: a successful wx-uuid removes stale cookies.tmp.* and session.tmp.* only" {
	seed "uuid=$UUID"
	echo stale >"$WX_DIR/cookies.tmp.Ab12Cd"
	echo stale >"$WX_DIR/session.tmp.999999"
	echo mine >"$WX_DIR/other"
	uuid_ok
	hrun 0 wx-uuid </dev/null
	assert_output 'uuid=gbyKnbsmqQ=='
	[ ! -e "$WX_DIR/cookies.tmp.Ab12Cd" ] || fail "cookies.tmp.Ab12Cd left"
	[ ! -e "$WX_DIR/session.tmp.999999" ] || fail "session.tmp.999999 left"
	[ "$(cat "$WX_DIR/other")" = mine ]
}

# ---- 9. smaller ones ----

@test "hostile 9a: a 3-character uuid is 111 and stores nothing" {
	seed "uuid=$UUID"
	uuid_ok
	hostile_answer jslogin 'window.QRLogin.code = 200; window.QRLogin.uuid = "abc";'
	hrun 111 wx-uuid </dev/null
	assert_output ''
	session_unchanged
}

@test "hostile 9b: newloginpage ret 1205 (too frequent) is 111" {
	seed "redirect_uri=$REDIRECT"
	hostile_answer webwxnewloginpage '<error><ret>1205</ret><message>too frequent</message></error>'
	init_ok
	hrun 111 wx-init </dev/null
	session_unchanged
}

@test "hostile 9c: newloginpage with a ret past int64 is 111, not a clamped number" {
	seed "redirect_uri=$REDIRECT"
	hostile_answer webwxnewloginpage '<error><ret>99999999999999999999</ret><message>big</message></error>'
	init_ok
	hrun 111 wx-init </dev/null
	[[ "$stderr" != *9223372036854775807* ]] || fail "clamped: $stderr"
	session_unchanged
}

@test "hostile 9d: a CURL_CA_BUNDLE that does not exist is 100, naming the file" {
	seed "uuid=$UUID"
	uuid_ok
	hrun 100 env CURL_CA_BUNDLE=/nonexistent/ca.pem wx-uuid </dev/null
	[[ "$stderr" == *"/nonexistent/ca.pem"* ]] || fail "file not named: $stderr"
	session_unchanged
}

@test "hostile 9e: wx-login without HOME, WX_DIR and XDG_STATE_HOME is 100 with one line" {
	uuid_ok
	hrun 100 env -u HOME -u WX_DIR -u XDG_STATE_HOME wx-login </dev/null
	assert_output ''
	assert_equal "$(hostile_count jslogin)" 0
}

@test "hostile 9e: wx-login -d DIR without HOME survives set -u: garbage jslogin is 111" {
	uuid_ok
	hostile_answer jslogin 'garbage'
	run --separate-stderr timeout 20 env -u HOME -u WX_DIR -u XDG_STATE_HOME \
		wx-login -d "$WX_DIR" </dev/null
	[ "$status" -eq 111 ] || fail "wx-login exited $status, not 111: ${stderr:0:300}"
	no_control
	[ "${#stderr_lines[@]}" -eq 1 ] || fail "stderr: $stderr"
	[[ "$stderr" =~ ^wx-(login|uuid):\  ]] || fail "stderr: $stderr"
	assert_equal "$(hostile_count jslogin)" 1
}

@test "hostile 9f: webwxinit Ret 1 is 1" {
	seed "redirect_uri=$REDIRECT"
	newlogin_ok
	hostile_answer webwxinit "$(init_json 1 "$ME" Me)"
	notify_ok
	hrun 1 wx-init </dev/null
	assert_output ''
	no_init_committed
}

# ---- 10. the exit-code table, at webwxinit ----

# init_answer BODY [STATUS]: newloginpage fine, webwxinit says BODY.
init_answer() {
	seed "redirect_uri=$REDIRECT"
	newlogin_ok
	hostile_answer webwxinit "$@"
	notify_ok
}

@test "hostile 10: webwxinit HTTP 5xx is 111, 4xx is 1 (the server said no)" {
	local s
	for s in 500:111 502:111 503:111 400:1 403:1 404:1; do
		rm -rf "$WX_DIR"; mkdir -m 700 "$WX_DIR"
		init_answer '<html><body>error</body></html>' "${s%:*}"
		hrun "${s#*:}" wx-init </dev/null
		assert_output ''
		no_init_committed
	done
}

@test "hostile 10: webwxinit 200 with truncated JSON is 111" {
	local j
	j=$(init_json 0 "$ME" Me)
	init_answer "${j:0:$(( ${#j} / 2 ))}"
	hrun 111 wx-init </dev/null
	assert_output ''
	no_init_committed
}

@test "hostile 10: webwxinit Ret 1100/1101/1102 is 1, 'logged out'" {
	local r
	for r in 1100 1101 1102; do
		rm -rf "$WX_DIR"; mkdir -m 700 "$WX_DIR"
		init_answer "$(init_json "$r" "$ME" Me)"
		hrun 1 wx-init </dev/null
		[[ "$stderr" == *"logged out"* ]] || fail "Ret $r: $stderr"
		no_init_committed
	done
}

@test "hostile 10: webwxinit Ret 1205 is 111" {
	init_answer "$(init_json 1205 "$ME" Me)"
	hrun 111 wx-init </dev/null
	no_init_committed
}

@test "hostile 10: webwxinit Ret 1203 is 1" {
	init_answer "$(init_json 1203 "$ME" Me)"
	hrun 1 wx-init </dev/null
	no_init_committed
}
