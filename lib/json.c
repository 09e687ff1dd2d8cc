/* json.c — JSON reading on top of jsmn, and a JSON string writer.
 *
 * jsmn only tokenizes: it accepts "[1 2]", "{"a":1,}", "tru" and other
 * near-JSON.  So after it has run we check the token tree against the text
 * ourselves (separators between tokens, primitive spelling, one root value
 * and nothing after it), which turns jsmn into a strict parser without a
 * second grammar.  Nothing here recurses, so deep nesting cannot blow the
 * stack; a depth limit keeps jsmn's closing-bracket walk linear. */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "wx.h"

#define JSMN_STATIC
#define JSMN_PARENT_LINKS  /* O(1) steps on ',' instead of a backward scan */
#define JSMN_STRICT        /* only strings as keys, only JSON primitives */
#include <jsmn.h>

/* WeChat answers nest five levels deep; 256 leaves room for anything sane. */
#define MAX_DEPTH 256

struct wx_json {
	char *text;      /* copy of the document, NUL-terminated */
	size_t len;
	jsmntok_t *tok;
	int ntok;
	/* jsmn hangs an object member's value below its key; we flatten that
	 * so an object's children are key, value, key, value…  skip[i] is the
	 * index after i's subtree, up[i] the object/array holding i. */
	int *skip;
	int *up;
};

static void
set_err(char *err, size_t errlen, const char *msg, size_t at)
{
	if (err && errlen)
		snprintf(err, errlen, "%s at byte %zu", msg, at);
}

/* The end of the string whose content starts at s + i: the index of its
 * closing quote (one after an even run of backslashes), or n.  memchr
 * finds the quotes: most of a contact list's bytes are in strings. */
static size_t
string_end(const char *s, size_t i, size_t n)
{
	const char *q;
	size_t k;

	while ((q = memchr(s + i, '"', n - i))) {
		for (k = 0; q - k > s + i && q[-1 - (long)k] == '\\'; k++)
			;
		if (k % 2 == 0)
			return (size_t)(q - s);
		i = (size_t)(q - s) + 1;
	}
	return n;
}

/* Nesting depth over the whole text, strings skipped; jsmn walks up the
 * open containers on every close, so depth must be bounded first. */
static int
too_deep(const char *s, size_t n, size_t *at)
{
	int depth = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		if (s[i] == '"') {
			i = string_end(s, i + 1, n);
		} else if (s[i] == '{' || s[i] == '[') {
			if (++depth > MAX_DEPTH) {
				*at = i;
				return 1;
			}
		} else if (s[i] == '}' || s[i] == ']') {
			depth--;
		}
	}
	return 0;
}

/* Run jsmn, growing the token array whenever it runs out. */
static int
tokenize(struct wx_json *j, size_t *at)
{
	jsmn_parser p;
	unsigned int cap = 64;
	int r;

	jsmn_init(&p);
	j->tok = wx_malloc(cap * sizeof *j->tok);
	while ((r = jsmn_parse(&p, j->text, j->len, j->tok, cap)) ==
	       JSMN_ERROR_NOMEM) {
		cap *= 2;
		j->tok = wx_realloc(j->tok, cap * sizeof *j->tok);
	}
	*at = p.pos;
	return r < 0 ? r : (int)p.toknext;  /* tokens really filled in */
}

static int
is_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static size_t
skip_ws(const char *s, size_t i, size_t end)
{
	while (i < end && is_ws(s[i]))
		i++;
	return i;
}

/* Byte range of a token including a string's quotes. */
static size_t
outer_start(const jsmntok_t *t)
{
	return (size_t)t->start - (t->type == JSMN_STRING);
}

static size_t
outer_end(const jsmntok_t *t)
{
	return (size_t)t->end + (t->type == JSMN_STRING);
}

/* Fill skip[] and up[] from the last token to the first, so every child's
 * subtree is known before its parent's; any token that jsmn attached to
 * something other than the container walking over it fails the check. */
