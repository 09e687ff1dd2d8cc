/* login.c — parsers of the login answers (protocol.md §4.1, §4.3, §4.4,
 * §4.5).  They neither print nor exit: each fills a struct wx_login and
 * returns the exit code the answer deserves, with the diagnostic in why,
 * so that the commands and the tests see one verdict. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "wx.h"

/* Record the verdict: status, and why as a malloc'd diagnostic.  A value
 * found before the fault is dropped, so that a caller never takes an
 * unchecked one; ret, msg and code stay, they explain the verdict. */
static int
verdict(struct wx_login *l, int status, char *why)
{
	char **value[] = {&l->uuid, &l->redirect_uri, &l->skey, &l->wxsid,
	                  &l->wxuin, &l->pass_ticket};
	size_t i;

	for (i = 0; i < sizeof value / sizeof *value; i++) {
		free(*value[i]);
		*value[i] = NULL;
	}
	l->avatar = NULL;
	l->avatar_len = 0;
	free(l->why);
	l->why = why;
	return status;
}

/* Longest redirect_uri taken: the captured ones are about 150 bytes; a
 * huge one would be committed to the session and printed. */
#define URI_MAX 2048
/* Server text quoted in a diagnostic is cut at this many bytes. */
#define QUOTE_MAX 200

/* A uuid goes into URLs and the session: base64 (also URL-safe), 8 to 32
 * characters (12 in every sample, 14 hex in 2014). */
int
wx_uuid_sane(const char *s)
{
	size_t i, n = strlen(s);

	if (n < 8 || n > 32)
		return 0;
	for (i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && !strchr("+/=_-", s[i]))
			return 0;
	return 1;
}

/* Skip the literal lit (and the blanks around it) at *p; 0 if absent. */
static int
expect(const char **p, const char *lit)
{
	size_t n = strlen(lit);

	while (**p == ' ')
		(*p)++;
	if (strncmp(*p, lit, n) != 0)
		return 0;
	*p += n;
	while (**p == ' ')
		(*p)++;
	return 1;
}

/* `window.QRLogin.code = 200; window.QRLogin.uuid = "…";` -> uuid.
 * Any other code is no refusal but a malformed answer: the official page
 * only ever gets 200 here. */
int
wx_parse_jslogin(const char *body, struct wx_login *l)
{
	const char *p = body ? body : "", *q;
	char *end;
	long code;

	if (!expect(&p, "window.QRLogin.code") || !expect(&p, "="))
		return verdict(l, WX_EXIT_TEMP,
		               wx_strdup("jslogin: malformed answer"));
	code = strtol(p, &end, 10);
	if (end == p || code != 200)
		return verdict(l, WX_EXIT_TEMP, wx_asprintf(
		    "jslogin: code %.*s, not 200", (int)strcspn(p, ";") > 16 ? 16 :
		    (int)strcspn(p, ";"), p));
	p = end;
	if (!expect(&p, ";") || !expect(&p, "window.QRLogin.uuid") ||
	    !expect(&p, "=") || !expect(&p, "\""))
		return verdict(l, WX_EXIT_TEMP,
		               wx_strdup("jslogin: malformed answer"));
	q = strchr(p, '"');
	if (!q || q[1] != ';')
		return verdict(l, WX_EXIT_TEMP,
		               wx_strdup("jslogin: malformed uuid"));
	l->uuid = wx_strndup(p, (size_t)(q - p));
	if (!wx_uuid_sane(l->uuid))
		return verdict(l, WX_EXIT_TEMP,
		               wx_strdup("jslogin: malformed uuid"));
	return 0;
}

/* {"ret":"0","msg":"all ok","uuid":"…"}; ret may also be a number.  A
 * nonzero ret is the server's no, whatever else the answer holds. */
