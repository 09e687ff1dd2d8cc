/* wx-init — turn a confirmed login into a session (protocol.md §4.4, §5.1,
 * §5.2): webwxnewloginpage, webwxinit, webwxstatusnotify Code 3.
 * Reads redirect_uri from stdin (`wx-wait | wx-init`) or DIR/session, and
 * mode.  The ticket of redirect_uri can be exchanged once only, so what
 * webwxnewloginpage answers is committed at once, with its cookies: skey,
 * wxsid, wxuin, pass_ticket, the hosts, mode, and login_uri (the spent
 * redirect_uri, so that a retry after a failed webwxinit skips the
 * exchange).  After webwxinit and webwxstatusnotify succeed: skey (the
 * SKey webwxinit gave, if any), synckey, synccheckkey, username, nickname.  stdout gets a summary without
 * secrets.  In file-helper mode (filehelper.md §3.3, §3.4) both requests
 * carry the mmweb_appid header and webwxstatusnotify is not sent. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "wx.h"

/* The longest User.UserName and NickName taken ("@" and 64 hex digits,
 * a name of a few dozen characters): more is a hostile answer. */
#define USERNAME_MAX 128
#define NICKNAME_MAX 1024

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
	enum wx_mode mode;            /* the session's mode= */
	char *skey, *wxsid, *wxuin;
	char *pass_ticket;            /* percent-encoded, as the XML has it */
};

struct account {
	struct wx_json *init;         /* the answer of webwxinit */
	struct wx_synckey sk;
	char *username, *nickname;
	int contacts, chats;
};

/* Move the credentials of the webwxnewloginpage answer into lg; a refusal
 * or a malformed answer is said, and its exit code returned. */
static int
take_credentials(const struct wx_resp *r, struct login *lg)
{
	struct wx_login l = {0};
	int rc = wx_parse_newloginpage(r->body.p, &l);

	if (rc != 0) {
		wx_warn("%s", l.why);
		wx_login_free(&l);
		return rc;
	}
	lg->skey = l.skey;
	lg->wxsid = l.wxsid;
	lg->wxuin = l.wxuin;
	lg->pass_ticket = l.pass_ticket;
	l.skey = l.wxsid = l.wxuin = l.pass_ticket = NULL;
	wx_login_free(&l);
	return 0;
}

/* Exchange the ticket.  A handle of its own, so that the desktop headers
 * go on this request only; its cookies reach the jar with the commit of
 * what it earned (see commit_login).  0, or the exit code. */
static int
newloginpage(struct wx_http *h, const char *uri, struct login *lg)
{
	struct wx_resp r = {0};
	char *url;
	int rc;

	url = wx_asprintf("%s%cfun=new&version=v2%s", uri,
	                  strchr(uri, '?') ? '&' : '?',
	                  lg->mode == WX_MODE_DESKTOP ? "&mod=desktop" : "");
	if (lg->mode == WX_MODE_DESKTOP) {
		wx_http_header(h, CLIENT_VERSION);
		wx_http_header(h, extspam);
	}
	/* An XHR of the File Helper page, though a GET (filehelper.md §8) */
	if (lg->mode == WX_MODE_FILEHELPER)
		wx_http_header(h, wx_fh_header);
	/* UOS logins answer 301 without Location, XML in the body. */
	wx_http_allow(h, 301);
	if ((rc = wx_http_get(h, url, &r)) == 0)
		rc = take_credentials(&r, lg);
	wx_resp_free(&r);
	free(url);
	return rc;
}

/* Commit what the ticket earned, and the cookies that came with it, in
 * one step under the lock; what belonged to the previous login goes. */
static void
commit_login(const char *dir, const char *uri, const struct login *lg,
             struct wx_http *h)
{
	static const char *const stale[] = {
		"synckey", "synccheckkey", "username", "nickname",
	};
	struct wx_state *ch = wx_state_new();
	struct wx_hosts hs;
	size_t i;

