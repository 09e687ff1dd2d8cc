# t/bench/1-login.sh — workload 1, sourced by t/bench/run: a cold login
# against wx-emu -a (the phone confirms at once): wx-uuid, wx-wait,
# wx-init, each a new process with a new session directory.  The row sums
# the three commands' walls (end-to-end latency, the shell's own forks
# left out) and CPU, and gives the largest peak RSS; a row for each.

section "1. cold login against wx-emu -a"
start_emu -a
: >"$W/l.all"
for _ in $(seq "$RUNS"); do
	rm -rf "$W/l"
	measure "$W/l.all" wx-uuid -d "$W/l" >/dev/null
	measure "$W/l.all" wx-wait -d "$W/l" -t 30 >/dev/null
	measure "$W/l.all" wx-init -d "$W/l" >/dev/null
done
: >"$W/l.sum"
sum_runs 3 "$W/l.all" "$W/l.sum"
report "login: wx-uuid, wx-wait, wx-init" "$W/l.sum"
n=0
for c in wx-uuid wx-wait wx-init; do
	n=$((n + 1))
	awk -v n=$n 'NR % 3 == n % 3' "$W/l.all" >"$W/l.one"
	report "  $c" "$W/l.one"
done
