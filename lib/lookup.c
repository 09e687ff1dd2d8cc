/* lookup.c — the contacts cache (DIR/contacts, NDJSON written by
 * wx-contacts) and the recipient rules of design.md §3.
 *
 * A cache can hold 10,000 contacts and groups of 500 members, so each
 * line is parsed once, only its text is kept, and the five fields a name
 * is compared with go into sorted arrays: a lookup is a binary search,
 * not a walk over the cache.  Read from the file, a line at a time, only
 * what the reader needs is kept: the contacts some names could resolve
 * to, or every contact's names but no line (wx_contacts_load). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "wx.h"

/* The fields a recipient can name; the order of the bare-name rule after
 * F_USER (which only @names, user: and the special contacts use). */
enum field { F_USER, F_REMARK, F_NICK, F_ALIAS, F_GROUP, NFIELD };

/* What the candidate lines call each field: the prefix that names it. */
static const char *const field_name[NFIELD] = {
	"user", "remark", "nick", "alias", "group",
};

static const char *const kinds[] = {
	"friend", "group", "public", "special", "self",
};

/* Strings are offsets into wx_contacts.strs (it grows while parsing);
 * 0 is the empty string every absent field shares. */
struct contact {
	size_t off, len;          /* the line in wx_contacts.lines */
	size_t user, name, remark, alias;
	const char *kind;         /* one of kinds[] */
};

struct entry {
	const char *key;          /* the field's value */
	size_t i;                 /* contact index */
};

struct index {
	struct entry *e;
	size_t n;
};

/* A member of a group line (a cache made with wx-contacts -m): the name
 * a message from them shows, DisplayName in that group or NickName. */
struct member {
	size_t room;              /* contact index of the group */
	size_t user, name;        /* offsets into strs */
};

struct wx_contacts {
	struct wx_buf lines;      /* the lines kept, back to back */
	int no_lines;             /* keep none (wx_contacts_line gives "") */
	const char *const *names; /* reading: only note whom these name, */
	struct wx_buf *want;      /* in want (UserNames, NUL-separated); */
	int only_want;            /* or keep only the contacts want has */
	struct wx_buf strs;       /* decoded field values, NUL-separated */
	size_t uin;               /* header Uin, an offset into strs */
	size_t user;              /* header User: the login's own UserName */
	long long time;
	int partial;              /* header Partial: wx-init's first cache */
	struct contact *c;
	size_t n, cap;
	struct index idx[NFIELD]; /* sorted by key, then index */
	struct member *m;         /* sorted by room, then UserName */
	size_t nm, mcap;
};

static const char *
str(const struct wx_contacts *cs, size_t off)
{
	return cs->strs.p + off;
}

/* Store a decoded string (NULL reads as "") and return its offset. */
static size_t
keep(struct wx_contacts *cs, char *s)
{
	size_t off = cs->strs.len;

	if (!s || !*s) {
		free(s);
		return 0;
	}
	wx_buf_add(&cs->strs, s, strlen(s) + 1);
	free(s);
	return off;
}

/* A member's decoded value when it is a string; NULL for any other type,
 * so a number or null never compares equal to a name. */
static char *
member_str(const struct wx_json *j, int obj, const char *key)
{
	int t = wx_json_get(j, obj, key);

	return wx_json_type(j, t) == WX_JSON_STRING ? wx_json_str(j, t) : NULL;
}

static const char *
kind_of(const char *s)
{
	size_t k;

	for (k = 0; k < sizeof kinds / sizeof *kinds; k++)
		if (strcmp(s, kinds[k]) == 0)
			return kinds[k];
	return NULL;
}

/* The header line: only "Cache" is required; Uin may be a string or a
 * number, both kept as text. */
