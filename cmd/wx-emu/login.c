/* login.c — the login phase, byte for byte (protocol.md §4, §12.2–12.4):
 * the web home page, jslogin, the QR image, the login long poll,
 * webwxnewloginpage with its cookies, and push login. */
#include <stdlib.h>
#include <string.h>

#include "emu.h"

#define TICKET_LIFE 300         /* redirect_uri usable after confirm (§4.4) */
#define COOKIE_LIFE 43200       /* 12 h */
#define COOKIE_LONG (3650L * 86400)

/* window.userAvatar: an 8x8 grey baseline JPEG made for wx-emu (141 B). */
static const char AVATAR[] =
	"/9j/2wBDAAEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEB"
	"AQEBAQEBAQEBAQEBAQEBAQEBAQH/wAALCAAIAAgBAREA/8QAFAABAAAAAAAAAAAAAAAAAAAA"
	"AP/EABQQAQAAAAAAAAAAAAAAAAAAAAD/2gAIAQEAAD8AP//Z";

/* §4.4 table, text (a): the refusal a 1203 fault gives. */
static const char REFUSED_1203[] =
	"当前登录环境异常。为了你的帐号安全，暂时不能登录web微信。"
	"你可以通过手机客户端或者windows微信登录。";
/* text (h): what an unknown, used or stale ticket gets (our choice). */
static const char REFUSED_TICKET[] = "登录失败。";

static const char *
lang_of(const struct emu_req *r)
{
	const char *lang = emu_arg(r, "lang");

	return lang && *lang && strlen(lang) < 16 ? lang : "zh_CN";
}

/* Parent domain for the cookies shared by every host of the family:
 * ".qq.com" (§3.6), ".wechat.com" for the overseas hosts. */
static const char *
shared_domain(const char *web)
{
	return strstr(web, "wechat.com") ? ".wechat.com" : ".qq.com";
}

void
emu_home(struct emu_req *r, struct emu_resp *w)
{
	emu_resp_header(w, "Content-Type", "text/html; charset=utf-8");
	emu_set_cookie(w, "mm_lang", lang_of(r), r->host, COOKIE_LIFE);
	w->sts = 1;
	w->may_gzip = 1;
	wx_buf_addf(&w->body,
	            "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">\n"
	            "<title>微信网页版</title></head>\n<body>\n<p>wx-emu: a "
	            "local Web WeChat server for tests. This page stands in for "
	            "the web client of https://%s/; clients log in through "
	            "https://login.%s/jslogin and the QR code of "
	            "https://login.weixin.qq.com/qrcode/&lt;uuid&gt;.</p>\n"
	            "</body></html>\n", r->host, r->host);
}

void
emu_jslogin(struct emu_req *r, struct emu_resp *w)
{
	const char *uri = emu_arg(r, "redirect_uri"), *mod = emu_arg(r, "mod");
	int desktop = (uri && strstr(uri, "mod=desktop")) ||
	              (mod && strcmp(mod, "desktop") == 0);
	struct emu_login *l;

	/* The account lives on -w's host whatever the page asked for, as
	 * the real server sends wx2 accounts to wx2 (protocol.md §4.1). */
	l = emu_login_new(emu_opt.web, lang_of(r), desktop);
	emu_resp_js(w);
	emu_resp_header(w, "Content-Type", "text/html; charset=gbk");
	emu_resp_header(w, "Cache-Control", "no-cache, must-revalidate");
	wx_buf_addf(&w->body, "window.QRLogin.code = 200; "
	            "window.QRLogin.uuid = \"%s\";", l->uuid);
}

/* ---- the QR image, a JPEG like the real one ---- */

/* Bit writer for JPEG entropy-coded data: MSB first, 0xFF stuffed. */
struct bitw {
	struct wx_buf *b;
	unsigned acc;
	int n;
};

