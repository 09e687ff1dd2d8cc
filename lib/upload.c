/* upload.c — a file to the file host (protocol.md §6.3, §6.4, §6.7):
 * what kind of message it makes (by its name and its first bytes), the
 * webwxcheckupload of a big file, the webwxuploadmedia requests in
 * 512 KiB chunks under one ClientMediaId, and the appmsg XML of a file.
 * Every check on the file is made before the first request, so a file
 * refused costs no traffic. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "wx.h"

#define LEN(a) (sizeof (a) / sizeof *(a))

/* A chunk that got no answer is sent again after these. */
static const int chunk_wait[] = { 1000, 2000 };

/* What a file is by its extension and by its first bytes (magic at
 * off); the message kind when both agree. */
static const struct ftype {
	const char *ext;
	const char *magic;
	size_t off, len;
	enum wx_send_kind kind;
	const char *mime;
} ftypes[] = {
	{ "jpg", "\xff\xd8\xff", 0, 3, WX_SEND_IMAGE, "image/jpeg" },
	{ "jpeg", "\xff\xd8\xff", 0, 3, WX_SEND_IMAGE, "image/jpeg" },
	{ "png", "\x89PNG\r\n\x1a\n", 0, 8, WX_SEND_IMAGE, "image/png" },
	{ "bmp", "BM", 0, 2, WX_SEND_IMAGE, "image/bmp" },
	{ "gif", "GIF8", 0, 4, WX_SEND_EMOTICON, "image/gif" },
	{ "mp4", "ftyp", 4, 4, WX_SEND_VIDEO, "video/mp4" },
};

static const char *const mediatypes[] = {
	[WX_SEND_IMAGE] = "pic", [WX_SEND_VIDEO] = "video",
	[WX_SEND_EMOTICON] = "doc", [WX_SEND_FILE] = "doc",
};

/* The extension of name (after its last dot), "" when none. */
static const char *
extension(const char *name)
{
	const char *dot = strrchr(name, '.');

	return dot && dot != name ? dot + 1 : "";
}

enum wx_send_kind
wx_file_kind(const char *name, const void *head, size_t n, const char **mime)
{
	const struct ftype *by_ext = NULL, *by_magic = NULL;
	const char *ext = extension(name);
	size_t i;

	for (i = 0; i < LEN(ftypes); i++) {
		if (!by_ext && strcasecmp(ext, ftypes[i].ext) == 0)
			by_ext = &ftypes[i];
		if (!by_magic && n >= ftypes[i].off + ftypes[i].len &&
		    memcmp((const char *)head + ftypes[i].off, ftypes[i].magic,
		           ftypes[i].len) == 0)
			by_magic = &ftypes[i];
	}
	if (by_ext && by_magic && by_ext->kind == by_magic->kind) {
		*mime = by_magic->mime;
		return by_magic->kind;
	}
	*mime = "application/octet-stream";
	return WX_SEND_FILE;
}

/* The base name of path as sent: bytes of invalid UTF-8 and control
 * characters become '_' (the name rides in a form header and in XML). */
static char *
send_name(const char *path)
{
	const char *base = strrchr(path, '/');
	char *name = wx_strdup(base ? base + 1 : path);
	size_t i = 0, n = strlen(name);
	uint32_t cp;
	int k;

	while (i < n) {
		if ((k = wx_utf8_get(name + i, n - i, &cp)) < 0 || cp < 0x20 ||
		    (cp >= 0x7f && cp < 0xa0)) {
			name[i++] = '_';
			continue;
		}
		i += (size_t)k;
	}
	return name;
}

int
wx_file_load(const char *path, struct wx_file *f)
{
	int fd = wx_open_regular(path, O_RDONLY);
	struct stat sb;

	memset(f, 0, sizeof *f);
	if (fd < 0 || fstat(fd, &sb) < 0) {
		wx_warn("%s:", path);
		if (fd >= 0)
			close(fd);
		return WX_EXIT_USAGE;
	}
	if (sb.st_size == 0 || sb.st_size > WX_FILE_MAX) {
		close(fd);
		wx_warn("%s: %s", path, sb.st_size ? "over the 100 MiB wx-send "
		        "sends" : "empty file: nothing to send");
		return WX_EXIT_USAGE;
	}
	if (wx_read_fd(fd, WX_FILE_MAX, &f->data) < 0) {
		wx_warn("%s:", path);
		wx_buf_free(&f->data);
		return wx_exit_errno(errno);
	}
	f->mtime = sb.st_mtime;
	return wx_file_take(f, path);
}

