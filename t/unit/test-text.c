/* Unit tests of lib/text.c: UTF-8 coding and message text decoding. */
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "wx.h"

static void
decodes(const char *in, const char *want, const char *name)
{
	char *got = wx_text_decode(in, strlen(in));

	is_str(got, want, name);
	free(got);
}

static void
test_utf8_put(void)
{
	static const struct {
		uint32_t cp;
		const char *want;
	} t[] = {
		{0x41, "A"}, {0x7F, "\x7f"}, {0x80, "\xc2\x80"},
		{0x7FF, "\xdf\xbf"}, {0x800, "\xe0\xa0\x80"},
		{0xFFFD, "\xef\xbf\xbd"}, {0xFFFF, "\xef\xbf\xbf"},
		{0x10000, "\xf0\x90\x80\x80"}, {0x1F604, "\xf0\x9f\x98\x84"},
		{0x10FFFF, "\xf4\x8f\xbf\xbf"}, {0xD800, "\xef\xbf\xbd"},
		{0xDFFF, "\xef\xbf\xbd"}, {0x110000, "\xef\xbf\xbd"},
		{0xFFFFFFFF, "\xef\xbf\xbd"},
	};
	struct wx_buf b = {0};
	size_t i;
	int n;

	for (i = 0; i < sizeof t / sizeof *t; i++) {
		char name[64];
		wx_buf_reset(&b);
		n = wx_utf8_put(&b, t[i].cp);
		snprintf(name, sizeof name, "utf8_put U+%04X", (unsigned)t[i].cp);
		ok(n == (int)strlen(t[i].want) && strcmp(b.p, t[i].want) == 0,
		   name);
	}
	wx_buf_free(&b);
}

static void
test_utf8_get(void)
{
	static const struct {
		const char *s;
		int len;
		uint32_t cp;
		const char *name;
	} t[] = {
		{"A", 1, 0x41, "ASCII"},
		{"\xc3\xa9", 2, 0xE9, "2 bytes"},
		{"\xe4\xb8\xad", 3, 0x4E2D, "3 bytes"},
		{"\xf0\x9f\x98\x84", 4, 0x1F604, "4 bytes"},
		{"\xf4\x8f\xbf\xbf", 4, 0x10FFFF, "U+10FFFF"},
		{"\xc0\xaf", -1, 0, "overlong '/' (2 bytes)"},
		{"\xc1\xbf", -1, 0, "overlong 0x7F"},
		{"\xe0\x80\xaf", -1, 0, "overlong '/' (3 bytes)"},
		{"\xe0\x9f\xbf", -1, 0, "overlong U+07FF"},
		{"\xf0\x8f\xbf\xbf", -1, 0, "overlong U+FFFF"},
		{"\xed\xa0\x80", -1, 0, "surrogate U+D800"},
		{"\xed\xbf\xbf", -1, 0, "surrogate U+DFFF"},
		{"\xf4\x90\x80\x80", -1, 0, "U+110000"},
		{"\xf5\x80\x80\x80", -1, 0, "lead byte F5"},
		{"\xff", -1, 0, "byte FF"},
		{"\x80", -1, 0, "lone continuation"},
		{"\xe4\xb8", -1, 0, "truncated 3-byte"},
		{"\xf0\x9f\x98", -1, 0, "truncated 4-byte"},
		{"\xe4" "A" "\xad", -1, 0, "bad continuation"},
	};
	size_t i;
	uint32_t cp;

	for (i = 0; i < sizeof t / sizeof *t; i++) {
		char name[80];
		int got;
		cp = 0;
		got = wx_utf8_get(t[i].s, strlen(t[i].s), &cp);
		snprintf(name, sizeof name, "utf8_get: %s", t[i].name);
		ok(got == t[i].len && (got < 0 || cp == t[i].cp), name);
	}
	is_int(wx_utf8_get("\xc3\xa9", 1, &cp), -1,
	       "utf8_get: n cuts a sequence short");
	is_int(wx_utf8_get("", 0, &cp), -1, "utf8_get: nothing left");
	ok(wx_utf8_get("\0", 1, &cp) == 1 && cp == 0, "utf8_get: NUL byte");
}

/* Every code point survives put then get. */
static void
test_utf8_roundtrip(void)
{
	struct wx_buf b = {0};
	uint32_t cp, got;
	int bad = 0;

	for (cp = 0; cp <= 0x10FFFF; cp++) {
		if (cp >= 0xD800 && cp <= 0xDFFF)
			continue;
		wx_buf_reset(&b);
		wx_utf8_put(&b, cp);
		if (wx_utf8_get(b.p, b.len, &got) != (int)b.len || got != cp)
			bad++;
	}
	is_int(bad, 0, "utf8: put/get round trip of all scalar values");
	wx_buf_free(&b);
}

