/*
 * mime.c - extension to Content-Type lookups declared in mime.h.
 */
#include "mime.h"

#include <errno.h>
#include <stdlib.h>

void
mime_init(struct mime *m)
{
	m->ents = NULL;
	m->nents = 0;
	m->store = NULL;
}

int
mime_load(struct mime *m, const char *path)
{
	(void)m;
	(void)path;
	errno = ENOENT;
	return -1;
}

void
mime_fini(struct mime *m)
{
	free(m->ents);
	free(m->store);
	mime_init(m);
}

const char *
mime_lookup(const struct mime *m, struct str ext)
{
	(void)m;
	(void)ext;
	return MIME_DEFAULT;
}

const char *
mime_for_path(const struct mime *m, struct str path)
{
	(void)m;
	(void)path;
	return MIME_DEFAULT;
}
