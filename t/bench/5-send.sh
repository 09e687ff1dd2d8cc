# t/bench/5-send.sh — workload 5, sourced by t/bench/run: `wx-send -l`
# sending BENCH_SENDS (default 1,000) lines to filehelper, one message
# each, with the rate limit off (WX_RATE=0), one process; baseline: one
# curl process posting the same number of webwxsendmsg requests over one
# keep-alive connection (t/bench/send-baseline writes its config).  Then
# `wx-send -f` of a 20 MB file: the chunked upload (512 KiB a chunk) and
# its webwxsendappmsg.

SENDS=${BENCH_SENDS:-1000}
section "5. send: $SENDS texts, one 20 MB file"
start_emu -a -l "$W/s.log"
login "$W/s"
wx-contacts -d "$W/s" >/dev/null
t/bench/send-baseline "$W/s" "$W" "$SENDS"
seq "$SENDS" >"$W/s.lines"
head -c 20000000 /dev/urandom >"$W/s.file"
: >"$W/s.base"
: >"$W/s.wx"
: >"$W/s.f"
for _ in $(seq "$RUNS"); do
	measure "$W/s.base" curl -sS -K "$W/send.cfg"
	measure "$W/s.wx" env WX_RATE=0 wx-send -d "$W/s" -l filehelper <"$W/s.lines" >/dev/null
	measure "$W/s.f" wx-send -d "$W/s" -f "$W/s.file" filehelper >/dev/null
done
n=$(grep -c '/webwxsendmsg[?"]' "$W/s.log")
[ "$n" -eq $((2 * RUNS * SENDS)) ] ||
	{ echo "bench: wx-emu got $n texts, not $((2 * RUNS * SENDS))" >&2; exit 111; }
report "baseline: curl -K, $SENDS webwxsendmsg" "$W/s.base"
report "wx-send -l filehelper: $SENDS lines" "$W/s.wx" "$W/s.base"
report "wx-send -f: a 20 MB file" "$W/s.f"
note "wx-send -l: $(awk -v w="$(med "$W/s.wx" 1)" -v n="$SENDS" 'BEGIN {printf "%d", n / w}') messages/s;" \
	"-f: $(awk -v w="$(med "$W/s.f" 1)" 'BEGIN {printf "%.1f", 20 / w}') MB/s"
