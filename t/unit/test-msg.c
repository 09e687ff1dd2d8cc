/* Unit tests of lib/msg.c: wx_msg_typename for every MsgType, AppMsgType
 * and SubMsgType of protocol.md §8.2/§8.3; wx_msg_line on the real
 * AddMsgList entries of t/samples and on crafted ones (entities, emoji,
 * <br/>, group sender prefixes §8.5, self from another device, tips,
 * revokes, locations, links, files, names from a contacts cache, hostile
 * values); wx_event_contact_line for modcontact and delcontact.  Every
 * line written is checked the same way: one line ending LF, valid UTF-8
 * without raw control characters, one JSON object, "Event" its first
 * key, no key twice, ids (MsgId, NewMsgId …) as strings at any depth. */
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "wx.h"

#define SELF "@self"

/* Set while an entry has a key twice itself: its line repeats it. */
static int server_dups;

/* ---- the checks every line gets ---- */

static int
is_id_name(const char *k)
{
	static const char *const ids[] = {
		"Uin", "OwnerUin", "MsgId", "NewMsgId", "MsgID", "LocalID", NULL,
	};
	int i;

	for (i = 0; ids[i]; i++)
		if (strcmp(ids[i], k) == 0)
			return 1;
	return 0;
}

/* No id written as a JSON number, at any depth; the first offender's
 * name in *bad. */
static int
ids_are_strings(const struct wx_json *j, int tok, char *bad, size_t badlen)
{
	int k, e;

	switch (wx_json_type(j, tok)) {
	case WX_JSON_OBJECT:
		for (k = wx_json_first(j, tok); k >= 0; k = wx_json_next(j, k + 1)) {
			char *name = wx_json_str(j, k);
			int id = name && is_id_name(name);

			if (id && wx_json_type(j, k + 1) == WX_JSON_NUMBER) {
				snprintf(bad, badlen, "%s", name);
				free(name);
				return 0;
			}
			free(name);
			if (!ids_are_strings(j, k + 1, bad, badlen))
				return 0;
		}
		return 1;
	case WX_JSON_ARRAY:
		for (e = wx_json_first(j, tok); e >= 0; e = wx_json_next(j, e))
			if (!ids_are_strings(j, e, bad, badlen))
				return 0;
		return 1;
	default:
		return 1;
	}
}

/* A key of object tok that appears twice (decoded), malloc'd; NULL if
 * none. */
static char *
duplicate_key(const struct wx_json *j, int tok)
{
	int a, b;

	for (a = wx_json_first(j, tok); a >= 0; a = wx_json_next(j, a + 1)) {
		char *ka = wx_json_str(j, a);

		for (b = wx_json_next(j, a + 1); b >= 0; b = wx_json_next(j, b + 1)) {
			char *kb = wx_json_str(j, b);
			int same = ka && kb && strcmp(ka, kb) == 0;

			free(kb);
			if (same)
				return ka;
		}
		free(ka);
	}
	return NULL;
}

/* Line b checked as the header says; the parsed line (free it), or NULL
 * when it is not one JSON object. */
static struct wx_json *
check_line(const struct wx_buf *b, const char *event, const char *what)
{
	char name[300], err[128] = "", bad[64] = "", *dup, *first;
	struct wx_json *j;
	size_t i = 0;
	uint32_t cp;
	int len, clean = 1;

	snprintf(name, sizeof name, "%s: one line ending LF", what);
	ok(b->len > 0 && b->p[b->len - 1] == '\n' &&
	   memchr(b->p, '\n', b->len - 1) == NULL, name);
	while (b->len > 0 && i < b->len - 1) {
		if ((len = wx_utf8_get(b->p + i, b->len - 1 - i, &cp)) < 0 ||
		    cp < 0x20) {
			clean = 0;
			printf("# byte %zu: 0x%02x\n", i, (unsigned char)b->p[i]);
			break;
		}
		i += (size_t)len;
	}
	snprintf(name, sizeof name, "%s: valid UTF-8, no raw control", what);
	ok(clean, name);
	j = wx_json_parse(b->p, b->len, err, sizeof err);
	snprintf(name, sizeof name, "%s: one JSON object", what);
	if (!ok(j && wx_json_type(j, 0) == WX_JSON_OBJECT, name)) {
		printf("# %s\n# line: %.300s\n", err, b->p ? b->p : "");
		wx_json_free(j);
		return NULL;
	}
	first = wx_json_str(j, wx_json_first(j, 0));
	snprintf(name, sizeof name, "%s: \"Event\" first", what);
	is_str(first, "Event", name);
	free(first);
	snprintf(name, sizeof name, "%s: Event %s", what, event);
	first = wx_json_getstr(j, 0, "Event");
	is_str(first, event, name);
	free(first);
	dup = duplicate_key(j, 0);
	snprintf(name, sizeof name, "%s: no key twice", what);
	if (server_dups)
		snprintf(name, sizeof name, "%s: a key twice, the server's", what);
	if (!ok(server_dups ? dup != NULL : dup == NULL, name))
		printf("# \"%s\" twice in %.400s\n", dup, b->p);
	free(dup);
	snprintf(name, sizeof name, "%s: ids as strings", what);
	if (!ok(ids_are_strings(j, 0, bad, sizeof bad), name))
		printf("# %s is a number in %.400s\n", bad, b->p);
	return j;
}

/* Field key of line j is want (NULL: absent). */
static void
field(const struct wx_json *j, const char *key, const char *want,
      const char *what)
{
	char name[300], *got = j ? wx_json_getstr(j, 0, key) : NULL;

	if (want)
		snprintf(name, sizeof name, "%s: %s", what, key);
	else
		snprintf(name, sizeof name, "%s: no %s", what, key);
	is_str(got, want, name);
	free(got);
}

/* Field key of line j starts with want. */
static void
field_starts(const struct wx_json *j, const char *key, const char *want,
             const char *what)
{
	char name[300], *got = j ? wx_json_getstr(j, 0, key) : NULL;

	snprintf(name, sizeof name, "%s: %s starts '%.40s'", what, key, want);
	if (!ok(got && strncmp(got, want, strlen(want)) == 0, name))
		printf("# got: '%.200s'\n", got ? got : "(null)");
	free(got);
}

/* The keys of object tok in order, decoded, joined with ','; malloc'd. */
static char *
keys_of(const struct wx_json *j, int tok)
{
	struct wx_buf b = {0};
	int k;

	wx_buf_add(&b, "", 0);
	for (k = wx_json_first(j, tok); k >= 0; k = wx_json_next(j, k + 1)) {
		char *s = wx_json_str(j, k);

		if (b.len)
			wx_buf_addc(&b, ',');
		wx_buf_adds(&b, s ? s : "?");
		free(s);
	}
	return b.p;
}

static const char *const derived[] = {
	"Event", "Text", "Sender", "Chat", "TypeName", "SenderName",
	"ChatName", "RevokedMsgId", "Title", "Link", "Label", NULL,
};

static int
is_derived(const char *k)
{
	int i;

	for (i = 0; derived[i]; i++)
		if (strcmp(derived[i], k) == 0)
			return 1;
	return 0;
}

/* The line's keys: Event, the server's (in, object tok) in its order
 * but the derived names, then Text, Sender, Chat, TypeName and more. */
static void
check_order(const struct wx_json *in, int tok, const struct wx_json *line,
            const char *what)
{
	struct wx_buf want = {0};
	char name[300], *got;
	int k;

	wx_buf_adds(&want, "Event");
	for (k = wx_json_first(in, tok); k >= 0; k = wx_json_next(in, k + 1)) {
		char *s = wx_json_str(in, k);

		if (s && !is_derived(s)) {
			wx_buf_addc(&want, ',');
			wx_buf_adds(&want, s);
		}
		free(s);
	}
	wx_buf_adds(&want, ",Text,Sender,Chat,TypeName");
	got = keys_of(line, 0);
	snprintf(name, sizeof name, "%s: the server's keys in order, "
	         "then Text, Sender, Chat, TypeName", what);
	if (!ok(strncmp(got, want.p, want.len) == 0 &&
	        (got[want.len] == '\0' || got[want.len] == ','), name))
		printf("# got:  %.500s\n# want: %.500s\n", got, want.p);
	free(got);
	wx_buf_free(&want);
}

