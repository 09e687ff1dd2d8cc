/* send.c — webwxsendmsg and its media siblings, webwxrevokemsg
 * (protocol.md §7, §8.6, checklist §12.11–12.12).
 *
 * Choices where the real server's answer is not known (documented in
 * wx-emu(1)):
 *  - send to a UserName nobody knows: Ret 1201; to a room member who is
 *    not a contact: Ret 1204; a MediaId (or file attachid) that names no
 *    finished upload and no message the session received (a forward, as
 *    RC and W4U make it): Ret 1; no Msg object at all: Ret 1200.
 *  - -F: a recipient other than filehelper: Ret 1.
 *  - revoke of an unknown SvrMsgId: Ret 1; of a message older than the
 *    window (120 s, or $WX_EMU_REVOKE_WINDOW seconds): Ret -2.
 * Every error answer keeps the full success shape with empty values. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "emu.h"

/* ---- sends: webwxsendmsg, …msgimg, …videomsg, …appmsg, …emoticon ---- */

/* What each send endpoint makes: the MsgType of the stored message and
 * whether Msg.MediaId must name a finished upload. */
static const struct send_kind {
	const char *endpoint;
	int msgtype;
	int media;              /* 1 required, 0 optional */
} send_kinds[] = {
	{ "webwxsendmsg", 1, 0 },
	{ "webwxsendmsgimg", 3, 1 },
	{ "webwxsendvideomsg", 43, 1 },
	{ "webwxsendemoticon", 47, 0 },
	{ "webwxsendappmsg", 49, 0 },
};

/* Sends remembered for de-duplication (ClientMsgId) and revoke. */
#define SENDS 4096
static struct send_rec {
	uint64_t msgid;
	char clientmsgid[40];
	char to[72];
	time_t when;
	int revoked;
} sends[SENDS];
static size_t sendpos;

static struct send_rec *
send_by_client_id(const char *id)
{
	size_t i;

	for (i = 0; *id && i < SENDS; i++)
		if (sends[i].msgid && strcmp(sends[i].clientmsgid, id) == 0)
			return &sends[i];
	return NULL;
}

static struct send_rec *
send_by_msgid(uint64_t msgid)
{
	size_t i;

	for (i = 0; msgid && i < SENDS; i++)
		if (sends[i].msgid == msgid)
			return &sends[i];
	return NULL;
}

/* One send request, its Msg read leniently: keys in any order, numbers
 * or strings for Type and the ids (exponent-form floats kept as sent). */
struct send_req {
	const struct send_kind *kind;
	long long type;
	char *content, *from, *to, *localid, *clientmsgid, *mediaid, *md5;
};

static char *
msg_field(const struct wx_json *j, int msg, const char *key)
{
	return wx_json_str(j, wx_json_get(j, msg, key));
}

/* <attachid>…</attachid> of an appmsg XML (raw or entity-escaped). */
static char *
attach_id(const char *xml)
{
	const char *p = xml ? strstr(xml, "attachid>") : NULL;
	const char *e;

	if (!p)
		return NULL;
	p += 9;
	e = p + strcspn(p, "<&");
	return e > p ? wx_strndup(p, (size_t)(e - p)) : NULL;
}

static int
send_parse(const struct emu_req *r, struct send_req *q)
{
	const struct wx_json *j = r->json;
	int msg = j ? wx_json_get(j, 0, "Msg") : -1;
	size_t i;

	for (i = 0; i < sizeof send_kinds / sizeof *send_kinds; i++)
		if (strcmp(r->endpoint, send_kinds[i].endpoint) == 0)
			q->kind = &send_kinds[i];
	if (!q->kind || msg < 0 || wx_json_type(j, msg) != WX_JSON_OBJECT)
		return 1200;
	/* LYK sends "Type":"Test Message": take the endpoint's own type. */
	if (wx_json_int(j, wx_json_get(j, msg, "Type"), &q->type) < 0)
		q->type = q->kind->msgtype == 49 ? 6 : q->kind->msgtype;
	q->content = msg_field(j, msg, "Content");
	q->from = msg_field(j, msg, "FromUserName");
	q->to = msg_field(j, msg, "ToUserName");
	q->localid = msg_field(j, msg, "LocalID");
	q->clientmsgid = msg_field(j, msg, "ClientMsgId");
	q->mediaid = msg_field(j, msg, "MediaId");
	q->md5 = msg_field(j, msg, "EMoticonMd5");
	if (!q->localid)
		q->localid = wx_strdup(q->clientmsgid ? q->clientmsgid : "");
	if (!q->clientmsgid)
		q->clientmsgid = wx_strdup(q->localid);
	if (!q->mediaid && q->kind->msgtype == 49 && q->type == 6)
		q->mediaid = attach_id(q->content);
	return 0;
}

