/* libFuzzer target for webwxinit's answer as cmd/wx-init.c reads it.
 * Its readers there are static (nickname, username) and the rest is a
 * request, so this target does what they do with the lib functions they
 * call: SyncKey through wx_synckey_from_json (and back through the pipe
 * form it is saved in), User.NickName through wx_text_decode and
 * wx_safez into a session value, User and every ContactList entry
 * through wx_contact_line as wx_contacts_start writes the first cache. */
#include <stdlib.h>

#include "fuzz.h"

static void
synckey_saved(const struct wx_json *j)
{
	struct wx_synckey sk, back;
	struct wx_buf b = {0};
	int i;

	/* wx-init refuses an empty one ("no usable SyncKey") */
	if (wx_synckey_from_json(j, wx_json_get(j, 0, "SyncKey"), &sk) < 0 ||
	    sk.n == 0)
		return;
	wx_synckey_pipe(&sk, &b);
	if (wx_synckey_parse(b.p, &back) < 0 || back.n != sk.n)
		abort();  /* what wx-init saves, wx-sync cannot read */
	for (i = 0; i < sk.n; i++)
		if (back.kv[i].key != sk.kv[i].key || back.kv[i].val != sk.kv[i].val)
			abort();
	wx_buf_free(&b);
}

/* The nickname as wx-init makes it goes into the session file. */
static void
nickname_saved(const struct wx_json *j)
{
	char *raw = wx_json_getstr(j, 0, "User.NickName"), *text, *safe;
	struct wx_state *st = wx_state_new();

	text = raw ? wx_text_decode(raw, strlen(raw)) : wx_strdup("");
	safe = wx_safez(text);
	if (!fuzz_clean_utf8(safe, strlen(safe)) ||
	    wx_state_set(st, "nickname", safe) != 0)
		abort();
	wx_state_free(st);
	free(safe);
	free(text);
	free(raw);
}

static void
contact(const struct wx_json *j, int obj, const char *self)
{
	struct wx_buf b = {0};

	wx_contact_line(&b, j, obj, self);
	wx_json_free(fuzz_object_line(&b));
	wx_buf_free(&b);
}

int
LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	char err[128], *self;
	struct wx_json *j;
	int user, list, e;

	fuzz_quiet();
	j = wx_json_parse((const char *)data, size, err, sizeof err);
	if (!j || wx_json_type(j, 0) != WX_JSON_OBJECT) {
		wx_json_free(j);
		return 0;
	}
	(void)wx_cgi_ret(j, "webwxinit");
	synckey_saved(j);
	nickname_saved(j);
	self = wx_json_getstr(j, 0, "User.UserName");
	user = wx_json_get(j, 0, "User");
	if (wx_json_type(j, user) == WX_JSON_OBJECT) {
		contact(j, user, self ? self : "@self");
		if (self && strcmp(wx_contact_kind(j, user, self), "self") != 0)
			abort();  /* the account is Kind self in its own cache */
	}
	list = wx_json_get(j, 0, "ContactList");
	for (e = wx_json_first(j, list); e >= 0; e = wx_json_next(j, e))
		if (wx_json_type(j, e) == WX_JSON_OBJECT)
			contact(j, e, self ? self : "@self");
	free(self);
	wx_json_free(j);
	return 0;
}
