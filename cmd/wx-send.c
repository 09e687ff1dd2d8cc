/* wx-send — send a text, or with -f a file, to one contact (protocol.md
 * §6).  TO is a UserName or a name the contacts cache DIR/contacts
 * resolves exactly (made first when there is none); TEXT is the operands
 * joined by spaces, else standard input (all of it, or with -l each line
 * as its own message).  Every input is checked before the first request:
 * text as UTF-8, a file's size and kind.  Each message takes a slot of
 * the rate limit every sender on DIR shares (DIR/rate, WX_RATE) and its
 * LocalID from it; prints msgid= and localid= once the server took it,
 * then records it in DIR/sent (for wx-revoke) with the cookies, under
 * the session lock.  -m forwards a received message from its wx-sync
 * line (stdin, or DIR/media): a text as text, an app message with its
 * XML, a sticker by its md5, an image or video by its MediaId or else
 * downloaded and uploaded again; what cannot be forwarded is refused
 * before any request.  -n prints the requests with their secrets masked
 * and sends nothing.  In file-helper mode TO must be filehelper, and
 * files go as the File Helper page sends them (fh_fit, wx_fh). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "wx.h"

/* The longest text wx-send sends in one message. */
#define TEXT_MAX (64 << 10)
/* What -n shows for the MediaId an upload would give. */
#define DRY_MEDIAID "@crypt_MEDIAID_OF_THE_UPLOAD"

struct run {
	struct wx_sess s;
	struct wx_sess masked;  /* s with its secrets as ***, for -n */
	const char *to;         /* the recipient's UserName */
	double rate;            /* WX_RATE */
	int dry;                /* -n */
};

/* What wx_session_commit_with records under the lock. */
struct record {
	const char *dir;
	struct wx_sent m;
};

/* 0 when text (n bytes) can be sent, else 100 after saying why; what
 * names the input in that line ("line 3: " or ""). */
static int
text_ok(const char *text, size_t n, const char *what)
{
	const char *nul = memchr(text, '\0', n);
	size_t bad;

	if (n == 0)
		wx_warn("%sempty message: nothing to send", what);
	else if (n > TEXT_MAX)
		wx_warn("%s%zu bytes: over the %d bytes of a message", what, n,
		        TEXT_MAX);
	else if (wx_utf8_check(text, n, &bad) < 0)
		wx_warn("%sinvalid UTF-8 at byte %zu", what, bad);
	else if (nul)
		wx_warn("%sNUL at byte %zu", what, (size_t)(nul - text));
	else
		return 0;
	return WX_EXIT_USAGE;
}

/* The message's LocalID, and its turn by the rate limit (none for -n). */
static void
take_slot(const struct run *r, struct wx_send *m)
{
	long long wait;

	if (r->dry) {
		wx_localid_local(m->localid);
		return;
	}
	if (wx_rate_take(r->s.dir, r->rate, m->localid, &wait) < 0)
		wx_die(wx_exit_errno(errno), "%s/rate:", r->s.dir);
	wx_sleep_ms(wait);
}

static int
add_sent(void *arg)
{
	const struct record *rec = arg;

	if (wx_sent_add(rec->dir, &rec->m) == 0)
		return 0;
	wx_warn("%s/sent:", rec->dir);
	return wx_exit_errno(errno);
}

/* m went out as msgid: printed, then recorded with the cookies. */
static void
sent(struct run *r, const struct wx_send *m, const char *msgid)
{
	struct record rec = { r->s.dir, { .time = time(NULL) } };

	printf("msgid=%s\nlocalid=%s\n", msgid, m->localid);
	fflush(stdout);
	snprintf(rec.m.msgid, sizeof rec.m.msgid, "%s", msgid);
	snprintf(rec.m.localid, sizeof rec.m.localid, "%s", m->localid);
	snprintf(rec.m.to, sizeof rec.m.to, "%s", m->to);
	wx_session_commit_with(r->s.dir, NULL, r->s.h, add_sent, &rec);
}

