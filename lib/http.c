/* http.c — every request of wx goes through one libcurl easy handle, so
 * connections are kept alive between the steps of a command.  libcurl does
 * the HTTP, TLS, cookies and decompression; this file only sets the policy:
 * browser User-Agent, explicit timeouts, a size cap, no redirects (the
 * caller must see webwxnewloginpage's 301), verification always on, and a
 * cookie jar written 0600 by us rather than by libcurl's umask.  An answer
 * is kept in memory (up to 16 MiB), or, for a download, written to a
 * stream as it arrives. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <curl/curl.h>

#include "wx.h"

#define USER_AGENT "Mozilla/5.0 (Windows NT 10.0; Win64; x64) " \
	"AppleWebKit/537.36 (KHTML, like Gecko) Chrome/142.0.0.0 Safari/537.36"
#define CONNECT_SECONDS 10L
#define TOTAL_SECONDS 30L
#define MAX_ANSWER (16u << 20)
#define JAR_MAX (1024 * 1024)

struct wx_http {
	CURL *curl;
	char *cookiefile;
	struct curl_slist *headers;     /* wx_http_header lines */
	struct curl_slist *post_headers;  /* wx_http_post_header lines */
	struct wx_buf tr_head_out, tr_body_out, tr_head_in;  /* WX_TRACE */
	struct curl_slist *connect_to;  /* from WX_CONNECT_TO */
	struct curl_slist *jar0;        /* the jar as loaded, libcurl's lines */
	long timeout;                   /* seconds, 0 = TOTAL_SECONDS */
	long allow;                     /* a status taken like 200 (301) */
	int too_large;                  /* set by the write callback */
	int write_err;                  /* errno of a failed write to out */
	struct wx_buf *sink;            /* body of the request in flight, */
	FILE *out;                      /* or where a download writes it */
	uint64_t max, got;              /* cap and bytes of this body */
	int (*stop)(void *);            /* wx_http_stop_on */
	void *stop_arg;
	long ok;                        /* a status taken like 200 (206) */
	char *range;                    /* Content-Range of the answer */
	char err[CURL_ERROR_SIZE];
};

char *
wx_mask_url(const char *url)
{
	struct wx_buf b = {0};
	const char *q = strchr(url, '?');
	const char *p, *end, *eq;

	if (!q)
		return wx_strdup(url);
	wx_buf_add(&b, url, (size_t)(q - url) + 1);
	for (p = q + 1; *p; p = *end ? end + 1 : end) {
		end = p + strcspn(p, "&#");
		eq = memchr(p, '=', (size_t)(end - p));
		if (eq && wx_secret_key(p, (size_t)(eq - p))) {
			wx_buf_add(&b, p, (size_t)(eq - p) + 1);
			wx_buf_adds(&b, "***");
		} else {
			wx_buf_add(&b, p, (size_t)(end - p));
		}
		if (*end == '#') {
			wx_buf_adds(&b, end);
			break;
		}
		if (*end)
			wx_buf_addc(&b, '&');
	}
	return b.p;
}

/* Is status the answer the request wanted (the body is then kept)? */
static int
status_ok(const struct wx_http *h, long status)
{
	return status == 200 || (status != 0 &&
	                         (status == h->allow || status == h->ok));
}

/* The body to memory (h->sink) or to a download's stream (h->out); a
 * download writes nothing of an answer with an error status.  Returning less than n makes
 * libcurl stop with CURLE_WRITE_ERROR. */
static size_t
on_body(char *data, size_t size, size_t n, void *arg)
{
	struct wx_http *h = arg;
	long status = 0;

	n *= size;
	curl_easy_getinfo(h->curl, CURLINFO_RESPONSE_CODE, &status);
	if (h->out && !status_ok(h, status))
		return n;
	if (h->max && n > h->max - h->got) {
		h->too_large = 1;
		return 0;
	}
	if (!h->out) {
		wx_buf_add(h->sink, data, n);
	} else if (fwrite(data, 1, n, h->out) != n) {
		h->write_err = errno ? errno : EIO;
		return 0;
	}
	h->got += n;
	return n;
}

