/* phone.js — the phone page of wx-emu(1).  It reads the world through
 * the control API (state, contacts, members, messages), acts on it the
 * same way (scan … expire, kick, fault, message), and follows it with
 * the long poll /_emu/changes.  Names and texts are the server's data:
 * they reach the page as textContent only, never as markup. */
"use strict";

const page = {
	changes: null,          /* last count /_emu/changes gave */
	seq: 0,                 /* last message event shown */
	self: "",
	uuid: "",               /* the login the phone buttons act on */
	contacts: new Map(),    /* UserName -> contact line */
	chats: new Map(),       /* UserName -> its messages */
	members: new Map(),     /* room UserName -> its member lines */
	open: "",               /* UserName of the chat shown */
};

function $(id) {
	return document.getElementById(id);
}

function el(tag, text, cls) {
	const e = document.createElement(tag);

	if (text !== undefined)
		e.textContent = text;
	if (cls)
		e.className = cls;
	return e;
}

function say(text) {
	$("status").textContent = text;
}

function sleep(ms) {
	return new Promise(done => setTimeout(done, ms));
}

/* A control call's answer text; a refusal throws with its reason. */
async function call(path, init) {
	const r = await fetch(path, init);
	const text = await r.text();

	if (!r.ok)
		throw new Error(path.split("?")[0] + ": " + r.status + " " +
		                text.trim());
	return text;
}

function ndjson(text) {
	return text.split("\n").filter(l => l).map(l => JSON.parse(l));
}

/* A button's call, a POST: what it answered, or why not, in the status
 * line. */
async function act(path, body) {
	try {
		say(path.split("?")[0] + ": " +
		    (await call(path, { method: "POST", body })).trim());
	} catch (e) {
		say(e.message);
	}
}

function name(user) {
	const c = page.contacts.get(user);

	if (user === page.self)
		return "the account";
	return c ? c.Name || c.UserName : user;
}

/* ---- the phone: login and session ---- */

function show_state(st) {
	const login = st.logins[st.logins.length - 1];
	const live = st.sessions.filter(s => !s.dead);

	page.self = st.self;
	if (login) {
		$("login").textContent = "uuid " + login.uuid + ": " + login.state;
		if (login.uuid !== page.uuid)
			$("qr").src = "qrcode?uuid=" + encodeURIComponent(login.uuid);
		page.uuid = login.uuid;
		$("qr").hidden = login.state !== "waiting" &&
		                 login.state !== "scanned";
	}
	$("session").textContent = live.length ?
		"logged in on " + live[live.length - 1].web :
		st.sessions.length ? "ended (" + st.sessions[st.sessions.length -
		                     1].dead + ")" : "none";
}

/* ---- contacts ---- */

const KINDS = { person: "friend", room: "group", mp: "public", special: "special" };

function show_contacts(lines) {
	const list = $("list");

	page.contacts = new Map(lines.map(c => [c.UserName, c]));
	list.replaceChildren();
	for (const c of lines) {
		if (c.Kind === "self")
			continue;
		const li = el("li", c.Name || c.UserName);
		li.dataset.user = c.UserName;
		li.classList.toggle("open", c.UserName === page.open);
		li.append(" ", el("span", KINDS[c.Kind] || c.Kind, "kind"));
		li.addEventListener("click",
		                    () => open_chat(c.UserName).catch(e => say(e.message)));
		list.append(li);
	}
}

/* ---- chats ---- */

/* Whose chat message m is in: the other side of the account. */
function chat_of(m) {
	return m.From === page.self ? m.To : m.From;
}

function take_messages(lines) {
	for (const m of lines) {
		page.seq = Math.max(page.seq, m.seq);
		if (m.From === m.To)
			continue;       /* the account's own notices, no chat */
		const key = chat_of(m);
		if (!page.chats.has(key))
			page.chats.set(key, []);
		page.chats.get(key).push(m);
	}
}

/* What a message shows: its text, image, or a link to its file, voice
 * or video; a room message's
 * sender ("@member:\n" before the text) apart. */
