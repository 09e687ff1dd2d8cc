/* Unit tests of lib/http.c: URL masking, the cookie jar's mode, the
 * message of a refused connection, and requests against a small forked
 * server that echoes each request back as its answer. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tap.h"
#include "wx.h"

static void
mask_is(const char *url, const char *want)
{
	char *got = wx_mask_url(url);

	is_str(got, want, url);
	free(got);
}

static void
test_mask(void)
{
	mask_is("https://wx.qq.com/", "https://wx.qq.com/");
	mask_is("https://wx.qq.com/cgi-bin/mmwebwx-bin/webwxinit?r=1&lang=zh_CN"
	        "&pass_ticket=VgRra8ty%2BZ",
	        "https://wx.qq.com/cgi-bin/mmwebwx-bin/webwxinit?r=1&lang=zh_CN"
	        "&pass_ticket=***");
	mask_is("https://webpush.wx2.qq.com/cgi-bin/mmwebwx-bin/synccheck?"
	        "r=1&skey=%40crypt_8e4ad7fa_27&sid=PsWd4F&uin=155217200"
	        "&deviceid=e1&synckey=1_2&_=3",
	        "https://webpush.wx2.qq.com/cgi-bin/mmwebwx-bin/synccheck?"
	        "r=1&skey=***&sid=***&uin=***&deviceid=e1&synckey=1_2&_=3");
	mask_is("https://wx.qq.com/x?ticket=A6NZ@qrticket_0&uuid=4dca&scan=1",
	        "https://wx.qq.com/x?ticket=***&uuid=4dca&scan=1");
	mask_is("https://file.wx.qq.com/x?webwx_data_ticket=abc&wxsid=s"
	        "&wxuin=1&mediaid=m",
	        "https://file.wx.qq.com/x?webwx_data_ticket=***&wxsid=***"
	        "&wxuin=***&mediaid=m");
	mask_is("https://wx.qq.com/x?myskey=1&skeyx=2&skey",
	        "https://wx.qq.com/x?myskey=1&skeyx=2&skey");
	mask_is("https://wx.qq.com/x?skey=&a=1#skey=2",
	        "https://wx.qq.com/x?skey=***&a=1#skey=2");
	mask_is("https://wx.qq.com/x?&&sid=1&", "https://wx.qq.com/x?&&sid=***&");
	mask_is("https://file.wx.qq.com/x?sender=@a&fromuser=155217200&m=1",
	        "https://file.wx.qq.com/x?sender=@a&fromuser=***&m=1");
}

static void
test_jar_mode(void)
{
	char dir[] = "/tmp/wx-test-http-XXXXXX";
	char *path;
	struct wx_http *h;
	struct stat st;
	struct wx_buf text = {0};
	mode_t old;
	int fd;

	if (!mkdtemp(dir)) {
		ok(0, "jar: mkdtemp");
		return;
	}
	path = wx_asprintf("%s/cookies", dir);
	/* A cookie in the jar, loaded at start and written back at free. */
	fd = open(path, O_WRONLY | O_CREAT, 0600);
	dprintf(fd, "# Netscape HTTP Cookie File\n"
	        ".qq.com\tTRUE\t/\tTRUE\t0\twebwx_data_ticket\tgSdT\n"
	        "#HttpOnly_wx2.qq.com\tFALSE\t/\tTRUE\t0\twxsid\tPsWd\n");
	close(fd);
	old = umask(0);
	h = wx_http_new(path);
	char *v = wx_http_cookie(h, "file.wx2.qq.com", "webwx_data_ticket");
	is_str(v, "gSdT", "cookie: .qq.com seen from file.wx2.qq.com");
	free(v);
	v = wx_http_cookie(h, "wx2.qq.com", "wxsid");
	is_str(v, "PsWd", "cookie: HttpOnly host cookie, same host");
	free(v);
	v = wx_http_cookie(h, "file.wx2.qq.com", "wxsid");
	ok(v == NULL, "cookie: host-only cookie not seen from a subdomain");
	free(v);
	v = wx_http_cookie(h, "xqq.com", "webwx_data_ticket");
	ok(v == NULL, "cookie: tail match stops at a dot");
	free(v);
	is_int(wx_http_save_cookies(h), 0, "jar: saved");
	wx_http_free(h);
	umask(old);
	ok(stat(path, &st) == 0 && (st.st_mode & 0777) == 0600,
	   "jar: mode 0600 under umask 0");
	h = wx_http_new(path);
	v = wx_http_cookie(h, "wx2.qq.com", "wxsid");
	is_str(v, "PsWd", "jar: cookies survive a rewrite");
	free(v);
	/* Another process adds a cookie meanwhile: the save keeps it. */
	fd = open(path, O_WRONLY | O_APPEND);
	dprintf(fd, ".qq.com\tTRUE\t/\tFALSE\t0\tother\tO1\n"
	        ".qq.com\tTRUE\t/\tFALSE\t1000\tstale\tS1\n");
	close(fd);
	is_int(wx_http_save_cookies(h), 0, "jar: saved again");
	wx_http_free(h);
	h = wx_http_new(path);
	v = wx_http_cookie(h, "wx2.qq.com", "other");
	is_str(v, "O1", "jar: another process's cookie survives a save");
	free(v);
	v = wx_http_cookie(h, "wx2.qq.com", "wxsid");
	is_str(v, "PsWd", "jar: and so do the loaded ones");
	free(v);
	wx_buf_reset(&text);
	wx_read_file(path, 4096, &text);
	ok(text.p && !strstr(text.p, "stale"), "jar: an expired cookie goes");
	wx_http_free(h);
	unlink(path);
	h = wx_http_new(path);
	is_int(wx_http_save_cookies(h), 0, "jar: made when missing");
	wx_http_free(h);
	ok(stat(path, &st) == 0 && (st.st_mode & 0777) == 0600,
	   "jar: new file is 0600");
	unlink(path);
	/* A FIFO in its place is refused at once, not waited on. */
	mkfifo(path, 0600);
	is_int(wx_open_regular(path, O_RDONLY), -1, "open_regular: FIFO refused");
	is_int(errno, WX_ENOTREG, "open_regular: errno WX_ENOTREG");
	is_str(wx_strerror(errno), "not a regular file", "strerror: its text");
	unlink(path);
	wx_buf_free(&text);
	free(path);
	rmdir(dir);
}

