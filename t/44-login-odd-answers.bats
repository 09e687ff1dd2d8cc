#!/usr/bin/env bats
# Answers wx-emu never gives: a redirect to an unknown host, the refusal
# as a browser renders it (an HTML page), the desktop 301.  A one-shot
# `openssl s_server` answers one canned response instead.
load helper
load login

# Serve one HTTP answer over TLS: status line $1 ("200 OK"), body in
# file $2; sets FAKE_PID, and WX_CONNECT_TO/CURL_CA_BUNDLE to reach it.
# s_server sends its stdin to its one client (-naccept 1); stdin is kept
# open until teardown, since its end would close the connection.
fake_server() {
	local body out=$BATS_TEST_TMPDIR/s_server.out i=0 port=
	local d=$BATS_FILE_TMPDIR/ca
	body=$(cat "$2")
	emu_make_ca
	{
		printf 'HTTP/1.1 %s\r\nContent-Type: text/plain\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s' \
			"$1" "$(printf %s "$body" | wc -c)" "$body"
		wait_for_file "$BATS_TEST_TMPDIR/served" 60 || true
	} | openssl s_server -accept 127.0.0.1:0 -naccept 1 \
		-cert "$d/cert.pem" -key "$d/key.pem" >"$out" 2>&1 3>&- &
	FAKE_PID=$!
	while [ -z "$port" ]; do
		i=$((i + 1))
		[ "$i" -le 200 ] || fail "s_server did not start: $(cat "$out")"
		port=$(sed -n 's/^ACCEPT 127\.0\.0\.1://p' "$out" 2>/dev/null) || true
		[ -n "$port" ] || sleep 0.05
	done
	export WX_CONNECT_TO="::127.0.0.1:$port" CURL_CA_BUNDLE="$d/ca.pem"
}

teardown() {
	echo served >"$BATS_TEST_TMPDIR/served"
	[ -z "${FAKE_PID:-}" ] || kill "$FAKE_PID" 2>/dev/null || true
}

@test "wx-wait: redirect to an unknown host is 111, session untouched" {
	mkdir -p "$WX_DIR"
	printf 'uuid=gbyKnbsmqQ==\n' >"$WX_DIR/session"
	chmod 600 "$WX_DIR/session"
	local before
	before=$(session_sum)
	printf '%s\n%s' 'window.code=200;' 'window.redirect_uri="https://evil.example.com/cgi-bin/mmwebwx-bin/webwxnewloginpage?ticket=A6NZxcl2chBSJUFYj9hPlKMV@qrticket_0&uuid=gbyKnbsmqQ==&lang=zh_CN&scan=1546211468";' >"$BATS_TEST_TMPDIR/body"
	fake_server "200 OK" "$BATS_TEST_TMPDIR/body"
	run -111 --separate-stderr wx-wait -t 10 </dev/null
	assert_output ''
	[ "$stderr" = "wx-wait: redirect to unknown host evil.example.com" ]
	[ "$(session_sum)" = "$before" ]
}

# A session waiting for wx-init.
confirmed_session() {
	mkdir -p "$WX_DIR"
	printf 'redirect_uri=https://wx.qq.com/cgi-bin/mmwebwx-bin/webwxnewloginpage?ticket=A6NZxcl2chBSJUFYj9hPlKMV@qrticket_0&uuid=gbyKnbsmqQ==&lang=zh_CN&scan=1546211468\n' >"$WX_DIR/session"
	chmod 600 "$WX_DIR/session"
}

@test "wx-init: the refusal rendered as an HTML page is 1 with its message" {
	confirmed_session
	local before
	before=$(session_sum)
	fake_server "200 OK" "$SAMPLES/webwxnewloginpage-puppetwechat-2.html"
	run -1 --separate-stderr wx-init </dev/null
	assert_output ''
	assert_equal "$stderr" "wx-init: login refused (HTML page): 当前登录环境异常。为了你的帐号安全，暂时不能登录web微信。你可以通过Windows微信、Mac微信或者手机客户端微信登录。"
	[ "$(session_sum)" = "$before" ]
}

@test "wx-init: a desktop 301 without Location is read like a 200" {
	confirmed_session
	local before
	before=$(session_sum)
	fake_server "301 Moved Permanently" "$SAMPLES/webwxnewloginpage-weixinHttp-1.xml"
	# the XML is accepted and stored; the next step (webwxinit) finds
	# no server
	run -111 --separate-stderr wx-init </dev/null
	assert_output ''
	[[ "$stderr" == "wx-init: POST https://wx.qq.com/cgi-bin/mmwebwx-bin/webwxinit?"* ]]
	[[ "$stderr" != *kbmy5Jt9nj* ]]
	[ "$(session_sum)" != "$before" ]
	[ -n "$(session_get wxsid)" ] && [ -z "$(session_get username)" ]
}

@test "wx-init: XML without its last '>' (a 2016 answer) is accepted" {
	confirmed_session
	fake_server "200 OK" "$SAMPLES/webwxnewloginpage-MojoWeixin-1.xml"
	run -111 --separate-stderr wx-init </dev/null
	[[ "$stderr" == "wx-init: POST https://wx.qq.com/cgi-bin/mmwebwx-bin/webwxinit?"* ]]
}

@test "wx-init: a 1203 refusal with entities prints the decoded text" {
	confirmed_session
	printf '<error><ret>1203</ret><message>&#x767B;&#24405;&#x5931;&#36133;&#12290; &amp; bye</message></error>' >"$BATS_TEST_TMPDIR/body"
	fake_server "200 OK" "$BATS_TEST_TMPDIR/body"
	run -1 --separate-stderr wx-init </dev/null
	[ "$stderr" = "wx-init: login refused (ret 1203): 登录失败。 & bye" ]
}
