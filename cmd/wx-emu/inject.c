/* inject.c — POST /_emu/message: a message for webwxsync built from a
 * JSON description, with the Content of its TypeName in the exact server
 * form of protocol.md §8.6 and the fields §8.1 says go with it; or N
 * generated text messages (?count=N).
 *
 * Order of construction: the parties (From, To, the room member who
 * speaks), the Media bytes, the template of the TypeName, then every
 * AddMsgList member the body gives by name over the template, then
 * Content.  Templates are deterministic: tokens, ids and made-up sizes
 * derive from the MsgId (or the contact's UserName), and the lengths and
 * md5s they declare are those of the bytes the download endpoints serve
 * for the message (emu_msg_bytes).  XML is built unescaped, then given
 * the server's escaping (wx_text_encode: & < > as entities, LF as
 * <br/>), so a LF in the XML text below is a <br/> on the wire. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "emu.h"

static const char HEX[] = "0123456789abcdef";
static const char ALNUM[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/* The parties of a message, resolved from the body. */
struct typed {
	const struct wx_json *j;                /* the body */
	const struct emu_contact *from, *to;
	const struct emu_contact *sender;       /* the member who speaks in a
	                                           room; NULL outside rooms */
	int sender_given;                       /* the body named Sender */
	const char *err;                        /* why a template refused */
};

/* ---- the body ---- */

static char *
jstr(const struct wx_json *j, const char *key)
{
	return j ? wx_json_getstr(j, 0, key) : NULL;
}

static long long
jint(const struct wx_json *j, const char *key, long long dflt)
{
	long long v;

	if (!j || wx_json_int(j, wx_json_get(j, 0, key), &v) < 0)
		return dflt;
	return v;
}

/* UserName or "self"; NULL if unknown. */
static const struct emu_contact *
who(const char *name)
{
	if (name && strcmp(name, "self") == 0)
		return &world.contacts[0];
	return emu_contact_by_name(name);
}

static const struct emu_contact *
random_of(enum emu_ckind kind)
{
	int tries, i;

	for (tries = 0; tries < 1000 && world.ncontacts > 0; tries++) {
		i = (int)(emu_rand() % (unsigned long)world.ncontacts);
		if (world.contacts[i].kind == kind)
			return &world.contacts[i];
	}
	return NULL;
}

/* A room member other than self, for a room message without Sender. */
static const struct emu_contact *
random_sender(const struct emu_contact *room)
{
	if (room->nmembers < 2)
		return &world.contacts[0];
	return emu_member(room, 1 + (int)(emu_rand() %
	                  (unsigned long)(room->nmembers - 1)));
}

/* Someone who is not a friend (a card's subject, a friend request's
 * author): a room member who is no contact, else a friend. */
static const struct emu_contact *
random_stranger(void)
{
	if (world.nstrangers > 0)
		return &world.strangers[emu_rand() % (unsigned long)world.nstrangers];
	return random_of(EMU_PERSON);
}

/* ---- deterministic tokens ---- */

/* splitmix64: one step of a seeded sequence. */
static uint64_t
mix(uint64_t *x)
{
	uint64_t z = (*x += 0x9E3779B97F4A7C15ULL);

	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
	return z ^ (z >> 31);
}

/* n characters of set into out (n + 1 bytes), the same for the same seed. */
static void
token(char *out, size_t n, uint64_t seed, const char *set)
{
	size_t k = strlen(set), i;

	for (i = 0; i < n; i++)
		out[i] = set[mix(&seed) % k];
	out[n] = '\0';
}

/* FNV-1a: a seed that stays with a UserName. */
static uint64_t
name_seed(const char *s)
{
	uint64_t h = 0xCBF29CE484222325ULL;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001B3ULL;
	return h;
}

/* ---- XML ---- */

/* Plain text as XML: & < > always, " too inside an attribute. */
static void
xml_esc(struct wx_buf *b, const char *s, int attr)
{
	for (; s && *s; s++) {
		if (*s == '&')
			wx_buf_adds(b, "&amp;");
		else if (*s == '<')
			wx_buf_adds(b, "&lt;");
		else if (*s == '>')
			wx_buf_adds(b, "&gt;");
		else if (*s == '"' && attr)
			wx_buf_adds(b, "&quot;");
		else
			wx_buf_addc(b, *s);
	}
}

struct attr {
	const char *name;       /* a leading space doubles the one before it */
	const char *value;      /* plain text */
};

static void
xml_attrs(struct wx_buf *b, const struct attr *a, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		wx_buf_addf(b, " %s=\"", a[i].name);
		xml_esc(b, a[i].value, 1);
		wx_buf_addc(b, '"');
	}
}

/* <name>plain</name> */
static void
xml_elem(struct wx_buf *b, const char *name, const char *plain)
{
	wx_buf_addf(b, "<%s>", name);
	xml_esc(b, plain, 0);
	wx_buf_addf(b, "</%s>", name);
}

