/*
 * loop_epoll.c - the epoll backend of loop.h, and the timer heap.
 *
 * Watches live in a table indexed by fd; each epoll registration carries
 * the fd and a generation number, so an event collected for a descriptor
 * that was unwatched (and perhaps reused) in the same round is dropped.
 * Timers are caller-owned and sit in a binary min-heap of pointers.
 */
#include "loop.h"

#include <sys/epoll.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define LOOP_MAXEVENTS 256

struct loop_watch {
	loop_io_fn *fn;
	void *arg;
	uint32_t gen;
	unsigned events;
};

struct loop {
	int epfd;
	bool stop;
	uint64_t now_ms;
	struct loop_watch *watch; /* indexed by fd */
	size_t nwatch;
	uint32_t gen;
	struct loop_timer **heap;
	size_t nheap, capheap;
	loop_idle_fn *idle_fn;
	void *idle_arg;
};

static uint64_t
clock_ms(void)
{
	struct timespec ts;

	(void)clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

struct loop *
loop_new(void)
{
	struct loop *lp;

	if ((lp = calloc(1, sizeof(*lp))) == NULL)
		return NULL;
	if ((lp->epfd = epoll_create1(EPOLL_CLOEXEC)) == -1) {
		free(lp);
		return NULL;
	}
	lp->now_ms = clock_ms();
	return lp;
}

void
loop_free(struct loop *lp)
{
	if (lp == NULL)
		return;
	(void)close(lp->epfd);
	free(lp->watch);
	free(lp->heap);
	free(lp);
}

static uint32_t
to_epoll(unsigned events)
{
	uint32_t ev = 0;

	if (events & LOOP_READ)
		ev |= EPOLLIN | EPOLLRDHUP;
	if (events & LOOP_WRITE)
		ev |= EPOLLOUT;
	return ev;
}

static int
grow_watch(struct loop *lp, int fd)
{
	struct loop_watch *w;
	size_t n;

	if ((size_t)fd < lp->nwatch)
		return 0;
	n = lp->nwatch < 64 ? 64 : lp->nwatch;
	while (n <= (size_t)fd)
		n *= 2;
	if ((w = realloc(lp->watch, n * sizeof(*w))) == NULL)
		return -1;
	memset(w + lp->nwatch, 0, (n - lp->nwatch) * sizeof(*w));
	lp->watch = w;
	lp->nwatch = n;
	return 0;
}

int
loop_watch(struct loop *lp, int fd, unsigned events, loop_io_fn *fn, void *arg)
{
	struct epoll_event ev;
	struct loop_watch *w;
	int op;

	if (fd < 0 || fn == NULL) {
		errno = EINVAL;
		return -1;
	}
	if (grow_watch(lp, fd) == -1)
		return -1;
	w = &lp->watch[fd];
	op = w->fn != NULL ? EPOLL_CTL_MOD : EPOLL_CTL_ADD;
	if (op == EPOLL_CTL_ADD)
		w->gen = ++lp->gen;
	memset(&ev, 0, sizeof(ev));
	ev.events = to_epoll(events);
	ev.data.u64 = (uint64_t)(uint32_t)fd | (uint64_t)w->gen << 32;
	if (epoll_ctl(lp->epfd, op, fd, &ev) == -1)
		return -1;
	w->fn = fn;
	w->arg = arg;
	w->events = events;
	return 0;
}

int
loop_modify(struct loop *lp, int fd, unsigned events)
{
	struct loop_watch *w;

	if (fd < 0 || (size_t)fd >= lp->nwatch || lp->watch[fd].fn == NULL) {
		errno = EBADF;
		return -1;
	}
	w = &lp->watch[fd];
	if (w->events == events)
		return 0; /* saves an epoll_ctl per request on the hot path */
	return loop_watch(lp, fd, events, w->fn, w->arg);
}

int
loop_unwatch(struct loop *lp, int fd)
{
	struct loop_watch *w;

	if (fd < 0 || (size_t)fd >= lp->nwatch || lp->watch[fd].fn == NULL) {
		errno = EBADF;
		return -1;
	}
	w = &lp->watch[fd];
	w->fn = NULL;
	w->arg = NULL;
	w->events = 0;
	return epoll_ctl(lp->epfd, EPOLL_CTL_DEL, fd, NULL);
}

/* Heap helpers: heap[i]->slot == i + 1 always holds. */
static void
heap_set(struct loop *lp, size_t i, struct loop_timer *t)
{
	lp->heap[i] = t;
	t->slot = i + 1;
}

static void
heap_up(struct loop *lp, size_t i)
{
	struct loop_timer *t = lp->heap[i];
	size_t parent;

	while (i > 0) {
		parent = (i - 1) / 2;
		if (lp->heap[parent]->deadline_ms <= t->deadline_ms)
			break;
		heap_set(lp, i, lp->heap[parent]);
		i = parent;
	}
	heap_set(lp, i, t);
}

static void
heap_down(struct loop *lp, size_t i)
{
	struct loop_timer *t = lp->heap[i];
	size_t child;

	for (;;) {
		child = 2 * i + 1;
		if (child >= lp->nheap)
			break;
		if (child + 1 < lp->nheap &&
		    lp->heap[child + 1]->deadline_ms <
		        lp->heap[child]->deadline_ms)
			child++;
		if (t->deadline_ms <= lp->heap[child]->deadline_ms)
			break;
		heap_set(lp, i, lp->heap[child]);
		i = child;
	}
	heap_set(lp, i, t);
}

int
loop_timer_start(struct loop *lp, struct loop_timer *t, uint64_t ms,
    loop_timer_fn *fn, void *arg)
{
	struct loop_timer **h;
	uint64_t old;
	size_t n;

	old = t->deadline_ms;
	t->deadline_ms =
	    ms > UINT64_MAX - lp->now_ms ? UINT64_MAX : lp->now_ms + ms;
	t->fn = fn;
	t->arg = arg;
	if (t->slot != 0) { /* running: move it in place */
		if (t->deadline_ms < old)
			heap_up(lp, t->slot - 1);
		else
			heap_down(lp, t->slot - 1);
		return 0;
	}
	if (lp->nheap == lp->capheap) {
		n = lp->capheap < 16 ? 16 : lp->capheap * 2;
		if ((h = realloc(lp->heap, n * sizeof(*h))) == NULL)
			return -1;
		lp->heap = h;
		lp->capheap = n;
	}
	lp->heap[lp->nheap++] = t;
	heap_up(lp, lp->nheap - 1);
	return 0;
}

void
loop_timer_stop(struct loop *lp, struct loop_timer *t)
{
	struct loop_timer *last;
	size_t i;

	if (t->slot == 0)
		return;
	if (t->slot > lp->nheap || lp->heap[t->slot - 1] != t) {
		/* Not ours (a copied or stale struct): never remove another
		 * owner's timer in its place. */
		t->slot = 0;
		return;
	}
	i = t->slot - 1;
	t->slot = 0;
	last = lp->heap[--lp->nheap];
	if (i == lp->nheap)
		return;
	heap_set(lp, i, last);
	if (i > 0 && lp->heap[(i - 1) / 2]->deadline_ms > last->deadline_ms)
		heap_up(lp, i);
	else
		heap_down(lp, i);
}

bool
loop_timer_active(const struct loop_timer *t)
{
	return t->slot != 0;
}

void
loop_set_idle(struct loop *lp, loop_idle_fn *fn, void *arg)
{
	lp->idle_fn = fn;
	lp->idle_arg = arg;
}

uint64_t
loop_now_ms(const struct loop *lp)
{
	return lp->now_ms;
}

static void
run_timers(struct loop *lp)
{
	struct loop_timer *t;
	size_t budget = lp->nheap;

	/* At most as many runs as timers were waiting: a callback that
	 * re-arms itself with 0 ms runs once per round instead of spinning. */
	while (budget-- > 0 && lp->nheap > 0 &&
	    lp->heap[0]->deadline_ms <= lp->now_ms && !lp->stop) {
		t = lp->heap[0];
		loop_timer_stop(lp, t);
		t->fn(lp, t->arg);
	}
}

static int
next_timeout(const struct loop *lp)
{
	uint64_t d;

	if (lp->nheap == 0)
		return -1;
	d = lp->heap[0]->deadline_ms;
	if (d <= lp->now_ms)
		return 0;
	d -= lp->now_ms;
	return d > 60000 ? 60000 : (int)d;
}

static void
dispatch(struct loop *lp, const struct epoll_event *ev)
{
	struct loop_watch *w;
	unsigned events = 0;
	int fd = (int)(uint32_t)ev->data.u64;

	if ((size_t)fd >= lp->nwatch)
		return;
	w = &lp->watch[fd];
	if (w->fn == NULL || w->gen != (uint32_t)(ev->data.u64 >> 32))
		return; /* unwatched earlier in this round */
	if (ev->events & (EPOLLIN | EPOLLRDHUP))
		events |= LOOP_READ;
	if (ev->events & EPOLLOUT)
		events |= LOOP_WRITE;
	if (ev->events & (EPOLLERR | EPOLLHUP))
		events |= LOOP_ERROR | (w->events & (LOOP_READ | LOOP_WRITE));
	w->fn(lp, fd, events, w->arg);
}

int
loop_run(struct loop *lp)
{
	struct epoll_event ev[LOOP_MAXEVENTS];
	int n, i;

	lp->stop = false;
	while (!lp->stop) {
		n = epoll_wait(lp->epfd, ev, LOOP_MAXEVENTS, next_timeout(lp));
		if (n == -1 && errno != EINTR)
			return -1;
		lp->now_ms = clock_ms();
		for (i = 0; i < n && !lp->stop; i++)
			dispatch(lp, &ev[i]);
		run_timers(lp);
		if (lp->idle_fn != NULL)
			lp->idle_fn(lp, lp->idle_arg);
	}
	return 0;
}

void
loop_stop(struct loop *lp)
{
	lp->stop = true;
}
