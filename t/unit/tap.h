/* tap.h — minimal TAP producer for the C unit tests of lib/.
 * ok(cond, name), is_str(got, want, name), is_int(got, want, name); main()
 * ends with `return tap_done();` which prints the plan.  What a call
 * prints on stderr is caught between tap_stderr_begin and _end. */
#ifndef TAP_H
#define TAP_H
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "wx.h"

struct tap_stderr {
	char path[40];
	int saved;  /* the real stderr */
};

/* From here on stderr goes to a temporary file. */
static inline void
tap_stderr_begin(struct tap_stderr *c)
{
	int fd;

	snprintf(c->path, sizeof c->path, "/tmp/wx-test-err-XXXXXX");
	fd = mkstemp(c->path);
	fflush(stderr);
	c->saved = dup(2);
	dup2(fd, 2);
	close(fd);
}

/* stderr back; what was written meanwhile replaces msg. */
static inline void
tap_stderr_end(struct tap_stderr *c, struct wx_buf *msg)
{
	fflush(stderr);
	dup2(c->saved, 2);
	close(c->saved);
	wx_buf_reset(msg);
	wx_read_file(c->path, 4096, msg);
	if (!msg->p)
		wx_buf_add(msg, "", 0);
	unlink(c->path);
}

static int tap_n, tap_fail;

static int
tap_ok(int cond, const char *file, int line, const char *name)
{
	tap_n++;
	printf("%sok %d - %s\n", cond ? "" : "not ", tap_n, name);
	if (!cond) {
		tap_fail++;
		printf("#   failed at %s:%d\n", file, line);
	}
	fflush(stdout);
	return cond;
}

#define ok(c, name) tap_ok(!!(c), __FILE__, __LINE__, name)
#define is_str(got, want, name) do { \
	const char *g_ = (got), *w_ = (want); \
	if (!tap_ok(g_ && w_ ? strcmp(g_, w_) == 0 : g_ == w_, \
	    __FILE__, __LINE__, name)) \
		printf("#   got:  '%s'\n#   want: '%s'\n", g_ ? g_ : "(null)", \
		       w_ ? w_ : "(null)"); \
} while (0)
#define is_int(got, want, name) do { \
	long long g_ = (got), w_ = (want); \
	if (!tap_ok(g_ == w_, __FILE__, __LINE__, name)) \
		printf("#   got:  %lld\n#   want: %lld\n", g_, w_); \
} while (0)

/* A sample file parsed (its text kept in *text); NULL, said in a TAP
 * comment, when it cannot be read or parsed. */
static inline struct wx_json *
tap_json_file(const char *path, struct wx_buf *text)
{
	char err[128] = "";
	struct wx_json *j;

	if (wx_read_file(path, 1 << 24, text) < 0) {
		printf("# cannot read %s\n", path);
		return NULL;
	}
	j = wx_json_parse(text->p, text->len, err, sizeof err);
	if (!j)
		printf("# %s: %s\n", path, err);
	return j;
}

static int
tap_done(void)
{
	printf("1..%d\n", tap_n);
	return tap_fail ? 1 : 0;
}
#endif