/* Server-form text (a NickName) as plain text; malloc'd. */
static char *
plain(const char *s)
{
	return wx_text_decode(s ? s : "", s ? strlen(s) : 0);
}

/* m->content = the server form of xml (plain UTF-8 text). */
static void
set_xml(struct emu_msg *m, const struct wx_buf *xml)
{
	struct wx_buf b = {0};

	wx_text_encode(&b, xml->p ? xml->p : "", xml->len);
	free(m->content);
	m->content = b.p;
}

/* The length and md5 of the bytes m's own download endpoint serves. */
static size_t
own_bytes(const struct emu_msg *m, char md5[33])
{
	struct wx_buf made = {0};
	const struct wx_buf *d = emu_msg_bytes(m, emu_msg_endpoint(m), 0, &made);
	size_t n = d->len;

	wx_md5_hex(d->p ? d->p : "", n, md5);
	wx_buf_free(&made);
	return n;
}

/* The member who speaks: the room member, else From. */
static const struct emu_contact *
speaker(const struct typed *t)
{
	return t->sender ? t->sender : t->from;
}

/* ---- templates, one per TypeName ---- */

static int
fill_text(struct emu_msg *m, struct typed *t)
{
	(void)t;
	m->type = 1;
	m->content = wx_strdup("hello");
	return 0;
}

/* 3: <msg><img length="…" hdlength="0" /><commenturl></commenturl></msg>,
 * as in 2014 and 2016, with the size of the full image. */
static int
fill_image(struct emu_msg *m, struct typed *t)
{
	struct wx_buf x = {0};
	char md5[33];

	(void)t;
	m->type = 3;
	m->imgstatus = 2;
	m->imgwidth = 120;
	m->imgheight = 90;
	wx_buf_addf(&x, "<msg><img length=\"%zu\" hdlength=\"0\" />"
	            "<commenturl></commenturl></msg>", own_bytes(m, md5));
	set_xml(m, &x);
	wx_buf_free(&x);
	return 0;
}

/* 34: the voicemsg element of the 2016 sample; clientmsgid shaped
 * "<32 hex><recipient>174_<unix>" like it. */
static int
fill_voice(struct emu_msg *m, struct typed *t)
{
	struct wx_buf x = {0};
	char md5[33], cid[33], to[80], from[80];
	size_t len;

	m->type = 34;
	m->voicelength = (int)jint(t->j, "VoiceLength",
	                           1000 + (long long)(m->msgid % 59000));
	len = own_bytes(m, md5);
	token(cid, 32, m->msgid ^ 34, HEX);
	emu_real_id(t->to, to, sizeof to);
	emu_real_id(speaker(t), from, sizeof from);
	wx_buf_addf(&x, "<msg><voicemsg endflag=\"1\" cancelflag=\"0\" "
	            "forwardflag=\"0\" voiceformat=\"4\" voicelength=\"%d\" "
	            "length=\"%zu\" bufid=\"%018" PRIu64 "\" "
	            "clientmsgid=\"%s%s174_%lld\" "
	            "fromusername=\"%s\" /></msg>", m->voicelength, len,
	            (uint64_t)(m->msgid % 1000000000000000000ULL), cid, to,
	            (long long)time(NULL), from);
	set_xml(m, &x);
	wx_buf_free(&x);
	return 0;
}

/* 43: CAP's Content is an opaque "@" + 1696 hex digits; the thumbnail
 * (webwxgetmsgimg) is 290 x 512 as there. */
static int
fill_video(struct emu_msg *m, struct typed *t)
{
	char *c = wx_malloc(1698);

	(void)t;
	m->type = 43;
	m->playlength = 1 + (int)(m->msgid % 60);
	m->imgwidth = 290;
	m->imgheight = 512;
	c[0] = '@';
	token(c + 1, 1696, m->msgid ^ 43, HEX);
	free(m->content);
	m->content = c;
	return 0;
}

/* 47: CAP's emoji element (attributes to attachedtext, then <gameext>);
 * md5/len of the bytes webwxgetmsgimg serves, width/height = ImgWidth/
 * ImgHeight (240 x 210 as in CAP); HasProductId 1 makes it a store
 * sticker with a productid and a thumburl. */
