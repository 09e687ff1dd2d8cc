/* upload.c — webwxuploadmedia: chunked multipart uploads kept in
 * world.uploads (protocol.md §6, checklist §12.10).
 *
 * Choices where the real server's answer is not known (documented in
 * wx-emu(1)): broken multipart framing or a bad chunk field: Ret 1200;
 * webwx_data_ticket not the session's: Ret 1; size mismatch or a FileMd5
 * that is not the md5 of the bytes: Ret 1.  Intermediate chunks answer
 * the final shape with MediaId "" and StartPos 0 (§14).  Every error
 * answer keeps the full success shape with empty values. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "emu.h"

void
emu_encry_name(struct wx_buf *b, const char *name)
{
	const unsigned char *p;

	for (p = (const unsigned char *)name; *p; p++) {
		if ((*p >= '0' && *p <= '9') || ((*p | 0x20) >= 'a' && (*p | 0x20) <= 'z'))
			wx_buf_addc(b, (char)*p);
		else
			wx_buf_addf(b, "%%%02X", *p);
	}
}


/* ---- uploads, kept in world.uploads (oldest first) ---- */

#define UPLOADS_MAX 64                  /* uploads kept */
#define UPLOAD_BYTES (256u << 20)       /* bytes kept, all uploads */
#define CHUNKS_MAX 1024                 /* 512 MiB of 512 KiB chunks */

static size_t
upload_bytes(const struct emu_upload *u)
{
	size_t n = u->data.len;
	int k;

	for (k = 0; u->parts && k < u->chunks; k++)
		n += u->parts[k].len;
	return n;
}

void
emu_upload_free(struct emu_upload *u)
{
	int k;

	for (k = 0; u->parts && k < u->chunks; k++)
		wx_buf_free(&u->parts[k]);
	free(u->parts);
	free(u->name);
	free(u->type);
	wx_buf_free(&u->data);
}

static void
upload_drop(int i)
{
	struct emu_upload *u = &world.uploads[i];

	emu_upload_free(u);
	world.nuploads--;
	memmove(u, u + 1, (size_t)(world.nuploads - i) * sizeof *u);
}

/* Finished upload by MediaId, or NULL. */
struct emu_upload *
emu_upload_find(const char *mediaid)
{
	int i;

	for (i = 0; mediaid && *mediaid && i < world.nuploads; i++)
		if (strcmp(world.uploads[i].mediaid, mediaid) == 0)
			return &world.uploads[i];
	return NULL;
}

/* Unfinished upload of this ClientMediaId, or a new one (dropping the
 * oldest uploads while over the caps). */
