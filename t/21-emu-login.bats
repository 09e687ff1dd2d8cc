#!/usr/bin/env bats
# wx-emu's login phase against protocol.md §4 and the captured samples.
load helper
load emu

setup_file() { emu_start -H 1 -w wx.qq.com; }
teardown_file() { emu_stop; }
teardown() { emu_stop_own; }

# Response head of a GET: LF line ends, no blank line, MHD's Keep-Alive
# spelt as captured.
# heads [-o BODYFILE] URL [curl options].
heads() {
	local out=/dev/null
	if [ "$1" = -o ]; then
		out=$2
		shift 2
	fi
	emu_curl -D - -o "$out" "$@" | tr -d '\r' |
		sed '/^$/d; s/^Connection: Keep-Alive$/Connection: keep-alive/'
}

# Replace the values that differ per login by fixed words.
mask_login() {
	sed -E 's/ticket=[A-Za-z0-9_]{24}@qrticket_0/ticket=T/; s/uuid=[A-Za-z0-9_-]{10}==/uuid=U/; s/scan=[0-9]{10}/scan=S/'
}

@test "jslogin: 64 bytes and the captured head with its two Content-Types" {
	run emu_curl -o "$BATS_TEST_TMPDIR/b" -w '%{size_download}' https://login.wx.qq.com/jslogin?appid=wx782c26e4c19acffb
	assert_output 64
	run cat "$BATS_TEST_TMPDIR/b"
	assert_output --regexp '^window\.QRLogin\.code = 200; window\.QRLogin\.uuid = "[A-Za-z0-9_-]{10}==";$'
	heads https://login.wx.qq.com/jslogin >"$BATS_TEST_TMPDIR/h"
	diff "$SAMPLES/jslogin-weixinHttp-1.headers" "$BATS_TEST_TMPDIR/h"
}

@test "jslogin: POST works too (wechat4u, WeixinBot)" {
	run emu_curl -X POST --data '' 'https://login.wx.qq.com/jslogin?appid=wx782c26e4c19acffb&fun=new'
	assert_output --regexp '^window\.QRLogin\.code = 200; window\.QRLogin\.uuid = "[A-Za-z0-9_-]{10}==";$'
}

@test "login poll: 408 after the hold, 16 bytes, the captured head" {
	local u
	u=$(emu_jslogin)
	run emu_poll "$u"
	assert_output 'window.code=408;'
	heads "https://login.wx2.qq.com/cgi-bin/mmwebwx-bin/login?uuid=$u&tip=1" >"$BATS_TEST_TMPDIR/h"
	diff "$SAMPLES/login-weixinHttp-1.headers" "$BATS_TEST_TMPDIR/h"
}

@test "login poll: 201 with userAvatar when loginicon=true, 16 bytes without" {
	local u
	u=$(emu_jslogin)
	run emu_ctl scan "uuid=$u"
	assert_output ok
	run emu_poll "$u" wx2.qq.com loginicon=true
	assert_output --regexp "^window\.code=201;window\.userAvatar = 'data:img/jpg;base64,[A-Za-z0-9+/]+=*';$"
	printf '%s' "$output" | sed "s/.*base64,//; s/';\$//" | base64 -d | head -c 3 | od -An -tx1 >"$BATS_TEST_TMPDIR/magic"
	run cat "$BATS_TEST_TMPDIR/magic"
	assert_output ' ff d8 ff'
	# A second scan of another uuid, polled without loginicon.
	u=$(emu_jslogin)
	emu_ctl scan "uuid=$u" >/dev/null
	run emu_poll "$u"
	assert_output 'window.code=201;'
	# After the 201 the poll waits for the confirmation, then says 201
	# again (never a hot loop, never a step back to 408).
	run emu_poll "$u"
	assert_output 'window.code=201;'
}

@test "login poll: 200 with LF and redirect_uri, 183 bytes like the capture" {
	local u
	u=$(emu_jslogin wx.qq.com)
	emu_ctl confirm "uuid=$u" >/dev/null
	emu_poll "$u" wx.qq.com >"$BATS_TEST_TMPDIR/b"
	run wc -c <"$BATS_TEST_TMPDIR/b"
	assert_output 183
	mask_login <"$BATS_TEST_TMPDIR/b" >"$BATS_TEST_TMPDIR/mine"
	mask_login <"$SAMPLES/login-weixinHttp-3.recon.txt" >"$BATS_TEST_TMPDIR/real"
	cmp "$BATS_TEST_TMPDIR/real" "$BATS_TEST_TMPDIR/mine"
	run cat "$BATS_TEST_TMPDIR/b"
	assert_line --index 0 'window.code=200;'
	assert_line --index 1 --regexp "^window\.redirect_uri=\"https://wx\.qq\.com/cgi-bin/mmwebwx-bin/webwxnewloginpage\?ticket=A[A-Za-z0-9_]{23}@qrticket_0&uuid=$u&lang=zh_CN&scan=[0-9]{10}\";$"
}

