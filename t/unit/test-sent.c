/* test-sent.c — DIR/sent: wx_sent_add and wx_sent_find (lib/sent.c on
 * lib/ring.c): round trip, the newest of an id, the cap, hostile lines. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tap.h"
#include "wx.h"

static char dir[] = "/tmp/test-sent.XXXXXX";

static void
put(const char *msgid, const char *localid, const char *to, long long t)
{
	struct wx_sent m;

	memset(&m, 0, sizeof m);
	snprintf(m.msgid, sizeof m.msgid, "%s", msgid);
	snprintf(m.localid, sizeof m.localid, "%s", localid);
	snprintf(m.to, sizeof m.to, "%s", to);
	m.time = t;
	ok(wx_sent_add(dir, &m) == 0, "add");
}

static int
lines_of(const char *path)
{
	FILE *f = fopen(path, "r");
	int c, n = 0;

	while (f && (c = getc(f)) != EOF)
		n += c == '\n';
	if (f)
		fclose(f);
	return n;
}

int
main(void)
{
	struct wx_sent got;
	char path[64], id[24];
	FILE *f;
	int i;

	if (!mkdtemp(dir))
		return 1;
	snprintf(path, sizeof path, "%s/sent", dir);
	errno = 0;
	ok(wx_sent_find(dir, "1", &got) < 0 && errno == ENOENT, "no file: ENOENT");
	put("1234567890123456789", "17000000000001234", "@peer", 1700000000);
	ok(wx_sent_find(dir, "1234567890123456789", &got) == 0, "found");
	is_str(got.localid, "17000000000001234", "LocalID back");
	is_str(got.to, "@peer", "ToUserName back");
	ok(got.time == 1700000000, "Time back");
	errno = 0;
	ok(wx_sent_find(dir, "999", &got) < 0 && errno == ENOENT, "other id: ENOENT");
	put("1234567890123456789", "17000000000009999", "@other", 1700000001);
	ok(wx_sent_find(dir, "1234567890123456789", &got) == 0 &&
	   strcmp(got.localid, "17000000000009999") == 0, "the newest of an id");
	ok(lines_of(path) == 1, "one line an id");
	for (i = 0; i < WX_SENT_KEEP + 10; i++) {
		snprintf(id, sizeof id, "%d", 1000 + i);
		put(id, "1", "@p", i);
	}
	ok(lines_of(path) == WX_SENT_KEEP, "at most WX_SENT_KEEP lines");
	ok(wx_sent_find(dir, "1000", &got) < 0, "the oldest dropped");
	snprintf(id, sizeof id, "%d", 1000 + WX_SENT_KEEP + 9);
	ok(wx_sent_find(dir, id, &got) == 0, "the newest kept");
	/* hostile lines: skipped, or refused when a field will not fit */
	f = fopen(path, "a");
	fputs("not json\n{\"MsgID\":\"77\",\"LocalID\":\"1\",\"ToUserName\":\"", f);
	for (i = 0; i < 200; i++)
		fputc('x', f);
	fputs("\"}\n{\"MsgID\":\"78\"}\n", f);
	fclose(f);
	ok(wx_sent_find(dir, "77", &got) < 0 && errno == EINVAL, "a too long ToUserName: refused");
	ok(wx_sent_find(dir, "78", &got) < 0 && errno == EINVAL, "no LocalID: refused");
	ok(wx_sent_find(dir, id, &got) == 0, "good lines still found");
	unlink(path);
	if (symlink("/dev/null", path) == 0) {
		ok(wx_sent_find(dir, "1", &got) < 0 && errno != ENOENT, "not a regular file");
		unlink(path);
	}
	rmdir(dir);
	return tap_done();
}
