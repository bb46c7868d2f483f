"""tests/e2e/test_http_protocol.py - HTTP/1.1 and 1.0 behaviour of the real
server over raw sockets: keep-alive, pipelining order, Connection: close,
HEAD, Expect: 100-continue, Date and Server, every error page, and strict
framing end to end (H-9112 items of the checklist; the parser's own table
tests are H1's). Also home of the small wire helpers the other server tests
import (Wire, request)."""
import os
import re
import socket
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cgitest  # noqa: E402

IMF_DATE = re.compile(rb"^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$")


class Response:
    def __init__(self, status, headers, body, raw_head):
        self.status = status
        self.headers = headers  # list of (lower-case name, value bytes)
        self.body = body
        self.raw_head = raw_head

    def get(self, name):
        name = name.lower().encode()
        for n, v in self.headers:
            if n == name:
                return v.decode("latin-1")
        return None

    def all(self, name):
        name = name.lower().encode()
        return [v.decode("latin-1") for n, v in self.headers if n == name]


class Wire:
    """A raw client connection that reads responses one by one."""

    def __init__(self, srv, timeout=10):
        self.sock = srv.connect(timeout)
        self.buf = b""
        self.timeout = timeout

    def send(self, data):
        self.sock.sendall(data)

    def _fill(self, deadline):
        self.sock.settimeout(max(0.05, deadline - time.monotonic()))
        chunk = self.sock.recv(65536)
        if not chunk:
            raise EOFError("server closed the connection")
        self.buf += chunk

    def read_response(self, head=False):
        """One response; head=True: no body expected (HEAD request)."""
        deadline = time.monotonic() + self.timeout
        while b"\r\n\r\n" not in self.buf:
            self._fill(deadline)
        raw_head, self.buf = self.buf.split(b"\r\n\r\n", 1)
        lines = raw_head.split(b"\r\n")
        m = re.match(rb"HTTP/1\.1 (\d{3}) ", lines[0] + b" ")
        if not m:
            raise AssertionError("bad status line %r" % lines[0])
        status = int(m.group(1))
        headers = []
        for line in lines[1:]:
            n, _, v = line.partition(b":")
            headers.append((n.lower(), v.strip()))
        resp = Response(status, headers, b"", raw_head)
        if status < 200:
            return resp
        if head or status in (204, 304):
            return resp
        cl = resp.get("content-length")
        te = resp.get("transfer-encoding")
        if te is not None:
            resp.body = self._read_chunked(deadline)
        elif cl is not None:
            n = int(cl)
            while len(self.buf) < n:
                self._fill(deadline)
            resp.body, self.buf = self.buf[:n], self.buf[n:]
        else:
            while True:
                try:
                    self._fill(deadline)
                except EOFError:
                    break
            resp.body, self.buf = self.buf, b""
        return resp

    def _read_chunked(self, deadline):
        body = b""
        while True:
            while b"\r\n" not in self.buf:
                self._fill(deadline)
            size_line, self.buf = self.buf.split(b"\r\n", 1)
            size = int(size_line.split(b";")[0], 16)
            if size == 0:
                while b"\r\n" not in self.buf:
                    self._fill(deadline)
                self.buf = self.buf.split(b"\r\n", 1)[1]
                return body
            while len(self.buf) < size + 2:
                self._fill(deadline)
            body += self.buf[:size]
            self.buf = self.buf[size + 2:]

    def closed_by_server(self, wait=5):
        """True if the server closes the connection within wait seconds
        (nothing more is sent)."""
        self.sock.settimeout(wait)
        try:
            data = self.sock.recv(65536)
        except socket.timeout:
            return False
        except ConnectionResetError:
            return True
        if data:
            self.buf += data
            return False
        return True

    def close(self):
        self.sock.close()


def request(srv, path, method="GET", headers=None, version="1.1", body=b""):
    """One request on a new connection; returns the Response."""
    w = Wire(srv)
    try:
        h = {"Host": "t"}
        h.update(headers or {})
        data = "%s %s HTTP/%s\r\n" % (method, path, version)
        data += "".join("%s: %s\r\n" % kv for kv in h.items() if kv[1] is not None)
        data = data.encode() + b"\r\n" + body
        w.send(data)
        return w.read_response(head=(method == "HEAD"))
    finally:
        w.close()


