/*
 * notes.c - a small database application: notes kept in SQLite.
 *
 * GET lists the notes, newest first, with a search box and pages; POST
 * adds a note (validated, then POST-redirect-GET) or deletes one. Every
 * POST carries a CSRF token twice, in a cookie and in a hidden field, and
 * the two must match (compared in constant time). SQL is prepared
 * statements only. The database runs in WAL mode with a busy timeout, so
 * concurrent requests wait for each other instead of failing.
 *
 * The database file is NOTES_DB (cgihttpd --env NOTES_DB=PATH), else
 * /var/tmp/libcgi-notes/notes.db; its folder and schema are created on
 * first use.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>

#include <sqlite3.h>

#include <cgi.h>

/* Defence in depth behind the escaping: this page runs no script at all,
 * loads only our stylesheet, and posts forms only to this site. */
#define EXAMPLE_CSP                                                            \
	"default-src 'none'; style-src 'self'; form-action 'self'; "           \
	"base-uri 'none'; frame-ancestors 'none'"

#define NOTES_DEFAULT_DB  "/var/tmp/libcgi-notes/notes.db"
#define NOTES_MAX_AUTHOR  60   /* bytes */
#define NOTES_MAX_BODY    1000 /* bytes */
#define NOTES_MAX_QUERY   100  /* bytes of a search */
#define NOTES_PER_PAGE    10
#define NOTES_MAX_PER     50
#define NOTES_BUSY_MS     10000
#define NOTES_TOKEN_BYTES 16 /* 128 random bits, 32 hex digits */
#define NOTES_TOKEN_LEN   (2 * NOTES_TOKEN_BYTES)
#define NOTES_COOKIE      "notes_csrf"

/* What the add form holds, and what was wrong with it. */
struct notes_form {
	const char *author;
	const char *body;
	const char *author_err;
	const char *body_err;
};

/* ---- The database ---- */

