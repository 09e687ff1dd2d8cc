/* wx-sync — receive (protocol.md §5.5, §5.6, §8): webwxsync once, or
 * with -f follow: synccheck on the push host, webwxsync whenever its
 * selector is not 0, until the session ends or we are told to stop.
 * Reads DIR/session (host, credentials, synckey, synccheckkey, msgids),
 * DIR/cookies, and DIR/contacts for the display names.  Prints one NDJSON
 * line per event: "message", "modcontact", "delcontact".  After each
 * batch is printed and flushed it commits, under the session lock and in
 * one atomic write of each file: synckey, synccheckkey, the MsgIds just
 * printed (msgids, the last RING of them, dropped when the server sends
 * them again), a new skey, the cookies, the contact changes into
 * DIR/contacts and the media messages into DIR/media.  So a kill at any
 * moment repeats at most the batch in flight and loses nothing.  Holds
 * DIR/sync.lock while it runs: a second wx-sync exits 100 at once.  In
 * file-helper mode only the filehelper chat's messages are printed, and
 * not the echoes of wx-send's, known by their MsgID in DIR/sent. */
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "wx.h"

/* MsgIds kept in msgids=: 20 bytes each, within WX_VALUE_MAX. */
#define RING 192
/* Back-off after a failure: 1 s doubling to this, with jitter. */
#define BACKOFF_MAX_MS 60000
/* Pause before a synccheck that follows cycles which brought nothing
 * although the selector said so (a stuck selector): 100 ms doubling to
 * this. */
#define IDLE_MAX_MS 10000
/* How often to ask whether stdout's reader has gone: libcurl calls
 * should_stop a dozen times a request, and an idle follow against a
 * server that answers at once makes requests back to back. */
#define READER_CHECK_MS 100

static volatile sig_atomic_t stopping;  /* SIGTERM, SIGINT, SIGHUP */

struct run {
	struct wx_sess s;
	int follow, raw, nostatus;      /* -f, -r, -n */
	long long count, printed;       /* -c (0: none), messages printed */
	long long deadline;             /* -t as wall-clock ms; 0: none */
	struct wx_contacts *cs;         /* for SenderName, ChatName */
	struct timespec cs_mtime;       /* of DIR/contacts when read */
	ino_t cs_ino;
	int cs_read;                    /* read once already */
	uint64_t ring[RING];            /* MsgIds committed, oldest first */
	size_t nring;                   /* in ring, from its start */
	int gone;                       /* stdout's reader has gone */
	long long reader_check;         /* when reader_gone asks next */
};

/* What one webwxsync answer makes: the lines, what to commit. */
struct batch {
	struct wx_buf out;              /* lines for stdout */
	struct wx_buf media;            /* lines of media messages */
	uint64_t *ids;                  /* MsgIds printed */
	size_t nids;
	struct wx_contacts_change *ch;  /* for DIR/contacts */
	size_t nch;
	size_t events;                  /* in the answer, printed or not */
	int cut;                        /* -c was reached inside it */
	const char *dir, *user;
};

static void
on_signal(int sig)
{
	(void)sig;
	stopping = 1;
}

static int
deadline_passed(const struct run *r)
{
	return r->deadline && wx_now_ms() >= r->deadline;
}

/* Has the reader of our pipe gone (`wx-sync -f | head -3`)?  Seen
 * without writing, so that an idle follow ends too; asked at most every
 * READER_CHECK_MS. */
static int
reader_gone(struct run *r)
{
	struct pollfd p = { .fd = STDOUT_FILENO, .events = 0 };
	long long now = wx_now_ms();

	if (now < r->reader_check)
		return 0;
	r->reader_check = now + READER_CHECK_MS;
	return poll(&p, 1, 0) == 1 && (p.revents & POLLERR);
}

/* wx_http_stop_on: a signal, -t or a closed pipe ends a long poll. */
static int
should_stop(void *arg)
{
	if (!stopping && reader_gone(arg))
		stopping = 1;
	return stopping || deadline_passed(arg);
}

/* Sleep ms, cut short by a signal or -t. */
static void
nap(struct run *r, long long ms)
{
	long long until = wx_now_ms() + ms, left;
	struct timespec ts;

	while (!should_stop(r) && (left = until - wx_now_ms()) > 0) {
		if (left > 200)
			left = 200;
		ts.tv_sec = 0;
		ts.tv_nsec = (long)left * 1000000L;
		nanosleep(&ts, NULL);
	}
}

