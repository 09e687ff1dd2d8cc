# t/emu-session.bash — session-phase helpers for the wx-emu tests
# (t/22, t/23, t/26), on top of t/emu.bash's emu_login / emu_base:
#
#   emu_login; do_init; do_sync "$(jq -c .SyncKey <<<"$INIT")"
#   web_post webwxstatusnotify "" "$body"
#   synccheck "$(key_pipe "$KEY")"

# Percent-encode $1 for a query string.
uri() {
	jq -rn --arg v "$1" '$v | @uri'
}

# web_post CGI QUERY BODY [curl options]: JSON POST to the web host with
# the cookie jar (kept up to date), as RC sends it; body on stdout.
web_post() {
	local cgi=$1 q=$2 body=$3
	shift 3
	emu_curl -b "$JAR" -c "$JAR" -H 'Content-Type: application/json;charset=UTF-8' \
		--data-binary "$body" "$@" \
		"$(emu_url "$WEB" "/cgi-bin/mmwebwx-bin/$cgi")?${q}&lang=zh_CN&pass_ticket=$PASS_TICKET"
}

# web_get CGI QUERY [curl options].
web_get() {
	local cgi=$1 q=$2
	shift 2
	emu_curl -b "$JAR" -c "$JAR" "$@" "$(emu_url "$WEB" "/cgi-bin/mmwebwx-bin/$cgi")?$q"
}

# synccheck_url KEY [HOST]: RC's synccheck URL for key string KEY ("|"
# sent as %7C), on the session's push host unless HOST is given.
synccheck_url() {
	emu_url "${2:-webpush.$WEB}" /cgi-bin/mmwebwx-bin/synccheck
	echo "?r=1&skey=$(uri "$SKEY")&sid=$(uri "$SID")&uin=$UIN&deviceid=e123456789012345&synckey=$(uri "$1")&_=3"
}

# synccheck KEY [curl options]: one long poll with the cookie jar.
synccheck() {
	local key=$1
	shift
	emu_curl -b "$JAR" "$@" "$(synccheck_url "$key")"
}

# webwxinit; the answer in INIT.
do_init() {
	INIT=$(web_post webwxinit "r=-1" "$(emu_base)") || return 1
	[ "$(jq .BaseResponse.Ret <<<"$INIT")" = 0 ] || { echo "init: $INIT" >&2; return 1; }
}

# webwxsync with SyncKey object $1 (JSON); the answer in SYNC.
do_sync() {
	local body
	body=$(jq -cn --argjson br "$(emu_base)" --argjson k "$1" '$br + {SyncKey: $k, rr: -1}')
	SYNC=$(web_post webwxsync "sid=$(uri "$SID")&skey=$SKEY" "$body")
}

# "1_v|2_v|…" from a SyncKey object.
key_pipe() {
	jq -r '[.List[] | "\(.Key)_\(.Val)"] | join("|")' <<<"$1"
}
