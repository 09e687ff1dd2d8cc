/* Unit tests of lib/json.c: strict parsing over jsmn, paths, iteration,
 * string decoding, integers, and the string writer. */
#include <dirent.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "wx.h"

static struct wx_json *
parse(const char *s)
{
	char err[128];

	return wx_json_parse(s, strlen(s), err, sizeof err);
}

/* Decoded string at path of a one-off document; freed by the caller. */
static char *
str_of(const char *doc, const char *path)
{
	struct wx_json *j = parse(doc);
	char *s = j ? wx_json_getstr(j, 0, path) : NULL;

	wx_json_free(j);
	return s;
}

static void
is_str_free(char *got, const char *want, const char *name)
{
	is_str(got, want, name);
	free(got);
}

static void
test_rejects(void)
{
	static const char *bad[] = {
		"", "   ", "{", "}", "[1 2]", "{\"a\":1,}", "[1,]", "[,1]",
		"{\"a\" 1}", "{\"a\":1 \"b\":2}", "{1:2}", "{\"a\"}",
		"{\"a\":}", "[\"a\":1]", "tru", "nul", "-", "01", "1.", ".5",
		"1e", "+1", "[1]x", "{} {}", "[1] 2", "\"abc", "[\"\\x\"]",
		"[\"\\u12\"]", "{\"a\":[1,2}", "[}", "{]", "\"a\"\"b\"",
		"[0x10]", "[NaN]", "[truefalse]", ":",
		"[\"a\",,\"b\"]", "{,}", "{\"a\":1,,\"b\":2}",
	};
	char err[128];
	size_t i;
	int all = 1;

	for (i = 0; i < sizeof bad / sizeof *bad; i++) {
		struct wx_json *j = wx_json_parse(bad[i], strlen(bad[i]), err,
						  sizeof err);
		if (j || !err[0]) {
			printf("# accepted or no reason: '%s'\n", bad[i]);
			all = 0;
		}
		wx_json_free(j);
	}
	ok(all, "parse: malformed documents are rejected with a reason");
	ok(!wx_json_parse("{\"a\":[1,2", 9, err, sizeof err),
	   "parse: truncated is NULL");
	ok(strstr(err, "truncated") != NULL, "parse: reason says truncated");
	ok(!wx_json_parse("{\"a\":1}\0", 8, err, sizeof err),
	   "parse: NUL byte after the value is garbage");
	ok(!wx_json_parse("[\"a\0b\"]", 7, err, sizeof err),
	   "parse: NUL byte inside a string");
	ok(!wx_json_parse("[1", 2, NULL, 0), "parse: err may be NULL");
}

static void
test_accepts(void)
{
	static const char *good[] = {
		"{}", "[]", " \n\t{ } \r\n", "0", "-0", "1.5e-3", "\"x\"",
		"true", "null", "[[[]]]", "{\"\":\"\"}", "[1E+2,-0.0,false]",
		"{\"a\" : [ 1 , { \"b\" : null } ] }",
	};
	size_t i;
	int all = 1;

	for (i = 0; i < sizeof good / sizeof *good; i++) {
		struct wx_json *j = parse(good[i]);
		if (!j) {
			printf("# rejected: '%s'\n", good[i]);
			all = 0;
		}
		wx_json_free(j);
	}
	ok(all, "parse: valid documents are accepted");
}

