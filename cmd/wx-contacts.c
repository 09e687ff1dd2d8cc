/* wx-contacts — the whole address book as NDJSON (protocol.md §5.3, §5.4,
 * §9).  Reads DIR/session (host, credentials, username) and DIR/cookies;
 * pages through webwxgetcontact and, with -m, gets the rooms' members
 * through webwxbatchgetcontact.  Prints one contact a line (all, the
 * -t KIND ones, or those NAME resolves to) and writes the cache
 * DIR/contacts (a header line, then every contact) through a temp file
 * renamed under the session lock: a failure leaves the old cache as it
 * was.  -r prints the server's objects and writes no cache. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "wx.h"

static const char *const kinds[] = {
	"friend", "group", "public", "special", "self",
};

struct out {
	const char *kind;          /* -t, or NULL for all */
	int print;                 /* 0 while a NAME is pending */
	struct wx_afile cache;     /* DIR/contacts being written, or f NULL */
};

/* One contact line: to the cache, and to stdout when it is asked for. */
static int
emit(void *arg, const char *line, size_t len, const char *kind)
{
	struct out *o = arg;

	if (o->cache.f && fwrite(line, 1, len, o->cache.f) != len) {
		wx_warn("%s:", o->cache.tmp);
		return wx_exit_errno(errno);
	}
	if (o->print && (!o->kind || strcmp(kind, o->kind) == 0) &&
	    fwrite(line, 1, len, stdout) != len)
		return WX_EXIT_TEMP;
	return 0;
}

/* The header line of the cache: whose address book, of which login (the
 * account's UserName changes at every login), and when. */
static void
open_cache(struct out *o, const struct wx_sess *s, const char *path)
{
	struct wx_buf h = {0};

	if (wx_afile_open(&o->cache, path, 0600) < 0)
		wx_die(wx_exit_errno(errno), "%s:", path);
	wx_buf_adds(&h, "{\"Cache\":\"wx-contacts\",\"Uin\":");
	wx_json_put_strz(&h, s->uin);
	wx_buf_adds(&h, ",\"User\":");
	wx_json_put_strz(&h, s->username);
	wx_buf_addf(&h, ",\"Time\":%lld}\n", (long long)time(NULL));
	fwrite(h.p, 1, h.len, o->cache.f);
	wx_buf_free(&h);
}

/* The lines of the cache that name resolves to. */
static int
print_matches(const char *path, const char *name)
{
	struct wx_buf text = {0};
	struct wx_contacts *cs;
	char err[256];
	size_t *idx, n, i, len;
	const char *line;

	if (wx_read_regular(path, SIZE_MAX / 2, &text) < 0)
		wx_die(wx_exit_errno(errno), "%s:", path);
	if (!(cs = wx_contacts_parse(text.p, text.len, err, sizeof err)))
		wx_die(WX_EXIT_TEMP, "%s: %s", path, err);
	n = wx_contacts_match(cs, name, &idx);
	for (i = 0; i < n; i++) {
		line = wx_contacts_line(cs, idx[i], &len);
		fwrite(line, 1, len, stdout);
		putchar('\n');
	}
	free(idx);
	wx_contacts_free(cs);
	wx_buf_free(&text);
	if (n == 0)
		wx_warn("%s: no contact of that name", name);
	return n ? WX_EXIT_OK : WX_EXIT_REFUSED;
}

static int
known_kind(const char *k)
{
	size_t i;

	for (i = 0; i < sizeof kinds / sizeof *kinds; i++)
		if (strcmp(k, kinds[i]) == 0)
			return 1;
	return 0;
}

static _Noreturn void
usage(int help)
{
	wx_usage("wx-contacts [-d DIR] [-m] [-r] [-t KIND] [NAME]", help);
}

int
main(int argc, char *argv[])
{
	const char *dflag = NULL, *name = NULL;
	struct wx_contacts_out how = {0};
	struct out o = {0};
	struct wx_sess s;
	char *path;
	int c, rc;

	wx_argv0 = "wx-contacts";
	opterr = 0;  /* no unprefixed getopt message: usage() says it */
	while ((c = getopt(argc, argv, "d:mrt:h")) != -1) {
		switch (c) {
		case 'd': dflag = optarg; break;
		case 'm': how.members = 1; break;
		case 'r': how.raw = 1; break;
		case 't': o.kind = optarg; break;
		case 'h': usage(1);
		default: usage(0);
		}
	}
	if (argc - optind > 1)
		usage(0);
	name = argv[optind];
	if (o.kind && !known_kind(o.kind))
		wx_die(WX_EXIT_USAGE, "-t: %s: not one of friend, group, public, "
		       "special, self", o.kind);
	if (how.raw && (name || how.members))
		wx_die(WX_EXIT_USAGE, "-r goes with neither -m nor NAME");

	wx_sess_open(&s, dflag);
	path = wx_asprintf("%s/contacts", s.dir);
	if (!how.raw)
		open_cache(&o, &s, path);
	o.print = name == NULL;
	how.emit = emit;
	how.arg = &o;
	if ((rc = wx_contacts_fetch(&s, &how)) != 0) {
		wx_afile_abort(&o.cache);
		exit(rc);
	}
	if (!how.raw)
		wx_session_commit_file(s.dir, &o.cache, s.h);
	else
		wx_session_commit(s.dir, NULL, s.h);
	if (name)
		rc = print_matches(path, name);
	free(path);
	wx_sess_close(&s);
	return wx_fshut(stdout, "stdout", rc);
}
