/* media.c — sends, uploads, revoke and downloads (protocol.md §6, §7,
 * checklist §12.10–12.13).
 *
 * Choices where the real server's answer is not known (documented in
 * wx-emu(1)):
 *  - send to a UserName nobody knows: Ret 1201; to a room member who is
 *    not a contact: Ret 1204; a MediaId (or file attachid) that names no
 *    finished upload: Ret 1; no Msg object at all: Ret 1200.
 *  - revoke of an unknown SvrMsgId: Ret 1; of a message older than the
 *    window (120 s, or $WX_EMU_REVOKE_WINDOW seconds): Ret -2.
 *  - upload: broken multipart framing or a bad chunk field: Ret 1200;
 *    webwx_data_ticket not the session's: Ret 1; size mismatch or a
 *    FileMd5 that is not the md5 of the bytes: Ret 1.  Intermediate
 *    chunks answer the final shape with MediaId "" and StartPos 0 (§14).
 *  - downloads without a valid session, data ticket or known id answer
 *    200 with an empty body (no capture shows the real failure).
 * Every error answer keeps the full success shape with empty values. */
#include <ctype.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "emu.h"

#define STS "max-age=31536000 ; includeSubDomains"

/* ---- small helpers ---- */

static int
endpoint_is(const struct emu_req *r, const char *name)
{
	return r->endpoint && strcmp(r->endpoint, name) == 0;
}

/* Decimal uint64 in s (whole string; NULL allowed); -1 if not. */
static int
parse_u64(const char *s, uint64_t *out)
{
	return s ? wx_parse_u64(s, strlen(s), UINT64_MAX, out) : -1;
}

/* HTTP date, "Mon, 31 Dec 2018 00:19:01 GMT": the cookie date of
 * emu_http_date without its two hyphens. */
static void
http_date(time_t t, char out[40])
{
	emu_http_date(t, out);
	out[7] = out[11] = ' ';
}

/* Text into the server form of Content (§8.4): & < > as entities, line
 * feeds as <br/>, emoji from U+1F000 on as emoji spans, invalid UTF-8 as
 * U+FFFD. */
void
emu_server_text(struct wx_buf *b, const char *s)
{
	size_t n = strlen(s);
	uint32_t cp;

	for (size_t i = 0; i < n;) {
		int len = wx_utf8_get(s + i, n - i, &cp);

		if (len <= 0) {
			wx_utf8_put(b, 0xFFFD);
			i++;
			continue;
		}
		if (cp == '&')
			wx_buf_adds(b, "&amp;");
		else if (cp == '<')
			wx_buf_adds(b, "&lt;");
		else if (cp == '>')
			wx_buf_adds(b, "&gt;");
		else if (cp == '\n')
			wx_buf_adds(b, "<br/>");
		else if (cp >= 0x1F000 && cp <= 0x1FAFF)
			wx_buf_addf(b, "<span class=\"emoji emoji%" PRIx32
			            "\"></span>", cp);
		else
			wx_buf_add(b, s + i, (size_t)len);
		i += (size_t)len;
	}
}

/* NDJSON members for the sent log: ,"key":"value" and ,"key":number. */
static void
nd_str(struct wx_buf *b, const char *key, const char *val)
{
	wx_buf_addf(b, "%s\"%s\":", b->len > 1 ? "," : "", key);
	wx_json_put_strz(b, val ? val : "");
}

static void
nd_int(struct wx_buf *b, const char *key, long long val)
{
	wx_buf_addf(b, "%s\"%s\":%lld", b->len > 1 ? "," : "", key, val);
}

static void
nd_done(struct wx_buf *b)
{
	wx_buf_addc(b, '}');
	emu_sent_add(b->p);
	wx_buf_free(b);
}

/* Percent-encode every byte but letters and digits: the server writes
 * "IMG_1854.JPG" as "IMG%5F1854%2EJPG". */
static void
encry_name(struct wx_buf *b, const char *name)
{
	for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
		if ((*p >= '0' && *p <= '9') || ((*p | 0x20) >= 'a' && (*p | 0x20) <= 'z'))
			wx_buf_addc(b, (char)*p);
		else
			wx_buf_addf(b, "%%%02X", *p);
	}
}

/* ---- MD5 (RFC 1321), to check FileMd5 and list it in /_emu/sent ---- */

static uint32_t
rol(uint32_t x, int c)
{
	return (x << c) | (x >> (32 - c));
}

