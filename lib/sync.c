/* sync.c — the two steps of receiving (protocol.md §5.5, §5.6): the
 * synccheck long poll on the push host, which says whether something is
 * pending, and webwxsync on the web host, which delivers it. */
#include <stdlib.h>
#include <string.h>

#include "wx.h"

/* A synccheck answer is 43 to 46 bytes; anything much longer is not one. */
#define CHECK_MAX 256
/* The server holds a poll ~25 s; RC gives up after 35 s, others 60. */
#define POLL_SECONDS 40

static const char *
skip_space(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
		p++;
	return p;
}

/* key:"-123" (the key may be quoted too); the value into *v. */
static const char *
member(const char *p, const char *end, char *key, size_t keymax,
       long long *v)
{
	size_t n = 0;
	int quoted = p < end && *p == '"', neg = 0, digits = 0;

	p += quoted;
	while (p < end && n + 1 < keymax && ((*p >= 'a' && *p <= 'z') ||
	       (*p >= 'A' && *p <= 'Z')))
		key[n++] = *p++;
	key[n] = '\0';
	if (quoted && (p >= end || *p++ != '"'))
		return NULL;
	p = skip_space(p, end);
	if (n == 0 || p >= end || *p++ != ':')
		return NULL;
	p = skip_space(p, end);
	if (p >= end || *p++ != '"')
		return NULL;
	if (p < end && *p == '-') {
		neg = 1;
		p++;
	}
	for (*v = 0; p < end && *p >= '0' && *p <= '9' && digits < 9; p++, digits++)
		*v = *v * 10 + (*p - '0');
	if (!digits || p >= end || *p++ != '"')
		return NULL;
	if (neg)
		*v = -*v;
	return p;
}

int
wx_parse_synccheck(const char *body, size_t n, struct wx_check *c)
{
	static const char head[] = "window.synccheck";
	const char *p = body, *end = body + n;
	char key[16];
	long long v;
	int got = 0;

	if (!body || n > CHECK_MAX)
		return -1;
	p = skip_space(p, end);
	if ((size_t)(end - p) < sizeof head - 1 ||
	    memcmp(p, head, sizeof head - 1) != 0)
		return -1;
	p = skip_space(p + sizeof head - 1, end);
	if (p >= end || *p++ != '=')
		return -1;
	p = skip_space(p, end);
	if (p >= end || *p++ != '{')
		return -1;
	for (;;) {
		p = skip_space(p, end);
		if (!(p = member(p, end, key, sizeof key, &v)))
			return -1;
		if (strcmp(key, "retcode") == 0 && !(got & 1)) {
			c->retcode = v;
			got |= 1;
		} else if (strcmp(key, "selector") == 0 && !(got & 2)) {
			c->selector = v;
			got |= 2;
		}
		p = skip_space(p, end);
		if (p < end && *p == ',') {
			p++;
			continue;
		}
		if (p >= end || *p++ != '}')
			return -1;
		break;
	}
	p = skip_space(p, end);
	if (p < end && *p == ';')
		p = skip_space(p + 1, end);
	return got == 3 && p == end ? 0 : -1;
}

int
wx_synccheck_exit(long long retcode)
{
	switch (retcode) {
	case 0:
		return WX_EXIT_OK;
	case 1100:
		wx_warn("synccheck: logged out (1100): the phone ended the "
		        "web session");
		return WX_EXIT_REFUSED;
	case 1101:
		wx_warn("synccheck: logged out (1101): logged in elsewhere, or "
		        "the session was ended");
		return WX_EXIT_REFUSED;
	case 1102:
		wx_warn("synccheck: logged out (1102): the session or its "
		        "cookies are no longer valid");
		return WX_EXIT_REFUSED;
	case 1205:
		wx_warn("synccheck: too frequent (1205); try later");
		return WX_EXIT_TEMP;
	default:
		wx_warn("synccheck: retcode %lld; try later", retcode);
		return WX_EXIT_TEMP;
	}
}

/* The synccheck URL, built in one buffer: an idle follow asks for one
 * a cycle, back to back. */
static void
check_url(const struct wx_sess *s, const char *checkkey, struct wx_buf *u)
{
	char dev[17];

	wx_device_id(dev, s->mode);
	wx_buf_cgi_url(u, s->push_host, "synccheck");
	wx_buf_addf(u, "?r=%lld&skey=", wx_now_ms());
	wx_buf_urlencode(u, s->skey);
	wx_buf_adds(u, "&sid=");
	wx_buf_urlencode(u, s->sid);
	wx_buf_addf(u, "&uin=%s&deviceid=%s&synckey=", s->uin, dev);
	wx_buf_urlencode(u, checkkey);
	if (s->mode == WX_MODE_FILEHELPER)
		/* The appid in the query, and no "_" (filehelper.md §4: CAP). */
		wx_buf_addf(u, "&mmweb_appid=%s", wx_fh.appid);
	else
		wx_buf_addf(u, "&_=%lld", wx_now_ms());
}

int
wx_synccheck(struct wx_sess *s, const char *checkkey, struct wx_check *c)
{
	struct wx_buf url = {0};
	struct wx_resp r = {0};
	int rc;

	check_url(s, checkkey, &url);
	wx_http_timeout(s->h, POLL_SECONDS);
	rc = wx_http_get(s->h, url.p, &r);
	wx_http_timeout(s->h, 0);
	if (rc == 0 && wx_parse_synccheck(r.body.p, r.body.len, c) < 0) {
		wx_warn("synccheck: malformed answer");
		rc = WX_EXIT_TEMP;
	}
	wx_resp_free(&r);
	wx_buf_free(&url);
	return rc;
}

int
wx_webwxsync(struct wx_sess *s, const char *synckey, struct wx_json **out,
             long long *ret)
{
	struct wx_synckey sk;
	struct wx_buf body = {0};
	char *query;
	int rc;

	*out = NULL;
	*ret = 0;
	if (wx_synckey_parse(synckey, &sk) < 0) {
		wx_warn("%s/session: bad synckey; run wx-init again", s->dir);
		return WX_EXIT_USAGE;
	}
	wx_sess_body(s, &body);
	wx_buf_adds(&body, ",\"SyncKey\":");
	wx_synckey_json(&sk, &body);
	wx_buf_addf(&body, ",\"rr\":%lld}", wx_stamp_r());
	query = wx_asprintf("sid=%s&skey=%s&lang=zh_CN&pass_ticket=%s", s->sid,
	                    s->skey, s->pass_ticket);
	rc = wx_cgi_post_ret(s->h, s->host, "webwxsync", query, &body, out, ret);
	if (rc != 0) {
		wx_json_free(*out);
		*out = NULL;
	}
	free(query);
	wx_buf_free(&body);
	return rc;
}