int
wx_parse_pushlogin(const char *body, size_t len, struct wx_login *l)
{
	char err[128];
	struct wx_json *j;
	int rc = 0;

	j = wx_json_parse(body ? body : "", body ? len : 0, err, sizeof err);
	if (!j || wx_json_type(j, 0) != WX_JSON_OBJECT)
		rc = verdict(l, WX_EXIT_TEMP, wx_asprintf(
		    "webwxpushloginurl: malformed answer%s%s",
		    j ? "" : ": ", j ? "" : err));
	else if (wx_json_int(j, wx_json_get(j, 0, "ret"), &l->ret) < 0)
		rc = verdict(l, WX_EXIT_TEMP,
		             wx_strdup("webwxpushloginurl: no ret"));
	else if (l->ret != 0) {
		l->msg = wx_json_getstr(j, 0, "msg");
		rc = verdict(l, WX_EXIT_REFUSED, wx_asprintf(
		    "push login refused: ret %lld%s%.*s", l->ret,
		    l->msg ? ": " : "", QUOTE_MAX, l->msg ? l->msg : ""));
	} else if (!(l->uuid = wx_json_getstr(j, 0, "uuid")) ||
	           !wx_uuid_sane(l->uuid))
		rc = verdict(l, WX_EXIT_TEMP,
		             wx_strdup("webwxpushloginurl: no usable uuid"));
	wx_json_free(j);
	return rc;
}

/* window.code=N; at the start of the body; -1 if it is not there. */
static int
login_code(const char *body)
{
	const char *p = body;
	int code = 0, digits = 0;

	if (strncmp(p, "window.code=", 12) != 0)
		return -1;
	for (p += 12; *p >= '0' && *p <= '9' && digits < 4; p++, digits++)
		code = code * 10 + (*p - '0');
	return digits > 0 && *p == ';' ? code : -1;
}

/* A URL holds no blank, quote or control character. */
static int
uri_chars_ok(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] <= ' ' || s[i] == 0x7f || s[i] == '"' ||
		    s[i] == '\'')
			return 0;
	return 1;
}

/* 200: `window.code=200;` LF `window.redirect_uri="…";` -> the URL, which
 * must be https on a known web host (the commands send it our cookies). */
static int
parse_redirect(const char *body, struct wx_login *l)
{
	const char *p = strstr(body, "window.redirect_uri=\""), *q;
	char *host;
	int rc;

	if (!p || !(q = strstr(p += 21, "\";")))
		return verdict(l, WX_EXIT_TEMP,
		               wx_strdup("login: no redirect_uri in the answer"));
	if ((size_t)(q - p) > URI_MAX)
		return verdict(l, WX_EXIT_TEMP, wx_asprintf("login: answer too "
		    "large (a redirect_uri of %zu bytes)", (size_t)(q - p)));
	if (!uri_chars_ok(p, (size_t)(q - p)))
		return verdict(l, WX_EXIT_TEMP,
		               wx_strdup("login: malformed redirect_uri"));
	l->redirect_uri = wx_strndup(p, (size_t)(q - p));
	host = wx_url_host(l->redirect_uri);
	rc = host && (wx_web_host_known(host) || wx_mode_host(WX_MODE_FILEHELPER,
	    host)) ? 0 : verdict(l, WX_EXIT_TEMP,
	    wx_asprintf("redirect to unknown host %s", host ? host : "(none)"));
	free(host);
	return rc;
}

/* 201: `…window.userAvatar = 'data:img/jpg;base64,…';` -> the base64
 * text, left in the body; a missing avatar is no fault of the answer. */
static void
find_avatar(const char *body, struct wx_login *l)
{
	const char *p = strstr(body, "base64,"), *q;

	if (p && (q = strchr(p += 7, '\''))) {
		l->avatar = p;
		l->avatar_len = (size_t)(q - p);
	}
}

int
wx_parse_loginpoll(const char *body, struct wx_login *l)
{
	const char *b = body ? body : "";

	switch (l->code = login_code(b)) {
	case 200:
		return parse_redirect(b, l);
	case 201:
		find_avatar(b, l);
		return 0;
	case 408: case 400: case 202:
		return 0;
	default:
		return verdict(l, WX_EXIT_TEMP, wx_asprintf(
		    "login: unexpected answer '%.40s'", b));
	}
}

/* Text of <name>…</name> in xml (not decoded); NULL if absent. */
static char *
xml_elem(const char *xml, const char *name)
{
	char *open = wx_asprintf("<%s>", name), *close = wx_asprintf("</%s>", name);
	const char *p = strstr(xml, open), *q;
	char *val = NULL;

	if (p && (q = strstr(p += strlen(open), close)))
		val = wx_strndup(p, (size_t)(q - p));
	free(open);
	free(close);
	return val;
}

