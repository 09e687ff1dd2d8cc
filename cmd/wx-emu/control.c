/* control.c — the test-side API under /_emu/ (design.md §4): play the
 * phone (scan, confirm, cancel, expire), inject messages (built by
 * inject.c) and contact changes, show a message's media bytes, read what
 * clients sent, end sessions, arm faults; and what the phone page
 * (phone.c) reads: the QR, rooms' members, the messages, a long poll on
 * changes. */
#include <stdlib.h>
#include <string.h>

#include "emu.h"

#define INJECT_MAX 100000       /* ?count= cap per request */

static void
text(struct emu_resp *w, int status, const char *body)
{
	w->status = status;
	emu_resp_header(w, "Content-Type", "text/plain; charset=utf-8");
	wx_buf_adds(&w->body, body);
}

/* ---- the phone ---- */

static struct emu_login *
login_arg(struct emu_req *r)
{
	const char *uuid = emu_arg(r, "uuid");

	return uuid && *uuid ? emu_login_find(uuid) : emu_login_latest();
}

static void
phone(struct emu_req *r, struct emu_resp *w,
      int (*step)(struct emu_login *))
{
	struct emu_login *l = login_arg(r);

	if (!l)
		text(w, 404, "no such uuid\n");
	else if (step(l) < 0)
		text(w, 409, "uuid is past that step\n");
	else
		text(w, 200, "ok\n");
}

static void
c_scan(struct emu_req *r, struct emu_resp *w)
{
	phone(r, w, emu_login_scan);
}

static void
c_confirm(struct emu_req *r, struct emu_resp *w)
{
	phone(r, w, emu_login_confirm);
}

static void
c_cancel(struct emu_req *r, struct emu_resp *w)
{
	phone(r, w, emu_login_cancel);
}

static void
c_expire(struct emu_req *r, struct emu_resp *w)
{
	phone(r, w, emu_login_expire);
}

static void
c_qrcode(struct emu_req *r, struct emu_resp *w)
{
	struct emu_login *l = login_arg(r);

	emu_qrcode_of(l ? l->uuid : "", w);
}

/* ---- messages ---- */

static void
c_message(struct emu_req *r, struct emu_resp *w)
{
	const char *count = emu_arg(r, "count"), *err = NULL;
	struct wx_buf ids = {0};
	long i;

	if (count) {
		char *end;
		long n = strtol(count, &end, 10);
		if (*end || n < 1 || n > INJECT_MAX) {
			text(w, 400, "bad count\n");
			return;
		}
		for (i = 0; i < n; i++)
			wx_buf_addf(&ids, "%llu\n",
			            (unsigned long long)emu_inject_generated((int)i));
	} else if (r->body.len && !r->json) {
		text(w, 400, "body is not JSON\n");
		return;
	} else {
		uint64_t id = emu_inject(r->json, &err);
		if (!id) {
			text(w, 400, err);
			return;
		}
		wx_buf_addf(&ids, "%llu\n", (unsigned long long)id);
	}
	text(w, 200, ids.p);
	wx_buf_free(&ids);
}

/* The bytes the download endpoint of message msgid serves (of
 * webwxgetmsgimg with type=slave), so a test can compare a client's
 * download byte for byte. */
static void
c_media(struct emu_req *r, struct emu_resp *w)
{
	const char *type = emu_arg(r, "type");
	int thumb = type && strcmp(type, "slave") == 0;
	struct wx_buf made = {0};
	const struct emu_msg *m;
	const struct wx_buf *d;
	uint64_t id;

	if (emu_parse_u64(emu_arg(r, "msgid"), &id) < 0 ||
	    !(m = emu_msg_by_id(id))) {
		text(w, 404, "no such message\n");
		return;
	}
	d = emu_msg_bytes(m, thumb ? "webwxgetmsgimg" : emu_msg_endpoint(m),
	                  thumb, &made);
	emu_resp_header(w, "Content-Type", "application/octet-stream");
	wx_buf_add(&w->body, d->p ? d->p : "", d->len);
	wx_buf_free(&made);
}

/* ---- what clients sent ---- */

static void
c_sent(struct emu_req *r, struct emu_resp *w)
{
	size_t first = world.nsent < EMU_SENT ? 0 : world.sentpos;
	size_t i;

	(void)r;
	text(w, 200, "");
	for (i = 0; i < world.nsent; i++) {
		wx_buf_adds(&w->body, world.sent[(first + i) % EMU_SENT].json);
		wx_buf_addc(&w->body, '\n');
	}
}

