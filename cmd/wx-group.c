/* wx-group — rename a group, add or remove members, leave it, with one
 * webwxupdatechatroom (protocol.md §10.4): fun=modtopic (NewTopic),
 * addmember (AddMemberList) or, once the group would have 40 members or
 * more (RC's rule), invitemember (InviteMemberList), delmember
 * (DelMemberList; the server refuses unless the account owns the group),
 * quitchatroom (RC: no list).  -c creates one with webwxcreatechatroom
 * (§10.3), which the web protocol has refused since 2018.
 * GROUP and NAMEs are resolved by the contacts cache DIR/contacts (made
 * first when there is none); GROUP must be a group, an added NAME a
 * friend.  Each call takes one slot of the rate limit senders share
 * (DIR/rate, WX_RATE).  Once the server took it, the group's line in the
 * cache gets the new NickName, the added or removed members (only when
 * its MemberList is complete, i.e. as long as MemberCount; else wx-sync's
 * modcontact line brings it), or goes (quit), under the session lock.
 * Prints nothing, but -c prints the new group's UserName. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "wx.h"

/* The longest topic, in characters (wx-group's own cap: the protocol
 * names none). */
#define TOPIC_MAX 100
/* From this many members on (existing + new), invitemember (RC's rule,
 * protocol.md §10.4). */
#define INVITE_AT 40

enum op { OP_TOPIC, OP_ADD, OP_DEL, OP_QUIT };

struct change {
	const char *dir, *self, *room;
	enum op op;
	const char *topic;          /* OP_TOPIC: plain text */
	char **users;               /* OP_ADD, OP_DEL: UserNames */
	int nusers;
	struct wx_json *answer;     /* the server's answer (added members) */
};

static int
listed(const struct change *ch, const char *user)
{
	int i;

	for (i = 0; i < ch->nusers; i++)
		if (strcmp(ch->users[i], user) == 0)
			return 1;
	return 0;
}

/* Object tok of j appended as its source text. */
static void
put_raw(struct wx_buf *b, const struct wx_json *j, int tok, int *n)
{
	size_t len;
	const char *p = wx_json_raw(j, tok, &len);

	if (*n)
		wx_buf_addc(b, ',');
	wx_buf_add(b, p, len);
	++*n;
}

/* The group's line (len bytes) changed by ch, into out; 1 when there is
 * nothing simple to change (an incomplete MemberList), -1 when it is no
 * JSON. */
static int
new_line(const struct change *ch, const char *line, size_t len,
         struct wx_buf *out)
{
	static const char *const skip[] = {
		"NickName", "MemberCount", "MemberList", "Kind", "Name",
		"Remark", "Event", NULL,
	};
	struct wx_json *j = wx_json_parse(line, len, NULL, 0), *k = NULL;
	struct wx_buf b = {0}, enc = {0};
	long long count = 0;
	int list, tok, n = 0, rc = -1;
	char *nick, *u;

	if (!j)
		return -1;
	list = wx_json_get(j, 0, "MemberList");
	wx_json_int(j, wx_json_get(j, 0, "MemberCount"), &count);
	if (ch->op != OP_TOPIC && (wx_json_type(j, list) != WX_JSON_ARRAY ||
	    count != wx_json_count(j, list) || count == 0)) {
		wx_json_free(j);
		return 1;
	}
	wx_json_put_members(&b, j, 0, skip, 1);
	wx_buf_adds(&b, ",\"NickName\":");
	if (ch->op == OP_TOPIC) {
		wx_text_encode(&enc, ch->topic, strlen(ch->topic));
		wx_json_put_str(&b, enc.p ? enc.p : "", enc.len);
	} else {
		nick = wx_json_getstr(j, 0, "NickName");
		wx_json_put_strz(&b, nick ? nick : "");
		free(nick);
	}
	if (wx_json_type(j, list) == WX_JSON_ARRAY) {
		struct wx_buf m = {0};
		for (tok = wx_json_first(j, list); tok >= 0;
		     tok = wx_json_next(j, tok)) {
			u = wx_json_getstr(j, tok, "UserName");
			if (!(ch->op == OP_DEL && u && listed(ch, u)))
				put_raw(&m, j, tok, &n);
			free(u);
		}
		if (ch->op == OP_ADD && ch->answer) {
			const struct wx_json *a = ch->answer;
			int al = wx_json_get(a, 0, "MemberList"), t, seen, i;
			for (t = wx_json_first(a, al); t >= 0; t = wx_json_next(a, t)) {
				u = wx_json_getstr(a, t, "UserName");
				seen = !u;
				for (i = wx_json_first(j, list); u && !seen && i >= 0;
				     i = wx_json_next(j, i)) {
					char *v = wx_json_getstr(j, i, "UserName");
					seen = v && strcmp(u, v) == 0;
					free(v);
				}
				if (!seen)
					put_raw(&m, a, t, &n);
				free(u);
			}
		}
		wx_buf_addf(&b, ",\"MemberCount\":%d,\"MemberList\":[", n);
		if (m.len)
			wx_buf_add(&b, m.p, m.len);
		wx_buf_addc(&b, ']');
		wx_buf_free(&m);
	}
	wx_buf_addc(&b, '}');
	if ((k = wx_json_parse(b.p, b.len, NULL, 0))) {
		wx_contact_line(out, k, 0, ch->self);
		rc = 0;
	}
	wx_json_free(k);
	wx_json_free(j);
	wx_buf_free(&b);
	wx_buf_free(&enc);
	return rc;
}