static void
md5_block(uint32_t h[4], const unsigned char *p)
{
	static const int sh[64] = {
		7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22,
		5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14, 20,
		4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23,
		6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21 };
	static uint32_t k[64];
	uint32_t m[16], a = h[0], b = h[1], c = h[2], d = h[3];

	if (!k[0])      /* RFC 1321: floor(|sin(i + 1)| * 2^32) */
		for (int i = 0; i < 64; i++)
			k[i] = (uint32_t)floor(fabs(sin(i + 1)) * 4294967296.0);
	for (int i = 0; i < 16; i++)
		m[i] = (uint32_t)p[4 * i] | (uint32_t)p[4 * i + 1] << 8 |
		       (uint32_t)p[4 * i + 2] << 16 | (uint32_t)p[4 * i + 3] << 24;
	for (int i = 0; i < 64; i++) {
		uint32_t f;
		int g;
		if (i < 16)
			f = (b & c) | (~b & d), g = i;
		else if (i < 32)
			f = (d & b) | (~d & c), g = (5 * i + 1) % 16;
		else if (i < 48)
			f = b ^ c ^ d, g = (3 * i + 5) % 16;
		else
			f = c ^ (b | ~d), g = (7 * i) % 16;
		f += a + k[i] + m[g];
		a = d;
		d = c;
		c = b;
		b += rol(f, sh[i]);
	}
	h[0] += a;
	h[1] += b;
	h[2] += c;
	h[3] += d;
}

static void
md5_hex(const char *data, size_t n, char out[33])
{
	uint32_t h[4] = { 0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476 };
	unsigned char tail[128] = {0};
	size_t full = n / 64 * 64, rest = n - full;
	uint64_t bits = (uint64_t)n * 8;

	for (size_t i = 0; i < full; i += 64)
		md5_block(h, (const unsigned char *)data + i);
	memcpy(tail, data + full, rest);
	tail[rest] = 0x80;
	size_t tlen = rest < 56 ? 64 : 128;
	for (int i = 0; i < 8; i++)
		tail[tlen - 8 + i] = (unsigned char)(bits >> (8 * i));
	for (size_t i = 0; i < tlen; i += 64)
		md5_block(h, tail + i);
	for (int i = 0; i < 16; i++)
		snprintf(out + 2 * i, 3, "%02x",
		         (unsigned)(h[i / 4] >> (8 * (i % 4))) & 0xff);
}

/* ---- uploads, kept in world.uploads (oldest first) ---- */

#define UPLOADS_MAX 64                  /* uploads kept */
#define UPLOAD_BYTES (256u << 20)       /* bytes kept, all uploads */
#define CHUNKS_MAX 1024                 /* 512 MiB of 512 KiB chunks */

static size_t
upload_bytes(const struct emu_upload *u)
{
	size_t n = u->data.len;

	for (int k = 0; u->parts && k < u->chunks; k++)
		n += u->parts[k].len;
	return n;
}

static void
upload_drop(int i)
{
	struct emu_upload *u = &world.uploads[i];

	for (int k = 0; u->parts && k < u->chunks; k++)
		wx_buf_free(&u->parts[k]);
	free(u->parts);
	free(u->name);
	free(u->type);
	wx_buf_free(&u->data);
	world.nuploads--;
	memmove(u, u + 1, (size_t)(world.nuploads - i) * sizeof *u);
}

/* Finished upload by MediaId, or NULL. */
static struct emu_upload *
upload_find(const char *mediaid)
{
	for (int i = 0; mediaid && *mediaid && i < world.nuploads; i++)
		if (strcmp(world.uploads[i].mediaid, mediaid) == 0)
			return &world.uploads[i];
	return NULL;
}

/* Unfinished upload of this ClientMediaId, or a new one (dropping the
 * oldest uploads while over the caps). */
static struct emu_upload *
upload_slot(const char *clientid, int chunks)
{
	for (int i = 0; i < world.nuploads; i++) {
		struct emu_upload *u = &world.uploads[i];
		if (!u->mediaid[0] && u->chunks == chunks &&
		    strcmp(u->clientmediaid, clientid) == 0)
			return u;
	}
	if (world.nuploads == UPLOADS_MAX)
		upload_drop(0);
	world.uploads = wx_realloc(world.uploads,
	                           (size_t)(world.nuploads + 1) * sizeof *world.uploads);
	struct emu_upload *u = &world.uploads[world.nuploads++];
	memset(u, 0, sizeof *u);
	snprintf(u->clientmediaid, sizeof u->clientmediaid, "%s", clientid);
	u->chunks = chunks;
	u->parts = wx_calloc((size_t)chunks, sizeof *u->parts);
	return u;
}