static void
test_deep(void)
{
	struct wx_buf b = {0};
	struct wx_json *j;
	char err[128];
	int i;

	for (i = 0; i < 200; i++)
		wx_buf_addc(&b, '[');
	for (i = 0; i < 200; i++)
		wx_buf_addc(&b, ']');
	j = wx_json_parse(b.p, b.len, err, sizeof err);
	ok(j != NULL, "deep: 200 levels parse");
	is_int(wx_json_get(j, 0, "0.0.0"), 3, "deep: path into nested arrays");
	wx_json_free(j);
	wx_buf_reset(&b);
	for (i = 0; i < 1000000; i++)
		wx_buf_adds(&b, "[{\"a\":");
	ok(!wx_json_parse(b.p, b.len, err, sizeof err),
	   "deep: a million levels fail without crashing");
	ok(strstr(err, "deep") != NULL, "deep: reason says nested too deeply");
	wx_buf_reset(&b);
	wx_buf_addc(&b, '{');
	for (i = 0; i < 200000; i++)
		wx_buf_addf(&b, "%s\"k%d\":%d", i ? "," : "", i, i);
	wx_buf_addc(&b, '}');
	j = wx_json_parse(b.p, b.len, err, sizeof err);
	is_int(wx_json_count(j, 0), 200000, "wide: 200000 members (token growth)");
	is_str_free(wx_json_getstr(j, 0, "k199999"), "199999", "wide: last member");
	wx_json_free(j);
	wx_buf_free(&b);
}

static void
test_strings(void)
{
	is_str_free(str_of("{\"s\":\"a\\\"b\\\\c\\/d\\b\\f\\n\\r\\t\"}", "s"),
		    "a\"b\\c/d\b\f\n\r\t", "str: simple escapes");
	is_str_free(str_of("[\"\\u00e9\\u4e2d\"]", "0"), "\xc3\xa9\xe4\xb8\xad",
		    "str: BMP escapes");
	is_str_free(str_of("[\"\\ud83d\\ude04\"]", "0"), "\xf0\x9f\x98\x84",
		    "str: surrogate pair");
	is_str_free(str_of("[\"\\uD83D\\uDE04\"]", "0"), "\xf0\x9f\x98\x84",
		    "str: surrogate pair, upper-case hex");
	is_str_free(str_of("[\"a\\ud83db\"]", "0"), "a\xef\xbf\xbd" "b",
		    "str: lone high surrogate -> U+FFFD");
	is_str_free(str_of("[\"\\ude04\\ud83d\"]", "0"),
		    "\xef\xbf\xbd\xef\xbf\xbd", "str: reversed pair -> 2x U+FFFD");
	is_str_free(str_of("[\"\\ud83d\\u0041\"]", "0"), "\xef\xbf\xbd" "A",
		    "str: high surrogate then non-low");
	is_str_free(str_of("[\"a\\u0000b\"]", "0"), "a\xef\xbf\xbd" "b",
		    "str: \\u0000 -> U+FFFD");
	is_str_free(str_of("[\"\"]", "0"), "", "str: empty");
	is_str_free(str_of("[\"caf\xc3\xa9 \xe5\xbe\xae\"]", "0"),
		    "caf\xc3\xa9 \xe5\xbe\xae", "str: raw UTF-8 kept");
	is_str_free(str_of("[\"a\xff" "b\xc0\xaf\"]", "0"),
		    "a\xef\xbf\xbd" "b\xef\xbf\xbd\xef\xbf\xbd",
		    "str: raw invalid UTF-8 -> U+FFFD");
	is_str_free(str_of("[12345678901234567890123]", "0"),
		    "12345678901234567890123", "str: number stays exact text");
	is_str_free(str_of("[true,null]", "1"), "null", "str: literal text");
	is_str_free(str_of("{\"a\":{}}", "a"), NULL, "str: object -> NULL");
	is_str_free(str_of("{\"a\":1}", "b"), NULL, "getstr: absent -> NULL");
}

static void
test_long_value(void)
{
	struct wx_buf doc = {0}, want = {0};
	struct wx_json *j;
	int i;

	wx_buf_adds(&doc, "{\"v\":\"");
	for (i = 0; i < 300000; i++) {
		wx_buf_adds(&doc, "\\u4e2dx");
		wx_buf_adds(&want, "\xe4\xb8\xadx");
	}
	wx_buf_adds(&doc, "\"}");
	j = wx_json_parse(doc.p, doc.len, NULL, 0);
	is_str_free(wx_json_getstr(j, 0, "v"), want.p, "str: 1.8 MB value");
	wx_json_free(j);
	wx_buf_free(&doc);
	wx_buf_free(&want);
}

