/* wx-emu — a local Web WeChat server for tests and CI (wx-emu(1)). */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "emu.h"

#define SYNOPSIS "wx-emu [-a] [-c cert.pem -k key.pem] [-F] [-g groups] " \
	"[-H seconds] [-l logfile] [-m members] [-n contacts] [-P portfile] " \
	"[-p port] [-s seed] [-W worldfile] [-w webhost]"

struct emu_opts emu_opt = {
	.web = "wx2.qq.com",
	.contacts = 20,
	.groups = 3,
	.members = 5,
	.hold_ns = 25000000000LL,
	.seed = 1,
	.maxconn = 256,
};

#define HOLD_MAX 3600            /* -H: seconds */

/* -H: decimal seconds, up to 9 places ("25", "0.01", "0" for no hold),
 * at most HOLD_MAX; in nanoseconds. */
static long long
hold_ns(const char *s)
{
	const char *dot = strchr(s, '.');
	size_t n = dot ? (size_t)(dot - s) : strlen(s), k = 0;
	uint64_t whole, frac = 0;

	if (dot)
		k = strlen(dot + 1);
	if (wx_parse_u64(s, n, HOLD_MAX, &whole) < 0 || (dot && (k == 0 ||
	    k > 9 || wx_parse_u64(dot + 1, k, 999999999, &frac) < 0)))
		wx_die(WX_EXIT_USAGE, "-H: bad number of seconds '%s'", s);
	for (; k < 9; k++)
		frac *= 10;
	if (whole == HOLD_MAX && frac)
		wx_die(WX_EXIT_USAGE, "-H: %s is out of range 0..%d", s, HOLD_MAX);
	return (long long)whole * 1000000000LL + (long long)frac;
}

/* A usage error says why first; -h (why NULL, help) is no error. */
static _Noreturn void
usage(const char *why, int help)
{
	if (why)
		wx_warn("%s", why);
	wx_usage(SYNOPSIS, help);
}

static void
parse_options(int argc, char **argv)
{
	struct wx_hosts hosts;
	int c, generated = 0, web_given = 0;

	while ((c = getopt(argc, argv, ":ac:Fg:hH:k:l:m:n:P:p:s:VW:w:")) != -1) {
		generated |= c == 'n' || c == 'g' || c == 'm';
		switch (c) {
		case 'a': emu_opt.autoconfirm = 1; break;
		case 'F': emu_opt.filehelper = 1; break;
		case 'c': emu_opt.cert = optarg; break;
		case 'k': emu_opt.key = optarg; break;
		case 'l': emu_opt.logfile = optarg; break;
		case 'P': emu_opt.portfile = optarg; break;
		case 'w': emu_opt.web = optarg; web_given = 1; break;
		case 'W': emu_opt.world = optarg; break;
		case 'p': emu_opt.port = (int)wx_strtonum(optarg, 0, 65535, "-p"); break;
		case 'n': emu_opt.contacts = (int)wx_strtonum(optarg, 0, 100000, "-n"); break;
		case 'g': emu_opt.groups = (int)wx_strtonum(optarg, 0, 10000, "-g"); break;
		case 'm': emu_opt.members = (int)wx_strtonum(optarg, 1, 5000, "-m"); break;
		case 'H': emu_opt.hold_ns = hold_ns(optarg); break;
		case 's':
			emu_opt.seed = (unsigned long)wx_strtonum(optarg, 0, 0xFFFFFFFFLL, "-s");
			break;
		case 'h': usage(NULL, 1);
		case 'V': wx_version();
		case ':': wx_warn("-%c: needs an argument", optopt); usage(NULL, 0);
		default: wx_warn("-%c: unknown option", optopt); usage(NULL, 0);
		}
	}
	if (optind < argc)
		usage("too many arguments", 0);
	if (!emu_opt.cert != !emu_opt.key)
		usage("-c and -k go together", 0);
	/* A world is loaded or generated, never both: saying both is a
	 * mistake better reported than half-honoured. */
	if (emu_opt.world && generated)
		usage("-W excludes -n, -g and -m", 0);
	if (emu_opt.filehelper && !web_given)
		emu_opt.web = wx_fh.entry;
	/* -F serves the entry hosts only: another -w would be a host that
	 * no request of the profile can reach. */
	if (emu_opt.filehelper && wx_fh_hosts(emu_opt.web, &hosts) < 0)
		wx_die(WX_EXIT_USAGE, "-w: '%s' is no file-helper entry host",
		       emu_opt.web);
	/* An unknown but plausible host is allowed: redirect_uri then names
	 * a host wx-emu does not serve, which tests a client's refusal. */
	if (wx_hosts_for(emu_opt.web, &hosts) < 0)
		wx_die(WX_EXIT_USAGE, "-w: bad web host '%s'", emu_opt.web);
}

static char *
read_pem(const char *path)
{
	struct wx_buf b = {0};

	if (wx_read_file(path, 1 << 20, &b) < 0)
		wx_die(WX_EXIT_USAGE, "%s:", path);
	return b.p ? b.p : wx_strdup("");
}

/* Write the port to path atomically: a reader sees nothing or all of it. */
static void
write_portfile(const char *path, int port)
{
	char *text = wx_asprintf("%d\n", port);

	if (wx_write_atomic(path, text, strlen(text), 0666) < 0)
		wx_die(wx_exit_errno(errno), "%s:", path);
	free(text);
}

int
main(int argc, char **argv)
{
	sigset_t sigs;
	FILE *log = NULL;
	char *cert = NULL, *key = NULL;
	void *daemon;
	int sig, port;

	wx_argv0 = "wx-emu";
	parse_options(argc, argv);
	if (emu_opt.cert) {
		cert = read_pem(emu_opt.cert);
		key = read_pem(emu_opt.key);
	}
	if (emu_opt.logfile && !(log = fopen(emu_opt.logfile, "a")))
		wx_die(WX_EXIT_USAGE, "%s:", emu_opt.logfile);

	/* Threads inherit this mask, so only sigwait below sees the signals. */
	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);

	emu_world_init();
	port = emu_opt.port;
	if (!(daemon = emu_daemon_start(log, cert, key, &port)))
		wx_die(WX_EXIT_TEMP, "cannot listen on 127.0.0.1:%d", emu_opt.port);
	if (emu_opt.portfile)
		write_portfile(emu_opt.portfile, port);

	while (sigwait(&sigs, &sig) != 0 || sig == SIGHUP)
		;
	emu_world_stop();
	emu_daemon_stop(daemon);
	emu_world_free();
	free(cert);
	free(key);
	return log ? wx_fshut(log, emu_opt.logfile, WX_EXIT_OK) : WX_EXIT_OK;
}
