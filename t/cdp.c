/* cdp — headless Chromium driven over the DevTools protocol on a pipe,
 * for t/92-emu-phone.bats, without node: --remote-debugging-pipe reads
 * NUL-terminated JSON messages on its fd 3 and writes its own on fd 4.
 *
 *   cdp -d PROFILEDIR [-s SHOT.png] URL [CHROMIUM-OPTION...]
 *
 * Starts Chromium with the options given after URL, opens URL in a tab,
 * then evaluates the JavaScript expressions of standard input, one a
 * line, in the page (a promise is awaited) and prints each value on a
 * line of its own: a string as it is (control characters escaped),
 * anything else as JSON, an expression that threw as "!" and the
 * exception.  What
 * goes wrong in the page — an exception, a console or log error (a CSP
 * violation, a failed load), a dialog, which is dismissed — goes to
 * standard error as it comes.  At the end of the input: the screenshot
 * of the page, if asked for.  Exit 0; 1 when something went wrong in the
 * page or an expression threw; 77 when Chromium did not start or did not
 * answer (the test skips then).  $CHROMIUM names the browser. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "wx.h"

#define START_MS 20000          /* Chromium's first answer, page load */
#define EVAL_MS 30000           /* one expression */

static int to_fd = -1, from_fd = -1;    /* Chromium's fd 3 and fd 4 */
static pid_t child;
static struct wx_buf in;                /* bytes read, not yet a message */
static long next_id;
static char session[64];                /* the tab's sessionId */
static int bad;                         /* what went wrong in the page */

static void
die(int code, const char *what)
{
	fprintf(stderr, "cdp: %s\n", what);
	if (child > 0)
		kill(child, SIGKILL);
	exit(code);
}

/* fd at 10 or above, so that dup2 onto 3 and 4 cannot clobber it (in
 * the child). */
static int
high(int fd)
{
	int h = fcntl(fd, F_DUPFD_CLOEXEC, 10);

	if (h < 0)
		_exit(127);
	return h;
}

static const char *const FLAGS[] = { "--headless=new",
	"--remote-debugging-pipe", "--no-first-run",
	"--no-default-browser-check", "--disable-gpu", "--disable-extensions",
	"--disable-background-networking", "--disable-sync",
	"--disable-component-update", "--mute-audio", "--window-size=1200,800",
};

