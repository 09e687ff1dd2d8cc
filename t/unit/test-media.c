/* Unit tests of lib/media.c: DIR/media written through a wx_afile (the
 * old lines, then the new, the oldest dropped past WX_MEDIA_KEEP, one
 * line a MsgId), and read as hostile (garbage lines skipped, a FIFO or an
 * oversized file refused, MsgId as a string or a number). */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tap.h"
#include "wx.h"

static char dir[] = "/tmp/wx-test-media-XXXXXX";
static char *path;

/* A media line as wx-sync prints it (abridged). */
static void
line(struct wx_buf *b, unsigned long long id, const char *type)
{
	wx_buf_addf(b, "{\"MsgId\":\"%llu\",\"MsgType\":3,\"TypeName\":\"%s\","
	            "\"Event\":\"message\"}\n", id, type);
}

/* Write lines (n bytes) to DIR/media and commit: wx_media_write's rc. */
static int
write_commit(const char *lines, size_t n)
{
	struct wx_afile a;

	if (wx_media_write(dir, lines, n, &a) < 0)
		return -1;
	return wx_afile_commit(&a);
}

static void
put_file(const char *text)
{
	struct wx_buf b = {0};

	wx_buf_adds(&b, text);
	wx_write_atomic(path, b.p, b.len, 0600);
	wx_buf_free(&b);
}

static size_t
count_lines(void)
{
	struct wx_buf b = {0};
	size_t n = 0, i;

	wx_read_file(path, 64u << 20, &b);
	for (i = 0; i < b.len; i++)
		n += b.p[i] == '\n';
	wx_buf_free(&b);
	return n;
}

/* The MsgId wx_media_find returns the line of ("" when none). */
static int
finds(const char *msgid, const char *want_part)
{
	char *l = wx_media_find(dir, msgid);
	int r = l && strstr(l, want_part) && !strchr(l, '\n');

	free(l);
	return r;
}

static void
test_write_find(void)
{
	struct wx_buf b = {0};
	struct stat st;
	char *l;

	errno = 0;
	ok(!wx_media_find(dir, "1") && errno == ENOENT, "find: no file, ENOENT");
	line(&b, 1000000000000000001ULL, "image");
	line(&b, 2, "voice");
	is_int(write_commit(b.p, b.len), 0, "write: first batch");
	ok(stat(path, &st) == 0 && (st.st_mode & 0777) == 0600, "write: 0600");
	l = wx_media_find(dir, "1000000000000000001");
	is_str(l, "{\"MsgId\":\"1000000000000000001\",\"MsgType\":3,"
	       "\"TypeName\":\"image\",\"Event\":\"message\"}", "find: the line");
	free(l);
	ok(finds("2", "voice"), "find: another");
	errno = 0;
	ok(!wx_media_find(dir, "3") && errno == ENOENT, "find: absent, ENOENT");
	ok(!wx_media_find(dir, "") && errno == ENOENT, "find: empty id");
	ok(!wx_media_find(dir, "100000000000000000"), "find: no prefix match");
	/* The same MsgId again (a repeated batch): one line, the newest. */
	wx_buf_reset(&b);
	line(&b, 2, "video");
	line(&b, 3, "file");
	is_int(write_commit(b.p, b.len), 0, "write: second batch");
	is_int(count_lines(), 3, "write: a repeated MsgId is one line");
	ok(finds("2", "video"), "find: the newest line of a MsgId");
	ok(finds("1000000000000000001", "image"), "write: old lines kept");
	/* A failed write leaves the file as it was. */
	{
		struct wx_afile a;
		wx_buf_reset(&b);
		line(&b, 4, "emoji");
		is_int(wx_media_write(dir, b.p, b.len, &a), 0, "write: opened");
		wx_afile_abort(&a);
		ok(!finds("4", "emoji") && finds("3", "file"),
		   "abort: the old file stays");
	}
	/* A last line without LF is a line. */
	is_int(write_commit("{\"MsgId\":\"5\",\"TypeName\":\"file\"}", 31), 0,
	       "write: no LF at the end");
	ok(finds("5", "file"), "find: it");
	wx_buf_free(&b);
}

static void
test_cap(void)
{
	struct wx_buf b = {0};
	unsigned long long i;

	unlink(path);
	for (i = 1; i <= WX_MEDIA_KEEP + 88; i++)
		line(&b, i, "image");
	is_int(write_commit(b.p, b.len), 0, "cap: write 600");
	is_int(count_lines(), WX_MEDIA_KEEP, "cap: WX_MEDIA_KEEP lines");
	ok(!finds("88", "image") && finds("89", "image") && finds("600", "image"),
	   "cap: the oldest are dropped");
	wx_buf_reset(&b);
	line(&b, 601, "image");
	is_int(write_commit(b.p, b.len), 0, "cap: one more");
	is_int(count_lines(), WX_MEDIA_KEEP, "cap: still WX_MEDIA_KEEP");
	ok(!finds("89", "image") && finds("90", "image") && finds("601", "image"),
	   "cap: the oldest goes");
	wx_buf_free(&b);
}

