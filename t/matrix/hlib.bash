# t/matrix/hlib.bash — what every cell of the generated hostile matrix
# (t/85-hostile-matrix.bats, written by t/matrix/hgen) runs: t/hostile
# serving, for one endpoint, an answer no server should give (50 MB, one
# byte a second, a million \u escapes, 100000 "[", NUL bytes, invalid
# UTF-8, terminal escapes in every string field (as \u001b, and raw),
# numbers past 2^64, a
# 1 MB field, a Seq or ContinueFlag that never ends), the other endpoints
# valid answers; the checks are those of the fault matrix (lib.bash).
# The drip cells take the command's own 30 s timeout: they all start in
# setup_file, side by side on a server of their own, and their tests
# collect the results.
load login

SKEY=@crypt_1a2b3c4d_0123456789abcdef0123456789abcdef
KEY='1_100|2_100|3_100|1000_100'

# Two servers a file: one for the drip cells, one the others share.
hmatrix_setup_file() {
	: >"$BATS_FILE_TMPDIR/table"
	mkdir -p "$BATS_FILE_TMPDIR/drip"
	BATS_TEST_TMPDIR=$BATS_FILE_TMPDIR/drip \
		hostile_start "$BATS_FILE_TMPDIR/drip/answers" || return 1
	export DRIP_PID=$HOSTILE_PID DRIP_CONNECT=$WX_CONNECT_TO \
		DRIP_DIR=$HOSTILE_DIR
	hostile_start "$BATS_FILE_TMPDIR/answers"
}

hmatrix_teardown_file() {
	local p
	for p in $(cat "$BATS_FILE_TMPDIR/drip/pids" 2>/dev/null); do
		kill "$p" 2>/dev/null
	done
	hostile_stop
	server_stop "${DRIP_PID:-}"
}

