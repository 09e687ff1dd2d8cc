/* wx-remark — set a contact's remark (RemarkName), or pin or unpin its
 * chat, with one webwxoplog (protocol.md §10.1): CmdId 2 with REMARK, or
 * CmdId 3 with OP 1 / 0 and the remark to keep (REMARK, else the
 * current one: the server clears a remark the request leaves out).
 * NAME is resolved by the contacts cache DIR/contacts (made first when
 * there is none) and must be in it.  Takes one slot of the rate limit
 * senders share (DIR/rate, WX_RATE).  Once the server took it, the
 * contact's line in DIR/contacts gets the new RemarkName and ContactFlag
 * (0x800, TOP, for a pinned chat), with the cookies, under the session
 * lock.  Prints nothing. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "wx.h"

/* The longest remark, in characters (RC's cap, protocol.md §10.1). */
#define REMARK_MAX 18
/* ContactFlag TOP (protocol.md §9.5): the chat is pinned. */
#define FLAG_TOP 0x800

/* What the request sets, and what the cache then records. */
struct change {
	const char *dir, *self, *user;
	const char *remark;     /* plain text */
	int pin;                /* 1 pin, 0 unpin, -1 leave */
};

/* Contact line (len bytes) with ch's RemarkName (server form) and pin,
 * as wx_contact_line writes it, into out; -1 when it is no JSON. */
static int
new_line(const struct change *ch, const char *line, size_t len,
         struct wx_buf *out)
{
	static const char *const skip[] = {
		"RemarkName", "ContactFlag", "Kind", "Name", "Remark", "Event",
		NULL,
	};
	struct wx_json *j = wx_json_parse(line, len, NULL, 0), *k;
	struct wx_buf b = {0}, enc = {0};
	long long flag = 0;

	if (!j)
		return -1;
	wx_json_int(j, wx_json_get(j, 0, "ContactFlag"), &flag);
	if (ch->pin >= 0)
		flag = ch->pin ? flag | FLAG_TOP : flag & ~FLAG_TOP;
	wx_text_encode(&enc, ch->remark, strlen(ch->remark));
	wx_json_put_members(&b, j, 0, skip, 1);
	wx_buf_addf(&b, ",\"ContactFlag\":%lld,\"RemarkName\":", flag);
	wx_json_put_str(&b, enc.p ? enc.p : "", enc.len);
	wx_buf_addc(&b, '}');
	if ((k = wx_json_parse(b.p, b.len, NULL, 0)))
		wx_contact_line(out, k, 0, ch->self);
	wx_json_free(k);
	wx_json_free(j);
	wx_buf_free(&b);
	wx_buf_free(&enc);
	return k ? 0 : -1;
}

/* new_line for wx_contacts_edit. */
static int
edit(void *arg, const char *line, size_t len, struct wx_buf *out)
{
	return new_line(arg, line, len, out);
}

/* Under the session lock: the contact's line of the cache as it is now
 * (another process may have rewritten it since we read it), changed. */
static int
record(void *arg)
{
	const struct change *ch = arg;

	return wx_contacts_edit(ch->dir, ch->self, ch->user, edit, arg);
}

/* The contact's current remark (decoded), malloc'd. */
static char *
current_remark(const struct wx_contacts *cs, size_t i)
{
	size_t len;
	const char *line = wx_contacts_line(cs, i, &len);
	struct wx_json *j = wx_json_parse(line, len, NULL, 0);
	char *r = j ? wx_json_getstr(j, 0, "Remark") : NULL;

	wx_json_free(j);
	return r ? r : wx_strdup("");
}

/* NAME as a UserName of the cache, and (no REMARK) its remark. */
static void
resolve(struct wx_sess *s, const char *name, struct change *ch)
{
	const char *names[] = { name, NULL }, *user;
	struct wx_contacts *cs = wx_contacts_get(s, names);
	size_t i;
	int rc;

	if ((rc = wx_contacts_resolve(cs, name, &user)) != 0)
		exit(rc);
	if (wx_contacts_find(cs, user, &i) < 0)
		wx_die(WX_EXIT_REFUSED, "%s: not in %s/contacts: only a contact "
		       "has a remark", name, s->dir);
	ch->user = wx_strdup(user);
	if (!ch->remark)
		ch->remark = current_remark(cs, i);
	else
		ch->remark = wx_strdup(ch->remark);
	wx_contacts_free(cs);
}

static int
oplog(struct wx_sess *s, const struct change *ch)
{
	struct wx_buf b = {0};
	struct wx_json *j;
	char *query = wx_asprintf("lang=zh_CN&pass_ticket=%s", s->pass_ticket);
	long long ret;
	int rc;

	wx_sess_body(s, &b);
	wx_buf_adds(&b, ",\"UserName\":");
	wx_json_put_strz(&b, ch->user);
	if (ch->pin < 0)
		wx_buf_adds(&b, ",\"CmdId\":2");
	else
		wx_buf_addf(&b, ",\"CmdId\":3,\"OP\":%d", ch->pin);
	wx_buf_adds(&b, ",\"RemarkName\":");
	wx_json_put_strz(&b, ch->remark);
	wx_buf_addc(&b, '}');
	wx_rate_turn(s->dir);
	rc = wx_cgi_post_ret(s->h, s->host, "webwxoplog", query, &b, &j, &ret);
	if (rc == 0)
		wx_session_commit_with(s->dir, NULL, s->h, record, (void *)ch);
	else if (j)
		wx_session_commit(s->dir, NULL, s->h);
	wx_json_free(j);
	wx_buf_free(&b);
	free(query);
	return rc;
}

static _Noreturn void
usage(int help)
{
	wx_usage("wx-remark [-d DIR] [-p | -u] NAME [REMARK]", help);
}

int
main(int argc, char *argv[])
{
	const char *dflag = NULL, *why;
	struct change ch = { .pin = -1 };
	struct wx_sess s;
	int c, rc = 0;

	wx_argv0 = "wx-remark";
	opterr = 0;  /* no unprefixed getopt message: usage() says it */
	while ((c = getopt(argc, argv, "+d:puhV")) != -1) {
		switch (c) {
		case 'd': dflag = optarg; break;
		case 'p': ch.pin = 1; break;
		case 'u': ch.pin = 0; break;
		case 'h': usage(1);
		case 'V': wx_version();
		default: usage(0);
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 1 || argc > 2 || (argc == 1 && ch.pin < 0))
		usage(0);
	if (argc == 2 && (why = wx_short_text(argv[1], strlen(argv[1]),
	    REMARK_MAX)))
		wx_die(WX_EXIT_USAGE, "REMARK: %s: UTF-8 without control "
		       "characters, at most %d characters", why, REMARK_MAX);
	ch.remark = argc == 2 ? argv[1] : NULL;
	wx_sess_open(&s, dflag);
	wx_fh_refuse(s.mode, "no address book");
	ch.dir = s.dir;
	ch.self = s.username;
	resolve(&s, argv[0], &ch);
	rc = oplog(&s, &ch);
	free((char *)ch.user);
	free((char *)ch.remark);
	wx_sess_close(&s);
	return wx_fshut(stdout, "stdout", rc);
}
