/* load.c — wx-emu -W FILE: the world read from NDJSON, one contact
 * object a line in the format wx-contacts -m prints (WeChat's own field
 * names, protocol.md §9.1, plus Kind), instead of generated from -n/-g/-m.
 * Lines are read one at a time; room members are resolved once every
 * line is in, since a member may be a contact of a later line.  Bad input
 * ends the process: "wx-emu: FILE:LINE: reason", exit 100. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "emu.h"

/* Caps, documented in wx-emu(1): any string value (decoded), a line, the
 * members of one room, the contacts of a world. */
#define LOAD_STR_MAX 32768
#define LOAD_LINE_MAX (64L << 20)
#define LOAD_MEMBERS_MAX 10000
#define LOAD_CONTACTS_MAX 1000000

struct lmember {                /* a room member as its line gave it */
	struct emu_contact c;   /* what a stranger would be */
	char *nick, *display;   /* NickName (NULL if absent), DisplayName */
};

struct lroom {                  /* a room's members, resolved at the end */
	int contact;            /* index into world.contacts */
	size_t first;           /* its first entry of loader.pm */
	int n;
	int isowner;            /* IsOwner 1: self owns it */
};

struct loader {
	const char *path;
	long line;              /* current line, 1-based */
	long selfline;          /* the self line, 0 until seen */
	int ccap, scap;         /* capacity of world.contacts, .strangers */
	struct lmember *pm;
	size_t npm, cappm;
	struct lroom *rooms;
	size_t nrooms, caprooms;
	/* UserName → contact i as i + 1, stranger i as -1 - i; 0 is free */
	int *slot;
	size_t nslot, used;
};