static int
fill_emoji(struct emu_msg *m, struct typed *t)
{
	struct wx_buf x = {0};
	char md5[33], len[24], wd[16], ht[16], from[80], to[80];
	char cdn[57], enc[57], ext[57], aes[33], emd5[33];
	char cdnurl[100], encurl[100], exturl[100], thumb[100];
	int store = jint(t->j, "HasProductId", 0) != 0;

	m->type = 47;
	m->imgstatus = 2;
	m->hasproductid = store;
	m->imgwidth = (int)jint(t->j, "ImgWidth", 240);
	m->imgheight = (int)jint(t->j, "ImgHeight", 210);
	snprintf(len, sizeof len, "%zu", own_bytes(m, md5));
	snprintf(wd, sizeof wd, "%d", m->imgwidth);
	snprintf(ht, sizeof ht, "%d", m->imgheight);
	emu_real_id(speaker(t), from, sizeof from);
	emu_real_id(t->to, to, sizeof to);
	token(cdn, 56, m->msgid ^ 1, ALNUM);
	token(enc, 56, m->msgid ^ 2, ALNUM);
	token(ext, 56, m->msgid ^ 3, ALNUM);
	token(aes, 32, m->msgid ^ 4, HEX);
	token(emd5, 32, m->msgid ^ 5, HEX);
	snprintf(cdnurl, sizeof cdnurl, "http://emoji.qpic.cn/wx_emoji/%s/", cdn);
	snprintf(encurl, sizeof encurl, "http://emoji.qpic.cn/wx_emoji/%s/", enc);
	snprintf(exturl, sizeof exturl, "http://emoji.qpic.cn/wx_emoji/%s/", ext);
	snprintf(thumb, sizeof thumb, "http://mmbiz.qpic.cn/mmemoticon/%s/0", ext);
	{
		const struct attr a[] = {
			{ "fromusername", from }, { "tousername", to },
			{ "type", "2" }, { "idbuffer", "media:0_0" },
			{ "md5", md5 }, { "len", len },
			{ "productid", store ? "com.tencent.xin.emoticon.bilibili" : "" },
			{ "androidmd5", md5 }, { "androidlen", len },
			{ "s60v3md5", md5 }, { "s60v3len", len },
			{ "s60v5md5", md5 }, { "s60v5len", len },
			{ "cdnurl", cdnurl }, { "designerid", "" },
			{ "thumburl", store ? thumb : "" }, { "encrypturl", encurl },
			{ "aeskey", aes }, { "externurl", exturl },
			{ "externmd5", emd5 }, { "width", wd }, { "height", ht },
			{ "tpurl", "" }, { "tpauthkey", "" }, { "attachedtext", "" },
		};
		wx_buf_adds(&x, "<msg><emoji");
		xml_attrs(&x, a, sizeof a / sizeof *a);
	}
	wx_buf_adds(&x, "></emoji><gameext type=\"0\" content=\"0\"></gameext></msg>");
	set_xml(m, &x);
	wx_buf_free(&x);
	return 0;
}

/* What a card and a friend request say of a person, as plain text. */
struct person {
	char v1[80], v2[112];   /* encrypted UserName, ticket (@stranger) */
	char big[128], small[128];
	char sex[8];
	char *nick, *py, *alias, *province, *city, *sign;
};

static void
person_of(struct person *p, const struct emu_contact *c, const char *size)
{
	uint64_t seed = name_seed(c->username);
	char hex[65], head[81];

	token(hex, 32, seed, HEX);
	snprintf(p->v1, sizeof p->v1, "v1_%s@stranger", hex);
	token(hex, 64, seed ^ 2, HEX);
	snprintf(p->v2, sizeof p->v2, "v2_%s@stranger", hex);
	token(head, 80, seed ^ 3, ALNUM);
	snprintf(p->big, sizeof p->big, "http://wx.qlogo.cn/mmhead/ver_1/%s/0", head);
	snprintf(p->small, sizeof p->small, "http://wx.qlogo.cn/mmhead/ver_1/%s/%s",
	         head, size);
	snprintf(p->sex, sizeof p->sex, "%d", c->sex);
	p->nick = plain(c->nickname);
	p->py = plain(c->pyinitial);
	p->alias = plain(c->alias);
	p->province = plain(c->province);
	p->city = plain(c->city);
	p->sign = plain(c->signature);
}

static void
person_free(struct person *p)
{
	free(p->nick);
	free(p->py);
	free(p->alias);
	free(p->province);
	free(p->city);
	free(p->sign);
}

static char *
dup0(const char *s)
{
	return wx_strdup(s ? s : "");
}

/* RecommendInfo of contact c (server-form strings as the contact has
 * them). */
static void
recommend(struct emu_msg *m, const struct emu_contact *c, int scene,
          int attrstatus)
{
	struct emu_recommend *r = &m->rec;

	r->username = dup0(c->username);
	r->nickname = dup0(c->nickname);
	r->province = dup0(c->province);
	r->city = dup0(c->city);
	r->signature = dup0(c->signature);
	r->alias = dup0(c->alias);
	r->scene = scene;
	r->verifyflag = c->verifyflag;
	r->attrstatus = attrstatus;
	r->sex = c->sex;
}

/* 42: "<?xml version=\"1.0\"?>" LF "<msg … />" LF (the 2019 attribute
 * list, antispamticket included); the subject is Card (a UserName) or a
 * stranger; RecommendInfo Scene 17, AttrStatus 32 as in the sample. */