/* Chromium with FLAGS, the profile directory and the options more. */
static void
start(const char *profile, char **more, int nmore)
{
	const char *bin = getenv("CHROMIUM");
	char *dir = wx_asprintf("--user-data-dir=%s", profile);
	char *log = wx_asprintf("%s/chromium.log", profile);
	const char **argv = wx_calloc(sizeof FLAGS / sizeof *FLAGS + (size_t)nmore
	                              + 5, sizeof *argv);
	size_t n = 0, i;
	int to[2], from[2];

	argv[n++] = bin && *bin ? bin : "chromium";
	for (i = 0; i < sizeof FLAGS / sizeof *FLAGS; i++)
		argv[n++] = FLAGS[i];
	argv[n++] = dir;
	/* The sandbox will not run as root (a CI container). */
	if (geteuid() == 0)
		argv[n++] = "--no-sandbox";
	for (i = 0; i < (size_t)nmore; i++)
		argv[n++] = more[i];
	argv[n++] = "about:blank";

	if (pipe2(to, O_CLOEXEC) < 0 || pipe2(from, O_CLOEXEC) < 0)
		die(77, "pipe failed");
	if ((child = fork()) < 0)
		die(77, "fork failed");
	if (child == 0) {
		int r = high(to[0]), w = high(from[1]);
		int out = open(log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
		int nul = open("/dev/null", O_RDONLY | O_CLOEXEC);
		if (out < 0 || nul < 0 || dup2(nul, 0) < 0 || dup2(out, 1) < 0 ||
		    dup2(out, 2) < 0 || dup2(r, 3) < 0 || dup2(w, 4) < 0)
			_exit(127);
		execvp(argv[0], (char **)argv);
		_exit(127);
	}
	close(to[0]);
	close(from[1]);
	to_fd = to[1];
	from_fd = from[0];
	free(argv);
	free(dir);
	free(log);
}

/* Send method with params (a JSON object), on the tab when tab is set;
 * its id. */
static long
send_msg(const char *method, const char *params, int tab)
{
	struct wx_buf b = {0};
	size_t off = 0;

	wx_buf_addf(&b, "{\"id\":%ld,\"method\":\"%s\",\"params\":%s", ++next_id,
	            method, params);
	if (tab)
		wx_buf_addf(&b, ",\"sessionId\":\"%s\"", session);
	wx_buf_add(&b, "}", 2);         /* with the NUL that ends a message */
	while (off < b.len) {
		ssize_t n = write(to_fd, b.p + off, b.len - off);
		if (n < 0 && errno != EINTR)
			die(77, "Chromium's pipe is closed");
		off += n > 0 ? (size_t)n : 0;
	}
	wx_buf_free(&b);
	return next_id;
}

/* Read until a whole message is in; its end (the NUL), or NULL once
 * deadline (ms) has passed. */
static char *
fill(long long deadline)
{
	char chunk[65536], *nul;

	while (!(nul = in.len ? memchr(in.p, '\0', in.len) : NULL)) {
		struct pollfd p = { from_fd, POLLIN, 0 };
		long long left = deadline - wx_now_ms();
		ssize_t n;
		if (left <= 0 || poll(&p, 1, (int)left) == 0)
			return NULL;
		if ((n = read(from_fd, chunk, sizeof chunk)) <= 0) {
			if (n < 0 && errno == EINTR)
				continue;
			die(77, "Chromium closed its pipe");
		}
		wx_buf_add(&in, chunk, (size_t)n);
	}
	return nul;
}

/* The next message, parsed, or NULL once deadline (ms) has passed. */
static struct wx_json *
read_msg(long long deadline)
{
	char err[128], *nul = fill(deadline);
	struct wx_json *j;
	size_t len;

	if (!nul)
		return NULL;
	len = (size_t)(nul - in.p);
	if (!(j = wx_json_parse(in.p, len, err, sizeof err)))
		die(1, "a message from Chromium is not JSON");
	memmove(in.p, nul + 1, in.len - len - 1);
	in.len -= len + 1;
	return j;
}

/* Print the string at path of event j as something that went wrong,
 * and the URL it names, if any. */
static void
trouble(const char *kind, const struct wx_json *j, const char *path)
{
	char *s = wx_json_getstr(j, 0, path);
	char *url = wx_json_getstr(j, 0, "params.entry.url");
	char *safe = wx_safez(s ? s : "(no text)"), *safeurl = wx_safez(url);

	fprintf(stderr, "cdp: %s: %s%s%s\n", kind, safe, url ? " " : "",
	        safeurl);
	free(safe);
	free(safeurl);
	free(url);
	free(s);
	bad = 1;
}

/* An event: note what goes wrong in the page, dismiss dialogs. */
static void
event(const struct wx_json *j, int *loaded)
{
	char *m = wx_json_getstr(j, 0, "method");
	char *level = NULL;

	if (!m)
		return;
	if (strcmp(m, "Page.loadEventFired") == 0) {
		*loaded = 1;
	} else if (strcmp(m, "Runtime.exceptionThrown") == 0) {
		trouble("exception", j, "params.exceptionDetails.exception.description");
	} else if (strcmp(m, "Runtime.consoleAPICalled") == 0) {
		level = wx_json_getstr(j, 0, "params.type");
		if (level && (strcmp(level, "error") == 0 ||
		    strcmp(level, "assert") == 0))
			trouble("console", j, "params.args.0.value");
	} else if (strcmp(m, "Log.entryAdded") == 0) {
		level = wx_json_getstr(j, 0, "params.entry.level");
		if (level && strcmp(level, "error") == 0)
			trouble("log", j, "params.entry.text");
	} else if (strcmp(m, "Page.javascriptDialogOpening") == 0) {
		trouble("dialog", j, "params.message");
		send_msg("Page.handleJavaScriptDialog", "{\"accept\":false}", 1);
	}
	free(level);
	free(m);
}

/* The answer to call id, events handled meanwhile; dies at the deadline
 * with code. */
static struct wx_json *
answer(long id, long long deadline, int code, int *loaded)
{
	struct wx_json *j;
	long long got;

	while ((j = read_msg(deadline)) != NULL) {
		if (wx_json_int(j, wx_json_get(j, 0, "id"), &got) == 0 &&
		    got == id) {
			if (wx_json_get(j, 0, "error") >= 0)
				die(code, "Chromium refused a call");
			return j;
		}
		event(j, loaded);
		wx_json_free(j);
	}
	die(code, "no answer from Chromium in time");
	return NULL;
}

/* Call method and wait for its answer (events handled meanwhile). */
static struct wx_json *
call(const char *method, const char *params, int tab, long long ms, int code)
{
	int loaded = 0;

	return answer(send_msg(method, params, tab), wx_now_ms() + ms, code,
	              &loaded);
}

/* The result's string member path, copied to out. */
static void
result_str(const struct wx_json *j, const char *path, char *out, size_t n)
{
	char *s = wx_json_getstr(j, 0, path);

	if (!s || strlen(s) >= n)
		die(77, "Chromium's answer lacks an id");
	snprintf(out, n, "%s", s);
	free(s);
}

/* A tab of our own, its events on, showing url once loaded. */
static void
open_tab(const char *url)
{
	static const char *const ON[] = { "Runtime.enable", "Log.enable",
	                                  "Page.enable" };
	struct wx_buf p = {0};
	struct wx_json *j;
	char target[64];
	long long deadline = wx_now_ms() + START_MS;
	int loaded = 0;
	size_t i;

	j = call("Target.createTarget", "{\"url\":\"about:blank\"}", 0,
	         START_MS, 77);
	result_str(j, "result.targetId", target, sizeof target);
	wx_json_free(j);
	wx_buf_addf(&p, "{\"targetId\":\"%s\",\"flatten\":true}", target);
	j = call("Target.attachToTarget", p.p, 0, START_MS, 77);
	result_str(j, "result.sessionId", session, sizeof session);
	wx_json_free(j);
	for (i = 0; i < sizeof ON / sizeof *ON; i++)
		wx_json_free(call(ON[i], "{}", 1, START_MS, 77));
	wx_buf_reset(&p);
	wx_buf_adds(&p, "{\"url\":");
	wx_json_put_strz(&p, url);
	wx_buf_addc(&p, '}');
	wx_json_free(answer(send_msg("Page.navigate", p.p, 1), deadline, 1,
	                    &loaded));
	while (!loaded) {
		if (!(j = read_msg(deadline)))
			die(1, "the page did not load in time");
		event(j, &loaded);
		wx_json_free(j);
	}
	wx_buf_free(&p);
}

/* prefix and s on one line, its control characters escaped. */
static void
put_line(const char *prefix, const char *s)
{
	char *safe = wx_safez(s);

	printf("%s%s\n", prefix, safe);
	free(safe);
}

/* Evaluate one expression; print its value on one line. */
static void
evaluate(const char *expr)
{
	struct wx_buf p = {0};
	struct wx_json *j;
	int v;
	char *s;

	wx_buf_adds(&p, "{\"expression\":");
	wx_json_put_strz(&p, expr);
	wx_buf_adds(&p, ",\"awaitPromise\":true,\"returnByValue\":true}");
	j = call("Runtime.evaluate", p.p, 1, EVAL_MS, 1);
	if (wx_json_get(j, 0, "result.exceptionDetails") >= 0) {
		s = wx_json_getstr(j, 0, "result.exceptionDetails.exception.description");
		if (!s)
			s = wx_json_getstr(j, 0, "result.exceptionDetails.text");
		fprintf(stderr, "cdp: %s: threw\n", expr);
		bad = 1;
		put_line("!", s);
	} else if ((v = wx_json_get(j, 0, "result.result.value")) < 0) {
		s = NULL;
		printf("undefined\n");
	} else if (wx_json_type(j, v) == WX_JSON_STRING) {
		s = wx_json_str(j, v);
		put_line("", s);
	} else {
		size_t n;
		const char *raw = wx_json_raw(j, v, &n);
		s = NULL;
		printf("%.*s\n", (int)n, raw);
	}
	fflush(stdout);
	free(s);
	wx_json_free(j);
	wx_buf_free(&p);
}

static void
screenshot(const char *path)
{
	struct wx_json *j = call("Page.captureScreenshot", "{\"format\":\"png\"}",
	                         1, EVAL_MS, 1);
	int tok = wx_json_get(j, 0, "result.data");
	struct wx_buf png = {0};
	const char *b64;
	size_t n;

	if (tok < 0 || !(b64 = wx_json_raw(j, tok, &n)) ||
	    wx_base64_decode(b64, n, &png) < 0 ||
	    wx_write_atomic(path, png.p, png.len, 0644) < 0)
		die(1, "no screenshot");
	wx_buf_free(&png);
	wx_json_free(j);
}

static void
stop(void)
{
	int i;

	send_msg("Browser.close", "{}", 0);
	close(to_fd);
	for (i = 0; i < 100 && waitpid(child, NULL, WNOHANG) == 0; i++)
		usleep(50000);
	if (i == 100) {
		kill(child, SIGKILL);
		waitpid(child, NULL, 0);
	}
}

static void
usage(void)
{
	fputs("usage: cdp -d profiledir [-s shot.png] url [chromium-option ...]\n",
	      stderr);
	exit(100);
}

int
main(int argc, char **argv)
{
	const char *profile = NULL, *shot = NULL;
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	int c;

	while ((c = getopt(argc, argv, "+d:s:")) != -1)
		switch (c) {
		case 'd': profile = optarg; break;
		case 's': shot = optarg; break;
		default: usage();
		}
	if (!profile || optind >= argc)
		usage();
	signal(SIGPIPE, SIG_IGN);
	start(profile, argv + optind + 1, argc - optind - 1);
	open_tab(argv[optind]);
	while ((n = getline(&line, &cap, stdin)) > 0) {
		if (line[n - 1] == '\n')
			line[n - 1] = '\0';
		if (*line)
			evaluate(line);
	}
	free(line);
	/* A last round trip, so that what the page did last is heard. */
	wx_json_free(call("Runtime.evaluate", "{\"expression\":\"0\"}", 1,
	                  EVAL_MS, 1));
	if (shot)
		screenshot(shot);
	stop();
	wx_buf_free(&in);
	return bad;
}