/* wx_msg_line of entry tok of in, checked; the parsed line. */
static struct wx_json *
line_of(const struct wx_json *in, int tok, const char *self,
        const struct wx_contacts *cs, const char *what)
{
	struct wx_buf b = {0};
	struct wx_json *j;

	wx_msg_line(&b, in, tok, self, cs);
	j = check_line(&b, "message", what);
	if (j)
		check_order(in, tok, j, what);
	wx_buf_free(&b);
	return j;
}

/* The same for an entry given as text (len bytes). */
static struct wx_json *
line_of_text(const char *text, size_t len, const char *self,
             const struct wx_contacts *cs, const char *what)
{
	char err[128] = "", name[300];
	struct wx_json *in = wx_json_parse(text, len, err, sizeof err), *j;

	snprintf(name, sizeof name, "%s: the entry parses", what);
	if (!ok(in != NULL, name)) {
		printf("# %s\n", err);
		return NULL;
	}
	j = line_of(in, 0, self, cs, what);
	wx_json_free(in);
	return j;
}

/* line_of_text of a string literal */
#define TEXT_LINE(lit, self, cs, what) \
	line_of_text(lit, sizeof lit - 1, self, cs, what)

/* ---- crafted entries ---- */

struct msg {
	const char *from, *to;
	long long type;
	const char *content;   /* as on the wire: HTML-escaped, <br/> */
	long long apptype, subtype;
	const char *filename, *url;
};

/* An AddMsgList entry with the 28 keys of protocol.md §8.1 in the
 * server's order. */
static void
entry(struct wx_buf *b, const struct msg *m)
{
	wx_buf_adds(b, "{\n\"MsgId\": \"7396134468434618934\",\n\"FromUserName\": ");
	wx_json_put_strz(b, m->from);
	wx_buf_adds(b, ",\n\"ToUserName\": ");
	wx_json_put_strz(b, m->to);
	wx_buf_addf(b, ",\n\"MsgType\": %lld,\n\"Content\": ", m->type);
	wx_json_put_strz(b, m->content);
	wx_buf_adds(b, ",\n\"Status\": 3,\n\"ImgStatus\": 1,\n"
	            "\"CreateTime\": 1546211542,\n\"VoiceLength\": 0,\n"
	            "\"PlayLength\": 0,\n\"FileName\": ");
	wx_json_put_strz(b, m->filename ? m->filename : "");
	wx_buf_adds(b, ",\n\"FileSize\": \"\",\n\"MediaId\": \"\",\n\"Url\": ");
	wx_json_put_strz(b, m->url ? m->url : "");
	wx_buf_addf(b, ",\n\"AppMsgType\": %lld,\n\"StatusNotifyCode\": 0,\n"
	            "\"StatusNotifyUserName\": \"\",\n\"RecommendInfo\": {\n"
	            "\"UserName\": \"\",\n\"NickName\": \"\",\n\"QQNum\": 0,\n"
	            "\"Province\": \"\",\n\"City\": \"\",\n\"Content\": \"\",\n"
	            "\"Signature\": \"\",\n\"Alias\": \"\",\n\"Scene\": 0,\n"
	            "\"VerifyFlag\": 0,\n\"AttrStatus\": 0,\n\"Sex\": 0,\n"
	            "\"Ticket\": \"\",\n\"OpCode\": 0\n}\n,\n"
	            "\"ForwardFlag\": 0,\n\"AppInfo\": {\n\"AppID\": \"\",\n"
	            "\"Type\": 0\n}\n,\n\"HasProductId\": 0,\n\"Ticket\": \"\",\n"
	            "\"ImgHeight\": 0,\n\"ImgWidth\": 0,\n\"SubMsgType\": %lld,\n"
	            "\"NewMsgId\": 7396134468434618934,\n\"OriContent\": \"\",\n"
	            "\"EncryFileName\": \"\"\n}\n", m->apptype, m->subtype);
}

static struct wx_json *
line_of_msg(const struct msg *m, const char *self,
            const struct wx_contacts *cs, const char *what)
{
	struct wx_buf b = {0};
	struct wx_json *j;

	entry(&b, m);
	j = line_of_text(b.p, b.len, self, cs, what);
	wx_buf_free(&b);
	return j;
}

/* ---- wx_msg_typename ---- */

static void
typename(long long t, long long app, long long sub, const char *want)
{
	char name[120];

	snprintf(name, sizeof name, "typename(%lld, %lld, %lld) = %s",
	         t, app, sub, want);
	is_str(wx_msg_typename(t, app, sub), want, name);
}

static void
test_typename(void)
{
	/* protocol.md §8.2 */
	typename(1, 0, 0, "text");
	typename(1, 0, 48, "location");
	typename(3, 0, 0, "image");
	typename(34, 0, 0, "voice");
	typename(37, 0, 0, "verify");
	typename(40, 0, 0, "unknown");   /* POSSIBLEFRIEND_MSG: no TypeName */
	typename(42, 0, 0, "card");
	typename(43, 0, 0, "video");
	typename(44, 0, 0, "video");
	typename(47, 0, 0, "emoji");
	typename(48, 0, 0, "location");
	typename(49, 5, 0, "link");
	typename(50, 0, 0, "system");
	typename(51, 0, 0, "status");
	typename(52, 0, 0, "system");
	typename(53, 0, 0, "system");
	typename(62, 0, 0, "video");
	typename(9999, 0, 0, "system");
	typename(10000, 0, 0, "system");
	typename(10002, 0, 0, "revoke");
	/* defined by RC, not seen in sync */
	typename(2, 0, 0, "unknown");
	typename(11, 0, 0, "unknown");
	typename(12, 0, 0, "unknown");
	typename(13, 0, 0, "unknown");
	typename(35, 0, 0, "unknown");
	typename(36, 0, 0, "unknown");
	typename(38, 0, 0, "unknown");
	typename(39, 0, 0, "unknown");
	typename(0, 0, 0, "unknown");
	typename(-1, 0, 0, "unknown");
	typename(10001, 0, 0, "unknown");
	typename(4294967297LL, 0, 0, "unknown");  /* 1 + 2^32: no truncation */
	typename(4294967299LL, 0, 0, "unknown");  /* 3 + 2^32 */
	/* protocol.md §8.3 */
	typename(49, 0, 0, "link");      /* merged chat history */
	typename(49, 1, 0, "link");
	typename(49, 2, 0, "link");
	typename(49, 3, 0, "link");      /* music */
	typename(49, 4, 0, "link");
	typename(49, 6, 0, "file");
	typename(49, 7, 0, "link");
	typename(49, 8, 0, "emoji");
	typename(49, 9, 0, "link");
	typename(49, 10, 0, "link");
	typename(49, 13, 0, "link");
	typename(49, 15, 0, "link");
	typename(49, 16, 0, "link");
	typename(49, 17, 0, "link");     /* realtime location share */
	typename(49, 33, 0, "link");     /* mini-program */
	typename(49, 2000, 0, "link");   /* transfer */
	typename(49, 2001, 0, "link");   /* red envelope */
	typename(49, 100001, 0, "link");
	typename(49, 4294967302LL, 0, "link");  /* 6 + 2^32 is no file */
	/* AppMsgType and SubMsgType only count where they belong */
	typename(1, 6, 0, "text");
	typename(3, 6, 0, "image");
	typename(3, 0, 48, "image");
	typename(49, 6, 48, "file");
	typename(10000, 0, 48, "system");
	typename(1, 0, 47, "text");
}

/* ---- the samples ---- */

/* One webwxsync_AddMsg sample and what its line says. */
struct sample {
	const char *file;
	const char *self;     /* NULL: its ToUserName */
	const char *type, *sender, *chat, *text, *more, *more_value;
	int text_prefix;      /* text is a prefix of Text */
};