static int
link_tree(struct wx_json *j)
{
	const jsmntok_t *t = j->tok;
	int i, k, c, n = j->ntok;

	for (i = n - 1; i >= 0; i--) {
		c = i + 1;
		if (t[i].type == JSMN_OBJECT) {
			for (k = 0; k < t[i].size; k++) {
				if (c + 1 >= n || t[c].type != JSMN_STRING ||
				    t[c].size != 1 || t[c].parent != i ||
				    t[c + 1].parent != c)
					return -1;
				j->up[c] = j->up[c + 1] = i;
				c = j->skip[c + 1];
			}
		} else if (t[i].type == JSMN_ARRAY) {
			for (k = 0; k < t[i].size; k++) {
				if (c >= n || t[c].parent != i)
					return -1;
				j->up[c] = i;
				c = j->skip[c];
			}
		}
		/* A key owns its value in jsmn but is a leaf here: its
		 * skip is the value, which makes key, value siblings. */
		j->skip[i] = c;
	}
	j->up[0] = -1;
	return n > 0 && j->skip[0] == n ? 0 : -1;
}

/* The text between a container's children must be exactly its
 * punctuation: ':' after a key, ',' between members. */
static int
check_container(const struct wx_json *j, int i, size_t *at)
{
	const jsmntok_t *t = j->tok;
	const char *s = j->text;
	int obj = t[i].type == JSMN_OBJECT, c, k;
	size_t pos = (size_t)t[i].start + 1, end = (size_t)t[i].end - 1;

	if (s[t[i].start] != (obj ? '{' : '[') || s[end] != (obj ? '}' : ']')) {
		*at = (size_t)t[i].start;
		return -1;
	}
	for (c = i + 1, k = 0; c < j->skip[i]; c = j->skip[c], k++) {
		pos = skip_ws(s, pos, end);
		if (k > 0) {
			char sep = obj && k % 2 ? ':' : ',';
			if (pos >= end || s[pos] != sep)
				break;
			pos = skip_ws(s, pos + 1, end);
		}
		if (pos != outer_start(&t[c]))
			break;
		pos = outer_end(&t[c]);
	}
	pos = skip_ws(s, pos, end);
	if (pos != end || c != j->skip[i]) {
		*at = pos;
		return -1;
	}
	return 0;
}

static int
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static size_t
digits(const char *s, size_t i, size_t n)
{
	while (i < n && is_digit(s[i]))
		i++;
	return i;
}

/* RFC 8259 number: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? */
static int
is_number(const char *s, size_t n)
{
	size_t i = 0, d;

	if (i < n && s[i] == '-')
		i++;
	if (i < n && s[i] == '0')
		i++;
	else if ((d = digits(s, i, n)) > i)
		i = d;
	else
		return 0;
	if (i < n && s[i] == '.') {
		if ((d = digits(s, i + 1, n)) == i + 1)
			return 0;
		i = d;
	}
	if (i < n && (s[i] == 'e' || s[i] == 'E')) {
		i++;
		if (i < n && (s[i] == '+' || s[i] == '-'))
			i++;
		if ((d = digits(s, i, n)) == i)
			return 0;
		i = d;
	}
	return i == n;
}

static int
is_word(const char *s, size_t n, const char *w)
{
	return n == strlen(w) && memcmp(s, w, n) == 0;
}

static int
check_primitive(const struct wx_json *j, int i)
{
	const char *s = j->text + j->tok[i].start;
	size_t n = (size_t)(j->tok[i].end - j->tok[i].start);

	return is_number(s, n) || is_word(s, n, "true") ||
	       is_word(s, n, "false") || is_word(s, n, "null") ? 0 : -1;
}