static int
fill_card(struct emu_msg *m, struct typed *t)
{
	char *name = jstr(t->j, "Card");
	const struct emu_contact *c = name ? who(name) : random_stranger();
	struct wx_buf x = {0};
	struct person p;

	free(name);
	if (!c) {
		t->err = "unknown Card\n";
		return -1;
	}
	person_of(&p, c, "132");
	{
		const struct attr a[] = {
			{ "bigheadimgurl", p.big }, { "smallheadimgurl", p.small },
			{ "username", p.v1 }, { "nickname", p.nick },
			{ " shortpy", p.py },   /* two spaces before it, as sampled */
			{ "alias", p.alias }, { "imagestatus", "3" },
			{ "scene", "17" }, { "province", p.province },
			{ "city", p.city }, { "sign", p.sign }, { "sex", p.sex },
			{ "certflag", "0" }, { "certinfo", "" },
			{ "brandIconUrl", "" }, { "brandHomeUrl", "" },
			{ "brandSubscriptConfigUrl", "" }, { "brandFlags", "0" },
			{ "regionCode", "" }, { "antispamticket", p.v2 },
		};
		wx_buf_adds(&x, "<?xml version=\"1.0\"?>\n<msg");
		xml_attrs(&x, a, sizeof a / sizeof *a);
	}
	wx_buf_adds(&x, " />\n");
	m->type = 42;
	recommend(m, c, 17, 32);
	set_xml(m, &x);
	wx_buf_free(&x);
	person_free(&p);
	return 0;
}

/* 37 from fmessage: the 2021 attribute list (sharecardusername …
 * extflag) and <brandlist>; RecommendInfo with the greeting (Content),
 * Scene 14, AttrStatus 233765, the ticket and OpCode 2.  The greeting is
 * RecommendInfo.Content of the body, in server form. */
static int
fill_verify(struct emu_msg *m, struct typed *t)
{
	const struct emu_contact *c = random_stranger();
	char *hello = jstr(t->j, "RecommendInfo.Content"), *text;
	struct wx_buf x = {0}, g = {0};
	char id[80], mhash[33], mfull[33];
	struct person p;

	if (!c) {
		t->err = "no stranger or friend to send a request\n";
		free(hello);
		return -1;
	}
	person_of(&p, c, "96");
	if (!hello) {
		text = wx_asprintf("我是%s", p.nick);
		wx_text_encode(&g, text, strlen(text));
		free(text);
		hello = g.p;
	}
	text = plain(hello);
	emu_real_id(c, id, sizeof id);
	token(mhash, 32, name_seed(c->username) ^ 4, HEX);
	token(mfull, 32, name_seed(c->username) ^ 5, HEX);
	{
		const struct attr a[] = {
			{ "fromusername", id }, { "encryptusername", p.v1 },
			{ "fromnickname", p.nick }, { "content", text },
			{ " shortpy", p.py },   /* two spaces before it, as sampled */
			{ "imagestatus", "3" }, { "scene", "14" },
			{ "country", "" }, { "province", p.province },
			{ "city", p.city }, { "sign", p.sign },
			{ "percard", "0" }, { "sex", p.sex }, { "alias", p.alias },
			{ "weibo", "" }, { "albumflag", "0" }, { "albumstyle", "0" },
			{ "albumbgimgid", "" }, { "snsflag", "1" },
			{ "snsbgimgid", "" }, { "snsbgobjectid", "0" },
			{ "mhash", mhash }, { "mfullhash", mfull },
			{ "bigheadimgurl", p.big }, { "smallheadimgurl", p.small },
			{ "ticket", p.v2 }, { "opcode", "2" },
			{ "googlecontact", "" }, { "qrticket", "" },
			{ "chatroomusername", "" }, { "sourceusername", "" },
			{ "sourcenickname", "" }, { "sharecardusername", "" },
			{ "sharecardnickname", "" }, { "cardversion", "" },
			{ "extflag", "0" },
		};
		wx_buf_adds(&x, "<msg");
		xml_attrs(&x, a, sizeof a / sizeof *a);
	}
	wx_buf_addf(&x, "><brandlist count=\"0\" ver=\"%u\"></brandlist></msg>",
	            (unsigned)(600000000 + name_seed(c->username) % 200000000));
	m->type = 37;
	recommend(m, c, 14, 233765);
	m->rec.content = hello;
	m->rec.ticket = wx_strdup(p.v2);
	m->rec.opcode = 2;
	set_xml(m, &x);
	wx_buf_free(&x);
	person_free(&p);
	free(text);
	return 0;
}