	if (wx_hosts_for(lg->web, &hs) < 0)
		wx_die(WX_EXIT_USAGE, "bad web host '%s'", lg->web);
	if (wx_state_set(ch, "skey", lg->skey) < 0 ||
	    wx_state_set(ch, "wxsid", lg->wxsid) < 0 ||
	    wx_state_set(ch, "wxuin", lg->wxuin) < 0 ||
	    wx_state_set(ch, "pass_ticket", lg->pass_ticket) < 0 ||
	    wx_state_set(ch, "host", lg->web) < 0 ||
	    wx_state_set(ch, "file_host", hs.file) < 0 ||
	    wx_state_set(ch, "push_host", hs.push) < 0 ||
	    wx_state_set(ch, "mode", wx_mode_name(lg->mode)) < 0 ||
	    wx_state_set(ch, "login_uri", uri) < 0)
		wx_die(WX_EXIT_USAGE, "redirect_uri: cannot be stored");
	for (i = 0; i < sizeof stale / sizeof *stale; i++)
		wx_state_set(ch, stale[i], NULL);
	wx_session_commit(dir, ch, h);
	wx_state_free(ch);
}

/* The credentials of an earlier run whose webwxinit failed, when the
 * ticket of uri is the one it spent; 0 if there are none. */
static int
earned_before(const struct wx_state *st, const char *uri, struct login *lg)
{
	const char *spent = wx_state_get(st, "login_uri");
	const char *skey = wx_state_get(st, "skey"), *sid = wx_state_get(st,
	    "wxsid"), *uin = wx_state_get(st, "wxuin"), *pt = wx_state_get(st,
	    "pass_ticket");

	if (!spent || strcmp(spent, uri) != 0 || !skey || !sid || !uin || !pt)
		return 0;
	lg->skey = wx_strdup(skey);
	lg->wxsid = wx_strdup(sid);
	lg->wxuin = wx_strdup(uin);
	lg->pass_ticket = wx_strdup(pt);
	return 1;
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

/* The decoded nickname, made safe for a key=value line. */
static char *
nickname(const struct wx_json *j)
{
	char *raw = wx_json_getstr(j, 0, "User.NickName"), *text, *safe;

	if (raw && strlen(raw) > NICKNAME_MAX)
		wx_die(WX_EXIT_TEMP, "webwxinit: answer too large (a NickName of "
		       "%zu bytes)", strlen(raw));
	text = raw ? wx_text_decode(raw, strlen(raw)) : wx_strdup("");
	safe = wx_safez(text);
	free(text);
	free(raw);
	return safe;
}

/* UserName goes into every request and the session: "@…", "wxid_…",
 * "filehelper" — printable ASCII without blanks. */
static char *
username(const struct wx_json *j)
{
	char *u = wx_json_getstr(j, 0, "User.UserName");
	size_t i, n = u ? strlen(u) : 0;

	if (n > USERNAME_MAX)
		wx_die(WX_EXIT_TEMP, "webwxinit: answer too large (a UserName of "
		       "%zu bytes)", n);
	for (i = 0; i < n; i++)
		if ((unsigned char)u[i] <= ' ' || (unsigned char)u[i] >= 0x7f)
			n = 0;
	if (n == 0)
		wx_die(WX_EXIT_TEMP, "webwxinit: no usable User.UserName");
	return u;
}

/* webwxinit; Uin goes as a string here, as the official client sends it. */
static void
webwxinit(struct wx_http *h, struct login *lg, struct account *ac)
{
	struct wx_buf body = {0};
	struct wx_json *j;
	char dev[17], *query, *skey;
	int rc;

	wx_device_id(dev, lg->mode);
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
	if ((rc = wx_cgi_post(h, lg->web, "webwxinit", query, &body, &j)) != 0)
		exit(rc);

	if ((skey = wx_json_getstr(j, 0, "SKey"))) {
		if (!wx_skey_sane(skey))
			wx_die(WX_EXIT_TEMP, "webwxinit: malformed SKey");
		free(lg->skey);
		lg->skey = skey;
	}
	if (wx_synckey_from_json(j, wx_json_get(j, 0, "SyncKey"), &ac->sk) < 0 ||
	    ac->sk.n == 0)
		wx_die(WX_EXIT_TEMP, "webwxinit: no usable SyncKey");
	ac->username = username(j);
	ac->nickname = nickname(j);
	ac->contacts = wx_json_count(j, wx_json_get(j, 0, "ContactList"));
	skey = wx_json_getstr(j, 0, "ChatSet");
	ac->chats = count_chats(skey);
	free(skey);
	ac->init = j;
	free(query);
	wx_buf_free(&body);
}

/* Tell the server (and the phone) that this client is ready: Code 3,
 * From = To = self. */
static void
statusnotify(struct wx_http *h, const struct login *lg, const struct account *ac)
{
	struct wx_buf body = {0};
	struct wx_json *j;
	char *query;
	int rc;

	wx_buf_adds(&body, "{\"BaseRequest\":");
	wx_base_request(&body, lg->wxuin, lg->wxsid, lg->skey, lg->mode);
	wx_buf_adds(&body, ",\"Code\":3,\"FromUserName\":");
	wx_json_put_strz(&body, ac->username);
	wx_buf_adds(&body, ",\"ToUserName\":");
	wx_json_put_strz(&body, ac->username);
	wx_buf_addf(&body, ",\"ClientMsgId\":%lld}", wx_now_ms());
	query = wx_asprintf("lang=zh_CN&pass_ticket=%s", lg->pass_ticket);
	if ((rc = wx_cgi_post(h, lg->web, "webwxstatusnotify", query, &body,
	                      &j)) != 0)
		exit(rc);
	wx_json_free(j);
	free(query);
	wx_buf_free(&body);
}

/* The account's keys, and the first contacts cache (what webwxinit
 * listed, rooms the address book lacks among them), in one commit. */
static void
commit(const char *dir, const struct login *lg, const struct account *ac,
       struct wx_http *h)
{
	struct wx_state *ch = wx_state_new();
	struct wx_buf sk = {0};

	wx_synckey_pipe(&ac->sk, &sk);
	/* webwxinit's SKey replaces the ticket's (protocol.md §3.2, as RC):
	 * statusnotify has gone out with it already. */
	if (wx_state_set(ch, "skey", lg->skey) < 0 ||
	    wx_state_set(ch, "synckey", sk.p) < 0 ||
	    wx_state_set(ch, "synccheckkey", sk.p) < 0 ||
	    wx_state_set(ch, "username", ac->username) < 0 ||
	    wx_state_set(ch, "nickname", ac->nickname) < 0)
		wx_die(WX_EXIT_TEMP, "webwxinit: a value cannot be stored");
	wx_contacts_start(dir, ch, h, ac->init, wx_json_get(ac->init, 0,
	                  "ContactList"), lg->wxuin, ac->username);
	wx_buf_free(&sk);
	wx_state_free(ch);
}

static _Noreturn void
usage(int help)
{
	wx_usage("wx-init [-d DIR]", help);
}

int
main(int argc, char *argv[])
{
	const char *dflag = NULL;
	struct login lg = {0};
	struct account ac = {0};
	struct wx_state *st;
	struct wx_http *h;
	char *dir, *jar, *uri;
	int c;

	wx_argv0 = "wx-init";
	opterr = 0;  /* no unprefixed getopt message: usage() says it */
	while ((c = getopt(argc, argv, "d:hV")) != -1) {
		switch (c) {
		case 'd': dflag = optarg; break;
		case 'h': usage(1);
		case 'V': wx_version();
		default: usage(0);
		}
	}
	if (optind != argc)
		usage(0);

	dir = wx_session_dir(dflag);
	uri = wx_input(dir, "redirect_uri", "wx-wait", &st);
	lg.web = wx_url_host(uri);
	lg.mode = wx_session_mode(st, dir);
	if (!lg.web || !wx_mode_host(lg.mode, lg.web))
		wx_die(WX_EXIT_USAGE, "redirect_uri: unknown web host %s for mode "
		       "%s", lg.web ? lg.web : "(none)", wx_mode_name(lg.mode));
	jar = wx_asprintf("%s/cookies", dir);

	if (!earned_before(st, uri, &lg)) {
		h = wx_http_new(jar);
		if ((c = newloginpage(h, uri, &lg)) != 0) {
			wx_http_free(h);
			exit(c);
		}
		commit_login(dir, uri, &lg, h);
		wx_http_free(h);
	}
	h = wx_http_new(jar);
	wx_mode_http(h, lg.mode);
	webwxinit(h, &lg, &ac);
	/* No File Helper client sends it (filehelper.md §3.4). */
	if (lg.mode != WX_MODE_FILEHELPER)
		statusnotify(h, &lg, &ac);
	commit(dir, &lg, &ac, h);
	wx_http_free(h);
	wx_json_free(ac.init);

	printf("username=%s\nnickname=%s\nhost=%s\nmode=%s\ncontacts=%d\n"
	       "chats=%d\n", ac.username, ac.nickname, lg.web,
	       wx_mode_name(lg.mode), ac.contacts, ac.chats);

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