/* Make room for n more bytes, dropping the oldest uploads but the one
 * at *keep (whose index is kept current); -1 if it cannot fit. */
static int
upload_room(int *keep, size_t n)
{
	size_t total = n;

	for (int i = 0; i < world.nuploads; i++)
		total += upload_bytes(&world.uploads[i]);
	while (total > UPLOAD_BYTES) {
		int i = *keep == 0 ? 1 : 0;
		if (i >= world.nuploads)
			return -1;
		total -= upload_bytes(&world.uploads[i]);
		upload_drop(i);
		*keep -= i < *keep;
	}
	return 0;
}

/* ---- webwxuploadmedia ---- */

struct up_answer {
	int ret;
	const char *mediaid;
	long long startpos;
	int thumbh, thumbw;
	const char *name;
};

static void
upload_answer(struct emu_resp *w, const char *web, const struct up_answer *a)
{
	struct emu_jw jw;
	struct wx_buf enc = {0};
	char date[40];

	emu_http_date(time(NULL), date);
	emu_resp_header(w, "Content-Type", "text/plain");
	emu_resp_header(w, "Date", "%s", date);
	emu_resp_header(w, "Access-Control-Allow-Origin", "https://%s", web);
	emu_resp_header(w, "Access-Control-Allow-Credentials", "true");
	emu_resp_header(w, "Strict-Transport-Security", STS);
	w->may_gzip = 1;
	encry_name(&enc, a->name ? a->name : "");
	jw_begin(&jw, &w->body);
	jw_base_response(&jw, a->ret, "");
	jw_kstr(&jw, "MediaId", a->mediaid ? a->mediaid : "");
	jw_kint(&jw, "StartPos", a->startpos);
	jw_kint(&jw, "CDNThumbImgHeight", a->thumbh);
	jw_kint(&jw, "CDNThumbImgWidth", a->thumbw);
	jw_kstr(&jw, "EncryFileName", enc.p ? enc.p : "");
	jw_end(&jw);
	wx_buf_free(&enc);
}

/* One upload request, parsed. */
struct up_req {
	struct emu_part parts[EMU_MP_PARTS];
	int nparts;
	struct wx_json *umr;            /* uploadmediarequest */
	const struct emu_part *file;
	char *name, *type, *mediatype, *ticket;
	long long chunks, chunk, total;
	char clientid[32], md5[33];
};

static void
up_req_free(struct up_req *q)
{
	wx_json_free(q->umr);
	free(q->name);
	free(q->type);
	free(q->mediatype);
	free(q->ticket);
}

/* Integer form field (default def when absent); -1 if not a number. */
static int
mp_int(const struct up_req *q, const char *name, long long def, long long *out)
{
	char *s = emu_mp_text(q->parts, q->nparts, name);
	uint64_t v;
	int rc = 0;

	*out = def;
	if (s && (parse_u64(s, &v) < 0 || v > INT64_MAX))
		rc = -1;
	else if (s)
		*out = (long long)v;
	free(s);
	return rc;
}

/* Parse the form; Ret code (1200 for anything malformed) or 0. */
static int
up_parse(const struct emu_req *r, struct up_req *q)
{
	char boundary[80], err[80];
	const struct emu_part *umr;
	int tok;

	if (emu_mp_boundary(emu_header(r, "Content-Type"), boundary,
	                sizeof boundary) < 0)
		return 1200;
	q->nparts = emu_mp_parse(r->body.p ? r->body.p : "", r->body.len, boundary,
	                     q->parts, EMU_MP_PARTS);
	if (q->nparts < 0 || !(umr = emu_mp_field(q->parts, q->nparts,
	                                      "uploadmediarequest")))
		return 1200;
	q->umr = wx_json_parse(umr->data, umr->len, err, sizeof err);
	if (!q->umr || wx_json_type(q->umr, 0) != WX_JSON_OBJECT)
		return 1200;
	q->file = emu_mp_field(q->parts, q->nparts, "filename");
	q->name = emu_mp_text(q->parts, q->nparts, "name");
	q->type = emu_mp_text(q->parts, q->nparts, "type");
	q->mediatype = emu_mp_text(q->parts, q->nparts, "mediatype");
	q->ticket = emu_mp_text(q->parts, q->nparts, "webwx_data_ticket");
	if (!q->name && q->file)
		q->name = wx_strdup(q->file->filename);
	if (mp_int(q, "chunks", 1, &q->chunks) < 0 ||
	    mp_int(q, "chunk", 0, &q->chunk) < 0 ||
	    q->chunks < 1 || q->chunks > CHUNKS_MAX ||
	    q->chunk >= q->chunks || !q->file)
		return 1200;
	/* WXB sends TotalLen as a string: wx_json_int takes both. */
	tok = wx_json_get(q->umr, 0, "TotalLen");
	if (tok >= 0 && wx_json_int(q->umr, tok, &q->total) < 0)
		return 1200;
	if (tok < 0 && mp_int(q, "size", -1, &q->total) < 0)
		return 1200;
	char *cid = wx_json_str(q->umr, wx_json_get(q->umr, 0, "ClientMediaId"));
	snprintf(q->clientid, sizeof q->clientid, "%s",
	         cid ? cid : q->name ? q->name : "");
	free(cid);
	char *md5 = wx_json_getstr(q->umr, 0, "FileMd5");
	if (md5 && strlen(md5) == 32)
		for (int i = 0; i < 33; i++)
			q->md5[i] = (char)tolower((unsigned char)md5[i]);
	free(md5);
	return 0;
}

