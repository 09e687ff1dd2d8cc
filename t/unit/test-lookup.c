/* Unit tests of lib/lookup.c: the contacts cache format, every recipient
 * rule of design.md §3 (prefixes, precedence, ambiguity, literal
 * UserNames, special contacts, byte-exact names), the candidates printed
 * on stderr, and the speed of a lookup in a cache of 10,000 contacts. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tap.h"
#include "wx.h"

#define HEADER "{\"Cache\":\"wx-contacts\",\"Uin\":\"2765482113\"," \
               "\"Time\":1700000000}\n"

/* One contact line; NULL fields are left out. */
static void
add(struct wx_buf *b, const char *user, const char *kind, const char *name,
    const char *remark, const char *alias)
{
	wx_buf_adds(b, "{\"UserName\":");
	wx_json_put_strz(b, user);
	wx_buf_adds(b, ",\"VerifyFlag\":0,\"Kind\":");
	wx_json_put_strz(b, kind);
	if (name) {
		wx_buf_adds(b, ",\"NickName\":");
		wx_json_put_strz(b, name);
		wx_buf_adds(b, ",\"Name\":");
		wx_json_put_strz(b, name);
	}
	if (remark) {
		wx_buf_adds(b, ",\"Remark\":");
		wx_json_put_strz(b, remark);
	}
	if (alias) {
		wx_buf_adds(b, ",\"Alias\":");
		wx_json_put_strz(b, alias);
	}
	wx_buf_adds(b, ",\"Uin\":\"0\"}\n");
}

/* The cache every rule is tried on; the comments say what each line is
 * there for. */
static struct wx_contacts *
fixture(void)
{
	struct wx_buf b = {0};
	struct wx_contacts *cs;
	char err[128] = "";

	wx_buf_adds(&b, HEADER);
	add(&b, "@alice", "friend", "Alice", "Bob", "al");  /* Remark = Name of @bob */
	add(&b, "@bob", "friend", "Bob", "", "");
	add(&b, "@@fam", "group", "Family", NULL, NULL);    /* group Name = a nick */
	add(&b, "@fam", "friend", "Family", NULL, NULL);
	add(&b, "filehelper", "special", "\xe6\x96\x87\xe4\xbb\xb6", NULL, NULL);
	add(&b, "weixin", "special", "WeChat Team", NULL, NULL);
	add(&b, "@dup1", "friend", "Dup", NULL, NULL);      /* nick ambiguity */
	add(&b, "@dup2", "public", "Dup", NULL, NULL);
	add(&b, "@r1", "friend", "x", "R", NULL);           /* remark ambiguity */
	add(&b, "@r2", "friend", "y", "R", NULL);
	add(&b, "@r3", "friend", "R", NULL, NULL);          /* …despite this nick */
	add(&b, "@a1", "friend", "p", NULL, "x1");          /* alias ambiguity */
	add(&b, "@a2", "public", "q", NULL, "x1");
	add(&b, "@@club1", "group", "Club", NULL, NULL);    /* group ambiguity */
	add(&b, "@@club2", "group", "Club", NULL, NULL);
	add(&b, "@odd", "friend", "\xf0\x9f\x98\x80 \xe7\x8c\xab \"q\"\nline\\",
	    NULL, NULL);
	add(&b, "@me", "self", "Me", NULL, NULL);
	add(&b, "@alice", "friend", "Alice", "Bob", "al");  /* the server's repeat */
	add(&b, "@fh", "friend", "filehelper", NULL, NULL); /* special wins */
	add(&b, "wxid_plain", "friend", "Plain", NULL, NULL);
	add(&b, "@lower", "friend", "alice", NULL, NULL);
	add(&b, "@nfc", "friend", "caf\xc3\xa9", NULL, NULL);
	add(&b, "@z1", "friend", "Z", "Z", NULL);           /* two fields match */
	add(&b, "@z2", "friend", "Z", "Z", "Z");
	add(&b, "@onlyalias", "friend", "n", NULL, "Solo");
	add(&b, "@@solo", "group", "Solo", NULL, NULL);     /* alias before group */
	add(&b, "@trail", "friend", "T ", NULL, NULL);
	cs = wx_contacts_parse(b.p, b.len, err, sizeof err);
	if (!cs)
		printf("# fixture: %s\n", err);
	wx_buf_free(&b);
	return cs;
}

