/* wx-uuid — get a login uuid (protocol.md §4.1, §4.5).
 * Reads DIR/session (host, wxuin for -p) and DIR/cookies; fetches the web
 * home page for its cookies, then jslogin on the login host, or with -p
 * webwxpushloginurl; prints `uuid=…` and commits uuid and mode, clearing
 * the stale redirect_uri.  The session is only written after a complete,
 * well-formed answer, so every failure leaves it untouched. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "wx.h"

#define APPID "wx782c26e4c19acffb"
#define DEFAULT_WEB "wx.qq.com"

/* A uuid goes into URLs and the session: base64 (also URL-safe), at most
 * 32 characters (12 in every sample, 14 hex in 2014). */
static int
uuid_sane(const char *s, size_t n)
{
	size_t i;

	if (n == 0 || n > 32)
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
 * Any other code, or anything else, is a malformed answer (111). */
static char *
parse_jslogin(const struct wx_buf *body)
{
	const char *p = body->p ? body->p : "", *q;
	char *end;
	long code;

	if (!expect(&p, "window.QRLogin.code") || !expect(&p, "="))
		wx_die(WX_EXIT_TEMP, "jslogin: malformed answer");
	code = strtol(p, &end, 10);
	if (end == p || code != 200)
		wx_die(WX_EXIT_TEMP, "jslogin: code %.*s, not 200",
		       (int)strcspn(p, ";"), p);
	p = end;
	if (!expect(&p, ";") || !expect(&p, "window.QRLogin.uuid") ||
	    !expect(&p, "=") || !expect(&p, "\""))
		wx_die(WX_EXIT_TEMP, "jslogin: malformed answer");
	q = strchr(p, '"');
	if (!q || !uuid_sane(p, (size_t)(q - p)) || q[1] != ';')
		wx_die(WX_EXIT_TEMP, "jslogin: malformed uuid");
	return wx_strndup(p, (size_t)(q - p));
}

/* GET the web home page: the official page sets its first cookies there. */
static void
get_home(struct wx_http *h, const char *web)
{
	struct wx_resp r = {0};
	char *url = wx_asprintf("https://%s/", web);

	if (wx_http_get(h, url, &r) != 0)
		exit(WX_EXIT_TEMP);
	if (r.status >= 400)
		wx_die(WX_EXIT_TEMP, "GET %s: HTTP %ld", url, r.status);
	wx_resp_free(&r);
	free(url);
}

/* jslogin with the official parameter order: appid, redirect_uri
 * (percent-encoded), fun, lang, _. */
static char *
jslogin(struct wx_http *h, const char *web, int desktop)
{
	struct wx_hosts hs;
	struct wx_resp r = {0};
	char *back, *enc, *url, *uuid;

	if (wx_hosts_for(web, &hs) < 0)
		wx_die(WX_EXIT_USAGE, "bad web host '%s'", web);
	back = wx_asprintf("https://%s/cgi-bin/mmwebwx-bin/webwxnewloginpage%s",
	                   web, desktop ? "?mod=desktop" : "");
	enc = wx_urlencode(back);
	url = wx_asprintf("https://%s/jslogin?appid=" APPID "&redirect_uri=%s"
	                  "&fun=new&lang=zh_CN&_=%lld", hs.login, enc,
	                  wx_now_ms());
	if (wx_http_get(h, url, &r) != 0)
		exit(WX_EXIT_TEMP);
	if (r.status != 200)
		wx_die(WX_EXIT_TEMP, "jslogin: HTTP %ld", r.status);
	uuid = parse_jslogin(&r.body);
	wx_resp_free(&r);
	free(url);
	free(enc);
	free(back);
	return uuid;
}

/* {"ret":"0","msg":"all ok","uuid":"…"}; ret may also be a number. */
static char *
parse_pushlogin(const struct wx_buf *body)
{
	char err[128];
	struct wx_json *j;
	long long ret;
	char *msg, *uuid;

	j = wx_json_parse(body->p ? body->p : "", body->len, err, sizeof err);
	if (!j || wx_json_type(j, 0) != WX_JSON_OBJECT)
		wx_die(WX_EXIT_TEMP, "webwxpushloginurl: malformed answer%s%s",
		       j ? "" : ": ", j ? "" : err);
	if (wx_json_int(j, wx_json_get(j, 0, "ret"), &ret) < 0)
		wx_die(WX_EXIT_TEMP, "webwxpushloginurl: no ret");
	if (ret != 0) {
		msg = wx_json_getstr(j, 0, "msg");
		wx_die(WX_EXIT_REFUSED, "push login refused: ret %lld%s%s", ret,
		       msg ? ": " : "", msg ? msg : "");
	}
	uuid = wx_json_getstr(j, 0, "uuid");
	if (!uuid || !uuid_sane(uuid, strlen(uuid)))
		wx_die(WX_EXIT_TEMP, "webwxpushloginurl: no usable uuid");
	wx_json_free(j);
	return uuid;
}

/* Push login: the phone of the saved uin gets a confirm prompt. */
static char *
pushlogin(struct wx_http *h, const char *web, const char *uin, int desktop)
{
	struct wx_resp r = {0};
	char *enc, *query, *url, *uuid;

	enc = wx_urlencode(uin);
	query = wx_asprintf("uin=%s%s", enc, desktop ? "&mod=desktop" : "");
	url = wx_cgi_url(web, "webwxpushloginurl", query);
	if (wx_http_get(h, url, &r) != 0)
		exit(WX_EXIT_TEMP);
	if (r.status != 200)
		wx_die(WX_EXIT_TEMP, "webwxpushloginurl: HTTP %ld", r.status);
	uuid = parse_pushlogin(&r.body);
	wx_resp_free(&r);
	free(url);
	free(query);
	free(enc);
	return uuid;
}

/* The web host to start from: the session's, when it is a known one. */
static const char *
web_host(const struct wx_state *st)
{
	const char *host = wx_state_get(st, "host");

	return host && wx_web_host_known(host) ? host : DEFAULT_WEB;
}

static void
usage(void)
{
	fprintf(stderr, "usage: wx-uuid [-d DIR] [-D] [-p]\n");
	exit(WX_EXIT_USAGE);
}

int
main(int argc, char *argv[])
{
	const char *dflag = NULL, *web;
	int c, desktop = 0, push = 0;
	struct wx_state *st, *ch;
	struct wx_http *h;
	char *dir, *jar, *uuid;

	wx_argv0 = "wx-uuid";
	opterr = 0;  /* no unprefixed getopt message: usage() says it */
	while ((c = getopt(argc, argv, "d:Dp")) != -1) {
		switch (c) {
		case 'd': dflag = optarg; break;
		case 'D': desktop = 1; break;
		case 'p': push = 1; break;
		default: usage();
		}
	}
	if (optind != argc)
		usage();

	dir = wx_session_dir(dflag);
	st = wx_session_load(dir);
	web = web_host(st);
	jar = wx_asprintf("%s/cookies", dir);
	h = wx_http_new(jar);
	if (push) {
		uuid = pushlogin(h, web, wx_session_need(st, dir, "wxuin",
		                 "wx-init"), desktop);
	} else {
		get_home(h, web);
		uuid = jslogin(h, web, desktop);
	}
	if (wx_http_free(h) < 0)
		wx_die(WX_EXIT_TEMP, "%s: cannot save cookies", jar);

	ch = wx_state_new();
	wx_state_set(ch, "uuid", uuid);
	wx_state_set(ch, "mode", desktop ? "desktop" : "web");
	wx_state_set(ch, "redirect_uri", NULL);
	wx_session_commit(dir, ch);
	printf("uuid=%s\n", uuid);

	wx_state_free(ch);
	wx_state_free(st);
	free(uuid);
	free(jar);
	free(dir);
	return wx_fshut(stdout, "stdout", WX_EXIT_OK);
}