static const char *
parse_header(struct wx_contacts *cs, const struct wx_json *j)
{
	char *cache = member_str(j, 0, "Cache");
	int ok = cache && strcmp(cache, "wx-contacts") == 0;
	int t = wx_json_get(j, 0, "Uin");

	free(cache);
	if (!ok)
		return "not a wx-contacts header";
	if (wx_json_type(j, t) == WX_JSON_STRING ||
	    wx_json_type(j, t) == WX_JSON_NUMBER)
		cs->uin = keep(cs, wx_json_str(j, t));
	t = wx_json_get(j, 0, "User");
	if (wx_json_type(j, t) == WX_JSON_STRING)
		cs->user = keep(cs, wx_json_str(j, t));
	if (wx_json_int(j, wx_json_get(j, 0, "Time"), &cs->time) < 0)
		cs->time = 0;
	cs->partial = wx_json_type(j, wx_json_get(j, 0, "Partial")) == WX_JSON_TRUE;
	return NULL;
}

/* A member's name as a message shows it: DisplayName, else NickName,
 * decoded (the cache keeps them in the server's form). */
static size_t
member_name(struct wx_contacts *cs, const struct wx_json *j, int mem)
{
	char *v = member_str(j, mem, "DisplayName"), *text;

	if (!v || !*v) {
		free(v);
		v = member_str(j, mem, "NickName");
	}
	if (!v)
		return 0;
	text = wx_text_decode(v, strlen(v));
	free(v);
	return keep(cs, text);
}

/* The MemberList of group `room` into cs->m. */
static void
keep_members(struct wx_contacts *cs, const struct wx_json *j, size_t room)
{
	int list = wx_json_get(j, 0, "MemberList"), mem, t;

	if (wx_json_type(j, list) != WX_JSON_ARRAY)
		return;
	for (mem = wx_json_first(j, list); mem >= 0; mem = wx_json_next(j, mem)) {
		t = wx_json_get(j, mem, "UserName");
		if (wx_json_type(j, t) != WX_JSON_STRING)
			continue;
		if (cs->nm == cs->mcap) {
			cs->mcap = cs->mcap ? cs->mcap * 2 : 256;
			cs->m = wx_realloc(cs->m, cs->mcap * sizeof *cs->m);
		}
		cs->m[cs->nm].room = room;
		cs->m[cs->nm].user = keep(cs, wx_json_str(j, t));
		cs->m[cs->nm].name = member_name(cs, j, mem);
		cs->nm++;
	}
}

/* Does v (a UserName) appear among the NUL-separated strings of w? */
static int
listed(const struct wx_buf *w, const char *v)
{
	size_t at;

	for (at = 0; at < w->len; at += strlen(w->p + at) + 1)
		if (strcmp(w->p + at, v) == 0)
			return 1;
	return 0;
}

/* What a recipient asks for: value in field f, or (bare) in the first of
 * the bare-name fields that has it; literal for @names and user:. */
struct query {
	const char *value;
	enum field f;
	int bare, literal;
};

static void parse_query(const char *name, struct query *q);

/* Could one of cs->names resolve to contact c?  Only when a field of c
 * holds the value the name asks for (lookup compares nothing else). */
static int
named(const struct wx_contacts *cs, const struct contact *c)
{
	const char *const *n;
	struct query q;

	for (n = cs->names; *n; n++) {
		parse_query(*n, &q);
		if (q.value[0] && (strcmp(str(cs, c->user), q.value) == 0 ||
		    strcmp(str(cs, c->name), q.value) == 0 ||
		    strcmp(str(cs, c->remark), q.value) == 0 ||
		    strcmp(str(cs, c->alias), q.value) == 0))
			return 1;
	}
	return 0;
}

/* Is contact c one to keep?  While names are looked for, none is: the
 * UserName of each they name goes to want instead. */
static int
wanted(struct wx_contacts *cs, const struct contact *c)
{
	if (cs->names) {
		if (named(cs, c) && !listed(cs->want, str(cs, c->user)))
			wx_buf_add(cs->want, str(cs, c->user),
			           strlen(str(cs, c->user)) + 1);
		return 0;
	}
	return !cs->only_want || listed(cs->want, str(cs, c->user));
}

/* A Kind we do not know could be a group or not: refusing the cache is
 * better than resolving a name by a guess.  *kept: c is one to keep
 * (else what it put in strs is taken back). */
