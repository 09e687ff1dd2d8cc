/* wx-accept — answer friend requests (protocol.md §10.2, §8.6): each
 * line of stdin a verify event of wx-sync (MsgType 37), whose
 * RecommendInfo.UserName and .Ticket go into one webwxverifyuser,
 * Opcode 3 to accept (4 with -r to reject), scene 33, greeting -g.  Line
 * by line as they come, so `wx-sync -f -n | jq … | wx-accept -` is a bot;
 * each line's values are checked before its request, and a line that is
 * no verify event ends it with 100, nothing sent for it.  Each request
 * takes a slot of the rate limit senders share (DIR/rate, WX_RATE).
 * Reads DIR/session and DIR/cookies, writes the cookies; prints
 * accepted=USERNAME (rejected=) a request, flushed at once. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "wx.h"

/* A wx-sync line with a long greeting stays far below this. */
#define LINE_MAX_BYTES (256 << 10)
/* An encrypted UserName is "@" and 32 or 64 hex digits. */
#define USER_MAX 100
/* A ticket is "v2_" 64 hex digits "@stranger" today. */
#define TICKET_MAX 512
/* The greeting, in characters. */
#define GREETING_MAX 50

struct run {
	struct wx_sess s;
	const char *greeting;   /* VerifyContent */
	int opcode;             /* 3 accept, 4 reject */
};

/* 1 when s is "@" and letters and digits, at most USER_MAX in all. */
static int
user_ok(const char *s)
{
	size_t n = strlen(s);

	return n > 1 && n <= USER_MAX && s[0] == '@' && s[1] != '@' &&
	       strspn(s + 1, "0123456789abcdefghijklmnopqrstuvwxyz"
	              "ABCDEFGHIJKLMNOPQRSTUVWXYZ") == n - 1;
}

/* 1 when s is printable ASCII without space, quote or backslash, at
 * most TICKET_MAX bytes. */
static int
ticket_ok(const char *s)
{
	size_t n = strlen(s), k;

	for (k = 0; k < n; k++)
		if (s[k] <= ' ' || s[k] > '~' || s[k] == '"' || s[k] == '\\')
			return 0;
	return n > 0 && n <= TICKET_MAX;
}

/* The UserName and Ticket of verify event line (len bytes, no LF) into
 * *user and *ticket (malloc'd): 0, or 100 after saying why. */
static int
parse_line(const char *line, size_t len, long long no, char **user,
           char **ticket)
{
	struct wx_json *j = wx_json_parse(line, len, NULL, 0);
	char *type = NULL;
	long long mt = 0;
	const char *why = NULL;

	*user = *ticket = NULL;
	if (!j || wx_json_type(j, 0) != WX_JSON_OBJECT) {
		why = "not a JSON object";
	} else {
		type = wx_json_getstr(j, 0, "TypeName");
		*user = wx_json_getstr(j, 0, "RecommendInfo.UserName");
		*ticket = wx_json_getstr(j, 0, "RecommendInfo.Ticket");
		if (!type || strcmp(type, "verify") != 0 ||
		    wx_json_int(j, wx_json_get(j, 0, "MsgType"), &mt) < 0 ||
		    mt != 37)
			why = "not a verify event (TypeName verify, MsgType 37)";
		else if (!*user || !user_ok(*user))
			why = "RecommendInfo.UserName is not a UserName";
		else if (!*ticket || !ticket_ok(*ticket))
			why = "RecommendInfo.Ticket is not a ticket";
	}
	free(type);
	wx_json_free(j);
	if (!why)
		return 0;
	wx_warn("stdin: line %lld: %s", no, why);
	free(*user);
	free(*ticket);
	*user = *ticket = NULL;
	return WX_EXIT_USAGE;
}

/* One webwxverifyuser: 0, or the exit code after its line on stderr;
 * *ret the server's Ret. */
