/* Unit tests of lib/state.c: the key=value format, loading rules, atomic
 * commits under kill -9, the flock between concurrent writers, and the
 * session-directory helpers. */
#include <errno.h>
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "tap.h"
#include "wx.h"

static char tmpdir[256];

static char *
tpath(const char *name)
{
	return wx_asprintf("%s/%s", tmpdir, name);
}

static void
put_file(const char *path, const char *text, size_t len, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);

	if (fd < 0 || write(fd, text, len) != (ssize_t)len || fchmod(fd, mode))
		wx_die(111, "%s:", path);
	close(fd);
}

static char *
slurp(const char *path)
{
	struct wx_buf b = {0};

	if (wx_read_file(path, 64 << 20, &b) < 0)
		return NULL;
	return b.p;
}

/* Parse text, format it again, return the result (NULL on a parse error). */
static char *
reformat(const char *text, char *err, size_t errlen)
{
	struct wx_state *st = wx_state_parse(text, strlen(text), err, errlen);
	struct wx_buf b = {0};

	if (!st)
		return NULL;
	wx_state_format(st, &b);
	wx_state_free(st);
	return b.p;
}

static void
parse_error(const char *text, size_t len, const char *want, const char *name)
{
	char err[128] = "";
	struct wx_state *st = wx_state_parse(text, len, err, sizeof err);

	ok(st == NULL, name);
	is_str(err, want, name);
	wx_state_free(st);
}

static void
test_parse(void)
{
	const char *text = "# wx session\nuuid=4dcaWx3uBw==\n\nempty=\n"
	                   "url=https://x/?a=1&b=2 c\n_under_1=x\n  \t\n";
	char err[128];
	struct wx_state *st = wx_state_parse(text, strlen(text), err, sizeof err);
	char *out;

	ok(st != NULL, "parse: valid text");
	is_str(wx_state_get(st, "uuid"), "4dcaWx3uBw==", "parse: '=' in value");
	is_str(wx_state_get(st, "empty"), "", "parse: empty value");
	is_str(wx_state_get(st, "url"), "https://x/?a=1&b=2 c",
	       "parse: value runs to end of line, spaces kept");
	is_str(wx_state_get(st, "_under_1"), "x", "parse: key with _ and digit");
	ok(wx_state_get(st, "missing") == NULL, "parse: absent key is NULL");
	wx_state_free(st);

	out = reformat(text, err, sizeof err);
	is_str(out, text, "format: round trip keeps comments and blank lines");
	free(out);
	out = reformat("a=1\n# c", err, sizeof err);
	is_str(out, "a=1\n# c\n", "parse: no final newline is fine");
	free(out);
	out = reformat("", err, sizeof err);
	is_str(out, "", "parse: empty text is an empty state");
	free(out);
	out = reformat("a=1\na=2\n", err, sizeof err);
	is_str(out, "a=1\na=2\n", "parse: repeated key kept as is");
	free(out);

	parse_error("a=1\nB=2\n", 8, "line 2: bad key", "error: upper-case key");
	parse_error("a=1\n\n\nnoequals\n", 15,
	            "line 4: no '=' (expected key=value)", "error: no '='");
	parse_error("1a=x", 4, "line 1: bad key", "error: key starts with digit");
	parse_error("=x", 2, "line 1: bad key", "error: empty key");
	parse_error("a b=x", 5, "line 1: bad key", "error: space in key");
	parse_error(" # c", 4, "line 1: no '=' (expected key=value)",
	            "error: indented comment is not a comment");
	parse_error("a=1\r\nb=2\r\n", 10, "line 1: carriage return",
	            "error: CRLF file");
	parse_error("a=1\nb=x\0y\n", 10, "line 2: NUL byte", "error: NUL");
	parse_error("a=1\n#\r\n", 7, "line 2: carriage return",
	            "error: CR in a comment");
}

