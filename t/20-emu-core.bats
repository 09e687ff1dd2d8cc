#!/usr/bin/env bats
# wx-emu itself: options, start and stop, Host routing, framing, the
# request log, body caps and memory, gzip, TLS and plain HTTP, generation.
load helper
load emu

teardown() { emu_stop; }

# Milliseconds since the epoch.
now_ms() { date +%s%3N; }

@test "emu: writes its port file once listening, exits 0 on SIGTERM" {
	emu_start_plain
	[[ $EMU_PORT =~ ^[0-9]+$ ]]
	[ "$EMU_PORT" -gt 0 ]
	run curl -sS -o /dev/null -w '%{http_code}' "http://127.0.0.1:$EMU_PORT/_emu/state"
	assert_output 200
	kill -TERM "$EMU_PID"
	local rc=0
	wait "$EMU_PID" || rc=$?
	EMU_PID=
	assert_equal "$rc" 0
	[ ! -s "$EMU_DIR/stderr" ]
}

@test "emu: SIGINT during a held long poll still exits 0 at once" {
	emu_start -H 60
	local u
	u=$(emu_jslogin)
	emu_poll "$u" >/dev/null 2>&1 &
	local curlpid=$!
	# Wait until the poll has reached the emulator (it is logged first).
	local i=0
	until grep -q '"path":"/cgi-bin/mmwebwx-bin/login"' "$EMU_LOG"; do
		i=$((i + 1)); [ "$i" -lt 200 ] || return 1; sleep 0.05
	done
	local t0
	t0=$(now_ms)
	kill -INT "$EMU_PID"
	local rc=0
	wait "$EMU_PID" || rc=$?
	EMU_PID=
	assert_equal "$rc" 0
	[ $(( $(now_ms) - t0 )) -lt 5000 ]
	wait "$curlpid" || true
}

@test "emu: usage errors exit 100 with the wx-emu: prefix" {
	run -100 --separate-stderr wx-emu -x
	assert_equal "${stderr_lines[0]}" "wx-emu: -x: unknown option"
	assert_equal "${stderr_lines[1]:0:14}" "usage: wx-emu "
	run -100 --separate-stderr wx-emu -p 70000
	assert_equal "$stderr" "wx-emu: -p: 70000 is out of range 0..65535"
	run -100 --separate-stderr wx-emu -n many
	assert_equal "$stderr" "wx-emu: -n: bad number 'many'"
	run -100 --separate-stderr wx-emu -w 'not a host'
	assert_equal "$stderr" "wx-emu: -w: bad web host 'not a host'"
	run -100 --separate-stderr wx-emu -c cert.pem
	assert_equal "${stderr_lines[0]}" "wx-emu: -c and -k go together"
	run -100 --separate-stderr wx-emu extra
	assert_equal "${stderr_lines[0]}" "wx-emu: too many arguments"
	run -100 --separate-stderr wx-emu -p
	assert_equal "${stderr_lines[0]}" "wx-emu: -p: needs an argument"
	run -100 --separate-stderr wx-emu -c /nonexistent/c -k /nonexistent/k
	assert_equal "$stderr" "wx-emu: /nonexistent/c: No such file or directory"
}

@test "emu: -h prints the usage line on stdout and exits 0" {
	run -0 --separate-stderr wx-emu -h
	assert_equal "$stderr" ""
	assert_equal "$output" "$(usage_of "wx-emu [-a] [-c cert.pem -k key.pem] [-F] [-g groups] [-H seconds] [-l logfile] [-m members] [-n contacts] [-P portfile] [-p port] [-s seed] [-W worldfile] [-w webhost]")"
}

@test "emu: a port already taken is a temporary failure" {
	emu_start_plain
	run -111 --separate-stderr wx-emu -p "$EMU_PORT"
	assert_equal "${stderr_lines[-1]}" "wx-emu: cannot listen on 127.0.0.1:$EMU_PORT"
}

