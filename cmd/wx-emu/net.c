/* net.c — libmicrohttpd glue: collect a request, route it by Host and
 * path to a handler (world lock held), apply armed faults, log it as one
 * NDJSON line, and send the answer with the captured header order. */
#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <zlib.h>

#include "emu.h"

#define GZIP_MIN 267            /* CAP: bodies from 267 B on came gzipped */
#define LOG_BODY_MAX (1 << 20)  /* bytes of a request body in the log */
#define FAULT_COOKIE_LIFE 43200 /* 12 h, as the session cookies */

/* ---- request accessors ---- */

static struct MHD_Connection *
mhd(const struct emu_req *r)
{
	return r->conn;
}

const char *
emu_arg(const struct emu_req *r, const char *name)
{
	return MHD_lookup_connection_value(mhd(r), MHD_GET_ARGUMENT_KIND, name);
}

const char *
emu_header(const struct emu_req *r, const char *name)
{
	return MHD_lookup_connection_value(mhd(r), MHD_HEADER_KIND, name);
}

const char *
emu_cookie(const struct emu_req *r, const char *name)
{
	return MHD_lookup_connection_value(mhd(r), MHD_COOKIE_KIND, name);
}

/* ---- response helpers ---- */

void
emu_resp_header(struct emu_resp *w, const char *name, const char *fmt, ...)
{
	va_list ap;
	char *v;

	va_start(ap, fmt);
	if (vasprintf(&v, fmt, ap) < 0)
		wx_die(WX_EXIT_TEMP, "out of memory");
	va_end(ap);
	wx_buf_addf(&w->headers, "%s: %s\r\n", name, v);
	free(v);
}

/* Cookie date with hyphens, "Mon, 31-Dec-2018 00:57:48 GMT" (§3.6). */
void
emu_http_date(time_t t, char out[40])
{
	static const char *const wd[] = { "Sun", "Mon", "Tue", "Wed", "Thu",
	                                  "Fri", "Sat" };
	static const char *const mon[] = { "Jan", "Feb", "Mar", "Apr", "May",
	                                   "Jun", "Jul", "Aug", "Sep", "Oct",
	                                   "Nov", "Dec" };
	struct tm tm;

	gmtime_r(&t, &tm);
	snprintf(out, 40, "%s, %02d-%s-%04d %02d:%02d:%02d GMT", wd[tm.tm_wday],
	         tm.tm_mday, mon[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour,
	         tm.tm_min, tm.tm_sec);
}

void
emu_imf_date(time_t t, char out[40])
{
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, 40, "%a, %d %b %Y %H:%M:%S GMT", &tm);
}

void
emu_set_cookie(struct emu_resp *w, const char *name, const char *value,
               const char *domain, long life)
{
	char date[40];

	emu_http_date(time(NULL) + life, date);
	emu_resp_header(w, "Set-Cookie", "%s=%s; Domain=%s; Path=/; Expires=%s; "
	                "Secure", name, value, domain, date);
}

const char *
emu_shared_domain(const char *host)
{
	return strstr(host, "wechat.com") ? ".wechat.com" : ".qq.com";
}

void
emu_resp_json(struct emu_resp *w)
{
	emu_resp_header(w, "Content-Type", "text/plain");
	w->sts = 1;
	w->may_gzip = 1;
}

void
emu_resp_js(struct emu_resp *w)
{
	emu_resp_header(w, "Content-Type", "text/javascript");
}

void
emu_resp_text(struct emu_resp *w, int status, const char *text)
{
	w->status = status;
	emu_resp_header(w, "Content-Type", "text/plain");
	wx_buf_adds(&w->body, text);
}

/* ---- faults ---- */

struct fault {
	char endpoint[64];      /* last path part, or the whole path ("/") */
	char kind[16];
	int count;
};
#define NFAULTS 32
static struct fault faults[NFAULTS];

static const char *const FAULT_KINDS[] = {
	"http500", "reset", "truncate", "malformed", "slow",
	"ret1100", "ret1101", "ret1102", "ret1203", "ret1205",
	"ret-1",                /* synccheck retcode "-1" (§12.8), Ret -1 */
	"cookie",               /* one more Set-Cookie, a new name each */
};
/* And "selectorN", N 0..9999, synccheck only: retcode 0 and selector N
 * at once, whatever is pending — how a client meets selectors 3, 6, 7 or
 * unknown ones, or a selector that webwxsync then does not explain. */
#define SELECTOR_MAX 9999

/* Faults of different classes apply together to one answer: a transport
 * fault (net.c), a Ret code (emu_auth), an extra cookie, a selector
 * (emu_synccheck). */
enum fault_class { FAULT_TRANSPORT, FAULT_RET, FAULT_COOKIE, FAULT_SELECTOR };

static enum fault_class
class_of(const char *kind)
{
	if (strncmp(kind, "ret", 3) == 0)
		return FAULT_RET;
	if (strncmp(kind, "selector", 8) == 0)
		return FAULT_SELECTOR;
	return strcmp(kind, "cookie") == 0 ? FAULT_COOKIE : FAULT_TRANSPORT;
}

