/* libFuzzer target for lib/json.c: any bytes must parse or fail cleanly;
 * on success every token is walked and read; the writer's output must
 * always parse back to the same decoded string; and an object re-written
 * by wx_json_put_members (as every NDJSON line is) parses again, with
 * as many members, and re-writes to the same bytes.  wx_json_parse_big
 * takes what the whole parse takes, refuses with the same error, and
 * finds as many elements, each parsing alone. */
#include <stdlib.h>

#include "fuzz.h"

/* Read every token through every accessor, as commands would. */
static void
walk(const struct wx_json *j)
{
	int tok, k, n = 0;
	long long v;
	uint64_t u;
	size_t len;

	for (tok = 0; wx_json_type(j, tok) != WX_JSON_NONE; tok++) {
		free(wx_json_str(j, tok));
		(void)wx_json_raw(j, tok, &len);
		(void)wx_json_int(j, tok, &v);
		(void)wx_json_uint64(j, tok, &u);
		for (k = wx_json_first(j, tok); k >= 0; k = wx_json_next(j, k))
			n++;
		if (n < wx_json_count(j, tok))
			abort();  /* iteration lost children */
		n = 0;
	}
	free(wx_json_getstr(j, 0, "BaseResponse.Ret"));
	(void)wx_json_get(j, 0, "AddMsgList.0.Content");
	(void)wx_json_get(j, 0, "0.0.1");
}

/* put_str(bytes) parses as one string equal to put_str's own reading of
 * them: valid UTF-8 unchanged, anything else as U+FFFD. */
static void
writer(const char *s, size_t n)
{
	struct wx_buf b = {0}, again = {0};
	struct wx_json *j;
	char *dec;

	wx_json_put_str(&b, s, n);
	j = wx_json_parse(b.p, b.len, NULL, 0);
	if (!j || wx_json_type(j, 0) != WX_JSON_STRING)
		abort();
	dec = wx_json_str(j, 0);
	if (fuzz_clean_utf8(s, n) && (strlen(dec) != n || memcmp(dec, s, n)))
		abort();
	if (!fuzz_clean_utf8(dec, strlen(dec)))
		abort();  /* U+FFFD replaced everything else */
	wx_json_put_strz(&again, dec);
	if (!memchr(s, '\0', n) && strcmp(again.p, b.p) != 0)
		abort();  /* the writer is idempotent on its own output */
	free(dec);
	wx_json_free(j);
	wx_buf_free(&b);
	wx_buf_free(&again);
}

static void
put_object(struct wx_buf *b, const struct wx_json *j, int ids)
{
	wx_buf_reset(b);
	wx_json_put_members(b, j, 0, NULL, ids);
	wx_buf_addc(b, '}');
}

static void
members(const struct wx_json *j, int ids)
{
	struct wx_buf b = {0}, again = {0};
	struct wx_json *k;

	put_object(&b, j, ids);
	k = wx_json_parse(b.p, b.len, NULL, 0);
	if (!k || wx_json_type(k, 0) != WX_JSON_OBJECT ||
	    wx_json_count(k, 0) != wx_json_count(j, 0) ||
	    memchr(b.p, '\n', b.len) || !fuzz_clean_utf8(b.p, b.len))
		abort();  /* one line of valid JSON, nothing lost */
	put_object(&again, k, ids);
	if (again.len != b.len || memcmp(again.p, b.p, b.len) != 0)
		abort();  /* re-writing its own output changes nothing */
	wx_json_free(k);
	wx_buf_free(&b);
	wx_buf_free(&again);
}

/* wx_json_parse_big against the whole parse j (NULL: failed with err). */
static void
big(const char *s, size_t n, const struct wx_json *j, const char *err)
{
	struct wx_json_big b = { "ContactList", NULL, NULL, NULL, 0 };
	char berr[128] = "";
	struct wx_json *r = wx_json_parse_big(s, n, &b, berr, sizeof berr), *e;
	int list = wx_json_get(j, 0, "ContactList"), c;
	size_t k = 0;

	if (!j != !r || (!j && strcmp(err, berr) != 0))
		abort();  /* not the whole parse's verdict */
	for (c = wx_json_first(j, list); c >= 0; c = wx_json_next(j, c))
		k++;
	if (j && k != b.n)
		abort();  /* an element lost or made up */
	for (k = 0; r && k < b.n; k++) {
		if (!(e = wx_json_parse(s + b.el[k].at, b.el[k].len, NULL, 0)))
			abort();
		wx_json_free(e);
	}
	wx_json_free(r);
	free(b.el);
}

int
LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	char err[128];
	struct wx_json *j = wx_json_parse((const char *)data, size, err,
					  sizeof err);

	if (j)
		walk(j);
	else if (!err[0])
		abort();  /* a failure always carries a reason */
	big((const char *)data, size, j, err);
	if (j && wx_json_type(j, 0) == WX_JSON_OBJECT) {
		members(j, 0);
		members(j, 1);
	}
	wx_json_free(j);
	writer((const char *)data, size);
	return 0;
}