static void
put_bits(struct bitw *o, unsigned v, int n)
{
	while (n-- > 0) {
		o->acc = (o->acc << 1) | ((v >> n) & 1);
		if (++o->n == 8) {
			wx_buf_addc(o->b, (char)o->acc);
			if ((o->acc & 0xFF) == 0xFF)
				wx_buf_addc(o->b, 0);
			o->acc = 0;
			o->n = 0;
		}
	}
}

static void
put_segment(struct wx_buf *b, int marker, const unsigned char *p, size_t n)
{
	unsigned char head[4] = { 0xFF, (unsigned char)marker,
	                          (unsigned char)((n + 2) >> 8),
	                          (unsigned char)(n + 2) };

	wx_buf_add(b, head, 4);
	wx_buf_add(b, p, n);
}

/* Baseline greyscale JPEG of qr, one 8x8 block per module (4 modules of
 * quiet zone).  Every block is flat black or white, so its DC value alone
 * is the picture and the Huffman tables need only the DC differences that
 * occur (0, 127 for the first white block, ±255) and an EOB. */
static void
qr_jpeg(const struct wx_qr *qr, struct wx_buf *b)
{
	static const unsigned char dht_dc[] = {
		0x00, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 8, 7,
	};      /* codes 0 -> cat 0, 10 -> cat 8, 110 -> cat 7 (never all 1s) */
	static const unsigned char dht_ac[] = {
		0x10, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x00,
	};                      /* code 0 -> EOB */
	static const unsigned char sos[] = { 1, 1, 0x00, 0, 63, 0 };
	int side = qr->width + 8, px = side * 8, pred = 0;
	unsigned char dqt[65] = { 0x00, 8 }, sof[] = {
		8, (unsigned char)(px >> 8), (unsigned char)px,
		(unsigned char)(px >> 8), (unsigned char)px, 1, 1, 0x11, 0,
	};
	struct bitw o = { b, 0, 0 };
	int i;
	int y;
	int x;

	for (i = 2; i < 65; i++)
		dqt[i] = 1;
	wx_buf_add(b, "\xFF\xD8", 2);
	put_segment(b, 0xDB, dqt, sizeof dqt);
	put_segment(b, 0xC0, sof, sizeof sof);
	put_segment(b, 0xC4, dht_dc, sizeof dht_dc);
	put_segment(b, 0xC4, dht_ac, sizeof dht_ac);
	put_segment(b, 0xDA, sos, sizeof sos);
	for (y = 0; y < side; y++) {
		for (x = 0; x < side; x++) {
			int mx = x - 4, my = y - 4;
			int dark = mx >= 0 && my >= 0 && mx < qr->width &&
			           my < qr->width && qr->dark[my * qr->width + mx];
			int dc = dark ? -128 : 127, d = dc - pred;  /* pixel 0 / 255 */
			pred = dc;
			if (d == 0)
				put_bits(&o, 0x0, 1);
			else if (d == 127)
				put_bits(&o, 0x6, 3), put_bits(&o, 127, 7);
			else
				put_bits(&o, 0x2, 2), put_bits(&o, d > 0 ? 255 : 0, 8);
			put_bits(&o, 0x0, 1);           /* EOB */
		}
	}
	while (o.n)
		put_bits(&o, 1, 1);
	wx_buf_add(b, "\xFF\xD9", 2);
}

/* The QR of https://login.weixin.qq.com/l/<uuid>, as image/jpeg (§4.2). */
void
emu_qrcode(struct emu_req *r, struct emu_resp *w)
{
	const char *uuid = r->path + strlen("/qrcode/");
	struct wx_qr qr;
	char *text;

	if (!emu_login_find(uuid)) {
		w->status = 404;
		emu_resp_header(w, "Content-Type", "text/plain");
		wx_buf_adds(&w->body, "no such uuid\n");
		return;
	}
	text = wx_asprintf("https://login.weixin.qq.com/l/%s", uuid);
	if (wx_qr_encode(text, &qr) < 0) {
		w->status = 500;
	} else {
		emu_resp_header(w, "Content-Type", "image/jpeg");
		qr_jpeg(&qr, &w->body);
		wx_qr_free(&qr);
	}
	free(text);
}

