/*
 * main.c - cgihttpd's entry point (placeholder until the server lands).
 */
#include <stdio.h>

int
main(void)
{
	fputs("cgihttpd: not built yet\n", stderr);
	return 1;
}
