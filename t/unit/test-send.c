/* Unit tests of lib/send.c and lib/upload.c without a server: UTF-8
 * validation, the send requests of protocol.md §6, the kind of a file,
 * the appmsg XML of §6.7, the dry run's masking. */
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "wx.h"

static void
test_utf8(void)
{
	static const struct {
		const char *s;
		size_t n;
		long long bad;  /* -1: valid */
		const char *name;
	} t[] = {
		{ "plain ASCII", 11, -1, "ASCII" },
		{ "", 0, -1, "empty" },
		{ "\xe4\xbd\xa0\xe5\xa5\xbd", 6, -1, "CJK" },
		{ "\xf0\x9f\x98\x80 \xf0\x9f\x87\xa8\xf0\x9f\x87\xb3", 13, -1, "emoji" },
		{ "\xf4\x8f\xbf\xbf", 4, -1, "U+10FFFF" },
		{ "a\x80", 2, 1, "a lone continuation byte" },
		{ "ab\xc0\xaf", 4, 2, "overlong /" },
		{ "\xe0\x80\x80", 3, 0, "overlong NUL in 3" },
		{ "ok \xed\xa0\x80", 6, 3, "a surrogate" },
		{ "\xf4\x90\x80\x80", 4, 0, "past U+10FFFF" },
		{ "xyz\xe6\x97", 5, 3, "truncated at the end" },
		{ "\xe6\x97x", 3, 0, "truncated by an ASCII byte" },
		{ "\xf8\x88\x80\x80\x80", 5, 0, "5-byte form" },
		{ "\xff", 1, 0, "0xFF" },
		{ "a\0b", 3, -1, "NUL is UTF-8 (the command refuses it)" },
	};
	size_t i, bad;
	int rc;

	for (i = 0; i < sizeof t / sizeof *t; i++) {
		bad = 12345;
		rc = wx_utf8_check(t[i].s, t[i].n, &bad);
		if (t[i].bad < 0)
			ok(rc == 0, t[i].name);
		else
			ok(rc < 0 && bad == (size_t)t[i].bad, t[i].name);
	}
}

/* A session with made-up credentials: nothing here goes on the wire. */
static void
fake_sess(struct wx_sess *s, const char *mode)
{
	memset(s, 0, sizeof *s);
	s->st = wx_state_new();
	if (mode)
		wx_state_set(s->st, "mode", mode);
	wx_mode_parse(mode, &s->mode);
	s->dir = wx_strdup("/nonexistent");
	s->host = "wx2.qq.com";
	s->uin = "2000000001";
	s->sid = "PsWd4FvKROR5EVcG";
	s->skey = "@crypt_8e4ad7fa_2703a47aaf8cd4d3e61b855795e38568";
	s->pass_ticket = "VgRra8ty%2BZV9X1PB9w9w%3D";
	s->username = "@me";
}

/* The request of m: URL into *url (malloc'd), parsed body. */
static struct wx_json *
request(const struct wx_sess *s, const struct wx_send *m, char **url)
{
	struct wx_buf b = {0};
	struct wx_json *j;
	char err[64];

	*url = wx_send_request(s, m, &b);
	j = wx_json_parse(b.p, b.len, err, sizeof err);
	wx_buf_free(&b);
	return j;
}

/* The keys of object tok, comma-separated, into out. */
static void
keys(const struct wx_json *j, int tok, struct wx_buf *out)
{
	int k;
	size_t n;
	const char *p;

	wx_buf_reset(out);
	wx_buf_add(out, "", 0);
	for (k = wx_json_first(j, tok); k >= 0; k = wx_json_next(j, k + 1)) {
		p = wx_json_raw(j, k, &n);
		if (out->len)
			wx_buf_addc(out, ',');
		wx_buf_add(out, p, n);
	}
}