/* ---- the ring of MsgIds already printed ---- */

static int
ring_has(const struct run *r, uint64_t id)
{
	size_t i, n = r->nring < RING ? r->nring : RING;

	for (i = 0; i < n; i++)
		if (r->ring[i] == id)
			return 1;
	return 0;
}

static void
ring_add(struct run *r, uint64_t id)
{
	if (r->nring == RING) {
		memmove(r->ring, r->ring + 1, (RING - 1) * sizeof *r->ring);
		r->nring--;
	}
	r->ring[r->nring++] = id;
}

/* msgids=ID ID …: what an earlier run committed; a token that is not a
 * number is skipped (a hand-edited file loses at most its dedup). */
static void
ring_load(struct run *r)
{
	const char *p = wx_state_get(r->s.st, "msgids"), *end;
	uint64_t id;

	while (p && *p) {
		for (end = p; *end && *end != ' '; end++)
			;
		if (wx_parse_u64(p, (size_t)(end - p), UINT64_MAX, &id) == 0)
			ring_add(r, id);
		p = *end ? end + 1 : end;
	}
}

static void
ring_format(const struct run *r, struct wx_buf *b)
{
	size_t i;

	wx_buf_add(b, "", 0);
	for (i = 0; i < r->nring; i++)
		wx_buf_addf(b, "%s%llu", i ? " " : "",
		            (unsigned long long)r->ring[i]);
}

/* DIR/contacts read again when it has changed since (our own contact
 * changes, a wx-contacts -m run beside a long wx-sync -f). */
static void
fresh_contacts(struct run *r)
{
	char *path = wx_asprintf("%s/contacts", r->s.dir);
	struct stat sb;

	if (stat(path, &sb) < 0)
		memset(&sb, 0, sizeof sb);
	if (!r->cs_read || sb.st_ino != r->cs_ino ||
	    sb.st_mtim.tv_sec != r->cs_mtime.tv_sec ||
	    sb.st_mtim.tv_nsec != r->cs_mtime.tv_nsec) {
		wx_contacts_free(r->cs);
		r->cs = wx_contacts_read(r->s.dir, r->s.username, NULL);
		r->cs_ino = sb.st_ino;
		r->cs_mtime = sb.st_mtim;
		r->cs_read = 1;
	}
	free(path);
}

/* ---- one answer into lines ---- */

/* The server's object on one line, ids as strings (-r). */
static void
raw_line(struct wx_buf *b, const struct wx_json *j, int obj)
{
	wx_json_put_members(b, j, obj, NULL, 1);
	wx_buf_adds(b, "}\n");
}

/* In file-helper mode: is message e none of the one chat's, or the echo
 * of what wx-send sent (by its MsgID in DIR/sent, which the echo
 * carries: wx_fh.echo_same_msgid)?  Such a message is dropped. */
static int
fh_drop(const struct run *r, const struct wx_json *j, int e, uint64_t id)
{
	char *from = wx_json_getstr(j, e, "FromUserName"),
	     *to = wx_json_getstr(j, e, "ToUserName"), msgid[24];
	struct wx_sent m;
	int drop;

	drop = !(from && strcmp(from, wx_fh.chat) == 0) &&
	       !(to && strcmp(to, wx_fh.chat) == 0);
	if (!drop && wx_fh.echo_same_msgid && from &&
	    strcmp(from, r->s.username) == 0) {
		snprintf(msgid, sizeof msgid, "%" PRIu64, id);
		drop = wx_sent_find(r->s.dir, msgid, &m) == 0;
	}
	free(from);
	free(to);
	return drop;
}

/* One AddMsgList entry: dropped when printed before (the ring), when -n
 * drops status chatter, or in file-helper mode when it is not the chat's
 * (fh_drop); else printed, and kept for DIR/media. */
