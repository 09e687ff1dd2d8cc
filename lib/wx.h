/* wx.h — the one header of libwx: first the functions that can end the
 * process, then the rest grouped by source file.
 * Every public name starts with wx_.  Commands never see libcurl, jsmn,
 * libqrencode or libpng types: only what is declared here. */
#ifndef WX_H
#define WX_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

/* ---- Exit codes and the command's name ---- */

/* Exit codes, the same table in every man page (design.md §3). */
enum {
	WX_EXIT_OK = 0,       /* done */
	WX_EXIT_REFUSED = 1,  /* the server said no */
	WX_EXIT_TIMEOUT = 99, /* -t ran out */
	WX_EXIT_USAGE = 100,  /* usage or bad local input */
	WX_EXIT_TEMP = 111,   /* network, 5xx, truncated/malformed answer: retry */
};

/* Set by each main() to its literal name ("wx-uuid"); prefixes diagnostics. */
extern const char *wx_argv0;

struct wx_buf;
struct wx_http;
struct wx_state;

/* ---- Functions that end the process ----
 * Only the functions of this heading call exit().  Every other function
 * of libwx returns its failure, except that running out of memory ends
 * any of them with WX_EXIT_TEMP (through wx_malloc). */

/* util.c: print "wx-NAME: message" (wx_warn below) and exit with code. */
_Noreturn void wx_die(int code, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* util.c: "usage: SYNOPSIS" and the "-h | -V" form on stdout and exit 0
 * when help (-h), else on stderr and exit WX_EXIT_USAGE (a bad option or
 * operand).  A SYNOPSIS of several forms has "\n       " between them. */
_Noreturn void wx_usage(const char *synopsis, int help);
/* util.c: -V: "wx-NAME VERSION" on stdout and exit 0 (111 if it cannot
 * be written). */
_Noreturn void wx_version(void);
/* util.c: strict decimal option: whole string, in range, else exit 100
 * naming the option ("-t: bad number 'x'"). */
long long wx_strtonum(const char *s, long long min, long long max,
                      const char *what);
/* util.c: checked allocation. */
void *wx_malloc(size_t n);
void *wx_calloc(size_t n, size_t size);
void *wx_realloc(void *p, size_t n);
char *wx_strdup(const char *s);
char *wx_strndup(const char *s, size_t n);
char *wx_asprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* state.c: session directory: opt (-d), else $WX_DIR, else
 * ${XDG_STATE_HOME:-$HOME/.local/state}/wx; created 0700 if missing; exit
 * 100 when it cannot be made, or when it or one of the files that hold
 * secrets in it (session, cookies, contacts, media, sent, rate) lets the
 * group or others in (as ssh with a key).  malloc'd. */
char *wx_session_dir(const char *opt);
/* state.c: load DIR/session (never NULL), or exit 100 with the reason
 * (not a regular file, mode, size, syntax). */
struct wx_state *wx_session_load(const char *dir);
/* state.c: value of key, or exit 100 "DIR/session: no KEY; run HINT first". */
const char *wx_session_need(const struct wx_state *st, const char *dir,
                            const char *key, const char *hint);
/* state.c: under the session's flock, save the cookies h received (h may
 * be NULL; see wx_http_save_cookies), then apply changes to DIR/session
 * (changes may be NULL).  Exit with wx_exit_errno's code on failure. */
void wx_session_commit(const char *dir, const struct wx_state *changes,
                       struct wx_http *h);
/* state.c: the same, and first a file written with wx_afile_open
 * (DIR/contacts): its stale temps removed, it committed. */
struct wx_afile;
void wx_session_commit_file(const char *dir, const struct wx_state *changes,
                            struct wx_http *h, struct wx_afile *a);
/* state.c: the same, with locked(arg) first under the lock, to re-read,
 * write and commit files of DIR that others write too (the contacts
 * cache); it returns 0, or an exit code to end with after its message. */
void wx_session_commit_with(const char *dir, const struct wx_state *changes,
                            struct wx_http *h, int (*locked)(void *arg),
                            void *arg);
/* contacts.c: the cache of s's login (a parsed DIR/contacts whose User is
 * s->username; what names could resolve to, as wx_contacts_read), made
 * first by wx_contacts_update when there is none, it is an earlier
 * login's, or it is wx-init's partial one.  Exit with its code when that
 * fails. */
struct wx_contacts;
struct wx_sess;
struct wx_contacts *wx_contacts_get(struct wx_sess *s,
                                    const char *const *names);
/* input.c: for a command without operand (design.md §3): the value of
 * key read from stdin when stdin is neither a terminal nor empty
 * (key=value lines, as `wx-uuid | wx-wait` sends them), else from
 * DIR/session.  stdin is read to its end first, and only then is the
 * session loaded into *st: in `wx-uuid -D | wx-wait | wx-init` the
 * earlier commands have committed by the time their output ends.  Exit
 * 100 when stdin is not key=value or lacks key, or the session is bad or
 * lacks it ("run HINT first").  malloc'd. */
char *wx_input(const char *dir, const char *key, const char *hint,
               struct wx_state **st);
/* proto.c: DeviceID, "e" + 15 random digits (buffer of 17), or the 15
 * digits alone in file-helper mode; exit 111 when /dev/urandom cannot be
 * read. */
enum wx_mode { WX_MODE_WEB, WX_MODE_DESKTOP, WX_MODE_FILEHELPER };
void wx_device_id(char out[17], enum wx_mode m);
/* state.c: the mode of DIR/session's mode= (absent or empty: web), or
 * exit 100 naming an unknown one. */
enum wx_mode wx_session_mode(const struct wx_state *st, const char *dir);
/* mode.c: for a command file-helper mode has no use for: in that mode
 * exit 1 "file-helper mode has LACKS; log in without -F …". */
void wx_fh_refuse(enum wx_mode m, const char *lacks);
/* sess.c: DIR/session of a logged-in account (host and credentials, from
 * -d DIR as wx_session_dir finds it) and a handle with its cookie jar;
 * exit 100 "run wx-init first" when a key is missing.  Close releases. */
struct wx_sess {
	char *dir;
	struct wx_state *st;
	enum wx_mode mode;
	const char *host, *uin, *sid, *skey, *pass_ticket, *username;
	/* The session's file_host and push_host when plausible, else the
	 * hosts protocol.md §2.2 derives from host. */
	char file_host[64], push_host[64];
	struct wx_http *h;
};
void wx_sess_open(struct wx_sess *s, const char *dflag);
/* sess.c: set h up for mode m: in file-helper mode every POST carries
 * the "mmweb_appid: wx_webfilehelper" header. */
void wx_mode_http(struct wx_http *h, enum wx_mode m);
/* account.c: one slot of DIR's rate limit (WX_RATE, wx_rate_take below),
 * slept for: for a call that is no message but shares its bucket
 * (webwxoplog, webwxverifyuser).  Exit 100 for a bad WX_RATE, or with
 * wx_exit_errno's code when DIR/rate cannot be written. */
void wx_rate_turn(const char *dir);
/* account.c: WX_RATE (messages a second; unset or empty: the default),
 * or exit 100 naming a bad value. */
double wx_rate_env(void);
/* http.c: a handle whose cookies come from cookiefile (NULL: none).  Exit
 * 100 when CURL_CA_BUNDLE or the jar is not a readable regular file, or
 * WX_TRACE's file cannot be opened (wx_trace_on), 111 when libcurl cannot
 * start. */
struct wx_http *wx_http_new(const char *cookiefile);
/* trace.c: 1 when WX_TRACE names a file, opened (0600, appending) on the
 * first call; exit with wx_exit_errno's code when it cannot be. */
int wx_trace_on(void);

/* ---- util.c: diagnostics, errors, buffers ---- */

/* Print "wx-NAME: message" on stderr, made safe by wx_safe (server text
 * often rides in the arguments).  A format ending in ':' gets
 * " wx_strerror(errno)" appended. */
void wx_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void wx_vwarn(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));