/* name resolves to want (NULL: refused) and prints nothing. */
static void
resolves(const struct wx_contacts *cs, const char *name, const char *want,
         const char *what)
{
	struct tap_stderr c;
	struct wx_buf msg = {0};
	const char *got = "junk";
	int rc;

	tap_stderr_begin(&c);
	rc = wx_contacts_resolve(cs, name, &got);
	tap_stderr_end(&c, &msg);
	is_int(rc, want ? 0 : WX_EXIT_REFUSED, what);
	is_str(got, want, what);
	if (want)
		is_str(msg.p, "", what);
	wx_buf_free(&msg);
}

/* name is refused with exactly the stderr text want. */
static void
refused(const struct wx_contacts *cs, const char *name, const char *want,
        const char *what)
{
	struct tap_stderr c;
	struct wx_buf msg = {0};
	const char *got = "junk";
	int rc;

	tap_stderr_begin(&c);
	rc = wx_contacts_resolve(cs, name, &got);
	tap_stderr_end(&c, &msg);
	is_int(rc, WX_EXIT_REFUSED, what);
	ok(got == NULL, what);
	is_str(msg.p, want, what);
	wx_buf_free(&msg);
}

/* wx_contacts_match gives the UserNames want (space-separated, in cache
 * order). */
static void
matches(const struct wx_contacts *cs, const char *name, const char *want,
        const char *what)
{
	struct wx_buf b = {0};
	size_t *hit = NULL, n = wx_contacts_match(cs, name, &hit), k;

	wx_buf_add(&b, "", 0);
	for (k = 0; k < n; k++)
		wx_buf_addf(&b, "%s%s", k ? " " : "", wx_contacts_username(cs, hit[k]));
	is_str(b.p, want, what);
	free(hit);
	wx_buf_free(&b);
}

/* The names that are UserNames as they are, and those that need a cache. */
static void
test_name_username(void)
{
	is_str(wx_name_username("@a1"), "@a1", "an @ name is a UserName");
	is_str(wx_name_username("@@g1"), "@@g1", "a room's too");
	is_str(wx_name_username("user:filehelper"), "filehelper", "user: one");
	ok(wx_name_username("user:") == NULL, "user: empty: no name");
	ok(wx_name_username("Bob") == NULL, "a name needs the cache");
	ok(wx_name_username("nick:@a1") == NULL, "so does a prefixed one");
	ok(wx_name_username("filehelper") == NULL, "and filehelper, by Kind");
}

static void
test_cache(const struct wx_contacts *cs)
{
	size_t len;
	const char *line;

	ok(cs != NULL, "cache: the fixture parses");
	is_str(wx_contacts_uin(cs), "2765482113", "cache: header Uin");
	is_int(wx_contacts_time(cs), 1700000000, "cache: header Time");
	is_int((long long)wx_contacts_count(cs), 27, "cache: every line a contact");
	is_str(wx_contacts_username(cs, 0), "@alice", "cache: UserName");
	is_str(wx_contacts_kind(cs, 2), "group", "cache: Kind");
	is_str(wx_contacts_kind(cs, 4), "special", "cache: Kind special");
	line = wx_contacts_line(cs, 1, &len);
	ok(len == strlen("{\"UserName\":\"@bob\",\"VerifyFlag\":0,\"Kind\":"
	   "\"friend\",\"NickName\":\"Bob\",\"Name\":\"Bob\",\"Remark\":\"\","
	   "\"Alias\":\"\",\"Uin\":\"0\"}") && strncmp(line, "{\"UserName\":"
	   "\"@bob\",", 19) == 0 && line[len - 1] == '}',
	   "cache: the line as stored, without LF");
}

