/* conns.c — benchmark client for wx-emu (run by t/bench/run, never by
 * `make check`): N requests, each on a new TLS connection with a full
 * handshake (no connection reuse, no TLS session resumption), as a
 * client that opens a connection a request does.  GET https://wx.qq.com/
 * through $WX_CONNECT_TO, CA from $CURL_CA_BUNDLE.  Prints one line:
 * "conns <count> <seconds>". */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <curl/curl.h>

static size_t
discard(char *p, size_t size, size_t n, void *cls)
{
	(void)p;
	(void)cls;
	return size * n;
}

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int
main(int argc, char **argv)
{
	struct curl_slist *to = NULL;
	const char *connect_to = getenv("WX_CONNECT_TO");
	const char *ca = getenv("CURL_CA_BUNDLE");
	long n = argc == 2 ? atol(argv[1]) : 0, i, status;
	double t0;
	CURL *h;

	if (n <= 0 || !connect_to || !ca) {
		fprintf(stderr, "usage: WX_CONNECT_TO=::127.0.0.1:PORT "
		        "CURL_CA_BUNDLE=ca.pem conns N\n");
		return 100;
	}
	curl_global_init(CURL_GLOBAL_DEFAULT);
	to = curl_slist_append(to, connect_to);
	h = curl_easy_init();
	curl_easy_setopt(h, CURLOPT_URL, "https://wx.qq.com/");
	curl_easy_setopt(h, CURLOPT_CONNECT_TO, to);
	curl_easy_setopt(h, CURLOPT_CAINFO, ca);
	curl_easy_setopt(h, CURLOPT_FORBID_REUSE, 1L);
	curl_easy_setopt(h, CURLOPT_SSL_SESSIONID_CACHE, 0L);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, discard);
	t0 = now();
	for (i = 0; i < n; i++) {
		status = 0;
		if (curl_easy_perform(h) != CURLE_OK ||
		    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status) != CURLE_OK ||
		    status != 200) {
			fprintf(stderr, "conns: request %ld failed (status %ld)\n",
			        i + 1, status);
			return 111;
		}
	}
	printf("conns %ld %.3f\n", n, now() - t0);
	curl_easy_cleanup(h);
	curl_slist_free_all(to);
	curl_global_cleanup();
	return 0;
}
