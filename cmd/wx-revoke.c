/* wx-revoke — recall messages wx-send sent (protocol.md §6.9): one
 * webwxrevokemsg a MsgID, with the recipient and the ClientMsgId that
 * DIR/sent keeps for it.  MsgIDs from the operands, else from the
 * msgid= lines (and localid= lines) of stdin, which is what wx-send
 * prints.  Reads DIR/session, DIR/cookies and DIR/sent; writes nothing
 * but the cookies the server sets.  Prints nothing: the exit status
 * says, and a refusal is named on stderr with the server's reason. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "wx.h"

/* wx-send's output for a few thousand messages; more is a mistake. */
#define IN_MAX (1024 * 1024)
/* A MsgID is 19 digits today; struct wx_sent keeps up to 23. */
#define ID_MAX (sizeof ((struct wx_sent *)0)->msgid - 1)

/* One message to revoke: its MsgID, and the localid wx-send printed
 * with it (NULL: none given). */
struct target {
	const char *msgid, *localid;
};

static int
valid_id(const char *s)
{
	size_t n = strlen(s);

	return n > 0 && n <= ID_MAX && strspn(s, "0123456789") == n;
}

/* The value of a "key=value" line when it is key's, else NULL. */
static char *
value_of(char *line, const char *key)
{
	size_t n = strlen(key);

	return strncmp(line, key, n) == 0 && line[n] == '=' ? line + n + 1 : NULL;
}

/* The msgid= lines of text (wx-send's output) into t (at most max), the
 * n-th localid= line going with the n-th msgid=; blank and # lines
 * skipped, other key=value lines ignored.  Their count; exit 100 on a
 * line that is not key=value or a bad id.  The strings point into text. */
static size_t
parse_input(char *text, struct target *t, size_t max)
{
	size_t n = 0, nl = 0, lineno = 0;
	char *line, *save, *v, *eq;

	for (line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		lineno++;
		if (*line == '#' || *line == '\0')
			continue;
		eq = strchr(line, '=');
		if (!eq || eq == line || strspn(line, "abcdefghijklmnopqrstuvwxyz"
		    "0123456789_") != (size_t)(eq - line))
			wx_die(WX_EXIT_USAGE, "stdin: line %zu: not key=value",
			       lineno);
		if ((v = value_of(line, "msgid"))) {
			if (!valid_id(v))
				wx_die(WX_EXIT_USAGE, "stdin: line %zu: %s: not a "
				       "message id", lineno, v);
			if (n == max)
				wx_die(WX_EXIT_USAGE, "stdin: over %zu messages",
				       max);
			t[n++].msgid = v;
		} else if ((v = value_of(line, "localid"))) {
			if (!valid_id(v))
				wx_die(WX_EXIT_USAGE, "stdin: line %zu: %s: not a "
				       "local id", lineno, v);
			if (nl < max)
				t[nl].localid = v;
			nl++;
		}
	}
	if (n == 0)
		wx_die(WX_EXIT_USAGE, "stdin: no msgid= line");
	if (nl > n)
		wx_die(WX_EXIT_USAGE, "stdin: more localid= than msgid= lines");
	return n;
}

/* What the server said besides Ret, when it says anything. */
static void
reason(const struct wx_json *j, const char *msgid)
{
	static const char *const keys[] = { "SysWording", "Introduction" };
	size_t i;
	char *v;

	for (i = 0; i < sizeof keys / sizeof *keys; i++) {
		v = wx_json_getstr(j, 0, keys[i]);
		if (v && *v)
			wx_warn("%s: %s", msgid, v);
		free(v);
	}
}

/* A refusal j of the revoke of m: the server's reason, and how long ago
 * m was sent. */
static void
refused(const struct wx_json *j, const struct wx_sent *m, long long ret)
{
	long long age = wx_now_ms() / 1000 - m->time;

	reason(j, m->msgid);
	if ((ret < 1100 || ret > 1102) && m->time > 0 && age >= 0)
		wx_warn("%s: sent %lld s ago; a message can be revoked "
		        "for 2 minutes after it was sent", m->msgid, age);
}

/* Revoke t; 0, or the exit code after one or more lines on stderr.
 * *answered is set when the server answered (its cookies to keep). */
