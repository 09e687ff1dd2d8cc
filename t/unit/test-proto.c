/* Unit tests of lib/proto.c: the §2.2 host table, URL helpers,
 * BaseRequest, stamps and SyncKey round trips against the 2018 capture. */
#include <stdlib.h>

#include "tap.h"
#include "wx.h"

static void
hosts_row(const char *web, const char *login, const char *file,
          const char *push)
{
	struct wx_hosts h;
	char name[128];

	snprintf(name, sizeof name, "hosts: %s", web);
	if (!ok(wx_hosts_for(web, &h) == 0, name))
		return;
	is_str(h.login, login, name);
	is_str(h.file, file, name);
	is_str(h.push, push, name);
}

static void
test_hosts(void)
{
	struct wx_hosts h;

	hosts_row("wx2.qq.com", "login.wx2.qq.com", "file.wx2.qq.com",
	          "webpush.wx2.qq.com");
	hosts_row("wx8.qq.com", "login.wx8.qq.com", "file.wx8.qq.com",
	          "webpush.wx8.qq.com");
	hosts_row("wx.qq.com", "login.wx.qq.com", "file.wx.qq.com",
	          "webpush.wx.qq.com");
	hosts_row("weixin.qq.com", "login.wx.qq.com", "file.wx.qq.com",
	          "webpush.wx.qq.com");
	hosts_row("web2.wechat.com", "login.web2.wechat.com",
	          "file.web2.wechat.com", "webpush.web2.wechat.com");
	hosts_row("web.wechat.com", "login.web.wechat.com",
	          "file.web.wechat.com", "webpush.web.wechat.com");
	hosts_row("example.org", "login.weixin.qq.com", "file.wx.qq.com",
	          "webpush.weixin.qq.com");
	/* substring tests, in order: wx2 wins over qq.com, web2 over wechat */
	hosts_row("abcwx2.qq.com.cn", "login.wx2.qq.com", "file.wx2.qq.com",
	          "webpush.wx2.qq.com");
	hosts_row("xweb2.wechat.com", "login.web2.wechat.com",
	          "file.web2.wechat.com", "webpush.web2.wechat.com");
	hosts_row("WX8.QQ.COM", "login.wx8.qq.com", "file.wx8.qq.com",
	          "webpush.wx8.qq.com");
	/* file-helper entry hosts: their own push host (filehelper.md §2) */
	hosts_row("filehelper.weixin.qq.com", "login.wx.qq.com",
	          "file.wx.qq.com", "filehelper.weixin.qq.com");
	hosts_row("szfilehelper.weixin.qq.com", "login.wx2.qq.com",
	          "file.wx2.qq.com", "szfilehelper.weixin.qq.com");
	is_int(wx_hosts_for("", &h), -1, "hosts: empty refused");
	is_int(wx_hosts_for("wx.qq.com/x", &h), -1, "hosts: '/' refused");
	is_int(wx_hosts_for("a b", &h), -1, "hosts: space refused");
	is_int(wx_hosts_for(NULL, &h), -1, "hosts: NULL refused");

	ok(wx_web_host_known("wx.qq.com") && wx_web_host_known("wx2.qq.com") &&
	   wx_web_host_known("wx8.qq.com") && wx_web_host_known("web.wechat.com") &&
	   wx_web_host_known("web2.wechat.com"), "known: the five web hosts");
	ok(!wx_web_host_known("login.wx.qq.com") && !wx_web_host_known("qq.com") &&
	   !wx_web_host_known("wx2.qq.com.evil") && !wx_web_host_known(""),
	   "known: nothing else");
	ok(wx_mode_host(WX_MODE_FILEHELPER, "filehelper.weixin.qq.com") &&
	   wx_mode_host(WX_MODE_FILEHELPER, "szfilehelper.weixin.qq.com") &&
	   !wx_mode_host(WX_MODE_FILEHELPER, "wx.qq.com") &&
	   !wx_mode_host(WX_MODE_WEB, "filehelper.weixin.qq.com") &&
	   !wx_mode_host(WX_MODE_DESKTOP, "szfilehelper.weixin.qq.com") &&
	   wx_mode_host(WX_MODE_DESKTOP, "wx2.qq.com") &&
	   !wx_mode_host(WX_MODE_FILEHELPER, "xfilehelper.weixin.qq.com"),
	   "mode hosts: each mode its own");
}

