/* fh.c — the file-helper profile of -F (filehelper.md, wx-emu(1) FILE-HELPER
 * PROFILE): how a request names the app, and jslogin's redirect_uri.
 * The values themselves (appid, entry hosts, the one chat) come from
 * lib/mode.c's table, the one the client uses, so that a capture that
 * corrects one corrects both. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "emu.h"

/* Decodings of redirect_uri tried beyond libmicrohttpd's one: the page
 * encodes it twice (filehelper.md §3.1), so once more is what it needs;
 * one spare for a client that encodes a third time by mistake. */
#define REDIRECT_DECODES 2

int
emu_fh_lacks(const struct emu_req *r, enum emu_fh_where where)
{
	const char *v;

	if (!emu_opt.filehelper)
		return 0;
	v = where == EMU_FH_HEADER ? emu_header(r, "mmweb_appid")
	  : where == EMU_FH_QUERY ? emu_arg(r, "mmweb_appid")
	  : emu_arg(r, "appid");
	return !v || strcmp(v, wx_fh.appid) != 0;
}

char *
emu_fh_entry(const char *redirect_uri)
{
	struct wx_hosts hosts;
	char *uri = redirect_uri ? wx_strdup(redirect_uri) : NULL, *host, *d;
	int i;

	for (i = 0; uri && strncasecmp(uri, "https://", 8) != 0 &&
	     i < REDIRECT_DECODES; i++) {
		d = wx_urldecode(uri);
		free(uri);
		uri = d;
	}
	host = wx_url_host(uri);
	free(uri);
	if (host && wx_fh_hosts(host, &hosts) < 0) {
		free(host);
		host = NULL;
	}
	return host;
}
