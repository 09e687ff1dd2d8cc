/* session.c — the session phase of wx-emu: webwxinit, webwxstatusnotify,
 * webwxgetcontact (paged), webwxbatchgetcontact, webwxlogout and the
 * avatars (protocol.md §5.1–5.4, §7, §9, §10.5).  Every answer keeps the
 * key order of the captures; error answers keep every key with zero
 * values (§3.3). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "emu.h"

/* webwxgetcontact pages: at most this many contacts per answer, Seq the
 * index to ask for next (0 on the last page), so clients must loop as
 * they must on large real accounts.  Documented in wx-emu(1). */
#define EMU_CONTACT_PAGE 500
/* webwxbatchgetcontact: RC and every peer batch 50; a longer List is
 * answered Ret 1 (parameter error) with Count 0 and an empty list. */
#define EMU_BATCH_MAX 50
/* Recent chats of init's ContactList / ChatSet and the MsgType 51 list. */
#define EMU_RECENT 10
#define EMU_CLIENT_VERSION 385876258    /* CAP 2018 */
#define EMU_INVITE_START 40
#define EMU_CLICK_REPORT 600000

/* ---- contact objects ---- */

/* A room's avatar seq: the world's headseq, or, for a room generated
 * without one, a stable 9-digit number drawn from its EncryChatRoomId
 * (batch answers always carry a non-zero seq, §5.4). */
static uint32_t
room_seq(const struct emu_contact *c)
{
	unsigned long v = 0;

	if (c->headseq || sscanf(c->encry + 1, "%7lx", &v) != 1)
		return c->headseq;
	return 100000000u + (uint32_t)(v % 900000000u);
}

static void
put_headimgurl(struct emu_jw *w, const struct emu_contact *c,
               const struct emu_session *s, enum emu_cform form)
{
	struct wx_buf u = {0};
	int room = c->kind == EMU_ROOM;
	/* Rooms: seq 0 with the skey in init and ModContact, the real seq
	 * with an empty skey in batch answers (§7, CAP and W4U). */
	uint32_t seq = !room ? c->headseq
	             : form == EMU_CF_INIT || form == EMU_CF_MOD ? 0 : room_seq(c);
	const char *skey = room && form == EMU_CF_BATCH ? "" : s->skey;

	wx_buf_addf(&u, "/cgi-bin/mmwebwx-bin/%s?seq=%u&username=%s&skey=%s",
	            room ? "webwxgetheadimg" : "webwxgeticon", seq,
	            c->username, skey);
	emu_jw_key(w, "HeadImgUrl");
	emu_jw_strn(w, u.p, u.len);
	wx_buf_free(&u);
}

/* Room member object (§9.2) of member i.  full: as batchgetcontact fills
 * it — in a generated room the NickName is the remark self gave a friend
 * (as in CAP); a room of -W gives each member's NickName, DisplayName and
 * KeyWord as its file did (the remark rule when NickName was absent).
 * Else as init lists it, NickName "" and AttrStatus 0. */
static void
put_member(struct emu_jw *w, const struct emu_contact *room, int i, int full)
{
	const struct emu_contact *m = emu_member(room, i);
	const char *nick = m->remark && *m->remark ? m->remark : m->nickname;
	const char *display = "", *keyword = "";

	if (room->mnick && full) {
		nick = room->mnick[i] ? room->mnick[i] : nick;
		display = room->mdisplay[i] ? room->mdisplay[i] : "";
		keyword = m->keyword;
	}
	emu_jw_obj(w);
	emu_jw_kint(w, "Uin", m->kind == EMU_SELF ? 0 : m->uin);
	emu_jw_kstr(w, "UserName", m->username);
	emu_jw_kstr(w, "NickName", full ? nick : "");
	emu_jw_kint(w, "AttrStatus", full ? m->attrstatus : 0);
	emu_jw_kstr(w, "PYInitial", "");
	emu_jw_kstr(w, "PYQuanPin", "");
	emu_jw_kstr(w, "RemarkPYInitial", "");
	emu_jw_kstr(w, "RemarkPYQuanPin", "");
	emu_jw_kint(w, "MemberStatus", 0);
	emu_jw_kstr(w, "DisplayName", display);
	emu_jw_kstr(w, "KeyWord", keyword);
	emu_jw_end(w);
}

