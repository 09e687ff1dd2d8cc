# t/bench/6-peer.sh — workload 6, sourced by t/bench/run: one scenario —
# log in (wx-emu -a confirms), load 5,000 contacts, receive 500 injected
# messages, send one text — run by a peer client library from npm,
# wechat4u ($PEER_VERSION, default 0.7.14, installed by npm into the work
# directory, never into the repository), and by wx's commands, against a
# fresh wx-emu -a -n 5000 for every run.
#   wechat4u: one node process, start-up included (t/bench/peer.js); its
#     TLS connections are pinned to 127.0.0.1:PORT by t/bench/pin.js
#     (node -r), the CA given by NODE_EXTRA_CA_CERTS, verification on.
#   wx: wx-uuid, wx-wait, wx-init, wx-contacts, wx-sync -f -n -c 500 (the
#     500 injected once wx-emu has logged its first synccheck), wx-send:
#     CPU summed over the commands, peak RSS the largest of any, wall the
#     sum of the commands' own.
# Without node and npm, or when npm cannot install, the workload says so
# and the table goes on.

PEER_VERSION=${PEER_VERSION:-0.7.14}
section "6. peer: log in, 5000 contacts, 500 messages in, 1 out"
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
	note "skipped: no node and npm here (Debian: apt-get install nodejs npm)"
elif ! npm install --prefix "$W/npm" --no-audit --no-fund --no-save --silent \
	--no-package-lock "wechat4u@$PEER_VERSION" >"$W/npm.log" 2>&1; then
	note "skipped: npm install wechat4u@$PEER_VERSION failed: $(tail -n 1 "$W/npm.log")"
else
	: >"$W/p.peer"
	: >"$W/p.all"
	for _ in $(seq "$RUNS"); do
		start_emu -a -n 5000
		measure "$W/p.peer" env NODE_EXTRA_CA_CERTS="$W/ca.pem" \
			PIN_PORT="$EMU_PORT" NODE_PATH="$W/npm/node_modules" \
			PEER_CONTACTS=5000 PEER_MSGS=500 \
			node -r "$TOP/t/bench/pin.js" t/bench/peer.js >"$W/p.out"
		grep -q "messages=500 sent=1" "$W/p.out" ||
			{ echo "bench: wechat4u: $(cat "$W/p.out")" >&2; exit 111; }
		stop_emu

		start_emu -a -n 5000 -l "$W/p.log"
		rm -rf "$W/p"
		measure "$W/p.all" wx-uuid -d "$W/p" >/dev/null
		measure "$W/p.all" wx-wait -d "$W/p" -t 30 >/dev/null
		measure "$W/p.all" wx-init -d "$W/p" >/dev/null
		measure "$W/p.all" wx-contacts -d "$W/p" >"$W/p.contacts"
		: >"$W/p.log"
		build/t/rusage "$W/p.sync" wx-sync -d "$W/p" -f -n -c 500 -t 60 \
			>"$W/p.msgs" 2>"$W/p.err" &
		BG=$!
		wait_for 'grep -q /synccheck "$W/p.log"'
		emu_ctl "message?count=500"
		wait $BG || { cat "$W/p.err" >&2; exit 111; }
		BG=
		cat "$W/p.sync" >>"$W/p.all"
		rm "$W/p.sync"
		measure "$W/p.all" wx-send -d "$W/p" filehelper "bench: done" >/dev/null
		stop_emu
		[ "$(wc -l <"$W/p.contacts")" -ge 5000 ] && [ "$(wc -l <"$W/p.msgs")" -eq 500 ] ||
			{ echo "bench: wx saw $(wc -l <"$W/p.contacts") contacts, $(wc -l <"$W/p.msgs") messages" >&2; exit 111; }
	done
	: >"$W/p.wx"
	sum_runs 6 "$W/p.all" "$W/p.wx"
	report "baseline: wechat4u $PEER_VERSION, node $(node --version)" "$W/p.peer"
	report "wx: 6 commands (CPU summed, largest RSS)" "$W/p.wx" "$W/p.peer"
	n=0
	for c in wx-uuid wx-wait wx-init wx-contacts "wx-sync -f -n -c 500" wx-send; do
		n=$((n + 1))
		awk -v n=$n 'NR % 6 == n % 6' "$W/p.all" >"$W/p.one"
		report "  $c" "$W/p.one"
	done
	note "targets: xcpu 0.15, xRSS 0.10"
fi
