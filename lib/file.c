/* file.c — the one way wx reads and writes its files: a file is opened
 * only when it is a regular file (a FIFO in its place would hang the
 * command), replaced whole or not at all (temp file + fsync + rename, so a
 * crash never leaves half a file), and locked with flock for writers that
 * merge.  Temp files are named NAME.tmp.PID, so a writer holding the
 * lock can remove what a killed writer left. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "wx.h"

int
wx_exit_errno(int e)
{
	switch (e) {
	case EACCES: case EPERM: case ENOENT: case ENOTDIR: case EISDIR:
	case EROFS: case ELOOP: case ENAMETOOLONG: case EINVAL: case EFBIG:
	case WX_ENOTREG:
	case ENXIO:  /* a FIFO opened for writing, with no reader */
		return WX_EXIT_USAGE;  /* the place is wrong: a retry won't help */
	default:
		return WX_EXIT_TEMP;   /* full disk, I/O error: may pass */
	}
}

int
wx_open_regular(const char *path, int flags)
{
	struct stat sb;
	int fd, saved;

	/* O_NONBLOCK: opening a FIFO for reading would wait for a writer. */
	fd = open(path, flags | O_NONBLOCK | O_CLOEXEC | O_NOCTTY, 0600);
	if (fd < 0)
		return -1;
	if (fstat(fd, &sb) < 0)
		saved = errno;
	else if (!S_ISREG(sb.st_mode))
		saved = WX_ENOTREG;
	else if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK) < 0)
		saved = errno;
	else
		return fd;
	close(fd);
	errno = saved;
	return -1;
}

int
wx_read_regular(const char *path, size_t max, struct wx_buf *out)
{
	return wx_read_fd(wx_open_regular(path, O_RDONLY), max, out);
}

/* Directory part of path ("." when there is none), malloc'd. */
static char *
dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');

	if (!slash)
		return wx_strdup(".");
	if (slash == path)
		return wx_strdup("/");
	return wx_strndup(path, (size_t)(slash - path));
}

/* The rename is only durable once the directory entry is on disk. */
static int
fsync_dir(const char *path)
{
	char *dir = dir_of(path);
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC), rc, saved;

	free(dir);
	if (fd < 0)
		return -1;
	rc = fsync(fd);
	saved = errno;
	close(fd);
	errno = saved;
	return rc;
}

/* The temp file of a writer: PATH.tmp.PID, so that a later writer can
 * tell one whose writer died (see wx_remove_stale_temps). */
int
wx_afile_open(struct wx_afile *a, const char *path, mode_t mode)
{
	mode_t mask = umask(0);
	int fd;

	umask(mask);
	memset(a, 0, sizeof *a);
	a->path = wx_strdup(path);
	a->tmp = wx_asprintf("%s.tmp.%ld", path, (long)getpid());
	fd = open(a->tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC,
	          0600);
	if (fd < 0 || fchmod(fd, mode & ~mask) < 0 || !(a->f = fdopen(fd, "wb"))) {
		if (fd >= 0)
			close(fd);
		wx_afile_abort(a);
		return -1;
	}
	return 0;
}

void
wx_afile_abort(struct wx_afile *a)
{
	int saved = errno;

	if (a->f)
		fclose(a->f);
	if (a->tmp)
		unlink(a->tmp);
	free(a->tmp);
	free(a->path);
	memset(a, 0, sizeof *a);
	errno = saved;
}

int
wx_afile_commit(struct wx_afile *a)
{
	int ok = fflush(a->f) == 0 && !ferror(a->f) && fsync(fileno(a->f)) == 0;

	ok = fclose(a->f) == 0 && ok;
	a->f = NULL;
	if (!ok || rename(a->tmp, a->path) < 0 || fsync_dir(a->path) < 0) {
		wx_afile_abort(a);
		return -1;
	}
	free(a->tmp);
	free(a->path);
	memset(a, 0, sizeof *a);
	return 0;
}

int
wx_write_atomic(const char *path, const void *data, size_t len, mode_t mode)
{
	struct wx_afile a;

	if (wx_afile_open(&a, path, mode) < 0)
		return -1;
	if (len && fwrite(data, 1, len, a.f) != len) {
		wx_afile_abort(&a);
		return -1;
	}
	return wx_afile_commit(&a);
}

/* Is the writer of temp file PATH.tmp.PID still running?  (A name not
 * of that form is an older writer's mkstemp name: gone.) */
static int
writer_alive(const char *pid)
{
	uint64_t v;

	if (wx_parse_u64(pid, strlen(pid), 4194304, &v) < 0)
		return 0;
	return (pid_t)v == getpid() || kill((pid_t)v, 0) == 0 || errno != ESRCH;
}

void
wx_remove_stale_temps(const char *path)
{
	char *dir = dir_of(path), *prefix, *p;
	const char *slash = strrchr(path, '/');
	DIR *d = opendir(dir);
	struct dirent *e;
	size_t plen;

	prefix = wx_asprintf("%s.tmp.", slash ? slash + 1 : path);
	plen = strlen(prefix);
	while (d && (e = readdir(d)) != NULL) {
		if (strncmp(e->d_name, prefix, plen) != 0 ||
		    writer_alive(e->d_name + plen))
			continue;
		p = wx_asprintf("%s/%s", dir, e->d_name);
		unlink(p);
		free(p);
	}
	if (d)
		closedir(d);
	free(prefix);
	free(dir);
}

/* flock "path.lock" (made 0600) with op (LOCK_EX, maybe | LOCK_NB). */
static int
lock_file(const char *path, int op)
{
	char *lock = wx_asprintf("%s.lock", path);
	int fd = wx_open_regular(lock, O_RDWR | O_CREAT | O_NOFOLLOW), saved;

	free(lock);
	while (fd >= 0 && flock(fd, op) < 0) {
		if (errno == EINTR)
			continue;
		saved = errno;
		close(fd);
		errno = saved;
		fd = -1;
	}
	return fd;
}

int
wx_lock(const char *path)
{
	return lock_file(path, LOCK_EX);
}

int
wx_lock_shared(const char *path)
{
	return lock_file(path, LOCK_SH);
}

int
wx_trylock(const char *path)
{
	return lock_file(path, LOCK_EX | LOCK_NB);
}