hmatrix_setup() {
	export WX_DIR="$BATS_TEST_TMPDIR/wx" T=$BATS_TEST_TMPDIR
	mkdir -m 700 "$WX_DIR"
	rm -f "$HOSTILE_DIR"/*
}

# ---- sessions and valid answers, a row each ----

# A logged-in session (as t/57's) and a contacts cache (as t/51's).
full_session() {
	printf '%s\n' host=wx2.qq.com push_host=webpush.wx2.qq.com \
		file_host=file.wx2.qq.com wxuin=123 wxsid=S skey=@crypt_1 \
		pass_ticket=P username=@self "synckey=$KEY" "synccheckkey=$KEY" \
		>"$WX_DIR/session"
	printf '{"Cache":"wx-contacts","Uin":"123","User":"@self","Time":1}\n' \
		>"$WX_DIR/contacts"
	chmod 600 "$WX_DIR/session" "$WX_DIR/contacts"
}

seed_uuid() {
	hostile_answer index '<!DOCTYPE html><html><head><title>Web WeChat</title></head></html>'
}
tpl_uuid() { printf 'window.QRLogin.code = %s; window.QRLogin.uuid = "%s";' "$2" "$1"; }
ok_uuid=gbyKnbsmqQ== num_uuid=200

seed_wait() {
	printf 'uuid=abcdefABCDEF12\n' >"$WX_DIR/session"
	chmod 600 "$WX_DIR/session"
}
tpl_wait() {
	printf 'window.code=%s;\nwindow.redirect_uri="https://wx2.qq.com/cgi-bin/mmwebwx-bin/webwxnewloginpage?ticket=%s&uuid=abcdefABCDEF12&lang=zh_CN&scan=1";' "$2" "$1"
}
ok_wait=T num_wait=200

seed_init() {
	printf '%s\n' uuid=abcdefABCDEF12 \
		'redirect_uri=https://wx2.qq.com/cgi-bin/mmwebwx-bin/webwxnewloginpage?ticket=T&uuid=abcdefABCDEF12&lang=zh_CN&scan=1' \
		>"$WX_DIR/session"
	chmod 600 "$WX_DIR/session"
	hostile_answer webwxnewloginpage "<error><ret>0</ret><message></message><skey>$SKEY</skey><wxsid>SID</wxsid><wxuin>176666155</wxuin><pass_ticket>P</pass_ticket><isgrayscale>1</isgrayscale></error>"
	hostile_answer webwxstatusnotify '{"BaseResponse":{"Ret":0,"ErrMsg":""},"MsgID":"8032721323945545465"}'
}
tpl_init() {
	printf '{"BaseResponse":{"Ret":%s,"ErrMsg":"%s"},"Count":1,"ContactList":[{"Uin":0,"UserName":"filehelper","NickName":"%s","RemarkName":"%s"}],"SyncKey":{"Count":2,"List":[{"Key":1,"Val":650000001},{"Key":2,"Val":650000002}]},"User":{"Uin":176666155,"UserName":"@0123456789abcdef0123456789abcdef","NickName":"%s","HeadImgUrl":"","RemarkName":"%s","Sex":0,"Signature":"%s"},"ChatSet":"filehelper,","SKey":"%s","ClientVersion":654311220,"SystemTime":1546211541,"GrayScale":1,"InviteStartCount":40,"MPSubscribeMsgCount":0,"MPSubscribeMsgList":[],"ClickReportInterval":600000}' \
		"$2" "$1" "$1" "$1" "$1" "$1" "$1" "$SKEY"
}
ok_init=Me num_init=0

seed_contacts() { full_session; }
tpl_contacts() {
	printf '{"BaseResponse":{"Ret":%s,"ErrMsg":"%s"},"MemberCount":1,"MemberList":[{"Uin":0,"UserName":"@a1","NickName":"%s","RemarkName":"%s","Signature":"%s","Alias":"%s","Province":"%s","City":"%s","VerifyFlag":0,"ContactFlag":3,"HeadImgUrl":"","Sex":1}],"Seq":%s}' \
		"$2" "$1" "$1" "$1" "$1" "$1" "$1" "$1" "${3:-0}"
}
ok_contacts=Ann num_contacts=0

seed_synccheck() { full_session; }
tpl_synccheck() { printf 'window.synccheck={retcode:"%s",selector:"%s"}' "$2" "$1"; }
ok_synccheck=2 num_synccheck=0

seed_sync() { full_session; }
tpl_sync() {
	printf '{"BaseResponse":{"Ret":%s,"ErrMsg":"%s"},"AddMsgCount":1,"AddMsgList":[{"MsgId":"5001","FromUserName":"@a1","ToUserName":"@self","MsgType":1,"Content":"%s","Status":3,"ImgStatus":1,"CreateTime":1546211541,"VoiceLength":0,"PlayLength":0,"FileName":"%s","FileSize":"","MediaId":"","Url":"%s","AppMsgType":0,"StatusNotifyCode":0,"StatusNotifyUserName":"","RecommendInfo":{"UserName":"","NickName":"%s","Content":"%s"},"NewMsgId":5001}],"ModContactCount":0,"ModContactList":[],"DelContactCount":0,"DelContactList":[],"SyncKey":{"Count":1,"List":[{"Key":1,"Val":200}]},"SyncCheckKey":{"Count":1,"List":[{"Key":1,"Val":200}]},"ContinueFlag":%s,"SKey":""}' \
		"$2" "$1" "$1" "$1" "$1" "$1" "$1" "${3:-0}"
}
ok_sync=hello num_sync=0

seed_send() { full_session; }
tpl_send() {
	printf '{"BaseResponse":{"Ret":%s,"ErrMsg":"%s"},"MsgID":"%s","LocalID":"15462115410001234"}' \
		"$2" "$1" 1234567890123456789
}
ok_send='' num_send=0

seed_get() {
	full_session
	printf '{"MsgId":"5001","MsgType":3,"TypeName":"image","FromUserName":"@a1","Text":""}\n' \
		>"$T/image.line"
}
tpl_get() { printf '\377\330\377\340\000\020JFIF\000%s' "$1"; }
ok_get=x num_get=0

# ---- hostile bodies: body_KIND ROW writes $HOSTILE_DIR/ENDPOINT.body ----

# N bytes of letter L.
fill() { head -c "$1" /dev/zero | tr '\0' "$2"; }

body_big() {   # 50 MB of whitespace before a valid answer
	{ fill $((50 << 20)) ' '; "tpl_$1" "$(ok "$1")" "$(num "$1")"; }
}
body_drip() { "tpl_$1" "$(ok "$1")" "$(num "$1")"; }
body_uescape() { "tpl_$1" "$(fill 1000000 x | sed 's/x/\\u0041/g')" "$(num "$1")"; }
body_deep() { fill 100000 '['; }
body_nul() { "tpl_$1" 'a@NUL@b' "$(num "$1")" | perl -pe 's/\@NUL\@/\0/g'; }
body_badutf8() { "tpl_$1" $'bad \xff\xfe \xc0\x80 \xed\xa0\x80 end' "$(num "$1")"; }
body_escape() { "tpl_$1" '\u001b]0;pwned\u0007\u001b[2J\u001b[31mred\u009b' "$(num "$1")"; }
body_rawescape() { "tpl_$1" $'\e]0;pwned\a\e[2J' "$(num "$1")"; }   # raw: no JSON string holds them
body_bignum() { "tpl_$1" "$(ok "$1")" 18446744073709551616; }
body_field1m() { "tpl_$1" "$(fill $((1 << 20)) A)" "$(num "$1")"; }
body_loop() { "tpl_$1" "$(ok "$1")" "$(num "$1")" 1; }   # Seq, ContinueFlag 1

ok() { local v="ok_$1"; printf '%s' "${!v}"; }
num() { local v="num_$1"; printf '%s' "${!v}"; }

# ---- the cells ----

# hcell ROW NAME ENDPOINT KIND WANT BOUND KEEP RUN
hcell() {
	local row=$1 name=$2 ep=$3 kind=$4 want=$5 bound=$6 keep=$7 cmd=$8
	"seed_$row"
	"body_$kind" "$row" >"$HOSTILE_DIR/$ep.body"
	local files=() before
	[ "$keep" = - ] || IFS=, read -ra files <<<"$keep"
	before=$(state_sums "${files[@]}")
	run --separate-stderr timeout "$bound" bash -c "$cmd"
	cell_check "$row" "$name" "$ep" "$kind" "$want" "$bound" "$before" "${files[@]}"
}

# drip_start ROW NAME ENDPOINT BOUND RUN: in the background, on the drip
# server, ROW's valid answer one byte a second.
drip_start() {
	local row=$1 ep=$3 bound=$4 cmd=$5 d=$BATS_FILE_TMPDIR/drip/$1
	mkdir -p "$d"
	(
		export WX_DIR=$d/wx T=$d WX_CONNECT_TO=$DRIP_CONNECT \
			HOSTILE_DIR=$DRIP_DIR
		mkdir -m 700 "$WX_DIR"
		"seed_$row"
		body_drip "$row" >"$HOSTILE_DIR/$ep.body"
		echo 1000 >"$HOSTILE_DIR/$ep.drip"
		state_sums $(tr , ' ' <<<"$6") >"$d/before"
		local t0=$SECONDS rc=0
		timeout "$bound" bash -c "$cmd" >"$d/out" 2>"$d/err" 3>&- || rc=$?
		echo $((SECONDS - t0)) >"$d/secs"
		echo "$rc" >"$d/rc.tmp" && mv "$d/rc.tmp" "$d/rc"
	) 3>&- &
	echo $! >>"$BATS_FILE_TMPDIR/drip/pids"
}

# drip_cell ROW NAME ENDPOINT WANT BOUND KEEP: the result drip_start left.
drip_cell() {
	local row=$1 name=$2 ep=$3 want=$4 bound=$5 keep=$6 d=$BATS_FILE_TMPDIR/drip/$1
	wait_for_file "$d/rc" $((bound + 10)) || fail "no result in $((bound + 10)) s"
	status=$(cat "$d/rc") output=$(cat "$d/out") stderr=$(cat "$d/err")
	mapfile -t stderr_lines <"$d/err"
	local files=()
	[ "$keep" = - ] || IFS=, read -ra files <<<"$keep"
	WX_DIR=$d/wx cell_check "$row" "$name" "$ep" drip "$want" "$bound" \
		"$(cat "$d/before")" "${files[@]}"
}
