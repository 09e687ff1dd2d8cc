/* wx-logout — end the session (protocol.md §10.5): first forget its
 * secrets, then tell the server with webwxlogout.  Under the session
 * lock, DIR/session loses the credentials and every key of that login
 * (one atomic write), DIR/cookies and DIR/contacts are removed; wxuin
 * (for push login, `wx-uuid -p`), the hosts, nickname and mode stay.
 * The request goes out afterwards with the credentials still in memory;
 * its answer is ignored, as every client ignores it, but a failed
 * request is reported in the exit status.  Prints nothing; a session
 * already logged out is left as it is, exit 0. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "wx.h"

/* What the session forgets: the credentials and all that belongs to
 * one login only (wx-session(5)). */
static const char *const forget[] = {
	"skey", "wxsid", "pass_ticket", "synckey", "synccheckkey", "msgids",
	"uuid", "redirect_uri", "login_uri", "username",
};

/* Under the session lock, before DIR/session is rewritten: the cookie
 * jar goes, and the contacts cache (its HeadImgUrl carry the skey; the
 * next login makes it anew), with any temp file a writer left. */
static int
remove_files(void *arg)
{
	static const char *const files[] = { "cookies", "contacts" };
	char *path;
	size_t i;
	int rc = 0;

	for (i = 0; i < sizeof files / sizeof *files && rc == 0; i++) {
		path = wx_asprintf("%s/%s", (const char *)arg, files[i]);
		wx_remove_stale_temps(path);
		if (unlink(path) < 0 && errno != ENOENT) {
			wx_warn("%s:", path);
			rc = wx_exit_errno(errno);
		}
		free(path);
	}
	return rc;
}

/* Is DIR/name there (or in doubt)? */
static int
present(const char *dir, const char *name)
{
	char *path = wx_asprintf("%s/%s", dir, name);
	int rc = access(path, F_OK) == 0 || errno != ENOENT;

	free(path);
	return rc;
}

/* A value of st, NULL when missing or empty. */
static const char *
get(const struct wx_state *st, const char *key)
{
	const char *v = wx_state_get(st, key);

	return v && *v ? v : NULL;
}

/* POST webwxlogout?redirect=1&type=0&skey=… with the form sid=…&uin=…
 * (RC's type 0, a user's logout) through h, which holds the cookies. */
static int
logout(struct wx_http *h, enum wx_mode m, const char *host, const char *skey,
       const char *sid, const char *uin)
{
	char *esk = wx_urlencode(skey), *esid = wx_urlencode(sid),
	     *euin = wx_urlencode(uin), *query, *url, *form;
	struct wx_resp r = {0};
	int rc;

	query = wx_asprintf("redirect=1&type=0&skey=%s", esk);
	url = wx_cgi_url(host, m == WX_MODE_FILEHELPER ? wx_fh.logout_cgi :
	                 "webwxlogout", query);
	form = wx_asprintf("sid=%s&uin=%s", esid, euin);
	/* redirect=1 asks for a redirect to the login page: an answer
	 * too, and like every answer not read. */
	wx_http_allow(h, 302);
	rc = wx_http_post_form(h, url, form, &r);
	wx_resp_free(&r);
	free(form);
	free(url);
	free(query);
	free(euin);
	free(esid);
	free(esk);
	return rc;
}

static _Noreturn void
usage(int help)
{
	wx_usage("wx-logout [-d DIR]", help);
}

int
main(int argc, char *argv[])
{
	const char *dflag = NULL, *host, *uin, *sid, *skey;
	struct wx_state *st, *ch;
	struct wx_http *h = NULL;
	enum wx_mode mode;
	char *dir, *jar;
	size_t i;
	int c, rc = 0, any = 0;

	wx_argv0 = "wx-logout";
	opterr = 0;  /* no unprefixed getopt message: usage() says it */
	while ((c = getopt(argc, argv, "d:hV")) != -1) {
		switch (c) {
		case 'd': dflag = optarg; break;
		case 'h': usage(1);
		case 'V': wx_version();
		default: usage(0);
		}
	}
	if (argc > optind)
		usage(0);

	dir = wx_session_dir(dflag);
	st = wx_session_load(dir);
	host = get(st, "host");
	uin = get(st, "wxuin");
	sid = get(st, "wxsid");
	skey = get(st, "skey");
	mode = wx_session_mode(st, dir);
	/* The jar read now: the request after the forgetting sends it. */
	if (host && uin && sid && skey && wx_mode_host(mode, host)) {
		jar = wx_asprintf("%s/cookies", dir);
		h = wx_http_new(jar);
		wx_mode_http(h, mode);
		free(jar);
	}

	/* Nothing to forget (a second wx-logout, no login ever): no
	 * write, not even of an empty session. */
	ch = wx_state_new();
	for (i = 0; i < sizeof forget / sizeof *forget; i++)
		if (wx_state_get(st, forget[i])) {
			wx_state_set(ch, forget[i], NULL);
			any = 1;
		}
	if (any || present(dir, "cookies") || present(dir, "contacts"))
		wx_session_commit_with(dir, ch, NULL, remove_files, dir);

	if (h) {
		rc = logout(h, mode, host, skey, sid, uin);
		if (rc != 0)
			wx_warn("the server may not know of the logout; the "
			        "session's secrets are gone from %s all the same",
			        dir);
		wx_http_free(h);
	}
	wx_state_free(ch);
	wx_state_free(st);
	free(dir);
	return wx_fshut(stdout, "stdout", rc);
}