static void
test_modes(void)
{
	struct wx_state *st = wx_state_new();
	enum wx_mode m = WX_MODE_DESKTOP;

	ok(wx_mode_parse(NULL, &m) == 0 && m == WX_MODE_WEB, "mode: none is web");
	ok(wx_mode_parse("", &m) == 0 && m == WX_MODE_WEB, "mode: empty is web");
	ok(wx_mode_parse("filehelper", &m) == 0 && m == WX_MODE_FILEHELPER,
	   "mode: filehelper");
	ok(wx_mode_parse("desktop", &m) == 0 && m == WX_MODE_DESKTOP,
	   "mode: desktop");
	ok(wx_mode_parse("Web", &m) < 0 && wx_mode_parse("fh", &m) < 0,
	   "mode: others refused");
	is_str(wx_mode_name(WX_MODE_FILEHELPER), "filehelper", "mode: name");
	is_str(wx_mode_start(st, WX_MODE_FILEHELPER), "filehelper.weixin.qq.com",
	       "mode start: file helper's entry");
	is_str(wx_mode_start(st, WX_MODE_WEB), "wx.qq.com", "mode start: web");
	wx_state_set(st, "host", "wx2.qq.com");
	is_str(wx_mode_start(st, WX_MODE_FILEHELPER), "filehelper.weixin.qq.com",
	       "mode start: a web host is not file helper's");
	is_str(wx_mode_start(st, WX_MODE_WEB), "wx2.qq.com",
	       "mode start: the session's web host");
	wx_state_set(st, "host", "szfilehelper.weixin.qq.com");
	is_str(wx_mode_start(st, WX_MODE_FILEHELPER), "szfilehelper.weixin.qq.com",
	       "mode start: the session's entry host");
	is_str(wx_mode_start(st, WX_MODE_DESKTOP), "wx.qq.com",
	       "mode start: an entry host is not desktop's");
	wx_state_free(st);
}

static void
url_host(const char *url, const char *want)
{
	char *got = wx_url_host(url), name[160];

	snprintf(name, sizeof name, "url_host: %s", url);
	is_str(got, want, name);
	free(got);
}

static void
url_param(const char *url, const char *name, const char *want)
{
	char *got = wx_url_param(url, name), tn[200];

	snprintf(tn, sizeof tn, "url_param: %s in %s", name, url);
	is_str(got, want, tn);
	free(got);
}

static void
test_url(void)
{
	const char *redir = "https://wx2.qq.com/cgi-bin/mmwebwx-bin/"
	                    "webwxnewloginpage?ticket=A6NZxcl2chBSJUFYj9hPlKMV@"
	                    "qrticket_0&uuid=4dcaWx3uBw==&lang=zh_CN&scan=1546211468";
	char *s;

	url_host(redir, "wx2.qq.com");
	url_host("https://wx.qq.com", "wx.qq.com");
	url_host("https://WX.qq.com:8443/x", "wx.qq.com");
	url_host("https://wx.qq.com?a=b", "wx.qq.com");
	url_host("http://wx.qq.com/", NULL);
	url_host("https://user@wx.qq.com/", NULL);
	url_host("https://u:p@wx.qq.com/", NULL);
	url_host("https://wx.qq.com:/", NULL);
	url_host("https://wx.qq.com:80x/", NULL);
	url_host("https:///x", NULL);
	url_host("https://[::1]/", NULL);
	url_host("wx.qq.com", NULL);

	url_param(redir, "ticket", "A6NZxcl2chBSJUFYj9hPlKMV@qrticket_0");
	url_param(redir, "uuid", "4dcaWx3uBw==");
	url_param(redir, "scan", "1546211468");
	url_param(redir, "lan", NULL);
	url_param(redir, "missing", NULL);
	url_param("https://h/?a=1&a=2", "a", "1");
	url_param("https://h/?pass_ticket=a%2Bb%3D&x", "pass_ticket", "a+b=");
	url_param("https://h/?x&y=", "x", "");
	url_param("https://h/?x&y=", "y", "");
	url_param("https://h/?a=1#b=2", "b", NULL);
	url_param("https://h/?ab=1&b=2", "b", "2");
	url_param("https://h/no-query", "a", NULL);

	s = wx_urlencode("a b+c/@~-._Zz09\xe4\xbd\xa0");
	is_str(s, "a%20b%2Bc%2F%40~-._Zz09%E4%BD%A0", "urlencode");
	free(s);
	s = wx_urlencode("");
	is_str(s, "", "urlencode: empty");
	free(s);
	s = wx_urldecode("a%20b%2bc+d%E4%BD%A0");
	is_str(s, "a b+c+d\xe4\xbd\xa0", "urldecode: '+' stays '+'");
	free(s);
	s = wx_urldecode("100%%zz%4%g1%");
	is_str(s, "100%%zz%4%g1%", "urldecode: bad escapes left as is");
	free(s);
	s = wx_urldecode("a%00b");
	is_str(s, "a%00b", "urldecode: %00 left as is");
	free(s);

	s = wx_cgi_url("wx2.qq.com", "webwxinit", "r=-1&lang=zh_CN");
	is_str(s, "https://wx2.qq.com/cgi-bin/mmwebwx-bin/webwxinit?r=-1&lang=zh_CN",
	       "cgi_url: with query");
	free(s);
	s = wx_cgi_url("file.wx.qq.com", "webwxuploadmedia", NULL);
	is_str(s, "https://file.wx.qq.com/cgi-bin/mmwebwx-bin/webwxuploadmedia",
	       "cgi_url: without query");
	free(s);
}

