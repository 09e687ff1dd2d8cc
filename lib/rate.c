/* rate.c — one rate limit for every process that sends on a session dir,
 * and the LocalIDs they send with (protocol.md §6.1).
 *
 * The limit is a token bucket kept as one number, the "theoretical
 * arrival time" of the generic cell rate algorithm: DIR/rate holds tat,
 * the ms at which the bucket would be full again if nothing more were
 * sent.  A sender takes DIR/rate.lock, reserves its slot (pushing tat on
 * by one interval), writes the file and lets go; then it sleeps until
 * its slot outside the lock.  So senders queue in the order they took
 * the lock, none holds it while it waits, and any window of t seconds
 * holds at most burst + rate·t sends, whatever the number of processes.
 *
 * The same file holds the last LocalID given out: the next is
 * ms·10^4 + 4 random digits (RC's 17 digits), or the last plus one when
 * that is not larger, so two processes never send with the same id (the
 * server drops a ClientMsgId it has seen as a resend). */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "wx.h"

/* A tat further ahead than this came from a clock that jumped back. */
#define TAT_AHEAD_MAX (86400LL * 1000)

int
wx_rate_parse(const char *s, double *rate)
{
	size_t ip = strspn(s, "0123456789"), fp = 0;
	double v;

	if (s[ip] == '.')
		fp = strspn(s + ip + 1, "0123456789");
	/* digits, or digits.digits: no sign, exponent, space or hex */
	if (ip == 0 || ip > 6 || (s[ip] == '.' && fp == 0) ||
	    s[ip + (s[ip] == '.' ? fp + 1 : 0)] != '\0')
		return -1;
	v = strtod(s, NULL);
	if (v != 0 && (v < WX_RATE_MIN || v > WX_RATE_MAX))
		return -1;
	*rate = v;
	return 0;
}

long long
wx_rate_reserve(long long *tat, long long now, double rate, int burst)
{
	long long t = *tat, interval = (long long)(1000.0 / rate);
	long long tau;

	/* Rounded up: never more than rate a second. */
	if ((double)interval * rate < 1000.0)
		interval++;
	tau = (long long)(burst - 1) * interval;

	if (t < now || t - now > TAT_AHEAD_MAX)
		t = now;
	*tat = t + interval;
	return t - now > tau ? t - now - tau : 0;
}

uint64_t
wx_localid_next(uint64_t last, long long now_ms, unsigned rnd)
{
	uint64_t id = (uint64_t)now_ms * 10000 + rnd % 10000;

	return id > last ? id : last + 1;
}

/* Four random digits' worth of randomness. */
static unsigned
random4(void)
{
	static int seeded;

	if (!seeded) {
		srand((unsigned)(wx_now_ms() ^ ((long long)getpid() << 16)));
		seeded = 1;
	}
	return (unsigned)rand();
}

void
wx_localid_local(char out[WX_LOCALID_SIZE])
{
	snprintf(out, WX_LOCALID_SIZE, "%" PRIu64,
	         wx_localid_next(0, wx_now_ms(), random4()));
}

/* The numbers of DIR/rate (0 for a missing or unreadable one: a bucket
 * that starts full, ids from the clock). */
static void
rate_read(const char *path, long long *tat, uint64_t *last)
{
	struct wx_buf b = {0};
	struct wx_state *st = NULL;
	const char *v;
	uint64_t u;
	char err[64];

	*tat = 0;
	*last = 0;
	if (wx_read_regular(path, 4096, &b) == 0)
		st = wx_state_parse(b.p ? b.p : "", b.len, err, sizeof err);
	if (st && (v = wx_state_get(st, "tat")) &&
	    wx_parse_u64(v, strlen(v), INT64_MAX, &u) == 0)
		*tat = (long long)u;
	if (st && (v = wx_state_get(st, "localid")) &&
	    wx_parse_u64(v, strlen(v), UINT64_MAX - 1, &u) == 0)
		*last = u;
	wx_state_free(st);
	wx_buf_free(&b);
}

int
wx_rate_take(const char *dir, double rate, char localid[WX_LOCALID_SIZE],
             long long *wait_ms)
{
	char *path = wx_asprintf("%s/rate", dir), *text;
	long long tat, now;
	uint64_t last;
	int fd, rc, e;

	*wait_ms = 0;
	if ((fd = wx_lock(path)) < 0) {
		free(path);
		return -1;
	}
	rate_read(path, &tat, &last);
	now = wx_now_ms();
	if (rate > 0)
		*wait_ms = wx_rate_reserve(&tat, now, rate, WX_RATE_BURST);
	last = wx_localid_next(last, now, random4());
	snprintf(localid, WX_LOCALID_SIZE, "%" PRIu64, last);
	text = wx_asprintf("# wx-send's rate limit and last LocalID\n"
	                   "tat=%lld\nlocalid=%" PRIu64 "\n", tat, last);
	/* as every writer under its lock: a killed one's temp goes */
	wx_remove_stale_temps(path);
	rc = wx_write_atomic(path, text, strlen(text), 0600);
	e = errno;
	close(fd);
	free(text);
	free(path);
	errno = e;
	return rc;
}

void
wx_sleep_ms(long long ms)
{
	struct timespec ts;

	if (ms <= 0)
		return;
	ts.tv_sec = (time_t)(ms / 1000);
	ts.tv_nsec = (long)(ms % 1000) * 1000000L;
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}
