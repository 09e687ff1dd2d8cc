/* cgi.c — one round trip to a CGI of the web host (protocol.md §3.1):
 * build the URL, POST or GET, map the HTTP status and BaseResponse.Ret to
 * the exit code of wx(7), and hand back the parsed JSON.  Every command
 * after login goes through here, so the same failure gets the same code
 * and the same one-line message everywhere. */
#include <stdlib.h>
#include <string.h>

#include "wx.h"

/* ErrMsg of the answer, "" when it has none. */
static char *
errmsg(const struct wx_json *j)
{
	char *m = wx_json_getstr(j, 0, "BaseResponse.ErrMsg");

	return m ? m : wx_strdup("");
}

int
wx_cgi_ret(const struct wx_json *j, const char *cgi)
{
	long long ret;
	char *msg;
	int rc;

	if (wx_json_int(j, wx_json_get(j, 0, "BaseResponse.Ret"), &ret) < 0) {
		wx_warn("%s: no BaseResponse.Ret in the answer", cgi);
		return WX_EXIT_TEMP;
	}
	if (ret == 0)
		return WX_EXIT_OK;
	msg = errmsg(j);
	if (ret >= 1100 && ret <= 1102) {
		wx_warn("%s: logged out (%lld)", cgi, ret);
		rc = WX_EXIT_REFUSED;
	} else if (ret == 1205) {
		wx_warn("%s: too frequent (1205); try later", cgi);
		rc = WX_EXIT_TEMP;
	} else {
		wx_warn("%s: refused (Ret %lld)%s%s", cgi, ret, *msg ? ": " : "",
		        msg);
		rc = WX_EXIT_REFUSED;
	}
	free(msg);
	return rc;
}

/* The answer of a request that arrived (status 200): a JSON object with
 * Ret 0, or the exit code; *ret its Ret.  A refusal's answer is kept in
 * *out too (for what else it says) when keep is set.  With big, parsed
 * by wx_json_parse_big. */
static int
take_answer(const struct wx_resp *r, const char *cgi, struct wx_json **out,
            long long *ret, int keep, struct wx_json_big *big)
{
	const char *text = r->body.p ? r->body.p : "";
	char err[128] = "";
	struct wx_json *j;
	int rc;

	j = big ? wx_json_parse_big(text, r->body.len, big, err, sizeof err) :
	    wx_json_parse(text, r->body.len, err, sizeof err);
	if (!j || wx_json_type(j, 0) != WX_JSON_OBJECT) {
		wx_warn("%s: malformed answer%s%s", cgi, *err ? ": " : "", err);
		wx_json_free(j);
		return WX_EXIT_TEMP;
	}
	if (wx_json_int(j, wx_json_get(j, 0, "BaseResponse.Ret"), ret) < 0)
		*ret = 0;
	if ((rc = wx_cgi_ret(j, cgi)) != 0 && !keep) {
		wx_json_free(j);
		return rc;
	}
	*out = j;
	return rc;
}

/* The POST round trip: *out and *ret as take_answer gives them; with
 * text, the answer's body is left there (the caller frees it). */
static int
post(struct wx_http *h, const char *host, const char *cgi, const char *query,
     const struct wx_buf *body, struct wx_json **out, long long *ret,
     int keep, struct wx_json_big *big, struct wx_buf *text)
{
	struct wx_resp r = {0};
	char *url = wx_cgi_url(host, cgi, query);
	int rc;

	*out = NULL;
	*ret = 0;
	rc = wx_http_post_json(h, url, body->p ? body->p : "", body->len, &r);
	if (rc == 0)
		rc = take_answer(&r, cgi, out, ret, keep, big);
	if (text) {
		*text = r.body;
		r.body = (struct wx_buf){0};
	}
	wx_resp_free(&r);
	free(url);
	return rc;
}

int
wx_cgi_post_ret(struct wx_http *h, const char *host, const char *cgi,
                const char *query, const struct wx_buf *body,
                struct wx_json **out, long long *ret)
{
	return post(h, host, cgi, query, body, out, ret, 1, NULL, NULL);
}

int
wx_cgi_post(struct wx_http *h, const char *host, const char *cgi,
            const char *query, const struct wx_buf *body, struct wx_json **out)
{
	long long ret;
	int rc = wx_cgi_post_ret(h, host, cgi, query, body, out, &ret);

	if (rc != 0) {
		wx_json_free(*out);
		*out = NULL;
	}
	return rc;
}

int
wx_cgi_get(struct wx_http *h, const char *host, const char *cgi,
           const char *query, struct wx_json **out)
{
	struct wx_resp r = {0};
	char *url = wx_cgi_url(host, cgi, query);
	long long ret;
	int rc;

	*out = NULL;
	rc = wx_http_get(h, url, &r);
	if (rc == 0)
		rc = take_answer(&r, cgi, out, &ret, 0, NULL);
	wx_resp_free(&r);
	free(url);
	return rc;
}

int
wx_cgi_post_big(struct wx_http *h, const char *host, const char *cgi,
                const char *query, const struct wx_buf *body,
                struct wx_json_big *big, struct wx_buf *text,
                struct wx_json **out)
{
	long long ret;

	big->n = 0;
	return post(h, host, cgi, query, body, out, &ret, 0, big, text);
}