/* ---- login poll ---- */

static void
poll_answer(struct emu_req *r, struct emu_resp *w,
            struct emu_login *l)
{
	const char *icon = emu_arg(r, "loginicon");

	switch (l->state) {
	case EMU_SCANNED:
		l->told = 1;
		wx_buf_adds(&w->body, "window.code=201;");
		if (icon && strcmp(icon, "true") == 0)
			wx_buf_addf(&w->body, "window.userAvatar = "
			            "'data:img/jpg;base64,%s';", AVATAR);
		break;
	case EMU_CONFIRMED:
		wx_buf_addf(&w->body, "window.code=200;\nwindow.redirect_uri="
		            "\"https://%s/cgi-bin/mmwebwx-bin/webwxnewloginpage?"
		            "ticket=%s&uuid=%s&lang=%s&scan=%lld\";", l->web,
		            l->ticket, l->uuid, l->lang, (long long)l->confirmed);
		break;
	case EMU_CANCELLED:
		wx_buf_adds(&w->body, "window.code=202;");
		break;
	default:
		wx_buf_adds(&w->body, "window.code=400;");
		break;
	}
}

/* -a: the phone scans on the first poll and confirms on the next. */
static void
autoconfirm(struct emu_login *l)
{
	if (!emu_opt.autoconfirm)
		return;
	if (l->state == EMU_WAITING)
		emu_login_scan(l);
	else if (l->state == EMU_SCANNED && l->told)
		emu_login_confirm(l);
}

void
emu_loginpoll(struct emu_req *r, struct emu_resp *w)
{
	const char *uuid = emu_arg(r, "uuid");
	struct timespec deadline = emu_hold_deadline();
	struct emu_login *l = emu_login_find(uuid);

	emu_resp_js(w);
	if (l) {
		l->polls++;
		autoconfirm(l);
	}
	/* Re-find after every wait: the ring may have reused the slot.  A
	 * scan already told is held too, then told again (as ItChat's
	 * once-only "press confirm" message expects), never a hot loop. */
	while ((l = emu_login_find(uuid)) &&
	       (l->state == EMU_WAITING ||
	        (l->state == EMU_SCANNED && l->told))) {
		if (emu_wait(&deadline) < 0)
			break;
	}
	if (l && l->state == EMU_WAITING) {
		wx_buf_adds(&w->body, "window.code=408;");
		return;
	}
	if (!l)
		wx_buf_adds(&w->body, "window.code=400;");
	else
		poll_answer(r, w, l);
}

/* ---- webwxnewloginpage ---- */

static void
xml_refusal(struct emu_resp *w, int ret, const char *text)
{
	wx_buf_addf(&w->body, "<error><ret>%d</ret><message>%s</message>"
	            "</error>", ret, text);
}

/* The confirmed login whose ticket this is, still fresh; else NULL. */
static struct emu_login *
ticket_login(const struct emu_req *r)
{
	const char *ticket = emu_arg(r, "ticket");
	struct emu_login *l = emu_login_find(emu_arg(r, "uuid"));

	if (!ticket || !l || l->state != EMU_CONFIRMED ||
	    strcmp(ticket, l->ticket) != 0 ||
	    time(NULL) - l->confirmed > TICKET_LIFE)
		return NULL;
	return l;
}

