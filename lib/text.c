/* text.c — UTF-8 coding and the decoding of message text as the server
 * renders it (protocol.md §8.4): HTML entities, <br/> and emoji spans. */
#include <stdlib.h>
#include <string.h>

#include "wx.h"

#define REPLACEMENT 0xFFFDu

static int
is_scalar(uint32_t cp)
{
	return cp <= 0x10FFFF && (cp < 0xD800 || cp > 0xDFFF);
}

int
wx_utf8_put(struct wx_buf *b, uint32_t cp)
{
	unsigned char s[4];
	int n;

	if (!is_scalar(cp))
		cp = REPLACEMENT;
	if (cp < 0x80) {
		s[0] = (unsigned char)cp;
		n = 1;
	} else if (cp < 0x800) {
		s[0] = (unsigned char)(0xC0 | cp >> 6);
		s[1] = (unsigned char)(0x80 | (cp & 0x3F));
		n = 2;
	} else if (cp < 0x10000) {
		s[0] = (unsigned char)(0xE0 | cp >> 12);
		s[1] = (unsigned char)(0x80 | (cp >> 6 & 0x3F));
		s[2] = (unsigned char)(0x80 | (cp & 0x3F));
		n = 3;
	} else {
		s[0] = (unsigned char)(0xF0 | cp >> 18);
		s[1] = (unsigned char)(0x80 | (cp >> 12 & 0x3F));
		s[2] = (unsigned char)(0x80 | (cp >> 6 & 0x3F));
		s[3] = (unsigned char)(0x80 | (cp & 0x3F));
		n = 4;
	}
	wx_buf_add(b, s, (size_t)n);
	return n;
}

int
wx_utf8_get(const char *s, size_t n, uint32_t *cp)
{
	/* Smallest code point each length may carry: anything below is an
	 * overlong form, which would let "/" or NUL hide in disguise. */
	static const uint32_t min[5] = {0, 0, 0x80, 0x800, 0x10000};
	const unsigned char *u = (const unsigned char *)s;
	uint32_t c;
	int len, i;

	if (n == 0)
		return -1;
	if (u[0] < 0x80) {
		*cp = u[0];
		return 1;
	}
	if ((u[0] & 0xE0) == 0xC0) {
		len = 2;
		c = u[0] & 0x1F;
	} else if ((u[0] & 0xF0) == 0xE0) {
		len = 3;
		c = u[0] & 0x0F;
	} else if ((u[0] & 0xF8) == 0xF0) {
		len = 4;
		c = u[0] & 0x07;
	} else {
		return -1;  /* continuation byte or 0xF8..0xFF */
	}
	if ((size_t)len > n)
		return -1;
	for (i = 1; i < len; i++) {
		if ((u[i] & 0xC0) != 0x80)
			return -1;
		c = c << 6 | (u[i] & 0x3F);
	}
	if (c < min[len] || !is_scalar(c))
		return -1;
	*cp = c;
	return len;
}

/* HTML 4 names of U+00A0..U+00FF, in code point order. */
static const char *const latin1[96] = {
	"nbsp", "iexcl", "cent", "pound", "curren", "yen", "brvbar", "sect",
	"uml", "copy", "ordf", "laquo", "not", "shy", "reg", "macr",
	"deg", "plusmn", "sup2", "sup3", "acute", "micro", "para", "middot",
	"cedil", "sup1", "ordm", "raquo", "frac14", "frac12", "frac34", "iquest",
	"Agrave", "Aacute", "Acirc", "Atilde", "Auml", "Aring", "AElig", "Ccedil",
	"Egrave", "Eacute", "Ecirc", "Euml", "Igrave", "Iacute", "Icirc", "Iuml",
	"ETH", "Ntilde", "Ograve", "Oacute", "Ocirc", "Otilde", "Ouml", "times",
	"Oslash", "Ugrave", "Uacute", "Ucirc", "Uuml", "Yacute", "THORN", "szlig",
	"agrave", "aacute", "acirc", "atilde", "auml", "aring", "aelig", "ccedil",
	"egrave", "eacute", "ecirc", "euml", "igrave", "iacute", "icirc", "iuml",
	"eth", "ntilde", "ograve", "oacute", "ocirc", "otilde", "ouml", "divide",
	"oslash", "ugrave", "uacute", "ucirc", "uuml", "yacute", "thorn", "yuml",
};