static void
test_addmsg_samples(void)
{
	static const struct sample s[] = {
		{"webwxsync_AddMsg-wwdk-1.json", NULL, "image", "@xxxxxxxxxxx",
		 "@@xxxxxxxxxxxxxxxxx", "@xxxxxxxxxxxxxxxxxxxxxxxxxxxx", NULL,
		 NULL, 0},
		{"webwxsync_AddMsg-wwdk-2.json", NULL, "voice", "@xxxxxxxxxxx",
		 "@@xxxxxxxxxxxxxxxx", "@xxxxxxxxxxxxxxxxxxxxxxx", NULL, NULL, 0},
		/* sent by self from another device: no split */
		{"webwxsync_AddMsg-wwdk-3.json", "@xxxxxxxxxxx", "video",
		 "@xxxxxxxxxxx", "@@xxxxxxxxxxxxxxxxxxxxxxxxx",
		 "@xxxx:\n@xxxxxxx", NULL, NULL, 0},
		{"webwxsync_AddMsg-wwdk-4.json", NULL, "emoji",
		 "@xxxxxxxxxxxxxxxxxxxxxxxxx", "@@xxxxxxxxxxxxxxxxxxxxxxxxx",
		 "<msg><emoji fromusername=\"xxx\" tousername=\"xxx\" type=\"2\"",
		 NULL, NULL, 1},
		{"webwxsync_AddMsg-wwdk-5.json", NULL, "file", "@xxxxxxxxxxxxxxxxx",
		 "@@xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
		 "<msg><appmsg appid=\"wx6618f1cfc6c132f8\" sdkver=\"0\">"
		 "<title>fileName.zip</title>", "Title", "fileName.zip", 1},
		{"webwxsync_AddMsg-wwdk-6.json", NULL, "card", "@xxxxxxxxxxx",
		 "@@xxxxxxxxxxx", "<?xml version=\"1.0\"?>\n<msg bigheadimgurl=",
		 NULL, NULL, 1},
		{"webwxsync_AddMsg-wwdk-7.json", NULL, "location",
		 "@xxxxxxxxxxxxxxxx", "@xxxxxxxxxxxxxxxx",
		 "\xe6\xb7\xb1\xe5\x9c\xb3\xe5\xb8\x82xxxx:\n/cgi-bin/mmwebwx-bin/"
		 "webwxgetpubliclinkimg?url=xxx&msgid=790000000000000"
		 "&pictype=location", "Label",
		 "\xe6\xb7\xb1\xe5\x9c\xb3\xe5\xb8\x82xxxx", 0},
		{"webwxsync_AddMsg-wwdk-8.json", NULL, "revoke",
		 "@xxxxxxxxxxxxxxxxxxx", "@xxxxxxxxxxxxxxxxxxx",
		 "<sysmsg type=\"revokemsg\">\n\t<revokemsg>\n\t\t<session>"
		 "wxid_xxxxxxx</session>", "RevokedMsgId", "41000000000000000", 1},
		{"webwxsync_AddMsg-wwdk-9.json", NULL, "verify", "fmessage",
		 "fmessage", "<msg fromusername=\"wx_id\" encryptusername=", NULL,
		 NULL, 1},
	};
	size_t i;

	for (i = 0; i < sizeof s / sizeof *s; i++) {
		struct wx_buf text = {0};
		char path[200];
		struct wx_json *in, *j;
		char *self;

		snprintf(path, sizeof path, "t/samples/%s", s[i].file);
		in = tap_json_file(path, &text);
		if (!ok(in != NULL, s[i].file)) {
			wx_buf_free(&text);
			continue;
		}
		self = s[i].self ? wx_strdup(s[i].self)
		                 : wx_json_getstr(in, 0, "ToUserName");
		j = line_of(in, 0, self, NULL, s[i].file);
		field(j, "TypeName", s[i].type, s[i].file);
		field(j, "Sender", s[i].sender, s[i].file);
		field(j, "Chat", s[i].chat, s[i].file);
		if (s[i].text_prefix)
			field_starts(j, "Text", s[i].text, s[i].file);
		else
			field(j, "Text", s[i].text, s[i].file);
		if (s[i].more)
			field(j, s[i].more, s[i].more_value, s[i].file);
		field(j, "SenderName", NULL, s[i].file);
		field(j, "ChatName", NULL, s[i].file);
		free(self);
		wx_json_free(j);
		wx_json_free(in);
		wx_buf_free(&text);
	}

	/* the ids of the one unmasked NewMsgId, as strings */
	{
		struct wx_buf text = {0};
		struct wx_json *in = tap_json_file("t/samples/webwxsync_AddMsg-wwdk-9.json",
		                               &text), *j;

		j = in ? line_of(in, 0, SELF, NULL, "wwdk-9 ids") : NULL;
		field(j, "MsgId", "1510000000000000000", "wwdk-9");
		field(j, "NewMsgId", "1512190743315786023", "wwdk-9");
		field_starts(j, "Content", "&lt;msg fromusername=", "wwdk-9 "
		             "keeps the server's Content");
		wx_json_free(j);
		wx_json_free(in);
		wx_buf_free(&text);
	}
	/* wwdk-5: Url "" and an empty <url>: no Link */
	{
		struct wx_buf text = {0};
		struct wx_json *in = tap_json_file("t/samples/webwxsync_AddMsg-wwdk-5.json",
		                               &text), *j;

		j = in ? line_of(in, 0, SELF, NULL, "wwdk-5 link") : NULL;
		field(j, "Link", NULL, "wwdk-5");
		field(j, "FileName", "fileName.zip", "wwdk-5");
		wx_json_free(j);
		wx_json_free(in);
		wx_buf_free(&text);
	}
}

/* The 2014 fragment: no outer braces, cut inside RecommendInfo. */
static void
test_qwx_fragment(void)
{
	struct wx_buf text = {0}, doc = {0};
	struct wx_json *j;
	const char *w = "qwx-1 fragment";

	if (!ok(wx_read_file("t/samples/webwxsync_AddMsg-qwx-1.txt", 1 << 20,
	                     &text) == 0, "qwx-1: read"))
		return;
	wx_buf_adds(&doc, "{");
	wx_buf_add(&doc, text.p, text.len);
	wx_buf_adds(&doc, "}}");
	j = line_of_text(doc.p, doc.len, "sirtoozee", NULL, w);
	field(j, "MsgId", "1031889303", w);
	field(j, "TypeName", "image", w);
	field(j, "Sender", "sirtoozee", w);
	field(j, "Chat", "filehelper", w);
	field(j, "Text", "<msg><img length=\"95231\" hdlength=\"0\" />"
	      "<commenturl></commenturl></msg>", w);
	wx_json_free(j);
	/* as received by filehelper's peer: the other side */
	j = line_of_text(doc.p, doc.len, "filehelper", NULL, "qwx-1 as peer");
	field(j, "Chat", "sirtoozee", "qwx-1 as peer");
	wx_json_free(j);
	wx_buf_free(&doc);
	wx_buf_free(&text);
}

/* Every AddMsgList entry of the webwxsync samples, and their contact
 * changes. */
static void
test_sync_samples(void)
{
	static const char *const files[] = {
		"webwxsync-WeChatBotEngine_5-1.json", "webwxsync-qwx_23-1.json",
		"webwxsync-wechat4u-1.json", "webwxsync-weixinHttp-1.json",
		"webwxsync-wwdk-1.json", "webwxsync-wxagent_11-1.recon.json",
	};
	size_t f;
	int total = 0;

	for (f = 0; f < sizeof files / sizeof *files; f++) {
		struct wx_buf text = {0};
		char path[200], what[300];
		struct wx_json *in;
		int list, e, n = 0;

		snprintf(path, sizeof path, "t/samples/%s", files[f]);
		in = tap_json_file(path, &text);
		if (!ok(in != NULL, files[f])) {
			wx_buf_free(&text);
			continue;
		}
		list = wx_json_get(in, 0, "AddMsgList");
		for (e = wx_json_first(in, list); e >= 0; e = wx_json_next(in, e)) {
			struct wx_json *j;

			snprintf(what, sizeof what, "%s AddMsgList.%d", files[f], n++);
			j = line_of(in, e, SELF, NULL, what);
			wx_json_free(j);
		}
		list = wx_json_get(in, 0, "ModContactList");
		for (e = wx_json_first(in, list); e >= 0; e = wx_json_next(in, e)) {
			struct wx_buf b = {0};

			snprintf(what, sizeof what, "%s ModContactList", files[f]);
			wx_event_contact_line(&b, in, e, SELF, 0);
			wx_json_free(check_line(&b, "modcontact", what));
			wx_buf_free(&b);
		}
		list = wx_json_get(in, 0, "DelContactList");
		for (e = wx_json_first(in, list); e >= 0; e = wx_json_next(in, e)) {
			struct wx_buf b = {0};

			snprintf(what, sizeof what, "%s DelContactList", files[f]);
			wx_event_contact_line(&b, in, e, SELF, 1);
			wx_json_free(check_line(&b, "delcontact", what));
			wx_buf_free(&b);
		}
		total += n;
		wx_json_free(in);
		wx_buf_free(&text);
	}
	is_int(total, 7, "7 AddMsgList entries in the webwxsync samples");

	/* the ones whose values we know */
	{
		struct wx_buf text = {0};
		struct wx_json *in = tap_json_file("t/samples/webwxsync-wwdk-1.json",
		                               &text), *j;
		const char *w = "webwxsync-wwdk-1 room text";

		j = in ? line_of(in, wx_json_get(in, 0, "AddMsgList.0"),
		                 "@xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", NULL, w) : NULL;
		field(j, "Text", "Test Message", w);
		field(j, "Sender", "@xxxxxxxxxxxxxxxxxxxxx", w);
		field(j, "Chat", "@@xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", w);
		field(j, "TypeName", "text", w);
		field(j, "MsgId", "8800000000000000000", w);
		wx_json_free(j);
		wx_json_free(in);
		wx_buf_free(&text);
	}
	{
		struct wx_buf text = {0};
		struct wx_json *in = tap_json_file("t/samples/webwxsync-wechat4u-1.json",
		                               &text), *j;
		const char *me = "@2ea0ad63b5550c8842c95cb987adea2491fc9e3db0899696"
		                 "f696149cd30688e8";
		const char *w = "webwxsync-wechat4u-1 status";

		j = in ? line_of(in, wx_json_get(in, 0, "AddMsgList.0"), me, NULL,
		                 w) : NULL;
		field(j, "TypeName", "status", w);
		field(j, "Chat", me, w);
		field(j, "Sender", me, w);
		field_starts(j, "Text", "<msg>\n<op id='4'>\n<username>wxid_", w);
		wx_json_free(j);
		w = "webwxsync-wechat4u-1 text to self";
		j = in ? line_of(in, wx_json_get(in, 0, "AddMsgList.1"), me, NULL,
		                 w) : NULL;
		field(j, "Text", "Hello World", w);
		field(j, "MsgId", "6599448710267926107", w);
		field(j, "NewMsgId", "6599448710267926107", w);
		wx_json_free(j);
		wx_json_free(in);
		wx_buf_free(&text);
	}
}

