"""tests/e2e/test_http_framing.py - the request-side items of checklist
section 1.12 (H-9112-*, H-9110-*) end to end, as one table of raw request
bytes -> expected status and whether the server closes the connection
afterwards. Each row's bytes are followed on the same connection by a probe
request (GET /a.txt): a row that keeps the connection must get the probe
answered with 200 (so its bytes were framed exactly), a row that closes must
never see the probe answered (so nothing after a framing error is read as a
request, V-06-b).

Not repeated here, because test_http_protocol.py (H2) already has them end
to end: CL with TE in that order, obs-fold with spaces, an LF-only request,
a missing Host, a space before the colon, two differing Content-Length
lines, one leading empty line, HEAD, Expect: 100-continue to a static
file, and the 408/413/414/431/501/505 pages. The bounds (H-9112-3-b target
length, H-9110-5.4-a field line/count/head size, H-9112-7.1-b extension
total, H-9112-7.1.2-a trailer size, chunk-size digits) are tested at the
bound and one past in test_bounds.py; the rows below only add the
checklist's own vectors for them."""
import hashlib
import os
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cgitest  # noqa: E402
from test_bounds import FILES, exchange, kv  # noqa: E402

ECHO = b"POST /cgi-bin/echo.cgi HTTP/1.1\r\nHost: t\r\n"
CHUNKED = ECHO + b"Transfer-Encoding: chunked\r\n\r\n"


def req(fields=b"Host: t\r\n", line=b"GET /a.txt HTTP/1.1"):
    return line + b"\r\n" + fields + b"\r\n"