/* Content-Range of a download's answer (the last one seen), its value
 * without the white space around it. */
static size_t
on_header(char *data, size_t size, size_t n, void *arg)
{
	struct wx_http *h = arg;
	size_t len = size * n, k = sizeof "Content-Range:" - 1;

	if (!h->out || len < k || strncasecmp(data, "Content-Range:", k) != 0)
		return len;
	while (k < len && (data[k] == ' ' || data[k] == '\t'))
		k++;
	while (len > k && strchr(" \t\r\n", data[len - 1]))
		len--;
	free(h->range);
	h->range = wx_strndup(data + k, len - k);
	return size * n;
}

/* Split a comma-separated WX_CONNECT_TO into curl's CONNECT_TO list. */
static struct curl_slist *
connect_to_list(const char *env)
{
	struct curl_slist *l = NULL;
	char *s, *tok, *save;

	if (!env || !*env)
		return NULL;
	s = wx_strdup(env);
	for (tok = strtok_r(s, ",", &save); tok; tok = strtok_r(NULL, ",", &save))
		if (!(l = curl_slist_append(l, tok)))
			wx_die(WX_EXIT_TEMP, "out of memory");
	free(s);
	return l;
}

static void
global_init_once(void)
{
	static int done;

	if (done)
		return;
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		wx_die(WX_EXIT_TEMP, "libcurl: global init failed");
	done = 1;
}

/* WX_TRACE: libcurl's account of what went out and came in: the heads
 * whole, the first bytes of a request's body (the answer's is taken
 * decoded, from where on_body put it). */
static int
on_debug(CURL *c, curl_infotype type, char *data, size_t n, void *arg)
{
	struct wx_http *h = arg;
	size_t room = WX_TRACE_BODY + 1 - h->tr_body_out.len;

	(void)c;
	if (type == CURLINFO_HEADER_OUT)
		wx_buf_add(&h->tr_head_out, data, n);
	else if (type == CURLINFO_HEADER_IN)
		wx_buf_add(&h->tr_head_in, data, n);
	else if (type == CURLINFO_DATA_OUT && h->tr_body_out.len <= WX_TRACE_BODY)
		wx_buf_add(&h->tr_body_out, data, n < room ? n : room);
	return 0;
}

/* Options that hold for every request of the handle. */
static int
set_policy(struct wx_http *h)
{
	CURL *c = h->curl;
	const char *ca = getenv("CURL_CA_BUNDLE");
	int bad = 0;

	bad |= curl_easy_setopt(c, CURLOPT_USERAGENT, USER_AGENT);
	bad |= curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, "");
	bad |= curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, CONNECT_SECONDS);
	bad |= curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	bad |= curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
	bad |= curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "https,http");
	bad |= curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
	bad |= curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
	bad |= curl_easy_setopt(c, CURLOPT_ERRORBUFFER, h->err);
	bad |= curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
	bad |= curl_easy_setopt(c, CURLOPT_WRITEDATA, h);
	bad |= curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
	bad |= curl_easy_setopt(c, CURLOPT_HEADERDATA, h);
	if (wx_trace_on()) {
		bad |= curl_easy_setopt(c, CURLOPT_DEBUGFUNCTION, on_debug);
		bad |= curl_easy_setopt(c, CURLOPT_DEBUGDATA, h);
		bad |= curl_easy_setopt(c, CURLOPT_VERBOSE, 1L);
	}
	if (ca && *ca)
		bad |= curl_easy_setopt(c, CURLOPT_CAINFO, ca);
	h->connect_to = connect_to_list(getenv("WX_CONNECT_TO"));
	if (h->connect_to)
		bad |= curl_easy_setopt(c, CURLOPT_CONNECT_TO, h->connect_to);
	/* "" turns the cookie engine on; the jar is read by load_jar, not by
	 * libcurl, which would open a FIFO in its place and wait forever. */
	bad |= curl_easy_setopt(c, CURLOPT_COOKIEFILE, "");
	return bad;
}

/* CURL_CA_BUNDLE names a file the user chose: a missing one is bad local
 * input, not a network failure worth retrying. */
