/* wx-wait — long-poll the login status until the phone confirms
 * (protocol.md §4.3).  Reads the uuid from stdin (`wx-uuid | wx-wait`) or
 * DIR/session; prints and commits `redirect_uri=…` once confirmed.
 * 408 polls again, 201 (scanned) is reported once on stderr, 400/202 end
 * with 1, -t ends with 99; the redirect must point at a web host of the
 * session's mode, and nothing is committed unless it does.  In
 * file-helper mode each poll ends with &appid=wx_webfilehelper. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "wx.h"

/* Each poll may take this long: above the server's ~25 s hold, as RC. */
#define POLL_TIMEOUT 35

/* Save the avatar of a 201 answer; a missing or broken one is only
 * worth a warning. */
static void
save_avatar(const struct wx_login *l, const char *path)
{
	struct wx_buf img = {0};

	if (!l->avatar || wx_base64_decode(l->avatar, l->avatar_len, &img) < 0
	    || img.len == 0)
		wx_warn("no usable avatar in the answer; %s not written", path);
	else if (wx_write_atomic(path, img.p, img.len, 0666) < 0)
		wx_die(wx_exit_errno(errno), "%s:", path);
	wx_buf_free(&img);
}

struct poll {
	struct wx_http *h;
	char *uuid;           /* percent-encoded */
	const char *login;    /* login host */
	char *appid;          /* "&appid=…" of file-helper mode, or "" */
	long long underscore; /* jQuery's cache buster: +1 per request */
	int tip;              /* 1 on the first poll, then 0 */
	long long deadline;   /* ms, 0 = none */
};

/* Milliseconds left before the -t deadline (never 0 when unset). */
static long long
left_ms(const struct poll *pl)
{
	return pl->deadline ? pl->deadline - wx_now_ms() : POLL_TIMEOUT * 1000;
}

/* wx_http_stop_on: a poll still open at the -t deadline ends there,
 * quietly, so that "timed out" is the one line said, not a curl timeout
 * before it (the fault matrix, t/85: a server dripping its answer). */
static int
past_deadline(void *arg)
{
	const struct poll *pl = arg;

	return pl->deadline && left_ms(pl) <= 0;
}

/* One poll; its body in r.  Exits 99 when the deadline passed. */
static void
poll_once(struct poll *pl, struct wx_resp *r)
{
	long long left = left_ms(pl);
	char *url;
	int rc;

	if (left <= 0)
		wx_die(WX_EXIT_TIMEOUT, "timed out; the QR code was not confirmed");
	/* past the deadline by a second: past_deadline ends it first */
	wx_http_timeout(pl->h, left >= POLL_TIMEOUT * 1000 ? POLL_TIMEOUT :
	                (long)((left + 999) / 1000) + 1);
	url = wx_asprintf("https://%s/cgi-bin/mmwebwx-bin/login?loginicon=true"
	                  "&uuid=%s&tip=%d&r=%lld&_=%lld%s", pl->login, pl->uuid,
	                  pl->tip, wx_stamp_r(), pl->underscore++, pl->appid);
	pl->tip = 0;
	rc = wx_http_get(pl->h, url, r);
	free(url);
	if (rc != 0 && left_ms(pl) <= 0)
		wx_die(WX_EXIT_TIMEOUT, "timed out; the QR code was not confirmed");
	if (rc != 0)
		exit(rc);
}

/* The server holds a poll ~25 s before its 408 (and after a 201); one
 * that comes back at once (a proxy, a broken server) must not turn the
 * loop into a flood: at most one such poll a second. */
static void
pace(long long started)
{
	long long ms = started + 1000 - wx_now_ms();
	struct timespec ts;

	if (ms <= 0)
		return;
	ts.tv_sec = ms / 1000;
	ts.tv_nsec = (long)(ms % 1000) * 1000000;
	nanosleep(&ts, NULL);
}