/* Send m (its slot taken), or print it with -n. */
static int
deliver(struct run *r, const struct wx_send *m)
{
	struct wx_buf body = {0};
	char msgid[24], *url;
	int rc, hold;

	if (r->dry) {
		url = wx_send_request(&r->masked, m, &body);
		wx_print_request(stdout, url, body.p, body.len);
		free(url);
		wx_buf_free(&body);
		return 0;
	}
	/* wx-sync -f beside us must not see the echo before DIR/sent has
	 * its MsgID, in file-helper mode where it drops echoes by it. */
	hold = r->s.mode == WX_MODE_FILEHELPER ? wx_sent_hold(r->s.dir, 1) : -1;
	if ((rc = wx_send(&r->s, m, msgid)) == 0)
		sent(r, m, msgid);
	if (hold >= 0)
		close(hold);
	return rc;
}

static int
send_text(struct run *r, const char *text, size_t n)
{
	struct wx_send m = { .kind = WX_SEND_TEXT, .to = r->to,
	                     .content = text, .len = n };

	take_slot(r, &m);
	return deliver(r, &m);
}

/* File-helper mode takes what its page is known to send (wx_fh): a
 * file up to upload_max in one part, a video or GIF as a file.  0, or
 * 100 after saying why. */
static int
fh_fit(const struct run *r, struct wx_file *f)
{
	if (r->s.mode != WX_MODE_FILEHELPER)
		return 0;
	if (f->data.len > wx_fh.upload_max) {
		wx_warn("%s: %zu bytes: too big for file-helper mode (at most %zu)",
		        f->name, f->data.len, wx_fh.upload_max);
		return WX_EXIT_USAGE;
	}
	if (wx_fh.media_as_file && (f->kind == WX_SEND_VIDEO ||
	    f->kind == WX_SEND_EMOTICON)) {
		f->kind = WX_SEND_FILE;
		f->mediatype = "doc";
	}
	return 0;
}

/* Upload f, then send it as its kind of message. */
static int
send_file(struct run *r, struct wx_file *f)
{
	struct wx_send m = { .to = r->to };
	struct wx_upload w = { .file = f, .to = r->to };
	struct wx_buf xml = {0};
	int rc;

	if ((rc = fh_fit(r, f)) != 0)
		return rc;
	m.kind = f->kind;
	take_slot(r, &m);
	w.clientid = m.localid;  /* unique on DIR, as a ClientMediaId must be */
	if (r->dry) {
		wx_upload_print(&r->masked, &w, stdout);
		w.mediaid = wx_strdup(DRY_MEDIAID);
	} else if ((rc = wx_upload(&r->s, &w)) != 0) {
		goto out;
	}
	if (f->kind == WX_SEND_FILE) {
		wx_appmsg_file(&xml, f, w.mediaid, r->s.mode == WX_MODE_DESKTOP);
		m.content = xml.p;
		m.len = xml.len;
		m.signature = w.signature;
	} else {
		m.mediaid = w.mediaid;
	}
	rc = deliver(r, &m);
out:
	wx_upload_free(&w);
	wx_buf_free(&xml);
	return rc;
}

/* ---- -m: forwarding a received message ---- */

/* A forward: the message's line, and what it goes as. */
struct fwd {
	struct wx_msgline m;
	struct wx_send s;       /* the message to send (its .to apart) */
	const char *again;      /* download and upload as MSGID.again first */
	struct wx_buf xml;      /* an app message's Content, attachid patched */
	char md5[33];           /* a sticker's md5, "" when its XML has none */
};

/* The md5="…" of the <emoji> element of a sticker's XML into md5, when
 * it is 32 hex digits. */
static void
emoji_md5(const char *xml, char md5[33])
{
	const char *p = xml ? strstr(xml, "<emoji ") : NULL;
	const char *e = p ? strchr(p, '>') : NULL;
	size_t i;

	*md5 = '\0';
	for (; p && p < e && (p = strstr(p, " md5=\"")) && p < e; p++) {
		p += 6;
		for (i = 0; i < 32 && wx_hexdigit(p[i]) >= 0; i++)
			;
		if (i == 32 && p[32] == '"') {
			memcpy(md5, p, 32);
			md5[32] = '\0';
		}
		return;
	}
}

/* The app message's XML (its Text, trailing white space dropped) with
 * the content of <attachid> made mediaid (when it has one and mediaid
 * is not NULL), as RC and W4U forward it (§6.7). */