static const char *
parse_contact(struct wx_contacts *cs, const struct wx_json *j,
              struct contact *c, int *kept)
{
	char *user = member_str(j, 0, "UserName"), *kind = member_str(j, 0, "Kind");
	size_t mark = cs->strs.len;
	const char *why = NULL;

	if (!user || !*user)
		why = "no UserName";
	else if (!kind || !*kind)
		why = "no Kind";
	else if (!(c->kind = kind_of(kind)))
		why = "unknown Kind";
	free(kind);
	if (why) {
		free(user);
		return why;
	}
	c->user = keep(cs, user);
	c->name = keep(cs, member_str(j, 0, "Name"));
	c->remark = keep(cs, member_str(j, 0, "Remark"));
	c->alias = keep(cs, member_str(j, 0, "Alias"));
	if (!(*kept = wanted(cs, c))) {
		cs->strs.len = mark;
		cs->strs.p[mark] = '\0';
	} else if (strcmp(c->kind, "group") == 0) {
		keep_members(cs, j, cs->n);
	}
	return NULL;
}

/* Line number lineno, n bytes: NULL, or why it is malformed. */
static const char *
parse_line(struct wx_contacts *cs, size_t lineno, const char *line, size_t n)
{
	struct wx_json *j = wx_json_parse(line, n, NULL, 0);
	struct contact c = {0, 0, 0, 0, 0, 0, NULL};
	const char *why;
	int kept = 0;

	if (!j || wx_json_type(j, 0) != WX_JSON_OBJECT)
		why = "not a JSON object";
	else if (lineno == 1)
		why = parse_header(cs, j);
	else if (!(why = parse_contact(cs, j, &c, &kept)) && kept) {
		if (!cs->no_lines) {
			c.off = cs->lines.len;
			c.len = n;
			wx_buf_add(&cs->lines, line, n);
		}
		if (cs->n == cs->cap) {
			cs->cap = cs->cap ? cs->cap * 2 : 256;
			cs->c = wx_realloc(cs->c, cs->cap * sizeof *cs->c);
		}
		cs->c[cs->n++] = c;
	}
	wx_json_free(j);
	return why;
}

static int
entry_cmp(const void *a, const void *b)
{
	const struct entry *x = a, *y = b;
	int d = strcmp(x->key, y->key);

	if (d)
		return d;
	return x->i < y->i ? -1 : x->i > y->i;
}

/* The value of field f of contact i; "" when it has none.  Name counts as
 * "nick" for everything but groups and as "group" for groups. */
static const char *
field(const struct wx_contacts *cs, size_t i, enum field f)
{
	const struct contact *c = &cs->c[i];
	int group = strcmp(c->kind, "group") == 0;

	switch (f) {
	case F_USER:   return str(cs, c->user);
	case F_REMARK: return str(cs, c->remark);
	case F_NICK:   return str(cs, group ? 0 : c->name);
	case F_ALIAS:  return str(cs, c->alias);
	default:       return str(cs, group ? c->name : 0);
	}
}

/* Empty values are left out: an empty name never matches. */
static void
build_index(struct wx_contacts *cs, enum field f)
{
	struct index *x = &cs->idx[f];
	size_t i;

	x->e = wx_malloc((cs->n ? cs->n : 1) * sizeof *x->e);
	for (i = 0; i < cs->n; i++)
		if (*field(cs, i, f)) {
			x->e[x->n].key = field(cs, i, f);
			x->e[x->n++].i = i;
		}
	qsort(x->e, x->n, sizeof *x->e, entry_cmp);
}

static int
member_cmp(const void *a, const void *b, void *arg)
{
	const struct member *x = a, *y = b;
	const struct wx_contacts *cs = arg;

	if (x->room != y->room)
		return x->room < y->room ? -1 : 1;
	return strcmp(str(cs, x->user), str(cs, y->user));
}

/* Where the lines of a cache come from: a text, or a file. */
struct source {
	const char *text;
	size_t len, off;
	FILE *f;
	char *buf;
	size_t cap;
};

