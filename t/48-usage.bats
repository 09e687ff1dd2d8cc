#!/usr/bin/env bats
# Every command: -h is a request (usage on stdout, exit 0), a bad option
# an error (usage on stderr, exit 100), as design.md §3 and wx(7) say;
# -V prints the version the Makefile defines.  The usage is the SYNOPSIS
# of the command's page, form for form, and names every option the
# command's getopt string accepts.

load helper

export PATH="$TOP/share:$PATH"
COMMANDS="wx-uuid wx-qr wx-wait wx-init wx-contacts wx-synccheck wx-sync wx-get wx-send wx-revoke wx-remark wx-accept wx-group wx-logout wx-login wx-emu ci-alert"

# forms CMD: the forms CMD -h prints, one a line, spaces collapsed.
forms() {
	"$1" -h | sed 's/^usage://' | tr -s ' ' | sed 's/^ //'
}

# synopsis CMD: the forms of its man page's SYNOPSIS the same way;
# ci-alert has no page: its forms are in its opening comment.
synopsis() {
	if [ "$1" = ci-alert ]; then
		sed -n 's/^#   \(ci-alert .*\)/\1/p' "$TOP/share/ci-alert"
		return
	fi
	mandoc -Tascii -O width=1000 "$TOP/man/$1.1" | sed 's/.\x08//g' |
		sed -n '/^SYNOPSIS/,/^DESCRIPTION/s/^ \{1,\}//p' | tr -s ' '
}

# optstring CMD: the option letters its getopt (C) or getopts (sh) call
# takes, from its source.
optstring() {
	local f

	for f in "$TOP/cmd/$1.c" "$TOP/cmd/$1/main.c" "$TOP/cmd/$1" \
	    "$TOP/share/$1"; do
		[ -f "$f" ] && break
	done
	sed -n -e 's/.*getopt(argc, argv, "\([^"]*\)").*/\1/p' \
		-e 's/.*getopts \([^ ]*\) .*/\1/p' "$f" | tr -d '+:'
}

@test "usage: -h prints the usage on stdout and exits 0" {
	local c
	for c in $COMMANDS; do
		run --separate-stderr "$c" -h
		[ "$status" -eq 0 ] || fail "$c -h: $status"
		[[ "$output" == "usage: $c "* ]] || fail "$c -h: '$output'"
		[ "${lines[-1]}" = "       $c -h | -V" ] || fail "$c -h: '$output'"
		[ -z "$stderr" ] || fail "$c -h: stderr '$stderr'"
	done
}

@test "usage: a bad option prints the usage on stderr and exits 100" {
	local c
	for c in $COMMANDS; do
		run --separate-stderr "$c" -Z
		[ "$status" -eq 100 ] || fail "$c -Z: $status"
		[ -z "$output" ] || fail "$c -Z: stdout '$output'"
		[[ "$stderr" == *"usage: $c "* ]] || fail "$c -Z: '$stderr'"
	done
}

@test "usage: an extra operand is a usage error" {
	local c
	for c in wx-uuid wx-wait wx-init wx-logout wx-login wx-emu; do
		run --separate-stderr "$c" extra
		[ "$status" -eq 100 ] || fail "$c extra: $status"
		[[ "$stderr" == *"usage: $c "* ]] || fail "$c extra: '$stderr'"
	done
	run --separate-stderr wx-qr a b
	[ "$status" -eq 100 ]
}

@test "usage: -V prints the name and the Makefile's VERSION, exit 0" {
	local c v
	v=$(sed -n 's/^VERSION = //p' "$TOP/Makefile")
	[ -n "$v" ]
	for c in $COMMANDS; do
		run --separate-stderr "$c" -V
		[ "$status" -eq 0 ] || fail "$c -V: $status"
		[ "$output" = "$c $v" ] || fail "$c -V: '$output'"
		[ -z "$stderr" ] || fail "$c -V: stderr '$stderr'"
	done
}

@test "usage: -h and -V that cannot be written exit 111" {
	local c o
	[ -w /dev/full ] || skip "no /dev/full"
	for c in $COMMANDS; do
		for o in -h -V; do
			run --separate-stderr sh -c '"$1" "$2" >/dev/full' sh "$c" "$o"
			[ "$status" -eq 111 ] || fail "$c $o >/dev/full: $status"
		done
	done
}

# These two look at every command before they fail, to name them all.
@test "usage: -h prints the forms of the SYNOPSIS, word for word" {
	local c bad=
	for c in $COMMANDS; do
		diff <(synopsis "$c") <(forms "$c") || bad="$bad $c"
	done
	[ -z "$bad" ] || fail "-h (>) differs from the SYNOPSIS (<):$bad"
}

@test "usage: every option letter of getopt is in -h and in the page's list" {
	local c l opts words i bad=
	for c in $COMMANDS; do
		opts=$(optstring "$c")
		[ -n "$opts" ] || bad="$bad $c:no-getopt-string"
		words=" $("$c" -h | tr '[]|\n' '    ') "
		for ((i = 0; i < ${#opts}; i++)); do
			l=${opts:i:1}
			[[ "$words" == *" -$l "* ]] || bad="$bad $c:-$l:usage"
			[ "$c" = ci-alert ] ||
				grep -q "^\.It.* Fl $l\( \|$\)" "$TOP/man/$c.1" ||
				bad="$bad $c:-$l:man/$c.1"
		done
	done
	[ -z "$bad" ] || fail "options missing (command:option:where):$bad"
}

@test "man: every page is mandoc -Tlint clean, warnings included" {
	run -0 mandoc -Tlint -Wwarning "$TOP"/man/*.[1-9]
	[ -z "$output" ]
}
