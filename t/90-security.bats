#!/usr/bin/env bats
# Security (issue 13): the session directory and the files that hold
# secrets refused when group or others may get in; no secret in argv,
# outputs, files left behind or children's environments; TLS never
# switched off; names and text from the server are only text.
load helper
load login
load sync

# One login for the file with every private file there (session,
# cookies, contacts, media, sent, rate); each test works on a copy.
setup_file() {
	emu_start -H 2 -a
	export WX_DIR="$BATS_FILE_TMPDIR/wx"
	logged_in
	emu_ctl message '' --data-binary '{"TypeName":"image"}' >/dev/null
	wx-sync </dev/null >/dev/null
	WX_RATE=1 wx-send filehelper hello </dev/null >/dev/null
}
teardown_file() { emu_stop; }

setup() {
	export WX_DIR="$BATS_TEST_TMPDIR/wx"
	cp -a "$BATS_FILE_TMPDIR/wx" "$WX_DIR"
	T=$BATS_TEST_TMPDIR
}

# ---- 1. modes, checked at the start of every command ----

# snapshot: names, modes, sizes and sums of everything in WX_DIR.
snapshot() {
	(cd "$WX_DIR" && find . -printf '%p %m %s\n' | sort &&
		find . -type f -exec sha256sum {} + | sort)
}

