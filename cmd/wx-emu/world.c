/* world.c — the emulated account: contacts generated from the seed, QR
 * logins, sessions, the event ring that webwxsync drains, the sent log.
 * Everything here runs with the world lock held (see emu.h). */
#include <pthread.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "emu.h"

struct emu_world world;

#define EMU_LOGINS 256          /* uuids remembered (oldest reused) */
#define EMU_SESSIONS 256        /* sessions remembered (oldest reused) */
#define LOGIN_LIFE 300          /* seconds a uuid lives (protocol.md §11) */

static pthread_mutex_t world_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t world_cv = PTHREAD_COND_INITIALIZER;
static int stopping;
static int login_next, session_next;   /* next slot of each ring */

static const char HEX[] = "0123456789abcdef";
static const char B64[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
static const char ALNUM_[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_";
static const char B64URL[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/* ---- locking ---- */

void
emu_lock(void)
{
	pthread_mutex_lock(&world_mu);
}

void
emu_unlock(void)
{
	pthread_mutex_unlock(&world_mu);
}

void
emu_notify(void)
{
	world.changes++;
	pthread_cond_broadcast(&world_cv);
}

struct timespec
emu_hold_deadline(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += (time_t)(emu_opt.hold_ns / 1000000000);
	ts.tv_nsec += (long)(emu_opt.hold_ns % 1000000000);
	if (ts.tv_nsec >= 1000000000) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000;
	}
	return ts;
}

int
emu_wait(const struct timespec *deadline)
{
	if (stopping)
		return -1;
	if (pthread_cond_timedwait(&world_cv, &world_mu, deadline) != 0)
		return -1;
	return stopping ? -1 : 0;
}

/* Shutdown: every waiting long poll answers at once, later ones at once. */
void
emu_world_stop(void)
{
	emu_lock();
	stopping = 1;
	emu_notify();
	emu_unlock();
}

/* ---- randomness: xorshift64*, seeded by -s, so a seed gives one world ---- */

unsigned long
emu_rand(void)
{
	uint64_t x = world.rng;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	world.rng = x;
	return (unsigned long)(x * 0x2545F4914F6CDD1DULL);
}

void
emu_randstr(char *out, size_t n, const char *set)
{
	size_t k = strlen(set);
	size_t i;

	for (i = 0; i < n; i++)
		out[i] = set[emu_rand() % k];
	out[n] = '\0';
}

static int
pick(int n)
{
	return (int)(emu_rand() % (unsigned long)n);
}

uint64_t
emu_new_msgid(void)
{
	/* Increasing, always 19 digits; steps vary like the real ids do. */
	world.nextid += 1 + emu_rand() % 100000;
	if (world.nextid >= 9999999999999999999ULL)
		world.nextid = 1000000000000000000ULL;
	return world.nextid;
}

/* ---- contact generation ---- */

/* Name material: server form, i.e. HTML entities and emoji spans as the
 * real server sends them, CJK, right-to-left scripts and duplicates. */
static const char *const FIRST[] = {
	"Alice", "Bob", "Carol", "Dave", "Eve", "Frank", "Grace", "Heidi",
	"Ivan", "Judy", "Mallory", "Niaj", "Olivia", "Peggy", "Rupert", "Sybil",
	"Trent", "Victor", "Walter", "Zoe",
};
static const char *const CJK[] = {
	"张伟", "王芳", "李娜", "刘洋", "陈静", "杨磊", "赵敏", "黄晓明",
	"周杰", "吴磊", "小明", "老王",
};
static const char *const RTL[] = {
	"محمد", "فاطمة", "علي", "דוד", "שרה", "יוסף",
};
static const char *const EMOJI[] = {
	"1f604", "1f60d", "2764", "1f44d", "1f389", "1f431", "2600", "1f680",
};
static const char *const PROVINCE[] = {
	"", "广东", "北京", "上海", "浙江", "四川", "Beijing", "",
};
static const char *const CITY[] = {
	"", "深圳", "广州", "朝阳", "杭州", "成都", "Chaoyang", "",
};
static const char *const SIGNATURE[] = {
	"", "", "Stay hungry", "今天天气不错", "Tom &amp; Jerry",
	"&lt;b&gt;not bold&lt;/b&gt;",
	"<span class=\"emoji emoji1f60a\"></span> smile",
};

/* "@" + n hex digits. */
static void
hexname(char *out, int n)
{
	out[0] = '@';
	emu_randstr(out + 1, (size_t)n, HEX);
}

/* PYInitial / PYQuanPin stand-ins: for an ASCII name the initials in
 * upper case ("Tom &amp; Jerry" -> "TJ") or all letters in lower case;
 * "" for other scripts (the real server's pinyin is out of reach). */
static char *
pinyin(const char *name, int initials_only)
{
	struct wx_buf b = {0};
	int start = 1, alpha;
	const char *p;

	wx_buf_adds(&b, "");
	for (p = name; *p; p++) {
		if ((unsigned char)*p >= 0x80 || *p == '<') {
			wx_buf_reset(&b);
			break;
		}
		if (*p == '&') {                /* skip an entity */
			while (p[1] && *p != ';')
				p++;
			start = 1;
			continue;
		}
		alpha = (*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z');
		if (alpha && (start || !initials_only))
			wx_buf_addc(&b, initials_only ? (char)(*p & ~0x20)
			                              : (char)(*p | 0x20));
		start = !alpha;
	}
	return b.p;
}

/* The i-th person's NickName: mostly plain, every few a hard case. */
static char *
person_name(int i)
{
	const char *f = FIRST[pick(20)];

	switch (i % 10) {
	case 1: return wx_strdup(CJK[pick(12)]);
	case 3: return wx_asprintf("%s<span class=\"emoji emoji%s\"></span>",
	                           f, EMOJI[pick(8)]);
	case 4: return wx_asprintf("%s &amp; %s", f, FIRST[pick(20)]);
	case 5: return wx_strdup(RTL[pick(6)]);
	case 6: return wx_strdup(FIRST[i / 10 % 3]);  /* duplicates */
	case 7: return wx_asprintf("%s%s", CJK[pick(12)], f);
	case 8:
		if (i % 30 == 8)
			return wx_asprintf("%s the Very Long Named Person of the "
			                   "Seventh Generation %d", f, i);
		return wx_asprintf("%s &lt;%d&gt;", f, i);
	default: return wx_asprintf("%s %d", f, i);
	}
}

static void
contact_strings(struct emu_contact *c, char *nick)
{
	c->nickname = nick;
	c->pyinitial = pinyin(nick, 1);
	c->pyquanpin = pinyin(nick, 0);
	if (!c->remark)
		c->remark = wx_strdup("");
	if (!c->signature)
		c->signature = wx_strdup("");
	if (!c->alias)
		c->alias = wx_strdup("");
	if (!c->province)
		c->province = wx_strdup("");
	if (!c->city)
		c->city = wx_strdup("");
	if (!c->keyword)
		c->keyword = wx_strdup("");
}

static void
gen_self(struct emu_contact *c)
{
	c->kind = EMU_SELF;
	hexname(c->username, 32);
	c->uin = 1000000000u + (uint32_t)(emu_rand() % 3000000000u);
	c->keyword = wx_strdup("wxi");
	c->signature = wx_strdup("emulated account");
	c->contactflag = 7;
	c->sex = 1;
	c->attrstatus = 233765;
	c->snsflag = 17;
	c->saved = 0;
	c->headseq = 1000000000u + (uint32_t)(emu_rand() % 100000000u);
	contact_strings(c, wx_strdup("wx-emu <span class=\"emoji emoji1f916\">"
	                             "</span>"));
}

static const struct {
	const char *name, *nick, *keyword;
	int verifyflag, contactflag, attrstatus, saved;
} SPECIAL[] = {
	{ "filehelper", "文件传输助手", "fil", 0, 3, 0, 1 },
	{ "weixin", "微信团队", "wei", 56, 3, 4, 1 },
	{ "fmessage", "朋友推荐消息", "fme", 0, 0, 0, 0 },
	{ "newsapp", "腾讯新闻", "new", 0, 0, 0, 0 },
};
#define NSPECIAL (sizeof SPECIAL / sizeof SPECIAL[0])

static void
gen_special(struct emu_contact *c, size_t k)
{
	c->kind = EMU_SPECIAL;
	snprintf(c->username, sizeof c->username, "%s", SPECIAL[k].name);
	c->keyword = wx_strdup(SPECIAL[k].keyword);
	c->verifyflag = SPECIAL[k].verifyflag;
	c->contactflag = SPECIAL[k].contactflag;
	c->attrstatus = SPECIAL[k].attrstatus;
	c->saved = SPECIAL[k].saved;
	contact_strings(c, wx_strdup(SPECIAL[k].nick));
}

static void
gen_person(struct emu_contact *c, int i)
{
	static const int flags[] = { 3, 3, 3, 3, 1, 2051, 3, 515, 3, 67 };
	static const int attrs[] = { 135461, 233765, 98407, 37851687 };
	static const int sns[] = { 0, 1, 17, 49, 177, 273 };
	int place;

	c->kind = EMU_PERSON;
	hexname(c->username, i % 4 == 0 ? 64 : 32);
	c->sex = pick(3);
	c->contactflag = flags[pick(10)];
	c->starfriend = (c->contactflag & 0x40) != 0;
	c->attrstatus = attrs[pick(4)];
	c->snsflag = sns[pick(6)];
	c->headseq = pick(4) ? 100000000u + (uint32_t)(emu_rand() % 4000000000u)
	                     : 0;
	c->saved = 1;
	if (i % 7 == 2)
		c->remark = wx_asprintf("备注 %d", i);
	if (i % 9 == 0)
		c->alias = wx_asprintf("wxid_user%d", i);
	c->signature = wx_strdup(SIGNATURE[pick(7)]);
	place = pick(8);
	c->province = wx_strdup(PROVINCE[place]);
	c->city = wx_strdup(CITY[place]);
	contact_strings(c, person_name(i));
}

static void
gen_mp(struct emu_contact *c, int i)
{
	static const char *const names[] = {
		"腾讯新闻", "Daily &amp; Weekly", "招商银行信用卡", "Tech Review",
	};

	c->kind = EMU_MP;
	hexname(c->username, 32);
	c->verifyflag = i % 2 ? 24 : 8;
	c->contactflag = i % 3 ? 3 : 1;
	c->keyword = wx_strdup("gh_");
	c->alias = wx_asprintf("mp_account%d", i);
	c->signature = wx_strdup("Official account");
	c->headseq = 100000000u + (uint32_t)(emu_rand() % 4000000000u);
	c->saved = 1;
	contact_strings(c, i < 4 ? wx_strdup(names[i])
	                         : wx_asprintf("Public Account %d", i));
}

static void
gen_stranger(struct emu_contact *c, int i)
{
	c->kind = EMU_PERSON;
	hexname(c->username, 64);
	c->attrstatus = 98407;
	c->sex = pick(3);
	contact_strings(c, i % 3 ? wx_asprintf("Stranger %d", i)
	                         : wx_asprintf("陌生人%d", i));
}

/* Room r of members m: self, mostly contacts, a few strangers. */
static void
gen_room(struct emu_contact *c, int r, int persons_from,
         int npersons, int *strangers_used)
{
	int k;

	c->kind = EMU_ROOM;
	c->username[0] = c->username[1] = '@';
	emu_randstr(c->username + 2, 64, HEX);
	hexname(c->encry, 32);
	c->contactflag = 3;
	c->headseq = 100000000u + (uint32_t)(emu_rand() % 4000000000u);
	c->statues = r % 4 != 3;
	c->saved = r % 3 != 2;  /* every third room only reaches clients via
	                           init's ChatSet and its messages */
	c->nmembers = emu_opt.members < 1 ? 1 : emu_opt.members;
	c->members = wx_calloc((size_t)c->nmembers, sizeof *c->members);
	c->members[0] = 0;
	for (k = 1; k < c->nmembers; k++) {
		if ((k % 4 == 3 || npersons == 0) &&
		    *strangers_used < world.nstrangers)
			c->members[k] = -1 - (*strangers_used)++;
		else if (npersons > 0)
			c->members[k] = persons_from + pick(npersons);
		else
			c->members[k] = 0;
	}
	c->topic_owner = wx_strdup(r % 2 ? world.contacts[0].username
	                 : emu_member(c, c->nmembers > 1 ? 1 : 0)->username);
	c->keyword = wx_strdup("");
	contact_strings(c, r % 5 == 4 ? wx_strdup("")  /* untitled room */
	                : r % 2 ? wx_asprintf("工作群 %d <span class=\"emoji "
	                                      "emoji1f4bc\"></span>", r)
	                : wx_asprintf("Team &amp; Friends %d", r));
}

static void
gen_contacts(void)
{
	int n = emu_opt.contacts, g = emu_opt.groups;
	int nmp = 3 + n / 50;
	int total = 1 + (int)NSPECIAL + n + nmp + g;
	int pos = 0, persons, used = 0;
	int i;
	size_t k;
	int r;

	world.contacts = wx_calloc((size_t)total, sizeof *world.contacts);
	world.nstrangers = g * (emu_opt.members / 4 + 1);
	world.strangers = wx_calloc((size_t)world.nstrangers + 1,
	                            sizeof *world.strangers);
	for (i = 0; i < world.nstrangers; i++)
		gen_stranger(&world.strangers[i], i);
	gen_self(&world.contacts[pos++]);
	for (k = 0; k < NSPECIAL; k++)
		gen_special(&world.contacts[pos++], k);
	persons = pos;
	for (i = 0; i < n; i++)
		gen_person(&world.contacts[pos++], i);
	for (i = 0; i < nmp; i++)
		gen_mp(&world.contacts[pos++], i);
	world.ncontacts = pos;
	for (r = 0; r < g; r++) {
		gen_room(&world.contacts[pos], r, persons, n, &used);
		world.ncontacts = ++pos;
	}
}

void
emu_world_init(void)
{
	world.rng = 0x9E3779B97F4A7C15ULL ^
	            ((uint64_t)emu_opt.seed * 0xBF58476D1CE4E5B9ULL);
	if (world.rng == 0)
		world.rng = 1;
	world.nextid = 1000000000000000000ULL + emu_rand() % 4000000000000000000ULL;
	if (emu_opt.world)
		emu_load_world(emu_opt.world);
	else
		gen_contacts();
	world.logins = wx_calloc(EMU_LOGINS, sizeof *world.logins);
	world.sessions = wx_calloc(EMU_SESSIONS, sizeof *world.sessions);
	world.events = wx_calloc(EMU_EVENTS, sizeof *world.events);
	world.sent = wx_calloc(EMU_SENT, sizeof *world.sent);
}

void
emu_contact_free(struct emu_contact *c)
{
	int i;

	for (i = 0; c->mnick && i < c->nmembers; i++) {
		free(c->mnick[i]);
		free(c->mdisplay[i]);
	}
	free(c->mnick);
	free(c->mdisplay);
	free(c->rpyinitial);
	free(c->rpyquanpin);
	free(c->nickname);
	free(c->remark);
	free(c->signature);
	free(c->alias);
	free(c->province);
	free(c->city);
	free(c->pyinitial);
	free(c->pyquanpin);
	free(c->keyword);
	free(c->members);
	free(c->topic_owner);
}

/* ---- messages ---- */

#define FIELD(name, member, type) \
	{ name, offsetof(struct emu_msg, member), type }
const struct emu_field emu_msg_fields[] = {
	FIELD("MsgType", type, EMU_F_INT),
	FIELD("Status", status, EMU_F_INT),
	FIELD("ImgStatus", imgstatus, EMU_F_INT),
	FIELD("CreateTime", createtime, EMU_F_TIME),
	FIELD("VoiceLength", voicelength, EMU_F_INT),
	FIELD("PlayLength", playlength, EMU_F_INT),
	FIELD("FileName", filename, EMU_F_STR),
	FIELD("FileSize", filesize, EMU_F_STR),
	FIELD("MediaId", mediaid, EMU_F_STR),
	FIELD("Url", url, EMU_F_STR),
	FIELD("AppMsgType", appmsgtype, EMU_F_INT),
	FIELD("StatusNotifyCode", statuscode, EMU_F_INT),
	FIELD("StatusNotifyUserName", statususer, EMU_F_STR),
	FIELD("RecommendInfo.UserName", rec.username, EMU_F_STR),
	FIELD("RecommendInfo.NickName", rec.nickname, EMU_F_STR),
	FIELD("RecommendInfo.QQNum", rec.qqnum, EMU_F_I64),
	FIELD("RecommendInfo.Province", rec.province, EMU_F_STR),
	FIELD("RecommendInfo.City", rec.city, EMU_F_STR),
	FIELD("RecommendInfo.Content", rec.content, EMU_F_STR),
	FIELD("RecommendInfo.Signature", rec.signature, EMU_F_STR),
	FIELD("RecommendInfo.Alias", rec.alias, EMU_F_STR),
	FIELD("RecommendInfo.Scene", rec.scene, EMU_F_INT),
	FIELD("RecommendInfo.VerifyFlag", rec.verifyflag, EMU_F_INT),
	FIELD("RecommendInfo.AttrStatus", rec.attrstatus, EMU_F_INT),
	FIELD("RecommendInfo.Sex", rec.sex, EMU_F_INT),
	FIELD("RecommendInfo.Ticket", rec.ticket, EMU_F_STR),
	FIELD("RecommendInfo.OpCode", rec.opcode, EMU_F_INT),
	FIELD("ForwardFlag", forwardflag, EMU_F_INT),
	FIELD("AppInfo.AppID", appid, EMU_F_STR),
	FIELD("AppInfo.Type", apptype, EMU_F_INT),
	FIELD("HasProductId", hasproductid, EMU_F_INT),
	FIELD("Ticket", ticket, EMU_F_STR),
	FIELD("ImgHeight", imgheight, EMU_F_INT),
	FIELD("ImgWidth", imgwidth, EMU_F_INT),
	FIELD("SubMsgType", subtype, EMU_F_INT),
	FIELD("OriContent", oricontent, EMU_F_STR),
	FIELD("EncryFileName", encryname, EMU_F_STR),
};
#undef FIELD
const size_t emu_msg_nfields = sizeof emu_msg_fields / sizeof *emu_msg_fields;

void *
emu_msg_member(struct emu_msg *m, const struct emu_field *f)
{
	return (char *)m + f->off;
}

void
emu_msg_free_text(struct emu_msg *m)
{
	size_t i;

	free(m->content);
	for (i = 0; i < emu_msg_nfields; i++)
		if (emu_msg_fields[i].type == EMU_F_STR)
			free(*(char **)emu_msg_member(m, &emu_msg_fields[i]));
}

static void
msg_free(struct emu_msg *m)
{
	free(m->from);
	free(m->to);
	emu_msg_free_text(m);
	wx_buf_free(&m->media);
	memset(m, 0, sizeof *m);
}

void
emu_world_free(void)
{
	int i;
	size_t n;

	for (i = 0; i < world.ncontacts; i++)
		emu_contact_free(&world.contacts[i]);
	for (i = 0; i < world.nstrangers; i++)
		emu_contact_free(&world.strangers[i]);
	for (i = 0; i < EMU_EVENTS && (uint64_t)i <= world.seq && world.events; i++)
		msg_free(&world.events[i].msg);
	for (n = 0; n < world.nsent; n++)
		free(world.sent[n].json);
	for (i = 0; i < world.nuploads; i++)
		emu_upload_free(&world.uploads[i]);
	free(world.uploads);
	free(world.contacts);
	free(world.strangers);
	free(world.logins);
	free(world.sessions);
	free(world.events);
	free(world.sent);
	memset(&world, 0, sizeof world);
}

/* ---- lookups ---- */

struct emu_contact *
emu_contact_by_name(const char *username)
{
	int i;

	if (!username)
		return NULL;
	for (i = 0; i < world.ncontacts; i++)
		if (strcmp(world.contacts[i].username, username) == 0)
			return &world.contacts[i];
	for (i = 0; i < world.nstrangers; i++)
		if (strcmp(world.strangers[i].username, username) == 0)
			return &world.strangers[i];
	return NULL;
}

struct emu_contact *
emu_member(const struct emu_contact *room, int i)
{
	int k = room->members[i];

	return k >= 0 ? &world.contacts[k] : &world.strangers[-1 - k];
}

/* ---- logins ---- */

struct emu_login *
emu_login_new(const char *web, const char *lang, int desktop)
{
	struct emu_login *l = &world.logins[login_next];

	world.nlogins += world.nlogins < EMU_LOGINS;
	login_next = (login_next + 1) % EMU_LOGINS;
	memset(l, 0, sizeof *l);
	emu_randstr(l->uuid, 10, B64URL);
	strcpy(l->uuid + 10, "==");
	snprintf(l->web, sizeof l->web, "%s", web);
	snprintf(l->lang, sizeof l->lang, "%s", lang && *lang ? lang : "zh_CN");
	l->desktop = desktop;
	l->created = time(NULL);
	l->state = EMU_WAITING;
	emu_notify();   /* the phone page shows the new QR */
	return l;
}

/* An unscanned uuid expires LOGIN_LIFE seconds after jslogin. */
static void
login_age(struct emu_login *l)
{
	if ((l->state == EMU_WAITING || l->state == EMU_SCANNED) &&
	    time(NULL) - l->created >= LOGIN_LIFE)
		l->state = EMU_EXPIRED;
}

struct emu_login *
emu_login_find(const char *uuid)
{
	int i;

	if (!uuid)
		return NULL;
	for (i = 0; i < world.nlogins; i++)
		if (strcmp(world.logins[i].uuid, uuid) == 0) {
			login_age(&world.logins[i]);
			return &world.logins[i];
		}
	return NULL;
}

struct emu_login *
emu_login_latest(void)
{
	struct emu_login *l;

	if (world.nlogins == 0)
		return NULL;
	l = &world.logins[(login_next + EMU_LOGINS - 1) % EMU_LOGINS];
	login_age(l);
	return l;
}

static int
login_open(const struct emu_login *l)
{
	return l->state == EMU_WAITING || l->state == EMU_SCANNED;
}

int
emu_login_scan(struct emu_login *l)
{
	if (l->state != EMU_WAITING)
		return -1;
	l->state = EMU_SCANNED;
	l->scanned = time(NULL);
	l->told = 0;
	emu_notify();
	return 0;
}

int
emu_login_confirm(struct emu_login *l)
{
	if (!login_open(l))
		return -1;
	if (l->state == EMU_WAITING)
		emu_login_scan(l);
	l->state = EMU_CONFIRMED;
	l->confirmed = time(NULL);
	l->ticket[0] = 'A';
	emu_randstr(l->ticket + 1, 23, ALNUM_);
	strcat(l->ticket, "@qrticket_0");
	emu_notify();
	return 0;
}

int
emu_login_cancel(struct emu_login *l)
{
	if (!login_open(l))
		return -1;
	l->state = EMU_CANCELLED;
	emu_notify();
	return 0;
}

int
emu_login_expire(struct emu_login *l)
{
	if (!login_open(l) && l->state != EMU_CONFIRMED)
		return -1;
	l->state = EMU_EXPIRED;
	emu_notify();
	return 0;
}

/* ---- sessions ---- */

/* base64 of n random bytes (with padding), percent-encoded like the
 * <pass_ticket> of the XML: + / = as %2B %2F %3D. */
static void
pass_ticket(char *out, size_t size)
{
	char raw[48];
	struct wx_buf b = {0};
	const char *p;

	emu_randstr(raw, 43, B64);
	raw[43] = '=';
	raw[44] = '\0';
	for (p = raw; *p; p++) {
		if (*p == '+' || *p == '/' || *p == '=')
			wx_buf_addf(&b, "%%%02X", (unsigned char)*p);
		else
			wx_buf_addc(&b, *p);
	}
	snprintf(out, size, "%s", b.p);
	wx_buf_free(&b);
}

struct emu_session *
emu_session_new(const struct emu_login *l)
{
	struct emu_session *s = &world.sessions[session_next];
	char h8[9], h32[33];
	int i;

	for (i = 0; i < world.nsessions; i++)
		if (!world.sessions[i].dead)
			world.sessions[i].dead = 1101;
	world.nsessions += world.nsessions < EMU_SESSIONS;
	session_next = (session_next + 1) % EMU_SESSIONS;
	memset(s, 0, sizeof *s);
	s->uin = world.contacts[0].uin;
	emu_randstr(s->sid, 16, B64);
	emu_randstr(h8, 8, HEX);
	emu_randstr(h32, 32, HEX);
	snprintf(s->skey, sizeof s->skey, "@crypt_%s_%s", h8, h32);
	pass_ticket(s->pass_ticket, sizeof s->pass_ticket);
	emu_randstr(s->data_ticket, 24, B64);
	emu_randstr(s->uvid, 96, HEX);
	emu_randstr(s->auth_ticket, 188, B64);
	snprintf(s->web, sizeof s->web, "%s", l->web);
	s->desktop = l->desktop;
	s->loadtime = time(NULL);
	s->seen = world.seq;
	s->base = 600000000 + emu_rand() % 100000000;
	emu_notify();   /* long polls of the replaced sessions answer 1101 */
	return s;
}

struct emu_session *
emu_session_newest(void)
{
	if (world.nsessions == 0)
		return NULL;
	return &world.sessions[(session_next + EMU_SESSIONS - 1) % EMU_SESSIONS];
}

/* ---- events ---- */

static char *
dup0(const char *s)
{
	return s ? wx_strdup(s) : NULL;
}

static struct emu_event *
event_slot(void)
{
	struct emu_event *e = &world.events[++world.seq % EMU_EVENTS];

	msg_free(&e->msg);
	memset(e, 0, sizeof *e);
	e->seq = world.seq;
	return e;
}

uint64_t
emu_event_msg(const struct emu_msg *m, const struct emu_session *only)
{
	struct emu_event *e = event_slot();
	struct emu_msg *c = &e->msg;
	size_t i;

	e->kind = EMU_EV_MSG;
	e->only = only;
	*c = *m;
	c->msgid = m->msgid ? m->msgid : emu_new_msgid();
	c->createtime = m->createtime ? m->createtime : time(NULL);
	c->from = dup0(m->from);
	c->to = dup0(m->to);
	c->content = dup0(m->content ? m->content : "");
	for (i = 0; i < emu_msg_nfields; i++) {
		char **p = emu_msg_member(c, &emu_msg_fields[i]);
		if (emu_msg_fields[i].type == EMU_F_STR)
			*p = dup0(*p);
	}
	memset(&c->media, 0, sizeof c->media);
	if (m->media.len)
		wx_buf_add(&c->media, m->media.p, m->media.len);
	emu_notify();
	return e->seq;
}

uint64_t
emu_event_contact(enum emu_ekind kind, int contact)
{
	struct emu_event *e = event_slot();

	e->kind = kind;
	e->contact = contact;
	emu_notify();
	return e->seq;
}

const struct emu_event *
emu_event_next(const struct emu_session *s,
               uint64_t after)
{
	uint64_t oldest = world.seq >= EMU_EVENTS ? world.seq - EMU_EVENTS + 1 : 1;
	uint64_t q;

	for (q = after + 1 > oldest ? after + 1 : oldest;
	     q <= world.seq; q++) {
		const struct emu_event *e = &world.events[q % EMU_EVENTS];
		if (!e->only || e->only == s)
			return e;
	}
	return NULL;
}

struct emu_msg *
emu_msg_by_id(uint64_t msgid)
{
	uint64_t oldest = world.seq >= EMU_EVENTS ? world.seq - EMU_EVENTS + 1 : 1;
	uint64_t q;

	for (q = world.seq; q >= oldest && q > 0; q--) {
		struct emu_event *e = &world.events[q % EMU_EVENTS];
		if (e->kind == EMU_EV_MSG && e->msg.msgid == msgid)
			return &e->msg;
	}
	return NULL;
}

/* ---- sent log ---- */

/* The separator before the next member: "{" for the first. */
static void
sent_member(struct wx_buf *b, const char *key)
{
	wx_buf_addf(b, "%s\"%s\":", b->len ? "," : "{", key);
}

void
emu_sent_str(struct wx_buf *b, const char *key, const char *val)
{
	sent_member(b, key);
	wx_json_put_strz(b, val ? val : "");
}

void
emu_sent_int(struct wx_buf *b, const char *key, long long val)
{
	sent_member(b, key);
	wx_buf_addf(b, "%lld", val);
}

void
emu_sent_add(struct wx_buf *line)
{
	struct emu_sent *e = &world.sent[world.sentpos];

	wx_buf_addc(line, '}');
	free(e->json);
	e->json = line->p;
	*line = (struct wx_buf){0};
	world.sentpos = (world.sentpos + 1) % EMU_SENT;
	if (world.nsent < EMU_SENT)
		world.nsent++;
}

int
emu_parse_u64(const char *s, uint64_t *out)
{
	return s ? wx_parse_u64(s, strlen(s), UINT64_MAX, out) : -1;
}
