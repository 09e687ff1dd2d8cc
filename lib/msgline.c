/* msgline.c — a received message as wx-sync printed it, the fields that
 * wx-get and wx-send -m read from its line (every one checked), and the
 * URL its media downloads from (protocol.md §7). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wx.h"

#define LEN(a) (sizeof (a) / sizeof *(a))

#define ID_MAX 20             /* digits of a MsgId (uint64) */
#define TYPE_MAX 32           /* TypeName */
#define USER_MAX 256          /* FromUserName: "@@" and 64 hex at most */
#define MEDIAID_MAX 4096      /* MediaId: "@crypt_" and ~650 hex seen */
#define FILENAME_MAX_ 1024    /* EncryFileName */
#define TEXT_MAX (1 << 20)    /* Text: a text or an app message's XML */

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

int
wx_all_digits(const char *s, size_t max)
{
	size_t n = strspn(s, "0123456789");

	return n > 0 && n <= max && s[n] == '\0';
}

/* Member key of the message as a string (a number as its digits) into
 * *out, malloc'd, NULL when absent or null: 0, or -1 with why set when
 * it is an object or an array or longer than max. */
static int
field(const struct wx_json *j, const char *key, size_t max, char **out,
      char *why, size_t n)
{
	int tok = wx_json_get(j, 0, key);

	*out = NULL;
	if (tok < 0 || wx_json_type(j, tok) == WX_JSON_NULL)
		return 0;
	if (!(*out = wx_json_str(j, tok)))
		snprintf(why, n, "%s: not a string", key);
	else if (strlen(*out) > max)
		snprintf(why, n, "%s: longer than %zu bytes", key, max);
	else
		return 0;
	free(*out);
	*out = NULL;
	return -1;
}

/* TypeName when the line has it, else wx_msg_typename of MsgType,
 * AppMsgType and SubMsgType.  An empty TypeName counts as none: taken,
 * it made wx-get say "a  message" (found by fuzz-msgline). */
static int
type_of(const struct wx_json *j, char **out, char *why, size_t n)
{
	long long type, app = 0, sub = 0;

	if (field(j, "TypeName", TYPE_MAX, out, why, n) < 0)
		return -1;
	if (*out && **out)
		return 0;
	free(*out);
	*out = NULL;
	if (wx_json_int(j, wx_json_get(j, 0, "MsgType"), &type) < 0) {
		snprintf(why, n, "neither TypeName nor MsgType");
		return -1;
	}
	wx_json_int(j, wx_json_get(j, 0, "AppMsgType"), &app);
	wx_json_int(j, wx_json_get(j, 0, "SubMsgType"), &sub);
	*out = wx_strdup(wx_msg_typename(type, app, sub));
	return 0;
}

/* The fields of message object j into m: 0, or -1 with why set. */
static int
read_fields(const struct wx_json *j, struct wx_msgline *m, char *why,
            size_t n)
{
	if (wx_json_type(j, 0) != WX_JSON_OBJECT) {
		snprintf(why, n, "not a message line: not a JSON object");
		return -1;
	}
	if (field(j, "MsgId", ID_MAX, &m->msgid, why, n) < 0)
		return -1;
	if (!m->msgid || !wx_all_digits(m->msgid, ID_MAX)) {
		snprintf(why, n, "MsgId: not a message id");
		return -1;
	}
	if (type_of(j, &m->type, why, n) < 0 ||
	    field(j, "FromUserName", USER_MAX, &m->from, why, n) < 0 ||
	    field(j, "MediaId", MEDIAID_MAX, &m->mediaid, why, n) < 0 ||
	    field(j, "EncryFileName", FILENAME_MAX_, &m->encname, why, n) < 0 ||
	    field(j, "FileSize", ID_MAX, &m->filesize, why, n) < 0 ||
	    field(j, "Text", TEXT_MAX, &m->text, why, n) < 0)
		return -1;
	if (wx_json_int(j, wx_json_get(j, 0, "AppMsgType"), &m->apptype) < 0)
		m->apptype = 0;
	if (wx_json_int(j, wx_json_get(j, 0, "HasProductId"), &m->store) < 0)
		m->store = 0;
	return 0;
}

