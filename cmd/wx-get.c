/* wx-get — the media of one message (protocol.md §7): an image, a
 * sticker, a voice clip, a video or a file; or with -a the avatar of a
 * contact, a group or the account (webwxgeticon, webwxgetheadimg: the
 * HeadImgUrl path of its line in DIR/contacts, nothing else).  The
 * message is its line in DIR/media (MSGID; wx-sync keeps the last media
 * lines there) or one line on stdin (-), as wx-sync printed it, every
 * field checked.  Reads DIR/session and DIR/cookies; writes the bytes to
 * stdout, or with -o FILE to a temp file beside FILE renamed over it
 * only when the download is whole, so a failure leaves FILE as it was;
 * merges the cookies the server sets into DIR/cookies.  File-helper
 * mode has its own URL forms (wx_msgline_url) and no avatars. */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "wx.h"

#define IN_MAX (1024 * 1024)  /* a message line on stdin */
#define ID_MAX 20             /* digits of a MsgId (uint64) */
#define URL_MAX 2048          /* a HeadImgUrl */

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

/* The avatar paths of protocol.md §7, the only URLs -a fetches. */
static const char *const avatar_cgis[] = {
	"/cgi-bin/mmwebwx-bin/webwxgeticon?",
	"/cgi-bin/mmwebwx-bin/webwxgetheadimg?",
};

/* The query of HeadImgUrl hu when it is an avatar path (relative, or
 * on the web host), else NULL. */
static const char *
avatar_query(const struct wx_sess *s, const char *hu, const char **cgi)
{
	size_t i, n;

	if (strncmp(hu, "https://", 8) == 0) {
		n = strlen(s->host);
		if (strncmp(hu + 8, s->host, n) != 0 || hu[8 + n] != '/')
			return NULL;
		hu += 8 + n;
	}
	for (i = 0; i < sizeof avatar_cgis / sizeof *avatar_cgis; i++) {
		n = strlen(avatar_cgis[i]);
		if (strncmp(hu, avatar_cgis[i], n) == 0) {
			*cgi = avatar_cgis[i] + 21;  /* after /cgi-bin/mmwebwx-bin/ */
			return hu + n;
		}
	}
	return NULL;
}

/* The avatar's URL: HeadImgUrl's path on the web host with its query
 * kept but for skey, the session's (wx-contacts keeps no skey in the
 * cache); NULL when it is not an avatar path or its query holds a byte
 * a URL must not. */
static char *
avatar_url(const struct wx_sess *s, const char *hu)
{
	const char *cgi, *q = avatar_query(s, hu, &cgi), *p, *e;
	struct wx_buf b = {0};
	char *skey, *name, *url;

	if (!q || q[strspn(q, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	                   "0123456789-._~%@=&+")] != '\0')
		return NULL;
	name = wx_strndup(cgi, strcspn(cgi, "?"));
	skey = wx_urlencode(s->skey);
	for (p = q; *p; p = *e ? e + 1 : e) {
		e = p + strcspn(p, "&");
		if (e == p || (e - p >= 5 && strncmp(p, "skey=", 5) == 0) ||
		    (e - p == 4 && strncmp(p, "skey", 4) == 0))
			continue;
		wx_buf_add(&b, p, (size_t)(e - p));
		wx_buf_addc(&b, '&');
	}
	wx_buf_addf(&b, "skey=%s", skey);
	url = wx_cgi_url(s->host, name, b.p);
	free(name);
	free(skey);
	wx_buf_free(&b);
	return url;
}

/* The URL of the avatar of name ("self": the account's own), by its
 * line in the contacts cache. */