static int
known_kind(const char *kind)
{
	const char *n = kind + 8;
	uint64_t v;
	size_t k;

	if (class_of(kind) == FAULT_SELECTOR)
		return wx_parse_u64(n, strlen(n), SELECTOR_MAX, &v) == 0;
	for (k = 0; k < sizeof FAULT_KINDS / sizeof *FAULT_KINDS; k++)
		if (strcmp(kind, FAULT_KINDS[k]) == 0)
			return 1;
	return 0;
}

int
emu_fault_arm(const char *endpoint, const char *kind, int count)
{
	struct fault *slot = NULL, *f;
	int i;

	if (strlen(kind) >= sizeof faults[0].kind || !known_kind(kind) ||
	    !*endpoint || strlen(endpoint) >= sizeof faults[0].endpoint ||
	    count < 0 ||
	    (class_of(kind) == FAULT_SELECTOR && strcmp(endpoint, "synccheck") != 0))
		return -1;
	for (i = 0; i < NFAULTS; i++) {
		f = &faults[i];
		if (f->count > 0 && strcmp(f->endpoint, endpoint) == 0 &&
		    class_of(f->kind) == class_of(kind)) {
			slot = f;       /* re-arming a class replaces */
			break;
		}
		if (f->count <= 0 && !slot)
			slot = f;
	}
	if (!slot)
		return -1;
	snprintf(slot->endpoint, sizeof slot->endpoint, "%s", endpoint);
	snprintf(slot->kind, sizeof slot->kind, "%s", kind);
	slot->count = count;
	return 0;
}

/* The armed fault of class cls for r (by endpoint or by path), or NULL. */
static struct fault *
fault_find(const struct emu_req *r, enum fault_class cls)
{
	struct fault *f;
	int i;

	for (i = 0; i < NFAULTS; i++) {
		f = &faults[i];
		if (f->count > 0 && class_of(f->kind) == cls &&
		    (strcmp(f->endpoint, r->endpoint) == 0 ||
		     strcmp(f->endpoint, r->path) == 0))
			return f;
	}
	return NULL;
}

/* Consume one armed fault of class cls for r; its kind copied into kind
 * (a slot re-armed while a slow request waits must not change that
 * request's fault), or NULL. */
static const char *
fault_take(const struct emu_req *r, enum fault_class cls, char kind[16])
{
	struct fault *f = fault_find(r, cls);

	if (!f)
		return NULL;
	f->count--;
	memcpy(kind, f->kind, sizeof f->kind);
	return kind;
}

int
emu_fault_ret(const struct emu_req *r)
{
	char kind[16];
	const char *k = fault_take(r, FAULT_RET, kind);

	return k ? atoi(k + 3) : 0;
}

int
emu_fault_selector(const struct emu_req *r)
{
	char kind[16];
	const char *k = fault_take(r, FAULT_SELECTOR, kind);

	return k ? atoi(k + 8) : -1;
}

/* The cookie fault: a Set-Cookie whose name no earlier answer used, for
 * the parent domain every host of the family shares (§3.6), so a client
 * that writes its cookie jar from two processes at once loses one. */
static void
fault_cookie(const struct emu_req *r, struct emu_resp *w)
{
	static unsigned long serial;
	char name[32], value[24];

	serial++;
	snprintf(name, sizeof name, "emu_c%lu", serial);
	snprintf(value, sizeof value, "%lu", serial);
	emu_set_cookie(w, name, value, emu_shared_domain(r->host),
	               FAULT_COOKIE_LIFE);
}

/* ---- request log ---- */

static FILE *reqlog;
static pthread_mutex_t log_mu = PTHREAD_MUTEX_INITIALIZER;

struct kv_out {
	struct wx_buf *b;
	int n;
};

static enum MHD_Result
kv_json(void *cls, enum MHD_ValueKind kind,
        const char *key, const char *value)
{
	struct kv_out *o = cls;

	(void)kind;
	wx_buf_adds(o->b, o->n++ ? "," : "");
	wx_json_put_strz(o->b, key);
	wx_buf_addc(o->b, ':');
	wx_json_put_strz(o->b, value ? value : "");
	return MHD_YES;
}

static void
log_values(struct wx_buf *b, const struct emu_req *r,
           enum MHD_ValueKind kind)
{
	struct kv_out o = { b, 0 };

	wx_buf_addc(b, '{');
	MHD_get_connection_values(mhd(r), kind, kv_json, &o);
	wx_buf_addc(b, '}');
}

