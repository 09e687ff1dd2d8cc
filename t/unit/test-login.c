/* Unit tests of lib/login.c: every login answer in t/samples, hand-made
 * variants, truncations and garbage, parsed as the commands see them. */
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "wx.h"

enum kind { JSLOGIN, PUSHLOGIN, LOGINPOLL, NEWLOGINPAGE };

/* One answer and what its parser must make of it: the exit code, and
 * either the value (uuid, redirect_uri, skey) or the start of why. */
struct want {
	enum kind kind;
	const char *sample;   /* t/samples/NAME, or NULL: text is the body */
	const char *text;
	int rc;
	const char *value;    /* rc 0: uuid / redirect_uri / skey */
	const char *why;      /* rc != 0: why starts with this */
};

static int
parse(enum kind k, const char *body, size_t len, struct wx_login *l)
{
	switch (k) {
	case JSLOGIN: return wx_parse_jslogin(body, l);
	case PUSHLOGIN: return wx_parse_pushlogin(body, len, l);
	case LOGINPOLL: return wx_parse_loginpoll(body, l);
	default: return wx_parse_newloginpage(body, l);
	}
}

/* The field a successful parse of kind k is about. */
static const char *
value(enum kind k, const struct wx_login *l)
{
	if (k == NEWLOGINPAGE)
		return l->skey;
	if (k == LOGINPOLL)
		return l->redirect_uri;
	return l->uuid;
}

static char *
slurp(const char *name, size_t *len)
{
	struct wx_buf b = {0};
	char path[256];

	snprintf(path, sizeof path, "t/samples/%s", name);
	if (wx_read_file(path, 1 << 20, &b) < 0 || !b.p) {
		wx_buf_free(&b);
		b.p = wx_strdup("");
	}
	*len = b.len;
	return b.p;
}

static void
check(const struct want *w)
{
	struct wx_login l = {0};
	size_t len = w->text ? strlen(w->text) : 0;
	char *body = w->sample ? slurp(w->sample, &len) : NULL;
	const char *name = w->sample ? w->sample : w->text ? w->text : "(null)";
	char what[160];
	int rc = parse(w->kind, body ? body : w->text, len, &l);
	int shown = (int)strcspn(name, "\n");  /* one TAP line per test */

	snprintf(what, sizeof what, "%.*s: exit %d", shown < 60 ? shown : 60,
	         name, w->rc);
	is_int(rc, w->rc, what);
	snprintf(what, sizeof what, "%.*s: %s", shown < 60 ? shown : 60, name,
	         rc ? "why" : "value");
	if (w->rc == 0)
		is_str(value(w->kind, &l), w->value, what);
	else
		ok(l.why && strncmp(l.why, w->why, strlen(w->why)) == 0 &&
		   !value(w->kind, &l), what);
	wx_login_free(&l);
	free(body);
}

