#!/bin/sh
# shellcheck disable=SC2016 # step() prints its command lines unexpanded
# demo.sh — wx from login to logout, run by `make demo` inside
# share/examples/emu-run -n, which gives it a wx-emu of its own (a
# throwaway CA, the emulator on a free loopback port over TLS, logins
# confirmed by themselves) and a temporary session directory: log in,
# list a few contacts, send a text and a file, receive injected messages
# with wx-sync, download an image with wx-get, revoke a message, log out,
# and log in again with wx-login.  Each command is printed before it
# runs.  Everything made here is removed on exit, and emu-run stops the
# emulator.  Without bin/wx-send the send and revoke steps are skipped,
# saying so.
set -u
top=$(cd "$(dirname "$0")/.." && pwd) || exit 100
PATH=$top/bin:$PATH
export PATH
[ -n "${WX_EMU:-}" ] ||
	{ echo "demo: run it with make demo (under share/examples/emu-run -n)" >&2; exit 100; }

tmp=$(mktemp -d) || exit 111
trap 'rm -rf "$tmp"' EXIT
trap 'exit 111' INT TERM HUP

# emu_ctl NAME [curl options]: POST /_emu/NAME on the emulator (the
# phone's side: inject a message …); the answer on stdout.
emu_ctl() {
	name=$1
	shift
	curl -sS --fail --cacert "$CURL_CA_BUNDLE" -X POST "$WX_EMU/_emu/$name" "$@"
}

# Print a command line, then run it; stop the demo if it fails.
step() {
	printf '\n$ %s\n' "$1"
	eval "$1" || { rc=$?; echo "demo: failed ($rc): $1" >&2; exit "$rc"; }
}

echo "wx-emu listens on ${WX_EMU#https://} and confirms logins by itself."
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
