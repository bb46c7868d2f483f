/*
 * test_mime.c - Content-Type lookups (mime.h): every built-in extension
 * (which also proves the table is sorted, since bsearch would miss an
 * entry out of order), case-insensitivity, path handling, and mime_load
 * on generated files: comments, junk, duplicates, built-ins winning, a
 * reload replacing, a missing file, and BOUND_MIME_FILE_BYTES.
 */
#include "mime.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "bounds.h"
#include "harness.h"

static const struct {
	const char *ext, *type;
} builtins[] = {
	{ "7z", "application/x-7z-compressed" },
	{ "aac", "audio/aac" },
	{ "apng", "image/apng" },
	{ "atom", "application/atom+xml" },
	{ "avif", "image/avif" },
	{ "bmp", "image/bmp" },
	{ "bz2", "application/x-bzip2" },
	{ "css", "text/css; charset=utf-8" },
	{ "csv", "text/csv; charset=utf-8" },
	{ "epub", "application/epub+zip" },
	{ "flac", "audio/flac" },
	{ "gif", "image/gif" },
	{ "gz", "application/gzip" },
	{ "heic", "image/heic" },
	{ "htm", "text/html; charset=utf-8" },
	{ "html", "text/html; charset=utf-8" },
	{ "ico", "image/vnd.microsoft.icon" },
	{ "ics", "text/calendar; charset=utf-8" },
	{ "jpeg", "image/jpeg" },
	{ "jpg", "image/jpeg" },
	{ "js", "text/javascript; charset=utf-8" },
	{ "json", "application/json" },
	{ "jsonld", "application/ld+json" },
	{ "jxl", "image/jxl" },
	{ "m4a", "audio/mp4" },
	{ "map", "application/json" },
	{ "md", "text/markdown; charset=utf-8" },
	{ "mid", "audio/midi" },
	{ "mjs", "text/javascript; charset=utf-8" },
	{ "mov", "video/quicktime" },
	{ "mp3", "audio/mpeg" },
	{ "mp4", "video/mp4" },
	{ "mpeg", "video/mpeg" },
	{ "oga", "audio/ogg" },
	{ "ogg", "audio/ogg" },
	{ "ogv", "video/ogg" },
	{ "opus", "audio/ogg" },
	{ "otf", "font/otf" },
	{ "pdf", "application/pdf" },
	{ "png", "image/png" },
	{ "rss", "application/rss+xml" },
	{ "rtf", "application/rtf" },
	{ "svg", "image/svg+xml" },
	{ "tar", "application/x-tar" },
	{ "tif", "image/tiff" },
	{ "tiff", "image/tiff" },
	{ "ttf", "font/ttf" },
	{ "txt", "text/plain; charset=utf-8" },
	{ "vtt", "text/vtt; charset=utf-8" },
	{ "wasm", "application/wasm" },
	{ "wav", "audio/wav" },
	{ "webm", "video/webm" },
	{ "webmanifest", "application/manifest+json" },
	{ "webp", "image/webp" },
	{ "woff", "font/woff" },
	{ "woff2", "font/woff2" },
	{ "xhtml", "application/xhtml+xml" },
	{ "xml", "application/xml" },
	{ "xz", "application/x-xz" },
	{ "zip", "application/zip" },
	{ "zst", "application/zstd" },
};

static const struct {
	const char *name, *in, *type;
} lookups[] = {
	{ "upper case", "HTML", "text/html; charset=utf-8" },
	{ "mixed case", "Js", "text/javascript; charset=utf-8" },
	{ "unknown", "xyz", MIME_DEFAULT },
	{ "empty", "", MIME_DEFAULT },
	{ "with a space", "ht ml", MIME_DEFAULT },
	{ "with NUL-free junk", "h/tml", MIME_DEFAULT },
	{ "prefix of a known one", "htm", "text/html; charset=utf-8" },
	{ "known one plus a letter", "htmlx", MIME_DEFAULT },
	{ "longest allowed, unknown", "abcdefghijabcdefghijabcdefghijab",
	    MIME_DEFAULT },
};

