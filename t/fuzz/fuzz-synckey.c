/* libFuzzer target for the SyncKey parser and the URL helpers of
 * lib/proto.c: a parsed key survives the pipe and JSON writers, encoding
 * is undone by decoding, and every host found maps to hosts. */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"

static void
same_key(const struct wx_synckey *a, const struct wx_synckey *b)
{
	int i;

	if (a->n != b->n)
		abort();
	for (i = 0; i < a->n; i++)
		if (a->kv[i].key != b->kv[i].key || a->kv[i].val != b->kv[i].val)
			abort();
}

static void
synckey_round_trip(const char *s)
{
	struct wx_synckey sk, back;
	struct wx_buf b = {0};
	struct wx_json *j;
	char err[128], *enc;

	if (wx_synckey_parse(s, &sk) < 0)
		return;
	wx_synckey_pipe(&sk, &b);
	if (wx_synckey_parse(b.p, &back) < 0)
		abort();
	same_key(&sk, &back);
	enc = wx_urlencode(b.p);  /* | becomes %7C, as in synccheck URLs */
	if (wx_synckey_parse(enc, &back) < 0)
		abort();
	same_key(&sk, &back);
	free(enc);
	wx_buf_reset(&b);
	wx_synckey_json(&sk, &b);
	j = wx_json_parse(b.p, b.len, err, sizeof err);
	if (!j || wx_synckey_from_json(j, 0, &back) < 0)
		abort();
	same_key(&sk, &back);
	wx_json_free(j);
	wx_buf_free(&b);
}

static void
url_helpers(const char *s)
{
	struct wx_hosts h;
	char *host = wx_url_host(s), *enc = wx_urlencode(s), *dec;

	if (host && wx_hosts_for(host, &h) < 0)
		abort();
	dec = wx_urldecode(enc);
	if (strcmp(dec, s) != 0)
		abort();
	free(dec);
	dec = wx_urldecode(s);
	if (strlen(dec) > strlen(s))
		abort();
	free(dec);
	free(wx_url_param(s, "synckey"));
	free(host);
	free(enc);
}

int
LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	char *s = wx_strndup((const char *)data, size);

	synckey_round_trip(s);
	url_helpers(s);
	free(s);
	return 0;
}
