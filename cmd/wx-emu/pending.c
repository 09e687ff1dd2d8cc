/* pending.c — TEMPORARY: weak stand-ins so wx-emu links before the other
 * engineers' files land (session.c, sync.c, media.c, lib/json.c,
 * lib/proto.c, lib/qr.c).  Their real definitions override these.  Every
 * stand-in answers 404 or fails; none pretends to work.  Delete this file
 * once main has them all. */
#include <stdlib.h>
#include <string.h>

#include "emu.h"

#define PENDING(fn) \
	__attribute__((weak)) void fn(struct emu_req *r, struct emu_resp *w) \
	{ (void)r; w->status = 404; }

PENDING(emu_webwxinit)
PENDING(emu_statusnotify)
PENDING(emu_getcontact)
PENDING(emu_batchgetcontact)
PENDING(emu_logout)
PENDING(emu_geticon)
PENDING(emu_synccheck)
PENDING(emu_webwxsync)
PENDING(emu_sendmsg)
PENDING(emu_uploadmedia)
PENDING(emu_revokemsg)
PENDING(emu_download)

/* lib stand-ins (lib/proto.c, lib/json.c not merged yet). */
__attribute__((weak)) int
wx_web_host_known(const char *host)
{
	static const char *const known[] = { "wx.qq.com", "wx2.qq.com",
		"wx8.qq.com", "web.wechat.com", "web2.wechat.com" };

	for (size_t i = 0; i < 5; i++)
		if (strcmp(host, known[i]) == 0)
			return 1;
	return 0;
}

__attribute__((weak)) char *
wx_urldecode(const char *s)
{
	char *out = wx_malloc(strlen(s) + 1), *o = out;

	for (; *s; s++) {
		unsigned v;
		if (*s == '%' && sscanf(s + 1, "%2x", &v) == 1 && s[1] && s[2]) {
			*o++ = (char)v;
			s += 2;
		} else
			*o++ = *s;
	}
	*o = '\0';
	return out;
}

__attribute__((weak)) void
wx_json_put_str(struct wx_buf *b, const char *s, size_t n)
{
	wx_buf_addc(b, '"');
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '"' || c == '\\')
			wx_buf_addf(b, "\\%c", c);
		else if (c < 0x20)
			wx_buf_addf(b, "\\u%04x", c);
		else
			wx_buf_addc(b, (char)c);
	}
	wx_buf_addc(b, '"');
}

__attribute__((weak)) void
wx_json_put_strz(struct wx_buf *b, const char *s)
{
	wx_json_put_str(b, s, strlen(s));
}

__attribute__((weak)) struct wx_json *
wx_json_parse(const char *text, size_t len, char *err, size_t errlen)
{
	(void)text;
	(void)len;
	snprintf(err, errlen, "lib/json.c not merged yet");
	return NULL;
}

__attribute__((weak)) void
wx_json_free(struct wx_json *j)
{
	(void)j;
}

__attribute__((weak)) char *
wx_json_getstr(const struct wx_json *j, int tok, const char *path)
{
	(void)j;
	(void)tok;
	(void)path;
	return NULL;
}

__attribute__((weak)) int
wx_json_get(const struct wx_json *j, int tok, const char *path)
{
	(void)j;
	(void)tok;
	(void)path;
	return -1;
}

__attribute__((weak)) int
wx_json_int(const struct wx_json *j, int tok, long long *out)
{
	(void)j;
	(void)tok;
	(void)out;
	return -1;
}

/* lib/qr.c not merged yet. */
__attribute__((weak)) int
wx_qr_encode(const char *text, struct wx_qr *qr)
{
	(void)text;
	(void)qr;
	return -1;
}

__attribute__((weak)) int
wx_qr_png(const struct wx_qr *qr, int scale, struct wx_buf *b)
{
	(void)qr;
	(void)scale;
	(void)b;
	return -1;
}

__attribute__((weak)) void
wx_qr_free(struct wx_qr *qr)
{
	(void)qr;
}
