/* wx-uuid — get a login uuid (protocol.md §4.1, §4.5; filehelper.md §3.1).
 * Reads DIR/session (host, wxuin for -p) and DIR/cookies; fetches the web
 * home page for its cookies, then jslogin on the login host, or with -p
 * webwxpushloginurl; prints `uuid=…` and commits uuid and mode (web, -D
 * desktop, -F filehelper), clearing the stale redirect_uri.  The session is only written after a complete,
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

/* redirect_uri for jslogin, percent-encoded as the mode's page does it:
 * once, or twice by the File Helper page. */
static char *
redirect_uri(const char *web, enum wx_mode m)
{
	char *uri = wx_asprintf("https://%s/cgi-bin/mmwebwx-bin/webwxnewloginpage"
	                        "%s", web, m == WX_MODE_DESKTOP ?
	                        "?mod=desktop" : ""), *enc;
	int i, times = m == WX_MODE_FILEHELPER ? wx_fh.redirect_encodings : 1;

	for (i = 0; i < times; i++) {
		enc = wx_urlencode(uri);
		free(uri);
		uri = enc;
	}
	return uri;
}

/* jslogin with the official parameter order: appid, redirect_uri
 * (percent-encoded), fun, lang, _. */
static int
jslogin(struct wx_http *h, const char *web, enum wx_mode m, char **uuid)
{
	struct wx_hosts hs;
	struct wx_resp r = {0};
	struct wx_login l = {0};
	char *enc, *url;
	int rc;

	if (wx_hosts_for(web, &hs) < 0)
		wx_die(WX_EXIT_USAGE, "bad web host '%s'", web);
	enc = redirect_uri(web, m);
	url = wx_asprintf("https://%s/jslogin?appid=%s&redirect_uri=%s"
	                  "&fun=new&lang=zh_CN&_=%lld", hs.login,
	                  m == WX_MODE_FILEHELPER ? wx_fh.appid : APPID, enc,
	                  wx_now_ms());
	if ((rc = wx_http_get(h, url, &r)) == 0)
		rc = take_uuid(wx_parse_jslogin(r.body.p, &l), &l, uuid);
	wx_resp_free(&r);
	free(url);
	free(enc);
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

static _Noreturn void
usage(int help)
{
	wx_usage("wx-uuid [-d DIR] [-D | -F] [-p]", help);
}

int
main(int argc, char *argv[])
{
	const char *dflag = NULL, *web;
	enum wx_mode mode = WX_MODE_WEB;
	int c, push = 0;
	struct wx_state *st, *ch;
	struct wx_http *h;
	char *dir, *jar, *uuid = NULL;
	int rc;

	wx_argv0 = "wx-uuid";
	opterr = 0;  /* no unprefixed getopt message: usage() says it */
	while ((c = getopt(argc, argv, "d:DFphV")) != -1) {
		switch (c) {
		case 'd': dflag = optarg; break;
		case 'D': mode = WX_MODE_DESKTOP; break;
		case 'F': mode = WX_MODE_FILEHELPER; break;
		case 'p': push = 1; break;
		case 'h': usage(1);
		case 'V': wx_version();
		default: usage(0);
		}
	}
	if (optind != argc)
		usage(0);
	/* No File Helper client has a push login to go by. */
	if (push && mode == WX_MODE_FILEHELPER)
		wx_die(WX_EXIT_USAGE, "-p: no push login in file-helper mode; "
		       "scan a QR code");

	dir = wx_session_dir(dflag);
	st = wx_session_load(dir);
	web = wx_mode_start(st, mode);
	jar = wx_asprintf("%s/cookies", dir);
	h = wx_http_new(jar);
	if (push)
		rc = pushlogin(h, web, wx_session_need(st, dir, "wxuin",
		               "wx-init"), mode == WX_MODE_DESKTOP, &uuid);
	else if ((rc = get_home(h, web)) == 0)
		rc = jslogin(h, web, mode, &uuid);
	if (rc != 0) {
		/* All freed before the exit: nothing for LeakSanitizer to
		 * call a leak, however the compiler keeps the pointers. */
		wx_http_free(h);
		wx_state_free(st);
		free(jar);
		free(dir);
		exit(rc);
	}

	ch = wx_state_new();
	wx_state_set(ch, "uuid", uuid);
	wx_state_set(ch, "mode", wx_mode_name(mode));
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
