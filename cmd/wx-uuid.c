/* wx-uuid — get a login uuid (protocol.md §4.1, §4.5).
 * Reads DIR/session (host, wxuin for -p) and DIR/cookies; fetches the web
 * home page for its cookies, then jslogin on the login host, or with -p
 * webwxpushloginurl; prints `uuid=…` and commits uuid and mode, clearing
 * the stale redirect_uri.  The session is only written after a complete,
 * well-formed answer, so every failure leaves it untouched. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "wx.h"

#define APPID "wx782c26e4c19acffb"

/* The uuid of a parsed answer into *uuid; otherwise the parser's text
 * on stderr.  The parser's exit code. */
static int
take_uuid(int rc, struct wx_login *l, char **uuid)
{
	if (rc != 0)
		wx_warn("%s", l->why);
	*uuid = l->uuid;
	l->uuid = NULL;
	wx_login_free(l);
	return rc;
}

/* GET the web home page: the official page sets its first cookies there. */
static int
get_home(struct wx_http *h, const char *web)
{
	struct wx_resp r = {0};
	char *url = wx_asprintf("https://%s/", web);
	int rc = wx_http_get(h, url, &r);

	wx_resp_free(&r);
	free(url);
	return rc;
}

/* jslogin with the official parameter order: appid, redirect_uri
 * (percent-encoded), fun, lang, _. */
static int
jslogin(struct wx_http *h, const char *web, int desktop, char **uuid)
{
	struct wx_hosts hs;
	struct wx_resp r = {0};
	struct wx_login l = {0};
	char *back, *enc, *url;
	int rc;

	if (wx_hosts_for(web, &hs) < 0)
		wx_die(WX_EXIT_USAGE, "bad web host '%s'", web);
	back = wx_asprintf("https://%s/cgi-bin/mmwebwx-bin/webwxnewloginpage%s",
	                   web, desktop ? "?mod=desktop" : "");
	enc = wx_urlencode(back);
	url = wx_asprintf("https://%s/jslogin?appid=" APPID "&redirect_uri=%s"
	                  "&fun=new&lang=zh_CN&_=%lld", hs.login, enc,
	                  wx_now_ms());
	if ((rc = wx_http_get(h, url, &r)) == 0)
		rc = take_uuid(wx_parse_jslogin(r.body.p, &l), &l, uuid);
	wx_resp_free(&r);
	free(url);
	free(enc);
	free(back);
	return rc;
}

/* Push login: the phone of the saved uin gets a confirm prompt. */
static int
pushlogin(struct wx_http *h, const char *web, const char *uin, int desktop,
          char **uuid)
{
	struct wx_resp r = {0};
	struct wx_login l = {0};
	char *enc, *query, *url;
	int rc;

	enc = wx_urlencode(uin);
	query = wx_asprintf("uin=%s%s", enc, desktop ? "&mod=desktop" : "");
	url = wx_cgi_url(web, "webwxpushloginurl", query);
	if ((rc = wx_http_get(h, url, &r)) == 0)
		rc = take_uuid(wx_parse_pushlogin(r.body.p, r.body.len, &l), &l,
		               uuid);
	wx_resp_free(&r);
	free(url);
	free(query);
	free(enc);
	return rc;
}

/* The web host to start from: the session's, when it is a known one. */
static const char *
web_host(const struct wx_state *st)
{
	const char *host = wx_state_get(st, "host");

	return host && wx_web_host_known(host) ? host : WX_DEFAULT_WEB;
}

static _Noreturn void
usage(int help)
{
	wx_usage("wx-uuid [-d DIR] [-D] [-p]", help);
}

int
main(int argc, char *argv[])
{
	const char *dflag = NULL, *web;
	int c, desktop = 0, push = 0;
	struct wx_state *st, *ch;
	struct wx_http *h;
	char *dir, *jar, *uuid = NULL;
	int rc;

	wx_argv0 = "wx-uuid";
	opterr = 0;  /* no unprefixed getopt message: usage() says it */
	while ((c = getopt(argc, argv, "d:Dph")) != -1) {
		switch (c) {
		case 'd': dflag = optarg; break;
		case 'D': desktop = 1; break;
		case 'p': push = 1; break;
		case 'h': usage(1);
		default: usage(0);
		}
	}
	if (optind != argc)
		usage(0);

	dir = wx_session_dir(dflag);
	st = wx_session_load(dir);
	web = web_host(st);
	jar = wx_asprintf("%s/cookies", dir);
	h = wx_http_new(jar);
	if (push)
		rc = pushlogin(h, web, wx_session_need(st, dir, "wxuin",
		               "wx-init"), desktop, &uuid);
	else if ((rc = get_home(h, web)) == 0)
		rc = jslogin(h, web, desktop, &uuid);
	if (rc != 0) {
		/* The handle freed before the exit: nothing to call a leak. */
		wx_http_free(h);
		exit(rc);
	}

	ch = wx_state_new();
	wx_state_set(ch, "uuid", uuid);
	wx_state_set(ch, "mode", desktop ? "desktop" : "web");
	wx_state_set(ch, "redirect_uri", NULL);
	wx_session_commit(dir, ch, h);
	printf("uuid=%s\n", uuid);

	wx_http_free(h);
	wx_state_free(ch);
	wx_state_free(st);
	free(uuid);
	free(jar);
	free(dir);
	return wx_fshut(stdout, "stdout", WX_EXIT_OK);
}