/* The parts of an <appmsg> that vary between a link and a file. */
struct appmsg {
	const char *appid, *title, *des, *url;
	int type;
	const char *totallen, *attachid, *fileext, *cdnattachurl, *aeskey;
	const char *encryver, *md5, *version, *appname;
};

/* 49: the element list of §8.6 (the 2019 file sample). */
static void
put_appmsg(struct wx_buf *x, const struct appmsg *a)
{
	char type[16];

	snprintf(type, sizeof type, "%d", a->type);
	wx_buf_adds(x, "<msg><appmsg");
	xml_attrs(x, (const struct attr[]){ { "appid", a->appid },
	          { "sdkver", "0" } }, 2);
	wx_buf_addc(x, '>');
	xml_elem(x, "title", a->title);
	xml_elem(x, "des", a->des);
	xml_elem(x, "action", "view");
	xml_elem(x, "type", type);
	xml_elem(x, "showtype", "0");
	xml_elem(x, "content", "");
	xml_elem(x, "url", a->url);
	wx_buf_adds(x, "<dataurl></dataurl><lowurl></lowurl><lowdataurl>"
	            "</lowdataurl><recorditem><![CDATA[]]></recorditem>"
	            "<thumburl></thumburl><messageaction></messageaction>"
	            "<extinfo></extinfo><sourceusername></sourceusername>"
	            "<sourcedisplayname></sourcedisplayname><commenturl>"
	            "</commenturl><appattach>");
	xml_elem(x, "totallen", a->totallen);
	xml_elem(x, "attachid", a->attachid);
	xml_elem(x, "emoticonmd5", "");
	xml_elem(x, "fileext", a->fileext);
	xml_elem(x, "cdnattachurl", a->cdnattachurl);
	xml_elem(x, "aeskey", a->aeskey);
	xml_elem(x, "encryver", a->encryver);
	wx_buf_adds(x, "</appattach>");
	xml_elem(x, "md5", a->md5);
	wx_buf_adds(x, "</appmsg><fromusername></fromusername><scene>0</scene>"
	            "<appinfo>");
	xml_elem(x, "version", a->version);
	xml_elem(x, "appname", a->appname);
	wx_buf_adds(x, "</appinfo><commenturl></commenturl></msg>");
}

/* 49 / AppMsgType 5: FileName = the title, Url = the link (in the XML
 * too, & escaped there as the music sample's dataurl). */
static int
fill_link(struct emu_msg *m, struct typed *t)
{
	char sn[33];
	struct wx_buf x = {0};
	struct appmsg a = {0};

	token(sn, 32, m->msgid ^ 49, HEX);
	m->type = 49;
	m->appmsgtype = 5;
	if (!(m->filename = jstr(t->j, "FileName")))
		m->filename = wx_strdup("An article shared from WeChat");
	if (!(m->url = jstr(t->j, "Url")))
		m->url = wx_asprintf("http://mp.weixin.qq.com/s?__biz="
		                     "MzA5NjE2NjQ3MA==&mid=%u&idx=1&sn=%s#rd",
		                     (unsigned)(2650000000u + m->msgid % 1000000), sn);
	a.appid = "";
	a.title = m->filename;
	a.des = "Read it on the phone.";
	a.url = m->url;
	a.type = 5;
	a.totallen = "0";
	a.attachid = a.fileext = a.cdnattachurl = a.aeskey = a.encryver = "";
	a.md5 = a.appname = "";
	a.version = "1";
	put_appmsg(&x, &a);
	set_xml(m, &x);
	wx_buf_free(&x);
	return 0;
}

/* 49 / AppMsgType 6 from PC WeChat (the 2019 sample): FileName, FileSize
 * (a string: the Media's length, else made up), MediaId "@crypt_…",
 * EncryFileName, AppInfo.AppID; the XML's totallen and md5 are those of
 * what webwxgetmedia serves.  Content ends "<br/>" escaped, then <br/>. */