static void
test_set(void)
{
	const char *text = "# head\nuuid=u1\nfuture_key=kept\n# mid\nskey=s\n";
	struct wx_state *st = wx_state_parse(text, strlen(text), NULL, 0);
	struct wx_buf b = {0}, big = {0};
	char err[64];
	int i;

	is_int(wx_state_set(st, "uuid", "u2"), 0, "set: replace");
	is_int(wx_state_set(st, "skey", NULL), 0, "set: delete");
	is_int(wx_state_set(st, "mode", "web"), 0, "set: new key");
	ok(wx_state_get(st, "skey") == NULL, "set: deleted key reads NULL");
	wx_state_format(st, &b);
	is_str(b.p, "# head\nuuid=u2\nfuture_key=kept\n# mid\nmode=web\n",
	       "set: in place, deleted line gone, new key appended");
	wx_buf_reset(&b);
	is_int(wx_state_set(st, "skey", "again"), 0, "set: after delete");
	is_str(wx_state_get(st, "skey"), "again", "set: after delete reads");

	is_int(wx_state_set(st, "a", "x\ny"), -1, "set: LF refused");
	is_int(wx_state_set(st, "a", "x\r"), -1, "set: CR refused");
	is_int(wx_state_setn(st, "a", "x\0y", 3), -1, "set: NUL refused");
	is_int(wx_state_set(st, "A", "x"), -1, "set: bad key refused");
	is_int(wx_state_set(st, "", "x"), -1, "set: empty key refused");
	is_int(wx_state_set(st, "a-b", "x"), -1, "set: '-' in key refused");
	ok(wx_state_get(st, "a") == NULL, "set: refused value not stored");
	is_int(wx_state_setn(st, "n", "abc", 2), 0, "setn: length honoured");
	is_str(wx_state_get(st, "n"), "ab", "setn: value");
	is_int(wx_state_set(st, "e", ""), 0, "set: empty value");
	is_str(wx_state_get(st, "e"), "", "set: empty value reads empty");
	wx_state_free(st);

	st = wx_state_parse("a=1\nb=2\na=3\n", 12, err, sizeof err);
	is_str(wx_state_get(st, "a"), "3", "repeat: the last one counts");
	wx_state_set(st, "a", "4");
	wx_state_format(st, &b);
	is_str(b.p, "b=2\na=4\n", "repeat: set drops the earlier ones");
	wx_buf_reset(&b);
	wx_state_free(st);

	for (i = 0; i < WX_VALUE_MAX; i++)
		wx_buf_addc(&big, (char)('!' + i % 90));
	st = wx_state_new();
	is_int(wx_state_set(st, "big", big.p), 0, "long value: set 4 KiB");
	wx_buf_addc(&big, 'x');
	is_int(wx_state_set(st, "bigger", big.p), -1,
	       "long value: one byte more is refused");
	big.p[--big.len] = '\0';
	wx_state_format(st, &b);
	wx_state_free(st);
	st = wx_state_parse(b.p, b.len, err, sizeof err);
	is_str(wx_state_get(st, "big"), big.p, "long value: round trip");
	wx_state_free(st);
	wx_buf_free(&b);
	wx_buf_free(&big);
}

static void
test_load(void)
{
	char *p = tpath("load"), err[512], *want;
	struct wx_state *st;
	struct wx_buf big = {0};

	unlink(p);
	st = wx_state_load(p, err, sizeof err);
	ok(st && wx_state_get(st, "uuid") == NULL, "load: missing file is empty");
	wx_state_free(st);

	put_file(p, "uuid=x\n", 7, 0600);
	st = wx_state_load(p, err, sizeof err);
	is_str(st ? wx_state_get(st, "uuid") : NULL, "x", "load: 0600 file");
	wx_state_free(st);

	put_file(p, "uuid=x\n", 7, 0644);
	st = wx_state_load(p, err, sizeof err);
	ok(st == NULL, "load: 0644 refused");
	want = wx_asprintf("%s: mode 0644 lets group or others in; it holds "
	                   "secrets (chmod 600 it)", p);
	is_str(err, want, "load: mode message");
	is_int(errno, EPERM, "load: mode errno");
	free(want);
	put_file(p, "uuid=x\n", 7, 0620);
	ok(wx_state_load(p, err, sizeof err) == NULL, "load: group-writable refused");

	put_file(p, "a=1\nb=2\nC=3\n", 12, 0600);
	st = wx_state_load(p, err, sizeof err);
	want = wx_asprintf("%s: line 3: bad key", p);
	ok(st == NULL, "load: syntax error");
	is_str(err, want, "load: message names file and line");
	free(want);

	wx_buf_addc(&big, '#');
	while (big.len <= 1024 * 1024)
		wx_buf_addc(&big, 'x');
	put_file(p, big.p, big.len, 0600);
	ok(wx_state_load(p, err, sizeof err) == NULL, "load: over 1 MiB refused");
	is_int(errno, EFBIG, "load: over 1 MiB errno");
	wx_buf_free(&big);
	unlink(p);
	free(p);
}

