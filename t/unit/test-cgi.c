/* Unit tests of lib/cgi.c: BaseResponse.Ret to the exit codes of wx(7),
 * and the one line each refusal prints. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tap.h"
#include "wx.h"

/* wx_cgi_ret on answer, with what it printed on stderr in msg. */
static int
ret_of(const char *answer, struct wx_buf *msg)
{
	char err[128];
	struct wx_json *j = wx_json_parse(answer, strlen(answer), err, sizeof err);
	struct tap_stderr c;
	int rc;

	tap_stderr_begin(&c);
	rc = j ? wx_cgi_ret(j, "webwxsync") : -1;
	tap_stderr_end(&c, msg);
	wx_json_free(j);
	return rc;
}

static void
ret_is(const char *answer, int want, const char *line)
{
	struct wx_buf msg = {0};

	is_int(ret_of(answer, &msg), want, answer);
	is_str(msg.p, line, answer);
	wx_buf_free(&msg);
}

int
main(void)
{
	wx_argv0 = "test-cgi";
	ret_is("{\"BaseResponse\":{\"Ret\":0,\"ErrMsg\":\"\"}}", WX_EXIT_OK, "");
	ret_is("{\"BaseResponse\":{\"Ret\":1100}}", WX_EXIT_REFUSED,
	       "test-cgi: webwxsync: logged out (1100)\n");
	ret_is("{\"BaseResponse\":{\"Ret\":1101}}", WX_EXIT_REFUSED,
	       "test-cgi: webwxsync: logged out (1101)\n");
	ret_is("{\"BaseResponse\":{\"Ret\":1102}}", WX_EXIT_REFUSED,
	       "test-cgi: webwxsync: logged out (1102)\n");
	ret_is("{\"BaseResponse\":{\"Ret\":1205}}", WX_EXIT_TEMP,
	       "test-cgi: webwxsync: too frequent (1205); try later\n");
	ret_is("{\"BaseResponse\":{\"Ret\":-1,\"ErrMsg\":\"bad\"}}",
	       WX_EXIT_REFUSED, "test-cgi: webwxsync: refused (Ret -1): bad\n");
	ret_is("{\"BaseResponse\":{\"Ret\":1203,\"ErrMsg\":\"a\\u001b[2Jb\"}}",
	       WX_EXIT_REFUSED,
	       "test-cgi: webwxsync: refused (Ret 1203): a\\x1b[2Jb\n");
	ret_is("{\"BaseResponse\":{\"Ret\":\"1100\"}}", WX_EXIT_REFUSED,
	       "test-cgi: webwxsync: logged out (1100)\n");
	ret_is("{\"BaseResponse\":{}}", WX_EXIT_TEMP,
	       "test-cgi: webwxsync: no BaseResponse.Ret in the answer\n");
	ret_is("{\"BaseResponse\":{\"Ret\":1e99}}", WX_EXIT_TEMP,
	       "test-cgi: webwxsync: no BaseResponse.Ret in the answer\n");
	return tap_done();
}
