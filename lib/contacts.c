/* contacts.c — the address book (protocol.md §5.3, §5.4, §9): contact
 * objects written as NDJSON lines with the derived Kind, Name and Remark,
 * webwxgetcontact's pages, webwxbatchgetcontact's room members, and the
 * cache file DIR/contacts that name lookup reads. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "wx.h"

/* Pages of webwxgetcontact before we call the server's Seq endless. */
#define MAX_PAGES 1000
/* Rooms a webwxbatchgetcontact may ask for (every client sends <= 50). */
#define BATCH 50

/* ---- one contact object as one NDJSON line ---- */

/* Ids that can pass 2^53: written as JSON strings (design.md §3). */
static int
is_id_key(const char *k, size_t n)
{
	return (n == 3 && memcmp(k, "Uin", 3) == 0) ||
	       (n == 8 && memcmp(k, "OwnerUin", 8) == 0);
}

static void put_value(struct wx_buf *b, const struct wx_json *j, int tok,
                      int as_string, int ids);

/* A string token decoded and encoded again: whatever the server sent,
 * the line is valid JSON and valid UTF-8. */
static void
put_string(struct wx_buf *b, const struct wx_json *j, int tok)
{
	char *s = wx_json_str(j, tok);

	wx_json_put_strz(b, s ? s : "");
	free(s);
}

/* The members of object tok, without the closing brace, but for the
 * one named skip; ids: Uin and OwnerUin as strings. */
static void
put_members(struct wx_buf *b, const struct wx_json *j, int tok,
            const char *skip, int ids)
{
	size_t n;
	const char *k;
	int key, first = 1;

	wx_buf_addc(b, '{');
	for (key = wx_json_first(j, tok); key >= 0; key = wx_json_next(j, key + 1)) {
		k = wx_json_raw(j, key, &n);
		if (skip && strlen(skip) == n && memcmp(k, skip, n) == 0)
			continue;
		if (!first)
			wx_buf_addc(b, ',');
		first = 0;
		put_string(b, j, key);
		wx_buf_addc(b, ':');
		put_value(b, j, key + 1, ids && is_id_key(k, n), ids);
	}
}

static void
put_value(struct wx_buf *b, const struct wx_json *j, int tok, int as_string,
          int ids)
{
	const char *raw;
	size_t n;
	int e;

	switch (wx_json_type(j, tok)) {
	case WX_JSON_OBJECT:
		put_members(b, j, tok, NULL, ids);
		wx_buf_addc(b, '}');
		break;
	case WX_JSON_ARRAY:
		wx_buf_addc(b, '[');
		for (e = wx_json_first(j, tok); e >= 0; e = wx_json_next(j, e)) {
			if (e != tok + 1)
				wx_buf_addc(b, ',');
			put_value(b, j, e, 0, ids);
		}
		wx_buf_addc(b, ']');
		break;
	case WX_JSON_STRING:
		put_string(b, j, tok);
		break;
	default:
		raw = wx_json_raw(j, tok, &n);
		if (as_string)
			wx_buf_addc(b, '"');
		wx_buf_add(b, raw, n);
		if (as_string)
			wx_buf_addc(b, '"');
	}
}

/* Kind by protocol.md §9.4-§9.6, in this order: the account itself, a
 * room (@@… or …@chatroom), a special account (a bare name), an
 * official account (VerifyFlag & 8), else a friend. */
const char *
wx_contact_kind(const struct wx_json *j, int obj, const char *self)
{
	char *u = wx_json_getstr(j, obj, "UserName");
	const char *kind;
	long long vf = 0;
	size_t n = u ? strlen(u) : 0;

	wx_json_int(j, wx_json_get(j, obj, "VerifyFlag"), &vf);
	if (u && self && strcmp(u, self) == 0)
		kind = "self";
	else if (u && (strncmp(u, "@@", 2) == 0 ||
	         (n > 9 && strcmp(u + n - 9, "@chatroom") == 0)))
		kind = "group";
	else if (u && u[0] != '@')
		kind = "special";
	else if (vf & 8)
		kind = "public";
	else
		kind = "friend";
	free(u);
	return kind;
}

