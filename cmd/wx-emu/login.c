/* login.c — the login phase, byte for byte (protocol.md §4, §12.2–12.4):
 * the web home page, jslogin, the QR image, the login long poll,
 * webwxnewloginpage with its cookies, and push login. */
#include <stdio.h>              /* before jpeglib.h, which needs FILE */
#include <stdlib.h>
#include <string.h>

#include <jpeglib.h>

#include "emu.h"

#define TICKET_LIFE 300         /* redirect_uri usable after confirm (§4.4) */
#define COOKIE_LIFE 43200       /* 12 h */
#define COOKIE_LONG (3650L * 86400)

#define QR_SCALE 8               /* pixels a module */
#define QR_QUIET 4               /* modules of quiet zone */
#define AVATAR_SIDE 8            /* window.userAvatar: a small grey square */

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

void
emu_home(struct emu_req *r, struct emu_resp *w)
{
	struct wx_hosts hosts;

	/* login.<host> for the web hosts; an entry host's own (lib/mode.c) */
	if (wx_hosts_for(r->host, &hosts) < 0)
		hosts.login[0] = '\0';         /* a served host always has one */
	emu_resp_header(w, "Content-Type", "text/html; charset=utf-8");
	emu_set_cookie(w, "mm_lang", lang_of(r), r->host, COOKIE_LIFE);
	w->sts = 1;
	w->may_gzip = 1;
	wx_buf_addf(&w->body,
	            "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">\n"
	            "<title>微信网页版</title></head>\n<body>\n<p>wx-emu: a "
	            "local Web WeChat server for tests. This page stands in for "
	            "the web client of https://%s/; clients log in through "
	            "https://%s/jslogin and the QR code of "
	            "https://login.weixin.qq.com/qrcode/&lt;uuid&gt;.</p>\n"
	            "</body></html>\n", r->host, hosts.login);
}

void
emu_jslogin(struct emu_req *r, struct emu_resp *w)
{
	const char *uri = emu_arg(r, "redirect_uri"), *mod = emu_arg(r, "mod");
	int desktop = (uri && strstr(uri, "mod=desktop")) ||
	              (mod && strcmp(mod, "desktop") == 0);
	char *entry = NULL;
	struct emu_login *l;

	/* -F: the app's appid and an entry host in redirect_uri, which then
	 * is the session's host (filehelper.md §3.1); else the 400 of a bad
	 * request, as the control API gives (no capture of the real one). */
	if (emu_fh_lacks(r, EMU_FH_APPID)) {
		emu_resp_text(w, 400, "bad appid\n");
		return;
	}
	if (emu_opt.filehelper && !(entry = emu_fh_entry(uri))) {
		emu_resp_text(w, 400, "bad redirect_uri\n");
		return;
	}
	/* The account lives on -w's host whatever the page asked for, as
	 * the real server sends wx2 accounts to wx2 (protocol.md §4.1). */
	l = emu_login_new(entry ? entry : emu_opt.web, lang_of(r), desktop);
	free(entry);
	emu_resp_js(w);
	emu_resp_header(w, "Content-Type", "text/html; charset=gbk");
	emu_resp_header(w, "Cache-Control", "no-cache, must-revalidate");
	wx_buf_addf(&w->body, "window.QRLogin.code = 200; "
	            "window.QRLogin.uuid = \"%s\";", l->uuid);
}

/* ---- JPEG images: the QR code and the scanner's avatar ---- */

/* libjpeg errors are out of memory or our own misuse: nothing to serve. */
_Noreturn static void
jpeg_died(j_common_ptr c)
{
	char msg[JMSG_LENGTH_MAX];

	c->err->format_message(c, msg);
	wx_die(WX_EXIT_TEMP, "libjpeg: %s", msg);
}