static void
app_xml(struct wx_buf *b, const char *text, const char *mediaid)
{
	const char *p = strstr(text, "<attachid>"), *e;
	size_t n = strlen(text);

	while (n && strchr(" \t\r\n", text[n - 1]))
		n--;
	e = p ? strstr(p, "</attachid>") : NULL;
	if (!mediaid || !p || !e || e >= text + n) {
		wx_buf_add(b, text, n);
		return;
	}
	p += 10;
	wx_buf_add(b, text, (size_t)(p - text));
	wx_buf_adds(b, mediaid);
	wx_buf_add(b, e, (size_t)(text + n - e));
}

/* The message's media, downloaded as wx-get does, into f (named
 * MSGID.ext for its kind); 0, or the exit code after its line. */
static int
download(struct run *r, const struct wx_msgline *m, const char *ext,
         struct wx_file *f)
{
	const char *range = NULL;
	char *url = wx_msgline_url(&r->s, m, &range), *name, *p = NULL;
	size_t len = 0;
	uint64_t n = 0;
	FILE *out = open_memstream(&p, &len);
	int rc;

	memset(f, 0, sizeof *f);
	if (!out)
		wx_die(WX_EXIT_TEMP, "open_memstream:");
	rc = wx_http_download(r->s.h, url, range, out, WX_FILE_MAX, &n);
	if (fclose(out) != 0 && rc == 0)
		rc = wx_exit_errno(errno);
	if (rc == 0)
		rc = wx_msgline_check_size(m, n);
	if (rc == 0) {
		wx_buf_add(&f->data, p, len);
		name = wx_asprintf("%s.%s", m->msgid, ext);
		rc = wx_file_take(f, name);
		free(name);
	}
	free(p);
	free(url);
	return rc;
}

/* Media without a MediaId to send again: downloaded and uploaded anew
 * (the protocol gives no other way), then sent as its kind; with -n the
 * download's URL (masked) and the upload's requests of no bytes. */
static int
send_again(struct run *r, const struct wx_msgline *m, const char *ext)
{
	const char *range = NULL;
	char *url, *masked, *name;
	struct wx_file f;
	int rc;

	if (!r->dry) {
		if ((rc = download(r, m, ext, &f)) == 0)
			rc = send_file(r, &f);
		wx_file_free(&f);
		return rc;
	}
	url = wx_msgline_url(&r->s, m, &range);
	masked = wx_mask_url(url);
	printf("GET %s\n\n", masked);
	memset(&f, 0, sizeof f);
	name = wx_asprintf("%s.%s", m->msgid, ext);
	wx_buf_adds(&f.data, *ext == 'j' ? "\xff\xd8\xff" : *ext == 'g' ?
	            "GIF8" : "\0\0\0\0ftyp");
	if (*ext == 'm')
		wx_buf_add(&f.data, "\0\0\0\0ftyp", 8);
	rc = wx_file_take(&f, name);
	if (rc == 0)
		rc = send_file(r, &f);
	wx_file_free(&f);
	free(name);
	free(masked);
	free(url);
	return rc;
}

/* What the message goes as, by its TypeName: the forwardable ones each
 * their way; the rest end with 1 (a bad line with 100) before any
 * request. */
static void
fwd_plan(struct fwd *w)
{
	struct wx_msgline *m = &w->m;
	struct wx_send *s = &w->s;
	const char *t = m->type;
	int has_id = m->mediaid && *m->mediaid;

	s->kind = WX_SEND_TEXT;
	if (strcmp(t, "text") == 0) {
		if (!m->text)
			wx_die(WX_EXIT_USAGE, "%s: a text message without a Text to "
			       "send", m->msgid);
		if (text_ok(m->text, strlen(m->text), "Text: ") != 0)
			exit(WX_EXIT_USAGE);
		s->content = m->text;
		s->len = strlen(m->text);
	} else if (strcmp(t, "emoji") == 0) {
		if (m->store)
			wx_die(WX_EXIT_REFUSED, "%s: a store sticker (HasProductId) "
			       "cannot be sent again", m->msgid);
		emoji_md5(m->text, w->md5);
		s->kind = WX_SEND_EMOTICON;
		s->md5 = w->md5;
		if (!*w->md5)
			w->again = "gif";
	} else if (strcmp(t, "image") == 0 || strcmp(t, "video") == 0) {
		s->kind = *t == 'i' ? WX_SEND_IMAGE : WX_SEND_VIDEO;
		s->mediaid = m->mediaid;
		if (!has_id)
			w->again = *t == 'i' ? "jpg" : "mp4";
	} else if (strcmp(t, "file") == 0 || strcmp(t, "link") == 0) {
		if (!m->text || !*m->text || m->apptype <= 0 ||
		    m->apptype > 100000 || (*t == 'f' && !has_id))
			wx_die(WX_EXIT_USAGE, "%s: an app message without its Text, "
			       "AppMsgType or MediaId", m->msgid);
		app_xml(&w->xml, m->text, has_id ? m->mediaid : NULL);
		s->kind = WX_SEND_FILE;
		s->type = (int)m->apptype;
		s->content = w->xml.p;
		s->len = w->xml.len;
	} else {
		wx_die(WX_EXIT_REFUSED, "%s: a %s message cannot be forwarded "
		       "(text, image, video, emoji, file and link can)",
		       m->msgid, t);
	}
}

