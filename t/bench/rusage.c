/* t/bench/rusage.c — rusage OUT COMMAND [ARG...]: run COMMAND (stdin,
 * stdout, stderr as given) and append "wall cpu maxrss_kb" to OUT, cpu (user+sys) in
 * seconds to the microsecond, as /usr/bin/time -f '%e %U+%S %M' would at
 * 10 ms.  Exits with COMMAND's status. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct timespec t0, t1;
	struct rusage ru;
	int st;
	pid_t pid;
	FILE *f;

	if (argc < 3) { fputs("usage: rusage OUT COMMAND [ARG...]\n", stderr); return 2; }
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if ((pid = fork()) < 0) { perror("fork"); return 111; }
	if (pid == 0) {
		execvp(argv[2], argv + 2);
		perror(argv[2]);
		_exit(127);
	}
	if (wait4(pid, &st, 0, &ru) < 0) { perror("wait4"); return 111; }
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (!(f = fopen(argv[1], "a"))) { perror(argv[1]); return 111; }
	fprintf(f, "%.3f %.6f %ld\n",
	        (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9,
	        ru.ru_utime.tv_sec + ru.ru_stime.tv_sec +
	        (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6, ru.ru_maxrss);
	fclose(f);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}