static const struct want jslogin[] = {
	{JSLOGIN, "jslogin-ItChat-1.txt", 0, 0, "4ZtmDT6OPg==", 0},
	{JSLOGIN, "jslogin-qwx-1.txt", 0, 0, "9da5658a689a4f", 0},
	{JSLOGIN, "jslogin-wechat4u-1.txt", 0, 0, "4dcaWx3uBw==", 0},
	{JSLOGIN, "jslogin-weixinHttp-1.txt", 0, 0, "gbyKnbsmqQ==", 0},
	{JSLOGIN, "jslogin-wwdk-1.txt", 0, 0, "gfNHoe0rgA==", 0},
	{JSLOGIN, 0, "window.QRLogin.code=200;window.QRLogin.uuid=\"a_b-c+/=\";",
	 0, "a_b-c+/=", 0},
	{JSLOGIN, 0, "window.QRLogin.code=200;window.QRLogin.uuid=\"abc\";",
	 WX_EXIT_TEMP, 0, "jslogin: malformed uuid"},
	{JSLOGIN, 0, "window.QRLogin.code = 4\033[31m00;", WX_EXIT_TEMP, 0,
	 "jslogin: code 4\033[31m00, not 200"},
	{JSLOGIN, 0, "window.QRLogin.code = 400;", WX_EXIT_TEMP, 0,
	 "jslogin: code 400, not 200"},
	{JSLOGIN, 0, "window.QRLogin.code = x", WX_EXIT_TEMP, 0,
	 "jslogin: code x, not 200"},
	{JSLOGIN, 0, "window.QRLogin.code = 200; window.QRLogin.uuid = \"4Ztm",
	 WX_EXIT_TEMP, 0, "jslogin: malformed uuid"},
	{JSLOGIN, 0, "window.QRLogin.code = 200; window.QRLogin.uuid = \"4Z\"",
	 WX_EXIT_TEMP, 0, "jslogin: malformed uuid"},
	{JSLOGIN, 0, "window.QRLogin.code = 200; window.QRLogin.uuid = \"\";",
	 WX_EXIT_TEMP, 0, "jslogin: malformed uuid"},
	{JSLOGIN, 0, "window.QRLogin.code = 200; window.QRLogin.uuid = \"a b\";",
	 WX_EXIT_TEMP, 0, "jslogin: malformed uuid"},
	{JSLOGIN, 0, "window.QRLogin.code = 200; window.QRLogin.uuid = "
	 "\"123456789012345678901234567890123\";", WX_EXIT_TEMP, 0,
	 "jslogin: malformed uuid"},
	{JSLOGIN, 0, "window.QRLogin.code = 200; window.QRLogin.uu",
	 WX_EXIT_TEMP, 0, "jslogin: malformed answer"},
	{JSLOGIN, 0, "<html>502 Bad Gateway</html>", WX_EXIT_TEMP, 0,
	 "jslogin: malformed answer"},
	{JSLOGIN, 0, "", WX_EXIT_TEMP, 0, "jslogin: malformed answer"},
	{JSLOGIN, 0, 0, WX_EXIT_TEMP, 0, "jslogin: malformed answer"},
};

static const struct want pushlogin[] = {
	{PUSHLOGIN, "webwxpushloginurl-goitchat-1.json", 0, 0, "Ybyg2HUEtg==",
	 0},
	{PUSHLOGIN, "webwxpushloginurl-WeixinBot_204-1.json", 0,
	 WX_EXIT_REFUSED, 0, "push login refused: ret 1: args error"},
	/* Python reprs, not JSON: as a server answer they are malformed. */
	{PUSHLOGIN, "webwxpushloginurl-WeixinBot-1.txt", 0, WX_EXIT_TEMP, 0,
	 "webwxpushloginurl: malformed answer: "},
	{PUSHLOGIN, "webwxpushloginurl-WeixinBot_204-2.txt", 0, WX_EXIT_TEMP,
	 0, "webwxpushloginurl: malformed answer: "},
	{PUSHLOGIN, 0, "{\"ret\":0,\"uuid\":\"Ybyg2HUEtg==\"}", 0,
	 "Ybyg2HUEtg==", 0},
	{PUSHLOGIN, 0, "{\"ret\":\"2\"}", WX_EXIT_REFUSED, 0,
	 "push login refused: ret 2"},
	{PUSHLOGIN, 0, "{\"msg\":\"all ok\",\"uuid\":\"Ybyg2HUEtg==\"}",
	 WX_EXIT_TEMP, 0, "webwxpushloginurl: no ret"},
	{PUSHLOGIN, 0, "{\"ret\":\"0\",\"msg\":\"all ok\"}", WX_EXIT_TEMP, 0,
	 "webwxpushloginurl: no usable uuid"},
	{PUSHLOGIN, 0, "{\"ret\":\"0\",\"uuid\":\"a\\\"b\"}", WX_EXIT_TEMP, 0,
	 "webwxpushloginurl: no usable uuid"},
	{PUSHLOGIN, 0, "[0]", WX_EXIT_TEMP, 0,
	 "webwxpushloginurl: malformed answer"},
	{PUSHLOGIN, 0, "{\"ret\":\"0\",\"uuid\":\"Ybyg", WX_EXIT_TEMP, 0,
	 "webwxpushloginurl: malformed answer: "},
	{PUSHLOGIN, 0, 0, WX_EXIT_TEMP, 0,
	 "webwxpushloginurl: malformed answer: "},
};