/* errno for "not a regular file" (a FIFO where the session should be);
 * wx_strerror knows its text, strerror does not. */
#define WX_ENOTREG 0x7700
const char *wx_strerror(int e);

/* Flush and close f; on a write error (full disk, closed pipe) warn and
 * return WX_EXIT_TEMP, else return code unchanged.  main ends with
 * `return wx_fshut(stdout, "stdout", rc);`. */
int wx_fshut(FILE *f, const char *name, int code);

/* Growable byte buffer; p is always NUL-terminated (p may be NULL if cap 0). */
struct wx_buf {
	char *p;
	size_t len, cap;
};
void wx_buf_add(struct wx_buf *b, const void *s, size_t n);
void wx_buf_adds(struct wx_buf *b, const char *s);
void wx_buf_addc(struct wx_buf *b, char c);
void wx_buf_addf(struct wx_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void wx_buf_reset(struct wx_buf *b);  /* len = 0, keeps memory */
void wx_buf_free(struct wx_buf *b);

/* Read all of a file / stream / fd (up to max bytes; -1 and errno=EFBIG
 * past it).  wx_read_fd closes fd, and fails at once when fd < 0. */
int wx_read_file(const char *path, size_t max, struct wx_buf *out);
int wx_read_stream(FILE *f, size_t max, struct wx_buf *out);
int wx_read_fd(int fd, size_t max, struct wx_buf *out);

/* Strict unsigned decimal: all n bytes digits, value at most max.  0 with
 * *out set, or -1 (empty, a non-digit, or over max). */
int wx_parse_u64(const char *s, size_t n, uint64_t max, uint64_t *out);

/* Standard base64 (no line breaks, padding optional) appended to out;
 * -1 on a character outside the alphabet or a dangling one. */
int wx_base64_decode(const char *s, size_t n, struct wx_buf *out);

/* Value of a hex digit (either case), -1 for any other character. */
int wx_hexdigit(char c);

/* Milliseconds since the epoch (wall clock). */
long long wx_now_ms(void);

/* ---- file.c: reading and writing wx's files ---- */

/* Exit code for a failed file operation: 100 when the place is wrong
 * (EACCES, ENOENT, a FIFO …: a retry won't help), else 111 (ENOSPC, EIO). */
int wx_exit_errno(int e);
/* open(2) that refuses anything but a regular file (errno WX_ENOTREG)
 * without blocking on a FIFO; flags as open's (O_CREAT makes it 0600). */
int wx_open_regular(const char *path, int flags);
/* wx_read_file for a regular file only; -1 with errno. */
int wx_read_regular(const char *path, size_t max, struct wx_buf *out);
/* Replace path with data whole or not at all: temp file PATH.tmp.PID
 * in the same directory, mode & ~umask, fsync, rename, fsync of the
 * directory.  0, or -1 with errno (and nothing left behind). */
int wx_write_atomic(const char *path, const void *data, size_t len,
                    mode_t mode);
/* The same for a file written bit by bit: open gives a.f to write to;
 * commit replaces path (0, or -1 with errno); abort (or a failed
 * commit) removes the temp file and leaves path as it was. */
struct wx_afile {
	char *path, *tmp;
	FILE *f;
};
int wx_afile_open(struct wx_afile *a, const char *path, mode_t mode);
int wx_afile_commit(struct wx_afile *a);
void wx_afile_abort(struct wx_afile *a);
/* Remove the PATH.tmp.* files whose writer is no longer running. */
void wx_remove_stale_temps(const char *path);
/* Exclusive flock on "path.lock" (made 0600); the fd to close to release
 * it, or -1 with errno. */
int wx_lock(const char *path);
/* The same without waiting: -1 with errno EWOULDBLOCK when another
 * process holds it. */
int wx_trylock(const char *path);
/* A shared flock on "path.lock": many hold it at once, wx_lock waits
 * for all of them. */
int wx_lock_shared(const char *path);

/* ---- state.c: key=value session files (wx-session(5)) ---- */

/* struct wx_state: ordered lines, pairs and comments, kept on rewrite. */

/* Longest value wx_state_set stores: no session value comes near it, and
 * a file of such values stays far below the 1 MiB the reader accepts. */
#define WX_VALUE_MAX 4096

/* Parse text in key=value form.  NULL on a syntax error, with
 * "line N: reason" in err. */
struct wx_state *wx_state_parse(const char *text, size_t len,
                                char *err, size_t errlen);
/* Load path: a missing file is an empty state; anything but a regular
 * file, a file readable by group or others, one over 1 MiB or with bad
 * syntax, is an error ("PATH: …" in err). */
struct wx_state *wx_state_load(const char *path, char *err, size_t errlen);
struct wx_state *wx_state_new(void);
void wx_state_free(struct wx_state *st);
const char *wx_state_get(const struct wx_state *st, const char *key);
/* Set (val != NULL) or delete (val == NULL).  -1 if the key is not
 * [a-z_][a-z0-9_]*, or the value holds a newline, CR or NUL (vlen bytes)
 * or is longer than WX_VALUE_MAX. */
int wx_state_set(struct wx_state *st, const char *key, const char *val);
int wx_state_setn(struct wx_state *st, const char *key, const char *val,
                  size_t vlen);
/* Serialise to text (pairs and comments in their original order). */
void wx_state_format(const struct wx_state *st, struct wx_buf *out);
/* Apply changes to the file at path: under wx_lock(path), re-read path,
 * set/delete every key of changes (a key whose value was deleted in
 * changes is deleted), remove stale temps, wx_write_atomic it 0600; a
 * text over 1 MiB is refused.  0, or -1 with err filled (errno kept). */
int wx_state_commit(const char *path, const struct wx_state *changes,
                    char *err, size_t errlen);

/* ---- json.c: jsmn reader and a JSON string writer ---- */

enum wx_json_type {
	WX_JSON_NONE = 0, WX_JSON_OBJECT, WX_JSON_ARRAY, WX_JSON_STRING,
	WX_JSON_NUMBER, WX_JSON_TRUE, WX_JSON_FALSE, WX_JSON_NULL,
};

struct wx_json;  /* a parsed document: copy of the text + tokens */

/* Parse a complete JSON value (leading/trailing whitespace allowed).
 * NULL on truncated or malformed input, reason in err. */
struct wx_json *wx_json_parse(const char *text, size_t len,
                              char *err, size_t errlen);
void wx_json_free(struct wx_json *j);
/* A root object whose array member key is most of the document (a
 * webwxbatchgetcontact of 50 rooms of 500 members: 6 MB, 600,000
 * tokens): wx_json_parse_big gives the root with that array empty, and
 * each element's bytes in el (malloc'd, n of them; the caller frees it),
 * each parsed alone and shown to seen (k its index; tok its token in j).
 * So the tokens of the whole never exist at once; a document that is not
 * laid out so is parsed whole (the root then has the array, and its
 * children are the elements; seen is shown them again from k = 0 when a
 * split failed partway).  As strict as wx_json_parse: NULL, with the
 * error the whole document gives, unless every part is JSON. */
struct wx_span {
	size_t at, len;
};
struct wx_json_big {
	const char *key;
	void (*seen)(void *arg, size_t k, const struct wx_json *j, int tok);
	void *arg;
	struct wx_span *el;
	size_t n;
};
struct wx_json *wx_json_parse_big(const char *text, size_t len,
                                  struct wx_json_big *big,
                                  char *err, size_t errlen);

/* Tokens are ints; the root is 0; -1 means "absent". */
enum wx_json_type wx_json_type(const struct wx_json *j, int tok);
/* Member or element by path from tok: "BaseResponse.Ret", "List.0.Key".
 * Numeric path parts index arrays.  -1 if any step is missing. */
int wx_json_get(const struct wx_json *j, int tok, const char *path);
/* Number of members / elements of an object / array (0 otherwise). */
int wx_json_count(const struct wx_json *j, int tok);
/* Iterate: first child (for an object: the first *key* token; its value is
 * key+1 — use wx_json_next on the value to reach the next key), then
 * the next sibling.  -1 at the end. */
int wx_json_first(const struct wx_json *j, int tok);
int wx_json_next(const struct wx_json *j, int tok);
/* Raw source bytes of a token (strings without quotes, not decoded). */
const char *wx_json_raw(const struct wx_json *j, int tok, size_t *len);
/* Decoded string: escapes resolved, \uXXXX pairs to UTF-8, a lone
 * surrogate and \u0000 become U+FFFD.  For numbers/true/false/null the
 * source text (so a 20-digit id stays exact).  malloc'd; NULL if tok < 0
 * or tok is an object/array. */
char *wx_json_str(const struct wx_json *j, int tok);
/* Path lookup straight to a decoded string; NULL when the path is absent
 * or names an object/array, "" for an empty string value. */
char *wx_json_getstr(const struct wx_json *j, int tok, const char *path);
/* Integer value of a number or a numeric string.  -1 if absent, not an
 * integer, or out of range; 0 with *out set otherwise. */
int wx_json_int(const struct wx_json *j, int tok, long long *out);
int wx_json_uint64(const struct wx_json *j, int tok, uint64_t *out);

/* Append s (n bytes, any content) as a JSON string with quotes: ", \,
 * control characters escaped; invalid UTF-8 becomes U+FFFD. */
void wx_json_put_str(struct wx_buf *b, const char *s, size_t n);
void wx_json_put_strz(struct wx_buf *b, const char *s);
/* Object tok re-written on one line, without its closing brace: strings
 * decoded and encoded again (valid JSON, valid UTF-8), numbers as the
 * source has them, the members named in skip (NULL-terminated; NULL for
 * none) left out; with ids, the ids that can pass 2^53 (Uin, OwnerUin,
 * MsgId, NewMsgId, MsgID, LocalID, at any depth) as strings. */
void wx_json_put_members(struct wx_buf *b, const struct wx_json *j, int tok,
                         const char *const *skip, int ids);

/* ---- text.c: message text decoding (protocol.md §8.4) ---- */

/* Append code point cp as UTF-8 (invalid cp -> U+FFFD); returns bytes. */
int wx_utf8_put(struct wx_buf *b, uint32_t cp);
/* Decode one UTF-8 sequence at s (n bytes left): code point in *cp,
 * returns its length, or -1 for an invalid/truncated sequence. */
int wx_utf8_get(const char *s, size_t n, uint32_t *cp);
/* Content/NickName to plain text: HTML entities (named, &#N;, &#xH;),
 * <br/> to LF, emoji spans to UTF-8.  malloc'd. */
char *wx_text_decode(const char *s, size_t n);
/* Server text made safe for a terminal or a key=value line: C0 and C1
 * controls, DEL and bytes of invalid UTF-8 become \xHH; the rest is
 * copied.  malloc'd.  wx_safez takes a string (NULL reads as ""). */
char *wx_safe(const char *s, size_t n);
char *wx_safez(const char *s);
/* Plain UTF-8 text (n bytes) to the server form of Content, the inverse
 * of wx_text_decode: & < > as entities, LF as <br/>, emoji from U+1F000
 * on as <span class="emoji emoji1f604"></span>, invalid UTF-8 as U+FFFD.
 * Appended to b. */
void wx_text_encode(struct wx_buf *b, const char *s, size_t n);

/* ---- http.c: one libcurl easy handle, cookies in the session dir ---- */

struct wx_resp {
	long status;            /* HTTP status */
	struct wx_buf body;     /* decoded body (gzip/deflate undone) */
	char *content_type;     /* last Content-Type seen, or NULL */
};

/* wx_http_new (under "Functions that end the process") reads the jar and
 * WX_CONNECT_TO (comma-separated CONNECT_TO entries) and CURL_CA_BUNDLE.
 * wx_http_free releases the handle; it writes nothing. */
void wx_http_free(struct wx_http *h);
/* Merge the cookies this handle received into its jar on disk: re-read
 * the jar, replace the cookies this process changed, drop those it lost
 * unchanged, keep every other (another process's), write it 0600 with
 * wx_write_atomic.  Call it holding the session lock (wx_session_commit
 * does).  0, or -1 with errno. */
int wx_http_save_cookies(struct wx_http *h);
/* Extra request header for every later request ("client-version: 2.0.0"). */
void wx_http_header(struct wx_http *h, const char *line);
/* The same for every later POST only: file-helper mode's mmweb_appid,
 * which the page's XHR calls (its POSTs) carry as a header and what it
 * loads as a script or an image (the GETs) as a query parameter. */
void wx_http_post_header(struct wx_http *h, const char *line);
/* Seconds for the whole of the next requests; 0 = the default (30 s).
 * Long polls set this above the server's hold time. */
void wx_http_timeout(struct wx_http *h, long seconds);
/* Ask stop(arg) while a request waits (about once a second, and when
 * bytes move); nonzero ends the request at once, with no message, and it
 * returns WX_EXIT_TEMP: the caller knows why it stopped.  stop NULL: no
 * more asking.  For long polls that a signal or a deadline must cut. */
void wx_http_stop_on(struct wx_http *h, int (*stop)(void *), void *arg);
/* Exit code of an HTTP status (wx(7)): 200 is 0; 408, 429, 5xx and any
 * other status 111; the remaining 4xx 1 (the server said no). */
int wx_status_exit(long status);
/* Take status (a UOS login's 301) like 200 on the later requests. */
void wx_http_allow(struct wx_http *h, long status);
/* Requests.  Return 0 when the answer has status 200 (or the allowed
 * one), else warn "METHOD URL: reason" (secrets masked) and return the
 * exit code: 111 for no answer (network, timeout, over 16 MiB), else
 * wx_status_exit's.  r is reset first; free with wx_resp_free. */
int wx_http_get(struct wx_http *h, const char *url, struct wx_resp *r);
int wx_http_post_json(struct wx_http *h, const char *url, const char *body,
                      size_t len, struct wx_resp *r);
int wx_http_post_form(struct wx_http *h, const char *url, const char *form,
                      struct wx_resp *r);
struct wx_part {
	const char *name;       /* form field name */
	const char *data;       /* value bytes */
	size_t len;
	const char *filename;   /* non-NULL: sent as a file part */
	const char *type;       /* Content-Type of a file part */
};
int wx_http_post_multipart(struct wx_http *h, const char *url,
                           const struct wx_part *parts, size_t n,
                           struct wx_resp *r);
void wx_resp_free(struct wx_resp *r);
/* GET url with the body written to out as it arrives (none of it kept
 * in memory, nothing written for an error status): media of any size.
 * range: NULL, or the value of a Range header for this request only
 * ("bytes=0-"), and then 206 is taken like 200, but only with a
 * Content-Range that covers exactly the bytes received from the first
 * (else 111, "partial answer").  max: a cap on the body (0: none).  No
 * compression asked for; no total timeout unless wx_http_timeout set
 * one, but 30 s without a byte end it.  *n gets the bytes written.
 * Returns as wx_http_get: 0, or the exit code after one line on stderr
 * (111 for a failed write to out, by wx_exit_errno). */
int wx_http_download(struct wx_http *h, const char *url, const char *range,
                     FILE *out, uint64_t max, uint64_t *n);
/* Value of a cookie in the jar for a host ("file.wx2.qq.com" sees
 * Domain=.qq.com cookies); malloc'd or NULL. */
char *wx_http_cookie(struct wx_http *h, const char *host, const char *name);
/* Copy of url with the values of skey, sid, wxsid, pass_ticket, ticket,
 * webwx_data_ticket, uin, wxuin, fromuser (a uin) replaced by "***". */
char *wx_mask_url(const char *url);

/* ---- trace.c: WX_TRACE, the redacted record of every exchange ---- */

/* Bytes of each body a trace shows. */
#define WX_TRACE_BODY 1024
/* 1 when key (n bytes, any case) names a secret or the account: skey,
 * sid, wxsid, pass_ticket, ticket, webwx_data_ticket, uin, wxuin, … */
int wx_secret_key(const char *k, size_t n);
/* s (n bytes) into out with every secret replaced by its placeholder
 * "<kind-N>": the values of secret keys in queries, forms, JSON, XML and
 * multipart fields, and of cookies, learnt from s and remembered for the
 * rest of the process, replaced wherever they stand alone. */
void wx_trace_redact(struct wx_buf *out, const char *s, size_t n);
/* One exchange, as http.c saw it. */
struct wx_exchange {
	const char *method, *url;
	const struct wx_buf *head_out, *body_out, *head_in;  /* libcurl's */
	const char *body;       /* the answer kept in memory, or NULL */
	size_t body_len;
	uint64_t streamed;      /* bytes a download wrote instead */
	const char *error;      /* why no answer came, or NULL */
};
/* Append x to WX_TRACE's file, redacted, in one write (wx_trace_on must
 * have said 1). */
void wx_trace_write(const struct wx_exchange *x);

/* ---- cgi.c: one round trip to a CGI of the web host ---- */

/* Exit code of BaseResponse.Ret, with one line on stderr unless 0:
 * 1100-1102 "logged out (N)" 1; 1205 "too frequent" 111; any other
 * nonzero 1 with ErrMsg; no Ret at all 111 (malformed). */
int wx_cgi_ret(const struct wx_json *j, const char *cgi);
/* POST body (JSON) to https://HOST/cgi-bin/mmwebwx-bin/CGI?QUERY, or GET
 * it.  0 with the answer in *out when it is a JSON object with Ret 0;
 * else the exit code of the HTTP status (wx_status_exit), of a malformed
 * answer (111) or of Ret (wx_cgi_ret), one line on stderr, *out NULL. */
int wx_cgi_post(struct wx_http *h, const char *host, const char *cgi,
                const char *query, const struct wx_buf *body,
                struct wx_json **out);
/* The same, and *ret the answer's BaseResponse.Ret (0 when the answer
 * had none or never came): a loop tells a logout from a refusal by it.
 * A refusal (nonzero Ret) leaves its answer in *out as well, for what
 * else it says; the caller frees it. */
int wx_cgi_post_ret(struct wx_http *h, const char *host, const char *cgi,
                    const char *query, const struct wx_buf *body,
                    struct wx_json **out, long long *ret);
int wx_cgi_get(struct wx_http *h, const char *host, const char *cgi,
               const char *query, struct wx_json **out);
/* As wx_cgi_post, for an answer whose array member big->key may be most
 * of it: parsed by wx_json_parse_big, the elements left in *text (the
 * answer's body, the caller's to free with wx_buf_free) at big->el. */
int wx_cgi_post_big(struct wx_http *h, const char *host, const char *cgi,
                    const char *query, const struct wx_buf *body,
                    struct wx_json_big *big, struct wx_buf *text,
                    struct wx_json **out);

/* ---- proto.c: hosts, URLs, BaseRequest, stamps, SyncKey ---- */

/* Where a login starts when the session names no web host yet. */
#define WX_DEFAULT_WEB "wx.qq.com"

struct wx_hosts {
	char login[64], file[64], push[64];
};
/* protocol.md §2.2: substring rules on the web host.  -1 if web is not a
 * plausible host name (empty, too long, bad characters). */
int wx_hosts_for(const char *web, struct wx_hosts *out);
/* 1 if host is one of the known web hosts (wx.qq.com, wx2.qq.com,
 * wx8.qq.com, web.wechat.com, web2.wechat.com). */
int wx_web_host_known(const char *host);
/* Host of an https:// URL, malloc'd; NULL if url is not https://host/…. */
char *wx_url_host(const char *url);
/* Value of query parameter name in url, percent-decoded; malloc'd/NULL. */
char *wx_url_param(const char *url, const char *name);
/* Percent-encode everything but unreserved characters: malloc'd, or
 * onto the end of b. */
char *wx_urlencode(const char *s);
void wx_buf_urlencode(struct wx_buf *b, const char *s);
char *wx_urldecode(const char *s);
/* "https://HOST/cgi-bin/mmwebwx-bin/CGI" + "?" + query (query may be
 * NULL); malloc'd.  wx_buf_cgi_url: the part before the "?", onto b. */
char *wx_cgi_url(const char *host, const char *cgi, const char *query);
void wx_buf_cgi_url(struct wx_buf *b, const char *host, const char *cgi);

/* RC's ~new Date(): the 32-bit NOT of the current ms, as the server sees
 * in r and rr (protocol.md §3.4). */
long long wx_stamp_r(void);
/* The same for a given ms (CAP: 1546211300154 -> -23073595). */
long long wx_stamp_r_at(long long ms);

/* {"Uin":UIN,"Sid":"…","Skey":"…","DeviceID":"e…"} appended to b; uin
 * written as a number, strings JSON-escaped; the DeviceID of mode m. */
void wx_base_request(struct wx_buf *b, const char *uin, const char *sid,
                     const char *skey, enum wx_mode m);

#define WX_SYNCKEY_MAX 64
struct wx_synckey {
	int n;
	struct { uint32_t key; uint64_t val; } kv[WX_SYNCKEY_MAX];
};
/* From a {"Count":n,"List":[{"Key":k,"Val":v},…]} object token. */
int wx_synckey_from_json(const struct wx_json *j, int tok,
                         struct wx_synckey *sk);
/* From "1_698325105|2_698325111" (also accepts %7C for |). -1 if bad. */
int wx_synckey_parse(const char *s, struct wx_synckey *sk);
void wx_synckey_pipe(const struct wx_synckey *sk, struct wx_buf *b);
void wx_synckey_json(const struct wx_synckey *sk, struct wx_buf *b);

/* ---- mode.c: the modes, and file-helper mode's assumptions ---- */

/* Every value of file-helper mode (filehelper.md) that rests on fewer
 * than a capture and several clients, in one table with its evidence
 * (mode.c), so that a correction is made in one place. */
struct wx_fh {
	const char *appid;        /* "wx_webfilehelper" */
	const char *entry;        /* the entry host a login starts from */
	int redirect_encodings;   /* times jslogin's redirect_uri is encoded */
	const char *chat;         /* the one recipient: "filehelper" */
	size_t upload_max;        /* largest file; sent in one part */
	const char *logout_cgi;   /* "webwxlogout" */
	int media_as_file;        /* video and GIF sent as files */
	int echo_same_msgid;      /* a send's echo has the send's MsgID */
};
extern const struct wx_fh wx_fh;
/* The request header of the File Helper page's XHR calls:
 * "mmweb_appid: " and wx_fh.appid. */
extern const char wx_fh_header[];
/* mode= names: "web", "desktop", "filehelper"; NULL or "" is web.  0,
 * or -1 for any other name. */
int wx_mode_parse(const char *name, enum wx_mode *m);
const char *wx_mode_name(enum wx_mode m);
/* The login and file hosts of a file-helper entry host, and as push
 * host the entry host itself; -1 when entry is none. */
int wx_fh_hosts(const char *entry, struct wx_hosts *out);
/* The i-th file-helper entry host, from 0; NULL past the last. */
const char *wx_fh_entry(size_t i);
/* 1 when host is a web host of mode m: a file-helper entry host in that
 * mode, else one of wx_web_host_known's. */
int wx_mode_host(enum wx_mode m, const char *host);
/* state.c: the web host a login in mode m starts from: the session's host when it
 * is one of m's, else WX_DEFAULT_WEB or wx_fh.entry. */
const char *wx_mode_start(const struct wx_state *st, enum wx_mode m);

/* ---- sync.c: synccheck and webwxsync (protocol.md §5.5, §5.6) ---- */

struct wx_check {
	long long retcode, selector;
};
/* window.synccheck={retcode:"R",selector:"S"}: R may be negative (the
 * "-1" the usual \d+ regex misses); quoted keys, spaces, a final ';'
 * tolerated.  0, or -1 when body (n bytes) is not that. */
int wx_parse_synccheck(const char *body, size_t n, struct wx_check *c);
/* Exit code of a synccheck retcode, with one line on stderr unless 0:
 * 1100, 1101, 1102 "logged out (N): why" 1; anything else 111. */
int wx_synccheck_exit(long long retcode);
/* One synccheck long poll of s on its push host with checkkey (pipe
 * form), cookies included; 0 with *c filled (its retcode may be
 * nonzero), or the exit code of a failed request or malformed answer. */
int wx_synccheck(struct wx_sess *s, const char *checkkey, struct wx_check *c);
/* One webwxsync from synckey (pipe form); 0 with the answer in *out, or
 * the exit code (as wx_cgi_post_ret, *ret the Ret; 100 for a bad
 * synckey). */
int wx_webwxsync(struct wx_sess *s, const char *synckey,
                 struct wx_json **out, long long *ret);

/* ---- qr.c: QR encoding and image output (libqrencode, libpng) ---- */

struct wx_qr {
	int width;               /* modules per side, without quiet zone */
	unsigned char *dark;     /* width*width, 1 = dark module */
};
/* Encode text (8-bit, level L..H auto).  -1 on failure. */
int wx_qr_encode(const char *text, struct wx_qr *qr);
void wx_qr_free(struct wx_qr *qr);
/* Quiet zone in modules around every rendering (PNG, SVG, terminal). */
#define WX_QR_QUIET 4
/* 1 if the module at (x, y) is dark, counting from the outer corner of
 * the quiet zone; anything outside the symbol is light. */
int wx_qr_module(const struct wx_qr *qr, int x, int y);
/* PNG with a 4-module quiet zone, scale px per module, into b. */
int wx_qr_png(const struct wx_qr *qr, int scale, struct wx_buf *b);
/* SVG document into b. */
void wx_qr_svg(const struct wx_qr *qr, struct wx_buf *b);

/* ---- login.c: parsers of the login answers ---- */

/* Each parser returns what the commands exit with: 0 (WX_EXIT_OK) for an
 * answer as the protocol says, WX_EXIT_REFUSED for the server's no,
 * WX_EXIT_TEMP for a malformed or unexpected one; then why holds the
 * diagnostic the commands print.
 * One struct for every login answer; each parser fills its own fields.
 * Start from {0}; strings are malloc'd, wx_login_free releases them. */
struct wx_login {
	char *uuid;          /* jslogin, pushlogin */
	long long ret;       /* pushlogin, newloginpage: the server's ret */
	char *msg;           /* pushlogin msg; newloginpage <message>, decoded */
	int code;            /* loginpoll: window.code (408 201 200 400 202) */
	char *redirect_uri;  /* loginpoll 200: https on a known web host */
	const char *avatar;  /* loginpoll 201: base64 inside the body, or NULL */
	size_t avatar_len;
	char *skey, *wxsid, *wxuin, *pass_ticket;  /* newloginpage */
	int html;            /* newloginpage: the refusal came as an HTML page */
	char *why;           /* on nonzero (and then no uuid, redirect_uri,
	                        skey…): "jslogin: malformed uuid", … */
};
/* jslogin (§4.1), webwxpushloginurl (§4.5), the login poll (§4.3),
 * webwxnewloginpage (§4.4).  Bodies are NUL-terminated, NULL reads as "";
 * pushlogin's is JSON of len bytes. */
int wx_parse_jslogin(const char *body, struct wx_login *l);
int wx_parse_pushlogin(const char *body, size_t len, struct wx_login *l);
int wx_parse_loginpoll(const char *body, struct wx_login *l);
int wx_parse_newloginpage(const char *body, struct wx_login *l);
/* 1 if skey is plausible (webwxinit may hand out a new one). */
int wx_skey_sane(const char *skey);
/* 1 if s is a plausible uuid: 8 to 32 of A-Z a-z 0-9 + / = _ - (12 in
 * every capture); what wx-uuid stores, wx-qr and wx-wait accept. */
int wx_uuid_sane(const char *s);
void wx_login_free(struct wx_login *l);

/* ---- md5.c: MD5 (RFC 1321) ---- */

/* The digest of n bytes as 32 lower-case hex digits and a NUL. */
void wx_md5_hex(const void *data, size_t n, char out[33]);

/* ---- sess.c: the session of a logged-in account ---- */

void wx_sess_close(struct wx_sess *s);
/* Append {"BaseRequest":{…} to b: the start of every CGI body. */
void wx_sess_body(const struct wx_sess *s, struct wx_buf *b);

/* ---- contacts.c: the address book as NDJSON (protocol.md §5.3, §9) ---- */

/* Kind of contact obj (design.md §3): "self" (UserName self), "group"
 * (@@… or …@chatroom), "special" (a bare name: filehelper, weixin …),
 * "public" (VerifyFlag & 8), else "friend". */
const char *wx_contact_kind(const struct wx_json *j, int obj,
                            const char *self);
/* Contact obj as one line: the server's fields in its order, Uin and
 * OwnerUin as strings (in members too), strings re-encoded (valid UTF-8,
 * escaped), then "Kind", "Name" (NickName decoded) and "Remark"
 * (RemarkName decoded), written anew when obj had them; LF at the end. */
void wx_contact_line(struct wx_buf *b, const struct wx_json *j, int obj,
                     const char *self);
/* The server's object as it came (but on one line). */
void wx_contact_raw(struct wx_buf *b, const struct wx_json *j, int obj);
/* Where wx_contacts_fetch puts each contact line: emit returns 0, or an
 * exit code to stop with. */
struct wx_contacts_out {
	int members;   /* rooms with their members (webwxbatchgetcontact) */
	int raw;       /* the server's objects (wx_contact_raw), no members */
	int (*emit)(void *arg, const char *line, size_t len, const char *kind);
	void *arg;
};
/* Every page of webwxgetcontact (Seq loop; a Seq seen before or over
 * 1000 pages is 111), then the contact lines read from old (the cache of
 * this login after its header: what webwxinit had; NULL for none) that
 * no page listed; each contact
 * once (by UserName); with members, rooms in batches of 50 through
 * webwxbatchgetcontact, written as that answer has them.  0, or the
 * exit code (one line on stderr). */
int wx_contacts_fetch(struct wx_sess *s, const struct wx_contacts_out *out,
                      FILE *old);
/* DIR/contacts parsed, when it is there, parses, and (user not NULL)
 * belongs to the login whose own UserName is user; else NULL.  Read a
 * line at a time, keeping what wx_contacts_load keeps for names: the
 * contacts they could resolve to, with their lines, or (NULL) every
 * contact's names but no line. */
struct wx_contacts *wx_contacts_read(const char *dir, const char *user,
                                     const char *const *names);
/* Fetch (as wx_contacts_fetch, the cache of this login as old; out may
 * be NULL) into a new DIR/contacts, put in place under the session lock
 * with the cookies; on failure the old cache stays byte for byte. */
int wx_contacts_update(struct wx_sess *s, const struct wx_contacts_out *out);
/* One change wx-sync applies to the cache: the contact user's new line
 * (len bytes ending LF, as wx_contact_line writes it), or line NULL when
 * user was removed. */
struct wx_contacts_change {
	const char *user;
	const char *line;
	size_t len;
};
/* Apply n changes (a later one of the same user wins) to DIR/contacts
 * when it is the cache of login user, through a temp file committed at
 * once; nothing when there is no such cache.  Call under the session
 * lock (wx_session_commit_with).  0, or -1 with errno. */
int wx_contacts_apply(const char *dir, const char *user,
                      const struct wx_contacts_change *ch, size_t n);
/* Under the session lock (a wx_session_commit_with step): the line of
 * contact user in DIR/contacts of login self, as it is now (another
 * process may have rewritten it), given to edit, which writes the new
 * line (ending LF) to out and returns 0, returns 1 to remove the
 * contact, or -1 to leave it.  Nothing when the cache or the contact is
 * not there.  0, or the exit code after a line on stderr. */
int wx_contacts_edit(const char *dir, const char *self, const char *user,
                     int (*edit)(void *arg, const char *line, size_t len,
                                 struct wx_buf *out), void *arg);
/* wx-init: the first cache, of webwxinit's User (the account, Kind
 * self) and ContactList (token list of j), committed under the lock with
 * changes (the session's new keys). */
void wx_contacts_start(const char *dir, const struct wx_state *changes,
                       struct wx_http *h, const struct wx_json *j, int list,
                       const char *uin, const char *user);

/* ---- lookup.c: the contacts cache and name lookup ---- */

/* DIR/contacts, written by wx-contacts: NDJSON, line 1 the header
 * {"Cache":"wx-contacts","Uin":"…","User":"…","Time":N} (wx-init's
 * first cache adds "Partial":true), then one contact a line
 * (empty lines skipped) with WeChat's fields and the derived Kind (friend,
 * group, public, special, self), Name and Remark (decoded).
 * Recipients (design.md §3): `user:X` and a name starting with "@" are
 * the UserName literally; a bare name equal to the UserName of a special
 * contact (filehelper) is that contact; otherwise the first of Remark,
 * Name of non-groups, Alias, Name of groups that holds the name exactly
 * decides.  `remark:`, `nick:`, `alias:`, `group:` name one field.
 * Byte-exact; an empty name or value matches nothing; a UserName the
 * cache repeats is one contact (its first matching line). */
struct wx_contacts;  /* a parsed cache */
/* Parse the text of a contacts cache.  NULL with "line N: reason" in err
 * when the header or a line is malformed (not a JSON object, no
 * UserName, no Kind). */
struct wx_contacts *wx_contacts_parse(const char *text, size_t len,
                                      char *err, size_t errlen);
/* The same, read from f a line at a time (every line is parsed, so a
 * malformed one fails it alike), keeping only what the reader needs:
 * with names (NULL-terminated), the contacts one of them could resolve
 * to (a field equal to the name, prefix aside), every line of their
 * UserNames, each with its line (two passes: f must seek); without,
 * every contact but no line (wx_contacts_line gives ""): what display
 * names need. */
struct wx_contacts *wx_contacts_load(FILE *f, const char *const *names,
                                     char *err, size_t errlen);
void wx_contacts_free(struct wx_contacts *cs);
/* Header Uin, "" when none; header Time, 0 when none. */
const char *wx_contacts_uin(const struct wx_contacts *cs);
/* Header User: the account's UserName at the login the cache was made
 * in ("" when none); a cache of another login names stale UserNames. */
const char *wx_contacts_user(const struct wx_contacts *cs);
long long wx_contacts_time(const struct wx_contacts *cs);
/* Header Partial: 1 for wx-init's cache, which holds only the chats
 * webwxinit listed (wx_contacts_get fetches the whole list over it). */
int wx_contacts_partial(const struct wx_contacts *cs);
size_t wx_contacts_count(const struct wx_contacts *cs);
const char *wx_contacts_username(const struct wx_contacts *cs, size_t i);
const char *wx_contacts_kind(const struct wx_contacts *cs, size_t i);
/* The line of contact i as stored (no LF), len bytes; "" when the
 * cache was loaded without names. */
const char *wx_contacts_line(const struct wx_contacts *cs, size_t i,
                             size_t *len);
/* Contact index of UserName user: 0 with *i set, -1 if the cache does
 * not have it (its first line when it has several). */
int wx_contacts_find(const struct wx_contacts *cs, const char *user,
                     size_t *i);
/* The name contact i goes by: Remark when it has one, else Name; "" when
 * neither. */
const char *wx_contacts_name(const struct wx_contacts *cs, size_t i);
/* The name member user goes by in group `room` (a contact index): its
 * DisplayName there, else its NickName, decoded; "" when the cache has no
 * such member (a cache made without -m has none). */
const char *wx_contacts_member(const struct wx_contacts *cs, size_t room,
                               const char *user);
/* Every contact name resolves to (the rules above), their indices in
 * *out (malloc'd, free it), their count; a literal UserName not in the
 * cache gives 0. */
size_t wx_contacts_match(const struct wx_contacts *cs, const char *name,
                         size_t **out);
/* The UserName name gives literally (an "@" name, or after "user:"),
 * which needs no cache to resolve; NULL for any other name. */
const char *wx_name_username(const char *name);
/* One recipient: 0 with *username set (points into cs or into name);
 * else WX_EXIT_REFUSED after one line "NAME: no contact of that name" or
 * "NAME: N contacts match; name one of them exactly:" followed by one
 * line per candidate on stderr (via wx_warn, so each is prefixed and made
 * safe): "  USERNAME KIND field=value …" with the fields that matched. */
int wx_contacts_resolve(const struct wx_contacts *cs, const char *name,
                        const char **username);

/* ---- msg.c: webwxsync's messages (protocol.md §8) ---- */

/* TypeName of design.md §3 for MsgType, AppMsgType and SubMsgType: text,
 * image, voice, video, emoji, card, link, file, location, system, revoke,
 * status, verify or unknown. */
const char *wx_msg_typename(long long type, long long apptype,
                            long long subtype);
/* The TypeName of AddMsgList entry obj (its MsgType, AppMsgType,
 * SubMsgType; 0 for any it lacks). */
const char *wx_msg_type(const struct wx_json *j, int obj);
/* Message obj (an AddMsgList entry) as one line ending LF: "Event":
 * "message", the server's fields in its order (ids as strings, strings
 * re-encoded), then the derived Text (the Content decoded, after a
 * group's sender prefix), Sender (the group member who wrote it, else
 * FromUserName), Chat (the conversation: ToUserName when self sent it,
 * else FromUserName), TypeName, SenderName and ChatName (when cs knows
 * them; cs may be NULL), and by type RevokedMsgId (revoke), Label
 * (location), Title and Link (MsgType 49).  self: the account's UserName. */
void wx_msg_line(struct wx_buf *b, const struct wx_json *j, int obj,
                 const char *self, const struct wx_contacts *cs);
/* A ModContactList entry as wx_contact_line writes it, or (del) a
 * DelContactList entry as the server has it, with "Event" first:
 * "modcontact" or "delcontact". */
void wx_event_contact_line(struct wx_buf *b, const struct wx_json *j,
                           int obj, const char *self, int del);

/* ---- ring.c: NDJSON files keeping their last lines by an id ---- */

/* DIR/FILE holds NDJSON lines, each a JSON object with the member key
 * (a string or number: its id), oldest first; at most keep lines and max
 * bytes; each id once.  Read as hostile: anything but a regular file up
 * to max bytes fails, a line that is not such an object is skipped. */
struct wx_ring {
	const char *file, *key;
	size_t keep, max;
};
/* Open a (wx_afile_open) on DIR/FILE with the old file's lines and then
 * lines (n bytes, each ending LF), the newest of each id, the oldest
 * dropped past keep lines or max bytes; the caller commits it under the
 * session lock.  An old file past max is started afresh.  0, or -1 with
 * errno. */
int wx_ring_write(const char *dir, const struct wx_ring *r,
                  const char *lines, size_t n, struct wx_afile *a);
/* The newest line whose id is id, malloc'd and without LF; NULL when the
 * file or the line is not there (errno ENOENT), or the file cannot be
 * read (errno: WX_ENOTREG, EFBIG …). */
char *wx_ring_find(const char *dir, const struct wx_ring *r, const char *id);

/* ---- media.c: DIR/media, the media messages wx-sync printed ---- */

/* DIR/media keeps the lines (as wx-sync printed them) of the last
 * WX_MEDIA_KEEP messages whose TypeName is image, voice, video, emoji or
 * file, oldest first, so that `wx-get MSGID` knows the message. */
#define WX_MEDIA_KEEP 512
/* Open a (wx_afile_open, mode 0600) on DIR/media with the old file's
 * last lines and then lines (n bytes of NDJSON, each ending LF), at most
 * WX_MEDIA_KEEP in all (and 8 MiB); the caller commits it under the
 * session lock.  A line that is not a JSON object with a MsgId (string
 * or number), or is over 64 KiB, is dropped; of lines with the same
 * MsgId only the newest stays.  An old file past the size cap is
 * ignored; anything but a regular file fails.  0, or -1 with errno. */
int wx_media_write(const char *dir, const char *lines, size_t n,
                   struct wx_afile *a);
/* The line of message msgid (its MsgId) in DIR/media, malloc'd and
 * without LF; NULL when the file or the line is not there (errno
 * ENOENT), or the file cannot be read (errno: WX_ENOTREG, EFBIG …). */
char *wx_media_find(const char *dir, const char *msgid);

/* ---- msgline.c: a received message's line, and its media's URL ---- */

/* The fields wx-get and wx-send -m read from a line wx-sync printed;
 * strings malloc'd, NULL when the line has none. */
struct wx_msgline {
	char *msgid;                    /* MsgId: digits */
	char *type;                     /* TypeName (else from MsgType …) */
	char *from, *mediaid, *encname, *filesize;
	char *text;                     /* Text: the Content decoded */
	long long apptype;              /* AppMsgType, 0 when none */
	long long store;                /* HasProductId, 0 when none */
};
/* 1 when s is 1 to max decimal digits and nothing else. */
int wx_all_digits(const char *s, size_t max);
/* Parse the line (len bytes); where names it in messages.  Exit 100
 * when it is not a message line or a field is not what it should be. */
void wx_msgline_parse(const char *text, size_t len, const char *where,
                      struct wx_msgline *m);
/* The same without exiting: 0, or -1 with the reason in why (n bytes)
 * and m freed. */
int wx_msgline_read(const char *text, size_t len, struct wx_msgline *m,
                    char *why, size_t n);
/* The line from in (stdin's bytes, when not NULL), else MSGID op's line
 * in DIR/media; exit 1 when DIR/media has none ("pipe its line to
 * HINT"), with wx_exit_errno's code when it cannot be read, 100 as
 * wx_msgline_parse. */
void wx_msgline_find(const struct wx_sess *s, const char *op,
                     const struct wx_buf *in, const char *hint,
                     struct wx_msgline *m);
void wx_msgline_free(struct wx_msgline *m);
/* 1 when messages of TypeName type have media wx-get downloads (image,
 * emoji, voice, video, file), else 0. */
int wx_msg_has_media(const char *type);
/* The URL m's media downloads from (§7; a file's on the file host,
 * exit 100 without its MediaId or the webwx_data_ticket cookie), and in
 * *range the Range header it wants (or NULL); NULL when a message of
 * its TypeName has no media. */
char *wx_msgline_url(const struct wx_sess *s, const struct wx_msgline *m,
                     const char **range);
/* Is a download of n bytes all of m's media?  0, or 1 after "no such
 * media (expired?)" for no bytes, 111 for a file cut short of FileSize. */
int wx_msgline_check_size(const struct wx_msgline *m, uint64_t n);

/* ---- sent.c: DIR/sent, what wx-send sent, for wx-revoke ---- */

/* One message wx-send sent: the server's MsgID (the SvrMsgId of a
 * revoke), the LocalID/ClientMsgId it was sent with, the recipient's
 * UserName and the unix time of the send. */
struct wx_sent {
	char msgid[24];
	char localid[24];
	char to[100];
	long long time;
};
/* DIR/sent keeps the last WX_SENT_KEEP of them, oldest first. */
#define WX_SENT_KEEP 256
/* Add m to DIR/sent through a temp file committed at once; call it under
 * the session lock (wx_session_commit_with).  0, or -1 with errno. */
int wx_sent_add(const char *dir, const struct wx_sent *m);
/* The send whose MsgID is msgid into *out: 0, or -1 (errno ENOENT when
 * DIR/sent has no such line; other errno when it cannot be read). */
int wx_sent_find(const char *dir, const char *msgid, struct wx_sent *out);
/* A send holds DIR/sent.lock shared from before its request until its
 * MsgID is in DIR/sent (shared 1), so that wx-sync, which takes it
 * exclusively (shared 0) before it looks up the echo of a send, never
 * looks too early.  The fd to close to release it; exit with
 * wx_exit_errno's code when it cannot be taken. */
int wx_sent_hold(const char *dir, int shared);

/* ---- account.c: what wx-remark and wx-accept share ---- */

/* A short text of the user's that goes into a request (a remark, a
 * greeting): NULL when s (n bytes) is valid UTF-8 without C0 controls
 * or DEL, of at most max characters; else what is wrong ("invalid
 * UTF-8", "a control character", "too long"). */
const char *wx_short_text(const char *s, size_t n, size_t max);

/* ---- rate.c: one rate limit for every sender on a session dir ---- */

/* Messages a second when WX_RATE is not set, and the burst: 5 may go at
 * once, then one a second.  WX_RATE takes 0 (no limit) or a decimal
 * between WX_RATE_MIN and WX_RATE_MAX. */
#define WX_RATE_DEFAULT 1.0
#define WX_RATE_BURST 5
#define WX_RATE_MIN 0.001
#define WX_RATE_MAX 1000.0
/* A LocalID: 17 digits and a NUL (room for 20). */
#define WX_LOCALID_SIZE 24
/* WX_RATE's value: digits with at most one '.', 0 or in range.  0 with
 * *rate set, or -1. */
int wx_rate_parse(const char *s, double *rate);
/* The bucket's step: *tat is the ms the bucket is full again (a past
 * value is now); one message reserved at now pushes it on by 1000/rate
 * ms.  Returns the ms to wait before sending it (0 within the burst). */
long long wx_rate_reserve(long long *tat, long long now, double rate,
                          int burst);
/* The LocalID after last at now_ms: now_ms·10^4 + rnd % 10^4, or last + 1
 * when that is not larger (protocol.md §6.1). */
uint64_t wx_localid_next(uint64_t last, long long now_ms, unsigned rnd);
/* Under the lock of DIR/rate: a LocalID no earlier call on DIR gave out,
 * and with rate > 0 a slot of the shared bucket (*wait_ms: sleep that
 * long, outside any lock, before sending).  0, or -1 with errno. */
int wx_rate_take(const char *dir, double rate, char localid[WX_LOCALID_SIZE],
                 long long *wait_ms);
/* A LocalID from the clock alone, for a request that is not sent (-n). */
void wx_localid_local(char out[WX_LOCALID_SIZE]);
/* Sleep ms (through signals that do not end the process). */
void wx_sleep_ms(long long ms);

/* ---- send.c: the send requests (protocol.md §6.2, §6.5–6.8) ---- */

/* 0 when s (n bytes) is valid UTF-8 (no overlong form, surrogate or
 * code point past U+10FFFF); else -1 with *bad the offset of the first
 * byte that is not. */
int wx_utf8_check(const char *s, size_t n, size_t *bad);
/* What a message is, and so which CGI sends it. */
enum wx_send_kind {
	WX_SEND_TEXT,           /* webwxsendmsg, Type 1 */
	WX_SEND_IMAGE,          /* webwxsendmsgimg, Type 3 */
	WX_SEND_VIDEO,          /* webwxsendvideomsg, Type 43 */
	WX_SEND_EMOTICON,       /* webwxsendemoticon, Type 47, a GIF */
	WX_SEND_FILE,           /* webwxsendappmsg, Type 6 (AppMsgType) */
};
/* One message to send. */
struct wx_send {
	enum wx_send_kind kind;
	const char *to;                 /* UserName */
	const char *content;            /* text, or a file's appmsg XML */
	size_t len;
	const char *mediaid;            /* image, video, emoticon; else NULL */
	const char *signature;          /* file: webwxcheckupload's, or NULL */
	const char *md5;                /* emoticon: EMoticonMd5, or NULL */
	int type;                       /* Msg.Type when not 0 (an app
	                                   message's AppMsgType), else the
	                                   kind's */
	char localid[WX_LOCALID_SIZE];  /* LocalID = ClientMsgId */
};
/* The CGI that sends kind ("webwxsendmsg" …). */
const char *wx_send_cgi(enum wx_send_kind kind);
/* The request m makes: its URL (malloc'd; …?lang=zh_CN&pass_ticket=…)
 * and its JSON body appended to body: BaseRequest, Msg {Type, Content,
 * FromUserName, ToUserName, LocalID, ClientMsgId} (MediaId, EmojiFlag,
 * EMoticonMd5, Signature by kind), Scene 0; in file-helper mode Msg in
 * the File Helper page's order and, for an image, no lang. */
char *wx_send_request(const struct wx_sess *s, const struct wx_send *m,
                      struct wx_buf *body);
/* Send m: 0 with the answer's MsgID (digits, a nonzero uint64) in
 * msgid, or the exit code after its line on stderr.  Ret 1205 is tried
 * again after 2, 4 and 8 s; a request without an answer (network, HTTP
 * 5xx, a truncated or malformed answer) after 1 and 2 s, with the same
 * LocalID, which the server takes as a resend of the same message. */
int wx_send(struct wx_sess *s, const struct wx_send *m, char msgid[24]);
/* A send's answer j (Ret 0): its MsgID, digits only and a nonzero
 * uint64, into msgid: 0, or WX_EXIT_TEMP after "CGI: no MsgID in the
 * answer". */
int wx_send_msgid(const struct wx_json *j, const char *cgi, char msgid[24]);
/* Print the request a dry run (-n) would send: "POST URL" (wx_mask_url)
 * on a line, then body (when not NULL) and an empty line. */
void wx_print_request(FILE *out, const char *url, const char *body,
                      size_t len);

/* ---- upload.c: a file to the file host (protocol.md §6.3, §6.4) ---- */

#define WX_CHUNK 524288                 /* bytes a webwxuploadmedia */
#define WX_FILE_MAX (100 << 20)         /* wx-send's cap on any file */
#define WX_VIDEO_MAX (20 << 20)         /* a video this big is refused */
#define WX_CHECKUPLOAD_OVER (25 << 20)  /* bigger: webwxcheckupload first */
#define WX_TOKEN_MAX 4096               /* MediaId, AESKey, Signature */
/* A file to send, read whole. */
struct wx_file {
	char *name;               /* base name as sent (controls as '_') */
	struct wx_buf data;
	enum wx_send_kind kind;   /* IMAGE, VIDEO, EMOTICON or FILE */
	const char *mime;         /* image/jpeg … application/octet-stream */
	const char *mediatype;    /* pic, video, doc (a GIF is doc) */
	char md5[33];
	time_t mtime;
};
/* The kind of a file by its name's extension and its first n bytes:
 * jpg/jpeg/png/bmp an image, gif an emoticon, mp4 a video when the bytes
 * say so too (an image's bytes for an image's name); anything else, or
 * a name and bytes that disagree, a file.  *mime set to match. */
enum wx_send_kind wx_file_kind(const char *name, const void *head,
                               size_t n, const char **mime);
/* Read path (a regular file) into f: 0, or the exit code after its line
 * on stderr: 100 for an empty file, one over WX_FILE_MAX, a video of
 * WX_VIDEO_MAX or more, one that cannot be opened. */
int wx_file_load(const char *path, struct wx_file *f);
/* The rest of f for its bytes f->data (read by the caller) as the file
 * path (its base name sent): name, kind, mime, mediatype, md5, and
 * mtime when it is 0 (now).  0, or 100 after its line on stderr (a
 * video of WX_VIDEO_MAX or more; f freed). */
int wx_file_take(struct wx_file *f, const char *path);
void wx_file_free(struct wx_file *f);
/* The appmsg XML of a sent file (§6.7), name and ids XML-escaped. */
void wx_appmsg_file(struct wx_buf *b, const struct wx_file *f,
                    const char *mediaid, int desktop);
/* One upload: the file, to whom, its ClientMediaId (digits); then what
 * the server gave: MediaId, and for a big file AESKey and Signature. */
struct wx_upload {
	const struct wx_file *file;
	const char *to;
	const char *clientid;
	char *mediaid, *aeskey, *signature;
};
/* Upload w->file: webwxcheckupload when it is over
 * WX_CHECKUPLOAD_OVER (a MediaId there ends it), then webwxuploadmedia
 * on the file host, chunk after chunk, each sent again after 1 and 2 s
 * when it got no answer.  0 with w->mediaid, or the exit code after its
 * line on stderr (100: no webwx_data_ticket cookie). */
int wx_upload(struct wx_sess *s, struct wx_upload *w);
/* The requests wx_upload would make, as wx_print_request prints them;
 * the form's fields one a line, the ticket as ***, the bytes as their
 * count.  s: a session whose secrets are masked already. */
void wx_upload_print(const struct wx_sess *s, const struct wx_upload *w,
                     FILE *out);
void wx_upload_free(struct wx_upload *w);
/* Member key (MediaId, AESKey, Signature) of an upload answer j when it
 * is a token fit to send back and to print (1 to WX_TOKEN_MAX of
 * A-Z a-z 0-9 @ _ = + / -), malloc'd; else NULL. */
char *wx_upload_token(const struct wx_json *j, const char *key);

#endif
