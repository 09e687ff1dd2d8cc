/* Unit tests of lib/trace.c: the redaction of WX_TRACE, secret by
 * secret, in each place a secret stands, the placeholders numbered by
 * kind and kept for the rest of the process. */
#include "tap.h"
#include "wx.h"

/* s redacted, as a string (malloc'd). */
static char *
redact(const char *s)
{
	struct wx_buf b = {0};

	wx_trace_redact(&b, s, strlen(s));
	return b.p;
}

static void
check(const char *in, const char *want, const char *name)
{
	char *got = redact(in);

	is_str(got, want, name);
	free(got);
}

/* More secrets in one text than the process keeps: each is still
 * replaced where it stands (fuzz). */
static void
many(void)
{
	struct wx_buf in = {0}, out = {0};
	int i;

	for (i = 0; i < 1500; i++)
		wx_buf_addf(&in, "sid=value%06d&", i);
	wx_trace_redact(&out, in.p, in.len);
	ok(!strstr(out.p, "=value"), "1500 secrets in one text: all replaced");
	wx_buf_free(&in);
	wx_buf_free(&out);
}

int
main(void)
{
	ok(wx_secret_key("skey", 4) && wx_secret_key("SKey", 4) &&
	   wx_secret_key("Sid", 3) && wx_secret_key("pass_ticket", 11) &&
	   wx_secret_key("webwx_data_ticket", 17) && !wx_secret_key("uuid", 4) &&
	   !wx_secret_key("skeyx", 5) && !wx_secret_key("lang", 4),
	   "secret keys, any case; nothing else");
	check("GET /cgi-bin/mmwebwx-bin/synccheck?r=1&skey=%40crypt_ab12cd34_0123"
	      "456789abcdef&sid=QfLp3kKDxxyCmQ0n&uin=2000000001&deviceid=e1234",
	      "GET /cgi-bin/mmwebwx-bin/synccheck?r=1&skey=<skey-1>&sid=<sid-1>"
	      "&uin=<uin-1>&deviceid=e1234", "a query: each secret by its kind");
	/* learnt: the same values elsewhere, in another form, in JSON */
	check("{\"BaseRequest\":{\"Uin\":2000000001,\"Sid\":\"QfLp3kKDxxyCmQ0n\","
	      "\"Skey\":\"@crypt_ab12cd34_0123456789abcdef\",\"DeviceID\":\"e1\"}}",
	      "{\"BaseRequest\":{\"Uin\":<uin-1>,\"Sid\":\"<sid-1>\","
	      "\"Skey\":\"<skey-1>\",\"DeviceID\":\"e1\"}}",
	      "JSON: the same placeholders, the decoded skey too");
	check("{\n\"SKey\": \"@crypt_ffff0000_99\"\n} then @crypt_ffff0000_99.",
	      "{\n\"SKey\": \"<skey-2>\"\n} then <skey-2>.",
	      "the server's layout; a second skey: <skey-2>, wherever it stands");
	check("<error><ret>0</ret><skey>@crypt_1111_2222</skey><wxsid>AbCdEfGh"
	      "</wxsid><wxuin>3000000002</wxuin><pass_ticket>a%2Bb%2Fc%3D1234"
	      "</pass_ticket></error>",
	      "<error><ret>0</ret><skey><skey-3></skey><wxsid><wxsid-1></wxsid>"
	      "<wxuin><wxuin-1></wxuin><pass_ticket><pass_ticket-1></pass_ticket>"
	      "</error>", "XML of webwxnewloginpage");
	check("\"pass_ticket\" decoded: a+b/c=1234;",
	      "\"pass_ticket\" decoded: <pass_ticket-1>;",
	      "a percent-encoded secret is known decoded too");
	check("Cookie: wxuin=3000000002; wxsid=AbCdEfGh; webwx_data_ticket="
	      "gSdf3kd93lsk; mm_lang=zh_CN\r\n",
	      "Cookie: wxuin=<wxuin-1>; wxsid=<wxsid-1>; webwx_data_ticket="
	      "<webwx_data_ticket-1>; mm_lang=zh_CN\r\n",
	      "Cookie: every value, short ones (zh_CN) left");
	check("Set-Cookie: webwx_auth_ticket=CIsBEJ8x; Domain=.qq.com; Path=/\r\n",
	      "Set-Cookie: webwx_auth_ticket=<webwx_auth_ticket-1>; Domain=.qq.com;"
	      " Path=/\r\n", "Set-Cookie: the value, not the attributes");
	check("< Set-Cookie: wxpluginkey=1796180549; Path=/\n> Cookie: "
	      "wxpluginkey=1796180549\n",
	      "< Set-Cookie: wxpluginkey=<wxpluginkey-1>; Path=/\n> Cookie: "
	      "wxpluginkey=<wxpluginkey-1>\n", "cookies in the trace's own lines");
	check("Content-Disposition: form-data; name=\"webwx_data_ticket\"\r\n\r\n"
	      "gSdf3kd93lsk\r\n--b\r\nContent-Disposition: form-data; name="
	      "\"pass_ticket\"\r\n\r\nzzYYxxWW99\r\n",
	      "Content-Disposition: form-data; name=\"webwx_data_ticket\"\r\n\r\n"
	      "<webwx_data_ticket-1>\r\n--b\r\nContent-Disposition: form-data; "
	      "name=\"pass_ticket\"\r\n\r\n<pass_ticket-2>\r\n",
	      "multipart fields");
	check("window.redirect_uri=\"https://wx2.qq.com/cgi-bin/mmwebwx-bin/"
	      "webwxnewloginpage?ticket=A8qwEoeXh0Y@qrticket_0&uuid=4ZwIFHM6Iw"
	      "==&lang=zh_CN&scan=1546211295\";",
	      "window.redirect_uri=\"https://wx2.qq.com/cgi-bin/mmwebwx-bin/"
	      "webwxnewloginpage?ticket=<ticket-1>&uuid=4ZwIFHM6Iw"
	      "==&lang=zh_CN&scan=1546211295\";", "the login ticket");
	check("MsgId 12000000001 and 2000000001x and x2000000001 and 2000000001",
	      "MsgId 12000000001 and 2000000001x and x2000000001 and <uin-1>",
	      "a value inside a longer word is left");
	check("\"Uin\":0,\"Uin\":12,\"skey\":\"\"",
	      "\"Uin\":0,\"Uin\":12,\"skey\":\"\"", "short values are no secrets");
	check("notskey=abcdefgh&xsid=abcdefgh", "notskey=abcdefgh&xsid=abcdefgh",
	      "a key that only ends in a secret's name");
	many();
	check("", "", "an empty text (fuzz: qsort of no places)");
	return tap_done();
}