# (checklist ID and case, raw bytes, expected status, closed afterwards)
ROWS = [
    # Bare CR (RFC 9112 2.2): never a line end.
    ("H-9112-2.2-a CR inside a field value", req(b"Host: t\r\nX: a\rb\r\n"), 400, True),
    ("H-9112-2.2-a CR inside the request line", req(line=b"GET /a\r.txt HTTP/1.1"), 400, True),
    ("H-9112-2.2-a CR CR LF ends a field", req(b"Host: t\r\r\n"), 400, True),
    ("H-9112-2.2-a CR after the last field line", b"GET /a.txt HTTP/1.1\r\nHost: t\r\n\r\r\n", 400, True),
    # Bare LF: refused even when only one line uses it.
    ("H-9112-2.2-b one LF-only field line", req(b"Host: t\nX: y\r\n"), 400, True),
    ("H-9112-2.2-b LF-only request line", b"GET /a.txt HTTP/1.1\nHost: t\r\n\r\n", 400, True),
    ("H-9112-2.2-b LF-only leading empty line", b"\n" + req(), 400, True),
    # Leading empty lines: several are skipped (the bound is in test_bounds).
    ("H-9112-2.2-c three leading empty lines", b"\r\n\r\n\r\n" + req(), 200, False),
    # Whitespace before the first field (RFC 9112 2.2).
    ("H-9112-2.2-d SP-led line after the request line", req(b" X: y\r\nHost: t\r\n"), 400, True),
    ("H-9112-2.2-d HTAB-led line after the request line", req(b"\tX: y\r\nHost: t\r\n"), 400, True),
    # The request line is exactly method SP target SP version.
    ("H-9112-3-a double SP before the version", req(line=b"GET /a.txt  HTTP/1.1"), 400, True),
    ("H-9112-3-a HTAB instead of SP", req(line=b"GET\t/a.txt HTTP/1.1"), 400, True),
    ("H-9112-3-a SP after the version", req(line=b"GET /a.txt HTTP/1.1 "), 400, True),
    ("H-9112-3-a SP before the method", req(line=b" GET /a.txt HTTP/1.1"), 400, True),
    ("H-9112-3-a no version (HTTP/0.9 form)", b"GET /a.txt\r\n\r\n", 400, True),
    ("H-9112-3-a lower-case version", req(line=b"GET /a.txt http/1.1"), 400, True),
    ("H-9112-3-a version with two digits", req(line=b"GET /a.txt HTTP/1.10"), 400, True),
    ("H-9112-3-a method not a token", req(line=b"G(T /a.txt HTTP/1.1"), 400, True),
    ("H-9112-3-a target with a fragment", req(line=b"GET /a.txt#f HTTP/1.1"), 400, True),
    ("H-9112-3-a target in authority form", req(line=b"GET a.test:80 HTTP/1.1"), 400, True),
    ("H-9112-3-a asterisk form without OPTIONS", req(line=b"GET * HTTP/1.1"), 400, True),
    # A method longer than any implemented one.
    ("H-9112-3-c 1 KiB method", req(line=b"M" * 1024 + b" /a.txt HTTP/1.1"), 501, True),
    # Host (RFC 9112 3.2).
    ("H-9112-3.2-a two Host lines", req(b"Host: t\r\nHost: t\r\n"), 400, True),
    ("H-9112-3.2-a two hosts in one Host line", req(b"Host: a.test, b.test\r\n"), 400, True),
    ("H-9112-3.2-a empty Host", req(b"Host:\r\n"), 400, True),
    ("H-9112-3.2-a Host with userinfo", req(b"Host: u@a.test\r\n"), 400, True),
    ("H-9112-3.2-a Host with a slash", req(b"Host: a.test/x\r\n"), 400, True),
    ("H-9112-3.2-a Host of dots", req(b"Host: ..\r\n"), 400, True),
    ("H-9112-3.2-a Host with a bad port", req(b"Host: a.test:99999\r\n"), 400, True),
    ("H-9112-3.2-a Host IPv6 literal and port", req(b"Host: [::1]:8080\r\n"), 200, False),
    ("H-9112-3.2-a HTTP/1.0 without Host is served",
     req(b"Connection: keep-alive\r\n", b"GET /a.txt HTTP/1.0"), 200, False),
    # Absolute form: its authority replaces Host (also below, through a script).
    ("H-9112-3.2-b absolute form", req(line=b"GET http://a.test/a.txt HTTP/1.1"), 200, False),
    ("H-9112-3.2-b absolute form with a bad authority",
     req(line=b"GET http://a b/a.txt HTTP/1.1"), 400, True),
    ("H-9112-3.2-b absolute form with userinfo",
     req(line=b"GET http://u@a.test/a.txt HTTP/1.1"), 400, True),
    # Field syntax.
    ("H-9112-5.1-a HTAB before the colon", req(b"Host: t\r\nX\t: y\r\n"), 400, True),
    ("H-9112-5.2-a obs-fold with HTAB", req(b"Host: t\r\nX: a\r\n\tb\r\n"), 400, True),
    ("H-9110-5.5-a NUL in a value", req(b"Host: t\r\nX: a\x00b\r\n"), 400, True),
    ("H-9110-5.5-a control byte in a value", req(b"Host: t\r\nX: a\x01b\r\n"), 400, True),
    ("H-9110-5.5-a DEL in a value", req(b"Host: t\r\nX: a\x7fb\r\n"), 400, True),
    ("H-9110-5.5-a obs-text in a value is kept", req(b"Host: t\r\nX: caf\xc3\xa9\r\n"), 200, False),
    ("H-9110-5.5-a HTAB and SP in a value", req(b"Host: t\r\nX: a\t b \t\r\n"), 200, False),
    ("H-9110-5.4-a a 9 KiB field line", req(b"Host: t\r\nX: " + b"v" * 9216 + b"\r\n"), 431, True),
    ("H-9110-5.4-a 200 fields", req(b"Host: t\r\n" + b"".join(
        b"X-%d: y\r\n" % i for i in range(200))), 431, True),
    ("H-9110-5.1-a parenthesis in a name", req(b"Host: t\r\nX(a): 1\r\n"), 400, True),
    ("H-9110-5.1-a empty name", req(b"Host: t\r\n: 1\r\n"), 400, True),
    ("H-9110-5.1-a line without a colon", req(b"Host: t\r\nXY\r\n"), 400, True),
    ("H-9110-5.1-a non-ASCII byte in a name", req(b"Host: t\r\nX\xc3\xa9: 1\r\n"), 400, True),
    # Transfer-Encoding (RFC 9112 6.1).
    ("H-9112-6.1-a gzip, chunked", ECHO + b"Transfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n", 501, True),
    ("H-9112-6.1-a chunked with a parameter", ECHO + b"Transfer-Encoding: chunked;q=1\r\n\r\n0\r\n\r\n", 501, True),
    ("H-9112-6.1-b chunked, gzip", ECHO + b"Transfer-Encoding: chunked, gzip\r\n\r\n0\r\n\r\n", 400, True),
    ("H-9112-6.1-b chunked twice", ECHO + b"Transfer-Encoding: chunked, chunked\r\n\r\n0\r\n\r\n", 400, True),
    ("H-9112-6.1-b chunked in two lines", ECHO + b"Transfer-Encoding: chunked\r\n"
     b"Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400, True),
    ("H-9112-6.1-b empty Transfer-Encoding", ECHO + b"Transfer-Encoding: \r\n\r\n", 400, True),
    ("H-9112-6.1-c TE before CL", ECHO + b"Transfer-Encoding: chunked\r\n"
     b"Content-Length: 5\r\n\r\n0\r\n\r\n", 400, True),
    ("H-9112-6.1-d chunked in HTTP/1.0", b"POST /cgi-bin/echo.cgi HTTP/1.0\r\n"
     b"Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400, True),
    # Content-Length (RFC 9112 6.3).
    ("H-9112-6.3-a non-digit", ECHO + b"Content-Length: abc\r\n\r\n", 400, True),
    ("H-9112-6.3-a plus sign", ECHO + b"Content-Length: +3\r\n\r\nabc", 400, True),
    ("H-9112-6.3-a minus sign", ECHO + b"Content-Length: -1\r\n\r\n", 400, True),
    ("H-9112-6.3-a inner space", ECHO + b"Content-Length: 1 2\r\n\r\n", 400, True),
    ("H-9112-6.3-a hexadecimal", ECHO + b"Content-Length: 0x3\r\n\r\nabc", 400, True),
    ("H-9112-6.3-a empty", ECHO + b"Content-Length: \r\n\r\n", 400, True),
    ("H-9112-6.3-a overflow", ECHO + b"Content-Length: 99999999999999999999999\r\n\r\n", 400, True),
    ("H-9112-6.3-a identical list 42, 42", ECHO + b"Content-Length: 3, 3\r\n\r\nabc", 400, True),
    ("H-9112-6.3-a identical duplicate lines", ECHO + b"Content-Length: 3\r\n"
     b"Content-Length: 3\r\n\r\nabc", 400, True),
    ("H-9112-6.3-a leading zeros are a number", ECHO + b"Content-Length: 003\r\n\r\nabc", 200, False),
    ("H-9112-6.3-a OWS around the value", ECHO + b"Content-Length: \t3 \r\n\r\nabc", 200, False),
    # No framing: no body, whatever follows is the next request.
    ("H-9112-6.3-b GET then the next request at once", req(), 200, False),
    ("H-9112-6.3-b POST without CL or TE has no body", ECHO + b"\r\n", 200, False),
    # Chunked decoding (RFC 9112 7.1).
    ("H-9112-7.1-a negative size", CHUNKED + b"-1\r\n\r\n", 400, True),
    ("H-9112-7.1-a 0x prefix", CHUNKED + b"0x10\r\n" + b"a" * 16 + b"\r\n0\r\n\r\n", 400, True),
    ("H-9112-7.1-a 17 hex digits", CHUNKED + b"0" * 16 + b"1\r\na\r\n0\r\n\r\n", 400, True),
    ("H-9112-7.1-a size over 64 bits worth of body", CHUNKED + b"ffffffffffffffff\r\n", 413, True),
    ("H-9112-7.1-a non-hex size", CHUNKED + b"g\r\n", 400, True),
    ("H-9112-7.1-a empty size", CHUNKED + b"\r\n", 400, True),
    ("H-9112-7.1-a missing CRLF after data", CHUNKED + b"3\r\nabcX\r\n0\r\n\r\n", 400, True),
    ("H-9112-7.1-a data longer than the size", CHUNKED + b"3\r\nabcd\r\n0\r\n\r\n", 400, True),
    ("H-9112-7.1-a LF-only size line with extension", CHUNKED + b"1;ext\na\r\n0\r\n\r\n", 400, True),
    ("H-9112-7.1-a bare CR in size line", CHUNKED + b"1\ra\r\n0\r\n\r\n", 400, True),
    ("H-9112-7.1-a LF-only after data", CHUNKED + b"1\r\na\n0\r\n\r\n", 400, True),
    ("H-9112-7.1-a LF-only final line", CHUNKED + b"1\r\na\r\n0\r\n\n", 400, True),
    ("H-9112-7.1-a upper and lower hex digits", CHUNKED + b"A\r\n0123456789\r\nb\r\n"
     b"0123456789a\r\n0\r\n\r\n", 200, False),
    # Extensions are ignored, but bounded.
    ("H-9112-7.1-b extensions ignored", CHUNKED + b"3;a=1;b=\"q s\"\r\nabc\r\n"
     b"0;last\r\n\r\n", 200, False),
    ("H-9112-7.1-b BWS before an extension", CHUNKED + b"3 \t;a\r\nabc\r\n0\r\n\r\n", 200, False),
    ("H-9112-7.1-b BWS without an extension", CHUNKED + b"3 \r\nabc\r\n0\r\n\r\n", 400, True),
    ("H-9112-7.1-b control byte in an extension", CHUNKED + b"3;a\x01\r\nabc\r\n0\r\n\r\n", 400, True),
    ("H-9112-7.1-b 1 MiB of extensions", CHUNKED + b"1;" + b"e" * (1 << 20) + b"\r\na\r\n"
     b"0\r\n\r\n", 400, True),
    # Trailers are checked and discarded, bounded.
    ("H-9112-7.1.2-a trailer discarded", CHUNKED + b"3\r\nabc\r\n0\r\nX-Sum: 1\r\n"
     b"X-Other: two words\r\n\r\n", 200, False),
    ("H-9112-7.1.2-a 16 KiB trailer", CHUNKED + b"3\r\nabc\r\n0\r\nX-T: " + b"t" * 16384 +
     b"\r\n\r\n", 431, True),
    ("H-9112-7.1.2-a trailer line without colon", CHUNKED + b"0\r\nXY\r\n\r\n", 400, True),
    ("H-9112-7.1.2-a trailer obs-fold", CHUNKED + b"0\r\nX: a\r\n b\r\n\r\n", 400, True),
    ("H-9112-7.1.2-a NUL in a trailer", CHUNKED + b"0\r\nX: a\x00\r\n\r\n", 400, True),
    ("H-9112-7.1.2-a LF-only trailer line", CHUNKED + b"0\r\nX: a\n\r\n", 400, True),
    # Expectations (RFC 9110 10.1.1).
    ("H-9110-10.1.1-a unknown expectation", req(b"Host: t\r\nExpect: foo\r\n"), 417, True),
    ("H-9110-10.1.1-a 100-continue plus junk", req(b"Host: t\r\nExpect: 100-continue, x\r\n"), 417, True),
    ("H-9110-10.1.1-a case-insensitive 100-Continue",
     ECHO + b"Expect: 100-Continue\r\nContent-Length: 3\r\n\r\nabc", 200, False),
    ("H-9110-10.1.1-a HTTP/1.0 ignores Expect",
     req(b"Expect: foo\r\nConnection: keep-alive\r\n", b"GET /a.txt HTTP/1.0"), 200, False),
]


# The shared tree plus a script that prints the names it was given.
FRAMING_FILES = dict(FILES)
FRAMING_FILES["cgi-bin/name.cgi"] = (
    "#!/usr/bin/python3\n"
    "import os, sys\n"
    "sys.stdout.write('Content-Type: text/plain\\n\\n' + ''.join("
    "'%s=%s\\n' % (k, os.environ.get(k, '-')) for k in "
    "('SERVER_NAME', 'SERVER_PORT', 'HTTP_HOST', 'QUERY_STRING')))\n")


class FramingTest(cgitest.ServerTest):
    files = FRAMING_FILES

    def setUp(self):
        super().setUp()
        self.srv = self.start()

    def test_request_table(self):
        """Every row: its status, and the connection closed or kept as the
        row says (a kept connection answers the probe with 200 alpha)."""
        for name, raw, status, closed in ROWS:
            with self.subTest(name):
                res = exchange(self.srv, raw)
                self.assertEqual(res.status, status, "%s: %r" % (name, res))
                if closed:
                    self.assertTrue(res.closed, "%s: kept open: %r" % (name, res))
                    self.assertEqual(res.headers.get("connection"), "close", name)
                else:
                    self.assertFalse(res.closed, "%s: closed: %r" % (name, res))
                    self.assertEqual(res.probe, (200, b"alpha\n"), name)

    def test_bodies_are_framed_exactly(self):
        """H-9112-6.3-a/b, H-9112-7.1-a: where the table accepts a body,
        the script got exactly the framed bytes (so the probe after them
        was not eaten, nor body bytes read as a request)."""
        want = {
            "H-9112-6.3-a leading zeros are a number": (b"abc", "3"),
            "H-9112-6.3-a OWS around the value": (b"abc", "3"),
            "H-9112-6.3-b POST without CL or TE has no body": (b"", "-"),
            "H-9112-7.1-a upper and lower hex digits":
                (b"0123456789" + b"0123456789a", "21"),
            "H-9112-7.1-b extensions ignored": (b"abc", "3"),
            "H-9112-7.1-b BWS before an extension": (b"abc", "3"),
            "H-9112-7.1.2-a trailer discarded": (b"abc", "3"),
            "H-9110-10.1.1-a case-insensitive 100-Continue": (b"abc", "3"),
        }
        rows = {r[0]: r[1] for r in ROWS}
        for name, (body, cl) in want.items():
            with self.subTest(name):
                res = exchange(self.srv, rows[name])
                got = kv(res.body)
                self.assertEqual(got.get("COUNT"), str(len(body)), res)
                self.assertEqual(got.get("CL"), cl, res)
                self.assertEqual(got.get("SHA"), hashlib.sha256(body).hexdigest())

    def test_absolute_form_authority_replaces_host(self):
        """H-9112-3.2-b: with an absolute-form target the script sees the
        target's authority as SERVER_NAME (and its port as SERVER_PORT),
        not the Host field's."""
        srv = self.srv
        s = srv.connect(10)
        try:
            s.sendall(b"GET http://a.test:8081/cgi-bin/name.cgi?x HTTP/1.1\r\n"
                      b"Host: b.test:9\r\nConnection: close\r\n\r\n")
            data = cgitest.recv_all(s)
        finally:
            s.close()
        self.assertTrue(data.startswith(b"HTTP/1.1 200 "), data[:200])
        body = data.split(b"\r\n\r\n", 1)[1]
        self.assertIn(b"SERVER_NAME=a.test\n", body)
        self.assertIn(b"QUERY_STRING=x\n", body)
        self.assertNotIn(b"SERVER_NAME=b.test", body)

    def test_expect_100_continue_to_a_script(self):
        """H-9110-10.1.1-a: a script wants the body, so the server sends
        100 Continue promptly, before any body byte, and then the final
        answer; the script gets the body whole."""
        s = self.srv.connect(10)
        try:
            s.sendall(ECHO + b"Expect: 100-continue\r\nContent-Length: 5\r\n\r\n")
            t0 = time.monotonic()
            first = s.recv(65536)
            self.assertTrue(first.startswith(b"HTTP/1.1 100 Continue\r\n\r\n"), first)
            self.assertLess(time.monotonic() - t0, 5)
            s.sendall(b"hello")
            data = first[25:]
            while b"SHA=" not in data:
                chunk = s.recv(65536)
                if not chunk:
                    break
                data += chunk
        finally:
            s.close()
        self.assertTrue(data.startswith(b"HTTP/1.1 200 "), data[:200])
        self.assertIn(b"COUNT=5\n", data)


if __name__ == "__main__":
    unittest.main()
