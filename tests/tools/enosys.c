/*
 * enosys.c - runs a program in a world where some system calls do not
 * exist: a seccomp filter makes each listed syscall number fail with
 * ENOSYS, then argv is executed. "enosys 434,437 cgihttpd ..." is the
 * world of valgrind 3.19 (no pidfd_open, no openat2) or of an old kernel;
 * the e2e tests wrap cgihttpd in it (CGIHTTPD_WRAP) to prove the fallbacks.
 *
 * Usage: enosys NR[,NR...] PROGRAM [ARG...]
 */
#include <sys/prctl.h>
#include <sys/syscall.h>

#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "str.h"

#if defined(__x86_64__)
#define ENOSYS_ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define ENOSYS_ARCH AUDIT_ARCH_AARCH64
#else
#error "enosys: unknown architecture"
#endif

/* Syscalls one filter can refuse (each costs two instructions). */
#define ENOSYS_MAX 16

int
main(int argc, char **argv)
{
	struct sock_filter prog[4 + 2 * ENOSYS_MAX + 1];
	struct sock_fprog fp;
	size_t n = 0, nr = 0;
	const char *p;
	uint64_t v;

	if (argc < 3) {
		(void)fprintf(stderr,
		    "usage: enosys NR[,NR...] PROGRAM "
		    "[ARG...]\n");
		return 2;
	}
	prog[n++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
	    offsetof(struct seccomp_data, arch));
	prog[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K,
	    ENOSYS_ARCH, 1, 0);
	prog[n++] =
	    (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	prog[n++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
	    offsetof(struct seccomp_data, nr));
	for (p = argv[1]; *p != '\0'; nr++) {
		const char *end = strchr(p, ',');
		size_t len = end != NULL ? (size_t)(end - p) : strlen(p);

		if (nr == ENOSYS_MAX ||
		    str_to_u64((struct str){ p, len }, 4095, &v) == -1) {
			(void)fprintf(stderr, "enosys: bad list '%s'\n",
			    argv[1]);
			return 2;
		}
		prog[n++] = (struct sock_filter)BPF_JUMP(
		    BPF_JMP | BPF_JEQ | BPF_K, (unsigned)v, 0, 1);
		prog[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K,
		    SECCOMP_RET_ERRNO | (ENOSYS & 0xffff));
		p += len + (end != NULL);
	}
	prog[n++] =
	    (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	fp.len = (unsigned short)n;
	fp.filter = prog;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == -1 ||
	    prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &fp) == -1) {
		(void)fprintf(stderr, "enosys: seccomp: %s\n", strerror(errno));
		return 1;
	}
	(void)execvp(argv[2], argv + 2);
	(void)fprintf(stderr, "enosys: %s: %s\n", argv[2], strerror(errno));
	return 127;
}
