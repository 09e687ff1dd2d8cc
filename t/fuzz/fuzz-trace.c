/* libFuzzer target for lib/trace.c: redaction never crashes, and what
 * it writes has no value of a secret key left in the open: after every
 * "skey=" (and the other keys) of the output stands a placeholder, a
 * value too short to be a secret, or nothing. */
#include <stdlib.h>

#include "fuzz.h"

static int
word_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9');
}

/* The key=value pairs of out whose key is a secret's: the value must be
 * short or a placeholder. */
static void
no_secret_left(const char *out, size_t n)
{
	size_t i, k, v;

	for (i = 1; i < n; i++) {
		if (out[i] != '=')
			continue;
		for (k = i; k > 0 && (word_char(out[k - 1]) || out[k - 1] == '_'); k--)
			;
		if (k == i || (k > 0 && word_char(out[k - 1])) ||
		    !wx_secret_key(out + k, i - k))
			continue;
		for (v = i + 1; v < n && !strchr("&; \t\r\n\"'<>#,", out[v]); v++)
			;
		if (v - i - 1 >= 6 && out[i + 1] != '<')
			abort();
	}
}

int
LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	struct wx_buf b = {0};

	wx_trace_redact(&b, (const char *)data, size);
	no_secret_left(b.p, b.len);
	wx_buf_free(&b);
	return 0;
}