static int
count_temps(const char *base)
{
	DIR *d = opendir(tmpdir);
	struct dirent *e;
	char *prefix = wx_asprintf("%s.tmp.", base);
	int n = 0;

	while ((e = readdir(d)) != NULL)
		n += strncmp(e->d_name, prefix, strlen(prefix)) == 0;
	closedir(d);
	free(prefix);
	return n;
}

static mode_t
mode_of(const char *path)
{
	struct stat sb;

	return stat(path, &sb) < 0 ? 0 : sb.st_mode & 07777;
}

static void
test_commit(void)
{
	char *p = tpath("commit"), *lock = tpath("commit.lock"), err[512], *s;
	struct wx_state *ch = wx_state_new();

	put_file(p, "# keep me\nuuid=u\nother=o\nskey=old\n", 34, 0600);
	wx_state_set(ch, "skey", "new");
	wx_state_set(ch, "uuid", NULL);
	wx_state_set(ch, "added", "1");
	wx_state_set(ch, "never_there", NULL);
	is_int(wx_state_commit(p, ch, err, sizeof err), 0, "commit: ok");
	s = slurp(p);
	is_str(s, "# keep me\nother=o\nskey=new\nadded=1\n",
	       "commit: other keys and comments kept, delete applied");
	free(s);
	is_int(mode_of(p), 0600, "commit: file is 0600");
	is_int(mode_of(lock), 0600, "commit: lock file is 0600");
	is_int(count_temps("commit"), 0, "commit: no temp file left");

	put_file(p, "a=1\nbad line\n", 13, 0600);
	errno = 0;
	is_int(wx_state_commit(p, ch, err, sizeof err), -1,
	       "commit: refuses to rewrite a file it cannot parse");
	is_int(errno, EINVAL, "commit: errno kept");
	s = slurp(p);
	is_str(s, "a=1\nbad line\n", "commit: bad file left alone");
	free(s);
	is_int(count_temps("commit"), 0, "commit: no temp file after failure");

	unlink(p);
	put_file(lock, "", 0, 0600);
	s = tpath("commit.tmp.4194303");  /* above any pid in use here */
	put_file(s, "junk", 4, 0600);
	free(s);
	is_int(wx_state_commit(p, ch, err, sizeof err), 0,
	       "commit: creates a missing file");
	is_int(count_temps("commit"), 0, "commit: removes a dead writer's temp");
	s = slurp(p);
	is_str(s, "skey=new\nadded=1\n", "commit: into a new file");
	free(s);

	free(lock);
	lock = tpath("nodir/commit");
	ok(wx_state_commit(lock, ch, err, sizeof err) == -1 && errno == ENOENT,
	   "commit: missing directory fails with errno");
	free(lock);
	wx_state_free(ch);
	unlink(p);
	free(p);
}

/* Two versions of the same keys, large enough for several writes. */
static struct wx_state *
version(char c)
{
	struct wx_state *st = wx_state_new();
	char val[4096], key[16];
	int i;

	memset(val, c, sizeof val - 1);
	val[sizeof val - 1] = '\0';
	for (i = 0; i < 64; i++) {
		snprintf(key, sizeof key, "k%02d", i);
		wx_state_set(st, key, val);
	}
	return st;
}

static _Noreturn void
commit_forever(const char *path, struct wx_state *a, struct wx_state *b)
{
	char err[512];
	unsigned long i;

	for (i = 0;; i++)
		if (wx_state_commit(path, i % 2 ? b : a, err, sizeof err) < 0)
			_exit(1);
}

