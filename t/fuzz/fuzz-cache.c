/* libFuzzer target for wx_contacts_apply (lib/contacts.c), the way
 * wx-sync updates DIR/contacts from ModContactList and DelContactList:
 * any bytes as the old cache; a contact made from the input's first
 * bytes is added, the first contact removed and the second changed.  A
 * cache of this login that parsed before parses after, with the added
 * contact and without the removed one; any other file is left as it
 * was. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "fuzz.h"

/* The line wx_contact_line writes for {"UserName":user,key:text}. */
static void
contact_line(struct wx_buf *b, const char *user, const char *key,
             const char *text, size_t n)
{
	struct wx_buf obj = {0};
	struct wx_json *j;

	wx_buf_adds(&obj, "{\"UserName\":");
	wx_json_put_strz(&obj, user);
	wx_buf_addf(&obj, ",\"%s\":", key);
	wx_json_put_str(&obj, text, n);
	wx_buf_addc(&obj, '}');
	if (!(j = wx_json_parse(obj.p, obj.len, NULL, 0)))
		abort();  /* the writer's own output */
	wx_contact_line(b, j, 0, "@self");
	wx_json_free(j);
	wx_buf_free(&obj);
}

static void
after(const struct wx_contacts *old, const char *text, size_t size,
      const char *gone)
{
	struct wx_buf now = {0};
	struct wx_contacts *cs;
	char err[256];
	size_t i;

	if (wx_read_file(fuzz_file_path, 64u << 20, &now) < 0)
		abort();
	if (!old || strcmp(wx_contacts_user(old), "@self") != 0) {
		if (now.len != size || memcmp(now.p, text, size) != 0)
			abort();  /* not this login's cache: untouched */
		wx_buf_free(&now);
		return;
	}
	if (!(cs = wx_contacts_parse(now.p, now.len, err, sizeof err)) ||
	    strcmp(wx_contacts_user(cs), "@self") != 0 ||
	    wx_contacts_find(cs, "@fuzz", &i) < 0 ||
	    (gone && wx_contacts_find(cs, gone, &i) == 0))
		abort();
	wx_contacts_free(cs);
	wx_buf_free(&now);
}

int
LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	const char *text = (const char *)data;
	struct wx_contacts_change ch[3];
	struct wx_buf added = {0}, changed = {0};
	struct wx_contacts *old;
	char err[256], *gone = NULL;
	size_t n = 0;

	fuzz_file("contacts");
	if (wx_write_atomic(fuzz_file_path, text, size, 0600) < 0)
		abort();
	old = wx_contacts_parse(text, size, err, sizeof err);
	contact_line(&added, "@fuzz", "NickName", text, size < 64 ? size : 64);
	ch[n++] = (struct wx_contacts_change){ "@fuzz", added.p, added.len };
	/* The first contact is removed unless it is @fuzz: the removal, a
	 * later change, would win over the addition. */
	if (old && wx_contacts_count(old) > 0 &&
	    strcmp(wx_contacts_username(old, 0), "@fuzz") != 0) {
		gone = wx_strdup(wx_contacts_username(old, 0));
		ch[n++] = (struct wx_contacts_change){ gone, NULL, 0 };
	}
	/* A second contact of the first's UserName (a cache may repeat
	 * one) is not changed: the later change would win, and the first
	 * would not be gone. */
	if (old && wx_contacts_count(old) > 1 &&
	    (!gone || strcmp(wx_contacts_username(old, 1), gone) != 0)) {
		contact_line(&changed, wx_contacts_username(old, 1), "RemarkName",
		             text, size < 32 ? size : 32);
		ch[n++] = (struct wx_contacts_change){
			wx_contacts_username(old, 1), changed.p, changed.len };
	}
	if (wx_contacts_apply(fuzz_dir_path, "@self", ch, n) < 0)
		abort();
	after(old, text, size, gone);
	free(gone);
	wx_contacts_free(old);
	wx_buf_free(&added);
	wx_buf_free(&changed);
	return 0;
}