static int
device_id_ok(const char *d)
{
	return d[0] == 'e' && strlen(d) == 16 &&
	       strspn(d + 1, "0123456789") == 15;
}

static void
test_ids(void)
{
	char a[17], b[17];
	long long r, before, after;
	int i, shapes = 1;

	wx_device_id(a, WX_MODE_WEB);
	wx_device_id(b, WX_MODE_DESKTOP);
	ok(device_id_ok(a) && device_id_ok(b), "device_id: e + 15 digits");
	ok(strcmp(a, b) != 0, "device_id: random");
	for (i = 0; i < 1000; i++) {
		wx_device_id(a, WX_MODE_WEB);
		shapes &= device_id_ok(a);
	}
	ok(shapes, "device_id: shape holds over 1000 draws");
	wx_device_id(a, WX_MODE_FILEHELPER);
	ok(strlen(a) == 15 && strspn(a, "0123456789") == 15,
	   "device_id: file helper's 15 digits, no e");

	is_int(wx_stamp_r_at(1546211300154LL), -23073595, "stamp: CAP r");
	is_int(wx_stamp_r_at(1546211541416LL), -23314857, "stamp: CAP rr");
	is_int(wx_stamp_r_at(1546211298790LL), -23072231, "stamp: CAP init r");
	is_int(wx_stamp_r_at(0), -1, "stamp: ~0 = -1");
	is_int(wx_stamp_r_at(0x7fffffffLL), -2147483648LL, "stamp: ~INT32_MAX");
	is_int(wx_stamp_r_at(0x80000000LL), 2147483647LL, "stamp: ~INT32_MIN");
	before = wx_now_ms();
	r = wx_stamp_r();
	after = wx_now_ms();
	ok(r >= -2147483648LL && r <= 2147483647LL, "stamp: 32-bit range");
	ok(r == wx_stamp_r_at(before) || r == wx_stamp_r_at(after) ||
	   (r <= wx_stamp_r_at(before) && r >= wx_stamp_r_at(after)),
	   "stamp: now");
}

/* BaseRequest with its DeviceID checked and then cut out. */
static void
base_request(const char *uin, const char *sid, const char *skey,
             const char *want, const char *name)
{
	struct wx_buf b = {0};
	char *dev;

	wx_buf_adds(&b, "x");
	wx_base_request(&b, uin, sid, skey, WX_MODE_WEB);
	dev = strstr(b.p, ",\"DeviceID\":\"e");
	ok(dev && strlen(dev) == 13 + 16 + 2 && dev[13] == 'e' &&
	   strspn(dev + 14, "0123456789") == 15 && strcmp(dev + 29, "\"}") == 0,
	   name);
	if (dev)
		*dev = '\0';
	is_str(b.p, want, name);
	wx_buf_free(&b);
}