/* The markup escapes, plus punctuation that WeChat users type often. */
static const struct {
	const char *name;
	uint32_t cp;
} named[] = {
	{"amp", '&'}, {"lt", '<'}, {"gt", '>'}, {"quot", '"'}, {"apos", '\''},
	{"ensp", 0x2002}, {"emsp", 0x2003}, {"thinsp", 0x2009},
	{"ndash", 0x2013}, {"mdash", 0x2014}, {"lsquo", 0x2018},
	{"rsquo", 0x2019}, {"ldquo", 0x201C}, {"rdquo", 0x201D},
	{"bull", 0x2022}, {"hellip", 0x2026}, {"euro", 0x20AC},
	{"trade", 0x2122}, {"larr", 0x2190}, {"rarr", 0x2192},
};

/* Longest entity we recognise, "&#x10FFFF;" or "&frac14;", with room. */
#define ENTITY_MAX 12

/* Digits of "&#N;" / "&#xH;" between s and end; 0 if not a character
 * HTML may name (NUL, surrogates, past U+10FFFF: left as text). */
static uint32_t
numeric_entity(const char *s, const char *end)
{
	int base = 10, d;
	uint32_t cp = 0;

	if (s < end && (*s == 'x' || *s == 'X')) {
		base = 16;
		s++;
	}
	if (s == end)
		return 0;
	for (; s < end; s++) {
		d = base == 16 ? wx_hexdigit(*s) : *s >= '0' && *s <= '9' ?
		    *s - '0' : -1;
		if (d < 0)
			return 0;
		cp = cp * (uint32_t)base + (uint32_t)d;
		if (cp > 0x10FFFF)
			return 0;
	}
	return is_scalar(cp) ? cp : 0;
}

static uint32_t
named_entity(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < sizeof named / sizeof *named; i++)
		if (strlen(named[i].name) == n && memcmp(named[i].name, s, n) == 0)
			return named[i].cp;
	for (i = 0; i < 96; i++)
		if (strlen(latin1[i]) == n && memcmp(latin1[i], s, n) == 0)
			return 0xA0 + (uint32_t)i;
	return 0;
}

/* s[0] == '&': append the character and return the bytes used, or 0 to
 * leave the '&' as text.  One pass only: "&amp;lt;" becomes "&lt;". */
static size_t
entity(struct wx_buf *b, const char *s, size_t n)
{
	const char *semi = memchr(s, ';', n < ENTITY_MAX ? n : ENTITY_MAX);
	uint32_t cp;

	if (!semi || semi == s + 1)
		return 0;
	if (s[1] == '#')
		cp = numeric_entity(s + 2, semi);
	else
		cp = named_entity(s + 1, (size_t)(semi - s - 1));
	if (cp == 0)
		return 0;
	wx_utf8_put(b, cp);
	return (size_t)(semi - s) + 1;
}

static int
starts(const char *s, size_t n, const char *prefix)
{
	size_t len = strlen(prefix);

	return n >= len && memcmp(s, prefix, len) == 0;
}

/* Code points of an emoji span's hex digits.  The server concatenates the
 * hex of a pair without a separator, so the length decides the split.
 * The peers' readings (protocol.md §8.4) never conflict, so we take their
 * union: 4 or 5 digits are one code point (both), 6 are 2+4 (IT: keycaps,
 * "3" + U+20E3), 8 are 4+4 (W4U), 10 are 5+5 (both: flags).  Other lengths
 * are ambiguous and stay text.  The peers' remap tables (1f639->1f602 …)
 * are not applied: they disagree with each other, and the code points the
 * server names are real emoji that a faithful decoder must keep. */
static int
emoji_split(const char *hex, size_t n, uint32_t cp[2])
{
	size_t first, i;
	int k;

	switch (n) {
	case 4: case 5: first = n; break;
	case 6: first = 2; break;
	case 8: first = 4; break;
	case 10: first = 5; break;
	default: return 0;
	}
	cp[0] = cp[1] = 0;
	for (i = 0; i < n; i++) {
		k = i < first ? 0 : 1;
		cp[k] = cp[k] << 4 | (uint32_t)wx_hexdigit(hex[i]);
	}
	for (k = 0; k < (first < n ? 2 : 1); k++)
		if (cp[k] < 0x20 || (cp[k] >= 0x7F && cp[k] < 0xA0) ||
		    !is_scalar(cp[k]))
			return 0;  /* control characters are no emoji */
	return first < n ? 2 : 1;
}

/* s[0] == '<': <span class="emoji emojiHEX"></span>.  IT saw the closing
 * tag cut to "</span" at the end of a NickName, so that is accepted at
 * the very end of the text only. */