static void
send_req_free(struct send_req *q)
{
	free(q->content);
	free(q->from);
	free(q->to);
	free(q->localid);
	free(q->clientmsgid);
	free(q->mediaid);
	free(q->md5);
}

/* Ret for the recipient and the media of q (0 if they are fine). */
static int
send_check(const struct emu_session *s, const struct send_req *q)
{
	const struct emu_contact *c = emu_contact_by_name(q->to);
	int has_media = q->mediaid && *q->mediaid;

	/* -F: the page writes to the file helper alone; another recipient
	 * is assumed refused as a bad request (filehelper.md §5). */
	if (emu_opt.filehelper && (!q->to || strcmp(q->to, wx_fh.chat) != 0))
		return 1;
	if (!c)
		return 1201;
	if (c >= world.strangers && c < world.strangers + world.nstrangers)
		return 1204;
	if (has_media && !emu_upload_find(q->mediaid) &&
	    !emu_msg_by_mediaid(s, q->mediaid))
		return 1;
	if (!has_media && (q->kind->media ||
	    (q->kind->msgtype == 47 && !(q->md5 && *q->md5)) ||
	    (q->kind->msgtype == 49 && q->type == 6)))
		return 1;
	return 0;
}

/* The sent message as the server stores and echoes it (§8.1, §8.6). */
static void
send_message(const struct send_req *q, uint64_t msgid)
{
	const struct emu_upload *u = emu_upload_find(q->mediaid);
	const char *self = world.contacts[0].username;
	size_t size = u ? u->data.len : 0;
	struct emu_msg m = {0};
	struct wx_buf xml = {0}, content = {0};
	char sizes[24];

	m.msgid = msgid;
	m.from = (char *)self;
	m.to = q->to;
	m.type = q->kind->msgtype == 1 || q->kind->msgtype == 43 ?
	         (int)q->type : q->kind->msgtype;
	m.createtime = time(NULL);
	m.status = 3;
	m.imgstatus = m.type == 3 || m.type == 47 ? 2 : 1;
	m.mediaid = q->mediaid;
	switch (q->kind->msgtype) {
	case 3:
		wx_buf_addf(&xml, "<msg><img length=\"%zu\" hdlength=\"0\" />"
		            "<commenturl></commenturl></msg>", size);
		break;
	case 43:
		wx_buf_addf(&xml, "<msg><videomsg length=\"%zu\" playlength=\"0\" "
		            "fromusername=\"%s\" /></msg>", size, self);
		break;
	case 47:
		wx_buf_addf(&xml, "<msg><emoji fromusername=\"%s\" tousername=\"%s\" "
		            "type=\"2\" md5=\"%s\" len=\"%zu\"></emoji></msg>",
		            self, q->to, u ? u->md5 : q->md5 ? q->md5 : "", size);
		break;
	case 49:
		m.appmsgtype = (int)q->type;
		m.filename = u ? u->name : NULL;
		snprintf(sizes, sizeof sizes, "%zu", size);
		m.filesize = u ? sizes : NULL;
		/* FALLTHROUGH */
	default:
		wx_buf_adds(&xml, q->content ? q->content : "");
	}
	wx_text_encode(&content, xml.p, xml.len);
	m.content = content.p ? content.p : (char *)"";
	emu_event_msg(&m, NULL);
	wx_buf_free(&xml);
	wx_buf_free(&content);
}

static void
send_log(const struct emu_req *r, const struct send_req *q, uint64_t msgid)
{
	struct wx_buf b = {0};
	char id[24];

	snprintf(id, sizeof id, "%" PRIu64, msgid);
	emu_sent_str(&b, "endpoint", r->endpoint);
	emu_sent_str(&b, "MsgID", id);
	emu_sent_str(&b, "LocalID", q->localid);
	emu_sent_str(&b, "ClientMsgId", q->clientmsgid);
	emu_sent_str(&b, "From", q->from);
	emu_sent_str(&b, "To", q->to);
	emu_sent_int(&b, "Type", q->type);
	emu_sent_str(&b, "Content", q->content);
	emu_sent_str(&b, "MediaId", q->mediaid);
	emu_sent_str(&b, "EMoticonMd5", q->md5);
	emu_sent_int(&b, "time", (long long)time(NULL));
	emu_sent_add(&b);
}

