/* libFuzzer target for lib/media.c: any bytes as DIR/media.  Every
 * MsgId-like run of digits in the input is looked up: a line found has
 * no LF and is a JSON object whose MsgId is that id.  Then the input's
 * first half is written as old file and its second half as new lines:
 * the file wx_media_write makes holds at most WX_MEDIA_KEEP lines, each
 * a JSON object with a MsgId, no MsgId twice, and every one of them is
 * found again. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "fuzz.h"

static void
put(const char *p, size_t n)
{
	if (wx_write_atomic(fuzz_file_path, p, n, 0600) < 0)
		abort();
}

/* The MsgId of a line as media.c would take it, malloc'd, or NULL. */
static char *
msgid_of(const char *p, size_t n)
{
	char err[64], *id = NULL;
	struct wx_json *j = wx_json_parse(p, n, err, sizeof err);
	int tok;

	if (!j)
		return NULL;
	tok = wx_json_get(j, 0, "MsgId");
	if (wx_json_type(j, 0) == WX_JSON_OBJECT &&
	    (wx_json_type(j, tok) == WX_JSON_STRING ||
	     wx_json_type(j, tok) == WX_JSON_NUMBER))
		id = wx_json_str(j, tok);
	wx_json_free(j);
	return id;
}

/* find(id) is NULL, or a line without LF whose MsgId is id. */
static void
find_agrees(const char *id)
{
	char *l = wx_media_find(fuzz_dir_path, id), *got;

	if (!l) {
		if (errno == 0)
			abort();
		return;
	}
	if (strchr(l, '\n') || !(got = msgid_of(l, strlen(l))) ||
	    strcmp(got, id) != 0)
		abort();
	free(got);
	free(l);
}

/* The file as rewritten: at most KEEP lines, all good, no MsgId twice,
 * each found. */
static void
rewrite_sane(const char *text, size_t size)
{
	struct wx_afile a;
	struct wx_buf out = {0};
	char **ids = NULL, *p, *nl, *id;
	size_t n = 0, i;

	put(text, size / 2);
	if (wx_media_write(fuzz_dir_path, text + size / 2, size - size / 2, &a) < 0)
		abort();
	if (wx_afile_commit(&a) < 0 ||
	    wx_read_file(fuzz_file_path, 64u << 20, &out) < 0)
		abort();
	for (p = out.p; p < out.p + out.len; p = nl + 1) {
		if (!(nl = memchr(p, '\n', (size_t)(out.p + out.len - p))) ||
		    !(id = msgid_of(p, (size_t)(nl - p))) || !*id)
			abort();
		for (i = 0; i < n; i++)
			if (strcmp(ids[i], id) == 0)
				abort();
		ids = wx_realloc(ids, (n + 1) * sizeof *ids);
		ids[n++] = id;
	}
	if (n > WX_MEDIA_KEEP)
		abort();
	for (i = 0; i < n; i++) {
		find_agrees(ids[i]);
		free(ids[i]);
	}
	free(ids);
	wx_buf_free(&out);
}

int
LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	const char *text = (const char *)data;

	fuzz_file("media");
	put(text, size);
	fuzz_digit_runs(text, size, find_agrees);
	rewrite_sane(text, size);
	return 0;
}
