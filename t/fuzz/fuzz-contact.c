/* libFuzzer target for lib/contacts.c: any JSON object becomes one line
 * that is valid JSON again, a single object with the derived Kind, Name
 * and Remark, and no raw control character or LF but the last. */
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

int
LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	struct wx_buf b = {0};
	struct wx_json *j;
	char err[128];

	j = wx_json_parse((const char *)data, size, err, sizeof err);
	if (!j || wx_json_type(j, 0) != WX_JSON_OBJECT) {
		wx_json_free(j);
		return 0;
	}
	wx_contact_line(&b, j, 0, "@self");
	check_line(&b, 1);
	wx_buf_reset(&b);
	wx_contact_raw(&b, j, 0);
	check_line(&b, 0);
	wx_buf_free(&b);
	wx_json_free(j);
	return 0;
}