@test "login poll: redirect_uri names the -w host, whatever jslogin asked, and its lang" {
	local u
	u=$(emu_curl "https://login.web.wechat.com/jslogin?appid=wx782c26e4c19acffb&redirect_uri=https%3A%2F%2Fweb.wechat.com%2Fcgi-bin%2Fmmwebwx-bin%2Fwebwxnewloginpage&fun=new&lang=en_US" |
		sed -n 's/.*uuid = "\(.*\)";$/\1/p')
	emu_ctl confirm "uuid=$u" >/dev/null
	run emu_poll "$u" web.wechat.com
	assert_line --index 1 --regexp '^window\.redirect_uri="https://wx\.qq\.com/.*&lang=en_US&scan='
	# Without redirect_uri (ItChat) the same.
	u=$(emu_curl 'https://login.weixin.qq.com/jslogin?appid=wx782c26e4c19acffb&fun=new' | sed -n 's/.*uuid = "\(.*\)";$/\1/p')
	emu_ctl confirm "uuid=$u" >/dev/null
	run emu_poll "$u"
	assert_line --index 1 --regexp '^window\.redirect_uri="https://wx\.qq\.com/.*&lang=zh_CN&scan='
}

@test "login poll: 400 for an expired or unknown uuid, 202 when cancelled" {
	local u
	u=$(emu_jslogin)
	run emu_ctl expire "uuid=$u"
	assert_output ok
	run emu_poll "$u"
	assert_output 'window.code=400;'
	run emu_poll 'NoSuchUuid=='
	assert_output 'window.code=400;'
	u=$(emu_jslogin)
	emu_ctl scan "uuid=$u" >/dev/null
	run emu_ctl cancel "uuid=$u"
	assert_output ok
	run emu_poll "$u"
	assert_output 'window.code=202;'
}

@test "login poll: a held poll answers as soon as the phone acts" {
	local u
	emu_start_own -H 30
	u=$(emu_jslogin)
	emu_poll "$u" >"$BATS_TEST_TMPDIR/b" &
	local pid=$! i=0
	until grep -q "\"uuid\":\"$u\"" "$EMU_LOG" && [ "$(grep -c "mmwebwx-bin/login" "$EMU_LOG")" -ge 1 ]; do
		i=$((i + 1)); [ "$i" -lt 200 ] || return 1; sleep 0.05
	done
	emu_ctl scan "uuid=$u" >/dev/null
	wait "$pid"
	run cat "$BATS_TEST_TMPDIR/b"
	assert_output 'window.code=201;'
}

