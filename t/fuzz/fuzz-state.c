/* libFuzzer target for lib/state.c: any bytes parse or fail cleanly; a
 * parsed file formats back to itself (plus a final LF if it had none),
 * and a set value is stored exactly when it may be written. */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"

static char *
format(const struct wx_state *st, size_t *len)
{
	struct wx_buf b = {0};

	wx_state_format(st, &b);
	*len = b.len;
	return b.p;
}

/* Setting key to the bytes v: refused iff they hold LF, CR or NUL. */
static void
set_agrees(struct wx_state *st, const char *key, const char *v, size_t n)
{
	int bad = memchr(v, '\n', n) || memchr(v, '\r', n) || memchr(v, '\0', n);
	const char *got;

	if (wx_state_setn(st, key, v, n) != (bad ? -1 : 0))
		abort();
	got = wx_state_get(st, key);
	if (!bad && (!got || strlen(got) != n || memcmp(got, v, n) != 0))
		abort();
}

int
LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	const char *text = (const char *)data;
	struct wx_state *st, *again;
	char err[128], *out, *out2;
	size_t len, len2;
	int lf = size == 0 || text[size - 1] == '\n', had;

	st = wx_state_parse(text, size, err, sizeof err);
	if (!st) {
		if (strncmp(err, "line ", 5) != 0)
			abort();
		return 0;
	}
	out = format(st, &len);
	if (len != size + !lf || memcmp(out, text, size) != 0 ||
	    (!lf && out[size] != '\n'))
		abort();
	again = wx_state_parse(out, len, err, sizeof err);
	if (!again)
		abort();
	out2 = format(again, &len2);
	if (len2 != len || memcmp(out, out2, len) != 0)
		abort();
	had = wx_state_get(again, "fuzz_key") != NULL;
	set_agrees(again, "fuzz_key", text, size);
	wx_state_set(again, "fuzz_key", NULL);
	free(out2);
	out2 = format(again, &len2);
	if (!had && (len2 != len || memcmp(out, out2, len) != 0))
		abort();  /* a new key deleted again leaves the file as it was */
	free(out);
	free(out2);
	wx_state_free(st);
	wx_state_free(again);
	return 0;
}
