/* group.c — what a client does to its groups (protocol.md §10.3, §10.4).
 * webwxupdatechatroom?fun=modtopic renames the room (NickName), fun=
 * addmember and fun=invitemember add friends to MemberList (wx-emu makes
 * no difference: both add at once), fun=delmember removes members when
 * the account owns the room (ChatRoomOwner), else Ret 1 as WWDK shows;
 * fun=quitchatroom takes the account out and the room away (a
 * DelContactList event).  Each change is a ModContactList event of the
 * room and the 10000 system tip the real server sends in it (§8.6):
 * "你修改群名为“X”", "你邀请"A"、"B"加入了群聊", "你将"A"移出了群聊".
 * webwxcreatechatroom answers Ret 1 (MemberCount 0, no ChatRoomName):
 * the web protocol has refused creation since 2018.  A UserName that is
 * no room, a member who is no friend, an unknown fun or an empty list
 * get Ret 1 too.  Everything passes emu_auth, so an armed retNNNN fault
 * makes every admin action refuse with that Ret. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "emu.h"

/* The request in /_emu/sent. */
static void
log_sent(struct emu_req *r, const char *fun, int ret)
{
	struct wx_buf b = {0};

	emu_sent_str(&b, "endpoint", r->endpoint);
	if (fun)
		emu_sent_str(&b, "fun", fun);
	emu_sent_int(&b, "Ret", ret);
	emu_sent_int(&b, "time", (long long)time(NULL));
	emu_sent_add(&b);
}

/* The 10000 tip in room (text in server form), for every session. */
static void
tip(const struct emu_contact *room, const char *text)
{
	struct emu_msg m = {0};

	m.from = (char *)room->username;
	m.to = world.contacts[0].username;
	m.type = 10000;
	m.status = 4;
	m.imgstatus = 1;
	m.content = (char *)text;
	emu_event_msg(&m, NULL);
}

/* Index of member user in room, or -1. */
static int
member_at(const struct emu_contact *room, const char *user)
{
	int i;

	for (i = 0; i < room->nmembers; i++)
		if (strcmp(emu_member(room, i)->username, user) == 0)
			return i;
	return -1;
}

/* Member object (§9.2) of contact c, as an addmember answer lists it. */
static void
put_added(struct emu_jw *w, const struct emu_contact *c)
{
	emu_jw_obj(w);
	emu_jw_kint(w, "Uin", 0);
	emu_jw_kstr(w, "UserName", c->username);
	emu_jw_kstr(w, "NickName", c->nickname);
	emu_jw_kint(w, "AttrStatus", c->attrstatus);
	emu_jw_kstr(w, "PYInitial", "");
	emu_jw_kstr(w, "PYQuanPin", "");
	emu_jw_kstr(w, "RemarkPYInitial", "");
	emu_jw_kstr(w, "RemarkPYQuanPin", "");
	emu_jw_kint(w, "MemberStatus", 0);
	emu_jw_kstr(w, "DisplayName", "");
	emu_jw_kstr(w, "KeyWord", "");
	emu_jw_end(w);
}

/* The comma-joined UserNames of list as contact indices (friends only:
 * persons of world.contacts) in *out; their count, -1 when one is no
 * friend or the list is empty. */
static int
friends_of(const char *list, int **out)
{
	char *copy = wx_strdup(list ? list : ""), *p, *save = NULL;
	int n = 0, bad = 0;

	*out = NULL;
	for (p = strtok_r(copy, ",", &save); p; p = strtok_r(NULL, ",", &save)) {
		struct emu_contact *c = emu_contact_by_name(p);
		if (!c || c < world.contacts ||
		    c >= world.contacts + world.ncontacts ||
		    c->kind != EMU_PERSON) {
			bad = 1;
			break;
		}
		*out = wx_realloc(*out, ((size_t)n + 1) * sizeof **out);
		(*out)[n++] = (int)(c - world.contacts);
	}
	free(copy);
	if (bad || n == 0) {
		free(*out);
		*out = NULL;
		return -1;
	}
	return n;
}