/* Send the planned forward to r->to. */
static int
fwd_send(struct run *r, struct fwd *w)
{
	if (r->s.mode == WX_MODE_FILEHELPER && !w->again &&
	    (w->s.kind == WX_SEND_VIDEO || w->s.kind == WX_SEND_EMOTICON))
		wx_die(WX_EXIT_REFUSED, "%s: a %s message cannot be forwarded in "
		       "file-helper mode", w->m.msgid, w->m.type);
	if (w->again)
		return send_again(r, &w->m, w->again);
	w->s.to = r->to;
	take_slot(r, &w->s);
	return deliver(r, &w->s);
}

/* -l: each line of stdin (without its LF) a message; empty lines are
 * skipped.  A bad line ends it with 100, after the lines before it. */
static int
send_lines(struct run *r)
{
	char *line = NULL, what[40];
	size_t cap = 0, n;
	long long no = 0;
	ssize_t len;
	int rc = 0;

	while (rc == 0 && (len = getline(&line, &cap, stdin)) > 0) {
		n = (size_t)len;
		no++;
		if (line[n - 1] == '\n')
			n--;
		if (n == 0)
			continue;
		snprintf(what, sizeof what, "line %lld: ", no);
		if ((rc = text_ok(line, n, what)) == 0)
			rc = send_text(r, line, n);
	}
	if (rc == 0 && ferror(stdin))
		wx_die(WX_EXIT_TEMP, "stdin:");
	free(line);
	return rc;
}

/* TEXT: the operands joined by one space, else all of stdin but one
 * final LF. */
static void
read_text(char **argv, int argc, struct wx_buf *b)
{
	int i;

	if (argc > 0) {
		for (i = 0; i < argc; i++) {
			if (i)
				wx_buf_addc(b, ' ');
			wx_buf_adds(b, argv[i]);
		}
		return;
	}
	if (wx_read_stream(stdin, TEXT_MAX, b) < 0) {
		if (errno == EFBIG)
			wx_die(WX_EXIT_USAGE, "stdin: over the %d bytes of a "
			       "message", TEXT_MAX);
		wx_die(WX_EXIT_TEMP, "stdin:");
	}
	if (b->len && b->p[b->len - 1] == '\n')
		b->len--;
}

/* TO as a UserName: as it is when it is one literally, else by the
 * contacts cache; in file-helper mode, which has none, TO must be its
 * one chat. */
static void
resolve(struct run *r, const char *name)
{
	const char *names[] = { name, NULL }, *user;
	struct wx_contacts *cs;
	int rc;

	if (r->s.mode == WX_MODE_FILEHELPER) {
		if (strcmp(name, wx_fh.chat) != 0)
			wx_die(WX_EXIT_REFUSED, "%s: file-helper mode sends to %s "
			       "only", name, wx_fh.chat);
		r->to = wx_strdup(name);
		return;
	}
	cs = (user = wx_name_username(name)) ? NULL :
	     wx_contacts_get(&r->s, names);
	if (cs && (rc = wx_contacts_resolve(cs, name, &user)) != 0)
		exit(rc);
	if (strlen(user) >= sizeof ((struct wx_sent *)0)->to)
		wx_die(WX_EXIT_USAGE, "%s: too long for a UserName", name);
	r->to = wx_strdup(user);
	wx_contacts_free(cs);
}

