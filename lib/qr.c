/* qr.c — the login QR: libqrencode makes the modules, this file turns
 * them into a PNG (libpng, written into memory) or an SVG document.  Both
 * carry the 4-module quiet zone that scanners need, black on white. */
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>

#include <png.h>
#include <qrencode.h>

#include "wx.h"

#define SVG_SCALE 8   /* default pixels per module in the SVG's size */

int
wx_qr_encode(const char *text, struct wx_qr *qr)
{
	/* Level M: the level the official page uses for its login code;
	 * 8-bit, case-sensitive, so the URL stays byte for byte. */
	QRcode *c = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
	size_t i, n;

	qr->width = 0;
	qr->dark = NULL;
	if (!c)
		return -1;
	n = (size_t)c->width * (size_t)c->width;
	qr->width = c->width;
	qr->dark = wx_malloc(n);
	for (i = 0; i < n; i++)
		qr->dark[i] = c->data[i] & 1;  /* bit 0: dark module */
	QRcode_free(c);
	return 0;
}

void
wx_qr_free(struct wx_qr *qr)
{
	free(qr->dark);
	qr->dark = NULL;
	qr->width = 0;
}

int
wx_qr_module(const struct wx_qr *qr, int x, int y)
{
	x -= WX_QR_QUIET;
	y -= WX_QR_QUIET;
	if (x < 0 || y < 0 || x >= qr->width || y >= qr->width)
		return 0;
	return qr->dark[y * qr->width + x];
}

static void
png_to_buf(png_structp png, png_bytep data, size_t n)
{
	wx_buf_add(png_get_io_ptr(png), data, n);
}

static void
png_flush_none(png_structp png)
{
	(void)png;
}

/* libpng would print; we only give up (the caller reports). */
static void
png_fail(png_structp png, png_const_charp msg)
{
	(void)msg;
	png_longjmp(png, 1);
}

static void
png_quiet(png_structp png, png_const_charp msg)
{
	(void)png;
	(void)msg;
}

/* One image row: 1 bit a pixel, MSB first, 0 black, 1 white. */
static void
fill_row(const struct wx_qr *qr, int scale, int y, unsigned char *row,
         size_t rowlen)
{
	int side = (qr->width + 2 * WX_QR_QUIET) * scale, px;

	memset(row, 0xff, rowlen);
	for (px = 0; px < side; px++)
		if (wx_qr_module(qr, px / scale, y / scale))
			row[px / 8] &= (unsigned char)~(0x80u >> (px % 8));
}

int
wx_qr_png(const struct wx_qr *qr, int scale, struct wx_buf *b)
{
	png_structp png;
	png_infop info;
	unsigned char *row;
	size_t rowlen, start = b->len;
	int side, y;

	if (!qr->dark || scale < 1 || scale > 64)
		return -1;
	side = (qr->width + 2 * WX_QR_QUIET) * scale;
	rowlen = ((size_t)side + 7) / 8;
	png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, png_fail,
	                              png_quiet);
	if (!png)
		return -1;
	info = png_create_info_struct(png);
	row = wx_malloc(rowlen);
	if (!info || setjmp(png_jmpbuf(png))) {
		png_destroy_write_struct(&png, &info);
		free(row);
		b->len = start;
		return -1;
	}
	png_set_write_fn(png, b, png_to_buf, png_flush_none);
	png_set_IHDR(png, info, (png_uint_32)side, (png_uint_32)side, 1,
	             PNG_COLOR_TYPE_GRAY, PNG_INTERLACE_NONE,
	             PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
	png_write_info(png, info);
	for (y = 0; y < side; y++) {
		fill_row(qr, scale, y, row, rowlen);
		png_write_row(png, row);
	}
	png_write_end(png, NULL);
	png_destroy_write_struct(&png, &info);
	free(row);
	return 0;
}

void
wx_qr_svg(const struct wx_qr *qr, struct wx_buf *b)
{
	int side = qr->width + 2 * WX_QR_QUIET, x, y, run;

	wx_buf_addf(b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	            "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" "
	            "viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\" "
	            "shape-rendering=\"crispEdges\">\n"
	            "<rect width=\"%d\" height=\"%d\" fill=\"#fff\"/>\n"
	            "<path fill=\"#000\" d=\"",
	            side, side, side * SVG_SCALE, side * SVG_SCALE, side, side);
	/* One rectangle per horizontal run of dark modules. */
	for (y = 0; y < qr->width; y++)
		for (x = 0; x < qr->width; x += run ? run : 1) {
			for (run = 0; x + run < qr->width &&
			     qr->dark[y * qr->width + x + run]; run++)
				;
			if (run)
				wx_buf_addf(b, "M%d %dh%dv1h-%dz", x + WX_QR_QUIET,
				            y + WX_QR_QUIET, run, run);
		}
	wx_buf_adds(b, "\"/>\n</svg>\n");
}
