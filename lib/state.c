/* state.c — key=value session files (wx-session(5)): parse, edit, format,
 * and commit under an flock with temp file + fsync + rename, so a crash
 * never leaves half a file and two writers never lose each other's keys. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "wx.h"

/* The file holds secrets and is rewritten whole: refuse anything larger. */
#define STATE_MAX (1024 * 1024)

/* A pair (key set), a deleted pair (key set, val NULL: skipped when
 * formatting, but it tells wx_state_commit to delete the key), or a
 * comment/blank line kept verbatim (key NULL, text in val). */
struct wx_line {
	char *key, *val;
};

struct wx_state {
	struct wx_line *line;
	size_t n, cap;
};

static int
key_ok(const char *k, size_t n)
{
	size_t i;

	if (n == 0 || !((k[0] >= 'a' && k[0] <= 'z') || k[0] == '_'))
		return 0;
	for (i = 1; i < n; i++)
		if (!((k[i] >= 'a' && k[i] <= 'z') || (k[i] >= '0' && k[i] <= '9') ||
		      k[i] == '_'))
			return 0;
	return 1;
}

/* A value runs to the end of its line, so it can hold neither line end;
 * NUL would cut it short when read back. */
static const char *
value_fault(const char *v, size_t n)
{
	if (memchr(v, '\n', n))
		return "newline";
	if (memchr(v, '\r', n))
		return "carriage return";
	if (memchr(v, '\0', n))
		return "NUL byte";
	return NULL;
}

static void
push(struct wx_state *st, char *key, char *val)
{
	if (st->n == st->cap) {
		st->cap = st->cap ? st->cap * 2 : 16;
		st->line = wx_realloc(st->line, st->cap * sizeof *st->line);
	}
	st->line[st->n].key = key;
	st->line[st->n].val = val;
	st->n++;
}

struct wx_state *
wx_state_new(void)
{
	return wx_calloc(1, sizeof(struct wx_state));
}

void
wx_state_free(struct wx_state *st)
{
	size_t i;

	if (!st)
		return;
	for (i = 0; i < st->n; i++) {
		free(st->line[i].key);
		free(st->line[i].val);
	}
	free(st->line);
	free(st);
}

static int
is_blank(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] != ' ' && s[i] != '\t')
			return 0;
	return 1;
}

/* One line without its LF: NULL if fine, else the reason it is not. */
static const char *
parse_line(struct wx_state *st, const char *s, size_t n)
{
	const char *eq, *fault = value_fault(s, n);

	if (fault)
		return fault;
	if (is_blank(s, n) || s[0] == '#') {
		push(st, NULL, wx_strndup(s, n));
		return NULL;
	}
	eq = memchr(s, '=', n);
	if (!eq)
		return "no '=' (expected key=value)";
	if (!key_ok(s, (size_t)(eq - s)))
		return "bad key";
	push(st, wx_strndup(s, (size_t)(eq - s)),
	     wx_strndup(eq + 1, n - (size_t)(eq + 1 - s)));
	return NULL;
}

struct wx_state *
wx_state_parse(const char *text, size_t len, char *err, size_t errlen)
{
	struct wx_state *st = wx_state_new();
	const char *p = text, *end = text + len, *nl, *why;
	size_t lineno = 0;

	while (p < end) {
		lineno++;
		nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl)
			nl = end;
		why = parse_line(st, p, (size_t)(nl - p));
		if (why) {
			snprintf(err, errlen, "line %zu: %s", lineno, why);
			wx_state_free(st);
			errno = EINVAL;
			return NULL;
		}
		p = nl + 1;
	}
	return st;
}

/* Index of the last pair named key (deleted or not), or -1. */
static long
find_last(const struct wx_state *st, const char *key)
{
	size_t i;

	for (i = st->n; i-- > 0;)
		if (st->line[i].key && strcmp(st->line[i].key, key) == 0)
			return (long)i;
	return -1;
}

