/* download.c — webwxgetmsgimg, webwxgetvoice, webwxgetvideo and
 * webwxgetmedia (protocol.md §7, checklist §12.13).  Downloads without a
 * valid session, data ticket or known id answer 200 with an empty body
 * (no capture shows the real failure; documented in wx-emu(1)). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "emu.h"

/* ---- downloads: webwxgetmsgimg, …voice, …video, webwxgetmedia ---- */

/* A failed download (no session, wrong data ticket, unknown id): 200 with
 * no bytes.  No capture shows what the real server answers. */
static void
no_bytes(struct emu_resp *w)
{
	emu_resp_header(w, "Content-Type", "text/plain");
	emu_resp_header(w, "Strict-Transport-Security", EMU_STS);
}

/* Deterministic stand-in bytes for a message that has none: a magic
 * prefix for the media type, then xorshift noise seeded by the id. */
static void
made_up_bytes(struct wx_buf *b, uint64_t seed, const char *magic, size_t mlen,
              size_t n)
{
	uint64_t x = seed | 1;

	wx_buf_add(b, magic, mlen < n ? mlen : n);
	while (b->len < n) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		wx_buf_addc(b, (char)(x >> 24));
	}
}

const char *
emu_msg_endpoint(const struct emu_msg *m)
{
	switch (m->type) {
	case 34:
		return "webwxgetvoice";
	case 43: case 62:
		return "webwxgetvideo";
	case 49:
		return m->appmsgtype == 6 ? "webwxgetmedia" : "webwxgetmsgimg";
	default:
		return "webwxgetmsgimg";
	}
}

/* Made-up bytes of a size and magic that fit the endpoint: an mp3, an
 * mp4, FileSize bytes (up to 1 MiB) of an attachment, a JPEG — or a GIF
 * for a sticker, served as image/jpeg all the same (§7). */
static void
made_up_for(const struct emu_msg *m, const char *endpoint, int thumb,
            struct wx_buf *made)
{
	uint64_t size;

	if (strcmp(endpoint, "webwxgetvoice") == 0)
		made_up_bytes(made, m->msgid, "ID3\3\0\0\0\0\0\0", 10,
		              2048 + m->msgid % 2048);
	else if (strcmp(endpoint, "webwxgetvideo") == 0)
		made_up_bytes(made, m->msgid, "\0\0\0\30ftypmp42", 12,
		              65536 + m->msgid % 65536);
	else if (strcmp(endpoint, "webwxgetmedia") == 0)
		made_up_bytes(made, m->msgid, "", 0,
		              emu_parse_u64(m->filesize, &size) == 0 && size < (1u << 20) ?
		              size : 4096);
	else if (m->type == 47 && !thumb)
		made_up_bytes(made, m->msgid, "GIF89a", 6, 4096 + m->msgid % 512);
	else
		made_up_bytes(made, m->msgid, "\377\330\377\340\0\20JFIF\0", 11,
		              (thumb ? 512 : 4096) + m->msgid % 512);
}

/* On the endpoint of its type a message serves its upload or its Media
 * (an upload first, as webwxgetmedia finds an upload before a message);
 * elsewhere, and without either, made-up bytes: a video's thumbnail is a
 * JPEG, not the video. */
const struct wx_buf *
emu_msg_bytes(const struct emu_msg *m, const char *endpoint, int thumb,
              struct wx_buf *made)
{
	const struct emu_upload *u = emu_upload_find(m->mediaid);

	if (strcmp(endpoint, emu_msg_endpoint(m)) == 0) {
		if (u)
			return &u->data;
		if (m->media.len)
			return &m->media;
	}
	made_up_for(m, endpoint, thumb, made);
	return made;
}

/* Digits at *p into *v (saturating); 0, v untouched, if there are none. */
static int
digits(const char **p, uint64_t *v)
{
	const char *s = *p;
	uint64_t n = 0;

	for (; **p >= '0' && **p <= '9'; (*p)++)
		n = n > UINT64_MAX / 10 - 1 ? UINT64_MAX : n * 10 + (uint64_t)(**p - '0');
	if (*p == s)
		return 0;
	*v = n;
	return 1;
}

