# t/bench/lib.sh — what every workload of t/bench/run shares, sourced by
# it: the work directory $W with a throwaway CA and server certificate,
# wx-emu started and stopped, the measuring helper, medians and the rows
# of the table.  Every connection goes to 127.0.0.1 over TLS with
# verification on.

W=$(mktemp -d)
EMU=
BG=
trap 'stop_bg; stop_emu; rm -rf "$W"' EXIT
trap 'exit 130' INT TERM

# bench_certs: a CA and a certificate for every host wx-emu serves, made
# by share/examples/emu-ca as for the tests; CURL_CA_BUNDLE names the CA
# (node is given it on its command line: npm still needs the system's).
bench_certs() {
	"$TOP/share/examples/emu-ca" "$W" || exit 111
	export CURL_CA_BUNDLE="$W/ca.pem"
}

# start_emu OPTION...: wx-emu on a free port; sets EMU (its pid),
# EMU_PORT and WX_CONNECT_TO.
start_emu() {
	rm -f "$W/port"
	wx-emu -p 0 -P "$W/port" -c "$W/cert.pem" -k "$W/key.pem" "$@" 2>"$W/emu.err" &
	EMU=$!
	_i=0
	while [ ! -s "$W/port" ]; do
		_i=$((_i + 1))
		[ $_i -gt 400 ] && { cat "$W/emu.err" >&2; exit 111; }
		sleep 0.025
	done
	EMU_PORT=$(cat "$W/port")
	export WX_CONNECT_TO="::127.0.0.1:$EMU_PORT"
}
stop_emu() {
	[ -n "$EMU" ] || return 0
	kill "$EMU" 2>/dev/null && wait "$EMU" 2>/dev/null
	EMU=
}

# BG is a command a workload runs beside the measure; stop_bg ends it
# (its status is the workload's business).  wait_for COND [SECONDS]:
# until the shell condition COND holds, tried every SECONDS (default
# 0.05), as long as BG runs: a 111 when it has died.
stop_bg() {
	[ -n "$BG" ] || return 0
	kill "$BG" 2>/dev/null
	wait "$BG" 2>/dev/null || true
	BG=
}
wait_for() {
	until eval "$1"; do
		kill -0 "$BG" 2>/dev/null || { echo "bench: gave up waiting for $1" >&2; exit 111; }
		sleep "${2:-0.05}"
	done
}

# emu_ctl PATH: POST to wx-emu's control API.
emu_ctl() {
	curl -sS --connect-to "::127.0.0.1:$EMU_PORT" -X POST \
		"https://127.0.0.1/_emu/$1" >/dev/null
}

# login DIR: a fresh session in DIR against the running wx-emu -a.
login() {
	rm -rf "$1"
	wx-uuid -d "$1" >/dev/null &&
		wx-wait -d "$1" -t 30 >/dev/null 2>&1 &&
		wx-init -d "$1" >/dev/null
}

# measure OUT COMMAND...: run COMMAND (its stdin and stdout as given) and
# append "wall cpu maxrss_kb" to OUT (wait4: CPU to the microsecond, the
# children it waited for included); a failure ends the bench with 111.
measure() {
	_o=$1
	shift
	build/t/rusage "$_o" "$@" 2>"$W/err" || {
		echo "bench: $* failed:" >&2
		cat "$W/err" >&2
		exit 111
	}
}

# proc_cpu PID, proc_rss PID: a running process's CPU seconds, its RSS
# in kB.
proc_cpu() { awk -v hz="$(getconf CLK_TCK)" '{printf "%.2f", ($14 + $15) / hz}' "/proc/$1/stat"; }
proc_rss() { awk '/^VmRSS/ {print $2}' "/proc/$1/status"; }

# med FILE COLUMN: the median of one column of a measure file.
med() { cut -d' ' -f"$2" "$1" | sort -n | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'; }

# ratio A B: A / B to two decimals, "-" when there is no B.
ratio() {
	[ -n "$2" ] || { echo -; return; }
	awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }'
}

# The table: a row is a label, median wall s, CPU s and peak RSS, and the
# ratios wall, CPU and RSS against the row's baseline (the row above it
# labelled "baseline:"), measured in the same run.
row() { printf '%-46s %8s %8s %9s %6s %6s %6s\n' "$@"; }
header() {
	row workload "wall s" "cpu s" "RSS kB" "xwall" "xcpu" "xRSS"
	row -------- ------ ----- ------ ----- ---- ----
}
section() { printf '%s\n' "$*"; }
note() { printf '    %s\n' "$*"; }

# report LABEL FILE [BASEFILE]: the row of FILE's medians, with ratios
# against BASEFILE's medians when given.
report() {
	_w=$(med "$2" 1) _c=$(med "$2" 2) _r=$(med "$2" 3)
	if [ -n "${3:-}" ]; then
		row "$1" "$_w" "$(printf %.3f "$_c")" "$_r" "$(ratio "$_w" "$(med "$3" 1)")" \
			"$(ratio "$_c" "$(med "$3" 2)")" "$(ratio "$_r" "$(med "$3" 3)")"
	else
		row "$1" "$_w" "$(printf %.3f "$_c")" "$_r" - - -
	fi
}

# sum_runs N IN OUT: IN holds N measure lines a run (one per command);
# append to OUT each run's wall and CPU summed and its largest RSS.
sum_runs() {
	awk -v n="$1" '{w += $1; c += $2; if ($3 > r) r = $3}
		NR % n == 0 {printf "%.3f %.6f %d\n", w, c, r; w = c = r = 0}' "$2" >>"$3"
}