static void
test_text(void)
{
	static const char text[] = "say \"hi\" \\ \xf0\x9f\x98\x80 \xe4\xbd\xa0\n<b>&amp;";
	struct wx_send m = { .kind = WX_SEND_TEXT, .to = "@peer",
	                     .content = text, .len = sizeof text - 1,
	                     .localid = "15462147414160521" };
	struct wx_sess s;
	struct wx_buf k = {0};
	struct wx_json *j;
	char *url, *v;
	long long n;

	fake_sess(&s, NULL);
	j = request(&s, &m, &url);
	ok(j != NULL, "text: the body is JSON");
	is_str(url, "https://wx2.qq.com/cgi-bin/mmwebwx-bin/webwxsendmsg"
	       "?lang=zh_CN&pass_ticket=VgRra8ty%2BZV9X1PB9w9w%3D", "text: URL");
	keys(j, 0, &k);
	is_str(k.p, "BaseRequest,Msg,Scene", "text: top keys");
	keys(j, wx_json_get(j, 0, "Msg"), &k);
	is_str(k.p, "Type,Content,FromUserName,ToUserName,LocalID,ClientMsgId",
	       "text: Msg keys in CAP's order");
	keys(j, wx_json_get(j, 0, "BaseRequest"), &k);
	is_str(k.p, "Uin,Sid,Skey,DeviceID", "text: BaseRequest");
	v = wx_json_getstr(j, 0, "Msg.Content");
	is_str(v, text, "text: Content exactly");
	free(v);
	ok(wx_json_type(j, wx_json_get(j, 0, "Msg.LocalID")) == WX_JSON_STRING &&
	   wx_json_type(j, wx_json_get(j, 0, "Msg.ClientMsgId")) == WX_JSON_STRING,
	   "text: the ids as strings");
	v = wx_json_getstr(j, 0, "Msg.ClientMsgId");
	is_str(v, "15462147414160521", "text: ClientMsgId = LocalID");
	free(v);
	ok(wx_json_int(j, wx_json_get(j, 0, "Msg.Type"), &n) == 0 && n == 1,
	   "text: Type 1");
	ok(wx_json_int(j, wx_json_get(j, 0, "Scene"), &n) == 0 && n == 0,
	   "text: Scene 0");
	ok(wx_json_int(j, wx_json_get(j, 0, "BaseRequest.Uin"), &n) == 0 &&
	   n == 2000000001, "text: Uin a number");
	wx_json_free(j);
	free(url);
	wx_buf_free(&k);
	wx_state_free(s.st);
	free(s.dir);
}