/* The group's line changed, or (quit) removed: wx_contacts_edit. */
static int
edit(void *arg, const char *line, size_t len, struct wx_buf *out)
{
	const struct change *ch = arg;

	if (ch->op == OP_QUIT)
		return 1;
	/* new_line's 1 (nothing simple to change) leaves the line too */
	return new_line(ch, line, len, out) == 0 ? 0 : -1;
}

/* Under the session lock: the group's line of the cache as it is now,
 * changed (or removed: quit). */
static int
record(void *arg)
{
	const struct change *ch = arg;

	return wx_contacts_edit(ch->dir, ch->self, ch->room, edit, arg);
}

/* NAME of the cache as a UserName (malloc'd) of kind kind (NULL: any);
 * else exit 1. */
static char *
resolve(struct wx_sess *s, struct wx_contacts *cs, const char *name,
        const char *kind, const char *what)
{
	const char *user;
	size_t i;
	int rc;

	if ((rc = wx_contacts_resolve(cs, name, &user)) != 0)
		exit(rc);
	if (kind && (wx_contacts_find(cs, user, &i) < 0 ||
	    strcmp(wx_contacts_kind(cs, i), kind) != 0))
		wx_die(WX_EXIT_REFUSED, "%s: %s", name, wx_contacts_find(cs,
		       user, &i) < 0 ? wx_asprintf("not in %s/contacts", s->dir)
		       : wx_asprintf("not a %s but a %s", what,
		                     wx_contacts_kind(cs, i)));
	return wx_strdup(user);
}

/* Members the cache knows group i to have (its MemberList, else its
 * MemberCount; 0 when neither). */
static long long
members_of(const struct wx_contacts *cs, size_t i)
{
	size_t len;
	const char *line = wx_contacts_line(cs, i, &len);
	struct wx_json *j = wx_json_parse(line, len, NULL, 0);
	long long n = 0, c = 0;

	if (j) {
		n = wx_json_count(j, wx_json_get(j, 0, "MemberList"));
		wx_json_int(j, wx_json_get(j, 0, "MemberCount"), &c);
	}
	wx_json_free(j);
	return c > n ? c : n;
}

static int
post(struct wx_sess *s, const char *cgi, const char *query,
     struct wx_buf *b, struct wx_json **j)
{
	long long ret;
	int rc;

	wx_rate_turn(s->dir);
	rc = wx_cgi_post_ret(s->h, s->host, cgi, query, b, j, &ret);
	if (rc != 0 && *j)
		wx_session_commit(s->dir, NULL, s->h);
	return rc;
}

static void
put_list(struct wx_buf *b, const char *key, char **users, int n)
{
	struct wx_buf l = {0};
	int i;

	for (i = 0; i < n; i++) {
		if (i)
			wx_buf_addc(&l, ',');
		wx_buf_adds(&l, users[i]);
	}
	wx_buf_addf(b, ",\"%s\":", key);
	wx_json_put_str(b, l.p ? l.p : "", l.len);
	wx_buf_free(&l);
}

static int
update(struct wx_sess *s, struct change *ch, long long have)
{
	static const char *const funs[] = {
		"modtopic", "addmember", "delmember", "quitchatroom",
	};
	const char *fun = funs[ch->op];
	struct wx_buf b = {0};
	struct wx_json *j = NULL;
	char *query;
	int rc;

	if (ch->op == OP_ADD && have + ch->nusers >= INVITE_AT)
		fun = "invitemember";
	query = wx_asprintf("fun=%s&lang=zh_CN&pass_ticket=%s", fun,
	                    s->pass_ticket);
	wx_sess_body(s, &b);
	wx_buf_adds(&b, ",\"ChatRoomName\":");
	wx_json_put_strz(&b, ch->room);
	if (ch->op == OP_TOPIC) {
		wx_buf_adds(&b, ",\"NewTopic\":");
		wx_json_put_strz(&b, ch->topic);
	} else if (ch->op == OP_ADD) {
		put_list(&b, fun[0] == 'a' ? "AddMemberList" : "InviteMemberList",
		         ch->users, ch->nusers);
	} else if (ch->op == OP_DEL) {
		put_list(&b, "DelMemberList", ch->users, ch->nusers);
	}
	wx_buf_addc(&b, '}');
	rc = post(s, "webwxupdatechatroom", query, &b, &j);
	if (rc == 0) {
		ch->answer = j;
		wx_session_commit_with(s->dir, NULL, s->h, record, ch);
	} else if (rc == WX_EXIT_REFUSED && ch->op == OP_DEL) {
		wx_warn("%s: only the group's owner can remove members", ch->room);
	}
	wx_json_free(j);
	wx_buf_free(&b);
	free(query);
	return rc;
}