/* "MemberList" with the first n members of c (0: an empty list). */
static void
put_members(struct emu_jw *w, const struct emu_contact *c, int n, int full)
{
	int i;

	emu_jw_key(w, "MemberList");
	emu_jw_arr(w);
	for (i = 0; i < n; i++)
		put_member(w, c, i, full);
	emu_jw_end(w);
}

static int
is_owner(const struct emu_contact *room)
{
	return room->topic_owner &&
	       strcmp(room->topic_owner, world.contacts[0].username) == 0;
}

/* ModContact shape (§9.3): no Uin, PY* or EncryChatRoomId. */
static void
put_modcontact(struct emu_jw *w, const struct emu_contact *c,
               const struct emu_session *s)
{
	int room = c->kind == EMU_ROOM;

	emu_jw_kstr(w, "UserName", c->username);
	emu_jw_kstr(w, "NickName", c->nickname);
	emu_jw_kint(w, "Sex", c->sex);
	emu_jw_kint(w, "HeadImgUpdateFlag", 1);
	emu_jw_kint(w, "ContactType", 0);
	emu_jw_kstr(w, "Alias", c->alias);
	emu_jw_kstr(w, "ChatRoomOwner", room ? c->topic_owner : "");
	put_headimgurl(w, c, s, EMU_CF_MOD);
	emu_jw_kint(w, "ContactFlag", c->contactflag);
	emu_jw_kint(w, "MemberCount", room ? c->nmembers : 0);
	put_members(w, c, room ? c->nmembers : 0, 1);
	emu_jw_kint(w, "HideInputBarFlag", 0);
	emu_jw_kstr(w, "Signature", c->signature);
	emu_jw_kint(w, "VerifyFlag", c->verifyflag);
	emu_jw_kstr(w, "RemarkName", c->remark);
	emu_jw_kint(w, "Statues", c->statues);
	emu_jw_kint(w, "AttrStatus", c->attrstatus);
	emu_jw_kstr(w, "Province", c->province);
	emu_jw_kstr(w, "City", c->city);
	emu_jw_kint(w, "SnsFlag", c->snsflag);
	emu_jw_kstr(w, "KeyWord", c->keyword);
}

/* Contact object (§9.1).  A room's ContactFlag and member list depend on
 * the answer, as in the captures: init 0 with partial members, getcontact
 * the stored flag without members, batch 2 with full members and its
 * EncryChatRoomId (CAP 0 -> 2). */
static void
put_fullcontact(struct emu_jw *w, const struct emu_contact *c,
                const struct emu_session *s, enum emu_cform form)
{
	int room = c->kind == EMU_ROOM;
	int flag = !room ? c->contactflag
	         : form == EMU_CF_INIT ? 0
	         : form == EMU_CF_BATCH ? 2 : c->contactflag;
	int members = room && form != EMU_CF_LIST;
	int py = !(room && form == EMU_CF_INIT);

	emu_jw_kint(w, "Uin", c->kind == EMU_SELF ? 0 : c->uin);
	emu_jw_kstr(w, "UserName", c->username);
	emu_jw_kstr(w, "NickName", c->nickname);
	put_headimgurl(w, c, s, form);
	emu_jw_kint(w, "ContactFlag", flag);
	emu_jw_kint(w, "MemberCount", members ? c->nmembers : 0);
	put_members(w, c, members ? c->nmembers : 0, form == EMU_CF_BATCH);
	emu_jw_kstr(w, "RemarkName", c->remark);
	emu_jw_kint(w, "HideInputBarFlag", 0);
	emu_jw_kint(w, "Sex", c->sex);
	emu_jw_kstr(w, "Signature", c->signature);
	emu_jw_kint(w, "VerifyFlag", c->verifyflag);
	emu_jw_kint(w, "OwnerUin", c->owneruin);
	emu_jw_kstr(w, "PYInitial", py ? c->pyinitial : "");
	emu_jw_kstr(w, "PYQuanPin", py ? c->pyquanpin : "");
	emu_jw_kstr(w, "RemarkPYInitial", c->rpyinitial ? c->rpyinitial : "");
	emu_jw_kstr(w, "RemarkPYQuanPin", c->rpyquanpin ? c->rpyquanpin : "");
	emu_jw_kint(w, "StarFriend", c->starfriend);
	emu_jw_kint(w, "AppAccountFlag", 0);
	emu_jw_kint(w, "Statues", c->statues);
	emu_jw_kint(w, "AttrStatus", c->attrstatus);
	emu_jw_kstr(w, "Province", c->province);
	emu_jw_kstr(w, "City", c->city);
	emu_jw_kstr(w, "Alias", c->alias);
	emu_jw_kint(w, "SnsFlag", c->snsflag);
	emu_jw_kint(w, "UniFriend", 0);
	emu_jw_kstr(w, "DisplayName", "");
	emu_jw_kint(w, "ChatRoomId", 0);
	emu_jw_kstr(w, "KeyWord", c->keyword);
	emu_jw_kstr(w, "EncryChatRoomId",
	        room && form == EMU_CF_BATCH ? c->encry : "");
	emu_jw_kint(w, "IsOwner", room && is_owner(c));
}