/* The last chunk arrived: join the parts, check them, name the upload. */
static int
upload_finish(struct emu_upload *u, const struct up_req *q)
{
	char h8[9], hex[641];

	for (int k = 0; k < u->chunks; k++)
		wx_buf_add(&u->data, u->parts[k].p ? u->parts[k].p : "",
		           u->parts[k].len);
	for (int k = 0; k < u->chunks; k++)
		wx_buf_free(&u->parts[k]);
	free(u->parts);
	u->parts = NULL;
	md5_hex(u->data.p ? u->data.p : "", u->data.len, u->md5);
	if ((q->total >= 0 && (size_t)q->total != u->data.len) ||
	    (q->md5[0] && strcmp(q->md5, u->md5) != 0))
		return 1;
	emu_randstr(h8, 8, "0123456789abcdef");
	emu_randstr(hex, 640, "0123456789abcdef");
	h8[8] = hex[640] = '\0';
	snprintf(u->mediaid, sizeof u->mediaid, "@crypt_%s_%s", h8, hex);
	u->name = wx_strdup(q->name ? q->name : "");
	u->type = wx_strdup(q->type ? q->type : "");
	return 0;
}

static void
upload_log(const struct emu_upload *u, const struct up_req *q)
{
	struct wx_buf b = {0};

	wx_buf_addc(&b, '{');
	nd_str(&b, "endpoint", "webwxuploadmedia");
	nd_str(&b, "MediaId", u->mediaid);
	nd_str(&b, "ClientMediaId", u->clientmediaid);
	nd_str(&b, "name", u->name);
	nd_str(&b, "type", u->type);
	nd_str(&b, "mediatype", q->mediatype);
	nd_int(&b, "size", (long long)u->data.len);
	nd_int(&b, "chunks", u->chunks);
	nd_str(&b, "md5", u->md5);
	nd_int(&b, "time", (long long)time(NULL));
	nd_done(&b);
}

/* Store chunk q into its upload; fill the answer. */
static int
upload_chunk(const struct up_req *q, struct up_answer *a)
{
	struct emu_upload *u = upload_slot(q->clientid, (int)q->chunks);
	int i = (int)(u - world.uploads);
	struct wx_buf *part;

	if (upload_room(&i, q->file->len) < 0) {
		upload_drop(i);
		return 1;
	}
	u = &world.uploads[i];
	part = &u->parts[q->chunk];
	u->got += !part->p;             /* a resent chunk replaces its twin */
	wx_buf_reset(part);
	wx_buf_add(part, q->file->data, q->file->len);
	if (u->got < u->chunks)
		return 0;
	if (upload_finish(u, q) != 0) {
		upload_drop((int)(u - world.uploads));
		return 1;
	}
	upload_log(u, q);
	a->mediaid = u->mediaid;
	a->startpos = (long long)u->data.len;
	if (q->mediatype && strcmp(q->mediatype, "pic") == 0)
		a->thumbh = a->thumbw = 100;
	else if (q->mediatype && strcmp(q->mediatype, "video") == 0)
		a->thumbh = a->thumbw = 128;
	return 0;
}