static void
check_ca(void)
{
	const char *ca = getenv("CURL_CA_BUNDLE");
	int fd;

	if (!ca || !*ca)
		return;
	if ((fd = wx_open_regular(ca, O_RDONLY)) < 0)
		wx_die(wx_exit_errno(errno), "CURL_CA_BUNDLE: %s:", ca);
	close(fd);
}

/* A line of a Netscape jar that holds a cookie: not empty, and not a
 * comment unless it is the "#HttpOnly_" prefix of one. */
static int
is_cookie_line(const char *line)
{
	return *line && (*line != '#' || strncmp(line, "#HttpOnly_", 10) == 0);
}

/* The jar's cookies into the handle, and a copy of them as libcurl
 * formats them, to tell later which ones this process received. */
static void
load_jar(struct wx_http *h)
{
	struct wx_buf text = {0};
	char *line, *save;

	if (wx_read_regular(h->cookiefile, JAR_MAX, &text) < 0 &&
	    errno != ENOENT)
		wx_die(wx_exit_errno(errno), "%s:", h->cookiefile);
	for (line = text.p ? strtok_r(text.p, "\n", &save) : NULL; line;
	     line = strtok_r(NULL, "\n", &save))
		if (is_cookie_line(line))
			curl_easy_setopt(h->curl, CURLOPT_COOKIELIST, line);
	wx_buf_free(&text);
	if (curl_easy_getinfo(h->curl, CURLINFO_COOKIELIST, &h->jar0) != CURLE_OK)
		wx_die(WX_EXIT_TEMP, "libcurl: cannot list cookies");
}

struct wx_http *
wx_http_new(const char *cookiefile)
{
	struct wx_http *h = wx_calloc(1, sizeof *h);

	global_init_once();
	if (!(h->curl = curl_easy_init()))
		wx_die(WX_EXIT_TEMP, "libcurl: cannot start");
	h->cookiefile = cookiefile ? wx_strdup(cookiefile) : NULL;
	check_ca();
	if (set_policy(h) != 0)
		wx_die(WX_EXIT_TEMP, "libcurl: missing a needed feature");
	if (h->cookiefile)
		load_jar(h);
	return h;
}

void
wx_http_free(struct wx_http *h)
{
	if (!h)
		return;
	curl_easy_cleanup(h->curl);
	curl_slist_free_all(h->headers);
	curl_slist_free_all(h->post_headers);
	wx_buf_free(&h->tr_head_out);
	wx_buf_free(&h->tr_body_out);
	wx_buf_free(&h->tr_head_in);
	curl_slist_free_all(h->connect_to);
	curl_slist_free_all(h->jar0);
	free(h->cookiefile);
	free(h->range);
	free(h);
}

static void
add_line(struct curl_slist **list, const char *line)
{
	struct curl_slist *l = curl_slist_append(*list, line);

	if (!l)
		wx_die(WX_EXIT_TEMP, "out of memory");
	*list = l;
}

void
wx_http_header(struct wx_http *h, const char *line)
{
	add_line(&h->headers, line);
}

void
wx_http_post_header(struct wx_http *h, const char *line)
{
	add_line(&h->post_headers, line);
}

void
wx_http_timeout(struct wx_http *h, long seconds)
{
	h->timeout = seconds > 0 ? seconds : 0;
}

void
wx_resp_free(struct wx_resp *r)
{
	wx_buf_free(&r->body);
	free(r->content_type);
	r->content_type = NULL;
	r->status = 0;
}

/* The headers of one request: the caller's extra lines (and those for a
 * POST), then ours, then the request's own line (a Content-Type, a
 * Range) if it has one. */
static struct curl_slist *
request_headers(const struct wx_http *h, const char *method, const char *line)
{
	struct curl_slist *l = NULL, *x;

	for (x = h->headers; x; x = x->next)
		add_line(&l, x->data);
	for (x = h->post_headers; x && strcmp(method, "POST") == 0; x = x->next)
		add_line(&l, x->data);
	/* No browser sends "Expect: 100-continue"; neither do we. */
	add_line(&l, "Expect:");
	if (line)
		add_line(&l, line);
	return l;
}