/* ---- crafted messages ---- */

static void
test_text(void)
{
	struct msg m = {"@alice", SELF, 1,
		"a &lt;b&gt; &amp;amp; &quot;q&quot; &#39;s&#39; &#x4e2d;<br/>"
		"line2<br/><span class=\"emoji emoji1f604\"></span>"
		"<span class=\"emoji emoji1f1e81f1f3\"></span> [\xe5\xbe\xae"
		"\xe7\xac\x91]\t&nbsp;x", 0, 0, NULL, NULL};
	struct wx_json *j = line_of_msg(&m, SELF, NULL, "1:1 text");

	field(j, "Text", "a <b> &amp; \"q\" 's' \xe4\xb8\xad\nline2\n"
	      "\xf0\x9f\x98\x84\xf0\x9f\x87\xa8\xf0\x9f\x87\xb3 [\xe5\xbe\xae"
	      "\xe7\xac\x91]\t\xc2\xa0x", "1:1 text");
	field(j, "Sender", "@alice", "1:1 text");
	field(j, "Chat", "@alice", "1:1 text");
	field(j, "TypeName", "text", "1:1 text");
	field(j, "Content", m.content, "1:1 text keeps Content");
	field(j, "SenderName", NULL, "1:1 text, no cache");
	field(j, "ChatName", NULL, "1:1 text, no cache");
	field(j, "Title", NULL, "1:1 text");
	wx_json_free(j);

	/* sent by self (from the phone) to alice */
	m = (struct msg){SELF, "@alice", 1, "hi", 0, 0, NULL, NULL};
	j = line_of_msg(&m, SELF, NULL, "1:1 from self");
	field(j, "Sender", SELF, "1:1 from self");
	field(j, "Chat", "@alice", "1:1 from self");
	wx_json_free(j);

	/* a 1:1 text that looks like a prefix is not split */
	m = (struct msg){"@alice", SELF, 1, "@bob:<br/>hi", 0, 0, NULL, NULL};
	j = line_of_msg(&m, SELF, NULL, "1:1 with a prefix-like start");
	field(j, "Sender", "@alice", "1:1 with a prefix-like start");
	field(j, "Text", "@bob:\nhi", "1:1 with a prefix-like start");
	wx_json_free(j);

	/* to filehelper, From = To = self: Chat is self */
	m = (struct msg){SELF, SELF, 1, "note", 0, 0, NULL, NULL};
	j = line_of_msg(&m, SELF, NULL, "self to self");
	field(j, "Chat", SELF, "self to self");
	field(j, "Sender", SELF, "self to self");
	wx_json_free(j);
}

static void
test_group(void)
{
	struct msg m = {"@@room", SELF, 1, "@bob:<br/>hi<br/>there", 0, 0,
	                NULL, NULL};
	struct wx_json *j;
	char long_token[120];

	j = line_of_msg(&m, SELF, NULL, "group text");
	field(j, "Sender", "@bob", "group text");
	field(j, "Chat", "@@room", "group text");
	field(j, "Text", "hi\nthere", "group text");
	field(j, "Content", "@bob:<br/>hi<br/>there", "group text keeps Content");
	wx_json_free(j);

	/* only the first separator splits */
	m.content = "@bob:<br/>a:<br/>b";
	j = line_of_msg(&m, SELF, NULL, "group text with ':<br/>' inside");
	field(j, "Sender", "@bob", "group text with ':<br/>' inside");
	field(j, "Text", "a:\nb", "group text with ':<br/>' inside");
	wx_json_free(j);

	/* an empty payload */
	m.content = "@bob:<br/>";
	j = line_of_msg(&m, SELF, NULL, "group, empty payload");
	field(j, "Sender", "@bob", "group, empty payload");
	field(j, "Text", "", "group, empty payload");
	wx_json_free(j);

	/* sent by self from another device: From self, To the room, no prefix */
	m = (struct msg){SELF, "@@room", 1, "hello", 0, 0, NULL, NULL};
	j = line_of_msg(&m, SELF, NULL, "group from self");
	field(j, "Sender", SELF, "group from self");
	field(j, "Chat", "@@room", "group from self");
	field(j, "Text", "hello", "group from self");
	wx_json_free(j);
	m.content = "@bob:<br/>not a prefix";
	j = line_of_msg(&m, SELF, NULL, "group from self, prefix-like");
	field(j, "Sender", SELF, "group from self, prefix-like");
	field(j, "Text", "@bob:\nnot a prefix", "group from self, prefix-like");
	wx_json_free(j);

	/* a raw wxid sender token (RC: [a-zA-Z0-9_-]+), a 2014 room name */
	m = (struct msg){"@@room", SELF, 1, "wxid_ab-12:<br/>yo", 0, 0, NULL,
	                 NULL};
	j = line_of_msg(&m, SELF, NULL, "group, wxid sender");
	field(j, "Sender", "wxid_ab-12", "group, wxid sender");
	field(j, "Text", "yo", "group, wxid sender");
	wx_json_free(j);
	m.from = "2914059377@chatroom";
	m.content = "sirtoozee:<br/>old";
	j = line_of_msg(&m, SELF, NULL, "…@chatroom room");
	field(j, "Sender", "sirtoozee", "…@chatroom room");
	field(j, "Chat", "2914059377@chatroom", "…@chatroom room");
	field(j, "Text", "old", "…@chatroom room");
	wx_json_free(j);

	/* fake prefixes: not a token, so not split */
	{
		static const char *const fake[] = {
			"hello world:<br/>x",   /* a space */
			"@ab_c:<br/>x",         /* '_' after '@' */
			"@ab-c:<br/>x",         /* '-' after '@' */
			"@:<br/>x",             /* '@' alone */
			":<br/>x",              /* empty */
			"http://a.b/c:<br/>x",  /* punctuation */
			"\xe4\xbd\xa0\xe5\xa5\xbd:<br/>x",  /* not ASCII */
			"&lt;b&gt;:<br/>x",
			"@bob:<br>x",           /* not the separator */
			"@bob: <br/>x",
			"@bob:&lt;br/&gt;x",
			NULL,
		};
		int i;

		for (i = 0; fake[i]; i++) {
			char what[120];
			char *want;

			m = (struct msg){"@@room", SELF, 1, fake[i], 0, 0, NULL, NULL};
			snprintf(what, sizeof what, "group, fake prefix %d", i);
			j = line_of_msg(&m, SELF, NULL, what);
			field(j, "Sender", "@@room", what);
			want = wx_text_decode(fake[i], strlen(fake[i]));
			field(j, "Text", want, what);
			free(want);
			wx_json_free(j);
		}
	}
	/* a token of 96 characters is one, 97 is not */
	memset(long_token, 'a', sizeof long_token);
	long_token[0] = '@';
	strcpy(long_token + 96, ":<br/>x");
	m = (struct msg){"@@room", SELF, 1, long_token, 0, 0, NULL, NULL};
	j = line_of_msg(&m, SELF, NULL, "group, 96-char token");
	long_token[96] = '\0';
	field(j, "Sender", long_token, "group, 96-char token");
	wx_json_free(j);
	memset(long_token, 'a', sizeof long_token);
	long_token[0] = '@';
	strcpy(long_token + 97, ":<br/>x");
	j = line_of_msg(&m, SELF, NULL, "group, 97-char token");
	field(j, "Sender", "@@room", "group, 97-char token");
	wx_json_free(j);

	/* a 10000 tip in a room: no prefix, From the room */
	m = (struct msg){"@@room", SELF, 10000,
	                 "\"Alice\"\xe9\x82\x80\xe8\xaf\xb7\"Bob\"\xe5\x8a\xa0"
	                 "\xe5\x85\xa5\xe4\xba\x86\xe7\xbe\xa4\xe8\x81\x8a",
	                 0, 0, NULL, NULL};
	j = line_of_msg(&m, SELF, NULL, "room tip");
	field(j, "TypeName", "system", "room tip");
	field(j, "Sender", "@@room", "room tip");
	field(j, "Chat", "@@room", "room tip");
	field(j, "Text", m.content, "room tip");
	wx_json_free(j);
}