static void
log_request(const struct emu_req *r)
{
	struct wx_buf b = {0};
	size_t n = r->body.len < LOG_BODY_MAX ? r->body.len : LOG_BODY_MAX;

	if (!reqlog)
		return;
	wx_buf_addf(&b, "{\"time\":%lld,\"method\":", wx_now_ms());
	wx_json_put_strz(&b, r->method);
	wx_buf_adds(&b, ",\"host\":");
	wx_json_put_strz(&b, r->host);
	wx_buf_adds(&b, ",\"path\":");
	wx_json_put_strz(&b, r->path);
	wx_buf_adds(&b, ",\"uri\":");
	wx_json_put_strz(&b, r->uri ? r->uri : "");
	wx_buf_adds(&b, ",\"query\":");
	log_values(&b, r, MHD_GET_ARGUMENT_KIND);
	wx_buf_adds(&b, ",\"headers\":");
	log_values(&b, r, MHD_HEADER_KIND);
	wx_buf_addf(&b, ",\"body_length\":%zu,\"body\":", r->body.len);
	wx_json_put_str(&b, r->body.p ? r->body.p : "", n);
	wx_buf_adds(&b, "}\n");
	pthread_mutex_lock(&log_mu);
	fwrite(b.p, 1, b.len, reqlog);
	fflush(reqlog);
	pthread_mutex_unlock(&log_mu);
	wx_buf_free(&b);
}

/* ---- routing ---- */

static const char *const WEB_HOSTS[] = {
	"wx.qq.com", "wx2.qq.com", "wx8.qq.com", "web.wechat.com",
	"web2.wechat.com",
};

/* The known web host equal to h, or NULL. */
static const char *
web_host(const char *h)
{
	size_t i;

	for (i = 0; i < sizeof WEB_HOSTS / sizeof *WEB_HOSTS; i++)
		if (strcmp(h, WEB_HOSTS[i]) == 0)
			return WEB_HOSTS[i];
	return NULL;
}

/* After "prefix[digits]." in host, the rest; NULL if host is not so. */
static const char *
after_prefix(const char *host, const char *prefix)
{
	size_t n = strlen(prefix);

	if (strncmp(host, prefix, n) != 0)
		return NULL;
	host += n;
	while (*host >= '0' && *host <= '9')
		host++;
	return *host == '.' ? host + 1 : NULL;
}

/* -F: role and family (the entry host) of the file helper's hosts.  An
 * entry host is web and push host at once (§2, CAP); login.weixin.qq.com
 * still serves the QR code. */
static int
fh_host_role(const char *host, char *family, size_t fsize)
{
	struct wx_hosts hs;
	const char *entry;
	size_t i;

	for (i = 0; (entry = wx_fh_entry(i)); i++) {
		if (wx_fh_hosts(entry, &hs) < 0)
			continue;
		snprintf(family, fsize, "%s", entry);
		if (strcmp(host, entry) == 0)
			return EMU_WEB;
		if (strcmp(host, hs.login) == 0)
			return EMU_LOGIN;
		if (strcmp(host, hs.file) == 0)
			return EMU_FILE;
	}
	family[0] = '\0';
	return strcmp(host, "login.weixin.qq.com") == 0 ? EMU_LOGIN : -1;
}

/* Role and web-host family of a Host (protocol.md §2.1, §2.2 inverted);
 * -1 for a host wx-emu does not serve. */
static int
host_role(const char *host, char *family, size_t fsize)
{
	static const struct {
		const char *prefix;
		int role;
	} pre[] = {
		{ "login", EMU_LOGIN }, { "webpush", EMU_PUSH }, { "file", EMU_FILE },
	};
	const char *rest, *web;
	size_t i;

	if (emu_opt.filehelper)
		return fh_host_role(host, family, fsize);
	family[0] = '\0';
	if ((web = web_host(host))) {
		snprintf(family, fsize, "%s", web);
		return EMU_WEB;
	}
	for (i = 0; i < sizeof pre / sizeof *pre; i++) {
		if (!(rest = after_prefix(host, pre[i].prefix)))
			continue;
		if ((web = web_host(rest)))
			snprintf(family, fsize, "%s", web);
		else if (strcmp(rest, "wechat.com") == 0)
			snprintf(family, fsize, "web.wechat.com");
		else if (strcmp(rest, "weixin.qq.com") != 0 &&
		         strcmp(rest, "wechatapp.com") != 0)
			return -1;
		return pre[i].role;
	}
	return -1;
}

typedef void handler(struct emu_req *, struct emu_resp *);

/* Body caps, by what an endpoint takes (design.md §4: memory per request
 * stays a small multiple of its endpoint's cap). */
#define CAP_JSON (256u << 10)   /* a BaseRequest and a list of names */
#define CAP_UPLOAD (576u << 10) /* a 512 KiB chunk (§6.3) and its form */
#define CAP_SMALL (64u << 10)   /* GETs, the login host, control calls */
#define CAP_MESSAGE (16u << 20) /* /_emu/message: a message and its Media */
/* -F: a file of up to 25 MB in one part (filehelper.md §6.1) and its
 * form; the only body this large, of one endpoint, under -F alone. */
#define CAP_FH_UPLOAD (wx_fh.upload_max + (64u << 10))

/* An endpoint: its handler, whether its body is JSON (only those bodies
 * are parsed), and its body cap. */