static int
verify(struct run *r, const char *user, const char *ticket, long long *ret)
{
	struct wx_buf b = {0};
	struct wx_json *j;
	char *query = wx_asprintf("r=%lld&lang=zh_CN&pass_ticket=%s",
	                          wx_now_ms(), r->s.pass_ticket);
	int rc;

	wx_sess_body(&r->s, &b);
	wx_buf_addf(&b, ",\"Opcode\":%d,\"VerifyUserListSize\":1,"
	            "\"VerifyUserList\":[{\"Value\":", r->opcode);
	wx_json_put_strz(&b, user);
	wx_buf_adds(&b, ",\"VerifyUserTicket\":");
	wx_json_put_strz(&b, ticket);
	wx_buf_adds(&b, "}],\"VerifyContent\":");
	wx_json_put_strz(&b, r->greeting);
	wx_buf_adds(&b, ",\"SceneListCount\":1,\"SceneList\":[33],\"skey\":");
	wx_json_put_strz(&b, r->s.skey);
	wx_buf_addc(&b, '}');
	wx_rate_turn(r->s.dir);
	rc = wx_cgi_post_ret(r->s.h, r->s.host, "webwxverifyuser", query, &b,
	                     &j, ret);
	if (j)
		wx_session_commit(r->s.dir, NULL, r->s.h);
	wx_json_free(j);
	wx_buf_free(&b);
	free(query);
	return rc;
}

/* Each line of stdin in turn.  A refusal does not stop the rest (the
 * status is then 1); a bad line, a logout and trouble that would hit
 * them all (network, 5xx, 1205) do. */
static int
accept_lines(struct run *r, long long *lines)
{
	char *line = NULL, *user, *ticket;
	size_t cap = 0, n;
	long long no = 0, ret;
	ssize_t len;
	int rc = 0, one;

	while ((len = getline(&line, &cap, stdin)) > 0) {
		n = (size_t)len;
		no++;
		if (n > LINE_MAX_BYTES)
			wx_die(WX_EXIT_USAGE, "stdin: line %lld: over %d bytes", no,
			       LINE_MAX_BYTES);
		if (line[n - 1] == '\n')
			line[--n] = '\0';
		if (n == 0)
			continue;
		if ((one = parse_line(line, n, no, &user, &ticket)) != 0) {
			rc = one;
			break;
		}
		one = verify(r, user, ticket, &ret);
		if (one == 0) {
			printf("%s=%s\n", r->opcode == 3 ? "accepted" : "rejected",
			       user);
			fflush(stdout);
		}
		free(user);
		free(ticket);
		if (one != 0 && rc == 0)
			rc = one;
		if (one != 0 && (one != WX_EXIT_REFUSED ||
		    (ret >= 1100 && ret <= 1102)))
			break;
	}
	if (ferror(stdin))
		wx_die(WX_EXIT_TEMP, "stdin:");
	*lines = no;
	free(line);
	return rc;
}

static _Noreturn void
usage(int help)
{
	wx_usage("wx-accept [-d DIR] [-g GREETING] [-r] [-]", help);
}

int
main(int argc, char *argv[])
{
	const char *dflag = NULL, *why;
	struct run r = { .greeting = "", .opcode = 3 };
	long long lines;
	int c, rc, dash;

	wx_argv0 = "wx-accept";
	opterr = 0;  /* no unprefixed getopt message: usage() says it */
	while ((c = getopt(argc, argv, "d:g:rhV")) != -1) {
		switch (c) {
		case 'd': dflag = optarg; break;
		case 'g': r.greeting = optarg; break;
		case 'r': r.opcode = 4; break;
		case 'h': usage(1);
		case 'V': wx_version();
		default: usage(0);
		}
	}
	dash = optind < argc && strcmp(argv[optind], "-") == 0;
	if (argc - optind > dash || (!dash && isatty(STDIN_FILENO)))
		usage(0);
	if ((why = wx_short_text(r.greeting, strlen(r.greeting), GREETING_MAX)))
		wx_die(WX_EXIT_USAGE, "-g: %s: UTF-8 without control characters, "
		       "at most %d characters", why, GREETING_MAX);
	wx_sess_open(&r.s, dflag);
	wx_fh_refuse(r.s.mode, "no address book to add to");
	rc = accept_lines(&r, &lines);
	wx_sess_close(&r.s);
	if (lines == 0 && !dash)
		usage(0);  /* an empty stdin is no input (wx(7)) */
	return wx_fshut(stdout, "stdout", rc);
}