#define WXQQ "https://wx.qq.com/cgi-bin/mmwebwx-bin/webwxnewloginpage?ticket="
static const struct want loginpoll[] = {
	{LOGINPOLL, "login-qwx-2.txt", 0, 0,
	 WXQQ "03f725a8039d418ab79c69b6ffbd771b&lang=zh_CN&scan=1388975896", 0},
	{LOGINPOLL, "login-vbot_201-2.txt", 0, 0, WXQQ "AeBCOtQE0tfm_ICxUg9mCA3g"
	 "@qrticket_0&uuid=Id_k2vtROQ==&lang=zh_CN&scan=1501432161", 0},
	{LOGINPOLL, "login-wechat4u-2.txt", 0, 0,
	 "https://wx2.qq.com/cgi-bin/mmwebwx-bin/webwxnewloginpage?ticket="
	 "A6NZxcl2chBSJUFYj9hPlKMV@qrticket_0&uuid=4dcaWx3uBw==&lang=zh_CN"
	 "&scan=1463755895", 0},
	{LOGINPOLL, "login-weixinHttp-3.txt", 0, 0, WXQQ "AaXdHpmbWGYo_ZOk7yl"
	 "AnnCY@qrticket_0&uuid=gbyKnbsmqQ==&lang=zh_CN&scan=1546211468", 0},
	{LOGINPOLL, "login-weixinHttp-3.recon.txt", 0, 0, WXQQ "AaXdHpmbWGYo_Z"
	 "Ok7ylAnnCY@qrticket_0&uuid=gbyKnbsmqQ==&lang=zh_CN&scan=1546211468",
	 0},
	/* wwdk writes "window.code = 200": the real server has no blanks. */
	{LOGINPOLL, "login-wwdk-3.txt", 0, WX_EXIT_TEMP, 0,
	 "login: unexpected answer 'window.code = 200;"},
	{LOGINPOLL, "login-wwdk-1.txt", 0, WX_EXIT_TEMP, 0,
	 "login: unexpected answer 'window.code = 408;"},
	{LOGINPOLL, 0, "window.code=200;", WX_EXIT_TEMP, 0,
	 "login: no redirect_uri in the answer"},
	{LOGINPOLL, 0, "window.code=200;\nwindow.redirect_uri=\"" WXQQ "x",
	 WX_EXIT_TEMP, 0, "login: no redirect_uri in the answer"},
	{LOGINPOLL, 0, "window.code=200;window.redirect_uri=\"" WXQQ "a\033b\";",
	 WX_EXIT_TEMP, 0, "login: malformed redirect_uri"},
	{LOGINPOLL, 0, "window.code=200;window.redirect_uri=\"" WXQQ "a b\";",
	 WX_EXIT_TEMP, 0, "login: malformed redirect_uri"},
	{LOGINPOLL, 0, "window.code=200;window.redirect_uri=\"https://evil.exa"
	 "mple/cgi-bin/mmwebwx-bin/webwxnewloginpage?ticket=x\";", WX_EXIT_TEMP,
	 0, "redirect to unknown host evil.example"},
	{LOGINPOLL, 0, "window.code=200;window.redirect_uri=\"http://wx.qq.com/"
	 "\";", WX_EXIT_TEMP, 0, "redirect to unknown host (none)"},
	{LOGINPOLL, 0, "window.code=500;", WX_EXIT_TEMP, 0,
	 "login: unexpected answer 'window.code=500;'"},
	{LOGINPOLL, 0, "window.code=20000;", WX_EXIT_TEMP, 0,
	 "login: unexpected answer"},
	{LOGINPOLL, 0, "window.code=408", WX_EXIT_TEMP, 0,
	 "login: unexpected answer 'window.code=408'"},
	{LOGINPOLL, 0, "<html>502</html>", WX_EXIT_TEMP, 0,
	 "login: unexpected answer '<html>502</html>'"},
	{LOGINPOLL, 0, 0, WX_EXIT_TEMP, 0, "login: unexpected answer ''"},
};

