#!/usr/bin/env bats
# share/completion: the bash and zsh completion of the wx commands.  The
# options each file offers are held against each command's -h line, the
# contact names come from a cache a real wx-contacts run wrote.
load helper
load login
load sync

BASH_FILE=$TOP/share/completion/wx.bash
ZSH_FILE=$TOP/share/completion/_wx

setup_file() {
	cat >"$BATS_FILE_TMPDIR/world" <<'EOF_WORLD'
{"UserName":"@a1","NickName":"Sam","RemarkName":"Robin","Kind":"friend"}
{"UserName":"@a2","NickName":"Sam Lee","Kind":"friend"}
{"UserName":"@a3","NickName":"Li &amp; Lei","Kind":"friend"}
{"UserName":"@a4","NickName":"it's","Kind":"friend"}
{"UserName":"@a5","NickName":"李雷","RemarkName":"小李 2","Kind":"friend"}
{"UserName":"@@g1","NickName":"Room two","Kind":"group","ContactFlag":3,"MemberList":[{"UserName":"@self"},{"UserName":"@a1"}]}
{"UserName":"@self","NickName":"Self","Uin":2000000002,"Kind":"self"}
EOF_WORLD
	emu_start -a -H 1 -W "$BATS_FILE_TMPDIR/world"
	# One cache for every test, made as a user makes it.
	export WX_DIR=$BATS_FILE_TMPDIR/wx
	logged_in
	wx-contacts >/dev/null
}
teardown_file() { emu_stop; }

setup() {
	export WX_DIR=$BATS_FILE_TMPDIR/wx
}

# The option letters a command's -h line names, as a getopt(3) string
# (a letter followed by ':' takes an argument), sorted by letter.
usage_opts() {
	"$1" -h | grep -v -x " *$1 -h | -V" | sed 's/^usage: //; s/^ *[^ ]*//' | grep -o -- '-[A-Za-z]\( [^][|. -][^] |]*\)\?' |
		sed 's/^-\(.\) .*/\1:/; s/^-//' | sort -u | tr -d '\n'
}

# A getopt(3) string, '+' dropped, sorted by letter the way usage_opts is.
sorted_opts() {
	sed 's/^+//; s/\([A-Za-z]:\?\)/\1\n/g' <<<"$1" | sed '/^$/d' | sort -u | tr -d '\n'
}

# comp WORD...: COMPREPLY for the command line WORD... with the cursor
# in the last word, one entry a line.  comp_loaded: the same with the
# file already sourced.
comp() {
	source "$BASH_FILE"
	comp_loaded "$@"
}

