/* Unit tests of lib/util.c: buffers, number parsing, file reads. */
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#include "tap.h"
#include "wx.h"

static void
test_buf(void)
{
	struct wx_buf b = {0};
	int i;

	wx_buf_adds(&b, "ab");
	wx_buf_addc(&b, 'c');
	wx_buf_addf(&b, "%d-%s", 42, "x");
	is_str(b.p, "abc42-x", "buf: add, addc, addf");
	is_int(b.len, 7, "buf: length");
	wx_buf_reset(&b);
	is_str(b.p, "", "buf: reset empties");
	for (i = 0; i < 100000; i++)
		wx_buf_addc(&b, 'z');
	is_int(b.len, 100000, "buf: grows past many doublings");
	wx_buf_add(&b, "\0x", 2);
	is_int(b.len, 100002, "buf: NUL bytes count");
	wx_buf_free(&b);
	ok(b.p == NULL && b.len == 0, "buf: free");
}

static void
test_asprintf(void)
{
	char *s = wx_asprintf("%s=%05d", "k", 7);

	is_str(s, "k=00007", "asprintf");
	free(s);
}

static void
test_read(void)
{
	struct wx_buf b = {0};
	char path[] = "/tmp/wx-test-util-XXXXXX";
	int fd = mkstemp(path);
	FILE *f = fdopen(fd, "w");

	fputs("hello world", f);
	fclose(f);
	is_int(wx_read_file(path, 100, &b), 0, "read_file: small file");
	is_str(b.p, "hello world", "read_file: content");
	wx_buf_free(&b);
	is_int(wx_read_file(path, 5, &b), -1, "read_file: over the cap fails");
	is_int(errno, EFBIG, "read_file: errno EFBIG");
	wx_buf_free(&b);
	unlink(path);
	is_int(wx_read_file(path, 5, &b), -1, "read_file: missing file");
	wx_buf_free(&b);
}

static void
test_parse_u64(void)
{
	uint64_t v = 0;

	is_int(wx_parse_u64("18446744073709551615", 20, UINT64_MAX, &v), 0,
	       "parse_u64: UINT64_MAX");
	ok(v == UINT64_MAX, "parse_u64: UINT64_MAX value");
	is_int(wx_parse_u64("18446744073709551616", 20, UINT64_MAX, &v), -1,
	       "parse_u64: one past UINT64_MAX");
	is_int(wx_parse_u64("4294967296", 10, UINT32_MAX, &v), -1,
	       "parse_u64: over the given max");
	is_int(wx_parse_u64("12x", 3, UINT64_MAX, &v), -1, "parse_u64: non-digit");
	is_int(wx_parse_u64("-1", 2, UINT64_MAX, &v), -1, "parse_u64: sign");
	is_int(wx_parse_u64("", 0, UINT64_MAX, &v), -1, "parse_u64: empty");
	is_int(wx_parse_u64("1234", 2, UINT64_MAX, &v), 0, "parse_u64: n bytes only");
	is_int((long long)v, 12, "parse_u64: n bytes value");
}

static void
test_now(void)
{
	long long t = wx_now_ms();

	ok(t > 1500000000000LL && t < 4102444800000LL, "now_ms is plausible");
}

int
main(void)
{
	wx_argv0 = "test-util";
	test_buf();
	test_asprintf();
	test_read();
	test_parse_u64();
	test_now();
	is_int(wx_strtonum("25", 0, 100, "-t"), 25, "strtonum: in range");
	is_int(wx_strtonum("-3", -5, 5, "-x"), -3, "strtonum: negative");
	return tap_done();
}
