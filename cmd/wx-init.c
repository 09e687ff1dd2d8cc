/* wx-init — turn a confirmed login into a session (protocol.md §4.4, §5.1,
 * §5.2): webwxnewloginpage, webwxinit, webwxstatusnotify Code 3.
 * Reads redirect_uri from stdin (`wx-wait | wx-init`) or DIR/session, and
 * mode; writes skey, wxsid, wxuin, pass_ticket, the hosts, synckey,
 * synccheckkey, username, nickname and mode in one commit after all three
 * steps succeeded (else the session is untouched), cookies in DIR/cookies.
 * stdout gets a summary without secrets. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "wx.h"

/* Desktop (UOS) mode headers on webwxnewloginpage (protocol.md §3.7). */
#define CLIENT_VERSION "client-version: 2.0.0"
static const char extspam[] = "extspam: "
	"Go8FCIkFEokFCggwMDAwMDAwMRAGGvAESySibk50w5Wb3uTl2c2h64jVVrV7gNs0"
	"6GFlWplHQbY/5FfiO++1yH4ykCyNPWKXmco+wfQzK5R98D3so7rJ5LmGFvBLjGce"
	"leySrc3SOf2Pc1gVehzJgODeS0lDL3/I/0S2SSE98YgKleq6Uqx6ndTy9yaL9qFx"
	"JL7eiA/R3SEfTaW1SBoSITIu+EEkXff+Pv8NHOk7N57rcGk1w0ZzRrQDkXTOXFN2"
	"iHYIzAAZPIOY45Lsh+A4slpgnDiaOvRtlQYCt97nmPLuTipOJ8Qc5pM7ZsOsAPPr"
	"CQL7nK0I7aPrFDF0q4ziUUKettzW8MrAaiVfmbD1/VkmLNVqqZVvBCtRblXb5FHm"
	"tS8FxnqCzYP4WFvz3T0TcrOqwLX1M/DQvcHaGGw0B0y4bZMs7lVScGBFxMj3vbFi"
	"2SRKbKhaitxHfYHAOAa0X7/MSS0RNAjdwoyGHeOepXOKY+h3iHeqCvgOH6LOifdH"
	"f/1aaZNwSkGotYnYScW8Yx63LnSwba7+hESrtPa/huRmB9KWvMCKbDThL/nne14h"
	"nL277EDCSocPu3rOSYjuB9gKSOdVmWsj9Dxb/iZIe+S6AiG29Esm+/eUacSba0k8"
	"wn5HhHg9d4tIcixrxveflc8vi2/wNQGVFNsGO6tB5WF0xf/plngOvQ1/ivGV/C1Q"
	"pdhzznh0ExAVJ6dwzNg7qIEBaw+BzTJTUuRcPk92Sn6QDn2Pu3mpONaEumacjW4w"
	"6ipPnPw+g2TfywJjeEcpSZaP4Q3YV5HG8D6UjWA4GSkBKculWpdCMadx0usMomsS"
	"S/74QgpYqcPkmamB4nVv1JxczYITIqItIKjD35IGKAUwAA==";

struct login {
	char *web;                    /* web host of redirect_uri */
	int desktop;                  /* mode=desktop */
	char *skey, *wxsid, *wxuin;
	char *pass_ticket;            /* percent-encoded, as the XML has it */
};

struct account {
	struct wx_synckey sk;
	char *username, *nickname;
	int contacts, chats;
};

/* Move the credentials of the webwxnewloginpage answer into lg; a refusal
 * or a malformed answer ends here with the parser's exit code and text. */
static void
take_credentials(const struct wx_resp *r, struct login *lg)
{
	struct wx_login l = {0};
	int rc = wx_parse_newloginpage(r->body.p, &l);

	if (rc != 0)
		wx_die(rc, "%s", l.why);
	lg->skey = l.skey;
	lg->wxsid = l.wxsid;
	lg->wxuin = l.wxuin;
	lg->pass_ticket = l.pass_ticket;
	l.skey = l.wxsid = l.wxuin = l.pass_ticket = NULL;
	wx_login_free(&l);
}

/* Exchange the ticket.  A handle of its own, so that the desktop headers
 * go on this request only; its cookies reach the jar when it is freed. */
static void
newloginpage(const char *jar, const char *uri, struct login *lg)
{
	struct wx_http *h = wx_http_new(jar);
	struct wx_resp r = {0};
	char *url;

	url = wx_asprintf("%s%cfun=new&version=v2%s", uri,
	                  strchr(uri, '?') ? '&' : '?',
	                  lg->desktop ? "&mod=desktop" : "");
	if (lg->desktop) {
		wx_http_header(h, CLIENT_VERSION);
		wx_http_header(h, extspam);
	}
	if (wx_http_get(h, url, &r) != 0)
		exit(WX_EXIT_TEMP);
	/* UOS logins answer 301 without Location, XML in the body. */
	if (r.status != 200 && r.status != 301)
		wx_die(WX_EXIT_TEMP, "webwxnewloginpage: HTTP %ld", r.status);
	take_credentials(&r, lg);
	wx_resp_free(&r);
	free(url);
	if (wx_http_free(h) < 0)
		wx_die(WX_EXIT_TEMP, "%s: cannot save cookies", jar);
}