static int
fill_file(struct emu_msg *m, struct typed *t)
{
	static const char PC[] = "wx6618f1cfc6c132f8";
	char md5[33], len[24], h8[9], h640[641], cdn[97], aes[33];
	char *attach;
	const char *dot;
	struct wx_buf x = {0}, enc = {0};
	struct appmsg a = {0};

	m->type = 49;
	m->appmsgtype = 6;
	m->appid = wx_strdup(PC);
	if (!(m->filename = jstr(t->j, "FileName")))
		m->filename = wx_strdup("report.pdf");
	if (!(m->mediaid = jstr(t->j, "MediaId"))) {
		token(h8, 8, m->msgid ^ 6, HEX);
		token(h640, 640, m->msgid ^ 7, HEX);
		m->mediaid = wx_asprintf("@crypt_%s_%s", h8, h640);
	}
	if (!(m->filesize = jstr(t->j, "FileSize")))
		m->filesize = wx_asprintf("%zu", m->media.len ? m->media.len
		                          : (size_t)(1024 + m->msgid % 65536));
	emu_encry_name(&enc, m->filename);
	wx_buf_adds(&enc, "");
	m->encryname = enc.p;
	snprintf(len, sizeof len, "%zu", own_bytes(m, md5));
	token(cdn, 96, m->msgid ^ 8, HEX);
	token(aes, 32, m->msgid ^ 9, HEX);
	attach = wx_asprintf("@cdn_%s_%s_1", cdn, aes);
	dot = strrchr(m->filename, '.');
	a.appid = PC;
	a.title = m->filename;
	a.des = a.url = "";
	a.type = 6;
	a.totallen = len;
	a.attachid = attach;
	a.fileext = dot ? dot + 1 : "";
	a.cdnattachurl = cdn;
	a.aeskey = aes;
	a.encryver = "1";
	a.md5 = md5;
	a.version = "7";
	a.appname = "微信电脑版";
	put_appmsg(&x, &a);
	wx_buf_adds(&x, "<br/>\n");
	set_xml(m, &x);
	wx_buf_free(&x);
	free(attach);
	return 0;
}

/* 1 / SubMsgType 48 (2019 sample): "<label>:<br/><map path>" with a raw
 * "&" in the path, Url the geocoder, OriContent the raw XML.  Label from
 * the body's Label (plain text). */
static int
fill_location(struct emu_msg *m, struct typed *t)
{
	static const char X[] = "22.540000", Y[] = "113.930000";
	char *label = jstr(t->j, "Label");
	struct wx_buf c = {0}, o = {0};
	char tok[33];

	if (!label)
		label = wx_strdup("深圳市南山区科技园");
	token(tok, 32, m->msgid ^ 48, HEX);
	wx_text_encode(&c, label, strlen(label));
	wx_buf_addf(&c, ":<br/>/cgi-bin/mmwebwx-bin/webwxgetpubliclinkimg?"
	            "url=%s&msgid=%" PRIu64 "&pictype=location", tok, m->msgid);
	wx_buf_addf(&o, "<?xml version=\"1.0\"?>\n<msg>\n\t<location x=\"%s\" "
	            "y=\"%s\" scale=\"16\" label=\"", X, Y);
	xml_esc(&o, label, 1);
	wx_buf_adds(&o, "\" maptype=\"0\" poiname=\"[位置]\" poiid=\"\" />\n</msg>\n");
	m->type = 1;
	m->subtype = 48;
	free(m->content);
	m->content = c.p;
	m->oricontent = o.p;
	m->url = wx_asprintf("http://apis.map.qq.com/uri/v1/geocoder?coord=%s,%s",
	                     X, Y);
	free(label);
	return 0;
}

/* 10000: a plain tip, one of the captured texts. */
static int
fill_system(struct emu_msg *m, struct typed *t)
{
	char *nick = plain(speaker(t)->nickname), *room = plain(t->from->nickname);
	struct wx_buf x = {0};

	m->type = 10000;
	if (t->sender)
		wx_buf_addf(&x, "\"%s\"修改群名为“%s”", nick, room);
	else
		wx_buf_addf(&x, "你已添加了 %s ，现在可以开始聊天了。", nick);
	set_xml(m, &x);
	wx_buf_free(&x);
	free(nick);
	free(room);
	return 0;
}

void
emu_set_revoke(struct emu_msg *m, const char *session, uint64_t oldmsgid,
               uint64_t msgid, const char *replacemsg)
{
	struct wx_buf x = {0};

	wx_buf_addf(&x, "<sysmsg type=\"revokemsg\">\n\t<revokemsg>\n"
	            "\t\t<session>%s</session>\n\t\t<oldmsgid>%" PRIu64
	            "</oldmsgid>\n\t\t<msgid>%" PRIu64 "</msgid>\n"
	            "\t\t<replacemsg><![CDATA[%s]]></replacemsg>\n"
	            "\t</revokemsg>\n</sysmsg>\n", session, oldmsgid, msgid,
	            replacemsg);
	m->type = 10002;
	m->status = 4;
	set_xml(m, &x);
	wx_buf_free(&x);
}

/* 10002 for the MsgId in Revoke; session = the chat's real id, the
 * replacement text names the speaker. */
static int
fill_revoke(struct emu_msg *m, struct typed *t)
{
	char *id = jstr(t->j, "Revoke"), *nick, *text;
	char session[80];
	uint64_t v;

	if (emu_parse_u64(id, &v) < 0) {
		t->err = "revoke needs Revoke, the MsgId recalled\n";
		free(id);
		return -1;
	}
	nick = plain(speaker(t)->nickname);
	text = wx_asprintf("\"%s\" 撤回了一条消息", nick);
	emu_real_id(t->from, session, sizeof session);
	emu_set_revoke(m, session, 1000000000 + v % 3000000000u, v, text);
	free(text);
	free(nick);
	free(id);
	return 0;
}