static void
test_crash(void)
{
	char *p = tpath("crash"), err[512], *s;
	struct wx_state *a = version('a'), *b = version('b');
	struct wx_buf ta = {0}, tb = {0};
	int i, bad = 0, seen_a = 0, seen_b = 0, status, span;
	long long t0;
	pid_t pid;

	wx_state_format(a, &ta);
	wx_state_format(b, &tb);
	unlink(p);
	/* Kill at random moments within about three commits (slower under
	 * sanitizers), so the child dies before, inside and between them. */
	t0 = wx_now_ms();
	for (i = 0; i < 10; i++)
		wx_state_commit(p, i % 2 ? b : a, err, sizeof err);
	span = (int)(wx_now_ms() - t0) * 300 + 2000;
	srand((unsigned)time(NULL));
	for (i = 0; i < 250; i++) {
		fflush(stdout);
		pid = fork();
		if (pid == 0)
			commit_forever(p, a, b);
		usleep((useconds_t)(rand() % span));
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
		if (!WIFSIGNALED(status))
			bad++;
		s = slurp(p);
		if (s && strcmp(s, ta.p) == 0)
			seen_a++;
		else if (s && strcmp(s, tb.p) == 0)
			seen_b++;
		else
			bad++;
		free(s);
	}
	is_int(bad, 0, "crash: after 250 kill -9, always all-a or all-b");
	ok(seen_a > 0 && seen_b > 0, "crash: both versions were seen");
	is_int(wx_state_commit(p, b, err, sizeof err), 0,
	       "crash: a later commit works");
	is_int(count_temps("crash"), 0, "crash: and leaves no temp file");
	wx_buf_free(&ta);
	wx_buf_free(&tb);
	wx_state_free(a);
	wx_state_free(b);
	unlink(p);
	free(p);
}

/* Each writer adds its own keys one commit at a time. */
static _Noreturn void
add_keys(const char *path, char who, int n)
{
	struct wx_state *ch;
	char key[16], err[512];
	int i;

	for (i = 0; i < n; i++) {
		ch = wx_state_new();
		snprintf(key, sizeof key, "%c%d", who, i);
		wx_state_set(ch, key, "v");
		if (wx_state_commit(path, ch, err, sizeof err) < 0)
			_exit(1);
		wx_state_free(ch);
	}
	_exit(0);
}

static void
test_concurrent(void)
{
	char *p = tpath("conc"), err[512], key[16];
	pid_t x, y;
	int sx, sy, i, lost = 0;
	struct wx_state *st;

	unlink(p);
	if ((x = fork()) == 0)
		add_keys(p, 'x', 150);
	if ((y = fork()) == 0)
		add_keys(p, 'y', 150);
	waitpid(x, &sx, 0);
	waitpid(y, &sy, 0);
	ok(WIFEXITED(sx) && WEXITSTATUS(sx) == 0 && WIFEXITED(sy) &&
	   WEXITSTATUS(sy) == 0, "flock: both writers finished");
	st = wx_state_load(p, err, sizeof err);
	for (i = 0; st && i < 150; i++) {
		snprintf(key, sizeof key, "x%d", i);
		lost += wx_state_get(st, key) == NULL;
		snprintf(key, sizeof key, "y%d", i);
		lost += wx_state_get(st, key) == NULL;
	}
	ok(st != NULL, "flock: file parses");
	is_int(lost, 0, "flock: no key lost between two writers");
	wx_state_free(st);
	unlink(p);
	free(p);
}