static char *
avatar_of(struct wx_sess *s, const char *name)
{
	const char *names[] = { name, s->username, NULL }, *user, *line;
	struct wx_contacts *cs = wx_contacts_get(s, names);
	struct wx_json *j;
	char err[128], *hu, *url;
	size_t i, len;
	int rc;

	if (strcmp(name, "self") == 0)
		user = s->username;
	else if ((rc = wx_contacts_resolve(cs, name, &user)) != 0)
		exit(rc);
	if (wx_contacts_find(cs, user, &i) < 0)
		wx_die(WX_EXIT_REFUSED, "%s: not in %s/contacts; run wx-contacts",
		       name, s->dir);
	line = wx_contacts_line(cs, i, &len);
	if (!(j = wx_json_parse(line, len, err, sizeof err)))
		wx_die(WX_EXIT_USAGE, "%s/contacts: %s", s->dir, err);
	hu = wx_json_getstr(j, 0, "HeadImgUrl");
	if (!hu || !*hu)
		wx_die(WX_EXIT_REFUSED, "%s: no HeadImgUrl in its contact", name);
	if (strlen(hu) > URL_MAX || !(url = avatar_url(s, hu)))
		wx_die(WX_EXIT_REFUSED, "%s: HeadImgUrl is not a webwxgeticon or "
		       "webwxgetheadimg path on the web host: not fetched", name);
	free(hu);
	wx_json_free(j);
	wx_contacts_free(cs);
	return url;
}

/* Download url to stdout, or to ofile through a temp file beside it;
 * m: the message whose media it is, NULL for an avatar. */
static int
fetch(const struct wx_sess *s, const char *url, const char *range,
      const struct wx_msgline *m, const char *ofile)
{
	struct wx_afile a = {0};
	char *tmp;
	uint64_t n = 0;
	int rc;

	if (ofile) {
		if (wx_afile_open(&a, ofile, 0666) < 0) {
			wx_warn("%s:", ofile);
			return wx_exit_errno(errno);
		}
		tmp_path = wx_strdup(a.tmp);
		catch_signals();
	}
	rc = wx_http_download(s->h, url, range, ofile ? a.f : stdout, 0, &n);
	if (rc == 0 && m)
		rc = wx_msgline_check_size(m, n);
	else if (rc == 0 && n == 0) {
		wx_warn("no avatar: an empty answer");
		rc = WX_EXIT_REFUSED;
	}
	if (ofile && rc == 0 && wx_afile_commit(&a) < 0) {
		wx_warn("%s:", ofile);
		rc = wx_exit_errno(errno);
	} else if (ofile && rc != 0) {
		wx_afile_abort(&a);
	}
	tmp = tmp_path;
	tmp_path = NULL;
	free(tmp);
	return rc;
}

static _Noreturn void
usage(int help)
{
	wx_usage("wx-get [-d DIR] [-o FILE] -a NAME|MSGID|-", help);
}

int
main(int argc, char *argv[])
{
	const char *dflag = NULL, *ofile = NULL, *avatar = NULL, *op = NULL;
	const char *range = NULL;
	struct wx_buf in = {0};
	struct wx_msgline m = {0};
	struct wx_sess s;
	char *url;
	int c, rc, dash = 0;

	wx_argv0 = "wx-get";
	opterr = 0;  /* no unprefixed getopt message: usage() says it */
	while ((c = getopt(argc, argv, "a:d:o:hV")) != -1) {
		switch (c) {
		case 'a': avatar = optarg; break;
		case 'd': dflag = optarg; break;
		case 'o': ofile = optarg; break;
		case 'h': usage(1);
		case 'V': wx_version();
		default: usage(0);
		}
	}
	if (argc - optind != !avatar)
		usage(0);
	if (avatar && !*avatar)
		wx_die(WX_EXIT_USAGE, "-a: empty name");
	if (!avatar) {
		op = argv[optind];
		dash = strcmp(op, "-") == 0;
		if (!dash && !wx_all_digits(op, ID_MAX))
			wx_die(WX_EXIT_USAGE, "%s: not a message id", op);
	}
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
	if (avatar) {
		wx_fh_refuse(s.mode, "no address book, and so no avatars");
		url = avatar_of(&s, avatar);
	} else {
		wx_msgline_find(&s, op, dash ? &in : NULL, "wx-get -", &m);
		if (!(url = wx_msgline_url(&s, &m, &range)))
			wx_die(WX_EXIT_REFUSED, "%s: a %s message, not image, emoji, "
			       "voice, video or file: nothing to download",
			       m.msgid, m.type);
	}
	if ((rc = fetch(&s, url, range, avatar ? NULL : &m, ofile)) == 0)
		wx_session_commit(s.dir, NULL, s.h);
	free(url);
	wx_msgline_free(&m);
	wx_buf_free(&in);
	wx_sess_close(&s);
	return wx_fshut(stdout, "stdout", rc);
}
