/* wx-get — the media of one message (protocol.md §7): an image, a
 * sticker, a voice clip, a video or a file.  The message is its line in
 * DIR/media (MSGID; wx-sync keeps the last media lines there) or one
 * line on stdin (-), as wx-sync printed it, every field checked.  Reads
 * DIR/session and DIR/cookies; writes the bytes to stdout, or with -o
 * FILE to a temp file beside FILE renamed over it only when the download
 * is whole, so a failure leaves FILE as it was; merges the cookies the
 * server sets into DIR/cookies. */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "wx.h"

#define IN_MAX (1024 * 1024)  /* a message line on stdin */
#define ID_MAX 20             /* digits of a MsgId (uint64) */
#define TYPE_MAX 32           /* TypeName */
#define USER_MAX 256          /* FromUserName: "@@" and 64 hex at most */
#define MEDIAID_MAX 4096      /* MediaId: "@crypt_" and ~650 hex seen */
#define FILENAME_MAX_ 1024    /* EncryFileName */

/* The endpoint of each kind of media (protocol.md §7). */
static const struct kind {
	const char *type;   /* TypeName */
	const char *cgi;    /* on the web host, or (file) the file host */
	const char *query;  /* before MsgId: RC's "?&MsgID=" or "msgid=" */
	const char *extra;  /* after the skey */
	const char *range;  /* Range header, or NULL */
} kinds[] = {
	{ "image", "webwxgetmsgimg", "&MsgID=", "", NULL },
	{ "emoji", "webwxgetmsgimg", "&MsgID=", "&type=big", NULL },
	{ "voice", "webwxgetvoice", "msgid=", "", "bytes=0-" },
	{ "video", "webwxgetvideo", "msgid=", "", "bytes=0-" },
	{ "file", "webwxgetmedia", NULL, NULL, NULL },
};

/* What wx-get takes from a message line; strings are malloc'd. */
struct msg {
	char *msgid, *type, *from, *mediaid, *encname, *filesize;
};

/* The temp file of -o, removed if a signal ends the download. */
static char *volatile tmp_path;

static void
on_signal(int sig)
{
	if (tmp_path)
		unlink(tmp_path);
	signal(sig, SIG_DFL);
	raise(sig);
}

static void
catch_signals(void)
{
	static const int sigs[] = { SIGHUP, SIGINT, SIGTERM, SIGPIPE };
	struct sigaction sa = { .sa_handler = on_signal };
	size_t i;

	sigemptyset(&sa.sa_mask);
	for (i = 0; i < sizeof sigs / sizeof *sigs; i++)
		sigaction(sigs[i], &sa, NULL);
}

static int
all_digits(const char *s, size_t max)
{
	size_t n = strspn(s, "0123456789");

	return n > 0 && n <= max && s[n] == '\0';
}

/* Member key of the message as a string (a number as its digits),
 * NULL when absent or null; exit 100 when it is an object or an array
 * or longer than max.  malloc'd. */
static char *
field(const struct wx_json *j, const char *key, size_t max, const char *where)
{
	int tok = wx_json_get(j, 0, key);
	enum wx_json_type t = wx_json_type(j, tok);
	char *s;

	if (tok < 0 || t == WX_JSON_NULL)
		return NULL;
	if (!(s = wx_json_str(j, tok)))
		wx_die(WX_EXIT_USAGE, "%s: %s: not a string", where, key);
	if (strlen(s) > max)
		wx_die(WX_EXIT_USAGE, "%s: %s: longer than %zu bytes", where, key,
		       max);
	return s;
}

/* TypeName when the line has it, else wx_msg_typename of MsgType,
 * AppMsgType and SubMsgType. */
static char *
type_of(const struct wx_json *j, const char *where)
{
	char *t = field(j, "TypeName", TYPE_MAX, where);
	long long type, app = 0, sub = 0;

	if (t)
		return t;
	if (wx_json_int(j, wx_json_get(j, 0, "MsgType"), &type) < 0)
		wx_die(WX_EXIT_USAGE, "%s: neither TypeName nor MsgType", where);
	wx_json_int(j, wx_json_get(j, 0, "AppMsgType"), &app);
	wx_json_int(j, wx_json_get(j, 0, "SubMsgType"), &sub);
	return wx_strdup(wx_msg_typename(type, app, sub));
}

/* The message line (len bytes from where), checked; exit 100 when it is
 * not a message. */