const char *
wx_state_get(const struct wx_state *st, const char *key)
{
	long i = find_last(st, key);

	return i < 0 ? NULL : st->line[i].val;
}

int
wx_state_setn(struct wx_state *st, const char *key, const char *val,
              size_t vlen)
{
	long last;
	size_t i;

	if (!key_ok(key, strlen(key)) ||
	    (val && (vlen > WX_VALUE_MAX || value_fault(val, vlen))))
		return -1;
	/* A hand-edited file may repeat a key; the last one counts (as in
	 * wx_state_get), and setting it drops the earlier ones. */
	last = find_last(st, key);
	for (i = 0; last >= 0 && i < (size_t)last; i++)
		if (st->line[i].key && strcmp(st->line[i].key, key) == 0) {
			free(st->line[i].val);
			st->line[i].val = NULL;
		}
	if (last < 0) {
		push(st, wx_strdup(key), NULL);
		last = (long)st->n - 1;
	}
	free(st->line[last].val);
	st->line[last].val = val ? wx_strndup(val, vlen) : NULL;
	return 0;
}

int
wx_state_set(struct wx_state *st, const char *key, const char *val)
{
	return wx_state_setn(st, key, val, val ? strlen(val) : 0);
}

void
wx_state_format(const struct wx_state *st, struct wx_buf *out)
{
	size_t i;

	wx_buf_add(out, "", 0);
	for (i = 0; i < st->n; i++) {
		const struct wx_line *l = &st->line[i];

		if (l->key && !l->val)
			continue;
		if (l->key) {
			wx_buf_adds(out, l->key);
			wx_buf_addc(out, '=');
		}
		wx_buf_adds(out, l->val);
		wx_buf_addc(out, '\n');
	}
}

/* Fill err with "PATH: what: strerror(errno)", keeping errno. */
static void
fail(char *err, size_t errlen, const char *path, const char *what)
{
	int saved = errno;

	snprintf(err, errlen, "%s: %s%s%s", path, what, *what ? ": " : "",
	         wx_strerror(saved));
	errno = saved;
}

/* As ssh with a key: what holds secrets is refused when its mode lets
 * the group or others read or change it.  0, or -1 with errno EPERM and
 * in err the mode and the chmod (to fix, 0600 or 0700) that mends it. */
static int
private_mode(const char *path, mode_t mode, unsigned fix, char *err,
             size_t errlen)
{
	if (!(mode & 077))
		return 0;
	snprintf(err, errlen, "%s: mode %04o lets group or others in; "
	         "it holds secrets (chmod %o it)", path,
	         (unsigned)(mode & 07777), fix);
	errno = EPERM;
	return -1;
}

/* The file holds secrets: refuse it when others could read or change it. */
static int
check_file(int fd, const char *path, char *err, size_t errlen)
{
	struct stat sb;

	if (fstat(fd, &sb) < 0) {
		fail(err, errlen, path, "stat");
		return -1;
	}
	if (private_mode(path, sb.st_mode, 0600, err, errlen) < 0)
		return -1;
	if (sb.st_size > STATE_MAX) {
		snprintf(err, errlen, "%s: larger than 1 MiB", path);
		errno = EFBIG;
		return -1;
	}
	return 0;
}

static int
read_checked(const char *path, struct wx_buf *text, char *err, size_t errlen)
{
	int fd = wx_open_regular(path, O_RDONLY), rc, saved;
	FILE *f;

	if (fd < 0) {
		if (errno == ENOENT)
			return 0;
		fail(err, errlen, path, "");
		return -1;
	}
	if (check_file(fd, path, err, errlen) < 0) {
		saved = errno;
		close(fd);
		errno = saved;
		return -1;
	}
	f = fdopen(fd, "rb");
	if (!f) {
		fail(err, errlen, path, "");
		close(fd);
		return -1;
	}
	rc = wx_read_stream(f, STATE_MAX, text);
	saved = errno;
	fclose(f);
	errno = saved;
	if (rc < 0)
		fail(err, errlen, path, "read");
	return rc;
}

