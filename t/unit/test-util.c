/* Unit tests of lib/util.c and lib/file.c: buffers, number parsing,
 * base64, file reads, atomic writes. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
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
base64_is(const char *in, int rc, const char *want)
{
	struct wx_buf b = {0};

	wx_buf_add(&b, "", 0);
	is_int(wx_base64_decode(in, strlen(in), &b), rc, in);
	if (rc == 0)
		is_str(b.p, want, in);
	wx_buf_free(&b);
}

static void
test_base64(void)
{
	base64_is("", 0, "");
	base64_is("Zg==", 0, "f");
	base64_is("Zm8=", 0, "fo");
	base64_is("Zm9v", 0, "foo");
	base64_is("Zm9vYmFy", 0, "foobar");
	base64_is("Zm9vYg", 0, "foob");     /* padding optional */
	base64_is("Z", -1, NULL);           /* six bits: no byte */
	base64_is("Zm9v!", -1, NULL);
	base64_is("Zm\n9v", -1, NULL);      /* no line breaks */
}

static void
test_write_atomic(void)
{
	char dir[] = "/tmp/wx-test-util-XXXXXX";
	struct wx_buf b = {0};
	struct stat sb;
	char *path, *stale;
	mode_t old = umask(022);

	if (!mkdtemp(dir)) {
		ok(0, "write_atomic: mkdtemp");
		return;
	}
	path = wx_asprintf("%s/f", dir);
	stale = wx_asprintf("%s/f.tmp.dead01", dir);
	is_int(wx_write_atomic(path, "abc", 3, 0666), 0, "write_atomic: ok");
	ok(stat(path, &sb) == 0 && (sb.st_mode & 0777) == 0644,
	   "write_atomic: mode under the umask");
	is_int(wx_write_atomic(path, "xy", 2, 0600), 0, "write_atomic: again");
	ok(stat(path, &sb) == 0 && (sb.st_mode & 0777) == 0600,
	   "write_atomic: new mode");
	wx_read_file(path, 100, &b);
	is_str(b.p, "xy", "write_atomic: replaced whole");
	fclose(fopen(stale, "w"));
	wx_remove_stale_temps(path);
	ok(access(stale, F_OK) != 0 && access(path, F_OK) == 0,
	   "remove_stale_temps: the temp goes, the file stays");
	free(path);
	path = wx_asprintf("%s/no/such/f", dir);
	is_int(wx_write_atomic(path, "abc", 3, 0600), -1,
	       "write_atomic: missing directory fails");
	is_int(wx_exit_errno(errno), WX_EXIT_USAGE, "exit_errno: ENOENT is 100");
	is_int(wx_exit_errno(ENOSPC), WX_EXIT_TEMP, "exit_errno: ENOSPC is 111");
	is_int(wx_exit_errno(WX_ENOTREG), WX_EXIT_USAGE,
	       "exit_errno: not a regular file is 100");
	umask(old);
	free(path);
	free(stale);
	wx_buf_free(&b);
	path = wx_asprintf("rm -rf '%s'", dir);
	if (system(path) != 0)
		ok(0, "write_atomic: cleanup");
	free(path);
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
	test_base64();
	test_write_atomic();
	test_now();
	is_int(wx_strtonum("25", 0, 100, "-t"), 25, "strtonum: in range");
	is_int(wx_strtonum("-3", -5, 5, "-x"), -3, "strtonum: negative");
	return tap_done();
}
