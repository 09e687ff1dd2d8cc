/* media.c — DIR/media (placeholder until wx-get's version lands). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "wx.h"

#define MEDIA_FILE_MAX (64u << 20)

int
wx_media_write(const char *dir, const char *lines, size_t n,
               struct wx_afile *a)
{
	char *path = wx_asprintf("%s/media", dir);
	struct wx_buf old = {0};
	size_t count = 0, i, start = 0;

	if (wx_read_regular(path, MEDIA_FILE_MAX, &old) < 0)
		wx_buf_reset(&old);
	for (i = 0; i < n; i++)
		count += lines[i] == '\n';
	for (i = old.len; i-- > 0 && count <= WX_MEDIA_KEEP;)
		if (old.p[i] == '\n' && i + 1 < old.len && ++count > WX_MEDIA_KEEP)
			start = i + 1;
	if (wx_afile_open(a, path, 0600) < 0) {
		wx_buf_free(&old);
		free(path);
		return -1;
	}
	if (old.len > start)
		fwrite(old.p + start, 1, old.len - start, a->f);
	fwrite(lines, 1, n, a->f);
	wx_buf_free(&old);
	free(path);
	return 0;
}

char *
wx_media_find(const char *dir, const char *msgid)
{
	(void)dir;
	(void)msgid;
	return NULL;
}
