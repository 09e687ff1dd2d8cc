/* emu.h — internal interface of wx-emu, the local Web WeChat server.
 * Grouped by source file.  Threading: libmicrohttpd runs the connections
 * on a few polling threads, and net.c answers a complete request there,
 * or on a thread of its own when it may wait (a long poll); every
 * handler runs with the world lock held (net.c takes it around
 * dispatch), and long polls wait on the world condition variable with
 * emu_wait(), which releases the lock while waiting. */
#ifndef EMU_H
#define EMU_H

#include <stdint.h>
#include <time.h>

#include "wx.h"

/* ---- main.c: options ---- */

struct emu_opts {
	int port;               /* -p, 0 = any */
	const char *portfile;   /* -P */
	const char *cert, *key; /* -c, -k: TLS when both set */
	const char *logfile;    /* -l: NDJSON request log */
	const char *web;        /* -w: web host for redirect_uri (wx2.qq.com) */
	int autoconfirm;        /* -a */
	int filehelper;         /* -F: the file-helper profile (fh.c) */
	int contacts;           /* -n */
	int groups, members;    /* -g, -m */
	const char *world;      /* -W: world file (NDJSON) instead of -n/-g/-m */
	long long hold_ns;      /* -H: long-poll hold, ns (25 s) */
	unsigned long seed;     /* -s */
	int maxconn;            /* connection cap */
};
extern struct emu_opts emu_opt;

/* ---- net.c: requests, responses, dispatch, faults, request log ---- */

enum emu_role { EMU_LOGIN, EMU_WEB, EMU_PUSH, EMU_FILE, EMU_CONTROL };

struct emu_req {
	const char *method;     /* "GET", "POST", … */
	const char *path;       /* without query: "/cgi-bin/mmwebwx-bin/webwxinit" */
	const char *uri;        /* the request target as sent, undecoded */
	const char *endpoint;   /* last path part: "webwxinit", "jslogin", "qrcode" */
	char host[128];         /* Host header, lower-case, port removed */
	char family[64];        /* web host of the Host's family ("wx2.qq.com") */
	enum emu_role role;
	struct wx_buf body;     /* request body (capped per endpoint) */
	struct wx_json *json;   /* body parsed, for endpoints that take JSON */
	void *conn;             /* struct MHD_Connection * */
};

/* Query argument (decoded), request header, cookie; NULL if absent. */
const char *emu_arg(const struct emu_req *r, const char *name);
const char *emu_header(const struct emu_req *r, const char *name);
const char *emu_cookie(const struct emu_req *r, const char *name);

