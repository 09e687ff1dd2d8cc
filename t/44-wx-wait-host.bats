#!/usr/bin/env bats
# wx-wait refuses a redirect_uri on a host that is not a Web WeChat host.
# wx-emu only redirects to known hosts, so a one-shot `openssl s_server`
# plays the login host here, answering one canned 200.
load helper
load login

# Serve one HTTP answer with body $1 over TLS; sets FAKE_PID, and
# WX_CONNECT_TO/CURL_CA_BUNDLE to reach it.
fake_login_host() {
	local body=$1 out=$BATS_TEST_TMPDIR/s_server.out i=0 port=
	emu_make_ca
	local d=$BATS_FILE_TMPDIR/ca
	# s_server sends what it reads on stdin to its one client (-naccept 1).
	printf 'HTTP/1.1 200 OK\r\nContent-Type: text/javascript\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s' \
		"${#body}" "$body" |
		openssl s_server -accept 127.0.0.1:0 -naccept 1 \
			-cert "$d/cert.pem" -key "$d/key.pem" >"$out" 2>&1 3>&- &
	FAKE_PID=$!
	while [ -z "$port" ]; do
		i=$((i + 1))
		[ "$i" -le 200 ] || fail "s_server did not start: $(cat "$out")"
		port=$(sed -n 's/^ACCEPT 127\.0\.0\.1://p' "$out")
		[ -n "$port" ] || sleep 0.05
	done
	export WX_CONNECT_TO="::127.0.0.1:$port" CURL_CA_BUNDLE="$d/ca.pem"
}

teardown() {
	[ -z "${FAKE_PID:-}" ] || kill "$FAKE_PID" 2>/dev/null || true
}

@test "wx-wait: redirect to an unknown host is 111, session untouched" {
	mkdir -p "$WX_DIR"
	printf 'uuid=gbyKnbsmqQ==\n' >"$WX_DIR/session"
	chmod 600 "$WX_DIR/session"
	local before
	before=$(session_sum)
	fake_login_host 'window.code=200;
window.redirect_uri="https://evil.example.com/cgi-bin/mmwebwx-bin/webwxnewloginpage?ticket=A6NZxcl2chBSJUFYj9hPlKMV@qrticket_0&uuid=gbyKnbsmqQ==&lang=zh_CN&scan=1546211468";'
	run -111 --separate-stderr wx-wait -t 10 </dev/null
	assert_output ''
	[ "$stderr" = "wx-wait: redirect to unknown host evil.example.com" ]
	[ "$(session_sum)" = "$before" ]
}