static const struct {
	const char *name, *path, *type;
} paths[] = {
	{ "file", "/a/b.HTML", "text/html; charset=utf-8" },
	{ "two dots", "/x.tar.gz", "application/gzip" },
	{ "dot in a directory only", "/a.b/c", MIME_DEFAULT },
	{ "hidden file", "/.profile", MIME_DEFAULT },
	{ "hidden file with ext", "/.config.json", "application/json" },
	{ "final dot", "/x.", MIME_DEFAULT },
	{ "directory", "/dir/", MIME_DEFAULT },
	{ "empty", "", MIME_DEFAULT },
	{ "no slash", "style.css", "text/css; charset=utf-8" },
};

static void
test_builtins(void)
{
	size_t i;

	for (i = 0; i < sizeof(builtins) / sizeof(builtins[0]); i++) {
		CHECK_STR(builtins[i].ext,
		    mime_lookup(NULL, str_from(builtins[i].ext)),
		    builtins[i].type);
		if (i > 0)
			CHECK(builtins[i].ext,
			    strcmp(builtins[i - 1].ext, builtins[i].ext) < 0);
	}
	for (i = 0; i < sizeof(lookups) / sizeof(lookups[0]); i++)
		CHECK_STR(lookups[i].name,
		    mime_lookup(NULL, str_from(lookups[i].in)),
		    lookups[i].type);
	for (i = 0; i < sizeof(paths) / sizeof(paths[0]); i++)
		CHECK_STR(paths[i].name,
		    mime_for_path(NULL, str_from(paths[i].path)),
		    paths[i].type);
	/* Exactly BOUND_MIME_EXT_BYTES may match; one more never does. */
	CHECK_STR("ext past the bound",
	    mime_lookup(NULL, STR_LIT("abcdefghijabcdefghijabcdefghijabc")),
	    MIME_DEFAULT);
}

/* Writes text to a new temporary file; its name goes to path. */
static void
write_file(char *path, size_t pathlen, const char *text, size_t n)
{
	const char *dir = getenv("TMPDIR");
	FILE *fp;
	int fd;

	if (snprintf(path, pathlen, "%s/test_mime.XXXXXX",
	        dir != NULL ? dir : "/tmp") >= (int)pathlen)
		exit(2);
	if ((fd = mkstemp(path)) == -1 || (fp = fdopen(fd, "w")) == NULL) {
		perror("mkstemp");
		exit(2);
	}
	if (fwrite(text, 1, n, fp) != n || fclose(fp) != 0) {
		perror("write");
		exit(2);
	}
}

static const char mime_file[] =
    "# comment line\n"
    "text/x-foo   foo  FOO2\n"
    "application/javascript js\n"
    "application/x-first dup\n"
    "application/x-second dup other\n"
    "bad-type-no-slash  zzz\n"
    "text/x-long abcdefghijabcdefghijabcdefghijabc\n"
    "image/x-tab\tta1\tta2\r\n"
    "   \n"
    "application/x-noext\n"
    "  # indented comment\n"
    "text/x-last last";

