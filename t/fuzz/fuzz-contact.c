/* libFuzzer target for lib/contacts.c: any JSON object becomes one line
 * that is valid JSON again, a single object with the derived Kind, Name
 * and Remark, and no raw control character or LF but the last.  So does
 * each entry of a webwxgetcontact answer's MemberList and of a
 * webwxbatchgetcontact answer's ContactList (and its rooms' MemberList),
 * so whole answers make seeds. */
#include <stdlib.h>

#include "fuzz.h"

static void
check_line(const struct wx_buf *b, int derived)
{
	struct wx_json *j = fuzz_object_line(b);

	if (derived && (wx_json_get(j, 0, "Kind") < 0 ||
	                wx_json_get(j, 0, "Name") < 0))
		abort();
	wx_json_free(j);
}

static void
contact(const struct wx_json *j, int obj)
{
	struct wx_buf b = {0};

	wx_contact_line(&b, j, obj, "@self");
	check_line(&b, 1);
	wx_buf_reset(&b);
	wx_contact_raw(&b, j, obj);
	check_line(&b, 0);
	wx_buf_free(&b);
}

/* Each object of array `key` of obj, and of their own MemberList. */
static void
each(const struct wx_json *j, int obj, const char *key, int depth)
{
	int list = wx_json_get(j, obj, key), e;

	if (wx_json_type(j, list) != WX_JSON_ARRAY)
		return;
	for (e = wx_json_first(j, list); e >= 0; e = wx_json_next(j, e)) {
		if (wx_json_type(j, e) != WX_JSON_OBJECT)
			continue;
		contact(j, e);
		if (depth == 0)
			each(j, e, "MemberList", 1);
	}
}

int
LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	struct wx_json *j;
	char err[128];

	j = wx_json_parse((const char *)data, size, err, sizeof err);
	if (!j || wx_json_type(j, 0) != WX_JSON_OBJECT) {
		wx_json_free(j);
		return 0;
	}
	contact(j, 0);
	each(j, 0, "MemberList", 0);
	each(j, 0, "ContactList", 0);
	wx_json_free(j);
	return 0;
}