void
emu_uploadmedia(struct emu_req *r, struct emu_resp *w)
{
	struct up_req q = {0};
	struct up_answer a = {0};
	struct emu_session *s = NULL;
	struct emu_req ar = *r;

	a.ret = up_parse(r, &q);
	a.name = q.name;
	if (a.ret == 0) {
		ar.json = q.umr;        /* BaseRequest lives in the form */
		s = emu_auth(&ar, &a.ret);
	}
	if (s && strcmp(q.ticket ? q.ticket : "", s->data_ticket) != 0)
		a.ret = 1;
	if (s && a.ret == 0)
		a.ret = upload_chunk(&q, &a);
	upload_answer(w, s ? s->web : r->family, &a);
	up_req_free(&q);
}

/* ---- sends: webwxsendmsg, …msgimg, …videomsg, …appmsg, …emoticon ---- */

/* What each send endpoint makes: the MsgType of the stored message and
 * whether Msg.MediaId must name a finished upload. */
static const struct send_kind {
	const char *endpoint;
	int msgtype;
	int media;              /* 1 required, 0 optional */
} send_kinds[] = {
	{ "webwxsendmsg", 1, 0 },
	{ "webwxsendmsgimg", 3, 1 },
	{ "webwxsendvideomsg", 43, 1 },
	{ "webwxsendemoticon", 47, 0 },
	{ "webwxsendappmsg", 49, 0 },
};

/* Sends remembered for de-duplication (ClientMsgId) and revoke. */
#define SENDS 4096
static struct send_rec {
	uint64_t msgid;
	char clientmsgid[40];
	char to[72];
	time_t when;
	int revoked;
} sends[SENDS];
static size_t sendpos;

static struct send_rec *
send_by_client_id(const char *id)
{
	for (size_t i = 0; *id && i < SENDS; i++)
		if (sends[i].msgid && strcmp(sends[i].clientmsgid, id) == 0)
			return &sends[i];
	return NULL;
}

static struct send_rec *
send_by_msgid(uint64_t msgid)
{
	for (size_t i = 0; msgid && i < SENDS; i++)
		if (sends[i].msgid == msgid)
			return &sends[i];
	return NULL;
}

/* One send request, its Msg read leniently: keys in any order, numbers
 * or strings for Type and the ids (exponent-form floats kept as sent). */
struct send_req {
	const struct send_kind *kind;
	long long type;
	char *content, *from, *to, *localid, *clientmsgid, *mediaid, *md5;
};

static char *
msg_field(const struct wx_json *j, int msg, const char *key)
{
	return wx_json_str(j, wx_json_get(j, msg, key));
}

/* <attachid>…</attachid> of an appmsg XML (raw or entity-escaped). */
static char *
attach_id(const char *xml)
{
	const char *p = xml ? strstr(xml, "attachid>") : NULL;
	const char *e;

	if (!p)
		return NULL;
	p += 9;
	e = p + strcspn(p, "<&");
	return e > p ? wx_strndup(p, (size_t)(e - p)) : NULL;
}

static int
send_parse(const struct emu_req *r, struct send_req *q)
{
	const struct wx_json *j = r->json;
	int msg = j ? wx_json_get(j, 0, "Msg") : -1;

	for (size_t i = 0; i < sizeof send_kinds / sizeof *send_kinds; i++)
		if (endpoint_is(r, send_kinds[i].endpoint))
			q->kind = &send_kinds[i];
	if (!q->kind || msg < 0 || wx_json_type(j, msg) != WX_JSON_OBJECT)
		return 1200;
	/* LYK sends "Type":"Test Message": take the endpoint's own type. */
	if (wx_json_int(j, wx_json_get(j, msg, "Type"), &q->type) < 0)
		q->type = q->kind->msgtype == 49 ? 6 : q->kind->msgtype;
	q->content = msg_field(j, msg, "Content");
	q->from = msg_field(j, msg, "FromUserName");
	q->to = msg_field(j, msg, "ToUserName");
	q->localid = msg_field(j, msg, "LocalID");
	q->clientmsgid = msg_field(j, msg, "ClientMsgId");
	q->mediaid = msg_field(j, msg, "MediaId");
	q->md5 = msg_field(j, msg, "EMoticonMd5");
	if (!q->localid)
		q->localid = wx_strdup(q->clientmsgid ? q->clientmsgid : "");
	if (!q->clientmsgid)
		q->clientmsgid = wx_strdup(q->localid);
	if (!q->mediaid && q->kind->msgtype == 49 && q->type == 6)
		q->mediaid = attach_id(q->content);
	return 0;
}

static void
send_req_free(struct send_req *q)
{
	free(q->content);
	free(q->from);
	free(q->to);
	free(q->localid);
	free(q->clientmsgid);
	free(q->mediaid);
	free(q->md5);
}