comp_loaded() {
	COMP_WORDS=("$@")
	COMP_CWORD=$(($# - 1))
	COMPREPLY=()
	_wx
	printf '%s\n' "${COMPREPLY[@]}" | sort
}

@test "bash: every command in bin/ is completed, and nothing else" {
	source "$BASH_FILE"
	local c
	for c in "$TOP"/bin/wx-*; do
		run -0 complete -p "${c##*/}"
		assert_output "complete -F _wx ${c##*/}"
	done
	[ "$(printf '%s\n' "${!_wx_opts[@]}" | sort)" = "$(cd "$TOP/bin" && ls wx-*)" ]
}

@test "bash: sourced inside a function (as bash-completion's loader does), it still works" {
	load_in_function() { source "$BASH_FILE"; }
	load_in_function
	run -0 comp_loaded wx-send -
	assert_output "$(printf '%s\n' -d -f -h -l -m -n -V | sort)"
}

@test "bash: each command's options are those of its -h line" {
	source "$BASH_FILE"
	local c
	for c in "${!_wx_opts[@]}"; do
		[ "$(sorted_opts "${_wx_opts[$c]}")" = "$(usage_opts "$c")" ] ||
			fail "$c: completion '${_wx_opts[$c]}', -h '$(usage_opts "$c")'"
	done
	# the parser of the -h line itself
	[ "$(usage_opts wx-send)" = d:f:lm:n ]
	[ "$(usage_opts wx-login)" = DFd:t: ]
	[ "$(usage_opts wx-group)" = c:d: ]
}

@test "bash: options, their values, and no option after the operand where getopt stops" {
	run -0 comp wx-send -
	assert_output "$(printf '%s\n' -d -f -h -l -m -n -V | sort)"
	run -0 comp wx-sync -f -c 3 -
	assert_output "$(printf '%s\n' -c -d -f -h -n -r -t -V | sort)"
	run -0 comp wx-contacts -t g
	assert_output group
	run -0 comp wx-qr -t a
	assert_output "$(printf '%s\n' ansi ascii)"
	mkdir -p "$BATS_TEST_TMPDIR/dirs/one" "$BATS_TEST_TMPDIR/dirs/two"
	: >"$BATS_TEST_TMPDIR/dirs/file"
	run -0 comp wx-init -d "$BATS_TEST_TMPDIR/dirs/"
	assert_output "$(printf '%s\n' "$BATS_TEST_TMPDIR/dirs/one" "$BATS_TEST_TMPDIR/dirs/two")"
	run -0 comp wx-send -f "$BATS_TEST_TMPDIR/dirs/f"
	assert_output "$BATS_TEST_TMPDIR/dirs/file"
	# wx-send stops at TO: a -n after it is text
	run -0 comp wx-send @a1 -
	assert_output ''
	# wx-contacts does not stop (glibc getopt permutes)
	run -0 comp wx-contacts Robin -m
	assert_output -- -m
	run -0 comp wx-sync -c ''
	assert_output ''
}

@test "bash: contact names from the cache, quoted for the line" {
	[ "$(head -n 1 "$WX_DIR/contacts" | jq -r .Cache)" = wx-contacts ]
	run -0 comp wx-send ''
	assert_output "$(printf '%s\n' 'Li\ \&\ Lei' Robin 'Room\ two' 'Sam\ Lee' Self "it\\'s" "\$'\\345\\260\\217\\346\\235\\216 2'" | sort)"
	# in a UTF-8 locale, as typed
	LC_ALL=C.UTF-8 run -0 comp wx-send 小
	assert_output '小李\ 2'
	run -0 comp wx-send S
	assert_output "$(printf '%s\n' 'Sam\ Lee' Self)"
	# a remark hides the nickname: Sam is Robin
	run -0 comp wx-send Sam
	assert_output 'Sam\ Lee'
	run -0 comp wx-send 'Sam\ '
	assert_output 'Sam\ Lee'
	# after an opening quote, as they are: readline closes the quote
	run -0 comp wx-send "'Room"
	assert_output 'Room two'
	run -0 comp wx-send '"Li &'
	assert_output 'Li & Lei'
	run -0 comp wx-remark -p R
	assert_output "$(printf '%s\n' Robin 'Room\ two')"
	run -0 comp wx-contacts -m Li
	assert_output 'Li\ \&\ Lei'
	run -0 comp wx-get -o x -a R
	assert_output "$(printf '%s\n' Robin 'Room\ two')"
	# the TEXT after TO is not a name
	run -0 comp wx-send Robin R
	assert_output ''
}

@test "bash: wx-group: groups, then the action, then friends" {
	run -0 comp wx-group R
	assert_output 'Room\ two'
	run -0 comp wx-group 'Room two' ''
	assert_output "$(printf '%s\n' add del quit topic)"
	run -0 comp wx-group 'Room two' add S
	assert_output 'Sam\ Lee'
	run -0 comp wx-group 'Room two' add Robin S
	assert_output 'Sam\ Lee'
	run -0 comp wx-group 'Room two' topic R
	assert_output ''
	run -0 comp wx-group -c Topic R
	assert_output Robin
}

@test "bash: the cache of -d DIR, else WX_DIR, else XDG_STATE_HOME/wx, else ~/.local/state/wx" {
	local other=$BATS_TEST_TMPDIR/other
	mkdir -p "$other"
	printf '%s\n' '{"Cache":"wx-contacts","Uin":"1"}' \
		'{"UserName":"@z","Name":"Zoe","Kind":"friend"}' >"$other/contacts"
	run -0 comp wx-send -d "$other" ''
	assert_output Zoe
	run -0 comp wx-send "-d$other" ''
	assert_output Zoe
	HOME=$BATS_TEST_TMPDIR run -0 comp wx-send -d '~/other' ''
	assert_output Zoe
	WX_DIR=$other run -0 comp wx-send ''
	assert_output Zoe
	mkdir -p "$BATS_TEST_TMPDIR/state/wx" "$BATS_TEST_TMPDIR/home/.local/state/wx"
	cp "$other/contacts" "$BATS_TEST_TMPDIR/state/wx/"
	WX_DIR= XDG_STATE_HOME=$BATS_TEST_TMPDIR/state run -0 comp wx-send Z
	assert_output Zoe
	WX_DIR= XDG_STATE_HOME= HOME=$BATS_TEST_TMPDIR/home run -0 comp wx-send ''
	assert_output ''
	cp "$other/contacts" "$BATS_TEST_TMPDIR/home/.local/state/wx/"
	WX_DIR= XDG_STATE_HOME= HOME=$BATS_TEST_TMPDIR/home run -0 comp wx-send ''
	assert_output Zoe
	# no cache: nothing, and no message
	run -0 --separate-stderr comp wx-send -d "$BATS_TEST_TMPDIR/none" ''
	assert_output ''
	[ -z "$stderr" ]
}

# zsh_comp SERVICE [VAR=VALUE...]: run _wx for SERVICE in a zsh -f with
# the completion system's functions stubbed: _arguments prints its specs
# ("spec: …") and puts _wx in state $ST with opt_args from $OPTS (k v …)
# and line from $LINE; compadd prints what it would offer ("name: …"),
# _values its values ("value: …").
zsh_comp() {
	env "${@:2}" zsh -f -c '
		_arguments() {
			local s
			for s in "${@[(r):,-1][2,-1]}"; do print -r -- "spec: $s"; done
			state=$ST
			opt_args=(${=OPTS})
			line=(${=LINE})
			return 300
		}
		_description() { :; }
		compadd() { local n; for n in "${@[(r)--,-1][2,-1]}"; do print -r -- "name: $n"; done; }
		_values() { local n; for n in "${@:2}"; do print -r -- "value: $n"; done; }
		fpath=("$1" $fpath)
		autoload -Uz _wx
		service=$2 _wx
	' zsh "$TOP/share/completion" "$1"
}

@test "zsh: _wx parses; #compdef names every command in bin/" {
	run -0 zsh -n "$ZSH_FILE"
	[ "$(sed -n '1s/^#compdef //p' "$ZSH_FILE" | tr ' ' '\n')" = "$(cd "$TOP/bin" && ls wx-*)" ]
}

@test "zsh: each command's options are those of its -h line" {
	local c got
	for c in "$TOP"/bin/wx-*; do
		c=${c##*/}
		# -X+[…]:… takes an argument, -X[…] none; -h and -V left out
		got=$(zsh_comp "$c" | sed -n 's/^spec: \(([^)]*)\)\?-\([A-Za-z]\)\(+\?\)\[.*/\2\3/p' |
			grep -v '^[hV]$' | sed 's/+$/:/' | sort -u | tr -d '\n')
		[ "$got" = "$(usage_opts "$c")" ] || fail "$c: _wx '$got', -h '$(usage_opts "$c")'"
	done
	[ "$(zsh_comp wx-send | grep -c '^spec: (- \*)-h\[')" -eq 1 ]
	[ "$(zsh_comp wx-send | grep -c '^spec: (- \*)-V\[')" -eq 1 ]
}

@test "zsh: contact names from the cache of -d DIR, else WX_DIR, for the name operands" {
	run -0 zsh_comp wx-send ST=name
	assert_output --partial 'name: Room two'
	[ "$(grep -c '^name: ' <<<"$output")" -eq 7 ]
	assert_line 'name: 小李 2'
	assert_line 'name: Li & Lei'
	assert_line 'name: Robin'
	refute_line 'name: Sam'
	local other=$BATS_TEST_TMPDIR/other
	mkdir -p "$other"
	printf '%s\n' '{"Cache":"wx-contacts","Uin":"1"}' \
		'{"UserName":"@z","Name":"Zoe","Kind":"friend"}' >"$other/contacts"
	run -0 zsh_comp wx-remark ST=name OPTS="-d $other"
	[ "$(grep '^name: ' <<<"$output")" = 'name: Zoe' ]
	run -0 zsh_comp wx-contacts ST=name WX_DIR="$other"
	[ "$(grep '^name: ' <<<"$output")" = 'name: Zoe' ]
	run -0 zsh_comp wx-get ST=name HOME="$BATS_TEST_TMPDIR" OPTS='-d ~/other'
	[ "$(grep '^name: ' <<<"$output")" = 'name: Zoe' ]
	run -1 zsh_comp wx-send ST=name OPTS="-d $BATS_TEST_TMPDIR/none"
	refute_output --partial 'name: '
}

@test "zsh: wx-group: groups, then the action, then friends; -c takes friends" {
	run -0 zsh_comp wx-group ST=group
	[ "$(grep '^name: ' <<<"$output")" = 'name: Room two' ]
	run -0 zsh_comp wx-group ST=action
	[ "$(grep '^value: ' <<<"$output" | tr '\n' ' ')" = 'value: topic value: add value: del value: quit ' ]
	run -0 zsh_comp wx-group ST=member LINE='Room add'
	[ "$(grep -c '^name: ' <<<"$output")" -eq 5 ]
	refute_line 'name: Room two'
	refute_line 'name: Self'
	run -1 zsh_comp wx-group ST=member LINE='Room topic'
	refute_output --partial 'name: '
	run -0 zsh_comp wx-group ST=group OPTS='-c Topic'
	assert_line 'name: Robin'
	refute_line 'name: Room two'
}

@test "bash and zsh: odd cache lines cost only themselves" {
	local odd=$BATS_TEST_TMPDIR/odd
	mkdir -p "$odd"
	printf '%s\n' '{"Cache":"wx-contacts","Uin":"1"}' \
		'{"UserName":"@x","Kind":"friend","Remark":5,"Name":"Five"}' \
		'{"UserName":"@y","Kind":"friend","Remark":"","Name":"Yan"}' \
		'{"UserName":"@z","Kind":"group","Name":"two\nlines"}' \
		'{"UserName":"@w","Kind":"friend"}' \
		'{"UserName":"@v","Kind":"friend","Name":"Vic"}' >"$odd/contacts"
	run -0 comp wx-send -d "$odd" ''
	assert_output "$(printf '%s\n' Five Vic Yan)"
	run -0 zsh_comp wx-send ST=name OPTS="-d $odd"
	[ "$(grep '^name: ' <<<"$output" | sort | tr '\n' ' ')" = 'name: Five name: Vic name: Yan ' ]
}