/* "key":"the server text s as plain text" (a name, a Content). */
static void
put_plain(struct wx_buf *b, const char *key, const char *s)
{
	char *t = wx_text_decode(s ? s : "", s ? strlen(s) : 0);

	wx_buf_addf(b, "\"%s\":", key);
	wx_json_put_strz(b, t);
	free(t);
}

/* ?since=N into *after (0 without it): 0, or -1 once the 400 is set. */
static int
since_arg(struct emu_req *r, struct emu_resp *w, uint64_t *after)
{
	const char *since = emu_arg(r, "since");

	*after = 0;
	if (since && emu_parse_u64(since, after) < 0) {
		text(w, 400, "bad since\n");
		return -1;
	}
	return 0;
}

/* NDJSON, one message event for every session a line, those after event
 * ?since= (default all kept): the chats of the phone page. */
static void
c_messages(struct emu_req *r, struct emu_resp *w)
{
	const struct emu_event *e;
	uint64_t after;

	if (since_arg(r, w, &after) < 0)
		return;
	text(w, 200, "");
	for (e = emu_event_next(NULL, after); e; e = emu_event_next(NULL, e->seq)) {
		const struct emu_msg *m = &e->msg;
		if (e->kind != EMU_EV_MSG)
			continue;
		wx_buf_addf(&w->body, "{\"seq\":%llu,\"MsgId\":\"%llu\",\"From\":",
		            (unsigned long long)e->seq,
		            (unsigned long long)m->msgid);
		wx_json_put_strz(&w->body, m->from);
		wx_buf_adds(&w->body, ",\"To\":");
		wx_json_put_strz(&w->body, m->to);
		wx_buf_addf(&w->body, ",\"MsgType\":%d,\"AppMsgType\":%d,",
		            m->type, m->appmsgtype);
		put_plain(&w->body, "Text", m->content);
		wx_buf_addc(&w->body, ',');
		put_plain(&w->body, "FileName", m->filename);
		wx_buf_adds(&w->body, "}\n");
	}
}

/* The count of world changes once it is above ?since= or the -H hold
 * has passed, at once without since: the phone page's long poll. */
void
emu_changes(struct emu_req *r, struct emu_resp *w)
{
	int since = emu_arg(r, "since") != NULL;
	struct timespec deadline = emu_hold_deadline();
	uint64_t after;

	if (since_arg(r, w, &after) < 0)
		return;
	while (since && world.changes <= after && emu_wait(&deadline) == 0)
		;
	text(w, 200, "");
	wx_buf_addf(&w->body, "%llu\n", (unsigned long long)world.changes);
}

/* ---- sessions and contacts ---- */

static void
c_kick(struct emu_req *r, struct emu_resp *w)
{
	struct emu_session *s = emu_session_newest();

	(void)r;
	if (!s || s->dead) {
		text(w, 404, "no live session\n");
		return;
	}
	s->dead = 1101;
	emu_notify();
	text(w, 200, "ok\n");
}

static void
contact_event(struct emu_req *r, struct emu_resp *w,
              enum emu_ekind kind)
{
	struct emu_contact *c = emu_contact_by_name(emu_arg(r, "username"));
	const char *nick = emu_arg(r, "nickname");

	if (!c || c < world.contacts || c >= world.contacts + world.ncontacts ||
	    c->kind == EMU_SELF) {
		text(w, 404, "no such contact\n");
		return;
	}
	if (kind == EMU_EV_MODCONTACT && nick) {
		struct wx_buf b = {0};
		wx_text_encode(&b, nick, strlen(nick));
		free(c->nickname);
		c->nickname = b.p;
	}
	if (kind == EMU_EV_MODCONTACT)
		c->saved = 1;
	else
		c->saved = 0;
	emu_event_contact(kind, (int)(c - world.contacts));
	text(w, 200, "ok\n");
}

static void
c_modcontact(struct emu_req *r, struct emu_resp *w)
{
	contact_event(r, w, EMU_EV_MODCONTACT);
}

static void
c_delcontact(struct emu_req *r, struct emu_resp *w)
{
	contact_event(r, w, EMU_EV_DELCONTACT);
}

static void
c_fault(struct emu_req *r, struct emu_resp *w)
{
	const char *ep = emu_arg(r, "endpoint"), *kind = emu_arg(r, "kind");
	const char *count = emu_arg(r, "count");
	char *end = NULL;
	long n = count ? strtol(count, &end, 10) : 1;

	if (!ep || !kind || (end && *end) || n < 0 || n > 1000000 ||
	    emu_fault_arm(ep, kind, (int)n) < 0) {
		text(w, 400, "bad fault: need endpoint, kind (http500 reset "
		     "truncate malformed slow ret1100 ret1101 ret1102 ret1203 "
		     "ret1205 ret-1 cookie, or selectorN with N 0..9999 for "
		     "synccheck) and count\n");
		return;
	}
	text(w, 200, "ok\n");
}

