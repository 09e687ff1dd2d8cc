#!/usr/bin/env bats
# wx-emu's phone page in headless Chromium, driven by build/t/cdp over
# the DevTools protocol: its Scan and Confirm log wx-login in, it shows
# what wx-send sent, what it writes reaches wx-sync, and hostile names and
# texts stay text.  Any JavaScript error, console error, CSP violation or
# dialog in the page fails a test.  The page as the first test leaves it
# is build/t/phone.png.  Skipped where Chromium cannot start.
load helper
load emu
load login

setup_file() {
	local ca="$BATS_FILE_TMPDIR/ca"
	emu_make_ca
	cat >"$BATS_FILE_TMPDIR/world" <<-'W'
	{"UserName":"@me","NickName":"Me","Kind":"self","Uin":1234567}
	{"UserName":"@alice","NickName":"Alice","Kind":"friend"}
	{"UserName":"@evil","NickName":"<script>alert(1)</script>","Kind":"friend"}
	{"UserName":"@evil2","NickName":"&lt;img src=x onerror=alert(2)&gt;","Kind":"friend"}
	{"UserName":"@@team","NickName":"Team","Kind":"group","ContactFlag":3,"MemberList":[{"UserName":"@me"},{"UserName":"@alice"},{"UserName":"@evil"}]}
	W
	emu_start -H 2 -W "$BATS_FILE_TMPDIR/world"
	# Chromium trusts the test certificate alone, by its key.
	SPKI=$(openssl x509 -in "$ca/cert.pem" -pubkey -noout |
		openssl pkey -pubin -outform der |
		openssl dgst -sha256 -binary | base64)
	export SPKI
}

teardown_file() { emu_stop; }

# cdp_start [SHOT]: build/t/cdp on the page, as the coprocess CDP (the
# screenshot to SHOT at its end), its exit status to be read by cdp_rc;
# skips the test when Chromium cannot start.  Defines until(f, what) in
# the page: f's first truthy value, polled for 10 s, else an exception.
cdp_start() {
	command -v "${CHROMIUM:-chromium}" >/dev/null ||
		skip "no Chromium (the chromium package)"
	mkdir -p "$BATS_TEST_TMPDIR/profile"
	coproc CDP {
		exec 3>&-
		rc=0
		"$TOP/build/t/cdp" -d "$BATS_TEST_TMPDIR/profile" ${1:+-s "$1"} \
			"https://127.0.0.1:$EMU_PORT/_emu/" \
			--ignore-certificate-errors-spki-list="$SPKI" \
			2>"$BATS_TEST_TMPDIR/cdp.err" || rc=$?
		echo "$rc" >"$BATS_TEST_TMPDIR/cdp.rc"
	}
	CDP_IN=${CDP[1]} CDP_OUT=${CDP[0]}
	if ! js 'window.until = async (f, what) => { for (let i = 0; i < 100; i++) { const v = f(); if (v) return v; await new Promise(r => setTimeout(r, 100)); } throw new Error("timed out waiting for " + what); }; "ready"' >/dev/null; then
		[ "$(cdp_rc)" = 77 ] &&
			skip "Chromium cannot start: $(tail -n 1 "$BATS_TEST_TMPDIR/cdp.err") $(tail -n 1 "$BATS_TEST_TMPDIR/profile/chromium.log" 2>/dev/null)"
		cat "$BATS_TEST_TMPDIR/cdp.err" >&2
		return 1
	fi
}

# The exit status of cdp, once it has ended (40 s at most).
cdp_rc() {
	wait_for_file "$BATS_TEST_TMPDIR/cdp.rc" 40 && cat "$BATS_TEST_TMPDIR/cdp.rc"
}

# js EXPR: the value of EXPR in the page, one line.
js() {
	local line
	printf '%s\n' "$1" >&"$CDP_IN" || return 1
	IFS= read -r -t 45 line <&"$CDP_OUT" || return 1
	printf '%s\n' "$line"
}

# cdp_end: Chromium closed; fails, with what went wrong in the page, if
# anything did.
cdp_end() {
	eval "exec $CDP_IN>&-"
	if [ "$(cdp_rc)" != 0 ] || [ -s "$BATS_TEST_TMPDIR/cdp.err" ]; then
		cat "$BATS_TEST_TMPDIR/cdp.err" >&2
		return 1
	fi
}

@test "phone page: Scan and Confirm log wx-login in; wx-send shows; a reply reaches wx-sync" {
	local uuid pid
	export WX_DIR="$BATS_TEST_TMPDIR/wx" WX_RATE=0
	cdp_start "$TOP/build/t/phone.png"
	setsid -w wx-login -t 20 </dev/null >"$BATS_TEST_TMPDIR/login.out" \
		2>"$BATS_TEST_TMPDIR/login.err" 3>&- &
	pid=$!
	run -0 js 'until(() => /waiting$/.test($("login").textContent) && $("qr").naturalWidth > 0 && $("login").textContent, "the QR")'
	uuid=$(emu_ctl state | jq -r '.logins[-1].uuid')
	assert_output "uuid $uuid: waiting"
	run -0 js 'document.querySelector("[data-call=scan]").click(); until(() => /scanned$/.test($("login").textContent), "scanned")'
	run -0 js 'document.querySelector("[data-call=confirm]").click(); until(() => /^logged in/.test($("session").textContent) && $("session").textContent, "the session")'
	assert_output 'logged in on wx2.qq.com'
	wait "$pid"
	run -0 js 'until(() => /used$/.test($("login").textContent), "used").then(() => getComputedStyle($("qr")).display)'
	assert_output none
	# wx-send's text in Alice's chat, sent by the account.
	wx-send @alice 'hello from wx-send' </dev/null >/dev/null
	run -0 js 'document.querySelector("#list li[data-user=\"@alice\"]").click(); until(() => [...document.querySelectorAll("#messages li.out")].some(li => li.textContent === "hello from wx-send"), "the sent text")'
	assert_output true
	# Alice answers from the page; wx-sync receives it.
	run -0 js '$("text").value = "hi, from the page & <me>"; document.querySelector("#compose button").click(); until(() => [...document.querySelectorAll("#messages li.in")].some(li => li.textContent === "hi, from the page & <me>"), "the reply")'
	assert_output true
	run -0 js '$("title").textContent + "|" + $("as").value'
	assert_output 'Alice|@alice'
	cdp_end
	run -0 wx-sync </dev/null
	assert_output --partial '@alice'
	assert_output --partial 'hi, from the page & <me>'
	[ -s "$TOP/build/t/phone.png" ]
}

