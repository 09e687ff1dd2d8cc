# t/bench/4-idle.sh — workload 4, sourced by t/bench/run: `wx-sync -f`
# following an idle account for BENCH_IDLE (default 100,000) long-poll
# cycles; wx-emu -H 0 answers each synccheck at once with selector 0, so
# the cycles run back to back and the row is wx-sync's own cost: its CPU
# and wall over nine tenths of them (or a few more) after the first tenth
# (counted in wx-emu's request log, once a second), its RSS after the
# first tenth and at the end.  Then a
# real hold (-H 5) for 12 s: the CPU wx-sync uses waiting.

IDLE=${BENCH_IDLE:-100000}
section "4. idle follow: $IDLE long-poll cycles"
start_emu -a -H 0 -l "$W/i.log"
login "$W/i"
wx-sync -d "$W/i" >/dev/null
: >"$W/i.log"
wx-sync -d "$W/i" -f >/dev/null 2>"$W/i.err" &
BG=$!
# wx-emu logs nothing else meanwhile: its lines are the polls.  (Counted
# once a second: the log grows by ~1 kB a poll.)
polls() { wc -l <"$W/i.log"; }
wait_for '[ "$(polls)" -ge $((IDLE / 10)) ]' 1
n0=$(polls) r0=$(proc_rss $BG) c0=$(proc_cpu $BG) t0=$(date +%s.%N)
wait_for '[ "$(polls)" -ge $((n0 + IDLE - IDLE / 10)) ]' 1
n1=$(polls) r1=$(proc_rss $BG) c1=$(proc_cpu $BG) t1=$(date +%s.%N)
stop_bg
echo "$t1 $t0 $c1 $c0 $r1" | awk '{printf "%.3f %.2f %d\n", $1 - $2, $3 - $4, $5}' >"$W/i.wx"
report "wx-sync -f idle: $((n1 - n0)) cycles" "$W/i.wx"
note "$(awk -v c="$(med "$W/i.wx" 2)" -v n=$((n1 - n0)) 'BEGIN {printf "%.1f", c * 1e6 / n}') us CPU a cycle (target 100);" \
	"RSS $r0 kB after $n0 cycles, $r1 kB at the end"
stop_emu

start_emu -a -H 5
login "$W/h"
wx-sync -d "$W/h" >/dev/null
: >"$W/h.wx"
"build/t/rusage" "$W/h.wx" wx-sync -d "$W/h" -f -t 12 >/dev/null 2>&1 || true
report "wx-sync -f -t 12, held polls (wx-emu -H 5)" "$W/h.wx"