static size_t
emoji_span(struct wx_buf *b, const char *s, size_t n)
{
	static const char open[] = "<span class=\"emoji emoji";
	static const char close[] = "\"></span>";
	size_t h = sizeof open - 1, used;
	uint32_t cp[2];
	int k, count;

	if (!starts(s, n, open))
		return 0;
	while (h < n && wx_hexdigit(s[h]) >= 0)
		h++;
	if (starts(s + h, n - h, close))
		used = h + sizeof close - 1;
	else if (n - h == sizeof close - 2 &&
		 memcmp(s + h, close, sizeof close - 2) == 0)
		used = n;
	else
		return 0;
	count = emoji_split(s + sizeof open - 1, h - (sizeof open - 1), cp);
	for (k = 0; k < count; k++)
		wx_utf8_put(b, cp[k]);
	return count ? used : 0;
}

/* s[0] == '<': a line break or an emoji span; 0 leaves '<' as text. */
static size_t
tag(struct wx_buf *b, const char *s, size_t n)
{
	static const char *const br[] = {"<br/>", "<br>", "<br />"};
	size_t i;

	for (i = 0; i < sizeof br / sizeof *br; i++) {
		if (starts(s, n, br[i])) {
			wx_buf_addc(b, '\n');
			return strlen(br[i]);
		}
	}
	return emoji_span(b, s, n);
}

/* Bytes before the next '&' or '<', the only places markup can start. */
static size_t
plain_len(const char *s, size_t n)
{
	size_t i = 0;

	while (i < n && s[i] != '&' && s[i] != '<')
		i++;
	return i;
}

char *
wx_text_decode(const char *s, size_t n)
{
	struct wx_buf b = {0};
	size_t i = 0, used;

	wx_buf_add(&b, "", 0);
	while (i < n) {
		if ((used = plain_len(s + i, n - i)) > 0) {
			wx_buf_add(&b, s + i, used);
		} else if ((used = s[i] == '&' ? entity(&b, s + i, n - i) :
				   tag(&b, s + i, n - i)) == 0) {
			wx_buf_addc(&b, s[i]);  /* not markup after all */
			used = 1;
		}
		i += used;
	}
	return b.p;
}

/* A terminal acts on C0 and C1 controls and DEL (ESC starts a sequence,
 * in UTF-8 U+009B is CSI too); a key=value line ends at LF. */
static int
is_control(uint32_t cp)
{
	return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F);
}

static void
escape_bytes(struct wx_buf *b, const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		wx_buf_addf(b, "\\x%02x", (unsigned char)s[i]);
}

char *
wx_safe(const char *s, size_t n)
{
	struct wx_buf b = {0};
	uint32_t cp;
	size_t i;
	int len;

	wx_buf_add(&b, "", 0);
	for (i = 0; i < n; i += (size_t)len) {
		len = wx_utf8_get(s + i, n - i, &cp);
		if (len < 0) {
			len = 1;
			escape_bytes(&b, s + i, 1);
		} else if (is_control(cp)) {
			escape_bytes(&b, s + i, (size_t)len);
		} else {
			wx_buf_add(&b, s + i, (size_t)len);
		}
	}
	return b.p;
}

char *
wx_safez(const char *s)
{
	return wx_safe(s ? s : "", s ? strlen(s) : 0);
}

/* The emoji the server writes as spans: the U+1F000 planes of pictographs
 * (older symbols such as U+2600 stay raw UTF-8 in its answers). */
static int
is_span_emoji(uint32_t cp)
{
	return cp >= 0x1F000 && cp <= 0x1FAFF;
}

void
wx_text_encode(struct wx_buf *b, const char *s, size_t n)
{
	uint32_t cp;
	size_t i = 0;
	int len;

	wx_buf_add(b, "", 0);
	while (i < n) {
		if ((len = wx_utf8_get(s + i, n - i, &cp)) <= 0) {
			wx_utf8_put(b, REPLACEMENT);
			i++;
			continue;
		}
		if (cp == '&')
			wx_buf_adds(b, "&amp;");
		else if (cp == '<')
			wx_buf_adds(b, "&lt;");
		else if (cp == '>')
			wx_buf_adds(b, "&gt;");
		else if (cp == '\n')
			wx_buf_adds(b, "<br/>");
		else if (is_span_emoji(cp))
			wx_buf_addf(b, "<span class=\"emoji emoji%x\"></span>",
			            (unsigned)cp);
		else
			wx_buf_add(b, s + i, (size_t)len);
		i += (size_t)len;
	}
}