static void
take_message(struct run *r, struct batch *b, const struct wx_json *j, int e)
{
	struct wx_buf line = {0};
	uint64_t id;
	int has_id = wx_json_uint64(j, wx_json_get(j, e, "MsgId"), &id) == 0;
	const char *type = wx_msg_type(j, e);

	if ((has_id && ring_has(r, id)) ||
	    (r->nostatus && strcmp(type, "status") == 0) ||
	    (r->s.mode == WX_MODE_FILEHELPER && fh_drop(r, j, e, has_id ? id : 0)))
		return;
	if (r->count && r->printed == r->count) {
		b->cut = 1;
		return;
	}
	wx_msg_line(&line, j, e, r->s.username, r->cs);
	if (wx_msg_has_media(type))
		wx_buf_add(&b->media, line.p, line.len);
	if (r->raw)
		raw_line(&b->out, j, e);
	else
		wx_buf_add(&b->out, line.p, line.len);
	if (has_id) {
		b->ids = wx_realloc(b->ids, (b->nids + 1) * sizeof *b->ids);
		b->ids[b->nids++] = id;
	}
	r->printed++;
	wx_buf_free(&line);
}

/* One ModContactList (del 0) or DelContactList entry: printed, and the
 * change kept for DIR/contacts. */
static void
take_contact(struct run *r, struct batch *b, const struct wx_json *j, int e,
             int del)
{
	char *user = wx_json_getstr(j, e, "UserName");
	struct wx_buf line = {0};
	struct wx_contacts_change *c;

	if (r->raw)
		raw_line(&b->out, j, e);
	else
		wx_event_contact_line(&b->out, j, e, r->s.username, del);
	if (!user || !*user) {
		free(user);
		return;
	}
	if (!del)
		wx_contact_line(&line, j, e, r->s.username);
	b->ch = wx_realloc(b->ch, (b->nch + 1) * sizeof *b->ch);
	c = &b->ch[b->nch++];
	c->user = user;
	c->line = line.p;
	c->len = line.len;
}

static void
take_list(struct run *r, struct batch *b, const struct wx_json *j,
          const char *list, int kind)
{
	int t = wx_json_get(j, 0, list), e;

	if (wx_json_type(j, t) != WX_JSON_ARRAY)
		return;
	/* The sends in flight recorded first: fh_drop looks them up. */
	if (kind == 0 && r->s.mode == WX_MODE_FILEHELPER &&
	    wx_json_count(j, t) > 0)
		close(wx_sent_hold(r->s.dir, 0));
	for (e = wx_json_first(j, t); e >= 0 && !b->cut; e = wx_json_next(j, e)) {
		b->events++;
		if (wx_json_type(j, e) != WX_JSON_OBJECT)
			continue;
		if (kind == 0)
			take_message(r, b, j, e);
		else
			take_contact(r, b, j, e, kind == 2);
	}
}

static void
batch_free(struct batch *b)
{
	size_t k;

	for (k = 0; k < b->nch; k++) {
		free((char *)b->ch[k].user);
		free((char *)b->ch[k].line);
	}
	free(b->ch);
	free(b->ids);
	wx_buf_free(&b->out);
	wx_buf_free(&b->media);
}

/* ---- committing a batch ---- */

/* Under the session lock: the contact changes, the media lines. */
static int
commit_files(void *arg)
{
	const struct batch *b = arg;
	struct wx_afile a;

	if (b->nch && wx_contacts_apply(b->dir, b->user, b->ch, b->nch) < 0) {
		wx_warn("%s/contacts:", b->dir);
		return wx_exit_errno(errno);
	}
	if (!b->media.len)
		return 0;
	if (wx_media_write(b->dir, b->media.p, b->media.len, &a) == 0) {
		wx_remove_stale_temps(a.path);
		if (wx_afile_commit(&a) == 0)
			return 0;
	}
	wx_warn("%s/media:", b->dir);
	return wx_exit_errno(errno);
}

/* Set key in the session in memory and in changes; a value the session
 * could not hold back is refused, never written. */
static void
set_key(struct run *r, struct wx_state *changes, const char *key,
        const char *val)
{
	if (wx_state_set(changes, key, val) < 0 ||
	    wx_state_set(r->s.st, key, val) < 0)
		wx_die(WX_EXIT_TEMP, "webwxsync: the answer's %s cannot be "
		       "stored", key);
}

/* The answer's SyncKey and SyncCheckKey (§5.6: each replaces ours when
 * it has keys; an answer of the years before SyncCheckKey existed has
 * only SyncKey, used for both), and a new SKey. */
