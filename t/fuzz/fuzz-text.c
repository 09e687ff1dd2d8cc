/* libFuzzer target for lib/text.c: decoding never crashes, keeps valid
 * UTF-8 valid, and utf8_get agrees with utf8_put on what it accepts. */
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
	return 0;
}
