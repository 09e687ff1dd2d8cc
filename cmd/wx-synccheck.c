/* wx-synccheck — one synccheck long poll (protocol.md §5.5): is anything
 * waiting for webwxsync?  Reads DIR/session (host, push_host,
 * credentials, synccheckkey) and DIR/cookies, which go with the request.
 * Prints retcode=R and selector=S; writes nothing but the cookies the
 * server sets.  Exit 0 for retcode 0, 1 when the session has ended
 * (1100, 1101, 1102: the message says which), 111 for anything else. */
#include <unistd.h>

#include "wx.h"

static _Noreturn void
usage(int help)
{
	wx_usage("wx-synccheck [-d DIR]", help);
}

int
main(int argc, char *argv[])
{
	const char *dflag = NULL;
	struct wx_sess s;
	struct wx_check c;
	int ch, rc;

	wx_argv0 = "wx-synccheck";
	opterr = 0;  /* no unprefixed getopt message: usage() says it */
	while ((ch = getopt(argc, argv, "d:hV")) != -1) {
		switch (ch) {
		case 'd': dflag = optarg; break;
		case 'h': usage(1);
		case 'V': wx_version();
		default: usage(0);
		}
	}
	if (argc > optind)
		usage(0);

	wx_sess_open(&s, dflag);
	rc = wx_synccheck(&s, wx_session_need(s.st, s.dir, "synccheckkey",
	                  "wx-init"), &c);
	if (rc == 0) {
		printf("retcode=%lld\nselector=%lld\n", c.retcode, c.selector);
		wx_session_commit(s.dir, NULL, s.h);
		rc = wx_synccheck_exit(c.retcode);
	}
	wx_sess_close(&s);
	return wx_fshut(stdout, "stdout", rc);
}