@test "emu: routes by Host; unknown hosts and paths get 404" {
	emu_start_plain
	run emu_curl -o /dev/null -w '%{http_code}' http://example.com/jslogin
	assert_output 404
	run emu_curl -o /dev/null -w '%{http_code}' http://wx2.qq.com/jslogin
	assert_output 404
	run emu_curl -o /dev/null -w '%{http_code}' http://login.wx2.qq.com/cgi-bin/mmwebwx-bin/synccheck
	assert_output 404
	run emu_curl -o /dev/null -w '%{http_code}' http://webpush.wx2.qq.com/cgi-bin/mmwebwx-bin/webwxinit
	assert_output 404
	run emu_curl -o /dev/null -w '%{http_code}' http://wx2.qq.com/cgi-bin/mmwebwx-bin/nosuchcgi
	assert_output 404
	run emu_curl -s http://login.example.qq.com/jslogin
	assert_output "not found"
	# Every login host answers jslogin; Host is case-blind and may carry a port.
	local h
	for h in login.wx.qq.com login.wx2.qq.com login.wx8.qq.com \
		login.web.wechat.com login.web2.wechat.com login.weixin.qq.com; do
		run emu_curl "http://$h/jslogin"
		assert_output --regexp '^window\.QRLogin\.code = 200; window\.QRLogin\.uuid = "[A-Za-z0-9_-]{10}==";$'
	done
	run emu_curl -H 'Host: LOGIN.WX.QQ.COM:443' "http://127.0.0.1:$EMU_PORT/jslogin"
	assert_output --regexp '^window\.QRLogin\.code = 200;'
	# The control API answers on any Host.
	run emu_curl -o /dev/null -w '%{http_code}' -H 'Host: example.org' "http://127.0.0.1:$EMU_PORT/_emu/state"
	assert_output 200
}

@test "emu: answers start with Connection and carry no Date or Server" {
	emu_start_plain
	run emu_curl -D - -o /dev/null http://login.wx.qq.com/jslogin
	assert_line --index 0 $'HTTP/1.1 200 OK\r'
	[[ ${lines[1],,} == $'connection: keep-alive\r' ]]
	refute_line --regexp '^(Date|Server):'
}

@test "emu: web home page sets mm_lang, STS, and gzips for clients that ask" {
	emu_start_plain
	run emu_curl -D - -o "$BATS_TEST_TMPDIR/body" -H 'Accept-Encoding: gzip' 'http://wx.qq.com/?lang=en_US'
	assert_line --index 0 $'HTTP/1.1 200 OK\r'
	assert_line --regexp '^Set-Cookie: mm_lang=en_US; Domain=wx.qq.com; Path=/; Expires=[A-Z][a-z]{2}, [0-9]{2}-[A-Z][a-z]{2}-[0-9]{4} [0-9:]{8} GMT; Secure'
	assert_line $'Strict-Transport-Security: max-age=31536000 ; includeSubDomains\r'
	assert_line $'Content-Encoding: gzip\r'
	run gzip -dc "$BATS_TEST_TMPDIR/body"
	assert_output --partial '<title>微信网页版</title>'
	run emu_curl -D - -o /dev/null http://wx.qq.com/
	refute_line --partial 'Content-Encoding'
}

@test "emu: request log has one JSON line per request" {
	emu_start_plain
	: >"$EMU_LOG"
	emu_curl -X POST -H 'Content-Type: application/json' \
		--data '{"a":"b\"c"}' 'http://wx2.qq.com/cgi-bin/mmwebwx-bin/webwxinit?r=-1&lang=zh_CN' >/dev/null
	run jq -c '[.method, .host, .path, .query.lang, .headers["Content-Type"], .body, .body_length]' "$EMU_LOG"
	assert_output '["POST","wx2.qq.com","/cgi-bin/mmwebwx-bin/webwxinit","zh_CN","application/json","{\"a\":\"b\\\"c\"}",12]'
	emu_curl http://login.wx.qq.com/jslogin >/dev/null
	run wc -l <"$EMU_LOG"
	assert_output 2
}

@test "emu: a body over its endpoint's cap gets 413, by Content-Length or as it comes" {
	emu_start_plain
	# webwxuploadmedia takes one 512 KiB chunk and its form (576 KiB).
	run emu_curl -o /dev/null -w '%{http_code}' -H 'Content-Length: 589825' \
		--data x http://file.wx2.qq.com/cgi-bin/mmwebwx-bin/webwxuploadmedia
	assert_output 413
	run bash -c "head -c 589825 /dev/zero | curl -sS --connect-to ::127.0.0.1:$EMU_PORT -o /dev/null -w '%{http_code}' -H 'Transfer-Encoding: chunked' --data-binary @- http://file.wx2.qq.com/cgi-bin/mmwebwx-bin/webwxuploadmedia"
	assert_output 413
	# A JSON CGI takes 256 KiB.
	run bash -c "head -c 262145 /dev/zero | curl -sS --connect-to ::127.0.0.1:$EMU_PORT -o /dev/null -w '%{http_code}' --data-binary @- http://wx2.qq.com/cgi-bin/mmwebwx-bin/webwxinit"
	assert_output 413
	# Still serving.
	run emu_curl -o /dev/null -w '%{http_code}' http://login.wx.qq.com/jslogin
	assert_output 200
}