static void
test_ints(void)
{
	struct wx_json *j = parse("{\"max\":18446744073709551615,"
		"\"over\":18446744073709551616,\"big\":99999999999999999999999,"
		"\"s\":\"1512190743315786023\",\"neg\":-5,\"f\":1.5,\"e\":1e3,"
		"\"ll\":9223372036854775807,\"llo\":9223372036854775808,"
		"\"llmin\":-9223372036854775808,\"llu\":-9223372036854775809,"
		"\"empty\":\"\",\"txt\":\"12a\",\"t\":true,\"z\":\"-0\"}");
	long long v = 0;
	uint64_t u = 0;

	ok(wx_json_uint64(j, wx_json_get(j, 0, "max"), &u) == 0 &&
	   u == UINT64_MAX, "uint64: 18446744073709551615");
	is_int(wx_json_uint64(j, wx_json_get(j, 0, "over"), &u), -1,
	       "uint64: 2^64 is out of range");
	is_int(wx_json_uint64(j, wx_json_get(j, 0, "big"), &u), -1,
	       "uint64: 23 digits out of range");
	ok(wx_json_uint64(j, wx_json_get(j, 0, "s"), &u) == 0 &&
	   u == 1512190743315786023ULL, "uint64: 19-digit id in a string");
	is_int(wx_json_uint64(j, wx_json_get(j, 0, "neg"), &u), -1,
	       "uint64: negative refused");
	ok(wx_json_uint64(j, wx_json_get(j, 0, "z"), &u) == 0 && u == 0,
	   "uint64: \"-0\" is 0");
	ok(wx_json_int(j, wx_json_get(j, 0, "neg"), &v) == 0 && v == -5,
	   "int: negative");
	is_int(wx_json_int(j, wx_json_get(j, 0, "f"), &v), -1, "int: fraction");
	is_int(wx_json_int(j, wx_json_get(j, 0, "e"), &v), -1, "int: exponent");
	ok(wx_json_int(j, wx_json_get(j, 0, "ll"), &v) == 0 && v == LLONG_MAX,
	   "int: LLONG_MAX");
	is_int(wx_json_int(j, wx_json_get(j, 0, "llo"), &v), -1,
	       "int: LLONG_MAX+1 out of range");
	ok(wx_json_int(j, wx_json_get(j, 0, "llmin"), &v) == 0 &&
	   v == LLONG_MIN, "int: LLONG_MIN");
	is_int(wx_json_int(j, wx_json_get(j, 0, "llu"), &v), -1,
	       "int: below LLONG_MIN");
	is_int(wx_json_int(j, wx_json_get(j, 0, "empty"), &v), -1,
	       "int: empty string");
	is_int(wx_json_int(j, wx_json_get(j, 0, "txt"), &v), -1,
	       "int: non-numeric string");
	is_int(wx_json_int(j, wx_json_get(j, 0, "t"), &v), -1, "int: true");
	is_int(wx_json_int(j, wx_json_get(j, 0, "nope"), &v), -1,
	       "int: absent");
	wx_json_free(j);
}

