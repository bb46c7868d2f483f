/*
 * hello_cgi.c - the CGI program of the CGI benchmark (bench/cgi.sh).
 *
 * A minimal CGI/1.1 program without libcgi: one write of a Content-Type
 * header and a fixed 200-byte text body, so every server under test pays
 * only for the spawn, the pipes and the HTTP framing, not for the program.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>

/* 28 bytes of header, then a body of exactly 200 bytes (5 lines of 40). */
static const char hello_out[] = "Content-Type: text/plain\r\n\r\n"
                                "hello_cgi ok: the CGI benchmark program\n"
                                "0123456789abcdefghijklmnopqrstuvwxyzABC\n"
                                "0123456789abcdefghijklmnopqrstuvwxyzABC\n"
                                "0123456789abcdefghijklmnopqrstuvwxyzABC\n"
                                "0123456789abcdefghijklmnopqrstuvwxyzABC\n";

int
main(void)
{
	size_t off = 0, len = sizeof(hello_out) - 1;
	ssize_t n;

	while (off < len) {
		n = write(STDOUT_FILENO, hello_out + off, len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return 1;
		off += (size_t)n;
	}
	return 0;
}
