/*
 * loop.h - one event loop per worker thread: descriptors and timers.
 *
 * A loop watches descriptors (level-triggered) and runs caller-owned timers
 * kept in a binary heap (STYLE Rule 12): starting or stopping a timer never
 * allocates per timer. The backend lives in loop_epoll.c; no other file
 * includes <sys/epoll.h>. A loop is used by exactly one thread.
 */
#ifndef SERVER_LOOP_H
#define SERVER_LOOP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct loop;

typedef void loop_io_fn(struct loop *lp, int fd, unsigned events, void *arg);
typedef void loop_timer_fn(struct loop *lp, void *arg);
typedef void loop_idle_fn(struct loop *lp, void *arg);

#define LOOP_READ  0x1u /* readable, or the peer closed its side */
#define LOOP_WRITE 0x2u /* writable */
#define LOOP_ERROR                                                             \
	0x4u /* error or hang-up: only ever reported, never asked              \
	      */

/*
 * A timer embedded in its owner (struct conn, a CGI job...). A zeroed
 * struct is a stopped timer. slot is the heap index plus one; 0 = stopped.
 */
struct loop_timer {
	uint64_t deadline_ms; /* loop_now_ms() time at which fn runs */
	loop_timer_fn *fn;
	void *arg;
	size_t slot;
};

/*
 * New loop. Returns NULL with errno set (epoll_create1, ENOMEM). The
 * caller frees it with loop_free().
 */
struct loop *loop_new(void);
/* Releases the loop (not the watched descriptors). NULL is a no-op. */
void loop_free(struct loop *lp);

/*
 * Watches fd for events (LOOP_READ | LOOP_WRITE, may be 0 to keep the
 * registration but pause it); fn(lp, fd, events, arg) runs when one is
 * ready. A second call for the same fd replaces fn, arg and events.
 * Returns 0, or -1 with errno set. arg is borrowed until loop_unwatch().
 */
int loop_watch(struct loop *lp, int fd, unsigned events, loop_io_fn *fn,
    void *arg);
/* Changes only the events of a watched fd. 0, or -1 with errno set. */
int loop_modify(struct loop *lp, int fd, unsigned events);
/*
 * Stops watching fd; call it before close(fd). Events already collected
 * for fd in the current round are dropped. 0, or -1 with errno set.
 */
int loop_unwatch(struct loop *lp, int fd);

/*
 * (Re)starts t to run fn(lp, arg) once, ms milliseconds from now (the
 * deadline is clamped on overflow). t is borrowed until it has run or
 * been stopped. Returns 0, or -1 with errno ENOMEM (heap growth).
 */
int loop_timer_start(struct loop *lp, struct loop_timer *t, uint64_t ms,
    loop_timer_fn *fn, void *arg);
/* Stops t if it is running; a stopped or zeroed timer is a no-op. */
void loop_timer_stop(struct loop *lp, struct loop_timer *t);
/* True if t is waiting to run. */
bool loop_timer_active(const struct loop_timer *t);

/* fn(lp, arg) runs after each round of events, before the loop sleeps. */
void loop_set_idle(struct loop *lp, loop_idle_fn *fn, void *arg);

/* Monotonic milliseconds, read once per round (cheap to call). */
uint64_t loop_now_ms(const struct loop *lp);

/*
 * Runs until loop_stop(). Returns 0, or -1 with errno set if waiting for
 * events failed for a reason other than EINTR.
 */
int loop_run(struct loop *lp);
/* Makes loop_run() return after the current round. */
void loop_stop(struct loop *lp);

#endif /* SERVER_LOOP_H */
