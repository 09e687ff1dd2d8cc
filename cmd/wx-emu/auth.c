/* auth.c — who a request is: the session named by its credentials
 * (BaseRequest, query or cookies), or the Ret code that refuses it,
 * including an armed retNNNN fault (protocol.md §3.2, §3.3). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "emu.h"

/* Lenient on encodings, as real clients differ (protocol.md §12.5). */

/* Credential `name` from BaseRequest, else query `arg`, else cookie. */
static char *
credential(const struct emu_req *r, const char *json_key,
           const char *arg, const char *cookie)
{
	char path[40], *json;
	const char *v;

	if (r->json) {
		snprintf(path, sizeof path, "BaseRequest.%s", json_key);
		json = wx_json_getstr(r->json, 0, path);
		if (json && *json && strcmp(json, "0") != 0)
			return json;
		free(json);
	}
	v = emu_arg(r, arg);
	if ((!v || !*v) && cookie)
		v = emu_cookie(r, cookie);
	return v && *v ? wx_strdup(v) : NULL;
}

/* given equals want, where a space in given may stand for '+': MHD
 * decodes '+' in a query to a space, and base64 sids carry '+'. */
static int
plus_equal(const char *given, const char *want)
{
	for (; *given && *want; given++, want++)
		if (*given != *want && !(*given == ' ' && *want == '+'))
			return 0;
	return *given == *want;
}

/* given equals want raw or once percent-decoded (sid "U%2BUg…"). */
static int
same_token(const char *given, const char *want)
{
	char *d;
	int ok;

	if (plus_equal(given, want))
		return 1;
	d = wx_urldecode(given);
	ok = d && plus_equal(d, want);
	free(d);
	return ok;
}

static struct emu_session *
session_by_sid(const char *uin, const char *sid)
{
	int i;

	for (i = 0; i < world.nsessions; i++) {
		struct emu_session *s = &world.sessions[i];
		char u[16];
		snprintf(u, sizeof u, "%u", s->uin);
		if (strcmp(u, uin) == 0 && same_token(sid, s->sid))
			return s;
	}
	return NULL;
}

struct emu_session *
emu_auth(const struct emu_req *r, int *ret)
{
	struct emu_session *s = NULL;
	int f = emu_fault_ret(r);
	char *uin, *sid, *skey;

	if (f) {
		*ret = f;
		return NULL;
	}
	/* -F: an XHR without the app's header is refused Ret 1, the Ret of
	 * a bad request; no capture shows the real answer (wx-emu(1)). */
	if (strcmp(r->method, "POST") == 0 && emu_fh_lacks(r, EMU_FH_HEADER)) {
		*ret = 1;
		return NULL;
	}
	uin = credential(r, "Uin", "uin", "wxuin");
	sid = credential(r, "Sid", "sid", "wxsid");
	skey = credential(r, "Skey", "skey", NULL);
	if (!uin && !sid)
		*ret = 1102;
	else if (!uin || !sid || !(s = session_by_sid(uin, sid)))
		*ret = 1100;
	else if (skey && !same_token(skey, s->skey))
		*ret = 1100;
	else if (s->dead)
		*ret = s->dead;
	else if (r->family[0] && strcmp(r->family, s->web) != 0)
		*ret = 1100;
	else
		*ret = 0;
	free(uin);
	free(sid);
	free(skey);
	return *ret ? NULL : s;
}
