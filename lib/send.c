/* send.c — the send requests of protocol.md §6: webwxsendmsg (text),
 * webwxsendmsgimg, webwxsendvideomsg, webwxsendemoticon, webwxsendappmsg,
 * each {BaseRequest, Msg, Scene 0} with LocalID = ClientMsgId (§6.1),
 * and the retries a send may make: the same LocalID again, which the
 * server takes as a resend of the same message (RC does this). */
#include <stdlib.h>
#include <string.h>

#include "wx.h"

#define LEN(a) (sizeof (a) / sizeof *(a))

/* 1205 backs off this long before each next try, then gives up. */
static const int busy_wait[] = { 2000, 4000, 8000 };
/* A request without an answer is sent again after these. */
static const int lost_wait[] = { 1000, 2000 };

/* Per kind: the CGI, its query before lang=…, Msg.Type. */
static const struct kind {
	const char *cgi, *query;
	int type;
} kinds[] = {
	[WX_SEND_TEXT] = { "webwxsendmsg", "", 1 },
	[WX_SEND_IMAGE] = { "webwxsendmsgimg", "fun=async&f=json&", 3 },
	[WX_SEND_VIDEO] = { "webwxsendvideomsg", "fun=async&f=json&", 43 },
	[WX_SEND_EMOTICON] = { "webwxsendemoticon", "fun=sys&", 47 },
	[WX_SEND_FILE] = { "webwxsendappmsg", "fun=async&f=json&", 6 },
};

int
wx_utf8_check(const char *s, size_t n, size_t *bad)
{
	size_t i = 0;
	uint32_t cp;
	int k;

	while (i < n) {
		if ((k = wx_utf8_get(s + i, n - i, &cp)) < 0) {
			*bad = i;
			return -1;
		}
		i += (size_t)k;
	}
	return 0;
}

const char *
wx_send_cgi(enum wx_send_kind kind)
{
	return kinds[kind].cgi;
}

/* The web page's Msg: Type, Content, FromUserName, ToUserName, LocalID,
 * ClientMsgId, and by kind MediaId, EmojiFlag, EMoticonMd5, Signature. */
static void
web_msg(const struct wx_sess *s, const struct wx_send *m, int type,
        struct wx_buf *body)
{
	wx_buf_addf(body, ",\"Msg\":{\"Type\":%d", type);
	if (m->kind == WX_SEND_EMOTICON)
		wx_buf_adds(body, ",\"EmojiFlag\":2");
	if (m->mediaid) {
		wx_buf_adds(body, ",\"MediaId\":");
		wx_json_put_strz(body, m->mediaid);
	}
	if (m->md5) {
		wx_buf_adds(body, ",\"EMoticonMd5\":");
		wx_json_put_strz(body, m->md5);
	}
	if (m->kind != WX_SEND_EMOTICON) {
		wx_buf_adds(body, ",\"Content\":");
		wx_json_put_str(body, m->content ? m->content : "",
		                m->content ? m->len : 0);
	}
	wx_buf_adds(body, ",\"FromUserName\":");
	wx_json_put_strz(body, s->username);
	wx_buf_adds(body, ",\"ToUserName\":");
	wx_json_put_strz(body, m->to);
	wx_buf_addf(body, ",\"LocalID\":\"%s\",\"ClientMsgId\":\"%s\"",
	            m->localid, m->localid);
	if (m->signature) {
		wx_buf_adds(body, ",\"Signature\":");
		wx_json_put_strz(body, m->signature);
	}
}

/* The File Helper page's Msg, in its order (filehelper.md §5, §6.3:
 * CAP of a text and of an image): ClientMsgId, FromUserName, LocalID,
 * ToUserName, then MediaId, Type, Content (an image) or Content, Type. */