/* "你邀请"A"、"B"加入了群聊" / "你将"A"移出了群聊" with the NickNames. */
static char *
names_tip(const char *pre, const int *idx, int n, const char *post)
{
	struct wx_buf b = {0};
	int i;

	wx_buf_adds(&b, pre);
	for (i = 0; i < n; i++)
		wx_buf_addf(&b, "%s\"%s\"", i ? "、" : "",
		            world.contacts[idx[i]].nickname);
	wx_buf_adds(&b, post);
	return b.p;
}

static void
add_members(struct emu_contact *room, const int *idx, int n)
{
	int i;

	for (i = 0; i < n; i++) {
		if (member_at(room, world.contacts[idx[i]].username) >= 0)
			continue;
		room->members = wx_realloc(room->members,
		    ((size_t)room->nmembers + 1) * sizeof *room->members);
		if (room->mnick) {
			room->mnick = wx_realloc(room->mnick,
			    ((size_t)room->nmembers + 1) * sizeof *room->mnick);
			room->mdisplay = wx_realloc(room->mdisplay,
			    ((size_t)room->nmembers + 1) * sizeof *room->mdisplay);
			room->mnick[room->nmembers] = NULL;
			room->mdisplay[room->nmembers] = NULL;
		}
		room->members[room->nmembers++] = idx[i];
	}
}

static void
drop_member(struct emu_contact *room, int k)
{
	int rest = room->nmembers - k - 1;

	memmove(&room->members[k], &room->members[k + 1],
	        (size_t)rest * sizeof *room->members);
	if (room->mnick) {
		free(room->mnick[k]);
		free(room->mdisplay[k]);
		memmove(&room->mnick[k], &room->mnick[k + 1],
		        (size_t)rest * sizeof *room->mnick);
		memmove(&room->mdisplay[k], &room->mdisplay[k + 1],
		        (size_t)rest * sizeof *room->mdisplay);
	}
	room->nmembers--;
}

/* DelMemberList (comma-joined UserNames, members of room but not the
 * account) removed from room, with the tip; 1 when one is no member. */
static int
del_members(struct emu_contact *room, const char *list)
{
	char *copy = wx_strdup(list), *p, *save = NULL;
	struct wx_buf t = {0};
	int k, n = 0, bad = 0;

	for (p = strtok_r(copy, ",", &save); p; p = strtok_r(NULL, ",", &save))
		if (member_at(room, p) < 0 ||
		    strcmp(p, world.contacts[0].username) == 0)
			bad = 1;
	free(copy);
	if (bad || !*list)
		return 1;
	copy = wx_strdup(list);
	wx_buf_adds(&t, "你将");
	for (p = strtok_r(copy, ",", &save); p; p = strtok_r(NULL, ",", &save)) {
		if ((k = member_at(room, p)) < 0)
			continue;  /* named twice */
		wx_buf_addf(&t, "%s\"%s\"", n++ ? "、" : "",
		            emu_member(room, k)->nickname);
		drop_member(room, k);
	}
	wx_buf_adds(&t, "移出了群聊");
	free(copy);
	tip(room, t.p);
	wx_buf_free(&t);
	return 0;
}

/* One fun on room; its Ret, the added members in *added (their count in
 * *nadded) for the answer. */