static const struct want newloginpage[] = {
	{NEWLOGINPAGE, "webwxnewloginpage-wechat4u-1.xml", 0, 0,
	 "@crypt_8e4ad7fa_2703a47aaf8cd4d3e61b855795e38568", 0},
	{NEWLOGINPAGE, "webwxnewloginpage-weixinHttp-1.xml", 0, 0,
	 "@crypt_63d18dea_a7de6934c67e2f89ac399fa35b689a50", 0},
	{NEWLOGINPAGE, "webwxnewloginpage-MojoWeixin-1.xml", 0, 0,
	 "@crypt_859d8a8a_3f3db5290570080d1db29da9507e35de", 0},
	{NEWLOGINPAGE, "webwxnewloginpage-WeixinBot-1.xml", 0, 0, "xxx", 0},
	{NEWLOGINPAGE, "webwxnewloginpage-ItChat_861-1.xml", 0, WX_EXIT_REFUSED,
	 0, "login refused (ret 1203): To protect your account, logging in"},
	{NEWLOGINPAGE, "webwxnewloginpage-ItChat_899-1.xml", 0, WX_EXIT_REFUSED,
	 0, "login refused (ret 1203): 为了你的帐号安全"},
	{NEWLOGINPAGE, "webwxnewloginpage-openwechat_5-1.xml", 0,
	 WX_EXIT_REFUSED, 0, "login refused (ret 1203): 为了你的帐号安全"},
	{NEWLOGINPAGE, "webwxnewloginpage-puppetwechat-1.xml", 0,
	 WX_EXIT_REFUSED, 0, "login refused (ret 1203): 当前登录环境异常。"},
	{NEWLOGINPAGE, "webwxnewloginpage-puppetwechat-4.xml", 0,
	 WX_EXIT_REFUSED, 0, "login refused (ret 1203): For account security"},
	{NEWLOGINPAGE, "webwxnewloginpage-wechaty_603-1.xml", 0,
	 WX_EXIT_REFUSED, 0, "login refused (ret 1203): 当前登录环境异常。"},
	{NEWLOGINPAGE, "webwxnewloginpage-wechrome_9-1.xml", 0, WX_EXIT_REFUSED,
	 0, "login refused (ret 1203): 登录失败。"},
	{NEWLOGINPAGE, "webwxnewloginpage-youxiangItchat_12-1.xml", 0,
	 WX_EXIT_REFUSED, 0, "login refused (ret 1203): 由于安全原因"},
	{NEWLOGINPAGE, "webwxnewloginpage-puppetwechat-2.html", 0,
	 WX_EXIT_REFUSED, 0, "login refused (HTML page): 当前登录环境异常。为了"},
	{NEWLOGINPAGE, "webwxnewloginpage-puppetwechat-3.html", 0,
	 WX_EXIT_REFUSED, 0, "login refused (HTML page): 当前登录环境异常。为了"},
	{NEWLOGINPAGE, 0, "<error><ret>0</ret><message>OK</message></error>",
	 WX_EXIT_REFUSED, 0, "login refused (ret 0): OK"},
	{NEWLOGINPAGE, 0, "<error><ret>0</ret><skey></skey></error>",
	 WX_EXIT_REFUSED, 0, "login refused (ret 0): no skey"},
	{NEWLOGINPAGE, 0, "<error><ret>1100</ret><message/></error>",
	 WX_EXIT_REFUSED, 0, "login refused (ret 1100): no reason given"},
	{NEWLOGINPAGE, 0, "<error><ret>0</ret><message>OK</message><skey>@c",
	 WX_EXIT_TEMP, 0, "webwxnewloginpage: truncated answer"},
	{NEWLOGINPAGE, 0, "<error><message>OK</message></error>", WX_EXIT_TEMP,
	 0, "webwxnewloginpage: no usable <ret> in the answer"},
	{NEWLOGINPAGE, 0, "<error><ret>0x</ret></error>", WX_EXIT_TEMP, 0,
	 "webwxnewloginpage: no usable <ret> in the answer"},
	{NEWLOGINPAGE, 0, "<error><ret>99999999999999999999</ret></error>",
	 WX_EXIT_TEMP, 0, "webwxnewloginpage: no usable <ret> in the answer"},
	{NEWLOGINPAGE, 0, "<error><ret>1205</ret><message>slow</message></error>",
	 WX_EXIT_TEMP, 0, "login refused (ret 1205): slow"},
	{NEWLOGINPAGE, 0, "<error><ret>-1</ret></error>",
	 WX_EXIT_REFUSED, 0, "login refused (ret -1): no reason given"},
	{NEWLOGINPAGE, 0, "<error><ret>0</ret><skey>@a</skey><wxsid>s</wxsid>"
	 "<wxuin>12345678901</wxuin><pass_ticket>p</pass_ticket></error>",
	 WX_EXIT_TEMP, 0, "webwxnewloginpage: malformed credentials"},
	{NEWLOGINPAGE, 0, "<error><ret>0</ret><skey>@a</skey><wxsid>s</wxsid>"
	 "<wxuin>1</wxuin><pass_ticket>p&amp;q</pass_ticket></error>",
	 WX_EXIT_TEMP, 0, "webwxnewloginpage: malformed credentials"},
	{NEWLOGINPAGE, 0, "<error><ret>0</ret><skey>@a</skey><wxsid>s</wxsid>"
	 "<pass_ticket>p</pass_ticket></error>", WX_EXIT_TEMP, 0,
	 "webwxnewloginpage: malformed credentials"},
	{NEWLOGINPAGE, 0, "<html><body>502 Bad Gateway</body></html>",
	 WX_EXIT_TEMP, 0, "webwxnewloginpage: malformed answer"},
	{NEWLOGINPAGE, 0, "&lt;error&gt;&lt;ret&gt;1203&lt;/ret&gt;",
	 WX_EXIT_REFUSED, 0, "login refused (HTML page): no reason given"},
	{NEWLOGINPAGE, 0, 0, WX_EXIT_TEMP, 0,
	 "webwxnewloginpage: malformed answer"},
};