/* 51: StatusNotifyCode 4 (the default) is the chat list of §8.6, From =
 * To = self; another code (1 read, 2 entered, 5 left) names one chat in
 * StatusNotifyUserName, = To (a random friend when the body has no To),
 * with an empty Content (CAP's Code 1). */
static int
fill_status(struct emu_msg *m, struct typed *t)
{
	int code = (int)jint(t->j, "StatusNotifyCode", 4);
	const struct emu_contact *peer;
	char *to;

	if (code == 4) {
		emu_chat_list(m, time(NULL));
		return 0;
	}
	to = jstr(t->j, "To");
	if (!to && (peer = random_of(EMU_PERSON)))
		m->to = (char *)peer->username;
	free(to);
	m->type = 51;
	m->statuscode = code;
	m->statususer = wx_strdup(m->to);
	free(m->content);
	m->content = wx_strdup("");
	return 0;
}

enum dflt_from { FROM_FRIEND, FROM_SELF, FROM_FMESSAGE };

struct type {
	const char *name;
	enum dflt_from from;    /* From when the body names none */
	int prefix;             /* in a room, Content starts "<sender>:<br/>" */
	int (*fill)(struct emu_msg *, struct typed *);
};

/* Tips, recalls, status and requests carry no sender prefix (§8.5). */
static const struct type TYPES[] = {
	{ "text", FROM_FRIEND, 1, fill_text },
	{ "image", FROM_FRIEND, 1, fill_image },
	{ "voice", FROM_FRIEND, 1, fill_voice },
	{ "video", FROM_FRIEND, 1, fill_video },
	{ "emoji", FROM_FRIEND, 1, fill_emoji },
	{ "card", FROM_FRIEND, 1, fill_card },
	{ "link", FROM_FRIEND, 1, fill_link },
	{ "file", FROM_FRIEND, 1, fill_file },
	{ "location", FROM_FRIEND, 1, fill_location },
	{ "system", FROM_FRIEND, 0, fill_system },
	{ "revoke", FROM_FRIEND, 0, fill_revoke },
	{ "status", FROM_SELF, 0, fill_status },
	{ "verify", FROM_FMESSAGE, 0, fill_verify },
};

static const struct type *
type_named(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof TYPES / sizeof *TYPES; i++)
		if (strcmp(name, TYPES[i].name) == 0)
			return &TYPES[i];
	return NULL;
}

/* ---- a message from the body ---- */

/* fmessage is From of every friend request, listed in the world or not. */
static const struct emu_contact FMESSAGE = {
	.kind = EMU_SPECIAL, .username = "fmessage",
};

/* -F: what the owner types on the phone into the file helper, from self
 * to filehelper (filehelper.md §4), unless the body names the parties. */
static const struct emu_contact *
default_from(const struct type *ty)
{
	const struct emu_contact *c;

	if (emu_opt.filehelper || (ty && ty->from == FROM_SELF))
		return &world.contacts[0];
	if (ty && ty->from == FROM_FMESSAGE)
		return (c = emu_contact_by_name("fmessage")) ? c : &FMESSAGE;
	return random_of(EMU_PERSON);
}

static const struct emu_contact *
default_to(void)
{
	const struct emu_contact *c;

	if (emu_opt.filehelper && (c = emu_contact_by_name(wx_fh.chat)))
		return c;
	return &world.contacts[0];
}

static int
parties(const struct type *ty, struct typed *t, const char **err)
{
	char *from = jstr(t->j, "From"), *to = jstr(t->j, "To");
	char *sender = jstr(t->j, "Sender");
	int rc = -1;

	t->from = from ? who(from) : default_from(ty);
	t->to = to ? who(to) : default_to();
	if (!t->from) {
		*err = "unknown From\n";
	} else if (!t->to) {
		*err = "unknown To\n";
	} else if (sender && t->from->kind == EMU_ROOM && !who(sender)) {
		*err = "unknown Sender\n";
	} else {
		if (t->from->kind == EMU_ROOM)
			t->sender = sender ? who(sender) : random_sender(t->from);
		t->sender_given = sender != NULL;
		rc = 0;
	}
	free(from);
	free(to);
	free(sender);
	return rc;
}

/* Media: base64 of the bytes the message's download endpoint serves. */
static int
media(const struct wx_json *j, struct emu_msg *m, const char **err)
{
	int tok = wx_json_get(j, 0, "Media");
	char *s;
	int rc;

	if (tok < 0)
		return 0;
	s = wx_json_type(j, tok) == WX_JSON_STRING ? wx_json_str(j, tok) : NULL;
	rc = s ? wx_base64_decode(s, strlen(s), &m->media) : -1;
	free(s);
	if (rc < 0)
		*err = "Media is not base64\n";
	return rc < 0 ? -1 : 0;
}