/* Everything jsmn lets through that JSON does not allow. */
static const char *
check_grammar(struct wx_json *j, size_t *at)
{
	int i;

	if (link_tree(j) < 0) {
		*at = j->ntok > 0 ? outer_end(&j->tok[0]) : 0;
		return "malformed JSON";
	}
	if (skip_ws(j->text, 0, j->len) != outer_start(&j->tok[0]) ||
	    skip_ws(j->text, outer_end(&j->tok[0]), j->len) != j->len) {
		*at = skip_ws(j->text, outer_end(&j->tok[0]), j->len);
		return "malformed JSON or data after the value";
	}
	for (i = 0; i < j->ntok; i++) {
		if (j->tok[i].type == JSMN_PRIMITIVE && check_primitive(j, i)) {
			*at = (size_t)j->tok[i].start;
			return "bad literal";
		}
		if ((j->tok[i].type == JSMN_OBJECT ||
		     j->tok[i].type == JSMN_ARRAY) && check_container(j, i, at))
			return "malformed JSON";
	}
	return NULL;
}

static const char *
parse_into(struct wx_json *j, size_t *at)
{
	int r;

	*at = 0;
	if (j->len >= (size_t)1 << 30)
		return "document too large";
	if (too_deep(j->text, j->len, at))
		return "nested too deeply";
	/* In strict mode jsmn wants a delimiter after a primitive; a root
	 * "123" has none, so tokenize with the terminating space visible. */
	j->text[j->len] = ' ';
	j->len++;
	r = tokenize(j, at);
	j->len--;
	j->text[j->len] = '\0';
	if (r == JSMN_ERROR_PART) {
		*at = j->len;
		return "truncated JSON";
	}
	if (r < 0)
		return "malformed JSON";
	if (r == 0)
		return "empty document";
	j->ntok = r;
	j->skip = wx_calloc((size_t)r, sizeof *j->skip);
	j->up = wx_calloc((size_t)r, sizeof *j->up);
	return check_grammar(j, at);
}

struct wx_json *
wx_json_parse(const char *text, size_t len, char *err, size_t errlen)
{
	struct wx_json *j = wx_calloc(1, sizeof *j);
	const char *why;
	size_t at;

	j->text = wx_malloc(len + 2);
	if (len)
		memcpy(j->text, text, len);
	j->text[len] = '\0';
	j->len = len;
	if ((why = parse_into(j, &at))) {
		set_err(err, errlen, why, at);
		wx_json_free(j);
		return NULL;
	}
	return j;
}

void
wx_json_free(struct wx_json *j)
{
	if (!j)
		return;
	free(j->text);
	free(j->tok);
	free(j->skip);
	free(j->up);
	free(j);
}

static int
valid(const struct wx_json *j, int tok)
{
	return j && tok >= 0 && tok < j->ntok;
}

enum wx_json_type
wx_json_type(const struct wx_json *j, int tok)
{
	const char *s;

	if (!valid(j, tok))
		return WX_JSON_NONE;
	switch (j->tok[tok].type) {
	case JSMN_OBJECT:
		return WX_JSON_OBJECT;
	case JSMN_ARRAY:
		return WX_JSON_ARRAY;
	case JSMN_STRING:
		return WX_JSON_STRING;
	case JSMN_PRIMITIVE:
		s = j->text + j->tok[tok].start;
		return *s == 't' ? WX_JSON_TRUE : *s == 'f' ? WX_JSON_FALSE :
		       *s == 'n' ? WX_JSON_NULL : WX_JSON_NUMBER;
	default:
		return WX_JSON_NONE;
	}
}

int
wx_json_count(const struct wx_json *j, int tok)
{
	enum wx_json_type t = wx_json_type(j, tok);

	return t == WX_JSON_OBJECT || t == WX_JSON_ARRAY ? j->tok[tok].size : 0;
}

int
wx_json_first(const struct wx_json *j, int tok)
{
	return wx_json_count(j, tok) > 0 ? tok + 1 : -1;
}

int
wx_json_next(const struct wx_json *j, int tok)
{
	int up;

	if (!valid(j, tok) || (up = j->up[tok]) < 0)
		return -1;
	return j->skip[tok] < j->skip[up] ? j->skip[tok] : -1;
}

