/*
 * http_status.h - the standard reason phrase of each HTTP status code
 * (RFC 9110 15), written once for the server's status lines and the
 * library's Status header and error pages.
 */
#ifndef LIB_HTTP_STATUS_H
#define LIB_HTTP_STATUS_H

/* The phrase for code ("Not Found"), or NULL for a code without one. */
const char *http_status_reason(int code);

#endif /* LIB_HTTP_STATUS_H */