static void
test_entities(void)
{
	decodes("a &lt;b&gt; &amp; &quot;c&quot; &apos;d&apos;",
		"a <b> & \"c\" 'd'", "entity: markup escapes");
	decodes("&nbsp;&copy;&eacute;&Eacute;&yuml;&szlig;&frac14;",
		"\xc2\xa0\xc2\xa9\xc3\xa9\xc3\x89\xc3\xbf\xc3\x9f\xc2\xbc",
		"entity: Latin-1 names");
	decodes("&hellip;&mdash;&euro;", "\xe2\x80\xa6\xe2\x80\x94\xe2\x82\xac",
		"entity: common punctuation");
	decodes("&#65;&#x42;&#X43;&#x4e2d;&#128512;",
		"ABC\xe4\xb8\xad\xf0\x9f\x98\x80", "entity: numeric");
	decodes("&amp;lt;", "&lt;", "entity: one pass only");
	decodes("&#99999999;", "&#99999999;", "entity: huge number stays text");
	decodes("&#x110000;", "&#x110000;", "entity: past U+10FFFF stays");
	decodes("&#xd800;", "&#xd800;", "entity: surrogate stays text");
	decodes("&#0;x", "&#0;x", "entity: NUL stays text");
	decodes("&", "&", "entity: lone &");
	decodes("&;", "&;", "entity: empty name");
	decodes("&#;&#x;", "&#;&#x;", "entity: no digits");
	decodes("&#12a;", "&#12a;", "entity: bad digit");
	decodes("&lt", "&lt", "entity: no semicolon");
	decodes("&LT;&Amp;", "&LT;&Amp;", "entity: names are case-sensitive");
	decodes("&bogus;", "&bogus;", "entity: unknown name");
	decodes("&verylongnamewithnoend;", "&verylongnamewithnoend;",
		"entity: long name");
	decodes("AT&T; x&&y;&lt;", "AT&T; x&&y;<", "entity: soup");
}

static void
test_breaks(void)
{
	decodes("a<br/>b<br>c<br />d", "a\nb\nc\nd", "br: three spellings");
	decodes("&lt;br/&gt;<br/>", "<br/>\n", "br: escaped one stays text");
	decodes("<b>x</b><br", "<b>x</b><br", "br: other tags and a cut one");
	decodes("\t&lt;revokemsg&gt;", "\t<revokemsg>", "tab kept");
}

static void
test_emoji(void)
{
	decodes("<span class=\"emoji emoji1f604\"></span>", "\xf0\x9f\x98\x84",
		"emoji: 5 hex");
	decodes("<span class=\"emoji emoji2600\"></span>", "\xe2\x98\x80",
		"emoji: 4 hex");
	decodes("<span class=\"emoji emoji1f1e81f1f3\"></span>",
		"\xf0\x9f\x87\xa8\xf0\x9f\x87\xb3", "emoji: 10 hex flag pair");
	decodes("<span class=\"emoji emoji3320e3\"></span>", "3\xe2\x83\xa3",
		"emoji: 6 hex keycap 2+4");
	decodes("<span class=\"emoji emoji2122fe0f\"></span>",
		"\xe2\x84\xa2\xef\xb8\x8f", "emoji: 8 hex 4+4");
	decodes("x<span class=\"emoji emoji1f450\"></span",
		"x\xf0\x9f\x91\x90", "emoji: closing tag cut at the end");
	decodes("<span class=\"emoji emoji1f450\"></spanx",
		"<span class=\"emoji emoji1f450\"></spanx",
		"emoji: cut closing tag mid-text stays");
	decodes("<span class=\"emoji emoji123\"></span>",
		"<span class=\"emoji emoji123\"></span>", "emoji: 3 hex stays");
	decodes("<span class=\"emoji emoji1f60411\"></span>x",
		"<span class=\"emoji emoji1f60411\"></span>x",
		"emoji: 7 hex stays (ambiguous)");
	decodes("<span class=\"emoji emoji1f6041\"></span>",
		"<span class=\"emoji emoji1f6041\"></span>",
		"emoji: 6 hex whose first part is a control stays");
	decodes("<span class=\"emoji emojid83d\"></span>",
		"<span class=\"emoji emojid83d\"></span>",
		"emoji: surrogate stays text");
	decodes("<span class=\"emoji emoji0000\"></span>",
		"<span class=\"emoji emoji0000\"></span>", "emoji: NUL stays");
	decodes("<span class=\"emoji emoji\"></span>",
		"<span class=\"emoji emoji\"></span>", "emoji: no hex");
	decodes("<span class=\"emoji emoji1f604", "<span class=\"emoji emoji1f604",
		"emoji: truncated span");
	decodes("<span class=\"emoji emoji1f604\"></span>&lt;", "\xf0\x9f\x98\x84<",
		"emoji: then entity");
}