const char *
wx_json_raw(const struct wx_json *j, int tok, size_t *len)
{
	if (!valid(j, tok)) {
		*len = 0;
		return NULL;
	}
	*len = (size_t)(j->tok[tok].end - j->tok[tok].start);
	return j->text + j->tok[tok].start;
}

static int
hex4(const char *s, uint32_t *out)
{
	uint32_t v = 0;
	int i;

	for (i = 0; i < 4; i++) {
		int d = wx_hexdigit(s[i]);

		if (d < 0)
			return -1;
		v = v << 4 | (uint32_t)d;
	}
	*out = v;
	return 0;
}

/* \uXXXX at s[i] (s[i] == '\\'); a high surrogate followed by \uDC00..
 * \uDFFF makes one code point.  Returns bytes consumed; *cp is U+FFFD for
 * lone surrogates and NUL, so a decoded string is always a C string. */
static size_t
unicode_escape(const char *s, size_t i, size_t n, uint32_t *cp)
{
	uint32_t lo;

	if (i + 6 > n || hex4(s + i + 2, cp) < 0) {
		*cp = 0xFFFD;
		return 2;
	}
	if (*cp >= 0xD800 && *cp <= 0xDBFF && i + 12 <= n &&
	    s[i + 6] == '\\' && s[i + 7] == 'u' && hex4(s + i + 8, &lo) == 0 &&
	    lo >= 0xDC00 && lo <= 0xDFFF) {
		*cp = 0x10000 + ((*cp - 0xD800) << 10) + (lo - 0xDC00);
		return 12;
	}
	if (*cp == 0 || (*cp >= 0xD800 && *cp <= 0xDFFF))
		*cp = 0xFFFD;
	return 6;
}

static char
simple_escape(char c)
{
	switch (c) {
	case 'b': return '\b';
	case 'f': return '\f';
	case 'n': return '\n';
	case 'r': return '\r';
	case 't': return '\t';
	default:  return c;  /* " \ / */
	}
}

/* Length of the ASCII run at s that both decoding and writing copy as
 * is: no backslash, and for writing no quote or control character. */
static size_t
plain_run(const char *s, size_t n, int writing)
{
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c >= 0x80 || c == '\\' ||
		    (writing && (c < 0x20 || c == '"')))
			break;
	}
	return i;
}

/* Decode a string token's raw bytes.  Raw bytes that are not UTF-8 turn
 * into U+FFFD too, so the result is always valid UTF-8 without NUL. */
static void
decode_into(struct wx_buf *b, const char *s, size_t n)
{
	size_t i = 0;
	uint32_t cp;
	int len;

	while (i < n) {
		size_t run = plain_run(s + i, n - i, 0);
		if (run > 0) {
			wx_buf_add(b, s + i, run);
			i += run;
		} else if (s[i] == '\\' && i + 1 < n && s[i + 1] == 'u') {
			i += unicode_escape(s, i, n, &cp);
			wx_utf8_put(b, cp);
		} else if (s[i] == '\\' && i + 1 < n) {
			wx_buf_addc(b, simple_escape(s[i + 1]));
			i += 2;
		} else if ((len = wx_utf8_get(s + i, n - i, &cp)) > 0) {
			wx_buf_add(b, s + i, (size_t)len);
			i += (size_t)len;
		} else {
			wx_utf8_put(b, 0xFFFD);
			i++;
		}
	}
}

/* A string or a primitive: a token with a text of its own. */
static int
has_text(const struct wx_json *j, int tok)
{
	enum wx_json_type t = wx_json_type(j, tok);

	return t != WX_JSON_NONE && t != WX_JSON_OBJECT && t != WX_JSON_ARRAY;
}

char *
wx_json_str(const struct wx_json *j, int tok)
{
	struct wx_buf b = {0};
	enum wx_json_type t = wx_json_type(j, tok);
	const char *raw;
	size_t n;

	if (!has_text(j, tok))
		return NULL;
	raw = wx_json_raw(j, tok, &n);
	if (t == WX_JSON_STRING)
		decode_into(&b, raw, n);
	else
		wx_buf_add(&b, raw, n);
	if (!b.p)
		wx_buf_add(&b, "", 0);
	return b.p;
}