/* Every AddMsgList member the body gives, over the template. */
static void
body_fields(const struct wx_json *j, struct emu_msg *m)
{
	size_t i;

	for (i = 0; i < emu_msg_nfields; i++) {
		const struct emu_field *f = &emu_msg_fields[i];
		int tok = wx_json_get(j, 0, f->name);
		void *p = emu_msg_member(m, f);
		long long v;
		char *s;

		if (tok < 0)
			continue;
		if (f->type == EMU_F_STR) {
			if ((s = wx_json_str(j, tok))) {
				free(*(char **)p);
				*(char **)p = s;
			}
		} else if (wx_json_int(j, tok, &v) == 0) {
			if (f->type == EMU_F_INT)
				*(int *)p = (int)v;
			else if (f->type == EMU_F_I64)
				*(long long *)p = v;
			else
				*(time_t *)p = (time_t)v;
		}
	}
}

/* Content that already starts "<member>:<br/>" is in server form. */
static int
has_sender_prefix(const char *content)
{
	const char *end = strstr(content, ":<br/>");
	char name[72];

	if (!end || content[0] != '@' || (size_t)(end - content) >= sizeof name)
		return 0;
	memcpy(name, content, (size_t)(end - content));
	name[end - content] = '\0';
	return who(name) != NULL;
}

/* m->content: "<sender>:<br/>" when prefixed, then given (plain text,
 * or server form when raw) or else the template's Content. */
static void
put_content(struct emu_msg *m, const struct emu_contact *prefixed,
            const char *given, int raw)
{
	struct wx_buf b = {0};

	wx_buf_adds(&b, "");
	if (prefixed)
		wx_buf_addf(&b, "%s:<br/>", prefixed->username);
	if (given && raw)
		wx_buf_adds(&b, given);
	else if (given)
		wx_text_encode(&b, given, strlen(given));
	else if (m->content)
		wx_buf_adds(&b, m->content);
	free(m->content);
	m->content = b.p;
}

/* A Content in the body replaces the template's: plain text given the
 * server's escaping, or taken as it is with Raw 1 or when a room message
 * without Sender already starts with a member's "<UserName>:<br/>".
 * A room message of a type that has a sender starts "<sender>:<br/>",
 * unless Content was taken as it is. */
static void
body_content(const struct wx_json *j, struct emu_msg *m,
             const struct type *ty, const struct typed *t)
{
	char *given = jstr(j, "Content");
	int raw = given && (jint(j, "Raw", 0) ||
	          (t->sender && !t->sender_given && has_sender_prefix(given)));
	int prefix = t->sender && !raw && (!ty || ty->prefix);

	put_content(m, prefix ? t->sender : NULL, given, raw);
	free(given);
}

uint64_t
emu_inject(const struct wx_json *j, const char **err)
{
	char *name = jstr(j, "TypeName");
	const struct type *ty = name ? type_named(name) : NULL;
	struct emu_msg m = { .type = 1, .status = 3, .imgstatus = 1 };
	struct typed t = { .j = j };
	uint64_t id = 0;

	if (name && !ty) {
		*err = "unknown TypeName: want text, image, voice, video, emoji, "
		       "card, link, file, location, system, revoke, status or "
		       "verify\n";
	} else if (parties(ty, &t, err) == 0 && media(j, &m, err) == 0) {
		m.msgid = emu_new_msgid();
		m.from = (char *)t.from->username;
		m.to = (char *)t.to->username;
		if (ty && ty->fill(&m, &t) < 0) {
			*err = t.err;
		} else {
			body_fields(j, &m);
			body_content(j, &m, ty, &t);
			emu_event_msg(&m, NULL);
			id = m.msgid;
		}
	}
	emu_msg_free_text(&m);
	wx_buf_free(&m.media);
	free(name);
	return id;
}

/* ---- generated text messages ---- */

static const char *const SAMPLES[] = {
	"hello", "你好", "Tom & Jerry <3", "line one\nline two", "emoji 😀",
	"http://example.com/?a=1&b=2",
};

uint64_t
emu_inject_generated(int i)
{
	struct emu_msg m = { .type = 1, .status = 3, .imgstatus = 1 };
	int fh = emu_opt.filehelper;
	const struct emu_contact *room = !fh && i % 5 == 4 ? random_of(EMU_ROOM)
	                                                   : NULL;
	const struct emu_contact *c = room ? room : default_from(NULL);
	char *text = wx_asprintf("%s %d", SAMPLES[i % 6], i + 1);

	if (!c)
		c = &world.contacts[0];
	m.from = (char *)c->username;
	m.to = (char *)default_to()->username;
	put_content(&m, room ? random_sender(room) : NULL, text, 0);
	m.msgid = emu_new_msgid();
	emu_event_msg(&m, NULL);
	free(m.content);
	free(text);
	return m.msgid;
}
