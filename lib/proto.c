/* proto.c — protocol helpers: host mapping (protocol.md §2.2), URL
 * parsing and encoding, BaseRequest (§3.2), time stamps (§3.4) and the
 * SyncKey in its JSON and pipe forms (§5.5, §5.6). */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <unistd.h>

#include "wx.h"

/* RC confFactory, evaluated in this order with substring tests: wx2/wx8
 * must come before the generic qq.com row, web2 before wechat.com. */
static const struct {
	const char *contains, *login, *file, *push;
} host_rows[] = {
	{"wx2.qq.com", "login.wx2.qq.com", "file.wx2.qq.com", "webpush.wx2.qq.com"},
	{"wx8.qq.com", "login.wx8.qq.com", "file.wx8.qq.com", "webpush.wx8.qq.com"},
	{"qq.com", "login.wx.qq.com", "file.wx.qq.com", "webpush.wx.qq.com"},
	{"web2.wechat.com", "login.web2.wechat.com", "file.web2.wechat.com",
	 "webpush.web2.wechat.com"},
	{"wechat.com", "login.web.wechat.com", "file.web.wechat.com",
	 "webpush.web.wechat.com"},
	{"", "login.weixin.qq.com", "file.wx.qq.com", "webpush.weixin.qq.com"},
};

static const char *const web_hosts[] = {
	"wx.qq.com", "wx2.qq.com", "wx8.qq.com", "web.wechat.com",
	"web2.wechat.com",
};

/* Letters, digits, '-' and '.', at most a DNS name's 253 characters. */
static int
host_ok(const char *h, size_t n)
{
	size_t i;

	if (n == 0 || n > 253)
		return 0;
	for (i = 0; i < n; i++)
		if (!((h[i] >= 'a' && h[i] <= 'z') || (h[i] >= 'A' && h[i] <= 'Z') ||
		      (h[i] >= '0' && h[i] <= '9') || h[i] == '-' || h[i] == '.'))
			return 0;
	return 1;
}

int
wx_hosts_for(const char *web, struct wx_hosts *out)
{
	size_t i;

	if (!web || !host_ok(web, strlen(web)))
		return -1;
	if (wx_fh_hosts(web, out) == 0)
		return 0;
	for (i = 0; !strcasestr(web, host_rows[i].contains); i++)
		;  /* the last row's "" matches everything */
	snprintf(out->login, sizeof out->login, "%s", host_rows[i].login);
	snprintf(out->file, sizeof out->file, "%s", host_rows[i].file);
	snprintf(out->push, sizeof out->push, "%s", host_rows[i].push);
	return 0;
}

int
wx_web_host_known(const char *host)
{
	size_t i;

	for (i = 0; host && i < sizeof web_hosts / sizeof *web_hosts; i++)
		if (strcasecmp(host, web_hosts[i]) == 0)
			return 1;
	return 0;
}

char *
wx_url_host(const char *url)
{
	const char *h, *end, *colon;
	char *host;
	size_t n, i;

	if (!url || strncasecmp(url, "https://", 8) != 0)
		return NULL;
	h = url + 8;
	end = h + strcspn(h, "/?#");
	colon = memchr(h, ':', (size_t)(end - h));
	if (colon) {
		/* a port: digits only, at least one */
		if (colon + 1 == end || strspn(colon + 1, "0123456789") !=
		    (size_t)(end - colon - 1))
			return NULL;
		end = colon;
	}
	n = (size_t)(end - h);
	if (!host_ok(h, n))  /* also refuses "user@host" */
		return NULL;
	host = wx_strndup(h, n);
	for (i = 0; i < n; i++)
		if (host[i] >= 'A' && host[i] <= 'Z')
			host[i] = (char)(host[i] - 'A' + 'a');
	return host;
}

/* Decode n bytes of s.  A bad escape stays as it is, and so does %00,
 * which a C string cannot carry without cutting the value short. */
static char *
decode_n(const char *s, size_t n)
{
	struct wx_buf b = {0};
	size_t i;
	int hi, lo;

	wx_buf_add(&b, "", 0);
	for (i = 0; i < n; i++) {
		if (s[i] == '%' && i + 2 < n && (hi = wx_hexdigit(s[i + 1])) >= 0 &&
		    (lo = wx_hexdigit(s[i + 2])) >= 0 && (hi | lo) != 0) {
			wx_buf_addc(&b, (char)(hi << 4 | lo));
			i += 2;
		} else {
			wx_buf_addc(&b, s[i]);
		}
	}
	return b.p;
}