static void
check_all(const struct want *t, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		check(&t[i]);
}

/* Every field of a good answer, not only the one check() looks at. */
static void
test_fields(void)
{
	struct wx_login l = {0};
	size_t len;
	char *b = slurp("webwxnewloginpage-wechat4u-1.xml", &len);

	is_int(wx_parse_newloginpage(b, &l), 0, "wechat4u: parsed");
	is_int(l.ret, 0, "wechat4u: ret");
	is_str(l.wxsid, "PsWd4FvKROR5EVcG", "wechat4u: wxsid");
	is_str(l.wxuin, "155217200", "wechat4u: wxuin");
	is_str(l.pass_ticket, "VgRra8tyYbvfTTS3LVlIHdFob0XowE6%2BZV9X1PB9w9w%3D",
	       "wechat4u: pass_ticket stays percent-encoded");
	ok(!l.why && !l.html, "wechat4u: no verdict");
	wx_login_free(&l);
	free(b);

	b = slurp("webwxnewloginpage-puppetwechat-2.html", &len);
	wx_parse_newloginpage(b, &l);
	ok(l.html && l.ret == 1203 && !l.skey, "HTML refusal: html, ret 1203");
	is_str(l.msg, "当前登录环境异常。为了你的帐号安全，暂时不能登录web微信。"
	       "你可以通过Windows微信、Mac微信或者手机客户端微信登录。",
	       "HTML refusal: message decoded");
	wx_login_free(&l);
	free(b);

	b = slurp("webwxpushloginurl-WeixinBot_204-1.json", &len);
	wx_parse_pushlogin(b, len, &l);
	ok(l.ret == 1 && l.msg && strcmp(l.msg, "args error") == 0,
	   "pushlogin refusal: ret and msg");
	wx_login_free(&l);
	free(b);
}