static void
test_revoke(void)
{
	struct msg m = {"@alice", SELF, 10002,
		"&lt;sysmsg type=\"revokemsg\"&gt;<br/>\t&lt;revokemsg&gt;<br/>"
		"\t\t&lt;session&gt;wxid_a&lt;/session&gt;<br/>\t\t&lt;oldmsgid&gt;"
		"1660000000&lt;/oldmsgid&gt;<br/>\t\t&lt;msgid&gt;"
		"7396134468434618934&lt;/msgid&gt;<br/>\t\t&lt;replacemsg&gt;"
		"&lt;![CDATA[\"Alice\" recalled a message]]&gt;&lt;/replacemsg&gt;"
		"<br/>\t&lt;/revokemsg&gt;<br/>&lt;/sysmsg&gt;<br/>", 0, 0, NULL,
		NULL};
	struct wx_json *j = line_of_msg(&m, SELF, NULL, "revoke");

	field(j, "TypeName", "revoke", "revoke");
	field(j, "RevokedMsgId", "7396134468434618934", "revoke");
	field(j, "Sender", "@alice", "revoke");
	wx_json_free(j);

	/* in a room, after the sender's prefix */
	m.from = "@@room";
	m.content = "@bob:<br/>&lt;sysmsg type=\"revokemsg\"&gt;&lt;revokemsg&gt;"
	            "&lt;msgid&gt;123&lt;/msgid&gt;&lt;/revokemsg&gt;&lt;/sysmsg&gt;";
	j = line_of_msg(&m, SELF, NULL, "room revoke");
	field(j, "RevokedMsgId", "123", "room revoke");
	field(j, "Sender", "@bob", "room revoke");
	field(j, "Chat", "@@room", "room revoke");
	wx_json_free(j);

	/* not a number: no RevokedMsgId */
	m.from = "@alice";
	m.content = "&lt;sysmsg&gt;&lt;msgid&gt;12ab&lt;/msgid&gt;&lt;/sysmsg&gt;";
	j = line_of_msg(&m, SELF, NULL, "revoke, msgid not a number");
	field(j, "RevokedMsgId", NULL, "revoke, msgid not a number");
	wx_json_free(j);
	m.content = "&lt;msgid&gt;&lt;/msgid&gt;";
	j = line_of_msg(&m, SELF, NULL, "revoke, empty msgid");
	field(j, "RevokedMsgId", NULL, "revoke, empty msgid");
	wx_json_free(j);
	m.content = "&lt;msgid&gt;18446744073709551616&lt;/msgid&gt;";
	j = line_of_msg(&m, SELF, NULL, "revoke, msgid past 2^64");
	field(j, "RevokedMsgId", NULL, "revoke, msgid past 2^64");
	wx_json_free(j);
	m.content = "&lt;msgid&gt;18446744073709551615&lt;/msgid&gt;";
	j = line_of_msg(&m, SELF, NULL, "revoke, msgid 2^64-1");
	field(j, "RevokedMsgId", "18446744073709551615", "revoke, msgid 2^64-1");
	wx_json_free(j);
	m.content = "&lt;msgid&gt;123";
	j = line_of_msg(&m, SELF, NULL, "revoke, msgid not closed");
	field(j, "RevokedMsgId", NULL, "revoke, msgid not closed");
	wx_json_free(j);
	m.content = "no xml at all";
	j = line_of_msg(&m, SELF, NULL, "revoke, plain text");
	field(j, "RevokedMsgId", NULL, "revoke, plain text");
	field(j, "Text", "no xml at all", "revoke, plain text");
	wx_json_free(j);
	/* only a revoke gets one */
	m.type = 1;
	m.content = "&lt;msgid&gt;123&lt;/msgid&gt;";
	j = line_of_msg(&m, SELF, NULL, "text with a msgid");
	field(j, "RevokedMsgId", NULL, "text with a msgid");
	wx_json_free(j);
}

static void
test_location(void)
{
	struct msg m = {"@alice", SELF, 1,
		"Caf\xc3\xa9 &amp; Bar, Main St:<br/>/cgi-bin/mmwebwx-bin/"
		"webwxgetpubliclinkimg?url=xxx&amp;msgid=1&amp;pictype=location",
		0, 48, NULL, "http://apis.map.qq.com/uri/v1/geocoder?coord=1,2"};
	struct wx_json *j = line_of_msg(&m, SELF, NULL, "location");

	field(j, "TypeName", "location", "location");
	field(j, "Label", "Caf\xc3\xa9 & Bar, Main St", "location");
	field(j, "Url", m.url, "location keeps Url");
	field(j, "Link", NULL, "location");
	wx_json_free(j);

	/* in a room: two separators (sender, label, path) */
	m.from = "@@room";
	m.content = "@bob:<br/>Somewhere:<br/>/cgi-bin/mmwebwx-bin/x";
	j = line_of_msg(&m, SELF, NULL, "room location");
	field(j, "Sender", "@bob", "room location");
	field(j, "Label", "Somewhere", "room location");
	field(j, "Text", "Somewhere:\n/cgi-bin/mmwebwx-bin/x", "room location");
	wx_json_free(j);

	/* no separator, or an empty label: no Label */
	m.from = "@alice";
	m.content = "http://weixin.qq.com/cgi-bin/redirectforward?args=x";
	j = line_of_msg(&m, SELF, NULL, "old location link");
	field(j, "Label", NULL, "old location link");
	wx_json_free(j);
	m.content = ":<br/>/cgi-bin/x";
	j = line_of_msg(&m, SELF, NULL, "location, empty label");
	field(j, "Label", NULL, "location, empty label");
	wx_json_free(j);

	/* MsgType 48 */
	m = (struct msg){"@alice", SELF, 48, "Here:<br/>/x", 0, 0, NULL, NULL};
	j = line_of_msg(&m, SELF, NULL, "MsgType 48");
	field(j, "TypeName", "location", "MsgType 48");
	field(j, "Label", "Here", "MsgType 48");
	wx_json_free(j);

	/* a text is no location */
	m.type = 1;
	j = line_of_msg(&m, SELF, NULL, "text with a separator");
	field(j, "Label", NULL, "text with a separator");
	wx_json_free(j);
}

#define APPMSG(title, url) \
	"&lt;msg&gt;&lt;appmsg appid=\"\" sdkver=\"0\"&gt;&lt;title&gt;" title \
	"&lt;/title&gt;&lt;des&gt;d&lt;/des&gt;&lt;type&gt;5&lt;/type&gt;" \
	"&lt;url&gt;" url "&lt;/url&gt;&lt;/appmsg&gt;&lt;/msg&gt;"