/* Does key token k spell name (n bytes)?  Escaped keys are decoded first. */
static int
key_is(const struct wx_json *j, int k, const char *name, size_t n)
{
	size_t len;
	const char *raw = wx_json_raw(j, k, &len);
	char *dec;
	int same;

	if (!memchr(raw, '\\', len))
		return len == n && memcmp(raw, name, n) == 0;
	dec = wx_json_str(j, k);
	same = strlen(dec) == n && memcmp(dec, name, n) == 0;
	free(dec);
	return same;
}

static int
member(const struct wx_json *j, int obj, const char *name, size_t n)
{
	int k;

	for (k = wx_json_first(j, obj); k >= 0; k = wx_json_next(j, k + 1))
		if (key_is(j, k, name, n))
			return k + 1;
	return -1;
}

static int
element(const struct wx_json *j, int arr, const char *idx, size_t n)
{
	long i = 0;
	size_t d;
	int e;

	if (n == 0 || n > 9)
		return -1;
	for (d = 0; d < n; d++) {
		if (!is_digit(idx[d]))
			return -1;
		i = i * 10 + (idx[d] - '0');
	}
	for (e = wx_json_first(j, arr); e >= 0 && i > 0; e = wx_json_next(j, e))
		i--;
	return e;
}

int
wx_json_get(const struct wx_json *j, int tok, const char *path)
{
	const char *part = path, *dot;
	size_t n;

	while (valid(j, tok) && *part) {
		dot = strchr(part, '.');
		n = dot ? (size_t)(dot - part) : strlen(part);
		if (j->tok[tok].type == JSMN_OBJECT)
			tok = member(j, tok, part, n);
		else if (j->tok[tok].type == JSMN_ARRAY)
			tok = element(j, tok, part, n);
		else
			tok = -1;
		if (!dot)
			return tok;
		part = dot + 1;
		if (!*part)
			return -1;  /* "a." names nothing */
	}
	return valid(j, tok) ? tok : -1;
}

/* NULL when the path is absent or names an object/array; an empty string
 * value gives "" so callers can tell "sent empty" from "not sent". */
char *
wx_json_getstr(const struct wx_json *j, int tok, const char *path)
{
	return wx_json_str(j, wx_json_get(j, tok, path));
}

/* Digits of a number token or of a numeric string, as sign and magnitude;
 * -1 unless it is an optional '-' and 1..20 decimal digits. */
static int
integer_text(const struct wx_json *j, int tok, int *neg, uint64_t *mag)
{
	enum wx_json_type t = wx_json_type(j, tok);
	const char *s;
	size_t n, i;

	if (t != WX_JSON_NUMBER && t != WX_JSON_STRING)
		return -1;
	s = wx_json_raw(j, tok, &n);
	*neg = n > 0 && s[0] == '-';
	i = (size_t)*neg;
	return wx_parse_u64(s + i, n - i, UINT64_MAX, mag);
}

int
wx_json_int(const struct wx_json *j, int tok, long long *out)
{
	uint64_t mag;
	int neg;

	if (integer_text(j, tok, &neg, &mag) < 0)
		return -1;
	if (neg ? mag > (uint64_t)LLONG_MAX + 1 : mag > (uint64_t)LLONG_MAX)
		return -1;
	*out = neg ? (long long)(0 - mag) : (long long)mag;
	return 0;
}

int
wx_json_uint64(const struct wx_json *j, int tok, uint64_t *out)
{
	uint64_t mag;
	int neg;

	if (integer_text(j, tok, &neg, &mag) < 0 || (neg && mag != 0))
		return -1;
	*out = mag;
	return 0;
}

static void
put_escaped(struct wx_buf *b, unsigned char c)
{
	switch (c) {
	case '"':  wx_buf_adds(b, "\\\""); break;
	case '\\': wx_buf_adds(b, "\\\\"); break;
	case '\n': wx_buf_adds(b, "\\n"); break;
	case '\t': wx_buf_adds(b, "\\t"); break;
	case '\r': wx_buf_adds(b, "\\r"); break;
	default:   wx_buf_addf(b, "\\u%04x", c); break;
	}
}

