/* test-contacts.c — wx_contact_line (lib/contacts.c): the line written
 * for a contact is one JSON object, whatever members the server's
 * object had; wx_contacts_apply changes a cache of the header alone.
 * The fuzz-contact and fuzz-cache findings among them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tap.h"
#include "wx.h"

/* The line for the object in `in` is `want`, and parses. */
static void
line_is(const char *in, const char *want)
{
	struct wx_json *j = wx_json_parse(in, strlen(in), NULL, 0), *back;
	struct wx_buf b = {0};

	wx_contact_line(&b, j, 0, "@self");
	is_str(b.p, want, in);
	back = wx_json_parse(b.p, b.len, NULL, 0);
	ok(back && wx_json_type(back, 0) == WX_JSON_OBJECT, "  parses");
	wx_json_free(back);
	wx_json_free(j);
	wx_buf_free(&b);
}

/* fuzz-cache: the changes to a cache of the header alone, without a
 * final LF, were dropped */
static void
test_apply_header_only(void)
{
	static const char header[] =
		"{\"Cache\":\"wx-contacts\",\"User\":\"@self\"}";
	static const char line[] = "{\"UserName\":\"@b\",\"Kind\":\"friend\"}\n";
	struct wx_contacts_change c = { "@b", line, sizeof line - 1 };
	char dir[] = "/tmp/test-contacts.XXXXXX", *path;
	struct wx_buf text = {0};

	if (!mkdtemp(dir)) {
		ok(0, "mkdtemp");
		return;
	}
	path = wx_asprintf("%s/contacts", dir);
	ok(wx_write_atomic(path, header, sizeof header - 1, 0600) == 0,
	   "a cache of the header alone, no LF");
	ok(wx_contacts_apply(dir, "@self", &c, 1) == 0, "apply a change");
	ok(wx_read_file(path, 4096, &text) == 0, "read it back");
	is_str(text.p, "{\"Cache\":\"wx-contacts\",\"User\":\"@self\"}\n"
	       "{\"UserName\":\"@b\",\"Kind\":\"friend\"}\n", "  the change is in");
	unlink(path);
	rmdir(dir);
	free(path);
	wx_buf_free(&text);
}

int
main(void)
{
	line_is("{\"UserName\":\"@a\",\"NickName\":\"A &amp; B\"}",
	        "{\"UserName\":\"@a\",\"NickName\":\"A &amp; B\",\"Kind\":"
	        "\"friend\",\"Name\":\"A & B\",\"Remark\":\"\"}\n");
	/* fuzz-contact: no member left once the derived keys were out gave
	 * "{,\"Kind\"…", and such a line made the cache unreadable */
	line_is("{}", "{\"Kind\":\"friend\",\"Name\":\"\",\"Remark\":\"\"}\n");
	line_is("{\"Kind\":\"x\",\"Name\":\"y\",\"Remark\":\"z\"}",
	        "{\"Kind\":\"friend\",\"Name\":\"\",\"Remark\":\"\"}\n");
	test_apply_header_only();
	return tap_done();
}
