/* libFuzzer target for lib/msgline.c: any bytes as the line wx-get and
 * wx-send -m read (from stdin or DIR/media) are taken or refused with a
 * reason, never half: a line taken has a MsgId of digits, a TypeName,
 * and fields within their caps.  And every line wx-sync prints for a
 * message (wx_msg_line) with a MsgId of digits is taken, unless a field
 * is over its cap. */
#include <stdlib.h>

#include "fuzz.h"

static void
taken_sane(const struct wx_msgline *m)
{
	if (!m->msgid || !wx_all_digits(m->msgid, 20) || !m->type ||
	    !*m->type || strlen(m->type) > 32)
		abort();
	if (wx_msg_has_media(m->type) != 0 && wx_msg_has_media(m->type) != 1)
		abort();
}

/* 0 with m, or -1 with a reason. */
static int
read_line(const char *p, size_t n, struct wx_msgline *m, char *why)
{
	int rc;

	why[0] = '\0';
	rc = wx_msgline_read(p, n, m, why, 256);
	if (rc == 0)
		taken_sane(m);
	else if (rc != -1 || !why[0] || m->msgid || m->type || m->text)
		abort();
	return rc;
}

/* wx-sync's line for message obj is what wx-get reads. */
static void
printed_is_read(const struct wx_json *j, int obj)
{
	struct wx_buf b = {0};
	struct wx_msgline m;
	char why[256], *id = wx_json_getstr(j, obj, "MsgId");

	wx_msg_line(&b, j, obj, "@self", NULL);
	if (read_line(b.p, b.len, &m, why) == 0) {
		if (!id || strcmp(id, m.msgid) != 0)
			abort();  /* the MsgId it was printed with */
		wx_msgline_free(&m);
	} else if (id && wx_all_digits(id, 20) && !strstr(why, "longer than")) {
		abort();  /* a line wx-sync printed, refused */
	}
	free(id);
	wx_buf_free(&b);
}

int
LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	struct wx_msgline m;
	struct wx_json *j;
	char why[256];

	if (read_line((const char *)data, size, &m, why) == 0)
		wx_msgline_free(&m);
	j = wx_json_parse((const char *)data, size, NULL, 0);
	if (j && wx_json_type(j, 0) == WX_JSON_OBJECT)
		printed_is_read(j, 0);
	wx_json_free(j);
	return 0;
}
