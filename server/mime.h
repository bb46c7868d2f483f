/*
 * mime.h - Content-Type from a file name's extension.
 *
 * A built-in table (sorted, searched with bsearch) gives the common web
 * types, text types with "; charset=utf-8". mime_load() adds the entries
 * of a mime.types file for extensions the built-ins do not know: the
 * built-ins win, so the answer for .js or .html never depends on the host.
 * The table is passed explicitly (no globals, STYLE Rule 10).
 */
#ifndef SERVER_MIME_H
#define SERVER_MIME_H

#include <stddef.h>

#include "str.h"

/* Type for an unknown or missing extension. */
#define MIME_DEFAULT "application/octet-stream"

struct mime_entry {
	const char *ext;  /* lower case, no dot */
	const char *type; /* the full Content-Type value */
};

struct mime {
	struct mime_entry *ents; /* loaded entries sorted by ext; owned */
	size_t nents;
	char *store; /* owned: the strings the loaded entries point into */
};

/* Empty table: lookups use the built-ins only. Allocates nothing. */
void mime_init(struct mime *m);

/*
 * Reads a mime.types file ("type ext ext ..." lines, '#' comments; the
 * first BOUND_MIME_FILE_BYTES bytes) and adds its extensions that the
 * built-ins lack; a later duplicate in the file is ignored. Replaces what
 * an earlier mime_load added. Returns 0, or -1 with errno (ENOENT when the
 * file is missing: the built-ins still work; ENOMEM); on failure m is left
 * as it was.
 */
int mime_load(struct mime *m, const char *path);

/* Releases what mime_load allocated; m is an empty table afterwards. */
void mime_fini(struct mime *m);

/*
 * Content-Type for an extension (without the dot, ASCII case-insensitive).
 * m may be NULL (built-ins only). Returns a string that lives as long as m
 * (or forever for built-ins): never NULL, MIME_DEFAULT when unknown.
 */
const char *mime_lookup(const struct mime *m, struct str ext);

/*
 * Content-Type for a path: the extension after the last '.' of its last
 * segment ("/a.b/c" and "/.profile" have none: MIME_DEFAULT).
 */
const char *mime_for_path(const struct mime *m, struct str path);

#endif /* SERVER_MIME_H */