static void
test_prefixes(const struct wx_contacts *cs)
{
	resolves(cs, "remark:Bob", "@alice", "remark: names the Remark");
	resolves(cs, "nick:Bob", "@bob", "nick: names the Name");
	resolves(cs, "nick:Family", "@fam", "nick: skips groups");
	resolves(cs, "group:Family", "@@fam", "group: names a group's Name");
	resolves(cs, "group:Alice", NULL, "group: skips non-groups");
	resolves(cs, "alias:al", "@alice", "alias: names the Alias");
	resolves(cs, "alias:Solo", "@onlyalias", "alias: only the Alias");
	resolves(cs, "group:Solo", "@@solo", "group: with an alias elsewhere");
	resolves(cs, "user:@bob", "@bob", "user: a cached UserName");
	resolves(cs, "user:@nobody", "@nobody", "user: an uncached UserName");
	resolves(cs, "user:wxid_plain", "wxid_plain", "user: without @");
	resolves(cs, "user:Bob", "Bob", "user: is literal, never a name");
	resolves(cs, "remark:Alice", NULL, "remark: only the Remark");
	resolves(cs, "nick:al", NULL, "nick: only the Name");
	resolves(cs, "Remark:Bob", NULL, "prefixes are lower case");
	matches(cs, "user:@bob", "@bob", "match user: cached");
	matches(cs, "user:@nobody", "", "match user: uncached gives 0");
	matches(cs, "nick:Family", "@fam", "match nick:");
	matches(cs, "group:Club", "@@club1 @@club2", "match group: both");
}

static void
test_precedence(const struct wx_contacts *cs)
{
	resolves(cs, "Bob", "@alice", "bare: Remark before another's Name");
	resolves(cs, "Alice", "@alice", "bare: Name");
	resolves(cs, "Family", "@fam", "bare: a nick before a group's Name");
	resolves(cs, "al", "@alice", "bare: Alias");
	resolves(cs, "Solo", "@onlyalias", "bare: Alias before a group's Name");
	resolves(cs, "Club", NULL, "bare: two groups are ambiguous");
	resolves(cs, "R", NULL, "bare: Remark ambiguity is not broken by a Name");
	matches(cs, "R", "@r1 @r2", "bare: the first field decides");
	matches(cs, "nick:R", "@r3", "nick: reaches the shadowed one");
	resolves(cs, "Me", "@me", "bare: self is a non-group");
	matches(cs, "Z", "@z1 @z2", "bare: two fields, two contacts");
}

static void
test_literal(const struct wx_contacts *cs)
{
	resolves(cs, "@bob", "@bob", "@name: a UserName");
	resolves(cs, "@nobody", "@nobody", "@name: even uncached");
	matches(cs, "@nobody", "", "@name: uncached matches nothing");
	matches(cs, "@@fam", "@@fam", "@@name: a group UserName");
	resolves(cs, "filehelper", "filehelper", "special: bare UserName");
	resolves(cs, "weixin", "weixin", "special: weixin");
	matches(cs, "filehelper", "filehelper", "special: before a nick of it");
	resolves(cs, "nick:filehelper", "@fh", "special: nick: still the nick");
	resolves(cs, "wxid_plain", NULL, "bare: a friend's UserName is no name");
	resolves(cs, "WeChat Team", "weixin", "special: by its Name too");
}

static void
test_exact(const struct wx_contacts *cs)
{
	resolves(cs, "\xf0\x9f\x98\x80 \xe7\x8c\xab \"q\"\nline\\", "@odd",
	         "emoji, CJK, quote, newline, backslash");
	resolves(cs, "\xf0\x9f\x98\x80 \xe7\x8c\xab \"q\"", NULL,
	         "no prefix match");
	resolves(cs, "alice", "@lower", "no case folding (alice)");
	resolves(cs, "ALICE", NULL, "no case folding (ALICE)");
	resolves(cs, "cafe\xcc\x81", NULL, "no Unicode normalisation");
	resolves(cs, "caf\xc3\xa9", "@nfc", "NFC as stored");
	resolves(cs, " Alice", NULL, "no trimming (leading)");
	resolves(cs, "T", NULL, "no trimming (stored trailing space)");
	resolves(cs, "T ", "@trail", "trailing space as stored");
	resolves(cs, "\xe6\x96\x87\xe4\xbb\xb6", "filehelper", "CJK Name");
}

static void
test_empty(const struct wx_contacts *cs)
{
	resolves(cs, "", NULL, "empty name");
	resolves(cs, "remark:", NULL, "remark: with empty Remarks cached");
	resolves(cs, "alias:", NULL, "alias: with empty Aliases cached");
	resolves(cs, "nick:", NULL, "nick: empty");
	resolves(cs, "group:", NULL, "group: empty");
	resolves(cs, "user:", NULL, "user: empty");
	matches(cs, "", "", "match: empty name");
	matches(cs, "remark:", "", "match: remark: empty");
}