/* Baseline greyscale JPEG of a side x side picture (a byte a pixel). */
static void
grey_jpeg(const unsigned char *px, unsigned side, struct wx_buf *b)
{
	struct jpeg_compress_struct c;
	struct jpeg_error_mgr err;
	unsigned char *out = NULL;
	unsigned long len = 0;
	JSAMPROW row;

	c.err = jpeg_std_error(&err);
	err.error_exit = jpeg_died;
	jpeg_create_compress(&c);
	jpeg_mem_dest(&c, &out, &len);
	c.image_width = c.image_height = side;
	c.input_components = 1;
	c.in_color_space = JCS_GRAYSCALE;
	jpeg_set_defaults(&c);
	jpeg_set_quality(&c, 90, TRUE);
	jpeg_start_compress(&c, TRUE);
	while (c.next_scanline < c.image_height) {
		row = (JSAMPROW)(px + (size_t)c.next_scanline * side);
		jpeg_write_scanlines(&c, &row, 1);
	}
	jpeg_finish_compress(&c);
	jpeg_destroy_compress(&c);
	wx_buf_add(b, out, len);
	free(out);
}

/* qr as a JPEG: black modules of QR_SCALE pixels on white, with a quiet
 * zone, as the real server's image (§4.2) is. */
void
emu_qr_jpeg(const struct wx_qr *qr, struct wx_buf *b)
{
	unsigned side = (unsigned)(qr->width + 2 * QR_QUIET) * QR_SCALE;
	unsigned char *px = wx_calloc((size_t)side * side, 1);
	unsigned x, y;
	int mx, my;

	for (y = 0; y < side; y++) {
		for (x = 0; x < side; x++) {
			mx = (int)(x / QR_SCALE) - QR_QUIET;
			my = (int)(y / QR_SCALE) - QR_QUIET;
			px[y * side + x] = mx >= 0 && my >= 0 && mx < qr->width &&
			    my < qr->width && qr->dark[my * qr->width + mx] ? 0 : 255;
		}
	}
	grey_jpeg(px, side, b);
	free(px);
}

/* The avatar of a 201 answer: base64 of a grey JPEG square. */
static void
avatar_base64(struct wx_buf *b)
{
	static const char B64[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	unsigned char px[AVATAR_SIDE * AVATAR_SIDE];
	struct wx_buf jpg = {0};
	const unsigned char *p;
	unsigned long v;
	size_t i, k;

	memset(px, 0x80, sizeof px);
	grey_jpeg(px, AVATAR_SIDE, &jpg);
	p = (const unsigned char *)jpg.p;
	for (i = 0; i < jpg.len; i += 3) {
		v = (unsigned long)p[i] << 16;
		if (i + 1 < jpg.len)
			v |= (unsigned long)p[i + 1] << 8;
		if (i + 2 < jpg.len)
			v |= p[i + 2];
		for (k = 0; k < 4; k++)
			wx_buf_addc(b, i + k <= jpg.len ?
			            B64[v >> (18 - 6 * k) & 63] : '=');
	}
	wx_buf_free(&jpg);
}

/* The QR of https://login.weixin.qq.com/l/<uuid>, as image/jpeg (§4.2). */
void
emu_qrcode_of(const char *uuid, struct emu_resp *w)
{
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
		emu_qr_jpeg(&qr, &w->body);
		wx_qr_free(&qr);
	}
	free(text);
}

void
emu_qrcode(struct emu_req *r, struct emu_resp *w)
{
	emu_qrcode_of(r->path + strlen("/qrcode/"), w);
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
		if (icon && strcmp(icon, "true") == 0) {
			wx_buf_adds(&w->body, "window.userAvatar = "
			            "'data:img/jpg;base64,");
			avatar_base64(&w->body);
			wx_buf_adds(&w->body, "';");
		}
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
	/* -F: a poll without &appid= is answered as an unknown uuid's, and
	 * the login goes on (no capture of the real refusal). */
	if (emu_fh_lacks(r, EMU_FH_APPID)) {
		wx_buf_adds(&w->body, "window.code=400;");
		return;
	}
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
	const char *shared = emu_shared_domain(s->web);
	/* -F: every cookie for .qq.com, as the entry host's cookies must
	 * reach its file host (file.wx.qq.com is not under
	 * filehelper.weixin.qq.com) and MT's init on the other entry host
	 * needs (filehelper.md §3.3; no capture of the attributes). */
	const char *d = emu_opt.filehelper ? shared : s->web;
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
	struct emu_login *l;
	struct emu_session *s;

	/* -F: an XHR of the page, refused without the app's header, Ret 1
	 * as the other XHRs; the ticket stays usable (wx-emu(1)). */
	if (!fault && emu_fh_lacks(r, EMU_FH_HEADER))
		fault = 1;
	l = fault ? NULL : ticket_login(r);
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