static const char *const KIND[] = { "person", "room", "mp", "special", "self" };
static const char *const STATE[] = { "waiting", "scanned", "confirmed",
                                     "expired", "cancelled", "used" };

/* The members a contact line and a member line share, without "}":
 * UserName, NickName as the server has it, Name as plain text. */
static void
put_person(struct wx_buf *b, const struct emu_contact *c)
{
	wx_buf_adds(b, "{\"UserName\":");
	wx_json_put_strz(b, c->username);
	wx_buf_adds(b, ",\"NickName\":");
	wx_json_put_strz(b, c->nickname);
	wx_buf_addc(b, ',');
	put_plain(b, "Name", c->nickname);
}

/* NDJSON, one contact a line: what tests need to address them. */
static void
c_contacts(struct emu_req *r, struct emu_resp *w)
{
	int i;

	(void)r;
	text(w, 200, "");
	for (i = 0; i < world.ncontacts; i++) {
		const struct emu_contact *c = &world.contacts[i];
		put_person(&w->body, c);
		wx_buf_addf(&w->body, ",\"Kind\":\"%s\",\"Saved\":%d,"
		            "\"MemberCount\":%d}\n", KIND[c->kind], c->saved,
		            c->nmembers);
	}
}

/* NDJSON, one member of room ?username= a line. */
static void
c_members(struct emu_req *r, struct emu_resp *w)
{
	const struct emu_contact *c = emu_contact_by_name(emu_arg(r, "username"));
	int i;

	if (!c || c->kind != EMU_ROOM) {
		text(w, 404, "no such room\n");
		return;
	}
	text(w, 200, "");
	for (i = 0; i < c->nmembers; i++) {
		put_person(&w->body, emu_member(c, i));
		wx_buf_adds(&w->body, "}\n");
	}
}

/* Logins and sessions are rings: listed from the slot after the newest,
 * so that the newest comes last however often the ring went round. */
static void
c_state(struct emu_req *r, struct emu_resp *w)
{
	const struct emu_login *l = emu_login_latest();
	const struct emu_session *s = emu_session_newest();
	int first = l ? (int)(l - world.logins) + 1 : 0, i;

	(void)r;
	text(w, 200, "");
	wx_buf_addf(&w->body, "{\"self\":\"%s\",\"uin\":\"%u\",\"contacts\":%d,"
	            "\"seq\":%llu,\"logins\":[", world.contacts[0].username,
	            world.contacts[0].uin, world.ncontacts,
	            (unsigned long long)world.seq);
	for (i = 0; i < world.nlogins; i++) {
		l = &world.logins[(first + i) % world.nlogins];
		wx_buf_addf(&w->body, "%s{\"uuid\":\"%s\",\"state\":\"%s\","
		            "\"web\":\"%s\"}", i ? "," : "", l->uuid,
		            STATE[l->state], l->web);
	}
	wx_buf_adds(&w->body, "],\"sessions\":[");
	first = s ? (int)(s - world.sessions) + 1 : 0;
	for (i = 0; i < world.nsessions; i++) {
		s = &world.sessions[(first + i) % world.nsessions];
		wx_buf_addf(&w->body, "%s{\"web\":\"%s\",\"dead\":%d,"
		            "\"inited\":%d,\"seen\":%llu}", i ? "," : "",
		            s->web, s->dead, s->inited,
		            (unsigned long long)s->seen);
	}
	wx_buf_adds(&w->body, "]}\n");
}

static const struct {
	const char *name;
	void (*fn)(struct emu_req *, struct emu_resp *);
} CALLS[] = {
	{ "scan", c_scan }, { "confirm", c_confirm }, { "cancel", c_cancel },
	{ "expire", c_expire }, { "message", c_message }, { "media", c_media },
	{ "sent", c_sent },
	{ "kick", c_kick }, { "fault", c_fault }, { "modcontact", c_modcontact },
	{ "delcontact", c_delcontact }, { "contacts", c_contacts },
	{ "state", c_state }, { "qrcode", c_qrcode }, { "members", c_members },
	{ "messages", c_messages },
};

void
emu_control(struct emu_req *r, struct emu_resp *w)
{
	const char *name = r->path + strlen("/_emu/");
	size_t i;

	for (i = 0; i < sizeof CALLS / sizeof *CALLS; i++)
		if (strcmp(name, CALLS[i].name) == 0) {
			CALLS[i].fn(r, w);
			return;
		}
	if (emu_page(name, w) < 0)
		text(w, 404, "no such control call\n");
}
