/* hostile — a canned HTTP(S) server for tests: it answers whatever the
 * files of DIR say, read anew on every request, so that a test can hand a
 * command answers wx-emu would never give (huge, malformed, hostile).
 *
 *   hostile -p PORT -P PORTFILE [-c CERT -k KEY] [-l LOG] DIR
 *
 * For a request (any method, any Host) NAME is the last path component of
 * the URL ("" -> index); DIR/NAME.body is the answer (missing -> 404,
 * empty), DIR/NAME.status its status (200), DIR/NAME.headers extra
 * "Name: value" lines (default Content-Type: text/plain), DIR/NAME.delay
 * milliseconds to wait first, DIR/NAME.drip milliseconds between bytes
 * (the body sent one byte at a time, length unannounced).  -l appends "METHOD HOST PATH?QUERY" a
 * request.  Request bodies are read and thrown away.  SIGTERM ends it. */
#include <errno.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#define MAX_FILE (256u << 20)     /* bytes of one answer file */
#define MAX_UPLOAD (64u << 20)    /* request bytes drained before a 413 */
#define MAX_DELAY 60000L          /* ms */

static const char *dir;
static FILE *reqlog;
static volatile sig_atomic_t stopping;

struct req {                      /* per request, from the URI callback */
	char *uri;                /* as sent: path?query */
	size_t upload;            /* request body bytes drained so far */
	int seen;                 /* the headers call has passed */
};

static void
die(const char *what)
{
	fprintf(stderr, "hostile: %s: %s\n", what, strerror(errno));
	exit(111);
}

/* All of file path, NUL-terminated, in *len bytes; NULL if absent. */
static char *
slurp_path(const char *path, size_t *len)
{
	char *p = NULL;
	size_t n = 0, cap = 0, got;
	FILE *f;

	if (!(f = fopen(path, "rb")))
		return NULL;
	do {
		if (n + 65536 + 1 > cap && !(p = realloc(p, cap = 2 * cap + 65536 + 1)))
			die("realloc");
		got = fread(p + n, 1, 65536, f);
		n += got;
	} while (got > 0 && n < MAX_FILE);
	fclose(f);
	p[n] = '\0';
	if (len)
		*len = n;
	return p;
}

/* DIR/NAME.EXT, as slurp_path. */
static char *
slurp(const char *name, const char *ext, size_t *len)
{
	char path[4096];

	snprintf(path, sizeof path, "%s/%s.%s", dir, name, ext);
	return slurp_path(path, len);
}

/* A small decimal file (status, delay), or dflt. */
static long
number(const char *name, const char *ext, long dflt)
{
	char *s = slurp(name, ext, NULL);
	long v = s ? strtol(s, NULL, 10) : dflt;

	free(s);
	return v;
}

/* One log line; bytes that would break the line become '?'. */
static void
log_request(const char *method, const char *host, const char *uri)
{
	char line[8192], *p;

	if (!reqlog)
		return;
	snprintf(line, sizeof line, "%s %s %s", method, host ? host : "-", uri);
	for (p = line; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '?';
	flockfile(reqlog);
	fprintf(reqlog, "%s\n", line);
	fflush(reqlog);
	funlockfile(reqlog);
}

/* The delay, in slices, so that SIGTERM does not wait for it. */
static void
delay(long ms)
{
	struct timespec ts = { 0, 50 * 1000000L };

	for (ms = ms > MAX_DELAY ? MAX_DELAY : ms; ms > 0 && !stopping; ms -= 50)
		nanosleep(&ts, NULL);
}

/* Add the "Name: value" lines of headers; 1 if one is Content-Type. */
static int
add_headers(struct MHD_Response *resp, char *headers)
{
	char *line, *save, *colon, *v;
	int ctype = 0;

	for (line = strtok_r(headers, "\r\n", &save); line;
	     line = strtok_r(NULL, "\r\n", &save)) {
		if (!(colon = strchr(line, ':')))
			continue;
		*colon = '\0';
		for (v = colon + 1; *v == ' ' || *v == '\t'; v++)
			;
		ctype |= strcasecmp(line, "Content-Type") == 0;
		MHD_add_response_header(resp, line, v);
	}
	return ctype;
}

/* A body given one byte every drip ms (NAME.drip). */
struct drip {
	char *body;
	size_t len;
	long ms;
};

static ssize_t
drip_read(void *cls, uint64_t pos, char *buf, size_t max)
{
	struct drip *d = cls;

	(void)max;
	if (pos >= d->len)
		return MHD_CONTENT_READER_END_OF_STREAM;
	if (pos > 0)
		delay(d->ms);
	if (stopping)
		return MHD_CONTENT_READER_END_WITH_ERROR;
	buf[0] = d->body[pos];
	return 1;
}

static void
drip_free(void *cls)
{
	struct drip *d = cls;

	free(d->body);
	free(d);
}

static enum MHD_Result
answer(struct MHD_Connection *c, const char *uri)
{
	char name[256], *body, *headers;
	const char *q = uri + strcspn(uri, "?"), *last = q;
	size_t len = 0;
	long status, ms;
	struct MHD_Response *resp;
	enum MHD_Result ok;

	while (last > uri && last[-1] != '/')
		last--;
	snprintf(name, sizeof name, "%.*s", (int)(q - last), last);
	if (!*name)
		strcpy(name, "index");
	delay(number(name, "delay", 0));
	status = number(name, "status", 200);
	if (!(body = slurp(name, "body", &len)))
		status = 404;
	if (body && (ms = number(name, "drip", 0)) > 0) {
		struct drip *d = malloc(sizeof *d);

		if (!d)
			die("malloc");
		*d = (struct drip){ body, len, ms };
		resp = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 1,
		    drip_read, d, drip_free);
	} else {
		resp = MHD_create_response_from_buffer(len, body ? body :
		    (char *)"", body ? MHD_RESPMEM_MUST_FREE :
		    MHD_RESPMEM_PERSISTENT);
	}
	headers = slurp(name, "headers", NULL);
	if (!headers || !add_headers(resp, headers))
		MHD_add_response_header(resp, "Content-Type", "text/plain");
	free(headers);
	ok = MHD_queue_response(c, status >= 100 && status <= 999 ?
	                        (unsigned)status : 500u, resp);
	MHD_destroy_response(resp);
	return ok;
}

