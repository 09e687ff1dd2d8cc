#!/bin/sh
# shellcheck disable=SC2016 # step() prints its command lines unexpanded
# demo.sh — the login part of wx against a wx-emu it starts itself (run by
# `make demo` from the top directory).  A throwaway CA made with openssl,
# the emulator on a free loopback port over TLS, a temporary session
# directory; each command is printed before it runs.  Everything started
# or made here is stopped and removed on exit.
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
echo "# The same with wx-login, from a fresh directory (the QR code goes to the terminal):"
step 'wx-login -d "$tmp/fresh" -t 30'
echo
echo "# And again: the saved uin allows push login, no QR code:"
step 'wx-login -d "$tmp/fresh" -t 30'
