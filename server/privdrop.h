/*
 * privdrop.h - give up root after the sockets are bound and the logs open.
 *
 * The target user is looked up before anything else starts; the drop itself
 * is setgroups, setresgid, setresuid in that order (STYLE Rule 13), then a
 * check that root cannot be regained. Nothing here runs when the server was
 * not started as root.
 */
#ifndef SERVER_PRIVDROP_H
#define SERVER_PRIVDROP_H

#include <stdbool.h>
#include <sys/types.h>

struct privdrop {
	bool needed; /* started as root: the drop must happen */
	uid_t uid;
	gid_t gid;
	char name[64];
};

/*
 * Prepares the drop to user (a name or a numeric uid) when the process is
 * root; fills pd. Returns 0, or -1 with errno set (ENOENT: no such user,
 * EINVAL: the user is root, so dropping would change nothing).
 */
int privdrop_prepare(struct privdrop *pd, const char *user);

/*
 * Drops to pd's user if pd->needed. Returns 0 once the process can no
 * longer become root (setuid(0) and setgid(0) fail), or -1 with errno set:
 * the caller must then exit rather than serve.
 */
int privdrop_apply(const struct privdrop *pd);

#endif /* SERVER_PRIVDROP_H */
