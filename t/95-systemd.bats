#!/usr/bin/env bats
# share/systemd: the user units.  systemd-analyze verify on them, then
# what they would do, with no systemd running: each unit's ExecStart=
# lines, with the specifiers expanded as systemd --user expands them for
# one instance, run against wx-emu, and their exit status held against
# the unit's Restart=, RestartPreventExitStatus=, SuccessExitStatus= and
# OnFailure=.
load helper
load login
load sync

UNITS=$TOP/share/systemd

setup_file() { emu_start -H 1 -a; }
teardown_file() { emu_stop; }

# Per test: %S and %E of the user manager (XDG_STATE_HOME,
# XDG_CONFIG_HOME), and the instance "work", whose env file points wx at
# wx-emu and sets an alert that notes each call in $ALERTS.
setup() {
	SD_STATE=$BATS_TEST_TMPDIR/state
	SD_CONFIG=$BATS_TEST_TMPDIR/config
	ALERTS=$BATS_TEST_TMPDIR/alerts
	INST=work
	DIR=$SD_STATE/wx-$INST
	mkdir -p "$SD_CONFIG/wx"
	printf '%s\n' "WX_CONNECT_TO=$WX_CONNECT_TO" "CURL_CA_BUNDLE=$CURL_CA_BUNDLE" \
		"WX_ALERT=echo \"\$WX_ACCOUNT \$MONITOR_UNIT \$MONITOR_EXIT_STATUS\" >>$ALERTS" \
		>"$SD_CONFIG/wx/$INST.env"
	unset WX_DIR
}

# unit_values UNIT KEY: the values of KEY in UNIT, one a line, in order.
unit_values() {
	sed -n "s/^$2=//p" "$UNITS/$1"
}

# expand: stdin with what systemd --user would replace for instance
# $INST: the specifiers, "$$" (a "$" for the shell), and @BINDIR@, which
# make install replaces, as the tree's bin/.
expand() {
	sed -e "s|%i|$INST|g; s|%S|$SD_STATE|g; s|%E|$SD_CONFIG|g" \
		-e "s|@BINDIR@|$TOP/bin|g; s|%%|%|g; s|\\\$\\\$|\$|g"
}

# run_unit UNIT [VAR=VALUE...]: the ExecStart= lines of UNIT one after
# the other, as systemd runs them: in an environment of HOME and PATH,
# Environment=, the EnvironmentFile= if it exists, and VAR=VALUE (what
# systemd adds, as MONITOR_UNIT); under UMask= (systemd's default 0022).  Stops at the first
# that fails; its status is the unit's.
run_unit() {
	local unit=$1 line v f mask rc=0
	local -a envs=(HOME="$BATS_TEST_TMPDIR" PATH=/usr/bin:/bin) cmd
	shift
	while read -r line; do
		read -ra v <<<"$line"
		envs+=("${v[@]}")
	done < <(unit_values "$unit" Environment | expand)
	f=$(unit_values "$unit" EnvironmentFile | expand)
	f=${f#-}
	[ ! -f "$f" ] || mapfile -t -O ${#envs[@]} envs < <(grep '=' "$f")
	envs+=("$@")
	mask=$(unit_values "$unit" UMask)
	while IFS= read -r line; do
		eval "cmd=($line)"
		(umask "${mask:-0022}"; exec env -i "${envs[@]}" "${cmd[@]}") || { rc=$?; break; }
	done < <(unit_values "$unit" ExecStart | expand)
	return $rc
}

# after UNIT STATUS: what systemd does when UNIT's process ends with
# STATUS: "restart", "ok" (stays stopped or done), or "failed" followed
# by the units its OnFailure= starts.
after() {
	local unit=$1 s=$2
	if [ "$s" -eq 0 ] || [[ " $(unit_values "$unit" SuccessExitStatus) " == *" $s "* ]]; then
		echo ok
	elif [ "$(unit_values "$unit" Restart)" = on-failure ] &&
		[[ " $(unit_values "$unit" RestartPreventExitStatus) " != *" $s "* ]]; then
		echo restart
	else
		echo "failed $(unit_values "$unit" OnFailure | expand)"
	fi
}

# alert FAILED_UNIT STATUS: run wx-alert@ as OnFailure= starts it.
alert() {
	run_unit wx-alert@.service MONITOR_UNIT="$1" \
		MONITOR_SERVICE_RESULT=exit-code MONITOR_EXIT_CODE=exited \
		MONITOR_EXIT_STATUS="$2"
}

login_instance() {
	setsid -w wx-login -d "$DIR" -t 20 >/dev/null 2>&1
}

@test "systemd-analyze verify: the units, their commands and their man pages" {
	command -v systemd-analyze >/dev/null || skip "no systemd-analyze"
	local u=$BATS_TEST_TMPDIR/units m=$BATS_TEST_TMPDIR/man f
	mkdir -p "$u" "$m/man1" "$m/man5" "$m/man7"
	for f in "$UNITS"/*; do
		sed "s|@BINDIR@|$TOP/bin|g" "$f" >"$u/${f##*/}"
	done
	for f in "$TOP"/man/*.[1-9]; do
		cp "$f" "$m/man${f##*.}/"
	done
	run -0 --separate-stderr env XDG_RUNTIME_DIR="$BATS_TEST_TMPDIR" \
		SYSTEMD_UNIT_PATH="$u:" MANPATH="$m" systemd-analyze --user verify \
		wx-sync@work.service wx-health@work.service wx-health@work.timer \
		wx-alert@work.service
	# only the warning of a systemd older than RestartMode= (254)
	[ -z "$(grep -v "Unknown key 'RestartMode'" <<<"$stderr")" ] || fail "$stderr"
	[ -z "$output" ]
}

@test "units: every \$ in an ExecStart= is \$\$ (one alone systemd would expand)" {
	local f
	for f in "$UNITS"/*.service; do
		! grep '^ExecStart=' "$f" | sed 's/\$\$//g' | grep -F '$' || fail "${f##*/}"
		grep -q '^ExecStart=' "$f"
	done
	# and the test's expansion would see one
	[ "$(echo 'a $$X %i %S' | expand)" = "a \$X $INST $SD_STATE" ]
}

