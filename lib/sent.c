/* sent.c — DIR/sent: the messages wx-send sent, the last WX_SENT_KEEP of
 * them, so that `wx-revoke MSGID` knows the recipient and the ClientMsgId
 * a revoke must name (protocol.md §6.9); a ring.c file keyed by MsgID,
 * one {"MsgID","LocalID","ToUserName","Time"} object a line. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "wx.h"

static const struct wx_ring sent = {
	"sent", "MsgID", WX_SENT_KEEP, WX_SENT_KEEP * 1024,
};

int
wx_sent_add(const char *dir, const struct wx_sent *m)
{
	struct wx_buf line = {0};
	struct wx_afile a;
	int rc;

	wx_buf_adds(&line, "{\"MsgID\":");
	wx_json_put_strz(&line, m->msgid);
	wx_buf_adds(&line, ",\"LocalID\":");
	wx_json_put_strz(&line, m->localid);
	wx_buf_adds(&line, ",\"ToUserName\":");
	wx_json_put_strz(&line, m->to);
	wx_buf_addf(&line, ",\"Time\":%lld}\n", m->time);
	if ((rc = wx_ring_write(dir, &sent, line.p, line.len, &a)) == 0) {
		wx_remove_stale_temps(a.path);
		rc = wx_afile_commit(&a);
	}
	wx_buf_free(&line);
	return rc;
}

/* Member key of j as a string into out (size bytes); -1 when it is
 * missing, not a string or number, or too long. */
static int
copy_member(const struct wx_json *j, const char *key, char *out, size_t size)
{
	char *v = wx_json_getstr(j, 0, key);
	int rc = v && strlen(v) < size ? 0 : -1;

	if (rc == 0)
		memcpy(out, v, strlen(v) + 1);
	free(v);
	return rc;
}

int
wx_sent_find(const char *dir, const char *msgid, struct wx_sent *out)
{
	char *line = wx_ring_find(dir, &sent, msgid), err[64];
	struct wx_json *j;
	long long t;
	int rc = -1;

	if (!line)
		return -1;
	memset(out, 0, sizeof *out);
	j = wx_json_parse(line, strlen(line), err, sizeof err);
	if (j && copy_member(j, "MsgID", out->msgid, sizeof out->msgid) == 0 &&
	    copy_member(j, "LocalID", out->localid, sizeof out->localid) == 0 &&
	    copy_member(j, "ToUserName", out->to, sizeof out->to) == 0) {
		out->time = wx_json_int(j, wx_json_get(j, 0, "Time"), &t) == 0 ? t : 0;
		rc = 0;
	}
	wx_json_free(j);
	free(line);
	if (rc < 0)
		errno = EINVAL;  /* a line we did not write */
	return rc;
}

int
wx_sent_hold(const char *dir, int shared)
{
	char *path = wx_asprintf("%s/sent", dir);
	int fd = shared ? wx_lock_shared(path) : wx_lock(path);

	if (fd < 0)
		wx_die(wx_exit_errno(errno), "%s.lock:", path);
	free(path);
	return fd;
}