static void
test_paths(void)
{
	struct wx_json *j = parse("{\"a\":{\"b\":[10,{\"c\":\"x\"},[7]]},"
		"\"k\\u00e9y\":1,\"0\":\"zero\",\"a.b\":2,\"dup\":1,\"dup\":2}");

	is_int(wx_json_type(j, wx_json_get(j, 0, "a.b")), WX_JSON_ARRAY,
	       "get: nested object member");
	is_str_free(wx_json_getstr(j, 0, "a.b.1.c"), "x", "get: array index");
	is_str_free(wx_json_getstr(j, 0, "a.b.2.0"), "7", "get: nested index");
	is_int(wx_json_get(j, 0, "a.b.3"), -1, "get: index past the end");
	is_int(wx_json_get(j, 0, "a.b.-1"), -1, "get: negative index");
	is_int(wx_json_get(j, 0, "a.b.x"), -1, "get: non-numeric index");
	is_int(wx_json_get(j, 0, "a.b.0.c"), -1, "get: step into a number");
	is_int(wx_json_get(j, 0, "a."), -1, "get: trailing dot");
	is_int(wx_json_get(j, 0, ""), 0, "get: empty path is tok itself");
	is_str_free(wx_json_getstr(j, 0, "k\xc3\xa9y"), "1",
		    "get: escaped key matches decoded");
	is_str_free(wx_json_getstr(j, 0, "0"), "zero",
		    "get: numeric part on an object is a key");
	is_str_free(wx_json_getstr(j, 0, "dup"), "1", "get: first duplicate");
	is_int(wx_json_get(j, -1, "a"), -1, "get: from absent token");
	is_int(wx_json_get(j, 9999, ""), -1, "get: out-of-range token");
	is_int(wx_json_type(j, -1), WX_JSON_NONE, "type: absent");
	wx_json_free(j);
}

static void
test_iterate(void)
{
	struct wx_json *j = parse("{\"a\":[1,[2,3],{\"x\":4}],\"b\":{},"
				  "\"c\":[],\"d\":\"s\"}");
	struct wx_buf seen = {0};
	int k, e, n = 0;

	for (k = wx_json_first(j, 0); k >= 0; k = wx_json_next(j, k + 1)) {
		size_t len;
		const char *raw = wx_json_raw(j, k, &len);
		wx_buf_add(&seen, raw, len);
		n++;
	}
	is_str(seen.p, "abcd", "iterate: object keys in order");
	is_int(wx_json_count(j, 0), 4, "count: object members");
	is_int(n, 4, "iterate: four members");
	wx_buf_reset(&seen);
	for (e = wx_json_first(j, wx_json_get(j, 0, "a")); e >= 0;
	     e = wx_json_next(j, e))
		wx_buf_addf(&seen, "%d,", wx_json_type(j, e));
	is_str(seen.p, "4,2,1,", "iterate: array elements, subtrees skipped");
	is_int(wx_json_count(j, wx_json_get(j, 0, "a")), 3, "count: array");
	is_int(wx_json_first(j, wx_json_get(j, 0, "b")), -1, "first: empty {}");
	is_int(wx_json_first(j, wx_json_get(j, 0, "c")), -1, "first: empty []");
	is_int(wx_json_first(j, wx_json_get(j, 0, "d")), -1, "first: string");
	is_int(wx_json_count(j, wx_json_get(j, 0, "d")), 0, "count: string");
	is_int(wx_json_next(j, 0), -1, "next: root has no sibling");
	k = wx_json_first(j, 0);
	is_int(wx_json_next(j, k), k + 1, "next: key's next is its value");
	wx_buf_free(&seen);
	wx_json_free(j);
}

static void
test_sample_init(void)
{
	struct wx_buf text = {0};
	struct wx_json *j = tap_json_file("t/samples/webwxinit-wechat4u-1.json",
				       &text);
	long long v = -1;
	int list, k, n = 0;

	ok(j != NULL, "sample init: parses");
	ok(wx_json_int(j, wx_json_get(j, 0, "BaseResponse.Ret"), &v) == 0 &&
	   v == 0, "sample init: BaseResponse.Ret = 0");
	ok(wx_json_int(j, wx_json_get(j, 0, "Count"), &v) == 0 && v == 11,
	   "sample init: Count says 11");
	is_int(wx_json_count(j, wx_json_get(j, 0, "ContactList")), 7,
	       "sample init: ContactList really holds 7");
	is_str_free(wx_json_getstr(j, 0, "ContactList.0.NickName"),
		    "\xe5\xbe\xae\xe4\xbf\xa1\xe7\xba\xa2\xe5\x8c\x85",
		    "sample init: first contact's NickName");
	is_str_free(wx_json_getstr(j, 0, "User.UserName"),
		    "@2ea0ad63b5550c8842c95cb987adea2491fc9e3db0899696f696149cd"
		    "30688e8", "sample init: User.UserName");
	list = wx_json_get(j, 0, "SyncKey.List");
	for (k = wx_json_first(j, list); k >= 0; k = wx_json_next(j, k))
		n++;
	ok(wx_json_int(j, wx_json_get(j, list, "1.Val"), &v) == 0 &&
	   v == 636445049, "sample init: SyncKey.List.1.Val");
	ok(n > 2 && n == wx_json_count(j, list),
	   "sample init: iteration count = count");
	wx_json_free(j);
	wx_buf_free(&text);
}

