#!/usr/bin/env bats
# Every example of the man pages and of README.md, run against wx-emu by
# t/examples/run (its header says how, and what the annotations mean):
# one test a file, naming each example that fails by FILE:LINE and its
# first line; the skipped ones are listed as "# " lines.  And the
# extractor and the runner on fixtures of their own (t/examples/selftest:
# the runner must fail each broken example there), and every page
# having its test here.
load helper

setup_file() {
	emu_make_ca
	export EXAMPLE_CA=$BATS_FILE_TMPDIR/ca
}

# examples FILE: the examples of FILE (relative to the tree) run.
examples() {
	cd "$TOP" || return 1
	run --separate-stderr t/examples/run "$1"
	grep '^# ' <<<"$output" >&3 || true
	[ "$status" -eq 0 ] || fail "$(grep -v '^ok ' <<<"$output"; printf '%s\n' "$stderr")"
}

@test "examples: the extractor on its fixture" {
	cd "$TOP/t/examples"
	run -0 ./extract selftest/page.1 selftest/readme.md
	diff <(printf '%s\n' "$output") selftest/expected
}

@test "examples: the runner fails each broken example of its fixture, by its line" {
	cd "$TOP"
	EXAMPLE_TIMEOUT=3 run -1 t/examples/run t/examples/selftest/run.1
	local f=t/examples/selftest/run.1
	[ "$(grep -c '^ok ' <<<"$output")" -eq 1 ]
	[ "$(grep -c '^not ok ' <<<"$output")" -eq 5 ]
	grep -qxF "ok $f:10: \$ printf 'a\\n' | sed 's/a/b/'" <<<"$output"
	grep -qxF "not ok $f:20: \$ echo one" <<<"$output"
	grep -qxF '    > one' <<<"$output"
	grep -qxF "not ok $f:27: \$ false" <<<"$output"
	grep -qxF '  exit 1, not 0; its output:' <<<"$output"
	grep -qxF "not ok $f:31: \$ cat <<<hi" <<<"$output"
	grep -qxF "# skip $f:35: \$ false: it would fail" <<<"$output"
	grep -qxF '  check failed: test -f nothing' <<<"$output"
	grep -qxF '  still running after 3 s; its output:' <<<"$output"
}

@test "examples: README blocks: a console and an sh block run; file= must be the file" {
	cd "$TOP"
	run -1 t/examples/run t/examples/selftest/run.md
	local f=t/examples/selftest/run.md
	[ "$output" = "ok $f:4: \$ echo hi
ok $f:10: echo same
not ok $f:15: echo different
  the block is not the file t/examples/selftest/same.sh" ]
}

@test "examples: every man page and README.md has its test here" {
	local f
	for f in README.md man/*.[1-9]; do
		grep -qF "@test \"examples: $f\"" "$BATS_TEST_FILENAME" || fail "no test for $f"
	done
}

@test "examples: README.md" {
	examples README.md
}

@test "examples: man/wx-accept.1" {
	examples man/wx-accept.1
}

@test "examples: man/wx-contacts.1" {
	examples man/wx-contacts.1
}

@test "examples: man/wx-emu.1" {
	examples man/wx-emu.1
}

@test "examples: man/wx-get.1" {
	examples man/wx-get.1
}

@test "examples: man/wx-group.1" {
	examples man/wx-group.1
}

@test "examples: man/wx-init.1" {
	examples man/wx-init.1
}

@test "examples: man/wx-login.1" {
	examples man/wx-login.1
}

@test "examples: man/wx-logout.1" {
	examples man/wx-logout.1
}

@test "examples: man/wx-qr.1" {
	examples man/wx-qr.1
}

@test "examples: man/wx-remark.1" {
	examples man/wx-remark.1
}

@test "examples: man/wx-revoke.1" {
	examples man/wx-revoke.1
}

@test "examples: man/wx-send.1" {
	examples man/wx-send.1
}

@test "examples: man/wx-session.5" {
	examples man/wx-session.5
}

@test "examples: man/wx-sync.1" {
	examples man/wx-sync.1
}

@test "examples: man/wx-synccheck.1" {
	examples man/wx-synccheck.1
}

@test "examples: man/wx-uuid.1" {
	examples man/wx-uuid.1
}

@test "examples: man/wx-wait.1" {
	examples man/wx-wait.1
}

@test "examples: man/wx.7" {
	examples man/wx.7
}
