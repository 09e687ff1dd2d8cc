# t/bench/8-startup.sh — workload 8, sourced by t/bench/run: what starting
# a command costs.  Each row is the median of BENCH_STARTS (default 15)
# runs.  First every command's `-h` (fork, exec, the loader, usage on
# stdout) against the libcurl floor, build/t/floor: a program linked as
# the commands are that only initialises libcurl.  Then two commands doing
# one request each to wx-emu — wx-uuid its jslogin, wx-synccheck one
# synccheck (wx-emu -H 0 answers at once) — against curl doing the same
# request, the URL taken from wx-emu's request log.

STARTS=${BENCH_STARTS:-15}
section "8. start-up: median of $STARTS"
# starts OUT COMMAND...: measure COMMAND STARTS times into OUT.
starts() {
	_out=$1
	shift
	: >"$_out"
	for _ in $(seq "$STARTS"); do measure "$_out" "$@" >/dev/null; done
}
starts "$W/8.floor" build/t/floor
report "baseline: libcurl floor (curl_global_init only)" "$W/8.floor"
for c in bin/wx-*; do
	starts "$W/8.h" "$c" -h
	report "  ${c#bin/} -h" "$W/8.h" "$W/8.floor"
done

start_emu -a -H 0 -l "$W/8.log"
login "$W/8"
uri() {  # the URL of the last request to ENDPOINT in wx-emu's log
	jq -r --arg e "$1" 'select(.path | endswith("/" + $e)) | "https://\(.host)\(.uri)"' \
		"$W/8.log" | tail -n 1
}
: >"$W/8.u"
for _ in $(seq "$STARTS"); do
	rm -rf "$W/8u"
	measure "$W/8.u" wx-uuid -d "$W/8u" >/dev/null
done
starts "$W/8.cu" curl -sS --connect-to "::127.0.0.1:$EMU_PORT" -o /dev/null "$(uri jslogin)"
report "baseline: curl, the same jslogin" "$W/8.cu"
report "wx-uuid: one jslogin" "$W/8.u" "$W/8.cu"
starts "$W/8.s" wx-synccheck -d "$W/8"
starts "$W/8.cs" curl -sS --connect-to "::127.0.0.1:$EMU_PORT" -b "$W/8/cookies" \
	-o /dev/null "$(uri synccheck)"
report "baseline: curl, the same synccheck" "$W/8.cs"
report "wx-synccheck: one synccheck" "$W/8.s" "$W/8.cs"
