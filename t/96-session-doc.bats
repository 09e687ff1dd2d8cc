#!/usr/bin/env bats
# wx-session(5) and wx(7) held to the code: the files and keys a real
# session directory gets (a web session used by every command that
# writes one, a file-helper session that sends and syncs, both made under
# umask 022) against the page's file list, FILES, modes and Keys; the
# page's keys against the ones lib/ and cmd/ store; wx(7)'s ENVIRONMENT
# against every getenv of lib/ and cmd/ (wx-emu's own in wx-emu(1)); its
# Commands and SEE ALSO against bin/; both EXIT STATUS tables against
# WX_EXIT_* of lib/wx.h.  Each check fails when the page drops what the
# code has, or names what it does not.
load helper
load send

S5=$BATS_TEST_DIRNAME/../man/wx-session.5
W7=$BATS_TEST_DIRNAME/../man/wx.7

# A second emulator, in file-helper mode, beside helper.bash's web one.
fh_emu_start() {
	local d=$BATS_FILE_TMPDIR/fhemu ca=$BATS_FILE_TMPDIR/ca
	mkdir -p "$d"
	wx-emu -F -a -H 1 -p 0 -P "$d/port" -c "$ca/cert.pem" -k "$ca/key.pem" \
		2>"$d/stderr" 3>&- &
	FH_PID=$!
	FH_PORT=$(server_port "$d/port" "$d/stderr") || return 1
	export FH_PID FH_PORT
}

# The web session: every command that writes into DIR, once.
web_flow() {
	export WX_DIR=$BATS_FILE_TMPDIR/web WX_RATE=0
	local peer img
	logged_in || return 1
	wx-contacts -m >/dev/null || return 1
	peer=$(first_of person)
	inject "{\"From\":\"$peer\",\"Content\":\"hi\"}" >/dev/null || return 1
	wx-sync </dev/null >/dev/null || return 1
	wx-send "$peer" 'a text' >/dev/null || return 1
	img=$(inject '{"TypeName":"image"}') || return 1
	wx-sync </dev/null >/dev/null || return 1
	wx-get -o "$BATS_FILE_TMPDIR/img" "$img" || return 1
	wx-remark "$peer" 'a remark' >/dev/null || return 1
	wx-synccheck </dev/null >/dev/null
}

# The file-helper session: sent.lock is made in this mode only.
fh_flow() {
	export WX_DIR=$BATS_FILE_TMPDIR/fh WX_RATE=0
	export WX_CONNECT_TO="::127.0.0.1:$FH_PORT"
	wx-uuid -F </dev/null >/dev/null || return 1
	wx-wait -t 20 </dev/null >/dev/null 2>&1 || return 1
	wx-init </dev/null >/dev/null || return 1
	wx-send filehelper 'a note' >/dev/null || return 1
	wx-sync </dev/null >/dev/null
}

# The files lib/state.c keeps private: the ones written through a temp.
private_files() {
	awk '/private_files\[\] = \{/,/\};/' "$BATS_TEST_DIRNAME/../lib/state.c" |
		grep -oE '"[a-z.]+"' | tr -d '"'
}

# DIR $1 made as wx makes it, with the temp file of a dead writer of
# each private file in it: the flow's writers must remove them all.
stale_temps() {
	local f
	mkdir -m 700 "$1" || return 1
	for f in $(private_files); do
		: >"$1/$f.tmp.99999999"
		chmod 600 "$1/$f.tmp.99999999"
	done
}

setup_file() {
	emu_start -a -H 1 -n 5 || return 1
	fh_emu_start || return 1
	# The modes checked below must be wx's own doing, not the test's.
	umask 022
	stale_temps "$BATS_FILE_TMPDIR/web" || return 1
	( web_flow ) || return 1
	( fh_flow ) || return 1
}

teardown_file() {
	emu_stop
	server_stop "${FH_PID:-}"
}

# The lines of section $2 (".Sh NAME" or ".Ss NAME") of page $1, up to
# the next section heading of any level.
section() {
	awk -v h="$2" '$0 == h { on = 1; next } on && /^\.S[hs] / { exit } on' "$1"
}

# The files wx-session(5)'s DESCRIPTION lists (".It Pa NAME").
page_files() {
	section "$S5" ".Sh DESCRIPTION" | sed -n 's/^\.It Pa \([^ ]*\).*/\1/p'
}

