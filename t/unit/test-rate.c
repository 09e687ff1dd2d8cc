/* Unit tests of lib/rate.c: WX_RATE's values, the bucket's arithmetic
 * on a clock of our own, LocalIDs (protocol.md §6.1), DIR/rate. */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "tap.h"
#include "wx.h"

static void
test_parse(void)
{
	static const struct {
		const char *s;
		double want;
	} good[] = {
		{ "0", 0 }, { "1", 1 }, { "0.5", 0.5 }, { "2.25", 2.25 },
		{ "1000", 1000 }, { "0.001", 0.001 }, { "000003", 3 },
		{ "0.0", 0 },
	};
	static const char *const bad[] = {
		"", "x", "-1", "+1", "1e3", "0x10", ".5", "5.", "1..2", "1.2.3",
		" 1", "1 ", "0.0001", "1001", "1000.5", "1234567", "inf", "nan",
	};
	double r;
	size_t i;

	for (i = 0; i < sizeof good / sizeof *good; i++) {
		r = -1;
		ok(wx_rate_parse(good[i].s, &r) == 0 && r == good[i].want,
		   good[i].s);
	}
	for (i = 0; i < sizeof bad / sizeof *bad; i++)
		ok(wx_rate_parse(bad[i], &r) < 0, bad[i][0] ? bad[i] : "(empty)");
}

static void
test_burst(void)
{
	long long tat = 0, now = 1700000000000LL;
	int i;

	for (i = 0; i < 5; i++)
		is_int(wx_rate_reserve(&tat, now, 1, 5), 0, "the burst goes at once");
	is_int(wx_rate_reserve(&tat, now, 1, 5), 1000, "the 6th waits 1 s");
	is_int(wx_rate_reserve(&tat, now, 1, 5), 2000, "the 7th 2 s (queued)");
	is_int(wx_rate_reserve(&tat, now + 1500, 1, 5), 1500,
	       "later arrivals queue behind");
	/* idle long enough: full again, but no more than the burst */
	now += 60000;
	for (i = 0; i < 5; i++)
		is_int(wx_rate_reserve(&tat, now, 1, 5), 0, "refilled");
	is_int(wx_rate_reserve(&tat, now, 1, 5), 1000, "capped at the burst");
	/* 4 a second: 250 ms apart after the burst */
	tat = 0;
	for (i = 0; i < 5; i++)
		wx_rate_reserve(&tat, now, 4, 5);
	is_int(wx_rate_reserve(&tat, now, 4, 5), 250, "4/s: 250 ms");
	tat = 0;
	is_int(wx_rate_reserve(&tat, now, 0.5, 1), 0, "burst 1: first free");
	is_int(wx_rate_reserve(&tat, now, 0.5, 1), 2000,
	       "burst 1: the next one interval later");
	tat = 0;
	wx_rate_reserve(&tat, now, 3, 1);
	is_int(tat - now, 334, "3/s: 334 ms, rounded up");
	/* a clock that jumped back by days does not make everyone wait */
	tat = now + 5LL * 86400 * 1000;
	is_int(wx_rate_reserve(&tat, now, 1, 5), 0, "tat from a clock gone back");
	is_int(tat, now + 1000, "tat restarted from now");
}

/* Many senders at random times: in any window of t ms, at most
 * burst + rate·t sends (the promise of wx-send(1)). */
static void
test_windows(void)
{
	enum { N = 400 };
	static long long at[N];
	long long tat = 0, now = 1000000;
	double rate = 3;
	int i, j, bad = 0;

	srand(7);
	for (i = 0; i < N; i++) {
		now += rand() % 700;
		at[i] = now + wx_rate_reserve(&tat, now, rate, 5);
	}
	for (i = 0; i < N; i++)
		for (j = i; j < N; j++)
			if (j - i + 1 > 5 + rate * (double)(at[j] - at[i]) / 1000 + 1e-9)
				bad++;
	is_int(bad, 0, "no window holds more than burst + rate*t");
	for (i = 1, bad = 0; i < N; i++)
		bad += at[i] < at[i - 1];
	is_int(bad, 0, "sends in the order they were reserved");
}

static void
test_localid(void)
{
	char id[WX_LOCALID_SIZE];

	ok(wx_localid_next(0, 1546214741416LL, 521) == 15462147414160521ULL,
	   "ms and 4 digits: CAP's 15462147414160521");
	ok(wx_localid_next(0, 1546214741416LL, 10521) == 15462147414160521ULL,
	   "4 digits only");
	ok(wx_localid_next(15462147414169999ULL, 1546214741416LL, 3) ==
	   15462147414170000ULL, "never at or below the last");
	ok(wx_localid_next(15462147414160000ULL, 1546214741417LL, 0) ==
	   15462147414170000ULL, "the clock when it is ahead");
	wx_localid_local(id);
	ok(strlen(id) == 17 && strspn(id, "0123456789") == 17, "17 digits");
}

static void
test_take(void)
{
	char dir[] = "/tmp/wx-test-rate-XXXXXX", id[WX_LOCALID_SIZE];
	char prev[WX_LOCALID_SIZE] = "0", *path;
	long long wait;
	struct stat sb;
	int i, up = 1, rc = 0;

	if (!mkdtemp(dir))
		return;
	for (i = 0; i < 200; i++) {
		rc |= wx_rate_take(dir, 0, id, &wait);
		up &= strlen(id) == 17 && strcmp(id, prev) > 0 && wait == 0;
		memcpy(prev, id, sizeof id);
	}
	ok(rc == 0 && up, "WX_RATE=0: no wait; ids 17 digits, increasing");
	for (i = 0; i < 5; i++)
		wx_rate_take(dir, 1, id, &wait);
	ok(wait == 0, "the burst: no wait");
	wx_rate_take(dir, 1, id, &wait);
	ok(wait > 500 && wait <= 1000, "the 6th waits about 1 s");
	path = wx_asprintf("%s/rate", dir);
	ok(stat(path, &sb) == 0 && (sb.st_mode & 0777) == 0600, "DIR/rate 0600");
	unlink(path);
	free(path);
	path = wx_asprintf("%s/rate.lock", dir);
	unlink(path);
	free(path);
	ok(rmdir(dir) == 0, "nothing else left in DIR");
	/* a directory that is not there */
	ok(wx_rate_take("/nonexistent/wx", 1, id, &wait) < 0, "no DIR: -1");
}

int
main(void)
{
	test_parse();
	test_burst();
	test_windows();
	test_localid();
	test_take();
	return tap_done();
}