char *
wx_urldecode(const char *s)
{
	return decode_n(s, strlen(s));
}

static int
unreserved(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	       (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' ||
	       c == '~';
}

/* A run of unreserved characters at a time: the synccheck of an idle
 * follow encodes its keys once a cycle. */
void
wx_buf_urlencode(struct wx_buf *b, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	char esc[3] = { '%' };
	size_t n;

	wx_buf_add(b, "", 0);
	while (*s) {
		for (n = 0; unreserved((unsigned char)s[n]); n++)
			;
		wx_buf_add(b, s, n);
		s += n;
		if (!*s)
			break;
		esc[1] = hex[(unsigned char)*s >> 4];
		esc[2] = hex[(unsigned char)*s & 15];
		wx_buf_add(b, esc, 3);
		s++;
	}
}

char *
wx_urlencode(const char *s)
{
	struct wx_buf b = {0};

	wx_buf_urlencode(&b, s);
	return b.p;
}

char *
wx_url_param(const char *url, const char *name)
{
	const char *q = strchr(url, '?'), *end, *amp, *eq;
	size_t nlen = strlen(name);

	if (!q)
		return NULL;
	q++;
	end = q + strcspn(q, "#");
	while (q < end) {
		amp = memchr(q, '&', (size_t)(end - q));
		if (!amp)
			amp = end;
		eq = memchr(q, '=', (size_t)(amp - q));
		if (!eq)
			eq = amp;
		if ((size_t)(eq - q) == nlen && memcmp(q, name, nlen) == 0)
			return eq == amp ? wx_strdup("")
			                 : decode_n(eq + 1, (size_t)(amp - eq - 1));
		q = amp + 1;
	}
	return NULL;
}

void
wx_buf_cgi_url(struct wx_buf *b, const char *host, const char *cgi)
{
	wx_buf_addf(b, "https://%s/cgi-bin/mmwebwx-bin/%s", host, cgi);
}

char *
wx_cgi_url(const char *host, const char *cgi, const char *query)
{
	struct wx_buf b = {0};

	wx_buf_cgi_url(&b, host, cgi);
	if (query)
		wx_buf_addf(&b, "?%s", query);
	return b.p;
}

static void
random_bytes(unsigned char *p, size_t n)
{
	ssize_t got;
	int fd;

	while (n > 0) {
		got = getrandom(p, n, 0);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0)
			break;
		p += got;
		n -= (size_t)got;
	}
	if (n == 0)
		return;
	/* getrandom(2) missing (old kernel, seccomp): fall back */
	fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
	if (fd < 0 || read(fd, p, n) != (ssize_t)n)
		wx_die(WX_EXIT_TEMP, "/dev/urandom:");
	close(fd);
}

/* One random byte from a pool that random_bytes fills a KiB at a time:
 * an idle follow asks for a device id every cycle, and a system call
 * for each was a sizeable part of the cycle. */
static unsigned char
random_byte(void)
{
	static unsigned char pool[1024];
	static size_t used = sizeof pool;

	if (used == sizeof pool) {
		random_bytes(pool, sizeof pool);
		used = 0;
	}
	return pool[used++];
}

void
wx_device_id(char out[17], enum wx_mode m)
{
	size_t k = 0, end = 15;
	unsigned char r;

	/* The File Helper page sends the digits without the "e"
	 * (filehelper.md §5: CAP x2). */
	if (m != WX_MODE_FILEHELPER)
		out[k++] = 'e', end++;
	while (k < end)
		/* bytes >= 250 would favour the low digits */
		if ((r = random_byte()) < 250)
			out[k++] = (char)('0' + r % 10);
	out[end] = '\0';
}

long long
wx_stamp_r_at(long long ms)
{
	/* JavaScript's ~: ToInt32 (ms modulo 2^32 as a signed 32-bit
	 * value), then -x - 1. */
	long long low = (long long)((unsigned long long)ms & 0xffffffffULL);

	if (low >= 0x80000000LL)
		low -= 0x100000000LL;
	return -low - 1;
}