# The files of its FILES section, without the directory.
files_section() {
	section "$S5" ".Sh FILES" | sed -n 's|^\.It Pa ~/\.local/state/wx/\(..*\)|\1|p'
}

# The text of the DESCRIPTION entry of file $1.
entry() {
	section "$S5" ".Sh DESCRIPTION" |
		awk -v f=".It Pa $1" '$0 == f { on = 1; next }
			on && /^\.(It|El)/ { exit } on'
}

# The keys of its Keys section (".It Va a , b").
page_keys() {
	section "$S5" ".Ss Keys" | sed -n 's/^\.It Va //p' | tr -d ',' | tr ' ' '\n' |
		grep -v '^$'
}

# The session keys lib/ and cmd/ read, store or delete by name: the
# literals of those calls and of wx-init's and wx-logout's lists
# (DIR/rate's keys, lib/rate.c, are not the session's).
code_keys() {
	local top=$BATS_TEST_DIRNAME/..
	{
		grep -hE 'wx_state_(get|set|setn)\(|wx_session_need\(|wx_input\(|set_key\(|side_host\(' \
			$(ls "$top"/lib/*.c "$top"/cmd/*.c | grep -v '/lib/rate\.c$')
		awk '/(forget|stale)\[\] = \{/,/\};/' "$top"/lib/*.c "$top"/cmd/*.c
	} | grep -oE '"[a-z_][a-z0-9_]*"' | tr -d '"' | sort -u
}

# Names of the environment a list of C files reads with getenv.
getenvs() {
	grep -ohE 'getenv\("[A-Za-z_][A-Za-z0-9_]*"\)' "$@" | sed 's/getenv("\(.*\)")/\1/' |
		sort -u
}

# The variables an ENVIRONMENT section of page $1 lists (".It Ev A , Ev B").
page_env() {
	section "$1" ".Sh ENVIRONMENT" | grep '^\.It Ev ' | sed 's/^\.It //' |
		grep -oE 'Ev [A-Za-z_][A-Za-z0-9_]*' | sed 's/^Ev //' | sort -u
}

# The numbers an EXIT STATUS section of page $1 lists (".It N").
page_exits() {
	section "$1" ".Sh EXIT STATUS" | sed -n 's/^\.It \([0-9][0-9]*\)$/\1/p' | sort -n
}

@test "wx-session(5) names every file of a real session directory, in its list and in FILES" {
	local d f
	for d in web fh; do
		for f in $(ls -A "$BATS_FILE_TMPDIR/$d"); do
			page_files | grep -qxF "$f" ||
				fail "$d/$f is not in wx-session(5)'s list of files"
			files_section | grep -qxF "$f" ||
				fail "$d/$f is not in wx-session(5)'s FILES"
		done
	done
	# what only one mode makes was made
	[ -e "$BATS_FILE_TMPDIR/fh/sent.lock" ]
	[ ! -e "$BATS_FILE_TMPDIR/web/sent.lock" ]
	[ -e "$BATS_FILE_TMPDIR/web/sync.lock" ]
	[ -e "$BATS_FILE_TMPDIR/web/rate.lock" ]
}

@test "wx-session(5) lists no file the code does not make, and each in FILES" {
	local f all
	all=$(ls -A "$BATS_FILE_TMPDIR/web" "$BATS_FILE_TMPDIR/fh")
	for f in $(page_files); do
		[ "$f" = NAME.tmp.PID ] && continue
		grep -qxF "$f" <<<"$all" || fail "wx-session(5) lists $f; no run made it"
		files_section | grep -qxF "$f" || fail "$f is not in FILES"
	done
}

@test "wx-session(5)'s modes: the directory 0700, each file the page says is 0600 is, under umask 022; the checked ones as lib/state.c has them" {
	local d f n=0
	for d in web fh; do
		[ "$(stat -c %a "$BATS_FILE_TMPDIR/$d")" = 700 ]
		for f in $(page_files); do
			[ -e "$BATS_FILE_TMPDIR/$d/$f" ] || continue
			entry "$f" | grep -q 'mode 0600' || continue
			n=$((n + 1))
			[ "$(stat -c %a "$BATS_FILE_TMPDIR/$d/$f")" = 600 ] ||
				fail "$d/$f is $(stat -c %a "$BATS_FILE_TMPDIR/$d/$f"), not 0600"
		done
		# and the files the page gives no mode: none is open to others
		for f in $(ls -A "$BATS_FILE_TMPDIR/$d"); do
			[ $(( 0$(stat -c %a "$BATS_FILE_TMPDIR/$d/$f") & 077 )) = 0 ] ||
				fail "$d/$f lets group or others in"
		done
	done
	[ "$n" -gt 0 ]
	section "$S5" ".Sh DESCRIPTION" | grep -q 'the directory itself with mode 0700'
	# the files lib/state.c refuses when open to others: each said 0600
	# in its entry, and named in Permissions
	n=0
	for f in $(private_files); do
		n=$((n + 1))
		entry "$f" | grep -q 'mode 0600' || fail "wx-session(5) gives $f no mode 0600"
		section "$S5" ".Ss Permissions" | grep -qE "^\.Pa $f( ,)?$" ||
			fail "$f is not in wx-session(5)'s Permissions"
	done
	[ "$n" -ge 6 ]
}

@test "wx-session(5)'s Writing: the temp file of a dead writer of each private file removed, each in the page's list" {
	local f list
	list=$(section "$S5" ".Ss Writing" | awk '/^\.Po$/ { on = 1; next } on && /^\.Pc$/ { exit }
		on' | grep -oE '[a-z]+\.tmp\.\*' | sort)
	[ "$list" = "$(private_files | sed 's/$/.tmp.*/' | sort)" ]
	for f in $(private_files); do
		[ ! -e "$BATS_FILE_TMPDIR/web/$f.tmp.99999999" ] || fail "web/$f.tmp.99999999 left"
	done
}

@test "wx-session(5)'s Keys: every key of a real session there, and only keys the code knows" {
	local d k keys code
	keys=$(page_keys)
	code=$(code_keys)
	[ "$(wc -l <<<"$keys")" -ge 16 ]
	for d in web fh; do
		for k in $(sed -n 's/^\([a-z_][a-z0-9_]*\)=.*/\1/p' "$BATS_FILE_TMPDIR/$d/session"); do
			grep -qxF "$k" <<<"$keys" || fail "$d/session has $k=, not in wx-session(5)"
		done
	done
	for k in $keys; do
		grep -qxF "$k" <<<"$code" || fail "wx-session(5) lists $k, which no code uses"
	done
	for k in $code; do
		grep -qxF "$k" <<<"$keys" || fail "the code uses the key $k, not in wx-session(5)"
	done
	# DIR/rate's own keys, in the entry of rate
	for k in $(sed -n 's/^\([a-z_][a-z0-9_]*\)=.*/\1/p' "$BATS_FILE_TMPDIR/web/rate"); do
		entry rate | grep -qE "^\.Va $k( ,)?$" || fail "rate's key $k is not in its entry"
	done
}

@test "wx-session(5): the keys wx-logout forgets are those cmd/wx-logout.c does" {
	local page code
	page=$(section "$S5" ".Ss Keys" | awk '/^\.Xr wx-logout 1$/ { on = 1; next }
		on && /^\.Pa cookies$/ { exit } on' | grep '^\.Va' | sed 's/^\.Va //' |
		tr -d ',' | tr ' ' '\n' | grep -vE '^(and)?$' | sort)
	code=$(awk '/forget\[\] = \{/,/\};/' "$BATS_TEST_DIRNAME/../cmd/wx-logout.c" |
		grep -oE '"[a-z_]+"' | tr -d '"' | sort)
	[ -n "$code" ]
	[ "$page" = "$code" ]
}

@test "wx(7) ENVIRONMENT: every getenv of lib/ and cmd/, and no other but libcurl's; wx-emu's in wx-emu(1)" {
	local top=$BATS_TEST_DIRNAME/.. v env code
	env=$(page_env "$W7")
	code=$(getenvs "$top"/lib/*.c "$top"/cmd/*.c)
	[ -n "$code" ]
	for v in $code; do
		grep -qxF "$v" <<<"$env" || fail "$v is read by the code, not in wx(7) ENVIRONMENT"
	done
	# wx-login reads the same ones by hand
	for v in $(grep -oE '\$\{[A-Z_]+:-' "$top/cmd/wx-login" | tr -d '${:-' | sort -u); do
		grep -qxF "$v" <<<"$env" || fail "wx-login reads $v, not in wx(7) ENVIRONMENT"
	done
	for v in $env; do
		case $v in *_proxy) continue ;; esac
		grep -qxF "$v" <<<"$code" || fail "wx(7) lists $v, which no command reads"
	done
	env=$(page_env "$top/man/wx-emu.1")
	for v in $(getenvs "$top"/cmd/wx-emu/*.c); do
		grep -qxF "$v" <<<"$env" || fail "wx-emu reads $v, not in wx-emu(1) ENVIRONMENT"
		section "$W7" ".Sh ENVIRONMENT" | grep -q "^\.Ev $v" ||
			fail "wx(7) does not point to wx-emu(1) for $v"
	done
}

@test "wx(7) lists every command of bin/ with its step, and in SEE ALSO; share/ci-alert too" {
	local top=$BATS_TEST_DIRNAME/.. c n=0
	for c in $(ls "$top/bin"); do
		n=$((n + 1))
		[ -f "$top/man/$c.1" ] || fail "$c has no page"
		section "$W7" ".Ss Commands" | grep -qxF ".It Xr $c 1" ||
			fail "$c is not in wx(7)'s Commands"
		section "$W7" ".Sh SEE ALSO" | grep -qE "^\.Xr $c 1( ,)?$" ||
			fail "$c is not in wx(7)'s SEE ALSO"
	done
	[ "$n" -ge 16 ]
	section "$W7" ".Ss Commands" | grep -qxF ".It Pa share/ci-alert"
	# and nothing listed that is not built
	for c in $(section "$W7" ".Ss Commands" | sed -n 's/^\.It Xr \([^ ]*\) 1$/\1/p'); do
		[ -e "$top/bin/$c" ] || fail "wx(7) lists $c, not in bin/"
	done
}

@test "wx(7) and wx-session(5) EXIT STATUS: the codes of lib/wx.h, no other" {
	local code
	code=$(sed -n 's/^[[:space:]]*WX_EXIT_[A-Z]* = \([0-9][0-9]*\),.*/\1/p' \
		"$BATS_TEST_DIRNAME/../lib/wx.h" | sort -n)
	[ "$(echo $code)" = "0 1 99 100 111" ]
	[ "$(page_exits "$W7")" = "$code" ]
	[ "$(page_exits "$S5")" = "$code" ]
}

teardown() { hostile_stop; }

@test "wx-session(5)'s skey: the SKey webwxinit gives replaces the ticket's" {
	local h=$BATS_TEST_TMPDIR/answers
	local uri='https://wx.qq.com/cgi-bin/mmwebwx-bin/webwxnewloginpage?ticket=T1&uuid=abcdefghijkl&lang=zh_CN&scan=1'
	mkdir -m 700 "$WX_DIR"
	# a ticket spent by a run whose webwxinit failed: the retry skips
	# the exchange and goes to webwxinit with these
	printf '%s\n' mode=web "redirect_uri=$uri" "login_uri=$uri" \
		skey=@crypt_0ld wxsid=sid1 wxuin=123456 pass_ticket=pt1 >"$WX_DIR/session"
	chmod 600 "$WX_DIR/session"
	mkdir -p "$h"
	printf '%s' '{"BaseResponse":{"Ret":0,"ErrMsg":""},"SKey":"@crypt_n3w","SyncKey":{"Count":1,"List":[{"Key":1,"Val":7}]},"User":{"UserName":"@aa","NickName":"me"},"ContactList":[],"ChatSet":""}' \
		>"$h/webwxinit.body"
	printf '%s' '{"BaseResponse":{"Ret":0,"ErrMsg":""},"MsgID":"1"}' >"$h/webwxstatusnotify.body"
	hostile_start "$h"
	run -0 wx-init </dev/null
	grep -q 'webwxstatusnotify' "$HOSTILE_LOG"
	[ "$(sed -n 's/^skey=//p' "$WX_DIR/session")" = @crypt_n3w ]
	section "$S5" ".Ss Keys" | grep -q '^webwxinit hands out'
}