static void
test_media(void)
{
	static const struct {
		enum wx_send_kind kind;
		const char *mode, *url, *keys;
		long long type;
	} t[] = {
		{ WX_SEND_IMAGE, NULL,
		  "webwxsendmsgimg?fun=async&f=json&lang=zh_CN&pass_ticket=",
		  "Type,MediaId,Content,FromUserName,ToUserName,LocalID,ClientMsgId", 3 },
		{ WX_SEND_VIDEO, NULL,
		  "webwxsendvideomsg?fun=async&f=json&lang=zh_CN&pass_ticket=",
		  "Type,MediaId,Content,FromUserName,ToUserName,LocalID,ClientMsgId", 43 },
		{ WX_SEND_EMOTICON, NULL,
		  "webwxsendemoticon?fun=sys&lang=zh_CN&pass_ticket=",
		  "Type,EmojiFlag,MediaId,FromUserName,ToUserName,LocalID,ClientMsgId", 47 },
		{ WX_SEND_FILE, NULL,
		  "webwxsendappmsg?fun=async&f=json&lang=zh_CN&pass_ticket=",
		  "Type,Content,FromUserName,ToUserName,LocalID,ClientMsgId,Signature", 6 },
		{ WX_SEND_FILE, "desktop",
		  "webwxsendappmsg?fun=async&f=json&mod=desktop&lang=zh_CN&pass_ticket=",
		  "Type,Content,FromUserName,ToUserName,LocalID,ClientMsgId,Signature", 6 },
		/* the File Helper page's: CAP (filehelper.md §5, §6.3) */
		{ WX_SEND_TEXT, "filehelper",
		  "webwxsendmsg?lang=zh_CN&pass_ticket=",
		  "ClientMsgId,FromUserName,LocalID,ToUserName,Content,Type", 1 },
		{ WX_SEND_IMAGE, "filehelper",
		  "webwxsendmsgimg?fun=async&f=json&pass_ticket=",
		  "ClientMsgId,FromUserName,LocalID,ToUserName,MediaId,Type,Content", 3 },
		{ WX_SEND_FILE, "filehelper",
		  "webwxsendappmsg?fun=async&f=json&lang=zh_CN&pass_ticket=",
		  "ClientMsgId,FromUserName,LocalID,ToUserName,Content,Type", 6 },
	};
	struct wx_buf k = {0};
	struct wx_sess s;
	struct wx_json *j;
	char *url, *want, *dev;
	long long n;
	size_t i;

	for (i = 0; i < sizeof t / sizeof *t; i++) {
		struct wx_send m = { .kind = t[i].kind, .to = "@peer",
		                     .localid = "15462147414160521" };

		if (t[i].kind == WX_SEND_TEXT) {
			m.content = "hi";
			m.len = 2;
		} else if (t[i].kind == WX_SEND_FILE) {
			m.content = "<appmsg/>";
			m.len = 9;
			m.signature = t[i].mode && strcmp(t[i].mode, "filehelper")
			              == 0 ? NULL : "sig";
		} else {
			m.mediaid = "@crypt_1_2";
		}
		fake_sess(&s, t[i].mode);
		j = request(&s, &m, &url);
		want = wx_asprintf("https://wx2.qq.com/cgi-bin/mmwebwx-bin/%s%s",
		                   t[i].url, s.pass_ticket);
		is_str(url, want, t[i].url);
		keys(j, wx_json_get(j, 0, "Msg"), &k);
		is_str(k.p, t[i].keys, wx_send_cgi(t[i].kind));
		ok(wx_json_int(j, wx_json_get(j, 0, "Msg.Type"), &n) == 0 &&
		   n == t[i].type, "Msg.Type");
		dev = wx_json_getstr(j, 0, "BaseRequest.DeviceID");
		ok(dev && strlen(dev) == (s.mode == WX_MODE_FILEHELPER ? 15u : 16u),
		   "DeviceID of the mode");
		free(dev);
		free(want);
		free(url);
		wx_json_free(j);
		wx_state_free(s.st);
		free(s.dir);
	}
	wx_buf_free(&k);
}

static void
test_kind(void)
{
	static const struct {
		const char *name, *head;
		size_t n;
		enum wx_send_kind kind;
		const char *mime;
	} t[] = {
		{ "a.jpg", "\xff\xd8\xff\xe0", 4, WX_SEND_IMAGE, "image/jpeg" },
		{ "a.JPEG", "\xff\xd8\xff\xe1", 4, WX_SEND_IMAGE, "image/jpeg" },
		{ "a.png", "\x89PNG\r\n\x1a\n", 8, WX_SEND_IMAGE, "image/png" },
		{ "a.jpg", "\x89PNG\r\n\x1a\n", 8, WX_SEND_IMAGE, "image/png" },
		{ "a.bmp", "BM", 2, WX_SEND_IMAGE, "image/bmp" },
		{ "a.gif", "GIF89a", 6, WX_SEND_EMOTICON, "image/gif" },
		{ "a.mp4", "\0\0\0\x18" "ftypisom", 12, WX_SEND_VIDEO, "video/mp4" },
		{ "a.jpg", "hello", 5, WX_SEND_FILE, "application/octet-stream" },
		{ "a.gif", "\xff\xd8\xff", 3, WX_SEND_FILE, "application/octet-stream" },
		{ "a.png", "\x89PNG", 4, WX_SEND_FILE, "application/octet-stream" },
		{ "jpg", "\xff\xd8\xff", 3, WX_SEND_FILE, "application/octet-stream" },
		{ ".jpg", "\xff\xd8\xff", 3, WX_SEND_FILE, "application/octet-stream" },
		{ "a.mp4", "ftyp", 4, WX_SEND_FILE, "application/octet-stream" },
		{ "a.pdf", "%PDF-1.4", 8, WX_SEND_FILE, "application/octet-stream" },
	};
	const char *mime;
	size_t i;

	for (i = 0; i < sizeof t / sizeof *t; i++) {
		mime = NULL;
		ok(wx_file_kind(t[i].name, t[i].head, t[i].n, &mime) == t[i].kind &&
		   strcmp(mime, t[i].mime) == 0, t[i].name);
	}
}