void
wx_json_put_str(struct wx_buf *b, const char *s, size_t n)
{
	size_t i = 0;
	uint32_t cp;
	int len;

	wx_buf_addc(b, '"');
	while (i < n) {
		unsigned char c = (unsigned char)s[i];
		size_t run = plain_run(s + i, n - i, 1);
		if (run > 0) {
			wx_buf_add(b, s + i, run);
			i += run;
		} else if (c < 0x20 || c == '"' || c == '\\') {
			put_escaped(b, c);
			i++;
		} else if ((len = wx_utf8_get(s + i, n - i, &cp)) > 0) {
			wx_buf_add(b, s + i, (size_t)len);
			i += (size_t)len;
		} else {
			wx_utf8_put(b, 0xFFFD);
			i++;
		}
	}
	wx_buf_addc(b, '"');
}

void
wx_json_put_strz(struct wx_buf *b, const char *s)
{
	wx_json_put_str(b, s, strlen(s));
}

/* ---- re-writing a parsed object on one line ---- */

/* Is k (n bytes, not NUL-terminated) the name s?  The first byte is
 * tried before the rest: each member of a message is tried against the
 * 17 names of is_id_key and wx_msg_line's skip list. */
static int
name_is(const char *s, const char *k, size_t n)
{
	return n > 0 && s[0] == k[0] && strncmp(s, k, n) == 0 && s[n] == '\0';
}

/* Ids that can pass 2^53: written as JSON strings (design.md §3). */
static int
is_id_key(const char *k, size_t n)
{
	static const char *const ids[] = {
		"Uin", "OwnerUin", "MsgId", "NewMsgId", "MsgID", "LocalID",
	};
	size_t i;

	for (i = 0; i < sizeof ids / sizeof *ids; i++)
		if (name_is(ids[i], k, n))
			return 1;
	return 0;
}

static int
is_skipped(const char *const *skip, const char *k, size_t n)
{
	for (; skip && *skip; skip++)
		if (name_is(*skip, k, n))
			return 1;
	return 0;
}

static void put_value(struct wx_buf *b, const struct wx_json *j, int tok,
                      int as_string, int ids);

/* A token's text decoded: its raw bytes themselves when they are
 * printable ASCII without a backslash, which decode to themselves and
 * need no escape when written (most of what the server sends: no copy,
 * no allocation); else decoded into *dec, to be freed.  NULL for a
 * token that has no text (an object, an array). */
static const char *
decoded(const struct wx_json *j, int tok, size_t *n, char **dec)
{
	const char *raw = wx_json_raw(j, tok, n);

	*dec = NULL;
	if (!has_text(j, tok))
		return NULL;
	if (plain_run(raw, *n, 1) == *n)
		return raw;
	if ((*dec = wx_json_str(j, tok)))
		*n = strlen(*dec);
	return *dec;
}

/* What decoded gave, as a JSON string: raw bytes that needed no
 * decoding need no escape either, and are not looked at again. */
static void
put_decoded(struct wx_buf *b, const char *s, size_t n, const char *dec)
{
	if (dec) {
		wx_json_put_str(b, s, n);
		return;
	}
	wx_buf_addc(b, '"');
	wx_buf_add(b, s, n);
	wx_buf_addc(b, '"');
}

/* A string token decoded and encoded again: whatever the server sent,
 * the line is valid JSON and valid UTF-8. */
static void
put_string(struct wx_buf *b, const struct wx_json *j, int tok)
{
	size_t n;
	char *dec;
	const char *s = decoded(j, tok, &n, &dec);

	put_decoded(b, s ? s : "", s ? n : 0, dec);
	free(dec);
}