static void
test_hostile(void)
{
	struct wx_buf b = {0};
	struct wx_afile a;
	char *l;
	size_t i;

	put_file("not json\n"
	         "[\"MsgId\",\"7\"]\n"
	         "\"MsgId\"\n"
	         "{\"MsgId\":\"8\"\n"
	         "{\"MsgId\":9,\"TypeName\":\"image\"}\n"
	         "{\"NoId\":\"10\"}\n"
	         "{\"MsgId\":\"\"}\n"
	         "{\"MsgId\":{\"x\":\"11\"}}\n"
	         "\n\n"
	         "{\"MsgId\":\"12\",\"Text\":\"a\\u0000b\\u001b[31m\"}\n"
	         "{\"MsgId\":\"13\"} trailing\n"
	         "{\"MsgId\":\"14\",\"a\":{\"MsgId\":\"15\"}}\r\n");
	ok(finds("9", "image"), "hostile: a number MsgId");
	ok(!wx_media_find(dir, "7") && !wx_media_find(dir, "8") &&
	   !wx_media_find(dir, "10") && !wx_media_find(dir, "11") &&
	   !wx_media_find(dir, "13"), "hostile: bad lines skipped");
	ok(finds("12", "\\u001b"), "hostile: escapes stay escaped");
	ok(finds("14", "\"a\"") && !wx_media_find(dir, "15"),
	   "hostile: only the top-level MsgId counts");
	/* NUL in the middle of a line. */
	{
		static const char nul[] = "{\"MsgId\":\"16\"}\0{\"x\":1}\n";
		wx_write_atomic(path, nul, sizeof nul - 1, 0600);
		ok(!wx_media_find(dir, "16"), "hostile: a line with NUL skipped");
	}
	/* A line over 64 KiB is skipped; the next one is found. */
	wx_buf_adds(&b, "{\"MsgId\":\"17\",\"Text\":\"");
	for (i = 0; i < 70000; i++)
		wx_buf_addc(&b, 'x');
	wx_buf_adds(&b, "\"}\n{\"MsgId\":\"18\"}\n");
	wx_write_atomic(path, b.p, b.len, 0600);
	ok(!wx_media_find(dir, "17") && finds("18", "18"),
	   "hostile: an overlong line skipped");
	/* Rewriting keeps only good lines. */
	put_file("junk\n{\"MsgId\":\"19\"}\n[1]\n");
	is_int(write_commit("{\"MsgId\":\"20\"}\nbad\n", 19), 0,
	       "hostile: rewrite");
	is_int(count_lines(), 2, "hostile: rewrite drops the bad lines");
	/* A file past the cap: not read, and a write starts anew. */
	wx_buf_reset(&b);
	while (b.len <= (size_t)WX_MEDIA_KEEP * 16 * 1024)
		wx_buf_adds(&b, "{\"MsgId\":\"21\"}\n");
	wx_write_atomic(path, b.p, b.len, 0600);
	errno = 0;
	ok(!wx_media_find(dir, "21") && errno == EFBIG, "big: refused, EFBIG");
	is_int(write_commit("{\"MsgId\":\"22\"}\n", 15), 0, "big: write anew");
	is_int(count_lines(), 1, "big: only the new line");
	/* A FIFO in its place: refused at once, not waited on. */
	unlink(path);
	mkfifo(path, 0600);
	errno = 0;
	ok(!wx_media_find(dir, "22") && errno == WX_ENOTREG,
	   "fifo: find refuses, WX_ENOTREG");
	is_int(wx_media_write(dir, "{\"MsgId\":\"1\"}\n", 14, &a), -1,
	       "fifo: write refuses");
	is_int(errno, WX_ENOTREG, "fifo: errno");
	unlink(path);
	/* A directory that is not there. */
	l = wx_asprintf("%s/none", dir);
	is_int(wx_media_write(l, "{\"MsgId\":\"1\"}\n", 14, &a), -1,
	       "no dir: write fails");
	is_int(errno, ENOENT, "no dir: ENOENT");
	free(l);
	wx_buf_free(&b);
}

int
main(void)
{
	wx_argv0 = "test-media";
	if (!mkdtemp(dir)) {
		ok(0, "mkdtemp");
		return tap_done();
	}
	path = wx_asprintf("%s/media", dir);
	test_write_find();
	test_cap();
	test_hostile();
	unlink(path);
	rmdir(dir);
	free(path);
	return tap_done();
}