/* The server's message, entities decoded, or a default. */
static char *
xml_message(const char *xml, const char *dflt)
{
	char *raw = xml_elem(xml, "message"), *msg;

	msg = raw && *raw ? wx_text_decode(raw, strlen(raw)) : wx_strdup(dflt);
	free(raw);
	return msg;
}

/* <ret> as a whole number of at most 10 digits, maybe negative; -1 (and
 * 0 in *ret) if absent, no number or out of range. */
static int
xml_ret(const char *body, long long *ret)
{
	char *s = xml_elem(body, "ret");
	const char *d = s && *s == '-' ? s + 1 : s;
	uint64_t v;
	int ok = d && wx_parse_u64(d, strlen(d), 9999999999ull, &v) == 0;

	*ret = ok ? (d == s ? (long long)v : -(long long)v) : 0;
	free(s);
	return ok ? 0 : -1;
}

/* No <error> element.  A browser shows the plain-text refusal inside
 * <pre> with &lt;…&gt; (protocol.md §4.4): such a page is a refusal with
 * its message; any other page (a proxy's 502) is malformed. */
static int
not_xml(const char *body, struct wx_login *l)
{
	char *text = wx_text_decode(body, strlen(body));
	int refusal = strstr(text, "<error>") != NULL;

	if (refusal) {
		l->msg = xml_message(text, "no reason given");
		xml_ret(text, &l->ret);  /* only informative: the page is a no */
	}
	free(text);
	if (!refusal)
		return verdict(l, WX_EXIT_TEMP,
		               wx_strdup("webwxnewloginpage: malformed answer"));
	l->html = 1;
	return verdict(l, WX_EXIT_REFUSED, wx_asprintf(
	    "login refused (HTML page): %.*s", QUOTE_MAX, l->msg));
}

/* Credentials go into URLs, JSON and the session: plain ASCII only. */
static int
cred_sane(const char *s, const char *extra)
{
	if (!s || !*s || strlen(s) > 512)
		return 0;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && !strchr(extra, *s))
			return 0;
	return 1;
}

int
wx_skey_sane(const char *skey)
{
	return cred_sane(skey, "@_-+/=");
}

/* <error><ret>0</ret><message/>…<skey>…</skey><wxsid>…<wxuin>…
 * <pass_ticket>…</error>; the final '>' may be missing (a 2016 sample). */
int
wx_parse_newloginpage(const char *body, struct wx_login *l)
{
	const char *b = body ? body : "";

	if (!strstr(b, "<error>"))
		return not_xml(b, l);
	if (!strstr(b, "</error"))
		return verdict(l, WX_EXIT_TEMP,
		               wx_strdup("webwxnewloginpage: truncated answer"));
	if (xml_ret(b, &l->ret) < 0)
		return verdict(l, WX_EXIT_TEMP, wx_strdup(
		    "webwxnewloginpage: no usable <ret> in the answer"));
	l->skey = xml_elem(b, "skey");
	l->wxsid = xml_elem(b, "wxsid");
	l->wxuin = xml_elem(b, "wxuin");
	l->pass_ticket = xml_elem(b, "pass_ticket");
	if (l->ret != 0 || !l->skey || !*l->skey) {
		l->msg = xml_message(b, l->ret ? "no reason given" : "no skey");
		/* 1205 is "too frequent" here as in every Ret: try later. */
		return verdict(l, l->ret == 1205 ? WX_EXIT_TEMP : WX_EXIT_REFUSED,
		    wx_asprintf("login refused (ret %lld): %.*s", l->ret,
		                QUOTE_MAX, l->msg));
	}
	if (!wx_skey_sane(l->skey) || !cred_sane(l->wxsid, "+/=_-") ||
	    !cred_sane(l->wxuin, "") || strlen(l->wxuin) > 10 ||
	    !cred_sane(l->pass_ticket, "%+/=_.~-"))
		return verdict(l, WX_EXIT_TEMP, wx_strdup(
		    "webwxnewloginpage: malformed credentials"));
	return 0;
}

void
wx_login_free(struct wx_login *l)
{
	free(l->uuid);
	free(l->msg);
	free(l->redirect_uri);
	free(l->skey);
	free(l->wxsid);
	free(l->wxuin);
	free(l->pass_ticket);
	free(l->why);
	memset(l, 0, sizeof *l);
}
