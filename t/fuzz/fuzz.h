/* fuzz.h — helpers shared by the t/fuzz/fuzz-*.c targets. */
#ifndef FUZZ_H
#define FUZZ_H
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "wx.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

/* n bytes of well-formed UTF-8 without NUL: a string every reader in lib/
 * must hand back unchanged. */
static inline int
fuzz_clean_utf8(const char *s, size_t n)
{
	uint32_t cp;
	size_t i = 0;
	int len;

	if (memchr(s, '\0', n))
		return 0;
	while (i < n) {
		if ((len = wx_utf8_get(s + i, n - i, &cp)) < 0)
			return 0;
		i += (size_t)len;
	}
	return 1;
}

/* b must be one line ending LF that parses as one JSON object (else
 * abort: a finding); the parsed line, for the caller's own checks. */
static inline struct wx_json *
fuzz_object_line(const struct wx_buf *b)
{
	char err[128];
	struct wx_json *j;

	if (b->len == 0 || b->p[b->len - 1] != '\n' ||
	    memchr(b->p, '\n', b->len - 1))
		abort();  /* one line, ending in LF */
	j = wx_json_parse(b->p, b->len - 1, err, sizeof err);
	if (!j || wx_json_type(j, 0) != WX_JSON_OBJECT)
		abort();  /* what it writes is JSON, and an object */
	return j;
}

/* Send what lib/ warns (wx_warn writes to the variable stderr) nowhere:
 * thousands of lines a second would slow the run.  fd 2 stays, so the
 * sanitizers' and libFuzzer's own reports still arrive. */
static inline void
fuzz_quiet(void)
{
	static FILE *null;

	if (!null && !(null = fopen("/dev/null", "w")))
		abort();
	stderr = null;
}
/* A directory of the target's own for the files it writes, on tmpfs
 * when there is one (fsync there costs nothing), removed at exit with
 * the file DIR/name; the file's path.  Made on the first call. */
static char *fuzz_dir_path, *fuzz_file_path;

static inline void
fuzz_dir_cleanup(void)
{
	unlink(fuzz_file_path);
	rmdir(fuzz_dir_path);
}

static inline const char *
fuzz_file(const char *name)
{
	static char shm[] = "/dev/shm/wx-fuzz-XXXXXX", tmp[] = "/tmp/wx-fuzz-XXXXXX";

	if (!fuzz_file_path) {
		if (!(fuzz_dir_path = mkdtemp(shm)) && !(fuzz_dir_path = mkdtemp(tmp)))
			abort();
		fuzz_file_path = wx_asprintf("%s/%s", fuzz_dir_path, name);
		atexit(fuzz_dir_cleanup);
	}
	return fuzz_file_path;
}

/* find(id) for the first 16 runs of digits of text (up to 20 each). */
static inline void
fuzz_digit_runs(const char *text, size_t size, void (*find)(const char *))
{
	char id[24];
	size_t i = 0, k, runs = 0;

	while (i < size && runs < 16) {
		for (k = 0; i + k < size && k < 20 && text[i + k] >= '0' &&
		     text[i + k] <= '9'; k++)
			;
		if (k) {
			memcpy(id, text + i, k);
			id[k] = '\0';
			find(id);
			runs++;
			i += k;
		} else {
			i++;
		}
	}
}

#endif