class ProtocolTest(cgitest.ServerTest):
    files = {"index.html": "<p>home</p>\n", "a.txt": "alpha\n",
             "b.txt": "bravo\n", "c.txt": "charlie\n"}

    def setUp(self):
        super().setUp()
        self.srv = self.start("-w", "2")

    def test_keep_alive_serves_many_requests_on_one_connection(self):
        """H-9112-9.3-b: HTTP/1.1 connections persist: three requests,
        three answers, one socket."""
        w = Wire(self.srv)
        for name, want in (("a", b"alpha\n"), ("b", b"bravo\n"), ("c", b"charlie\n")):
            w.send(b"GET /%s.txt HTTP/1.1\r\nHost: t\r\n\r\n" % name.encode())
            r = w.read_response()
            self.assertEqual(r.status, 200)
            self.assertEqual(r.body, want)
            self.assertIsNone(r.get("connection"))
        w.close()

    def test_pipelined_requests_are_answered_in_order(self):
        """RFC 9112 9.3.2: several requests in one send get answers in the
        same order."""
        w = Wire(self.srv)
        names = ["c", "a", "b", "a", "c"] * 4
        w.send(b"".join(b"GET /%s.txt HTTP/1.1\r\nHost: t\r\n\r\n" % n.encode()
                        for n in names))
        want = {"a": b"alpha\n", "b": b"bravo\n", "c": b"charlie\n"}
        for n in names:
            r = w.read_response()
            self.assertEqual(r.status, 200)
            self.assertEqual(r.body, want[n])
        w.close()

    def test_connection_close_is_honoured(self):
        """Connection: close: the answer says close and the socket ends."""
        w = Wire(self.srv)
        w.send(b"GET /a.txt HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
        r = w.read_response()
        self.assertEqual(r.status, 200)
        self.assertEqual(r.get("connection"), "close")
        self.assertTrue(w.closed_by_server())
        w.close()

    def test_http10_closes_unless_keep_alive(self):
        """HTTP/1.0 persists only with Connection: keep-alive (and says so)."""
        w = Wire(self.srv)
        w.send(b"GET /a.txt HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
        r = w.read_response()
        self.assertEqual(r.status, 200)
        self.assertEqual(r.get("connection").lower(), "keep-alive")
        w.send(b"GET /b.txt HTTP/1.0\r\n\r\n")
        r = w.read_response()
        self.assertEqual(r.body, b"bravo\n")
        self.assertTrue(w.closed_by_server())
        w.close()

    def test_head_has_get_headers_and_no_body(self):
        """H-9110-9.3.2-a: HEAD gets GET's headers and no body; the next
        response on the same connection parses cleanly."""
        g = request(self.srv, "/a.txt")
        w = Wire(self.srv)
        w.send(b"HEAD /a.txt HTTP/1.1\r\nHost: t\r\n\r\nGET /b.txt HTTP/1.1\r\nHost: t\r\n\r\n")
        h = w.read_response(head=True)
        self.assertEqual(h.status, 200)
        for name in ("content-length", "content-type", "etag", "last-modified"):
            self.assertEqual(h.get(name), g.get(name), name)
        r = w.read_response()
        self.assertEqual(r.body, b"bravo\n")
        w.close()

    def test_options_asterisk(self):
        """RFC 9110 9.3.7: OPTIONS * is answered 200 with Allow and an
        empty body, and the connection stays usable; "*" with another
        method is 400."""
        w = Wire(self.srv)
        w.send(b"OPTIONS * HTTP/1.1\r\nHost: t\r\n\r\nGET /a.txt HTTP/1.1\r\nHost: t\r\n\r\n")
        r = w.read_response()
        self.assertEqual(r.status, 200)
        self.assertEqual(r.get("allow"), "GET, HEAD, POST")
        self.assertEqual(r.get("content-length"), "0")
        self.assertEqual(w.read_response().body, b"alpha\n")
        w.close()
        w = Wire(self.srv)
        w.send(b"GET * HTTP/1.1\r\nHost: t\r\n\r\n")
        self.assertEqual(w.read_response().status, 400)
        w.close()

    def test_date_and_server_on_every_response(self):
        """H-9110-6.6.1-a: one IMF-fixdate Date and Server: cgihttpd/VERSION,
        on success and on error."""
        for path in ("/a.txt", "/missing"):
            r = request(self.srv, path)
            self.assertEqual(len(r.all("date")), 1)
            self.assertRegex(r.get("date").encode(), IMF_DATE)
            self.assertRegex(r.get("server"), r"^cgihttpd/\d+\.\d+\.\d+$")

    def test_expect_100_continue_gets_final_status_without_body(self):
        """H-9110-10.1.1-a: a static target never wants the body, so the
        final status comes at once (no 100) and the connection closes, as
        the client may never send the body."""
        w = Wire(self.srv)
        w.send(b"PUT /a.txt HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n"
               b"Expect: 100-continue\r\n\r\n")
        r = w.read_response()
        self.assertEqual(r.status, 405)
        self.assertEqual(r.get("allow"), "GET, HEAD")
        self.assertTrue(w.closed_by_server())
        w.close()

    def test_expect_100_continue_when_the_body_is_wanted(self):
        """H-9110-10.1.1-a: a handler that reads the body (a CGI script)
        makes the server send "100 Continue" before any body byte is sent;
        then the body goes through and the final answer follows."""
        cgitest.write_file(self.tree, "cgi-bin/cat.sh",
                           "#!/bin/sh\nprintf 'Content-Type: text/plain\\r\\n\\r\\n'\nexec cat\n")
        srv = self.start()
        w = Wire(srv)
        w.send(b"POST /cgi-bin/cat.sh HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n"
               b"Expect: 100-continue\r\n\r\n")
        interim = w.read_response()
        self.assertEqual(interim.status, 100)
        w.send(b"hello")
        r = w.read_response()
        self.assertEqual(r.status, 200)
        self.assertEqual(r.body, b"hello")
        w.close()

    def test_expect_100_continue_over_max_body_is_413(self):
        """V-13-a with Expect: a declared length over --max-body is refused
        with 413 before any body byte is read."""
        r = request(self.srv, "/a.txt", method="POST",
                    headers={"Content-Length": str(1 << 40), "Expect": "100-continue"})
        self.assertEqual(r.status, 413)

    def test_body_sent_to_static_file_is_discarded(self):
        """A small body sent with a request for a static file is read and
        dropped: the next request on the connection is answered normally."""
        w = Wire(self.srv)
        w.send(b"POST /a.txt HTTP/1.1\r\nHost: t\r\nContent-Length: 11\r\n\r\nhello world"
               b"GET /b.txt HTTP/1.1\r\nHost: t\r\n\r\n")
        self.assertEqual(w.read_response().status, 405)
        r = w.read_response()
        self.assertEqual(r.status, 200)
        self.assertEqual(r.body, b"bravo\n")
        w.close()

    def test_chunked_body_to_static_file_is_discarded(self):
        """A chunked body is de-chunked and dropped; the pipelined request
        after it is still answered."""
        w = Wire(self.srv)
        w.send(b"POST /a.txt HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
               b"5\r\nhello\r\n0\r\n\r\nGET /c.txt HTTP/1.1\r\nHost: t\r\n\r\n")
        self.assertEqual(w.read_response().status, 405)
        self.assertEqual(w.read_response().body, b"charlie\n")
        w.close()


# (name, raw request, expected status): each also proves the page echoes
# nothing from the request and the connection closes after a framing error.
ERRORS = [
    ("400 bad request line", b"GET  / HTTP/1.1\r\nHost: t\r\n\r\n", 400),
    ("403 folder without index", b"GET /dir/ HTTP/1.1\r\nHost: t\r\n\r\n", 403),
    ("404 missing file", b"GET /nope-<script> HTTP/1.1\r\nHost: t\r\n\r\n", 404),
    ("405 method on static", b"DELETE /a.txt HTTP/1.1\r\nHost: t\r\n\r\n", 405),
    ("413 body too large", b"POST /a.txt HTTP/1.1\r\nHost: t\r\nContent-Length: 2000\r\n\r\n", 413),
    ("414 target too long", b"GET /" + b"a" * 9000 + b" HTTP/1.1\r\nHost: t\r\n\r\n", 414),
    ("431 too many fields", b"GET / HTTP/1.1\r\nHost: t\r\n" + b"".join(
        b"X-%d: y\r\n" % i for i in range(150)) + b"\r\n", 431),
    ("501 unknown transfer coding", b"POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: gzip\r\n\r\n", 501),
    ("505 HTTP/2.0", b"GET / HTTP/2.0\r\nHost: t\r\n\r\n", 505),
]

FRAMING = [
    ("CL and TE together", b"POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\n"
     b"Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n"),
    ("obs-fold", b"GET / HTTP/1.1\r\nHost: t\r\nX-A: 1\r\n  folded\r\n\r\n"),
    ("bare LF", b"GET / HTTP/1.1\nHost: t\n\n"),
    ("missing Host in 1.1", b"GET / HTTP/1.1\r\nUser-Agent: x\r\n\r\n"),
    ("space before colon", b"GET / HTTP/1.1\r\nHost : t\r\n\r\n"),
    ("two Content-Lengths", b"POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 1\r\n"
     b"Content-Length: 2\r\n\r\nab"),
]


class ErrorPageTest(cgitest.ServerTest):
    files = {"a.txt": "alpha\n", "dir/x.txt": "x\n"}

    def setUp(self):
        super().setUp()
        self.srv = self.start("--max-body", "1000")

    def test_each_error_status_has_a_small_html_page(self):
        """Each status of the spec has its page: text/html, exact length,
        the status in the title, and nothing from the request echoed."""
        for name, raw, want in ERRORS:
            with self.subTest(name):
                w = Wire(self.srv)
                w.send(raw)
                r = w.read_response()
                w.close()
                self.assertEqual(r.status, want)
                self.assertEqual(r.get("content-type"), "text/html; charset=utf-8")
                self.assertEqual(int(r.get("content-length")), len(r.body))
                self.assertIn(b"<title>%d " % want, r.body)
                self.assertNotIn(b"script", r.body)
                self.assertNotIn(b"nope", r.body)

    def test_408_after_a_partial_head_times_out(self):
        """V-10-a: part of a head, then silence past --header-timeout:
        408 and close."""
        srv = self.start("--header-timeout", "1")
        w = Wire(srv)
        w.send(b"GET /a.txt HTTP/1.1\r\nHost: t\r\n")
        t0 = time.monotonic()
        r = w.read_response()
        self.assertEqual(r.status, 408)
        self.assertLess(time.monotonic() - t0, 5)
        self.assertTrue(w.closed_by_server())
        w.close()

    def test_framing_errors_get_400_and_close(self):
        """V-06-a/b end to end: each smuggling vector gets 400, and nothing
        sent after it on the connection is ever answered."""
        for name, raw in FRAMING:
            with self.subTest(name):
                w = Wire(self.srv)
                w.send(raw + b"GET /a.txt HTTP/1.1\r\nHost: t\r\n\r\n")
                r = w.read_response()
                self.assertEqual(r.status, 400)
                self.assertEqual(r.get("connection"), "close")
                self.assertTrue(w.closed_by_server())
                self.assertNotIn(b"HTTP/1.1", w.buf)
                w.close()

    def test_long_chunked_body_to_static_file_closes(self):
        """A chunked body nobody wants is dropped only up to 64 KiB: past
        that the answer comes with the connection closed after it, so a
        client cannot make the server read megabytes for nothing."""
        w = Wire(self.srv)
        w.send(b"POST /a.txt HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n")
        r = w.read_response()
        self.assertEqual(r.status, 405)
        chunk = b"4000\r\n" + b"y" * 0x4000 + b"\r\n"
        w.sock.settimeout(0.5)
        try:
            for _ in range(40):  # 640 KiB
                w.sock.sendall(chunk)
        except (socket.timeout, BrokenPipeError, ConnectionResetError):
            pass
        self.assertTrue(w.closed_by_server(wait=5))
        w.close()

    def test_413_reaches_a_client_still_sending(self):
        """H-9112-9.6-b: the server answers 413 at once and closes with a
        lingering close, so the answer arrives intact even though the
        client goes on sending its body (no reset eats it)."""
        w = Wire(self.srv)
        w.send(b"POST /a.txt HTTP/1.1\r\nHost: t\r\nContent-Length: 4000000\r\n\r\n")
        sent = 0
        w.sock.settimeout(0.2)
        try:
            while sent < 1000000:
                sent += w.sock.send(b"x" * 65536)
        except (socket.timeout, BrokenPipeError, ConnectionResetError):
            pass
        w.sock.settimeout(10)
        r = w.read_response()
        self.assertEqual(r.status, 413)
        self.assertIn(b"413", r.body)
        w.close()

    def test_leading_empty_line_is_ignored(self):
        """H-9112-2.2-c: one empty line before the request line is skipped."""
        w = Wire(self.srv)
        w.send(b"\r\nGET /a.txt HTTP/1.1\r\nHost: t\r\n\r\n")
        self.assertEqual(w.read_response().body, b"alpha\n")
        w.close()


if __name__ == "__main__":
    unittest.main()