static void
test_sample_sync(void)
{
	struct wx_buf text = {0};
	struct wx_json *j = tap_json_file("t/samples/webwxsync-wechat4u-1.json",
				       &text);
	uint64_t id = 0;
	char *content;

	ok(wx_json_uint64(j, wx_json_get(j, 0, "AddMsgList.0.NewMsgId"),
			  &id) == 0 && id == 4442356190966618405ULL,
	   "sample sync: NewMsgId as a number beyond 2^53");
	is_str_free(wx_json_getstr(j, 0, "AddMsgList.1.MsgId"),
		    "6599448710267926107", "sample sync: MsgId string");
	content = wx_json_getstr(j, 0, "AddMsgList.0.Content");
	ok(content && strncmp(content, "&lt;msg&gt;<br/>&lt;op id='4'&gt;",
			      32) == 0, "sample sync: Content decoded");
	free(content);
	wx_json_free(j);
	wx_buf_free(&text);
	j = tap_json_file("t/samples/webwxsync-qwx_23-1.json", &text);
	is_str_free(wx_json_getstr(j, 0, "BaseResponse.Ret"), "1100",
		    "sample qwx_23: Ret 1100");
	is_int(wx_json_count(j, wx_json_get(j, 0, "SyncKey.List")), 0,
	       "sample qwx_23: empty SyncKey list");
	wx_json_free(j);
	wx_buf_free(&text);
}

/* README of t/samples: every .json sample parses (jq agrees). */
static void
test_all_samples(void)
{
	DIR *d = opendir("t/samples");
	struct dirent *e;
	struct wx_buf text = {0};
	char path[512];
	int n = 0, bad = 0;

	while (d && (e = readdir(d))) {
		size_t len = strlen(e->d_name);
		struct wx_json *j;
		if (len < 5 || strcmp(e->d_name + len - 5, ".json") != 0)
			continue;
		snprintf(path, sizeof path, "t/samples/%s", e->d_name);
		wx_buf_reset(&text);
		j = tap_json_file(path, &text);
		n++;
		bad += j == NULL;
		wx_json_free(j);
	}
	if (d)
		closedir(d);
	ok(n > 50, "samples: many .json samples found");
	is_int(bad, 0, "samples: every .json sample parses");
	wx_buf_free(&text);
}

/* Every proper prefix of a real answer is truncated, hence NULL. */
static void
test_prefixes(const char *path)
{
	struct wx_buf text = {0};
	struct wx_json *j = tap_json_file(path, &text);
	size_t n, end = text.len, bad = 0;
	char err[128];

	ok(j != NULL, "prefixes: whole sample parses");
	wx_json_free(j);
	/* a prefix that only drops trailing whitespace is still complete */
	while (end > 0 && strchr(" \t\r\n", text.p[end - 1]))
		end--;
	for (n = 0; n < end; n++) {
		j = wx_json_parse(text.p, n, err, sizeof err);
		if (j) {
			bad++;
			wx_json_free(j);
		}
	}
	is_int(bad, 0, "prefixes: every truncation is NULL");
	wx_buf_free(&text);
}