static _Noreturn void bad(const struct loader *L, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void
bad(const struct loader *L, const char *fmt, ...)
{
	char why[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof why, fmt, ap);
	va_end(ap);
	wx_die(WX_EXIT_USAGE, "%s:%ld: %s", L->path, L->line, why);
}

/* Grow *p (of *cap elements of size) to hold n; doubling keeps it linear. */
static void *
grow(void *p, size_t *cap, size_t n, size_t size)
{
	size_t c = *cap ? *cap : 16;

	if (n <= *cap)
		return p;
	while (c < n)
		c *= 2;
	p = wx_realloc(p, c * size);
	memset((char *)p + *cap * size, 0, (c - *cap) * size);
	*cap = c;
	return p;
}

/* ---- UserName table: duplicates and member resolution stay linear ---- */

static size_t
hash(const char *s)
{
	size_t h = 2166136261u;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

static const char *
slot_name(int v)
{
	return v > 0 ? world.contacts[v - 1].username
	             : world.strangers[-1 - v].username;
}

/* The slot of name: its entry, or the free slot where it belongs. */
static size_t
slot_find(const struct loader *L, const char *name)
{
	size_t i = hash(name) & (L->nslot - 1);

	while (L->slot[i] && strcmp(slot_name(L->slot[i]), name) != 0)
		i = (i + 1) & (L->nslot - 1);
	return i;
}

static void
slot_put(struct loader *L, int v)
{
	int *old = L->slot;
	size_t n = L->nslot, k;

	if (2 * (L->used + 1) > L->nslot) {
		L->nslot = n ? 2 * n : 1024;
		L->slot = wx_calloc(L->nslot, sizeof *L->slot);
		for (k = 0; k < n; k++)
			if (old[k])
				L->slot[slot_find(L, slot_name(old[k]))] = old[k];
		free(old);
	}
	L->slot[slot_find(L, slot_name(v))] = v;
	L->used++;
}

/* Entry for name: contact i + 1, stranger -1 - i, 0 if unknown. */
static int
slot_get(const struct loader *L, const char *name)
{
	return L->nslot ? L->slot[slot_find(L, name)] : 0;
}

/* ---- field readers: absent or null keeps the default ---- */

/* String member key of object tok into *out (replacing the default);
 * numbers are taken as their text. */
static void
get_str(const struct loader *L, const struct wx_json *j, int tok,
        const char *key, char **out)
{
	int v = wx_json_get(j, tok, key);
	enum wx_json_type t = wx_json_type(j, v);
	char *s;

	if (t == WX_JSON_NONE || t == WX_JSON_NULL)
		return;
	if (t == WX_JSON_OBJECT || t == WX_JSON_ARRAY || !(s = wx_json_str(j, v)))
		bad(L, "%s: not a string", key);
	if (strlen(s) > LOAD_STR_MAX)
		bad(L, "%s: longer than %d bytes", key, LOAD_STR_MAX);
	free(*out);
	*out = s;
}

static void
get_int(const struct loader *L, const struct wx_json *j, int tok,
        const char *key, int *out)
{
	int v = wx_json_get(j, tok, key);
	enum wx_json_type t = wx_json_type(j, v);
	long long n;

	if (t == WX_JSON_NONE || t == WX_JSON_NULL)
		return;
	if (wx_json_int(j, v, &n) < 0 || n < -2147483647LL - 1 ||
	    n > 2147483647LL)
		bad(L, "%s: not a 32-bit integer", key);
	*out = (int)n;
}

/* Uin and OwnerUin: a JSON number or string of one, 0 … 2^32-1. */
static void
get_uin(const struct loader *L, const struct wx_json *j, int tok,
        const char *key, uint32_t *out)
{
	int v = wx_json_get(j, tok, key);
	enum wx_json_type t = wx_json_type(j, v);
	uint64_t n;

	if (t == WX_JSON_NONE || t == WX_JSON_NULL)
		return;
	if (wx_json_uint64(j, v, &n) < 0 || n > 0xFFFFFFFFu)
		bad(L, "%s: not a uin (0 to 4294967295)", key);
	*out = (uint32_t)n;
}

/* UserName into a fixed array; "" when absent. */
static void
get_username(const struct loader *L, const struct wx_json *j, int tok,
             const char *what, char *out, size_t size)
{
	char *s = NULL;

	get_str(L, j, tok, "UserName", &s);
	if (!s || !*s)
		bad(L, "%sno UserName", what);
	if (strlen(s) >= size)
		bad(L, "%sUserName longer than %zu bytes", what, size - 1);
	memcpy(out, s, strlen(s) + 1);
	free(s);
}

/* The seq of a HeadImgUrl ("…?seq=123&username=…"); the skey in it is
 * of an old session, so answers build the URL again from the seq. */
static uint32_t
head_seq(const char *url)
{
	const char *p = url ? strstr(url, "seq=") : NULL;
	uint64_t v = 0;

	if (!p)
		return 0;
	for (p += 4; *p >= '0' && *p <= '9' && v <= 0xFFFFFFFFu; p++)
		v = v * 10 + (uint64_t)(*p - '0');
	return v <= 0xFFFFFFFFu ? (uint32_t)v : 0;
}

/* ---- one contact line ---- */

static const struct {
	const char *name;
	enum emu_ckind kind;
} KINDS[] = {
	{ "friend", EMU_PERSON }, { "group", EMU_ROOM }, { "public", EMU_MP },
	{ "special", EMU_SPECIAL }, { "self", EMU_SELF },
};

/* Kind as given; without one, from the UserName class (§9.4) and the
 * official-account test VerifyFlag & 8 (§9.6). */
static enum emu_ckind
line_kind(const struct loader *L, const struct wx_json *j,
          const char *user, int verifyflag)
{
	char *k = NULL;
	size_t i;

	get_str(L, j, 0, "Kind", &k);
	if (!k)
		return strncmp(user, "@@", 2) == 0 ? EMU_ROOM
		     : user[0] != '@' ? EMU_SPECIAL
		     : verifyflag & 8 ? EMU_MP : EMU_PERSON;
	for (i = 0; i < sizeof KINDS / sizeof KINDS[0]; i++)
		if (strcmp(k, KINDS[i].name) == 0) {
			free(k);
			return KINDS[i].kind;
		}
	free(k);
	bad(L, "Kind: not friend, group, public, special or self");
}

static void
str_default(char **s)
{
	if (!*s)
		*s = wx_strdup("");
}

/* Defaults of a contact of kind k before its fields are read: those of
 * the generator (world.c), so a sparse line looks like a generated one. */
static void
contact_defaults(struct emu_contact *c, enum emu_ckind k)
{
	c->kind = k;
	c->contactflag = k == EMU_SELF ? 7 : 3;
	c->verifyflag = k == EMU_MP ? 8 : 0;
	c->statues = k == EMU_ROOM;
}

/* The fields §9.1 and §9.2 share with struct emu_contact. */
static void
read_fields(const struct loader *L, const struct wx_json *j, int tok,
            struct emu_contact *c)
{
	char *url = NULL;

	get_str(L, j, tok, "NickName", &c->nickname);
	get_str(L, j, tok, "RemarkName", &c->remark);
	get_str(L, j, tok, "Signature", &c->signature);
	get_str(L, j, tok, "Alias", &c->alias);
	get_str(L, j, tok, "Province", &c->province);
	get_str(L, j, tok, "City", &c->city);
	get_str(L, j, tok, "PYInitial", &c->pyinitial);
	get_str(L, j, tok, "PYQuanPin", &c->pyquanpin);
	get_str(L, j, tok, "RemarkPYInitial", &c->rpyinitial);
	get_str(L, j, tok, "RemarkPYQuanPin", &c->rpyquanpin);
	get_str(L, j, tok, "KeyWord", &c->keyword);
	get_int(L, j, tok, "Sex", &c->sex);
	get_int(L, j, tok, "VerifyFlag", &c->verifyflag);
	get_int(L, j, tok, "ContactFlag", &c->contactflag);
	get_int(L, j, tok, "AttrStatus", &c->attrstatus);
	get_int(L, j, tok, "SnsFlag", &c->snsflag);
	get_int(L, j, tok, "Statues", &c->statues);
	get_int(L, j, tok, "StarFriend", &c->starfriend);
	get_uin(L, j, tok, "Uin", &c->uin);
	get_uin(L, j, tok, "OwnerUin", &c->owneruin);
	get_str(L, j, tok, "HeadImgUrl", &url);
	c->headseq = head_seq(url);
	free(url);
	str_default(&c->nickname);
	str_default(&c->remark);
	str_default(&c->signature);
	str_default(&c->alias);
	str_default(&c->province);
	str_default(&c->city);
	str_default(&c->pyinitial);
	str_default(&c->pyquanpin);
	str_default(&c->keyword);
}

/* One member object of a room line into L->pm. */
static void
read_member(struct loader *L, const struct wx_json *j, int tok, int k)
{
	struct lmember *m;
	char what[48];

	snprintf(what, sizeof what, "MemberList.%d: ", k);
	if (wx_json_type(j, tok) != WX_JSON_OBJECT)
		bad(L, "%snot an object", what);
	L->pm = grow(L->pm, &L->cappm, L->npm + 1, sizeof *L->pm);
	m = &L->pm[L->npm++];
	m->c.kind = EMU_PERSON;
	get_username(L, j, tok, what, m->c.username, sizeof m->c.username);
	get_str(L, j, tok, "NickName", &m->nick);
	get_str(L, j, tok, "DisplayName", &m->display);
	read_fields(L, j, tok, &m->c);
}

/* A room's MemberList (absent: no members known yet) and its owner. */
static void
read_room(struct loader *L, const struct wx_json *j, int ci)
{
	struct emu_contact *c = &world.contacts[ci];
	int list = wx_json_get(j, 0, "MemberList");
	struct lroom *r;
	char *encry = NULL;
	int e, k = 0, isowner = 0;

	get_str(L, j, 0, "EncryChatRoomId", &encry);
	if (encry && strlen(encry) >= sizeof c->encry)
		bad(L, "EncryChatRoomId: longer than %zu bytes",
		    sizeof c->encry - 1);
	if (encry && *encry)
		memcpy(c->encry, encry, strlen(encry) + 1);
	else {          /* batch answers need one (§5.4): a seeded one */
		c->encry[0] = '@';
		emu_randstr(c->encry + 1, 32, "0123456789abcdef");
	}
	free(encry);
	get_str(L, j, 0, "ChatRoomOwner", &c->topic_owner);
	get_int(L, j, 0, "IsOwner", &isowner);
	L->rooms = grow(L->rooms, &L->caprooms, L->nrooms + 1, sizeof *L->rooms);
	r = &L->rooms[L->nrooms++];
	r->contact = ci;
	r->first = L->npm;
	r->isowner = isowner;
	if (wx_json_type(j, list) == WX_JSON_NONE ||
	    wx_json_type(j, list) == WX_JSON_NULL)
		return;
	if (wx_json_type(j, list) != WX_JSON_ARRAY)
		bad(L, "MemberList: not an array");
	if (wx_json_count(j, list) > LOAD_MEMBERS_MAX)
		bad(L, "MemberList: more than %d members", LOAD_MEMBERS_MAX);
	for (e = wx_json_first(j, list); e >= 0; e = wx_json_next(j, e))
		read_member(L, j, e, k++);
	r->n = k;
}

/* Listed by webwxgetcontact: as the generator does, friends and official
 * accounts always, self never, specials and rooms unless ContactFlag is 0
 * (how fmessage, newsapp and rooms only met in init are flagged). */
static int
is_saved(const struct emu_contact *c)
{
	switch (c->kind) {
	case EMU_PERSON:
	case EMU_MP: return 1;
	case EMU_SELF: return 0;
	default: return c->contactflag != 0;
	}
}

/* Self goes to world.contacts[0], the others in file order after it. */
static int
contact_slot(struct loader *L, enum emu_ckind kind)
{
	size_t cap = (size_t)L->ccap;

	if (kind == EMU_SELF) {
		if (L->selfline)
			bad(L, "a second self (the first on line %ld)",
			    L->selfline);
		L->selfline = L->line;
		return 0;
	}
	if (world.ncontacts >= LOAD_CONTACTS_MAX)
		bad(L, "more than %d contacts", LOAD_CONTACTS_MAX);
	world.contacts = grow(world.contacts, &cap,
	                      (size_t)world.ncontacts + 1, sizeof *world.contacts);
	L->ccap = (int)cap;
	return world.ncontacts++;
}

static void
read_contact(struct loader *L, const struct wx_json *j)
{
	char user[sizeof world.contacts[0].username];
	struct emu_contact *c;
	enum emu_ckind kind;
	int verifyflag = 0, ci;

	get_username(L, j, 0, "", user, sizeof user);
	get_int(L, j, 0, "VerifyFlag", &verifyflag);
	kind = line_kind(L, j, user, verifyflag);
	if (slot_get(L, user))
		bad(L, "duplicate UserName %s", user);
	ci = contact_slot(L, kind);
	c = &world.contacts[ci];
	memcpy(c->username, user, sizeof user);
	contact_defaults(c, kind);
	read_fields(L, j, 0, c);
	c->saved = is_saved(c);
	if (kind == EMU_SELF) {
		if (!c->uin)    /* a session needs a uin: a seeded one */
			c->uin = 1000000000u + (uint32_t)(emu_rand() % 3000000000u);
		if (!c->headseq)
			c->headseq = 1000000000u +
			             (uint32_t)(emu_rand() % 100000000u);
	}
	slot_put(L, ci + 1);
	if (kind == EMU_ROOM)
		read_room(L, j, ci);
}

/* Blank lines and the cache header ({"Cache":…} without UserName) are
 * skipped; anything else must be a contact object. */
static void
read_line(struct loader *L, const char *text, size_t len)
{
	struct wx_json *j;
	char err[128];
	size_t i;

	while (len && (text[len - 1] == '\n' || text[len - 1] == '\r'))
		len--;          /* so that byte offsets of errors stay in line */
	for (i = 0; i < len && strchr(" \t", text[i]); i++)
		;
	if (i == len)
		return;
	if (!(j = wx_json_parse(text, len, err, sizeof err)))
		bad(L, "not JSON: %s", err);
	if (wx_json_type(j, 0) != WX_JSON_OBJECT)
		bad(L, "not an object");
	if (wx_json_get(j, 0, "Cache") < 0 || wx_json_get(j, 0, "UserName") >= 0)
		read_contact(L, j);
	wx_json_free(j);
}

/* ---- members: contacts by UserName, else strangers (one per name) ---- */

static int
stranger_of(struct loader *L, struct lmember *m)
{
	size_t cap = (size_t)L->scap;
	int i = world.nstrangers;

	world.strangers = grow(world.strangers, &cap, (size_t)i + 1,
	                       sizeof *world.strangers);
	L->scap = (int)cap;
	world.strangers[i] = m->c;
	memset(&m->c, 0, sizeof m->c);
	world.nstrangers++;
	slot_put(L, -1 - i);
	return -1 - i;
}

static void
resolve_room(struct loader *L, const struct lroom *r)
{
	struct emu_contact *c = &world.contacts[r->contact];
	const struct emu_contact *me = &world.contacts[0];
	int i, v;

	c->nmembers = r->n;
	c->members = wx_calloc((size_t)r->n, sizeof *c->members);
	c->mnick = wx_calloc((size_t)r->n, sizeof *c->mnick);
	c->mdisplay = wx_calloc((size_t)r->n, sizeof *c->mdisplay);
	for (i = 0; i < r->n; i++) {
		struct lmember *m = &L->pm[r->first + (size_t)i];

		v = slot_get(L, m->c.username);
		c->members[i] = v > 0 ? v - 1 : v < 0 ? v : stranger_of(L, m);
		c->mnick[i] = m->nick;
		c->mdisplay[i] = m->display;
		emu_contact_free(&m->c);
	}
	/* Without ChatRoomOwner: self when IsOwner or OwnerUin says so, else
	 * the first member other than self. */
	if (!c->topic_owner && (r->isowner ||
	    (c->owneruin && c->owneruin == me->uin)))
		c->topic_owner = wx_strdup(me->username);
	for (i = 0; !c->topic_owner && i < c->nmembers; i++)
		if (c->members[i] != 0 || i + 1 == c->nmembers)
			c->topic_owner = wx_strdup(emu_member(c, i)->username);
	if (!c->topic_owner)
		c->topic_owner = wx_strdup("");
}

static void
finish(struct loader *L)
{
	size_t k;

	if (!L->selfline)
		bad(L, "no line with \"Kind\":\"self\"");
	for (k = 0; k < L->nrooms; k++)
		resolve_room(L, &L->rooms[k]);
	free(L->pm);
	free(L->rooms);
	free(L->slot);
}

void
emu_load_world(const char *path)
{
	struct loader L = { .path = path };
	FILE *f = fopen(path, "r");
	char *line = NULL;
	size_t size = 0;
	ssize_t n;

	if (!f)
		wx_die(WX_EXIT_USAGE, "%s:", path);
	world.contacts = wx_calloc(1, sizeof *world.contacts);
	world.ncontacts = 1;    /* [0] is self, filled by its line */
	L.ccap = 1;
	while (L.line++, (n = getline(&line, &size, f)) >= 0) {
		if (n > LOAD_LINE_MAX)
			bad(&L, "line longer than %ld bytes", LOAD_LINE_MAX);
		read_line(&L, line, (size_t)n);
	}
	L.line--;
	if (ferror(f))
		wx_die(WX_EXIT_USAGE, "%s:", path);
	free(line);
	fclose(f);
	finish(&L);
}
