# t/helper.bash — shared by every t/*.bats file: paths, a test CA made with
# openssl, and wx-emu started on a free loopback port.
#
#   setup_file()    { emu_start -a; }       # TLS; extra wx-emu options allowed
#   teardown_file() { emu_stop; }
#   emu_curl https://wx2.qq.com/...         # curl pinned to the emulator
#   emu_ctl scan "uuid=$u"                  # POST /_emu/scan?uuid=…
#
# Every command under test finds the emulator through WX_CONNECT_TO and
# trusts it through CURL_CA_BUNDLE, exactly as a user would set them.

bats_require_minimum_version 1.5.0
bats_load_library bats-support
bats_load_library bats-assert

TOP=$(cd "$BATS_TEST_DIRNAME/.." && pwd)
export PATH="$TOP/bin:$PATH"
export LC_ALL=C
export SAMPLES="$TOP/t/samples"
# The session files tests write by hand get the modes wx demands of them
# (wx-session(5): 0700 and 0600), as wx's own do; t/85 checks, under
# umask 022, that wx makes them so itself.
umask 077

# Per-test session directory; tests never touch $HOME.
setup() {
	export WX_DIR="$BATS_TEST_TMPDIR/wx"
}

# A CA and one server certificate for every host family wx-emu serves
# (share/examples/emu-ca), made once a file.
emu_make_ca() {
	local d="$BATS_FILE_TMPDIR/ca"
	[ -f "$d/ca.pem" ] || "$TOP/share/examples/emu-ca" "$d"
}

# Wait up to $2 seconds (default 10) for file $1 to be non-empty.
wait_for_file() {
	local i=0 n=$(( ${2:-10} * 20 ))
	while [ ! -s "$1" ]; do
		i=$((i + 1))
		[ "$i" -gt "$n" ] && return 1
		sleep 0.05
	done
}

# emu_start [wx-emu options]: TLS emulator; sets EMU_PORT, EMU_LOG,
# WX_CONNECT_TO and CURL_CA_BUNDLE.  emu_start_plain: plain HTTP.
emu_start() {
	emu_make_ca || return 1
	local d="$BATS_FILE_TMPDIR/ca"
	EMU_SCHEME=https
	_emu_run -c "$d/cert.pem" -k "$d/key.pem" "$@"
	export CURL_CA_BUNDLE="$d/ca.pem"
}

emu_start_plain() {
	EMU_SCHEME=http
	_emu_run "$@"
}

_emu_run() {
	EMU_DIR="$BATS_FILE_TMPDIR/emu"
	mkdir -p "$EMU_DIR"
	rm -f "$EMU_DIR/port"
	EMU_LOG="$EMU_DIR/requests.log"
	wx-emu -p 0 -P "$EMU_DIR/port" -l "$EMU_LOG" -H 2 "$@" \
		2>"$EMU_DIR/stderr" 3>&- &
	EMU_PID=$!
	EMU_PORT=$(server_port "$EMU_DIR/port" "$EMU_DIR/stderr") || return 1
	export EMU_PORT EMU_LOG EMU_PID EMU_SCHEME EMU_DIR
	export WX_CONNECT_TO="::127.0.0.1:$EMU_PORT"
}

# server_port PORTFILE STDERR: the port a server just started wrote, or
# its stderr and failure when it wrote none in 10 s.
server_port() {
	if ! wait_for_file "$1" 10; then
		cat "$2" >&2
		return 1
	fi
	cat "$1"
}

# server_stop PID: end a server started in the background.
server_stop() {
	[ -n "$1" ] || return 0
	kill "$1" 2>/dev/null
	wait "$1" 2>/dev/null
}

emu_stop() {
	server_stop "${EMU_PID:-}"
	EMU_PID=
}

# curl pinned to the emulator, keeping URL, Host and TLS name.
emu_curl() {
	curl -sS --connect-to "::127.0.0.1:$EMU_PORT" \
		${CURL_CA_BUNDLE:+--cacert "$CURL_CA_BUNDLE"} "$@"
}

# emu_ctl NAME [QUERY] [curl options]: POST /_emu/NAME?QUERY.
emu_ctl() {
	local name=$1 q=${2:-}
	shift; [ $# -gt 0 ] && shift
	emu_curl -X POST "$EMU_SCHEME://127.0.0.1:$EMU_PORT/_emu/$name${q:+?$q}" "$@"
}

# hostile_start DIR: t/hostile (build/t/hostile) over TLS with the test
# CA, answering from the files of DIR (see t/hostile.c: NAME.body,
# NAME.status, NAME.headers, NAME.delay, read on every request); sets
# HOSTILE_DIR, HOSTILE_PORT, HOSTILE_PID, HOSTILE_LOG (one line a request,
# "METHOD HOST PATH?QUERY"), and WX_CONNECT_TO and CURL_CA_BUNDLE as
# emu_start does.  The log is in $BATS_TEST_TMPDIR when started by a
# test, else in $BATS_FILE_TMPDIR.  hostile_stop ends it.
hostile_start() {
	local ca="$BATS_FILE_TMPDIR/ca" run=${BATS_TEST_TMPDIR:-$BATS_FILE_TMPDIR}
	emu_make_ca || return 1
	HOSTILE_DIR=$1
	HOSTILE_LOG=$run/hostile.log
	mkdir -p "$HOSTILE_DIR"
	rm -f "$run/hostile.port"
	: >"$HOSTILE_LOG"
	"$TOP/build/t/hostile" -p 0 -P "$run/hostile.port" \
		-c "$ca/cert.pem" -k "$ca/key.pem" -l "$HOSTILE_LOG" \
		"$HOSTILE_DIR" 2>"$run/hostile.stderr" 3>&- &
	HOSTILE_PID=$!
	HOSTILE_PORT=$(server_port "$run/hostile.port" "$run/hostile.stderr") ||
		return 1
	export HOSTILE_DIR HOSTILE_PORT HOSTILE_PID HOSTILE_LOG
	export WX_CONNECT_TO="::127.0.0.1:$HOSTILE_PORT"
	export CURL_CA_BUNDLE="$ca/ca.pem"
}

hostile_stop() {
	server_stop "${HOSTILE_PID:-}"
	HOSTILE_PID=
}

# hostile_answer NAME BODY [STATUS]: requests whose last path part is
# NAME ("index" for "/") get BODY, byte for byte (printf %b is not
# applied: pass $'…' for escapes), with STATUS (default 200).  Headers
# and delay, if wanted, go in $HOSTILE_DIR/NAME.headers and NAME.delay.
hostile_answer() {
	printf '%s' "$2" >"$HOSTILE_DIR/$1.body"
	if [ $# -ge 3 ]; then
		printf '%s\n' "$3" >"$HOSTILE_DIR/$1.status"
	else
		rm -f "$HOSTILE_DIR/$1.status"
	fi
}

# hostile_count NAME: how many requests NAME has had (by the log).
hostile_count() {
	awk -v n="$1" '{ p = $3; sub(/\?.*/, "", p); sub(/.*\//, "", p);
		if (p == "") p = "index"; if (p == n) c++ } END { print c + 0 }' \
		"$HOSTILE_LOG"
}

# usage_of SYNOPSIS: a command's usage as it prints it for -h and on a
# usage error: SYNOPSIS, then the "-h | -V" form every command has.
usage_of() {
	printf 'usage: %s\n       %s -h | -V' "$1" "${1%% *}"
}