static void
test_appmsg(void)
{
	struct wx_file f = { .name = (char *)"Q4 <final> & 'co'.tar.gz" };
	struct wx_buf b = {0};

	wx_buf_add(&f.data, "12345", 5);
	wx_appmsg_file(&b, &f, "@crypt_ab_cd", 0);
	is_str(b.p, "<appmsg appid='wxeb7ec651dd0aefa9' sdkver=''><title>Q4 "
	       "&lt;final&gt; &amp; &apos;co&apos;.tar.gz</title><des></des>"
	       "<action></action><type>6</type><content></content><url></url>"
	       "<lowurl></lowurl><appattach><totallen>5</totallen><attachid>"
	       "@crypt_ab_cd</attachid><fileext>gz</fileext></appattach>"
	       "<extinfo></extinfo></appmsg>", "appmsg XML as §6.7");
	wx_buf_reset(&b);
	wx_appmsg_file(&b, &f, "@crypt_ab_cd", 1);
	ok(strncmp(b.p, "<appmsg appid='' sdkver=''>", 27) == 0,
	   "desktop: appid ''");
	wx_buf_free(&b);
	wx_buf_free(&f.data);
}

static void
test_print(void)
{
	struct wx_buf out = {0};
	FILE *f = tmpfile();
	char line[256];

	wx_print_request(f, "https://wx2.qq.com/cgi-bin/mmwebwx-bin/webwxsendmsg"
	                 "?lang=zh_CN&pass_ticket=SECRET", "{}", 2);
	rewind(f);
	while (fgets(line, sizeof line, f))
		wx_buf_adds(&out, line);
	is_str(out.p, "POST https://wx2.qq.com/cgi-bin/mmwebwx-bin/webwxsendmsg"
	       "?lang=zh_CN&pass_ticket=***\n{}\n\n", "-n: the URL masked");
	fclose(f);
	wx_buf_free(&out);
}

/* The answer's MsgID: what wx_send takes, and what it must not.  The
 * last one was a fuzz-answer finding: leading zeros kept the value in
 * range and the string overflowed msgid[24]; 23 digits still fit. */
static void
test_msgid(void)
{
	static const struct { const char *body; int rc; const char *id; } t[] = {
		{ "{\"MsgID\":\"6082286476153563045\"}", 0, "6082286476153563045" },
		{ "{\"MsgID\":18446744073709551615}", 0, "18446744073709551615" },
		{ "{\"MsgID\":\"0\"}", WX_EXIT_TEMP, NULL },
		{ "{\"MsgID\":\"12a\"}", WX_EXIT_TEMP, NULL },
		{ "{\"MsgID\":\"18446744073709551616\"}", WX_EXIT_TEMP, NULL },
		{ "{}", WX_EXIT_TEMP, NULL },
		{ "{\"MsgID\":\"00000000000000000000001\"}", 0,
		  "00000000000000000000001" },
		{ "{\"MsgID\":\"0000000000000000000000000000000000001\"}",
		  WX_EXIT_TEMP, NULL },
	};
	struct tap_stderr c;
	struct wx_buf msg = {0};
	struct wx_json *j;
	char id[24 + 8];
	size_t i;
	int rc;

	for (i = 0; i < sizeof t / sizeof *t; i++) {
		j = wx_json_parse(t[i].body, strlen(t[i].body), NULL, 0);
		memset(id, 'G', sizeof id);
		tap_stderr_begin(&c);
		rc = wx_send_msgid(j, "webwxsendmsg", id);
		tap_stderr_end(&c, &msg);
		is_int(rc, t[i].rc, t[i].body);
		if (t[i].id)
			is_str(id, t[i].id, "  its MsgID");
		else
			is_str(msg.p, "test-send: webwxsendmsg: no MsgID in the answer\n",
			       "  says so");
		ok(memcmp(id + 24, "GGGGGGGG", 8) == 0, "  nothing past msgid[24]");
		wx_json_free(j);
	}
	wx_buf_free(&msg);
}

int
main(void)
{
	wx_argv0 = "test-send";
	test_utf8();
	test_text();
	test_media();
	test_kind();
	test_appmsg();
	test_print();
	test_msgid();
	return tap_done();
}
