/* cycle.c — benchmark client for wx-emu (run by t/bench/run, never by
 * `make check`).  Reads a logged-in session from DIR/session and either
 *   contacts      pages through webwxgetcontact until Seq is 0, or
 *   cycles N      runs N synccheck + webwxsync rounds, advancing the keys,
 * over one keep-alive connection through lib/http.c, and prints one line:
 * "<what> <count> <seconds>". */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "wx.h"

struct sess {
	const char *host, *push, *uin, *sid, *skey, *pt;
	struct wx_synckey sk;
};

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static struct wx_json *
call(struct wx_http *h, const char *url, const char *body)
{
	struct wx_resp r = {0};
	struct wx_json *j;
	char err[128];
	int rc = body ? wx_http_post_json(h, url, body, strlen(body), &r)
	              : wx_http_get(h, url, &r);

	if (rc || r.status != 200)
		wx_die(WX_EXIT_TEMP, "bench: %s: status %ld", url, r.status);
	j = wx_json_parse(r.body.p, r.body.len, err, sizeof err);
	if (!j)
		wx_die(WX_EXIT_TEMP, "bench: %s: %s", url, err);
	wx_resp_free(&r);
	return j;
}

static int
contacts(struct wx_http *h, const struct sess *s)
{
	long long seq = 0;
	int total = 0;

	do {
		char *q = wx_asprintf("lang=zh_CN&pass_ticket=%s&r=%lld&seq=%lld&skey=%s",
		                      s->pt, wx_now_ms(), seq, s->skey);
		char *url = wx_cgi_url(s->host, "webwxgetcontact", q);
		struct wx_json *j = call(h, url, NULL);
		long long n = 0;

		wx_json_int(j, wx_json_get(j, 0, "MemberCount"), &n);
		total += (int)n;
		if (wx_json_int(j, wx_json_get(j, 0, "Seq"), &seq))
			wx_die(WX_EXIT_TEMP, "bench: no Seq");
		wx_json_free(j);
		free(url);
		free(q);
	} while (seq != 0);
	return total;
}

static void
synccheck(struct wx_http *h, const struct sess *s)
{
	struct wx_buf key = {0};
	struct wx_resp r = {0};
	char dev[17], *ek, *esk, *esid, *q, *url;

	wx_synckey_pipe(&s->sk, &key);
	wx_device_id(dev);
	ek = wx_urlencode(key.p);
	esk = wx_urlencode(s->skey);
	esid = wx_urlencode(s->sid);
	q = wx_asprintf("r=%lld&skey=%s&sid=%s&uin=%s&deviceid=%s&synckey=%s&_=%lld",
	                wx_now_ms(), esk, esid, s->uin, dev, ek, wx_now_ms());
	url = wx_asprintf("https://%s/cgi-bin/mmwebwx-bin/synccheck?%s", s->push, q);
	if (wx_http_get(h, url, &r) || !strstr(r.body.p ? r.body.p : "", "retcode:\"0\""))
		wx_die(WX_EXIT_TEMP, "bench: synccheck: %s", r.body.p ? r.body.p : "");
	wx_resp_free(&r);
	free(url); free(q); free(ek); free(esk); free(esid);
	wx_buf_free(&key);
}

static void
sync(struct wx_http *h, struct sess *s)
{
	struct wx_buf body = {0};
	struct wx_json *j;
	char *q = wx_asprintf("sid=%s&skey=%s&lang=zh_CN&pass_ticket=%s",
	                      s->sid, s->skey, s->pt);
	char *url = wx_cgi_url(s->host, "webwxsync", q);

	wx_buf_adds(&body, "{\"BaseRequest\":");
	wx_base_request(&body, s->uin, s->sid, s->skey);
	wx_buf_adds(&body, ",\"SyncKey\":");
	wx_synckey_json(&s->sk, &body);
	wx_buf_addf(&body, ",\"rr\":%lld}", wx_stamp_r());
	j = call(h, url, body.p);
	if (wx_synckey_from_json(j, wx_json_get(j, 0, "SyncKey"), &s->sk))
		wx_die(WX_EXIT_TEMP, "bench: webwxsync: no SyncKey");
	wx_json_free(j);
	wx_buf_free(&body);
	free(url);
	free(q);
}

int
main(int argc, char **argv)
{
	struct wx_state *st;
	struct wx_http *h;
	struct sess s;
	char *dir, *jar;
	double t0;
	long long i, n = 0;

	wx_argv0 = "bench-cycle";
	if (argc < 3)
		wx_die(WX_EXIT_USAGE, "usage: cycle DIR contacts | cycle DIR cycles N");
	dir = wx_session_dir(argv[1]);
	st = wx_session_load(dir);
	s.host = wx_session_need(st, dir, "host", "wx-init");
	s.push = wx_session_need(st, dir, "push_host", "wx-init");
	s.uin = wx_session_need(st, dir, "wxuin", "wx-init");
	s.sid = wx_session_need(st, dir, "wxsid", "wx-init");
	s.skey = wx_session_need(st, dir, "skey", "wx-init");
	s.pt = wx_session_need(st, dir, "pass_ticket", "wx-init");
	if (wx_synckey_parse(wx_session_need(st, dir, "synckey", "wx-init"), &s.sk))
		wx_die(WX_EXIT_USAGE, "bad synckey");
	jar = wx_asprintf("%s/cookies", dir);
	h = wx_http_new(jar);
	t0 = now();
	if (strcmp(argv[2], "contacts") == 0) {
		n = contacts(h, &s);
	} else if (argc == 4 && strcmp(argv[2], "cycles") == 0) {
		n = wx_strtonum(argv[3], 1, 100000000, "cycles");
		for (i = 0; i < n; i++) {
			synccheck(h, &s);
			sync(h, &s);
		}
	} else {
		wx_die(WX_EXIT_USAGE, "unknown mode %s", argv[2]);
	}
	printf("%s %lld %.3f\n", argv[2], n, now() - t0);
	wx_http_free(h);
	return wx_fshut(stdout, "stdout", 0);
}