void
wx_json_put_members(struct wx_buf *b, const struct wx_json *j, int tok,
                    const char *const *skip, int ids)
{
	const char *k;
	char *dec;
	size_t n;
	int key, first = 1;

	wx_buf_addc(b, '{');
	for (key = wx_json_first(j, tok); key >= 0; key = wx_json_next(j, key + 1)) {
		/* Compared decoded: "Ev\u0065nt" is the key "Event". */
		k = decoded(j, key, &n, &dec);
		if (!k || is_skipped(skip, k, n)) {
			free(dec);
			continue;
		}
		if (!first)
			wx_buf_addc(b, ',');
		first = 0;
		put_decoded(b, k, n, dec);
		wx_buf_addc(b, ':');
		put_value(b, j, key + 1, ids && is_id_key(k, n), ids);
		free(dec);
	}
}

static void
put_value(struct wx_buf *b, const struct wx_json *j, int tok, int as_string,
          int ids)
{
	const char *raw;
	size_t n;
	int e;

	switch (wx_json_type(j, tok)) {
	case WX_JSON_OBJECT:
		wx_json_put_members(b, j, tok, NULL, ids);
		wx_buf_addc(b, '}');
		break;
	case WX_JSON_ARRAY:
		wx_buf_addc(b, '[');
		for (e = wx_json_first(j, tok); e >= 0; e = wx_json_next(j, e)) {
			if (e != tok + 1)
				wx_buf_addc(b, ',');
			put_value(b, j, e, 0, ids);
		}
		wx_buf_addc(b, ']');
		break;
	case WX_JSON_STRING:
		put_string(b, j, tok);
		break;
	default:
		raw = wx_json_raw(j, tok, &n);
		if (as_string)
			wx_buf_addc(b, '"');
		wx_buf_add(b, raw, n);
		if (as_string)
			wx_buf_addc(b, '"');
	}
}

/* ---- a document whose one array is most of it ---- */

/* Where the string at s[i] (a quote) ends: the byte after its closing
 * quote, or n.  Lenient, as is all this scanning: whatever it finds is
 * parsed strictly afterwards. */
static size_t
skip_string(const char *s, size_t i, size_t n)
{
	size_t end = string_end(s, i + 1, n);

	return end < n ? end + 1 : n;
}

/* The byte after the value at s[i]: a string, a container (to the
 * bracket that closes it), or a primitive (to a separator). */
static size_t
skip_value(const char *s, size_t i, size_t n)
{
	int depth = 0;

	if (i < n && s[i] == '"')
		return skip_string(s, i, n);
	if (i < n && s[i] != '{' && s[i] != '[') {
		while (i < n && !is_ws(s[i]) && !strchr(",:]}", s[i]))
			i++;
		return i;
	}
	for (; i < n; i++) {
		if (s[i] == '"')
			i = skip_string(s, i, n) - 1;
		else if (s[i] == '{' || s[i] == '[')
			depth++;
		else if ((s[i] == '}' || s[i] == ']') && --depth == 0)
			return i + 1;
	}
	return n;
}

/* Do the raw bytes of a key (no quotes) spell key once decoded? */
static int
raw_key_is(const char *raw, size_t n, const char *key)
{
	struct wx_buf b = {0};
	int same;

	decode_into(&b, raw, n);
	same = b.len == strlen(key) && (b.len == 0 || memcmp(b.p, key, b.len) == 0);
	wx_buf_free(&b);
	return same;
}

/* Where the array that member key of the root object holds starts (its
 * '['); -1 when the text is not laid out so, or key's first member holds
 * no array. */
static int
find_array(const char *s, size_t n, const char *key, size_t *at)
{
	size_t i = skip_ws(s, 0, n), k, kend;

	if (i >= n || s[i++] != '{')
		return -1;
	for (;;) {
		i = skip_ws(s, i, n);
		if (i >= n || s[i] != '"')
			return -1;
		k = i;
		kend = skip_string(s, k, n);
		i = skip_ws(s, kend, n);
		if (i >= n || s[i] != ':')
			return -1;
		*at = skip_ws(s, i + 1, n);
		if (raw_key_is(s + k + 1, kend - k - 2, key))
			return *at < n && s[*at] == '[' ? 0 : -1;
		i = skip_ws(s, skip_value(s, *at, n), n);
		if (i >= n || s[i++] != ',')
			return -1;
	}
}

