/* contacts.c — the address book (protocol.md §5.3, §5.4, §9): contact
 * objects written as NDJSON lines with the derived Kind, Name and Remark,
 * webwxgetcontact's pages, webwxbatchgetcontact's room members, and the
 * cache file DIR/contacts that name lookup reads. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "wx.h"

/* Pages of webwxgetcontact before we call the server's Seq endless. */
#define MAX_PAGES 1000
/* Rooms a webwxbatchgetcontact may ask for (every client sends <= 50). */
#define BATCH 50

/* ---- one contact object as one NDJSON line ---- */

/* The fields wx_contact_line derives: dropped from an object that has
 * them already (a line of the cache), as they are written anew. */
static const char *const derived_keys[] = {
	"Kind", "Name", "Remark", "Event", NULL,
};

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

/* The server puts the session's skey in avatar URLs (HeadImgUrl
 * "…&skey=@crypt_…"): a secret, never printed (design.md §3).  Each
 * skey= value from byte `from` on is cut out, as batchgetcontact sends
 * them ("&skey="). */
static void
drop_skeys(struct wx_buf *b, size_t from)
{
	char *p = b->p + from, *v, *end;

	while ((p = strstr(p, "skey=")) != NULL) {
		v = p + 5;
		if (p == b->p || (p[-1] != '&' && p[-1] != '?')) {
			p = v;  /* "skey=" in a nickname is the user's text */
			continue;
		}
		for (end = v; *end && *end != '&' && *end != '"' && *end != '\\';
		     end++)
			;
		memmove(v, end, (size_t)(b->p + b->len - end) + 1);
		b->len -= (size_t)(end - v);
		p = v;
	}
}

void
wx_contact_line(struct wx_buf *b, const struct wx_json *j, int obj,
                const char *self)
{
	size_t from = b->len;

	wx_json_put_members(b, j, obj, derived_keys, 1);
	drop_skeys(b, from);
	/* No comma after the brace of an object with no member left ({},
	 * or only derived keys): "{,\"Kind\"…" is not JSON, and one such
	 * line made the whole cache unreadable (found by fuzz-contact). */
	if (b->p[b->len - 1] != '{')
		wx_buf_addc(b, ',');
	wx_buf_addf(b, "\"Kind\":\"%s\"", wx_contact_kind(j, obj, self));
	put_decoded(b, j, obj, "Name", "NickName");
	put_decoded(b, j, obj, "Remark", "RemarkName");
	wx_buf_adds(b, "}\n");
}

