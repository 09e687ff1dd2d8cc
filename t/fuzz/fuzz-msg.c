/* libFuzzer target for lib/msg.c: any JSON object, taken as an
 * AddMsgList entry, becomes exactly one line (LF at the end, no other
 * LF) that parses as a JSON object with "Event":"message" first and the
 * derived Text, Sender, Chat and TypeName; with and without a contacts
 * cache, as self "@self" and as self its own FromUserName (a message
 * sent from another device).  A webwxsync answer's AddMsgList entries
 * and Mod/DelContactList entries (wx_event_contact_line) are tried too,
 * so the samples of whole answers make seeds. */
#include <stdlib.h>

#include "fuzz.h"

/* A cache with members (lookup.c indexes them) and without names. */
static const char cache_text[] =
	"{\"Cache\":\"wx-contacts\",\"Uin\":\"1\",\"User\":\"@self\"}\n"
	"{\"UserName\":\"@self\",\"Kind\":\"self\",\"Name\":\"Me\"}\n"
	"{\"UserName\":\"@alice\",\"Kind\":\"friend\",\"Name\":\"Alice\","
	"\"Remark\":\"Ally\"}\n"
	"{\"UserName\":\"@nameless\",\"Kind\":\"friend\"}\n"
	"{\"UserName\":\"filehelper\",\"Kind\":\"special\",\"Name\":\"F\"}\n"
	"{\"UserName\":\"@@room\",\"Kind\":\"group\",\"Name\":\"R\",\"MemberList\":"
	"[{\"UserName\":\"@bob\",\"NickName\":\"B &amp; <span class=\\\"emoji "
	"emoji1f604\\\"></span>\",\"DisplayName\":\"\"},{\"UserName\":\"@self\","
	"\"DisplayName\":\"Boss\"},{\"UserName\":\"wxid_dan\",\"NickName\":"
	"\"Dan\"},{\"UserName\":\"@alice\"}]}\n"
	"{\"UserName\":\"123@chatroom\",\"Kind\":\"group\",\"MemberList\":"
	"[{\"UserName\":\"wxid_dan\",\"DisplayName\":\"D\\u0000\\u001b\"}]}\n";

static const struct wx_contacts *
cache(void)
{
	static struct wx_contacts *cs;
	char err[128];

	if (!cs && !(cs = wx_contacts_parse(cache_text, sizeof cache_text - 1,
	                                    err, sizeof err)))
		abort();  /* the fixture itself is wrong */
	return cs;
}

/* One line, ending in LF, one JSON object, Event first; the parsed line. */
static struct wx_json *
check_line(const struct wx_buf *b, const char *event)
{
	struct wx_json *j = fuzz_object_line(b);
	char *first, *ev;

	first = wx_json_str(j, wx_json_first(j, 0));
	ev = wx_json_getstr(j, 0, "Event");
	if (!first || strcmp(first, "Event") != 0 || !ev || strcmp(ev, event) != 0)
		abort();  /* "Event":"EVENT" first */
	free(first);
	free(ev);
	return j;
}

static void
message(const struct wx_json *in, int obj)
{
	static const char *const derived[] = {
		"Text", "Sender", "Chat", "TypeName", NULL,
	};
	char *from = wx_json_getstr(in, obj, "FromUserName");
	struct wx_buf b = {0};
	struct wx_json *j;
	int pass, k;

	for (pass = 0; pass < 4; pass++) {
		wx_buf_reset(&b);
		wx_msg_line(&b, in, obj, pass & 1 && from ? from : "@self",
		            pass & 2 ? cache() : NULL);
		j = check_line(&b, "message");
		for (k = 0; derived[k]; k++)
			if (wx_json_type(j, wx_json_get(j, 0, derived[k])) !=
			    WX_JSON_STRING)
				abort();  /* every derived field, a string */
		wx_json_free(j);
	}
	wx_buf_free(&b);
	free(from);
}

static void
contact(const struct wx_json *in, int obj, int del)
{
	struct wx_buf b = {0};

	wx_event_contact_line(&b, in, obj, "@self", del);
	wx_json_free(check_line(&b, del ? "delcontact" : "modcontact"));
	wx_buf_free(&b);
}

/* Each object element of array `key` of the answer. */
static void
each(const struct wx_json *in, const char *key, int what)
{
	int list = wx_json_get(in, 0, key), e;

	if (wx_json_type(in, list) != WX_JSON_ARRAY)
		return;
	for (e = wx_json_first(in, list); e >= 0; e = wx_json_next(in, e)) {
		if (wx_json_type(in, e) != WX_JSON_OBJECT)
			continue;
		if (what == 0)
			message(in, e);
		else
			contact(in, e, what == 2);
	}
}

int
LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	struct wx_json *in;
	char err[128];

	in = wx_json_parse((const char *)data, size, err, sizeof err);
	if (!in || wx_json_type(in, 0) != WX_JSON_OBJECT) {
		wx_json_free(in);
		return 0;
	}
	message(in, 0);
	each(in, "AddMsgList", 0);
	each(in, "ModContactList", 1);
	each(in, "DelContactList", 2);
	wx_json_free(in);
	return 0;
}