static void
test_base_request(void)
{
	base_request("176666155", "5YpLHmVgWwH5LxN1",
	             "@crypt_63d18dea_a7de6934c67e2f89ac399fa35b689a50",
	             "x{\"Uin\":176666155,\"Sid\":\"5YpLHmVgWwH5LxN1\",\"Skey\":"
	             "\"@crypt_63d18dea_a7de6934c67e2f89ac399fa35b689a50\"",
	             "base_request: CAP shape, Uin a number");
	base_request("2833722743", "a", "", "x{\"Uin\":2833722743,\"Sid\":\"a\","
	             "\"Skey\":\"\"", "base_request: Uin above 2^31");
	base_request("0123", "s\"q", "k\\", "x{\"Uin\":\"0123\",\"Sid\":\"s\\\"q\","
	             "\"Skey\":\"k\\\\\"", "base_request: odd Uin a string, escapes");
	base_request("", NULL, NULL, "x{\"Uin\":\"\",\"Sid\":\"\",\"Skey\":\"\"",
	             "base_request: empty");
}

static char *
pipe_of(const struct wx_synckey *sk)
{
	struct wx_buf b = {0};

	wx_synckey_pipe(sk, &b);
	return b.p;
}

static char *
json_of(const struct wx_synckey *sk)
{
	struct wx_buf b = {0};

	wx_synckey_json(sk, &b);
	return b.p;
}

/* The SyncKey member of a JSON file, or -1. */
static int
synckey_from_file(const char *path, const char *member, struct wx_synckey *sk)
{
	struct wx_buf b = {0};
	struct wx_json *j;
	char err[128];
	int rc = -1;

	if (wx_read_file(path, 1 << 20, &b) < 0)
		return -1;
	j = wx_json_parse(b.p, b.len, err, sizeof err);
	if (j)
		rc = wx_synckey_from_json(j, wx_json_get(j, 0, member), sk);
	wx_json_free(j);
	wx_buf_free(&b);
	return rc;
}

static int
synckey_from_text(const char *text, struct wx_synckey *sk)
{
	char err[128];
	struct wx_json *j = wx_json_parse(text, strlen(text), err, sizeof err);
	int rc = j ? wx_synckey_from_json(j, 0, sk) : -2;

	wx_json_free(j);
	return rc;
}