void
wx_contact_raw(struct wx_buf *b, const struct wx_json *j, int obj)
{
	wx_json_put_members(b, j, obj, NULL, 0);
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

struct item {                   /* a contact object: token tok of j */
	struct wx_json *j;
	int tok;
	int owned;              /* j is this item's alone: free it after */
};

struct fetch {
	struct wx_sess *s;
	const struct wx_contacts_out *out;
	struct seen seen;
	struct wx_buf line;
	struct item room[BATCH];  /* rooms waiting for their members */
	int nroom;
};

static void
item_done(struct item *it)
{
	if (it->owned)
		wx_json_free(it->j);
}

/* Write contact obj of j. */
static int
emit(struct fetch *f, const struct wx_json *j, int obj)
{
	wx_buf_reset(&f->line);
	if (f->out->raw)
		wx_contact_raw(&f->line, j, obj);
	else
		wx_contact_line(&f->line, j, obj, f->s->username);
	return f->out->emit(f->out->arg, f->line.p, f->line.len,
	                    wx_contact_kind(j, obj, f->s->username));
}

/* webwxbatchgetcontact's answer: its ContactList left as text, the
 * UserName of each of its contacts in user. */
struct answer {
	struct wx_json_big big;
	struct wx_buf text;
	char **user;
	size_t nuser;
};

/* wx_json_parse_big's seen: contact k's UserName (a second call for k,
 * after a split that failed, replaces the first). */
static void
see_user(void *arg, size_t k, const struct wx_json *j, int tok)
{
	struct answer *a = arg;

	if (k < a->nuser) {
		free(a->user[k]);
	} else {
		a->user = wx_realloc(a->user, (k + 1) * sizeof *a->user);
		a->nuser = k + 1;
	}
	a->user[k] = wx_json_getstr(j, tok, "UserName");
}

/* The first contact of the answer named like it, or -1. */
static long
find_in(const struct answer *a, const struct item *it)
{
	char *u = wx_json_getstr(it->j, it->tok, "UserName");
	long found = -1;
	size_t k;

	for (k = 0; u && found < 0 && k < a->big.n; k++)
		if (a->user[k] && strcmp(u, a->user[k]) == 0)
			found = (long)k;
	free(u);
	return found;
}

/* Contact k of the answer, parsed alone for the time it is written. */
static int
emit_answer(struct fetch *f, const struct answer *a, size_t k)
{
	const struct wx_span *e = &a->big.el[k];
	struct wx_json *j = wx_json_parse(a->text.p + e->at, e->len, NULL, 0);
	int rc = j ? emit(f, j, 0) : WX_EXIT_TEMP;

	wx_json_free(j);
	return rc;
}

static void
answer_free(struct answer *a)
{
	size_t k;

	for (k = 0; k < a->nuser; k++)
		free(a->user[k]);
	free(a->user);
	free(a->big.el);
	wx_buf_free(&a->text);
}

static void
batch_body(const struct fetch *f, struct wx_buf *body)
{
	char *u;
	int i;

	wx_sess_body(f->s, body);
	wx_buf_addf(body, ",\"Count\":%d,\"List\":[", f->nroom);
	for (i = 0; i < f->nroom; i++) {
		u = wx_json_getstr(f->room[i].j, f->room[i].tok, "UserName");
		wx_buf_adds(body, i ? ",{\"UserName\":" : "{\"UserName\":");
		wx_json_put_strz(body, u ? u : "");
		wx_buf_adds(body, ",\"EncryChatRoomId\":\"\"}");
		free(u);
	}
	wx_buf_adds(body, "]}");
}

/* webwxbatchgetcontact for the waiting rooms: each is written as that
 * answer has it (members, MemberCount, EncryChatRoomId filled), or as
 * listed when the answer lacks it.  The answer's contacts are parsed one
 * at a time: all 50 rooms of 500 members at once are 600,000 tokens. */
static int
flush_rooms(struct fetch *f)
{
	struct answer a = {{"ContactList", see_user, NULL, NULL, 0}, {0}, NULL, 0};
	struct wx_buf body = {0};
	struct wx_json *rest = NULL;
	char *query;
	long c;
	int i, rc = 0;

	a.big.arg = &a;
	if (f->nroom > 0) {
		batch_body(f, &body);
		query = wx_asprintf("type=ex&r=%lld&lang=zh_CN&pass_ticket=%s",
		                    wx_now_ms(), f->s->pass_ticket);
		rc = wx_cgi_post_big(f->s->h, f->s->host, "webwxbatchgetcontact",
		                     query, &body, &a.big, &a.text, &rest);
		free(query);
	}
	for (i = 0; i < f->nroom; i++) {
		c = rc == 0 ? find_in(&a, &f->room[i]) : -1;
		if (rc == 0)
			rc = c >= 0 ? emit_answer(f, &a, (size_t)c) :
			     emit(f, f->room[i].j, f->room[i].tok);
		item_done(&f->room[i]);
	}
	f->nroom = 0;
	wx_json_free(rest);
	answer_free(&a);
	wx_buf_free(&body);
	return rc;
}

/* One contact: written once (by UserName); with -m a room waits for
 * its members. */
static int
take(struct fetch *f, struct item it)
{
	char *u = wx_json_getstr(it.j, it.tok, "UserName");
	int rc = 0;

	if (!u || !*u || seen_add(&f->seen, u)) {
		item_done(&it);
	} else if (f->out->members && !f->out->raw &&
	           strcmp(wx_contact_kind(it.j, it.tok, NULL), "group") == 0) {
		f->room[f->nroom++] = it;
		if (f->nroom == BATCH)
			rc = flush_rooms(f);
	} else {
		rc = emit(f, it.j, it.tok);
		item_done(&it);
	}
	free(u);
	return rc;
}

/* The contacts of one page; its rooms are done before it is freed. */
static int
page(struct fetch *f, struct wx_json *j)
{
	int list = wx_json_get(j, 0, "MemberList"), c, rc = 0;
	struct item it = {j, 0, 0};

	for (c = wx_json_first(j, list); rc == 0 && c >= 0;
	     c = wx_json_next(j, c)) {
		it.tok = c;
		rc = take(f, it);
	}
	return rc ? rc : flush_rooms(f);
}

/* The contacts of the cache of this login that no page listed: what
 * webwxinit had (rooms not saved to the address book).  Line by line:
 * the cache can be far larger than any answer. */
static int
from_cache(struct fetch *f, FILE *old)
{
	struct item it = {NULL, 0, 1};
	char *line = NULL, err[128];
	size_t cap = 0;
	ssize_t len;
	int rc = 0;

	while (rc == 0 && old && (len = getline(&line, &cap, old)) > 0)
		if ((it.j = wx_json_parse(line, (size_t)len, err, sizeof err)))
			rc = take(f, it);
	free(line);
	return rc ? rc : flush_rooms(f);
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
wx_contacts_fetch(struct wx_sess *s, const struct wx_contacts_out *out,
                  FILE *old)
{
	struct fetch f = {0};
	long long seq = 0, seqs[MAX_PAGES];
	struct wx_json *j;
	int npages = 0, rc, i;

	f.s = s;
	f.out = out;
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
	if (rc == 0 && !out->raw)
		rc = from_cache(&f, old);
	for (i = 0; i < f.nroom; i++)
		item_done(&f.room[i]);
	seen_free(&f.seen);
	wx_buf_free(&f.line);
	return rc;
}

/* ---- the cache DIR/contacts ---- */

/* Its first line: whose address book, of which login (the account's
 * UserName changes at every login, and the cache's UserNames with it),
 * when, and whether it is partial: only the chats webwxinit listed. */
static void
cache_header(FILE *f, const char *uin, const char *user, int partial)
{
	struct wx_buf h = {0};

	wx_buf_adds(&h, "{\"Cache\":\"wx-contacts\",\"Uin\":");
	wx_json_put_strz(&h, uin);
	wx_buf_adds(&h, ",\"User\":");
	wx_json_put_strz(&h, user);
	wx_buf_addf(&h, ",\"Time\":%lld%s}\n", wx_now_ms() / 1000,
	            partial ? ",\"Partial\":true" : "");
	fwrite(h.p, 1, h.len, f);
	wx_buf_free(&h);
}

/* A file open for reading, when it is a regular one; else NULL. */
static FILE *
open_file(const char *path)
{
	int fd = wx_open_regular(path, O_RDONLY);
	FILE *f = fd < 0 ? NULL : fdopen(fd, "rb");

	if (fd >= 0 && !f)
		close(fd);
	return f;
}

struct wx_contacts *
wx_contacts_read(const char *dir, const char *user, const char *const *names)
{
	char *path = wx_asprintf("%s/contacts", dir), err[256];
	FILE *f = open_file(path);
	struct wx_contacts *cs = NULL;

	if (f)
		cs = wx_contacts_load(f, names, err, sizeof err);
	if (cs && user && strcmp(wx_contacts_user(cs), user) != 0) {
		wx_contacts_free(cs);
		cs = NULL;
	}
	if (f)
		fclose(f);
	free(path);
	return cs;
}

struct tee {                    /* the cache being written, and out */
	struct wx_afile a;
	const struct wx_contacts_out *out;
};

static int
tee_emit(void *arg, const char *line, size_t len, const char *kind)
{
	struct tee *t = arg;

	if (fwrite(line, 1, len, t->a.f) != len) {
		wx_warn("%s:", t->a.tmp);
		return wx_exit_errno(errno);
	}
	return t->out && t->out->emit ? t->out->emit(t->out->arg, line, len,
	                                             kind) : 0;
}

/* DIR/contacts open after its header line, when it is the cache of the
 * login whose own UserName is user; else NULL. */
static FILE *
open_cache(const char *path, const char *user)
{
	FILE *f = open_file(path);
	char *line = NULL, *u = NULL, err[128];
	struct wx_json *j = NULL;
	size_t cap = 0;
	ssize_t len;

	if (f && (len = getline(&line, &cap, f)) > 0 &&
	    (j = wx_json_parse(line, (size_t)len, err, sizeof err)))
		u = wx_json_getstr(j, 0, "User");
	if (f && !(u && strcmp(u, user) == 0)) {
		fclose(f);
		f = NULL;
	}
	wx_json_free(j);
	free(line);
	free(u);
	return f;
}

int
wx_contacts_update(struct wx_sess *s, const struct wx_contacts_out *out)
{
	struct wx_contacts_out how = {0};
	char *path = wx_asprintf("%s/contacts", s->dir);
	FILE *old = open_cache(path, s->username);
	struct tee t = {{0}, out};
	int rc;

	if (wx_afile_open(&t.a, path, 0600) < 0)
		wx_die(wx_exit_errno(errno), "%s:", path);
	cache_header(t.a.f, s->uin, s->username, 0);
	how.members = out && out->members;
	how.emit = tee_emit;
	how.arg = &t;
	rc = wx_contacts_fetch(s, &how, old);
	if (rc == 0)
		wx_session_commit_file(s->dir, NULL, s->h, &t.a);
	else
		wx_afile_abort(&t.a);
	if (old)
		fclose(old);
	free(path);
	return rc;
}

struct wx_contacts *
wx_contacts_get(struct wx_sess *s, const char *const *names)
{
	struct wx_contacts *cs = wx_contacts_read(s->dir, s->username, names);
	int rc;

	/* wx-init's cache lacks whom webwxinit did not list: a name not
	 * there may still be a contact. */
	if (cs && !wx_contacts_partial(cs))
		return cs;
	wx_contacts_free(cs);
	if ((rc = wx_contacts_update(s, NULL)) != 0)
		exit(rc);
	if (!(cs = wx_contacts_read(s->dir, s->username, names)))
		wx_die(WX_EXIT_TEMP, "%s/contacts: cannot be read back", s->dir);
	return cs;
}

void
wx_contacts_start(const char *dir, const struct wx_state *changes,
                  struct wx_http *h, const struct wx_json *j, int list,
                  const char *uin, const char *user)
{
	char *path = wx_asprintf("%s/contacts", dir);
	struct wx_buf line = {0};
	struct wx_afile a;
	int c;

	if (wx_afile_open(&a, path, 0600) < 0)
		wx_die(wx_exit_errno(errno), "%s:", path);
	cache_header(a.f, uin, user, 1);
	/* The account itself first: no list of the server names it. */
	wx_contact_line(&line, j, wx_json_get(j, 0, "User"), user);
	fwrite(line.p, 1, line.len, a.f);
	for (c = wx_json_first(j, list); c >= 0; c = wx_json_next(j, c)) {
		wx_buf_reset(&line);
		wx_contact_line(&line, j, c, user);
		fwrite(line.p, 1, line.len, a.f);
	}
	wx_session_commit_file(dir, changes, h, &a);
	wx_buf_free(&line);
	free(path);
}

/* ---- a batch of wx-sync's contact changes ---- */

/* The last change of user among ch (a later one wins), or NULL. */
static const struct wx_contacts_change *
change_of(const struct wx_contacts_change *ch, size_t n, const char *user)
{
	size_t k;

	for (k = n; k-- > 0;)
		if (strcmp(ch[k].user, user) == 0)
			return &ch[k];
	return NULL;
}

/* The new cache into f: the header of old (the cache, back at its
 * start; cs its contacts, as wx_contacts_load read them), its contacts
 * no change names, then each changed contact's newest line (removed
 * ones: none).  A line at a time: old may be far larger than a change.
 * The k-th non-empty line after the header is contact k of cs (the
 * file is the one cs was read from: caches are renamed over, never
 * rewritten in place). */
static void
write_changed(FILE *f, FILE *old, const struct wx_contacts *cs,
              const struct wx_contacts_change *ch, size_t n)
{
	size_t cap = 0, len, lineno, i = 0, k;
	char *line = NULL;
	ssize_t got;

	for (lineno = 1; (got = getline(&line, &cap, old)) > 0; lineno++) {
		len = (size_t)got - (line[got - 1] == '\n');
		if (lineno > 1 && (len == 0 || i >= wx_contacts_count(cs) ||
		                   change_of(ch, n, wx_contacts_username(cs, i++))))
			continue;
		/* A cache of the header alone may lack the final LF; its
		 * changes were dropped (found by fuzz-cache). */
		fwrite(line, 1, len, f);
		fputc('\n', f);
	}
	free(line);
	for (k = 0; k < n; k++)
		if (change_of(ch, n, ch[k].user) == &ch[k] && ch[k].line)
			fwrite(ch[k].line, 1, ch[k].len, f);
}

int
wx_contacts_apply(const char *dir, const char *user,
                  const struct wx_contacts_change *ch, size_t n)
{
	char *path = wx_asprintf("%s/contacts", dir), err[256];
	FILE *old = n > 0 ? open_file(path) : NULL;
	struct wx_contacts *cs = NULL;
	struct wx_afile a;
	int rc = 0;

	if (old)
		cs = wx_contacts_load(old, NULL, err, sizeof err);
	if (cs && strcmp(wx_contacts_user(cs), user) == 0 &&
	    fseek(old, 0, SEEK_SET) == 0 &&
	    (rc = wx_afile_open(&a, path, 0600)) == 0) {
		write_changed(a.f, old, cs, ch, n);
		wx_remove_stale_temps(path);
		rc = wx_afile_commit(&a);
	}
	wx_contacts_free(cs);
	if (old)
		fclose(old);
	free(path);
	return rc;
}

int
wx_contacts_edit(const char *dir, const char *self, const char *user,
                 int (*edit)(void *arg, const char *line, size_t len,
                             struct wx_buf *out), void *arg)
{
	const char *names[] = { user, NULL };
	struct wx_contacts *cs = wx_contacts_read(dir, self, names);
	struct wx_contacts_change c = { user, NULL, 0 };
	struct wx_buf b = {0};
	const char *line;
	size_t i, len;
	int rc = 0, e;

	if (cs && wx_contacts_find(cs, user, &i) == 0) {
		line = wx_contacts_line(cs, i, &len);
		if ((e = edit(arg, line, len, &b)) >= 0) {
			c.line = e == 0 ? b.p : NULL;
			c.len = e == 0 ? b.len : 0;
			if (wx_contacts_apply(dir, self, &c, 1) < 0) {
				wx_warn("%s/contacts:", dir);
				rc = wx_exit_errno(errno);
			}
		}
	}
	wx_contacts_free(cs);
	wx_buf_free(&b);
	return rc;
}