struct wx_state *
wx_state_load(const char *path, char *err, size_t errlen)
{
	struct wx_buf text = {0};
	struct wx_state *st = NULL;
	char why[128];
	int saved;

	if (read_checked(path, &text, err, errlen) == 0) {
		st = wx_state_parse(text.p ? text.p : "", text.len, why,
		                    sizeof why);
		if (!st)
			snprintf(err, errlen, "%s: %s", path, why);
	}
	saved = errno;
	wx_buf_free(&text);
	errno = saved;
	return st;
}

/* Under the lock: re-read path, apply changes, replace the file.  A
 * text the reader would refuse is never written. */
static int
commit_locked(const char *path, const struct wx_state *changes, char *err,
              size_t errlen)
{
	struct wx_state *st = wx_state_load(path, err, errlen);
	struct wx_buf text = {0};
	size_t i;
	int rc = -1;

	if (!st)
		return -1;
	for (i = 0; i < changes->n; i++)
		if (changes->line[i].key)
			wx_state_set(st, changes->line[i].key, changes->line[i].val);
	wx_state_format(st, &text);
	wx_state_free(st);
	if (text.len > STATE_MAX) {
		snprintf(err, errlen, "%s: would grow past 1 MiB; not written",
		         path);
		errno = EFBIG;
	} else {
		wx_remove_stale_temps(path);
		if ((rc = wx_write_atomic(path, text.p, text.len, 0600)) < 0)
			fail(err, errlen, path, "write");
	}
	wx_buf_free(&text);
	return rc;
}

int
wx_state_commit(const char *path, const struct wx_state *changes, char *err,
                size_t errlen)
{
	int fd = wx_lock(path), rc, saved;

	if (fd < 0) {
		fail(err, errlen, path, "lock");
		return -1;
	}
	rc = commit_locked(path, changes, err, errlen);
	saved = errno;
	close(fd);  /* releases the flock */
	errno = saved;
	return rc;
}

/* mkdir -p: parents 0755, the last component 0700 (it holds secrets). */
static int
make_dirs(char *path)
{
	char *p;
	struct stat sb;

	for (p = path + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(path, 0755) < 0 && errno != EEXIST) {
			*p = '/';
			return -1;
		}
		*p = '/';
	}
	if (mkdir(path, 0700) < 0 && errno != EEXIST)
		return -1;
	if (stat(path, &sb) < 0)
		return -1;
	if (!S_ISDIR(sb.st_mode)) {
		errno = ENOTDIR;
		return -1;
	}
	return 0;
}

/* What DIR holds that others must not see or change: the secrets
 * (session, cookies) and what was said and to whom (contacts, media,
 * sent, rate).  Checked by every command at its start, before it reads
 * or writes any of them; a missing one is fine. */
static const char *const private_files[] = {
	"session", "cookies", "contacts", "media", "sent", "rate",
};

/* Exit 100 when dir or one of its private files lets group or others
 * in (a copy or a restore with the wrong mode), so that nothing is read
 * from or written to it until the user has fixed the mode. */
static void
check_private(const char *dir)
{
	struct stat sb;
	char err[512], *path;
	size_t i;

	if (stat(dir, &sb) < 0)
		wx_die(wx_exit_errno(errno), "%s:", dir);
	if (private_mode(dir, sb.st_mode, 0700, err, sizeof err) < 0)
		wx_die(WX_EXIT_USAGE, "%s", err);
	for (i = 0; i < sizeof private_files / sizeof *private_files; i++) {
		path = wx_asprintf("%s/%s", dir, private_files[i]);
		if (stat(path, &sb) < 0) {
			if (errno != ENOENT)
				wx_die(wx_exit_errno(errno), "%s:", path);
		} else if (private_mode(path, sb.st_mode, 0600, err,
		                        sizeof err) < 0) {
			wx_die(WX_EXIT_USAGE, "%s", err);
		}
		free(path);
	}
}

