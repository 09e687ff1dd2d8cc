/* libFuzzer target for wx-emu's control API: the body of POST
 * /_emu/message, as net.c hands it to control.c (parsed JSON of any
 * type, or none for an empty body), goes to emu_inject in a small
 * generated world.  It never crashes, and it answers either a new MsgId
 * or a reason (one line, for the 400 answer), never both nor neither.
 * The handlers around it (net.c, control.c) need libmicrohttpd: the
 * net.c functions the other wx-emu files call are stubs here that
 * abort, for no path from emu_inject reaches them.
 * fuzz-sources: cmd/wx-emu/inject.c cmd/wx-emu/world.c cmd/wx-emu/session.c cmd/wx-emu/download.c cmd/wx-emu/upload.c cmd/wx-emu/load.c cmd/wx-emu/jw.c cmd/wx-emu/multipart.c cmd/wx-emu/auth.c cmd/wx-emu/fh.c cmd/wx-emu/sync.c */
#include <stdlib.h>

#include "fuzz.h"
#include "emu.h"

/* main.c's defaults, with a smaller world (faster to search). */
struct emu_opts emu_opt = {
	.web = "wx2.qq.com",
	.contacts = 8,
	.groups = 2,
	.members = 4,
	.hold_ns = 0,
	.seed = 1,
	.maxconn = 256,
};

/* net.c (and login.c's JPEG), never called on the way of an inject. */
const char *emu_arg(const struct emu_req *r, const char *n) { (void)r; (void)n; abort(); }
const char *emu_header(const struct emu_req *r, const char *n) { (void)r; (void)n; abort(); }
const char *emu_cookie(const struct emu_req *r, const char *n) { (void)r; (void)n; abort(); }
int emu_fault_ret(const struct emu_req *r) { (void)r; abort(); }
int emu_fault_selector(const struct emu_req *r) { (void)r; abort(); }
void emu_http_date(time_t t, char out[40]) { (void)t; (void)out; abort(); }
void emu_imf_date(time_t t, char out[40]) { (void)t; (void)out; abort(); }
void emu_qr_jpeg(const struct wx_qr *q, struct wx_buf *b) { (void)q; (void)b; abort(); }
void emu_resp_header(struct emu_resp *w, const char *n, const char *f, ...)
{ (void)w; (void)n; (void)f; abort(); }
void emu_resp_js(struct emu_resp *w) { (void)w; abort(); }
void emu_resp_json(struct emu_resp *w) { (void)w; abort(); }
void emu_set_cookie(struct emu_resp *w, const char *n, const char *v,
                    const char *d, long l)
{ (void)w; (void)n; (void)v; (void)d; (void)l; abort(); }

int LLVMFuzzerInitialize(int *argc, char ***argv);

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	emu_world_init();
	return 0;
}

int
LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	struct wx_json *j = NULL;
	const char *err = NULL;
	uint64_t id;

	if (size && !(j = wx_json_parse((const char *)data, size, NULL, 0)))
		return 0;  /* control.c answers "body is not JSON" itself */
	emu_lock();
	id = emu_inject(j, &err);
	emu_unlock();
	if (id ? err != NULL : !err || !*err || err[strlen(err) - 1] != '\n')
		abort();
	wx_json_free(j);
	return 0;
}
