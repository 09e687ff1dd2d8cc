# wx-qr: every rendering is turned back into an image and read by zbarimg,
# so a test passes only when a phone could scan what was drawn.
load helper

U=4dcaWx3uBw==
URL=https://login.weixin.qq.com/l/4dcaWx3uBw==
USAGE=$(usage_of 'wx-qr [-d DIR] [-t utf8|ansi|ascii] [-i] [-o FILE] [-s] [UUID]')

teardown() {
	emu_stop
}

# One character a module ("X" ink, anything else none), one line a row,
# on stdin → a PBM with 4 pixels a module on stdout.  $1: X is dark (1)
# or light (0).
cells_to_pbm() {
	awk -v dark="$1" -v s=4 '
	{ row[NR] = $0 }
	END {
		w = length(row[1])
		print "P1"; print w * s, NR * s
		for (i = 1; i <= NR; i++) {
			line = ""
			for (j = 1; j <= w; j++) {
				ink = substr(row[i], j, 1) == "X"
				px = (ink == dark) ? "1 " : "0 "
				for (k = 0; k < s; k++) line = line px
			}
			for (k = 0; k < s; k++) print line
		}
	}'
}

# utf8 half blocks: each line holds two module rows.
halfblocks_to_cells() {
	sed 's/▀/T/g; s/▄/B/g; s/█/F/g' | awk '
	{
		top = bot = ""
		for (i = 1; i <= length($0); i++) {
			c = substr($0, i, 1)
			top = top (c == "T" || c == "F" ? "X" : ".")
			bot = bot (c == "B" || c == "F" ? "X" : ".")
		}
		print top; print bot
	}'
}

