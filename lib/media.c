/* media.c — DIR/media: the lines wx-sync printed for media messages
 * (image, voice, video, emoji, file), oldest first, at most WX_MEDIA_KEEP
 * of them, so that `wx-get MSGID` finds the message it names; a ring.c
 * file keyed by MsgId. */
#include "wx.h"

/* The file stays under this, so it can always be read back whole. */
static const struct wx_ring media = {
	"media", "MsgId", WX_MEDIA_KEEP, WX_MEDIA_KEEP * 16 * 1024,
};

int
wx_media_write(const char *dir, const char *lines, size_t n,
               struct wx_afile *a)
{
	return wx_ring_write(dir, &media, lines, n, a);
}

char *
wx_media_find(const char *dir, const char *msgid)
{
	return wx_ring_find(dir, &media, msgid);
}
