/* libFuzzer target for the send and upload answers (lib/send.c,
 * lib/upload.c, lib/cgi.c): any bytes as the answer of a send CGI or of
 * webwxuploadmedia / webwxcheckupload.  Ret gives one of the documented
 * exit codes; a MsgID taken fits msgid[24] and is a nonzero uint64 in
 * digits; a token taken is one that may be sent back and printed as it
 * is.  The requests themselves need the network, so the parsers are
 * fuzzed on their own, as wx_send and wx_upload call them. */
#include <stdlib.h>

#include "fuzz.h"

static void
msgid_sane(const struct wx_json *j)
{
	char msgid[24 + 8];  /* 8 bytes of guard, checked below */
	uint64_t id;

	memset(msgid, 'G', sizeof msgid);
	if (wx_send_msgid(j, "webwxsendmsg", msgid) != 0)
		return;
	if (memchr(msgid, '\0', 24) == NULL ||
	    memcmp(msgid + 24, "GGGGGGGG", 8) != 0)
		abort();  /* the id ran past the 24 bytes the callers have */
	if (wx_parse_u64(msgid, strlen(msgid), UINT64_MAX, &id) < 0 || !id)
		abort();
}

static void
token_sane(const struct wx_json *j, const char *key)
{
	char *t = wx_upload_token(j, key), *safe;

	if (!t)
		return;
	safe = wx_safez(t);
	if (!*t || strlen(t) > WX_TOKEN_MAX || strcmp(safe, t) != 0 ||
	    strcspn(t, "&?#\\\" ") != strlen(t))
		abort();  /* printed and sent back as it is */
	free(safe);
	free(t);
}

int
LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	char err[128];
	struct wx_json *j;
	int rc;

	fuzz_quiet();
	j = wx_json_parse((const char *)data, size, err, sizeof err);
	if (!j || wx_json_type(j, 0) != WX_JSON_OBJECT) {
		wx_json_free(j);
		return 0;
	}
	rc = wx_cgi_ret(j, "webwxsendmsg");
	if (rc != 0 && rc != WX_EXIT_REFUSED && rc != WX_EXIT_TEMP)
		abort();
	msgid_sane(j);
	token_sane(j, "MediaId");
	token_sane(j, "AESKey");
	token_sane(j, "Signature");
	wx_json_free(j);
	return 0;
}