# The path of wx-qr's SVG ("Mx yhNv1h-Nz" runs) painted into cells.
svg_to_cells() {
	awk '
	/viewBox/ { match($0, /viewBox="0 0 [0-9]+/); n = substr($0, RSTART + 13, RLENGTH - 13) + 0 }
	/ d="/ {
		s = $0; sub(/.* d="/, "", s); sub(/".*/, "", s)
		k = split(s, runs, "M")
		for (r = 2; r <= k; r++) {
			split(runs[r], a, /[ hv]/)
			for (i = 0; i < a[3]; i++) cell[a[2], a[1] + i] = 1
		}
	}
	END {
		for (y = 0; y < n; y++) {
			line = ""
			for (x = 0; x < n; x++) line = line ((y, x) in cell ? "X" : ".")
			print line
		}
	}'
}

decode() {
	zbarimg -q --raw "$1" 2>/dev/null
}

# Write a session file holding uuid $1.
session_with_uuid() {
	mkdir -p "$WX_DIR"
	chmod 700 "$WX_DIR"
	printf 'uuid=%s\n' "$1" >"$WX_DIR/session"
	chmod 600 "$WX_DIR/session"
}

@test "wx-qr: unknown option, two operands, bad -t: usage, 100" {
	run -100 --separate-stderr wx-qr -x $U
	assert_output ''
	assert_equal "$(printf '%s\n' "${stderr_lines[@]}" | tail -n 2)" "$USAGE"
	run -100 --separate-stderr wx-qr $U $U
	assert_equal "$stderr" "$USAGE"
	run -100 --separate-stderr wx-qr -t color $U
	assert_equal "$stderr" "$USAGE"
}

@test "wx-qr: a uuid that does not look like one: 100" {
	for bad in short 'has space xx' 'abc<def>ghi' \
	    aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa; do
		run -100 --separate-stderr wx-qr "$bad"
		assert_output ''
		assert_equal "$stderr" "wx-qr: bad uuid: want 8 to 32 of A-Z a-z 0-9 + / = _ -"
	done
}

@test "wx-qr -o: only .png and .svg names" {
	cd "$BATS_TEST_TMPDIR"
	run -100 --separate-stderr wx-qr -o code.jpg $U
	assert_equal "$stderr" "wx-qr: -o: code.jpg: name must end in .png or .svg"
	[ ! -e code.jpg ]
}

@test "wx-qr -o FILE.png: zbarimg reads the login URL" {
	mkdir "$BATS_TEST_TMPDIR/out" && cd "$BATS_TEST_TMPDIR/out"
	run -0 --separate-stderr wx-qr -o code.png $U
	assert_output ''
	assert_equal "$stderr" ''
	run -0 decode code.png
	assert_output "$URL"
	[ "$(stat -c %a code.png)" = "$(printf '%o' $((0666 & ~0$(umask))))" ]
	[ "$(ls)" = code.png ]
}

@test "wx-qr -o FILE.svg: the path, painted, reads as the URL" {
	cd "$BATS_TEST_TMPDIR"
	run -0 --separate-stderr wx-qr -o code.svg $U
	assert_output ''
	head -n 2 code.svg | grep -q '^<svg xmlns="http://www.w3.org/2000/svg" '
	[ "$(head -n 1 code.svg)" = '<?xml version="1.0" encoding="UTF-8"?>' ]
	[ "$(tail -n 1 code.svg)" = '</svg>' ]
	svg_to_cells <code.svg | cells_to_pbm 1 >svg.pbm
	run -0 decode svg.pbm
	assert_output "$URL"
}

@test "wx-qr -o into a missing directory: 100, nothing written" {
	cd "$BATS_TEST_TMPDIR"
	run -100 --separate-stderr wx-qr -o nodir/code.png $U
	assert_equal "$stderr" "wx-qr: nodir/code.png: No such file or directory"
	[ ! -e nodir ]
}

@test "wx-qr -t ascii: ## for light modules, 4-module quiet zone" {
	run -0 --separate-stderr wx-qr -t ascii $U </dev/null
	assert_equal "$stderr" ''
	assert_equal "${#lines[@]}" 37
	assert_equal "${lines[0]}" "$(printf '#%.0s' $(seq 74))"
	sed 's/##/X/g; s/  /./g' <<<"$output" | cells_to_pbm 0 >"$BATS_TEST_TMPDIR/a.pbm"
	run -0 decode "$BATS_TEST_TMPDIR/a.pbm"
	assert_output "$URL"
}

@test "wx-qr -t ascii -i: ## for dark modules" {
	run -0 --separate-stderr wx-qr -i -t ascii $U </dev/null
	assert_equal "${lines[0]}" "$(printf '%74s' '')"
	sed 's/##/X/g; s/  /./g' <<<"$output" | cells_to_pbm 1 >"$BATS_TEST_TMPDIR/a.pbm"
	run -0 decode "$BATS_TEST_TMPDIR/a.pbm"
	assert_output "$URL"
}

@test "wx-qr: utf8 half blocks by default, two rows a line" {
	run -0 --separate-stderr wx-qr $U </dev/null
	assert_equal "$stderr" ''
	assert_equal "${#lines[@]}" 19
	assert_equal "${lines[0]}" "$(printf '█%.0s' $(seq 37))"
	halfblocks_to_cells <<<"$output" | cells_to_pbm 0 >"$BATS_TEST_TMPDIR/u.pbm"
	run -0 decode "$BATS_TEST_TMPDIR/u.pbm"
	assert_output "$URL"
}

@test "wx-qr -i -t utf8: inverted half blocks" {
	run -0 --separate-stderr wx-qr -i -t utf8 $U </dev/null
	halfblocks_to_cells <<<"$output" | cells_to_pbm 1 >"$BATS_TEST_TMPDIR/u.pbm"
	run -0 decode "$BATS_TEST_TMPDIR/u.pbm"
	assert_output "$URL"
}

@test "wx-qr -t ansi: black and white backgrounds, two spaces a module" {
	run -0 --separate-stderr wx-qr -t ansi $U </dev/null
	assert_equal "${#lines[@]}" 37
	sed 's/\x1b\[40m  /X/g; s/\x1b\[47m  /./g; s/\x1b\[0m$//' <<<"$output" |
		cells_to_pbm 1 >"$BATS_TEST_TMPDIR/c.pbm"
	run -0 decode "$BATS_TEST_TMPDIR/c.pbm"
	assert_output "$URL"
}

@test "wx-qr: uuid from stdin, as wx-uuid prints it" {
	cd "$BATS_TEST_TMPDIR"
	run -0 --separate-stderr wx-qr -o in.png <<<"uuid=ga-teLG1_g=="
	run -0 decode in.png
	assert_output https://login.weixin.qq.com/l/ga-teLG1_g==
	printf 'Id_k2vtROQ==\r\n' | wx-qr -o bare.png
	run -0 decode bare.png
	assert_output https://login.weixin.qq.com/l/Id_k2vtROQ==
}

@test "wx-qr: stdin without a uuid: 100" {
	run -100 --separate-stderr wx-qr <<<"code=200"
	assert_equal "$stderr" "wx-qr: stdin: no uuid= line"
	run -100 --separate-stderr wx-qr <<<"uuid=no"
	assert_equal "$stderr" "wx-qr: bad uuid: want 8 to 32 of A-Z a-z 0-9 + / = _ -"
}

@test "wx-qr: the operand wins over stdin and the session" {
	session_with_uuid 9da5658a689a4f
	cd "$BATS_TEST_TMPDIR"
	wx-qr -o op.png $U <<<"uuid=ga-teLG1_g=="
	run -0 decode op.png
	assert_output "$URL"
}

@test "wx-qr: uuid from the session when stdin is empty" {
	session_with_uuid 9da5658a689a4f
	cd "$BATS_TEST_TMPDIR"
	run -0 --separate-stderr wx-qr -o s.png </dev/null
	run -0 decode s.png
	assert_output https://login.weixin.qq.com/l/9da5658a689a4f
	rm s.png
	d=$WX_DIR
	WX_DIR=/nonexistent/never run -0 --separate-stderr \
		wx-qr -d "$d" -o s.png </dev/null
	run -0 decode s.png
	assert_output https://login.weixin.qq.com/l/9da5658a689a4f
}

@test "wx-qr: no uuid anywhere: 100 with a hint" {
	run -100 --separate-stderr wx-qr </dev/null
	assert_output ''
	assert_equal "$stderr" "wx-qr: $WX_DIR/session: no uuid; run wx-uuid first"
}

@test "wx-qr: a session file others can read is refused" {
	session_with_uuid 9da5658a689a4f
	chmod 644 "$WX_DIR/session"
	run -100 --separate-stderr wx-qr </dev/null
	assert_output ''
	assert_regex "$stderr" "^wx-qr: $WX_DIR/session: "
}

@test "wx-qr -s: the network down: 111, the URL named, nothing written" {
	mkdir "$BATS_TEST_TMPDIR/out" && cd "$BATS_TEST_TMPDIR/out"
	# A port that was just the emulator's: nothing listens there now.
	emu_start_plain
	port=$EMU_PORT
	emu_stop
	WX_CONNECT_TO="::127.0.0.1:$port" run -111 --separate-stderr \
		wx-qr -s -o server.jpg $U
	assert_output ''
	assert_regex "$stderr" "^wx-qr: GET https://login.weixin.qq.com/qrcode/$U: "
	[ ! -e server.jpg ]
	[ -z "$(ls)" ]
}

# The uuid of a fresh jslogin on the running emulator.
emu_uuid() {
	emu_curl "https://login.wx.qq.com/jslogin?appid=wx782c26e4c19acffb&fun=new&lang=zh_CN&_=1" |
		sed -n 's/.*window.QRLogin.uuid = "\([^"]*\)";.*/\1/p'
}

@test "wx-qr -s: the server's own image, through WX_CONNECT_TO" {
	emu_start
	u=$(emu_uuid)
	[ -n "$u" ]
	mkdir "$BATS_TEST_TMPDIR/out" && cd "$BATS_TEST_TMPDIR/out"
	run -0 --separate-stderr wx-qr -s -o server.img "$u"
	assert_output ''
	assert_equal "$stderr" ''
	emu_curl -o ../direct.img "https://login.weixin.qq.com/qrcode/$u"
	cmp server.img ../direct.img
	run -0 decode server.img
	assert_output "https://login.weixin.qq.com/l/$u"
	grep -q "\"host\":\"login.weixin.qq.com\"" "$EMU_LOG"
	grep -q "/qrcode/$u" "$EMU_LOG"
	# Without -o, to stdout when that is not a terminal.
	wx-qr -s "$u" >../piped.img
	cmp ../piped.img ../direct.img
	[ "$(ls)" = server.img ]
}

@test "wx-qr -s: an unknown uuid: the server says no, 1" {
	emu_start
	mkdir "$BATS_TEST_TMPDIR/out" && cd "$BATS_TEST_TMPDIR/out"
	run -1 --separate-stderr wx-qr -s -o server.img AAAAAAAAAA==
	assert_output ''
	assert_equal "$stderr" "wx-qr: GET https://login.weixin.qq.com/qrcode/AAAAAAAAAA==: HTTP 404"
	[ -z "$(ls)" ]
}

@test "wx-qr -s: HTTP 500 and a reset connection: 111, nothing written" {
	emu_start
	u=$(emu_uuid)
	mkdir "$BATS_TEST_TMPDIR/out" && cd "$BATS_TEST_TMPDIR/out"
	emu_ctl fault "endpoint=qrcode&kind=http500&count=1" >/dev/null
	run -111 --separate-stderr wx-qr -s -o server.img "$u"
	assert_equal "$stderr" "wx-qr: GET https://login.weixin.qq.com/qrcode/$u: HTTP 500"
	emu_ctl fault "endpoint=qrcode&kind=reset&count=1" >/dev/null
	run -111 --separate-stderr wx-qr -s -o server.img "$u"
	assert_regex "$stderr" "^wx-qr: GET https://login.weixin.qq.com/qrcode/$u: "
	[ -z "$(ls)" ]
	run -0 --separate-stderr wx-qr -s -o server.img "$u"
}