static void
test_duplicates(const struct wx_contacts *cs)
{
	matches(cs, "Alice", "@alice", "a repeated UserName is one contact");
	matches(cs, "user:@alice", "@alice", "user: a repeated UserName once");
	resolves(cs, "Dup", NULL, "two contacts of one nick");
	matches(cs, "Dup", "@dup1 @dup2", "both listed, in cache order");
}

static void
test_stderr(const struct wx_contacts *cs)
{
	refused(cs, "Nobody", "test-lookup: Nobody: no contact of that name\n",
	        "none: one line");
	refused(cs, "Dup", "test-lookup: Dup: 2 contacts match; name one of "
	        "them exactly:\ntest-lookup:   @dup1 friend nick=Dup\n"
	        "test-lookup:   @dup2 public nick=Dup\n", "nick candidates");
	refused(cs, "R", "test-lookup: R: 2 contacts match; name one of them "
	        "exactly:\ntest-lookup:   @r1 friend remark=R\n"
	        "test-lookup:   @r2 friend remark=R\n", "remark candidates");
	refused(cs, "x1", "test-lookup: x1: 2 contacts match; name one of them "
	        "exactly:\ntest-lookup:   @a1 friend alias=x1\n"
	        "test-lookup:   @a2 public alias=x1\n", "alias candidates");
	refused(cs, "group:Club", "test-lookup: group:Club: 2 contacts match; "
	        "name one of them exactly:\ntest-lookup:   @@club1 group "
	        "group=Club\ntest-lookup:   @@club2 group group=Club\n",
	        "group: candidates");
	refused(cs, "Z", "test-lookup: Z: 2 contacts match; name one of them "
	        "exactly:\ntest-lookup:   @z1 friend remark=Z nick=Z\n"
	        "test-lookup:   @z2 friend remark=Z nick=Z alias=Z\n",
	        "every field that holds the name");
	refused(cs, "nick:a\nb\x1b[2J",
	        "test-lookup: nick:a\\x0ab\\x1b[2J: no contact of that name\n",
	        "control characters in the name are escaped");
	refused(cs, "", "test-lookup: : no contact of that name\n",
	        "empty name");
}

/* text fails to parse with exactly err. */
static void
malformed(const char *text, const char *want, const char *what)
{
	char err[128] = "";
	struct wx_contacts *cs = wx_contacts_parse(text, strlen(text), err,
	                                           sizeof err);

	ok(cs == NULL, what);
	is_str(err, want, what);
	wx_contacts_free(cs);
}