/* ,"KEY":"decoded text of FIELD" */
static void
put_decoded(struct wx_buf *b, const struct wx_json *j, int obj,
            const char *key, const char *field)
{
	char *raw = wx_json_getstr(j, obj, field), *text;

	text = wx_text_decode(raw ? raw : "", raw ? strlen(raw) : 0);
	wx_buf_addf(b, ",\"%s\":", key);
	wx_json_put_strz(b, text);
	free(text);
	free(raw);
}

void
wx_contact_line(struct wx_buf *b, const struct wx_json *j, int obj,
                const char *self, const struct wx_json *mj, int members)
{
	put_members(b, j, obj, members >= 0 ? "MemberList" : NULL, 1);
	if (members >= 0) {
		wx_buf_adds(b, ",\"MemberList\":");
		put_value(b, mj, members, 0, 1);
	}
	wx_buf_addf(b, ",\"Kind\":\"%s\"", wx_contact_kind(j, obj, self));
	put_decoded(b, j, obj, "Name", "NickName");
	put_decoded(b, j, obj, "Remark", "RemarkName");
	wx_buf_adds(b, "}\n");
}

void
wx_contact_raw(struct wx_buf *b, const struct wx_json *j, int obj)
{
	put_members(b, j, obj, NULL, 0);
	wx_buf_adds(b, "}\n");
}

/* ---- fetching: webwxgetcontact pages, webwxbatchgetcontact rooms ---- */

/* UserNames already written: a contact listed twice is written once. */
struct seen {
	char **slot;
	size_t n, cap;
};

static size_t
hash(const char *s)
{
	size_t h = 5381;

	while (*s)
		h = h * 33 + (unsigned char)*s++;
	return h;
}

/* The slot of u: where it is, or the empty one where it would go. */
static char **
seen_slot(const struct seen *t, const char *u)
{
	size_t i;

	for (i = hash(u) % t->cap; t->slot[i]; i = (i + 1) % t->cap)
		if (strcmp(t->slot[i], u) == 0)
			break;
	return &t->slot[i];
}

static void
seen_grow(struct seen *t)
{
	char **old = t->slot;
	size_t k, cap = t->cap;

	t->cap = cap ? cap * 2 : 1024;
	t->slot = wx_calloc(t->cap, sizeof *t->slot);
	for (k = 0; k < cap; k++)
		if (old[k])
			*seen_slot(t, old[k]) = old[k];
	free(old);
}

/* 1 if u was there already, else 0 and it is now. */
static int
seen_add(struct seen *t, const char *u)
{
	char **slot;

	if (2 * (t->n + 1) > t->cap)
		seen_grow(t);
	slot = seen_slot(t, u);
	if (*slot)
		return 1;
	*slot = wx_strdup(u);
	t->n++;
	return 0;
}

static void
seen_free(struct seen *t)
{
	size_t k;

	for (k = 0; k < t->cap; k++)
		free(t->slot[k]);
	free(t->slot);
}

struct fetch {
	struct wx_sess *s;
	const struct wx_contacts_out *out;
	struct seen seen;
	struct wx_buf line;
};

/* Write contact obj of j (members from mj when mtok >= 0). */
static int
emit(struct fetch *f, const struct wx_json *j, int obj,
     const struct wx_json *mj, int mtok)
{
	wx_buf_reset(&f->line);
	if (f->out->raw)
		wx_contact_raw(&f->line, j, obj);
	else
		wx_contact_line(&f->line, j, obj, f->s->username, mj, mtok);
	return f->out->emit(f->out->arg, f->line.p, f->line.len,
	                    wx_contact_kind(j, obj, f->s->username));
}

/* webwxbatchgetcontact for n rooms (tokens of j); each written with the
 * MemberList of the answer. */
