/* msg.c — webwxsync's events as wx-sync prints them (protocol.md §8,
 * design.md §3): a message with its derived fields, a contact change,
 * a removal; and the TypeName of a MsgType. */
#include <stdlib.h>
#include <string.h>

#include "wx.h"

/* Longest sender token before ":<br/>" we take for a UserName (a session
 * UserName is 65 characters, a wxid far less). */
#define SENDER_MAX 96

const char *
wx_msg_typename(long long type, long long apptype, long long subtype)
{
	switch (type) {
	case 1:     return subtype == 48 ? "location" : "text";
	case 3:     return "image";
	case 34:    return "voice";
	case 37:    return "verify";
	case 42:    return "card";
	case 43: case 44: case 62:
	            return "video";
	case 47:    return "emoji";
	case 48:    return "location";
	case 49:
		switch (apptype) {
		case 6:  return "file";
		case 8:  return "emoji";
		default: return "link";
		}
	case 51:    return "status";
	case 50: case 52: case 53: case 9999: case 10000:
	            return "system";
	case 10002: return "revoke";
	default:    return "unknown";
	}
}

/* ---- what a message says ---- */

static int
is_room(const char *u)
{
	size_t n = strlen(u);

	return strncmp(u, "@@", 2) == 0 ||
	       (n > 9 && strcmp(u + n - 9, "@chatroom") == 0);
}

/* RC's sender token: "@" and letters/digits, or a raw wxid. */
static int
is_sender_token(const char *s, size_t n)
{
	size_t i = s[0] == '@' ? 1 : 0;

	if (n == i || n > SENDER_MAX)
		return 0;
	for (; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
		      (s[i] >= '0' && s[i] <= '9') ||
		      (s[0] != '@' && (s[i] == '_' || s[i] == '-'))))
			return 0;
	return 1;
}

/* The fields every message line derives. */
struct said {
	char *from, *to, *content;
	long long type;
	const char *typename;   /* wx_msg_type */
	char *sender;           /* malloc'd */
	const char *chat;       /* from or to */
	const char *payload;    /* content after a group's sender prefix */
	char *text;             /* payload decoded */
};

static char *
getstr(const struct wx_json *j, int obj, const char *key)
{
	char *s = wx_json_getstr(j, obj, key);

	return s ? s : wx_strdup("");
}

static long long
getint(const struct wx_json *j, int obj, const char *key)
{
	long long v;

	return wx_json_int(j, wx_json_get(j, obj, key), &v) == 0 ? v : 0;
}

const char *
wx_msg_type(const struct wx_json *j, int obj)
{
	return wx_msg_typename(getint(j, obj, "MsgType"),
	                       getint(j, obj, "AppMsgType"),
	                       getint(j, obj, "SubMsgType"));
}

/* protocol.md §8.5: in a group, "<sender>:<br/>" starts the Content of a
 * member's message; one sent by self from another device has none. */
static void
split_sender(struct said *m, const char *self)
{
	const char *sep = strstr(m->content, ":<br/>");

	m->payload = m->content;
	m->chat = strcmp(m->from, self) == 0 ? m->to : m->from;
	if (strcmp(m->from, self) != 0 && is_room(m->from) && sep &&
	    is_sender_token(m->content, (size_t)(sep - m->content))) {
		m->sender = wx_strndup(m->content, (size_t)(sep - m->content));
		m->payload = sep + 6;
	} else {
		m->sender = wx_strdup(m->from);
	}
}

static void
said_read(struct said *m, const struct wx_json *j, int obj, const char *self)
{
	m->from = getstr(j, obj, "FromUserName");
	m->to = getstr(j, obj, "ToUserName");
	m->content = getstr(j, obj, "Content");
	m->type = getint(j, obj, "MsgType");
	m->typename = wx_msg_type(j, obj);
	split_sender(m, self);
	m->text = wx_text_decode(m->payload, strlen(m->payload));
}

static void
said_free(struct said *m)
{
	free(m->from);
	free(m->to);
	free(m->content);
	free(m->sender);
	free(m->text);
}

/* The text between <tag> and </tag> in xml (CDATA unwrapped, entities
 * decoded), malloc'd; NULL when there is none. */
static char *
element(const char *xml, const char *tag)
{
	char *open = wx_asprintf("<%s>", tag), *close = wx_asprintf("</%s>", tag);
	const char *a = strstr(xml, open), *z;
	char *v = NULL;

	if (a && (z = strstr(a += strlen(open), close)) != NULL) {
		if (strncmp(a, "<![CDATA[", 9) == 0 && z - a >= 12 &&
		    strncmp(z - 3, "]]>", 3) == 0) {
			a += 9;
			z -= 3;
		}
		v = wx_text_decode(a, (size_t)(z - a));
	}
	free(open);
	free(close);
	return v;
}