/* Remember a new send; MsgID of the earlier twin for a resend. */
static uint64_t
send_record(const struct send_req *q, int *resent)
{
	struct send_rec *e = send_by_client_id(q->clientmsgid);

	*resent = e != NULL;
	if (e)
		return e->msgid;
	e = &sends[sendpos];
	sendpos = (sendpos + 1) % SENDS;
	memset(e, 0, sizeof *e);
	e->msgid = emu_new_msgid();
	snprintf(e->clientmsgid, sizeof e->clientmsgid, "%s", q->clientmsgid);
	snprintf(e->to, sizeof e->to, "%s", q->to);
	e->when = time(NULL);
	return e->msgid;
}

void
emu_sendmsg(struct emu_req *r, struct emu_resp *w)
{
	struct send_req q = {0};
	struct emu_session *s;
	struct emu_jw jw;
	uint64_t msgid = 0;
	int ret, resent;
	char id[24] = "";

	if ((s = emu_auth(r, &ret)) != NULL &&
	    (ret = send_parse(r, &q)) == 0 && (ret = send_check(s, &q)) == 0) {
		msgid = send_record(&q, &resent);
		if (!resent) {
			send_message(&q, msgid);
			send_log(r, &q, msgid);
		}
		snprintf(id, sizeof id, "%" PRIu64, msgid);
	}
	emu_resp_json(w);
	emu_jw_begin(&jw, &w->body);
	emu_jw_base_response(&jw, ret, "");
	emu_jw_kstr(&jw, "MsgID", id);
	emu_jw_kstr(&jw, "LocalID", ret == 0 ? q.localid : "");
	emu_jw_end(&jw);
	send_req_free(&q);
}

/* ---- webwxrevokemsg ---- */

static const char revoke_intro[] =
	"你可以撤回2分钟内发送的消息（部分旧版本微信不支持这个功能）。";

/* Seconds a send stays revocable: 120, or $WX_EMU_REVOKE_WINDOW. */
static long
revoke_window(void)
{
	const char *e = getenv("WX_EMU_REVOKE_WINDOW");
	uint64_t v;

	return e && emu_parse_u64(e, &v) == 0 && v < 86400 * 365 ? (long)v : 120;
}

/* The 10002 notice other devices see (§8.6). */
static void
revoke_notice(const struct send_rec *e)
{
	struct emu_msg m = {0};

	m.from = world.contacts[0].username;
	m.to = (char *)e->to;
	m.imgstatus = 1;
	emu_set_revoke(&m, e->to, 0, e->msgid, "你撤回了一条消息");
	emu_event_msg(&m, NULL);
	emu_msg_free_text(&m);
}

static int
revoke(const char *svr)
{
	uint64_t id;
	struct send_rec *e = svr && emu_parse_u64(svr, &id) == 0 ?
	                     send_by_msgid(id) : NULL;

	if (!e)
		return 1;
	if (time(NULL) - e->when >= revoke_window())
		return -2;
	if (!e->revoked)
		revoke_notice(e);
	e->revoked = 1;
	return 0;
}

void
emu_revokemsg(struct emu_req *r, struct emu_resp *w)
{
	struct emu_jw jw;
	int ret;
	struct emu_session *s = emu_auth(r, &ret);

	if (s) {
		char *svr = r->json ? wx_json_getstr(r->json, 0, "SvrMsgId") : NULL;
		char *to = r->json ? wx_json_getstr(r->json, 0, "ToUserName") : NULL;
		char *cid = r->json ? wx_json_getstr(r->json, 0, "ClientMsgId") : NULL;
		struct wx_buf b = {0};

		ret = revoke(svr);
		emu_sent_str(&b, "endpoint", r->endpoint);
		emu_sent_str(&b, "SvrMsgId", svr);
		emu_sent_str(&b, "ToUserName", to);
		emu_sent_str(&b, "ClientMsgId", cid);
		emu_sent_int(&b, "Ret", ret);
		emu_sent_int(&b, "time", (long long)time(NULL));
		emu_sent_add(&b);
		free(svr);
		free(to);
		free(cid);
	}
	emu_resp_json(w);
	emu_jw_begin(&jw, &w->body);
	emu_jw_base_response(&jw, ret, "");
	emu_jw_kstr(&jw, "Introduction", ret == 0 ? revoke_intro : "");
	emu_jw_kstr(&jw, "SysWording", "");
	emu_jw_end(&jw);
}
