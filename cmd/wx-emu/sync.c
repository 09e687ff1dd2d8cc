/* sync.c — synccheck, the long poll that says whether something is
 * pending, and webwxsync, which delivers it (protocol.md §5.5, §5.6,
 * §12.8, §12.9).
 *
 * Positions: every event of the world has a sequence number; a session's
 * SyncKey encodes the last one it was given as Key 1 = base + seq (base
 * drawn per session, so values look like the real 6–7×10^8 counters).
 * Keys 2, 3 and 11 are fixed offsets of key 1 (as close together as in
 * CAP), 201 the time of the answer, 1000 and 1001 the login time.  Only
 * key 1 is read back, from whichever key set the client sends (any set is
 * accepted, 19 and 206 included); a key this session never issued counts
 * as the position last delivered.  webwxsync delivers what lies after the
 * body's key — an old key gets the same events again while the ring still
 * holds them, which is what at-least-once clients rely on.  SyncKey and
 * SyncCheckKey are always equal, so clients that use either one for both
 * converge. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "emu.h"

/* Events per webwxsync answer.  ContinueFlag stays 0 (no client reads
 * it); a client left behind learns it from synccheck's next selector. */
#define EMU_SYNC_MAX 100

/* ---- SyncKey ---- */

static void
add_key(struct wx_synckey *k, uint32_t key, uint64_t val)
{
	k->kv[k->n].key = key;
	k->kv[k->n].val = val;
	k->n++;
}

void
emu_put_synckey(struct emu_jw *w, const char *name,
                const struct emu_session *s, uint64_t seq, int synced)
{
	struct wx_synckey k = {0};
	int i;

	if (s) {
		uint64_t p = s->base + seq;

		add_key(&k, 1, p);
		add_key(&k, 2, p + 4);
		add_key(&k, 3, p - 54);
		if (synced) {
			add_key(&k, 11, p - 2697);
			add_key(&k, 201, (uint64_t)time(NULL));
		}
		add_key(&k, 1000, (uint64_t)s->loadtime);
		if (synced)
			add_key(&k, 1001, (uint64_t)s->loadtime);
	}
	emu_jw_key(w, name);
	emu_jw_obj(w);
	emu_jw_kint(w, "Count", k.n);
	emu_jw_key(w, "List");
	emu_jw_arr(w);
	for (i = 0; i < k.n; i++) {
		emu_jw_obj(w);
		emu_jw_kint(w, "Key", k.kv[i].key);
		emu_jw_key(w, "Val");
		emu_jw_u64(w, k.kv[i].val);
		emu_jw_end(w);
	}
	emu_jw_end(w);
	emu_jw_end(w);
}

/* The event position a client's key stands for. */
static uint64_t
key_position(const struct wx_synckey *k, const struct emu_session *s)
{
	int i;

	for (i = 0; i < k->n; i++)
		if (k->kv[i].key == 1 && k->kv[i].val >= s->base &&
		    k->kv[i].val - s->base <= world.seq)
			return k->kv[i].val - s->base;
	return s->seen;
}

/* ---- synccheck ---- */

/* 2 when a message waits after pos, 4 when only contact changes do,
 * else 0. */
static int
selector(const struct emu_session *s, uint64_t pos)
{
	int sel = 0;
	const struct emu_event *e;

	for (e = emu_event_next(s, pos); e;
	     e = emu_event_next(s, e->seq)) {
		if (e->kind == EMU_EV_MSG)
			return 2;
		sel = 4;
	}
	return sel;
}

/* Hold until something is pending, the session dies (logout, kick, a
 * newer login) or the -H hold passes. */
static int
hold(const struct emu_session *s, uint64_t pos, int *ret)
{
	struct timespec deadline = emu_hold_deadline();
	int sel;

	for (;;) {
		if (s->dead) {
			*ret = s->dead;
			return 0;
		}
		sel = selector(s, pos);
		if (sel || emu_wait(&deadline) != 0)
			return sel;
	}
}