/* ,"KEY":"value" unless value is NULL or empty; frees value. */
static void
put_field(struct wx_buf *b, const char *key, char *value)
{
	if (value && *value) {
		wx_buf_addf(b, ",\"%s\":", key);
		wx_json_put_strz(b, value);
	}
	free(value);
}

/* SenderName and ChatName from the contacts cache: a group member by
 * the name the group shows, else as a contact. */
static void
put_names(struct wx_buf *b, const struct said *m,
          const struct wx_contacts *cs)
{
	size_t room, i;
	const char *name = "";

	if (!cs)
		return;
	if (is_room(m->chat) && wx_contacts_find(cs, m->chat, &room) == 0)
		name = wx_contacts_member(cs, room, m->sender);
	if (!*name && wx_contacts_find(cs, m->sender, &i) == 0)
		name = wx_contacts_name(cs, i);
	put_field(b, "SenderName", wx_strdup(name));
	if (wx_contacts_find(cs, m->chat, &i) == 0)
		put_field(b, "ChatName", wx_strdup(wx_contacts_name(cs, i)));
}

/* RevokedMsgId: the recalled MsgId of a 10002, when it is a number. */
static void
put_revoked(struct wx_buf *b, const struct said *m)
{
	char *id = element(m->text, "msgid");
	uint64_t v;

	if (id && wx_parse_u64(id, strlen(id), UINT64_MAX, &v) == 0)
		put_field(b, "RevokedMsgId", id);
	else
		free(id);
}

/* Label of a location: the text before the map path (§8.6). */
static void
put_label(struct wx_buf *b, const struct said *m)
{
	const char *sep = strstr(m->payload, ":<br/>");

	if (sep)
		put_field(b, "Label", wx_text_decode(m->payload,
		                                     (size_t)(sep - m->payload)));
}

/* Title and Link of an app message: the appmsg's title and url (Link
 * falls back on the server's Url). */
static void
put_app(struct wx_buf *b, const struct said *m, const struct wx_json *j,
        int obj)
{
	char *url = element(m->text, "url");

	put_field(b, "Title", element(m->text, "title"));
	if (!url || !*url) {
		free(url);
		url = getstr(j, obj, "Url");
	}
	put_field(b, "Link", url);
}

static const char *const derived_keys[] = {
	"Event", "Text", "Sender", "Chat", "TypeName", "SenderName",
	"ChatName", "RevokedMsgId", "Title", "Link", "Label", NULL,
};

/* {"Event":"NAME", then the members of tmp (a written object) */
static void
put_event(struct wx_buf *b, const char *name, const struct wx_buf *tmp)
{
	const char *p = tmp->p + 1;

	wx_buf_addf(b, "{\"Event\":\"%s\"", name);
	if (*p && *p != '}' && *p != ',')
		wx_buf_addc(b, ',');
	wx_buf_add(b, p, tmp->len - 1);
}

void
wx_msg_line(struct wx_buf *b, const struct wx_json *j, int obj,
            const char *self, const struct wx_contacts *cs)
{
	struct wx_buf tmp = {0};
	struct said m = {0};
	const char *type;

	said_read(&m, j, obj, self);
	type = m.typename;
	wx_json_put_members(&tmp, j, obj, derived_keys, 1);
	put_event(b, "message", &tmp);
	wx_buf_adds(b, ",\"Text\":");
	wx_json_put_strz(b, m.text);
	wx_buf_adds(b, ",\"Sender\":");
	wx_json_put_strz(b, m.sender);
	wx_buf_adds(b, ",\"Chat\":");
	wx_json_put_strz(b, m.chat);
	wx_buf_addf(b, ",\"TypeName\":\"%s\"", type);
	put_names(b, &m, cs);
	if (strcmp(type, "revoke") == 0)
		put_revoked(b, &m);
	else if (strcmp(type, "location") == 0)
		put_label(b, &m);
	else if (m.type == 49)
		put_app(b, &m, j, obj);
	wx_buf_adds(b, "}\n");
	wx_buf_free(&tmp);
	said_free(&m);
}

/* A server member of that name would say a second, false Event. */
static const char *const event_key[] = { "Event", NULL };

void
wx_event_contact_line(struct wx_buf *b, const struct wx_json *j, int obj,
                      const char *self, int del)
{
	struct wx_buf tmp = {0};

	if (del) {
		wx_json_put_members(&tmp, j, obj, event_key, 1);
		wx_buf_adds(&tmp, "}\n");
	} else
		wx_contact_line(&tmp, j, obj, self);
	put_event(b, del ? "delcontact" : "modcontact", &tmp);
	wx_buf_free(&tmp);
}