struct route {
	int role;
	const char *endpoint;
	handler *fn;
	int json;
	size_t cap;
};

static const struct route ROUTES[] = {
	{ EMU_LOGIN, "login", emu_loginpoll, 0, CAP_SMALL },
	{ EMU_LOGIN, "webwxpushloginurl", emu_pushloginurl, 0, CAP_SMALL },
	{ EMU_WEB, "webwxnewloginpage", emu_newloginpage, 0, CAP_SMALL },
	{ EMU_WEB, "webwxpushloginurl", emu_pushloginurl, 0, CAP_SMALL },
	{ EMU_WEB, "webwxinit", emu_webwxinit, 1, CAP_JSON },
	{ EMU_WEB, "webwxstatusnotify", emu_statusnotify, 1, CAP_JSON },
	{ EMU_WEB, "webwxgetcontact", emu_getcontact, 1, CAP_JSON },
	{ EMU_WEB, "webwxbatchgetcontact", emu_batchgetcontact, 1, CAP_JSON },
	{ EMU_WEB, "webwxlogout", emu_logout, 1, CAP_JSON },
	{ EMU_WEB, "webwxgeticon", emu_geticon, 0, CAP_SMALL },
	{ EMU_WEB, "webwxgetheadimg", emu_geticon, 0, CAP_SMALL },
	{ EMU_WEB, "webwxsync", emu_webwxsync, 1, CAP_JSON },
	{ EMU_WEB, "webwxsendmsg", emu_sendmsg, 1, CAP_JSON },
	{ EMU_WEB, "webwxsendmsgimg", emu_sendmsg, 1, CAP_JSON },
	{ EMU_WEB, "webwxsendappmsg", emu_sendmsg, 1, CAP_JSON },
	{ EMU_WEB, "webwxsendvideomsg", emu_sendmsg, 1, CAP_JSON },
	{ EMU_WEB, "webwxsendemoticon", emu_sendmsg, 1, CAP_JSON },
	{ EMU_WEB, "webwxrevokemsg", emu_revokemsg, 1, CAP_JSON },
	{ EMU_WEB, "webwxverifyuser", emu_verifyuser, 1, CAP_JSON },
	{ EMU_WEB, "webwxoplog", emu_oplog, 1, CAP_JSON },
	{ EMU_WEB, "webwxupdatechatroom", emu_updatechatroom, 1, CAP_JSON },
	{ EMU_WEB, "webwxcreatechatroom", emu_createchatroom, 1, CAP_JSON },
	{ EMU_WEB, "webwxcheckupload", emu_checkupload, 1, CAP_JSON },
	{ EMU_WEB, "webwxgetmsgimg", emu_download, 0, CAP_SMALL },
	{ EMU_WEB, "webwxgetvoice", emu_download, 0, CAP_SMALL },
	{ EMU_WEB, "webwxgetvideo", emu_download, 0, CAP_SMALL },
	{ EMU_PUSH, "synccheck", emu_synccheck, 0, CAP_SMALL },
	{ EMU_FILE, "webwxuploadmedia", emu_uploadmedia, 0, CAP_UPLOAD },
	{ EMU_FILE, "webwxgetmedia", emu_download, 0, CAP_SMALL },
};
static const struct route HOME = { EMU_WEB, "", emu_home, 0, CAP_SMALL };
static const struct route JSLOGIN = { EMU_LOGIN, "jslogin", emu_jslogin, 0,
                                      CAP_SMALL };
static const struct route QRCODE = { EMU_LOGIN, "qrcode", emu_qrcode, 0,
                                     CAP_SMALL };
static const struct route CONTROL = { EMU_CONTROL, "", emu_control, 1,
                                      CAP_SMALL };
static const struct route MESSAGE = { EMU_CONTROL, "message", emu_control, 1,
                                      CAP_MESSAGE };
static const struct route CHANGES = { EMU_CONTROL, "changes", emu_changes, 0,
                                      CAP_SMALL };
/* What an unknown path gets: a 404, and no reason to read a big body. */
static const struct route NOT_FOUND = { EMU_WEB, "", NULL, 0, CAP_SMALL };

/* The body cap of rt, which -F raises for the one-part upload. */
static size_t
route_cap(const struct route *rt)
{
	return emu_opt.filehelper && rt->fn == emu_uploadmedia ? CAP_FH_UPLOAD
	                                                       : rt->cap;
}

/* Whether rt serves a request of role: under -F the entry host, a web
 * host, answers the push role's synccheck too. */
static int
role_serves(const struct route *rt, enum emu_role role)
{
	return (int)role == rt->role ||
	       (emu_opt.filehelper && role == EMU_WEB && rt->role == EMU_PUSH);
}

