# t/matrix/lib.bash — what every cell of the generated fault matrix
# (t/83-fault-matrix.bats, written by t/matrix/gen) runs: one logged-in
# session prepared once a file, copied per cell; a fault armed on one
# endpoint of wx-emu; the command run under `timeout`; then the checks:
# exit code, stderr, no crash, no hang, state untouched on failure.
# Each cell appends a row to the file's table, printed by the last test.
load login
load sync

# The prepared session and the lines the cells feed to commands.
matrix_setup_file() {
	emu_start -a -H 1 -n 10 -g 2 -m 3 || return 1
	MX=$BATS_FILE_TMPDIR/mx
	export MX WX_RATE=0
	mkdir -p "$MX"
	export WX_DIR="$MX/wx"
	logged_in || return 1
	wx-contacts </dev/null >/dev/null || return 1
	wx-sync </dev/null >/dev/null || return 1
	PEER=$(first_of person)
	PEER2=$(emu_contacts | jq -r 'select(.Kind=="person") | .UserName' | sed -n 2p)
	ROOM=$(first_of room)
	export PEER PEER2 ROOM
	local t
	for t in image voice video file verify; do
		inject "{\"TypeName\":\"$t\"}" >/dev/null || return 1
	done
	wx-sync </dev/null >"$MX/sync.out" || return 1
	for t in image voice video file verify; do
		jq -c --arg t "$t" 'select(.TypeName == $t)' "$MX/sync.out" |
			head -n 1 >"$MX/$t.line"
		[ -s "$MX/$t.line" ] || { echo "no $t line" >&2; return 1; }
	done
	head -c 3000 /dev/urandom >"$MX/f.bin"
	: >"$BATS_FILE_TMPDIR/table"
}

matrix_teardown_file() { emu_stop; }

# Per cell: a copy of the prepared session.
matrix_setup() {
	export WX_DIR="$BATS_TEST_TMPDIR/wx"
	cp -a "$MX/wx" "$WX_DIR"
	T=$BATS_TEST_TMPDIR
	export T
}

# ---- preparations a row names (run before the fault is armed) ----

# A new uuid in the session (wx-wait's input).
prep_uuid() { wx-uuid </dev/null >/dev/null; }

# A confirmed login waiting for wx-init.
prep_wait() { prep_uuid && wx-wait -t 20 </dev/null >/dev/null 2>&1; }

# A session of its own (wx-logout ends the one it has).
prep_login() { rm -rf "$WX_DIR" && logged_in; }

# A new uuid; QRCODE the path of its image (/qrcode/UUID, the fault's
# endpoint: the last path part is the uuid).
prep_qr() {
	prep_uuid || return 1
	QRCODE=/qrcode/$(session_get uuid)
}

# A message for wx-sync -f -c 1 to wait for.
prep_msg() { inject '{"Content":"for the matrix"}' >/dev/null; }

# A message to revoke.
prep_sent() { wx-send "$PEER" "to revoke" </dev/null >"$T/sent.out"; }

# A friend request of its own (one is accepted once), as wx-sync
# prints it.
prep_verify() {
	inject '{"TypeName":"verify"}' >/dev/null &&
		wx-sync </dev/null | jq -c 'select(.TypeName == "verify")' |
		tail -n 1 >"$T/verify.line" && [ -s "$T/verify.line" ]
}

# ---- the cell ----