char *
wx_session_dir(const char *opt)
{
	const char *env = getenv("WX_DIR"), *base;
	char *dir;
	size_t n;

	if (opt && *opt)
		dir = wx_strdup(opt);
	else if (env && *env)
		dir = wx_strdup(env);
	else if ((base = getenv("XDG_STATE_HOME")) && *base)
		dir = wx_asprintf("%s/wx", base);
	else if ((base = getenv("HOME")) && *base)
		dir = wx_asprintf("%s/.local/state/wx", base);
	else
		wx_die(WX_EXIT_USAGE, "no session directory: HOME is not set "
		       "(use -d DIR or WX_DIR)");
	n = strlen(dir);
	while (n > 1 && dir[n - 1] == '/')
		dir[--n] = '\0';
	if (make_dirs(dir) < 0)
		wx_die(WX_EXIT_USAGE, "%s:", dir);
	check_private(dir);
	return dir;
}

struct wx_state *
wx_session_load(const char *dir)
{
	char *path = wx_asprintf("%s/session", dir), err[512];
	struct wx_state *st = wx_state_load(path, err, sizeof err);

	if (!st)
		wx_die(WX_EXIT_USAGE, "%s", err);
	free(path);
	return st;
}

/* Under the session lock: locked(arg) (when given), the cookies h got
 * (when given), then the changes to DIR/session (when given). */
static void
commit_all(const char *dir, const struct wx_state *changes,
           struct wx_http *h, int (*locked)(void *), void *arg)
{
	char *path = wx_asprintf("%s/session", dir), err[512];
	int fd = wx_lock(path), rc;

	if (fd < 0)
		wx_die(wx_exit_errno(errno), "%s.lock:", path);
	if (locked && (rc = locked(arg)) != 0)
		exit(rc);
	/* The jar before the session: a session naming a login whose
	 * cookies are not on disk yet would send stale cookies. */
	if (h && wx_http_save_cookies(h) < 0)
		wx_die(wx_exit_errno(errno), "%s/cookies:", dir);
	if (changes && commit_locked(path, changes, err, sizeof err) < 0)
		wx_die(wx_exit_errno(errno), "%s", err);
	close(fd);
	free(path);
}

void
wx_session_commit(const char *dir, const struct wx_state *changes,
                  struct wx_http *h)
{
	commit_all(dir, changes, h, NULL, NULL);
}

/* wx_session_commit_file's part under the lock. */
static int
commit_afile(void *arg)
{
	struct wx_afile *a = arg;

	wx_remove_stale_temps(a->path);
	if (wx_afile_commit(a) < 0) {
		wx_warn("%s:", a->path);
		return wx_exit_errno(errno);
	}
	return 0;
}

void
wx_session_commit_file(const char *dir, const struct wx_state *changes,
                       struct wx_http *h, struct wx_afile *a)
{
	commit_all(dir, changes, h, commit_afile, a);
}

void
wx_session_commit_with(const char *dir, const struct wx_state *changes,
                       struct wx_http *h, int (*locked)(void *), void *arg)
{
	commit_all(dir, changes, h, locked, arg);
}

const char *
wx_session_need(const struct wx_state *st, const char *dir, const char *key,
                const char *hint)
{
	const char *v = wx_state_get(st, key);

	if (!v || !*v)
		wx_die(WX_EXIT_USAGE, "%s/session: no %s; run %s first", dir, key,
		       hint);
	return v;
}

enum wx_mode
wx_session_mode(const struct wx_state *st, const char *dir)
{
	const char *v = wx_state_get(st, "mode");
	enum wx_mode m;

	if (wx_mode_parse(v, &m) < 0)
		wx_die(WX_EXIT_USAGE, "%s/session: unknown mode '%s'", dir, v);
	return m;
}

const char *
wx_mode_start(const struct wx_state *st, enum wx_mode m)
{
	const char *host = wx_state_get(st, "host");

	if (host && wx_mode_host(m, host))
		return host;
	return m == WX_MODE_FILEHELPER ? wx_fh.entry : WX_DEFAULT_WEB;
}