static void
new_keys(struct run *r, struct wx_state *changes, const struct wx_json *j)
{
	struct wx_synckey k;
	struct wx_buf v = {0};
	int ck = wx_json_get(j, 0, "SyncCheckKey");
	char *skey = wx_json_getstr(j, 0, "SKey");

	if (wx_synckey_from_json(j, wx_json_get(j, 0, "SyncKey"), &k) == 0 &&
	    k.n > 0) {
		wx_synckey_pipe(&k, &v);
		set_key(r, changes, "synckey", v.p);
		if (ck < 0)
			set_key(r, changes, "synccheckkey", v.p);
	}
	wx_buf_reset(&v);
	if (wx_synckey_from_json(j, ck, &k) == 0 && k.n > 0) {
		wx_synckey_pipe(&k, &v);
		set_key(r, changes, "synccheckkey", v.p);
	}
	if (skey && *skey) {
		if (wx_skey_sane(skey))
			set_key(r, changes, "skey", skey);
		else
			wx_warn("webwxsync: a malformed SKey ignored");
	}
	free(skey);
	wx_buf_free(&v);
}

static void
commit(struct run *r, struct batch *b, const struct wx_json *j)
{
	struct wx_state *changes = wx_state_new();
	struct wx_buf ids = {0};
	size_t k;

	for (k = 0; k < b->nids; k++)
		ring_add(r, b->ids[k]);
	ring_format(r, &ids);
	set_key(r, changes, "msgids", ids.p);
	/* Cut by -c: the next run fetches the batch again from the old key,
	 * and the ring drops what this one printed. */
	if (!b->cut)
		new_keys(r, changes, j);
	b->dir = r->s.dir;
	b->user = r->s.username;
	wx_session_commit_with(r->s.dir, changes, r->s.h,
	                       b->cut ? NULL : commit_files, b);
	r->s.skey = wx_state_get(r->s.st, "skey");
	wx_state_free(changes);
	wx_buf_free(&ids);
}

/* Print the batch and flush; 0, -1 when the reader has gone (EPIPE: we
 * stop without committing it), or exit 111 for another write error. */
static int
print_batch(struct run *r, const struct batch *b)
{
	if (b->out.len)
		fwrite(b->out.p, 1, b->out.len, stdout);
	if (fflush(stdout) == 0 && !ferror(stdout))
		return 0;
	if (errno != EPIPE)
		wx_die(WX_EXIT_TEMP, "stdout:");
	r->gone = 1;
	return -1;
}

/* One webwxsync, printed and committed.  0 with *events; -1 when stdout
 * is gone; else the exit code (*ret the server's Ret). */
static int
sync_once(struct run *r, size_t *events, long long *ret)
{
	struct wx_json *j;
	struct batch b = {0};
	int rc;

	*events = 0;
	rc = wx_webwxsync(&r->s, wx_session_need(r->s.st, r->s.dir, "synckey",
	                  "wx-init"), &j, ret);
	if (rc != 0)
		return rc;
	fresh_contacts(r);
	take_list(r, &b, j, "AddMsgList", 0);
	if (!b.cut) {
		take_list(r, &b, j, "ModContactList", 1);
		take_list(r, &b, j, "DelContactList", 2);
	}
	*events = b.events;
	if ((rc = print_batch(r, &b)) == 0)
		commit(r, &b, j);
	batch_free(&b);
	wx_json_free(j);
	return rc;
}

/* ---- following ---- */

static int
done(const struct run *r)
{
	return stopping || (r->count && r->printed >= r->count);
}

/* Wait before the next try: base ms doubled per failure in a row, with
 * ±25% jitter so that many clients do not retry in step. */
static void
back_off(struct run *r, int fails, long long base, long long max)
{
	long long ms = base;
	int i;

	for (i = 1; i < fails && ms < max; i++)
		ms *= 2;
	if (ms > max)
		ms = max;
	ms = ms * 3 / 4 + (long long)(rand() % (int)(ms / 2 + 1));
	nap(r, ms);
}

static int
is_logout(long long ret)
{
	return ret >= 1100 && ret <= 1102;
}

/* One cycle: synccheck, then webwxsync if the selector says so.  0 when
 * it went well (*events what the sync brought; 0 without one), 1 for a
 * logout, 100 for a local fault, -1 when stdout is gone, -2 for a
 * temporary failure. */
