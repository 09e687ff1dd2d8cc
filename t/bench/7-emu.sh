# t/bench/7-emu.sh — workload 7, sourced by t/bench/run: wx-emu alone
# under load.  t/bench/emu-load drives it with wrk over 16 keep-alive TLS
# connections (one per request for the last row, as wechat4u connects),
# asking for gzip as wx does, for BENCH_LOAD_SECONDS (default 5) an
# endpoint; wx-emu -H 0 answers each synccheck at once.  A row per
# endpoint: requests a second in the label, then the load's wall time,
# wx-emu's CPU time over it and its RSS at the end.

section "7. wx-emu under load (wrk, 16 connections)"
start_emu -a -H 0 -n 1000
login "$W/7"
t/bench/emu-load "$W/7" "$EMU" >"$W/7.out" || exit 111
while read -r what rps cpu rss errors; do
	[ "$errors" = 0 ] || { echo "bench: wx-emu: $what: $errors errors" >&2; exit 111; }
	row "wx-emu $what: $rps req/s" "${BENCH_LOAD_SECONDS:-5}" "$cpu" "$rss" - - -
done <"$W/7.out"
note "target: 20000 req/s for webwxsync and synccheck"