/* A socket bound to a free loopback port; the port in *port. */
static int
bound_socket(int *port)
{
	struct sockaddr_in a = {.sin_family = AF_INET};
	socklen_t n = sizeof a;
	int s = socket(AF_INET, SOCK_STREAM, 0);

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (s < 0 || bind(s, (struct sockaddr *)&a, sizeof a) != 0 ||
	    getsockname(s, (struct sockaddr *)&a, &n) != 0)
		exit(111);
	*port = ntohs(a.sin_port);
	return s;
}

/* A loopback port with nothing listening. */
static int
closed_port(void)
{
	int port;

	close(bound_socket(&port));
	return port;
}

/* Read one request (head and Content-Length body) into b; -1 at EOF. */
static int
read_request(int c, struct wx_buf *b)
{
	char chunk[4096], *head_end, *cl;
	ssize_t n;
	size_t want = 0;

	wx_buf_reset(b);
	for (;;) {
		head_end = b->p ? strstr(b->p, "\r\n\r\n") : NULL;
		if (head_end && !want) {
			cl = strcasestr(b->p, "\r\nContent-Length: ");
			want = (size_t)(head_end + 4 - b->p) +
			       (cl && cl < head_end ? strtoul(cl + 18, NULL, 10) : 0);
		}
		if (head_end && b->len >= want)
			return 0;
		if ((n = read(c, chunk, sizeof chunk)) <= 0)
			return -1;
		wx_buf_add(b, chunk, (size_t)n);
	}
}

/* The answer to one request, chosen by its path: /301, /404, /502,
 * /range (206 to a "Range: bytes=0-"), /short206 (a 206 of half the
 * resource), /slow (2 s late), /gz (gzip encoded), /big (past the 16 MiB
 * cap), else the request itself. */
