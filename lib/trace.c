/* trace.c — WX_TRACE=FILE (wx(7)): each HTTP exchange appended to FILE,
 * the request as libcurl sent it and the answer, heads whole and bodies
 * cut short, with every secret replaced by a placeholder that names its
 * kind and number (skey=<skey-1>), so that a user can attach the file to
 * a bug report.  Secrets are found by where they stand (a key of the
 * list below in a query, a form, JSON or XML; a cookie's value), then
 * replaced wherever the same value stands again, in any later exchange
 * of the process too: an answer that hands out a new skey is redacted in
 * the answer and in every request that sends it back. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "wx.h"

/* Bytes of each body written; enough to see what a request was. */
#define TRACE_BODY 1024
/* A value this short is no secret (a Uin of 0 in a contact, a cookie's
 * "1"): hunting it everywhere would blank out every such number. */
#define SECRET_MIN 6
#define SECRET_MAX 4096
/* Values remembered, the oldest forgotten past it: a command sees a few
 * dozen, and a wx-sync -f traced for weeks must not grow without end. */
#define SECRETS_KEEP 1024

/* Names whose values are secrets or identify the account, in a query, a
 * form, JSON (case aside: Skey, SKey, Sid, Uin) or XML. */
static const char *const secret_keys[] = {
	"skey", "sid", "wxsid", "pass_ticket", "ticket", "webwx_data_ticket",
	"uin", "wxuin", "fromuser", "webwx_auth_ticket", "webwxuvid",
	"auth_ticket", "datatickets",
};

struct secret {
	char *value;
	size_t len;             /* of value */
	char *place;            /* "<skey-1>" */
};

/* Where a secret stands in the text being redacted, found by its key:
 * replaced there whatever the list of secrets keeps. */
struct span {
	size_t at, len;
	char *place;
};

static struct {
	int fd;                 /* the file; -1: tracing off */
	int looked;             /* WX_TRACE read */
	struct secret *s;       /* what the process has seen */
	size_t n;
	const char *base;       /* the text being redacted */
	struct span *sp;        /* and its secrets by place */
	size_t nsp;
} tr;

int
wx_secret_key(const char *k, size_t n)
{
	size_t i;

	for (i = 0; i < sizeof secret_keys / sizeof *secret_keys; i++)
		if (strlen(secret_keys[i]) == n &&
		    strncasecmp(secret_keys[i], k, n) == 0)
			return 1;
	return 0;
}

static int
word_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9');
}

static const struct secret *
known(const char *v, size_t n)
{
	size_t i;

	for (i = 0; i < tr.n; i++)
		if (tr.s[i].len == n && memcmp(tr.s[i].value, v, n) == 0)
			return &tr.s[i];
	return NULL;
}

static void
add_secret(char *value, const char *place)
{
	if (known(value, strlen(value))) {
		free(value);
		return;
	}
	if (tr.n == SECRETS_KEEP) {
		free(tr.s[0].value);
		free(tr.s[0].place);
		memmove(tr.s, tr.s + 1, --tr.n * sizeof *tr.s);
	}
	tr.s = wx_realloc(tr.s, (tr.n + 1) * sizeof *tr.s);
	tr.s[tr.n].value = value;
	tr.s[tr.n].len = strlen(value);
	tr.s[tr.n++].place = wx_strdup(place);
}

/* The placeholder of a new secret of kind key: <key-N>, N counting the
 * secrets of that kind the process has seen. */
static char *
placeholder(const char *key, size_t klen)
{
	char kind[32];
	size_t i, k = 1;

	klen = klen < sizeof kind - 1 ? klen : sizeof kind - 1;
	for (i = 0; i < klen; i++)
		kind[i] = word_char(key[i]) || key[i] == '_' ?
		          (char)(key[i] | (key[i] >= 'A' && key[i] <= 'Z' ? 32 : 0))
		          : '_';
	kind[klen] = '\0';
	for (i = 0; i < tr.n; i++)
		if (strncmp(tr.s[i].place + 1, kind, klen) == 0 &&
		    tr.s[i].place[klen + 1] == '-')
			k = (size_t)atoi(tr.s[i].place + klen + 2) + 1;
	return wx_asprintf("<%s-%zu>", kind, k);
}

/* Remember value v (n bytes) of key: as it is, percent-decoded and
 * percent-encoded, all under one placeholder. */
static void
remember(const char *key, size_t klen, const char *v, size_t n)
{
	const struct secret *old;
	char *raw, *place;

	/* a placeholder (a trace fed back) is no secret */
	if (n < SECRET_MIN || n > SECRET_MAX || *v == '<')
		return;
	raw = wx_strndup(v, n);
	old = known(v, n);
	place = old ? wx_strdup(old->place) : placeholder(key, klen);
	add_secret(wx_urldecode(raw), place);
	add_secret(wx_urlencode(raw), place);
	add_secret(raw, place);
	tr.sp = wx_realloc(tr.sp, (tr.nsp + 1) * sizeof *tr.sp);
	tr.sp[tr.nsp++] = (struct span){ (size_t)(v - tr.base), n, place };
}