/* The next line, without its LF, in *line: 1, or 0 at the end. */
static int
next_line(struct source *src, const char **line, size_t *n)
{
	const char *nl;
	ssize_t got;

	if (src->f) {
		if ((got = getline(&src->buf, &src->cap, src->f)) <= 0)
			return 0;
		*line = src->buf;
		*n = (size_t)got - (src->buf[got - 1] == '\n');
		return 1;
	}
	if (src->off >= src->len)
		return 0;
	*line = src->text + src->off;
	nl = memchr(*line, '\n', src->len - src->off);
	*n = nl ? (size_t)(nl - *line) : src->len - src->off;
	src->off += *n + 1;
	return 1;
}

/* In the second pass of a lookup (only_want), a line the first pass has
 * already checked can be kept only when its UserName is a wanted one; a
 * line that holds none of them byte for byte, and no escape that could
 * spell one, is passed over unparsed: most of the cache, for one name. */
static int
cannot_be_wanted(const struct wx_contacts *cs, const char *line, size_t n)
{
	const char *w;
	size_t at;

	if (!cs->only_want || memchr(line, '\\', n))
		return 0;
	for (at = 0; at < cs->want->len; at += strlen(w) + 1) {
		w = cs->want->p + at;
		if (memmem(line, n, w, strlen(w)))
			return 0;
	}
	return 1;
}

/* Every line of src into cs, then the indices; NULL with "line N:
 * reason" in err when one is malformed. */
static struct wx_contacts *
parse_lines(struct wx_contacts *cs, struct source *src, char *err,
            size_t errlen)
{
	const char *line = "", *why = NULL;
	size_t lineno = 0, n = 0;
	int f;

	wx_buf_addc(&cs->strs, '\0');  /* offset 0: "" */
	/* Line 1 is read even from an empty text: a cache has a header. */
	while (!why && (next_line(src, &line, &n) || lineno == 0)) {
		lineno++;
		if (lineno == 1 || (n > 0 && !cannot_be_wanted(cs, line, n)))
			why = parse_line(cs, lineno, line, n);
	}
	free(src->buf);
	if (why) {
		snprintf(err, errlen, "line %zu: %s", lineno, why);
		wx_contacts_free(cs);
		return NULL;
	}
	for (f = 0; f < NFIELD; f++)
		build_index(cs, (enum field)f);
	if (cs->nm > 0)  /* qsort_r's base may not be NULL */
		qsort_r(cs->m, cs->nm, sizeof *cs->m, member_cmp, cs);
	return cs;
}

struct wx_contacts *
wx_contacts_parse(const char *text, size_t len, char *err, size_t errlen)
{
	struct source src = {text, len, 0, NULL, NULL, 0};

	return parse_lines(wx_calloc(1, sizeof (struct wx_contacts)), &src,
	                   err, errlen);
}

/* The first pass of a read with names: the UserNames they name, into
 * want; the file back at its start.  -1 with err set if it fails. */
static int
note_wanted(FILE *f, const char *const *names, struct wx_buf *want,
            char *err, size_t errlen)
{
	struct source src = {NULL, 0, 0, f, NULL, 0};
	struct wx_contacts *cs = wx_calloc(1, sizeof *cs);

	cs->names = names;
	cs->want = want;
	if (!(cs = parse_lines(cs, &src, err, errlen)))
		return -1;
	wx_contacts_free(cs);
	if (fseek(f, 0, SEEK_SET) < 0) {
		snprintf(err, errlen, "%s", wx_strerror(errno));
		return -1;
	}
	return 0;
}

/* With names, two passes: the second keeps every line of the UserNames
 * the first noted, so that wx_contacts_find still gives a UserName's
 * first line when the cache repeats it, whichever line was named. */
struct wx_contacts *
wx_contacts_load(FILE *f, const char *const *names, char *err, size_t errlen)
{
	struct source src = {NULL, 0, 0, f, NULL, 0};
	struct wx_contacts *cs = NULL;
	struct wx_buf want = {0};

	if (!names || note_wanted(f, names, &want, err, errlen) == 0) {
		cs = wx_calloc(1, sizeof *cs);
		cs->no_lines = !names;
		cs->want = &want;
		cs->only_want = names != NULL;
		if ((cs = parse_lines(cs, &src, err, errlen)))
			cs->want = NULL;  /* gone once we return */
	}
	wx_buf_free(&want);
	return cs;
}

