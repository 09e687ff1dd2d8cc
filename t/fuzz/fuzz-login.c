/* libFuzzer target for lib/login.c: every login parser on every input
 * never crashes, gives exactly one of value or verdict, and a value it
 * gives has passed the checks the commands rely on. */
#include <stdlib.h>

#include "fuzz.h"

/* A verdict is an exit code with its diagnostic, and never a value. */
static void
verdict_ok(int rc, const struct wx_login *l)
{
	if (rc != 0 && rc != WX_EXIT_REFUSED && rc != WX_EXIT_TEMP)
		abort();
	if ((rc != 0) != (l->why != NULL))
		abort();
	if (rc != 0 && (l->uuid || l->redirect_uri || l->skey || l->wxsid ||
	    l->wxuin || l->pass_ticket || l->avatar))
		abort();
}

static void
check_poll(const char *s, size_t n)
{
	struct wx_login l = {0};
	int rc = wx_parse_loginpoll(s, &l);
	char *host;

	verdict_ok(rc, &l);
	if (rc == 0 && (l.code == 200) != (l.redirect_uri != NULL))
		abort();
	if (l.redirect_uri) {
		host = wx_url_host(l.redirect_uri);
		if (!host || !wx_web_host_known(host))
			abort();  /* the cookies would go to a stranger */
		free(host);
	}
	if (l.avatar && (l.avatar < s || l.avatar + l.avatar_len > s + n))
		abort();  /* the slice must lie inside the body */
	wx_login_free(&l);
}

static void
check_credentials(const char *s)
{
	struct wx_login l = {0};
	int rc = wx_parse_newloginpage(s, &l);

	verdict_ok(rc, &l);
	if (rc == 0 && (!wx_skey_sane(l.skey) || !l.wxsid || !l.wxuin ||
	    !l.pass_ticket || strlen(l.wxuin) > 10))
		abort();
	wx_login_free(&l);
}

static void
check_uuid(int rc, struct wx_login *l)
{
	verdict_ok(rc, l);
	if (rc == 0 && (!l->uuid || !*l->uuid || strlen(l->uuid) > 32))
		abort();
	wx_login_free(l);
}

int
LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	char *s = wx_strndup((const char *)data, size);  /* NUL-terminated */
	struct wx_login l = {0};

	check_uuid(wx_parse_jslogin(s, &l), &l);
	check_uuid(wx_parse_pushlogin((const char *)data, size, &l), &l);
	check_poll(s, strlen(s));
	check_credentials(s);
	free(s);
	return 0;
}
