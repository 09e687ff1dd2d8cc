/* mode.c — the session's mode (design.md §3: web, desktop, filehelper),
 * and file-helper mode's table: every value of the web File Helper
 * (filehelper.md) that wx depends on, in one place, each with the
 * evidence it rests on, so that a capture that proves one wrong is
 * corrected here and nowhere else.  Tags as filehelper.md §0: CAP (copied
 * from a real browser session), CODE n (n independent working clients
 * agree), ONE (a single source), HEAR (hearsay or inference). */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "wx.h"

/* jslogin's appid, the login poll's &appid=, and mmweb_appid. CODE 8 */
#define APPID "wx_webfilehelper"

const char wx_fh_header[] = "mmweb_appid: " APPID;

const struct wx_fh wx_fh = {
	.appid = APPID,
	/* A login starts on filehelper.weixin.qq.com with login.wx.qq.com:
	 * FA, the most complete 2026 client, and ZZ's workaround for init
	 * Ret 1100 on szfilehelper (filehelper.md §2, §3).  The session's
	 * host is then the one redirect_uri names, as on wx.qq.com. CODE 6 */
	.entry = "filehelper.weixin.qq.com",
	/* The page double-encodes redirect_uri in jslogin; the server took
	 * single, double and raw from working clients (§3.1).  HEAR, strong */
	.redirect_encodings = 2,
	/* The one chat; no source tried another recipient (§5). HEAR */
	.chat = "filehelper",
	/* Files up to 25 MB go in one webwxuploadmedia, without the id
	 * field and with StartPos 0, DataLen the whole (§6.1: CAP of the
	 * form, CODE 2 for the size).  Above it the page uses
	 * webwxuploadmediaparallel, known from one client only (§6.2, ONE):
	 * wx refuses such a file rather than guess. */
	.upload_max = 25 << 20,
	/* The logout call: SR's webwxlogout form (wx.qq.com's) rather than
	 * MT's JSON "logout"; neither is captured (§7). HEAR */
	.logout_cgi = "webwxlogout",
	/* Video and GIF: no source sent either (§6.3); wx sends them as
	 * files, the kind every client sent. HEAR */
	.media_as_file = 1,
	/* The echo of a sent message comes back through webwxsync with the
	 * MsgID the send answered (§4: CODE 3 for the echo, HEAR for the
	 * id); wx-sync drops it by that id. */
	.echo_same_msgid = 1,
};

/* Entry hosts and the login and file hosts that go with them (§2): FA's
 * mapping; MT and SR pair szfilehelper with login.wx2 too. CODE 6 */
static const struct {
	const char *entry, *login, *file;
} fh_hosts[] = {
	{"filehelper.weixin.qq.com", "login.wx.qq.com", "file.wx.qq.com"},
	{"szfilehelper.weixin.qq.com", "login.wx2.qq.com", "file.wx2.qq.com"},
};

static const char *const mode_names[] = {
	[WX_MODE_WEB] = "web",
	[WX_MODE_DESKTOP] = "desktop",
	[WX_MODE_FILEHELPER] = "filehelper",
};

int
wx_mode_parse(const char *name, enum wx_mode *m)
{
	size_t i;

	if (!name || !*name) {
		*m = WX_MODE_WEB;
		return 0;
	}
	for (i = 0; i < sizeof mode_names / sizeof *mode_names; i++)
		if (strcmp(name, mode_names[i]) == 0) {
			*m = (enum wx_mode)i;
			return 0;
		}
	return -1;
}

const char *
wx_mode_name(enum wx_mode m)
{
	return mode_names[m];
}

const char *
wx_fh_entry(size_t i)
{
	return i < sizeof fh_hosts / sizeof *fh_hosts ? fh_hosts[i].entry : NULL;
}

int
wx_fh_hosts(const char *entry, struct wx_hosts *out)
{
	size_t i;

	for (i = 0; entry && i < sizeof fh_hosts / sizeof *fh_hosts; i++)
		if (strcasecmp(entry, fh_hosts[i].entry) == 0) {
			snprintf(out->login, sizeof out->login, "%s",
			         fh_hosts[i].login);
			snprintf(out->file, sizeof out->file, "%s", fh_hosts[i].file);
			/* synccheck goes to the entry host itself (§4: CAP) */
			snprintf(out->push, sizeof out->push, "%s", fh_hosts[i].entry);
			return 0;
		}
	return -1;
}

int
wx_mode_host(enum wx_mode m, const char *host)
{
	struct wx_hosts hs;

	if (m == WX_MODE_FILEHELPER)
		return wx_fh_hosts(host, &hs) == 0;
	return wx_web_host_known(host);
}

void
wx_fh_refuse(enum wx_mode m, const char *lacks)
{
	if (m == WX_MODE_FILEHELPER)
		wx_die(WX_EXIT_REFUSED, "file-helper mode has %s; log in "
		       "without -F (wx-login) for it", lacks);
}
