/* Unit tests of lib/md5.c: the test suite of RFC 1321, appendix A.5. */
#include <string.h>

#include "tap.h"
#include "wx.h"

static void
test_rfc1321(void)
{
	static const struct {
		const char *in, *want;
	} t[] = {
		{ "", "d41d8cd98f00b204e9800998ecf8427e" },
		{ "a", "0cc175b9c0f1b6a831c399e269772661" },
		{ "abc", "900150983cd24fb0d6963f7d28e17f72" },
		{ "message digest", "f96b697d7cb7938d525a2f31aaf161d0" },
		{ "abcdefghijklmnopqrstuvwxyz", "c3fcd3d76192e4007dfb496cca67e13b" },
		{ "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
		  "d174ab98d277d9f5a5611c2c9f419d9f" },
		{ "1234567890123456789012345678901234567890123456789012345678901234"
		  "5678901234567890", "57edf4a22be3c955ac49da2e2107b67a" },
	};
	char got[33];
	size_t i;

	for (i = 0; i < sizeof t / sizeof *t; i++) {
		wx_md5_hex(t[i].in, strlen(t[i].in), got);
		is_str(got, t[i].want, t[i].in[0] ? t[i].in : "(empty)");
	}
}

/* Lengths around the padding edges: 55 bytes pad in one block, 56 need
 * two, 64 is a whole block.  Digests from md5sum(1). */
static void
test_block_edges(void)
{
	static const struct {
		size_t n;
		const char *want;
	} t[] = {
		{ 55, "ef1772b6dff9a122358552954ad0df65" },
		{ 56, "3b0c8ac703f828b04c6c197006d17218" },
		{ 63, "b06521f39153d618550606be297466d5" },
		{ 64, "014842d480b571495a4a0363793f7367" },
		{ 65, "c743a45e0d2e6a95cb859adae0248435" },
	};
	char in[65], got[33], name[32];
	size_t i;

	memset(in, 'a', sizeof in);
	for (i = 0; i < sizeof t / sizeof *t; i++) {
		wx_md5_hex(in, t[i].n, got);
		snprintf(name, sizeof name, "%zu x 'a'", t[i].n);
		is_str(got, t[i].want, name);
	}
}

int
main(void)
{
	test_rfc1321();
	test_block_edges();
	return tap_done();
}