static void
parse_msg(const char *text, size_t len, const char *where, struct msg *m)
{
	struct wx_json *j;
	char err[128];

	if (!(j = wx_json_parse(text, len, err, sizeof err)))
		wx_die(WX_EXIT_USAGE, "%s: not a message line: %s", where, err);
	if (wx_json_type(j, 0) != WX_JSON_OBJECT)
		wx_die(WX_EXIT_USAGE, "%s: not a message line: not a JSON object",
		       where);
	m->msgid = field(j, "MsgId", ID_MAX, where);
	if (!m->msgid || !all_digits(m->msgid, ID_MAX))
		wx_die(WX_EXIT_USAGE, "%s: MsgId: not a message id", where);
	m->type = type_of(j, where);
	m->from = field(j, "FromUserName", USER_MAX, where);
	m->mediaid = field(j, "MediaId", MEDIAID_MAX, where);
	m->encname = field(j, "EncryFileName", FILENAME_MAX_, where);
	m->filesize = field(j, "FileSize", ID_MAX, where);
	wx_json_free(j);
}

static void
msg_free(struct msg *m)
{
	free(m->msgid);
	free(m->type);
	free(m->from);
	free(m->mediaid);
	free(m->encname);
	free(m->filesize);
}

static const struct kind *
kind_of(const char *type)
{
	size_t i;

	for (i = 0; i < sizeof kinds / sizeof *kinds; i++)
		if (strcmp(kinds[i].type, type) == 0)
			return &kinds[i];
	return NULL;
}

/* The host webwxgetmedia is on: the session's file_host, else the one
 * protocol.md §2.2 derives from the web host. */
static char *
file_host(const struct wx_sess *s)
{
	const char *fh = wx_state_get(s->st, "file_host");
	struct wx_hosts hs;

	if (fh && *fh && wx_hosts_for(fh, &hs) == 0)
		return wx_strdup(fh);
	if (wx_hosts_for(s->host, &hs) < 0)
		wx_die(WX_EXIT_USAGE, "%s/session: bad host", s->dir);
	return wx_strdup(hs.file);
}

/* webwxgetmedia?sender=…&mediaid=…&encryfilename=…&fromuser=UIN
 * &pass_ticket=…&webwx_data_ticket=… on the file host (RC's form). */
static char *
media_url(const struct wx_sess *s, const struct msg *m)
{
	char *host = file_host(s), *ticket, *q, *url;
	char *from, *id, *name, *uin, *t;

	if (!m->from || !*m->from || !m->mediaid || !*m->mediaid)
		wx_die(WX_EXIT_USAGE, "%s: a file message without FromUserName "
		       "or MediaId", m->msgid);
	if (!(ticket = wx_http_cookie(s->h, host, "webwx_data_ticket")))
		wx_die(WX_EXIT_USAGE, "%s/cookies: no webwx_data_ticket; run "
		       "wx-init first", s->dir);
	from = wx_urlencode(m->from);
	id = wx_urlencode(m->mediaid);
	name = wx_urlencode(m->encname ? m->encname : "");
	uin = wx_urlencode(s->uin);
	t = wx_urlencode(ticket);
	/* pass_ticket is kept percent-encoded, as the login gave it. */
	q = wx_asprintf("sender=%s&mediaid=%s&encryfilename=%s&fromuser=%s"
	                "&pass_ticket=%s&webwx_data_ticket=%s", from, id, name,
	                uin, s->pass_ticket, t);
	url = wx_cgi_url(host, "webwxgetmedia", q);
	free(host);
	free(ticket);
	free(from);
	free(id);
	free(name);
	free(uin);
	free(t);
	free(q);
	return url;
}

/* The download URL of message m, whose media is of kind k. */
static char *
url_of(const struct wx_sess *s, const struct msg *m, const struct kind *k)
{
	char *skey, *q, *url;

	if (!k->query)
		return media_url(s, m);
	skey = wx_urlencode(s->skey);
	q = wx_asprintf("%s%s&skey=%s%s", k->query, m->msgid, skey, k->extra);
	url = wx_cgi_url(s->host, k->cgi, q);
	free(skey);
	free(q);
	return url;
}

/* Has a download of n bytes all of the file?  The server answers an
 * unknown or expired id with no bytes at all; a file's line gives its
 * size, so a file cut short shows. */
