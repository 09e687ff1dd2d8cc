# t/emu.bash — login helpers for the wx-emu tests (load after helper).
#
#   emu_jslogin [web]       prints the uuid of a new jslogin on login.<web>
#   emu_login [web]         full QR login with curl through login.<web>;
#                           sets UUID, UIN, SID, SKEY, PASS_TICKET, WEB (the
#                           host of redirect_uri) and the cookie jar JAR

# URL on the emulator for host $1 and path $2, in its scheme.
emu_url() {
	printf '%s://%s%s' "$EMU_SCHEME" "$1" "$2"
}

emu_jslogin() {
	local web=${1:-wx2.qq.com}
	emu_curl "$(emu_url "login.$web" /jslogin)?appid=wx782c26e4c19acffb&redirect_uri=https%3A%2F%2F$web%2Fcgi-bin%2Fmmwebwx-bin%2Fwebwxnewloginpage&fun=new&lang=zh_CN&_=1" |
		sed -n 's/^window\.QRLogin\.code = 200; window\.QRLogin\.uuid = "\(.*\)";$/\1/p'
}

# emu_poll UUID [web] [extra query]: one login poll, body on stdout.
emu_poll() {
	emu_curl "$(emu_url "login.${2:-wx2.qq.com}" /cgi-bin/mmwebwx-bin/login)?uuid=$1&tip=0${3:+&$3}"
}

# Value of XML element $1 in the text on stdin.
xml_get() {
	sed -n "s/.*<$1>\([^<]*\)<\/$1>.*/\1/p"
}

emu_login() {
	WEB=${1:-wx2.qq.com}
	JAR="$BATS_TEST_TMPDIR/jar"
	UUID=$(emu_jslogin "$WEB")
	[ -n "$UUID" ] || return 1
	emu_ctl confirm "uuid=$UUID" >/dev/null || return 1
	local r xml
	r=$(emu_poll "$UUID" "$WEB")
	REDIRECT=$(printf '%s\n' "$r" | sed -n 's/^window\.redirect_uri="\(.*\)";$/\1/p')
	[ -n "$REDIRECT" ] || return 1
	WEB=${REDIRECT#https://}
	WEB=${WEB%%/*}
	xml=$(emu_curl -c "$JAR" "${REDIRECT/https:/$EMU_SCHEME:}&fun=new&version=v2")
	SKEY=$(printf '%s' "$xml" | xml_get skey)
	SID=$(printf '%s' "$xml" | xml_get wxsid)
	UIN=$(printf '%s' "$xml" | xml_get wxuin)
	PASS_TICKET=$(printf '%s' "$xml" | xml_get pass_ticket)
	[ -n "$SKEY" ] && [ -n "$SID" ] && [ -n "$UIN" ]
}

# emu_cgi NAME [curl options]: https://$WEB/cgi-bin/mmwebwx-bin/NAME with
# the cookie jar.
emu_cgi() {
	local name=$1
	shift
	emu_curl -b "$JAR" "$(emu_url "$WEB" "/cgi-bin/mmwebwx-bin/$name")" "$@"
}

# BaseRequest JSON for the current session.
emu_base() {
	printf '{"BaseRequest":{"Uin":%s,"Sid":"%s","Skey":"%s","DeviceID":"e123456789012345"}}' \
		"$UIN" "$SID" "$SKEY"
}

# emu_start_own [options]: a TLS emulator for this test alone, beside the
# one of setup_file (whose variables come back with the next test).
# Stop it with teardown() { emu_stop_own; }.
emu_start_own() {
	OWN_EMU=1
	BATS_FILE_TMPDIR=$BATS_TEST_TMPDIR emu_start "$@"
}

emu_stop_own() {
	if [ -n "${OWN_EMU:-}" ]; then
		emu_stop
		OWN_EMU=
	fi
}
