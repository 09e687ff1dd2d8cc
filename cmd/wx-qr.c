/* wx-qr — show the login QR code of a uuid (operand, stdin, or session).
 * Draws https://login.weixin.qq.com/l/<uuid> on the terminal, writes it as
 * a PNG or SVG file (-o), or saves the server's own image (-s).  Files are
 * written to a temp name and renamed, so a failure leaves nothing behind.
 * Reads no secrets and writes none. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "wx.h"

#define QR_URL "https://login.weixin.qq.com/l/"
#define IMAGE_URL "https://login.weixin.qq.com/qrcode/"
#define PNG_SCALE 8
#define STDIN_MAX 65536

enum style { UTF8, ANSI, ASCII };  /* in parse_style's order */

/* A line that is not key=value: '=' only as base64 padding at the end. */
static int
is_bare(const char *line)
{
	size_t n = strlen(line);

	while (n > 0 && line[n - 1] == '=')
		n--;
	return n > 0 && !memchr(line, '=', n);
}

/* The uuid in wx-uuid's output: a "uuid=…" line, or a bare line.  NULL
 * when stdin holds nothing at all; dies when it holds no uuid. */
static char *
uuid_from_stdin(void)
{
	struct wx_buf in = {0};
	char *line, *save, *uuid = NULL;

	if (wx_read_stream(stdin, STDIN_MAX, &in) < 0)
		wx_die(errno == EFBIG ? WX_EXIT_USAGE : WX_EXIT_TEMP,
		       "read stdin:");
	if (in.len == 0) {
		wx_buf_free(&in);
		return NULL;
	}
	for (line = strtok_r(in.p, "\r\n", &save); line && !uuid;
	     line = strtok_r(NULL, "\r\n", &save))
		if (strncmp(line, "uuid=", 5) == 0)
			uuid = wx_strdup(line + 5);
		else if (is_bare(line))
			uuid = wx_strdup(line);
	wx_buf_free(&in);
	if (!uuid)
		wx_die(WX_EXIT_USAGE, "stdin: no uuid= line");
	return uuid;
}

static char *
uuid_from_session(const char *dflag)
{
	char *dir = wx_session_dir(dflag), *uuid;
	struct wx_state *st = wx_session_load(dir);

	uuid = wx_strdup(wx_session_need(st, dir, "uuid", "wx-uuid"));
	wx_state_free(st);
	free(dir);
	return uuid;
}

/* Operand, else stdin (not a terminal and not empty), else the session. */
static char *
find_uuid(const char *operand, const char *dflag)
{
	char *uuid = NULL;

	if (operand)
		uuid = wx_strdup(operand);
	else if (!isatty(0))
		uuid = uuid_from_stdin();
	if (!uuid)
		uuid = uuid_from_session(dflag);
	if (!wx_uuid_sane(uuid))
		wx_die(WX_EXIT_USAGE, "bad uuid: want 8 to 32 of A-Z a-z 0-9 + / = _ -");
	return uuid;
}

/* Is the module drawn as a block?  By default the light ones are, so the
 * code reads right on a dark terminal; -i draws the dark ones. */
static int
ink(const struct wx_qr *qr, int x, int y, int invert)
{
	return wx_qr_module(qr, x, y) == invert;
}

/* Two module rows a line: upper half, lower half, both, or neither. */
static void
draw_utf8(const struct wx_qr *qr, int invert, struct wx_buf *out)
{
	static const char *const cell[4] = {" ", "\u2580", "\u2584", "\u2588"};
	int side = qr->width + 2 * WX_QR_QUIET, x, y, bottom;

	for (y = 0; y < side; y += 2) {
		for (x = 0; x < side; x++) {
			/* Past the last row the terminal's own background shows. */
			bottom = y + 1 < side ? ink(qr, x, y + 1, invert) : 0;
			wx_buf_adds(out, cell[ink(qr, x, y, invert) | bottom << 1]);
		}
		wx_buf_addc(out, '\n');
	}
}

/* One module row a line, two characters a module. */
static void
draw_cells(const struct wx_qr *qr, const char *on, const char *off,
           const char *eol, int invert, struct wx_buf *out)
{
	int side = qr->width + 2 * WX_QR_QUIET, x, y;

	for (y = 0; y < side; y++) {
		for (x = 0; x < side; x++)
			wx_buf_adds(out, ink(qr, x, y, invert) ? on : off);
		wx_buf_adds(out, eol);
	}
}

