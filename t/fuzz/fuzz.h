/* fuzz.h — helpers shared by the t/fuzz/fuzz-*.c targets. */
#ifndef FUZZ_H
#define FUZZ_H
#include <string.h>

#include "wx.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

/* n bytes of well-formed UTF-8 without NUL: a string every reader in lib/
 * must hand back unchanged. */
static inline int
fuzz_clean_utf8(const char *s, size_t n)
{
	uint32_t cp;
	size_t i = 0;
	int len;

	if (memchr(s, '\0', n))
		return 0;
	while (i < n) {
		if ((len = wx_utf8_get(s + i, n - i, &cp)) < 0)
			return 0;
		i += (size_t)len;
	}
	return 1;
}
#endif
