/*
 * conn_int.h - internal to the connection module (conn.c, conn_in.c,
 * conn_out.c; the API is conn.h): struct conn and the functions the three
 * files share. conn.c has the lifetime, timers and the request state
 * machine, conn_in.c reading the socket and the request body, conn_out.c
 * writing responses (the response API of conn.h is defined there).
 */
#ifndef SERVER_CONN_INT_H
#define SERVER_CONN_INT_H

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bounds.h"
#include "buf.h"
#include "chunked.h"
#include "conn.h"
#include "http_parse.h"
#include "loop.h"
#include "route.h"
#include "server.h"

#define CONN_IN_INITIAL 4096
#define CONN_SPARES_MAX 64
#define CONN_LINGER_MS  2000
/* Bodies sent to static files up to this size are read and dropped to
 * keep the connection; a bigger one closes it after the response. */
#define CONN_DISCARD_MAX 65536
/* Output buffers that grew past this are released after the response. */
#define CONN_OUT_KEEP 65536

enum conn_phase {
	CONN_HEAD,   /* reading a request head, or idle between requests */
	CONN_SERVE,  /* a request is being answered */
	CONN_LINGER, /* write side shut: draining input briefly, then close */
};

enum conn_timer {
	CONN_T_NONE,
	CONN_T_IDLE,  /* no byte of a request yet: silent close */
	CONN_T_HEAD,  /* part of a head: 408 */
	CONN_T_BODY,  /* body stalled: 408 */
	CONN_T_WRITE, /* client not reading: close */
	CONN_T_LINGER
};

struct conn {
	struct server_worker *w;
	struct conn *prev, *next;
	int fd;
	enum conn_phase phase;
	unsigned watched; /* LOOP_* asked of the loop */
	int depth;        /* conn_run() frames active on this conn */
	bool dead;        /* close as soon as depth reaches 0 */
	bool peer_eof;    /* the client shut its sending side */
	bool served_one;  /* a request was answered on this connection */
	char peer[INET6_ADDRSTRLEN];
	unsigned peer_port;
	size_t ip_slot; /* in srv->ip_conns */

	/* Input: in[0..head_len) is the current head, body/pipelined after. */
	char *in;
	size_t in_len, in_cap;
	size_t head_len; /* 0 while the head is incomplete */
	size_t body_pos; /* first byte not yet consumed */
	struct http_head head;

	/* Request body. */
	bool body_want;    /* still to be read (handler or discard) */
	bool body_discard; /* read and dropped */
	bool body_paused;
	bool continue_due; /* send 100 Continue when the body is wanted */
	uint64_t body_left;
	uint64_t dropped; /* body bytes read and discarded */
	struct chunked ck;

	/* Response. */
	struct buf out;
	size_t out_off;
	int file_fd;
	uint64_t file_off, file_left;
	bool resp_head;    /* the head is queued */
	bool resp_done;    /* nothing more will be queued */
	bool resp_chunked; /* body bytes get chunk framing */
	bool resp_nobody;  /* HEAD, 204, 304: body bytes are dropped */
	bool resp_counted; /* Content-Length framing: body_max applies */
	uint64_t resp_max; /* with resp_counted: bytes still allowed */
	bool close_after;  /* close once this response is out */
	int status;
	uint64_t bytes; /* body bytes, for the access log */

	/* Handler, when one (not static) serves the request. */
	const struct conn_handler *h;
	void *harg;
	struct route rt;

	struct loop_timer timer;
	enum conn_timer tkind;
	char log_extra[256];
	size_t log_extra_len;

	struct http_field fields[BOUND_HEAD_FIELDS];
};

static inline struct loop *
conn_lp(const struct conn *c)
{
	return c->w->lp;
}

static inline const struct config *
conn_cf(const struct conn *c)
{
	return c->w->srv->cf;
}

/* conn.c */
/* Drives c as far as it can go (every event and API call ends here). */
void conn_run(struct conn *c);
/* Closes c now, or as soon as no conn_run() is active on it. */
void conn_kill(struct conn *c);
/* Keeps the timer kind k running; restart re-arms it from now. */
void conn_set_timer(struct conn *c, enum conn_timer k, bool restart);

/* conn_in.c */
/* Should the socket be read now? */
bool conn_in_want(const struct conn *c);
/* Reads what the socket has (or drains it while lingering). */
void conn_in_read(struct conn *c);
/* Makes the input buffer at least want bytes. 0, or -1 with errno. */
int conn_in_grow(struct conn *c, size_t want);
/* Hands buffered body bytes to the handler (or drops them). */
void conn_in_feed_body(struct conn *c);
/* No handler takes the body: drop it if small, else close afterwards. */
void conn_in_drop_body(struct conn *c);

/* conn_out.c */
/* Is output queued (buffer or file)? */
bool conn_out_pending(const struct conn *c);
/* Writes what is queued. 0 (all out or EAGAIN), -1 when the peer is gone. */
int conn_out_flush(struct conn *c);
/* The Connection line the response gets ("" when none). */
struct str conn_out_connection(const struct conn *c);
/* The Date value, for the current second. */
const char *conn_out_date(struct conn *c);
struct static_req;
/* Fills *rq for a static or error response on c (its worker's server,
 * head, Date, Connection line, file cache and clock). */
void conn_out_static_req(struct conn *c, struct static_req *rq);

#endif /* SERVER_CONN_INT_H */