void
emu_put_contact(struct emu_jw *w, const struct emu_contact *c,
                const struct emu_session *s, enum emu_cform form)
{
	emu_jw_obj(w);
	if (form == EMU_CF_MOD)
		put_modcontact(w, c, s);
	else
		put_fullcontact(w, c, s, form);
	emu_jw_end(w);
}

/* ---- the recent chats: init's ContactList and ChatSet, the 51 list ---- */

/* filehelper and weixin, a few friends, the first rooms (the third one,
 * unsaved, reaches clients only this way), one official account.  -F:
 * filehelper alone, the one chat the page shows (no capture of a
 * successful init there, filehelper.md §3.4). */
static int
recent_chats(const struct emu_contact **out)
{
	int n = 0, persons = 0, rooms = 0, mps = 0, max, *seen;
	const struct emu_contact *c;
	int i;

	if ((c = emu_contact_by_name("filehelper")))
		out[n++] = c;
	if (emu_opt.filehelper)
		return n;
	if ((c = emu_contact_by_name("weixin")))
		out[n++] = c;
	for (i = 1; i < world.ncontacts && n < EMU_RECENT; i++) {
		c = &world.contacts[i];
		seen = c->kind == EMU_PERSON ? &persons
		     : c->kind == EMU_ROOM ? &rooms
		     : c->kind == EMU_MP ? &mps : NULL;
		max = c->kind == EMU_PERSON ? 4 : c->kind == EMU_ROOM ? 3 : 1;
		if (seen && *seen < max) {
			++*seen;
			out[n++] = c;
		}
	}
	return n;
}

/* The real account id behind a session UserName, as the MsgType 51
 * <username> list gives it (§8.6): bare names as they are, rooms
 * "<digits>@chatroom", official accounts "gh_<12 hex>", people their
 * Alias or "wxid_<14>" — derived from the UserName so they stay stable. */
void
emu_real_id(const struct emu_contact *c, char *out, size_t size)
{
	const char *hex = c->username + (c->kind == EMU_ROOM ? 2 : 1);
	unsigned long v;

	switch (c->kind) {
	case EMU_SPECIAL:
		snprintf(out, size, "%s", c->username);
		break;
	case EMU_ROOM:
		if (sscanf(hex, "%8lx", &v) != 1)
			v = 0;
		snprintf(out, size, "%lu@chatroom", v % 4000000000UL);
		break;
	case EMU_MP:
		snprintf(out, size, "gh_%.12s", hex);
		break;
	default:
		if (c->alias && *c->alias)
			snprintf(out, size, "%s", c->alias);
		else
			snprintf(out, size, "wxid_%.14s", hex);
	}
}

void
emu_chat_list(struct emu_msg *m, time_t now)
{
	const struct emu_contact *chats[EMU_RECENT];
	int n = recent_chats(chats);
	struct wx_buf content = {0}, users = {0};
	char id[80];
	int i;

	wx_buf_adds(&content, "&lt;msg&gt;<br/>&lt;op id='4'&gt;<br/>"
	            "&lt;username&gt;");
	wx_buf_adds(&users, "");
	for (i = 0; i < n; i++) {
		emu_real_id(chats[i], id, sizeof id);
		wx_buf_addf(&content, "%s%s", i ? "," : "", id);
		wx_buf_addf(&users, "%s%s", i ? "," : "", chats[i]->username);
	}
	wx_buf_adds(&content, "&lt;/username&gt;<br/>&lt;unreadchatlist&gt;<br/>");
	for (i = 0; i < n && i < 2; i++) {
		emu_real_id(chats[i], id, sizeof id);
		wx_buf_addf(&content, "&lt;chat&gt;<br/>&lt;username&gt;%s"
		            "&lt;/username&gt;<br/>&lt;lastreadtime&gt;%lld"
		            "&lt;/lastreadtime&gt;<br/>&lt;/chat&gt;<br/>", id,
		            (long long)now - 600 * (i + 1));
	}
	wx_buf_adds(&content, "&lt;/unreadchatlist&gt;<br/>"
	            "&lt;unreadfunctionlist&gt;<br/>&lt;/unreadfunctionlist&gt;"
	            "<br/>&lt;/op&gt;<br/>&lt;/msg&gt;");
	m->type = 51;
	m->statuscode = 4;
	m->content = content.p;
	m->statususer = users.p;
}

