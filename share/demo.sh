#!/bin/sh
# shellcheck disable=SC2016 # step() prints its command lines unexpanded
# demo.sh — wx from login to logout against a wx-emu it starts itself (run
# by `make demo` from the top directory): log in, list a few contacts,
# send a text and a file, receive injected messages with wx-sync,
# download an image with wx-get, revoke a message, log out, and log in
# again with wx-login.  A throwaway CA made with openssl, the emulator on
# a free loopback port over TLS, a temporary session directory; each
# command is printed before it runs.  Everything started or made here is
# stopped and removed on exit.  Without bin/wx-send the send and revoke
# steps are skipped, saying so.
set -u
top=$(cd "$(dirname "$0")/.." && pwd) || exit 100
PATH=$top/bin:$PATH
export PATH

tmp=$(mktemp -d) || exit 111
emu=
cleanup() {
	[ -n "$emu" ] && kill "$emu" 2>/dev/null && wait "$emu" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 111' INT TERM HUP

# A CA and one certificate for every host family wx-emu serves.
make_ca() {
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
		-keyout "$tmp/ca.key" -out "$tmp/ca.pem" -days 1 \
		-subj "/CN=wx demo CA" &&
	openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
		-keyout "$tmp/key.pem" -out "$tmp/req.pem" -subj "/CN=wx.qq.com" &&
	echo "subjectAltName=DNS:*.qq.com,DNS:*.wx.qq.com,DNS:*.wx2.qq.com,DNS:*.wx8.qq.com,DNS:*.weixin.qq.com,DNS:*.wechat.com,DNS:*.web.wechat.com,DNS:*.web2.wechat.com" >"$tmp/ext" &&
	openssl x509 -req -in "$tmp/req.pem" -CA "$tmp/ca.pem" \
		-CAkey "$tmp/ca.key" -CAcreateserial -out "$tmp/cert.pem" \
		-days 1 -extfile "$tmp/ext"
}

# Start wx-emu -a and wait (10 s at most) for the port it listens on.
start_emu() {
	wx-emu -a -H 2 -p 0 -P "$tmp/port" -c "$tmp/cert.pem" -k "$tmp/key.pem" \
		2>"$tmp/emu.log" &
	emu=$!
	i=0
	while [ ! -s "$tmp/port" ]; do
		i=$((i + 1))
		if [ "$i" -gt 200 ] || ! kill -0 "$emu" 2>/dev/null; then
			cat "$tmp/emu.log" >&2
			echo "demo: wx-emu did not start" >&2
			exit 111
		fi
		sleep 0.05
	done
}

# emu_ctl NAME [curl options]: POST /_emu/NAME on the emulator (the
# phone's side: inject a message …); the answer on stdout.
emu_ctl() {
	name=$1
	shift
	curl -sS --fail --cacert "$tmp/ca.pem" \
		--connect-to "::127.0.0.1:$(cat "$tmp/port")" \
		-X POST "https://wx2.qq.com/_emu/$name" "$@"
}

# Print a command line, then run it; stop the demo if it fails.
step() {
	printf '\n$ %s\n' "$1"
	eval "$1" || { rc=$?; echo "demo: failed ($rc): $1" >&2; exit "$rc"; }
}

make_ca >"$tmp/openssl.log" 2>&1 || { cat "$tmp/openssl.log" >&2; exit 111; }
start_emu
WX_CONNECT_TO=::127.0.0.1:$(cat "$tmp/port")
CURL_CA_BUNDLE=$tmp/ca.pem
WX_DIR=$tmp/wx
export WX_CONNECT_TO CURL_CA_BUNDLE WX_DIR

echo "wx-emu listens on 127.0.0.1:$(cat "$tmp/port") and confirms logins by itself."
echo "WX_CONNECT_TO=$WX_CONNECT_TO CURL_CA_BUNDLE=$CURL_CA_BUNDLE"
echo "WX_DIR=$WX_DIR"
echo
echo "# One step at a time:"
step 'wx-uuid | wx-qr'
step 'wx-wait -t 30 -a "$tmp/face.jpg"'
step 'wx-init </dev/null'
step 'ls -l "$WX_DIR"'
step 'cut -d= -f1 "$WX_DIR/session" | tr "\n" " "; echo'
echo
echo "# A few contacts (wx-contacts prints one JSON object a line):"
step 'wx-contacts </dev/null | jq -r "select(.Kind == \"friend\") | .Name" | head -n 5'
echo
if [ -x "$top/bin/wx-send" ]; then
	echo "# Send a text and a file to the file helper:"
	step 'wx-send filehelper "hello from make demo" </dev/null'
	printf 'build log\nall green\n' >"$tmp/report.txt"
	step 'wx-send -f "$tmp/report.txt" filehelper </dev/null'
else
	echo "# bin/wx-send is not built: skipping the text and file sends."
fi
echo
echo "# The phone's side: a friend writes, and sends a photo (wx-emu's control API):"
step 'emu_ctl message -d "{\"Content\":\"hi there, did the build pass?\"}"'
step 'img=$(emu_ctl message -d "{\"TypeName\":\"image\"}"); echo "$img"'
echo
echo "# Receive them (one JSON object an event; here a few fields of each):"
step 'wx-sync -n </dev/null | jq -c "{TypeName, SenderName, Text: .Text[0:60], MsgId}"'
echo
echo "# Download the photo by its MsgId:"
step 'wx-get -o "$tmp/photo.jpg" "$img" </dev/null && wc -c <"$tmp/photo.jpg"'
echo
if [ -x "$top/bin/wx-send" ]; then
	echo "# Send to the wrong chat, and take it back (within 2 minutes):"
	step 'wx-send filehelper "oops, wrong chat" </dev/null | tee "$tmp/oops"'
	step 'wx-revoke <"$tmp/oops"'
else
	echo "# bin/wx-send is not built: skipping the revoke."
fi
echo
echo "# Log out: the secrets and cookies are forgotten, the uin stays for push login:"
step 'wx-logout'
step 'cut -d= -f1 "$WX_DIR/session" | tr "\n" " "; echo'
step 'wx-sync </dev/null; echo "exit $?"'
echo
echo "# The same with wx-login, from a fresh directory (the QR code goes to the terminal):"
step 'wx-login -d "$tmp/fresh" -t 30'
echo
echo "# And again: the saved uin allows push login, no QR code:"
step 'wx-login -d "$tmp/fresh" -t 30'
step 'wx-logout -d "$tmp/fresh"'