long long
wx_stamp_r(void)
{
	return wx_stamp_r_at(wx_now_ms());
}

/* A JSON number: digits without a leading zero (a lone "0" is fine). */
static int
json_uint_text(const char *s)
{
	size_t n = strlen(s);

	return n > 0 && n <= 20 && strspn(s, "0123456789") == n &&
	       (n == 1 || s[0] != '0');
}

void
wx_base_request(struct wx_buf *b, const char *uin, const char *sid,
                const char *skey, enum wx_mode m)
{
	char dev[17];

	uin = uin ? uin : "";
	wx_buf_adds(b, "{\"Uin\":");
	if (json_uint_text(uin))
		wx_buf_adds(b, uin);
	else
		wx_json_put_strz(b, uin);
	wx_buf_adds(b, ",\"Sid\":");
	wx_json_put_strz(b, sid ? sid : "");
	wx_buf_adds(b, ",\"Skey\":");
	wx_json_put_strz(b, skey ? skey : "");
	wx_device_id(dev, m);
	wx_buf_addf(b, ",\"DeviceID\":\"%s\"}", dev);
}

int
wx_synckey_from_json(const struct wx_json *j, int tok, struct wx_synckey *sk)
{
	int list = wx_json_get(j, tok, "List"), count = wx_json_get(j, tok, "Count");
	int e, n = 0;
	long long key, want;

	if (wx_json_type(j, tok) != WX_JSON_OBJECT ||
	    wx_json_type(j, list) != WX_JSON_ARRAY ||
	    wx_json_count(j, list) > WX_SYNCKEY_MAX)
		return -1;
	for (e = wx_json_first(j, list); e >= 0; e = wx_json_next(j, e), n++) {
		if (wx_json_int(j, wx_json_get(j, e, "Key"), &key) < 0 ||
		    key < 0 || key > UINT32_MAX ||
		    wx_json_uint64(j, wx_json_get(j, e, "Val"), &sk->kv[n].val) < 0)
			return -1;
		sk->kv[n].key = (uint32_t)key;
	}
	/* Count, when sent, is the length of List in every sample */
	if (count >= 0 && (wx_json_int(j, count, &want) < 0 || want != n))
		return -1;
	sk->n = n;
	return 0;
}

/* Length of the separator at s ("|" or "%7C"), 0 if there is none. */
static size_t
sep_len(const char *s)
{
	if (*s == '|')
		return 1;
	if (s[0] == '%' && s[1] == '7' && (s[2] == 'C' || s[2] == 'c'))
		return 3;
	return 0;
}

int
wx_synckey_parse(const char *s, struct wx_synckey *sk)
{
	const char *p = s, *end, *us;
	uint64_t key, val;
	int n = 0;

	if (!s || !*s)
		return -1;
	for (;;) {
		for (end = p; *end && !sep_len(end); end++)
			;
		us = memchr(p, '_', (size_t)(end - p));
		if (n == WX_SYNCKEY_MAX || !us ||
		    wx_parse_u64(p, (size_t)(us - p), UINT32_MAX, &key) < 0 ||
		    wx_parse_u64(us + 1, (size_t)(end - us - 1), UINT64_MAX, &val) < 0)
			return -1;
		sk->kv[n].key = (uint32_t)key;
		sk->kv[n].val = val;
		n++;
		if (!*end)
			break;
		p = end + sep_len(end);
	}
	sk->n = n;
	return 0;
}

void
wx_synckey_pipe(const struct wx_synckey *sk, struct wx_buf *b)
{
	int i;

	wx_buf_add(b, "", 0);
	for (i = 0; i < sk->n; i++)
		wx_buf_addf(b, "%s%lu_%llu", i ? "|" : "",
		            (unsigned long)sk->kv[i].key,
		            (unsigned long long)sk->kv[i].val);
}

void
wx_synckey_json(const struct wx_synckey *sk, struct wx_buf *b)
{
	int i;

	wx_buf_addf(b, "{\"Count\":%d,\"List\":[", sk->n);
	for (i = 0; i < sk->n; i++)
		wx_buf_addf(b, "%s{\"Key\":%lu,\"Val\":%llu}", i ? "," : "",
		            (unsigned long)sk->kv[i].key,
		            (unsigned long long)sk->kv[i].val);
	wx_buf_adds(b, "]}");
}