/* The MsgType 51 / StatusNotifyCode 4 message the first webwxsync after
 * a login delivers (§12.9), for that session alone. */
static void
queue_chat_list(const struct emu_session *s)
{
	struct emu_msg m = {0};

	m.from = m.to = world.contacts[0].username;
	m.status = 3;
	m.imgstatus = 1;
	emu_chat_list(&m, s->loadtime);
	emu_event_msg(&m, s);
	emu_msg_free_text(&m);
}

/* ---- webwxinit ---- */

static void
put_user(struct emu_jw *w, const struct emu_session *s)
{
	const struct emu_contact *me = &world.contacts[0];

	emu_jw_key(w, "User");
	emu_jw_obj(w);
	emu_jw_kint(w, "Uin", s ? me->uin : 0);
	emu_jw_kstr(w, "UserName", s ? me->username : "");
	emu_jw_kstr(w, "NickName", s ? me->nickname : "");
	if (s)
		put_headimgurl(w, me, s, EMU_CF_INIT);
	else
		emu_jw_kstr(w, "HeadImgUrl", "");
	emu_jw_kstr(w, "RemarkName", "");
	emu_jw_kstr(w, "PYInitial", "");
	emu_jw_kstr(w, "PYQuanPin", "");
	emu_jw_kstr(w, "RemarkPYInitial", "");
	emu_jw_kstr(w, "RemarkPYQuanPin", "");
	emu_jw_kint(w, "HideInputBarFlag", 0);
	emu_jw_kint(w, "StarFriend", 0);
	emu_jw_kint(w, "Sex", s ? me->sex : 0);
	emu_jw_kstr(w, "Signature", s ? me->signature : "");
	emu_jw_kint(w, "AppAccountFlag", 0);
	emu_jw_kint(w, "VerifyFlag", 0);
	emu_jw_kint(w, "ContactFlag", 0);
	emu_jw_kint(w, "WebWxPluginSwitch", 0);
	emu_jw_kint(w, "HeadImgFlag", s ? 1 : 0);
	emu_jw_kint(w, "SnsFlag", s ? me->snsflag : 0);
	emu_jw_end(w);
}

/* One digest per official account: Title, Digest, Cover, Url. */
static void
put_article(struct emu_jw *w, const struct emu_contact *mp, int k)
{
	struct wx_buf t = {0};

	emu_jw_obj(w);
	wx_buf_addf(&t, "%s 第%d期", mp->nickname, k + 1);
	emu_jw_kstr(w, "Title", t.p);
	emu_jw_kstr(w, "Digest", "今日推送：emulated article for testing.");
	wx_buf_reset(&t);
	wx_buf_addf(&t, "http://mmbiz.qpic.cn/mmbiz_jpg/%.32s/300?wxtype=jpeg"
	            "&wxfrom=0", mp->username + 1);
	emu_jw_kstr(w, "Cover", t.p);
	wx_buf_reset(&t);
	wx_buf_addf(&t, "http://mp.weixin.qq.com/s?__biz=%.12s==&mid=%u"
	            "&idx=%d&sn=%.32s&scene=0#rd", mp->username + 1,
	            mp->headseq, k + 1, mp->username + 1);
	emu_jw_kstr(w, "Url", t.p);
	emu_jw_end(w);
	wx_buf_free(&t);
}

static void
put_subscriptions(struct emu_jw *w, const struct emu_session *s)
{
	const struct emu_contact *mp[2];
	int n = 0;
	int i;

	/* -F: none, as the page shows no other chat (an assumption) */
	for (i = 1; s && !emu_opt.filehelper && i < world.ncontacts && n < 2; i++)
		if (world.contacts[i].kind == EMU_MP)
			mp[n++] = &world.contacts[i];
	emu_jw_kint(w, "MPSubscribeMsgCount", n);
	emu_jw_key(w, "MPSubscribeMsgList");
	emu_jw_arr(w);
	for (i = 0; i < n; i++) {
		emu_jw_obj(w);
		emu_jw_kstr(w, "UserName", mp[i]->username);
		emu_jw_kint(w, "MPArticleCount", 1);
		emu_jw_key(w, "MPArticleList");
		emu_jw_arr(w);
		put_article(w, mp[i], i);
		emu_jw_end(w);
		emu_jw_kint(w, "Time", (long long)s->loadtime - 3600 * (i + 1));
		emu_jw_kstr(w, "NickName", mp[i]->nickname);
		emu_jw_end(w);
	}
	emu_jw_end(w);
}

