/* Unit tests of lib/sync.c: wx_parse_synccheck on every synccheck answer
 * in t/samples (protocol.md §5.5: 43, 44 and 46 bytes, retcode "-1"),
 * the forms it tolerates (quoted keys, spaces, a final ';' and LF), what
 * it refuses (every truncation, missing or bad members, garbage, empty,
 * NULL, over 256 bytes), and wx_synccheck_exit with its stderr line. */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "wx.h"

/* Every synccheck-*.txt of t/samples and what it says (samples README). */
static const struct {
	const char *name;
	long long retcode, selector;
	size_t size;
} samples[] = {
	{"synccheck-Flowise_2668-1.txt", 1101, 0, 46},
	{"synccheck-WeixinBot_1-1.txt", 0, 2, 43},
	{"synccheck-WeixinBot_1-2.txt", 1100, 0, 46},
	{"synccheck-WeixinBot_58-1.txt", 1100, 0, 46},
	{"synccheck-WeixinBot_58-2.txt", 1101, 0, 46},
	{"synccheck-difyonwechat_197-1.txt", 1102, 0, 46},
	{"synccheck-qwx-1.txt", 0, 0, 43},
	{"synccheck-qwx-2.txt", 0, 6, 43},
	{"synccheck-qwx-3.txt", 0, 2, 43},
	{"synccheck-qwx-4.txt", 0, 4, 43},
	{"synccheck-wechat4u-1.txt", 0, 0, 43},
	{"synccheck-wechat4u-2.txt", 0, 2, 43},
	{"synccheck-wechatapi_73-1.txt", 0, 3, 43},
	{"synccheck-weixinHttp-1.txt", 0, 0, 43},
	{"synccheck-weixinHttp-2.txt", 0, 2, 43},
	{"synccheck-wwdk-1.txt", 0, 2, 43},
	{"synccheck-wxBot_26-1.txt", 0, 6, 43},
	{"synccheck-wxagent_10-1.txt", -1, 0, 44},
};
#define NSAMPLES (sizeof samples / sizeof *samples)

static int
parse(const char *s, size_t n, struct wx_check *c)
{
	c->retcode = c->selector = -12345;
	return wx_parse_synccheck(s, n, c);
}

/* Accepted, with these values. */
static void
accepts(const char *s, size_t n, long long retcode, long long selector,
        const char *what)
{
	struct wx_check c;
	char name[200];

	snprintf(name, sizeof name, "accepts %s", what);
	is_int(parse(s, n, &c), 0, name);
	snprintf(name, sizeof name, "%s: retcode", what);
	is_int(c.retcode, retcode, name);
	snprintf(name, sizeof name, "%s: selector", what);
	is_int(c.selector, selector, name);
}

static void
accepts_z(const char *s, long long retcode, long long selector,
          const char *what)
{
	accepts(s, strlen(s), retcode, selector, what);
}

static void
refuses(const char *s, size_t n, const char *what)
{
	struct wx_check c;
	char name[200];

	snprintf(name, sizeof name, "refuses %s", what);
	is_int(parse(s, n, &c), -1, name);
}

static void
refuses_z(const char *s, const char *what)
{
	refuses(s, strlen(s), what);
}

/* Each sample: parsed as its README row says, and the file list matches
 * the table (a new sample must be added here). */
static void
test_samples(void)
{
	DIR *d = opendir("t/samples");
	struct dirent *e;
	size_t i, found = 0, listed;
	char path[300];

	for (i = 0; i < NSAMPLES; i++) {
		struct wx_buf text = {0};

		snprintf(path, sizeof path, "t/samples/%s", samples[i].name);
		if (wx_read_file(path, 4096, &text) < 0) {
			ok(0, samples[i].name);
			printf("# cannot read %s\n", path);
			continue;
		}
		is_int(text.len, samples[i].size, samples[i].name);
		accepts(text.p, text.len, samples[i].retcode,
		        samples[i].selector, samples[i].name);
		wx_buf_free(&text);
	}
	ok(d != NULL, "t/samples opens");
	while (d && (e = readdir(d)) != NULL) {
		size_t n = strlen(e->d_name);

		if (strncmp(e->d_name, "synccheck-", 10) != 0 || n < 4 ||
		    strcmp(e->d_name + n - 4, ".txt") != 0)
			continue;
		found++;
		for (listed = 0, i = 0; i < NSAMPLES; i++)
			listed |= strcmp(samples[i].name, e->d_name) == 0;
		if (!listed)
			printf("# %s is not in the table\n", e->d_name);
	}
	if (d)
		closedir(d);
	is_int(found, NSAMPLES, "every synccheck-*.txt sample is in the table");
}

#define EXACT(r, s) "window.synccheck={retcode:\"" r "\",selector:\"" s "\"}"