static void
answer(int c, const struct wx_buf *req)
{
	static char zeros[65536];
	const size_t big = 17u << 20;
	struct wx_buf out = {0};
	size_t i;

	if (strncmp(req->p, "GET /301", 8) == 0) {
		wx_buf_adds(&out, "HTTP/1.1 301 Moved Permanently\r\n"
		            "Content-Length: 5\r\n\r\nmoved");
	} else if (strncmp(req->p, "GET /404", 8) == 0) {
		wx_buf_adds(&out, "HTTP/1.1 404 Not Found\r\n"
		            "Content-Length: 4\r\n\r\nnope");
	} else if (strncmp(req->p, "GET /502", 8) == 0) {
		wx_buf_adds(&out, "HTTP/1.1 502 Bad Gateway\r\n"
		            "Content-Length: 3\r\n\r\nbad");
	} else if (strncmp(req->p, "GET /range", 10) == 0 &&
	           strstr(req->p, "\r\nRange: bytes=0-\r\n")) {
		wx_buf_adds(&out, "HTTP/1.1 206 Partial Content\r\n"
		            "Content-Range: bytes 0-9/10\r\n"
		            "Content-Length: 10\r\n\r\n0123456789");
	} else if (strncmp(req->p, "GET /short206", 13) == 0) {
		wx_buf_adds(&out, "HTTP/1.1 206 Partial Content\r\n"
		            "Content-Range: bytes 0-9/20\r\n"
		            "Content-Length: 10\r\n\r\n0123456789");
	} else if (strncmp(req->p, "GET /slow", 9) == 0) {
		sleep(2);
		wx_buf_adds(&out, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
	} else if (strncmp(req->p, "GET /gz", 7) == 0) {
		/* "hello, gzip" as made by gzip -n -9. */
		static const char gz[] = "\x1f\x8b\x08\x00\x00\x00\x00\x00"
		        "\x02\x03\xcb\x48\xcd\xc9\xc9\xd7\x51\x48\xaf\xca\x2c"
		        "\x00\x00\x4a\x9b\xb1\x5c\x0b\x00\x00\x00";
		wx_buf_addf(&out, "HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\n"
		            "Content-Length: %zu\r\n\r\n", sizeof gz - 1);
		wx_buf_add(&out, gz, sizeof gz - 1);
	} else if (strncmp(req->p, "GET /big", 8) == 0) {
		wx_buf_addf(&out, "HTTP/1.1 200 OK\r\n"
		            "Content-Length: %zu\r\n\r\n", big);
		for (i = 0; i < big / sizeof zeros; i++)
			wx_buf_add(&out, zeros, sizeof zeros);
	} else {
		wx_buf_addf(&out, "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n"
		            "Set-Cookie: wxuin=42; Domain=.qq.com; Path=/\r\n"
		            "Content-Length: %zu\r\n\r\n", req->len);
		wx_buf_add(&out, req->p, req->len);
	}
	for (i = 0; i < out.len; ) {
		ssize_t n = write(c, out.p + i, out.len - i);
		if (n <= 0)
			break;
		i += (size_t)n;
	}
	wx_buf_free(&out);
}

/* Fork a server on a loopback port: keep-alive, requests answered in
 * order, until killed.  Returns its pid. */
static pid_t
echo_server(int *port)
{
	int s = bound_socket(port), c;
	struct wx_buf req = {0};
	pid_t pid;

	listen(s, 8);
	if ((pid = fork()) != 0) {
		close(s);
		return pid;
	}
	signal(SIGPIPE, SIG_IGN);
	while ((c = accept(s, NULL, NULL)) >= 0) {
		while (read_request(c, &req) == 0)
			answer(c, &req);
		close(c);
	}
	_exit(0);
}

/* Run a GET with stderr sent to a file; the message lands in msg. */
static int
get_capturing(struct wx_http *h, const char *url, struct wx_resp *r,
              struct wx_buf *msg)
{
	struct tap_stderr c;
	int rc;

	tap_stderr_begin(&c);
	rc = wx_http_get(h, url, r);
	tap_stderr_end(&c, msg);
	return rc;
}

static void
test_refused(void)
{
	struct wx_buf msg = {0};
	int port = closed_port();
	char *url = wx_asprintf("http://127.0.0.1:%d/cgi-bin/mmwebwx-bin/"
	                        "synccheck?skey=%%40crypt_1&sid=S&r=2", port);
	char *want = wx_asprintf("test-http: GET http://127.0.0.1:%d/cgi-bin/"
	                         "mmwebwx-bin/synccheck?skey=***&sid=***&r=2: ",
	                         port);
	struct wx_http *h = wx_http_new(NULL);
	struct wx_resp r = {0};

	is_int(get_capturing(h, url, &r, &msg), WX_EXIT_TEMP,
	       "refused: exit 111");
	ok(msg.p && strncmp(msg.p, want, strlen(want)) == 0,
	   "refused: message names method and masked URL");
	ok(msg.p && !strstr(msg.p, "crypt_1") && msg.p[msg.len - 1] == '\n',
	   "refused: no secret, one line");
	if (msg.p)
		printf("# %s", msg.p);
	free(url);
	free(want);
	wx_buf_free(&msg);
	wx_resp_free(&r);
	wx_http_free(h);
}

static int
has(const struct wx_resp *r, const char *s)
{
	return r->body.p && strstr(r->body.p, s) != NULL;
}

static void
test_requests(struct wx_http *h)
{
	struct wx_resp r = {0};
	static const char json[] = "{\"BaseRequest\":{\"Uin\":1}}";
	const struct wx_part parts[] = {
		{"id", "WU_FILE_0", 9, NULL, NULL},
		{"filename", "hi\0there", 8, "a.txt", "text/plain"},
	};

	is_int(wx_http_get(h, "http://wx.qq.com/echo", &r), 0, "get: ok");
	is_int(r.status, 200, "get: status");
	ok(has(&r, "GET /echo HTTP/1.1\r\nHost: wx.qq.com\r\n"),
	   "get: WX_CONNECT_TO keeps the Host");
	ok(has(&r, "User-Agent: Mozilla/5.0 (Windows NT 10.0; Win64; x64)"),
	   "get: browser User-Agent");
	ok(has(&r, "Accept-Encoding: "), "get: offers compression");
	ok(has(&r, "\r\nclient-version: 2.0.0\r\n"), "get: extra header");
	is_str(r.content_type, "text/plain", "get: content type");
	char *v = wx_http_cookie(h, "file.wx.qq.com", "wxuin");
	is_str(v, "42", "cookie: Set-Cookie for .qq.com stored");
	free(v);
	wx_http_get(h, "http://wx.qq.com/again", &r);
	ok(has(&r, "\r\nCookie: wxuin=42\r\n"), "get: cookie sent back");

	wx_http_post_json(h, "http://wx.qq.com/json", json, strlen(json), &r);
	ok(has(&r, "POST /json HTTP/1.1\r\n"), "post_json: method");
	ok(has(&r, "\r\nContent-Type: application/json;charset=UTF-8\r\n"),
	   "post_json: content type");
	ok(r.body.len > strlen(json) &&
	   strcmp(r.body.p + r.body.len - strlen(json), json) == 0,
	   "post_json: body sent");
	wx_http_post_form(h, "http://wx.qq.com/form", "a=1&b=%40", &r);
	ok(has(&r, "\r\nContent-Type: application/x-www-form-urlencoded\r\n"),
	   "post_form: content type");
	ok(has(&r, "\r\n\r\na=1&b=%40"), "post_form: body sent");
	wx_http_post_multipart(h, "http://wx.qq.com/up", parts, 2, &r);
	ok(has(&r, "Content-Type: multipart/form-data; boundary="),
	   "multipart: content type");
	ok(has(&r, "name=\"id\"\r\n\r\nWU_FILE_0\r\n"), "multipart: field");
	ok(has(&r, "name=\"filename\"; filename=\"a.txt\"\r\n"
	       "Content-Type: text/plain\r\n\r\nhi"),
	   "multipart: file part with name and type");
	ok(memmem(r.body.p, r.body.len, "hi\0there\r\n", 10) != NULL,
	   "multipart: binary data intact");
	is_int(wx_http_get(h, "http://wx.qq.com/gz", &r), 0, "gzip: ok");
	is_str(r.body.p, "hello, gzip", "gzip: body decoded");
	is_int(wx_http_get(h, "http://wx.qq.com/echo", &r), 0,
	       "get after post: ok");
	ok(has(&r, "GET /echo "), "get after post: method is GET again");
	wx_resp_free(&r);
}

static void
test_failures(struct wx_http *h)
{
	struct wx_resp r = {0};
	struct wx_buf msg = {0};

	is_int(get_capturing(h, "http://wx.qq.com/301", &r, &msg), WX_EXIT_TEMP,
	       "301 unasked: exit 111");
	is_str(msg.p, "test-http: GET http://wx.qq.com/301: HTTP 301\n",
	       "301 unasked: message");
	wx_http_allow(h, 301);
	is_int(get_capturing(h, "http://wx.qq.com/301", &r, &msg), 0,
	       "301 allowed: not an error");
	wx_http_allow(h, 0);
	is_int(r.status, 301, "301: not followed");
	is_str(r.body.p, "moved", "301: body kept");
	is_str(msg.p, "", "301 allowed: silent");
	is_int(get_capturing(h, "http://wx.qq.com/404", &r, &msg),
	       WX_EXIT_REFUSED, "404: exit 1, the server said no");
	is_int(wx_status_exit(429), WX_EXIT_TEMP, "status: 429 is temporary");
	is_int(wx_status_exit(408), WX_EXIT_TEMP, "status: 408 is temporary");
	is_int(wx_status_exit(403), WX_EXIT_REFUSED, "status: 403 is a no");
	is_int(wx_status_exit(204), WX_EXIT_TEMP, "status: 204 is unexpected");
	is_int(get_capturing(h, "http://wx.qq.com/502?wxsid=s", &r, &msg),
	       WX_EXIT_TEMP, "502: exit 111");
	is_str(msg.p, "test-http: GET http://wx.qq.com/502?wxsid=***: HTTP 502\n",
	       "502: message");
	is_int(get_capturing(h, "http://wx.qq.com/big", &r, &msg), WX_EXIT_TEMP,
	       "over 16 MiB: exit 111");
	is_str(msg.p, "test-http: GET http://wx.qq.com/big: answer too large\n",
	       "over 16 MiB: message");
	wx_http_timeout(h, 1);
	is_int(get_capturing(h, "http://wx.qq.com/slow", &r, &msg), WX_EXIT_TEMP,
	       "timeout: exit 111");
	ok(strstr(msg.p, "test-http: GET http://wx.qq.com/slow: ") == msg.p &&
	   strstr(msg.p, "timed out"), "timeout: message");
	wx_http_timeout(h, 0);
	is_int(wx_http_get(h, "http://wx.qq.com/echo", &r), 0,
	       "after a failure: the handle still works");
	wx_buf_free(&msg);
	wx_resp_free(&r);
}

/* wx_http_download into a temporary file: its rc, the bytes in *n and
 * the file's text in got, stderr in msg. */
static int
download(struct wx_http *h, const char *url, const char *range, uint64_t max,
         uint64_t *n, struct wx_buf *got, struct wx_buf *msg)
{
	struct tap_stderr c;
	FILE *f = tmpfile();
	int rc;

	tap_stderr_begin(&c);
	rc = wx_http_download(h, url, range, f, max, n);
	tap_stderr_end(&c, msg);
	fflush(f);
	rewind(f);
	wx_buf_reset(got);
	wx_read_stream(f, 32u << 20, got);
	fclose(f);
	return rc;
}

static void
test_download(struct wx_http *h)
{
	struct wx_buf got = {0}, msg = {0};
	struct wx_resp r = {0};
	struct tap_stderr c;
	uint64_t n = 1;
	FILE *ro;

	is_int(download(h, "http://wx.qq.com/echo?skey=S", NULL, 0, &n, &got,
	                &msg), 0, "download: ok");
	ok(got.p && strncmp(got.p, "GET /echo?skey=S HTTP/1.1\r\n", 27) == 0,
	   "download: the body, written to the file");
	is_int(n, got.len, "download: *n is the bytes written");
	ok(got.p && !strstr(got.p, "Accept-Encoding") &&
	   !strstr(got.p, "Range:"), "download: no compression, no Range");
	ok(got.p && strstr(got.p, "\r\nCookie: wxuin=42\r\n"),
	   "download: cookies sent");
	is_int(download(h, "http://wx.qq.com/range", "bytes=0-", 0, &n, &got,
	                &msg), 0, "range: 206 taken");
	is_str(got.p, "0123456789", "range: the bytes");
	is_int(download(h, "http://wx.qq.com/short206", "bytes=0-", 0, &n, &got,
	                &msg), WX_EXIT_TEMP, "range: a part of the whole is 111");
	is_str(msg.p, "test-http: GET http://wx.qq.com/short206: partial answer: "
	       "Content-Range bytes 0-9/20, 10 bytes\n", "range: message");
	is_int(download(h, "http://wx.qq.com/range", NULL, 0, &n, &got, &msg),
	       0, "no range asked: the server's 200");
	is_int(download(h, "http://wx.qq.com/short206", NULL, 0, &n, &got, &msg),
	       WX_EXIT_TEMP, "206 unasked: 111");
	is_int(download(h, "http://wx.qq.com/404?pass_ticket=P", NULL, 0, &n,
	                &got, &msg), WX_EXIT_REFUSED, "404: exit 1");
	ok(got.len == 0 && n == 0, "404: nothing written");
	is_str(msg.p, "test-http: GET http://wx.qq.com/404?pass_ticket=***: "
	       "HTTP 404\n", "404: message, masked");
	is_int(download(h, "http://wx.qq.com/502", NULL, 0, &n, &got, &msg),
	       WX_EXIT_TEMP, "502: exit 111");
	is_int(download(h, "http://wx.qq.com/big", NULL, 0, &n, &got, &msg), 0,
	       "big: past 16 MiB with no cap");
	is_int(n, 17u << 20, "big: every byte");
	is_int(got.len, 17u << 20, "big: in the file");
	is_int(download(h, "http://wx.qq.com/big", NULL, 1000, &n, &got, &msg),
	       WX_EXIT_TEMP, "cap: 111");
	is_str(msg.p, "test-http: GET http://wx.qq.com/big: answer too large\n",
	       "cap: message");
	ok(n <= 1000, "cap: at most max written");
	ro = fopen("/dev/null", "r");
	tap_stderr_begin(&c);
	is_int(wx_http_download(h, "http://wx.qq.com/echo", NULL, ro, 0, &n),
	       WX_EXIT_TEMP, "write error: 111");
	tap_stderr_end(&c, &msg);
	fclose(ro);
	ok(strncmp(msg.p, "test-http: GET http://wx.qq.com/echo: writing the "
	           "answer: ", 52) == 0, "write error: message");
	is_int(wx_http_get(h, "http://wx.qq.com/echo", &r), 0,
	       "get after download: ok");
	ok(has(&r, "Accept-Encoding: "), "get after download: compression again");
	wx_resp_free(&r);
	wx_buf_free(&got);
	wx_buf_free(&msg);
}

static void
test_server(void)
{
	int port;
	pid_t pid = echo_server(&port);
	char *ct = wx_asprintf("nowhere.example::127.0.0.1:1,::127.0.0.1:%d",
	                       port);
	struct wx_http *h;

	setenv("WX_CONNECT_TO", ct, 1);
	h = wx_http_new(NULL);
	unsetenv("WX_CONNECT_TO");
	wx_http_header(h, "client-version: 2.0.0");
	test_requests(h);
	test_failures(h);
	test_download(h);
	wx_http_free(h);
	kill(pid, SIGTERM);
	waitpid(pid, NULL, 0);
	free(ct);
}

int
main(void)
{
	wx_argv0 = "test-http";
	unsetenv("WX_CONNECT_TO");
	unsetenv("http_proxy");
	unsetenv("all_proxy");
	unsetenv("ALL_PROXY");
	test_mask();
	test_jar_mode();
	test_refused();
	test_server();
	return tap_done();
}