@test "phone page: names and texts that look like markup are text, and nothing runs" {
	cdp_start
	run -0 js 'until(() => document.querySelector("#list li[data-user=\"@evil\"]"), "the contacts").then(() => [...document.querySelectorAll("#list li")].map(li => li.firstChild.textContent).join("|"))'
	assert_output 'Alice|<script>alert(1)</script>|<img src=x onerror=alert(2)>|Team'
	emu_ctl message '' --data '{"From":"@evil","Content":"<img src=x onerror=alert(3)><script>alert(4)</script>"}' >/dev/null
	run -0 js 'document.querySelector("#list li[data-user=\"@evil\"]").click(); until(() => document.querySelector("#messages li.in"), "the message").then(li => li.textContent)'
	assert_output '<img src=x onerror=alert(3)><script>alert(4)</script>'
	run -0 js 'document.querySelectorAll("#list script, #list img, #messages script, #messages img, #title *").length'
	assert_output 0
	# A room's box writes as any member but the account.
	run -0 js 'document.querySelector("#list li[data-user=\"@@team\"]").click(); until(() => $("as").options.length > 1 && [...$("as").options].map(o => o.value + "=" + o.textContent).join(" "), "the members")'
	assert_output '@alice=Alice @evil=<script>alert(1)</script>'
	cdp_end
}

@test "phone page: images show and files link, both ways; a group's box writes as a member" {
	export WX_DIR="$BATS_TEST_TMPDIR/wx" WX_RATE=0
	new_uuid
	phone_confirm "$UUID"
	wx-wait -t 20 </dev/null >/dev/null
	wx-init </dev/null >/dev/null
	emu_curl "https://127.0.0.1:$EMU_PORT/_emu/qrcode" -o "$BATS_TEST_TMPDIR/qr.jpg"
	wx-send -f "$BATS_TEST_TMPDIR/qr.jpg" @alice </dev/null >/dev/null
	cdp_start
	run -0 js 'until(() => document.querySelector("#list li[data-user=\"@alice\"]"), "the contacts").then(li => { li.click(); return until(() => [...document.querySelectorAll("#messages li.out img")].find(i => i.complete && i.naturalWidth > 0), "the sent image"); }).then(i => i.naturalWidth)'
	[ "$output" -gt 0 ]
	# An image and a file from disk, as Alice.
	run -0 js 'fetch("qrcode").then(r => r.blob()).then(b => { const d = new DataTransfer(); d.items.add(new File([b], "qr.jpg", { type: "image/jpeg" })); $("file").files = d.files; document.querySelector("#compose button").click(); return until(() => [...document.querySelectorAll("#messages li.in img")].find(i => i.complete && i.naturalWidth > 0), "the image"); }).then(i => i.naturalWidth)'
	[ "$output" -gt 0 ]
	run -0 js 'until(() => $("file").value === "", "the box emptied").then(() => { const d = new DataTransfer(); d.items.add(new File(["file body\n"], "notes <1>.txt", { type: "text/plain" })); $("file").files = d.files; document.querySelector("#compose button").click(); return until(() => document.querySelector("#messages li.in a"), "the file link"); }).then(a => a.textContent + "|" + a.download + "|" + /^media\?msgid=[0-9]+$/.test(a.getAttribute("href")))'
	assert_output 'notes <1>.txt|notes <1>.txt|true'
	run -0 emu_curl "https://127.0.0.1:$EMU_PORT/_emu/messages"
	local file
	file=$(jq -r 'select(.From == "@alice" and .MsgType == 49) | .MsgId' <<<"$output")
	run -0 emu_curl "https://127.0.0.1:$EMU_PORT/_emu/media?msgid=$file"
	assert_output 'file body'
	# In the group, as the member named like a script.
	run -0 js 'document.querySelector("#list li[data-user=\"@@team\"]").click(); until(() => $("as").options.length > 1, "the members").then(() => { $("as").value = "@evil"; $("text").value = "from the group"; document.querySelector("#compose button").click(); return until(() => document.querySelector("#messages li.in .who"), "the group message"); }).then(w => w.textContent + "|" + w.parentNode.lastChild.textContent)'
	assert_output '<script>alert(1)</script>|from the group'
	cdp_end
	run -0 emu_curl "https://127.0.0.1:$EMU_PORT/_emu/messages"
	run -0 jq -c 'select(.From == "@@team") | .Text' <<<"$output"
	assert_output '"@evil:\nfrom the group"'
}