static void
test_app(void)
{
	struct msg m = {"@alice", SELF, 49,
		APPMSG("Hello &amp;amp; World", "http://mp.weixin.qq.com/s?a=1"
		       "&amp;amp;b=2"), 5, 0, "Hello &amp; World",
		"http://mp.weixin.qq.com/s?a=1&amp;b=2"};
	struct wx_json *j = line_of_msg(&m, SELF, NULL, "link");

	field(j, "TypeName", "link", "link");
	field(j, "Title", "Hello & World", "link");
	field(j, "Link", "http://mp.weixin.qq.com/s?a=1&b=2", "link");
	field(j, "FileName", "Hello &amp; World", "link keeps FileName");
	wx_json_free(j);

	/* <url> empty: Link is the server's Url */
	m.content = APPMSG("T", "");
	m.url = "http://example.com/u?x=1";
	j = line_of_msg(&m, SELF, NULL, "link, empty <url>");
	field(j, "Title", "T", "link, empty <url>");
	field(j, "Link", "http://example.com/u?x=1", "link, empty <url>");
	wx_json_free(j);
	/* no <url> at all */
	m.content = "&lt;msg&gt;&lt;appmsg&gt;&lt;title&gt;T&lt;/title&gt;"
	            "&lt;/appmsg&gt;&lt;/msg&gt;";
	j = line_of_msg(&m, SELF, NULL, "link, no <url>");
	field(j, "Link", "http://example.com/u?x=1", "link, no <url>");
	wx_json_free(j);
	/* neither */
	m.url = "";
	j = line_of_msg(&m, SELF, NULL, "link, no url anywhere");
	field(j, "Link", NULL, "link, no url anywhere");
	wx_json_free(j);
	/* a CDATA title */
	m.content = "&lt;msg&gt;&lt;appmsg&gt;&lt;title&gt;&lt;![CDATA[A <b> "
	            "&amp;amp;]]&gt;&lt;/title&gt;&lt;/appmsg&gt;&lt;/msg&gt;";
	j = line_of_msg(&m, SELF, NULL, "link, CDATA title");
	field(j, "Title", "A <b> &", "link, CDATA title");
	wx_json_free(j);
	/* an empty title: no Title */
	m.content = APPMSG("", "http://x/");
	j = line_of_msg(&m, SELF, NULL, "link, empty title");
	field(j, "Title", NULL, "link, empty title");
	field(j, "Link", "http://x/", "link, empty title");
	wx_json_free(j);

	/* a file in a room, from PC WeChat (§8.6) */
	m = (struct msg){"@@room", SELF, 49,
		"@bob:<br/>&lt;msg&gt;&lt;appmsg appid=\"wx6618f1cfc6c132f8\" "
		"sdkver=\"0\"&gt;&lt;title&gt;report Q1.pdf&lt;/title&gt;&lt;des&gt;"
		"&lt;/des&gt;&lt;action&gt;view&lt;/action&gt;&lt;type&gt;6&lt;/type&gt;"
		"&lt;showtype&gt;0&lt;/showtype&gt;&lt;content&gt;&lt;/content&gt;"
		"&lt;url&gt;&lt;/url&gt;&lt;appattach&gt;&lt;totallen&gt;1024"
		"&lt;/totallen&gt;&lt;/appattach&gt;&lt;/appmsg&gt;&lt;/msg&gt;"
		"&lt;br/&gt;<br/>", 6, 0, "report Q1.pdf", ""};
	j = line_of_msg(&m, SELF, NULL, "file");
	field(j, "TypeName", "file", "file");
	field(j, "Title", "report Q1.pdf", "file");
	field(j, "Link", NULL, "file");
	field(j, "Sender", "@bob", "file");
	wx_json_free(j);

	/* AppMsgType 8: emoji, still Title/Link from the appmsg */
	m = (struct msg){"@alice", SELF, 49, APPMSG("gif", "http://g/"), 8, 0,
	                 NULL, NULL};
	j = line_of_msg(&m, SELF, NULL, "app emoji");
	field(j, "TypeName", "emoji", "app emoji");
	field(j, "Link", "http://g/", "app emoji");
	wx_json_free(j);

	/* only MsgType 49 gets Title and Link */
	m.type = 1;
	m.url = "http://u/";
	j = line_of_msg(&m, SELF, NULL, "text with an appmsg");
	field(j, "Title", NULL, "text with an appmsg");
	field(j, "Link", NULL, "text with an appmsg");
	wx_json_free(j);
}

/* ---- names from a contacts cache ---- */

static const char cache[] =
	"{\"Cache\":\"wx-contacts\",\"Uin\":\"1\",\"User\":\"@self\"}\n"
	"{\"UserName\":\"@self\",\"NickName\":\"Me\",\"Kind\":\"self\","
	"\"Name\":\"Me\",\"Remark\":\"\"}\n"
	"{\"UserName\":\"@alice\",\"NickName\":\"Alice\",\"RemarkName\":\"Ally\","
	"\"Kind\":\"friend\",\"Name\":\"Alice\",\"Remark\":\"Ally\"}\n"
	"{\"UserName\":\"@bob\",\"NickName\":\"Bob\",\"Kind\":\"friend\","
	"\"Name\":\"Bob\",\"Remark\":\"\"}\n"
	"\n"
	"{\"UserName\":\"@@room\",\"NickName\":\"Room &amp; &lt;b&gt;\","
	"\"MemberList\":[{\"Uin\":\"0\",\"UserName\":\"@bob\",\"NickName\":\"Bob\","
	"\"DisplayName\":\"Bobby in room\"},{\"Uin\":\"0\",\"UserName\":\"@carol\","
	"\"NickName\":\"Carol &amp; co<span class=\\\"emoji emoji1f604\\\">"
	"</span>\",\"DisplayName\":\"\"},{\"Uin\":\"0\",\"UserName\":\"@self\","
	"\"NickName\":\"Me\",\"DisplayName\":\"Boss\"},{\"Uin\":\"0\","
	"\"UserName\":\"wxid_dan\",\"NickName\":\"Dan\",\"DisplayName\":\"\"},"
	"{\"Uin\":\"0\",\"UserName\":\"@nameless\",\"NickName\":\"\","
	"\"DisplayName\":\"\"}],\"Kind\":\"group\",\"Name\":\"Room & <b>\","
	"\"Remark\":\"\"}\n"
	"{\"UserName\":\"@@quiet\",\"NickName\":\"\",\"MemberList\":[],"
	"\"Kind\":\"group\",\"Name\":\"\",\"Remark\":\"\"}\n"
	"{\"UserName\":\"filehelper\",\"NickName\":\"File Transfer\","
	"\"Kind\":\"special\",\"Name\":\"File Transfer\",\"Remark\":\"\"}\n"
	"{\"UserName\":\"@nameless\",\"NickName\":\"\",\"Kind\":\"friend\","
	"\"Name\":\"\",\"Remark\":\"\"}\n";

/* The names a message from `from` to `to` (content) gets. */
static void
names(const struct wx_contacts *cs, const char *from, const char *to,
      const char *content, const char *sender_name, const char *chat_name,
      const char *what)
{
	struct msg m = {from, to, 1, content, 0, 0, NULL, NULL};
	struct wx_json *j = line_of_msg(&m, SELF, cs, what);
	char *order = j ? keys_of(j, 0) : NULL;
	char name[200];

	field(j, "SenderName", sender_name, what);
	field(j, "ChatName", chat_name, what);
	snprintf(name, sizeof name, "%s: names after TypeName", what);
	ok(order && (!sender_name || strstr(order, "TypeName,SenderName")) &&
	   (!chat_name || strstr(order, sender_name ? "SenderName,ChatName"
	                                            : "TypeName,ChatName")), name);
	free(order);
	wx_json_free(j);
}