static const struct route *
route(const struct emu_req *r)
{
	static const char CGI[] = "/cgi-bin/mmwebwx-bin/";
	size_t i;

	if (r->role == EMU_CONTROL)
		return strcmp(r->path, "/_emu/message") == 0 ? &MESSAGE :
		       strcmp(r->path, "/_emu/changes") == 0 ? &CHANGES : &CONTROL;
	if (r->role == EMU_WEB && strcmp(r->path, "/") == 0)
		return &HOME;
	if (r->role == EMU_LOGIN && strcmp(r->path, "/jslogin") == 0)
		return &JSLOGIN;
	if (r->role == EMU_LOGIN && strncmp(r->path, "/qrcode/", 8) == 0)
		return &QRCODE;
	if (strncmp(r->path, CGI, sizeof CGI - 1) != 0 ||
	    strchr(r->path + sizeof CGI - 1, '/'))
		return &NOT_FOUND;
	for (i = 0; i < sizeof ROUTES / sizeof *ROUTES; i++)
		if (role_serves(&ROUTES[i], r->role) &&
		    strcmp(r->endpoint, ROUTES[i].endpoint) == 0)
			return &ROUTES[i];
	return &NOT_FOUND;
}

/* Fill r from the request head (the body comes later); the route, the
 * 404 one when the Host is not served. */
static const struct route *
req_init(struct emu_req *r, struct MHD_Connection *c,
         const char *url, const char *method, const char *uri)
{
	const char *h, *slash;
	int role;
	size_t i;

	memset(r, 0, sizeof *r);
	r->conn = c;
	r->uri = uri;
	r->method = method;
	r->path = url;
	slash = strrchr(url, '/');
	r->endpoint = slash ? slash + 1 : url;
	if (strncmp(url, "/qrcode/", 8) == 0)
		r->endpoint = "qrcode";
	h = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Host");
	for (i = 0; h && h[i] && h[i] != ':' && i < sizeof r->host - 1; i++)
		r->host[i] = (char)(h[i] >= 'A' && h[i] <= 'Z' ? h[i] + 32 : h[i]);
	r->host[i] = '\0';
	role = host_role(r->host, r->family, sizeof r->family);
	if (strncmp(url, "/_emu/", 6) == 0)
		role = EMU_CONTROL;
	r->role = role < 0 ? EMU_WEB : (enum emu_role)role;
	return role < 0 ? &NOT_FOUND : route(r);
}

/* The body is complete: r gets it, parsed when the endpoint takes JSON
 * and it looks like JSON (a client may send a form instead). */
static void
req_body(struct emu_req *r, const struct route *rt, const struct wx_buf *body)
{
	const char *p = body->p;
	char err[128];

	r->body = *body;
	if (!rt->json || !body->len)
		return;
	while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
		p++;
	if (*p == '{' || *p == '[')
		r->json = wx_json_parse(body->p, body->len, err, sizeof err);
}

/* A 5xx page as a front end would give it. */
static void
fault_500(struct emu_resp *w)
{
	w->status = 500;
	emu_resp_header(w, "Content-Type", "text/html");
	wx_buf_adds(&w->body, "<html><head><title>500 Internal Server Error"
	            "</title></head><body><center><h1>500 Internal Server "
	            "Error</h1></center></body></html>\n");
}

/* Hold the answer -H seconds (the slow fault), wakeable by shutdown. */
static void
fault_slow(void)
{
	struct timespec deadline = emu_hold_deadline();

	while (emu_wait(&deadline) == 0)
		;
}

static void
dispatch(struct emu_req *r, struct emu_resp *w, const struct route *rt)
{
	handler *fn = rt->fn;
	const char *fault = NULL;
	char kind[16], cookie[16];

	if (!fn) {
		emu_resp_text(w, 404, "not found\n");
		return;
	}
	if (r->role != EMU_CONTROL)
		fault = fault_take(r, FAULT_TRANSPORT, kind);
	if (fault && strcmp(fault, "slow") == 0)
		fault_slow();
	if (fault && strcmp(fault, "http500") == 0)
		fault_500(w);
	else if (fault && strcmp(fault, "reset") == 0)
		w->drop = 1;
	else
		fn(r, w);
	if (r->role != EMU_CONTROL && fault_take(r, FAULT_COOKIE, cookie))
		fault_cookie(r, w);
	if (fault && strcmp(fault, "truncate") == 0) {
		w->body.len /= 2;   /* a complete HTTP answer, half a document */
		w->may_gzip = 0;
	} else if (fault && strcmp(fault, "malformed") == 0) {
		wx_buf_reset(&w->body);
		wx_buf_adds(&w->body, "<html><body><h1>502 Bad Gateway</h1>"
		            "<p>The proxy server received an invalid response "
		            "from an upstream server.</p></body></html>\n");
	}
}

/* ---- sending ---- */

/* Deflate streams kept for reuse.  deflateInit2 allocates ~270 KiB and
 * deflateEnd frees it; malloc gave that back to the kernel each time,
 * so every gzipped answer faulted it in anew and zeroed it (~27% of
 * webwxsync's profile under emu-load).  A reset stream writes the same bytes
 * as a new one.  At most ZPOOL are kept: more would only be busy at
 * once when more answers than cores compress at once. */