/* WX_TRACE: the exchange just made. */
static void
trace(const struct wx_http *h, const char *method, const char *url,
      CURLcode cc)
{
	struct wx_exchange x = {
		.method = method, .url = url, .head_out = &h->tr_head_out,
		.body_out = &h->tr_body_out, .head_in = &h->tr_head_in,
		.streamed = h->out ? h->got : 0,
	};

	if (h->sink) {
		x.body = h->sink->p;
		x.body_len = h->sink->len;
	}
	if (cc != CURLE_OK)
		x.error = h->err[0] ? h->err : curl_easy_strerror(cc);
	wx_trace_write(&x);
}

/* Run the request set up by the caller, the body going where h says:
 * the common end of every request.  0 when the answer's status is taken
 * like 200 (status_ok), else warn "METHOD URL: reason" (secrets masked)
 * and return the exit code. */
static int
transfer(struct wx_http *h, const char *method, const char *url,
         const char *line, long *status)
{
	struct curl_slist *hdrs = request_headers(h, method, line);
	CURLcode cc;
	char *masked;

	h->too_large = 0;
	h->write_err = 0;
	h->got = 0;
	h->err[0] = '\0';
	curl_easy_setopt(h->curl, CURLOPT_URL, url);
	curl_easy_setopt(h->curl, CURLOPT_HTTPHEADER, hdrs);
	wx_buf_reset(&h->tr_head_out);
	wx_buf_reset(&h->tr_body_out);
	wx_buf_reset(&h->tr_head_in);
	cc = curl_easy_perform(h->curl);
	curl_easy_setopt(h->curl, CURLOPT_HTTPHEADER, NULL);
	curl_slist_free_all(hdrs);
	*status = 0;
	curl_easy_getinfo(h->curl, CURLINFO_RESPONSE_CODE, status);
	if (wx_trace_on())
		trace(h, method, url, cc);
	if (cc == CURLE_OK && status_ok(h, *status))
		return 0;
	masked = wx_mask_url(url);
	if (cc == CURLE_ABORTED_BY_CALLBACK)
		;  /* the caller's stop(): it knows why, and says it */
	else if (cc != CURLE_OK)
		wx_warn("%s %s: %s%s", method, masked,
		        h->write_err ? "writing the answer: " : "",
		        h->too_large ? "answer too large" :
		        h->write_err ? wx_strerror(h->write_err) :
		        h->err[0] ? h->err : curl_easy_strerror(cc));
	else
		wx_warn("%s %s: HTTP %ld", method, masked, *status);
	free(masked);
	if (cc == CURLE_OK)
		return wx_status_exit(*status);
	return h->write_err ? wx_exit_errno(h->write_err) : WX_EXIT_TEMP;
}

/* A request whose answer is kept in r (at most MAX_ANSWER bytes). */
static int
perform(struct wx_http *h, const char *method, const char *url,
        const char *line, struct wx_resp *r)
{
	char *ct = NULL;
	int rc;

	wx_buf_reset(&r->body);
	wx_buf_add(&r->body, "", 0);
	free(r->content_type);
	r->content_type = NULL;
	h->sink = &r->body;
	h->max = MAX_ANSWER;
	curl_easy_setopt(h->curl, CURLOPT_TIMEOUT,
	                 h->timeout ? h->timeout : TOTAL_SECONDS);
	rc = transfer(h, method, url, line, &r->status);
	h->sink = NULL;
	if (curl_easy_getinfo(h->curl, CURLINFO_CONTENT_TYPE, &ct) == CURLE_OK
	    && ct)
		r->content_type = wx_strdup(ct);
	return rc;
}

/* Digits at *p into *v, *p past them; -1 when there are none. */
static int
range_num(const char **p, uint64_t *v)
{
	size_t k = strspn(*p, "0123456789");

	if (wx_parse_u64(*p, k, UINT64_MAX, v) < 0)
		return -1;
	*p += k;
	return 0;
}

/* Does a 206's Content-Range, "bytes A-B/TOTAL" (TOTAL may be "*"), say
 * that the n bytes received are the whole resource? */
