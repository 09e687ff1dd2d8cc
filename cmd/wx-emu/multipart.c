/* multipart.c — multipart/form-data (RFC 7578) of webwxuploadmedia,
 * binary-safe.  Only wx.h and emu.h's multipart section: t/fuzz builds it
 * alone. */
#include <string.h>
#include <strings.h>

#include "emu.h"

#define MP_HEAD 4096            /* bytes of part headers allowed */

/* boundary parameter of a multipart Content-Type; -1 if none. */
int
emu_mp_boundary(const char *ctype, char *out, size_t size)
{
	const char *p = ctype ? strcasestr(ctype, "boundary=") : NULL;
	size_t n;

	if (!p || strncasecmp(ctype, "multipart/form-data", 19) != 0)
		return -1;
	p += 9;
	if (*p == '"') {
		p++;
		n = strcspn(p, "\"");
		if (p[n] != '"')
			return -1;
	} else {
		n = strcspn(p, "; \t");
	}
	if (n == 0 || n > 70 || n >= size)
		return -1;
	memcpy(out, p, n);
	out[n] = '\0';
	return 0;
}

/* The value at line[j] (quoted, or up to the next ';') into out; -1 if
 * the quotes do not close or it does not fit. */
static int
param_value(const char *line, size_t j, size_t n, char *out, size_t size)
{
	int quoted = line[j] == '"';
	size_t k = j + (size_t)quoted, len;

	while (k < n && (quoted ? line[k] != '"' : line[k] != ';'))
		k++;
	len = k - j - (size_t)quoted;
	if ((quoted && k == n) || len >= size)
		return -1;
	memcpy(out, line + j + quoted, len);
	out[len] = '\0';
	return 0;
}

/* Value of parameter key (name, filename) in a Content-Disposition line
 * of n bytes, into out; -1 if absent or too long. */
static int
disp_param(const char *line, size_t n, const char *key, char *out, size_t size)
{
	size_t klen = strlen(key);
	size_t i, j;

	for (i = 0; i < n; i++) {
		if (line[i] != ';')
			continue;
		j = i + 1;
		while (j < n && line[j] == ' ')
			j++;
		if (n - j < klen + 2 || strncasecmp(line + j, key, klen) != 0 ||
		    line[j + klen] != '=')
			continue;
		return param_value(line, j + klen + 1, n, out, size);
	}
	return -1;
}

/* Headers of one part (h, n bytes, no final blank line) into p. */
static int
mp_headers(const char *h, size_t n, struct emu_part *p)
{
	p->name[0] = p->filename[0] = '\0';
	while (n > 0) {
		const char *eol = memmem(h, n, "\r\n", 2);
		size_t len = eol ? (size_t)(eol - h) : n;

		if (len > 20 && strncasecmp(h, "Content-Disposition:", 20) == 0) {
			if (disp_param(h, len, "name", p->name, sizeof p->name) < 0)
				return -1;
			disp_param(h, len, "filename", p->filename,
			           sizeof p->filename);
		}
		h += len + (eol ? 2 : 0);
		n -= len + (eol ? 2 : 0);
	}
	return p->name[0] ? 0 : -1;
}

/* The part whose headers start at p (after the delimiter's CRLF) into
 * part; the next delimiter (at its CRLF), or NULL on a framing error. */
static const char *
mp_part(const char *p, const char *end, const char *delim, size_t dlen,
        struct emu_part *part)
{
	size_t room = (size_t)(end - p) < MP_HEAD ? (size_t)(end - p) : MP_HEAD;
	const char *hend = memmem(p, room, "\r\n\r\n", 4);
	const char *data, *next;

	if (!hend || mp_headers(p, (size_t)(hend - p), part) < 0)
		return NULL;
	data = hend + 4;
	if (!(next = memmem(data, (size_t)(end - data), delim, dlen)))
		return NULL;
	part->data = data;
	part->len = (size_t)(next - data);
	return next;
}

/* Split body into parts; their count, or -1 on any framing error. */
int
emu_mp_parse(const char *body, size_t len, const char *boundary,
             struct emu_part *parts, int max)
{
	char delim[80];
	size_t dlen = (size_t)snprintf(delim, sizeof delim, "\r\n--%s", boundary);
	const char *end = body + len, *p;
	int n = 0;

	/* The first delimiter may open the body (no CRLF before it). */
	if (len >= dlen - 2 && memcmp(body, delim + 2, dlen - 2) == 0)
		p = body + dlen - 2;
	else if ((p = memmem(body, len, delim, dlen)) != NULL)
		p += dlen;
	else
		return -1;
	for (;;) {
		if (end - p >= 2 && memcmp(p, "--", 2) == 0)
			return n;
		if (end - p < 2 || memcmp(p, "\r\n", 2) != 0 || n == max)
			return -1;
		if (!(p = mp_part(p + 2, end, delim, dlen, &parts[n])))
			return -1;
		n++;
		p += dlen;
	}
}

const struct emu_part *
emu_mp_field(const struct emu_part *parts, int n, const char *name)
{
	const struct emu_part *found = NULL;
	int i;

	for (i = 0; i < n; i++)
		if (strcmp(parts[i].name, name) == 0)
			found = &parts[i];      /* the last one wins */
	return found;
}

/* A small text field as a string (malloc'd), NULL if absent. */
char *
emu_mp_text(const struct emu_part *parts, int n, const char *name)
{
	const struct emu_part *p = emu_mp_field(parts, n, name);

	return p ? wx_strndup(p->data, p->len) : NULL;
}
