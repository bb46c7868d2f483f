/*
 * test_loop.c - the event loop: caller-owned timers fire in deadline order
 * whatever the order they were started in, stopped timers never fire,
 * re-armed ones move; descriptor events reach their callback, and an event
 * for an fd unwatched earlier in the same round is dropped.
 */
#include <string.h>
#include <unistd.h>

#include "loop.h"
#include "harness.h"

#define NT 8

static const struct {
	const char *name;
	unsigned ms[NT]; /* start order; 0 = not started */
	unsigned stop;   /* bit i: stop timer i after starting all */
	unsigned rearm;  /* bit i: re-arm timer i with rearm_ms */
	unsigned rearm_ms;
	const char *order; /* indexes in firing order */
} cases[] = {
	{ "one", { 1 }, 0, 0, 0, "0" },
	{ "sorted", { 1, 2, 3, 4 }, 0, 0, 0, "0123" },
	{ "reversed", { 8, 7, 6, 5, 4, 3, 2, 1 }, 0, 0, 0, "76543210" },
	{ "shuffled", { 5, 1, 7, 3, 2, 8, 4, 6 }, 0, 0, 0, "14360725" },
	{ "stop middle", { 1, 2, 3, 4 }, 0x2, 0, 0, "023" },
	{ "stop first and last", { 1, 2, 3, 4 }, 0x9, 0, 0, "12" },
	{ "stop all", { 1, 2 }, 0x3, 0, 0, "" },
	{ "rearm later", { 1, 2, 3 }, 0, 0x1, 9, "120" },
	{ "rearm earlier", { 5, 6, 7 }, 0, 0x4, 1, "201" },
};

struct rec {
	char order[NT + 1];
	size_t n;
	size_t want;
	struct loop *lp;
};

struct tctx {
	struct rec *r;
	int idx;
};

static void
on_timer(struct loop *lp, void *arg)
{
	struct tctx *t = arg;

	t->r->order[t->r->n++] = (char)('0' + t->idx);
	if (t->r->n == t->r->want)
		loop_stop(lp);
}

/* A safety net so a broken loop cannot hang the test. */
static void
on_guard(struct loop *lp, void *arg)
{
	(void)arg;
	loop_stop(lp);
}

static void
test_timers(void)
{
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct loop_timer tm[NT], guard;
		struct tctx ctx[NT];
		struct rec r;
		struct loop *lp = loop_new();

		CHECK(cases[i].name, lp != NULL);
		if (lp == NULL)
			return;
		memset(tm, 0, sizeof(tm));
		memset(&guard, 0, sizeof(guard));
		memset(&r, 0, sizeof(r));
		r.want = strlen(cases[i].order);
		for (int j = 0; j < NT; j++) {
			ctx[j].r = &r;
			ctx[j].idx = j;
			if (cases[i].ms[j] != 0)
				CHECK(cases[i].name,
				    loop_timer_start(lp, &tm[j],
				        cases[i].ms[j] * 5, on_timer,
				        &ctx[j]) == 0);
		}
		for (int j = 0; j < NT; j++) {
			if (cases[i].stop & (1u << j))
				loop_timer_stop(lp, &tm[j]);
			if (cases[i].rearm & (1u << j))
				(void)loop_timer_start(lp, &tm[j],
				    cases[i].rearm_ms * 5, on_timer, &ctx[j]);
		}
		for (int j = 0; j < NT; j++) {
			CHECK(cases[i].name,
			    loop_timer_active(&tm[j]) ==
			        (cases[i].ms[j] != 0 &&
			            !(cases[i].stop & (1u << j))));
		}
		(void)loop_timer_start(lp, &guard, 200, on_guard, NULL);
		if (r.want > 0)
			CHECK_INT(cases[i].name, loop_run(lp), 0);
		r.order[r.n] = '\0';
		CHECK_STR(cases[i].name, r.order, cases[i].order);
		for (int j = 0; j < NT; j++)
			loop_timer_stop(lp, &tm[j]);
		loop_timer_stop(lp, &guard);
		loop_free(lp);
	}
}

struct io {
	int fds[2][2];
	int calls[2];
	struct loop *lp;
};

/* The first callback unwatches the other pipe: its event must be lost. */
static void
on_read(struct loop *lp, int fd, unsigned events, void *arg)
{
	struct io *io = arg;
	int which = fd == io->fds[0][0] ? 0 : 1;

	CHECK("readable", (events & LOOP_READ) != 0);
	io->calls[which]++;
	(void)loop_unwatch(lp, io->fds[1 - which][0]);
	loop_stop(lp);
}

static void
test_io(void)
{
	struct io io;
	struct loop_timer guard;

	memset(&io, 0, sizeof(io));
	memset(&guard, 0, sizeof(guard));
	io.lp = loop_new();
	CHECK("loop", io.lp != NULL);
	if (io.lp == NULL || pipe(io.fds[0]) == -1 || pipe(io.fds[1]) == -1)
		return;
	CHECK_INT("watch 0",
	    loop_watch(io.lp, io.fds[0][0], LOOP_READ, on_read, &io), 0);
	CHECK_INT("watch 1",
	    loop_watch(io.lp, io.fds[1][0], LOOP_READ, on_read, &io), 0);
	CHECK_INT("write 0", (int)write(io.fds[0][1], "x", 1), 1);
	CHECK_INT("write 1", (int)write(io.fds[1][1], "y", 1), 1);
	(void)loop_timer_start(io.lp, &guard, 1000, on_guard, NULL);
	CHECK_INT("run", loop_run(io.lp), 0);
	CHECK_INT("one callback only", io.calls[0] + io.calls[1], 1);
	CHECK_INT("unwatch twice fails", loop_unwatch(io.lp, -1), -1);
	loop_timer_stop(io.lp, &guard);
	for (int i = 0; i < 2; i++) {
		(void)loop_unwatch(io.lp, io.fds[i][0]);
		(void)close(io.fds[i][0]);
		(void)close(io.fds[i][1]);
	}
	loop_free(io.lp);
}

int
main(void)
{
	test_timers();
	test_io();
	return harness_done();
}