/* window.synccheck={retcode:"R",selector:"S"}: no spaces, no ';', no LF;
 * selector "0" with every non-zero retcode; an armed selectorN fault
 * answers N at once for a live session.  Credentials may come from
 * the query, but a request without the session cookies is 1102 as on the
 * real server (ISS Urinx/WeixinBot#140); a host of another family 1100.
 * Over plain HTTP the cookies cannot be required: they are set Secure, as
 * captured, so browsers and libcurl neither keep nor send them there. */
void
emu_synccheck(struct emu_req *r, struct emu_resp *w)
{
	/* -F: synccheck names the app in its query (filehelper.md §4);
	 * without it 1102, as without credentials (no capture). */
	int ret = 1102, sel = 0;
	struct emu_session *s = emu_fh_lacks(r, EMU_FH_QUERY) ? NULL
	                      : emu_auth(r, &ret);
	int tls = emu_opt.cert && emu_opt.key;

	if (s && tls && !emu_cookie(r, "wxsid") && !emu_cookie(r, "wxuin")) {
		s = NULL;
		ret = 1102;
	}
	if (s) {
		const char *arg = emu_arg(r, "synckey");
		struct wx_synckey k;
		uint64_t pos = arg && wx_synckey_parse(arg, &k) == 0
		               ? key_position(&k, s) : s->seen;

		if ((sel = emu_fault_selector(r)) < 0)
			sel = hold(s, pos, &ret);
	}
	emu_resp_header(w, "Access-Control-Allow-Origin", "*");
	emu_resp_js(w);
	wx_buf_addf(&w->body, "window.synccheck={retcode:\"%d\",selector:\"%d\"}",
	            ret, ret ? 0 : sel);
}

/* ---- webwxsync ---- */

static void
put_buff(struct emu_jw *w, const char *key)
{
	emu_jw_key(w, key);
	emu_jw_obj(w);
	emu_jw_kstr(w, "Buff", "");
	emu_jw_end(w);
}

/* BitFlag 0 and everything empty, as in every sample: RC applies a
 * Profile only with BitFlag 190. */
static void
put_profile(struct emu_jw *w)
{
	emu_jw_key(w, "Profile");
	emu_jw_obj(w);
	emu_jw_kint(w, "BitFlag", 0);
	put_buff(w, "UserName");
	put_buff(w, "NickName");
	emu_jw_kint(w, "BindUin", 0);
	put_buff(w, "BindEmail");
	put_buff(w, "BindMobile");
	emu_jw_kint(w, "Status", 0);
	emu_jw_kint(w, "Sex", 0);
	emu_jw_kint(w, "PersonalCard", 0);
	emu_jw_kstr(w, "Alias", "");
	emu_jw_kint(w, "HeadImgUpdateFlag", 0);
	emu_jw_kstr(w, "HeadImgUrl", "");
	emu_jw_kstr(w, "Signature", "");
	emu_jw_end(w);
}

/* The 14 keys of §8.1 in order, QQNum a number; all empty or 0 but on
 * 37, 40 and 42. */
static void
put_recommend(struct emu_jw *w, const struct emu_recommend *r)
{
	emu_jw_key(w, "RecommendInfo");
	emu_jw_obj(w);
	emu_jw_kstr(w, "UserName", r->username);
	emu_jw_kstr(w, "NickName", r->nickname);
	emu_jw_kint(w, "QQNum", r->qqnum);
	emu_jw_kstr(w, "Province", r->province);
	emu_jw_kstr(w, "City", r->city);
	emu_jw_kstr(w, "Content", r->content);
	emu_jw_kstr(w, "Signature", r->signature);
	emu_jw_kstr(w, "Alias", r->alias);
	emu_jw_kint(w, "Scene", r->scene);
	emu_jw_kint(w, "VerifyFlag", r->verifyflag);
	emu_jw_kint(w, "AttrStatus", r->attrstatus);
	emu_jw_kint(w, "Sex", r->sex);
	emu_jw_kstr(w, "Ticket", r->ticket);
	emu_jw_kint(w, "OpCode", r->opcode);
	emu_jw_end(w);
}

