/* wx-wait — long-poll the login status until the phone confirms
 * (protocol.md §4.3).  Reads the uuid from stdin (`wx-uuid | wx-wait`) or
 * DIR/session; prints and commits `redirect_uri=…` once confirmed.
 * 408 polls again, 201 (scanned) is reported once on stderr, 400/202 end
 * with 1, -t ends with 99; the redirect must point at a known web host,
 * and nothing is committed unless it does. */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "wx.h"

#define DEFAULT_WEB "wx.qq.com"
/* Each poll may take this long: above the server's ~25 s hold, as RC. */
#define POLL_TIMEOUT 35

static const char B64[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* Decode base64 (no line breaks; padding optional).  -1 if malformed. */
static int
base64_decode(const char *s, size_t n, struct wx_buf *out)
{
	unsigned acc = 0;
	int bits = 0;
	size_t i;
	const char *p;

	while (n > 0 && s[n - 1] == '=')
		n--;
	for (i = 0; i < n; i++) {
		if (!s[i] || !(p = strchr(B64, s[i])))
			return -1;
		acc = (acc << 6) | (unsigned)(p - B64);
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			wx_buf_addc(out, (char)((acc >> bits) & 0xff));
		}
	}
	return bits >= 6 ? -1 : 0;
}

/* Write data to path whole or not at all: temp file, then rename. */
static void
save_file(const char *path, const struct wx_buf *data)
{
	char *tmp = wx_asprintf("%s.tmpXXXXXX", path);
	int fd = mkstemp(tmp);

	if (fd < 0)
		wx_die(WX_EXIT_USAGE, "%s:", tmp);
	if (write(fd, data->p, data->len) != (ssize_t)data->len ||
	    fchmod(fd, 0644) < 0 || close(fd) < 0 || rename(tmp, path) < 0) {
		unlink(tmp);
		wx_die(WX_EXIT_USAGE, "%s:", path);
	}
	free(tmp);
}

/* From a 201 answer `…window.userAvatar = 'data:img/jpg;base64,…';`
 * save the picture; a missing or broken avatar is only worth a warning. */
static void
save_avatar(const char *body, const char *path)
{
	struct wx_buf img = {0};
	const char *p = strstr(body, "base64,"), *q;

	if (!p || !(q = strchr(p += 7, '\'')) ||
	    base64_decode(p, (size_t)(q - p), &img) < 0 || img.len == 0) {
		wx_warn("no usable avatar in the answer; %s not written", path);
		wx_buf_free(&img);
		return;
	}
	save_file(path, &img);
	wx_buf_free(&img);
}

/* 200: `window.code=200;` LF `window.redirect_uri="…";` -> the URL, which
 * must be https on a known web host (we will send it our cookies). */
