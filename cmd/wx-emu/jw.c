/* jw.c — JSON written in the real server's layout (protocol.md §3.1).
 *
 * What the captures pin down, byte for byte (webwxsync-qwx_23-1.json,
 * webwxstatusnotify-weixinHttp-1.recon.json, the qwx SyncKey fragments):
 * no indentation; an object is "{" LF, its members joined by "," LF, then
 * LF "}" LF; a member is "\"Key\": " value; an array is "[", its elements
 * joined by ",", "]", with no LF of its own; the document ends "}" LF.
 *
 * Cases no capture shows, and the form chosen here (documented in
 * wx-emu(1); clients must not depend on them):
 *  - a nested object as the LAST member of its parent closes as "}" LF
 *    "}" LF, with no blank line between: the closing brace adds LF only
 *    when the text does not already end with one.  This is how every
 *    webwxsync ends (SyncCheckKey) and how webwxinit's User would end.
 *  - a non-empty array followed by another member: "]" "," LF, the same
 *    separator as after any scalar.
 *  - arrays of scalars: "[1,2]", "[\"a\",\"b\"]" (elements joined by ","
 *    as for objects, no spaces).
 *  - an empty object: "{" LF "}" LF.
 * Strings escape '"', '\\' and control characters (LF and TAB as \n and
 * \t); '/' and every byte >= 0x80 go out raw, as in the raw samples. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "emu.h"

/* Separator before a value: array elements are joined by ",", object
 * members got theirs in emu_jw_key. */
static void
value_prefix(struct emu_jw *w)
{
	int d = w->depth - 1;

	if (d >= 0 && w->kind[d] == '[') {
		if (w->count[d]++ > 0)
			wx_buf_addc(w->b, ',');
	}
}

static void
push(struct emu_jw *w, char kind)
{
	if (w->depth >= EMU_JW_DEPTH)
		abort();        /* a handler nests deeper than any answer does */
	w->kind[w->depth] = kind;
	w->count[w->depth] = 0;
	w->depth++;
	wx_buf_adds(w->b, kind == '{' ? "{\n" : "[");
}

void
emu_jw_begin(struct emu_jw *w, struct wx_buf *b)
{
	w->b = b;
	w->depth = 0;
	push(w, '{');
}

void
emu_jw_end(struct emu_jw *w)
{
	struct wx_buf *b = w->b;

	if (w->depth == 0)
		abort();
	w->depth--;
	if (w->kind[w->depth] == '[') {
		wx_buf_addc(b, ']');
		return;
	}
	/* A last member that was an object already ended with LF. */
	if (b->len == 0 || b->p[b->len - 1] != '\n')
		wx_buf_addc(b, '\n');
	wx_buf_adds(b, "}\n");
}

void
emu_jw_key(struct emu_jw *w, const char *key)
{
	int d = w->depth - 1;

	if (d < 0 || w->kind[d] != '{')
		abort();
	if (w->count[d]++ > 0)
		wx_buf_adds(w->b, ",\n");
	wx_buf_addc(w->b, '"');
	wx_buf_adds(w->b, key);
	wx_buf_adds(w->b, "\": ");
}

void
emu_jw_obj(struct emu_jw *w)
{
	value_prefix(w);
	push(w, '{');
}

void
emu_jw_arr(struct emu_jw *w)
{
	value_prefix(w);
	push(w, '[');
}

/* The escape of c, or NULL when c goes out raw. */
static const char *
escape(unsigned char c, char u[8])
{
	if (c == '"')
		return "\\\"";
	if (c == '\\')
		return "\\\\";
	if (c == '\n')
		return "\\n";
	if (c == '\t')
		return "\\t";
	if (c == '\r')
		return "\\r";
	if (c >= 0x20)
		return NULL;
	snprintf(u, 8, "\\u%04x", c);
	return u;
}

void
emu_jw_strn(struct emu_jw *w, const char *s, size_t n)
{
	struct wx_buf *b = w->b;
	size_t i, raw = 0;
	const char *e;
	char u[8];

	value_prefix(w);
	wx_buf_addc(b, '"');
	/* Runs of raw bytes appended at once: byte by byte was a tenth of
	 * a webwxsync answer's CPU. */
	for (i = 0; i < n; i++) {
		if (!(e = escape((unsigned char)s[i], u)))
			continue;
		wx_buf_add(b, s + raw, i - raw);
		wx_buf_adds(b, e);
		raw = i + 1;
	}
	wx_buf_add(b, s + raw, n - raw);
	wx_buf_addc(b, '"');
}

void
emu_jw_str(struct emu_jw *w, const char *s)
{
	emu_jw_strn(w, s ? s : "", s ? strlen(s) : 0);
}

void
emu_jw_int(struct emu_jw *w, long long v)
{
	value_prefix(w);
	wx_buf_addf(w->b, "%lld", v);
}

void
emu_jw_u64(struct emu_jw *w, uint64_t v)
{
	value_prefix(w);
	wx_buf_addf(w->b, "%llu", (unsigned long long)v);
}

void
emu_jw_kstr(struct emu_jw *w, const char *key, const char *s)
{
	emu_jw_key(w, key);
	emu_jw_str(w, s);
}

void
emu_jw_kint(struct emu_jw *w, const char *key, long long v)
{
	emu_jw_key(w, key);
	emu_jw_int(w, v);
}

void
emu_jw_base_response(struct emu_jw *w, int ret, const char *errmsg)
{
	emu_jw_key(w, "BaseResponse");
	emu_jw_obj(w);
	emu_jw_kint(w, "Ret", ret);
	emu_jw_kstr(w, "ErrMsg", errmsg);
	emu_jw_end(w);
}