function message_item(m) {
	const li = el("li", undefined, m.From === page.self ? "out" : "in");
	let text = m.Text;
	const sender = m.From.startsWith("@@") && /^([^:\n]+):\n/.exec(text);
	const media = "media?msgid=" + encodeURIComponent(m.MsgId);

	if (sender) {
		li.append(el("span", member_name(m.From, sender[1]), "who"));
		text = text.slice(sender[0].length);
	}
	if (m.MsgType === 3 || m.MsgType === 47) {
		const img = el("img");
		img.alt = "image " + m.MsgId;
		img.src = media;
		li.append(img);
	} else if (m.MsgType === 49 && m.AppMsgType === 6) {
		li.append(bytes_link(media, m.FileName || "file"));
	} else if (m.MsgType === 34 || m.MsgType === 43) {
		li.append(bytes_link(media, (m.MsgType === 34 ? "voice " : "video ") +
		                     m.MsgId));
	} else if (m.MsgType === 1) {
		li.append(text);
	} else {
		li.append("[MsgType " + m.MsgType + "] " + text);
	}
	return li;
}

/* A link that downloads a message's bytes as name. */
function bytes_link(media, name) {
	const a = el("a", name);

	a.href = media;
	a.download = name;
	return a;
}

function member_name(room, user) {
	const m = (page.members.get(room) || []).find(x => x.UserName === user);

	return m ? m.Name || user : name(user);
}

function show_chat() {
	const box = $("messages");

	box.replaceChildren(...(page.chats.get(page.open) || []).map(message_item));
	box.lastElementChild?.scrollIntoView({ block: "end" });
}

/* Who the page can write as in this chat: the friend, or a room's
 * members but the account. */
async function open_chat(user) {
	const as = $("as");
	let who = [page.contacts.get(user)];

	page.open = user;
	for (const li of $("list").children)
		li.classList.toggle("open", li.dataset.user === user);
	$("title").textContent = name(user);
	if (user.startsWith("@@")) {
		if (!page.members.has(user))
			page.members.set(user,
			    ndjson(await call("members?username=" +
			                      encodeURIComponent(user))));
		who = page.members.get(user).filter(x => x.UserName !== page.self);
	}
	as.replaceChildren(...who.map(c => {
		const o = el("option", c.Name || c.UserName);
		o.value = c.UserName;
		return o;
	}));
	$("compose").hidden = false;
	show_chat();
}

function base64_of(file) {
	return new Promise((done, fail) => {
		const r = new FileReader();
		r.onload = () => done(r.result.slice(r.result.indexOf(",") + 1));
		r.onerror = () => fail(r.error);
		r.readAsDataURL(file);
	});
}

/* The box's text, or the chosen file as an image or a file message,
 * from the chat's friend or from the member chosen in a room. */
async function send(ev) {
	const file = $("file").files[0];
	const msg = { From: page.open, To: "self" };

	ev.preventDefault();
	if (page.open.startsWith("@@"))
		msg.Sender = $("as").value;
	if (file) {
		msg.TypeName = file.type.startsWith("image/") ? "image" : "file";
		msg.FileName = file.name;
		msg.Media = await base64_of(file);
	} else if ($("text").value) {
		msg.Content = $("text").value;
	} else {
		return;
	}
	await act("message", JSON.stringify(msg));
	$("text").value = "";
	$("file").value = "";
}

/* ---- following the world ---- */

async function refresh() {
	show_state(JSON.parse(await call("state")));
	show_contacts(ndjson(await call("contacts")));
	take_messages(ndjson(await call("messages?since=" + page.seq)));
	if (page.open)
		show_chat();
}

async function follow() {
	for (;;) {
		try {
			const n = Number(await call(page.changes === null ? "changes" :
			                            "changes?since=" + page.changes));
			if (n !== page.changes) {
				page.changes = n;
				await refresh();
				say("up to date (change " + n + ")");
			} else {
				await sleep(250);   /* -H 0 answers at once */
			}
		} catch (e) {
			say("wx-emu is not answering: " + e.message);
			await sleep(2000);
		}
	}
}

function start() {
	for (const b of document.querySelectorAll("[data-call]"))
		b.addEventListener("click", () => act(b.dataset.call + "?uuid=" +
		                                      encodeURIComponent(page.uuid)));
	$("kick").addEventListener("click", () => act("kick"));
	for (const b of document.querySelectorAll("[data-kind]"))
		b.addEventListener("click", () => {
			const kind = b.dataset.kind === "selector" ?
			             "selector" + $("selector").value : b.dataset.kind;
			act("fault?endpoint=" + encodeURIComponent($("endpoint").value) +
			    "&kind=" + encodeURIComponent(kind) +
			    "&count=" + encodeURIComponent($("count").value));
		});
	$("compose").addEventListener("submit",
	                              ev => send(ev).catch(e => say(e.message)));
	follow();
}

start();