# refused WHAT MODE CMD [ARG…]: with WX_DIR/WHAT (. for the directory)
# at MODE, CMD exits 100 with the one line naming it, its mode and the
# fix, prefixed with CMD's name (or $WHO's: wx-login's line is its
# wx-uuid's); the directory is as before and wx-emu got no request.
refused() {
	local what=$1 mode=$2 path fix=600 before n who
	shift 2
	who=${WHO:-${1##*/}}
	path=$WX_DIR/$what
	[ "$what" = . ] && { path=$WX_DIR; fix=700; }
	chmod "$mode" "$path"
	before=$(snapshot)
	n=$(wc -l <"$EMU_LOG")
	run --separate-stderr timeout 20 "$@" </dev/null
	[ "$status" -eq 100 ] || fail "$* with $what $mode: exit $status: $stderr"
	assert_equal "$stderr" "$who: $path: mode 0$mode lets group or others in; it holds secrets (chmod $fix it)"
	assert_output ''
	assert_equal "$(snapshot)" "$before"
	assert_equal "$(wc -l <"$EMU_LOG")" "$n"
	chmod "0$fix" "$path"
}

@test "security: the private files are all there to be checked" {
	local f
	for f in session cookies contacts media sent rate; do
		[ -f "$WX_DIR/$f" ] || fail "no $f"
		[ "$(stat -c %a "$WX_DIR/$f")" = 600 ] || fail "$f not 0600"
	done
	[ "$(stat -c %a "$WX_DIR")" = 700 ]
}

@test "security: each private file readable or writable by others is refused by wx-sync (100), nothing written" {
	local f m
	for f in session cookies contacts media sent rate; do
		for m in 644 640 604 620 602 660; do
			refused "$f" "$m" wx-sync
		done
	done
}

@test "security: a session directory group or others can enter is refused (100), nothing written" {
	local m
	for m in 755 750 705 770 711 701 710; do
		refused . "$m" wx-sync
	done
}

@test "security: every command checks the modes at its start" {
	local id f m
	id=$(jq -r .MsgId "$WX_DIR/media" | tail -n 1)
	for f in . session cookies contacts media sent rate; do
		m=644
		[ "$f" = . ] && m=755
		refused "$f" $m wx-uuid
		refused "$f" $m wx-uuid -p
		refused "$f" $m wx-wait -t 1
		refused "$f" $m wx-init
		refused "$f" $m wx-qr
		refused "$f" $m wx-contacts
		refused "$f" $m wx-synccheck
		refused "$f" $m wx-sync -f
		refused "$f" $m wx-send filehelper hi
		refused "$f" $m wx-get -o "$T/out" "$id"
		refused "$f" $m wx-revoke 1234567
		refused "$f" $m wx-remark filehelper x
		refused "$f" $m wx-accept
		refused "$f" $m wx-group @@x quit
		refused "$f" $m wx-logout
		[ ! -e "$T/out" ]
	done
}

@test "security: wx-login stops at the first refusal, with its one line (100)" {
	local f m
	for f in . session cookies; do
		m=644
		[ "$f" = . ] && m=755
		WHO=wx-uuid refused "$f" $m wx-login -t 5
	done
	# without a uin there is no push login: the QR path stops the same way
	sed -i '/^wxuin=/d' "$WX_DIR/session"
	WHO=wx-uuid refused session 640 wx-login -t 5
}

@test "security: under umask 022 wx makes the directory 0700 and every file in it 0600" {
	local id
	export WX_DIR="$T/fresh"
	umask 022
	logged_in
	id=$(emu_ctl message '' --data-binary '{"TypeName":"image"}')
	wx-sync </dev/null >/dev/null
	wx-contacts -m >/dev/null
	WX_RATE=1 wx-send filehelper hello </dev/null >/dev/null
	wx-get -o "$T/img" "$id" </dev/null
	[ "$(stat -c %a "$WX_DIR")" = 700 ]
	run find "$WX_DIR" -mindepth 1 ! -perm 600 -printf '%p %m\n'
	assert_output ''
	run find "$WX_DIR" -mindepth 1 ! -type f
	assert_output ''
}

# ---- 2. no secret in argv, outputs, messages, files left behind, or
# the environment of children ----

# The whole flow runs in $F: out/ every stdout and stderr, proc/ the argv
# and environment of the long-running commands, snap/N/ the session and
# cookie jar after each step (their secrets all count), tmp/ the TMPDIR
# of every command, wx/ the session directory; t/secrets-scan then takes
# the secrets from every session and cookies under $F and searches
# every other file for them.

# step NAME CMD [ARG…]: run CMD with stdout and stderr to out/NAME.*,
# status in RC; then a snapshot of the secrets.
step() {
	local name=$1
	shift
	RC=0
	"$@" >"$F/out/$name.out" 2>"$F/out/$name.err" </dev/null || RC=$?
	snap
}

snap() {
	local d
	d=$F/snap/$(( $(ls "$F/snap" | wc -l) + 1 ))
	mkdir "$d"
	cp "$WX_DIR/session" "$WX_DIR/cookies" "$d/" 2>/dev/null || true
}

# descendant ROOT NAME: the pid of ROOT or a process below it running
# NAME, waiting up to 10 s for it: right after `&` ROOT may still be the
# shell's fork, and setsid forks when it leads its process group.
descendant() {
	local p _
	for _ in $(seq 200); do
		p=$(ps -e -o pid=,ppid=,comm= | awk -v r="$1" -v n="$2" '
			{ par[$1] = $2; name[$1] = $3 }
			END { for (p in par) { q = p
				while (q in par && q != r) q = par[q]
				if (q == r && name[p] == n) print p } }' |
			head -n 1)
		[ -n "$p" ] && { echo "$p"; return 0; }
		sleep 0.05
	done
	return 1
}

# proc_save PID NAME: its argv and environment into proc/NAME.*, read
# again while empty (a process in the middle of exec shows none).
proc_save() {
	local _
	for _ in $(seq 200); do
		tr '\0' '\n' <"/proc/$1/cmdline" >"$F/proc/$2.argv"
		tr '\0' '\n' <"/proc/$1/environ" >"$F/proc/$2.env"
		[ -s "$F/proc/$2.argv" ] && [ -s "$F/proc/$2.env" ] && return 0
		sleep 0.05
	done
	return 1
}

# wait_requests ENDPOINT N: until wx-emu has logged N requests to it.
wait_requests() {
	local _
	for _ in $(seq 200); do
		[ "$(grep -c "/$1[?\"]" "$EMU_LOG")" -ge "$2" ] && return 0
		sleep 0.05
	done
	return 1
}

@test "security: the whole flow, failures too, shows no secret anywhere: argv, outputs, files, children's environments" {
	local pid n img file sent peer
	F=$T/flow
	mkdir -p "$F/out" "$F/proc" "$F/snap" "$F/tmp" "$F/in" "$F/got"
	export WX_DIR=$F/wx TMPDIR=$F/tmp WX_RATE=0
	step 01-login setsid -w wx-login -t 20
	assert_equal "$RC" 0

	# push login: wx-wait held by a slow login poll while we look
	emu_ctl fault 'endpoint=login&kind=slow' >/dev/null
	setsid -w wx-login -t 20 >"$F/out/02-login.out" 2>"$F/out/02-login.err" </dev/null &
	pid=$!
	proc_save "$(descendant "$pid" wx-login)" wx-login
	proc_save "$(descendant "$pid" wx-wait)" wx-wait
	wait "$pid"
	snap
	grep -qx 'wx-wait' "$F/proc/wx-wait.argv"

	step 03-contacts-m wx-contacts -m
	step 04-contacts wx-contacts
	peer=$(first_of person)
	emu_ctl message '' --data-binary "{\"From\":\"$peer\",\"Content\":\"hi\"}" >/dev/null
	img=$(emu_ctl message '' --data-binary "{\"From\":\"$peer\",\"TypeName\":\"image\"}")
	file=$(emu_ctl message '' --data-binary "{\"From\":\"$peer\",\"TypeName\":\"file\",\"FileName\":\"a.txt\",\"Media\":\"aGk=\"}")
	step 05-sync wx-sync
	assert_equal "$RC" 0

	# wx-sync -f while its synccheck is held
	n=$(grep -c '/synccheck[?"]' "$EMU_LOG" || true)
	wx-sync -f >"$F/out/06-sync-f.out" 2>"$F/out/06-sync-f.err" </dev/null &
	pid=$!
	wait_requests synccheck $((n + 1))
	proc_save "$(descendant "$pid" wx-sync)" wx-sync-f
	kill "$pid"
	wait "$pid" || true
	snap

	printf 'a file\n' >"$F/in/a.txt"
	step 07-send wx-send filehelper hello
	assert_equal "$RC" 0
	sent=$(sed -n 's/^msgid=//p' "$F/out/07-send.out")
	step 08-send-n wx-send -n filehelper hello
	step 09-send-f wx-send -f "$F/in/a.txt" filehelper
	assert_equal "$RC" 0
	step 10-send-fn wx-send -n -f "$F/in/a.txt" filehelper
	step 11-get-img wx-get -o "$F/got/img" "$img"
	assert_equal "$RC" 0
	step 12-get-file wx-get -o "$F/got/file" "$file"
	assert_equal "$RC" 0
	step 13-forward wx-send -m "$img" filehelper
	step 14-revoke wx-revoke "$sent"
	assert_equal "$RC" 0
	step 15-remark wx-remark "$peer" friend
	step 16-synccheck wx-synccheck

	# failures: each prints its one line, which must hold no secret
	emu_ctl fault 'endpoint=webwxsync&kind=http500' >/dev/null
	step 17-sync-500 wx-sync
	[ "$RC" -ne 0 ]
	emu_ctl fault 'endpoint=synccheck&kind=reset' >/dev/null
	step 18-synccheck-reset wx-synccheck
	emu_ctl fault 'endpoint=webwxsendmsg&kind=malformed&count=3' >/dev/null
	step 19-send-malformed wx-send filehelper again
	[ "$RC" -ne 0 ]
	step 20-send-nobody wx-send 'no such friend' hi
	[ "$RC" -ne 0 ]
	emu_ctl fault 'endpoint=webwxgetcontact&kind=truncate' >/dev/null
	step 21-contacts-truncate wx-contacts -m
	emu_ctl fault 'endpoint=webwxgetmsgimg&kind=http500&count=3' >/dev/null
	step 22-get-500 wx-get -o "$F/got/img2" "$img"
	step 23-get-unknown wx-get -o "$F/got/x" 12345
	step 24-revoke-unknown wx-revoke 12345
	emu_ctl fault 'endpoint=webwxuploadmedia&kind=http500&count=3' >/dev/null
	step 25-send-f-500 wx-send -f "$F/in/a.txt" filehelper
	emu_ctl fault 'endpoint=webwxsync&kind=ret1101' >/dev/null
	step 26-sync-1101 wx-sync
	[ "$RC" -ne 0 ]
	step 27-logout wx-logout
	step 28-sync-after wx-sync
	[ "$RC" -ne 0 ]

	# no temp file left behind, in the session directory or TMPDIR
	run find "$WX_DIR" "$TMPDIR" -name '*.tmp*' -o -path "$TMPDIR/*"
	assert_output ''
	TMPDIR=$T run "$TOP/t/secrets-scan" "$F"
	[ "$status" -eq 0 ] || fail "$output"
	assert_output --regexp '^secrets-scan: [0-9]+ files, [0-9]+ secrets, none found$'
	n=$(sed 's/.* files, \([0-9]*\) secrets.*/\1/' <<<"$output")
	[ "$n" -ge 8 ] || fail "only $n secrets collected: $output"
}

@test "security: secrets-scan finds a planted secret and names the file and the key" {
	local k v
	mkdir "$T/scan"
	cp -a "$WX_DIR" "$T/scan/wx"
	TMPDIR=$T run -0 "$TOP/t/secrets-scan" "$T/scan"
	assert_output --regexp '^secrets-scan: [0-9]+ files, [0-9]+ secrets, none found$'
	for k in skey wxsid pass_ticket; do
		v=$(session_get "$k")
		printf 'x%sy\n' "$v" >"$T/scan/leak"
		TMPDIR=$T run -1 "$TOP/t/secrets-scan" "$T/scan"
		assert_output "not ok - secrets-scan: $T/scan/leak holds $k of $T/scan/wx/session"
	done
	# pass_ticket decoded, the login ticket, a cookie
	session_get pass_ticket | sed 's/%2B/+/g; s/%2F/\//g; s/%3D/=/g' >"$T/scan/leak"
	TMPDIR=$T run -1 "$TOP/t/secrets-scan" "$T/scan"
	assert_output --partial 'holds pass_ticket'
	session_get redirect_uri | sed 's/.*ticket=\([^&]*\).*/\1/' >"$T/scan/leak"
	TMPDIR=$T run -1 "$TOP/t/secrets-scan" "$T/scan"
	assert_output --partial 'holds ticket'
	# but for wx-wait's line, which wx-init reads (design.md §3)
	echo "redirect_uri=$(session_get redirect_uri)" >"$T/scan/leak"
	TMPDIR=$T run -0 "$TOP/t/secrets-scan" "$T/scan"
	awk '$6 == "webwx_data_ticket" { print $7 }' "$WX_DIR/cookies" >"$T/scan/leak"
	TMPDIR=$T run -1 "$TOP/t/secrets-scan" "$T/scan"
	assert_output --partial 'holds cookie webwx_data_ticket'
}

# The planted leak must not outlive its test: t/run scans the whole run.
teardown() {
	rm -f "$BATS_TEST_TMPDIR/scan/leak"
	server_stop "${OWN_PID:-}"
}

# ---- 3. TLS: verified always, no way to turn it off ----

# cert NAME SIGNER SAN: key and certificate $T/tls/NAME.{key,pem} for
# SAN, signed by the CA files SIGNER.{pem,key} (NAME itself: a new CA).
cert() {
	local d=$T/tls
	mkdir -p "$d"
	if [ "$2" = "$d/$1" ]; then
		openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
			-keyout "$d/$1.key" -out "$d/$1.pem" -days 2 \
			-subj "/CN=$1" >/dev/null 2>&1
		return
	fi
	openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
		-keyout "$d/$1.key" -out "$d/$1.req" -subj "/CN=wx.qq.com" \
		>/dev/null 2>&1 &&
	printf 'subjectAltName=%s\n' "$3" >"$d/$1.ext" &&
	openssl x509 -req -in "$d/$1.req" -CA "$2.pem" -CAkey "$2.key" \
		-CAcreateserial -out "$d/$1.pem" -days 2 -extfile "$d/$1.ext" \
		>/dev/null 2>&1
}

# own_server [wx-emu options]: a wx-emu of this test's own (in $T/emu),
# which WX_CONNECT_TO now leads to; CURL_CA_BUNDLE stays the test CA.
own_server() {
	BATS_FILE_TMPDIR=$T _emu_run "$@"
	OWN_PID=$EMU_PID
}

# refused_tls WHAT: wx-uuid and wx-sync (which sends the secrets) are
# 111 with one line naming WHAT; the server logged no request with a
# secret (none got through), and the session is as it was.
refused_tls() {
	local before c
	before=$(snapshot)
	for c in wx-uuid wx-sync; do
		run --separate-stderr timeout 20 "$c" </dev/null
		[ "$status" -eq 111 ] || fail "$c: exit $status: $stderr"
		[ "${#stderr_lines[@]}" -eq 1 ] || fail "$c: $stderr"
		[[ "$stderr" == "$c: "*"$1"* ]] || fail "$c: no '$1': $stderr"
		assert_output ''
	done
	assert_equal "$(snapshot)" "$before"
	! grep -qF -e "$(session_get skey)" -e "$(session_get wxsid)" "$EMU_LOG"
}

@test "security: a certificate from a CA not in CURL_CA_BUNDLE is refused (111)" {
	cert evilca "$T/tls/evilca"
	cert evil "$T/tls/evilca" 'DNS:*.qq.com,DNS:*.wx2.qq.com,DNS:*.wx.qq.com,IP:127.0.0.1'
	own_server -c "$T/tls/evil.pem" -k "$T/tls/evil.key"
	refused_tls 'SSL certificate problem'
}

@test "security: a certificate of the trusted CA for another host name is refused (111)" {
	cert other "$BATS_FILE_TMPDIR/ca/ca" 'DNS:example.org,DNS:*.example.org'
	own_server -c "$T/tls/other.pem" -k "$T/tls/other.key"
	refused_tls 'subject name matches'
}

@test "security: plain HTTP where https is asked for is refused (111)" {
	BATS_FILE_TMPDIR=$T emu_start_plain
	OWN_PID=$EMU_PID
	refused_tls 'SSL'
}

@test "security: nothing in the sources turns TLS verification off" {
	local src=("$TOP"/lib/*.c "$TOP"/lib/*.h "$TOP"/cmd/*.c "$TOP/cmd/wx-login" "$TOP"/share)
	# verification set once, on, in lib/http.c
	run -0 grep -rh 'CURLOPT_SSL_VERIFY\|CURLOPT_PROXY_SSL_VERIFY' "${src[@]}"
	assert_equal "$(printf '%s\n' "$output" | sed 's/^[[:space:]]*//')" \
'bad |= curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
bad |= curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);'
	# no switch: no option, variable or curl flag that would skip it
	run grep -rn -i -E 'insecure|no_?verify|skip_?verify|verify_?(peer|host)?[[:space:]]*=[[:space:]]*0|SSL_VERIFY[A-Z]*, *0|curl[^|]* (-k|--insecure)\b|CURLSSLOPT_(NO_REVOKE|ALLOW_BEAST)|CURLOPT_(SSL_OPTIONS|PINNEDPUBLICKEY|CAPATH)' "${src[@]}"
	assert_output ''
	[ "$status" -eq 1 ]
	# the environment variables wx reads: none is about TLS but the CA file
	run -0 grep -rho 'getenv("[A-Z_]*")' "${src[@]}"
	run grep -v -E '"(WX_DIR|XDG_STATE_HOME|HOME|CURL_CA_BUNDLE|WX_CONNECT_TO|WX_RATE|WX_TRACE|TERM|NO_COLOR|LANG|LC_ALL|LC_CTYPE|TZ|TMPDIR)"' <<<"$output"
	assert_output ''
}

# ---- 4. names and text from the server are only text ----

# Contacts whose names are a path, a command substitution, a format
# string and a terminal title sequence (and a room and an account as
# bad); the UserNames stay plain.
hostile_world() {
	cat <<'EOF_WORLD'
{"UserName":"@h1","NickName":"../../x","Kind":"friend"}
{"UserName":"@h2","NickName":"$(rm -rf ~)","Kind":"friend"}
{"UserName":"@h3","NickName":"%s%n%s","Kind":"friend"}
{"UserName":"@h4","NickName":"\u001b]0;pwned\u0007","Kind":"friend"}
{"UserName":"@h5","NickName":"`touch pwned`;x","RemarkName":"'; touch pwned; '","Kind":"friend"}
{"UserName":"@@hr","NickName":"$(touch pwned)\u001b[2J%n","Kind":"group","ContactFlag":3,"MemberList":[{"UserName":"@me"},{"UserName":"@h1","DisplayName":"\u001b]0;x\u0007../y"},{"UserName":"@s9","NickName":"%n%n"}]}
{"UserName":"@me","NickName":"\u001b]2;me\u0007$(touch pwned)","Uin":2000000001,"Kind":"self"}
EOF_WORLD
}

# No raw ESC or BEL byte in any file of out/.
no_raw_controls() {
	run grep -r -a -b -o $'[\033\007].\{0,20\}' "$F/out"
	assert_output ''
}

@test "security: hostile names and texts from the server are just text: no shell, format, terminal or path" {
	local id name img file u
	F=$T/names
	mkdir -p "$F/out" "$F/got" "$F/home" "$F/a/b/cwd"
	hostile_world >"$T/world"
	own_server -c "$BATS_FILE_TMPDIR/ca/cert.pem" -k "$BATS_FILE_TMPDIR/ca/key.pem" \
		-a -H 1 -W "$T/world"
	export WX_DIR=$F/wx HOME=$F/home WX_RATE=0
	echo canary >"$HOME/canary"
	touch "$T/start"
	cd "$F/a/b/cwd"
	setsid -w wx-login -t 20 >"$F/out/login.out" 2>"$F/out/login.err" </dev/null
	grep -q '^nickname=.*me.*(touch pwned)' "$F/out/login.out"
	wx-contacts >"$F/out/contacts.out" 2>"$F/out/contacts.err"
	[ "$(jq -r 'select(.UserName == "@h4") | .Name' "$F/out/contacts.out")" = $'\e]0;pwned\a' ]
	wx-contacts -m >"$F/out/contacts-m.out" 2>"$F/out/contacts-m.err"

	# each name resolves to its contact, and a message sent by that name
	# goes there; the name is never a path, command or format
	for u in @h1 @h2 @h3 @h4; do
		name=$(jq -r --arg u "$u" 'select(.UserName == $u) | .Name' "$F/out/contacts.out")
		wx-contacts "$name" >"$F/out/lookup$u.out" 2>"$F/out/lookup$u.err"
		[ "$(jq -r .UserName "$F/out/lookup$u.out")" = "$u" ]
		wx-send "$name" "to $name" >"$F/out/send$u.out" 2>"$F/out/send$u.err"
		emu_curl "$EMU_SCHEME://127.0.0.1:$EMU_PORT/_emu/sent" |
			jq -e --arg u "$u" --arg t "to $name" 'select(.To == $u and .Content == $t)' >/dev/null ||
			fail "no send to $u"
	done
	wx-send "'; touch pwned; '" hi >"$F/out/send-h5.out" 2>"$F/out/send-h5.err"

	# messages from them: such texts, and a file named ../../etc/x
	for u in @h1 @h2 @h3 @h4 @@hr; do
		emu_ctl message '' --data-binary "$(jq -cn --arg u "$u" \
			'{From: $u, Content: "\u001b]0;pwned\u0007 $(touch pwned) %s%n%s ../../x `touch pwned`"}')" >/dev/null
	done
	file=$(emu_ctl message '' --data-binary '{"From":"@h1","TypeName":"file","FileName":"../../etc/x","Media":"aGk="}')
	img=$(emu_ctl message '' --data-binary '{"From":"@h4","TypeName":"image"}')
	wx-sync >"$F/out/sync.out" 2>"$F/out/sync.err"
	grep -qF '$(touch pwned) %s%n%s ../../x' "$F/out/sync.out"
	grep -qF '"FileName":"../../etc/x"' "$F/out/sync.out"

	# media: to stdout or to -o only, never a name from the server
	wx-get "$file" >"$F/out/get.out" 2>"$F/out/get.err"
	[ "$(cat "$F/out/get.out")" = hi ]
	wx-get -o "$F/got/f" "$file" >"$F/out/get-o.out" 2>"$F/out/get-o.err"
	[ "$(cat "$F/got/f")" = hi ]
	wx-send -m "$file" @h2 >"$F/out/fwd.out" 2>"$F/out/fwd.err"
	wx-send -m "$img" "%s%n%s" >"$F/out/fwd-img.out" 2>"$F/out/fwd-img.err"
	wx-remark @h3 "%n%n" >"$F/out/remark.out" 2>"$F/out/remark.err"
	wx-contacts >"$F/out/contacts2.out" 2>"$F/out/contacts2.err"

	no_raw_controls
	# every stderr empty but wx-login's (its QR code): all went well
	run find "$F/out" -name '*.err' ! -name login.err -size +0
	assert_output ''
	# nothing was run, nothing written outside the places named
	[ -f "$HOME/canary" ]
	run find "$T" "$HOME" /tmp -maxdepth 4 -name pwned -newer "$T/start"
	assert_output ''
	[ ! -e "$F/a/x" ] && [ ! -e "$F/a/etc" ] && [ ! -e /etc/x ]
	run find "$F/a" "$HOME" -newer "$T/start" ! -type d
	assert_output ''
	run find "$F" -newer "$T/start" ! -type d ! -path "$F/out/*" ! -path "$F/wx/*" ! -path "$F/got/f"
	assert_output ''
}

@test "security: the sh scripts (wx-login, ci-alert, the examples) never eval, source or sh -c anything" {
	# comments aside
	run grep -n -E '^[^#]*(^|[;&|[:space:]])(eval|\.|source|sh -c|bash -c)[[:space:]]' \
		"$TOP/cmd/wx-login" "$TOP/share/ci-alert" "$TOP"/share/examples/*
	assert_output ''
}
