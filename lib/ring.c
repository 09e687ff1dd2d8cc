/* ring.c — NDJSON files that keep the last lines by an id: DIR/media
 * (wx-sync's media messages by MsgId, for wx-get) and DIR/sent (wx-send's
 * sends by MsgID, for wx-revoke).  Each is read as hostile: a regular
 * file only, at most its byte cap, and a line that is not a JSON object
 * with the id (or is longer than LINE_MAX_) is skipped, on reading and on
 * rewriting alike.  A rewrite keeps each id once, its newest line. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "wx.h"

/* A media message's line is a few KiB (Content and Text hold XML). */
#define LINE_MAX_ (64 * 1024)

struct line {
	const char *p;
	size_t len;        /* without the LF */
	char *id;          /* its id, decoded */
};

/* The id (member key) of a line that is a JSON object with one (a
 * string or a number that is not empty), malloc'd; NULL for any other
 * line. */
static char *
line_id(const char *p, size_t len, const char *key)
{
	struct wx_json *j;
	char err[64], *id = NULL;
	int tok;
	enum wx_json_type t;

	if (len == 0 || len > LINE_MAX_ || memchr(p, '\0', len) ||
	    !(j = wx_json_parse(p, len, err, sizeof err)))
		return NULL;
	tok = wx_json_get(j, 0, key);
	t = wx_json_type(j, tok);
	if (wx_json_type(j, 0) == WX_JSON_OBJECT &&
	    (t == WX_JSON_STRING || t == WX_JSON_NUMBER))
		id = wx_json_str(j, tok);
	wx_json_free(j);
	if (id && !*id) {
		free(id);
		id = NULL;
	}
	return id;
}

/* Append the good lines of text (n bytes) to *v (*count of them). */
static void
split_lines(const char *text, size_t n, const char *key, struct line **v,
            size_t *count)
{
	const char *p = text, *end = text + n, *nl;
	size_t len;
	char *id;

	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		len = (size_t)((nl ? nl : end) - p);
		if ((id = line_id(p, len, key))) {
			*v = wx_realloc(*v, (*count + 1) * sizeof **v);
			(*v)[(*count)++] = (struct line){ p, len, id };
		}
		p += len + 1;
	}
}

/* Mark which of v's lines stay: from the newest back, each id once (its
 * newest line), at most r->keep lines and r->max bytes. */
static void
pick(const struct wx_ring *r, const struct line *v, size_t n, char *keep)
{
	size_t i, k, kept = 0, bytes = 0;
	int seen;

	memset(keep, 0, n);
	for (i = n; i-- > 0 && kept < r->keep;) {
		if (bytes + v[i].len + 1 > r->max)
			break;
		for (seen = 0, k = i + 1; k < n && !seen; k++)
			seen = keep[k] && strcmp(v[k].id, v[i].id) == 0;
		if (seen)
			continue;
		keep[i] = 1;
		kept++;
		bytes += v[i].len + 1;
	}
}

int
wx_ring_write(const char *dir, const struct wx_ring *r, const char *lines,
              size_t n, struct wx_afile *a)
{
	char *path = wx_asprintf("%s/%s", dir, r->file), *keep = NULL;
	struct wx_buf old = {0};
	struct line *v = NULL;
	size_t count = 0, i;
	int rc = 0, saved = 0;

	/* None, or one past the cap (not written by us): start anew. */
	if (wx_read_regular(path, r->max, &old) < 0) {
		wx_buf_reset(&old);
		if (errno != ENOENT && errno != EFBIG) {
			saved = errno;
			rc = -1;
		}
	}
	if (rc == 0) {
		if (old.len)
			split_lines(old.p, old.len, r->key, &v, &count);
		split_lines(lines, n, r->key, &v, &count);
		keep = wx_malloc(count ? count : 1);
		pick(r, v, count, keep);
		if ((rc = wx_afile_open(a, path, 0600)) < 0)
			saved = errno;
	}
	for (i = 0; rc == 0 && i < count; i++)
		if (keep[i]) {
			fwrite(v[i].p, 1, v[i].len, a->f);
			putc('\n', a->f);
		}
	for (i = 0; i < count; i++)
		free(v[i].id);
	free(v);
	free(keep);
	wx_buf_free(&old);
	free(path);
	errno = saved;
	return rc;
}

char *
wx_ring_find(const char *dir, const struct wx_ring *r, const char *id)
{
	char *path = wx_asprintf("%s/%s", dir, r->file), *found = NULL;
	struct wx_buf text = {0};
	struct line *v = NULL;
	size_t count = 0, i;
	int saved = ENOENT;

	if (wx_read_regular(path, r->max, &text) < 0)
		saved = errno;  /* and what it read is not looked at */
	else if (text.len)
		split_lines(text.p, text.len, r->key, &v, &count);
	/* The newest line of that id. */
	for (i = count; i-- > 0 && !found;)
		if (strcmp(v[i].id, id) == 0)
			found = wx_strndup(v[i].p, v[i].len);
	for (i = 0; i < count; i++)
		free(v[i].id);
	free(v);
	wx_buf_free(&text);
	free(path);
	if (!found)
		errno = saved;
	return found;
}
