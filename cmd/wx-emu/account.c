/* account.c — what a client does to the address book (protocol.md §10.1,
 * §10.2): webwxverifyuser answers a friend request wx-emu sent (a MsgType
 * 37 event, inject.c), webwxoplog sets a remark or pins a chat.  Each
 * change is a ModContactList event, so webwxsync tells every session.
 * Choices where the protocol says nothing: a ticket wx-emu did not issue
 * (or one answered already), an unknown UserName or an unknown Opcode /
 * CmdId get Ret 1; both CGIs answer {BaseResponse} alone. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "emu.h"

/* ContactFlag TOP (§9.5): the chat is pinned. */
#define FLAG_TOP 0x800
/* RecommendInfo.OpCode of a request not answered yet (inject.c). */
#define OP_ASKED 2

static char *
dup_or_null(const char *s)
{
	return s ? wx_strdup(s) : NULL;
}

/* The friend request (a 37 event still in the ring, unanswered) of user
 * with this ticket, or NULL. */
static struct emu_msg *
request_of(const char *user, const char *ticket)
{
	uint64_t oldest = world.seq >= EMU_EVENTS ? world.seq - EMU_EVENTS + 1 : 1;
	uint64_t q;

	for (q = oldest; user && ticket && q <= world.seq; q++) {
		struct emu_msg *m = &world.events[q % EMU_EVENTS].msg;
		if (world.events[q % EMU_EVENTS].kind == EMU_EV_MSG &&
		    m->type == 37 && m->rec.opcode == OP_ASKED &&
		    m->rec.username && strcmp(m->rec.username, user) == 0 &&
		    m->rec.ticket && strcmp(m->rec.ticket, ticket) == 0)
			return m;
	}
	return NULL;
}

/* The contact index of user, made a friend: a stranger is copied into
 * the contacts (it stays a member of its rooms); -1 if unknown. */
static int
befriend(const char *user)
{
	struct emu_contact *c = emu_contact_by_name(user), *n;
	int i;

	if (!c || c->kind == EMU_SELF || c->kind == EMU_ROOM)
		return -1;
	if (c >= world.contacts && c < world.contacts + world.ncontacts) {
		i = (int)(c - world.contacts);
	} else {
		world.contacts = wx_realloc(world.contacts,
		    ((size_t)world.ncontacts + 1) * sizeof *world.contacts);
		i = world.ncontacts++;
		n = &world.contacts[i];
		*n = *c;
		n->kind = EMU_PERSON;
		n->nickname = dup_or_null(c->nickname);
		n->remark = dup_or_null(c->remark);
		n->signature = dup_or_null(c->signature);
		n->alias = dup_or_null(c->alias);
		n->province = dup_or_null(c->province);
		n->city = dup_or_null(c->city);
		n->pyinitial = dup_or_null(c->pyinitial);
		n->pyquanpin = dup_or_null(c->pyquanpin);
		n->keyword = dup_or_null(c->keyword);
		n->rpyinitial = dup_or_null(c->rpyinitial);
		n->rpyquanpin = dup_or_null(c->rpyquanpin);
		n->members = NULL;
		n->nmembers = 0;
		n->topic_owner = NULL;
		n->mnick = n->mdisplay = NULL;
	}
	world.contacts[i].contactflag |= 3;
	world.contacts[i].saved = 1;
	return i;
}

/* Opcode 3 makes the author of the request a friend, 4 forgets it. */
static int
verify(const struct wx_json *j, long long op)
{
	char *user = wx_json_getstr(j, 0, "VerifyUserList.0.Value");
	char *ticket = wx_json_getstr(j, 0, "VerifyUserList.0.VerifyUserTicket");
	struct emu_msg *m = request_of(user, ticket);
	int ret = 1, i;

	if (m && op == 4) {
		m->rec.opcode = 4;
		ret = 0;
	} else if (m && op == 3 && (i = befriend(user)) >= 0) {
		m->rec.opcode = 3;
		emu_event_contact(EMU_EV_MODCONTACT, i);
		ret = 0;
	}
	free(user);
	free(ticket);
	return ret;
}