static int
whole_range(const char *v, uint64_t n)
{
	const char *p;
	uint64_t a, b, total;

	if (!v || strncasecmp(v, "bytes ", 6) != 0)
		return 0;
	p = v + 6;
	if (range_num(&p, &a) < 0 || *p++ != '-' || range_num(&p, &b) < 0 ||
	    *p++ != '/')
		return 0;
	if (*p == '*')
		p++;
	else if (range_num(&p, &total) < 0 || total != n)
		return 0;
	return *p == '\0' && a == 0 && b != UINT64_MAX && b + 1 == n;
}

int
wx_http_download(struct wx_http *h, const char *url, const char *range,
                 FILE *out, uint64_t max, uint64_t *n)
{
	char *line = range ? wx_asprintf("Range: %s", range) : NULL, *masked;
	long status;
	int rc;

	h->out = out;
	h->max = max;
	h->ok = range ? 206 : 0;
	free(h->range);
	h->range = NULL;
	curl_easy_setopt(h->curl, CURLOPT_HTTPGET, 1L);
	/* A large file takes its time: no total limit unless the caller set
	 * one, but a transfer stalled for TOTAL_SECONDS ends.  No
	 * compression: the bytes written are the bytes Content-Range counts. */
	curl_easy_setopt(h->curl, CURLOPT_TIMEOUT, h->timeout);
	curl_easy_setopt(h->curl, CURLOPT_LOW_SPEED_LIMIT, 1L);
	curl_easy_setopt(h->curl, CURLOPT_LOW_SPEED_TIME, TOTAL_SECONDS);
	curl_easy_setopt(h->curl, CURLOPT_ACCEPT_ENCODING, NULL);
	rc = transfer(h, "GET", url, line, &status);
	curl_easy_setopt(h->curl, CURLOPT_LOW_SPEED_TIME, 0L);
	curl_easy_setopt(h->curl, CURLOPT_ACCEPT_ENCODING, "");
	*n = h->got;
	if (rc == 0 && status == 206 && !whole_range(h->range, h->got)) {
		masked = wx_mask_url(url);
		wx_warn("GET %s: partial answer: Content-Range %s, %llu bytes",
		        masked, h->range ? h->range : "missing",
		        (unsigned long long)h->got);
		free(masked);
		rc = WX_EXIT_TEMP;
	}
	h->out = NULL;
	h->ok = 0;
	free(line);
	return rc;
}

/* libcurl calls it at every step of a transfer, and at least once a
 * second while one waits. */
static int
progress(void *arg, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
         curl_off_t ulnow)
{
	struct wx_http *h = arg;

	(void)dltotal, (void)dlnow, (void)ultotal, (void)ulnow;
	return h->stop(h->stop_arg) != 0;
}

void
wx_http_stop_on(struct wx_http *h, int (*stop)(void *), void *arg)
{
	h->stop = stop;
	h->stop_arg = arg;
	curl_easy_setopt(h->curl, CURLOPT_XFERINFOFUNCTION, stop ? progress : NULL);
	curl_easy_setopt(h->curl, CURLOPT_XFERINFODATA, h);
	curl_easy_setopt(h->curl, CURLOPT_NOPROGRESS, stop ? 0L : 1L);
}

int
wx_status_exit(long status)
{
	if (status == 200)
		return WX_EXIT_OK;
	/* 408 and 429 ask for a later try; any other 4xx is the server's no. */
	if (status >= 400 && status < 500 && status != 408 && status != 429)
		return WX_EXIT_REFUSED;
	return WX_EXIT_TEMP;
}

void
wx_http_allow(struct wx_http *h, long status)
{
	h->allow = status;
}

int
wx_http_get(struct wx_http *h, const char *url, struct wx_resp *r)
{
	curl_easy_setopt(h->curl, CURLOPT_HTTPGET, 1L);
	return perform(h, "GET", url, NULL, r);
}

