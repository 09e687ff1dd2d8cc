#!/usr/bin/env bats
# The generated matrix files are what t/matrix/gen makes of the tables
# now: a row or a fault kind added to t/matrix/commands or t/matrix/faults
# without regenerating fails here, so the matrix never goes stale.
load helper

@test "matrix: t/83, t/84, t/87 and t/88 are t/matrix/gen's output" {
	local nn f
	for nn in 83 84 87 88; do
		f=$(ls "$TOP"/t/"$nn"-fault-matrix*.bats)
		run -0 "$TOP/t/matrix/gen" "$nn"
		diff <(printf '%s\n' "$output") "$f" ||
			fail "$f is stale: run t/matrix/gen $nn >$f"
	done
}

@test "matrix: t/85 is t/matrix/hgen's output" {
	run -0 "$TOP/t/matrix/hgen"
	diff <(printf '%s\n' "$output") "$TOP/t/85-hostile-matrix.bats" ||
		fail "t/85-hostile-matrix.bats is stale: run t/matrix/hgen >t/85-hostile-matrix.bats"
}

@test "matrix: every fault kind wx-emu knows is in t/matrix/faults" {
	local k
	for k in http500 reset truncate malformed slow ret1100 ret1101 ret1102 \
		ret1203 ret1205 ret-1 cookie; do
		grep -q "^$k[[:space:]]*|" "$TOP/t/matrix/faults" || fail "$k missing"
		grep -q "\"$k\"" "$TOP/cmd/wx-emu/net.c" || fail "$k no longer in wx-emu"
	done
}