static int
cycle(struct run *r, size_t *events, int *synced)
{
	struct wx_check c;
	long long ret;
	int rc;

	*events = 0;
	*synced = 0;
	wx_http_stop_on(r->s.h, should_stop, r);
	rc = wx_synccheck(&r->s, wx_session_need(r->s.st, r->s.dir,
	                  "synccheckkey", "wx-init"), &c);
	wx_http_stop_on(r->s.h, NULL, NULL);
	if (rc == WX_EXIT_USAGE)
		return rc;
	if (rc != 0 || should_stop(r))
		return -2;
	if (c.retcode != 0)
		return (rc = wx_synccheck_exit(c.retcode)) == WX_EXIT_REFUSED
		       ? rc : -2;
	if (c.selector == 0)
		return 0;
	*synced = 1;
	rc = sync_once(r, events, &ret);
	if (rc == WX_EXIT_REFUSED && is_logout(ret))
		return rc;
	return rc == 0 || rc == -1 || rc == WX_EXIT_USAGE ? rc : -2;
}

static int
follow(struct run *r)
{
	int fails = 0, idle = 0, rc, synced;
	size_t events;

	while (!done(r)) {
		if (deadline_passed(r)) {
			wx_warn("-t: time is up");
			return WX_EXIT_TIMEOUT;
		}
		rc = cycle(r, &events, &synced);
		if (rc == -1 || (rc == -2 && stopping))
			return 0;
		if (rc > 0)
			return rc;
		if (rc == -2) {
			if (!deadline_passed(r))
				back_off(r, ++fails, 1000, BACKOFF_MAX_MS);
			continue;
		}
		fails = 0;
		/* A selector that stays non-zero while webwxsync brings
		 * nothing would spin: pause, longer each time. */
		idle = synced && events == 0 ? idle + 1 : 0;
		if (idle >= 2)
			back_off(r, idle - 1, 100, IDLE_MAX_MS);
	}
	return 0;
}

/* ---- main ---- */

static void
take_lock(const struct run *r)
{
	char *path = wx_asprintf("%s/sync", r->s.dir);

	if (wx_trylock(path) < 0) {
		if (errno == EWOULDBLOCK)
			wx_die(WX_EXIT_USAGE, "%s: another wx-sync is running on "
			       "this session (%s.lock)", r->s.dir, path);
		wx_die(wx_exit_errno(errno), "%s.lock:", path);
	}
	free(path);  /* the fd stays open: the lock lasts until we exit */
}

static void
signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;  /* no SA_RESTART: a sleep ends at once */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);  /* a closed stdout is EPIPE, seen */
}

static _Noreturn void
usage(int help)
{
	wx_usage("wx-sync [-d DIR] [-f] [-r] [-n] [-c COUNT] [-t SECONDS]",
	         help);
}

int
main(int argc, char *argv[])
{
	const char *dflag = NULL;
	struct run r = {0};
	long long secs = 0, ret;
	size_t events;
	int c, rc;

	wx_argv0 = "wx-sync";
	opterr = 0;  /* no unprefixed getopt message: usage() says it */
	while ((c = getopt(argc, argv, "d:frnc:t:hV")) != -1) {
		switch (c) {
		case 'd': dflag = optarg; break;
		case 'f': r.follow = 1; break;
		case 'r': r.raw = 1; break;
		case 'n': r.nostatus = 1; break;
		case 'c': r.count = wx_strtonum(optarg, 1, 1000000000, "-c"); break;
		case 't': secs = wx_strtonum(optarg, 1, 100000000, "-t"); break;
		case 'h': usage(1);
		case 'V': wx_version();
		default: usage(0);
		}
	}
	if (argc > optind)
		usage(0);
	if ((r.count || secs) && !r.follow)
		wx_die(WX_EXIT_USAGE, "-c and -t go with -f");

	signals();
	wx_sess_open(&r.s, dflag);
	take_lock(&r);
	ring_load(&r);
	r.deadline = secs ? wx_now_ms() + secs * 1000 : 0;
	srand((unsigned)(wx_now_ms() ^ getpid()));
	if (r.follow)
		rc = follow(&r);
	else if ((rc = sync_once(&r, &events, &ret)) < 0)
		rc = 0;  /* stdout gone: nothing committed, nothing lost */
	wx_contacts_free(r.cs);
	wx_sess_close(&r.s);
	return r.gone ? rc : wx_fshut(stdout, "stdout", rc);
}