static void
test_names(void)
{
	char err[128] = "";
	struct wx_contacts *cs = wx_contacts_parse(cache, sizeof cache - 1, err,
	                                           sizeof err);
	const char *room = "Room & <b>";

	if (!ok(cs != NULL, "the contacts cache parses")) {
		printf("# %s\n", err);
		return;
	}
	names(cs, "@alice", SELF, "hi", "Ally", "Ally", "names: 1:1 from a "
	      "friend with a remark");
	names(cs, "@bob", SELF, "hi", "Bob", "Bob", "names: 1:1 from a friend");
	names(cs, SELF, "@alice", "hi", "Me", "Ally", "names: 1:1 from self");
	names(cs, SELF, "filehelper", "hi", "Me", "File Transfer",
	      "names: to filehelper");
	names(cs, "@stranger", SELF, "hi", NULL, NULL, "names: unknown 1:1");
	names(cs, "@nameless", SELF, "hi", NULL, NULL, "names: a contact "
	      "without a name");
	names(cs, "@@room", SELF, "@bob:<br/>hi", "Bobby in room", room,
	      "names: member with a DisplayName");
	names(cs, "@@room", SELF, "@carol:<br/>hi", "Carol & co\xf0\x9f\x98\x84",
	      room, "names: member by NickName, decoded");
	names(cs, "@@room", SELF, "wxid_dan:<br/>hi", "Dan", room,
	      "names: member with a wxid");
	names(cs, SELF, "@@room", "hi", "Boss", room,
	      "names: self from another device, self's DisplayName");
	names(cs, "@@room", SELF, "@alice:<br/>hi", "Ally", room,
	      "names: not a member, a friend");
	names(cs, "@@room", SELF, "@zed:<br/>hi", NULL, room,
	      "names: unknown member");
	names(cs, "@@room", SELF, "@nameless:<br/>hi", NULL, room,
	      "names: member without any name");
	names(cs, "@@room", SELF, "a tip", room, room,
	      "names: a room tip (Sender the room)");
	names(cs, "@@quiet", SELF, "@bob:<br/>hi", "Bob", NULL,
	      "names: a room without a name");
	names(cs, "@@other", SELF, "@bob:<br/>hi", "Bob", NULL,
	      "names: a room the cache lacks");
	names(cs, "@@other", SELF, "@carol:<br/>hi", NULL, NULL,
	      "names: another room's member");
	wx_contacts_free(cs);

	/* a cache without members (no -m): the contact's name */
	{
		static const char flat[] =
			"{\"Cache\":\"wx-contacts\",\"Uin\":\"1\",\"User\":\"@self\"}\n"
			"{\"UserName\":\"@bob\",\"Kind\":\"friend\",\"Name\":\"Bob\"}\n"
			"{\"UserName\":\"@@room\",\"Kind\":\"group\",\"Name\":\"R\"}\n";

		cs = wx_contacts_parse(flat, sizeof flat - 1, err, sizeof err);
		ok(cs != NULL, "a cache without members parses");
		if (cs) {
			names(cs, "@@room", SELF, "@bob:<br/>hi", "Bob", "R",
			      "names: no members, the friend's name");
			names(cs, "@@room", SELF, "@carol:<br/>hi", NULL, "R",
			      "names: no members, unknown");
		}
		wx_contacts_free(cs);
	}
}

/* ---- hostile values ---- */

/* The line of text (an entry), checked, freed; Text compared to want
 * unless NULL. */
static void
hostile(const char *text, size_t len, const char *want_text,
        const char *what)
{
	struct wx_json *j = line_of_text(text, len, SELF, NULL, what);

	if (want_text)
		field(j, "Text", want_text, what);
	wx_json_free(j);
}

#define HOSTILE(text, want, what) hostile(text, sizeof text - 1, want, what)

static void
test_hostile(void)
{
	struct wx_buf b = {0};
	struct wx_json *j;
	size_t i;

	HOSTILE("{\"FromUserName\":\"@a\",\"ToUserName\":\"@self\",\"MsgType\":1,"
	        "\"Content\":\"a\\u0001b\\u001b[31mc\\u007fd\\u009be\\r\\nf\"}",
	        "a\x01" "b\x1b[31mc\x7f" "d\xc2\x9b" "e\r\nf", "control characters");
	HOSTILE("{\"FromUserName\":\"@a\\u0007\",\"ToUserName\":\"@self\","
	        "\"MsgType\":1,\"Content\":\"x\",\"FileName\":\"\\u0000\\u001f\"}",
	        "x", "control characters in other fields");
	HOSTILE("{\"FromUserName\":\"@a\",\"MsgType\":1,"
	        "\"Content\":\"a\\u0000b\"}", "a\xef\xbf\xbd" "b", "NUL via \\u0000");
	HOSTILE("{\"FromUserName\":\"@@r\",\"MsgType\":1,"
	        "\"Content\":\"@x\\u0000:<br/>b\"}", NULL, "NUL in a prefix");
	HOSTILE("{\"FromUserName\":\"@a\",\"MsgType\":1,"
	        "\"Content\":\"\\ud800 lone \\udc00 surrogates\"}",
	        "\xef\xbf\xbd lone \xef\xbf\xbd surrogates", "lone surrogates");
	HOSTILE("{\"FromUserName\":\"@a\",\"MsgType\":1,"
	        "\"Content\":\"&#0; &#xd800; &#x110000; &#1114111; &#x1b;\"}",
	        "&#0; &#xd800; &#x110000; \xf4\x8f\xbf\xbf \x1b",
	        "entities of odd code points");
	HOSTILE("{\"FromUserName\":\"@a\",\"MsgType\":1,\"Content\":"
	        "\"<span class=\\\"emoji emoji1b\\\"></span><span class=\\\"emoji "
	        "emoji0000\\\"></span><span class=\\\"emoji emojid800\\\"></span>\"}",
	        NULL, "emoji spans of controls and surrogates");
	/* invalid UTF-8, raw in the JSON string, if the parser takes it */
	{
		static const char raw[] = "{\"FromUserName\":\"@\xff\xfe\","
			"\"MsgType\":1,\"Content\":\"a\xc3(\xed\xa0\x80\xf8\x88\x80\x80\x80"
			"z\",\"X\xc0\xaf\":1}";
		char err[128];
		struct wx_json *in = wx_json_parse(raw, sizeof raw - 1, err,
		                                   sizeof err);

		if (in) {
			wx_json_free(in);
			HOSTILE(raw, NULL, "invalid UTF-8");
		} else {
			ok(1, "invalid UTF-8: refused by the parser");
		}
	}
	/* a huge Content: 4 MiB of markup */
	wx_buf_adds(&b, "{\"FromUserName\":\"@@r\",\"MsgType\":1,\"Content\":\""
	            "@bob:<br/>");
	for (i = 0; i < (1u << 22) / 16; i++)
		wx_buf_adds(&b, "&lt;x&gt;<br/>\\t!");
	wx_buf_adds(&b, "\"}");
	j = line_of_text(b.p, b.len, SELF, NULL, "4 MiB Content");
	{
		char *t = j ? wx_json_getstr(j, 0, "Text") : NULL;

		is_int(t ? strlen(t) : 0, (1u << 22) / 16 * 6, "4 MiB Content: "
		       "Text decoded whole");
		free(t);
	}
	field(j, "Sender", "@bob", "4 MiB Content");
	wx_json_free(j);
	wx_buf_free(&b);

	/* the derived names from the server: written once, ours */
	HOSTILE("{\"Event\":\"evil\",\"MsgId\":\"1\",\"Text\":\"evil\","
	        "\"FromUserName\":\"@@r\",\"Sender\":\"evil\",\"Chat\":\"evil\","
	        "\"TypeName\":\"evil\",\"SenderName\":\"evil\",\"ChatName\":\"evil\","
	        "\"RevokedMsgId\":\"9\",\"Title\":\"evil\",\"Link\":\"evil\","
	        "\"Label\":\"evil\",\"MsgType\":1,\"Content\":\"@b:<br/>ok\"}",
	        "ok", "server keys named like ours");
	j = TEXT_LINE("{\"Event\":\"evil\",\"Sender\":\"evil\",\"FromUserName\":"
	                 "\"@a\",\"MsgType\":10002,\"RevokedMsgId\":\"9\","
	                 "\"Title\":\"t\"}", SELF, NULL, "server keys, revoke");
	field(j, "Event", "message", "server keys, revoke");
	field(j, "Sender", "@a", "server keys, revoke");
	field(j, "RevokedMsgId", NULL, "server keys, revoke");
	field(j, "Title", NULL, "server keys, revoke");
	wx_json_free(j);
	/* the same names written with escapes */
	HOSTILE("{\"Ev\\u0065nt\":\"evil\",\"T\\u0065xt\":\"evil\",\"FromUserName\":"
	        "\"@a\",\"MsgType\":1,\"Content\":\"ok\"}", "ok",
	        "server keys like ours, escaped");
	HOSTILE("{\"Msg\\u0049d\":12345678901234567890,\"FromUserName\":\"@a\","
	        "\"MsgType\":1,\"Content\":\"ok\"}", "ok", "an escaped MsgId key");

	/* ids: numbers become strings exactly, at any depth */
	j = TEXT_LINE("{\"MsgId\":123456789012345678901234567890,\"NewMsgId\":"
	                 "-1.5e300,\"RecommendInfo\":{\"Uin\":18446744073709551615,"
	                 "\"List\":[{\"MsgID\":0,\"LocalID\":1e2}]},\"MsgType\":1}", SELF, NULL, "odd ids");
	field(j, "MsgId", "123456789012345678901234567890", "odd ids");
	field(j, "NewMsgId", "-1.5e300", "odd ids");
	field(j, "RecommendInfo.Uin", "18446744073709551615", "odd ids");
	field(j, "RecommendInfo.List.0.LocalID", "1e2", "odd ids");
	wx_json_free(j);
	HOSTILE("{\"MsgId\":{\"a\":[1,{\"MsgId\":2}]},\"NewMsgId\":[3,4],"
	        "\"MsgType\":1}", "", "ids that are objects and arrays");
	HOSTILE("{\"MsgId\":true,\"NewMsgId\":null,\"MsgType\":1}", "",
	        "ids that are literals");

	/* odd types where strings and numbers belong */
	j = TEXT_LINE("{\"FromUserName\":123,\"ToUserName\":null,\"MsgType\":"
	                 "\"49\",\"AppMsgType\":\"6\",\"Content\":{\"a\":1},"
	                 "\"Url\":[\"x\"]}", SELF, NULL, "odd types");
	field(j, "TypeName", "file", "odd types");
	field(j, "Text", "", "odd types");
	field(j, "Sender", "123", "odd types");
	wx_json_free(j);
	HOSTILE("{\"MsgType\":1e400,\"AppMsgType\":-99999999999999999999999,"
	        "\"SubMsgType\":48.5}", "", "odd numbers");
	j = TEXT_LINE("{\"MsgType\":99999999999999999999}", SELF, NULL,
	                 "MsgType past 2^64");
	field(j, "TypeName", "unknown", "MsgType past 2^64");
	wx_json_free(j);
	/* nothing at all */
	j = TEXT_LINE("{}", SELF, NULL, "empty entry");
	field(j, "Text", "", "empty entry");
	field(j, "Sender", "", "empty entry");
	field(j, "Chat", "", "empty entry");
	field(j, "TypeName", "unknown", "empty entry");
	wx_json_free(j);
	j = TEXT_LINE("{}", "", NULL, "empty entry, empty self");
	field(j, "Chat", "", "empty entry, empty self");
	wx_json_free(j);
	/* the server's own duplicate is the server's; the first counts */
	server_dups = 1;
	j = TEXT_LINE("{\"MsgType\":1,\"MsgType\":3,\"FromUserName\":\"@a\"}", SELF, NULL, "duplicate MsgType");
	server_dups = 0;
	field(j, "TypeName", "text", "duplicate MsgType");
	wx_json_free(j);
	/* quotes, backslashes and a tag-like start in every field */
	HOSTILE("{\"FromUserName\":\"@@r\\\"}\",\"ToUserName\":\"\\\\\","
	        "\"MsgType\":49,\"AppMsgType\":5,\"Content\":\"a\\\\:<br/>&lt;"
	        "title&gt;\\\"}\\n&lt;/title&gt;&lt;url&gt;\\\\&lt;/url&gt;\"}",
	        NULL, "quotes and backslashes");
	j = TEXT_LINE("{\"MsgType\":49,\"Content\":\"&lt;title&gt;\\\"x\\\\"
	                 "&lt;/title&gt;&lt;url&gt;\\u001b]0;t\\u0007&lt;/url&gt;"
	                 "\"}", SELF, NULL, "derived values escaped");
	field(j, "Title", "\"x\\", "derived values escaped");
	field(j, "Link", "\x1b]0;t\x07", "derived values escaped");
	wx_json_free(j);
}

