/* libFuzzer target for the query-string and URL helpers (lib/proto.c,
 * lib/http.c): any string put into a query with wx_urlencode comes back
 * from wx_url_param unchanged, and the other parameters with it;
 * wx_url_host gives a lower-case bare host that the URL starts with, or
 * nothing; wx_mask_url leaves no secret parameter's value readable,
 * neither in any URL nor in one built to hold the input as a skey. */
#include <stdlib.h>
#include <strings.h>

#include "fuzz.h"

static const char *const secrets[] = {
	"skey", "sid", "wxsid", "pass_ticket", "ticket", "webwx_data_ticket",
	"uin", "wxuin", "fromuser",
};

/* wx_url_param(url, name) is want (NULL: absent). */
static void
param_is(const char *url, const char *name, const char *want)
{
	char *v = wx_url_param(url, name);

	if (want ? !v || strcmp(v, want) != 0 : v != NULL)
		abort();
	free(v);
}

/* No secret of url can be read back from its masked copy. */
static void
masked(const char *url)
{
	char *m = wx_mask_url(url), *v;
	size_t k;

	for (k = 0; k < sizeof secrets / sizeof *secrets; k++) {
		v = wx_url_param(m, secrets[k]);
		if (v && *v && strcmp(v, "***") != 0)
			abort();
		free(v);
	}
	free(m);
}

static void
round_trip(const char *s)
{
	char *enc = wx_urlencode(s), *url, *m;

	url = wx_asprintf("https://wx.qq.com/cgi-bin/mmwebwx-bin/x?a=1&k=%s"
	                  "&skey=%s&b=2#f", enc, enc);
	param_is(url, "k", s);
	param_is(url, "a", "1");
	param_is(url, "b", "2");
	m = wx_mask_url(url);
	param_is(m, "skey", "***");
	param_is(m, "k", s);
	param_is(m, "b", "2");
	free(m);
	free(url);
	free(enc);
}

static void
host_sane(const char *s)
{
	char *host = wx_url_host(s);
	size_t n;

	if (!host)
		return;
	n = strlen(host);
	if (!n || strcspn(host, "/?#@:ABCDEFGHIJKLMNOPQRSTUVWXYZ") != n ||
	    strncasecmp(s + 8, host, n) != 0)
		abort();
	free(host);
}

int
LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	char *s = wx_strndup((const char *)data, size);  /* to the first NUL */
	char *dec = wx_urldecode(s);

	if (strlen(dec) > strlen(s))
		abort();  /* decoding never grows a string */
	free(dec);
	round_trip(s);
	host_sane(s);
	masked(s);
	free(s);
	return 0;
}
