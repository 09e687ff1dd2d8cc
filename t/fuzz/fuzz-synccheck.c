/* libFuzzer target for lib/sync.c: wx_parse_synccheck reads any bytes
 * without crashing or reading past them; what it accepts is at most 256
 * bytes with values of at most 9 digits, still accepted with one more
 * LF, and written back exactly (window.synccheck={retcode:"R",
 * selector:"S"}) it parses to the same values. */
#include <stdio.h>
#include <stdlib.h>

#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	struct wx_check c, again;
	char line[128], *more;
	int n;

	if (wx_parse_synccheck((const char *)data, size, &c) != 0)
		return 0;
	if (size > 256 || c.retcode > 999999999 || c.retcode < -999999999 ||
	    c.selector > 999999999 || c.selector < -999999999)
		abort();
	n = snprintf(line, sizeof line,
	             "window.synccheck={retcode:\"%lld\",selector:\"%lld\"}",
	             c.retcode, c.selector);
	if (n < 0 || (size_t)n >= sizeof line)
		abort();
	again.retcode = again.selector = 12345;
	if (wx_parse_synccheck(line, (size_t)n, &again) != 0 ||
	    again.retcode != c.retcode || again.selector != c.selector)
		abort();  /* the exact form of what it read */
	if (size < 256) {
		more = malloc(size + 1);
		if (!more)
			abort();
		memcpy(more, data, size);
		more[size] = '\n';
		again.retcode = again.selector = 12345;
		if (wx_parse_synccheck(more, size + 1, &again) != 0 ||
		    again.retcode != c.retcode || again.selector != c.selector)
			abort();  /* a final LF changes nothing */
		free(more);
	}
	return 0;
}