/* ctype: the request's Content-Type line. */
static int
post_bytes(struct wx_http *h, const char *url, const char *body, size_t len,
           const char *ctype, struct wx_resp *r)
{
	curl_easy_setopt(h->curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
	curl_easy_setopt(h->curl, CURLOPT_POSTFIELDS, body);
	return perform(h, "POST", url, ctype, r);
}

int
wx_http_post_json(struct wx_http *h, const char *url, const char *body,
                  size_t len, struct wx_resp *r)
{
	return post_bytes(h, url, body, len,
	                  "Content-Type: application/json;charset=UTF-8", r);
}

int
wx_http_post_form(struct wx_http *h, const char *url, const char *form,
                  struct wx_resp *r)
{
	return post_bytes(h, url, form, strlen(form),
	                  "Content-Type: application/x-www-form-urlencoded", r);
}

static void
add_part(curl_mime *mime, const struct wx_part *p)
{
	curl_mimepart *part = curl_mime_addpart(mime);
	int bad;

	if (!part)
		wx_die(WX_EXIT_TEMP, "out of memory");
	bad = curl_mime_name(part, p->name)
	    | curl_mime_data(part, p->data, p->len);
	if (p->filename)
		bad |= curl_mime_filename(part, p->filename)
		     | curl_mime_type(part, p->type ? p->type
		                                    : "application/octet-stream");
	if (bad)
		wx_die(WX_EXIT_TEMP, "out of memory");
}

int
wx_http_post_multipart(struct wx_http *h, const char *url,
                       const struct wx_part *parts, size_t n,
                       struct wx_resp *r)
{
	curl_mime *mime = curl_mime_init(h->curl);
	size_t i;
	int rc;

	if (!mime)
		wx_die(WX_EXIT_TEMP, "out of memory");
	for (i = 0; i < n; i++)
		add_part(mime, &parts[i]);
	curl_easy_setopt(h->curl, CURLOPT_MIMEPOST, mime);
	rc = perform(h, "POST", url, NULL, r);
	curl_easy_setopt(h->curl, CURLOPT_MIMEPOST, NULL);
	curl_mime_free(mime);
	return rc;
}

/* Does a jar line's domain field cover host?  "#HttpOnly_" is a prefix
 * of the field, a leading dot (or TRUE in the next field) means the
 * cookie also applies to subdomains. */
static int
domain_covers(const char *field, size_t n, int tail, const char *host)
{
	size_t hl = strlen(host);

	if (n >= 10 && memcmp(field, "#HttpOnly_", 10) == 0) {
		field += 10;
		n -= 10;
	}
	if (n > 0 && field[0] == '.') {
		field++;
		n--;
		tail = 1;
	}
	if (n == 0 || hl < n || strncasecmp(host + hl - n, field, n) != 0)
		return 0;
	return hl == n || (tail && host[hl - n - 1] == '.');
}

/* Fields of a jar line: domain, tailmatch, path, secure, expires, name,
 * value — tab separated.  -1 if the line has not seven fields. */
static int
split_fields(const char *line, const char *f[7], size_t len[7])
{
	int i;

	for (i = 0; i < 7; i++) {
		f[i] = line;
		len[i] = strcspn(line, i < 6 ? "\t" : "");
		line += len[i];
		if (i < 6 && *line++ != '\t')
			return -1;
	}
	return 0;
}

static char *
cookie_match(const char *line, const char *host, const char *name)
{
	const char *f[7];
	size_t len[7];

	if (split_fields(line, f, len) < 0)
		return NULL;
	if (strlen(name) != len[5] || memcmp(f[5], name, len[5]) != 0)
		return NULL;
	if (!domain_covers(f[0], len[0], len[1] == 4 &&
	                   memcmp(f[1], "TRUE", 4) == 0, host))
		return NULL;
	return wx_strndup(f[6], len[6]);
}

char *
wx_http_cookie(struct wx_http *h, const char *host, const char *name)
{
	struct curl_slist *list = NULL, *l;
	char *v = NULL;

	if (curl_easy_getinfo(h->curl, CURLINFO_COOKIELIST, &list) != CURLE_OK)
		return NULL;
	for (l = list; l && !v; l = l->next)
		v = cookie_match(l->data, host, name);
	curl_slist_free_all(list);
	return v;
}

/* ---- the jar on disk, merged under the session lock ---- */

static int
field_eq(const char *a, size_t an, const char *b, size_t bn)
{
	return an == bn && memcmp(a, b, an) == 0;
}

/* Do two jar lines name the same cookie: domain (HttpOnly or not), path
 * and name? */
static int
same_cookie(const char *a, const char *b)
{
	const char *fa[7], *fb[7];
	size_t la[7], lb[7];
	int i;

	if (split_fields(a, fa, la) < 0 || split_fields(b, fb, lb) < 0)
		return 0;
	for (i = 0; i < 2; i++) {
		const char **f = i ? fb : fa;
		size_t *l = i ? lb : la;

		if (l[0] >= 10 && memcmp(f[0], "#HttpOnly_", 10) == 0) {
			f[0] += 10;
			l[0] -= 10;
		}
	}
	return field_eq(fa[0], la[0], fb[0], lb[0]) &&
	       field_eq(fa[2], la[2], fb[2], lb[2]) &&
	       field_eq(fa[5], la[5], fb[5], lb[5]);
}

static const char *
find_cookie(const struct curl_slist *l, const char *line)
{
	for (; l; l = l->next)
		if (same_cookie(l->data, line))
			return l->data;
	return NULL;
}

static int
has_line(const struct curl_slist *l, const char *line)
{
	for (; l; l = l->next)
		if (strcmp(l->data, line) == 0)
			return 1;
	return 0;
}

/* Has the cookie of a jar line expired?  0 in its expires field is a
 * session cookie, which never does. */
static int
expired(const char *line)
{
	const char *f[7];
	size_t len[7];
	uint64_t t;

	return split_fields(line, f, len) == 0 &&
	       wx_parse_u64(f[4], len[4], UINT64_MAX, &t) == 0 && t != 0 &&
	       t < (uint64_t)wx_now_ms() / 1000;
}

/* Keep a line of the jar on disk unless this process changed that
 * cookie (its own line follows), dropped it unchanged since loading
 * (deleted by the server), or it has expired. */
static int
keep_disk_line(const struct wx_http *h, const struct curl_slist *now,
               const char *line)
{
	const char *mine = find_cookie(now, line);
	const char *loaded = find_cookie(h->jar0, line);

	if (expired(line))
		return 0;
	if (mine)
		return has_line(h->jar0, mine);
	return !(loaded && strcmp(loaded, line) == 0);
}

static void
merge_jar(const struct wx_http *h, const struct curl_slist *now, char *disk,
          struct wx_buf *out)
{
	const struct curl_slist *l;
	char *line, *save;

	wx_buf_adds(out, "# Netscape HTTP Cookie File\n");
	for (line = disk ? strtok_r(disk, "\n", &save) : NULL; line;
	     line = strtok_r(NULL, "\n", &save))
		if (is_cookie_line(line) && keep_disk_line(h, now, line))
			wx_buf_addf(out, "%s\n", line);
	for (l = now; l; l = l->next)
		if (!has_line(h->jar0, l->data))
			wx_buf_addf(out, "%s\n", l->data);
}

int
wx_http_save_cookies(struct wx_http *h)
{
	struct curl_slist *now = NULL;
	struct wx_buf disk = {0}, out = {0};
	char *before = NULL;
	int rc = -1, saved;

	if (!h->cookiefile)
		return 0;
	if (curl_easy_getinfo(h->curl, CURLINFO_COOKIELIST, &now) != CURLE_OK) {
		errno = ENOMEM;
		return -1;
	}
	if (wx_read_regular(h->cookiefile, JAR_MAX, &disk) == 0 ||
	    errno == ENOENT) {
		/* merge_jar cuts the disk text into lines in place. */
		before = disk.p ? wx_strndup(disk.p, disk.len) : NULL;
		merge_jar(h, now, disk.p, &out);
		if (before && out.len == disk.len &&
		    memcmp(out.p, before, out.len) == 0) {
			rc = 0;  /* nothing changed: no write, no fsync */
		} else {
			wx_remove_stale_temps(h->cookiefile);
			rc = wx_write_atomic(h->cookiefile, out.p, out.len, 0600);
		}
	}
	saved = errno;
	curl_slist_free_all(now);
	wx_buf_free(&disk);
	wx_buf_free(&out);
	free(before);
	errno = saved;
	return rc;
}