static void
add_span(struct wx_json_big *big, size_t *cap, size_t at, size_t end)
{
	if (big->n == *cap) {
		*cap = *cap ? *cap * 2 : 64;
		big->el = wx_realloc(big->el, *cap * sizeof *big->el);
	}
	big->el[big->n].at = at;
	big->el[big->n++].len = end - at;
}

/* The elements of the array at s[at] ('['): split at the commas outside
 * strings and containers, none when it holds only white space.  The
 * byte after its ']', or 0 when it has none or nests deeper than a whole
 * parse allows (the root and the array are two levels). */
static size_t
split_elements(const char *s, size_t at, size_t n, struct wx_json_big *big)
{
	size_t i, from = at + 1, cap = 0;
	int depth = 0;

	big->n = 0;
	for (i = from; i < n; i++) {
		if (s[i] == '"') {
			i = skip_string(s, i, n) - 1;
		} else if (s[i] == '{' || s[i] == '[') {
			if (++depth > MAX_DEPTH - 2)
				return 0;
		} else if ((s[i] == '}' || s[i] == ']') && depth-- == 0) {
			if (skip_ws(s, at + 1, i) < i)
				add_span(big, &cap, from, i);
			return i + 1;
		} else if (s[i] == ',' && depth == 0) {
			add_span(big, &cap, from, i);
			from = i + 1;
		}
	}
	return 0;
}

/* Each element parsed on its own and shown to big->seen; -1 at the
 * first that does not parse. */
static int
see_elements(const char *s, const struct wx_json_big *big)
{
	struct wx_json *e;
	size_t k;

	for (k = 0; k < big->n; k++) {
		if (!(e = wx_json_parse(s + big->el[k].at, big->el[k].len, NULL,
		                        0)))
			return -1;
		if (big->seen)
			big->seen(big->arg, k, e, 0);
		wx_json_free(e);
	}
	return 0;
}

/* The split way: the root with the array emptied, then the elements one
 * at a time; NULL when any part fails (the whole document then says
 * why). */
static struct wx_json *
parse_split(const char *s, size_t n, struct wx_json_big *big)
{
	struct wx_buf rest = {0};
	struct wx_json *j = NULL;
	size_t at, end;

	if (n >= (size_t)1 << 30 || find_array(s, n, big->key, &at) < 0 ||
	    (end = split_elements(s, at, n, big)) == 0)
		return NULL;
	wx_buf_add(&rest, s, at + 1);
	wx_buf_add(&rest, s + end - 1, n - end + 1);
	if ((j = wx_json_parse(rest.p, rest.len, NULL, 0))) {
		if (see_elements(s, big) < 0) {
			wx_json_free(j);
			j = NULL;
		}
	}
	wx_buf_free(&rest);
	return j;
}

/* The whole way, for a document parse_split could not take: the
 * children of member key are the elements, wherever they are. */
static struct wx_json *
parse_whole(const char *s, size_t n, struct wx_json_big *big, char *err,
            size_t errlen)
{
	struct wx_json *j = wx_json_parse(s, n, err, errlen);
	int list = wx_json_get(j, 0, big->key), c;
	size_t cap = 0;

	big->n = 0;
	for (c = wx_json_first(j, list); c >= 0; c = wx_json_next(j, c)) {
		if (big->seen)
			big->seen(big->arg, big->n, j, c);
		add_span(big, &cap, outer_start(&j->tok[c]), outer_end(&j->tok[c]));
	}
	return j;
}

struct wx_json *
wx_json_parse_big(const char *text, size_t len, struct wx_json_big *big,
                  char *err, size_t errlen)
{
	struct wx_json *j = parse_split(text, len, big);

	return j ? j : parse_whole(text, len, big, err, errlen);
}