/* s NULL: the error answer, every key with zero values (SMP
 * webwxinit-WeChatNET_6-1.json, plus the final LF). */
static void
put_init(struct emu_jw *w, const struct emu_session *s, int ret)
{
	const struct emu_contact *chats[EMU_RECENT];
	int n = s ? recent_chats(chats) : 0;
	struct wx_buf set = {0};
	int i;

	emu_jw_base_response(w, ret, "");
	emu_jw_kint(w, "Count", n);
	emu_jw_key(w, "ContactList");
	emu_jw_arr(w);
	for (i = 0; i < n; i++) {
		emu_put_contact(w, chats[i], s, EMU_CF_INIT);
		wx_buf_addf(&set, "%s,", chats[i]->username);
	}
	emu_jw_end(w);
	emu_put_synckey(w, "SyncKey", s, s ? s->seen : 0, 0);
	put_user(w, s);
	emu_jw_key(w, "ChatSet");
	emu_jw_strn(w, set.p ? set.p : "", set.len);
	emu_jw_kstr(w, "SKey", s ? s->skey : "");
	emu_jw_kint(w, "ClientVersion", s ? EMU_CLIENT_VERSION : 0);
	emu_jw_kint(w, "SystemTime", s ? (long long)s->loadtime : 0);
	emu_jw_kint(w, "GrayScale", s ? 1 : 0);
	emu_jw_kint(w, "InviteStartCount", s ? EMU_INVITE_START : 0);
	put_subscriptions(w, s);
	emu_jw_kint(w, "ClickReportInterval", s ? EMU_CLICK_REPORT : 0);
	wx_buf_free(&set);
}

/* RC fires two identical inits 1 ms apart; handlers run one at a time
 * under the world lock, and only the first queues the chat list. */
void
emu_webwxinit(struct emu_req *r, struct emu_resp *w)
{
	int ret;
	struct emu_session *s = emu_auth(r, &ret);
	struct emu_jw j;

	if (s && !s->inited) {
		s->inited = 1;
		queue_chat_list(s);
	}
	emu_resp_json(w);
	emu_jw_begin(&j, &w->body);
	put_init(&j, s, s ? 0 : ret);
	emu_jw_end(&j);
}

/* ---- webwxstatusnotify: {BaseResponse, MsgID}, 80 bytes when OK ---- */

void
emu_statusnotify(struct emu_req *r, struct emu_resp *w)
{
	int ret;
	struct emu_session *s = emu_auth(r, &ret);
	struct emu_jw j;
	char id[24] = "";

	if (s)
		snprintf(id, sizeof id, "%llu",
		         (unsigned long long)emu_new_msgid());
	emu_resp_json(w);
	emu_jw_begin(&j, &w->body);
	emu_jw_base_response(&j, s ? 0 : ret, "");
	emu_jw_kstr(&j, "MsgID", id);
	emu_jw_end(&j);
}

/* ---- webwxgetcontact: saved contacts, EMU_CONTACT_PAGE at a time ---- */

/* Indices [start, *end) of world.contacts hold the page; returns how many
 * of them are saved (listed). */
static int
contact_page(int start, int *end)
{
	int n = 0, i;

	for (i = start; i < world.ncontacts && n < EMU_CONTACT_PAGE; i++)
		n += world.contacts[i].saved != 0;
	*end = i;
	return n;
}

static int
saved_from(int i)
{
	for (; i < world.ncontacts; i++)
		if (world.contacts[i].saved)
			return 1;
	return 0;
}