void
wx_contacts_free(struct wx_contacts *cs)
{
	int f;

	if (!cs)
		return;
	for (f = 0; f < NFIELD; f++)
		free(cs->idx[f].e);
	free(cs->m);
	free(cs->c);
	wx_buf_free(&cs->strs);
	wx_buf_free(&cs->lines);
	free(cs);
}

const char *
wx_contacts_uin(const struct wx_contacts *cs)
{
	return str(cs, cs->uin);
}

const char *
wx_contacts_user(const struct wx_contacts *cs)
{
	return str(cs, cs->user);
}

long long
wx_contacts_time(const struct wx_contacts *cs)
{
	return cs->time;
}

int
wx_contacts_partial(const struct wx_contacts *cs)
{
	return cs->partial;
}

size_t
wx_contacts_count(const struct wx_contacts *cs)
{
	return cs->n;
}

const char *
wx_contacts_username(const struct wx_contacts *cs, size_t i)
{
	return str(cs, cs->c[i].user);
}

const char *
wx_contacts_kind(const struct wx_contacts *cs, size_t i)
{
	return cs->c[i].kind;
}

const char *
wx_contacts_line(const struct wx_contacts *cs, size_t i, size_t *len)
{
	*len = cs->c[i].len;
	return *len ? cs->lines.p + cs->c[i].off : "";
}

/* The run of entries of field f whose key is v: *first and the count. */
static size_t find(const struct wx_contacts *cs, enum field f, const char *v,
                   size_t *first);

int
wx_contacts_find(const struct wx_contacts *cs, const char *user, size_t *i)
{
	size_t first;

	if (!user || !*user || find(cs, F_USER, user, &first) == 0)
		return -1;
	*i = cs->idx[F_USER].e[first].i;
	return 0;
}

const char *
wx_contacts_name(const struct wx_contacts *cs, size_t i)
{
	const struct contact *c = &cs->c[i];

	return str(cs, c->remark ? c->remark : c->name);
}