@test "webwxnewloginpage: one-line XML, 7 cookies in the captured order and form" {
	emu_login wx.qq.com
	emu_curl -D "$BATS_TEST_TMPDIR/h" -o "$BATS_TEST_TMPDIR/b" "${REDIRECT}&fun=new&version=v2" || true
	# The ticket was used by emu_login: a second exchange is refused.
	run cat "$BATS_TEST_TMPDIR/b"
	assert_output '<error><ret>1203</ret><message>登录失败。</message></error>'
	# A fresh login, its answer compared with the capture.
	local u
	u=$(emu_jslogin wx.qq.com)
	emu_ctl confirm "uuid=$u" >/dev/null
	REDIRECT=$(emu_poll "$u" wx.qq.com | sed -n 's/^window\.redirect_uri="\(.*\)";$/\1/p')
	heads -o "$BATS_TEST_TMPDIR/b" "${REDIRECT}&fun=new&version=v2&lang=zh_CN" >"$BATS_TEST_TMPDIR/h"
	run cat "$BATS_TEST_TMPDIR/b"
	assert_output --regexp '^<error><ret>0</ret><message></message><skey>@crypt_[0-9a-f]{8}_[0-9a-f]{32}</skey><wxsid>[A-Za-z0-9+/]{16}</wxsid><wxuin>[0-9]{1,10}</wxuin><pass_ticket>([A-Za-z0-9]|%2B|%2F|%3D){44,}</pass_ticket><isgrayscale>1</isgrayscale></error>$'
	local mask='s/^(Set-Cookie: [a-z_]+=)[^;]*(; Domain=[^;]*; Path=\/; Expires=)[^;]*(; Secure)$/\1V\2D\3/; /^Content-(Length|Encoding)/d'
	sed -E "$mask" "$SAMPLES/webwxnewloginpage-weixinHttp-1.headers" >"$BATS_TEST_TMPDIR/real"
	sed -E "$mask" "$BATS_TEST_TMPDIR/h" >"$BATS_TEST_TMPDIR/mine"
	diff "$BATS_TEST_TMPDIR/real" "$BATS_TEST_TMPDIR/mine"
	# Lifetimes: 12 h and 3650 days from wxloadtime, hyphenated dates.
	local load exp
	load=$(sed -n 's/^Set-Cookie: wxloadtime=\([0-9]*\);.*/\1/p' "$BATS_TEST_TMPDIR/h")
	exp=$(sed -n 's/^Set-Cookie: wxsid=.*Expires=\([^;]*\);.*/\1/p' "$BATS_TEST_TMPDIR/h")
	[[ $exp =~ ^[A-Z][a-z]{2},\ [0-9]{2}-[A-Z][a-z]{2}-[0-9]{4}\ [0-9:]{8}\ GMT$ ]]
	assert_equal "$(date -u -d "${exp#*, }" +%s)" $((load + 43200))
	exp=$(sed -n 's/^Set-Cookie: webwxuvid=.*Expires=\([^;]*\);.*/\1/p' "$BATS_TEST_TMPDIR/h")
	assert_equal "$(date -u -d "${exp#*, }" +%s)" $((load + 3650 * 86400))
	run grep -c '^Set-Cookie: webwx_data_ticket=[A-Za-z0-9+/]\{24\}; Domain=\.qq\.com;' "$BATS_TEST_TMPDIR/h"
	assert_output 1
	run grep -c '^Set-Cookie: webwxuvid=[0-9a-f]\{96\};' "$BATS_TEST_TMPDIR/h"
	assert_output 1
	run grep -c '^Set-Cookie: webwx_auth_ticket=[A-Za-z0-9+/]\{188\};' "$BATS_TEST_TMPDIR/h"
	assert_output 1
}

@test "webwxnewloginpage: mod=desktop without version=v2 is a 301 without Location, 8 cookies" {
	local u r
	u=$(emu_curl "https://login.wx2.qq.com/jslogin?appid=wx782c26e4c19acffb&redirect_uri=https://wx2.qq.com/cgi-bin/mmwebwx-bin/webwxnewloginpage?mod=desktop&fun=new&lang=zh_CN" |
		sed -n 's/.*uuid = "\(.*\)";$/\1/p')
	emu_ctl confirm "uuid=$u" >/dev/null
	r=$(emu_poll "$u" | sed -n 's/^window\.redirect_uri="\(.*\)";$/\1/p')
	heads -o "$BATS_TEST_TMPDIR/b" "$r&mod=desktop" >"$BATS_TEST_TMPDIR/h"
	run cat "$BATS_TEST_TMPDIR/h"
	assert_line --index 0 'HTTP/1.1 301 Moved Permanently'
	refute_line --regexp '^Location:'
	run sed -n 's/^Set-Cookie: \([a-z_]*\)=[^;]*; Domain=\([^;]*\);.*/\1 \2/p' "$BATS_TEST_TMPDIR/h"
	assert_output "wxuin wx.qq.com
wxsid wx.qq.com
wxloadtime wx.qq.com
mm_lang wx.qq.com
wxuin .qq.com
webwx_data_ticket .qq.com
webwxuvid wx.qq.com
webwx_auth_ticket wx.qq.com"
	run cat "$BATS_TEST_TMPDIR/b"
	assert_output --regexp '^<error><ret>0</ret>.*<isgrayscale>1</isgrayscale></error>$'
	# With version=v2 the desktop exchange is a plain 200.
	u=$(emu_jslogin)
	emu_ctl confirm "uuid=$u" >/dev/null
	r=$(emu_poll "$u" | sed -n 's/^window\.redirect_uri="\(.*\)";$/\1/p')
	run heads "$r&fun=new&version=v2&mod=desktop"
	assert_line --index 0 'HTTP/1.1 200 OK'
	run grep -c '^Set-Cookie' <<<"$output"
	assert_output 7
}

@test "webwxnewloginpage: 1203 on demand with the captured text" {
	emu_ctl fault 'endpoint=webwxnewloginpage&kind=ret1203' >/dev/null
	local u r
	u=$(emu_jslogin)
	emu_ctl confirm "uuid=$u" >/dev/null
	r=$(emu_poll "$u" | sed -n 's/^window\.redirect_uri="\(.*\)";$/\1/p')
	run emu_curl "$r&fun=new&version=v2"
	assert_output '<error><ret>1203</ret><message>当前登录环境异常。为了你的帐号安全，暂时不能登录web微信。你可以通过手机客户端或者windows微信登录。</message></error>'
	# The fault was for one request: the same ticket now works.
	run emu_curl "$r&fun=new&version=v2"
	assert_output --regexp '^<error><ret>0</ret>'
}

@test "webwxnewloginpage: a ticket of another uuid is refused" {
	local u1 u2 r
	u1=$(emu_jslogin)
	u2=$(emu_jslogin)
	emu_ctl confirm "uuid=$u1" >/dev/null
	r=$(emu_poll "$u1" | sed -n 's/^window\.redirect_uri="\(.*\)";$/\1/p')
	run emu_curl "${r/uuid=$u1/uuid=$u2}"
	assert_output '<error><ret>1203</ret><message>登录失败。</message></error>'
}

@test "webwxpushloginurl: a known uin gets a uuid the phone is asked about" {
	emu_login
	run emu_curl "https://wx.qq.com/cgi-bin/mmwebwx-bin/webwxpushloginurl?uin=$UIN"
	assert_output --regexp '^\{"ret":"0","msg":"all ok","uuid":"[A-Za-z0-9_-]{10}=="\}$'
	local u
	u=$(printf '%s' "$output" | jq -r .uuid)
	run emu_poll "$u"
	assert_output 'window.code=201;'
	emu_ctl confirm "uuid=$u" >/dev/null
	run emu_poll "$u"
	assert_line --index 0 'window.code=200;'
	# ItChat asks login.weixin.qq.com with the wxuin cookie only.
	run emu_curl -b "wxuin=$UIN" https://login.weixin.qq.com/cgi-bin/mmwebwx-bin/webwxpushloginurl
	assert_output --regexp '^\{"ret":"0","msg":"all ok","uuid":'
	run emu_curl "https://wx2.qq.com/cgi-bin/mmwebwx-bin/webwxpushloginurl?uin=12345"
	assert_output '{"ret":"1","msg":"args error"}'
	run emu_curl "https://wx2.qq.com/cgi-bin/mmwebwx-bin/webwxpushloginurl"
	assert_output '{"ret":"1","msg":"args error"}'
}

@test "qrcode: a JPEG that decodes to the /l/ URL; 404 for an unknown uuid" {
	local u
	u=$(emu_jslogin)
	heads -o "$BATS_TEST_TMPDIR/qr.jpg" "https://login.weixin.qq.com/qrcode/$u" >"$BATS_TEST_TMPDIR/h"
	# The captured head: Content-Type image/jpeg, then Content-Length only.
	sed 's/^Content-Length: .*/Content-Length: N/' "$BATS_TEST_TMPDIR/h" >"$BATS_TEST_TMPDIR/mine"
	sed 's/^Content-Length: .*/Content-Length: N/' "$SAMPLES/qrcode-weixinHttp-1.headers" >"$BATS_TEST_TMPDIR/real"
	diff "$BATS_TEST_TMPDIR/real" "$BATS_TEST_TMPDIR/mine"
	run -0 od -An -tx1 -N3 "$BATS_TEST_TMPDIR/qr.jpg"
	assert_output ' ff d8 ff'
	run -0 --separate-stderr zbarimg -q --raw "$BATS_TEST_TMPDIR/qr.jpg"
	assert_output "https://login.weixin.qq.com/l/$u"
	run emu_curl -o /dev/null -w '%{http_code}' https://login.weixin.qq.com/qrcode/NoSuchUuid==
	assert_output 404
}

@test "auto mode (-a): the first poll is 201, the next 200" {
	emu_start_own -a -H 1
	local u
	u=$(emu_jslogin)
	run emu_poll "$u" wx2.qq.com loginicon=true
	assert_output --regexp "^window\.code=201;window\.userAvatar = 'data:img/jpg;base64,"
	run emu_poll "$u"
	assert_line --index 0 'window.code=200;'
	# With -a the push login is confirmed at once: no 201 at all.
	emu_login
	run emu_curl "https://wx.qq.com/cgi-bin/mmwebwx-bin/webwxpushloginurl?uin=$UIN"
	u=$(printf '%s' "$output" | jq -r .uuid)
	run emu_poll "$u"
	assert_line --index 0 'window.code=200;'
}