@test "emu: a 60 MB JSON body is refused without wx-emu growing past 100 MB" {
	# Under SANITIZE=1, ASan's quarantine (256 MB) would keep every freed
	# read buffer; a small one leaves what wx-emu itself holds.
	ASAN_OPTIONS="quarantine_size_mb=16${ASAN_OPTIONS:+:$ASAN_OPTIONS}" emu_start
	local big="$BATS_TEST_TMPDIR/big.json"
	{ printf '['; yes 1, | tr -d '\n' | head -c 60000000; printf '1]'; } >"$big"
	for te in '' 'Transfer-Encoding: chunked'; do
		run emu_curl -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' \
			${te:+-H "$te"} --data-binary @"$big" https://wx2.qq.com/cgi-bin/mmwebwx-bin/webwxinit
		assert_output 413
	done
	run awk '/^VmHWM/ { print ($2 < 100 * 1024) ? "small" : $2 " kB" }' "/proc/$EMU_PID/status"
	assert_output small
}

@test "emu: TLS with -c/-k; plain HTTP to the TLS port fails" {
	emu_start
	run emu_curl https://login.wx.qq.com/jslogin
	assert_output --regexp '^window\.QRLogin\.code = 200;'
	run curl -sS -o /dev/null "http://127.0.0.1:$EMU_PORT/_emu/state"
	assert_failure
}

@test "emu: the world is the same for a seed and changes with it" {
	emu_start_plain -s 7
	emu_curl -o "$BATS_TEST_TMPDIR/a" "http://127.0.0.1:$EMU_PORT/_emu/contacts"
	emu_stop
	emu_start_plain -s 7
	emu_curl -o "$BATS_TEST_TMPDIR/b" "http://127.0.0.1:$EMU_PORT/_emu/contacts"
	emu_stop
	emu_start_plain -s 8
	emu_curl -o "$BATS_TEST_TMPDIR/c" "http://127.0.0.1:$EMU_PORT/_emu/contacts"
	cmp "$BATS_TEST_TMPDIR/a" "$BATS_TEST_TMPDIR/b"
	! cmp -s "$BATS_TEST_TMPDIR/a" "$BATS_TEST_TMPDIR/c"
}

@test "emu: -n -g -m shape the world; names cover the hard cases" {
	emu_start_plain -n 40 -g 4 -m 9
	emu_curl -o "$BATS_TEST_TMPDIR/c" "http://127.0.0.1:$EMU_PORT/_emu/contacts"
	run jq -s -c '[(map(select(.Kind=="person"))|length), (map(select(.Kind=="room"))|length), (map(select(.Kind=="room"))|map(.MemberCount)|unique), (map(select(.Kind=="self"))|length)]' "$BATS_TEST_TMPDIR/c"
	assert_output '[40,4,[9],1]'
	run jq -r 'select(.Kind=="special") | .UserName + " " + .NickName' "$BATS_TEST_TMPDIR/c"
	assert_line 'filehelper 文件传输助手'
	assert_line 'weixin 微信团队'
	run jq -r '.UserName' "$BATS_TEST_TMPDIR/c"
	assert_line --regexp '^@[0-9a-f]{32}$'
	assert_line --regexp '^@[0-9a-f]{64}$'
	assert_line --regexp '^@@[0-9a-f]{64}$'
	run jq -r 'select(.Kind=="person") | .NickName' "$BATS_TEST_TMPDIR/c"
	assert_line --regexp '<span class="emoji emoji[0-9a-f]+"></span>'
	assert_line --regexp '&amp;'
	assert_line --regexp '[א-ת]|[ء-ي]'
	# Some NickName appears twice.
	[ -n "$(jq -r 'select(.Kind=="person") | .NickName' "$BATS_TEST_TMPDIR/c" | sort | uniq -d)" ]
	# Some rooms are not saved in the contact list.
	run jq -r 'select(.Kind=="room") | .Saved' "$BATS_TEST_TMPDIR/c"
	assert_line 0
	assert_line 1
}

@test "emu: 10,000 contacts are ready well under a second" {
	EMU_DIR="$BATS_FILE_TMPDIR/emu"
	mkdir -p "$EMU_DIR"
	rm -f "$EMU_DIR/port"
	local t0
	t0=$(now_ms)
	wx-emu -p 0 -P "$EMU_DIR/port" -n 10000 -g 50 -m 100 2>"$EMU_DIR/stderr" &
	EMU_PID=$!
	wait_for_file "$EMU_DIR/port" 10
	[ $(( $(now_ms) - t0 )) -lt 1000 ]
	EMU_PORT=$(cat "$EMU_DIR/port")
	run bash -c "curl -sS http://127.0.0.1:$EMU_PORT/_emu/contacts | jq -r 'select(.Kind==\"person\")' | grep -c UserName"
	assert_output 10000
}