int
wx_msgline_read(const char *text, size_t len, struct wx_msgline *m,
                char *why, size_t n)
{
	struct wx_json *j;
	char err[128];
	int rc = -1;

	memset(m, 0, sizeof *m);
	if (!(j = wx_json_parse(text, len, err, sizeof err)))
		snprintf(why, n, "not a message line: %s", err);
	else
		rc = read_fields(j, m, why, n);
	wx_json_free(j);
	if (rc < 0) {
		wx_msgline_free(m);
		memset(m, 0, sizeof *m);
	}
	return rc;
}

void
wx_msgline_parse(const char *text, size_t len, const char *where,
                 struct wx_msgline *m)
{
	char why[256];

	if (wx_msgline_read(text, len, m, why, sizeof why) < 0)
		wx_die(WX_EXIT_USAGE, "%s: %s", where, why);
}

void
wx_msgline_free(struct wx_msgline *m)
{
	free(m->msgid);
	free(m->type);
	free(m->from);
	free(m->mediaid);
	free(m->encname);
	free(m->filesize);
	free(m->text);
}

void
wx_msgline_find(const struct wx_sess *s, const char *op,
                const struct wx_buf *in, const char *hint,
                struct wx_msgline *m)
{
	char *line, *where;

	if (in) {
		wx_msgline_parse(in->p ? in->p : "", in->len, "stdin", m);
		return;
	}
	if (!(line = wx_media_find(s->dir, op))) {
		if (errno != ENOENT)
			wx_die(wx_exit_errno(errno), "%s/media:", s->dir);
		wx_die(WX_EXIT_REFUSED, "%s: not among the media messages wx-sync "
		       "printed; pipe its line to %s", op, hint);
	}
	where = wx_asprintf("%s/media", s->dir);
	wx_msgline_parse(line, strlen(line), where, m);
	free(where);
	free(line);
}

static const struct kind *
kind_of(const char *type)
{
	size_t i;

	for (i = 0; i < LEN(kinds); i++)
		if (strcmp(kinds[i].type, type) == 0)
			return &kinds[i];
	return NULL;
}

int
wx_msg_has_media(const char *type)
{
	return kind_of(type) != NULL;
}

/* webwxgetmedia?sender=…&mediaid=…&encryfilename=…&fromuser=UIN
 * &pass_ticket=…&webwx_data_ticket=… on the file host (RC's form). */
static char *
media_url(const struct wx_sess *s, const struct wx_msgline *m)
{
	const char *host = s->file_host;
	char *ticket, *q, *url;
	char *from, *id, *name, *uin, *t, *sid, *fh;

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
	sid = wx_urlencode(s->sid);
	/* the File Helper's adds sid and its appid (filehelper.md §6.4) */
	fh = s->mode == WX_MODE_FILEHELPER ? wx_asprintf("&sid=%s&mmweb_appid=%s",
	     sid, wx_fh.appid) : wx_strdup("");
	q = wx_asprintf("sender=%s&mediaid=%s&encryfilename=%s&fromuser=%s"
	                "&pass_ticket=%s&webwx_data_ticket=%s%s", from, id, name,
	                uin, s->pass_ticket, t, fh);
	url = wx_cgi_url(host, "webwxgetmedia", q);
	free(ticket);
	free(from);
	free(id);
	free(name);
	free(uin);
	free(t);
	free(sid);
	free(fh);
	free(q);
	return url;
}

char *
wx_msgline_url(const struct wx_sess *s, const struct wx_msgline *m,
               const char **range)
{
	const struct kind *k = kind_of(m->type);
	char *skey, *q, *url;

	if (!k)
		return NULL;
	*range = k->range;
	if (!k->query)
		return media_url(s, m);
	skey = wx_urlencode(s->skey);
	if (s->mode == WX_MODE_FILEHELPER)
		/* What the File Helper page loads as an <img> or a link: its
		 * appid in the query, and for images the "??&" the page
		 * really emits (filehelper.md §6.4: CAP). */
		q = wx_asprintf("%s%s%s&skey=%s%s&mmweb_appid=%s",
		                *k->query == '&' ? "?" : "", k->query, m->msgid,
		                skey, k->extra, wx_fh.appid);
	else
		q = wx_asprintf("%s%s&skey=%s%s", k->query, m->msgid, skey,
		                k->extra);
	url = wx_cgi_url(s->host, k->cgi, q);
	free(skey);
	free(q);
	return url;
}

int
wx_msgline_check_size(const struct wx_msgline *m, uint64_t n)
{
	uint64_t size;
	int sized = strcmp(m->type, "file") == 0 && m->filesize &&
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