static void
test_exact(void)
{
	is_int(strlen(EXACT("0", "2")), 43, "the exact form is 43 bytes");
	accepts_z(EXACT("0", "2"), 0, 2, "exact 43 bytes");
	is_int(strlen(EXACT("-1", "0")), 44, "retcode -1: 44 bytes");
	accepts_z(EXACT("-1", "0"), -1, 0, "exact retcode -1");
	is_int(strlen(EXACT("1101", "0")), 46, "a 4-digit retcode: 46 bytes");
	accepts_z(EXACT("1101", "0"), 1101, 0, "exact retcode 1101");
	accepts_z(EXACT("1102", "0"), 1102, 0, "exact retcode 1102");
	accepts_z(EXACT("1205", "0"), 1205, 0, "exact retcode 1205");
	accepts_z(EXACT("9999", "0"), 9999, 0, "exact retcode 9999");
	accepts_z(EXACT("0", "7"), 0, 7, "selector 7");
	accepts_z(EXACT("0", "0"), 0, 0, "selector 0");
	accepts_z(EXACT("-0", "0"), 0, 0, "retcode -0");
	accepts_z(EXACT("-1205", "0"), -1205, 0, "retcode -1205");
	accepts_z(EXACT("123456789", "987654321"), 123456789, 987654321,
	          "9 digits");
	accepts_z(EXACT("007", "02"), 7, 2, "leading zeros");
}

static void
test_tolerated(void)
{
	accepts_z("window.synccheck={\"retcode\":\"0\",\"selector\":\"2\"}",
	          0, 2, "quoted keys");
	accepts_z("window.synccheck={\"retcode\":\"1101\",selector:\"0\"}",
	          1101, 0, "one key quoted");
	accepts_z("window.synccheck = { retcode : \"0\" , selector : \"2\" }",
	          0, 2, "spaces everywhere");
	accepts_z(" \t\r\nwindow.synccheck=\t{\n retcode:\"0\",\r\n"
	          " selector:\"4\"\n}\n", 0, 4, "tabs, CR, LF around");
	accepts_z(EXACT("0", "2") ";", 0, 2, "a trailing ';'");
	accepts_z(EXACT("0", "2") "\n", 0, 2, "a trailing LF");
	accepts_z(EXACT("0", "2") ";\n", 0, 2, "a trailing ';' and LF");
	accepts_z(EXACT("0", "2") "\r\n", 0, 2, "a trailing CRLF");
	accepts_z(EXACT("0", "2") " ; \n", 0, 2, "spaces around ';'");
	accepts_z("window.synccheck={selector:\"6\",retcode:\"0\"}",
	          0, 6, "selector first");
}

