#!/usr/bin/env bats
# make install DESTDIR=… PREFIX=…: the files it puts and where, the
# installed wx-login and wx-send working against wx-emu on their own
# (PATH holds only the installed bin/ and the system's), and make
# uninstall leaving no file behind.  It installs the tree as built:
# build/flags is taken as up to date, so a tree built with SANITIZE=1
# or STATIC=1 is installed as it is, never rebuilt.
load helper
load login

setup_file() { emu_start -H 1 -a; }
teardown_file() { emu_stop; }

# mk TARGET [VAR=VALUE...]: make in the tree, not the one that may run
# this test (its MAKEFLAGS would name its jobserver and variables).
mk() {
	env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL \
		make --no-print-directory -C "$TOP" -o build/flags "$@" >/dev/null
}

# The files and links under $1, relative, sorted.
files() {
	(cd "$1" && find . \( -type f -o -type l \) | sed 's|^\./||' | LC_ALL=C sort)
}

# What make install must put under PREFIX /usr, from the tree.
expected() {
	local f
	for f in "$TOP"/bin/wx-*; do
		echo "usr/bin/${f##*/}"
		echo "usr/share/bash-completion/completions/${f##*/}"
	done
	for f in "$TOP"/man/*.[1-9]; do
		echo "usr/share/man/man${f##*.}/${f##*/}"
	done
	echo usr/share/bash-completion/completions/wx
	echo usr/share/zsh/site-functions/_wx
	for f in "$TOP"/share/systemd/*; do
		echo "usr/lib/systemd/user/${f##*/}"
	done
	echo usr/share/doc/wx/examples/ci-alert
	[ ! -d "$TOP/share/examples" ] ||
		(cd "$TOP/share/examples" && find . -type f | sed 's|^\./|usr/share/doc/wx/examples/|')
}

@test "make install: the files, their modes, the units' paths; make uninstall takes them all" {
	local d=$BATS_TEST_TMPDIR/dest
	mk install DESTDIR="$d" PREFIX=/usr
	[ "$(files "$d")" = "$(expected | LC_ALL=C sort)" ] ||
		fail "$(diff <(files "$d") <(expected | LC_ALL=C sort))"
	[ "$(stat -c %a "$d/usr/bin/wx-login")" = 755 ]
	[ "$(stat -c %a "$d/usr/share/doc/wx/examples/ci-alert")" = 755 ]
	[ "$(stat -c %a "$d/usr/share/man/man7/wx.7")" = 644 ]
	[ "$(stat -c %a "$d/usr/lib/systemd/user/wx-sync@.service")" = 644 ]
	cmp "$TOP/bin/wx-send" "$d/usr/bin/wx-send"
	# each command's completion file is the one file
	[ "$(readlink "$d/usr/share/bash-completion/completions/wx-send")" = wx ]
	cmp "$TOP/share/completion/wx.bash" "$d/usr/share/bash-completion/completions/wx-send"
	# the units run the installed commands
	run -0 grep -h '^ExecStart=' "$d"/usr/lib/systemd/user/*.service
	assert_output --partial ' exec /usr/bin/wx-sync -f '
	assert_line ExecStart=/usr/bin/wx-synccheck
	refute_output --partial @BINDIR@
	mk uninstall DESTDIR="$d" PREFIX=/usr
	[ -z "$(files "$d")" ] || fail "left: $(files "$d")"
	[ ! -e "$d/usr/share/doc/wx" ]
}

@test "make install PREFIX=/opt/wx BINDIR=…: the units follow BINDIR" {
	local d=$BATS_TEST_TMPDIR/dest
	mk install DESTDIR="$d" PREFIX=/opt/wx BINDIR=/opt/wx/libexec
	[ -x "$d/opt/wx/libexec/wx-send" ]
	[ -f "$d/opt/wx/lib/systemd/user/wx-alert@.service" ]
	[ -f "$d/opt/wx/share/zsh/site-functions/_wx" ]
	run -0 grep -h '^ExecStart=' "$d/opt/wx/lib/systemd/user/wx-health@.service"
	assert_output ExecStart=/opt/wx/libexec/wx-synccheck
	mk uninstall DESTDIR="$d" PREFIX=/opt/wx BINDIR=/opt/wx/libexec
	[ -z "$(files "$d")" ]
}

@test "installed: wx-login logs in and wx-send sends, with only the installed commands" {
	local d=$BATS_TEST_TMPDIR/dest
	mk install DESTDIR="$d" PREFIX=/usr
	export PATH=$d/usr/bin:/usr/bin:/bin
	[ "$(command -v wx-uuid)" = "$d/usr/bin/wx-uuid" ]
	[ "$(command -v wx-emu || :)" = "$d/usr/bin/wx-emu" ]
	run -0 --separate-stderr setsid -w wx-login -t 20
	assert_line --index 0 -e '^username=@'
	run -0 wx-send filehelper 'from the installed wx-send'
	local id
	id=$(sed -n 's/^msgid=//p' <<<"$output")
	[ -n "$id" ]
	run -0 emu_curl "$EMU_SCHEME://127.0.0.1:$EMU_PORT/_emu/sent"
	[ "$(jq -r --arg i "$id" 'select(.MsgID == $i) | "\(.To) \(.Content)"' <<<"$output")" = \
		"filehelper from the installed wx-send" ]
	mk uninstall DESTDIR="$d" PREFIX=/usr
	[ -z "$(files "$d")" ]
}

@test "installed: bash-completion's loader finds each command's completion" {
	local d=$BATS_TEST_TMPDIR/dest c
	mk install DESTDIR="$d" PREFIX=/usr
	for c in "$TOP"/bin/wx-*; do
		c=${c##*/}
		# bash-completion looks in XDG_DATA_DIRS, and sources the file
		# inside a function
		run -0 bash -c 'source /usr/share/bash-completion/bash_completion &&
			XDG_DATA_DIRS=$1/usr/share __load_completion "$2" &&
			complete -p "$2" && COMP_WORDS=("$2" -h) COMP_CWORD=1 && _wx &&
			echo "${COMPREPLY[@]}"' bash "$d" "$c"
		assert_line --index 0 "complete -F _wx $c"
		assert_line --index 1 -h
	done
	run -0 zsh -n "$d/usr/share/zsh/site-functions/_wx"
}
