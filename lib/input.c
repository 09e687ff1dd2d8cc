/* input.c — where a command without operand finds its input.
 * design.md §3: stdin when it is neither a terminal nor empty, so that
 * `wx-uuid | wx-wait` and `wx-wait | wx-init` work; else the session file,
 * so that `cmd </dev/null` and a cron job without stdin use the session.
 * stdin is read as key=value text (the stdout of the previous command),
 * before the session, which the previous commands may still be writing. */
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#include "wx.h"

/* Piped input is a few key=value lines; anything bigger is a mistake. */
#define INPUT_MAX (64 * 1024)

static char *
from_text(const struct wx_buf *in, const char *key)
{
	char err[256];
	struct wx_state *st;
	const char *v;
	char *val;

	st = wx_state_parse(in->p, in->len, err, sizeof err);
	if (!st)
		wx_die(WX_EXIT_USAGE, "stdin: %s", err);
	v = wx_state_get(st, key);
	if (!v || !*v)
		wx_die(WX_EXIT_USAGE, "stdin: no %s= line", key);
	val = wx_strdup(v);
	wx_state_free(st);
	return val;
}

char *
wx_input(const char *dir, const char *key, const char *hint,
         struct wx_state **st)
{
	struct wx_buf in = {0};
	char *val = NULL;

	if (!isatty(STDIN_FILENO)) {
		/* A closed stdin (EBADF) counts as empty, like </dev/null. */
		if (wx_read_stream(stdin, INPUT_MAX, &in) < 0 && errno != EBADF)
			wx_die(WX_EXIT_USAGE, "stdin:");
		if (in.len > 0)
			val = from_text(&in, key);
	}
	wx_buf_free(&in);
	*st = wx_session_load(dir);
	if (!val)
		val = wx_strdup(wx_session_need(*st, dir, key, hint));
	return val;
}
