/* libFuzzer target for lib/lookup.c: any bytes parse as a contacts cache
 * or fail with "line N: …"; a parsed cache's contacts are well formed,
 * and names cut from the input resolve exactly when they match one
 * contact (or are literal), printing only safe, prefixed lines; read a
 * line at a time for a name (wx_contacts_load), the cache gives that
 * name the same contacts, lines and resolution as parsed whole. */
#include <stdio.h>
#include <stdlib.h>

#include "fuzz.h"

static const char *const prefixes[] = {
	"", "user:", "remark:", "nick:", "alias:", "group:", "@",
};

static void
contacts_sane(const struct wx_contacts *cs, size_t size)
{
	size_t i, len;
	const char *line, *kind;

	for (i = 0; i < wx_contacts_count(cs); i++) {
		line = wx_contacts_line(cs, i, &len);
		kind = wx_contacts_kind(cs, i);
		if (len == 0 || len > size || line[0] == '\n' ||
		    memchr(line, '\n', len) || !*wx_contacts_username(cs, i) ||
		    !strstr(" friend group public special self ", kind))
			abort();
	}
}

/* resolve agrees with match: one hit, or a literal UserName (the value
 * of user:, or an @name), which resolves to itself unless empty. */
static void
resolve_agrees(const struct wx_contacts *cs, const char *name)
{
	size_t *hit, n = wx_contacts_match(cs, name, &hit), k;
	const char *user, *literal = strncmp(name, "user:", 5) == 0 ? name + 5 :
	                             name[0] == '@' ? name : NULL;
	int rc = wx_contacts_resolve(cs, name, &user);

	for (k = 0; k < n; k++)
		if (hit[k] >= wx_contacts_count(cs) || (k && hit[k] <= hit[k - 1]))
			abort();
	if (rc == 0 ? !user || !*user : rc != WX_EXIT_REFUSED || user)
		abort();
	if (literal && (n > 1 || (rc == 0) != (*literal != '\0') ||
	                (rc == 0 && strcmp(user, literal) != 0)))
		abort();
	if (!literal && ((rc == 0) != (n == 1) ||
	                 (rc == 0 && strcmp(user, wx_contacts_username(cs, hit[0])))))
		abort();
	free(hit);
}

/* Contact i of a as contact k of b: the same UserName and line. */
static int
same_contact(const struct wx_contacts *a, size_t i, const struct wx_contacts *b,
             size_t k)
{
	size_t la, lb;
	const char *pa = wx_contacts_line(a, i, &la);
	const char *pb = wx_contacts_line(b, k, &lb);

	return strcmp(wx_contacts_username(a, i), wx_contacts_username(b, k)) == 0
	       && la == lb && memcmp(pa, pb, la) == 0;
}

/* wx_contacts_load for name agrees with the whole cache cs. */
static void
load_agrees(const struct wx_contacts *cs, const char *text, size_t size,
            const char *name)
{
	const char *names[] = { name, NULL }, *u1, *u2;
	FILE *f = fmemopen((void *)text, size, "r");
	size_t *h1, *h2, n1, n2, k, i1, i2;
	struct wx_contacts *ld;
	char err[128];
	int r1, r2;

	if (!f || !(ld = wx_contacts_load(f, names, err, sizeof err)))
		abort();  /* cs parsed: so must the file */
	fclose(f);
	n1 = wx_contacts_match(cs, name, &h1);
	n2 = wx_contacts_match(ld, name, &h2);
	if (n1 != n2)
		abort();
	for (k = 0; k < n1; k++)
		if (!same_contact(cs, h1[k], ld, h2[k]))
			abort();
	r1 = wx_contacts_resolve(cs, name, &u1);
	r2 = wx_contacts_resolve(ld, name, &u2);
	if (r1 != r2 || (r1 == 0 && strcmp(u1, u2) != 0))
		abort();
	if (r1 == 0 && (wx_contacts_find(cs, u1, &i1) == 0) !=
	    (wx_contacts_find(ld, u2, &i2) == 0))
		abort();
	if (r1 == 0 && wx_contacts_find(cs, u1, &i1) == 0 &&
	    !same_contact(cs, i1, ld, i2))
		abort();  /* a UserName's first line, as the whole cache has it */
	free(h1);
	free(h2);
	wx_contacts_free(ld);
}

/* Every line wx_warn wrote is "wx: …" without a control character. */
static void
output_safe(const char *out, size_t len)
{
	const char *p = out, *end = out + len, *nl;

	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl || strncmp(p, "wx: ", 4) != 0)
			abort();
		for (; p < nl; p++)
			if ((unsigned char)*p < 0x20 || *p == 0x7f)
				abort();
		p = nl + 1;
	}
}

/* Names: the pieces of the input between quotes (so often a Name as
 * written), each bare and after every prefix. */
static void
resolve_pieces(const struct wx_contacts *cs, const char *text, size_t size)
{
	const char *p = text, *end = text + size, *q;
	char name[80];
	size_t k, n, pieces = 0;

	while (p < end && pieces++ < 16) {
		q = memchr(p, '"', (size_t)(end - p));
		n = (size_t)((q ? q : end) - p);
		for (k = 0; k < sizeof prefixes / sizeof *prefixes; k++) {
			snprintf(name, sizeof name, "%s%.*s", prefixes[k],
			         (int)(n < 64 ? n : 64), p);
			resolve_agrees(cs, name);
			if (size > 0)  /* fmemopen wants a buffer */
				load_agrees(cs, text, size, name);
		}
		p += n + 1;
	}
}

int
LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	const char *text = (const char *)data;
	struct wx_contacts *cs;
	char err[128], *out = NULL;
	size_t len = 0;
	FILE *real = stderr;

	cs = wx_contacts_parse(text, size, err, sizeof err);
	if (!cs) {
		if (strncmp(err, "line ", 5) != 0)
			abort();
		return 0;
	}
	contacts_sane(cs, size);
	/* Catch what resolve prints; glibc's stderr is a variable, and the
	 * sanitizers' reports still reach fd 2. */
	stderr = open_memstream(&out, &len);
	if (!stderr)
		abort();
	resolve_pieces(cs, text, size);
	fclose(stderr);
	stderr = real;
	output_safe(out, len);
	free(out);
	wx_contacts_free(cs);
	return 0;
}