#define ZPOOL 4
/* Level 1: a webwxsync answer of 2988 B took 34 us to compress, 47 us
 * at the default 6, for 5% more bytes (1175 B for 1115 B). */
#define GZIP_LEVEL Z_BEST_SPEED
static z_stream *zpool[ZPOOL];
static int nzpool;
static pthread_mutex_t zpool_mu = PTHREAD_MUTEX_INITIALIZER;

static z_stream *
zstream_take(void)
{
	z_stream *z = NULL;

	pthread_mutex_lock(&zpool_mu);
	if (nzpool > 0)
		z = zpool[--nzpool];
	pthread_mutex_unlock(&zpool_mu);
	if (z)
		return z;
	z = wx_calloc(1, sizeof *z);
	if (deflateInit2(z, GZIP_LEVEL, Z_DEFLATED, 15 + 16, 8,
	                 Z_DEFAULT_STRATEGY) != Z_OK) {
		free(z);
		return NULL;
	}
	return z;
}

static void
zstream_free(z_stream *z)
{
	deflateEnd(z);
	free(z);
}

/* Back to the pool, reset for the next answer, or freed. */
static void
zstream_give(z_stream *z)
{
	if (deflateReset(z) != Z_OK) {
		zstream_free(z);
		return;
	}
	pthread_mutex_lock(&zpool_mu);
	if (nzpool < ZPOOL) {
		zpool[nzpool++] = z;
		z = NULL;
	}
	pthread_mutex_unlock(&zpool_mu);
	if (z)
		zstream_free(z);
}

static int
gzip_buf(const struct wx_buf *in, struct wx_buf *out)
{
	z_stream *z = zstream_take();
	size_t cap;
	int rc;

	if (!z)
		return -1;
	cap = deflateBound(z, in->len) + 32;
	wx_buf_reset(out);
	wx_buf_add(out, "", 0);
	out->p = wx_realloc(out->p, cap);
	out->cap = cap;
	z->next_in = (unsigned char *)in->p;
	z->avail_in = (uInt)in->len;
	z->next_out = (unsigned char *)out->p;
	z->avail_out = (uInt)cap;
	rc = deflate(z, Z_FINISH);
	out->len = cap - z->avail_out;
	zstream_give(z);
	return rc == Z_STREAM_END ? 0 : -1;
}

static int
wants_gzip(const struct emu_req *r, const struct emu_resp *w)
{
	const char *ae = emu_header(r, "Accept-Encoding");

	return w->may_gzip && w->body.len >= GZIP_MIN && ae && strstr(ae, "gzip");
}

/* w's body gzipped in place when r accepts it; 1 if it was. */
static int
gzip_answer(const struct emu_req *r, struct emu_resp *w)
{
	struct wx_buf gz = {0};

	if (!wants_gzip(r, w) || gzip_buf(&w->body, &gz) < 0) {
		wx_buf_free(&gz);
		return 0;
	}
	wx_buf_free(&w->body);
	w->body = gz;
	return 1;
}

/* At shutdown: the kept streams. */
static void
zpool_free(void)
{
	while (nzpool > 0)
		zstream_free(zpool[--nzpool]);
}

/* Add the handler's "Name: value\r\n" lines to resp in order. */
static void
add_headers(struct MHD_Response *resp, const struct wx_buf *h)
{
	const char *p = h->p, *end = h->p + h->len, *eol, *colon;
	char *name, *value;

	while (p && p < end) {
		eol = strstr(p, "\r\n");
		colon = strchr(p, ':');
		if (!eol || !colon || colon > eol)
			break;
		name = wx_strndup(p, (size_t)(colon - p));
		value = wx_strndup(colon + 2, (size_t)(eol - colon - 2));
		MHD_add_response_header(resp, name, value);
		free(name);
		free(value);
		p = eol + 2;
	}
}

/* zipped: the body is gzip (gzip_answer). */
static enum MHD_Result
send_resp(struct MHD_Connection *c, const struct emu_resp *w, int zipped)
{
	static char nothing[1];
	struct MHD_Response *resp;
	enum MHD_Result ok;

	resp = MHD_create_response_from_buffer(w->body.len,
	                                       w->body.p ? w->body.p : nothing,
	                                       MHD_RESPMEM_MUST_COPY);
	/* MHD drops a "Connection: keep-alive" header added by hand; this
	 * option makes it send its own (see wx-emu(1), STANDARDS). */
	MHD_set_response_options(resp, MHD_RF_SEND_KEEP_ALIVE_HEADER,
	                         MHD_RO_END);
	add_headers(resp, &w->headers);
	if (w->sts)
		MHD_add_response_header(resp, "Strict-Transport-Security",
		                        EMU_STS);
	if (zipped)
		MHD_add_response_header(resp, "Content-Encoding", "gzip");
	ok = MHD_queue_response(c, (unsigned)w->status, resp);
	MHD_destroy_response(resp);
	return ok;
}