/* Range: bytes=a-b | a- | -n.  1 and [*a, *b] if satisfiable, -1 if not,
 * 0 for no Range or one we ignore (several ranges, bad syntax). */
static int
byte_range(const char *h, size_t total, size_t *a, size_t *b)
{
	uint64_t x = 0, y = UINT64_MAX;
	int hasx;

	if (!h || strncmp(h, "bytes=", 6) != 0)
		return 0;
	h += 6;
	hasx = digits(&h, &x);
	if (*h++ != '-' || (!digits(&h, &y) && !hasx) || *h || y < x)
		return 0;
	if (!hasx) {                    /* the last y bytes */
		if (y == 0 || total == 0)
			return -1;
		x = y >= total ? 0 : total - y;
		y = UINT64_MAX;
	}
	if (x >= total)
		return -1;
	*a = (size_t)x;
	*b = y >= total ? total - 1 : (size_t)y;
	return 1;
}

/* The body, or the part of it a Range asks for (206 / 416). */
static void
ranged_body(const struct emu_req *r, struct emu_resp *w, const struct wx_buf *d)
{
	size_t a, b;
	int k = byte_range(emu_header(r, "Range"), d->len, &a, &b);

	if (k < 0) {
		w->status = 416;
		emu_resp_header(w, "Content-Range", "bytes */%zu", d->len);
	} else if (k > 0) {
		w->status = 206;
		emu_resp_header(w, "Content-Range", "bytes %zu-%zu/%zu", a, b, d->len);
		wx_buf_add(&w->body, d->p + a, b - a + 1);
	} else {
		wx_buf_add(&w->body, d->p ? d->p : "", d->len);
	}
}

static void
get_msgimg(const struct emu_msg *m, const struct wx_buf *d, struct emu_resp *w)
{
	char date[40];

	emu_imf_date(m->createtime, date);
	emu_resp_header(w, "Content-Type", "image/jpeg");
	emu_resp_header(w, "Last-Modified", "%s", date);
	emu_resp_header(w, "Cache-control", "max-age=604800");
	emu_resp_header(w, "Strict-Transport-Security", EMU_STS);
	wx_buf_add(&w->body, d->p ? d->p : "", d->len);
}

static void
get_voice(const struct emu_req *r, const struct emu_msg *m,
          const struct wx_buf *d, struct emu_resp *w)
{
	char date[40];

	emu_imf_date(m->createtime, date);
	emu_resp_header(w, "Content-Type", "audio/mp3");
	emu_resp_header(w, "Accept-Ranges", "bytes");
	emu_resp_header(w, "Last-Modified", "%s", date);
	emu_resp_header(w, "Strict-Transport-Security", EMU_STS);
	ranged_body(r, w, d);
}

/* ETag of three hex fields as the video server sends
 * ("3313f-4e6206-5ca584da4e6bf21a6bf7"), derived from the id and size. */
static void
get_video(const struct emu_req *r, const struct emu_msg *m,
          const struct wx_buf *d, struct emu_resp *w)
{
	emu_resp_header(w, "Content-Type", "video/mp4");
	emu_resp_header(w, "Accept-Ranges", "bytes");
	emu_resp_header(w, "Last-Modified", "Thu, 01 Jan 1970 00:00:00 GMT");
	emu_resp_header(w, "ETag", "%" PRIx64 "-%zx-%016" PRIx64 "%04x",
	                m->msgid % 0xfffff, d->len, m->msgid,
	                (unsigned)(d->len & 0xffff));
	emu_resp_header(w, "Strict-Transport-Security", EMU_STS);
	ranged_body(r, w, d);
}