static void
test_refused(void)
{
	static const char exact[] = EXACT("1101", "0");
	static const char nul_inside[] =
		"window.synccheck={retcode:\"0\0\",selector:\"2\"}";
	struct wx_check c;
	char name[80], big[300];
	size_t i, bad = 0;

	/* every proper prefix of a real answer, the empty one included */
	for (i = 0; i < sizeof exact - 1; i++)
		if (parse(exact, i, &c) != -1) {
			bad++;
			printf("# prefix of %zu bytes accepted\n", i);
		}
	is_int(bad, 0, "refuses every truncation of a 46-byte answer");
	refuses("", 0, "empty");
	refuses(exact, 0, "length 0");
	is_int(wx_parse_synccheck(NULL, 0, &c), -1, "refuses NULL");
	is_int(wx_parse_synccheck(NULL, 43, &c), -1, "refuses NULL, n 43");
	refuses_z("window.synccheck={retcode:\"0\"}", "missing selector");
	refuses_z("window.synccheck={selector:\"2\"}", "missing retcode");
	refuses_z("window.synccheck={}", "no members");
	refuses_z(EXACT("0x", "2"), "non-digit retcode");
	refuses_z(EXACT("a", "2"), "a letter for retcode");
	refuses_z(EXACT("0", "2a"), "non-digit selector");
	refuses_z(EXACT("", "2"), "empty retcode");
	refuses_z(EXACT("0", ""), "empty selector");
	refuses_z(EXACT("-", "2"), "a lone minus");
	refuses_z(EXACT("--1", "2"), "two minus signs");
	refuses_z(EXACT("+1", "2"), "a plus sign");
	refuses_z(EXACT(" 0", "2"), "a space inside the quotes");
	refuses_z(EXACT("1.5", "2"), "a fraction");
	refuses_z(EXACT("1234567890", "0"), "10-digit retcode");
	refuses_z(EXACT("0", "1234567890"), "10-digit selector");
	refuses_z(EXACT("99999999999999999999", "0"), "20-digit retcode");
	refuses_z("window.synccheck={retcode:0,selector:2}", "unquoted values");
	refuses_z("window.synccheck={retcode:'0',selector:'2'}",
	          "single-quoted values");
	refuses_z("window.synccheck={\"retcode:\"0\",selector:\"2\"}",
	          "a key's quote not closed");
	refuses_z("window.synccheck={retcode\":\"0\",selector:\"2\"}",
	          "a key's quote not opened");
	refuses_z("window.synccheck={retcode:\"0\" selector:\"2\"}",
	          "no comma");
	refuses_z("window.synccheck={retcode:\"0\",selector:\"2\",}",
	          "a trailing comma");
	refuses_z("window.synccheck={retcode:\"0\",selector:\"2\"",
	          "no closing brace");
	refuses_z("window.synccheck=retcode:\"0\",selector:\"2\"}",
	          "no opening brace");
	refuses_z("window.synccheck{retcode:\"0\",selector:\"2\"}", "no '='");
	refuses_z("synccheck={retcode:\"0\",selector:\"2\"}", "no 'window.'");
	refuses_z("window.Synccheck={retcode:\"0\",selector:\"2\"}",
	          "another case");
	refuses_z("window.code=200;", "a login answer");
	refuses_z(EXACT("0", "2") "x", "garbage after");
	refuses_z(EXACT("0", "2") ";;", "two ';'");
	refuses_z(EXACT("0", "2") ";x", "garbage after ';'");
	refuses_z(EXACT("0", "2") EXACT("0", "2"), "the answer twice");
	refuses(EXACT("0", "2") "\0", 44, "a NUL after");
	refuses(nul_inside, sizeof nul_inside - 1, "a NUL inside a value");
	refuses_z("x" EXACT("0", "2"), "garbage before");
	refuses_z("<html>502 Bad Gateway</html>", "an HTML error page");

	/* n is the bound: 256 bytes is the most it reads */
	memset(big, ' ', sizeof big);
	memcpy(big, exact, sizeof exact - 1);
	accepts(big, 256, 1101, 0, "256 bytes (trailing spaces)");
	refuses(big, 257, "257 bytes (trailing spaces)");
	refuses(big, sizeof big, "300 bytes (trailing spaces)");
	memset(big, ' ', sizeof big);
	memcpy(big + sizeof big - (sizeof exact - 1), exact, sizeof exact - 1);
	refuses(big, sizeof big, "over 256 bytes (leading spaces)");
	snprintf(name, sizeof name, "n bounds the read: %zu of a longer text",
	         sizeof exact - 1);
	memcpy(big, exact, sizeof exact - 1);
	memcpy(big + sizeof exact - 1, "garbage", 7);
	accepts(big, sizeof exact - 1, 1101, 0, name);
}

/* rc and the stderr line of wx_synccheck_exit(code). */
static void
exit_of(long long code, int want, const char *has)
{
	struct tap_stderr c;
	struct wx_buf msg = {0};
	char name[120];
	int rc;

	tap_stderr_begin(&c);
	rc = wx_synccheck_exit(code);
	tap_stderr_end(&c, &msg);
	snprintf(name, sizeof name, "synccheck_exit(%lld) = %d", code, want);
	is_int(rc, want, name);
	if (!has) {
		snprintf(name, sizeof name, "synccheck_exit(%lld): silent", code);
		is_str(msg.p, "", name);
		wx_buf_free(&msg);
		return;
	}
	snprintf(name, sizeof name, "synccheck_exit(%lld): one line, "
	         "prefixed 'test-sync: synccheck: '", code);
	ok(msg.len > 0 && msg.p[msg.len - 1] == '\n' &&
	   memchr(msg.p, '\n', msg.len - 1) == NULL &&
	   strncmp(msg.p, "test-sync: synccheck: ", 22) == 0, name);
	snprintf(name, sizeof name, "synccheck_exit(%lld): says '%s'", code, has);
	if (!ok(strstr(msg.p, has) != NULL, name))
		printf("# stderr: %s", msg.p);
	wx_buf_free(&msg);
}

static void
test_exit(void)
{
	exit_of(0, WX_EXIT_OK, NULL);
	exit_of(1100, WX_EXIT_REFUSED, "logged out (1100)");
	exit_of(1101, WX_EXIT_REFUSED, "logged out (1101)");
	exit_of(1102, WX_EXIT_REFUSED, "logged out (1102)");
	exit_of(1205, WX_EXIT_TEMP, "1205");
	exit_of(-1, WX_EXIT_TEMP, "-1");
	exit_of(9999, WX_EXIT_TEMP, "9999");
	exit_of(2, WX_EXIT_TEMP, "2");
	is_int(WX_EXIT_REFUSED, 1, "logged out is exit 1");
	is_int(WX_EXIT_TEMP, 111, "try later is exit 111");
}

int
main(void)
{
	wx_argv0 = "test-sync";
	test_samples();
	test_exact();
	test_tolerated();
	test_refused();
	test_exit();
	return tap_done();
}