int
wx_file_take(struct wx_file *f, const char *path)
{
	f->name = send_name(path);
	f->kind = wx_file_kind(f->name, f->data.p, f->data.len, &f->mime);
	f->mediatype = mediatypes[f->kind];
	if (!f->mtime)
		f->mtime = time(NULL);
	if (f->kind == WX_SEND_VIDEO && f->data.len >= WX_VIDEO_MAX) {
		wx_warn("%s: a video of 20 MiB or more is refused by the "
		        "server; send it as a file under another name", path);
		wx_file_free(f);
		return WX_EXIT_USAGE;
	}
	wx_md5_hex(f->data.p, f->data.len, f->md5);
	return 0;
}

void
wx_file_free(struct wx_file *f)
{
	free(f->name);
	wx_buf_free(&f->data);
	memset(f, 0, sizeof *f);
}

/* ---- the appmsg XML of a file (§6.7) ---- */

static void
xml_text(struct wx_buf *b, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '&': wx_buf_adds(b, "&amp;"); break;
		case '<': wx_buf_adds(b, "&lt;"); break;
		case '>': wx_buf_adds(b, "&gt;"); break;
		case '\'': wx_buf_adds(b, "&apos;"); break;
		case '"': wx_buf_adds(b, "&quot;"); break;
		default: wx_buf_addc(b, *s);
		}
	}
}

void
wx_appmsg_file(struct wx_buf *b, const struct wx_file *f,
               const char *mediaid, int desktop)
{
	wx_buf_addf(b, "<appmsg appid='%s' sdkver=''><title>",
	            desktop ? "" : "wxeb7ec651dd0aefa9");
	xml_text(b, f->name);
	wx_buf_addf(b, "</title><des></des><action></action><type>6</type>"
	            "<content></content><url></url><lowurl></lowurl>"
	            "<appattach><totallen>%zu</totallen><attachid>",
	            f->data.len);
	xml_text(b, mediaid);
	wx_buf_adds(b, "</attachid><fileext>");
	xml_text(b, extension(f->name));
	wx_buf_adds(b, "</fileext></appattach><extinfo></extinfo></appmsg>");
}

/* ---- the requests ---- */

/* A server token (MediaId, AESKey, Signature) fit to send back and to
 * print: 1 to max bytes of A-Z a-z 0-9 @ _ = + / - */
static int
token_ok(const char *v, size_t max)
{
	size_t n = v ? strlen(v) : 0;

	return n > 0 && n <= max &&
	       strspn(v, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	              "0123456789@_=+/-") == n;
}

/* One upload's constant parts. */
struct up {
	const struct wx_file *f;
	char *url, *umr, *ticket, *pass_ticket;
	size_t chunks;
	int fh;                 /* file-helper mode's form */
	char size[24], nchunks[24], chunk[24], date[80];
};

/* The File Helper page's form (filehelper.md §6.1: CAP): one part, no id
 * and no chunk fields, in this order. */
static size_t
fh_form(const struct up *u, struct wx_part *p)
{
	size_t n = 0;

#define FIELD(nm, v) p[n++] = (struct wx_part){ nm, v, strlen(v), NULL, NULL }
	FIELD("name", u->f->name);
	FIELD("lastModifiedDate", u->date);
	FIELD("size", u->size);
	FIELD("type", u->f->mime);
	FIELD("mediatype", u->f->mediatype);
	FIELD("uploadmediarequest", u->umr);
	FIELD("webwx_data_ticket", u->ticket);
	FIELD("pass_ticket", u->pass_ticket);
	p[n++] = (struct wx_part){ "filename", u->f->data.p, u->f->data.len,
	                           u->f->name, u->f->mime };
	return n;
}

/* The form of chunk k in the order of §6.3; the number of parts. */
static size_t
up_form(struct up *u, size_t k, struct wx_part *p)
{
	size_t n = 0, off = k * WX_CHUNK, len = u->f->data.len - off;

	if (u->fh)
		return fh_form(u, p);
	FIELD("id", "WU_FILE_0");
	FIELD("name", u->f->name);
	FIELD("type", u->f->mime);
	FIELD("lastModifiedDate", u->date);
	FIELD("size", u->size);
	if (u->chunks > 1) {
		snprintf(u->chunk, sizeof u->chunk, "%zu", k);
		FIELD("chunks", u->nchunks);
		FIELD("chunk", u->chunk);
	}
	FIELD("mediatype", u->f->mediatype);
	FIELD("uploadmediarequest", u->umr);
	FIELD("webwx_data_ticket", u->ticket);
	FIELD("pass_ticket", u->pass_ticket);
#undef FIELD
	p[n++] = (struct wx_part){ "filename", u->f->data.p + off,
	                           len < WX_CHUNK ? len : WX_CHUNK, u->f->name,
	                           u->chunks > 1 ? "application/octet-stream"
	                                         : u->f->mime };
	return n;
}

