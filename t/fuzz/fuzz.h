/* fuzz.h — helpers shared by the t/fuzz/fuzz-*.c targets. */
#ifndef FUZZ_H
#define FUZZ_H
#include <stdio.h>
#include <stdlib.h>
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

/* b must be one line ending LF that parses as one JSON object (else
 * abort: a finding); the parsed line, for the caller's own checks. */
static inline struct wx_json *
fuzz_object_line(const struct wx_buf *b)
{
	char err[128];
	struct wx_json *j;

	if (b->len == 0 || b->p[b->len - 1] != '\n' ||
	    memchr(b->p, '\n', b->len - 1))
		abort();  /* one line, ending in LF */
	j = wx_json_parse(b->p, b->len - 1, err, sizeof err);
	if (!j || wx_json_type(j, 0) != WX_JSON_OBJECT)
		abort();  /* what it writes is JSON, and an object */
	return j;
}

/* Send what lib/ warns (wx_warn writes to the variable stderr) nowhere:
 * thousands of lines a second would slow the run.  fd 2 stays, so the
 * sanitizers' and libFuzzer's own reports still arrive. */
static inline void
fuzz_quiet(void)
{
	static FILE *null;

	if (!null && !(null = fopen("/dev/null", "w")))
		abort();
	stderr = null;
}
#endif