static void
test_load(void)
{
	char path[256];
	struct mime m;

	mime_init(&m);
	CHECK_STR("empty table", mime_lookup(&m, STR_LIT("foo")), MIME_DEFAULT);
	write_file(path, sizeof(path), mime_file, sizeof(mime_file) - 1);
	CHECK_INT("load", mime_load(&m, path), 0);
	(void)unlink(path);
	CHECK_STR("loaded", mime_lookup(&m, STR_LIT("foo")), "text/x-foo");
	CHECK_STR("loaded, lower-cased", mime_lookup(&m, STR_LIT("Foo2")),
	    "text/x-foo");
	CHECK_STR("built-in wins", mime_lookup(&m, STR_LIT("js")),
	    "text/javascript; charset=utf-8");
	CHECK_STR("first duplicate wins", mime_lookup(&m, STR_LIT("dup")),
	    "application/x-first");
	CHECK_STR("second line's other ext", mime_lookup(&m, STR_LIT("other")),
	    "application/x-second");
	CHECK_STR("junk type skipped", mime_lookup(&m, STR_LIT("zzz")),
	    MIME_DEFAULT);
	CHECK_STR("over-long ext skipped",
	    mime_lookup(&m, STR_LIT("abcdefghijabcdefghijabcdefghijabc")),
	    MIME_DEFAULT);
	CHECK_STR("tabs and CRLF", mime_lookup(&m, STR_LIT("ta2")),
	    "image/x-tab");
	CHECK_STR("last line without newline", mime_lookup(&m, STR_LIT("last")),
	    "text/x-last");
	CHECK_STR("path through a loaded table",
	    mime_for_path(&m, STR_LIT("/a/b.ta1")), "image/x-tab");
	CHECK_INT("entries", m.nents, 7);

	/* A reload replaces; a failed one leaves the table as it was. */
	write_file(path, sizeof(path), "text/x-bar bar\n", 15);
	CHECK_INT("reload", mime_load(&m, path), 0);
	(void)unlink(path);
	CHECK_STR("reload adds", mime_lookup(&m, STR_LIT("bar")), "text/x-bar");
	CHECK_STR("reload replaces", mime_lookup(&m, STR_LIT("foo")),
	    MIME_DEFAULT);
	errno = 0;
	CHECK_INT("missing file", mime_load(&m, "/nonexistent/mime.types"), -1);
	CHECK_INT("missing file errno", errno, ENOENT);
	CHECK_STR("missing file keeps the table",
	    mime_lookup(&m, STR_LIT("bar")), "text/x-bar");
	mime_fini(&m);
	CHECK_STR("after fini", mime_lookup(&m, STR_LIT("bar")), MIME_DEFAULT);
	mime_fini(&m); /* twice is harmless */

	/* The host's own file, when there is one. */
	if (access("/etc/mime.types", R_OK) == 0) {
		CHECK_INT("host mime.types", mime_load(&m, "/etc/mime.types"),
		    0);
		CHECK("host mime.types adds entries", m.nents > 100);
		CHECK_STR("host file never overrides js",
		    mime_lookup(&m, STR_LIT("js")),
		    "text/javascript; charset=utf-8");
		mime_fini(&m);
	}
}

/* The last line counts when the file ends at the bound, not past it. */
static void
test_file_bound(void)
{
	static const char last[] = "text/x-late late\n";
	char path[256];
	struct mime m;
	char *text;
	size_t n;

	for (n = BOUND_MIME_FILE_BYTES; n <= BOUND_MIME_FILE_BYTES + 1; n++) {
		if ((text = malloc(n)) == NULL)
			exit(2);
		memset(text, '#', n);
		/* comment lines of 64 bytes, then the last line */
		for (size_t i = 63; i < n - (sizeof(last) - 1); i += 64)
			text[i] = '\n';
		text[n - sizeof(last)] = '\n';
		memcpy(text + n - (sizeof(last) - 1), last, sizeof(last) - 1);
		write_file(path, sizeof(path), text, n);
		free(text);
		mime_init(&m);
		CHECK_INT("bound load", mime_load(&m, path), 0);
		(void)unlink(path);
		CHECK_STR(n == BOUND_MIME_FILE_BYTES ? "file at the bound"
		                                     : "file past the bound",
		    mime_lookup(&m, STR_LIT("late")),
		    n == BOUND_MIME_FILE_BYTES ? "text/x-late" : MIME_DEFAULT);
		mime_fini(&m);
	}
}

int
main(void)
{
	test_builtins();
	test_load();
	test_file_bound();
	return harness_done();
}