/* webwxuploadmedia?f=json, and in file-helper mode &random= with 4
 * random characters, as the page sends it (filehelper.md §6.1: CAP). */
static char *
up_url(const struct wx_sess *s)
{
	char dev[17], *q, *url;

	if (s->mode != WX_MODE_FILEHELPER)
		return wx_cgi_url(s->file_host, "webwxuploadmedia", "f=json");
	wx_device_id(dev, s->mode);
	q = wx_asprintf("f=json&random=%.4s", dev);
	url = wx_cgi_url(s->file_host, "webwxuploadmedia", q);
	free(q);
	return url;
}

/* The parts every chunk shares; ticket is the webwx_data_ticket. */
static void
up_start(struct up *u, const struct wx_sess *s, const struct wx_upload *w,
         const char *ticket)
{
	const struct wx_file *f = w->file;
	struct wx_buf b = {0};
	struct tm tm;

	memset(u, 0, sizeof *u);
	u->f = f;
	u->fh = s->mode == WX_MODE_FILEHELPER;
	u->url = up_url(s);
	u->chunks = u->fh ? 1 : (f->data.len + WX_CHUNK - 1) / WX_CHUNK;
	snprintf(u->size, sizeof u->size, "%zu", f->data.len);
	snprintf(u->nchunks, sizeof u->nchunks, "%zu", u->chunks);
	/* A JS Date string: Sat Jun 23 2018 16:45:07 GMT+0800 (CST) */
	localtime_r(&f->mtime, &tm);
	strftime(u->date, sizeof u->date, "%a %b %d %Y %H:%M:%S GMT%z (%Z)", &tm);
	wx_buf_adds(&b, "{\"UploadType\":2,\"BaseRequest\":");
	wx_base_request(&b, s->uin, s->sid, s->skey, s->mode);
	/* the page's ClientMediaId is a string (filehelper.md §6.1: CAP) */
	wx_buf_addf(&b, u->fh ? ",\"ClientMediaId\":\"%s\"" :
	            ",\"ClientMediaId\":%s", w->clientid);
	wx_buf_addf(&b, ",\"TotalLen\":%zu,\"StartPos\":0,\"DataLen\":%zu,"
	            "\"MediaType\":4,\"FromUserName\":", f->data.len,
	            f->data.len);
	wx_json_put_strz(&b, s->username);
	wx_buf_adds(&b, ",\"ToUserName\":");
	wx_json_put_strz(&b, w->to);
	wx_buf_addf(&b, ",\"FileMd5\":\"%s\"", f->md5);
	if (w->aeskey && w->signature) {
		wx_buf_adds(&b, ",\"AESKey\":");
		wx_json_put_strz(&b, w->aeskey);
		wx_buf_adds(&b, ",\"Signature\":");
		wx_json_put_strz(&b, w->signature);
	}
	wx_buf_addc(&b, '}');
	u->umr = b.p;
	u->ticket = wx_strdup(ticket);
	/* RC 2022 sends the pass_ticket decoded here, the File Helper page
	 * encoded, as the XML has it (filehelper.md §6.1: CAP). */
	u->pass_ticket = u->fh ? wx_strdup(s->pass_ticket) :
	                 wx_urldecode(s->pass_ticket);
}

static void
up_free(struct up *u)
{
	free(u->url);
	free(u->umr);
	free(u->ticket);
	free(u->pass_ticket);
}

/* The answer to a chunk: 0 with MediaId into w when it has one, or the
 * exit code after its line. */
static int
up_answer(const struct wx_resp *r, struct wx_upload *w, int last)
{
	char err[128] = "";
	struct wx_json *j = wx_json_parse(r->body.p ? r->body.p : "",
	                                  r->body.len, err, sizeof err);
	char *id;
	int rc;

	if (!j || wx_json_type(j, 0) != WX_JSON_OBJECT) {
		wx_warn("webwxuploadmedia: malformed answer%s%s", *err ? ": " : "",
		        err);
		wx_json_free(j);
		return WX_EXIT_TEMP;
	}
	if ((rc = wx_cgi_ret(j, "webwxuploadmedia")) == 0 && last) {
		if ((id = wx_upload_token(j, "MediaId"))) {
			free(w->mediaid);
			w->mediaid = id;
		} else {
			wx_warn("webwxuploadmedia: no MediaId in the last answer");
			rc = WX_EXIT_TEMP;
		}
	}
	wx_json_free(j);
	return rc;
}

