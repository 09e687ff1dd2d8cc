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

/* On tmpfs when there is one: fsync there costs nothing. */
static char shm[] = "/dev/shm/wx-fuzz-media-XXXXXX";
static char tmp[] = "/tmp/wx-fuzz-media-XXXXXX";
static char *dir, *path;

static void
cleanup(void)
{
	unlink(path);
	rmdir(dir);
}

static void
put(const char *p, size_t n)
{
	if (wx_write_atomic(path, p, n, 0600) < 0)
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
	char *l = wx_media_find(dir, id), *got;

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

static void
find_digit_runs(const char *text, size_t size)
{
	char id[24];
	size_t i = 0, k, runs = 0;

	while (i < size && runs < 16) {
		k = 0;
		while (i + k < size && k < 20 && text[i + k] >= '0' &&
		       text[i + k] <= '9')
			k++;
		if (k) {
			memcpy(id, text + i, k);
			id[k] = '\0';
			find_agrees(id);
			runs++;
			i += k;
		} else {
			i++;
		}
	}
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
	if (wx_media_write(dir, text + size / 2, size - size / 2, &a) < 0)
		abort();
	if (wx_afile_commit(&a) < 0 || wx_read_file(path, 64u << 20, &out) < 0)
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

	if (!path) {
		if (!(dir = mkdtemp(shm)) && !(dir = mkdtemp(tmp)))
			abort();
		path = wx_asprintf("%s/media", dir);
		atexit(cleanup);
	}
	put(text, size);
	find_digit_runs(text, size);
	rewrite_sane(text, size);
	return 0;
}