static void
draw(const struct wx_qr *qr, int style, int invert, struct wx_buf *out)
{
	switch (style) {
	case UTF8:
		draw_utf8(qr, invert, out);
		break;
	case ANSI:
		/* Explicit colours: white background for light, black for dark,
		 * whatever the terminal theme, so -i has nothing to do. */
		draw_cells(qr, "\033[40m  ", "\033[47m  ", "\033[0m\n", 1, out);
		break;
	case ASCII:
		draw_cells(qr, "##", "  ", "\n", invert, out);
		break;
	}
}

static int
ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && strcasecmp(s + n - m, suffix) == 0;
}

/* The image of the code, chosen by the file name's extension. */
static void
render_file(const struct wx_qr *qr, const char *path, struct wx_buf *out)
{
	if (ends_with(path, ".svg"))
		wx_qr_svg(qr, out);
	else if (wx_qr_png(qr, PNG_SCALE, out) != 0)
		wx_die(WX_EXIT_TEMP, "cannot make the PNG");
}

/* The code of uuid: an image for -o FILE, else text for the terminal. */
static void
make_code(const char *uuid, const char *file, int style, int invert,
          struct wx_buf *out)
{
	char *text = wx_asprintf("%s%s", QR_URL, uuid);
	struct wx_qr qr;

	if (wx_qr_encode(text, &qr) != 0)
		wx_die(WX_EXIT_TEMP, "cannot encode the QR code");
	if (file)
		render_file(&qr, file, out);
	else
		draw(&qr, style, invert, out);
	wx_qr_free(&qr);
	free(text);
}

/* -s: the server's own image (a JPEG), fetched through lib/http so
 * WX_CONNECT_TO and CURL_CA_BUNDLE apply. */
static int
download(const char *uuid, struct wx_buf *out)
{
	char *url = wx_asprintf("%s%s", IMAGE_URL, uuid);
	struct wx_http *h = wx_http_new(NULL);
	struct wx_resp r = {0};
	int rc = wx_http_get(h, url, &r);

	/* The type alone is not enough: a proxy's error page can come
	 * under the image's Content-Type (wx-emu's malformed fault, the
	 * fault matrix t/83); the server's image is a JPEG, FF D8 FF. */
	if (rc == 0 && (r.body.len < 3 || !r.content_type ||
	           strncmp(r.content_type, "image/", 6) != 0 ||
	           memcmp(r.body.p, "\xff\xd8\xff", 3) != 0)) {
		wx_warn("GET %s: the answer is not an image", url);
		rc = WX_EXIT_TEMP;
	}
	if (rc == 0)
		wx_buf_add(out, r.body.p, r.body.len);
	wx_resp_free(&r);
	wx_http_free(h);
	free(url);
	return rc;
}

/* -t NAME to a style; -1 for an unknown name. */
static int
parse_style(const char *s)
{
	static const char *const names[] = {"utf8", "ansi", "ascii"};
	int i;

	for (i = 0; i < 3; i++)
		if (strcmp(s, names[i]) == 0)
			return i;
	return -1;
}

static _Noreturn void
usage(int help)
{
	wx_usage("wx-qr [-d DIR] [-t utf8|ansi|ascii] [-i] [-o FILE] [-s] [UUID]",
	         help);
}

int
main(int argc, char *argv[])
{
	const char *dflag = NULL, *file = NULL;
	int style = UTF8, c, invert = 0, server = 0, rc = WX_EXIT_OK;
	struct wx_buf out = {0};
	char *uuid;

	wx_argv0 = "wx-qr";
	opterr = 0;  /* no unprefixed getopt message: usage() says it */
	while ((c = getopt(argc, argv, "d:t:io:shV")) != -1) {
		switch (c) {
		case 'd': dflag = optarg; break;
		case 't':
			if ((style = parse_style(optarg)) < 0)
				usage(0);
			break;
		case 'i': invert = 1; break;
		case 'o': file = optarg; break;
		case 's': server = 1; break;
		case 'h': usage(1);
		case 'V': wx_version();
		default: usage(0);
		}
	}
	if (argc - optind > 1)
		usage(0);
	if (file && !server && !ends_with(file, ".png") && !ends_with(file, ".svg"))
		wx_die(WX_EXIT_USAGE, "-o: %s: name must end in .png or .svg", file);
	if (server && !file && isatty(1))
		wx_die(WX_EXIT_USAGE, "-s: give -o FILE or redirect stdout");

	uuid = find_uuid(argv[optind], dflag);
	if (server)
		rc = download(uuid, &out);
	else
		make_code(uuid, file, style, invert, &out);
	if (rc == 0 && file) {
		if (wx_write_atomic(file, out.p, out.len, 0666) < 0)
			wx_die(wx_exit_errno(errno), "%s:", file);
	} else if (rc == 0) {
		fwrite(out.p, 1, out.len, stdout);
	}
	wx_buf_free(&out);
	free(uuid);
	return wx_fshut(stdout, "stdout", rc);
}