/* BaseResponse.Ret: 1100-1102 logged out (1), 1205 too frequent (111). */
static void
check_ret(const struct wx_json *j, const char *cgi)
{
	long long ret;

	if (wx_json_int(j, wx_json_get(j, 0, "BaseResponse.Ret"), &ret) < 0)
		wx_die(WX_EXIT_TEMP, "%s: no BaseResponse.Ret", cgi);
	if (ret == 0)
		return;
	if (ret == 1205)
		wx_die(WX_EXIT_TEMP, "%s: Ret 1205: too frequent, try later", cgi);
	if (ret >= 1100 && ret <= 1102)
		wx_die(WX_EXIT_REFUSED, "%s: Ret %lld: logged out", cgi, ret);
	wx_die(WX_EXIT_REFUSED, "%s: Ret %lld", cgi, ret);
}

/* POST body to CGI on the web host; the parsed answer, Ret checked. */
static struct wx_json *
post_json(struct wx_http *h, const struct login *lg, const char *cgi,
          const char *query, const struct wx_buf *body)
{
	struct wx_resp r = {0};
	struct wx_json *j;
	char err[128] = "";
	char *url = wx_cgi_url(lg->web, cgi, query);

	if (wx_http_post_json(h, url, body->p, body->len, &r) != 0)
		exit(WX_EXIT_TEMP);
	if (r.status != 200)
		wx_die(WX_EXIT_TEMP, "%s: HTTP %ld", cgi, r.status);
	j = wx_json_parse(r.body.p ? r.body.p : "", r.body.len, err, sizeof err);
	if (!j || wx_json_type(j, 0) != WX_JSON_OBJECT)
		wx_die(WX_EXIT_TEMP, "%s: malformed answer%s%s", cgi,
		       *err ? ": " : "", err);
	check_ret(j, cgi);
	wx_resp_free(&r);
	free(url);
	return j;
}

/* Entries of ChatSet ("a,b,filehelper," — trailing comma). */
static int
count_chats(const char *set)
{
	int n = 0;

	for (; set && *set; set += strcspn(set, ",")) {
		if (*set == ',') {
			set++;
			continue;
		}
		n++;
	}
	return n;
}