static int
span_order(const void *a, const void *b)
{
	const struct span *x = a, *y = b;

	return x->at < y->at ? -1 : x->at > y->at;
}

/* key=value in a query, a form, a cookie or a redirect_uri. */
static void
harvest_pairs(const char *s, size_t n)
{
	size_t i, k, v;

	for (i = 0; i < n; i++) {
		if (s[i] != '=' || i == 0)
			continue;
		for (k = i; k > 0 && (word_char(s[k - 1]) || s[k - 1] == '_'); k--)
			;
		if (k == i || (k > 0 && word_char(s[k - 1])) ||
		    !wx_secret_key(s + k, i - k))
			continue;
		for (v = i + 1; v < n && !strchr("&; \t\r\n\"'<>#,", s[v]); v++)
			;
		remember(s + k, i - k, s + i + 1, v - i - 1);
	}
}

/* "Key":"value" and "Key":123 in JSON; <key>value</key> in XML. */
static void
harvest_tagged(const char *s, size_t n)
{
	size_t i, k, v, start;

	for (i = 0; i + 1 < n; i++) {
		if (s[i] != '<' && s[i] != '"')
			continue;
		for (k = i + 1; k < n && (word_char(s[k]) || s[k] == '_'); k++)
			;
		if (k >= n || !wx_secret_key(s + i + 1, k - i - 1))
			continue;
		if (s[i] == '<' && s[k] == '>') {
			start = k + 1;
			for (v = start; v < n && s[v] != '<'; v++)
				;
		} else if (s[i] == '"' && k + 1 < n && s[k] == '"' &&
		           s[k + 1] == ':') {
			/* the server's layout has a space after the colon */
			for (start = k + 2; start < n && s[start] == ' '; start++)
				;
			start += start < n && s[start] == '"';
			for (v = start; v < n && !strchr("\",}", s[v]); v++)
				;
		} else {
			continue;
		}
		remember(s + i + 1, k - i - 1, s + start, v - start);
	}
}

/* The form field of a multipart body: name="key" CR LF CR LF value. */
static void
harvest_parts(const char *s, size_t n)
{
	static const char tag[] = "name=\"";
	const char *p = s, *end = s + n, *k, *q, *v;

	while ((p = memmem(p, (size_t)(end - p), tag, sizeof tag - 1))) {
		k = p += sizeof tag - 1;
		if (!(q = memchr(k, '"', (size_t)(end - k))) ||
		    !wx_secret_key(k, (size_t)(q - k)) ||
		    !(v = memmem(q, (size_t)(end - q), "\r\n\r\n", 4)))
			continue;
		v += 4;
		for (p = v; p < end && *p != '\r'; p++)
			;
		remember(k, (size_t)(q - k), v, (size_t)(p - v));
	}
}

/* Does the line at p (to eol) start with name, in any case? */
static int
head_is(const char *p, const char *eol, const char *name)
{
	size_t n = strlen(name);

	return (size_t)(eol - p) >= n && strncasecmp(p, name, n) == 0;
}

/* Every value of a Cookie: or Set-Cookie: line of head: whatever its
 * name, a cookie value is the server's, and some are the session. */
static void
harvest_cookies(const char *s, size_t n)
{
	const char *p = s, *end = s + n, *eol, *k, *eq, *v;

	for (; p < end; p = eol + 1) {
		if (!(eol = memchr(p, '\n', (size_t)(end - p))))
			eol = end;
		if (head_is(p, eol, "> ") || head_is(p, eol, "< "))
			p += 2;  /* a line of the trace */
		if (head_is(p, eol, "Cookie:"))
			k = p + 7;
		else if (head_is(p, eol, "Set-Cookie:"))
			k = p + 11;
		else
			continue;
		for (; k < eol; k = v + 1) {
			while (k < eol && (*k == ' ' || *k == ';'))
				k++;
			eq = memchr(k, '=', (size_t)(eol - k));
			for (v = eq ? eq + 1 : eol; v < eol && !strchr(";\r", *v); v++)
				;
			if (eq && eq < v)
				remember(k, (size_t)(eq - k), eq + 1, (size_t)(v - eq - 1));
			if (*p == 'S' || *p == 's')
				break;  /* after the pair come attributes */
		}
	}
}

/* The secret whose value starts at s[i] (n bytes left) standing alone:
 * neither it nor its neighbours run on into letters or digits. */