# Checksums of the state files ("absent" for a missing one), one
# sha256sum for them all.
state_sums() {
	[ $# -gt 0 ] || return 0
	(cd "$WX_DIR" && sha256sum -- "$@" 2>&1 | sed 's/: No such file.*/: absent/' | sort)
}

# Lines beside the one naming the cause: progress of a command that
# tries again, wx-wait's progress, and two documented second lines that
# t/75 and t/76 hold: wx-revoke's hint at the 2-minute window after a
# refusal, wx-logout's word that the secrets are gone all the same; and
# the end of wx-sync -f -t, which names each failed try as it comes (the
# one cause) and then that its time is up.
PROGRESS='again in [0-9]+ s$|: scanned; confirm on the phone$|^wx-sync: -t: time is up$|; a message can be revoked for 2 minutes after it was sent$|: the server may not know of the logout; '

# cell ROW NAME ENDPOINT KIND COUNT WANT BOUND KEEP PREP RUN: arm KIND for
# COUNT requests of ENDPOINT, run RUN (a shell line; NAME is the command)
# under `timeout BOUND`, and check: status WANT, not a timeout (124) nor a
# signal (>= 128); every stderr line prefixed "NAME: "; on failure one
# distinct line (numbers aside) beside the PROGRESS lines; no ESC in
# stdout or stderr; no sanitizer report; the files KEEP (comma-separated)
# byte-identical unless the command succeeded.
cell() {
	local row=$1 name=$2 ep=$3 kind=$4 count=$5 want=$6 bound=$7 keep=$8
	local prep=$9 cmd=${10} before files
	if [ "$prep" != - ]; then
		"$prep" || fail "preparation '$prep' failed"
	fi
	files=()
	[ "$keep" = - ] || IFS=, read -ra files <<<"$keep"
	before=$(state_sums "${files[@]}")
	local arm=$ep shown=${ep#\$}     # the table names $QRCODE "QRCODE"
	if [[ "$ep" == '$'* ]]; then       # a path with a uuid (+ / =)
		ep=${ep:1}; ep=${!ep}; arm=$(uri "$ep")
	fi
	fault "$arm" "$kind" "$count"
	run --separate-stderr timeout "$bound" bash -c "$cmd"
	fault "$arm" "$kind" 0
	cell_check "$row" "$name" "$shown" "$kind" "$want" "$bound" "$before" "${files[@]}"
}

# cell_check ROW NAME ENDPOINT KIND WANT BOUND BEFORE FILE…: the checks of
# a cell on $status, $output, $stderr and $stderr_lines (as `run` sets
# them); BEFORE the state_sums of the FILEs before the command ran.
cell_check() {
	local row=$1 name=$2 ep=$3 kind=$4 want=$5 bound=$6 before=$7 after line n mark
	shift 7
	mark=' ok'
	[ "$status" -eq "$want" ] || mark=' FAIL'
	printf '%s\t%s\t%s\t%s\t%s\n' "$row" "$ep" "$kind" "$want" "$status$mark" \
		>>"$BATS_FILE_TMPDIR/table"
	[ "$status" -ne 124 ] || fail "$name hung: killed after $bound s"
	[ "$status" -lt 128 ] || fail "$name crashed: status $status; ${stderr:0:300}"
	[ "$status" -eq "$want" ] ||
		fail "$name exited $status, not $want; stderr: ${stderr:0:400}"
	for line in "${stderr_lines[@]}"; do
		[[ "$line" == "$name: "* ]] ||
			fail "stderr line not prefixed '$name: ': ${line:0:300}"
	done
	if [ "$want" -ne 0 ]; then
		# (numbers aside: each try's curl timeout counts its own bytes)
		n=$(printf '%s\n' "${stderr_lines[@]}" | grep -Ev "$PROGRESS" |
			sed 's/[0-9][0-9]*/N/g' | sort -u | wc -l)
		[ "$n" -eq 1 ] || fail "$n distinct messages, not 1: ${stderr:0:400}"
	fi
	[[ "$output${stderr}" != *$'\e'* ]] || fail "raw ESC in the output"
	[[ "$stderr" != *Sanitizer* && "$stderr" != *"runtime error:"* ]] ||
		fail "sanitizer report: ${stderr:0:400}"
	if [ "$status" -ne 0 ]; then
		after=$(state_sums "$@")
		[ "$before" = "$after" ] || fail "state changed on failure: $before / $after"
	fi
}

# The table of the cells run: command, endpoint, fault, the exit code
# wanted, the one seen and ok or FAIL; to fd 3, so bats shows it.
matrix_table() {
	local t=$BATS_FILE_TMPDIR/table
	{
		printf 'command\tendpoint\tfault\twant\tgot\n'
		cat "$t"
	} | column -t -s $'\t' | sed 's/^/# /' >&3
	printf '# %s cells, %s passed\n' "$(wc -l <"$t")" "$(grep -c ' ok$' "$t")" >&3
	! grep -q ' FAIL$' "$t"
}