static struct emu_upload *
upload_slot(const char *clientid, int chunks)
{
	struct emu_upload *u;
	int i;

	for (i = 0; i < world.nuploads; i++) {
		u = &world.uploads[i];
		if (!u->mediaid[0] && u->chunks == chunks &&
		    strcmp(u->clientmediaid, clientid) == 0)
			return u;
	}
	if (world.nuploads == UPLOADS_MAX)
		upload_drop(0);
	world.uploads = wx_realloc(world.uploads,
	                           (size_t)(world.nuploads + 1) * sizeof *world.uploads);
	u = &world.uploads[world.nuploads++];
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
	int i;

	for (i = 0; i < world.nuploads; i++)
		total += upload_bytes(&world.uploads[i]);
	while (total > UPLOAD_BYTES) {
		int oldest = *keep == 0 ? 1 : 0;
		if (oldest >= world.nuploads)
			return -1;
		total -= upload_bytes(&world.uploads[oldest]);
		upload_drop(oldest);
		*keep -= oldest < *keep;
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
	emu_resp_header(w, "Strict-Transport-Security", EMU_STS);
	w->may_gzip = 1;
	emu_encry_name(&enc, a->name ? a->name : "");
	emu_jw_begin(&jw, &w->body);
	emu_jw_base_response(&jw, a->ret, "");
	emu_jw_kstr(&jw, "MediaId", a->mediaid ? a->mediaid : "");
	emu_jw_kint(&jw, "StartPos", a->startpos);
	emu_jw_kint(&jw, "CDNThumbImgHeight", a->thumbh);
	emu_jw_kint(&jw, "CDNThumbImgWidth", a->thumbw);
	emu_jw_kstr(&jw, "EncryFileName", enc.p ? enc.p : "");
	emu_jw_end(&jw);
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
	if (s && (emu_parse_u64(s, &v) < 0 || v > INT64_MAX))
		rc = -1;
	else if (s)
		*out = (long long)v;
	free(s);
	return rc;
}

/* The members of uploadmediarequest: TotalLen (or the size field),
 * ClientMediaId (or the name), FileMd5; 1200 if malformed, else 0. */
static int
up_umr(struct up_req *q)
{
	int tok = wx_json_get(q->umr, 0, "TotalLen"), i;
	char *cid, *md5;

	/* WXB sends TotalLen as a string: wx_json_int takes both. */
	if (tok >= 0 && wx_json_int(q->umr, tok, &q->total) < 0)
		return 1200;
	if (tok < 0 && mp_int(q, "size", -1, &q->total) < 0)
		return 1200;
	cid = wx_json_str(q->umr, wx_json_get(q->umr, 0, "ClientMediaId"));
	snprintf(q->clientid, sizeof q->clientid, "%s",
	         cid ? cid : q->name ? q->name : "");
	free(cid);
	md5 = wx_json_getstr(q->umr, 0, "FileMd5");
	if (md5 && strlen(md5) == 32)
		for (i = 0; i < 33; i++)
			q->md5[i] = (char)tolower((unsigned char)md5[i]);
	free(md5);
	return 0;
}

/* Parse the form; Ret code (1200 for anything malformed) or 0. */
static int
up_parse(const struct emu_req *r, struct up_req *q)
{
	char boundary[80], err[80];
	const struct emu_part *umr;

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
	return up_umr(q);
}

/* The last chunk arrived: join the parts, check them, name the upload. */
static int
upload_finish(struct emu_upload *u, const struct up_req *q)
{
	char h8[9], hex[641];
	int k;

	for (k = 0; k < u->chunks; k++)
		wx_buf_add(&u->data, u->parts[k].p ? u->parts[k].p : "",
		           u->parts[k].len);
	for (k = 0; k < u->chunks; k++)
		wx_buf_free(&u->parts[k]);
	free(u->parts);
	u->parts = NULL;
	wx_md5_hex(u->data.p ? u->data.p : "", u->data.len, u->md5);
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

	emu_sent_str(&b, "endpoint", "webwxuploadmedia");
	emu_sent_str(&b, "MediaId", u->mediaid);
	emu_sent_str(&b, "ClientMediaId", u->clientmediaid);
	emu_sent_str(&b, "name", u->name);
	emu_sent_str(&b, "type", u->type);
	emu_sent_str(&b, "mediatype", q->mediatype);
	emu_sent_int(&b, "size", (long long)u->data.len);
	emu_sent_int(&b, "chunks", u->chunks);
	emu_sent_str(&b, "md5", u->md5);
	emu_sent_int(&b, "time", (long long)time(NULL));
	emu_sent_add(&b);
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

/* ---- webwxcheckupload (protocol.md §6.4) ---- */

/* The finished upload whose bytes have this md5, or NULL. */
static const struct emu_upload *
upload_by_md5(const char *md5)
{
	int i;

	for (i = 0; md5 && *md5 && i < world.nuploads; i++)
		if (world.uploads[i].got == world.uploads[i].chunks &&
		    world.uploads[i].chunks > 0 &&
		    strcmp(world.uploads[i].md5, md5) == 0)
			return &world.uploads[i];
	return NULL;
}

/* {BaseResponse, MediaId, AESKey, Signature, EncryFileName}: MediaId of
 * an upload with the same FileMd5 (the client then skips the upload),
 * else "" with a fresh AESKey and Signature for the appmsg. */
void
emu_checkupload(struct emu_req *r, struct emu_resp *w)
{
	int ret;
	struct emu_session *s = emu_auth(r, &ret);
	char *md5 = r->json ? wx_json_getstr(r->json, 0, "FileMd5") : NULL;
	char *name = r->json ? wx_json_getstr(r->json, 0, "FileName") : NULL;
	const struct emu_upload *u = s ? upload_by_md5(md5) : NULL;
	char aes[33] = "", sig[65] = "";
	struct wx_buf enc = {0};
	struct emu_jw jw;

	if (s) {
		emu_randstr(aes, 32, "0123456789abcdef");
		emu_randstr(sig, 64, "0123456789abcdef");
	}
	emu_encry_name(&enc, s && name ? name : "");
	emu_resp_json(w);
	emu_jw_begin(&jw, &w->body);
	emu_jw_base_response(&jw, s ? 0 : ret, "");
	emu_jw_kstr(&jw, "MediaId", u ? u->mediaid : "");
	emu_jw_kstr(&jw, "AESKey", aes);
	emu_jw_kstr(&jw, "Signature", sig);
	emu_jw_kstr(&jw, "EncryFileName", enc.p ? enc.p : "");
	emu_jw_end(&jw);
	wx_buf_free(&enc);
	free(md5);
	free(name);
}