static void
test_malformed(void)
{
	char err[128] = "";
	struct wx_contacts *cs;
	const char *text;

	malformed("", "line 1: not a JSON object", "empty text");
	malformed("\n" HEADER, "line 1: not a JSON object", "empty line 1");
	malformed("[1]\n", "line 1: not a JSON object", "header an array");
	malformed("{\"Cache\":\"wx-session\"}\n",
	          "line 1: not a wx-contacts header", "header of another cache");
	malformed("{\"UserName\":\"@a\",\"Kind\":\"friend\"}\n",
	          "line 1: not a wx-contacts header", "no header at all");
	malformed(HEADER "{\"UserName\":\"@a\",\"Kind\":\"friend\"\n",
	          "line 2: not a JSON object", "truncated line");
	malformed(HEADER "\n\n{\"UserName\":\"@a\",\"Kind\":\"friend\"}x\n",
	          "line 4: not a JSON object", "data after; empty lines count");
	malformed(HEADER "{\"UserName\":\"@a\",\"Kind\":\"friend\"}\n"
	          "{\"Kind\":\"friend\"}\n", "line 3: no UserName", "no UserName");
	malformed(HEADER "{\"UserName\":1,\"Kind\":\"friend\"}\n",
	          "line 2: no UserName", "UserName a number");
	malformed(HEADER "{\"UserName\":\"\",\"Kind\":\"friend\"}\n",
	          "line 2: no UserName", "UserName empty");
	malformed(HEADER "{\"UserName\":\"@a\"}\n", "line 2: no Kind", "no Kind");
	malformed(HEADER "{\"UserName\":\"@a\",\"Kind\":null}\n",
	          "line 2: no Kind", "Kind null");
	malformed(HEADER "{\"UserName\":\"@a\",\"Kind\":\"robot\"}\n",
	          "line 2: unknown Kind", "unknown Kind");
	malformed(HEADER "\"x\"\n", "line 2: not a JSON object", "a string line");
	malformed(HEADER " \n", "line 2: not a JSON object", "a blank line");
	cs = wx_contacts_parse(HEADER, strlen(HEADER), err, sizeof err);
	ok(cs && wx_contacts_count(cs) == 0, "header alone: no contacts");
	resolves(cs, "Bob", NULL, "header alone: nothing resolves");
	resolves(cs, "filehelper", NULL, "header alone: filehelper unknown");
	wx_contacts_free(cs);
	text = "{\"Cache\":\"wx-contacts\"}\n"
	       "{\"UserName\":\"@a\",\"Kind\":\"friend\"}";
	cs = wx_contacts_parse(text, strlen(text), err, sizeof err);
	ok(cs != NULL, "no final LF, no Uin, no Time");
	is_str(wx_contacts_uin(cs), "", "no Uin: empty");
	is_int(wx_contacts_time(cs), 0, "no Time: 0");
	is_int(cs ? (long long)wx_contacts_count(cs) : -1, 1, "last line counts");
	wx_contacts_free(cs);
	text = "{\"Cache\":\"wx-contacts\",\"Uin\":2765482113,\"Time\":\"x\"}";
	cs = wx_contacts_parse(text, strlen(text), err, sizeof err);
	is_str(cs ? wx_contacts_uin(cs) : NULL, "2765482113", "Uin a number");
	is_int(cs ? wx_contacts_time(cs) : -1, 0, "Time not a number: 0");
	is_int(cs ? wx_contacts_partial(cs) : -1, 0, "no Partial: whole");
	wx_contacts_free(cs);
	text = "{\"Cache\":\"wx-contacts\",\"Partial\":true}";
	cs = wx_contacts_parse(text, strlen(text), err, sizeof err);
	is_int(cs ? wx_contacts_partial(cs) : -1, 1, "Partial true: wx-init's");
	wx_contacts_free(cs);
	text = "{\"Cache\":\"wx-contacts\",\"Partial\":\"true\"}";
	cs = wx_contacts_parse(text, strlen(text), err, sizeof err);
	is_int(cs ? wx_contacts_partial(cs) : -1, 0, "Partial not true: whole");
	wx_contacts_free(cs);
}

static double
seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* A group line with m members, as the server lists them. */
static void
add_group(struct wx_buf *b, int g, int m)
{
	int k;

	wx_buf_addf(b, "{\"UserName\":\"@@group%04d\",\"Kind\":\"group\","
	            "\"Name\":\"group %d\",\"MemberCount\":%d,\"MemberList\":[",
	            g, g, m);
	for (k = 0; k < m; k++)
		wx_buf_addf(b, "%s{\"Uin\":0,\"UserName\":\"@%032x%032x\","
		            "\"NickName\":\"member %d of %d\",\"AttrStatus\":0,"
		            "\"DisplayName\":\"\",\"KeyWord\":\"\"}", k ? "," : "",
		            g, k, k, g);
	wx_buf_adds(b, "]}\n");
}

/* 10,000 friends and 500 groups of 500 members: the load is reported,
 * the lookups must stay far below 10 ms (even built with sanitizers). */
