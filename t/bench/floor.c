/* t/bench/floor.c — the libcurl floor of workload 8: a program that only
 * initialises and cleans up libcurl, linked as the commands are, so its
 * start-up is what any dynamically linked command pays before its own
 * work. */
#include <curl/curl.h>

int main(void)
{
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		return 111;
	curl_global_cleanup();
	return 0;
}