/* Chunk k sent, and again after a failure without an answer. */
static int
up_chunk(struct wx_sess *s, struct up *u, size_t k, struct wx_upload *w)
{
	struct wx_part parts[16];
	struct wx_resp r = {0};
	size_t n = up_form(u, k, parts), tries = 0;
	int rc;

	for (;;) {
		rc = wx_http_post_multipart(s->h, u->url, parts, n, &r);
		if (rc == 0)
			rc = up_answer(&r, w, k + 1 == u->chunks);
		if (rc != WX_EXIT_TEMP || tries == LEN(chunk_wait))
			break;
		wx_warn("webwxuploadmedia: chunk %zu of %zu again in %d s", k + 1,
		        u->chunks, chunk_wait[tries] / 1000);
		wx_sleep_ms(chunk_wait[tries++]);
	}
	wx_resp_free(&r);
	return rc;
}

/* webwxcheckupload's body (§6.4). */
static void
check_body(const struct wx_sess *s, const struct wx_upload *w,
           struct wx_buf *b)
{
	wx_sess_body(s, b);
	wx_buf_adds(b, ",\"FromUserName\":");
	wx_json_put_strz(b, s->username);
	wx_buf_adds(b, ",\"ToUserName\":");
	wx_json_put_strz(b, w->to);
	wx_buf_addf(b, ",\"FileSize\":%zu,\"FileMd5\":\"%s\",\"FileName\":",
	            w->file->data.len, w->file->md5);
	wx_json_put_strz(b, w->file->name);
	wx_buf_adds(b, ",\"FileType\":7}");
}

char *
wx_upload_token(const struct wx_json *j, const char *key)
{
	char *v = wx_json_getstr(j, 0, key);

	if (v && token_ok(v, WX_TOKEN_MAX))
		return v;
	free(v);
	return NULL;
}

/* A big file: webwxcheckupload; its MediaId (the file is on the server
 * already), AESKey and Signature into w.  0, or the exit code. */
static int
check_upload(struct wx_sess *s, struct wx_upload *w)
{
	struct wx_buf b = {0};
	struct wx_json *j;
	char *q = wx_asprintf("lang=zh_CN&pass_ticket=%s", s->pass_ticket);
	int rc;

	check_body(s, w, &b);
	rc = wx_cgi_post(s->h, s->host, "webwxcheckupload", q, &b, &j);
	if (rc == 0) {
		w->mediaid = wx_upload_token(j, "MediaId");
		w->aeskey = wx_upload_token(j, "AESKey");
		w->signature = wx_upload_token(j, "Signature");
		wx_json_free(j);
	}
	free(q);
	wx_buf_free(&b);
	return rc;
}

int
wx_upload(struct wx_sess *s, struct wx_upload *w)
{
	char *ticket;
	struct up u;
	size_t k;
	int rc = 0;

	ticket = wx_http_cookie(s->h, s->file_host, "webwx_data_ticket");
	if (!ticket) {
		wx_warn("%s/cookies: no webwx_data_ticket; log in again", s->dir);
		return WX_EXIT_USAGE;
	}
	if (w->file->data.len > WX_CHECKUPLOAD_OVER &&
	    (rc = check_upload(s, w)) != 0)
		goto out;
	if (w->mediaid)
		goto out;  /* the server has the file already */
	up_start(&u, s, w, ticket);
	for (k = 0; k < u.chunks && rc == 0; k++)
		rc = up_chunk(s, &u, k, w);
	up_free(&u);
out:
	free(ticket);
	return rc;
}

void
wx_upload_print(const struct wx_sess *s, const struct wx_upload *w,
                FILE *out)
{
	struct wx_part parts[16];
	struct wx_buf b = {0};
	struct up u;
	size_t k, n, i;

	if (w->file->data.len > WX_CHECKUPLOAD_OVER) {
		char *q = wx_asprintf("lang=zh_CN&pass_ticket=%s", s->pass_ticket);
		char *url = wx_cgi_url(s->host, "webwxcheckupload", q);

		check_body(s, w, &b);
		wx_print_request(out, url, b.p, b.len);
		free(url);
		free(q);
	}
	up_start(&u, s, w, "***");
	for (k = 0; k < u.chunks; k++) {
		n = up_form(&u, k, parts);
		wx_print_request(out, u.url, NULL, 0);
		for (i = 0; i + 1 < n; i++)
			fprintf(out, "%s=%s\n", parts[i].name, parts[i].data);
		fprintf(out, "filename=%s (%s, %zu bytes)\n\n", parts[i].filename,
		        parts[i].type, parts[i].len);
	}
	up_free(&u);
	wx_buf_free(&b);
}

void
wx_upload_free(struct wx_upload *w)
{
	free(w->mediaid);
	free(w->aeskey);
	free(w->signature);
	w->mediaid = w->aeskey = w->signature = NULL;
}