/* RemarkName set (server form) and, for a remark of ASCII letters and
 * digits, its RemarkPYInitial (upper case) and RemarkPYQuanPin. */
static void
set_remark(struct emu_contact *c, const char *text)
{
	struct wx_buf b = {0};
	size_t k, n = strlen(text);
	int simple = n > 0 && strspn(text, "abcdefghijklmnopqrstuvwxyz"
	             "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") == n;

	wx_text_encode(&b, text, n);
	free(c->remark);
	c->remark = b.p ? b.p : wx_strdup("");
	free(c->rpyinitial);
	free(c->rpyquanpin);
	c->rpyinitial = simple ? wx_strdup(text) : NULL;
	c->rpyquanpin = simple ? wx_strdup(text) : NULL;
	for (k = 0; simple && k < n; k++)
		if (c->rpyinitial[k] >= 'a' && c->rpyinitial[k] <= 'z')
			c->rpyinitial[k] = (char)(c->rpyinitial[k] - 'a' + 'A');
}

/* CmdId 2 sets the remark; 3 pins (OP 1) or unpins (OP 0) and sets the
 * remark to RemarkName too, absent meaning none (as W4U warns). */
static int
oplog(const struct wx_json *j)
{
	char *user = wx_json_getstr(j, 0, "UserName");
	char *remark = wx_json_getstr(j, 0, "RemarkName");
	struct emu_contact *c = emu_contact_by_name(user);
	long long cmd = -1, op = -1;
	int ret = 1;

	wx_json_int(j, wx_json_get(j, 0, "CmdId"), &cmd);
	wx_json_int(j, wx_json_get(j, 0, "OP"), &op);
	if (!c || c < world.contacts || c >= world.contacts + world.ncontacts ||
	    c->kind == EMU_SELF) {
		ret = 1;
	} else if (cmd == 2 && remark) {
		set_remark(c, remark);
		ret = 0;
	} else if (cmd == 3 && (op == 0 || op == 1)) {
		set_remark(c, remark ? remark : "");
		c->contactflag = op ? c->contactflag | FLAG_TOP
		                    : c->contactflag & ~FLAG_TOP;
		ret = 0;
	}
	if (ret == 0)
		emu_event_contact(EMU_EV_MODCONTACT, (int)(c - world.contacts));
	free(user);
	free(remark);
	return ret;
}

/* The answer of both: {BaseResponse}, and the request in /_emu/sent. */
static void
answer(struct emu_req *r, struct emu_resp *w, int ret, int authed)
{
	struct emu_jw jw;
	struct wx_buf b = {0};

	if (authed) {
		emu_sent_str(&b, "endpoint", r->endpoint);
		emu_sent_int(&b, "Ret", ret);
		emu_sent_int(&b, "time", (long long)time(NULL));
		emu_sent_add(&b);
	}
	emu_resp_json(w);
	emu_jw_begin(&jw, &w->body);
	emu_jw_base_response(&jw, ret, "");
	emu_jw_end(&jw);
}

void
emu_verifyuser(struct emu_req *r, struct emu_resp *w)
{
	int ret;
	struct emu_session *s = emu_auth(r, &ret);
	long long op = -1;

	if (s && r->json) {
		wx_json_int(r->json, wx_json_get(r->json, 0, "Opcode"), &op);
		ret = verify(r->json, op);
	} else if (s) {
		ret = 1;
	}
	answer(r, w, ret, s != NULL);
}

void
emu_oplog(struct emu_req *r, struct emu_resp *w)
{
	int ret;
	struct emu_session *s = emu_auth(r, &ret);

	if (s)
		ret = r->json ? oplog(r->json) : 1;
	answer(r, w, ret, s != NULL);
}
