/* test-msgline.c — wx_msgline_read (lib/msgline.c): the line wx-get and
 * wx-send -m read, taken or refused with the reason wx_msgline_parse
 * exits with; the fuzz-msgline findings among them. */
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "wx.h"

/* line is taken with TypeName type, or refused with why. */
static void
reads(const char *line, const char *type, const char *why)
{
	struct wx_msgline m;
	char got[256] = "";
	int rc = wx_msgline_read(line, strlen(line), &m, got, sizeof got);

	if (type) {
		is_int(rc, 0, line);
		is_str(rc == 0 ? m.type : "", type, "  its TypeName");
		wx_msgline_free(&m);
	} else {
		is_int(rc, -1, line);
		is_str(got, why, "  the reason");
		ok(!m.msgid && !m.type && !m.text, "  nothing kept");
	}
}

int
main(void)
{
	reads("{\"MsgId\":\"123\",\"TypeName\":\"image\"}", "image", NULL);
	reads("{\"MsgId\":123,\"MsgType\":49,\"AppMsgType\":6}", "file", NULL);
	reads("[1]", NULL, "not a message line: not a JSON object");
	reads("{\"MsgId\":\"12x\",\"TypeName\":\"text\"}", NULL,
	      "MsgId: not a message id");
	reads("{\"MsgId\":{},\"TypeName\":\"text\"}", NULL,
	      "MsgId: not a string");
	reads("{\"MsgId\":\"1\"}", NULL, "neither TypeName nor MsgType");
	reads("{\"MsgId\":\"1\",\"TypeName\":\"text\",\"FromUserName\":[]}",
	      NULL, "FromUserName: not a string");
	/* fuzz-msgline: an empty TypeName was taken as the type "" */
	reads("{\"MsgId\":\"1\",\"TypeName\":\"\",\"MsgType\":47}", "emoji", NULL);
	reads("{\"MsgId\":\"1\",\"TypeName\":\"\"}", NULL,
	      "neither TypeName nor MsgType");
	return tap_done();
}
