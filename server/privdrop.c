/*
 * privdrop.c - drop root for good (see privdrop.h).
 *
 * Called from main() before the worker threads exist, so the credential
 * change covers the whole process without relying on glibc's cross-thread
 * setxid broadcast.
 */
#include "privdrop.h"

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "str.h"

/*
 * Looks the user up in /etc/passwd itself, through fgetpwent, not NSS:
 * cgihttpd is linked statically (docs/NOTES.md), and a static getpwnam
 * that misses in "files" goes on to dlopen the next nsswitch module, which
 * crashes. System users such as nobody live in /etc/passwd.
 */
static int
find_user(const char *user, uid_t *uid, gid_t *gid)
{
	FILE *fp;
	struct passwd *pw;
	int found = 0;

	if ((fp = fopen("/etc/passwd", "re")) == NULL)
		return -1;
	while ((pw = fgetpwent(fp)) != NULL) {
		if (strcmp(pw->pw_name, user) == 0) {
			*uid = pw->pw_uid;
			*gid = pw->pw_gid;
			found = 1;
			break;
		}
	}
	(void)fclose(fp);
	if (!found)
		errno = ENOENT;
	return found ? 0 : -1;
}

int
privdrop_prepare(struct privdrop *pd, const char *user)
{
	uint64_t n;
	size_t len = strlen(user);

	memset(pd, 0, sizeof(*pd));
	if (geteuid() != 0)
		return 0;
	pd->needed = true;
	errno = 0;
	if (find_user(user, &pd->uid, &pd->gid) == 0) {
		/* found by name */
	} else if (str_to_u64(str_from(user), 0x7fffffff, &n) == 0) {
		pd->uid =
		    (uid_t)n; /* a bare uid, with the same number as gid */
		pd->gid = (gid_t)n;
	} else {
		errno = errno != 0 ? errno : ENOENT;
		return -1;
	}
	if (pd->uid == 0 || pd->gid == 0) {
		errno = EINVAL; /* never serve as root (DESIGN 5) */
		return -1;
	}
	if (len >= sizeof(pd->name))
		len = sizeof(pd->name) - 1;
	memcpy(pd->name, user, len);
	pd->name[len] = '\0';
	return 0;
}

int
privdrop_apply(const struct privdrop *pd)
{
	uid_t r, e, s;

	if (!pd->needed)
		return 0;
	if (setgroups(1, &pd->gid) == -1 ||
	    setresgid(pd->gid, pd->gid, pd->gid) == -1 ||
	    setresuid(pd->uid, pd->uid, pd->uid) == -1)
		return -1;
	if (getresuid(&r, &e, &s) == -1)
		return -1;
	if (r != pd->uid || e != pd->uid || s != pd->uid) {
		errno = EPERM;
		return -1;
	}
	/* The proof: root must be out of reach now. */
	if (setuid(0) != -1 || setgid(0) != -1) {
		errno = EPERM;
		return -1;
	}
	return 0;
}