@test "wx-sync@: messages appended to DIR/sync.ndjson; a kick is exit 1: no restart, the alert" {
	login_instance
	run_unit wx-sync@.service 2>"$BATS_TEST_TMPDIR/stderr" &
	local pid=$!
	inject '{"Content":"to the unit"}' >/dev/null
	wait_for_file "$DIR/sync.ndjson" 20
	local i
	for ((i = 0; i < 200; i++)); do
		grep -q 'to the unit' "$DIR/sync.ndjson" && break
		sleep 0.05
	done
	[ "$(jq -r 'select(.Text == "to the unit") | .Event' "$DIR/sync.ndjson")" = message ]
	[ "$(stat -c %a "$DIR/sync.ndjson")" = 600 ]
	emu_ctl kick >/dev/null
	local rc=0
	wait "$pid" || rc=$?
	[ "$rc" -eq 1 ]
	grep -q '^wx-sync: ' "$BATS_TEST_TMPDIR/stderr"
	[ "$(after wx-sync@.service "$rc")" = "failed wx-alert@work.service" ]
	run -0 --separate-stderr alert wx-sync@work.service "$rc"
	[ "$stderr" = "<1>wx-sync@work.service: exit-code, exit status 1: log in again (wx-login -d $DIR) or mend the session directory" ]
	[ "$(cat "$ALERTS")" = "work wx-sync@work.service 1" ]
}

@test "wx-sync@: 111 and a crash restart, 0 stays stopped, 1 and 100 fail to the alert" {
	[ "$(after wx-sync@.service 111)" = restart ]
	[ "$(after wx-sync@.service 139)" = restart ]
	[ "$(after wx-sync@.service 0)" = ok ]
	[ "$(after wx-sync@.service 1)" = "failed wx-alert@work.service" ]
	[ "$(after wx-sync@.service 100)" = "failed wx-alert@work.service" ]
	[ "$(unit_values wx-sync@.service RestartSec)" -gt 0 ]
}

@test "wx-sync@: an instance never logged in: a 0700 directory, exit 100, the alert" {
	run -100 --separate-stderr run_unit wx-sync@.service
	[[ "$stderr" == "wx-sync: "*"run wx-init first" ]]
	[ "$(stat -c %a "$DIR")" = 700 ]
	[ "$(after wx-sync@.service 100)" = "failed wx-alert@work.service" ]
}

@test "wx-health@: alive is 0; the network down is 111, no alert; a kick is 1, the alert" {
	login_instance
	run -0 run_unit wx-health@.service
	[ "$(after wx-health@.service 0)" = ok ]
	# nothing listens on port 1
	sed -i 's/^WX_CONNECT_TO=.*/WX_CONNECT_TO=::127.0.0.1:1/' "$SD_CONFIG/wx/$INST.env"
	run -111 run_unit wx-health@.service
	[ "$(after wx-health@.service 111)" = ok ]
	sed -i "s/^WX_CONNECT_TO=.*/WX_CONNECT_TO=$WX_CONNECT_TO/" "$SD_CONFIG/wx/$INST.env"
	emu_ctl kick >/dev/null
	run -1 run_unit wx-health@.service
	[ "$(after wx-health@.service 1)" = "failed wx-alert@work.service" ]
	run -0 alert wx-health@work.service 1
	[ "$(cat "$ALERTS")" = "work wx-health@work.service 1" ]
	# the timer starts the service of its own instance
	[ -n "$(unit_values wx-health@.timer OnCalendar)" ]
	[ -z "$(unit_values wx-health@.timer Unit)" ]
}

@test "wx-alert@: logs at priority alert also with no WX_ALERT set" {
	rm "$SD_CONFIG/wx/$INST.env"
	run -0 --separate-stderr alert wx-health@work.service 1
	[[ "$stderr" == "<1>wx-health@work.service: "* ]]
	[ ! -e "$ALERTS" ]
}