/* Message id from MsgID, msgid or NewMsgId (all the same number). */
static const struct emu_msg *
download_msg(const struct emu_req *r)
{
	static const char *const names[] = { "MsgID", "msgid", "MsgId", "NewMsgId" };
	uint64_t id;
	size_t i;

	for (i = 0; i < sizeof names / sizeof *names; i++) {
		const char *v = emu_arg(r, names[i]);
		if (v && emu_parse_u64(v, &id) == 0)
			return emu_msg_by_id(id);
	}
	return NULL;
}

const struct emu_msg *
emu_msg_by_mediaid(const struct emu_session *s, const char *mediaid)
{
	const struct emu_msg *found = NULL;
	const struct emu_event *e;
	uint64_t q;

	for (q = 0; (e = emu_event_next(s, q)) != NULL; q = e->seq)
		if (e->kind == EMU_EV_MSG && e->msg.mediaid &&
		    strcmp(e->msg.mediaid, mediaid) == 0)
			found = &e->msg;
	return found;
}

/* File name for Content-Disposition: no quotes, no control bytes. */
static void
disposition(struct emu_resp *w, const char *name)
{
	struct wx_buf b = {0};
	const char *p;

	for (p = name ? name : ""; *p; p++)
		if ((unsigned char)*p >= 0x20 && *p != '"' && *p != '\\')
			wx_buf_addc(&b, *p);
	emu_resp_header(w, "Content-Disposition", "attachment; filename=\"%s\"",
	                b.p ? b.p : "file");
	wx_buf_free(&b);
}

/* webwxgetmedia on the file host: an upload or an injected file. */
static void
get_media(const struct emu_req *r, const struct emu_session *s,
          struct emu_resp *w)
{
	const char *mediaid = emu_arg(r, "mediaid");
	const char *ticket = emu_arg(r, "webwx_data_ticket");
	const struct emu_upload *u = emu_upload_find(mediaid);
	const struct emu_msg *m = u || !mediaid ? NULL :
	                          emu_msg_by_mediaid(s, mediaid);
	struct wx_buf made = {0};
	const struct wx_buf *d;
	const char *name;

	if (!ticket || !*ticket)
		ticket = emu_cookie(r, "webwx_data_ticket");
	if (!ticket || strcmp(ticket, s->data_ticket) != 0 || (!u && !m)) {
		no_bytes(w);
		return;
	}
	d = u ? &u->data : emu_msg_bytes(m, "webwxgetmedia", 0, &made);
	name = u ? u->name : m->filename;
	if (!name || !*name)
		name = emu_arg(r, "filename");
	emu_resp_header(w, "Content-Type", "application/octet-stream");
	disposition(w, name);
	emu_resp_header(w, "Strict-Transport-Security", EMU_STS);
	wx_buf_add(&w->body, d->p ? d->p : "", d->len);
	wx_buf_free(&made);
}

void
emu_download(struct emu_req *r, struct emu_resp *w)
{
	int ret;
	const struct emu_session *s = emu_auth(r, &ret);
	const struct emu_msg *m;
	const struct wx_buf *d;
	struct wx_buf made = {0};
	const char *type = emu_arg(r, "type");

	/* -F: the page's downloads name the app in the query (filehelper.md
	 * §6.4); without it an empty 404 (no capture of the real answer). */
	if (emu_fh_lacks(r, EMU_FH_QUERY)) {
		w->status = 404;
		return;
	}
	if (s && strcmp(r->endpoint, "webwxgetmedia") == 0) {
		get_media(r, s, w);
		return;
	}
	if (!s || !(m = download_msg(r))) {
		no_bytes(w);
		return;
	}
	d = emu_msg_bytes(m, r->endpoint, type && strcmp(type, "slave") == 0,
	                  &made);
	if (strcmp(r->endpoint, "webwxgetvoice") == 0)
		get_voice(r, m, d, w);
	else if (strcmp(r->endpoint, "webwxgetvideo") == 0)
		get_video(r, m, d, w);
	else
		get_msgimg(m, d, w);
	wx_buf_free(&made);
}