/* The reset fault: the head goes out, then the connection is cut.  A
 * connection closed before any byte would be retried by libcurl on its
 * own (it does so for reused connections), hiding the fault. */
static ssize_t
cut_body(void *cls, uint64_t pos, char *buf, size_t max)
{
	(void)cls;
	(void)pos;
	(void)buf;
	(void)max;
	return MHD_CONTENT_READER_END_WITH_ERROR;
}

static enum MHD_Result
send_reset(struct MHD_Connection *c)
{
	struct MHD_Response *resp;
	enum MHD_Result ok;

	resp = MHD_create_response_from_callback(1024, 1024, cut_body, NULL,
	                                         NULL);
	MHD_set_response_options(resp, MHD_RF_SEND_KEEP_ALIVE_HEADER,
	                         MHD_RO_END);
	ok = MHD_queue_response(c, MHD_HTTP_OK, resp);
	MHD_destroy_response(resp);
	return ok;
}

/* ---- the access handler ----
 *
 * libmicrohttpd runs the connections, TLS included, on POLL_THREADS
 * polling threads, a fixed number: with a thread per connection, GnuTLS
 * kept a random-generator context for each thread that ever did a
 * handshake until exit, ~220 bytes a connection.  A complete request is
 * answered there and then, unless it may wait (a long poll): that one
 * is answered on a handler thread of its own while its connection is
 * suspended, so it holds nothing but that thread; the answer is queued
 * when the connection is resumed. */
/* Two a core of the 2-core machines: under emu-load, with other work
 * on the machine, 4 served synccheck at up to 18k req/s where 2 and 8
 * served 8-11k (t/bench/EMU-figures.md). */
#define POLL_THREADS 4u

struct exchange {               /* one request, its body and its answer */
	char *uri;              /* the request target as sent (on_uri) */
	struct emu_req r;
	const struct route *rt;
	struct wx_buf body;
	int toobig;
	int started;            /* handed to a handler thread */
	int answered;           /* w is complete (set before the resume) */
	int zipped;             /* w's body is gzip */
	struct emu_resp w;
};

static enum MHD_Result
too_big(struct MHD_Connection *c)
{
	struct emu_resp w = { .status = 413 };
	enum MHD_Result ok;

	emu_resp_text(&w, 413, "request body too large\n");
	ok = send_resp(c, &w, 0);
	wx_buf_free(&w.headers);
	wx_buf_free(&w.body);
	return ok;
}

/* Handler threads in flight, so that shutdown waits for them. */
static pthread_mutex_t flight_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t flight_cv = PTHREAD_COND_INITIALIZER;
static int in_flight;

static void
flight_add(int n)
{
	pthread_mutex_lock(&flight_mu);
	in_flight += n;
	pthread_cond_broadcast(&flight_cv);
	pthread_mutex_unlock(&flight_mu);
}

/* Answer x with the world lock, which the caller took and this releases;
 * the compression, the dearest part of most answers, outside it. */
static void
answer_unlock(struct exchange *x)
{
	dispatch(&x->r, &x->w, x->rt);
	emu_unlock();
	x->zipped = gzip_answer(&x->r, &x->w);
	x->answered = 1;
}

/* A handler thread: answer x, then give the connection back to MHD.
 * x belongs to MHD again from the resume on (it may free it at once). */
static void *
handler_thread(void *arg)
{
	struct exchange *x = arg;
	struct MHD_Connection *c = x->r.conn;

	emu_lock();
	answer_unlock(x);
	MHD_resume_connection(c);
	flight_add(-1);
	return NULL;
}

/* x to a thread of its own, c suspended meanwhile. */
static void
hand_over(struct exchange *x, struct MHD_Connection *c)
{
	pthread_attr_t attr;
	pthread_t t;

	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	flight_add(1);
	MHD_suspend_connection(c);
	if (pthread_create(&t, &attr, handler_thread, x) != 0) {
		flight_add(-1);
		emu_resp_text(&x->w, 503, "no thread for this request\n");
		x->answered = 1;
		MHD_resume_connection(c);
	}
	pthread_attr_destroy(&attr);
}

/* Whether answering r may wait for the world: a long poll, or the slow
 * fault, under a hold (-H) above 0.  World lock held. */
static int
may_wait(const struct emu_req *r, const struct route *rt)
{
	const struct fault *f;

	if (emu_opt.hold_ns == 0)
		return 0;
	if (rt->fn == emu_synccheck || rt->fn == emu_loginpoll ||
	    rt->fn == emu_changes)
		return 1;
	f = r->role != EMU_CONTROL ? fault_find(r, FAULT_TRANSPORT) : NULL;
	return f && strcmp(f->kind, "slow") == 0;
}

/* The body is complete: log the request and answer it, at once when it
 * cannot wait (1), else on a handler thread (0).  At once is on the
 * polling thread: the hand-over to a new thread and back (the thread,
 * the suspend, two wake-ups) cost more than most answers.  The lock is
 * held from the test to the answer, so that a slow fault armed between
 * them cannot hold the polling thread. */
