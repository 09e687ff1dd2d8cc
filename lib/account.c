/* account.c — what the commands that change the account (wx-remark,
 * wx-accept: protocol.md §10.1, §10.2) share: the check of a short text
 * of the user's, and the rate limit of wx-send for calls that are no
 * message. */
#include <errno.h>
#include <stdlib.h>

#include "wx.h"

const char *
wx_short_text(const char *s, size_t n, size_t max)
{
	size_t k, chars = 0, bad;

	if (wx_utf8_check(s, n, &bad) < 0)
		return "invalid UTF-8";
	for (k = 0; k < n; k++) {
		if ((unsigned char)s[k] < 0x20 || s[k] == 0x7f)
			return "a control character";
		chars += ((unsigned char)s[k] & 0xc0) != 0x80;
	}
	return chars > max ? "too long" : NULL;
}

double
wx_rate_env(void)
{
	const char *v = getenv("WX_RATE");
	double rate = WX_RATE_DEFAULT;

	if (v && *v && wx_rate_parse(v, &rate) < 0)
		wx_die(WX_EXIT_USAGE, "WX_RATE: bad value '%s': 0 (no limit) or "
		       "messages a second from %g to %g", v, WX_RATE_MIN,
		       WX_RATE_MAX);
	return rate;
}

void
wx_rate_turn(const char *dir)
{
	char id[WX_LOCALID_SIZE];
	long long ms;

	if (wx_rate_take(dir, wx_rate_env(), id, &ms) < 0)
		wx_die(wx_exit_errno(errno), "%s/rate:", dir);
	wx_sleep_ms(ms);
}
