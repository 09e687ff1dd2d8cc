/* libFuzzer target for wx-emu's multipart/form-data parser: the input is
 * a Content-Type line, LF, then the body.  Parsing never reads outside
 * the body, and every part it hands out is one the lookups find again.
 * fuzz-sources: cmd/wx-emu/multipart.c */
#include <stdlib.h>

#include "fuzz.h"
#include "emu.h"

/* Each part lies inside the body, has a name, and is found by it (or by
 * a later part of the same name: the last one wins). */
static void
parts_ok(const char *body, size_t len, const struct emu_part *parts, int n)
{
	const struct emu_part *f;
	char *text;
	int i;

	for (i = 0; i < n; i++) {
		if (parts[i].data < body || parts[i].len > len ||
		    parts[i].data + parts[i].len > body + len ||
		    !parts[i].name[0])
			abort();
		f = emu_mp_field(parts, n, parts[i].name);
		if (!f || f < &parts[i] || strcmp(f->name, parts[i].name) != 0)
			abort();
		text = emu_mp_text(parts, n, parts[i].name);
		if (!text || strlen(text) > f->len)
			abort();
		free(text);
	}
}

int
LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	const char *lf = memchr(data, '\n', size);
	char *ctype = wx_strndup((const char *)data,
	                         lf ? (size_t)(lf - (const char *)data) : size);
	size_t len = lf ? size - (size_t)(lf + 1 - (const char *)data) : 0;
	/* A copy of exactly len bytes, so ASan sees any read past the end. */
	char *body = wx_malloc(len ? len : 1), boundary[80];
	struct emu_part parts[EMU_MP_PARTS];
	int n;

	if (len)
		memcpy(body, lf + 1, len);
	if (emu_mp_boundary(ctype, boundary, sizeof boundary) == 0) {
		if (!boundary[0] || strlen(boundary) > 70)
			abort();
		n = emu_mp_parse(body, len, boundary, parts, EMU_MP_PARTS);
		if (n > EMU_MP_PARTS)
			abort();
		parts_ok(body, len, parts, n);
	}
	free(body);
	free(ctype);
	return 0;
}