static int
batch(struct fetch *f, const struct wx_json *j, const int *room, int n)
{
	struct wx_buf body = {0};
	struct wx_json *a;
	char *query, *u, *au = NULL;
	int i, c, rc, list;

	wx_sess_body(f->s, &body);
	wx_buf_addf(&body, ",\"Count\":%d,\"List\":[", n);
	for (i = 0; i < n; i++) {
		u = wx_json_getstr(j, room[i], "UserName");
		wx_buf_adds(&body, i ? ",{\"UserName\":" : "{\"UserName\":");
		wx_json_put_strz(&body, u ? u : "");
		wx_buf_adds(&body, ",\"EncryChatRoomId\":\"\"}");
		free(u);
	}
	wx_buf_adds(&body, "]}");
	query = wx_asprintf("type=ex&r=%lld&lang=zh_CN&pass_ticket=%s",
	                    wx_now_ms(), f->s->pass_ticket);
	rc = wx_cgi_post(f->s->h, f->s->host, "webwxbatchgetcontact", query,
	                 &body, &a);
	list = rc ? -1 : wx_json_get(a, 0, "ContactList");
	for (i = 0; rc == 0 && i < n; i++) {
		u = wx_json_getstr(j, room[i], "UserName");
		au = NULL;
		for (c = wx_json_first(a, list); c >= 0; c = wx_json_next(a, c)) {
			au = wx_json_getstr(a, c, "UserName");
			if (u && au && strcmp(u, au) == 0)
				break;
			free(au);
			au = NULL;
		}
		free(au);
		rc = emit(f, j, room[i], a, c < 0 ? -1 :
		          wx_json_get(a, c, "MemberList"));
		free(u);
	}
	wx_json_free(a);
	free(query);
	wx_buf_free(&body);
	return rc;
}

/* The contacts of one page, each once; rooms through batch with -m. */
static int
page(struct fetch *f, const struct wx_json *j)
{
	int list = wx_json_get(j, 0, "MemberList"), c, rc = 0, n = 0;
	int room[BATCH];
	char *u;

	for (c = wx_json_first(j, list); rc == 0 && c >= 0;
	     c = wx_json_next(j, c)) {
		u = wx_json_getstr(j, c, "UserName");
		if (!u || !*u || seen_add(&f->seen, u)) {
			free(u);
			continue;
		}
		free(u);
		if (!f->out->members || f->out->raw ||
		    strcmp(wx_contact_kind(j, c, NULL), "group") != 0) {
			rc = emit(f, j, c, NULL, -1);
			continue;
		}
		room[n++] = c;
		if (n == BATCH) {
			rc = batch(f, j, room, n);
			n = 0;
		}
	}
	if (rc == 0 && n > 0)
		rc = batch(f, j, room, n);
	return rc;
}

/* One webwxgetcontact page; its Seq in *seq. */
static int
get_page(struct fetch *f, long long *seq, struct wx_json **j)
{
	char *query = wx_asprintf("lang=zh_CN&pass_ticket=%s&r=%lld&seq=%lld"
	                          "&skey=%s", f->s->pass_ticket, wx_now_ms(),
	                          *seq, f->s->skey);
	int rc = wx_cgi_get(f->s->h, f->s->host, "webwxgetcontact", query, j);

	free(query);
	if (rc == 0 && wx_json_int(*j, wx_json_get(*j, 0, "Seq"), seq) < 0) {
		wx_warn("webwxgetcontact: no Seq in the answer");
		wx_json_free(*j);
		rc = WX_EXIT_TEMP;
	}
	return rc;
}

int
wx_contacts_fetch(struct wx_sess *s, const struct wx_contacts_out *out)
{
	struct fetch f = {s, out, {0}, {0}};
	long long seq = 0, seqs[MAX_PAGES];
	struct wx_json *j;
	int npages = 0, rc, i;

	do {
		if (npages == MAX_PAGES) {
			wx_warn("webwxgetcontact: over %d pages; giving up", MAX_PAGES);
			rc = WX_EXIT_TEMP;
			break;
		}
		seqs[npages++] = seq;
		if ((rc = get_page(&f, &seq, &j)) != 0)
			break;
		rc = page(&f, j);
		wx_json_free(j);
		for (i = 0; rc == 0 && seq != 0 && i < npages; i++)
			if (seqs[i] == seq) {
				wx_warn("webwxgetcontact: Seq %lld again; the pages "
				        "never end", seq);
				rc = WX_EXIT_TEMP;
			}
	} while (rc == 0 && seq != 0);
	seen_free(&f.seen);
	wx_buf_free(&f.line);
	return rc;
}
