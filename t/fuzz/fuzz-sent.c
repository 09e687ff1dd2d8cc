/* libFuzzer target for lib/sent.c over lib/ring.c: any bytes as
 * DIR/sent.  Every MsgID-like run of digits in the input is looked up:
 * a send found has that MsgID and NUL-terminated fields.  Then a send
 * made of the input's first bytes is added: the file is rewritten with
 * at most WX_SENT_KEEP lines, and the send is found again as it was
 * when its recipient is valid UTF-8. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "fuzz.h"

static void
find_agrees(const char *id)
{
	struct wx_sent s;

	if (wx_sent_find(fuzz_dir_path, id, &s) < 0) {
		if (errno == 0)
			abort();
		return;
	}
	if (strcmp(s.msgid, id) != 0 || !memchr(s.localid, '\0', sizeof s.localid) ||
	    !memchr(s.to, '\0', sizeof s.to))
		abort();
}

/* A send from the input (the recipient: its first bytes, to the first
 * NUL, cut to fit) is kept and found again as written. */
static void
add_finds(const char *text, size_t size)
{
	struct wx_sent m = { "8000000000000000001", "17000000000000001", "", 1 },
	               got;
	struct wx_buf out = {0};
	size_t n = size < sizeof m.to - 1 ? size : sizeof m.to - 1, lines = 0, i;

	memcpy(m.to, text, n);
	m.to[n] = '\0';
	if (wx_sent_add(fuzz_dir_path, &m) < 0)
		abort();
	/* Only valid UTF-8: the writer makes the rest U+FFFD, which may
	 * no longer fit to[] (a UserName is ASCII; wx-send refuses none). */
	if (fuzz_clean_utf8(m.to, strlen(m.to)) &&
	    (wx_sent_find(fuzz_dir_path, m.msgid, &got) < 0 ||
	     strcmp(got.to, m.to) != 0 || strcmp(got.localid, m.localid) != 0 ||
	     got.time != m.time))
		abort();  /* it comes back as it went in */
	if (wx_read_file(fuzz_file_path, 64u << 20, &out) < 0)
		abort();
	for (i = 0; i < out.len; i++)
		lines += out.p[i] == '\n';
	if (lines > WX_SENT_KEEP || (out.len && out.p[out.len - 1] != '\n'))
		abort();
	wx_buf_free(&out);
}

int
LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	const char *text = (const char *)data;

	fuzz_file("sent");
	if (wx_write_atomic(fuzz_file_path, text, size, 0600) < 0)
		abort();
	fuzz_digit_runs(text, size, find_agrees);
	add_finds(text, size);
	return 0;
}