static int
check_size(const struct msg *m, const struct kind *k, uint64_t n)
{
	uint64_t size;
	int sized = !k->query && m->filesize &&
	            wx_parse_u64(m->filesize, strlen(m->filesize), UINT64_MAX,
	                         &size) == 0;

	if (n == 0 && !(sized && size == 0)) {
		wx_warn("%s: no such media (expired?)", m->msgid);
		return WX_EXIT_REFUSED;
	}
	if (sized && n < size) {
		wx_warn("%s: %llu of %llu bytes: truncated", m->msgid,
		        (unsigned long long)n, (unsigned long long)size);
		return WX_EXIT_TEMP;
	}
	return 0;
}

/* Download m to stdout, or to ofile through a temp file beside it. */
static int
fetch(const struct wx_sess *s, const struct msg *m, const struct kind *k,
      const char *ofile)
{
	struct wx_afile a = {0};
	char *url = url_of(s, m, k), *tmp;
	uint64_t n = 0;
	int rc;

	if (ofile) {
		if (wx_afile_open(&a, ofile, 0666) < 0) {
			wx_warn("%s:", ofile);
			free(url);
			return wx_exit_errno(errno);
		}
		tmp_path = wx_strdup(a.tmp);
		catch_signals();
	}
	rc = wx_http_download(s->h, url, k->range, ofile ? a.f : stdout, 0, &n);
	if (rc == 0)
		rc = check_size(m, k, n);
	if (ofile && rc == 0 && wx_afile_commit(&a) < 0) {
		wx_warn("%s:", ofile);
		rc = wx_exit_errno(errno);
	} else if (ofile && rc != 0) {
		wx_afile_abort(&a);
	}
	tmp = tmp_path;
	tmp_path = NULL;
	free(tmp);
	free(url);
	return rc;
}

/* The message line: from stdin (-), or MSGID's line in DIR/media. */
static void
find_msg(const struct wx_sess *s, const char *op, const struct wx_buf *in,
         struct msg *m)
{
	char *line, *where;

	if (in) {
		parse_msg(in->p, in->len, "stdin", m);
		return;
	}
	if (!(line = wx_media_find(s->dir, op))) {
		if (errno != ENOENT)
			wx_die(wx_exit_errno(errno), "%s/media:", s->dir);
		wx_die(WX_EXIT_REFUSED, "%s: not among the media messages wx-sync "
		       "printed; pipe its line to wx-get -", op);
	}
	where = wx_asprintf("%s/media", s->dir);
	parse_msg(line, strlen(line), where, m);
	free(where);
	free(line);
}

static _Noreturn void
usage(int help)
{
	wx_usage("wx-get [-d DIR] [-o FILE] MSGID|-", help);
}

int
main(int argc, char *argv[])
{
	const char *dflag = NULL, *ofile = NULL, *op;
	const struct kind *k;
	struct wx_buf in = {0};
	struct msg m = {0};
	struct wx_sess s;
	int c, rc, dash;

	wx_argv0 = "wx-get";
	opterr = 0;  /* no unprefixed getopt message: usage() says it */
	while ((c = getopt(argc, argv, "d:o:h")) != -1) {
		switch (c) {
		case 'd': dflag = optarg; break;
		case 'o': ofile = optarg; break;
		case 'h': usage(1);
		default: usage(0);
		}
	}
	if (argc - optind != 1)
		usage(0);
	op = argv[optind];
	dash = strcmp(op, "-") == 0;
	if (!dash && !all_digits(op, ID_MAX))
		wx_die(WX_EXIT_USAGE, "%s: not a message id", op);
	if (ofile && !*ofile)
		wx_die(WX_EXIT_USAGE, "-o: empty file name");
	if (!ofile && isatty(STDOUT_FILENO))
		wx_die(WX_EXIT_USAGE, "stdout is a terminal; use -o FILE or a "
		       "redirection");
	/* stdin to its end first: the command before us has committed. */
	if (dash && wx_read_stream(stdin, IN_MAX, &in) < 0)
		wx_die(WX_EXIT_USAGE, errno == EFBIG ? "stdin: over 1 MiB, not a "
		       "message line" : "stdin:");
	wx_sess_open(&s, dflag);
	find_msg(&s, op, dash ? &in : NULL, &m);
	if (!(k = kind_of(m.type)))
		wx_die(WX_EXIT_REFUSED, "%s: a %s message, not image, emoji, "
		       "voice, video or file: nothing to download", m.msgid,
		       m.type);
	if ((rc = fetch(&s, &m, k, ofile)) == 0)
		wx_session_commit(s.dir, NULL, s.h);
	msg_free(&m);
	wx_buf_free(&in);
	wx_sess_close(&s);
	return wx_fshut(stdout, "stdout", rc);
}