struct emu_resp {
	int status;             /* 200 unless set */
	struct wx_buf headers;  /* "Name: value\r\n" lines, in send order */
	struct wx_buf body;
	int sts;                /* add the Strict-Transport-Security header */
	int may_gzip;           /* gzip when the client accepts it and body >= 267 B */
	int drop;               /* close the connection without an answer */
};
void emu_resp_header(struct emu_resp *w, const char *name, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* "Set-Cookie: NAME=VALUE; Domain=D; Path=/; Expires=<cookie date>; Secure"
 * (protocol.md §3.6), expiring `life` seconds from now. */
void emu_set_cookie(struct emu_resp *w, const char *name, const char *value,
                    const char *domain, long life);
/* Parent domain of the cookies shared by every host of host's family:
 * ".qq.com" (§3.6), ".wechat.com" for the overseas hosts. */
const char *emu_shared_domain(const char *host);
/* A plain-text answer with this status: the refusal of a bad request. */
void emu_resp_text(struct emu_resp *w, int status, const char *text);
/* The captured heads: text/plain JSON + STS (§3.1), text/javascript. */
void emu_resp_json(struct emu_resp *w);
void emu_resp_js(struct emu_resp *w);

/* Faults armed by POST /_emu/fault for an endpoint.  net.c applies the
 * transport kinds itself (http500, reset, truncate, malformed, slow) and
 * cookie (an extra Set-Cookie);
 * emu_fault_ret() consumes an armed retNNNN fault for r's endpoint and
 * returns NNNN (0 if none): emu_auth() calls it, so every authenticated
 * endpoint answers its own error shape with that code;
 * emu_fault_selector() consumes an armed selectorN fault (synccheck) and
 * returns N, -1 if none. */
int emu_fault_ret(const struct emu_req *r);
int emu_fault_selector(const struct emu_req *r);
int emu_fault_arm(const char *endpoint, const char *kind, int count);
/* Cookie-style date with hyphens: "Mon, 31-Dec-2018 00:57:48 GMT". */
void emu_http_date(time_t t, char out[40]);
/* HTTP date of Last-Modified: "Mon, 31 Dec 2018 00:19:01 GMT". */
void emu_imf_date(time_t t, char out[40]);
/* The Strict-Transport-Security value every web answer carries (§3.1). */
#define EMU_STS "max-age=31536000 ; includeSubDomains"
/* Start the listener on 127.0.0.1 (*port 0: any; the bound port is put
 * back); TLS when cert and key (PEM text) are given; log may be NULL.
 * Returns the daemon (struct MHD_Daemon *) or NULL. */
void *emu_daemon_start(FILE *log, const char *cert, const char *key,
                       int *port);
void emu_daemon_stop(void *daemon);

/* ---- jw.c: JSON in the server's layout (protocol.md §3.1) ---- */

/* Object: "{" LF, members joined by "," LF, then LF "}" LF (no extra LF
 * when the last member already ended with LF, i.e. was an object).
 * Member: "\"Key\": " value.  Array: "[" elements joined by "," "]".
 * Strings: " \ and control characters escaped, "/" and non-ASCII raw. */
#define EMU_JW_DEPTH 16
struct emu_jw {
	struct wx_buf *b;
	int depth;
	int count[EMU_JW_DEPTH];  /* members/elements written at each level */
	char kind[EMU_JW_DEPTH];  /* '{' or '[' */
};
void emu_jw_begin(struct emu_jw *w, struct wx_buf *b); /* the root object */
void emu_jw_end(struct emu_jw *w);                     /* closes obj/array */
void emu_jw_key(struct emu_jw *w, const char *key);    /* next member's key */
void emu_jw_obj(struct emu_jw *w);                     /* open object value */
void emu_jw_arr(struct emu_jw *w);                     /* open array value */
void emu_jw_str(struct emu_jw *w, const char *s);
void emu_jw_strn(struct emu_jw *w, const char *s, size_t n);
void emu_jw_int(struct emu_jw *w, long long v);
void emu_jw_u64(struct emu_jw *w, uint64_t v);
/* Shorthands: key + value. */
void emu_jw_kstr(struct emu_jw *w, const char *key, const char *s);
void emu_jw_kint(struct emu_jw *w, const char *key, long long v);
/* "BaseResponse": {"Ret": ret, "ErrMsg": ""} */
void emu_jw_base_response(struct emu_jw *w, int ret, const char *errmsg);

/* ---- world.c: the account, its contacts, logins, sessions, events ---- */

enum emu_ckind { EMU_PERSON, EMU_ROOM, EMU_MP, EMU_SPECIAL, EMU_SELF };

struct emu_contact {
	enum emu_ckind kind;
	char username[72];      /* @<32|64 hex>, @@<64 hex>, or a bare name */
	char *nickname;         /* server form: entities and emoji spans */
	char *remark, *signature, *alias, *province, *city;
	char *pyinitial, *pyquanpin, *keyword;
	char *rpyinitial, *rpyquanpin;  /* RemarkPY*: NULL = "" */
	int sex, verifyflag, contactflag, attrstatus, snsflag, statues;
	int starfriend;
	uint32_t uin;           /* 0 except self */
	uint32_t headseq;       /* HeadImgUrl seq */
	uint32_t owneruin;      /* OwnerUin (rooms; 0 when generated) */
	int saved;              /* listed by webwxgetcontact */
	/* rooms */
	char encry[40];         /* EncryChatRoomId "@<32 hex>" */
	int nmembers;
	int *members;           /* indices into world.contacts, or into
	                           world.strangers when < 0 (-1 - i) */
	char *topic_owner;      /* ChatRoomOwner UserName */
	char **mnick, **mdisplay;  /* rooms of -W: each member's NickName and
	                              DisplayName as the file gave them (NULL
	                              entry: absent); NULL when generated */
};

enum emu_login_state {
	EMU_WAITING, EMU_SCANNED, EMU_CONFIRMED, EMU_EXPIRED, EMU_CANCELLED,
	EMU_USED,               /* ticket exchanged by webwxnewloginpage */
};

struct emu_login {             /* one uuid from jslogin / pushloginurl */
	char uuid[16];
	enum emu_login_state state;
	char ticket[40];        /* 24 chars + "@qrticket_0" once confirmed */
	char web[64];           /* web host put in redirect_uri */
	char lang[16];
	int desktop;            /* redirect_uri had mod=desktop */
	time_t created, scanned, confirmed;
	int polls;              /* login polls seen (for -a) */
	int told;               /* the 201 of this scan was answered */
};

struct emu_session {           /* one webwxnewloginpage → logout/kick */
	uint32_t uin;
	char sid[20], skey[64], pass_ticket[80];
	char data_ticket[32], uvid[100], auth_ticket[200];
	char web[64];           /* host family of this session */
	int desktop;
	time_t loadtime;        /* wxloadtime cookie = init SystemTime */
	int dead;               /* 0, 1100 (logout) or 1101 (kicked/replaced) */
	int inited;             /* webwxinit answered */
	int synced;             /* first webwxsync answered */
	uint64_t seen;          /* last event seq delivered by webwxsync */
	uint64_t base;          /* SyncKey values = base + seq */
};

/* An event for webwxsync: a message (AddMsgList), a contact change
 * (ModContactList) or a removal (DelContactList). */
enum emu_ekind { EMU_EV_MSG, EMU_EV_MODCONTACT, EMU_EV_DELCONTACT };

struct emu_recommend {         /* RecommendInfo (§8.1): 37, 40, 42 */
	char *username, *nickname, *province, *city, *content, *signature;
	char *alias, *ticket;
	long long qqnum;
	int scene, verifyflag, attrstatus, sex, opcode;
};

/* An AddMsgList entry.  NULL strings go out as "", so a message sets
 * only what its type uses. */
struct emu_msg {
	uint64_t msgid;         /* MsgId = NewMsgId */
	char *from, *to;        /* UserNames */
	int type;               /* MsgType */
	char *content;          /* server form (escaped, <br/>) */
	time_t createtime;
	int status, imgstatus, appmsgtype, subtype;
	int statuscode;         /* StatusNotifyCode */
	char *statususer;       /* StatusNotifyUserName */
	char *filename, *filesize, *mediaid, *url, *oricontent, *encryname;
	int voicelength, playlength, imgwidth, imgheight;
	int forwardflag, hasproductid;
	char *ticket;
	char *appid;            /* AppInfo.AppID */
	int apptype;            /* AppInfo.Type */
	struct emu_recommend rec;
	struct wx_buf media;    /* bytes served by the download endpoints */
};

/* The members of struct emu_msg a test may set by their AddMsgList names
 * ("RecommendInfo.NickName" for a nested one): every one but MsgId,
 * From/To, Content and NewMsgId.  world.c copies and frees the strings
 * by this table, inject.c sets the members a body gives. */
enum emu_ftype { EMU_F_INT, EMU_F_I64, EMU_F_TIME, EMU_F_STR };
struct emu_field {
	const char *name;
	size_t off;             /* offsetof(struct emu_msg, …) */
	enum emu_ftype type;
};
extern const struct emu_field emu_msg_fields[];
extern const size_t emu_msg_nfields;
/* Where field f lives in m: an int, long long, time_t or char * by f->type. */
void *emu_msg_member(struct emu_msg *m, const struct emu_field *f);

struct emu_event {
	uint64_t seq;           /* world-wide, increasing */
	enum emu_ekind kind;
	const struct emu_session *only;  /* NULL: for every session */
	struct emu_msg msg;     /* EMU_EV_MSG */
	int contact;            /* index into world.contacts (MOD/DEL) */
};

struct emu_sent {              /* what a client sent, for GET /_emu/sent */
	char *json;             /* one NDJSON line, without LF */
};

struct emu_upload {            /* media uploaded, by MediaId */
	char mediaid[700];
	char *name, *type;
	char clientmediaid[32];
	int chunks, got;        /* chunk count, chunks received */
	struct wx_buf *parts;   /* one buffer per chunk index */
	struct wx_buf data;     /* reassembled file once complete */
	char md5[33];
};

struct emu_world {
	struct emu_contact *contacts;   /* [0] is self */
	int ncontacts;
	struct emu_contact *strangers;  /* room members who are not contacts */
	int nstrangers;
	struct emu_login *logins;
	int nlogins;
	struct emu_session *sessions;
	int nsessions;
	struct emu_event *events;       /* ring of the last EMU_EVENTS events */
	uint64_t seq;                   /* seq of the newest event */
	struct emu_sent *sent;          /* last EMU_SENT sends */
	size_t nsent, sentpos;
	struct emu_upload *uploads;
	int nuploads;
	uint64_t nextid;                /* MsgId generator state */
	uint64_t changes;               /* emu_notify() calls: /_emu/changes */
	unsigned long rng;              /* deterministic PRNG state */
};
/* A burst of 100000 injected messages and the events around it fit;
 * slots cost memory only once used (~330 B a slot, its strings apart). */
#define EMU_EVENTS 262144
#define EMU_SENT 65536
extern struct emu_world world;

/* Generate from emu_opt (seeded), or load emu_opt.world. */
void emu_world_init(void);
void emu_world_free(void);
/* Shutdown: wake every emu_wait(), which from then on returns -1 at once. */
void emu_world_stop(void);
void emu_lock(void);
void emu_unlock(void);
/* Wait (lock held) until emu_notify() or the absolute deadline; returns 0
 * on notify, -1 on timeout. */
int emu_wait(const struct timespec *deadline);
/* The deadline of a long poll: now + the -H hold, to the nanosecond (a
 * whole-second deadline would hold N-1..N seconds). */
struct timespec emu_hold_deadline(void);
void emu_notify(void);
unsigned long emu_rand(void);       /* seeded PRNG (lock held) */
/* Fill out with n random characters of set. */
void emu_randstr(char *out, size_t n, const char *set);
uint64_t emu_new_msgid(void);       /* 19-digit ids */

struct emu_contact *emu_contact_by_name(const char *username);
/* Free what c holds (its strings, member lists), not c itself. */
void emu_contact_free(struct emu_contact *c);
struct emu_contact *emu_member(const struct emu_contact *room, int i);
struct emu_login *emu_login_new(const char *web, const char *lang, int desktop);
struct emu_login *emu_login_find(const char *uuid);
struct emu_login *emu_login_latest(void);
/* Phone-side transitions (control API, -a, push login); each wakes polls.
 * confirm also scans and makes the ticket.  -1 if l is past that step. */
int emu_login_scan(struct emu_login *l);
int emu_login_confirm(struct emu_login *l);
int emu_login_cancel(struct emu_login *l);
int emu_login_expire(struct emu_login *l);
/* New session for a confirmed login; older live sessions become dead 1101
 * ("logged in elsewhere"). */
struct emu_session *emu_session_new(const struct emu_login *l);
struct emu_session *emu_session_newest(void);
/* Append an event and wake long polls.  The message's strings are copied. */
uint64_t emu_event_msg(const struct emu_msg *m, const struct emu_session *only);
/* Free a message's text fields (content … encryname), not from/to/media:
 * for callers whose from/to point into the contact table. */
void emu_msg_free_text(struct emu_msg *m);
uint64_t emu_event_contact(enum emu_ekind kind, int contact);
/* First event with seq > after that s may see; NULL if none. */
const struct emu_event *emu_event_next(const struct emu_session *s,
                                       uint64_t after);
/* One line of GET /_emu/sent, built member by member from {0}:
 * "key":"value" and "key":number; emu_sent_add closes and keeps it
 * (line is left empty). */
void emu_sent_str(struct wx_buf *line, const char *key, const char *val);
void emu_sent_int(struct wx_buf *line, const char *key, long long val);
void emu_sent_add(struct wx_buf *line);
/* Decimal uint64 that is the whole of s (NULL allowed); -1 if not. */
int emu_parse_u64(const char *s, uint64_t *out);
struct emu_msg *emu_msg_by_id(uint64_t msgid);  /* for downloads, revoke */

/* ---- load.c: the world of -W ---- */

/* Fill world.contacts ([0] self) and world.strangers from the NDJSON file
 * at path (wx-emu(1) -W); exit 100 "FILE:LINE: reason" on bad input. */
void emu_load_world(const char *path);

/* ---- auth.c: who a request is ---- */

/* Authenticate a request on Uin/Sid/Skey taken from BaseRequest, the query
 * (uin, sid, skey) or the cookies (wxuin, wxsid), in that order; checks
 * the host family.  NULL with *ret = 1100 (unknown or logged out), 1101
 * (replaced/kicked), 1102 (no credentials at all) or an armed retNNNN
 * fault. */
struct emu_session *emu_auth(const struct emu_req *r, int *ret);

/* ---- fh.c: the file-helper profile (-F) ---- */

/* Where a request names the app (filehelper.md §8): the mmweb_appid
 * header (XHR: the POSTs, webwxnewloginpage), the mmweb_appid query
 * parameter (synccheck, downloads), the appid query parameter (jslogin,
 * the login poll). */
enum emu_fh_where { EMU_FH_HEADER, EMU_FH_QUERY, EMU_FH_APPID };
/* 1 under -F when r does not name wx_webfilehelper there; 0 without -F. */
int emu_fh_lacks(const struct emu_req *r, enum emu_fh_where where);
/* The file-helper entry host jslogin's redirect_uri names, once or twice
 * encoded (libmicrohttpd decoded it once already), malloc'd; NULL when
 * it names none. */
char *emu_fh_entry(const char *redirect_uri);

/* ---- handlers: each returns after filling w; lock held ---- */

/* login.c */
void emu_home(struct emu_req *r, struct emu_resp *w);          /* GET / on web */
void emu_jslogin(struct emu_req *r, struct emu_resp *w);
void emu_qrcode(struct emu_req *r, struct emu_resp *w);
/* The QR image of login uuid as /qrcode/ serves it (404 if unknown). */
void emu_qrcode_of(const char *uuid, struct emu_resp *w);
/* qr as the JPEG the real server serves for QR codes (and, here, as a
 * contact's avatar). */
struct wx_qr;
void emu_qr_jpeg(const struct wx_qr *qr, struct wx_buf *b);
void emu_loginpoll(struct emu_req *r, struct emu_resp *w);
void emu_newloginpage(struct emu_req *r, struct emu_resp *w);
void emu_pushloginurl(struct emu_req *r, struct emu_resp *w);
/* session.c */
/* A contact object in the shape an answer needs (protocol.md §9): init's
 * ContactList (rooms with partial members), webwxgetcontact's list (rooms
 * without members), webwxbatchgetcontact (rooms with full members and
 * EncryChatRoomId), webwxsync's ModContactList (9.3). */
enum emu_cform { EMU_CF_INIT, EMU_CF_LIST, EMU_CF_BATCH, EMU_CF_MOD };
void emu_put_contact(struct emu_jw *w, const struct emu_contact *c,
                     const struct emu_session *s, enum emu_cform form);
/* The real account id behind a UserName (wxid_…, <n>@chatroom, gh_…),
 * stable for a contact. */
void emu_real_id(const struct emu_contact *c, char *out, size_t size);
/* Make m the MsgType 51 / StatusNotifyCode 4 chat list (§8.6): the recent
 * chats as real ids in Content and as UserNames in StatusNotifyUserName,
 * in the same order, read before now.  Both strings malloc'd. */
void emu_chat_list(struct emu_msg *m, time_t now);
void emu_webwxinit(struct emu_req *r, struct emu_resp *w);
void emu_statusnotify(struct emu_req *r, struct emu_resp *w);
void emu_getcontact(struct emu_req *r, struct emu_resp *w);
void emu_batchgetcontact(struct emu_req *r, struct emu_resp *w);
void emu_logout(struct emu_req *r, struct emu_resp *w);
void emu_geticon(struct emu_req *r, struct emu_resp *w);       /* and headimg */
/* sync.c */
/* Member `name` ("SyncKey", "SyncCheckKey") for session s at event
 * position seq: keys 1,2,3,1000 (init) or, once synced, 1,2,3,11,201,
 * 1000,1001.  s NULL: {"Count": 0, "List": []} of an error answer. */
void emu_put_synckey(struct emu_jw *w, const char *name,
                     const struct emu_session *s, uint64_t seq, int synced);
void emu_synccheck(struct emu_req *r, struct emu_resp *w);
void emu_webwxsync(struct emu_req *r, struct emu_resp *w);
/* upload.c */
void emu_uploadmedia(struct emu_req *r, struct emu_resp *w);
void emu_checkupload(struct emu_req *r, struct emu_resp *w);
/* EncryFileName: every byte but letters and digits percent-encoded
 * ("IMG_1854.JPG" is "IMG%5F1854%2EJPG"), appended to b. */
void emu_encry_name(struct wx_buf *b, const char *name);
/* The finished upload of this MediaId (NULL allowed), or NULL. */
struct emu_upload *emu_upload_find(const char *mediaid);
/* Release what an upload holds (emu_world_free, dropped uploads). */
void emu_upload_free(struct emu_upload *u);
/* send.c */
void emu_sendmsg(struct emu_req *r, struct emu_resp *w);       /* all send* */
void emu_revokemsg(struct emu_req *r, struct emu_resp *w);
/* account.c */
void emu_verifyuser(struct emu_req *r, struct emu_resp *w);
void emu_oplog(struct emu_req *r, struct emu_resp *w);
/* group.c */
void emu_updatechatroom(struct emu_req *r, struct emu_resp *w);
void emu_createchatroom(struct emu_req *r, struct emu_resp *w);
/* download.c */
void emu_download(struct emu_req *r, struct emu_resp *w);      /* getmsgimg, voice, video, media */
/* The newest message of session s carrying mediaid (an injected file),
 * or NULL. */
const struct emu_msg *emu_msg_by_mediaid(const struct emu_session *s,
                                         const char *mediaid);
/* The download endpoint of m's own bytes by its type: webwxgetvoice,
 * webwxgetvideo, webwxgetmedia (a file) or webwxgetmsgimg. */
const char *emu_msg_endpoint(const struct emu_msg *m);
/* The bytes endpoint serves for m (thumb: type=slave): m's upload or
 * Media on emu_msg_endpoint(m), else made-up bytes fit for the endpoint,
 * the same for the same MsgId, which are put in made. */
const struct wx_buf *emu_msg_bytes(const struct emu_msg *m,
                                   const char *endpoint, int thumb,
                                   struct wx_buf *made);
/* multipart.c */
#define EMU_MP_PARTS 32
struct emu_part {               /* one form field; data points into the body */
	char name[64];
	char filename[256];
	const char *data;
	size_t len;
};
/* boundary parameter of a multipart/form-data Content-Type; -1 if none. */
int emu_mp_boundary(const char *ctype, char *out, size_t size);
/* Split body into at most max parts; their count, -1 on a framing error. */
int emu_mp_parse(const char *body, size_t len, const char *boundary,
                 struct emu_part *parts, int max);
/* The part named name (the last one wins), or NULL. */
const struct emu_part *emu_mp_field(const struct emu_part *parts, int n,
                                    const char *name);
/* A small text field as a string (malloc'd), NULL if absent. */
char *emu_mp_text(const struct emu_part *parts, int n, const char *name);
/* control.c */
void emu_control(struct emu_req *r, struct emu_resp *w);       /* /_emu/… */
/* /_emu/changes, the one control call that may wait (a long poll). */
void emu_changes(struct emu_req *r, struct emu_resp *w);
/* phone.c: the phone page's files (cmd/wx-emu/phone.*), made C arrays by
 * cmd/wx-emu/embed.sh at build time */
struct emu_asset {
	const char *name;       /* base name: "phone.html" */
	const unsigned char *data;
	size_t len;
};
extern const struct emu_asset emu_assets[];
extern const size_t emu_nassets;
/* Serve the page file of control path name ("" is the page itself);
 * -1 if there is none of that name. */
int emu_page(const char *name, struct emu_resp *w);
/* inject.c: POST /_emu/message (wx-emu(1) describes the body) */
/* One message from the JSON body j; its MsgId, or 0 with *err set to
 * the 400 answer's text. */
uint64_t emu_inject(const struct wx_json *j, const char **err);
/* The i-th generated text message of ?count=N; its MsgId. */
uint64_t emu_inject_generated(int i);
/* Make m the 10002 recall notice (§8.6): Status 4, the revokemsg sysmsg
 * naming msgid in chat session, with replacemsg as its text. */
void emu_set_revoke(struct emu_msg *m, const char *session,
                    uint64_t oldmsgid, uint64_t msgid, const char *replacemsg);

#endif