/* Ret for the recipient and the media of q (0 if they are fine). */
static int
send_check(const struct send_req *q)
{
	const struct emu_contact *c = emu_contact_by_name(q->to);
	int has_media = q->mediaid && *q->mediaid;

	if (!c)
		return 1201;
	if (c >= world.strangers && c < world.strangers + world.nstrangers)
		return 1204;
	if (has_media && !upload_find(q->mediaid))
		return 1;
	if (!has_media && (q->kind->media ||
	    (q->kind->msgtype == 47 && !(q->md5 && *q->md5)) ||
	    (q->kind->msgtype == 49 && q->type == 6)))
		return 1;
	return 0;
}

/* The sent message as the server stores and echoes it (§8.1, §8.6). */
static void
send_message(const struct send_req *q, uint64_t msgid)
{
	const struct emu_upload *u = upload_find(q->mediaid);
	const char *self = world.contacts[0].username;
	size_t size = u ? u->data.len : 0;
	struct emu_msg m = {0};
	struct wx_buf xml = {0}, content = {0};
	char sizes[24];

	m.msgid = msgid;
	m.from = (char *)self;
	m.to = q->to;
	m.type = q->kind->msgtype == 1 || q->kind->msgtype == 43 ?
	         (int)q->type : q->kind->msgtype;
	m.createtime = time(NULL);
	m.status = 3;
	m.imgstatus = m.type == 3 || m.type == 47 ? 2 : 1;
	m.mediaid = q->mediaid;
	switch (q->kind->msgtype) {
	case 3:
		wx_buf_addf(&xml, "<msg><img length=\"%zu\" hdlength=\"0\" />"
		            "<commenturl></commenturl></msg>", size);
		break;
	case 43:
		wx_buf_addf(&xml, "<msg><videomsg length=\"%zu\" playlength=\"0\" "
		            "fromusername=\"%s\" /></msg>", size, self);
		break;
	case 47:
		wx_buf_addf(&xml, "<msg><emoji fromusername=\"%s\" tousername=\"%s\" "
		            "type=\"2\" md5=\"%s\" len=\"%zu\"></emoji></msg>",
		            self, q->to, u ? u->md5 : q->md5 ? q->md5 : "", size);
		break;
	case 49:
		m.appmsgtype = (int)q->type;
		m.filename = u ? u->name : NULL;
		snprintf(sizes, sizeof sizes, "%zu", size);
		m.filesize = u ? sizes : NULL;
		/* FALLTHROUGH */
	default:
		wx_buf_adds(&xml, q->content ? q->content : "");
	}
	emu_server_text(&content, xml.p ? xml.p : "");
	m.content = content.p ? content.p : (char *)"";
	emu_event_msg(&m, NULL);
	wx_buf_free(&xml);
	wx_buf_free(&content);
}

static void
send_log(const struct emu_req *r, const struct send_req *q, uint64_t msgid)
{
	struct wx_buf b = {0};
	char id[24];

	snprintf(id, sizeof id, "%" PRIu64, msgid);
	wx_buf_addc(&b, '{');
	nd_str(&b, "endpoint", r->endpoint);
	nd_str(&b, "MsgID", id);
	nd_str(&b, "LocalID", q->localid);
	nd_str(&b, "ClientMsgId", q->clientmsgid);
	nd_str(&b, "From", q->from);
	nd_str(&b, "To", q->to);
	nd_int(&b, "Type", q->type);
	nd_str(&b, "Content", q->content);
	nd_str(&b, "MediaId", q->mediaid);
	nd_str(&b, "EMoticonMd5", q->md5);
	nd_int(&b, "time", (long long)time(NULL));
	nd_done(&b);
}

/* Remember a new send; MsgID of the earlier twin for a resend. */
static uint64_t
send_record(const struct send_req *q, int *resent)
{
	struct send_rec *e = send_by_client_id(q->clientmsgid);

	*resent = e != NULL;
	if (e)
		return e->msgid;
	e = &sends[sendpos];
	sendpos = (sendpos + 1) % SENDS;
	memset(e, 0, sizeof *e);
	e->msgid = emu_new_msgid();
	snprintf(e->clientmsgid, sizeof e->clientmsgid, "%s", q->clientmsgid);
	snprintf(e->to, sizeof e->to, "%s", q->to);
	e->when = time(NULL);
	return e->msgid;
}

