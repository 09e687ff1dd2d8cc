/* util.c — diagnostics, exit codes, checked allocation, buffers.
 * The only place in lib/ that writes to stderr. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "wx.h"

const char *wx_argv0 = "wx";

static void buf_vaddf(struct wx_buf *b, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));

/* Every diagnostic passes wx_safe: the arguments often hold server text,
 * and an ESC in it must not reach the terminal as a command. */
void
wx_vwarn(const char *fmt, va_list ap)
{
	int saved = errno;
	size_t n = strlen(fmt);
	struct wx_buf msg = {0};
	static int busy;  /* out of memory while formatting: say so plainly */
	char *safe;

	if (busy++) {
		fprintf(stderr, "%s: %s\n", wx_argv0, fmt);
		busy--;
		return;
	}
	wx_buf_add(&msg, "", 0);
	buf_vaddf(&msg, fmt, ap);
	if (n > 0 && fmt[n - 1] == ':')
		wx_buf_addf(&msg, " %s", wx_strerror(saved));
	safe = wx_safe(msg.p, msg.len);
	fprintf(stderr, "%s: %s\n", wx_argv0, safe);
	free(safe);
	wx_buf_free(&msg);
	busy--;
	errno = saved;
}

void
wx_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	wx_vwarn(fmt, ap);
	va_end(ap);
}

void
wx_die(int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	wx_vwarn(fmt, ap);
	va_end(ap);
	exit(code);
}

const char *
wx_strerror(int e)
{
	return e == WX_ENOTREG ? "not a regular file" : strerror(e);
}

/* The form every command has last: -h and -V take no other operand. */
void
wx_usage(const char *synopsis, int help)
{
	fprintf(help ? stdout : stderr, "usage: %s\n       %s -h | -V\n",
	        synopsis, wx_argv0);
	exit(help ? wx_fshut(stdout, "stdout", WX_EXIT_OK) : WX_EXIT_USAGE);
}

/* WX_VERSION comes from the Makefile, to this file alone. */
void
wx_version(void)
{
	printf("%s %s\n", wx_argv0, WX_VERSION);
	exit(wx_fshut(stdout, "stdout", WX_EXIT_OK));
}

static void *
checked(void *p)
{
	if (!p)
		wx_die(WX_EXIT_TEMP, "out of memory");
	return p;
}

void *
wx_malloc(size_t n)
{
	return checked(malloc(n ? n : 1));
}

void *
wx_calloc(size_t n, size_t size)
{
	return checked(calloc(n ? n : 1, size ? size : 1));
}

void *
wx_realloc(void *p, size_t n)
{
	return checked(realloc(p, n ? n : 1));
}

char *
wx_strdup(const char *s)
{
	return checked(strdup(s));
}

char *
wx_strndup(const char *s, size_t n)
{
	return checked(strndup(s, n));
}

int
wx_fshut(FILE *f, const char *name, int code)
{
	int err = ferror(f);

	if (fclose(f) != 0 || err) {
		if (err && errno == 0)
			errno = EIO;
		wx_warn("write %s:", name);
		return code ? code : WX_EXIT_TEMP;
	}
	return code;
}

long long
wx_strtonum(const char *s, long long min, long long max, const char *what)
{
	char *end;
	long long v;

	errno = 0;
	if (!s || !*s || !(*s == '-' || (*s >= '0' && *s <= '9')))
		wx_die(WX_EXIT_USAGE, "%s: bad number '%s'", what, s ? s : "");
	v = strtoll(s, &end, 10);
	if (errno || *end)
		wx_die(WX_EXIT_USAGE, "%s: bad number '%s'", what, s);
	if (v < min || v > max)
		wx_die(WX_EXIT_USAGE, "%s: %lld is out of range %lld..%lld",
		       what, v, min, max);
	return v;
}

static void
buf_grow(struct wx_buf *b, size_t extra)
{
	size_t need;

	if (extra > SIZE_MAX - b->len - 1)
		wx_die(WX_EXIT_TEMP, "out of memory");
	need = b->len + extra + 1;
	if (need <= b->cap)
		return;
	if (b->cap < 64)
		b->cap = 64;
	while (b->cap < need)
		b->cap = b->cap > SIZE_MAX / 2 ? need : b->cap * 2;
	b->p = wx_realloc(b->p, b->cap);
}