/* To TO: the forward (w not NULL), the file (f not NULL), then the text
 * (when it has bytes), then with lines each line of stdin. */
static int
send_all(struct run *r, const char *to, struct fwd *w,
         struct wx_file *f, const struct wx_buf *text, int lines)
{
	int rc = 0;

	resolve(r, to);
	r->masked = r->s;
	r->masked.uin = r->masked.sid = r->masked.skey = "***";
	r->masked.pass_ticket = "***";
	if (w)
		rc = fwd_send(r, w);
	if (f)
		rc = send_file(r, f);
	if (rc == 0 && text->len)
		rc = send_text(r, text->p, text->len);
	if (rc == 0 && lines)
		rc = send_lines(r);
	free((char *)r->to);
	return rc;
}

static _Noreturn void
usage(int help)
{
	wx_usage("wx-send [-d DIR] [-f FILE] [-l] [-m MSGID|-] [-n] TO [TEXT ...]",
	         help);
}

/* -m: the message's line (from stdin with -m -) and its plan, before
 * the first request; then its forward to TO. */
static int
forward(struct run *r, const char *dflag, const char *id, const char *to)
{
	struct fwd w = {0};
	struct wx_buf in = {0}, none = {0};
	int rc, dash = strcmp(id, "-") == 0;

	if (!dash && !wx_all_digits(id, 20))
		wx_die(WX_EXIT_USAGE, "-m: %s: not a message id", id);
	if (dash && wx_read_stream(stdin, 1 << 20, &in) < 0)
		wx_die(WX_EXIT_USAGE, errno == EFBIG ? "stdin: over 1 MiB, not a "
		       "message line" : "stdin:");
	wx_sess_open(&r->s, dflag);
	wx_msgline_find(&r->s, id, dash ? &in : NULL, "wx-send -m -", &w.m);
	fwd_plan(&w);
	rc = send_all(r, to, &w, NULL, &none, 0);
	wx_sess_close(&r->s);
	wx_msgline_free(&w.m);
	wx_buf_free(&w.xml);
	wx_buf_free(&in);
	return rc;
}

int
main(int argc, char *argv[])
{
	const char *dflag = NULL, *path = NULL, *mflag = NULL;
	struct run r = {0};
	struct wx_file f = {0};
	struct wx_buf text = {0};
	int c, lines = 0, rc = 0;

	wx_argv0 = "wx-send";
	opterr = 0;  /* no unprefixed getopt message: usage() says it */
	while ((c = getopt(argc, argv, "+d:f:lm:nhV")) != -1) {
		switch (c) {
		case 'd': dflag = optarg; break;
		case 'f': path = optarg; break;
		case 'l': lines = 1; break;
		case 'm': mflag = optarg; break;
		case 'n': r.dry = 1; break;
		case 'h': usage(1);
		case 'V': wx_version();
		default: usage(0);
		}
	}
	if (optind >= argc)
		usage(0);
	if (lines && argc - optind > 1)
		wx_die(WX_EXIT_USAGE, "-l reads the lines of standard input: "
		       "no TEXT with it");
	if (mflag && (path || lines || argc - optind > 1))
		wx_die(WX_EXIT_USAGE, "-m forwards one message: no -f, -l or "
		       "TEXT with it");
	r.rate = wx_rate_env();
	if (mflag)
		return wx_fshut(stdout, "stdout",
		                forward(&r, dflag, mflag, argv[optind]));
	/* Every input checked before the first request. */
	if (path)
		rc = wx_file_load(path, &f);
	if (rc == 0 && !lines && (!path || argc - optind > 1)) {
		read_text(argv + optind + 1, argc - optind - 1, &text);
		rc = text_ok(text.p ? text.p : "", text.len, "");
	}
	if (rc == 0) {
		wx_sess_open(&r.s, dflag);
		rc = send_all(&r, argv[optind], NULL, path ? &f : NULL, &text,
		              lines);
		wx_sess_close(&r.s);
	}
	wx_file_free(&f);
	wx_buf_free(&text);
	return wx_fshut(stdout, "stdout", rc);
}