/* Poll until confirmed; returns redirect_uri. */
static char *
wait_login(struct poll *pl, const char *avatar)
{
	struct wx_resp r = {0};
	struct wx_login l = {0};
	int rc, scanned = 0;
	long long started;
	char *uri;

	for (;;) {
		started = wx_now_ms();
		poll_once(pl, &r);
		wx_login_free(&l);
		if ((rc = wx_parse_loginpoll(r.body.p, &l)) != 0)
			wx_die(rc, "%s", l.why);
		switch (l.code) {
		case 408:
			pace(started);
			continue;
		case 201:
			/* The first 201 is news: poll again at once, as the
			 * confirmation may be there already; a repeated one is
			 * paced like a 408. */
			if (scanned) {
				pace(started);
				continue;
			}
			wx_warn("scanned; confirm on the phone");
			if (avatar)
				save_avatar(&l, avatar);
			scanned = 1;
			continue;
		case 400:
			wx_die(WX_EXIT_REFUSED, "QR code expired");
		case 202:
			wx_die(WX_EXIT_REFUSED, "login cancelled on the phone");
		default:  /* 200, the only other code the parser lets through */
			uri = l.redirect_uri;
			l.redirect_uri = NULL;
			wx_login_free(&l);
			wx_resp_free(&r);
			return uri;
		}
	}
}

static _Noreturn void
usage(int help)
{
	wx_usage("wx-wait [-d DIR] [-t SECONDS] [-a FILE]", help);
}

int
main(int argc, char *argv[])
{
	const char *dflag = NULL, *avatar = NULL;
	long long timeout = 0;
	struct wx_state *st, *ch;
	struct wx_hosts hs;
	struct poll pl = {0};
	/* static: still reachable when a poll's failure exits (wx_die) deep
	 * in wait_login, where an -O2 register copy would leave
	 * LeakSanitizer calling it a leak (the fault matrix, SANITIZE=1) */
	static char *dir;
	char *jar, *uuid, *uri, *host;
	enum wx_mode mode;
	int c;

	wx_argv0 = "wx-wait";
	opterr = 0;  /* no unprefixed getopt message: usage() says it */
	while ((c = getopt(argc, argv, "d:t:a:hV")) != -1) {
		switch (c) {
		case 'd': dflag = optarg; break;
		case 't': timeout = wx_strtonum(optarg, 1, 86400 * 365, "-t"); break;
		case 'a': avatar = optarg; break;
		case 'h': usage(1);
		case 'V': wx_version();
		default: usage(0);
		}
	}
	if (optind != argc)
		usage(0);
	if (timeout)
		pl.deadline = wx_now_ms() + timeout * 1000;

	dir = wx_session_dir(dflag);
	uuid = wx_input(dir, "uuid", "wx-uuid", &st);
	mode = wx_session_mode(st, dir);
	if (!wx_uuid_sane(uuid))
		wx_die(WX_EXIT_USAGE, "bad uuid: want 8 to 32 of A-Z a-z 0-9 + / = _ -");
	if (wx_hosts_for(wx_mode_start(st, mode), &hs) < 0)
		wx_die(WX_EXIT_USAGE, "bad web host");
	jar = wx_asprintf("%s/cookies", dir);
	pl.h = wx_http_new(jar);
	pl.uuid = wx_urlencode(uuid);
	free(uuid);
	pl.login = hs.login;
	/* the File Helper page's poll names its app, last
	 * (filehelper.md §3.2) */
	pl.appid = mode == WX_MODE_FILEHELPER ?
	           wx_asprintf("&appid=%s", wx_fh.appid) : wx_strdup("");
	pl.underscore = wx_now_ms();
	pl.tip = 1;
	wx_http_stop_on(pl.h, past_deadline, &pl);
	uri = wait_login(&pl, avatar);
	host = wx_url_host(uri);
	if (!host || !wx_mode_host(mode, host))
		wx_die(WX_EXIT_TEMP, "login: redirect to %s, not a web host of "
		       "mode %s", host ? host : "(none)", wx_mode_name(mode));
	free(host);

	ch = wx_state_new();
	if (wx_state_set(ch, "redirect_uri", uri) < 0)
		wx_die(WX_EXIT_TEMP, "login: malformed redirect_uri");
	wx_session_commit(dir, ch, pl.h);
	printf("redirect_uri=%s\n", uri);

	wx_http_free(pl.h);
	wx_state_free(ch);
	wx_state_free(st);
	free(uri);
	free(pl.uuid);
	free(pl.appid);
	free(jar);
	free(dir);
	return wx_fshut(stdout, "stdout", WX_EXIT_OK);
}
