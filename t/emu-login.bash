# t/emu-login.bash — a Web WeChat client made of curl, for the wx-emu
# endpoint tests (t/2*-emu-*.bats); loaded after helper.bash.
#
#   emu_login                 # QR login through the control API
#   web_post webwxinit "r=-1" "$(base_request)"
#   web_get webwxgetcontact "seq=0&skey=$SKEY"
#
# emu_login sets WEB (the session's web host), UIN, SID, SKEY, PT
# (pass_ticket as the XML gives it) and JAR, the curl cookie jar holding
# the cookies webwxnewloginpage set.

# Value of query parameter $2 in URL $1.
url_param() {
	sed -n "s/.*[?&]$2=\([^&]*\).*/\1/p" <<<"$1"
}

# Percent-encode $1 for a query string.
uri() {
	jq -rn --arg v "$1" '$v | @uri'
}

# Text of XML element $2 in document $1.
xml_value() {
	sed -n "s:.*<$2>\([^<]*\)</$2>.*:\1:p" <<<"$1"
}

emu_login() {
	local js uuid poll uri xml i
	JAR="$BATS_TEST_TMPDIR/jar"
	rm -f "$JAR"
	js=$(emu_curl -c "$JAR" "https://login.wx.qq.com/jslogin?appid=wx782c26e4c19acffb&fun=new&lang=zh_CN&_=1") || return 1
	uuid=$(sed -n 's/.*uuid = "\([^"]*\)".*/\1/p' <<<"$js")
	[ -n "$uuid" ] || { echo "jslogin: $js" >&2; return 1; }
	emu_ctl scan "uuid=$uuid" >/dev/null || return 1
	emu_ctl confirm "uuid=$uuid" >/dev/null || return 1
	for i in 1 2 3 4 5 6 7 8 9 10; do
		poll=$(emu_curl "https://login.wx.qq.com/cgi-bin/mmwebwx-bin/login?loginicon=true&uuid=$uuid&tip=0&r=-1&_=2") || return 1
		[[ "$poll" == *redirect_uri=* ]] && break
	done
	uri=$(sed -n 's/.*redirect_uri="\([^"]*\)".*/\1/p' <<<"$poll")
	[ -n "$uri" ] || { echo "poll: $poll" >&2; return 1; }
	WEB=${uri#https://}
	WEB=${WEB%%/*}
	xml=$(emu_curl -b "$JAR" -c "$JAR" "$uri&fun=new&version=v2") || return 1
	SKEY=$(xml_value "$xml" skey)
	SID=$(xml_value "$xml" wxsid)
	UIN=$(xml_value "$xml" wxuin)
	PT=$(xml_value "$xml" pass_ticket)
	[ -n "$SKEY" ] && [ -n "$SID" ] && [ -n "$UIN" ] ||
		{ echo "newloginpage: $xml" >&2; return 1; }
	export WEB SKEY SID UIN PT JAR
}

# BaseRequest as RC sends it after init (Uin a number).
base_request() {
	jq -cn --argjson uin "$UIN" --arg sid "$SID" --arg skey "$SKEY" \
		'{BaseRequest: {Uin: $uin, Sid: $sid, Skey: $skey, DeviceID: "e123456789012345"}}'
}

# web_post CGI QUERY BODY [curl options]: JSON POST to the web host with
# the cookie jar; body on stdout.
web_post() {
	local cgi=$1 q=$2 body=$3
	shift 3
	emu_curl -b "$JAR" -c "$JAR" -H 'Content-Type: application/json;charset=UTF-8' \
		--data-binary "$body" "$@" \
		"https://$WEB/cgi-bin/mmwebwx-bin/$cgi?${q}&lang=zh_CN&pass_ticket=$PT"
}

web_get() {
	local cgi=$1 q=$2
	shift 2
	emu_curl -b "$JAR" -c "$JAR" "$@" "https://$WEB/cgi-bin/mmwebwx-bin/$cgi?$q"
}

# The push host of the session's web host (protocol.md §2.2).
push_host() {
	echo "webpush.$WEB"
}

# synccheck_url KEY [HOST]: RC's synccheck URL for key string KEY ("|"
# sent as %7C), on the session's push host unless HOST is given.
synccheck_url() {
	echo "https://${2:-$(push_host)}/cgi-bin/mmwebwx-bin/synccheck?r=1&skey=$(uri "$SKEY")&sid=$(uri "$SID")&uin=$UIN&deviceid=e123456789012345&synckey=$(uri "$1")&_=3"
}

# synccheck KEY [curl options]: one long poll with the cookie jar.
synccheck() {
	local key=$1
	shift
	emu_curl -b "$JAR" "$@" "$(synccheck_url "$key")"
}

# webwxinit; the answer in INIT.
do_init() {
	INIT=$(web_post webwxinit "r=-1" "$(base_request)") || return 1
	[ "$(jq .BaseResponse.Ret <<<"$INIT")" = 0 ] || { echo "init: $INIT" >&2; return 1; }
}

# webwxsync with SyncKey object $1 (JSON); the answer in SYNC.
do_sync() {
	local body
	body=$(jq -cn --argjson br "$(base_request)" --argjson k "$1" \
		'$br + {SyncKey: $k, rr: -1}')
	SYNC=$(web_post webwxsync "sid=$(uri "$SID")&skey=$SKEY" "$body")
}

# "1_v|2_v|…" from a SyncKey object.
key_pipe() {
	jq -r '[.List[] | "\(.Key)_\(.Val)"] | join("|")' <<<"$1"
}