/* AddMsgList entry, the 28 keys of §8.1 in order.  MsgId a string,
 * NewMsgId the same value as a number, FileSize a string; Status and
 * ImgStatus default to the usual 3 and 1 when the event leaves them 0. */
static void
put_addmsg(struct emu_jw *w, const struct emu_msg *m)
{
	char id[24];

	snprintf(id, sizeof id, "%llu", (unsigned long long)m->msgid);
	emu_jw_obj(w);
	emu_jw_kstr(w, "MsgId", id);
	emu_jw_kstr(w, "FromUserName", m->from);
	emu_jw_kstr(w, "ToUserName", m->to);
	emu_jw_kint(w, "MsgType", m->type);
	emu_jw_kstr(w, "Content", m->content);
	emu_jw_kint(w, "Status", m->status ? m->status : 3);
	emu_jw_kint(w, "ImgStatus", m->imgstatus ? m->imgstatus : 1);
	emu_jw_kint(w, "CreateTime", (long long)m->createtime);
	emu_jw_kint(w, "VoiceLength", m->voicelength);
	emu_jw_kint(w, "PlayLength", m->playlength);
	emu_jw_kstr(w, "FileName", m->filename);
	emu_jw_kstr(w, "FileSize", m->filesize);
	emu_jw_kstr(w, "MediaId", m->mediaid);
	emu_jw_kstr(w, "Url", m->url);
	emu_jw_kint(w, "AppMsgType", m->appmsgtype);
	emu_jw_kint(w, "StatusNotifyCode", m->statuscode);
	emu_jw_kstr(w, "StatusNotifyUserName", m->statususer);
	put_recommend(w, &m->rec);
	emu_jw_kint(w, "ForwardFlag", m->forwardflag);
	emu_jw_key(w, "AppInfo");
	emu_jw_obj(w);
	emu_jw_kstr(w, "AppID", m->appid);
	emu_jw_kint(w, "Type", m->apptype);
	emu_jw_end(w);
	emu_jw_kint(w, "HasProductId", m->hasproductid);
	emu_jw_kstr(w, "Ticket", m->ticket);
	emu_jw_kint(w, "ImgHeight", m->imgheight);
	emu_jw_kint(w, "ImgWidth", m->imgwidth);
	emu_jw_kint(w, "SubMsgType", m->subtype);
	emu_jw_key(w, "NewMsgId");
	emu_jw_u64(w, m->msgid);
	emu_jw_kstr(w, "OriContent", m->oricontent);
	emu_jw_kstr(w, "EncryFileName", m->encryname);
	emu_jw_end(w);
}

static void
put_delcontact(struct emu_jw *w, const struct emu_contact *c)
{
	emu_jw_obj(w);
	emu_jw_kstr(w, "UserName", c->username);
	emu_jw_kint(w, "ContactFlag", 0);
	emu_jw_end(w);
}

/* What one answer delivers: events after the client's position, at most
 * EMU_SYNC_MAX, and the position that follows them. */
struct batch {
	const struct emu_event *ev[EMU_SYNC_MAX];
	int n, count[3];        /* by enum emu_ekind */
	uint64_t next;
};

static void
collect(const struct emu_session *s, uint64_t pos, struct batch *b)
{
	const struct emu_event *e = emu_event_next(s, pos);

	memset(b, 0, sizeof *b);
	for (; e && b->n < EMU_SYNC_MAX; e = emu_event_next(s, e->seq)) {
		b->ev[b->n++] = e;
		b->count[e->kind]++;
		pos = e->seq;
	}
	/* Nothing more for this session: skip what only others may see. */
	b->next = e ? pos : world.seq;
}