static void
test_writer(void)
{
	static const char *valid[] = {
		"", "plain", "quote \" back \\ slash / end",
		"ctl \x01\x02\x1f \b\f\n\r\t",
		"\xe4\xb8\xad\xe6\x96\x87 \xf0\x9f\x98\x84 \xc3\xa9 \x7f",
		"\xe2\x80\xa8 line sep",
	};
	struct wx_buf b = {0};
	struct wx_json *j;
	size_t i;

	for (i = 0; i < sizeof valid / sizeof *valid; i++) {
		char name[64];
		wx_buf_reset(&b);
		wx_json_put_strz(&b, valid[i]);
		j = wx_json_parse(b.p, b.len, NULL, 0);
		snprintf(name, sizeof name, "writer: round trip %zu", i);
		is_str_free(wx_json_str(j, 0), valid[i], name);
		wx_json_free(j);
	}
	wx_buf_reset(&b);
	wx_json_put_strz(&b, "a\"b\\c/d\n\t\r\x01\x1f");
	is_str(b.p, "\"a\\\"b\\\\c/d\\n\\t\\r\\u0001\\u001f\"",
	       "writer: exact escapes");
	wx_buf_reset(&b);
	wx_json_put_str(&b, "a\0b", 3);
	is_str(b.p, "\"a\\u0000b\"", "writer: NUL byte");
	wx_buf_reset(&b);
	wx_json_put_strz(&b, "x\xff" "y\xc0\x80" "z\xed\xa0\x80" "w\xe4\xb8");
	is_str(b.p, "\"x\xef\xbf\xbdy\xef\xbf\xbd\xef\xbf\xbdz\xef\xbf\xbd"
	       "\xef\xbf\xbd\xef\xbf\xbdw\xef\xbf\xbd\xef\xbf\xbd\"",
	       "writer: invalid UTF-8 -> U+FFFD per bad byte");
	j = wx_json_parse(b.p, b.len, NULL, 0);
	ok(j && wx_json_type(j, 0) == WX_JSON_STRING,
	   "writer: invalid input still gives valid JSON");
	wx_json_free(j);
	wx_buf_free(&b);
}

/* wx_json_parse_big: each element as a whole parse has it, the root
 * without them, and the verdict and error of a whole parse. */
struct big_seen {
	struct wx_buf users;    /* "UserName," of each element seen */
};

static void
see(void *arg, size_t k, const struct wx_json *j, int tok)
{
	struct big_seen *b = arg;
	char *u = wx_json_getstr(j, tok, "UserName");

	wx_buf_addf(&b->users, "%zu=%s,", k, u ? u : "-");
	free(u);
}

static struct wx_json *
big_parse(const char *doc, struct wx_json_big *big, struct big_seen *b,
          char *err, size_t errlen)
{
	memset(big, 0, sizeof *big);
	memset(b, 0, sizeof *b);
	wx_buf_add(&b->users, "", 0);
	big->key = "List";
	big->seen = see;
	big->arg = b;
	return wx_json_parse_big(doc, strlen(doc), big, err, errlen);
}

/* The elements' bytes, one a line. */
static void
spans_of(const char *doc, const struct wx_json_big *big, struct wx_buf *out)
{
	size_t k;

	wx_buf_reset(out);
	wx_buf_add(out, "", 0);
	for (k = 0; k < big->n; k++)
		wx_buf_addf(out, "[%.*s]", (int)big->el[k].len,
		            doc + big->el[k].at);
}