/* ---- wx_event_contact_line ---- */

static struct wx_json *
contact_line(const char *text, int del, const char *event, const char *what)
{
	char err[128] = "", name[200];
	struct wx_json *in = wx_json_parse(text, strlen(text), err, sizeof err);
	struct wx_buf b = {0};
	struct wx_json *j;

	snprintf(name, sizeof name, "%s: parses", what);
	if (!ok(in != NULL, name))
		return NULL;
	wx_event_contact_line(&b, in, 0, SELF, del);
	j = check_line(&b, event, what);
	wx_buf_free(&b);
	wx_json_free(in);
	return j;
}

static void
test_contact_events(void)
{
	struct wx_json *j;
	char *keys;

	j = contact_line("{\"UserName\":\"@alice\",\"NickName\":\"A &amp; "
	                 "<span class=\\\"emoji emoji1f604\\\"></span>\","
	                 "\"RemarkName\":\"R&lt;\",\"VerifyFlag\":0,\"Uin\":"
	                 "2765482113,\"MemberList\":[]}", 0, "modcontact", "mod");
	field(j, "Kind", "friend", "mod");
	field(j, "Name", "A & \xf0\x9f\x98\x84", "mod");
	field(j, "Remark", "R<", "mod");
	field(j, "Uin", "2765482113", "mod");
	keys = j ? keys_of(j, 0) : NULL;
	is_str(keys, "Event,UserName,NickName,RemarkName,VerifyFlag,Uin,"
	       "MemberList,Kind,Name,Remark", "mod: key order");
	free(keys);
	wx_json_free(j);

	j = contact_line("{\"UserName\":\"@@r\",\"NickName\":\"R\",\"MemberList\":"
	                 "[{\"Uin\":1,\"UserName\":\"@m\",\"DisplayName\":\"\"}],"
	                 "\"OwnerUin\":99}", 0, "modcontact", "mod group");
	field(j, "Kind", "group", "mod group");
	field(j, "MemberList.0.Uin", "1", "mod group");
	field(j, "OwnerUin", "99", "mod group");
	wx_json_free(j);

	j = contact_line("{\"UserName\":\"@self\",\"NickName\":\"Me\"}", 0,
	                 "modcontact", "mod self");
	field(j, "Kind", "self", "mod self");
	wx_json_free(j);

	j = contact_line("{\"UserName\":\"gh_x\",\"VerifyFlag\":24}", 0,
	                 "modcontact", "mod special");
	field(j, "Kind", "special", "mod special");
	wx_json_free(j);

	j = contact_line("{\"UserName\":\"@p\",\"VerifyFlag\":24}", 0,
	                 "modcontact", "mod public");
	field(j, "Kind", "public", "mod public");
	wx_json_free(j);

	j = contact_line("{}", 0, "modcontact", "mod empty");
	field(j, "Name", "", "mod empty");
	wx_json_free(j);

	/* the names it derives, from the server: once, ours */
	j = contact_line("{\"Event\":\"evil\",\"Kind\":\"evil\",\"Name\":\"evil\","
	                 "\"Remark\":\"evil\",\"UserName\":\"@a\",\"NickName\":"
	                 "\"N\"}", 0, "modcontact", "mod, server keys like ours");
	field(j, "Kind", "friend", "mod, server keys like ours");
	field(j, "Name", "N", "mod, server keys like ours");
	wx_json_free(j);
	j = contact_line("{\"Ev\\u0065nt\":\"evil\",\"UserName\":\"@a\"}", 0,
	                 "modcontact", "mod, an escaped Event key");
	wx_json_free(j);

	/* del: the server's object as it came (Uin stays a number there) */
	j = contact_line("{\"UserName\":\"@alice\",\"ContactFlag\":0}", 1,
	                 "delcontact", "del");
	field(j, "UserName", "@alice", "del");
	field(j, "ContactFlag", "0", "del");
	field(j, "Kind", NULL, "del");
	keys = j ? keys_of(j, 0) : NULL;
	is_str(keys, "Event,UserName,ContactFlag", "del: key order");
	free(keys);
	wx_json_free(j);
	j = contact_line("{}", 1, "delcontact", "del empty");
	keys = j ? keys_of(j, 0) : NULL;
	is_str(keys, "Event", "del empty: Event only");
	free(keys);
	wx_json_free(j);
	j = contact_line("{\"UserName\":\"@a\\u0000\\u001b\\\"\",\"X\":[{}]}", 1,
	                 "delcontact", "del, odd values");
	wx_json_free(j);
	j = contact_line("{\"Event\":\"evil\",\"UserName\":\"@a\"}", 1,
	                 "delcontact", "del, a server key Event");
	wx_json_free(j);
}

int
main(void)
{
	wx_argv0 = "test-msg";
	test_typename();
	test_addmsg_samples();
	test_qwx_fragment();
	test_sync_samples();
	test_text();
	test_group();
	test_revoke();
	test_location();
	test_app();
	test_names();
	test_hostile();
	test_contact_events();
	return tap_done();
}