static char *
parse_redirect(const char *body)
{
	const char *p = strstr(body, "window.redirect_uri=\""), *q;
	char *uri, *host;

	if (!p || !(q = strstr(p += 21, "\";")))
		wx_die(WX_EXIT_TEMP, "login: no redirect_uri in the answer");
	uri = wx_strndup(p, (size_t)(q - p));
	if (strcspn(uri, " \t\r\n\"'") != strlen(uri))
		wx_die(WX_EXIT_TEMP, "login: malformed redirect_uri");
	host = wx_url_host(uri);
	if (!host || !wx_web_host_known(host))
		wx_die(WX_EXIT_TEMP, "redirect to unknown host %s",
		       host ? host : "(none)");
	free(host);
	return uri;
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

struct poll {
	struct wx_http *h;
	char *uuid;           /* percent-encoded */
	const char *login;    /* login host */
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

/* One poll; its body in r.  Exits 99 when the deadline passed. */
static void
poll_once(struct poll *pl, struct wx_resp *r)
{
	long long left = left_ms(pl);
	char *url;
	int rc;

	if (left <= 0)
		wx_die(WX_EXIT_TIMEOUT, "timed out; the QR code was not confirmed");
	wx_http_timeout(pl->h, left >= POLL_TIMEOUT * 1000 ? POLL_TIMEOUT :
	                (long)((left + 999) / 1000));
	url = wx_asprintf("https://%s/cgi-bin/mmwebwx-bin/login?loginicon=true"
	                  "&uuid=%s&tip=%d&r=%lld&_=%lld", pl->login, pl->uuid,
	                  pl->tip, wx_stamp_r(), pl->underscore++);
	pl->tip = 0;
	rc = wx_http_get(pl->h, url, r);
	free(url);
	if (rc != 0 && left_ms(pl) <= 0)
		wx_die(WX_EXIT_TIMEOUT, "timed out; the QR code was not confirmed");
	if (rc != 0)
		exit(WX_EXIT_TEMP);
	if (r->status != 200)
		wx_die(WX_EXIT_TEMP, "login: HTTP %ld", r->status);
}

/* The server holds a poll ~25 s before its 408; one that comes back at
 * once (a proxy, a broken server) must not turn the loop into a flood:
 * at most one such poll a second. */
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
	int scanned = 0;
	long long started;
	char *uri;

	for (;;) {
		started = wx_now_ms();
		poll_once(pl, &r);
		switch (login_code(r.body.p ? r.body.p : "")) {
		case 408:
			pace(started);
			continue;
		case 201:
			if (!scanned) {
				wx_warn("scanned; confirm on the phone");
				if (avatar)
					save_avatar(r.body.p, avatar);
			}
			scanned = 1;
			continue;
		case 200:
			uri = parse_redirect(r.body.p);
			wx_resp_free(&r);
			return uri;
		case 400:
			wx_die(WX_EXIT_REFUSED, "QR code expired");
		case 202:
			wx_die(WX_EXIT_REFUSED, "login cancelled on the phone");
		default:
			wx_die(WX_EXIT_TEMP, "login: unexpected answer '%.40s'",
			       r.body.p ? r.body.p : "");
		}
	}
}

static void
usage(void)
{
	fprintf(stderr, "usage: wx-wait [-d DIR] [-t SECONDS] [-a FILE]\n");
	exit(WX_EXIT_USAGE);
}

int
main(int argc, char *argv[])
{
	const char *dflag = NULL, *avatar = NULL, *web;
	long long timeout = 0;
	struct wx_state *st, *ch;
	struct wx_hosts hs;
	struct poll pl = {0};
	char *dir, *jar, *uuid, *uri;
	int c;

	wx_argv0 = "wx-wait";
	opterr = 0;  /* no unprefixed getopt message: usage() says it */
	while ((c = getopt(argc, argv, "d:t:a:")) != -1) {
		switch (c) {
		case 'd': dflag = optarg; break;
		case 't': timeout = wx_strtonum(optarg, 1, 86400 * 365, "-t"); break;
		case 'a': avatar = optarg; break;
		default: usage();
		}
	}
	if (optind != argc)
		usage();
	if (timeout)
		pl.deadline = wx_now_ms() + timeout * 1000;

	dir = wx_session_dir(dflag);
	uuid = wx_input(dir, "uuid", "wx-uuid", &st);
	web = wx_state_get(st, "host");
	if (wx_hosts_for(web && wx_web_host_known(web) ? web : DEFAULT_WEB,
	                 &hs) < 0)
		wx_die(WX_EXIT_USAGE, "bad web host");
	jar = wx_asprintf("%s/cookies", dir);
	pl.h = wx_http_new(jar);
	pl.uuid = wx_urlencode(uuid);
	pl.login = hs.login;
	pl.underscore = wx_now_ms();
	pl.tip = 1;
	uri = wait_login(&pl, avatar);
	if (wx_http_free(pl.h) < 0)
		wx_die(WX_EXIT_TEMP, "%s: cannot save cookies", jar);

	ch = wx_state_new();
	if (wx_state_set(ch, "redirect_uri", uri) < 0)
		wx_die(WX_EXIT_TEMP, "login: malformed redirect_uri");
	wx_session_commit(dir, ch);
	printf("redirect_uri=%s\n", uri);

	wx_state_free(ch);
	wx_state_free(st);
	free(uri);
	free(pl.uuid);
	free(uuid);
	free(jar);
	free(dir);
	return wx_fshut(stdout, "stdout", WX_EXIT_OK);
}