static void
test_big(void)
{
	struct wx_buf b = {0};
	struct wx_contacts *cs;
	char err[128] = "", name[64], want[80];
	double t0, load, each;
	int i, good = 1;
	const char *got;

	wx_buf_adds(&b, HEADER);
	for (i = 0; i < 10000; i++) {
		snprintf(name, sizeof name, "friend %d", i);
		snprintf(want, sizeof want, "@%064x", i);
		add(&b, want, "friend", name, i % 3 ? "" : name, NULL);
	}
	for (i = 0; i < 500; i++)
		add_group(&b, i, 500);
	t0 = seconds();
	cs = wx_contacts_parse(b.p, b.len, err, sizeof err);
	load = seconds() - t0;
	ok(cs && wx_contacts_count(cs) == 10500, "big: 10,500 contacts parse");
	t0 = seconds();
	for (i = 0; cs && i < 1000; i++) {
		snprintf(name, sizeof name, "friend %d", i * 7);
		snprintf(want, sizeof want, "@%064x", i * 7);
		good &= wx_contacts_resolve(cs, name, &got) == 0 &&
		        strcmp(got, want) == 0;
		snprintf(name, sizeof name, "group:group %d", i % 500);
		good &= wx_contacts_resolve(cs, name, &got) == 0;
	}
	each = (seconds() - t0) / 2000;
	ok(good, "big: every name resolves to its contact");
	printf("# big: %.1f MB, load %.0f ms, resolve %.1f us\n",
	       (double)b.len / 1e6, load * 1e3, each * 1e6);
	ok(each < 0.010, "big: a resolve takes under 10 ms");
	wx_contacts_free(cs);
	wx_buf_free(&b);
}

/* Do a and b hold the same line for UserName user? */
static int
same_line(const struct wx_contacts *a, const struct wx_contacts *b,
          const char *user)
{
	size_t i, j, n, m;
	const char *x, *y;

	if (wx_contacts_find(a, user, &i) < 0 || wx_contacts_find(b, user, &j) < 0)
		return 0;
	x = wx_contacts_line(a, i, &n);
	y = wx_contacts_line(b, j, &m);
	return n == m && memcmp(x, y, n) == 0;
}

/* wx_contacts_load with a name reads the cache twice; the second pass
 * passes over lines that cannot hold a wanted UserName.  A name spelled
 * with escapes, a UserName that also appears inside other lines, and a
 * repeated contact all resolve as the whole cache does. */
static void
test_named_load(void)
{
	const char *names[] = { "Ann", "@ann", "Bea", "@other", NULL }, *got;
	const char *want[] = { "@ann", "@ann", "@@bea", "@other" };
	struct wx_contacts *whole, *cs;
	struct wx_buf b = {0};
	char err[128], what[64];
	FILE *f = tmpfile();
	int i;

	wx_buf_adds(&b, HEADER);
	wx_buf_adds(&b, "{\"UserName\":\"@@bea\",\"Kind\":\"group\","
	            "\"Name\":\"Bea\",\"MemberList\":[{\"UserName\":\"@ann\"}]}\n");
	add(&b, "@other", "friend", "@ann", NULL, NULL);
	wx_buf_adds(&b, "{\"UserName\":\"@\\u0061nn\",\"Kind\":\"friend\","
	            "\"Name\":\"\\u0041nn\"}\n");
	add(&b, "@ann", "friend", "Ann", NULL, NULL);
	fwrite(b.p, 1, b.len, f);
	whole = wx_contacts_parse(b.p, b.len, err, sizeof err);
	for (i = 0; names[i]; i++) {
		const char *one[] = { names[i], NULL };

		snprintf(what, sizeof what, "named load: %s", names[i]);
		rewind(f);
		cs = wx_contacts_load(f, one, err, sizeof err);
		ok(cs != NULL, what);
		got = NULL;
		if (cs)
			wx_contacts_resolve(cs, names[i], &got);
		is_str(got, want[i], what);
		snprintf(what, sizeof what, "whole cache: %s", names[i]);
		got = NULL;
		wx_contacts_resolve(whole, names[i], &got);
		is_str(got, want[i], what);
		snprintf(what, sizeof what, "named load: %s, its first line", names[i]);
		ok(cs && same_line(cs, whole, want[i]), what);
		wx_contacts_free(cs);
	}
	wx_contacts_free(whole);
	wx_buf_free(&b);
	fclose(f);
}

int
main(void)
{
	struct wx_contacts *cs;

	wx_argv0 = "test-lookup";
	cs = fixture();
	test_cache(cs);
	test_prefixes(cs);
	test_precedence(cs);
	test_literal(cs);
	test_exact(cs);
	test_empty(cs);
	test_duplicates(cs);
	test_stderr(cs);
	wx_contacts_free(cs);
	test_malformed();
	test_named_load();
	test_big();
	test_name_username();
	return tap_done();
}