static int
start_answer(struct exchange *x, struct MHD_Connection *c)
{
	x->started = 1;
	req_body(&x->r, x->rt, &x->body);
	log_request(&x->r);
	emu_lock();
	if (may_wait(&x->r, x->rt)) {
		emu_unlock();
		hand_over(x, c);
		return 0;
	}
	answer_unlock(x);
	return 1;
}

/* Room for the body Content-Length announces (n within the cap), so
 * that a 25 MB upload of -F holds 25 MB, not the 32 MiB that growing by
 * doubling would reach. */
static void
body_reserve(struct wx_buf *b, size_t n)
{
	wx_buf_add(b, "", 0);
	b->p = wx_realloc(b->p, n + 1);
	b->cap = n + 1;
}

/* More body: kept up to the endpoint's cap, counted (not kept) beyond. */
static void
take_body(struct exchange *x, const char *data, size_t n)
{
	if (x->toobig || x->body.len + n > route_cap(x->rt))
		x->toobig = 1;
	else
		wx_buf_add(&x->body, data, n);
}

static enum MHD_Result
on_request(void *cls, struct MHD_Connection *c,
           const char *url, const char *method,
           const char *version, const char *data,
           size_t *size, void **state)
{
	struct exchange *x = *state;
	unsigned long long len;
	const char *cl;

	(void)cls;
	(void)version;
	if (!x->rt) {
		x->w.status = 200;
		x->rt = req_init(&x->r, c, url, method, x->uri);
		cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
		                                 "Content-Length");
		len = cl ? strtoull(cl, NULL, 10) : 0;
		if (len > route_cap(x->rt))
			return too_big(c);
		if (len > CAP_SMALL)
			body_reserve(&x->body, (size_t)len);
		return MHD_YES;
	}
	if (*size) {
		take_body(x, data, *size);
		*size = 0;
		return MHD_YES;
	}
	if (x->toobig)
		return too_big(c);
	if (x->answered || (!x->started && start_answer(x, c)))
		return x->w.drop ? send_reset(c) : send_resp(c, &x->w, x->zipped);
	return MHD_YES;
}

/* A request begins: its exchange, with the target as sent, before
 * libmicrohttpd decodes it — the log must show what a client sent (a
 * "??&", a twice-encoded redirect_uri), which the decoded query loses. */
static void *
on_uri(void *cls, const char *uri, struct MHD_Connection *c)
{
	struct exchange *x = wx_calloc(1, sizeof *x);

	(void)cls;
	(void)c;
	x->uri = wx_strdup(uri);
	return x;
}

static void
on_done(void *cls, struct MHD_Connection *c, void **state,
        enum MHD_RequestTerminationCode why)
{
	struct exchange *x = *state;

	(void)cls;
	(void)c;
	(void)why;
	if (x) {
		wx_json_free(x->r.json);
		wx_buf_free(&x->body);
		wx_buf_free(&x->w.headers);
		wx_buf_free(&x->w.body);
		free(x->uri);
		free(x);
		*state = NULL;
	}
}

/* ---- daemon ---- */

void *
emu_daemon_start(FILE *log, const char *cert, const char *key,
                 int *port)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_AUTO |
	                 MHD_ALLOW_SUSPEND_RESUME |
	                 MHD_USE_SUPPRESS_DATE_NO_CLOCK;
	struct MHD_Daemon *d;
	const union MHD_DaemonInfo *info;

	reqlog = log;
	sa.sin_port = htons((uint16_t)*port);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (cert)
		flags |= MHD_USE_TLS;
	d = MHD_start_daemon(flags, (uint16_t)*port, NULL, NULL, on_request, NULL,
	                     MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
	                     MHD_OPTION_THREAD_POOL_SIZE, POLL_THREADS,
	                     MHD_OPTION_CONNECTION_LIMIT, (unsigned)emu_opt.maxconn,
	                     MHD_OPTION_CONNECTION_TIMEOUT, 120u,
	                     MHD_OPTION_NOTIFY_COMPLETED, on_done, NULL,
	                     MHD_OPTION_URI_LOG_CALLBACK, on_uri, NULL,
	                     cert ? MHD_OPTION_HTTPS_MEM_CERT : MHD_OPTION_END,
	                     cert, MHD_OPTION_HTTPS_MEM_KEY, key,
	                     MHD_OPTION_END);
	if (!d)
		return NULL;
	info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
	*port = info ? info->port : *port;
	return d;
}

/* After emu_world_stop(): every handler returns at once, so waiting for
 * them is short; MHD may only stop once no connection is suspended. */
void
emu_daemon_stop(void *d)
{
	pthread_mutex_lock(&flight_mu);
	while (in_flight > 0)
		pthread_cond_wait(&flight_cv, &flight_mu);
	pthread_mutex_unlock(&flight_mu);
	MHD_stop_daemon(d);
	zpool_free();
}