void
emu_sendmsg(struct emu_req *r, struct emu_resp *w)
{
	struct send_req q = {0};
	struct emu_session *s;
	struct emu_jw jw;
	uint64_t msgid = 0;
	int ret, resent;
	char id[24] = "";

	if ((s = emu_auth(r, &ret)) != NULL &&
	    (ret = send_parse(r, &q)) == 0 && (ret = send_check(&q)) == 0) {
		msgid = send_record(&q, &resent);
		if (!resent) {
			send_message(&q, msgid);
			send_log(r, &q, msgid);
		}
		snprintf(id, sizeof id, "%" PRIu64, msgid);
	}
	emu_resp_json(w);
	jw_begin(&jw, &w->body);
	jw_base_response(&jw, ret, "");
	jw_kstr(&jw, "MsgID", id);
	jw_kstr(&jw, "LocalID", ret == 0 ? q.localid : "");
	jw_end(&jw);
	send_req_free(&q);
}

/* ---- webwxrevokemsg ---- */

static const char revoke_intro[] =
	"你可以撤回2分钟内发送的消息（部分旧版本微信不支持这个功能）。";

/* Seconds a send stays revocable: 120, or $WX_EMU_REVOKE_WINDOW. */
static long
revoke_window(void)
{
	const char *e = getenv("WX_EMU_REVOKE_WINDOW");
	uint64_t v;

	return e && parse_u64(e, &v) == 0 && v < 86400 * 365 ? (long)v : 120;
}

/* The 10002 notice other devices see (§8.6). */
static void
revoke_notice(const struct send_rec *e)
{
	struct wx_buf xml = {0}, content = {0};
	struct emu_msg m = {0};

	wx_buf_addf(&xml, "<sysmsg type=\"revokemsg\">\n\t<revokemsg>\n"
	            "\t\t<session>%s</session>\n\t\t<oldmsgid>0</oldmsgid>\n"
	            "\t\t<msgid>%" PRIu64 "</msgid>\n"
	            "\t\t<replacemsg><![CDATA[你撤回了一条消息]]></replacemsg>\n"
	            "\t</revokemsg>\n</sysmsg>\n", e->to, e->msgid);
	emu_server_text(&content, xml.p);
	m.from = world.contacts[0].username;
	m.to = (char *)e->to;
	m.type = 10002;
	m.status = 4;
	m.imgstatus = 1;
	m.content = content.p;
	emu_event_msg(&m, NULL);
	wx_buf_free(&xml);
	wx_buf_free(&content);
}

static int
revoke(const char *svr)
{
	uint64_t id;
	struct send_rec *e = svr && parse_u64(svr, &id) == 0 ?
	                     send_by_msgid(id) : NULL;

	if (!e)
		return 1;
	if (time(NULL) - e->when >= revoke_window())
		return -2;
	if (!e->revoked)
		revoke_notice(e);
	e->revoked = 1;
	return 0;
}

void
emu_revokemsg(struct emu_req *r, struct emu_resp *w)
{
	struct emu_jw jw;
	int ret;
	struct emu_session *s = emu_auth(r, &ret);

	if (s) {
		char *svr = r->json ? wx_json_getstr(r->json, 0, "SvrMsgId") : NULL;
		char *to = r->json ? wx_json_getstr(r->json, 0, "ToUserName") : NULL;
		char *cid = r->json ? wx_json_getstr(r->json, 0, "ClientMsgId") : NULL;
		struct wx_buf b = {0};

		ret = revoke(svr);
		wx_buf_addc(&b, '{');
		nd_str(&b, "endpoint", r->endpoint);
		nd_str(&b, "SvrMsgId", svr);
		nd_str(&b, "ToUserName", to);
		nd_str(&b, "ClientMsgId", cid);
		nd_int(&b, "Ret", ret);
		nd_int(&b, "time", (long long)time(NULL));
		nd_done(&b);
		free(svr);
		free(to);
		free(cid);
	}
	emu_resp_json(w);
	jw_begin(&jw, &w->body);
	jw_base_response(&jw, ret, "");
	jw_kstr(&jw, "Introduction", ret == 0 ? revoke_intro : "");
	jw_kstr(&jw, "SysWording", "");
	jw_end(&jw);
}

/* ---- downloads: webwxgetmsgimg, …voice, …video, webwxgetmedia ---- */

/* A failed download (no session, wrong data ticket, unknown id): 200 with
 * no bytes.  No capture shows what the real server answers. */
