/* text.c — UTF-8 coding and the decoding of message text as the server
 * renders it (protocol.md §8.4): HTML entities, <br/> and emoji spans. */
#include <stdlib.h>
#include <string.h>

#include "wx.h"

#define REPLACEMENT 0xFFFDu

static int
is_scalar(uint32_t cp)
{
	return cp <= 0x10FFFF && (cp < 0xD800 || cp > 0xDFFF);
}

int
wx_utf8_put(struct wx_buf *b, uint32_t cp)
{
	unsigned char s[4];
	int n;

	if (!is_scalar(cp))
		cp = REPLACEMENT;
	if (cp < 0x80) {
		s[0] = (unsigned char)cp;
		n = 1;
	} else if (cp < 0x800) {
		s[0] = (unsigned char)(0xC0 | cp >> 6);
		s[1] = (unsigned char)(0x80 | (cp & 0x3F));
		n = 2;
	} else if (cp < 0x10000) {
		s[0] = (unsigned char)(0xE0 | cp >> 12);
		s[1] = (unsigned char)(0x80 | (cp >> 6 & 0x3F));
		s[2] = (unsigned char)(0x80 | (cp & 0x3F));
		n = 3;
	} else {
		s[0] = (unsigned char)(0xF0 | cp >> 18);
		s[1] = (unsigned char)(0x80 | (cp >> 12 & 0x3F));
		s[2] = (unsigned char)(0x80 | (cp >> 6 & 0x3F));
		s[3] = (unsigned char)(0x80 | (cp & 0x3F));
		n = 4;
	}
	wx_buf_add(b, s, (size_t)n);
	return n;
}

int
wx_utf8_get(const char *s, size_t n, uint32_t *cp)
{
	/* Smallest code point each length may carry: anything below is an
	 * overlong form, which would let "/" or NUL hide in disguise. */
	static const uint32_t min[5] = {0, 0, 0x80, 0x800, 0x10000};
	const unsigned char *u = (const unsigned char *)s;
	uint32_t c;
	int len, i;

	if (n == 0)
		return -1;
	if (u[0] < 0x80) {
		*cp = u[0];
		return 1;
	}
	if ((u[0] & 0xE0) == 0xC0) {
		len = 2;
		c = u[0] & 0x1F;
	} else if ((u[0] & 0xF0) == 0xE0) {
		len = 3;
		c = u[0] & 0x0F;
	} else if ((u[0] & 0xF8) == 0xF0) {
		len = 4;
		c = u[0] & 0x07;
	} else {
		return -1;  /* continuation byte or 0xF8..0xFF */
	}
	if ((size_t)len > n)
		return -1;
	for (i = 1; i < len; i++) {
		if ((u[i] & 0xC0) != 0x80)
			return -1;
		c = c << 6 | (u[i] & 0x3F);
	}
	if (c < min[len] || !is_scalar(c))
		return -1;
	*cp = c;
	return len;
}
