/* lookup.c — benchmark of name lookup (run by t/bench/run, never by
 * `make check`): parse a contacts cache once, then resolve NAME COUNT
 * times with wx_contacts_match.  Prints one line:
 * "lookup <load ms> <median us of one resolve> <matches>". */
#include <stdlib.h>
#include <time.h>

#include "wx.h"

static double
now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static int
cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

int
main(int argc, char *argv[])
{
	struct wx_buf text = {0};
	struct wx_contacts *cs;
	double t0, *us;
	size_t *idx, n = 0;
	char err[256];
	long i, count;

	wx_argv0 = "bench-lookup";
	if (argc != 4)
		wx_die(WX_EXIT_USAGE, "usage: lookup CACHE NAME COUNT");
	count = (long)wx_strtonum(argv[3], 1, 1000000, "COUNT");
	if (wx_read_file(argv[1], (size_t)1 << 32, &text) < 0)
		wx_die(WX_EXIT_USAGE, "%s:", argv[1]);
	t0 = now_us();
	if (!(cs = wx_contacts_parse(text.p, text.len, err, sizeof err)))
		wx_die(WX_EXIT_USAGE, "%s: %s", argv[1], err);
	printf("lookup %.1f", (now_us() - t0) / 1000);
	us = wx_calloc((size_t)count, sizeof *us);
	for (i = 0; i < count; i++) {
		t0 = now_us();
		n = wx_contacts_match(cs, argv[2], &idx);
		us[i] = now_us() - t0;
		free(idx);
	}
	qsort(us, (size_t)count, sizeof *us, cmp);
	printf(" %.1f %zu\n", us[count / 2], n);
	free(us);
	wx_contacts_free(cs);
	wx_buf_free(&text);
	return 0;
}