/* A nickname can hold <br/> (now LF) or control bytes: not on one line. */
static char *
nickname(const struct wx_json *j)
{
	char *raw = wx_json_getstr(j, 0, "User.NickName"), *s, *p;

	s = raw ? wx_text_decode(raw, strlen(raw)) : wx_strdup("");
	for (p = s; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = ' ';
	free(raw);
	return s;
}

/* webwxinit; Uin goes as a string here, as the official client sends it. */
static void
webwxinit(struct wx_http *h, struct login *lg, struct account *ac)
{
	struct wx_buf body = {0};
	struct wx_json *j;
	char dev[17], *query, *skey;

	wx_device_id(dev);
	wx_buf_adds(&body, "{\"BaseRequest\":{\"Uin\":");
	wx_json_put_strz(&body, lg->wxuin);
	wx_buf_adds(&body, ",\"Sid\":");
	wx_json_put_strz(&body, lg->wxsid);
	wx_buf_adds(&body, ",\"Skey\":");
	wx_json_put_strz(&body, lg->skey);
	wx_buf_adds(&body, ",\"DeviceID\":");
	wx_json_put_strz(&body, dev);
	wx_buf_adds(&body, "}}");
	query = wx_asprintf("r=%lld&lang=zh_CN&pass_ticket=%s", wx_stamp_r(),
	                    lg->pass_ticket);
	j = post_json(h, lg, "webwxinit", query, &body);

	if ((skey = wx_json_getstr(j, 0, "SKey"))) {
		if (!wx_skey_sane(skey))
			wx_die(WX_EXIT_TEMP, "webwxinit: malformed SKey");
		free(lg->skey);
		lg->skey = skey;
	}
	if (wx_synckey_from_json(j, wx_json_get(j, 0, "SyncKey"), &ac->sk) < 0 ||
	    ac->sk.n == 0)
		wx_die(WX_EXIT_TEMP, "webwxinit: no usable SyncKey");
	ac->username = wx_json_getstr(j, 0, "User.UserName");
	if (!ac->username || strcspn(ac->username, "\r\n") != strlen(ac->username))
		wx_die(WX_EXIT_TEMP, "webwxinit: no User.UserName");
	ac->nickname = nickname(j);
	ac->contacts = wx_json_count(j, wx_json_get(j, 0, "ContactList"));
	skey = wx_json_getstr(j, 0, "ChatSet");
	ac->chats = count_chats(skey);
	free(skey);
	wx_json_free(j);
	free(query);
	wx_buf_free(&body);
}

/* Tell the server (and the phone) that this client is ready: Code 3,
 * From = To = self. */
static void
statusnotify(struct wx_http *h, const struct login *lg, const struct account *ac)
{
	struct wx_buf body = {0};
	char *query;

	wx_buf_adds(&body, "{\"BaseRequest\":");
	wx_base_request(&body, lg->wxuin, lg->wxsid, lg->skey);
	wx_buf_adds(&body, ",\"Code\":3,\"FromUserName\":");
	wx_json_put_strz(&body, ac->username);
	wx_buf_adds(&body, ",\"ToUserName\":");
	wx_json_put_strz(&body, ac->username);
	wx_buf_addf(&body, ",\"ClientMsgId\":%lld}", wx_now_ms());
	query = wx_asprintf("lang=zh_CN&pass_ticket=%s", lg->pass_ticket);
	wx_json_free(post_json(h, lg, "webwxstatusnotify", query, &body));
	free(query);
	wx_buf_free(&body);
}

static void
commit(const char *dir, const struct login *lg, const struct account *ac)
{
	struct wx_state *ch = wx_state_new();
	struct wx_buf sk = {0};
	struct wx_hosts hs;

	if (wx_hosts_for(lg->web, &hs) < 0)
		wx_die(WX_EXIT_USAGE, "bad web host '%s'", lg->web);
	wx_synckey_pipe(&ac->sk, &sk);
	if (wx_state_set(ch, "skey", lg->skey) < 0 ||
	    wx_state_set(ch, "wxsid", lg->wxsid) < 0 ||
	    wx_state_set(ch, "wxuin", lg->wxuin) < 0 ||
	    wx_state_set(ch, "pass_ticket", lg->pass_ticket) < 0 ||
	    wx_state_set(ch, "host", lg->web) < 0 ||
	    wx_state_set(ch, "file_host", hs.file) < 0 ||
	    wx_state_set(ch, "push_host", hs.push) < 0 ||
	    wx_state_set(ch, "synckey", sk.p) < 0 ||
	    wx_state_set(ch, "synccheckkey", sk.p) < 0 ||
	    wx_state_set(ch, "username", ac->username) < 0 ||
	    wx_state_set(ch, "nickname", ac->nickname) < 0 ||
	    wx_state_set(ch, "mode", lg->desktop ? "desktop" : "web") < 0)
		wx_die(WX_EXIT_TEMP, "webwxinit: a value cannot be stored");
	wx_session_commit(dir, ch);
	wx_buf_free(&sk);
	wx_state_free(ch);
}

static void
usage(void)
{
	fprintf(stderr, "usage: wx-init [-d DIR]\n");
	exit(WX_EXIT_USAGE);
}

int
main(int argc, char *argv[])
{
	const char *dflag = NULL, *mode;
	struct login lg = {0};
	struct account ac = {0};
	struct wx_state *st;
	struct wx_http *h;
	char *dir, *jar, *uri;
	int c;

	wx_argv0 = "wx-init";
	opterr = 0;  /* no unprefixed getopt message: usage() says it */
	while ((c = getopt(argc, argv, "d:")) != -1) {
		switch (c) {
		case 'd': dflag = optarg; break;
		default: usage();
		}
	}
	if (optind != argc)
		usage();

	dir = wx_session_dir(dflag);
	uri = wx_input(dir, "redirect_uri", "wx-wait", &st);
	lg.web = wx_url_host(uri);
	if (!lg.web || !wx_web_host_known(lg.web))
		wx_die(WX_EXIT_USAGE, "redirect_uri: unknown web host %s",
		       lg.web ? lg.web : "(none)");
	mode = wx_state_get(st, "mode");
	lg.desktop = mode && strcmp(mode, "desktop") == 0;
	jar = wx_asprintf("%s/cookies", dir);

	newloginpage(jar, uri, &lg);
	h = wx_http_new(jar);
	webwxinit(h, &lg, &ac);
	statusnotify(h, &lg, &ac);
	if (wx_http_free(h) < 0)
		wx_die(WX_EXIT_TEMP, "%s: cannot save cookies", jar);
	commit(dir, &lg, &ac);

	printf("username=%s\nnickname=%s\nhost=%s\nmode=%s\ncontacts=%d\n"
	       "chats=%d\n", ac.username, ac.nickname, lg.web,
	       lg.desktop ? "desktop" : "web", ac.contacts, ac.chats);

	free(ac.username);
	free(ac.nickname);
	free(lg.skey);
	free(lg.wxsid);
	free(lg.wxuin);
	free(lg.pass_ticket);
	free(lg.web);
	free(jar);
	free(uri);
	wx_state_free(st);
	free(dir);
	return wx_fshut(stdout, "stdout", WX_EXIT_OK);
}