/* Formatted into the room the buffer has, and only when that is too
 * small a second time: measuring first (vsnprintf of NULL) would format
 * every string twice. */
static void
buf_vaddf(struct wx_buf *b, const char *fmt, va_list ap)
{
	va_list again;
	size_t room;
	int n;

	va_copy(again, ap);
	buf_grow(b, 0);
	room = b->cap - b->len;
	n = vsnprintf(b->p + b->len, room, fmt, ap);
	if (n < 0)
		wx_die(WX_EXIT_TEMP, "bad format");
	if ((size_t)n >= room) {
		buf_grow(b, (size_t)n);
		vsnprintf(b->p + b->len, (size_t)n + 1, fmt, again);
	}
	va_end(again);
	b->len += (size_t)n;
}

void
wx_buf_add(struct wx_buf *b, const void *s, size_t n)
{
	buf_grow(b, n);
	if (n)
		memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

void
wx_buf_adds(struct wx_buf *b, const char *s)
{
	wx_buf_add(b, s, strlen(s));
}

void
wx_buf_addc(struct wx_buf *b, char c)
{
	wx_buf_add(b, &c, 1);
}

void
wx_buf_addf(struct wx_buf *b, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	buf_vaddf(b, fmt, ap);
	va_end(ap);
}

char *
wx_asprintf(const char *fmt, ...)
{
	struct wx_buf b = {0};
	va_list ap;

	wx_buf_add(&b, "", 0);
	va_start(ap, fmt);
	buf_vaddf(&b, fmt, ap);
	va_end(ap);
	return b.p;
}

void
wx_buf_reset(struct wx_buf *b)
{
	b->len = 0;
	if (b->p)
		b->p[0] = '\0';
}

void
wx_buf_free(struct wx_buf *b)
{
	free(b->p);
	b->p = NULL;
	b->len = b->cap = 0;
}

int
wx_read_stream(FILE *f, size_t max, struct wx_buf *out)
{
	char chunk[65536];
	size_t n;

	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
		if (out->len + n > max) {
			errno = EFBIG;
			return -1;
		}
		wx_buf_add(out, chunk, n);
	}
	if (ferror(f))
		return -1;
	if (!out->p)
		wx_buf_add(out, "", 0);
	return 0;
}

int
wx_read_fd(int fd, size_t max, struct wx_buf *out)
{
	FILE *f;
	int rc, saved;

	if (fd < 0)
		return -1;
	if (!(f = fdopen(fd, "rb"))) {
		saved = errno;
		close(fd);
		errno = saved;
		return -1;
	}
	rc = wx_read_stream(f, max, out);
	saved = errno;
	fclose(f);
	errno = saved;
	return rc;
}

int
wx_read_file(const char *path, size_t max, struct wx_buf *out)
{
	return wx_read_fd(open(path, O_RDONLY | O_CLOEXEC), max, out);
}

int
wx_parse_u64(const char *s, size_t n, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;
	size_t i;

	if (n == 0)
		return -1;
	for (i = 0; i < n; i++) {
		uint64_t d = (uint64_t)(s[i] - '0');

		if (s[i] < '0' || s[i] > '9' || v > (max - d) / 10)
			return -1;
		v = v * 10 + d;
	}
	*out = v;
	return 0;
}

static int
base64_value(char c)
{
	static const char set[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	const char *p = c ? strchr(set, c) : NULL;

	return p ? (int)(p - set) : -1;
}

int
wx_base64_decode(const char *s, size_t n, struct wx_buf *out)
{
	unsigned acc = 0;
	int bits = 0, v;
	size_t i;

	while (n > 0 && s[n - 1] == '=')
		n--;
	for (i = 0; i < n; i++) {
		if ((v = base64_value(s[i])) < 0)
			return -1;
		acc = (acc << 6) | (unsigned)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			wx_buf_addc(out, (char)((acc >> bits) & 0xff));
		}
	}
	/* Six bits left over: a lone character, no whole byte in it. */
	return bits >= 6 ? -1 : 0;
}

int
wx_hexdigit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

long long
wx_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}
