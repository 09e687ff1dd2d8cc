/* Unit tests of lib/input.c: a command's input from stdin or the session.
 * Each case runs in a child whose stdin is a file, so wx_input sees a
 * non-terminal stdin and its dying paths can be checked by exit status. */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tap.h"
#include "wx.h"

static char dir[] = "/tmp/wx-test-input.XXXXXX";

static void
write_file(const char *path, const char *text, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);

	if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text) ||
	    fchmod(fd, mode) < 0 || close(fd) < 0)
		wx_die(111, "%s:", path);
}

/* Run wx_input(key) in a child with stdin text; its exit status, and the
 * value it found in got (exit 0 only). */
static int
run(const char *stdin_text, const char *key, char *got, size_t size)
{
	char in[256], out[256];
	struct wx_buf b = {0};
	int status;
	pid_t pid;

	snprintf(in, sizeof in, "%s/stdin", dir);
	snprintf(out, sizeof out, "%s/out", dir);
	write_file(in, stdin_text, 0600);
	unlink(out);
	fflush(stdout);
	if ((pid = fork()) == 0) {
		struct wx_state *st;
		char *v;

		if (!freopen(in, "r", stdin) || !freopen("/dev/null", "w", stderr))
			_exit(111);
		v = wx_input(dir, key, "wx-test", &st);
		write_file(out, v, 0600);
		free(v);
		wx_state_free(st);
		exit(0);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1;
	*got = '\0';
	if (WEXITSTATUS(status) == 0 && wx_read_file(out, size - 1, &b) == 0)
		snprintf(got, size, "%s", b.p);
	wx_buf_free(&b);
	return WEXITSTATUS(status);
}

int
main(void)
{
	char session[256], got[256];

	if (!mkdtemp(dir))
		wx_die(111, "mkdtemp:");
	snprintf(session, sizeof session, "%s/session", dir);
	write_file(session, "uuid=fromsession\nmode=web\n", 0600);

	is_int(run("uuid=piped==\n", "uuid", got, sizeof got), 0,
	       "stdin: exit 0");
	is_str(got, "piped==", "stdin wins over the session");
	is_int(run("# from wx-uuid\nother=1\nuuid=x\n", "uuid", got, sizeof got),
	       0, "stdin: comments and other keys");
	is_str(got, "x", "stdin: the key among others");
	is_int(run("", "uuid", got, sizeof got), 0, "empty stdin: exit 0");
	is_str(got, "fromsession", "empty stdin: the session");
	is_int(run("\n", "uuid", got, sizeof got), 100,
	       "stdin with no uuid= line: 100");
	is_int(run("not key value\n", "uuid", got, sizeof got), 100,
	       "stdin not key=value: 100");
	is_int(run("", "redirect_uri", got, sizeof got), 100,
	       "key in neither: 100");
	write_file(session, "uuid=fromsession\n", 0644);
	is_int(run("", "uuid", got, sizeof got), 100,
	       "session readable by others: 100");
	is_int(run("uuid=piped\n", "uuid", got, sizeof got), 100,
	       "a bad session is an error even when stdin has the key");

	for (const char *const *f = (const char *const[]){ "session",
	     "session.lock", "stdin", "out", NULL }; *f; f++) {
		snprintf(got, sizeof got, "%s/%s", dir, *f);
		unlink(got);
	}
	rmdir(dir);
	return tap_done();
}