static void
no_bytes(struct emu_resp *w)
{
	emu_resp_header(w, "Content-Type", "text/plain");
	emu_resp_header(w, "Strict-Transport-Security", STS);
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

/* A message's bytes: its own media, its upload, or made-up ones of a size
 * and magic that fit the endpoint. */
static const struct wx_buf *
msg_bytes(const struct emu_msg *m, const char *endpoint, int thumb,
          struct wx_buf *made)
{
	const struct emu_upload *u = upload_find(m->mediaid);
	uint64_t size;

	if (m->media.len)
		return &m->media;
	if (u)
		return &u->data;
	if (strcmp(endpoint, "webwxgetvoice") == 0)
		made_up_bytes(made, m->msgid, "ID3\3\0\0\0\0\0\0", 10,
		              2048 + m->msgid % 2048);
	else if (strcmp(endpoint, "webwxgetvideo") == 0)
		made_up_bytes(made, m->msgid, "\0\0\0\30ftypmp42", 12,
		              65536 + m->msgid % 65536);
	else if (strcmp(endpoint, "webwxgetmedia") == 0)
		made_up_bytes(made, m->msgid, "", 0,
		              parse_u64(m->filesize, &size) == 0 && size < (1u << 20) ?
		              size : 4096);
	else
		made_up_bytes(made, m->msgid, "\377\330\377\340\0\20JFIF\0", 11,
		              (thumb ? 512 : 4096) + m->msgid % 512);
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

	http_date(m->createtime, date);
	emu_resp_header(w, "Content-Type", "image/jpeg");
	emu_resp_header(w, "Last-Modified", "%s", date);
	emu_resp_header(w, "Cache-control", "max-age=604800");
	emu_resp_header(w, "Strict-Transport-Security", STS);
	wx_buf_add(&w->body, d->p ? d->p : "", d->len);
}

static void
get_voice(const struct emu_req *r, const struct emu_msg *m,
          const struct wx_buf *d, struct emu_resp *w)
{
	char date[40];

	http_date(m->createtime, date);
	emu_resp_header(w, "Content-Type", "audio/mp3");
	emu_resp_header(w, "Accept-Ranges", "bytes");
	emu_resp_header(w, "Last-Modified", "%s", date);
	emu_resp_header(w, "Strict-Transport-Security", STS);
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
	emu_resp_header(w, "Strict-Transport-Security", STS);
	ranged_body(r, w, d);
}

/* Message id from MsgID, msgid or NewMsgId (all the same number). */
static const struct emu_msg *
download_msg(const struct emu_req *r)
{
	static const char *const names[] = { "MsgID", "msgid", "MsgId", "NewMsgId" };
	uint64_t id;

	for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
		const char *v = emu_arg(r, names[i]);
		if (v && parse_u64(v, &id) == 0)
			return emu_msg_by_id(id);
	}
	return NULL;
}

/* Message of session s carrying mediaid (an injected file), or NULL. */
static const struct emu_msg *
msg_by_mediaid(const struct emu_session *s, const char *mediaid)
{
	const struct emu_msg *found = NULL;
	const struct emu_event *e;

	for (uint64_t q = 0; (e = emu_event_next(s, q)) != NULL; q = e->seq)
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

	for (const char *p = name ? name : ""; *p; p++)
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
	const struct emu_upload *u = upload_find(mediaid);
	const struct emu_msg *m = u || !mediaid ? NULL : msg_by_mediaid(s, mediaid);
	struct wx_buf made = {0};
	const struct wx_buf *d;
	const char *name;

	if (!ticket || !*ticket)
		ticket = emu_cookie(r, "webwx_data_ticket");
	if (!ticket || strcmp(ticket, s->data_ticket) != 0 || (!u && !m)) {
		no_bytes(w);
		return;
	}
	d = u ? &u->data : msg_bytes(m, "webwxgetmedia", 0, &made);
	name = u ? u->name : m->filename;
	if (!name || !*name)
		name = emu_arg(r, "filename");
	emu_resp_header(w, "Content-Type", "application/octet-stream");
	disposition(w, name);
	emu_resp_header(w, "Strict-Transport-Security", STS);
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

	if (s && endpoint_is(r, "webwxgetmedia")) {
		get_media(r, s, w);
		return;
	}
	if (!s || !(m = download_msg(r))) {
		no_bytes(w);
		return;
	}
	d = msg_bytes(m, r->endpoint, type && strcmp(type, "slave") == 0, &made);
	if (endpoint_is(r, "webwxgetvoice"))
		get_voice(r, m, d, w);
	else if (endpoint_is(r, "webwxgetvideo"))
		get_video(r, m, d, w);
	else
		get_msgimg(m, d, w);
	wx_buf_free(&made);
}