/* MHD's first look at a request: keep the raw URI (with its query). */
static void *
on_uri(void *cls, const char *uri, struct MHD_Connection *c)
{
	struct req *r = calloc(1, sizeof *r);

	(void)cls;
	(void)c;
	if (!r || !(r->uri = strdup(uri)))
		die("calloc");
	return r;
}

static enum MHD_Result
on_request(void *cls, struct MHD_Connection *c, const char *url,
           const char *method, const char *version, const char *data,
           size_t *size, void **state)
{
	struct req *r = *state;

	(void)cls;
	(void)url;
	(void)version;
	(void)data;
	if (!r->seen) {                   /* headers only: the body follows */
		r->seen = 1;
		return MHD_YES;
	}
	if (*size) {                      /* drain; past the cap, 413 */
		r->upload += *size;
		*size = 0;
		return MHD_YES;
	}
	log_request(method, MHD_lookup_connection_value(c, MHD_HEADER_KIND,
	            "Host"), r->uri);
	if (r->upload > MAX_UPLOAD) {
		struct MHD_Response *resp = MHD_create_response_from_buffer(0,
		    (char *)"", MHD_RESPMEM_PERSISTENT);
		enum MHD_Result ok = MHD_queue_response(c, 413, resp);
		MHD_destroy_response(resp);
		return ok;
	}
	return answer(c, r->uri);
}

static void
on_done(void *cls, struct MHD_Connection *c, void **state,
        enum MHD_RequestTerminationCode why)
{
	struct req *r = *state;

	(void)cls;
	(void)c;
	(void)why;
	if (r) {
		free(r->uri);
		free(r);
		*state = NULL;
	}
}

static void
usage(void)
{
	fprintf(stderr, "usage: hostile -p PORT -P PORTFILE [-c CERT -k KEY] "
	        "[-l LOG] DIR\n");
	exit(100);
}

int
main(int argc, char *argv[])
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	const char *portfile = NULL, *certf = NULL, *keyf = NULL, *logf = NULL;
	char *cert = NULL, *key = NULL, tmp[4096];
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD |
	                 MHD_USE_THREAD_PER_CONNECTION;
	const union MHD_DaemonInfo *info;
	struct MHD_Daemon *d;
	sigset_t sigs;
	FILE *f;
	int c, port = 0, sig;

	while ((c = getopt(argc, argv, "p:P:c:k:l:")) != -1) {
		switch (c) {
		case 'p': port = atoi(optarg); break;
		case 'P': portfile = optarg; break;
		case 'c': certf = optarg; break;
		case 'k': keyf = optarg; break;
		case 'l': logf = optarg; break;
		default: usage();
		}
	}
	if (optind != argc - 1 || !portfile || !certf != !keyf ||
	    port < 0 || port > 65535)
		usage();
	dir = argv[optind];
	if (certf && (!(cert = slurp_path(certf, NULL)) ||
	              !(key = slurp_path(keyf, NULL))))
		die(cert ? keyf : certf);
	if (logf && !(reqlog = fopen(logf, "a")))
		die(logf);

	/* The threads inherit the mask: only sigwait below sees SIGTERM. */
	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGINT);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);

	sa.sin_port = htons((uint16_t)port);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	d = MHD_start_daemon(flags | (cert ? MHD_USE_TLS : 0), (uint16_t)port,
	                     NULL, NULL, on_request, NULL,
	                     MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
	                     MHD_OPTION_URI_LOG_CALLBACK, on_uri, NULL,
	                     MHD_OPTION_NOTIFY_COMPLETED, on_done, NULL,
	                     MHD_OPTION_CONNECTION_TIMEOUT, 60u,
	                     cert ? MHD_OPTION_HTTPS_MEM_CERT : MHD_OPTION_END,
	                     cert, MHD_OPTION_HTTPS_MEM_KEY, key,
	                     MHD_OPTION_END);
	if (!d)
		die("cannot listen on 127.0.0.1");
	info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
	port = info ? info->port : port;

	/* The port file appears whole (rename), once the port is known. */
	snprintf(tmp, sizeof tmp, "%s.%ld.tmp", portfile, (long)getpid());
	if (!(f = fopen(tmp, "w")) || fprintf(f, "%d\n", port) < 0 ||
	    fclose(f) != 0 || rename(tmp, portfile) != 0)
		die(portfile);

	while (sigwait(&sigs, &sig) != 0)
		;
	stopping = 1;
	MHD_stop_daemon(d);
	if (reqlog)
		fclose(reqlog);
	free(cert);
	free(key);
	return 0;
}