/* The 408/201 polls: their code, and the avatar slice of a 201. */
static void
test_poll_codes(void)
{
	static const struct {
		const char *sample;
		int code;
		const char *avatar;
	} t[] = {
		{"login-qwx-1.txt", 201, NULL},
		{"login-vbot_201-1.txt", 201, NULL},
		{"login-wechat4u-1.txt", 201, NULL},
		{"login-wechatgo-1.txt", 201, NULL},  /* 'data:img/jpg' only */
		{"login-weixinHttp-1.txt", 408, NULL},
		{"login-weixinHttp-2.txt", 201, "/9j/4AAQSkZJRgABAQEASABIAAD......"},
		{"login-wwdk-2.txt", 201, "iVBORw..."},
	};
	struct wx_login l = {0};
	char name[96], *b, *av;
	size_t i, len;

	for (i = 0; i < sizeof t / sizeof *t; i++) {
		b = slurp(t[i].sample, &len);
		snprintf(name, sizeof name, "%s: code %d", t[i].sample, t[i].code);
		ok(wx_parse_loginpoll(b, &l) == 0 && l.code == t[i].code &&
		   !l.redirect_uri, name);
		av = l.avatar ? wx_strndup(l.avatar, l.avatar_len) : NULL;
		snprintf(name, sizeof name, "%s: avatar", t[i].sample);
		is_str(av, t[i].avatar, name);
		free(av);
		wx_login_free(&l);
		free(b);
	}
	ok(wx_parse_loginpoll("window.code=400;", &l) == 0 && l.code == 400,
	   "400: expired, for the command to tell");
	wx_login_free(&l);
	ok(wx_parse_loginpoll("window.code=202;", &l) == 0 && l.code == 202,
	   "202: cancelled, for the command to tell");
	wx_login_free(&l);
}

/* A cut answer never passes with another value than the whole one: every
 * prefix of a good sample is refused, malformed, or parses the same. */
static void
truncations(enum kind k, const char *sample)
{
	struct wx_login whole = {0}, l = {0};
	size_t len, n, same = 0, wrong = 0;
	char *b = slurp(sample, &len), *cut, name[128];

	parse(k, b, len, &whole);
	for (n = 0; n < len; n++) {
		cut = wx_strndup(b, n);
		if (parse(k, cut, n, &l) == 0) {
			same++;
			if (strcmp(value(k, &l), value(k, &whole)) != 0)
				wrong++;
		}
		wx_login_free(&l);
		free(cut);
	}
	snprintf(name, sizeof name, "%s: no prefix parses differently", sample);
	ok(wrong == 0 && value(k, &whole), name);
	snprintf(name, sizeof name, "%s: at most the final bytes can go", sample);
	ok(same <= 2, name);
	wx_login_free(&whole);
	free(b);
}

static void
test_truncations(void)
{
	truncations(JSLOGIN, "jslogin-ItChat-1.txt");
	truncations(PUSHLOGIN, "webwxpushloginurl-goitchat-1.json");
	truncations(LOGINPOLL, "login-weixinHttp-3.recon.txt");
	truncations(LOGINPOLL, "login-wechat4u-2.txt");
	truncations(NEWLOGINPAGE, "webwxnewloginpage-wechat4u-1.xml");
	truncations(NEWLOGINPAGE, "webwxnewloginpage-MojoWeixin-1.xml");
}

/* Bytes no server sends: every parser gives a verdict, none a value. */
static void
test_garbage(void)
{
	static const char junk[] = "\x01\xff\xfe<error\0<ret>0</ret>";
	struct wx_login l = {0};
	int k, rc, bad = 0;

	for (k = JSLOGIN; k <= NEWLOGINPAGE; k++) {
		rc = parse((enum kind)k, junk, sizeof junk - 1, &l);
		bad += rc == 0 || !l.why;
		wx_login_free(&l);
	}
	is_int(bad, 0, "garbage: every parser says malformed");
	ok(wx_skey_sane("@crypt_8e4ad7fa_27") && !wx_skey_sane("") &&
	   !wx_skey_sane("a;b") && !wx_skey_sane(NULL), "skey_sane");
}

int
main(void)
{
	check_all(jslogin, sizeof jslogin / sizeof *jslogin);
	check_all(pushlogin, sizeof pushlogin / sizeof *pushlogin);
	check_all(loginpoll, sizeof loginpoll / sizeof *loginpoll);
	check_all(newloginpage, sizeof newloginpage / sizeof *newloginpage);
	test_fields();
	test_poll_codes();
	test_truncations();
	test_garbage();
	return tap_done();
}