static int
revoke_one(struct wx_sess *s, const struct target *t, int *answered)
{
	struct wx_sent m;
	struct wx_buf b = {0};
	struct wx_json *j;
	long long ret;
	int rc;

	if (wx_sent_find(s->dir, t->msgid, &m) < 0) {
		if (errno == EINVAL) {
			wx_warn("%s/sent: the line of %s is malformed", s->dir,
			        t->msgid);
			return WX_EXIT_USAGE;
		}
		if (errno != ENOENT) {
			wx_warn("%s/sent:", s->dir);
			return wx_exit_errno(errno);
		}
		wx_warn("%s: unknown MsgID: not among the last %d messages "
		        "wx-send sent from %s", t->msgid, WX_SENT_KEEP, s->dir);
		return WX_EXIT_REFUSED;
	}
	if (t->localid && strcmp(t->localid, m.localid) != 0) {
		wx_warn("%s: %s/sent has it with localid %s, not %s", t->msgid,
		        s->dir, m.localid, t->localid);
		return WX_EXIT_REFUSED;
	}
	wx_sess_body(s, &b);
	wx_buf_adds(&b, ",\"SvrMsgId\":");
	wx_json_put_strz(&b, m.msgid);
	wx_buf_adds(&b, ",\"ToUserName\":");
	wx_json_put_strz(&b, m.to);
	wx_buf_adds(&b, ",\"ClientMsgId\":");
	wx_json_put_strz(&b, m.localid);
	wx_buf_addc(&b, '}');
	rc = wx_cgi_post_ret(s->h, s->host, "webwxrevokemsg", NULL, &b, &j,
	                     &ret);
	if (j) {
		*answered = 1;
		if (rc == WX_EXIT_REFUSED)
			refused(j, &m, ret);
	}
	wx_json_free(j);
	wx_buf_free(&b);
	return rc;
}

static _Noreturn void
usage(int help)
{
	wx_usage("wx-revoke [-d DIR] [MSGID ...]", help);
}

int
main(int argc, char *argv[])
{
	const char *dflag = NULL;
	struct target *t;
	struct wx_buf in = {0};
	struct wx_sess s;
	size_t n, i;
	int ch, rc = 0, one, answered = 0;

	wx_argv0 = "wx-revoke";
	opterr = 0;  /* no unprefixed getopt message: usage() says it */
	while ((ch = getopt(argc, argv, "d:hV")) != -1) {
		switch (ch) {
		case 'd': dflag = optarg; break;
		case 'h': usage(1);
		case 'V': wx_version();
		default: usage(0);
		}
	}
	n = (size_t)(argc - optind);
	if (n > 0) {
		t = wx_calloc(n, sizeof *t);
		for (i = 0; i < n; i++) {
			if (!valid_id(argv[optind + i]))
				wx_die(WX_EXIT_USAGE, "%s: not a message id",
				       argv[optind + i]);
			t[i].msgid = argv[optind + i];
		}
	} else {
		/* stdin to its end first: wx-send has committed DIR/sent
		 * by the time its output ends. */
		if (isatty(STDIN_FILENO))
			usage(0);
		if (wx_read_stream(stdin, IN_MAX, &in) < 0 && errno != EBADF)
			wx_die(WX_EXIT_USAGE, errno == EFBIG ? "stdin: over 1 MiB"
			       : "stdin:");
		if (in.len == 0)
			usage(0);
		n = in.len / 2 + 1;
		t = wx_calloc(n, sizeof *t);
		n = parse_input(in.p, t, n);
	}

	wx_sess_open(&s, dflag);
	wx_fh_refuse(s.mode, "no revoke (no File Helper client makes one)");
	/* Each in turn; a refusal does not stop the rest, trouble that
	 * would hit them all (network, 5xx, a bad DIR/sent) does. */
	for (i = 0; i < n; i++) {
		if ((one = revoke_one(&s, &t[i], &answered)) != 0 && rc == 0)
			rc = one;
		if (one != 0 && one != WX_EXIT_REFUSED)
			break;
	}
	if (answered)
		wx_session_commit(s.dir, NULL, s.h);
	wx_sess_close(&s);
	wx_buf_free(&in);
	free(t);
	return wx_fshut(stdout, "stdout", rc);
}