void
emu_getcontact(struct emu_req *r, struct emu_resp *w)
{
	int ret, start = 1, end = 1, n = 0;
	struct emu_session *s = emu_auth(r, &ret);
	const char *seq = emu_arg(r, "seq");
	struct emu_jw j;
	int i;

	if (seq && *seq) {
		char *e;
		long v = strtol(seq, &e, 10);
		start = *e || v < 1 ? 1 : v > world.ncontacts ? world.ncontacts
		                                               : (int)v;
	}
	if (s)
		n = contact_page(start, &end);
	emu_resp_json(w);
	emu_jw_begin(&j, &w->body);
	emu_jw_base_response(&j, s ? 0 : ret, "");
	emu_jw_kint(&j, "MemberCount", n);
	emu_jw_key(&j, "MemberList");
	emu_jw_arr(&j);
	for (i = start; s && i < end; i++)
		if (world.contacts[i].saved)
			emu_put_contact(&j, &world.contacts[i], s, EMU_CF_LIST);
	emu_jw_end(&j);
	emu_jw_kint(&j, "Seq", s && saved_from(end) ? end : 0);
	emu_jw_end(&j);
}

/* ---- webwxbatchgetcontact ---- */

/* Every List entry names a UserName; a room member may come with
 * EncryChatRoomId = the room's UserName (RC) or EncryChatRoomId (IT, OW),
 * a room with ChatRoomId or EncryChatRoomId "" — UserNames are unique in
 * a session, so the UserName alone finds the contact or room member.
 * Unknown UserNames are left out of the answer. */
static int
batch_list(const struct wx_json *json, const struct emu_contact **out)
{
	int list = wx_json_get(json, 0, "List"), n = 0;
	int e;

	for (e = wx_json_first(json, list); e >= 0;
	     e = wx_json_next(json, e)) {
		char *user = wx_json_getstr(json, e, "UserName");
		const struct emu_contact *c = emu_contact_by_name(user);

		if (c)
			out[n++] = c;
		free(user);
	}
	return n;
}

void
emu_batchgetcontact(struct emu_req *r, struct emu_resp *w)
{
	int ret, n = 0;
	struct emu_session *s = emu_auth(r, &ret);
	const struct emu_contact *found[EMU_BATCH_MAX];
	struct emu_jw j;
	int i;

	if (s) {
		int list = wx_json_get(r->json, 0, "List");

		if (wx_json_type(r->json, list) != WX_JSON_ARRAY ||
		    wx_json_count(r->json, list) > EMU_BATCH_MAX)
			ret = 1;
		else
			n = batch_list(r->json, found);
	}
	emu_resp_json(w);
	emu_jw_begin(&j, &w->body);
	emu_jw_base_response(&j, ret, "");
	emu_jw_kint(&j, "Count", n);
	emu_jw_key(&j, "ContactList");
	emu_jw_arr(&j);
	for (i = 0; !ret && i < n; i++)
		emu_put_contact(&j, found[i], s, EMU_CF_BATCH);
	emu_jw_end(&j);
	emu_jw_end(&j);
}

/* ---- webwxlogout: form POST (RC), GET (IT, OW), JSON POST (LYK) ---- */

/* The session ends with 1100 and its long polls answer at once; the
 * answer is an empty 200 whatever the request (every client ignores it;
 * W4U's stub is the only sample). */
void
emu_logout(struct emu_req *r, struct emu_resp *w)
{
	int ret;
	struct emu_session *s = emu_auth(r, &ret);

	if (s) {
		s->dead = 1100;
		emu_notify();
	}
	w->sts = 1;
}

/* ---- webwxgeticon, webwxgetheadimg ---- */

/* The avatar is a JPEG, as real avatars are (§7): the UserName's QR
 * code, so each contact's differs.  No session or an unknown UserName:
 * an empty image/jpeg answer. */
void
emu_geticon(struct emu_req *r, struct emu_resp *w)
{
	int ret;
	struct emu_session *s = emu_auth(r, &ret);
	const char *user = emu_arg(r, "username");
	const struct emu_contact *c;
	char date[40];
	struct wx_qr qr;

	if (!user)
		user = emu_arg(r, "userName");          /* IT */
	c = emu_contact_by_name(user);
	emu_imf_date(s ? s->loadtime : time(NULL), date);
	if (strcmp(r->endpoint, "webwxgetheadimg") == 0)
		emu_resp_header(w, "Accept-Ranges", "bytes");
	emu_resp_header(w, "Content-Type", "image/jpeg");
	emu_resp_header(w, "Last-Modified", "%s", date);
	emu_resp_header(w, "Cache-control", "max-age=604800");
	w->sts = 1;
	if (s && c && wx_qr_encode(c->username, &qr) == 0) {
		emu_qr_jpeg(&qr, &w->body);
		wx_qr_free(&qr);
	}
}