const char *
wx_contacts_member(const struct wx_contacts *cs, size_t room,
                   const char *user)
{
	size_t lo = 0, hi = cs->nm;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct member *m = &cs->m[mid];
		int d = m->room != room ? (m->room < room ? -1 : 1)
		                        : strcmp(str(cs, m->user), user);
		if (d == 0)
			return str(cs, m->name);
		if (d < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return "";
}

/* The run of entries of field f whose key is v: *first and the count. */
static size_t
find(const struct wx_contacts *cs, enum field f, const char *v,
     size_t *first)
{
	const struct index *x = &cs->idx[f];
	size_t lo = 0, hi = x->n, end;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (strcmp(x->e[mid].key, v) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (end = lo; end < x->n && strcmp(x->e[end].key, v) == 0; end++)
		;
	*first = lo;
	return end - lo;
}

static const struct {
	const char *prefix;
	enum field f;
} prefixes[] = {
	{"user:", F_USER}, {"remark:", F_REMARK}, {"nick:", F_NICK},
	{"alias:", F_ALIAS}, {"group:", F_GROUP},
};

static void
parse_query(const char *name, struct query *q)
{
	size_t k, n;

	q->value = name;
	q->f = F_USER;
	q->bare = q->literal = 0;
	for (k = 0; k < sizeof prefixes / sizeof *prefixes; k++) {
		n = strlen(prefixes[k].prefix);
		if (strncmp(name, prefixes[k].prefix, n) == 0) {
			q->value = name + n;
			q->f = prefixes[k].f;
			q->literal = q->f == F_USER;
			return;
		}
	}
	if (name[0] == '@')
		q->literal = 1;
	else
		q->bare = 1;
}

/* Hits of field f into out (room for every entry of f); with special,
 * only contacts of Kind special. */
static size_t
collect(const struct wx_contacts *cs, enum field f, const char *v,
        int special, struct entry *out)
{
	size_t first, n = find(cs, f, v, &first), k, got = 0;
	const struct entry *e = cs->idx[f].e + first;

	for (k = 0; k < n; k++)
		if (!special || strcmp(cs->c[e[k].i].kind, "special") == 0) {
			out[got].key = wx_contacts_username(cs, e[k].i);
			out[got++].i = e[k].i;
		}
	return got;
}

static int
index_cmp(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;

	return x < y ? -1 : x > y;
}

/* Hits are one recipient per UserName: a contact the cache repeats
 * (the server lists some twice) counts once, as its first matching line.
 * Sorted by UserName, then index, keep the first of each run. */
static size_t
distinct(struct entry *hit, size_t n, size_t **out)
{
	size_t k, got = 0;

	qsort(hit, n, sizeof *hit, entry_cmp);
	*out = wx_malloc((n ? n : 1) * sizeof **out);
	for (k = 0; k < n; k++)
		if (k == 0 || strcmp(hit[k].key, hit[k - 1].key) != 0)
			(*out)[got++] = hit[k].i;
	qsort(*out, got, sizeof **out, index_cmp);
	return got;
}

/* A bare name: a special contact's UserName, else the first field, in
 * the order of enum field, that holds it decides, even when a later one
 * would have found a single contact. */
static size_t
lookup_bare(const struct wx_contacts *cs, struct query *q, struct entry *hit)
{
	size_t n = collect(cs, F_USER, q->value, 1, hit);
	int f;

	if (n > 0)
		return n;  /* one UserName: distinct() makes it one contact */
	for (f = F_REMARK; f < NFIELD; f++)
		if ((n = collect(cs, (enum field)f, q->value, 0, hit)) > 0) {
			q->f = (enum field)f;
			return n;
		}
	return 0;
}

/* The rules of design.md §3; q tells the caller what was asked. */
static size_t
lookup(const struct wx_contacts *cs, const char *name, size_t **out,
       struct query *q)
{
	struct entry *hit = wx_malloc((cs->n ? cs->n : 1) * sizeof *hit);
	size_t n = 0;

	parse_query(name, q);
	if (q->value[0])
		n = q->bare ? lookup_bare(cs, q, hit) :
		    collect(cs, q->f, q->value, 0, hit);
	n = distinct(hit, n, out);
	free(hit);
	return n;
}

size_t
wx_contacts_match(const struct wx_contacts *cs, const char *name,
                  size_t **out)
{
	struct query q;

	return lookup(cs, name, out, &q);
}

/* "  USERNAME KIND field=value …": every field the query looked at that
 * holds the value, so the user sees which prefix would tell them apart. */
static void
warn_candidate(const struct wx_contacts *cs, size_t i, const struct query *q)
{
	struct wx_buf b = {0};
	int f, from = q->bare ? F_REMARK : (int)q->f;
	int to = q->bare ? NFIELD - 1 : (int)q->f;

	wx_buf_add(&b, "", 0);
	for (f = from; f <= to; f++)
		if (strcmp(field(cs, i, (enum field)f), q->value) == 0)
			wx_buf_addf(&b, " %s=%s", field_name[f], q->value);
	wx_warn("  %s %s%s", wx_contacts_username(cs, i), cs->c[i].kind, b.p);
	wx_buf_free(&b);
}

const char *
wx_name_username(const char *name)
{
	struct query q;

	parse_query(name, &q);
	return q.literal && q.value[0] ? q.value : NULL;
}

int
wx_contacts_resolve(const struct wx_contacts *cs, const char *name,
                    const char **username)
{
	struct query q;
	size_t *hit, n = lookup(cs, name, &hit, &q), k;

	*username = NULL;
	if ((q.literal && q.value[0]) || n == 1)
		*username = q.literal ? q.value : wx_contacts_username(cs, hit[0]);
	else if (n == 0)
		wx_warn("%s: no contact of that name", name);
	else {
		/* The ':' as an argument: wx_warn would append strerror to
		 * a format ending in one. */
		wx_warn("%s: %zu contacts match; name one of them exactly%s",
		        name, n, ":");
		for (k = 0; k < n; k++)
			warn_candidate(cs, hit[k], &q);
	}
	free(hit);
	return *username ? 0 : WX_EXIT_REFUSED;
}
