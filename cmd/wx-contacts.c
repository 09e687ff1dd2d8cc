/* wx-contacts — the whole address book as NDJSON (protocol.md §5.3, §5.4,
 * §9).  Reads DIR/session (host, credentials, username) and DIR/cookies;
 * pages through webwxgetcontact and, with -m, gets the rooms' members
 * through webwxbatchgetcontact.  Prints one contact a line (all, the
 * -t KIND ones, or those NAME resolves to) and writes the cache
 * DIR/contacts (a header line, then every contact) through a temp file
 * renamed under the session lock: a failure leaves the old cache as it
 * was.  -r prints the server's objects and writes no cache. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "wx.h"

static const char *const kinds[] = {
	"friend", "group", "public", "special", "self",
};

/* Each contact line: on stdout when asked for (-t KIND, or all). */
static int
print_line(void *arg, const char *line, size_t len, const char *kind)
{
	const char *want = arg;

	if (want && strcmp(kind, want) != 0)
		return 0;
	return fwrite(line, 1, len, stdout) == len ? 0 : WX_EXIT_TEMP;
}

/* The lines of the cache that name resolves to (-t: of that kind). */
static int
print_matches(const struct wx_sess *s, const char *name, const char *kind)
{
	const char *names[] = { name, NULL };
	struct wx_contacts *cs = wx_contacts_read(s->dir, s->username, names);
	size_t *idx, n, i, len, shown = 0;
	const char *line;

	if (!cs)
		wx_die(WX_EXIT_TEMP, "%s/contacts: cannot be read back", s->dir);
	n = wx_contacts_match(cs, name, &idx);
	for (i = 0; i < n; i++) {
		if (kind && strcmp(wx_contacts_kind(cs, idx[i]), kind) != 0)
			continue;
		line = wx_contacts_line(cs, idx[i], &len);
		fwrite(line, 1, len, stdout);
		putchar('\n');
		shown++;
	}
	free(idx);
	wx_contacts_free(cs);
	if (shown == 0)
		wx_warn("%s: no contact of that name", name);
	return shown ? WX_EXIT_OK : WX_EXIT_REFUSED;
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
	const char *dflag = NULL, *name = NULL, *kind = NULL;
	struct wx_contacts_out how = {0};
	struct wx_sess s;
	int c, rc;

	wx_argv0 = "wx-contacts";
	opterr = 0;  /* no unprefixed getopt message: usage() says it */
	while ((c = getopt(argc, argv, "d:mrt:hV")) != -1) {
		switch (c) {
		case 'd': dflag = optarg; break;
		case 'm': how.members = 1; break;
		case 'r': how.raw = 1; break;
		case 't': kind = optarg; break;
		case 'h': usage(1);
		case 'V': wx_version();
		default: usage(0);
		}
	}
	if (argc - optind > 1)
		usage(0);
	name = argv[optind];
	if (kind && !known_kind(kind))
		wx_die(WX_EXIT_USAGE, "-t: %s: not one of friend, group, public, "
		       "special, self", kind);
	if (how.raw && (name || how.members))
		wx_die(WX_EXIT_USAGE, "-r goes with neither -m nor NAME");

	wx_sess_open(&s, dflag);
	wx_fh_refuse(s.mode, "no address book");
	how.emit = name ? NULL : print_line;
	how.arg = (void *)kind;
	if (how.raw) {
		if ((rc = wx_contacts_fetch(&s, &how, NULL)) == 0)
			wx_session_commit(s.dir, NULL, s.h);
	} else {
		rc = wx_contacts_update(&s, &how);
	}
	if (rc == 0 && name)
		rc = print_matches(&s, name, kind);
	wx_sess_close(&s);
	return wx_fshut(stdout, "stdout", rc);
}