static void
fh_msg(const struct wx_sess *s, const struct wx_send *m, int type,
       struct wx_buf *body)
{
	wx_buf_addf(body, ",\"Msg\":{\"ClientMsgId\":\"%s\",\"FromUserName\":",
	            m->localid);
	wx_json_put_strz(body, s->username);
	wx_buf_addf(body, ",\"LocalID\":\"%s\",\"ToUserName\":", m->localid);
	wx_json_put_strz(body, m->to);
	if (m->mediaid) {
		wx_buf_adds(body, ",\"MediaId\":");
		wx_json_put_strz(body, m->mediaid);
		wx_buf_addf(body, ",\"Type\":%d", type);
	}
	wx_buf_adds(body, ",\"Content\":");
	wx_json_put_str(body, m->content ? m->content : "",
	                m->content ? m->len : 0);
	if (!m->mediaid)
		wx_buf_addf(body, ",\"Type\":%d", type);
}

char *
wx_send_request(const struct wx_sess *s, const struct wx_send *m,
                struct wx_buf *body)
{
	const struct kind *k = &kinds[m->kind];
	int type = m->type ? m->type : k->type;
	const char *lang = "lang=zh_CN&";
	char *query, *url;

	wx_sess_body(s, body);
	if (s->mode == WX_MODE_FILEHELPER)
		fh_msg(s, m, type, body);
	else
		web_msg(s, m, type, body);
	wx_buf_adds(body, "},\"Scene\":0}");
	/* The page's image send has no lang (filehelper.md §6.3: CAP). */
	if (s->mode == WX_MODE_FILEHELPER && m->kind == WX_SEND_IMAGE)
		lang = "";
	query = wx_asprintf("%s%s%spass_ticket=%s", k->query,
	                    m->kind == WX_SEND_FILE &&
	                    s->mode == WX_MODE_DESKTOP ? "mod=desktop&" : "",
	                    lang, s->pass_ticket);
	url = wx_cgi_url(s->host, k->cgi, query);
	free(query);
	return url;
}

int
wx_send_msgid(const struct wx_json *j, const char *cgi, char msgid[24])
{
	char *v = wx_json_getstr(j, 0, "MsgID");
	uint64_t id;
	/* Leading zeros keep the value small but not the string: without
	 * the length check "000…1" overran msgid (found by fuzz-answer). */
	int ok = v && strlen(v) < 24 &&
	         wx_parse_u64(v, strlen(v), UINT64_MAX, &id) == 0 && id;

	if (ok)
		memcpy(msgid, v, strlen(v) + 1);
	else
		wx_warn("%s: no MsgID in the answer", cgi);
	free(v);
	return ok ? 0 : WX_EXIT_TEMP;
}

int
wx_send(struct wx_sess *s, const struct wx_send *m, char msgid[24])
{
	const char *cgi = kinds[m->kind].cgi;
	struct wx_buf body = {0};
	struct wx_json *j;
	size_t busy = 0, lost = 0;
	long long ret, ms;
	char *query, *url = wx_send_request(s, m, &body);
	int rc;

	/* The same request again: wx_cgi_post_ret wants the query apart. */
	query = wx_strdup(strchr(url, '?') + 1);
	for (;;) {
		rc = wx_cgi_post_ret(s->h, s->host, cgi, query, &body, &j, &ret);
		if (rc == 0) {
			rc = wx_send_msgid(j, cgi, msgid);
			wx_json_free(j);
			break;
		}
		wx_json_free(j);  /* a refusal's answer: Ret says enough */
		if (rc != WX_EXIT_TEMP)
			break;
		if (ret == 1205 && busy < LEN(busy_wait))
			ms = busy_wait[busy++];
		else if (ret == 0 && lost < LEN(lost_wait))
			ms = lost_wait[lost++];
		else
			break;
		wx_warn("%s: trying again in %lld s", cgi, ms / 1000);
		wx_sleep_ms(ms);
	}
	free(query);
	free(url);
	wx_buf_free(&body);
	return rc;
}

void
wx_print_request(FILE *out, const char *url, const char *body, size_t len)
{
	char *masked = wx_mask_url(url);

	fprintf(out, "POST %s\n", masked);
	if (body) {
		fwrite(body, 1, len, out);
		fputs("\n\n", out);
	}
	free(masked);
}
