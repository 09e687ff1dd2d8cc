/* phone.c — the phone page of wx-emu(1): GET /_emu/ and the script,
 * style sheet and icon it loads, compiled in from cmd/wx-emu/phone.*
 * (embed.sh makes them C arrays); the page itself works through the
 * control API. */
#include <string.h>

#include "emu.h"

/* All the page loads is its own files, the QR and message media, and
 * all it talks to is the control API: nothing inline, nothing from
 * elsewhere, so that no name or message text can ever run as script. */
static const char CSP[] = "default-src 'none'; script-src 'self'; "
	"style-src 'self'; img-src 'self'; connect-src 'self'; "
	"base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

static const struct {
	const char *ext, *type;
} TYPES[] = {
	{ ".html", "text/html; charset=utf-8" },
	{ ".js", "text/javascript; charset=utf-8" },
	{ ".css", "text/css; charset=utf-8" },
	{ ".svg", "image/svg+xml" },
};

static const char *
type_of(const char *name)
{
	const char *dot = strrchr(name, '.');
	size_t i;

	for (i = 0; dot && i < sizeof TYPES / sizeof *TYPES; i++)
		if (strcmp(dot, TYPES[i].ext) == 0)
			return TYPES[i].type;
	return "application/octet-stream";
}

int
emu_page(const char *name, struct emu_resp *w)
{
	size_t i;

	if (!*name)
		name = "phone.html";
	for (i = 0; i < emu_nassets; i++)
		if (strcmp(name, emu_assets[i].name) == 0) {
			emu_resp_header(w, "Content-Type", "%s", type_of(name));
			emu_resp_header(w, "Content-Security-Policy", "%s", CSP);
			emu_resp_header(w, "X-Content-Type-Options", "nosniff");
			emu_resp_header(w, "Cache-Control", "no-store");
			wx_buf_add(&w->body, (const char *)emu_assets[i].data,
			           emu_assets[i].len);
			return 0;
		}
	return -1;
}