/* §3.6 in order; the desktop 301 adds wxuin for the parent domain. */
static void
session_cookies(struct emu_resp *w, const struct emu_session *s,
                const char *lang, int desktop301)
{
	const char *d = s->web, *shared = shared_domain(s->web);
	long skew = (long)(s->loadtime - time(NULL));  /* count from wxloadtime */
	char uin[16], load[24];

	snprintf(uin, sizeof uin, "%u", s->uin);
	snprintf(load, sizeof load, "%lld", (long long)s->loadtime);
	emu_set_cookie(w, "wxuin", uin, d, COOKIE_LIFE + skew);
	emu_set_cookie(w, "wxsid", s->sid, d, COOKIE_LIFE + skew);
	emu_set_cookie(w, "wxloadtime", load, d, COOKIE_LIFE + skew);
	emu_set_cookie(w, "mm_lang", lang, d, COOKIE_LIFE + skew);
	if (desktop301)
		emu_set_cookie(w, "wxuin", uin, shared, COOKIE_LIFE + skew);
	emu_set_cookie(w, "webwx_data_ticket", s->data_ticket, shared,
	               COOKIE_LIFE + skew);
	emu_set_cookie(w, "webwxuvid", s->uvid, d, COOKIE_LONG + skew);
	emu_set_cookie(w, "webwx_auth_ticket", s->auth_ticket, d,
	               COOKIE_LONG + skew);
}

void
emu_newloginpage(struct emu_req *r, struct emu_resp *w)
{
	const char *mod = emu_arg(r, "mod"), *version = emu_arg(r, "version");
	int desktop = mod && strcmp(mod, "desktop") == 0;
	int fault = emu_fault_ret(r);
	struct emu_login *l = fault ? NULL : ticket_login(r);
	struct emu_session *s;

	/* A UOS client may send redirect_uri back unchanged, without
	 * mod=desktop: the uuid remembers the mode its jslogin asked for, and
	 * wechat4u reads the credentials only from the 301 (§4.4). */
	desktop |= l && l->desktop;
	if (desktop && !(version && strcmp(version, "v2") == 0))
		w->status = 301;        /* without Location (§4.4) */
	emu_resp_header(w, "Content-Type", "text/plain;charset=utf-8");
	w->sts = 1;
	w->may_gzip = 1;
	if (!l) {
		const char *text = !fault ? REFUSED_TICKET
		                 : fault == 1203 ? REFUSED_1203 : "";
		xml_refusal(w, fault ? fault : 1203, text);
		return;
	}
	l->state = EMU_USED;
	l->desktop |= desktop;
	s = emu_session_new(l);
	session_cookies(w, s, lang_of(r), w->status == 301);
	wx_buf_addf(&w->body, "<error><ret>0</ret><message></message><skey>%s"
	            "</skey><wxsid>%s</wxsid><wxuin>%u</wxuin><pass_ticket>%s"
	            "</pass_ticket><isgrayscale>1</isgrayscale></error>",
	            s->skey, s->sid, s->uin, s->pass_ticket);
}

/* ---- webwxpushloginurl ---- */

void
emu_pushloginurl(struct emu_req *r, struct emu_resp *w)
{
	const char *uin = emu_arg(r, "uin"), *mod = emu_arg(r, "mod");
	const struct emu_session *last = emu_session_newest();
	char self[16];
	const char *web;
	struct emu_login *l;

	if (!uin || !*uin)
		uin = emu_cookie(r, "wxuin");
	snprintf(self, sizeof self, "%u", world.contacts[0].uin);
	emu_resp_header(w, "Content-Type", "text/plain");
	w->sts = r->role == EMU_WEB;
	if (!uin || strcmp(uin, self) != 0) {
		wx_buf_adds(&w->body, "{\"ret\":\"1\",\"msg\":\"args error\"}");
		return;
	}
	web = last ? last->web : r->family[0] ? r->family : emu_opt.web;
	l = emu_login_new(web, lang_of(r), mod && strcmp(mod, "desktop") == 0);
	emu_login_scan(l);      /* the phone shows its confirm prompt */
	if (emu_opt.autoconfirm)
		emu_login_confirm(l);   /* and -a presses it */
	wx_buf_addf(&w->body, "{\"ret\":\"0\",\"msg\":\"all ok\",\"uuid\":\"%s\"}",
	            l->uuid);
}