/* Run f in a child with stderr captured; its exit code and message. */
static int
run_dying(void (*f)(const char *), const char *arg, char *msg, size_t len)
{
	int fds[2], status;
	size_t got = 0;
	ssize_t n;
	pid_t pid;

	if (pipe(fds) < 0)
		return -1;
	fflush(stdout);  /* the child exits through exit(), flushing stdio */
	if ((pid = fork()) == 0) {
		dup2(fds[1], 2);
		f(arg);
		_exit(0);
	}
	close(fds[1]);
	while (got < len - 1 && (n = read(fds[0], msg + got, len - 1 - got)) > 0)
		got += (size_t)n;
	msg[got] = '\0';
	close(fds[0]);
	waitpid(pid, &status, 0);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static void
need_skey(const char *dir)
{
	struct wx_state *st = wx_session_load(dir);

	wx_session_need(st, dir, "skey", "wx-init");
}

static void
load_session(const char *dir)
{
	wx_state_free(wx_session_load(dir));
}

static void
session_dir(const char *dir)
{
	free(wx_session_dir(dir));
}

/* wx_session_dir refuses dir, or its file name, at mode (exit 100, the
 * one line naming it, its mode and the fix); then the mode is mended. */
static void
refused_mode(const char *dir, const char *name, mode_t mode)
{
	char *path = name ? wx_asprintf("%s/%s", dir, name) : wx_strdup(dir);
	char msg[1024], *want, *what;

	chmod(path, mode);
	what = wx_asprintf("session_dir: %s at %04o", name ? name : "dir",
	                   (unsigned)mode);
	is_int(run_dying(session_dir, dir, msg, sizeof msg), 100, what);
	want = wx_asprintf("test-state: %s: mode %04o lets group or others in; "
	                   "it holds secrets (chmod %s it)\n", path,
	                   (unsigned)mode, name ? "600" : "700");
	is_str(msg, want, what);
	chmod(path, name ? 0600 : 0700);
	free(want);
	free(what);
	free(path);
}

static void
test_private(void)
{
	char *d = tpath("private"), *got, *p;
	const char *names[] = {"session", "cookies", "contacts", "media",
	                       "sent", "rate"};
	size_t i;

	got = wx_session_dir(d);
	free(got);
	refused_mode(d, NULL, 0755);
	refused_mode(d, NULL, 0701);
	for (i = 0; i < sizeof names / sizeof *names; i++) {
		p = wx_asprintf("%s/%s", d, names[i]);
		put_file(p, "", 0, 0600);
		refused_mode(d, names[i], 0644);
		refused_mode(d, names[i], 0620);
		free(p);
	}
	p = wx_asprintf("%s/other", d);
	put_file(p, "", 0, 0644);  /* not wx's: left alone */
	got = wx_session_dir(d);
	is_str(got, d, "session_dir: private modes and a file of the user's pass");
	free(got);
	free(p);
	free(d);
}

static void
test_session(void)
{
	char *d = tpath("a/b/wx"), *x = tpath("xdg"), *h = tpath("home");
	char *got, *s, msg[1024], *want;
	struct wx_state *ch = wx_state_new(), *st;

	got = wx_session_dir(d);
	is_str(got, d, "session_dir: -d wins");
	is_int(mode_of(d), 0700, "session_dir: created 0700");
	free(got);
	s = wx_asprintf("%s/", d);
	got = wx_session_dir(s);
	is_str(got, d, "session_dir: trailing slash dropped");
	free(got);
	free(s);
	setenv("WX_DIR", d, 1);
	setenv("XDG_STATE_HOME", x, 1);
	got = wx_session_dir(NULL);
	is_str(got, d, "session_dir: WX_DIR");
	free(got);
	unsetenv("WX_DIR");
	got = wx_session_dir(NULL);
	s = wx_asprintf("%s/wx", x);
	is_str(got, s, "session_dir: XDG_STATE_HOME/wx");
	free(got);
	free(s);
	unsetenv("XDG_STATE_HOME");
	setenv("HOME", h, 1);
	got = wx_session_dir(NULL);
	s = wx_asprintf("%s/.local/state/wx", h);
	is_str(got, s, "session_dir: HOME/.local/state/wx");
	is_int(mode_of(s), 0700, "session_dir: default created 0700");
	free(got);
	free(s);

	wx_state_set(ch, "uuid", "U");
	wx_session_commit(d, ch, NULL);
	st = wx_session_load(d);
	is_str(wx_state_get(st, "uuid"), "U", "session: commit then load");
	is_str(wx_session_need(st, d, "uuid", "wx-uuid"), "U", "session: need");
	wx_state_free(st);

	is_int(run_dying(need_skey, d, msg, sizeof msg), 100,
	       "session_need: missing key exits 100");
	want = wx_asprintf("test-state: %s/session: no skey; run wx-init first\n",
	                   d);
	is_str(msg, want, "session_need: message");
	free(want);
	s = wx_asprintf("%s/session", d);
	put_file(s, "uuid=U\nskey\n", 12, 0600);
	is_int(run_dying(load_session, d, msg, sizeof msg), 100,
	       "session_load: syntax error exits 100");
	want = wx_asprintf("test-state: %s: line 2: no '=' (expected key=value)\n",
	                   s);
	is_str(msg, want, "session_load: message");
	free(want);
	free(s);
	wx_state_free(ch);
	free(d);
	free(x);
	free(h);
}

int
main(void)
{
	const char *t = getenv("TMPDIR");
	char *cmd;

	wx_argv0 = "test-state";
	snprintf(tmpdir, sizeof tmpdir, "%s/wx-test-state-XXXXXX",
	         t && *t ? t : "/tmp");
	if (!mkdtemp(tmpdir))
		wx_die(111, "mkdtemp:");
	test_parse();
	test_set();
	test_load();
	test_commit();
	test_crash();
	test_concurrent();
	test_session();
	test_private();
	cmd = wx_asprintf("rm -rf '%s'", tmpdir);
	if (system(cmd) != 0)
		wx_warn("could not remove %s", tmpdir);
	free(cmd);
	return tap_done();
}
