# wx.bash — bash completion for every wx command: its options, a file or
# directory where an option takes one, and the names of the contacts
# cache (wx-session(5)) where it takes a contact or a group.
#
# Source it from ~/.bashrc, or install it as bash-completion's
# completions/wx with a link to it for each command name, so that the
# lazy loader finds it by any of them (make install does).  The names
# are read with jq(1); without it only options complete.

# Each command's getopt(3) string, -h and -V left out (every command has
# them):
# a letter followed by ':' takes an argument, a leading '+' means the
# options end at the first operand.  t/93-completion.bats holds these
# against each command's -h line.  -g: bash-completion's loader sources
# this file inside a function.
declare -gA _wx_opts=(
	[wx-accept]='d:g:r'
	[wx-contacts]='d:mrt:'
	[wx-emu]='ac:Fg:H:k:l:m:n:P:p:s:W:w:'
	[wx-get]='a:d:o:'
	[wx-group]='+d:c:'
	[wx-init]='d:'
	[wx-login]='d:DFt:'
	[wx-logout]='d:'
	[wx-qr]='d:t:io:s'
	[wx-remark]='+d:pu'
	[wx-revoke]='d:'
	[wx-send]='+d:f:lm:n'
	[wx-sync]='d:frnc:t:'
	[wx-synccheck]='d:'
	[wx-uuid]='d:DFp'
	[wx-wait]='d:t:a:'
)

# _wx_names DIR [KIND]: the name each contact of DIR/contacts (of that
# Kind) is called by, one a line.  It is the Remark when there is one,
# else the Name: the decoded fields a recipient is resolved by (the
# cache's RemarkName and NickName are the server's raw text).  A name
# that is not unique is offered all the same: the command then lists
# the contacts it could mean and sends nothing.  Names holding a
# newline cannot be typed on one line and are left out.
_wx_names() {
	[ -r "$1/contacts" ] || return 0
	jq -r --arg k "${2-}" 'select(.Kind and ($k == "" or .Kind == $k)) |
		[.Remark, .Name | strings | select(. != "")] | first // empty |
		select(contains("\n") | not)' "$1/contacts" 2>/dev/null
}

# _wx_dequote WORD: WORD with one level of shell quoting taken off, as
# far as a word being typed has it: an opening quote, backslashes.
_wx_dequote() {
	local s=$1 out=
	case $s in
	\'*) printf '%s' "${s#\'}"; return ;;
	\"*) s=${s#\"} ;;
	esac
	while [ -n "$s" ]; do
		case $s in
		\\?*) out+=${s:1:1}; s=${s:2} ;;
		*) out+=${s:0:1}; s=${s:1} ;;
		esac
	done
	printf '%s' "$out"
}

# _wx_reply_names DIR KIND CUR: COMPREPLY, the names starting with what
# CUR says, quoted for the line: escaped with backslashes, or as they
# are after an opening quote (readline closes it).
_wx_reply_names() {
	local want name
	want=$(_wx_dequote "$3")
	while IFS= read -r name; do
		[[ $name == "$want"* ]] || continue
		case $3 in
		[\'\"]*) COMPREPLY+=("$name") ;;
		*) COMPREPLY+=("$(printf '%q' "$name")") ;;
		esac
	done < <(_wx_names "$1" "$2" | sort -u)
}

_wx() {
	local cmd=${COMP_WORDS[0]##*/} cur=${COMP_WORDS[COMP_CWORD]}
	local spec dir= arg= seen= w o i j
	local -a ops=() flags=(-h -V)
	COMPREPLY=()
	spec=${_wx_opts[$cmd]-}
	[ -n "$spec" ] || return 0

	# The words before the cursor, parsed as getopt(3) would: the
	# options seen, the session directory, the operands, and the option
	# whose argument the cursor is in, if any.
	for ((i = 1; i < COMP_CWORD; i++)); do
		w=${COMP_WORDS[i]}
		if [ -n "$arg" ]; then
			[ "$arg" = d ] && dir=$w
			arg=
		elif [ "$w" = -- ]; then
			ops+=("${COMP_WORDS[@]:i+1:COMP_CWORD-i-1}")
			break
		elif [[ $w == -?* && ( ${#ops[@]} -eq 0 || $spec != +* ) ]]; then
			for ((j = 1; j < ${#w}; j++)); do
				o=${w:j:1}
				seen+=$o
				[[ $spec == *"$o:"* ]] || continue
				if ((j + 1 < ${#w})); then
					[ "$o" = d ] && dir=${w:j+1}
				else
					arg=$o
				fi
				break
			done
		else
			ops+=("$w")
		fi
	done
	dir=$(_wx_dequote "$dir")
	dir=${dir/#\~/$HOME}
	[ -n "$dir" ] || dir=${WX_DIR:-${XDG_STATE_HOME:-$HOME/.local/state}/wx}

	case $cmd:$arg in
	*:d)
		compopt -o filenames 2>/dev/null
		mapfile -t COMPREPLY < <(compgen -d -- "$cur")
		return 0 ;;
	wx-get:a) _wx_reply_names "$dir" "" "$cur"; return 0 ;;
	wx-contacts:t)
		mapfile -t COMPREPLY < <(compgen -W 'friend group public special self' -- "$cur")
		return 0 ;;
	wx-qr:t)
		mapfile -t COMPREPLY < <(compgen -W 'utf8 ansi ascii' -- "$cur")
		return 0 ;;
	*:[fo] | wx-emu:[cklPW] | wx-wait:a)
		compopt -o filenames 2>/dev/null
		mapfile -t COMPREPLY < <(compgen -f -- "$cur")
		return 0 ;;
	*:?) return 0 ;;
	esac

	if [[ $cur == -* && ( ${#ops[@]} -eq 0 || $spec != +* ) ]]; then
		for ((j = 0; j < ${#spec}; j++)); do
			[[ ${spec:j:1} == [+:] ]] || flags+=("-${spec:j:1}")
		done
		mapfile -t COMPREPLY < <(compgen -W "${flags[*]}" -- "$cur")
		return 0
	fi

	case $cmd:${#ops[@]} in
	wx-send:0 | wx-remark:0 | wx-contacts:0)
		_wx_reply_names "$dir" "" "$cur" ;;
	wx-group:*)
		if [[ $seen == *c* ]]; then
			_wx_reply_names "$dir" friend "$cur"
		elif [ ${#ops[@]} -eq 0 ]; then
			_wx_reply_names "$dir" group "$cur"
		elif [ ${#ops[@]} -eq 1 ]; then
			mapfile -t COMPREPLY < <(compgen -W 'topic add del quit' -- "$cur")
		elif [[ ${ops[1]} == add || ${ops[1]} == del ]]; then
			_wx_reply_names "$dir" friend "$cur"
		fi ;;
	esac
	return 0
}

complete -F _wx "${!_wx_opts[@]}"