/* Runs one statement with no result rows that matter. */
static int
db_exec(sqlite3 *db, const char *sql)
{
	char *msg = NULL;

	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		fprintf(stderr, "notes: %s: %s\n", sql, msg ? msg : "?");
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

/*
 * Switches to WAL. The first requests after the file is created may race
 * here, and changing the journal mode can answer SQLITE_BUSY without
 * waiting on the busy handler; so retry, bounded (50 x 20 ms).
 */
static int
db_wal(sqlite3 *db)
{
	struct timespec pause = { 0, 20 * 1000 * 1000 };
	int i, rc;

	for (i = 0; i < 50; i++) {
		rc = sqlite3_exec(db, "PRAGMA journal_mode=WAL", NULL, NULL,
		    NULL);
		if (rc == SQLITE_OK)
			return 0;
		if (rc != SQLITE_BUSY && rc != SQLITE_LOCKED)
			break;
		(void)nanosleep(&pause, NULL);
	}
	fprintf(stderr, "notes: journal_mode=WAL: %s\n", sqlite3_errmsg(db));
	return -1;
}

/* Creates the folder of path (one level, mode 0700) if it is missing. */
static int
db_mkdir(const char *path)
{
	char dir[4096];
	char *slash;
	int n;

	n = snprintf(dir, sizeof(dir), "%s", path);
	if (n < 0 || (size_t)n >= sizeof(dir))
		return -1;
	if ((slash = strrchr(dir, '/')) == NULL || slash == dir)
		return 0;
	*slash = '\0';
	if (mkdir(dir, 0700) == -1 && errno != EEXIST) {
		fprintf(stderr, "notes: mkdir %s: %s\n", dir, strerror(errno));
		return -1;
	}
	return 0;
}

/* Opens (creating if needed) the database at path. NULL on failure. */
static sqlite3 *
db_open(const char *path)
{
	sqlite3 *db = NULL;

	if (db_mkdir(path) == -1)
		return NULL;
	if (sqlite3_open_v2(path, &db,
	        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
	        NULL) != SQLITE_OK) {
		fprintf(stderr, "notes: %s: %s\n", path,
		    db ? sqlite3_errmsg(db) : "out of memory");
		sqlite3_close(db);
		return NULL;
	}
	if (sqlite3_busy_timeout(db, NOTES_BUSY_MS) != SQLITE_OK ||
	    db_wal(db) == -1 || db_exec(db, "PRAGMA synchronous=NORMAL") ||
	    db_exec(db,
	        "CREATE TABLE IF NOT EXISTS notes ("
	        " id INTEGER PRIMARY KEY,"
	        " author TEXT NOT NULL,"
	        " body TEXT NOT NULL,"
	        " created INTEGER NOT NULL)")) {
		sqlite3_close(db);
		return NULL;
	}
	return db;
}

/* The database path: NOTES_DB from the request (FastCGI params) or our
 * environment (CGI), else the default. */
static const char *
db_path(cgi_req *r)
{
	const char *p = cgi_getenv(r, "NOTES_DB");

	if (p == NULL || p[0] == '\0')
		p = getenv("NOTES_DB");
	if (p == NULL || p[0] == '\0')
		p = NOTES_DEFAULT_DB;
	return p;
}

/* ---- CSRF token (double submit) ---- */

/* True when s is exactly NOTES_TOKEN_LEN lowercase hex digits. */
static int
token_valid(const char *s)
{
	size_t i;

	if (s == NULL || strlen(s) != NOTES_TOKEN_LEN)
		return 0;
	for (i = 0; i < NOTES_TOKEN_LEN; i++)
		if (strchr("0123456789abcdef", s[i]) == NULL || s[i] == '\0')
			return 0;
	return 1;
}

/* Compares two valid tokens in time independent of where they differ, so
 * the response time tells an attacker nothing about a guess. */
static int
token_equal(const char *a, const char *b)
{
	unsigned char diff = 0;
	size_t i;

	for (i = 0; i < NOTES_TOKEN_LEN; i++)
		diff |= (unsigned char)(a[i] ^ b[i]);
	return diff == 0;
}

/*
 * The token of this visitor: the cookie's when it is well formed, else a
 * new random one, set as a cookie (HttpOnly, SameSite=Strict, only for
 * this program's path). out has NOTES_TOKEN_LEN + 1 bytes.
 */
static enum cgi_err
token_get(cgi_req *r, char *out)
{
	const char *have = cgi_cookie_get(r, NOTES_COOKIE);
	unsigned char raw[NOTES_TOKEN_BYTES];
	struct cgi_cookie c;
	size_t i;

	if (token_valid(have)) {
		memcpy(out, have, NOTES_TOKEN_LEN + 1);
		return CGI_OK;
	}
	if (getrandom(raw, sizeof(raw), 0) != (ssize_t)sizeof(raw))
		return CGI_ESYSTEM;
	for (i = 0; i < sizeof(raw); i++) {
		out[2 * i] = "0123456789abcdef"[raw[i] >> 4];
		out[2 * i + 1] = "0123456789abcdef"[raw[i] & 15];
	}
	out[NOTES_TOKEN_LEN] = '\0';
	memset(&c, 0, sizeof(c));
	c.name = NOTES_COOKIE;
	c.value = out;
	c.path = cgi_script_name(r)[0] == '/' ? cgi_script_name(r) : NULL;
	c.samesite = CGI_SAMESITE_STRICT;
	return cgi_cookie_set(r, &c);
}

/* True when the POST carries the same valid token in cookie and form. */
static int
token_check(cgi_req *r)
{
	const char *cookie = cgi_cookie_get(r, NOTES_COOKIE);
	const char *field = cgi_form_get(r, "csrf");

	return token_valid(cookie) && token_valid(field) &&
	    token_equal(cookie, field);
}

/* ---- Input checks ---- */

/* True when s[0..len) is well-formed UTF-8 (no overlongs, surrogates, or
 * code points past U+10FFFF) with no control characters but \t \n \r. */
static int
text_ok(const char *s, size_t len, int multiline)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, n, k;
	unsigned cp;

	while (i < len) {
		if (p[i] < 0x80) {
			if ((p[i] < 0x20 || p[i] == 0x7f) &&
			    !(multiline &&
			        (p[i] == '\n' || p[i] == '\r' || p[i] == '\t')))
				return 0;
			i++;
			continue;
		}
		if (p[i] >= 0xc2 && p[i] <= 0xdf)
			n = 1, cp = p[i] & 0x1f;
		else if (p[i] >= 0xe0 && p[i] <= 0xef)
			n = 2, cp = p[i] & 0x0f;
		else if (p[i] >= 0xf0 && p[i] <= 0xf4)
			n = 3, cp = p[i] & 0x07;
		else
			return 0;
		if (len - i <= n)
			return 0;
		for (k = 1; k <= n; k++) {
			if ((p[i + k] & 0xc0) != 0x80)
				return 0;
			cp = (cp << 6) | (p[i + k] & 0x3f);
		}
		if ((n == 2 &&
		        (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
		    (n == 3 && (cp < 0x10000 || cp > 0x10ffff)))
			return 0;
		i += n + 1;
	}
	return 1;
}

/* True when s holds something other than white space. */
static int
has_text(const char *s)
{
	for (; *s != '\0'; s++)
		if (strchr(" \t\r\n", *s) == NULL)
			return 1;
	return 0;
}

/* Checks one text field of the add form; returns an error message or NULL. */
static const char *
check_text(cgi_req *r, const char *name, size_t max, int multiline,
    const char **out)
{
	enum cgi_err e;
	size_t len = 0;

	*out = "";
	e = cgi_get_one(r, name, out, &len);
	if (e == CGI_MISSING || e == CGI_EMPTY ||
	    (e == CGI_OK && !has_text(*out)))
		return "Please fill this in.";
	if (e == CGI_DUP)
		return "This field was sent twice.";
	if (e != CGI_OK || !text_ok(*out, len, multiline))
		return "This holds bytes that are not text.";
	if (len > max)
		return multiline ? "This is too long (1000 bytes at most)."
		                 : "This is too long (60 bytes at most).";
	return NULL;
}

/* ---- Pages ---- */

static enum cgi_err
page_head(cgi_req *r, const char *title)
{
	return cgi_html(r,
	    "<!doctype html>\n<html lang=\"en\">\n<head>\n"
	    "<meta charset=\"utf-8\">\n"
	    "<meta name=\"viewport\" content=\"width=device-width, "
	    "initial-scale=1\">\n"
	    "<title>%s</title>\n"
	    "<link rel=\"stylesheet\" href=\"/style.css\">\n"
	    "</head>\n<body>\n<header class=\"site\">\n"
	    "<a class=\"home\" href=\"/\">cgihttpd examples</a>\n"
	    "<p>Notes: a small SQLite application in C with libcgi.</p>\n"
	    "</header>\n<main id=\"main\">\n",
	    title);
}

/*
 * Ends an input's start tag; an invalid field also gets aria-invalid and
 * points at its message (id), for screen readers. Written with cgi_puts:
 * this is our markup, which cgi_html's %s would escape.
 */
static enum cgi_err
end_input(cgi_req *r, const char *err, const char *id)
{
	enum cgi_err e;

	if (err == NULL)
		return cgi_puts(r, ">");
	if ((e = cgi_puts(r, " aria-invalid=\"true\" aria-describedby=\"")) !=
	        CGI_OK ||
	    (e = cgi_puts(r, id)) != CGI_OK)
		return e;
	return cgi_puts(r, "\">");
}

/* The add form, holding f's values and errors. */
static enum cgi_err
page_form(cgi_req *r, const char *token, const struct notes_form *f)
{
	enum cgi_err e;

	if ((e = cgi_html(r,
	         "<h2 id=\"add\">Add a note</h2>\n"
	         "<form class=\"card\" method=\"post\" action=\"%s\" "
	         "id=\"add-form\">\n"
	         "<input type=\"hidden\" name=\"action\" value=\"add\">\n"
	         "<input type=\"hidden\" name=\"csrf\" value=\"%s\">\n"
	         "<p class=\"field\"><label for=\"author\">Your name"
	         "<span class=\"hint\">Up to 60 bytes.</span></label>\n"
	         "<input type=\"text\" id=\"author\" name=\"author\" "
	         "value=\"%s\" maxlength=\"60\" autocomplete=\"name\"",
	         cgi_script_name(r), token, f->author)) != CGI_OK ||
	    (e = end_input(r, f->author_err, "author-err")) != CGI_OK ||
	    (e = cgi_puts(r, "</p>\n")) != CGI_OK)
		return e;
	if (f->author_err &&
	    (e = cgi_html(r, "<p class=\"note bad\" id=\"author-err\">%s</p>\n",
	         f->author_err)) != CGI_OK)
		return e;
	if ((e = cgi_puts(r,
	         "<p class=\"field\"><label for=\"body\">Note"
	         "<span class=\"hint\">Up to 1000 bytes.</span></label>\n"
	         "<textarea id=\"body\" name=\"body\"")) != CGI_OK ||
	    (e = end_input(r, f->body_err, "body-err")) != CGI_OK ||
	    (e = cgi_html(r, "\n%s</textarea></p>\n", f->body)) != CGI_OK)
		return e;
	if (f->body_err &&
	    (e = cgi_html(r, "<p class=\"note bad\" id=\"body-err\">%s</p>\n",
	         f->body_err)) != CGI_OK)
		return e;
	return cgi_puts(r,
	    "<button type=\"submit\">Add note</button>\n"
	    "</form>\n");
}

/* The search box. */
static enum cgi_err
page_search(cgi_req *r, const char *q)
{
	/* lint: get-form (L-3875-9.3). A search sends only the words looked
	 * for, nothing confidential, and changes nothing; GET keeps each
	 * result page a link that can be shared, bookmarked and reloaded. */
	return cgi_html(r,
	    "<form method=\"get\" action=\"%s\" role=\"search\">\n"
	    "<p class=\"field\"><label for=\"q\">Search notes</label>\n"
	    "<input type=\"search\" id=\"q\" name=\"q\" value=\"%s\" "
	    "maxlength=\"100\">\n"
	    "<button type=\"submit\">Search</button></p>\n"
	    "</form>\n",
	    cgi_script_name(r), q);
}

/* A link to page p of the list for search q (q URL-encoded). */
static enum cgi_err
page_link(cgi_req *r, const char *qenc, long long page, long long per,
    const char *rel, const char *text)
{
	char per_part[32] = "";

	if (per != NOTES_PER_PAGE)
		(void)snprintf(per_part, sizeof(per_part), "&per=%lld", per);
	return cgi_html(r,
	    "<a rel=\"%s\" href=\"%s?q=%s&amp;page=%lld%s\">%s</a>\n", rel,
	    cgi_script_name(r), qenc, page, per_part, text);
}

/*
 * Writes pat = "%" q "%" with LIKE's wildcards in q escaped by '\', so a
 * search for "50%" finds "50%" and not "50 anything". pat has
 * 2 * NOTES_MAX_QUERY + 3 bytes; q is at most NOTES_MAX_QUERY bytes.
 */
static void
like_pattern(char *pat, const char *q)
{
	size_t n = 0;

	pat[n++] = '%';
	for (; *q != '\0'; q++) {
		if (*q == '%' || *q == '_' || *q == '\\')
			pat[n++] = '\\';
		pat[n++] = *q;
	}
	pat[n++] = '%';
	pat[n] = '\0';
}

#define NOTES_WHERE                                                            \
	" WHERE ?1 = '' OR author LIKE ?2 ESCAPE '\\'"                         \
	" OR body LIKE ?2 ESCAPE '\\'"

/* Counts the notes matching q into *total. 0, or -1 (logged). */
static int
list_count(sqlite3 *db, const char *q, const char *pat, long long *total)
{
	sqlite3_stmt *st = NULL;
	int rc = -1;

	if (sqlite3_prepare_v2(db, "SELECT count(*) FROM notes" NOTES_WHERE, -1,
	        &st, NULL) == SQLITE_OK &&
	    sqlite3_bind_text(st, 1, q, -1, SQLITE_STATIC) == SQLITE_OK &&
	    sqlite3_bind_text(st, 2, pat, -1, SQLITE_STATIC) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW) {
		*total = sqlite3_column_int64(st, 0);
		rc = 0;
	} else {
		fprintf(stderr, "notes: count: %s\n", sqlite3_errmsg(db));
	}
	sqlite3_finalize(st);
	return rc;
}

/* One note as an article with its delete button. */
static enum cgi_err
list_row(cgi_req *r, sqlite3_stmt *st, const char *token, const char *q,
    long long page)
{
	long long id = sqlite3_column_int64(st, 0);
	const char *author = (const char *)sqlite3_column_text(st, 1);
	const char *body = (const char *)sqlite3_column_text(st, 2);
	const char *when = (const char *)sqlite3_column_text(st, 3);

	return cgi_html(r,
	    "<li id=\"note-%lld\">\n"
	    "<p class=\"note-body\">%s</p>\n"
	    "<p class=\"meta\">— <span class=\"author\">%s</span>, "
	    "<time>%s UTC</time></p>\n"
	    "<form method=\"post\" action=\"%s\">\n"
	    "<input type=\"hidden\" name=\"action\" value=\"delete\">\n"
	    "<input type=\"hidden\" name=\"csrf\" value=\"%s\">\n"
	    "<input type=\"hidden\" name=\"id\" value=\"%lld\">\n"
	    "<input type=\"hidden\" name=\"q\" value=\"%s\">\n"
	    "<input type=\"hidden\" name=\"page\" value=\"%lld\">\n"
	    "<button class=\"quiet\" type=\"submit\" "
	    "aria-label=\"Delete note %lld\">Delete</button>\n"
	    "</form>\n</li>\n",
	    id, body ? body : "", author ? author : "", when ? when : "",
	    cgi_script_name(r), token, id, q, page, id);
}

/*
 * The notes of page `page` (from 1) matching q, `per` to a page, newest
 * first: id, author, body, creation as text, creation in seconds. NULL on
 * failure (logged). The caller finalizes the statement.
 */
static sqlite3_stmt *
list_select(sqlite3 *db, const char *q, const char *pat, long long page,
    long long per)
{
	sqlite3_stmt *st = NULL;

	if (sqlite3_prepare_v2(db,
	        "SELECT id, author, body, strftime('%Y-%m-%d %H:%M', created,"
	        " 'unixepoch'), created FROM notes" NOTES_WHERE
	        " ORDER BY id DESC LIMIT ?3 OFFSET ?4",
	        -1, &st, NULL) != SQLITE_OK ||
	    sqlite3_bind_text(st, 1, q, -1, SQLITE_STATIC) != SQLITE_OK ||
	    sqlite3_bind_text(st, 2, pat, -1, SQLITE_STATIC) != SQLITE_OK ||
	    sqlite3_bind_int64(st, 3, per) != SQLITE_OK ||
	    sqlite3_bind_int64(st, 4, (page - 1) * per) != SQLITE_OK) {
		fprintf(stderr, "notes: list: %s\n", sqlite3_errmsg(db));
		sqlite3_finalize(st);
		return NULL;
	}
	return st;
}

/*
 * The list of page `page` (from 1) of the notes matching q, `per` to a
 * page, newest first, with links to the neighbouring pages.
 */
static enum cgi_err
list_notes(cgi_req *r, sqlite3 *db, const char *token, const char *q,
    const char *pat, long long total, long long page, long long per)
{
	sqlite3_stmt *st = NULL;
	long long pages = total == 0 ? 1 : (total + per - 1) / per;
	enum cgi_err e = CGI_OK;
	char *qenc = NULL;
	int rc;

	if (total == 0)
		return cgi_html(r, "<p id=\"empty\">%s</p>\n",
		    q[0] ? "No note matches this search." : "No notes yet.");
	if ((e = cgi_html(r,
	         "<p id=\"count\">%lld note%s%s%s%s, page %lld of %lld.</p>\n"
	         "<ol class=\"notes\" id=\"notes\">\n",
	         total, total == 1 ? "" : "s", q[0] ? " match “" : "", q,
	         q[0] ? "”" : "", page, pages)) != CGI_OK)
		return e;
	if ((st = list_select(db, q, pat, page, per)) == NULL)
		return cgi_html(r,
		    "</ol>\n<p class=\"note bad\">The notes "
		    "could not be read.</p>\n");
	while (e == CGI_OK && (rc = sqlite3_step(st)) == SQLITE_ROW)
		e = list_row(r, st, token, q, page);
	if (e == CGI_OK && rc != SQLITE_DONE) {
		fprintf(stderr, "notes: list: %s\n", sqlite3_errmsg(db));
		e = cgi_html(r,
		    "<li class=\"bad\">The rest of the notes "
		    "could not be read.</li>\n");
	}
	sqlite3_finalize(st);
	if (e != CGI_OK || (e = cgi_html(r, "</ol>\n")) != CGI_OK)
		return e;
	if (pages == 1)
		return CGI_OK;
	if ((qenc = cgi_url_encode(q)) == NULL)
		return CGI_ENOMEM;
	e = cgi_html(r, "<nav class=\"pages\" aria-label=\"Pages\">\n");
	if (e == CGI_OK && page > 1)
		e = page_link(r, qenc, page - 1, per, "prev", "← Newer");
	if (e == CGI_OK && page < pages)
		e = page_link(r, qenc, page + 1, per, "next", "Older →");
	if (e == CGI_OK)
		e = cgi_html(r, "</nav>\n");
	free(qenc);
	return e;
}

/* One "key": number or "key": "text" member of a JSON object. */
static enum cgi_err
json_num(cgi_req *r, const char *key, long long v)
{
	enum cgi_err e = cgi_json_key(r, key);

	return e != CGI_OK ? e : cgi_json_int(r, v);
}

static enum cgi_err
json_text(cgi_req *r, const char *key, const unsigned char *s)
{
	enum cgi_err e = cgi_json_key(r, key);

	return e != CGI_OK ? e : cgi_json_string(r, s ? (const char *)s : "");
}

/*
 * The same page of the list as JSON, for programs: {"total", "page",
 * "pages", "per", "notes": [{"id", "author", "body", "created"}]}. The
 * writer escapes the text (also < > &), so it is safe even inside <script>.
 */
static enum cgi_err
notes_json(cgi_req *r, sqlite3 *db, const char *q, const char *pat,
    long long total, long long page, long long per)
{
	long long pages = total == 0 ? 1 : (total + per - 1) / per;
	sqlite3_stmt *st;
	enum cgi_err e;
	int rc = SQLITE_DONE;

	if ((st = list_select(db, q, pat, page, per)) == NULL)
		return cgi_error_page(r, 503);
	if ((e = cgi_json_object(r)) == CGI_OK &&
	    (e = json_num(r, "total", total)) == CGI_OK &&
	    (e = json_num(r, "page", page)) == CGI_OK &&
	    (e = json_num(r, "pages", pages)) == CGI_OK &&
	    (e = json_num(r, "per", per)) == CGI_OK &&
	    (e = cgi_json_key(r, "notes")) == CGI_OK)
		e = cgi_json_array(r);
	while (e == CGI_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		if ((e = cgi_json_object(r)) == CGI_OK &&
		    (e = json_num(r, "id", sqlite3_column_int64(st, 0))) ==
		        CGI_OK &&
		    (e = json_text(r, "author", sqlite3_column_text(st, 1))) ==
		        CGI_OK &&
		    (e = json_text(r, "body", sqlite3_column_text(st, 2))) ==
		        CGI_OK &&
		    (e = json_num(r, "created", sqlite3_column_int64(st, 4))) ==
		        CGI_OK)
			e = cgi_json_object_end(r);
	}
	sqlite3_finalize(st);
	/* Too late for an error status: the JSON is left cut short, which a
	 * client's parser notices. */
	if (e == CGI_OK && rc != SQLITE_DONE) {
		fprintf(stderr, "notes: json: %s\n", sqlite3_errmsg(db));
		return CGI_OK;
	}
	if (e == CGI_OK && (e = cgi_json_array_end(r)) == CGI_OK)
		e = cgi_json_object_end(r);
	return e;
}

/* A number from the query or form in [min, max]; def when absent. */
static enum cgi_err
int_param(cgi_req *r, const char *name, long long min, long long max,
    long long def, long long *out)
{
	enum cgi_err e = cgi_get_int(r, name, min, max, out);

	if (e == CGI_MISSING) {
		*out = def;
		return CGI_OK;
	}
	return e;
}

/* The search text: at most NOTES_MAX_QUERY bytes of one line of text. */
static enum cgi_err
query_param(cgi_req *r, const char **q)
{
	size_t len;

	*q = cgi_get(r, "q");
	if (*q == NULL) {
		*q = "";
		return CGI_OK;
	}
	len = strlen(*q);
	if (len > NOTES_MAX_QUERY || !text_ok(*q, len, 0))
		return CGI_INVALID;
	return CGI_OK;
}

/* The whole list page: flash message, search, list, pages, add form. */
static enum cgi_err
notes_page(cgi_req *r, sqlite3 *db, const struct notes_form *f, int status)
{
	char token[NOTES_TOKEN_LEN + 1];
	char pat[2 * NOTES_MAX_QUERY + 3];
	static const char *const formats[] = { "html", "json" };
	long long page, per, total, flash;
	size_t format = 0;
	const char *q;
	enum cgi_err e;

	e = cgi_get_choice(r, "format", formats, 2, &format);
	if ((e != CGI_OK && e != CGI_MISSING) || query_param(r, &q) != CGI_OK ||
	    int_param(r, "page", 1, 1000000, 1, &page) != CGI_OK ||
	    int_param(r, "per", 1, NOTES_MAX_PER, NOTES_PER_PAGE, &per) !=
	        CGI_OK)
		return cgi_error_page(r, 400);
	like_pattern(pat, q);
	if (list_count(db, q, pat, &total) == -1)
		return cgi_error_page(r, 503);
	/* A page past the end (after deleting its last note, say) shows
	 * the last page instead of an empty one. */
	if (total > 0 && (page - 1) * per >= total)
		page = (total + per - 1) / per;
	if (format == 1)
		return notes_json(r, db, q, pat, total, page, per);
	if ((e = token_get(r, token)) != CGI_OK ||
	    (status != 200 && (e = cgi_status(r, status)) != CGI_OK) ||
	    (e = page_head(r, "Notes")) != CGI_OK ||
	    (e = cgi_html(r, "<h1>Notes</h1>\n")) != CGI_OK)
		return e;
	if (f->author_err || f->body_err)
		e = cgi_html(r,
		    "<p class=\"note bad\" role=\"alert\" "
		    "id=\"flash\">The note was not added: see "
		    "<a href=\"#add\">below</a>.</p>\n");
	else if (cgi_get_int(r, "added", 1, LLONG_MAX, &flash) == CGI_OK)
		e = cgi_html(r,
		    "<p class=\"note ok\" role=\"status\" "
		    "id=\"flash\">Note #%lld added.</p>\n",
		    flash);
	else if (cgi_get_int(r, "deleted", 1, LLONG_MAX, &flash) == CGI_OK)
		e = cgi_html(r,
		    "<p class=\"note ok\" role=\"status\" "
		    "id=\"flash\">Note #%lld deleted.</p>\n",
		    flash);
	else if (cgi_get_int(r, "gone", 1, LLONG_MAX, &flash) == CGI_OK)
		e = cgi_html(r,
		    "<p class=\"note warn\" role=\"status\" "
		    "id=\"flash\">Note #%lld was already gone.</p>\n",
		    flash);
	if (e != CGI_OK || (e = page_search(r, q)) != CGI_OK ||
	    (e = list_notes(r, db, token, q, pat, total, page, per)) !=
	        CGI_OK ||
	    (e = page_form(r, token, f)) != CGI_OK)
		return e;
	return cgi_html(r,
	    "<p>This list for programs: <a href=\"%s?format=json\">as "
	    "JSON</a>.</p>\n</main>\n</body>\n</html>\n",
	    cgi_script_name(r));
}

/* ---- Actions ---- */

/* The program's own URL path, for redirects ("" in a terminal run). */
static const char *
self_url(cgi_req *r)
{
	const char *s = cgi_script_name(r);

	return s[0] == '/' ? s : "/cgi-bin/notes";
}

/* Runs sql (an INSERT or DELETE with ?1, ?2) inside BEGIN IMMEDIATE, which
 * takes the write lock up front and so waits on the busy timeout instead of
 * failing when another request writes. Returns the rows changed, or -1. */
static long long
db_write(sqlite3 *db, const char *sql, const char *a, const char *b,
    long long id)
{
	sqlite3_stmt *st = NULL;
	long long changed = -1;

	if (db_exec(db, "BEGIN IMMEDIATE") == -1)
		return -1;
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK &&
	    (a == NULL ||
	        (sqlite3_bind_text(st, 1, a, -1, SQLITE_STATIC) == SQLITE_OK &&
	            sqlite3_bind_text(st, 2, b, -1, SQLITE_STATIC) ==
	                SQLITE_OK)) &&
	    (a != NULL || sqlite3_bind_int64(st, 1, id) == SQLITE_OK) &&
	    sqlite3_step(st) == SQLITE_DONE)
		changed = sqlite3_changes(db);
	else
		fprintf(stderr, "notes: %s: %s\n", sql, sqlite3_errmsg(db));
	sqlite3_finalize(st);
	if (changed >= 0 && db_exec(db, "COMMIT") == 0)
		return changed;
	(void)db_exec(db, "ROLLBACK");
	return -1;
}

static enum cgi_err
notes_add(cgi_req *r, sqlite3 *db)
{
	struct notes_form f;
	char url[256];
	long long id;
	int n;

	f.author_err = check_text(r, "author", NOTES_MAX_AUTHOR, 0, &f.author);
	f.body_err = check_text(r, "body", NOTES_MAX_BODY, 1, &f.body);
	if (f.author_err || f.body_err)
		return notes_page(r, db, &f, 422);
	if (db_write(db,
	        "INSERT INTO notes (author, body, created)"
	        " VALUES (?1, ?2, strftime('%s', 'now'))",
	        f.author, f.body, 0) != 1)
		return cgi_error_page(r, 503);
	id = sqlite3_last_insert_rowid(db);
	/* No #fragment: RFC 3875 6.2.2 allows none in a local path, and
	 * cgihttpd refuses it. */
	n = snprintf(url, sizeof(url), "%s?added=%lld", self_url(r), id);
	if (n < 0 || (size_t)n >= sizeof(url))
		return CGI_EINVAL;
	return cgi_redirect(r, url, 303);
}

static enum cgi_err
notes_delete(cgi_req *r, sqlite3 *db)
{
	long long id, page, changed;
	const char *q;
	char *qenc;
	char url[512];
	int n;

	if (cgi_get_int(r, "id", 1, LLONG_MAX, &id) != CGI_OK ||
	    query_param(r, &q) != CGI_OK ||
	    int_param(r, "page", 1, 1000000, 1, &page) != CGI_OK)
		return cgi_error_page(r, 400);
	if ((changed = db_write(db, "DELETE FROM notes WHERE id = ?1", NULL,
	         NULL, id)) < 0)
		return cgi_error_page(r, 503);
	if ((qenc = cgi_url_encode(q)) == NULL)
		return CGI_ENOMEM;
	n = snprintf(url, sizeof(url), "%s?%s=%lld&q=%s&page=%lld", self_url(r),
	    changed ? "deleted" : "gone", id, qenc, page);
	free(qenc);
	if (n < 0 || (size_t)n >= sizeof(url))
		return CGI_EINVAL;
	return cgi_redirect(r, url, 303);
}

/* The answer to a POST whose token is missing or does not match. */
static enum cgi_err
notes_forbidden(cgi_req *r)
{
	enum cgi_err e;

	if ((e = cgi_status(r, 403)) != CGI_OK ||
	    (e = page_head(r, "Form refused")) != CGI_OK)
		return e;
	return cgi_html(r,
	    "<h1>Form refused</h1>\n"
	    "<p class=\"note bad\" id=\"csrf-refused\">This form did not come "
	    "from this site's page, or its page is too old (the check against "
	    "cross-site request forgery failed). Nothing was changed.</p>\n"
	    "<p><a href=\"%s\">Back to the notes</a></p>\n"
	    "</main>\n</body>\n</html>\n",
	    self_url(r));
}

static enum cgi_err
notes_handle(cgi_req *r, sqlite3 **db)
{
	static const struct notes_form empty = { "", "", NULL, NULL };
	const char *action;
	enum cgi_err e;

	if (!cgi_allow(r, "GET, POST"))
		return CGI_OK; /* answered 405 */
	if ((e = cgi_header_set(r, "Content-Security-Policy", EXAMPLE_CSP)) !=
	    CGI_OK)
		return e;
	/* The page holds this visitor's CSRF token: no cache may keep it. */
	if ((e = cgi_header_set(r, "Cache-Control", "no-store")) != CGI_OK)
		return e;
	if (*db == NULL && (*db = db_open(db_path(r))) == NULL)
		return cgi_error_page(r, 503);
	if (strcmp(cgi_method(r), "POST") != 0)
		return notes_page(r, *db, &empty, 200);
	if (!token_check(r))
		return notes_forbidden(r);
	action = cgi_form_get(r, "action");
	if (action != NULL && strcmp(action, "add") == 0)
		return notes_add(r, *db);
	if (action != NULL && strcmp(action, "delete") == 0)
		return notes_delete(r, *db);
	return cgi_error_page(r, 400);
}

int
main(int argc, char **argv)
{
	cgi_app *app = cgi_open(argc, argv, NULL);
	sqlite3 *db = NULL;
	cgi_req *r;
	enum cgi_err e;

	if (app == NULL) {
		perror("notes: cgi_open");
		return 1;
	}
	while ((r = cgi_accept(app)) != NULL) {
		if ((e = notes_handle(r, &db)) != CGI_OK) {
			fprintf(stderr, "notes: %s\n", cgi_strerror(e));
			(void)cgi_error_page(r, 500);
		}
		(void)cgi_finish(r);
	}
	sqlite3_close(db);
	return cgi_close(app);
}
