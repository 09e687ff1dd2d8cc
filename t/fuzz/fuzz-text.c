/* libFuzzer target for lib/text.c: decoding never crashes, keeps valid
 * UTF-8 valid, and utf8_get agrees with utf8_put on what it accepts;
 * wx_safe's output is valid UTF-8 with no control character at all;
 * wx_text_encode is undone by wx_text_decode for valid UTF-8 without
 * C0 controls but LF (what wx-send sends), and its output is valid
 * UTF-8 (NUL and controls kept: the JSON writer escapes them) without
 * LF for any input. */
#include <stdlib.h>

#include "fuzz.h"

/* Every sequence utf8_get accepts is what utf8_put writes for it. */
static void
utf8_agree(const char *s, size_t n)
{
	struct wx_buf b = {0};
	uint32_t cp;
	size_t i = 0;
	int len;

	while (i < n) {
		len = wx_utf8_get(s + i, n - i, &cp);
		if (len > 0) {
			wx_buf_reset(&b);
			if (wx_utf8_put(&b, cp) != len ||
			    memcmp(b.p, s + i, (size_t)len) != 0)
				abort();
		}
		i += len > 0 ? (size_t)len : 1;
	}
	wx_buf_free(&b);
}

static void
safe_is_clean(const char *s, size_t n)
{
	char *out = wx_safe(s, n);
	size_t i, len = strlen(out);
	uint32_t cp;
	int k;

	if (!fuzz_clean_utf8(out, len))
		abort();
	for (i = 0; i < len; i += (size_t)k) {
		k = wx_utf8_get(out + i, len - i, &cp);
		if (k <= 0 || cp < 0x20 || (cp >= 0x7f && cp <= 0x9f))
			abort();
	}
	free(out);
}

/* Valid UTF-8 without NUL and without a C0 control other than LF. */
static int
sendable(const char *s, size_t n)
{
	size_t i;

	if (!fuzz_clean_utf8(s, n))
		return 0;
	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 && s[i] != '\n')
			return 0;
	return 1;
}

static void
encode_round_trip(const char *s, size_t n)
{
	struct wx_buf b = {0};
	char *back;
	size_t bad;

	wx_text_encode(&b, s, n);
	if (wx_utf8_check(b.p, b.len, &bad) < 0 || memchr(b.p, '\n', b.len))
		abort();  /* the server form: one line of valid UTF-8 */
	if (sendable(s, n)) {
		back = wx_text_decode(b.p, b.len);
		if (strlen(back) != n || memcmp(back, s, n) != 0)
			abort();  /* decode(encode(x)) == x */
		free(back);
	}
	wx_buf_free(&b);
}

int
LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	const char *s = (const char *)data;
	char *out = wx_text_decode(s, size);

	if (!out)
		abort();
	if (fuzz_clean_utf8(s, size) && !fuzz_clean_utf8(out, strlen(out)))
		abort();  /* decoding made valid text invalid */
	free(out);
	utf8_agree(s, size);
	safe_is_clean(s, size);
	encode_round_trip(s, size);
	return 0;
}