/* One list member: Count then the list of the events of one kind. */
static void
put_list(struct emu_jw *w, const char *count, const char *list,
         const struct batch *b, enum emu_ekind kind,
         const struct emu_session *s)
{
	int i;

	emu_jw_kint(w, count, b ? b->count[kind] : 0);
	emu_jw_key(w, list);
	emu_jw_arr(w);
	for (i = 0; b && i < b->n; i++) {
		const struct emu_event *e = b->ev[i];

		if (e->kind != kind)
			continue;
		if (kind == EMU_EV_MSG)
			put_addmsg(w, &e->msg);
		else if (kind == EMU_EV_MODCONTACT)
			emu_put_contact(w, &world.contacts[e->contact], s,
			                EMU_CF_MOD);
		else
			put_delcontact(w, &world.contacts[e->contact]);
	}
	emu_jw_end(w);
}

/* The whole answer; s and b NULL for an error answer (empty lists, empty
 * keys).  checkkey: add SyncCheckKey (see emu_webwxsync). */
static void
put_sync(struct emu_jw *w, const struct emu_session *s,
         const struct batch *b, int ret, int checkkey)
{
	emu_jw_base_response(w, ret, "");
	put_list(w, "AddMsgCount", "AddMsgList", b, EMU_EV_MSG, s);
	put_list(w, "ModContactCount", "ModContactList", b, EMU_EV_MODCONTACT, s);
	put_list(w, "DelContactCount", "DelContactList", b, EMU_EV_DELCONTACT, s);
	emu_jw_kint(w, "ModChatRoomMemberCount", 0);
	emu_jw_key(w, "ModChatRoomMemberList");
	emu_jw_arr(w);
	emu_jw_end(w);
	put_profile(w);
	emu_jw_kint(w, "ContinueFlag", 0);
	emu_put_synckey(w, "SyncKey", s, b ? b->next : 0, 1);
	emu_jw_kstr(w, "SKey", "");
	if (checkkey)
		emu_put_synckey(w, "SyncCheckKey", s, b ? b->next : 0, 1);
}

/* Cookies of a sync answer, in CAP's order and lifetimes (§3.6). */
static void
sync_cookies(struct emu_resp *w, const struct emu_session *s)
{
	char v[40];
	const char *dot = strstr(s->web, "wechat.com") ? ".wechat.com" : ".qq.com";

	snprintf(v, sizeof v, "%lld_expired", (long long)s->loadtime);
	emu_set_cookie(w, "wxloadtime", v, s->web, 43200);
	snprintf(v, sizeof v, "%lld", (long long)s->loadtime);  /* = key 1000 */
	emu_set_cookie(w, "wxpluginkey", v, s->web, 43200);
	snprintf(v, sizeof v, "%u", s->uin);
	emu_set_cookie(w, "wxuin", v, s->web, 3 * 86400);
	emu_set_cookie(w, "wxsid", s->sid, s->web, 43200);
	emu_set_cookie(w, "webwx_data_ticket", s->data_ticket, dot, 43200);
}

/* Two answer forms.  SyncCheckKey, added by the server in late 2016, is
 * left out for a request whose BaseRequest has no Skey member — the 2014
 * dialect (qwx sent only Uin and Sid) — which then gets the 2015 answer
 * byte for byte (SMP webwxsync-qwx_23-1.json, -wxagent_11-1.recon.json).
 * A body without a SyncKey to continue from (absent or Count 0) is Ret
 * 1100, as in that capture. */
void
emu_webwxsync(struct emu_req *r, struct emu_resp *w)
{
	int ret;
	struct emu_session *s = emu_auth(r, &ret);
	int checkkey = r->json && wx_json_get(r->json, 0, "BaseRequest.Skey") >= 0;
	struct wx_synckey k;
	struct batch b;
	struct emu_jw j;

	if (s && (wx_synckey_from_json(r->json, wx_json_get(r->json, 0, "SyncKey"),
	                               &k) != 0 || k.n == 0)) {
		s = NULL;
		ret = 1100;
	}
	emu_resp_json(w);
	emu_jw_begin(&j, &w->body);
	if (!s) {
		put_sync(&j, NULL, NULL, ret, checkkey);
		emu_jw_end(&j);
		return;
	}
	collect(s, key_position(&k, s), &b);
	put_sync(&j, s, &b, 0, checkkey);
	emu_jw_end(&j);
	s->seen = b.next;
	s->synced = 1;
	sync_cookies(w, s);
}