static const struct secret *
secret_at(const char *s, size_t i, size_t n)
{
	const struct secret *best = NULL;
	size_t k, len;

	if (i > 0 && word_char(s[i - 1]) && word_char(s[i]))
		return NULL;
	for (k = 0; k < tr.n; k++) {
		len = tr.s[k].len;
		if (len && len <= n - i && s[i] == tr.s[k].value[0] &&
		    memcmp(s + i, tr.s[k].value, len) == 0 &&
		    !(i + len < n && word_char(s[i + len]) &&
		      word_char(s[i + len - 1])) &&
		    (!best || len > best->len))
			best = &tr.s[k];
	}
	return best;
}

void
wx_trace_redact(struct wx_buf *out, const char *s, size_t n)
{
	const struct secret *sec;
	size_t i = 0, k = 0;

	tr.base = s;
	tr.nsp = 0;
	harvest_pairs(s, n);
	harvest_tagged(s, n);
	harvest_parts(s, n);
	harvest_cookies(s, n);
	if (tr.nsp > 1)
		qsort(tr.sp, tr.nsp, sizeof *tr.sp, span_order);
	while (i < n) {
		while (k < tr.nsp && tr.sp[k].at < i)
			k++;  /* inside what was replaced already */
		if (k < tr.nsp && tr.sp[k].at == i) {
			wx_buf_adds(out, tr.sp[k].place);
			i += tr.sp[k].len;
		} else if ((sec = secret_at(s, i, n))) {
			wx_buf_adds(out, sec->place);
			i += sec->len;
		} else {
			wx_buf_addc(out, s[i++]);
		}
	}
	wx_buf_add(out, "", 0);
	for (k = 0; k < tr.nsp; k++)
		free(tr.sp[k].place);
}

int
wx_trace_on(void)
{
	const char *path;

	if (!tr.looked) {
		tr.looked = 1;
		tr.fd = -1;
		path = getenv("WX_TRACE");
		/* O_APPEND: the commands of a pipeline each add whole
		 * exchanges to one file */
		if (path && *path && (tr.fd = wx_open_regular(path,
		    O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC)) < 0)
			wx_die(wx_exit_errno(errno), "WX_TRACE: %s:", path);
	}
	return tr.fd >= 0;
}

/* n bytes of s, a line at a time, each after prefix, made safe for a
 * terminal (a CR before the LF dropped); the first max bytes only, and
 * then how many there were. */
static void
put_lines(struct wx_buf *t, const char *prefix, const char *s, size_t n,
          size_t max)
{
	size_t i = 0, len, shown = n < max ? n : max;
	const char *eol;
	char *safe;

	while (i < shown) {
		eol = memchr(s + i, '\n', shown - i);
		len = eol ? (size_t)(eol - (s + i)) : shown - i;
		safe = wx_safe(s + i, len && s[i + len - 1] == '\r' ? len - 1 : len);
		wx_buf_addf(t, "%s%s\n", prefix, safe);
		free(safe);
		i += len + (eol != NULL);
	}
	if (shown < n)
		wx_buf_addf(t, "%s[%zu bytes in all]\n", prefix, n);
}

/* "# wx-NAME PID 2026-12-02T03:04:05.678Z" */
static void
put_stamp(struct wx_buf *t)
{
	long long ms = wx_now_ms();
	time_t secs = (time_t)(ms / 1000);
	struct tm tm;
	char when[32];

	gmtime_r(&secs, &tm);
	strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%S", &tm);
	wx_buf_addf(t, "# %s %ld %s.%03lldZ\n", wx_argv0 ? wx_argv0 : "wx",
	            (long)getpid(), when, ms % 1000);
}

void
wx_trace_write(const struct wx_exchange *x)
{
	struct wx_buf t = {0}, out = {0};
	size_t off = 0;
	ssize_t k;

	put_stamp(&t);
	wx_buf_addf(&t, "# %s %s\n", x->method, x->url);
	put_lines(&t, "> ", x->head_out->p, x->head_out->len, SIZE_MAX);
	put_lines(&t, "> ", x->body_out->p, x->body_out->len, WX_TRACE_BODY);
	if (x->error)
		wx_buf_addf(&t, "< [no answer: %s]\n", x->error);
	put_lines(&t, "< ", x->head_in->p, x->head_in->len, SIZE_MAX);
	if (x->body)
		put_lines(&t, "< ", x->body, x->body_len, WX_TRACE_BODY);
	else if (x->streamed)
		wx_buf_addf(&t, "< [%llu bytes to a file]\n",
		            (unsigned long long)x->streamed);
	wx_buf_addc(&t, '\n');
	wx_trace_redact(&out, t.p, t.len);
	/* one write: exchanges of processes side by side stay whole */
	while (off < out.len && ((k = write(tr.fd, out.p + off, out.len - off))
	       > 0 || (k < 0 && errno == EINTR)))
		off += k > 0 ? (size_t)k : 0;
	wx_buf_free(&t);
	wx_buf_free(&out);
}