/* The emoji sample from a peer, all spans decoded and nothing else. */
static void
test_sample(void)
{
	struct wx_buf text = {0};
	char *got;

	if (wx_read_file("t/samples/webwxsync_Content-openwechat-2.txt",
			 1 << 20, &text) < 0)
		printf("# cannot read the openwechat-2 sample\n");
	got = wx_text_decode(text.p ? text.p : "", text.len);
	is_str(got, "\xe5\xa4\x9a\xe5\x90\x83\xe7\x82\xb9\xe8\x8b\xb9\xe6\x9e"
	       "\x9c\xf0\x9f\x8d\x8f\xe9\xab\x98\xe5\x85\xb4\xf0\x9f\x98\x84"
	       "\xf0\x9f\x98\x84\xf0\x9f\x98\x84 \xe7\x94\x9f\xe6\xb0\x94\xf0"
	       "\x9f\x99\x8e \xe7\x82\xb9\xe8\xb5\x9e\xf0\x9f\x91\x8d",
	       "sample: openwechat-2 emoji text");
	free(got);
	wx_buf_free(&text);
}

static void
safe_is(const char *in, size_t n, const char *want)
{
	char *got = wx_safe(in, n);

	is_str(got, want, want);
	free(got);
}

static void
test_safe(void)
{
	safe_is("plain 文字 😀", strlen("plain 文字 😀"), "plain 文字 😀");
	safe_is("a\033[2Jb\007", 7, "a\\x1b[2Jb\\x07");
	safe_is("l1\nl2\r\t", 7, "l1\\x0al2\\x0d\\x09");
	safe_is("nul\0x", 5, "nul\\x00x");
	safe_is("del\177", 4, "del\\x7f");
	safe_is("csi\xc2\x9b", 5, "csi\\xc2\\x9b");   /* U+009B, C1 CSI */
	safe_is("bad\xff\xc3", 5, "bad\\xff\\xc3");   /* invalid UTF-8 */
	safe_is("back\\slash", 10, "back\\slash");
}

static void
encodes(const char *in, size_t n, const char *want, const char *name)
{
	struct wx_buf b = {0};

	wx_text_encode(&b, in, n);
	is_str(b.p, want, name);
	wx_buf_free(&b);
}

static void
test_encode(void)
{
	encodes("", 0, "", "encode: empty input gives an empty string");
	encodes("Tom & Jerry <3>", 15, "Tom &amp; Jerry &lt;3&gt;",
	        "encode: & < > as entities");
	encodes("a\nb", 3, "a<br/>b", "encode: LF as <br/>");
	encodes("\xf0\x9f\x98\x84!", 5,
	        "<span class=\"emoji emoji1f604\"></span>!",
	        "encode: U+1F604 as an emoji span");
	encodes("\xe2\x98\x80", 3, "\xe2\x98\x80",
	        "encode: U+2600 stays raw, as the server sends it");
	encodes("a\xff" "b", 3, "a\xef\xbf\xbd" "b",
	        "encode: invalid UTF-8 becomes U+FFFD");
	encodes("a&b", 1, "a", "encode: only n bytes are read");
}

/* decode(encode(x)) == x for text that looks like markup already. */
static void
test_round_trip(void)
{
	static const char *const t[] = {
		"hello", "\xe4\xbd\xa0\xe5\xa5\xbd", "Tom & Jerry <3",
		"line one\nline two\n\n", "emoji \xf0\x9f\x98\x80\xf0\x9f\x98\x80",
		"&amp; &lt; &#60; &#x3c; &nbsp;", "<br/> <br> <br />",
		"<span class=\"emoji emoji1f604\"></span>",
		"http://example.com/?a=1&b=2", "\xf0\x9f\x87\xa8\xf0\x9f\x87\xb3",
		"a > b && c < d", "trailing &",
	};
	struct wx_buf b = {0};
	char *back, name[80];
	size_t i;

	for (i = 0; i < sizeof t / sizeof *t; i++) {
		wx_buf_reset(&b);
		wx_text_encode(&b, t[i], strlen(t[i]));
		back = wx_text_decode(b.p, b.len);
		snprintf(name, sizeof name, "round trip: text %zu", i);
		is_str(back, t[i], name);
		free(back);
	}
	wx_buf_free(&b);
}

int
main(void)
{
	char *s;

	wx_argv0 = "test-text";
	test_safe();
	test_utf8_put();
	test_utf8_get();
	test_utf8_roundtrip();
	test_entities();
	test_breaks();
	test_emoji();
	test_sample();
	test_encode();
	test_round_trip();
	s = wx_text_decode("", 0);
	is_str(s, "", "decode: empty input gives an empty string");
	free(s);
	s = wx_text_decode("a&lt;b", 3);
	is_str(s, "a&l", "decode: only n bytes are read");
	free(s);
	return tap_done();
}