static void
test_big(void)
{
	static const char *bad[] = {
		"{\"Ret\":0,\"List\":[{\"UserName\":\"a\"},,{}]}",
		"{\"Ret\":0,\"List\":[{\"UserName\":\"a\"} {}]}",
		"{\"Ret\":0,\"List\":[{\"UserName\":\"a\"},]}",
		"{\"Ret\":0,\"List\":[{\"UserName\":\"a\"}],}",
		"{\"Ret\":0,\"List\":[{\"UserName\":\"a\"}}",
		"{\"Ret\":0,\"List\":[{\"UserName\":\"a\",]}]}",
		"{\"Ret\":0,\"List\":[tru]}",
		"{\"Ret\":0,\"List\":[{\"UserName\":\"a\"}]} x",
		"{\"Ret\":0,\"List\":[{\"UserName\":\"a",
	};
	char err[128], werr[128];
	struct wx_json_big big;
	struct big_seen b;
	struct wx_json *j, *w;
	struct wx_buf sp = {0};
	const char *doc;
	size_t i;

	doc = " {\"Ret\":0, \"List\" : [ {\"UserName\":\"a,]}\\\"\"},"
	      "\n{\"UserName\":\"b\",\"M\":[{\"x\":[1,2]}]} ,3 ],\"Count\":2} ";
	j = big_parse(doc, &big, &b, err, sizeof err);
	ok(j != NULL, "big: parses");
	is_int(wx_json_count(j, wx_json_get(j, 0, "List")), 0,
	       "big: the root has the array empty");
	is_str_free(wx_json_getstr(j, 0, "Count"), "2", "big: and the rest");
	is_int((long long)big.n, 3, "big: three elements");
	is_str(b.users.p, "0=a,]}\",1=b,2=-,", "big: each seen once, in order");
	spans_of(doc, &big, &sp);
	is_str(sp.p, "[ {\"UserName\":\"a,]}\\\"\"}][\n{\"UserName\":\"b\","
	       "\"M\":[{\"x\":[1,2]}]} ][3 ]", "big: the elements' bytes");
	wx_json_free(j);
	free(big.el);
	wx_buf_free(&b.users);

	doc = "{\"Ret\":0,\"List\":[]}";
	j = big_parse(doc, &big, &b, err, sizeof err);
	ok(j && big.n == 0, "big: an empty array");
	wx_json_free(j);
	free(big.el);
	wx_buf_free(&b.users);

	/* Not an array: parsed whole, its children are the elements. */
	doc = "{\"List\":{\"k\":{\"UserName\":\"c\"}},\"Ret\":0}";
	j = big_parse(doc, &big, &b, err, sizeof err);
	ok(j != NULL, "big: an object member parses whole");
	is_str(b.users.p, "0=-,1=c,", "big: its keys and values seen");
	spans_of(doc, &big, &sp);
	is_str(sp.p, "[\"k\"][{\"UserName\":\"c\"}]", "big: their bytes");
	wx_json_free(j);
	free(big.el);
	wx_buf_free(&b.users);

	/* An escaped key is the key. */
	doc = "{\"Li\\u0073t\":[{\"UserName\":\"d\"}]}";
	j = big_parse(doc, &big, &b, err, sizeof err);
	ok(j && big.n == 1 && wx_json_count(j, wx_json_get(j, 0, "List")) == 0,
	   "big: an escaped key");
	wx_json_free(j);
	free(big.el);
	wx_buf_free(&b.users);

	for (i = 0; i < sizeof bad / sizeof *bad; i++) {
		w = wx_json_parse(bad[i], strlen(bad[i]), werr, sizeof werr);
		j = big_parse(bad[i], &big, &b, err, sizeof err);
		ok(!j && !w, "big: refused as a whole parse refuses it");
		is_str(err, werr, "big: with the same error");
		wx_json_free(j);
		wx_json_free(w);
		free(big.el);
		wx_buf_free(&b.users);
	}
	wx_buf_free(&sp);
}

int
main(void)
{
	wx_argv0 = "test-json";
	test_rejects();
	test_accepts();
	test_deep();
	test_strings();
	test_long_value();
	test_ints();
	test_paths();
	test_iterate();
	test_big();
	test_sample_init();
	test_sample_sync();
	test_all_samples();
	test_prefixes("t/samples/webwxinit-wechat4u-1.json");
	test_prefixes("t/samples/webwxsync-qwx_23-1.json");
	test_writer();
	return tap_done();
}