static int
create(struct wx_sess *s, const char *topic, char **users, int n)
{
	struct wx_buf b = {0};
	struct wx_json *j = NULL;
	char *query = wx_asprintf("r=%lld&lang=zh_CN&pass_ticket=%s",
	                          wx_now_ms(), s->pass_ticket);
	char *room;
	int rc, i;

	wx_sess_body(s, &b);
	wx_buf_addf(&b, ",\"MemberCount\":%d,\"MemberList\":[", n);
	for (i = 0; i < n; i++) {
		wx_buf_adds(&b, i ? ",{\"UserName\":" : "{\"UserName\":");
		wx_json_put_strz(&b, users[i]);
		wx_buf_addc(&b, '}');
	}
	wx_buf_adds(&b, "],\"Topic\":");
	wx_json_put_strz(&b, topic);
	wx_buf_addc(&b, '}');
	rc = post(s, "webwxcreatechatroom", query, &b, &j);
	if (rc == 0) {
		room = wx_json_getstr(j, 0, "ChatRoomName");
		if (room && *room) {
			char *safe = wx_safez(room);
			printf("%s\n", safe);
			free(safe);
			wx_session_commit(s->dir, NULL, s->h);
		} else {
			wx_warn("webwxcreatechatroom: no ChatRoomName in the answer");
			rc = WX_EXIT_TEMP;
		}
		free(room);
	}
	wx_json_free(j);
	wx_buf_free(&b);
	free(query);
	return rc;
}

static _Noreturn void
usage(int help)
{
	wx_usage("wx-group [-d DIR] GROUP topic TEXT\n"
	         "       wx-group [-d DIR] GROUP add NAME ...\n"
	         "       wx-group [-d DIR] GROUP del NAME ...\n"
	         "       wx-group [-d DIR] GROUP quit\n"
	         "       wx-group [-d DIR] -c TOPIC NAME ...", help);
}

static void
check_topic(const char *t)
{
	const char *why = wx_short_text(t, strlen(t), TOPIC_MAX);

	if (why)
		wx_die(WX_EXIT_USAGE, "TOPIC: %s: UTF-8 without control "
		       "characters, at most %d characters", why, TOPIC_MAX);
}

int
main(int argc, char *argv[])
{
	const char *dflag = NULL, *ctopic = NULL;
	struct change ch = {0};
	struct wx_contacts *cs;
	struct wx_sess s;
	long long have = 0;
	size_t gi;
	int c, i, rc = 0;

	wx_argv0 = "wx-group";
	opterr = 0;  /* no unprefixed getopt message: usage() says it */
	while ((c = getopt(argc, argv, "+d:c:hV")) != -1) {
		switch (c) {
		case 'd': dflag = optarg; break;
		case 'c': ctopic = optarg; break;
		case 'h': usage(1);
		case 'V': wx_version();
		default: usage(0);
		}
	}
	argc -= optind;
	argv += optind;
	if (ctopic) {
		if (argc < 1)
			usage(0);
		check_topic(ctopic);
	} else {
		if (argc < 2)
			usage(0);
		if (strcmp(argv[1], "topic") == 0 && argc == 3)
			ch.op = OP_TOPIC;
		else if (strcmp(argv[1], "add") == 0 && argc >= 3)
			ch.op = OP_ADD;
		else if (strcmp(argv[1], "del") == 0 && argc >= 3)
			ch.op = OP_DEL;
		else if (strcmp(argv[1], "quit") == 0 && argc == 2)
			ch.op = OP_QUIT;
		else
			usage(0);
		if (ch.op == OP_TOPIC)
			check_topic(argv[2]);
	}
	wx_sess_open(&s, dflag);
	wx_fh_refuse(s.mode, "no groups");
	ch.dir = s.dir;
	ch.self = s.username;
	cs = wx_contacts_get(&s, (const char *const *)argv);
	if (ctopic) {
		ch.nusers = argc;
		ch.users = wx_calloc((size_t)argc, sizeof *ch.users);
		for (i = 0; i < argc; i++)
			ch.users[i] = resolve(&s, cs, argv[i], "friend", "friend");
		wx_contacts_free(cs);
		rc = create(&s, ctopic, ch.users, ch.nusers);
	} else {
		ch.room = resolve(&s, cs, argv[0], "group", "group");
		if (wx_contacts_find(cs, ch.room, &gi) == 0)
			have = members_of(cs, gi);
		ch.topic = ch.op == OP_TOPIC ? argv[2] : NULL;
		if (ch.op == OP_ADD || ch.op == OP_DEL) {
			ch.nusers = argc - 2;
			ch.users = wx_calloc((size_t)ch.nusers, sizeof *ch.users);
			for (i = 0; i < ch.nusers; i++)
				ch.users[i] = resolve(&s, cs, argv[i + 2],
				    ch.op == OP_ADD ? "friend" : NULL, "friend");
		}
		wx_contacts_free(cs);
		rc = update(&s, &ch, have);
		free((char *)ch.room);
	}
	for (i = 0; i < ch.nusers; i++)
		free(ch.users[i]);
	free(ch.users);
	wx_sess_close(&s);
	return wx_fshut(stdout, "stdout", rc);
}
