/* sess.c — what every command after wx-init starts from: the session of
 * a logged-in account (host and credentials from DIR/session) and an HTTP
 * handle with its cookie jar. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wx.h"

/* wx-logout keeps wxuin and forgets wxsid: the server would say
 * "logged out" (1, as for Ret 1100) if it were asked. */
static void
logged_out(const struct wx_sess *s)
{
	const char *uin = wx_state_get(s->st, "wxuin"),
	           *sid = wx_state_get(s->st, "wxsid");

	if (uin && *uin && (!sid || !*sid))
		wx_die(WX_EXIT_REFUSED, "%s/session: logged out; log in again "
		       "(wx-login)", s->dir);
}

/* The session's value of key (file_host, push_host) into out when it is
 * a plausible host, else derived, the one rule for every command. */
static void
side_host(const struct wx_sess *s, const char *key, const char *derived,
          char out[64])
{
	const char *v = wx_state_get(s->st, key);
	struct wx_hosts hs;

	if (!v || strlen(v) >= 64 || wx_hosts_for(v, &hs) < 0)
		v = derived;
	snprintf(out, 64, "%s", v);
}

void
wx_mode_http(struct wx_http *h, enum wx_mode m)
{
	if (m == WX_MODE_FILEHELPER)
		wx_http_post_header(h, wx_fh_header);
}

void
wx_sess_open(struct wx_sess *s, const char *dflag)
{
	struct wx_hosts hs;
	char *jar;

	memset(s, 0, sizeof *s);
	s->dir = wx_session_dir(dflag);
	s->st = wx_session_load(s->dir);
	s->host = wx_session_need(s->st, s->dir, "host", "wx-init");
	logged_out(s);
	s->uin = wx_session_need(s->st, s->dir, "wxuin", "wx-init");
	s->sid = wx_session_need(s->st, s->dir, "wxsid", "wx-init");
	s->skey = wx_session_need(s->st, s->dir, "skey", "wx-init");
	s->pass_ticket = wx_session_need(s->st, s->dir, "pass_ticket", "wx-init");
	s->username = wx_session_need(s->st, s->dir, "username", "wx-init");
	s->mode = wx_session_mode(s->st, s->dir);
	if (!wx_mode_host(s->mode, s->host) || wx_hosts_for(s->host, &hs) < 0)
		wx_die(WX_EXIT_USAGE, "%s/session: unknown web host %s for "
		       "mode %s", s->dir, s->host, wx_mode_name(s->mode));
	side_host(s, "file_host", hs.file, s->file_host);
	side_host(s, "push_host", hs.push, s->push_host);
	jar = wx_asprintf("%s/cookies", s->dir);
	s->h = wx_http_new(jar);
	wx_mode_http(s->h, s->mode);
	free(jar);
}

void
wx_sess_close(struct wx_sess *s)
{
	wx_http_free(s->h);
	wx_state_free(s->st);
	free(s->dir);
	memset(s, 0, sizeof *s);
}

void
wx_sess_body(const struct wx_sess *s, struct wx_buf *b)
{
	wx_buf_adds(b, "{\"BaseRequest\":");
	wx_base_request(b, s->uin, s->sid, s->skey, s->mode);
}