static void
test_synckey(void)
{
	const char *cap = "{\"Count\":4,\"List\":[{\"Key\":1,\"Val\":698325105},"
	                  "{\"Key\":2,\"Val\":698325109},{\"Key\":3,\"Val\":"
	                  "698325051},{\"Key\":1000,\"Val\":1546210682}]}";
	const char *check = "1_698325105|2_698325111|3_698325051|11_698322408|"
	                    "201_1546211542|1000_1546210682|1001_1546210755";
	struct wx_synckey sk, sk2;
	struct wx_buf big = {0};
	const char *url;
	char *s;
	int i;

	is_int(synckey_from_file("t/samples/webwxsync-weixinHttp-1.req.json",
	                         "SyncKey", &sk), 0, "synckey: from CAP request");
	s = json_of(&sk);
	is_str(s, cap, "synckey: compact JSON is byte-equal to CAP's request");
	free(s);
	is_int(synckey_from_file("t/samples/webwxsync-weixinHttp-1.json",
	                         "SyncCheckKey", &sk), 0,
	       "synckey: SyncCheckKey of CAP's webwxsync answer");
	s = pipe_of(&sk);
	is_str(s, check, "synckey: pipe form");
	free(s);
	url = "https://webpush.wx.qq.com/cgi-bin/mmwebwx-bin/synccheck?r=1&"
	      "synckey=1_698325105%7C2_698325111%7C3_698325051%7C11_698322408%7C"
	      "201_1546211542%7C1000_1546210682%7C1001_1546210755&_=1";
	s = wx_url_param(url, "synckey");
	is_str(s, check, "synckey: CAP synccheck URL carries the same key");
	free(s);
	is_int(synckey_from_file("t/samples/webwxinit_SyncKey-qwx-1.txt", "x",
	                         &sk2), -1, "synckey: fragment is not a document");

	is_int(wx_synckey_parse(check, &sk2), 0, "parse: pipe");
	s = json_of(&sk2);
	is_int(synckey_from_text(s, &sk), 0, "round trip: pipe -> JSON -> struct");
	free(s);
	s = pipe_of(&sk);
	is_str(s, check, "round trip: back to the same pipe text");
	free(s);
	is_int(wx_synckey_parse("1_698325105%7C2_1%7c3_18446744073709551615", &sk), 0,
	       "parse: %7C and %7c separators");
	s = pipe_of(&sk);
	is_str(s, "1_698325105|2_1|3_18446744073709551615", "parse: uint64 val");
	free(s);
	is_int(wx_synckey_parse("4294967295_0", &sk), 0, "parse: key 2^32-1");

	is_int(wx_synckey_parse("", &sk), -1, "parse: empty refused");
	is_int(wx_synckey_parse("1_2|", &sk), -1, "parse: trailing | refused");
	is_int(wx_synckey_parse("|1_2", &sk), -1, "parse: leading | refused");
	is_int(wx_synckey_parse("1_2||3_4", &sk), -1, "parse: empty pair refused");
	is_int(wx_synckey_parse("1_", &sk), -1, "parse: empty val refused");
	is_int(wx_synckey_parse("_1", &sk), -1, "parse: empty key refused");
	is_int(wx_synckey_parse("1-2", &sk), -1, "parse: no '_' refused");
	is_int(wx_synckey_parse("1_2_3", &sk), -1, "parse: two '_' refused");
	is_int(wx_synckey_parse("a_1", &sk), -1, "parse: non-numeric key");
	is_int(wx_synckey_parse("1_-1", &sk), -1, "parse: sign refused");
	is_int(wx_synckey_parse("1_ 2", &sk), -1, "parse: space refused");
	is_int(wx_synckey_parse("4294967296_1", &sk), -1, "parse: key > 2^32-1");
	is_int(wx_synckey_parse("1_18446744073709551616", &sk), -1,
	       "parse: val > 2^64-1");
	is_int(wx_synckey_parse("1_2%7", &sk), -1, "parse: cut %7C refused");
	for (i = 0; i < WX_SYNCKEY_MAX; i++)
		wx_buf_addf(&big, "%s%d_%d", i ? "|" : "", i, i);
	is_int(wx_synckey_parse(big.p, &sk), 0, "parse: WX_SYNCKEY_MAX pairs");
	is_int(sk.n, WX_SYNCKEY_MAX, "parse: all of them");
	s = json_of(&sk);
	is_int(synckey_from_text(s, &sk2), 0, "from_json: WX_SYNCKEY_MAX pairs");
	free(s);
	wx_buf_adds(&big, "|99_99");
	is_int(wx_synckey_parse(big.p, &sk), -1, "parse: one more refused");
	wx_buf_free(&big);

	is_int(synckey_from_text("{\"Count\":0,\"List\":[]}", &sk), 0,
	       "from_json: empty key");
	is_int(sk.n, 0, "from_json: empty key has no pairs");
	s = pipe_of(&sk);
	is_str(s, "", "pipe: empty key");
	free(s);
	s = json_of(&sk);
	is_str(s, "{\"Count\":0,\"List\":[]}", "json: empty key");
	free(s);
	is_int(synckey_from_text("{\"List\":[{\"Key\":1,\"Val\":2}]}", &sk), 0,
	       "from_json: Count may be absent");
	is_int(synckey_from_text("{\"Count\":2,\"List\":[{\"Key\":1,\"Val\":2}]}",
	                         &sk), -1, "from_json: Count must match List");
	is_int(synckey_from_text("{\"Count\":1,\"List\":[{\"Key\":-1,\"Val\":2}]}",
	                         &sk), -1, "from_json: negative Key");
	is_int(synckey_from_text("{\"Count\":1,\"List\":[{\"Key\":1}]}", &sk), -1,
	       "from_json: missing Val");
	is_int(synckey_from_text("{\"Count\":1,\"List\":[{\"Key\":1,\"Val\":1.5}]}",
	                         &sk), -1, "from_json: fractional Val");
	is_int(synckey_from_text("{\"Count\":1,\"List\":[7]}", &sk), -1,
	       "from_json: element not an object");
	is_int(synckey_from_text("{\"Count\":0}", &sk), -1, "from_json: no List");
	is_int(synckey_from_text("[1]", &sk), -1, "from_json: not an object");
}

int
main(void)
{
	wx_argv0 = "test-proto";
	test_hosts();
	test_modes();
	test_url();
	test_ids();
	test_base_request();
	test_synckey();
	return tap_done();
}