static int
update(struct emu_contact *room, const char *fun, const struct wx_json *j,
       int **added, int *nadded)
{
	int ri = (int)(room - world.contacts), n, k, ret = 1;
	int *idx = NULL;
	char *s, *t;

	if (strcmp(fun, "modtopic") == 0) {
		struct wx_buf b = {0};
		if (!(s = wx_json_getstr(j, 0, "NewTopic")))
			return 1;
		wx_text_encode(&b, s, strlen(s));
		free(room->nickname);
		room->nickname = b.p ? b.p : wx_strdup("");
		t = wx_asprintf("你修改群名为“%s”", room->nickname);
		emu_event_contact(EMU_EV_MODCONTACT, ri);
		tip(room, t);
		free(t);
		free(s);
		return 0;
	}
	if (strcmp(fun, "addmember") == 0 || strcmp(fun, "invitemember") == 0) {
		s = wx_json_getstr(j, 0, fun[0] == 'a' ? "AddMemberList"
		                   : "InviteMemberList");
		n = friends_of(s, &idx);
		free(s);
		if (n < 0)
			return 1;
		add_members(room, idx, n);
		t = names_tip("你邀请", idx, n, "加入了群聊");
		emu_event_contact(EMU_EV_MODCONTACT, ri);
		tip(room, t);
		free(t);
		*added = idx;
		*nadded = n;
		return 0;
	}
	if (strcmp(fun, "delmember") == 0) {
		if (!room->topic_owner ||
		    strcmp(room->topic_owner, world.contacts[0].username) != 0)
			return 1;
		s = wx_json_getstr(j, 0, "DelMemberList");
		ret = del_members(room, s ? s : "");
		free(s);
		if (ret == 0)
			emu_event_contact(EMU_EV_MODCONTACT, ri);
		return ret;
	}
	if (strcmp(fun, "quitchatroom") == 0) {
		if ((k = member_at(room, world.contacts[0].username)) >= 0)
			drop_member(room, k);
		room->saved = 0;
		emu_event_contact(EMU_EV_DELCONTACT, ri);
		return 0;
	}
	return ret;
}

void
emu_updatechatroom(struct emu_req *r, struct emu_resp *w)
{
	struct emu_jw jw;
	int ret, *added = NULL, nadded = 0, i;
	struct emu_session *s = emu_auth(r, &ret);
	const char *fun = emu_arg(r, "fun");

	if (s) {
		char *name = r->json ? wx_json_getstr(r->json, 0, "ChatRoomName")
		                     : NULL;
		struct emu_contact *room = emu_contact_by_name(name);
		ret = 1;
		if (fun && room && room >= world.contacts &&
		    room < world.contacts + world.ncontacts &&
		    room->kind == EMU_ROOM &&
		    member_at(room, world.contacts[0].username) >= 0)
			ret = update(room, fun, r->json, &added, &nadded);
		free(name);
		log_sent(r, fun, ret);
	}
	emu_resp_json(w);
	emu_jw_begin(&jw, &w->body);
	emu_jw_base_response(&jw, ret, "");
	emu_jw_kint(&jw, "MemberCount", nadded);
	emu_jw_key(&jw, "MemberList");
	emu_jw_arr(&jw);
	for (i = 0; i < nadded; i++)
		put_added(&jw, &world.contacts[added[i]]);
	emu_jw_end(&jw);
	emu_jw_end(&jw);
	free(added);
}

void
emu_createchatroom(struct emu_req *r, struct emu_resp *w)
{
	struct emu_jw jw;
	int ret;
	struct emu_session *s = emu_auth(r, &ret);

	if (s) {
		ret = 1;
		log_sent(r, NULL, ret);
	}
	emu_resp_json(w);
	emu_jw_begin(&jw, &w->body);
	emu_jw_base_response(&jw, ret, "");
	emu_jw_kstr(&jw, "Topic", "");
	emu_jw_kstr(&jw, "PYInitial", "");
	emu_jw_kstr(&jw, "QuanPin", "");
	emu_jw_kint(&jw, "MemberCount", 0);
	emu_jw_key(&jw, "MemberList");
	emu_jw_arr(&jw);
	emu_jw_end(&jw);
	emu_jw_kstr(&jw, "ChatRoomName", "");
	emu_jw_kstr(&jw, "BlackList", "");
	emu_jw_end(&jw);
}
